/*
 * libFuzzer target: MS-OXOCAL 2.2.1.44.1 RecurrencePattern parser.
 * Any input must parse or fail cleanly; a success never claims more bytes
 * than it was given, and a re-parse of exactly those bytes agrees.
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
	if (a.consumed > size)
		abort();
	/* Copy to an exact-size heap buffer so ASan sees any read past it. */
	uint8_t *copy = malloc(a.consumed ? a.consumed : 1);
	if (!copy)
		return 0;
	memcpy(copy, data, a.consumed);
	if (oxcical_recur_parse(copy, a.consumed, &b) != OXCICAL_RECUR_OK ||
	    memcmp(&a, &b, sizeof(a)) != 0)
		abort();
	free(copy);
	return 0;
}
