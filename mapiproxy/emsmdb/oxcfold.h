/*
 * OpenChange mapiproxy EMSMDB: the folder ROPs of MS-OXCFOLD (oxcfold.c).
 *
 * Copyright (C) OpenChange developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef MAPIPROXY_EMSMDB_OXCFOLD_H
#define MAPIPROXY_EMSMDB_OXCFOLD_H

#include "mapiproxy/emsmdb/objects.h"

#endif
