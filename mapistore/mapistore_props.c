/*
 * mapistore property values: bags, their stored form, comparison and
 * restriction evaluation (MS-OXCDATA 2.11, 2.12).
 *
 * Copyright (C) OpenChange developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include "mapistore/mapistore_backend.h"
#include "libmapi/utf8.h"

/* --- bags ---------------------------------------------------------------------- */

struct mapistore_propbag *mapistore_propbag_new(TALLOC_CTX *mem_ctx)
{
	return talloc_zero(mem_ctx, struct mapistore_propbag);
}

static bool tag_matches(uint32_t stored, uint32_t wanted)
{
	uint16_t st = MAPI_PROP_TYPE(stored), wt = MAPI_PROP_TYPE(wanted);

	if (MAPI_PROP_ID(stored) != MAPI_PROP_ID(wanted))
		return false;
	if (st == wt || wt == PTYP_UNSPECIFIED)
		return true;
	/* PtypString and PtypString8 name the same property (MS-OXCDATA 2.11.1). */
	if ((st & ~PTYP_MV_FLAG) == PTYP_STRING || (st & ~PTYP_MV_FLAG) == PTYP_STRING8)
		return (st & PTYP_MV_FLAG) == (wt & PTYP_MV_FLAG) &&
		       ((wt & ~PTYP_MV_FLAG) == PTYP_STRING || (wt & ~PTYP_MV_FLAG) == PTYP_STRING8);
	return false;
}

const struct mapi_propval *mapistore_propbag_find(const struct mapistore_propbag *bag, uint32_t tag)
{
	if (bag == NULL)
		return NULL;
	for (uint32_t i = 0; i < bag->count; i++)
		if (tag_matches(bag->props[i].tag, tag))
			return &bag->props[i];
	return NULL;
}

enum MAPISTATUS mapistore_propval_copy(TALLOC_CTX *mem_ctx, const struct mapi_propval *src,
				       struct mapi_propval *dst)
{
	uint16_t type = MAPI_PROP_TYPE(src->tag);
	enum MAPISTATUS ret;
	uint8_t *data;
	uint32_t len;

	dst->tag = src->tag;
	switch (type) {
	case PTYP_STRING:
	case PTYP_STRING8:
		dst->value.string = talloc_strdup(mem_ctx, src->value.string ? src->value.string : "");
		return dst->value.string ? MAPI_E_SUCCESS : MAPI_E_NOT_ENOUGH_MEMORY;
	case PTYP_BINARY:
	case PTYP_SERVERID:
		dst->value.binary.len = src->value.binary.len;
		dst->value.binary.data = NULL;
		if (src->value.binary.len) {
			dst->value.binary.data = talloc_memdup(mem_ctx, src->value.binary.data,
							       src->value.binary.len);
			if (!dst->value.binary.data)
				return MAPI_E_NOT_ENOUGH_MEMORY;
		}
		return MAPI_E_SUCCESS;
	case PTYP_GUID:
		dst->value.guid = talloc_memdup(mem_ctx, src->value.guid, sizeof(struct mapi_guid));
		return dst->value.guid ? MAPI_E_SUCCESS : MAPI_E_NOT_ENOUGH_MEMORY;
	case PTYP_INTEGER16: case PTYP_INTEGER32: case PTYP_FLOATING32: case PTYP_FLOATING64:
	case PTYP_CURRENCY: case PTYP_FLOATINGTIME: case PTYP_ERRORCODE: case PTYP_BOOLEAN:
	case PTYP_INTEGER64: case PTYP_TIME: case PTYP_NULL: case PTYP_OBJECT:
		dst->value = src->value;
		return MAPI_E_SUCCESS;
	default:
		/* multi-valued and structured values: through their stored form */
		ret = mapistore_value_encode(NULL, src, &data, &len);
		if (ret != MAPI_E_SUCCESS)
			return ret;
		ret = mapistore_value_decode(mem_ctx, src->tag, data, len, dst);
		talloc_free(data);
		return ret;
	}
}

struct mapistore_propbag *mapistore_propbag_dup(TALLOC_CTX *mem_ctx,
						const struct mapistore_propbag *bag)
{
	struct mapistore_propbag *copy = mapistore_propbag_new(mem_ctx);

	if (copy == NULL)
		return NULL;
	for (uint32_t i = 0; bag && i < bag->count; i++) {
		if (mapistore_propbag_set(copy, &bag->props[i]) != MAPI_E_SUCCESS) {
			talloc_free(copy);
			return NULL;
		}
	}
	return copy;
}

enum MAPISTATUS mapistore_propbag_set(struct mapistore_propbag *bag, const struct mapi_propval *pv)
{
	struct mapi_propval copy;
	TALLOC_CTX *holder;
	enum MAPISTATUS ret;
	uint32_t i;

	/* Each value's data hangs off a holder of its own, so a replace frees the old one. */
	holder = talloc_new(bag);
	if (holder == NULL)
		return MAPI_E_NOT_ENOUGH_MEMORY;
	ret = mapistore_propval_copy(holder, pv, &copy);
	if (ret != MAPI_E_SUCCESS) {
		talloc_free(holder);
		return ret;
	}
	for (i = 0; i < bag->count; i++)
		if (MAPI_PROP_ID(bag->props[i].tag) == MAPI_PROP_ID(pv->tag))
			break;
	if (i == bag->count) {
		if (bag->count == bag->alloc) {
			uint32_t n = bag->alloc ? bag->alloc * 2 : 16;
			struct mapi_propval *p = talloc_realloc(bag, bag->props, struct mapi_propval, n);
			void **h;

			if (p == NULL) {
				talloc_free(holder);
				return MAPI_E_NOT_ENOUGH_MEMORY;
			}
			bag->props = p;
			h = talloc_realloc(bag, bag->holders, void *, n);
			if (h == NULL) {
				talloc_free(holder);
				return MAPI_E_NOT_ENOUGH_MEMORY;
			}
			bag->holders = h;
			bag->alloc = n;
		}
		bag->count++;
	} else {
		talloc_free(bag->holders[i]);
	}
	bag->props[i] = copy;
	bag->holders[i] = holder;
	return MAPI_E_SUCCESS;
}

bool mapistore_propbag_delete(struct mapistore_propbag *bag, uint32_t tag)
{
	for (uint32_t i = 0; i < bag->count; i++) {
		if (MAPI_PROP_ID(bag->props[i].tag) != MAPI_PROP_ID(tag))
			continue;
		talloc_free(bag->holders[i]);
		memmove(&bag->props[i], &bag->props[i + 1], (bag->count - i - 1) * sizeof(bag->props[0]));
		memmove(&bag->holders[i], &bag->holders[i + 1], (bag->count - i - 1) * sizeof(void *));
		bag->count--;
		return true;
	}
	return false;
}

/* --- stored form ------------------------------------------------------------------ */

static void put_le(uint8_t *p, uint64_t v, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static uint64_t get_le(const uint8_t *p, unsigned n)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < n; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

static unsigned fixed_size(uint16_t type)
{
	switch (type) {
	case PTYP_INTEGER16: return 2;
	case PTYP_INTEGER32: case PTYP_FLOATING32: case PTYP_ERRORCODE: return 4;
	case PTYP_FLOATING64: case PTYP_CURRENCY: case PTYP_FLOATINGTIME:
	case PTYP_INTEGER64: case PTYP_TIME: return 8;
	case PTYP_BOOLEAN: return 1;
	case PTYP_GUID: return 16;
	case PTYP_NULL: case PTYP_OBJECT: return 0;
	default: return (unsigned)-1;
	}
}

enum MAPISTATUS mapistore_value_encode(TALLOC_CTX *mem_ctx, const struct mapi_propval *pv,
				       uint8_t **data, uint32_t *len)
{
	uint16_t type = MAPI_PROP_TYPE(pv->tag);
	unsigned fs = fixed_size(type);
	uint8_t *p;

	if (fs != (unsigned)-1) {
		p = talloc_array(mem_ctx, uint8_t, fs ? fs : 1);
		if (p == NULL)
			return MAPI_E_NOT_ENOUGH_MEMORY;
		switch (type) {
		case PTYP_INTEGER16: put_le(p, pv->value.i16, 2); break;
		case PTYP_INTEGER32: put_le(p, pv->value.i32, 4); break;
		case PTYP_ERRORCODE: put_le(p, pv->value.error_code, 4); break;
		case PTYP_FLOATING32: { uint32_t b; memcpy(&b, &pv->value.f32, 4); put_le(p, b, 4); break; }
		case PTYP_FLOATING64: case PTYP_FLOATINGTIME: {
			uint64_t b; double d = type == PTYP_FLOATING64 ? pv->value.f64 : pv->value.floating_time;
			memcpy(&b, &d, 8); put_le(p, b, 8); break; }
		case PTYP_CURRENCY: put_le(p, (uint64_t)pv->value.currency, 8); break;
		case PTYP_INTEGER64: put_le(p, pv->value.i64, 8); break;
		case PTYP_TIME: put_le(p, pv->value.time, 8); break;
		case PTYP_BOOLEAN: p[0] = pv->value.boolean ? 1 : 0; break;
		case PTYP_GUID: memcpy(p, pv->value.guid->bytes, 16); break;
		default: break;
		}
		*data = p;
		*len = fs;
		return MAPI_E_SUCCESS;
	}
	switch (type) {
	case PTYP_STRING:
	case PTYP_STRING8: {
		size_t n = pv->value.string ? strlen(pv->value.string) : 0;
		if (n > UINT32_MAX / 2)
			return MAPI_E_TOO_BIG;
		p = talloc_memdup(mem_ctx, pv->value.string ? pv->value.string : "", n + 1);
		if (p == NULL)
			return MAPI_E_NOT_ENOUGH_MEMORY;
		*data = p;
		*len = (uint32_t)n;
		return MAPI_E_SUCCESS;
	}
	case PTYP_BINARY:
	case PTYP_SERVERID:
		p = talloc_array(mem_ctx, uint8_t, pv->value.binary.len ? pv->value.binary.len : 1);
		if (p == NULL)
			return MAPI_E_NOT_ENOUGH_MEMORY;
		if (pv->value.binary.len)
			memcpy(p, pv->value.binary.data, pv->value.binary.len);
		*data = p;
		*len = pv->value.binary.len;
		return MAPI_E_SUCCESS;
	default: {
		struct oxcdata_push push;
		enum wire_error err;

		if (!oxcdata_ptyp_is_valid(type))
			return MAPI_E_INVALID_TYPE;
		oxcdata_push_init(&push, mem_ctx);
		err = oxcdata_propval_push_value(&push, type, &pv->value);
		if (err != WIRE_OK) {
			talloc_free(push.data);
			return err == WIRE_ERR_NO_MEMORY ? MAPI_E_NOT_ENOUGH_MEMORY : MAPI_E_BAD_VALUE;
		}
		if (push.data == NULL) {
			push.data = talloc_array(mem_ctx, uint8_t, 1);
			if (push.data == NULL)
				return MAPI_E_NOT_ENOUGH_MEMORY;
		}
		*data = push.data;
		*len = (uint32_t)push.len;
		return MAPI_E_SUCCESS;
	}
	}
}

enum MAPISTATUS mapistore_value_decode(TALLOC_CTX *mem_ctx, uint32_t tag, const uint8_t *data,
				       uint32_t len, struct mapi_propval *out)
{
	uint16_t type = MAPI_PROP_TYPE(tag);
	unsigned fs = fixed_size(type);

	memset(out, 0, sizeof(*out));
	out->tag = tag;
	if (fs != (unsigned)-1) {
		if (len != fs)
			return MAPI_E_CORRUPT_DATA;
		switch (type) {
		case PTYP_INTEGER16: out->value.i16 = (uint16_t)get_le(data, 2); break;
		case PTYP_INTEGER32: out->value.i32 = (uint32_t)get_le(data, 4); break;
		case PTYP_ERRORCODE: out->value.error_code = (uint32_t)get_le(data, 4); break;
		case PTYP_FLOATING32: { uint32_t b = (uint32_t)get_le(data, 4); memcpy(&out->value.f32, &b, 4); break; }
		case PTYP_FLOATING64: { uint64_t b = get_le(data, 8); memcpy(&out->value.f64, &b, 8); break; }
		case PTYP_FLOATINGTIME: { uint64_t b = get_le(data, 8); memcpy(&out->value.floating_time, &b, 8); break; }
		case PTYP_CURRENCY: out->value.currency = (int64_t)get_le(data, 8); break;
		case PTYP_INTEGER64: out->value.i64 = get_le(data, 8); break;
		case PTYP_TIME: out->value.time = get_le(data, 8); break;
		case PTYP_BOOLEAN: out->value.boolean = data[0] ? 1 : 0; break;
		case PTYP_GUID:
			out->value.guid = talloc_memdup(mem_ctx, data, 16);
			if (out->value.guid == NULL)
				return MAPI_E_NOT_ENOUGH_MEMORY;
			break;
		default: break;
		}
		return MAPI_E_SUCCESS;
	}
	switch (type) {
	case PTYP_STRING:
	case PTYP_STRING8:
		out->value.string = talloc_strndup(mem_ctx, (const char *)data, len);
		return out->value.string ? MAPI_E_SUCCESS : MAPI_E_NOT_ENOUGH_MEMORY;
	case PTYP_BINARY:
	case PTYP_SERVERID:
		out->value.binary.len = len;
		if (len) {
			out->value.binary.data = talloc_memdup(mem_ctx, data, len);
			if (out->value.binary.data == NULL)
				return MAPI_E_NOT_ENOUGH_MEMORY;
		}
		return MAPI_E_SUCCESS;
	default: {
		struct oxcdata_pull pull;

		oxcdata_pull_init(&pull, data, len);
		if (oxcdata_propval_pull_value(&pull, mem_ctx, type, &out->value) != WIRE_OK ||
		    oxcdata_pull_left(&pull) != 0)
			return MAPI_E_CORRUPT_DATA;
		return MAPI_E_SUCCESS;
	}
	}
}

enum MAPISTATUS mapistore_propbag_encode(TALLOC_CTX *mem_ctx, const struct mapistore_propbag *bag,
					 uint32_t inline_max, uint8_t **blob, size_t *blob_len,
					 uint32_t *external_count,
					 struct mapistore_external **externals)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	uint8_t **datas;
	uint32_t *lens;
	size_t total = 0, off = 0;
	uint32_t next = 0;
	struct mapistore_external *ext = NULL;
	uint8_t *out;

	if (tmp == NULL)
		return MAPI_E_NOT_ENOUGH_MEMORY;
	datas = talloc_zero_array(tmp, uint8_t *, bag->count + 1);
	lens = talloc_zero_array(tmp, uint32_t, bag->count + 1);
	if (datas == NULL || lens == NULL)
		goto nomem;
	for (uint32_t i = 0; i < bag->count; i++) {
		enum MAPISTATUS ret = mapistore_value_encode(tmp, &bag->props[i], &datas[i], &lens[i]);

		if (ret != MAPI_E_SUCCESS) {
			talloc_free(tmp);
			return ret;
		}
		if (lens[i] >= MAPISTORE_EXTERNAL_FLAG) {
			talloc_free(tmp);
			return MAPI_E_TOO_BIG;
		}
		total += 8 + (lens[i] > inline_max ? 0 : lens[i]);
		if (lens[i] > inline_max)
			next++;
	}
	if (next) {
		ext = talloc_array(mem_ctx, struct mapistore_external, next);
		if (ext == NULL)
			goto nomem;
	}
	out = talloc_array(mem_ctx, uint8_t, total ? total : 1);
	if (out == NULL) {
		talloc_free(ext);
		goto nomem;
	}
	next = 0;
	for (uint32_t i = 0; i < bag->count; i++) {
		bool external = lens[i] > inline_max;

		put_le(out + off, bag->props[i].tag, 4);
		put_le(out + off + 4, lens[i] | (external ? MAPISTORE_EXTERNAL_FLAG : 0), 4);
		off += 8;
		if (external) {
			ext[next].tag = bag->props[i].tag;
			ext[next].len = lens[i];
			ext[next].data = talloc_steal(ext, datas[i]);
			next++;
		} else {
			memcpy(out + off, datas[i], lens[i]);
			off += lens[i];
		}
	}
	talloc_free(tmp);
	*blob = out;
	*blob_len = total;
	*external_count = next;
	*externals = ext;
	return MAPI_E_SUCCESS;
nomem:
	talloc_free(tmp);
	return MAPI_E_NOT_ENOUGH_MEMORY;
}

bool mapistore_blob_next(const uint8_t *blob, size_t blob_len, size_t *offset,
			 struct mapistore_blob_entry *entry)
{
	size_t off = *offset;
	uint32_t raw;

	if (off + 8 > blob_len)
		return false;
	entry->tag = (uint32_t)get_le(blob + off, 4);
	raw = (uint32_t)get_le(blob + off + 4, 4);
	entry->external = (raw & MAPISTORE_EXTERNAL_FLAG) != 0;
	entry->len = raw & ~MAPISTORE_EXTERNAL_FLAG;
	off += 8;
	if (entry->external) {
		entry->data = NULL;
	} else {
		if (entry->len > blob_len - off)
			return false;
		entry->data = blob + off;
		off += entry->len;
	}
	*offset = off;
	return true;
}

bool mapistore_blob_find(const uint8_t *blob, size_t blob_len, uint32_t tag,
			 struct mapistore_blob_entry *entry)
{
	size_t off = 0;

	while (mapistore_blob_next(blob, blob_len, &off, entry))
		if (tag_matches(entry->tag, tag))
			return true;
	return false;
}

uint32_t mapistore_propval_size(const struct mapi_propval *pv)
{
	uint16_t type = MAPI_PROP_TYPE(pv->tag);
	unsigned fs = fixed_size(type);
	uint8_t *data;
	uint32_t len;

	if (fs != (unsigned)-1)
		return fs;
	switch (type) {
	case PTYP_STRING:
	case PTYP_STRING8:
		return pv->value.string ? (uint32_t)strlen(pv->value.string) : 0;
	case PTYP_BINARY:
	case PTYP_SERVERID:
		return pv->value.binary.len;
	default:
		if (mapistore_value_encode(NULL, pv, &data, &len) != MAPI_E_SUCCESS)
			return 0;
		talloc_free(data);
		return len;
	}
}

/* --- comparison ---------------------------------------------------------------------- */

/*
 * Simple case folding for case-insensitive comparisons: ASCII, Latin-1,
 * Latin Extended-A, Greek and Cyrillic capitals. Scripts without case
 * (CJK) compare as they are. (A full Unicode fold would need tables we do
 * not carry; sqlite's NOCASE folds ASCII only, so the SQL and C paths
 * agree on everything ASCII.)
 */
static uint32_t fold(uint32_t c)
{
	if (c >= 'A' && c <= 'Z')
		return c + 32;
	if (c < 0xC0)
		return c;
	if ((c >= 0xC0 && c <= 0xDE && c != 0xD7) || (c >= 0x391 && c <= 0x3AB && c != 0x3A2) ||
	    (c >= 0x410 && c <= 0x42F))
		return c + 32;
	if (c >= 0x400 && c <= 0x40F)
		return c + 80;
	if (c >= 0x100 && c <= 0x137 && (c & 1) == 0)
		return c + 1;
	if (c >= 0x139 && c <= 0x148 && (c & 1) == 1)
		return c + 1;
	if (c >= 0x14A && c <= 0x177 && (c & 1) == 0)
		return c + 1;
	return c;
}

static size_t next_char(const char *s, uint32_t *c, bool ignore_case)
{
	size_t n = wire_utf8_decode((const unsigned char *)s, c);

	if (n == 0) {		/* not UTF-8 (PtypString8 bytes): one byte, one character */
		*c = (unsigned char)*s;
		n = 1;
	}
	if (ignore_case)
		*c = fold(*c);
	return n;
}

static int string_compare(const char *a, const char *b, bool ignore_case)
{
	uint32_t ca, cb;

	a = a ? a : "";
	b = b ? b : "";
	while (*a && *b) {
		a += next_char(a, &ca, ignore_case);
		b += next_char(b, &cb, ignore_case);
		if (ca != cb)
			return ca < cb ? -1 : 1;
	}
	return *a ? 1 : (*b ? -1 : 0);
}

static int bytes_compare(const uint8_t *a, uint32_t alen, const uint8_t *b, uint32_t blen)
{
	uint32_t n = alen < blen ? alen : blen;
	int r = n ? memcmp(a, b, n) : 0;

	if (r)
		return r < 0 ? -1 : 1;
	return alen == blen ? 0 : (alen < blen ? -1 : 1);
}

#define CMP(a, b) ((a) < (b) ? -1 : ((a) > (b) ? 1 : 0))

static int scalar_compare(uint16_t type, const union mapi_propval_value *a,
			  const union mapi_propval_value *b)
{
	switch (type) {
	case PTYP_INTEGER16: return CMP((int16_t)a->i16, (int16_t)b->i16);
	case PTYP_INTEGER32: return CMP((int32_t)a->i32, (int32_t)b->i32);
	case PTYP_ERRORCODE: return CMP(a->error_code, b->error_code);
	case PTYP_FLOATING32: return CMP(a->f32, b->f32);
	case PTYP_FLOATING64: return CMP(a->f64, b->f64);
	case PTYP_FLOATINGTIME: return CMP(a->floating_time, b->floating_time);
	case PTYP_CURRENCY: return CMP(a->currency, b->currency);
	case PTYP_INTEGER64: return CMP((int64_t)a->i64, (int64_t)b->i64);
	case PTYP_TIME: return CMP(a->time, b->time);
	case PTYP_BOOLEAN: return CMP(a->boolean != 0, b->boolean != 0);
	case PTYP_STRING:
	case PTYP_STRING8: return string_compare(a->string, b->string, true);
	case PTYP_BINARY:
	case PTYP_SERVERID:
		return bytes_compare(a->binary.data, a->binary.len, b->binary.data, b->binary.len);
	case PTYP_GUID: return bytes_compare(a->guid->bytes, 16, b->guid->bytes, 16);
	default: return 0;
	}
}

/* Element i of a multi-valued value as a single value of the base type. */
static void mv_element(uint16_t type, const union mapi_propval_value *v, uint32_t i,
		       union mapi_propval_value *out)
{
	switch (type & ~PTYP_MV_FLAG) {
	case PTYP_INTEGER16: out->i16 = v->mv_i16.values[i]; break;
	case PTYP_INTEGER32: out->i32 = v->mv_i32.values[i]; break;
	case PTYP_FLOATING32: out->f32 = v->mv_f32.values[i]; break;
	case PTYP_FLOATING64: out->f64 = v->mv_f64.values[i]; break;
	case PTYP_CURRENCY: out->currency = v->mv_currency.values[i]; break;
	case PTYP_FLOATINGTIME: out->floating_time = v->mv_floating_time.values[i]; break;
	case PTYP_INTEGER64: out->i64 = v->mv_i64.values[i]; break;
	case PTYP_STRING8: out->string8 = v->mv_string8.values[i]; break;
	case PTYP_STRING: out->string = v->mv_string.values[i]; break;
	case PTYP_TIME: out->time = v->mv_time.values[i]; break;
	case PTYP_GUID: out->guid = &v->mv_guid.values[i]; break;
	case PTYP_BINARY: out->binary = v->mv_binary.values[i]; break;
	default: memset(out, 0, sizeof(*out)); break;
	}
}

static uint32_t mv_count(const union mapi_propval_value *v)
{
	return v->mv_i32.count;	/* every mv_* starts with its count */
}

uint32_t mapistore_mv_count(const struct mapi_propval *mv)
{
	return (MAPI_PROP_TYPE(mv->tag) & PTYP_MV_FLAG) ? mv_count(&mv->value) : 0;
}

bool mapistore_mv_element(const struct mapi_propval *mv, uint32_t i, struct mapi_propval *out)
{
	uint16_t type = MAPI_PROP_TYPE(mv->tag);

	if (!(type & PTYP_MV_FLAG) || i >= mv_count(&mv->value))
		return false;
	out->tag = MAPI_PROP_TAG(MAPI_PROP_ID(mv->tag), type & ~PTYP_MV_FLAG);
	mv_element(type, &mv->value, i, &out->value);
	return true;
}

/* Whether two values can be compared: the same type, PtypString and PtypString8 alike. */
static bool same_kind(uint16_t a, uint16_t b)
{
	uint16_t ba = a & ~PTYP_MV_FLAG, bb = b & ~PTYP_MV_FLAG;

	if ((a & PTYP_MV_FLAG) != (b & PTYP_MV_FLAG))
		return false;
	if (ba == bb)
		return true;
	return (ba == PTYP_STRING || ba == PTYP_STRING8) && (bb == PTYP_STRING || bb == PTYP_STRING8);
}

int mapistore_propval_compare(const struct mapi_propval *a, const struct mapi_propval *b)
{
	uint16_t type = MAPI_PROP_TYPE(a->tag);

	/* values of different types order by type, never by reading one as the other */
	if (!same_kind(type, MAPI_PROP_TYPE(b->tag)))
		return CMP(type, MAPI_PROP_TYPE(b->tag));

	if (type & PTYP_MV_FLAG) {
		uint32_t na = mv_count(&a->value), nb = mv_count(&b->value);

		for (uint32_t i = 0; i < na && i < nb; i++) {
			union mapi_propval_value ea, eb;
			int r;

			mv_element(type, &a->value, i, &ea);
			mv_element(type, &b->value, i, &eb);
			r = scalar_compare(type & ~PTYP_MV_FLAG, &ea, &eb);
			if (r)
				return r;
		}
		return CMP(na, nb);
	}
	return scalar_compare(type, &a->value, &b->value);
}

/* --- restrictions (MS-OXCDATA 2.12) ---------------------------------------------------- */

static bool relop_holds(uint8_t relop, int cmp)
{
	switch (relop) {
	case MAPI_RELOP_LT: return cmp < 0;
	case MAPI_RELOP_LE: return cmp <= 0;
	case MAPI_RELOP_GT: return cmp > 0;
	case MAPI_RELOP_GE: return cmp >= 0;
	case MAPI_RELOP_EQ: return cmp == 0;
	case MAPI_RELOP_NE: return cmp != 0;
	default: return false;	/* RELOP_RE, RELOP_MEMBER_OF_DL: not supported, never match */
	}
}

/* Compare a stored value with a restriction's value; a multi-valued one matches if any element does. */
static bool value_relop(const struct mapi_propval *stored, uint8_t relop, const struct mapi_propval *value)
{
	uint16_t st = MAPI_PROP_TYPE(stored->tag), vt = MAPI_PROP_TYPE(value->tag);

	if ((st & PTYP_MV_FLAG) && !(vt & PTYP_MV_FLAG)) {
		/* any value of a multi-valued property */
		if (!same_kind(st & ~PTYP_MV_FLAG, vt))
			return false;
		for (uint32_t i = 0; i < mv_count(&stored->value); i++) {
			union mapi_propval_value e;

			mv_element(st, &stored->value, i, &e);
			if (relop_holds(relop, scalar_compare(vt, &e, &value->value)))
				return true;
		}
		return false;
	}
	if (!same_kind(st, vt))
		return false;
	return relop_holds(relop, mapistore_propval_compare(stored, value));
}

static bool content_match_bytes(const uint8_t *hay, uint32_t hlen, const uint8_t *needle,
				uint32_t nlen, uint16_t low)
{
	switch (low) {
	case MAPI_FL_FULLSTRING:
		return hlen == nlen && (nlen == 0 || memcmp(hay, needle, nlen) == 0);
	case MAPI_FL_PREFIX:
		return hlen >= nlen && (nlen == 0 || memcmp(hay, needle, nlen) == 0);
	default:
		if (nlen == 0)
			return true;
		for (uint32_t i = 0; i + nlen <= hlen; i++)
			if (memcmp(hay + i, needle, nlen) == 0)
				return true;
		return false;
	}
}

static uint32_t *to_codepoints(const char *s, bool ignore_case, uint32_t *n)
{
	size_t len = s ? strlen(s) : 0;
	uint32_t *cps = talloc_array(NULL, uint32_t, len + 1);
	uint32_t k = 0;

	if (cps == NULL)
		return NULL;
	while (s && *s) {
		s += next_char(s, &cps[k], ignore_case);
		k++;
	}
	*n = k;
	return cps;
}

static bool content_match_string(const char *hay, const char *needle, uint16_t low, uint16_t high)
{
	bool ic = (high & (MAPI_FL_IGNORECASE | MAPI_FL_LOOSE)) != 0;
	uint32_t hn, nn;
	uint32_t *h = to_codepoints(hay, ic, &hn), *nd = to_codepoints(needle, ic, &nn);
	bool found = false;

	/* compared as 4-byte code points; a substring must start on one */
	if (h && nd) {
		if (low == MAPI_FL_SUBSTRING) {
			found = nn == 0;
			for (uint32_t i = 0; !found && i + nn <= hn; i++)
				found = memcmp(h + i, nd, nn * 4) == 0;
		} else {
			found = content_match_bytes((const uint8_t *)h, hn * 4, (const uint8_t *)nd,
						    nn * 4, low);
		}
	}
	talloc_free(h);
	talloc_free(nd);
	return found;
}

static bool content_holds(const struct mapi_propval *stored, uint16_t low, uint16_t high,
			  const struct mapi_propval *value)
{
	uint16_t st = MAPI_PROP_TYPE(stored->tag), vt = MAPI_PROP_TYPE(value->tag);
	uint16_t base = st & ~PTYP_MV_FLAG;

	low &= 0x3;
	if (st & PTYP_MV_FLAG) {
		for (uint32_t i = 0; i < mv_count(&stored->value); i++) {
			struct mapi_propval e = { .tag = MAPI_PROP_TAG(MAPI_PROP_ID(stored->tag), base) };

			mv_element(st, &stored->value, i, &e.value);
			if (content_holds(&e, low, high, value))
				return true;
		}
		return false;
	}
	if ((base == PTYP_STRING || base == PTYP_STRING8) && (vt == PTYP_STRING || vt == PTYP_STRING8))
		return content_match_string(stored->value.string, value->value.string, low, high);
	if (base == PTYP_BINARY && vt == PTYP_BINARY)
		return content_match_bytes(stored->value.binary.data, stored->value.binary.len,
					   value->value.binary.data, value->value.binary.len, low);
	return false;
}

bool mapistore_restriction_eval(const struct mapi_restriction *res, mapistore_prop_getter get,
				mapistore_subobject_fn sub, void *obj,
				struct mapistore_count_state *state)
{
	const struct mapi_propval *a, *b;

	switch (res->type) {
	case MAPI_RES_AND:
		for (uint16_t i = 0; i < res->u.and_or.count; i++)
			if (!mapistore_restriction_eval(&res->u.and_or.items[i], get, sub, obj, state))
				return false;
		return true;
	case MAPI_RES_OR:
		for (uint16_t i = 0; i < res->u.and_or.count; i++)
			if (mapistore_restriction_eval(&res->u.and_or.items[i], get, sub, obj, state))
				return true;
		return false;
	case MAPI_RES_NOT:
		return !mapistore_restriction_eval(res->u.not_.sub, get, sub, obj, state);
	case MAPI_RES_CONTENT:
		if (!get(obj, res->u.content.tag, &a))
			return false;
		return content_holds(a, res->u.content.fuzzy_low, res->u.content.fuzzy_high,
				     &res->u.content.value);
	case MAPI_RES_PROPERTY:
		if (!get(obj, res->u.property.tag, &a))
			return false;
		return value_relop(a, res->u.property.relop, &res->u.property.value);
	case MAPI_RES_COMPAREPROPS:
		if (!get(obj, res->u.compare.tag1, &a) || !get(obj, res->u.compare.tag2, &b))
			return false;
		if (!same_kind(MAPI_PROP_TYPE(a->tag), MAPI_PROP_TYPE(b->tag)))
			return false;
		return relop_holds(res->u.compare.relop, mapistore_propval_compare(a, b));
	case MAPI_RES_BITMASK: {
		uint32_t v;

		if (!get(obj, res->u.bitmask.tag, &a))
			return false;
		if (MAPI_PROP_TYPE(a->tag) == PTYP_INTEGER32)
			v = a->value.i32;
		else if (MAPI_PROP_TYPE(a->tag) == PTYP_INTEGER16)
			v = a->value.i16;
		else if (MAPI_PROP_TYPE(a->tag) == PTYP_BOOLEAN)
			v = a->value.boolean;
		else
			return false;
		return res->u.bitmask.relop == MAPI_BMR_EQZ ? (v & res->u.bitmask.mask) == 0
							     : (v & res->u.bitmask.mask) != 0;
	}
	case MAPI_RES_SIZE:
		if (!get(obj, res->u.size.tag, &a))
			return false;
		return relop_holds(res->u.size.relop,
				   CMP(mapistore_propval_size(a), res->u.size.size));
	case MAPI_RES_EXIST:
		return get(obj, res->u.exist.tag, &a);
	case MAPI_RES_SUBOBJECT:
		return sub != NULL && sub(obj, res->u.subobject.subobject, res->u.subobject.sub);
	case MAPI_RES_COMMENT:
		return res->u.comment.sub == NULL ||
		       mapistore_restriction_eval(res->u.comment.sub, get, sub, obj, state);
	case MAPI_RES_COUNT: {
		uint32_t slot;

		if (!mapistore_restriction_eval(res->u.count.sub, get, sub, obj, state))
			return false;
		if (state == NULL)
			return true;
		for (slot = 0; slot < state->used; slot++)
			if (state->slots[slot].res == res)
				break;
		if (slot == state->used) {
			if (state->used == MAPISTORE_COUNT_SLOTS)
				return true;
			state->slots[slot].res = res;
			state->slots[slot].matched = 0;
			state->used++;
		}
		if (state->slots[slot].matched >= res->u.count.count)
			return false;
		state->slots[slot].matched++;
		return true;
	}
	default:
		return false;
	}
}
