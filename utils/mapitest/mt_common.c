/*
 * mapitest: what the tests of every family share: verdicts, connections
 * opened under the test's own context, a private or public logon.
 *
 * Copyright (C) OpenChange developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <talloc.h>

#include "utils/mapitest/mapitest.h"
#include "libmapi/emsmdb_client.h"
#include "libmapi/nspi_client.h"
#include "libmapi/rfr_client.h"
#include "libmapi/rop_session.h"

static enum mt_result verdict(struct mt_test *t, enum mt_result result, const char *fmt,
			      va_list ap)
{
	talloc_free(t->reason);
	t->reason = talloc_vasprintf(t->mem, fmt, ap);
	t->result = result;
	return result;
}

enum mt_result mt_fail(struct mt_test *t, const char *fmt, ...)
{
	enum mt_result r;
	va_list ap;

	va_start(ap, fmt);
	r = verdict(t, MT_FAIL, fmt, ap);
	va_end(ap);
	return r;
}

enum mt_result mt_skip(struct mt_test *t, const char *fmt, ...)
{
	enum mt_result r;
	va_list ap;

	va_start(ap, fmt);
	r = verdict(t, MT_SKIP, fmt, ap);
	va_end(ap);
	return r;
}

const char *mt_status(struct mt_test *t, uint32_t status)
{
	const char *name = mapi_errstr(status);

	return talloc_asprintf(t->mem, "0x%08x (%s)", status, name != NULL ? name : "?");
}

const char *mt_hex(struct mt_test *t, const uint8_t *data, size_t len)
{
	char *out = talloc_array(t->mem, char, 2 * len + 1);
	size_t i;

	if (out == NULL) {
		return "(no memory)";
	}
	for (i = 0; i < len; i++) {
		snprintf(out + 2 * i, 3, "%02x", data[i]);
	}
	out[2 * len] = '\0';
	return out;
}

enum mt_result mt_emsmdb(struct mt_test *t, struct emsmdb_client **client)
{
	enum MAPISTATUS ret;

	*client = NULL;
	ret = emsmdb_client_connect(t->mem, t->env->ev, t->env->lp_ctx, t->env->binding,
				    t->env->creds, t->env->essdn, NULL, client);
	if (ret != MAPI_E_SUCCESS) {
		return mt_fail(t, "EcDoConnectEx as %s: %s%s%s", t->env->essdn, mt_status(t, ret),
			       *client != NULL && (*client)->last_error != NULL ? ": " : "",
			       *client != NULL && (*client)->last_error != NULL ?
			       (*client)->last_error : "");
	}
	return MT_PASS;
}

enum mt_result mt_nspi(struct mt_test *t, struct nspi_client **nspi)
{
	enum MAPISTATUS ret;

	*nspi = NULL;
	ret = nspi_client_connect(t->mem, t->env->ev, t->env->lp_ctx, t->env->binding,
				  t->env->creds, t->env->codepage, nspi);
	if (ret != MAPI_E_SUCCESS) {
		return mt_fail(t, "NspiBind: %s%s%s", mt_status(t, ret),
			       *nspi != NULL && (*nspi)->last_error != NULL ? ": " : "",
			       *nspi != NULL && (*nspi)->last_error != NULL ? (*nspi)->last_error : "");
	}
	/* MS-OXNSPI 2.3.7: the locale every later call carries */
	(*nspi)->stat.TemplateLocale = 0x0409;
	(*nspi)->stat.SortLocale = 0x0409;
	return MT_PASS;
}

enum mt_result mt_rfr(struct mt_test *t, struct rfr_client **rfr)
{
	enum MAPISTATUS ret;

	*rfr = NULL;
	ret = rfr_client_connect(t->mem, t->env->ev, t->env->lp_ctx, t->env->binding,
				 t->env->creds, rfr);
	if (ret != MAPI_E_SUCCESS) {
		return mt_fail(t, "RFR bind: %s%s%s", mt_status(t, ret),
			       *rfr != NULL && (*rfr)->last_error != NULL ? ": " : "",
			       *rfr != NULL && (*rfr)->last_error != NULL ? (*rfr)->last_error : "");
	}
	return MT_PASS;
}

enum mt_result mt_logon_open(struct mt_test *t, uint8_t logon_flags, struct mt_logon *lg)
{
	struct rop_request req;
	struct rop_response resp;
	enum MAPISTATUS ret;
	size_t i;

	memset(lg, 0, sizeof(*lg));
	for (i = 0; i < MT_COUNT(lg->handles); i++) {
		lg->handles[i] = ROP_HANDLE_NONE;
	}
	if (mt_emsmdb(t, &lg->client) != MT_PASS) {
		return t->result;
	}
	lg->session = rop_session_new(t->mem, lg->client, 0, 0);
	if (lg->session == NULL) {
		return mt_fail(t, "out of memory");
	}
	/* MS-OXCROPS 2.2.3.1.1: a private logon names the mailbox by its owner's
	 * DN; a public logon (OpenFlags PUBLIC) names nothing */
	memset(&req, 0, sizeof(req));
	req.rop_id = RopLogon;
	req.u.logon.logon_flags = logon_flags;
	if (logon_flags & 0x01) {
		req.u.logon.open_flags = 0x01000000;	/* USE_PER_MDB_REPLID_MAPPING */
		req.u.logon.essdn = (uint8_t *)talloc_strdup(t->mem, t->env->essdn);
		req.u.logon.essdn_size = (uint16_t)(strlen(t->env->essdn) + 1);
	} else {
		req.u.logon.open_flags = 0x01000000 | 0x00000002;	/* ... | PUBLIC */
	}
	ret = rop_session_call_one(lg->session, t->mem, &req, lg->handles, MT_COUNT(lg->handles),
				   &resp);
	if (ret != MAPI_E_SUCCESS) {
		return mt_fail(t, "RopLogon: %s: %s", mt_status(t, ret),
			       rop_session_last_error(lg->session) ?
			       rop_session_last_error(lg->session) : "");
	}
	if (resp.u.logon.return_value != MAPI_E_SUCCESS) {
		return mt_fail(t, "RopLogon %s: ReturnValue %s", logon_flags & 0x01 ? "private" : "public",
			       mt_status(t, resp.u.logon.return_value));
	}
	lg->logon = resp.u.logon;
	return MT_PASS;
}

enum mt_result mt_rop(struct mt_test *t, struct mt_logon *lg, const struct rop_request *req,
		      struct rop_response *resp)
{
	enum MAPISTATUS ret = rop_session_call_one(lg->session, t->mem, req, lg->handles,
						   MT_COUNT(lg->handles), resp);

	if (ret != MAPI_E_SUCCESS) {
		const char *name = rop_name(req->rop_id);

		return mt_fail(t, "%s: the call failed: %s%s%s", name ? name : "ROP", mt_status(t, ret),
			       rop_session_last_error(lg->session) ? ": " : "",
			       rop_session_last_error(lg->session) ?
			       rop_session_last_error(lg->session) : "");
	}
	return MT_PASS;
}

enum mt_result mt_skip_unsupported(struct mt_test *t, const struct rop_response *resp)
{
	if (rop_response_return_value(resp) == MT_EC_NOT_SUPPORTED) {
		const char *name = rop_name(resp->rop_id);

		return mt_skip(t, "server answers ecNotSupported for %s", name ? name : "the ROP");
	}
	return MT_PASS;
}

enum mt_result mt_open_folder(struct mt_test *t, struct mt_logon *lg, uint64_t fid, uint8_t in,
			      uint8_t out)
{
	struct rop_request req;
	struct rop_response resp;

	memset(&req, 0, sizeof(req));
	req.rop_id = RopOpenFolder;
	req.u.open_folder.input_handle_index = in;
	req.u.open_folder.output_handle_index = out;
	req.u.open_folder.folder_id = fid;
	if (mt_rop(t, lg, &req, &resp) != MT_PASS || mt_skip_unsupported(t, &resp) != MT_PASS) {
		return t->result;
	}
	if (resp.u.open_folder.return_value != MAPI_E_SUCCESS) {
		return mt_fail(t, "RopOpenFolder(0x%016llx): %s", (unsigned long long)fid,
			       mt_status(t, resp.u.open_folder.return_value));
	}
	return MT_PASS;
}
