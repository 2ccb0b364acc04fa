/*
 * mapitest OXCRPC: the EMSMDB calls themselves (MS-OXCRPC 3.1.4): the
 * session EcDoConnectEx opens, EcDoRpcExt2's extended buffers both ways,
 * EcDummyRpc, EcDoDisconnect, and RopBufferTooSmall for a small pcbOut.
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
#include "libmapi/rpc_ext.h"
#include "libmapi/rop_session.h"
#include "idl/gen_ndr_emsmdb.h"

#include <dcerpc.h>
#include <time.h>

/* pulFlags of EcDoRpcExt2 (MS-OXCRPC 3.1.4.2) */
#define NO_COMPRESSION 0x00000001
#define NO_XOR_MAGIC 0x00000002

/*
 * A ROP input buffer of COUNT requests every server answers the same way
 * whatever it implements: a ROP on handle index 1 of a one-slot table
 * fails with ecNullObject (MS-OXCROPS 3.2.5.1) before the ROP is looked at.
 * RopGetStoreState (3 bytes) is used.
 */
static uint8_t *null_object_rops(struct mt_test *t, size_t count, size_t *len)
{
	uint8_t *rops = talloc_array(t->mem, uint8_t, 3 * count);
	uint32_t handle = 0xFFFFFFFF;
	uint8_t *buf = NULL;
	size_t i;

	if (rops == NULL) {
		return NULL;
	}
	for (i = 0; i < count; i++) {
		rops[3 * i] = RopGetStoreState;
		rops[3 * i + 1] = 0;
		rops[3 * i + 2] = 1;
	}
	if (rop_buffer_join(t->mem, rops, 3 * count, &handle, 1, &buf, len) != WIRE_OK) {
		return NULL;
	}
	return buf;
}

/* MS-OXCRPC 3.1.4.1: what EcDoConnectEx returns on success */
static enum mt_result t_connect_returns_session_facts(struct mt_test *t)
{
	struct emsmdb_client *c;
	const char *slash;

	if (mt_emsmdb(t, &c) != MT_PASS) {
		return t->result;
	}
	MT_EXPECT(t, c->polls_max > 0, "pcmsPollsMax is 0");
	MT_EXPECT(t, c->retry_count > 0 && c->retry_delay > 0, "pcRetry %u, pcmsRetryDelay %u",
		  c->retry_count, c->retry_delay);
	/* szDNPrefix: the DN of the user's container, with its trailing '/' */
	slash = strrchr(t->env->essdn, '/');
	MT_EXPECT(t, c->dn_prefix != NULL && slash != NULL, "no szDNPrefix");
	MT_EXPECT(t, strlen(c->dn_prefix) == (size_t)(slash - t->env->essdn + 1) &&
		  strncasecmp(c->dn_prefix, t->env->essdn, strlen(c->dn_prefix)) == 0,
		  "szDNPrefix '%s' is not the container of '%s'", c->dn_prefix, t->env->essdn);
	MT_EXPECT(t, c->display_name != NULL && c->display_name[0] != '\0', "no szDisplayName");
	/* rgwBestVersion: the client's own version when it may connect */
	MT_EXPECT(t, c->best_version[0] == 3072, "rgwBestVersion[0] %u, expected 3072 (12.0)",
		  c->best_version[0]);
	return MT_PASS;
}

/* MS-OXCRPC 3.1.4.3: EcDummyRpc does nothing and succeeds */
static enum mt_result t_dummy_rpc(struct mt_test *t)
{
	struct emsmdb_client *c;
	enum MAPISTATUS ret;

	if (mt_emsmdb(t, &c) != MT_PASS) {
		return t->result;
	}
	ret = emsmdb_client_dummy_rpc(c);
	MT_EXPECT_EQ(t, ret, MAPI_E_SUCCESS, "EcDummyRpc");
	return MT_PASS;
}

/*
 * MS-OXCRPC 3.1.4.2 and 2.2.2.1: the server accepts requests compressed
 * and obfuscated, and compresses and obfuscates its reply unless pulFlags
 * says NoCompression / NoXorMagic.
 */
static enum mt_result t_compression_and_xor_both_ways(struct mt_test *t)
{
	static const uint32_t flag_sets[] = { 0, NO_COMPRESSION, NO_XOR_MAGIC,
					      NO_COMPRESSION | NO_XOR_MAGIC };
	struct emsmdb_client *c;
	uint8_t *rops, *reply = NULL;
	size_t len = 0, reply_len = 0, i;
	uint16_t reply_flags = 0;
	enum MAPISTATUS ret;

	if (mt_emsmdb(t, &c) != MT_PASS) {
		return t->result;
	}
	/* 200 equal error answers: a reply that compresses well */
	rops = null_object_rops(t, 200, &len);
	MT_EXPECT(t, rops != NULL, "out of memory");
	for (i = 0; i < MT_COUNT(flag_sets); i++) {
		unsigned options = (unsigned)i;	/* 0..3: none, compress, xor, both */

		ret = emsmdb_client_rpc(c, t->mem, rops, len, options, flag_sets[i], 0, &reply,
					&reply_len, &reply_flags);
		MT_EXPECT(t, ret == MAPI_E_SUCCESS, "EcDoRpcExt2 (options %u, pulFlags %u): %s",
			  options, flag_sets[i], mt_status(t, ret));
		MT_EXPECT(t, !!(reply_flags & RHE_FLAG_COMPRESSED) == !(flag_sets[i] & NO_COMPRESSION),
			  "pulFlags 0x%x: reply Flags 0x%04x (Compressed wrong)", flag_sets[i],
			  reply_flags);
		MT_EXPECT(t, !!(reply_flags & RHE_FLAG_XORMAGIC) == !(flag_sets[i] & NO_XOR_MAGIC),
			  "pulFlags 0x%x: reply Flags 0x%04x (XorMagic wrong)", flag_sets[i],
			  reply_flags);
		/* RopSize 2 + 200 error answers of 6 bytes + one handle */
		MT_EXPECT_EQ(t, reply_len, 2 + 200 * 6 + 4, "revealed reply length");
	}
	return MT_PASS;
}

/* MS-OXCRPC 3.1.4.4: after EcDoDisconnect the context handle names nothing */
static enum mt_result t_disconnect_kills_handle(struct mt_test *t)
{
	static const uint8_t empty[] = { 0x00, 0x00, 0x04, 0x00, 0x02, 0x00, 0x02, 0x00, 0x02, 0x00 };
	struct emsmdb_client *c;
	struct policy_handle old;
	uint8_t *out = NULL;
	uint32_t out_len = 0;
	enum MAPISTATUS ret;

	if (mt_emsmdb(t, &c) != MT_PASS) {
		return t->result;
	}
	old = c->handle;
	ret = emsmdb_client_disconnect(c);
	MT_EXPECT_EQ(t, ret, MAPI_E_SUCCESS, "EcDoDisconnect");
	ret = emsmdb_client_rpc_raw(c, t->mem, &old, 0, empty, sizeof(empty), 0x8000, &out, &out_len);
	MT_EXPECT(t, ret != MAPI_E_SUCCESS, "EcDoRpcExt2 on the disconnected handle succeeded");
	/* the connection itself lives on: EcDummyRpc needs no session */
	ret = emsmdb_client_dummy_rpc(c);
	MT_EXPECT_EQ(t, ret, MAPI_E_SUCCESS, "EcDummyRpc after the disconnect");
	return MT_PASS;
}

/*
 * MS-OXCROPS 2.2.15.1 (and MS-OXCRPC 3.1.4.2): when the answers do not fit
 * in pcbOut the server answers what fits, then RopBufferTooSmall with the
 * requests it did not process.
 */
static enum mt_result t_buffer_too_small(struct mt_test *t)
{
	struct emsmdb_client *c;
	struct rop_response_buffer out;
	uint8_t *rops, *reply = NULL;
	size_t len = 0, reply_len = 0, answered;
	const struct rop_response *last;
	enum MAPISTATUS ret;
	enum wire_error err;

	if (mt_emsmdb(t, &c) != MT_PASS) {
		return t->result;
	}
	rops = null_object_rops(t, 20, &len);
	MT_EXPECT(t, rops != NULL, "out of memory");
	/* header, RopSize, the table and room for about five answers */
	ret = emsmdb_client_rpc(c, t->mem, rops, len, 0, NO_COMPRESSION | NO_XOR_MAGIC,
				8 + 2 + 4 + 6 * 5 + 3 + 3 * 20, &reply, &reply_len, NULL);
	MT_EXPECT(t, ret == MAPI_E_SUCCESS, "EcDoRpcExt2: %s", mt_status(t, ret));
	err = rop_response_pull(t->mem, reply, reply_len, NULL, &out);
	MT_EXPECT(t, err == WIRE_OK, "the reply does not decode: %s", wire_strerror(err));
	MT_EXPECT(t, out.list.count >= 1, "no answers");
	last = &out.list.rops[out.list.count - 1];
	MT_EXPECT(t, last->rop_id == RopBufferTooSmall, "the last answer is RopId 0x%02x, not "
		  "RopBufferTooSmall (0xFF)", last->rop_id);
	answered = out.list.count - 1;
	MT_EXPECT(t, answered < 20, "all 20 answered in a small buffer");
	/* RequestBuffers: exactly the requests not processed */
	MT_EXPECT_EQ(t, last->u.buffer_too_small.u.body.request_buffers_size, 3 * (20 - answered),
		     "RequestBuffers size");
	MT_EXPECT(t, memcmp(last->u.buffer_too_small.u.body.request_buffers, rops + 2 + 3 * answered,
			    3 * (20 - answered)) == 0, "RequestBuffers are not the unprocessed requests");
	return MT_PASS;
}

#define EC_UNKNOWN_USER 0x000003EBu
#define EC_ACCESS_DENIED 0x80070005u
#define EC_VERSION_MISMATCH 0x80040110u
#define NOTIFICATION_PENDING 0x00000001u	/* pulFlagsOut, MS-OXCRPC 3.3.4.1 */
/* how long the test waits for EcDoAsyncWaitEx before it gives up (a skip) */
#define ASYNC_WAIT_LIMIT_S 30

/* An empty ROP request (RopSize 2, no ROP) in one extended buffer: a call that works on any session */
static const uint8_t empty_rops[] = { 0x00, 0x00, 0x04, 0x00, 0x02, 0x00, 0x02, 0x00, 0x02, 0x00 };

static enum mt_result connect_as(struct mt_test *t, const char *dn,
				 const struct emsmdb_connect_params *params,
				 struct emsmdb_client **c, enum MAPISTATUS *ret)
{
	*c = NULL;
	*ret = emsmdb_client_connect(t->mem, t->env->ev, t->env->lp_ctx, t->env->binding,
				     t->env->creds, dn, params, c);
	MT_EXPECT(t, *c != NULL, "EcDoConnectEx: no client (%s)", mt_status(t, *ret));
	return MT_PASS;
}

/* MS-OXCRPC 3.1.4.1: a szUserDN that names no mailbox user is ecUnknownUser */
static enum mt_result t_connect_unknown_dn(struct mt_test *t)
{
	struct emsmdb_client *c;
	enum MAPISTATUS ret;
	const char *slash = strrchr(t->env->essdn, '/');
	const char *dn;

	MT_EXPECT(t, slash != NULL, "the user's DN '%s' has no '/'", t->env->essdn);
	dn = talloc_asprintf(t->mem, "%.*s/cn=%s", (int)(slash - t->env->essdn), t->env->essdn,
			     mt_unique_name(t, "nobody"));
	if (connect_as(t, dn, NULL, &c, &ret) != MT_PASS) {
		return t->result;
	}
	MT_EXPECT(t, (uint32_t)ret == EC_UNKNOWN_USER, "EcDoConnectEx as %s: %s, expected %s", dn,
		  mt_status(t, ret), mt_status(t, EC_UNKNOWN_USER));
	MT_EXPECT(t, !c->connected, "a refused EcDoConnectEx left a session");
	return MT_PASS;
}

/*
 * MS-OXCRPC 3.1.4.1: connecting as another user's DN, without rights to
 * it, is ecAccessDenied.
 */
static enum mt_result t_connect_other_users_dn(struct mt_test *t)
{
	struct emsmdb_client *c;
	enum MAPISTATUS ret;

	if (t->env->other_essdn == NULL) {
		return mt_skip(t, "needs a second mailbox user (--other-user)");
	}
	if (connect_as(t, t->env->other_essdn, NULL, &c, &ret) != MT_PASS) {
		return t->result;
	}
	MT_EXPECT(t, (uint32_t)ret == EC_ACCESS_DENIED, "EcDoConnectEx as %s's DN: %s, expected %s",
		  t->env->other_user, mt_status(t, ret), mt_status(t, EC_ACCESS_DENIED));
	return MT_PASS;
}

/*
 * MS-OXCRPC 3.1.4.1, 3.2.4.1.3.2: a client older than the minimum version
 * (11.0.0.0) is ecVersionMismatch, and rgwBestVersion says which version
 * would do (one newer than the client's).
 */
static enum mt_result t_connect_old_client_version(struct mt_test *t)
{
	struct emsmdb_connect_params params;
	struct emsmdb_client *c;
	enum MAPISTATUS ret;
	unsigned best_major;

	emsmdb_connect_params_default(&params);
	/* 10.0.0.0 in the wire form with the high bit (2.2.2.x: major<<8|minor, 0x8000|build) */
	params.client_version[0] = 0x0A00;
	params.client_version[1] = 0x8000;
	params.client_version[2] = 0x0000;
	if (connect_as(t, t->env->essdn, &params, &c, &ret) != MT_PASS) {
		return t->result;
	}
	MT_EXPECT(t, (uint32_t)ret == EC_VERSION_MISMATCH,
		  "EcDoConnectEx with client version 10.0.0.0: %s, expected %s", mt_status(t, ret),
		  mt_status(t, EC_VERSION_MISMATCH));
	best_major = (c->best_version[1] & 0x8000) ? c->best_version[0] >> 8 : c->best_version[0];
	MT_EXPECT(t, best_major >= 11, "rgwBestVersion %04x.%04x.%04x is not a version >= 11",
		  c->best_version[0], c->best_version[1], c->best_version[2]);
	return MT_PASS;
}

/*
 * MS-OXCRPC 3.1.4.1: a second EcDoConnectEx on the same connection opens a
 * second session with a handle of its own, which outlives the first's
 * EcDoDisconnect.
 */
static enum mt_result t_two_sessions_one_connection(struct mt_test *t)
{
	struct emsmdb_client *c;
	struct policy_handle second;
	uint8_t *out = NULL;
	uint32_t out_len = 0;
	enum MAPISTATUS ret;

	if (mt_emsmdb(t, &c) != MT_PASS) {
		return t->result;
	}
	memset(&second, 0, sizeof(second));
	ret = emsmdb_client_connect_again(c, t->env->essdn, NULL, &second);
	MT_EXPECT(t, ret == MAPI_E_SUCCESS, "a second EcDoConnectEx on the connection: %s",
		  mt_status(t, ret));
	MT_EXPECT(t, memcmp(&second, &c->handle, sizeof(second)) != 0,
		  "both sessions got the same context handle");
	ret = emsmdb_client_disconnect(c);
	MT_EXPECT(t, ret == MAPI_E_SUCCESS, "EcDoDisconnect of the first: %s", mt_status(t, ret));
	ret = emsmdb_client_rpc_raw(c, t->mem, &second, 0, empty_rops, sizeof(empty_rops), 0x8000,
				    &out, &out_len);
	MT_EXPECT(t, ret == MAPI_E_SUCCESS,
		  "EcDoRpcExt2 on the second session after the first ended: %s", mt_status(t, ret));
	ret = emsmdb_client_disconnect_handle(c, &second);
	MT_EXPECT(t, ret == MAPI_E_SUCCESS, "EcDoDisconnect of the second: %s", mt_status(t, ret));
	return MT_PASS;
}

/*
 * MS-OXCRPC 3.1.4.1 and MS-OXCSTOR 3.2.5.1: two sessions of one user, on
 * two connections, log on to the same mailbox: a folder one creates the
 * other opens.
 */
static enum mt_result t_sessions_share_the_mailbox(struct mt_test *t)
{
	struct mt_logon a, b;
	uint64_t fid;

	if (mt_logon_open(t, 0x01, &a) != MT_PASS || mt_logon_open(t, 0x01, &b) != MT_PASS) {
		return t->result;
	}
	MT_EXPECT(t, memcmp(&a.client->handle, &b.client->handle, sizeof(a.client->handle)) != 0,
		  "two connections got the same session handle");
	MT_EXPECT(t, memcmp(a.logon.u.private_mailbox.mailbox_guid.bytes,
			    b.logon.u.private_mailbox.mailbox_guid.bytes, 16) == 0,
		  "the two logons name different mailboxes");
	if (mt_scratch_folder(t, &a, 1, &fid) != MT_PASS ||
	    mt_open_folder(t, &b, fid, 0, 1) != MT_PASS) {
		return t->result;
	}
	return MT_PASS;
}

/*
 * MS-OXCRPC 3.3.4.1: EcDoAsyncWaitEx with nothing to notify completes
 * after the server's timeout with pulFlagsOut 0, not at once.  A server
 * holding it longer than this test waits is a skip.
 */
static enum mt_result t_async_wait_times_out(struct mt_test *t)
{
	struct emsmdb_client *c;
	struct policy_handle acxh;
	struct timespec start, end;
	uint32_t flags = 0xFFFFFFFFu;
	enum MAPISTATUS ret;
	NTSTATUS status;
	double elapsed;

	if (mt_emsmdb(t, &c) != MT_PASS) {
		return t->result;
	}
	memset(&acxh, 0, sizeof(acxh));
	ret = emsmdb_client_async_connect(c, &acxh);
	MT_EXPECT(t, ret == MAPI_E_SUCCESS, "EcDoAsyncConnectEx: %s", mt_status(t, ret));
	/* the AsyncEMSMDB connection, with this test's own limit on the wait */
	status = dcerpc_pipe_connect(c, &c->async_pipe, c->binding, &ndr_table_asyncemsmdb, c->creds,
				     c->ev, c->lp_ctx);
	MT_EXPECT(t, NT_STATUS_IS_OK(status), "AsyncEMSMDB bind: %s", nt_errstr(status));
	dcerpc_binding_handle_set_timeout(c->async_pipe->binding_handle, ASYNC_WAIT_LIMIT_S);
	clock_gettime(CLOCK_MONOTONIC, &start);
	ret = emsmdb_client_async_wait(c, &acxh, &flags);
	clock_gettime(CLOCK_MONOTONIC, &end);
	elapsed = (double)(end.tv_sec - start.tv_sec) + (end.tv_nsec - start.tv_nsec) / 1e9;
	if (ret != MAPI_E_SUCCESS && elapsed >= ASYNC_WAIT_LIMIT_S - 1) {
		return mt_skip(t, "EcDoAsyncWaitEx still waiting after %d s: the server's timeout "
			       "(5 minutes by the spec) is longer than this test waits",
			       ASYNC_WAIT_LIMIT_S);
	}
	MT_EXPECT(t, ret == MAPI_E_SUCCESS, "EcDoAsyncWaitEx: %s", mt_status(t, ret));
	MT_EXPECT_EQ(t, flags, 0, "pulFlagsOut with nothing to notify");
	MT_EXPECT(t, elapsed >= 0.2, "EcDoAsyncWaitEx returned after %.3f s with nothing pending",
		  elapsed);
	return MT_PASS;
}

/*
 * MS-OXCRPC 3.3.4.1: an ACXH the server does not know completes
 * EcDoAsyncWaitEx at once with NotificationPending, so the client calls
 * EcDoRpcExt2 and learns the rest there.
 */
static enum mt_result t_async_wait_unknown_handle(struct mt_test *t)
{
	struct emsmdb_client *c;
	struct policy_handle acxh;
	uint32_t flags = 0;
	enum MAPISTATUS ret;
	NTSTATUS status;
	size_t i;

	if (mt_emsmdb(t, &c) != MT_PASS) {
		return t->result;
	}
	memset(&acxh, 0, sizeof(acxh));
	acxh.handle_type = 0;
	for (i = 0; i < sizeof(acxh.uuid.node); i++) {
		acxh.uuid.node[i] = (uint8_t)(0xA5 ^ i);
	}
	acxh.uuid.time_low = 0x6d617069;
	status = dcerpc_pipe_connect(c, &c->async_pipe, c->binding, &ndr_table_asyncemsmdb, c->creds,
				     c->ev, c->lp_ctx);
	MT_EXPECT(t, NT_STATUS_IS_OK(status), "AsyncEMSMDB bind: %s", nt_errstr(status));
	dcerpc_binding_handle_set_timeout(c->async_pipe->binding_handle, ASYNC_WAIT_LIMIT_S);
	ret = emsmdb_client_async_wait(c, &acxh, &flags);
	MT_EXPECT(t, ret == MAPI_E_SUCCESS, "EcDoAsyncWaitEx on an unknown ACXH: %s",
		  mt_status(t, ret));
	MT_EXPECT_EQ(t, flags & NOTIFICATION_PENDING, NOTIFICATION_PENDING,
		     "NotificationPending for an unknown ACXH");
	return MT_PASS;
}

static const struct mt_test_def tests[] = {
	{ "connect_returns_session_facts", "MS-OXCRPC 3.1.4.1",
	  "EcDoConnectEx returns polls max, retry count/delay, the DN prefix and display name",
	  t_connect_returns_session_facts },
	{ "dummy_rpc", "MS-OXCRPC 3.1.4.3", "EcDummyRpc succeeds", t_dummy_rpc },
	{ "compression_and_xor_both_ways", "MS-OXCRPC 3.1.4.2",
	  "requests may be compressed/obfuscated; replies are unless NoCompression/NoXorMagic",
	  t_compression_and_xor_both_ways },
	{ "disconnect_kills_handle", "MS-OXCRPC 3.1.4.4",
	  "after EcDoDisconnect the session context handle is refused",
	  t_disconnect_kills_handle },
	{ "buffer_too_small", "MS-OXCROPS 2.2.15.1",
	  "answers that do not fit pcbOut end with RopBufferTooSmall and the unprocessed requests",
	  t_buffer_too_small },
	{ "connect_unknown_dn", "MS-OXCRPC 3.1.4.1",
	  "EcDoConnectEx for a DN that names no mailbox user is ecUnknownUser", t_connect_unknown_dn },
	{ "connect_other_users_dn", "MS-OXCRPC 3.1.4.1",
	  "EcDoConnectEx as another user's DN is ecAccessDenied", t_connect_other_users_dn },
	{ "connect_old_client_version", "MS-OXCRPC 3.1.4.1, 3.2.4.1.3.2",
	  "a client older than 11.0.0.0 is ecVersionMismatch, with a newer rgwBestVersion",
	  t_connect_old_client_version },
	{ "two_sessions_one_connection", "MS-OXCRPC 3.1.4.1",
	  "a second EcDoConnectEx on a connection is a session of its own that outlives the first",
	  t_two_sessions_one_connection },
	{ "sessions_share_the_mailbox", "MS-OXCRPC 3.1.4.1, MS-OXCSTOR 3.2.5.1",
	  "two sessions of one user see one mailbox: a folder one creates the other opens",
	  t_sessions_share_the_mailbox },
	{ "async_wait_times_out", "MS-OXCRPC 3.3.4.1",
	  "EcDoAsyncWaitEx with nothing to notify returns after the timeout with pulFlagsOut 0",
	  t_async_wait_times_out },
	{ "async_wait_unknown_handle", "MS-OXCRPC 3.3.4.1",
	  "EcDoAsyncWaitEx on an unknown ACXH returns at once with NotificationPending",
	  t_async_wait_unknown_handle },
};

const struct mt_family mt_family_oxcrpc = {
	"OXCRPC", "EMSMDB calls: connect, extended buffers, dummy, disconnect", true,
	tests, MT_COUNT(tests),
};
