/*
 * LZ77 compression with the DIRECT2 encoding, the compression of MS-OXCRPC
 * extended buffers (MS-OXCRPC 3.1.4.1.1.2; the same byte format is the
 * "Plain LZ77" of MS-XCA 2.3/2.4).
 *
 * Both directions work on caller-provided buffers: the callers (rpc_ext.c)
 * know the sizes from RPC_HEADER_EXT, and a compression that would not fit
 * in fewer bytes than the input is abandoned as soon as it overflows.
 *
 * Copyright (C) OpenChange developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef LIBMAPI_LZ77_H
#define LIBMAPI_LZ77_H

#include <stddef.h>
#include <stdint.h>
#include "libmapi/wire_error.h"

/* DIRECT2 limits (MS-OXCRPC 3.1.4.1.1.2.2): 13-bit offsets, matches of 3 or more. */
#define LZ77_MIN_MATCH 3
#define LZ77_MAX_OFFSET 8192
/* The longest length the 2-byte extension can carry: 0xFFFF + 3. */
#define LZ77_MAX_MATCH (0xFFFF + 3)

/*
 * The most bytes lz77_compress() can produce for in_len input bytes: every
 * byte a literal, one 4-byte bitmask per 32 elements, plus the bitmask that
 * carries the end marker.
 */
size_t lz77_compress_bound(size_t in_len);

/*
 * Compress in[0..in_len) into out[0..out_cap). On success *out_len is the
 * compressed size. WIRE_ERR_OUTPUT_FULL when the result would not fit: pass
 * out_cap = in_len - 1 to learn cheaply that compression does not help.
 */
enum wire_error lz77_compress(const uint8_t *in, size_t in_len,
			      uint8_t *out, size_t out_cap, size_t *out_len);

/*
 * Decompress in[0..in_len) into out[0..out_cap). On success *out_len is the
 * number of bytes produced (at most out_cap). Hostile input never makes it
 * read or write outside the two buffers:
 *   WIRE_ERR_TRUNCATED    the stream ends before its end marker or inside an element,
 *   WIRE_ERR_CORRUPT      a match reaches before the start of the output,
 *   WIRE_ERR_OUTPUT_FULL  the data expands beyond out_cap.
 */
enum wire_error lz77_decompress(const uint8_t *in, size_t in_len,
				uint8_t *out, size_t out_cap, size_t *out_len);

#endif
