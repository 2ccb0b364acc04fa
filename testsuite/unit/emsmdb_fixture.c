/*
 * A test fixture for the mailbox ROP families (emsmdb_fixture.h).
 *
 * Copyright (C) OpenChange developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <setjmp.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <cmocka.h>
#include <talloc.h>

#include "libmapi/rop_buffer.h"
#include "libmapi/wire_le.h"
#include "mapiproxy/emsmdb/rop_layout.h"
#include "testsuite/unit/emsmdb_fixture.h"

#define MAILBOX_GUID_ALICE "6b0a9c1e-2f3d-4e5a-8b7c-0d1e2f3a4b5c"
#define MAILBOX_GUID_BOB "7c1b0d2f-3a4e-4f6b-9c8d-1e2f3a4b5c6d"
#define REPLICA_GUID "{A1B2C3D4-E5F6-4789-9ABC-DEF012345678}"

static enum MAPISTATUS fixture_lookup(void *private_data, TALLOC_CTX *mem_ctx, const char *essdn,
				      struct emsmdb_mailbox_info *out)
{
	struct emsmdb_fixture *f = private_data;
	const char *guid;

	memset(out, 0, sizeof(*out));
	if (strcasecmp(essdn, FIXTURE_OWNER_DN) == 0) {
		out->owner_sid = FIXTURE_OWNER_SID;
		guid = MAILBOX_GUID_ALICE;
	} else if (strcasecmp(essdn, FIXTURE_OTHER_DN) == 0) {
		out->owner_sid = FIXTURE_OTHER_SID;
		guid = MAILBOX_GUID_BOB;
	} else {
		return MAPI_E_NOT_FOUND;
	}
	out->legacy_dn = essdn;
	out->enabled = true;
	out->uri = talloc_asprintf(mem_ctx, "sqlite3://%s/mapistore/%s/mailbox.db", f->dir, guid);
	out->replica_id = 1;
	assert_true(emsmdb_guid_from_string(guid, out->mailbox_guid));
	assert_true(emsmdb_guid_from_string(REPLICA_GUID, out->replica_guid));
	return MAPI_E_SUCCESS;
}

static enum MAPISTATUS fixture_public_store(void *private_data, TALLOC_CTX *mem_ctx,
					    struct emsmdb_public_store_info *out)
{
	struct emsmdb_fixture *f = private_data;

	out->uri = talloc_asprintf(mem_ctx, "sqlite3://%s/mapistore/public/public.db", f->dir);
	out->server_legacy_dn = FIXTURE_SERVER_DN;
	return MAPI_E_SUCCESS;
}

/* RopLogon of the private mailbox of DN at handle index 0 (MS-OXCSTOR 2.2.1.1.1). */
static void logon(struct emsmdb_fixture *f, struct emsmdb_session *session, const char *dn,
		  uint32_t *logon_handle, uint64_t folder_ids[13])
{
	TALLOC_CTX *mem_ctx = talloc_new(NULL);
	struct rop_request request;
	struct rop_response_list out;
	uint32_t handles[1] = { EMSMDB_HANDLE_NONE };
	bool was_public = f->public_logon;
	int i;

	memset(&request, 0, sizeof(request));
	request.rop_id = RopLogon;
	request.u.logon.logon_id = 0;
	request.u.logon.output_handle_index = 0;
	request.u.logon.logon_flags = 0x01;		/* Private */
	request.u.logon.open_flags = 0x01000000;	/* USE_PER_MDB_REPLID_MAPPING */
	request.u.logon.essdn_size = (uint16_t)(strlen(dn) + 1);
	request.u.logon.essdn = (uint8_t *)talloc_strdup(mem_ctx, dn);
	f->public_logon = false;
	emsmdb_fixture_run(f, session, mem_ctx, &request, 1, handles, 1, NULL, &out);
	f->public_logon = was_public;
	assert_int_equal(out.count, 1);
	assert_int_equal(out.rops[0].u.logon.return_value, MAPI_E_SUCCESS);
	*logon_handle = handles[0];
	for (i = 0; folder_ids != NULL && i < 13; i++) {
		folder_ids[i] = out.rops[0].u.logon.u.private_mailbox.folder_ids[i];
	}
	talloc_free(mem_ctx);
}

struct emsmdb_session *emsmdb_fixture_session(struct emsmdb_fixture *f, const char *sid,
					      uint32_t *logon_handle)
{
	struct emsmdb_session *session = emsmdb_session_new(f, NULL);
	bool owner = strcmp(sid, FIXTURE_OWNER_SID) == 0;

	assert_non_null(session);
	session->user_sid = owner ? FIXTURE_OWNER_SID : FIXTURE_OTHER_SID;
	session->display_name = owner ? "Alice" : "Bob";
	session->user_dn = owner ? FIXTURE_OWNER_DN : FIXTURE_OTHER_DN;
	session->mailbox_lookup = fixture_lookup;
	session->public_store_lookup = fixture_public_store;
	session->mailbox_lookup_data = f;
	logon(f, session, owner ? FIXTURE_OWNER_DN : FIXTURE_OTHER_DN, logon_handle, NULL);
	return session;
}

int emsmdb_fixture_setup(void **state)
{
	struct emsmdb_fixture *f = talloc_zero(NULL, struct emsmdb_fixture);

	assert_non_null(f);
	snprintf(f->dir, sizeof(f->dir), "/tmp/emsmdb_fixture.XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	f->session = emsmdb_session_new(f, NULL);
	assert_non_null(f->session);
	f->session->user_sid = FIXTURE_OWNER_SID;
	f->session->display_name = "Alice";
	f->session->user_dn = FIXTURE_OWNER_DN;
	f->session->mailbox_lookup = fixture_lookup;
	f->session->public_store_lookup = fixture_public_store;
	f->session->mailbox_lookup_data = f;
	logon(f, f->session, FIXTURE_OWNER_DN, &f->logon_handle, f->folder_ids);
	*state = f;
	return 0;
}

int emsmdb_fixture_teardown(void **state)
{
	struct emsmdb_fixture *f = *state;
	char command[128];

	talloc_free(f->session);	/* closes the databases before they go */
	f->session = NULL;
	snprintf(command, sizeof(command), "rm -rf '%s'", f->dir);
	assert_int_equal(system(command), 0);
	talloc_free(f);
	return 0;
}

struct fixed_columns {
	const struct mapi_tag_array *columns;
	bool public_logon;
};

static enum wire_error fixed_params(void *private_data, uint8_t rop_id, uint32_t object,
				    size_t position, struct rop_params *params)
{
	const struct fixed_columns *fixed = private_data;

	(void)rop_id; (void)object; (void)position;
	params->columns = fixed->columns;
	/* fixture logons are a private mailbox's unless the test says otherwise */
	params->logon_private = !fixed->public_logon;
	return WIRE_OK;
}

void emsmdb_fixture_run(struct emsmdb_fixture *f, struct emsmdb_session *session,
			TALLOC_CTX *mem_ctx, const struct rop_request *requests, size_t count,
			uint32_t *handles, size_t handle_count, const struct mapi_tag_array *columns,
			struct rop_response_list *out)
{
	struct rop_request_buffer in = { .list = { .count = count, .rops = (struct rop_request *)requests },
					 .handle_count = handle_count, .handles = handles };
	struct fixed_columns fixed = { .columns = columns, .public_logon = f->public_logon };
	struct rop_context rctx = { .params = fixed_params, .private_data = &fixed };
	struct emsmdb_rop_result result;
	struct rop_response_buffer decoded;
	uint8_t *buf = NULL;
	size_t len = 0, i;

	if (session == NULL) {
		session = f->session;
	}
	assert_int_equal(rop_request_push(mem_ctx, &in, &rctx, &buf, &len), WIRE_OK);
	assert_int_equal(emsmdb_rop_process(mem_ctx, session, buf, len, 0x8000, &result),
			 MAPI_E_SUCCESS);
	assert_int_equal(rop_response_pull(mem_ctx, result.data, result.len, &rctx, &decoded), WIRE_OK);
	assert_int_equal(decoded.handle_count, handle_count);
	for (i = 0; i < handle_count; i++) {
		handles[i] = decoded.handles[i];
	}
	*out = decoded.list;
}

uint32_t emsmdb_fixture_rop(struct emsmdb_fixture *f, struct emsmdb_session *session,
			    TALLOC_CTX *mem_ctx, struct rop_request *request, uint32_t in,
			    uint32_t *out_handle, const struct mapi_tag_array *columns,
			    struct rop_response *response)
{
	const struct emsmdb_rop_layout *layout = &emsmdb_rop_layouts[request->rop_id];
	struct rop_request_buffer buffer;
	struct fixed_columns fixed = { .columns = columns, .public_logon = f->public_logon };
	struct rop_context rctx = { .params = fixed_params, .private_data = &fixed };
	struct emsmdb_rop_result result;
	struct rop_response_list decoded;
	uint32_t handles[2] = { in, EMSMDB_HANDLE_NONE };
	uint8_t *buf = NULL, *rops;
	size_t len = 0;
	uint16_t rop_size;
	uint32_t value;

	if (session == NULL) {
		session = f->session;
	}
	memset(&buffer, 0, sizeof(buffer));
	buffer.list.count = 1;
	buffer.list.rops = request;
	buffer.handle_count = 2;
	buffer.handles = handles;
	assert_int_equal(rop_request_push(mem_ctx, &buffer, &rctx, &buf, &len), WIRE_OK);
	/* whatever indexes the request says, its objects are at 0 (in) and 1 (out) */
	rops = buf + 2;
	if (layout->input[0] >= 0) {
		rops[layout->input[0]] = 0;
	}
	if (layout->output >= 0) {
		rops[layout->output] = 1;
	}
	assert_int_equal(emsmdb_rop_process(mem_ctx, session, buf, len, 0x8000, &result),
			 MAPI_E_SUCCESS);
	rop_size = wire_load_le16(result.data);
	if (rop_size == 2) {
		return 0;	/* no response (RopRelease) */
	}
	assert_true(rop_size >= 2 + 6);
	value = wire_load_le32(result.data + 4);
	if (out_handle != NULL) {
		*out_handle = wire_load_le32(result.data + result.len - 4);
	}
	if (response != NULL) {
		assert_int_equal(rop_responses_pull(mem_ctx, result.data + 2, rop_size - 2, &rctx,
						    &decoded), WIRE_OK);
		assert_int_equal(decoded.count, 1);
		*response = decoded.rops[0];
	}
	return value;
}
