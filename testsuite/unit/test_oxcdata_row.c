/*
 * Unit tests of libmapi/oxcdata_row.c: PropertyTagArray, SortOrderSet,
 * StandardPropertyRow and FlaggedPropertyRow against a column set,
 * PropertyRowSet and PropertyProblemArray (MS-OXCDATA 2.8 to 2.10, 2.13),
 * built byte by byte, round-tripped and truncated at every offset.
 *
 * Copyright (C) OpenChange developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "testsuite/unit/byte_builder.h"

#include "libmapi/oxcdata_row.h"

#define PR_SUBJECT 0x0037001F
#define PR_MID 0x674A0014
#define PR_MESSAGE_FLAGS 0x0E070003
#define PR_HASATTACH 0x0E1B000B
#define PR_KEYWORDS_MVI 0x8001301F	/* a multi-value-instance column of PtypMultipleString */
#define PR_ANY_0x8002 0x80020000	/* PtypUnspecified column */

static const uint32_t column_tags[] = {
	PR_MID, PR_SUBJECT, PR_MESSAGE_FLAGS, PR_HASATTACH, PR_KEYWORDS_MVI, PR_ANY_0x8002,
};
static const struct mapi_tag_array columns = { 6, (uint32_t *)column_tags };

/* Standard row, field by field (2.8.1.1): Flag 0, then values in column order. */
static void build_standard_row(struct bytes *b)
{
	put8(b, 0x00);
	put64(b, 0x0001000000000042ULL);
	put_utf16_ascii(b, "Hi");
	put32(b, 0x00000001);
	put8(b, 1);
	put_utf16_ascii(b, "red");	/* one instance: single PtypString */
	put16(b, 0x0003);		/* TypedPropertyValue for the PtypUnspecified column */
	put32(b, 7);
}

/* Flagged row (2.8.1.2): FlaggedPropertyValue, ...WithType for PtypUnspecified. */
static void build_flagged_row(struct bytes *b)
{
	put8(b, 0x01);
	put8(b, 0x0);
	put64(b, 0x0002000000000042ULL);
	put8(b, 0xA);
	put32(b, 0x8004010F);		/* NotFound */
	put8(b, 0x1);			/* absent */
	put8(b, 0x0);
	put8(b, 0);
	put8(b, 0x0);
	put_utf16_ascii(b, "blue");
	put16(b, 0x001F);		/* FlaggedPropertyValueWithType */
	put8(b, 0xA);
	put32(b, 0x80040102);		/* NotEnoughMemory */
}

static void check_row_roundtrip(TALLOC_CTX *ctx, const struct bytes *b, struct mapi_property_row *row)
{
	struct oxcdata_pull pull;
	struct oxcdata_push push;
	size_t cut;

	oxcdata_pull_init(&pull, b->buf, b->len);
	assert_int_equal(oxcdata_row_pull(&pull, ctx, &columns, row), WIRE_OK);
	assert_int_equal(oxcdata_pull_left(&pull), 0);
	oxcdata_push_init(&push, ctx);
	assert_int_equal(oxcdata_row_push(&push, &columns, row), WIRE_OK);
	assert_int_equal(push.len, b->len);
	assert_memory_equal(push.data, b->buf, b->len);
	for (cut = 0; cut < b->len; cut++) {
		TALLOC_CTX *tmp = talloc_new(ctx);
		struct mapi_property_row other;

		oxcdata_pull_init(&pull, b->buf, cut);
		assert_int_equal(oxcdata_row_pull(&pull, tmp, &columns, &other), WIRE_ERR_TRUNCATED);
		assert_int_equal(talloc_total_blocks(tmp), 1);
		talloc_free(tmp);
	}
}

static void test_standard_row(void **state)
{
	TALLOC_CTX *ctx = talloc_new(NULL);
	struct mapi_property_row row;
	struct bytes b;

	memset(&b, 0, sizeof(b));
	build_standard_row(&b);
	check_row_roundtrip(ctx, &b, &row);
	assert_int_equal(row.flag, MAPI_ROW_STANDARD);
	assert_int_equal(row.count, 6);
	assert_true(row.values[0].pv.value.i64 == 0x0001000000000042ULL);
	assert_string_equal(row.values[1].pv.value.string, "Hi");
	assert_int_equal(row.values[3].pv.value.boolean, 1);
	assert_int_equal(row.values[4].pv.tag, 0x8001001F);
	assert_string_equal(row.values[4].pv.value.string, "red");
	assert_int_equal(row.values[5].pv.tag, 0x80020003);
	assert_int_equal(row.values[5].pv.value.i32, 7);

	/* A standard row cannot carry an error: push refuses. */
	{
		struct oxcdata_push push;

		row.values[2].flag = MAPI_PROPVAL_ERROR;
		oxcdata_push_init(&push, ctx);
		assert_int_equal(oxcdata_row_push(&push, &columns, &row), WIRE_ERR_INVALID_ARG);
	}
	talloc_free(ctx);
}

static void test_flagged_row(void **state)
{
	TALLOC_CTX *ctx = talloc_new(NULL);
	struct mapi_property_row row;
	struct bytes b;

	memset(&b, 0, sizeof(b));
	build_flagged_row(&b);
	check_row_roundtrip(ctx, &b, &row);
	assert_int_equal(row.flag, MAPI_ROW_FLAGGED);
	assert_int_equal(row.values[0].flag, MAPI_PROPVAL_PRESENT);
	assert_int_equal(row.values[1].flag, MAPI_PROPVAL_ERROR);
	assert_int_equal(row.values[1].pv.value.error_code, 0x8004010F);
	assert_int_equal(row.values[2].flag, MAPI_PROPVAL_ABSENT);
	assert_int_equal(row.values[3].pv.value.boolean, 0);
	assert_string_equal(row.values[4].pv.value.string, "blue");
	assert_int_equal(row.values[5].pv.tag, 0x8002001F);
	assert_int_equal(row.values[5].pv.value.error_code, 0x80040102);
	talloc_free(ctx);
}

static void test_row_set(void **state)
{
	TALLOC_CTX *ctx = talloc_new(NULL);
	struct mapi_property_row_set set;
	struct oxcdata_pull pull;
	struct oxcdata_push push;
	struct bytes b;
	size_t cut;

	memset(&b, 0, sizeof(b));
	put16(&b, 2);
	build_standard_row(&b);
	build_flagged_row(&b);
	oxcdata_pull_init(&pull, b.buf, b.len);
	assert_int_equal(oxcdata_row_set_pull(&pull, ctx, &columns, &set), WIRE_OK);
	assert_int_equal(oxcdata_pull_left(&pull), 0);
	assert_int_equal(set.count, 2);
	assert_int_equal(set.rows[1].flag, MAPI_ROW_FLAGGED);
	oxcdata_push_init(&push, ctx);
	assert_int_equal(oxcdata_row_set_push(&push, &columns, &set), WIRE_OK);
	assert_int_equal(push.len, b.len);
	assert_memory_equal(push.data, b.buf, b.len);
	for (cut = 0; cut < b.len; cut++) {
		TALLOC_CTX *tmp = talloc_new(ctx);

		oxcdata_pull_init(&pull, b.buf, cut);
		assert_int_equal(oxcdata_row_set_pull(&pull, tmp, &columns, &set), WIRE_ERR_TRUNCATED);
		assert_int_equal(talloc_total_blocks(tmp), 1);
		talloc_free(tmp);
	}

	/* Empty set; a RowCount of 65535 with one byte behind it; a bad row Flag. */
	memset(&b, 0, sizeof(b));
	put16(&b, 0);
	oxcdata_pull_init(&pull, b.buf, b.len);
	assert_int_equal(oxcdata_row_set_pull(&pull, ctx, &columns, &set), WIRE_OK);
	assert_int_equal(set.count, 0);
	{
		TALLOC_CTX *tmp = talloc_new(ctx);

		memset(&b, 0, sizeof(b));
		put16(&b, 0xFFFF);
		put8(&b, 0);
		oxcdata_pull_init(&pull, b.buf, b.len);
		assert_int_equal(oxcdata_row_set_pull(&pull, tmp, &columns, &set), WIRE_ERR_TRUNCATED);
		assert_int_equal(talloc_total_blocks(tmp), 1);
		talloc_free(tmp);
	}
	memset(&b, 0, sizeof(b));
	put16(&b, 1);
	put8(&b, 0x02);
	oxcdata_pull_init(&pull, b.buf, b.len);
	assert_int_equal(oxcdata_row_set_pull(&pull, ctx, &columns, &set), WIRE_ERR_BAD_FLAGS);
	talloc_free(ctx);
}

static void test_tag_array(void **state)
{
	TALLOC_CTX *ctx = talloc_new(NULL);
	struct mapi_tag_array tags;
	struct oxcdata_pull pull;
	struct oxcdata_push push;
	struct bytes b;
	size_t cut;

	memset(&b, 0, sizeof(b));
	put16(&b, 3);
	put32(&b, PR_MID);
	put32(&b, PR_SUBJECT);
	put32(&b, PR_ANY_0x8002);
	oxcdata_pull_init(&pull, b.buf, b.len);
	assert_int_equal(oxcdata_tag_array_pull(&pull, ctx, &tags), WIRE_OK);
	assert_int_equal(tags.count, 3);
	assert_int_equal(tags.tags[1], PR_SUBJECT);
	oxcdata_push_init(&push, ctx);
	assert_int_equal(oxcdata_tag_array_push(&push, &tags), WIRE_OK);
	assert_memory_equal(push.data, b.buf, b.len);
	for (cut = 0; cut < b.len; cut++) {
		TALLOC_CTX *tmp = talloc_new(ctx);

		oxcdata_pull_init(&pull, b.buf, cut);
		assert_int_equal(oxcdata_tag_array_pull(&pull, tmp, &tags), WIRE_ERR_TRUNCATED);
		assert_int_equal(talloc_total_blocks(tmp), 1);
		talloc_free(tmp);
	}
	talloc_free(ctx);
}

static void test_sort_order_set(void **state)
{
	TALLOC_CTX *ctx = talloc_new(NULL);
	struct mapi_sort_order_set set;
	struct oxcdata_pull pull;
	struct oxcdata_push push;
	struct bytes b;
	size_t cut;

	/* Two sorts, one category, expanded: (2.13.2) then SortOrders (2.13.1). */
	memset(&b, 0, sizeof(b));
	put16(&b, 3);
	put16(&b, 1);
	put16(&b, 1);
	put16(&b, 0x001F);	/* PropertyType */
	put16(&b, 0x0E1D);	/* PropertyId: PidTagNormalizedSubject */
	put8(&b, MAPI_SORT_ASCEND);
	put32(&b, 0x0E060040);
	put8(&b, MAPI_SORT_MAXIMUM_CATEGORY);
	put32(&b, 0x0E060040);
	put8(&b, MAPI_SORT_DESCEND);
	oxcdata_pull_init(&pull, b.buf, b.len);
	assert_int_equal(oxcdata_sort_order_set_pull(&pull, ctx, &set), WIRE_OK);
	assert_int_equal(set.count, 3);
	assert_int_equal(set.categorized_count, 1);
	assert_int_equal(set.sorts[0].tag, 0x0E1D001F);
	assert_int_equal(set.sorts[2].order, MAPI_SORT_DESCEND);
	oxcdata_push_init(&push, ctx);
	assert_int_equal(oxcdata_sort_order_set_push(&push, &set), WIRE_OK);
	assert_int_equal(push.len, b.len);
	assert_memory_equal(push.data, b.buf, b.len);
	for (cut = 0; cut < b.len; cut++) {
		TALLOC_CTX *tmp = talloc_new(ctx);

		oxcdata_pull_init(&pull, b.buf, cut);
		assert_int_equal(oxcdata_sort_order_set_pull(&pull, tmp, &set), WIRE_ERR_TRUNCATED);
		assert_int_equal(talloc_total_blocks(tmp), 1);
		talloc_free(tmp);
	}

	/* CategorizedCount > SortOrderCount, ExpandedCount > CategorizedCount, bad Order. */
	memset(&b, 0, sizeof(b));
	put16(&b, 1);
	put16(&b, 2);
	put16(&b, 0);
	oxcdata_pull_init(&pull, b.buf, b.len);
	assert_int_equal(oxcdata_sort_order_set_pull(&pull, ctx, &set), WIRE_ERR_BAD_SIZE);
	memset(&b, 0, sizeof(b));
	put16(&b, 1);
	put16(&b, 0);
	put16(&b, 1);
	oxcdata_pull_init(&pull, b.buf, b.len);
	assert_int_equal(oxcdata_sort_order_set_pull(&pull, ctx, &set), WIRE_ERR_BAD_SIZE);
	memset(&b, 0, sizeof(b));
	put16(&b, 1);
	put16(&b, 0);
	put16(&b, 0);
	put32(&b, PR_SUBJECT);
	put8(&b, 0x02);
	oxcdata_pull_init(&pull, b.buf, b.len);
	assert_int_equal(oxcdata_sort_order_set_pull(&pull, ctx, &set), WIRE_ERR_BAD_VALUE);
	talloc_free(ctx);
}

static void test_problem_array(void **state)
{
	TALLOC_CTX *ctx = talloc_new(NULL);
	struct mapi_property_problem_array probs;
	struct oxcdata_pull pull;
	struct oxcdata_push push;
	struct bytes b;
	size_t cut;

	memset(&b, 0, sizeof(b));
	put16(&b, 2);
	put16(&b, 0);
	put32(&b, PR_SUBJECT);
	put32(&b, 0x80070005);	/* AccessDenied */
	put16(&b, 3);
	put32(&b, PR_MID);
	put32(&b, 0x80040102);
	oxcdata_pull_init(&pull, b.buf, b.len);
	assert_int_equal(oxcdata_problem_array_pull(&pull, ctx, &probs), WIRE_OK);
	assert_int_equal(probs.count, 2);
	assert_int_equal(probs.problems[1].index, 3);
	assert_int_equal(probs.problems[0].error_code, 0x80070005);
	oxcdata_push_init(&push, ctx);
	assert_int_equal(oxcdata_problem_array_push(&push, &probs), WIRE_OK);
	assert_int_equal(push.len, b.len);
	assert_memory_equal(push.data, b.buf, b.len);
	for (cut = 0; cut < b.len; cut++) {
		TALLOC_CTX *tmp = talloc_new(ctx);

		oxcdata_pull_init(&pull, b.buf, cut);
		assert_int_equal(oxcdata_problem_array_pull(&pull, tmp, &probs), WIRE_ERR_TRUNCATED);
		assert_int_equal(talloc_total_blocks(tmp), 1);
		talloc_free(tmp);
	}
	talloc_free(ctx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_standard_row),
		cmocka_unit_test(test_flagged_row),
		cmocka_unit_test(test_row_set),
		cmocka_unit_test(test_tag_array),
		cmocka_unit_test(test_sort_order_set),
		cmocka_unit_test(test_problem_array),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
