/*
 * libFuzzer target: MS-OXCDATA restrictions (libmapi/oxcdata_restriction.c).
 * A restriction that decodes must encode back to exactly the bytes it was
 * decoded from (the encoding is canonical), and the depth counters must be
 * back at zero whatever happened.
 *
 * Copyright (C) OpenChange developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <stdlib.h>
#include <string.h>
#include "libmapi/oxcdata_restriction.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	TALLOC_CTX *mem_ctx = talloc_new(NULL);
	struct mapi_restriction *res = NULL;
	struct oxcdata_pull pull;
	struct oxcdata_push push;
	enum wire_error err;

	oxcdata_pull_init(&pull, size ? data : NULL, size);
	err = oxcdata_restriction_pull(&pull, mem_ctx, &res);
	if (pull.depth != 0 || (err == WIRE_OK) != (res != NULL)) {
		abort();
	}
	if (err == WIRE_OK) {
		oxcdata_push_init(&push, mem_ctx);
		if (oxcdata_restriction_push(&push, res) != WIRE_OK || push.depth != 0 ||
		    push.len != pull.offset || memcmp(push.data, data, push.len) != 0) {
			abort();
		}
	}
	talloc_free(mem_ctx);
	return 0;
}
