/*
 * OpenChange mapiproxy: the X500-style server DNs of MS-OXABREF 3.1.4.2.
 *
 * Copyright (C) OpenChange developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef MAPIPROXY_SERVER_DN_H
#define MAPIPROXY_SERVER_DN_H

#include <stdbool.h>
#include <talloc.h>

enum server_dn_database {
	SERVER_DN_NO_DATABASE = 0,
	SERVER_DN_PRIVATE_MDB,		/* .../cn=Microsoft Private MDB */
	SERVER_DN_PUBLIC_MDB,		/* .../cn=Microsoft Public MDB */
};

struct server_dn {
	const char *organization;
	const char *admin_group;
	const char *instance;		/* NULL when the optional element is absent */
	const char *server;		/* the short server name */
	enum server_dn_database database;
};

/*
 * Splits a server DN; false for anything that is not of the forms of
 * MS-OXABREF 3.1.4.2.  Element names compare case-insensitively, as DNs do.
 */
bool server_dn_parse(TALLOC_CTX *mem_ctx, const char *dn, struct server_dn *out);

/* "/o=ORG/ou=AG/cn=Configuration/cn=Servers/cn=SERVER": the server's own DN */
char *server_dn_canonical(TALLOC_CTX *mem_ctx, const struct server_dn *sdn);

#endif
