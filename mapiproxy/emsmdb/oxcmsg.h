/*
 * OpenChange mapiproxy EMSMDB: the message and attachment ROPs of MS-OXCMSG (oxcmsg.c).
 *
 * Copyright (C) OpenChange developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef MAPIPROXY_EMSMDB_OXCMSG_H
#define MAPIPROXY_EMSMDB_OXCMSG_H

#include "mapiproxy/emsmdb/objects.h"

#endif
