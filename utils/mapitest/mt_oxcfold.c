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

static const struct mt_test_def tests[] = {
	{ "open_inbox", "MS-OXCFOLD 3.2.5.1",
	  "RopOpenFolder of the Inbox succeeds with a handle and IsGhosted 0", t_open_inbox },
	{ "open_unknown_folder", "MS-OXCFOLD 3.2.5.1",
	  "RopOpenFolder of a FID that names no folder is ecNotFound", t_open_unknown_folder },
	{ "hierarchy_table_of_ipm_subtree", "MS-OXCFOLD 3.2.5.13",
	  "RopGetHierarchyTable of the IPM subtree counts at least the 4 standard folders",
	  t_hierarchy_table_of_ipm_subtree },
};

const struct mt_family mt_family_oxcfold = {
	"OXCFOLD", "folder ROPs (skipped while the server answers ecNotSupported)", true,
	tests, MT_COUNT(tests),
};
