/*
 * Unit tests of the generated NDR code of MS-OXNSPI: round trips of
 * every call in both directions, byte vectors written by hand from the
 * spec's IDL, and hostile input (truncations, range(), size_is).
 *
 * Copyright (C) OpenChange developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "idl/gen_ndr_nspi.h"
#include <charset.h>
#include "testsuite/unit/ndr_test_helpers.h"

/* --- values used by many calls -------------------------------------------------- */

#define PROP(id, type) (((uint32_t)(id) << 16) | (type))
#define PR_DISPLAY_NAME_W PROP(0x3001, PT_UNICODE)
#define PR_SMTP_ADDRESS_A PROP(0x39fe, PT_STRING8)
#define PR_OBJECT_TYPE PROP(0x0ffe, PT_LONG)

static const struct policy_handle nspi_handle = {
	.handle_type = 0,
	.uuid = { 0x01020304, 0x0506, 0x0708, { 0x09, 0x0a }, { 0x0b, 0x0c, 0x0d, 0x0e, 0x0f, 0x10 } },
};
#define HANDLE_BYTES 0, 0, 0, 0, 4, 3, 2, 1, 6, 5, 8, 7, 9, 10, 11, 12, 13, 14, 15, 16

static struct STAT test_stat(void)
{
	return (struct STAT) { .SortType = 0, .ContainerID = 0, .CurrentRec = 0x10, .Delta = -3,
			       .NumPos = 7, .TotalRecs = 100, .CodePage = 1252,
			       .TemplateLocale = 1033, .SortLocale = 1033 };
}
#define STAT_BYTES 0, 0, 0, 0,  0, 0, 0, 0,  0x10, 0, 0, 0,  0xfd, 0xff, 0xff, 0xff,  7, 0, 0, 0, \
	100, 0, 0, 0,  0xe4, 0x04, 0, 0,  0x09, 0x04, 0, 0,  0x09, 0x04, 0, 0

static struct PropertyTagArray_r *tag_array(TALLOC_CTX *mem_ctx, uint32_t count, uint32_t first)
{
	struct PropertyTagArray_r *tags = talloc_zero(mem_ctx, struct PropertyTagArray_r);
	uint32_t i;

	tags->cValues = count;
	tags->aulPropTag = talloc_array(tags, uint32_t, count + 1);
	for (i = 0; i < count; i++) {
		tags->aulPropTag[i] = first + i;
	}
	return tags;
}

static struct FlatUID_r *flat_uid(TALLOC_CTX *mem_ctx, uint8_t seed)
{
	struct FlatUID_r *uid = talloc(mem_ctx, struct FlatUID_r);
	int i;

	for (i = 0; i < 16; i++) {
		uid->ab[i] = seed + i;
	}
	return uid;
}

static struct Binary_r binary(TALLOC_CTX *mem_ctx, uint32_t cb, uint8_t seed)
{
	struct Binary_r bin = { .cb = cb, .lpb = NULL };
	uint32_t i;

	if (cb > 0) {
		bin.lpb = talloc_array(mem_ctx, uint8_t, cb);
		for (i = 0; i < cb; i++) {
			bin.lpb[i] = seed + i;
		}
	}
	return bin;
}

/* One value for every arm of PROP_VAL_UNION (MS-OXNSPI 2.2.2.11), with
 * NULL and empty variants where the arm has a pointer or an array. */
static struct PropertyValue_r *all_values(TALLOC_CTX *mem_ctx, uint32_t *count)
{
	struct PropertyValue_r *v = talloc_zero_array(mem_ctx, struct PropertyValue_r, 24);
	uint32_t n = 0;
	static const char *mv_strings[] = { "one", NULL, "" };
	static const char *mv_wstrings[] = { "Gr\xc3\xbc\xc3\x9f" "e", "\xe2\x82\xac" };

	v[n].ulPropTag = PROP(0x1000, PT_SHORT); v[n++].Value.i = -2;
	v[n].ulPropTag = PR_OBJECT_TYPE; v[n++].Value.l = 6;
	v[n].ulPropTag = PROP(0x1001, PT_BOOLEAN); v[n++].Value.b = 1;
	v[n].ulPropTag = PR_SMTP_ADDRESS_A; v[n++].Value.lpszA = "alice@example.org";
	v[n].ulPropTag = PROP(0x1002, PT_STRING8); v[n++].Value.lpszA = NULL;
	v[n].ulPropTag = PROP(0x0ff9, PT_BINARY); v[n++].Value.bin = binary(v, 5, 0x80);
	v[n].ulPropTag = PROP(0x1003, PT_BINARY); v[n++].Value.bin = binary(v, 0, 0);
	v[n].ulPropTag = PR_DISPLAY_NAME_W; v[n++].Value.lpszW = "Zo\xc3\xab \xe6\x97\xa5";
	v[n].ulPropTag = PROP(0x1004, PT_CLSID); v[n++].Value.lpguid = flat_uid(v, 0x40);
	v[n].ulPropTag = PROP(0x1005, PT_CLSID); v[n++].Value.lpguid = NULL;
	v[n].ulPropTag = PROP(0x3007, PT_SYSTIME);
	v[n++].Value.ft = (struct FILETIME) { .dwLowDateTime = 0x89abcdef, .dwHighDateTime = 0x01d00000 };
	v[n].ulPropTag = PROP(0x3008, PT_ERROR); v[n++].Value.err = 0x8004010f;
	v[n].ulPropTag = PROP(0x1006, PT_MV_SHORT);
	v[n].Value.MVi.cValues = 2;
	v[n].Value.MVi.lpi = talloc_array(v, int16_t, 2);
	v[n].Value.MVi.lpi[0] = 1; v[n].Value.MVi.lpi[1] = -32768; n++;
	v[n].ulPropTag = PROP(0x1007, PT_MV_LONG);
	v[n].Value.MVl.cValues = 1;
	v[n].Value.MVl.lpl = talloc_array(v, int32_t, 1);
	v[n].Value.MVl.lpl[0] = 0x7fffffff; n++;
	v[n].ulPropTag = PROP(0x1008, PT_MV_LONG); n++;	/* empty, NULL array */
	v[n].ulPropTag = PROP(0x1009, PT_MV_STRING8);
	v[n].Value.MVszA.cValues = 3;
	v[n].Value.MVszA.lppszA = talloc_memdup(v, mv_strings, sizeof(mv_strings)); n++;
	v[n].ulPropTag = PROP(0x800f, PT_MV_UNICODE);
	v[n].Value.MVszW.cValues = 2;
	v[n].Value.MVszW.lppszW = talloc_memdup(v, mv_wstrings, sizeof(mv_wstrings)); n++;
	v[n].ulPropTag = PROP(0x100a, PT_MV_BINARY);
	v[n].Value.MVbin.cValues = 2;
	v[n].Value.MVbin.lpbin = talloc_array(v, struct Binary_r, 2);
	v[n].Value.MVbin.lpbin[0] = binary(v, 3, 1);
	v[n].Value.MVbin.lpbin[1] = binary(v, 0, 0); n++;
	v[n].ulPropTag = PROP(0x100b, PT_MV_CLSID);
	v[n].Value.MVguid.cValues = 2;
	v[n].Value.MVguid.lpguid = talloc_array(v, struct FlatUID_r *, 2);
	v[n].Value.MVguid.lpguid[0] = flat_uid(v, 0x10);
	v[n].Value.MVguid.lpguid[1] = NULL; n++;
	v[n].ulPropTag = PROP(0x100c, PT_MV_SYSTIME);
	v[n].Value.MVft.cValues = 1;
	v[n].Value.MVft.lpft = talloc_zero_array(v, struct FILETIME, 1);
	v[n].Value.MVft.lpft[0].dwHighDateTime = 7; n++;
	v[n].ulPropTag = PROP(0x100d, PT_NULL); v[n++].Value.lReserved = 0;
	v[n].ulPropTag = PROP(0x100e, PT_OBJECT); v[n++].Value.lReserved = 0x12345678;
	*count = n;
	return v;
}

static struct PropertyRow_r *row_of_everything(TALLOC_CTX *mem_ctx)
{
	struct PropertyRow_r *row = talloc_zero(mem_ctx, struct PropertyRow_r);

	row->Reserved = 0;
	row->lpProps = all_values(row, &row->cValues);
	return row;
}

static struct PropertyRowSet_r *row_set(TALLOC_CTX *mem_ctx)
{
	struct PropertyRowSet_r *rows = talloc_zero(mem_ctx, struct PropertyRowSet_r);

	rows->cRows = 3;
	rows->aRow = talloc_zero_array(rows, struct PropertyRow_r, 3);
	rows->aRow[0].lpProps = all_values(rows, &rows->aRow[0].cValues);
	/* aRow[1]: an empty row with a NULL value array */
	rows->aRow[2].cValues = 1;
	rows->aRow[2].lpProps = talloc_zero_array(rows, struct PropertyValue_r, 1);
	rows->aRow[2].lpProps[0].ulPropTag = PR_OBJECT_TYPE;
	rows->aRow[2].lpProps[0].Value.l = 3;
	return rows;
}

static struct PropertyValue_r *value_long(TALLOC_CTX *mem_ctx, uint32_t tag, int32_t l)
{
	struct PropertyValue_r *v = talloc_zero(mem_ctx, struct PropertyValue_r);

	v->ulPropTag = tag;
	v->Value.l = l;
	return v;
}

/* A restriction using every arm of RestrictionUnion_r (MS-OXNSPI 2.2.5). */
static struct Restriction_r *restriction_of_everything(TALLOC_CTX *mem_ctx)
{
	struct Restriction_r *top = talloc_zero(mem_ctx, struct Restriction_r);
	struct Restriction_r *and = talloc_zero_array(top, struct Restriction_r, 6);
	struct Restriction_r *or = talloc_zero_array(top, struct Restriction_r, 2);
	struct Restriction_r *exist = talloc_zero(top, struct Restriction_r);
	struct Restriction_r *compare = talloc_zero(top, struct Restriction_r);
	struct PropertyValue_r *name = talloc_zero(top, struct PropertyValue_r);

	name->ulPropTag = PR_DISPLAY_NAME_W;
	name->Value.lpszW = "ali";
	or[0].rt = RES_CONTENT;
	or[0].res.resContent = (struct ContentRestriction_r) {
		.ulFuzzyLevel = 0x10001, .ulPropTag = PR_DISPLAY_NAME_W, .lpProp = name };
	or[1].rt = RES_PROPERTY;
	or[1].res.resProperty = (struct PropertyRestriction_r) {
		.relop = 4, .ulPropTag = PR_OBJECT_TYPE, .lpProp = value_long(top, PR_OBJECT_TYPE, 6) };
	exist->rt = RES_EXIST;
	exist->res.resExist = (struct ExistRestriction_r) { .ulPropTag = PR_SMTP_ADDRESS_A };
	compare->rt = RES_COMPAREPROPS;
	compare->res.resCompareProps = (struct ComparePropsRestriction_r) {
		.relop = 1, .ulPropTag1 = PR_DISPLAY_NAME_W, .ulPropTag2 = PR_SMTP_ADDRESS_A };

	and[0].rt = RES_OR;
	and[0].res.resOr = (struct OrRestriction_r) { .cRes = 2, .lpRes = or };
	and[1].rt = RES_NOT;
	and[1].res.resNot.lpRes = exist;
	and[2].rt = RES_SUBRESTRICTION;
	and[2].res.resSub = (struct SubRestriction_r) { .ulSubObject = 0x0e12000d, .lpRes = compare };
	and[3].rt = RES_BITMASK;
	and[3].res.resBitMask = (struct BitMaskRestriction_r) {
		.relBMR = 1, .ulPropTag = PR_OBJECT_TYPE, .ulMask = 0x10 };
	and[4].rt = RES_SIZE;
	and[4].res.resSize = (struct SizeRestriction_r) { .relop = 2, .ulPropTag = PR_DISPLAY_NAME_W, .cb = 64 };
	and[5].rt = RES_AND;	/* an empty AND: no array at all */
	top->rt = RES_AND;
	top->res.resAnd = (struct AndRestriction_r) { .cRes = 6, .lpRes = and };
	return top;
}

/* --- the interface table ------------------------------------------------------ */

static void test_table(void **state)
{
	static const char *names[] = {
		"NspiBind", "NspiUnbind", "NspiUpdateStat", "NspiQueryRows", "NspiSeekEntries",
		"NspiGetMatches", "NspiResortRestriction", "NspiDNToMId", "NspiGetPropList",
		"NspiGetProps", "NspiCompareMIds", "NspiModProps", "NspiGetSpecialTable",
		"NspiGetTemplateInfo", "NspiModLinkAtt", "Opnum15NotUsedOnWire",
		"NspiQueryColumns", "NspiGetNamesFromIDs", "NspiGetIDsFromNames",
		"NspiResolveNames", "NspiResolveNamesW",
	};
	struct GUID uuid;
	uint32_t i;

	assert_int_equal(ndr_table_nspi.num_calls, 21);
	for (i = 0; i < 21; i++) {
		assert_string_equal(ndr_table_nspi.calls[i].name, names[i]);
	}
	assert_true(NT_STATUS_IS_OK(GUID_from_string("f5cc5a18-4264-101a-8c59-08002b2f8426", &uuid)));
	assert_true(GUID_equal(&ndr_table_nspi.syntax_id.uuid, &uuid));
	assert_int_equal(ndr_table_nspi.syntax_id.if_version, 56);
}

/* --- hand-written vectors ------------------------------------------------------ */

static void test_bind_bytes(void **state)
{
	TALLOC_CTX *mem_ctx = talloc_new(NULL);
	struct STAT stat = test_stat();
	struct policy_handle out_handle = nspi_handle;
	struct NspiBind r = { .in = { .dwFlags = fAnonymousLogin, .pStat = &stat, .pServerGuid = NULL },
			      .out = { .pServerGuid = flat_uid(mem_ctx, 0xa0),
				       .contextHandle = &out_handle, .result = 0 } };
	struct NspiBind *copy;
	DATA_BLOB wire;
	/* dwFlags, STAT by [ref] (no referent id), pServerGuid NULL */
	static const uint8_t expected_in[] = { 0x20, 0, 0, 0, STAT_BYTES, 0, 0, 0, 0 };
	static const uint8_t expected_out[] = {
		0x00, 0x00, 0x02, 0x00,
		0xa0, 0xa1, 0xa2, 0xa3, 0xa4, 0xa5, 0xa6, 0xa7,
		0xa8, 0xa9, 0xaa, 0xab, 0xac, 0xad, 0xae, 0xaf,
		HANDLE_BYTES, 0, 0, 0, 0,
	};

	copy = roundtrip(mem_ctx, &ndr_table_nspi, NDR_NSPIBIND, NDR_IN, &r, &wire);
	assert_blob_equal(wire, expected_in, sizeof(expected_in));
	assert_int_equal(copy->in.dwFlags, fAnonymousLogin);
	assert_int_equal(copy->in.pStat->Delta, -3);
	assert_int_equal(copy->in.pStat->CodePage, 1252);
	assert_null(copy->in.pServerGuid);
	copy = roundtrip(mem_ctx, &ndr_table_nspi, NDR_NSPIBIND, NDR_OUT, &r, &wire);
	assert_blob_equal(wire, expected_out, sizeof(expected_out));
	assert_int_equal(copy->out.pServerGuid->ab[15], 0xaf);
	assert_true(ndr_policy_handle_equal(copy->out.contextHandle, &nspi_handle));
	talloc_free(mem_ctx);
}

static void test_query_rows_bytes(void **state)
{
	TALLOC_CTX *mem_ctx = talloc_new(NULL);
	struct STAT stat = test_stat();
	struct PropertyRowSet_r *rows = talloc_zero(mem_ctx, struct PropertyRowSet_r);
	struct NspiQueryRows r = { .out = { .pStat = &stat, .ppRows = &rows, .result = 0 } };
	struct NspiQueryRows *copy;
	DATA_BLOB wire;
	/* one row holding one PT_LONG: the union's discriminant precedes the arm */
	static const uint8_t expected[] = {
		STAT_BYTES,
		0x00, 0x00, 0x02, 0x00,			/* *ppRows */
		1, 0, 0, 0,				/* aRow max count (hoisted) */
		1, 0, 0, 0,				/* cRows */
		0, 0, 0, 0,  1, 0, 0, 0,  0x04, 0x00, 0x02, 0x00,	/* Reserved, cValues, lpProps */
		1, 0, 0, 0,				/* lpProps max count */
		0x03, 0x00, 0xfe, 0x0f,  0, 0, 0, 0,	/* ulPropTag, ulReserved */
		0x03, 0, 0, 0,  6, 0, 0, 0,		/* discriminant PT_LONG, l */
		0, 0, 0, 0,				/* result */
	};

	rows->cRows = 1;
	rows->aRow = talloc_zero_array(rows, struct PropertyRow_r, 1);
	rows->aRow[0].cValues = 1;
	rows->aRow[0].lpProps = value_long(rows, PR_OBJECT_TYPE, 6);
	copy = roundtrip(mem_ctx, &ndr_table_nspi, NDR_NSPIQUERYROWS, NDR_OUT, &r, &wire);
	assert_blob_equal(wire, expected, sizeof(expected));
	assert_int_equal((*copy->out.ppRows)->cRows, 1);
	assert_int_equal((*copy->out.ppRows)->aRow[0].lpProps[0].Value.l, 6);
	talloc_free(mem_ctx);
}

static void test_dn_to_mid_bytes(void **state)
{
	TALLOC_CTX *mem_ctx = talloc_new(NULL);
	const char *names[] = { "/o=a", NULL };
	struct StringsArray_r strings = { .Count = 2, .Strings = names };
	struct PropertyTagArray_r *mids = tag_array(mem_ctx, 2, 0x100);
	struct NspiDNToMId r = { .in = { .hRpc = nspi_handle, .Reserved = 0, .pNames = &strings },
				 .out = { .ppOutMIds = &mids, .result = 0 } };
	struct NspiDNToMId *copy;
	DATA_BLOB wire;
	/* StringsArray_r is a conformant structure: the max count first */
	static const uint8_t expected_in[] = {
		HANDLE_BYTES, 0, 0, 0, 0,
		2, 0, 0, 0,  2, 0, 0, 0,			/* max count, Count */
		0x00, 0x00, 0x02, 0x00,  0, 0, 0, 0,		/* Strings[0], Strings[1] NULL */
		5, 0, 0, 0,  0, 0, 0, 0,  5, 0, 0, 0,  '/', 'o', '=', 'a', 0,
	};
	/* PropertyTagArray_r: max count cValues+1, offset 0, actual count cValues */
	static const uint8_t expected_out[] = {
		0x00, 0x00, 0x02, 0x00,
		3, 0, 0, 0,  2, 0, 0, 0,  0, 0, 0, 0,  2, 0, 0, 0,
		0x00, 0x01, 0, 0,  0x01, 0x01, 0, 0,
		0, 0, 0, 0,
	};

	copy = roundtrip(mem_ctx, &ndr_table_nspi, NDR_NSPIDNTOMID, NDR_IN, &r, &wire);
	assert_blob_equal(wire, expected_in, sizeof(expected_in));
	assert_string_equal(copy->in.pNames->Strings[0], "/o=a");
	assert_null(copy->in.pNames->Strings[1]);
	copy = roundtrip(mem_ctx, &ndr_table_nspi, NDR_NSPIDNTOMID, NDR_OUT, &r, &wire);
	assert_blob_equal(wire, expected_out, sizeof(expected_out));
	assert_int_equal((*copy->out.ppOutMIds)->aulPropTag[1], 0x101);
	talloc_free(mem_ctx);
}

/* --- every call, both directions -------------------------------------------------- */

static void test_property_values(void **state)
{
	TALLOC_CTX *mem_ctx = talloc_new(NULL);
	struct STAT stat = test_stat();
	struct PropertyRow_r *row = row_of_everything(mem_ctx);
	struct NspiGetProps r = { .in = { .hRpc = nspi_handle, .dwFlags = 2, .pStat = &stat,
					  .pPropTags = tag_array(mem_ctx, 3, PR_OBJECT_TYPE) },
				  .out = { .ppRows = &row, .result = 0x00040380 } };
	struct NspiGetProps *copy;
	struct PropertyValue_r *v;

	copy = roundtrip(mem_ctx, &ndr_table_nspi, NDR_NSPIGETPROPS, NDR_IN, &r, NULL);
	assert_int_equal(copy->in.pPropTags->cValues, 3);
	assert_int_equal(copy->in.pPropTags->aulPropTag[2], PR_OBJECT_TYPE + 2);
	r.in.pPropTags = NULL;
	copy = roundtrip(mem_ctx, &ndr_table_nspi, NDR_NSPIGETPROPS, NDR_IN, &r, NULL);
	assert_null(copy->in.pPropTags);

	copy = roundtrip(mem_ctx, &ndr_table_nspi, NDR_NSPIGETPROPS, NDR_OUT, &r, NULL);
	assert_int_equal(copy->out.result, 0x00040380);
	assert_int_equal((*copy->out.ppRows)->cValues, row->cValues);
	v = (*copy->out.ppRows)->lpProps;
	assert_int_equal(v[0].Value.i, -2);
	assert_int_equal(v[1].Value.l, 6);
	assert_int_equal(v[2].Value.b, 1);
	assert_string_equal(v[3].Value.lpszA, "alice@example.org");
	assert_null(v[4].Value.lpszA);
	assert_int_equal(v[5].Value.bin.cb, 5);
	assert_int_equal(v[5].Value.bin.lpb[4], 0x84);
	assert_int_equal(v[6].Value.bin.cb, 0);
	assert_string_equal(v[7].Value.lpszW, "Zo\xc3\xab \xe6\x97\xa5");
	assert_int_equal(v[8].Value.lpguid->ab[0], 0x40);
	assert_null(v[9].Value.lpguid);
	assert_int_equal(v[10].Value.ft.dwLowDateTime, 0x89abcdef);
	assert_int_equal(v[11].Value.err, 0x8004010f);
	assert_int_equal(v[12].Value.MVi.lpi[1], -32768);
	assert_int_equal(v[13].Value.MVl.lpl[0], 0x7fffffff);
	assert_int_equal(v[14].Value.MVl.cValues, 0);
	assert_string_equal(v[15].Value.MVszA.lppszA[0], "one");
	assert_null(v[15].Value.MVszA.lppszA[1]);
	assert_string_equal(v[15].Value.MVszA.lppszA[2], "");
	assert_string_equal(v[16].Value.MVszW.lppszW[1], "\xe2\x82\xac");
	assert_int_equal(v[17].Value.MVbin.lpbin[0].lpb[2], 3);
	assert_int_equal(v[18].Value.MVguid.lpguid[0]->ab[1], 0x11);
	assert_null(v[18].Value.MVguid.lpguid[1]);
	assert_int_equal(v[19].Value.MVft.lpft[0].dwHighDateTime, 7);
	assert_int_equal(v[21].Value.lReserved, 0x12345678);

	/* a NULL row */
	row = NULL;
	copy = roundtrip(mem_ctx, &ndr_table_nspi, NDR_NSPIGETPROPS, NDR_OUT, &r, NULL);
	assert_null(*copy->out.ppRows);
	talloc_free(mem_ctx);
}

static void test_restrictions(void **state)
{
	TALLOC_CTX *mem_ctx = talloc_new(NULL);
	struct STAT stat = test_stat();
	struct PropertyName_r name = { .lpguid = flat_uid(mem_ctx, 1), .ulReserved = 0, .lID = -7 };
	struct PropertyTagArray_r *mids = tag_array(mem_ctx, 4, 0x10);
	struct PropertyRowSet_r *rows = row_set(mem_ctx);
	struct NspiGetMatches r = {
		.in = { .hRpc = nspi_handle, .Reserved1 = 0, .pStat = &stat, .pReserved = NULL,
			.Reserved2 = 0, .Filter = restriction_of_everything(mem_ctx),
			.lpPropName = &name, .ulRequested = 50,
			.pPropTags = tag_array(mem_ctx, 2, PR_DISPLAY_NAME_W) },
		.out = { .pStat = &stat, .ppOutMIds = &mids, .ppRows = &rows, .result = 0 },
	};
	struct NspiGetMatches *copy;
	struct Restriction_r *and;

	copy = roundtrip(mem_ctx, &ndr_table_nspi, NDR_NSPIGETMATCHES, NDR_IN, &r, NULL);
	assert_int_equal(copy->in.Filter->rt, RES_AND);
	and = copy->in.Filter->res.resAnd.lpRes;
	assert_int_equal(copy->in.Filter->res.resAnd.cRes, 6);
	assert_int_equal(and[0].res.resOr.lpRes[0].res.resContent.ulFuzzyLevel, 0x10001);
	assert_string_equal(and[0].res.resOr.lpRes[0].res.resContent.lpProp->Value.lpszW, "ali");
	assert_int_equal(and[0].res.resOr.lpRes[1].res.resProperty.lpProp->Value.l, 6);
	assert_int_equal(and[1].res.resNot.lpRes->res.resExist.ulPropTag, PR_SMTP_ADDRESS_A);
	assert_int_equal(and[2].res.resSub.lpRes->res.resCompareProps.ulPropTag2, PR_SMTP_ADDRESS_A);
	assert_int_equal(and[3].res.resBitMask.ulMask, 0x10);
	assert_int_equal(and[4].res.resSize.cb, 64);
	assert_int_equal(and[5].res.resAnd.cRes, 0);
	assert_int_equal(copy->in.lpPropName->lID, -7);

	r.in.Filter = NULL;
	r.in.lpPropName = NULL;
	r.in.pReserved = tag_array(mem_ctx, 0, 0);
	copy = roundtrip(mem_ctx, &ndr_table_nspi, NDR_NSPIGETMATCHES, NDR_IN, &r, NULL);
	assert_null(copy->in.Filter);
	assert_int_equal(copy->in.pReserved->cValues, 0);

	copy = roundtrip(mem_ctx, &ndr_table_nspi, NDR_NSPIGETMATCHES, NDR_OUT, &r, NULL);
	assert_int_equal((*copy->out.ppOutMIds)->cValues, 4);
	assert_int_equal((*copy->out.ppRows)->cRows, 3);
	assert_int_equal((*copy->out.ppRows)->aRow[1].cValues, 0);
	assert_int_equal((*copy->out.ppRows)->aRow[2].lpProps[0].Value.l, 3);
	talloc_free(mem_ctx);
}

static void test_bind_unbind_updatestat(void **state)
{
	TALLOC_CTX *mem_ctx = talloc_new(NULL);
	struct STAT stat = test_stat();
	struct policy_handle h = nspi_handle, zero = { 0 };
	int32_t delta = -5;
	struct NspiBind bind = { .in = { .dwFlags = 0, .pStat = &stat, .pServerGuid = flat_uid(mem_ctx, 9) },
				 .out = { .pServerGuid = NULL, .contextHandle = &h } };
	struct NspiUnbind unbind = { .in = { .contextHandle = &h, .Reserved = 0 },
				     .out = { .contextHandle = &zero, .result = 1 } };
	struct NspiUpdateStat update = { .in = { .hRpc = nspi_handle, .pStat = &stat, .plDelta = &delta },
					 .out = { .pStat = &stat, .plDelta = &delta } };
	struct NspiBind *bcopy;
	struct NspiUnbind *ucopy;
	struct NspiUpdateStat *scopy;

	bcopy = roundtrip(mem_ctx, &ndr_table_nspi, NDR_NSPIBIND, NDR_IN, &bind, NULL);
	assert_int_equal(bcopy->in.pServerGuid->ab[0], 9);
	roundtrip(mem_ctx, &ndr_table_nspi, NDR_NSPIBIND, NDR_OUT, &bind, NULL);
	ucopy = roundtrip(mem_ctx, &ndr_table_nspi, NDR_NSPIUNBIND, NDR_IN, &unbind, NULL);
	assert_true(ndr_policy_handle_equal(ucopy->in.contextHandle, &nspi_handle));
	ucopy = roundtrip(mem_ctx, &ndr_table_nspi, NDR_NSPIUNBIND, NDR_OUT, &unbind, NULL);
	assert_true(ndr_policy_handle_empty(ucopy->out.contextHandle));
	assert_int_equal(ucopy->out.result, 1);
	scopy = roundtrip(mem_ctx, &ndr_table_nspi, NDR_NSPIUPDATESTAT, NDR_IN, &update, NULL);
	assert_int_equal(*scopy->in.plDelta, -5);
	assert_int_equal(scopy->out.pStat->NumPos, 7);	/* [in,out]: starts as the [in] value */
	update.in.plDelta = NULL;
	update.out.plDelta = NULL;
	scopy = roundtrip(mem_ctx, &ndr_table_nspi, NDR_NSPIUPDATESTAT, NDR_IN, &update, NULL);
	assert_null(scopy->in.plDelta);
	roundtrip(mem_ctx, &ndr_table_nspi, NDR_NSPIUPDATESTAT, NDR_OUT, &update, NULL);
	talloc_free(mem_ctx);
}

static void test_query_seek_resort(void **state)
{
	TALLOC_CTX *mem_ctx = talloc_new(NULL);
	struct STAT stat = test_stat();
	uint32_t etable[] = { 0x100, 0x200, 0x300 };
	struct PropertyRowSet_r *rows = row_set(mem_ctx), *no_rows = NULL;
	struct PropertyTagArray_r *mids = tag_array(mem_ctx, 3, 0x200);
	struct NspiQueryRows q = { .in = { .hRpc = nspi_handle, .dwFlags = 1, .pStat = &stat,
					   .dwETableCount = 3, .lpETable = etable, .Count = 50,
					   .pPropTags = tag_array(mem_ctx, 2, PR_DISPLAY_NAME_W) },
				   .out = { .pStat = &stat, .ppRows = &rows } };
	struct NspiSeekEntries s = { .in = { .hRpc = nspi_handle, .pStat = &stat,
					     .pTarget = value_long(mem_ctx, PR_OBJECT_TYPE, 6),
					     .lpETable = tag_array(mem_ctx, 1, 0x300), .pPropTags = NULL },
				     .out = { .pStat = &stat, .ppRows = &no_rows } };
	struct NspiResortRestriction rr = { .in = { .hRpc = nspi_handle, .pStat = &stat,
						    .pInMIds = tag_array(mem_ctx, 3, 0x400),
						    .ppOutMIds = &mids },
					    .out = { .pStat = &stat, .ppOutMIds = &mids } };
	struct NspiQueryRows *qcopy;
	struct NspiSeekEntries *scopy;
	struct NspiResortRestriction *rcopy;

	qcopy = roundtrip(mem_ctx, &ndr_table_nspi, NDR_NSPIQUERYROWS, NDR_IN, &q, NULL);
	assert_int_equal(qcopy->in.dwETableCount, 3);
	assert_int_equal(qcopy->in.lpETable[2], 0x300);
	q.in.dwETableCount = 0;
	q.in.lpETable = NULL;
	qcopy = roundtrip(mem_ctx, &ndr_table_nspi, NDR_NSPIQUERYROWS, NDR_IN, &q, NULL);
	assert_null(qcopy->in.lpETable);
	qcopy = roundtrip(mem_ctx, &ndr_table_nspi, NDR_NSPIQUERYROWS, NDR_OUT, &q, NULL);
	assert_int_equal((*qcopy->out.ppRows)->cRows, 3);

	scopy = roundtrip(mem_ctx, &ndr_table_nspi, NDR_NSPISEEKENTRIES, NDR_IN, &s, NULL);
	assert_int_equal(scopy->in.pTarget->Value.l, 6);
	assert_int_equal(scopy->in.lpETable->aulPropTag[0], 0x300);
	scopy = roundtrip(mem_ctx, &ndr_table_nspi, NDR_NSPISEEKENTRIES, NDR_OUT, &s, NULL);
	assert_null(*scopy->out.ppRows);

	rcopy = roundtrip(mem_ctx, &ndr_table_nspi, NDR_NSPIRESORTRESTRICTION, NDR_IN, &rr, NULL);
	assert_int_equal(rcopy->in.pInMIds->aulPropTag[2], 0x402);
	assert_int_equal((*rcopy->in.ppOutMIds)->aulPropTag[0], 0x200);
	rcopy = roundtrip(mem_ctx, &ndr_table_nspi, NDR_NSPIRESORTRESTRICTION, NDR_OUT, &rr, NULL);
	assert_int_equal((*rcopy->out.ppOutMIds)->cValues, 3);
	talloc_free(mem_ctx);
}

static void test_proplist_compare_modprops(void **state)
{
	TALLOC_CTX *mem_ctx = talloc_new(NULL);
	struct STAT stat = test_stat();
	struct PropertyTagArray_r *tags = tag_array(mem_ctx, 5, PR_DISPLAY_NAME_W);
	int32_t result = -1;
	struct NspiGetPropList pl = { .in = { .hRpc = nspi_handle, .dwFlags = 0, .dwMId = 0x10, .CodePage = 1252 },
				      .out = { .ppPropTags = &tags } };
	struct NspiCompareMIds cm = { .in = { .hRpc = nspi_handle, .pStat = &stat, .MId1 = 1, .MId2 = 2 },
				      .out = { .plResult = &result } };
	struct NspiModProps mp = { .in = { .hRpc = nspi_handle, .pStat = &stat,
					   .pPropTags = tag_array(mem_ctx, 1, PR_DISPLAY_NAME_W),
					   .pRow = row_of_everything(mem_ctx) },
				   .out = { .result = 0x80070005 } };
	struct NspiGetPropList *pcopy;
	struct NspiCompareMIds *ccopy;
	struct NspiModProps *mcopy;

	pcopy = roundtrip(mem_ctx, &ndr_table_nspi, NDR_NSPIGETPROPLIST, NDR_IN, &pl, NULL);
	assert_int_equal(pcopy->in.dwMId, 0x10);
	pcopy = roundtrip(mem_ctx, &ndr_table_nspi, NDR_NSPIGETPROPLIST, NDR_OUT, &pl, NULL);
	assert_int_equal((*pcopy->out.ppPropTags)->cValues, 5);
	ccopy = roundtrip(mem_ctx, &ndr_table_nspi, NDR_NSPICOMPAREMIDS, NDR_IN, &cm, NULL);
	assert_int_equal(ccopy->in.MId2, 2);
	ccopy = roundtrip(mem_ctx, &ndr_table_nspi, NDR_NSPICOMPAREMIDS, NDR_OUT, &cm, NULL);
	assert_int_equal(*ccopy->out.plResult, -1);
	mcopy = roundtrip(mem_ctx, &ndr_table_nspi, NDR_NSPIMODPROPS, NDR_IN, &mp, NULL);
	assert_int_equal(mcopy->in.pRow->cValues, mp.in.pRow->cValues);
	mcopy = roundtrip(mem_ctx, &ndr_table_nspi, NDR_NSPIMODPROPS, NDR_OUT, &mp, NULL);
	assert_int_equal(mcopy->out.result, 0x80070005);
	talloc_free(mem_ctx);
}

static void test_special_template_linkatt(void **state)
{
	TALLOC_CTX *mem_ctx = talloc_new(NULL);
	struct STAT stat = test_stat();
	uint32_t version = 3;
	struct PropertyRowSet_r *rows = row_set(mem_ctx);
	struct PropertyRow_r *row = row_of_everything(mem_ctx);
	struct BinaryArray_r ids = { .cValues = 2, .lpbin = talloc_array(mem_ctx, struct Binary_r, 2) };
	struct NspiGetSpecialTable st = { .in = { .hRpc = nspi_handle, .dwFlags = 4, .pStat = &stat,
						  .lpVersion = &version },
					  .out = { .lpVersion = &version, .ppRows = &rows } };
	struct NspiGetTemplateInfo ti = { .in = { .hRpc = nspi_handle, .dwFlags = 1, .ulType = 0,
						  .pDN = "/o=Example/cn=template", .dwCodePage = 1252,
						  .dwLocaleID = 1033 },
					  .out = { .ppData = &row } };
	struct NspiModLinkAtt la = { .in = { .hRpc = nspi_handle, .dwFlags = 1, .ulPropTag = PROP(0x8009, 0x1102),
					     .dwMId = 0x20, .lpEntryIds = &ids } };
	struct NspiGetSpecialTable *scopy;
	struct NspiGetTemplateInfo *tcopy;
	struct NspiModLinkAtt *lcopy;

	ids.lpbin[0] = binary(mem_ctx, 28, 0);
	ids.lpbin[1] = binary(mem_ctx, 0, 0);
	scopy = roundtrip(mem_ctx, &ndr_table_nspi, NDR_NSPIGETSPECIALTABLE, NDR_IN, &st, NULL);
	assert_int_equal(*scopy->in.lpVersion, 3);
	assert_int_equal(*scopy->out.lpVersion, 3);
	scopy = roundtrip(mem_ctx, &ndr_table_nspi, NDR_NSPIGETSPECIALTABLE, NDR_OUT, &st, NULL);
	assert_int_equal((*scopy->out.ppRows)->cRows, 3);
	tcopy = roundtrip(mem_ctx, &ndr_table_nspi, NDR_NSPIGETTEMPLATEINFO, NDR_IN, &ti, NULL);
	assert_string_equal(tcopy->in.pDN, "/o=Example/cn=template");
	ti.in.pDN = NULL;
	tcopy = roundtrip(mem_ctx, &ndr_table_nspi, NDR_NSPIGETTEMPLATEINFO, NDR_IN, &ti, NULL);
	assert_null(tcopy->in.pDN);
	tcopy = roundtrip(mem_ctx, &ndr_table_nspi, NDR_NSPIGETTEMPLATEINFO, NDR_OUT, &ti, NULL);
	assert_int_equal((*tcopy->out.ppData)->cValues, row->cValues);
	lcopy = roundtrip(mem_ctx, &ndr_table_nspi, NDR_NSPIMODLINKATT, NDR_IN, &la, NULL);
	assert_int_equal(lcopy->in.lpEntryIds->lpbin[0].cb, 28);
	assert_int_equal(lcopy->in.lpEntryIds->lpbin[0].lpb[27], 27);
	roundtrip(mem_ctx, &ndr_table_nspi, NDR_NSPIMODLINKATT, NDR_OUT, &la, NULL);
	talloc_free(mem_ctx);
}

static void test_columns_names_ids(void **state)
{
	TALLOC_CTX *mem_ctx = talloc_new(NULL);
	struct PropertyTagArray_r *cols = tag_array(mem_ctx, 7, PR_OBJECT_TYPE), *tags = tag_array(mem_ctx, 2, 0x80000003);
	struct PropertyNameSet_r *names = talloc_zero(mem_ctx, struct PropertyNameSet_r);
	struct PropertyName_r n0 = { .lpguid = flat_uid(mem_ctx, 0x33), .lID = 0x8501 }, n1 = { .lpguid = NULL, .lID = 2 };
	struct PropertyName_r *pnames[] = { &n0, NULL, &n1 };
	struct NspiQueryColumns qc = { .in = { .hRpc = nspi_handle, .dwFlags = 0x80000000 },
				       .out = { .ppColumns = &cols } };
	struct NspiGetNamesFromIDs gn = { .in = { .hRpc = nspi_handle, .lpguid = flat_uid(mem_ctx, 0x33),
						  .pPropTags = tag_array(mem_ctx, 2, 0x85010003) },
					  .out = { .ppReturnedPropTags = &tags, .ppNames = &names } };
	struct NspiGetIDsFromNames gi = { .in = { .hRpc = nspi_handle, .dwFlags = 2, .cPropNames = 3,
						  .pNames = pnames },
					  .out = { .ppPropTags = &tags } };
	struct NspiQueryColumns *qcopy;
	struct NspiGetNamesFromIDs *ncopy;
	struct NspiGetIDsFromNames *icopy;

	names->cNames = 2;
	names->aNames = talloc_array(names, struct PropertyName_r, 2);
	names->aNames[0] = n0;
	names->aNames[1] = n1;
	roundtrip(mem_ctx, &ndr_table_nspi, NDR_NSPIQUERYCOLUMNS, NDR_IN, &qc, NULL);
	qcopy = roundtrip(mem_ctx, &ndr_table_nspi, NDR_NSPIQUERYCOLUMNS, NDR_OUT, &qc, NULL);
	assert_int_equal((*qcopy->out.ppColumns)->aulPropTag[6], PR_OBJECT_TYPE + 6);
	ncopy = roundtrip(mem_ctx, &ndr_table_nspi, NDR_NSPIGETNAMESFROMIDS, NDR_IN, &gn, NULL);
	assert_int_equal(ncopy->in.lpguid->ab[0], 0x33);
	gn.in.lpguid = NULL;
	gn.in.pPropTags = NULL;
	roundtrip(mem_ctx, &ndr_table_nspi, NDR_NSPIGETNAMESFROMIDS, NDR_IN, &gn, NULL);
	ncopy = roundtrip(mem_ctx, &ndr_table_nspi, NDR_NSPIGETNAMESFROMIDS, NDR_OUT, &gn, NULL);
	assert_int_equal((*ncopy->out.ppNames)->aNames[0].lID, 0x8501);
	assert_null((*ncopy->out.ppNames)->aNames[1].lpguid);
	icopy = roundtrip(mem_ctx, &ndr_table_nspi, NDR_NSPIGETIDSFROMNAMES, NDR_IN, &gi, NULL);
	assert_int_equal(icopy->in.cPropNames, 3);
	assert_int_equal(icopy->in.pNames[0]->lpguid->ab[15], 0x33 + 15);
	assert_null(icopy->in.pNames[1]);
	assert_int_equal(icopy->in.pNames[2]->lID, 2);
	icopy = roundtrip(mem_ctx, &ndr_table_nspi, NDR_NSPIGETIDSFROMNAMES, NDR_OUT, &gi, NULL);
	assert_int_equal((*icopy->out.ppPropTags)->aulPropTag[1], 0x80000004);
	talloc_free(mem_ctx);
}

static void test_resolve_names(void **state)
{
	TALLOC_CTX *mem_ctx = talloc_new(NULL);
	struct STAT stat = test_stat();
	const char *a[] = { "alice", "bob@example.org" };
	const char *w[] = { "Zo\xc3\xab", "\xe6\x97\xa5\xe6\x9c\xac", "" };
	struct StringsArray_r astr = { .Count = 2, .Strings = a };
	struct WStringsArray_r wstr = { .Count = 3, .Strings = w };
	struct PropertyTagArray_r *mids = tag_array(mem_ctx, 2, 0);
	struct PropertyRowSet_r *rows = row_set(mem_ctx);
	struct NspiResolveNames rn = { .in = { .hRpc = nspi_handle, .pStat = &stat, .pPropTags = NULL,
					       .paStr = &astr },
				       .out = { .ppMIds = &mids, .ppRows = &rows } };
	struct NspiResolveNamesW rw = { .in = { .hRpc = nspi_handle, .pStat = &stat,
						.pPropTags = tag_array(mem_ctx, 1, PR_DISPLAY_NAME_W),
						.paWStr = &wstr },
					.out = { .ppMIds = &mids, .ppRows = &rows } };
	struct NspiResolveNames *acopy;
	struct NspiResolveNamesW *wcopy;

	acopy = roundtrip(mem_ctx, &ndr_table_nspi, NDR_NSPIRESOLVENAMES, NDR_IN, &rn, NULL);
	assert_string_equal(acopy->in.paStr->Strings[1], "bob@example.org");
	acopy = roundtrip(mem_ctx, &ndr_table_nspi, NDR_NSPIRESOLVENAMES, NDR_OUT, &rn, NULL);
	assert_int_equal((*acopy->out.ppMIds)->cValues, 2);
	wcopy = roundtrip(mem_ctx, &ndr_table_nspi, NDR_NSPIRESOLVENAMESW, NDR_IN, &rw, NULL);
	assert_string_equal(wcopy->in.paWStr->Strings[0], "Zo\xc3\xab");
	assert_string_equal(wcopy->in.paWStr->Strings[1], "\xe6\x97\xa5\xe6\x9c\xac");
	assert_string_equal(wcopy->in.paWStr->Strings[2], "");
	mids = NULL;
	rows = NULL;
	wcopy = roundtrip(mem_ctx, &ndr_table_nspi, NDR_NSPIRESOLVENAMESW, NDR_OUT, &rw, NULL);
	assert_null(*wcopy->out.ppMIds);
	assert_null(*wcopy->out.ppRows);
	talloc_free(mem_ctx);
}

static void test_opnum15(void **state)
{
	TALLOC_CTX *mem_ctx = talloc_new(NULL);
	void *r = talloc_zero_size(mem_ctx, ndr_table_nspi.calls[15].struct_size);
	DATA_BLOB wire;

	roundtrip(mem_ctx, &ndr_table_nspi, 15, NDR_IN, r, &wire);
	assert_int_equal(wire.length, 0);
	roundtrip(mem_ctx, &ndr_table_nspi, 15, NDR_OUT, r, &wire);
	assert_int_equal(wire.length, 0);
	talloc_free(mem_ctx);
}

/* --- hostile input ------------------------------------------------------------ */

static void test_hostile(void **state)
{
	TALLOC_CTX *mem_ctx = talloc_new(NULL);
	void *r;
	/* GetPropList out: cValues 100002, above range(0,100001) */
	static const uint8_t tags_range[] = {
		0, 0, 2, 0,  0xa3, 0x86, 1, 0,  0xa2, 0x86, 1, 0,  0, 0, 0, 0,  0, 0, 0, 0,
	};
	/* max count 2 where size_is(cValues+1) says 3 */
	static const uint8_t tags_size[] = {
		0, 0, 2, 0,  2, 0, 0, 0,  2, 0, 0, 0,  0, 0, 0, 0,  2, 0, 0, 0,
		1, 0, 0, 0,  2, 0, 0, 0,  0, 0, 0, 0,
	};
	/* actual count 1 where length_is(cValues) says 2 */
	static const uint8_t tags_length[] = {
		0, 0, 2, 0,  3, 0, 0, 0,  2, 0, 0, 0,  0, 0, 0, 0,  1, 0, 0, 0,
		1, 0, 0, 0,  0, 0, 0, 0,
	};
	/* DNToMId in: Count 0, below StringsArray_r's range(1,100000) */
	static const uint8_t strings_zero[] = { HANDLE_BYTES, 0, 0, 0, 0,  0, 0, 0, 0,  0, 0, 0, 0 };
	/* QueryRows out: a PropertyValue_r whose discriminant (2) is not its
	 * tag's type (3) */
	static const uint8_t bad_discriminant[] = {
		STAT_BYTES,  0, 0, 2, 0,  1, 0, 0, 0,  1, 0, 0, 0,
		0, 0, 0, 0,  1, 0, 0, 0,  4, 0, 2, 0,
		1, 0, 0, 0,  0x03, 0x00, 0xfe, 0x0f,  0, 0, 0, 0,  0x02, 0, 0, 0,  6, 0, 0, 0,
		0, 0, 0, 0,
	};
	/* the same with a type no arm has (0x0005, PT_DOUBLE) */
	static const uint8_t unknown_type[] = {
		STAT_BYTES,  0, 0, 2, 0,  1, 0, 0, 0,  1, 0, 0, 0,
		0, 0, 0, 0,  1, 0, 0, 0,  4, 0, 2, 0,
		1, 0, 0, 0,  0x05, 0x00, 0xfe, 0x0f,  0, 0, 0, 0,  0x05, 0, 0, 0,  6, 0, 0, 0,
		0, 0, 0, 0,
	};
	/* a row count the buffer cannot hold: refused before allocating */
	static const uint8_t huge_rows[] = {
		STAT_BYTES,  0, 0, 2, 0,  0xa0, 0x86, 1, 0,  0xa0, 0x86, 1, 0,  0, 0, 0, 0,
	};

	assert_int_equal(pull_bytes(mem_ctx, &ndr_table_nspi, NDR_NSPIGETPROPLIST, NDR_OUT,
				    tags_range, sizeof(tags_range), &r), NDR_ERR_RANGE);
	assert_int_equal(pull_bytes(mem_ctx, &ndr_table_nspi, NDR_NSPIGETPROPLIST, NDR_OUT,
				    tags_size, sizeof(tags_size), &r), NDR_ERR_ARRAY_SIZE);
	assert_int_equal(pull_bytes(mem_ctx, &ndr_table_nspi, NDR_NSPIGETPROPLIST, NDR_OUT,
				    tags_length, sizeof(tags_length), &r), NDR_ERR_ARRAY_SIZE);
	assert_int_equal(pull_bytes(mem_ctx, &ndr_table_nspi, NDR_NSPIDNTOMID, NDR_IN,
				    strings_zero, sizeof(strings_zero), &r), NDR_ERR_RANGE);
	assert_int_equal(pull_bytes(mem_ctx, &ndr_table_nspi, NDR_NSPIQUERYROWS, NDR_OUT,
				    bad_discriminant, sizeof(bad_discriminant), &r), NDR_ERR_BAD_SWITCH);
	assert_int_equal(pull_bytes(mem_ctx, &ndr_table_nspi, NDR_NSPIQUERYROWS, NDR_OUT,
				    unknown_type, sizeof(unknown_type), &r), NDR_ERR_BAD_SWITCH);
	assert_int_equal(pull_bytes(mem_ctx, &ndr_table_nspi, NDR_NSPIQUERYROWS, NDR_OUT,
				    huge_rows, sizeof(huge_rows), &r), NDR_ERR_BUFSIZE);
	talloc_free(mem_ctx);
}

/* Restrictions nest (RES_NOT, RES_SUBRESTRICTION): a deep one is refused,
 * it does not exhaust the stack. */
static void test_deep_restriction(void **state)
{
	TALLOC_CTX *mem_ctx = talloc_new(NULL);
	struct STAT stat = test_stat();
	struct Restriction_r *top = talloc_zero(mem_ctx, struct Restriction_r), *cur = top;
	struct NspiGetMatches r = { .in = { .hRpc = nspi_handle, .pStat = &stat, .Filter = top } };
	const struct ndr_interface_call *call = call_of(&ndr_table_nspi, NDR_NSPIGETMATCHES);
	DATA_BLOB wire;
	void *copy;
	int i;

	for (i = 0; i < 2000; i++) {
		cur->rt = RES_NOT;
		cur->res.resNot.lpRes = talloc_zero(cur, struct Restriction_r);
		cur = cur->res.resNot.lpRes;
	}
	cur->rt = RES_EXIST;
	wire = push_call(mem_ctx, call, NDR_IN, &r);
	assert_int_equal(pull_call(mem_ctx, call, NDR_IN, &wire, &copy),
			 NDR_ERR_MAX_RECURSION_EXCEEDED);
	talloc_free(mem_ctx);
}

/* --- interop with impacket ------------------------------------------------------ */

static const char *script_path(void)
{
	return OC_SRCDIR "/testsuite/unit/nspi_impacket_vectors.py";
}

static bool have_impacket(void)
{
	return system("/usr/bin/python3 -c 'import impacket.dcerpc.v5.nspi' 2>/dev/null") == 0;
}

static uint32_t opnum_by_name(const char *name)
{
	uint32_t i;

	for (i = 0; i < ndr_table_nspi.num_calls; i++) {
		if (strcmp(ndr_table_nspi.calls[i].name, name) == 0) {
			return i;
		}
	}
	fail_msg("no NSPI call named %s", name);
	return 0;
}

static void check_impacket_stat(const struct STAT *stat, uint32_t code_page)
{
	assert_int_equal(stat->Delta, -3);
	assert_int_equal(stat->NumPos, 7);
	assert_int_equal(stat->TotalRecs, 100);
	assert_int_equal(stat->CodePage, code_page);
	assert_int_equal(stat->TemplateLocale, 1033);
}

/* the script's handle is 01020304-0506-0708-090a-0b0c0d0e0f10, as ours */
static void check_impacket_handle(const struct policy_handle *h)
{
	assert_true(ndr_policy_handle_equal(h, &nspi_handle));
}

static DATA_BLOB from_hex(TALLOC_CTX *mem_ctx, const char *hex)
{
	size_t i, len = strlen(hex) / 2;
	DATA_BLOB blob = data_blob_talloc(mem_ctx, NULL, len);

	for (i = 0; i < len; i++) {
		unsigned int byte;

		assert_int_equal(sscanf(hex + 2 * i, "%2x", &byte), 1);
		blob.data[i] = byte;
	}
	return blob;
}

static void check_impacket_request(const char *name, void *p)
{
	if (strcmp(name, "NspiBind") == 0) {
		struct NspiBind *r = p;

		assert_int_equal(r->in.dwFlags, 0);
		check_impacket_stat(r->in.pStat, 1252);
		assert_non_null(r->in.pServerGuid);
		assert_int_equal(r->in.pServerGuid->ab[0], 0xa4);
		assert_int_equal(r->in.pServerGuid->ab[15], 0xe6);
	} else if (strcmp(name, "NspiQueryRows") == 0) {
		struct NspiQueryRows *r = p;

		check_impacket_handle(&r->in.hRpc);
		check_impacket_stat(r->in.pStat, 1252);
		assert_int_equal(r->in.dwETableCount, 2);
		assert_int_equal(r->in.lpETable[1], 0x200);
		assert_int_equal(r->in.Count, 50);
		assert_int_equal(r->in.pPropTags->cValues, 3);
		assert_int_equal(r->in.pPropTags->aulPropTag[0], PR_DISPLAY_NAME_W);
		assert_int_equal(r->in.pPropTags->aulPropTag[2], PR_OBJECT_TYPE);
	} else if (strcmp(name, "NspiGetProps") == 0) {
		struct NspiGetProps *r = p;

		assert_int_equal(r->in.dwFlags, 2);
		check_impacket_stat(r->in.pStat, 65001);
		assert_int_equal(r->in.pPropTags->cValues, 2);
		assert_int_equal(r->in.pPropTags->aulPropTag[1], PR_SMTP_ADDRESS_A);
	} else if (strcmp(name, "NspiResolveNamesW") == 0) {
		struct NspiResolveNamesW *r = p;

		check_impacket_stat(r->in.pStat, 1252);
		assert_null(r->in.pPropTags);
		assert_int_equal(r->in.paWStr->Count, 2);
		assert_string_equal(r->in.paWStr->Strings[0], "alice");
		assert_string_equal(r->in.paWStr->Strings[1], "Zo\xc3\xab");
	} else if (strcmp(name, "NspiDNToMId") == 0) {
		struct NspiDNToMId *r = p;

		check_impacket_handle(&r->in.hRpc);
		assert_int_equal(r->in.pNames->Count, 1);
		assert_string_equal(r->in.pNames->Strings[0],
				    "/o=Example/ou=First Administrative Group/cn=Recipients/cn=alice");
	} else {
		fail_msg("unexpected vector %s", name);
	}
}

/* impacket encodes, we decode. */
static void test_impacket_to_us(void **state)
{
	TALLOC_CTX *mem_ctx = talloc_new(NULL);
	char *command, line[8192];
	FILE *script;
	int seen = 0;

	if (!have_impacket()) {
		skip();
	}
	command = talloc_asprintf(mem_ctx, "/usr/bin/python3 %s encode", script_path());
	script = popen(command, "r");
	assert_non_null(script);
	while (fgets(line, sizeof(line), script) != NULL) {
		char name[64], hex[8192];
		DATA_BLOB blob;
		void *r;

		assert_int_equal(sscanf(line, "%63s %8191s", name, hex), 2);
		blob = from_hex(mem_ctx, hex);
		assert_int_equal(pull_call(mem_ctx, call_of(&ndr_table_nspi, opnum_by_name(name)),
					   NDR_IN, &blob, &r), NDR_ERR_SUCCESS);
		check_impacket_request(name, r);
		seen++;
	}
	assert_int_equal(pclose(script), 0);
	assert_int_equal(seen, 5);
	talloc_free(mem_ctx);
}

static void write_vector(FILE *f, const char *name, DATA_BLOB blob)
{
	size_t i;

	fprintf(f, "%s ", name);
	for (i = 0; i < blob.length; i++) {
		fprintf(f, "%02x", blob.data[i]);
	}
	fprintf(f, "\n");
}

/* We encode, impacket decodes and checks. */
static void test_us_to_impacket(void **state)
{
	TALLOC_CTX *mem_ctx = talloc_new(NULL);
	struct STAT stat = test_stat();
	char path[] = "/tmp/oc_nspi_vectors_XXXXXX", *command, line[512];
	const char *dn[] = { "/o=Example/ou=First Administrative Group/cn=Recipients/cn=alice" };
	const char *w[] = { "alice", "Zo\xc3\xab" };
	struct StringsArray_r names = { .Count = 1, .Strings = dn };
	struct WStringsArray_r wnames = { .Count = 2, .Strings = w };
	struct PropertyRow_r *row = talloc_zero(mem_ctx, struct PropertyRow_r);
	struct NspiBind bind = { .in = { .dwFlags = 0, .pStat = &stat } };
	struct NspiDNToMId dntomid = { .in = { .hRpc = nspi_handle, .pNames = &names } };
	struct NspiResolveNamesW resolve = { .in = { .hRpc = nspi_handle, .pStat = &stat, .paWStr = &wnames } };
	struct NspiGetProps props = { .out = { .ppRows = &row, .result = 0 } };
	FILE *f, *script;
	int fd, ok = 0;

	if (!have_impacket()) {
		skip();
	}
	/* the values check_*() in the script expects */
	stat.CurrentRec = 0;
	bind.in.pServerGuid = talloc_zero(mem_ctx, struct FlatUID_r);
	memcpy(bind.in.pServerGuid->ab, "\xa4\xa3\xa2\xa1\xb2\xb1\xc2\xc1\xd1\xd2\xe1\xe2\xe3\xe4\xe5\xe6", 16);
	row->cValues = 4;
	row->lpProps = talloc_zero_array(row, struct PropertyValue_r, 4);
	row->lpProps[0].ulPropTag = PR_OBJECT_TYPE;
	row->lpProps[0].Value.l = 6;
	row->lpProps[1].ulPropTag = PR_DISPLAY_NAME_W;
	row->lpProps[1].Value.lpszW = "Alice Liddell";
	row->lpProps[2].ulPropTag = PR_SMTP_ADDRESS_A;
	row->lpProps[2].Value.lpszA = "alice@example.org";
	row->lpProps[3].ulPropTag = PROP(0x0ff9, PT_BINARY);
	row->lpProps[3].Value.bin = (struct Binary_r) { .cb = 4, .lpb = (uint8_t *)"\x00\x01\x02\xff" };

	fd = mkstemp(path);
	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	assert_non_null(f);
	write_vector(f, "NspiBind", push_call(mem_ctx, call_of(&ndr_table_nspi, NDR_NSPIBIND), NDR_IN, &bind));
	write_vector(f, "NspiDNToMId", push_call(mem_ctx, call_of(&ndr_table_nspi, NDR_NSPIDNTOMID),
						 NDR_IN, &dntomid));
	write_vector(f, "NspiResolveNamesW", push_call(mem_ctx, call_of(&ndr_table_nspi, NDR_NSPIRESOLVENAMESW),
						       NDR_IN, &resolve));
	write_vector(f, "NspiGetPropsResponse", push_call(mem_ctx, call_of(&ndr_table_nspi, NDR_NSPIGETPROPS),
							  NDR_OUT, &props));
	fclose(f);

	command = talloc_asprintf(mem_ctx, "/usr/bin/python3 %s decode %s", script_path(), path);
	script = popen(command, "r");
	assert_non_null(script);
	while (fgets(line, sizeof(line), script) != NULL) {
		if (strncmp(line, "ok ", 3) == 0) {
			ok++;
		} else {
			print_error("impacket: %s", line);
		}
	}
	assert_int_equal(pclose(script), 0);
	unlink(path);
	assert_int_equal(ok, 4);
	talloc_free(mem_ctx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_bind_bytes),
		cmocka_unit_test(test_query_rows_bytes),
		cmocka_unit_test(test_dn_to_mid_bytes),
		cmocka_unit_test(test_property_values),
		cmocka_unit_test(test_restrictions),
		cmocka_unit_test(test_bind_unbind_updatestat),
		cmocka_unit_test(test_query_seek_resort),
		cmocka_unit_test(test_proplist_compare_modprops),
		cmocka_unit_test(test_special_template_linkatt),
		cmocka_unit_test(test_columns_names_ids),
		cmocka_unit_test(test_resolve_names),
		cmocka_unit_test(test_opnum15),
		cmocka_unit_test(test_hostile),
		cmocka_unit_test(test_deep_restriction),
		cmocka_unit_test(test_impacket_to_us),
		cmocka_unit_test(test_us_to_impacket),
	};

	int failed = cmocka_run_group_tests(tests, NULL, NULL);

	/* libsamba-util caches an iconv handle for the string conversions;
	 * drop it so that valgrind reports only our own memory */
	free_iconv_handle();
	return failed;
}
