/*
 * OpenChange mapiproxy EMSMDB: the property and stream ROPs of MS-OXCPRPT.
 *
 * Copyright (C) OpenChange developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "mapiproxy/emsmdb/oxcprpt.h"
