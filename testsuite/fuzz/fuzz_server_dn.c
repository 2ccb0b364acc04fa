/*
 * libFuzzer target: the server DNs clients send to RfrGetFQDNFromServerDN
 * (MS-OXABREF 3.1.4.2).
 *
 * Copyright (C) OpenChange developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "mapiproxy/server_dn.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	TALLOC_CTX *mem_ctx = talloc_new(NULL);
	char *dn = talloc_strndup(mem_ctx, (const char *)data, size);
	struct server_dn sdn;

	if (server_dn_parse(mem_ctx, dn, &sdn)) {
		/* what was accepted names a server and rebuilds to a DN that parses
		 * to the same server */
		char *canonical = server_dn_canonical(mem_ctx, &sdn);
		struct server_dn again;

		if (sdn.server == NULL || sdn.server[0] == '\0' || canonical == NULL ||
		    !server_dn_parse(mem_ctx, canonical, &again) ||
		    strcmp(again.server, sdn.server) != 0) {
			/* a value holding '/' cannot round-trip, and cannot be accepted */
			abort();
		}
	}
	talloc_free(mem_ctx);
	return 0;
}
