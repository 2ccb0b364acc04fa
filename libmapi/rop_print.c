/*
 * The emitter behind every ROP printer: text and JSON output, names of tags,
 * ROPs and status codes, and the MS-OXCDATA values whose shape depends on
 * their data (property values, restrictions, rows).
 *
 * Copyright (C) OpenChange developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <inttypes.h>
#include <math.h>
#include <string.h>

/*
 * gen_proptags.h and oxcdata_propval.h both define the MAPI_PROP_* macros
 * (same meaning, different text); take the tables' names, then the codec's
 * macros.
 */
#include "idl/gen_proptags.h"
#undef MAPI_PROP_TAG
#undef MAPI_PROP_ID
#undef MAPI_PROP_TYPE
#include "idl/gen_errors.h"
#include "idl/gen_ropids.h"
#include "libmapi/rop_print.h"
#include "libmapi/utf8.h"

void rop_print_init(struct rop_print *p, FILE *out, enum rop_print_style style)
{
	memset(p, 0, sizeof(*p));
	p->out = out;
	p->style = style;
}

static unsigned level(const struct rop_print *p)
{
	return p->depth < ROP_PRINT_MAX_DEPTH ? p->depth : ROP_PRINT_MAX_DEPTH - 1;
}

static void indent(const struct rop_print *p, unsigned n)
{
	unsigned i;

	for (i = 0; i < n; i++) {
		fputs("  ", p->out);
	}
}

/*
 * Quoted, with JSON escapes: the same for text, so control characters never
 * reach a terminal raw. Bytes that are not UTF-8 (PtypString8 in some code
 * page) are shown as \u00XX, their Latin-1 reading, which keeps JSON valid.
 */
static void quoted(const struct rop_print *p, const char *s)
{
	const unsigned char *u = (const unsigned char *)s;

	fputc('"', p->out);
	while (*u != '\0') {
		uint32_t c;
		size_t n = *u >= 0x80 ? wire_utf8_decode(u, &c) : 1;

		if (*u == '"' || *u == '\\') {
			fprintf(p->out, "\\%c", *u);
		} else if (*u == '\n') {
			fputs("\\n", p->out);
		} else if (*u < 0x20 || *u == 0x7F || n == 0) {
			fprintf(p->out, "\\u%04x", *u);
			n = 1;
		} else {
			fwrite(u, 1, n, p->out);
		}
		u += n;
	}
	fputc('"', p->out);
}

/*
 * What comes before any value: separator, indentation, member name or index.
 * A container's label ends its text line (no trailing blank).
 */
static void begin_label(struct rop_print *p, const char *name, bool container)
{
	unsigned d = level(p);
	size_t index = p->items[d]++;

	if (p->style == ROP_PRINT_JSON) {
		if (p->depth == 0) {
			return;
		}
		fputs(index > 0 ? ",\n" : "\n", p->out);
		indent(p, p->depth);
		if (name != NULL && !p->in_array[d]) {
			quoted(p, name);
			fputs(": ", p->out);
		}
		return;
	}
	if (p->depth == 0) {
		return;
	}
	indent(p, p->depth - 1);
	if (name != NULL && !p->in_array[d]) {
		fprintf(p->out, "%s:%s", name, container ? "" : " ");
	} else {
		fprintf(p->out, "[%zu]:%s", index, container ? "" : " ");
	}
}

static void begin_item(struct rop_print *p, const char *name)
{
	begin_label(p, name, false);
}

static void end_scalar(const struct rop_print *p)
{
	if (p->style == ROP_PRINT_TEXT || p->depth == 0) {
		fputc('\n', p->out);
	}
}

void rop_print_open(struct rop_print *p, const char *name, bool array)
{
	unsigned d;

	begin_label(p, name, true);
	if (p->style == ROP_PRINT_JSON) {
		fputc(array ? '[' : '{', p->out);
	} else if (p->depth > 0) {
		fputc('\n', p->out);
	}
	p->depth++;
	d = level(p);
	p->items[d] = 0;
	p->in_array[d] = array;
}

void rop_print_close(struct rop_print *p, bool array)
{
	bool had_items = p->items[level(p)] > 0;

	if (p->depth == 0) {
		return;
	}
	p->depth--;
	if (p->style == ROP_PRINT_JSON) {
		if (had_items) {
			fputc('\n', p->out);
			indent(p, p->depth);
		}
		fputc(array ? ']' : '}', p->out);
		if (p->depth == 0) {
			fputc('\n', p->out);
		}
	} else if (!had_items && p->depth > 0) {
		/* an empty container still gets a line of its own */
		indent(p, p->depth);
		fputs(array ? "(none)\n" : "(empty)\n", p->out);
	}
}

void rop_print_uint(struct rop_print *p, const char *name, uint64_t v, unsigned hex_digits)
{
	begin_item(p, name);
	if (hex_digits == 0 || p->style == ROP_PRINT_JSON) {
		fprintf(p->out, "%" PRIu64, v);
	} else {
		fprintf(p->out, "%" PRIu64 " (0x%0*" PRIX64 ")", v, (int)hex_digits, v);
	}
	end_scalar(p);
}

void rop_print_int(struct rop_print *p, const char *name, int64_t v)
{
	begin_item(p, name);
	fprintf(p->out, "%" PRId64, v);
	end_scalar(p);
}

void rop_print_double(struct rop_print *p, const char *name, double v)
{
	begin_item(p, name);
	if (isfinite(v)) {
		fprintf(p->out, "%.17g", v);
	} else {
		/* JSON has no NaN or infinity */
		fprintf(p->out, p->style == ROP_PRINT_JSON ? "\"%g\"" : "%g", v);
	}
	end_scalar(p);
}

void rop_print_bool(struct rop_print *p, const char *name, bool v)
{
	begin_item(p, name);
	fputs(v ? "true" : "false", p->out);
	end_scalar(p);
}

void rop_print_null(struct rop_print *p, const char *name)
{
	begin_item(p, name);
	fputs(p->style == ROP_PRINT_JSON ? "null" : "(absent)", p->out);
	end_scalar(p);
}

void rop_print_str(struct rop_print *p, const char *name, const char *s)
{
	if (s == NULL) {
		rop_print_null(p, name);
		return;
	}
	begin_item(p, name);
	quoted(p, s);
	end_scalar(p);
}

void rop_print_bytes(struct rop_print *p, const char *name, const uint8_t *data, size_t len)
{
	size_t i;

	begin_item(p, name);
	if (p->style == ROP_PRINT_JSON) {
		fputc('"', p->out);
	} else {
		fprintf(p->out, "[%zu bytes]%s", len, len > 0 ? " " : "");
	}
	for (i = 0; data != NULL && i < len; i++) {
		fprintf(p->out, "%02X", data[i]);
	}
	if (p->style == ROP_PRINT_JSON) {
		fputc('"', p->out);
	}
	end_scalar(p);
}

void rop_print_guid(struct rop_print *p, const char *name, const struct mapi_guid *g)
{
	const uint8_t *b = g->bytes;
	char text[40];

	/* Data1..3 are little-endian on the wire; the usual text form is not */
	snprintf(text, sizeof(text), "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
		 b[3], b[2], b[1], b[0], b[5], b[4], b[7], b[6], b[8], b[9],
		 b[10], b[11], b[12], b[13], b[14], b[15]);
	rop_print_str(p, name, text);
}

/*
 * A number with its name: "0x0037001F PidTagSubject" in text,
 * {"value": N, "hex": "0x...", "name": "..."} in JSON (name null if unknown).
 */
static void named_number(struct rop_print *p, const char *name, uint32_t v, unsigned digits,
			 const char *label)
{
	char hex[16];

	snprintf(hex, sizeof(hex), "0x%0*" PRIX32, (int)digits, v);
	if (p->style == ROP_PRINT_JSON) {
		rop_print_open(p, name, false);
		rop_print_uint(p, "value", v, 0);
		rop_print_str(p, "hex", hex);
		rop_print_str(p, "name", label);
		rop_print_close(p, false);
		return;
	}
	begin_item(p, name);
	fprintf(p->out, "%s %s", hex, label != NULL ? label : "(unknown)");
	end_scalar(p);
}

void rop_print_proptag(struct rop_print *p, const char *name, uint32_t tag)
{
	named_number(p, name, tag, 8, mapi_proptag_name(tag));
}

void rop_print_ropid(struct rop_print *p, const char *name, uint8_t rop_id)
{
	named_number(p, name, rop_id, 2, rop_name(rop_id));
}

void rop_print_errcode(struct rop_print *p, const char *name, uint32_t code)
{
	named_number(p, name, code, 8, code == 0 ? "Success" : mapi_errstr(code));
}

static void print_binary(struct rop_print *p, const char *name, const struct mapi_binary *b)
{
	rop_print_bytes(p, name, b->data, b->len);
}

static void print_rule_actions(struct rop_print *p, const char *name, const struct mapi_rule_actions *ra)
{
	uint16_t i;

	rop_print_open(p, name, true);
	for (i = 0; ra != NULL && ra->blocks != NULL && i < ra->count; i++) {
		rop_print_open(p, NULL, false);
		rop_print_uint(p, "ActionType", ra->blocks[i].type, 2);
		rop_print_uint(p, "ActionFlavor", ra->blocks[i].flavor, 8);
		rop_print_uint(p, "ActionFlags", ra->blocks[i].flags, 8);
		print_binary(p, "ActionData", &ra->blocks[i].data);
		rop_print_close(p, false);
	}
	rop_print_close(p, true);
}

/* The multi-valued types: an array of the single type's rendering. */
#define MV_ARRAY(field, stmt) do { \
	uint32_t i_; \
	rop_print_open(p, name, true); \
	for (i_ = 0; v->field.values != NULL && i_ < v->field.count; i_++) { \
		stmt; \
	} \
	rop_print_close(p, true); \
} while (0)

/* The value alone, as the tag's type says (the 0x2000 instance flag ignored). */
static void print_value(struct rop_print *p, const char *name, uint16_t type, const union mapi_propval_value *v)
{
	switch (type & ~PTYP_MV_INSTANCE) {
	case PTYP_INTEGER16: rop_print_uint(p, name, v->i16, 0); break;
	case PTYP_INTEGER32: rop_print_uint(p, name, v->i32, 0); break;
	case PTYP_FLOATING32: rop_print_double(p, name, v->f32); break;
	case PTYP_FLOATING64: rop_print_double(p, name, v->f64); break;
	case PTYP_CURRENCY: rop_print_int(p, name, v->currency); break;
	case PTYP_FLOATINGTIME: rop_print_double(p, name, v->floating_time); break;
	case PTYP_ERRORCODE: rop_print_errcode(p, name, v->error_code); break;
	case PTYP_BOOLEAN: rop_print_bool(p, name, v->boolean != 0); break;
	case PTYP_INTEGER64: rop_print_uint(p, name, v->i64, 16); break;
	case PTYP_TIME: rop_print_uint(p, name, v->time, 16); break;
	case PTYP_STRING8: rop_print_str(p, name, v->string8); break;
	case PTYP_STRING: rop_print_str(p, name, v->string); break;
	case PTYP_GUID:
		if (v->guid != NULL) {
			rop_print_guid(p, name, v->guid);
		} else {
			rop_print_null(p, name);
		}
		break;
	case PTYP_SERVERID: print_binary(p, name, &v->server_id); break;
	case PTYP_RESTRICTION: rop_print_restriction(p, name, v->restriction); break;
	case PTYP_RULEACTION: print_rule_actions(p, name, v->rule_actions); break;
	case PTYP_BINARY: print_binary(p, name, &v->binary); break;
	case PTYP_MULTIPLE_INTEGER16: MV_ARRAY(mv_i16, rop_print_uint(p, NULL, v->mv_i16.values[i_], 0)); break;
	case PTYP_MULTIPLE_INTEGER32: MV_ARRAY(mv_i32, rop_print_uint(p, NULL, v->mv_i32.values[i_], 0)); break;
	case PTYP_MULTIPLE_FLOATING32: MV_ARRAY(mv_f32, rop_print_double(p, NULL, v->mv_f32.values[i_])); break;
	case PTYP_MULTIPLE_FLOATING64: MV_ARRAY(mv_f64, rop_print_double(p, NULL, v->mv_f64.values[i_])); break;
	case PTYP_MULTIPLE_CURRENCY: MV_ARRAY(mv_currency, rop_print_int(p, NULL, v->mv_currency.values[i_])); break;
	case PTYP_MULTIPLE_FLOATINGTIME:
		MV_ARRAY(mv_floating_time, rop_print_double(p, NULL, v->mv_floating_time.values[i_]));
		break;
	case PTYP_MULTIPLE_INTEGER64: MV_ARRAY(mv_i64, rop_print_uint(p, NULL, v->mv_i64.values[i_], 16)); break;
	case PTYP_MULTIPLE_STRING8: MV_ARRAY(mv_string8, rop_print_str(p, NULL, v->mv_string8.values[i_])); break;
	case PTYP_MULTIPLE_STRING: MV_ARRAY(mv_string, rop_print_str(p, NULL, v->mv_string.values[i_])); break;
	case PTYP_MULTIPLE_TIME: MV_ARRAY(mv_time, rop_print_uint(p, NULL, v->mv_time.values[i_], 16)); break;
	case PTYP_MULTIPLE_GUID: MV_ARRAY(mv_guid, rop_print_guid(p, NULL, &v->mv_guid.values[i_])); break;
	case PTYP_MULTIPLE_BINARY: MV_ARRAY(mv_binary, print_binary(p, NULL, &v->mv_binary.values[i_])); break;
	default:	/* PtypNull, PtypObject: no bytes on the wire */
		rop_print_null(p, name);
		break;
	}
}

void rop_print_propval(struct rop_print *p, const char *name, const struct mapi_propval *pv)
{
	rop_print_open(p, name, false);
	rop_print_proptag(p, "PropertyTag", pv->tag);
	print_value(p, "Value", MAPI_PROP_TYPE(pv->tag), &pv->value);
	rop_print_close(p, false);
}

void rop_print_typed_string(struct rop_print *p, const char *name, const struct mapi_typed_string *ts)
{
	rop_print_open(p, name, false);
	rop_print_uint(p, "StringType", ts->type, 2);
	rop_print_str(p, "String", ts->str);
	rop_print_close(p, false);
}

static const char *restriction_name(uint8_t type)
{
	static const char *const names[] = {
		"AndRestriction", "OrRestriction", "NotRestriction", "ContentRestriction",
		"PropertyRestriction", "ComparePropertiesRestriction", "BitMaskRestriction",
		"SizeRestriction", "ExistRestriction", "SubObjectRestriction", "CommentRestriction",
		"CountRestriction",
	};

	return type < sizeof(names) / sizeof(names[0]) ? names[type] : "unknown";
}

void rop_print_restriction(struct rop_print *p, const char *name, const struct mapi_restriction *res)
{
	uint32_t i;

	if (res == NULL) {
		rop_print_null(p, name);
		return;
	}
	rop_print_open(p, name, false);
	rop_print_str(p, "Kind", restriction_name(res->type));
	rop_print_uint(p, "RestrictType", res->type, 2);
	switch (res->type) {
	case MAPI_RES_AND:
	case MAPI_RES_OR:
		rop_print_open(p, "Restricts", true);
		for (i = 0; res->u.and_or.items != NULL && i < res->u.and_or.count; i++) {
			rop_print_restriction(p, NULL, &res->u.and_or.items[i]);
		}
		rop_print_close(p, true);
		break;
	case MAPI_RES_NOT:
		rop_print_restriction(p, "Restriction", res->u.not_.sub);
		break;
	case MAPI_RES_CONTENT:
		rop_print_uint(p, "FuzzyLevelLow", res->u.content.fuzzy_low, 4);
		rop_print_uint(p, "FuzzyLevelHigh", res->u.content.fuzzy_high, 4);
		rop_print_proptag(p, "PropertyTag", res->u.content.tag);
		rop_print_propval(p, "TaggedValue", &res->u.content.value);
		break;
	case MAPI_RES_PROPERTY:
		rop_print_uint(p, "RelOp", res->u.property.relop, 2);
		rop_print_proptag(p, "PropTag", res->u.property.tag);
		rop_print_propval(p, "TaggedValue", &res->u.property.value);
		break;
	case MAPI_RES_COMPAREPROPS:
		rop_print_uint(p, "RelOp", res->u.compare.relop, 2);
		rop_print_proptag(p, "PropTag1", res->u.compare.tag1);
		rop_print_proptag(p, "PropTag2", res->u.compare.tag2);
		break;
	case MAPI_RES_BITMASK:
		rop_print_uint(p, "BitmapRelOp", res->u.bitmask.relop, 2);
		rop_print_proptag(p, "PropTag", res->u.bitmask.tag);
		rop_print_uint(p, "Mask", res->u.bitmask.mask, 8);
		break;
	case MAPI_RES_SIZE:
		rop_print_uint(p, "RelOp", res->u.size.relop, 2);
		rop_print_proptag(p, "PropTag", res->u.size.tag);
		rop_print_uint(p, "Size", res->u.size.size, 0);
		break;
	case MAPI_RES_EXIST:
		rop_print_proptag(p, "PropTag", res->u.exist.tag);
		break;
	case MAPI_RES_SUBOBJECT:
		rop_print_proptag(p, "Subobject", res->u.subobject.subobject);
		rop_print_restriction(p, "Restriction", res->u.subobject.sub);
		break;
	case MAPI_RES_COMMENT:
		rop_print_open(p, "TaggedValues", true);
		for (i = 0; res->u.comment.values != NULL && i < res->u.comment.count; i++) {
			rop_print_propval(p, NULL, &res->u.comment.values[i]);
		}
		rop_print_close(p, true);
		rop_print_restriction(p, "Restriction", res->u.comment.sub);
		break;
	case MAPI_RES_COUNT:
		rop_print_uint(p, "Count", res->u.count.count, 0);
		rop_print_restriction(p, "SubRestriction", res->u.count.sub);
		break;
	default:
		break;
	}
	rop_print_close(p, false);
}

void rop_print_row(struct rop_print *p, const char *name, const struct mapi_property_row *row)
{
	uint16_t i;

	rop_print_open(p, name, false);
	rop_print_uint(p, "Flag", row->flag, 2);
	rop_print_open(p, "ValueArray", true);
	for (i = 0; row->values != NULL && i < row->count; i++) {
		const struct mapi_flagged_propval *fv = &row->values[i];

		rop_print_open(p, NULL, false);
		rop_print_proptag(p, "PropertyTag", fv->pv.tag);
		if (row->flag == MAPI_ROW_FLAGGED) {
			rop_print_uint(p, "Flag", fv->flag, 2);
		}
		if (fv->flag == MAPI_PROPVAL_ERROR) {
			rop_print_errcode(p, "ErrorCode", fv->pv.value.error_code);
		} else if (fv->flag == MAPI_PROPVAL_PRESENT) {
			print_value(p, "Value", MAPI_PROP_TYPE(fv->pv.tag), &fv->pv.value);
		}
		rop_print_close(p, false);
	}
	rop_print_close(p, true);
	rop_print_close(p, false);
}
