/*
 * OpenChange libmapi: filling a MAPI profile from the server's address book.
 *
 * Copyright (C) OpenChange developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <sys/socket.h>
#include <stdarg.h>
#include <string.h>
#include <strings.h>
#include <talloc.h>
/* for tevent_loop_allow_nesting(): see profile_allow_kdc_calls() */
#define TEVENT_DEPRECATED
#include <tevent.h>
#include <param.h>
#include <credentials.h>
#include <dcerpc.h>

#include "libmapi/profile_nspi.h"
#include "libmapi/nspi_client.h"
#include "libmapi/rfr_client.h"
#include "libmapi/codepage.h"
#include "idl/gen_proptags.h"

/* MS-OXNSPI 2.2.9.1: the MIds NspiResolveNames answers for no or several matches */
#define MID_UNRESOLVED 0x00000000
#define MID_AMBIGUOUS 0x00000001

/* MS-OXCDATA 2.11.1: the property types a returned string may have, or an error */
#define PT_ERROR 0x000A
#define PT_STRING8 0x001E
#define PT_UNICODE 0x001F

#define DEFAULT_CODEPAGE 1252
#define DEFAULT_LOCALE 0x0409

struct profile_connection {
	struct tevent_context *ev;
	struct loadparm_context *lp_ctx;
	struct cli_credentials *creds;
	const char *binding;
	const char *nspi_binding;	/* where RFR's referral led (MS-OXABREF 3.1.4.1) */
	struct rfr_client *rfr;
	struct nspi_client *nspi;
	uint32_t codepage;
	const char *last_error;
};

static enum MAPISTATUS conn_fail(struct profile_connection *conn, enum MAPISTATUS ret,
				 const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static enum MAPISTATUS conn_fail(struct profile_connection *conn, enum MAPISTATUS ret,
				 const char *fmt, ...)
{
	va_list ap;

	talloc_free(discard_const_p(char, conn->last_error));
	va_start(ap, fmt);
	conn->last_error = talloc_vasprintf(conn, fmt, ap);
	va_end(ap);
	return ret;
}

const char *profile_connection_error(const struct profile_connection *conn)
{
	return conn->last_error;
}

/*
 * Samba's Kerberos client talks to the KDC from inside the RPC bind (the
 * gensec step runs in a tevent handler, and its send-to-KDC hook runs a
 * loop of its own on the same event context), which tevent aborts unless
 * nesting is allowed: Samba's own clients allow it on every context.
 */
void profile_allow_kdc_calls(struct tevent_context *ev)
{
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
	tevent_loop_allow_nesting(ev);
#pragma GCC diagnostic pop
}

struct nspi_client *profile_connection_nspi(struct profile_connection *conn)
{
	return conn->nspi;
}

struct cli_credentials *profile_connection_credentials(struct profile_connection *conn)
{
	return conn->creds;
}

const char *profile_connection_binding(const struct profile_connection *conn)
{
	return conn->binding;
}

const char *profile_connection_workstation(const struct profile_connection *conn)
{
	return cli_credentials_get_workstation(conn->creds);
}

/* An IPv4 or IPv6 literal: no service principal names one (RFC 4120 6.2.1 host names) */
static bool is_address(const char *host)
{
	unsigned char buf[16];

	return host != NULL && (inet_pton(AF_INET, host, buf) == 1 ||
				inet_pton(AF_INET6, host, buf) == 1);
}

/*
 * MS-OXABREF 3.1.4.1: the client asks RFR which NSPI server to use and
 * binds there.  The binding to follow is BINDING with its host replaced by
 * the referral, or BINDING itself when the referral names that host, when
 * the binding is not ncacn_ip_tcp or pins target_hostname (Kerberos' name
 * for the host it was given), when the profile already knows the name as
 * its server's (KNOWN_FQDN), or when this host cannot resolve the name:
 * a DC answers with its FQDN, which a client outside the domain's DNS
 * cannot resolve, and the server that answered RFR serves NSPI as well.
 */
static const char *referred_binding(TALLOC_CTX *mem_ctx, const char *binding,
				    const char *referral, const char *known_fqdn)
{
	static const char prefix[] = "ncacn_ip_tcp:";
	struct addrinfo hints, *found = NULL;
	const char *host, *options;
	size_t host_len;

	if (referral == NULL || strncmp(binding, prefix, sizeof(prefix) - 1) != 0 ||
	    strstr(binding, "target_hostname=") != NULL) {
		return binding;
	}
	host = binding + sizeof(prefix) - 1;
	options = strchr(host, '[');
	host_len = options != NULL ? (size_t)(options - host) : strlen(host);
	if (strlen(referral) == host_len && strncasecmp(host, referral, host_len) == 0) {
		return binding;
	}
	/* the name a stored profile already knows for the server it reaches: no lookup */
	if (known_fqdn != NULL && strcasecmp(referral, known_fqdn) == 0) {
		return binding;
	}
	memset(&hints, 0, sizeof(hints));
	hints.ai_socktype = SOCK_STREAM;
	if (getaddrinfo(referral, NULL, &hints, &found) != 0) {
		return binding;
	}
	freeaddrinfo(found);
	return talloc_asprintf(mem_ctx, "%s%s%s", prefix, referral, options != NULL ? options : "");
}

enum MAPISTATUS profile_connect(TALLOC_CTX *mem_ctx, const struct mapi_profile *profile,
				const char *password, bool seal,
				struct profile_connection **out)
{
	struct profile_connection *conn;
	const char *referral = NULL;
	enum MAPISTATUS ret;
	uint32_t locale;

	*out = NULL;
	if (profile == NULL || profile->username == NULL || password == NULL ||
	    (profile->binding == NULL && profile->server == NULL)) {
		return MAPI_E_INVALID_PARAMETER;
	}
	conn = talloc_zero(mem_ctx, struct profile_connection);
	if (conn == NULL) {
		return MAPI_E_NOT_ENOUGH_MEMORY;
	}
	*out = conn;
	conn->codepage = profile->codepage != 0 ? profile->codepage : DEFAULT_CODEPAGE;
	locale = profile->locale_id != 0 ? profile->locale_id : DEFAULT_LOCALE;
	/* MS-OXNSPI 3.1.4.1.1: NspiBind takes an 8-bit code page, never UTF-16 */
	if (!mapi_codepage_supported(conn->codepage) || conn->codepage == MAPI_CP_WINUNICODE) {
		return conn_fail(conn, MAPI_E_UNKNOWN_CPID, "code page %u is not supported",
				 conn->codepage);
	}

	dcerpc_init();
	conn->ev = tevent_context_init(conn);
	conn->lp_ctx = loadparm_init_global(false);
	conn->creds = cli_credentials_init(conn);
	conn->binding = profile->binding != NULL ? talloc_strdup(conn, profile->binding) :
		talloc_asprintf(conn, "ncacn_ip_tcp:%s[%s]", profile->server, seal ? "seal" : "sign");
	if (conn->ev == NULL || conn->lp_ctx == NULL || conn->creds == NULL || conn->binding == NULL) {
		return MAPI_E_NOT_ENOUGH_MEMORY;
	}
	cli_credentials_set_conf(conn->creds, conn->lp_ctx);
	cli_credentials_set_username(conn->creds, profile->username, CRED_SPECIFIED);
	cli_credentials_set_password(conn->creds, password, CRED_SPECIFIED);
	if (profile->domain != NULL) {
		cli_credentials_set_domain(conn->creds, profile->domain, CRED_SPECIFIED);
	}
	if (profile->realm != NULL) {
		cli_credentials_set_realm(conn->creds, profile->realm, CRED_SPECIFIED);
	}
	if (profile->workstation != NULL) {
		cli_credentials_set_workstation(conn->creds, profile->workstation, CRED_SPECIFIED);
	}
	if (profile->auth == PROFILE_AUTH_KERBEROS) {
		/*
		 * Kerberos or nothing: a silent fallback to NTLM would hide a
		 * broken Kerberos setup.  The principal is USER@REALM; the ticket
		 * is for host/NAME, NAME the binding's host or target_hostname.
		 */
		if (profile->realm == NULL || profile->realm[0] == '\0') {
			return conn_fail(conn, MAPI_E_INVALID_PARAMETER,
					 "Kerberos needs the realm (e.g. EXAMPLE.COM)");
		}
		if (profile->binding == NULL && is_address(profile->server)) {
			return conn_fail(conn, MAPI_E_INVALID_PARAMETER,
					 "Kerberos needs the server's DNS host name, not an address "
					 "(%s): give the name, or a binding with target_hostname=NAME",
					 profile->server);
		}
		cli_credentials_set_kerberos_state(conn->creds, CRED_USE_KERBEROS_REQUIRED,
						   CRED_SPECIFIED);
		profile_allow_kdc_calls(conn->ev);
	} else {
		cli_credentials_set_kerberos_state(conn->creds, CRED_USE_KERBEROS_DISABLED,
						   CRED_SPECIFIED);
	}

	/*
	 * RFR first: its connect tells a refused logon from an unreachable
	 * server (the NSPI session reports both as a transport error), and the
	 * profile needs it anyway for the server's FQDN.
	 */
	ret = rfr_client_connect(conn, conn->ev, conn->lp_ctx, conn->binding, conn->creds,
				 &conn->rfr);
	if (ret != MAPI_E_SUCCESS && profile->auth == PROFILE_AUTH_KERBEROS) {
		const char *detail = conn->rfr != NULL && conn->rfr->last_error != NULL ?
			conn->rfr->last_error : conn->binding;

		if (ret == MAPI_E_LOGON_FAILED) {
			return conn_fail(conn, ret, "Kerberos logon refused (wrong user name, realm "
					 "or password?): %s", detail);
		}
		/* samba's status for a KDC that never answered, and for a ticket it
		 * could not get (an address as host name, an unknown principal) */
		if (strstr(detail, "NT_STATUS_NO_LOGON_SERVERS") != NULL) {
			return conn_fail(conn, ret, "Kerberos: no KDC of realm %s answered (see "
					 "krb5.conf or $KRB5_CONFIG): %s", profile->realm, detail);
		}
		return conn_fail(conn, ret, "Kerberos: no ticket for the server; it must be named "
				 "by the DNS host name its service principal has (a host name, "
				 "or target_hostname=NAME in the binding), not an address: %s",
				 detail);
	}
	if (ret != MAPI_E_SUCCESS) {
		return conn_fail(conn, ret, "%s: %s",
				 ret == MAPI_E_LOGON_FAILED ? "logon refused (wrong user name or password?)" :
				 "cannot reach the server's referral service (RFR)",
				 conn->rfr != NULL && conn->rfr->last_error != NULL ?
				 conn->rfr->last_error : conn->binding);
	}
	ret = rfr_client_get_new_dsa(conn->rfr, conn, profile->essdn, &referral);
	if (ret != MAPI_E_SUCCESS) {
		return conn_fail(conn, ret, "RfrGetNewDSA: %s", conn->rfr->last_error != NULL ?
				 conn->rfr->last_error : mapi_errstr(ret));
	}
	conn->nspi_binding = referred_binding(conn, conn->binding, referral, profile->server_fqdn);
	if (conn->nspi_binding == NULL) {
		return MAPI_E_NOT_ENOUGH_MEMORY;
	}
	ret = nspi_client_connect(conn, conn->ev, conn->lp_ctx, conn->nspi_binding, conn->creds,
				  conn->codepage, &conn->nspi);
	if (ret != MAPI_E_SUCCESS) {
		if (conn->nspi_binding != conn->binding) {
			return conn_fail(conn, ret, "cannot bind to the address book server the "
					 "referral service named (%s): %s", referral,
					 conn->nspi != NULL && conn->nspi->last_error != NULL ?
					 conn->nspi->last_error : mapi_errstr(ret));
		}
		return conn_fail(conn, ret, "cannot bind to the address book (NSPI): %s",
				 conn->nspi != NULL && conn->nspi->last_error != NULL ?
				 conn->nspi->last_error : mapi_errstr(ret));
	}
	/* the STAT every later call carries: MS-OXNSPI 2.3.7 */
	conn->nspi->stat.TemplateLocale = locale;
	conn->nspi->stat.SortLocale = locale;
	return MAPI_E_SUCCESS;
}

/* A string property of ROW as UTF-8, or NULL when absent or an error value */
static const char *string_of(struct profile_connection *conn, TALLOC_CTX *mem_ctx,
			     const struct PropertyRow_r *row, uint32_t tag)
{
	const struct PropertyValue_r *v = nspi_row_find(row, tag);

	if (v == NULL) {
		return NULL;
	}
	switch (v->ulPropTag & 0xFFFF) {
	case PT_UNICODE:
		/* the NDR layer has already turned UTF-16 into UTF-8 */
		return v->Value.lpszW != NULL ? talloc_strdup(mem_ctx, v->Value.lpszW) : NULL;
	case PT_STRING8:
		/* MS-OXNSPI 3.1.4.3: 8-bit strings are in the STAT's code page */
		return v->Value.lpszA != NULL ?
			mapi_codepage_to_utf8(mem_ctx, v->Value.lpszA, conn->codepage) : NULL;
	case PT_ERROR:
	default:
		return NULL;
	}
}

enum MAPISTATUS profile_resolve_name(struct profile_connection *conn, TALLOC_CTX *mem_ctx,
				     const char *name, struct profile_ab_entry **out)
{
	static const uint32_t tags[] = {
		PidTagDisplayName, PidTagEmailAddress, PidTagSmtpAddress, PidTagAccount,
		PidTagAddressBookHomeMessageDatabase,
	};
	TALLOC_CTX *tmp;
	struct PropertyTagArray_r *columns, *mids = NULL;
	struct PropertyRowSet_r *rows = NULL;
	struct profile_ab_entry *entry;
	const struct PropertyRow_r *row;
	const char *names[1] = { name };
	enum MAPISTATUS ret;

	*out = NULL;
	if (conn->nspi == NULL || name == NULL || name[0] == '\0') {
		return conn_fail(conn, MAPI_E_INVALID_PARAMETER, "no name to resolve");
	}
	tmp = talloc_new(conn);
	columns = nspi_tag_array(tmp, tags, sizeof(tags) / sizeof(tags[0]));
	if (columns == NULL) {
		talloc_free(tmp);
		return MAPI_E_NOT_ENOUGH_MEMORY;
	}
	ret = nspi_client_resolve_names(conn->nspi, tmp, names, 1, columns, &mids, &rows);
	if (ret != MAPI_E_SUCCESS) {
		talloc_free(tmp);
		return conn_fail(conn, ret, "NspiResolveNamesW: %s%s%s", mapi_errstr(ret),
				 conn->nspi->last_error != NULL ? ": " : "",
				 conn->nspi->last_error != NULL ? conn->nspi->last_error : "");
	}
	/* MS-OXNSPI 3.1.4.1.17: one MId per name, one row per resolved name */
	if (mids == NULL || mids->cValues != 1) {
		talloc_free(tmp);
		return conn_fail(conn, MAPI_E_CALL_FAILED,
				 "NspiResolveNamesW answered %u MIds for one name",
				 mids != NULL ? mids->cValues : 0);
	}
	if (mids->aulPropTag[0] == MID_UNRESOLVED) {
		talloc_free(tmp);
		return conn_fail(conn, MAPI_E_NOT_FOUND, "'%s' is not in the address book", name);
	}
	if (mids->aulPropTag[0] == MID_AMBIGUOUS) {
		talloc_free(tmp);
		return conn_fail(conn, MAPI_E_AMBIGUOUS_RECIP,
				 "'%s' matches several address book entries; be more precise", name);
	}
	if (rows == NULL || rows->cRows != 1) {
		talloc_free(tmp);
		return conn_fail(conn, MAPI_E_CALL_FAILED,
				 "NspiResolveNamesW resolved '%s' without its row", name);
	}
	row = &rows->aRow[0];
	entry = talloc_zero(mem_ctx, struct profile_ab_entry);
	if (entry == NULL) {
		talloc_free(tmp);
		return MAPI_E_NOT_ENOUGH_MEMORY;
	}
	entry->display_name = string_of(conn, entry, row, PidTagDisplayName);
	entry->essdn = string_of(conn, entry, row, PidTagEmailAddress);
	entry->smtp_address = string_of(conn, entry, row, PidTagSmtpAddress);
	entry->account = string_of(conn, entry, row, PidTagAccount);
	entry->home_mdb = string_of(conn, entry, row, PidTagAddressBookHomeMessageDatabase);
	talloc_free(tmp);
	if (entry->essdn == NULL) {
		/* every address book entry has one (MS-OXNSPI 2.2.9.3's DN) */
		talloc_free(entry);
		return conn_fail(conn, MAPI_E_CALL_FAILED, "the entry for '%s' has no address", name);
	}
	*out = entry;
	return MAPI_E_SUCCESS;
}

enum MAPISTATUS profile_server_fqdn(struct profile_connection *conn, TALLOC_CTX *mem_ctx,
				    const char *server_dn, const char **fqdn)
{
	enum MAPISTATUS ret = rfr_client_get_fqdn(conn->rfr, mem_ctx, server_dn, fqdn);

	if (ret != MAPI_E_SUCCESS) {
		return conn_fail(conn, ret, "RfrGetFQDNFromServerDN(%s): %s", server_dn,
				 conn->rfr->last_error != NULL ? conn->rfr->last_error : mapi_errstr(ret));
	}
	return MAPI_E_SUCCESS;
}

enum MAPISTATUS profile_fill_from_server(struct profile_connection *conn,
					 struct mapi_profile *profile, const char *name)
{
	struct profile_ab_entry *entry = NULL;
	const char *fqdn = NULL;
	char *home_server;
	enum MAPISTATUS ret;

	if (profile == NULL) {
		return MAPI_E_INVALID_PARAMETER;
	}
	ret = profile_resolve_name(conn, profile, name != NULL ? name : profile->username, &entry);
	if (ret != MAPI_E_SUCCESS) {
		return ret;
	}
	if (entry->home_mdb == NULL) {
		return conn_fail(conn, MAPI_E_NOT_FOUND,
				 "%s has no mailbox (no home message database in the address book)",
				 entry->essdn);
	}
	home_server = profile_home_server_of_mdb(profile, entry->home_mdb);
	if (home_server == NULL) {
		return conn_fail(conn, MAPI_E_CORRUPT_DATA,
				 "the home message database DN '%s' names no server", entry->home_mdb);
	}
	/* MS-OXABREF 3.1.4.2: the server's DNS name, from its DN */
	ret = rfr_client_get_fqdn(conn->rfr, profile, home_server, &fqdn);
	if (ret != MAPI_E_SUCCESS) {
		return conn_fail(conn, ret, "RfrGetFQDNFromServerDN(%s): %s%s%s", home_server,
				 mapi_errstr(ret), conn->rfr->last_error != NULL ? ": " : "",
				 conn->rfr->last_error != NULL ? conn->rfr->last_error : "");
	}
	profile->essdn = entry->essdn;
	profile->display_name = entry->display_name;
	profile->smtp_address = entry->smtp_address;
	profile->home_mdb = entry->home_mdb;
	profile->home_server = home_server;
	profile->server_fqdn = fqdn;
	profile->binding = talloc_strdup(profile, conn->binding);
	if (profile->workstation == NULL) {
		const char *ws = profile_connection_workstation(conn);

		profile->workstation = ws != NULL ? talloc_strdup(profile, ws) : NULL;
	}
	if (profile->codepage == 0) {
		profile->codepage = conn->codepage;
	}
	if (profile->locale_id == 0) {
		profile->locale_id = conn->nspi->stat.TemplateLocale;
	}
	/* the entry's strings now belong to the profile */
	talloc_steal(profile, entry);
	return MAPI_E_SUCCESS;
}
