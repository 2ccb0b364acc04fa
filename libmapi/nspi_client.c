/*
 * OpenChange libmapi: an NSPI (MS-OXNSPI) client session.
 *
 * Copyright (C) OpenChange developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <talloc.h>
#include <tevent.h>
#include <util/data_blob.h>
#include <util/time.h>
#include <core/ntstatus.h>
#include <dcerpc.h>
#include <credentials.h>

#include "libmapi/nspi_client.h"
#include "idl/gen_ndr_nspi.h"

/* MS-OXNSPI 2.2.8: the table positions a STAT starts from */
#define MID_BEGINNING_OF_TABLE 0x00000000

/* MS-OXNSPI 2.2.1.13 (NspiResolveNames flags are reserved) and the
 * default LCID the STAT carries when the caller has no preference. */
#define NSPI_DEFAULT_LOCALE 0x0409

static enum MAPISTATUS transport_error(struct nspi_client *nspi, const char *call, NTSTATUS status)
{
	nspi->last_error = talloc_asprintf(nspi, "%s: %s", call, nt_errstr(status));
	return MAPI_E_NETWORK_ERROR;
}

static enum MAPISTATUS call_nspi(struct nspi_client *nspi, const char *name, uint32_t opnum,
				 TALLOC_CTX *mem_ctx, void *r)
{
	NTSTATUS status;

	status = dcerpc_binding_handle_call(nspi->pipe->binding_handle, NULL, &ndr_table_nspi,
					    opnum, mem_ctx, r);
	if (!NT_STATUS_IS_OK(status)) {
		return transport_error(nspi, name, status);
	}
	return MAPI_E_SUCCESS;
}

static int nspi_client_destructor(struct nspi_client *nspi)
{
	if (nspi->bound) {
		nspi_client_unbind(nspi);
	}
	return 0;
}

enum MAPISTATUS nspi_client_connect(TALLOC_CTX *mem_ctx, struct tevent_context *ev,
				    struct loadparm_context *lp_ctx, const char *binding,
				    struct cli_credentials *creds, uint32_t code_page,
				    struct nspi_client **out)
{
	struct nspi_client *nspi;
	struct NspiBind r;
	enum MAPISTATUS ret;
	NTSTATUS status;

	*out = NULL;
	nspi = talloc_zero(mem_ctx, struct nspi_client);
	if (nspi == NULL) {
		return MAPI_E_NOT_ENOUGH_MEMORY;
	}
	status = dcerpc_pipe_connect(nspi, &nspi->pipe, binding, &ndr_table_nspi, creds, ev, lp_ctx);
	if (!NT_STATUS_IS_OK(status)) {
		enum MAPISTATUS err = transport_error(nspi, "connect", status);

		*out = nspi;	/* so the caller can read last_error; unbound */
		return err;
	}

	nspi->stat = (struct STAT) {
		.CurrentRec = MID_BEGINNING_OF_TABLE,
		.CodePage = code_page,
		.TemplateLocale = NSPI_DEFAULT_LOCALE,
		.SortLocale = NSPI_DEFAULT_LOCALE,
	};
	memset(&r, 0, sizeof(r));
	r.in.dwFlags = 0;
	r.in.pStat = &nspi->stat;
	r.in.pServerGuid = &nspi->server_guid;
	r.out.pServerGuid = &nspi->server_guid;
	r.out.contextHandle = &nspi->handle;
	ret = call_nspi(nspi, "NspiBind", NDR_NSPIBIND, nspi, &r);
	if (ret == MAPI_E_SUCCESS) {
		ret = (enum MAPISTATUS)r.out.result;
	}
	/* pServerGuid is [in,out,unique]: the reply's GUID comes in a pointer of
	 * its own, not in the one sent */
	if (ret == MAPI_E_SUCCESS && r.out.pServerGuid != NULL &&
	    r.out.pServerGuid != &nspi->server_guid) {
		nspi->server_guid = *r.out.pServerGuid;
	}
	if (ret == MAPI_E_SUCCESS) {
		nspi->bound = true;
		talloc_set_destructor(nspi, nspi_client_destructor);
	}
	*out = nspi;
	return ret;
}

/* MS-OXNSPI 3.1.4.1.2: the server answers 1 for a handle it released. */
enum MAPISTATUS nspi_client_unbind(struct nspi_client *nspi)
{
	struct NspiUnbind r;
	enum MAPISTATUS ret;

	if (!nspi->bound) {
		return MAPI_E_SUCCESS;
	}
	memset(&r, 0, sizeof(r));
	r.in.contextHandle = &nspi->handle;
	r.out.contextHandle = &nspi->handle;
	ret = call_nspi(nspi, "NspiUnbind", NDR_NSPIUNBIND, nspi, &r);
	nspi->bound = false;
	if (ret != MAPI_E_SUCCESS) {
		return ret;
	}
	return r.out.result == 1 ? MAPI_E_SUCCESS : (enum MAPISTATUS)r.out.result;
}

enum MAPISTATUS nspi_client_update_stat(struct nspi_client *nspi, struct STAT *stat,
					int32_t *delta)
{
	struct NspiUpdateStat r;
	enum MAPISTATUS ret;

	if (stat == NULL) {
		stat = &nspi->stat;
	}
	memset(&r, 0, sizeof(r));
	r.in.hRpc = nspi->handle;
	r.in.pStat = stat;
	r.in.plDelta = delta;
	r.out.pStat = stat;
	r.out.plDelta = delta;
	ret = call_nspi(nspi, "NspiUpdateStat", NDR_NSPIUPDATESTAT, nspi, &r);
	return ret != MAPI_E_SUCCESS ? ret : (enum MAPISTATUS)r.out.result;
}

/* NspiQueryRows (MS-OXNSPI 3.1.4.1.8) positioned by STAT, which the answer updates */
static enum MAPISTATUS query_rows(struct nspi_client *nspi, TALLOC_CTX *mem_ctx, struct STAT *stat,
				  uint32_t flags, const uint32_t *mids, uint32_t num_mids,
				  uint32_t count, const struct PropertyTagArray_r *columns,
				  struct PropertyRowSet_r **rows)
{
	struct NspiQueryRows r;
	enum MAPISTATUS ret;

	*rows = NULL;
	memset(&r, 0, sizeof(r));
	r.in.hRpc = nspi->handle;
	r.in.dwFlags = flags;
	r.in.pStat = stat;
	r.in.dwETableCount = mids != NULL ? num_mids : 0;
	r.in.lpETable = discard_const_p(uint32_t, mids);
	r.in.Count = count;
	r.in.pPropTags = discard_const_p(struct PropertyTagArray_r, columns);
	r.out.pStat = stat;
	r.out.ppRows = rows;
	ret = call_nspi(nspi, "NspiQueryRows", NDR_NSPIQUERYROWS, mem_ctx, &r);
	return ret != MAPI_E_SUCCESS ? ret : (enum MAPISTATUS)r.out.result;
}

enum MAPISTATUS nspi_client_query_rows(struct nspi_client *nspi, TALLOC_CTX *mem_ctx,
				       uint32_t flags, const uint32_t *mids, uint32_t num_mids,
				       uint32_t count, const struct PropertyTagArray_r *columns,
				       struct PropertyRowSet_r **rows)
{
	return query_rows(nspi, mem_ctx, &nspi->stat, flags, mids, num_mids, count, columns, rows);
}

enum MAPISTATUS nspi_client_query_rows_stat(struct nspi_client *nspi, TALLOC_CTX *mem_ctx,
					    struct STAT *stat, uint32_t flags, uint32_t count,
					    const struct PropertyTagArray_r *columns,
					    struct PropertyRowSet_r **rows)
{
	return query_rows(nspi, mem_ctx, stat, flags, NULL, 0, count, columns, rows);
}

enum MAPISTATUS nspi_client_get_special_table(struct nspi_client *nspi, TALLOC_CTX *mem_ctx,
					      uint32_t flags, uint32_t *version,
					      struct PropertyRowSet_r **rows)
{
	struct NspiGetSpecialTable r;
	enum MAPISTATUS ret;

	*rows = NULL;
	memset(&r, 0, sizeof(r));
	r.in.hRpc = nspi->handle;
	r.in.dwFlags = flags;
	r.in.pStat = &nspi->stat;
	r.in.lpVersion = version;
	r.out.lpVersion = version;
	r.out.ppRows = rows;
	ret = call_nspi(nspi, "NspiGetSpecialTable", NDR_NSPIGETSPECIALTABLE, mem_ctx, &r);
	return ret != MAPI_E_SUCCESS ? ret : (enum MAPISTATUS)r.out.result;
}

enum MAPISTATUS nspi_client_seek_entries(struct nspi_client *nspi, struct STAT *stat,
					 const struct PropertyValue_r *target)
{
	struct NspiSeekEntries r;
	struct PropertyRowSet_r *rows = NULL;
	enum MAPISTATUS ret;
	TALLOC_CTX *tmp = talloc_new(nspi);

	if (tmp == NULL) {
		return MAPI_E_NOT_ENOUGH_MEMORY;
	}
	memset(&r, 0, sizeof(r));
	r.in.hRpc = nspi->handle;
	r.in.pStat = stat;
	r.in.pTarget = discard_const_p(struct PropertyValue_r, target);
	r.out.pStat = stat;
	r.out.ppRows = &rows;
	ret = call_nspi(nspi, "NspiSeekEntries", NDR_NSPISEEKENTRIES, tmp, &r);
	talloc_free(tmp);
	return ret != MAPI_E_SUCCESS ? ret : (enum MAPISTATUS)r.out.result;
}

enum MAPISTATUS nspi_client_get_props(struct nspi_client *nspi, TALLOC_CTX *mem_ctx,
				      uint32_t flags, uint32_t mid,
				      const struct PropertyTagArray_r *columns,
				      struct PropertyRow_r **row)
{
	struct NspiGetProps r;
	struct STAT stat = nspi->stat;
	enum MAPISTATUS ret;

	*row = NULL;
	stat.CurrentRec = mid;
	memset(&r, 0, sizeof(r));
	r.in.hRpc = nspi->handle;
	r.in.dwFlags = flags;
	r.in.pStat = &stat;
	r.in.pPropTags = discard_const_p(struct PropertyTagArray_r, columns);
	r.out.ppRows = row;
	ret = call_nspi(nspi, "NspiGetProps", NDR_NSPIGETPROPS, mem_ctx, &r);
	return ret != MAPI_E_SUCCESS ? ret : (enum MAPISTATUS)r.out.result;
}

enum MAPISTATUS nspi_client_compare_mids(struct nspi_client *nspi, uint32_t mid1,
					 uint32_t mid2, int32_t *result)
{
	struct NspiCompareMIds r;
	enum MAPISTATUS ret;

	memset(&r, 0, sizeof(r));
	r.in.hRpc = nspi->handle;
	r.in.pStat = &nspi->stat;
	r.in.MId1 = mid1;
	r.in.MId2 = mid2;
	r.out.plResult = result;
	ret = call_nspi(nspi, "NspiCompareMIds", NDR_NSPICOMPAREMIDS, nspi, &r);
	return ret != MAPI_E_SUCCESS ? ret : (enum MAPISTATUS)r.out.result;
}

enum MAPISTATUS nspi_client_dn_to_mid(struct nspi_client *nspi, TALLOC_CTX *mem_ctx,
				      const char * const *dns, uint32_t num_dns,
				      struct PropertyTagArray_r **mids)
{
	struct StringsArray_r names = {
		.Count = num_dns,
		.Strings = discard_const_p(const char *, dns),
	};
	struct NspiDNToMId r;
	enum MAPISTATUS ret;

	*mids = NULL;
	memset(&r, 0, sizeof(r));
	r.in.hRpc = nspi->handle;
	r.in.pNames = &names;
	r.out.ppOutMIds = mids;
	ret = call_nspi(nspi, "NspiDNToMId", NDR_NSPIDNTOMID, mem_ctx, &r);
	return ret != MAPI_E_SUCCESS ? ret : (enum MAPISTATUS)r.out.result;
}

enum MAPISTATUS nspi_client_resolve_names(struct nspi_client *nspi, TALLOC_CTX *mem_ctx,
					  const char * const *names, uint32_t num_names,
					  const struct PropertyTagArray_r *columns,
					  struct PropertyTagArray_r **mids,
					  struct PropertyRowSet_r **rows)
{
	struct WStringsArray_r strings = {
		.Count = num_names,
		.Strings = discard_const_p(const char *, names),
	};
	struct NspiResolveNamesW r;
	enum MAPISTATUS ret;

	*mids = NULL;
	*rows = NULL;
	memset(&r, 0, sizeof(r));
	r.in.hRpc = nspi->handle;
	r.in.pStat = &nspi->stat;
	r.in.pPropTags = discard_const_p(struct PropertyTagArray_r, columns);
	r.in.paWStr = &strings;
	r.out.ppMIds = mids;
	r.out.ppRows = rows;
	ret = call_nspi(nspi, "NspiResolveNamesW", NDR_NSPIRESOLVENAMESW, mem_ctx, &r);
	return ret != MAPI_E_SUCCESS ? ret : (enum MAPISTATUS)r.out.result;
}

const struct PropertyValue_r *nspi_row_find(const struct PropertyRow_r *row, uint32_t tag)
{
	uint32_t i;

	for (i = 0; row != NULL && i < row->cValues; i++) {
		if ((row->lpProps[i].ulPropTag >> 16) == (tag >> 16)) {
			return &row->lpProps[i];
		}
	}
	return NULL;
}

struct PropertyTagArray_r *nspi_tag_array(TALLOC_CTX *mem_ctx, const uint32_t *tags,
					  uint32_t num_tags)
{
	struct PropertyTagArray_r *array = talloc_zero(mem_ctx, struct PropertyTagArray_r);

	if (array == NULL) {
		return NULL;
	}
	/* one spare slot: MS-OXNSPI 2.2.2.2 sizes the array cValues + 1 */
	array->aulPropTag = talloc_zero_array(array, uint32_t, num_tags + 1);
	if (array->aulPropTag == NULL) {
		talloc_free(array);
		return NULL;
	}
	memcpy(array->aulPropTag, tags, num_tags * sizeof(uint32_t));
	array->cValues = num_tags;
	return array;
}
