/*
 * Unit tests of the MS-OXCTABL ROPs and of RopGetHierarchyTable /
 * RopGetContentsTable (mapiproxy/emsmdb/oxctabl.c) through the ROP
 * dispatcher, on a real sqlite3 mailbox (emsmdb_fixture.c).  Expected rows
 * are worked out here from the data the tests store through mapistore,
 * never from what the server says.
 *
 * Copyright (C) OpenChange developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <setjmp.h>
#include <cmocka.h>
#include <talloc.h>

#include "testsuite/unit/emsmdb_fixture.h"
#include "mapiproxy/emsmdb/oxctabl.h"
#include "mapiproxy/emsmdb/oxcstor.h"
#include "libmapi/rop_buffer.h"
#include "libmapi/wire_le.h"

#define TAG_SUBJECT 0x0037001Fu
#define TAG_SUBJECT_8 0x0037001Eu
#define TAG_SUBJECT_ANY 0x00370000u
#define TAG_IMPORTANCE 0x00170003u
#define TAG_BODY 0x1000001Fu
#define TAG_DISPLAY_NAME 0x3001001Fu
#define TAG_FOLDER_ID 0x67480014u
#define TAG_MID 0x674A0014u
#define TAG_ATTACH_NUMBER 0x0E210003u
#define TAG_ATTACH_LONG_FILENAME 0x3707001Fu
#define TAG_ATTACH_SIZE 0x0E200003u

#define NMSG 8
static const char *subjects[NMSG] = {
	"Delta report", "alpha notes", "Charlie plan", "bravo memo",
	"Echo Alpha", "foxtrot", "golf ALPHA club", "hotel",
};
static const uint32_t importance[NMSG] = { 2, 0, 1, 1, 2, 0, 1, 2 };
static bool has_body(int i) { return i % 2 == 0; }

/* --- helpers ---------------------------------------------------------------------- */

static uint32_t rop(struct emsmdb_fixture *f, struct rop_request *r, uint32_t in, uint32_t *out,
		    const struct mapi_tag_array *columns, struct rop_response *response)
{
	return emsmdb_fixture_rop(f, NULL, f, r, in, out, columns, response);
}

static uint32_t open_folder(struct emsmdb_fixture *f, uint64_t fid)
{
	struct rop_request r = { .rop_id = RopOpenFolder };
	uint32_t h = 0;

	r.u.open_folder.folder_id = fid;
	assert_int_equal(rop(f, &r, f->logon_handle, &h, NULL, NULL), MAPI_E_SUCCESS);
	return h;
}

static struct mapistore_folder *store_folder(struct emsmdb_fixture *f, uint32_t handle)
{
	return emsmdb_folder_of(emsmdb_object_lookup(f->session, handle))->folder;
}

static uint32_t get_table(struct emsmdb_fixture *f, uint32_t folder, uint8_t rop_id, uint8_t flags,
			  uint32_t *row_count, uint32_t *status)
{
	struct rop_request r = { .rop_id = rop_id };
	struct rop_response response;
	uint32_t h = 0, rc;

	if (rop_id == RopGetHierarchyTable) {
		r.u.get_hierarchy_table.table_flags = flags;
	} else {
		r.u.get_contents_table.table_flags = flags;
	}
	rc = rop(f, &r, folder, &h, NULL, &response);
	if (status != NULL) {
		*status = rc;
	} else {
		assert_int_equal(rc, MAPI_E_SUCCESS);
	}
	if (rc == MAPI_E_SUCCESS && row_count != NULL) {
		*row_count = rop_id == RopGetHierarchyTable ? response.u.get_hierarchy_table.u.ok.row_count
							    : response.u.get_contents_table.u.ok.row_count;
	}
	return h;
}

static uint32_t set_columns(struct emsmdb_fixture *f, uint32_t table, const struct mapi_tag_array *cols)
{
	struct rop_request r = { .rop_id = RopSetColumns };
	struct rop_response response;
	uint32_t rc;

	r.u.set_columns.property_tag_count = cols->count;
	r.u.set_columns.property_tags = cols->tags;
	rc = rop(f, &r, table, NULL, NULL, &response);
	if (rc == MAPI_E_SUCCESS) {
		assert_int_equal(response.u.set_columns.u.ok.table_status, EMSMDB_TBLSTAT_COMPLETE);
	}
	return rc;
}

static uint32_t query_rows(struct emsmdb_fixture *f, uint32_t table, uint8_t flags, bool forward,
			   uint16_t count, const struct mapi_tag_array *cols,
			   struct rop_query_rows_response *out)
{
	struct rop_request r = { .rop_id = RopQueryRows };
	struct rop_response response;
	uint32_t rc;

	r.u.query_rows.query_rows_flags = flags;
	r.u.query_rows.forward_read = forward;
	r.u.query_rows.row_count = count;
	rc = rop(f, &r, table, NULL, cols, &response);
	if (out != NULL) {
		*out = response.u.query_rows;
	}
	return rc;
}

static void position(struct emsmdb_fixture *f, uint32_t table, uint32_t *pos, uint32_t *count)
{
	struct rop_request r = { .rop_id = RopQueryPosition };
	struct rop_response response;

	assert_int_equal(rop(f, &r, table, NULL, NULL, &response), MAPI_E_SUCCESS);
	*pos = response.u.query_position.u.ok.numerator;
	*count = response.u.query_position.u.ok.denominator;
}

static uint32_t seek(struct emsmdb_fixture *f, uint32_t table, uint8_t origin, int32_t delta,
		     struct rop_seek_row_response *out)
{
	struct rop_request r = { .rop_id = RopSeekRow };
	struct rop_response response;
	uint32_t rc;

	r.u.seek_row.origin = origin;
	r.u.seek_row.row_count = (uint32_t)delta;
	r.u.seek_row.want_row_moved_count = 1;
	rc = rop(f, &r, table, NULL, NULL, &response);
	if (out != NULL) {
		*out = response.u.seek_row;
	}
	return rc;
}

static uint32_t sort(struct emsmdb_fixture *f, uint32_t table, uint16_t n,
		     struct rop_sort_order *orders, uint16_t categorized)
{
	struct rop_request r = { .rop_id = RopSortTable };

	r.u.sort_table.sort_order_count = n;
	r.u.sort_table.categorized_count = categorized;
	r.u.sort_table.sort_orders = orders;
	return rop(f, &r, table, NULL, NULL, NULL);
}

static uint32_t restrict_table(struct emsmdb_fixture *f, uint32_t table, struct mapi_restriction *res)
{
	struct rop_request r = { .rop_id = RopRestrict };

	r.u.restrict_.restriction_data = res;
	return rop(f, &r, table, NULL, NULL, NULL);
}

static uint32_t row_count_of(struct emsmdb_fixture *f, uint32_t table)
{
	uint32_t pos, count;

	position(f, table, &pos, &count);
	return count;
}

/* The messages of the test, saved into FOLDER through mapistore; *mids gets their ids. */
static void make_messages(struct emsmdb_fixture *f, struct mapistore_folder *folder, uint64_t *mids)
{
	for (int i = 0; i < NMSG; i++) {
		struct mapistore_message *msg;
		struct mapi_propval pv[3];
		uint16_t n = 2;

		assert_int_equal(mapistore_message_create(folder, f, false, &msg), MAPI_E_SUCCESS);
		pv[0].tag = TAG_SUBJECT;
		pv[0].value.string = (char *)subjects[i];
		pv[1].tag = TAG_IMPORTANCE;
		pv[1].value.i32 = importance[i];
		if (has_body(i)) {
			pv[2].tag = TAG_BODY;
			pv[2].value.string = talloc_asprintf(msg, "body of %d", i);
			n = 3;
		}
		assert_int_equal(mapistore_message_set_props(msg, n, pv, f, NULL), MAPI_E_SUCCESS);
		assert_int_equal(mapistore_message_save(msg, 0), MAPI_E_SUCCESS);
		if (mids != NULL) {
			mids[i] = mapistore_message_id(msg);
		}
		talloc_free(msg);
	}
}

/* An Inbox contents table over the test's messages, with Subject, Importance, Mid. */
static uint32_t inbox_table(struct emsmdb_fixture *f, uint32_t *folder_out, uint64_t *mids,
			    struct mapi_tag_array *cols)
{
	static uint32_t tags[] = { TAG_SUBJECT, TAG_IMPORTANCE, TAG_MID };
	uint32_t folder = open_folder(f, f->folder_ids[4]);
	uint32_t table, rows = 99;

	make_messages(f, store_folder(f, folder), mids);
	table = get_table(f, folder, RopGetContentsTable, EMSMDB_TABLE_USE_UNICODE, &rows, NULL);
	assert_int_equal(rows, NMSG);
	cols->count = 3;
	cols->tags = tags;
	assert_int_equal(set_columns(f, table, cols), MAPI_E_SUCCESS);
	if (folder_out != NULL) {
		*folder_out = folder;
	}
	return table;
}

static int index_of_subject(const char *s)
{
	for (int i = 0; i < NMSG; i++) {
		if (strcmp(subjects[i], s) == 0) {
			return i;
		}
	}
	fail_msg("unknown subject %s", s);
	return -1;
}

static struct mapi_restriction content(uint32_t tag, const char *text)
{
	struct mapi_restriction r = { .type = MAPI_RES_CONTENT };

	r.u.content.fuzzy_low = MAPI_FL_SUBSTRING;
	r.u.content.fuzzy_high = MAPI_FL_IGNORECASE;
	r.u.content.tag = tag;
	r.u.content.value.tag = tag;
	r.u.content.value.value.string = (char *)text;
	return r;
}

static struct mapi_restriction prop_eq(uint32_t tag, uint32_t value)
{
	struct mapi_restriction r = { .type = MAPI_RES_PROPERTY };

	r.u.property.relop = MAPI_RELOP_EQ;
	r.u.property.tag = tag;
	r.u.property.value.tag = tag;
	r.u.property.value.value.i32 = value;
	return r;
}

/* The subjects of all rows of TABLE from the beginning, as indexes into subjects[]. */
static uint32_t read_all(struct emsmdb_fixture *f, uint32_t table, const struct mapi_tag_array *cols,
			 int *out)
{
	struct rop_query_rows_response q;

	assert_int_equal(seek(f, table, EMSMDB_BOOKMARK_BEGINNING, 0, NULL), MAPI_E_SUCCESS);
	assert_int_equal(query_rows(f, table, 0, true, 100, cols, &q), MAPI_E_SUCCESS);
	for (uint16_t i = 0; i < q.u.ok.row_count; i++) {
		out[i] = index_of_subject(q.u.ok.row_data[i].values[0].pv.value.string);
	}
	return q.u.ok.row_count;
}

/* --- MS-OXCFOLD: the folder tables -------------------------------------------------- */

/* The hierarchy table of the IPM subtree lists the special folders by name and id. */
static void test_hierarchy_table(void **state)
{
	struct emsmdb_fixture *f = *state;
	static uint32_t tags[] = { TAG_DISPLAY_NAME, TAG_FOLDER_ID };
	struct mapi_tag_array cols = { .count = 2, .tags = tags };
	uint32_t ipm = open_folder(f, f->folder_ids[3]);
	uint32_t rows = 0, deep = 0, table, status;
	struct rop_query_rows_response q;
	uint64_t *children;
	uint32_t nchildren;
	int found = 0;

	table = get_table(f, ipm, RopGetHierarchyTable, EMSMDB_TABLE_USE_UNICODE, &rows, NULL);
	assert_int_equal(mapistore_folder_children(store_folder(f, ipm), f, &nchildren, &children),
			 MAPI_E_SUCCESS);
	assert_int_equal(rows, nchildren);
	assert_true(rows >= 4);
	assert_int_equal(set_columns(f, table, &cols), MAPI_E_SUCCESS);
	assert_int_equal(query_rows(f, table, 0, true, 100, &cols, &q), MAPI_E_SUCCESS);
	assert_int_equal(q.u.ok.row_count, rows);
	assert_int_equal(q.u.ok.origin, EMSMDB_BOOKMARK_END);
	for (uint16_t i = 0; i < q.u.ok.row_count; i++) {
		const char *name = q.u.ok.row_data[i].values[0].pv.value.string;
		uint64_t fid = q.u.ok.row_data[i].values[1].pv.value.i64;

		for (int k = MAPISTORE_INBOX; k <= MAPISTORE_DELETED_ITEMS; k++) {
			if (strcmp(name, mapistore_special_folder_name(k)) == 0) {
				assert_int_equal(fid, f->folder_ids[k]);
				found++;
			}
		}
	}
	assert_int_equal(found, 4);

	/* Depth: the whole subtree, at least as many rows */
	get_table(f, ipm, RopGetHierarchyTable, EMSMDB_TABLE_DEPTH, &deep, NULL);
	assert_true(deep >= rows);
	/* bits MS-OXCFOLD does not define; a logon is no folder */
	get_table(f, ipm, RopGetHierarchyTable, 0x01, NULL, &status);
	assert_int_equal(status, MAPI_E_INVALID_PARAMETER);
	get_table(f, f->logon_handle, RopGetHierarchyTable, 0, NULL, &status);
	assert_int_equal(status, EC_NULL_OBJECT);
}

/* Contents tables: normal and associated messages, bad flags. */
static void test_contents_table(void **state)
{
	struct emsmdb_fixture *f = *state;
	uint32_t folder = open_folder(f, f->folder_ids[4]);
	struct mapistore_message *msg;
	uint32_t rows = 99, status;

	get_table(f, folder, RopGetContentsTable, 0, &rows, NULL);
	assert_int_equal(rows, 0);
	make_messages(f, store_folder(f, folder), NULL);
	assert_int_equal(mapistore_message_create(store_folder(f, folder), f, true, &msg), MAPI_E_SUCCESS);
	assert_int_equal(mapistore_message_save(msg, 0), MAPI_E_SUCCESS);
	get_table(f, folder, RopGetContentsTable, 0, &rows, NULL);
	assert_int_equal(rows, NMSG);
	get_table(f, folder, RopGetContentsTable, EMSMDB_TABLE_ASSOCIATED, &rows, NULL);
	assert_int_equal(rows, 1);
	get_table(f, folder, RopGetContentsTable, EMSMDB_TABLE_DEPTH, NULL, &status);
	assert_int_equal(status, MAPI_E_INVALID_PARAMETER);
	get_table(f, folder, RopGetContentsTable, EMSMDB_TABLE_CONVERSATION_MEMBERS, NULL, &status);
	assert_int_equal(status, MAPI_E_NO_SUPPORT);
}

/* --- MS-OXCTABL ----------------------------------------------------------------------- */

/* SetColumns is needed first; bad column sets are ecInvalidParam. */
static void test_set_columns_errors(void **state)
{
	struct emsmdb_fixture *f = *state;
	uint32_t folder = open_folder(f, f->folder_ids[4]);
	uint32_t table = get_table(f, folder, RopGetContentsTable, 0, NULL, NULL);
	static uint32_t bad_type[] = { 0x00370777u };
	static uint32_t bad_instance[] = { TAG_SUBJECT | 0x2000u };
	struct mapi_tag_array empty = { .count = 0 }, bad = { .count = 1, .tags = bad_type };
	struct mapi_tag_array bad_mvi = { .count = 1, .tags = bad_instance };
	struct rop_request r = { .rop_id = RopSetColumns };
	static uint32_t one[] = { TAG_SUBJECT };

	assert_int_equal(query_rows(f, table, 0, true, 10, &empty, NULL), EC_NULL_OBJECT);
	assert_int_equal(set_columns(f, table, &empty), MAPI_E_INVALID_PARAMETER);
	assert_int_equal(set_columns(f, table, &bad), MAPI_E_INVALID_PARAMETER);
	assert_int_equal(set_columns(f, table, &bad_mvi), MAPI_E_INVALID_PARAMETER);
	/* TBL_ASYNC is answered synchronously; other flags are refused */
	r.u.set_columns.set_columns_flags = 0x01;
	r.u.set_columns.property_tag_count = 1;
	r.u.set_columns.property_tags = one;
	assert_int_equal(rop(f, &r, table, NULL, NULL, NULL), MAPI_E_SUCCESS);
	r.u.set_columns.set_columns_flags = 0x04;
	assert_int_equal(rop(f, &r, table, NULL, NULL, NULL), MAPI_E_INVALID_PARAMETER);
	/* a folder is no table: ecNotSupported (MS-OXCTABL 3.2.5.2); no object at all: ecNullObject */
	assert_int_equal(rop(f, &r, folder, NULL, NULL, NULL), MAPI_E_NO_SUPPORT);
	assert_int_equal(rop(f, &r, table + 0x10000, NULL, NULL, NULL), EC_NULL_OBJECT);
}

static struct {
	const char **subjects;
} sort_ctx;

static int by_importance_desc_subject(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	if (importance[x] != importance[y]) {
		return importance[x] > importance[y] ? -1 : 1;
	}
	return strcasecmp(sort_ctx.subjects[x], sort_ctx.subjects[y]);
}

/* A two-key sort: Importance descending, then Subject ascending (case-insensitive). */
static void test_sort_multi_key(void **state)
{
	struct emsmdb_fixture *f = *state;
	struct mapi_tag_array cols;
	uint32_t table = inbox_table(f, NULL, NULL, &cols);
	struct rop_sort_order orders[2] = {
		{ .property_type = 0x0003, .property_id = 0x0017, .order = MAPI_SORT_DESCEND },
		{ .property_type = 0x001F, .property_id = 0x0037, .order = MAPI_SORT_ASCEND },
	};
	int expect[NMSG], got[NMSG];

	for (int i = 0; i < NMSG; i++) {
		expect[i] = i;
	}
	sort_ctx.subjects = subjects;
	qsort(expect, NMSG, sizeof(int), by_importance_desc_subject);
	assert_int_equal(sort(f, table, 2, orders, 0), MAPI_E_SUCCESS);
	assert_int_equal(read_all(f, table, &cols, got), NMSG);
	assert_memory_equal(got, expect, sizeof(expect));

	/* categories are not supported; inconsistent counts are invalid */
	assert_int_equal(sort(f, table, 2, orders, 1), MAPI_E_NO_SUPPORT);
	assert_int_equal(sort(f, table, 1, orders, 2), MAPI_E_INVALID_PARAMETER);
	orders[0].order = 0x09;
	assert_int_equal(sort(f, table, 1, orders, 0), MAPI_E_INVALID_PARAMETER);
	/* the table kept its sort */
	assert_int_equal(read_all(f, table, &cols, got), NMSG);
	assert_memory_equal(got, expect, sizeof(expect));
}

static int count_matching(bool (*pred)(int))
{
	int n = 0;

	for (int i = 0; i < NMSG; i++) {
		n += pred(i);
	}
	return n;
}

static bool has_alpha(int i) { return strcasestr(subjects[i], "alpha") != NULL; }
static bool imp1(int i) { return importance[i] == 1; }
static bool alpha_and_imp2(int i) { return has_alpha(i) && importance[i] == 2; }
static bool alpha_or_imp1(int i) { return has_alpha(i) || importance[i] == 1; }
static bool not_alpha(int i) { return !has_alpha(i); }

/* Restrictions: property, content substring, AND/OR/NOT, exist; none removes it. */
static void test_restrict(void **state)
{
	struct emsmdb_fixture *f = *state;
	struct mapi_tag_array cols;
	uint32_t table = inbox_table(f, NULL, NULL, &cols);
	struct mapi_restriction alpha = content(TAG_SUBJECT, "ALPHA");
	struct mapi_restriction one = prop_eq(TAG_IMPORTANCE, 1), two = prop_eq(TAG_IMPORTANCE, 2);
	struct mapi_restriction pair[2], r;
	struct mapi_restriction exist = { .type = MAPI_RES_EXIST };
	int got[NMSG];
	uint32_t n;

	assert_int_equal(restrict_table(f, table, &alpha), MAPI_E_SUCCESS);
	n = read_all(f, table, &cols, got);
	assert_int_equal(n, count_matching(has_alpha));
	for (uint32_t i = 0; i < n; i++) {
		assert_true(has_alpha(got[i]));
	}
	assert_int_equal(row_count_of(f, table), n);

	assert_int_equal(restrict_table(f, table, &one), MAPI_E_SUCCESS);
	assert_int_equal(row_count_of(f, table), count_matching(imp1));

	pair[0] = alpha;
	pair[1] = two;
	r.type = MAPI_RES_AND;
	r.u.and_or.count = 2;
	r.u.and_or.items = pair;
	assert_int_equal(restrict_table(f, table, &r), MAPI_E_SUCCESS);
	n = read_all(f, table, &cols, got);
	assert_int_equal(n, count_matching(alpha_and_imp2));
	for (uint32_t i = 0; i < n; i++) {
		assert_true(alpha_and_imp2(got[i]));
	}

	pair[1] = one;
	r.type = MAPI_RES_OR;
	assert_int_equal(restrict_table(f, table, &r), MAPI_E_SUCCESS);
	assert_int_equal(row_count_of(f, table), count_matching(alpha_or_imp1));

	r.type = MAPI_RES_NOT;
	r.u.not_.sub = &alpha;
	assert_int_equal(restrict_table(f, table, &r), MAPI_E_SUCCESS);
	n = read_all(f, table, &cols, got);
	assert_int_equal(n, count_matching(not_alpha));
	for (uint32_t i = 0; i < n; i++) {
		assert_false(has_alpha(got[i]));
	}

	exist.u.exist.tag = TAG_BODY;
	assert_int_equal(restrict_table(f, table, &exist), MAPI_E_SUCCESS);
	n = read_all(f, table, &cols, got);
	assert_int_equal(n, count_matching(has_body));
	for (uint32_t i = 0; i < n; i++) {
		assert_true(has_body(got[i]));
	}

	assert_int_equal(restrict_table(f, table, NULL), MAPI_E_SUCCESS);
	assert_int_equal(row_count_of(f, table), NMSG);
}

/* QueryRows forward, backward, NoAdvance, and the Origin of each answer. */
static void test_query_rows(void **state)
{
	struct emsmdb_fixture *f = *state;
	struct mapi_tag_array cols;
	uint64_t mids[NMSG];
	uint32_t table = inbox_table(f, NULL, mids, &cols);
	struct rop_query_rows_response q, again;
	uint32_t pos, count;

	assert_int_equal(query_rows(f, table, 0x01, true, 3, &cols, &q), MAPI_E_SUCCESS);
	assert_int_equal(q.u.ok.row_count, 3);
	/* rows remain after the three: BOOKMARK_CURRENT (MS-OXCTABL 3.2.5.5) */
	assert_int_equal(q.u.ok.origin, EMSMDB_BOOKMARK_CURRENT);
	position(f, table, &pos, &count);
	assert_int_equal(pos, 0);
	assert_int_equal(count, NMSG);

	assert_int_equal(query_rows(f, table, 0, true, 3, &cols, &again), MAPI_E_SUCCESS);
	assert_int_equal(again.u.ok.row_count, 3);
	assert_int_equal(again.u.ok.origin, EMSMDB_BOOKMARK_CURRENT);
	for (int i = 0; i < 3; i++) {
		assert_int_equal(again.u.ok.row_data[i].values[2].pv.value.i64,
				 q.u.ok.row_data[i].values[2].pv.value.i64);
	}
	/* the default order is the order the messages were saved in */
	for (int i = 0; i < 3; i++) {
		assert_int_equal(q.u.ok.row_data[i].values[2].pv.value.i64, mids[i]);
		assert_string_equal(q.u.ok.row_data[i].values[0].pv.value.string, subjects[i]);
		assert_int_equal(q.u.ok.row_data[i].values[1].pv.value.i32, importance[i]);
	}
	position(f, table, &pos, &count);
	assert_int_equal(pos, 3);

	/* backward: the rows before the cursor, nearest first */
	assert_int_equal(query_rows(f, table, 0, false, 2, &cols, &q), MAPI_E_SUCCESS);
	assert_int_equal(q.u.ok.row_count, 2);
	assert_int_equal(q.u.ok.row_data[0].values[2].pv.value.i64, mids[2]);
	assert_int_equal(q.u.ok.row_data[1].values[2].pv.value.i64, mids[1]);
	position(f, table, &pos, &count);
	assert_int_equal(pos, 1);
	assert_int_equal(query_rows(f, table, 0, false, 5, &cols, &q), MAPI_E_SUCCESS);
	assert_int_equal(q.u.ok.row_count, 1);
	assert_int_equal(q.u.ok.origin, EMSMDB_BOOKMARK_BEGINNING);

	/* to the end: fewer rows than asked, then none */
	assert_int_equal(query_rows(f, table, 0, true, 100, &cols, &q), MAPI_E_SUCCESS);
	assert_int_equal(q.u.ok.row_count, NMSG);
	assert_int_equal(q.u.ok.origin, EMSMDB_BOOKMARK_END);
	assert_int_equal(query_rows(f, table, 0, true, 100, &cols, &q), MAPI_E_SUCCESS);
	assert_int_equal(q.u.ok.row_count, 0);
	assert_int_equal(q.u.ok.origin, EMSMDB_BOOKMARK_END);
	/* undefined flags */
	assert_int_equal(query_rows(f, table, 0x10, true, 1, &cols, NULL), MAPI_E_INVALID_PARAMETER);
	{
		struct rop_request r = { .rop_id = RopQueryRows };

		r.u.query_rows.forward_read = 2;
		r.u.query_rows.row_count = 1;
		assert_int_equal(rop(f, &r, table, NULL, &cols, NULL), MAPI_E_INVALID_PARAMETER);
	}
}

static enum wire_error columns_params(void *private_data, uint8_t rop_id, uint32_t object,
				     size_t position, struct rop_params *params)
{
	(void)rop_id; (void)object; (void)position;
	params->columns = private_data;
	return WIRE_OK;
}

/* RopQueryRows in a small output buffer: fewer rows, the cursor past those only. */
static void test_query_rows_small_buffer(void **state)
{
	struct emsmdb_fixture *f = *state;
	struct mapi_tag_array cols;
	uint32_t table = inbox_table(f, NULL, NULL, &cols);
	struct rop_request r = { .rop_id = RopQueryRows };
	uint32_t handles[1] = { table };
	struct rop_request_buffer in = { .list = { .count = 1, .rops = &r },
					 .handle_count = 1, .handles = handles };
	struct emsmdb_rop_result result;
	struct rop_response_list out;
	struct rop_context rctx = { .params = columns_params, .private_data = &cols };
	uint8_t *buf = NULL;
	size_t len = 0, max_out;
	uint32_t pos, count, got;

	r.u.query_rows.forward_read = 1;
	r.u.query_rows.row_count = NMSG;
	assert_int_equal(rop_request_push(f, &in, &rctx, &buf, &len), WIRE_OK);
	/* the head (2 + 9) and the handle table (4), and room for about two rows */
	max_out = 2 + 9 + 4 + 2 * (1 + 30 + 4 + 8) + 10;
	assert_int_equal(emsmdb_rop_process(f, f->session, buf, len, max_out, &result), MAPI_E_SUCCESS);
	assert_false(result.buffer_too_small);
	assert_int_equal(rop_responses_pull(f, result.data + 2, wire_load_le16(result.data) - 2,
					    &rctx, &out), WIRE_OK);
	assert_int_equal(out.rops[0].u.query_rows.return_value, MAPI_E_SUCCESS);
	got = out.rops[0].u.query_rows.u.ok.row_count;
	assert_true(got >= 1 && got < NMSG);
	position(f, table, &pos, &count);
	assert_int_equal(pos, got);

	/* not even one row: ecBufferTooSmall (MS-OXCTABL 3.2.5.5), the cursor stays */
	max_out = 2 + 9 + 4 + 12;
	assert_int_equal(emsmdb_rop_process(f, f->session, buf, len, max_out, &result), MAPI_E_SUCCESS);
	assert_false(result.buffer_too_small);
	assert_int_equal(wire_load_le32(result.data + 2 + 2), EC_BUFFER_TOO_SMALL);
	position(f, table, &pos, &count);
	assert_int_equal(pos, got);
}

/* QueryPosition, SeekRow from each origin and past the ends, SeekRowFractional. */
static void test_seek(void **state)
{
	struct emsmdb_fixture *f = *state;
	struct mapi_tag_array cols;
	uint64_t mids[NMSG];
	uint32_t table = inbox_table(f, NULL, mids, &cols);
	struct rop_seek_row_response s;
	struct rop_query_rows_response q;
	struct rop_request r = { .rop_id = RopSeekRowFractional };
	uint32_t pos, count;

	assert_int_equal(seek(f, table, EMSMDB_BOOKMARK_BEGINNING, 5, &s), MAPI_E_SUCCESS);
	assert_int_equal(s.u.ok.has_sought_less, 0);
	assert_int_equal(s.u.ok.rows_sought, 5);
	assert_int_equal(query_rows(f, table, 0x01, true, 1, &cols, &q), MAPI_E_SUCCESS);
	assert_int_equal(q.u.ok.row_data[0].values[2].pv.value.i64, mids[5]);

	assert_int_equal(seek(f, table, EMSMDB_BOOKMARK_CURRENT, -2, &s), MAPI_E_SUCCESS);
	assert_int_equal((int32_t)s.u.ok.rows_sought, -2);
	position(f, table, &pos, &count);
	assert_int_equal(pos, 3);

	assert_int_equal(seek(f, table, EMSMDB_BOOKMARK_END, -1, &s), MAPI_E_SUCCESS);
	position(f, table, &pos, &count);
	assert_int_equal(pos, NMSG - 1);

	/* past either end: stops there and says so */
	assert_int_equal(seek(f, table, EMSMDB_BOOKMARK_CURRENT, 10, &s), MAPI_E_SUCCESS);
	assert_int_equal(s.u.ok.has_sought_less, 1);
	assert_int_equal(s.u.ok.rows_sought, 1);
	assert_int_equal(seek(f, table, EMSMDB_BOOKMARK_BEGINNING, -3, &s), MAPI_E_SUCCESS);
	assert_int_equal(s.u.ok.has_sought_less, 1);
	assert_int_equal(s.u.ok.rows_sought, 0);
	assert_int_equal(seek(f, table, 7, 1, NULL), MAPI_E_INVALID_PARAMETER);

	r.u.seek_row_fractional.numerator = 1;
	r.u.seek_row_fractional.denominator = 2;
	assert_int_equal(rop(f, &r, table, NULL, NULL, NULL), MAPI_E_SUCCESS);
	position(f, table, &pos, &count);
	assert_int_equal(pos, NMSG / 2);
	r.u.seek_row_fractional.numerator = 3;
	assert_int_equal(rop(f, &r, table, NULL, NULL, NULL), MAPI_E_SUCCESS);
	position(f, table, &pos, &count);
	assert_int_equal(pos, NMSG);
	r.u.seek_row_fractional.denominator = 0;
	assert_int_equal(rop(f, &r, table, NULL, NULL, NULL), MAPI_E_INVALID_PARAMETER);
}

static uint32_t create_bookmark(struct emsmdb_fixture *f, uint32_t table, uint8_t out[4])
{
	struct rop_request r = { .rop_id = RopCreateBookmark };
	struct rop_response response;

	assert_int_equal(rop(f, &r, table, NULL, NULL, &response), MAPI_E_SUCCESS);
	assert_int_equal(response.u.create_bookmark.u.ok.bookmark_size, EMSMDB_BOOKMARK_SIZE);
	memcpy(out, response.u.create_bookmark.u.ok.bookmark, 4);
	return MAPI_E_SUCCESS;
}

static uint32_t seek_bookmark(struct emsmdb_fixture *f, uint32_t table, uint8_t *mark, uint16_t size,
			      int32_t delta, struct rop_seek_row_bookmark_response *out)
{
	struct rop_request r = { .rop_id = RopSeekRowBookmark };
	struct rop_response response;
	uint32_t rc;

	r.u.seek_row_bookmark.bookmark_size = size;
	r.u.seek_row_bookmark.bookmark = mark;
	r.u.seek_row_bookmark.row_count = (uint32_t)delta;
	rc = rop(f, &r, table, NULL, NULL, &response);
	if (out != NULL) {
		*out = response.u.seek_row_bookmark;
	}
	return rc;
}

static uint32_t free_bookmark(struct emsmdb_fixture *f, uint32_t table, uint8_t *mark, uint16_t size)
{
	struct rop_request r = { .rop_id = RopFreeBookmark };

	r.u.free_bookmark.bookmark_size = size;
	r.u.free_bookmark.bookmark = mark;
	return rop(f, &r, table, NULL, NULL, NULL);
}

/* Bookmarks: back to the row, gone rows, free, invalid after a sort. */
static void test_bookmarks(void **state)
{
	struct emsmdb_fixture *f = *state;
	struct mapi_tag_array cols;
	uint64_t mids[NMSG];
	uint32_t folder, table = inbox_table(f, &folder, mids, &cols);
	struct rop_seek_row_bookmark_response s;
	struct rop_query_rows_response q;
	uint8_t mark[4], other[4], bogus[4] = { 0x77, 0x77, 0, 0 };
	uint32_t pos, count, partial;

	seek(f, table, EMSMDB_BOOKMARK_BEGINNING, 3, NULL);
	create_bookmark(f, table, mark);
	seek(f, table, EMSMDB_BOOKMARK_END, 0, NULL);
	assert_int_equal(seek_bookmark(f, table, mark, 4, 0, &s), MAPI_E_SUCCESS);
	assert_int_equal(s.u.ok.row_no_longer_visible, 0);
	assert_int_equal(query_rows(f, table, 0x01, true, 1, &cols, &q), MAPI_E_SUCCESS);
	assert_int_equal(q.u.ok.row_data[0].values[2].pv.value.i64, mids[3]);
	assert_int_equal(seek_bookmark(f, table, mark, 4, 2, &s), MAPI_E_SUCCESS);
	assert_int_equal(s.u.ok.rows_sought, 2);
	position(f, table, &pos, &count);
	assert_int_equal(pos, 5);

	/* the bookmarked row deleted (through mapistore): RowNoLongerVisible */
	assert_int_equal(mapistore_messages_delete(store_folder(f, folder), 1, &mids[3], true, &partial),
			 MAPI_E_SUCCESS);
	assert_int_equal(seek_bookmark(f, table, mark, 4, 0, &s), MAPI_E_SUCCESS);
	assert_int_equal(s.u.ok.row_no_longer_visible, 1);
	assert_int_equal(query_rows(f, table, 0x01, true, 1, &cols, &q), MAPI_E_SUCCESS);
	assert_int_equal(q.u.ok.row_data[0].values[2].pv.value.i64, mids[4]);

	/* wrong size, unknown, freed */
	assert_int_equal(seek_bookmark(f, table, mark, 3, 0, NULL), MAPI_E_INVALID_BOOKMARK);
	assert_int_equal(seek_bookmark(f, table, bogus, 4, 0, NULL), MAPI_E_INVALID_BOOKMARK);
	assert_int_equal(free_bookmark(f, table, mark, 4), MAPI_E_SUCCESS);
	assert_int_equal(free_bookmark(f, table, mark, 4), MAPI_E_INVALID_BOOKMARK);
	assert_int_equal(seek_bookmark(f, table, mark, 4, 0, NULL), MAPI_E_INVALID_BOOKMARK);

	/* a sort makes every bookmark invalid */
	create_bookmark(f, table, other);
	assert_int_equal(sort(f, table, 0, NULL, 0), MAPI_E_SUCCESS);
	assert_int_equal(seek_bookmark(f, table, other, 4, 0, NULL), MAPI_E_INVALID_BOOKMARK);
}

static uint32_t find_row(struct emsmdb_fixture *f, uint32_t table, struct mapi_restriction *res,
			 uint8_t flags, uint8_t origin, uint8_t *mark, const struct mapi_tag_array *cols,
			 struct rop_find_row_response *out)
{
	struct rop_request r = { .rop_id = RopFindRow };
	struct rop_response response;
	uint32_t rc;

	r.u.find_row.find_row_flags = flags;
	r.u.find_row.restriction_data = res;
	r.u.find_row.origin = origin;
	r.u.find_row.bookmark_size = mark ? 4 : 0;
	r.u.find_row.bookmark = mark;
	rc = rop(f, &r, table, NULL, cols, &response);
	if (out != NULL) {
		*out = response.u.find_row;
	}
	return rc;
}

/* FindRow forward, backward, from a bookmark; the row comes back; ecNotFound. */
static void test_find_row(void **state)
{
	struct emsmdb_fixture *f = *state;
	struct mapi_tag_array cols;
	uint64_t mids[NMSG];
	uint32_t table = inbox_table(f, NULL, mids, &cols);
	struct mapi_restriction alpha = content(TAG_SUBJECT, "alpha");
	struct mapi_restriction none = content(TAG_SUBJECT, "zulu");
	struct rop_find_row_response fr;
	uint32_t pos, count;
	uint8_t mark[4];
	int first = -1, last = -1;

	for (int i = 0; i < NMSG; i++) {
		if (has_alpha(i)) {
			last = i;
			if (first < 0) {
				first = i;
			}
		}
	}
	assert_int_equal(find_row(f, table, &alpha, 0, EMSMDB_BOOKMARK_BEGINNING, NULL, &cols, &fr),
			 MAPI_E_SUCCESS);
	assert_int_equal(fr.u.ok.has_row_data, 1);
	assert_int_equal(fr.u.ok.row_data.values[2].pv.value.i64, mids[first]);
	assert_string_equal(fr.u.ok.row_data.values[0].pv.value.string, subjects[first]);
	position(f, table, &pos, &count);
	assert_int_equal(pos, first);

	assert_int_equal(find_row(f, table, &alpha, 0x01, EMSMDB_BOOKMARK_END, NULL, &cols, &fr),
			 MAPI_E_SUCCESS);
	assert_int_equal(fr.u.ok.row_data.values[2].pv.value.i64, mids[last]);

	/* from a custom bookmark on row first+1: the next match after it */
	seek(f, table, EMSMDB_BOOKMARK_BEGINNING, first + 1, NULL);
	create_bookmark(f, table, mark);
	seek(f, table, EMSMDB_BOOKMARK_BEGINNING, 0, NULL);
	assert_int_equal(find_row(f, table, &alpha, 0, EMSMDB_BOOKMARK_CUSTOM, mark, &cols, &fr),
			 MAPI_E_SUCCESS);
	for (int i = first + 1; i < NMSG; i++) {
		if (has_alpha(i)) {
			assert_int_equal(fr.u.ok.row_data.values[2].pv.value.i64, mids[i]);
			break;
		}
	}
	assert_int_equal(find_row(f, table, &none, 0, EMSMDB_BOOKMARK_BEGINNING, NULL, &cols, NULL),
			 MAPI_E_NOT_FOUND);
	assert_int_equal(find_row(f, table, &alpha, 0x04, EMSMDB_BOOKMARK_BEGINNING, NULL, &cols, NULL),
			 MAPI_E_INVALID_PARAMETER);
	mark[0] ^= 0x55;
	assert_int_equal(find_row(f, table, &alpha, 0, EMSMDB_BOOKMARK_CUSTOM, mark, &cols, NULL),
			 MAPI_E_INVALID_BOOKMARK);
}

/* QueryColumnsAll names what the rows have; ResetTable forgets columns, sort, restriction. */
static void test_columns_all_and_reset(void **state)
{
	struct emsmdb_fixture *f = *state;
	struct mapi_tag_array cols;
	uint32_t table = inbox_table(f, NULL, NULL, &cols);
	struct rop_request r = { .rop_id = RopQueryColumnsAll };
	struct rop_response response;
	struct mapi_restriction one = prop_eq(TAG_IMPORTANCE, 1);
	bool subject = false, body = false, imp = false;

	assert_int_equal(rop(f, &r, table, NULL, NULL, &response), MAPI_E_SUCCESS);
	for (uint16_t i = 0; i < response.u.query_columns_all.u.ok.property_tag_count; i++) {
		uint32_t tag = response.u.query_columns_all.u.ok.property_tags[i];

		subject |= tag == TAG_SUBJECT;
		body |= tag == TAG_BODY;
		imp |= tag == TAG_IMPORTANCE;
	}
	assert_true(subject && body && imp);

	assert_int_equal(restrict_table(f, table, &one), MAPI_E_SUCCESS);
	assert_int_equal(row_count_of(f, table), count_matching(imp1));
	r.rop_id = RopResetTable;
	assert_int_equal(rop(f, &r, table, NULL, NULL, NULL), MAPI_E_SUCCESS);
	assert_int_equal(row_count_of(f, table), NMSG);
	assert_int_equal(query_rows(f, table, 0, true, 1, &cols, NULL), EC_NULL_OBJECT);
	assert_int_equal(find_row(f, table, &one, 0, 0, NULL, &cols, NULL), EC_NULL_OBJECT);
}

/* GetStatus is complete; Abort has nothing to abort. */
static void test_status_abort(void **state)
{
	struct emsmdb_fixture *f = *state;
	struct mapi_tag_array cols;
	uint32_t table = inbox_table(f, NULL, NULL, &cols);
	struct rop_request r = { .rop_id = RopGetStatus };
	struct rop_response response;

	assert_int_equal(rop(f, &r, table, NULL, NULL, &response), MAPI_E_SUCCESS);
	assert_int_equal(response.u.get_status.u.ok.table_status, EMSMDB_TBLSTAT_COMPLETE);
	r.rop_id = RopAbort;
	assert_int_equal(rop(f, &r, table, NULL, NULL, NULL), MAPI_E_UNABLE_TO_ABORT);
	r.rop_id = RopExpandRow;
	assert_int_equal(rop(f, &r, table, NULL, NULL, NULL), MAPI_E_NO_SUPPORT);
}

/* A value over 32 KB is the error NotEnoughMemory in its row. */
static void test_large_value(void **state)
{
	struct emsmdb_fixture *f = *state;
	uint32_t folder = open_folder(f, f->folder_ids[4]), table;
	static uint32_t tags[] = { TAG_SUBJECT, TAG_BODY };
	struct mapi_tag_array cols = { .count = 2, .tags = tags };
	struct mapistore_message *msg;
	struct mapi_propval pv[2];
	struct rop_query_rows_response q;
	char *big = talloc_array(f, char, 40001);

	memset(big, 'x', 40000);
	big[40000] = 0;
	assert_int_equal(mapistore_message_create(store_folder(f, folder), f, false, &msg), MAPI_E_SUCCESS);
	pv[0].tag = TAG_SUBJECT;
	pv[0].value.string = "big";
	pv[1].tag = TAG_BODY;
	pv[1].value.string = big;
	assert_int_equal(mapistore_message_set_props(msg, 2, pv, f, NULL), MAPI_E_SUCCESS);
	assert_int_equal(mapistore_message_save(msg, 0), MAPI_E_SUCCESS);
	table = get_table(f, folder, RopGetContentsTable, 0, NULL, NULL);
	assert_int_equal(set_columns(f, table, &cols), MAPI_E_SUCCESS);
	assert_int_equal(query_rows(f, table, 0, true, 10, &cols, &q), MAPI_E_SUCCESS);
	assert_int_equal(q.u.ok.row_count, 1);
	assert_int_equal(q.u.ok.row_data[0].flag, MAPI_ROW_FLAGGED);
	assert_string_equal(q.u.ok.row_data[0].values[0].pv.value.string, "big");
	assert_int_equal(q.u.ok.row_data[0].values[1].flag, MAPI_PROPVAL_ERROR);
	assert_int_equal(q.u.ok.row_data[0].values[1].pv.value.error_code, MAPI_E_NOT_ENOUGH_MEMORY);
}

/* String columns: PtypString8 in the session's code page, PtypUnspecified per UseUnicode. */
static void test_string_modes(void **state)
{
	struct emsmdb_fixture *f = *state;
	uint32_t folder = open_folder(f, f->folder_ids[4]), table;
	static uint32_t tags[] = { TAG_SUBJECT, TAG_SUBJECT_8, TAG_SUBJECT_ANY };
	struct mapi_tag_array cols = { .count = 3, .tags = tags };
	struct mapistore_message *msg;
	struct mapi_propval pv = { .tag = TAG_SUBJECT, .value.string = "caf\xc3\xa9" };
	struct rop_query_rows_response q;

	f->session->code_page = 1252;
	assert_int_equal(mapistore_message_create(store_folder(f, folder), f, false, &msg), MAPI_E_SUCCESS);
	assert_int_equal(mapistore_message_set_props(msg, 1, &pv, f, NULL), MAPI_E_SUCCESS);
	assert_int_equal(mapistore_message_save(msg, 0), MAPI_E_SUCCESS);

	table = get_table(f, folder, RopGetContentsTable, 0, NULL, NULL);
	assert_int_equal(set_columns(f, table, &cols), MAPI_E_SUCCESS);
	assert_int_equal(query_rows(f, table, 0, true, 10, &cols, &q), MAPI_E_SUCCESS);
	assert_int_equal(q.u.ok.row_count, 1);
	assert_string_equal(q.u.ok.row_data[0].values[0].pv.value.string, "caf\xc3\xa9");
	assert_string_equal(q.u.ok.row_data[0].values[1].pv.value.string8, "caf\xe9");	/* cp1252 */
	assert_int_equal(MAPI_PROP_TYPE(q.u.ok.row_data[0].values[2].pv.tag), PTYP_STRING8);
	assert_string_equal(q.u.ok.row_data[0].values[2].pv.value.string8, "caf\xe9");

	table = get_table(f, folder, RopGetContentsTable, EMSMDB_TABLE_USE_UNICODE, NULL, NULL);
	assert_int_equal(set_columns(f, table, &cols), MAPI_E_SUCCESS);
	assert_int_equal(query_rows(f, table, 0, true, 10, &cols, &q), MAPI_E_SUCCESS);
	assert_string_equal(q.u.ok.row_data[0].values[1].pv.value.string8, "caf\xe9");
	assert_int_equal(MAPI_PROP_TYPE(q.u.ok.row_data[0].values[2].pv.tag), PTYP_STRING);
	assert_string_equal(q.u.ok.row_data[0].values[2].pv.value.string, "caf\xc3\xa9");
}

/* A table open while a message is saved shows it at the next QueryRows. */
static void test_follows_changes(void **state)
{
	struct emsmdb_fixture *f = *state;
	struct mapi_tag_array cols;
	uint32_t folder, table = inbox_table(f, &folder, NULL, &cols);
	struct rop_query_rows_response q;
	struct mapistore_message *msg;
	struct mapi_propval pv = { .tag = TAG_SUBJECT, .value.string = "arrived later" };
	bool seen = false;

	assert_int_equal(query_rows(f, table, 0, true, 100, &cols, &q), MAPI_E_SUCCESS);
	assert_int_equal(q.u.ok.row_count, NMSG);
	assert_int_equal(mapistore_message_create(store_folder(f, folder), f, false, &msg), MAPI_E_SUCCESS);
	assert_int_equal(mapistore_message_set_props(msg, 1, &pv, f, NULL), MAPI_E_SUCCESS);
	assert_int_equal(mapistore_message_save(msg, 0), MAPI_E_SUCCESS);
	assert_int_equal(query_rows(f, table, 0, true, 100, &cols, &q), MAPI_E_SUCCESS);
	assert_int_equal(q.u.ok.row_count, 1);
	assert_string_equal(q.u.ok.row_data[0].values[0].pv.value.string, "arrived later");
	assert_int_equal(row_count_of(f, table), NMSG + 1);
	seek(f, table, EMSMDB_BOOKMARK_BEGINNING, 0, NULL);
	assert_int_equal(query_rows(f, table, 0, true, 100, &cols, &q), MAPI_E_SUCCESS);
	for (uint16_t i = 0; i < q.u.ok.row_count; i++) {
		seen |= strcmp(q.u.ok.row_data[i].values[0].pv.value.string, "arrived later") == 0;
	}
	assert_true(seen);
}

/* Flags MS-OXCTABL does not define, missing restrictions, objects that are no tables. */
static void test_flag_errors(void **state)
{
	struct emsmdb_fixture *f = *state;
	struct mapi_tag_array cols;
	uint32_t folder, table = inbox_table(f, &folder, NULL, &cols);
	struct mapi_restriction one = prop_eq(TAG_IMPORTANCE, 1);
	struct rop_request r = { .rop_id = RopSortTable };
	uint32_t rows = 0, status;

	r.u.sort_table.sort_table_flags = 0x04;
	assert_int_equal(rop(f, &r, table, NULL, NULL, NULL), MAPI_E_INVALID_PARAMETER);
	r.u.sort_table.sort_table_flags = 0x03;	/* TBL_ASYNC | TBL_BATCH: done at once */
	assert_int_equal(rop(f, &r, table, NULL, NULL, NULL), MAPI_E_SUCCESS);
	memset(&r, 0, sizeof(r));
	r.rop_id = RopRestrict;
	r.u.restrict_.restrict_flags = 0x08;
	r.u.restrict_.restriction_data = &one;
	assert_int_equal(rop(f, &r, table, NULL, NULL, NULL), MAPI_E_INVALID_PARAMETER);
	assert_int_equal(row_count_of(f, table), NMSG);	/* nothing changed */
	assert_int_equal(find_row(f, table, NULL, 0, EMSMDB_BOOKMARK_BEGINNING, NULL, &cols, NULL),
			 MAPI_E_INVALID_PARAMETER);
	assert_int_equal(find_row(f, table, &one, 0, 4, NULL, &cols, NULL), MAPI_E_INVALID_PARAMETER);
	memset(&r, 0, sizeof(r));
	r.rop_id = RopQueryPosition;
	assert_int_equal(rop(f, &r, folder, NULL, NULL, NULL), MAPI_E_NO_SUPPORT);
	r.rop_id = RopCreateBookmark;
	assert_int_equal(rop(f, &r, f->logon_handle, NULL, NULL, NULL), MAPI_E_NO_SUPPORT);
	r.rop_id = RopAbort;
	assert_int_equal(rop(f, &r, folder, NULL, NULL, NULL), MAPI_E_NO_SUPPORT);
	/* every defined hierarchy flag at once is accepted (and answered synchronously) */
	get_table(f, folder, RopGetHierarchyTable,
		  EMSMDB_TABLE_DEPTH | EMSMDB_TABLE_DEFERRED_ERRORS | EMSMDB_TABLE_NO_NOTIFICATIONS |
		  EMSMDB_TABLE_SOFT_DELETES | EMSMDB_TABLE_USE_UNICODE | EMSMDB_TABLE_SUPPRESS_NOTIFICATIONS,
		  &rows, &status);
	assert_int_equal(status, MAPI_E_SUCCESS);
	assert_int_equal(rows, 0);	/* the Inbox has no subfolders */
}

/* --- attachment tables (made by RopGetAttachmentTable, served here) ---------------- */

static const char *att_names[] = { "b-report.pdf", "a-photo.jpg", "c-notes.txt" };

static uint32_t attachment_table(struct emsmdb_fixture *f, struct emsmdb_message **out_msg)
{
	struct emsmdb_rop_ctx rctx = { .session = f->session };
	struct emsmdb_logon *logon = emsmdb_object_logon(emsmdb_object_lookup(f->session, f->logon_handle));
	struct mapistore_folder *inbox;
	struct emsmdb_message *m;
	struct emsmdb_table *t;
	struct emsmdb_object *mobj, *tobj;

	assert_int_equal(mapistore_folder_open(logon->store, f, f->folder_ids[4], &inbox), MAPI_E_SUCCESS);
	assert_int_equal(emsmdb_message_object_new(&rctx, logon, 0, &m, &mobj), MAPI_E_SUCCESS);
	assert_int_equal(mapistore_message_create(inbox, m, false, &m->msg), MAPI_E_SUCCESS);
	m->fid = f->folder_ids[4];
	m->created = true;
	m->open_mode = MAPISTORE_OPEN_READ_WRITE;
	for (int i = 0; i < 3; i++) {
		struct mapistore_attachment *att;
		struct mapi_propval pv = { .tag = TAG_ATTACH_LONG_FILENAME, .value.string = (char *)att_names[i] };
		uint32_t num;

		assert_int_equal(mapistore_attachment_create(m->msg, f, &att, &num), MAPI_E_SUCCESS);
		assert_int_equal(mapistore_attachment_set_props(att, 1, &pv, f, NULL), MAPI_E_SUCCESS);
		assert_int_equal(mapistore_attachment_save(att), MAPI_E_SUCCESS);
		talloc_free(att);
	}
	assert_int_equal(emsmdb_table_object_new(&rctx, logon, 0, EMSMDB_TABLE_ATTACHMENTS, NULL, m, &t,
						 &tobj), MAPI_E_SUCCESS);
	t->table_flags = EMSMDB_TABLE_USE_UNICODE;
	if (out_msg != NULL) {
		*out_msg = m;
	}
	return tobj->handle;
}

/* Every table ROP on an attachment table: rows, sort, restrict, seek, bookmarks, find, reset. */
static void test_attachment_table(void **state)
{
	struct emsmdb_fixture *f = *state;
	static uint32_t tags[] = { TAG_ATTACH_NUMBER, TAG_ATTACH_LONG_FILENAME };
	struct mapi_tag_array cols = { .count = 2, .tags = tags };
	struct emsmdb_message *m;
	uint32_t table = attachment_table(f, &m);
	struct rop_query_rows_response q;
	struct rop_find_row_response fr;
	struct rop_seek_row_bookmark_response s;
	struct rop_sort_order by_name = { .property_type = 0x001F, .property_id = 0x3707,
					  .order = MAPI_SORT_DESCEND };
	struct mapi_restriction notes = content(TAG_ATTACH_LONG_FILENAME, "NOTES");
	struct mapi_restriction photo = content(TAG_ATTACH_LONG_FILENAME, "photo");
	struct rop_request r = { .rop_id = RopQueryColumnsAll };
	struct rop_response response;
	struct mapistore_attachment *att;
	uint32_t pos, count, num;
	uint8_t mark[4];
	bool name_col = false;

	assert_int_equal(query_rows(f, table, 0, true, 10, &cols, NULL), EC_NULL_OBJECT);
	assert_int_equal(set_columns(f, table, &cols), MAPI_E_SUCCESS);
	assert_int_equal(query_rows(f, table, 0, true, 10, &cols, &q), MAPI_E_SUCCESS);
	assert_int_equal(q.u.ok.row_count, 3);
	for (int i = 0; i < 3; i++) {
		assert_string_equal(q.u.ok.row_data[i].values[1].pv.value.string, att_names[i]);
	}
	assert_int_equal(q.u.ok.origin, EMSMDB_BOOKMARK_END);

	/* sorted by name, descending: c, b, a */
	assert_int_equal(sort(f, table, 1, &by_name, 0), MAPI_E_SUCCESS);
	assert_int_equal(query_rows(f, table, 0, true, 10, &cols, &q), MAPI_E_SUCCESS);
	assert_string_equal(q.u.ok.row_data[0].values[1].pv.value.string, att_names[2]);
	assert_string_equal(q.u.ok.row_data[1].values[1].pv.value.string, att_names[0]);
	assert_string_equal(q.u.ok.row_data[2].values[1].pv.value.string, att_names[1]);

	/* backward from the end, NoAdvance */
	assert_int_equal(query_rows(f, table, 0x01, false, 2, &cols, &q), MAPI_E_SUCCESS);
	assert_int_equal(q.u.ok.row_count, 2);
	assert_string_equal(q.u.ok.row_data[0].values[1].pv.value.string, att_names[1]);
	position(f, table, &pos, &count);
	assert_int_equal(pos, 3);
	assert_int_equal(count, 3);

	/* seek, bookmark, find */
	assert_int_equal(seek(f, table, EMSMDB_BOOKMARK_BEGINNING, 1, NULL), MAPI_E_SUCCESS);
	create_bookmark(f, table, mark);
	assert_int_equal(find_row(f, table, &photo, 0, EMSMDB_BOOKMARK_BEGINNING, NULL, &cols, &fr),
			 MAPI_E_SUCCESS);
	assert_int_equal(fr.u.ok.has_row_data, 1);
	assert_string_equal(fr.u.ok.row_data.values[1].pv.value.string, att_names[1]);
	position(f, table, &pos, &count);
	assert_int_equal(pos, 2);
	assert_int_equal(find_row(f, table, &photo, 0x01, EMSMDB_BOOKMARK_BEGINNING, NULL, &cols, NULL),
			 MAPI_E_NOT_FOUND);
	assert_int_equal(seek_bookmark(f, table, mark, 4, 0, &s), MAPI_E_SUCCESS);
	assert_int_equal(s.u.ok.row_no_longer_visible, 0);
	assert_int_equal(query_rows(f, table, 0x01, true, 1, &cols, &q), MAPI_E_SUCCESS);
	assert_string_equal(q.u.ok.row_data[0].values[1].pv.value.string, att_names[0]);

	/* the bookmarked attachment deleted from the message: no longer visible */
	num = q.u.ok.row_data[0].values[0].pv.value.i32;
	assert_int_equal(mapistore_attachment_delete(m->msg, num), MAPI_E_SUCCESS);
	assert_int_equal(seek_bookmark(f, table, mark, 4, 0, &s), MAPI_E_SUCCESS);
	assert_int_equal(s.u.ok.row_no_longer_visible, 1);
	assert_int_equal(row_count_of(f, table), 2);
	assert_int_equal(free_bookmark(f, table, mark, 4), MAPI_E_SUCCESS);
	assert_int_equal(free_bookmark(f, table, mark, 4), MAPI_E_INVALID_BOOKMARK);

	/* a new attachment shows at once */
	assert_int_equal(mapistore_attachment_create(m->msg, f, &att, &num), MAPI_E_SUCCESS);
	assert_int_equal(mapistore_attachment_save(att), MAPI_E_SUCCESS);
	assert_int_equal(row_count_of(f, table), 3);

	/* restrict */
	assert_int_equal(restrict_table(f, table, &notes), MAPI_E_SUCCESS);
	assert_int_equal(query_rows(f, table, 0, true, 10, &cols, &q), MAPI_E_SUCCESS);
	assert_int_equal(q.u.ok.row_count, 1);
	assert_string_equal(q.u.ok.row_data[0].values[1].pv.value.string, att_names[2]);

	/* fractional */
	r.rop_id = RopSeekRowFractional;
	r.u.seek_row_fractional.numerator = 1;
	r.u.seek_row_fractional.denominator = 1;
	assert_int_equal(rop(f, &r, table, NULL, NULL, NULL), MAPI_E_SUCCESS);
	position(f, table, &pos, &count);
	assert_int_equal(pos, count);

	/* columns of all rows */
	r.rop_id = RopQueryColumnsAll;
	assert_int_equal(rop(f, &r, table, NULL, NULL, &response), MAPI_E_SUCCESS);
	for (uint16_t i = 0; i < response.u.query_columns_all.u.ok.property_tag_count; i++) {
		name_col |= response.u.query_columns_all.u.ok.property_tags[i] == TAG_ATTACH_LONG_FILENAME;
	}
	assert_true(name_col);

	/* reset: the restriction goes, and the columns */
	r.rop_id = RopResetTable;
	assert_int_equal(rop(f, &r, table, NULL, NULL, NULL), MAPI_E_SUCCESS);
	assert_int_equal(row_count_of(f, table), 3);
	assert_int_equal(query_rows(f, table, 0, true, 10, &cols, NULL), EC_NULL_OBJECT);
}

/* An attachment value over 32 KB is NotEnoughMemory in its row, as in folder tables. */
static void test_attachment_large_value(void **state)
{
	struct emsmdb_fixture *f = *state;
	static uint32_t tags[] = { TAG_ATTACH_LONG_FILENAME, 0x37010102u /* PidTagAttachDataBinary */ };
	struct mapi_tag_array cols = { .count = 2, .tags = tags };
	struct emsmdb_message *m;
	uint32_t table = attachment_table(f, &m), num;
	struct mapistore_attachment *att;
	struct mapi_propval pv = { .tag = 0x37010102u };
	struct rop_query_rows_response q;

	pv.value.binary.len = 40000;
	pv.value.binary.data = talloc_zero_array(f, uint8_t, 40000);
	assert_int_equal(mapistore_attachment_create(m->msg, f, &att, &num), MAPI_E_SUCCESS);
	assert_int_equal(mapistore_attachment_set_props(att, 1, &pv, f, NULL), MAPI_E_SUCCESS);
	assert_int_equal(mapistore_attachment_save(att), MAPI_E_SUCCESS);
	assert_int_equal(set_columns(f, table, &cols), MAPI_E_SUCCESS);
	assert_int_equal(seek(f, table, EMSMDB_BOOKMARK_END, -1, NULL), MAPI_E_SUCCESS);
	assert_int_equal(query_rows(f, table, 0, true, 10, &cols, &q), MAPI_E_SUCCESS);
	assert_int_equal(q.u.ok.row_count, 1);
	assert_int_equal(q.u.ok.row_data[0].flag, MAPI_ROW_FLAGGED);
	assert_int_equal(q.u.ok.row_data[0].values[0].flag, MAPI_PROPVAL_ERROR);	/* no name */
	assert_int_equal(q.u.ok.row_data[0].values[0].pv.value.error_code, MAPI_E_NOT_FOUND);
	assert_int_equal(q.u.ok.row_data[0].values[1].flag, MAPI_PROPVAL_ERROR);
	assert_int_equal(q.u.ok.row_data[0].values[1].pv.value.error_code, MAPI_E_NOT_ENOUGH_MEMORY);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, emsmdb_fixture_setup, emsmdb_fixture_teardown)
		T(test_hierarchy_table),
		T(test_contents_table),
		T(test_set_columns_errors),
		T(test_sort_multi_key),
		T(test_restrict),
		T(test_query_rows),
		T(test_query_rows_small_buffer),
		T(test_seek),
		T(test_bookmarks),
		T(test_find_row),
		T(test_columns_all_and_reset),
		T(test_status_abort),
		T(test_large_value),
		T(test_string_modes),
		T(test_follows_changes),
		T(test_flag_errors),
		T(test_attachment_table),
		T(test_attachment_large_value),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
