/*
 * OpenChange libmapi: an NSPI (MS-OXNSPI) client session.
 *
 * The thin layer the address-book parts of the client API are built on:
 * one authenticated DCE/RPC connection, one NspiBind context handle and
 * the STAT the server keeps moving, with each call returning its MAPI
 * status.  Transport failures map to MAPI_E_NETWORK_ERROR (the detail is
 * in nspi_client_last_error()), MAPI errors are the server's.
 *
 * Copyright (C) OpenChange developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef LIBMAPI_NSPI_CLIENT_H
#define LIBMAPI_NSPI_CLIENT_H

#include <stdint.h>
#include <talloc.h>

#include "idl/gen_nspi.h"
#include "idl/gen_errors.h"

struct tevent_context;
struct loadparm_context;
struct cli_credentials;
struct dcerpc_pipe;

struct nspi_client {
	struct dcerpc_pipe *pipe;
	struct policy_handle handle;
	struct STAT stat;		/* as the last call left it */
	struct FlatUID_r server_guid;
	bool bound;
	const char *last_error;	/* transport detail of the last MAPI_E_NETWORK_ERROR */
};

/*
 * Connects to BINDING (e.g. "ncacn_ip_tcp:127.0.0.10[sign]"; the endpoint
 * mapper is asked when no port is given) as CREDS and binds with CODE_PAGE
 * (an 8-bit code page; MS-OXNSPI 3.1.4.1.1 refuses CP_WINUNICODE at bind).
 * The session is a talloc child of MEM_CTX; freeing it unbinds and closes.
 */
enum MAPISTATUS nspi_client_connect(TALLOC_CTX *mem_ctx, struct tevent_context *ev,
				    struct loadparm_context *lp_ctx, const char *binding,
				    struct cli_credentials *creds, uint32_t code_page,
				    struct nspi_client **out);

enum MAPISTATUS nspi_client_unbind(struct nspi_client *nspi);

/*
 * NspiUpdateStat: moves STAT (NULL: nspi->stat) by its Delta and fills
 * NumPos and TotalRecs; *delta (may be NULL) gets the rows moved.
 */
enum MAPISTATUS nspi_client_update_stat(struct nspi_client *nspi, struct STAT *stat,
					int32_t *delta);

/* NspiQueryRows from the STAT's position (mids == NULL) or of explicit MIds */
enum MAPISTATUS nspi_client_query_rows(struct nspi_client *nspi, TALLOC_CTX *mem_ctx,
				       uint32_t flags, const uint32_t *mids, uint32_t num_mids,
				       uint32_t count, const struct PropertyTagArray_r *columns,
				       struct PropertyRowSet_r **rows);

/* The same with a STAT of the caller's (a browsing cursor of its own) */
enum MAPISTATUS nspi_client_query_rows_stat(struct nspi_client *nspi, TALLOC_CTX *mem_ctx,
					    struct STAT *stat, uint32_t flags, uint32_t count,
					    const struct PropertyTagArray_r *columns,
					    struct PropertyRowSet_r **rows);

/* NspiGetProps of the entry at stat.CurrentRec = MID */
enum MAPISTATUS nspi_client_get_props(struct nspi_client *nspi, TALLOC_CTX *mem_ctx,
				      uint32_t flags, uint32_t mid,
				      const struct PropertyTagArray_r *columns,
				      struct PropertyRow_r **row);

/* NspiGetSpecialTable: the address book hierarchy table (MS-OXNSPI 3.1.4.1.3) */
enum MAPISTATUS nspi_client_get_special_table(struct nspi_client *nspi, TALLOC_CTX *mem_ctx,
					      uint32_t flags, uint32_t *version,
					      struct PropertyRowSet_r **rows);

/*
 * NspiSeekEntries with STAT (moved by the server, MS-OXNSPI 3.1.4.1.9): the
 * first entry at or after TARGET in the table's sort order; no rows asked.
 */
enum MAPISTATUS nspi_client_seek_entries(struct nspi_client *nspi, struct STAT *stat,
					 const struct PropertyValue_r *target);

enum MAPISTATUS nspi_client_compare_mids(struct nspi_client *nspi, uint32_t mid1,
					 uint32_t mid2, int32_t *result);

/* NspiDNToMId: one MId per DN, 0 for a DN the server does not know */
enum MAPISTATUS nspi_client_dn_to_mid(struct nspi_client *nspi, TALLOC_CTX *mem_ctx,
				      const char * const *dns, uint32_t num_dns,
				      struct PropertyTagArray_r **mids);

/* NspiResolveNamesW: UTF-8 names in, one MId each (MID_UNRESOLVED,
 * MID_AMBIGUOUS or the entry) and the rows of the resolved ones out. */
enum MAPISTATUS nspi_client_resolve_names(struct nspi_client *nspi, TALLOC_CTX *mem_ctx,
					  const char * const *names, uint32_t num_names,
					  const struct PropertyTagArray_r *columns,
					  struct PropertyTagArray_r **mids,
					  struct PropertyRowSet_r **rows);

/* The value of TAG in ROW (matching the property id, any type), or NULL */
const struct PropertyValue_r *nspi_row_find(const struct PropertyRow_r *row, uint32_t tag);

/* PropertyTagArray_r of TAGS, talloc'ed: the helper every caller needs */
struct PropertyTagArray_r *nspi_tag_array(TALLOC_CTX *mem_ctx, const uint32_t *tags,
					  uint32_t num_tags);

#endif
