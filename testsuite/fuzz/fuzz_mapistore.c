/*
 * libFuzzer target: mapistore's stored property form and its evaluator
 * (mapistore/mapistore_props.c). A database is ours, but a damaged one
 * must give errors, not crashes.
 *
 * The first byte picks the mode:
 * - even: the bytes are a property blob; every entry is walked and
 *   decoded; a value that decodes re-encodes, decodes again to a value
 *   that compares equal, and goes through a bag unchanged;
 * - odd: the bytes are an MS-OXCDATA restriction, evaluated against a bag
 *   of typical message properties (every restriction type, MV values,
 *   content matching with case folding).
 *
 * Copyright (C) OpenChange developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <stdlib.h>
#include <string.h>
#include "mapistore/mapistore_backend.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool bag_get(void *obj, uint32_t tag, const struct mapi_propval **value)
{
	*value = mapistore_propbag_find(obj, tag);
	return *value != NULL;
}

static bool sub_any(void *obj, uint32_t subobject, const struct mapi_restriction *res)
{
	struct mapistore_count_state state = { 0 };

	return mapistore_restriction_eval(res, bag_get, NULL, obj, &state);
}

static struct mapistore_propbag *sample_bag(TALLOC_CTX *mem)
{
	static char *strs[3] = { "Привет", "hello", "ÉCOLE" };
	static uint32_t i32s[2] = { 7, 0x80000000u };
	static uint8_t bin[5] = { 1, 2, 3, 4, 5 };
	struct mapistore_propbag *bag = mapistore_propbag_new(mem);
	struct mapi_propval pv;

	pv.tag = 0x0037001F; pv.value.string = "Re: Ünïcode subject";
	mapistore_propbag_set(bag, &pv);
	pv.tag = 0x001A001E; pv.value.string8 = "IPM.Note";
	mapistore_propbag_set(bag, &pv);
	pv.tag = 0x0E070003; pv.value.i32 = 0x11;
	mapistore_propbag_set(bag, &pv);
	pv.tag = 0x0E060040; pv.value.time = 133000000000000000ULL;
	mapistore_propbag_set(bag, &pv);
	pv.tag = 0x0E1B000B; pv.value.boolean = 1;
	mapistore_propbag_set(bag, &pv);
	pv.tag = 0x8001101F; pv.value.mv_string.count = 3; pv.value.mv_string.values = strs;
	mapistore_propbag_set(bag, &pv);
	pv.tag = 0x80021003; pv.value.mv_i32.count = 2; pv.value.mv_i32.values = i32s;
	mapistore_propbag_set(bag, &pv);
	pv.tag = 0x0FFF0102; pv.value.binary.len = 5; pv.value.binary.data = bin;
	mapistore_propbag_set(bag, &pv);
	pv.tag = 0x00170003; pv.value.i32 = 1;
	mapistore_propbag_set(bag, &pv);
	return bag;
}

static void blob_mode(TALLOC_CTX *mem, const uint8_t *data, size_t size)
{
	struct mapistore_propbag *bag = mapistore_propbag_new(mem);
	struct mapistore_blob_entry e;
	size_t off = 0;

	while (mapistore_blob_next(data, size, &off, &e)) {
		struct mapi_propval pv, again;
		uint8_t *enc;
		uint32_t len;

		if (e.external ||
		    mapistore_value_decode(mem, e.tag, e.data, e.len, &pv) != MAPI_E_SUCCESS)
			continue;
		(void)mapistore_propval_size(&pv);
		if (mapistore_value_encode(mem, &pv, &enc, &len) != MAPI_E_SUCCESS)
			continue;	/* e.g. a string with a NUL inside cannot come back */
		if (mapistore_value_decode(mem, e.tag, enc, len, &again) != MAPI_E_SUCCESS ||
		    mapistore_propval_compare(&pv, &again) != 0)
			abort();
		if (mapistore_propbag_set(bag, &pv) != MAPI_E_SUCCESS ||
		    mapistore_propval_compare(mapistore_propbag_find(bag, e.tag), &pv) != 0)
			abort();
	}
	(void)mapistore_blob_find(data, size, 0x0037001F, &e);
}

static void restriction_mode(TALLOC_CTX *mem, const uint8_t *data, size_t size)
{
	struct mapi_restriction *res = NULL;
	struct mapistore_count_state state = { 0 };
	struct oxcdata_pull pull;
	struct mapistore_propbag *bag = sample_bag(mem);

	oxcdata_pull_init(&pull, data, size);
	if (oxcdata_restriction_pull(&pull, mem, &res) != WIRE_OK)
		return;
	(void)mapistore_restriction_eval(res, bag_get, sub_any, bag, &state);
	(void)mapistore_restriction_eval(res, bag_get, NULL, bag, NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	TALLOC_CTX *mem = talloc_new(NULL);

	if (size > 0) {
		if (data[0] & 1)
			restriction_mode(mem, data + 1, size - 1);
		else
			blob_mode(mem, data + 1, size - 1);
	}
	talloc_free(mem);
	return 0;
}
