/*
 * OpenChange mapiproxy: turning smb.conf's mapiproxy:* options into endpoints.
 *
 * Copyright (C) OpenChange developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <ctype.h>
#include <string.h>
#include "mapiproxy/mapiproxy.h"

char *mapiproxy_tcp_endpoint(TALLOC_CTX *mem_ctx, const char *port,
			     const char **error)
{
	unsigned long value = 0;
	size_t i;

	*error = NULL;
	if (port == NULL || port[0] == '\0') {
		/* Samba picks a port from its dynamic range and tells epmapper. */
		return talloc_strdup(mem_ctx, "ncacn_ip_tcp:");
	}
	/* Digits only: strtoul would accept signs, spaces and hex. */
	for (i = 0; port[i] != '\0'; i++) {
		if (!isdigit((unsigned char)port[i]) || i >= 5) {
			*error = "not a TCP port number (1-65535)";
			return NULL;
		}
		value = value * 10 + (unsigned long)(port[i] - '0');
	}
	if (value == 0 || value > 65535) {
		*error = "not a TCP port number (1-65535)";
		return NULL;
	}
	return talloc_asprintf(mem_ctx, "ncacn_ip_tcp:[%lu]", value);
}
