/*
 * OpenChange mapiproxy: the module's view of Samba's directory (sam.ldb),
 * shared by the RFR and NSPI providers.
 *
 * Copyright (C) OpenChange developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef MAPIPROXY_DIRECTORY_H
#define MAPIPROXY_DIRECTORY_H

#include <stdbool.h>
#include <talloc.h>

struct ldb_context;
struct loadparm_context;
struct dcesrv_call_state;

/*
 * sam.ldb opened once per process with the system session: the directory
 * data every caller may read (address book entries, the Exchange
 * configuration).  Opened lazily so that each prefork worker has its own
 * connection; NULL (and a log line) when sam.ldb cannot be opened.
 */
struct ldb_context *mapiproxy_samdb(struct dcesrv_call_state *dce_call);

struct loadparm_context *mapiproxy_lp_ctx(struct dcesrv_call_state *dce_call);

/* This host's DNS name: netbios name, lower case, dot, DNS domain. */
char *mapiproxy_server_fqdn(TALLOC_CTX *mem_ctx, struct loadparm_context *lp_ctx);

/*
 * The Exchange server object (msExchExchangeServer, doc/directory.md)
 * of this host, or NULL when the organization is not provisioned.
 */
struct mapiproxy_exchange_server {
	const char *legacy_dn;		/* /o=ORG/ou=AG/cn=Configuration/cn=Servers/cn=SRV */
	const char *fqdn;		/* from its ncacn_ip_tcp network address */
};

struct mapiproxy_exchange_server *mapiproxy_exchange_server_by_name(
	TALLOC_CTX *mem_ctx, struct ldb_context *samdb, const char *name);

#endif
