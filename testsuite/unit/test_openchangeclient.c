/*
 * Tests of utils/openchangeclient that need no server, run as a user runs
 * it: usage errors exit 2, --send and an unknown profile exit 1, each with
 * one line on stderr; --help exits 0.  The commands against a server are in
 * testsuite/integration/test_openchangeclient.py.
 *
 * Copyright (C) OpenChange developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* Set by utils/openchangeclient.am. */
#ifndef OPENCHANGECLIENT
#error OPENCHANGECLIENT must name the built utils/openchangeclient
#endif

struct run {
	int status;
	char out[16384];
	char err[4096];
};

static void slurp(const char *path, char *dst, size_t size)
{
	FILE *f = fopen(path, "r");
	size_t n;

	assert_non_null(f);
	n = fread(dst, 1, size - 1, f);
	dst[n] = '\0';
	fclose(f);
}

/* Runs the tool with ARGS (shell words); removes its files. */
static void run_tool(const char *args, struct run *run)
{
	char dir[] = "/tmp/test_openchangeclient.XXXXXX";
	char out[PATH_MAX], err[PATH_MAX], cmd[3 * PATH_MAX + 1024];
	int rc;

	assert_non_null(mkdtemp(dir));
	snprintf(out, sizeof(out), "%s/out", dir);
	snprintf(err, sizeof(err), "%s/err", dir);
	snprintf(cmd, sizeof(cmd), "%s %s </dev/null >%s 2>%s", OPENCHANGECLIENT, args, out, err);
	rc = system(cmd);
	run->status = WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
	slurp(out, run->out, sizeof(run->out));
	slurp(err, run->err, sizeof(run->err));
	unlink(out);
	unlink(err);
	assert_int_equal(rmdir(dir), 0);
}

/* One line on stderr, starting with the program's name. */
static void assert_one_error_line(const struct run *run)
{
	const char *nl = strchr(run->err, '\n');

	assert_int_equal(strncmp(run->err, "openchangeclient: ", 18), 0);
	assert_non_null(nl);
	assert_int_equal(nl[1], '\0');
}

static void test_help(void **state)
{
	static struct run run;

	(void)state;
	run_tool("--help", &run);
	assert_int_equal(run.status, 0);
	assert_non_null(strstr(run.out, "--list-folders"));
	assert_non_null(strstr(run.out, "--create-message"));
	assert_string_equal(run.err, "");
}

static void test_usage_errors(void **state)
{
	static const char *const cases[] = {
		"",
		"--no-such-option",
		"--list-folders",					/* no connection */
		"--server s --user u --list-folders",			/* no password */
		"--profile p --list-messages",				/* no --folder */
		"--profile p --fetch",					/* no MID */
		"--profile p --list-folders --list-messages",		/* two commands */
		"--profile p --create-message --folder Drafts",		/* no --subject */
		"--profile p --create-folder ''",
		"--profile p --create-appointment x --start 2026-01-01",	/* no --end */
		"--profile p --list-folders extra",
	};
	static struct run run;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		run_tool(cases[i], &run);
		if (run.status != 2) {
			fail_msg("'%s': exit %d, %s", cases[i], run.status, run.err);
		}
		assert_one_error_line(&run);
		assert_non_null(strstr(run.err, "--help"));
	}
}

static void test_send(void **state)
{
	static struct run run;

	(void)state;
	run_tool("--send --folder Drafts --subject x", &run);
	assert_int_equal(run.status, 1);
	assert_one_error_line(&run);
	assert_non_null(strstr(run.err, "message submission is not supported by this server yet"));
}

static void test_unknown_profile(void **state)
{
	static struct run run;

	(void)state;
	run_tool("--profile-file /nonexistent/dir/profiles.ldb --profile nope --password x "
		 "--list-folders", &run);
	assert_int_equal(run.status, 1);
	assert_one_error_line(&run);
	assert_non_null(strstr(run.err, "cannot log on"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_help),
		cmocka_unit_test(test_usage_errors),
		cmocka_unit_test(test_send),
		cmocka_unit_test(test_unknown_profile),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
