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

/* helpers for OXCMSG/OXCPRPT/NSPI... */

enum mt_result mt_rop_ok(struct mt_test *t, struct mt_logon *lg, const struct rop_request *req,
			 struct rop_response *resp, const char *what)
{
	uint32_t rv;

	if (mt_rop(t, lg, req, resp) != MT_PASS || mt_skip_unsupported(t, resp) != MT_PASS) {
		return t->result;
	}
	rv = rop_response_return_value(resp);
	if (rv != MAPI_E_SUCCESS) {
		return mt_fail(t, "%s: %s", what, mt_status(t, rv));
	}
	return MT_PASS;
}

enum mt_result mt_create_message(struct mt_test *t, struct mt_logon *lg, uint64_t fid,
				 uint8_t in, uint8_t out)
{
	struct rop_request req;
	struct rop_response resp;

	memset(&req, 0, sizeof(req));
	req.rop_id = RopCreateMessage;
	req.u.create_message.input_handle_index = in;
	req.u.create_message.output_handle_index = out;
	req.u.create_message.code_page_id = 0x0FFF;	/* MS-OXCMSG 2.2.3.2.1: the logon's */
	req.u.create_message.folder_id = fid;
	return mt_rop_ok(t, lg, &req, &resp, "RopCreateMessage");
}

enum mt_result mt_save_message(struct mt_test *t, struct mt_logon *lg, uint8_t slot,
			       uint8_t flags, uint64_t *mid)
{
	struct rop_request req;
	struct rop_response resp;

	memset(&req, 0, sizeof(req));
	req.rop_id = RopSaveChangesMessage;
	req.u.save_changes_message.response_handle_index = slot;
	req.u.save_changes_message.input_handle_index = slot;
	req.u.save_changes_message.save_flags = flags;
	if (mt_rop_ok(t, lg, &req, &resp, "RopSaveChangesMessage") != MT_PASS) {
		return t->result;
	}
	if (mid != NULL) {
		*mid = resp.u.save_changes_message.u.ok.message_id;
	}
	return MT_PASS;
}

enum mt_result mt_open_message(struct mt_test *t, struct mt_logon *lg, uint64_t fid,
			       uint64_t mid, uint8_t in, uint8_t out, uint8_t mode)
{
	struct rop_request req;
	struct rop_response resp;

	memset(&req, 0, sizeof(req));
	req.rop_id = RopOpenMessage;
	req.u.open_message.input_handle_index = in;
	req.u.open_message.output_handle_index = out;
	req.u.open_message.code_page_id = 0x0FFF;
	req.u.open_message.folder_id = fid;
	req.u.open_message.open_mode_flags = mode;
	req.u.open_message.message_id = mid;
	return mt_rop_ok(t, lg, &req, &resp, "RopOpenMessage");
}

enum mt_result mt_set_props(struct mt_test *t, struct mt_logon *lg, uint8_t slot,
			    const struct mapi_propval *values, uint16_t count)
{
	struct rop_request req;
	struct rop_response resp;
	const struct rop_set_properties_response *r = &resp.u.set_properties;

	memset(&req, 0, sizeof(req));
	req.rop_id = RopSetProperties;
	req.u.set_properties.input_handle_index = slot;
	req.u.set_properties.property_value_count = count;
	req.u.set_properties.property_values = (struct mapi_propval *)values;
	if (mt_rop_ok(t, lg, &req, &resp, "RopSetProperties") != MT_PASS) {
		return t->result;
	}
	if (r->u.ok.property_problem_count != 0) {
		return mt_fail(t, "RopSetProperties: a problem with 0x%08x: %s",
			       r->u.ok.property_problems[0].property_tag,
			       mt_status(t, r->u.ok.property_problems[0].error_code));
	}
	return MT_PASS;
}

enum mt_result mt_get_props(struct mt_test *t, struct mt_logon *lg, uint8_t slot,
			    const uint32_t *tags, uint16_t count, struct mapi_property_row *row)
{
	struct rop_request req;
	struct rop_response resp;

	memset(&req, 0, sizeof(req));
	req.rop_id = RopGetPropertiesSpecific;
	req.u.get_properties_specific.input_handle_index = slot;
	req.u.get_properties_specific.want_unicode = 1;
	req.u.get_properties_specific.property_tag_count = count;
	req.u.get_properties_specific.property_tags = (uint32_t *)tags;
	if (mt_rop_ok(t, lg, &req, &resp, "RopGetPropertiesSpecific") != MT_PASS) {
		return t->result;
	}
	*row = resp.u.get_properties_specific.u.ok.row_data;
	if (row->count != count) {
		return mt_fail(t, "RopGetPropertiesSpecific: %u values for %u tags", row->count, count);
	}
	return MT_PASS;
}

const struct mapi_propval *mt_row_value(const struct mapi_property_row *row,
					const uint32_t *tags, uint32_t tag)
{
	uint16_t i;

	for (i = 0; i < row->count; i++) {
		if (tags[i] == tag) {
			/* a flagged row says present per value; a standard one holds values only */
			if (row->flag == MAPI_ROW_FLAGGED &&
			    row->values[i].flag != MAPI_PROPVAL_PRESENT) {
				return NULL;
			}
			if ((row->values[i].pv.tag & 0xFFFF) == PTYP_ERRORCODE &&
			    (tag & 0xFFFF) != PTYP_ERRORCODE) {
				return NULL;
			}
			return &row->values[i].pv;
		}
	}
	return NULL;
}

enum mt_result mt_release(struct mt_test *t, struct mt_logon *lg, uint8_t slot)
{
	struct rop_request req;
	struct rop_response_list list;
	enum MAPISTATUS ret;

	memset(&req, 0, sizeof(req));
	req.rop_id = RopRelease;
	req.u.release.input_handle_index = slot;
	ret = rop_session_call(lg->session, t->mem, &req, 1, lg->handles, MT_COUNT(lg->handles), 0,
			       &list);
	if (ret != MAPI_E_SUCCESS) {
		return mt_fail(t, "RopRelease: %s", mt_status(t, ret));
	}
	return MT_PASS;
}

/* Hard-deletes the box's messages; false when the server refused */
static bool box_cleanup(struct mt_test *t, struct mt_box *box, char **why)
{
	struct rop_request req;
	struct rop_response resp;
	enum MAPISTATUS ret;

	if (box->count == 0) {
		return true;
	}
	/* the Inbox again, in case the test released or replaced slot 1 */
	memset(&req, 0, sizeof(req));
	req.rop_id = RopOpenFolder;
	req.u.open_folder.output_handle_index = 1;
	req.u.open_folder.folder_id = box->fid;
	ret = rop_session_call_one(box->lg.session, t->mem, &req, box->lg.handles,
				   MT_COUNT(box->lg.handles), &resp);
	if (ret != MAPI_E_SUCCESS || resp.u.open_folder.return_value != MAPI_E_SUCCESS) {
		*why = talloc_asprintf(t->mem, "clean-up: RopOpenFolder of the Inbox failed");
		return false;
	}
	memset(&req, 0, sizeof(req));
	req.rop_id = RopHardDeleteMessages;
	req.u.hard_delete_messages.input_handle_index = 1;
	req.u.hard_delete_messages.message_id_count = (uint16_t)box->count;
	req.u.hard_delete_messages.message_ids = box->mids;
	ret = rop_session_call_one(box->lg.session, t->mem, &req, box->lg.handles,
				   MT_COUNT(box->lg.handles), &resp);
	if (ret != MAPI_E_SUCCESS || resp.u.hard_delete_messages.return_value != MAPI_E_SUCCESS ||
	    resp.u.hard_delete_messages.u.result.partial_completion != 0) {
		*why = talloc_asprintf(t->mem, "clean-up: RopHardDeleteMessages of %zu messages: %s",
				       box->count, ret != MAPI_E_SUCCESS ? mt_status(t, ret) :
				       mt_status(t, resp.u.hard_delete_messages.return_value));
		return false;
	}
	return true;
}

enum mt_result mt_in_inbox(struct mt_test *t, mt_box_fn fn)
{
	struct mt_box *box = talloc_zero(t->mem, struct mt_box);
	enum mt_result r;
	char *why = NULL;

	if (box == NULL) {
		return mt_fail(t, "out of memory");
	}
	if (mt_logon_open(t, 0x01, &box->lg) != MT_PASS) {
		return t->result;
	}
	box->fid = box->lg.logon.u.private_mailbox.folder_ids[MT_FID_INBOX];
	if (mt_open_folder(t, &box->lg, box->fid, 0, 1) != MT_PASS) {
		return t->result;
	}
	r = fn(t, box);
	if (!box_cleanup(t, box, &why) && r == MT_PASS) {
		return mt_fail(t, "%s", why);
	}
	return r;
}

enum mt_result mt_box_message(struct mt_test *t, struct mt_box *box, uint8_t out,
			      const struct mapi_propval *values, uint16_t count, uint64_t *mid)
{
	uint64_t id = 0;

	if (box->count >= MT_COUNT(box->mids)) {
		return mt_fail(t, "too many messages for one test");
	}
	if (mt_create_message(t, &box->lg, box->fid, 1, out) != MT_PASS ||
	    (count > 0 && mt_set_props(t, &box->lg, out, values, count) != MT_PASS) ||
	    mt_save_message(t, &box->lg, out, 0x02 /* KeepOpenReadWrite */, &id) != MT_PASS) {
		return t->result;
	}
	MT_EXPECT(t, id != 0, "RopSaveChangesMessage returned MessageId 0");
	box->mids[box->count++] = id;
	if (mid != NULL) {
		*mid = id;
	}
	return MT_PASS;
}
