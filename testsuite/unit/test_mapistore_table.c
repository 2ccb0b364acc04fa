/*
 * Unit tests of mapistore tables (MS-OXCTABL semantics over the sqlite3
 * backend): contents and hierarchy tables, columns, multi-key sorts in SQL
 * and in C, restrictions of every MS-OXCDATA 2.12 type (each evaluated on
 * the SQL path and on the C path, which must agree), the cursor,
 * fractional positioning, bookmarks, FindRow, large values in rows, and
 * tables following changes made while they are open.
 *
 * Copyright (C) OpenChange developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define _GNU_SOURCE	/* strcasestr */
#include <sqlite3.h>
#include "testsuite/unit/test_mapistore_common.h"

#define NMSG 240
#define TAG_CUSTOM 0x66100003u		/* not a column of the backend: C only */
#define TAG_NOWHERE 0x7FF00003u		/* never set */
#define TAG_RECIPIENT_NAME TAG_DISPLAY_NAME
#define BASE_TIME 133000000000000000ULL

struct fixture {
	struct mbox *m;
	TALLOC_CTX *mem;
	struct mapistore_folder *folder;
	uint64_t mids[NMSG];
};

/* What message i holds, so tests can compute the expected rows themselves. */
static uint64_t delivery_of(int i) { return BASE_TIME + (uint64_t)((i * 7919) % NMSG) * 10000000ULL; }
static uint32_t importance_of(int i) { return i % 3; }
static bool has_custom(int i) { return i % 4 != 0; }
static uint32_t custom_of(int i) { return (uint32_t)((i * 37) % 101); }
static bool is_read(int i) { return i % 5 == 0; }
static bool has_alice(int i) { return i % 10 == 3; }

static void subject_of(int i, char *buf, size_t size)
{
	if (i % 50 == 7)
		snprintf(buf, size, "Привет %03d", i);
	else
		snprintf(buf, size, i % 2 ? "Subject %03d" : "subject %03d", i);
}

static int setup(void **state)
{
	struct fixture *fx = talloc_zero(NULL, struct fixture);
	struct mapistore_folder *inbox;

	fx->m = mbox_new(true);
	fx->mem = talloc_new(fx);
	inbox = open_special(fx->m, fx->mem, MAPISTORE_INBOX);
	assert_int_equal(mapistore_folder_create(inbox, fx->mem, "Tables", MAPISTORE_FOLDER_GENERIC, 0, 0, NULL,
						 &fx->folder, NULL), MAPI_E_SUCCESS);
	for (int i = 0; i < NMSG; i++) {
		struct mapistore_message *msg;
		char subject[64];
		struct mapi_propval pv[6];
		int n = 0;

		subject_of(i, subject, sizeof(subject));
		pv[n++] = pv_string(TAG_SUBJECT, subject);
		pv[n++] = pv_string(TAG_MESSAGE_CLASS, i % 2 ? "IPM.Note" : "IPM.Schedule.Meeting.Request");
		pv[n++] = pv_time(TAG_DELIVERY_TIME, delivery_of(i));
		pv[n++] = pv_i32(TAG_IMPORTANCE, importance_of(i));
		pv[n++] = pv_i32(TAG_MESSAGE_FLAGS, is_read(i) ? MAPISTORE_MSGFLAG_READ : 0);
		if (has_custom(i))
			pv[n++] = pv_i32(TAG_CUSTOM, custom_of(i));
		assert_int_equal(mapistore_message_create(fx->folder, fx->mem, false, &msg), MAPI_E_SUCCESS);
		assert_int_equal(mapistore_message_set_props(msg, n, pv, fx->mem, NULL), MAPI_E_SUCCESS);
		if (has_alice(i)) {
			struct mapi_propval r = pv_string(TAG_RECIPIENT_NAME, "Alice");
			struct mapistore_recipient row = { .row_id = 0, .count = 1, .props = &r };

			assert_int_equal(mapistore_message_modify_recipients(msg, 1, &row), MAPI_E_SUCCESS);
		}
		assert_int_equal(mapistore_message_save(msg, 0), MAPI_E_SUCCESS);
		fx->mids[i] = mapistore_message_id(msg);
		talloc_free(msg);
	}
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;

	mbox_free(fx->m);
	talloc_free(fx);
	return 0;
}

static int index_of(struct fixture *fx, uint64_t mid)
{
	for (int i = 0; i < NMSG; i++)
		if (fx->mids[i] == mid)
			return i;
	return -1;
}

static struct mapistore_table *contents(struct fixture *fx, uint16_t ncols, const uint32_t *cols)
{
	struct mapistore_table *t;

	assert_int_equal(mapistore_table_open(fx->folder, fx->mem, MAPISTORE_TABLE_CONTENTS, 0, &t), MAPI_E_SUCCESS);
	assert_int_equal(mapistore_table_set_columns(t, ncols, cols), MAPI_E_SUCCESS);
	return t;
}

/* All row ids of a table, from the start. */
static uint32_t all_ids(struct mapistore_table *t, TALLOC_CTX *mem, uint64_t **ids)
{
	struct mapi_property_row *rows;
	uint32_t n;

	assert_int_equal(mapistore_table_seek(t, MAPISTORE_BOOKMARK_BEGINNING, 0, NULL), MAPI_E_SUCCESS);
	assert_int_equal(mapistore_table_query_rows(t, mem, 100000, true, false, &n, &rows, ids), MAPI_E_SUCCESS);
	return n;
}

/* --- sorts ------------------------------------------------------------------------------------------ */

static void test_default_and_columns(void **state)
{
	struct fixture *fx = *state;
	uint32_t cols[5] = { TAG_MID, TAG_SUBJECT, TAG_DELIVERY_TIME, TAG_MESSAGE_FLAGS, TAG_CUSTOM };
	struct mapistore_table *t = contents(fx, 5, cols);
	struct mapi_property_row *rows;
	uint32_t n, pos, total;
	uint64_t *ids;

	assert_int_equal(mapistore_table_position(t, &pos, &total), MAPI_E_SUCCESS);
	assert_int_equal(pos, 0);
	assert_int_equal(total, NMSG);
	assert_int_equal(mapistore_table_query_rows(t, fx->mem, 10, true, false, &n, &rows, &ids), MAPI_E_SUCCESS);
	assert_int_equal(n, 10);
	for (uint32_t r = 0; r < n; r++) {
		int i = index_of(fx, ids[r]);
		char subject[64];

		assert_true(i >= 0);
		subject_of(i, subject, sizeof(subject));
		assert_true(rows[r].values[0].pv.value.i64 == fx->mids[i]);
		assert_string_equal(rows[r].values[1].pv.value.string, subject);
		assert_true(rows[r].values[2].pv.value.time == delivery_of(i));
		assert_int_equal(rows[r].values[3].pv.value.i32 & MAPISTORE_MSGFLAG_READ,
				 is_read(i) ? MAPISTORE_MSGFLAG_READ : 0);
		if (has_custom(i)) {
			assert_int_equal(rows[r].values[4].flag, MAPI_PROPVAL_PRESENT);
			assert_int_equal(rows[r].values[4].pv.value.i32, custom_of(i));
		} else {
			assert_int_equal(rows[r].flag, MAPI_ROW_FLAGGED);
			assert_int_equal(rows[r].values[4].flag, MAPI_PROPVAL_ERROR);
			assert_int_equal(rows[r].values[4].pv.value.error_code, MAPI_E_NOT_FOUND);
		}
	}
	assert_int_equal(mapistore_table_position(t, &pos, NULL), MAPI_E_SUCCESS);
	assert_int_equal(pos, 10);
	/* what a row is in the table: instance key (the id), leaf row */
	{
		uint32_t tcols[3] = { TAG_INSTANCE_KEY, TAG_ROW_TYPE, TAG_INSTANCE_NUM };

		assert_int_equal(mapistore_table_set_columns(t, 3, tcols), MAPI_E_SUCCESS);
		assert_int_equal(mapistore_table_query_rows(t, fx->mem, 1, true, true, &n, &rows, &ids), MAPI_E_SUCCESS);
		assert_int_equal(rows[0].values[0].pv.value.binary.len, 8);
		assert_memory_equal(rows[0].values[0].pv.value.binary.data, &ids[0], 8);	/* little-endian host */
		assert_int_equal(rows[0].values[1].pv.value.i32, 1);
		assert_int_equal(rows[0].values[2].pv.value.i32, 0);
	}
	/* errors */
	assert_int_equal(mapistore_table_reset(t), MAPI_E_SUCCESS);
	assert_int_equal(mapistore_table_query_rows(t, fx->mem, 10, true, false, &n, &rows, NULL), MAPI_E_NOT_INITIALIZED);
	assert_int_equal(mapistore_table_set_columns(t, 0, cols), MAPI_E_INVALID_PARAMETER);
	assert_int_equal(mapistore_table_set_columns(t, 1, (uint32_t[]){ 0x00010099 }), MAPI_E_INVALID_PARAMETER);
	assert_int_equal(mapistore_table_open(fx->folder, fx->mem, MAPISTORE_TABLE_CONTENTS, MAPISTORE_TABLE_DEPTH, &t),
			 MAPI_E_NO_SUPPORT);
	assert_int_equal(mapistore_table_open(fx->folder, fx->mem, 9, 0, &t), MAPI_E_INVALID_PARAMETER);
}

static void check_sorted(struct fixture *fx, struct mapistore_table *t, int (*cmp)(int, int))
{
	uint64_t *ids;
	uint32_t n = all_ids(t, fx->mem, &ids);

	assert_int_equal(n, NMSG);
	for (uint32_t r = 1; r < n; r++)
		assert_true(cmp(index_of(fx, ids[r - 1]), index_of(fx, ids[r])) <= 0);
}

static int by_delivery_desc(int a, int b)
{
	return delivery_of(a) > delivery_of(b) ? -1 : delivery_of(a) < delivery_of(b);
}

static int by_importance_then_delivery_desc(int a, int b)
{
	if (importance_of(a) != importance_of(b))
		return importance_of(a) < importance_of(b) ? -1 : 1;
	return by_delivery_desc(a, b);
}

/* absent sorts first; ties by subject descending (case-insensitive) */
static int by_custom_then_subject_desc(int a, int b)
{
	char sa[64], sb[64];

	if (has_custom(a) != has_custom(b))
		return has_custom(a) ? 1 : -1;
	if (has_custom(a) && custom_of(a) != custom_of(b))
		return custom_of(a) < custom_of(b) ? -1 : 1;
	subject_of(a, sa, sizeof(sa));
	subject_of(b, sb, sizeof(sb));
	return -strcasecmp(sa, sb);
}

static void test_sorts(void **state)
{
	struct fixture *fx = *state;
	uint32_t cols[2] = { TAG_MID, TAG_SUBJECT };
	struct mapistore_table *t = contents(fx, 2, cols);
	struct mapi_sort_order_entry keys[2];
	struct mapi_sort_order_set set = { .count = 1, .sorts = keys };

	/* one key, in SQL over an index */
	keys[0] = (struct mapi_sort_order_entry){ TAG_DELIVERY_TIME, MAPI_SORT_DESCEND };
	assert_int_equal(mapistore_table_sort(t, &set), MAPI_E_SUCCESS);
	check_sorted(fx, t, by_delivery_desc);
	/* two keys, still SQL */
	set.count = 2;
	keys[0] = (struct mapi_sort_order_entry){ TAG_IMPORTANCE, MAPI_SORT_ASCEND };
	keys[1] = (struct mapi_sort_order_entry){ TAG_DELIVERY_TIME, MAPI_SORT_DESCEND };
	assert_int_equal(mapistore_table_sort(t, &set), MAPI_E_SUCCESS);
	check_sorted(fx, t, by_importance_then_delivery_desc);
	/* a key the backend has no column for: sorted in C */
	keys[0] = (struct mapi_sort_order_entry){ TAG_CUSTOM, MAPI_SORT_ASCEND };
	keys[1] = (struct mapi_sort_order_entry){ TAG_SUBJECT, MAPI_SORT_DESCEND };
	assert_int_equal(mapistore_table_sort(t, &set), MAPI_E_SUCCESS);
	{
		/* subjects differ only in the number here, so the C fold agrees with strcasecmp */
		uint64_t *ids;
		uint32_t n = all_ids(t, fx->mem, &ids);

		assert_int_equal(n, NMSG);
		for (uint32_t r = 1; r < n; r++) {
			int a = index_of(fx, ids[r - 1]), b = index_of(fx, ids[r]);

			if (has_custom(a) && has_custom(b) && custom_of(a) == custom_of(b))
				continue;	/* the Cyrillic subjects fold differently from strcasecmp */
			assert_true(by_custom_then_subject_desc(a, b) <= 0);
		}
	}
	/* bad sorts */
	keys[0].order = 9;
	assert_int_equal(mapistore_table_sort(t, &set), MAPI_E_INVALID_PARAMETER);
	keys[0] = (struct mapi_sort_order_entry){ MAPI_PROP_TAG(0x0037, 0), MAPI_SORT_ASCEND };
	assert_int_equal(mapistore_table_sort(t, &set), MAPI_E_INVALID_PARAMETER);
	/* NULL restores the default order */
	assert_int_equal(mapistore_table_sort(t, NULL), MAPI_E_SUCCESS);
}

/* The sqlite3 schema serves the common sort from an index: no temporary B-tree. */
static void test_query_plan(void **state)
{
	struct fixture *fx = *state;
	sqlite3 *db;
	sqlite3_stmt *s;
	bool temp = false, index = false;

	assert_int_equal(sqlite3_open_v2(fx->m->path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "EXPLAIN QUERY PLAN SELECT mid FROM messages WHERE fid = ?1 AND list = ?2"
					    " ORDER BY delivery_time DESC, mid DESC", -1, &s, NULL), SQLITE_OK);
	while (sqlite3_step(s) == SQLITE_ROW) {
		const char *detail = (const char *)sqlite3_column_text(s, 3);

		temp |= strstr(detail, "TEMP B-TREE") != NULL;
		index |= strstr(detail, "messages_by_delivery") != NULL;
	}
	sqlite3_finalize(s);
	sqlite3_close(db);
	assert_true(index);
	assert_false(temp);
}

/* --- restrictions -------------------------------------------------------------------------------------- */

static bool expect_subject_contains(int i, const char *needle)
{
	char s[64];

	subject_of(i, s, sizeof(s));
	return strcasestr(s, needle) != NULL;
}

/* Rows of the table under res, as a bitmap of message indexes. */
static uint32_t restricted(struct fixture *fx, const struct mapi_restriction *res, bool *hit)
{
	uint32_t cols[1] = { TAG_MID };
	struct mapistore_table *t = contents(fx, 1, cols);
	uint64_t *ids;
	uint32_t n;

	assert_int_equal(mapistore_table_restrict(t, res), MAPI_E_SUCCESS);
	n = all_ids(t, fx->mem, &ids);
	memset(hit, 0, NMSG * sizeof(bool));
	for (uint32_t r = 0; r < n; r++) {
		int i = index_of(fx, ids[r]);

		assert_true(i >= 0);
		hit[i] = true;
	}
	talloc_free(t);
	return n;
}

/*
 * Check res three ways: as given (SQL where the backend can), inside an
 * AND with a C-only true term (the SQL-able part split off), and inside an
 * OR with a C-only false term (all of it in C). All must select exactly
 * the rows expect() says.
 */
static void check_restriction(struct fixture *fx, const struct mapi_restriction *res, bool (*expect)(int))
{
	struct mapi_restriction never = { .type = MAPI_RES_EXIST, .u.exist.tag = TAG_NOWHERE };
	struct mapi_restriction always = { .type = MAPI_RES_NOT, .u.not_.sub = &never };
	struct mapi_restriction and_items[2] = { *res, always }, or_items[2] = { never, *res };
	struct mapi_restriction with_and = { .type = MAPI_RES_AND, .u.and_or = { 2, and_items } };
	struct mapi_restriction with_or = { .type = MAPI_RES_OR, .u.and_or = { 2, or_items } };
	const struct mapi_restriction *forms[3] = { res, &with_and, &with_or };
	bool hit[NMSG];

	for (int f = 0; f < 3; f++) {
		uint32_t n = restricted(fx, forms[f], hit), want = 0;

		for (int i = 0; i < NMSG; i++) {
			if (expect(i) != hit[i])
				fail_msg("form %d: message %d %s", f, i, hit[i] ? "selected" : "missing");
			want += expect(i);
		}
		assert_int_equal(n, want);
	}
}

static struct mapi_restriction prop_res(uint8_t relop, struct mapi_propval v)
{
	struct mapi_restriction r = { .type = MAPI_RES_PROPERTY };

	r.u.property.relop = relop;
	r.u.property.tag = v.tag;
	r.u.property.value = v;
	return r;
}

static struct mapi_restriction content_res(uint32_t tag, uint16_t low, uint16_t high, const char *s)
{
	struct mapi_restriction r = { .type = MAPI_RES_CONTENT };

	r.u.content.fuzzy_low = low;
	r.u.content.fuzzy_high = high;
	r.u.content.tag = tag;
	r.u.content.value = pv_string(tag, s);
	return r;
}

static bool e_late(int i) { return delivery_of(i) >= BASE_TIME + 100 * 10000000ULL; }
static bool e_subject_eq(int i) { return i == 5; }
static bool e_substring(int i) { return expect_subject_contains(i, "ject 01"); }
static bool e_prefix_cs(int i) { char s[64]; subject_of(i, s, sizeof(s)); return strncmp(s, "Subject", 7) == 0; }
static bool e_read(int i) { return is_read(i); }
static bool e_all(int i) { return true; }
static bool e_not_imp1(int i) { return importance_of(i) != 1; }
static bool e_or(int i) { return importance_of(i) == 0 || expect_subject_contains(i, "99"); }
static bool e_custom_lt(int i) { return has_custom(i) && custom_of(i) < 30; }
static bool e_custom_exists(int i) { return has_custom(i); }
static bool e_alice(int i) { return has_alice(i); }
static bool e_none(int i) { return false; }
static bool e_russian(int i) { return i % 50 == 7; }
static bool e_meeting(int i) { return i % 2 == 0; }
static bool e_long_subject(int i) { char s[64]; subject_of(i, s, sizeof(s)); return strlen(s) > 11; }

static void test_restrictions(void **state)
{
	struct fixture *fx = *state;
	struct mapi_restriction r, sub[2];

	r = prop_res(MAPI_RELOP_GE, pv_time(TAG_DELIVERY_TIME, BASE_TIME + 100 * 10000000ULL));
	check_restriction(fx, &r, e_late);
	/* strings compare case-insensitively */
	r = prop_res(MAPI_RELOP_EQ, pv_string(TAG_SUBJECT, "SUBJECT 005"));
	check_restriction(fx, &r, e_subject_eq);
	r = content_res(TAG_SUBJECT, MAPI_FL_SUBSTRING, MAPI_FL_IGNORECASE, "JECT 01");
	check_restriction(fx, &r, e_substring);
	r = content_res(TAG_SUBJECT, MAPI_FL_PREFIX, 0, "Subject");
	check_restriction(fx, &r, e_prefix_cs);
	r = content_res(TAG_MESSAGE_CLASS, MAPI_FL_FULLSTRING, MAPI_FL_IGNORECASE, "ipm.schedule.meeting.request");
	check_restriction(fx, &r, e_meeting);
	/* Cyrillic: the C path folds it */
	r = content_res(TAG_SUBJECT, MAPI_FL_PREFIX, MAPI_FL_IGNORECASE, "пРИВЕТ");
	check_restriction(fx, &r, e_russian);
	r = (struct mapi_restriction){ .type = MAPI_RES_BITMASK };
	r.u.bitmask.relop = MAPI_BMR_NEZ;
	r.u.bitmask.tag = TAG_MESSAGE_FLAGS;
	r.u.bitmask.mask = MAPISTORE_MSGFLAG_READ;
	check_restriction(fx, &r, e_read);
	r = (struct mapi_restriction){ .type = MAPI_RES_EXIST, .u.exist.tag = TAG_IMPORTANCE };
	check_restriction(fx, &r, e_all);
	r = (struct mapi_restriction){ .type = MAPI_RES_EXIST, .u.exist.tag = TAG_CUSTOM };
	check_restriction(fx, &r, e_custom_exists);
	sub[0] = prop_res(MAPI_RELOP_EQ, pv_i32(TAG_IMPORTANCE, 1));
	r = (struct mapi_restriction){ .type = MAPI_RES_NOT, .u.not_.sub = &sub[0] };
	check_restriction(fx, &r, e_not_imp1);
	sub[0] = prop_res(MAPI_RELOP_EQ, pv_i32(TAG_IMPORTANCE, 0));
	sub[1] = content_res(TAG_SUBJECT, MAPI_FL_SUBSTRING, MAPI_FL_IGNORECASE, "99");
	r = (struct mapi_restriction){ .type = MAPI_RES_OR, .u.and_or = { 2, sub } };
	check_restriction(fx, &r, e_or);
	r = prop_res(MAPI_RELOP_LT, pv_i32(TAG_CUSTOM, 30));
	check_restriction(fx, &r, e_custom_lt);
	/* a property of the wrong type never matches */
	r = prop_res(MAPI_RELOP_EQ, pv_string(TAG_CUSTOM, "5"));
	r.u.property.tag = TAG_CUSTOM;
	check_restriction(fx, &r, e_none);
	/* CompareProperties: delivery time against itself */
	r = (struct mapi_restriction){ .type = MAPI_RES_COMPAREPROPS };
	r.u.compare.relop = MAPI_RELOP_EQ;
	r.u.compare.tag1 = TAG_DELIVERY_TIME;
	r.u.compare.tag2 = TAG_DELIVERY_TIME;
	check_restriction(fx, &r, e_all);
	r.u.compare.relop = MAPI_RELOP_LT;
	check_restriction(fx, &r, e_none);
	/* Size: bytes of the value (UTF-8 here) */
	r = (struct mapi_restriction){ .type = MAPI_RES_SIZE };
	r.u.size.relop = MAPI_RELOP_GT;
	r.u.size.tag = TAG_SUBJECT;
	r.u.size.size = 11;
	check_restriction(fx, &r, e_long_subject);
	/* SubObject: over the recipients */
	sub[0] = prop_res(MAPI_RELOP_EQ, pv_string(TAG_RECIPIENT_NAME, "alice"));
	r = (struct mapi_restriction){ .type = MAPI_RES_SUBOBJECT };
	r.u.subobject.subobject = TAG_MESSAGE_RECIPIENTS;
	r.u.subobject.sub = &sub[0];
	check_restriction(fx, &r, e_alice);
	/* Comment: its subrestriction decides */
	sub[0] = prop_res(MAPI_RELOP_EQ, pv_string(TAG_SUBJECT, "subject 005"));
	r = (struct mapi_restriction){ .type = MAPI_RES_COMMENT };
	r.u.comment.sub = &sub[0];
	check_restriction(fx, &r, e_subject_eq);
	/* Count: at most N rows of the subrestriction */
	{
		bool hit[NMSG];

		sub[0] = (struct mapi_restriction){ .type = MAPI_RES_EXIST, .u.exist.tag = TAG_SUBJECT };
		r = (struct mapi_restriction){ .type = MAPI_RES_COUNT };
		r.u.count.count = 7;
		r.u.count.sub = &sub[0];
		assert_int_equal(restricted(fx, &r, hit), 7);
	}
	/* an empty AND is true, an empty OR false */
	r = (struct mapi_restriction){ .type = MAPI_RES_AND };
	check_restriction(fx, &r, e_all);
	r = (struct mapi_restriction){ .type = MAPI_RES_OR };
	check_restriction(fx, &r, e_none);
	/* NULL lifts it */
	{
		uint32_t cols[1] = { TAG_MID };
		struct mapistore_table *t = contents(fx, 1, cols);
		uint32_t total;

		r = prop_res(MAPI_RELOP_EQ, pv_i32(TAG_IMPORTANCE, 1));
		assert_int_equal(mapistore_table_restrict(t, &r), MAPI_E_SUCCESS);
		assert_int_equal(mapistore_table_position(t, NULL, &total), MAPI_E_SUCCESS);
		assert_int_equal(total, NMSG / 3);
		assert_int_equal(mapistore_table_restrict(t, NULL), MAPI_E_SUCCESS);
		assert_int_equal(mapistore_table_position(t, NULL, &total), MAPI_E_SUCCESS);
		assert_int_equal(total, NMSG);
	}
}

/* --- the cursor --------------------------------------------------------------------------------------- */

static void test_positioning(void **state)
{
	struct fixture *fx = *state;
	uint32_t cols[1] = { TAG_MID };
	struct mapistore_table *t = contents(fx, 1, cols);
	struct mapi_sort_order_entry key = { TAG_DELIVERY_TIME, MAPI_SORT_ASCEND };
	struct mapi_sort_order_set set = { .count = 1, .sorts = &key };
	struct mapi_property_row *rows;
	uint64_t *ids, *sorted;
	uint32_t n, pos, bm, bm_end;
	int32_t moved;
	bool gone;

	assert_int_equal(mapistore_table_sort(t, &set), MAPI_E_SUCCESS);
	assert_int_equal(all_ids(t, fx->mem, &sorted), NMSG);
	assert_int_equal(mapistore_table_seek(t, MAPISTORE_BOOKMARK_BEGINNING, 10, &moved), MAPI_E_SUCCESS);
	assert_int_equal(moved, 10);
	assert_int_equal(mapistore_table_query_rows(t, fx->mem, 5, true, false, &n, &rows, &ids), MAPI_E_SUCCESS);
	assert_int_equal(n, 5);
	assert_true(ids[0] == sorted[10] && ids[4] == sorted[14]);
	assert_int_equal(mapistore_table_seek(t, MAPISTORE_BOOKMARK_CURRENT, -3, &moved), MAPI_E_SUCCESS);
	assert_int_equal(moved, -3);
	assert_int_equal(mapistore_table_position(t, &pos, NULL), MAPI_E_SUCCESS);
	assert_int_equal(pos, 12);
	/* backward: the rows before the cursor, nearest first */
	assert_int_equal(mapistore_table_query_rows(t, fx->mem, 3, false, false, &n, &rows, &ids), MAPI_E_SUCCESS);
	assert_int_equal(n, 3);
	assert_true(ids[0] == sorted[11] && ids[2] == sorted[9]);
	assert_int_equal(mapistore_table_position(t, &pos, NULL), MAPI_E_SUCCESS);
	assert_int_equal(pos, 9);
	/* no_advance */
	assert_int_equal(mapistore_table_query_rows(t, fx->mem, 3, true, true, &n, &rows, &ids), MAPI_E_SUCCESS);
	assert_int_equal(mapistore_table_position(t, &pos, NULL), MAPI_E_SUCCESS);
	assert_int_equal(pos, 9);
	/* clamped at the ends */
	assert_int_equal(mapistore_table_seek(t, MAPISTORE_BOOKMARK_END, -1, &moved), MAPI_E_SUCCESS);
	assert_int_equal(mapistore_table_query_rows(t, fx->mem, 10, true, false, &n, &rows, &ids), MAPI_E_SUCCESS);
	assert_int_equal(n, 1);
	assert_true(ids[0] == sorted[NMSG - 1]);
	assert_int_equal(mapistore_table_query_rows(t, fx->mem, 10, true, false, &n, &rows, &ids), MAPI_E_SUCCESS);
	assert_int_equal(n, 0);
	assert_int_equal(mapistore_table_seek(t, MAPISTORE_BOOKMARK_CURRENT, 50, &moved), MAPI_E_SUCCESS);
	assert_int_equal(moved, 0);
	assert_int_equal(mapistore_table_seek(t, MAPISTORE_BOOKMARK_BEGINNING, -5, &moved), MAPI_E_SUCCESS);
	assert_int_equal(moved, 0);
	assert_int_equal(mapistore_table_seek(t, 7, 0, &moved), MAPI_E_INVALID_PARAMETER);
	/* fractional */
	assert_int_equal(mapistore_table_seek_fraction(t, 1, 2), MAPI_E_SUCCESS);
	assert_int_equal(mapistore_table_position(t, &pos, NULL), MAPI_E_SUCCESS);
	assert_int_equal(pos, NMSG / 2);
	assert_int_equal(mapistore_table_seek_fraction(t, 3, 2), MAPI_E_SUCCESS);
	assert_int_equal(mapistore_table_position(t, &pos, NULL), MAPI_E_SUCCESS);
	assert_int_equal(pos, NMSG);
	assert_int_equal(mapistore_table_seek_fraction(t, 1, 0), MAPI_E_INVALID_PARAMETER);
	/* bookmarks */
	assert_int_equal(mapistore_table_bookmark_create(t, &bm_end), MAPI_E_SUCCESS);
	assert_int_equal(mapistore_table_seek(t, MAPISTORE_BOOKMARK_BEGINNING, 20, NULL), MAPI_E_SUCCESS);
	assert_int_equal(mapistore_table_bookmark_create(t, &bm), MAPI_E_SUCCESS);
	assert_int_equal(mapistore_table_seek(t, MAPISTORE_BOOKMARK_BEGINNING, 0, NULL), MAPI_E_SUCCESS);
	assert_int_equal(mapistore_table_bookmark_seek(t, bm, 2, &gone, &moved), MAPI_E_SUCCESS);
	assert_false(gone);
	assert_int_equal(moved, 2);
	assert_int_equal(mapistore_table_position(t, &pos, NULL), MAPI_E_SUCCESS);
	assert_int_equal(pos, 22);
	assert_int_equal(mapistore_table_bookmark_seek(t, bm_end, 0, &gone, &moved), MAPI_E_SUCCESS);
	assert_int_equal(mapistore_table_position(t, &pos, NULL), MAPI_E_SUCCESS);
	assert_int_equal(pos, NMSG);
	/* FindRow, forward and backward */
	{
		struct mapi_restriction r = prop_res(MAPI_RELOP_EQ, pv_i32(TAG_CUSTOM, custom_of(1)));
		uint32_t found;

		assert_int_equal(mapistore_table_find_row(t, &r, MAPISTORE_BOOKMARK_BEGINNING, false, &found),
				 MAPI_E_SUCCESS);
		assert_int_equal(mapistore_table_query_rows(t, fx->mem, 1, true, true, &n, &rows, &ids), MAPI_E_SUCCESS);
		assert_int_equal(custom_of(index_of(fx, ids[0])), custom_of(1));
		assert_int_equal(mapistore_table_find_row(t, &r, MAPISTORE_BOOKMARK_END, true, &pos), MAPI_E_SUCCESS);
		assert_true(pos >= found);
		r = prop_res(MAPI_RELOP_EQ, pv_i32(TAG_CUSTOM, 1000));
		assert_int_equal(mapistore_table_find_row(t, &r, MAPISTORE_BOOKMARK_BEGINNING, false, &pos),
				 MAPI_E_NOT_FOUND);
	}
	/* the bookmarked row goes away: the table follows, the bookmark says so */
	{
		uint64_t victim = sorted[20];
		uint32_t total;

		assert_int_equal(mapistore_messages_delete(fx->folder, 1, &victim, true, NULL), MAPI_E_SUCCESS);
		assert_true(mapistore_table_stale(t));
		assert_int_equal(mapistore_table_bookmark_seek(t, bm, 0, &gone, &moved), MAPI_E_SUCCESS);
		assert_true(gone);
		assert_int_equal(mapistore_table_position(t, &pos, &total), MAPI_E_SUCCESS);
		assert_int_equal(pos, 20);
		assert_int_equal(total, NMSG - 1);
		assert_false(mapistore_table_stale(t));
	}
	assert_int_equal(mapistore_table_bookmark_free(t, bm), MAPI_E_SUCCESS);
	assert_int_equal(mapistore_table_bookmark_free(t, bm), MAPI_E_INVALID_BOOKMARK);
	assert_int_equal(mapistore_table_bookmark_seek(t, 999, 0, &gone, &moved), MAPI_E_INVALID_BOOKMARK);
}

/* --- changes while open -------------------------------------------------------------------------------- */

static void test_follows_changes(void **state)
{
	struct fixture *fx = *state;
	uint32_t cols[2] = { TAG_MID, TAG_SUBJECT };
	struct mapistore_table *t = contents(fx, 2, cols);
	struct mapistore_context *other;
	struct mapistore_folder *f2;
	struct mapistore_message *msg;
	struct mapi_property_row *rows;
	struct mapi_propval s = pv_string(TAG_SUBJECT, "late arrival");
	uint32_t total, before, n;
	uint64_t *ids;

	assert_int_equal(mapistore_table_position(t, NULL, &before), MAPI_E_SUCCESS);
	/* a save by another connection (another process in production) */
	assert_int_equal(mapistore_open(fx->mem, fx->m->uri, 0, &other, NULL), MAPI_E_SUCCESS);
	assert_int_equal(mapistore_folder_open(other, fx->mem, mapistore_folder_id(fx->folder), &f2), MAPI_E_SUCCESS);
	assert_int_equal(mapistore_message_create(f2, fx->mem, false, &msg), MAPI_E_SUCCESS);
	assert_int_equal(mapistore_message_set_props(msg, 1, &s, fx->mem, NULL), MAPI_E_SUCCESS);
	assert_int_equal(mapistore_message_save(msg, 0), MAPI_E_SUCCESS);
	assert_true(mapistore_table_stale(t));
	assert_int_equal(mapistore_table_position(t, NULL, &total), MAPI_E_SUCCESS);
	assert_int_equal(total, before + 1);
	/* and a restriction that selects it */
	{
		struct mapi_restriction r = prop_res(MAPI_RELOP_EQ, s);

		assert_int_equal(mapistore_table_restrict(t, &r), MAPI_E_SUCCESS);
		assert_int_equal(mapistore_table_query_rows(t, fx->mem, 10, true, false, &n, &rows, &ids), MAPI_E_SUCCESS);
		assert_int_equal(n, 1);
		assert_true(ids[0] == mapistore_message_id(msg));
	}
	assert_int_equal(mapistore_messages_delete(f2, 1, (uint64_t[]){ mapistore_message_id(msg) }, true, NULL),
			 MAPI_E_SUCCESS);
	assert_int_equal(mapistore_table_position(t, NULL, &total), MAPI_E_SUCCESS);
	assert_int_equal(total, 0);
	talloc_free(other);
}

/* --- large values, other tables ------------------------------------------------------------------------ */

static void test_large_values_in_rows(void **state)
{
	struct fixture *fx = *state;
	struct mapistore_folder *inbox = open_special(fx->m, fx->mem, MAPISTORE_INBOX), *f;
	struct mapistore_message *msg;
	struct mapistore_table *t;
	struct mapi_property_row *rows;
	uint32_t cols[3] = { TAG_SUBJECT, 0x1000001F, 0x10090102 }, n;
	char *medium = talloc_array(fx->mem, char, 2001), *huge = talloc_array(fx->mem, char, 40001);
	uint8_t *bin = talloc_zero_array(fx->mem, uint8_t, 50000);
	struct mapi_propval pv[3];
	uint16_t ncols;
	uint32_t *all;

	memset(medium, 'm', 2000);
	medium[2000] = '\0';
	memset(huge, 'h', 40000);
	huge[40000] = '\0';
	assert_int_equal(mapistore_folder_create(inbox, fx->mem, "Large", MAPISTORE_FOLDER_GENERIC, 0, 0, NULL, &f, NULL),
			 MAPI_E_SUCCESS);
	for (int i = 0; i < 2; i++) {
		pv[0] = pv_string(TAG_SUBJECT, i ? "huge" : "medium");
		pv[1] = pv_string(0x1000001F, i ? huge : medium);
		pv[2] = pv_binary(0x10090102, bin, i ? 50000 : 10);
		assert_int_equal(mapistore_message_create(f, fx->mem, false, &msg), MAPI_E_SUCCESS);
		assert_int_equal(mapistore_message_set_props(msg, 3, pv, fx->mem, NULL), MAPI_E_SUCCESS);
		assert_int_equal(mapistore_message_save(msg, 0), MAPI_E_SUCCESS);
	}
	assert_int_equal(mapistore_table_open(f, fx->mem, MAPISTORE_TABLE_CONTENTS, 0, &t), MAPI_E_SUCCESS);
	assert_int_equal(mapistore_table_set_columns(t, 3, cols), MAPI_E_SUCCESS);
	assert_int_equal(mapistore_table_sort(t, &(struct mapi_sort_order_set){ .count = 1,
		.sorts = &(struct mapi_sort_order_entry){ TAG_SUBJECT, MAPI_SORT_DESCEND } }), MAPI_E_SUCCESS);
	assert_int_equal(mapistore_table_query_rows(t, fx->mem, 10, true, false, &n, &rows, NULL), MAPI_E_SUCCESS);
	assert_int_equal(n, 2);
	/* "medium": a 2000-byte body kept outside the row is still a row value */
	assert_string_equal(rows[0].values[0].pv.value.string, "medium");
	assert_int_equal(rows[0].values[1].flag, MAPI_PROPVAL_PRESENT);
	assert_int_equal(strlen(rows[0].values[1].pv.value.string), 2000);
	/* "huge": beyond 32 KB, NotEnoughMemory in the row (read it through a stream) */
	assert_int_equal(rows[1].flag, MAPI_ROW_FLAGGED);
	assert_int_equal(rows[1].values[1].flag, MAPI_PROPVAL_ERROR);
	assert_int_equal(rows[1].values[1].pv.value.error_code, MAPI_E_NOT_ENOUGH_MEMORY);
	assert_int_equal(rows[1].values[2].pv.value.error_code, MAPI_E_NOT_ENOUGH_MEMORY);
	assert_int_equal(mapistore_table_columns_all(t, fx->mem, &ncols, &all), MAPI_E_SUCCESS);
	{
		bool body = false;

		for (uint16_t i = 0; i < ncols; i++)
			body |= all[i] == 0x1000001F;
		assert_true(body);
	}
	/* associated and soft-deleted tables are separate lists */
	assert_int_equal(mapistore_message_create(f, fx->mem, true, &msg), MAPI_E_SUCCESS);
	assert_int_equal(mapistore_message_save(msg, 0), MAPI_E_SUCCESS);
	assert_int_equal(mapistore_table_open(f, fx->mem, MAPISTORE_TABLE_ASSOCIATED, 0, &t), MAPI_E_SUCCESS);
	assert_int_equal(mapistore_table_position(t, NULL, &n), MAPI_E_SUCCESS);
	assert_int_equal(n, 1);
	assert_int_equal(mapistore_messages_delete(f, 1, (uint64_t[]){ mapistore_message_id(msg) }, false, NULL),
			 MAPI_E_SUCCESS);
	assert_int_equal(mapistore_table_position(t, NULL, &n), MAPI_E_SUCCESS);
	assert_int_equal(n, 0);
	assert_int_equal(mapistore_table_open(f, fx->mem, MAPISTORE_TABLE_ASSOCIATED, MAPISTORE_TABLE_SOFT_DELETES, &t),
			 MAPI_E_SUCCESS);
	assert_int_equal(mapistore_table_position(t, NULL, &n), MAPI_E_SUCCESS);
	assert_int_equal(n, 1);
}

static void test_hierarchy(void **state)
{
	struct fixture *fx = *state;
	struct mapistore_folder *root = open_special(fx->m, fx->mem, MAPISTORE_ROOT);
	struct mapistore_folder *ipm = open_special(fx->m, fx->mem, MAPISTORE_IPM_SUBTREE);
	struct mapistore_table *t;
	struct mapi_property_row *rows;
	uint32_t cols[3] = { TAG_DISPLAY_NAME, TAG_CONTENT_COUNT, TAG_FOLDER_ID }, n, total;
	uint64_t *ids;

	/* direct children of the IPM subtree */
	assert_int_equal(mapistore_table_open(ipm, fx->mem, MAPISTORE_TABLE_HIERARCHY, 0, &t), MAPI_E_SUCCESS);
	assert_int_equal(mapistore_table_set_columns(t, 3, cols), MAPI_E_SUCCESS);
	assert_int_equal(mapistore_table_position(t, NULL, &total), MAPI_E_SUCCESS);
	assert_int_equal(total, 12);	/* Inbox ... Sync Issues, Junk E-mail */
	/* the whole tree under Root, sorted by name descending, restricted to IPF.Note folders */
	assert_int_equal(mapistore_table_open(root, fx->mem, MAPISTORE_TABLE_HIERARCHY, MAPISTORE_TABLE_DEPTH, &t),
			 MAPI_E_SUCCESS);
	assert_int_equal(mapistore_table_set_columns(t, 3, cols), MAPI_E_SUCCESS);
	assert_int_equal(mapistore_table_position(t, NULL, &total), MAPI_E_SUCCESS);
	assert_int_equal(total, MAPISTORE_SPECIAL_FOLDER_COUNT - 1 + 2);	/* + Tables, Large */
	assert_int_equal(mapistore_table_sort(t, &(struct mapi_sort_order_set){ .count = 1,
		.sorts = &(struct mapi_sort_order_entry){ TAG_DISPLAY_NAME, MAPI_SORT_DESCEND } }), MAPI_E_SUCCESS);
	{
		struct mapi_restriction r = content_res(TAG_CONTAINER_CLASS, MAPI_FL_FULLSTRING, 0, "IPF.Note");

		assert_int_equal(mapistore_table_restrict(t, &r), MAPI_E_SUCCESS);
	}
	assert_int_equal(mapistore_table_query_rows(t, fx->mem, 100, true, false, &n, &rows, &ids), MAPI_E_SUCCESS);
	assert_int_equal(n, 10);	/* Inbox, Outbox, Sent, Deleted, Drafts, Junk, Sync Issues and 3 below it */
	for (uint32_t i = 1; i < n; i++)
		assert_true(strcasecmp(rows[i - 1].values[0].pv.value.string, rows[i].values[0].pv.value.string) >= 0);
	assert_string_equal(rows[0].values[0].pv.value.string, "Sync Issues");
	/* PidTagDepth below the table's folder */
	{
		uint32_t dcols[2] = { TAG_DISPLAY_NAME, TAG_DEPTH };
		struct mapistore_table *d;
		int seen = 0;

		assert_int_equal(mapistore_table_open(root, fx->mem, MAPISTORE_TABLE_HIERARCHY, MAPISTORE_TABLE_DEPTH, &d),
				 MAPI_E_SUCCESS);
		assert_int_equal(mapistore_table_set_columns(d, 2, dcols), MAPI_E_SUCCESS);
		assert_int_equal(mapistore_table_query_rows(d, fx->mem, 100, true, false, &n, &rows, NULL), MAPI_E_SUCCESS);
		for (uint32_t i = 0; i < n; i++) {
			const char *name = rows[i].values[0].pv.value.string;
			uint32_t depth = rows[i].values[1].pv.value.i32;

			if (strcmp(name, "Top of Information Store") == 0 || strcmp(name, "Finder") == 0)
				assert_int_equal(depth, 0), seen++;
			if (strcmp(name, "Inbox") == 0)
				assert_int_equal(depth, 1), seen++;
			if (strcmp(name, "Tables") == 0 || strcmp(name, "Conflicts") == 0)
				assert_int_equal(depth, 2), seen++;
		}
		assert_int_equal(seen, 5);
	}
	/* the counts are live */
	{
		struct mapistore_table *h;
		struct mapi_restriction r = prop_res(MAPI_RELOP_EQ, pv_string(TAG_DISPLAY_NAME, "Tables"));

		assert_int_equal(mapistore_table_open(open_special(fx->m, fx->mem, MAPISTORE_INBOX), fx->mem,
						      MAPISTORE_TABLE_HIERARCHY, 0, &h), MAPI_E_SUCCESS);
		assert_int_equal(mapistore_table_set_columns(h, 3, cols), MAPI_E_SUCCESS);
		assert_int_equal(mapistore_table_restrict(h, &r), MAPI_E_SUCCESS);
		assert_int_equal(mapistore_table_query_rows(h, fx->mem, 10, true, false, &n, &rows, NULL), MAPI_E_SUCCESS);
		assert_int_equal(n, 1);
		assert_true(rows[0].values[1].pv.value.i32 >= NMSG - 1);
	}
}

/* Multi-value instance rows (MS-OXCTABL 2.2.1.2): one row per value of the instance column. */
static void test_multivalue_instances(void **state)
{
	struct fixture *fx = *state;
	struct mapistore_folder *inbox = open_special(fx->m, fx->mem, MAPISTORE_INBOX), *f;
	struct mapistore_message *msg;
	struct mapistore_table *t;
	struct mapi_property_row *rows;
	char *cats[3][3] = { { "red", "blue", NULL }, { "green", NULL, NULL }, { NULL, NULL, NULL } };
	uint32_t ncat[3] = { 2, 1, 0 };
	uint32_t cols[3] = { TAG_SUBJECT, 0x8100301F, TAG_INSTANCE_NUM }, n;
	struct mapi_sort_order_entry key = { 0x8100301F, MAPI_SORT_ASCEND };
	struct mapi_sort_order_set set = { .count = 1, .sorts = &key };
	const char *want[4][2] = { { "none", NULL }, { "one", "blue" }, { "two", "green" }, { "one", "red" } };

	assert_int_equal(mapistore_folder_create(inbox, fx->mem, "Instances", MAPISTORE_FOLDER_GENERIC, 0, 0, NULL,
						 &f, NULL), MAPI_E_SUCCESS);
	for (int i = 0; i < 3; i++) {
		struct mapi_propval pv[2];
		int np = 1;

		pv[0] = pv_string(TAG_SUBJECT, i == 0 ? "one" : i == 1 ? "two" : "none");
		if (ncat[i]) {
			pv[1].tag = 0x8100101F;
			pv[1].value.mv_string.count = ncat[i];
			pv[1].value.mv_string.values = cats[i];
			np = 2;
		}
		assert_int_equal(mapistore_message_create(f, fx->mem, false, &msg), MAPI_E_SUCCESS);
		assert_int_equal(mapistore_message_set_props(msg, np, pv, fx->mem, NULL), MAPI_E_SUCCESS);
		assert_int_equal(mapistore_message_save(msg, 0), MAPI_E_SUCCESS);
	}
	assert_int_equal(mapistore_table_open(f, fx->mem, MAPISTORE_TABLE_CONTENTS, 0, &t), MAPI_E_SUCCESS);
	assert_int_equal(mapistore_table_set_columns(t, 1, (uint32_t[]){ 0x81003003 }), MAPI_E_SUCCESS);
	assert_int_equal(mapistore_table_set_columns(t, 1, (uint32_t[]){ 0x81002003 }), MAPI_E_INVALID_PARAMETER);
	assert_int_equal(mapistore_table_set_columns(t, 3, cols), MAPI_E_SUCCESS);
	assert_int_equal(mapistore_table_sort(t, &set), MAPI_E_SUCCESS);
	assert_int_equal(mapistore_table_query_rows(t, fx->mem, 10, true, false, &n, &rows, NULL), MAPI_E_SUCCESS);
	assert_int_equal(n, 4);	/* red, blue, green, and one row for the message without values */
	for (uint32_t i = 0; i < n; i++) {
		assert_string_equal(rows[i].values[0].pv.value.string, want[i][0]);
		if (want[i][1]) {
			assert_int_equal(rows[i].values[1].pv.tag, 0x8100001F);
			assert_string_equal(rows[i].values[1].pv.value.string, want[i][1]);
			assert_true(rows[i].values[2].pv.value.i32 >= 1);
		} else {
			assert_int_equal(rows[i].values[1].flag, MAPI_PROPVAL_ERROR);
			assert_int_equal(rows[i].values[2].pv.value.i32, 0);
		}
	}
	/* without the instance flag: one row per message, the whole value */
	cols[1] = 0x8100101F;
	assert_int_equal(mapistore_table_set_columns(t, 3, cols), MAPI_E_SUCCESS);
	assert_int_equal(mapistore_table_sort(t, NULL), MAPI_E_SUCCESS);
	assert_int_equal(mapistore_table_query_rows(t, fx->mem, 10, true, false, &n, &rows, NULL), MAPI_E_SUCCESS);
	assert_int_equal(n, 3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_default_and_columns),
		cmocka_unit_test(test_sorts),
		cmocka_unit_test(test_query_plan),
		cmocka_unit_test(test_restrictions),
		cmocka_unit_test(test_positioning),
		cmocka_unit_test(test_follows_changes),
		cmocka_unit_test(test_large_values_in_rows),
		cmocka_unit_test(test_hierarchy),
		cmocka_unit_test(test_multivalue_instances),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
