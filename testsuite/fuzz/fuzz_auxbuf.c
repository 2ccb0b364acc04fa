/*
 * libFuzzer target: auxiliary buffers (libmapi/auxbuf.c), both a bare
 * payload of AUX_HEADER blocks and a whole rgbAuxIn. A payload that parses
 * is serialized again; that serialization must parse and serialize to
 * itself.
 *
 * Copyright (C) OpenChange developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <stdlib.h>
#include <string.h>
#include "libmapi/auxbuf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	TALLOC_CTX *mem_ctx = talloc_new(NULL);
	struct aux_buffer *aux = NULL, *again = NULL;
	uint8_t *first = NULL, *second = NULL;
	size_t first_len = 0, second_len = 0;
	enum wire_error err;

	if (auxbuf_decode_auxin(mem_ctx, size ? data : NULL, size, &aux) == WIRE_OK && aux == NULL) {
		abort();
	}
	err = auxbuf_pull(mem_ctx, size ? data : NULL, size, &aux);
	if (err == WIRE_OK) {
		/*
		 * Strings came from UTF-16 and go back to it. Only size can fail:
		 * offsets may share one string, which the canonical layout repeats.
		 */
		err = auxbuf_push(mem_ctx, aux->blocks, aux->count, &first, &first_len);
		if (err != WIRE_OK && err != WIRE_ERR_TOO_LARGE) {
			abort();
		}
	}
	if (err == WIRE_OK) {
		if (auxbuf_pull(mem_ctx, first, first_len, &again) != WIRE_OK ||
		    again->count != aux->count ||
		    auxbuf_push(mem_ctx, again->blocks, again->count, &second, &second_len) != WIRE_OK ||
		    second_len != first_len || memcmp(first, second, first_len) != 0) {
			abort();
		}
	}
	talloc_free(mem_ctx);
	return 0;
}
