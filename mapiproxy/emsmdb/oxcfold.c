/*
 * OpenChange mapiproxy EMSMDB: the folder ROPs of MS-OXCFOLD.
 *
 * Copyright (C) OpenChange developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "mapiproxy/emsmdb/oxcfold.h"
