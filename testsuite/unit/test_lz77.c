/*
 * Unit tests of libmapi/lz77.c: the DIRECT2 byte examples of the specs,
 * round trips over many sizes and kinds of data, exact output capacities,
 * and hostile streams.
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

#include "libmapi/lz77.h"

/* Deterministic data, so that a failure reproduces. */
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

/* Mail-like text: words from a small vocabulary, punctuation, line breaks. */
static void fill_text(uint8_t *buf, size_t len)
{
	static const char *const words[] = {
		"the", "message", "folder", "Exchange", "server", "client", "subject", "From:",
		"To:", "meeting", "tomorrow", "please", "attached", "report", "regards", "and",
		"of", "a", "to", "in", "is", "for", "with", "calendar", "contact", "Outlook",
	};
	size_t pos = 0;

	while (pos < len) {
		const char *w = words[rng_next() % (sizeof(words) / sizeof(words[0]))];
		size_t n = strlen(w);
		char sep = (rng_next() % 12) == 0 ? '\n' : ((rng_next() % 9) == 0 ? ',' : ' ');

		if (n > len - pos) {
			n = len - pos;
		}
		memcpy(buf + pos, w, n);
		pos += n;
		if (pos < len) {
			buf[pos++] = (uint8_t)sep;
		}
	}
}

/* Compress, check the bound, decompress, compare; returns the compressed size. */
static size_t round_trip(const uint8_t *data, size_t len)
{
	size_t bound = lz77_compress_bound(len);
	uint8_t *compressed = malloc(bound);
	uint8_t *back = malloc(len ? len : 1);	/* exact: an overflow shows */
	size_t clen = 0, dlen = 0;

	assert_non_null(compressed);
	assert_non_null(back);
	assert_int_equal(lz77_compress(data, len, compressed, bound, &clen), WIRE_OK);
	assert_true(clen <= bound);
	assert_true(clen >= 4);
	assert_int_equal(lz77_decompress(compressed, clen, back, len, &dlen), WIRE_OK);
	assert_int_equal(dlen, len);
	if (len > 0) {
		assert_memory_equal(back, data, len);
	}
	free(compressed);
	free(back);
	return clen;
}

/*
 * MS-XCA 3.1 (Plain LZ77, the DIRECT2 format MS-OXCRPC 3.1.4.1.1.2.2 uses):
 * 26 literals; the bitmask is 26 zero bits then ones, little-endian.
 */
static const uint8_t alphabet_compressed[] = {
	0x3f, 0x00, 0x00, 0x00, 0x61, 0x62, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68, 0x69, 0x6a,
	0x6b, 0x6c, 0x6d, 0x6e, 0x6f, 0x70, 0x71, 0x72, 0x73, 0x74, 0x75, 0x76, 0x77, 0x78,
	0x79, 0x7a,
};

static void test_spec_example_alphabet(void **state)
{
	const char *text = "abcdefghijklmnopqrstuvwxyz";
	uint8_t out[64];
	size_t len = 0;

	/* Field by field: bitmask 0x0000003f, then the 26 bytes unchanged. */
	assert_int_equal(alphabet_compressed[0] | alphabet_compressed[1] << 8 |
			 alphabet_compressed[2] << 16 | (uint32_t)alphabet_compressed[3] << 24, 0x3f);
	assert_int_equal(lz77_decompress(alphabet_compressed, sizeof(alphabet_compressed), out,
					 sizeof(out), &len), WIRE_OK);
	assert_int_equal(len, 26);
	assert_memory_equal(out, text, 26);

	/* The encoding is deterministic: the same bytes come back. */
	assert_int_equal(lz77_compress((const uint8_t *)text, 26, out, sizeof(out), &len), WIRE_OK);
	assert_int_equal(len, sizeof(alphabet_compressed));
	assert_memory_equal(out, alphabet_compressed, len);
}

/*
 * MS-XCA 3.1: "abc" x 100 is abc[match: distance 3, length 297]:
 * bitmask 0x1fffffff, 'a' 'b' 'c', metadata 0x0017 (offset 3 - 1 = 2 << 3,
 * length bits 7), nibble 0x0f, byte 0xff, 16-bit 0x0126 = 297 - 3.
 */
static const uint8_t abc300_compressed[] = {
	0xff, 0xff, 0xff, 0x1f, 0x61, 0x62, 0x63, 0x17, 0x00, 0x0f, 0xff, 0x26, 0x01,
};

static void test_spec_example_abc300(void **state)
{
	uint8_t text[300], out[400];
	size_t i, len = 0;

	for (i = 0; i < sizeof(text); i++) {
		text[i] = (uint8_t)"abc"[i % 3];
	}
	assert_int_equal(lz77_decompress(abc300_compressed, sizeof(abc300_compressed), out,
					 sizeof(out), &len), WIRE_OK);
	assert_int_equal(len, 300);
	assert_memory_equal(out, text, 300);

	assert_int_equal(lz77_compress(text, sizeof(text), out, sizeof(out), &len), WIRE_OK);
	assert_int_equal(len, sizeof(abc300_compressed));
	assert_memory_equal(out, abc300_compressed, len);

	/* One byte of output too few: the decoder refuses rather than overflow. */
	assert_int_equal(lz77_decompress(abc300_compressed, sizeof(abc300_compressed), out, 299, &len),
			 WIRE_ERR_OUTPUT_FULL);
}

/*
 * MS-OXCRPC 3.1.4.1.1.2.2.1: "ABCABCDEF" as (0,0)A(0,0)B(0,0)C(3,3)D(0,0)E(0,0)F
 * with bitmask bits 0001 0001 - here in a real 32-bit bitmask, the rest ones.
 */
static void test_spec_example_bitmask(void **state)
{
	static const uint8_t stream[] = {
		0xff, 0xff, 0xff, 0x11, 'A', 'B', 'C', 0x10, 0x00, 'D', 'E', 'F',
	};
	uint8_t out[16];
	size_t len = 0;

	assert_int_equal(lz77_decompress(stream, sizeof(stream), out, sizeof(out), &len), WIRE_OK);
	assert_int_equal(len, 9);
	assert_memory_equal(out, "ABCABCDEF", 9);
}

/* 3.1.4.1.1.2.2.3: a second long match takes its nibble from the first one's byte. */
static void test_shared_length_nibble(void **state)
{
	/* 'a', (offset 1, length 12: nibble 2), (offset 1, length 14: nibble 4 in the high half). */
	static const uint8_t stream[] = {
		0xff, 0xff, 0xff, 0x7f, 'a', 0x07, 0x00, 0x42, 0x07, 0x00,
	};
	/* 'a', (offset 1, length 100: nibble 15, then byte 100 - 25 = 75). */
	static const uint8_t byte_length[] = {
		0xff, 0xff, 0xff, 0x7f, 'a', 0x07, 0x00, 0x0f, 0x4b,
	};
	uint8_t out[128], expect[128];
	size_t len = 0;

	memset(expect, 'a', sizeof(expect));
	assert_int_equal(lz77_decompress(stream, sizeof(stream), out, sizeof(out), &len), WIRE_OK);
	assert_int_equal(len, 27);
	assert_memory_equal(out, expect, 27);

	assert_int_equal(lz77_decompress(byte_length, sizeof(byte_length), out, sizeof(out), &len), WIRE_OK);
	assert_int_equal(len, 101);
	assert_memory_equal(out, expect, 101);
}

/* The encoder writes the nibble byte once for two long matches. */
static void test_compressor_shares_nibble(void **state)
{
	/* Two distinct 12-byte repeats of 20 random bytes each: two matches of length 12. */
	uint8_t data[64], out[128];
	size_t len = 0;

	rng_state = 7;
	fill_random(data, 20);
	memcpy(data + 20, data, 12);
	fill_random(data + 32, 20);
	memcpy(data + 52, data + 32, 12);
	assert_int_equal(lz77_compress(data, 64, out, sizeof(out), &len), WIRE_OK);
	/*
	 * Bitmask, 20 literals, metadata + nibble byte, 20 literals with a second
	 * bitmask after the 32nd element, metadata whose nibble is shared.
	 */
	assert_int_equal(len, 4 + 20 + 3 + 20 + 4 + 2);
	assert_int_equal(out[4 + 20 + 2], (12 - 10) | (12 - 10) << 4);
	round_trip(data, sizeof(data));
}

static void test_round_trip_sizes(void **state)
{
	static const size_t sizes[] = {
		0, 1, 2, 3, 4, 5, 7, 8, 31, 32, 33, 63, 64, 65, 100, 1000, 4096,
		8191, 8192, 8193, 32767, 32768, 32769, 65536, 200000,
	};
	size_t i, max = 200000;
	uint8_t *buf = malloc(max);

	assert_non_null(buf);
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		rng_state = 1 + i;
		fill_random(buf, sizes[i]);
		round_trip(buf, sizes[i]);
		fill_text(buf, sizes[i]);
		round_trip(buf, sizes[i]);
		memset(buf, 0, sizes[i]);
		round_trip(buf, sizes[i]);
	}
	free(buf);
}

/* Matches longer than the 16-bit length can carry are split. */
static void test_round_trip_long_runs(void **state)
{
	size_t len = 3 * LZ77_MAX_MATCH + 17;
	uint8_t *buf = malloc(len);
	size_t clen;

	assert_non_null(buf);
	memset(buf, 'x', len);
	clen = round_trip(buf, len);
	assert_true(clen < 64);
	free(buf);
}

/* Short periods overlap their own output while copying. */
static void test_round_trip_periods(void **state)
{
	uint8_t buf[5000];
	size_t period, i;

	for (period = 1; period <= 40; period++) {
		for (i = 0; i < sizeof(buf); i++) {
			buf[i] = (uint8_t)('A' + (i % period) * 7 % 26);
		}
		assert_true(round_trip(buf, sizeof(buf)) < 200);
	}
}

static void test_compression_ratio(void **state)
{
	size_t len = 32768;
	uint8_t *buf = malloc(len), *once = malloc(lz77_compress_bound(len));
	size_t text_size, random_size, once_len = 0;

	assert_non_null(buf);
	assert_non_null(once);
	rng_state = 42;
	fill_text(buf, len);
	text_size = round_trip(buf, len);
	assert_true(text_size < len / 2);

	/* Already compressed data does not shrink again, but survives. */
	assert_int_equal(lz77_compress(buf, len, once, lz77_compress_bound(len), &once_len), WIRE_OK);
	assert_true(round_trip(once, once_len) > once_len);

	fill_random(buf, len);
	random_size = round_trip(buf, len);
	assert_true(random_size <= lz77_compress_bound(len));
	assert_true(random_size > len);
	free(buf);
	free(once);
}

/* The compressor fits any capacity at least its output size, and no smaller. */
static void test_exact_capacity(void **state)
{
	size_t len = 5000, i;
	uint8_t *data = malloc(len), *out = malloc(lz77_compress_bound(len));
	size_t need = 0, got = 0;

	assert_non_null(data);
	assert_non_null(out);
	for (i = 0; i < 3; i++) {
		rng_state = 99 + i;
		if (i == 0) {
			fill_text(data, len);
		} else if (i == 1) {
			fill_random(data, len);
		} else {
			memset(data, 0, len);
		}
		assert_int_equal(lz77_compress(data, len, out, lz77_compress_bound(len), &need), WIRE_OK);
		assert_int_equal(lz77_compress(data, len, out, need, &got), WIRE_OK);
		assert_int_equal(got, need);
		assert_int_equal(lz77_compress(data, len, out, need - 1, &got), WIRE_ERR_OUTPUT_FULL);
	}
	assert_int_equal(lz77_compress(data, 0, out, 3, &got), WIRE_ERR_OUTPUT_FULL);
	assert_int_equal(lz77_compress(data, 0, out, 4, &got), WIRE_OK);
	assert_int_equal(got, 4);
	free(data);
	free(out);
}

/*
 * Every prefix of a valid stream either fails or, when it happens to end at
 * a 1 bit (the end marker), yields a shorter output - never more, never a crash.
 */
static void test_truncation_every_offset(void **state)
{
	size_t len = 3000, clen = 0, dlen, cut;
	uint8_t *data = malloc(len), *compressed = malloc(lz77_compress_bound(len));
	uint8_t *out = malloc(len);

	assert_non_null(data);
	assert_non_null(compressed);
	assert_non_null(out);
	rng_state = 5;
	fill_text(data, len);
	assert_int_equal(lz77_compress(data, len, compressed, lz77_compress_bound(len), &clen), WIRE_OK);
	for (cut = 0; cut < clen; cut++) {
		/* A heap copy of exactly cut bytes, so that valgrind sees any overread. */
		uint8_t *prefix = malloc(cut ? cut : 1);	/* exact: an overread shows */
		enum wire_error err;

		memcpy(prefix, compressed, cut);
		dlen = 0;
		err = lz77_decompress(cut ? prefix : NULL, cut, out, len, &dlen);
		if (err == WIRE_OK) {
			assert_true(dlen < len);
			assert_memory_equal(out, data, dlen);
		} else {
			assert_true(err == WIRE_ERR_TRUNCATED || err == WIRE_ERR_CORRUPT);
		}
		free(prefix);
	}
	free(data);
	free(compressed);
	free(out);
}

static void test_hostile_streams(void **state)
{
	/* 'a' then a match 3 bytes back: before the start of the output. */
	static const uint8_t before_start[] = { 0xff, 0xff, 0xff, 0x7f, 'a', 0x10, 0x00 };
	/* A 16-bit length of 5: below what that form can mean. */
	static const uint8_t short_word[] = { 0xff, 0xff, 0xff, 0x7f, 'a', 0x07, 0x00, 0x0f, 0xff, 0x05, 0x00 };
	/* Literal bits promising 32 bytes that are not there. */
	static const uint8_t missing_literals[] = { 0x00, 0x00, 0x00, 0x00, 'a', 'b', 'c' };
	/* Metadata cut after one byte; a long length without its nibble byte. */
	static const uint8_t half_metadata[] = { 0xff, 0xff, 0xff, 0x7f, 'a', 0x00 };
	static const uint8_t no_nibble[] = { 0xff, 0xff, 0xff, 0x7f, 'a', 0x07, 0x00 };
	/* 32 literals and no further bitmask for the end marker. */
	uint8_t no_end[36];
	uint8_t out[256];
	size_t len = 0;

	assert_int_equal(lz77_decompress(before_start, sizeof(before_start), out, sizeof(out), &len),
			 WIRE_ERR_CORRUPT);
	assert_int_equal(lz77_decompress(short_word, sizeof(short_word), out, sizeof(out), &len),
			 WIRE_ERR_CORRUPT);
	assert_int_equal(lz77_decompress(missing_literals, sizeof(missing_literals), out, sizeof(out), &len),
			 WIRE_ERR_TRUNCATED);
	assert_int_equal(lz77_decompress(half_metadata, sizeof(half_metadata), out, sizeof(out), &len),
			 WIRE_ERR_TRUNCATED);
	assert_int_equal(lz77_decompress(no_nibble, sizeof(no_nibble), out, sizeof(out), &len),
			 WIRE_ERR_TRUNCATED);
	memset(no_end, 'z', sizeof(no_end));
	memset(no_end, 0, 4);
	assert_int_equal(lz77_decompress(no_end, sizeof(no_end), out, sizeof(out), &len), WIRE_ERR_TRUNCATED);
	assert_int_equal(lz77_decompress(no_end, 3, out, sizeof(out), &len), WIRE_ERR_TRUNCATED);
	assert_int_equal(lz77_decompress(NULL, 0, out, sizeof(out), &len), WIRE_ERR_TRUNCATED);
	/* A valid stream into no room at all. */
	assert_int_equal(lz77_decompress(alphabet_compressed, sizeof(alphabet_compressed), NULL, 0, &len),
			 WIRE_ERR_OUTPUT_FULL);
	assert_int_equal(lz77_decompress(no_end, sizeof(no_end), out, sizeof(out), NULL), WIRE_ERR_INVALID_ARG);
}

/* Random garbage: whatever it decodes to, nothing is read or written out of bounds. */
static void test_random_garbage(void **state)
{
	uint8_t in[512];
	uint8_t *out = malloc(4096);
	unsigned round;

	assert_non_null(out);
	rng_state = 1234;
	for (round = 0; round < 20000; round++) {
		size_t len = rng_next() % sizeof(in), dlen = 0;
		uint8_t *heap_in = malloc(len ? len : 1);
		enum wire_error err;

		fill_random(in, len);
		/* Bias towards structure: mostly-literal or mostly-match bitmasks. */
		if (len >= 4 && (round & 1)) {
			in[0] = in[1] = in[2] = in[3] = (round & 2) ? 0x00 : 0xff;
		}
		memcpy(heap_in, in, len);
		err = lz77_decompress(len ? heap_in : NULL, len, out, 1 + rng_next() % 4096, &dlen);
		assert_true(err == WIRE_OK || err == WIRE_ERR_TRUNCATED || err == WIRE_ERR_CORRUPT ||
			    err == WIRE_ERR_OUTPUT_FULL);
		free(heap_in);
	}
	free(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_spec_example_alphabet),
		cmocka_unit_test(test_spec_example_abc300),
		cmocka_unit_test(test_spec_example_bitmask),
		cmocka_unit_test(test_shared_length_nibble),
		cmocka_unit_test(test_compressor_shares_nibble),
		cmocka_unit_test(test_round_trip_sizes),
		cmocka_unit_test(test_round_trip_long_runs),
		cmocka_unit_test(test_round_trip_periods),
		cmocka_unit_test(test_compression_ratio),
		cmocka_unit_test(test_exact_capacity),
		cmocka_unit_test(test_truncation_every_offset),
		cmocka_unit_test(test_hostile_streams),
		cmocka_unit_test(test_random_garbage),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
