/*
 * Unit tests of the MS-OXCSTOR ROPs beyond logon (mapiproxy/emsmdb/oxcstor.c):
 * receive folders, store state, ghosting, per-user data, on a real
 * sqlite3 mailbox through the real dispatcher (emsmdb_fixture.c).
 *
 * Copyright (C) OpenChange developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <setjmp.h>
#include <cmocka.h>
#include <talloc.h>

#include "testsuite/unit/emsmdb_fixture.h"

#define INBOX 4
#define SENT_ITEMS 6

static uint32_t set_receive_folder(struct emsmdb_fixture *f, const char *cls, uint64_t fid)
{
	struct rop_request r = { .rop_id = RopSetReceiveFolder };

	r.u.set_receive_folder.folder_id = fid;
	r.u.set_receive_folder.message_class = (char *)cls;
	return emsmdb_fixture_rop(f, NULL, f, &r, f->logon_handle, NULL, NULL, NULL);
}

static uint64_t get_receive_folder(struct emsmdb_fixture *f, const char *cls, const char **explicit_class)
{
	struct rop_request r = { .rop_id = RopGetReceiveFolder };
	struct rop_response response;

	r.u.get_receive_folder.message_class = (char *)cls;
	assert_int_equal(emsmdb_fixture_rop(f, NULL, f, &r, f->logon_handle, NULL, NULL, &response),
			 MAPI_E_SUCCESS);
	if (explicit_class != NULL) {
		*explicit_class = response.u.get_receive_folder.u.ok.explicit_message_class;
	}
	return response.u.get_receive_folder.u.ok.folder_id;
}

/* MS-OXCSTOR 3.2.5.3 then 3.2.5.2: a class set is what GetReceiveFolder finds, removal undoes it. */
static void test_set_receive_folder(void **state)
{
	struct emsmdb_fixture *f = *state;
	const char *cls = NULL;

	assert_int_equal(set_receive_folder(f, "IPM.Note.Custom", f->folder_ids[SENT_ITEMS]), 0);
	assert_int_equal(get_receive_folder(f, "ipm.note.custom.sub", &cls), f->folder_ids[SENT_ITEMS]);
	assert_string_equal(cls, "IPM.Note.Custom");
	assert_int_equal(get_receive_folder(f, "IPM.Note", NULL), f->folder_ids[INBOX]);
	/* removed: back to the inherited entry */
	assert_int_equal(set_receive_folder(f, "IPM.Note.Custom", 0), 0);
	assert_int_equal(get_receive_folder(f, "IPM.Note.Custom", NULL), f->folder_ids[INBOX]);

	/* refusals, and none changed anything */
	assert_int_equal(set_receive_folder(f, "", 0), MAPI_E_CALL_FAILED);
	assert_int_equal(set_receive_folder(f, "IPC", f->folder_ids[INBOX]), MAPI_E_NO_ACCESS);
	assert_int_equal(set_receive_folder(f, "IPC.Custom", f->folder_ids[INBOX]), MAPI_E_NO_ACCESS);
	assert_int_equal(set_receive_folder(f, "IPM", 0), MAPI_E_NO_ACCESS);
	assert_int_equal(set_receive_folder(f, "Report.IPM", 0), MAPI_E_NO_ACCESS);
	assert_int_equal(set_receive_folder(f, "IPM..Bad", f->folder_ids[INBOX]), MAPI_E_INVALID_PARAMETER);
	assert_int_equal(set_receive_folder(f, "IPM.Gone", f->folder_ids[INBOX] + 0x10000000000ull),
			 MAPI_E_NOT_FOUND);
	assert_int_equal(get_receive_folder(f, "IPM.Gone", NULL), f->folder_ids[INBOX]);
	assert_int_equal(get_receive_folder(f, "", NULL), f->folder_ids[INBOX]);
}

/* MS-OXCSTOR 3.2.5.4: every entry as a row of FolderId, MessageClass (8-bit), LastModificationTime. */
static void test_receive_folder_table(void **state)
{
	struct emsmdb_fixture *f = *state;
	static const uint32_t columns[] = { 0x67480014, 0x001A001E, 0x30080040 };
	const struct mapi_tag_array cols = { .count = 3, .tags = (uint32_t *)columns };
	struct rop_request r = { .rop_id = RopGetReceiveFolderTable };
	struct rop_response response;
	bool found = false;
	uint32_t i;

	assert_int_equal(set_receive_folder(f, "IPM.Custom", f->folder_ids[SENT_ITEMS]), 0);
	assert_int_equal(emsmdb_fixture_rop(f, NULL, f, &r, f->logon_handle, NULL, &cols, &response),
			 MAPI_E_SUCCESS);
	assert_true(response.u.get_receive_folder_table.u.ok.row_count >= 2);
	for (i = 0; i < response.u.get_receive_folder_table.u.ok.row_count; i++) {
		const struct mapi_property_row *row = &response.u.get_receive_folder_table.u.ok.rows[i];

		assert_int_equal(row->flag, 0);
		assert_int_equal(row->count, 3);
		if (strcmp(row->values[1].pv.value.string8, "IPM.Custom") == 0) {
			assert_int_equal(row->values[0].pv.value.i64, f->folder_ids[SENT_ITEMS]);
			/* a FILETIME of this century */
			assert_true(row->values[2].pv.value.time > 125000000000000000ull);
			found = true;
		}
	}
	assert_true(found);
}

static void test_store_state_and_ghosting(void **state)
{
	struct emsmdb_fixture *f = *state;
	struct rop_request r = { .rop_id = RopGetStoreState };
	struct rop_response response;

	assert_int_equal(emsmdb_fixture_rop(f, NULL, f, &r, f->logon_handle, NULL, NULL, &response), 0);
	assert_int_equal(response.u.get_store_state.u.ok.store_state, 0);

	r.rop_id = RopPublicFolderIsGhosted;
	r.u.public_folder_is_ghosted.folder_id = f->folder_ids[INBOX];
	assert_int_equal(emsmdb_fixture_rop(f, NULL, f, &r, f->logon_handle, NULL, NULL, &response), 0);
	assert_int_equal(response.u.public_folder_is_ghosted.u.ok.is_ghosted, 0);
	r.u.public_folder_is_ghosted.folder_id = f->folder_ids[INBOX] + 0x10000000000ull;
	assert_int_equal(emsmdb_fixture_rop(f, NULL, f, &r, f->logon_handle, NULL, NULL, NULL),
			 MAPI_E_NOT_FOUND);

	r.rop_id = RopGetOwningServers;
	r.u.get_owning_servers.folder_id = f->folder_ids[INBOX];
	assert_int_equal(emsmdb_fixture_rop(f, NULL, f, &r, f->logon_handle, NULL, NULL, NULL),
			 MAPI_E_NO_SUPPORT);
	/* not a logon: ecNullObject */
	r.rop_id = RopGetStoreState;
	assert_int_equal(emsmdb_fixture_rop(f, NULL, f, &r, EMSMDB_HANDLE_NONE, NULL, NULL, NULL),
			 EC_NULL_OBJECT);
}

static const uint8_t public_guid[16] = { 0x4D, 0x77, 0xD4, 0x64, 0x83, 0x49, 0x70, 0x4F,
					 0x9B, 0x8B, 0x46, 0xE6, 0x35, 0xBB, 0x78, 0xAB };

static struct rop_long_term_id folder_ltid(uint8_t n)
{
	struct rop_long_term_id ltid;

	memset(&ltid, 0, sizeof(ltid));
	memcpy(ltid.database_guid.bytes, public_guid, 16);
	ltid.global_counter[5] = n;
	return ltid;
}

static uint32_t write_piece(struct emsmdb_fixture *f, struct emsmdb_session *session, uint32_t logon,
			    uint8_t folder, uint32_t offset, const uint8_t *data, uint16_t size,
			    bool finished)
{
	struct rop_request r = { .rop_id = RopWritePerUserInformation };

	r.u.write_per_user_information.folder_id = folder_ltid(folder);
	r.u.write_per_user_information.has_finished = finished;
	r.u.write_per_user_information.data_offset = offset;
	r.u.write_per_user_information.data_size = size;
	r.u.write_per_user_information.data = (uint8_t *)data;
	memcpy(r.u.write_per_user_information.repl_guid.bytes, public_guid, 16);
	return emsmdb_fixture_rop(f, session, f, &r, logon, NULL, NULL, NULL);
}

/* MS-OXCSTOR 3.1.5.2, 3.2.5.10 to 3.2.5.13: per-user data streamed in, listed, read back in pieces. */
static void test_per_user_information(void **state)
{
	struct emsmdb_fixture *f = *state;
	uint8_t data[3000], back[3000];
	struct rop_request r;
	struct rop_response response;
	struct emsmdb_session *again;
	uint32_t logon2, got = 0;
	size_t i;

	for (i = 0; i < sizeof(data); i++) {
		data[i] = (uint8_t)(i * 7 + 3);
	}
	/* nothing cached yet */
	memset(&r, 0, sizeof(r));
	r.rop_id = RopGetPerUserGuid;
	r.u.get_per_user_guid.long_term_id = folder_ltid(1);
	assert_int_equal(emsmdb_fixture_rop(f, NULL, f, &r, f->logon_handle, NULL, NULL, NULL),
			 MAPI_E_NOT_FOUND);

	assert_int_equal(write_piece(f, NULL, f->logon_handle, 1, 0, data, 1000, false), 0);
	assert_int_equal(write_piece(f, NULL, f->logon_handle, 1, 1000, data + 1000, 1000, false), 0);
	/* a piece out of place forgets the transfer; nothing was stored */
	assert_int_equal(write_piece(f, NULL, f->logon_handle, 1, 1500, data, 10, true),
			 MAPI_E_INVALID_PARAMETER);
	assert_int_equal(emsmdb_fixture_rop(f, NULL, f, &r, f->logon_handle, NULL, NULL, NULL),
			 MAPI_E_NOT_FOUND);
	/* again, completely */
	assert_int_equal(write_piece(f, NULL, f->logon_handle, 1, 0, data, 1000, false), 0);
	assert_int_equal(write_piece(f, NULL, f->logon_handle, 1, 1000, data + 1000, 2000, true), 0);
	assert_int_equal(write_piece(f, NULL, f->logon_handle, 2, 0, data, 5, true), 0);

	/* durable: another session sees it */
	again = emsmdb_fixture_session(f, FIXTURE_OWNER_SID, &logon2);
	assert_int_equal(emsmdb_fixture_rop(f, again, f, &r, logon2, NULL, NULL, &response), 0);
	assert_memory_equal(response.u.get_per_user_guid.u.ok.database_guid.bytes, public_guid, 16);

	memset(&r, 0, sizeof(r));
	r.rop_id = RopGetPerUserLongTermIds;
	memcpy(r.u.get_per_user_long_term_ids.database_guid.bytes, public_guid, 16);
	assert_int_equal(emsmdb_fixture_rop(f, again, f, &r, logon2, NULL, NULL, &response), 0);
	assert_int_equal(response.u.get_per_user_long_term_ids.u.ok.long_term_id_count, 2);
	r.u.get_per_user_long_term_ids.database_guid.bytes[0] ^= 1;
	assert_int_equal(emsmdb_fixture_rop(f, again, f, &r, logon2, NULL, NULL, &response), 0);
	assert_int_equal(response.u.get_per_user_long_term_ids.u.ok.long_term_id_count, 0);

	/* read back in pieces of 700 bytes */
	for (;;) {
		memset(&r, 0, sizeof(r));
		r.rop_id = RopReadPerUserInformation;
		r.u.read_per_user_information.folder_id = folder_ltid(1);
		r.u.read_per_user_information.data_offset = got;
		r.u.read_per_user_information.max_data_size = 700;
		assert_int_equal(emsmdb_fixture_rop(f, again, f, &r, logon2, NULL, NULL, &response), 0);
		assert_true(response.u.read_per_user_information.u.ok.data_size <= 700);
		memcpy(back + got, response.u.read_per_user_information.u.ok.data,
		       response.u.read_per_user_information.u.ok.data_size);
		got += response.u.read_per_user_information.u.ok.data_size;
		if (response.u.read_per_user_information.u.ok.has_finished) {
			break;
		}
		assert_true(got < sizeof(data));
	}
	assert_int_equal(got, sizeof(data));
	assert_memory_equal(back, data, sizeof(data));
	/* past the end */
	r.u.read_per_user_information.data_offset = got + 1;
	assert_int_equal(emsmdb_fixture_rop(f, again, f, &r, logon2, NULL, NULL, NULL),
			 MAPI_E_INVALID_PARAMETER);
	/* an unknown folder reads as empty */
	r.u.read_per_user_information.folder_id = folder_ltid(9);
	r.u.read_per_user_information.data_offset = 0;
	assert_int_equal(emsmdb_fixture_rop(f, again, f, &r, logon2, NULL, NULL, &response), 0);
	assert_int_equal(response.u.read_per_user_information.u.ok.data_size, 0);
	assert_true(response.u.read_per_user_information.u.ok.has_finished);
}

static uint32_t public_logon(struct emsmdb_fixture *f, struct emsmdb_session *session,
			     uint8_t logon_flags, uint32_t open_flags, uint32_t *handle,
			     struct rop_response *response)
{
	struct rop_request r = { .rop_id = RopLogon };

	r.u.logon.logon_flags = logon_flags;
	r.u.logon.open_flags = open_flags;
	r.u.logon.logon_id = 1;
	f->public_logon = true;
	return emsmdb_fixture_rop(f, session, f, &r, EMSMDB_HANDLE_NONE, handle, NULL, response);
}

/* MS-OXCSTOR 3.2.5.1.2, 2.2.1.1.4: one public store for every mailbox user. */
static void test_public_logon(void **state)
{
	struct emsmdb_fixture *f = *state;
	struct rop_response first, second;
	struct emsmdb_session *bob;
	struct rop_request r;
	uint32_t handle = 0, bob_logon, bob_public = 0, folder = 0;
	int i;

	assert_int_equal(public_logon(f, NULL, 0, 0x02, &handle, &first), 0);
	for (i = 0; i < 10; i++) {
		assert_true(first.u.logon.u.public_folders.folder_ids[i] != 0);
	}
	for (; i < 13; i++) {
		assert_int_equal(first.u.logon.u.public_folders.folder_ids[i], 0);
	}
	assert_int_equal(first.u.logon.u.public_folders.repl_id, 1);
	/* a public logon's folders open, and the private-only ROPs refuse */
	memset(&r, 0, sizeof(r));
	r.rop_id = RopOpenFolder;
	r.u.open_folder.logon_id = 1;
	r.u.open_folder.folder_id = first.u.logon.u.public_folders.folder_ids[1];
	assert_int_equal(emsmdb_fixture_rop(f, NULL, f, &r, handle, &folder, NULL, NULL), 0);
	memset(&r, 0, sizeof(r));
	r.rop_id = RopGetReceiveFolder;
	r.u.get_receive_folder.logon_id = 1;
	r.u.get_receive_folder.message_class = (char *)"IPM";
	assert_int_equal(emsmdb_fixture_rop(f, NULL, f, &r, handle, NULL, NULL, NULL), MAPI_E_NO_SUPPORT);
	memset(&r, 0, sizeof(r));
	r.rop_id = RopGetPerUserLongTermIds;
	r.u.get_per_user_long_term_ids.logon_id = 1;
	assert_int_equal(emsmdb_fixture_rop(f, NULL, f, &r, handle, NULL, NULL, NULL), MAPI_E_NO_SUPPORT);
	/* RopGetOwningServers: this server */
	memset(&r, 0, sizeof(r));
	r.rop_id = RopGetOwningServers;
	r.u.get_owning_servers.logon_id = 1;
	r.u.get_owning_servers.folder_id = first.u.logon.u.public_folders.folder_ids[1];
	{
		struct rop_response owners;

		assert_int_equal(emsmdb_fixture_rop(f, NULL, f, &r, handle, NULL, NULL, &owners), 0);
		assert_int_equal(owners.u.get_owning_servers.u.ok.owning_servers_count, 1);
		assert_string_equal(owners.u.get_owning_servers.u.ok.owning_servers[0], FIXTURE_SERVER_DN);
	}

	/* bob reaches the same store */
	bob = emsmdb_fixture_session(f, FIXTURE_OTHER_SID, &bob_logon);
	assert_int_equal(public_logon(f, bob, 0, 0x02, &bob_public, &second), 0);
	assert_memory_equal(second.u.logon.u.public_folders.folder_ids,
			    first.u.logon.u.public_folders.folder_ids, 13 * 8);
	assert_memory_equal(second.u.logon.u.public_folders.repl_guid.bytes,
			    first.u.logon.u.public_folders.repl_guid.bytes, 16);

	/* the flags must agree: Private with PUBLIC, or neither, is ecInvalidParam */
	assert_int_equal(public_logon(f, NULL, 0x01, 0x02, NULL, NULL), MAPI_E_INVALID_PARAMETER);
	assert_int_equal(public_logon(f, NULL, 0, 0, NULL, NULL), MAPI_E_INVALID_PARAMETER);
	/* a session whose user has no mailbox: ecLoginFailure */
	f->session->user_dn = "/o=First Organization/ou=Exchange Administrative Group/cn=Recipients/cn=nobody";
	assert_int_equal(public_logon(f, NULL, 0, 0x02, NULL, NULL), MAPI_E_LOGON_FAILED);
	f->session->user_dn = FIXTURE_OWNER_DN;
	f->public_logon = false;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_set_receive_folder, emsmdb_fixture_setup,
						emsmdb_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_receive_folder_table, emsmdb_fixture_setup,
						emsmdb_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_store_state_and_ghosting, emsmdb_fixture_setup,
						emsmdb_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_per_user_information, emsmdb_fixture_setup,
						emsmdb_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_public_logon, emsmdb_fixture_setup,
						emsmdb_fixture_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
