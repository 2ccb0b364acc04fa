/*
 * libFuzzer target: MS-OXCDATA identifiers and entry IDs
 * (libmapi/oxcdata_ids.c). The first byte picks the structure: GID,
 * LongTermID, XID (its size from the second byte), Folder, Message, Store
 * Object or Address Book EntryID. Every encoding is canonical, so whatever
 * decodes must encode back to exactly the bytes it came from; the Folder
 * ID helpers are checked for being inverse on 8 of the bytes.
 *
 * Copyright (C) OpenChange developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <stdlib.h>
#include <string.h>
#include "libmapi/oxcdata_ids.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_same(const struct oxcdata_push *push, const uint8_t *start, size_t len)
{
	if (push->len != len || (len > 0 && memcmp(push->data, start, len) != 0)) {
		abort();
	}
}

static void check_id(const uint8_t *data, size_t size)
{
	uint8_t gc[OXCDATA_GLOBCNT_SIZE];
	uint64_t id = 0, again = 0;
	size_t i;

	if (size < 8) {
		return;
	}
	for (i = 0; i < 8; i++) {
		id |= (uint64_t)data[i] << (8 * i);
	}
	oxcdata_id_globcnt(id, gc);
	if (memcmp(gc, data + 2, OXCDATA_GLOBCNT_SIZE) != 0 ||
	    oxcdata_id_from_globcnt(oxcdata_id_replica(id), gc) != id ||
	    oxcdata_id_make(oxcdata_id_replica(id), oxcdata_id_counter(id), &again) != WIRE_OK ||
	    again != id) {
		abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	TALLOC_CTX *mem_ctx;
	struct oxcdata_pull pull;
	struct oxcdata_push push;
	enum wire_error err = WIRE_ERR_INVALID_ARG, back = WIRE_ERR_INVALID_ARG;
	size_t skip = 1;

	if (size < 2) {
		return 0;
	}
	check_id(data + 1, size - 1);
	if (data[0] % 7 == 2) {
		skip = 2;	/* the XID's size */
	}
	mem_ctx = talloc_new(NULL);
	oxcdata_pull_init(&pull, data + skip, size - skip);
	oxcdata_push_init(&push, mem_ctx);
	switch (data[0] % 7) {
	case 0: {
		struct mapi_gid gid;

		err = oxcdata_gid_pull(&pull, &gid);
		if (err == WIRE_OK) {
			back = oxcdata_gid_push(&push, &gid);
		}
		break;
	}
	case 1: {
		struct mapi_gid ltid;

		err = oxcdata_long_term_id_pull(&pull, &ltid);
		if (err == WIRE_OK) {
			back = oxcdata_long_term_id_push(&push, &ltid);
		}
		break;
	}
	case 2: {
		struct mapi_xid xid;

		err = oxcdata_xid_pull(&pull, data[1] % 32, &xid);
		if (err == WIRE_OK) {
			back = oxcdata_xid_push(&push, &xid);
		}
		break;
	}
	case 3: {
		struct mapi_folder_entryid eid;

		err = oxcdata_folder_entryid_pull(&pull, &eid);
		if (err == WIRE_OK) {
			back = oxcdata_folder_entryid_push(&push, &eid);
		}
		break;
	}
	case 4: {
		struct mapi_message_entryid eid;

		err = oxcdata_message_entryid_pull(&pull, &eid);
		if (err == WIRE_OK) {
			back = oxcdata_message_entryid_push(&push, &eid);
		}
		break;
	}
	case 5: {
		struct mapi_store_entryid eid;

		err = oxcdata_store_entryid_pull(&pull, mem_ctx, &eid);
		if (err == WIRE_OK) {
			back = oxcdata_store_entryid_push(&push, &eid);
		}
		break;
	}
	default: {
		struct mapi_ab_entryid eid;

		err = oxcdata_ab_entryid_pull(&pull, mem_ctx, &eid);
		if (err == WIRE_OK) {
			back = oxcdata_ab_entryid_push(&push, &eid);
		}
		break;
	}
	}
	if (pull.offset > pull.len) {
		abort();
	}
	if (err == WIRE_OK) {
		if (back != WIRE_OK) {
			abort();
		}
		check_same(&push, data + skip, pull.offset);
	}
	talloc_free(mem_ctx);
	return 0;
}
