/*
 * OpenChange mapiproxy: the NSPI provider (MS-OXNSPI 3.1.4.1).
 *
 * Each handler follows its section's server processing rules; "rule N" in
 * the comments is the Nth of them (MS-NSPI, the Active Directory sibling,
 * states the same rules in the same order).  A session
 * (one per NspiBind, in the context handle) holds only its settings and
 * its named-property map; the address book itself is the process-wide
 * snapshot of nspi_directory.c.  A request with a bad context handle gets
 * the RPC fault context mismatch, as Samba's own servers answer; every
 * other failure is a MAPI error code of MS-OXNSPI 2.2.1.2 in the result.
 *
 * Copyright (C) OpenChange developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <ndr.h>	/* before ldb.h: one struct for DATA_BLOB and ldb_val */

#include <string.h>
#include <strings.h>
#include <stdlib.h>
#include <talloc.h>
#include <ldb.h>
#include <dcesrv_core.h>
#include <gen_ndr/dcerpc.h>

#include "idl/gen_ndr_nspi.h"
#include "idl/gen_errors.h"
#include "mapiproxy/debug.h"
#include "mapiproxy/provider.h"
#include "mapiproxy/nspi/nspi_book.h"
#include "mapiproxy/nspi/nspi_directory.h"

#define NSPI_HANDLE_TYPE 0x4e	/* 'N': one handle type on this interface */
#define NSPI_UNBIND_SUCCESS 0x00000001	/* MS-OXNSPI 2.2.1.2 UnbindSuccess */
#define NSPI_UNBIND_FAILURE 0x00000002	/* UnbindFailure */
/* MS-OXCDATA 2.2.? PS_MAPI {00020328-0000-0000-C000-000000000046}, wire order */
static const uint8_t ps_mapi[16] = {
	0x28, 0x03, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00,
	0xC0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x46,
};
#define NSPI_MAX_ROWS 100000
#define NSPI_SEEK_ROWS 100	/* rows NspiSeekEntries returns from a container */

struct nspi_session {
	uint32_t codepage;
	uint32_t template_locale;
	uint32_t sort_locale;
	struct nspi_names *names;
};

/* per call: the session, the snapshot and the property context */
struct nspi_call {
	struct nspi_session *session;
	struct nspi_book *book;
	struct nspi_prop_ctx ctx;
};

static NTSTATUS context_fault(struct dcesrv_call_state *dce_call)
{
	dce_call->fault_code = DCERPC_FAULT_CONTEXT_MISMATCH;
	return NT_STATUS_NET_WRITE_FAULT;
}

/*
 * The session behind hRpc and the address book; false with *status set to
 * the fault (bad handle) or *result to the MAPI error (no directory).
 */
static bool call_begin(struct dcesrv_call_state *dce_call, TALLOC_CTX *mem_ctx,
		       const struct policy_handle *h, const struct STAT *stat, uint32_t flags,
		       struct nspi_call *call, NTSTATUS *status, uint32_t *result)
{
	struct dcesrv_handle *handle = NULL;

	memset(call, 0, sizeof(*call));
	*status = NT_STATUS_OK;
	/* samba's lookup of an all-zero handle would create one */
	if (!ndr_policy_handle_empty(h)) {
		handle = dcesrv_handle_lookup(dce_call, h, NSPI_HANDLE_TYPE);
	}
	if (handle == NULL || handle->data == NULL) {
		DEBUG(3, ("mapiproxy: nspi: %s: unknown context handle\n",
			  dcesrv_call_account_name(dce_call)));
		*status = context_fault(dce_call);
		return false;
	}
	call->session = talloc_get_type_abort(handle->data, struct nspi_session);
	call->book = nspi_directory_book(dce_call, mem_ctx, result);
	if (call->book == NULL) {
		return false;
	}
	call->ctx.book = call->book;
	call->ctx.codepage = stat != NULL ? stat->CodePage : call->session->codepage;
	call->ctx.container_id = stat != NULL ? stat->ContainerID : 0;
	call->ctx.flags = flags;
	call->ctx.server_guid = nspi_directory_server_guid(dce_call);
	call->ctx.wire = true;
	return true;
}

static bool is_string8(uint32_t tag)
{
	return NSPI_PROP_TYPE(tag) == PT_STRING8 || NSPI_PROP_TYPE(tag) == PT_MV_STRING8;
}

/*
 * Rule 1 of the calls with columns: 8-bit strings in
 * the Unicode "code page" cannot be produced; nor in a code page we cannot
 * convert to.
 */
static uint32_t check_codepage(uint32_t codepage, const struct PropertyTagArray_r *cols)
{
	uint32_t i;
	bool wants_8bit = false;

	for (i = 0; cols != NULL && i < cols->cValues; i++) {
		wants_8bit = wants_8bit || is_string8(cols->aulPropTag[i]);
	}
	if (wants_8bit && !mapi_codepage_supported(codepage)) {
		return MAPI_E_UNKNOWN_CPID;
	}
	return MAPI_E_SUCCESS;
}

/* the status-based table a STAT names: its container, sorted by display name */
static uint32_t stat_container(const struct nspi_book *book, const struct STAT *stat,
			       struct nspi_container **c)
{
	if (stat->SortType != NSPI_SORT_DISPLAY_NAME &&
	    stat->SortType != NSPI_SORT_PHONETIC_DISPLAY_NAME) {
		return MAPI_E_CALL_FAILED;
	}
	*c = nspi_book_container(book, stat->ContainerID);
	return *c != NULL ? MAPI_E_SUCCESS : MAPI_E_INVALID_BOOKMARK;
}

static struct PropertyTagArray_r *mid_array(TALLOC_CTX *mem_ctx, uint32_t count)
{
	struct PropertyTagArray_r *a = talloc_zero(mem_ctx, struct PropertyTagArray_r);

	if (a == NULL) {
		return NULL;
	}
	/* size_is(cValues + 1): one spare slot on the wire */
	a->aulPropTag = talloc_zero_array(a, uint32_t, count + 1);
	if (a->aulPropTag == NULL) {
		return NULL;
	}
	a->cValues = count;
	return a;
}

static struct PropertyRowSet_r *rows_for(TALLOC_CTX *mem_ctx, struct nspi_call *call,
					 struct nspi_object *const *objs, uint32_t count,
					 const struct PropertyTagArray_r *cols)
{
	struct PropertyRowSet_r *set = talloc_zero(mem_ctx, struct PropertyRowSet_r);
	uint32_t i;

	if (set == NULL) {
		return NULL;
	}
	set->aRow = talloc_array(set, struct PropertyRow_r, count + 1);
	if (set->aRow == NULL) {
		return NULL;
	}
	for (i = 0; i < count; i++) {
		if (nspi_build_row(set, &call->ctx, objs[i], cols, &set->aRow[i]) == UINT32_MAX) {
			return NULL;
		}
	}
	set->cRows = count;
	return set;
}

/* 3.1.4.1.1 NspiBind */
static NTSTATUS nspi_bind(struct dcesrv_call_state *dce_call, TALLOC_CTX *mem_ctx, void *arg)
{
	struct NspiBind *r = arg;
	struct dcesrv_handle *handle;
	struct nspi_session *session;
	const uint8_t *guid;

	NDR_ZERO_STRUCTP(r->out.contextHandle);
	r->out.pServerGuid = NULL;
	if (r->in.dwFlags & fAnonymousLogin) {
		/* DESIGN: every caller is authenticated; no anonymous address book */
		r->out.result = MAPI_E_LOGON_FAILED;
		return NT_STATUS_OK;
	}
	if (r->in.pStat->CodePage == MAPI_CP_WINUNICODE ||
	    !mapi_codepage_supported(r->in.pStat->CodePage)) {
		DEBUG(3, ("mapiproxy: nspi: NspiBind with code page %u refused\n",
			  r->in.pStat->CodePage));
		r->out.result = MAPI_E_UNKNOWN_CPID;
		return NT_STATUS_OK;
	}
	handle = dcesrv_handle_create(dce_call, NSPI_HANDLE_TYPE);
	if (handle == NULL) {
		r->out.result = MAPI_E_NOT_ENOUGH_MEMORY;
		return NT_STATUS_OK;
	}
	session = talloc_zero(handle, struct nspi_session);
	if (session == NULL || (session->names = nspi_names_new(session)) == NULL) {
		talloc_free(handle);
		r->out.result = MAPI_E_NOT_ENOUGH_MEMORY;
		return NT_STATUS_OK;
	}
	session->codepage = r->in.pStat->CodePage;
	session->template_locale = r->in.pStat->TemplateLocale;
	/*
	 * SortLocale is recorded, not used to collate: every table is sorted
	 * once per snapshot, for all sessions, by case-folded code points.
	 * MS-OXNSPI 2.2.1.4 makes NSPI_DEFAULT_LOCALE (0x0409) "the minimal
	 * required sort order for Unicode strings"; sorting per session locale
	 * would need a table per locale (strcoll_l over every container at
	 * each rebuild), which the snapshot design avoids.  Clients re-sort
	 * what they display.
	 */
	session->sort_locale = r->in.pStat->SortLocale;
	handle->data = session;
	*r->out.contextHandle = handle->wire_handle;
	if (r->in.pServerGuid != NULL) {
		guid = nspi_directory_server_guid(dce_call);
		r->out.pServerGuid = talloc_zero(mem_ctx, struct FlatUID_r);
		if (r->out.pServerGuid != NULL && guid != NULL) {
			memcpy(r->out.pServerGuid->ab, guid, 16);
		}
	}
	DEBUG(4, ("mapiproxy: nspi: %s bound (code page %u)\n",
		  dcesrv_call_account_name(dce_call), session->codepage));
	r->out.result = MAPI_E_SUCCESS;
	return NT_STATUS_OK;
}

/* 3.1.4.1.2 NspiUnbind */
static NTSTATUS nspi_unbind(struct dcesrv_call_state *dce_call, TALLOC_CTX *mem_ctx, void *arg)
{
	struct NspiUnbind *r = arg;
	struct dcesrv_handle *handle;

	/* rule 1: a NULL context handle is UnbindFailure */
	if (ndr_policy_handle_empty(r->in.contextHandle)) {
		NDR_ZERO_STRUCTP(r->out.contextHandle);
		r->out.result = NSPI_UNBIND_FAILURE;
		return NT_STATUS_OK;
	}
	handle = dcesrv_handle_lookup(dce_call, r->in.contextHandle, NSPI_HANDLE_TYPE);
	if (handle == NULL) {
		return context_fault(dce_call);
	}
	talloc_free(handle);
	NDR_ZERO_STRUCTP(r->out.contextHandle);
	r->out.result = NSPI_UNBIND_SUCCESS;
	return NT_STATUS_OK;
}

/* 3.1.4.1.4 NspiUpdateStat */
static NTSTATUS nspi_update_stat(struct dcesrv_call_state *dce_call, TALLOC_CTX *mem_ctx,
				 void *arg)
{
	struct NspiUpdateStat *r = arg;
	struct nspi_call call;
	struct nspi_container *c;
	struct STAT stat = *r->in.pStat;
	uint32_t row, before;
	NTSTATUS status;

	r->out.plDelta = NULL;
	if (!call_begin(dce_call, mem_ctx, &r->in.hRpc, r->in.pStat, 0, &call, &status,
			&r->out.result)) {
		return status;
	}
	if (stat.CodePage == MAPI_CP_WINUNICODE) {
		r->out.result = MAPI_E_UNKNOWN_CPID;
		return NT_STATUS_OK;
	}
	r->out.result = stat_container(call.book, &stat, &c);
	if (r->out.result != MAPI_E_SUCCESS) {
		return NT_STATUS_OK;
	}
	r->out.result = nspi_position_locate(&c->table, &stat, &row, &before);
	if (r->out.result != MAPI_E_SUCCESS) {
		return NT_STATUS_OK;
	}
	nspi_position_store(&c->table, row, &stat);
	*r->out.pStat = stat;
	if (r->in.plDelta != NULL) {
		r->out.plDelta = talloc(mem_ctx, int32_t);
		if (r->out.plDelta != NULL) {
			*r->out.plDelta = (int32_t)row - (int32_t)before;
		}
	}
	return NT_STATUS_OK;
}

/* 3.1.4.1.8 NspiQueryRows */
static NTSTATUS nspi_query_rows(struct dcesrv_call_state *dce_call, TALLOC_CTX *mem_ctx,
				void *arg)
{
	struct NspiQueryRows *r = arg;
	struct nspi_call call;
	struct PropertyTagArray_r *cols = r->in.pPropTags;
	struct PropertyRowSet_r *rows;
	struct STAT stat = *r->in.pStat;
	NTSTATUS status;

	*r->out.ppRows = NULL;
	if (!call_begin(dce_call, mem_ctx, &r->in.hRpc, r->in.pStat,
			r->in.dwFlags & (NSPI_fEphID | NSPI_fSkipObjects), &call, &status,
			&r->out.result)) {
		return status;
	}
	if (cols == NULL) {
		cols = nspi_default_columns(mem_ctx, stat.CodePage == MAPI_CP_WINUNICODE);
		if (cols == NULL) {
			r->out.result = MAPI_E_NOT_ENOUGH_MEMORY;
			return NT_STATUS_OK;
		}
	}
	r->out.result = check_codepage(stat.CodePage, cols);
	if (r->out.result != MAPI_E_SUCCESS) {
		return NT_STATUS_OK;
	}
	if (r->in.lpETable != NULL) {
		/* an Explicit Table: its rows in its order, the STAT untouched */
		uint32_t count = r->in.dwETableCount < r->in.Count ? r->in.dwETableCount : r->in.Count;
		struct nspi_object **objs = talloc_array(mem_ctx, struct nspi_object *, count + 1);
		uint32_t i;

		if (objs == NULL) {
			r->out.result = MAPI_E_NOT_ENOUGH_MEMORY;
			return NT_STATUS_OK;
		}
		for (i = 0; i < count; i++) {
			objs[i] = nspi_book_object(call.book, r->in.lpETable[i]);
		}
		rows = rows_for(mem_ctx, &call, objs, count, cols);
	} else {
		struct nspi_container *c;
		uint32_t row, count;

		if (r->in.Count == 0) {
			r->out.result = MAPI_E_INVALID_PARAMETER;
			return NT_STATUS_OK;
		}
		r->out.result = stat_container(call.book, &stat, &c);
		if (r->out.result != MAPI_E_SUCCESS) {
			return NT_STATUS_OK;
		}
		r->out.result = nspi_position_locate(&c->table, &stat, &row, NULL);
		if (r->out.result != MAPI_E_SUCCESS) {
			return NT_STATUS_OK;
		}
		count = c->table.count - row;
		if (count > r->in.Count) {
			count = r->in.Count;
		}
		if (count > NSPI_MAX_ROWS) {
			count = NSPI_MAX_ROWS;
		}
		rows = rows_for(mem_ctx, &call, c->table.rows + row, count, cols);
		nspi_position_store(&c->table, row + count, &stat);
	}
	if (rows == NULL) {
		r->out.result = MAPI_E_NOT_ENOUGH_MEMORY;
		return NT_STATUS_OK;
	}
	*r->out.pStat = stat;
	*r->out.ppRows = rows;
	r->out.result = MAPI_E_SUCCESS;
	return NT_STATUS_OK;
}

static int object_name_cmp(const void *a, const void *b)
{
	return nspi_compare_rows(*(struct nspi_object *const *)a, *(struct nspi_object *const *)b);
}

/* 3.1.4.1.9 NspiSeekEntries */
static NTSTATUS nspi_seek_entries(struct dcesrv_call_state *dce_call, TALLOC_CTX *mem_ctx,
				  void *arg)
{
	struct NspiSeekEntries *r = arg;
	struct nspi_call call;
	struct STAT stat = *r->in.pStat;
	struct nspi_table table;
	struct PropertyValue_r *target = r->in.pTarget;
	char *wanted = NULL, *folded;
	uint32_t lo, hi;
	NTSTATUS status;

	*r->out.ppRows = NULL;
	if (!call_begin(dce_call, mem_ctx, &r->in.hRpc, r->in.pStat, 0, &call, &status,
			&r->out.result)) {
		return status;
	}
	r->out.result = check_codepage(stat.CodePage, r->in.pPropTags);
	if (r->out.result != MAPI_E_SUCCESS) {
		return NT_STATUS_OK;
	}
	/* rule 6: the container, even when an explicit table is given */
	if (nspi_book_container(call.book, stat.ContainerID) == NULL) {
		r->out.result = MAPI_E_INVALID_BOOKMARK;
		return NT_STATUS_OK;
	}
	/* rules 9-10: display name order only (no phonetic names here) */
	if (stat.SortType != NSPI_SORT_DISPLAY_NAME) {
		r->out.result = MAPI_E_CALL_FAILED;
		return NT_STATUS_OK;
	}
	/* rule 11: the target is the display name the table is sorted by */
	if (NSPI_PROP_ID(target->ulPropTag) != NSPI_PROP_ID(NSPI_TAG_DISPLAY_NAME)) {
		r->out.result = MAPI_E_CALL_FAILED;
		return NT_STATUS_OK;
	}
	if (NSPI_PROP_TYPE(target->ulPropTag) == PT_UNICODE) {
		wanted = talloc_strdup(mem_ctx, target->Value.lpszW != NULL ? target->Value.lpszW : "");
	} else if (NSPI_PROP_TYPE(target->ulPropTag) == PT_STRING8) {
		if (!nspi_string8_from_wire(mem_ctx, target->Value.lpszA, stat.CodePage, &wanted) ||
		    wanted == NULL) {
			r->out.result = MAPI_E_UNKNOWN_CPID;
			return NT_STATUS_OK;
		}
	} else {
		r->out.result = MAPI_E_CALL_FAILED;
		return NT_STATUS_OK;
	}
	folded = nspi_fold(mem_ctx, wanted);
	if (folded == NULL) {
		r->out.result = MAPI_E_NOT_ENOUGH_MEMORY;
		return NT_STATUS_OK;
	}
	if (r->in.lpETable != NULL) {
		/* an explicit table of MIds: seek in it, sorted by display name */
		uint32_t i;

		table.count = 0;
		table.rows = talloc_array(mem_ctx, struct nspi_object *, r->in.lpETable->cValues + 1);
		if (table.rows == NULL) {
			r->out.result = MAPI_E_NOT_ENOUGH_MEMORY;
			return NT_STATUS_OK;
		}
		for (i = 0; i < r->in.lpETable->cValues; i++) {
			struct nspi_object *obj = nspi_book_object(call.book,
								   r->in.lpETable->aulPropTag[i]);

			if (obj != NULL) {
				table.rows[table.count++] = obj;
			}
		}
		qsort(table.rows, table.count, sizeof(table.rows[0]), object_name_cmp);
	} else {
		struct nspi_container *c;

		r->out.result = stat_container(call.book, &stat, &c);
		if (r->out.result != MAPI_E_SUCCESS) {
			return NT_STATUS_OK;
		}
		table = c->table;
	}
	/* the first row whose display name sorts at or after the target */
	lo = 0;
	hi = table.count;
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;

		if (strcmp(table.rows[mid]->sort_key, folded) < 0) {
			lo = mid + 1;
		} else {
			hi = mid;
		}
	}
	if (lo == table.count) {
		r->out.result = MAPI_E_NOT_FOUND;
		return NT_STATUS_OK;
	}
	/* rule 14: CurrentRec, NumPos and TotalRecs, nothing else */
	{
		int32_t delta = stat.Delta;

		nspi_position_store(&table, lo, &stat);
		stat.Delta = delta;
	}
	if (r->in.pPropTags != NULL) {
		uint32_t count = table.count - lo;

		/* rule 15: the rows NspiQueryRows would give with fEphID; for a
		 * container the server picks Count: a screenful, not the GAL */
		call.ctx.flags = NSPI_fEphID;
		if (r->in.lpETable == NULL && count > NSPI_SEEK_ROWS) {
			count = NSPI_SEEK_ROWS;
		}
		*r->out.ppRows = rows_for(mem_ctx, &call, table.rows + lo, count, r->in.pPropTags);
		if (*r->out.ppRows == NULL) {
			r->out.result = MAPI_E_NOT_ENOUGH_MEMORY;
			return NT_STATUS_OK;
		}
	}
	*r->out.pStat = stat;
	r->out.result = MAPI_E_SUCCESS;
	return NT_STATUS_OK;
}

/* the objects a link-valued property of obj names (a property value-based explicit table) */
static uint32_t link_table(TALLOC_CTX *mem_ctx, struct nspi_call *call,
			   const struct nspi_object *obj, uint32_t tag,
			   struct nspi_object ***objs, uint32_t *count)
{
	const struct nspi_propmap *map = nspi_book_propmap(call->book, (uint16_t)NSPI_PROP_ID(tag));
	const struct ldb_message_element *el;
	uint32_t i;

	*count = 0;
	if (map == NULL || map->native_type != NSPI_PT_EMBEDDED_TABLE) {
		/* NspiGetMatches rule 10.5: values that cannot name objects */
		return MAPI_E_NO_SUPPORT;
	}
	el = ldb_msg_find_element(obj->msg, map->attr);
	*objs = talloc_array(mem_ctx, struct nspi_object *, (el != NULL ? el->num_values : 0) + 1);
	if (*objs == NULL) {
		return MAPI_E_NOT_ENOUGH_MEMORY;
	}
	for (i = 0; el != NULL && i < el->num_values; i++) {
		const char *legacy = nspi_book_legacy_dn_of(call->book, (const char *)el->values[i].data);
		struct nspi_object *target = nspi_book_object_by_dn(call->book, legacy);

		if (target != NULL) {
			(*objs)[(*count)++] = target;
		}
	}
	qsort(*objs, *count, sizeof((*objs)[0]), object_name_cmp);
	return MAPI_E_SUCCESS;
}

/* 3.1.4.1.10 NspiGetMatches */
static NTSTATUS nspi_get_matches(struct dcesrv_call_state *dce_call, TALLOC_CTX *mem_ctx,
				 void *arg)
{
	struct NspiGetMatches *r = arg;
	struct nspi_call call;
	struct STAT stat = *r->in.pStat;
	struct nspi_object **objs = NULL;
	struct PropertyTagArray_r *mids;
	uint32_t count = 0, i;
	NTSTATUS status;

	*r->out.ppOutMIds = NULL;
	*r->out.ppRows = NULL;
	if (!call_begin(dce_call, mem_ctx, &r->in.hRpc, r->in.pStat, 0, &call, &status,
			&r->out.result)) {
		return status;
	}
	r->out.result = check_codepage(stat.CodePage, r->in.pPropTags);
	if (r->out.result != MAPI_E_SUCCESS) {
		return NT_STATUS_OK;
	}
	/* rule 6 */
	if (r->in.pReserved != NULL) {
		r->out.result = MAPI_E_TOO_COMPLEX;
		return NT_STATUS_OK;
	}
	/* rule 7: no phonetic names here */
	if (stat.SortType == NSPI_SORT_PHONETIC_DISPLAY_NAME) {
		r->out.result = MAPI_E_CALL_FAILED;
		return NT_STATUS_OK;
	}
	/* rule 8 */
	if (stat.SortType == NSPI_SORT_DISPLAY_NAME &&
	    nspi_book_container(call.book, stat.ContainerID) == NULL) {
		r->out.result = MAPI_E_INVALID_BOOKMARK;
		return NT_STATUS_OK;
	}
	if (r->in.Filter == NULL) {
		/* rule 10: a property value-based table: CurrentRec names the
		 * object (in any container), ContainerID the property (or
		 * lpPropName, a named property, none of which holds links here) */
		struct nspi_object *obj = nspi_book_object(call.book, stat.CurrentRec);

		if (obj == NULL) {
			r->out.result = MAPI_E_CALL_FAILED;
			return NT_STATUS_OK;
		}
		if (r->in.lpPropName != NULL) {
			/*
			 * the property is lpPropName, not ContainerID: a named
			 * property, whose ID is the session's (NspiGetIDsFromNames).
			 * No directory attribute is a named property, so none of
			 * its values name objects: rule 10.5's error, as for any
			 * property this server cannot map to objects (3.1.1.3.2.2:
			 * "The server MUST return an error when it cannot make such
			 * a mapping").
			 */
			DEBUG(4, ("mapiproxy: nspi: GetMatches on named property 0x%04x: no links\n",
				  nspi_names_id(call.session->names, r->in.lpPropName, false)));
			r->out.result = MAPI_E_NO_SUPPORT;
			return NT_STATUS_OK;
		}
		r->out.result = link_table(mem_ctx, &call, obj, stat.ContainerID, &objs, &count);
		if (r->out.result != MAPI_E_SUCCESS) {
			return NT_STATUS_OK;
		}
		/* rule 10.8 */
		stat.ContainerID = stat.CurrentRec;
	} else {
		struct nspi_container *c;

		if (stat.SortType != NSPI_SORT_DISPLAY_NAME) {
			r->out.result = MAPI_E_CALL_FAILED;
			return NT_STATUS_OK;
		}
		r->out.result = nspi_restriction_check(&call.ctx, r->in.Filter);
		if (r->out.result != MAPI_E_SUCCESS) {
			return NT_STATUS_OK;
		}
		c = nspi_book_container(call.book, stat.ContainerID);
		objs = talloc_array(mem_ctx, struct nspi_object *, c->table.count + 1);
		if (objs == NULL) {
			r->out.result = MAPI_E_NOT_ENOUGH_MEMORY;
			return NT_STATUS_OK;
		}
		for (i = 0; i < c->table.count; i++) {
			if (nspi_restriction_match(&call.ctx, c->table.rows[i], r->in.Filter)) {
				objs[count++] = c->table.rows[i];
			}
		}
	}
	if (count > r->in.ulRequested) {
		r->out.result = MAPI_E_TABLE_TOO_BIG;
		return NT_STATUS_OK;
	}
	mids = mid_array(mem_ctx, count);
	if (mids == NULL) {
		r->out.result = MAPI_E_NOT_ENOUGH_MEMORY;
		return NT_STATUS_OK;
	}
	for (i = 0; i < count; i++) {
		mids->aulPropTag[i] = objs[i]->mid;
	}
	if (r->in.pPropTags != NULL) {
		/* rule 13: the rows NspiQueryRows would give with fEphID */
		call.ctx.flags = NSPI_fEphID;
		*r->out.ppRows = rows_for(mem_ctx, &call, objs, count, r->in.pPropTags);
		if (*r->out.ppRows == NULL) {
			r->out.result = MAPI_E_NOT_ENOUGH_MEMORY;
			return NT_STATUS_OK;
		}
	}
	*r->out.pStat = stat;
	*r->out.ppOutMIds = mids;
	r->out.result = MAPI_E_SUCCESS;
	return NT_STATUS_OK;
}

/* MS-OXNSPI 3.1.4.1 NspiResortRestriction */
static NTSTATUS nspi_resort_restriction(struct dcesrv_call_state *dce_call, TALLOC_CTX *mem_ctx,
					void *arg)
{
	struct NspiResortRestriction *r = arg;
	struct nspi_call call;
	struct STAT stat = *r->in.pStat;
	struct nspi_object **objs;
	struct PropertyTagArray_r *out;
	uint32_t i, n = 0;
	NTSTATUS status;

	*r->out.ppOutMIds = NULL;
	if (!call_begin(dce_call, mem_ctx, &r->in.hRpc, r->in.pStat, 0, &call, &status,
			&r->out.result)) {
		return status;
	}
	/* rules 2 and 5: display name order (no phonetic names here) */
	if (stat.SortType != NSPI_SORT_DISPLAY_NAME && stat.SortType != NSPI_SORT_DISPLAY_NAME_RO &&
	    stat.SortType != NSPI_SORT_DISPLAY_NAME_W) {
		r->out.result = MAPI_E_CALL_FAILED;
		return NT_STATUS_OK;
	}
	objs = talloc_array(mem_ctx, struct nspi_object *, r->in.pInMIds->cValues + 1);
	if (objs == NULL) {
		r->out.result = MAPI_E_NOT_ENOUGH_MEMORY;
		return NT_STATUS_OK;
	}
	for (i = 0; i < r->in.pInMIds->cValues; i++) {
		/* rule 6.1: MIds that name nothing are dropped */
		struct nspi_object *obj = nspi_book_object(call.book, r->in.pInMIds->aulPropTag[i]);

		if (obj != NULL) {
			objs[n++] = obj;
		}
	}
	qsort(objs, n, sizeof(objs[0]), object_name_cmp);
	out = mid_array(mem_ctx, n);
	if (out == NULL) {
		r->out.result = MAPI_E_NOT_ENOUGH_MEMORY;
		return NT_STATUS_OK;
	}
	/* rule 8 */
	{
		bool found = false;

		for (i = 0; i < n; i++) {
			out->aulPropTag[i] = objs[i]->mid;
			if (!found && objs[i]->mid == stat.CurrentRec) {
				stat.NumPos = i;
				found = true;
			}
		}
		if (!found) {
			stat.CurrentRec = NSPI_MID_BEGINNING_OF_TABLE;
			stat.NumPos = 0;
		}
	}
	stat.TotalRecs = n;
	*r->out.pStat = stat;
	*r->out.ppOutMIds = out;
	r->out.result = MAPI_E_SUCCESS;
	return NT_STATUS_OK;
}

/* MS-OXNSPI 3.1.4.1 NspiDNToMId: an unknown DN maps to MId 0 */
static NTSTATUS nspi_dn_to_mid(struct dcesrv_call_state *dce_call, TALLOC_CTX *mem_ctx, void *arg)
{
	struct NspiDNToMId *r = arg;
	struct nspi_call call;
	struct PropertyTagArray_r *mids;
	uint32_t i;
	NTSTATUS status;

	*r->out.ppOutMIds = NULL;
	if (!call_begin(dce_call, mem_ctx, &r->in.hRpc, NULL, 0, &call, &status, &r->out.result)) {
		return status;
	}
	mids = mid_array(mem_ctx, r->in.pNames->Count);
	if (mids == NULL) {
		r->out.result = MAPI_E_NOT_ENOUGH_MEMORY;
		return NT_STATUS_OK;
	}
	for (i = 0; i < r->in.pNames->Count; i++) {
		struct nspi_object *obj = nspi_book_object_by_dn(call.book, r->in.pNames->Strings[i]);

		mids->aulPropTag[i] = obj != NULL ? obj->mid : 0;
	}
	*r->out.ppOutMIds = mids;
	r->out.result = MAPI_E_SUCCESS;
	return NT_STATUS_OK;
}

/* 3.1.4.1.6 NspiGetPropList */
static NTSTATUS nspi_get_prop_list(struct dcesrv_call_state *dce_call, TALLOC_CTX *mem_ctx,
				   void *arg)
{
	struct NspiGetPropList *r = arg;
	struct nspi_call call;
	struct nspi_object *obj;
	NTSTATUS status;

	*r->out.ppPropTags = NULL;
	if (!call_begin(dce_call, mem_ctx, &r->in.hRpc, NULL, 0, &call, &status, &r->out.result)) {
		return status;
	}
	if (r->in.CodePage != MAPI_CP_WINUNICODE && !mapi_codepage_supported(r->in.CodePage)) {
		r->out.result = MAPI_E_UNKNOWN_CPID;
		return NT_STATUS_OK;
	}
	obj = nspi_book_object(call.book, r->in.dwMId);
	if (obj == NULL) {
		/* rule 4 */
		r->out.result = MAPI_E_CALL_FAILED;
		return NT_STATUS_OK;
	}
	*r->out.ppPropTags = nspi_prop_list(mem_ctx, call.book, obj,
					    r->in.CodePage == MAPI_CP_WINUNICODE,
					    (r->in.dwFlags & NSPI_fSkipObjects) != 0);
	r->out.result = *r->out.ppPropTags != NULL ? MAPI_E_SUCCESS : MAPI_E_NOT_ENOUGH_MEMORY;
	return NT_STATUS_OK;
}

/* the object a STAT's CurrentRec names: a MId, or a position in its table */
static struct nspi_object *stat_object(struct nspi_call *call, const struct STAT *stat)
{
	struct nspi_container *c;
	uint32_t row;

	if (stat->CurrentRec >= NSPI_MID_FIRST) {
		return nspi_book_object(call->book, stat->CurrentRec);
	}
	if (stat_container(call->book, stat, &c) != MAPI_E_SUCCESS ||
	    nspi_position_locate(&c->table, stat, &row, NULL) != MAPI_E_SUCCESS ||
	    row >= c->table.count) {
		return NULL;
	}
	return c->table.rows[row];
}

/* 3.1.4.1.7 NspiGetProps */
static NTSTATUS nspi_get_props(struct dcesrv_call_state *dce_call, TALLOC_CTX *mem_ctx, void *arg)
{
	struct NspiGetProps *r = arg;
	struct nspi_call call;
	struct PropertyTagArray_r *cols = r->in.pPropTags;
	struct nspi_object *obj;
	struct PropertyRow_r *row;
	uint32_t errors;
	NTSTATUS status;

	*r->out.ppRows = NULL;
	if (!call_begin(dce_call, mem_ctx, &r->in.hRpc, r->in.pStat,
			r->in.dwFlags & (NSPI_fEphID | NSPI_fSkipObjects), &call, &status,
			&r->out.result)) {
		return status;
	}
	r->out.result = check_codepage(r->in.pStat->CodePage, cols);
	if (r->out.result != MAPI_E_SUCCESS) {
		return NT_STATUS_OK;
	}
	/* rule 4 */
	if (nspi_book_container(call.book, r->in.pStat->ContainerID) == NULL) {
		r->out.result = MAPI_E_INVALID_BOOKMARK;
		return NT_STATUS_OK;
	}
	/* rule 11: an object that cannot be found has no values (obj NULL);
	 * without columns, rule 5.2 makes it NspiGetPropList's GeneralFailure */
	obj = stat_object(&call, r->in.pStat);
	if (obj == NULL && cols == NULL) {
		r->out.result = MAPI_E_CALL_FAILED;
		return NT_STATUS_OK;
	}
	if (cols == NULL) {
		cols = nspi_prop_list(mem_ctx, call.book, obj,
				      r->in.pStat->CodePage == MAPI_CP_WINUNICODE,
				      (r->in.dwFlags & NSPI_fSkipObjects) != 0);
		if (cols == NULL) {
			r->out.result = MAPI_E_NOT_ENOUGH_MEMORY;
			return NT_STATUS_OK;
		}
	}
	row = talloc_zero(mem_ctx, struct PropertyRow_r);
	errors = row != NULL ? nspi_build_row(mem_ctx, &call.ctx, obj, cols, row) : UINT32_MAX;
	if (errors == UINT32_MAX) {
		r->out.result = MAPI_E_NOT_ENOUGH_MEMORY;
		return NT_STATUS_OK;
	}
	*r->out.ppRows = row;
	/* some requested properties are PtypErrorCode values: ErrorsReturned */
	r->out.result = errors > 0 ? MAPI_W_ERRORS_RETURNED : MAPI_E_SUCCESS;
	return NT_STATUS_OK;
}

/* MS-OXNSPI 3.1.4.1 NspiCompareMIds: which of two rows comes first in the table */
static NTSTATUS nspi_compare_mids(struct dcesrv_call_state *dce_call, TALLOC_CTX *mem_ctx,
				  void *arg)
{
	struct NspiCompareMIds *r = arg;
	struct nspi_call call;
	struct nspi_container *c;
	uint32_t row1, row2;
	NTSTATUS status;

	*r->out.plResult = 0;
	if (!call_begin(dce_call, mem_ctx, &r->in.hRpc, r->in.pStat, 0, &call, &status,
			&r->out.result)) {
		return status;
	}
	r->out.result = stat_container(call.book, r->in.pStat, &c);
	if (r->out.result != MAPI_E_SUCCESS) {
		return NT_STATUS_OK;
	}
	row1 = nspi_container_row(c, nspi_book_object(call.book, r->in.MId1));
	row2 = nspi_container_row(c, nspi_book_object(call.book, r->in.MId2));
	if (row1 == UINT32_MAX || row2 == UINT32_MAX) {
		r->out.result = MAPI_E_CALL_FAILED;
		return NT_STATUS_OK;
	}
	*r->out.plResult = (int32_t)row1 - (int32_t)row2;
	r->out.result = MAPI_E_SUCCESS;
	return NT_STATUS_OK;
}

/* MS-OXOABK: the address book properties a client may write: its certificates */
static bool modifiable(uint32_t tag)
{
	switch (NSPI_PROP_ID(tag)) {
	case 0x3A70:	/* PidTagUserX509Certificate */
	case 0x8C6A:	/* PidTagAddressBookX509Certificate */
		return true;
	default:
		return false;
	}
}

static bool change_values(TALLOC_CTX *mem_ctx, const struct PropertyValue_r *v,
			  struct nspi_attr_change *change)
{
	uint32_t i;

	switch (NSPI_PROP_TYPE(v->ulPropTag)) {
	case PT_BINARY:
		if (v->Value.bin.cb > 0 && v->Value.bin.lpb == NULL) {
			return false;
		}
		change->num_values = 1;
		change->values = talloc_array(mem_ctx, struct ldb_val, 1);
		if (change->values == NULL) {
			return false;
		}
		change->values[0].data = v->Value.bin.lpb;
		change->values[0].length = v->Value.bin.cb;
		return true;
	case PT_MV_BINARY:
		/* unique pointers: NULL whatever the counts say */
		if (v->Value.MVbin.cValues > 0 && v->Value.MVbin.lpbin == NULL) {
			return false;
		}
		for (i = 0; i < v->Value.MVbin.cValues; i++) {
			if (v->Value.MVbin.lpbin[i].cb > 0 && v->Value.MVbin.lpbin[i].lpb == NULL) {
				return false;
			}
		}
		change->num_values = v->Value.MVbin.cValues;
		change->values = talloc_array(mem_ctx, struct ldb_val, change->num_values + 1);
		if (change->values == NULL) {
			return false;
		}
		for (i = 0; i < change->num_values; i++) {
			change->values[i].data = v->Value.MVbin.lpbin[i].lpb;
			change->values[i].length = v->Value.MVbin.lpbin[i].cb;
		}
		return true;
	default:
		return false;
	}
}

/* MS-OXNSPI 3.1.4.1 NspiModProps: as the caller, so AD decides who may write */
static NTSTATUS nspi_mod_props(struct dcesrv_call_state *dce_call, TALLOC_CTX *mem_ctx, void *arg)
{
	struct NspiModProps *r = arg;
	struct nspi_call call;
	struct nspi_object *obj;
	struct nspi_attr_change *changes;
	uint32_t i, n = 0, removes;
	NTSTATUS status;

	if (!call_begin(dce_call, mem_ctx, &r->in.hRpc, r->in.pStat, 0, &call, &status,
			&r->out.result)) {
		return status;
	}
	/* rules 4-7 */
	if (r->in.Reserved != 0) {
		r->out.result = MAPI_E_CALL_FAILED;
		return NT_STATUS_OK;
	}
	if (r->in.pPropTags == NULL) {
		r->out.result = MAPI_E_INVALID_PARAMETER;
		return NT_STATUS_OK;
	}
	obj = stat_object(&call, r->in.pStat);
	if (obj == NULL) {
		r->out.result = MAPI_E_INVALID_PARAMETER;
		return NT_STATUS_OK;
	}
	if (obj->kind == NSPI_KIND_CONTAINER) {
		r->out.result = MAPI_E_INVALID_OBJECT;
		return NT_STATUS_OK;
	}
	if (r->in.pRow->cValues > 0 && r->in.pRow->lpProps == NULL) {
		r->out.result = MAPI_E_INVALID_PARAMETER;
		return NT_STATUS_OK;
	}
	removes = r->in.pPropTags != NULL ? r->in.pPropTags->cValues : 0;
	changes = talloc_zero_array(mem_ctx, struct nspi_attr_change, r->in.pRow->cValues + removes + 1);
	if (changes == NULL) {
		r->out.result = MAPI_E_NOT_ENOUGH_MEMORY;
		return NT_STATUS_OK;
	}
	/* pPropTags: properties whose values are all removed */
	for (i = 0; i < removes; i++) {
		uint32_t tag = r->in.pPropTags->aulPropTag[i];
		const struct nspi_propmap *map = nspi_book_propmap(call.book,
								   (uint16_t)NSPI_PROP_ID(tag));

		if (!modifiable(tag) || map == NULL) {
			r->out.result = MAPI_E_NO_ACCESS;
			return NT_STATUS_OK;
		}
		changes[n++].attr = map->attr;
	}
	for (i = 0; i < r->in.pRow->cValues; i++) {
		const struct PropertyValue_r *v = &r->in.pRow->lpProps[i];
		const struct nspi_propmap *map = nspi_book_propmap(call.book,
								   (uint16_t)NSPI_PROP_ID(v->ulPropTag));

		if (!modifiable(v->ulPropTag) || map == NULL) {
			r->out.result = MAPI_E_NO_ACCESS;
			return NT_STATUS_OK;
		}
		changes[n].attr = map->attr;
		if (!change_values(mem_ctx, v, &changes[n])) {
			r->out.result = MAPI_E_INVALID_PARAMETER;
			return NT_STATUS_OK;
		}
		n++;
	}
	if (n == 0) {
		r->out.result = MAPI_E_SUCCESS;
		return NT_STATUS_OK;
	}
	r->out.result = nspi_directory_modify(dce_call, obj->dn, changes, n);
	return NT_STATUS_OK;
}

/* 3.1.4.1.3 NspiGetSpecialTable */
static NTSTATUS nspi_get_special_table(struct dcesrv_call_state *dce_call, TALLOC_CTX *mem_ctx,
				       void *arg)
{
	struct NspiGetSpecialTable *r = arg;
	struct nspi_call call;
	struct PropertyRowSet_r *set;
	bool unicode = (r->in.dwFlags & NSPI_UnicodeStrings) != 0;
	uint32_t i, ncols;
	NTSTATUS status;

	*r->out.ppRows = NULL;
	if (!call_begin(dce_call, mem_ctx, &r->in.hRpc, r->in.pStat, 0, &call, &status,
			&r->out.result)) {
		return status;
	}
	if (r->in.dwFlags & NSPI_AddressCreationTemplates) {
		/*
		 * rules 4, 10, 11: NspiUnicodeStrings and lpVersion do not
		 * matter: the table of the STAT's TemplateLocale (every locale
		 * has the same one, nspi_templates.c), its strings in the STAT's
		 * code page (UTF-16 when that is CP_WINUNICODE)
		 */
		if (r->in.pStat->CodePage != MAPI_CP_WINUNICODE &&
		    !mapi_codepage_supported(r->in.pStat->CodePage)) {
			r->out.result = MAPI_E_UNKNOWN_CPID;
			return NT_STATUS_OK;
		}
		*r->out.ppRows = nspi_address_creation_table(mem_ctx, call.book,
							     r->in.pStat->TemplateLocale,
							     r->in.pStat->CodePage);
		r->out.result = *r->out.ppRows != NULL ? MAPI_E_SUCCESS : MAPI_E_NOT_ENOUGH_MEMORY;
		return NT_STATUS_OK;
	}
	if (!unicode && !mapi_codepage_supported(r->in.pStat->CodePage)) {
		r->out.result = MAPI_E_UNKNOWN_CPID;
		return NT_STATUS_OK;
	}
	set = talloc_zero(mem_ctx, struct PropertyRowSet_r);
	*r->out.lpVersion = call.book->version;
	/* rule 7: the client holds this version already: as if there were no rows */
	if (r->in.lpVersion != NULL && *r->in.lpVersion == call.book->version) {
		if (set == NULL) {
			r->out.result = MAPI_E_NOT_ENOUGH_MEMORY;
			return NT_STATUS_OK;
		}
		*r->out.ppRows = set;
		r->out.result = MAPI_E_SUCCESS;
		return NT_STATUS_OK;
	}
	if (set == NULL || (set->aRow = talloc_array(set, struct PropertyRow_r,
						     call.book->num_containers + 1)) == NULL) {
		r->out.result = MAPI_E_NOT_ENOUGH_MEMORY;
		return NT_STATUS_OK;
	}
	for (i = 0; i <= call.book->num_containers; i++) {
		const struct nspi_container *c = i == 0 ? call.book->gal : call.book->containers[i - 1];
		const uint32_t tags[] = {
			NSPI_TAG_ENTRYID, NSPI_TAG_CONTAINER_FLAGS, NSPI_TAG_DEPTH,
			NSPI_TAG_AB_CONTAINER_ID,
			NSPI_PROP_TAG(NSPI_PROP_ID(NSPI_TAG_DISPLAY_NAME), unicode ? PT_UNICODE : PT_STRING8),
			NSPI_TAG_AB_IS_MASTER, NSPI_TAG_AB_PARENT_ENTRYID,
		};
		struct PropertyRow_r *row = &set->aRow[i];
		uint32_t j;

		/* PidTagAddressBookParentEntryId only below the top level */
		ncols = c->parent != NULL ? 7 : 6;
		row->Reserved = 0;
		row->cValues = ncols;
		row->lpProps = talloc_array(set, struct PropertyValue_r, ncols);
		if (row->lpProps == NULL) {
			r->out.result = MAPI_E_NOT_ENOUGH_MEMORY;
			return NT_STATUS_OK;
		}
		for (j = 0; j < ncols; j++) {
			if (!nspi_get_container_prop(set, &call.ctx, c, tags[j], &row->lpProps[j])) {
				row->lpProps[j].ulPropTag = NSPI_PROP_TAG(NSPI_PROP_ID(tags[j]), PT_ERROR);
				row->lpProps[j].Value.err = MAPI_E_NOT_FOUND;
			}
		}
	}
	set->cRows = call.book->num_containers + 1;
	*r->out.ppRows = set;
	r->out.result = MAPI_E_SUCCESS;
	return NT_STATUS_OK;
}

/*
 * MS-OXNSPI 3.1.4.1.18 NspiGetTemplateInfo: the built-in templates
 * (nspi_templates.c): a display template by ulType, or the address creation
 * template pDN names (MS-OXOABKT 3.1.4.1: the DN from the address creation
 * table's PidTagEntryId, ulType 0).  Only TI_TEMPLATE, TI_SCRIPT and TI_EMT
 * count; the row carries, in that order, PidTagTemplateData,
 * PidTagScriptData (empty for display templates: they create no address)
 * and PidTagAddressType.
 */
static NTSTATUS nspi_get_template_info(struct dcesrv_call_state *dce_call, TALLOC_CTX *mem_ctx,
				       void *arg)
{
	struct NspiGetTemplateInfo *r = arg;
	struct nspi_call call;
	const struct nspi_template *t;
	struct PropertyRow_r *row;
	struct PropertyValue_r *v;
	DATA_BLOB data;
	NTSTATUS status;
	uint32_t n = 0;

	/* rule 1: ppData is NULL unless Success */
	*r->out.ppData = NULL;
	if (!call_begin(dce_call, mem_ctx, &r->in.hRpc, NULL, 0, &call, &status, &r->out.result)) {
		return status;
	}
	/* rules 3 and 4 */
	if (!mapi_codepage_supported(r->in.dwCodePage)) {
		r->out.result = MAPI_E_UNKNOWN_CPID;
		return NT_STATUS_OK;
	}
	/*
	 * rule 5: locate the template object, by DN when pDN is given (the
	 * creation templates), else by display type (every locale has the
	 * same templates); none: InvalidLocale
	 */
	if (r->in.pDN != NULL) {
		t = nspi_template_find_dn(call.book, r->in.pDN, NULL);
	} else {
		t = nspi_template_find(r->in.ulType, r->in.dwLocaleID);
	}
	if (t == NULL) {
		DEBUG(4, ("mapiproxy: nspi: no template for display type %u, locale 0x%x%s%s\n",
			  r->in.ulType, r->in.dwLocaleID, r->in.pDN != NULL ? ", DN " : "",
			  r->in.pDN != NULL ? r->in.pDN : ""));
		r->out.result = MAPI_E_UNKNOWN_LCID;
		return NT_STATUS_OK;
	}
	row = talloc_zero(mem_ctx, struct PropertyRow_r);
	v = talloc_zero_array(row, struct PropertyValue_r, 3);
	if (row == NULL || v == NULL) {
		return NT_STATUS_NO_MEMORY;
	}
	if (r->in.dwFlags & NSPI_TI_TEMPLATE) {
		if (!nspi_template_trowset(v, t, r->in.dwCodePage, &data)) {
			r->out.result = MAPI_E_UNKNOWN_CPID;
			return NT_STATUS_OK;
		}
		v[n].ulPropTag = NSPI_TAG_TEMPLATE_DATA;
		v[n].Value.bin.cb = data.length;
		v[n].Value.bin.lpb = data.data;
		n++;
	}
	if (r->in.dwFlags & NSPI_TI_SCRIPT) {
		if (!nspi_template_script(v, t, &data)) {
			return NT_STATUS_NO_MEMORY;
		}
		v[n].ulPropTag = NSPI_TAG_SCRIPT_DATA;
		v[n].Value.bin.cb = data.length;
		v[n].Value.bin.lpb = data.data;
		n++;
	}
	if (r->in.dwFlags & NSPI_TI_EMT) {
		char *wire;

		if (!nspi_string8_to_wire(v, nspi_template_type(t), r->in.dwCodePage, &wire)) {
			r->out.result = MAPI_E_UNKNOWN_CPID;
			return NT_STATUS_OK;
		}
		v[n].ulPropTag = NSPI_TAG_ADDRESS_TYPE_8;
		v[n].Value.lpszA = wire;
		n++;
	}
	row->cValues = n;
	row->lpProps = v;
	*r->out.ppData = row;
	r->out.result = MAPI_E_SUCCESS;
	return NT_STATUS_OK;
}

/* MS-OXNSPI 3.1.4.1 NspiModLinkAtt: members, manager, delegates; as the caller */
static NTSTATUS nspi_mod_link_att(struct dcesrv_call_state *dce_call, TALLOC_CTX *mem_ctx,
				  void *arg)
{
	struct NspiModLinkAtt *r = arg;
	struct nspi_call call;
	const struct nspi_propmap *map;
	struct nspi_object *obj;
	const char **targets;
	uint32_t i, n = 0;
	NTSTATUS status;

	if (!call_begin(dce_call, mem_ctx, &r->in.hRpc, NULL, 0, &call, &status, &r->out.result)) {
		return status;
	}
	map = nspi_book_propmap(call.book, (uint16_t)NSPI_PROP_ID(r->in.ulPropTag));
	if (map == NULL || map->native_type != NSPI_PT_EMBEDDED_TABLE) {
		r->out.result = MAPI_E_NOT_FOUND;
		return NT_STATUS_OK;
	}
	obj = nspi_book_object(call.book, r->in.dwMId);
	if (obj == NULL) {
		/* rule 4 */
		r->out.result = MAPI_E_INVALID_PARAMETER;
		return NT_STATUS_OK;
	}
	if (obj->kind == NSPI_KIND_CONTAINER) {
		/* rule 5: not modifiable by display type: nothing done, Success */
		r->out.result = MAPI_E_SUCCESS;
		return NT_STATUS_OK;
	}
	if (r->in.lpEntryIds->cValues > 0 && r->in.lpEntryIds->lpbin == NULL) {
		r->out.result = MAPI_E_INVALID_PARAMETER;
		return NT_STATUS_OK;
	}
	targets = talloc_array(mem_ctx, const char *, r->in.lpEntryIds->cValues + 1);
	if (targets == NULL) {
		r->out.result = MAPI_E_NOT_ENOUGH_MEMORY;
		return NT_STATUS_OK;
	}
	for (i = 0; i < r->in.lpEntryIds->cValues; i++) {
		const struct Binary_r *b = &r->in.lpEntryIds->lpbin[i];
		struct nspi_entryid eid;
		struct nspi_object *target = NULL;

		if (!nspi_parse_entryid(mem_ctx, b->lpb, b->cb, &eid)) {
			continue;
		}
		if (eid.ephemeral) {
			target = nspi_book_object(call.book, eid.mid);
		} else {
			target = nspi_book_object_by_dn(call.book, eid.dn);
		}
		if (target != NULL && target->kind != NSPI_KIND_CONTAINER) {
			targets[n++] = target->dn;
		}
	}
	if (n == 0) {
		/* rules 6-7: nothing that names an object: nothing to change */
		r->out.result = MAPI_E_SUCCESS;
		return NT_STATUS_OK;
	}
	r->out.result = nspi_directory_link(dce_call, obj->dn, map->attr, targets, n,
					    (r->in.dwFlags & NSPI_fDelete) != 0);
	return NT_STATUS_OK;
}

/* 3.1.4.1.5 NspiQueryColumns */
static NTSTATUS nspi_query_columns(struct dcesrv_call_state *dce_call, TALLOC_CTX *mem_ctx,
				   void *arg)
{
	struct NspiQueryColumns *r = arg;
	struct nspi_call call;
	NTSTATUS status;

	*r->out.ppColumns = NULL;
	if (!call_begin(dce_call, mem_ctx, &r->in.hRpc, NULL, 0, &call, &status, &r->out.result)) {
		return status;
	}
	*r->out.ppColumns = nspi_prop_list(mem_ctx, call.book, NULL,
					   (r->in.dwFlags & NSPI_UnicodeProptypes) != 0, false);
	r->out.result = *r->out.ppColumns != NULL ? MAPI_E_SUCCESS : MAPI_E_NOT_ENOUGH_MEMORY;
	return NT_STATUS_OK;
}

/* MS-OXNSPI 3.1.4.1 NspiGetNamesFromIDs: the session's named properties */
static NTSTATUS nspi_get_names_from_ids(struct dcesrv_call_state *dce_call, TALLOC_CTX *mem_ctx,
					void *arg)
{
	struct NspiGetNamesFromIDs *r = arg;
	struct nspi_call call;
	struct PropertyTagArray_r *tags = NULL;
	struct PropertyNameSet_r *names;
	uint32_t i, n = 0, want;
	NTSTATUS status;

	*r->out.ppReturnedPropTags = NULL;
	*r->out.ppNames = NULL;
	if (!call_begin(dce_call, mem_ctx, &r->in.hRpc, NULL, 0, &call, &status, &r->out.result)) {
		return status;
	}
	/* rule 3 */
	if (r->in.pPropTags == NULL && r->in.lpguid != NULL &&
	    memcmp(r->in.lpguid->ab, ps_mapi, 16) == 0) {
		r->out.result = MAPI_E_NO_SUPPORT;
		return NT_STATUS_OK;
	}
	/* rule 5: the tags asked for, or every named property of the session */
	want = r->in.pPropTags != NULL ? r->in.pPropTags->cValues : 0x7FFF;
	names = talloc_zero(mem_ctx, struct PropertyNameSet_r);
	if (r->in.pPropTags == NULL) {
		tags = mid_array(mem_ctx, 0);
	}
	if (names == NULL || (r->in.pPropTags == NULL && tags == NULL)) {
		r->out.result = MAPI_E_NOT_ENOUGH_MEMORY;
		return NT_STATUS_OK;
	}
	for (i = 0; i < want; i++) {
		uint16_t id = r->in.pPropTags != NULL ?
			(uint16_t)NSPI_PROP_ID(r->in.pPropTags->aulPropTag[i]) : (uint16_t)(0x8000 + i);
		const struct PropertyName_r *name = nspi_names_name(call.session->names, id);
		bool in_set = name != NULL &&
			(r->in.lpguid == NULL || memcmp(name->lpguid->ab, r->in.lpguid->ab, 16) == 0);
		struct PropertyName_r *grown;

		if (r->in.pPropTags == NULL) {
			if (name == NULL) {
				break;
			}
			if (!in_set) {
				continue;
			}
		}
		grown = talloc_realloc(names, names->aNames, struct PropertyName_r, n + 1);
		if (grown == NULL) {
			r->out.result = MAPI_E_NOT_ENOUGH_MEMORY;
			return NT_STATUS_OK;
		}
		names->aNames = grown;
		if (in_set) {
			names->aNames[n] = *name;
		} else {
			/* rule 7.1/7.3: lpguid NULL, lID 0 */
			names->aNames[n].lpguid = NULL;
			names->aNames[n].ulReserved = 0;
			names->aNames[n].lID = 0;
		}
		if (tags != NULL) {
			uint32_t *t = talloc_realloc(tags, tags->aulPropTag, uint32_t, n + 2);

			if (t == NULL) {
				r->out.result = MAPI_E_NOT_ENOUGH_MEMORY;
				return NT_STATUS_OK;
			}
			tags->aulPropTag = t;
			tags->aulPropTag[n] = NSPI_PROP_TAG(id, 0);
			tags->cValues = n + 1;
		}
		n++;
	}
	names->cNames = n;
	/* rules 9-10: the tags only when the client did not name them */
	*r->out.ppReturnedPropTags = tags;
	*r->out.ppNames = names;
	r->out.result = MAPI_E_SUCCESS;
	return NT_STATUS_OK;
}

/* MS-OXNSPI 3.1.4.1 NspiGetIDsFromNames: IDs from 0x8000, stable for the session */
static NTSTATUS nspi_get_ids_from_names(struct dcesrv_call_state *dce_call, TALLOC_CTX *mem_ctx,
					void *arg)
{
	struct NspiGetIDsFromNames *r = arg;
	struct nspi_call call;
	struct PropertyTagArray_r *tags;
	bool verify = (r->in.dwFlags & NSPI_VerifyNames) != 0;
	uint32_t i, errors = 0;
	NTSTATUS status;

	*r->out.ppPropTags = NULL;
	if (!call_begin(dce_call, mem_ctx, &r->in.hRpc, NULL, 0, &call, &status, &r->out.result)) {
		return status;
	}
	tags = mid_array(mem_ctx, r->in.cPropNames);
	if (tags == NULL) {
		r->out.result = MAPI_E_NOT_ENOUGH_MEMORY;
		return NT_STATUS_OK;
	}
	for (i = 0; i < r->in.cPropNames; i++) {
		/* rule 3: a name without a property set, or one we cannot map,
		 * is 0x0000000A; a mapped one has PtypUnspecified */
		uint16_t id = nspi_names_id(call.session->names, r->in.pNames[i], !verify);

		if (id == 0) {
			tags->aulPropTag[i] = NSPI_PROP_TAG(0, PT_ERROR);
			errors++;
		} else {
			tags->aulPropTag[i] = NSPI_PROP_TAG(id, 0);
		}
	}
	if (errors > 0 && verify) {
		/* rule 4 */
		r->out.result = MAPI_E_NO_ACCESS;
		return NT_STATUS_OK;
	}
	*r->out.ppPropTags = tags;
	/* rule 5 */
	r->out.result = errors > 0 ? MAPI_W_ERRORS_RETURNED : MAPI_E_SUCCESS;
	return NT_STATUS_OK;
}

/* 3.1.4.1.16/17: ANR of each string, rows for the resolved ones */
static uint32_t resolve(TALLOC_CTX *mem_ctx, struct nspi_call *call, const struct STAT *stat,
			const struct PropertyTagArray_r *cols, const char *const *utf8, uint32_t count,
			struct PropertyTagArray_r **ppMIds, struct PropertyRowSet_r **ppRows)
{
	struct nspi_container *c;
	struct PropertyTagArray_r *mids;
	struct nspi_object **found;
	uint32_t i, n = 0, ret;

	ret = stat_container(call->book, stat, &c);
	if (ret != MAPI_E_SUCCESS) {
		return ret;
	}
	if (cols == NULL) {
		cols = nspi_default_columns(mem_ctx, stat->CodePage == MAPI_CP_WINUNICODE);
	}
	mids = mid_array(mem_ctx, count);
	found = talloc_array(mem_ctx, struct nspi_object *, count + 1);
	if (cols == NULL || mids == NULL || found == NULL) {
		return MAPI_E_NOT_ENOUGH_MEMORY;
	}
	for (i = 0; i < count; i++) {
		struct nspi_object *obj = NULL;

		switch (utf8[i] == NULL ? NSPI_ANR_NONE : nspi_anr(call->book, c, utf8[i], &obj)) {
		case NSPI_ANR_UNIQUE:
			mids->aulPropTag[i] = obj->mid;
			found[n++] = obj;
			break;
		case NSPI_ANR_AMBIGUOUS:
			mids->aulPropTag[i] = NSPI_MID_AMBIGUOUS;
			break;
		default:
			mids->aulPropTag[i] = NSPI_MID_UNRESOLVED;
			break;
		}
	}
	*ppRows = rows_for(mem_ctx, call, found, n, cols);
	if (*ppRows == NULL) {
		return MAPI_E_NOT_ENOUGH_MEMORY;
	}
	*ppMIds = mids;
	return MAPI_E_SUCCESS;
}

/* 3.1.4.1.16 NspiResolveNames: 8-bit strings in the STAT's code page */
static NTSTATUS nspi_resolve_names(struct dcesrv_call_state *dce_call, TALLOC_CTX *mem_ctx,
				   void *arg)
{
	struct NspiResolveNames *r = arg;
	struct nspi_call call;
	const char **utf8;
	uint32_t i;
	NTSTATUS status;

	*r->out.ppMIds = NULL;
	*r->out.ppRows = NULL;
	if (!call_begin(dce_call, mem_ctx, &r->in.hRpc, r->in.pStat, 0, &call, &status,
			&r->out.result)) {
		return status;
	}
	if (!mapi_codepage_supported(r->in.pStat->CodePage)) {
		r->out.result = MAPI_E_UNKNOWN_CPID;
		return NT_STATUS_OK;
	}
	r->out.result = check_codepage(r->in.pStat->CodePage, r->in.pPropTags);
	if (r->out.result != MAPI_E_SUCCESS) {
		return NT_STATUS_OK;
	}
	utf8 = talloc_array(mem_ctx, const char *, r->in.paStr->Count + 1);
	if (utf8 == NULL) {
		r->out.result = MAPI_E_NOT_ENOUGH_MEMORY;
		return NT_STATUS_OK;
	}
	for (i = 0; i < r->in.paStr->Count; i++) {
		char *s = NULL;

		if (!nspi_string8_from_wire(mem_ctx, r->in.paStr->Strings[i], r->in.pStat->CodePage,
					    &s)) {
			s = NULL;	/* does not convert: resolves to nothing */
		}
		utf8[i] = s;
	}
	r->out.result = resolve(mem_ctx, &call, r->in.pStat, r->in.pPropTags, utf8,
				r->in.paStr->Count, r->out.ppMIds, r->out.ppRows);
	if (r->out.result != MAPI_E_SUCCESS) {
		*r->out.ppMIds = NULL;
		*r->out.ppRows = NULL;
	}
	return NT_STATUS_OK;
}

/* 3.1.4.1.17 NspiResolveNamesW */
static NTSTATUS nspi_resolve_names_w(struct dcesrv_call_state *dce_call, TALLOC_CTX *mem_ctx,
				     void *arg)
{
	struct NspiResolveNamesW *r = arg;
	struct nspi_call call;
	NTSTATUS status;

	*r->out.ppMIds = NULL;
	*r->out.ppRows = NULL;
	if (!call_begin(dce_call, mem_ctx, &r->in.hRpc, r->in.pStat, 0, &call, &status,
			&r->out.result)) {
		return status;
	}
	r->out.result = check_codepage(r->in.pStat->CodePage, r->in.pPropTags);
	if (r->out.result != MAPI_E_SUCCESS) {
		return NT_STATUS_OK;
	}
	r->out.result = resolve(mem_ctx, &call, r->in.pStat, r->in.pPropTags,
				r->in.paWStr->Strings, r->in.paWStr->Count,
				r->out.ppMIds, r->out.ppRows);
	if (r->out.result != MAPI_E_SUCCESS) {
		*r->out.ppMIds = NULL;
		*r->out.ppRows = NULL;
	}
	return NT_STATUS_OK;
}

/* opnum 15 is reserved for local use (MS-OXNSPI 3.1.4.1): no handler, so it
 * answers nca_op_rng_error like an opnum the interface does not have */
static const mapiproxy_handler_fn nspi_handlers[] = {
	[NDR_NSPIBIND] = nspi_bind,
	[NDR_NSPIUNBIND] = nspi_unbind,
	[NDR_NSPIUPDATESTAT] = nspi_update_stat,
	[NDR_NSPIQUERYROWS] = nspi_query_rows,
	[NDR_NSPISEEKENTRIES] = nspi_seek_entries,
	[NDR_NSPIGETMATCHES] = nspi_get_matches,
	[NDR_NSPIRESORTRESTRICTION] = nspi_resort_restriction,
	[NDR_NSPIDNTOMID] = nspi_dn_to_mid,
	[NDR_NSPIGETPROPLIST] = nspi_get_prop_list,
	[NDR_NSPIGETPROPS] = nspi_get_props,
	[NDR_NSPICOMPAREMIDS] = nspi_compare_mids,
	[NDR_NSPIMODPROPS] = nspi_mod_props,
	[NDR_NSPIGETSPECIALTABLE] = nspi_get_special_table,
	[NDR_NSPIGETTEMPLATEINFO] = nspi_get_template_info,
	[NDR_NSPIMODLINKATT] = nspi_mod_link_att,
	[NDR_NSPIQUERYCOLUMNS] = nspi_query_columns,
	[NDR_NSPIGETNAMESFROMIDS] = nspi_get_names_from_ids,
	[NDR_NSPIGETIDSFROMNAMES] = nspi_get_ids_from_names,
	[NDR_NSPIRESOLVENAMES] = nspi_resolve_names,
	[NDR_NSPIRESOLVENAMESW] = nspi_resolve_names_w,
};

const struct mapiproxy_provider mapiproxy_nspi_provider = {
	.table = &ndr_table_nspi,
	.num_handlers = sizeof(nspi_handlers) / sizeof(nspi_handlers[0]),
	.handlers = nspi_handlers,
};
