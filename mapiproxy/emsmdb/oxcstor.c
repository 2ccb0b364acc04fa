/*
 * OpenChange mapiproxy EMSMDB: the store ROPs of MS-OXCSTOR.
 *
 * RopLogon (2.2.1.1, server side 3.2.5.1) opens the session user's own
 * private mailbox: the Essdn is looked up in the mailbox directory
 * (openchange.ldb, through session->mailbox_lookup), its mapistore is
 * opened (and created with its special folders at the first logon), and a
 * logon object enters the handle table.  RopGetReceiveFolder (3.2.5.2),
 * RopLongTermIdFromId (3.2.5.8) and RopIdFromLongTermId (3.2.5.9) work on
 * that logon.
 *
 * Copyright (C) OpenChange developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>

#include "libmapi/oxcdata_ids.h"
#include "mapiproxy/emsmdb/oxcstor.h"

struct emsmdb_logon *emsmdb_logon_get(struct emsmdb_session *session, uint8_t logon_id)
{
	struct emsmdb_object *object = session->logons[logon_id];

	if (object == NULL || object->type != EMSMDB_OBJECT_LOGON) {
		return NULL;
	}
	return object->private_data;
}

static int hex_value(char c)
{
	if (c >= '0' && c <= '9') {
		return c - '0';
	}
	c = (char)tolower((unsigned char)c);
	if (c >= 'a' && c <= 'f') {
		return c - 'a' + 10;
	}
	return -1;
}

bool emsmdb_guid_from_string(const char *text, uint8_t out[16])
{
	/* text order of the 16 bytes: Data1 (4), Data2 (2), Data3 (2), Data4 (8) */
	static const uint8_t wire_index[16] = { 3, 2, 1, 0, 5, 4, 7, 6, 8, 9, 10, 11, 12, 13, 14, 15 };
	uint8_t bytes[16];
	size_t len, pos = 0;
	int n = 0;

	if (text == NULL) {
		return false;
	}
	len = strlen(text);
	if (len == 38 && text[0] == '{' && text[37] == '}') {
		text++;
		len -= 2;
	}
	if (len != 36) {
		return false;
	}
	while (pos < len) {
		int hi, lo;

		if (pos == 8 || pos == 13 || pos == 18 || pos == 23) {
			if (text[pos] != '-') {
				return false;
			}
			pos++;
			continue;
		}
		hi = hex_value(text[pos]);
		lo = hex_value(text[pos + 1]);
		if (hi < 0 || lo < 0 || n >= 16) {
			return false;
		}
		bytes[n++] = (uint8_t)(hi << 4 | lo);
		pos += 2;
	}
	if (n != 16) {
		return false;
	}
	for (n = 0; n < 16; n++) {
		out[wire_index[n]] = bytes[n];
	}
	return true;
}

const char *emsmdb_mapistore_uri_path(const char *uri)
{
	const char *scheme_end;

	if (uri == NULL) {
		return NULL;
	}
	scheme_end = strstr(uri, "://");
	if (scheme_end == NULL) {
		return uri;
	}
	if ((size_t)(scheme_end - uri) != strlen("sqlite3") || strncmp(uri, "sqlite3", 7) != 0) {
		return NULL;	/* another backend: its own business */
	}
	return scheme_end + 3;
}

enum MAPISTATUS emsmdb_mapistore_prepare_dir(TALLOC_CTX *mem_ctx, const char *uri)
{
	const char *path = emsmdb_mapistore_uri_path(uri);
	char *dir, *slash, *p;

	if (path == NULL) {
		return MAPI_E_SUCCESS;
	}
	dir = talloc_strdup(mem_ctx, path);
	if (dir == NULL) {
		return MAPI_E_NOT_ENOUGH_MEMORY;
	}
	slash = strrchr(dir, '/');
	if (slash == NULL || slash == dir) {
		talloc_free(dir);
		return MAPI_E_SUCCESS;
	}
	*slash = '\0';
	for (p = dir + 1; ; p++) {
		bool end = *p == '\0';

		if (*p == '/' || end) {
			*p = '\0';
			if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
				talloc_free(dir);
				return MAPI_E_NO_ACCESS;
			}
			if (end) {
				break;
			}
			*p = '/';
		}
	}
	talloc_free(dir);
	return MAPI_E_SUCCESS;
}

void emsmdb_logon_time(time_t when, struct rop_logon_time *out)
{
	struct tm tm;

	memset(out, 0, sizeof(*out));
	if (gmtime_r(&when, &tm) == NULL) {
		return;
	}
	out->seconds = (uint8_t)tm.tm_sec;
	out->minutes = (uint8_t)tm.tm_min;
	out->hour = (uint8_t)tm.tm_hour;
	out->day_of_week = (uint8_t)tm.tm_wday;	/* 0 = Sunday */
	out->day = (uint8_t)tm.tm_mday;
	out->month = (uint8_t)(tm.tm_mon + 1);
	out->year = (uint16_t)(tm.tm_year + 1900);
}

/*
 * Opens the mailbox of INFO under LOGON: the directory and the database are
 * created if missing, and an empty database gets the mailbox with its
 * special folders (MS-OXOSFLD) and the directory's identity.
 */
static enum MAPISTATUS open_mailbox(struct emsmdb_logon *logon, const struct emsmdb_mailbox_info *info)
{
	struct mapistore_mailbox_params params;
	enum MAPISTATUS status;
	char *error = NULL;
	int i;

	status = emsmdb_mapistore_prepare_dir(logon, info->uri);
	if (status != MAPI_E_SUCCESS) {
		return MAPI_E_LOGON_FAILED;
	}
	status = mapistore_open(logon, info->uri, MAPISTORE_OPEN_CREATE, &logon->store, &error);
	talloc_free(error);
	if (status != MAPI_E_SUCCESS) {
		return MAPI_E_LOGON_FAILED;
	}
	status = mapistore_mailbox_params(logon->store, &params);
	if (status != MAPI_E_SUCCESS) {
		memset(&params, 0, sizeof(params));
		params.replica_id = info->replica_id;
		memcpy(params.replica_guid, info->replica_guid, 16);
		memcpy(params.mailbox_guid, info->mailbox_guid, 16);
		params.owner_name = info->owner_name;
		status = mapistore_mailbox_create(logon->store, &params);
		if (status != MAPI_E_SUCCESS && status != MAPI_E_COLLISION) {
			return MAPI_E_LOGON_FAILED;
		}
		/* COLLISION: another session created it meanwhile */
		status = mapistore_mailbox_params(logon->store, &params);
		if (status != MAPI_E_SUCCESS) {
			return MAPI_E_LOGON_FAILED;
		}
	}
	/* the store's identity is the one its ids and entry IDs were made with */
	logon->mailbox.replica_id = params.replica_id;
	memcpy(logon->mailbox.replica_guid, params.replica_guid, 16);
	memcpy(logon->mailbox.mailbox_guid, params.mailbox_guid, 16);
	for (i = 0; i < MAPISTORE_LOGON_FOLDER_COUNT; i++) {
		status = mapistore_special_folder_id(logon->store, (enum mapistore_special_folder)i,
						     &logon->folder_ids[i]);
		if (status != MAPI_E_SUCCESS) {
			return MAPI_E_LOGON_FAILED;
		}
	}
	return MAPI_E_SUCCESS;
}

/* The Essdn field: EssdnSize bytes ending with its one NUL (MS-OXCROPS 2.2.3.1.1). */
static const char *request_essdn(const struct rop_logon_request *req)
{
	if (req->essdn_size == 0 || req->essdn == NULL || req->essdn[req->essdn_size - 1] != '\0' ||
	    memchr(req->essdn, '\0', req->essdn_size) != (const void *)&req->essdn[req->essdn_size - 1]) {
		return NULL;
	}
	return (const char *)req->essdn;
}

/* A REPLGUID for a new public store: random, as MS-OXCSTOR 2.2.1.1.4 has it. */
static bool random_guid(uint8_t out[16])
{
	FILE *f = fopen("/dev/urandom", "rb");
	bool ok = f != NULL && fread(out, 1, 16, f) == 16;

	if (f != NULL) {
		fclose(f);
	}
	/* an RFC 4122 version 4 GUID, Data3 little-endian on the wire */
	out[7] = (uint8_t)((out[7] & 0x0F) | 0x40);
	out[8] = (uint8_t)((out[8] & 0x3F) | 0x80);
	return ok;
}

/* Opens (creating it the first time) the organization's public store under LOGON. */
static enum MAPISTATUS open_public_store(struct emsmdb_logon *logon, const char *uri)
{
	struct mapistore_mailbox_params params;
	enum MAPISTATUS status;
	char *error = NULL;
	int i;

	status = emsmdb_mapistore_prepare_dir(logon, uri);
	if (status != MAPI_E_SUCCESS) {
		return MAPI_E_LOGON_FAILED;
	}
	status = mapistore_open(logon, uri, MAPISTORE_OPEN_CREATE, &logon->store, &error);
	talloc_free(error);
	if (status != MAPI_E_SUCCESS) {
		return MAPI_E_LOGON_FAILED;
	}
	if (mapistore_mailbox_params(logon->store, &params) != MAPI_E_SUCCESS) {
		memset(&params, 0, sizeof(params));
		params.replica_id = 1;
		if (!random_guid(params.replica_guid)) {
			return MAPI_E_LOGON_FAILED;
		}
		status = mapistore_public_store_create(logon->store, &params);
		if (status != MAPI_E_SUCCESS && status != MAPI_E_COLLISION) {
			return MAPI_E_LOGON_FAILED;
		}
		/* COLLISION: another session created it meanwhile */
		if (mapistore_mailbox_params(logon->store, &params) != MAPI_E_SUCCESS) {
			return MAPI_E_LOGON_FAILED;
		}
	}
	logon->mailbox.replica_id = params.replica_id;
	memcpy(logon->mailbox.replica_guid, params.replica_guid, 16);
	memset(logon->folder_ids, 0, sizeof(logon->folder_ids));
	for (i = 0; i < MAPISTORE_PUBLIC_FOLDER_COUNT; i++) {
		if (mapistore_public_folder_id(logon->store, (enum mapistore_public_folder)i,
					       &logon->folder_ids[i]) != MAPI_E_SUCCESS) {
			/* a database of another kind where the public store should be */
			return MAPI_E_LOGON_FAILED;
		}
	}
	return MAPI_E_SUCCESS;
}

/* Makes LOGON the session's logon LOGON_ID, replacing an earlier one. */
static enum MAPISTATUS enter_logon(struct emsmdb_rop_ctx *ctx, struct emsmdb_logon *logon,
				   uint8_t logon_id, bool private_mailbox)
{
	struct emsmdb_session *session = ctx->session;
	struct emsmdb_object *object, *previous;
	enum MAPISTATUS status;

	/* objects opened through the logon hold it: it may outlive its handle */
	status = emsmdb_object_new_shared(session, EMSMDB_OBJECT_LOGON, logon_id, logon, &object);
	if (status != MAPI_E_SUCCESS) {
		emsmdb_shared_abandon(logon);
		return status;
	}
	previous = session->logons[logon_id];
	if (previous != NULL) {
		emsmdb_object_release(previous);
	}
	session->logons[logon_id] = object;
	session->logon_private[logon_id] = private_mailbox;
	ctx->output = object;
	return MAPI_E_SUCCESS;
}

/*
 * MS-OXCSTOR 3.2.5.1.2 public folders logon: the caller must have a mailbox
 * of the organization (its EcDoConnectEx user DN names an enabled mailbox
 * record of its own), else ecLoginFailure, as for an organization without
 * a public store.  Every mailbox user may log on; folder permissions
 * (MS-OXCPERM) are not enforced yet.  The response carries the public
 * store's special folders and replica (2.2.1.1.4).
 */
static enum MAPISTATUS public_logon(struct emsmdb_rop_ctx *ctx, struct rop_response *response)
{
	const struct rop_logon_request *req = &ctx->request->u.logon;
	struct rop_logon_response *res = &response->u.logon;
	struct emsmdb_session *session = ctx->session;
	struct emsmdb_mailbox_info info;
	struct emsmdb_public_store_info store;
	struct emsmdb_logon *logon;
	enum MAPISTATUS status;
	int i;

	if (session->mailbox_lookup == NULL || session->public_store_lookup == NULL ||
	    session->user_dn == NULL || session->user_sid == NULL) {
		return MAPI_E_LOGON_FAILED;
	}
	memset(&info, 0, sizeof(info));
	status = session->mailbox_lookup(session->mailbox_lookup_data, ctx->mem_ctx, session->user_dn,
					 &info);
	if (status != MAPI_E_SUCCESS || !info.enabled || info.owner_sid == NULL ||
	    strcasecmp(info.owner_sid, session->user_sid) != 0) {
		return MAPI_E_LOGON_FAILED;
	}
	memset(&store, 0, sizeof(store));
	status = session->public_store_lookup(session->mailbox_lookup_data, ctx->mem_ctx, &store);
	if (status != MAPI_E_SUCCESS || store.uri == NULL) {
		return MAPI_E_LOGON_FAILED;
	}
	logon = emsmdb_shared_new(session, struct emsmdb_logon);
	if (logon == NULL) {
		return MAPI_E_NOT_ENOUGH_MEMORY;
	}
	logon->public_store = true;
	logon->logon_flags = req->logon_flags;
	logon->open_flags = req->open_flags;
	logon->mailbox.uri = talloc_strdup(logon, store.uri);
	logon->mailbox.legacy_dn = talloc_strdup(logon, session->user_dn);
	logon->server_legacy_dn = talloc_strdup(logon, store.server_legacy_dn != NULL ?
						store.server_legacy_dn : "");
	status = open_public_store(logon, logon->mailbox.uri);
	if (status != MAPI_E_SUCCESS) {
		emsmdb_shared_abandon(logon);
		return status;
	}
	status = enter_logon(ctx, logon, req->logon_id, false);
	if (status != MAPI_E_SUCCESS) {
		return status;
	}
	res->return_value = MAPI_E_SUCCESS;
	res->u.public_folders.logon_flags =
		req->logon_flags & (EMSMDB_LOGON_PRIVATE | EMSMDB_LOGON_UNDERCOVER | EMSMDB_LOGON_GHOSTED);
	for (i = 0; i < MAPISTORE_LOGON_FOLDER_COUNT; i++) {
		res->u.public_folders.folder_ids[i] = logon->folder_ids[i];
	}
	res->u.public_folders.repl_id = logon->mailbox.replica_id;
	memcpy(res->u.public_folders.repl_guid.bytes, logon->mailbox.replica_guid, 16);
	/* "The server SHOULD set this field to an empty GUID" */
	memset(res->u.public_folders.per_user_guid.bytes, 0, 16);
	return MAPI_E_SUCCESS;
}

/* LogonFlags the redirect response returns unchanged (MS-OXCSTOR 2.2.1.1.2) */
#define LOGON_FLAGS_ECHOED 0x07	/* Private, Undercover, Ghosted */

/*
 * An ESSDN with no mailbox here (MS-OXCSTOR 3.2.5.1.1): a mail user whose
 * mailbox another server of the organization hosts gets ecWrongServer in
 * the redirect response (2.2.1.1.2), whose ServerName is that server's
 * ESSDN: the client asks RFR for its FQDN and logs on there.  Anyone else
 * is ecUnknownUser.
 */
static enum MAPISTATUS redirect_or_unknown(struct emsmdb_rop_ctx *ctx,
					   struct rop_response *response, const char *essdn)
{
	const struct rop_logon_request *req = &ctx->request->u.logon;
	struct rop_logon_response *res = &response->u.logon;
	struct emsmdb_session *session = ctx->session;
	const char *server = NULL;
	size_t len;

	if (session->home_server_lookup == NULL ||
	    session->home_server_lookup(session->home_server_lookup_data, ctx->mem_ctx, essdn,
					&server) != MAPI_E_SUCCESS) {
		return EC_UNKNOWN_USER;
	}
	/* ServerNameSize is one byte and counts the NUL */
	len = strlen(server) + 1;
	if (len > UINT8_MAX) {
		/* no redirect can name it: the logon cannot be served anywhere from here */
		return MAPI_E_LOGON_FAILED;
	}
	res->return_value = EC_WRONG_SERVER;
	res->u.redirect.logon_flags = req->logon_flags & LOGON_FLAGS_ECHOED;
	res->u.redirect.server_name_size = (uint8_t)len;
	res->u.redirect.server_name = (uint8_t *)talloc_strdup(ctx->mem_ctx, server);
	return res->u.redirect.server_name != NULL ? MAPI_E_SUCCESS : MAPI_E_NOT_ENOUGH_MEMORY;
}

/*
 * MS-OXCSTOR 3.2.5.1 RopLogon.
 *
 * Public folders (no Private flag in LogonFlags): public_logon(); the
 * PUBLIC bit of OpenFlags must be set then (MS-OXCSTOR 3.2.5.1.2), and
 * must not be with the Private flag: ecInvalidParam otherwise.  Private
 * mailbox (3.2.5.1.1): an Essdn that is not a mailbox
 * record is ecUnknownUser, as is a disabled mailbox or one without a
 * mapistore (no configured database); a directory that cannot be read,
 * or a mailbox that cannot be opened, ecLoginFailure.  Another user's
 * mailbox is ecAccessDenied ("the user does not have sufficient
 * permissions to the mailbox"): delegate and administrative access are not
 * offered yet.  A LogonId already in use is replaced once the new logon
 * succeeded (MS-OXCROPS 2.2.3.1.1).
 */
enum MAPISTATUS emsmdb_rop_logon(struct emsmdb_rop_ctx *ctx, struct rop_response *response)
{
	const struct rop_logon_request *req = &ctx->request->u.logon;
	struct rop_logon_response *res = &response->u.logon;
	struct emsmdb_session *session = ctx->session;
	struct emsmdb_mailbox_info info;
	struct emsmdb_logon *logon;
	enum MAPISTATUS status;
	const char *essdn;
	int i;

	res->output_handle_index = req->output_handle_index;
	if (!(req->logon_flags & EMSMDB_LOGON_PRIVATE) != !!(req->open_flags & EMSMDB_OPEN_PUBLIC)) {
		return MAPI_E_INVALID_PARAMETER;
	}
	if (!(req->logon_flags & EMSMDB_LOGON_PRIVATE)) {
		return public_logon(ctx, response);
	}
	essdn = request_essdn(req);
	if (essdn == NULL) {
		return MAPI_E_INVALID_PARAMETER;
	}
	if (essdn[0] == '\0') {
		return EC_UNKNOWN_USER;
	}
	if (session->mailbox_lookup == NULL) {
		return MAPI_E_LOGON_FAILED;
	}
	memset(&info, 0, sizeof(info));
	status = session->mailbox_lookup(session->mailbox_lookup_data, ctx->mem_ctx, essdn, &info);
	if (status == MAPI_E_NOT_FOUND) {
		return redirect_or_unknown(ctx, response, essdn);
	}
	if (status != MAPI_E_SUCCESS) {
		return MAPI_E_LOGON_FAILED;
	}
	if (!info.enabled || info.uri == NULL || info.uri[0] == '\0') {
		return EC_UNKNOWN_USER;
	}
	if (session->user_sid == NULL || info.owner_sid == NULL ||
	    strcasecmp(session->user_sid, info.owner_sid) != 0) {
		return MAPI_E_NO_ACCESS;
	}

	logon = emsmdb_shared_new(session, struct emsmdb_logon);
	if (logon == NULL) {
		return MAPI_E_NOT_ENOUGH_MEMORY;
	}
	logon->logon_flags = req->logon_flags;
	logon->open_flags = req->open_flags;
	logon->mailbox = info;
	logon->mailbox.owner_sid = talloc_strdup(logon, info.owner_sid);
	logon->mailbox.legacy_dn = talloc_strdup(logon, info.legacy_dn != NULL ? info.legacy_dn : essdn);
	logon->mailbox.uri = talloc_strdup(logon, info.uri);
	/* the owner is the session's user, whose display name EcDoConnectEx read */
	logon->mailbox.owner_name = talloc_strdup(logon, session->display_name != NULL ?
						  session->display_name : info.owner_name);
	status = open_mailbox(logon, &logon->mailbox);
	if (status != MAPI_E_SUCCESS) {
		emsmdb_shared_abandon(logon);
		return status;
	}
	status = enter_logon(ctx, logon, req->logon_id, true);
	if (status != MAPI_E_SUCCESS) {
		return status;
	}

	res->return_value = MAPI_E_SUCCESS;
	res->u.private_mailbox.logon_flags =
		req->logon_flags & (EMSMDB_LOGON_PRIVATE | EMSMDB_LOGON_UNDERCOVER | EMSMDB_LOGON_GHOSTED);
	for (i = 0; i < MAPISTORE_LOGON_FOLDER_COUNT; i++) {
		res->u.private_mailbox.folder_ids[i] = logon->folder_ids[i];
	}
	/* the owner's own mailbox: owner and send-as rights; no OOF state is kept yet */
	res->u.private_mailbox.response_flags = EMSMDB_LOGON_RESPONSE_RESERVED |
		EMSMDB_LOGON_RESPONSE_OWNER_RIGHT | EMSMDB_LOGON_RESPONSE_SEND_AS_RIGHT;
	memcpy(res->u.private_mailbox.mailbox_guid.bytes, logon->mailbox.mailbox_guid, 16);
	res->u.private_mailbox.repl_id = logon->mailbox.replica_id;
	memcpy(res->u.private_mailbox.repl_guid.bytes, logon->mailbox.replica_guid, 16);
	emsmdb_logon_time(time(NULL), &res->u.private_mailbox.logon_time);
	res->u.private_mailbox.gwart_time = 0;	/* no GWART (Exchange 5.5 routing) */
	res->u.private_mailbox.store_state = 0;
	return MAPI_E_SUCCESS;
}

/* The logon a store ROP names: its LogonId must be the input object's logon. */
static struct emsmdb_logon *store_logon(struct emsmdb_rop_ctx *ctx, uint8_t logon_id)
{
	struct emsmdb_logon *logon = emsmdb_logon_get(ctx->session, logon_id);

	if (logon == NULL || ctx->input == NULL || ctx->input->private_data != logon) {
		return NULL;
	}
	return logon;
}

/*
 * MS-OXCSTOR 3.2.5.2 RopGetReceiveFolder: the folder configured for the
 * longest prefix of MessageClass (on '.' boundaries, case-insensitively),
 * else the default one, with the class that matched.  An invalid class is
 * ecInvalidParameter (mapistore checks it: ASCII 32-126, at most 255
 * characters, no empty part).
 */
enum MAPISTATUS emsmdb_rop_get_receive_folder(struct emsmdb_rop_ctx *ctx,
					      struct rop_response *response)
{
	const struct rop_get_receive_folder_request *req = &ctx->request->u.get_receive_folder;
	struct rop_get_receive_folder_response *res = &response->u.get_receive_folder;
	struct emsmdb_logon *logon = store_logon(ctx, req->logon_id);
	enum MAPISTATUS status;
	char *explicit_class = NULL;
	uint64_t fid = 0;

	res->input_handle_index = req->input_handle_index;
	if (logon == NULL) {
		return EC_NULL_OBJECT;
	}
	if (logon->public_store) {
		return MAPI_E_NO_SUPPORT;	/* a private mailbox's */
	}
	if (req->message_class == NULL) {
		return MAPI_E_INVALID_PARAMETER;
	}
	status = mapistore_receive_folder_get(logon->store, ctx->mem_ctx, req->message_class, &fid,
					      &explicit_class);
	if (status != MAPI_E_SUCCESS) {
		return status;
	}
	if (6 + 8 + (explicit_class != NULL ? strlen(explicit_class) : 0) + 1 > ctx->space) {
		return EMSMDB_ROP_NO_SPACE;
	}
	res->return_value = MAPI_E_SUCCESS;
	res->u.ok.folder_id = fid;
	res->u.ok.explicit_message_class = explicit_class != NULL ? explicit_class : talloc_strdup(ctx->mem_ctx, "");
	return res->u.ok.explicit_message_class != NULL ? MAPI_E_SUCCESS : MAPI_E_NOT_ENOUGH_MEMORY;
}

/*
 * MS-OXCSTOR 3.2.5.8 RopLongTermIdFromId: the REPLGUID of the id's REPLID
 * from the store's REPLID/REPLGUID mapping table (its own replica, and the
 * ones RopIdFromLongTermId registered), the id's global counter and a zero
 * Pad.  A REPLID not in the table, zero included, is ecNotFound.  The id is
 * not checked against existing objects, as the spec says.
 */
enum MAPISTATUS emsmdb_rop_long_term_id_from_id(struct emsmdb_rop_ctx *ctx,
						struct rop_response *response)
{
	const struct rop_long_term_id_from_id_request *req = &ctx->request->u.long_term_id_from_id;
	struct rop_long_term_id_from_id_response *res = &response->u.long_term_id_from_id;
	struct emsmdb_logon *logon = store_logon(ctx, req->logon_id);
	uint16_t replica = oxcdata_id_replica(req->object_id);
	enum MAPISTATUS status;

	res->input_handle_index = req->input_handle_index;
	if (logon == NULL) {
		return EC_NULL_OBJECT;
	}
	if (replica == 0) {
		return MAPI_E_NOT_FOUND;
	}
	status = mapistore_replica_guid(logon->store, replica,
					res->u.ok.long_term_id.database_guid.bytes);
	if (status != MAPI_E_SUCCESS) {
		return status;
	}
	res->return_value = MAPI_E_SUCCESS;
	oxcdata_id_globcnt(req->object_id, res->u.ok.long_term_id.global_counter);
	res->u.ok.long_term_id.pad = 0;
	return MAPI_E_SUCCESS;
}

/*
 * MS-OXCSTOR 3.2.5.9 RopIdFromLongTermId: a zero REPLGUID is ecInvalidParam;
 * a zero global counter answers ReturnValue 0 (with ObjectId 0); otherwise
 * the REPLGUID's REPLID, a REPLGUID met for the first time being registered
 * under a new REPLID (durably: the same REPLID every time after), with the
 * global counter.  Pad is ignored.
 */
enum MAPISTATUS emsmdb_rop_id_from_long_term_id(struct emsmdb_rop_ctx *ctx,
						struct rop_response *response)
{
	static const uint8_t zero[16] = { 0 };
	const struct rop_id_from_long_term_id_request *req = &ctx->request->u.id_from_long_term_id;
	struct rop_id_from_long_term_id_response *res = &response->u.id_from_long_term_id;
	struct emsmdb_logon *logon = store_logon(ctx, req->logon_id);
	enum MAPISTATUS status;
	uint16_t replica = 0;

	res->input_handle_index = req->input_handle_index;
	if (logon == NULL) {
		return EC_NULL_OBJECT;
	}
	if (memcmp(req->long_term_id.database_guid.bytes, zero, 16) == 0) {
		return MAPI_E_INVALID_PARAMETER;
	}
	res->return_value = MAPI_E_SUCCESS;
	if (memcmp(req->long_term_id.global_counter, zero, 6) == 0) {
		res->u.ok.object_id = 0;
		return MAPI_E_SUCCESS;
	}
	status = mapistore_replica_id(logon->store, req->long_term_id.database_guid.bytes, true,
				      &replica);
	if (status != MAPI_E_SUCCESS) {
		return status;
	}
	res->u.ok.object_id = oxcdata_id_from_globcnt(replica, req->long_term_id.global_counter);
	return MAPI_E_SUCCESS;
}

/*
 * MS-OXCSTOR 3.2.5.3 RopSetReceiveFolder: MessageClass to FolderId, or
 * the entry removed with FolderId 0.  The default entry ("") cannot be
 * removed (ecError).  "IPC" and the classes under it are the Root folder's
 * by definition (MAPI's receive folder rules), and the IPM and REPORT.IPM
 * entries cannot be removed, so those are ecAccessDenied.  A class that is
 * not 1-255 characters of ASCII 32-126 without empty parts is
 * ecInvalidParam; a FolderId that names no folder, ecNotFound.
 */
enum MAPISTATUS emsmdb_rop_set_receive_folder(struct emsmdb_rop_ctx *ctx,
					      struct rop_response *response)
{
	const struct rop_set_receive_folder_request *req = &ctx->request->u.set_receive_folder;
	struct emsmdb_logon *logon = store_logon(ctx, req->logon_id);
	const char *cls = req->message_class;
	enum MAPISTATUS status;

	response->u.set_receive_folder.input_handle_index = req->input_handle_index;
	if (logon == NULL) {
		return EC_NULL_OBJECT;
	}
	if (logon->public_store) {
		return MAPI_E_NO_SUPPORT;	/* a private mailbox's */
	}
	if (cls == NULL) {
		return MAPI_E_INVALID_PARAMETER;
	}
	if (cls[0] == '\0' && req->folder_id == 0) {
		return MAPI_E_CALL_FAILED;
	}
	if (strcasecmp(cls, "IPC") == 0 || strncasecmp(cls, "IPC.", 4) == 0 ||
	    (req->folder_id == 0 && (strcasecmp(cls, "IPM") == 0 || strcasecmp(cls, "REPORT.IPM") == 0))) {
		return MAPI_E_NO_ACCESS;
	}
	status = mapistore_receive_folder_set(logon->store, cls, req->folder_id);
	if (status != MAPI_E_SUCCESS) {
		return status;
	}
	response->u.set_receive_folder.return_value = MAPI_E_SUCCESS;
	return MAPI_E_SUCCESS;
}

/*
 * The columns of the receive folder table (MS-OXCROPS 2.2.3.4.2):
 * PidTagFolderId, PidTagMessageClass as PtypString8, and
 * PidTagLastModificationTime.
 */
static const uint32_t receive_folder_columns[] = { 0x67480014, 0x001A001E, 0x30080040 };
static const struct mapi_tag_array receive_folder_table_columns = {
	.count = 3, .tags = (uint32_t *)receive_folder_columns,
};

/* The bytes one StandardPropertyRow of the receive folder table takes. */
static size_t receive_folder_row_size(const struct mapistore_receive_folder *entry)
{
	return 1 + 8 + strlen(entry->message_class) + 1 + 8;
}

/*
 * MS-OXCSTOR 3.2.5.4 RopGetReceiveFolderTable: every configured class with
 * its folder, in message class order, as standard rows.  The rows are not
 * split over several responses, so a table that does not fit is sent back
 * in RopBufferTooSmall for a bigger buffer.
 */
enum MAPISTATUS emsmdb_rop_get_receive_folder_table(struct emsmdb_rop_ctx *ctx,
						    struct rop_response *response)
{
	const struct rop_get_receive_folder_table_request *req =
		&ctx->request->u.get_receive_folder_table;
	struct rop_get_receive_folder_table_response *res = &response->u.get_receive_folder_table;
	struct emsmdb_logon *logon = store_logon(ctx, req->logon_id);
	struct mapistore_receive_folder *entries = NULL;
	enum MAPISTATUS status;
	uint32_t count = 0, i;
	size_t need = 6 + 4;

	res->input_handle_index = req->input_handle_index;
	if (logon == NULL) {
		return EC_NULL_OBJECT;
	}
	if (logon->public_store) {
		return MAPI_E_NO_SUPPORT;	/* a private mailbox's */
	}
	status = mapistore_receive_folder_list(logon->store, ctx->mem_ctx, &count, &entries);
	if (status != MAPI_E_SUCCESS) {
		return status;
	}
	for (i = 0; i < count; i++) {
		need += receive_folder_row_size(&entries[i]);
	}
	if (need > ctx->space) {
		return EMSMDB_ROP_NO_SPACE;
	}
	res->u.ok.rows = talloc_zero_array(ctx->mem_ctx, struct mapi_property_row, count ? count : 1);
	if (res->u.ok.rows == NULL) {
		return MAPI_E_NOT_ENOUGH_MEMORY;
	}
	for (i = 0; i < count; i++) {
		struct mapi_property_row *row = &res->u.ok.rows[i];

		row->flag = MAPI_ROW_STANDARD;
		row->count = 3;
		row->values = talloc_zero_array(res->u.ok.rows, struct mapi_flagged_propval, 3);
		if (row->values == NULL) {
			return MAPI_E_NOT_ENOUGH_MEMORY;
		}
		row->values[0].pv.tag = receive_folder_columns[0];
		row->values[0].pv.value.i64 = entries[i].fid;
		row->values[1].pv.tag = receive_folder_columns[1];
		row->values[1].pv.value.string8 = entries[i].message_class;
		row->values[2].pv.tag = receive_folder_columns[2];
		row->values[2].pv.value.time = entries[i].last_modified;
		for (int v = 0; v < 3; v++) {
			row->values[v].flag = MAPI_PROPVAL_PRESENT;
		}
	}
	res->return_value = MAPI_E_SUCCESS;
	res->u.ok.row_count = count;
	ctx->response_params.columns = &receive_folder_table_columns;
	return MAPI_E_SUCCESS;
}

/*
 * MS-OXCSTOR 2.2.1.5.2 and 3.2.5.5 RopGetStoreState: STORE_HAS_SEARCHES
 * when the mailbox has active search folders.  Search criteria cannot be
 * set yet (RopSetSearchCriteria is not served), so none is ever active.
 */
enum MAPISTATUS emsmdb_rop_get_store_state(struct emsmdb_rop_ctx *ctx, struct rop_response *response)
{
	const struct rop_get_store_state_request *req = &ctx->request->u.get_store_state;

	response->u.get_store_state.input_handle_index = req->input_handle_index;
	if (store_logon(ctx, req->logon_id) == NULL) {
		return EC_NULL_OBJECT;
	}
	response->u.get_store_state.return_value = MAPI_E_SUCCESS;
	response->u.get_store_state.u.ok.store_state = 0;
	return MAPI_E_SUCCESS;
}

/*
 * MS-OXCSTOR 2.2.1.6.1 and 3.2.5.6 RopGetOwningServers "SHOULD be issued
 * against a public folders logon": the replica servers of a public folder,
 * which is this server alone.  A private mailbox has no replicas to name,
 * so the request is ecNotSupported there; an id that names no folder is
 * ecNotFound.
 */
enum MAPISTATUS emsmdb_rop_get_owning_servers(struct emsmdb_rop_ctx *ctx,
					      struct rop_response *response)
{
	const struct rop_get_owning_servers_request *req = &ctx->request->u.get_owning_servers;
	struct rop_get_owning_servers_response *res = &response->u.get_owning_servers;
	struct emsmdb_logon *logon = store_logon(ctx, req->logon_id);
	struct mapistore_folder *folder = NULL;
	enum MAPISTATUS status;

	res->input_handle_index = req->input_handle_index;
	if (logon == NULL) {
		return EC_NULL_OBJECT;
	}
	if (!logon->public_store) {
		return MAPI_E_NO_SUPPORT;
	}
	status = mapistore_folder_open(logon->store, ctx->mem_ctx, req->folder_id, &folder);
	if (status != MAPI_E_SUCCESS) {
		return status;
	}
	/* one replica, here: the one server is also the cheapest to reach */
	if (6 + 4 + strlen(logon->server_legacy_dn) + 1 > ctx->space) {
		return EMSMDB_ROP_NO_SPACE;
	}
	res->u.ok.owning_servers = talloc_array(ctx->mem_ctx, char *, 1);
	if (res->u.ok.owning_servers == NULL) {
		return MAPI_E_NOT_ENOUGH_MEMORY;
	}
	res->u.ok.owning_servers[0] = (char *)logon->server_legacy_dn;
	res->u.ok.owning_servers_count = 1;
	res->u.ok.cheap_servers_count = 1;
	res->return_value = MAPI_E_SUCCESS;
	return MAPI_E_SUCCESS;
}

/*
 * MS-OXCSTOR 3.2.5.7 RopPublicFolderIsGhosted: whether a folder's content
 * lives on other servers.  The public store has its one replica here and
 * nothing in a private mailbox ever is ghosted, so a folder answers
 * IsGhosted 0; an id that names none, ecNotFound.
 */
enum MAPISTATUS emsmdb_rop_public_folder_is_ghosted(struct emsmdb_rop_ctx *ctx,
						    struct rop_response *response)
{
	const struct rop_public_folder_is_ghosted_request *req =
		&ctx->request->u.public_folder_is_ghosted;
	struct rop_public_folder_is_ghosted_response *res = &response->u.public_folder_is_ghosted;
	struct emsmdb_logon *logon = store_logon(ctx, req->logon_id);
	struct mapistore_folder *folder = NULL;
	enum MAPISTATUS status;

	res->input_handle_index = req->input_handle_index;
	if (logon == NULL) {
		return EC_NULL_OBJECT;
	}
	status = mapistore_folder_open(logon->store, ctx->mem_ctx, req->folder_id, &folder);
	if (status != MAPI_E_SUCCESS) {
		return status;
	}
	res->return_value = MAPI_E_SUCCESS;
	res->u.ok.is_ghosted = 0;
	return MAPI_E_SUCCESS;
}

/*
 * MS-OXCSTOR 3.2.5.10 RopGetPerUserLongTermIds: the folders whose per-user
 * data came from the public store DatabaseGuid, in any order.
 */
enum MAPISTATUS emsmdb_rop_get_per_user_long_term_ids(struct emsmdb_rop_ctx *ctx,
						      struct rop_response *response)
{
	const struct rop_get_per_user_long_term_ids_request *req =
		&ctx->request->u.get_per_user_long_term_ids;
	struct rop_get_per_user_long_term_ids_response *res = &response->u.get_per_user_long_term_ids;
	struct emsmdb_logon *logon = store_logon(ctx, req->logon_id);
	enum MAPISTATUS status;
	uint8_t *ltids = NULL;
	uint32_t count = 0, i, fit;

	res->input_handle_index = req->input_handle_index;
	if (logon == NULL) {
		return EC_NULL_OBJECT;
	}
	if (logon->public_store) {
		return MAPI_E_NO_SUPPORT;	/* a private mailbox's */
	}
	status = mapistore_per_user_list(logon->store, ctx->mem_ctx, req->database_guid.bytes,
					 &count, &ltids);
	if (status != MAPI_E_SUCCESS) {
		return status;
	}
	/* "The server can return an empty list": a partial one is as good when space is short */
	fit = ctx->space > 8 ? (uint32_t)((ctx->space - 8) / MAPISTORE_LTID_SIZE) : 0;
	if (count > fit) {
		count = fit;
	}
	if (count > 0xFFFF) {
		count = 0xFFFF;
	}
	res->u.ok.long_term_ids = talloc_zero_array(ctx->mem_ctx, struct rop_long_term_id,
						    count ? count : 1);
	if (res->u.ok.long_term_ids == NULL) {
		return MAPI_E_NOT_ENOUGH_MEMORY;
	}
	for (i = 0; i < count; i++) {
		const uint8_t *l = ltids + i * MAPISTORE_LTID_SIZE;

		memcpy(res->u.ok.long_term_ids[i].database_guid.bytes, l, 16);
		memcpy(res->u.ok.long_term_ids[i].global_counter, l + 16, 6);
		res->u.ok.long_term_ids[i].pad = 0;
	}
	res->return_value = MAPI_E_SUCCESS;
	res->u.ok.long_term_id_count = (uint16_t)count;
	return MAPI_E_SUCCESS;
}

/* A LongTermID as the 24 bytes mapistore keys per-user data with (Pad zeroed). */
static void ltid_bytes(const struct rop_long_term_id *ltid, uint8_t out[MAPISTORE_LTID_SIZE])
{
	memcpy(out, ltid->database_guid.bytes, 16);
	memcpy(out + 16, ltid->global_counter, 6);
	out[22] = out[23] = 0;
}

/*
 * MS-OXCSTOR 3.2.5.11 RopGetPerUserGuid: the REPLGUID of the public store
 * whose per-user data for the folder the mailbox caches; none is
 * ecNotFound.
 */
enum MAPISTATUS emsmdb_rop_get_per_user_guid(struct emsmdb_rop_ctx *ctx,
					     struct rop_response *response)
{
	const struct rop_get_per_user_guid_request *req = &ctx->request->u.get_per_user_guid;
	struct rop_get_per_user_guid_response *res = &response->u.get_per_user_guid;
	struct emsmdb_logon *logon = store_logon(ctx, req->logon_id);
	uint8_t key[MAPISTORE_LTID_SIZE], guid[16];
	uint8_t *data = NULL;
	uint32_t len = 0;
	enum MAPISTATUS status;

	res->input_handle_index = req->input_handle_index;
	if (logon == NULL) {
		return EC_NULL_OBJECT;
	}
	if (logon->public_store) {
		return MAPI_E_NO_SUPPORT;	/* a private mailbox's */
	}
	ltid_bytes(&req->long_term_id, key);
	status = mapistore_per_user_get(logon->store, ctx->mem_ctx, key, guid, &data, &len);
	if (status != MAPI_E_SUCCESS) {
		return status;
	}
	res->return_value = MAPI_E_SUCCESS;
	memcpy(res->u.ok.database_guid.bytes, guid, 16);
	return MAPI_E_SUCCESS;
}

/*
 * MS-OXCSTOR 3.2.5.12 RopReadPerUserInformation on a private logon: the
 * cached data of the folder from DataOffset, at most MaxDataSize bytes
 * (and what fits the response), HasFinished once the end is reached.  A
 * folder without cached data reads as empty.  An offset past the end is
 * ecInvalidParam.
 */
enum MAPISTATUS emsmdb_rop_read_per_user_information(struct emsmdb_rop_ctx *ctx,
						     struct rop_response *response)
{
	const struct rop_read_per_user_information_request *req =
		&ctx->request->u.read_per_user_information;
	struct rop_read_per_user_information_response *res = &response->u.read_per_user_information;
	struct emsmdb_logon *logon = store_logon(ctx, req->logon_id);
	uint8_t key[MAPISTORE_LTID_SIZE], guid[16];
	uint8_t *data = NULL;
	uint32_t len = 0, size;
	enum MAPISTATUS status;

	res->input_handle_index = req->input_handle_index;
	if (logon == NULL) {
		return EC_NULL_OBJECT;
	}
	if (logon->public_store) {
		return MAPI_E_NO_SUPPORT;	/* a private mailbox's */
	}
	ltid_bytes(&req->folder_id, key);
	status = mapistore_per_user_get(logon->store, ctx->mem_ctx, key, guid, &data, &len);
	if (status == MAPI_E_NOT_FOUND) {
		len = 0;
	} else if (status != MAPI_E_SUCCESS) {
		return status;
	}
	if (req->data_offset > len) {
		return MAPI_E_INVALID_PARAMETER;
	}
	size = len - req->data_offset;
	if (size > req->max_data_size) {
		size = req->max_data_size;
	}
	/* RopId, index, ReturnValue, HasFinished, DataSize */
	if (ctx->space < 6 + 1 + 2) {
		return EMSMDB_ROP_NO_SPACE;
	}
	if (size > ctx->space - 9) {
		size = (uint32_t)(ctx->space - 9);
	}
	res->return_value = MAPI_E_SUCCESS;
	res->u.ok.has_finished = req->data_offset + size == len;
	res->u.ok.data_size = (uint16_t)size;
	res->u.ok.data = size ? data + req->data_offset : NULL;
	return MAPI_E_SUCCESS;
}

/*
 * MS-OXCSTOR 3.2.5.13 and 3.1.5.2 RopWritePerUserInformation on a private
 * logon: the data of one folder in pieces, the first (DataOffset 0) with
 * the REPLGUID it came from, each next one at the end of what came so far,
 * stored in one transaction with the piece that has HasFinished.  A piece
 * at another offset, or of another folder while one is in progress, is
 * ecInvalidParam and forgets the transfer; nothing of it was stored.
 */
enum MAPISTATUS emsmdb_rop_write_per_user_information(struct emsmdb_rop_ctx *ctx,
						      struct rop_response *response)
{
	const struct rop_write_per_user_information_request *req =
		&ctx->request->u.write_per_user_information;
	struct emsmdb_logon *logon = store_logon(ctx, req->logon_id);
	uint8_t key[MAPISTORE_LTID_SIZE];
	enum MAPISTATUS status;
	uint8_t *grown;

	response->u.write_per_user_information.input_handle_index = req->input_handle_index;
	if (logon == NULL) {
		return EC_NULL_OBJECT;
	}
	if (logon->public_store) {
		return MAPI_E_NO_SUPPORT;	/* a private mailbox's */
	}
	ltid_bytes(&req->folder_id, key);
	if (req->data_offset == 0) {
		TALLOC_FREE(logon->per_user_write.data);
		logon->per_user_write.active = true;
		logon->per_user_write.len = 0;
		memcpy(logon->per_user_write.ltid, key, sizeof(key));
		memcpy(logon->per_user_write.replguid, req->repl_guid.bytes, 16);
	} else if (!logon->per_user_write.active ||
		   memcmp(logon->per_user_write.ltid, key, sizeof(key)) != 0 ||
		   req->data_offset != logon->per_user_write.len) {
		TALLOC_FREE(logon->per_user_write.data);
		logon->per_user_write.active = false;
		return MAPI_E_INVALID_PARAMETER;
	}
	if (req->data_size > 0) {
		if (logon->per_user_write.len + (uint32_t)req->data_size > MAPISTORE_PER_USER_MAX) {
			TALLOC_FREE(logon->per_user_write.data);
			logon->per_user_write.active = false;
			return MAPI_E_TOO_BIG;
		}
		grown = talloc_realloc(logon, logon->per_user_write.data, uint8_t,
				       logon->per_user_write.len + req->data_size);
		if (grown == NULL) {
			return MAPI_E_NOT_ENOUGH_MEMORY;
		}
		memcpy(grown + logon->per_user_write.len, req->data, req->data_size);
		logon->per_user_write.data = grown;
		logon->per_user_write.len += req->data_size;
	}
	if (req->has_finished) {
		status = mapistore_per_user_set(logon->store, logon->per_user_write.ltid,
						logon->per_user_write.replguid,
						logon->per_user_write.data, logon->per_user_write.len);
		TALLOC_FREE(logon->per_user_write.data);
		logon->per_user_write.active = false;
		logon->per_user_write.len = 0;
		if (status != MAPI_E_SUCCESS) {
			return status;
		}
	}
	response->u.write_per_user_information.return_value = MAPI_E_SUCCESS;
	return MAPI_E_SUCCESS;
}
