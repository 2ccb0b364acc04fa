/*
 * libFuzzer target: the NSPI entry ID parser (MS-OXNSPI 2.2.9.2/2.2.9.3),
 * which NspiModLinkAtt feeds with client bytes.  A parsed ID must rebuild
 * to the same bytes.
 *
 * Copyright (C) OpenChange developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "mapiproxy/nspi/nspi_book.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	TALLOC_CTX *mem_ctx = talloc_new(NULL);
	struct nspi_entryid eid;

	if (nspi_parse_entryid(mem_ctx, data, size, &eid)) {
		DATA_BLOB again = eid.ephemeral ?
			nspi_ephemeral_entryid(mem_ctx, eid.provider, eid.display_type, eid.mid) :
			nspi_permanent_entryid(mem_ctx, eid.display_type, eid.dn);

		if (again.length != size || memcmp(again.data, data, size) != 0) {
			abort();
		}
	}
	talloc_free(mem_ctx);
	return 0;
}
