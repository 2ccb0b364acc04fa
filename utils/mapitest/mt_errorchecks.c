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
};

const struct mt_family mt_family_errorchecks = {
	"ERRORCHECKS", "malformed and unsupported ROP buffers", true, tests, MT_COUNT(tests),
};
