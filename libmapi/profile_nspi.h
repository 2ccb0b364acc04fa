/*
 * OpenChange libmapi: filling a MAPI profile from the server's address book.
 *
 * What Outlook does when it creates an Exchange profile: log on to the
 * address book (MS-OXNSPI) with the user's credentials, resolve the user's
 * name (NspiResolveNamesW) to their address book entry, read who they are
 * and where their mailbox lives, and ask the referral service (MS-OXABREF
 * RfrGetFQDNFromServerDN) for the DNS name of that mailbox server.
 *
 * Copyright (C) OpenChange developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef LIBMAPI_PROFILE_NSPI_H
#define LIBMAPI_PROFILE_NSPI_H

#include <stdbool.h>
#include <talloc.h>

#include "libmapi/profile.h"

struct profile_connection;
struct nspi_client;
struct cli_credentials;

/* One address book entry as --resolve shows it; strings are UTF-8 */
struct profile_ab_entry {
	const char *display_name;	/* PidTagDisplayName */
	const char *essdn;		/* PidTagEmailAddress: the legacyExchangeDN */
	const char *smtp_address;	/* PidTagSmtpAddress */
	const char *account;		/* PidTagAccount */
	const char *home_mdb;		/* PidTagAddressBookHomeMessageDatabase, NULL without a mailbox */
};

/*
 * Connects to the server of PROFILE (its binding, or ncacn_ip_tcp:SERVER
 * with sign or SEAL) as its user with PASSWORD, first RFR then NSPI, bound
 * with the profile's code page and locale (defaults 1252 and 0x0409 when
 * they are 0).  NTLM, or Kerberos only when profile->auth says so (the
 * realm is then required, and the server must be named by its DNS host
 * name, directly or by target_hostname= in the binding: an address is
 * MAPI_E_INVALID_PARAMETER).  MAPI_E_LOGON_FAILED: the credentials were refused;
 * MAPI_E_NETWORK_ERROR: the server could not be reached; the detail is in
 * profile_connection_error() when *out is set.
 */
enum MAPISTATUS profile_connect(TALLOC_CTX *mem_ctx, const struct mapi_profile *profile,
				const char *password, bool seal,
				struct profile_connection **out);

/* What went wrong last, in words, or NULL */
const char *profile_connection_error(const struct profile_connection *conn);

/* The bound NSPI session (the STAT it keeps, its server GUID), or NULL */
struct nspi_client *profile_connection_nspi(struct profile_connection *conn);

/* Lets Kerberos reach the KDC from within an RPC bind on EV (Kerberos logons only) */
struct tevent_context;
void profile_allow_kdc_calls(struct tevent_context *ev);

/* The credentials it logged on with (NTLM or Kerberos, with any ticket obtained) */
struct cli_credentials *profile_connection_credentials(struct profile_connection *conn);

/*
 * The DNS name of the Exchange server SERVER_DN names, through RFR
 * (RfrGetFQDNFromServerDN, MS-OXABREF 3.1.4.2); *fqdn under MEM_CTX.
 */
enum MAPISTATUS profile_server_fqdn(struct profile_connection *conn, TALLOC_CTX *mem_ctx,
				    const char *server_dn, const char **fqdn);

/* The binding string used, and the workstation name NTLM sent */
const char *profile_connection_binding(const struct profile_connection *conn);
const char *profile_connection_workstation(const struct profile_connection *conn);

/*
 * Resolves NAME (account, display name, SMTP address, ...: the server's
 * ambiguous name resolution, MS-OXNSPI 3.1.4.7) to one entry.
 * MAPI_E_NOT_FOUND: nothing matches; MAPI_E_AMBIGUOUS_RECIP: several do.
 */
enum MAPISTATUS profile_resolve_name(struct profile_connection *conn, TALLOC_CTX *mem_ctx,
				     const char *name, struct profile_ab_entry **entry);

/*
 * Fills PROFILE's essdn, display_name, smtp_address, home_mdb, home_server,
 * server_fqdn, binding and workstation from the server, resolving NAME
 * (profile->username when NULL).  Strings become talloc children of PROFILE.
 * MAPI_E_NOT_FOUND also when the entry has no mailbox (no home MDB) or the
 * referral service does not know its server.
 */
enum MAPISTATUS profile_fill_from_server(struct profile_connection *conn,
					 struct mapi_profile *profile, const char *name);

#endif
