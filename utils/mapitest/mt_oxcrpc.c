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
};

const struct mt_family mt_family_oxcrpc = {
	"OXCRPC", "EMSMDB calls: connect, extended buffers, dummy, disconnect", true,
	tests, MT_COUNT(tests),
};
