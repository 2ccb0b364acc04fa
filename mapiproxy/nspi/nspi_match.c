/*
 * OpenChange mapiproxy: ambiguous name resolution (MS-OXNSPI 3.1.4.7) and
 * restriction evaluation (MS-OXNSPI 2.2.2 Restriction_r, MS-OXCDATA 2.12).
 *
 * Copyright (C) OpenChange developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>
#include <strings.h>

#include "mapiproxy/nspi/nspi_book.h"
#include "idl/gen_errors.h"

/* MS-OXCDATA 2.12.4 / 2.12.5 */
#define FL_FULLSTRING	0x00000000
#define FL_SUBSTRING	0x00000001
#define FL_PREFIX	0x00000002
#define RELOP_LT	0
#define RELOP_LE	1
#define RELOP_GT	2
#define RELOP_GE	3
#define RELOP_EQ	4
#define RELOP_NE	5
#define BMR_EQZ		0
#define BMR_NEZ		1

/* the query, folded and without surrounding blanks; "=x" asks for an exact match */
static char *anr_query(TALLOC_CTX *mem_ctx, const char *query, bool *exact)
{
	const char *start = query;
	size_t len;
	char *trimmed, *folded;

	*exact = false;
	while (*start == ' ' || *start == '\t') {
		start++;
	}
	if (*start == '=') {
		*exact = true;
		start++;
	}
	/* "SMTP:a@b" and "EX:/o=.." name an address: the type says nothing more */
	if (strncasecmp(start, "smtp:", 5) == 0) {
		start += 5;
	} else if (strncasecmp(start, "ex:", 3) == 0) {
		start += 3;
	}
	len = strlen(start);
	while (len > 0 && (start[len - 1] == ' ' || start[len - 1] == '\t')) {
		len--;
	}
	trimmed = talloc_strndup(mem_ctx, start, len);
	if (trimmed == NULL) {
		return NULL;
	}
	folded = nspi_fold(mem_ctx, trimmed);
	talloc_free(trimmed);
	return folded;
}

/* first ANR key >= q */
static uint32_t anr_lower_bound(const struct nspi_book *book, const char *q)
{
	uint32_t lo = 0, hi = book->num_anr;

	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;

		if (strcmp(book->anr[mid].key, q) < 0) {
			lo = mid + 1;
		} else {
			hi = mid;
		}
	}
	return lo;
}

enum nspi_anr_result nspi_anr(const struct nspi_book *book, const struct nspi_container *c,
			      const char *query, struct nspi_object **found)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	struct nspi_object *first = NULL, *exact_obj = NULL;
	uint32_t i, exact_count = 0;
	bool want_exact, several = false;
	size_t qlen;
	char *q;

	*found = NULL;
	q = anr_query(tmp, query != NULL ? query : "", &want_exact);
	if (q == NULL || q[0] == '\0') {
		talloc_free(tmp);
		return NSPI_ANR_NONE;
	}
	qlen = strlen(q);
	for (i = anr_lower_bound(book, q); i < book->num_anr; i++) {
		const struct nspi_anr_key *k = &book->anr[i];
		bool exact;

		if (strncmp(k->key, q, qlen) != 0) {
			break;
		}
		if (c != NULL && !nspi_container_has(c, k->obj)) {
			continue;
		}
		exact = k->whole && k->key[qlen] == '\0';
		if (want_exact && !exact) {
			continue;
		}
		if (exact && exact_obj != k->obj) {
			exact_count += exact_obj == NULL || exact_obj != k->obj ? 1 : 0;
			exact_obj = k->obj;
		}
		if (first == NULL) {
			first = k->obj;
		} else if (first != k->obj) {
			several = true;
		}
	}
	talloc_free(tmp);
	if (first == NULL) {
		return NSPI_ANR_NONE;
	}
	if (!several) {
		*found = first;
		return NSPI_ANR_UNIQUE;
	}
	/* several prefixes match; one object whose value is exactly the query wins */
	if (exact_count == 1) {
		*found = exact_obj;
		return NSPI_ANR_UNIQUE;
	}
	return NSPI_ANR_AMBIGUOUS;
}

bool nspi_anr_matches(const struct nspi_book *book, const struct nspi_object *obj,
		      const char *query)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	bool exact_only, match = false;
	uint32_t i;
	size_t qlen;
	char *q = anr_query(tmp, query != NULL ? query : "", &exact_only);

	if (q == NULL || q[0] == '\0') {
		talloc_free(tmp);
		return false;
	}
	qlen = strlen(q);
	for (i = anr_lower_bound(book, q); i < book->num_anr && !match; i++) {
		const struct nspi_anr_key *k = &book->anr[i];

		if (strncmp(k->key, q, qlen) != 0) {
			break;
		}
		match = k->obj == obj && (!exact_only || (k->whole && k->key[qlen] == '\0'));
	}
	talloc_free(tmp);
	return match;
}

/* --- restrictions ----------------------------------------------------------- */

static uint32_t check(const struct Restriction_r *res, int depth)
{
	uint32_t i, ret;

	if (res == NULL) {
		return MAPI_E_INVALID_PARAMETER;
	}
	if (depth > NSPI_MAX_RESTRICTION_DEPTH) {
		return MAPI_E_TOO_COMPLEX;
	}
	switch (res->rt) {
	case RES_AND:
		/* a unique pointer may be NULL whatever the count says */
		if (res->res.resAnd.cRes > 0 && res->res.resAnd.lpRes == NULL) {
			return MAPI_E_INVALID_PARAMETER;
		}
		for (i = 0; i < res->res.resAnd.cRes; i++) {
			ret = check(&res->res.resAnd.lpRes[i], depth + 1);
			if (ret != MAPI_E_SUCCESS) {
				return ret;
			}
		}
		return MAPI_E_SUCCESS;
	case RES_OR:
		if (res->res.resOr.cRes > 0 && res->res.resOr.lpRes == NULL) {
			return MAPI_E_INVALID_PARAMETER;
		}
		for (i = 0; i < res->res.resOr.cRes; i++) {
			ret = check(&res->res.resOr.lpRes[i], depth + 1);
			if (ret != MAPI_E_SUCCESS) {
				return ret;
			}
		}
		return MAPI_E_SUCCESS;
	case RES_NOT:
		return check(res->res.resNot.lpRes, depth + 1);
	case RES_CONTENT:
		return res->res.resContent.lpProp != NULL ? MAPI_E_SUCCESS : MAPI_E_INVALID_PARAMETER;
	case RES_PROPERTY:
		return res->res.resProperty.lpProp != NULL && res->res.resProperty.relop <= RELOP_NE ?
			MAPI_E_SUCCESS : (res->res.resProperty.lpProp == NULL ?
					  MAPI_E_INVALID_PARAMETER : MAPI_E_TOO_COMPLEX);
	case RES_BITMASK:
	case RES_EXIST:
	case RES_SIZE:
	case RES_COMPAREPROPS:
		return MAPI_E_SUCCESS;
	case RES_SUBRESTRICTION:
		/* well formed when its restriction is (evaluated in match()) */
		return check(res->res.resSub.lpRes, depth + 1);
	default:
		return MAPI_E_TOO_COMPLEX;
	}
}

uint32_t nspi_restriction_check(const struct nspi_prop_ctx *ctx, const struct Restriction_r *res)
{
	(void)ctx;
	return check(res, 0);
}

/* a string from the restriction, as UTF-8 */
static const char *restriction_string(TALLOC_CTX *mem_ctx, const struct nspi_prop_ctx *ctx,
				      const struct PropertyValue_r *v)
{
	char *utf8 = NULL;

	switch (NSPI_PROP_TYPE(v->ulPropTag)) {
	case PT_UNICODE:
		return v->Value.lpszW;
	case PT_STRING8:
		if (!nspi_string8_from_wire(mem_ctx, v->Value.lpszA, ctx->codepage, &utf8)) {
			return NULL;
		}
		return utf8;
	default:
		return NULL;
	}
}

static bool fuzzy_match(TALLOC_CTX *mem_ctx, const char *value, const char *pattern,
			uint32_t fuzzy)
{
	const char *v = value, *p = pattern;

	if (value == NULL || pattern == NULL) {
		return false;
	}
	/* FL_IGNORECASE, FL_IGNORENONSPACE and FL_LOOSE all fold case here */
	if (fuzzy & 0x00070000) {
		v = nspi_fold(mem_ctx, value);
		p = nspi_fold(mem_ctx, pattern);
		if (v == NULL || p == NULL) {
			return false;
		}
	}
	switch (fuzzy & 0xFFFF) {
	case FL_SUBSTRING:
		return strstr(v, p) != NULL;
	case FL_PREFIX:
		return strncmp(v, p, strlen(p)) == 0;
	default:
		return strcmp(v, p) == 0;
	}
}

/* the object's value as the restriction's type: strings as UTF-8 */
static bool object_value(TALLOC_CTX *mem_ctx, const struct nspi_prop_ctx *ctx,
			 const struct nspi_object *obj, uint32_t tag, struct PropertyValue_r *v)
{
	struct nspi_prop_ctx plain = *ctx;
	uint32_t type = NSPI_PROP_TYPE(tag);

	plain.wire = false;
	if (type == PT_STRING8) {
		tag = NSPI_PROP_TAG(NSPI_PROP_ID(tag), PT_UNICODE);
	} else if (type == PT_MV_STRING8) {
		tag = NSPI_PROP_TAG(NSPI_PROP_ID(tag), PT_MV_UNICODE);
	}
	return nspi_get_prop(mem_ctx, &plain, obj, tag, v);
}

static int compare_values(TALLOC_CTX *mem_ctx, const struct nspi_prop_ctx *ctx,
			  const struct PropertyValue_r *a, const struct PropertyValue_r *b,
			  bool *comparable)
{
	uint32_t ta = NSPI_PROP_TYPE(a->ulPropTag), tb = NSPI_PROP_TYPE(b->ulPropTag);

	*comparable = true;
	if ((ta == PT_UNICODE || ta == PT_STRING8) && (tb == PT_UNICODE || tb == PT_STRING8)) {
		const char *sa = ta == PT_UNICODE ? a->Value.lpszW : a->Value.lpszA;
		const char *sb = restriction_string(mem_ctx, ctx, b);
		char *fa, *fb;

		if (sa == NULL || sb == NULL) {
			*comparable = false;
			return 0;
		}
		/* MS-OXNSPI 3.1.4.3: string comparisons ignore case */
		fa = nspi_fold(mem_ctx, sa);
		fb = nspi_fold(mem_ctx, sb);
		if (fa == NULL || fb == NULL) {
			*comparable = false;
			return 0;
		}
		return strcmp(fa, fb);
	}
	if (ta != tb) {
		*comparable = false;
		return 0;
	}
	switch (ta) {
	case PT_LONG:
		return a->Value.l < b->Value.l ? -1 : (a->Value.l > b->Value.l ? 1 : 0);
	case PT_SHORT:
		return a->Value.i < b->Value.i ? -1 : (a->Value.i > b->Value.i ? 1 : 0);
	case PT_BOOLEAN:
		return (a->Value.b != 0) - (b->Value.b != 0);
	case PT_BINARY: {
		uint32_t n = a->Value.bin.cb < b->Value.bin.cb ? a->Value.bin.cb : b->Value.bin.cb;
		int c;

		/* the request's bytes are a unique pointer: NULL whatever cb says */
		if ((a->Value.bin.cb > 0 && a->Value.bin.lpb == NULL) ||
		    (b->Value.bin.cb > 0 && b->Value.bin.lpb == NULL)) {
			*comparable = false;
			return 0;
		}
		c = n > 0 ? memcmp(a->Value.bin.lpb, b->Value.bin.lpb, n) : 0;

		if (c != 0) {
			return c;
		}
		return a->Value.bin.cb < b->Value.bin.cb ? -1 : (a->Value.bin.cb > b->Value.bin.cb);
	}
	case PT_SYSTIME: {
		uint64_t x = ((uint64_t)a->Value.ft.dwHighDateTime << 32) | a->Value.ft.dwLowDateTime;
		uint64_t y = ((uint64_t)b->Value.ft.dwHighDateTime << 32) | b->Value.ft.dwLowDateTime;

		return x < y ? -1 : (x > y ? 1 : 0);
	}
	default:
		*comparable = false;
		return 0;
	}
}

static bool relop_holds(uint32_t relop, int c)
{
	switch (relop) {
	case RELOP_LT: return c < 0;
	case RELOP_LE: return c <= 0;
	case RELOP_GT: return c > 0;
	case RELOP_GE: return c >= 0;
	case RELOP_EQ: return c == 0;
	case RELOP_NE: return c != 0;
	default: return false;
	}
}

static bool content_match(TALLOC_CTX *mem_ctx, const struct nspi_prop_ctx *ctx,
			  const struct nspi_object *obj, const struct ContentRestriction_r *r)
{
	struct PropertyValue_r v;
	const char *pattern = restriction_string(mem_ctx, ctx, r->lpProp);
	uint32_t tag = r->ulPropTag, i;

	if (pattern == NULL) {
		return false;
	}
	/* a content restriction on a string property looks at every value of an MV one */
	if (!object_value(mem_ctx, ctx, obj, tag, &v)) {
		return false;
	}
	switch (NSPI_PROP_TYPE(v.ulPropTag)) {
	case PT_UNICODE:
		return fuzzy_match(mem_ctx, v.Value.lpszW, pattern, r->ulFuzzyLevel);
	case PT_STRING8:
		return fuzzy_match(mem_ctx, v.Value.lpszA, pattern, r->ulFuzzyLevel);
	case PT_MV_UNICODE:
		for (i = 0; i < v.Value.MVszW.cValues; i++) {
			if (fuzzy_match(mem_ctx, v.Value.MVszW.lppszW[i], pattern, r->ulFuzzyLevel)) {
				return true;
			}
		}
		return false;
	default:
		return false;
	}
}

static bool property_match(TALLOC_CTX *mem_ctx, const struct nspi_prop_ctx *ctx,
			   const struct nspi_object *obj, const struct PropertyRestriction_r *r)
{
	struct PropertyValue_r v;
	bool comparable;
	int c;

	/* MS-OXNSPI 3.1.4.7: a property restriction on PidTagAnr is an ANR test */
	if (NSPI_PROP_ID(r->ulPropTag) == NSPI_PROP_ID(NSPI_TAG_ANR)) {
		const char *q = restriction_string(mem_ctx, ctx, r->lpProp);

		return q != NULL && nspi_anr_matches(ctx->book, obj, q);
	}
	if (!object_value(mem_ctx, ctx, obj, r->ulPropTag, &v)) {
		return false;
	}
	if (NSPI_PROP_TYPE(v.ulPropTag) == PT_MV_UNICODE) {
		uint32_t i;

		for (i = 0; i < v.Value.MVszW.cValues; i++) {
			struct PropertyValue_r one = { .ulPropTag = NSPI_PROP_TAG(0, PT_UNICODE) };

			one.Value.lpszW = v.Value.MVszW.lppszW[i];
			c = compare_values(mem_ctx, ctx, &one, r->lpProp, &comparable);
			if (comparable && relop_holds(r->relop, c)) {
				return true;
			}
		}
		return false;
	}
	c = compare_values(mem_ctx, ctx, &v, r->lpProp, &comparable);
	return comparable && relop_holds(r->relop, c);
}

static bool match(TALLOC_CTX *mem_ctx, const struct nspi_prop_ctx *ctx,
		  const struct nspi_object *obj, const struct Restriction_r *res)
{
	struct PropertyValue_r v, w;
	uint32_t i;
	bool comparable;

	switch (res->rt) {
	case RES_AND:
		for (i = 0; i < res->res.resAnd.cRes; i++) {
			if (!match(mem_ctx, ctx, obj, &res->res.resAnd.lpRes[i])) {
				return false;
			}
		}
		return true;
	case RES_OR:
		for (i = 0; i < res->res.resOr.cRes; i++) {
			if (match(mem_ctx, ctx, obj, &res->res.resOr.lpRes[i])) {
				return true;
			}
		}
		return false;
	case RES_NOT:
		return !match(mem_ctx, ctx, obj, res->res.resNot.lpRes);
	case RES_CONTENT:
		return content_match(mem_ctx, ctx, obj, &res->res.resContent);
	case RES_PROPERTY:
		return property_match(mem_ctx, ctx, obj, &res->res.resProperty);
	case RES_EXIST:
		return object_value(mem_ctx, ctx, obj, res->res.resExist.ulPropTag, &v);
	case RES_BITMASK:
		if (!object_value(mem_ctx, ctx, obj,
				  NSPI_PROP_TAG(NSPI_PROP_ID(res->res.resBitMask.ulPropTag), PT_LONG), &v)) {
			return false;
		}
		if (res->res.resBitMask.relBMR == BMR_EQZ) {
			return ((uint32_t)v.Value.l & res->res.resBitMask.ulMask) == 0;
		}
		return ((uint32_t)v.Value.l & res->res.resBitMask.ulMask) != 0;
	case RES_SIZE: {
		uint32_t size;

		if (!object_value(mem_ctx, ctx, obj, res->res.resSize.ulPropTag, &v)) {
			return false;
		}
		switch (NSPI_PROP_TYPE(v.ulPropTag)) {
		case PT_UNICODE: size = (uint32_t)(strlen(v.Value.lpszW) + 1) * 2; break;
		case PT_STRING8: size = (uint32_t)strlen(v.Value.lpszA) + 1; break;
		case PT_BINARY: size = v.Value.bin.cb; break;
		case PT_LONG: size = 4; break;
		case PT_BOOLEAN: size = 2; break;
		default: return false;
		}
		return relop_holds(res->res.resSize.relop,
				   size < res->res.resSize.cb ? -1 : (size > res->res.resSize.cb));
	}
	case RES_COMPAREPROPS:
		if (!object_value(mem_ctx, ctx, obj, res->res.resCompareProps.ulPropTag1, &v) ||
		    !object_value(mem_ctx, ctx, obj, res->res.resCompareProps.ulPropTag2, &w)) {
			return false;
		}
		{
			int c;

			/* both sides are the object's own UTF-8 values */
			if (NSPI_PROP_TYPE(w.ulPropTag) == PT_UNICODE ||
			    NSPI_PROP_TYPE(w.ulPropTag) == PT_STRING8) {
				w.ulPropTag = NSPI_PROP_TAG(0, PT_UNICODE);
			}
			c = compare_values(mem_ctx, ctx, &v, &w, &comparable);
			return comparable && relop_holds(res->res.resCompareProps.relop, c);
		}
	case RES_SUBRESTRICTION:
		/*
		 * MS-OXCDATA 2.12.10 (SubRestriction_r is its encoding): an
		 * object satisfies it when a row of its recipient or attachment
		 * table (ulSubObject) satisfies the inner restriction.  An
		 * address book object has neither table: no row, no match.
		 */
		return false;
	default:
		return false;
	}
}

bool nspi_restriction_match(const struct nspi_prop_ctx *ctx, const struct nspi_object *obj,
			    const struct Restriction_r *res)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	bool m = match(tmp, ctx, obj, res);

	talloc_free(tmp);
	return m;
}
