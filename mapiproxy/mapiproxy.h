/*
 * OpenChange mapiproxy: the pieces of the Samba endpoint module that do not
 * need a running samba, so the unit tests can exercise them directly.
 *
 * Copyright (C) OpenChange developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef MAPIPROXY_MAPIPROXY_H
#define MAPIPROXY_MAPIPROXY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <talloc.h>
#include <ndr.h>
#include <gen_ndr/dcerpc.h>
#include <gen_ndr/security.h>

/*
 * One RPC interface that mapiproxy serves.  Its name, UUID, version and
 * calls come from the table our IDL compiler generates from the spec's IDL.
 */
struct mapiproxy_interface {
	const char *spec;			/* the document that defines it */
	const struct ndr_interface_table *table;
};

extern const struct mapiproxy_interface mapiproxy_interfaces[];
extern const size_t mapiproxy_num_interfaces;

const struct mapiproxy_interface *mapiproxy_interface_by_syntax(
	const struct GUID *uuid, uint32_t if_version);
const struct mapiproxy_interface *mapiproxy_interface_by_name(const char *name);

/* Why a caller is or is not let in (DESIGN.md, decision 6). */
enum mapiproxy_admission {
	MAPIPROXY_ADMIT = 0,
	MAPIPROXY_REFUSE_UNAUTHENTICATED,	/* no auth context at all */
	MAPIPROXY_REFUSE_AUTH_LEVEL,		/* neither signed nor sealed */
	MAPIPROXY_REFUSE_ANONYMOUS,		/* authenticated as ANONYMOUS LOGON */
};

enum mapiproxy_admission mapiproxy_admit_caller(enum dcerpc_AuthType auth_type,
						enum dcerpc_AuthLevel auth_level,
						const struct security_token *token);
const char *mapiproxy_admission_string(enum mapiproxy_admission admission);

/*
 * The ncacn_ip_tcp endpoint to register: dynamic (through the endpoint
 * mapper) when port is NULL or empty, else pinned to that port.  Returns
 * NULL and sets *error for a value that is not a port number.
 */
char *mapiproxy_tcp_endpoint(TALLOC_CTX *mem_ctx, const char *port,
			     const char **error);

#endif
