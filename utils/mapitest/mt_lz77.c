/*
 * mapitest LZ77: the compression of MS-OXCRPC extended buffers (DIRECT2,
 * the "Plain LZ77" of MS-XCA), offline: the examples of MS-XCA 3.1 byte
 * for byte, round trips, and streams a decoder must refuse.
 *
 * Copyright (C) OpenChange developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <talloc.h>

#include "utils/mapitest/mapitest.h"
#include "libmapi/lz77.h"
#include "libmapi/rpc_ext.h"

/* MS-XCA 3.1: 26 literals; the flag DWORD is 26 zero bits, then ones */
static enum mt_result t_spec_example_literals(struct mt_test *t)
{
	static const uint8_t compressed[] = {
		0x3f, 0x00, 0x00, 0x00, 'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k', 'l',
		'm', 'n', 'o', 'p', 'q', 'r', 's', 't', 'u', 'v', 'w', 'x', 'y', 'z',
	};
	const char *text = "abcdefghijklmnopqrstuvwxyz";
	uint8_t out[64];
	size_t len = 0;
	enum wire_error err;

	err = lz77_decompress(compressed, sizeof(compressed), out, sizeof(out), &len);
	MT_EXPECT(t, err == WIRE_OK, "decompress: %s", wire_strerror(err));
	MT_EXPECT(t, len == 26 && memcmp(out, text, 26) == 0, "decompressed to %s",
		  mt_hex(t, out, len));
	err = lz77_compress((const uint8_t *)text, 26, out, sizeof(out), &len);
	MT_EXPECT(t, err == WIRE_OK, "compress: %s", wire_strerror(err));
	MT_EXPECT(t, len == sizeof(compressed) && memcmp(out, compressed, len) == 0,
		  "compressed to %s, expected %s", mt_hex(t, out, len),
		  mt_hex(t, compressed, sizeof(compressed)));
	return MT_PASS;
}

/*
 * MS-XCA 3.1: "abc" 100 times is three literals and one match of distance
 * 3 and length 297, whose length needs the nibble, byte and 16-bit forms.
 */
static enum mt_result t_spec_example_long_match(struct mt_test *t)
{
	static const uint8_t compressed[] = {
		0xff, 0xff, 0xff, 0x1f, 0x61, 0x62, 0x63, 0x17, 0x00, 0x0f, 0xff, 0x26, 0x01,
	};
	uint8_t text[300], out[400];
	size_t i, len = 0;
	enum wire_error err;

	for (i = 0; i < sizeof(text); i++) {
		text[i] = (uint8_t)"abc"[i % 3];
	}
	err = lz77_decompress(compressed, sizeof(compressed), out, sizeof(out), &len);
	MT_EXPECT(t, err == WIRE_OK, "decompress: %s", wire_strerror(err));
	MT_EXPECT(t, len == sizeof(text) && memcmp(out, text, len) == 0,
		  "decompressed %zu bytes, expected 300 of \"abc\"", len);
	err = lz77_compress(text, sizeof(text), out, sizeof(out), &len);
	MT_EXPECT(t, err == WIRE_OK, "compress: %s", wire_strerror(err));
	MT_EXPECT(t, len == sizeof(compressed) && memcmp(out, compressed, len) == 0,
		  "compressed to %s, expected %s", mt_hex(t, out, len),
		  mt_hex(t, compressed, sizeof(compressed)));
	return MT_PASS;
}

/* Any input comes back unchanged (MS-OXCRPC 3.1.4.1.1.2: lossless) */
static enum mt_result t_round_trips(struct mt_test *t)
{
	static const size_t sizes[] = { 1, 2, 3, 31, 32, 33, 1000, 8192, 8193, 32768 };
	uint32_t seed = 0x12345678;
	size_t s, i;

	for (s = 0; s < MT_COUNT(sizes); s++) {
		size_t n = sizes[s], bound = lz77_compress_bound(n), clen = 0, dlen = 0;
		uint8_t *in = talloc_array(t->mem, uint8_t, n);
		uint8_t *c = talloc_array(t->mem, uint8_t, bound);
		uint8_t *d = talloc_array(t->mem, uint8_t, n);
		enum wire_error err;

		MT_EXPECT(t, in != NULL && c != NULL && d != NULL, "out of memory");
		/* half noise, half repeats: literals, short and long matches */
		for (i = 0; i < n; i++) {
			seed = seed * 1103515245u + 12345u;
			in[i] = (i / 64) % 2 ? (uint8_t)(seed >> 24) : (uint8_t)"MAPI"[i % 4];
		}
		err = lz77_compress(in, n, c, bound, &clen);
		MT_EXPECT(t, err == WIRE_OK, "compress %zu bytes: %s", n, wire_strerror(err));
		err = lz77_decompress(c, clen, d, n, &dlen);
		MT_EXPECT(t, err == WIRE_OK, "decompress %zu bytes: %s", n, wire_strerror(err));
		MT_EXPECT(t, dlen == n && memcmp(in, d, n) == 0, "%zu bytes came back different", n);
	}
	return MT_PASS;
}

/* MS-OXCRPC 2.2.2.1: Compressed is set only when the payload got smaller */
static enum mt_result t_compressed_only_when_smaller(struct mt_test *t)
{
	uint8_t repetitive[512], random_bytes[64];
	uint8_t *out = NULL;
	uint16_t flags, size, actual;
	uint32_t seed = 7;
	size_t len = 0, i;
	enum wire_error err;

	memset(repetitive, 0x42, sizeof(repetitive));
	err = rpc_ext_encode(t->mem, repetitive, sizeof(repetitive), RPC_EXT_COMPRESS, 0, &out, &len);
	MT_EXPECT(t, err == WIRE_OK, "encode: %s", wire_strerror(err));
	flags = (uint16_t)(out[2] | out[3] << 8);
	size = (uint16_t)(out[4] | out[5] << 8);
	actual = (uint16_t)(out[6] | out[7] << 8);
	MT_EXPECT(t, flags & RHE_FLAG_COMPRESSED, "512 equal bytes were not compressed");
	MT_EXPECT(t, size < actual && actual == sizeof(repetitive), "Size %u, SizeActual %u", size,
		  actual);
	for (i = 0; i < sizeof(random_bytes); i++) {
		seed = seed * 1103515245u + 12345u;
		random_bytes[i] = (uint8_t)(seed >> 24);
	}
	err = rpc_ext_encode(t->mem, random_bytes, sizeof(random_bytes), RPC_EXT_COMPRESS, 0, &out,
			     &len);
	MT_EXPECT(t, err == WIRE_OK, "encode: %s", wire_strerror(err));
	flags = (uint16_t)(out[2] | out[3] << 8);
	size = (uint16_t)(out[4] | out[5] << 8);
	MT_EXPECT(t, !(flags & RHE_FLAG_COMPRESSED) && size == sizeof(random_bytes),
		  "incompressible bytes: Flags 0x%04x, Size %u", flags, size);
	return MT_PASS;
}

/* MS-XCA 2.4: a match may not reach before the start of the output */
static enum mt_result t_refuses_bad_streams(struct mt_test *t)
{
	/* flag DWORD: first element a match; metadata offset 8, length 3 */
	static const uint8_t before_start[] = { 0x00, 0x00, 0x00, 0x80, 0x38, 0x00 };
	/* a flag DWORD and then nothing: the stream ends inside an element */
	static const uint8_t truncated[] = { 0x00, 0x00, 0x00, 0x80, 0x38 };
	uint8_t out[64];
	size_t len = 0;

	MT_EXPECT(t, lz77_decompress(before_start, sizeof(before_start), out, sizeof(out), &len) !=
		  WIRE_OK, "a match before the start of the output was accepted");
	MT_EXPECT(t, lz77_decompress(truncated, sizeof(truncated), out, sizeof(out), &len) != WIRE_OK,
		  "a truncated match was accepted");
	/* the abc example into too small a buffer: never past out_cap */
	MT_EXPECT(t, lz77_decompress((const uint8_t *)"\xff\xff\xff\x1f\x61\x62\x63\x17\x00\x0f\xff\x26\x01",
				     13, out, sizeof(out), &len) != WIRE_OK,
		  "300 bytes were written into 64");
	return MT_PASS;
}

static const struct mt_test_def tests[] = {
	{ "spec_example_literals", "MS-XCA 3.1, MS-OXCRPC 3.1.4.1.1.2",
	  "\"a\"..\"z\" compresses to the flag DWORD 0x3f and the 26 literals",
	  t_spec_example_literals },
	{ "spec_example_long_match", "MS-XCA 3.1",
	  "\"abc\" x 100 is three literals and one match of distance 3, length 297",
	  t_spec_example_long_match },
	{ "round_trips", "MS-OXCRPC 3.1.4.1.1.2",
	  "decompressing the compression gives the input back, across flag-DWORD boundaries",
	  t_round_trips },
	{ "compressed_only_when_smaller", "MS-OXCRPC 2.2.2.1",
	  "the Compressed flag is set only when the payload got smaller",
	  t_compressed_only_when_smaller },
	{ "refuses_bad_streams", "MS-XCA 2.4",
	  "matches before the output's start, truncated elements and overflows are refused",
	  t_refuses_bad_streams },
};

const struct mt_family mt_family_lz77 = {
	"LZ77", "MS-OXCRPC LZ77 (DIRECT2) compression, offline", false, tests, MT_COUNT(tests),
};
