/*
 * OpenChange mapiproxy EMSMDB: the buffers of EcDoRpcExt2 (MS-OXCRPC
 * 3.1.4.2), from rgbIn to rgbOut, without the RPC around them: what the
 * provider calls, and what the fuzz target drives with a fake session.
 *
 * Copyright (C) OpenChange developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef MAPIPROXY_EMSMDB_RPC_H
#define MAPIPROXY_EMSMDB_RPC_H

#include <stddef.h>
#include <stdint.h>
#include <talloc.h>

#include "idl/gen_errors.h"
#include "mapiproxy/emsmdb/session.h"

/* pulFlags of EcDoRpcExt2 on input (3.1.4.2) */
#define EMSMDB_RPC_NO_COMPRESSION 0x00000001
#define EMSMDB_RPC_NO_XOR_MAGIC 0x00000002
#define EMSMDB_RPC_CHAIN 0x00000004

/* rgbIn larger than this is refused before any processing (RPC_X_BAD_STUB_DATA). */
#define EMSMDB_MAX_RGB_IN 0x40000

/*
 * rgbIn (IN_LEN bytes) for SESSION, with pcbOut = MAX_OUT on input:
 *   cbIn or pcbOut below 8        MAPI_E_NETWORK_ERROR (ecRpcFailed, 3.1.4.2)
 *   rgbIn not one valid extended buffer, or a ROP buffer that does not
 *   parse                         EC_RPC_FORMAT
 *   no room even for RopBufferTooSmall  EC_BUFFER_TOO_SMALL
 * else MAPI_E_SUCCESS and rgbOut in *out (allocated on MEM_CTX): one
 * extended buffer with Last, compressed unless NoCompression, obfuscated
 * unless NoXorMagic, never more than MAX_OUT bytes.
 */
enum MAPISTATUS emsmdb_rpc_ext2(TALLOC_CTX *mem_ctx, struct emsmdb_session *session,
				uint32_t flags, const uint8_t *in, size_t in_len, size_t max_out,
				uint8_t **out, size_t *out_len);

#endif
