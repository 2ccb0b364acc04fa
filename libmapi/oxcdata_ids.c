/*
 * MS-OXCDATA identifiers and entry IDs (2.2.1, 2.2.4, 2.2.5.2); see
 * oxcdata_ids.h for the representation.
 *
 * Copyright (C) OpenChange developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>
#include "libmapi/oxcdata_ids.h"

/* 2.2.4.1, 2.2.4.2: ProviderUID of a folder or message in the public store. */
const uint8_t oxcdata_public_folder_provider_uid[OXCDATA_GUID_SIZE] = {
	0x1A, 0x44, 0x73, 0x90, 0xAA, 0x66, 0x11, 0xCD,
	0x9B, 0xC8, 0x00, 0xAA, 0x00, 0x2F, 0xC4, 0x5A,
};

/* 2.2.4.3: ProviderUID of the Store Object EntryID. */
const uint8_t oxcdata_store_provider_uid[OXCDATA_GUID_SIZE] = {
	0x38, 0xA1, 0xBB, 0x10, 0x05, 0xE5, 0x10, 0x1A,
	0xA1, 0xBB, 0x08, 0x00, 0x2B, 0x2A, 0x56, 0xC2,
};

/* 2.2.4.3: WrappedProvider UID of a mailbox store. */
const uint8_t oxcdata_mailbox_store_wrapped_uid[OXCDATA_GUID_SIZE] = {
	0x1B, 0x55, 0xFA, 0x20, 0xAA, 0x66, 0x11, 0xCD,
	0x9B, 0xC8, 0x00, 0xAA, 0x00, 0x2F, 0xC4, 0x5A,
};

/* 2.2.4.3: WrappedProvider UID of the public folder store. */
const uint8_t oxcdata_public_store_wrapped_uid[OXCDATA_GUID_SIZE] = {
	0x1C, 0x83, 0x02, 0x10, 0xAA, 0x66, 0x11, 0xCD,
	0x9B, 0xC8, 0x00, 0xAA, 0x00, 0x2F, 0xC4, 0x5A,
};

/* 2.2.5.2: ProviderUID of the Address Book EntryID. */
const uint8_t oxcdata_ab_provider_uid[OXCDATA_GUID_SIZE] = {
	0xDC, 0xA7, 0x40, 0xC8, 0xC0, 0x42, 0x10, 0x1A,
	0xB4, 0xB9, 0x08, 0x00, 0x2B, 0x2F, 0xE1, 0x82,
};

/* 2.2.4.3: DLLFileName, "EMSMDB.DLL" padded with NULs to 14 bytes. */
static const uint8_t store_dll_name[14] = {
	0x45, 0x4D, 0x53, 0x4D, 0x44, 0x42, 0x2E, 0x44, 0x4C, 0x4C, 0x00, 0x00, 0x00, 0x00,
};

#define STORE_WRAPPED_TYPE_MAILBOX 0x0000000C
#define STORE_WRAPPED_TYPE_PUBLIC 0x00000006
#define AB_VERSION 0x00000001

#define CHECK(expr) do { enum wire_error e_ = (expr); if (e_ != WIRE_OK) { return e_; } } while (0)

/* --- Folder ID / Message ID ------------------------------------------------- */

uint64_t oxcdata_globcnt_value(const uint8_t globcnt[OXCDATA_GLOBCNT_SIZE])
{
	uint64_t v = 0;
	size_t i;

	for (i = 0; i < OXCDATA_GLOBCNT_SIZE; i++) {
		v = (v << 8) | globcnt[i];
	}
	return v;
}

enum wire_error oxcdata_globcnt_bytes(uint64_t value, uint8_t globcnt[OXCDATA_GLOBCNT_SIZE])
{
	size_t i;

	if (value > OXCDATA_GLOBCNT_MAX) {
		return WIRE_ERR_INVALID_ARG;
	}
	for (i = OXCDATA_GLOBCNT_SIZE; i > 0; i--) {
		globcnt[i - 1] = (uint8_t)value;
		value >>= 8;
	}
	return WIRE_OK;
}

void oxcdata_id_globcnt(uint64_t id, uint8_t globcnt[OXCDATA_GLOBCNT_SIZE])
{
	size_t i;

	/* Wire bytes 2..7 of the ID are bits 16..63 of the little-endian value. */
	for (i = 0; i < OXCDATA_GLOBCNT_SIZE; i++) {
		globcnt[i] = (uint8_t)(id >> (16 + 8 * i));
	}
}

uint64_t oxcdata_id_from_globcnt(uint16_t replica_id, const uint8_t globcnt[OXCDATA_GLOBCNT_SIZE])
{
	uint64_t id = replica_id;
	size_t i;

	for (i = 0; i < OXCDATA_GLOBCNT_SIZE; i++) {
		id |= (uint64_t)globcnt[i] << (16 + 8 * i);
	}
	return id;
}

enum wire_error oxcdata_id_make(uint16_t replica_id, uint64_t global_counter, uint64_t *id)
{
	uint8_t globcnt[OXCDATA_GLOBCNT_SIZE];

	CHECK(oxcdata_globcnt_bytes(global_counter, globcnt));
	*id = oxcdata_id_from_globcnt(replica_id, globcnt);
	return WIRE_OK;
}

uint16_t oxcdata_id_replica(uint64_t id)
{
	return (uint16_t)id;
}

uint64_t oxcdata_id_counter(uint64_t id)
{
	uint8_t globcnt[OXCDATA_GLOBCNT_SIZE];

	oxcdata_id_globcnt(id, globcnt);
	return oxcdata_globcnt_value(globcnt);
}

/* --- helpers ------------------------------------------------------------------ */

static enum wire_error pull_fixed(struct oxcdata_pull *pull, void *out, size_t n)
{
	const uint8_t *p;

	CHECK(oxcdata_pull_bytes(pull, n, &p));
	memcpy(out, p, n);
	return WIRE_OK;
}

/* n bytes that must equal want; mismatch is err. */
static enum wire_error pull_expect(struct oxcdata_pull *pull, const uint8_t *want, size_t n,
				   enum wire_error err)
{
	const uint8_t *p;

	CHECK(oxcdata_pull_bytes(pull, n, &p));
	return memcmp(p, want, n) == 0 ? WIRE_OK : err;
}

/* Flags of a long-term entry ID: 4 bytes, MUST be zero (2.2.4.1 ff.). */
static enum wire_error pull_zero_flags(struct oxcdata_pull *pull)
{
	uint32_t flags;

	CHECK(oxcdata_pull_u32(pull, &flags));
	return flags == 0 ? WIRE_OK : WIRE_ERR_BAD_FLAGS;
}

static bool is_folder_type(uint16_t t)
{
	return t == MAPI_EIT_PRIVATE_FOLDER || t == MAPI_EIT_PUBLIC_FOLDER ||
	       t == MAPI_EIT_MAPPED_PUBLIC_FOLDER;
}

static bool is_message_type(uint16_t t)
{
	return t == MAPI_EIT_PRIVATE_MESSAGE || t == MAPI_EIT_PUBLIC_MESSAGE ||
	       t == MAPI_EIT_MAPPED_PUBLIC_MESSAGE;
}

static bool is_ab_type(uint32_t t)
{
	return t <= MAPI_AB_REMOTE_MAIL_USER || t == MAPI_AB_CONTAINER || t == MAPI_AB_TEMPLATE ||
	       t == MAPI_AB_ONE_OFF_USER || t == MAPI_AB_SEARCH;
}

/* --- GID, LongTermID, XID ---------------------------------------------------- */

enum wire_error oxcdata_gid_pull(struct oxcdata_pull *pull, struct mapi_gid *gid)
{
	CHECK(pull_fixed(pull, gid->database_guid, OXCDATA_GUID_SIZE));
	return pull_fixed(pull, gid->global_counter, OXCDATA_GLOBCNT_SIZE);
}

enum wire_error oxcdata_gid_push(struct oxcdata_push *push, const struct mapi_gid *gid)
{
	CHECK(oxcdata_push_bytes(push, gid->database_guid, OXCDATA_GUID_SIZE));
	return oxcdata_push_bytes(push, gid->global_counter, OXCDATA_GLOBCNT_SIZE);
}

enum wire_error oxcdata_long_term_id_pull(struct oxcdata_pull *pull, struct mapi_gid *ltid)
{
	uint16_t pad;

	CHECK(oxcdata_gid_pull(pull, ltid));
	CHECK(oxcdata_pull_u16(pull, &pad));
	return pad == 0 ? WIRE_OK : WIRE_ERR_BAD_VALUE;
}

enum wire_error oxcdata_long_term_id_push(struct oxcdata_push *push, const struct mapi_gid *ltid)
{
	CHECK(oxcdata_gid_push(push, ltid));
	return oxcdata_push_u16(push, 0);
}

enum wire_error oxcdata_xid_pull(struct oxcdata_pull *pull, size_t xid_size, struct mapi_xid *xid)
{
	if (xid_size < OXCDATA_XID_MIN_SIZE || xid_size > OXCDATA_XID_MAX_SIZE) {
		return WIRE_ERR_BAD_SIZE;
	}
	memset(xid, 0, sizeof(*xid));
	CHECK(pull_fixed(pull, xid->namespace_guid, OXCDATA_GUID_SIZE));
	xid->local_id_size = (uint8_t)(xid_size - OXCDATA_GUID_SIZE);
	return pull_fixed(pull, xid->local_id, xid->local_id_size);
}

enum wire_error oxcdata_xid_push(struct oxcdata_push *push, const struct mapi_xid *xid)
{
	if (xid->local_id_size < 1 || xid->local_id_size > sizeof(xid->local_id)) {
		return WIRE_ERR_INVALID_ARG;
	}
	CHECK(oxcdata_push_bytes(push, xid->namespace_guid, OXCDATA_GUID_SIZE));
	return oxcdata_push_bytes(push, xid->local_id, xid->local_id_size);
}

/* --- Folder and Message EntryIDs (2.2.4.1, 2.2.4.2) ---------------------------- */

enum wire_error oxcdata_folder_entryid_pull(struct oxcdata_pull *pull,
					    struct mapi_folder_entryid *eid)
{
	CHECK(pull_zero_flags(pull));
	CHECK(pull_fixed(pull, eid->provider_uid, OXCDATA_GUID_SIZE));
	CHECK(oxcdata_pull_u16(pull, &eid->folder_type));
	if (!is_folder_type(eid->folder_type)) {
		return WIRE_ERR_BAD_VALUE;
	}
	return oxcdata_long_term_id_pull(pull, &eid->folder);
}

enum wire_error oxcdata_folder_entryid_push(struct oxcdata_push *push,
					    const struct mapi_folder_entryid *eid)
{
	if (!is_folder_type(eid->folder_type)) {
		return WIRE_ERR_INVALID_ARG;
	}
	CHECK(oxcdata_push_u32(push, 0));
	CHECK(oxcdata_push_bytes(push, eid->provider_uid, OXCDATA_GUID_SIZE));
	CHECK(oxcdata_push_u16(push, eid->folder_type));
	return oxcdata_long_term_id_push(push, &eid->folder);
}

enum wire_error oxcdata_message_entryid_pull(struct oxcdata_pull *pull,
					     struct mapi_message_entryid *eid)
{
	CHECK(pull_zero_flags(pull));
	CHECK(pull_fixed(pull, eid->provider_uid, OXCDATA_GUID_SIZE));
	CHECK(oxcdata_pull_u16(pull, &eid->message_type));
	if (!is_message_type(eid->message_type)) {
		return WIRE_ERR_BAD_VALUE;
	}
	CHECK(oxcdata_long_term_id_pull(pull, &eid->folder));
	return oxcdata_long_term_id_pull(pull, &eid->message);
}

enum wire_error oxcdata_message_entryid_push(struct oxcdata_push *push,
					     const struct mapi_message_entryid *eid)
{
	if (!is_message_type(eid->message_type)) {
		return WIRE_ERR_INVALID_ARG;
	}
	CHECK(oxcdata_push_u32(push, 0));
	CHECK(oxcdata_push_bytes(push, eid->provider_uid, OXCDATA_GUID_SIZE));
	CHECK(oxcdata_push_u16(push, eid->message_type));
	CHECK(oxcdata_long_term_id_push(push, &eid->folder));
	return oxcdata_long_term_id_push(push, &eid->message);
}

/* --- Store Object EntryID (2.2.4.3) -------------------------------------------- */

static enum wire_error store_pull_fixed(struct oxcdata_pull *pull, enum mapi_store_kind *kind)
{
	const uint8_t *uid;
	uint8_t version, flag;
	uint32_t wrapped_flags, wrapped_type, want_type;

	CHECK(pull_zero_flags(pull));
	CHECK(pull_expect(pull, oxcdata_store_provider_uid, OXCDATA_GUID_SIZE, WIRE_ERR_BAD_VALUE));
	CHECK(oxcdata_pull_u8(pull, &version));
	if (version != 0) {
		return WIRE_ERR_BAD_VERSION;
	}
	CHECK(oxcdata_pull_u8(pull, &flag));
	if (flag != 0) {
		return WIRE_ERR_BAD_FLAGS;
	}
	CHECK(pull_expect(pull, store_dll_name, sizeof(store_dll_name), WIRE_ERR_BAD_VALUE));
	CHECK(oxcdata_pull_u32(pull, &wrapped_flags));
	if (wrapped_flags != 0) {
		return WIRE_ERR_BAD_FLAGS;
	}
	CHECK(oxcdata_pull_bytes(pull, OXCDATA_GUID_SIZE, &uid));
	if (memcmp(uid, oxcdata_mailbox_store_wrapped_uid, OXCDATA_GUID_SIZE) == 0) {
		*kind = MAPI_STORE_MAILBOX;
		want_type = STORE_WRAPPED_TYPE_MAILBOX;
	} else if (memcmp(uid, oxcdata_public_store_wrapped_uid, OXCDATA_GUID_SIZE) == 0) {
		*kind = MAPI_STORE_PUBLIC;
		want_type = STORE_WRAPPED_TYPE_PUBLIC;
	} else {
		return WIRE_ERR_BAD_VALUE;
	}
	CHECK(oxcdata_pull_u32(pull, &wrapped_type));
	return wrapped_type == want_type ? WIRE_OK : WIRE_ERR_BAD_VALUE;
}

enum wire_error oxcdata_store_entryid_pull(struct oxcdata_pull *pull, TALLOC_CTX *mem_ctx,
					   struct mapi_store_entryid *eid)
{
	enum wire_error err;

	memset(eid, 0, sizeof(*eid));
	CHECK(store_pull_fixed(pull, &eid->kind));
	CHECK(oxcdata_pull_string8(pull, mem_ctx, &eid->server_shortname));
	if (eid->kind == MAPI_STORE_MAILBOX) {
		err = oxcdata_pull_string8(pull, mem_ctx, &eid->mailbox_dn);
		if (err != WIRE_OK) {
			TALLOC_FREE(eid->server_shortname);
			return err;
		}
	}
	return WIRE_OK;
}

enum wire_error oxcdata_store_entryid_push(struct oxcdata_push *push,
					   const struct mapi_store_entryid *eid)
{
	bool mailbox = eid->kind == MAPI_STORE_MAILBOX;

	if ((eid->kind != MAPI_STORE_MAILBOX && eid->kind != MAPI_STORE_PUBLIC) ||
	    eid->server_shortname == NULL || (mailbox && eid->mailbox_dn == NULL) ||
	    (!mailbox && eid->mailbox_dn != NULL)) {
		return WIRE_ERR_INVALID_ARG;
	}
	CHECK(oxcdata_push_u32(push, 0));
	CHECK(oxcdata_push_bytes(push, oxcdata_store_provider_uid, OXCDATA_GUID_SIZE));
	CHECK(oxcdata_push_u8(push, 0));	/* Version */
	CHECK(oxcdata_push_u8(push, 0));	/* Flag */
	CHECK(oxcdata_push_bytes(push, store_dll_name, sizeof(store_dll_name)));
	CHECK(oxcdata_push_u32(push, 0));	/* WrappedFlags */
	CHECK(oxcdata_push_bytes(push, mailbox ? oxcdata_mailbox_store_wrapped_uid
					       : oxcdata_public_store_wrapped_uid,
				 OXCDATA_GUID_SIZE));
	CHECK(oxcdata_push_u32(push, mailbox ? STORE_WRAPPED_TYPE_MAILBOX : STORE_WRAPPED_TYPE_PUBLIC));
	CHECK(oxcdata_push_string8(push, eid->server_shortname));
	if (mailbox) {
		CHECK(oxcdata_push_string8(push, eid->mailbox_dn));
	}
	return WIRE_OK;
}

/* --- Address Book EntryID (2.2.5.2) -------------------------------------------- */

enum wire_error oxcdata_ab_entryid_pull(struct oxcdata_pull *pull, TALLOC_CTX *mem_ctx,
					struct mapi_ab_entryid *eid)
{
	uint32_t version;

	memset(eid, 0, sizeof(*eid));
	CHECK(pull_zero_flags(pull));
	CHECK(pull_expect(pull, oxcdata_ab_provider_uid, OXCDATA_GUID_SIZE, WIRE_ERR_BAD_VALUE));
	CHECK(oxcdata_pull_u32(pull, &version));
	if (version != AB_VERSION) {
		return WIRE_ERR_BAD_VERSION;
	}
	CHECK(oxcdata_pull_u32(pull, &eid->type));
	if (!is_ab_type(eid->type)) {
		return WIRE_ERR_BAD_VALUE;
	}
	return oxcdata_pull_string8(pull, mem_ctx, &eid->x500_dn);
}

enum wire_error oxcdata_ab_entryid_push(struct oxcdata_push *push,
					const struct mapi_ab_entryid *eid)
{
	if (!is_ab_type(eid->type) || eid->x500_dn == NULL) {
		return WIRE_ERR_INVALID_ARG;
	}
	CHECK(oxcdata_push_u32(push, 0));
	CHECK(oxcdata_push_bytes(push, oxcdata_ab_provider_uid, OXCDATA_GUID_SIZE));
	CHECK(oxcdata_push_u32(push, AB_VERSION));
	CHECK(oxcdata_push_u32(push, eid->type));
	return oxcdata_push_string8(push, eid->x500_dn);
}
