/*
 * libFuzzer target: profile names (from the command line) and home MDB DNs
 * (from the server's address book), libmapi/profile_names.c.
 *
 * Copyright (C) OpenChange developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <talloc.h>
#include "libmapi/profile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	TALLOC_CTX *mem_ctx = talloc_new(NULL);
	char *text = talloc_strndup(mem_ctx, (const char *)data, size);
	char *server;
	size_t len;

	if (text == NULL) {
		talloc_free(mem_ctx);
		return 0;
	}
	len = strlen(text);
	if (profile_name_is_valid(text)) {
		/* what is accepted has a length in range and no control bytes */
		size_t i;

		if (len == 0 || len > PROFILE_NAME_MAX) {
			abort();
		}
		for (i = 0; i < len; i++) {
			if ((unsigned char)text[i] < 0x20 || text[i] == 0x7F) {
				abort();
			}
		}
	}
	server = profile_home_server_of_mdb(mem_ctx, text);
	if (server != NULL) {
		/* a prefix of the DN, naming a server under cn=Servers, and
		 * idempotent: a server DN is its own server */
		char *again = profile_home_server_of_mdb(mem_ctx, server);

		if (strncmp(server, text, strlen(server)) != 0 || again == NULL ||
		    strcmp(again, server) != 0) {
			abort();
		}
	}
	talloc_free(mem_ctx);
	return 0;
}
