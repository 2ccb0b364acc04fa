/*
 * Unit tests of idl/gen_tables.py's input checks: each test copies the real
 * tables into a scratch directory, breaks one of them, runs the generator the
 * way the build does and expects it to fail naming the file and line.
 *
 * Copyright (C) OpenChange developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/* Set by idl/tables.am. */
#ifndef OC_PYTHON3
#error OC_PYTHON3 must name the interpreter the build uses
#endif

static const char *const data_files[] = {
	"proptags.tsv", "proptypes.tsv", "namedprops.tsv", "propsets.tsv",
	"errorcodes.tsv", "mapicode-names.tsv", "ropids.tsv",
};

static const char *const outputs[] = {
	"gen_proptags.h", "gen_proptags.c", "gen_namedprops.h", "gen_namedprops.c",
	"gen_errors.h", "gen_errors.c", "gen_ropids.h", "gen_ropids.c",
};

#define ARRAY_COUNT(a) (sizeof(a) / sizeof((a)[0]))

struct scratch {
	char dir[PATH_MAX];
};

struct run {
	int status;		/* exit status, or -1 if killed */
	char err[4096];		/* what it wrote to stderr */
};

static char *read_whole(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long size;

	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	size = ftell(f);
	assert_true(size >= 0);
	rewind(f);
	buf = malloc((size_t)size + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)size, f), (size_t)size);
	buf[size] = '\0';
	fclose(f);
	*len = (size_t)size;
	return buf;
}

static void write_whole(const char *path, const char *data, size_t len)
{
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

static void scratch_path(const struct scratch *s, const char *name, char *path)
{
	int n = snprintf(path, PATH_MAX, "%s/%s", s->dir, name);

	assert_in_range(n, 1, PATH_MAX - 1);
}

static int setup(void **state)
{
	struct scratch *s = calloc(1, sizeof(*s));
	const char *tmp = getenv("TMPDIR");
	size_t i;

	if (s == NULL) {
		return -1;
	}
	snprintf(s->dir, sizeof(s->dir), "%s/oc-gen-tables-XXXXXX", tmp != NULL && *tmp != '\0' ? tmp : "/tmp");
	if (mkdtemp(s->dir) == NULL) {
		free(s);
		return -1;
	}
	for (i = 0; i < ARRAY_COUNT(data_files); i++) {
		char from[PATH_MAX], to[PATH_MAX];
		size_t len;
		char *data;

		snprintf(from, sizeof(from), "%s/%s", OC_TABLES_DATA, data_files[i]);
		scratch_path(s, data_files[i], to);
		data = read_whole(from, &len);
		write_whole(to, data, len);
		free(data);
	}
	*state = s;
	return 0;
}

static int teardown(void **state)
{
	struct scratch *s = *state;
	DIR *d = opendir(s->dir);
	struct dirent *e;

	while (d != NULL && (e = readdir(d)) != NULL) {
		char path[PATH_MAX];

		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) {
			continue;
		}
		scratch_path(s, e->d_name, path);
		unlink(path);
	}
	if (d != NULL) {
		closedir(d);
	}
	rmdir(s->dir);
	free(s);
	return 0;
}

/* Runs the generator on the scratch data, writing output into the scratch directory. */
static void run_generator(const struct scratch *s, const char *output, struct run *r)
{
	char out[PATH_MAX];
	int pipefd[2];
	size_t used = 0;
	ssize_t n;
	pid_t pid;
	int status;

	scratch_path(s, output, out);
	assert_int_equal(pipe(pipefd), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		dup2(pipefd[1], STDERR_FILENO);
		close(pipefd[0]);
		close(pipefd[1]);
		execl(OC_PYTHON3, OC_PYTHON3, OC_GEN_TABLES, "--data", s->dir, out, (char *)NULL);
		_exit(127);
	}
	close(pipefd[1]);
	while ((n = read(pipefd[0], r->err + used, sizeof(r->err) - 1 - used)) > 0) {
		used += (size_t)n;
	}
	r->err[used] = '\0';
	close(pipefd[0]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	r->status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* Appends one line to a scratch table; returns its line number. */
static int append_line(const struct scratch *s, const char *file, const char *line)
{
	char path[PATH_MAX];
	size_t len, i;
	char *data;
	int lines = 0;
	FILE *f;

	scratch_path(s, file, path);
	data = read_whole(path, &len);
	for (i = 0; i < len; i++) {
		lines += data[i] == '\n';
	}
	free(data);
	f = fopen(path, "ab");
	assert_non_null(f);
	fprintf(f, "%s\n", line);
	assert_int_equal(fclose(f), 0);
	return lines + 1;
}

/* Expects failure with "<file>:<line>: " and the given words in the message. */
static void expect_failure(const struct scratch *s, const char *output, const char *file, int line,
			   const char *words)
{
	char where[PATH_MAX + 32];
	struct run r;

	run_generator(s, output, &r);
	snprintf(where, sizeof(where), "%s/%s:%d: ", s->dir, file, line);
	if (r.status != 1 || strstr(r.err, where) == NULL || strstr(r.err, words) == NULL) {
		print_error("status %d, stderr: %s\nwanted %s... %s\n", r.status, r.err, where, words);
		fail();
	}
}

static void test_real_data_generates_every_output(void **state)
{
	struct scratch *s = *state;
	size_t i;

	for (i = 0; i < ARRAY_COUNT(outputs); i++) {
		char path[PATH_MAX];
		struct stat st;
		struct run r;

		run_generator(s, outputs[i], &r);
		assert_int_equal(r.status, 0);
		assert_string_equal(r.err, "");
		scratch_path(s, outputs[i], path);
		assert_int_equal(stat(path, &st), 0);
		assert_true(st.st_size > 1000);
	}
}

static void test_duplicate_canonical_name(void **state)
{
	struct scratch *s = *state;
	int line = append_line(s, "proptags.tsv",
			       "PidTagSubject\t0x0037\tPtypString\t0x001F\t\tGeneral Message Properties");

	expect_failure(s, "gen_proptags.h", "proptags.tsv", line, "duplicate canonical name 'PidTagSubject'");
}

static void test_duplicate_alternate_name(void **state)
{
	struct scratch *s = *state;
	int line = append_line(s, "proptags.tsv", "PidTagBogus\t0x7FF0\tPtypString\t0x001F\tPR_SUBJECT_W\tX");

	expect_failure(s, "gen_proptags.c", "proptags.tsv", line, "alternate name 'PR_SUBJECT_W'");
}

static void test_malformed_hex(void **state)
{
	struct scratch *s = *state;
	int line = append_line(s, "proptags.tsv", "PidTagBogus\t0x00G7\tPtypString\t0x001F\t\tX");

	expect_failure(s, "gen_proptags.h", "proptags.tsv", line, "property_id '0x00G7'");
}

static void test_short_hex(void **state)
{
	struct scratch *s = *state;
	int line = append_line(s, "errorcodes.tsv", "BogusError\t0x8004999\t\terror\tX");

	expect_failure(s, "gen_errors.h", "errorcodes.tsv", line, "value '0x8004999'");
}

static void test_unknown_type_name(void **state)
{
	struct scratch *s = *state;
	int line = append_line(s, "namedprops.tsv",
			       "PidLidBogus\tPSETID_Task\t00062003-0000-0000-C000-000000000046\tlid\t0x00009999\t"
			       "PtypNothing\t0x0003\t\tTasks");

	expect_failure(s, "gen_namedprops.h", "namedprops.tsv", line, "unknown type name 'PtypNothing'");
}

static void test_type_code_disagrees(void **state)
{
	struct scratch *s = *state;
	int line = append_line(s, "proptags.tsv", "PidTagBogus\t0x7FF0\tPtypString\t0x001E\t\tX");

	expect_failure(s, "gen_proptags.h", "proptags.tsv", line, "not the code of PtypString");
}

static void test_propset_guid_disagrees(void **state)
{
	struct scratch *s = *state;
	int line = append_line(s, "namedprops.tsv",
			       "PidLidBogus\tPSETID_Task\t00062008-0000-0000-C000-000000000046\tlid\t0x00009999\t"
			       "PtypInteger32\t0x0003\t\tTasks");

	expect_failure(s, "gen_namedprops.c", "namedprops.tsv", line, "PSETID_Task");
}

static void test_cell_count(void **state)
{
	struct scratch *s = *state;
	int line = append_line(s, "ropids.tsv", "RopBogus");

	expect_failure(s, "gen_ropids.h", "ropids.tsv", line, "1 cells, the header has 2 columns");
}

static void test_duplicate_rop_id(void **state)
{
	struct scratch *s = *state;
	int line = append_line(s, "ropids.tsv", "RopBogus\t0x01");

	expect_failure(s, "gen_ropids.c", "ropids.tsv", line, "RopId 0x01 of RopBogus is also RopRelease's");
}

static void test_carriage_return(void **state)
{
	struct scratch *s = *state;
	int line = append_line(s, "ropids.tsv", "RopBogus\t0xF0\r");

	expect_failure(s, "gen_ropids.h", "ropids.tsv", line, "carriage return");
}

/* Another spec name that would become an identifier already taken. */
static void test_error_identifier_clash(void **state)
{
	struct scratch *s = *state;
	int line = append_line(s, "errorcodes.tsv", "NoSupport\t0x80040999\t\terror\tX");

	expect_failure(s, "gen_errors.c", "errorcodes.tsv", line, "MAPI_E_NO_SUPPORT");
}

/* Any bad table fails every output, not just the one generated from it. */
static void test_bad_table_fails_other_outputs(void **state)
{
	struct scratch *s = *state;
	int line = append_line(s, "ropids.tsv", "RopBogus\t0x01");

	expect_failure(s, "gen_proptags.h", "ropids.tsv", line, "RopBogus");
}

static void test_missing_table(void **state)
{
	struct scratch *s = *state;
	char path[PATH_MAX];
	struct run r;

	scratch_path(s, "propsets.tsv", path);
	assert_int_equal(unlink(path), 0);
	run_generator(s, "gen_ropids.h", &r);
	assert_int_equal(r.status, 1);
	assert_non_null(strstr(r.err, "propsets.tsv: cannot read"));
}

static void test_unknown_output(void **state)
{
	struct scratch *s = *state;
	struct run r;

	run_generator(s, "gen_everything.h", &r);
	assert_int_equal(r.status, 2);
	assert_non_null(strstr(r.err, "gen_everything.h"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_real_data_generates_every_output, setup, teardown),
		cmocka_unit_test_setup_teardown(test_duplicate_canonical_name, setup, teardown),
		cmocka_unit_test_setup_teardown(test_duplicate_alternate_name, setup, teardown),
		cmocka_unit_test_setup_teardown(test_malformed_hex, setup, teardown),
		cmocka_unit_test_setup_teardown(test_short_hex, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unknown_type_name, setup, teardown),
		cmocka_unit_test_setup_teardown(test_type_code_disagrees, setup, teardown),
		cmocka_unit_test_setup_teardown(test_propset_guid_disagrees, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cell_count, setup, teardown),
		cmocka_unit_test_setup_teardown(test_duplicate_rop_id, setup, teardown),
		cmocka_unit_test_setup_teardown(test_carriage_return, setup, teardown),
		cmocka_unit_test_setup_teardown(test_error_identifier_clash, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_table_fails_other_outputs, setup, teardown),
		cmocka_unit_test_setup_teardown(test_missing_table, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unknown_output, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
