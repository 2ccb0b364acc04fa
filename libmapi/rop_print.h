/*
 * Printing decoded ROPs and MS-OXCDATA values: one small emitter interface
 * with two output styles, indented text for people and JSON for scripts.
 *
 * The generated printers (idl/gen_rop_print.[ch]) only say "field X of kind
 * K has value V" through these calls; layout, escaping, commas and names of
 * tags, ROPs and error codes are decided here, once, so the two styles
 * cannot drift apart per ROP.
 *
 * Copyright (C) OpenChange developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef LIBMAPI_ROP_PRINT_H
#define LIBMAPI_ROP_PRINT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "libmapi/oxcdata_propval.h"
#include "libmapi/oxcdata_restriction.h"
#include "libmapi/oxcdata_row.h"

enum rop_print_style {
	ROP_PRINT_TEXT,
	ROP_PRINT_JSON,
};

/* Deeper nesting is still printed, only JSON commas need the per-level state. */
#define ROP_PRINT_MAX_DEPTH 128

struct rop_print {
	FILE *out;
	enum rop_print_style style;
	unsigned depth;
	/* items already printed at each level: JSON commas, text [index] labels */
	size_t items[ROP_PRINT_MAX_DEPTH];
	bool in_array[ROP_PRINT_MAX_DEPTH];
};

void rop_print_init(struct rop_print *p, FILE *out, enum rop_print_style style);

/*
 * Every call takes the member's name; NULL for an array element (and for the
 * outermost value). An object or array is open ... close.
 */
void rop_print_open(struct rop_print *p, const char *name, bool array);
void rop_print_close(struct rop_print *p, bool array);

/* hex_digits 0: decimal only; else decimal and 0x with that many digits (flags, ids). */
void rop_print_uint(struct rop_print *p, const char *name, uint64_t v, unsigned hex_digits);
void rop_print_int(struct rop_print *p, const char *name, int64_t v);
void rop_print_double(struct rop_print *p, const char *name, double v);
void rop_print_bool(struct rop_print *p, const char *name, bool v);
void rop_print_null(struct rop_print *p, const char *name);
/* UTF-8 or 8-bit text; NULL prints as null. */
void rop_print_str(struct rop_print *p, const char *name, const char *s);
void rop_print_bytes(struct rop_print *p, const char *name, const uint8_t *data, size_t len);
void rop_print_guid(struct rop_print *p, const char *name, const struct mapi_guid *g);

/* A property tag with its MS-OXPROPS name, a RopId with its name, a MAPI status with its name. */
void rop_print_proptag(struct rop_print *p, const char *name, uint32_t tag);
void rop_print_ropid(struct rop_print *p, const char *name, uint8_t rop_id);
void rop_print_errcode(struct rop_print *p, const char *name, uint32_t code);

/* The MS-OXCDATA structures the generated printers hand over whole. */
void rop_print_propval(struct rop_print *p, const char *name, const struct mapi_propval *pv);
void rop_print_typed_string(struct rop_print *p, const char *name, const struct mapi_typed_string *ts);
/* NULL: the optional restriction was absent. */
void rop_print_restriction(struct rop_print *p, const char *name, const struct mapi_restriction *res);
void rop_print_row(struct rop_print *p, const char *name, const struct mapi_property_row *row);

#endif
