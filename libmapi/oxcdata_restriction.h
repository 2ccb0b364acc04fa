/*
 * MS-OXCDATA restrictions (2.12) in the ROP-buffer encoding: the tree of
 * And, Or, Not, Content, Property, CompareProperties, Bitmask, Size, Exist,
 * SubObject, Comment and Count restrictions.
 *
 * Nesting is limited to OXCDATA_MAX_DEPTH levels (oxcdata_buf.h), counted
 * through PtypRestriction values too; deeper input is WIRE_ERR_TOO_DEEP, on
 * pull and on push alike, so nothing we send is something we would refuse.
 *
 * Copyright (C) OpenChange developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef LIBMAPI_OXCDATA_RESTRICTION_H
#define LIBMAPI_OXCDATA_RESTRICTION_H

#include "libmapi/oxcdata_buf.h"
#include "libmapi/oxcdata_propval.h"

/* RestrictType values (2.12.1 to 2.12.12). */
enum mapi_restriction_type {
	MAPI_RES_AND = 0x00,
	MAPI_RES_OR = 0x01,
	MAPI_RES_NOT = 0x02,
	MAPI_RES_CONTENT = 0x03,
	MAPI_RES_PROPERTY = 0x04,
	MAPI_RES_COMPAREPROPS = 0x05,
	MAPI_RES_BITMASK = 0x06,
	MAPI_RES_SIZE = 0x07,
	MAPI_RES_EXIST = 0x08,
	MAPI_RES_SUBOBJECT = 0x09,
	MAPI_RES_COMMENT = 0x0A,
	MAPI_RES_COUNT = 0x0B,
};

/* RelOp of Property, CompareProperties and Size restrictions (2.12.5). */
enum mapi_relop {
	MAPI_RELOP_LT = 0x00,
	MAPI_RELOP_LE = 0x01,
	MAPI_RELOP_GT = 0x02,
	MAPI_RELOP_GE = 0x03,
	MAPI_RELOP_EQ = 0x04,
	MAPI_RELOP_NE = 0x05,
	MAPI_RELOP_RE = 0x06,
	MAPI_RELOP_MEMBER_OF_DL = 0x64,
};

/* BitmapRelOp of the Bitmask restriction (2.12.7). */
enum mapi_bitmap_relop {
	MAPI_BMR_EQZ = 0x00,
	MAPI_BMR_NEZ = 0x01,
};

/* FuzzyLevelLow and FuzzyLevelHigh of the Content restriction (2.12.4). */
#define MAPI_FL_FULLSTRING 0x0000
#define MAPI_FL_SUBSTRING 0x0001
#define MAPI_FL_PREFIX 0x0002
#define MAPI_FL_IGNORECASE 0x0001
#define MAPI_FL_IGNORENONSPACE 0x0002
#define MAPI_FL_LOOSE 0x0004

struct mapi_restriction {
	uint8_t type;	/* enum mapi_restriction_type */
	union {
		struct { uint16_t count; struct mapi_restriction *items; } and_or;	/* AND, OR */
		struct { struct mapi_restriction *sub; } not_;
		struct {
			uint16_t fuzzy_low;
			uint16_t fuzzy_high;
			uint32_t tag;
			struct mapi_propval value;
		} content;
		struct { uint8_t relop; uint32_t tag; struct mapi_propval value; } property;
		struct { uint8_t relop; uint32_t tag1; uint32_t tag2; } compare;
		struct { uint8_t relop; uint32_t tag; uint32_t mask; } bitmask;
		struct { uint8_t relop; uint32_t tag; uint32_t size; } size;
		struct { uint32_t tag; } exist;
		struct { uint32_t subobject; struct mapi_restriction *sub; } subobject;
		struct {
			uint8_t count;
			struct mapi_propval *values;
			struct mapi_restriction *sub;	/* NULL: RestrictionPresent is 0 */
		} comment;
		struct { uint32_t count; struct mapi_restriction *sub; } count;
	} u;
};

/*
 * One Restriction; *out is allocated under mem_ctx and owns its subtree.
 * On failure *out is NULL and nothing is left allocated.
 */
enum wire_error oxcdata_restriction_pull(struct oxcdata_pull *pull, TALLOC_CTX *mem_ctx,
					 struct mapi_restriction **out);
enum wire_error oxcdata_restriction_push(struct oxcdata_push *push, const struct mapi_restriction *res);

#endif
