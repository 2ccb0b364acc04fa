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
#include "mapistore/mapistore_tags.h"

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


/* --- helpers for the folder ROPs ------------------------------------------------ */

#define DEL_MESSAGES 0x01
#define DEL_FOLDERS 0x04
#define DELETE_HARD_DELETE 0x10

static struct emsmdb_folder *folder_object(struct emsmdb_fixture *f, uint32_t handle)
{
	struct emsmdb_folder *folder = emsmdb_folder_of(emsmdb_object_lookup(f->session, handle));

	assert_non_null(folder);
	return folder;
}

static struct mapistore_context *store_of(struct emsmdb_fixture *f)
{
	return emsmdb_logon_get(f->session, 0)->store;
}

/* RopOpenFolder from the logon. */
static uint32_t open_by_id(struct emsmdb_fixture *f, uint64_t fid, uint32_t *handle)
{
	struct rop_request r = open_folder(fid);

	return emsmdb_fixture_rop(f, NULL, f, &r, f->logon_handle, handle, NULL, NULL);
}

static uint32_t open_ipm(struct emsmdb_fixture *f)
{
	uint32_t handle = 0;

	assert_int_equal(open_by_id(f, f->folder_ids[MAPISTORE_IPM_SUBTREE], &handle), MAPI_E_SUCCESS);
	return handle;
}

/* RopCreateFolder under PARENT; name and comment are sent as given (UTF-8 for Unicode, else code-page bytes). */
static uint32_t create(struct emsmdb_fixture *f, uint32_t parent, const char *name, const char *comment,
		       uint8_t unicode, uint8_t open_existing, uint8_t type, uint32_t *handle,
		       struct rop_response *response)
{
	struct rop_request r = { .rop_id = RopCreateFolder };

	r.u.create_folder.folder_type = type;
	r.u.create_folder.use_unicode_strings = unicode;
	r.u.create_folder.open_existing = open_existing;
	r.u.create_folder.display_name = (char *)name;
	r.u.create_folder.comment = (char *)(comment ? comment : "");
	return emsmdb_fixture_rop(f, NULL, f, &r, parent, handle, NULL, response);
}

/* A generic folder created in Unicode; its handle. */
static uint32_t mkfolder(struct emsmdb_fixture *f, uint32_t parent, const char *name)
{
	uint32_t handle = 0;

	assert_int_equal(create(f, parent, name, NULL, 1, 0, MAPISTORE_FOLDER_GENERIC, &handle, NULL),
			 MAPI_E_SUCCESS);
	return handle;
}

/* A saved message (FAI with associated) made through mapistore directly; its MID. */
static uint64_t mkmessage(struct emsmdb_fixture *f, uint32_t folder, const char *subject, bool associated)
{
	TALLOC_CTX *mem_ctx = talloc_new(NULL);
	struct mapistore_message *msg;
	struct mapi_propval prop = { .tag = 0x0037001F };	/* PidTagSubject */
	uint64_t mid;

	prop.value.string = (char *)subject;
	assert_int_equal(mapistore_message_create(folder_object(f, folder)->folder, mem_ctx, associated,
						  &msg), MAPI_E_SUCCESS);
	assert_int_equal(mapistore_message_set_props(msg, 1, &prop, mem_ctx, NULL), MAPI_E_SUCCESS);
	assert_int_equal(mapistore_message_save(msg, 0), MAPI_E_SUCCESS);
	mid = mapistore_message_id(msg);
	talloc_free(mem_ctx);
	return mid;
}

/* One property of folder FID, read through mapistore (a fresh open, not the ROP's object). */
static struct mapi_flagged_propval folder_prop(struct emsmdb_fixture *f, uint64_t fid, uint32_t tag)
{
	struct mapistore_folder *folder;
	struct mapi_flagged_propval value;

	assert_int_equal(mapistore_folder_open(store_of(f), f, fid, &folder), MAPI_E_SUCCESS);
	assert_int_equal(mapistore_folder_get_props(folder, f, 1, &tag, &value), MAPI_E_SUCCESS);
	return value;
}

static uint32_t folder_count(struct emsmdb_fixture *f, uint64_t fid, uint32_t tag)
{
	struct mapi_flagged_propval value = folder_prop(f, fid, tag);

	assert_int_equal(value.flag, MAPI_PROPVAL_PRESENT);
	return value.pv.value.i32;
}

static const char *folder_name(struct emsmdb_fixture *f, uint64_t fid)
{
	struct mapi_flagged_propval value = folder_prop(f, fid, TAG_DISPLAY_NAME);

	assert_int_equal(value.flag, MAPI_PROPVAL_PRESENT);
	return value.pv.value.string;
}

/* The child of PARENT named NAME, or 0. */
static uint64_t child(struct emsmdb_fixture *f, uint64_t parent, const char *name)
{
	struct mapistore_folder *folder;
	uint64_t fid = 0;
	enum MAPISTATUS status;

	assert_int_equal(mapistore_folder_open(store_of(f), f, parent, &folder), MAPI_E_SUCCESS);
	status = mapistore_folder_find_child(folder, name, &fid);
	if (status == MAPI_E_NOT_FOUND) {
		return 0;
	}
	assert_int_equal(status, MAPI_E_SUCCESS);
	return fid;
}

static uint32_t children(struct emsmdb_fixture *f, uint64_t parent)
{
	struct mapistore_folder *folder;
	uint64_t *fids;
	uint32_t count = 0;

	assert_int_equal(mapistore_folder_open(store_of(f), f, parent, &folder), MAPI_E_SUCCESS);
	assert_int_equal(mapistore_folder_children(folder, f, &count, &fids), MAPI_E_SUCCESS);
	return count;
}

static bool folder_exists(struct emsmdb_fixture *f, uint64_t fid)
{
	struct mapistore_folder *folder;
	enum MAPISTATUS status = mapistore_folder_open(store_of(f), f, fid, &folder);

	assert_true(status == MAPI_E_SUCCESS || status == MAPI_E_NOT_FOUND);
	return status == MAPI_E_SUCCESS;
}

static bool message_in(struct emsmdb_fixture *f, uint64_t fid, uint64_t mid)
{
	struct mapistore_message *msg;
	enum MAPISTATUS status = mapistore_message_open(store_of(f), f, fid, mid,
							MAPISTORE_OPEN_READ_ONLY, &msg);

	return status == MAPI_E_SUCCESS;
}

/*
 * A ROP with a source and a destination folder: the source at handle
 * index 0, the destination at 1 (DEST may be EMSMDB_HANDLE_NONE).
 */
static struct rop_response two_folders(struct emsmdb_fixture *f, struct rop_request *r, uint32_t source,
				       uint32_t dest, uint8_t dest_index)
{
	uint32_t handles[2] = { source, dest };
	struct rop_response_list out;

	emsmdb_fixture_run(f, NULL, f, r, 1, handles, 2, NULL, &out);
	assert_int_equal(out.count, 1);
	(void)dest_index;
	return out.rops[0];
}

static struct rop_request move_folder(uint64_t fid, const char *name, uint8_t unicode)
{
	struct rop_request r = { .rop_id = RopMoveFolder };

	r.u.move_folder.source_handle_index = 0;
	r.u.move_folder.dest_handle_index = 1;
	r.u.move_folder.use_unicode = unicode;
	r.u.move_folder.folder_id = fid;
	r.u.move_folder.new_folder_name = (char *)name;
	return r;
}

static struct rop_request copy_folder(uint64_t fid, const char *name, uint8_t recursive)
{
	struct rop_request r = { .rop_id = RopCopyFolder };

	r.u.copy_folder.source_handle_index = 0;
	r.u.copy_folder.dest_handle_index = 1;
	r.u.copy_folder.use_unicode = 1;
	r.u.copy_folder.want_recursive = recursive;
	r.u.copy_folder.folder_id = fid;
	r.u.copy_folder.new_folder_name = (char *)name;
	return r;
}

static struct rop_request move_copy_messages(uint16_t count, uint64_t *mids, uint8_t copy)
{
	struct rop_request r = { .rop_id = RopMoveCopyMessages };

	r.u.move_copy_messages.source_handle_index = 0;
	r.u.move_copy_messages.dest_handle_index = 1;
	r.u.move_copy_messages.message_id_count = count;
	r.u.move_copy_messages.message_ids = mids;
	r.u.move_copy_messages.want_copy = copy;
	return r;
}

static uint32_t delete_folder(struct emsmdb_fixture *f, uint32_t parent, uint64_t fid, uint8_t flags,
			      uint8_t *partial)
{
	struct rop_request r = { .rop_id = RopDeleteFolder };
	struct rop_response response;
	uint32_t value;

	r.u.delete_folder.delete_folder_flags = flags;
	r.u.delete_folder.folder_id = fid;
	value = emsmdb_fixture_rop(f, NULL, f, &r, parent, NULL, NULL, &response);
	/* the response carries PartialCompletion whatever ReturnValue is */
	assert_int_equal(response.u.delete_folder.return_value, value);
	*partial = response.u.delete_folder.u.result.partial_completion;
	return value;
}

static const char *russian = "\xd0\x9f\xd1\x80\xd0\xbe\xd0\xb5\xd0\xba\xd1\x82\xd1\x8b";	/* Проекты */
static const char *japanese = "\xe3\x83\x97\xe3\x83\xad\xe3\x82\xb8\xe3\x82\xa7\xe3\x82\xaf\xe3\x83\x88";	/* プロジェクト */
static const char *french = "\xc3\x89l\xc3\xa8ve \xc3\xa9t\xc3\xa9";	/* Élève été */

/* --- RopCreateFolder (MS-OXCFOLD 3.2.5.2) -------------------------------------- */

/* A tree with Unicode names; each folder is where mapistore says, with its name and comment. */
static void test_create_folder_tree(void **state)
{
	struct emsmdb_fixture *f = *state;
	struct rop_response response;
	uint32_t ipm = open_ipm(f), top = 0, sub = 0, again = 0;
	uint64_t ipm_fid = f->folder_ids[MAPISTORE_IPM_SUBTREE], top_fid;
	const char *names[] = { russian, japanese, french };
	int i;

	assert_int_equal(create(f, ipm, "Projects", "work in progress", 1, 0, MAPISTORE_FOLDER_GENERIC,
				&top, &response), MAPI_E_SUCCESS);
	top_fid = response.u.create_folder.u.ok.folder_id;
	assert_int_equal(response.u.create_folder.u.ok.is_existing_folder, 0);
	assert_int_equal(folder_object(f, top)->fid, top_fid);
	assert_int_equal(child(f, ipm_fid, "projects"), top_fid);
	assert_string_equal(folder_name(f, top_fid), "Projects");
	{
		struct mapi_flagged_propval comment = folder_prop(f, top_fid, 0x3004001F);

		assert_int_equal(comment.flag, MAPI_PROPVAL_PRESENT);
		assert_string_equal(comment.pv.value.string, "work in progress");
	}
	assert_int_equal(folder_count(f, top_fid, TAG_FOLDER_TYPE), MAPISTORE_FOLDER_GENERIC);
	for (i = 0; i < 3; i++) {
		assert_int_equal(create(f, top, names[i], names[i], 1, 0, MAPISTORE_FOLDER_GENERIC, &sub,
					&response), MAPI_E_SUCCESS);
		assert_int_equal(child(f, top_fid, names[i]), response.u.create_folder.u.ok.folder_id);
		assert_string_equal(folder_name(f, response.u.create_folder.u.ok.folder_id), names[i]);
		/* a later ROP reaches it by its id */
		assert_int_equal(open_by_id(f, response.u.create_folder.u.ok.folder_id, &again),
				 MAPI_E_SUCCESS);
	}
	assert_int_equal(children(f, top_fid), 3);
	/* no comment given: none stored */
	assert_int_equal(create(f, sub, "leaf", NULL, 1, 0, MAPISTORE_FOLDER_GENERIC, NULL, &response),
			 MAPI_E_SUCCESS);
	assert_int_equal(folder_prop(f, response.u.create_folder.u.ok.folder_id, 0x3004001F).flag,
			 MAPI_PROPVAL_ERROR);
	/* a search folder is a folder of that type */
	assert_int_equal(create(f, ipm, "Unread mail", NULL, 1, 0, MAPISTORE_FOLDER_SEARCH, NULL,
				&response), MAPI_E_SUCCESS);
	assert_int_equal(folder_count(f, response.u.create_folder.u.ok.folder_id, TAG_FOLDER_TYPE),
			 MAPISTORE_FOLDER_SEARCH);
}

/* 8-bit names are in the session's code page (EcDoConnectEx ulCpid). */
static void test_create_folder_code_page(void **state)
{
	struct emsmdb_fixture *f = *state;
	struct rop_response response;
	uint32_t ipm = open_ipm(f), before;
	uint64_t ipm_fid = f->folder_ids[MAPISTORE_IPM_SUBTREE];

	/* Проекты in windows-1251 */
	f->session->code_page = 1251;
	assert_int_equal(create(f, ipm, "\xcf\xf0\xee\xe5\xea\xf2\xfb", "\xcf\xf0\xee", 0, 0,
				MAPISTORE_FOLDER_GENERIC, NULL, &response), MAPI_E_SUCCESS);
	assert_string_equal(folder_name(f, response.u.create_folder.u.ok.folder_id), russian);
	assert_string_equal(folder_prop(f, response.u.create_folder.u.ok.folder_id, 0x3004001F)
			    .pv.value.string, "\xd0\x9f\xd1\x80\xd0\xbe");
	/* Élève été in windows-1252 */
	f->session->code_page = 1252;
	assert_int_equal(create(f, ipm, "\xc9l\xe8ve \xe9t\xe9", NULL, 0, 0, MAPISTORE_FOLDER_GENERIC,
				NULL, &response), MAPI_E_SUCCESS);
	assert_int_equal(child(f, ipm_fid, french), response.u.create_folder.u.ok.folder_id);
	/* プロジェクト in Shift_JIS (932) */
	f->session->code_page = 932;
	assert_int_equal(create(f, ipm, "\x83\x76\x83\x8d\x83\x57\x83\x46\x83\x4e\x83\x67", NULL, 0, 0,
				MAPISTORE_FOLDER_GENERIC, NULL, &response), MAPI_E_SUCCESS);
	assert_string_equal(folder_name(f, response.u.create_folder.u.ok.folder_id), japanese);
	/* bytes that are no text in the code page: ecInvalidParam, nothing made */
	before = children(f, ipm_fid);
	f->session->code_page = 20127;	/* US-ASCII */
	assert_int_equal(create(f, ipm, "bad \xff name", NULL, 0, 0, MAPISTORE_FOLDER_GENERIC, NULL,
				NULL), MAPI_E_INVALID_PARAMETER);
	assert_int_equal(children(f, ipm_fid), before);
}

/* OpenExisting opens the folder of that name; without it the name collides. */
static void test_create_open_existing_and_collision(void **state)
{
	struct emsmdb_fixture *f = *state;
	struct rop_response response;
	uint32_t ipm = open_ipm(f), first = 0, second = 0, used;
	uint64_t ipm_fid = f->folder_ids[MAPISTORE_IPM_SUBTREE], fid;
	uint32_t base = children(f, ipm_fid);
	/* mapistore folds case in ASCII only */
	char *upper = talloc_asprintf(f, "%s Q1", russian), *lower = talloc_asprintf(f, "%s q1", russian);

	assert_int_equal(create(f, ipm, upper, "first", 1, 0, MAPISTORE_FOLDER_GENERIC, &first,
				&response), MAPI_E_SUCCESS);
	fid = response.u.create_folder.u.ok.folder_id;
	mkmessage(f, first, "inside", false);
	/* OpenExisting, the name in another case: the same folder, as RopOpenFolder opens it */
	assert_int_equal(create(f, ipm, lower, "second", 1, 1, MAPISTORE_FOLDER_GENERIC, &second,
				&response), MAPI_E_SUCCESS);
	assert_int_equal(response.u.create_folder.u.ok.folder_id, fid);
	assert_int_equal(response.u.create_folder.u.ok.is_existing_folder, 1);
	assert_int_equal(response.u.create_folder.u.ok.has_rules, 0);
	assert_int_equal(response.u.create_folder.u.ok.is_ghosted, 0);
	assert_int_not_equal(second, first);
	assert_int_equal(folder_object(f, second)->fid, fid);
	/* opening is not creating: the comment stays, the message is still there */
	assert_string_equal(folder_prop(f, fid, 0x3004001F).pv.value.string, "first");
	assert_int_equal(folder_count(f, fid, TAG_CONTENT_COUNT), 1);
	assert_int_equal(children(f, ipm_fid), base + 1);
	/* OpenExisting with a new name creates */
	assert_int_equal(create(f, ipm, japanese, NULL, 1, 1, MAPISTORE_FOLDER_GENERIC, NULL, &response),
			 MAPI_E_SUCCESS);
	assert_int_equal(response.u.create_folder.u.ok.is_existing_folder, 0);
	assert_int_equal(children(f, ipm_fid), base + 2);
	/* without OpenExisting: ecDuplicateName, no object, no folder */
	used = f->session->handles.used;
	assert_int_equal(create(f, ipm, upper, NULL, 1, 0, MAPISTORE_FOLDER_GENERIC, NULL, NULL),
			 MAPI_E_COLLISION);
	assert_int_equal(f->session->handles.used, used);
	assert_int_equal(children(f, ipm_fid), base + 2);
}

static void test_create_folder_errors(void **state)
{
	struct emsmdb_fixture *f = *state;
	uint32_t ipm = open_ipm(f), used = f->session->handles.used;
	uint32_t stale = mkfolder(f, ipm, "stale");
	struct rop_request release = { .rop_id = RopRelease };
	uint64_t ipm_fid = f->folder_ids[MAPISTORE_IPM_SUBTREE];

	/* FolderType other than generic (1) or search (2) */
	assert_int_equal(create(f, ipm, "x", NULL, 1, 0, 0, NULL, NULL), MAPI_E_INVALID_PARAMETER);
	assert_int_equal(create(f, ipm, "x", NULL, 1, 0, 3, NULL, NULL), MAPI_E_INVALID_PARAMETER);
	/* a folder needs a name */
	assert_int_equal(create(f, ipm, "", NULL, 1, 0, 1, NULL, NULL), MAPI_E_INVALID_PARAMETER);
	/* the logon is not a folder: ecNotSupported */
	assert_int_equal(create(f, f->logon_handle, "x", NULL, 1, 0, 1, NULL, NULL), MAPI_E_NO_SUPPORT);
	/* another kind of object: ecNotSupported for RopCreateFolder and RopOpenFolder */
	{
		struct emsmdb_object *other;
		struct rop_request r = open_folder(ipm_fid);

		assert_int_equal(emsmdb_object_new(f->session, EMSMDB_OBJECT_TEST, 0, &other),
				 MAPI_E_SUCCESS);
		assert_int_equal(create(f, other->handle, "x", NULL, 1, 0, 1, NULL, NULL),
				 MAPI_E_NO_SUPPORT);
		assert_int_equal(emsmdb_fixture_rop(f, NULL, f, &r, other->handle, NULL, NULL, NULL),
				 MAPI_E_NO_SUPPORT);
		emsmdb_object_release(other);
	}
	/* a released handle: ecNullObject */
	emsmdb_fixture_rop(f, NULL, f, &release, stale, NULL, NULL, NULL);
	assert_int_equal(create(f, stale, "x", NULL, 1, 0, 1, NULL, NULL), EC_NULL_OBJECT);
	assert_int_equal(child(f, ipm_fid, "x"), 0);
	assert_int_equal(f->session->handles.used, used);
}

/* --- RopDeleteFolder (MS-OXCFOLD 3.2.5.3) -------------------------------------- */

static void test_delete_folder(void **state)
{
	struct emsmdb_fixture *f = *state;
	uint32_t ipm = open_ipm(f), a, b, empty, after = 0;
	uint64_t ipm_fid = f->folder_ids[MAPISTORE_IPM_SUBTREE], a_fid, b_fid, empty_fid, mid;
	uint8_t partial = 9;

	a = mkfolder(f, ipm, french);
	a_fid = folder_object(f, a)->fid;
	b = mkfolder(f, a, japanese);
	b_fid = folder_object(f, b)->fid;
	mid = mkmessage(f, a, "keep me?", false);
	mkmessage(f, b, "below", false);

	/* no flags: neither messages nor subfolders go, PartialCompletion says so */
	assert_int_equal(delete_folder(f, ipm, a_fid, 0, &partial), MAPI_E_SUCCESS);
	assert_int_equal(partial, 1);
	assert_true(folder_exists(f, a_fid));
	assert_true(message_in(f, a_fid, mid));
	/* messages but not folders: still partial */
	assert_int_equal(delete_folder(f, ipm, a_fid, DEL_MESSAGES, &partial), MAPI_E_SUCCESS);
	assert_int_equal(partial, 1);
	assert_true(message_in(f, a_fid, mid));
	/* folders but not messages: still partial */
	assert_int_equal(delete_folder(f, ipm, a_fid, DEL_FOLDERS, &partial), MAPI_E_SUCCESS);
	assert_int_equal(partial, 1);
	assert_true(folder_exists(f, b_fid));
	/* a bit the spec does not define: ecInvalidParam, nothing deleted */
	assert_int_equal(delete_folder(f, ipm, a_fid, DEL_MESSAGES | DEL_FOLDERS | 0x02, &partial),
			 MAPI_E_INVALID_PARAMETER);
	assert_int_equal(partial, 0);
	assert_true(folder_exists(f, a_fid));
	/* both: the whole subtree goes */
	assert_int_equal(delete_folder(f, ipm, a_fid, DEL_MESSAGES | DEL_FOLDERS, &partial),
			 MAPI_E_SUCCESS);
	assert_int_equal(partial, 0);
	assert_false(folder_exists(f, a_fid));
	assert_false(folder_exists(f, b_fid));
	assert_false(message_in(f, a_fid, mid));
	assert_int_equal(child(f, ipm_fid, french), 0);
	/* a later RopOpenFolder does not find it */
	assert_int_equal(open_by_id(f, a_fid, &after), MAPI_E_NOT_FOUND);
	/* an empty folder goes without flags; DELETE_HARD_DELETE is accepted */
	empty = mkfolder(f, ipm, "empty");
	empty_fid = folder_object(f, empty)->fid;
	assert_int_equal(delete_folder(f, ipm, empty_fid, DELETE_HARD_DELETE, &partial), MAPI_E_SUCCESS);
	assert_int_equal(partial, 0);
	assert_false(folder_exists(f, empty_fid));
	/* again: it is gone */
	assert_int_equal(delete_folder(f, ipm, empty_fid, 0, &partial), MAPI_E_NOT_FOUND);
}

static void test_delete_folder_refused(void **state)
{
	struct emsmdb_fixture *f = *state;
	uint32_t ipm = open_ipm(f), root = 0, other;
	uint64_t other_fid;
	uint8_t partial;

	assert_int_equal(open_by_id(f, f->folder_ids[MAPISTORE_ROOT], &root), MAPI_E_SUCCESS);
	/* special folders: the Inbox (ecAccessDenied), the Root (ecNotSupported) */
	assert_int_equal(delete_folder(f, ipm, f->folder_ids[MAPISTORE_INBOX], DEL_MESSAGES | DEL_FOLDERS,
				       &partial), MAPI_E_NO_ACCESS);
	assert_true(folder_exists(f, f->folder_ids[MAPISTORE_INBOX]));
	assert_int_equal(delete_folder(f, root, f->folder_ids[MAPISTORE_IPM_SUBTREE],
				       DEL_MESSAGES | DEL_FOLDERS, &partial), MAPI_E_NO_ACCESS);
	assert_int_equal(delete_folder(f, root, f->folder_ids[MAPISTORE_ROOT], 0, &partial),
			 MAPI_E_NO_SUPPORT);
	/* a folder that is not a child of the input folder: ecNotFound */
	other = mkfolder(f, ipm, "other");
	other_fid = folder_object(f, other)->fid;
	assert_int_equal(delete_folder(f, root, other_fid, 0, &partial), MAPI_E_NOT_FOUND);
	assert_true(folder_exists(f, other_fid));
	/* the input is the logon: ecNotSupported, still with PartialCompletion */
	assert_int_equal(delete_folder(f, f->logon_handle, other_fid, 0, &partial), MAPI_E_NO_SUPPORT);
	assert_true(folder_exists(f, other_fid));
}

/* --- RopMoveFolder, RopCopyFolder (MS-OXCFOLD 3.2.5.7, 3.2.5.8) ---------------- */

static void test_move_folder(void **state)
{
	struct emsmdb_fixture *f = *state;
	struct rop_request r;
	struct rop_response response;
	uint32_t ipm = open_ipm(f), x, y, sub, again = 0;
	uint64_t ipm_fid = f->folder_ids[MAPISTORE_IPM_SUBTREE], x_fid, y_fid, sub_fid, mid;

	x = mkfolder(f, ipm, "X");
	y = mkfolder(f, ipm, "Y");
	x_fid = folder_object(f, x)->fid;
	y_fid = folder_object(f, y)->fid;
	sub = mkfolder(f, x, "sub");
	sub_fid = folder_object(f, sub)->fid;
	mid = mkmessage(f, x, "travels along", false);

	/* X under Y, renamed in Russian: the same folder with its contents */
	r = move_folder(x_fid, russian, 1);
	response = two_folders(f, &r, ipm, y, 1);
	assert_int_equal(response.u.move_folder.return_value, MAPI_E_SUCCESS);
	assert_int_equal(response.u.move_folder.u.result.partial_completion, 0);
	assert_int_equal(child(f, ipm_fid, "X"), 0);
	assert_int_equal(child(f, y_fid, russian), x_fid);
	assert_string_equal(folder_name(f, x_fid), russian);
	assert_int_equal(child(f, x_fid, "sub"), sub_fid);
	assert_true(message_in(f, x_fid, mid));
	assert_int_equal(folder_prop(f, x_fid, 0x67490014).pv.value.i64, y_fid);	/* PidTagParentFolderId */
	assert_int_equal(open_by_id(f, x_fid, &again), MAPI_E_SUCCESS);

	/* back, renamed in 8-bit windows-1252 French */
	f->session->code_page = 1252;
	r = move_folder(x_fid, "\xc9l\xe8ve \xe9t\xe9", 0);
	response = two_folders(f, &r, y, ipm, 1);
	assert_int_equal(response.u.move_folder.return_value, MAPI_E_SUCCESS);
	assert_int_equal(child(f, ipm_fid, french), x_fid);
	/* an empty NewFolderName keeps the name */
	r = move_folder(x_fid, "", 1);
	response = two_folders(f, &r, ipm, y, 1);
	assert_int_equal(response.u.move_folder.return_value, MAPI_E_SUCCESS);
	assert_int_equal(child(f, y_fid, french), x_fid);
}

static void test_move_folder_errors(void **state)
{
	struct emsmdb_fixture *f = *state;
	struct rop_request r;
	struct rop_response response;
	uint32_t ipm = open_ipm(f), y, z, inner;
	uint64_t ipm_fid = f->folder_ids[MAPISTORE_IPM_SUBTREE], y_fid, z_fid;

	y = mkfolder(f, ipm, "Y");
	y_fid = folder_object(f, y)->fid;
	z = mkfolder(f, ipm, "Z");
	z_fid = folder_object(f, z)->fid;
	mkfolder(f, y, "z");
	inner = mkfolder(f, y, "inner");

	/* a sibling of that name in the destination: ecDuplicateName, nothing moved */
	r = move_folder(z_fid, "Z", 1);
	response = two_folders(f, &r, ipm, y, 1);
	assert_int_equal(response.u.move_folder.return_value, MAPI_E_COLLISION);
	assert_int_equal(child(f, ipm_fid, "Z"), z_fid);
	/* into its own subtree */
	r = move_folder(y_fid, "Y", 1);
	response = two_folders(f, &r, ipm, inner, 1);
	assert_int_equal(response.u.move_folder.return_value, MAPI_E_FOLDER_CYCLE);
	assert_int_equal(child(f, ipm_fid, "Y"), y_fid);
	/* not a child of the source */
	r = move_folder(z_fid, "Z2", 1);
	response = two_folders(f, &r, y, ipm, 1);
	assert_int_equal(response.u.move_folder.return_value, MAPI_E_NOT_FOUND);
	/* a special folder */
	r = move_folder(f->folder_ids[MAPISTORE_INBOX], "Elsewhere", 1);
	response = two_folders(f, &r, ipm, y, 1);
	assert_int_equal(response.u.move_folder.return_value, MAPI_E_NO_ACCESS);
	assert_int_equal(child(f, ipm_fid, "Inbox"), f->folder_ids[MAPISTORE_INBOX]);
	/* no destination object: the ecNullDestinationObject form with DestHandleIndex */
	r = move_folder(z_fid, "Z", 1);
	response = two_folders(f, &r, ipm, EMSMDB_HANDLE_NONE, 1);
	assert_int_equal(response.u.move_folder.return_value, EC_NULL_DESTINATION_OBJECT);
	assert_int_equal(response.u.move_folder.u.null_destination.dest_handle_index, 1);
	assert_int_equal(response.u.move_folder.u.null_destination.partial_completion, 0);
	/* a DestHandleIndex outside the handle table: the same */
	r.u.move_folder.dest_handle_index = 7;
	response = two_folders(f, &r, ipm, y, 7);
	assert_int_equal(response.u.move_folder.return_value, EC_NULL_DESTINATION_OBJECT);
	assert_int_equal(response.u.move_folder.u.null_destination.dest_handle_index, 7);
	/* the destination is not a folder: ecNotSupported */
	r = move_folder(z_fid, "Z", 1);
	response = two_folders(f, &r, ipm, f->logon_handle, 1);
	assert_int_equal(response.u.move_folder.return_value, MAPI_E_NO_SUPPORT);
	/* nor is the source */
	response = two_folders(f, &r, f->logon_handle, y, 1);
	assert_int_equal(response.u.move_folder.return_value, MAPI_E_NO_SUPPORT);
	assert_int_equal(child(f, ipm_fid, "Z"), z_fid);
}

static void test_copy_folder(void **state)
{
	struct emsmdb_fixture *f = *state;
	struct rop_request r;
	struct rop_response response;
	uint32_t ipm = open_ipm(f), a, b, c, inner;
	uint64_t ipm_fid = f->folder_ids[MAPISTORE_IPM_SUBTREE], a_fid, b_fid, c_fid, flat, deep, deep_b;
	uint64_t mid_a, mid_b;

	a = mkfolder(f, ipm, "A");
	a_fid = folder_object(f, a)->fid;
	b = mkfolder(f, a, japanese);
	b_fid = folder_object(f, b)->fid;
	c = mkfolder(f, ipm, "C");
	c_fid = folder_object(f, c)->fid;
	mid_a = mkmessage(f, a, "in A", false);
	mkmessage(f, a, "FAI of A", true);
	mid_b = mkmessage(f, b, "in B", false);

	/* not recursive: the folder and its messages, no subfolders */
	r = copy_folder(a_fid, french, 0);
	response = two_folders(f, &r, ipm, c, 1);
	assert_int_equal(response.u.copy_folder.return_value, MAPI_E_SUCCESS);
	assert_int_equal(response.u.copy_folder.u.result.partial_completion, 0);
	flat = child(f, c_fid, french);
	assert_int_not_equal(flat, 0);
	assert_int_not_equal(flat, a_fid);
	assert_int_equal(folder_count(f, flat, TAG_CONTENT_COUNT), 1);
	assert_int_equal(folder_count(f, flat, TAG_ASSOCIATED_CONTENT_COUNT), 1);
	assert_int_equal(children(f, flat), 0);
	/* recursive: the subtree, messages included */
	r = copy_folder(a_fid, "Deep", 1);
	response = two_folders(f, &r, ipm, c, 1);
	assert_int_equal(response.u.copy_folder.return_value, MAPI_E_SUCCESS);
	deep = child(f, c_fid, "Deep");
	deep_b = child(f, deep, japanese);
	assert_int_not_equal(deep_b, 0);
	assert_int_not_equal(deep_b, b_fid);
	assert_int_equal(folder_count(f, deep_b, TAG_CONTENT_COUNT), 1);
	/* the source is untouched */
	assert_int_equal(child(f, ipm_fid, "A"), a_fid);
	assert_true(message_in(f, a_fid, mid_a));
	assert_true(message_in(f, b_fid, mid_b));
	assert_false(message_in(f, deep_b, mid_b));	/* copies have ids of their own */
	/* a copy of the same name next to the original: ecDuplicateName */
	r = copy_folder(a_fid, "", 0);
	response = two_folders(f, &r, ipm, ipm, 1);
	assert_int_equal(response.u.copy_folder.return_value, MAPI_E_COLLISION);
	/* recursively into its own subtree */
	inner = b;
	r = copy_folder(a_fid, "loop", 1);
	response = two_folders(f, &r, ipm, inner, 1);
	assert_int_equal(response.u.copy_folder.return_value, MAPI_E_FOLDER_CYCLE);
	assert_int_equal(child(f, b_fid, "loop"), 0);
	/* unknown folder, missing destination */
	r = copy_folder(a_fid + 0x1000000000000ull, "ghost", 1);
	response = two_folders(f, &r, ipm, c, 1);
	assert_int_equal(response.u.copy_folder.return_value, MAPI_E_NOT_FOUND);
	r = copy_folder(a_fid, "nowhere", 1);
	response = two_folders(f, &r, ipm, EMSMDB_HANDLE_NONE, 1);
	assert_int_equal(response.u.copy_folder.return_value, EC_NULL_DESTINATION_OBJECT);
	assert_int_equal(response.u.copy_folder.u.null_destination.dest_handle_index, 1);
	assert_int_equal(children(f, c_fid), 2);
}

/* --- RopEmptyFolder, RopHardDeleteMessagesAndSubfolders (3.2.5.9, 3.2.5.10) ---- */

static uint32_t empty(struct emsmdb_fixture *f, uint32_t folder, uint8_t rop_id, uint8_t associated,
		      uint8_t *partial)
{
	struct rop_request r = { .rop_id = rop_id };
	struct rop_response response;
	uint32_t value;

	if (rop_id == RopEmptyFolder) {
		r.u.empty_folder.want_delete_associated = associated;
	} else {
		r.u.hard_delete_messages_and_subfolders.want_delete_associated = associated;
	}
	value = emsmdb_fixture_rop(f, NULL, f, &r, folder, NULL, NULL, &response);
	*partial = rop_id == RopEmptyFolder ? response.u.empty_folder.u.result.partial_completion :
		   response.u.hard_delete_messages_and_subfolders.u.result.partial_completion;
	return value;
}

static void test_empty_folder(void **state)
{
	struct emsmdb_fixture *f = *state;
	uint32_t ipm = open_ipm(f), box, sub, root = 0, search = 0;
	uint64_t box_fid, sub_fid, m1, m2;
	uint8_t partial = 9;
	struct rop_response response;

	box = mkfolder(f, ipm, "box");
	box_fid = folder_object(f, box)->fid;
	sub = mkfolder(f, box, "sub");
	sub_fid = folder_object(f, sub)->fid;
	m1 = mkmessage(f, box, "one", false);
	m2 = mkmessage(f, box, "two", false);
	mkmessage(f, box, "settings", true);
	mkmessage(f, sub, "deeper", false);

	/* RopEmptyFolder without WantDeleteAssociated: messages soft deleted, subfolders gone, FAI kept */
	assert_int_equal(empty(f, box, RopEmptyFolder, 0, &partial), MAPI_E_SUCCESS);
	assert_int_equal(partial, 0);
	assert_true(folder_exists(f, box_fid));
	assert_false(folder_exists(f, sub_fid));
	assert_int_equal(children(f, box_fid), 0);
	assert_int_equal(folder_count(f, box_fid, TAG_CONTENT_COUNT), 0);
	assert_int_equal(folder_count(f, box_fid, TAG_ASSOCIATED_CONTENT_COUNT), 1);
	assert_int_equal(folder_count(f, box_fid, TAG_DELETED_COUNT_TOTAL), 2);
	assert_false(message_in(f, box_fid, m1));
	assert_false(message_in(f, box_fid, m2));
	/* RopHardDeleteMessagesAndSubfolders with WantDeleteAssociated: the FAI goes too */
	mkfolder(f, box, "again");
	assert_int_equal(empty(f, box, RopHardDeleteMessagesAndSubfolders, 1, &partial), MAPI_E_SUCCESS);
	assert_int_equal(partial, 0);
	assert_int_equal(folder_count(f, box_fid, TAG_ASSOCIATED_CONTENT_COUNT), 0);
	assert_int_equal(children(f, box_fid), 0);
	assert_int_equal(folder_count(f, box_fid, TAG_DELETED_COUNT_TOTAL), 2);	/* hard: not kept */
	/* the Root folder and search folders: ecNotSupported */
	assert_int_equal(open_by_id(f, f->folder_ids[MAPISTORE_ROOT], &root), MAPI_E_SUCCESS);
	assert_int_equal(empty(f, root, RopEmptyFolder, 1, &partial), MAPI_E_NO_SUPPORT);
	assert_int_equal(empty(f, root, RopHardDeleteMessagesAndSubfolders, 1, &partial),
			 MAPI_E_NO_SUPPORT);
	assert_int_equal(create(f, ipm, "finder", NULL, 1, 0, MAPISTORE_FOLDER_SEARCH, &search,
				&response), MAPI_E_SUCCESS);
	assert_int_equal(empty(f, search, RopEmptyFolder, 0, &partial), MAPI_E_NO_SUPPORT);
	/* not a folder */
	assert_int_equal(empty(f, f->logon_handle, RopEmptyFolder, 0, &partial), MAPI_E_NO_SUPPORT);
	/* the IPM subtree: its own folders go, the special ones stay (PartialCompletion) */
	assert_int_equal(empty(f, ipm, RopEmptyFolder, 0, &partial), MAPI_E_SUCCESS);
	assert_int_equal(partial, 1);
	assert_false(folder_exists(f, box_fid));
	assert_true(folder_exists(f, f->folder_ids[MAPISTORE_INBOX]));
}

/* --- RopDeleteMessages, RopHardDeleteMessages (3.2.5.11, 3.2.5.12) ------------- */

static uint32_t delete_messages(struct emsmdb_fixture *f, uint32_t folder, uint8_t rop_id,
				uint16_t count, uint64_t *mids, uint8_t *partial)
{
	struct rop_request r = { .rop_id = rop_id };
	struct rop_response response;
	uint32_t value;

	/* both requests have the same fields */
	r.u.delete_messages.notify_non_read = 1;
	r.u.delete_messages.message_id_count = count;
	r.u.delete_messages.message_ids = mids;
	value = emsmdb_fixture_rop(f, NULL, f, &r, folder, NULL, NULL, &response);
	*partial = response.u.delete_messages.u.result.partial_completion;
	return value;
}

static void test_delete_messages(void **state)
{
	struct emsmdb_fixture *f = *state;
	uint32_t ipm = open_ipm(f), box, other;
	uint64_t box_fid, mids[4], elsewhere;
	uint8_t partial = 9;

	box = mkfolder(f, ipm, "box");
	box_fid = folder_object(f, box)->fid;
	other = mkfolder(f, ipm, "other");
	mids[0] = mkmessage(f, box, "one", false);
	mids[1] = mkmessage(f, box, "two", false);
	mids[2] = mkmessage(f, box, "three", false);
	elsewhere = mkmessage(f, other, "not here", false);

	/* all in the folder: soft deleted */
	assert_int_equal(delete_messages(f, box, RopDeleteMessages, 1, mids, &partial), MAPI_E_SUCCESS);
	assert_int_equal(partial, 0);
	assert_int_equal(folder_count(f, box_fid, TAG_CONTENT_COUNT), 2);
	assert_int_equal(folder_count(f, box_fid, TAG_DELETED_COUNT_TOTAL), 1);
	assert_false(message_in(f, box_fid, mids[0]));
	/* one of another folder and an unknown id: skipped, PartialCompletion */
	mids[0] = elsewhere;
	mids[3] = mids[1] + 0x100000000ull;
	assert_int_equal(delete_messages(f, box, RopDeleteMessages, 4, mids, &partial), MAPI_E_SUCCESS);
	assert_int_equal(partial, 1);
	assert_int_equal(folder_count(f, box_fid, TAG_CONTENT_COUNT), 0);
	assert_int_equal(folder_count(f, box_fid, TAG_DELETED_COUNT_TOTAL), 3);
	assert_true(message_in(f, folder_object(f, other)->fid, elsewhere));
	/* hard: gone without a trace */
	assert_int_equal(delete_messages(f, other, RopHardDeleteMessages, 1, &elsewhere, &partial),
			 MAPI_E_SUCCESS);
	assert_int_equal(partial, 0);
	assert_false(message_in(f, folder_object(f, other)->fid, elsewhere));
	assert_int_equal(folder_count(f, folder_object(f, other)->fid, TAG_DELETED_COUNT_TOTAL), 0);
	/* nothing of that folder: success, partial */
	assert_int_equal(delete_messages(f, other, RopHardDeleteMessages, 1, &elsewhere, &partial),
			 MAPI_E_SUCCESS);
	assert_int_equal(partial, 1);
	/* the input is not a folder */
	assert_int_equal(delete_messages(f, f->logon_handle, RopDeleteMessages, 1, &elsewhere, &partial),
			 MAPI_E_NO_SUPPORT);
	assert_int_equal(partial, 0);
}

/* --- RopMoveCopyMessages (3.2.5.6) ----------------------------------------------- */

static void test_move_copy_messages(void **state)
{
	struct emsmdb_fixture *f = *state;
	struct rop_request r;
	struct rop_response response;
	uint32_t ipm = open_ipm(f), src, dst, search = 0;
	uint64_t src_fid, dst_fid, mids[3];

	src = mkfolder(f, ipm, russian);
	dst = mkfolder(f, ipm, japanese);
	src_fid = folder_object(f, src)->fid;
	dst_fid = folder_object(f, dst)->fid;
	mids[0] = mkmessage(f, src, "one", false);
	mids[1] = mkmessage(f, src, "two", false);

	/* copy: new messages in the destination, the originals stay */
	r = move_copy_messages(2, mids, 1);
	response = two_folders(f, &r, src, dst, 1);
	assert_int_equal(response.u.move_copy_messages.return_value, MAPI_E_SUCCESS);
	assert_int_equal(response.u.move_copy_messages.u.result.partial_completion, 0);
	assert_int_equal(folder_count(f, src_fid, TAG_CONTENT_COUNT), 2);
	assert_int_equal(folder_count(f, dst_fid, TAG_CONTENT_COUNT), 2);
	assert_false(message_in(f, dst_fid, mids[0]));
	/* move one and an unknown id: the message keeps its id in the destination, partial */
	mids[1] = mids[0] + 0x100000000ull;
	r = move_copy_messages(2, mids, 0);
	response = two_folders(f, &r, src, dst, 1);
	assert_int_equal(response.u.move_copy_messages.return_value, MAPI_E_SUCCESS);
	assert_int_equal(response.u.move_copy_messages.u.result.partial_completion, 1);
	assert_true(message_in(f, dst_fid, mids[0]));
	assert_false(message_in(f, src_fid, mids[0]));
	assert_int_equal(folder_count(f, src_fid, TAG_CONTENT_COUNT), 1);
	assert_int_equal(folder_count(f, dst_fid, TAG_CONTENT_COUNT), 3);
	/* no destination: ecNullDestinationObject with DestHandleIndex, nothing moved */
	r = move_copy_messages(1, mids, 0);
	response = two_folders(f, &r, dst, EMSMDB_HANDLE_NONE, 1);
	assert_int_equal(response.u.move_copy_messages.return_value, EC_NULL_DESTINATION_OBJECT);
	assert_int_equal(response.u.move_copy_messages.u.null_destination.dest_handle_index, 1);
	assert_true(message_in(f, dst_fid, mids[0]));
	/* a search folder cannot be the destination */
	assert_int_equal(create(f, ipm, "finder", NULL, 1, 0, MAPISTORE_FOLDER_SEARCH, &search,
				&response), MAPI_E_SUCCESS);
	response = two_folders(f, &r, dst, search, 1);
	assert_int_equal(response.u.move_copy_messages.return_value, MAPI_E_NO_SUPPORT);
	assert_true(message_in(f, dst_fid, mids[0]));
	/* the source is not a folder */
	response = two_folders(f, &r, f->logon_handle, src, 1);
	assert_int_equal(response.u.move_copy_messages.return_value, MAPI_E_NO_SUPPORT);
	assert_int_equal(response.u.move_copy_messages.u.result.partial_completion, 0);
}

/* Another user's logon reaches only their own mailbox: Alice's new folder is not Bob's. */
static void test_other_user(void **state)
{
	struct emsmdb_fixture *f = *state;
	struct rop_request r;
	struct rop_response response;
	struct emsmdb_session *bob;
	uint32_t bob_logon = 0, ipm = open_ipm(f), handle = 0, base;
	uint64_t fid;

	assert_int_equal(create(f, ipm, "Alice only", NULL, 1, 0, MAPISTORE_FOLDER_GENERIC, NULL,
				&response), MAPI_E_SUCCESS);
	fid = response.u.create_folder.u.ok.folder_id;
	base = children(f, f->folder_ids[MAPISTORE_IPM_SUBTREE]);
	bob = emsmdb_fixture_session(f, FIXTURE_OTHER_SID, &bob_logon);
	r = open_folder(fid);
	assert_int_equal(emsmdb_fixture_rop(f, bob, f, &r, bob_logon, &handle, NULL, NULL),
			 MAPI_E_NOT_FOUND);
	/* Bob's IPM subtree has no such child, and his own folder of that name is his */
	r = open_folder(f->folder_ids[MAPISTORE_IPM_SUBTREE]);
	assert_int_equal(emsmdb_fixture_rop(f, bob, f, &r, bob_logon, &handle, NULL, NULL),
			 MAPI_E_SUCCESS);
	{
		struct rop_request c = { .rop_id = RopCreateFolder };

		c.u.create_folder.folder_type = 1;
		c.u.create_folder.use_unicode_strings = 1;
		c.u.create_folder.open_existing = 1;
		c.u.create_folder.display_name = "Alice only";
		c.u.create_folder.comment = "";
		assert_int_equal(emsmdb_fixture_rop(f, bob, f, &c, handle, NULL, NULL, &response),
				 MAPI_E_SUCCESS);
		assert_int_equal(response.u.create_folder.u.ok.is_existing_folder, 0);
	}
	/* nothing of Bob's landed in Alice's mailbox */
	assert_int_equal(children(f, f->folder_ids[MAPISTORE_IPM_SUBTREE]), base);
	assert_int_equal(child(f, f->folder_ids[MAPISTORE_IPM_SUBTREE], "Alice only"), fid);
	talloc_free(bob);
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
		cmocka_unit_test_setup_teardown(test_create_folder_tree, emsmdb_fixture_setup,
						emsmdb_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_create_folder_code_page, emsmdb_fixture_setup,
						emsmdb_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_create_open_existing_and_collision, emsmdb_fixture_setup,
						emsmdb_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_create_folder_errors, emsmdb_fixture_setup,
						emsmdb_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_delete_folder, emsmdb_fixture_setup,
						emsmdb_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_delete_folder_refused, emsmdb_fixture_setup,
						emsmdb_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_move_folder, emsmdb_fixture_setup,
						emsmdb_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_move_folder_errors, emsmdb_fixture_setup,
						emsmdb_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_copy_folder, emsmdb_fixture_setup,
						emsmdb_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_empty_folder, emsmdb_fixture_setup,
						emsmdb_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_delete_messages, emsmdb_fixture_setup,
						emsmdb_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_move_copy_messages, emsmdb_fixture_setup,
						emsmdb_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_other_user, emsmdb_fixture_setup,
						emsmdb_fixture_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
