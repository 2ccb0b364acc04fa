/*
 * OpenChange libmapi: an RFR (MS-OXABREF) client.
 *
 * The referral interface tells a client which NSPI server to use
 * (RfrGetNewDSA, not needed yet: one OpenChange server is its own NSPI
 * server) and the DNS name of the server a mailbox DN names
 * (RfrGetFQDNFromServerDN), which profile creation asks for the user's
 * home server.  Transport failures are MAPI_E_NETWORK_ERROR (or
 * MAPI_E_LOGON_FAILED for refused credentials) with the detail in
 * last_error; other errors are the server's.
 *
 * Copyright (C) OpenChange developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef LIBMAPI_RFR_CLIENT_H
#define LIBMAPI_RFR_CLIENT_H

#include <stdint.h>
#include <talloc.h>

#include "idl/gen_rfr.h"
#include "idl/gen_errors.h"

struct tevent_context;
struct loadparm_context;
struct cli_credentials;
struct dcerpc_pipe;

struct rfr_client {
	struct dcerpc_pipe *pipe;
	const char *last_error;
};

/* MS-OXABREF 3.1.4.2: cbMailboxServerDN is range(10,1024), NUL included */
#define RFR_SERVER_DN_MIN 10
#define RFR_SERVER_DN_MAX 1024

/* Connects to BINDING as CREDS; the client is a talloc child of MEM_CTX.
 * On a transport failure *out is still set (unconnected) for last_error. */
enum MAPISTATUS rfr_client_connect(TALLOC_CTX *mem_ctx, struct tevent_context *ev,
				   struct loadparm_context *lp_ctx, const char *binding,
				   struct cli_credentials *creds, struct rfr_client **out);

/* RfrGetFQDNFromServerDN (3.1.4.2): the FQDN of the server SERVER_DN (a
 * server's or one of its databases' legacy DN).  MAPI_E_INVALID_PARAMETER
 * locally when the DN does not fit the call's range. */
enum MAPISTATUS rfr_client_get_fqdn(struct rfr_client *rfr, TALLOC_CTX *mem_ctx,
				    const char *server_dn, const char **fqdn);

/* RfrGetNewDSA (3.1.4.1): the name of the NSPI server USER_DN (may be
 * NULL) should use, under MEM_CTX. */
enum MAPISTATUS rfr_client_get_new_dsa(struct rfr_client *rfr, TALLOC_CTX *mem_ctx,
				       const char *user_dn, const char **server);

#endif
