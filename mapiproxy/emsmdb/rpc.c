/*
 * OpenChange mapiproxy EMSMDB: the buffers of EcDoRpcExt2.
 *
 * Copyright (C) OpenChange developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <talloc.h>

#include "libmapi/rpc_ext.h"
#include "mapiproxy/emsmdb/rop_dispatch.h"
#include "mapiproxy/emsmdb/rpc.h"

enum MAPISTATUS emsmdb_rpc_ext2(TALLOC_CTX *mem_ctx, struct emsmdb_session *session,
				uint32_t flags, const uint8_t *in, size_t in_len, size_t max_out,
				uint8_t **out, size_t *out_len)
{
	struct rpc_ext_chain *chain = NULL;
	struct emsmdb_rop_result result;
	enum MAPISTATUS status;
	unsigned options = 0;
	size_t max_rops;
	TALLOC_CTX *tmp;

	*out = NULL;
	*out_len = 0;
	if (in_len < RPC_HEADER_EXT_SIZE || max_out < RPC_HEADER_EXT_SIZE) {
		return MAPI_E_NETWORK_ERROR;
	}
	tmp = talloc_new(mem_ctx);
	if (tmp == NULL) {
		return MAPI_E_NOT_ENOUGH_MEMORY;
	}
	if (rpc_ext_decode(tmp, in, in_len, &rpc_ext_limits_rop, &chain) != WIRE_OK ||
	    chain->count != 1) {
		/*
		 * More than one buffer is the packing of 3.1.4.2.1.1.1, which a
		 * client may only use when AUX_SERVER_CAPABILITIES offered it:
		 * this server does not.
		 */
		talloc_free(tmp);
		return EC_RPC_FORMAT;
	}
	/* 3.1.4.2.1.2.2: at most 32 KB of ROP responses per extended buffer */
	max_rops = max_out - RPC_HEADER_EXT_SIZE;
	if (max_rops > RPC_EXT_MAX_PAYLOAD) {
		max_rops = RPC_EXT_MAX_PAYLOAD;
	}
	status = emsmdb_rop_process(tmp, session, chain->buffers[0].payload, chain->buffers[0].length,
				    max_rops, &result);
	if (status != MAPI_E_SUCCESS) {
		talloc_free(tmp);
		return status;
	}
	if (!(flags & EMSMDB_RPC_NO_COMPRESSION)) {
		options |= RPC_EXT_COMPRESS;
	}
	if (!(flags & EMSMDB_RPC_NO_XOR_MAGIC)) {
		options |= RPC_EXT_XOR;
	}
	if (rpc_ext_encode(mem_ctx, result.data, result.len, options, RPC_EXT_MAX_PAYLOAD,
			   out, out_len) != WIRE_OK) {
		talloc_free(tmp);
		return MAPI_E_NOT_ENOUGH_MEMORY;
	}
	talloc_free(tmp);
	return MAPI_E_SUCCESS;
}
