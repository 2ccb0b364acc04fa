/*
 * OpenChange mapiproxy EMSMDB: the message and attachment ROPs of MS-OXCMSG.
 *
 * Copyright (C) OpenChange developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "mapiproxy/emsmdb/oxcmsg.h"
