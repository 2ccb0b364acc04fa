/*
 * MS-OXCRPC extended buffers: the RPC_HEADER_EXT chains that carry rgbIn,
 * rgbOut, rgbAuxIn and rgbAuxOut of EcDoConnectEx and EcDoRpcExt2.
 *
 * Copyright (C) OpenChange developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef LIBMAPI_RPC_EXT_H
#define LIBMAPI_RPC_EXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <talloc.h>
#include "libmapi/wire_error.h"

/* RPC_HEADER_EXT (MS-OXCRPC 2.2.2.1): four little-endian 16-bit fields. */
#define RPC_HEADER_EXT_SIZE 8
#define RPC_HEADER_EXT_VERSION 0x0000
#define RHE_FLAG_COMPRESSED 0x0001
#define RHE_FLAG_XORMAGIC 0x0002
#define RHE_FLAG_LAST 0x0004
#define RHE_FLAGS_DEFINED (RHE_FLAG_COMPRESSED | RHE_FLAG_XORMAGIC | RHE_FLAG_LAST)

/* "A single payload MUST NOT exceed 32 KB in size" (3.1.4.1.1, 3.1.4.2.1). */
#define RPC_EXT_MAX_PAYLOAD 0x8000
/*
 * The largest rgbOut / rgbAuxOut: the ranges of BIG_RANGE_ULONG and
 * SMALL_RANGE_ULONG (2.2.1.3, 2.2.1.4). EcDoRpcExt2 (3.1.4.2) takes pcbOut as
 * BIG_RANGE_ULONG and pcbAuxOut as SMALL_RANGE_ULONG; the bounds themselves
 * are from the IDL appendix and were not re-read from the spec text.
 */
#define RPC_EXT_MAX_ROP_BUFFER 0x40000
#define RPC_EXT_MAX_AUX_BUFFER 0x1008

struct rpc_header_ext {
	uint16_t version;
	uint16_t flags;
	uint16_t size;		/* payload bytes on the wire */
	uint16_t size_actual;	/* payload bytes once uncompressed */
};

/* What a decoder accepts for one kind of buffer. */
struct rpc_ext_limits {
	size_t max_payload;	/* SizeActual of any one extended buffer */
	size_t max_total;	/* SizeActual summed over the chain (bounds decompression) */
	bool single;		/* exactly one extended buffer, which carries Last */
};

/* rgbIn and rgbOut of EcDoRpcExt2: packed chains (3.1.4.2.1.2). */
extern const struct rpc_ext_limits rpc_ext_limits_rop;
/* rgbAuxIn: one extended buffer (3.1.4.1.1.1.1). */
extern const struct rpc_ext_limits rpc_ext_limits_auxin;
/* rgbAuxOut: one extended buffer within pcbAuxOut (3.1.4.1.1.1.2). */
extern const struct rpc_ext_limits rpc_ext_limits_auxout;

/* One decoded extended buffer. */
struct rpc_ext_buffer {
	struct rpc_header_ext header;	/* as it was on the wire */
	uint8_t *payload;		/* length bytes, revealed and uncompressed */
	size_t length;			/* == header.size_actual */
};

struct rpc_ext_chain {
	size_t count;
	struct rpc_ext_buffer *buffers;
	size_t total_length;		/* sum of all lengths */
};

/* Read the 8 header bytes; WIRE_ERR_TRUNCATED if fewer are given. No validation. */
enum wire_error rpc_header_ext_pull(const uint8_t *buf, size_t len, struct rpc_header_ext *header);

/* Write the 8 header bytes. */
void rpc_header_ext_push(uint8_t *buf, const struct rpc_header_ext *header);

/*
 * Check one header against MS-OXCRPC 2.2.2.1: version, defined flags, the
 * Size/SizeActual rules, max_payload, and that Size bytes follow (available).
 */
enum wire_error rpc_header_ext_check(const struct rpc_header_ext *header,
				     size_t available, size_t max_payload);

/*
 * Decode a whole rgbIn/rgbOut/rgbAuxIn/rgbAuxOut: every extended buffer up
 * to the one flagged Last, each revealed (XorMagic) then decompressed. The
 * chain and its payloads are one talloc tree under mem_ctx; nothing is
 * allocated on error.
 */
enum wire_error rpc_ext_decode(TALLOC_CTX *mem_ctx, const uint8_t *buf, size_t len,
			       const struct rpc_ext_limits *limits,
			       struct rpc_ext_chain **chain);

/* Encoding options. */
#define RPC_EXT_COMPRESS 0x1	/* compress when that makes the payload smaller */
#define RPC_EXT_XOR 0x2		/* obfuscate with XorMagic */

/*
 * Append one extended buffer (header + payload of len <= RPC_EXT_MAX_PAYLOAD
 * bytes) at out + *used, within out_cap; *used advances past it. Compression
 * is kept only if strictly smaller, as the Compressed flag requires
 * (2.2.2.1); obfuscation applies after compression (3.1.4.2.1.1.1).
 */
enum wire_error rpc_ext_push(uint8_t *out, size_t out_cap, size_t *used,
			     const uint8_t *payload, size_t len,
			     unsigned options, bool last);

/*
 * Encode payload as a chain of extended buffers of at most max_payload bytes
 * each (0 means RPC_EXT_MAX_PAYLOAD), the last one flagged Last. The result
 * is allocated on mem_ctx.
 */
enum wire_error rpc_ext_encode(TALLOC_CTX *mem_ctx, const uint8_t *payload, size_t len,
			       unsigned options, size_t max_payload,
			       uint8_t **out, size_t *out_len);

#endif
