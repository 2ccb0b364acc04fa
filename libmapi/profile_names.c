/*
 * OpenChange libmapi: the strings a profile is checked and built from,
 * apart from the store so that the fuzz target needs no ldb.
 *
 * Copyright (C) OpenChange developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <strings.h>
#include <talloc.h>

#include "libmapi/profile.h"
#include "libmapi/utf8.h"

bool profile_name_is_valid(const char *name)
{
	const unsigned char *s = (const unsigned char *)name;
	size_t len;

	if (name == NULL) {
		return false;
	}
	len = strlen(name);
	if (len == 0 || len > PROFILE_NAME_MAX || name[0] == ' ' || name[len - 1] == ' ') {
		return false;
	}
	while (*s != '\0') {
		uint32_t c;
		size_t n = wire_utf8_decode(s, &c);

		/* C0 controls, DEL and C1 controls never belong in a name a user types */
		if (n == 0 || c < 0x20 || (c >= 0x7F && c < 0xA0)) {
			return false;
		}
		s += n;
	}
	return true;
}

char *profile_home_server_of_mdb(TALLOC_CTX *mem_ctx, const char *home_mdb)
{
	static const char servers[] = "/cn=Servers/cn=";
	const size_t servers_len = sizeof(servers) - 1;
	const char *p, *end;

	if (home_mdb == NULL) {
		return NULL;
	}
	for (p = home_mdb; *p != '\0'; p++) {
		if (strncasecmp(p, servers, servers_len) == 0) {
			break;
		}
	}
	if (*p == '\0' || p[servers_len] == '\0' || p[servers_len] == '/') {
		return NULL;
	}
	/* the server's RDN ends at the next '/', or the DN is the server itself */
	end = strchr(p + servers_len, '/');
	return end != NULL ? talloc_strndup(mem_ctx, home_mdb, (size_t)(end - home_mdb)) :
		talloc_strdup(mem_ctx, home_mdb);
}
