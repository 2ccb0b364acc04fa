/*
 * mapitest RFR: the referral service (MS-OXABREF 3.1.4): which NSPI server
 * to use, and the DNS name of the server a mailbox DN names.
 *
 * Copyright (C) OpenChange developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <strings.h>
#include <talloc.h>
#include <dcerpc.h>

#include "utils/mapitest/mapitest.h"
#include "libmapi/rfr_client.h"
#include "idl/gen_ndr_rfr.h"

/* MS-OXABREF 3.1.4.1: RfrGetNewDSA names an NSPI server (a DNS name) */
static enum mt_result t_get_new_dsa(struct mt_test *t)
{
	struct rfr_client *rfr;
	struct RfrGetNewDSA r;
	const char *unused = NULL, *server = NULL;
	NTSTATUS status;

	if (mt_rfr(t, &rfr) != MT_PASS) {
		return t->result;
	}
	memset(&r, 0, sizeof(r));
	r.in.ulFlags = 0;
	r.in.pUserDN = t->env->essdn;
	r.in.ppszUnused = &unused;
	r.in.ppszServer = &server;
	r.out.ppszUnused = &unused;
	r.out.ppszServer = &server;
	status = dcerpc_binding_handle_call(rfr->pipe->binding_handle, NULL, &ndr_table_rfri,
					    NDR_RFRGETNEWDSA, t->mem, &r);
	MT_EXPECT(t, NT_STATUS_IS_OK(status), "RfrGetNewDSA: %s", nt_errstr(status));
	MT_EXPECT_EQ(t, r.out.result, MAPI_E_SUCCESS, "RfrGetNewDSA result");
	/* [in,out,unique]: the answer comes in a pointer of its own */
	server = r.out.ppszServer != NULL ? *r.out.ppszServer : NULL;
	MT_EXPECT(t, server != NULL && server[0] != '\0', "no ppszServer");
	/* the server also serves NSPI: a client connects to the name it got */
	MT_EXPECT(t, t->env->server_fqdn == NULL || strcasecmp(server, t->env->server_fqdn) == 0,
		  "ppszServer '%s', the mailbox server is '%s'", server, t->env->server_fqdn);
	return MT_PASS;
}

/* MS-OXABREF 3.1.4.2: the FQDN of the user's home server */
static enum mt_result t_fqdn_of_home_server(struct mt_test *t)
{
	struct rfr_client *rfr;
	const char *fqdn = NULL;
	enum MAPISTATUS ret;

	if (t->env->home_server == NULL) {
		return mt_skip(t, "the address book names no home server for %s", t->env->username);
	}
	if (mt_rfr(t, &rfr) != MT_PASS) {
		return t->result;
	}
	ret = rfr_client_get_fqdn(rfr, t->mem, t->env->home_server, &fqdn);
	MT_EXPECT(t, ret == MAPI_E_SUCCESS, "RfrGetFQDNFromServerDN(%s): %s", t->env->home_server,
		  mt_status(t, ret));
	MT_EXPECT(t, fqdn != NULL && strchr(fqdn, '.') != NULL, "'%s' is not a DNS name",
		  fqdn ? fqdn : "(null)");
	return MT_PASS;
}

/*
 * MS-OXABREF 3.1.4.2: a DN that names no server the directory knows is an
 * error ("ecNotFound" for a well-formed unknown server, an invalid
 * parameter for a DN that is not a server DN at all); never a name.
 */
static enum mt_result t_fqdn_of_unknown_server(struct mt_test *t)
{
	static const char *const dns[] = {
		"/o=No Such Organization/ou=Nowhere/cn=Configuration/cn=Servers/cn=NOSUCHSERVER",
		"/o=No Such Organization/ou=Nowhere/cn=Recipients/cn=nobody",
	};
	struct rfr_client *rfr;
	size_t i;

	if (mt_rfr(t, &rfr) != MT_PASS) {
		return t->result;
	}
	for (i = 0; i < MT_COUNT(dns); i++) {
		const char *fqdn = NULL;
		enum MAPISTATUS ret = rfr_client_get_fqdn(rfr, t->mem, dns[i], &fqdn);

		MT_EXPECT(t, ret == MAPI_E_NOT_FOUND || ret == MAPI_E_INVALID_PARAMETER,
			  "RfrGetFQDNFromServerDN(%s): observed %s, expected ecNotFound or "
			  "ecInvalidParam", dns[i], mt_status(t, ret));
	}
	return MT_PASS;
}

/*
 * MS-OXABREF 3.1.4.1: pUserDN only steers the choice of NSPI server; a DN
 * that names no user still gets the name of one, never an empty answer.
 */
static enum mt_result t_get_new_dsa_bad_user_dn(struct mt_test *t)
{
	struct rfr_client *rfr;
	struct RfrGetNewDSA r;
	const char *unused = NULL, *server = NULL;
	NTSTATUS status;

	if (mt_rfr(t, &rfr) != MT_PASS) {
		return t->result;
	}
	memset(&r, 0, sizeof(r));
	r.in.pUserDN = "not a distinguished name at all";
	r.in.ppszUnused = &unused;
	r.in.ppszServer = &server;
	r.out.ppszUnused = &unused;
	r.out.ppszServer = &server;
	status = dcerpc_binding_handle_call(rfr->pipe->binding_handle, NULL, &ndr_table_rfri,
					    NDR_RFRGETNEWDSA, t->mem, &r);
	MT_EXPECT(t, NT_STATUS_IS_OK(status), "RfrGetNewDSA: %s", nt_errstr(status));
	MT_EXPECT(t, r.out.result == MAPI_E_SUCCESS, "RfrGetNewDSA with a bad user DN: %s",
		  mt_status(t, r.out.result));
	server = r.out.ppszServer != NULL ? *r.out.ppszServer : NULL;
	MT_EXPECT(t, server != NULL && strchr(server, '.') != NULL,
		  "ppszServer '%s' is not a DNS name", server ? server : "(null)");
	return MT_PASS;
}

/*
 * MS-OXABREF 3.1.4.2: cbMailboxServerDN is range(10,1024): a 5-byte DN is
 * refused (an RPC fault, or an error), never answered with a name; the
 * connection still serves a good request afterwards.
 */
static enum mt_result t_fqdn_too_short_dn(struct mt_test *t)
{
	struct rfr_client *rfr;
	struct RfrGetFQDNFromServerDN r;
	const char *fqdn = NULL;
	NTSTATUS status;
	enum MAPISTATUS ret;

	if (mt_rfr(t, &rfr) != MT_PASS) {
		return t->result;
	}
	memset(&r, 0, sizeof(r));
	r.in.cbMailboxServerDN = 5;
	r.in.szMailboxServerDN = "/o=x";
	r.out.ppszServerFQDN = &fqdn;
	status = dcerpc_binding_handle_call(rfr->pipe->binding_handle, NULL, &ndr_table_rfri,
					    NDR_RFRGETFQDNFROMSERVERDN, t->mem, &r);
	MT_EXPECT(t, !NT_STATUS_IS_OK(status) || r.out.result != MAPI_E_SUCCESS,
		  "a 5-byte server DN was answered with '%s'", fqdn ? fqdn : "(null)");
	if (t->env->home_server == NULL) {
		return MT_PASS;
	}
	/* a fault may end the association: a new connection, as a client would make */
	if (!NT_STATUS_IS_OK(status) && mt_rfr(t, &rfr) != MT_PASS) {
		return t->result;
	}
	fqdn = NULL;
	ret = rfr_client_get_fqdn(rfr, t->mem, t->env->home_server, &fqdn);
	MT_EXPECT(t, ret == MAPI_E_SUCCESS, "a good request after it: %s", mt_status(t, ret));
	return MT_PASS;
}

static const struct mt_test_def tests[] = {
	{ "get_new_dsa", "MS-OXABREF 3.1.4.1", "RfrGetNewDSA names the NSPI server to use",
	  t_get_new_dsa },
	{ "fqdn_of_home_server", "MS-OXABREF 3.1.4.2",
	  "RfrGetFQDNFromServerDN gives the DNS name of the user's home server",
	  t_fqdn_of_home_server },
	{ "fqdn_of_unknown_server", "MS-OXABREF 3.1.4.2",
	  "an unknown or non-server DN is an error, never a name", t_fqdn_of_unknown_server },
	{ "get_new_dsa_bad_user_dn", "MS-OXABREF 3.1.4.1",
	  "RfrGetNewDSA with a DN naming no user still names an NSPI server",
	  t_get_new_dsa_bad_user_dn },
	{ "fqdn_too_short_dn", "MS-OXABREF 3.1.4.2",
	  "a server DN shorter than cbMailboxServerDN's range (10) is refused, never answered",
	  t_fqdn_too_short_dn },
};

const struct mt_family mt_family_rfr = {
	"RFR", "the referral service (MS-OXABREF)", true, tests, MT_COUNT(tests),
};
