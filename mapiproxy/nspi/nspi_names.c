/*
 * OpenChange mapiproxy: NSPI named properties (MS-OXNSPI 3.1.4.1,
 * NspiGetNamesFromIDs and NspiGetIDsFromNames): a mapping of
 * (property set GUID, LID) to property IDs from 0x8000 up, stable for the
 * session that made it.
 *
 * Copyright (C) OpenChange developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include "mapiproxy/nspi/nspi_book.h"

#define FIRST_NAMED_ID 0x8000
#define MAX_NAMED_IDS 0x7FFF

struct nspi_names {
	uint32_t count;
	struct PropertyName_r *names;	/* names[i] has id FIRST_NAMED_ID + i */
	struct FlatUID_r *guids;
};

struct nspi_names *nspi_names_new(TALLOC_CTX *mem_ctx)
{
	return talloc_zero(mem_ctx, struct nspi_names);
}

uint16_t nspi_names_id(struct nspi_names *names, const struct PropertyName_r *name, bool create)
{
	uint32_t i;

	if (name == NULL || name->lpguid == NULL) {
		return 0;
	}
	for (i = 0; i < names->count; i++) {
		if (names->names[i].lID == name->lID &&
		    memcmp(names->guids[i].ab, name->lpguid->ab, 16) == 0) {
			return (uint16_t)(FIRST_NAMED_ID + i);
		}
	}
	if (!create || names->count >= MAX_NAMED_IDS) {
		return 0;
	}
	{
		struct PropertyName_r *n = talloc_realloc(names, names->names, struct PropertyName_r,
							  names->count + 1);
		struct FlatUID_r *g;

		if (n == NULL) {
			return 0;
		}
		names->names = n;
		g = talloc_realloc(names, names->guids, struct FlatUID_r, names->count + 1);
		if (g == NULL) {
			return 0;
		}
		names->guids = g;
		/* the array may have moved: re-point every name at its GUID */
		memcpy(g[names->count].ab, name->lpguid->ab, 16);
		n[names->count].ulReserved = 0;
		n[names->count].lID = name->lID;
		names->count++;
		for (i = 0; i < names->count; i++) {
			n[i].lpguid = &g[i];
		}
	}
	return (uint16_t)(FIRST_NAMED_ID + names->count - 1);
}

const struct PropertyName_r *nspi_names_name(const struct nspi_names *names, uint16_t id)
{
	if (id < FIRST_NAMED_ID || (uint32_t)(id - FIRST_NAMED_ID) >= names->count) {
		return NULL;
	}
	return &names->names[id - FIRST_NAMED_ID];
}
