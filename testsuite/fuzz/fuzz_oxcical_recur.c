/*
 * libFuzzer target: MS-OXOCAL 2.2.1.44.1 RecurrencePattern parser.
 * Any input must parse or fail cleanly; a success never claims more bytes
 * than it was given, its deleted dates lie inside them, and a re-parse from
 * an exact-size heap copy (ASan sees any read past it) agrees.
 *
 * Copyright (C) OpenChange developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <stdlib.h>
#include <string.h>
#include "utils/exchange2ical/oxcical_recur.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct oxcical_recurrence a, b;

	if (oxcical_recur_parse(data, size, &a) != OXCICAL_RECUR_OK)
		return 0;
	if (a.consumed > size || a.deleted_offset + (size_t)a.deleted_count * 4 > a.consumed)
		abort();
	uint8_t *copy = malloc(size);
	if (!copy)
		return 0;
	memcpy(copy, data, size);
	if (oxcical_recur_parse(copy, size, &b) != OXCICAL_RECUR_OK || memcmp(&a, &b, sizeof(a)) != 0)
		abort();
	for (uint32_t i = 0; i < b.deleted_count; i++)
		(void)oxcical_recur_deleted_date(copy, &b, i);
	free(copy);
	return 0;
}
