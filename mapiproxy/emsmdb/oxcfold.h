/*
 * OpenChange mapiproxy EMSMDB: the folder ROPs of MS-OXCFOLD (oxcfold.c).
 *
 * Copyright (C) OpenChange developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef MAPIPROXY_EMSMDB_OXCFOLD_H
#define MAPIPROXY_EMSMDB_OXCFOLD_H

#include "mapiproxy/emsmdb/objects.h"

/*
 * RopOpenFolder, RopCreateFolder, RopDeleteFolder, RopMoveCopyMessages, RopMoveFolder,
 * RopCopyFolder, RopEmptyFolder, RopHardDeleteMessagesAndSubfolders,
 * RopDeleteMessages and RopHardDeleteMessages take their folders from the
 * handle table themselves (rop_table.c: input_types 0): a missing object
 * is ecNullObject, another kind of object ecNotSupported, as MS-OXCFOLD's
 * error tables say, and the responses that always carry PartialCompletion
 * keep it on failure.  RopGetSearchCriteria and RopSetSearchCriteria are
 * not implemented (ecNotSupported from the dispatcher): mapistore stores
 * search folders but not their criteria.
 */

/* OpenModeFlags of RopOpenFolder (MS-OXCFOLD 2.2.1.1.1) */
#define EMSMDB_FOLDER_OPEN_SOFT_DELETED 0x04

/* The objects a folder ROP may start from: the logon (its root) or a folder. */
#define EMSMDB_FOLDER_PARENTS (EMSMDB_OBJECT_BIT(EMSMDB_OBJECT_LOGON) | \
			       EMSMDB_OBJECT_BIT(EMSMDB_OBJECT_FOLDER))

enum MAPISTATUS emsmdb_rop_open_folder(struct emsmdb_rop_ctx *ctx, struct rop_response *response);
enum MAPISTATUS emsmdb_rop_create_folder(struct emsmdb_rop_ctx *ctx, struct rop_response *response);
enum MAPISTATUS emsmdb_rop_delete_folder(struct emsmdb_rop_ctx *ctx, struct rop_response *response);
enum MAPISTATUS emsmdb_rop_move_copy_messages(struct emsmdb_rop_ctx *ctx,
					      struct rop_response *response);
enum MAPISTATUS emsmdb_rop_move_folder(struct emsmdb_rop_ctx *ctx, struct rop_response *response);
enum MAPISTATUS emsmdb_rop_copy_folder(struct emsmdb_rop_ctx *ctx, struct rop_response *response);
enum MAPISTATUS emsmdb_rop_empty_folder(struct emsmdb_rop_ctx *ctx, struct rop_response *response);
enum MAPISTATUS emsmdb_rop_hard_delete_messages_and_subfolders(struct emsmdb_rop_ctx *ctx,
							       struct rop_response *response);
enum MAPISTATUS emsmdb_rop_delete_messages(struct emsmdb_rop_ctx *ctx, struct rop_response *response);
enum MAPISTATUS emsmdb_rop_hard_delete_messages(struct emsmdb_rop_ctx *ctx,
						struct rop_response *response);

#endif
