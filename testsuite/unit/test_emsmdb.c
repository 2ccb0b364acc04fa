/*
 * Unit tests of the EMSMDB provider's pure parts: version negotiation
 * (MS-OXCRPC 3.1.4.1.3), the Server object handle table, ROP dispatch with
 * error responses and handle checks (MS-OXCROPS 3.2.5), the output size
 * limits and RopBufferTooSmall (MS-OXCROPS 3.2.4.3), and the EcDoRpcExt2
 * buffer path with compression and obfuscation (MS-OXCRPC 3.1.4.2).
 *
 * Copyright (C) OpenChange developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>
#include <talloc.h>

#include "testsuite/unit/byte_builder.h"
#include "libmapi/rpc_ext.h"
#include "libmapi/rop_buffer.h"
#include "libmapi/wire_le.h"
#include "mapiproxy/emsmdb/session.h"
#include "mapiproxy/emsmdb/rop_dispatch.h"
#include "mapiproxy/emsmdb/rpc.h"

/* ------------------------------------------------------------ versions */

static void test_version_normalize(void **state)
{
	const uint16_t outlook2010[3] = { 0x000E, 0x0FCD, 0x0000 };	/* old form: 14.0.4045.0 */
	const uint16_t high[3] = { 0x0C00, 0x8000 | 6425, 1000 };	/* 12.00.6425.1000 */
	uint16_t n[4], wire[3];

	(void)state;
	emsmdb_version_normalize(outlook2010, n);
	assert_int_equal(n[0], 14);
	assert_int_equal(n[1], 0);
	assert_int_equal(n[2], 4045);
	assert_int_equal(n[3], 0);
	emsmdb_version_normalize(high, n);
	assert_int_equal(n[0], 12);
	assert_int_equal(n[1], 0);
	assert_int_equal(n[2], 6425);
	assert_int_equal(n[3], 1000);
	emsmdb_version_to_wire(n, wire);
	assert_memory_equal(wire, high, sizeof(high));
	assert_true(emsmdb_version_compare(emsmdb_min_client_version, n) < 0);
	assert_int_equal(emsmdb_version_compare(n, n), 0);
}

static void test_version_negotiation(void **state)
{
	const uint16_t client12[3] = { 0x0C00, 0x8000 | 6425, 1000 };
	const uint16_t client11[3] = { 0x0B00, 0x8000 | 8000, 0 };
	const uint16_t client10[3] = { 0x0A00, 0x8000 | 100, 0 };
	uint16_t server[3], best[3], expected_server[3], expected_min[3];

	(void)state;
	emsmdb_version_to_wire(emsmdb_server_version, expected_server);
	emsmdb_version_to_wire(emsmdb_min_client_version, expected_min);

	/* on success rgwBestVersion is the client's own version */
	assert_int_equal(emsmdb_negotiate_version(client12, 0, false, server, best), MAPI_E_SUCCESS);
	assert_memory_equal(server, expected_server, sizeof(server));
	assert_memory_equal(best, client12, sizeof(best));

	/* below the protocol's minimum: ecVersionMismatch and the minimum */
	assert_int_equal(emsmdb_negotiate_version(client10, EMSMDB_CONNECT_EXORGINFO, true, server, best),
			 MAPI_E_VERSION);
	assert_memory_equal(best, expected_min, sizeof(best));
	assert_int_equal(best[0], 0x0B00);
	assert_int_equal(best[1], 0x8000);

	/* 11.x without public folders needs the ExOrgInfo flag */
	assert_int_equal(emsmdb_negotiate_version(client11, 0, false, server, best),
			 EC_CLIENT_VERSION_BLOCKED);
	assert_int_equal(emsmdb_negotiate_version(client11, EMSMDB_CONNECT_EXORGINFO, false, server, best),
			 MAPI_E_SUCCESS);
	assert_int_equal(emsmdb_negotiate_version(client11, 0, true, server, best), MAPI_E_SUCCESS);
}

/* ------------------------------------------------------------ the generated layouts */

static void test_rop_layouts(void **state)
{
	const struct emsmdb_rop_layout *l = emsmdb_rop_layouts;
	int id;

	(void)state;
	/* the generator agrees with the codec about which RopIds are requests */
	for (id = 0; id < 256; id++) {
		assert_int_equal(l[id].request, rop_request_is_described((uint8_t)id));
	}
	/* MS-OXCROPS 2.2.15.3: RopId, LogonId, InputHandleIndex; no response */
	assert_int_equal(l[RopRelease].input[0], 2);
	assert_int_equal(l[RopRelease].response, ROP_RESPONSE_NONE);
	/* 2.2.3.1: RopLogon has no input handle; its response echoes OutputHandleIndex */
	assert_int_equal(l[RopLogon].input[0], -1);
	assert_int_equal(l[RopLogon].output, 2);
	assert_int_equal(l[RopLogon].response_handle, 2);
	/* 2.2.4.1: RopOpenFolder answers with OutputHandleIndex */
	assert_int_equal(l[RopOpenFolder].input[0], 2);
	assert_int_equal(l[RopOpenFolder].output, 3);
	assert_int_equal(l[RopOpenFolder].response_handle, 3);
	/* 2.2.6.3: RopSaveChangesMessage: ResponseHandleIndex before InputHandleIndex */
	assert_int_equal(l[RopSaveChangesMessage].response_handle, 2);
	assert_int_equal(l[RopSaveChangesMessage].input[0], 3);
	/* 2.2.4.6: RopMoveCopyMessages: source and destination */
	assert_int_equal(l[RopMoveCopyMessages].input[0], 2);
	assert_int_equal(l[RopMoveCopyMessages].input[1], 3);
	/* server-only responses are not requests */
	assert_false(l[RopBufferTooSmall].request);
	assert_false(l[RopPending].request);
	assert_false(l[RopBackoff].request);
	assert_false(l[RopNotify].request);
	assert_false(l[0x00].request);
}

/* ------------------------------------------------------------ handle table */

static void test_handle_table(void **state)
{
	TALLOC_CTX *mem_ctx = talloc_new(NULL);
	struct emsmdb_limits limits;
	struct emsmdb_session *session;
	struct emsmdb_object *objects[5], *again;
	uint32_t old_handle;
	int i, j;

	(void)state;
	emsmdb_limits_default(&limits);
	limits.max_handles = 4;
	session = emsmdb_session_new(mem_ctx, &limits);
	assert_non_null(session);
	for (i = 0; i < 4; i++) {
		assert_int_equal(emsmdb_object_new(session, EMSMDB_OBJECT_FOLDER, 0, &objects[i]),
				 MAPI_E_SUCCESS);
		assert_int_not_equal(objects[i]->handle, EMSMDB_HANDLE_NONE);
		for (j = 0; j < i; j++) {
			assert_int_not_equal(objects[i]->handle, objects[j]->handle);
		}
		assert_ptr_equal(emsmdb_object_lookup(session, objects[i]->handle), objects[i]);
	}
	/* the limit */
	assert_int_equal(emsmdb_object_new(session, EMSMDB_OBJECT_FOLDER, 0, &objects[4]),
			 EC_TOO_MANY_OPEN_OBJECTS);
	assert_null(objects[4]);
	assert_null(emsmdb_object_lookup(session, EMSMDB_HANDLE_NONE));
	assert_null(emsmdb_object_lookup(session, 0x12345678));

	/* release frees the slot; a stale handle no longer resolves */
	old_handle = objects[1]->handle;
	emsmdb_object_release(objects[1]);
	assert_null(emsmdb_object_lookup(session, old_handle));
	assert_int_equal(session->handles.used, 3);
	assert_int_equal(emsmdb_object_new(session, EMSMDB_OBJECT_MESSAGE, 0, &again), MAPI_E_SUCCESS);
	assert_int_not_equal(again->handle, old_handle);
	assert_null(emsmdb_object_lookup(session, old_handle));
	assert_ptr_equal(emsmdb_object_lookup(session, again->handle), again);

	/* a logon object leaves the logon map when released */
	emsmdb_object_release(again);
	assert_int_equal(emsmdb_object_new(session, EMSMDB_OBJECT_LOGON, 7, &again), MAPI_E_SUCCESS);
	session->logons[7] = again;
	session->logon_private[7] = true;
	emsmdb_object_release(again);
	assert_null(session->logons[7]);
	assert_false(session->logon_private[7]);

	/* freeing the session frees every object (valgrind checks) */
	talloc_free(mem_ctx);
}

static void test_handle_table_grows(void **state)
{
	TALLOC_CTX *mem_ctx = talloc_new(NULL);
	struct emsmdb_session *session = emsmdb_session_new(mem_ctx, NULL);
	struct emsmdb_object *object = NULL;
	uint32_t i;

	(void)state;
	for (i = 0; i < EMSMDB_DEFAULT_MAX_HANDLES; i++) {
		assert_int_equal(emsmdb_object_new(session, EMSMDB_OBJECT_TABLE, 0, &object),
				 MAPI_E_SUCCESS);
	}
	assert_int_equal(emsmdb_object_new(session, EMSMDB_OBJECT_TABLE, 0, &object),
			 EC_TOO_MANY_OPEN_OBJECTS);
	talloc_free(mem_ctx);
}

/* ------------------------------------------------------------ dispatch */

struct fixture {
	TALLOC_CTX *mem_ctx;
	struct emsmdb_session *session;
	struct emsmdb_object *folder;
};

static int setup(void **state)
{
	struct fixture *f = talloc_zero(NULL, struct fixture);

	f->mem_ctx = f;
	f->session = emsmdb_session_new(f, NULL);
	assert_int_equal(emsmdb_object_new(f->session, EMSMDB_OBJECT_FOLDER, 0, &f->folder),
			 MAPI_E_SUCCESS);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	talloc_free(*state);
	return 0;
}

/* A ROP input buffer: RopSize, the ROPs already in rops, the handles. */
static void rop_input(struct bytes *out, const struct bytes *rops, const uint32_t *handles, size_t count)
{
	size_t i;

	out->len = 0;
	put16(out, (uint16_t)(rops->len + 2));
	put_raw(out, rops->buf, rops->len);
	for (i = 0; i < count; i++) {
		put32(out, handles[i]);
	}
}

static void expect_output(const struct emsmdb_rop_result *result, const struct bytes *rops,
			  const uint32_t *handles, size_t count)
{
	struct bytes expected = { .len = 0 };

	rop_input(&expected, rops, handles, count);
	assert_int_equal(result->len, expected.len);
	assert_memory_equal(result->data, expected.buf, expected.len);
}

static void test_unimplemented_rops(void **state)
{
	struct fixture *f = *state;
	struct bytes rops = { .len = 0 }, in, out = { .len = 0 };
	uint32_t handles[2] = { f->folder->handle, EMSMDB_HANDLE_NONE };
	struct emsmdb_rop_result result;

	/* RopGetTransportFolder (MS-OXOMSG, not served yet) on handles 0 and 1, RopSpoolerLockMessage on 0 */
	put8(&rops, RopGetTransportFolder); put8(&rops, 0); put8(&rops, 0);
	put8(&rops, RopGetTransportFolder); put8(&rops, 3); put8(&rops, 1);
	put8(&rops, RopSpoolerLockMessage); put8(&rops, 0); put8(&rops, 0); put64(&rops, 0x0001000000000001ull);
	put8(&rops, 0);
	rop_input(&in, &rops, handles, 2);
	assert_int_equal(emsmdb_rop_process(f->mem_ctx, f->session, in.buf, in.len, 0x8000, &result),
			 MAPI_E_SUCCESS);
	/* each answered with its error form, ecNotSupported, the right handle index */
	put8(&out, RopGetTransportFolder); put8(&out, 0); put32(&out, MAPI_E_NO_SUPPORT);
	put8(&out, RopGetTransportFolder); put8(&out, 1); put32(&out, MAPI_E_NO_SUPPORT);
	put8(&out, RopSpoolerLockMessage); put8(&out, 0); put32(&out, MAPI_E_NO_SUPPORT);
	expect_output(&result, &out, handles, 2);
	assert_int_equal(result.rop_count, 3);
	assert_false(result.buffer_too_small);
}

static void test_bad_handle_index(void **state)
{
	struct fixture *f = *state;
	struct bytes rops = { .len = 0 }, in, out = { .len = 0 };
	uint32_t handles[1] = { f->folder->handle };
	struct emsmdb_rop_result result;

	/* index 5 of a one-entry table: ecNullObject (MS-OXCROPS 3.2.5.1) */
	put8(&rops, RopGetTransportFolder); put8(&rops, 0); put8(&rops, 5);
	/* RopOpenFolder whose OutputHandleIndex is outside the table */
	put8(&rops, RopOpenFolder); put8(&rops, 0); put8(&rops, 0); put8(&rops, 9);
	put64(&rops, 0x1234); put8(&rops, 0);
	/* RopRelease of a bad index: no response at all */
	put8(&rops, RopRelease); put8(&rops, 0); put8(&rops, 200);
	rop_input(&in, &rops, handles, 1);
	assert_int_equal(emsmdb_rop_process(f->mem_ctx, f->session, in.buf, in.len, 0x8000, &result),
			 MAPI_E_SUCCESS);
	put8(&out, RopGetTransportFolder); put8(&out, 5); put32(&out, EC_NULL_OBJECT);
	put8(&out, RopOpenFolder); put8(&out, 9); put32(&out, EC_NULL_OBJECT);
	expect_output(&result, &out, handles, 1);
	assert_non_null(emsmdb_object_lookup(f->session, f->folder->handle));
}

static void test_release(void **state)
{
	struct fixture *f = *state;
	struct bytes rops = { .len = 0 }, in, out = { .len = 0 };
	struct emsmdb_object *message;
	uint32_t handles[3];
	struct emsmdb_rop_result result;
	uint32_t folder = f->folder->handle;

	assert_int_equal(emsmdb_object_new(f->session, EMSMDB_OBJECT_MESSAGE, 0, &message),
			 MAPI_E_SUCCESS);
	handles[0] = folder;
	handles[1] = message->handle;
	handles[2] = EMSMDB_HANDLE_NONE;
	put8(&rops, RopRelease); put8(&rops, 0); put8(&rops, 0);
	put8(&rops, RopRelease); put8(&rops, 0); put8(&rops, 2);	/* 0xFFFFFFFF: ignored */
	put8(&rops, RopRelease); put8(&rops, 0); put8(&rops, 1);
	rop_input(&in, &rops, handles, 3);
	assert_int_equal(emsmdb_rop_process(f->mem_ctx, f->session, in.buf, in.len, 0x8000, &result),
			 MAPI_E_SUCCESS);
	expect_output(&result, &out, handles, 3);
	assert_int_equal(result.rop_count, 3);
	assert_null(emsmdb_object_lookup(f->session, folder));
	assert_int_equal(f->session->handles.used, 0);
}

static void test_unparsable_buffers(void **state)
{
	struct fixture *f = *state;
	struct emsmdb_rop_result result;
	struct bytes rops = { .len = 0 }, in;
	uint32_t handles[1] = { f->folder->handle };
	static const uint8_t bad_size[] = { 0x01, 0x00 };
	static const uint8_t odd_table[] = { 0x02, 0x00, 0xFF, 0xFF };

	(void)handles;
	/* RopSize below 2, a handle table that is not whole handles */
	assert_int_equal(emsmdb_rop_process(f->mem_ctx, f->session, bad_size, sizeof(bad_size), 0x8000,
					    &result), EC_RPC_FORMAT);
	assert_int_equal(emsmdb_rop_process(f->mem_ctx, f->session, odd_table, sizeof(odd_table), 0x8000,
					    &result), EC_RPC_FORMAT);
	/* a RopId no request has, before a release: nothing runs */
	put8(&rops, RopRelease); put8(&rops, 0); put8(&rops, 0);
	put8(&rops, 0x00); put8(&rops, 0); put8(&rops, 0);
	rop_input(&in, &rops, handles, 1);
	assert_int_equal(emsmdb_rop_process(f->mem_ctx, f->session, in.buf, in.len, 0x8000, &result),
			 EC_RPC_FORMAT);
	assert_non_null(emsmdb_object_lookup(f->session, f->folder->handle));
	/* response-only RopIds are not requests */
	rops.len = 0;
	put8(&rops, RopBufferTooSmall); put8(&rops, 0); put8(&rops, 0);
	rop_input(&in, &rops, handles, 1);
	assert_int_equal(emsmdb_rop_process(f->mem_ctx, f->session, in.buf, in.len, 0x8000, &result),
			 EC_RPC_FORMAT);
	/* a truncated request */
	rops.len = 0;
	put8(&rops, RopOpenFolder); put8(&rops, 0); put8(&rops, 0); put8(&rops, 0); put32(&rops, 1);
	rop_input(&in, &rops, handles, 1);
	assert_int_equal(emsmdb_rop_process(f->mem_ctx, f->session, in.buf, in.len, 0x8000, &result),
			 EC_RPC_FORMAT);
	assert_null(result.data);
}

/* Test handlers: OpenFolder makes a folder, GetStoreState returns its input handle. */
static enum MAPISTATUS test_open_folder(struct emsmdb_rop_ctx *ctx, struct rop_response *response)
{
	struct emsmdb_object *object;
	enum MAPISTATUS status;

	if (ctx->request->u.open_folder.folder_id == 0xBAD) {
		/* an output made before a failure must not leak into the table */
		status = emsmdb_object_new(ctx->session, EMSMDB_OBJECT_FOLDER, 0, &ctx->output);
		assert_int_equal(status, MAPI_E_SUCCESS);
		return MAPI_E_NOT_FOUND;
	}
	status = emsmdb_object_new(ctx->session, EMSMDB_OBJECT_FOLDER, ctx->request->u.open_folder.logon_id,
				   &object);
	if (status != MAPI_E_SUCCESS) {
		return status;
	}
	ctx->output = object;
	response->u.open_folder.output_handle_index = ctx->request->u.open_folder.output_handle_index;
	response->u.open_folder.return_value = 0;
	return MAPI_E_SUCCESS;
}

static enum MAPISTATUS test_store_state(struct emsmdb_rop_ctx *ctx, struct rop_response *response)
{
	if (ctx->space < 10) {
		return EMSMDB_ROP_NO_SPACE;
	}
	response->u.get_store_state.input_handle_index = ctx->handle_index;
	response->u.get_store_state.u.ok.store_state = ctx->input->handle;
	return MAPI_E_SUCCESS;
}

static const struct emsmdb_rop_handler test_handlers[256] = {
	[RopRelease] = { .fn = emsmdb_rop_release },
	[RopOpenFolder] = { .fn = test_open_folder, .input_types = EMSMDB_OBJECT_BIT(EMSMDB_OBJECT_FOLDER),
			    .min_response = 8 },
	[RopGetStoreState] = { .fn = test_store_state,
			       .input_types = EMSMDB_OBJECT_BIT(EMSMDB_OBJECT_FOLDER), .min_response = 10 },
};

/*
 * The error form of a ROP whose failure response has fields of its own
 * carries them, zero (MS-OXCROPS 2.2.4.11.2 PartialCompletion, 2.2.9.3.2
 * WrittenSize, 2.2.9.8.2 ReadByteCount/WrittenByteCount): else a client
 * reading the RopsList by the spec would lose its place.
 */
static void test_error_forms_with_fields(void **state)
{
	struct fixture *f = *state;
	struct bytes rops = { .len = 0 }, in, out = { .len = 0 };
	uint32_t handles[2] = { f->folder->handle, EMSMDB_HANDLE_NONE };
	struct emsmdb_rop_result result;

	/* no handlers: each answered ecNotSupported in its error form */
	put8(&rops, RopDeleteMessages); put8(&rops, 0); put8(&rops, 0); put8(&rops, 0); put8(&rops, 0);
	put16(&rops, 0);
	put8(&rops, RopWriteStream); put8(&rops, 0); put8(&rops, 0); put16(&rops, 1); put8(&rops, 0x41);
	put8(&rops, RopCopyToStream); put8(&rops, 0); put8(&rops, 0); put8(&rops, 1); put64(&rops, 5);
	/* and an index outside the table: ecNullObject, the same form */
	put8(&rops, RopDeleteMessages); put8(&rops, 0); put8(&rops, 7); put8(&rops, 0); put8(&rops, 0);
	put16(&rops, 0);
	rop_input(&in, &rops, handles, 2);
	assert_int_equal(emsmdb_rop_process_with(test_handlers, f->mem_ctx, f->session, in.buf, in.len,
						 0x8000, &result), MAPI_E_SUCCESS);
	put8(&out, RopDeleteMessages); put8(&out, 0); put32(&out, MAPI_E_NO_SUPPORT); put8(&out, 0);
	put8(&out, RopWriteStream); put8(&out, 0); put32(&out, MAPI_E_NO_SUPPORT); put16(&out, 0);
	put8(&out, RopCopyToStream); put8(&out, 0); put32(&out, MAPI_E_NO_SUPPORT);
	put64(&out, 0); put64(&out, 0);
	put8(&out, RopDeleteMessages); put8(&out, 7); put32(&out, EC_NULL_OBJECT); put8(&out, 0);
	expect_output(&result, &out, handles, 2);
}

static void test_handlers_and_output_handles(void **state)
{
	struct fixture *f = *state;
	struct bytes rops = { .len = 0 }, in, out = { .len = 0 };
	uint32_t handles[3] = { f->folder->handle, EMSMDB_HANDLE_NONE, EMSMDB_HANDLE_NONE };
	struct emsmdb_object *message, *opened;
	struct emsmdb_rop_result result;
	uint32_t out_handles[3];

	assert_int_equal(emsmdb_object_new(f->session, EMSMDB_OBJECT_MESSAGE, 0, &message),
			 MAPI_E_SUCCESS);
	handles[2] = message->handle;
	/* open a folder from 0 into 1, then use 1 within the same buffer */
	put8(&rops, RopOpenFolder); put8(&rops, 0); put8(&rops, 0); put8(&rops, 1);
	put64(&rops, 0x42); put8(&rops, 0);
	put8(&rops, RopGetStoreState); put8(&rops, 0); put8(&rops, 1);
	/* a message is not a folder: ecNullObject */
	put8(&rops, RopGetStoreState); put8(&rops, 0); put8(&rops, 2);
	/* a failing handler: its object is released, the entry untouched */
	put8(&rops, RopOpenFolder); put8(&rops, 0); put8(&rops, 0); put8(&rops, 2);
	put64(&rops, 0xBAD); put8(&rops, 0);
	rop_input(&in, &rops, handles, 3);
	assert_int_equal(emsmdb_rop_process_with(test_handlers, f->mem_ctx, f->session, in.buf, in.len,
						 0x8000, &result), MAPI_E_SUCCESS);
	assert_int_equal(f->session->handles.used, 3);
	/* the handle of the opened folder is in entry 1 of the output table */
	out_handles[0] = handles[0];
	out_handles[2] = handles[2];
	out_handles[1] = wire_load_le32(result.data + result.len - 8);
	opened = emsmdb_object_lookup(f->session, out_handles[1]);
	assert_non_null(opened);
	assert_int_equal(opened->type, EMSMDB_OBJECT_FOLDER);
	put8(&out, RopOpenFolder); put8(&out, 1); put32(&out, 0); put8(&out, 0); put8(&out, 0);
	put8(&out, RopGetStoreState); put8(&out, 1); put32(&out, 0); put32(&out, out_handles[1]);
	put8(&out, RopGetStoreState); put8(&out, 2); put32(&out, EC_NULL_OBJECT);
	put8(&out, RopOpenFolder); put8(&out, 2); put32(&out, MAPI_E_NOT_FOUND);
	expect_output(&result, &out, out_handles, 3);
}

/* ------------------------------------------------------------ buffer limits */

static void test_fits(void **state)
{
	(void)state;
	/* RopSize + used + need + 4 per handle */
	assert_true(emsmdb_rop_fits(100, 0, 0, 98));
	assert_false(emsmdb_rop_fits(100, 0, 0, 99));
	assert_true(emsmdb_rop_fits(100, 50, 2, 40));
	assert_false(emsmdb_rop_fits(100, 50, 2, 41));
	assert_false(emsmdb_rop_fits(10, 0, 3, 0));
	assert_false(emsmdb_rop_fits(0, 0, 0, 0));
	assert_true(emsmdb_rop_fits(0x8000, 0x7000, 0, 0xFFE));
	assert_false(emsmdb_rop_fits(0x8000, 0x7000, 0, 0xFFF));
	assert_false(emsmdb_rop_fits(0x8000, SIZE_MAX, 0, 1));
}

static void test_buffer_too_small(void **state)
{
	struct fixture *f = *state;
	struct bytes rops = { .len = 0 }, in, out = { .len = 0 };
	uint32_t handles[1] = { f->folder->handle };
	struct emsmdb_rop_result result;
	size_t max_out;

	/* three ROPs answering 10 bytes each; room for one and RopBufferTooSmall */
	put8(&rops, RopGetStoreState); put8(&rops, 0); put8(&rops, 0);
	put8(&rops, RopGetStoreState); put8(&rops, 0); put8(&rops, 0);
	put8(&rops, RopGetStoreState); put8(&rops, 0); put8(&rops, 0);
	rop_input(&in, &rops, handles, 1);
	max_out = 2 + 10 + 9 + 4;	/* RopSize, one response, 3 + 6 request bytes, the table */
	assert_int_equal(emsmdb_rop_process_with(test_handlers, f->mem_ctx, f->session, in.buf, in.len,
						 max_out, &result), MAPI_E_SUCCESS);
	assert_true(result.buffer_too_small);
	assert_int_equal(result.rop_count, 1);
	put8(&out, RopGetStoreState); put8(&out, 0); put32(&out, 0); put32(&out, f->folder->handle);
	put8(&out, RopBufferTooSmall);
	/* SizeNeeded: RPC_HEADER_EXT + RopSize + table + two 10-byte responses */
	put16(&out, 8 + 2 + 4 + 10 + 10);
	put_raw(&out, rops.buf + 3, 6);
	expect_output(&result, &out, handles, 1);

	/* one byte less: RopBufferTooSmall itself no longer fits after the first */
	assert_int_equal(emsmdb_rop_process_with(test_handlers, f->mem_ctx, f->session, in.buf, in.len,
						 max_out - 1, &result), MAPI_E_SUCCESS);
	assert_true(result.buffer_too_small);
	assert_int_equal(result.rop_count, 0);

	/* not even the way back for all three fits: the call fails */
	assert_int_equal(emsmdb_rop_process_with(test_handlers, f->mem_ctx, f->session, in.buf, in.len,
						 2 + 4 + 11, &result), EC_BUFFER_TOO_SMALL);
	/* the handle table alone does not fit */
	assert_int_equal(emsmdb_rop_process(f->mem_ctx, f->session, in.buf, in.len, 5, &result),
			 EC_BUFFER_TOO_SMALL);
}

/* ------------------------------------------------------------ EcDoRpcExt2 buffers */

static void many_error_rops(struct bytes *in, uint32_t handle, int count)
{
	struct bytes rops = { .len = 0 };
	int i;

	for (i = 0; i < count; i++) {
		put8(&rops, RopGetTransportFolder); put8(&rops, 0); put8(&rops, 0);
	}
	rop_input(in, &rops, &handle, 1);
}

static void test_rpc_ext2_flags(void **state)
{
	struct fixture *f = *state;
	struct bytes payload;
	uint8_t *rgb_in, *out;
	size_t in_len, out_len;
	struct rpc_ext_chain *chain;
	struct rpc_header_ext header;
	static const uint32_t flag_sets[4] = {
		0, EMSMDB_RPC_NO_COMPRESSION, EMSMDB_RPC_NO_XOR_MAGIC,
		EMSMDB_RPC_NO_COMPRESSION | EMSMDB_RPC_NO_XOR_MAGIC,
	};
	int i;

	/* 100 identical error responses compress well */
	many_error_rops(&payload, f->folder->handle, 100);
	assert_int_equal(rpc_ext_encode(f->mem_ctx, payload.buf, payload.len, RPC_EXT_COMPRESS | RPC_EXT_XOR,
					0, &rgb_in, &in_len), WIRE_OK);
	for (i = 0; i < 4; i++) {
		uint32_t flags = flag_sets[i];

		assert_int_equal(emsmdb_rpc_ext2(f->mem_ctx, f->session, flags, rgb_in, in_len, 0x40000,
						 &out, &out_len), MAPI_E_SUCCESS);
		assert_int_equal(rpc_header_ext_pull(out, out_len, &header), WIRE_OK);
		assert_int_equal(!!(header.flags & RHE_FLAG_COMPRESSED),
				 !(flags & EMSMDB_RPC_NO_COMPRESSION));
		assert_int_equal(!!(header.flags & RHE_FLAG_XORMAGIC), !(flags & EMSMDB_RPC_NO_XOR_MAGIC));
		assert_true(header.flags & RHE_FLAG_LAST);
		assert_int_equal(header.size_actual, 2 + 100 * 6 + 4);
		assert_int_equal(rpc_ext_decode(f->mem_ctx, out, out_len, &rpc_ext_limits_rop, &chain), WIRE_OK);
		assert_int_equal(chain->count, 1);
		assert_int_equal(chain->buffers[0].payload[2], RopGetTransportFolder);
		assert_int_equal(wire_load_le32(chain->buffers[0].payload + 4), MAPI_E_NO_SUPPORT);
	}
}

static void test_rpc_ext2_limits(void **state)
{
	struct fixture *f = *state;
	struct bytes payload;
	uint8_t *rgb_in, *out, *two;
	size_t in_len, out_len, two_len;
	static const uint8_t short_in[4] = { 0, 0, 4, 0 };

	many_error_rops(&payload, f->folder->handle, 10);
	assert_int_equal(rpc_ext_encode(f->mem_ctx, payload.buf, payload.len, 0, 0, &rgb_in, &in_len), WIRE_OK);
	/* cbIn or pcbOut below the RPC_HEADER_EXT: ecRpcFailed */
	assert_int_equal(emsmdb_rpc_ext2(f->mem_ctx, f->session, 0, short_in, sizeof(short_in), 0x8000,
					 &out, &out_len), MAPI_E_NETWORK_ERROR);
	assert_int_equal(emsmdb_rpc_ext2(f->mem_ctx, f->session, 0, rgb_in, in_len, 7, &out, &out_len),
			 MAPI_E_NETWORK_ERROR);
	/* a header that lies about its size */
	rgb_in[4] = 0xFF;
	assert_int_equal(emsmdb_rpc_ext2(f->mem_ctx, f->session, 0, rgb_in, in_len, 0x8000, &out, &out_len),
			 EC_RPC_FORMAT);
	rgb_in[4] = (uint8_t)payload.len;
	/* two chained buffers: packing the server never offered */
	assert_int_equal(rpc_ext_encode(f->mem_ctx, payload.buf, payload.len, 0, 16, &two, &two_len), WIRE_OK);
	assert_int_equal(emsmdb_rpc_ext2(f->mem_ctx, f->session, 0, two, two_len, 0x8000, &out, &out_len),
			 EC_RPC_FORMAT);
	/* a small pcbOut gives RopBufferTooSmall inside the limit */
	assert_int_equal(emsmdb_rpc_ext2(f->mem_ctx, f->session, EMSMDB_RPC_NO_COMPRESSION, rgb_in, in_len,
					 8 + 2 + 4 + 6 * 3 + 3 + 7 * 3, &out, &out_len), MAPI_E_SUCCESS);
	assert_true(out_len <= 8 + 2 + 4 + 6 * 3 + 3 + 7 * 3);
	/* a huge pcbOut still yields at most 32 KB of ROP output per buffer */
	assert_int_equal(emsmdb_rpc_ext2(f->mem_ctx, f->session, 0, rgb_in, in_len, 0x40000, &out, &out_len),
			 MAPI_E_SUCCESS);
	assert_true(out_len <= 8 + 0x8000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_version_normalize),
		cmocka_unit_test(test_version_negotiation),
		cmocka_unit_test(test_rop_layouts),
		cmocka_unit_test(test_handle_table),
		cmocka_unit_test(test_handle_table_grows),
		cmocka_unit_test_setup_teardown(test_unimplemented_rops, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_handle_index, setup, teardown),
		cmocka_unit_test_setup_teardown(test_release, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unparsable_buffers, setup, teardown),
		cmocka_unit_test_setup_teardown(test_error_forms_with_fields, setup, teardown),
		cmocka_unit_test_setup_teardown(test_handlers_and_output_handles, setup, teardown),
		cmocka_unit_test(test_fits),
		cmocka_unit_test_setup_teardown(test_buffer_too_small, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rpc_ext2_flags, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rpc_ext2_limits, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
