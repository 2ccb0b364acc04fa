/*
 * libFuzzer target: ROP buffers against a session logged on to a real
 * sqlite3 mailbox, so fuzzed requests reach the folder, table, message and
 * property handlers instead of stopping at ecNullObject.
 *
 * The mailbox lives in a temporary directory made once per process (in
 * /dev/shm when there is one, since every committing ROP syncs) with a
 * subfolder and a few messages in the Inbox; it is removed at exit.  Each
 * input gets a fresh session whose handle table starts with the logon
 * (index 0), the Inbox (1) and the subfolder (2), then empty slots.  The
 * first input byte picks the handle table's size and the output limit,
 * the rest is the RopsList (MS-OXCROPS 2.2.1): the target adds RopSize and
 * the handle table, so handle values need no guessing.  Any crash, leak,
 * sanitizer report or an output larger than allowed is a bug.
 *
 * State carries over between inputs through the mailbox (a fuzzed
 * RopDeleteFolder stays done), as it does for a real server.
 *
 * Copyright (C) OpenChange developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <talloc.h>

#include "libmapi/wire_le.h"
#include "mapiproxy/emsmdb/objects.h"
#include "mapiproxy/emsmdb/rop_dispatch.h"
#include "mapiproxy/emsmdb/session.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_SID "S-1-5-21-7-7-7-1000"
#define FUZZ_DN "/o=First Organization/ou=Exchange Administrative Group/cn=Recipients/cn=fuzz"
#define MAX_HANDLES 8

static char mailbox_dir[64];
static uint64_t inbox_fid, subfolder_fid;

static void store_le64(uint8_t *p, uint64_t v)
{
	wire_store_le32(p, (uint32_t)v);
	wire_store_le32(p + 4, (uint32_t)(v >> 32));
}

static void remove_mailbox(void)
{
	char command[128];

	if (mailbox_dir[0] != '\0') {
		snprintf(command, sizeof(command), "rm -rf '%s'", mailbox_dir);
		if (system(command) != 0) {
			fprintf(stderr, "fuzz_emsmdb_mailbox: could not remove %s\n", mailbox_dir);
		}
	}
}

static enum MAPISTATUS lookup(void *private_data, TALLOC_CTX *mem_ctx, const char *essdn,
			      struct emsmdb_mailbox_info *out)
{
	static const uint8_t guid[16] = { 0x1e, 0x9c, 0x0a, 0x6b, 0x3d, 0x2f, 0x5a, 0x4e,
					  0x8b, 0x7c, 0x0d, 0x1e, 0x2f, 0x3a, 0x4b, 0x5c };

	(void)private_data;
	memset(out, 0, sizeof(*out));
	if (strcasecmp(essdn, FUZZ_DN) != 0) {
		return MAPI_E_NOT_FOUND;
	}
	out->owner_sid = FUZZ_SID;
	out->legacy_dn = essdn;
	out->uri = talloc_asprintf(mem_ctx, "sqlite3://%s/mailbox.db", mailbox_dir);
	out->replica_id = 1;
	memcpy(out->replica_guid, guid, 16);
	memcpy(out->mailbox_guid, guid, 16);
	out->mailbox_guid[0] ^= 0xff;
	out->enabled = true;
	return out->uri != NULL ? MAPI_E_SUCCESS : MAPI_E_NOT_ENOUGH_MEMORY;
}

/* One ROP buffer through the dispatcher; aborts unless it succeeds as a call. */
static void run(TALLOC_CTX *mem_ctx, struct emsmdb_session *session, const uint8_t *rops, size_t len,
		uint32_t *handles, size_t handle_count, struct emsmdb_rop_result *result)
{
	uint8_t *buf = talloc_size(mem_ctx, 2 + len + 4 * handle_count);
	size_t i;

	if (buf == NULL) {
		abort();
	}
	wire_store_le16(buf, (uint16_t)(2 + len));
	memcpy(buf + 2, rops, len);
	for (i = 0; i < handle_count; i++) {
		wire_store_le32(buf + 2 + len + 4 * i, handles[i]);
	}
	if (emsmdb_rop_process(mem_ctx, session, buf, 2 + len + 4 * handle_count, 0x8000, result) !=
	    MAPI_E_SUCCESS) {
		abort();
	}
	for (i = 0; i < handle_count; i++) {
		handles[i] = wire_load_le32(result->data + result->len - 4 * handle_count + 4 * i);
	}
}

/* A session logged on to the mailbox: handles[0] the logon, [1] the Inbox, [2] the subfolder. */
static struct emsmdb_session *logged_on(TALLOC_CTX *mem_ctx, uint32_t handles[3])
{
	struct emsmdb_session *session = emsmdb_session_new(mem_ctx, NULL);
	struct emsmdb_rop_result result;
	uint8_t logon[14 + sizeof(FUZZ_DN)] = { 0xFE, 0, 0, 0x01 };
	uint8_t open[4 + 9 + 4 + 9] = { 0x02, 0, 0, 1 };

	if (session == NULL) {
		abort();
	}
	session->user_sid = FUZZ_SID;
	session->display_name = "Fuzz";
	session->code_page = 1252;
	session->mailbox_lookup = lookup;
	/* RopLogon (MS-OXCROPS 2.2.3.1.1): private, USE_PER_MDB_REPLID_MAPPING */
	wire_store_le32(logon + 4, 0x01000000);	/* OpenFlags */
	wire_store_le32(logon + 8, 0);			/* StoreState */
	wire_store_le16(logon + 12, sizeof(FUZZ_DN));	/* EssdnSize */
	memcpy(logon + 14, FUZZ_DN, sizeof(FUZZ_DN));
	handles[0] = handles[1] = handles[2] = EMSMDB_HANDLE_NONE;
	run(mem_ctx, session, logon, sizeof(logon), handles, 1, &result);
	if (emsmdb_logon_get(session, 0) == NULL) {
		abort();
	}
	if (inbox_fid == 0 &&
	    mapistore_special_folder_id(emsmdb_logon_get(session, 0)->store, MAPISTORE_INBOX,
					&inbox_fid) != MAPI_E_SUCCESS) {
		abort();
	}
	/* RopOpenFolder (2.2.4.1.1) of the Inbox and of the subfolder, both from the logon */
	store_le64(open + 4, inbox_fid);
	open[13] = 0x02;
	open[16] = 2;
	store_le64(open + 17, subfolder_fid != 0 ? subfolder_fid : inbox_fid);
	run(mem_ctx, session, open, sizeof(open), handles, 3, &result);
	return session;
}

/* The mailbox, once: the Inbox gets a subfolder and three messages (one FAI). */
static void make_mailbox(void)
{
	TALLOC_CTX *mem_ctx = talloc_new(NULL);
	const char *base = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
	struct emsmdb_session *session;
	struct emsmdb_folder *inbox;
	struct mapistore_folder *sub;
	struct mapistore_message *msg;
	struct mapi_propval subject = { .tag = 0x0037001F };	/* PidTagSubject */
	uint32_t handles[3];
	int i;

	snprintf(mailbox_dir, sizeof(mailbox_dir), "%s/fuzz_emsmdb_mailbox.XXXXXX", base);
	if (mkdtemp(mailbox_dir) == NULL) {
		abort();
	}
	atexit(remove_mailbox);
	session = logged_on(mem_ctx, handles);
	inbox = emsmdb_folder_of(emsmdb_object_lookup(session, handles[1]));
	if (inbox == NULL ||
	    mapistore_folder_create(inbox->folder, mem_ctx, "Fuzzed", MAPISTORE_FOLDER_GENERIC, 0, 0,
				    NULL, &sub, NULL) != MAPI_E_SUCCESS) {
		abort();
	}
	subfolder_fid = mapistore_folder_id(sub);
	for (i = 0; i < 3; i++) {
		subject.value.string = (char *)(i == 0 ? "first" : i == 1 ? "second" : "settings");
		if (mapistore_message_create(inbox->folder, mem_ctx, i == 2, &msg) != MAPI_E_SUCCESS ||
		    mapistore_message_set_props(msg, 1, &subject, mem_ctx, NULL) != MAPI_E_SUCCESS ||
		    mapistore_message_save(msg, 0) != MAPI_E_SUCCESS) {
			abort();
		}
	}
	talloc_free(mem_ctx);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	TALLOC_CTX *mem_ctx;
	struct emsmdb_session *session;
	struct emsmdb_rop_result result;
	uint32_t handles[MAX_HANDLES], start[3];
	size_t handle_count, max_out, i;

	if (mailbox_dir[0] == '\0') {
		make_mailbox();
	}
	if (size < 1 || size > 0x8000) {
		return 0;
	}
	mem_ctx = talloc_new(NULL);
	session = logged_on(mem_ctx, start);
	handle_count = 3 + (data[0] & 0x7) % (MAX_HANDLES - 2);
	for (i = 0; i < handle_count; i++) {
		handles[i] = i < 3 ? start[i] : EMSMDB_HANDLE_NONE;
	}
	/* a small limit now and then, to reach RopBufferTooSmall */
	max_out = (data[0] & 0x80) ? 0x80 + ((size_t)(data[0] & 0x78) << 4) : 0x8000;
	{
		uint8_t *buf = talloc_size(mem_ctx, 2 + (size - 1) + 4 * handle_count);

		if (buf == NULL) {
			abort();
		}
		wire_store_le16(buf, (uint16_t)(2 + size - 1));
		memcpy(buf + 2, data + 1, size - 1);
		for (i = 0; i < handle_count; i++) {
			wire_store_le32(buf + 2 + size - 1 + 4 * i, handles[i]);
		}
		if (emsmdb_rop_process(mem_ctx, session, buf, 2 + size - 1 + 4 * handle_count, max_out,
				       &result) == MAPI_E_SUCCESS && result.len > max_out) {
			abort();
		}
	}
	talloc_free(mem_ctx);
	return 0;
}
