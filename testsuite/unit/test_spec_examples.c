/*
 * The byte examples of the specs' "Protocol Examples" sections, decoded by
 * our ROP codec field by field (each field checked against what the spec's
 * text says it is) and re-encoded to the same bytes.
 *
 * The examples whose bytes are given in the spec text we could retrieve:
 *   MS-OXCTABL 4.3.2    RopSortTable response
 *   MS-OXCTABL 4.5.3.1  RopQueryRows request
 *   MS-OXORULE 4.2.2    RopGetRulesTable and RopSetColumns responses (its
 *                       RopQueryRows response is not decoded here: its row
 *                       follows the columns set in 4.2.1, whose bytes we
 *                       could not retrieve, and a row cannot be read
 *                       without them)
 *   MS-OXCPRPT 4 "Setting Properties": the RopSetProperties request
 * Elsewhere: MS-OXCROPS 4.4 (a whole ROP input buffer, test_rop_buffer.c),
 * MS-OXCRPC 4.2 (an extended buffer, test_rpc_ext.c), MS-XCA 3.1 (LZ77,
 * test_lz77.c). test_ropdump.c runs utils/ropdump over the same examples.
 *
 * Copyright (C) OpenChange developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <talloc.h>

#include "idl/gen_rops.h"

/* Pull bytes as one request; it must take all of them. */
static void pull_request(TALLOC_CTX *ctx, const uint8_t *bytes, size_t len, struct rop_request *r)
{
	struct rop_params params = { 0 };
	struct oxcdata_pull pull;

	oxcdata_pull_init(&pull, bytes, len);
	assert_int_equal(rop_request_pull_one(&pull, ctx, r, &params), WIRE_OK);
	assert_int_equal(pull.offset, len);
}

static void pull_response(TALLOC_CTX *ctx, const uint8_t *bytes, size_t len, struct rop_response *r)
{
	struct rop_params params = { 0 };
	struct oxcdata_pull pull;

	oxcdata_pull_init(&pull, bytes, len);
	assert_int_equal(rop_response_pull_one(&pull, ctx, r, &params), WIRE_OK);
	assert_int_equal(pull.offset, len);
}

/* Push r back: the spec's bytes again, exactly. */
static void push_request_same(TALLOC_CTX *ctx, const struct rop_request *r, const uint8_t *bytes, size_t len)
{
	struct rop_params params = { 0 };
	struct oxcdata_push push;

	oxcdata_push_init(&push, ctx);
	assert_int_equal(rop_request_push_one(&push, r, &params), WIRE_OK);
	assert_int_equal(push.len, len);
	assert_memory_equal(push.data, bytes, len);
}

static void push_response_same(TALLOC_CTX *ctx, const struct rop_response *r, const uint8_t *bytes, size_t len)
{
	struct rop_params params = { 0 };
	struct oxcdata_push push;

	oxcdata_push_init(&push, ctx);
	assert_int_equal(rop_response_push_one(&push, r, &params), WIRE_OK);
	assert_int_equal(push.len, len);
	assert_memory_equal(push.data, bytes, len);
}

/*
 * MS-OXCTABL 4.5.3.1 Client Request Buffer: "15 00 00 00 01 32 00" is RopId
 * 0x15 (RopQueryRows), LogonID 0x00, InputHandleIndex 0x00, QueryRowsFlags
 * 0x00 (Advance), ForwardRead 0x01, RowCount 0x0032 (at most 50 rows).
 */
static void test_oxctabl_4_5_3_1_query_rows_request(void **state)
{
	static const uint8_t bytes[] = { 0x15, 0x00, 0x00, 0x00, 0x01, 0x32, 0x00 };
	TALLOC_CTX *ctx = talloc_new(NULL);
	struct rop_request r;

	pull_request(ctx, bytes, sizeof(bytes), &r);
	assert_int_equal(r.rop_id, RopQueryRows);
	assert_int_equal(r.u.query_rows.logon_id, 0x00);
	assert_int_equal(r.u.query_rows.input_handle_index, 0x00);
	assert_int_equal(r.u.query_rows.query_rows_flags, 0x00);
	assert_int_equal(r.u.query_rows.forward_read, 0x01);
	assert_int_equal(r.u.query_rows.row_count, 0x0032);
	push_request_same(ctx, &r, bytes, sizeof(bytes));
	talloc_free(ctx);
}

/*
 * MS-OXCTABL 4.3.2 Server Response to Client Request: "13 01 00 00 00 00 00"
 * is RopId 0x13 (RopSortTable), InputHandleIndex 0x01, ReturnValue
 * 0x00000000 (success), TableStatus 0x00 (TBLSTAT_COMPLETE).
 */
static void test_oxctabl_4_3_2_sort_table_response(void **state)
{
	static const uint8_t bytes[] = { 0x13, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00 };
	TALLOC_CTX *ctx = talloc_new(NULL);
	struct rop_response r;

	pull_response(ctx, bytes, sizeof(bytes), &r);
	assert_int_equal(r.rop_id, RopSortTable);
	assert_int_equal(r.u.sort_table.input_handle_index, 0x01);
	assert_int_equal(r.u.sort_table.return_value, 0x00000000);
	assert_int_equal(r.u.sort_table.u.ok.table_status, 0x00);
	push_response_same(ctx, &r, bytes, sizeof(bytes));
	talloc_free(ctx);
}

/*
 * MS-OXORULE 4.2.2 Server Responds to Client Requests:
 * "3f 01 00 00 00 00" is RopGetRulesTable, handle index 1, ReturnValue 0;
 * "12 01 00 00 00 00 00" is RopSetColumns, handle index 1, ReturnValue 0,
 * and the status the example calls CompletionStatus, which is MS-OXCROPS
 * 2.2.5.1.2's TableStatus: 0x00, TBLSTAT_COMPLETE.
 * The spec text names RopGetRulesTable's handle field "InputHandleIndex";
 * MS-OXCROPS 2.2.11.2.2 calls it OutputHandleIndex (the table is the ROP's
 * output). Same byte, same place: our codec follows MS-OXCROPS' name.
 */
static void test_oxorule_4_2_2_responses(void **state)
{
	static const uint8_t rules[] = { 0x3f, 0x01, 0x00, 0x00, 0x00, 0x00 };
	static const uint8_t cols[] = { 0x12, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00 };
	TALLOC_CTX *ctx = talloc_new(NULL);
	struct rop_response r;

	pull_response(ctx, rules, sizeof(rules), &r);
	assert_int_equal(r.rop_id, RopGetRulesTable);
	assert_int_equal(r.u.get_rules_table.output_handle_index, 1);
	assert_int_equal(r.u.get_rules_table.return_value, 0x00000000);
	push_response_same(ctx, &r, rules, sizeof(rules));

	pull_response(ctx, cols, sizeof(cols), &r);
	assert_int_equal(r.rop_id, RopSetColumns);
	assert_int_equal(r.u.set_columns.input_handle_index, 1);
	assert_int_equal(r.u.set_columns.return_value, 0x00000000);
	assert_int_equal(r.u.set_columns.u.ok.table_status, 0x00);
	push_response_same(ctx, &r, cols, sizeof(cols));
	talloc_free(ctx);
}

/*
 * MS-OXCPRPT section 4, "Setting Properties", the client's request: RopSetProperties
 * with LogonId 0x00, InputHandleIndex 0x00, PropertyValueSize 0x0024 (36 bytes
 * of PropertyValueCount and PropertyValues), PropertyValueCount 0x0002, then
 * PidTagSubjectPrefix (0x003D001F) = "" and PidTagNormalizedSubject
 * (0x0E1D001F) = "Hello World", both PtypString (UTF-16LE).
 */
static void test_oxcprpt_setting_properties_request(void **state)
{
	static const uint8_t bytes[] = {
		0x0A, 0x00, 0x00, 0x24, 0x00, 0x02, 0x00, 0x1F, 0x00, 0x3D, 0x00, 0x00, 0x00, 0x1F, 0x00, 0x1D,
		0x0E, 0x48, 0x00, 0x65, 0x00, 0x6C, 0x00, 0x6C, 0x00, 0x6F, 0x00, 0x20, 0x00, 0x57, 0x00, 0x6F,
		0x00, 0x72, 0x00, 0x6C, 0x00, 0x64, 0x00, 0x00, 0x00,
	};
	TALLOC_CTX *ctx = talloc_new(NULL);
	const struct rop_set_properties_request *sp;
	struct rop_request r;

	pull_request(ctx, bytes, sizeof(bytes), &r);
	sp = &r.u.set_properties;
	assert_int_equal(r.rop_id, RopSetProperties);
	assert_int_equal(sp->logon_id, 0x00);
	assert_int_equal(sp->input_handle_index, 0x00);
	assert_int_equal(sp->property_value_size, 0x0024);
	assert_int_equal(sp->property_value_count, 0x0002);
	assert_int_equal(sp->property_values[0].tag, 0x003D001F);
	assert_string_equal(sp->property_values[0].value.string, "");
	assert_int_equal(sp->property_values[1].tag, 0x0E1D001F);
	assert_string_equal(sp->property_values[1].value.string, "Hello World");
	push_request_same(ctx, &r, bytes, sizeof(bytes));
	talloc_free(ctx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_oxctabl_4_5_3_1_query_rows_request),
		cmocka_unit_test(test_oxctabl_4_3_2_sort_table_response),
		cmocka_unit_test(test_oxorule_4_2_2_responses),
		cmocka_unit_test(test_oxcprpt_setting_properties_request),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
