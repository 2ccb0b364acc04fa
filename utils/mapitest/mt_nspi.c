/*
 * mapitest NSPI: the address book (MS-OXNSPI 3.1.4.1), as a client uses it
 * to find a user: bind, resolve the name, walk the GAL, look entries up by
 * DN, MId and restriction, read the hierarchy table, and the errors.
 *
 * Copyright (C) OpenChange developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <strings.h>
#include <talloc.h>
#include <dcerpc.h>

#include "utils/mapitest/mapitest.h"
#include "libmapi/nspi_client.h"
#include "idl/gen_ndr_nspi.h"

/* MS-OXPROPS tags (gen_proptags.h clashes with oxcdata_propval.h's macros) */
#define PidTagDisplayName 0x3001001Fu
#define PidTagEmailAddress 0x3003001Fu
#define PidTagContainerFlags 0x36000003u
#define PidTagAddressBookContainerId 0xFFFD0003u

/* MS-OXNSPI 2.2.9.1: the MIds of no match and of several */
#define MID_UNRESOLVED 0x00000000
#define MID_AMBIGUOUS 0x00000001
/* MS-OXNSPI 2.2.1.5: NspiGetSpecialTable's flag for Unicode names */
#define NSPI_UNICODE_STRINGS 0x00000004
/* MS-OXCDATA 2.12.5 RelOp */
#define RELOP_EQ 0x04
#define TAG_EMAIL_ADDRESS_A 0x3003001Eu	/* PidTagEmailAddress as PtypString8 */

/* A string column of ROW as UTF-8 (the 8-bit code page is ASCII for DNs) */
static const char *row_string(const struct PropertyRow_r *row, uint32_t tag)
{
	const struct PropertyValue_r *v = row != NULL ? nspi_row_find(row, tag) : NULL;

	if (v == NULL) {
		return NULL;
	}
	switch (v->ulPropTag & 0xFFFF) {
	case 0x001F: return v->Value.lpszW;
	case 0x001E: return v->Value.lpszA;
	default: return NULL;
	}
}

/* The user's MId through NspiDNToMId, or a failed test */
static enum mt_result user_mid(struct mt_test *t, struct nspi_client *nspi, uint32_t *mid)
{
	const char *dns[1] = { t->env->essdn };
	struct PropertyTagArray_r *mids = NULL;
	enum MAPISTATUS ret;

	ret = nspi_client_dn_to_mid(nspi, t->mem, dns, 1, &mids);
	MT_EXPECT(t, ret == MAPI_E_SUCCESS, "NspiDNToMId: %s", mt_status(t, ret));
	MT_EXPECT(t, mids != NULL && mids->cValues == 1, "NspiDNToMId answered %u MIds for one DN",
		  mids ? mids->cValues : 0);
	MT_EXPECT(t, mids->aulPropTag[0] != 0, "NspiDNToMId does not know '%s'", t->env->essdn);
	*mid = mids->aulPropTag[0];
	return MT_PASS;
}

/* MS-OXNSPI 3.1.4.1.1, 3.1.4.1.2: NspiBind gives a context handle NspiUnbind releases */
static enum mt_result t_bind_unbind(struct mt_test *t)
{
	struct nspi_client *nspi;
	enum MAPISTATUS ret;
	static const uint8_t zero[16];

	if (mt_nspi(t, &nspi) != MT_PASS) {
		return t->result;
	}
	MT_EXPECT(t, nspi->bound, "no context handle after NspiBind");
	/* the server GUID of pServerGuid is the server's, never all zero */
	MT_EXPECT(t, memcmp(nspi->server_guid.ab, zero, sizeof(zero)) != 0,
		  "NspiBind returned a zero server GUID");
	ret = nspi_client_unbind(nspi);
	/* 3.1.4.1.2: NspiUnbind answers 1 (UnbindSuccess) or success */
	MT_EXPECT(t, ret == MAPI_E_SUCCESS || ret == 1, "NspiUnbind: %s", mt_status(t, ret));
	return MT_PASS;
}

/* MS-OXNSPI 3.1.4.1.17: NspiResolveNamesW resolves the account to its entry */
static enum mt_result t_resolve_names_user(struct mt_test *t)
{
	static const uint32_t tags[] = { PidTagDisplayName, PidTagEmailAddress };
	const char *names[1] = { t->env->username };
	struct nspi_client *nspi;
	struct PropertyTagArray_r *mids = NULL;
	struct PropertyRowSet_r *rows = NULL;
	const char *email;
	enum MAPISTATUS ret;

	if (mt_nspi(t, &nspi) != MT_PASS) {
		return t->result;
	}
	ret = nspi_client_resolve_names(nspi, t->mem, names, 1, nspi_tag_array(t->mem, tags, 2),
					&mids, &rows);
	MT_EXPECT(t, ret == MAPI_E_SUCCESS, "NspiResolveNamesW: %s", mt_status(t, ret));
	MT_EXPECT(t, mids != NULL && mids->cValues == 1, "%u MIds for one name",
		  mids ? mids->cValues : 0);
	MT_EXPECT(t, mids->aulPropTag[0] != MID_UNRESOLVED && mids->aulPropTag[0] != MID_AMBIGUOUS,
		  "'%s' resolved to MId %u", t->env->username, mids->aulPropTag[0]);
	MT_EXPECT(t, rows != NULL && rows->cRows == 1, "%u rows for one resolved name",
		  rows ? rows->cRows : 0);
	email = row_string(&rows->aRow[0], PidTagEmailAddress);
	MT_EXPECT(t, email != NULL && strcasecmp(email, t->env->essdn) == 0,
		  "PidTagEmailAddress '%s', expected '%s'", email ? email : "(none)", t->env->essdn);
	return MT_PASS;
}

/* MS-OXNSPI 3.1.4.1.8: NspiQueryRows walks the GAL from its start */
static enum mt_result t_query_rows_gal(struct mt_test *t)
{
	static const uint32_t tags[] = { PidTagEmailAddress };
	struct nspi_client *nspi;
	struct PropertyRowSet_r *rows = NULL;
	enum MAPISTATUS ret;
	uint32_t i;

	if (mt_nspi(t, &nspi) != MT_PASS) {
		return t->result;
	}
	nspi->stat.ContainerID = 0;	/* the GAL */
	nspi->stat.CurrentRec = 0;	/* MID_BEGINNING_OF_TABLE */
	nspi->stat.Delta = 0;
	nspi->stat.NumPos = 0;
	ret = nspi_client_query_rows(nspi, t->mem, 0, NULL, 0, 1000, nspi_tag_array(t->mem, tags, 1),
				     &rows);
	MT_EXPECT(t, ret == MAPI_E_SUCCESS, "NspiQueryRows: %s", mt_status(t, ret));
	MT_EXPECT(t, rows != NULL && rows->cRows > 0, "the GAL is empty");
	for (i = 0; i < rows->cRows; i++) {
		const char *email = row_string(&rows->aRow[i], PidTagEmailAddress);

		if (email != NULL && strcasecmp(email, t->env->essdn) == 0) {
			return MT_PASS;
		}
	}
	return mt_fail(t, "%u GAL rows, none of them '%s'", rows->cRows, t->env->essdn);
}

/* MS-OXNSPI 3.1.4.1.10: NspiGetMatches finds entries by a restriction */
static enum mt_result t_get_matches(struct mt_test *t)
{
	static const uint32_t tags[] = { PidTagEmailAddress };
	struct nspi_client *nspi;
	struct NspiGetMatches r;
	struct Restriction_r filter;
	struct PropertyValue_r value;
	struct PropertyTagArray_r *out_mids = NULL;
	struct PropertyRowSet_r *rows = NULL;
	struct STAT stat;
	uint32_t i;
	NTSTATUS status;

	if (mt_nspi(t, &nspi) != MT_PASS) {
		return t->result;
	}
	memset(&value, 0, sizeof(value));
	value.ulPropTag = TAG_EMAIL_ADDRESS_A;
	value.Value.lpszA = t->env->essdn;
	memset(&filter, 0, sizeof(filter));
	filter.rt = RES_PROPERTY;
	filter.res.resProperty.relop = RELOP_EQ;
	filter.res.resProperty.ulPropTag = TAG_EMAIL_ADDRESS_A;
	filter.res.resProperty.lpProp = &value;
	stat = nspi->stat;
	stat.ContainerID = 0;
	stat.CurrentRec = 0;
	memset(&r, 0, sizeof(r));
	r.in.hRpc = nspi->handle;
	r.in.pStat = &stat;
	r.in.Filter = &filter;
	r.in.ulRequested = 10;
	r.in.pPropTags = nspi_tag_array(t->mem, tags, 1);
	r.out.pStat = &stat;
	r.out.ppOutMIds = &out_mids;
	r.out.ppRows = &rows;
	status = dcerpc_binding_handle_call(nspi->pipe->binding_handle, NULL, &ndr_table_nspi,
					    NDR_NSPIGETMATCHES, t->mem, &r);
	MT_EXPECT(t, NT_STATUS_IS_OK(status), "NspiGetMatches: %s", nt_errstr(status));
	MT_EXPECT(t, r.out.result == MAPI_E_SUCCESS, "NspiGetMatches: %s",
		  mt_status(t, r.out.result));
	MT_EXPECT(t, out_mids != NULL && out_mids->cValues == 1,
		  "%u matches for the user's own address", out_mids ? out_mids->cValues : 0);
	MT_EXPECT(t, rows != NULL && rows->cRows == out_mids->cValues,
		  "%u rows for %u MIds", rows ? rows->cRows : 0, out_mids->cValues);
	for (i = 0; i < rows->cRows; i++) {
		const char *email = row_string(&rows->aRow[i], PidTagEmailAddress);

		MT_EXPECT(t, email != NULL && strcasecmp(email, t->env->essdn) == 0,
			  "a match with address '%s'", email ? email : "(none)");
	}
	return MT_PASS;
}

/* MS-OXNSPI 3.1.4.1.13: NspiDNToMId maps known DNs to MIds, unknown ones to 0 */
static enum mt_result t_dn_to_mid(struct mt_test *t)
{
	const char *dns[2] = { t->env->essdn, "/o=No Such Organization/ou=Nowhere/cn=Recipients/cn=x" };
	struct nspi_client *nspi;
	struct PropertyTagArray_r *mids = NULL;
	enum MAPISTATUS ret;

	if (mt_nspi(t, &nspi) != MT_PASS) {
		return t->result;
	}
	ret = nspi_client_dn_to_mid(nspi, t->mem, dns, 2, &mids);
	MT_EXPECT(t, ret == MAPI_E_SUCCESS, "NspiDNToMId: %s", mt_status(t, ret));
	MT_EXPECT(t, mids != NULL && mids->cValues == 2, "%u MIds for two DNs",
		  mids ? mids->cValues : 0);
	MT_EXPECT(t, mids->aulPropTag[0] != 0, "the user's DN maps to MId 0");
	MT_EXPECT_EQ(t, mids->aulPropTag[1], 0, "MId of an unknown DN");
	return MT_PASS;
}

/* MS-OXNSPI 3.1.4.1.7: NspiGetProps reads the entry CurrentRec names */
static enum mt_result t_get_props(struct mt_test *t)
{
	static const uint32_t tags[] = { PidTagDisplayName, PidTagEmailAddress };
	struct nspi_client *nspi;
	struct PropertyRow_r *row = NULL;
	const char *email, *name;
	enum MAPISTATUS ret;
	uint32_t mid;

	if (mt_nspi(t, &nspi) != MT_PASS || user_mid(t, nspi, &mid) != MT_PASS) {
		return t->result;
	}
	ret = nspi_client_get_props(nspi, t->mem, 0, mid, nspi_tag_array(t->mem, tags, 2), &row);
	MT_EXPECT(t, ret == MAPI_E_SUCCESS, "NspiGetProps: %s", mt_status(t, ret));
	email = row_string(row, PidTagEmailAddress);
	name = row_string(row, PidTagDisplayName);
	MT_EXPECT(t, email != NULL && strcasecmp(email, t->env->essdn) == 0,
		  "PidTagEmailAddress '%s', expected '%s'", email ? email : "(none)", t->env->essdn);
	MT_EXPECT(t, name != NULL && name[0] != '\0', "no PidTagDisplayName");
	return MT_PASS;
}

/* MS-OXNSPI 3.1.4.1.9: NspiCompareMIds of an entry with itself is 0 */
static enum mt_result t_compare_mids(struct mt_test *t)
{
	struct nspi_client *nspi;
	enum MAPISTATUS ret;
	int32_t result = 99;
	uint32_t mid;

	if (mt_nspi(t, &nspi) != MT_PASS || user_mid(t, nspi, &mid) != MT_PASS) {
		return t->result;
	}
	nspi->stat.ContainerID = 0;
	ret = nspi_client_compare_mids(nspi, mid, mid, &result);
	MT_EXPECT(t, ret == MAPI_E_SUCCESS, "NspiCompareMIds: %s", mt_status(t, ret));
	MT_EXPECT_EQ(t, result, 0, "plResult of an MId with itself");
	return MT_PASS;
}

/* MS-OXNSPI 3.1.4.1.9: an MId the table does not hold is ecError (GeneralFailure) */
static enum mt_result t_compare_mids_bad_mid(struct mt_test *t)
{
	struct nspi_client *nspi;
	enum MAPISTATUS ret;
	int32_t result = 0;
	uint32_t mid;

	if (mt_nspi(t, &nspi) != MT_PASS || user_mid(t, nspi, &mid) != MT_PASS) {
		return t->result;
	}
	nspi->stat.ContainerID = 0;
	ret = nspi_client_compare_mids(nspi, mid, 0x7FFFFFF0, &result);
	MT_EXPECT(t, ret == MAPI_E_CALL_FAILED, "NspiCompareMIds with an unknown MId: observed %s, "
		  "expected %s", mt_status(t, ret), mt_status(t, MAPI_E_CALL_FAILED));
	return MT_PASS;
}

/* MS-OXNSPI 3.1.4.1.3: NspiGetSpecialTable's hierarchy table lists the containers */
static enum mt_result t_get_special_table(struct mt_test *t)
{
	struct nspi_client *nspi;
	struct NspiGetSpecialTable r;
	struct PropertyRowSet_r *rows = NULL;
	struct STAT stat;
	uint32_t version = 0, i;
	bool gal = false;
	NTSTATUS status;

	if (mt_nspi(t, &nspi) != MT_PASS) {
		return t->result;
	}
	stat = nspi->stat;
	memset(&r, 0, sizeof(r));
	r.in.hRpc = nspi->handle;
	r.in.dwFlags = NSPI_UNICODE_STRINGS;
	r.in.pStat = &stat;
	r.in.lpVersion = &version;
	r.out.lpVersion = &version;
	r.out.ppRows = &rows;
	status = dcerpc_binding_handle_call(nspi->pipe->binding_handle, NULL, &ndr_table_nspi,
					    NDR_NSPIGETSPECIALTABLE, t->mem, &r);
	MT_EXPECT(t, NT_STATUS_IS_OK(status), "NspiGetSpecialTable: %s", nt_errstr(status));
	MT_EXPECT(t, r.out.result == MAPI_E_SUCCESS, "NspiGetSpecialTable: %s",
		  mt_status(t, r.out.result));
	MT_EXPECT(t, rows != NULL && rows->cRows > 0, "an empty hierarchy table");
	/* every row is a container with PidTagContainerFlags; the GAL has id 0 */
	for (i = 0; i < rows->cRows; i++) {
		const struct PropertyValue_r *flags = nspi_row_find(&rows->aRow[i], PidTagContainerFlags);
		const struct PropertyValue_r *id = nspi_row_find(&rows->aRow[i],
								 PidTagAddressBookContainerId);

		MT_EXPECT(t, flags != NULL && (flags->ulPropTag & 0xFFFF) == 0x0003,
			  "row %u has no PidTagContainerFlags", i);
		if (id != NULL && (id->ulPropTag & 0xFFFF) == 0x0003 && id->Value.l == 0) {
			gal = true;
		}
	}
	MT_EXPECT(t, gal, "no row for the GAL (PidTagAddressBookContainerId 0)");
	return MT_PASS;
}

static const struct mt_test_def tests[] = {
	{ "bind_unbind", "MS-OXNSPI 3.1.4.1.1, 3.1.4.1.2",
	  "NspiBind returns a context handle and the server GUID; NspiUnbind releases it",
	  t_bind_unbind },
	{ "resolve_names_user", "MS-OXNSPI 3.1.4.1.17",
	  "NspiResolveNamesW resolves the account name to one entry with its address",
	  t_resolve_names_user },
	{ "query_rows_gal", "MS-OXNSPI 3.1.4.1.8",
	  "NspiQueryRows from the GAL's start returns rows, the user among them", t_query_rows_gal },
	{ "get_matches", "MS-OXNSPI 3.1.4.1.10",
	  "NspiGetMatches with a property restriction returns exactly the matching entries",
	  t_get_matches },
	{ "dn_to_mid", "MS-OXNSPI 3.1.4.1.13",
	  "NspiDNToMId maps a known DN to an MId and an unknown one to 0", t_dn_to_mid },
	{ "get_props", "MS-OXNSPI 3.1.4.1.7",
	  "NspiGetProps of the user's MId returns their display name and address", t_get_props },
	{ "compare_mids", "MS-OXNSPI 3.1.4.1.9",
	  "NspiCompareMIds of an MId with itself is 0", t_compare_mids },
	{ "compare_mids_bad_mid", "MS-OXNSPI 3.1.4.1.9",
	  "NspiCompareMIds with an MId not in the table fails with GeneralFailure",
	  t_compare_mids_bad_mid },
	{ "get_special_table", "MS-OXNSPI 3.1.4.1.3",
	  "NspiGetSpecialTable returns the hierarchy table of containers, the GAL included",
	  t_get_special_table },
};

const struct mt_family mt_family_nspi = {
	"NSPI", "the address book (MS-OXNSPI)", true, tests, MT_COUNT(tests),
};
