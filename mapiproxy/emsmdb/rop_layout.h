/*
 * OpenChange mapiproxy EMSMDB: where the handle indexes sit in each ROP
 * request (MS-OXCROPS 2.2), generated from idl/rops.def so the dispatcher
 * can check indexes and build error responses for any ROP.
 *
 * Copyright (C) OpenChange developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef MAPIPROXY_EMSMDB_ROP_LAYOUT_H
#define MAPIPROXY_EMSMDB_ROP_LAYOUT_H

#include <stdbool.h>
#include <stdint.h>

enum emsmdb_rop_response_kind {
	ROP_RESPONSE_NONE = 0,	/* no response at all (RopRelease) */
	ROP_RESPONSE_RAW,	/* server-only responses: RopBufferTooSmall, RopBackoff, RopPending */
	ROP_RESPONSE_HANDLE,	/* RopId, a handle index, ReturnValue, ... */
};

struct emsmdb_rop_layout {
	bool request;			/* a client may send it */
	enum emsmdb_rop_response_kind response;
	int8_t response_handle;		/* request byte echoed as the response's handle index */
	int8_t input[2];		/* InputHandleIndex/SourceHandleIndex, DestHandleIndex; -1: none */
	int8_t output;			/* OutputHandleIndex; -1: none */
};

/* Indexed by RopId; an unknown RopId has request == false. */
extern const struct emsmdb_rop_layout emsmdb_rop_layouts[256];

#endif
