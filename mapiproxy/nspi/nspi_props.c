/*
 * OpenChange mapiproxy: NSPI property values of address book objects
 * (MS-OXNSPI 2.2.x, MS-OXOABK 2.2), entry IDs (MS-OXNSPI 2.2.9) and the
 * string conversions of MS-OXNSPI 3.1.4.3.
 *
 * Copyright (C) OpenChange developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include "mapiproxy/nspi/nspi_book.h"
#include "idl/gen_errors.h"
#include "libmapi/codepage.h"

/* --- code pages (libmapi/codepage.c does the converting) ----------------------- */

bool nspi_string8_from_wire(TALLOC_CTX *mem_ctx, const char *wire, uint32_t codepage, char **utf8)
{
	if (wire == NULL) {
		*utf8 = NULL;
		return true;
	}
	*utf8 = mapi_codepage_to_utf8(mem_ctx, wire, codepage);
	return *utf8 != NULL;
}

bool nspi_string8_to_wire(TALLOC_CTX *mem_ctx, const char *utf8, uint32_t codepage, char **wire)
{
	if (utf8 == NULL) {
		*wire = NULL;
		return true;
	}
	*wire = mapi_utf8_to_codepage(mem_ctx, utf8, codepage);
	return *wire != NULL;
}

/* --- entry IDs ---------------------------------------------------------------- */

static void put_u32(uint8_t *p, uint32_t v)
{
	p[0] = v & 0xFF;
	p[1] = (v >> 8) & 0xFF;
	p[2] = (v >> 16) & 0xFF;
	p[3] = (v >> 24) & 0xFF;
}

static uint32_t get_u32(const uint8_t *p)
{
	return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}

/* MS-OXNSPI 2.2.9.3 PermanentEntryID: type 0, R1-R3 0, GUID_NSPI, R4 1, display type, DN */
DATA_BLOB nspi_permanent_entryid(TALLOC_CTX *mem_ctx, uint32_t display_type, const char *dn)
{
	size_t dnlen = strlen(dn) + 1;
	DATA_BLOB b = data_blob_talloc_zero(mem_ctx, 28 + dnlen);

	if (b.data == NULL) {
		return b;
	}
	memcpy(b.data + 4, nspi_provider_uid, 16);
	put_u32(b.data + 20, 1);
	put_u32(b.data + 24, display_type);
	memcpy(b.data + 28, dn, dnlen);
	return b;
}

/* MS-OXNSPI 2.2.9.2 EphemeralEntryID: type 0x87, the server's GUID, R4 1, type, MId */
DATA_BLOB nspi_ephemeral_entryid(TALLOC_CTX *mem_ctx, const uint8_t *server_guid,
				 uint32_t display_type, uint32_t mid)
{
	DATA_BLOB b = data_blob_talloc_zero(mem_ctx, 32);

	if (b.data == NULL) {
		return b;
	}
	b.data[0] = 0x87;
	memcpy(b.data + 4, server_guid, 16);
	put_u32(b.data + 20, 1);
	put_u32(b.data + 24, display_type);
	put_u32(b.data + 28, mid);
	return b;
}

bool nspi_parse_entryid(TALLOC_CTX *mem_ctx, const uint8_t *data, size_t len,
			struct nspi_entryid *out)
{
	memset(out, 0, sizeof(*out));
	if (data == NULL || len < 28 || data[1] != 0 || data[2] != 0 || data[3] != 0 ||
	    get_u32(data + 20) != 1) {
		return false;
	}
	memcpy(out->provider, data + 4, 16);
	out->display_type = get_u32(data + 24);
	if (data[0] == 0x87) {
		if (len != 32) {
			return false;
		}
		out->ephemeral = true;
		out->mid = get_u32(data + 28);
		return true;
	}
	if (data[0] != 0x00 || memcmp(out->provider, nspi_provider_uid, 16) != 0) {
		return false;
	}
	/* the DN: NUL-terminated, nothing after it, no NUL inside */
	if (len < 29 || data[len - 1] != '\0' || memchr(data + 28, '\0', len - 28) != data + len - 1) {
		return false;
	}
	out->dn = talloc_strndup(mem_ctx, (const char *)data + 28, len - 29);
	return out->dn != NULL;
}

/* --- property values ------------------------------------------------------------ */

static bool is_string_type(uint32_t t)
{
	return t == PT_STRING8 || t == PT_UNICODE;
}

static bool is_mv_string_type(uint32_t t)
{
	return t == PT_MV_STRING8 || t == PT_MV_UNICODE;
}

static void set_error(struct PropertyValue_r *out, uint32_t tag, uint32_t err)
{
	memset(out, 0, sizeof(*out));
	out->ulPropTag = NSPI_PROP_TAG(NSPI_PROP_ID(tag), PT_ERROR);
	out->Value.err = err;
}

/* the requested type for a value whose native type is native */
static bool choose_type(uint32_t tag, uint32_t native, uint32_t *type)
{
	uint32_t want = NSPI_PROP_TYPE(tag);

	if (want == NSPI_PT_UNSPECIFIED || want == native) {
		*type = want == NSPI_PT_UNSPECIFIED ? native : want;
		return true;
	}
	if (is_string_type(want) && is_string_type(native)) {
		*type = want;
		return true;
	}
	if (is_mv_string_type(want) && is_mv_string_type(native)) {
		*type = want;
		return true;
	}
	/* a single-valued string read from a multi-valued one and back */
	if (is_string_type(want) && is_mv_string_type(native)) {
		*type = want;
		return true;
	}
	if (is_mv_string_type(want) && is_string_type(native)) {
		*type = want;
		return true;
	}
	/* PtypEmbeddedTable links may be read as their DNs */
	if (native == NSPI_PT_EMBEDDED_TABLE && (is_string_type(want) || is_mv_string_type(want))) {
		*type = want;
		return true;
	}
	return false;
}

static bool put_string(TALLOC_CTX *mem_ctx, const struct nspi_prop_ctx *ctx, uint32_t type,
		       const char *utf8, const char **out)
{
	char *wire;

	if (type == PT_STRING8 || type == PT_MV_STRING8) {
		if (!ctx->wire) {
			*out = utf8;
			return true;
		}
		if (!nspi_string8_to_wire(mem_ctx, utf8, ctx->codepage, &wire)) {
			return false;
		}
		*out = wire;
		return true;
	}
	*out = utf8;
	return true;
}

static bool set_strings(TALLOC_CTX *mem_ctx, const struct nspi_prop_ctx *ctx,
			struct PropertyValue_r *out, uint32_t tag, uint32_t type,
			const char *const *values, uint32_t count)
{
	uint32_t i;

	out->ulPropTag = NSPI_PROP_TAG(NSPI_PROP_ID(tag), type);
	if (count == 0) {
		return false;
	}
	if (is_string_type(type)) {
		const char *s;

		if (!put_string(mem_ctx, ctx, type, values[0], &s)) {
			return false;
		}
		if (type == PT_STRING8) {
			out->Value.lpszA = s;
		} else {
			out->Value.lpszW = s;
		}
		return true;
	}
	{
		const char **arr = talloc_array(mem_ctx, const char *, count);

		if (arr == NULL) {
			return false;
		}
		for (i = 0; i < count; i++) {
			if (!put_string(mem_ctx, ctx, type, values[i], &arr[i])) {
				return false;
			}
		}
		if (type == PT_MV_STRING8) {
			out->Value.MVszA.cValues = count;
			out->Value.MVszA.lppszA = arr;
		} else {
			out->Value.MVszW.cValues = count;
			out->Value.MVszW.lppszW = arr;
		}
	}
	return true;
}

static bool set_string(TALLOC_CTX *mem_ctx, const struct nspi_prop_ctx *ctx,
		       struct PropertyValue_r *out, uint32_t tag, uint32_t native,
		       const char *utf8)
{
	uint32_t type;

	if (utf8 == NULL || !choose_type(tag, native, &type)) {
		return false;
	}
	return set_strings(mem_ctx, ctx, out, tag, type, &utf8, 1);
}

static bool set_long(struct PropertyValue_r *out, uint32_t tag, uint32_t value)
{
	uint32_t type;

	if (!choose_type(tag, PT_LONG, &type)) {
		return false;
	}
	out->ulPropTag = NSPI_PROP_TAG(NSPI_PROP_ID(tag), PT_LONG);
	out->Value.l = (int32_t)value;
	return true;
}

static bool set_bool(struct PropertyValue_r *out, uint32_t tag, bool value)
{
	uint32_t type;

	if (!choose_type(tag, PT_BOOLEAN, &type)) {
		return false;
	}
	out->ulPropTag = NSPI_PROP_TAG(NSPI_PROP_ID(tag), PT_BOOLEAN);
	out->Value.b = value ? 1 : 0;
	return true;
}

static bool set_binary(struct PropertyValue_r *out, uint32_t tag, DATA_BLOB blob)
{
	uint32_t type;

	if (blob.data == NULL || !choose_type(tag, PT_BINARY, &type)) {
		return false;
	}
	out->ulPropTag = NSPI_PROP_TAG(NSPI_PROP_ID(tag), PT_BINARY);
	out->Value.bin.cb = (uint32_t)blob.length;
	out->Value.bin.lpb = blob.data;
	return true;
}

static DATA_BLOB object_entryid(TALLOC_CTX *mem_ctx, const struct nspi_prop_ctx *ctx,
				const struct nspi_object *obj, bool allow_ephemeral)
{
	if (allow_ephemeral && (ctx->flags & NSPI_fEphID) && ctx->server_guid != NULL) {
		return nspi_ephemeral_entryid(mem_ctx, ctx->server_guid, obj->display_type, obj->mid);
	}
	return nspi_permanent_entryid(mem_ctx, obj->display_type, obj->legacy_dn);
}

/* "EX:" + upper-case DN + NUL (MS-OXCDATA 2.2.5? PidTagSearchKey of MS-OXOABK 2.2.3.7) */
static DATA_BLOB search_key(TALLOC_CTX *mem_ctx, const char *dn)
{
	size_t len = strlen(dn), i;
	DATA_BLOB b = data_blob_talloc(mem_ctx, NULL, len + 4);

	if (b.data == NULL) {
		return b;
	}
	memcpy(b.data, "EX:", 3);
	for (i = 0; i < len; i++) {
		char c = dn[i];

		b.data[3 + i] = (uint8_t)((c >= 'a' && c <= 'z') ? c - 'a' + 'A' : c);
	}
	b.data[3 + len] = '\0';
	return b;
}

static const char *account_of(const struct nspi_object *obj)
{
	const char *a = ldb_msg_find_attr_as_string(obj->msg, "mailNickname", NULL);

	return a != NULL ? a : ldb_msg_find_attr_as_string(obj->msg, "sAMAccountName", NULL);
}

static const char *smtp_of(const struct nspi_object *obj)
{
	const struct ldb_message_element *el = ldb_msg_find_element(obj->msg, "proxyAddresses");
	unsigned int i;

	for (i = 0; el != NULL && i < el->num_values; i++) {
		/* the primary one: "SMTP:" in upper case (MS-OXOABK 2.2.3.23) */
		if (el->values[i].length > 5 && strncmp((const char *)el->values[i].data, "SMTP:", 5) == 0) {
			return (const char *)el->values[i].data + 5;
		}
	}
	return ldb_msg_find_attr_as_string(obj->msg, "mail", NULL);
}

/* AD generalized time "YYYYMMDDHHMMSS.0Z" to a FILETIME */
static bool parse_time(const char *s, struct FILETIME *ft)
{
	struct tm tm;
	uint64_t t;

	memset(&tm, 0, sizeof(tm));
	if (s == NULL || sscanf(s, "%4d%2d%2d%2d%2d%2d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
				&tm.tm_hour, &tm.tm_min, &tm.tm_sec) != 6) {
		return false;
	}
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	t = ((uint64_t)timegm(&tm) + 11644473600ULL) * 10000000ULL;
	ft->dwLowDateTime = (uint32_t)t;
	ft->dwHighDateTime = (uint32_t)(t >> 32);
	return true;
}

/* a schema-mapped attribute */
static bool attr_value(TALLOC_CTX *mem_ctx, const struct nspi_prop_ctx *ctx,
		       const struct nspi_object *obj, const struct nspi_propmap *map, uint32_t tag,
		       struct PropertyValue_r *out)
{
	const struct ldb_message_element *el = ldb_msg_find_element(obj->msg, map->attr);
	uint32_t type, i;

	if (el == NULL || el->num_values == 0 || !choose_type(tag, map->native_type, &type)) {
		return false;
	}
	out->ulPropTag = NSPI_PROP_TAG(map->prop_id, type);
	if (map->native_type == NSPI_PT_EMBEDDED_TABLE) {
		if (type == NSPI_PT_EMBEDDED_TABLE) {
			if (ctx->flags & NSPI_fSkipObjects) {
				return false;
			}
			out->Value.lReserved = 0;
			return true;
		}
	}
	if (is_string_type(type) || is_mv_string_type(type)) {
		const char **values = talloc_array(mem_ctx, const char *, el->num_values);
		uint32_t n = 0;

		if (values == NULL) {
			return false;
		}
		for (i = 0; i < el->num_values; i++) {
			const char *v = (const char *)el->values[i].data;

			if (map->native_type == NSPI_PT_EMBEDDED_TABLE) {
				/* a link: the linked object's DN in the address book */
				v = nspi_book_legacy_dn_of(ctx->book, v);
				if (v == NULL) {
					continue;
				}
			}
			values[n++] = v;
		}
		return set_strings(mem_ctx, ctx, out, tag, type, values, n);
	}
	switch (type) {
	case PT_LONG:
		out->Value.l = (int32_t)strtoll((const char *)el->values[0].data, NULL, 10);
		return true;
	case PT_BOOLEAN:
		out->Value.b = strcasecmp((const char *)el->values[0].data, "TRUE") == 0;
		return true;
	case PT_BINARY:
		out->Value.bin.cb = (uint32_t)el->values[0].length;
		out->Value.bin.lpb = el->values[0].data;
		return true;
	case PT_SYSTIME:
		return parse_time((const char *)el->values[0].data, &out->Value.ft);
	case PT_MV_BINARY:
		out->Value.MVbin.cValues = el->num_values;
		out->Value.MVbin.lpbin = talloc_array(mem_ctx, struct Binary_r, el->num_values);
		if (out->Value.MVbin.lpbin == NULL) {
			return false;
		}
		for (i = 0; i < el->num_values; i++) {
			out->Value.MVbin.lpbin[i].cb = (uint32_t)el->values[i].length;
			out->Value.MVbin.lpbin[i].lpb = el->values[i].data;
		}
		return true;
	case PT_MV_LONG:
		out->Value.MVl.cValues = el->num_values;
		out->Value.MVl.lpl = talloc_array(mem_ctx, int32_t, el->num_values);
		if (out->Value.MVl.lpl == NULL) {
			return false;
		}
		for (i = 0; i < el->num_values; i++) {
			out->Value.MVl.lpl[i] = (int32_t)strtoll((const char *)el->values[i].data,
								 NULL, 10);
		}
		return true;
	default:
		return false;
	}
}

static bool computed_value(TALLOC_CTX *mem_ctx, const struct nspi_prop_ctx *ctx,
			   const struct nspi_object *obj, uint32_t tag, struct PropertyValue_r *out,
			   bool *handled)
{
	uint32_t id = NSPI_PROP_ID(tag);
	DATA_BLOB b;

	*handled = true;
	switch (id) {
	case NSPI_PROP_ID(NSPI_TAG_ENTRYID):
		return set_binary(out, tag, object_entryid(mem_ctx, ctx, obj, true));
	case NSPI_PROP_ID(NSPI_TAG_RECORD_KEY):
	case NSPI_PROP_ID(NSPI_TAG_TEMPLATEID):
		return set_binary(out, tag, object_entryid(mem_ctx, ctx, obj, false));
	case NSPI_PROP_ID(NSPI_TAG_INSTANCE_KEY):
		b = data_blob_talloc(mem_ctx, NULL, 4);
		if (b.data == NULL) {
			return false;
		}
		put_u32(b.data, obj->mid);
		return set_binary(out, tag, b);
	case NSPI_PROP_ID(NSPI_TAG_MAPPING_SIGNATURE):
		if (ctx->server_guid == NULL) {
			return false;
		}
		b = data_blob_talloc(mem_ctx, ctx->server_guid, 16);
		return set_binary(out, tag, b);
	case NSPI_PROP_ID(NSPI_TAG_SEARCH_KEY):
		return set_binary(out, tag, search_key(mem_ctx, obj->legacy_dn));
	case NSPI_PROP_ID(NSPI_TAG_AB_OBJECT_GUID):
		return set_binary(out, tag, data_blob_talloc(mem_ctx, obj->guid, 16));
	case NSPI_PROP_ID(NSPI_TAG_OBJECT_TYPE):
		return set_long(out, tag, obj->object_type);
	case NSPI_PROP_ID(NSPI_TAG_DISPLAY_TYPE):
		return set_long(out, tag, obj->display_type);
	case NSPI_PROP_ID(NSPI_TAG_DISPLAY_TYPE_EX):
		/* MS-OXOABK 2.2.3.12: the local display type in the low byte */
		return set_long(out, tag, obj->display_type);
	case NSPI_PROP_ID(NSPI_TAG_DISPLAY_NAME):
	case NSPI_PROP_ID(NSPI_TAG_TRANSMITTABLE_DISPLAY_NAME):
		return set_string(mem_ctx, ctx, out, tag, PT_UNICODE, obj->display_name);
	case NSPI_PROP_ID(NSPI_TAG_ADDRESS_TYPE):
		return set_string(mem_ctx, ctx, out, tag, PT_UNICODE, "EX");
	case NSPI_PROP_ID(NSPI_TAG_EMAIL_ADDRESS):
		return set_string(mem_ctx, ctx, out, tag, PT_UNICODE, obj->legacy_dn);
	case NSPI_PROP_ID(NSPI_TAG_SMTP_ADDRESS):
		return set_string(mem_ctx, ctx, out, tag, PT_UNICODE, smtp_of(obj));
	case NSPI_PROP_ID(NSPI_TAG_ACCOUNT):
		return set_string(mem_ctx, ctx, out, tag, PT_UNICODE, account_of(obj));
	case NSPI_PROP_ID(NSPI_TAG_AB_HOME_MDB): {
		const char *mdb = ldb_msg_find_attr_as_string(obj->msg, "homeMDB", NULL);

		return set_string(mem_ctx, ctx, out, tag, PT_STRING8,
				  nspi_book_legacy_dn_of(ctx->book, mdb));
	}
	case NSPI_PROP_ID(NSPI_TAG_AB_CONTAINER_ID):
		/* a container's own ID; a recipient's is the container it is read from */
		return set_long(out, tag, obj->container != NULL ? obj->container->id :
				ctx->container_id);
	default:
		*handled = false;
		return false;
	}
}

bool nspi_get_prop(TALLOC_CTX *mem_ctx, const struct nspi_prop_ctx *ctx,
		   const struct nspi_object *obj, uint32_t tag, struct PropertyValue_r *out)
{
	const struct nspi_propmap *map;
	bool handled;

	memset(out, 0, sizeof(*out));
	if (obj != NULL) {
		if (obj->container != NULL &&
		    nspi_get_container_prop(mem_ctx, ctx, obj->container, tag, out)) {
			return true;
		}
		if (computed_value(mem_ctx, ctx, obj, tag, out, &handled)) {
			return true;
		}
		if (!handled) {
			map = nspi_book_propmap(ctx->book, (uint16_t)NSPI_PROP_ID(tag));
			if (map != NULL && attr_value(mem_ctx, ctx, obj, map, tag, out)) {
				return true;
			}
		}
	}
	set_error(out, tag, MAPI_E_NOT_FOUND);
	return false;
}

bool nspi_get_container_prop(TALLOC_CTX *mem_ctx, const struct nspi_prop_ctx *ctx,
			     const struct nspi_container *c, uint32_t tag,
			     struct PropertyValue_r *out)
{
	static const char gal_dn[] = "/";
	const char *dn = c->obj != NULL ? c->obj->legacy_dn : gal_dn;

	memset(out, 0, sizeof(*out));
	switch (NSPI_PROP_ID(tag)) {
	case NSPI_PROP_ID(NSPI_TAG_ENTRYID):
	case NSPI_PROP_ID(NSPI_TAG_RECORD_KEY):
		if (c->obj != NULL && (ctx->flags & NSPI_fEphID) && ctx->server_guid != NULL &&
		    NSPI_PROP_ID(tag) == NSPI_PROP_ID(NSPI_TAG_ENTRYID)) {
			return set_binary(out, tag, nspi_ephemeral_entryid(
				mem_ctx, ctx->server_guid, NSPI_DT_CONTAINER, c->obj->mid));
		}
		return set_binary(out, tag, nspi_permanent_entryid(mem_ctx, NSPI_DT_CONTAINER, dn));
	case NSPI_PROP_ID(NSPI_TAG_CONTAINER_FLAGS):
		return set_long(out, tag, c->flags);
	case NSPI_PROP_ID(NSPI_TAG_DEPTH):
		return set_long(out, tag, c->depth);
	case NSPI_PROP_ID(NSPI_TAG_AB_CONTAINER_ID):
		return set_long(out, tag, c->id);
	case NSPI_PROP_ID(NSPI_TAG_DISPLAY_NAME):
		return set_string(mem_ctx, ctx, out, tag, PT_UNICODE, c->display_name);
	case NSPI_PROP_ID(NSPI_TAG_AB_IS_MASTER):
		return set_bool(out, tag, false);
	case NSPI_PROP_ID(NSPI_TAG_AB_PARENT_ENTRYID):
		if (c->parent == NULL) {
			return false;
		}
		return set_binary(out, tag, nspi_permanent_entryid(mem_ctx, NSPI_DT_CONTAINER,
								   c->parent->obj->legacy_dn));
	case NSPI_PROP_ID(NSPI_TAG_DISPLAY_TYPE):
		return set_long(out, tag, NSPI_DT_CONTAINER);
	case NSPI_PROP_ID(NSPI_TAG_OBJECT_TYPE):
		return set_long(out, tag, NSPI_MAPI_ABCONT);
	case NSPI_PROP_ID(NSPI_TAG_INSTANCE_KEY): {
		DATA_BLOB b = data_blob_talloc(mem_ctx, NULL, 4);

		if (b.data == NULL) {
			return false;
		}
		put_u32(b.data, c->id);
		return set_binary(out, tag, b);
	}
	default:
		return false;
	}
}

uint32_t nspi_build_row(TALLOC_CTX *mem_ctx, const struct nspi_prop_ctx *ctx,
			const struct nspi_object *obj, const struct PropertyTagArray_r *cols,
			struct PropertyRow_r *row)
{
	uint32_t i, errors = 0;

	row->Reserved = 0;
	row->cValues = cols->cValues;
	row->lpProps = talloc_array(mem_ctx, struct PropertyValue_r, cols->cValues);
	if (row->lpProps == NULL) {
		row->cValues = 0;
		return UINT32_MAX;
	}
	for (i = 0; i < cols->cValues; i++) {
		if (!nspi_get_prop(mem_ctx, ctx, obj, cols->aulPropTag[i], &row->lpProps[i])) {
			errors++;
		}
	}
	return errors;
}

static uint32_t string_tag(uint32_t tag, bool unicode)
{
	return NSPI_PROP_TAG(NSPI_PROP_ID(tag), unicode ? PT_UNICODE : PT_STRING8);
}

struct PropertyTagArray_r *nspi_default_columns(TALLOC_CTX *mem_ctx, bool unicode)
{
	struct PropertyTagArray_r *cols = talloc_zero(mem_ctx, struct PropertyTagArray_r);

	if (cols == NULL) {
		return NULL;
	}
	cols->aulPropTag = talloc_array(cols, uint32_t, 8);
	if (cols->aulPropTag == NULL) {
		talloc_free(cols);
		return NULL;
	}
	/* MS-OXNSPI 3.1.4.1.8: the columns when pPropTags is NULL */
	cols->aulPropTag[0] = NSPI_TAG_AB_CONTAINER_ID;
	cols->aulPropTag[1] = NSPI_TAG_OBJECT_TYPE;
	cols->aulPropTag[2] = NSPI_TAG_DISPLAY_TYPE;
	cols->aulPropTag[3] = string_tag(NSPI_TAG_DISPLAY_NAME, unicode);
	cols->aulPropTag[4] = string_tag(NSPI_TAG_PRIMARY_TELEPHONE_NUMBER, unicode);
	cols->aulPropTag[5] = string_tag(NSPI_TAG_DEPARTMENT_NAME, unicode);
	cols->aulPropTag[6] = string_tag(NSPI_TAG_OFFICE_LOCATION, unicode);
	cols->cValues = 7;
	return cols;
}

static const uint32_t computed_tags[] = {
	NSPI_TAG_ENTRYID, NSPI_TAG_INSTANCE_KEY, NSPI_TAG_RECORD_KEY, NSPI_TAG_MAPPING_SIGNATURE,
	NSPI_TAG_OBJECT_TYPE, NSPI_TAG_DISPLAY_NAME, NSPI_TAG_ADDRESS_TYPE, NSPI_TAG_EMAIL_ADDRESS,
	NSPI_TAG_SEARCH_KEY, NSPI_TAG_DISPLAY_TYPE, NSPI_TAG_TEMPLATEID, NSPI_TAG_DISPLAY_TYPE_EX,
	NSPI_TAG_SMTP_ADDRESS, NSPI_TAG_ACCOUNT, NSPI_TAG_TRANSMITTABLE_DISPLAY_NAME,
	NSPI_TAG_AB_HOME_MDB, NSPI_TAG_AB_OBJECT_GUID,
};

static bool list_add(TALLOC_CTX *mem_ctx, struct PropertyTagArray_r *l, uint32_t tag)
{
	uint32_t i;

	for (i = 0; i < l->cValues; i++) {
		if (NSPI_PROP_ID(l->aulPropTag[i]) == NSPI_PROP_ID(tag)) {
			return true;
		}
	}
	if ((l->cValues & 63) == 0) {
		uint32_t *grown = talloc_realloc(mem_ctx, l->aulPropTag, uint32_t, l->cValues + 65);

		if (grown == NULL) {
			return false;
		}
		l->aulPropTag = grown;
	}
	l->aulPropTag[l->cValues++] = tag;
	return true;
}

static uint32_t reported_type(uint32_t type, bool unicode)
{
	if (is_string_type(type)) {
		return unicode ? PT_UNICODE : PT_STRING8;
	}
	if (is_mv_string_type(type)) {
		return unicode ? PT_MV_UNICODE : PT_MV_STRING8;
	}
	return type;
}

struct PropertyTagArray_r *nspi_prop_list(TALLOC_CTX *mem_ctx, const struct nspi_book *book,
					  const struct nspi_object *obj, bool unicode,
					  bool skip_objects)
{
	struct PropertyTagArray_r *l = talloc_zero(mem_ctx, struct PropertyTagArray_r);
	struct nspi_prop_ctx ctx = { .book = book, .codepage = 65001 };
	uint32_t i;

	if (l == NULL) {
		return NULL;
	}
	l->aulPropTag = talloc_array(l, uint32_t, 1);
	if (l->aulPropTag == NULL) {
		return NULL;
	}
	for (i = 0; i < sizeof(computed_tags) / sizeof(computed_tags[0]); i++) {
		struct PropertyValue_r v;
		TALLOC_CTX *tmp = talloc_new(NULL);
		bool present = obj == NULL || nspi_get_prop(tmp, &ctx, obj, computed_tags[i], &v);

		talloc_free(tmp);
		if (present && !list_add(l, l, NSPI_PROP_TAG(NSPI_PROP_ID(computed_tags[i]),
				reported_type(NSPI_PROP_TYPE(computed_tags[i]), unicode)))) {
			return NULL;
		}
	}
	for (i = 0; i < book->num_props; i++) {
		const struct nspi_propmap *m = &book->props[i];

		if (skip_objects && m->native_type == NSPI_PT_EMBEDDED_TABLE) {
			continue;
		}
		if (obj != NULL && ldb_msg_find_element(obj->msg, m->attr) == NULL) {
			continue;
		}
		if (!list_add(l, l, NSPI_PROP_TAG(m->prop_id, reported_type(m->native_type, unicode)))) {
			return NULL;
		}
	}
	return l;
}
