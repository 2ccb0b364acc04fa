/*
 * Unit tests of mapistore with the sqlite3 backend: opening and schema
 * checks, mailbox creation and the MS-OXOSFLD special folders, receive
 * folders, folders, messages (save flags, conflicts, deletes, moves, read
 * flags), recipients, attachments and embedded messages, named properties,
 * streams beyond 32 KB, crash durability. Real database files in a
 * temporary directory.
 *
 * Copyright (C) OpenChange developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <signal.h>
#if defined(__has_include)
#if __has_include(<valgrind/valgrind.h>)
#include <valgrind/valgrind.h>
#endif
#endif
#include <sys/wait.h>
#include <sqlite3.h>
#include "testsuite/unit/test_mapistore_common.h"
#include "libmapi/oxcdata_ids.h"
#include "mapistore/mapistore_backend.h"

/* --- opening ------------------------------------------------------------------------------ */

static void test_open_errors(void **state)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	struct mapistore_context *ctx = NULL;
	struct mbox *m;
	char *path, *error = NULL;
	FILE *f;
	sqlite3 *db;

	assert_int_equal(mapistore_open(mem, "sqlite3:///nonexistent/dir/x.db", 0, &ctx, NULL), MAPI_E_NOT_FOUND);
	assert_int_equal(mapistore_open(mem, "postgres://db/x", 0, &ctx, &error), MAPI_E_NO_SUPPORT);
	assert_non_null(strstr(error, "postgres"));
	assert_int_equal(mapistore_open(mem, NULL, 0, &ctx, NULL), MAPI_E_INVALID_PARAMETER);
	assert_int_equal(mapistore_open(mem, "/tmp/x.db", 0x80, &ctx, NULL), MAPI_E_INVALID_PARAMETER);
	assert_int_equal(mapistore_backend_register(NULL), MAPI_E_INVALID_PARAMETER);
	assert_int_equal(mapistore_backend_register(&mapistore_backend_sqlite3), MAPI_E_COLLISION);

	m = mbox_new(true);
	/* a path without a scheme is the default backend's */
	assert_int_equal(mapistore_open(mem, m->path, 0, &ctx, NULL), MAPI_E_SUCCESS);
	talloc_free(ctx);

	/* a database of another schema version: a clear error, nothing touched */
	assert_int_equal(sqlite3_open(m->path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "UPDATE schema_version SET version = 99", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	talloc_free(m->ctx);
	m->ctx = NULL;
	assert_int_equal(mapistore_open(mem, m->uri, 0, &ctx, &error), MAPI_E_VERSION);
	/* the reason names both versions */
	assert_non_null(strstr(error, "version 99"));
	assert_non_null(strstr(error, "version 1"));

	/* not a database at all */
	path = talloc_asprintf(mem, "%s/garbage.db", m->dir);
	f = fopen(path, "w");
	assert_non_null(f);
	for (int i = 0; i < 2000; i++)
		fputs("this is not sqlite ", f);
	fclose(f);
	assert_int_equal(mapistore_open(mem, path, 0, &ctx, &error), MAPI_E_CORRUPT_DATA);
	assert_non_null(strstr(error, "sqlite3"));
	/* a sqlite database that is not a mailbox */
	path = talloc_asprintf(mem, "%s/other.db", m->dir);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "CREATE TABLE t(x)", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	assert_int_equal(mapistore_open(mem, path, 0, &ctx, NULL), MAPI_E_CORRUPT_DATA);
	mbox_free(m);
	talloc_free(mem);
}

/* --- mailbox ------------------------------------------------------------------------------- */

static void test_mailbox_create(void **state)
{
	struct mbox *m = mbox_new(false);
	TALLOC_CTX *mem = talloc_new(m);
	struct mapistore_mailbox_params p;
	struct mapistore_folder *f;
	struct mapi_flagged_propval v;
	uint64_t ids[MAPISTORE_SPECIAL_FOLDER_COUNT], fid;

	/* before creation: no identity, no ids */
	assert_int_equal(mapistore_special_folder_id(m->ctx, MAPISTORE_INBOX, &fid), MAPI_E_NOT_INITIALIZED);
	assert_int_equal(mapistore_allocate_ids(m->ctx, 1, &fid), MAPI_E_NOT_INITIALIZED);
	assert_int_equal(mapistore_mailbox_create(m->ctx, NULL), MAPI_E_INVALID_PARAMETER);
	assert_int_equal(mapistore_mailbox_create(m->ctx, &test_params), MAPI_E_SUCCESS);
	assert_int_equal(mapistore_mailbox_create(m->ctx, &test_params), MAPI_E_COLLISION);

	for (int i = 0; i < MAPISTORE_SPECIAL_FOLDER_COUNT; i++) {
		ids[i] = special(m, i);
		/* MS-OXCDATA 2.2.1.1: replica id in the low 16 bits, a counter above */
		assert_int_equal(oxcdata_id_replica(ids[i]), 1);
		assert_true(oxcdata_id_counter(ids[i]) > 0);
		for (int k = 0; k < i; k++)
			assert_true(ids[i] != ids[k]);
	}
	/* the tree of MS-OXOSFLD */
	{
		static const struct { int folder, parent; const char *cls; } tree[] = {
			{ MAPISTORE_IPM_SUBTREE, MAPISTORE_ROOT, NULL },
			{ MAPISTORE_DEFERRED_ACTION, MAPISTORE_ROOT, NULL },
			{ MAPISTORE_SPOOLER_QUEUE, MAPISTORE_ROOT, NULL },
			{ MAPISTORE_INBOX, MAPISTORE_IPM_SUBTREE, "IPF.Note" },
			{ MAPISTORE_OUTBOX, MAPISTORE_IPM_SUBTREE, "IPF.Note" },
			{ MAPISTORE_SENT_ITEMS, MAPISTORE_IPM_SUBTREE, "IPF.Note" },
			{ MAPISTORE_DELETED_ITEMS, MAPISTORE_IPM_SUBTREE, "IPF.Note" },
			{ MAPISTORE_CALENDAR, MAPISTORE_IPM_SUBTREE, "IPF.Appointment" },
			{ MAPISTORE_CONTACTS, MAPISTORE_IPM_SUBTREE, "IPF.Contact" },
			{ MAPISTORE_JOURNAL, MAPISTORE_IPM_SUBTREE, "IPF.Journal" },
			{ MAPISTORE_NOTES, MAPISTORE_IPM_SUBTREE, "IPF.StickyNote" },
			{ MAPISTORE_TASKS, MAPISTORE_IPM_SUBTREE, "IPF.Task" },
			{ MAPISTORE_DRAFTS, MAPISTORE_IPM_SUBTREE, "IPF.Note" },
			{ MAPISTORE_JUNK_EMAIL, MAPISTORE_IPM_SUBTREE, "IPF.Note" },
			{ MAPISTORE_SYNC_ISSUES, MAPISTORE_IPM_SUBTREE, "IPF.Note" },
			{ MAPISTORE_CONFLICTS, MAPISTORE_SYNC_ISSUES, "IPF.Note" },
			{ MAPISTORE_LOCAL_FAILURES, MAPISTORE_SYNC_ISSUES, "IPF.Note" },
			{ MAPISTORE_SERVER_FAILURES, MAPISTORE_SYNC_ISSUES, "IPF.Note" },
			{ MAPISTORE_REMINDERS, MAPISTORE_ROOT, "Outlook.Reminder" },
			{ MAPISTORE_COMMON_VIEWS, MAPISTORE_ROOT, NULL },
			{ MAPISTORE_SEARCH, MAPISTORE_ROOT, NULL },
			{ MAPISTORE_FREEBUSY_DATA, MAPISTORE_ROOT, NULL },
		};
		for (size_t i = 0; i < sizeof(tree) / sizeof(tree[0]); i++) {
			f = open_special(m, mem, tree[i].folder);
			GET1(mapistore_folder_get_props, f, mem, TAG_PARENT_FOLDER_ID, &v);
			assert_int_equal(v.flag, MAPI_PROPVAL_PRESENT);
			assert_true(v.pv.value.i64 == ids[tree[i].parent]);
			GET1(mapistore_folder_get_props, f, mem, TAG_CONTAINER_CLASS, &v);
			if (tree[i].cls) {
				assert_int_equal(v.flag, MAPI_PROPVAL_PRESENT);
				assert_string_equal(v.pv.value.string, tree[i].cls);
			} else {
				assert_int_equal(v.flag, MAPI_PROPVAL_ERROR);
				assert_int_equal(v.pv.value.error_code, MAPI_E_NOT_FOUND);
			}
			GET1(mapistore_folder_get_props, f, mem, TAG_DISPLAY_NAME, &v);
			assert_string_equal(v.pv.value.string, mapistore_special_folder_name(tree[i].folder));
		}
	}
	/* MS-OXOSFLD 2.2.3: Inbox and Root carry the Calendar's entry ID, 2.2.4: Inbox the REN ids */
	for (int which = MAPISTORE_ROOT; which <= MAPISTORE_INBOX; which += MAPISTORE_INBOX) {
		struct mapi_flagged_propval cal;
		uint32_t t = TAG_ENTRYID;

		f = open_special(m, mem, which);
		GET1(mapistore_folder_get_props, f, mem, TAG_IPM_APPOINTMENT_ENTRYID, &v);
		assert_int_equal(v.flag, MAPI_PROPVAL_PRESENT);
		assert_int_equal(v.pv.value.binary.len, 46);
		assert_int_equal(mapistore_folder_get_props(open_special(m, mem, MAPISTORE_CALENDAR), mem, 1, &t, &cal),
				 MAPI_E_SUCCESS);
		assert_memory_equal(v.pv.value.binary.data, cal.pv.value.binary.data, 46);
		GET1(mapistore_folder_get_props, f, mem, TAG_ADDITIONAL_REN_ENTRYIDS, &v);
		if (which == MAPISTORE_INBOX) {
			struct mapi_flagged_propval junk;

			assert_int_equal(v.flag, MAPI_PROPVAL_PRESENT);
			assert_int_equal(v.pv.value.mv_binary.count, 5);
			GET1(mapistore_folder_get_props, open_special(m, mem, MAPISTORE_JUNK_EMAIL), mem,
			     TAG_ENTRYID, &junk);
			assert_memory_equal(v.pv.value.mv_binary.values[4].data, junk.pv.value.binary.data, 46);
		}
	}
	/* the identity survives a reopen */
	mbox_reopen(m);
	assert_int_equal(mapistore_mailbox_params(m->ctx, &p), MAPI_E_SUCCESS);
	assert_int_equal(p.replica_id, 1);
	assert_memory_equal(p.replica_guid, test_params.replica_guid, 16);
	assert_memory_equal(p.mailbox_guid, test_params.mailbox_guid, 16);
	assert_true(special(m, MAPISTORE_INBOX) == ids[MAPISTORE_INBOX]);
	assert_int_equal(mapistore_special_folder_id(m->ctx, MAPISTORE_SPECIAL_FOLDER_COUNT, &fid),
			 MAPI_E_INVALID_PARAMETER);
	assert_null(mapistore_special_folder_name(MAPISTORE_SPECIAL_FOLDER_COUNT));
	mbox_free(m);
}

static void test_ids(void **state)
{
	struct mbox *m = mbox_new(true);
	uint64_t a, b, c;

	assert_int_equal(mapistore_allocate_ids(m->ctx, 1, &a), MAPI_E_SUCCESS);
	assert_int_equal(mapistore_allocate_ids(m->ctx, 1000, &b), MAPI_E_SUCCESS);
	assert_int_equal(mapistore_allocate_ids(m->ctx, 0, &c), MAPI_E_INVALID_PARAMETER);
	assert_true(oxcdata_id_counter(b) > oxcdata_id_counter(a));
	/* never handed out twice, even by another connection after a reopen */
	mbox_reopen(m);
	assert_int_equal(mapistore_allocate_ids(m->ctx, 1, &c), MAPI_E_SUCCESS);
	assert_true(oxcdata_id_counter(c) >= oxcdata_id_counter(b) + 1000);
	mbox_free(m);
}

/* --- receive folders (MS-OXCSTOR 3.2.5.2, 3.2.5.3) ------------------------------------------- */

static void test_receive_folders(void **state)
{
	struct mbox *m = mbox_new(true);
	TALLOC_CTX *mem = talloc_new(m);
	struct mapistore_receive_folder *entries;
	char *cls;
	uint64_t fid;
	uint32_t n;

	assert_int_equal(mapistore_receive_folder_get(m->ctx, mem, "IPM.Note.Custom", &fid, &cls), MAPI_E_SUCCESS);
	assert_true(fid == special(m, MAPISTORE_INBOX));
	assert_string_equal(cls, "IPM");
	assert_int_equal(mapistore_receive_folder_get(m->ctx, mem, "Other", &fid, &cls), MAPI_E_SUCCESS);
	assert_string_equal(cls, "");
	assert_int_equal(mapistore_receive_folder_get(m->ctx, mem, "IPC.Foo", &fid, &cls), MAPI_E_SUCCESS);
	assert_true(fid == special(m, MAPISTORE_ROOT));
	/* a more specific class wins; case does not matter */
	assert_int_equal(mapistore_receive_folder_set(m->ctx, "IPM.Note", special(m, MAPISTORE_DRAFTS)), MAPI_E_SUCCESS);
	assert_int_equal(mapistore_receive_folder_get(m->ctx, mem, "ipm.note.x", &fid, &cls), MAPI_E_SUCCESS);
	assert_true(fid == special(m, MAPISTORE_DRAFTS));
	assert_string_equal(cls, "IPM.Note");
	/* a prefix counts only at a '.' */
	assert_int_equal(mapistore_receive_folder_get(m->ctx, mem, "IPM.Notes", &fid, &cls), MAPI_E_SUCCESS);
	assert_string_equal(cls, "IPM");
	assert_int_equal(mapistore_receive_folder_list(m->ctx, mem, &n, &entries), MAPI_E_SUCCESS);
	assert_int_equal(n, 5);
	/* removing */
	assert_int_equal(mapistore_receive_folder_set(m->ctx, "IPM.Note", 0), MAPI_E_SUCCESS);
	assert_int_equal(mapistore_receive_folder_get(m->ctx, mem, "IPM.Note", &fid, &cls), MAPI_E_SUCCESS);
	assert_string_equal(cls, "IPM");
	assert_int_equal(mapistore_receive_folder_set(m->ctx, "", 0), MAPI_E_CALL_FAILED);
	/* errors */
	assert_int_equal(mapistore_receive_folder_set(m->ctx, "Bad..Class", special(m, MAPISTORE_INBOX)),
			 MAPI_E_INVALID_PARAMETER);
	assert_int_equal(mapistore_receive_folder_set(m->ctx, ".Lead", special(m, MAPISTORE_INBOX)),
			 MAPI_E_INVALID_PARAMETER);
	assert_int_equal(mapistore_receive_folder_set(m->ctx, "X", 0x7777000000000001ULL), MAPI_E_NOT_FOUND);
	assert_int_equal(mapistore_receive_folder_get(m->ctx, mem, "Tab\there", &fid, NULL), MAPI_E_INVALID_PARAMETER);
	mbox_free(m);
}

/* --- folders (MS-OXCFOLD) --------------------------------------------------------------------- */

static struct mapistore_message *save_message(struct mapistore_folder *f, TALLOC_CTX *mem,
					      const char *subject, uint64_t *mid)
{
	struct mapistore_message *msg;
	struct mapi_propval pv[2] = {
		pv_string(TAG_SUBJECT, subject), pv_string(TAG_MESSAGE_CLASS, "IPM.Note"),
	};

	assert_int_equal(mapistore_message_create(f, mem, false, &msg), MAPI_E_SUCCESS);
	assert_int_equal(mapistore_message_set_props(msg, 2, pv, mem, NULL), MAPI_E_SUCCESS);
	assert_int_equal(mapistore_message_save(msg, MAPISTORE_SAVE_KEEP_OPEN_READ_WRITE), MAPI_E_SUCCESS);
	if (mid)
		*mid = mapistore_message_id(msg);
	return msg;
}

static uint32_t folder_i32(struct mapistore_folder *f, TALLOC_CTX *mem, uint32_t tag)
{
	struct mapi_flagged_propval v;

	GET1(mapistore_folder_get_props, f, mem, tag, &v);
	assert_int_equal(v.flag, MAPI_PROPVAL_PRESENT);
	return tag == TAG_SUBFOLDERS ? v.pv.value.boolean : v.pv.value.i32;
}

static void test_folders(void **state)
{
	struct mbox *m = mbox_new(true);
	TALLOC_CTX *mem = talloc_new(m);
	struct mapistore_folder *inbox = open_special(m, mem, MAPISTORE_INBOX), *a, *b, *c, *again;
	struct mapi_propval comment = pv_string(0x3004001F, "a comment");
	struct mapi_flagged_propval v, v2;
	struct mapistore_problems problems;
	uint64_t *fids, copy;
	uint32_t n;
	bool existed;

	assert_int_equal(mapistore_folder_create(inbox, mem, "Projects", MAPISTORE_FOLDER_GENERIC, 0, 1, &comment,
						 &a, &existed), MAPI_E_SUCCESS);
	assert_false(existed);
	/* names collide case-insensitively (MS-OXCFOLD 3.2.5.2) */
	assert_int_equal(mapistore_folder_create(inbox, mem, "PROJECTS", MAPISTORE_FOLDER_GENERIC, 0, 0, NULL,
						 &again, NULL), MAPI_E_COLLISION);
	assert_int_equal(mapistore_folder_create(inbox, mem, "projects", MAPISTORE_FOLDER_GENERIC,
						 MAPISTORE_FOLDER_OPEN_IF_EXISTS, 0, NULL, &again, &existed),
			 MAPI_E_SUCCESS);
	assert_true(existed);
	assert_true(mapistore_folder_id(again) == mapistore_folder_id(a));
	/* bad parameters */
	assert_int_equal(mapistore_folder_create(inbox, mem, "", MAPISTORE_FOLDER_GENERIC, 0, 0, NULL, &b, NULL),
			 MAPI_E_INVALID_PARAMETER);
	assert_int_equal(mapistore_folder_create(inbox, mem, "X", 7, 0, 0, NULL, &b, NULL), MAPI_E_INVALID_PARAMETER);
	assert_int_equal(mapistore_folder_create(inbox, mem, "X", MAPISTORE_FOLDER_GENERIC, 0x80, 0, NULL, &b, NULL),
			 MAPI_E_INVALID_PARAMETER);
	assert_int_equal(mapistore_folder_open(m->ctx, mem, 0x4242000000000001ULL, &b), MAPI_E_NOT_FOUND);

	GET1(mapistore_folder_get_props, a, mem, 0x3004001F, &v);
	assert_string_equal(v.pv.value.string, "a comment");
	GET1(mapistore_folder_get_props, a, mem, TAG_DISPLAY_NAME, &v);
	assert_string_equal(v.pv.value.string, "Projects");
	GET1(mapistore_folder_get_props, a, mem, TAG_CHANGE_KEY, &v);
	assert_int_equal(v.pv.value.binary.len, 22);
	assert_memory_equal(v.pv.value.binary.data, test_params.replica_guid, 16);
	GET1(mapistore_folder_get_props, a, mem, TAG_PREDECESSOR_CHANGE_LIST, &v2);
	assert_int_equal(v2.pv.value.binary.len, 23);
	assert_int_equal(v2.pv.value.binary.data[0], 22);
	assert_memory_equal(v2.pv.value.binary.data + 1, v.pv.value.binary.data, 22);
	GET1(mapistore_folder_get_props, a, mem, TAG_CREATION_TIME, &v);
	assert_int_equal(v.flag, MAPI_PROPVAL_PRESENT);
	assert_int_equal(folder_i32(inbox, mem, TAG_FOLDER_CHILD_COUNT), 1);
	assert_int_equal(folder_i32(inbox, mem, TAG_SUBFOLDERS), 1);

	/* setting properties: a new change number, the PCL keeps one entry per replica */
	{
		struct mapi_flagged_propval cn1, cn2;
		struct mapi_propval set[2] = { pv_string(0x3004001F, "changed"), pv_i32(TAG_CONTENT_COUNT, 5) };

		GET1(mapistore_folder_get_props, a, mem, TAG_CHANGE_NUMBER, &cn1);
		assert_int_equal(mapistore_folder_set_props(a, 2, set, mem, &problems), MAPI_E_SUCCESS);
		assert_int_equal(problems.count, 1);	/* PidTagContentCount is computed */
		assert_int_equal(problems.problems[0].index, 1);
		assert_int_equal(problems.problems[0].error_code, MAPI_E_COMPUTED);
		GET1(mapistore_folder_get_props, a, mem, TAG_CHANGE_NUMBER, &cn2);
		assert_true(oxcdata_id_counter(cn2.pv.value.i64) > oxcdata_id_counter(cn1.pv.value.i64));
		GET1(mapistore_folder_get_props, a, mem, TAG_PREDECESSOR_CHANGE_LIST, &v2);
		assert_int_equal(v2.pv.value.binary.len, 23);
		GET1(mapistore_folder_get_props, a, mem, 0x3004001F, &v);
		assert_string_equal(v.pv.value.string, "changed");
		assert_int_equal(mapistore_folder_delete_props(a, 1, (uint32_t[]){ 0x3004001F }, mem, &problems),
				 MAPI_E_SUCCESS);
		GET1(mapistore_folder_get_props, a, mem, 0x3004001F, &v);
		assert_int_equal(v.flag, MAPI_PROPVAL_ERROR);
	}
	/* rename through PidTagDisplayName: collisions are refused */
	assert_int_equal(mapistore_folder_create(inbox, mem, "Other", MAPISTORE_FOLDER_GENERIC, 0, 0, NULL, &b, NULL),
			 MAPI_E_SUCCESS);
	{
		struct mapi_propval rename = pv_string(TAG_DISPLAY_NAME, "projects");

		assert_int_equal(mapistore_folder_set_props(b, 1, &rename, mem, NULL), MAPI_E_COLLISION);
	}
	assert_int_equal(mapistore_folder_create(a, mem, "Sub", MAPISTORE_FOLDER_GENERIC, 0, 0, NULL, &c, NULL),
			 MAPI_E_SUCCESS);
	talloc_free(save_message(a, mem, "in projects", NULL));
	assert_int_equal(folder_i32(a, mem, TAG_CONTENT_COUNT), 1);

	/* delete: flags decide (MS-OXCFOLD 3.2.5.3) */
	assert_int_equal(mapistore_folder_delete(inbox, mapistore_folder_id(a), 0), MAPI_E_HAS_MESSAGES);
	assert_int_equal(mapistore_folder_delete(inbox, mapistore_folder_id(a), MAPISTORE_DEL_MESSAGES),
			 MAPI_E_HAS_FOLDERS);
	assert_int_equal(mapistore_folder_delete(inbox, special(m, MAPISTORE_CALENDAR), 0x15), MAPI_E_NO_ACCESS);
	assert_int_equal(mapistore_folder_delete(inbox, mapistore_folder_id(c), 0), MAPI_E_NOT_FOUND);
	assert_int_equal(mapistore_folder_delete(inbox, 0x4242000000000001ULL, 0), MAPI_E_NOT_FOUND);
	assert_int_equal(mapistore_folder_delete(inbox, mapistore_folder_id(a), 0x100), MAPI_E_INVALID_PARAMETER);

	/* move: cycles are refused, names collide, rename works */
	assert_int_equal(mapistore_folder_move(inbox, mapistore_folder_id(a), c, NULL), MAPI_E_FOLDER_CYCLE);
	assert_int_equal(mapistore_folder_move(inbox, mapistore_folder_id(a), a, NULL), MAPI_E_FOLDER_CYCLE);
	assert_int_equal(mapistore_folder_move(inbox, special(m, MAPISTORE_OUTBOX), a, NULL), MAPI_E_NO_ACCESS);
	assert_int_equal(mapistore_folder_move(a, mapistore_folder_id(c), inbox, "Other"), MAPI_E_COLLISION);
	assert_int_equal(mapistore_folder_move(a, mapistore_folder_id(c), b, "Moved"), MAPI_E_SUCCESS);
	GET1(mapistore_folder_get_props, c, mem, TAG_PARENT_FOLDER_ID, &v);
	assert_true(v.pv.value.i64 == mapistore_folder_id(b));
	GET1(mapistore_folder_get_props, c, mem, TAG_DISPLAY_NAME, &v);
	assert_string_equal(v.pv.value.string, "Moved");
	assert_int_equal(folder_i32(a, mem, TAG_SUBFOLDERS), 0);

	/* copy: a new subtree with new ids, messages copied */
	assert_int_equal(mapistore_folder_copy(inbox, mapistore_folder_id(a), b, "Copy", true, &copy), MAPI_E_SUCCESS);
	{
		struct mapistore_folder *cf;

		assert_int_equal(mapistore_folder_open(m->ctx, mem, copy, &cf), MAPI_E_SUCCESS);
		assert_int_equal(folder_i32(cf, mem, TAG_CONTENT_COUNT), 1);
		assert_int_equal(mapistore_folder_find_child(b, "copy", &copy), MAPI_E_SUCCESS);
		assert_int_equal(mapistore_folder_find_child(b, "nothing", &copy), MAPI_E_NOT_FOUND);
	}
	assert_int_equal(mapistore_folder_children(b, mem, &n, &fids), MAPI_E_SUCCESS);
	assert_int_equal(n, 2);	/* Moved, Copy */

	/* empty: messages and subfolders go */
	assert_int_equal(mapistore_folder_empty(b, true, true), MAPI_E_SUCCESS);
	assert_int_equal(folder_i32(b, mem, TAG_FOLDER_CHILD_COUNT), 0);
	assert_int_equal(mapistore_folder_open(m->ctx, mem, mapistore_folder_id(c), &again), MAPI_E_NOT_FOUND);

	/* delete with both flags */
	assert_int_equal(mapistore_folder_delete(inbox, mapistore_folder_id(a),
						 MAPISTORE_DEL_MESSAGES | MAPISTORE_DEL_FOLDERS), MAPI_E_SUCCESS);
	assert_int_equal(mapistore_folder_open(m->ctx, mem, mapistore_folder_id(a), &again), MAPI_E_NOT_FOUND);
	assert_int_equal(mapistore_folder_get_props(a, mem, 1, (uint32_t[]){ TAG_DISPLAY_NAME }, &v),
			 MAPI_E_OBJECT_DELETED);
	/* creating under a deleted folder */
	assert_int_equal(mapistore_folder_create(a, mem, "Z", MAPISTORE_FOLDER_GENERIC, 0, 0, NULL, &again, NULL),
			 MAPI_E_OBJECT_DELETED);
	{
		uint16_t count;
		struct mapi_propval *all;

		assert_int_equal(mapistore_folder_get_all(inbox, mem, &count, &all), MAPI_E_SUCCESS);
		assert_true(count > 10);
	}
	mbox_free(m);
}

/* --- messages (MS-OXCMSG) ---------------------------------------------------------------------- */

static void test_messages(void **state)
{
	struct mbox *m = mbox_new(true);
	TALLOC_CTX *mem = talloc_new(m);
	struct mapistore_folder *inbox = open_special(m, mem, MAPISTORE_INBOX);
	struct mapistore_folder *drafts = open_special(m, mem, MAPISTORE_DRAFTS);
	struct mapistore_message *msg, *one, *two;
	struct mapi_flagged_propval v;
	struct mapistore_problems problems;
	uint64_t mid, mids[2], copies[2];
	uint32_t partial, changed;
	const char *russian = "Привет, мир", *japanese = "こんにちは世界";

	/* create: nothing visible until save */
	assert_int_equal(mapistore_message_create(inbox, mem, false, &msg), MAPI_E_SUCCESS);
	mid = mapistore_message_id(msg);
	assert_int_equal(oxcdata_id_replica(mid), 1);
	assert_int_equal(mapistore_message_open(m->ctx, mem, special(m, MAPISTORE_INBOX), mid, 0, &one),
			 MAPI_E_NOT_FOUND);
	{
		struct mapi_propval pv[3] = {
			pv_string(TAG_SUBJECT, russian), pv_string(TAG_MESSAGE_CLASS, "IPM.Note"),
			pv_i32(TAG_MESSAGE_FLAGS, 0),	/* unread: allowed before the first save */
		};

		assert_int_equal(mapistore_message_set_props(msg, 3, pv, mem, &problems), MAPI_E_SUCCESS);
		assert_int_equal(problems.count, 0);
	}
	assert_int_equal(mapistore_message_save(msg, 0x40), MAPI_E_INVALID_PARAMETER);
	assert_int_equal(mapistore_message_save(msg, MAPISTORE_SAVE_KEEP_OPEN_READ_WRITE), MAPI_E_SUCCESS);
	assert_int_equal(folder_i32(inbox, mem, TAG_CONTENT_COUNT), 1);
	assert_int_equal(folder_i32(inbox, mem, TAG_CONTENT_UNREAD_COUNT), 1);
	/* after the first save PidTagMessageFlags is the store's */
	{
		struct mapi_propval flags = pv_i32(TAG_MESSAGE_FLAGS, 1);

		assert_int_equal(mapistore_message_set_props(msg, 1, &flags, mem, &problems), MAPI_E_SUCCESS);
		assert_int_equal(problems.count, 1);
		assert_int_equal(problems.problems[0].error_code, MAPI_E_COMPUTED);
	}

	/* read it back, byte for byte */
	assert_int_equal(mapistore_message_open(m->ctx, mem, special(m, MAPISTORE_INBOX), mid,
						MAPISTORE_OPEN_READ_WRITE, &one), MAPI_E_SUCCESS);
	GET1(mapistore_message_get_props, one, mem, TAG_SUBJECT, &v);
	assert_string_equal(v.pv.value.string, russian);
	GET1(mapistore_message_get_props, one, mem, TAG_MID, &v);
	assert_true(v.pv.value.i64 == mid);
	GET1(mapistore_message_get_props, one, mem, TAG_FOLDER_ID, &v);
	assert_true(v.pv.value.i64 == special(m, MAPISTORE_INBOX));
	GET1(mapistore_message_get_props, one, mem, TAG_MESSAGE_FLAGS, &v);
	assert_int_equal(v.pv.value.i32 & MAPISTORE_MSGFLAG_READ, 0);
	GET1(mapistore_message_get_props, one, mem, TAG_MESSAGE_SIZE, &v);
	assert_true(v.pv.value.i32 > 0);
	GET1(mapistore_message_get_props, one, mem, TAG_ENTRYID, &v);
	assert_int_equal(v.pv.value.binary.len, 70);
	GET1(mapistore_message_get_props, one, mem, TAG_CHANGE_KEY, &v);
	assert_int_equal(v.pv.value.binary.len, 22);
	GET1(mapistore_message_get_props, one, mem, 0x12340003, &v);
	assert_int_equal(v.flag, MAPI_PROPVAL_ERROR);
	assert_int_equal(v.pv.value.error_code, MAPI_E_NOT_FOUND);
	/* PtypUnspecified takes the stored type */
	GET1(mapistore_message_get_props, one, mem, MAPI_PROP_TAG(0x0037, 0), &v);
	assert_int_equal(v.pv.tag, TAG_SUBJECT);
	assert_int_equal(mapistore_message_open(m->ctx, mem, special(m, MAPISTORE_DRAFTS), mid, 0, &two),
			 MAPI_E_NOT_FOUND);	/* wrong folder */
	assert_int_equal(mapistore_message_open(m->ctx, mem, special(m, MAPISTORE_INBOX), mid, 7, &two),
			 MAPI_E_INVALID_PARAMETER);

	/* conflict detection (MS-OXCMSG 3.2.5.3): the second saver loses unless it forces */
	assert_int_equal(mapistore_message_open(m->ctx, mem, special(m, MAPISTORE_INBOX), mid,
						MAPISTORE_OPEN_READ_WRITE, &two), MAPI_E_SUCCESS);
	{
		struct mapi_propval s1 = pv_string(TAG_SUBJECT, japanese), s2 = pv_string(TAG_SUBJECT, "Français été");
		uint64_t cn;

		assert_int_equal(mapistore_message_set_props(one, 1, &s1, mem, NULL), MAPI_E_SUCCESS);
		cn = mapistore_message_change_number(one);
		assert_int_equal(mapistore_message_save(one, MAPISTORE_SAVE_KEEP_OPEN_READ_ONLY), MAPI_E_SUCCESS);
		assert_true(mapistore_message_change_number(one) != cn);
		/* KeepOpenReadOnly: no more changes through this object */
		assert_int_equal(mapistore_message_set_props(one, 1, &s2, mem, NULL), MAPI_E_NO_ACCESS);
		assert_int_equal(mapistore_message_save(one, 0), MAPI_E_NO_ACCESS);
		assert_int_equal(mapistore_message_set_props(two, 1, &s2, mem, NULL), MAPI_E_SUCCESS);
		assert_int_equal(mapistore_message_save(two, MAPISTORE_SAVE_KEEP_OPEN_READ_WRITE), MAPI_E_OBJECT_CHANGED);
		assert_int_equal(mapistore_message_save(two, MAPISTORE_SAVE_FORCE | MAPISTORE_SAVE_KEEP_OPEN_READ_WRITE),
				 MAPI_E_SUCCESS);
		/* the PCL lists our replica once */
		GET1(mapistore_message_get_props, two, mem, TAG_PREDECESSOR_CHANGE_LIST, &v);
		assert_int_equal(v.pv.value.binary.len, 23);
		/* reload: the stored state again */
		assert_int_equal(mapistore_message_set_props(two, 1, &s1, mem, NULL), MAPI_E_SUCCESS);
		assert_int_equal(mapistore_message_reload(two), MAPI_E_SUCCESS);
		GET1(mapistore_message_get_props, two, mem, TAG_SUBJECT, &v);
		assert_string_equal(v.pv.value.string, "Français été");
	}
	/* read flags */
	assert_int_equal(mapistore_messages_set_read(inbox, 1, &mid, 0, &changed), MAPI_E_SUCCESS);
	assert_int_equal(changed, 1);
	assert_int_equal(folder_i32(inbox, mem, TAG_CONTENT_UNREAD_COUNT), 0);
	assert_int_equal(mapistore_messages_set_read(inbox, 1, &mid, 0, &changed), MAPI_E_SUCCESS);
	assert_int_equal(changed, 0);
	{
		bool ch;

		assert_int_equal(mapistore_message_set_read(two, MAPISTORE_READ_CLEAR, &ch), MAPI_E_SUCCESS);
		assert_true(ch);
		assert_int_equal(folder_i32(inbox, mem, TAG_CONTENT_UNREAD_COUNT), 1);
	}

	/* copy and move */
	talloc_free(save_message(inbox, mem, "second", &mids[1]));
	mids[0] = mid;
	assert_int_equal(mapistore_messages_move(inbox, drafts, 2, mids, true, copies, &partial), MAPI_E_SUCCESS);
	assert_int_equal(partial, 0);
	assert_true(copies[0] != mids[0] && copies[1] != mids[1]);
	assert_int_equal(folder_i32(drafts, mem, TAG_CONTENT_COUNT), 2);
	assert_int_equal(folder_i32(inbox, mem, TAG_CONTENT_COUNT), 2);
	assert_int_equal(mapistore_message_open(m->ctx, mem, special(m, MAPISTORE_DRAFTS), copies[0], 0, &one),
			 MAPI_E_SUCCESS);
	GET1(mapistore_message_get_props, one, mem, TAG_SUBJECT, &v);
	assert_string_equal(v.pv.value.string, "Français été");
	assert_int_equal(mapistore_messages_move(drafts, inbox, 1, &copies[1], false, NULL, &partial), MAPI_E_SUCCESS);
	assert_int_equal(folder_i32(inbox, mem, TAG_CONTENT_COUNT), 3);
	assert_int_equal(folder_i32(drafts, mem, TAG_CONTENT_COUNT), 1);
	/* a message not in the source folder is a partial completion */
	assert_int_equal(mapistore_messages_move(drafts, inbox, 1, &mids[1], false, NULL, &partial), MAPI_E_SUCCESS);
	assert_int_equal(partial, 1);

	/* soft delete hides, hard delete removes; saving a deleted message fails */
	assert_int_equal(mapistore_messages_delete(inbox, 1, &mid, false, &partial), MAPI_E_SUCCESS);
	assert_int_equal(partial, 0);
	assert_int_equal(folder_i32(inbox, mem, TAG_CONTENT_COUNT), 2);
	assert_int_equal(folder_i32(inbox, mem, TAG_DELETED_COUNT_TOTAL), 1);
	assert_int_equal(mapistore_message_open(m->ctx, mem, special(m, MAPISTORE_INBOX), mid, 0, &one),
			 MAPI_E_NOT_FOUND);
	assert_int_equal(mapistore_message_save(two, MAPISTORE_SAVE_KEEP_OPEN_READ_WRITE), MAPI_E_OBJECT_DELETED);
	assert_int_equal(mapistore_messages_delete(inbox, 1, &mid, true, &partial), MAPI_E_SUCCESS);
	assert_int_equal(folder_i32(inbox, mem, TAG_DELETED_COUNT_TOTAL), 0);
	assert_int_equal(mapistore_messages_delete(inbox, 1, &mid, true, &partial), MAPI_E_SUCCESS);
	assert_int_equal(partial, 1);
	/* a forced save brings it back */
	assert_int_equal(mapistore_message_save(two, MAPISTORE_SAVE_FORCE), MAPI_E_SUCCESS);
	assert_int_equal(folder_i32(inbox, mem, TAG_CONTENT_COUNT), 3);
	/* associated messages are counted apart */
	assert_int_equal(mapistore_message_create(inbox, mem, true, &msg), MAPI_E_SUCCESS);
	assert_int_equal(mapistore_message_save(msg, 0), MAPI_E_SUCCESS);
	assert_int_equal(folder_i32(inbox, mem, TAG_ASSOCIATED_CONTENT_COUNT), 1);
	assert_int_equal(folder_i32(inbox, mem, TAG_CONTENT_COUNT), 3);
	GET1(mapistore_message_get_props, msg, mem, TAG_ASSOCIATED, &v);
	assert_true(v.pv.value.boolean);
	{
		uint16_t count;
		struct mapi_propval *all;

		uint32_t *tags;
		bool subject = false;

		assert_int_equal(mapistore_message_get_all(two, mem, &count, &all), MAPI_E_SUCCESS);
		assert_true(count > 8);
		assert_int_equal(mapistore_message_get_list(two, mem, &count, &tags), MAPI_E_SUCCESS);
		for (uint16_t i = 0; i < count; i++)
			subject |= tags[i] == TAG_SUBJECT;
		assert_true(subject);
		assert_int_equal(mapistore_folder_get_list(inbox, mem, &count, &tags), MAPI_E_SUCCESS);
		assert_true(count > 10);
	}
	mbox_free(m);
}

/* What leaves a folder leaves a tombstone with a change number of its own; a move is a change. */
static void test_tombstones(void **state)
{
	struct mbox *m = mbox_new(true);
	TALLOC_CTX *mem = talloc_new(m);
	struct mapistore_folder *inbox = open_special(m, mem, MAPISTORE_INBOX);
	struct mapistore_folder *drafts = open_special(m, mem, MAPISTORE_DRAFTS), *sub;
	struct mapistore_tombstone *t;
	struct mapistore_message *msg;
	struct mapi_flagged_propval v;
	uint64_t a, b, c, cn_before;
	uint32_t n;

	talloc_free(save_message(inbox, mem, "a", &a));
	talloc_free(save_message(inbox, mem, "b", &b));
	msg = save_message(inbox, mem, "c", &c);
	cn_before = mapistore_message_change_number(msg);
	assert_int_equal(mapistore_messages_delete(inbox, 1, &a, true, NULL), MAPI_E_SUCCESS);
	assert_int_equal(mapistore_messages_delete(inbox, 1, &b, false, NULL), MAPI_E_SUCCESS);
	assert_int_equal(mapistore_messages_delete(inbox, 1, &b, true, NULL), MAPI_E_SUCCESS);	/* no second one */
	assert_int_equal(mapistore_messages_move(inbox, drafts, 1, &c, false, NULL, NULL), MAPI_E_SUCCESS);
	assert_int_equal(mapistore_folder_create(inbox, mem, "Gone", MAPISTORE_FOLDER_GENERIC, 0, 0, NULL, &sub, NULL),
			 MAPI_E_SUCCESS);
	assert_int_equal(mapistore_folder_delete(inbox, mapistore_folder_id(sub), 0), MAPI_E_SUCCESS);
	assert_int_equal(mapistore_folder_tombstones(inbox, mem, &n, &t), MAPI_E_SUCCESS);
	assert_int_equal(n, 4);
	assert_true(t[0].id == a && t[0].kind == MAPISTORE_GONE_MESSAGE_HARD);
	assert_true(t[1].id == b && t[1].kind == MAPISTORE_GONE_MESSAGE_SOFT);
	assert_true(t[2].id == c && t[2].kind == MAPISTORE_GONE_MESSAGE_MOVED);
	assert_true(t[3].id == mapistore_folder_id(sub) && t[3].kind == MAPISTORE_GONE_FOLDER_DELETED);
	for (uint32_t i = 1; i < n; i++)
		assert_true(oxcdata_id_counter(t[i].cn) > oxcdata_id_counter(t[i - 1].cn));
	/* the moved message is a change in its new folder */
	assert_int_equal(mapistore_message_open(m->ctx, mem, special(m, MAPISTORE_DRAFTS), c, 0, &msg), MAPI_E_SUCCESS);
	assert_true(oxcdata_id_counter(mapistore_message_change_number(msg)) > oxcdata_id_counter(cn_before));
	GET1(mapistore_message_get_props, msg, mem, TAG_SUBJECT, &v);
	assert_string_equal(v.pv.value.string, "c");
	assert_int_equal(folder_i32(drafts, mem, TAG_CONTENT_COUNT), 1);
	assert_int_equal(folder_i32(inbox, mem, TAG_CONTENT_COUNT), 0);
	mbox_free(m);
}

/* --- recipients -------------------------------------------------------------------------------- */

static void test_recipients(void **state)
{
	struct mbox *m = mbox_new(true);
	TALLOC_CTX *mem = talloc_new(m);
	struct mapistore_folder *inbox = open_special(m, mem, MAPISTORE_INBOX);
	struct mapistore_message *msg;
	struct mapistore_recipient *rows;
	struct mapi_propval r0[2] = { pv_i32(0x0C150003, 1), pv_string(TAG_DISPLAY_NAME, "Алиса") };
	struct mapi_propval r1[2] = { pv_i32(0x0C150003, 2), pv_string(TAG_DISPLAY_NAME, "Bob") };
	struct mapi_propval r2[1] = { pv_string(TAG_DISPLAY_NAME, "Carol") };
	struct mapistore_recipient in[3] = {
		{ .row_id = 0, .count = 2, .props = r0 },
		{ .row_id = 5, .count = 2, .props = r1 },
		{ .row_id = 2, .count = 1, .props = r2 },
	};
	uint32_t n;
	uint64_t mid;

	msg = save_message(inbox, mem, "with recipients", &mid);
	assert_int_equal(mapistore_message_modify_recipients(msg, 3, in), MAPI_E_SUCCESS);
	assert_int_equal(mapistore_message_read_recipients(msg, mem, 0, &n, &rows), MAPI_E_SUCCESS);
	assert_int_equal(n, 3);
	assert_int_equal(rows[0].row_id, 0);
	assert_int_equal(rows[1].row_id, 2);
	assert_int_equal(rows[2].row_id, 5);
	assert_int_equal(mapistore_message_save(msg, MAPISTORE_SAVE_KEEP_OPEN_READ_WRITE), MAPI_E_SUCCESS);
	talloc_free(msg);
	assert_int_equal(mapistore_message_open(m->ctx, mem, special(m, MAPISTORE_INBOX), mid, 1, &msg), MAPI_E_SUCCESS);
	assert_int_equal(mapistore_message_read_recipients(msg, mem, 1, &n, &rows), MAPI_E_SUCCESS);
	assert_int_equal(n, 2);
	assert_string_equal(rows[0].props[0].value.string, "Carol");
	assert_string_equal(rows[1].props[1].value.string, "Bob");
	/* an empty row removes, a known row id replaces */
	in[0].count = 0;
	in[1].props = r0;
	assert_int_equal(mapistore_message_modify_recipients(msg, 2, in), MAPI_E_SUCCESS);
	assert_int_equal(mapistore_message_read_recipients(msg, mem, 0, &n, &rows), MAPI_E_SUCCESS);
	assert_int_equal(n, 2);
	assert_string_equal(rows[1].props[1].value.string, "Алиса");
	assert_int_equal(mapistore_message_save(msg, MAPISTORE_SAVE_KEEP_OPEN_READ_WRITE), MAPI_E_SUCCESS);
	assert_int_equal(mapistore_message_remove_all_recipients(msg), MAPI_E_SUCCESS);
	assert_int_equal(mapistore_message_read_recipients(msg, mem, 0, &n, &rows), MAPI_E_SUCCESS);
	assert_int_equal(n, 0);
	assert_int_equal(mapistore_message_reload(msg), MAPI_E_SUCCESS);
	assert_int_equal(mapistore_message_read_recipients(msg, mem, 0, &n, &rows), MAPI_E_SUCCESS);
	assert_int_equal(n, 2);
	assert_int_equal(mapistore_message_read_recipients(msg, mem, 0, NULL, &rows), MAPI_E_INVALID_PARAMETER);
	mbox_free(m);
}

/* --- attachments and embedded messages -------------------------------------------------------------- */

static void test_attachments(void **state)
{
	struct mbox *m = mbox_new(true);
	TALLOC_CTX *mem = talloc_new(m);
	struct mapistore_folder *inbox = open_special(m, mem, MAPISTORE_INBOX);
	struct mapistore_message *msg, *emb, *emb2;
	struct mapistore_attachment *att, *att2;
	struct mapi_flagged_propval v;
	struct mapi_property_row *rows;
	uint8_t *blob = talloc_array(mem, uint8_t, 100 * 1024);
	uint32_t num, num2, n, *nums;
	uint64_t mid;

	for (int i = 0; i < 100 * 1024; i++)
		blob[i] = (uint8_t)(i * 7 + (i >> 8));
	msg = save_message(inbox, mem, "with attachments", &mid);
	/* a 100 KB attachment by value */
	assert_int_equal(mapistore_attachment_create(msg, mem, &att, &num), MAPI_E_SUCCESS);
	{
		struct mapi_propval pv[3] = {
			pv_i32(TAG_ATTACH_METHOD, MAPISTORE_ATTACH_BY_VALUE),
			pv_string(0x3707001F, "data.bin"),
			pv_binary(0x37010102, blob, 100 * 1024),
		};

		assert_int_equal(mapistore_attachment_set_props(att, 3, pv, mem, NULL), MAPI_E_SUCCESS);
	}
	assert_int_equal(mapistore_attachment_save(att), MAPI_E_SUCCESS);
	/* an embedded message in a second one */
	assert_int_equal(mapistore_attachment_create(msg, mem, &att2, &num2), MAPI_E_SUCCESS);
	assert_true(num2 != num);
	assert_int_equal(mapistore_attachment_open_embedded(att2, mem, MAPISTORE_OPEN_READ_WRITE, false, &emb),
			 MAPI_E_NOT_FOUND);
	assert_int_equal(mapistore_attachment_open_embedded(att2, mem, MAPISTORE_OPEN_READ_WRITE, true, &emb),
			 MAPI_E_SUCCESS);
	{
		struct mapi_propval s = pv_string(TAG_SUBJECT, "embedded");

		assert_int_equal(mapistore_message_set_props(emb, 1, &s, mem, NULL), MAPI_E_SUCCESS);
	}
	assert_int_equal(mapistore_message_save(emb, 0), MAPI_E_SUCCESS);
	assert_int_equal(mapistore_attachment_save(att2), MAPI_E_SUCCESS);
	/* nothing is stored until the message is saved */
	GET1(mapistore_message_get_props, msg, mem, TAG_HAS_ATTACHMENTS, &v);
	assert_true(v.pv.value.boolean);
	assert_int_equal(mapistore_message_save(msg, 0), MAPI_E_SUCCESS);
	talloc_free(msg);

	assert_int_equal(mapistore_message_open(m->ctx, mem, special(m, MAPISTORE_INBOX), mid, 1, &msg), MAPI_E_SUCCESS);
	GET1(mapistore_message_get_props, msg, mem, TAG_MESSAGE_FLAGS, &v);
	assert_true(v.pv.value.i32 & MAPISTORE_MSGFLAG_HASATTACH);
	GET1(mapistore_message_get_props, msg, mem, TAG_MESSAGE_SIZE, &v);
	assert_true(v.pv.value.i32 > 100 * 1024);
	assert_int_equal(mapistore_message_attachment_nums(msg, mem, &n, &nums), MAPI_E_SUCCESS);
	assert_int_equal(n, 2);
	assert_int_equal(mapistore_message_attachment_rows(msg, mem, 3,
							   (uint32_t[]){ TAG_ATTACH_NUMBER, 0x3707001F, TAG_ATTACH_SIZE },
							   &n, &rows), MAPI_E_SUCCESS);
	assert_int_equal(n, 2);
	assert_string_equal(rows[0].values[1].pv.value.string, "data.bin");
	assert_true(rows[0].values[2].pv.value.i32 >= 100 * 1024);
	assert_int_equal(rows[1].values[1].flag, MAPI_PROPVAL_ERROR);
	assert_int_equal(mapistore_attachment_open(msg, mem, num, MAPISTORE_OPEN_READ_ONLY, &att), MAPI_E_SUCCESS);
	GET1(mapistore_attachment_get_props, att, mem, 0x37010102, &v);
	assert_int_equal(v.pv.value.binary.len, 100 * 1024);
	{
		uint16_t count;
		uint32_t *tags;

		assert_int_equal(mapistore_attachment_get_list(att, mem, &count, &tags), MAPI_E_SUCCESS);
		assert_int_equal(count, 5);	/* number, size, method, file name, data */
	}
	assert_memory_equal(v.pv.value.binary.data, blob, 100 * 1024);
	{
		struct mapi_propval s = pv_string(0x3707001F, "x");

		assert_int_equal(mapistore_attachment_set_props(att, 1, &s, mem, NULL), MAPI_E_NO_ACCESS);
	}
	assert_int_equal(mapistore_attachment_open(msg, mem, 99, 0, &att), MAPI_E_NOT_FOUND);
	/* the embedded message reads back, and can be changed in place */
	assert_int_equal(mapistore_attachment_open(msg, mem, num2, MAPISTORE_OPEN_READ_WRITE, &att2), MAPI_E_SUCCESS);
	GET1(mapistore_attachment_get_props, att2, mem, TAG_ATTACH_METHOD, &v);
	assert_int_equal(v.pv.value.i32, MAPISTORE_ATTACH_EMBEDDED_MESSAGE);
	assert_int_equal(mapistore_attachment_open_embedded(att2, mem, MAPISTORE_OPEN_READ_WRITE, false, &emb2),
			 MAPI_E_SUCCESS);
	GET1(mapistore_message_get_props, emb2, mem, TAG_SUBJECT, &v);
	assert_string_equal(v.pv.value.string, "embedded");
	{
		struct mapi_propval s = pv_string(TAG_SUBJECT, "embedded, changed");

		assert_int_equal(mapistore_message_set_props(emb2, 1, &s, mem, NULL), MAPI_E_SUCCESS);
		assert_int_equal(mapistore_message_save(emb2, 0), MAPI_E_SUCCESS);
		assert_int_equal(mapistore_attachment_save(att2), MAPI_E_SUCCESS);
	}
	assert_int_equal(mapistore_message_save(msg, 0), MAPI_E_SUCCESS);
	talloc_free(msg);
	assert_int_equal(mapistore_message_open(m->ctx, mem, special(m, MAPISTORE_INBOX), mid, 0, &msg), MAPI_E_SUCCESS);
	assert_int_equal(mapistore_attachment_open(msg, mem, num2, MAPISTORE_OPEN_READ_ONLY, &att2), MAPI_E_SUCCESS);
	assert_int_equal(mapistore_attachment_open_embedded(att2, mem, MAPISTORE_OPEN_READ_ONLY, false, &emb2),
			 MAPI_E_SUCCESS);
	GET1(mapistore_message_get_props, emb2, mem, TAG_SUBJECT, &v);
	assert_string_equal(v.pv.value.string, "embedded, changed");
	assert_int_equal(mapistore_message_save(emb2, 0), MAPI_E_NO_ACCESS);
	assert_int_equal(mapistore_attachment_delete(msg, num), MAPI_E_NO_ACCESS);
	mbox_free(m);
}

static void test_attachment_delete(void **state)
{
	struct mbox *m = mbox_new(true);
	TALLOC_CTX *mem = talloc_new(m);
	struct mapistore_folder *inbox = open_special(m, mem, MAPISTORE_INBOX);
	struct mapistore_message *msg, *emb;
	struct mapistore_attachment *att;
	struct mapi_flagged_propval v;
	uint32_t num, n, *nums;
	uint64_t mid;

	msg = save_message(inbox, mem, "attachments to delete", &mid);
	for (int i = 0; i < 3; i++) {
		assert_int_equal(mapistore_attachment_create(msg, mem, &att, &num), MAPI_E_SUCCESS);
		if (i == 2) {
			assert_int_equal(mapistore_attachment_open_embedded(att, mem, 1, true, &emb), MAPI_E_SUCCESS);
			assert_int_equal(mapistore_message_save(emb, 0), MAPI_E_SUCCESS);
		}
		assert_int_equal(mapistore_attachment_save(att), MAPI_E_SUCCESS);
	}
	assert_int_equal(mapistore_message_save(msg, MAPISTORE_SAVE_KEEP_OPEN_READ_WRITE), MAPI_E_SUCCESS);
	assert_int_equal(mapistore_attachment_delete(msg, 1), MAPI_E_SUCCESS);
	assert_int_equal(mapistore_attachment_delete(msg, 1), MAPI_E_NOT_FOUND);
	assert_int_equal(mapistore_attachment_delete(msg, 2), MAPI_E_SUCCESS);
	assert_int_equal(mapistore_message_save(msg, MAPISTORE_SAVE_KEEP_OPEN_READ_WRITE), MAPI_E_SUCCESS);
	assert_int_equal(mapistore_message_reload(msg), MAPI_E_SUCCESS);
	assert_int_equal(mapistore_message_attachment_nums(msg, mem, &n, &nums), MAPI_E_SUCCESS);
	assert_int_equal(n, 1);
	assert_int_equal(nums[0], 0);
	assert_int_equal(mapistore_attachment_delete(msg, 0), MAPI_E_SUCCESS);
	assert_int_equal(mapistore_message_save(msg, MAPISTORE_SAVE_KEEP_OPEN_READ_WRITE), MAPI_E_SUCCESS);
	GET1(mapistore_message_get_props, msg, mem, TAG_HAS_ATTACHMENTS, &v);
	assert_false(v.pv.value.boolean);
	/* hard delete of the message takes everything with it */
	assert_int_equal(mapistore_messages_delete(inbox, 1, &mid, true, NULL), MAPI_E_SUCCESS);
	mbox_free(m);
}

/* --- named properties (MS-OXCPRPT 3.2.5.8) ---------------------------------------------------------- */

static void test_named_props(void **state)
{
	struct mbox *m = mbox_new(true);
	TALLOC_CTX *mem = talloc_new(m);
	static const struct mapi_guid ps_public = { { 0x29, 0x03, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00,
						       0xC0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x46 } };
	static const struct mapi_guid ps_mapi = { { 0x28, 0x03, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00,
						     0xC0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x46 } };
	struct mapistore_named_prop names[4] = {
		{ .guid = ps_public, .kind = MAPISTORE_NAME_STRING, .name = "Keywords" },
		{ .guid = ps_public, .kind = MAPISTORE_NAME_LID, .lid = 0x8501 },
		{ .guid = ps_mapi, .kind = MAPISTORE_NAME_LID, .lid = 0x0037 },
		{ .guid = ps_public, .kind = MAPISTORE_NAME_STRING, .name = "ключ" },
	};
	struct mapistore_named_prop back, *all;
	uint16_t ids[4], ids2[4], *allids;
	uint32_t missing, n;

	assert_int_equal(mapistore_named_ids(m->ctx, 4, names, false, ids, &missing), MAPI_E_SUCCESS);
	assert_int_equal(missing, 3);
	assert_int_equal(ids[0], 0);
	assert_int_equal(ids[2], 0x0037);	/* PS_MAPI: the LID is the id */
	assert_int_equal(mapistore_named_ids(m->ctx, 4, names, true, ids, &missing), MAPI_E_SUCCESS);
	assert_int_equal(missing, 0);
	assert_true(ids[0] >= 0x8000 && ids[1] >= 0x8000 && ids[3] >= 0x8000);
	assert_true(ids[0] != ids[1] && ids[1] != ids[3]);
	/* the same again, and after a reopen: stable */
	assert_int_equal(mapistore_named_ids(m->ctx, 4, names, true, ids2, NULL), MAPI_E_SUCCESS);
	assert_memory_equal(ids, ids2, sizeof(ids));
	mbox_reopen(m);
	assert_int_equal(mapistore_named_ids(m->ctx, 4, names, false, ids2, &missing), MAPI_E_SUCCESS);
	assert_memory_equal(ids, ids2, sizeof(ids));
	assert_int_equal(mapistore_named_name(m->ctx, mem, ids[3], &back), MAPI_E_SUCCESS);
	assert_int_equal(back.kind, MAPISTORE_NAME_STRING);
	assert_string_equal(back.name, "ключ");
	assert_memory_equal(back.guid.bytes, ps_public.bytes, 16);
	assert_int_equal(mapistore_named_name(m->ctx, mem, ids[1], &back), MAPI_E_SUCCESS);
	assert_int_equal(back.lid, 0x8501);
	assert_int_equal(mapistore_named_name(m->ctx, mem, 0xFFF0, &back), MAPI_E_NOT_FOUND);
	assert_int_equal(mapistore_named_all(m->ctx, mem, &n, &allids, &all), MAPI_E_SUCCESS);
	assert_int_equal(n, 3);
	/* an empty string name is no name */
	names[0].name = "";
	assert_int_equal(mapistore_named_ids(m->ctx, 1, names, true, ids, &missing), MAPI_E_SUCCESS);
	assert_int_equal(missing, 1);
	mbox_free(m);
}

/* --- streams (MS-OXCPRPT 2.2.14 ff.) ---------------------------------------------------------------- */

static void test_streams(void **state)
{
	struct mbox *m = mbox_new(true);
	TALLOC_CTX *mem = talloc_new(m);
	struct mapistore_folder *inbox = open_special(m, mem, MAPISTORE_INBOX);
	struct mapistore_message *msg;
	struct mapistore_stream *st;
	struct mapi_flagged_propval v;
	uint8_t *big = talloc_array(mem, uint8_t, 200000), *back = talloc_array(mem, uint8_t, 200000);
	uint32_t done;
	uint64_t pos, mid;
	char *body;

	for (int i = 0; i < 200000; i++)
		big[i] = (uint8_t)(i ^ (i >> 9));
	msg = save_message(inbox, mem, "streams", &mid);
	/* a binary property written in pieces, beyond 32 KB */
	assert_int_equal(mapistore_stream_open(mem, NULL, msg, NULL, 0x10090102, MAPISTORE_STREAM_READ_WRITE, &st),
			 MAPI_E_NOT_FOUND);
	assert_int_equal(mapistore_stream_open(mem, NULL, msg, NULL, 0x10090102, MAPISTORE_STREAM_CREATE, &st),
			 MAPI_E_SUCCESS);
	for (int off = 0; off < 200000; off += 30000) {
		uint32_t len = 200000 - off < 30000 ? 200000 - off : 30000;

		assert_int_equal(mapistore_stream_write(st, big + off, len, &done), MAPI_E_SUCCESS);
		assert_int_equal(done, len);
	}
	assert_int_equal(mapistore_stream_size(st), 200000);
	assert_int_equal(mapistore_stream_seek(st, MAPISTORE_SEEK_SET, 0, &pos), MAPI_E_SUCCESS);
	assert_int_equal(mapistore_stream_read(st, back, 200000, &done), MAPI_E_SUCCESS);
	assert_int_equal(done, 200000);
	assert_memory_equal(back, big, 200000);
	assert_int_equal(mapistore_stream_seek(st, MAPISTORE_SEEK_CUR, -200001, &pos), MAPI_E_STORAGE_INVALID_FUNCTION);
	assert_int_equal(mapistore_stream_commit(st), MAPI_E_SUCCESS);
	/* a string body through UTF-16LE */
	assert_int_equal(mapistore_stream_open(mem, NULL, msg, NULL, 0x1000001F, MAPISTORE_STREAM_CREATE, &st),
			 MAPI_E_SUCCESS);
	for (int i = 0; i < 20000; i++) {
		static const uint8_t zh[4] = { 0x16, 0x4E, 0x4C, 0x75 };	/* 世界 */

		assert_int_equal(mapistore_stream_write(st, zh, 4, &done), MAPI_E_SUCCESS);
	}
	assert_int_equal(mapistore_stream_commit(st), MAPI_E_SUCCESS);
	/* an odd size is no UTF-16 string */
	assert_int_equal(mapistore_stream_set_size(st, 79999), MAPI_E_SUCCESS);
	assert_int_equal(mapistore_stream_commit(st), MAPI_E_INVALID_PARAMETER);
	assert_int_equal(mapistore_stream_set_size(st, 80000), MAPI_E_SUCCESS);
	talloc_free(st);
	assert_int_equal(mapistore_stream_open(mem, NULL, msg, NULL, 0x10010003, MAPISTORE_STREAM_CREATE, &st),
			 MAPI_E_NO_SUPPORT);
	assert_int_equal(mapistore_message_save(msg, 0), MAPI_E_SUCCESS);
	talloc_free(msg);

	/* reopened: the values are whole, and readable through read-only streams */
	mbox_reopen(m);
	inbox = open_special(m, mem, MAPISTORE_INBOX);	/* objects do not outlive their context */
	assert_int_equal(mapistore_message_open(m->ctx, mem, special(m, MAPISTORE_INBOX), mid, 0, &msg), MAPI_E_SUCCESS);
	GET1(mapistore_message_get_props, msg, mem, 0x10090102, &v);
	assert_int_equal(v.pv.value.binary.len, 200000);
	assert_memory_equal(v.pv.value.binary.data, big, 200000);
	GET1(mapistore_message_get_props, msg, mem, 0x1000001F, &v);
	body = v.pv.value.string;
	assert_int_equal(strlen(body), 20000 * 6);
	assert_memory_equal(body, "世界世界", 12);
	assert_int_equal(mapistore_stream_open(mem, NULL, msg, NULL, 0x1000001F, MAPISTORE_STREAM_READ_ONLY, &st),
			 MAPI_E_SUCCESS);
	assert_int_equal(mapistore_stream_size(st), 80000);
	assert_int_equal(mapistore_stream_seek(st, MAPISTORE_SEEK_END, -4, &pos), MAPI_E_SUCCESS);
	assert_int_equal(pos, 79996);
	assert_int_equal(mapistore_stream_read(st, back, 100, &done), MAPI_E_SUCCESS);
	assert_int_equal(done, 4);
	assert_int_equal(back[0], 0x16);
	assert_int_equal(mapistore_stream_write(st, back, 1, &done), MAPI_E_STORAGE_ACCESS_DENIED);
	assert_int_equal(mapistore_stream_set_size(st, 1), MAPI_E_STORAGE_ACCESS_DENIED);
	/* writable streams need a writable message */
	assert_int_equal(mapistore_stream_open(mem, NULL, msg, NULL, 0x1000001F, MAPISTORE_STREAM_READ_WRITE, &st),
			 MAPI_E_NO_ACCESS);
	/* a folder property stream is stored at commit */
	assert_int_equal(mapistore_stream_open(mem, inbox, NULL, NULL, 0x3004001F, MAPISTORE_STREAM_CREATE, &st),
			 MAPI_E_SUCCESS);
	assert_int_equal(mapistore_stream_write(st, (const uint8_t *)"h\0i\0", 4, &done), MAPI_E_SUCCESS);
	assert_int_equal(mapistore_stream_commit(st), MAPI_E_SUCCESS);
	GET1(mapistore_folder_get_props, inbox, mem, 0x3004001F, &v);
	assert_string_equal(v.pv.value.string, "hi");
	assert_int_equal(mapistore_stream_open(mem, inbox, msg, NULL, 0x3004001F, 0, &st), MAPI_E_INVALID_PARAMETER);
	mbox_free(m);
}

/* A 100 KB attachment written and read back through streams, as a client does. */
static void test_attachment_stream(void **state)
{
	struct mbox *m = mbox_new(true);
	TALLOC_CTX *mem = talloc_new(m);
	struct mapistore_folder *inbox = open_special(m, mem, MAPISTORE_INBOX);
	struct mapistore_message *msg;
	struct mapistore_attachment *att;
	struct mapistore_stream *st;
	uint8_t *data = talloc_array(mem, uint8_t, 100 * 1024), *back = talloc_array(mem, uint8_t, 100 * 1024);
	uint32_t num, done, total = 0;
	uint64_t mid;

	for (int i = 0; i < 100 * 1024; i++)
		data[i] = (uint8_t)(i * 31 + 7);
	msg = save_message(inbox, mem, "attachment by stream", &mid);
	assert_int_equal(mapistore_attachment_create(msg, mem, &att, &num), MAPI_E_SUCCESS);
	assert_int_equal(mapistore_stream_open(mem, NULL, NULL, att, 0x37010102, MAPISTORE_STREAM_CREATE, &st),
			 MAPI_E_SUCCESS);
	/* in pieces of at most what one ROP buffer carries */
	for (uint32_t off = 0; off < 100 * 1024; off += 30000) {
		uint32_t len = 100 * 1024 - off < 30000 ? 100 * 1024 - off : 30000;

		assert_int_equal(mapistore_stream_write(st, data + off, len, &done), MAPI_E_SUCCESS);
	}
	assert_int_equal(mapistore_stream_commit(st), MAPI_E_SUCCESS);
	assert_int_equal(mapistore_attachment_save(att), MAPI_E_SUCCESS);
	assert_int_equal(mapistore_message_save(msg, 0), MAPI_E_SUCCESS);
	mbox_reopen(m);
	assert_int_equal(mapistore_message_open(m->ctx, mem, special(m, MAPISTORE_INBOX), mid, 0, &msg), MAPI_E_SUCCESS);
	assert_int_equal(mapistore_attachment_open(msg, mem, num, MAPISTORE_OPEN_READ_ONLY, &att), MAPI_E_SUCCESS);
	assert_int_equal(mapistore_stream_open(mem, NULL, NULL, att, 0x37010102, MAPISTORE_STREAM_READ_ONLY, &st),
			 MAPI_E_SUCCESS);
	assert_int_equal(mapistore_stream_size(st), 100 * 1024);
	do {
		assert_int_equal(mapistore_stream_read(st, back + total, 4096, &done), MAPI_E_SUCCESS);
		total += done;
	} while (done > 0);
	assert_int_equal(total, 100 * 1024);
	assert_memory_equal(back, data, 100 * 1024);
	mbox_free(m);
}

/* A damaged row gives an error, never a crash. */
static void test_corrupt_rows(void **state)
{
	struct mbox *m = mbox_new(true);
	TALLOC_CTX *mem = talloc_new(m);
	struct mapistore_folder *inbox = open_special(m, mem, MAPISTORE_INBOX);
	struct mapistore_message *msg;
	struct mapistore_table *t;
	struct mapi_property_row *rows;
	uint32_t cols[2] = { TAG_MID, TAG_SUBJECT }, n;
	uint64_t mid;
	sqlite3 *db;
	char *sql;

	talloc_free(save_message(inbox, mem, "to be damaged", &mid));
	assert_int_equal(sqlite3_open(m->path, &db), SQLITE_OK);
	sql = talloc_asprintf(mem, "UPDATE messages SET props = x'370000FF' || x'0F000000' || x'41', "
			      "recipients = x'00000000FFFFFF7F' WHERE mid = %lld", (long long)mid);
	assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	assert_int_equal(mapistore_message_open(m->ctx, mem, special(m, MAPISTORE_INBOX), mid, 0, &msg),
			 MAPI_E_CORRUPT_DATA);
	assert_non_null(strstr(mapistore_last_error(m->ctx), "malformed"));
	/* a table shows the row, without the values it cannot read */
	assert_int_equal(mapistore_table_open(inbox, mem, MAPISTORE_TABLE_CONTENTS, 0, &t), MAPI_E_SUCCESS);
	assert_int_equal(mapistore_table_set_columns(t, 2, cols), MAPI_E_SUCCESS);
	assert_int_equal(mapistore_table_query_rows(t, mem, 10, true, false, &n, &rows, NULL), MAPI_E_SUCCESS);
	assert_int_equal(n, 1);
	assert_true(rows[0].values[0].pv.value.i64 == mid);
	assert_int_equal(rows[0].values[1].flag, MAPI_PROPVAL_ERROR);
	mbox_free(m);
}

/* --- events ---------------------------------------------------------------------------------------- */

struct event_log {
	int n;
	struct mapistore_event last;
};

static void log_event(void *data, const struct mapistore_event *ev)
{
	struct event_log *log = data;

	log->n++;
	log->last = *ev;
}

static void test_events(void **state)
{
	struct mbox *m = mbox_new(true);
	TALLOC_CTX *mem = talloc_new(m);
	struct mapistore_folder *inbox = open_special(m, mem, MAPISTORE_INBOX), *f;
	struct event_log log = { 0 };
	uint64_t mid;

	mapistore_set_event_hook(m->ctx, log_event, &log);
	assert_int_equal(mapistore_folder_create(inbox, mem, "Events", MAPISTORE_FOLDER_GENERIC, 0, 0, NULL, &f, NULL),
			 MAPI_E_SUCCESS);
	assert_int_equal(log.n, 1);
	assert_int_equal(log.last.type, MAPISTORE_EVENT_FOLDER_CREATED);
	talloc_free(save_message(f, mem, "x", &mid));
	assert_int_equal(log.n, 2);
	assert_int_equal(log.last.type, MAPISTORE_EVENT_MESSAGE_CREATED);
	assert_true(log.last.mid == mid);
	/* a failed operation reports nothing */
	assert_int_equal(mapistore_folder_create(inbox, mem, "events", MAPISTORE_FOLDER_GENERIC, 0, 0, NULL, &f, NULL),
			 MAPI_E_COLLISION);
	assert_int_equal(log.n, 2);
	assert_int_equal(mapistore_messages_delete(f, 1, &mid, true, NULL), MAPI_E_SUCCESS);
	assert_int_equal(log.last.type, MAPISTORE_EVENT_MESSAGE_DELETED);
	mbox_free(m);
}

static void test_batch(void **state)
{
	struct mbox *m = mbox_new(true);
	TALLOC_CTX *mem = talloc_new(m);
	struct mapistore_folder *inbox = open_special(m, mem, MAPISTORE_INBOX), *f;
	struct mapistore_message *msg;
	struct event_log log = { 0 };
	uint64_t mids[3], lost;

	mapistore_set_event_hook(m->ctx, log_event, &log);
	assert_int_equal(mapistore_batch_commit(m->ctx), MAPI_E_CALL_FAILED);
	assert_int_equal(mapistore_batch_begin(m->ctx), MAPI_E_SUCCESS);
	assert_int_equal(mapistore_batch_begin(m->ctx), MAPI_E_CALL_FAILED);
	for (int i = 0; i < 3; i++)
		talloc_free(save_message(inbox, mem, "batched", &mids[i]));
	/* a failing operation inside the batch undoes itself only */
	assert_int_equal(mapistore_folder_create(inbox, mem, "B", MAPISTORE_FOLDER_GENERIC, 0, 0, NULL, &f, NULL),
			 MAPI_E_SUCCESS);
	assert_int_equal(mapistore_folder_create(inbox, mem, "b", MAPISTORE_FOLDER_GENERIC, 0, 0, NULL, &f, NULL),
			 MAPI_E_COLLISION);
	assert_int_equal(log.n, 0);	/* nothing reported before the batch commits */
	assert_int_equal(mapistore_batch_commit(m->ctx), MAPI_E_SUCCESS);
	assert_int_equal(log.n, 4);
	mbox_reopen(m);
	inbox = open_special(m, mem, MAPISTORE_INBOX);
	assert_int_equal(folder_i32(inbox, mem, TAG_CONTENT_COUNT), 3);
	assert_int_equal(folder_i32(inbox, mem, TAG_FOLDER_CHILD_COUNT), 1);
	for (int i = 0; i < 3; i++)
		assert_int_equal(mapistore_message_open(m->ctx, mem, special(m, MAPISTORE_INBOX), mids[i], 0, &msg),
				 MAPI_E_SUCCESS);
	/* a rolled-back batch leaves nothing */
	assert_int_equal(mapistore_batch_begin(m->ctx), MAPI_E_SUCCESS);
	talloc_free(save_message(inbox, mem, "lost", &lost));
	mapistore_batch_rollback(m->ctx);
	assert_int_equal(folder_i32(inbox, mem, TAG_CONTENT_COUNT), 3);
	assert_int_equal(mapistore_message_open(m->ctx, mem, special(m, MAPISTORE_INBOX), lost, 0, &msg),
			 MAPI_E_NOT_FOUND);
	/* and ids go on from where the durable counter is */
	talloc_free(save_message(inbox, mem, "after", &lost));
	assert_int_equal(folder_i32(inbox, mem, TAG_CONTENT_COUNT), 4);
	mbox_free(m);
}

/* Two connections to one mailbox (two sessions, or two prefork workers). */
static void test_two_connections(void **state)
{
	struct mbox *m = mbox_new(true);
	TALLOC_CTX *mem = talloc_new(m);
	struct mapistore_context *other;
	struct mapistore_folder *inbox = open_special(m, mem, MAPISTORE_INBOX), *inbox2;
	struct mapistore_message *a, *b;
	struct mapi_propval s1 = pv_string(TAG_SUBJECT, "from A"), s2 = pv_string(TAG_SUBJECT, "from B");
	uint64_t mids[40], mid;

	assert_int_equal(mapistore_open(mem, m->uri, 0, &other, NULL), MAPI_E_SUCCESS);
	assert_int_equal(mapistore_folder_open(other, mem, special(m, MAPISTORE_INBOX), &inbox2), MAPI_E_SUCCESS);
	/* ids from both never collide */
	for (int i = 0; i < 40; i++) {
		struct mapistore_message *msg;

		assert_int_equal(mapistore_message_create(i % 2 ? inbox2 : inbox, mem, false, &msg), MAPI_E_SUCCESS);
		mids[i] = mapistore_message_id(msg);
		for (int k = 0; k < i; k++)
			assert_true(mids[k] != mids[i]);
	}
	/* a save through one connection is a conflict for the other */
	talloc_free(save_message(inbox, mem, "shared", &mid));
	assert_int_equal(mapistore_message_open(m->ctx, mem, special(m, MAPISTORE_INBOX), mid, 1, &a), MAPI_E_SUCCESS);
	assert_int_equal(mapistore_message_open(other, mem, special(m, MAPISTORE_INBOX), mid, 1, &b), MAPI_E_SUCCESS);
	assert_int_equal(mapistore_message_set_props(b, 1, &s2, mem, NULL), MAPI_E_SUCCESS);
	assert_int_equal(mapistore_message_save(b, MAPISTORE_SAVE_KEEP_OPEN_READ_WRITE), MAPI_E_SUCCESS);
	assert_int_equal(mapistore_message_set_props(a, 1, &s1, mem, NULL), MAPI_E_SUCCESS);
	assert_int_equal(mapistore_message_save(a, MAPISTORE_SAVE_KEEP_OPEN_READ_WRITE), MAPI_E_OBJECT_CHANGED);
	/* and the other sees the folder counts change */
	assert_int_equal(folder_i32(inbox2, mem, TAG_CONTENT_COUNT), 1);
	talloc_free(save_message(inbox, mem, "second", NULL));
	assert_int_equal(folder_i32(inbox2, mem, TAG_CONTENT_COUNT), 2);
	talloc_free(other);
	mbox_free(m);
}

static void die_without_cleanup(void);

/*
 * Several processes write one mailbox at once (Samba's prefork workers):
 * every save lands, ids never collide, the counts add up.
 */
static void test_concurrent_processes(void **state)
{
	struct mbox *m = mbox_new(true);
	TALLOC_CTX *mem = talloc_new(m);
	struct mapistore_folder *inbox;
	struct mapistore_table *t;
	struct mapi_property_row *rows;
	uint64_t *ids;
	uint32_t n, col = TAG_MID;
	pid_t pids[3];
	enum { PER_CHILD = 25 };

	for (int c = 0; c < 3; c++) {
		pids[c] = fork();
		assert_true(pids[c] >= 0);
		if (pids[c] == 0) {
			struct mapistore_context *ctx;
			struct mapistore_folder *f;
			uint64_t fid;
			int status = 0;

			if (mapistore_open(NULL, m->uri, 0, &ctx, NULL) != MAPI_E_SUCCESS)
				_exit(2);
			if (mapistore_special_folder_id(ctx, MAPISTORE_INBOX, &fid) != MAPI_E_SUCCESS ||
			    mapistore_folder_open(ctx, ctx, fid, &f) != MAPI_E_SUCCESS)
				status = 3;
			for (int i = 0; status == 0 && i < PER_CHILD; i++) {
				struct mapistore_message *msg;
				struct mapi_propval s = pv_string(TAG_SUBJECT, "concurrent");

				if (mapistore_message_create(f, ctx, false, &msg) != MAPI_E_SUCCESS ||
				    mapistore_message_set_props(msg, 1, &s, ctx, NULL) != MAPI_E_SUCCESS ||
				    mapistore_message_save(msg, 0) != MAPI_E_SUCCESS)
					status = 4;
				talloc_free(msg);
			}
			talloc_free(ctx);
			if (status == 0)
				die_without_cleanup();	/* the parent's mailbox is not ours to close */
			_exit(status);
		}
	}
	for (int c = 0; c < 3; c++) {
		int status;

		assert_int_equal(waitpid(pids[c], &status, 0), pids[c]);
		assert_true(WIFEXITED(status));
		assert_int_equal(WEXITSTATUS(status), 0);
	}
	inbox = open_special(m, mem, MAPISTORE_INBOX);
	assert_int_equal(folder_i32(inbox, mem, TAG_CONTENT_COUNT), 3 * PER_CHILD);
	assert_int_equal(mapistore_table_open(inbox, mem, MAPISTORE_TABLE_CONTENTS, 0, &t), MAPI_E_SUCCESS);
	assert_int_equal(mapistore_table_set_columns(t, 1, &col), MAPI_E_SUCCESS);
	assert_int_equal(mapistore_table_query_rows(t, mem, 1000, true, false, &n, &rows, &ids), MAPI_E_SUCCESS);
	assert_int_equal(n, 3 * PER_CHILD);
	for (uint32_t i = 0; i < n; i++)
		for (uint32_t k = 0; k < i; k++)
			assert_true(ids[i] != ids[k]);
	mbox_free(m);
}

/* --- durability ------------------------------------------------------------------------------------- */

/*
 * A child process saves a message and dies at once -- _exit() without any
 * cleanup, or SIGKILL from the parent the moment the child reported the
 * save as returned: the parent reopens the mailbox and must find the
 * message.
 */
/*
 * Under valgrind, a child that _exit()s gets a leak check of everything it
 * deliberately did not free; it leaves through exec() instead, which, like
 * _exit(), runs no cleanup of ours or sqlite's and drops the process image.
 */
static void die_without_cleanup(void)
{
#if defined(__has_include)
#if __has_include(<valgrind/valgrind.h>)
	if (RUNNING_ON_VALGRIND)
		execl("/bin/true", "true", (char *)NULL);
#endif
#endif
	_exit(0);
}

static void crash_after_save(bool sigkill)
{
	struct mbox *m = mbox_new(true);
	int pipefd[2], status;
	uint64_t mid = 0;
	pid_t pid;

	assert_int_equal(pipe(pipefd), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct mapistore_context *ctx;
		struct mapistore_folder *inbox;
		struct mapistore_message *msg;
		struct mapi_propval s = pv_string(TAG_SUBJECT, "survives");
		uint64_t fid;

		close(pipefd[0]);
		if (mapistore_open(NULL, m->uri, 0, &ctx, NULL) != MAPI_E_SUCCESS ||
		    mapistore_special_folder_id(ctx, MAPISTORE_INBOX, &fid) != MAPI_E_SUCCESS ||
		    mapistore_folder_open(ctx, ctx, fid, &inbox) != MAPI_E_SUCCESS ||
		    mapistore_message_create(inbox, ctx, false, &msg) != MAPI_E_SUCCESS ||
		    mapistore_message_set_props(msg, 1, &s, ctx, NULL) != MAPI_E_SUCCESS ||
		    mapistore_message_save(msg, 0) != MAPI_E_SUCCESS)
			_exit(2);
		fid = mapistore_message_id(msg);
		if (write(pipefd[1], &fid, sizeof(fid)) != sizeof(fid))
			_exit(3);
		if (sigkill)
			for (;;)
				pause();	/* the parent kills us, as kill -9 would */
		die_without_cleanup();
	}
	close(pipefd[1]);
	assert_int_equal(read(pipefd[0], &mid, sizeof(mid)), sizeof(mid));
	close(pipefd[0]);
	if (sigkill)
		assert_int_equal(kill(pid, SIGKILL), 0);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	if (sigkill)
		assert_true(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
	else
		assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	{
		TALLOC_CTX *mem = talloc_new(m);
		struct mapistore_message *msg;
		struct mapi_flagged_propval v;

		mbox_reopen(m);
		assert_int_equal(mapistore_message_open(m->ctx, mem, special(m, MAPISTORE_INBOX), mid, 0, &msg),
				 MAPI_E_SUCCESS);
		GET1(mapistore_message_get_props, msg, mem, TAG_SUBJECT, &v);
		assert_string_equal(v.pv.value.string, "survives");
	}
	mbox_free(m);
}

static void test_crash_exit(void **state)
{
	crash_after_save(false);
}

static void test_crash_sigkill(void **state)
{
	crash_after_save(true);
}

/* --- values of every type round-trip through storage ---------------------------------------------------- */

static void test_all_types(void **state)
{
	struct mbox *m = mbox_new(true);
	TALLOC_CTX *mem = talloc_new(m);
	struct mapistore_folder *inbox = open_special(m, mem, MAPISTORE_INBOX);
	struct mapistore_message *msg;
	struct mapi_guid g = { { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 } };
	uint32_t i32s[3] = { 1, 0xFFFFFFFF, 7 };
	char *strs[2] = { "один", "two" };
	struct mapi_binary bins[2] = { { 3, (uint8_t *)"abc" }, { 0, NULL } };
	struct mapi_propval pv[12];
	struct mapi_flagged_propval v[12];
	uint32_t tags[12];
	uint64_t mid;
	int n = 0;

	memset(pv, 0, sizeof(pv));
	pv[n].tag = 0x66000002; pv[n++].value.i16 = 0xBEEF;
	pv[n].tag = 0x66010004; pv[n++].value.f32 = 1.5f;
	pv[n].tag = 0x66020005; pv[n++].value.f64 = -2.25;
	pv[n].tag = 0x66030006; pv[n++].value.currency = -123456789;
	pv[n].tag = 0x6604000B; pv[n++].value.boolean = 1;
	pv[n].tag = 0x66050014; pv[n++].value.i64 = 0x0123456789ABCDEFULL;
	pv[n].tag = 0x66060048; pv[n++].value.guid = &g;
	pv[n].tag = 0x6607001E; pv[n++].value.string8 = "8bit";
	pv[n].tag = 0x66081003; pv[n].value.mv_i32.count = 3; pv[n++].value.mv_i32.values = i32s;
	pv[n].tag = 0x6609101F; pv[n].value.mv_string.count = 2; pv[n++].value.mv_string.values = strs;
	pv[n].tag = 0x660A1102; pv[n].value.mv_binary.count = 2; pv[n++].value.mv_binary.values = bins;
	pv[n].tag = 0x660B0040; pv[n++].value.time = 133000000000000000ULL;
	msg = save_message(inbox, mem, "types", &mid);
	assert_int_equal(mapistore_message_set_props(msg, n, pv, mem, NULL), MAPI_E_SUCCESS);
	assert_int_equal(mapistore_message_save(msg, 0), MAPI_E_SUCCESS);
	mbox_reopen(m);
	assert_int_equal(mapistore_message_open(m->ctx, mem, special(m, MAPISTORE_INBOX), mid, 0, &msg), MAPI_E_SUCCESS);
	for (int i = 0; i < n; i++)
		tags[i] = pv[i].tag;
	assert_int_equal(mapistore_message_get_props(msg, mem, n, tags, v), MAPI_E_SUCCESS);
	for (int i = 0; i < n; i++) {
		assert_int_equal(v[i].flag, MAPI_PROPVAL_PRESENT);
		assert_int_equal(mapistore_propval_compare(&v[i].pv, &pv[i]), 0);
	}
	assert_string_equal(v[9].pv.value.mv_string.values[0], "один");
	assert_int_equal(v[10].pv.value.mv_binary.values[1].len, 0);
	/* invalid types are problems, not failures */
	{
		struct mapi_propval bad = { .tag = 0x660C0099 };
		struct mapistore_problems problems;

		assert_int_equal(mapistore_message_open(m->ctx, mem, special(m, MAPISTORE_INBOX), mid, 1, &msg),
				 MAPI_E_SUCCESS);
		assert_int_equal(mapistore_message_set_props(msg, 1, &bad, mem, &problems), MAPI_E_SUCCESS);
		assert_int_equal(problems.count, 1);
		assert_int_equal(problems.problems[0].error_code, MAPI_E_INVALID_TYPE);
	}
	mbox_free(m);
}

static bool one_value_get(void *obj, uint32_t tag, const struct mapi_propval **value)
{
	*value = obj;
	return true;
}

/* Values of different types are compared by type, never read as one another (a fuzzer find). */
static void test_mismatched_types(void **state)
{
	char *strs[2] = { "", "14" };
	struct mapi_propval stored = pv_string(0x001A001E, "IPM.Note");
	struct mapi_propval mv = { .tag = 0x0000101F };
	struct mapi_restriction r = { .type = MAPI_RES_PROPERTY };

	mv.value.mv_string.count = 2;
	mv.value.mv_string.values = strs;
	r.u.property.relop = MAPI_RELOP_LT;
	r.u.property.tag = 0x001A0000;
	r.u.property.value = mv;
	assert_false(mapistore_restriction_eval(&r, one_value_get, NULL, &stored, NULL));
	assert_true(mapistore_propval_compare(&stored, &mv) != 0);
	r.type = MAPI_RES_COMPAREPROPS;
	r.u.compare.relop = MAPI_RELOP_EQ;
	r.u.compare.tag1 = r.u.compare.tag2 = 0x001A0000;
	assert_true(mapistore_restriction_eval(&r, one_value_get, NULL, &stored, NULL));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_open_errors),
		cmocka_unit_test(test_mailbox_create),
		cmocka_unit_test(test_ids),
		cmocka_unit_test(test_receive_folders),
		cmocka_unit_test(test_folders),
		cmocka_unit_test(test_messages),
		cmocka_unit_test(test_tombstones),
		cmocka_unit_test(test_recipients),
		cmocka_unit_test(test_attachments),
		cmocka_unit_test(test_attachment_delete),
		cmocka_unit_test(test_named_props),
		cmocka_unit_test(test_streams),
		cmocka_unit_test(test_attachment_stream),
		cmocka_unit_test(test_corrupt_rows),
		cmocka_unit_test(test_events),
		cmocka_unit_test(test_batch),
		cmocka_unit_test(test_two_connections),
		cmocka_unit_test(test_concurrent_processes),
		cmocka_unit_test(test_crash_exit),
		cmocka_unit_test(test_crash_sigkill),
		cmocka_unit_test(test_all_types),
		cmocka_unit_test(test_mismatched_types),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
