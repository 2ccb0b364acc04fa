/*
 * OpenChange mapiproxy: the module's view of Samba's directory.
 *
 * Copyright (C) OpenChange developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <strings.h>
#include <talloc.h>
#include <ldb.h>
#include <param.h>
#include <dcesrv_core.h>

#include "mapiproxy/debug.h"
#include "mapiproxy/directory.h"
#include "mapiproxy/samba_private.h"

/*
 * One connection per process, owned by the dcesrv context so it lives as
 * long as the endpoint server.  Samba forks prefork workers after loading
 * modules but before any call, so a connection made at the first call is
 * never shared across a fork.
 */
static struct ldb_context *process_samdb;

struct loadparm_context *mapiproxy_lp_ctx(struct dcesrv_call_state *dce_call)
{
	return dce_call->conn->dce_ctx->lp_ctx;
}

struct ldb_context *mapiproxy_samdb(struct dcesrv_call_state *dce_call)
{
	struct dcesrv_context *dce_ctx = dce_call->conn->dce_ctx;

	if (process_samdb != NULL) {
		return process_samdb;
	}
	process_samdb = samdb_connect(dce_ctx, dce_call->event_ctx, dce_ctx->lp_ctx,
				      system_session(dce_ctx->lp_ctx), NULL, 0);
	if (process_samdb == NULL) {
		DEBUG(0, ("mapiproxy: cannot open sam.ldb as the system session\n"));
	}
	return process_samdb;
}

char *mapiproxy_server_fqdn(TALLOC_CTX *mem_ctx, struct loadparm_context *lp_ctx)
{
	const char *dnsdomain = lpcfg_dnsdomain(lp_ctx);
	char *fqdn;

	if (dnsdomain == NULL || dnsdomain[0] == '\0') {
		fqdn = talloc_strdup(mem_ctx, lpcfg_netbios_name(lp_ctx));
	} else {
		fqdn = talloc_asprintf(mem_ctx, "%s.%s", lpcfg_netbios_name(lp_ctx), dnsdomain);
	}
	if (fqdn != NULL) {
		char *p;

		for (p = fqdn; *p != '\0'; p++) {
			if (*p >= 'A' && *p <= 'Z') {
				*p = (char)(*p - 'A' + 'a');
			}
		}
	}
	return fqdn;
}

/* "ncacn_ip_tcp:host.example.com" among the networkAddress values */
static const char *tcp_network_address(const struct ldb_message *msg)
{
	static const char prefix[] = "ncacn_ip_tcp:";
	const struct ldb_message_element *el = ldb_msg_find_element(msg, "networkAddress");
	unsigned int i;

	for (i = 0; el != NULL && i < el->num_values; i++) {
		const char *v = (const char *)el->values[i].data;

		if (el->values[i].length > sizeof(prefix) - 1 &&
		    strncasecmp(v, prefix, sizeof(prefix) - 1) == 0) {
			return v + sizeof(prefix) - 1;
		}
	}
	return NULL;
}

struct mapiproxy_exchange_server *mapiproxy_exchange_server_by_name(
	TALLOC_CTX *mem_ctx, struct ldb_context *samdb, const char *name)
{
	static const char * const attrs[] = { "legacyExchangeDN", "networkAddress", NULL };
	struct mapiproxy_exchange_server *server;
	struct ldb_result *res = NULL;
	const char *fqdn;
	char *escaped;
	int ret;

	server = talloc_zero(mem_ctx, struct mapiproxy_exchange_server);
	escaped = ldb_binary_encode_string(server, name);
	if (server == NULL || escaped == NULL) {
		talloc_free(server);
		return NULL;
	}
	ret = ldb_search(samdb, server, &res, ldb_get_config_basedn(samdb), LDB_SCOPE_SUBTREE,
			 attrs, "(&(objectClass=msExchExchangeServer)(cn=%s))", escaped);
	if (ret != LDB_SUCCESS || res->count != 1) {
		talloc_free(server);
		return NULL;
	}
	server->legacy_dn = talloc_strdup(server, ldb_msg_find_attr_as_string(
		res->msgs[0], "legacyExchangeDN", NULL));
	fqdn = tcp_network_address(res->msgs[0]);
	server->fqdn = fqdn != NULL ? talloc_strdup(server, fqdn) : NULL;
	talloc_free(res);
	return server;
}
