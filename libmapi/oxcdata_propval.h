/*
 * MS-OXCDATA property values in the ROP-buffer encoding: the data types of
 * 2.11.1 and the PropertyValue, TypedPropertyValue, TaggedPropertyValue,
 * FlaggedPropertyValue, FlaggedPropertyValueWithType and TypedString
 * structures of 2.11.2 to 2.11.7.
 *
 * Representation choices:
 * - PtypString is UTF-8 in C (NUL-terminated). Pull rejects unpaired
 *   surrogates and push rejects malformed UTF-8, both WIRE_ERR_BAD_STRING,
 *   so every value that decodes re-encodes to the same bytes.
 * - PtypString8 is kept as the 8-bit bytes received; the code page is the
 *   session's (2.11.1.2), not ours to convert.
 * - PtypBoolean is one byte that must be 0 or 1 (2.11.1); anything else is
 *   WIRE_ERR_BAD_VALUE.
 * - Floating values keep their exact bits (NaNs included).
 * - PtypServerId is kept as its counted bytes (2-byte COUNT, 2.11.1.4);
 *   oxcdata_server_id_parse() interprets the Ours == 0x01 form.
 * - PtypRuleAction is a 2-byte count of MS-OXORULE 2.2.5 action blocks, each
 *   kept as ActionType, ActionFlavor, ActionFlags and opaque ActionData.
 *   TODO: decode the ActionData of each action type (MS-OXORULE 2.2.5.1.2).
 * - PtypNull and PtypObject/PtypEmbeddedTable carry no bytes: 2.11.1 gives
 *   them no wire form (2.11.1.5: servers never return PtypObject values).
 *   PtypUnspecified is not a value type: a bare value of it is
 *   WIRE_ERR_BAD_TYPE.
 *
 * Copyright (C) OpenChange developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef LIBMAPI_OXCDATA_PROPVAL_H
#define LIBMAPI_OXCDATA_PROPVAL_H

#include <stdbool.h>
#include <stdint.h>
#include <talloc.h>
#include "libmapi/oxcdata_buf.h"

/* Property data types (2.11.1). */
enum mapi_ptyp {
	PTYP_UNSPECIFIED = 0x0000,
	PTYP_NULL = 0x0001,
	PTYP_INTEGER16 = 0x0002,
	PTYP_INTEGER32 = 0x0003,
	PTYP_FLOATING32 = 0x0004,
	PTYP_FLOATING64 = 0x0005,
	PTYP_CURRENCY = 0x0006,
	PTYP_FLOATINGTIME = 0x0007,
	PTYP_ERRORCODE = 0x000A,
	PTYP_BOOLEAN = 0x000B,
	PTYP_OBJECT = 0x000D,
	PTYP_INTEGER64 = 0x0014,
	PTYP_STRING8 = 0x001E,
	PTYP_STRING = 0x001F,
	PTYP_TIME = 0x0040,
	PTYP_GUID = 0x0048,
	PTYP_SERVERID = 0x00FB,
	PTYP_RESTRICTION = 0x00FD,
	PTYP_RULEACTION = 0x00FE,
	PTYP_BINARY = 0x0102,
	PTYP_MULTIPLE_INTEGER16 = 0x1002,
	PTYP_MULTIPLE_INTEGER32 = 0x1003,
	PTYP_MULTIPLE_FLOATING32 = 0x1004,
	PTYP_MULTIPLE_FLOATING64 = 0x1005,
	PTYP_MULTIPLE_CURRENCY = 0x1006,
	PTYP_MULTIPLE_FLOATINGTIME = 0x1007,
	PTYP_MULTIPLE_INTEGER64 = 0x1014,
	PTYP_MULTIPLE_STRING8 = 0x101E,
	PTYP_MULTIPLE_STRING = 0x101F,
	PTYP_MULTIPLE_TIME = 0x1040,
	PTYP_MULTIPLE_GUID = 0x1048,
	PTYP_MULTIPLE_BINARY = 0x1102,
};

/* Multi-value flags of a column or sort tag (2.11.1, MS-OXCTABL 2.2.2.1.3). */
#define PTYP_MV_FLAG 0x1000
#define PTYP_MV_INSTANCE 0x2000

#define MAPI_PROP_TYPE(tag) ((uint16_t)((tag) & 0xFFFF))
#define MAPI_PROP_ID(tag) ((uint16_t)((tag) >> 16))
#define MAPI_PROP_TAG(id, type) (((uint32_t)(id) << 16) | (uint16_t)(type))

/* FlaggedPropertyValue Flag (2.11.5). */
enum mapi_propval_flag {
	MAPI_PROPVAL_PRESENT = 0x0,
	MAPI_PROPVAL_ABSENT = 0x1,
	MAPI_PROPVAL_ERROR = 0xA,
};

/* TypedString StringType (2.11.7). */
enum mapi_typed_string_type {
	MAPI_TSTRING_NONE = 0x00,
	MAPI_TSTRING_EMPTY = 0x01,
	MAPI_TSTRING_STRING8 = 0x02,
	MAPI_TSTRING_REDUCED_UNICODE = 0x03,
	MAPI_TSTRING_UNICODE = 0x04,
};

struct mapi_restriction;

struct mapi_guid {
	uint8_t bytes[16];	/* as on the wire (Data1..3 little-endian) */
};

struct mapi_binary {
	uint32_t len;		/* at most 0xFFFF in ROP buffers */
	uint8_t *data;		/* NULL when len == 0 */
};

/* The Ours == 0x01 form of PtypServerId (2.11.1.4). */
struct mapi_server_id {
	uint64_t folder_id;
	uint64_t message_id;
	uint32_t instance;
};

/* One MS-OXORULE 2.2.5 ActionBlock; ActionData is not decoded yet. */
struct mapi_action_block {
	uint8_t type;
	uint32_t flavor;
	uint32_t flags;
	struct mapi_binary data;
};

struct mapi_rule_actions {
	uint16_t count;
	struct mapi_action_block *blocks;
};

union mapi_propval_value {
	uint16_t i16;
	uint32_t i32;
	float f32;
	double f64;
	int64_t currency;
	double floating_time;
	uint32_t error_code;
	uint8_t boolean;	/* 0 or 1 */
	uint64_t i64;
	uint64_t time;		/* FILETIME: 100 ns since 1601-01-01 UTC */
	char *string8;
	char *string;		/* UTF-8 */
	struct mapi_guid *guid;
	struct mapi_binary server_id;
	struct mapi_restriction *restriction;
	struct mapi_rule_actions *rule_actions;
	struct mapi_binary binary;
	struct { uint32_t count; uint16_t *values; } mv_i16;
	struct { uint32_t count; uint32_t *values; } mv_i32;
	struct { uint32_t count; float *values; } mv_f32;
	struct { uint32_t count; double *values; } mv_f64;
	struct { uint32_t count; int64_t *values; } mv_currency;
	struct { uint32_t count; double *values; } mv_floating_time;
	struct { uint32_t count; uint64_t *values; } mv_i64;
	struct { uint32_t count; char **values; } mv_string8;
	struct { uint32_t count; char **values; } mv_string;
	struct { uint32_t count; uint64_t *values; } mv_time;
	struct { uint32_t count; struct mapi_guid *values; } mv_guid;
	struct { uint32_t count; struct mapi_binary *values; } mv_binary;
};

/* A property: its tag (id << 16 | type) and a value of the tag's type. */
struct mapi_propval {
	uint32_t tag;
	union mapi_propval_value value;
};

/*
 * A FlaggedPropertyValue: with MAPI_PROPVAL_PRESENT, pv holds the value;
 * with MAPI_PROPVAL_ERROR, pv.value.error_code holds why it is missing;
 * with MAPI_PROPVAL_ABSENT, nothing. pv.tag is the property's tag either way.
 */
struct mapi_flagged_propval {
	uint8_t flag;
	struct mapi_propval pv;
};

struct mapi_typed_string {
	uint8_t type;
	char *str;	/* STRING8/REDUCED_UNICODE: the 8-bit bytes; UNICODE: UTF-8; else NULL */
};

/* Whether type is one 2.11.1 defines as a value type (not PtypUnspecified). */
bool oxcdata_ptyp_is_valid(uint16_t type);

/*
 * PropertyValue (2.11.2.1): the bare value of a known type. Pull allocates
 * under mem_ctx; on failure nothing allocated is left behind.
 */
enum wire_error oxcdata_propval_pull_value(struct oxcdata_pull *pull, TALLOC_CTX *mem_ctx,
					   uint16_t type, union mapi_propval_value *value);
enum wire_error oxcdata_propval_push_value(struct oxcdata_push *push, uint16_t type,
					   const union mapi_propval_value *value);

/* TypedPropertyValue (2.11.3): PropertyType then value; out->tag gets id 0. */
enum wire_error oxcdata_propval_pull_typed(struct oxcdata_pull *pull, TALLOC_CTX *mem_ctx,
					   struct mapi_propval *out);
enum wire_error oxcdata_propval_push_typed(struct oxcdata_push *push, const struct mapi_propval *pv);

/* TaggedPropertyValue (2.11.4): PropertyTag then value. */
enum wire_error oxcdata_propval_pull_tagged(struct oxcdata_pull *pull, TALLOC_CTX *mem_ctx,
					    struct mapi_propval *out);
enum wire_error oxcdata_propval_push_tagged(struct oxcdata_push *push, const struct mapi_propval *pv);

/* FlaggedPropertyValue (2.11.5) of a property whose tag the context gives. */
enum wire_error oxcdata_propval_pull_flagged(struct oxcdata_pull *pull, TALLOC_CTX *mem_ctx,
					     uint32_t tag, struct mapi_flagged_propval *out);
enum wire_error oxcdata_propval_push_flagged(struct oxcdata_push *push,
					     const struct mapi_flagged_propval *fv);

/* FlaggedPropertyValueWithType (2.11.6): PropertyType, Flag, value; id from prop_id. */
enum wire_error oxcdata_propval_pull_flagged_typed(struct oxcdata_pull *pull, TALLOC_CTX *mem_ctx,
						   uint16_t prop_id, struct mapi_flagged_propval *out);
enum wire_error oxcdata_propval_push_flagged_typed(struct oxcdata_push *push,
						   const struct mapi_flagged_propval *fv);

/* TypedString (2.11.7). */
enum wire_error oxcdata_typed_string_pull(struct oxcdata_pull *pull, TALLOC_CTX *mem_ctx,
					  struct mapi_typed_string *out);
enum wire_error oxcdata_typed_string_push(struct oxcdata_push *push,
					  const struct mapi_typed_string *ts);

/* The Ours == 0x01 form of a PtypServerId value (2.11.1.4); WIRE_ERR_BAD_VALUE otherwise. */
enum wire_error oxcdata_server_id_parse(const struct mapi_binary *raw, struct mapi_server_id *out);
enum wire_error oxcdata_server_id_build(TALLOC_CTX *mem_ctx, const struct mapi_server_id *id,
					struct mapi_binary *out);

#endif
