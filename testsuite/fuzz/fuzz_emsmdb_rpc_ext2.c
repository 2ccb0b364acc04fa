/*
 * libFuzzer target: the whole EcDoRpcExt2 request path (rgbIn -> extended
 * buffers -> ROP input buffer -> dispatch -> rgbOut) against a session
 * holding a few objects.  The first byte picks pulFlags and whether the
 * rest is wrapped in a valid RPC_HEADER_EXT (so the ROP layer is reached
 * often), the next two the pcbOut.  Any crash, leak, sanitizer report or
 * an rgbOut larger than pcbOut is a bug.
 *
 * Copyright (C) OpenChange developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <stdint.h>
#include <stdlib.h>
#include <talloc.h>

#include "libmapi/rpc_ext.h"
#include "mapiproxy/emsmdb/rpc.h"
#include "mapiproxy/emsmdb/session.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	TALLOC_CTX *mem_ctx;
	struct emsmdb_session *session;
	struct emsmdb_limits limits;
	struct emsmdb_object *object;
	const uint8_t *in;
	uint8_t *wrapped = NULL, *out = NULL;
	size_t in_len, wrapped_len = 0, out_len = 0;
	uint32_t flags;
	size_t max_out;
	int i;

	if (size < 3) {
		return 0;
	}
	mem_ctx = talloc_new(NULL);
	emsmdb_limits_default(&limits);
	limits.max_handles = 8;		/* reach the limit often */
	session = emsmdb_session_new(mem_ctx, &limits);
	if (session == NULL) {
		abort();
	}
	for (i = 0; i < 4; i++) {
		if (emsmdb_object_new(session, EMSMDB_OBJECT_TEST, 0, &object) != MAPI_E_SUCCESS) {
			abort();
		}
	}
	flags = data[0] & 0x7;
	max_out = (size_t)data[1] | (size_t)data[2] << 8;
	if (data[0] & 0x80) {
		max_out <<= 2;		/* up to 0x3FFFC, past the 32 KB ROP limit */
	}
	in = data + 3;
	in_len = size - 3;
	if ((data[0] & 0x08) && in_len <= RPC_EXT_MAX_PAYLOAD &&
	    rpc_ext_encode(mem_ctx, in, in_len, (data[0] >> 4) & 0x3, 0, &wrapped, &wrapped_len) == WIRE_OK) {
		in = wrapped;
		in_len = wrapped_len;
	}
	if (emsmdb_rpc_ext2(mem_ctx, session, flags, in, in_len, max_out, &out, &out_len) ==
	    MAPI_E_SUCCESS && out_len > max_out) {
		abort();
	}
	talloc_free(mem_ctx);
	return 0;
}
