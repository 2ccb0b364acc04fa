/*
 * libFuzzer target: the mapiproxy:port value, as read from smb.conf.
 *
 * Copyright (C) OpenChange developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <stdlib.h>
#include <string.h>
#include "mapiproxy/mapiproxy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	TALLOC_CTX *mem_ctx = talloc_new(NULL);
	char *port = talloc_strndup(mem_ctx, (const char *)data, size);
	const char *error = NULL;
	char *endpoint;

	endpoint = mapiproxy_tcp_endpoint(mem_ctx, port, &error);
	/* Exactly one of the two answers, and a pinned port is always bracketed. */
	if ((endpoint == NULL) == (error == NULL)) {
		abort();
	}
	if (endpoint != NULL && port[0] != '\0' &&
	    (strncmp(endpoint, "ncacn_ip_tcp:[", 14) != 0 || endpoint[strlen(endpoint) - 1] != ']')) {
		abort();
	}
	talloc_free(mem_ctx);
	return 0;
}
