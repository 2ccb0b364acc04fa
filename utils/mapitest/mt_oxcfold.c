/*
 * mapitest OXCFOLD: folder ROPs (MS-OXCFOLD 3.2.5).  Written against the
 * spec before the server has all of them: a ROP the server answers with
 * ecNotSupported makes its test a skip, so these pass as the server grows.
 *
 * Copyright (C) OpenChange developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <talloc.h>

#include "utils/mapitest/mapitest.h"
#include "libmapi/rop_session.h"

#define EC_NOT_FOUND 0x8004010Fu

/* MS-OXCFOLD 3.2.5.1: RopOpenFolder of the Inbox gives a folder, not a ghost */
static enum mt_result t_open_inbox(struct mt_test *t)
{
	struct rop_request req;
	struct rop_response resp;
	struct mt_logon lg;

	if (mt_logon_open(t, 0x01, &lg) != MT_PASS) {
		return t->result;
	}
	memset(&req, 0, sizeof(req));
	req.rop_id = RopOpenFolder;
	req.u.open_folder.output_handle_index = 1;
	req.u.open_folder.folder_id = lg.logon.u.private_mailbox.folder_ids[MT_FID_INBOX];
	if (mt_rop(t, &lg, &req, &resp) != MT_PASS || mt_skip_unsupported(t, &resp) != MT_PASS) {
		return t->result;
	}
	MT_EXPECT(t, resp.u.open_folder.return_value == MAPI_E_SUCCESS, "RopOpenFolder(Inbox): %s",
		  mt_status(t, resp.u.open_folder.return_value));
	MT_EXPECT(t, lg.handles[1] != ROP_HANDLE_NONE, "no handle for the folder");
	/* 2.2.1.1.2: IsGhosted is only for public folders */
	MT_EXPECT_EQ(t, resp.u.open_folder.u.ok.is_ghosted, 0, "IsGhosted of a mailbox folder");
	return MT_PASS;
}

/* MS-OXCFOLD 3.2.5.1: a FolderId that names no folder is ecNotFound */
static enum mt_result t_open_unknown_folder(struct mt_test *t)
{
	struct rop_request req;
	struct rop_response resp;
	struct mt_logon lg;

	if (mt_logon_open(t, 0x01, &lg) != MT_PASS) {
		return t->result;
	}
	memset(&req, 0, sizeof(req));
	req.rop_id = RopOpenFolder;
	req.u.open_folder.output_handle_index = 1;
	/* the mailbox's REPLID with a GlobalCounter far beyond any allocated */
	req.u.open_folder.folder_id = 0xFEDCBA9876540000ull | lg.logon.u.private_mailbox.repl_id;
	if (mt_rop(t, &lg, &req, &resp) != MT_PASS || mt_skip_unsupported(t, &resp) != MT_PASS) {
		return t->result;
	}
	MT_EXPECT(t, resp.u.open_folder.return_value == EC_NOT_FOUND,
		  "RopOpenFolder of an unknown FID: observed %s, expected %s",
		  mt_status(t, resp.u.open_folder.return_value), mt_status(t, EC_NOT_FOUND));
	return MT_PASS;
}

/* MS-OXCFOLD 3.2.5.13: the IPM subtree's hierarchy table counts its subfolders */
static enum mt_result t_hierarchy_table_of_ipm_subtree(struct mt_test *t)
{
	struct rop_request req;
	struct rop_response resp;
	struct mt_logon lg;

	if (mt_logon_open(t, 0x01, &lg) != MT_PASS ||
	    mt_open_folder(t, &lg, lg.logon.u.private_mailbox.folder_ids[MT_FID_IPM_SUBTREE], 0, 1) !=
	    MT_PASS) {
		return t->result;
	}
	memset(&req, 0, sizeof(req));
	req.rop_id = RopGetHierarchyTable;
	req.u.get_hierarchy_table.input_handle_index = 1;
	req.u.get_hierarchy_table.output_handle_index = 2;
	if (mt_rop(t, &lg, &req, &resp) != MT_PASS || mt_skip_unsupported(t, &resp) != MT_PASS) {
		return t->result;
	}
	MT_EXPECT(t, resp.u.get_hierarchy_table.return_value == MAPI_E_SUCCESS,
		  "RopGetHierarchyTable: %s", mt_status(t, resp.u.get_hierarchy_table.return_value));
	/* Inbox, Outbox, Sent Items and Deleted Items live under it (MS-OXOSFLD 2.2.2) */
	MT_EXPECT(t, resp.u.get_hierarchy_table.u.ok.row_count >= 4,
		  "RowCount %u: the IPM subtree has fewer than the 4 standard folders",
		  resp.u.get_hierarchy_table.u.ok.row_count);
	return MT_PASS;
}

/*
 * The tests below work in a scratch folder under the IPM subtree (slot 1),
 * deleted with its contents when the test ends; they read every change
 * back through another path: a table, a property, a reopen.
 *
 * Slots: 0 the logon, 1 the scratch folder, 2..4 other folders, 5 a table.
 */
#define PidTagFolderId 0x67480014u
#define PidTagMid 0x674A0014u
#define PidTagDisplayName 0x3001001Fu
#define PidTagComment 0x3004001Fu
#define PidTagSubject 0x0037001Fu
#define PidTagFolderType 0x36010003u
#define PidTagContentCount 0x36020003u
#define PidTagSubfolders 0x360A000Bu
#define PidTagFolderChildCount 0x66380003u
#define PidTagParentFolderId 0x67490014u

#define SCRATCH 1
#define TABLE 5
#define EC_DUPLICATE_NAME 0x80040604u	/* MS-OXCDATA 2.4.2 ecDuplicateName */
#define FOLDER_SEARCH 2			/* MS-OXCFOLD 2.2.1.2.1 FolderType */

static const char *string_col(const struct mapi_property_row *row, size_t i)
{
	if (i >= row->count || row->values[i].flag != MAPI_PROPVAL_PRESENT) {
		return NULL;
	}
	return row->values[i].pv.value.string;
}

/* A private logon and a scratch folder in slot 1 */
static enum mt_result scratch(struct mt_test *t, struct mt_logon *lg, uint64_t *fid)
{
	if (mt_logon_open(t, 0x01, lg) != MT_PASS) {
		return t->result;
	}
	return mt_scratch_folder(t, lg, SCRATCH, fid);
}

/* PidTagContentCount and PidTagFolderChildCount of the folder in SLOT */
static enum mt_result counts(struct mt_test *t, struct mt_logon *lg, uint8_t slot,
			     uint32_t *content, uint32_t *children)
{
	static const uint32_t tags[] = { PidTagContentCount, PidTagFolderChildCount };
	struct mapi_property_row row;

	if (mt_get_props(t, lg, slot, tags, 2, &row) != MT_PASS) {
		return t->result;
	}
	*content = mt_row_u32(&row, 0, 0xFFFFFFFFu);
	*children = mt_row_u32(&row, 1, 0xFFFFFFFFu);
	MT_EXPECT(t, *content != 0xFFFFFFFFu, "PidTagContentCount is missing");
	MT_EXPECT(t, *children != 0xFFFFFFFFu, "PidTagFolderChildCount is missing");
	return MT_PASS;
}

/* Whether the hierarchy table of the folder in SLOT lists FID; *rows its RowCount */
static enum mt_result lists_folder(struct mt_test *t, struct mt_logon *lg, uint8_t slot,
				   uint64_t fid, bool *found, uint32_t *rows)
{
	static const uint32_t cols[] = { PidTagFolderId, PidTagDisplayName };

	if (mt_open_table(t, lg, true, slot, TABLE, cols, 2, rows) != MT_PASS ||
	    mt_table_find_id(t, lg, TABLE, fid, found, NULL) != MT_PASS) {
		return t->result;
	}
	mt_drop(t, lg, TABLE);
	return MT_PASS;
}

/* The FolderId of the subfolder NAME of the folder in SLOT, 0 when none */
static enum mt_result child_named(struct mt_test *t, struct mt_logon *lg, uint8_t slot,
				  const char *name, uint64_t *fid)
{
	static const uint32_t cols[] = { PidTagFolderId, PidTagDisplayName };
	struct rop_response rows;
	uint16_t i;

	*fid = 0;
	if (mt_open_table(t, lg, true, slot, TABLE, cols, 2, NULL) != MT_PASS ||
	    mt_query_rows(t, lg, TABLE, true, 0, 1000, &rows) != MT_PASS) {
		return t->result;
	}
	for (i = 0; i < rows.u.query_rows.u.ok.row_count; i++) {
		const struct mapi_property_row *row = &rows.u.query_rows.u.ok.row_data[i];
		const char *got = string_col(row, 1);

		if (got != NULL && strcmp(got, name) == 0 && row->values[0].flag == MAPI_PROPVAL_PRESENT) {
			*fid = row->values[0].pv.value.i64;
		}
	}
	mt_drop(t, lg, TABLE);
	return MT_PASS;
}

/* The MessageIds of the contents table of the folder in SLOT (at most 16) */
static enum mt_result message_ids(struct mt_test *t, struct mt_logon *lg, uint8_t slot,
				  uint64_t mids[16], uint16_t *count)
{
	static const uint32_t cols[] = { PidTagMid, PidTagSubject };
	struct rop_response rows;
	uint16_t i;

	*count = 0;
	if (mt_open_table(t, lg, false, slot, TABLE, cols, 2, NULL) != MT_PASS ||
	    mt_query_rows(t, lg, TABLE, true, 0, 16, &rows) != MT_PASS) {
		return t->result;
	}
	for (i = 0; i < rows.u.query_rows.u.ok.row_count; i++) {
		const struct mapi_property_row *row = &rows.u.query_rows.u.ok.row_data[i];

		MT_EXPECT(t, row->count >= 1 && row->values[0].flag == MAPI_PROPVAL_PRESENT,
			  "a contents table row without PidTagMid");
		mids[(*count)++] = row->values[0].pv.value.i64;
	}
	mt_drop(t, lg, TABLE);
	return MT_PASS;
}

static bool has_id(const uint64_t *ids, uint16_t count, uint64_t id)
{
	uint16_t i;

	for (i = 0; i < count; i++) {
		if (ids[i] == id) {
			return true;
		}
	}
	return false;
}

/* RopDeleteFolder of FID, a child of the folder in SLOT */
static enum mt_result delete_folder(struct mt_test *t, struct mt_logon *lg, uint8_t slot,
				    uint64_t fid, uint8_t flags, uint32_t *rv, uint8_t *partial)
{
	struct rop_request req = mt_request(RopDeleteFolder);
	struct rop_response resp;

	req.u.delete_folder.input_handle_index = slot;
	req.u.delete_folder.delete_folder_flags = flags;
	req.u.delete_folder.folder_id = fid;
	if (mt_rop(t, lg, &req, &resp) != MT_PASS || mt_skip_unsupported(t, &resp) != MT_PASS) {
		return t->result;
	}
	*rv = resp.u.delete_folder.return_value;
	*partial = resp.u.delete_folder.u.result.partial_completion;
	return MT_PASS;
}

/* RopOpenFolder of FID into SLOT; *rv its ReturnValue (not judged here) */
static enum mt_result try_open(struct mt_test *t, struct mt_logon *lg, uint64_t fid, uint8_t slot,
			       uint32_t *rv)
{
	struct rop_request req = mt_request(RopOpenFolder);
	struct rop_response resp;

	req.u.open_folder.output_handle_index = slot;
	req.u.open_folder.folder_id = fid;
	if (mt_rop(t, lg, &req, &resp) != MT_PASS) {
		return t->result;
	}
	*rv = resp.u.open_folder.return_value;
	return MT_PASS;
}

/*
 * MS-OXCFOLD 3.2.5.2: a created folder carries the DisplayName and Comment
 * of the request, seen when it is opened again by its FolderId.
 */
static enum mt_result t_create_folder_read_back(struct mt_test *t)
{
	static const uint32_t tags[] = { PidTagDisplayName, PidTagComment, PidTagParentFolderId };
	struct mapi_property_row row;
	struct mt_logon lg;
	uint64_t parent, fid;
	const char *name;
	bool found = false;

	if (scratch(t, &lg, &parent) != MT_PASS) {
		return t->result;
	}
	name = mt_unique_name(t, "created");
	if (mt_create_folder(t, &lg, SCRATCH, 2, name, "a comment from mapitest", &fid) != MT_PASS) {
		return t->result;
	}
	mt_drop(t, &lg, 2);
	if (mt_open_folder(t, &lg, fid, 0, 2) != MT_PASS ||
	    mt_get_props(t, &lg, 2, tags, 3, &row) != MT_PASS) {
		return t->result;
	}
	MT_EXPECT(t, string_col(&row, 0) != NULL && strcmp(string_col(&row, 0), name) == 0,
		  "PidTagDisplayName '%s', created as '%s'",
		  string_col(&row, 0) ? string_col(&row, 0) : "(missing)", name);
	MT_EXPECT(t, string_col(&row, 1) != NULL &&
		  strcmp(string_col(&row, 1), "a comment from mapitest") == 0,
		  "PidTagComment '%s'", string_col(&row, 1) ? string_col(&row, 1) : "(missing)");
	MT_EXPECT(t, row.values[2].flag == MAPI_PROPVAL_PRESENT &&
		  row.values[2].pv.value.i64 == parent, "PidTagParentFolderId is not the parent");
	if (lists_folder(t, &lg, SCRATCH, fid, &found, NULL) != MT_PASS) {
		return t->result;
	}
	MT_EXPECT(t, found, "the parent's hierarchy table does not list the new folder");
	return MT_PASS;
}

/*
 * A folder named after STEM in the scratch folder, then RopCreateFolder of
 * the same name again with OPEN_EXISTING: *fid the first one's id, *resp
 * the second answer.
 */
static enum mt_result create_twice(struct mt_test *t, struct mt_logon *lg, const char *stem,
				   uint8_t open_existing, uint64_t *fid, struct rop_response *resp)
{
	struct rop_request req = mt_request(RopCreateFolder);
	uint64_t parent;
	const char *name;

	if (scratch(t, lg, &parent) != MT_PASS) {
		return t->result;
	}
	name = mt_unique_name(t, stem);
	if (mt_create_folder(t, lg, SCRATCH, 2, name, NULL, fid) != MT_PASS) {
		return t->result;
	}
	req.u.create_folder.input_handle_index = SCRATCH;
	req.u.create_folder.output_handle_index = 3;
	req.u.create_folder.folder_type = 1;
	req.u.create_folder.use_unicode_strings = 1;
	req.u.create_folder.open_existing = open_existing;
	req.u.create_folder.display_name = talloc_strdup(t->mem, name);
	req.u.create_folder.comment = talloc_strdup(t->mem, "");
	return mt_rop(t, lg, &req, resp);
}

/* MS-OXCFOLD 3.2.5.2: OpenExisting on a name in use opens that folder */
static enum mt_result t_create_open_existing(struct mt_test *t)
{
	struct rop_response resp;
	struct mt_logon lg;
	uint64_t fid;
	uint32_t rows = 0;
	bool found = false;

	if (create_twice(t, &lg, "existing", 1, &fid, &resp) != MT_PASS) {
		return t->result;
	}
	MT_EXPECT(t, resp.u.create_folder.return_value == MAPI_E_SUCCESS,
		  "RopCreateFolder(OpenExisting) of a name in use: %s",
		  mt_status(t, resp.u.create_folder.return_value));
	MT_EXPECT_EQ(t, resp.u.create_folder.u.ok.folder_id, fid, "FolderId of the opened folder");
	if (lists_folder(t, &lg, SCRATCH, fid, &found, &rows) != MT_PASS) {
		return t->result;
	}
	MT_EXPECT_EQ(t, rows, 1, "subfolders after creating the same name twice");
	return MT_PASS;
}

/* MS-OXCFOLD 3.2.5.2: a name in use without OpenExisting is ecDuplicateName */
static enum mt_result t_create_duplicate_name(struct mt_test *t)
{
	struct rop_response resp;
	struct mt_logon lg;
	uint64_t fid;
	uint32_t rows = 0;
	bool found = false;

	if (create_twice(t, &lg, "duplicate", 0, &fid, &resp) != MT_PASS) {
		return t->result;
	}
	MT_EXPECT(t, resp.u.create_folder.return_value == EC_DUPLICATE_NAME,
		  "RopCreateFolder of a name in use: observed %s, expected %s",
		  mt_status(t, resp.u.create_folder.return_value), mt_status(t, EC_DUPLICATE_NAME));
	if (lists_folder(t, &lg, SCRATCH, fid, &found, &rows) != MT_PASS) {
		return t->result;
	}
	MT_EXPECT_EQ(t, rows, 1, "subfolders after the refused duplicate");
	return MT_PASS;
}

/* MS-OXCFOLD 3.2.5.3: an empty folder is deleted without flags, and is gone */
static enum mt_result t_delete_empty_folder(struct mt_test *t)
{
	struct mt_logon lg;
	uint64_t parent, fid;
	uint32_t rv = 0;
	uint8_t partial = 0;
	bool found = true;

	if (scratch(t, &lg, &parent) != MT_PASS ||
	    mt_create_folder(t, &lg, SCRATCH, 2, mt_unique_name(t, "doomed"), NULL, &fid) != MT_PASS) {
		return t->result;
	}
	mt_drop(t, &lg, 2);
	if (delete_folder(t, &lg, SCRATCH, fid, 0, &rv, &partial) != MT_PASS) {
		return t->result;
	}
	MT_EXPECT(t, rv == MAPI_E_SUCCESS, "RopDeleteFolder: %s", mt_status(t, rv));
	MT_EXPECT_EQ(t, partial, 0, "PartialCompletion of an empty folder's delete");
	if (lists_folder(t, &lg, SCRATCH, fid, &found, NULL) != MT_PASS ||
	    try_open(t, &lg, fid, 2, &rv) != MT_PASS) {
		return t->result;
	}
	MT_EXPECT(t, !found, "the deleted folder is still in the hierarchy table");
	MT_EXPECT(t, rv == MAPI_E_NOT_FOUND, "RopOpenFolder of the deleted folder: %s, expected %s",
		  mt_status(t, rv), mt_status(t, MAPI_E_NOT_FOUND));
	return MT_PASS;
}

/*
 * MS-OXCFOLD 3.2.5.3: a folder with messages is not deleted without
 * DEL_MESSAGES (success with PartialCompletion), and is with it.
 */
static enum mt_result t_delete_folder_with_messages(struct mt_test *t)
{
	struct mt_logon lg;
	uint64_t parent, fid, mid;
	uint32_t rv = 0;
	uint8_t partial = 0;
	bool found = false;

	if (scratch(t, &lg, &parent) != MT_PASS ||
	    mt_create_folder(t, &lg, SCRATCH, 2, mt_unique_name(t, "full"), NULL, &fid) != MT_PASS ||
	    mt_new_message(t, &lg, fid, "keeps its folder alive", 1, &mid) != MT_PASS) {
		return t->result;
	}
	mt_drop(t, &lg, 2);
	if (delete_folder(t, &lg, SCRATCH, fid, MT_DEL_FOLDERS, &rv, &partial) != MT_PASS ||
	    lists_folder(t, &lg, SCRATCH, fid, &found, NULL) != MT_PASS) {
		return t->result;
	}
	MT_EXPECT(t, rv == MAPI_E_SUCCESS && partial == 1,
		  "RopDeleteFolder without DEL_MESSAGES of a folder with a message: %s, "
		  "PartialCompletion %u (expected success with PartialCompletion 1)",
		  mt_status(t, rv), partial);
	MT_EXPECT(t, found, "the folder with a message was deleted without DEL_MESSAGES");
	if (delete_folder(t, &lg, SCRATCH, fid, MT_DEL_MESSAGES, &rv, &partial) != MT_PASS ||
	    lists_folder(t, &lg, SCRATCH, fid, &found, NULL) != MT_PASS) {
		return t->result;
	}
	MT_EXPECT(t, rv == MAPI_E_SUCCESS && partial == 0,
		  "RopDeleteFolder(DEL_MESSAGES): %s, PartialCompletion %u", mt_status(t, rv), partial);
	MT_EXPECT(t, !found, "the folder is still listed after RopDeleteFolder(DEL_MESSAGES)");
	return MT_PASS;
}

/*
 * MS-OXCFOLD 3.2.5.3: a folder with subfolders is not deleted without
 * DEL_FOLDERS, and is with it, its subfolders too.
 */
static enum mt_result t_delete_folder_with_subfolders(struct mt_test *t)
{
	struct mt_logon lg;
	uint64_t parent, fid, sub;
	uint32_t rv = 0;
	uint8_t partial = 0;
	bool found = false;

	if (scratch(t, &lg, &parent) != MT_PASS ||
	    mt_create_folder(t, &lg, SCRATCH, 2, mt_unique_name(t, "tree"), NULL, &fid) != MT_PASS ||
	    mt_create_folder(t, &lg, 2, 3, mt_unique_name(t, "leaf"), NULL, &sub) != MT_PASS) {
		return t->result;
	}
	mt_drop(t, &lg, 3);
	mt_drop(t, &lg, 2);
	if (delete_folder(t, &lg, SCRATCH, fid, MT_DEL_MESSAGES, &rv, &partial) != MT_PASS ||
	    lists_folder(t, &lg, SCRATCH, fid, &found, NULL) != MT_PASS) {
		return t->result;
	}
	MT_EXPECT(t, rv == MAPI_E_SUCCESS && partial == 1,
		  "RopDeleteFolder without DEL_FOLDERS of a folder with a subfolder: %s, "
		  "PartialCompletion %u (expected success with PartialCompletion 1)",
		  mt_status(t, rv), partial);
	MT_EXPECT(t, found, "the folder with a subfolder was deleted without DEL_FOLDERS");
	if (delete_folder(t, &lg, SCRATCH, fid, MT_DEL_MESSAGES | MT_DEL_FOLDERS, &rv,
			  &partial) != MT_PASS) {
		return t->result;
	}
	MT_EXPECT(t, rv == MAPI_E_SUCCESS && partial == 0,
		  "RopDeleteFolder(DEL_FOLDERS): %s, PartialCompletion %u", mt_status(t, rv), partial);
	if (try_open(t, &lg, sub, 2, &rv) != MT_PASS) {
		return t->result;
	}
	MT_EXPECT(t, rv == MAPI_E_NOT_FOUND, "RopOpenFolder of the deleted folder's subfolder: %s",
		  mt_status(t, rv));
	return MT_PASS;
}

/*
 * MS-OXCFOLD 3.2.5.7: RopMoveFolder puts the folder, renamed, with its
 * messages, under the destination, and takes it from the source.
 */
static enum mt_result t_move_folder(struct mt_test *t)
{
	struct rop_request req = mt_request(RopMoveFolder);
	struct rop_response resp;
	struct mt_logon lg;
	uint64_t parent, a, b, moved, mid;
	uint32_t content = 0, children = 0;
	bool found = true;
	const char *new_name;

	if (scratch(t, &lg, &parent) != MT_PASS ||
	    mt_create_folder(t, &lg, SCRATCH, 2, mt_unique_name(t, "mover"), NULL, &a) != MT_PASS ||
	    mt_create_folder(t, &lg, SCRATCH, 3, mt_unique_name(t, "target"), NULL, &b) != MT_PASS ||
	    mt_new_message(t, &lg, a, "travels with its folder", 1, &mid) != MT_PASS) {
		return t->result;
	}
	mt_drop(t, &lg, 2);
	new_name = mt_unique_name(t, "moved");
	req.u.move_folder.source_handle_index = SCRATCH;
	req.u.move_folder.dest_handle_index = 3;
	req.u.move_folder.use_unicode = 1;
	req.u.move_folder.folder_id = a;
	req.u.move_folder.new_folder_name = talloc_strdup(t->mem, new_name);
	if (mt_rop(t, &lg, &req, &resp) != MT_PASS || mt_skip_unsupported(t, &resp) != MT_PASS) {
		return t->result;
	}
	MT_EXPECT(t, resp.u.move_folder.return_value == MAPI_E_SUCCESS, "RopMoveFolder: %s",
		  mt_status(t, resp.u.move_folder.return_value));
	MT_EXPECT_EQ(t, resp.u.move_folder.u.result.partial_completion, 0, "PartialCompletion");
	if (lists_folder(t, &lg, SCRATCH, a, &found, NULL) != MT_PASS ||
	    child_named(t, &lg, 3, new_name, &moved) != MT_PASS) {
		return t->result;
	}
	MT_EXPECT(t, !found, "the source still lists the moved folder");
	MT_EXPECT(t, moved != 0, "the destination has no subfolder named '%s'", new_name);
	if (mt_open_folder(t, &lg, moved, 0, 2) != MT_PASS ||
	    counts(t, &lg, 2, &content, &children) != MT_PASS) {
		return t->result;
	}
	MT_EXPECT_EQ(t, content, 1, "PidTagContentCount of the moved folder");
	return MT_PASS;
}

/*
 * MS-OXCFOLD 3.2.5.8: RopCopyFolder leaves the source and makes a copy
 * under the destination: with WantRecursive its subfolders too, without
 * it none; its messages either way.
 */
static enum mt_result copy_folder(struct mt_test *t, bool recursive)
{
	struct rop_request req = mt_request(RopCopyFolder);
	struct rop_response resp;
	struct mt_logon lg;
	uint64_t parent, a, sub, b, copy, mid;
	uint32_t content = 0, children = 0;
	bool found = false;
	const char *new_name;

	if (scratch(t, &lg, &parent) != MT_PASS ||
	    mt_create_folder(t, &lg, SCRATCH, 2, mt_unique_name(t, "original"), NULL, &a) != MT_PASS ||
	    mt_create_folder(t, &lg, 2, 4, mt_unique_name(t, "inner"), NULL, &sub) != MT_PASS ||
	    mt_create_folder(t, &lg, SCRATCH, 3, mt_unique_name(t, "target"), NULL, &b) != MT_PASS ||
	    mt_new_message(t, &lg, a, "copied along", 1, &mid) != MT_PASS) {
		return t->result;
	}
	mt_drop(t, &lg, 4);
	mt_drop(t, &lg, 2);
	new_name = mt_unique_name(t, "copy");
	req.u.copy_folder.source_handle_index = SCRATCH;
	req.u.copy_folder.dest_handle_index = 3;
	req.u.copy_folder.want_recursive = recursive ? 1 : 0;
	req.u.copy_folder.use_unicode = 1;
	req.u.copy_folder.folder_id = a;
	req.u.copy_folder.new_folder_name = talloc_strdup(t->mem, new_name);
	if (mt_rop(t, &lg, &req, &resp) != MT_PASS || mt_skip_unsupported(t, &resp) != MT_PASS) {
		return t->result;
	}
	MT_EXPECT(t, resp.u.copy_folder.return_value == MAPI_E_SUCCESS, "RopCopyFolder: %s",
		  mt_status(t, resp.u.copy_folder.return_value));
	if (lists_folder(t, &lg, SCRATCH, a, &found, NULL) != MT_PASS ||
	    child_named(t, &lg, 3, new_name, &copy) != MT_PASS) {
		return t->result;
	}
	MT_EXPECT(t, found, "the source lost the copied folder");
	MT_EXPECT(t, copy != 0 && copy != a, "the destination has no new subfolder '%s'", new_name);
	if (mt_open_folder(t, &lg, copy, 0, 2) != MT_PASS ||
	    counts(t, &lg, 2, &content, &children) != MT_PASS) {
		return t->result;
	}
	MT_EXPECT_EQ(t, content, 1, "PidTagContentCount of the copy");
	MT_EXPECT_EQ(t, children, recursive ? 1 : 0, "PidTagFolderChildCount of the copy");
	return MT_PASS;
}

static enum mt_result t_copy_folder_recursive(struct mt_test *t)
{
	return copy_folder(t, true);
}

static enum mt_result t_copy_folder_flat(struct mt_test *t)
{
	return copy_folder(t, false);
}

/* MS-OXCFOLD 3.2.5.9: RopEmptyFolder removes messages and subfolders, not the folder */
static enum mt_result t_empty_folder(struct mt_test *t)
{
	struct rop_request req = mt_request(RopEmptyFolder);
	struct rop_response resp;
	struct mt_logon lg;
	uint64_t parent, sub, mid, mids[16];
	uint16_t n = 0;
	uint32_t content = 0, children = 0, rows = 0;
	bool found = false;

	if (scratch(t, &lg, &parent) != MT_PASS ||
	    mt_create_folder(t, &lg, SCRATCH, 2, mt_unique_name(t, "emptied"), NULL, &sub) != MT_PASS ||
	    mt_new_message(t, &lg, parent, "one", 1, &mid) != MT_PASS ||
	    mt_new_message(t, &lg, parent, "two", 1, &mid) != MT_PASS) {
		return t->result;
	}
	mt_drop(t, &lg, 2);
	req.u.empty_folder.input_handle_index = SCRATCH;
	if (mt_rop(t, &lg, &req, &resp) != MT_PASS || mt_skip_unsupported(t, &resp) != MT_PASS) {
		return t->result;
	}
	MT_EXPECT(t, resp.u.empty_folder.return_value == MAPI_E_SUCCESS, "RopEmptyFolder: %s",
		  mt_status(t, resp.u.empty_folder.return_value));
	MT_EXPECT_EQ(t, resp.u.empty_folder.u.result.partial_completion, 0, "PartialCompletion");
	if (message_ids(t, &lg, SCRATCH, mids, &n) != MT_PASS ||
	    lists_folder(t, &lg, SCRATCH, sub, &found, &rows) != MT_PASS ||
	    counts(t, &lg, SCRATCH, &content, &children) != MT_PASS) {
		return t->result;
	}
	MT_EXPECT_EQ(t, n, 0, "contents table rows after RopEmptyFolder");
	MT_EXPECT_EQ(t, rows, 0, "hierarchy table rows after RopEmptyFolder");
	MT_EXPECT_EQ(t, content, 0, "PidTagContentCount after RopEmptyFolder");
	MT_EXPECT_EQ(t, children, 0, "PidTagFolderChildCount after RopEmptyFolder");
	return MT_PASS;
}

/*
 * MS-OXCFOLD 3.2.5.11, 3.2.5.12: RopDeleteMessages / RopHardDeleteMessages
 * remove exactly the messages named; a hard-deleted one cannot be opened.
 */
static enum mt_result delete_messages(struct mt_test *t, bool hard)
{
	struct rop_request req = mt_request(hard ? RopHardDeleteMessages : RopDeleteMessages);
	struct rop_response resp;
	struct mt_logon lg;
	uint64_t parent, m[3], mids[16];
	uint16_t n = 0;
	uint32_t rv;

	if (scratch(t, &lg, &parent) != MT_PASS ||
	    mt_new_message(t, &lg, parent, "delete me", 1, &m[0]) != MT_PASS ||
	    mt_new_message(t, &lg, parent, "keep me", 1, &m[1]) != MT_PASS ||
	    mt_new_message(t, &lg, parent, "delete me too", 1, &m[2]) != MT_PASS) {
		return t->result;
	}
	/* the two requests have the same layout (MS-OXCROPS 2.2.4.11, 2.2.4.12) */
	req.u.delete_messages.input_handle_index = SCRATCH;
	req.u.delete_messages.message_id_count = 2;
	req.u.delete_messages.message_ids = talloc_array(t->mem, uint64_t, 2);
	MT_EXPECT(t, req.u.delete_messages.message_ids != NULL, "out of memory");
	req.u.delete_messages.message_ids[0] = m[0];
	req.u.delete_messages.message_ids[1] = m[2];
	if (hard) {
		struct rop_delete_messages_request soft = req.u.delete_messages;

		req.u.hard_delete_messages.input_handle_index = soft.input_handle_index;
		req.u.hard_delete_messages.message_id_count = soft.message_id_count;
		req.u.hard_delete_messages.message_ids = soft.message_ids;
	}
	if (mt_rop(t, &lg, &req, &resp) != MT_PASS || mt_skip_unsupported(t, &resp) != MT_PASS) {
		return t->result;
	}
	rv = rop_response_return_value(&resp);
	MT_EXPECT(t, rv == MAPI_E_SUCCESS, "%s: %s", hard ? "RopHardDeleteMessages" :
		  "RopDeleteMessages", mt_status(t, rv));
	MT_EXPECT_EQ(t, hard ? resp.u.hard_delete_messages.u.result.partial_completion :
		     resp.u.delete_messages.u.result.partial_completion, 0, "PartialCompletion");
	if (message_ids(t, &lg, SCRATCH, mids, &n) != MT_PASS) {
		return t->result;
	}
	MT_EXPECT(t, n == 1 && mids[0] == m[1],
		  "the contents table has %u rows after deleting 2 of 3 (expected only the kept one)",
		  n);
	req = mt_request(RopOpenMessage);
	req.u.open_message.output_handle_index = 2;
	req.u.open_message.code_page_id = 0x0FFF;
	req.u.open_message.folder_id = parent;
	req.u.open_message.message_id = m[0];
	if (mt_rop(t, &lg, &req, &resp) != MT_PASS) {
		return t->result;
	}
	MT_EXPECT(t, resp.u.open_message.return_value == MAPI_E_NOT_FOUND,
		  "RopOpenMessage of a deleted message: %s, expected %s",
		  mt_status(t, resp.u.open_message.return_value), mt_status(t, MAPI_E_NOT_FOUND));
	return MT_PASS;
}

static enum mt_result t_delete_messages(struct mt_test *t)
{
	return delete_messages(t, false);
}

static enum mt_result t_hard_delete_messages(struct mt_test *t)
{
	return delete_messages(t, true);
}

/*
 * MS-OXCFOLD 3.2.5.6: RopMoveCopyMessages moves (the source loses them) or
 * copies (the source keeps them, the copies get new ids) the messages named.
 */
static enum mt_result move_copy_messages(struct mt_test *t, bool copy)
{
	struct rop_request req = mt_request(RopMoveCopyMessages);
	struct rop_response resp;
	struct mt_logon lg;
	uint64_t parent, dest, m[2], src_ids[16], dest_ids[16];
	uint16_t ns = 0, nd = 0, i;

	if (scratch(t, &lg, &parent) != MT_PASS ||
	    mt_create_folder(t, &lg, SCRATCH, 2, mt_unique_name(t, "dest"), NULL, &dest) != MT_PASS ||
	    mt_new_message(t, &lg, parent, "first", 1, &m[0]) != MT_PASS ||
	    mt_new_message(t, &lg, parent, "second", 1, &m[1]) != MT_PASS) {
		return t->result;
	}
	req.u.move_copy_messages.source_handle_index = SCRATCH;
	req.u.move_copy_messages.dest_handle_index = 2;
	req.u.move_copy_messages.message_id_count = 2;
	req.u.move_copy_messages.message_ids = talloc_memdup(t->mem, m, sizeof(m));
	req.u.move_copy_messages.want_copy = copy ? 1 : 0;
	if (mt_rop(t, &lg, &req, &resp) != MT_PASS || mt_skip_unsupported(t, &resp) != MT_PASS) {
		return t->result;
	}
	MT_EXPECT(t, resp.u.move_copy_messages.return_value == MAPI_E_SUCCESS,
		  "RopMoveCopyMessages(WantCopy %d): %s", copy,
		  mt_status(t, resp.u.move_copy_messages.return_value));
	MT_EXPECT_EQ(t, resp.u.move_copy_messages.u.result.partial_completion, 0,
		     "PartialCompletion");
	if (message_ids(t, &lg, SCRATCH, src_ids, &ns) != MT_PASS ||
	    message_ids(t, &lg, 2, dest_ids, &nd) != MT_PASS) {
		return t->result;
	}
	MT_EXPECT_EQ(t, nd, 2, "messages in the destination");
	MT_EXPECT_EQ(t, ns, copy ? 2 : 0, "messages left in the source");
	if (copy) {
		for (i = 0; i < nd; i++) {
			MT_EXPECT(t, !has_id(m, 2, dest_ids[i]),
				  "a copy has the MessageId 0x%016llx of its original",
				  (unsigned long long)dest_ids[i]);
		}
	}
	return MT_PASS;
}

static enum mt_result t_move_messages(struct mt_test *t)
{
	return move_copy_messages(t, false);
}

static enum mt_result t_copy_messages(struct mt_test *t)
{
	return move_copy_messages(t, true);
}

/* MS-OXCFOLD 2.2.2.2.1.2: PidTagContentCount follows messages created and deleted */
static enum mt_result t_content_count_follows(struct mt_test *t)
{
	struct rop_request req = mt_request(RopHardDeleteMessages);
	struct rop_response resp;
	struct mt_logon lg;
	uint64_t parent, m[2];
	uint32_t content = 0, children = 0;

	if (scratch(t, &lg, &parent) != MT_PASS || counts(t, &lg, SCRATCH, &content, &children) !=
	    MT_PASS) {
		return t->result;
	}
	MT_EXPECT_EQ(t, content, 0, "PidTagContentCount of a new folder");
	if (mt_new_message(t, &lg, parent, "counted", 1, &m[0]) != MT_PASS ||
	    mt_new_message(t, &lg, parent, "counted too", 1, &m[1]) != MT_PASS ||
	    counts(t, &lg, SCRATCH, &content, &children) != MT_PASS) {
		return t->result;
	}
	MT_EXPECT_EQ(t, content, 2, "PidTagContentCount after 2 messages");
	req.u.hard_delete_messages.input_handle_index = SCRATCH;
	req.u.hard_delete_messages.message_id_count = 1;
	req.u.hard_delete_messages.message_ids = talloc_memdup(t->mem, m, sizeof(m[0]));
	if (mt_rop(t, &lg, &req, &resp) != MT_PASS || mt_skip_unsupported(t, &resp) != MT_PASS ||
	    counts(t, &lg, SCRATCH, &content, &children) != MT_PASS) {
		return t->result;
	}
	MT_EXPECT_EQ(t, content, 1, "PidTagContentCount after deleting 1 of 2");
	return MT_PASS;
}

/*
 * MS-OXCFOLD 2.2.2.2.1.3, 2.2.2.2.1.13: PidTagFolderChildCount and
 * PidTagSubfolders follow subfolders created and deleted.
 */
static enum mt_result t_child_count_follows(struct mt_test *t)
{
	static const uint32_t tag[] = { PidTagSubfolders };
	struct mapi_property_row row;
	struct mt_logon lg;
	uint64_t parent, a, b;
	uint32_t content = 0, children = 0, rv = 0;
	uint8_t partial = 0;

	if (scratch(t, &lg, &parent) != MT_PASS ||
	    counts(t, &lg, SCRATCH, &content, &children) != MT_PASS) {
		return t->result;
	}
	MT_EXPECT_EQ(t, children, 0, "PidTagFolderChildCount of a new folder");
	if (mt_create_folder(t, &lg, SCRATCH, 2, mt_unique_name(t, "child"), NULL, &a) != MT_PASS ||
	    mt_create_folder(t, &lg, SCRATCH, 3, mt_unique_name(t, "child"), NULL, &b) != MT_PASS ||
	    counts(t, &lg, SCRATCH, &content, &children) != MT_PASS ||
	    mt_get_props(t, &lg, SCRATCH, tag, 1, &row) != MT_PASS) {
		return t->result;
	}
	MT_EXPECT_EQ(t, children, 2, "PidTagFolderChildCount after 2 subfolders");
	MT_EXPECT(t, row.values[0].flag == MAPI_PROPVAL_PRESENT && row.values[0].pv.value.boolean,
		  "PidTagSubfolders is not TRUE with 2 subfolders");
	mt_drop(t, &lg, 2);
	if (delete_folder(t, &lg, SCRATCH, a, 0, &rv, &partial) != MT_PASS ||
	    counts(t, &lg, SCRATCH, &content, &children) != MT_PASS) {
		return t->result;
	}
	MT_EXPECT(t, rv == MAPI_E_SUCCESS, "RopDeleteFolder: %s", mt_status(t, rv));
	MT_EXPECT_EQ(t, children, 1, "PidTagFolderChildCount after deleting 1 of 2");
	return MT_PASS;
}

/*
 * MS-OXOSFLD 2.2.2 and MS-OXCFOLD 3.2.5.13: the Inbox, Outbox, Sent Items
 * and Deleted Items the logon names are rows of the IPM subtree's
 * hierarchy table, whose parent they name.
 */
static enum mt_result t_special_folders_in_ipm_subtree(struct mt_test *t)
{
	static const uint32_t cols[] = { PidTagFolderId, PidTagParentFolderId };
	static const size_t which[] = { MT_FID_INBOX, MT_FID_OUTBOX, MT_FID_SENT_ITEMS,
					MT_FID_DELETED_ITEMS };
	static const char *const names[] = { "Inbox", "Outbox", "Sent Items", "Deleted Items" };
	struct rop_response rows;
	struct mt_logon lg;
	uint64_t ipm;
	size_t i;
	uint16_t r;

	if (mt_logon_open(t, 0x01, &lg) != MT_PASS) {
		return t->result;
	}
	ipm = lg.logon.u.private_mailbox.folder_ids[MT_FID_IPM_SUBTREE];
	if (mt_open_folder(t, &lg, ipm, 0, 1) != MT_PASS ||
	    mt_open_table(t, &lg, true, 1, TABLE, cols, 2, NULL) != MT_PASS ||
	    mt_query_rows(t, &lg, TABLE, true, 0, 1000, &rows) != MT_PASS) {
		return t->result;
	}
	for (i = 0; i < MT_COUNT(which); i++) {
		uint64_t fid = lg.logon.u.private_mailbox.folder_ids[which[i]];
		bool found = false;

		for (r = 0; r < rows.u.query_rows.u.ok.row_count; r++) {
			const struct mapi_property_row *row = &rows.u.query_rows.u.ok.row_data[r];

			if (row->count == 2 && row->values[0].flag == MAPI_PROPVAL_PRESENT &&
			    row->values[0].pv.value.i64 == fid) {
				found = true;
				MT_EXPECT(t, row->values[1].flag == MAPI_PROPVAL_PRESENT &&
					  row->values[1].pv.value.i64 == ipm,
					  "%s's PidTagParentFolderId is not the IPM subtree", names[i]);
			}
		}
		MT_EXPECT(t, found, "the IPM subtree's hierarchy table has no row for %s (0x%016llx)",
			  names[i], (unsigned long long)fid);
	}
	return MT_PASS;
}

/*
 * MS-OXCFOLD 3.2.5.2 and 2.2.1.2.1: FolderType 2 makes a search folder,
 * whose PidTagFolderType then says FOLDER_SEARCH.
 */
static enum mt_result t_create_search_folder(struct mt_test *t)
{
	static const uint32_t tag[] = { PidTagFolderType };
	struct rop_request req = mt_request(RopCreateFolder);
	struct rop_response resp;
	struct mapi_property_row row;
	struct mt_logon lg;
	uint64_t parent;

	if (scratch(t, &lg, &parent) != MT_PASS) {
		return t->result;
	}
	req.u.create_folder.input_handle_index = SCRATCH;
	req.u.create_folder.output_handle_index = 2;
	req.u.create_folder.folder_type = FOLDER_SEARCH;
	req.u.create_folder.use_unicode_strings = 1;
	req.u.create_folder.display_name = (char *)mt_unique_name(t, "search");
	req.u.create_folder.comment = talloc_strdup(t->mem, "");
	if (mt_rop(t, &lg, &req, &resp) != MT_PASS || mt_skip_unsupported(t, &resp) != MT_PASS) {
		return t->result;
	}
	if (resp.u.create_folder.return_value == MAPI_E_INVALID_PARAMETER) {
		return mt_skip(t, "the server makes no search folders (RopCreateFolder FolderType 2: %s)",
			       mt_status(t, resp.u.create_folder.return_value));
	}
	MT_EXPECT(t, resp.u.create_folder.return_value == MAPI_E_SUCCESS,
		  "RopCreateFolder(FOLDER_SEARCH): %s", mt_status(t, resp.u.create_folder.return_value));
	mt_drop(t, &lg, 2);
	if (mt_open_folder(t, &lg, resp.u.create_folder.u.ok.folder_id, 0, 2) != MT_PASS ||
	    mt_get_props(t, &lg, 2, tag, 1, &row) != MT_PASS) {
		return t->result;
	}
	MT_EXPECT_EQ(t, mt_row_u32(&row, 0, 0xFFFFFFFFu), FOLDER_SEARCH,
		     "PidTagFolderType of the search folder");
	return MT_PASS;
}

#define PidTagAssociatedContentCount 0x36170003u
#define TABLE_ASSOCIATED 0x02		/* MS-OXCFOLD 2.2.1.14.1 TableFlags */
#define TABLE_DEPTH 0x04		/* MS-OXCFOLD 2.2.1.13.1 TableFlags */

/*
 * MS-OXCFOLD 3.2.5.13, 2.2.1.13.1: the hierarchy table lists the folder's
 * children only, and with Depth every folder below it.
 */
static enum mt_result t_hierarchy_table_depth(struct mt_test *t)
{
	struct rop_request req = mt_request(RopGetHierarchyTable);
	struct rop_response resp;
	struct mt_logon lg;
	uint64_t parent, child, grandchild;
	uint32_t rows = 0;
	bool found = false;

	if (scratch(t, &lg, &parent) != MT_PASS ||
	    mt_create_folder(t, &lg, SCRATCH, 2, mt_unique_name(t, "child"), NULL, &child) != MT_PASS ||
	    mt_create_folder(t, &lg, 2, 3, mt_unique_name(t, "grandchild"), NULL, &grandchild) !=
	    MT_PASS || lists_folder(t, &lg, SCRATCH, grandchild, &found, &rows) != MT_PASS) {
		return t->result;
	}
	MT_EXPECT(t, rows == 1 && !found,
		  "without Depth: %u rows, grandchild %s (expected the child only)", rows,
		  found ? "listed" : "not listed");
	req.u.get_hierarchy_table.input_handle_index = SCRATCH;
	req.u.get_hierarchy_table.output_handle_index = TABLE;
	req.u.get_hierarchy_table.table_flags = TABLE_DEPTH;
	if (mt_rop(t, &lg, &req, &resp) != MT_PASS || mt_skip_unsupported(t, &resp) != MT_PASS) {
		return t->result;
	}
	MT_EXPECT(t, resp.u.get_hierarchy_table.return_value == MAPI_E_SUCCESS,
		  "RopGetHierarchyTable(Depth): %s",
		  mt_status(t, resp.u.get_hierarchy_table.return_value));
	MT_EXPECT_EQ(t, resp.u.get_hierarchy_table.u.ok.row_count, 2,
		     "RowCount of the Depth hierarchy table of a folder with a child and a grandchild");
	return MT_PASS;
}

/*
 * MS-OXCFOLD 3.2.5.14, 2.2.1.14.1: the contents table lists the normal
 * messages, with Associated the FAI messages only; PidTagContentCount and
 * PidTagAssociatedContentCount count each kind.
 */
static enum mt_result t_contents_table_associated(struct mt_test *t)
{
	static const uint32_t cols[] = { PidTagMid, PidTagSubject };
	static const uint32_t tags[] = { PidTagContentCount, PidTagAssociatedContentCount };
	struct rop_request req = mt_request(RopGetContentsTable);
	struct rop_response resp, rows;
	struct mapi_property_row counts_row;
	struct mt_logon lg;
	uint64_t parent, normal, fai, mids[16];
	uint16_t n = 0;

	if (scratch(t, &lg, &parent) != MT_PASS ||
	    mt_new_message(t, &lg, parent, "normal", 1, &normal) != MT_PASS ||
	    mt_create_message_fai(t, &lg, parent, "associated", 1, true, &fai) != MT_PASS ||
	    message_ids(t, &lg, SCRATCH, mids, &n) != MT_PASS) {
		return t->result;
	}
	MT_EXPECT(t, n == 1 && mids[0] == normal,
		  "the contents table has %u rows; expected the normal message only", n);
	req.u.get_contents_table.input_handle_index = SCRATCH;
	req.u.get_contents_table.output_handle_index = TABLE;
	req.u.get_contents_table.table_flags = TABLE_ASSOCIATED;
	if (mt_rop(t, &lg, &req, &resp) != MT_PASS || mt_skip_unsupported(t, &resp) != MT_PASS) {
		return t->result;
	}
	MT_EXPECT(t, resp.u.get_contents_table.return_value == MAPI_E_SUCCESS,
		  "RopGetContentsTable(Associated): %s",
		  mt_status(t, resp.u.get_contents_table.return_value));
	req = mt_request(RopSetColumns);
	req.u.set_columns.input_handle_index = TABLE;
	req.u.set_columns.property_tag_count = 2;
	req.u.set_columns.property_tags = (uint32_t *)cols;
	if (mt_rop(t, &lg, &req, &resp) != MT_PASS ||
	    mt_query_rows(t, &lg, TABLE, true, 0, 16, &rows) != MT_PASS) {
		return t->result;
	}
	MT_EXPECT(t, rows.u.query_rows.u.ok.row_count == 1 &&
		  rows.u.query_rows.u.ok.row_data[0].values[0].pv.value.i64 == fai,
		  "the Associated contents table has %u rows; expected the FAI message only",
		  rows.u.query_rows.u.ok.row_count);
	if (mt_get_props(t, &lg, SCRATCH, tags, 2, &counts_row) != MT_PASS) {
		return t->result;
	}
	MT_EXPECT_EQ(t, mt_row_u32(&counts_row, 0, 0xFFFFFFFFu), 1, "PidTagContentCount");
	MT_EXPECT_EQ(t, mt_row_u32(&counts_row, 1, 0xFFFFFFFFu), 1,
		     "PidTagAssociatedContentCount");
	return MT_PASS;
}

/* How many FAI messages the folder in SLOT has, by PidTagAssociatedContentCount */
static enum mt_result fai_count(struct mt_test *t, struct mt_logon *lg, uint8_t slot,
				uint32_t *count)
{
	static const uint32_t tag[] = { PidTagAssociatedContentCount };
	struct mapi_property_row row;

	if (mt_get_props(t, lg, slot, tag, 1, &row) != MT_PASS) {
		return t->result;
	}
	*count = mt_row_u32(&row, 0, 0xFFFFFFFFu);
	return MT_PASS;
}

/*
 * MS-OXCFOLD 3.2.5.9: RopEmptyFolder without WantDeleteAssociated leaves
 * the FAI messages; with it, they go too.
 */
static enum mt_result t_empty_folder_associated(struct mt_test *t)
{
	struct rop_request req = mt_request(RopEmptyFolder);
	struct rop_response resp;
	struct mt_logon lg;
	uint64_t parent, mid, mids[16];
	uint32_t fai = 0;
	uint16_t n = 0;

	if (scratch(t, &lg, &parent) != MT_PASS ||
	    mt_new_message(t, &lg, parent, "normal", 1, &mid) != MT_PASS ||
	    mt_create_message_fai(t, &lg, parent, "associated", 1, true, &mid) != MT_PASS) {
		return t->result;
	}
	req.u.empty_folder.input_handle_index = SCRATCH;
	if (mt_rop(t, &lg, &req, &resp) != MT_PASS || mt_skip_unsupported(t, &resp) != MT_PASS ||
	    message_ids(t, &lg, SCRATCH, mids, &n) != MT_PASS ||
	    fai_count(t, &lg, SCRATCH, &fai) != MT_PASS) {
		return t->result;
	}
	MT_EXPECT(t, resp.u.empty_folder.return_value == MAPI_E_SUCCESS, "RopEmptyFolder: %s",
		  mt_status(t, resp.u.empty_folder.return_value));
	MT_EXPECT_EQ(t, n, 0, "normal messages after RopEmptyFolder");
	MT_EXPECT_EQ(t, fai, 1, "FAI messages after RopEmptyFolder without WantDeleteAssociated");
	req.u.empty_folder.want_delete_associated = 1;
	if (mt_rop(t, &lg, &req, &resp) != MT_PASS || fai_count(t, &lg, SCRATCH, &fai) != MT_PASS) {
		return t->result;
	}
	MT_EXPECT(t, resp.u.empty_folder.return_value == MAPI_E_SUCCESS,
		  "RopEmptyFolder(WantDeleteAssociated): %s",
		  mt_status(t, resp.u.empty_folder.return_value));
	MT_EXPECT_EQ(t, fai, 0, "FAI messages after RopEmptyFolder with WantDeleteAssociated");
	return MT_PASS;
}

/*
 * MS-OXCFOLD 3.2.5.10: RopHardDeleteMessagesAndSubfolders leaves the
 * folder without messages or subfolders, which no longer open.
 */
static enum mt_result t_hard_delete_messages_and_subfolders(struct mt_test *t)
{
	struct rop_request req = mt_request(RopHardDeleteMessagesAndSubfolders);
	struct rop_response resp;
	struct mt_logon lg;
	uint64_t parent, sub, mid, mids[16];
	uint32_t content = 0, children = 0, rv = 0;
	uint16_t n = 0;

	if (scratch(t, &lg, &parent) != MT_PASS ||
	    mt_create_folder(t, &lg, SCRATCH, 2, mt_unique_name(t, "gone"), NULL, &sub) != MT_PASS ||
	    mt_new_message(t, &lg, parent, "gone too", 1, &mid) != MT_PASS) {
		return t->result;
	}
	mt_drop(t, &lg, 2);
	req.u.hard_delete_messages_and_subfolders.input_handle_index = SCRATCH;
	if (mt_rop(t, &lg, &req, &resp) != MT_PASS || mt_skip_unsupported(t, &resp) != MT_PASS) {
		return t->result;
	}
	MT_EXPECT(t, resp.u.hard_delete_messages_and_subfolders.return_value == MAPI_E_SUCCESS,
		  "RopHardDeleteMessagesAndSubfolders: %s",
		  mt_status(t, resp.u.hard_delete_messages_and_subfolders.return_value));
	if (message_ids(t, &lg, SCRATCH, mids, &n) != MT_PASS ||
	    counts(t, &lg, SCRATCH, &content, &children) != MT_PASS ||
	    try_open(t, &lg, sub, 2, &rv) != MT_PASS) {
		return t->result;
	}
	MT_EXPECT_EQ(t, n, 0, "contents table rows afterwards");
	MT_EXPECT_EQ(t, children, 0, "PidTagFolderChildCount afterwards");
	MT_EXPECT(t, rv == MAPI_E_NOT_FOUND, "RopOpenFolder of the removed subfolder: %s",
		  mt_status(t, rv));
	return MT_PASS;
}

/*
 * MS-OXCFOLD 3.2.5.11: RopDeleteMessages naming a message that is not
 * there deletes the others and says so with PartialCompletion.
 */
static enum mt_result t_delete_messages_partial(struct mt_test *t)
{
	struct rop_request req = mt_request(RopDeleteMessages);
	struct rop_response resp;
	struct mt_logon lg;
	uint64_t parent, ids[2], mids[16];
	uint16_t n = 0;

	if (scratch(t, &lg, &parent) != MT_PASS ||
	    mt_new_message(t, &lg, parent, "really there", 1, &ids[0]) != MT_PASS) {
		return t->result;
	}
	/* the mailbox's REPLID with a GlobalCounter far beyond any allocated */
	ids[1] = 0xFEDCBA9876540000ull | lg.logon.u.private_mailbox.repl_id;
	req.u.delete_messages.input_handle_index = SCRATCH;
	req.u.delete_messages.message_id_count = 2;
	req.u.delete_messages.message_ids = ids;
	if (mt_rop(t, &lg, &req, &resp) != MT_PASS || mt_skip_unsupported(t, &resp) != MT_PASS ||
	    message_ids(t, &lg, SCRATCH, mids, &n) != MT_PASS) {
		return t->result;
	}
	MT_EXPECT(t, resp.u.delete_messages.return_value == MAPI_E_SUCCESS &&
		  resp.u.delete_messages.u.result.partial_completion != 0,
		  "RopDeleteMessages of one message and one unknown id: %s, PartialCompletion %u "
		  "(expected success with PartialCompletion)",
		  mt_status(t, resp.u.delete_messages.return_value),
		  resp.u.delete_messages.u.result.partial_completion);
	MT_EXPECT_EQ(t, n, 0, "messages left after deleting the one that exists");
	return MT_PASS;
}

/*
 * MS-OXCFOLD 3.2.5.6: RopMoveCopyMessages naming a message that is not
 * there moves the others and says so with PartialCompletion.
 */
static enum mt_result t_move_messages_partial(struct mt_test *t)
{
	struct rop_request req = mt_request(RopMoveCopyMessages);
	struct rop_response resp;
	struct mt_logon lg;
	uint64_t parent, dest, ids[2], mids[16];
	uint16_t n = 0;

	if (scratch(t, &lg, &parent) != MT_PASS ||
	    mt_create_folder(t, &lg, SCRATCH, 2, mt_unique_name(t, "dest"), NULL, &dest) != MT_PASS ||
	    mt_new_message(t, &lg, parent, "really there", 1, &ids[0]) != MT_PASS) {
		return t->result;
	}
	ids[1] = 0xFEDCBA9876540000ull | lg.logon.u.private_mailbox.repl_id;
	req.u.move_copy_messages.source_handle_index = SCRATCH;
	req.u.move_copy_messages.dest_handle_index = 2;
	req.u.move_copy_messages.message_id_count = 2;
	req.u.move_copy_messages.message_ids = ids;
	if (mt_rop(t, &lg, &req, &resp) != MT_PASS || mt_skip_unsupported(t, &resp) != MT_PASS ||
	    message_ids(t, &lg, 2, mids, &n) != MT_PASS) {
		return t->result;
	}
	MT_EXPECT(t, resp.u.move_copy_messages.return_value == MAPI_E_SUCCESS &&
		  resp.u.move_copy_messages.u.result.partial_completion != 0,
		  "RopMoveCopyMessages of one message and one unknown id: %s, PartialCompletion %u "
		  "(expected success with PartialCompletion)",
		  mt_status(t, resp.u.move_copy_messages.return_value),
		  resp.u.move_copy_messages.u.result.partial_completion);
	MT_EXPECT_EQ(t, n, 1, "messages in the destination (the one that exists)");
	return MT_PASS;
}

static const struct mt_test_def tests[] = {
	{ "open_inbox", "MS-OXCFOLD 3.2.5.1",
	  "RopOpenFolder of the Inbox succeeds with a handle and IsGhosted 0", t_open_inbox },
	{ "open_unknown_folder", "MS-OXCFOLD 3.2.5.1",
	  "RopOpenFolder of a FID that names no folder is ecNotFound", t_open_unknown_folder },
	{ "hierarchy_table_of_ipm_subtree", "MS-OXCFOLD 3.2.5.13",
	  "RopGetHierarchyTable of the IPM subtree counts at least the 4 standard folders",
	  t_hierarchy_table_of_ipm_subtree },
	{ "create_folder_read_back", "MS-OXCFOLD 3.2.5.2",
	  "a created folder reopened by FolderId has the request's DisplayName, Comment and parent",
	  t_create_folder_read_back },
	{ "create_open_existing", "MS-OXCFOLD 3.2.5.2",
	  "RopCreateFolder with OpenExisting on a name in use opens that folder (same FolderId)",
	  t_create_open_existing },
	{ "create_duplicate_name", "MS-OXCFOLD 3.2.5.2",
	  "RopCreateFolder of a name in use without OpenExisting is ecDuplicateName",
	  t_create_duplicate_name },
	{ "delete_empty_folder", "MS-OXCFOLD 3.2.5.3",
	  "an empty folder is deleted without flags: unlisted, and RopOpenFolder is ecNotFound",
	  t_delete_empty_folder },
	{ "delete_folder_with_messages", "MS-OXCFOLD 3.2.5.3",
	  "a folder with messages stays without DEL_MESSAGES (PartialCompletion), goes with it",
	  t_delete_folder_with_messages },
	{ "delete_folder_with_subfolders", "MS-OXCFOLD 3.2.5.3",
	  "a folder with subfolders stays without DEL_FOLDERS (PartialCompletion), goes with it",
	  t_delete_folder_with_subfolders },
	{ "move_folder", "MS-OXCFOLD 3.2.5.7",
	  "RopMoveFolder moves the folder, renamed, with its messages, out of the source",
	  t_move_folder },
	{ "copy_folder_recursive", "MS-OXCFOLD 3.2.5.8",
	  "RopCopyFolder(WantRecursive) copies the folder with its messages and subfolders",
	  t_copy_folder_recursive },
	{ "copy_folder_flat", "MS-OXCFOLD 3.2.5.8",
	  "RopCopyFolder without WantRecursive copies the messages but no subfolder",
	  t_copy_folder_flat },
	{ "empty_folder", "MS-OXCFOLD 3.2.5.9",
	  "RopEmptyFolder leaves no message and no subfolder in the folder", t_empty_folder },
	{ "delete_messages", "MS-OXCFOLD 3.2.5.11",
	  "RopDeleteMessages removes exactly the messages named", t_delete_messages },
	{ "hard_delete_messages", "MS-OXCFOLD 3.2.5.12",
	  "RopHardDeleteMessages removes exactly the messages named; they no longer open",
	  t_hard_delete_messages },
	{ "move_messages", "MS-OXCFOLD 3.2.5.6",
	  "RopMoveCopyMessages (move) puts the messages in the destination, none left in the source",
	  t_move_messages },
	{ "copy_messages", "MS-OXCFOLD 3.2.5.6",
	  "RopMoveCopyMessages (WantCopy) keeps the originals; the copies have new MessageIds",
	  t_copy_messages },
	{ "content_count_follows", "MS-OXCFOLD 2.2.2.2.1.2",
	  "PidTagContentCount follows the messages created and deleted", t_content_count_follows },
	{ "child_count_follows", "MS-OXCFOLD 2.2.2.2.1.3",
	  "PidTagFolderChildCount and PidTagSubfolders follow the subfolders created and deleted",
	  t_child_count_follows },
	{ "special_folders_in_ipm_subtree", "MS-OXOSFLD 2.2.2, MS-OXCFOLD 3.2.5.13",
	  "the logon's Inbox, Outbox, Sent Items and Deleted Items are rows of the IPM subtree",
	  t_special_folders_in_ipm_subtree },
	{ "create_search_folder", "MS-OXCFOLD 3.2.5.2",
	  "RopCreateFolder FolderType 2 makes a folder whose PidTagFolderType is FOLDER_SEARCH",
	  t_create_search_folder },
	{ "hierarchy_table_depth", "MS-OXCFOLD 3.2.5.13, 2.2.1.13.1",
	  "the hierarchy table lists children only; with Depth every folder below",
	  t_hierarchy_table_depth },
	{ "contents_table_associated", "MS-OXCFOLD 3.2.5.14, 2.2.1.14.1",
	  "the contents table lists normal messages, with Associated the FAI ones, each counted",
	  t_contents_table_associated },
	{ "empty_folder_associated", "MS-OXCFOLD 3.2.5.9",
	  "RopEmptyFolder keeps FAI messages unless WantDeleteAssociated", t_empty_folder_associated },
	{ "hard_delete_messages_and_subfolders", "MS-OXCFOLD 3.2.5.10",
	  "RopHardDeleteMessagesAndSubfolders leaves no message and no subfolder",
	  t_hard_delete_messages_and_subfolders },
	{ "delete_messages_partial", "MS-OXCFOLD 3.2.5.11",
	  "RopDeleteMessages with an unknown id deletes the rest and sets PartialCompletion",
	  t_delete_messages_partial },
	{ "move_messages_partial", "MS-OXCFOLD 3.2.5.6",
	  "RopMoveCopyMessages with an unknown id moves the rest and sets PartialCompletion",
	  t_move_messages_partial },
};

const struct mt_family mt_family_oxcfold = {
	"OXCFOLD", "folder ROPs: create, delete, move, copy, empty, message moves, counts", true,
	tests, MT_COUNT(tests),
};
