/*
 * MS-OXCDATA restrictions (2.12) in ROP buffers (see oxcdata_restriction.h).
 *
 * Pulling recurses once per nesting level; the depth on the cursor bounds
 * it. Every node is allocated under the root, so freeing the root on an
 * error frees everything pulled so far.
 *
 * Copyright (C) OpenChange developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>
#include "libmapi/oxcdata_restriction.h"

#define TRY(expr) do { enum wire_error try_err_ = (expr); if (try_err_ != WIRE_OK) return try_err_; } while (0)

/* Every restriction is at least its RestrictType byte. */
#define RESTRICTION_MIN_SIZE 1
/* Smallest TaggedPropertyValue: a tag and an empty (PtypNull) value. */
#define TAGGED_VALUE_MIN_SIZE 4

static bool relop_is_valid(uint8_t relop)
{
	return relop <= MAPI_RELOP_RE || relop == MAPI_RELOP_MEMBER_OF_DL;
}

static enum wire_error pull_node(struct oxcdata_pull *pull, TALLOC_CTX *owner,
				 struct mapi_restriction *r);

/* A sub-restriction allocated under owner. */
static enum wire_error pull_sub(struct oxcdata_pull *pull, TALLOC_CTX *owner,
				struct mapi_restriction **out)
{
	*out = talloc_zero(owner, struct mapi_restriction);
	if (*out == NULL) {
		return WIRE_ERR_NO_MEMORY;
	}
	return pull_node(pull, owner, *out);
}

static enum wire_error pull_node(struct oxcdata_pull *pull, TALLOC_CTX *owner,
				 struct mapi_restriction *r)
{
	enum wire_error err;
	uint8_t present;
	uint16_t i;

	if (pull->depth >= OXCDATA_MAX_DEPTH) {
		return WIRE_ERR_TOO_DEEP;
	}
	TRY(oxcdata_pull_u8(pull, &r->type));
	pull->depth++;
	switch (r->type) {
	case MAPI_RES_AND:	/* 2.12.1 */
	case MAPI_RES_OR:	/* 2.12.2: RestrictCount is a 2-byte COUNT in ROP buffers */
		err = oxcdata_pull_u16(pull, &r->u.and_or.count);
		if (err == WIRE_OK) {
			err = oxcdata_pull_check_count(pull, r->u.and_or.count, RESTRICTION_MIN_SIZE);
		}
		if (err == WIRE_OK && r->u.and_or.count > 0) {
			r->u.and_or.items = talloc_zero_array(owner, struct mapi_restriction,
							      r->u.and_or.count);
			if (r->u.and_or.items == NULL) {
				err = WIRE_ERR_NO_MEMORY;
			}
		}
		for (i = 0; err == WIRE_OK && i < r->u.and_or.count; i++) {
			err = pull_node(pull, owner, &r->u.and_or.items[i]);
		}
		break;
	case MAPI_RES_NOT:	/* 2.12.3 */
		err = pull_sub(pull, owner, &r->u.not_.sub);
		break;
	case MAPI_RES_CONTENT:	/* 2.12.4 */
		err = oxcdata_pull_u16(pull, &r->u.content.fuzzy_low);
		if (err == WIRE_OK) {
			err = oxcdata_pull_u16(pull, &r->u.content.fuzzy_high);
		}
		if (err == WIRE_OK) {
			err = oxcdata_pull_u32(pull, &r->u.content.tag);
		}
		if (err == WIRE_OK) {
			err = oxcdata_propval_pull_tagged(pull, owner, &r->u.content.value);
		}
		break;
	case MAPI_RES_PROPERTY:	/* 2.12.5 */
		err = oxcdata_pull_u8(pull, &r->u.property.relop);
		if (err == WIRE_OK && !relop_is_valid(r->u.property.relop)) {
			err = WIRE_ERR_BAD_VALUE;
		}
		if (err == WIRE_OK) {
			err = oxcdata_pull_u32(pull, &r->u.property.tag);
		}
		if (err == WIRE_OK) {
			err = oxcdata_propval_pull_tagged(pull, owner, &r->u.property.value);
		}
		break;
	case MAPI_RES_COMPAREPROPS:	/* 2.12.6 */
		err = oxcdata_pull_u8(pull, &r->u.compare.relop);
		if (err == WIRE_OK && !relop_is_valid(r->u.compare.relop)) {
			err = WIRE_ERR_BAD_VALUE;
		}
		if (err == WIRE_OK) {
			err = oxcdata_pull_u32(pull, &r->u.compare.tag1);
		}
		if (err == WIRE_OK) {
			err = oxcdata_pull_u32(pull, &r->u.compare.tag2);
		}
		break;
	case MAPI_RES_BITMASK:	/* 2.12.7 */
		err = oxcdata_pull_u8(pull, &r->u.bitmask.relop);
		if (err == WIRE_OK && r->u.bitmask.relop > MAPI_BMR_NEZ) {
			err = WIRE_ERR_BAD_VALUE;
		}
		if (err == WIRE_OK) {
			err = oxcdata_pull_u32(pull, &r->u.bitmask.tag);
		}
		if (err == WIRE_OK) {
			err = oxcdata_pull_u32(pull, &r->u.bitmask.mask);
		}
		break;
	case MAPI_RES_SIZE:	/* 2.12.8 */
		err = oxcdata_pull_u8(pull, &r->u.size.relop);
		if (err == WIRE_OK && !relop_is_valid(r->u.size.relop)) {
			err = WIRE_ERR_BAD_VALUE;
		}
		if (err == WIRE_OK) {
			err = oxcdata_pull_u32(pull, &r->u.size.tag);
		}
		if (err == WIRE_OK) {
			err = oxcdata_pull_u32(pull, &r->u.size.size);
		}
		break;
	case MAPI_RES_EXIST:	/* 2.12.9 */
		err = oxcdata_pull_u32(pull, &r->u.exist.tag);
		break;
	case MAPI_RES_SUBOBJECT:	/* 2.12.10 */
		err = oxcdata_pull_u32(pull, &r->u.subobject.subobject);
		if (err == WIRE_OK) {
			err = pull_sub(pull, owner, &r->u.subobject.sub);
		}
		break;
	case MAPI_RES_COMMENT:	/* 2.12.11 */
		err = oxcdata_pull_u8(pull, &r->u.comment.count);
		if (err == WIRE_OK) {
			err = oxcdata_pull_check_count(pull, r->u.comment.count, TAGGED_VALUE_MIN_SIZE);
		}
		if (err == WIRE_OK && r->u.comment.count > 0) {
			r->u.comment.values = talloc_zero_array(owner, struct mapi_propval,
								r->u.comment.count);
			if (r->u.comment.values == NULL) {
				err = WIRE_ERR_NO_MEMORY;
			}
		}
		for (i = 0; err == WIRE_OK && i < r->u.comment.count; i++) {
			/* 2.12.11: the TaggedValues "MUST NOT include any multivalue properties". */
			err = oxcdata_propval_pull_tagged(pull, owner, &r->u.comment.values[i]);
			if (err == WIRE_OK &&
			    (MAPI_PROP_TYPE(r->u.comment.values[i].tag) & PTYP_MV_FLAG)) {
				err = WIRE_ERR_BAD_TYPE;
			}
		}
		if (err == WIRE_OK) {
			err = oxcdata_pull_u8(pull, &present);
		}
		/* RestrictionPresent is a boolean: 0x00 or 0x01, nothing else. */
		if (err == WIRE_OK && present > 1) {
			err = WIRE_ERR_BAD_VALUE;
		}
		if (err == WIRE_OK && present == 1) {
			err = pull_sub(pull, owner, &r->u.comment.sub);
		}
		break;
	case MAPI_RES_COUNT:	/* 2.12.12 */
		err = oxcdata_pull_u32(pull, &r->u.count.count);
		if (err == WIRE_OK) {
			err = pull_sub(pull, owner, &r->u.count.sub);
		}
		break;
	default:
		err = WIRE_ERR_BAD_VALUE;
		break;
	}
	pull->depth--;
	return err;
}

/* Restriction (2.12). */
enum wire_error oxcdata_restriction_pull(struct oxcdata_pull *pull, TALLOC_CTX *mem_ctx,
					 struct mapi_restriction **out)
{
	struct mapi_restriction *root;
	enum wire_error err;

	*out = NULL;
	/*
	 * Nested calls (a PtypRestriction inside a restriction) hang their tree
	 * under the outer root, which frees it on error; the depth still counts.
	 */
	root = talloc_zero(mem_ctx, struct mapi_restriction);
	if (root == NULL) {
		return WIRE_ERR_NO_MEMORY;
	}
	err = pull_node(pull, root, root);
	if (err != WIRE_OK) {
		talloc_free(root);
		return err;
	}
	*out = root;
	return WIRE_OK;
}

static enum wire_error push_node(struct oxcdata_push *push, const struct mapi_restriction *r);

static enum wire_error push_sub(struct oxcdata_push *push, const struct mapi_restriction *r)
{
	return r != NULL ? push_node(push, r) : WIRE_ERR_INVALID_ARG;
}

static enum wire_error push_fields(struct oxcdata_push *push, const struct mapi_restriction *r)
{
	uint16_t i;

	TRY(oxcdata_push_u8(push, r->type));
	switch (r->type) {
	case MAPI_RES_AND:
	case MAPI_RES_OR:
		if (r->u.and_or.count > 0 && r->u.and_or.items == NULL) {
			return WIRE_ERR_INVALID_ARG;
		}
		TRY(oxcdata_push_u16(push, r->u.and_or.count));
		for (i = 0; i < r->u.and_or.count; i++) {
			TRY(push_node(push, &r->u.and_or.items[i]));
		}
		return WIRE_OK;
	case MAPI_RES_NOT:
		return push_sub(push, r->u.not_.sub);
	case MAPI_RES_CONTENT:
		TRY(oxcdata_push_u16(push, r->u.content.fuzzy_low));
		TRY(oxcdata_push_u16(push, r->u.content.fuzzy_high));
		TRY(oxcdata_push_u32(push, r->u.content.tag));
		return oxcdata_propval_push_tagged(push, &r->u.content.value);
	case MAPI_RES_PROPERTY:
		if (!relop_is_valid(r->u.property.relop)) {
			return WIRE_ERR_INVALID_ARG;
		}
		TRY(oxcdata_push_u8(push, r->u.property.relop));
		TRY(oxcdata_push_u32(push, r->u.property.tag));
		return oxcdata_propval_push_tagged(push, &r->u.property.value);
	case MAPI_RES_COMPAREPROPS:
		if (!relop_is_valid(r->u.compare.relop)) {
			return WIRE_ERR_INVALID_ARG;
		}
		TRY(oxcdata_push_u8(push, r->u.compare.relop));
		TRY(oxcdata_push_u32(push, r->u.compare.tag1));
		return oxcdata_push_u32(push, r->u.compare.tag2);
	case MAPI_RES_BITMASK:
		if (r->u.bitmask.relop > MAPI_BMR_NEZ) {
			return WIRE_ERR_INVALID_ARG;
		}
		TRY(oxcdata_push_u8(push, r->u.bitmask.relop));
		TRY(oxcdata_push_u32(push, r->u.bitmask.tag));
		return oxcdata_push_u32(push, r->u.bitmask.mask);
	case MAPI_RES_SIZE:
		if (!relop_is_valid(r->u.size.relop)) {
			return WIRE_ERR_INVALID_ARG;
		}
		TRY(oxcdata_push_u8(push, r->u.size.relop));
		TRY(oxcdata_push_u32(push, r->u.size.tag));
		return oxcdata_push_u32(push, r->u.size.size);
	case MAPI_RES_EXIST:
		return oxcdata_push_u32(push, r->u.exist.tag);
	case MAPI_RES_SUBOBJECT:
		TRY(oxcdata_push_u32(push, r->u.subobject.subobject));
		return push_sub(push, r->u.subobject.sub);
	case MAPI_RES_COMMENT:
		if (r->u.comment.count > 0 && r->u.comment.values == NULL) {
			return WIRE_ERR_INVALID_ARG;
		}
		TRY(oxcdata_push_u8(push, r->u.comment.count));
		for (i = 0; i < r->u.comment.count; i++) {
			if (MAPI_PROP_TYPE(r->u.comment.values[i].tag) & PTYP_MV_FLAG) {
				return WIRE_ERR_BAD_TYPE;
			}
			TRY(oxcdata_propval_push_tagged(push, &r->u.comment.values[i]));
		}
		TRY(oxcdata_push_u8(push, r->u.comment.sub != NULL ? 1 : 0));
		return r->u.comment.sub != NULL ? push_node(push, r->u.comment.sub) : WIRE_OK;
	case MAPI_RES_COUNT:
		TRY(oxcdata_push_u32(push, r->u.count.count));
		return push_sub(push, r->u.count.sub);
	default:
		return WIRE_ERR_INVALID_ARG;
	}
}

static enum wire_error push_node(struct oxcdata_push *push, const struct mapi_restriction *r)
{
	enum wire_error err;

	/* The same limit as pull: a caller's tree may be deep or even cyclic. */
	if (push->depth >= OXCDATA_MAX_DEPTH) {
		return WIRE_ERR_TOO_DEEP;
	}
	push->depth++;
	err = push_fields(push, r);
	push->depth--;
	return err;
}

enum wire_error oxcdata_restriction_push(struct oxcdata_push *push, const struct mapi_restriction *res)
{
	return push_sub(push, res);
}
