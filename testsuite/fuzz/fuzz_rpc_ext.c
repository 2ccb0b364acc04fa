/*
 * libFuzzer target: decoding a whole rgbIn/rgbOut/rgbAuxIn/rgbAuxOut chain of
 * RPC_HEADER_EXT buffers (libmapi/rpc_ext.c). Whatever decodes is encoded
 * again with the same options and must decode to the same payloads.
 *
 * Copyright (C) OpenChange developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <stdlib.h>
#include <string.h>
#include "libmapi/rpc_ext.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct rpc_ext_limits *const limits[] = {
		&rpc_ext_limits_rop, &rpc_ext_limits_auxin, &rpc_ext_limits_auxout,
	};
	TALLOC_CTX *mem_ctx;
	struct rpc_ext_chain *chain = NULL;
	enum wire_error err;
	size_t i;

	if (size < 1) {
		return 0;
	}
	mem_ctx = talloc_new(NULL);
	err = rpc_ext_decode(mem_ctx, size > 1 ? data + 1 : NULL, size - 1, limits[data[0] % 3], &chain);
	if ((err == WIRE_OK) != (chain != NULL)) {
		abort();
	}
	for (i = 0; chain != NULL && i < chain->count; i++) {
		const struct rpc_ext_buffer *b = &chain->buffers[i];
		unsigned options = ((b->header.flags & RHE_FLAG_COMPRESSED) ? RPC_EXT_COMPRESS : 0) |
				   ((b->header.flags & RHE_FLAG_XORMAGIC) ? RPC_EXT_XOR : 0);
		struct rpc_ext_chain *again = NULL;
		uint8_t *wire = NULL;
		size_t wire_len = 0;

		if (rpc_ext_encode(mem_ctx, b->length ? b->payload : NULL, b->length, options, 0,
				   &wire, &wire_len) != WIRE_OK ||
		    rpc_ext_decode(mem_ctx, wire, wire_len, &rpc_ext_limits_rop, &again) != WIRE_OK ||
		    again->count != 1 || again->buffers[0].length != b->length ||
		    memcmp(again->buffers[0].payload, b->payload, b->length) != 0) {
			abort();
		}
	}
	talloc_free(mem_ctx);
	return 0;
}
