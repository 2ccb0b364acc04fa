/*
 * OpenChange mapiproxy EMSMDB: the property and stream ROPs of MS-OXCPRPT (oxcprpt.c).
 *
 * Copyright (C) OpenChange developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef MAPIPROXY_EMSMDB_OXCPRPT_H
#define MAPIPROXY_EMSMDB_OXCPRPT_H

#include "mapiproxy/emsmdb/objects.h"

#endif
