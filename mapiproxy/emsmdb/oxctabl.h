/*
 * OpenChange mapiproxy EMSMDB: the table ROPs of MS-OXCTABL (oxctabl.c).
 *
 * Copyright (C) OpenChange developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef MAPIPROXY_EMSMDB_OXCTABL_H
#define MAPIPROXY_EMSMDB_OXCTABL_H

#include "mapiproxy/emsmdb/objects.h"

#endif
