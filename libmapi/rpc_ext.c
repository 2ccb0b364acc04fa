/*
 * MS-OXCRPC extended buffers: RPC_HEADER_EXT chains, decoded and encoded.
 *
 * Copyright (C) OpenChange developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>
#include "libmapi/rpc_ext.h"
#include "libmapi/lz77.h"
#include "libmapi/xor.h"
#include "libmapi/wire_le.h"

/*
 * rgbIn/rgbOut (3.1.4.2.1.1.1-2, 3.1.4.2.1.2): several extended buffers,
 * each at most 32 KB. The whole buffer is bounded by BIG_RANGE_ULONG, the
 * type of pcbOut, which keeps a chain of tiny compressed headers from
 * claiming gigabytes.
 */
const struct rpc_ext_limits rpc_ext_limits_rop = {
	.max_payload = RPC_EXT_MAX_PAYLOAD,
	.max_total = RPC_EXT_MAX_ROP_BUFFER,
	.single = false,
};

/*
 * rgbAuxIn (3.1.4.1.1.1.1): one RPC_HEADER_EXT, which MUST carry Last. The
 * spec gives it no size of its own, so the 32 KB payload rule applies.
 */
const struct rpc_ext_limits rpc_ext_limits_auxin = {
	.max_payload = RPC_EXT_MAX_PAYLOAD,
	.max_total = RPC_EXT_MAX_PAYLOAD,
	.single = true,
};

/* rgbAuxOut (3.1.4.1.1.1.2): one RPC_HEADER_EXT within SMALL_RANGE_ULONG. */
const struct rpc_ext_limits rpc_ext_limits_auxout = {
	.max_payload = RPC_EXT_MAX_AUX_BUFFER - RPC_HEADER_EXT_SIZE,
	.max_total = RPC_EXT_MAX_AUX_BUFFER - RPC_HEADER_EXT_SIZE,
	.single = true,
};

/* MS-OXCRPC 2.2.2.1 RPC_HEADER_EXT: Version, Flags, Size, SizeActual. */
enum wire_error rpc_header_ext_pull(const uint8_t *buf, size_t len, struct rpc_header_ext *header)
{
	if (header == NULL) {
		return WIRE_ERR_INVALID_ARG;
	}
	if (len < RPC_HEADER_EXT_SIZE) {
		return WIRE_ERR_TRUNCATED;
	}
	if (buf == NULL) {
		return WIRE_ERR_INVALID_ARG;
	}
	header->version = wire_load_le16(buf);
	header->flags = wire_load_le16(buf + 2);
	header->size = wire_load_le16(buf + 4);
	header->size_actual = wire_load_le16(buf + 6);
	return WIRE_OK;
}

void rpc_header_ext_push(uint8_t *buf, const struct rpc_header_ext *header)
{
	wire_store_le16(buf, header->version);
	wire_store_le16(buf + 2, header->flags);
	wire_store_le16(buf + 4, header->size);
	wire_store_le16(buf + 6, header->size_actual);
}

/*
 * MS-OXCRPC 2.2.2.1: Version MUST be 0; only the three flags of the table
 * are valid; without Compressed, Size and SizeActual MUST be equal; with
 * it, Size MUST be less than SizeActual.
 */
enum wire_error rpc_header_ext_check(const struct rpc_header_ext *header,
				     size_t available, size_t max_payload)
{
	if (header->version != RPC_HEADER_EXT_VERSION) {
		return WIRE_ERR_BAD_VERSION;
	}
	if ((header->flags & ~RHE_FLAGS_DEFINED) != 0) {
		return WIRE_ERR_BAD_FLAGS;
	}
	if (header->flags & RHE_FLAG_COMPRESSED) {
		if (header->size >= header->size_actual) {
			return WIRE_ERR_BAD_SIZE;
		}
	} else if (header->size != header->size_actual) {
		return WIRE_ERR_BAD_SIZE;
	}
	if (header->size_actual > max_payload) {
		return WIRE_ERR_TOO_LARGE;
	}
	if (header->size > available) {
		return WIRE_ERR_TRUNCATED;
	}
	return WIRE_OK;
}

/*
 * Undo one payload: "first be reverted and then uncompressed"
 * (3.1.4.1.1.1.1, 3.1.4.2.1.1.1). XOR needs a private copy because the
 * input is the caller's.
 */
static enum wire_error reveal_payload(TALLOC_CTX *mem_ctx, const struct rpc_header_ext *header,
				      const uint8_t *wire, uint8_t *payload)
{
	const uint8_t *compressed = wire;
	uint8_t *scratch = NULL;
	enum wire_error err = WIRE_OK;
	size_t produced = 0;

	if (!(header->flags & RHE_FLAG_COMPRESSED)) {
		memcpy(payload, wire, header->size);
		if (header->flags & RHE_FLAG_XORMAGIC) {
			xor_obfuscate(payload, header->size);
		}
		return WIRE_OK;
	}

	if (header->flags & RHE_FLAG_XORMAGIC) {
		scratch = talloc_memdup(mem_ctx, wire, header->size);
		if (scratch == NULL && header->size != 0) {
			return WIRE_ERR_NO_MEMORY;
		}
		xor_obfuscate(scratch, header->size);
		compressed = scratch;
	}
	err = lz77_decompress(compressed, header->size, payload, header->size_actual, &produced);
	talloc_free(scratch);
	if (err == WIRE_ERR_OUTPUT_FULL || (err == WIRE_OK && produced != header->size_actual)) {
		/* The data disagrees with SizeActual. */
		return WIRE_ERR_BAD_SIZE;
	}
	return err;
}

enum wire_error rpc_ext_decode(TALLOC_CTX *mem_ctx, const uint8_t *buf, size_t len,
			       const struct rpc_ext_limits *limits,
			       struct rpc_ext_chain **chainp)
{
	struct rpc_ext_chain *chain;
	size_t pos = 0;
	enum wire_error err;

	if ((buf == NULL && len != 0) || chainp == NULL) {
		return WIRE_ERR_INVALID_ARG;
	}
	if (limits == NULL) {
		limits = &rpc_ext_limits_rop;
	}
	*chainp = NULL;
	if (len < RPC_HEADER_EXT_SIZE) {
		/* Even an empty payload has its header. */
		return WIRE_ERR_TRUNCATED;
	}
	chain = talloc_zero(mem_ctx, struct rpc_ext_chain);
	if (chain == NULL) {
		return WIRE_ERR_NO_MEMORY;
	}

	for (;;) {
		struct rpc_header_ext header;
		struct rpc_ext_buffer *buffers;
		uint8_t *payload;

		if (pos == len && chain->count > 0) {
			/* The previous buffer said more would follow. */
			err = WIRE_ERR_NO_LAST;
			goto fail;
		}
		err = rpc_header_ext_pull(buf + pos, len - pos, &header);
		if (err != WIRE_OK) {
			goto fail;
		}
		err = rpc_header_ext_check(&header, len - pos - RPC_HEADER_EXT_SIZE, limits->max_payload);
		if (err != WIRE_OK) {
			goto fail;
		}
		if (limits->single && !(header.flags & RHE_FLAG_LAST)) {
			/* rgbAuxIn/rgbAuxOut: "MUST contain the Last flag". */
			err = WIRE_ERR_NO_LAST;
			goto fail;
		}
		if (header.size_actual > limits->max_total - chain->total_length) {
			err = WIRE_ERR_TOO_LARGE;
			goto fail;
		}

		buffers = talloc_realloc(chain, chain->buffers, struct rpc_ext_buffer, chain->count + 1);
		if (buffers == NULL) {
			err = WIRE_ERR_NO_MEMORY;
			goto fail;
		}
		chain->buffers = buffers;
		/* One spare byte: a zero-length payload still gets a distinct pointer. */
		payload = talloc_size(chain, (size_t)header.size_actual + 1);
		if (payload == NULL) {
			err = WIRE_ERR_NO_MEMORY;
			goto fail;
		}
		err = reveal_payload(chain, &header, buf + pos + RPC_HEADER_EXT_SIZE, payload);
		if (err != WIRE_OK) {
			goto fail;
		}
		buffers[chain->count].header = header;
		buffers[chain->count].payload = payload;
		buffers[chain->count].length = header.size_actual;
		chain->count++;
		chain->total_length += header.size_actual;
		pos += RPC_HEADER_EXT_SIZE + header.size;

		if (header.flags & RHE_FLAG_LAST) {
			/* 2.2.2.1: no other RPC_HEADER_EXT follows the Last one. */
			if (pos != len) {
				err = WIRE_ERR_TRAILING;
				goto fail;
			}
			*chainp = chain;
			return WIRE_OK;
		}
	}

fail:
	talloc_free(chain);
	return err;
}

enum wire_error rpc_ext_push(uint8_t *out, size_t out_cap, size_t *used,
			     const uint8_t *payload, size_t len,
			     unsigned options, bool last)
{
	struct rpc_header_ext header = {
		.version = RPC_HEADER_EXT_VERSION,
		.flags = last ? RHE_FLAG_LAST : 0,
		.size = (uint16_t)len,
		.size_actual = (uint16_t)len,
	};
	uint8_t *dst;
	size_t room;

	if (out == NULL || used == NULL || *used > out_cap || (payload == NULL && len != 0) ||
	    (options & ~(unsigned)(RPC_EXT_COMPRESS | RPC_EXT_XOR)) != 0) {
		return WIRE_ERR_INVALID_ARG;
	}
	if (len > RPC_EXT_MAX_PAYLOAD) {
		return WIRE_ERR_TOO_LARGE;
	}
	if (out_cap - *used < RPC_HEADER_EXT_SIZE) {
		return WIRE_ERR_OUTPUT_FULL;
	}
	dst = out + *used + RPC_HEADER_EXT_SIZE;
	room = out_cap - *used - RPC_HEADER_EXT_SIZE;

	if ((options & RPC_EXT_COMPRESS) && len > 1) {
		/* Only worth it if strictly smaller (2.2.2.1, 3.1.4.1.1). */
		size_t cap = len - 1 < room ? len - 1 : room;
		size_t compressed = 0;
		enum wire_error err = lz77_compress(payload, len, dst, cap, &compressed);

		if (err == WIRE_OK) {
			header.flags |= RHE_FLAG_COMPRESSED;
			header.size = (uint16_t)compressed;
		} else if (err != WIRE_ERR_OUTPUT_FULL) {
			return err;
		}
	}
	if (!(header.flags & RHE_FLAG_COMPRESSED)) {
		if (room < len) {
			return WIRE_ERR_OUTPUT_FULL;
		}
		if (len != 0) {
			memcpy(dst, payload, len);
		}
	}
	/*
	 * "first be compressed and then obfuscated" (3.1.4.2.1.1.1); an empty
	 * payload has nothing to hide, so its header stays plain.
	 */
	if ((options & RPC_EXT_XOR) && header.size != 0) {
		xor_obfuscate(dst, header.size);
		header.flags |= RHE_FLAG_XORMAGIC;
	}
	rpc_header_ext_push(out + *used, &header);
	*used += RPC_HEADER_EXT_SIZE + header.size;
	return WIRE_OK;
}

enum wire_error rpc_ext_encode(TALLOC_CTX *mem_ctx, const uint8_t *payload, size_t len,
			       unsigned options, size_t max_payload,
			       uint8_t **out, size_t *out_len)
{
	size_t chunks, cap, used = 0, pos = 0;
	uint8_t *buf;

	if (out == NULL || out_len == NULL || (payload == NULL && len != 0)) {
		return WIRE_ERR_INVALID_ARG;
	}
	if (max_payload == 0) {
		max_payload = RPC_EXT_MAX_PAYLOAD;
	}
	if (max_payload > RPC_EXT_MAX_PAYLOAD) {
		return WIRE_ERR_INVALID_ARG;
	}
	/* Compression only ever shrinks a payload, so raw sizes bound the result. */
	chunks = len == 0 ? 1 : (len + max_payload - 1) / max_payload;
	cap = chunks * RPC_HEADER_EXT_SIZE + len;
	buf = talloc_array(mem_ctx, uint8_t, cap);
	if (buf == NULL) {
		return WIRE_ERR_NO_MEMORY;
	}
	do {
		size_t n = len - pos < max_payload ? len - pos : max_payload;
		enum wire_error err = rpc_ext_push(buf, cap, &used, n != 0 ? payload + pos : NULL,
						   n, options, pos + n == len);

		if (err != WIRE_OK) {
			talloc_free(buf);
			return err;
		}
		pos += n;
	} while (pos < len);

	*out = buf;
	*out_len = used;
	return WIRE_OK;
}
