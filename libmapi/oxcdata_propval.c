/*
 * MS-OXCDATA property values in ROP buffers (see oxcdata_propval.h).
 *
 * Copyright (C) OpenChange developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>
#include "libmapi/oxcdata_propval.h"
#include "libmapi/oxcdata_restriction.h"
#include "libmapi/wire_le.h"

#define TRY(expr) do { enum wire_error try_err_ = (expr); if (try_err_ != WIRE_OK) return try_err_; } while (0)

/* 2.11.1.1: in ROP buffers PtypBinary byte counts are 16 bits wide. */
#define ROP_BINARY_MAX 0xFFFF

bool oxcdata_ptyp_is_valid(uint16_t type)
{
	switch (type) {
	case PTYP_NULL: case PTYP_INTEGER16: case PTYP_INTEGER32: case PTYP_FLOATING32:
	case PTYP_FLOATING64: case PTYP_CURRENCY: case PTYP_FLOATINGTIME: case PTYP_ERRORCODE:
	case PTYP_BOOLEAN: case PTYP_OBJECT: case PTYP_INTEGER64: case PTYP_STRING8:
	case PTYP_STRING: case PTYP_TIME: case PTYP_GUID: case PTYP_SERVERID:
	case PTYP_RESTRICTION: case PTYP_RULEACTION: case PTYP_BINARY:
	case PTYP_MULTIPLE_INTEGER16: case PTYP_MULTIPLE_INTEGER32: case PTYP_MULTIPLE_FLOATING32:
	case PTYP_MULTIPLE_FLOATING64: case PTYP_MULTIPLE_CURRENCY: case PTYP_MULTIPLE_FLOATINGTIME:
	case PTYP_MULTIPLE_INTEGER64: case PTYP_MULTIPLE_STRING8: case PTYP_MULTIPLE_STRING:
	case PTYP_MULTIPLE_TIME: case PTYP_MULTIPLE_GUID: case PTYP_MULTIPLE_BINARY:
		return true;
	}
	return false;
}

/* Floats travel as their IEEE bits; memcpy keeps every bit, NaN payloads included. */
static enum wire_error pull_f32(struct oxcdata_pull *pull, float *v)
{
	uint32_t bits;

	TRY(oxcdata_pull_u32(pull, &bits));
	memcpy(v, &bits, sizeof(*v));
	return WIRE_OK;
}

static enum wire_error pull_f64(struct oxcdata_pull *pull, double *v)
{
	uint64_t bits;

	TRY(oxcdata_pull_u64(pull, &bits));
	memcpy(v, &bits, sizeof(*v));
	return WIRE_OK;
}

static enum wire_error push_f32(struct oxcdata_push *push, float v)
{
	uint32_t bits;

	memcpy(&bits, &v, sizeof(bits));
	return oxcdata_push_u32(push, bits);
}

static enum wire_error push_f64(struct oxcdata_push *push, double v)
{
	uint64_t bits;

	memcpy(&bits, &v, sizeof(bits));
	return oxcdata_push_u64(push, bits);
}

/* PtypBinary / PtypServerId in ROP buffers: 2-byte COUNT then bytes (2.11.1, 2.11.1.1). */
static enum wire_error pull_binary(struct oxcdata_pull *pull, TALLOC_CTX *mem_ctx,
				   struct mapi_binary *out)
{
	uint16_t len;

	TRY(oxcdata_pull_u16(pull, &len));
	out->len = len;
	return oxcdata_pull_copy(pull, mem_ctx, len, &out->data);
}

static enum wire_error push_binary(struct oxcdata_push *push, const struct mapi_binary *bin)
{
	if (bin->len > ROP_BINARY_MAX) {
		return WIRE_ERR_TOO_LARGE;
	}
	if (bin->len > 0 && bin->data == NULL) {
		return WIRE_ERR_INVALID_ARG;
	}
	TRY(oxcdata_push_u16(push, (uint16_t)bin->len));
	return oxcdata_push_bytes(push, bin->data, bin->len);
}

/*
 * PtypRuleAction (2.11.1): a 16-bit count of MS-OXORULE 2.2.5 ActionBlocks.
 * Each block's ActionLength (2 bytes in ROP buffers) covers ActionType (1),
 * ActionFlavor (4), ActionFlags (4) and ActionData, so it is at least 9.
 */
#define ACTION_BLOCK_FIXED 9

static enum wire_error pull_rule_actions(struct oxcdata_pull *pull, TALLOC_CTX *mem_ctx,
					 struct mapi_rule_actions **out)
{
	struct mapi_rule_actions *ra;
	enum wire_error err = WIRE_OK;
	uint16_t count, i;

	TRY(oxcdata_pull_u16(pull, &count));
	TRY(oxcdata_pull_check_count(pull, count, 2 + ACTION_BLOCK_FIXED));
	ra = talloc_zero(mem_ctx, struct mapi_rule_actions);
	if (ra == NULL) {
		return WIRE_ERR_NO_MEMORY;
	}
	ra->count = count;
	if (count > 0) {
		ra->blocks = talloc_zero_array(ra, struct mapi_action_block, count);
		if (ra->blocks == NULL) {
			talloc_free(ra);
			return WIRE_ERR_NO_MEMORY;
		}
	}
	for (i = 0; i < count && err == WIRE_OK; i++) {
		struct mapi_action_block *b = &ra->blocks[i];
		uint16_t length;

		err = oxcdata_pull_u16(pull, &length);
		if (err == WIRE_OK && length < ACTION_BLOCK_FIXED) {
			err = WIRE_ERR_BAD_SIZE;
		}
		if (err == WIRE_OK && length > oxcdata_pull_left(pull)) {
			err = WIRE_ERR_TRUNCATED;
		}
		if (err == WIRE_OK) {
			err = oxcdata_pull_u8(pull, &b->type);
		}
		if (err == WIRE_OK) {
			err = oxcdata_pull_u32(pull, &b->flavor);
		}
		if (err == WIRE_OK) {
			err = oxcdata_pull_u32(pull, &b->flags);
		}
		if (err == WIRE_OK) {
			b->data.len = length - ACTION_BLOCK_FIXED;
			err = oxcdata_pull_copy(pull, ra, b->data.len, &b->data.data);
		}
	}
	if (err != WIRE_OK) {
		talloc_free(ra);
		return err;
	}
	*out = ra;
	return WIRE_OK;
}

static enum wire_error push_rule_actions(struct oxcdata_push *push, const struct mapi_rule_actions *ra)
{
	uint16_t i;

	if (ra == NULL || (ra->count > 0 && ra->blocks == NULL)) {
		return WIRE_ERR_INVALID_ARG;
	}
	TRY(oxcdata_push_u16(push, ra->count));
	for (i = 0; i < ra->count; i++) {
		const struct mapi_action_block *b = &ra->blocks[i];

		if (b->data.len > ROP_BINARY_MAX - ACTION_BLOCK_FIXED) {
			return WIRE_ERR_TOO_LARGE;
		}
		if (b->data.len > 0 && b->data.data == NULL) {
			return WIRE_ERR_INVALID_ARG;
		}
		TRY(oxcdata_push_u16(push, (uint16_t)(b->data.len + ACTION_BLOCK_FIXED)));
		TRY(oxcdata_push_u8(push, b->type));
		TRY(oxcdata_push_u32(push, b->flavor));
		TRY(oxcdata_push_u32(push, b->flags));
		TRY(oxcdata_push_bytes(push, b->data.data, b->data.len));
	}
	return WIRE_OK;
}

/* Smallest wire size of one element of a multi-valued type, for the count check. */
static size_t mv_min_size(uint16_t type)
{
	switch (type) {
	case PTYP_MULTIPLE_INTEGER16:
		return 2;
	case PTYP_MULTIPLE_INTEGER32:
	case PTYP_MULTIPLE_FLOATING32:
		return 4;
	case PTYP_MULTIPLE_GUID:
		return 16;
	case PTYP_MULTIPLE_STRING8:
		return 1;	/* the terminator */
	case PTYP_MULTIPLE_STRING:
	case PTYP_MULTIPLE_BINARY:
		return 2;	/* the terminator; the count */
	default:
		return 8;
	}
}

/*
 * PtypMultiple* (2.11.1): a 32-bit COUNT in ROP buffers (2.11.1.1), then
 * that many values of the single type. The count is checked against the
 * bytes left before the array is allocated.
 */
static enum wire_error pull_multiple(struct oxcdata_pull *pull, TALLOC_CTX *mem_ctx,
				     uint16_t type, union mapi_propval_value *value)
{
	uint32_t count, i;
	enum wire_error err = WIRE_OK;
	void *array = NULL;

	TRY(oxcdata_pull_u32(pull, &count));
	TRY(oxcdata_pull_check_count(pull, count, mv_min_size(type)));

#define MV_ALLOC(field, ctype)							\
	do {									\
		value->field.count = count;					\
		value->field.values = NULL;					\
		if (count > 0) {						\
			array = value->field.values =				\
				talloc_zero_array(mem_ctx, ctype, count);	\
			if (array == NULL) {					\
				return WIRE_ERR_NO_MEMORY;			\
			}							\
		}								\
	} while (0)

	switch (type) {
	case PTYP_MULTIPLE_INTEGER16:
		MV_ALLOC(mv_i16, uint16_t);
		for (i = 0; i < count && err == WIRE_OK; i++) {
			err = oxcdata_pull_u16(pull, &value->mv_i16.values[i]);
		}
		break;
	case PTYP_MULTIPLE_INTEGER32:
		MV_ALLOC(mv_i32, uint32_t);
		for (i = 0; i < count && err == WIRE_OK; i++) {
			err = oxcdata_pull_u32(pull, &value->mv_i32.values[i]);
		}
		break;
	case PTYP_MULTIPLE_FLOATING32:
		MV_ALLOC(mv_f32, float);
		for (i = 0; i < count && err == WIRE_OK; i++) {
			err = pull_f32(pull, &value->mv_f32.values[i]);
		}
		break;
	case PTYP_MULTIPLE_FLOATING64:
		MV_ALLOC(mv_f64, double);
		for (i = 0; i < count && err == WIRE_OK; i++) {
			err = pull_f64(pull, &value->mv_f64.values[i]);
		}
		break;
	case PTYP_MULTIPLE_FLOATINGTIME:
		MV_ALLOC(mv_floating_time, double);
		for (i = 0; i < count && err == WIRE_OK; i++) {
			err = pull_f64(pull, &value->mv_floating_time.values[i]);
		}
		break;
	case PTYP_MULTIPLE_CURRENCY:
		MV_ALLOC(mv_currency, int64_t);
		for (i = 0; i < count && err == WIRE_OK; i++) {
			uint64_t v;

			err = oxcdata_pull_u64(pull, &v);
			value->mv_currency.values[i] = (int64_t)v;
		}
		break;
	case PTYP_MULTIPLE_INTEGER64:
		MV_ALLOC(mv_i64, uint64_t);
		for (i = 0; i < count && err == WIRE_OK; i++) {
			err = oxcdata_pull_u64(pull, &value->mv_i64.values[i]);
		}
		break;
	case PTYP_MULTIPLE_TIME:
		MV_ALLOC(mv_time, uint64_t);
		for (i = 0; i < count && err == WIRE_OK; i++) {
			err = oxcdata_pull_u64(pull, &value->mv_time.values[i]);
		}
		break;
	case PTYP_MULTIPLE_GUID:
		MV_ALLOC(mv_guid, struct mapi_guid);
		for (i = 0; i < count && err == WIRE_OK; i++) {
			const uint8_t *p;

			err = oxcdata_pull_bytes(pull, 16, &p);
			if (err == WIRE_OK) {
				memcpy(value->mv_guid.values[i].bytes, p, 16);
			}
		}
		break;
	case PTYP_MULTIPLE_STRING8:
		MV_ALLOC(mv_string8, char *);
		for (i = 0; i < count && err == WIRE_OK; i++) {
			err = oxcdata_pull_string8(pull, array, &value->mv_string8.values[i]);
		}
		break;
	case PTYP_MULTIPLE_STRING:
		MV_ALLOC(mv_string, char *);
		for (i = 0; i < count && err == WIRE_OK; i++) {
			err = oxcdata_pull_utf16(pull, array, &value->mv_string.values[i]);
		}
		break;
	case PTYP_MULTIPLE_BINARY:
		MV_ALLOC(mv_binary, struct mapi_binary);
		for (i = 0; i < count && err == WIRE_OK; i++) {
			err = pull_binary(pull, array, &value->mv_binary.values[i]);
		}
		break;
	default:
		return WIRE_ERR_BAD_TYPE;
	}
#undef MV_ALLOC
	if (err != WIRE_OK) {
		talloc_free(array);
		memset(value, 0, sizeof(*value));
	}
	return err;
}

static enum wire_error push_multiple(struct oxcdata_push *push, uint16_t type,
				     const union mapi_propval_value *value)
{
	/* Every mv_* member starts with the same count field and values pointer. */
	uint32_t count = value->mv_i32.count, i;

	if (count > 0 && value->mv_i32.values == NULL) {
		return WIRE_ERR_INVALID_ARG;
	}
	TRY(oxcdata_push_u32(push, count));
	for (i = 0; i < count; i++) {
		switch (type) {
		case PTYP_MULTIPLE_INTEGER16:
			TRY(oxcdata_push_u16(push, value->mv_i16.values[i]));
			break;
		case PTYP_MULTIPLE_INTEGER32:
			TRY(oxcdata_push_u32(push, value->mv_i32.values[i]));
			break;
		case PTYP_MULTIPLE_FLOATING32:
			TRY(push_f32(push, value->mv_f32.values[i]));
			break;
		case PTYP_MULTIPLE_FLOATING64:
			TRY(push_f64(push, value->mv_f64.values[i]));
			break;
		case PTYP_MULTIPLE_FLOATINGTIME:
			TRY(push_f64(push, value->mv_floating_time.values[i]));
			break;
		case PTYP_MULTIPLE_CURRENCY:
			TRY(oxcdata_push_u64(push, (uint64_t)value->mv_currency.values[i]));
			break;
		case PTYP_MULTIPLE_INTEGER64:
			TRY(oxcdata_push_u64(push, value->mv_i64.values[i]));
			break;
		case PTYP_MULTIPLE_TIME:
			TRY(oxcdata_push_u64(push, value->mv_time.values[i]));
			break;
		case PTYP_MULTIPLE_GUID:
			TRY(oxcdata_push_bytes(push, value->mv_guid.values[i].bytes, 16));
			break;
		case PTYP_MULTIPLE_STRING8:
			TRY(oxcdata_push_string8(push, value->mv_string8.values[i]));
			break;
		case PTYP_MULTIPLE_STRING:
			TRY(oxcdata_push_utf16(push, value->mv_string.values[i]));
			break;
		case PTYP_MULTIPLE_BINARY:
			TRY(push_binary(push, &value->mv_binary.values[i]));
			break;
		default:
			return WIRE_ERR_BAD_TYPE;
		}
	}
	return WIRE_OK;
}

/* PropertyValue (2.11.2.1), its format given by the data type table of 2.11.1. */
enum wire_error oxcdata_propval_pull_value(struct oxcdata_pull *pull, TALLOC_CTX *mem_ctx,
					   uint16_t type, union mapi_propval_value *value)
{
	const uint8_t *p;
	uint64_t u64;

	memset(value, 0, sizeof(*value));
	switch (type) {
	case PTYP_NULL:
	case PTYP_OBJECT:
		return WIRE_OK;
	case PTYP_INTEGER16:
		return oxcdata_pull_u16(pull, &value->i16);
	case PTYP_INTEGER32:
		return oxcdata_pull_u32(pull, &value->i32);
	case PTYP_ERRORCODE:
		return oxcdata_pull_u32(pull, &value->error_code);
	case PTYP_FLOATING32:
		return pull_f32(pull, &value->f32);
	case PTYP_FLOATING64:
		return pull_f64(pull, &value->f64);
	case PTYP_FLOATINGTIME:
		return pull_f64(pull, &value->floating_time);
	case PTYP_CURRENCY:
		TRY(oxcdata_pull_u64(pull, &u64));
		value->currency = (int64_t)u64;
		return WIRE_OK;
	case PTYP_INTEGER64:
		return oxcdata_pull_u64(pull, &value->i64);
	case PTYP_TIME:
		return oxcdata_pull_u64(pull, &value->time);
	case PTYP_BOOLEAN:
		TRY(oxcdata_pull_u8(pull, &value->boolean));
		/* "1 byte; restricted to 1 or 0" (2.11.1). */
		return value->boolean <= 1 ? WIRE_OK : WIRE_ERR_BAD_VALUE;
	case PTYP_STRING8:
		return oxcdata_pull_string8(pull, mem_ctx, &value->string8);
	case PTYP_STRING:
		return oxcdata_pull_utf16(pull, mem_ctx, &value->string);
	case PTYP_GUID:
		TRY(oxcdata_pull_bytes(pull, 16, &p));
		value->guid = talloc(mem_ctx, struct mapi_guid);
		if (value->guid == NULL) {
			return WIRE_ERR_NO_MEMORY;
		}
		memcpy(value->guid->bytes, p, 16);
		return WIRE_OK;
	case PTYP_SERVERID:
		return pull_binary(pull, mem_ctx, &value->server_id);
	case PTYP_BINARY:
		return pull_binary(pull, mem_ctx, &value->binary);
	case PTYP_RESTRICTION:
		return oxcdata_restriction_pull(pull, mem_ctx, &value->restriction);
	case PTYP_RULEACTION:
		return pull_rule_actions(pull, mem_ctx, &value->rule_actions);
	default:
		if (type & PTYP_MV_FLAG) {
			return pull_multiple(pull, mem_ctx, type, value);
		}
		return WIRE_ERR_BAD_TYPE;
	}
}

enum wire_error oxcdata_propval_push_value(struct oxcdata_push *push, uint16_t type,
					   const union mapi_propval_value *value)
{
	if (value == NULL) {
		return WIRE_ERR_INVALID_ARG;
	}
	switch (type) {
	case PTYP_NULL:
	case PTYP_OBJECT:
		return WIRE_OK;
	case PTYP_INTEGER16:
		return oxcdata_push_u16(push, value->i16);
	case PTYP_INTEGER32:
		return oxcdata_push_u32(push, value->i32);
	case PTYP_ERRORCODE:
		return oxcdata_push_u32(push, value->error_code);
	case PTYP_FLOATING32:
		return push_f32(push, value->f32);
	case PTYP_FLOATING64:
		return push_f64(push, value->f64);
	case PTYP_FLOATINGTIME:
		return push_f64(push, value->floating_time);
	case PTYP_CURRENCY:
		return oxcdata_push_u64(push, (uint64_t)value->currency);
	case PTYP_INTEGER64:
		return oxcdata_push_u64(push, value->i64);
	case PTYP_TIME:
		return oxcdata_push_u64(push, value->time);
	case PTYP_BOOLEAN:
		return value->boolean <= 1 ? oxcdata_push_u8(push, value->boolean) : WIRE_ERR_INVALID_ARG;
	case PTYP_STRING8:
		return oxcdata_push_string8(push, value->string8);
	case PTYP_STRING:
		return oxcdata_push_utf16(push, value->string);
	case PTYP_GUID:
		if (value->guid == NULL) {
			return WIRE_ERR_INVALID_ARG;
		}
		return oxcdata_push_bytes(push, value->guid->bytes, 16);
	case PTYP_SERVERID:
		return push_binary(push, &value->server_id);
	case PTYP_BINARY:
		return push_binary(push, &value->binary);
	case PTYP_RESTRICTION:
		return oxcdata_restriction_push(push, value->restriction);
	case PTYP_RULEACTION:
		return push_rule_actions(push, value->rule_actions);
	default:
		if (oxcdata_ptyp_is_valid(type) && (type & PTYP_MV_FLAG)) {
			return push_multiple(push, type, value);
		}
		return WIRE_ERR_BAD_TYPE;
	}
}

/* TypedPropertyValue (2.11.3): PropertyType (2 bytes), PropertyValue. */
enum wire_error oxcdata_propval_pull_typed(struct oxcdata_pull *pull, TALLOC_CTX *mem_ctx,
					   struct mapi_propval *out)
{
	uint16_t type;

	TRY(oxcdata_pull_u16(pull, &type));
	out->tag = type;
	return oxcdata_propval_pull_value(pull, mem_ctx, type, &out->value);
}

enum wire_error oxcdata_propval_push_typed(struct oxcdata_push *push, const struct mapi_propval *pv)
{
	if (pv == NULL) {
		return WIRE_ERR_INVALID_ARG;
	}
	if (!oxcdata_ptyp_is_valid(MAPI_PROP_TYPE(pv->tag))) {
		return WIRE_ERR_BAD_TYPE;
	}
	TRY(oxcdata_push_u16(push, MAPI_PROP_TYPE(pv->tag)));
	return oxcdata_propval_push_value(push, MAPI_PROP_TYPE(pv->tag), &pv->value);
}

/* TaggedPropertyValue (2.11.4): PropertyTag (PropertyType, PropertyId), PropertyValue. */
enum wire_error oxcdata_propval_pull_tagged(struct oxcdata_pull *pull, TALLOC_CTX *mem_ctx,
					    struct mapi_propval *out)
{
	TRY(oxcdata_pull_u32(pull, &out->tag));
	return oxcdata_propval_pull_value(pull, mem_ctx, MAPI_PROP_TYPE(out->tag), &out->value);
}

enum wire_error oxcdata_propval_push_tagged(struct oxcdata_push *push, const struct mapi_propval *pv)
{
	if (pv == NULL) {
		return WIRE_ERR_INVALID_ARG;
	}
	if (!oxcdata_ptyp_is_valid(MAPI_PROP_TYPE(pv->tag))) {
		return WIRE_ERR_BAD_TYPE;
	}
	TRY(oxcdata_push_u32(push, pv->tag));
	return oxcdata_propval_push_value(push, MAPI_PROP_TYPE(pv->tag), &pv->value);
}

/* Flag then, depending on it, a value of type, an error code, or nothing. */
static enum wire_error pull_flag_and_value(struct oxcdata_pull *pull, TALLOC_CTX *mem_ctx,
					   uint16_t type, struct mapi_flagged_propval *out)
{
	TRY(oxcdata_pull_u8(pull, &out->flag));
	memset(&out->pv.value, 0, sizeof(out->pv.value));
	switch (out->flag) {
	case MAPI_PROPVAL_PRESENT:
		return oxcdata_propval_pull_value(pull, mem_ctx, type, &out->pv.value);
	case MAPI_PROPVAL_ABSENT:
		return WIRE_OK;
	case MAPI_PROPVAL_ERROR:
		return oxcdata_pull_u32(pull, &out->pv.value.error_code);
	default:
		return WIRE_ERR_BAD_FLAGS;
	}
}

static enum wire_error push_flag_and_value(struct oxcdata_push *push, uint16_t type,
					   const struct mapi_flagged_propval *fv)
{
	switch (fv->flag) {
	case MAPI_PROPVAL_PRESENT:
		TRY(oxcdata_push_u8(push, fv->flag));
		return oxcdata_propval_push_value(push, type, &fv->pv.value);
	case MAPI_PROPVAL_ABSENT:
		return oxcdata_push_u8(push, fv->flag);
	case MAPI_PROPVAL_ERROR:
		TRY(oxcdata_push_u8(push, fv->flag));
		return oxcdata_push_u32(push, fv->pv.value.error_code);
	default:
		return WIRE_ERR_INVALID_ARG;
	}
}

/* FlaggedPropertyValue (2.11.5): Flag (1 byte), PropertyValue unless Flag is 0x1. */
enum wire_error oxcdata_propval_pull_flagged(struct oxcdata_pull *pull, TALLOC_CTX *mem_ctx,
					     uint32_t tag, struct mapi_flagged_propval *out)
{
	out->pv.tag = tag;
	return pull_flag_and_value(pull, mem_ctx, MAPI_PROP_TYPE(tag), out);
}

enum wire_error oxcdata_propval_push_flagged(struct oxcdata_push *push,
					     const struct mapi_flagged_propval *fv)
{
	if (fv == NULL) {
		return WIRE_ERR_INVALID_ARG;
	}
	return push_flag_and_value(push, MAPI_PROP_TYPE(fv->pv.tag), fv);
}

/* FlaggedPropertyValueWithType (2.11.6): PropertyType (2 bytes), Flag, PropertyValue. */
enum wire_error oxcdata_propval_pull_flagged_typed(struct oxcdata_pull *pull, TALLOC_CTX *mem_ctx,
						   uint16_t prop_id, struct mapi_flagged_propval *out)
{
	uint16_t type;

	TRY(oxcdata_pull_u16(pull, &type));
	out->pv.tag = MAPI_PROP_TAG(prop_id, type);
	/* The type is written even for absent values, so it must be a real one. */
	if (!oxcdata_ptyp_is_valid(type)) {
		return WIRE_ERR_BAD_TYPE;
	}
	return pull_flag_and_value(pull, mem_ctx, type, out);
}

enum wire_error oxcdata_propval_push_flagged_typed(struct oxcdata_push *push,
						   const struct mapi_flagged_propval *fv)
{
	if (fv == NULL) {
		return WIRE_ERR_INVALID_ARG;
	}
	if (!oxcdata_ptyp_is_valid(MAPI_PROP_TYPE(fv->pv.tag))) {
		return WIRE_ERR_BAD_TYPE;
	}
	TRY(oxcdata_push_u16(push, MAPI_PROP_TYPE(fv->pv.tag)));
	return push_flag_and_value(push, MAPI_PROP_TYPE(fv->pv.tag), fv);
}

/*
 * TypedString (2.11.7): StringType (1 byte), then nothing (0x00 none, 0x01
 * empty), a NUL-terminated 8-bit string (0x02), a reduced-Unicode string
 * (0x03: the low bytes of UTF-16 characters whose high byte is zero, kept
 * as 8-bit bytes) or a NUL-terminated UTF-16LE string (0x04).
 */
enum wire_error oxcdata_typed_string_pull(struct oxcdata_pull *pull, TALLOC_CTX *mem_ctx,
					  struct mapi_typed_string *out)
{
	out->str = NULL;
	TRY(oxcdata_pull_u8(pull, &out->type));
	switch (out->type) {
	case MAPI_TSTRING_NONE:
	case MAPI_TSTRING_EMPTY:
		return WIRE_OK;
	case MAPI_TSTRING_STRING8:
	case MAPI_TSTRING_REDUCED_UNICODE:
		return oxcdata_pull_string8(pull, mem_ctx, &out->str);
	case MAPI_TSTRING_UNICODE:
		return oxcdata_pull_utf16(pull, mem_ctx, &out->str);
	default:
		return WIRE_ERR_BAD_VALUE;
	}
}

enum wire_error oxcdata_typed_string_push(struct oxcdata_push *push,
					  const struct mapi_typed_string *ts)
{
	if (ts == NULL) {
		return WIRE_ERR_INVALID_ARG;
	}
	switch (ts->type) {
	case MAPI_TSTRING_NONE:
	case MAPI_TSTRING_EMPTY:
		return oxcdata_push_u8(push, ts->type);
	case MAPI_TSTRING_STRING8:
	case MAPI_TSTRING_REDUCED_UNICODE:
		TRY(oxcdata_push_u8(push, ts->type));
		return oxcdata_push_string8(push, ts->str);
	case MAPI_TSTRING_UNICODE:
		TRY(oxcdata_push_u8(push, ts->type));
		return oxcdata_push_utf16(push, ts->str);
	default:
		return WIRE_ERR_INVALID_ARG;
	}
}

/* 2.11.1.4: Ours (1 byte) == 0x01, folder ID (8), message ID (8), Instance (4). */
#define SERVER_ID_OURS_SIZE 21

enum wire_error oxcdata_server_id_parse(const struct mapi_binary *raw, struct mapi_server_id *out)
{
	if (raw == NULL || raw->len != SERVER_ID_OURS_SIZE || raw->data[0] != 0x01) {
		return WIRE_ERR_BAD_VALUE;
	}
	out->folder_id = (uint64_t)wire_load_le32(raw->data + 1) |
			 ((uint64_t)wire_load_le32(raw->data + 5) << 32);
	out->message_id = (uint64_t)wire_load_le32(raw->data + 9) |
			  ((uint64_t)wire_load_le32(raw->data + 13) << 32);
	out->instance = wire_load_le32(raw->data + 17);
	return WIRE_OK;
}

enum wire_error oxcdata_server_id_build(TALLOC_CTX *mem_ctx, const struct mapi_server_id *id,
					struct mapi_binary *out)
{
	uint8_t *b = talloc_array(mem_ctx, uint8_t, SERVER_ID_OURS_SIZE);

	if (b == NULL) {
		return WIRE_ERR_NO_MEMORY;
	}
	b[0] = 0x01;
	wire_store_le32(b + 1, (uint32_t)id->folder_id);
	wire_store_le32(b + 5, (uint32_t)(id->folder_id >> 32));
	wire_store_le32(b + 9, (uint32_t)id->message_id);
	wire_store_le32(b + 13, (uint32_t)(id->message_id >> 32));
	wire_store_le32(b + 17, id->instance);
	out->len = SERVER_ID_OURS_SIZE;
	out->data = b;
	return WIRE_OK;
}
