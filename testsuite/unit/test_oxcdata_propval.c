/*
 * Unit tests of libmapi/oxcdata_propval.c: every property data type of
 * MS-OXCDATA 2.11.1 built byte by byte from the spec's descriptions, pulled,
 * checked field by field, pushed back to the same bytes, and truncated at
 * every offset; the typed, tagged and flagged forms; hostile counts and
 * strings.
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
#include <math.h>
#include <cmocka.h>
#include "testsuite/unit/byte_builder.h"

#include "libmapi/oxcdata_propval.h"
#include "libmapi/oxcdata_restriction.h"

enum form { FORM_TAGGED, FORM_TYPED };

static enum wire_error pull_form(enum form form, struct oxcdata_pull *pull, TALLOC_CTX *ctx,
				 struct mapi_propval *pv)
{
	return form == FORM_TAGGED ? oxcdata_propval_pull_tagged(pull, ctx, pv)
				   : oxcdata_propval_pull_typed(pull, ctx, pv);
}

static enum wire_error push_form(enum form form, struct oxcdata_push *push, const struct mapi_propval *pv)
{
	return form == FORM_TAGGED ? oxcdata_propval_push_tagged(push, pv)
				   : oxcdata_propval_push_typed(push, pv);
}

/*
 * Pull b in the given form: it must use every byte and push back to the same
 * bytes; every strict prefix must fail and leave nothing allocated.
 * Returns the value, allocated under ctx.
 */
static struct mapi_propval *roundtrip(TALLOC_CTX *ctx, enum form form, const struct bytes *b)
{
	struct mapi_propval *pv = talloc_zero(ctx, struct mapi_propval);
	struct oxcdata_pull pull;
	struct oxcdata_push push;
	size_t cut;

	assert_non_null(pv);
	oxcdata_pull_init(&pull, b->buf, b->len);
	assert_int_equal(pull_form(form, &pull, pv, pv), WIRE_OK);
	assert_int_equal(oxcdata_pull_left(&pull), 0);

	oxcdata_push_init(&push, ctx);
	assert_int_equal(push_form(form, &push, pv), WIRE_OK);
	assert_int_equal(push.len, b->len);
	assert_memory_equal(push.data, b->buf, b->len);
	talloc_free(push.data);

	for (cut = 0; cut < b->len; cut++) {
		TALLOC_CTX *tmp = talloc_new(ctx);
		struct mapi_propval other;

		oxcdata_pull_init(&pull, b->buf, cut);
		assert_int_not_equal(pull_form(form, &pull, tmp, &other), WIRE_OK);
		/* Nothing half-built is left under the caller's context. */
		assert_int_equal(talloc_total_blocks(tmp), 1);
		talloc_free(tmp);
	}
	return pv;
}

#define TAG(id, type) MAPI_PROP_TAG(id, type)

static void test_fixed_size_types(void **state)
{
	TALLOC_CTX *ctx = talloc_new(NULL);
	struct mapi_propval *pv;
	struct bytes b;
	float f32;
	double f64;

	/* PtypInteger16 (2 bytes), boundary values. */
	memset(&b, 0, sizeof(b));
	put32(&b, TAG(0x1234, PTYP_INTEGER16));
	put16(&b, 0xFFFF);
	pv = roundtrip(ctx, FORM_TAGGED, &b);
	assert_int_equal(pv->tag, 0x12340002);
	assert_int_equal(pv->value.i16, 0xFFFF);

	/* PtypInteger32 (4 bytes). */
	memset(&b, 0, sizeof(b));
	put32(&b, TAG(0x0E08, PTYP_INTEGER32));
	put32(&b, 0x80000000);
	pv = roundtrip(ctx, FORM_TAGGED, &b);
	assert_int_equal(pv->value.i32, 0x80000000);

	/* PtypFloating32 (4 bytes IEEE). */
	memset(&b, 0, sizeof(b));
	f32 = -1.5f;
	put32(&b, TAG(1, PTYP_FLOATING32));
	put_raw(&b, &f32, 4);
	pv = roundtrip(ctx, FORM_TAGGED, &b);
	assert_true(pv->value.f32 == -1.5f);

	/* PtypFloating64 (8 bytes IEEE), a NaN with a payload keeps its bits. */
	memset(&b, 0, sizeof(b));
	put32(&b, TAG(2, PTYP_FLOATING64));
	put64(&b, 0x7FF8000000000123ULL);
	pv = roundtrip(ctx, FORM_TAGGED, &b);
	assert_true(isnan(pv->value.f64));

	/* PtypCurrency (8 bytes, signed scaled integer). */
	memset(&b, 0, sizeof(b));
	put32(&b, TAG(3, PTYP_CURRENCY));
	put64(&b, (uint64_t)INT64_MIN);
	pv = roundtrip(ctx, FORM_TAGGED, &b);
	assert_true(pv->value.currency == INT64_MIN);

	/* PtypFloatingTime (8 bytes): 5.25 is 1900-01-04 06:00 (2.11.1). */
	memset(&b, 0, sizeof(b));
	f64 = 5.25;
	put32(&b, TAG(4, PTYP_FLOATINGTIME));
	put_raw(&b, &f64, 8);
	pv = roundtrip(ctx, FORM_TAGGED, &b);
	assert_true(pv->value.floating_time == 5.25);

	/* PtypErrorCode (4 bytes). */
	memset(&b, 0, sizeof(b));
	put32(&b, TAG(5, PTYP_ERRORCODE));
	put32(&b, 0x8004010F);
	pv = roundtrip(ctx, FORM_TAGGED, &b);
	assert_int_equal(pv->value.error_code, 0x8004010F);

	/* PtypBoolean (1 byte, 0 or 1). */
	memset(&b, 0, sizeof(b));
	put32(&b, TAG(6, PTYP_BOOLEAN));
	put8(&b, 1);
	pv = roundtrip(ctx, FORM_TAGGED, &b);
	assert_int_equal(pv->value.boolean, 1);
	memset(&b, 0, sizeof(b));
	put16(&b, PTYP_BOOLEAN);
	put8(&b, 0);
	pv = roundtrip(ctx, FORM_TYPED, &b);
	assert_int_equal(pv->value.boolean, 0);

	/* PtypInteger64 (8 bytes). */
	memset(&b, 0, sizeof(b));
	put32(&b, TAG(7, PTYP_INTEGER64));
	put64(&b, UINT64_MAX);
	pv = roundtrip(ctx, FORM_TAGGED, &b);
	assert_true(pv->value.i64 == UINT64_MAX);

	/* PtypTime (8-byte FILETIME). */
	memset(&b, 0, sizeof(b));
	put32(&b, TAG(0x3007, PTYP_TIME));
	put64(&b, 0x01D9A0B0C0D0E0F0ULL);
	pv = roundtrip(ctx, FORM_TAGGED, &b);
	assert_true(pv->value.time == 0x01D9A0B0C0D0E0F0ULL);

	/* PtypGuid (16 bytes). */
	memset(&b, 0, sizeof(b));
	put32(&b, TAG(8, PTYP_GUID));
	put_raw(&b, "0123456789abcdef", 16);
	pv = roundtrip(ctx, FORM_TAGGED, &b);
	assert_memory_equal(pv->value.guid->bytes, "0123456789abcdef", 16);

	/* PtypNull and PtypObject carry no value bytes. */
	memset(&b, 0, sizeof(b));
	put32(&b, TAG(9, PTYP_NULL));
	pv = roundtrip(ctx, FORM_TAGGED, &b);
	assert_int_equal(pv->tag, TAG(9, PTYP_NULL));
	memset(&b, 0, sizeof(b));
	put16(&b, PTYP_OBJECT);
	roundtrip(ctx, FORM_TYPED, &b);

	talloc_free(ctx);
}

static void test_variable_types(void **state)
{
	TALLOC_CTX *ctx = talloc_new(NULL);
	struct mapi_propval *pv;
	struct bytes b;

	/* PtypString8: NUL-terminated 8-bit, empty and not. */
	memset(&b, 0, sizeof(b));
	put32(&b, TAG(0x0037, PTYP_STRING8));
	put_raw(&b, "Hello\xE9", 7);
	pv = roundtrip(ctx, FORM_TAGGED, &b);
	assert_string_equal(pv->value.string8, "Hello\xE9");
	memset(&b, 0, sizeof(b));
	put32(&b, TAG(0x0037, PTYP_STRING8));
	put8(&b, 0);
	pv = roundtrip(ctx, FORM_TAGGED, &b);
	assert_string_equal(pv->value.string8, "");

	/* PtypString: UTF-16LE with 0x0000, kept as UTF-8 (BMP and a surrogate pair). */
	memset(&b, 0, sizeof(b));
	put32(&b, TAG(0x0037, PTYP_STRING));
	put16(&b, 'a');
	put16(&b, 0x00E9);
	put16(&b, 0x20AC);
	put16(&b, 0xD83D);
	put16(&b, 0xDE00);
	put16(&b, 0);
	pv = roundtrip(ctx, FORM_TAGGED, &b);
	assert_string_equal(pv->value.string, "a\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80");
	memset(&b, 0, sizeof(b));
	put16(&b, PTYP_STRING);
	put16(&b, 0);
	pv = roundtrip(ctx, FORM_TYPED, &b);
	assert_string_equal(pv->value.string, "");

	/* PtypBinary: 2-byte COUNT in ROP buffers (2.11.1.1). */
	memset(&b, 0, sizeof(b));
	put32(&b, TAG(0x0FFF, PTYP_BINARY));
	put16(&b, 3);
	put_raw(&b, "\x00\x01\x02", 3);
	pv = roundtrip(ctx, FORM_TAGGED, &b);
	assert_int_equal(pv->value.binary.len, 3);
	assert_memory_equal(pv->value.binary.data, "\x00\x01\x02", 3);
	memset(&b, 0, sizeof(b));
	put32(&b, TAG(0x0FFF, PTYP_BINARY));
	put16(&b, 0);
	pv = roundtrip(ctx, FORM_TAGGED, &b);
	assert_int_equal(pv->value.binary.len, 0);
	assert_null(pv->value.binary.data);

	/* PtypServerId: 2-byte COUNT, Ours 0x01, folder ID, message ID, Instance (2.11.1.4). */
	memset(&b, 0, sizeof(b));
	put32(&b, TAG(0x67A1, PTYP_SERVERID));
	put16(&b, 21);
	put8(&b, 0x01);
	put64(&b, 0x0000000000010001ULL);
	put64(&b, 0x0000000000020001ULL);
	put32(&b, 0);
	pv = roundtrip(ctx, FORM_TAGGED, &b);
	{
		struct mapi_server_id sid;
		struct mapi_binary raw;

		assert_int_equal(oxcdata_server_id_parse(&pv->value.server_id, &sid), WIRE_OK);
		assert_true(sid.folder_id == 0x10001ULL);
		assert_true(sid.message_id == 0x20001ULL);
		assert_int_equal(sid.instance, 0);
		assert_int_equal(oxcdata_server_id_build(ctx, &sid, &raw), WIRE_OK);
		assert_int_equal(raw.len, 21);
		assert_memory_equal(raw.data, b.buf + 6, 21);
	}
	/* A client-defined ServerId (Ours 0x00) is carried but not interpreted. */
	memset(&b, 0, sizeof(b));
	put32(&b, TAG(0x67A1, PTYP_SERVERID));
	put16(&b, 2);
	put8(&b, 0x00);
	put8(&b, 0x42);
	pv = roundtrip(ctx, FORM_TAGGED, &b);
	{
		struct mapi_server_id sid;

		assert_int_equal(oxcdata_server_id_parse(&pv->value.server_id, &sid), WIRE_ERR_BAD_VALUE);
	}

	/* PtypRestriction: one Restriction structure inline (2.12). */
	memset(&b, 0, sizeof(b));
	put32(&b, TAG(0x6679, PTYP_RESTRICTION));
	put8(&b, MAPI_RES_EXIST);
	put32(&b, TAG(0x0037, PTYP_STRING));
	pv = roundtrip(ctx, FORM_TAGGED, &b);
	assert_int_equal(pv->value.restriction->type, MAPI_RES_EXIST);
	assert_int_equal(pv->value.restriction->u.exist.tag, 0x0037001F);

	/* PtypRuleAction: 2-byte count of ActionBlocks (MS-OXORULE 2.2.5). */
	memset(&b, 0, sizeof(b));
	put32(&b, TAG(0x6680, PTYP_RULEACTION));
	put16(&b, 2);
	put16(&b, 9 + 3);	/* ActionLength */
	put8(&b, 0x01);		/* OP_MOVE */
	put32(&b, 0);
	put32(&b, 0);
	put_raw(&b, "xyz", 3);
	put16(&b, 9);
	put8(&b, 0x0A);		/* OP_MARK_AS_READ, no data */
	put32(&b, 0);
	put32(&b, 0x12345678);
	pv = roundtrip(ctx, FORM_TAGGED, &b);
	assert_int_equal(pv->value.rule_actions->count, 2);
	assert_int_equal(pv->value.rule_actions->blocks[0].type, 1);
	assert_int_equal(pv->value.rule_actions->blocks[0].data.len, 3);
	assert_int_equal(pv->value.rule_actions->blocks[1].flags, 0x12345678);
	assert_int_equal(pv->value.rule_actions->blocks[1].data.len, 0);

	talloc_free(ctx);
}

static void test_multiple_types(void **state)
{
	TALLOC_CTX *ctx = talloc_new(NULL);
	struct mapi_propval *pv;
	struct bytes b;
	static const uint16_t mv_types[] = {
		PTYP_MULTIPLE_INTEGER16, PTYP_MULTIPLE_INTEGER32, PTYP_MULTIPLE_FLOATING32,
		PTYP_MULTIPLE_FLOATING64, PTYP_MULTIPLE_CURRENCY, PTYP_MULTIPLE_FLOATINGTIME,
		PTYP_MULTIPLE_INTEGER64, PTYP_MULTIPLE_STRING8, PTYP_MULTIPLE_STRING,
		PTYP_MULTIPLE_TIME, PTYP_MULTIPLE_GUID, PTYP_MULTIPLE_BINARY,
	};
	size_t i;

	/* Every multi-valued type, empty: a 4-byte COUNT of zero (2.11.1.1). */
	for (i = 0; i < sizeof(mv_types) / sizeof(mv_types[0]); i++) {
		memset(&b, 0, sizeof(b));
		put32(&b, TAG(0x8000, mv_types[i]));
		put32(&b, 0);
		pv = roundtrip(ctx, FORM_TAGGED, &b);
		assert_int_equal(pv->value.mv_i32.count, 0);
		assert_null(pv->value.mv_i32.values);
	}

	memset(&b, 0, sizeof(b));
	put16(&b, PTYP_MULTIPLE_INTEGER16);
	put32(&b, 2);
	put16(&b, 0);
	put16(&b, 0xFFFF);
	pv = roundtrip(ctx, FORM_TYPED, &b);
	assert_int_equal(pv->value.mv_i16.values[1], 0xFFFF);

	memset(&b, 0, sizeof(b));
	put16(&b, PTYP_MULTIPLE_INTEGER32);
	put32(&b, 3);
	put32(&b, 1);
	put32(&b, 0);
	put32(&b, 0xFFFFFFFF);
	pv = roundtrip(ctx, FORM_TYPED, &b);
	assert_int_equal(pv->value.mv_i32.values[2], 0xFFFFFFFF);

	memset(&b, 0, sizeof(b));
	put16(&b, PTYP_MULTIPLE_FLOATING32);
	put32(&b, 1);
	put32(&b, 0x3F800000);	/* 1.0f */
	pv = roundtrip(ctx, FORM_TYPED, &b);
	assert_true(pv->value.mv_f32.values[0] == 1.0f);

	memset(&b, 0, sizeof(b));
	put16(&b, PTYP_MULTIPLE_FLOATING64);
	put32(&b, 1);
	put64(&b, 0xC000000000000000ULL);	/* -2.0 */
	pv = roundtrip(ctx, FORM_TYPED, &b);
	assert_true(pv->value.mv_f64.values[0] == -2.0);

	memset(&b, 0, sizeof(b));
	put16(&b, PTYP_MULTIPLE_CURRENCY);
	put32(&b, 2);
	put64(&b, 10000);
	put64(&b, (uint64_t)-10000);
	pv = roundtrip(ctx, FORM_TYPED, &b);
	assert_true(pv->value.mv_currency.values[1] == -10000);

	memset(&b, 0, sizeof(b));
	put16(&b, PTYP_MULTIPLE_FLOATINGTIME);
	put32(&b, 1);
	put64(&b, 0x4015000000000000ULL);	/* 5.25 */
	pv = roundtrip(ctx, FORM_TYPED, &b);
	assert_true(pv->value.mv_floating_time.values[0] == 5.25);

	memset(&b, 0, sizeof(b));
	put16(&b, PTYP_MULTIPLE_INTEGER64);
	put32(&b, 1);
	put64(&b, 0x0102030405060708ULL);
	pv = roundtrip(ctx, FORM_TYPED, &b);
	assert_true(pv->value.mv_i64.values[0] == 0x0102030405060708ULL);

	memset(&b, 0, sizeof(b));
	put16(&b, PTYP_MULTIPLE_TIME);
	put32(&b, 2);
	put64(&b, 0);
	put64(&b, UINT64_MAX);
	pv = roundtrip(ctx, FORM_TYPED, &b);
	assert_true(pv->value.mv_time.values[1] == UINT64_MAX);

	memset(&b, 0, sizeof(b));
	put16(&b, PTYP_MULTIPLE_GUID);
	put32(&b, 2);
	put_raw(&b, "AAAAAAAAAAAAAAAA", 16);
	put_raw(&b, "BBBBBBBBBBBBBBBB", 16);
	pv = roundtrip(ctx, FORM_TYPED, &b);
	assert_int_equal(pv->value.mv_guid.values[1].bytes[15], 'B');

	memset(&b, 0, sizeof(b));
	put16(&b, PTYP_MULTIPLE_STRING8);
	put32(&b, 3);
	put_raw(&b, "one", 4);
	put8(&b, 0);
	put_raw(&b, "three", 6);
	pv = roundtrip(ctx, FORM_TYPED, &b);
	assert_string_equal(pv->value.mv_string8.values[0], "one");
	assert_string_equal(pv->value.mv_string8.values[1], "");
	assert_string_equal(pv->value.mv_string8.values[2], "three");

	memset(&b, 0, sizeof(b));
	put32(&b, TAG(0x8001, PTYP_MULTIPLE_STRING));
	put32(&b, 2);
	put_utf16_ascii(&b, "Keywords");
	put_utf16_ascii(&b, "");
	pv = roundtrip(ctx, FORM_TAGGED, &b);
	assert_string_equal(pv->value.mv_string.values[0], "Keywords");
	assert_string_equal(pv->value.mv_string.values[1], "");

	memset(&b, 0, sizeof(b));
	put16(&b, PTYP_MULTIPLE_BINARY);
	put32(&b, 2);
	put16(&b, 2);
	put_raw(&b, "\xAA\xBB", 2);
	put16(&b, 0);
	pv = roundtrip(ctx, FORM_TYPED, &b);
	assert_int_equal(pv->value.mv_binary.values[0].len, 2);
	assert_int_equal(pv->value.mv_binary.values[1].len, 0);

	talloc_free(ctx);
}

static void test_flagged_forms(void **state)
{
	TALLOC_CTX *ctx = talloc_new(NULL);
	struct mapi_flagged_propval fv;
	struct oxcdata_pull pull;
	struct oxcdata_push push;
	struct bytes b;
	size_t cut;

	/* FlaggedPropertyValue, Flag 0x0: a value of the context's type. */
	memset(&b, 0, sizeof(b));
	put8(&b, 0x0);
	put32(&b, 42);
	oxcdata_pull_init(&pull, b.buf, b.len);
	assert_int_equal(oxcdata_propval_pull_flagged(&pull, ctx, TAG(0x0E08, PTYP_INTEGER32), &fv), WIRE_OK);
	assert_int_equal(fv.flag, MAPI_PROPVAL_PRESENT);
	assert_int_equal(fv.pv.value.i32, 42);
	oxcdata_push_init(&push, ctx);
	assert_int_equal(oxcdata_propval_push_flagged(&push, &fv), WIRE_OK);
	assert_int_equal(push.len, b.len);
	assert_memory_equal(push.data, b.buf, b.len);

	/* Flag 0x1: no value at all. */
	memset(&b, 0, sizeof(b));
	put8(&b, 0x1);
	oxcdata_pull_init(&pull, b.buf, b.len);
	assert_int_equal(oxcdata_propval_pull_flagged(&pull, ctx, TAG(0x0037, PTYP_STRING), &fv), WIRE_OK);
	assert_int_equal(fv.flag, MAPI_PROPVAL_ABSENT);
	assert_int_equal(oxcdata_pull_left(&pull), 0);
	oxcdata_push_init(&push, ctx);
	assert_int_equal(oxcdata_propval_push_flagged(&push, &fv), WIRE_OK);
	assert_int_equal(push.len, 1);

	/* Flag 0xA: a PtypErrorCode whatever the type (here PtypString). */
	memset(&b, 0, sizeof(b));
	put8(&b, 0xA);
	put32(&b, 0x8004010F);	/* NotFound */
	oxcdata_pull_init(&pull, b.buf, b.len);
	assert_int_equal(oxcdata_propval_pull_flagged(&pull, ctx, TAG(0x0037, PTYP_STRING), &fv), WIRE_OK);
	assert_int_equal(fv.flag, MAPI_PROPVAL_ERROR);
	assert_int_equal(fv.pv.value.error_code, 0x8004010F);
	oxcdata_push_init(&push, ctx);
	assert_int_equal(oxcdata_propval_push_flagged(&push, &fv), WIRE_OK);
	assert_memory_equal(push.data, b.buf, b.len);
	for (cut = 0; cut < b.len; cut++) {
		oxcdata_pull_init(&pull, b.buf, cut);
		assert_int_equal(oxcdata_propval_pull_flagged(&pull, ctx, TAG(0x0037, PTYP_STRING), &fv),
				 WIRE_ERR_TRUNCATED);
	}

	/* Any other flag is refused. */
	memset(&b, 0, sizeof(b));
	put8(&b, 0x2);
	oxcdata_pull_init(&pull, b.buf, b.len);
	assert_int_equal(oxcdata_propval_pull_flagged(&pull, ctx, TAG(1, PTYP_INTEGER32), &fv), WIRE_ERR_BAD_FLAGS);

	/* FlaggedPropertyValueWithType: PropertyType, Flag, value. */
	memset(&b, 0, sizeof(b));
	put16(&b, PTYP_STRING);
	put8(&b, 0x0);
	put_utf16_ascii(&b, "Subject");
	oxcdata_pull_init(&pull, b.buf, b.len);
	assert_int_equal(oxcdata_propval_pull_flagged_typed(&pull, ctx, 0x0037, &fv), WIRE_OK);
	assert_int_equal(fv.pv.tag, 0x0037001F);
	assert_string_equal(fv.pv.value.string, "Subject");
	oxcdata_push_init(&push, ctx);
	assert_int_equal(oxcdata_propval_push_flagged_typed(&push, &fv), WIRE_OK);
	assert_int_equal(push.len, b.len);
	assert_memory_equal(push.data, b.buf, b.len);
	for (cut = 0; cut < b.len; cut++) {
		oxcdata_pull_init(&pull, b.buf, cut);
		assert_int_not_equal(oxcdata_propval_pull_flagged_typed(&pull, ctx, 0x0037, &fv), WIRE_OK);
	}
	talloc_free(ctx);
}

static void test_typed_string(void **state)
{
	TALLOC_CTX *ctx = talloc_new(NULL);
	struct mapi_typed_string ts;
	struct oxcdata_pull pull;
	struct oxcdata_push push;
	struct bytes b;
	uint8_t t;

	for (t = 0; t <= 4; t++) {
		memset(&b, 0, sizeof(b));
		put8(&b, t);
		if (t == 2 || t == 3) {
			put_raw(&b, "abc", 4);
		} else if (t == 4) {
			put_utf16_ascii(&b, "abc");
		}
		oxcdata_pull_init(&pull, b.buf, b.len);
		assert_int_equal(oxcdata_typed_string_pull(&pull, ctx, &ts), WIRE_OK);
		assert_int_equal(oxcdata_pull_left(&pull), 0);
		if (t >= 2) {
			assert_string_equal(ts.str, "abc");
		} else {
			assert_null(ts.str);
		}
		oxcdata_push_init(&push, ctx);
		assert_int_equal(oxcdata_typed_string_push(&push, &ts), WIRE_OK);
		assert_int_equal(push.len, b.len);
		assert_memory_equal(push.data, b.buf, b.len);
	}
	memset(&b, 0, sizeof(b));
	put8(&b, 5);
	oxcdata_pull_init(&pull, b.buf, b.len);
	assert_int_equal(oxcdata_typed_string_pull(&pull, ctx, &ts), WIRE_ERR_BAD_VALUE);
	talloc_free(ctx);
}

/* A huge count must fail on the length check, before any allocation. */
static void test_counts_checked_before_allocation(void **state)
{
	static const uint16_t mv_types[] = {
		PTYP_MULTIPLE_INTEGER16, PTYP_MULTIPLE_INTEGER32, PTYP_MULTIPLE_FLOATING32,
		PTYP_MULTIPLE_FLOATING64, PTYP_MULTIPLE_CURRENCY, PTYP_MULTIPLE_FLOATINGTIME,
		PTYP_MULTIPLE_INTEGER64, PTYP_MULTIPLE_STRING8, PTYP_MULTIPLE_STRING,
		PTYP_MULTIPLE_TIME, PTYP_MULTIPLE_GUID, PTYP_MULTIPLE_BINARY,
	};
	size_t i;

	for (i = 0; i < sizeof(mv_types) / sizeof(mv_types[0]); i++) {
		TALLOC_CTX *ctx = talloc_new(NULL);
		struct mapi_propval pv;
		struct oxcdata_pull pull;
		struct bytes b;

		memset(&b, 0, sizeof(b));
		put16(&b, mv_types[i]);
		put32(&b, 0xFFFFFFFF);
		put_raw(&b, "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0", 16);
		oxcdata_pull_init(&pull, b.buf, b.len);
		assert_int_equal(oxcdata_propval_pull_typed(&pull, ctx, &pv), WIRE_ERR_TRUNCATED);
		assert_int_equal(talloc_total_blocks(ctx), 1);
		talloc_free(ctx);
	}
	/* The same for the action blocks of a PtypRuleAction. */
	{
		TALLOC_CTX *ctx = talloc_new(NULL);
		struct mapi_propval pv;
		struct oxcdata_pull pull;
		struct bytes b;

		memset(&b, 0, sizeof(b));
		put16(&b, PTYP_RULEACTION);
		put16(&b, 0xFFFF);
		put16(&b, 9);
		oxcdata_pull_init(&pull, b.buf, b.len);
		assert_int_equal(oxcdata_propval_pull_typed(&pull, ctx, &pv), WIRE_ERR_TRUNCATED);
		assert_int_equal(talloc_total_blocks(ctx), 1);
		talloc_free(ctx);
	}
}

static void test_malformed_values(void **state)
{
	TALLOC_CTX *ctx = talloc_new(NULL);
	struct mapi_propval pv;
	struct oxcdata_pull pull;
	struct oxcdata_push push;
	struct bytes b;

	/* Empty input given as NULL: strings and fixed values alike are truncated. */
	oxcdata_pull_init(&pull, NULL, 0);
	assert_int_equal(oxcdata_propval_pull_value(&pull, ctx, PTYP_STRING8, &pv.value), WIRE_ERR_TRUNCATED);
	assert_int_equal(oxcdata_propval_pull_value(&pull, ctx, PTYP_STRING, &pv.value), WIRE_ERR_TRUNCATED);
	assert_int_equal(oxcdata_propval_pull_value(&pull, ctx, PTYP_INTEGER32, &pv.value), WIRE_ERR_TRUNCATED);
	assert_int_equal(oxcdata_propval_pull_value(&pull, ctx, PTYP_NULL, &pv.value), WIRE_OK);

	/* A boolean other than 0 or 1. */
	memset(&b, 0, sizeof(b));
	put16(&b, PTYP_BOOLEAN);
	put8(&b, 2);
	oxcdata_pull_init(&pull, b.buf, b.len);
	assert_int_equal(oxcdata_propval_pull_typed(&pull, ctx, &pv), WIRE_ERR_BAD_VALUE);

	/* Unpaired surrogates: high alone, high at the end, low alone. */
	memset(&b, 0, sizeof(b));
	put16(&b, PTYP_STRING);
	put16(&b, 0xD800);
	put16(&b, 'a');
	put16(&b, 0);
	oxcdata_pull_init(&pull, b.buf, b.len);
	assert_int_equal(oxcdata_propval_pull_typed(&pull, ctx, &pv), WIRE_ERR_BAD_STRING);
	memset(&b, 0, sizeof(b));
	put16(&b, PTYP_STRING);
	put16(&b, 0xDBFF);
	put16(&b, 0);
	oxcdata_pull_init(&pull, b.buf, b.len);
	assert_int_equal(oxcdata_propval_pull_typed(&pull, ctx, &pv), WIRE_ERR_BAD_STRING);
	memset(&b, 0, sizeof(b));
	put16(&b, PTYP_STRING);
	put16(&b, 0xDC00);
	put16(&b, 0);
	oxcdata_pull_init(&pull, b.buf, b.len);
	assert_int_equal(oxcdata_propval_pull_typed(&pull, ctx, &pv), WIRE_ERR_BAD_STRING);

	/* An odd byte before the end is no terminator. */
	memset(&b, 0, sizeof(b));
	put16(&b, PTYP_STRING);
	put8(&b, 'a');
	put8(&b, 0);
	put8(&b, 0);
	oxcdata_pull_init(&pull, b.buf, b.len);
	assert_int_equal(oxcdata_propval_pull_typed(&pull, ctx, &pv), WIRE_ERR_TRUNCATED);

	/* Types 2.11.1 does not define, PtypUnspecified, and MV flags on odd types. */
	memset(&b, 0, sizeof(b));
	put16(&b, 0x0008);
	oxcdata_pull_init(&pull, b.buf, b.len);
	assert_int_equal(oxcdata_propval_pull_typed(&pull, ctx, &pv), WIRE_ERR_BAD_TYPE);
	memset(&b, 0, sizeof(b));
	put16(&b, PTYP_UNSPECIFIED);
	oxcdata_pull_init(&pull, b.buf, b.len);
	assert_int_equal(oxcdata_propval_pull_typed(&pull, ctx, &pv), WIRE_ERR_BAD_TYPE);
	memset(&b, 0, sizeof(b));
	put16(&b, 0x100B);	/* no PtypMultipleBoolean */
	put32(&b, 0);
	oxcdata_pull_init(&pull, b.buf, b.len);
	assert_int_equal(oxcdata_propval_pull_typed(&pull, ctx, &pv), WIRE_ERR_BAD_TYPE);

	/* Push refuses malformed UTF-8, oversize binaries and odd booleans. */
	oxcdata_push_init(&push, ctx);
	pv.tag = TAG(1, PTYP_STRING);
	pv.value.string = (char *)"\xC0\x80";	/* overlong NUL */
	assert_int_equal(oxcdata_propval_push_tagged(&push, &pv), WIRE_ERR_BAD_STRING);
	pv.value.string = (char *)"\xED\xA0\x80";	/* encoded surrogate */
	assert_int_equal(oxcdata_propval_push_tagged(&push, &pv), WIRE_ERR_BAD_STRING);
	pv.value.string = (char *)"\xE2\x82";	/* cut short */
	assert_int_equal(oxcdata_propval_push_tagged(&push, &pv), WIRE_ERR_BAD_STRING);
	pv.tag = TAG(1, PTYP_BINARY);
	pv.value.binary.len = 0x10000;
	pv.value.binary.data = talloc_zero_size(ctx, 0x10000);
	assert_int_equal(oxcdata_propval_push_tagged(&push, &pv), WIRE_ERR_TOO_LARGE);
	pv.tag = TAG(1, PTYP_BOOLEAN);
	pv.value.boolean = 2;
	assert_int_equal(oxcdata_propval_push_tagged(&push, &pv), WIRE_ERR_INVALID_ARG);
	pv.tag = TAG(1, PTYP_UNSPECIFIED);
	assert_int_equal(oxcdata_propval_push_tagged(&push, &pv), WIRE_ERR_BAD_TYPE);
	/* 4 bytes of the tag before each refusal of the value itself; no string remnants. */
	assert_int_equal(push.len % 4, 0);
	talloc_free(ctx);
}

/* Boundary sizes: a binary of exactly 0xFFFF bytes round-trips. */
static void test_binary_boundary(void **state)
{
	TALLOC_CTX *ctx = talloc_new(NULL);
	struct mapi_propval pv, back;
	struct oxcdata_pull pull;
	struct oxcdata_push push;

	pv.tag = TAG(1, PTYP_BINARY);
	pv.value.binary.len = 0xFFFF;
	pv.value.binary.data = talloc_zero_size(ctx, 0xFFFF);
	pv.value.binary.data[0xFFFE] = 0x5A;
	oxcdata_push_init(&push, ctx);
	assert_int_equal(oxcdata_propval_push_tagged(&push, &pv), WIRE_OK);
	assert_int_equal(push.len, 4 + 2 + 0xFFFF);
	oxcdata_pull_init(&pull, push.data, push.len);
	assert_int_equal(oxcdata_propval_pull_tagged(&pull, ctx, &back), WIRE_OK);
	assert_int_equal(back.value.binary.len, 0xFFFF);
	assert_int_equal(back.value.binary.data[0xFFFE], 0x5A);
	talloc_free(ctx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fixed_size_types),
		cmocka_unit_test(test_variable_types),
		cmocka_unit_test(test_multiple_types),
		cmocka_unit_test(test_flagged_forms),
		cmocka_unit_test(test_typed_string),
		cmocka_unit_test(test_counts_checked_before_allocation),
		cmocka_unit_test(test_malformed_values),
		cmocka_unit_test(test_binary_boundary),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
