/*
 * OpenChange libmapi: sessions (MapiInitialize, MapiLogonEx) and the
 * object plumbing the rest of the client API shares.
 *
 * A logon is what Outlook does with an Exchange profile: the address book
 * first (RFR then NSPI, MS-OXABREF/MS-OXNSPI), which both checks the
 * credentials with a clear answer and, when the profile lacks them, finds
 * the user's legacyExchangeDN; then EcDoConnectEx with that DN
 * (MS-OXCRPC 3.1.4.1).  The address book connection stays open for
 * ResolveNames.
 *
 * Copyright (C) OpenChange developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <talloc.h>
#include <tevent.h>
#include <param.h>
#include <credentials.h>
#include <dcerpc.h>
#include <util/debug.h>

#include "libmapi/mapi_private.h"
#include "libmapi/emsmdb_client.h"
#include "libmapi/profile.h"
#include "libmapi/profile_nspi.h"

static pthread_once_t init_once = PTHREAD_ONCE_INIT;
/*
 * Samba's client libraries keep process-wide talloc state (the global
 * loadparm context the credentials and security mechanisms allocate under,
 * and more inside the RPC layer), and talloc is not thread-safe for
 * children of one parent: measured, eight threads each on its own session
 * abort in tevent_req_received within seconds.  So every call that reaches
 * samba (connect, RPC, disconnect) takes this lock; what the library does
 * around the calls runs in parallel.
 */
static pthread_mutex_t connect_lock = PTHREAD_MUTEX_INITIALIZER;

void mapi_lock(void)
{
	pthread_mutex_lock(&connect_lock);
}

void mapi_unlock(void)
{
	pthread_mutex_unlock(&connect_lock);
}
static bool init_ok;
/* the last failed logon's reason, per thread: there is no session to hold it */
static __thread char logon_error[512];

static void drop_samba_debug(void *private_ptr, int level, const char *msg)
{
}

/*
 * Samba's client libraries register their RPC interfaces and security
 * mechanisms in process-wide lists and keep one global loadparm context;
 * doing that once, before any thread logs on, is what lets sessions run
 * in parallel afterwards.
 */
static void initialize_once(void)
{
	if (getenv("LIBMAPI_DEBUG") == NULL) {
		debug_set_callback(NULL, drop_samba_debug);
	}
	init_ok = NT_STATUS_IS_OK(dcerpc_init()) && loadparm_init_global(false) != NULL;
}

enum MAPISTATUS MapiInitialize(void)
{
	pthread_once(&init_once, initialize_once);
	return init_ok ? MAPI_E_SUCCESS : MAPI_E_CALL_FAILED;
}

void MapiUninitialize(void)
{
	gfree_debugsyms();
}

void mapi_set_error(struct mapi_session *session, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (session == NULL) {
		vsnprintf(logon_error, sizeof(logon_error), fmt, ap);
	} else {
		talloc_free(session->last_error);
		session->last_error = talloc_vasprintf(session, fmt, ap);
	}
	va_end(ap);
}

const char *MapiLastError(const struct mapi_session *session)
{
	if (session == NULL) {
		return logon_error[0] != '\0' ? logon_error : NULL;
	}
	return session->last_error;
}

const char *mapi_session_essdn(const struct mapi_session *session)
{
	return session != NULL ? session->profile->essdn : NULL;
}

const char *mapi_session_display_name(const struct mapi_session *session)
{
	return session != NULL ? session->profile->display_name : NULL;
}

const char *mapi_session_smtp_address(const struct mapi_session *session)
{
	return session != NULL ? session->profile->smtp_address : NULL;
}

static const char *or_status(const char *detail, enum MAPISTATUS ret)
{
	const char *name;

	if (detail != NULL) {
		return detail;
	}
	name = mapi_errstr(ret);
	return name != NULL ? name : "unknown error";
}

/* EcDoConnectEx's parameters for the session's profile */
static void emsmdb_params(const struct mapi_session *s, struct emsmdb_connect_params *params)
{
	emsmdb_connect_params_default(params);
	params->code_page = s->code_page;
	if (s->profile->locale_id != 0) {
		params->lcid = s->profile->locale_id;
	}
}

static enum MAPISTATUS connect_locked(struct mapi_session *s, struct mapi_profile *profile,
				      const char *password, bool seal)
{
	struct cli_credentials *creds;
	struct emsmdb_connect_params params;
	enum MAPISTATUS ret;
	const char *binding;

	ret = profile_connect(s, profile, password, seal, &s->ab);
	if (ret != MAPI_E_SUCCESS) {
		mapi_set_error(NULL, "cannot log on to %s as %s: %s",
			       profile->server != NULL ? profile->server : profile->binding,
			       profile->username,
			       or_status(s->ab != NULL ? profile_connection_error(s->ab) : NULL, ret));
		return ret;
	}
	if (profile->essdn == NULL) {
		ret = profile_fill_from_server(s->ab, profile, NULL);
		if (ret != MAPI_E_SUCCESS) {
			mapi_set_error(NULL, "cannot find %s's mailbox: %s", profile->username,
				       or_status(profile_connection_error(s->ab), ret));
			return ret;
		}
	}
	binding = profile->binding != NULL ? profile->binding :
		talloc_asprintf(s, "ncacn_ip_tcp:%s[%s]", profile->server, seal ? "seal" : "sign");
	s->ev = tevent_context_init(s);
	/* the address book's credentials: the same mechanism, and Kerberos' tickets reused */
	creds = profile_connection_credentials(s->ab);
	if (binding == NULL || s->ev == NULL || creds == NULL) {
		ret = MAPI_E_NOT_ENOUGH_MEMORY;
		return ret;
	}
	if (profile->auth == PROFILE_AUTH_KERBEROS) {
		profile_allow_kdc_calls(s->ev);
	}
	s->code_page = profile->codepage != 0 ? profile->codepage : 1252;
	s->seal = seal;
	emsmdb_params(s, &params);
	ret = emsmdb_client_connect(s, s->ev, loadparm_init_global(false), binding, creds,
				    profile->essdn, &params, &s->emsmdb);
	if (ret != MAPI_E_SUCCESS) {
		mapi_set_error(NULL, "EcDoConnectEx as %s: %s", profile->essdn,
			       or_status(s->emsmdb != NULL ? s->emsmdb->last_error : NULL, ret));
		return ret;
	}
	s->rops = rop_session_new(s, s->emsmdb, 0, 0);
	return s->rops != NULL ? MAPI_E_SUCCESS : MAPI_E_NOT_ENOUGH_MEMORY;
}

/* Whether a store other than the one LOGON_ID is being opened as is open */
static bool holds_a_store(const struct mapi_session *s, uint8_t logon_id)
{
	size_t i;

	for (i = 0; i < sizeof(s->logon_ids) / sizeof(s->logon_ids[0]); i++) {
		uint32_t others = s->logon_ids[i];

		if (i == logon_id / 32u) {
			others &= ~(1u << (logon_id % 32u));
		}
		if (others != 0) {
			return true;
		}
	}
	return false;
}

/*
 * MS-OXCSTOR 3.2.5.1.1: the server does not host the mailbox and named, in
 * RopLogon's redirect response, the ESSDN of the one that does.  Its DNS
 * name comes from RFR (MS-OXABREF 3.1.4.2), as for a new profile; EMSMDB
 * connects there as it did here, and that connection becomes the
 * session's.  Only while the session holds no store: every object lives in
 * the connection that opened it, so one cannot move a session in use.
 */
enum MAPISTATUS mapi_session_redirect(struct mapi_session *s, uint8_t logon_id,
				      const char *server_dn)
{
	struct emsmdb_connect_params params;
	struct emsmdb_client *emsmdb = NULL;
	struct rop_session *rops;
	const char *fqdn = NULL;
	const char *binding;
	enum MAPISTATUS ret;
	TALLOC_CTX *tmp;

	if (holds_a_store(s, logon_id)) {
		mapi_set_error(s, "the mailbox is on %s, and this session already holds stores on "
			       "the server it was opened on: log on again", server_dn);
		return EC_WRONG_SERVER;
	}
	tmp = talloc_new(s);
	if (tmp == NULL) {
		return MAPI_E_NOT_ENOUGH_MEMORY;
	}
	mapi_lock();
	ret = profile_server_fqdn(s->ab, tmp, server_dn, &fqdn);
	if (ret != MAPI_E_SUCCESS) {
		mapi_set_error(s, "the mailbox is on %s, whose address is unknown: %s", server_dn,
			       or_status(profile_connection_error(s->ab), ret));
		goto done;
	}
	binding = talloc_asprintf(tmp, "ncacn_ip_tcp:%s[%s]", fqdn, s->seal ? "seal" : "sign");
	if (binding == NULL) {
		ret = MAPI_E_NOT_ENOUGH_MEMORY;
		goto done;
	}
	emsmdb_params(s, &params);
	ret = emsmdb_client_connect(tmp, s->ev, loadparm_init_global(false), binding,
				    profile_connection_credentials(s->ab), s->profile->essdn, &params,
				    &emsmdb);
	if (ret != MAPI_E_SUCCESS) {
		mapi_set_error(s, "the mailbox is on %s (%s): EcDoConnectEx there: %s", server_dn,
			       fqdn, or_status(emsmdb != NULL ? emsmdb->last_error : NULL, ret));
		goto done;
	}
	rops = rop_session_new(s, emsmdb, 0, 0);
	if (rops == NULL) {
		ret = MAPI_E_NOT_ENOUGH_MEMORY;
		goto done;
	}
	TALLOC_FREE(s->rops);
	TALLOC_FREE(s->emsmdb);
	s->emsmdb = talloc_steal(s, emsmdb);
	s->rops = rops;
	/* what a profile would say now (MS-OXCSTOR: the mailbox was moved) */
	s->profile->home_server = talloc_strdup(s->profile, server_dn);
	s->profile->server_fqdn = talloc_strdup(s->profile, fqdn);
done:
	talloc_free(tmp);	/* a failed connection with it, under the lock */
	mapi_unlock();
	return ret;
}

/* Disconnecting frees what connecting allocated: under the same lock */
static int session_destructor(struct mapi_session *s)
{
	pthread_mutex_lock(&connect_lock);
	TALLOC_FREE(s->rops);
	TALLOC_FREE(s->emsmdb);
	TALLOC_FREE(s->ab);
	pthread_mutex_unlock(&connect_lock);
	return 0;
}

/* The session of PROFILE (not yet owned by anyone); *out under MEM_CTX. */
static enum MAPISTATUS logon(TALLOC_CTX *mem_ctx, struct mapi_profile *profile, const char *password,
			     bool seal, struct mapi_session **out)
{
	struct mapi_session *s;
	enum MAPISTATUS ret;

	logon_error[0] = '\0';
	if (MapiInitialize() != MAPI_E_SUCCESS) {
		mapi_set_error(NULL, "MapiInitialize failed");
		return MAPI_E_CALL_FAILED;
	}
	s = talloc_zero(mem_ctx, struct mapi_session);
	if (s == NULL) {
		return MAPI_E_NOT_ENOUGH_MEMORY;
	}
	talloc_steal(s, profile);
	s->profile = profile;
	talloc_set_destructor(s, session_destructor);
	pthread_mutex_lock(&connect_lock);
	ret = connect_locked(s, profile, password, seal);
	pthread_mutex_unlock(&connect_lock);
	if (ret != MAPI_E_SUCCESS) {
		goto fail;
	}
	*out = s;
	return MAPI_E_SUCCESS;
fail:
	if (ret == MAPI_E_NOT_ENOUGH_MEMORY && logon_error[0] == '\0') {
		mapi_set_error(NULL, "out of memory");
	}
	talloc_free(s);
	return ret;
}


enum MAPISTATUS MapiLogonEx(TALLOC_CTX *mem_ctx, const char *profile_path,
			    const char *profile_name, const char *password,
			    struct mapi_session **session)
{
	TALLOC_CTX *tmp;
	struct profile_store *store = NULL;
	struct mapi_profile *profile = NULL;
	const char *name = profile_name;
	enum MAPISTATUS ret;

	if (session == NULL) {
		return MAPI_E_INVALID_PARAMETER;
	}
	*session = NULL;
	logon_error[0] = '\0';
	tmp = talloc_new(NULL);
	if (tmp == NULL) {
		return MAPI_E_NOT_ENOUGH_MEMORY;
	}
	ret = profile_store_open(tmp, profile_path, &store);
	if (ret != MAPI_E_SUCCESS) {
		mapi_set_error(NULL, "cannot open the profile store: %s",
			       or_status(store != NULL ? profile_store_last_error(store) : NULL, ret));
		goto done;
	}
	if (name == NULL) {
		ret = profile_get_default(store, tmp, &name);
		if (ret != MAPI_E_SUCCESS) {
			mapi_set_error(NULL, "no default profile in %s", profile_store_path(store));
			goto done;
		}
	}
	ret = profile_get(store, tmp, name, &profile);
	if (ret != MAPI_E_SUCCESS) {
		mapi_set_error(NULL, "no profile named '%s' in %s", name, profile_store_path(store));
		goto done;
	}
	if (password == NULL) {
		password = profile->password;
	}
	if (password == NULL) {
		mapi_set_error(NULL, "profile '%s' keeps no password and none was given", name);
		ret = MAPI_E_INVALID_PARAMETER;
		goto done;
	}
	password = talloc_strdup(profile, password);
	ret = logon(mem_ctx, profile, password, true, session);
done:
	talloc_free(tmp);
	return ret;
}

enum MAPISTATUS MapiLogonParams(TALLOC_CTX *mem_ctx, const struct mapi_connect_params *params,
				struct mapi_session **session)
{
	struct mapi_profile *profile;

	if (session == NULL) {
		return MAPI_E_INVALID_PARAMETER;
	}
	*session = NULL;
	if (params == NULL || (params->server == NULL && params->binding == NULL) ||
	    params->username == NULL || params->password == NULL) {
		mapi_set_error(NULL, "a server, a user name and a password are needed");
		return MAPI_E_INVALID_PARAMETER;
	}
	profile = talloc_zero(NULL, struct mapi_profile);
	if (profile == NULL) {
		return MAPI_E_NOT_ENOUGH_MEMORY;
	}
	profile->name = "";
	profile->username = talloc_strdup(profile, params->username);
	profile->domain = talloc_strdup(profile, params->domain);
	profile->server = talloc_strdup(profile, params->server);
	profile->binding = talloc_strdup(profile, params->binding);
	profile->workstation = talloc_strdup(profile, params->workstation);
	profile->realm = talloc_strdup(profile, params->realm);
	if (params->auth != MAPI_AUTH_NTLM && params->auth != MAPI_AUTH_KERBEROS) {
		talloc_free(profile);
		mapi_set_error(NULL, "unknown authentication %d", (int)params->auth);
		return MAPI_E_INVALID_PARAMETER;
	}
	profile->auth = params->auth == MAPI_AUTH_KERBEROS ? PROFILE_AUTH_KERBEROS :
		PROFILE_AUTH_NTLM;
	return logon(mem_ctx, profile, params->password, !params->sign_only, session);
}

void MapiLogoff(struct mapi_session *session)
{
	talloc_free(session);
}

void mapi_object_init(mapi_object_t *obj)
{
	if (obj != NULL) {
		memset(obj, 0, sizeof(*obj));
		obj->handle = MAPI_HANDLE_NONE;
	}
}

bool mapi_object_is(const mapi_object_t *obj, unsigned types)
{
	return obj != NULL && obj->session != NULL && obj->handle != MAPI_HANDLE_NONE &&
		(types & MAPI_T(obj->type)) != 0;
}

void mapi_object_child(const mapi_object_t *parent, mapi_object_t *child, enum mapi_object_type type,
		       uint32_t handle)
{
	mapi_object_init(child);
	child->session = parent->session;
	child->logon_id = parent->logon_id;
	child->type = type;
	child->handle = handle;
}

enum MAPISTATUS mapi_rop(mapi_object_t *obj, TALLOC_CTX *mem_ctx, struct rop_request *req,
			 struct rop_response *resp, uint32_t *new_handle)
{
	uint32_t handles[2] = { obj->handle, MAPI_HANDLE_NONE };
	enum MAPISTATUS ret;
	uint32_t value;
	const char *name;

	mapi_lock();
	ret = rop_session_call_one(obj->session->rops, mem_ctx, req, handles, 2, resp);
	mapi_unlock();
	name = rop_name(req->rop_id);
	if (ret != MAPI_E_SUCCESS) {
		mapi_set_error(obj->session, "%s: %s", name != NULL ? name : "ROP",
			       or_status(rop_session_last_error(obj->session->rops), ret));
		return ret;
	}
	value = rop_response_return_value(resp);
	if (value != MAPI_E_SUCCESS) {
		mapi_set_error(obj->session, "%s: %s", name != NULL ? name : "ROP",
			       or_status(NULL, value));
		return (enum MAPISTATUS)value;
	}
	if (new_handle != NULL) {
		*new_handle = handles[1];
	}
	return MAPI_E_SUCCESS;
}

enum MAPISTATUS mapi_object_release(mapi_object_t *obj)
{
	struct rop_request req;
	uint32_t handles[1];
	struct rop_response_list list;
	TALLOC_CTX *tmp;
	enum MAPISTATUS ret;

	if (obj == NULL) {
		return MAPI_E_INVALID_PARAMETER;
	}
	if (obj->session == NULL || obj->handle == MAPI_HANDLE_NONE) {
		mapi_object_init(obj);
		return MAPI_E_SUCCESS;
	}
	/* MS-OXCROPS 2.2.15.3: RopRelease has no response */
	memset(&req, 0, sizeof(req));
	req.rop_id = RopRelease;
	req.u.release.logon_id = obj->logon_id;
	req.u.release.input_handle_index = 0;
	handles[0] = obj->handle;
	tmp = talloc_new(obj->session);
	mapi_lock();
	ret = rop_session_call(obj->session->rops, tmp, &req, 1, handles, 1, 0, &list);
	mapi_unlock();
	talloc_free(tmp);
	/* the Logon object is gone with its handle: its LogonId may serve again */
	if (obj->type == MAPI_OBJECT_STORE) {
		mapi_logon_id_free(obj->session, obj->logon_id);
	}
	mapi_object_init(obj);
	return ret;
}
