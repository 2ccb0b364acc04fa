/*
 * libFuzzer target: ROP lists against the MS-OXCPRPT handlers with real
 * objects behind them.  Each input runs in a new session logged on to one
 * sqlite3 mailbox (made once, in a temporary directory): the handle table
 * holds the logon, the Inbox, a new message, an attachment of it, a stream
 * on the message's PidTagBody and three empty slots.  The first two bytes
 * are pcbOut; the rest is the RopsList.  Any crash, leak or sanitizer
 * report, or an answer larger than pcbOut, is a bug.
 *
 * Copyright (C) OpenChange developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <talloc.h>

#include "libmapi/wire_le.h"
#include "mapiproxy/emsmdb/oxcprpt.h"
#include "mapiproxy/emsmdb/rop_dispatch.h"

#define OWNER_SID "S-1-5-21-1-2-3-1104"
#define OWNER_DN "/o=First Organization/ou=Exchange Administrative Group/cn=Recipients/cn=fuzz"
#define HANDLE_COUNT 8

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char dir[64];

static void remove_dir(void)
{
	char command[128];

	snprintf(command, sizeof(command), "rm -rf '%s'", dir);
	if (system(command) != 0) {
		fprintf(stderr, "could not remove %s\n", dir);
	}
}

static enum MAPISTATUS lookup(void *private_data, TALLOC_CTX *mem_ctx, const char *essdn,
			      struct emsmdb_mailbox_info *out)
{
	(void)private_data;
	memset(out, 0, sizeof(*out));
	if (strcasecmp(essdn, OWNER_DN) != 0) {
		return MAPI_E_NOT_FOUND;
	}
	out->owner_sid = OWNER_SID;
	out->legacy_dn = OWNER_DN;
	out->owner_name = "Fuzz";
	out->enabled = true;
	out->uri = talloc_asprintf(mem_ctx, "sqlite3://%s/mailbox.db", dir);
	out->replica_id = 1;
	memset(out->mailbox_guid, 0x5A, 16);
	memset(out->replica_guid, 0xA5, 16);
	return MAPI_E_SUCCESS;
}

/* One ROP through the dispatcher with HANDLES; the RopsList answer in *rops. */
static bool run(TALLOC_CTX *mem_ctx, struct emsmdb_session *session, const uint8_t *rop,
		size_t rop_len, uint32_t *handles, size_t handle_count, const uint8_t **rops)
{
	struct emsmdb_rop_result result;
	uint8_t *in = talloc_array(mem_ctx, uint8_t, 2 + rop_len + 4 * handle_count);
	size_t i;

	wire_store_le16(in, (uint16_t)(2 + rop_len));
	memcpy(in + 2, rop, rop_len);
	for (i = 0; i < handle_count; i++) {
		wire_store_le32(in + 2 + rop_len + 4 * i, handles[i]);
	}
	if (emsmdb_rop_process(mem_ctx, session, in, 2 + rop_len + 4 * handle_count, 0x8000,
			       &result) != MAPI_E_SUCCESS) {
		return false;
	}
	for (i = 0; i < handle_count; i++) {
		handles[i] = wire_load_le32(result.data + result.len - 4 * (handle_count - i));
	}
	*rops = result.data + 2;
	return true;
}

/* The session and the objects every input starts from; false if they cannot be made. */
static bool prepare(TALLOC_CTX *mem_ctx, struct emsmdb_session **out, uint32_t *handles)
{
	struct emsmdb_session *session = emsmdb_session_new(mem_ctx, NULL);
	struct emsmdb_rop_ctx ctx;
	struct emsmdb_folder *folder;
	struct emsmdb_message *message;
	struct emsmdb_attachment *att;
	struct emsmdb_object *object;
	const uint8_t *rops;
	uint8_t logon[160] = { 0xFE, 0, 0, 0x01 }, open[13] = { 0x02, 0, 0, 1 };
	uint8_t stream[11] = { 0x2B, 0, 2, 4, 0x1F, 0x00, 0x00, 0x10, 0x02 };
	size_t dn_len = strlen(OWNER_DN) + 1, i;
	uint32_t table[2];

	if (session == NULL) {
		return false;
	}
	session->user_sid = OWNER_SID;
	session->display_name = "Fuzz";
	session->code_page = 1252;
	session->mailbox_lookup = lookup;
	for (i = 0; i < HANDLE_COUNT; i++) {
		handles[i] = EMSMDB_HANDLE_NONE;
	}
	/* RopLogon (MS-OXCROPS 2.2.3.1.1): Private, USE_PER_MDB_REPLID_MAPPING */
	wire_store_le32(logon + 4, 0x01000000);
	wire_store_le16(logon + 12, (uint16_t)dn_len);
	memcpy(logon + 14, OWNER_DN, dn_len);
	if (!run(mem_ctx, session, logon, 14 + dn_len, handles, 1, &rops) ||
	    wire_load_le32(rops + 2) != 0) {
		return false;
	}
	/* RopOpenFolder of the Inbox, the fifth FolderId */
	memcpy(open + 4, rops + 7 + 4 * 8, 8);
	table[0] = handles[0];
	table[1] = EMSMDB_HANDLE_NONE;
	if (!run(mem_ctx, session, open, sizeof(open), table, 2, &rops) || wire_load_le32(rops + 2) != 0) {
		return false;
	}
	handles[1] = table[1];
	/* a message and an attachment, as RopCreateMessage/RopCreateAttachment would make them */
	memset(&ctx, 0, sizeof(ctx));
	ctx.session = session;
	folder = emsmdb_folder_of(emsmdb_object_lookup(session, handles[1]));
	if (folder == NULL ||
	    emsmdb_message_object_new(&ctx, folder->logon, 0, &message, &object) != MAPI_E_SUCCESS ||
	    mapistore_message_create(folder->folder, message, false, &message->msg) != MAPI_E_SUCCESS) {
		return false;
	}
	message->fid = folder->fid;
	message->open_mode = MAPISTORE_OPEN_READ_WRITE;
	message->created = true;
	handles[2] = object->handle;
	if (emsmdb_attachment_object_new(&ctx, message, 0, &att, &object) != MAPI_E_SUCCESS ||
	    mapistore_attachment_create(message->msg, att, &att->att, &att->attach_num) !=
	    MAPI_E_SUCCESS) {
		return false;
	}
	handles[3] = object->handle;
	/* RopOpenStream of the message's PidTagBody, Create, at index 4 */
	if (!run(mem_ctx, session, stream, 9, handles, HANDLE_COUNT, &rops) ||
	    wire_load_le32(rops + 2) != 0) {
		return false;
	}
	*out = session;
	return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	TALLOC_CTX *mem_ctx;
	struct emsmdb_session *session = NULL;
	struct emsmdb_rop_result result;
	uint32_t handles[HANDLE_COUNT];
	uint8_t *in;
	size_t max_out, rops_len, i;

	if (dir[0] == '\0') {
		snprintf(dir, sizeof(dir), "/tmp/fuzz_oxcprpt.XXXXXX");
		if (mkdtemp(dir) == NULL) {
			abort();
		}
		atexit(remove_dir);
	}
	if (size < 2 || size > 0x7F00) {
		return 0;
	}
	mem_ctx = talloc_new(NULL);
	if (!prepare(mem_ctx, &session, handles)) {
		abort();
	}
	max_out = (size_t)data[0] | (size_t)data[1] << 8;
	rops_len = size - 2;
	in = talloc_array(mem_ctx, uint8_t, 2 + rops_len + 4 * HANDLE_COUNT);
	wire_store_le16(in, (uint16_t)(2 + rops_len));
	memcpy(in + 2, data + 2, rops_len);
	for (i = 0; i < HANDLE_COUNT; i++) {
		wire_store_le32(in + 2 + rops_len + 4 * i, handles[i]);
	}
	if (emsmdb_rop_process(mem_ctx, session, in, 2 + rops_len + 4 * HANDLE_COUNT, max_out,
			       &result) == MAPI_E_SUCCESS && result.len > max_out) {
		abort();
	}
	talloc_free(mem_ctx);
	return 0;
}
