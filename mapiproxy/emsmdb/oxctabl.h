/*
 * OpenChange mapiproxy EMSMDB: the table ROPs of MS-OXCTABL (oxctabl.c),
 * and the two MS-OXCFOLD ROPs that make folder tables.
 *
 * Copyright (C) OpenChange developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef MAPIPROXY_EMSMDB_OXCTABL_H
#define MAPIPROXY_EMSMDB_OXCTABL_H

#include "mapiproxy/emsmdb/objects.h"

/* TableFlags of RopGetHierarchyTable/RopGetContentsTable (MS-OXCFOLD 2.2.1.13.1, 2.2.1.14.1) */
#define EMSMDB_TABLE_ASSOCIATED 0x02		/* contents table only */
#define EMSMDB_TABLE_DEPTH 0x04			/* hierarchy table only */
#define EMSMDB_TABLE_DEFERRED_ERRORS 0x08
#define EMSMDB_TABLE_NO_NOTIFICATIONS 0x10
#define EMSMDB_TABLE_SOFT_DELETES 0x20
#define EMSMDB_TABLE_USE_UNICODE 0x40
#define EMSMDB_TABLE_SUPPRESS_NOTIFICATIONS 0x80	/* hierarchy table */
#define EMSMDB_TABLE_CONVERSATION_MEMBERS 0x80	/* contents table */

/* TableStatus (MS-OXCTABL 2.2.2.1.3) */
#define EMSMDB_TBLSTAT_COMPLETE 0x00

/* Predefined and custom bookmarks (MS-OXCTABL 2.2.2.1.1, 2.2.2.1.2) */
#define EMSMDB_BOOKMARK_BEGINNING 0x00
#define EMSMDB_BOOKMARK_CURRENT 0x01
#define EMSMDB_BOOKMARK_END 0x02
#define EMSMDB_BOOKMARK_CUSTOM 0x03

/* The bookmarks RopCreateBookmark hands out: 4 bytes */
#define EMSMDB_BOOKMARK_SIZE 4

/* MS-OXCFOLD, kept here because they only make table objects */
enum MAPISTATUS emsmdb_rop_get_hierarchy_table(struct emsmdb_rop_ctx *ctx,
					       struct rop_response *response);
enum MAPISTATUS emsmdb_rop_get_contents_table(struct emsmdb_rop_ctx *ctx,
					      struct rop_response *response);

/* MS-OXCTABL */
enum MAPISTATUS emsmdb_rop_set_columns(struct emsmdb_rop_ctx *ctx, struct rop_response *response);
enum MAPISTATUS emsmdb_rop_sort_table(struct emsmdb_rop_ctx *ctx, struct rop_response *response);
enum MAPISTATUS emsmdb_rop_restrict(struct emsmdb_rop_ctx *ctx, struct rop_response *response);
enum MAPISTATUS emsmdb_rop_query_rows(struct emsmdb_rop_ctx *ctx, struct rop_response *response);
enum MAPISTATUS emsmdb_rop_abort(struct emsmdb_rop_ctx *ctx, struct rop_response *response);
enum MAPISTATUS emsmdb_rop_get_status(struct emsmdb_rop_ctx *ctx, struct rop_response *response);
enum MAPISTATUS emsmdb_rop_query_position(struct emsmdb_rop_ctx *ctx,
					  struct rop_response *response);
enum MAPISTATUS emsmdb_rop_seek_row(struct emsmdb_rop_ctx *ctx, struct rop_response *response);
enum MAPISTATUS emsmdb_rop_seek_row_bookmark(struct emsmdb_rop_ctx *ctx,
					     struct rop_response *response);
enum MAPISTATUS emsmdb_rop_seek_row_fractional(struct emsmdb_rop_ctx *ctx,
					       struct rop_response *response);
enum MAPISTATUS emsmdb_rop_create_bookmark(struct emsmdb_rop_ctx *ctx,
					   struct rop_response *response);
enum MAPISTATUS emsmdb_rop_query_columns_all(struct emsmdb_rop_ctx *ctx,
					     struct rop_response *response);
enum MAPISTATUS emsmdb_rop_find_row(struct emsmdb_rop_ctx *ctx, struct rop_response *response);
enum MAPISTATUS emsmdb_rop_free_bookmark(struct emsmdb_rop_ctx *ctx,
					 struct rop_response *response);
enum MAPISTATUS emsmdb_rop_reset_table(struct emsmdb_rop_ctx *ctx, struct rop_response *response);

#endif
