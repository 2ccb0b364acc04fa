/*
 * utils/mapitest run as a user runs it, without a server: the offline
 * families pass and end with the closing lines, --list names every family
 * with its tests' spec sections, JSON lines carry the fields, and usage
 * errors (an unknown option, family or test, a bad --format, a server
 * family without credentials) are exit 2 with a message.
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

/* Set by utils/mapitest/mapitest.am. */
#ifndef MAPITEST
#error MAPITEST must name the built utils/mapitest/mapitest
#endif

struct run {
	int status;
	char out[65536];
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

/* Runs mapitest with ARGS (shell words); removes its files */
static void run_mapitest(const char *args, struct run *run)
{
	char dir[] = "/tmp/test_mapitest.XXXXXX";
	char out[PATH_MAX], err[PATH_MAX], cmd[3 * PATH_MAX + 1024];
	int rc;

	assert_non_null(mkdtemp(dir));
	snprintf(out, sizeof(out), "%s/out", dir);
	snprintf(err, sizeof(err), "%s/err", dir);
	snprintf(cmd, sizeof(cmd), "%s %s </dev/null >%s 2>%s", MAPITEST, args, out, err);
	rc = system(cmd);
	run->status = WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
	slurp(out, run->out, sizeof(run->out));
	slurp(err, run->err, sizeof(run->err));
	unlink(out);
	unlink(err);
	assert_int_equal(rmdir(dir), 0);
}

/* The last line, without its newline */
static const char *last_line(char *text)
{
	size_t len = strlen(text);
	char *p;

	while (len > 0 && text[len - 1] == '\n') {
		text[--len] = '\0';
	}
	p = strrchr(text, '\n');
	return p != NULL ? p + 1 : text;
}

static void test_offline_families_pass(void **state)
{
	struct run *run = malloc(sizeof(*run));
	unsigned passed = 0, failed = 99;

	assert_non_null(run);
	run_mapitest("--family NOSERVER --family lz77", run);
	assert_int_equal(run->status, 0);
	assert_null(strstr(run->out, "FAIL"));
	assert_non_null(strstr(run->out, "NOSERVER/rop_logon_request: pass\n"));
	assert_non_null(strstr(run->out, "LZ77/spec_example_literals: pass\n"));
	assert_non_null(strstr(run->out, "\n0 skipped\n"));
	assert_int_equal(sscanf(last_line(run->out), "%u passed, %u failed", &passed, &failed), 2);
	assert_int_equal(failed, 0);
	assert_true(passed >= 14);
	free(run);
}

static void test_one_test_by_name(void **state)
{
	struct run *run = malloc(sizeof(*run));

	assert_non_null(run);
	run_mapitest("--test LZ77/round_trips", run);
	assert_int_equal(run->status, 0);
	assert_string_equal(run->out, "LZ77/round_trips: pass\n0 skipped\n1 passed, 0 failed\n");
	free(run);
}

static void test_json_lines(void **state)
{
	struct run *run = malloc(sizeof(*run));

	assert_non_null(run);
	run_mapitest("--test rpc_header_ext --format json", run);
	assert_int_equal(run->status, 0);
	assert_string_equal(run->out,
			    "{\"family\": \"NOSERVER\", \"name\": \"rpc_header_ext\", \"result\": \"pass\", "
			    "\"reason\": null, \"spec\": \"MS-OXCRPC 2.2.2.1\", \"requirement\": "
			    "\"RPC_HEADER_EXT: Version 0, Flags (Last on the last buffer), Size, "
			    "SizeActual\"}\n0 skipped\n1 passed, 0 failed\n");
	free(run);
}

static void test_list(void **state)
{
	static const char *const families[] = {
		"NOSERVER: ", "\nLZ77: ", "\nOXCRPC: ", "\nRFR: ", "\nNSPI: ", "\nOXCSTOR: ",
		"\nERRORCHECKS: ", "\nOXCFOLD: ", "\nOXCTABL: ", "\nOXCMSG: ", "\nOXCPRPT: ",
		"\nOXCNOTIF: ", "\nOXCFXICS: ", "\nOXCPERM: ", "\nOXORULE: ", "\nOXOMSG: ", "\nOXCROPS: ",
	};
	struct run *run = malloc(sizeof(*run));
	size_t i;

	assert_non_null(run);
	run_mapitest("--list", run);
	assert_int_equal(run->status, 0);
	for (i = 0; i < sizeof(families) / sizeof(families[0]); i++) {
		assert_non_null(strstr(run->out, families[i]));
	}
	assert_non_null(strstr(run->out, "  private_logon "));
	assert_non_null(strstr(run->out, "MS-OXCSTOR 3.2.5.1.1, 2.2.1.1.3: the owner's logon"));
	free(run);
}

static void test_usage_errors(void **state)
{
	static const char *const cases[] = {
		"--bogus", "--family NOPE", "--test no_such_test", "--format xml", "--family",
		"--family OXCSTOR", "--other-password x --family LZ77", "extra-argument",
	};
	struct run *run = malloc(sizeof(*run));
	size_t i;

	assert_non_null(run);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		run_mapitest(cases[i], run);
		if (run->status != 2 || strncmp(run->err, "mapitest: ", 10) != 0) {
			fail_msg("mapitest %s: exit %d, stderr '%s'", cases[i], run->status, run->err);
		}
	}
	run_mapitest("--help", run);
	assert_int_equal(run->status, 0);
	assert_int_equal(strncmp(run->out, "usage: mapitest", 15), 0);
	free(run);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_offline_families_pass),
		cmocka_unit_test(test_one_test_by_name),
		cmocka_unit_test(test_json_lines),
		cmocka_unit_test(test_list),
		cmocka_unit_test(test_usage_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
