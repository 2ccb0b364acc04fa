/*
 * mapitest ERRORCHECKS: what a server does with ROP buffers that are wrong
 * (MS-OXCROPS 3.2.5.1 and the error form of every ROP): a bad handle index
 * fails that ROP, an unparsable buffer fails the call, an unimplemented
 * ROP fails itself; the session survives all of them.  The buffers are
 * written byte by byte here: the codec would refuse to build them.
 *
 * Copyright (C) OpenChange developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <talloc.h>

#include "utils/mapitest/mapitest.h"
#include "libmapi/emsmdb_client.h"
#include "libmapi/rop_buffer.h"
#include "libmapi/rop_session.h"

#define EC_NULL_OBJECT_CODE 0x000004B9u
#define EC_RPC_FORMAT_CODE 0x000004B6u

/* EcDoRpcExt2 of BYTES (a whole ROP input buffer); fails the test on a transport error */
static enum mt_result send_rops(struct mt_test *t, struct emsmdb_client *c, const uint8_t *bytes,
				size_t len, enum MAPISTATUS *ret, struct rop_response_buffer *out)
{
	uint8_t *reply = NULL;
	size_t reply_len = 0;
	enum wire_error err;

	memset(out, 0, sizeof(*out));
	*ret = emsmdb_client_rpc(c, t->mem, bytes, len, 0, 0, 0, &reply, &reply_len, NULL);
	if (*ret == MAPI_E_NETWORK_ERROR && !NT_STATUS_IS_OK(c->last_status)) {
		return mt_fail(t, "EcDoRpcExt2 failed on the wire: %s", c->last_error);
	}
	if (*ret != MAPI_E_SUCCESS) {
		return MT_PASS;
	}
	err = rop_response_pull(t->mem, reply, reply_len, NULL, out);
	MT_EXPECT(t, err == WIRE_OK, "the reply %s does not decode: %s", mt_hex(t, reply, reply_len),
		  wire_strerror(err));
	return MT_PASS;
}

/* The session still answers: an empty ROP buffer succeeds */
static enum mt_result session_alive(struct mt_test *t, struct emsmdb_client *c)
{
	static const uint8_t empty[] = { 0x02, 0x00 };
	struct rop_response_buffer out;
	enum MAPISTATUS ret;

	if (send_rops(t, c, empty, sizeof(empty), &ret, &out) != MT_PASS) {
		return t->result;
	}
	MT_EXPECT(t, ret == MAPI_E_SUCCESS, "the session died: an empty ROP buffer gives %s",
		  mt_status(t, ret));
	return MT_PASS;
}

/* MS-OXCROPS 3.2.5.1: a handle index past the table fails that ROP with ecNullObject */
static enum mt_result t_bad_handle_index(struct mt_test *t)
{
	/* RopSize 8: RopGetStoreState on index 7, then on index 0; one handle */
	static const uint8_t bytes[] = {
		0x08, 0x00, RopGetStoreState, 0x00, 0x07, RopGetStoreState, 0x00, 0x00,
		0xFF, 0xFF, 0xFF, 0xFF,
	};
	struct emsmdb_client *c;
	struct rop_response_buffer out;
	enum MAPISTATUS ret;

	if (mt_emsmdb(t, &c) != MT_PASS ||
	    send_rops(t, c, bytes, sizeof(bytes), &ret, &out) != MT_PASS) {
		return t->result;
	}
	MT_EXPECT(t, ret == MAPI_E_SUCCESS, "the call failed: %s", mt_status(t, ret));
	MT_EXPECT_EQ(t, out.list.count, 2, "responses");
	MT_EXPECT_EQ(t, out.list.rops[0].u.get_store_state.input_handle_index, 7,
		     "InputHandleIndex echoed");
	MT_EXPECT(t, out.list.rops[0].u.get_store_state.return_value == EC_NULL_OBJECT_CODE,
		  "index 7 of 1: observed %s, expected %s",
		  mt_status(t, out.list.rops[0].u.get_store_state.return_value),
		  mt_status(t, EC_NULL_OBJECT_CODE));
	/* the next ROP is processed: an empty slot is no object either */
	MT_EXPECT(t, out.list.rops[1].u.get_store_state.return_value != MAPI_E_SUCCESS,
		  "RopGetStoreState without a logon succeeded");
	MT_EXPECT_EQ(t, out.handle_count, 1, "handles returned");
	return session_alive(t, c);
}

static enum mt_result expect_rpc_format(struct mt_test *t, const uint8_t *bytes, size_t len,
					const char *what)
{
	struct emsmdb_client *c;
	struct rop_response_buffer out;
	enum MAPISTATUS ret;

	if (mt_emsmdb(t, &c) != MT_PASS || send_rops(t, c, bytes, len, &ret, &out) != MT_PASS) {
		return t->result;
	}
	MT_EXPECT(t, ret == EC_RPC_FORMAT_CODE, "%s: observed %s, expected %s", what,
		  mt_status(t, ret), mt_status(t, EC_RPC_FORMAT_CODE));
	return session_alive(t, c);
}

/* MS-OXCROPS 3.2.5.1: a RopId the server does not know fails the call with ecRpcFormat */
static enum mt_result t_unknown_rop_id(struct mt_test *t)
{
	static const uint8_t bytes[] = { 0x05, 0x00, 0x00, 0x00, 0x00, 0xFF, 0xFF, 0xFF, 0xFF };

	return expect_rpc_format(t, bytes, sizeof(bytes), "RopId 0x00");
}

/* MS-OXCROPS 3.2.5.1: a request cut short fails the call with ecRpcFormat */
static enum mt_result t_truncated_rop(struct mt_test *t)
{
	/* a RopLogon that ends after its LogonFlags */
	static const uint8_t bytes[] = { 0x06, 0x00, RopLogon, 0x00, 0x00, 0x01, 0xFF, 0xFF, 0xFF, 0xFF };

	return expect_rpc_format(t, bytes, sizeof(bytes), "a truncated RopLogon");
}

/*
 * MS-OXCROPS 2.2.4-2.2.15 (the error form) and MS-OXCDATA 2.4: a ROP the
 * server does not implement answers ecNotSupported in the error form; the
 * ROPs after it and the session go on.  RopGetTransportFolder is asked on
 * a private logon; a server that implements it makes this test a skip.
 */
static enum mt_result t_unimplemented_rop(struct mt_test *t)
{
	struct mt_logon lg;
	struct rop_request reqs[2];
	struct rop_response_list list;
	enum MAPISTATUS ret;

	if (mt_logon_open(t, 0x01, &lg) != MT_PASS) {
		return t->result;
	}
	memset(reqs, 0, sizeof(reqs));
	reqs[0].rop_id = RopGetTransportFolder;
	reqs[1].rop_id = RopGetStoreState;
	ret = rop_session_call(lg.session, t->mem, reqs, 2, lg.handles, MT_COUNT(lg.handles), 0,
			       &list);
	MT_EXPECT(t, ret == MAPI_E_SUCCESS, "the call: %s (%s)", mt_status(t, ret),
		  rop_session_last_error(lg.session) ? rop_session_last_error(lg.session) : "");
	MT_EXPECT_EQ(t, list.count, 2, "responses");
	if (rop_response_return_value(&list.rops[0]) == MAPI_E_SUCCESS) {
		return mt_skip(t, "the server implements RopGetTransportFolder; no unimplemented ROP "
			       "to ask for");
	}
	MT_EXPECT(t, rop_response_return_value(&list.rops[0]) == MT_EC_NOT_SUPPORTED,
		  "RopGetTransportFolder: observed %s, expected %s",
		  mt_status(t, rop_response_return_value(&list.rops[0])),
		  mt_status(t, MT_EC_NOT_SUPPORTED));
	MT_EXPECT(t, rop_response_return_value(&list.rops[1]) == MAPI_E_SUCCESS,
		  "the ROP after it: %s", mt_status(t, rop_response_return_value(&list.rops[1])));
	return session_alive(t, lg.client);
}

/*
 * MS-OXCTABL 3.2.5.13: a table ROP (RopQueryColumnsAll) sent to an object
 * that is not a table, here the Inbox folder, is ecNotSupported.
 */
static enum mt_result t_table_rop_on_folder(struct mt_test *t)
{
	struct mt_logon lg;
	struct rop_request req;
	struct rop_response resp;

	if (mt_logon_open(t, 0x01, &lg) != MT_PASS ||
	    mt_open_folder(t, &lg, lg.logon.u.private_mailbox.folder_ids[MT_FID_INBOX], 0, 1) !=
	    MT_PASS) {
		return t->result;
	}
	memset(&req, 0, sizeof(req));
	req.rop_id = RopQueryColumnsAll;
	req.u.query_columns_all.input_handle_index = 1;
	if (mt_rop(t, &lg, &req, &resp) != MT_PASS) {
		return t->result;
	}
	MT_EXPECT(t, resp.u.query_columns_all.return_value == MT_EC_NOT_SUPPORTED,
		  "RopQueryColumnsAll on a folder: observed %s, expected %s",
		  mt_status(t, resp.u.query_columns_all.return_value), mt_status(t, MT_EC_NOT_SUPPORTED));
	return session_alive(t, lg.client);
}

/*
 * MS-OXCMSG 3.2.5.9: RopGetMessageStatus on an object that is not a
 * folder (the logon) is ecNullObject.
 */
static enum mt_result t_folder_rop_on_logon(struct mt_test *t)
{
	struct mt_logon lg;
	struct rop_request req;
	struct rop_response resp;

	if (mt_logon_open(t, 0x01, &lg) != MT_PASS) {
		return t->result;
	}
	memset(&req, 0, sizeof(req));
	req.rop_id = RopGetMessageStatus;
	req.u.get_message_status.input_handle_index = 0;
	req.u.get_message_status.message_id = 0x0001000000000000ull |
		lg.logon.u.private_mailbox.repl_id;
	if (mt_rop(t, &lg, &req, &resp) != MT_PASS) {
		return t->result;
	}
	MT_EXPECT(t, resp.u.get_message_status.return_value == EC_NULL_OBJECT_CODE,
		  "RopGetMessageStatus on the logon: observed %s, expected %s",
		  mt_status(t, resp.u.get_message_status.return_value),
		  mt_status(t, EC_NULL_OBJECT_CODE));
	return MT_PASS;
}

/*
 * MS-OXCROPS 2.2.15.3, 3.2.5.1: after RopRelease the handle names no
 * object: a ROP sent with it is ecNullObject; the logon still works.
 */
static enum mt_result t_released_handle(struct mt_test *t)
{
	static uint32_t tags[] = { 0x3001001Fu };	/* PidTagDisplayName */
	struct mt_logon lg;
	struct rop_request req;
	struct rop_response resp;
	uint32_t stale;

	if (mt_logon_open(t, 0x01, &lg) != MT_PASS ||
	    mt_open_folder(t, &lg, lg.logon.u.private_mailbox.folder_ids[MT_FID_INBOX], 0, 1) !=
	    MT_PASS) {
		return t->result;
	}
	stale = lg.handles[1];
	if (mt_release(t, &lg, 1) != MT_PASS) {
		return t->result;
	}
	lg.handles[1] = stale;	/* the client sends the released handle again */
	memset(&req, 0, sizeof(req));
	req.rop_id = RopGetPropertiesSpecific;
	req.u.get_properties_specific.input_handle_index = 1;
	req.u.get_properties_specific.property_tag_count = 1;
	req.u.get_properties_specific.property_tags = tags;
	if (mt_rop(t, &lg, &req, &resp) != MT_PASS) {
		return t->result;
	}
	MT_EXPECT(t, resp.u.get_properties_specific.return_value == EC_NULL_OBJECT_CODE,
		  "a ROP on a released handle: observed %s, expected %s",
		  mt_status(t, resp.u.get_properties_specific.return_value),
		  mt_status(t, EC_NULL_OBJECT_CODE));
	memset(&req, 0, sizeof(req));
	req.rop_id = RopGetStoreState;
	if (mt_rop(t, &lg, &req, &resp) != MT_PASS) {
		return t->result;
	}
	MT_EXPECT(t, resp.u.get_store_state.return_value == MAPI_E_SUCCESS,
		  "the logon after the release: %s", mt_status(t, resp.u.get_store_state.return_value));
	return MT_PASS;
}

/*
 * MS-OXCROPS 2.2.1 (HandleIndex is one byte) and 3.2.5.1: a handle table
 * of 255 slots works to its last one: a folder opened into slot 254
 * answers a ROP sent to that slot.
 */
static enum mt_result t_handle_table_255(struct mt_test *t)
{
	static uint32_t tags[] = { 0x3001001Fu };	/* PidTagDisplayName */
	struct mt_logon lg;
	struct rop_request reqs[2];
	struct rop_response_list list;
	uint32_t handles[ROP_SESSION_MAX_HANDLES];
	enum MAPISTATUS ret;
	size_t i;

	if (mt_logon_open(t, 0x01, &lg) != MT_PASS) {
		return t->result;
	}
	for (i = 0; i < MT_COUNT(handles); i++) {
		handles[i] = ROP_HANDLE_NONE;
	}
	handles[0] = lg.handles[0];
	memset(reqs, 0, sizeof(reqs));
	reqs[0].rop_id = RopOpenFolder;
	reqs[0].u.open_folder.output_handle_index = 254;
	reqs[0].u.open_folder.folder_id = lg.logon.u.private_mailbox.folder_ids[MT_FID_INBOX];
	reqs[1].rop_id = RopGetPropertiesSpecific;
	reqs[1].u.get_properties_specific.input_handle_index = 254;
	reqs[1].u.get_properties_specific.want_unicode = 1;
	reqs[1].u.get_properties_specific.property_tag_count = 1;
	reqs[1].u.get_properties_specific.property_tags = tags;
	ret = rop_session_call(lg.session, t->mem, reqs, 2, handles, MT_COUNT(handles), 0, &list);
	MT_EXPECT(t, ret == MAPI_E_SUCCESS, "the call with 255 handles: %s (%s)", mt_status(t, ret),
		  rop_session_last_error(lg.session) ? rop_session_last_error(lg.session) : "");
	MT_EXPECT_EQ(t, list.count, 2, "responses");
	MT_EXPECT(t, rop_response_return_value(&list.rops[0]) == MAPI_E_SUCCESS,
		  "RopOpenFolder into slot 254: %s",
		  mt_status(t, rop_response_return_value(&list.rops[0])));
	MT_EXPECT(t, handles[254] != ROP_HANDLE_NONE, "no handle in slot 254");
	MT_EXPECT(t, rop_response_return_value(&list.rops[1]) == MAPI_E_SUCCESS,
		  "RopGetPropertiesSpecific on slot 254: %s",
		  mt_status(t, rop_response_return_value(&list.rops[1])));
	MT_EXPECT(t, list.rops[1].u.get_properties_specific.u.ok.row_data.count == 1 &&
		  list.rops[1].u.get_properties_specific.u.ok.row_data.values[0].flag ==
		  MAPI_PROPVAL_PRESENT, "the folder in slot 254 has no display name");
	return MT_PASS;
}

static const struct mt_test_def tests[] = {
	{ "bad_handle_index", "MS-OXCROPS 3.2.5.1",
	  "a handle index past the table fails that ROP with ecNullObject; the rest go on",
	  t_bad_handle_index },
	{ "unknown_rop_id", "MS-OXCROPS 3.2.5.1",
	  "an unknown RopId fails the whole call with ecRpcFormat; the session survives",
	  t_unknown_rop_id },
	{ "truncated_rop", "MS-OXCROPS 3.2.5.1",
	  "a ROP request cut short fails the call with ecRpcFormat; the session survives",
	  t_truncated_rop },
	{ "unimplemented_rop", "MS-OXCROPS 2.2.7.8, MS-OXCDATA 2.4",
	  "an unimplemented ROP answers ecNotSupported in the error form; later ROPs still run",
	  t_unimplemented_rop },
	{ "table_rop_on_folder", "MS-OXCTABL 3.2.5.13",
	  "RopQueryColumnsAll on a folder, not a table, is ecNotSupported", t_table_rop_on_folder },
	{ "folder_rop_on_logon", "MS-OXCMSG 3.2.5.9",
	  "RopGetMessageStatus on an object that is not a folder is ecNullObject",
	  t_folder_rop_on_logon },
	{ "released_handle", "MS-OXCROPS 2.2.15.3, 3.2.5.1",
	  "a ROP on a released handle is ecNullObject; the logon goes on", t_released_handle },
	{ "handle_table_255", "MS-OXCROPS 2.2.1, 3.2.5.1",
	  "a table of 255 handles works to its last slot", t_handle_table_255 },
};

const struct mt_family mt_family_errorchecks = {
	"ERRORCHECKS", "malformed buffers, wrong objects and stale handles", true, tests, MT_COUNT(tests),
};
