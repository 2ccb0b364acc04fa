/*
 * OpenChange mapiproxy: every file of the module logs through the module's
 * own debug class ("log level = 1 mapiproxy:5" raises just ours), and every
 * line starts with "mapiproxy:" so it stands out in samba's log.
 *
 * Copyright (C) OpenChange developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef MAPIPROXY_DEBUG_H
#define MAPIPROXY_DEBUG_H

#include <util/debug.h>

extern int mapiproxy_dbgc;
#undef DBGC_CLASS
#define DBGC_CLASS mapiproxy_dbgc

#endif
