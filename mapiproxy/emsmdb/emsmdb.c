/*
 * OpenChange mapiproxy: the EMSMDB and AsyncEMSMDB providers (MS-OXCRPC
 * 3.1.4 and 3.3.4).
 *
 * An EMSMDB session is a Samba context handle (the spec's CXH) whose data
 * is a struct emsmdb_rpc_session; the Session Context itself
 * (session.c) is its talloc child, so EcDoDisconnect, a dropped
 * connection or the end of the association group all release everything
 * a session holds through one talloc_free().  Samba only lets the
 * authenticated user that created a context handle use it.
 *
 * The asynchronous context handle (ACXH) is used on the other interface,
 * usually over another connection, where Samba's handles of this one are
 * not visible: it is a handle of our own, looked up in this process's
 * session registry.
 *
 * Copyright (C) OpenChange developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <talloc.h>
#include <tevent.h>
#include <ldb.h>
#include <param.h>
#include <util/time.h>
#include <dcesrv_core.h>
#include <gen_ndr/auth.h>
#include <gen_ndr/security.h>

#include "idl/gen_ndr_emsmdb.h"
#include "idl/gen_errors.h"
#include "libmapi/auxbuf.h"
#include "libmapi/codepage.h"
#include "libmapi/rpc_ext.h"
#include "mapiproxy/debug.h"
#include "mapiproxy/directory.h"
#include "mapiproxy/provider.h"
#include "mapiproxy/emsmdb/session.h"
#include "mapiproxy/emsmdb/oxcstor.h"
#include "mapiproxy/emsmdb/rpc.h"

/* Samba context handle type of a CXH (any value unique to this interface) */
#define EMSMDB_HANDLE_CXH 1
/* the first GUID field of our ACXHs, to tell them from stray handles */
#define EMSMDB_HANDLE_ACXH 2

/* MS-OXCRPC 3.3.4.1: pulFlagsOut */
#define EMSMDB_NOTIFICATION_PENDING 0x00000001

/*
 * Implementation-dependent answers of EcDoConnectEx (3.1.4.1): poll every
 * minute, retry a busy server 6 times 10 s apart, as Exchange does.
 */
#define EMSMDB_POLLS_MAX_MS 60000
#define EMSMDB_RETRY_COUNT 6
#define EMSMDB_RETRY_DELAY_MS 10000

/* MS-OXCRPC 3.1.4.2 / 3.1.4.1: what the RPC layer refuses outright */
#define EMSMDB_MAX_AUX_IN 0x1008

/* EcRRegisterPushNotification: the client MUST pass grbitAdviseBits = 0xFFFFFFFF (3.1.4.5) */
#define EMSMDB_ADVISE_BITS_ALL 0xFFFFFFFF

struct emsmdb_async_wait;

/* What a CXH's data points to. */
struct emsmdb_rpc_session {
	struct emsmdb_rpc_session *prev, *next;	/* the process's registry */
	struct emsmdb_session *session;
	const void *connection;			/* for the per-connection limit */
	char *user_sid;
	char *openchange_ldb;			/* the mailbox directory RopLogon reads */
	struct ldb_context *samdb;		/* the process's sam.ldb (not ours) */
	bool has_acxh;
	struct GUID acxh;
	struct emsmdb_async_wait *waits;
};

/* One outstanding EcDoAsyncWaitEx. */
struct emsmdb_async_wait {
	struct emsmdb_async_wait *prev, *next;
	struct emsmdb_rpc_session *owner;	/* NULL once detached */
	struct dcesrv_call_state *dce_call;
	struct EcDoAsyncWaitEx *r;
	struct tevent_context *ev;
	struct tevent_timer *timer;
	uint32_t flags_out;
};

/* Process-wide: the sessions of this samba process and the smb.conf limits. */
static struct emsmdb_rpc_session *registry;
static struct emsmdb_limits configured_limits;
static bool limits_loaded;
static uint16_t next_session_index;

/* ------------------------------------------------------------------ helpers */

#define DLIST_ADD_HEAD(list, item) do { \
	(item)->prev = NULL; (item)->next = (list); \
	if ((list) != NULL) { (list)->prev = (item); } \
	(list) = (item); \
} while (0)

#define DLIST_UNLINK(list, item) do { \
	if ((item)->prev != NULL) { (item)->prev->next = (item)->next; } \
	else if ((list) == (item)) { (list) = (item)->next; } \
	if ((item)->next != NULL) { (item)->next->prev = (item)->prev; } \
	(item)->prev = (item)->next = NULL; \
} while (0)

static NTSTATUS call_fault(struct dcesrv_call_state *dce_call, uint32_t fault_code)
{
	dce_call->fault_code = fault_code;
	return NT_STATUS_NET_WRITE_FAULT;
}

static char *sid_string(TALLOC_CTX *mem_ctx, const struct dom_sid *sid)
{
	uint64_t authority = 0;
	char *text;
	int i;

	for (i = 0; i < 6; i++) {
		authority = (authority << 8) | sid->id_auth[i];
	}
	text = talloc_asprintf(mem_ctx, "S-%u-%llu", sid->sid_rev_num, (unsigned long long)authority);
	for (i = 0; text != NULL && i < sid->num_auths && i < 15; i++) {
		text = talloc_asprintf_append(text, "-%u", sid->sub_auths[i]);
	}
	return text;
}

/* objectSid as stored in sam.ldb (MS-DTYP 2.4.2.2, sub-authorities little-endian) */
static bool sid_equals_blob(const struct dom_sid *sid, const uint8_t *data, size_t length)
{
	size_t i;

	if (data == NULL || length < 8 || sid->num_auths > 15 ||
	    length != 8 + 4 * (size_t)sid->num_auths) {
		return false;
	}
	if (data[0] != sid->sid_rev_num || data[1] != sid->num_auths ||
	    memcmp(data + 2, sid->id_auth, 6) != 0) {
		return false;
	}
	for (i = 0; i < (size_t)sid->num_auths; i++) {
		const uint8_t *p = data + 8 + 4 * i;
		uint32_t v = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
			     (uint32_t)p[3] << 24;

		if (v != sid->sub_auths[i]) {
			return false;
		}
	}
	return true;
}

/* BUILTIN\Administrators, S-1-5-32-544 */
static bool token_is_admin(const struct security_token *token)
{
	static const uint8_t nt_authority[6] = { 0, 0, 0, 0, 0, 5 };
	uint32_t i;

	for (i = 0; i < token->num_sids; i++) {
		const struct dom_sid *sid = &token->sids[i];

		if (sid->sid_rev_num == 1 && sid->num_auths == 2 &&
		    memcmp(sid->id_auth, nt_authority, 6) == 0 &&
		    sid->sub_auths[0] == 32 && sid->sub_auths[1] == 544) {
			return true;
		}
	}
	return false;
}

static uint32_t parm_uint(struct loadparm_context *lp_ctx, const char *name, uint32_t def)
{
	const char *value = lpcfg_parm_string(lp_ctx, NULL, "mapiproxy", name);
	char *end = NULL;
	unsigned long v;

	if (value == NULL || value[0] == '\0') {
		return def;
	}
	v = strtoul(value, &end, 10);
	if (end == NULL || *end != '\0' || v == 0 || v > 0xFFFFFFFFul) {
		DEBUG(0, ("mapiproxy: smb.conf 'mapiproxy:%s = %s' is not a positive number; using %u\n",
			  name, value, def));
		return def;
	}
	return (uint32_t)v;
}

/* mapiproxy:async_wait_timeout is in seconds and may have a fraction ("0.5"). */
static uint32_t parm_seconds_ms(struct loadparm_context *lp_ctx, const char *name, uint32_t def_ms)
{
	const char *value = lpcfg_parm_string(lp_ctx, NULL, "mapiproxy", name);
	char *end = NULL;
	double v;

	if (value == NULL || value[0] == '\0') {
		return def_ms;
	}
	v = strtod(value, &end);
	if (end == NULL || *end != '\0' || !(v > 0) || v > 86400) {
		DEBUG(0, ("mapiproxy: smb.conf 'mapiproxy:%s = %s' is not a number of seconds; "
			  "using %u ms\n", name, value, def_ms));
		return def_ms;
	}
	return (uint32_t)(v * 1000.0 + 0.5);
}

static void load_limits(struct loadparm_context *lp_ctx)
{
	emsmdb_limits_default(&configured_limits);
	configured_limits.max_handles = parm_uint(lp_ctx, "max_handles_per_session",
						  configured_limits.max_handles);
	if (configured_limits.max_handles > 0xFFFF) {
		configured_limits.max_handles = 0xFFFF;
	}
	configured_limits.max_sessions_per_user = parm_uint(lp_ctx, "max_sessions_per_user",
							    configured_limits.max_sessions_per_user);
	configured_limits.max_sessions_per_connection =
		parm_uint(lp_ctx, "max_sessions_per_connection",
			  configured_limits.max_sessions_per_connection);
	configured_limits.async_wait_timeout_ms =
		parm_seconds_ms(lp_ctx, "async_wait_timeout", configured_limits.async_wait_timeout_ms);
	limits_loaded = true;
}

static NTSTATUS emsmdb_init(struct dcesrv_context *dce_ctx)
{
	load_limits(dce_ctx->lp_ctx);
	DEBUG(3, ("mapiproxy: EMSMDB limits: %u handles/session, %u sessions/user, "
		  "%u sessions/connection, async wait %u ms\n",
		  configured_limits.max_handles, configured_limits.max_sessions_per_user,
		  configured_limits.max_sessions_per_connection,
		  configured_limits.async_wait_timeout_ms));
	return NT_STATUS_OK;
}

/* ------------------------------------------------------------------ async waits */

static void async_wait_finish(struct tevent_context *ev, struct tevent_timer *timer,
			      struct timeval now, void *private_data)
{
	struct emsmdb_async_wait *wait = talloc_get_type_abort(private_data, struct emsmdb_async_wait);
	struct dcesrv_call_state *dce_call = wait->dce_call;
	NTSTATUS status;

	wait->timer = NULL;
	if (wait->owner != NULL) {
		DLIST_UNLINK(wait->owner->waits, wait);
		wait->owner = NULL;
	}
	*wait->r->out.pulFlagsOut = wait->flags_out;
	wait->r->out.result = MAPI_E_SUCCESS;
	status = dcesrv_reply(dce_call);
	if (!NT_STATUS_IS_OK(status)) {
		DEBUG(2, ("mapiproxy: EcDoAsyncWaitEx reply failed: %s\n", nt_errstr(status)));
	}
}

static int async_wait_destructor(struct emsmdb_async_wait *wait)
{
	if (wait->owner != NULL) {
		DLIST_UNLINK(wait->owner->waits, wait);
		wait->owner = NULL;
	}
	return 0;
}

/*
 * Ends every wait of a session at once (disconnect, notification): through
 * a zero timer, so the reply goes out from the event loop rather than from
 * whatever freed the session, and never after the wait's own call is gone.
 */
static void session_wake_waits(struct emsmdb_rpc_session *rs, uint32_t flags_out)
{
	while (rs->waits != NULL) {
		struct emsmdb_async_wait *wait = rs->waits;

		DLIST_UNLINK(rs->waits, wait);
		wait->owner = NULL;
		wait->flags_out = flags_out;
		TALLOC_FREE(wait->timer);
		wait->timer = tevent_add_timer(wait->ev, wait, timeval_zero(), async_wait_finish, wait);
		if (wait->timer == NULL) {
			DEBUG(0, ("mapiproxy: no memory to end an EcDoAsyncWaitEx\n"));
		}
	}
}

/* ------------------------------------------------------------------ sessions */

static int rpc_session_destructor(struct emsmdb_rpc_session *rs)
{
	DLIST_UNLINK(registry, rs);
	session_wake_waits(rs, 0);
	DEBUG(5, ("mapiproxy: EMSMDB session %u of %s ended after %llu EcDoRpcExt2 calls\n",
		  rs->session != NULL ? rs->session->session_index : 0,
		  rs->session != NULL && rs->session->user_dn ? rs->session->user_dn : "?",
		  rs->session != NULL ? (unsigned long long)rs->session->rop_calls : 0ULL));
	return 0;
}

static bool session_index_used(uint16_t index)
{
	const struct emsmdb_rpc_session *rs;

	for (rs = registry; rs != NULL; rs = rs->next) {
		if (rs->session->session_index == index) {
			return true;
		}
	}
	return false;
}

/* MS-OXCRPC 3.1.4.1: no two active sessions share a session index. */
static bool allocate_session_index(uint16_t *index)
{
	uint32_t tries;

	for (tries = 0; tries < 0x10000; tries++) {
		uint16_t candidate = next_session_index++;

		if (!session_index_used(candidate)) {
			*index = candidate;
			return true;
		}
	}
	return false;
}

static void count_sessions(const char *user_sid, const void *connection,
			   uint32_t *per_user, uint32_t *per_connection)
{
	const struct emsmdb_rpc_session *rs;

	*per_user = *per_connection = 0;
	for (rs = registry; rs != NULL; rs = rs->next) {
		if (strcmp(rs->user_sid, user_sid) == 0) {
			(*per_user)++;
		}
		if (rs->connection == connection) {
			(*per_connection)++;
		}
	}
}

static struct emsmdb_rpc_session *lookup_session(struct dcesrv_call_state *dce_call,
						 const struct policy_handle *handle)
{
	struct dcesrv_handle *h = dcesrv_handle_lookup(dce_call, handle, EMSMDB_HANDLE_CXH);

	if (h == NULL || h->data == NULL) {
		return NULL;
	}
	return talloc_get_type(h->data, struct emsmdb_rpc_session);
}

/*
 * The owner of szUserDN: its legacyExchangeDN names a user whose objectSid
 * is the caller's own (DESIGN.md decision 6: a user connects only as
 * themselves).  The display name comes from the same entry.
 */
static enum MAPISTATUS check_owner(struct dcesrv_call_state *dce_call, TALLOC_CTX *mem_ctx,
				   const char *user_dn, const struct dom_sid *caller,
				   const char **display_name)
{
	static const char * const attrs[] = { "objectSid", "displayName", "cn", NULL };
	const struct ldb_message_element *sid_el;
	struct ldb_context *samdb = mapiproxy_samdb(dce_call);
	struct ldb_result *res = NULL;
	const char *name;
	char *escaped;
	int ret;

	if (samdb == NULL) {
		return MAPI_E_CALL_FAILED;
	}
	escaped = ldb_binary_encode_string(mem_ctx, user_dn);
	if (escaped == NULL) {
		return MAPI_E_NOT_ENOUGH_MEMORY;
	}
	ret = ldb_search(samdb, mem_ctx, &res, ldb_get_default_basedn(samdb), LDB_SCOPE_SUBTREE,
			 attrs, "(&(objectClass=user)(legacyExchangeDN=%s))", escaped);
	if (ret != LDB_SUCCESS) {
		DEBUG(1, ("mapiproxy: EcDoConnectEx: searching %s: %s\n", user_dn, ldb_errstring(samdb)));
		return MAPI_E_CALL_FAILED;
	}
	if (res->count != 1) {
		return EC_UNKNOWN_USER;
	}
	sid_el = ldb_msg_find_element(res->msgs[0], "objectSid");
	if (sid_el == NULL || sid_el->num_values != 1 ||
	    !sid_equals_blob(caller, sid_el->values[0].data, sid_el->values[0].length)) {
		return MAPI_E_NO_ACCESS;
	}
	name = ldb_msg_find_attr_as_string(res->msgs[0], "displayName", NULL);
	if (name == NULL) {
		name = ldb_msg_find_attr_as_string(res->msgs[0], "cn", "");
	}
	*display_name = talloc_strdup(mem_ctx, name);
	return *display_name != NULL ? MAPI_E_SUCCESS : MAPI_E_NOT_ENOUGH_MEMORY;
}

/*
 * The public store of openchange.ldb's server record (doc/directory.md):
 * <mapistoreRoot>/public/public.db, and the server's legacyExchangeDN for
 * RopGetOwningServers.  Read-only, per logon, as the mailbox records.
 */
static enum MAPISTATUS openchange_public_store_lookup(void *private_data, TALLOC_CTX *mem_ctx,
						      struct emsmdb_public_store_info *out)
{
	static const char * const attrs[] = { "mapistoreRoot", "legacyExchangeDN", NULL };
	const char *path = private_data;
	TALLOC_CTX *tmp = talloc_new(mem_ctx);
	struct ldb_context *ldb;
	struct ldb_result *res = NULL;
	enum MAPISTATUS status = MAPI_E_NOT_FOUND;
	const char *root, *server;
	int ret;

	if (tmp == NULL || path == NULL) {
		talloc_free(tmp);
		return MAPI_E_NOT_ENOUGH_MEMORY;
	}
	ldb = ldb_init(tmp, NULL);
	if (ldb == NULL || ldb_connect(ldb, path, LDB_FLG_RDONLY, NULL) != LDB_SUCCESS) {
		DEBUG(1, ("mapiproxy: public logon: opening %s failed\n", path));
		goto done;
	}
	ret = ldb_search(ldb, tmp, &res, NULL, LDB_SCOPE_SUBTREE, attrs, "(objectClass=server)");
	if (ret != LDB_SUCCESS || res->count != 1) {
		DEBUG(1, ("mapiproxy: public logon: %s has no single server record\n", path));
		goto done;
	}
	root = ldb_msg_find_attr_as_string(res->msgs[0], "mapistoreRoot", NULL);
	server = ldb_msg_find_attr_as_string(res->msgs[0], "legacyExchangeDN", NULL);
	if (root == NULL || root[0] != '/' || server == NULL) {
		DEBUG(1, ("mapiproxy: public logon: the server record of %s is incomplete\n", path));
		goto done;
	}
	out->uri = talloc_asprintf(mem_ctx, "sqlite3://%s/public/public.db", root);
	out->server_legacy_dn = talloc_strdup(mem_ctx, server);
	status = out->uri != NULL && out->server_legacy_dn != NULL ?
		MAPI_E_SUCCESS : MAPI_E_NOT_ENOUGH_MEMORY;
done:
	talloc_free(tmp);
	return status;
}

/*
 * Where the mailbox of ESSDN lives when this server has no record of it
 * (oxcstor.c, redirect_or_unknown()): the msExchHomeServerName of the mail
 * user whose legacyExchangeDN is ESSDN, unless that is this server (the
 * legacyExchangeDN of openchange.ldb's server record).
 */
static enum MAPISTATUS openchange_home_server_lookup(void *private_data, TALLOC_CTX *mem_ctx,
						     const char *essdn, const char **server)
{
	static const char * const attrs[] = { "msExchHomeServerName", NULL };
	struct emsmdb_rpc_session *rs = private_data;
	struct emsmdb_public_store_info self;
	TALLOC_CTX *tmp = talloc_new(mem_ctx);
	struct ldb_result *res = NULL;
	enum MAPISTATUS status = MAPI_E_NOT_FOUND;
	const char *home;
	char *escaped;
	int ret;

	if (tmp == NULL || rs->samdb == NULL) {
		talloc_free(tmp);
		return MAPI_E_NOT_FOUND;
	}
	escaped = ldb_binary_encode_string(tmp, essdn);
	if (escaped == NULL) {
		goto done;
	}
	ret = ldb_search(rs->samdb, tmp, &res, ldb_get_default_basedn(rs->samdb), LDB_SCOPE_SUBTREE,
			 attrs, "(&(objectClass=user)(legacyExchangeDN=%s)(msExchHomeServerName=*))",
			 escaped);
	if (ret != LDB_SUCCESS || res->count != 1) {
		goto done;
	}
	home = ldb_msg_find_attr_as_string(res->msgs[0], "msExchHomeServerName", NULL);
	if (home == NULL || home[0] == '\0' ||
	    openchange_public_store_lookup(rs->openchange_ldb, tmp, &self) != MAPI_E_SUCCESS ||
	    strcasecmp(home, self.server_legacy_dn) == 0) {
		goto done;
	}
	DEBUG(3, ("mapiproxy: RopLogon: %s is homed on %s: redirecting\n", essdn, home));
	*server = talloc_strdup(mem_ctx, home);
	status = *server != NULL ? MAPI_E_SUCCESS : MAPI_E_NOT_ENOUGH_MEMORY;
done:
	talloc_free(tmp);
	return status;
}

/*
 * The mailbox record of ESSDN in openchange.ldb (doc/directory.md), for
 * RopLogon (oxcstor.c).  The file is opened read-only for each logon: a
 * logon is rare, and openchange_newuser may have added the record since
 * the last one.
 */
static enum MAPISTATUS openchange_mailbox_lookup(void *private_data, TALLOC_CTX *mem_ctx,
						 const char *essdn, struct emsmdb_mailbox_info *out)
{
	static const char * const attrs[] = { "ownerSID", "legacyExchangeDN", "mapistoreURI",
					      "mailboxGUID", "replicaID", "replicaGUID",
					      "enabled", "cn", NULL };
	const char *path = private_data;
	TALLOC_CTX *tmp = talloc_new(mem_ctx);
	struct ldb_context *ldb;
	struct ldb_result *res = NULL;
	const struct ldb_message *msg;
	enum MAPISTATUS status = MAPI_E_LOGON_FAILED;
	const char *enabled;
	char *escaped;
	unsigned long replica_id;
	int ret;

	if (tmp == NULL || path == NULL) {
		talloc_free(tmp);
		return MAPI_E_NOT_ENOUGH_MEMORY;
	}
	ldb = ldb_init(tmp, NULL);
	if (ldb == NULL) {
		goto done;
	}
	ret = ldb_connect(ldb, path, LDB_FLG_RDONLY, NULL);
	if (ret != LDB_SUCCESS) {
		DEBUG(1, ("mapiproxy: RopLogon: opening %s: %s\n", path, ldb_errstring(ldb)));
		goto done;
	}
	escaped = ldb_binary_encode_string(tmp, essdn);
	if (escaped == NULL) {
		status = MAPI_E_NOT_ENOUGH_MEMORY;
		goto done;
	}
	ret = ldb_search(ldb, tmp, &res, NULL, LDB_SCOPE_SUBTREE, attrs,
			 "(&(objectClass=mailbox)(legacyExchangeDN=%s))", escaped);
	if (ret != LDB_SUCCESS) {
		DEBUG(1, ("mapiproxy: RopLogon: searching %s: %s\n", essdn, ldb_errstring(ldb)));
		goto done;
	}
	if (res->count == 0) {
		status = MAPI_E_NOT_FOUND;
		goto done;
	}
	if (res->count != 1) {
		DEBUG(1, ("mapiproxy: RopLogon: %u mailbox records for %s\n", res->count, essdn));
		goto done;
	}
	msg = res->msgs[0];
	memset(out, 0, sizeof(*out));
	out->owner_sid = talloc_strdup(mem_ctx, ldb_msg_find_attr_as_string(msg, "ownerSID", ""));
	out->legacy_dn = talloc_strdup(mem_ctx, ldb_msg_find_attr_as_string(msg, "legacyExchangeDN",
									    essdn));
	out->uri = ldb_msg_find_attr_as_string(msg, "mapistoreURI", NULL);
	if (out->uri != NULL) {
		out->uri = talloc_strdup(mem_ctx, out->uri);
	}
	out->owner_name = talloc_strdup(mem_ctx, ldb_msg_find_attr_as_string(msg, "cn", ""));
	enabled = ldb_msg_find_attr_as_string(msg, "enabled", "TRUE");
	out->enabled = strcasecmp(enabled, "TRUE") == 0;
	replica_id = strtoul(ldb_msg_find_attr_as_string(msg, "replicaID", "1"), NULL, 10);
	if (replica_id == 0 || replica_id > 0xFFFF ||
	    !emsmdb_guid_from_string(ldb_msg_find_attr_as_string(msg, "mailboxGUID", NULL),
				     out->mailbox_guid) ||
	    !emsmdb_guid_from_string(ldb_msg_find_attr_as_string(msg, "replicaGUID", NULL),
				     out->replica_guid)) {
		DEBUG(1, ("mapiproxy: RopLogon: the mailbox record of %s is malformed\n", essdn));
		goto done;
	}
	out->replica_id = (uint16_t)replica_id;
	status = out->owner_sid != NULL && out->legacy_dn != NULL && out->owner_name != NULL ?
		MAPI_E_SUCCESS : MAPI_E_NOT_ENOUGH_MEMORY;
done:
	talloc_free(tmp);
	return status;
}

/* "/o=ORG/ou=AG/cn=Recipients/cn=nick" -> "/o=ORG/ou=AG/cn=Recipients/" */
static char *dn_prefix(TALLOC_CTX *mem_ctx, const char *user_dn)
{
	const char *last = strrchr(user_dn, '/');

	if (last == NULL || last == user_dn) {
		return talloc_strdup(mem_ctx, "");
	}
	return talloc_strndup(mem_ctx, user_dn, (size_t)(last - user_dn) + 1);
}

/* rgbAuxOut of EcDoConnectEx (3.1.4.1.2): AUX_EXORGINFO when asked for. */
static void build_connect_auxout(TALLOC_CTX *mem_ctx, const struct EcDoConnectEx *r,
				 uint8_t **out, uint32_t *out_len)
{
	struct aux_block blocks[1];
	size_t count = 0, len = 0;
	uint8_t *data = NULL;

	*out = NULL;
	*out_len = 0;
	if (r->in.ulFlags & EMSMDB_CONNECT_EXORGINFO) {
		aux_block_init(&blocks[count], AUX_VERSION_1, AUX_TYPE_EXORGINFO);
		blocks[count].u.exorginfo.org_flags = PUBLIC_FOLDERS_ENABLED;	/* the organization's public store */
		count++;
	}
	if (count == 0) {
		return;
	}
	if (auxbuf_encode_auxout(mem_ctx, blocks, count, 0, &data, &len) != WIRE_OK ||
	    len > *r->in.pcbAuxOut) {
		return;		/* auxiliary data is advisory: none rather than a failure */
	}
	*out = data;
	*out_len = (uint32_t)len;
}

/* MS-OXCRPC 3.1.4.1 EcDoConnectEx (opnum 10) */
static NTSTATUS emsmdb_connect_ex(struct dcesrv_call_state *dce_call, TALLOC_CTX *mem_ctx, void *call)
{
	struct EcDoConnectEx *r = call;
	struct auth_session_info *session_info = dcesrv_call_session_info(dce_call);
	const struct dom_sid *caller;
	struct emsmdb_rpc_session *rs;
	struct emsmdb_session *session;
	struct dcesrv_handle *h;
	struct aux_buffer *aux = NULL;
	const char *display_name = NULL;
	uint32_t per_user, per_connection;
	uint32_t time_stamp_in = *r->in.pulTimeStamp;
	uint32_t aux_out_max = *r->in.pcbAuxOut;
	enum MAPISTATUS status;
	char *user_sid;

	/* failure answers (3.1.4.1): a zero handle and nothing else */
	memset(r->out.pcxh, 0, sizeof(*r->out.pcxh));
	*r->out.pcmsPollsMax = 0;
	*r->out.pcRetry = 0;
	*r->out.pcmsRetryDelay = 0;
	*r->out.picxr = 0;
	*r->out.szDNPrefix = NULL;
	*r->out.szDisplayName = NULL;
	memset(r->out.rgwServerVersion, 0, sizeof(r->out.rgwServerVersion));
	memset(r->out.rgwBestVersion, 0, sizeof(r->out.rgwBestVersion));
	*r->out.pulTimeStamp = 0;
	r->out.rgbAuxOut = talloc_zero_array(mem_ctx, uint8_t, 1);
	*r->out.pcbAuxOut = 0;
	(void)time_stamp_in;	/* session linking (ulIcxrLink) is not offered: 3.1.4.1 lets it be */

	if (!limits_loaded) {
		load_limits(mapiproxy_lp_ctx(dce_call));
	}
	/* cbAuxIn and pcbAuxOut limits: RPC_X_BAD_STUB_DATA; 1..7 bytes: ecRpcFailed */
	if (r->in.cbAuxIn > EMSMDB_MAX_AUX_IN || aux_out_max > EMSMDB_MAX_AUX_IN) {
		return call_fault(dce_call, DCERPC_FAULT_NDR);
	}
	if (r->in.cbAuxIn > 0 && r->in.cbAuxIn < RPC_HEADER_EXT_SIZE) {
		r->out.result = MAPI_E_NETWORK_ERROR;
		return NT_STATUS_OK;
	}
	if (auxbuf_decode_auxin(mem_ctx, r->in.rgbAuxIn, r->in.cbAuxIn, &aux) != WIRE_OK) {
		r->out.result = EC_RPC_FORMAT;
		return NT_STATUS_OK;
	}
	if (r->in.szUserDN == NULL || r->in.szUserDN[0] == '\0' || session_info == NULL ||
	    session_info->security_token == NULL || session_info->security_token->num_sids == 0) {
		r->out.result = MAPI_E_NO_ACCESS;
		return NT_STATUS_OK;
	}
	caller = &session_info->security_token->sids[0];
	if ((r->in.ulFlags & EMSMDB_CONNECT_ADMIN) && !token_is_admin(session_info->security_token)) {
		r->out.result = EC_LOGIN_PERMISSION;
		return NT_STATUS_OK;
	}
	status = emsmdb_negotiate_version(r->in.rgwClientVersion, r->in.ulFlags, true,
					  r->out.rgwServerVersion, r->out.rgwBestVersion);
	if (status != MAPI_E_SUCCESS) {
		DEBUG(3, ("mapiproxy: EcDoConnectEx from %s: client version %04x.%04x.%04x: %s\n",
			  dcesrv_call_account_name(dce_call), r->in.rgwClientVersion[0],
			  r->in.rgwClientVersion[1], r->in.rgwClientVersion[2], mapi_errstr(status)));
		r->out.result = status;
		return NT_STATUS_OK;
	}
	status = check_owner(dce_call, mem_ctx, r->in.szUserDN, caller, &display_name);
	if (status != MAPI_E_SUCCESS) {
		DEBUG(2, ("mapiproxy: EcDoConnectEx: %s may not connect as %s: %s\n",
			  dcesrv_call_account_name(dce_call), r->in.szUserDN, mapi_errstr(status)));
		r->out.result = status;
		return NT_STATUS_OK;
	}
	user_sid = sid_string(mem_ctx, caller);
	if (user_sid == NULL) {
		r->out.result = MAPI_E_NOT_ENOUGH_MEMORY;
		return NT_STATUS_OK;
	}
	count_sessions(user_sid, dce_call->conn, &per_user, &per_connection);
	if (per_user >= configured_limits.max_sessions_per_user ||
	    per_connection >= configured_limits.max_sessions_per_connection) {
		DEBUG(2, ("mapiproxy: EcDoConnectEx: %s has %u sessions (%u on this connection): "
			  "refused\n", r->in.szUserDN, per_user, per_connection));
		r->out.result = MAPI_E_SESSION_LIMIT;
		return NT_STATUS_OK;
	}

	h = dcesrv_handle_create(dce_call, EMSMDB_HANDLE_CXH);
	if (h == NULL) {
		r->out.result = MAPI_E_NOT_ENOUGH_MEMORY;
		return NT_STATUS_OK;
	}
	rs = talloc_zero(h, struct emsmdb_rpc_session);
	session = rs != NULL ? emsmdb_session_new(rs, &configured_limits) : NULL;
	if (session == NULL || !allocate_session_index(&session->session_index)) {
		talloc_free(h);
		r->out.result = session == NULL ? MAPI_E_NOT_ENOUGH_MEMORY : MAPI_E_SESSION_LIMIT;
		return NT_STATUS_OK;
	}
	rs->session = session;
	rs->connection = dce_call->conn;
	rs->user_sid = talloc_steal(rs, user_sid);
	session->user_sid = rs->user_sid;
	session->user_dn = talloc_strdup(session, r->in.szUserDN);
	session->display_name = talloc_steal(session, display_name);
	session->created = (uint32_t)time(NULL);
	emsmdb_version_normalize(r->in.rgwClientVersion, session->client_version);
	session->code_page = r->in.ulCpid;
	session->lcid_string = r->in.ulLcidString;
	session->lcid_sort = r->in.ulLcidSort;
	session->connect_flags = r->in.ulFlags;
	session->provider_data = rs;
	rs->openchange_ldb = lpcfg_private_path(rs, mapiproxy_lp_ctx(dce_call), "openchange.ldb");
	session->mailbox_lookup = openchange_mailbox_lookup;
	session->public_store_lookup = openchange_public_store_lookup;
	session->mailbox_lookup_data = rs->openchange_ldb;
	rs->samdb = mapiproxy_samdb(dce_call);
	session->home_server_lookup = openchange_home_server_lookup;
	session->home_server_lookup_data = rs;
	h->data = rs;
	DLIST_ADD_HEAD(registry, rs);
	talloc_set_destructor(rs, rpc_session_destructor);

	*r->out.pcxh = h->wire_handle;
	*r->out.pcmsPollsMax = EMSMDB_POLLS_MAX_MS;
	*r->out.pcRetry = EMSMDB_RETRY_COUNT;
	*r->out.pcmsRetryDelay = EMSMDB_RETRY_DELAY_MS;
	*r->out.picxr = session->session_index;
	*r->out.szDNPrefix = dn_prefix(mem_ctx, r->in.szUserDN);
	/* an 8-bit string: in the code page the client names (ulCpid), or
	 * with '?' for what plain ASCII lacks when that one is unknown */
	*r->out.szDisplayName = mapi_utf8_to_codepage(mem_ctx, session->display_name,
						      session->code_page);
	if (*r->out.szDisplayName == NULL) {
		*r->out.szDisplayName = mapi_utf8_to_codepage(mem_ctx, session->display_name, 20127);
	}
	*r->out.pulTimeStamp = session->created;
	{
		uint8_t *aux_out = NULL;
		uint32_t aux_out_len = 0;

		build_connect_auxout(mem_ctx, r, &aux_out, &aux_out_len);
		if (aux_out != NULL) {
			r->out.rgbAuxOut = aux_out;
			*r->out.pcbAuxOut = aux_out_len;
		}
	}
	r->out.result = MAPI_E_SUCCESS;
	DEBUG(3, ("mapiproxy: EcDoConnectEx: %s connected as %s (session %u, %zu aux blocks)\n",
		  dcesrv_call_account_name(dce_call), r->in.szUserDN, session->session_index,
		  aux != NULL ? aux->count : (size_t)0));
	return NT_STATUS_OK;
}

/* MS-OXCRPC 3.1.4.3 EcDoDisconnect (opnum 1): everything of the session goes. */
static NTSTATUS emsmdb_disconnect(struct dcesrv_call_state *dce_call, TALLOC_CTX *mem_ctx, void *call)
{
	struct EcDoDisconnect *r = call;
	struct dcesrv_handle *h = dcesrv_handle_lookup(dce_call, r->in.pcxh, EMSMDB_HANDLE_CXH);

	if (h == NULL) {
		return call_fault(dce_call, DCERPC_FAULT_CONTEXT_MISMATCH);
	}
	talloc_free(h);
	memset(r->out.pcxh, 0, sizeof(*r->out.pcxh));
	r->out.result = MAPI_E_SUCCESS;
	return NT_STATUS_OK;
}

/* MS-OXCRPC 3.1.4.6 EcDummyRpc (opnum 6): "MUST succeed and return 0". */
static NTSTATUS emsmdb_dummy_rpc(struct dcesrv_call_state *dce_call, TALLOC_CTX *mem_ctx, void *call)
{
	struct EcDummyRpc *r = call;

	r->out.result = MAPI_E_SUCCESS;
	return NT_STATUS_OK;
}

/*
 * MS-OXCRPC 3.1.4.5 EcRRegisterPushNotification (opnum 4): the server MAY
 * support UDP push notifications; this one does not, and says so with
 * ecNotSupported, which sends the client to EcDoAsyncWaitEx or polling
 * (MS-OXCNOTIF 3.2.5.5).
 */
static NTSTATUS emsmdb_register_push(struct dcesrv_call_state *dce_call, TALLOC_CTX *mem_ctx,
				     void *call)
{
	struct EcRRegisterPushNotification *r = call;

	*r->out.hNotification = 0;
	if (lookup_session(dce_call, r->in.pcxh) == NULL) {
		return call_fault(dce_call, DCERPC_FAULT_CONTEXT_MISMATCH);
	}
	if (r->in.grbitAdviseBits != EMSMDB_ADVISE_BITS_ALL) {
		r->out.result = MAPI_E_INVALID_PARAMETER;
		return NT_STATUS_OK;
	}
	r->out.result = MAPI_E_NO_SUPPORT;
	return NT_STATUS_OK;
}

/* MS-OXCRPC 3.1.4.2 EcDoRpcExt2 (opnum 11) */
static NTSTATUS emsmdb_rpc_ext2_call(struct dcesrv_call_state *dce_call, TALLOC_CTX *mem_ctx,
				     void *call)
{
	struct EcDoRpcExt2 *r = call;
	struct emsmdb_rpc_session *rs;
	struct timeval started = timeval_current();
	uint32_t flags = *r->in.pulFlags;
	uint32_t max_out = *r->in.pcbOut;
	uint8_t *out = NULL;
	size_t out_len = 0;
	enum MAPISTATUS status;

	rs = lookup_session(dce_call, r->in.pcxh);
	if (rs == NULL) {
		return call_fault(dce_call, DCERPC_FAULT_CONTEXT_MISMATCH);
	}
	/* 3.1.4.2: these sizes are refused with RPC_X_BAD_STUB_DATA */
	if (r->in.cbIn > EMSMDB_MAX_RGB_IN || r->in.cbAuxIn > EMSMDB_MAX_AUX_IN ||
	    *r->in.pcbAuxOut > EMSMDB_MAX_AUX_IN) {
		return call_fault(dce_call, DCERPC_FAULT_NDR);
	}
	*r->out.pulFlags = 0;
	*r->out.pcbAuxOut = 0;
	r->out.rgbAuxOut = talloc_zero_array(mem_ctx, uint8_t, 1);
	if (r->in.cbAuxIn > 0) {
		struct aux_buffer *aux = NULL;

		/* nothing in rgbAuxIn changes what the server does; it must still be well formed */
		if (auxbuf_decode_auxin(mem_ctx, r->in.rgbAuxIn, r->in.cbAuxIn, &aux) != WIRE_OK) {
			status = r->in.cbAuxIn < RPC_HEADER_EXT_SIZE ? MAPI_E_NETWORK_ERROR : EC_RPC_FORMAT;
			goto done;
		}
	}
	status = emsmdb_rpc_ext2(mem_ctx, rs->session, flags, r->in.rgbIn, r->in.cbIn, max_out,
				 &out, &out_len);
done:
	if (status != MAPI_E_SUCCESS || out == NULL) {
		/* 3.1.4.2: "The server returns 0x00000000 on failure" in pcbOut */
		out = talloc_zero_array(mem_ctx, uint8_t, 1);
		out_len = 0;
		DEBUG(3, ("mapiproxy: EcDoRpcExt2 of session %u: %s\n", rs->session->session_index,
			  mapi_errstr(status)));
	}
	r->out.rgbOut = out;
	*r->out.pcbOut = (uint32_t)out_len;
	*r->out.pulTransTime = (uint32_t)(timeval_elapsed(&started) * 1000.0);
	r->out.result = status;
	return NT_STATUS_OK;
}

static struct emsmdb_rpc_session *lookup_acxh(const struct policy_handle *acxh)
{
	struct emsmdb_rpc_session *rs;

	if (acxh->handle_type != EMSMDB_HANDLE_ACXH) {
		return NULL;
	}
	for (rs = registry; rs != NULL; rs = rs->next) {
		if (rs->has_acxh && GUID_equal(&rs->acxh, &acxh->uuid)) {
			return rs;
		}
	}
	return NULL;
}

/* MS-OXCRPC 3.1.4.4 EcDoAsyncConnectEx (opnum 14): the session's ACXH. */
static NTSTATUS emsmdb_async_connect_ex(struct dcesrv_call_state *dce_call, TALLOC_CTX *mem_ctx,
					void *call)
{
	struct EcDoAsyncConnectEx *r = call;
	struct emsmdb_rpc_session *rs = lookup_session(dce_call, &r->in.cxh);

	memset(r->out.pacxh, 0, sizeof(*r->out.pacxh));
	if (rs == NULL) {
		return call_fault(dce_call, DCERPC_FAULT_CONTEXT_MISMATCH);
	}
	if (!rs->has_acxh) {
		rs->acxh = GUID_random();
		rs->has_acxh = true;
	}
	r->out.pacxh->handle_type = EMSMDB_HANDLE_ACXH;
	r->out.pacxh->uuid = rs->acxh;
	r->out.result = MAPI_E_SUCCESS;
	return NT_STATUS_OK;
}

/*
 * MS-OXCRPC 3.3.4.1 EcDoAsyncWaitEx (AsyncEMSMDB opnum 0): completes at
 * once when the session has pending notifications (NotificationPending),
 * else after mapiproxy:async_wait_timeout (the spec's 5 minutes by
 * default) with pulFlagsOut 0, or when the session ends.  An ACXH this
 * process does not know completes at once with NotificationPending, as the
 * spec asks for an invalid handle: the client's next EcDoRpcExt2 tells it
 * the rest.  A second wait on the same ACXH is ecRejected.
 */
static NTSTATUS emsmdb_async_wait_ex(struct dcesrv_call_state *dce_call, TALLOC_CTX *mem_ctx,
				     void *call)
{
	struct EcDoAsyncWaitEx *r = call;
	struct emsmdb_rpc_session *rs = lookup_acxh(&r->in.acxh);
	struct emsmdb_async_wait *wait;

	*r->out.pulFlagsOut = 0;
	r->out.result = MAPI_E_SUCCESS;
	if (!limits_loaded) {
		load_limits(mapiproxy_lp_ctx(dce_call));
	}
	if (rs == NULL) {
		*r->out.pulFlagsOut = EMSMDB_NOTIFICATION_PENDING;
		return NT_STATUS_OK;
	}
	if (rs->waits != NULL) {
		r->out.result = EC_REJECTED;
		return NT_STATUS_OK;
	}
	if (rs->session->notifications_pending) {
		*r->out.pulFlagsOut = EMSMDB_NOTIFICATION_PENDING;
		return NT_STATUS_OK;
	}
	if (!(dce_call->state_flags & DCESRV_CALL_STATE_FLAG_MAY_ASYNC)) {
		DEBUG(1, ("mapiproxy: EcDoAsyncWaitEx cannot wait on this connection\n"));
		return NT_STATUS_OK;
	}
	wait = talloc_zero(dce_call, struct emsmdb_async_wait);
	if (wait == NULL) {
		r->out.result = MAPI_E_NOT_ENOUGH_MEMORY;
		return NT_STATUS_OK;
	}
	wait->owner = rs;
	wait->dce_call = dce_call;
	wait->r = r;
	wait->ev = dce_call->event_ctx;
	wait->timer = tevent_add_timer(wait->ev, wait,
				       timeval_current_ofs_msec(rs->session->limits.async_wait_timeout_ms),
				       async_wait_finish, wait);
	if (wait->timer == NULL) {
		talloc_free(wait);
		r->out.result = MAPI_E_NOT_ENOUGH_MEMORY;
		return NT_STATUS_OK;
	}
	DLIST_ADD_HEAD(rs->waits, wait);
	talloc_set_destructor(wait, async_wait_destructor);
	dce_call->state_flags |= DCESRV_CALL_STATE_FLAG_ASYNC;
	return NT_STATUS_OK;
}

static const mapiproxy_handler_fn emsmdb_handlers[] = {
	[NDR_ECDODISCONNECT] = emsmdb_disconnect,
	[NDR_ECRREGISTERPUSHNOTIFICATION] = emsmdb_register_push,
	[NDR_ECDUMMYRPC] = emsmdb_dummy_rpc,
	[NDR_ECDOCONNECTEX] = emsmdb_connect_ex,
	[NDR_ECDORPCEXT2] = emsmdb_rpc_ext2_call,
	[NDR_ECDOASYNCCONNECTEX] = emsmdb_async_connect_ex,
};

const struct mapiproxy_provider mapiproxy_emsmdb_provider = {
	.table = &ndr_table_emsmdb,
	.init = emsmdb_init,
	.num_handlers = sizeof(emsmdb_handlers) / sizeof(emsmdb_handlers[0]),
	.handlers = emsmdb_handlers,
};

static const mapiproxy_handler_fn asyncemsmdb_handlers[] = {
	[NDR_ECDOASYNCWAITEX] = emsmdb_async_wait_ex,
};

const struct mapiproxy_provider mapiproxy_asyncemsmdb_provider = {
	.table = &ndr_table_asyncemsmdb,
	.num_handlers = sizeof(asyncemsmdb_handlers) / sizeof(asyncemsmdb_handlers[0]),
	.handlers = asyncemsmdb_handlers,
};
