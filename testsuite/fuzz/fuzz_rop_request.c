/*
 * libFuzzer target: a whole ROP input buffer (MS-OXCROPS 2.2.1) through
 * rop_request_pull(); what parses must push back to the same bytes.
 * The first input byte picks the params (bit 0: private logon, bit 1:
 * columns given), the rest is the buffer.
 *
 * Copyright (C) OpenChange developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <talloc.h>
#include "libmapi/rop_buffer.h"

static uint32_t fuzz_tags[] = { 0x0E080003, 0x0037001F, 0x00000000, 0x30080040 };

static enum wire_error fuzz_params(void *private_data, uint8_t rop_id, uint32_t object, size_t position,
				   struct rop_params *params)
{
	const uint8_t *mode = private_data;
	static const struct mapi_tag_array columns = { 4, fuzz_tags };

	params->logon_private = (*mode & 1) != 0;
	params->columns = (*mode & 2) ? &columns : NULL;
	return WIRE_OK;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	TALLOC_CTX *ctx;
	struct rop_request_buffer buf;
	struct rop_context rc;
	uint8_t mode;
	uint8_t *out;
	size_t out_len;

	if (size < 1) {
		return 0;
	}
	mode = data[0];
	rc.params = fuzz_params;
	rc.private_data = &mode;
	ctx = talloc_new(NULL);
	if (rop_request_pull(ctx, data + 1, size - 1, &rc, &buf) == WIRE_OK) {
		if (rop_request_push(ctx, &buf, &rc, &out, &out_len) != WIRE_OK ||
		    out_len != size - 1 || memcmp(out, data + 1, out_len) != 0) {
			abort();
		}
	}
	talloc_free(ctx);
	return 0;
}
