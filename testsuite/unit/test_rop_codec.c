/*
 * Unit tests of the generated ROP codec (idl/rops.def -> idl/gen_rops.[ch]).
 *
 * Every described ROP, request and response, success and error forms, is
 * round-tripped from samples that idl/gen_rops.py builds with an encoder of
 * its own (idl/gen_rop_samples.h): pull, push (identical bytes), pull the
 * pushed bytes and push again (identical again). Every sample is also cut
 * short at every offset, which must fail without leaving memory behind.
 * The byte examples of the specs' section 4 are in test_spec_examples.c.
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
#include "idl/gen_rop_samples.h"

#define ARRAY_COUNT(a) (sizeof(a) / sizeof((a)[0]))

static const struct mapi_tag_array sample_columns = {
	.count = ARRAY_COUNT(rop_sample_columns),
	.tags = (uint32_t *)rop_sample_columns,
};

static void sample_params(const struct rop_sample *s, struct rop_params *p)
{
	memset(p, 0, sizeof(*p));
	p->logon_private = s->logon_private;
	p->columns = &sample_columns;
}

/* Pull one ROP of sample s from data/len, in its direction. */
static enum wire_error pull_one(const struct rop_sample *s, TALLOC_CTX *ctx, const uint8_t *data,
				size_t len, void *out, size_t *consumed)
{
	struct oxcdata_pull pull;
	struct rop_params params;
	enum wire_error err;

	sample_params(s, &params);
	oxcdata_pull_init(&pull, data, len);
	if (s->request) {
		err = rop_request_pull_one(&pull, ctx, out, &params);
	} else {
		err = rop_response_pull_one(&pull, ctx, out, &params);
	}
	*consumed = pull.offset;
	return err;
}

static enum wire_error push_one(const struct rop_sample *s, struct oxcdata_push *push, const void *in)
{
	struct rop_params params;

	sample_params(s, &params);
	if (s->request) {
		return rop_request_push_one(push, in, &params);
	}
	return rop_response_push_one(push, in, &params);
}

union any_rop {
	struct rop_request req;
	struct rop_response rsp;
};

static void test_samples_round_trip(void **state)
{
	size_t i;

	for (i = 0; i < ARRAY_COUNT(rop_samples); i++) {
		const struct rop_sample *s = &rop_samples[i];
		TALLOC_CTX *ctx = talloc_new(NULL);
		union any_rop first, second;
		struct oxcdata_push push1, push2;
		size_t used = 0;
		enum wire_error err;

		err = pull_one(s, ctx, s->bytes, s->len, &first, &used);
		if (err != WIRE_OK || used != s->len) {
			fail_msg("%s %s v%d private=%d: pull %s, used %zu of %zu", s->rop, s->what, s->variant,
				 s->logon_private, wire_strerror(err), used, s->len);
		}
		oxcdata_push_init(&push1, ctx);
		err = push_one(s, &push1, &first);
		if (err != WIRE_OK) {
			fail_msg("%s %s v%d: push %s", s->rop, s->what, s->variant, wire_strerror(err));
		}
		assert_int_equal(push1.len, s->len);
		assert_memory_equal(push1.data, s->bytes, s->len);

		/* and again from what we pushed */
		assert_int_equal(pull_one(s, ctx, push1.data, push1.len, &second, &used), WIRE_OK);
		assert_int_equal(used, push1.len);
		oxcdata_push_init(&push2, ctx);
		assert_int_equal(push_one(s, &push2, &second), WIRE_OK);
		assert_int_equal(push2.len, s->len);
		assert_memory_equal(push2.data, s->bytes, s->len);
		talloc_free(ctx);
	}
}

/* Every described RopId has samples in both directions it has. */
static void test_samples_cover_every_rop(void **state)
{
	unsigned id;

	for (id = 0; id < 256; id++) {
		bool req = false, rsp_ok = false, rsp_err = false;
		size_t i;

		for (i = 0; i < ARRAY_COUNT(rop_samples); i++) {
			const struct rop_sample *s = &rop_samples[i];

			if (s->bytes[0] != id) {
				continue;
			}
			if (s->request) {
				req = true;
			} else if (s->len >= 6 && s->bytes[2] == 0 && s->bytes[3] == 0 && s->bytes[4] == 0 &&
				   s->bytes[5] == 0) {
				rsp_ok = true;
			} else {
				rsp_err = true;
			}
		}
		assert_int_equal(req, rop_request_is_described((uint8_t)id));
		if (rop_response_is_described((uint8_t)id)) {
			/* the raw responses (no ReturnValue) count as either */
			assert_true(rsp_ok || rsp_err);
		} else {
			assert_false(rsp_ok || rsp_err);
		}
	}
	/* a few that must be there */
	assert_true(rop_request_is_described(RopLogon));
	assert_true(rop_response_is_described(RopBufferTooSmall));
	assert_false(rop_response_is_described(RopRelease));	/* RopRelease has no response */
	assert_false(rop_request_is_described(RopPending));	/* server-only */
}

static void test_samples_truncated(void **state)
{
	size_t i, cut;

	for (i = 0; i < ARRAY_COUNT(rop_samples); i++) {
		const struct rop_sample *s = &rop_samples[i];

		for (cut = 0; cut < s->len; cut++) {
			TALLOC_CTX *ctx = talloc_new(NULL);
			union any_rop r;
			size_t used;
			enum wire_error err;

			err = pull_one(s, ctx, s->bytes, cut, &r, &used);
			/* RopBufferTooSmall ends in "the rest": any cut after its header is a shorter one */
			if (s->has_rest && cut >= 3) {
				assert_int_equal(err, WIRE_OK);
			} else if (err == WIRE_OK) {
				fail_msg("%s %s v%d: cut at %zu of %zu parsed", s->rop, s->what, s->variant, cut,
					 s->len);
			}
			talloc_free(ctx);
		}
	}
}

/* The list parser leaves nothing allocated when any ROP of the list fails. */
static enum wire_error sample_ctx_params(void *private_data, uint8_t rop_id, uint32_t object,
					 size_t position, struct rop_params *params)
{
	const struct rop_sample *s = private_data;

	sample_params(s, params);
	return WIRE_OK;
}

static void test_list_failure_leaves_nothing(void **state)
{
	size_t i, cut;

	for (i = 0; i < ARRAY_COUNT(rop_samples); i++) {
		const struct rop_sample *s = &rop_samples[i];
		struct rop_context rc = { sample_ctx_params, (void *)s };

		if (s->has_rest) {
			continue;
		}
		for (cut = 1; cut < s->len; cut++) {
			TALLOC_CTX *ctx = talloc_new(NULL);
			enum wire_error err;

			if (s->request) {
				struct rop_request_list list;

				err = rop_requests_pull(ctx, s->bytes, cut, &rc, &list);
				assert_null(list.rops);
			} else {
				struct rop_response_list list;

				err = rop_responses_pull(ctx, s->bytes, cut, &rc, &list);
				assert_null(list.rops);
			}
			assert_int_not_equal(err, WIRE_OK);
			assert_int_equal(talloc_total_blocks(ctx), 1);
			talloc_free(ctx);
		}
	}
}

/* A count larger than the bytes left is refused before anything is allocated. */
static void test_count_refused_before_allocation(void **state)
{
	/* RopDeleteMessages: MessageIdCount 0xFFFF, then one 8-byte id */
	static const uint8_t req[] = {
		0x1E, 0x00, 0x00, 0x00, 0x00, 0xFF, 0xFF, 1, 2, 3, 4, 5, 6, 7, 8,
	};
	/* RopGetOwningServers response: 0xFFFF strings, two bytes left */
	static const uint8_t rsp[] = {
		0x42, 0x00, 0x00, 0x00, 0x00, 0x00, 0xFF, 0xFF, 0x01, 0x00, 'a', 0,
	};
	/* RopQueryRows response: 0x8000 rows, one byte left */
	static const uint8_t rows[] = {
		0x15, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x00, 0x80, 0x00,
	};
	TALLOC_CTX *ctx = talloc_new(NULL);
	struct rop_params params = { .columns = &sample_columns };
	struct oxcdata_pull pull;
	struct rop_request r;
	struct rop_response s;

	oxcdata_pull_init(&pull, req, sizeof(req));
	assert_int_equal(rop_request_pull_one(&pull, ctx, &r, &params), WIRE_ERR_TRUNCATED);
	assert_int_equal(talloc_total_blocks(ctx), 1);

	oxcdata_pull_init(&pull, rsp, sizeof(rsp));
	assert_int_equal(rop_response_pull_one(&pull, ctx, &s, &params), WIRE_ERR_TRUNCATED);
	assert_int_equal(talloc_total_blocks(ctx), 1);

	oxcdata_pull_init(&pull, rows, sizeof(rows));
	assert_int_equal(rop_response_pull_one(&pull, ctx, &s, &params), WIRE_ERR_TRUNCATED);
	assert_int_equal(talloc_total_blocks(ctx), 1);
	talloc_free(ctx);
}

static void test_unknown_and_missing_context(void **state)
{
	/* 0x00 is reserved; RopNotify (0x2A) is a response only (MS-OXCROPS 2.2.14.2) */
	static const uint8_t reserved[] = { 0x00, 0x00, 0x00 };
	static const uint8_t notify[] = { 0x2A, 0x00, 0x00, 0x00, 0x00, 0x00 };
	/* RopGetPropertiesSpecific success response needs the request's tags */
	static const uint8_t gps[] = { 0x07, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00 };
	TALLOC_CTX *ctx = talloc_new(NULL);
	struct rop_params params = { 0 };
	struct oxcdata_pull pull;
	struct rop_request r;
	struct rop_response s;
	struct oxcdata_push push;

	oxcdata_pull_init(&pull, reserved, sizeof(reserved));
	assert_int_equal(rop_request_pull_one(&pull, ctx, &r, &params), WIRE_ERR_BAD_VALUE);
	oxcdata_pull_init(&pull, reserved, sizeof(reserved));
	assert_int_equal(rop_response_pull_one(&pull, ctx, &s, &params), WIRE_ERR_BAD_VALUE);
	oxcdata_pull_init(&pull, notify, sizeof(notify));
	assert_int_equal(rop_request_pull_one(&pull, ctx, &r, &params), WIRE_ERR_BAD_VALUE);
	/* NotificationHandle, LogonId, then NotificationFlags cut short */
	oxcdata_pull_init(&pull, notify, sizeof(notify));
	assert_int_equal(rop_response_pull_one(&pull, ctx, &s, &params), WIRE_ERR_TRUNCATED);
	oxcdata_pull_init(&pull, gps, sizeof(gps));
	assert_int_equal(rop_response_pull_one(&pull, ctx, &s, &params), WIRE_ERR_INVALID_ARG);

	/* a sized block whose content is shorter than its size */
	{
		/* RopRestrict: RestrictionDataSize 6, an Exist restriction (5 bytes) and one more */
		static const uint8_t restrict_req[] = {
			0x14, 0x00, 0x00, 0x00, 0x06, 0x00, 0x08, 0x03, 0x00, 0x08, 0x0E, 0x00,
		};
		oxcdata_pull_init(&pull, restrict_req, sizeof(restrict_req));
		assert_int_equal(rop_request_pull_one(&pull, ctx, &r, &params), WIRE_ERR_BAD_SIZE);
	}

	/* pushing a NULL array with a nonzero count is the caller's mistake */
	memset(&r, 0, sizeof(r));
	r.rop_id = RopDeleteMessages;
	r.u.delete_messages.message_id_count = 2;
	oxcdata_push_init(&push, ctx);
	assert_int_equal(rop_request_push_one(&push, &r, &params), WIRE_ERR_INVALID_ARG);
	talloc_free(ctx);
}

/* RopLogon: the response form follows the request's Private flag, not a guess. */
static void test_logon_forms(void **state)
{
	TALLOC_CTX *ctx = talloc_new(NULL);
	struct rop_params priv = { .logon_private = true };
	struct rop_params pub = { .logon_private = false };
	struct rop_response r, back;
	struct oxcdata_push push;
	struct oxcdata_pull pull;
	unsigned i;

	memset(&r, 0, sizeof(r));
	r.rop_id = RopLogon;
	r.u.logon.output_handle_index = 0;
	r.u.logon.u.private_mailbox.logon_flags = 0x01;
	for (i = 0; i < 13; i++) {
		r.u.logon.u.private_mailbox.folder_ids[i] = 0x0001000000000000ULL + i;
	}
	r.u.logon.u.private_mailbox.response_flags = 0x01;
	r.u.logon.u.private_mailbox.logon_time.year = 2026;
	r.u.logon.u.private_mailbox.store_state = 0;
	oxcdata_push_init(&push, ctx);
	assert_int_equal(rop_response_push_one(&push, &r, &priv), WIRE_OK);
	/* RopId, handle, ReturnValue, LogonFlags, 13 FIDs, ResponseFlags, 2 GUIDs, ReplId,
	 * LogonTime, GwartTime, StoreState */
	assert_int_equal(push.len, 1 + 1 + 4 + 1 + 13 * 8 + 1 + 16 + 2 + 16 + 8 + 8 + 4);

	/* the same bytes read as a public-folders logon do not fit */
	oxcdata_pull_init(&pull, push.data, push.len);
	assert_int_equal(rop_response_pull_one(&pull, ctx, &back, &pub), WIRE_OK);
	assert_int_not_equal(pull.offset, push.len);

	oxcdata_pull_init(&pull, push.data, push.len);
	assert_int_equal(rop_response_pull_one(&pull, ctx, &back, &priv), WIRE_OK);
	assert_int_equal(pull.offset, push.len);
	assert_int_equal(back.u.logon.u.private_mailbox.folder_ids[12], 0x0001000000000000ULL + 12);
	assert_int_equal(back.u.logon.u.private_mailbox.logon_time.year, 2026);

	/* ecWrongServer (0x478): the redirect form, whatever the flag */
	memset(&r, 0, sizeof(r));
	r.rop_id = RopLogon;
	r.u.logon.return_value = 0x00000478;
	r.u.logon.u.redirect.logon_flags = 0x01;
	r.u.logon.u.redirect.server_name_size = 4;
	r.u.logon.u.redirect.server_name = (uint8_t *)"srv";
	oxcdata_push_init(&push, ctx);
	assert_int_equal(rop_response_push_one(&push, &r, &pub), WIRE_OK);
	assert_int_equal(push.len, 6 + 1 + 1 + 4);
	oxcdata_pull_init(&pull, push.data, push.len);
	assert_int_equal(rop_response_pull_one(&pull, ctx, &back, &priv), WIRE_OK);
	assert_int_equal(pull.offset, push.len);
	assert_string_equal((const char *)back.u.logon.u.redirect.server_name, "srv");

	/* any other failure: RopId, OutputHandleIndex, ReturnValue only */
	memset(&r, 0, sizeof(r));
	r.rop_id = RopLogon;
	r.u.logon.output_handle_index = 3;
	r.u.logon.return_value = 0x000003EB;	/* ecUnknownUser */
	oxcdata_push_init(&push, ctx);
	assert_int_equal(rop_response_push_one(&push, &r, &priv), WIRE_OK);
	assert_int_equal(push.len, 6);
	talloc_free(ctx);
}

/* RopReadStream: MaximumByteCount only when ByteCount is 0xBABE (2.2.9.2.1). */
static void test_read_stream_babe(void **state)
{
	static const uint8_t babe[] = { 0x2C, 0x00, 0x01, 0xBE, 0xBA, 0x00, 0x00, 0x01, 0x00 };
	static const uint8_t plain[] = { 0x2C, 0x00, 0x01, 0x00, 0x10 };
	TALLOC_CTX *ctx = talloc_new(NULL);
	struct rop_params params = { 0 };
	struct oxcdata_pull pull;
	struct rop_request r;

	oxcdata_pull_init(&pull, babe, sizeof(babe));
	assert_int_equal(rop_request_pull_one(&pull, ctx, &r, &params), WIRE_OK);
	assert_int_equal(pull.offset, sizeof(babe));
	assert_int_equal(r.u.read_stream.maximum_byte_count, 0x10000);
	oxcdata_pull_init(&pull, plain, sizeof(plain));
	assert_int_equal(rop_request_pull_one(&pull, ctx, &r, &params), WIRE_OK);
	assert_int_equal(pull.offset, sizeof(plain));
	assert_int_equal(r.u.read_stream.byte_count, 0x1000);
	talloc_free(ctx);
}

/*
 * RopFastTransferSourceGetBuffer (MS-OXCROPS 2.2.12.4.2): with ServerBusy
 * (0x480) the status fields and TransferBufferSize stay, TransferBuffer goes
 * and BackoffTime follows; any other failure is the bare error form.
 */
static void test_get_buffer_server_busy(void **state)
{
	static const uint8_t busy[] = {
		0x4E, 0x00, 0x80, 0x04, 0x00, 0x00,	/* RopId, InputHandleIndex, ReturnValue 0x480 */
		0x01, 0x00, 0x02, 0x00, 0x03, 0x00,	/* TransferStatus Partial, InProgressCount, TotalStepCount */
		0x00, 0x00, 0x00,			/* Reserved, TransferBufferSize 0 */
		0xE8, 0x03, 0x00, 0x00,			/* BackoffTime 1000 ms */
	};
	static const uint8_t done[] = {
		0x4E, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00,
		0x02, 0x00, 0xAB, 0xCD,			/* TransferBufferSize 2, TransferBuffer */
	};
	static const uint8_t failed[] = { 0x4E, 0x00, 0x05, 0x00, 0x07, 0x80 };
	TALLOC_CTX *ctx = talloc_new(NULL);
	struct rop_params params = { 0 };
	struct oxcdata_pull pull;
	struct oxcdata_push push;
	struct rop_response r;

	oxcdata_pull_init(&pull, busy, sizeof(busy));
	assert_int_equal(rop_response_pull_one(&pull, ctx, &r, &params), WIRE_OK);
	assert_int_equal(pull.offset, sizeof(busy));
	assert_int_equal(r.u.fast_transfer_source_get_buffer.return_value, 0x480);
	assert_int_equal(r.u.fast_transfer_source_get_buffer.u.server_busy.transfer_status, 1);
	assert_int_equal(r.u.fast_transfer_source_get_buffer.u.server_busy.backoff_time, 1000);
	oxcdata_push_init(&push, ctx);
	assert_int_equal(rop_response_push_one(&push, &r, &params), WIRE_OK);
	assert_int_equal(push.len, sizeof(busy));
	assert_memory_equal(push.data, busy, sizeof(busy));

	oxcdata_pull_init(&pull, done, sizeof(done));
	assert_int_equal(rop_response_pull_one(&pull, ctx, &r, &params), WIRE_OK);
	assert_int_equal(pull.offset, sizeof(done));
	assert_int_equal(r.u.fast_transfer_source_get_buffer.u.ok.transfer_buffer_size, 2);
	assert_int_equal(r.u.fast_transfer_source_get_buffer.u.ok.transfer_buffer[1], 0xCD);

	oxcdata_pull_init(&pull, failed, sizeof(failed));
	assert_int_equal(rop_response_pull_one(&pull, ctx, &r, &params), WIRE_OK);
	assert_int_equal(pull.offset, sizeof(failed));
	talloc_free(ctx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_samples_round_trip),
		cmocka_unit_test(test_samples_cover_every_rop),
		cmocka_unit_test(test_samples_truncated),
		cmocka_unit_test(test_list_failure_leaves_nothing),
		cmocka_unit_test(test_count_refused_before_allocation),
		cmocka_unit_test(test_unknown_and_missing_context),
		cmocka_unit_test(test_logon_forms),
		cmocka_unit_test(test_read_stream_babe),
		cmocka_unit_test(test_get_buffer_server_busy),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
