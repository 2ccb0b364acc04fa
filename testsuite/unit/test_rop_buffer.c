/*
 * Unit tests of the ROP buffer framing (libmapi/rop_buffer.[ch], MS-OXCROPS
 * 2.2.1): RopSize, RopsList and the Server object handle table, whole
 * buffers both ways, and the RopBufferTooSmall, RopBackoff, RopPending and
 * error response builders.
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

#include "libmapi/rop_buffer.h"

/* MS-OXCROPS 4.4: two RopRelease requests and a handle table of two. */
static const uint8_t release_example[] = {
	0x08, 0x00, 0x01, 0x00, 0x00, 0x01, 0x00, 0x01, 0x6F, 0x00, 0x00, 0x00, 0x6E, 0x00, 0x00, 0x00,
};

static void test_spec_release_example(void **state)
{
	TALLOC_CTX *ctx = talloc_new(NULL);
	struct rop_buffer_view view;
	struct rop_request_buffer buf;
	uint32_t handle;
	uint8_t *out;
	size_t out_len;

	assert_int_equal(rop_buffer_split(release_example, sizeof(release_example), &view), WIRE_OK);
	assert_int_equal(view.rops_len, 6);
	assert_int_equal(view.handle_count, 2);
	assert_int_equal(rop_buffer_handle(&view, 0, &handle), WIRE_OK);
	assert_int_equal(handle, 0x6F);
	assert_int_equal(rop_buffer_handle(&view, 1, &handle), WIRE_OK);
	assert_int_equal(handle, 0x6E);
	assert_int_equal(rop_buffer_handle(&view, 2, &handle), WIRE_ERR_BAD_OFFSET);

	assert_int_equal(rop_request_pull(ctx, release_example, sizeof(release_example), NULL, &buf), WIRE_OK);
	assert_int_equal(buf.list.count, 2);
	assert_int_equal(buf.list.rops[0].rop_id, RopRelease);
	assert_int_equal(buf.list.rops[0].u.release.logon_id, 0);
	assert_int_equal(buf.list.rops[0].u.release.input_handle_index, 0);
	assert_int_equal(buf.list.rops[1].rop_id, RopRelease);
	assert_int_equal(buf.list.rops[1].u.release.input_handle_index, 1);
	assert_int_equal(buf.handle_count, 2);
	assert_int_equal(buf.handles[0], 0x6F);
	assert_int_equal(buf.handles[1], 0x6E);

	assert_int_equal(rop_request_push(ctx, &buf, NULL, &out, &out_len), WIRE_OK);
	assert_int_equal(out_len, sizeof(release_example));
	assert_memory_equal(out, release_example, sizeof(release_example));
	talloc_free(ctx);
}

static void test_split_refuses(void **state)
{
	static const uint8_t size_one[] = { 0x01, 0x00 };
	static const uint8_t too_long[] = { 0x05, 0x00, 0x01, 0x00 };
	static const uint8_t ragged[] = { 0x02, 0x00, 0x01, 0x02, 0x03 };
	static const uint8_t empty_ok[] = { 0x02, 0x00 };
	struct rop_buffer_view view;
	size_t cut;

	assert_int_equal(rop_buffer_split(size_one, 1, &view), WIRE_ERR_TRUNCATED);
	assert_int_equal(rop_buffer_split(size_one, sizeof(size_one), &view), WIRE_ERR_BAD_SIZE);
	assert_int_equal(rop_buffer_split(too_long, sizeof(too_long), &view), WIRE_ERR_TRUNCATED);
	assert_int_equal(rop_buffer_split(ragged, sizeof(ragged), &view), WIRE_ERR_BAD_SIZE);
	assert_int_equal(rop_buffer_split(empty_ok, sizeof(empty_ok), &view), WIRE_OK);
	assert_int_equal(view.rops_len, 0);
	assert_int_equal(view.handle_count, 0);

	/* the spec example cut anywhere: never a crash; whole-handle cuts still frame */
	for (cut = 0; cut < sizeof(release_example); cut++) {
		enum wire_error err = rop_buffer_split(release_example, cut, &view);

		if (cut >= 8 && (cut - 8) % 4 == 0) {
			assert_int_equal(err, WIRE_OK);
		} else {
			assert_int_not_equal(err, WIRE_OK);
		}
	}
}

static void test_join_limits(void **state)
{
	TALLOC_CTX *ctx = talloc_new(NULL);
	uint8_t *big = talloc_zero_array(ctx, uint8_t, 0xFFFF);
	uint8_t *out;
	size_t out_len;
	uint32_t h = 0xAABBCCDD;

	assert_non_null(big);
	assert_int_equal(rop_buffer_join(ctx, big, 0xFFFE, NULL, 0, &out, &out_len), WIRE_ERR_TOO_LARGE);
	assert_null(out);
	assert_int_equal(rop_buffer_join(ctx, big, 0xFFFD, &h, 1, &out, &out_len), WIRE_OK);
	assert_int_equal(out_len, 0xFFFF + 4);
	assert_int_equal(out[0], 0xFF);
	assert_int_equal(out[1], 0xFF);
	assert_int_equal(out[out_len - 4], 0xDD);
	assert_int_equal(out[out_len - 1], 0xAA);
	assert_int_equal(rop_buffer_join(ctx, NULL, 3, NULL, 0, &out, &out_len), WIRE_ERR_INVALID_ARG);
	talloc_free(ctx);
}

/* An output buffer: RopPending, an error response, RopBackoff, then RopBufferTooSmall. */
static void test_special_responses(void **state)
{
	static const struct rop_backoff_rop backoffs[] = { { RopOpenFolder, 1000 } };
	static const uint8_t unprocessed[] = { 0x01, 0x00, 0x02 };	/* a RopRelease not done */
	static const uint8_t expect[] = {
		0x6E, 0x05, 0x00,					/* RopPending, SessionIndex 5 */
		0x02, 0x01, 0x0F, 0x01, 0x04, 0x80,			/* RopOpenFolder failed: 0x8004010F */
		0xF9, 0x00, 0xE8, 0x03, 0x00, 0x00, 0x01,		/* RopBackoff logon 0, 1000 ms, 1 ROP */
		0x02, 0xE8, 0x03, 0x00, 0x00, 0x00, 0x00,		/* RopOpenFolder 1000 ms, no data */
		0xFF, 0x00, 0x10, 0x01, 0x00, 0x02,			/* RopBufferTooSmall 0x1000 + requests */
	};
	TALLOC_CTX *ctx = talloc_new(NULL);
	struct oxcdata_push push;
	struct rop_response_buffer buf;
	uint8_t *out, *again;
	size_t out_len, again_len;
	uint32_t handle = 0x11;

	oxcdata_push_init(&push, ctx);
	assert_int_equal(rop_pending_push(&push, 5), WIRE_OK);
	assert_int_equal(rop_error_response_push(&push, RopOpenFolder, 1, 0x8004010F), WIRE_OK);
	assert_int_equal(rop_backoff_push(&push, 0, 1000, backoffs, 1, NULL, 0), WIRE_OK);
	assert_int_equal(rop_buffer_too_small_push(&push, 0x1000, unprocessed, sizeof(unprocessed)), WIRE_OK);
	assert_int_equal(push.len, sizeof(expect));
	assert_memory_equal(push.data, expect, sizeof(expect));
	assert_int_equal(rop_error_response_push(&push, RopOpenFolder, 1, 0), WIRE_ERR_INVALID_ARG);

	assert_int_equal(rop_buffer_join(ctx, expect, sizeof(expect), &handle, 1, &out, &out_len), WIRE_OK);
	assert_int_equal(rop_response_pull(ctx, out, out_len, NULL, &buf), WIRE_OK);
	assert_int_equal(buf.list.count, 4);
	assert_int_equal(buf.list.rops[0].u.pending.u.body.session_index, 5);
	assert_int_equal(buf.list.rops[1].u.open_folder.output_handle_index, 1);
	assert_int_equal(buf.list.rops[1].u.open_folder.return_value, 0x8004010F);
	assert_int_equal(buf.list.rops[2].u.backoff.u.body.backoff_rop_data[0].rop_id_backoff, RopOpenFolder);
	assert_int_equal(buf.list.rops[2].u.backoff.u.body.backoff_rop_data[0].duration, 1000);
	assert_int_equal(buf.list.rops[3].u.buffer_too_small.u.body.size_needed, 0x1000);
	assert_int_equal(buf.list.rops[3].u.buffer_too_small.u.body.request_buffers_size, 3);
	assert_memory_equal(buf.list.rops[3].u.buffer_too_small.u.body.request_buffers, unprocessed, 3);
	assert_int_equal(buf.handle_count, 1);
	assert_int_equal(buf.handles[0], 0x11);

	assert_int_equal(rop_response_push(ctx, &buf, NULL, &again, &again_len), WIRE_OK);
	assert_int_equal(again_len, out_len);
	assert_memory_equal(again, out, out_len);
	talloc_free(ctx);
}

/* The client knows what it asked: its callback tells the codec, per position. */
struct client_state {
	struct mapi_tag_array columns;
	int calls;
};

static enum wire_error client_params(void *private_data, uint8_t rop_id, uint32_t object,
				     size_t position, struct rop_params *params)
{
	struct client_state *cs = private_data;

	cs->calls++;
	if (rop_id == RopLogon) {
		params->logon_private = true;
	}
	if (rop_id == RopQueryRows) {
		params->columns = &cs->columns;
	}
	return WIRE_OK;
}

static void test_context_per_rop(void **state)
{
	static uint32_t tags[] = { 0x0E080003 };	/* one Integer32 column */
	struct client_state cs = { { 1, tags }, 0 };
	struct rop_context rc = { client_params, &cs };
	TALLOC_CTX *ctx = talloc_new(NULL);
	struct rop_response_buffer in, out;
	struct rop_response rops[2];
	struct mapi_flagged_propval value;
	struct mapi_property_row row;
	uint8_t *bytes;
	size_t len;

	memset(rops, 0, sizeof(rops));
	rops[0].rop_id = RopLogon;
	rops[0].u.logon.u.private_mailbox.logon_flags = 1;
	rops[0].u.logon.u.private_mailbox.folder_ids[4] = 0x1234;
	memset(&value, 0, sizeof(value));
	value.flag = MAPI_PROPVAL_PRESENT;
	value.pv.tag = tags[0];
	value.pv.value.i32 = 4096;
	row.flag = MAPI_ROW_STANDARD;
	row.count = 1;
	row.values = &value;
	rops[1].rop_id = RopQueryRows;
	rops[1].u.query_rows.input_handle_index = 1;
	rops[1].u.query_rows.u.ok.origin = 2;
	rops[1].u.query_rows.u.ok.row_count = 1;
	rops[1].u.query_rows.u.ok.row_data = &row;
	memset(&in, 0, sizeof(in));
	in.list.count = 2;
	in.list.rops = rops;

	assert_int_equal(rop_response_push(ctx, &in, &rc, &bytes, &len), WIRE_OK);
	assert_int_equal(len, 2 + (6 + 160) + (6 + 1 + 2 + 1 + 4));
	assert_int_equal(rop_response_pull(ctx, bytes, len, &rc, &out), WIRE_OK);
	assert_int_equal(out.list.count, 2);
	assert_int_equal(out.list.rops[0].u.logon.u.private_mailbox.folder_ids[4], 0x1234);
	assert_int_equal(out.list.rops[1].u.query_rows.u.ok.row_data[0].values[0].pv.value.i32, 4096);
	assert_true(cs.calls >= 4);

	/* without the context the logon is read in its public form and the rest is garbage */
	assert_int_not_equal(rop_response_pull(ctx, bytes, len, NULL, &out), WIRE_OK);
	assert_int_equal(out.list.count, 0);
	assert_null(out.list.rops);

	/* and rows without their columns cannot be read at all */
	in.list.count = 1;
	in.list.rops = &rops[1];
	assert_int_equal(rop_response_push(ctx, &in, &rc, &bytes, &len), WIRE_OK);
	assert_int_equal(rop_response_pull(ctx, bytes, len, NULL, &out), WIRE_ERR_INVALID_ARG);
	assert_int_equal(out.list.count, 0);
	talloc_free(ctx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_spec_release_example),
		cmocka_unit_test(test_split_refuses),
		cmocka_unit_test(test_join_limits),
		cmocka_unit_test(test_special_responses),
		cmocka_unit_test(test_context_per_rop),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
