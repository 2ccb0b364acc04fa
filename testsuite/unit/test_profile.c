/*
 * Tests of the MAPI profile store (libmapi/profile.c) on a temporary
 * directory: every field round-trips, names are checked and unique
 * (case-insensitively), the default follows creation, set_default and
 * delete, the file is private and a password is written only when asked
 * and only into a private file, and a file that is not a store is refused.
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
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <talloc.h>

#include "libmapi/profile.h"

struct fixture {
	TALLOC_CTX *mem;
	char dir[PATH_MAX];
	char path[PATH_MAX + 32];
	struct profile_store *store;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (f == NULL) {
		return -1;
	}
	f->mem = talloc_new(NULL);
	snprintf(f->dir, sizeof(f->dir), "/tmp/test_profile.XXXXXX");
	if (mkdtemp(f->dir) == NULL) {
		return -1;
	}
	snprintf(f->path, sizeof(f->path), "%s/profiles.ldb", f->dir);
	if (profile_store_open(f->mem, f->path, &f->store) != MAPI_E_SUCCESS) {
		return -1;
	}
	*state = f;
	return 0;
}

static void remove_tree(const char *dir)
{
	char cmd[PATH_MAX + 16];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0) {
		fprintf(stderr, "could not remove %s\n", dir);
	}
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	talloc_free(f->mem);
	remove_tree(f->dir);
	free(f);
	return 0;
}

/* A profile with every field set; NAME differs per test */
static struct mapi_profile sample(const char *name)
{
	return (struct mapi_profile) {
		.name = name,
		.username = "alice",
		.password = "S3cret!pass",
		.domain = "EXAMPLE",
		.realm = "EXAMPLE.ORG",
		.workstation = "DESK1",
		.server = "192.0.2.10",
		.binding = "ncacn_ip_tcp:192.0.2.10[sign]",
		.server_fqdn = "dc1.example.org",
		.essdn = "/o=First Organization/ou=Exchange Administrative Group "
			 "(FYDIBOHF23SPDLT)/cn=Recipients/cn=alice",
		.display_name = "Alice Ångström",
		.smtp_address = "alice@example.org",
		.home_server = "/o=First Organization/ou=AG/cn=Configuration/cn=Servers/cn=DC1",
		.home_mdb = "/o=First Organization/ou=AG/cn=Configuration/cn=Servers/cn=DC1"
			    "/cn=Microsoft Private MDB",
		.codepage = 1252,
		.locale_id = 0x040C,
	};
}

static void test_round_trip(void **state)
{
	struct fixture *f = *state;
	struct mapi_profile in = sample("Work"), *out = NULL;

	assert_int_equal(profile_create(f->store, &in, 0), MAPI_E_SUCCESS);
	assert_int_equal(profile_get(f->store, f->mem, "Work", &out), MAPI_E_SUCCESS);
	assert_string_equal(out->name, "Work");
	assert_string_equal(out->username, in.username);
	assert_string_equal(out->domain, in.domain);
	assert_string_equal(out->realm, in.realm);
	assert_string_equal(out->workstation, in.workstation);
	assert_string_equal(out->server, in.server);
	assert_string_equal(out->binding, in.binding);
	assert_string_equal(out->server_fqdn, in.server_fqdn);
	assert_string_equal(out->essdn, in.essdn);
	assert_string_equal(out->display_name, in.display_name);
	assert_string_equal(out->smtp_address, in.smtp_address);
	assert_string_equal(out->home_server, in.home_server);
	assert_string_equal(out->home_mdb, in.home_mdb);
	assert_int_equal(out->codepage, 1252);
	assert_int_equal(out->locale_id, 0x040C);
	/* the first profile of a store is its default */
	assert_true(out->is_default);
	/* not asked to: no password written */
	assert_null(out->password);
	talloc_free(out);
}

static void test_unset_fields_stay_unset(void **state)
{
	struct fixture *f = *state;
	struct mapi_profile in = { .name = "bare", .username = "bob" }, *out = NULL;

	assert_int_equal(profile_create(f->store, &in, 0), MAPI_E_SUCCESS);
	assert_int_equal(profile_get(f->store, f->mem, "bare", &out), MAPI_E_SUCCESS);
	assert_string_equal(out->username, "bob");
	assert_null(out->realm);
	assert_null(out->essdn);
	assert_null(out->home_mdb);
	assert_int_equal(out->codepage, 0);
	talloc_free(out);
}

static void test_names_are_unique_case_insensitively(void **state)
{
	struct fixture *f = *state;
	struct mapi_profile a = sample("Work"), b = sample("WORK"), *out = NULL;

	assert_int_equal(profile_create(f->store, &a, 0), MAPI_E_SUCCESS);
	assert_int_equal(profile_create(f->store, &a, 0), MAPI_E_COLLISION);
	assert_non_null(profile_store_last_error(f->store));
	assert_int_equal(profile_create(f->store, &b, 0), MAPI_E_COLLISION);
	/* looked up in any case, it is the one created, spelled as created */
	assert_int_equal(profile_get(f->store, f->mem, "wOrK", &out), MAPI_E_SUCCESS);
	assert_string_equal(out->name, "Work");
	talloc_free(out);
}

static void test_bad_names(void **state)
{
	struct fixture *f = *state;
	static const char *bad[] = {
		"", " leading", "trailing ", "tab\there", "new\nline", "\x7f",
		"\xc3", "\xc0\xaf" /* overlong '/' */, "\xed\xa0\x80" /* surrogate */,
		"\xc2\x85" /* C1 NEL */,
	};
	char long_name[PROFILE_NAME_MAX + 2];
	struct mapi_profile p = sample(NULL), *out = NULL;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		p.name = bad[i];
		assert_false(profile_name_is_valid(bad[i]));
		assert_int_equal(profile_create(f->store, &p, 0), MAPI_E_INVALID_PARAMETER);
		assert_int_equal(profile_get(f->store, f->mem, bad[i], &out),
				 MAPI_E_INVALID_PARAMETER);
		assert_int_equal(profile_delete(f->store, bad[i]), MAPI_E_INVALID_PARAMETER);
		assert_int_equal(profile_set_default(f->store, bad[i]), MAPI_E_INVALID_PARAMETER);
	}
	p.name = NULL;
	assert_int_equal(profile_create(f->store, &p, 0), MAPI_E_INVALID_PARAMETER);
	assert_int_equal(profile_create(f->store, NULL, 0), MAPI_E_INVALID_PARAMETER);

	memset(long_name, 'x', sizeof(long_name) - 1);
	long_name[sizeof(long_name) - 1] = '\0';
	p.name = long_name;
	assert_int_equal(profile_create(f->store, &p, 0), MAPI_E_INVALID_PARAMETER);
	long_name[PROFILE_NAME_MAX] = '\0';
	assert_int_equal(profile_create(f->store, &p, 0), MAPI_E_SUCCESS);

	/* DN specials are fine: ldb escapes them */
	p.name = "a,b=c+d<e>#f;\"g\\h";
	assert_int_equal(profile_create(f->store, &p, 0), MAPI_E_SUCCESS);
	assert_int_equal(profile_get(f->store, f->mem, p.name, &out), MAPI_E_SUCCESS);
	assert_string_equal(out->name, p.name);
	talloc_free(out);
	p.name = "Привет мир";
	assert_int_equal(profile_create(f->store, &p, 0), MAPI_E_SUCCESS);

	/* no user name, no profile */
	p.name = "nouser";
	p.username = "";
	assert_int_equal(profile_create(f->store, &p, 0), MAPI_E_INVALID_PARAMETER);
	p.username = "u";
	assert_int_equal(profile_create(f->store, &p, 0x80), MAPI_E_UNKNOWN_FLAGS);
}

static void test_missing(void **state)
{
	struct fixture *f = *state;
	struct mapi_profile *out = (struct mapi_profile *)f;
	const char *name = "x";

	assert_int_equal(profile_get(f->store, f->mem, "nothere", &out), MAPI_E_NOT_FOUND);
	assert_null(out);
	assert_int_equal(profile_delete(f->store, "nothere"), MAPI_E_NOT_FOUND);
	assert_int_equal(profile_set_default(f->store, "nothere"), MAPI_E_NOT_FOUND);
	assert_int_equal(profile_get_default(f->store, f->mem, &name), MAPI_E_NOT_FOUND);
	assert_null(name);
}

static void test_list_sorted(void **state)
{
	struct fixture *f = *state;
	static const char *names[] = { "charlie", "Alpha", "bravo" };
	struct mapi_profile p = sample(NULL);
	const char **list = NULL;
	uint32_t count = 99;
	size_t i;

	assert_int_equal(profile_list(f->store, f->mem, &list, &count), MAPI_E_SUCCESS);
	assert_int_equal(count, 0);
	assert_null(list[0]);
	talloc_free(list);
	for (i = 0; i < 3; i++) {
		p.name = names[i];
		assert_int_equal(profile_create(f->store, &p, 0), MAPI_E_SUCCESS);
	}
	assert_int_equal(profile_list(f->store, f->mem, &list, &count), MAPI_E_SUCCESS);
	assert_int_equal(count, 3);
	assert_string_equal(list[0], "Alpha");
	assert_string_equal(list[1], "bravo");
	assert_string_equal(list[2], "charlie");
	assert_null(list[3]);
	talloc_free(list);
}

static void test_default_follows_changes(void **state)
{
	struct fixture *f = *state;
	struct mapi_profile a = sample("one"), b = sample("two"), c = sample("three");
	struct mapi_profile *out = NULL;
	const char *name = NULL;

	assert_int_equal(profile_create(f->store, &a, 0), MAPI_E_SUCCESS);
	assert_int_equal(profile_create(f->store, &b, 0), MAPI_E_SUCCESS);
	assert_int_equal(profile_get_default(f->store, f->mem, &name), MAPI_E_SUCCESS);
	assert_string_equal(name, "one");
	talloc_free((char *)(uintptr_t)name);

	/* spelled differently, stored as created */
	assert_int_equal(profile_set_default(f->store, "TWO"), MAPI_E_SUCCESS);
	assert_int_equal(profile_get_default(f->store, f->mem, &name), MAPI_E_SUCCESS);
	assert_string_equal(name, "two");
	talloc_free((char *)(uintptr_t)name);
	assert_int_equal(profile_get(f->store, f->mem, "one", &out), MAPI_E_SUCCESS);
	assert_false(out->is_default);
	talloc_free(out);
	assert_int_equal(profile_get(f->store, f->mem, "two", &out), MAPI_E_SUCCESS);
	assert_true(out->is_default);
	talloc_free(out);

	/* created as the default, it takes over */
	c.is_default = true;
	assert_int_equal(profile_create(f->store, &c, 0), MAPI_E_SUCCESS);
	assert_int_equal(profile_get_default(f->store, f->mem, &name), MAPI_E_SUCCESS);
	assert_string_equal(name, "three");
	talloc_free((char *)(uintptr_t)name);

	/* deleting another leaves it; deleting it leaves none */
	assert_int_equal(profile_delete(f->store, "one"), MAPI_E_SUCCESS);
	assert_int_equal(profile_get_default(f->store, f->mem, &name), MAPI_E_SUCCESS);
	talloc_free((char *)(uintptr_t)name);
	assert_int_equal(profile_delete(f->store, "Three"), MAPI_E_SUCCESS);
	assert_int_equal(profile_get_default(f->store, f->mem, &name), MAPI_E_NOT_FOUND);
	assert_int_equal(profile_get(f->store, f->mem, "three", &out), MAPI_E_NOT_FOUND);
	assert_int_equal(profile_delete(f->store, "three"), MAPI_E_NOT_FOUND);
	assert_int_equal(profile_get(f->store, f->mem, "two", &out), MAPI_E_SUCCESS);
	assert_false(out->is_default);
	talloc_free(out);
}

static void test_file_is_private(void **state)
{
	struct fixture *f = *state;
	struct mapi_profile p = sample("x");
	struct stat st;

	assert_int_equal(profile_create(f->store, &p, 0), MAPI_E_SUCCESS);
	assert_int_equal(stat(f->path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_string_equal(profile_store_path(f->store), f->path);
}

static void test_password_only_when_asked(void **state)
{
	struct fixture *f = *state;
	struct mapi_profile p = sample("with"), *out = NULL;

	assert_int_equal(profile_create(f->store, &p, PROFILE_STORE_PASSWORD), MAPI_E_SUCCESS);
	assert_int_equal(profile_get(f->store, f->mem, "with", &out), MAPI_E_SUCCESS);
	assert_string_equal(out->password, "S3cret!pass");
	talloc_free(out);

	/* asked to store a password that is not there */
	p.name = "none";
	p.password = NULL;
	assert_int_equal(profile_create(f->store, &p, PROFILE_STORE_PASSWORD),
			 MAPI_E_INVALID_PARAMETER);

	/* never into a file others can read */
	assert_int_equal(chmod(f->path, 0644), 0);
	p.name = "leaky";
	p.password = "x";
	assert_int_equal(profile_create(f->store, &p, PROFILE_STORE_PASSWORD), MAPI_E_NO_ACCESS);
	assert_non_null(strstr(profile_store_last_error(f->store), "other users"));
	assert_int_equal(profile_get(f->store, f->mem, "leaky", &out), MAPI_E_NOT_FOUND);
	/* without the password it is fine */
	assert_int_equal(profile_create(f->store, &p, 0), MAPI_E_SUCCESS);
}

static void test_reopen_keeps_everything(void **state)
{
	struct fixture *f = *state;
	struct mapi_profile p = sample("kept");
	struct profile_store *again = NULL;
	const char *name = NULL;

	assert_int_equal(profile_create(f->store, &p, 0), MAPI_E_SUCCESS);
	talloc_free(f->store);
	f->store = NULL;
	assert_int_equal(profile_store_open(f->mem, f->path, &again), MAPI_E_SUCCESS);
	f->store = again;
	assert_int_equal(profile_get_default(again, f->mem, &name), MAPI_E_SUCCESS);
	assert_string_equal(name, "kept");
	talloc_free((char *)(uintptr_t)name);
}

static void test_default_path_under_home(void **state)
{
	struct fixture *f = *state;
	char home[PATH_MAX + 16], expect[PATH_MAX + 48], dir[PATH_MAX + 32];
	const char *saved = getenv("HOME");
	char *saved_copy = saved != NULL ? strdup(saved) : NULL;
	struct profile_store *store = NULL;
	struct stat st;

	snprintf(home, sizeof(home), "%s/home", f->dir);
	assert_int_equal(mkdir(home, 0755), 0);
	setenv("HOME", home, 1);
	assert_int_equal(profile_store_open(f->mem, NULL, &store), MAPI_E_SUCCESS);
	snprintf(expect, sizeof(expect), "%s/.openchange/profiles.ldb", home);
	assert_string_equal(profile_store_path(store), expect);
	snprintf(dir, sizeof(dir), "%s/.openchange", home);
	assert_int_equal(stat(dir, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0700);
	assert_int_equal(stat(expect, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	talloc_free(store);

	unsetenv("HOME");
	assert_int_equal(profile_store_open(f->mem, NULL, &store), MAPI_E_NOT_FOUND);
	if (saved_copy != NULL) {
		setenv("HOME", saved_copy, 1);
		free(saved_copy);
	}
}

static void test_not_a_store(void **state)
{
	struct fixture *f = *state;
	char junk[PATH_MAX + 16], missing[PATH_MAX + 32];
	struct profile_store *store = NULL;
	FILE *fp;

	snprintf(junk, sizeof(junk), "%s/junk", f->dir);
	fp = fopen(junk, "w");
	assert_non_null(fp);
	fputs("this is not a tdb file, just some text that is long enough\n", fp);
	fclose(fp);
	assert_int_equal(profile_store_open(f->mem, junk, &store), MAPI_E_CORRUPT_DATA);
	assert_non_null(profile_store_last_error(store));
	talloc_free(store);

	/* a directory */
	assert_int_equal(profile_store_open(f->mem, f->dir, &store), MAPI_E_NO_ACCESS);
	talloc_free(store);

	/* a directory that does not exist */
	snprintf(missing, sizeof(missing), "%s/no/such/dir/p.ldb", f->dir);
	assert_int_equal(profile_store_open(f->mem, missing, &store), MAPI_E_NO_ACCESS);
	talloc_free(store);
}

static void test_home_server_of_mdb(void **state)
{
	struct fixture *f = *state;
	static const struct {
		const char *mdb, *server;
	} cases[] = {
		{ "/o=Org/ou=AG/cn=Configuration/cn=Servers/cn=DC1/cn=Microsoft Private MDB",
		  "/o=Org/ou=AG/cn=Configuration/cn=Servers/cn=DC1" },
		/* the container's name in any case, the DN of the server itself */
		{ "/o=Org/ou=AG/cn=Configuration/CN=SERVERS/cn=DC1/cn=x",
		  "/o=Org/ou=AG/cn=Configuration/CN=SERVERS/cn=DC1" },
		{ "/o=Org/ou=AG/cn=Configuration/cn=Servers/cn=DC1",
		  "/o=Org/ou=AG/cn=Configuration/cn=Servers/cn=DC1" },
		/* no server under cn=Servers: nothing */
		{ "/o=Org/ou=AG/cn=Configuration/cn=Servers/cn=", NULL },
		{ "/o=Org/ou=AG/cn=Configuration/cn=Servers/cn=/x", NULL },
		{ "/o=Org/ou=AG/cn=Configuration/cn=Servers", NULL },
		{ "/o=Org/ou=AG/cn=Recipients/cn=alice", NULL },
		{ "", NULL },
	};
	size_t i;

	assert_null(profile_home_server_of_mdb(f->mem, NULL));
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *server = profile_home_server_of_mdb(f->mem, cases[i].mdb);

		if (cases[i].server == NULL) {
			assert_null(server);
		} else {
			assert_non_null(server);
			assert_string_equal(server, cases[i].server);
			talloc_free(server);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_round_trip, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unset_fields_stay_unset, setup, teardown),
		cmocka_unit_test_setup_teardown(test_names_are_unique_case_insensitively, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_names, setup, teardown),
		cmocka_unit_test_setup_teardown(test_missing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_list_sorted, setup, teardown),
		cmocka_unit_test_setup_teardown(test_default_follows_changes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_file_is_private, setup, teardown),
		cmocka_unit_test_setup_teardown(test_password_only_when_asked, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reopen_keeps_everything, setup, teardown),
		cmocka_unit_test_setup_teardown(test_default_path_under_home, setup, teardown),
		cmocka_unit_test_setup_teardown(test_not_a_store, setup, teardown),
		cmocka_unit_test_setup_teardown(test_home_server_of_mdb, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
