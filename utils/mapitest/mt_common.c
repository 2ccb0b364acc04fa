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

struct mapi_propval mt_str_prop(uint32_t tag, const char *value)
{
	struct mapi_propval pv;

	memset(&pv, 0, sizeof(pv));
	pv.tag = tag;
	pv.value.string = (char *)value;
	return pv;
}

struct mapi_propval mt_i32_prop(uint32_t tag, uint32_t value)
{
	struct mapi_propval pv;

	memset(&pv, 0, sizeof(pv));
	pv.tag = tag;
	pv.value.i32 = value;
	return pv;
}

enum mt_result mt_reopen(struct mt_test *t, struct mt_box *box, uint64_t mid, uint8_t slot)
{
	if (mt_release(t, &box->lg, slot) != MT_PASS ||
	    mt_open_message(t, &box->lg, box->fid, mid, 1, slot, 0x00) != MT_PASS) {
		return t->result;
	}
	return MT_PASS;
}

/* helpers for OXCFOLD/OXCTABL/OXCSTOR/OXCRPC and the probe families
 * (OXCNOTIF, OXCFXICS, OXCPERM, OXORULE, OXOMSG); their includes here, so
 * that this block merges as one piece */
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#define MT_TAG_SUBJECT 0x0037001Fu	/* PidTagSubject, PtypString */
#define MT_TAG_IMPORTANCE 0x00170003u	/* PidTagImportance, PtypInteger32 */

struct rop_request mt_request(uint8_t rop_id)
{
	struct rop_request r;

	memset(&r, 0, sizeof(r));
	r.rop_id = rop_id;
	return r;
}

const char *mt_unique_name(struct mt_test *t, const char *prefix)
{
	static unsigned seed;
	static unsigned serial;

	if (seed == 0) {
		seed = (unsigned)time(NULL) ^ ((unsigned)getpid() << 16);
	}
	serial++;
	return talloc_asprintf(t->mem, "%s-%08x", prefix, (unsigned)rand_r(&seed) ^ serial);
}

void mt_drop(struct mt_test *t, struct mt_logon *lg, uint8_t slot)
{
	struct rop_request req = mt_request(RopRelease);
	struct rop_response_list out;

	req.u.release.input_handle_index = slot;
	/* RopRelease has no response: an empty answer is its success */
	(void)rop_session_call(lg->session, t->mem, &req, 1, lg->handles, MT_COUNT(lg->handles), 0,
			       &out);
	lg->handles[slot] = ROP_HANDLE_NONE;
}

enum mt_result mt_create_folder(struct mt_test *t, struct mt_logon *lg, uint8_t in, uint8_t out,
				const char *name, const char *comment, uint64_t *fid)
{
	struct rop_request req = mt_request(RopCreateFolder);
	struct rop_response resp;

	req.u.create_folder.input_handle_index = in;
	req.u.create_folder.output_handle_index = out;
	req.u.create_folder.folder_type = 1;	/* FOLDER_GENERIC, MS-OXCFOLD 2.2.1.2.1 */
	req.u.create_folder.use_unicode_strings = 1;
	req.u.create_folder.display_name = talloc_strdup(t->mem, name);
	req.u.create_folder.comment = talloc_strdup(t->mem, comment != NULL ? comment : "");
	if (mt_rop(t, lg, &req, &resp) != MT_PASS || mt_skip_unsupported(t, &resp) != MT_PASS) {
		return t->result;
	}
	if (resp.u.create_folder.return_value != MAPI_E_SUCCESS) {
		return mt_fail(t, "RopCreateFolder(%s): %s", name,
			       mt_status(t, resp.u.create_folder.return_value));
	}
	*fid = resp.u.create_folder.u.ok.folder_id;
	return MT_PASS;
}

/* What the scratch folder's destructor needs once the test's stack is gone */
struct mt_scratch {
	struct rop_session *session;
	uint32_t logon_handle;
	uint64_t parent;
	uint64_t fid;
};

static int mt_scratch_destructor(struct mt_scratch *s)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	uint32_t handles[2] = { s->logon_handle, ROP_HANDLE_NONE };
	struct rop_request req[2];
	struct rop_response_list out;

	req[0] = mt_request(RopOpenFolder);
	req[0].u.open_folder.output_handle_index = 1;
	req[0].u.open_folder.folder_id = s->parent;
	req[1] = mt_request(RopDeleteFolder);
	req[1].u.delete_folder.input_handle_index = 1;
	req[1].u.delete_folder.delete_folder_flags = MT_DEL_MESSAGES | MT_DEL_FOLDERS |
		MT_DELETE_HARD_DELETE;
	req[1].u.delete_folder.folder_id = s->fid;
	/* a test that already deleted it, or a dead connection: nothing to do */
	if (tmp != NULL) {
		(void)rop_session_call(s->session, tmp, req, 2, handles, 2, 0, &out);
	}
	talloc_free(tmp);
	return 0;
}

enum mt_result mt_scratch_folder(struct mt_test *t, struct mt_logon *lg, uint8_t out,
				 uint64_t *fid)
{
	uint64_t ipm = lg->logon.u.private_mailbox.folder_ids[MT_FID_IPM_SUBTREE];
	struct mt_scratch *s;

	if (mt_open_folder(t, lg, ipm, 0, MT_SLOT_TEMP) != MT_PASS ||
	    mt_create_folder(t, lg, MT_SLOT_TEMP, out, mt_unique_name(t, "mapitest"),
			     "mapitest scratch folder", fid) != MT_PASS) {
		return t->result;
	}
	mt_drop(t, lg, MT_SLOT_TEMP);
	/* allocated after the connection, so freed before it (newest child first) */
	s = talloc_zero(t->mem, struct mt_scratch);
	if (s == NULL) {
		return mt_fail(t, "out of memory");
	}
	s->session = lg->session;
	s->logon_handle = lg->handles[0];
	s->parent = ipm;
	s->fid = *fid;
	talloc_set_destructor(s, mt_scratch_destructor);
	return MT_PASS;
}

enum mt_result mt_new_message(struct mt_test *t, struct mt_logon *lg, uint64_t fid,
				 const char *subject, uint32_t importance, uint64_t *mid)
{
	return mt_create_message_fai(t, lg, fid, subject, importance, false, mid);
}

enum mt_result mt_create_message_fai(struct mt_test *t, struct mt_logon *lg, uint64_t fid,
				     const char *subject, uint32_t importance, bool associated,
				     uint64_t *mid)
{
	struct rop_request req[4];
	struct rop_response_list out;
	const struct rop_response *created, *set, *saved;
	struct mapi_propval props[2];
	enum MAPISTATUS ret;
	uint32_t rv;

	props[0].tag = MT_TAG_SUBJECT;
	props[0].value.string = talloc_strdup(t->mem, subject);
	props[1].tag = MT_TAG_IMPORTANCE;
	props[1].value.i32 = importance;
	req[0] = mt_request(RopCreateMessage);
	req[0].u.create_message.output_handle_index = MT_SLOT_MESSAGE;
	req[0].u.create_message.code_page_id = 0x0FFF;	/* the logon's code page */
	req[0].u.create_message.folder_id = fid;
	req[0].u.create_message.associated_flag = associated ? 1 : 0;
	req[1] = mt_request(RopSetProperties);
	req[1].u.set_properties.input_handle_index = MT_SLOT_MESSAGE;
	req[1].u.set_properties.property_value_count = 2;
	req[1].u.set_properties.property_values = props;
	req[2] = mt_request(RopSaveChangesMessage);
	req[2].u.save_changes_message.response_handle_index = MT_SLOT_MESSAGE;
	req[2].u.save_changes_message.input_handle_index = MT_SLOT_MESSAGE;
	req[2].u.save_changes_message.save_flags = 0x02;	/* KeepOpenReadWrite */
	req[3] = mt_request(RopRelease);
	req[3].u.release.input_handle_index = MT_SLOT_MESSAGE;
	ret = rop_session_call(lg->session, t->mem, req, 4, lg->handles, MT_COUNT(lg->handles), 0,
			       &out);
	lg->handles[MT_SLOT_MESSAGE] = ROP_HANDLE_NONE;
	if (ret != MAPI_E_SUCCESS) {
		return mt_fail(t, "creating message '%s': %s: %s", subject, mt_status(t, ret),
			       rop_session_last_error(lg->session) ?
			       rop_session_last_error(lg->session) : "");
	}
	/* found by RopId: a RopNotify may come between the answers */
	created = rop_response_find(&out, RopCreateMessage, 0);
	set = rop_response_find(&out, RopSetProperties, 0);
	saved = rop_response_find(&out, RopSaveChangesMessage, 0);
	if (created != NULL && mt_skip_unsupported(t, created) != MT_PASS) {
		return t->result;
	}
	if (created == NULL || rop_response_return_value(created) != MAPI_E_SUCCESS) {
		return mt_fail(t, "RopCreateMessage for '%s': %s", subject, created == NULL ?
			       "no answer" : mt_status(t, rop_response_return_value(created)));
	}
	if (set == NULL || rop_response_return_value(set) != MAPI_E_SUCCESS ||
	    set->u.set_properties.u.ok.property_problem_count != 0) {
		return mt_fail(t, "RopSetProperties on message '%s': %s", subject, set == NULL ?
			       "no answer" : rop_response_return_value(set) != MAPI_E_SUCCESS ?
			       mt_status(t, rop_response_return_value(set)) : "property problems");
	}
	rv = saved != NULL ? rop_response_return_value(saved) : MAPI_E_CALL_FAILED;
	if (saved == NULL || rv != MAPI_E_SUCCESS) {
		return mt_fail(t, "RopSaveChangesMessage of '%s': %s", subject,
			       saved == NULL ? "no answer" : mt_status(t, rv));
	}
	*mid = saved->u.save_changes_message.u.ok.message_id;
	return MT_PASS;
}

uint32_t mt_row_u32(const struct mapi_property_row *row, size_t i, uint32_t fallback)
{
	if (i >= row->count || row->values[i].flag != MAPI_PROPVAL_PRESENT) {
		return fallback;
	}
	return row->values[i].pv.value.i32;
}

enum mt_result mt_open_table(struct mt_test *t, struct mt_logon *lg, bool hierarchy, uint8_t in,
			     uint8_t out, const uint32_t *cols, uint16_t ncols,
			     uint32_t *row_count)
{
	struct rop_request req = mt_request(hierarchy ? RopGetHierarchyTable : RopGetContentsTable);
	struct rop_response resp;
	uint32_t rv;

	/* both requests and both responses have the same layout (MS-OXCROPS 2.2.4.13, 2.2.4.14) */
	req.u.get_hierarchy_table.input_handle_index = in;
	req.u.get_hierarchy_table.output_handle_index = out;
	if (!hierarchy) {
		req.u.get_contents_table.input_handle_index = in;
		req.u.get_contents_table.output_handle_index = out;
	}
	if (mt_rop(t, lg, &req, &resp) != MT_PASS || mt_skip_unsupported(t, &resp) != MT_PASS) {
		return t->result;
	}
	rv = rop_response_return_value(&resp);
	if (rv != MAPI_E_SUCCESS) {
		return mt_fail(t, "%s: %s", hierarchy ? "RopGetHierarchyTable" : "RopGetContentsTable",
			       mt_status(t, rv));
	}
	if (row_count != NULL) {
		*row_count = hierarchy ? resp.u.get_hierarchy_table.u.ok.row_count :
			resp.u.get_contents_table.u.ok.row_count;
	}
	req = mt_request(RopSetColumns);
	req.u.set_columns.input_handle_index = out;
	req.u.set_columns.property_tag_count = ncols;
	req.u.set_columns.property_tags = talloc_memdup(t->mem, cols, ncols * sizeof(*cols));
	if (mt_rop(t, lg, &req, &resp) != MT_PASS || mt_skip_unsupported(t, &resp) != MT_PASS) {
		return t->result;
	}
	if (resp.u.set_columns.return_value != MAPI_E_SUCCESS) {
		return mt_fail(t, "RopSetColumns: %s", mt_status(t, resp.u.set_columns.return_value));
	}
	return MT_PASS;
}

enum mt_result mt_query_rows(struct mt_test *t, struct mt_logon *lg, uint8_t slot, bool forward,
			     uint8_t flags, uint16_t count, struct rop_response *resp)
{
	struct rop_request req = mt_request(RopQueryRows);

	req.u.query_rows.input_handle_index = slot;
	req.u.query_rows.query_rows_flags = flags;
	req.u.query_rows.forward_read = forward ? 1 : 0;
	req.u.query_rows.row_count = count;
	if (mt_rop(t, lg, &req, resp) != MT_PASS || mt_skip_unsupported(t, resp) != MT_PASS) {
		return t->result;
	}
	if (resp->u.query_rows.return_value != MAPI_E_SUCCESS) {
		return mt_fail(t, "RopQueryRows: %s", mt_status(t, resp->u.query_rows.return_value));
	}
	return MT_PASS;
}

enum mt_result mt_table_find_id(struct mt_test *t, struct mt_logon *lg, uint8_t slot, uint64_t id,
				bool *found, uint32_t *position)
{
	struct rop_request req = mt_request(RopSeekRow);
	struct rop_response resp;
	uint16_t i;

	*found = false;
	/* from the top, whatever an earlier read left the cursor at */
	req.u.seek_row.input_handle_index = slot;
	req.u.seek_row.origin = 0;	/* BOOKMARK_BEGINNING */
	if (mt_rop(t, lg, &req, &resp) != MT_PASS || mt_skip_unsupported(t, &resp) != MT_PASS) {
		return t->result;
	}
	if (mt_query_rows(t, lg, slot, true, 0, 0x1000, &resp) != MT_PASS) {
		return t->result;
	}
	for (i = 0; i < resp.u.query_rows.u.ok.row_count; i++) {
		const struct mapi_property_row *row = &resp.u.query_rows.u.ok.row_data[i];

		if (row->count >= 1 && row->values[0].flag == MAPI_PROPVAL_PRESENT &&
		    row->values[0].pv.value.i64 == id) {
			*found = true;
			if (position != NULL) {
				*position = i;
			}
		}
	}
	return MT_PASS;
}
