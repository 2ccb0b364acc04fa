/*
 * Unit tests of libmapi/rpc_ext.c and xor.c: RPC_HEADER_EXT chains as
 * MS-OXCRPC 2.2.2.1 and 3.1.4.x.1 define them, and hostile chains.
 *
 * Copyright (C) OpenChange developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "libmapi/rpc_ext.h"
#include "libmapi/lz77.h"
#include "libmapi/xor.h"

static uint64_t rng_state;

static uint32_t rng_next(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (uint32_t)(rng_state >> 16);
}

static void fill_random(uint8_t *buf, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		buf[i] = (uint8_t)rng_next();
	}
}

/* Something ROP-like and compressible: repeated records with small variations. */
static void fill_records(uint8_t *buf, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		buf[i] = (i % 24) < 16 ? (uint8_t)"RopQueryRows-Subject:"[i % 21] : (uint8_t)((i / 24) & 0xff);
	}
}

static void put_header(uint8_t *p, uint16_t version, uint16_t flags, uint16_t size, uint16_t size_actual)
{
	const struct rpc_header_ext h = { version, flags, size, size_actual };

	rpc_header_ext_push(p, &h);
}

static void assert_decode_fails(const uint8_t *buf, size_t len, const struct rpc_ext_limits *limits,
				enum wire_error expected)
{
	TALLOC_CTX *mem_ctx = talloc_new(NULL);
	struct rpc_ext_chain *chain = (void *)1;

	assert_int_equal(rpc_ext_decode(mem_ctx, buf, len, limits, &chain), expected);
	assert_null(chain);
	/* Nothing allocated on failure. */
	assert_int_equal(talloc_total_blocks(mem_ctx), 1);
	talloc_free(mem_ctx);
}

/*
 * MS-OXCRPC 4.2 "Issue ROP Commands to the Server": rgbIn is one extended
 * buffer, Version 0x0000, Flags 0x0004 (Last), Size = SizeActual = 0x0152,
 * payload RopSize 0x0142 + 320 bytes of ROPs + a 16-byte handle table;
 * cbIn = 0x015A. The response: Size = SizeActual = 0x0052, RopSize 0x0042.
 */
static void test_spec_example_rgbin(void **state)
{
	static const uint8_t header_bytes[8] = { 0x00, 0x00, 0x04, 0x00, 0x52, 0x01, 0x52, 0x01 };
	TALLOC_CTX *mem_ctx = talloc_new(NULL);
	uint8_t rgb_in[0x15A], payload[0x152];
	struct rpc_ext_chain *chain = NULL;
	struct rpc_header_ext header;
	uint8_t *again = NULL;
	size_t again_len = 0;

	rng_state = 11;
	fill_random(payload, sizeof(payload));
	payload[0] = 0x42;	/* RopSize 0x0142 */
	payload[1] = 0x01;
	memcpy(rgb_in, header_bytes, 8);
	memcpy(rgb_in + 8, payload, sizeof(payload));

	assert_int_equal(rpc_header_ext_pull(rgb_in, sizeof(rgb_in), &header), WIRE_OK);
	assert_int_equal(header.version, 0x0000);
	assert_int_equal(header.flags, RHE_FLAG_LAST);
	assert_int_equal(header.size, 0x0152);
	assert_int_equal(header.size_actual, 0x0152);

	assert_int_equal(rpc_ext_decode(mem_ctx, rgb_in, sizeof(rgb_in), &rpc_ext_limits_rop, &chain), WIRE_OK);
	assert_int_equal(chain->count, 1);
	assert_int_equal(chain->total_length, 0x152);
	assert_int_equal(chain->buffers[0].length, 0x152);
	assert_memory_equal(chain->buffers[0].payload, payload, sizeof(payload));
	/* RopSize (MS-OXCROPS 2.2.1) covers itself and the 320 bytes of ROPs. */
	assert_int_equal(chain->buffers[0].payload[0] | chain->buffers[0].payload[1] << 8, 0x142);
	assert_int_equal(0x152 - 0x142, 16);

	/* Uncompressed, unobfuscated encoding is deterministic: the same bytes. */
	assert_int_equal(rpc_ext_encode(mem_ctx, payload, sizeof(payload), 0, 0, &again, &again_len), WIRE_OK);
	assert_int_equal(again_len, 0x15A);
	assert_memory_equal(again, rgb_in, sizeof(rgb_in));
	talloc_free(mem_ctx);
}

static void test_spec_example_rgbout(void **state)
{
	static const uint8_t rgb_out_header[8] = { 0x00, 0x00, 0x04, 0x00, 0x52, 0x00, 0x52, 0x00 };
	TALLOC_CTX *mem_ctx = talloc_new(NULL);
	uint8_t rgb_out[8 + 0x52] = { 0 };
	struct rpc_ext_chain *chain = NULL;

	memcpy(rgb_out, rgb_out_header, 8);
	rgb_out[8] = 0x42;
	assert_int_equal(rpc_ext_decode(mem_ctx, rgb_out, sizeof(rgb_out), &rpc_ext_limits_rop, &chain), WIRE_OK);
	assert_int_equal(chain->count, 1);
	assert_int_equal(chain->buffers[0].header.flags, RHE_FLAG_LAST);
	assert_int_equal(chain->buffers[0].length, 0x52);
	talloc_free(mem_ctx);
}

/* 3.1.4.1.1.3: every byte XOR 0xA5, its own inverse. */
static void test_xor(void **state)
{
	uint8_t buf[19] = { 0x00, 0xff, 0xa5, 0x5a };
	uint8_t copy[19];
	size_t i;

	for (i = 4; i < sizeof(buf); i++) {
		buf[i] = (uint8_t)i;
	}
	memcpy(copy, buf, sizeof(buf));
	xor_obfuscate(buf, sizeof(buf));
	assert_int_equal(buf[0], 0xa5);
	assert_int_equal(buf[1], 0x5a);
	assert_int_equal(buf[2], 0x00);
	assert_int_equal(buf[3], 0xff);
	for (i = 0; i < sizeof(buf); i++) {
		assert_int_equal(buf[i], copy[i] ^ 0xa5);
	}
	xor_obfuscate(buf, sizeof(buf));
	assert_memory_equal(buf, copy, sizeof(buf));
	xor_obfuscate(NULL, 0);
}

/* Every option combination survives a round trip and is flagged as applied. */
static void test_round_trip_options(void **state)
{
	TALLOC_CTX *mem_ctx = talloc_new(NULL);
	uint8_t payload[6000];
	unsigned options;

	fill_records(payload, sizeof(payload));
	for (options = 0; options <= (RPC_EXT_COMPRESS | RPC_EXT_XOR); options++) {
		struct rpc_ext_chain *chain = NULL;
		struct rpc_header_ext h;
		uint8_t *wire = NULL;
		size_t wire_len = 0;

		assert_int_equal(rpc_ext_encode(mem_ctx, payload, sizeof(payload), options, 0, &wire, &wire_len),
				 WIRE_OK);
		assert_int_equal(rpc_header_ext_pull(wire, wire_len, &h), WIRE_OK);
		assert_int_equal(!!(h.flags & RHE_FLAG_COMPRESSED), !!(options & RPC_EXT_COMPRESS));
		assert_int_equal(!!(h.flags & RHE_FLAG_XORMAGIC), !!(options & RPC_EXT_XOR));
		if (options & RPC_EXT_COMPRESS) {
			assert_true(h.size < h.size_actual);
		}
		if (options == RPC_EXT_XOR) {
			assert_int_equal(wire[8], payload[0] ^ 0xa5);
		}
		assert_int_equal(rpc_ext_decode(mem_ctx, wire, wire_len, &rpc_ext_limits_rop, &chain), WIRE_OK);
		assert_int_equal(chain->count, 1);
		assert_int_equal(chain->buffers[0].length, sizeof(payload));
		assert_memory_equal(chain->buffers[0].payload, payload, sizeof(payload));
	}
	talloc_free(mem_ctx);
}

/* The Compressed flag only when the result is smaller (2.2.2.1: Size < SizeActual). */
static void test_compress_only_when_smaller(void **state)
{
	TALLOC_CTX *mem_ctx = talloc_new(NULL);
	uint8_t random_payload[1000], tiny[3] = { 1, 2, 3 };
	struct rpc_header_ext h;
	uint8_t *wire = NULL;
	size_t wire_len = 0;

	rng_state = 3;
	fill_random(random_payload, sizeof(random_payload));
	assert_int_equal(rpc_ext_encode(mem_ctx, random_payload, sizeof(random_payload), RPC_EXT_COMPRESS, 0,
					&wire, &wire_len), WIRE_OK);
	assert_int_equal(rpc_header_ext_pull(wire, wire_len, &h), WIRE_OK);
	assert_int_equal(h.flags, RHE_FLAG_LAST);
	assert_int_equal(h.size, sizeof(random_payload));
	assert_int_equal(wire_len, 8 + sizeof(random_payload));

	assert_int_equal(rpc_ext_encode(mem_ctx, tiny, sizeof(tiny), RPC_EXT_COMPRESS, 0, &wire, &wire_len), WIRE_OK);
	assert_int_equal(rpc_header_ext_pull(wire, wire_len, &h), WIRE_OK);
	assert_int_equal(h.flags, RHE_FLAG_LAST);
	talloc_free(mem_ctx);
}

/* 3.1.4.2.1.2 packing: several extended buffers, only the last flagged Last. */
static void test_packed_chain(void **state)
{
	TALLOC_CTX *mem_ctx = talloc_new(NULL);
	size_t len = 100000, i, pos = 0, offset = 0;
	uint8_t *payload = talloc_array(mem_ctx, uint8_t, len);
	struct rpc_ext_chain *chain = NULL;
	uint8_t *wire = NULL;
	size_t wire_len = 0;

	fill_records(payload, len);
	assert_int_equal(rpc_ext_encode(mem_ctx, payload, len, RPC_EXT_COMPRESS | RPC_EXT_XOR, 0x8000,
					&wire, &wire_len), WIRE_OK);
	assert_int_equal(rpc_ext_decode(mem_ctx, wire, wire_len, &rpc_ext_limits_rop, &chain), WIRE_OK);
	assert_int_equal(chain->count, 4);
	assert_int_equal(chain->total_length, len);
	for (i = 0; i < chain->count; i++) {
		const struct rpc_ext_buffer *b = &chain->buffers[i];
		struct rpc_header_ext h;

		assert_int_equal(rpc_header_ext_pull(wire + offset, wire_len - offset, &h), WIRE_OK);
		assert_int_equal(h.flags, b->header.flags);
		offset += 8 + h.size;
		assert_int_equal(!!(b->header.flags & RHE_FLAG_LAST), i == chain->count - 1);
		assert_int_equal(b->length, i < 3 ? 0x8000 : len - 3 * 0x8000);
		assert_memory_equal(b->payload, payload + pos, b->length);
		pos += b->length;
	}
	assert_int_equal(offset, wire_len);

	/* A single-buffer limit (rgbAuxIn) refuses the same chain. */
	assert_decode_fails(wire, wire_len, &rpc_ext_limits_auxin, WIRE_ERR_NO_LAST);
	talloc_free(mem_ctx);
}

static void test_empty_payload(void **state)
{
	TALLOC_CTX *mem_ctx = talloc_new(NULL);
	struct rpc_ext_chain *chain = NULL;
	uint8_t *wire = NULL;
	size_t wire_len = 0;
	static const uint8_t expect[8] = { 0x00, 0x00, 0x04, 0x00, 0x00, 0x00, 0x00, 0x00 };

	assert_int_equal(rpc_ext_encode(mem_ctx, NULL, 0, RPC_EXT_COMPRESS | RPC_EXT_XOR, 0, &wire, &wire_len),
			 WIRE_OK);
	assert_int_equal(wire_len, 8);
	assert_memory_equal(wire, expect, 8);
	assert_int_equal(rpc_ext_decode(mem_ctx, wire, wire_len, NULL, &chain), WIRE_OK);
	assert_int_equal(chain->count, 1);
	assert_int_equal(chain->buffers[0].length, 0);
	assert_non_null(chain->buffers[0].payload);
	talloc_free(mem_ctx);
}

static void test_push_limits(void **state)
{
	uint8_t out[64], payload[RPC_EXT_MAX_PAYLOAD + 1] = { 0 };
	size_t used = 0;

	assert_int_equal(rpc_ext_push(out, sizeof(out), &used, payload, RPC_EXT_MAX_PAYLOAD + 1, 0, true),
			 WIRE_ERR_TOO_LARGE);
	assert_int_equal(rpc_ext_push(out, 7, &used, payload, 0, 0, true), WIRE_ERR_OUTPUT_FULL);
	assert_int_equal(rpc_ext_push(out, sizeof(out), &used, payload, 57, 0, true), WIRE_ERR_OUTPUT_FULL);
	/* Zeros compress, so the same payload fits once compressed. */
	assert_int_equal(rpc_ext_push(out, sizeof(out), &used, payload, 1000, RPC_EXT_COMPRESS, true), WIRE_OK);
	assert_true(used < sizeof(out));
	assert_int_equal(out[2], RHE_FLAG_COMPRESSED | RHE_FLAG_LAST);
	used = 0;
	assert_int_equal(rpc_ext_push(out, sizeof(out), &used, payload, 56, 0, true), WIRE_OK);
	assert_int_equal(used, 64);
	assert_int_equal(rpc_ext_push(out, sizeof(out), &used, payload, 1, 0x4, true), WIRE_ERR_INVALID_ARG);
}

/* 2.2.2.1 rules, one violation at a time. */
static void test_hostile_headers(void **state)
{
	uint8_t buf[64] = { 0 };
	size_t len;

	/* Truncated header at every length. */
	put_header(buf, 0, RHE_FLAG_LAST, 0, 0);
	for (len = 0; len < 8; len++) {
		assert_decode_fails(buf, len, NULL, WIRE_ERR_TRUNCATED);
	}
	put_header(buf, 1, RHE_FLAG_LAST, 0, 0);
	assert_decode_fails(buf, 8, NULL, WIRE_ERR_BAD_VERSION);
	put_header(buf, 0, RHE_FLAG_LAST | 0x0008, 0, 0);
	assert_decode_fails(buf, 8, NULL, WIRE_ERR_BAD_FLAGS);
	put_header(buf, 0, RHE_FLAG_LAST | 0x8000, 0, 0);
	assert_decode_fails(buf, 8, NULL, WIRE_ERR_BAD_FLAGS);
	/* Not compressed: Size and SizeActual MUST be equal. */
	put_header(buf, 0, RHE_FLAG_LAST, 4, 5);
	assert_decode_fails(buf, 12, NULL, WIRE_ERR_BAD_SIZE);
	/* Compressed: Size MUST be less than SizeActual. */
	put_header(buf, 0, RHE_FLAG_LAST | RHE_FLAG_COMPRESSED, 5, 5);
	assert_decode_fails(buf, 13, NULL, WIRE_ERR_BAD_SIZE);
	put_header(buf, 0, RHE_FLAG_LAST | RHE_FLAG_COMPRESSED, 6, 5);
	assert_decode_fails(buf, 14, NULL, WIRE_ERR_BAD_SIZE);
	/* 32 KB payload limit (3.1.4.2.1), and a smaller one for rgbAuxOut. */
	put_header(buf, 0, RHE_FLAG_LAST | RHE_FLAG_COMPRESSED, 8, 0x8001);
	assert_decode_fails(buf, 16, NULL, WIRE_ERR_TOO_LARGE);
	put_header(buf, 0, RHE_FLAG_LAST, 0x1001, 0x1001);
	assert_decode_fails(buf, 16, &rpc_ext_limits_auxout, WIRE_ERR_TOO_LARGE);
	/* Size beyond the bytes present. */
	put_header(buf, 0, RHE_FLAG_LAST, 9, 9);
	assert_decode_fails(buf, 16, NULL, WIRE_ERR_TRUNCATED);
	/* Data after the Last buffer. */
	put_header(buf, 0, RHE_FLAG_LAST, 4, 4);
	assert_decode_fails(buf, 13, NULL, WIRE_ERR_TRAILING);
	/* A chain that never says Last, ending cleanly or in a partial header. */
	put_header(buf, 0, 0, 4, 4);
	put_header(buf + 12, 0, 0, 4, 4);
	assert_decode_fails(buf, 24, NULL, WIRE_ERR_NO_LAST);
	assert_decode_fails(buf, 27, NULL, WIRE_ERR_TRUNCATED);
	/* The single buffer of rgbAuxIn/rgbAuxOut MUST carry Last. */
	assert_decode_fails(buf, 12, &rpc_ext_limits_auxin, WIRE_ERR_NO_LAST);
}

/* Compressed payloads that disagree with their header. */
static void test_hostile_compressed(void **state)
{
	uint8_t buf[64];
	uint8_t stream[16];
	size_t clen = 0;

	/* "aaaaaaaaaa" compresses to 4 + 1 + 2 bytes; claim 11 bytes instead of 10. */
	assert_int_equal(lz77_compress((const uint8_t *)"aaaaaaaaaa", 10, stream, sizeof(stream), &clen), WIRE_OK);
	assert_int_equal(clen, 7);
	put_header(buf, 0, RHE_FLAG_LAST | RHE_FLAG_COMPRESSED, (uint16_t)clen, 11);
	memcpy(buf + 8, stream, clen);
	assert_decode_fails(buf, 8 + clen, NULL, WIRE_ERR_BAD_SIZE);
	/* ... and 9: the data expands beyond SizeActual. */
	put_header(buf, 0, RHE_FLAG_LAST | RHE_FLAG_COMPRESSED, (uint16_t)clen, 9);
	assert_decode_fails(buf, 8 + clen, NULL, WIRE_ERR_BAD_SIZE);
	/* Correct sizes but obfuscated without saying so: the stream is garbage. */
	put_header(buf, 0, RHE_FLAG_LAST | RHE_FLAG_COMPRESSED | RHE_FLAG_XORMAGIC, (uint16_t)clen, 10);
	assert_decode_fails(buf, 8 + clen, NULL, WIRE_ERR_CORRUPT);
	/* A match before the start of the output. */
	put_header(buf, 0, RHE_FLAG_LAST | RHE_FLAG_COMPRESSED, 7, 20);
	memcpy(buf + 8, (const uint8_t[]){ 0xff, 0xff, 0xff, 0x7f, 'a', 0x10, 0x00 }, 7);
	assert_decode_fails(buf, 15, NULL, WIRE_ERR_CORRUPT);
}

/* A decompression bomb: many tiny compressed buffers claiming 32 KB each. */
static void test_total_limit(void **state)
{
	TALLOC_CTX *mem_ctx = talloc_new(NULL);
	size_t count = RPC_EXT_MAX_ROP_BUFFER / RPC_EXT_MAX_PAYLOAD + 1, i, clen = 0;
	uint8_t zeros[RPC_EXT_MAX_PAYLOAD] = { 0 };
	uint8_t stream[64];
	uint8_t *wire = talloc_array(mem_ctx, uint8_t, count * (8 + sizeof(stream)));
	size_t len = 0;

	assert_int_equal(lz77_compress(zeros, sizeof(zeros), stream, sizeof(stream), &clen), WIRE_OK);
	for (i = 0; i < count; i++) {
		put_header(wire + len, 0, RHE_FLAG_COMPRESSED | (i == count - 1 ? RHE_FLAG_LAST : 0),
			   (uint16_t)clen, RPC_EXT_MAX_PAYLOAD);
		memcpy(wire + len + 8, stream, clen);
		len += 8 + clen;
	}
	assert_decode_fails(wire, len, &rpc_ext_limits_rop, WIRE_ERR_TOO_LARGE);
	talloc_free(mem_ctx);
}

/* Every prefix of a valid chain fails (only the whole succeeds), never crashes. */
static void test_truncation_every_offset(void **state)
{
	TALLOC_CTX *mem_ctx = talloc_new(NULL);
	uint8_t payload[3000];
	uint8_t *wire = NULL;
	size_t wire_len = 0, cut;

	fill_records(payload, sizeof(payload));
	assert_int_equal(rpc_ext_encode(mem_ctx, payload, sizeof(payload), RPC_EXT_COMPRESS | RPC_EXT_XOR, 1000,
					&wire, &wire_len), WIRE_OK);
	for (cut = 0; cut < wire_len; cut++) {
		uint8_t *prefix = malloc(cut ? cut : 1);	/* exact: an overread shows */
		struct rpc_ext_chain *chain = NULL;
		enum wire_error err;

		memcpy(prefix, wire, cut);
		err = rpc_ext_decode(mem_ctx, prefix, cut, &rpc_ext_limits_rop, &chain);
		assert_int_not_equal(err, WIRE_OK);
		assert_true(err == WIRE_ERR_TRUNCATED || err == WIRE_ERR_NO_LAST || err == WIRE_ERR_BAD_SIZE ||
			    err == WIRE_ERR_CORRUPT);
		free(prefix);
	}
	talloc_free(mem_ctx);
}

/* Random bytes and single-byte mutations of a valid chain: errors, never crashes. */
static void test_mutations(void **state)
{
	TALLOC_CTX *mem_ctx = talloc_new(NULL);
	uint8_t payload[2000];
	uint8_t *wire = NULL;
	size_t wire_len = 0, round;

	fill_records(payload, sizeof(payload));
	assert_int_equal(rpc_ext_encode(mem_ctx, payload, sizeof(payload), RPC_EXT_COMPRESS, 700, &wire, &wire_len),
			 WIRE_OK);
	rng_state = 77;
	for (round = 0; round < 5000; round++) {
		uint8_t *copy = malloc(wire_len);
		struct rpc_ext_chain *chain = NULL;

		memcpy(copy, wire, wire_len);
		copy[rng_next() % wire_len] ^= (uint8_t)(1 + rng_next() % 255);
		if (rpc_ext_decode(mem_ctx, copy, wire_len, &rpc_ext_limits_rop, &chain) == WIRE_OK) {
			assert_true(chain->total_length <= RPC_EXT_MAX_ROP_BUFFER);
			talloc_free(chain);
		}
		free(copy);
	}
	talloc_free(mem_ctx);
}

static void test_strerror(void **state)
{
	enum wire_error e, f;

	for (e = WIRE_OK; e <= WIRE_ERR_INVALID_ARG; e++) {
		assert_non_null(wire_strerror(e));
		for (f = WIRE_OK; f < e; f++) {
			assert_string_not_equal(wire_strerror(e), wire_strerror(f));
		}
	}
	assert_string_equal(wire_strerror((enum wire_error)1000), "unknown wire error");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_spec_example_rgbin),
		cmocka_unit_test(test_spec_example_rgbout),
		cmocka_unit_test(test_xor),
		cmocka_unit_test(test_round_trip_options),
		cmocka_unit_test(test_compress_only_when_smaller),
		cmocka_unit_test(test_packed_chain),
		cmocka_unit_test(test_empty_payload),
		cmocka_unit_test(test_push_limits),
		cmocka_unit_test(test_hostile_headers),
		cmocka_unit_test(test_hostile_compressed),
		cmocka_unit_test(test_total_limit),
		cmocka_unit_test(test_truncation_every_offset),
		cmocka_unit_test(test_mutations),
		cmocka_unit_test(test_strerror),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
