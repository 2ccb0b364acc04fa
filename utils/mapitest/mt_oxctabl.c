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

/*
 * The tests below read the contents table of a scratch folder (deleted
 * when the test ends) holding four messages, so that what the table
 * answers can be checked against what was created:
 *
 *   index  Subject  Importance
 *   0      B        1
 *   1      A        2
 *   2      A        1
 *   3      C        2
 *
 * Slots: 0 the logon, 1 the folder, 2 its contents table.
 */
#define PidTagMid 0x674A0014u
#define PidTagSubject 0x0037001Fu
#define PidTagImportance 0x00170003u
#define PidTagInstID 0x674D0014u
#define PidTagRowType 0x0FF50003u

#define TABLE 2
#define N_MESSAGES 4
#define BOOKMARK_BEGINNING 0x00	/* MS-OXCTABL 2.2.2.1.1 */
#define BOOKMARK_CURRENT 0x01
#define BOOKMARK_END 0x02
#define QUERY_NO_ADVANCE 0x01	/* MS-OXCTABL 2.2.2.4.1 QueryRowsFlags */
#define FIND_BACKWARD 0x01	/* MS-OXCTABL 2.2.2.15.1 FindRowFlags */
#define TBLSTAT_COMPLETE 0x00	/* MS-OXCTABL 2.2.2.1.3 */
#define TBL_COLLAPSED_CATEGORY 0x04	/* MS-OXCTABL 2.2.1.2 PidTagRowType */

static const char *const fixture_subject[N_MESSAGES] = { "B", "A", "A", "C" };
static const uint32_t fixture_importance[N_MESSAGES] = { 1, 2, 1, 2 };
static const uint32_t fixture_columns[] = { PidTagMid, PidTagSubject, PidTagImportance };

struct fixture {
	struct mt_logon lg;
	uint64_t fid;
	uint64_t mid[N_MESSAGES];
};

/* The folder with its four messages, its contents table in slot 2 with the three columns */
static enum mt_result fixture(struct mt_test *t, struct fixture *f)
{
	uint32_t rows = 0;
	size_t i;

	if (mt_logon_open(t, 0x01, &f->lg) != MT_PASS ||
	    mt_scratch_folder(t, &f->lg, 1, &f->fid) != MT_PASS) {
		return t->result;
	}
	for (i = 0; i < N_MESSAGES; i++) {
		if (mt_new_message(t, &f->lg, f->fid, fixture_subject[i], fixture_importance[i],
				      &f->mid[i]) != MT_PASS) {
			return t->result;
		}
	}
	if (mt_open_table(t, &f->lg, false, 1, TABLE, fixture_columns, 3, &rows) != MT_PASS) {
		return t->result;
	}
	MT_EXPECT_EQ(t, rows, N_MESSAGES, "RowCount of the contents table");
	return MT_PASS;
}

/* Which fixture message ROW is (by its PidTagMid), or -1 */
static int which(const struct fixture *f, const struct mapi_property_row *row)
{
	int i;

	if (row->count < 1 || row->values[0].flag != MAPI_PROPVAL_PRESENT) {
		return -1;
	}
	for (i = 0; i < N_MESSAGES; i++) {
		if (row->values[0].pv.value.i64 == f->mid[i]) {
			return i;
		}
	}
	return -1;
}

static enum mt_result position(struct mt_test *t, struct fixture *f, uint32_t *num,
			       uint32_t *den)
{
	struct rop_request req = mt_request(RopQueryPosition);
	struct rop_response resp;

	req.u.query_position.input_handle_index = TABLE;
	if (mt_rop(t, &f->lg, &req, &resp) != MT_PASS || mt_skip_unsupported(t, &resp) != MT_PASS) {
		return t->result;
	}
	MT_EXPECT(t, resp.u.query_position.return_value == MAPI_E_SUCCESS, "RopQueryPosition: %s",
		  mt_status(t, resp.u.query_position.return_value));
	*num = resp.u.query_position.u.ok.numerator;
	if (den != NULL) {
		*den = resp.u.query_position.u.ok.denominator;
	}
	return MT_PASS;
}

/* RopSeekRow; *sought and *less (may be NULL) its answer */
static enum mt_result seek(struct mt_test *t, struct fixture *f, uint8_t origin, int32_t rows,
			   int32_t *sought, uint8_t *less)
{
	struct rop_request req = mt_request(RopSeekRow);
	struct rop_response resp;

	req.u.seek_row.input_handle_index = TABLE;
	req.u.seek_row.origin = origin;
	req.u.seek_row.row_count = (uint32_t)rows;
	req.u.seek_row.want_row_moved_count = 1;
	if (mt_rop(t, &f->lg, &req, &resp) != MT_PASS || mt_skip_unsupported(t, &resp) != MT_PASS) {
		return t->result;
	}
	MT_EXPECT(t, resp.u.seek_row.return_value == MAPI_E_SUCCESS, "RopSeekRow(%u, %d): %s",
		  origin, rows, mt_status(t, resp.u.seek_row.return_value));
	if (sought != NULL) {
		*sought = (int32_t)resp.u.seek_row.u.ok.rows_sought;
	}
	if (less != NULL) {
		*less = resp.u.seek_row.u.ok.has_sought_less;
	}
	return MT_PASS;
}

/* The fixture indexes of all rows from the cursor on, in table order */
static enum mt_result order(struct mt_test *t, struct fixture *f, int got[N_MESSAGES],
			    uint16_t *count)
{
	struct rop_response rows;
	uint16_t i;

	if (mt_query_rows(t, &f->lg, TABLE, true, 0, 100, &rows) != MT_PASS) {
		return t->result;
	}
	*count = rows.u.query_rows.u.ok.row_count;
	MT_EXPECT(t, *count <= N_MESSAGES, "%u rows in a table of %d messages", *count, N_MESSAGES);
	for (i = 0; i < *count; i++) {
		got[i] = which(f, &rows.u.query_rows.u.ok.row_data[i]);
		MT_EXPECT(t, got[i] >= 0, "row %u is none of the messages created", i);
	}
	return MT_PASS;
}

static const char *order_text(struct mt_test *t, const int *got, uint16_t count)
{
	char *s = talloc_strdup(t->mem, "");
	uint16_t i;

	for (i = 0; i < count && s != NULL; i++) {
		s = talloc_asprintf_append(s, "%s(%s,%u)", i ? " " : "", fixture_subject[got[i]],
					   fixture_importance[got[i]]);
	}
	return s != NULL ? s : "?";
}

/* RopSortTable on two keys, then the order of the rows */
static enum mt_result sort_two_keys(struct mt_test *t, uint32_t tag1, uint8_t order1,
				    uint32_t tag2, uint8_t order2, const int expected[N_MESSAGES])
{
	struct rop_request req = mt_request(RopSortTable);
	struct rop_response resp;
	struct rop_sort_order keys[2];
	struct fixture f;
	int got[N_MESSAGES];
	uint16_t count = 0, i;

	if (fixture(t, &f) != MT_PASS) {
		return t->result;
	}
	keys[0].property_type = (uint16_t)(tag1 & 0xFFFF);
	keys[0].property_id = (uint16_t)(tag1 >> 16);
	keys[0].order = order1;
	keys[1].property_type = (uint16_t)(tag2 & 0xFFFF);
	keys[1].property_id = (uint16_t)(tag2 >> 16);
	keys[1].order = order2;
	req.u.sort_table.input_handle_index = TABLE;
	req.u.sort_table.sort_order_count = 2;
	req.u.sort_table.sort_orders = keys;
	if (mt_rop(t, &f.lg, &req, &resp) != MT_PASS || mt_skip_unsupported(t, &resp) != MT_PASS) {
		return t->result;
	}
	MT_EXPECT(t, resp.u.sort_table.return_value == MAPI_E_SUCCESS, "RopSortTable: %s",
		  mt_status(t, resp.u.sort_table.return_value));
	if (order(t, &f, got, &count) != MT_PASS) {
		return t->result;
	}
	MT_EXPECT_EQ(t, count, N_MESSAGES, "rows after RopSortTable");
	for (i = 0; i < count; i++) {
		/* equal keys may come in any order: compare the keys, not the ids */
		MT_EXPECT(t, strcmp(fixture_subject[got[i]], fixture_subject[expected[i]]) == 0 &&
			  fixture_importance[got[i]] == fixture_importance[expected[i]],
			  "sorted rows (subject,importance): %s; expected %s",
			  order_text(t, got, count), order_text(t, expected, N_MESSAGES));
	}
	return MT_PASS;
}

/* MS-OXCTABL 3.2.5.3: Importance descending, then Subject ascending */
static enum mt_result t_sort_importance_desc_subject_asc(struct mt_test *t)
{
	static const int expected[N_MESSAGES] = { 1, 3, 2, 0 };	/* (A,2) (C,2) (A,1) (B,1) */

	return sort_two_keys(t, PidTagImportance, 0x01, PidTagSubject, 0x00, expected);
}

/* MS-OXCTABL 3.2.5.3: Subject ascending, then Importance descending */
static enum mt_result t_sort_subject_asc_importance_desc(struct mt_test *t)
{
	static const int expected[N_MESSAGES] = { 1, 2, 0, 3 };	/* (A,2) (A,1) (B,1) (C,2) */

	return sort_two_keys(t, PidTagSubject, 0x00, PidTagImportance, 0x01, expected);
}

/*
 * MS-OXCTABL 3.2.5.2, 3.2.5.13: the rows carry the columns RopSetColumns
 * set, with the values the messages were saved with, and
 * RopQueryColumnsAll names those columns among the table's.
 */
static enum mt_result t_set_columns_query_columns_all(struct mt_test *t)
{
	struct rop_request req = mt_request(RopQueryColumnsAll);
	struct rop_response resp, rows;
	struct fixture f;
	uint16_t i, j;

	if (fixture(t, &f) != MT_PASS ||
	    mt_query_rows(t, &f.lg, TABLE, true, 0, 100, &rows) != MT_PASS) {
		return t->result;
	}
	MT_EXPECT_EQ(t, rows.u.query_rows.u.ok.row_count, N_MESSAGES, "rows");
	for (i = 0; i < rows.u.query_rows.u.ok.row_count; i++) {
		const struct mapi_property_row *row = &rows.u.query_rows.u.ok.row_data[i];
		int k = which(&f, row);

		MT_EXPECT(t, k >= 0 && row->count == 3, "row %u: %u columns (3 set) or unknown id", i,
			  row->count);
		MT_EXPECT(t, row->values[1].flag == MAPI_PROPVAL_PRESENT &&
			  row->values[1].pv.value.string != NULL &&
			  strcmp(row->values[1].pv.value.string, fixture_subject[k]) == 0,
			  "row %u: PidTagSubject is not '%s'", i, fixture_subject[k]);
		MT_EXPECT_EQ(t, mt_row_u32(row, 2, 0xFFFFFFFFu), fixture_importance[k],
			     "PidTagImportance of a row");
	}
	req.u.query_columns_all.input_handle_index = TABLE;
	if (mt_rop(t, &f.lg, &req, &resp) != MT_PASS || mt_skip_unsupported(t, &resp) != MT_PASS) {
		return t->result;
	}
	MT_EXPECT(t, resp.u.query_columns_all.return_value == MAPI_E_SUCCESS,
		  "RopQueryColumnsAll: %s", mt_status(t, resp.u.query_columns_all.return_value));
	for (j = 0; j < MT_COUNT(fixture_columns); j++) {
		bool found = false;

		for (i = 0; i < resp.u.query_columns_all.u.ok.property_tag_count; i++) {
			found |= resp.u.query_columns_all.u.ok.property_tags[i] == fixture_columns[j];
		}
		MT_EXPECT(t, found, "RopQueryColumnsAll (%u tags) lacks 0x%08x",
			  resp.u.query_columns_all.u.ok.property_tag_count, fixture_columns[j]);
	}
	return MT_PASS;
}

/*
 * MS-OXCTABL 3.2.5.5, 3.2.5.8: RopQueryRows reads from the cursor forward
 * or backward and moves it past what it read (not with NoAdvance), which
 * RopQueryPosition reports; a read that reaches the end says BOOKMARK_END.
 */
static enum mt_result t_query_rows_positions(struct mt_test *t)
{
	struct rop_response all, rows;
	struct fixture f;
	uint32_t num = 99, den = 0;
	int first[N_MESSAGES];
	uint16_t i;

	if (fixture(t, &f) != MT_PASS ||
	    mt_query_rows(t, &f.lg, TABLE, true, QUERY_NO_ADVANCE, 100, &all) != MT_PASS ||
	    position(t, &f, &num, &den) != MT_PASS) {
		return t->result;
	}
	MT_EXPECT_EQ(t, all.u.query_rows.u.ok.row_count, N_MESSAGES, "rows read with NoAdvance");
	MT_EXPECT(t, num == 0 && den == N_MESSAGES,
		  "position %u/%u after a NoAdvance read, expected 0/%d", num, den, N_MESSAGES);
	for (i = 0; i < N_MESSAGES; i++) {
		first[i] = which(&f, &all.u.query_rows.u.ok.row_data[i]);
	}
	if (mt_query_rows(t, &f.lg, TABLE, true, 0, 2, &rows) != MT_PASS ||
	    position(t, &f, &num, NULL) != MT_PASS) {
		return t->result;
	}
	MT_EXPECT_EQ(t, rows.u.query_rows.u.ok.row_count, 2, "rows of a forward read of 2");
	MT_EXPECT_EQ(t, which(&f, &rows.u.query_rows.u.ok.row_data[1]), first[1],
		     "second row of the forward read (fixture index)");
	MT_EXPECT_EQ(t, num, 2, "position after reading 2 rows forward");
	MT_EXPECT_EQ(t, rows.u.query_rows.u.ok.origin, BOOKMARK_CURRENT, "Origin of a mid-table read");

	if (mt_query_rows(t, &f.lg, TABLE, false, 0, 1, &rows) != MT_PASS ||
	    position(t, &f, &num, NULL) != MT_PASS) {
		return t->result;
	}
	MT_EXPECT_EQ(t, rows.u.query_rows.u.ok.row_count, 1, "rows of a backward read of 1");
	MT_EXPECT_EQ(t, which(&f, &rows.u.query_rows.u.ok.row_data[0]), first[1],
		     "the row a backward read of 1 from position 2 returns (fixture index)");
	MT_EXPECT_EQ(t, num, 1, "position after reading 1 row backward");

	if (mt_query_rows(t, &f.lg, TABLE, true, 0, 100, &rows) != MT_PASS ||
	    position(t, &f, &num, NULL) != MT_PASS) {
		return t->result;
	}
	MT_EXPECT_EQ(t, rows.u.query_rows.u.ok.row_count, N_MESSAGES - 1, "rows left from position 1");
	MT_EXPECT_EQ(t, rows.u.query_rows.u.ok.origin, BOOKMARK_END, "Origin of a read to the end");
	MT_EXPECT_EQ(t, num, N_MESSAGES, "position after reading to the end");
	return MT_PASS;
}

/*
 * MS-OXCTABL 3.2.5.9: RopSeekRow moves from the beginning, the cursor or
 * the end, and stops at either end with HasSoughtLess and the rows
 * actually sought.
 */
static enum mt_result t_seek_row_origins(struct mt_test *t)
{
	struct fixture f;
	int32_t sought = 0;
	uint8_t less = 0;
	uint32_t num = 0;

	if (fixture(t, &f) != MT_PASS ||
	    seek(t, &f, BOOKMARK_BEGINNING, 1, &sought, &less) != MT_PASS ||
	    position(t, &f, &num, NULL) != MT_PASS) {
		return t->result;
	}
	MT_EXPECT(t, num == 1 && sought == 1 && !less,
		  "BEGINNING+1: position %u, RowsSought %d, HasSoughtLess %u", num, sought, less);
	if (seek(t, &f, BOOKMARK_CURRENT, 2, &sought, &less) != MT_PASS ||
	    position(t, &f, &num, NULL) != MT_PASS) {
		return t->result;
	}
	MT_EXPECT(t, num == 3 && sought == 2 && !less,
		  "CURRENT+2 from 1: position %u, RowsSought %d, HasSoughtLess %u", num, sought, less);
	if (seek(t, &f, BOOKMARK_END, -1, &sought, &less) != MT_PASS ||
	    position(t, &f, &num, NULL) != MT_PASS) {
		return t->result;
	}
	MT_EXPECT(t, num == N_MESSAGES - 1 && sought == -1 && !less,
		  "END-1: position %u, RowsSought %d, HasSoughtLess %u", num, sought, less);
	if (seek(t, &f, BOOKMARK_BEGINNING, 10, &sought, &less) != MT_PASS ||
	    position(t, &f, &num, NULL) != MT_PASS) {
		return t->result;
	}
	MT_EXPECT(t, num == N_MESSAGES && sought == N_MESSAGES && less,
		  "BEGINNING+10 in %d rows: position %u, RowsSought %d, HasSoughtLess %u",
		  N_MESSAGES, num, sought, less);
	if (seek(t, &f, BOOKMARK_CURRENT, -10, &sought, &less) != MT_PASS ||
	    position(t, &f, &num, NULL) != MT_PASS) {
		return t->result;
	}
	MT_EXPECT(t, num == 0 && sought == -N_MESSAGES && less,
		  "CURRENT-10 from the end: position %u, RowsSought %d, HasSoughtLess %u", num,
		  sought, less);
	return MT_PASS;
}

/* MS-OXCTABL 3.2.5.11: RopSeekRowFractional 1/2 puts the cursor half-way */
static enum mt_result t_seek_row_fractional(struct mt_test *t)
{
	struct rop_request req = mt_request(RopSeekRowFractional);
	struct rop_response resp;
	struct fixture f;
	uint32_t num = 0;

	if (fixture(t, &f) != MT_PASS) {
		return t->result;
	}
	req.u.seek_row_fractional.input_handle_index = TABLE;
	req.u.seek_row_fractional.numerator = 1;
	req.u.seek_row_fractional.denominator = 2;
	if (mt_rop(t, &f.lg, &req, &resp) != MT_PASS || mt_skip_unsupported(t, &resp) != MT_PASS) {
		return t->result;
	}
	MT_EXPECT(t, resp.u.seek_row_fractional.return_value == MAPI_E_SUCCESS,
		  "RopSeekRowFractional: %s", mt_status(t, resp.u.seek_row_fractional.return_value));
	if (position(t, &f, &num, NULL) != MT_PASS) {
		return t->result;
	}
	MT_EXPECT_EQ(t, num, N_MESSAGES / 2, "position after seeking to 1/2");
	return MT_PASS;
}

static enum mt_result create_bookmark(struct mt_test *t, struct fixture *f, uint8_t **bm,
				      uint16_t *size)
{
	struct rop_request req = mt_request(RopCreateBookmark);
	struct rop_response resp;

	req.u.create_bookmark.input_handle_index = TABLE;
	if (mt_rop(t, &f->lg, &req, &resp) != MT_PASS || mt_skip_unsupported(t, &resp) != MT_PASS) {
		return t->result;
	}
	MT_EXPECT(t, resp.u.create_bookmark.return_value == MAPI_E_SUCCESS, "RopCreateBookmark: %s",
		  mt_status(t, resp.u.create_bookmark.return_value));
	*size = resp.u.create_bookmark.u.ok.bookmark_size;
	*bm = resp.u.create_bookmark.u.ok.bookmark;
	MT_EXPECT(t, *size > 0, "an empty bookmark");
	return MT_PASS;
}

static enum mt_result seek_bookmark(struct mt_test *t, struct fixture *f, uint8_t *bm,
				    uint16_t size, struct rop_response *resp)
{
	struct rop_request req = mt_request(RopSeekRowBookmark);

	req.u.seek_row_bookmark.input_handle_index = TABLE;
	req.u.seek_row_bookmark.bookmark_size = size;
	req.u.seek_row_bookmark.bookmark = bm;
	req.u.seek_row_bookmark.want_row_moved_count = 1;
	if (mt_rop(t, &f->lg, &req, resp) != MT_PASS || mt_skip_unsupported(t, resp) != MT_PASS) {
		return t->result;
	}
	return MT_PASS;
}

/*
 * MS-OXCTABL 3.2.5.12, 3.2.5.10, 3.2.5.15: a bookmark brings the cursor
 * back to its row; once freed it is ecInvalidBookmark.
 */
static enum mt_result t_bookmarks(struct mt_test *t)
{
	struct rop_request req = mt_request(RopFreeBookmark);
	struct rop_response resp, rows;
	struct fixture f;
	uint8_t *bm = NULL;
	uint16_t size = 0;
	uint32_t num = 0;
	int at_two;

	if (fixture(t, &f) != MT_PASS || seek(t, &f, BOOKMARK_BEGINNING, 2, NULL, NULL) != MT_PASS ||
	    mt_query_rows(t, &f.lg, TABLE, true, QUERY_NO_ADVANCE, 1, &rows) != MT_PASS ||
	    create_bookmark(t, &f, &bm, &size) != MT_PASS ||
	    seek(t, &f, BOOKMARK_END, 0, NULL, NULL) != MT_PASS ||
	    seek_bookmark(t, &f, bm, size, &resp) != MT_PASS) {
		return t->result;
	}
	at_two = which(&f, &rows.u.query_rows.u.ok.row_data[0]);
	MT_EXPECT(t, resp.u.seek_row_bookmark.return_value == MAPI_E_SUCCESS,
		  "RopSeekRowBookmark: %s", mt_status(t, resp.u.seek_row_bookmark.return_value));
	MT_EXPECT_EQ(t, resp.u.seek_row_bookmark.u.ok.row_no_longer_visible, 0, "RowNoLongerVisible");
	if (position(t, &f, &num, NULL) != MT_PASS ||
	    mt_query_rows(t, &f.lg, TABLE, true, 0, 1, &rows) != MT_PASS) {
		return t->result;
	}
	MT_EXPECT_EQ(t, num, 2, "position after seeking to a bookmark made at 2");
	MT_EXPECT(t, rows.u.query_rows.u.ok.row_count == 1 &&
		  which(&f, &rows.u.query_rows.u.ok.row_data[0]) == at_two,
		  "the row at the bookmark is not the row it was made on");

	req.u.free_bookmark.input_handle_index = TABLE;
	req.u.free_bookmark.bookmark_size = size;
	req.u.free_bookmark.bookmark = bm;
	if (mt_rop(t, &f.lg, &req, &resp) != MT_PASS) {
		return t->result;
	}
	MT_EXPECT(t, resp.u.free_bookmark.return_value == MAPI_E_SUCCESS, "RopFreeBookmark: %s",
		  mt_status(t, resp.u.free_bookmark.return_value));
	if (seek_bookmark(t, &f, bm, size, &resp) != MT_PASS) {
		return t->result;
	}
	MT_EXPECT(t, resp.u.seek_row_bookmark.return_value == MAPI_E_INVALID_BOOKMARK,
		  "RopSeekRowBookmark of a freed bookmark: %s, expected %s",
		  mt_status(t, resp.u.seek_row_bookmark.return_value),
		  mt_status(t, MAPI_E_INVALID_BOOKMARK));
	return MT_PASS;
}

/*
 * MS-OXCTABL 3.2.5.10: a bookmark whose message was deleted sets
 * RowNoLongerVisible and puts the cursor on the next row.
 */
static enum mt_result t_bookmark_of_deleted_row(struct mt_test *t)
{
	struct rop_request req = mt_request(RopHardDeleteMessages);
	struct rop_response resp, rows;
	struct fixture f;
	uint8_t *bm = NULL;
	uint16_t size = 0;
	uint64_t victim;
	int next;

	if (fixture(t, &f) != MT_PASS || seek(t, &f, BOOKMARK_BEGINNING, 1, NULL, NULL) != MT_PASS ||
	    mt_query_rows(t, &f.lg, TABLE, true, QUERY_NO_ADVANCE, 2, &rows) != MT_PASS ||
	    create_bookmark(t, &f, &bm, &size) != MT_PASS) {
		return t->result;
	}
	MT_EXPECT_EQ(t, rows.u.query_rows.u.ok.row_count, 2, "rows from position 1");
	victim = f.mid[which(&f, &rows.u.query_rows.u.ok.row_data[0])];
	next = which(&f, &rows.u.query_rows.u.ok.row_data[1]);
	req.u.hard_delete_messages.input_handle_index = 1;
	req.u.hard_delete_messages.message_id_count = 1;
	req.u.hard_delete_messages.message_ids = &victim;
	if (mt_rop(t, &f.lg, &req, &resp) != MT_PASS || mt_skip_unsupported(t, &resp) != MT_PASS) {
		return t->result;
	}
	MT_EXPECT(t, resp.u.hard_delete_messages.return_value == MAPI_E_SUCCESS,
		  "RopHardDeleteMessages: %s", mt_status(t, resp.u.hard_delete_messages.return_value));
	if (seek_bookmark(t, &f, bm, size, &resp) != MT_PASS) {
		return t->result;
	}
	MT_EXPECT(t, resp.u.seek_row_bookmark.return_value == MAPI_E_SUCCESS,
		  "RopSeekRowBookmark to a deleted row: %s",
		  mt_status(t, resp.u.seek_row_bookmark.return_value));
	MT_EXPECT_EQ(t, resp.u.seek_row_bookmark.u.ok.row_no_longer_visible, 1,
		     "RowNoLongerVisible of a bookmark on a deleted message");
	if (mt_query_rows(t, &f.lg, TABLE, true, 0, 1, &rows) != MT_PASS) {
		return t->result;
	}
	MT_EXPECT(t, rows.u.query_rows.u.ok.row_count == 1 &&
		  which(&f, &rows.u.query_rows.u.ok.row_data[0]) == next,
		  "the cursor is not on the row after the deleted one");
	return MT_PASS;
}

static struct mapi_restriction *importance_is(struct mt_test *t, uint32_t value)
{
	struct mapi_restriction *r = talloc_zero(t->mem, struct mapi_restriction);

	if (r != NULL) {
		r->type = MAPI_RES_PROPERTY;
		r->u.property.relop = MAPI_RELOP_EQ;
		r->u.property.tag = PidTagImportance;
		r->u.property.value.tag = PidTagImportance;
		r->u.property.value.value.i32 = value;
	}
	return r;
}

static struct mapi_restriction *subject_is(struct mt_test *t, const char *value)
{
	struct mapi_restriction *r = talloc_zero(t->mem, struct mapi_restriction);

	if (r != NULL) {
		r->type = MAPI_RES_PROPERTY;
		r->u.property.relop = MAPI_RELOP_EQ;
		r->u.property.tag = PidTagSubject;
		r->u.property.value.tag = PidTagSubject;
		r->u.property.value.value.string = talloc_strdup(r, value);
	}
	return r;
}

static enum mt_result restrict_table(struct mt_test *t, struct fixture *f,
				     struct mapi_restriction *r)
{
	struct rop_request req = mt_request(RopRestrict);
	struct rop_response resp;

	req.u.restrict_.input_handle_index = TABLE;
	req.u.restrict_.restriction_data = r;
	if (mt_rop(t, &f->lg, &req, &resp) != MT_PASS || mt_skip_unsupported(t, &resp) != MT_PASS) {
		return t->result;
	}
	MT_EXPECT(t, resp.u.restrict_.return_value == MAPI_E_SUCCESS, "RopRestrict: %s",
		  mt_status(t, resp.u.restrict_.return_value));
	return MT_PASS;
}

/*
 * MS-OXCTABL 3.2.5.4: after RopRestrict only the matching rows are in the
 * table (RopQueryPosition's Denominator counts them); an empty
 * restriction brings every row back.
 */
static enum mt_result t_restrict(struct mt_test *t)
{
	struct fixture f;
	int got[N_MESSAGES];
	uint16_t count = 0, i;
	uint32_t num = 0, den = 0;

	if (fixture(t, &f) != MT_PASS || restrict_table(t, &f, importance_is(t, 2)) != MT_PASS ||
	    position(t, &f, &num, &den) != MT_PASS || order(t, &f, got, &count) != MT_PASS) {
		return t->result;
	}
	MT_EXPECT_EQ(t, den, 2, "Denominator of a table restricted to 2 of 4 rows");
	MT_EXPECT_EQ(t, count, 2, "rows matching Importance == 2");
	for (i = 0; i < count; i++) {
		MT_EXPECT_EQ(t, fixture_importance[got[i]], 2, "Importance of a restricted row");
	}
	if (restrict_table(t, &f, NULL) != MT_PASS || position(t, &f, &num, &den) != MT_PASS) {
		return t->result;
	}
	MT_EXPECT_EQ(t, den, N_MESSAGES, "Denominator after removing the restriction");
	return MT_PASS;
}

static enum mt_result find_row(struct mt_test *t, struct fixture *f, uint8_t flags,
			       uint8_t origin, struct mapi_restriction *r,
			       struct rop_response *resp)
{
	struct rop_request req = mt_request(RopFindRow);

	req.u.find_row.input_handle_index = TABLE;
	req.u.find_row.find_row_flags = flags;
	req.u.find_row.restriction_data = r;
	req.u.find_row.origin = origin;
	if (mt_rop(t, &f->lg, &req, resp) != MT_PASS || mt_skip_unsupported(t, resp) != MT_PASS) {
		return t->result;
	}
	return MT_PASS;
}

/*
 * MS-OXCTABL 3.2.5.14: RopFindRow returns the first matching row and puts
 * the cursor on it; no matching row is ecNotFound.
 */
static enum mt_result t_find_row(struct mt_test *t)
{
	struct rop_response resp;
	struct fixture f;
	uint32_t num = 0, at = 0;
	bool found = false;

	if (fixture(t, &f) != MT_PASS ||
	    mt_table_find_id(t, &f.lg, TABLE, f.mid[3], &found, &at) != MT_PASS ||
	    find_row(t, &f, 0, BOOKMARK_BEGINNING, subject_is(t, "C"), &resp) != MT_PASS) {
		return t->result;
	}
	MT_EXPECT(t, resp.u.find_row.return_value == MAPI_E_SUCCESS, "RopFindRow(Subject == C): %s",
		  mt_status(t, resp.u.find_row.return_value));
	MT_EXPECT(t, resp.u.find_row.u.ok.has_row_data &&
		  which(&f, &resp.u.find_row.u.ok.row_data) == 3,
		  "RopFindRow(Subject == C) did not return the message with subject C");
	if (position(t, &f, &num, NULL) != MT_PASS) {
		return t->result;
	}
	MT_EXPECT_EQ(t, num, at, "position after RopFindRow (the found row's index)");
	if (find_row(t, &f, 0, BOOKMARK_BEGINNING, subject_is(t, "no such subject"), &resp) !=
	    MT_PASS) {
		return t->result;
	}
	MT_EXPECT(t, resp.u.find_row.return_value == MAPI_E_NOT_FOUND,
		  "RopFindRow without a match: %s, expected %s",
		  mt_status(t, resp.u.find_row.return_value), mt_status(t, MAPI_E_NOT_FOUND));
	return MT_PASS;
}

/*
 * MS-OXCTABL 3.2.5.14 and 2.2.2.15.1: with FindRowFlags Backward from the
 * end RopFindRow finds the last matching row of the (sorted) table.
 */
static enum mt_result t_find_row_backward(struct mt_test *t)
{
	struct rop_request req = mt_request(RopSortTable);
	struct rop_response resp;
	struct rop_sort_order keys[2] = {
		{ PidTagSubject & 0xFFFF, PidTagSubject >> 16, 0x00 },
		{ PidTagImportance & 0xFFFF, PidTagImportance >> 16, 0x01 },
	};
	struct fixture f;
	int k;

	if (fixture(t, &f) != MT_PASS) {
		return t->result;
	}
	/* (A,2) (A,1) (B,1) (C,2): the last "A" is (A,1), the fixture's message 2 */
	req.u.sort_table.input_handle_index = TABLE;
	req.u.sort_table.sort_order_count = 2;
	req.u.sort_table.sort_orders = keys;
	if (mt_rop(t, &f.lg, &req, &resp) != MT_PASS || mt_skip_unsupported(t, &resp) != MT_PASS) {
		return t->result;
	}
	MT_EXPECT(t, resp.u.sort_table.return_value == MAPI_E_SUCCESS, "RopSortTable: %s",
		  mt_status(t, resp.u.sort_table.return_value));
	if (find_row(t, &f, FIND_BACKWARD, BOOKMARK_END, subject_is(t, "A"), &resp) != MT_PASS) {
		return t->result;
	}
	MT_EXPECT(t, resp.u.find_row.return_value == MAPI_E_SUCCESS,
		  "RopFindRow(Backward, Subject == A): %s", mt_status(t, resp.u.find_row.return_value));
	k = resp.u.find_row.u.ok.has_row_data ? which(&f, &resp.u.find_row.u.ok.row_data) : -1;
	MT_EXPECT(t, k == 2, "backward RopFindRow found %s, expected (A,1)",
		  k < 0 ? "no row" : order_text(t, &k, 1));
	return MT_PASS;
}

/*
 * MS-OXCTABL 3.2.5.16, 3.1.5: RopResetTable removes the restriction and the
 * sort order and puts the cursor at the beginning; columns are set again.
 */
static enum mt_result t_reset_table(struct mt_test *t)
{
	struct rop_request req = mt_request(RopResetTable);
	struct rop_response resp;
	struct fixture f;
	uint32_t num = 99, den = 0;

	if (fixture(t, &f) != MT_PASS || restrict_table(t, &f, importance_is(t, 1)) != MT_PASS ||
	    seek(t, &f, BOOKMARK_BEGINNING, 1, NULL, NULL) != MT_PASS) {
		return t->result;
	}
	req.u.reset_table.input_handle_index = TABLE;
	if (mt_rop(t, &f.lg, &req, &resp) != MT_PASS || mt_skip_unsupported(t, &resp) != MT_PASS) {
		return t->result;
	}
	MT_EXPECT(t, resp.u.reset_table.return_value == MAPI_E_SUCCESS, "RopResetTable: %s",
		  mt_status(t, resp.u.reset_table.return_value));
	req = mt_request(RopSetColumns);
	req.u.set_columns.input_handle_index = TABLE;
	req.u.set_columns.property_tag_count = 3;
	req.u.set_columns.property_tags = (uint32_t *)fixture_columns;
	if (mt_rop(t, &f.lg, &req, &resp) != MT_PASS || position(t, &f, &num, &den) != MT_PASS) {
		return t->result;
	}
	MT_EXPECT(t, num == 0 && den == N_MESSAGES,
		  "position %u/%u after RopResetTable, expected 0/%d (no restriction, at the start)",
		  num, den, N_MESSAGES);
	return MT_PASS;
}

/* MS-OXCTABL 3.2.5.7: with nothing pending RopGetStatus says TBLSTAT_COMPLETE */
static enum mt_result t_get_status(struct mt_test *t)
{
	struct rop_request req = mt_request(RopGetStatus);
	struct rop_response resp;
	struct fixture f;

	if (fixture(t, &f) != MT_PASS) {
		return t->result;
	}
	req.u.get_status.input_handle_index = TABLE;
	if (mt_rop(t, &f.lg, &req, &resp) != MT_PASS || mt_skip_unsupported(t, &resp) != MT_PASS) {
		return t->result;
	}
	MT_EXPECT(t, resp.u.get_status.return_value == MAPI_E_SUCCESS, "RopGetStatus: %s",
		  mt_status(t, resp.u.get_status.return_value));
	MT_EXPECT_EQ(t, resp.u.get_status.u.ok.table_status, TBLSTAT_COMPLETE, "TableStatus");
	return MT_PASS;
}

/*
 * MS-OXCTABL 3.2.5.6: RopAbort with no asynchronous operation in progress
 * is ecUnableToAbort, and the table still answers.
 */
static enum mt_result t_abort_nothing_pending(struct mt_test *t)
{
	struct rop_request req = mt_request(RopAbort);
	struct rop_response resp;
	struct fixture f;
	uint32_t num = 0, den = 0;

	if (fixture(t, &f) != MT_PASS) {
		return t->result;
	}
	req.u.abort.input_handle_index = TABLE;
	if (mt_rop(t, &f.lg, &req, &resp) != MT_PASS || mt_skip_unsupported(t, &resp) != MT_PASS) {
		return t->result;
	}
	MT_EXPECT(t, resp.u.abort.return_value == MAPI_E_UNABLE_TO_ABORT,
		  "RopAbort with nothing pending: %s, expected %s",
		  mt_status(t, resp.u.abort.return_value), mt_status(t, MAPI_E_UNABLE_TO_ABORT));
	if (position(t, &f, &num, &den) != MT_PASS) {
		return t->result;
	}
	MT_EXPECT_EQ(t, den, N_MESSAGES, "rows after RopAbort");
	return MT_PASS;
}

/* RopSortTable categorized by Importance (CategorizedCount 1, ExpandedCount EXPANDED: 0 or 1) */
static enum mt_result categorize(struct mt_test *t, struct fixture *f, uint16_t expanded)
{
	static const uint32_t cols[] = { PidTagMid, PidTagInstID, PidTagRowType, PidTagImportance };
	struct rop_request req = mt_request(RopSortTable);
	struct rop_response resp;
	struct rop_sort_order keys[2] = {
		{ PidTagImportance & 0xFFFF, PidTagImportance >> 16, 0x00 },
		{ PidTagSubject & 0xFFFF, PidTagSubject >> 16, 0x00 },
	};

	if (fixture(t, f) != MT_PASS) {
		return t->result;
	}
	req = mt_request(RopSetColumns);
	req.u.set_columns.input_handle_index = TABLE;
	req.u.set_columns.property_tag_count = 4;
	req.u.set_columns.property_tags = (uint32_t *)cols;
	if (mt_rop(t, &f->lg, &req, &resp) != MT_PASS) {
		return t->result;
	}
	req = mt_request(RopSortTable);
	req.u.sort_table.input_handle_index = TABLE;
	req.u.sort_table.sort_order_count = 2;
	req.u.sort_table.categorized_count = 1;
	req.u.sort_table.expanded_count = expanded;
	req.u.sort_table.sort_orders = keys;
	if (mt_rop(t, &f->lg, &req, &resp) != MT_PASS) {
		return t->result;
	}
	if (resp.u.sort_table.return_value == MT_EC_NOT_SUPPORTED) {
		return mt_skip(t, "server answers ecNotSupported for a categorized RopSortTable "
			       "(categories are not built)");
	}
	MT_EXPECT(t, resp.u.sort_table.return_value == MAPI_E_SUCCESS,
		  "RopSortTable(CategorizedCount 1): %s", mt_status(t, resp.u.sort_table.return_value));
	return MT_PASS;
}

/*
 * MS-OXCTABL 3.2.5.17, 3.2.5.18 (2.2.1.2): a table categorized by
 * Importance, collapsed, shows one header row per category
 * (TBL_COLLAPSED_CATEGORY); RopExpandRow of one shows its 2 messages and
 * RopCollapseRow hides them again.
 */
static enum mt_result t_categories_expand_collapse(struct mt_test *t)
{
	struct rop_request req;
	struct rop_response rows, resp;
	struct fixture f;
	uint64_t category;
	uint32_t num = 0, den = 0;
	uint16_t i;

	if (categorize(t, &f, 0) != MT_PASS ||
	    mt_query_rows(t, &f.lg, TABLE, true, 0, 100, &rows) != MT_PASS) {
		return t->result;
	}
	MT_EXPECT_EQ(t, rows.u.query_rows.u.ok.row_count, 2, "header rows of 2 collapsed categories");
	for (i = 0; i < 2; i++) {
		MT_EXPECT_EQ(t, mt_row_u32(&rows.u.query_rows.u.ok.row_data[i], 2, 0),
			     TBL_COLLAPSED_CATEGORY, "PidTagRowType of a collapsed header");
	}
	MT_EXPECT(t, rows.u.query_rows.u.ok.row_data[0].values[1].flag == MAPI_PROPVAL_PRESENT,
		  "a header row without PidTagInstID");
	category = rows.u.query_rows.u.ok.row_data[0].values[1].pv.value.i64;
	req = mt_request(RopExpandRow);
	req.u.expand_row.input_handle_index = TABLE;
	req.u.expand_row.max_row_count = 0;
	req.u.expand_row.category_id = category;
	if (mt_rop(t, &f.lg, &req, &resp) != MT_PASS || mt_skip_unsupported(t, &resp) != MT_PASS) {
		return t->result;
	}
	MT_EXPECT(t, resp.u.expand_row.return_value == MAPI_E_SUCCESS, "RopExpandRow: %s",
		  mt_status(t, resp.u.expand_row.return_value));
	MT_EXPECT_EQ(t, resp.u.expand_row.u.ok.expanded_row_count, 2, "ExpandedRowCount");
	if (position(t, &f, &num, &den) != MT_PASS) {
		return t->result;
	}
	MT_EXPECT_EQ(t, den, 4, "rows with one category of 2 expanded");
	req = mt_request(RopCollapseRow);
	req.u.collapse_row.input_handle_index = TABLE;
	req.u.collapse_row.category_id = category;
	if (mt_rop(t, &f.lg, &req, &resp) != MT_PASS || mt_skip_unsupported(t, &resp) != MT_PASS) {
		return t->result;
	}
	MT_EXPECT(t, resp.u.collapse_row.return_value == MAPI_E_SUCCESS, "RopCollapseRow: %s",
		  mt_status(t, resp.u.collapse_row.return_value));
	MT_EXPECT_EQ(t, resp.u.collapse_row.u.ok.collapsed_row_count, 2, "CollapsedRowCount");
	return MT_PASS;
}

/*
 * MS-OXCTABL 3.2.5.19, 3.2.5.20: the collapse state RopGetCollapseState
 * returns, given back with RopSetCollapseState, yields a bookmark of the
 * same row.
 */
static enum mt_result t_collapse_state_round_trip(struct mt_test *t)
{
	struct rop_request req;
	struct rop_response rows, resp, again;
	struct fixture f;
	const struct mapi_property_row *row;

	if (categorize(t, &f, 1) != MT_PASS ||
	    mt_query_rows(t, &f.lg, TABLE, true, QUERY_NO_ADVANCE, 1, &rows) != MT_PASS) {
		return t->result;
	}
	MT_EXPECT(t, rows.u.query_rows.u.ok.row_count == 1, "no row in a categorized table");
	row = &rows.u.query_rows.u.ok.row_data[0];
	req = mt_request(RopGetCollapseState);
	req.u.get_collapse_state.input_handle_index = TABLE;
	req.u.get_collapse_state.row_id = row->values[1].pv.value.i64;
	if (mt_rop(t, &f.lg, &req, &resp) != MT_PASS || mt_skip_unsupported(t, &resp) != MT_PASS) {
		return t->result;
	}
	MT_EXPECT(t, resp.u.get_collapse_state.return_value == MAPI_E_SUCCESS,
		  "RopGetCollapseState: %s", mt_status(t, resp.u.get_collapse_state.return_value));
	req = mt_request(RopSetCollapseState);
	req.u.set_collapse_state.input_handle_index = TABLE;
	req.u.set_collapse_state.collapse_state_size =
		resp.u.get_collapse_state.u.ok.collapse_state_size;
	req.u.set_collapse_state.collapse_state = resp.u.get_collapse_state.u.ok.collapse_state;
	if (mt_rop(t, &f.lg, &req, &again) != MT_PASS || mt_skip_unsupported(t, &again) != MT_PASS) {
		return t->result;
	}
	MT_EXPECT(t, again.u.set_collapse_state.return_value == MAPI_E_SUCCESS,
		  "RopSetCollapseState: %s", mt_status(t, again.u.set_collapse_state.return_value));
	if (seek_bookmark(t, &f, again.u.set_collapse_state.u.ok.bookmark,
			  again.u.set_collapse_state.u.ok.bookmark_size, &resp) != MT_PASS ||
	    mt_query_rows(t, &f.lg, TABLE, true, 0, 1, &again) != MT_PASS) {
		return t->result;
	}
	MT_EXPECT(t, again.u.query_rows.u.ok.row_count == 1 &&
		  again.u.query_rows.u.ok.row_data[0].values[1].pv.value.i64 ==
		  row->values[1].pv.value.i64,
		  "the bookmark of RopSetCollapseState is not on the row the state was taken at");
	return MT_PASS;
}

/*
 * MS-OXCTABL 3.2.5.3: RopSortTable moves the cursor to the beginning of
 * the table.
 */
static enum mt_result t_sort_moves_cursor_to_start(struct mt_test *t)
{
	struct rop_request req = mt_request(RopSortTable);
	struct rop_response resp;
	struct rop_sort_order key = { PidTagSubject & 0xFFFF, PidTagSubject >> 16, 0x01 };
	struct fixture f;
	uint32_t num = 99;

	if (fixture(t, &f) != MT_PASS || seek(t, &f, BOOKMARK_BEGINNING, 3, NULL, NULL) != MT_PASS) {
		return t->result;
	}
	req.u.sort_table.input_handle_index = TABLE;
	req.u.sort_table.sort_order_count = 1;
	req.u.sort_table.sort_orders = &key;
	if (mt_rop(t, &f.lg, &req, &resp) != MT_PASS || mt_skip_unsupported(t, &resp) != MT_PASS) {
		return t->result;
	}
	MT_EXPECT(t, resp.u.sort_table.return_value == MAPI_E_SUCCESS, "RopSortTable: %s",
		  mt_status(t, resp.u.sort_table.return_value));
	if (position(t, &f, &num, NULL) != MT_PASS) {
		return t->result;
	}
	MT_EXPECT_EQ(t, num, 0, "position after RopSortTable from row 3");
	return MT_PASS;
}

/*
 * MS-OXCTABL 3.2.5.4: RopRestrict moves the cursor to the beginning of the
 * table.
 */
static enum mt_result t_restrict_moves_cursor_to_start(struct mt_test *t)
{
	struct fixture f;
	uint32_t num = 99;

	if (fixture(t, &f) != MT_PASS || seek(t, &f, BOOKMARK_BEGINNING, 1, NULL, NULL) != MT_PASS ||
	    restrict_table(t, &f, importance_is(t, 2)) != MT_PASS ||
	    position(t, &f, &num, NULL) != MT_PASS) {
		return t->result;
	}
	MT_EXPECT_EQ(t, num, 0, "position after RopRestrict from row 1");
	return MT_PASS;
}

static const struct mt_test_def tests[] = {
	{ "hierarchy_finds_inbox", "MS-OXCTABL 3.2.5.1, 3.2.5.5",
	  "GetHierarchyTable+SetColumns+QueryRows of the IPM subtree lists the Inbox",
	  t_hierarchy_finds_inbox },
	{ "query_rows_count", "MS-OXCTABL 3.2.5.5",
	  "RopQueryRows returns every row of a small table at once",
	  t_query_rows_count },
	{ "set_columns_query_columns_all", "MS-OXCTABL 3.2.5.2, 3.2.5.13",
	  "rows carry the RopSetColumns columns with the saved values; QueryColumnsAll names them",
	  t_set_columns_query_columns_all },
	{ "query_rows_positions", "MS-OXCTABL 3.2.5.5, 3.2.5.8",
	  "RopQueryRows reads forward/backward from the cursor and moves it (not with NoAdvance)",
	  t_query_rows_positions },
	{ "seek_row_origins", "MS-OXCTABL 3.2.5.9",
	  "RopSeekRow from BEGINNING/CURRENT/END moves the cursor, stopping at the ends",
	  t_seek_row_origins },
	{ "seek_row_fractional", "MS-OXCTABL 3.2.5.11",
	  "RopSeekRowFractional 1/2 puts the cursor half-way", t_seek_row_fractional },
	{ "bookmarks", "MS-OXCTABL 3.2.5.10, 3.2.5.12, 3.2.5.15",
	  "a bookmark brings the cursor back to its row; freed, it is ecInvalidBookmark",
	  t_bookmarks },
	{ "bookmark_of_deleted_row", "MS-OXCTABL 3.2.5.10",
	  "a bookmark of a deleted row sets RowNoLongerVisible and lands on the next row",
	  t_bookmark_of_deleted_row },
	{ "sort_importance_desc_subject_asc", "MS-OXCTABL 3.2.5.3",
	  "RopSortTable on two keys (descending, ascending) orders the rows by both",
	  t_sort_importance_desc_subject_asc },
	{ "sort_subject_asc_importance_desc", "MS-OXCTABL 3.2.5.3",
	  "RopSortTable on two keys (ascending, descending) orders the rows by both",
	  t_sort_subject_asc_importance_desc },
	{ "restrict", "MS-OXCTABL 3.2.5.4",
	  "RopRestrict leaves only the matching rows; an empty restriction brings all back",
	  t_restrict },
	{ "find_row", "MS-OXCTABL 3.2.5.14",
	  "RopFindRow returns the matching row and moves the cursor to it; no match is ecNotFound",
	  t_find_row },
	{ "find_row_backward", "MS-OXCTABL 3.2.5.14",
	  "RopFindRow Backward from the end finds the last matching row", t_find_row_backward },
	{ "reset_table", "MS-OXCTABL 3.2.5.16",
	  "RopResetTable removes the restriction and puts the cursor at the start", t_reset_table },
	{ "get_status", "MS-OXCTABL 3.2.5.7",
	  "RopGetStatus of an idle table is TBLSTAT_COMPLETE", t_get_status },
	{ "abort_nothing_pending", "MS-OXCTABL 3.2.5.6",
	  "RopAbort with nothing in progress is ecUnableToAbort", t_abort_nothing_pending },
	{ "categories_expand_collapse", "MS-OXCTABL 3.2.5.17, 3.2.5.18",
	  "a collapsed categorized table shows header rows; RopExpandRow/RopCollapseRow show/hide",
	  t_categories_expand_collapse },
	{ "collapse_state_round_trip", "MS-OXCTABL 3.2.5.19, 3.2.5.20",
	  "RopSetCollapseState of RopGetCollapseState's state bookmarks the same row",
	  t_collapse_state_round_trip },
	{ "sort_moves_cursor_to_start", "MS-OXCTABL 3.2.5.3",
	  "RopSortTable moves the cursor to the beginning of the table",
	  t_sort_moves_cursor_to_start },
	{ "restrict_moves_cursor_to_start", "MS-OXCTABL 3.2.5.4",
	  "RopRestrict moves the cursor to the beginning of the table",
	  t_restrict_moves_cursor_to_start },
};

const struct mt_family mt_family_oxctabl = {
	"OXCTABL", "table ROPs: columns, rows, seeks, bookmarks, sort, restrict, find, categories", true,
	tests, MT_COUNT(tests),
};
