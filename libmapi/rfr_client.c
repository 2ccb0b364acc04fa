/*
 * OpenChange libmapi: an RFR (MS-OXABREF) client.
 *
 * Copyright (C) OpenChange developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <talloc.h>
#include <tevent.h>
#include <util/data_blob.h>
#include <util/time.h>
#include <core/ntstatus.h>
#include <dcerpc.h>
#include <credentials.h>

#include "libmapi/rfr_client.h"
#include "idl/gen_ndr_rfr.h"

/*
 * A refused logon is worth its own status: the user can fix a password,
 * not a network.  Everything else the transport says is a network error.
 */
static enum MAPISTATUS transport_error(struct rfr_client *rfr, const char *call, NTSTATUS status)
{
	talloc_free(discard_const_p(char, rfr->last_error));
	rfr->last_error = talloc_asprintf(rfr, "%s: %s", call, nt_errstr(status));
	if (NT_STATUS_EQUAL(status, NT_STATUS_LOGON_FAILURE) ||
	    NT_STATUS_EQUAL(status, NT_STATUS_WRONG_PASSWORD) ||
	    NT_STATUS_EQUAL(status, NT_STATUS_NO_SUCH_USER) ||
	    NT_STATUS_EQUAL(status, NT_STATUS_ACCOUNT_DISABLED) ||
	    NT_STATUS_EQUAL(status, NT_STATUS_ACCOUNT_LOCKED_OUT)) {
		return MAPI_E_LOGON_FAILED;
	}
	return MAPI_E_NETWORK_ERROR;
}

enum MAPISTATUS rfr_client_connect(TALLOC_CTX *mem_ctx, struct tevent_context *ev,
				   struct loadparm_context *lp_ctx, const char *binding,
				   struct cli_credentials *creds, struct rfr_client **out)
{
	struct rfr_client *rfr;
	NTSTATUS status;

	*out = NULL;
	rfr = talloc_zero(mem_ctx, struct rfr_client);
	if (rfr == NULL) {
		return MAPI_E_NOT_ENOUGH_MEMORY;
	}
	*out = rfr;
	status = dcerpc_pipe_connect(rfr, &rfr->pipe, binding, &ndr_table_rfri, creds, ev, lp_ctx);
	if (!NT_STATUS_IS_OK(status)) {
		rfr->pipe = NULL;
		return transport_error(rfr, "connect", status);
	}
	return MAPI_E_SUCCESS;
}

static enum MAPISTATUS call_rfr(struct rfr_client *rfr, const char *name, uint32_t opnum,
				TALLOC_CTX *mem_ctx, void *r)
{
	NTSTATUS status;

	if (rfr->pipe == NULL) {
		return MAPI_E_NOT_INITIALIZED;
	}
	status = dcerpc_binding_handle_call(rfr->pipe->binding_handle, NULL, &ndr_table_rfri,
					    opnum, mem_ctx, r);
	if (!NT_STATUS_IS_OK(status)) {
		return transport_error(rfr, name, status);
	}
	return MAPI_E_SUCCESS;
}

/* MS-OXABREF 3.1.4.2: cbMailboxServerDN counts the terminating NUL */
enum MAPISTATUS rfr_client_get_fqdn(struct rfr_client *rfr, TALLOC_CTX *mem_ctx,
				    const char *server_dn, const char **fqdn)
{
	struct RfrGetFQDNFromServerDN r;
	const char *answer = NULL;
	enum MAPISTATUS ret;
	size_t size;

	*fqdn = NULL;
	if (server_dn == NULL) {
		return MAPI_E_INVALID_PARAMETER;
	}
	size = strlen(server_dn) + 1;
	if (size < RFR_SERVER_DN_MIN || size > RFR_SERVER_DN_MAX) {
		return MAPI_E_INVALID_PARAMETER;
	}
	memset(&r, 0, sizeof(r));
	r.in.ulFlags = 0;
	r.in.cbMailboxServerDN = (uint32_t)size;
	r.in.szMailboxServerDN = server_dn;
	r.out.ppszServerFQDN = &answer;
	ret = call_rfr(rfr, "RfrGetFQDNFromServerDN", NDR_RFRGETFQDNFROMSERVERDN, mem_ctx, &r);
	if (ret != MAPI_E_SUCCESS) {
		return ret;
	}
	if (r.out.result != MAPI_E_SUCCESS) {
		return (enum MAPISTATUS)r.out.result;
	}
	if (answer == NULL) {
		return MAPI_E_CALL_FAILED;
	}
	*fqdn = answer;
	return MAPI_E_SUCCESS;
}

/* MS-OXABREF 3.1.4.1: ppszUnused and ppszServer are [in,out,unique] */
enum MAPISTATUS rfr_client_get_new_dsa(struct rfr_client *rfr, TALLOC_CTX *mem_ctx,
				       const char *user_dn, const char **server)
{
	struct RfrGetNewDSA r;
	const char *unused = NULL, *answer = NULL;
	enum MAPISTATUS ret;

	*server = NULL;
	memset(&r, 0, sizeof(r));
	r.in.ulFlags = 0;
	r.in.pUserDN = user_dn != NULL ? user_dn : "";
	r.in.ppszUnused = &unused;
	r.in.ppszServer = &answer;
	r.out.ppszUnused = &unused;
	r.out.ppszServer = &answer;
	ret = call_rfr(rfr, "RfrGetNewDSA", NDR_RFRGETNEWDSA, mem_ctx, &r);
	if (ret != MAPI_E_SUCCESS) {
		return ret;
	}
	if (r.out.result != MAPI_E_SUCCESS) {
		return (enum MAPISTATUS)r.out.result;
	}
	answer = r.out.ppszServer != NULL ? *r.out.ppszServer : NULL;
	if (answer == NULL || answer[0] == '\0') {
		return MAPI_E_CALL_FAILED;
	}
	*server = answer;
	return MAPI_E_SUCCESS;
}
