/*
 * Unit tests of libmapi/oxcdata_restriction.c: every restriction type of
 * MS-OXCDATA 2.12 built byte by byte from the spec's field tables, nested in
 * one tree, pulled, checked, pushed back to the same bytes and truncated at
 * every offset; hostile counts and nesting bombs.
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

#include "libmapi/oxcdata_restriction.h"

#define PR_SUBJECT 0x0037001F
#define PR_MESSAGE_FLAGS 0x0E070003
#define PR_MESSAGE_SIZE 0x0E080003
#define PR_MESSAGE_RECIPIENTS 0x0E12000D
#define PR_DISPLAY_TO 0x0E04001F
#define PR_IMPORTANCE 0x00170003

/* Pull all of b, push it back identical, and fail cleanly on every prefix. */
static struct mapi_restriction *roundtrip(TALLOC_CTX *ctx, const struct bytes *b)
{
	struct mapi_restriction *res;
	struct oxcdata_pull pull;
	struct oxcdata_push push;
	size_t cut;

	oxcdata_pull_init(&pull, b->buf, b->len);
	assert_int_equal(oxcdata_restriction_pull(&pull, ctx, &res), WIRE_OK);
	assert_int_equal(oxcdata_pull_left(&pull), 0);
	assert_int_equal(pull.depth, 0);

	oxcdata_push_init(&push, ctx);
	assert_int_equal(oxcdata_restriction_push(&push, res), WIRE_OK);
	assert_int_equal(push.len, b->len);
	assert_memory_equal(push.data, b->buf, b->len);
	assert_int_equal(push.depth, 0);
	talloc_free(push.data);

	for (cut = 0; cut < b->len; cut++) {
		TALLOC_CTX *tmp = talloc_new(ctx);
		struct mapi_restriction *other = (struct mapi_restriction *)1;

		oxcdata_pull_init(&pull, b->buf, cut);
		assert_int_equal(oxcdata_restriction_pull(&pull, tmp, &other), WIRE_ERR_TRUNCATED);
		assert_null(other);
		assert_int_equal(talloc_total_blocks(tmp), 1);
		talloc_free(tmp);
	}
	return res;
}

/* Each leaf type on its own, field by field. */
static void test_leaf_restrictions(void **state)
{
	TALLOC_CTX *ctx = talloc_new(NULL);
	struct mapi_restriction *r;
	struct bytes b;

	/* 2.12.4 Content: FuzzyLevelLow, FuzzyLevelHigh, PropertyTag, TaggedValue. */
	memset(&b, 0, sizeof(b));
	put8(&b, 0x03);
	put16(&b, MAPI_FL_SUBSTRING);
	put16(&b, MAPI_FL_IGNORECASE);
	put32(&b, PR_SUBJECT);
	put32(&b, PR_SUBJECT);
	put_utf16_ascii(&b, "hello");
	r = roundtrip(ctx, &b);
	assert_int_equal(r->type, MAPI_RES_CONTENT);
	assert_int_equal(r->u.content.fuzzy_low, 1);
	assert_int_equal(r->u.content.fuzzy_high, 1);
	assert_int_equal(r->u.content.tag, PR_SUBJECT);
	assert_string_equal(r->u.content.value.value.string, "hello");

	/* 2.12.5 Property: RelOp, PropTag, TaggedValue. */
	memset(&b, 0, sizeof(b));
	put8(&b, 0x04);
	put8(&b, MAPI_RELOP_GE);
	put32(&b, PR_IMPORTANCE);
	put32(&b, PR_IMPORTANCE);
	put32(&b, 2);
	r = roundtrip(ctx, &b);
	assert_int_equal(r->u.property.relop, MAPI_RELOP_GE);
	assert_int_equal(r->u.property.value.value.i32, 2);

	/* 2.12.6 CompareProperties: RelOp, PropTag1, PropTag2. */
	memset(&b, 0, sizeof(b));
	put8(&b, 0x05);
	put8(&b, MAPI_RELOP_NE);
	put32(&b, PR_MESSAGE_FLAGS);
	put32(&b, PR_MESSAGE_SIZE);
	r = roundtrip(ctx, &b);
	assert_int_equal(r->u.compare.tag2, PR_MESSAGE_SIZE);

	/* 2.12.7 Bitmask: BitmapRelOp, PropTag, Mask. */
	memset(&b, 0, sizeof(b));
	put8(&b, 0x06);
	put8(&b, MAPI_BMR_NEZ);
	put32(&b, PR_MESSAGE_FLAGS);
	put32(&b, 0x00000001);
	r = roundtrip(ctx, &b);
	assert_int_equal(r->u.bitmask.mask, 1);

	/* 2.12.8 Size: RelOp, PropTag, Size. */
	memset(&b, 0, sizeof(b));
	put8(&b, 0x07);
	put8(&b, MAPI_RELOP_LT);
	put32(&b, PR_SUBJECT);
	put32(&b, 100);
	r = roundtrip(ctx, &b);
	assert_int_equal(r->u.size.size, 100);

	/* 2.12.9 Exist: PropTag. */
	memset(&b, 0, sizeof(b));
	put8(&b, 0x08);
	put32(&b, PR_DISPLAY_TO);
	r = roundtrip(ctx, &b);
	assert_int_equal(r->u.exist.tag, PR_DISPLAY_TO);

	/* 2.12.11 Comment without a restriction: RestrictionPresent 0. */
	memset(&b, 0, sizeof(b));
	put8(&b, 0x0A);
	put8(&b, 1);
	put32(&b, 0x80010003);
	put32(&b, 7);
	put8(&b, 0);
	r = roundtrip(ctx, &b);
	assert_int_equal(r->u.comment.count, 1);
	assert_null(r->u.comment.sub);

	/* An empty And and an empty Or. */
	memset(&b, 0, sizeof(b));
	put8(&b, 0x00);
	put16(&b, 0);
	r = roundtrip(ctx, &b);
	assert_int_equal(r->u.and_or.count, 0);
	memset(&b, 0, sizeof(b));
	put8(&b, 0x01);
	put16(&b, 0);
	roundtrip(ctx, &b);
	talloc_free(ctx);
}

/* One tree holding every type, including a restriction inside a PtypRestriction value. */
static void test_nested_tree(void **state)
{
	TALLOC_CTX *ctx = talloc_new(NULL);
	struct mapi_restriction *r, *inner;
	struct bytes b;

	memset(&b, 0, sizeof(b));
	put8(&b, 0x00);		/* And */
	put16(&b, 4);
	/* 1: Or of Exist and Not(Bitmask) */
	put8(&b, 0x01);
	put16(&b, 2);
	put8(&b, 0x08);
	put32(&b, PR_SUBJECT);
	put8(&b, 0x02);
	put8(&b, 0x06);
	put8(&b, MAPI_BMR_EQZ);
	put32(&b, PR_MESSAGE_FLAGS);
	put32(&b, 0x1);
	/* 2: SubObject(recipients, Content on PR_DISPLAY_TO) */
	put8(&b, 0x09);
	put32(&b, PR_MESSAGE_RECIPIENTS);
	put8(&b, 0x03);
	put16(&b, MAPI_FL_PREFIX);
	put16(&b, MAPI_FL_LOOSE);
	put32(&b, PR_DISPLAY_TO);
	put32(&b, PR_DISPLAY_TO);
	put_utf16_ascii(&b, "Bob");
	/* 3: Count(5, Size) */
	put8(&b, 0x0B);
	put32(&b, 5);
	put8(&b, 0x07);
	put8(&b, MAPI_RELOP_LE);
	put32(&b, PR_MESSAGE_SIZE);
	put32(&b, 4096);
	/* 4: Comment(2 values, one a PtypRestriction holding CompareProperties; then Property) */
	put8(&b, 0x0A);
	put8(&b, 2);
	put32(&b, 0x667900FD);	/* PidTagRuleCondition, PtypRestriction */
	put8(&b, 0x05);
	put8(&b, MAPI_RELOP_EQ);
	put32(&b, PR_MESSAGE_FLAGS);
	put32(&b, PR_MESSAGE_SIZE);
	put32(&b, 0x0001001E);
	put8(&b, 'x');
	put8(&b, 0);
	put8(&b, 1);
	put8(&b, 0x04);
	put8(&b, MAPI_RELOP_MEMBER_OF_DL);
	put32(&b, 0x0C190102);
	put32(&b, 0x0C190102);
	put16(&b, 2);
	put8(&b, 0xAB);
	put8(&b, 0xCD);

	r = roundtrip(ctx, &b);
	assert_int_equal(r->type, MAPI_RES_AND);
	assert_int_equal(r->u.and_or.count, 4);
	assert_int_equal(r->u.and_or.items[0].type, MAPI_RES_OR);
	assert_int_equal(r->u.and_or.items[0].u.and_or.items[1].type, MAPI_RES_NOT);
	assert_int_equal(r->u.and_or.items[0].u.and_or.items[1].u.not_.sub->type, MAPI_RES_BITMASK);
	assert_int_equal(r->u.and_or.items[1].u.subobject.subobject, PR_MESSAGE_RECIPIENTS);
	assert_string_equal(r->u.and_or.items[1].u.subobject.sub->u.content.value.value.string, "Bob");
	assert_int_equal(r->u.and_or.items[2].u.count.count, 5);
	assert_int_equal(r->u.and_or.items[2].u.count.sub->u.size.size, 4096);
	inner = r->u.and_or.items[3].u.comment.values[0].value.restriction;
	assert_int_equal(inner->type, MAPI_RES_COMPAREPROPS);
	assert_string_equal(r->u.and_or.items[3].u.comment.values[1].value.string8, "x");
	assert_int_equal(r->u.and_or.items[3].u.comment.sub->u.property.relop, MAPI_RELOP_MEMBER_OF_DL);
	assert_int_equal(r->u.and_or.items[3].u.comment.sub->u.property.value.value.binary.len, 2);

	/* One talloc tree: freeing the root frees it all (valgrind checks the rest). */
	talloc_free(r);
	talloc_free(ctx);
}

/* Nesting: exactly the limit passes, one more fails, on pull and push. */
static void build_not_chain(struct bytes *b, unsigned levels)
{
	unsigned i;

	memset(b, 0, sizeof(*b));
	for (i = 1; i < levels; i++) {
		put8(b, 0x02);
	}
	put8(b, 0x08);
	put32(b, PR_SUBJECT);
}

static void test_depth_limit(void **state)
{
	TALLOC_CTX *ctx = talloc_new(NULL);
	struct mapi_restriction *r, *deeper;
	struct oxcdata_pull pull;
	struct oxcdata_push push;
	struct bytes b;
	uint8_t bomb[100000];

	build_not_chain(&b, OXCDATA_MAX_DEPTH);
	oxcdata_pull_init(&pull, b.buf, b.len);
	assert_int_equal(oxcdata_restriction_pull(&pull, ctx, &r), WIRE_OK);

	build_not_chain(&b, OXCDATA_MAX_DEPTH + 1);
	oxcdata_pull_init(&pull, b.buf, b.len);
	assert_int_equal(oxcdata_restriction_pull(&pull, ctx, &deeper), WIRE_ERR_TOO_DEEP);
	assert_null(deeper);

	/* A push of a tree one level too deep fails the same way. */
	deeper = talloc_zero(ctx, struct mapi_restriction);
	deeper->type = MAPI_RES_NOT;
	deeper->u.not_.sub = r;
	oxcdata_push_init(&push, ctx);
	assert_int_equal(oxcdata_restriction_push(&push, deeper), WIRE_ERR_TOO_DEEP);

	/* A cyclic tree built by mistake is stopped by the same limit. */
	deeper->u.not_.sub = deeper;
	oxcdata_push_init(&push, ctx);
	assert_int_equal(oxcdata_restriction_push(&push, deeper), WIRE_ERR_TOO_DEEP);

	/* A bomb of 100,000 Nots: rejected without touching the stack limit. */
	memset(bomb, 0x02, sizeof(bomb));
	oxcdata_pull_init(&pull, bomb, sizeof(bomb));
	assert_int_equal(oxcdata_restriction_pull(&pull, ctx, &r), WIRE_ERR_TOO_DEEP);

	/* Depth through PtypRestriction values counts too: Property(tag PtypRestriction) chains. */
	{
		struct bytes chain;
		unsigned i;

		memset(&chain, 0, sizeof(chain));
		for (i = 0; i < OXCDATA_MAX_DEPTH; i++) {
			put8(&chain, 0x04);
			put8(&chain, MAPI_RELOP_EQ);
			put32(&chain, 0x667900FD);
			put32(&chain, 0x667900FD);
		}
		put8(&chain, 0x08);
		put32(&chain, PR_SUBJECT);
		oxcdata_pull_init(&pull, chain.buf, chain.len);
		assert_int_equal(oxcdata_restriction_pull(&pull, ctx, &r), WIRE_ERR_TOO_DEEP);
	}
	talloc_free(ctx);
}

static void test_hostile_fields(void **state)
{
	TALLOC_CTX *ctx = talloc_new(NULL);
	struct mapi_restriction *r;
	struct oxcdata_pull pull;
	struct bytes b;

	/* And with a count of 65535 and two bytes behind it: refused before allocating. */
	{
		TALLOC_CTX *tmp = talloc_new(ctx);

		memset(&b, 0, sizeof(b));
		put8(&b, 0x00);
		put16(&b, 0xFFFF);
		put8(&b, 0x08);
		oxcdata_pull_init(&pull, b.buf, b.len);
		assert_int_equal(oxcdata_restriction_pull(&pull, tmp, &r), WIRE_ERR_TRUNCATED);
		assert_int_equal(talloc_total_blocks(tmp), 1);
		talloc_free(tmp);
	}
	/* Comment with 255 values and little behind it. */
	memset(&b, 0, sizeof(b));
	put8(&b, 0x0A);
	put8(&b, 0xFF);
	put32(&b, PR_SUBJECT);
	oxcdata_pull_init(&pull, b.buf, b.len);
	assert_int_equal(oxcdata_restriction_pull(&pull, ctx, &r), WIRE_ERR_TRUNCATED);

	/* Undefined RestrictType, RelOp, BitmapRelOp and RestrictionPresent values. */
	memset(&b, 0, sizeof(b));
	put8(&b, 0x0C);
	oxcdata_pull_init(&pull, b.buf, b.len);
	assert_int_equal(oxcdata_restriction_pull(&pull, ctx, &r), WIRE_ERR_BAD_VALUE);
	memset(&b, 0, sizeof(b));
	put8(&b, 0x04);
	put8(&b, 0x07);
	put32(&b, PR_IMPORTANCE);
	put32(&b, PR_IMPORTANCE);
	put32(&b, 1);
	oxcdata_pull_init(&pull, b.buf, b.len);
	assert_int_equal(oxcdata_restriction_pull(&pull, ctx, &r), WIRE_ERR_BAD_VALUE);
	memset(&b, 0, sizeof(b));
	put8(&b, 0x06);
	put8(&b, 0x02);
	put32(&b, PR_MESSAGE_FLAGS);
	put32(&b, 1);
	oxcdata_pull_init(&pull, b.buf, b.len);
	assert_int_equal(oxcdata_restriction_pull(&pull, ctx, &r), WIRE_ERR_BAD_VALUE);
	memset(&b, 0, sizeof(b));
	put8(&b, 0x0A);
	put8(&b, 0);
	put8(&b, 2);
	oxcdata_pull_init(&pull, b.buf, b.len);
	assert_int_equal(oxcdata_restriction_pull(&pull, ctx, &r), WIRE_ERR_BAD_VALUE);

	/* A Comment with a multi-valued TaggedValue (2.12.11 forbids them). */
	memset(&b, 0, sizeof(b));
	put8(&b, 0x0A);
	put8(&b, 1);
	put32(&b, 0x80011003);
	put32(&b, 0);
	put8(&b, 0);
	oxcdata_pull_init(&pull, b.buf, b.len);
	assert_int_equal(oxcdata_restriction_pull(&pull, ctx, &r), WIRE_ERR_BAD_TYPE);

	/* An empty input, given as NULL. */
	oxcdata_pull_init(&pull, NULL, 0);
	assert_int_equal(oxcdata_restriction_pull(&pull, ctx, &r), WIRE_ERR_TRUNCATED);

	/* A Property restriction whose value has an undefined type. */
	memset(&b, 0, sizeof(b));
	put8(&b, 0x04);
	put8(&b, MAPI_RELOP_EQ);
	put32(&b, 0x00010009);
	put32(&b, 0x00010009);
	oxcdata_pull_init(&pull, b.buf, b.len);
	assert_int_equal(oxcdata_restriction_pull(&pull, ctx, &r), WIRE_ERR_BAD_TYPE);

	/* Push refuses what pull would refuse. */
	{
		struct mapi_restriction bad;
		struct oxcdata_push push;

		memset(&bad, 0, sizeof(bad));
		oxcdata_push_init(&push, ctx);
		bad.type = 0x0C;
		assert_int_equal(oxcdata_restriction_push(&push, &bad), WIRE_ERR_INVALID_ARG);
		bad.type = MAPI_RES_NOT;
		assert_int_equal(oxcdata_restriction_push(&push, &bad), WIRE_ERR_INVALID_ARG);
		bad.type = MAPI_RES_SIZE;
		bad.u.size.relop = 0x10;
		assert_int_equal(oxcdata_restriction_push(&push, &bad), WIRE_ERR_INVALID_ARG);
		bad.type = MAPI_RES_AND;
		bad.u.and_or.count = 1;
		bad.u.and_or.items = NULL;
		assert_int_equal(oxcdata_restriction_push(&push, &bad), WIRE_ERR_INVALID_ARG);
		assert_int_equal(oxcdata_restriction_push(&push, NULL), WIRE_ERR_INVALID_ARG);
	}
	talloc_free(ctx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_leaf_restrictions),
		cmocka_unit_test(test_nested_tree),
		cmocka_unit_test(test_depth_limit),
		cmocka_unit_test(test_hostile_fields),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
