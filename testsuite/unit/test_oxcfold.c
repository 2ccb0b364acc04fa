/*
 * Unit tests of the MS-OXCFOLD ROPs (mapiproxy/emsmdb/oxcfold.c) through
 * the ROP dispatcher, on a real sqlite3 mailbox (emsmdb_fixture.c).
 *
 * Copyright (C) OpenChange developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <talloc.h>

#include "testsuite/unit/emsmdb_fixture.h"
#include "mapiproxy/emsmdb/oxcfold.h"

static struct rop_request open_folder(uint64_t fid)
{
	struct rop_request r = { .rop_id = RopOpenFolder };

	r.u.open_folder.folder_id = fid;
	return r;
}

/* MS-OXCFOLD 3.2.5.1: every special folder opens from the logon and from a folder. */
static void test_open_special_folders(void **state)
{
	struct emsmdb_fixture *f = *state;
	struct rop_response response;
	uint32_t root = 0, handle = 0;
	int i;

	for (i = 0; i < 13; i++) {
		struct rop_request r = open_folder(f->folder_ids[i]);

		assert_int_equal(emsmdb_fixture_rop(f, NULL, f, &r, f->logon_handle, &handle, NULL,
						    &response), MAPI_E_SUCCESS);
		assert_int_equal(response.u.open_folder.u.ok.is_ghosted, 0);
		assert_int_equal(emsmdb_folder_of(emsmdb_object_lookup(f->session, handle))->fid,
				 f->folder_ids[i]);
		if (i == 0) {
			root = handle;
		}
	}
	/* from a folder object: the same mailbox */
	{
		struct rop_request r = open_folder(f->folder_ids[4]);

		assert_int_equal(emsmdb_fixture_rop(f, NULL, f, &r, root, &handle, NULL, NULL),
				 MAPI_E_SUCCESS);
	}
}

/* An id that names no folder is ecNotFound; no object is left behind. */
static void test_open_unknown_folder(void **state)
{
	struct emsmdb_fixture *f = *state;
	struct rop_request r = open_folder(f->folder_ids[0] + 0x7777000000000000ull);
	uint32_t before = f->session->handles.used;

	assert_int_equal(emsmdb_fixture_rop(f, NULL, f, &r, f->logon_handle, NULL, NULL, NULL),
			 MAPI_E_NOT_FOUND);
	assert_int_equal(f->session->handles.used, before);
}

/* A folder keeps its mailbox open after the logon's RopRelease. */
static void test_folder_outlives_logon_handle(void **state)
{
	struct emsmdb_fixture *f = *state;
	struct rop_request r = open_folder(f->folder_ids[4]);
	struct rop_request release = { .rop_id = RopRelease };
	uint32_t inbox = 0, again = 0;

	assert_int_equal(emsmdb_fixture_rop(f, NULL, f, &r, f->logon_handle, &inbox, NULL, NULL),
			 MAPI_E_SUCCESS);
	emsmdb_fixture_rop(f, NULL, f, &release, f->logon_handle, NULL, NULL, NULL);
	r = open_folder(f->folder_ids[5]);
	assert_int_equal(emsmdb_fixture_rop(f, NULL, f, &r, inbox, &again, NULL, NULL),
			 MAPI_E_SUCCESS);
	/* the logon handle itself is gone */
	assert_int_equal(emsmdb_fixture_rop(f, NULL, f, &r, f->logon_handle, NULL, NULL, NULL),
			 EC_NULL_OBJECT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_open_special_folders, emsmdb_fixture_setup,
						emsmdb_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_open_unknown_folder, emsmdb_fixture_setup,
						emsmdb_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_folder_outlives_logon_handle, emsmdb_fixture_setup,
						emsmdb_fixture_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
