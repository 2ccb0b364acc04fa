/*
 * OpenChange mapiproxy EMSMDB: the folder ROPs of MS-OXCFOLD (oxcfold.c).
 *
 * Copyright (C) OpenChange developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef MAPIPROXY_EMSMDB_OXCFOLD_H
#define MAPIPROXY_EMSMDB_OXCFOLD_H

#include "mapiproxy/emsmdb/objects.h"

/* OpenModeFlags of RopOpenFolder (MS-OXCFOLD 2.2.1.1.1) */
#define EMSMDB_FOLDER_OPEN_SOFT_DELETED 0x04

/* The objects a folder ROP may start from: the logon (its root) or a folder. */
#define EMSMDB_FOLDER_PARENTS (EMSMDB_OBJECT_BIT(EMSMDB_OBJECT_LOGON) | \
			       EMSMDB_OBJECT_BIT(EMSMDB_OBJECT_FOLDER))

enum MAPISTATUS emsmdb_rop_open_folder(struct emsmdb_rop_ctx *ctx, struct rop_response *response);

#endif
