/*
 * Unit tests of idl/gen_rops.py's checks of a ROP description: each test
 * writes a small description with one mistake, runs the generator the way
 * the build does and expects it to fail naming the file and line.
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

/* Set by libmapi/rop.am. */
#ifndef OC_PYTHON3
#error OC_PYTHON3 must name the interpreter the build uses
#endif

struct run {
	int status;
	char err[4096];
};

/* Writes text as a description, runs the generator on it, removes everything. */
static void run_generator(const char *text, struct run *run)
{
	char dir[] = "/tmp/test_gen_rops.XXXXXX";
	char def[PATH_MAX], out[PATH_MAX], errf[PATH_MAX], cmd[4 * PATH_MAX];
	FILE *f;
	size_t n;
	int rc;

	assert_non_null(mkdtemp(dir));
	snprintf(def, sizeof(def), "%s/rops.def", dir);
	snprintf(out, sizeof(out), "%s/gen_rops.c", dir);
	snprintf(errf, sizeof(errf), "%s/stderr", dir);
	f = fopen(def, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	snprintf(cmd, sizeof(cmd), "%s -B %s --def %s %s 2>%s", OC_PYTHON3, OC_GEN_ROPS, def, out, errf);
	rc = system(cmd);
	run->status = WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
	f = fopen(errf, "r");
	assert_non_null(f);
	n = fread(run->err, 1, sizeof(run->err) - 1, f);
	run->err[n] = '\0';
	fclose(f);
	unlink(def);
	unlink(out);
	unlink(errf);
	assert_int_equal(rmdir(dir), 0);
}

static void expect_error(const char *text, const char *where, const char *what)
{
	struct run run;

	run_generator(text, &run);
	if (run.status != 1 || strstr(run.err, where) == NULL || strstr(run.err, what) == NULL) {
		fail_msg("status %d, stderr: %s (wanted %s ... %s)", run.status, run.err, where, what);
	}
}

static void test_valid(void **state)
{
	struct run run;

	run_generator("rop RopRelease 0x01 2.2.15.3\nrequest\n  uint8 LogonId\n  uint8 InputHandleIndex\n"
		      "response none\nend\n", &run);
	assert_int_equal(run.status, 0);
}

static void test_count_not_a_field(void **state)
{
	expect_error("rop RopX 0x10 2.2.6.7\nrequest\n  uint8 LogonId\n  uint32[Count] Tags\n"
		     "response none\nend\n", "rops.def:4:", "count Count");
}

static void test_duplicate_id(void **state)
{
	expect_error("rop RopA 0x10 2.2.6.7\nrequest\n  uint8 LogonId\nresponse none\nend\n"
		     "rop RopB 0x10 2.2.6.8\nrequest\n  uint8 LogonId\nresponse none\nend\n",
		     "rops.def:6:", "already used");
}

static void test_unknown_type(void **state)
{
	expect_error("rop RopA 0x10 2.2.6.7\nrequest\n  uint24 LogonId\nresponse none\nend\n",
		     "rops.def:3:", "unknown type");
}

static void test_unknown_condition_name(void **state)
{
	expect_error("rop RopA 0x10 2.2.6.7\nrequest\n  uint8 LogonId\n  if Missing\n    uint8 X\n  endif\n"
		     "response none\nend\n", "rops.def:4:", "Missing");
}

static void test_sized_without_field(void **state)
{
	expect_error("rop RopA 0x10 2.2.6.7\nrequest\n  uint8 LogonId\n  sized Size\n  endsized\n"
		     "response none\nend\n", "rops.def:4:", "sized");
}

static void test_bad_section(void **state)
{
	expect_error("rop RopA 0x10 section\nrequest\n  uint8 LogonId\nresponse none\nend\n",
		     "rops.def:1:", "section");
}

static void test_optional_restriction_outside_sized(void **state)
{
	expect_error("rop RopA 0x10 2.2.6.7\nrequest\n  uint8 LogonId\n  restriction? R\n"
		     "response none\nend\n", "rops.def:4:", "sized");
}

static void test_unclosed_if(void **state)
{
	expect_error("rop RopA 0x10 2.2.6.7\nrequest\n  uint8 LogonId\n  if LogonId\n    uint8 X\n"
		     "response none\nend\n", "rops.def:6:", "unclosed");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid),
		cmocka_unit_test(test_count_not_a_field),
		cmocka_unit_test(test_duplicate_id),
		cmocka_unit_test(test_unknown_type),
		cmocka_unit_test(test_unknown_condition_name),
		cmocka_unit_test(test_sized_without_field),
		cmocka_unit_test(test_bad_section),
		cmocka_unit_test(test_optional_restriction_outside_sized),
		cmocka_unit_test(test_unclosed_if),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
