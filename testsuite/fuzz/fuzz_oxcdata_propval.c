/*
 * libFuzzer target: MS-OXCDATA property values and rows (libmapi/oxcdata_*).
 * The first byte picks the structure: TypedPropertyValue,
 * TaggedPropertyValue, FlaggedPropertyValueWithType, TypedString,
 * PropertyTagArray followed by a PropertyRowSet laid out by those columns,
 * SortOrderSet or PropertyProblemArray. Every encoding is canonical, so
 * whatever decodes must encode back to exactly the bytes it came from.
 *
 * Copyright (C) OpenChange developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <stdlib.h>
#include <string.h>
#include "libmapi/oxcdata_row.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_same(const struct oxcdata_push *push, const uint8_t *start, size_t len)
{
	if (push->len != len || (len > 0 && memcmp(push->data, start, len) != 0)) {
		abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	TALLOC_CTX *mem_ctx;
	struct oxcdata_pull pull;
	struct oxcdata_push push;
	enum wire_error err = WIRE_ERR_INVALID_ARG, back = WIRE_ERR_INVALID_ARG;

	if (size < 1) {
		return 0;
	}
	mem_ctx = talloc_new(NULL);
	oxcdata_pull_init(&pull, data + 1, size - 1);
	oxcdata_push_init(&push, mem_ctx);
	switch (data[0] % 7) {
	case 0: {
		struct mapi_propval pv;

		err = oxcdata_propval_pull_typed(&pull, mem_ctx, &pv);
		if (err == WIRE_OK) {
			back = oxcdata_propval_push_typed(&push, &pv);
		}
		break;
	}
	case 1: {
		struct mapi_propval pv;

		err = oxcdata_propval_pull_tagged(&pull, mem_ctx, &pv);
		if (err == WIRE_OK) {
			back = oxcdata_propval_push_tagged(&push, &pv);
		}
		break;
	}
	case 2: {
		struct mapi_flagged_propval fv;

		err = oxcdata_propval_pull_flagged_typed(&pull, mem_ctx, 0x1234, &fv);
		if (err == WIRE_OK) {
			back = oxcdata_propval_push_flagged_typed(&push, &fv);
		}
		break;
	}
	case 3: {
		struct mapi_typed_string ts;

		err = oxcdata_typed_string_pull(&pull, mem_ctx, &ts);
		if (err == WIRE_OK) {
			back = oxcdata_typed_string_push(&push, &ts);
		}
		break;
	}
	case 4: {
		struct mapi_tag_array columns;
		struct mapi_property_row_set rows;

		err = oxcdata_tag_array_pull(&pull, mem_ctx, &columns);
		if (err == WIRE_OK) {
			back = oxcdata_tag_array_push(&push, &columns);
		}
		if (err == WIRE_OK && back == WIRE_OK) {
			err = oxcdata_row_set_pull(&pull, mem_ctx, &columns, &rows);
		}
		if (err == WIRE_OK) {
			back = oxcdata_row_set_push(&push, &columns, &rows);
		}
		break;
	}
	case 5: {
		struct mapi_sort_order_set set;

		err = oxcdata_sort_order_set_pull(&pull, mem_ctx, &set);
		if (err == WIRE_OK) {
			back = oxcdata_sort_order_set_push(&push, &set);
		}
		break;
	}
	default: {
		struct mapi_property_problem_array probs;

		err = oxcdata_problem_array_pull(&pull, mem_ctx, &probs);
		if (err == WIRE_OK) {
			back = oxcdata_problem_array_push(&push, &probs);
		}
		break;
	}
	}
	if (pull.offset > pull.len || pull.depth != 0 || push.depth != 0) {
		abort();
	}
	if (err == WIRE_OK) {
		if (back != WIRE_OK) {
			abort();
		}
		check_same(&push, data + 1, pull.offset);
	}
	talloc_free(mem_ctx);
	return 0;
}
