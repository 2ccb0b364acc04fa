/*
 * OpenChange libmapi: the address book calls of the client API, through
 * the session's NSPI connection (MS-OXNSPI).
 *
 * Copyright (C) OpenChange developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <talloc.h>

#include "libmapi/mapi_private.h"
#include "libmapi/profile_nspi.h"
#include "libmapi/nspi_client.h"
#include "libmapi/codepage.h"

enum MAPISTATUS ResolveNames(TALLOC_CTX *mem_ctx, struct mapi_session *session, const char *name,
			     struct mapi_ab_entry **entry)
{
	struct profile_ab_entry *found = NULL;
	struct mapi_ab_entry *out;
	enum MAPISTATUS ret;

	if (session == NULL || name == NULL || name[0] == '\0' || entry == NULL) {
		return MAPI_E_INVALID_PARAMETER;
	}
	*entry = NULL;
	/* MS-OXNSPI 3.1.4.1.17 NspiResolveNamesW: the server's ambiguous name resolution */
	mapi_lock();
	ret = profile_resolve_name(session->ab, mem_ctx, name, &found);
	mapi_unlock();
	if (ret != MAPI_E_SUCCESS) {
		const char *detail = profile_connection_error(session->ab);

		mapi_set_error(session, "ResolveNames(%s): %s", name,
			       detail != NULL ? detail : mapi_errstr(ret));
		return ret;
	}
	out = talloc_zero(mem_ctx, struct mapi_ab_entry);
	if (out == NULL) {
		talloc_free(found);
		return MAPI_E_NOT_ENOUGH_MEMORY;
	}
	talloc_steal(out, found);
	out->display_name = found->display_name;
	out->smtp_address = found->smtp_address;
	out->essdn = found->essdn;
	*entry = out;
	return MAPI_E_SUCCESS;
}

/* MS-OXNSPI 2.2.1.8: where a status-based table position starts */
#define MID_BEGINNING_OF_TABLE 0x00000000
#define MID_END_OF_TABLE 0x00000002
/* MS-OXNSPI 2.2.1.10 SortTypeDisplayName */
#define SORT_TYPE_DISPLAY_NAME 0x00000000
/* MS-OXNSPI 2.2.1.5 NspiGetSpecialTable flag: strings in UTF-16 */
#define NSPI_UNICODE_STRINGS 0x00000004
/* rows asked for in one NspiQueryRows: bounds one reply's size; GetGALTable documents it */
#define AB_MAX_PAGE 1000

struct mapi_ab_table {
	struct mapi_session *session;
	struct STAT stat;
};

/* The session's bound NSPI client, or NULL (with the session's error set) */
static struct nspi_client *session_nspi(struct mapi_session *session, const char *call)
{
	struct nspi_client *nspi = session->ab != NULL ? profile_connection_nspi(session->ab) : NULL;

	if (nspi == NULL || !nspi->bound) {
		mapi_set_error(session, "%s: the session has no address book connection", call);
		return NULL;
	}
	return nspi;
}

static enum MAPISTATUS ab_fail(struct mapi_session *session, struct nspi_client *nspi,
			       const char *call, enum MAPISTATUS ret)
{
	const char *name = mapi_errstr(ret);

	if (ret == MAPI_E_NETWORK_ERROR && nspi->last_error != NULL) {
		mapi_set_error(session, "%s: %s", call, nspi->last_error);
	} else {
		mapi_set_error(session, "%s: %s", call, name != NULL ? name : "error");
	}
	return ret;
}

/*
 * The columns as sent: 8-bit string types become UTF-16 ones, which the
 * server answers whatever the STAT's code page (MS-OXNSPI 3.1.4.3), so
 * every string comes back as UTF-8 from the NDR layer.
 */
static struct PropertyTagArray_r *wire_columns(TALLOC_CTX *mem_ctx, const uint32_t *tags,
					       uint32_t count)
{
	struct PropertyTagArray_r *cols = nspi_tag_array(mem_ctx, tags, count);
	uint32_t i;

	for (i = 0; cols != NULL && i < cols->cValues; i++) {
		uint16_t type = MAPI_PROP_TYPE(cols->aulPropTag[i]);

		if (type == PTYP_STRING8 || type == PTYP_MULTIPLE_STRING8) {
			cols->aulPropTag[i] = MAPI_PROP_TAG(MAPI_PROP_ID(cols->aulPropTag[i]),
							    type == PTYP_STRING8 ? PTYP_STRING :
							    PTYP_MULTIPLE_STRING);
		}
	}
	return cols;
}

static char *utf8_of(TALLOC_CTX *mem_ctx, const char *s, bool unicode, uint32_t code_page)
{
	if (s == NULL) {
		return talloc_strdup(mem_ctx, "");
	}
	/* MS-OXNSPI 3.1.4.3: 8-bit strings are in the STAT's code page */
	return unicode ? talloc_strdup(mem_ctx, s) : mapi_codepage_to_utf8(mem_ctx, s, code_page);
}

static bool copy_binary(TALLOC_CTX *mem_ctx, const struct Binary_r *in, struct mapi_binary *out)
{
	out->len = in->cb;
	out->data = NULL;
	if (in->cb == 0) {
		return true;
	}
	out->data = talloc_memdup(mem_ctx, in->lpb, in->cb);
	return out->data != NULL;
}

/* One NSPI property value (MS-OXNSPI 2.2.2) as a struct mapi_propval under MEM_CTX */
static bool ab_propval(TALLOC_CTX *mem_ctx, const struct PropertyValue_r *in, uint32_t code_page,
		       struct mapi_propval *out)
{
	uint16_t type = MAPI_PROP_TYPE(in->ulPropTag);
	uint16_t id = MAPI_PROP_ID(in->ulPropTag);
	uint32_t i, n;

	memset(out, 0, sizeof(*out));
	out->tag = in->ulPropTag;
	switch (type) {
	case PT_SHORT:
		out->value.i16 = (uint16_t)in->Value.i;
		return true;
	case PT_LONG:
		out->value.i32 = (uint32_t)in->Value.l;
		return true;
	case PT_BOOLEAN:
		out->value.boolean = in->Value.b != 0;
		return true;
	case PT_ERROR:
		out->value.error_code = in->Value.err;
		return true;
	case PT_STRING8:
	case PT_UNICODE:
		out->tag = MAPI_PROP_TAG(id, PTYP_STRING);
		out->value.string = utf8_of(mem_ctx, type == PT_UNICODE ? in->Value.lpszW :
					    in->Value.lpszA, type == PT_UNICODE, code_page);
		return out->value.string != NULL;
	case PT_BINARY:
		return copy_binary(mem_ctx, &in->Value.bin, &out->value.binary);
	case PT_SYSTIME:
		out->value.time = ((uint64_t)in->Value.ft.dwHighDateTime << 32) |
			in->Value.ft.dwLowDateTime;
		return true;
	case PT_CLSID:
		out->value.guid = talloc(mem_ctx, struct mapi_guid);
		if (out->value.guid == NULL) {
			return false;
		}
		if (in->Value.lpguid != NULL) {
			memcpy(out->value.guid->bytes, in->Value.lpguid->ab, 16);
		} else {
			memset(out->value.guid->bytes, 0, 16);
		}
		return true;
	case PT_MV_SHORT:
		n = in->Value.MVi.cValues;
		out->value.mv_i16.count = n;
		out->value.mv_i16.values = talloc_array(mem_ctx, uint16_t, n ? n : 1);
		for (i = 0; out->value.mv_i16.values != NULL && i < n; i++) {
			out->value.mv_i16.values[i] = (uint16_t)in->Value.MVi.lpi[i];
		}
		return out->value.mv_i16.values != NULL;
	case PT_MV_LONG:
		n = in->Value.MVl.cValues;
		out->value.mv_i32.count = n;
		out->value.mv_i32.values = talloc_array(mem_ctx, uint32_t, n ? n : 1);
		for (i = 0; out->value.mv_i32.values != NULL && i < n; i++) {
			out->value.mv_i32.values[i] = (uint32_t)in->Value.MVl.lpl[i];
		}
		return out->value.mv_i32.values != NULL;
	case PT_MV_STRING8:
	case PT_MV_UNICODE:
		n = type == PT_MV_UNICODE ? in->Value.MVszW.cValues : in->Value.MVszA.cValues;
		out->tag = MAPI_PROP_TAG(id, PTYP_MULTIPLE_STRING);
		out->value.mv_string.count = n;
		out->value.mv_string.values = talloc_array(mem_ctx, char *, n ? n : 1);
		if (out->value.mv_string.values == NULL) {
			return false;
		}
		for (i = 0; i < n; i++) {
			out->value.mv_string.values[i] = utf8_of(mem_ctx, type == PT_MV_UNICODE ?
				in->Value.MVszW.lppszW[i] : in->Value.MVszA.lppszA[i],
				type == PT_MV_UNICODE, code_page);
			if (out->value.mv_string.values[i] == NULL) {
				return false;
			}
		}
		return true;
	case PT_MV_BINARY:
		n = in->Value.MVbin.cValues;
		out->value.mv_binary.count = n;
		out->value.mv_binary.values = talloc_zero_array(mem_ctx, struct mapi_binary, n ? n : 1);
		if (out->value.mv_binary.values == NULL) {
			return false;
		}
		for (i = 0; i < n; i++) {
			if (!copy_binary(mem_ctx, &in->Value.MVbin.lpbin[i],
					 &out->value.mv_binary.values[i])) {
				return false;
			}
		}
		return true;
	case PT_MV_SYSTIME:
		n = in->Value.MVft.cValues;
		out->value.mv_time.count = n;
		out->value.mv_time.values = talloc_array(mem_ctx, uint64_t, n ? n : 1);
		for (i = 0; out->value.mv_time.values != NULL && i < n; i++) {
			out->value.mv_time.values[i] =
				((uint64_t)in->Value.MVft.lpft[i].dwHighDateTime << 32) |
				in->Value.MVft.lpft[i].dwLowDateTime;
		}
		return out->value.mv_time.values != NULL;
	case PT_MV_CLSID:
		n = in->Value.MVguid.cValues;
		out->value.mv_guid.count = n;
		out->value.mv_guid.values = talloc_zero_array(mem_ctx, struct mapi_guid, n ? n : 1);
		for (i = 0; out->value.mv_guid.values != NULL && i < n; i++) {
			if (in->Value.MVguid.lpguid[i] != NULL) {
				memcpy(out->value.mv_guid.values[i].bytes,
				       in->Value.MVguid.lpguid[i]->ab, 16);
			}
		}
		return out->value.mv_guid.values != NULL;
	default:
		/* PtypEmbeddedTable (MS-OXNSPI 2.2.1.1) and the like: not a value */
		out->tag = MAPI_PROP_TAG(id, PTYP_ERRORCODE);
		out->value.error_code = MAPI_E_NO_SUPPORT;
		return true;
	}
}

/* ROW's values, in its order, as a struct mapi_row under MEM_CTX */
static bool ab_row(TALLOC_CTX *mem_ctx, const struct PropertyRow_r *row, uint32_t code_page,
		   struct mapi_row *out)
{
	uint32_t i;

	out->count = row->cValues;
	out->props = talloc_zero_array(mem_ctx, struct mapi_propval, row->cValues ? row->cValues : 1);
	if (out->props == NULL) {
		return false;
	}
	for (i = 0; i < row->cValues; i++) {
		if (!ab_propval(out->props, &row->lpProps[i], code_page, &out->props[i])) {
			return false;
		}
	}
	return true;
}

enum MAPISTATUS GetABHierarchy(TALLOC_CTX *mem_ctx, struct mapi_session *session,
			       struct mapi_ab_container **containers, uint32_t *count)
{
	struct nspi_client *nspi;
	struct PropertyRowSet_r *rows = NULL;
	struct mapi_ab_container *out;
	uint32_t version = 0, i;
	enum MAPISTATUS ret;
	TALLOC_CTX *tmp;

	if (session == NULL || containers == NULL || count == NULL) {
		return MAPI_E_INVALID_PARAMETER;
	}
	*containers = NULL;
	*count = 0;
	nspi = session_nspi(session, "GetABHierarchy");
	if (nspi == NULL) {
		return MAPI_E_NOT_INITIALIZED;
	}
	tmp = talloc_new(mem_ctx);
	if (tmp == NULL) {
		return MAPI_E_NOT_ENOUGH_MEMORY;
	}
	/* MS-OXNSPI 3.1.4.1.3: version 0 is one no server has, so every row comes */
	mapi_lock();
	ret = nspi_client_get_special_table(nspi, tmp, NSPI_UNICODE_STRINGS, &version, &rows);
	mapi_unlock();
	if (ret != MAPI_E_SUCCESS) {
		talloc_free(tmp);
		return ab_fail(session, nspi, "NspiGetSpecialTable", ret);
	}
	out = talloc_zero_array(mem_ctx, struct mapi_ab_container,
				rows != NULL && rows->cRows ? rows->cRows : 1);
	if (out == NULL) {
		talloc_free(tmp);
		return MAPI_E_NOT_ENOUGH_MEMORY;
	}
	for (i = 0; rows != NULL && i < rows->cRows; i++) {
		const struct PropertyRow_r *row = &rows->aRow[i];
		const struct PropertyValue_r *v;

		v = nspi_row_find(row, PidTagDisplayName);
		out[i].display_name = utf8_of(out, v != NULL && MAPI_PROP_TYPE(v->ulPropTag) ==
					      PT_UNICODE ? v->Value.lpszW :
					      v != NULL && MAPI_PROP_TYPE(v->ulPropTag) == PT_STRING8 ?
					      v->Value.lpszA : NULL,
					      v == NULL || MAPI_PROP_TYPE(v->ulPropTag) != PT_STRING8,
					      nspi->stat.CodePage);
		v = nspi_row_find(row, PidTagAddressBookContainerId);
		out[i].container_id = v != NULL && MAPI_PROP_TYPE(v->ulPropTag) == PT_LONG ?
			(uint32_t)v->Value.l : 0;
		v = nspi_row_find(row, PidTagContainerFlags);
		out[i].flags = v != NULL && MAPI_PROP_TYPE(v->ulPropTag) == PT_LONG ?
			(uint32_t)v->Value.l : 0;
		v = nspi_row_find(row, PidTagDepth);
		out[i].depth = v != NULL && MAPI_PROP_TYPE(v->ulPropTag) == PT_LONG ?
			(uint32_t)v->Value.l : 0;
		v = nspi_row_find(row, PidTagAddressBookIsMaster);
		out[i].is_master = v != NULL && MAPI_PROP_TYPE(v->ulPropTag) == PT_BOOLEAN &&
			v->Value.b != 0;
		v = nspi_row_find(row, PidTagEntryId);
		if (v != NULL && MAPI_PROP_TYPE(v->ulPropTag) == PT_BINARY &&
		    !copy_binary(out, &v->Value.bin, &out[i].entryid)) {
			talloc_free(out);
			talloc_free(tmp);
			return MAPI_E_NOT_ENOUGH_MEMORY;
		}
		if (out[i].display_name == NULL) {
			talloc_free(out);
			talloc_free(tmp);
			return MAPI_E_NOT_ENOUGH_MEMORY;
		}
	}
	*count = rows != NULL ? rows->cRows : 0;
	*containers = out;
	talloc_free(tmp);
	return MAPI_E_SUCCESS;
}

enum MAPISTATUS OpenGALTable(TALLOC_CTX *mem_ctx, struct mapi_session *session,
			     uint32_t container_id, struct mapi_ab_table **table)
{
	struct nspi_client *nspi;
	struct mapi_ab_table *t;
	enum MAPISTATUS ret;

	if (session == NULL || table == NULL) {
		return MAPI_E_INVALID_PARAMETER;
	}
	*table = NULL;
	nspi = session_nspi(session, "OpenGALTable");
	if (nspi == NULL) {
		return MAPI_E_NOT_INITIALIZED;
	}
	t = talloc_zero(mem_ctx, struct mapi_ab_table);
	if (t == NULL) {
		return MAPI_E_NOT_ENOUGH_MEMORY;
	}
	t->session = session;
	/* the session's code page and locales, a position of our own (MS-OXNSPI 3.1.4.5) */
	t->stat = nspi->stat;
	t->stat.SortType = SORT_TYPE_DISPLAY_NAME;
	t->stat.ContainerID = container_id;
	t->stat.CurrentRec = MID_BEGINNING_OF_TABLE;
	t->stat.Delta = 0;
	t->stat.NumPos = 0;
	t->stat.TotalRecs = 0;
	/* NspiUpdateStat with no move checks the container and fills TotalRecs */
	mapi_lock();
	ret = nspi_client_update_stat(nspi, &t->stat, NULL);
	mapi_unlock();
	if (ret != MAPI_E_SUCCESS) {
		talloc_free(t);
		if (ret == MAPI_E_INVALID_BOOKMARK) {
			mapi_set_error(session, "OpenGALTable: no address book container 0x%08x",
				       container_id);
			return MAPI_E_NOT_FOUND;
		}
		return ab_fail(session, nspi, "NspiUpdateStat", ret);
	}
	*table = t;
	return MAPI_E_SUCCESS;
}

enum MAPISTATUS GetGALTable(TALLOC_CTX *mem_ctx, struct mapi_ab_table *table, const uint32_t *tags,
			    uint16_t tag_count, uint32_t max, struct mapi_row **rows,
			    uint32_t *count)
{
	struct nspi_client *nspi;
	struct PropertyTagArray_r *cols;
	struct PropertyRowSet_r *set = NULL;
	struct mapi_row *out;
	struct STAT stat;
	enum MAPISTATUS ret;
	TALLOC_CTX *tmp;
	uint32_t i, n;

	if (table == NULL || tags == NULL || tag_count == 0 || max == 0 || rows == NULL ||
	    count == NULL) {
		return MAPI_E_INVALID_PARAMETER;
	}
	*rows = NULL;
	*count = 0;
	nspi = session_nspi(table->session, "GetGALTable");
	if (nspi == NULL) {
		return MAPI_E_NOT_INITIALIZED;
	}
	/* MS-OXNSPI 3.1.4.1.8: at the end there is nothing to read (and no error) */
	if (table->stat.CurrentRec == MID_END_OF_TABLE) {
		out = talloc_zero(mem_ctx, struct mapi_row);
		if (out == NULL) {
			return MAPI_E_NOT_ENOUGH_MEMORY;
		}
		*rows = out;
		return MAPI_E_SUCCESS;
	}
	tmp = talloc_new(mem_ctx);
	cols = tmp != NULL ? wire_columns(tmp, tags, tag_count) : NULL;
	if (cols == NULL) {
		talloc_free(tmp);
		return MAPI_E_NOT_ENOUGH_MEMORY;
	}
	stat = table->stat;
	mapi_lock();
	ret = nspi_client_query_rows_stat(nspi, tmp, &stat, 0, max < AB_MAX_PAGE ? max : AB_MAX_PAGE,
					  cols, &set);
	mapi_unlock();
	if (ret != MAPI_E_SUCCESS) {
		talloc_free(tmp);
		return ab_fail(table->session, nspi, "NspiQueryRows", ret);
	}
	n = set != NULL ? set->cRows : 0;
	out = talloc_zero_array(mem_ctx, struct mapi_row, n ? n : 1);
	if (out == NULL) {
		talloc_free(tmp);
		return MAPI_E_NOT_ENOUGH_MEMORY;
	}
	for (i = 0; i < n; i++) {
		if (!ab_row(out, &set->aRow[i], stat.CodePage, &out[i])) {
			talloc_free(out);
			talloc_free(tmp);
			return MAPI_E_NOT_ENOUGH_MEMORY;
		}
	}
	/* the cursor moves only when the rows reached the caller */
	table->stat = stat;
	talloc_free(tmp);
	*rows = out;
	*count = n;
	return MAPI_E_SUCCESS;
}

enum MAPISTATUS GetGALTableCount(struct mapi_ab_table *table, uint32_t *total, uint32_t *position)
{
	struct nspi_client *nspi;
	struct STAT stat;
	enum MAPISTATUS ret;

	if (table == NULL || total == NULL) {
		return MAPI_E_INVALID_PARAMETER;
	}
	nspi = session_nspi(table->session, "GetGALTableCount");
	if (nspi == NULL) {
		return MAPI_E_NOT_INITIALIZED;
	}
	/* MS-OXNSPI 3.1.4.1.5: NspiUpdateStat with Delta 0 reports without moving */
	stat = table->stat;
	stat.Delta = 0;
	mapi_lock();
	ret = nspi_client_update_stat(nspi, &stat, NULL);
	mapi_unlock();
	if (ret != MAPI_E_SUCCESS) {
		return ab_fail(table->session, nspi, "NspiUpdateStat", ret);
	}
	table->stat = stat;
	*total = stat.TotalRecs;
	if (position != NULL) {
		*position = stat.NumPos;
	}
	return MAPI_E_SUCCESS;
}

enum MAPISTATUS SeekGALTable(struct mapi_ab_table *table, const char *prefix, uint32_t *mid)
{
	struct nspi_client *nspi;
	struct PropertyValue_r target;
	struct STAT stat;
	enum MAPISTATUS ret;

	if (table == NULL || prefix == NULL) {
		return MAPI_E_INVALID_PARAMETER;
	}
	nspi = session_nspi(table->session, "SeekGALTable");
	if (nspi == NULL) {
		return MAPI_E_NOT_INITIALIZED;
	}
	/* MS-OXNSPI 3.1.4.1.9 rule 11: the target is the sort key, PidTagDisplayName */
	memset(&target, 0, sizeof(target));
	target.ulPropTag = MAPI_PROP_TAG(MAPI_PROP_ID(PidTagDisplayName), PT_UNICODE);
	target.Value.lpszW = prefix;
	stat = table->stat;
	stat.Delta = 0;
	mapi_lock();
	ret = nspi_client_seek_entries(nspi, &stat, &target);
	mapi_unlock();
	if (ret == MAPI_E_NOT_FOUND) {
		mapi_set_error(table->session, "SeekGALTable: no display name sorts at or after '%s'",
			       prefix);
		return ret;
	}
	if (ret != MAPI_E_SUCCESS) {
		return ab_fail(table->session, nspi, "NspiSeekEntries", ret);
	}
	table->stat = stat;
	if (mid != NULL) {
		*mid = stat.CurrentRec;
	}
	return MAPI_E_SUCCESS;
}

enum MAPISTATUS SeekGALTableRow(struct mapi_ab_table *table, enum mapi_ab_origin origin,
				int32_t delta)
{
	struct nspi_client *nspi;
	struct STAT stat;
	enum MAPISTATUS ret;

	if (table == NULL || (origin != MAPI_AB_BEGINNING && origin != MAPI_AB_CURRENT &&
			      origin != MAPI_AB_END)) {
		return MAPI_E_INVALID_PARAMETER;
	}
	nspi = session_nspi(table->session, "SeekGALTableRow");
	if (nspi == NULL) {
		return MAPI_E_NOT_INITIALIZED;
	}
	/* MS-OXNSPI 3.1.4.5.1 absolute positioning: a MId to start from plus Delta */
	stat = table->stat;
	if (origin == MAPI_AB_BEGINNING) {
		stat.CurrentRec = MID_BEGINNING_OF_TABLE;
	} else if (origin == MAPI_AB_END) {
		stat.CurrentRec = MID_END_OF_TABLE;
	}
	stat.Delta = delta;
	mapi_lock();
	ret = nspi_client_update_stat(nspi, &stat, NULL);
	mapi_unlock();
	if (ret != MAPI_E_SUCCESS) {
		return ab_fail(table->session, nspi, "NspiUpdateStat", ret);
	}
	table->stat = stat;
	return MAPI_E_SUCCESS;
}

enum MAPISTATUS GetABProps(TALLOC_CTX *mem_ctx, struct mapi_session *session, const char *essdn,
			   uint32_t mid, const uint32_t *tags, uint16_t count,
			   struct mapi_propval **props)
{
	struct nspi_client *nspi;
	struct PropertyTagArray_r *cols, *mids = NULL;
	struct PropertyRow_r *row = NULL;
	struct mapi_propval *out;
	enum MAPISTATUS ret;
	TALLOC_CTX *tmp;
	uint32_t *all;
	uint16_t i;

	if (session == NULL || tags == NULL || count == 0 || props == NULL ||
	    (essdn == NULL && mid == 0) || (essdn != NULL && essdn[0] == '\0')) {
		return MAPI_E_INVALID_PARAMETER;
	}
	*props = NULL;
	/* MS-OXNSPI 2.2.1.8-9: MIds below 0x10 are signals, not entries */
	if (essdn == NULL && mid < 0x10) {
		mapi_set_error(session, "GetABProps: 0x%08x names no entry", mid);
		return MAPI_E_INVALID_PARAMETER;
	}
	nspi = session_nspi(session, "GetABProps");
	if (nspi == NULL) {
		return MAPI_E_NOT_INITIALIZED;
	}
	/*
	 * NspiGetProps answers an unknown MId with error values, not an error
	 * (MS-OXNSPI 3.1.4.1.7 rule 11); every object has PidTagEntryId
	 * (MS-OXOABK 2.2.3.2), so asking for it too tells the two apart.
	 */
	tmp = talloc_new(mem_ctx);
	all = tmp != NULL ? talloc_array(tmp, uint32_t, count + 1u) : NULL;
	if (all == NULL) {
		talloc_free(tmp);
		return MAPI_E_NOT_ENOUGH_MEMORY;
	}
	memcpy(all, tags, count * sizeof(uint32_t));
	all[count] = PidTagEntryId;
	cols = wire_columns(tmp, all, count + 1u);
	if (cols == NULL) {
		talloc_free(tmp);
		return MAPI_E_NOT_ENOUGH_MEMORY;
	}
	mapi_lock();
	if (essdn != NULL) {
		/* MS-OXNSPI 3.1.4.1.13: a DN the server does not know maps to MId 0 */
		ret = nspi_client_dn_to_mid(nspi, tmp, &essdn, 1, &mids);
		if (ret == MAPI_E_SUCCESS) {
			mid = mids != NULL && mids->cValues == 1 ? mids->aulPropTag[0] : 0;
		}
	} else {
		ret = MAPI_E_SUCCESS;
	}
	if (ret == MAPI_E_SUCCESS && mid != 0) {
		ret = nspi_client_get_props(nspi, tmp, 0, mid, cols, &row);
	}
	mapi_unlock();
	if (ret == MAPI_E_SUCCESS && mid == 0) {
		talloc_free(tmp);
		mapi_set_error(session, "GetABProps: '%s' is not in the address book", essdn);
		return MAPI_E_NOT_FOUND;
	}
	/* 3.1.4.1.7: ErrorsReturned means some columns hold PtypErrorCode: still an answer */
	if (ret == MAPI_W_ERRORS_RETURNED) {
		ret = MAPI_E_SUCCESS;
	}
	if (ret == MAPI_E_SUCCESS &&
	    (row == NULL || row->cValues != count + 1u ||
	     MAPI_PROP_TYPE(row->lpProps[count].ulPropTag) != PT_BINARY)) {
		ret = MAPI_E_NOT_FOUND;
	}
	if (ret != MAPI_E_SUCCESS) {
		talloc_free(tmp);
		if (ret == MAPI_E_NOT_FOUND || ret == MAPI_E_INVALID_BOOKMARK) {
			mapi_set_error(session, "GetABProps: no entry %s%s0x%08x",
				       essdn != NULL ? essdn : "", essdn != NULL ? " = " : "", mid);
			return MAPI_E_NOT_FOUND;
		}
		return ab_fail(session, nspi, "NspiGetProps", ret);
	}
	out = talloc_zero_array(mem_ctx, struct mapi_propval, count);
	if (out == NULL) {
		talloc_free(tmp);
		return MAPI_E_NOT_ENOUGH_MEMORY;
	}
	/* one value per requested column, in order, as GetProps() */
	for (i = 0; i < count; i++) {
		if (i < row->cValues) {
			if (!ab_propval(out, &row->lpProps[i], nspi->stat.CodePage, &out[i])) {
				talloc_free(out);
				talloc_free(tmp);
				return MAPI_E_NOT_ENOUGH_MEMORY;
			}
		} else {
			out[i].tag = MAPI_PROP_TAG(MAPI_PROP_ID(tags[i]), PTYP_ERRORCODE);
			out[i].value.error_code = MAPI_E_NOT_FOUND;
		}
	}
	talloc_free(tmp);
	*props = out;
	return MAPI_E_SUCCESS;
}
