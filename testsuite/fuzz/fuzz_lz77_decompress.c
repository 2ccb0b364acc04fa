/*
 * libFuzzer target: LZ77/DIRECT2 decompression (libmapi/lz77.c) of hostile
 * streams into an output buffer of exactly the announced size, so that
 * AddressSanitizer sees any write past it. Whatever decodes must survive a
 * compress/decompress round trip.
 *
 * Copyright (C) OpenChange developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <stdlib.h>
#include <string.h>
#include "libmapi/lz77.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t cap, len = 0, clen = 0, again = 0;
	uint8_t *out, *compressed, *back;
	enum wire_error err;

	if (size < 2) {
		return 0;
	}
	/* The first two bytes choose the capacity, as SizeActual would. */
	cap = (size_t)data[0] | (size_t)data[1] << 8;
	data += 2;
	size -= 2;
	out = malloc(cap ? cap : 1);	/* exactly cap: ASan sees any write past it */
	err = lz77_decompress(size ? data : NULL, size, cap ? out : NULL, cap, &len);
	if (err != WIRE_OK && err != WIRE_ERR_TRUNCATED && err != WIRE_ERR_CORRUPT &&
	    err != WIRE_ERR_OUTPUT_FULL) {
		abort();
	}
	if (err == WIRE_OK) {
		if (len > cap) {
			abort();
		}
		compressed = malloc(lz77_compress_bound(len));
		back = malloc(len ? len : 1);
		if (lz77_compress(out, len, compressed, lz77_compress_bound(len), &clen) != WIRE_OK ||
		    lz77_decompress(compressed, clen, back, len, &again) != WIRE_OK ||
		    again != len || memcmp(back, out, len) != 0) {
			abort();
		}
		free(compressed);
		free(back);
	}
	free(out);
	return 0;
}
