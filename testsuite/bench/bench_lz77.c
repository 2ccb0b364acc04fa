/*
 * Benchmark of libmapi/lz77.c: compression and decompression throughput on
 * text-like and random data, next to a memcpy baseline measured in the same
 * run, plus the compression ratio. It prints figures and asserts nothing
 * (DESIGN.md: targets are measured, never timed in tests).
 *
 * Sizes: 32 KB, the largest payload of one extended buffer (MS-OXCRPC
 * 3.1.4.2.1), compressed one buffer at a time as the wire does; and 1 MB in
 * one piece to show the steady state.
 *
 * Copyright (C) OpenChange developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "libmapi/lz77.h"

#define MIN_SECONDS 0.4

static uint64_t rng_state = 88172645463325252ull;

static uint32_t rng_next(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (uint32_t)(rng_state >> 16);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/*
 * Mail-like text: header lines, then sentences drawn from a few hundred
 * words with a skewed frequency, as in a mailbox's message bodies and the
 * property values a ROP response carries.
 */
static void fill_text(uint8_t *buf, size_t len)
{
	static const char *const common[] = {
		"the", "of", "and", "to", "a", "in", "is", "that", "for", "it", "as", "with", "was",
		"on", "be", "at", "by", "this", "have", "from", "or", "an", "are", "not", "we",
	};
	static const char *const rarer[] = {
		"meeting", "project", "schedule", "report", "quarter", "customer", "server",
		"mailbox", "calendar", "attachment", "contract", "invoice", "deadline", "review",
		"budget", "proposal", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday",
		"please", "regards", "thanks", "update", "question", "answer", "tomorrow",
		"Exchange", "Outlook", "folder", "message", "forward", "reply", "urgent",
		"conference", "room", "agenda", "minutes", "team", "office", "holiday",
	};
	size_t pos = 0, line = 0;
	char tmp[128];

	while (pos < len) {
		size_t n;

		if (line % 40 == 0) {
			n = (size_t)snprintf(tmp, sizeof(tmp),
					     "\r\nFrom: user%u@example.com\r\nSubject: %s %s %u\r\n\r\n",
					     rng_next() % 50, rarer[rng_next() % 42], rarer[rng_next() % 42],
					     rng_next() % 1000);
		} else {
			const char *w = (rng_next() % 3) ? common[rng_next() % 25] : rarer[rng_next() % 42];
			const char *sep = (rng_next() % 14) == 0 ? ".\r\n" : ((rng_next() % 8) == 0 ? ", " : " ");

			n = (size_t)snprintf(tmp, sizeof(tmp), "%s%s", w, sep);
		}
		line++;
		if (n > len - pos) {
			n = len - pos;
		}
		memcpy(buf + pos, tmp, n);
		pos += n;
	}
}

struct result {
	double compress_mbs;
	double decompress_mbs;
	double memcpy_mbs;
	size_t compressed;
};

/* Throughput of one operation over len bytes, repeated for at least MIN_SECONDS. */
static double measure(int op, const uint8_t *in, size_t len, size_t chunk,
		      uint8_t *scratch, size_t scratch_cap, const uint8_t *compressed,
		      const size_t *chunk_sizes, uint8_t *out)
{
	double start = now(), elapsed;
	unsigned long rounds = 0;

	do {
		size_t pos, c = 0, off = 0;

		for (pos = 0; pos < len; pos += chunk, c++) {
			size_t n = len - pos < chunk ? len - pos : chunk;
			size_t got = 0;

			if (op == 0) {
				memcpy(out + pos, in + pos, n);
			} else if (op == 1) {
				if (lz77_compress(in + pos, n, scratch, scratch_cap, &got) != WIRE_OK) {
					abort();
				}
			} else {
				if (lz77_decompress(compressed + off, chunk_sizes[c], out + pos, n, &got) != WIRE_OK ||
				    got != n) {
					abort();
				}
				off += chunk_sizes[c];
			}
		}
		rounds++;
		elapsed = now() - start;
	} while (elapsed < MIN_SECONDS);
	return (double)len * (double)rounds / elapsed / 1e6;
}

static struct result run(const uint8_t *data, size_t len, size_t chunk)
{
	size_t chunks = (len + chunk - 1) / chunk, c, pos, total = 0;
	size_t bound = lz77_compress_bound(chunk);
	uint8_t *compressed = malloc(chunks * bound);
	size_t *sizes = malloc(chunks * sizeof(*sizes));
	uint8_t *scratch = malloc(bound);
	uint8_t *out = malloc(len);
	struct result r;

	if (compressed == NULL || sizes == NULL || scratch == NULL || out == NULL) {
		abort();
	}
	for (c = 0, pos = 0; pos < len; pos += chunk, c++) {
		size_t n = len - pos < chunk ? len - pos : chunk;

		if (lz77_compress(data + pos, n, compressed + total, bound, &sizes[c]) != WIRE_OK) {
			abort();
		}
		total += sizes[c];
	}
	r.compressed = total;
	r.memcpy_mbs = measure(0, data, len, chunk, scratch, bound, compressed, sizes, out);
	r.compress_mbs = measure(1, data, len, chunk, scratch, bound, compressed, sizes, out);
	r.decompress_mbs = measure(2, data, len, chunk, scratch, bound, compressed, sizes, out);
	if (memcmp(out, data, len) != 0) {
		abort();
	}
	free(compressed);
	free(sizes);
	free(scratch);
	free(out);
	return r;
}

static void report(const char *name, const uint8_t *data, size_t len, size_t chunk)
{
	struct result r = run(data, len, chunk);

	printf("%-24s %8zu %8zu %9.1f %9.1f %9.1f %7.3f\n", name, len, chunk,
	       r.compress_mbs, r.decompress_mbs, r.memcpy_mbs, (double)r.compressed / (double)len);
}

int main(void)
{
	size_t len = 1 << 20;
	uint8_t *text = malloc(len), *random_data = malloc(len);
	size_t i;

	if (text == NULL || random_data == NULL) {
		return 1;
	}
	fill_text(text, len);
	for (i = 0; i < len; i++) {
		random_data[i] = (uint8_t)rng_next();
	}

	printf("LZ77/DIRECT2 (MS-OXCRPC 3.1.4.1.1.2), one core; MB/s = 10^6 bytes/s of uncompressed data\n");
	printf("%-24s %8s %8s %9s %9s %9s %7s\n", "data", "bytes", "chunk", "compress", "decompr.",
	       "memcpy", "ratio");
	report("text, 32 KB payloads", text, len, 32768);
	report("text, whole", text, len, len);
	report("random, 32 KB payloads", random_data, len, 32768);
	report("random, whole", random_data, len, len);
	free(text);
	free(random_data);
	return 0;
}
