/*
 * OpenChange mapiproxy EMSMDB: the table ROPs of MS-OXCTABL.
 *
 * Copyright (C) OpenChange developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "mapiproxy/emsmdb/oxctabl.h"
