/*
 * OpenChange mapiproxy: the NSPI referral interface (MS-OXABREF).
 *
 * One OpenChange server is its own NSPI server and its own mailbox server,
 * so both calls answer with this host; the server DN is still checked
 * against the Exchange configuration in the directory, because a client
 * holding a DN of another organization must learn that it is unknown.
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

#include "idl/gen_ndr_rfr.h"
#include "idl/gen_errors.h"
#include "mapiproxy/debug.h"
#include "mapiproxy/directory.h"
#include "mapiproxy/provider.h"
#include "mapiproxy/server_dn.h"

/*
 * MS-OXABREF 3.1.4.1 RfrGetNewDSA: the FQDN of an NSPI server.  ulFlags
 * and ppszUnused are ignored as the spec requires; pUserDN could steer
 * the choice among several NSPI servers; one is configured (or this one).
 */
static NTSTATUS rfr_get_new_dsa(struct dcesrv_call_state *dce_call, TALLOC_CTX *mem_ctx,
				void *call)
{
	struct RfrGetNewDSA *r = call;
	const char *referral;
	char *fqdn;

	/* [in,out,unique]: the reply goes where the request's pointers were */
	r->out.ppszUnused = r->in.ppszUnused;
	r->out.ppszServer = r->in.ppszServer;
	if (r->out.ppszUnused != NULL) {
		*r->out.ppszUnused = NULL;
	}
	if (r->out.ppszServer == NULL) {
		/* nowhere to put the answer: the client passed a NULL pointer */
		r->out.result = MAPI_E_INVALID_PARAMETER;
		return NT_STATUS_OK;
	}
	/*
	 * "mapiproxy:nspi server" names another NSPI server (a load balancer,
	 * a dedicated address book host); by default, this one.
	 */
	referral = lpcfg_parm_string(mapiproxy_lp_ctx(dce_call), NULL, "mapiproxy", "nspi server");
	fqdn = referral != NULL && referral[0] != '\0' ? talloc_strdup(mem_ctx, referral) :
		mapiproxy_server_fqdn(mem_ctx, mapiproxy_lp_ctx(dce_call));
	if (fqdn == NULL) {
		*r->out.ppszServer = NULL;
		r->out.result = MAPI_E_NOT_ENOUGH_MEMORY;
		return NT_STATUS_OK;
	}
	*r->out.ppszServer = fqdn;
	r->out.result = MAPI_E_SUCCESS;
	DEBUG(5, ("mapiproxy: RfrGetNewDSA for %s -> %s\n",
		  r->in.pUserDN != NULL ? r->in.pUserDN : "(no user DN)", fqdn));
	return NT_STATUS_OK;
}

/*
 * MS-OXABREF 3.1.4.2 RfrGetFQDNFromServerDN: the DNS name of the mailbox
 * server a DN names.  The DN may name the server or one of its databases;
 * the server must exist in this organization (doc/directory.md).
 */
static NTSTATUS rfr_get_fqdn_from_server_dn(struct dcesrv_call_state *dce_call,
					    TALLOC_CTX *mem_ctx, void *call)
{
	struct RfrGetFQDNFromServerDN *r = call;
	struct mapiproxy_exchange_server *server;
	struct ldb_context *samdb;
	struct server_dn sdn;
	const char *canonical;

	*r->out.ppszServerFQDN = NULL;
	/* cbMailboxServerDN counts the terminating NUL (3.1.4.2) */
	if (r->in.szMailboxServerDN == NULL ||
	    strlen(r->in.szMailboxServerDN) + 1 != r->in.cbMailboxServerDN ||
	    !server_dn_parse(mem_ctx, r->in.szMailboxServerDN, &sdn)) {
		r->out.result = MAPI_E_INVALID_PARAMETER;
		return NT_STATUS_OK;
	}
	samdb = mapiproxy_samdb(dce_call);
	if (samdb == NULL) {
		r->out.result = MAPI_E_CALL_FAILED;
		return NT_STATUS_OK;
	}
	server = mapiproxy_exchange_server_by_name(mem_ctx, samdb, sdn.server);
	canonical = server_dn_canonical(mem_ctx, &sdn);
	if (server == NULL || server->legacy_dn == NULL || canonical == NULL ||
	    strcasecmp(server->legacy_dn, canonical) != 0) {
		DEBUG(3, ("mapiproxy: RfrGetFQDNFromServerDN: no server %s in this organization\n",
			  r->in.szMailboxServerDN));
		r->out.result = MAPI_E_NOT_FOUND;
		return NT_STATUS_OK;
	}
	*r->out.ppszServerFQDN = server->fqdn != NULL ?
		server->fqdn : mapiproxy_server_fqdn(mem_ctx, mapiproxy_lp_ctx(dce_call));
	r->out.result = *r->out.ppszServerFQDN != NULL ? MAPI_E_SUCCESS : MAPI_E_NOT_ENOUGH_MEMORY;
	return NT_STATUS_OK;
}

static const mapiproxy_handler_fn rfr_handlers[] = {
	[NDR_RFRGETNEWDSA] = rfr_get_new_dsa,
	[NDR_RFRGETFQDNFROMSERVERDN] = rfr_get_fqdn_from_server_dn,
};

const struct mapiproxy_provider mapiproxy_rfr_provider = {
	.table = &ndr_table_rfri,
	.num_handlers = sizeof(rfr_handlers) / sizeof(rfr_handlers[0]),
	.handlers = rfr_handlers,
};
