/*
 * mapitest OXCTABL: table ROPs (MS-OXCTABL 3.2.5) on a folder's hierarchy
 * table.  Skipped while the server answers ecNotSupported for them.
 *
 * Copyright (C) OpenChange developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <talloc.h>

#include "utils/mapitest/mapitest.h"
#include "libmapi/rop_session.h"

/* MS-OXPROPS tags (gen_proptags.h clashes with oxcdata_propval.h's macros) */
#define PidTagFolderId 0x67480014u
#define PidTagDisplayName 0x3001001Fu

/*
 * The IPM subtree's hierarchy table in slot 2 with the columns
 * PidTagFolderId, PidTagDisplayName set; then RopQueryRows of up to 50 rows.
 */
static enum mt_result query_ipm_subtree(struct mt_test *t, struct mt_logon *lg,
					struct rop_response *rows, uint32_t *row_count)
{
	static uint32_t columns[] = { PidTagFolderId, PidTagDisplayName };
	struct rop_request req;
	struct rop_response resp;

	if (mt_logon_open(t, 0x01, lg) != MT_PASS ||
	    mt_open_folder(t, lg, lg->logon.u.private_mailbox.folder_ids[MT_FID_IPM_SUBTREE], 0, 1) !=
	    MT_PASS) {
		return t->result;
	}
	memset(&req, 0, sizeof(req));
	req.rop_id = RopGetHierarchyTable;
	req.u.get_hierarchy_table.input_handle_index = 1;
	req.u.get_hierarchy_table.output_handle_index = 2;
	if (mt_rop(t, lg, &req, &resp) != MT_PASS || mt_skip_unsupported(t, &resp) != MT_PASS) {
		return t->result;
	}
	MT_EXPECT(t, resp.u.get_hierarchy_table.return_value == MAPI_E_SUCCESS,
		  "RopGetHierarchyTable: %s", mt_status(t, resp.u.get_hierarchy_table.return_value));
	*row_count = resp.u.get_hierarchy_table.u.ok.row_count;

	memset(&req, 0, sizeof(req));
	req.rop_id = RopSetColumns;
	req.u.set_columns.input_handle_index = 2;
	req.u.set_columns.property_tag_count = 2;
	req.u.set_columns.property_tags = columns;
	if (mt_rop(t, lg, &req, &resp) != MT_PASS || mt_skip_unsupported(t, &resp) != MT_PASS) {
		return t->result;
	}
	MT_EXPECT(t, resp.u.set_columns.return_value == MAPI_E_SUCCESS, "RopSetColumns: %s",
		  mt_status(t, resp.u.set_columns.return_value));

	memset(&req, 0, sizeof(req));
	req.rop_id = RopQueryRows;
	req.u.query_rows.input_handle_index = 2;
	req.u.query_rows.forward_read = 1;
	req.u.query_rows.row_count = 50;
	if (mt_rop(t, lg, &req, rows) != MT_PASS || mt_skip_unsupported(t, rows) != MT_PASS) {
		return t->result;
	}
	MT_EXPECT(t, rows->u.query_rows.return_value == MAPI_E_SUCCESS, "RopQueryRows: %s",
		  mt_status(t, rows->u.query_rows.return_value));
	return MT_PASS;
}

/* MS-OXCTABL 3.2.5.1, 3.2.5.5: the hierarchy table's rows name the Inbox */
static enum mt_result t_hierarchy_finds_inbox(struct mt_test *t)
{
	struct rop_response rows;
	struct mt_logon lg;
	uint32_t count = 0;
	uint16_t i;
	uint64_t inbox;

	if (query_ipm_subtree(t, &lg, &rows, &count) != MT_PASS) {
		return t->result;
	}
	inbox = lg.logon.u.private_mailbox.folder_ids[MT_FID_INBOX];
	for (i = 0; i < rows.u.query_rows.u.ok.row_count; i++) {
		const struct mapi_property_row *row = &rows.u.query_rows.u.ok.row_data[i];

		if (row->count == 2 && row->values[0].flag == MAPI_PROPVAL_PRESENT &&
		    row->values[0].pv.value.i64 == inbox) {
			MT_EXPECT(t, row->values[1].flag == MAPI_PROPVAL_PRESENT &&
				  row->values[1].pv.value.string != NULL &&
				  row->values[1].pv.value.string[0] != '\0',
				  "the Inbox row has no display name");
			return MT_PASS;
		}
	}
	return mt_fail(t, "%u rows, none with the Inbox's FolderId 0x%016llx",
		       rows.u.query_rows.u.ok.row_count, (unsigned long long)inbox);
}

/* MS-OXCTABL 3.2.5.5: all rows of a small table come in one RopQueryRows */
static enum mt_result t_query_rows_count(struct mt_test *t)
{
	struct rop_response rows;
	struct mt_logon lg;
	uint32_t count = 0;

	if (query_ipm_subtree(t, &lg, &rows, &count) != MT_PASS) {
		return t->result;
	}
	MT_EXPECT(t, count <= 50, "more than 50 folders in a new mailbox (%u)", count);
	MT_EXPECT_EQ(t, rows.u.query_rows.u.ok.row_count, count,
		     "RowCount of RopQueryRows vs RopGetHierarchyTable's");
	return MT_PASS;
}

static const struct mt_test_def tests[] = {
	{ "hierarchy_finds_inbox", "MS-OXCTABL 3.2.5.1, 3.2.5.5",
	  "GetHierarchyTable+SetColumns+QueryRows of the IPM subtree lists the Inbox",
	  t_hierarchy_finds_inbox },
	{ "query_rows_count", "MS-OXCTABL 3.2.5.5",
	  "RopQueryRows returns every row of a small table at once",
	  t_query_rows_count },
};

const struct mt_family mt_family_oxctabl = {
	"OXCTABL", "table ROPs (skipped while the server answers ecNotSupported)", true,
	tests, MT_COUNT(tests),
};
