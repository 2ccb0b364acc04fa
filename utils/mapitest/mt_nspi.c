/*
 * mapitest NSPI: the address book (MS-OXNSPI 3.1.4.1), as a client uses it
 * to find a user: bind, resolve the name, walk the GAL, look entries up by
 * DN, MId and restriction, read the hierarchy table, and the errors.
 *
 * Copyright (C) OpenChange developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <ctype.h>
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

/* MS-OXNSPI 3.1.4.1 (NspiCompareMIds): NspiCompareMIds of an entry with itself is 0 */
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

/* MS-OXNSPI 3.1.4.1 (NspiCompareMIds): an MId the table does not hold is ecError (GeneralFailure) */
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

/* --- MS-OXNSPI 3.1.4.1.x: positions, columns, names, templates, changes, errors ----------- */

#define TAG_DISPLAY_NAME_A 0x3001001Eu	/* PidTagDisplayName as PtypString8 */
#define PidTagTemplateData 0x00010102u
#define PidTagUserX509Certificate 0x3A701102u
/* MS-OXNSPI 2.2.1.x flags */
#define NSPI_UNICODE_PROPTYPES 0x80000000u	/* NspiQueryColumns dwFlags */
#define NSPI_VERIFY_NAMES 0x00000002u		/* NspiGetIDsFromNames dwFlags */
#define TI_TEMPLATE 0x00000001u			/* NspiGetTemplateInfo dwFlags */
#define DT_MAILUSER 0x00000000u
#define SORT_TYPE_DISPLAY_NAME 0x00000000u
/* MS-OXCDATA 2.4 */
#define EC_ACCESS_DENIED 0x80070005u
#define EC_INVALID_CODEPAGE 0x8004011Eu
#define EC_NOT_SUPPORTED 0x80040102u
#define EC_NOT_FOUND 0x8004010Fu
/* MS-OXPROPS 1.3.2: PS_PUBLIC_STRINGS and PS_MAPI */
static const struct FlatUID_r ps_public_strings = { {
	0x29, 0x03, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00,
	0xC0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x46 } };
static const struct FlatUID_r ps_mapi = { {
	0x28, 0x03, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00,
	0xC0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x46 } };

static enum mt_result call_nspi(struct mt_test *t, struct nspi_client *nspi, int opnum, void *r,
				const char *what)
{
	NTSTATUS status = dcerpc_binding_handle_call(nspi->pipe->binding_handle, NULL,
						     &ndr_table_nspi, opnum, t->mem, r);

	MT_EXPECT(t, NT_STATUS_IS_OK(status), "%s: %s", what, nt_errstr(status));
	return MT_PASS;
}

static enum mt_result update_stat(struct mt_test *t, struct nspi_client *nspi, struct STAT *stat,
				  int32_t *delta)
{
	struct NspiUpdateStat r;

	memset(&r, 0, sizeof(r));
	r.in.hRpc = nspi->handle;
	r.in.pStat = stat;
	r.in.plDelta = delta;
	r.out.pStat = stat;
	r.out.plDelta = delta;
	if (call_nspi(t, nspi, NDR_NSPIUPDATESTAT, &r, "NspiUpdateStat") != MT_PASS) {
		return t->result;
	}
	MT_EXPECT(t, r.out.result == MAPI_E_SUCCESS, "NspiUpdateStat: %s", mt_status(t, r.out.result));
	if (delta != NULL && r.out.plDelta != NULL) {
		*delta = *r.out.plDelta;
	}
	return MT_PASS;
}

/*
 * MS-OXNSPI 3.1.4.1.4: NspiUpdateStat from an MId gives its position
 * (NumPos); moving that many rows from the table's start reaches the MId.
 */
static enum mt_result t_update_stat(struct mt_test *t)
{
	struct nspi_client *nspi;
	struct STAT stat;
	int32_t delta = 0;
	uint32_t mid, pos;

	if (mt_nspi(t, &nspi) != MT_PASS || user_mid(t, nspi, &mid) != MT_PASS) {
		return t->result;
	}
	stat = nspi->stat;
	stat.ContainerID = 0;
	stat.CurrentRec = mid;
	stat.Delta = 0;
	if (update_stat(t, nspi, &stat, NULL) != MT_PASS) {
		return t->result;
	}
	pos = stat.NumPos;
	MT_EXPECT(t, stat.TotalRecs > pos, "NumPos %u of %u rows", pos, stat.TotalRecs);
	stat = nspi->stat;
	stat.ContainerID = 0;
	stat.CurrentRec = 0;	/* MID_BEGINNING_OF_TABLE */
	stat.Delta = (int32_t)pos;
	if (update_stat(t, nspi, &stat, &delta) != MT_PASS) {
		return t->result;
	}
	MT_EXPECT_EQ(t, stat.CurrentRec, mid, "CurrentRec after moving NumPos rows from the start");
	MT_EXPECT_EQ(t, stat.NumPos, pos, "NumPos");
	MT_EXPECT_EQ(t, delta, pos, "plDelta, the rows moved");
	return MT_PASS;
}

/* The user's display name through NspiGetProps */
static enum mt_result user_display_name(struct mt_test *t, struct nspi_client *nspi, uint32_t mid,
					const char **name)
{
	static const uint32_t tags[] = { PidTagDisplayName };
	struct PropertyRow_r *row = NULL;
	enum MAPISTATUS ret;

	ret = nspi_client_get_props(nspi, t->mem, 0, mid, nspi_tag_array(t->mem, tags, 1), &row);
	MT_EXPECT(t, ret == MAPI_E_SUCCESS, "NspiGetProps: %s", mt_status(t, ret));
	*name = row_string(row, PidTagDisplayName);
	MT_EXPECT(t, *name != NULL && (*name)[0] != '\0', "no display name for MId %u", mid);
	return MT_PASS;
}

/*
 * MS-OXNSPI 3.1.4.1.9: NspiSeekEntries positions the table sorted by
 * display name on the first row at or after the target name.
 */
static enum mt_result t_seek_entries(struct mt_test *t)
{
	static const uint32_t tags[] = { PidTagDisplayName };
	struct nspi_client *nspi;
	struct NspiSeekEntries r;
	struct PropertyValue_r target;
	struct PropertyRowSet_r *rows = NULL;
	struct STAT stat;
	const char *name, *found;
	uint32_t mid;

	if (mt_nspi(t, &nspi) != MT_PASS || user_mid(t, nspi, &mid) != MT_PASS ||
	    user_display_name(t, nspi, mid, &name) != MT_PASS) {
		return t->result;
	}
	memset(&target, 0, sizeof(target));
	target.ulPropTag = PidTagDisplayName;
	target.Value.lpszW = name;
	stat = nspi->stat;
	stat.ContainerID = 0;
	stat.SortType = SORT_TYPE_DISPLAY_NAME;
	stat.CurrentRec = 0;
	memset(&r, 0, sizeof(r));
	r.in.hRpc = nspi->handle;
	r.in.pStat = &stat;
	r.in.pTarget = &target;
	r.in.pPropTags = nspi_tag_array(t->mem, tags, 1);
	r.out.pStat = &stat;
	r.out.ppRows = &rows;
	if (call_nspi(t, nspi, NDR_NSPISEEKENTRIES, &r, "NspiSeekEntries") != MT_PASS) {
		return t->result;
	}
	MT_EXPECT(t, r.out.result == MAPI_E_SUCCESS, "NspiSeekEntries: %s", mt_status(t, r.out.result));
	MT_EXPECT(t, rows != NULL && rows->cRows >= 1, "NspiSeekEntries returned no row");
	found = row_string(&rows->aRow[0], PidTagDisplayName);
	MT_EXPECT(t, found != NULL && strcasecmp(found, name) == 0,
		  "the row sought is '%s', expected '%s'", found ? found : "(none)", name);
	MT_EXPECT(t, stat.CurrentRec != 0, "CurrentRec not moved onto the row found");
	return MT_PASS;
}

static bool has_prop_id(const struct PropertyTagArray_r *tags, uint32_t tag, bool exact)
{
	uint32_t i;

	for (i = 0; tags != NULL && i < tags->cValues; i++) {
		if (exact ? tags->aulPropTag[i] == tag :
		    (tags->aulPropTag[i] >> 16) == (tag >> 16)) {
			return true;
		}
	}
	return false;
}

/* MS-OXNSPI 3.1.4.1.6: NspiGetPropList of the user's entry lists its name and address */
static enum mt_result t_get_prop_list(struct mt_test *t)
{
	struct nspi_client *nspi;
	struct NspiGetPropList r;
	struct PropertyTagArray_r *tags = NULL;
	uint32_t mid;

	if (mt_nspi(t, &nspi) != MT_PASS || user_mid(t, nspi, &mid) != MT_PASS) {
		return t->result;
	}
	memset(&r, 0, sizeof(r));
	r.in.hRpc = nspi->handle;
	r.in.dwMId = mid;
	r.in.CodePage = nspi->stat.CodePage;
	r.out.ppPropTags = &tags;
	if (call_nspi(t, nspi, NDR_NSPIGETPROPLIST, &r, "NspiGetPropList") != MT_PASS) {
		return t->result;
	}
	MT_EXPECT(t, r.out.result == MAPI_E_SUCCESS, "NspiGetPropList: %s", mt_status(t, r.out.result));
	MT_EXPECT(t, has_prop_id(tags, PidTagDisplayName, false) &&
		  has_prop_id(tags, PidTagEmailAddress, false),
		  "%u tags, without PidTagDisplayName or PidTagEmailAddress", tags ? tags->cValues : 0);
	return MT_PASS;
}

static enum mt_result query_columns(struct mt_test *t, struct nspi_client *nspi, uint32_t flags,
				    struct PropertyTagArray_r **cols)
{
	struct NspiQueryColumns r;

	*cols = NULL;
	memset(&r, 0, sizeof(r));
	r.in.hRpc = nspi->handle;
	r.in.dwFlags = flags;
	r.out.ppColumns = cols;
	if (call_nspi(t, nspi, NDR_NSPIQUERYCOLUMNS, &r, "NspiQueryColumns") != MT_PASS) {
		return t->result;
	}
	MT_EXPECT(t, r.out.result == MAPI_E_SUCCESS, "NspiQueryColumns: %s",
		  mt_status(t, r.out.result));
	return MT_PASS;
}

/*
 * MS-OXNSPI 3.1.4.1.5: NspiQueryColumns lists PidTagDisplayName as
 * PtypString8, or PtypString with NspiUnicodeProptypes.
 */
static enum mt_result t_query_columns(struct mt_test *t)
{
	struct nspi_client *nspi;
	struct PropertyTagArray_r *cols;

	if (mt_nspi(t, &nspi) != MT_PASS || query_columns(t, nspi, 0, &cols) != MT_PASS) {
		return t->result;
	}
	MT_EXPECT(t, has_prop_id(cols, TAG_DISPLAY_NAME_A, true),
		  "%u columns, PidTagDisplayName not as PtypString8", cols ? cols->cValues : 0);
	if (query_columns(t, nspi, NSPI_UNICODE_PROPTYPES, &cols) != MT_PASS) {
		return t->result;
	}
	MT_EXPECT(t, has_prop_id(cols, PidTagDisplayName, true),
		  "%u columns with NspiUnicodeProptypes, PidTagDisplayName not as PtypString",
		  cols ? cols->cValues : 0);
	return MT_PASS;
}

static enum mt_result template_info(struct mt_test *t, struct nspi_client *nspi, uint32_t code_page,
				    struct NspiGetTemplateInfo *r, struct PropertyRow_r **data)
{
	*data = NULL;
	memset(r, 0, sizeof(*r));
	r->in.hRpc = nspi->handle;
	r->in.dwFlags = TI_TEMPLATE;
	r->in.ulType = DT_MAILUSER;
	r->in.dwCodePage = code_page;
	r->in.dwLocaleID = 0x0409;
	r->out.ppData = data;
	return call_nspi(t, nspi, NDR_NSPIGETTEMPLATEINFO, r, "NspiGetTemplateInfo");
}

/* MS-OXNSPI 3.1.4.1.18: NspiGetTemplateInfo with TI_TEMPLATE returns PidTagTemplateData */
static enum mt_result t_get_template_info(struct mt_test *t)
{
	struct nspi_client *nspi;
	struct NspiGetTemplateInfo r;
	struct PropertyRow_r *data;
	const struct PropertyValue_r *v;

	if (mt_nspi(t, &nspi) != MT_PASS ||
	    template_info(t, nspi, nspi->stat.CodePage, &r, &data) != MT_PASS) {
		return t->result;
	}
	MT_EXPECT(t, r.out.result == MAPI_E_SUCCESS, "NspiGetTemplateInfo: %s",
		  mt_status(t, r.out.result));
	v = data != NULL ? nspi_row_find(data, PidTagTemplateData) : NULL;
	MT_EXPECT(t, v != NULL && (v->ulPropTag & 0xFFFF) == 0x0102 && v->Value.bin.cb > 0,
		  "no PidTagTemplateData for the mail user template");
	return MT_PASS;
}

/* MS-OXNSPI 3.1.4.1.18: a code page the server does not know is InvalidCodepage */
static enum mt_result t_template_info_bad_codepage(struct mt_test *t)
{
	struct nspi_client *nspi;
	struct NspiGetTemplateInfo r;
	struct PropertyRow_r *data;

	if (mt_nspi(t, &nspi) != MT_PASS || template_info(t, nspi, 12345, &r, &data) != MT_PASS) {
		return t->result;
	}
	MT_EXPECT(t, r.out.result == EC_INVALID_CODEPAGE, "code page 12345: observed %s, expected %s",
		  mt_status(t, r.out.result), mt_status(t, EC_INVALID_CODEPAGE));
	MT_EXPECT(t, data == NULL, "ppData set on failure");
	return MT_PASS;
}

/* MS-OXNSPI 3.1.4.1.17, 2.2.9.1: a name no entry matches is MID_UNRESOLVED */
static enum mt_result t_resolve_names_unresolved(struct mt_test *t)
{
	const char *names[2] = { "zz-mapitest-no-such-recipient", t->env->username };
	struct nspi_client *nspi;
	struct PropertyTagArray_r *mids = NULL;
	struct PropertyRowSet_r *rows = NULL;
	enum MAPISTATUS ret;

	if (mt_nspi(t, &nspi) != MT_PASS) {
		return t->result;
	}
	ret = nspi_client_resolve_names(nspi, t->mem, names, 2, NULL, &mids, &rows);
	MT_EXPECT(t, ret == MAPI_E_SUCCESS, "NspiResolveNamesW: %s", mt_status(t, ret));
	MT_EXPECT(t, mids != NULL && mids->cValues == 2, "%u MIds for two names",
		  mids ? mids->cValues : 0);
	MT_EXPECT_EQ(t, mids->aulPropTag[0], MID_UNRESOLVED, "MId of a name nothing matches");
	MT_EXPECT(t, mids->aulPropTag[1] > MID_AMBIGUOUS, "the account name resolved to MId %u",
		  mids->aulPropTag[1]);
	/* 3.1.4.1.17: rows only for the resolved names */
	MT_EXPECT(t, rows != NULL && rows->cRows == 1, "%u rows for one resolved name",
		  rows ? rows->cRows : 0);
	return MT_PASS;
}

/*
 * MS-OXNSPI 3.1.4.1.17, 2.2.9.1: a name that matches several entries (the
 * common start of two account names) is MID_AMBIGUOUS.
 */
static enum mt_result t_resolve_names_ambiguous(struct mt_test *t)
{
	const char *names[1];
	struct nspi_client *nspi;
	struct PropertyTagArray_r *mids = NULL;
	struct PropertyRowSet_r *rows = NULL;
	enum MAPISTATUS ret;
	size_t n = 0;

	if (t->env->other_user == NULL) {
		return mt_skip(t, "needs a second mailbox user (--other-user)");
	}
	while (t->env->username[n] != '\0' && t->env->other_user[n] != '\0' &&
	       tolower((unsigned char)t->env->username[n]) ==
	       tolower((unsigned char)t->env->other_user[n])) {
		n++;
	}
	/*
	 * A strict prefix of both: a name equal to one account ("demo" of
	 * "demo" and "demo2") matches that entry exactly, which is not ambiguous.
	 */
	if (t->env->username[n] == '\0' || t->env->other_user[n] == '\0') {
		n = n > 0 ? n - 1 : 0;
	}
	if (n < 3) {
		return mt_skip(t, "'%s' and '%s' share no prefix of 3 characters to be ambiguous",
			       t->env->username, t->env->other_user);
	}
	names[0] = talloc_strndup(t->mem, t->env->username, n);
	if (mt_nspi(t, &nspi) != MT_PASS) {
		return t->result;
	}
	ret = nspi_client_resolve_names(nspi, t->mem, names, 1, NULL, &mids, &rows);
	MT_EXPECT(t, ret == MAPI_E_SUCCESS, "NspiResolveNamesW: %s", mt_status(t, ret));
	MT_EXPECT(t, mids != NULL && mids->cValues == 1, "%u MIds for one name",
		  mids ? mids->cValues : 0);
	MT_EXPECT_EQ(t, mids->aulPropTag[0], MID_AMBIGUOUS,
		     "MId of the common prefix of two account names");
	return MT_PASS;
}

/*
 * MS-OXNSPI 3.1.4.1.13: NspiDNToMId of several DNs keeps their order:
 * distinct MIds for two users (each naming its own entry), 0 for unknown.
 */
static enum mt_result t_dn_to_mid_several(struct mt_test *t)
{
	static const uint32_t tags[] = { PidTagEmailAddress };
	const char *dns[3];
	struct nspi_client *nspi;
	struct PropertyTagArray_r *mids = NULL;
	struct PropertyRow_r *row = NULL;
	const char *email;
	enum MAPISTATUS ret;

	if (t->env->other_essdn == NULL) {
		return mt_skip(t, "needs a second mailbox user (--other-user)");
	}
	dns[0] = "/o=No Such Organization/ou=Nowhere/cn=Recipients/cn=nobody";
	dns[1] = t->env->other_essdn;
	dns[2] = t->env->essdn;
	if (mt_nspi(t, &nspi) != MT_PASS) {
		return t->result;
	}
	ret = nspi_client_dn_to_mid(nspi, t->mem, dns, 3, &mids);
	MT_EXPECT(t, ret == MAPI_E_SUCCESS, "NspiDNToMId: %s", mt_status(t, ret));
	MT_EXPECT(t, mids != NULL && mids->cValues == 3, "%u MIds for three DNs",
		  mids ? mids->cValues : 0);
	MT_EXPECT_EQ(t, mids->aulPropTag[0], 0, "MId of an unknown DN");
	MT_EXPECT(t, mids->aulPropTag[1] != 0 && mids->aulPropTag[2] != 0 &&
		  mids->aulPropTag[1] != mids->aulPropTag[2],
		  "MIds %u and %u for two users", mids->aulPropTag[1], mids->aulPropTag[2]);
	ret = nspi_client_get_props(nspi, t->mem, 0, mids->aulPropTag[1],
				    nspi_tag_array(t->mem, tags, 1), &row);
	MT_EXPECT(t, ret == MAPI_E_SUCCESS, "NspiGetProps: %s", mt_status(t, ret));
	email = row_string(row, PidTagEmailAddress);
	MT_EXPECT(t, email != NULL && strcasecmp(email, t->env->other_essdn) == 0,
		  "the second MId names '%s', expected '%s'", email ? email : "(none)",
		  t->env->other_essdn);
	return MT_PASS;
}

static enum mt_result ids_from_names(struct mt_test *t, struct nspi_client *nspi,
				     struct PropertyName_r *name, uint32_t flags, uint32_t *tag,
				     uint32_t *result)
{
	struct NspiGetIDsFromNames r;
	struct PropertyTagArray_r *tags = NULL;

	memset(&r, 0, sizeof(r));
	r.in.hRpc = nspi->handle;
	r.in.dwFlags = flags;
	r.in.cPropNames = 1;
	r.in.pNames = &name;
	r.out.ppPropTags = &tags;
	if (call_nspi(t, nspi, NDR_NSPIGETIDSFROMNAMES, &r, "NspiGetIDsFromNames") != MT_PASS) {
		return t->result;
	}
	*result = r.out.result;
	*tag = tags != NULL && tags->cValues == 1 ? tags->aulPropTag[0] : 0xFFFFFFFFu;
	return MT_PASS;
}

/*
 * MS-OXNSPI 3.1.4.1 (NspiGetIDsFromNames, NspiGetNamesFromIDs): gives a name an id
 * from 0x8000 (PtypUnspecified), the same when asked again with
 * NspiVerifyNames; NspiGetNamesFromIDs gives the name back.
 */
static enum mt_result t_ids_names_round_trip(struct mt_test *t)
{
	struct nspi_client *nspi;
	struct PropertyName_r name;
	struct FlatUID_r guid = ps_public_strings;
	struct NspiGetNamesFromIDs r;
	struct PropertyTagArray_r *asked, *returned = NULL;
	struct PropertyNameSet_r *names = NULL;
	uint32_t tag, again, result;

	if (mt_nspi(t, &nspi) != MT_PASS) {
		return t->result;
	}
	memset(&name, 0, sizeof(name));
	name.lpguid = &guid;
	name.lID = 0x6D74;	/* "mt" */
	if (ids_from_names(t, nspi, &name, 0, &tag, &result) != MT_PASS) {
		return t->result;
	}
	MT_EXPECT(t, result == MAPI_E_SUCCESS, "NspiGetIDsFromNames: %s", mt_status(t, result));
	MT_EXPECT(t, (tag >> 16) >= 0x8000 && (tag & 0xFFFF) == 0,
		  "the name maps to 0x%08x, expected an id from 0x8000 with PtypUnspecified", tag);
	if (ids_from_names(t, nspi, &name, NSPI_VERIFY_NAMES, &again, &result) != MT_PASS) {
		return t->result;
	}
	MT_EXPECT(t, result == MAPI_E_SUCCESS && again == tag,
		  "with NspiVerifyNames: %s, 0x%08x (first 0x%08x)", mt_status(t, result), again, tag);
	asked = nspi_tag_array(t->mem, &tag, 1);
	memset(&r, 0, sizeof(r));
	r.in.hRpc = nspi->handle;
	r.in.pPropTags = asked;
	r.out.ppReturnedPropTags = &returned;
	r.out.ppNames = &names;
	if (call_nspi(t, nspi, NDR_NSPIGETNAMESFROMIDS, &r, "NspiGetNamesFromIDs") != MT_PASS) {
		return t->result;
	}
	MT_EXPECT(t, r.out.result == MAPI_E_SUCCESS, "NspiGetNamesFromIDs: %s",
		  mt_status(t, r.out.result));
	MT_EXPECT(t, names != NULL && names->cNames == 1 && names->aNames[0].lpguid != NULL &&
		  memcmp(names->aNames[0].lpguid->ab, guid.ab, 16) == 0 &&
		  names->aNames[0].lID == name.lID,
		  "0x%08x names lID 0x%x, expected 0x%x in PS_PUBLIC_STRINGS", tag,
		  names && names->cNames == 1 ? (unsigned)names->aNames[0].lID : 0u,
		  (unsigned)name.lID);
	return MT_PASS;
}

/* MS-OXNSPI 3.1.4.1 (NspiGetNamesFromIDs): all the names of PS_MAPI (no pPropTags) are NotSupported */
static enum mt_result t_names_from_ids_ps_mapi(struct mt_test *t)
{
	struct nspi_client *nspi;
	struct FlatUID_r guid = ps_mapi;
	struct NspiGetNamesFromIDs r;
	struct PropertyTagArray_r *returned = NULL;
	struct PropertyNameSet_r *names = NULL;

	if (mt_nspi(t, &nspi) != MT_PASS) {
		return t->result;
	}
	memset(&r, 0, sizeof(r));
	r.in.hRpc = nspi->handle;
	r.in.lpguid = &guid;
	r.out.ppReturnedPropTags = &returned;
	r.out.ppNames = &names;
	if (call_nspi(t, nspi, NDR_NSPIGETNAMESFROMIDS, &r, "NspiGetNamesFromIDs") != MT_PASS) {
		return t->result;
	}
	MT_EXPECT(t, r.out.result == EC_NOT_SUPPORTED, "PS_MAPI without pPropTags: observed %s, "
		  "expected %s", mt_status(t, r.out.result), mt_status(t, EC_NOT_SUPPORTED));
	return MT_PASS;
}

static enum mt_result mod_props(struct mt_test *t, struct nspi_client *nspi, uint32_t mid,
				struct PropertyTagArray_r *removes, struct PropertyRow_r *row,
				uint32_t *result)
{
	struct NspiModProps r;
	struct STAT stat = nspi->stat;

	stat.ContainerID = 0;
	stat.CurrentRec = mid;
	memset(&r, 0, sizeof(r));
	r.in.hRpc = nspi->handle;
	r.in.pStat = &stat;
	/* the properties whose values all go; none is an empty list, never NULL */
	r.in.pPropTags = removes != NULL ? removes : nspi_tag_array(t->mem, &mid, 0);
	r.in.pRow = row;
	if (call_nspi(t, nspi, NDR_NSPIMODPROPS, &r, "NspiModProps") != MT_PASS) {
		return t->result;
	}
	*result = r.out.result;
	return MT_PASS;
}

/*
 * MS-OXNSPI 3.1.4.1 (NspiModProps): NspiModProps on the user's own entry replaces
 * PidTagUserX509Certificate (read back by NspiGetProps) and removes it
 * when named in pPropTags.
 */
static enum mt_result t_mod_props_own_entry(struct mt_test *t)
{
	static const uint32_t tags[] = { PidTagUserX509Certificate };
	static uint8_t cert[] = { 0x30, 0x03, 0x02, 0x01, 0x6d };	/* a DER INTEGER, tiny */
	struct nspi_client *nspi;
	struct PropertyValue_r value;
	struct PropertyRow_r row, empty;
	struct PropertyRow_r *back = NULL;
	struct Binary_r bin = { sizeof(cert), cert };
	const struct PropertyValue_r *v;
	uint32_t mid, result;
	enum MAPISTATUS ret;

	if (mt_nspi(t, &nspi) != MT_PASS || user_mid(t, nspi, &mid) != MT_PASS) {
		return t->result;
	}
	memset(&value, 0, sizeof(value));
	value.ulPropTag = PidTagUserX509Certificate;
	value.Value.MVbin.cValues = 1;
	value.Value.MVbin.lpbin = &bin;
	row.Reserved = 0;
	row.cValues = 1;
	row.lpProps = &value;
	if (mod_props(t, nspi, mid, NULL, &row, &result) != MT_PASS) {
		return t->result;
	}
	if (result == EC_ACCESS_DENIED) {
		return mt_skip(t, "the directory does not let the user write their certificate");
	}
	MT_EXPECT(t, result == MAPI_E_SUCCESS, "NspiModProps: %s", mt_status(t, result));
	ret = nspi_client_get_props(nspi, t->mem, 0, mid, nspi_tag_array(t->mem, tags, 1), &back);
	MT_EXPECT(t, ret == MAPI_E_SUCCESS || ret == MAPI_W_ERRORS_RETURNED, "NspiGetProps: %s",
		  mt_status(t, ret));
	v = back != NULL ? nspi_row_find(back, PidTagUserX509Certificate) : NULL;
	MT_EXPECT(t, v != NULL && v->ulPropTag == PidTagUserX509Certificate &&
		  v->Value.MVbin.cValues == 1 && v->Value.MVbin.lpbin[0].cb == sizeof(cert) &&
		  memcmp(v->Value.MVbin.lpbin[0].lpb, cert, sizeof(cert)) == 0,
		  "PidTagUserX509Certificate does not read back as written");
	/* clean up: pPropTags names what to remove */
	empty.Reserved = 0;
	empty.cValues = 0;
	empty.lpProps = NULL;
	if (mod_props(t, nspi, mid, nspi_tag_array(t->mem, tags, 1), &empty, &result) != MT_PASS) {
		return t->result;
	}
	MT_EXPECT(t, result == MAPI_E_SUCCESS, "NspiModProps removing it: %s", mt_status(t, result));
	back = NULL;
	ret = nspi_client_get_props(nspi, t->mem, 0, mid, nspi_tag_array(t->mem, tags, 1), &back);
	v = back != NULL ? nspi_row_find(back, PidTagUserX509Certificate) : NULL;
	MT_EXPECT(t, v == NULL || (v->ulPropTag & 0xFFFF) == 0x000A,
		  "PidTagUserX509Certificate still there after removing it");
	return MT_PASS;
}

/*
 * MS-OXNSPI 3.1.4.1 (NspiModProps): a property the user may not change (their display
 * name) is AccessDenied.
 */
static enum mt_result t_mod_props_denied(struct mt_test *t)
{
	struct nspi_client *nspi;
	struct PropertyValue_r value;
	struct PropertyRow_r row;
	uint32_t mid, result;
	const char *before, *after;

	if (mt_nspi(t, &nspi) != MT_PASS || user_mid(t, nspi, &mid) != MT_PASS ||
	    user_display_name(t, nspi, mid, &before) != MT_PASS) {
		return t->result;
	}
	memset(&value, 0, sizeof(value));
	value.ulPropTag = PidTagDisplayName;
	value.Value.lpszW = "renamed by mapitest";
	row.Reserved = 0;
	row.cValues = 1;
	row.lpProps = &value;
	if (mod_props(t, nspi, mid, NULL, &row, &result) != MT_PASS) {
		return t->result;
	}
	MT_EXPECT(t, result == EC_ACCESS_DENIED, "NspiModProps of PidTagDisplayName: observed %s, "
		  "expected %s", mt_status(t, result), mt_status(t, EC_ACCESS_DENIED));
	if (user_display_name(t, nspi, mid, &after) != MT_PASS) {
		return t->result;
	}
	MT_EXPECT(t, strcmp(before, after) == 0, "the display name became '%s'", after);
	return MT_PASS;
}

/* MS-OXNSPI 3.1.4.1 (NspiModLinkAtt): of a property that is no link is NotFound */
static enum mt_result t_mod_link_att_not_link(struct mt_test *t)
{
	struct nspi_client *nspi;
	struct NspiModLinkAtt r;
	struct BinaryArray_r ids;
	uint32_t mid;

	if (mt_nspi(t, &nspi) != MT_PASS || user_mid(t, nspi, &mid) != MT_PASS) {
		return t->result;
	}
	memset(&ids, 0, sizeof(ids));
	memset(&r, 0, sizeof(r));
	r.in.hRpc = nspi->handle;
	r.in.ulPropTag = PidTagDisplayName;
	r.in.dwMId = mid;
	r.in.lpEntryIds = &ids;
	if (call_nspi(t, nspi, NDR_NSPIMODLINKATT, &r, "NspiModLinkAtt") != MT_PASS) {
		return t->result;
	}
	MT_EXPECT(t, r.out.result == EC_NOT_FOUND, "NspiModLinkAtt of PidTagDisplayName: observed "
		  "%s, expected %s", mt_status(t, r.out.result), mt_status(t, EC_NOT_FOUND));
	return MT_PASS;
}

/*
 * MS-OXNSPI 2.2.10 (and MS-RPCE context handles): a context handle the
 * server never gave fails the call at the RPC layer; the real one still works.
 */
static enum mt_result t_bad_context_handle(struct mt_test *t)
{
	static const uint32_t tags[] = { PidTagDisplayName };
	struct nspi_client *nspi;
	struct NspiQueryRows r;
	struct PropertyRowSet_r *rows = NULL;
	struct STAT stat;
	NTSTATUS status;
	uint32_t mid;

	if (mt_nspi(t, &nspi) != MT_PASS) {
		return t->result;
	}
	stat = nspi->stat;
	memset(&r, 0, sizeof(r));
	r.in.hRpc = nspi->handle;
	r.in.hRpc.uuid.time_low ^= 0x5A5A5A5A;	/* a handle the server never gave */
	r.in.pStat = &stat;
	r.in.Count = 1;
	r.in.pPropTags = nspi_tag_array(t->mem, tags, 1);
	r.out.pStat = &stat;
	r.out.ppRows = &rows;
	status = dcerpc_binding_handle_call(nspi->pipe->binding_handle, NULL, &ndr_table_nspi,
					    NDR_NSPIQUERYROWS, t->mem, &r);
	MT_EXPECT(t, !NT_STATUS_IS_OK(status), "NspiQueryRows with a forged handle answered %s",
		  mt_status(t, r.out.result));
	return user_mid(t, nspi, &mid);
}

/*
 * MS-OXNSPI 3.1.4.1.7, 2.2.1 (code pages): the same entry read as
 * PtypString8 (in the STAT's code page) and as PtypString gives the same
 * ASCII display name, each in the type asked for.
 */
static enum mt_result t_get_props_string_types(struct mt_test *t)
{
	static const uint32_t tags[] = { TAG_DISPLAY_NAME_A };
	struct nspi_client *nspi;
	struct PropertyRow_r *row = NULL;
	const struct PropertyValue_r *v;
	const char *unicode;
	enum MAPISTATUS ret;
	uint32_t mid;

	if (mt_nspi(t, &nspi) != MT_PASS || user_mid(t, nspi, &mid) != MT_PASS ||
	    user_display_name(t, nspi, mid, &unicode) != MT_PASS) {
		return t->result;
	}
	ret = nspi_client_get_props(nspi, t->mem, 0, mid, nspi_tag_array(t->mem, tags, 1), &row);
	MT_EXPECT(t, ret == MAPI_E_SUCCESS, "NspiGetProps: %s", mt_status(t, ret));
	v = row != NULL ? nspi_row_find(row, TAG_DISPLAY_NAME_A) : NULL;
	MT_EXPECT(t, v != NULL && v->ulPropTag == TAG_DISPLAY_NAME_A && v->Value.lpszA != NULL,
		  "PidTagDisplayName asked as PtypString8 came as 0x%08x", v ? v->ulPropTag : 0);
	MT_EXPECT(t, strcmp(v->Value.lpszA, unicode) == 0, "8-bit '%s', Unicode '%s'",
		  v->Value.lpszA, unicode);
	return MT_PASS;
}

/*
 * MS-OXNSPI 3.1.4.1.11 NspiResortRestriction: a list of MIds comes back
 * sorted by display name, whatever its order in.
 */
static enum mt_result t_resort_restriction(struct mt_test *t)
{
	const char *dns[2];
	struct nspi_client *nspi;
	struct PropertyTagArray_r *mids = NULL, *out = NULL;
	struct NspiResortRestriction r;
	struct STAT stat;
	const char *first, *second;
	enum MAPISTATUS ret;
	uint32_t expect[2];

	if (t->env->other_essdn == NULL) {
		return mt_skip(t, "needs a second mailbox user (--other-user)");
	}
	if (mt_nspi(t, &nspi) != MT_PASS) {
		return t->result;
	}
	dns[0] = t->env->essdn;
	dns[1] = t->env->other_essdn;
	ret = nspi_client_dn_to_mid(nspi, t->mem, dns, 2, &mids);
	MT_EXPECT(t, ret == MAPI_E_SUCCESS && mids != NULL && mids->cValues == 2 &&
		  mids->aulPropTag[0] != 0 && mids->aulPropTag[1] != 0, "NspiDNToMId: %s",
		  mt_status(t, ret));
	if (user_display_name(t, nspi, mids->aulPropTag[0], &first) != MT_PASS ||
	    user_display_name(t, nspi, mids->aulPropTag[1], &second) != MT_PASS) {
		return t->result;
	}
	if (strcasecmp(first, second) == 0) {
		return mt_skip(t, "both users are called '%s': no order to check", first);
	}
	/* the order the server must give: by display name */
	expect[0] = strcasecmp(first, second) < 0 ? mids->aulPropTag[0] : mids->aulPropTag[1];
	expect[1] = expect[0] == mids->aulPropTag[0] ? mids->aulPropTag[1] : mids->aulPropTag[0];
	/* sent in the other order */
	{
		uint32_t in[2] = { expect[1], expect[0] };

		mids = nspi_tag_array(t->mem, in, 2);
	}
	stat = nspi->stat;
	stat.ContainerID = 0;
	stat.SortType = SORT_TYPE_DISPLAY_NAME;
	memset(&r, 0, sizeof(r));
	r.in.hRpc = nspi->handle;
	r.in.pStat = &stat;
	r.in.pInMIds = mids;
	r.in.ppOutMIds = &out;
	r.out.pStat = &stat;
	r.out.ppOutMIds = &out;
	if (call_nspi(t, nspi, NDR_NSPIRESORTRESTRICTION, &r, "NspiResortRestriction") != MT_PASS) {
		return t->result;
	}
	MT_EXPECT(t, r.out.result == MAPI_E_SUCCESS, "NspiResortRestriction: %s",
		  mt_status(t, r.out.result));
	MT_EXPECT(t, out != NULL && out->cValues == 2, "%u MIds back for 2", out ? out->cValues : 0);
	MT_EXPECT(t, out->aulPropTag[0] == expect[0] && out->aulPropTag[1] == expect[1],
		  "order %u, %u; by display name ('%s', '%s') it is %u, %u", out->aulPropTag[0],
		  out->aulPropTag[1], first, second, expect[0], expect[1]);
	return MT_PASS;
}

/*
 * MS-OXNSPI 3.1.4.1.16 (NspiResolveNames): the 8-bit form, in the STAT's
 * code page, resolves the account name to the MId NspiDNToMId gives.
 */
static enum mt_result t_resolve_names_8bit(struct mt_test *t)
{
	static const uint32_t tags[] = { PidTagEmailAddress };
	const char *names[1] = { t->env->username };
	struct nspi_client *nspi;
	struct NspiResolveNames r;
	struct StringsArray_r strings;
	struct PropertyTagArray_r *mids = NULL;
	struct PropertyRowSet_r *rows = NULL;
	struct STAT stat;
	uint32_t mid;

	if (mt_nspi(t, &nspi) != MT_PASS || user_mid(t, nspi, &mid) != MT_PASS) {
		return t->result;
	}
	strings.Count = 1;
	strings.Strings = names;
	stat = nspi->stat;
	stat.ContainerID = 0;
	memset(&r, 0, sizeof(r));
	r.in.hRpc = nspi->handle;
	r.in.pStat = &stat;
	r.in.pPropTags = nspi_tag_array(t->mem, tags, 1);
	r.in.paStr = &strings;
	r.out.ppMIds = &mids;
	r.out.ppRows = &rows;
	if (call_nspi(t, nspi, NDR_NSPIRESOLVENAMES, &r, "NspiResolveNames") != MT_PASS) {
		return t->result;
	}
	MT_EXPECT(t, r.out.result == MAPI_E_SUCCESS, "NspiResolveNames: %s", mt_status(t, r.out.result));
	MT_EXPECT(t, mids != NULL && mids->cValues == 1, "%u MIds for one name",
		  mids ? mids->cValues : 0);
	MT_EXPECT_EQ(t, mids->aulPropTag[0], mid, "the MId of the account name against NspiDNToMId's");
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
	{ "compare_mids", "MS-OXNSPI 3.1.4.1 (NspiCompareMIds)",
	  "NspiCompareMIds of an MId with itself is 0", t_compare_mids },
	{ "compare_mids_bad_mid", "MS-OXNSPI 3.1.4.1 (NspiCompareMIds)",
	  "NspiCompareMIds with an MId not in the table fails with GeneralFailure",
	  t_compare_mids_bad_mid },
	{ "get_special_table", "MS-OXNSPI 3.1.4.1.3",
	  "NspiGetSpecialTable returns the hierarchy table of containers, the GAL included",
	  t_get_special_table },
	{ "update_stat", "MS-OXNSPI 3.1.4.1.4",
	  "NspiUpdateStat gives an MId's position, and moving that many rows reaches the MId",
	  t_update_stat },
	{ "seek_entries", "MS-OXNSPI 3.1.4.1.9",
	  "NspiSeekEntries positions on the first row at or after a display name", t_seek_entries },
	{ "get_prop_list", "MS-OXNSPI 3.1.4.1.6",
	  "NspiGetPropList of the user's entry lists their display name and address",
	  t_get_prop_list },
	{ "query_columns", "MS-OXNSPI 3.1.4.1.5",
	  "NspiQueryColumns gives string columns as PtypString8, PtypString when asked",
	  t_query_columns },
	{ "get_template_info", "MS-OXNSPI 3.1.4.1.18",
	  "NspiGetTemplateInfo with TI_TEMPLATE returns the mail user template's data",
	  t_get_template_info },
	{ "template_info_bad_codepage", "MS-OXNSPI 3.1.4.1.18",
	  "NspiGetTemplateInfo with a code page the server does not know is InvalidCodepage",
	  t_template_info_bad_codepage },
	{ "resolve_names_unresolved", "MS-OXNSPI 3.1.4.1.17, 2.2.9.1",
	  "a name nothing matches is MID_UNRESOLVED, with rows only for the resolved names",
	  t_resolve_names_unresolved },
	{ "resolve_names_ambiguous", "MS-OXNSPI 3.1.4.1.17, 2.2.9.1",
	  "a name two entries match is MID_AMBIGUOUS", t_resolve_names_ambiguous },
	{ "dn_to_mid_several", "MS-OXNSPI 3.1.4.1.13",
	  "NspiDNToMId of several DNs answers in order: distinct MIds, 0 for an unknown DN",
	  t_dn_to_mid_several },
	{ "ids_names_round_trip", "MS-OXNSPI 3.1.4.1 (NspiGetIDsFromNames, NspiGetNamesFromIDs)",
	  "NspiGetIDsFromNames maps a name to an id from 0x8000; NspiGetNamesFromIDs maps it back",
	  t_ids_names_round_trip },
	{ "names_from_ids_ps_mapi", "MS-OXNSPI 3.1.4.1 (NspiGetNamesFromIDs)",
	  "NspiGetNamesFromIDs of all PS_MAPI names is NotSupported", t_names_from_ids_ps_mapi },
	{ "mod_props_own_entry", "MS-OXNSPI 3.1.4.1 (NspiModProps)",
	  "NspiModProps writes and removes the user's own certificate, read back by NspiGetProps",
	  t_mod_props_own_entry },
	{ "mod_props_denied", "MS-OXNSPI 3.1.4.1 (NspiModProps)",
	  "NspiModProps of a property the user may not change is AccessDenied, nothing changes",
	  t_mod_props_denied },
	{ "mod_link_att_not_link", "MS-OXNSPI 3.1.4.1 (NspiModLinkAtt)",
	  "NspiModLinkAtt of a property that is not a link attribute is NotFound",
	  t_mod_link_att_not_link },
	{ "bad_context_handle", "MS-OXNSPI 2.2.10, MS-RPCE (context handles)",
	  "a context handle the server never gave fails the call; the session goes on",
	  t_bad_context_handle },
	{ "get_props_string_types", "MS-OXNSPI 3.1.4.1.7",
	  "a string read as PtypString8 and as PtypString is the same, each in its type",
	  t_get_props_string_types },
	{ "resort_restriction", "MS-OXNSPI 3.1.4.1.11",
	  "NspiResortRestriction sorts a list of MIds by display name", t_resort_restriction },
	{ "resolve_names_8bit", "MS-OXNSPI 3.1.4.1.16",
	  "NspiResolveNames (8-bit) resolves the account name to the MId NspiDNToMId gives",
	  t_resolve_names_8bit },
};

const struct mt_family mt_family_nspi = {
	"NSPI", "the address book (MS-OXNSPI)", true, tests, MT_COUNT(tests),
};
