/*
 * MS-OXCDATA identifiers: Folder ID and Message ID (2.2.1.1, 2.2.1.2), the
 * Global Identifier (GID, 2.2.1.3), LongTermID (2.2.1.3.1), the XID of
 * MS-OXCFXICS 2.2.2.2, and the entry IDs kept in property values: Folder
 * EntryID (2.2.4.1), Message EntryID (2.2.4.2), Store Object EntryID
 * (2.2.4.3) and the permanent Address Book EntryID (2.2.5.2).
 *
 * Representation choices:
 * - A Folder ID or Message ID is a uint64_t holding the 8 wire bytes read
 *   little-endian, as the ROP codecs read them (oxcdata_pull_u64): ReplicaId
 *   (2 bytes, little-endian) in the low 16 bits, then the 6 GlobalCounter
 *   bytes. The GlobalCounter is kept as the 6 wire bytes (GID, LongTermID,
 *   entry IDs) so every structure round-trips byte for byte; its numeric
 *   value is read with the first byte most significant (big-endian). MS-OXCDATA
 *   2.2.1.1 gives no byte order; MS-OXCFXICS 2.2.2.5/2.2.2.6 and the GLOBSET
 *   commands (3.1.5.4.3) build a GLOBCNT from "high-order bytes" pushed first,
 *   which only makes sense with the first byte most significant.
 * - Entry IDs are long-term: Flags MUST be zero (2.2.4.1 ff.), anything else
 *   is WIRE_ERR_BAD_FLAGS. Constants the spec fixes with MUST (provider UIDs,
 *   Version, DLL name, WrappedType, Pad) are checked on pull and push.
 * - Strings of the store and address-book entry IDs are NUL-terminated 8-bit
 *   strings kept as received (no code-page conversion); a missing terminator
 *   is WIRE_ERR_TRUNCATED.
 *
 * Copyright (C) OpenChange developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef LIBMAPI_OXCDATA_IDS_H
#define LIBMAPI_OXCDATA_IDS_H

#include <stdbool.h>
#include <stdint.h>
#include <talloc.h>
#include "libmapi/oxcdata_buf.h"

#define OXCDATA_GUID_SIZE 16
#define OXCDATA_GLOBCNT_SIZE 6
#define OXCDATA_GLOBCNT_MAX 0xFFFFFFFFFFFFULL
#define OXCDATA_LONG_TERM_ID_SIZE 24	/* 2.2.1.3.1 */
#define OXCDATA_XID_MIN_SIZE 17		/* NamespaceGuid + 1..8 bytes of LocalId */
#define OXCDATA_XID_MAX_SIZE 24
#define OXCDATA_FOLDER_ENTRYID_SIZE 46	/* 4 + 16 + 2 + 16 + 6 + 2 */
#define OXCDATA_MESSAGE_ENTRYID_SIZE 70	/* 4 + 16 + 2 + 2 * (16 + 6 + 2) */

/* Store object types of the entry IDs' ObjectType field (2.2.4). */
enum mapi_eid_object_type {
	MAPI_EIT_PRIVATE_FOLDER = 0x0001,
	MAPI_EIT_PUBLIC_FOLDER = 0x0003,
	MAPI_EIT_MAPPED_PUBLIC_FOLDER = 0x0005,
	MAPI_EIT_PRIVATE_MESSAGE = 0x0007,
	MAPI_EIT_PUBLIC_MESSAGE = 0x0009,
	MAPI_EIT_MAPPED_PUBLIC_MESSAGE = 0x000B,
	MAPI_EIT_PUBLIC_NEWSGROUP_FOLDER = 0x000C,	/* other layout (MS-OXCDATA 2.2.2), not here */
};

/* Address Book EntryID Type values (2.2.5.2). */
enum mapi_ab_type {
	MAPI_AB_LOCAL_MAIL_USER = 0x00000000,
	MAPI_AB_DISTRIBUTION_LIST = 0x00000001,
	MAPI_AB_BULLETIN_BOARD = 0x00000002,	/* or public folder */
	MAPI_AB_AUTOMATED_MAILBOX = 0x00000003,
	MAPI_AB_ORGANIZATIONAL_MAILBOX = 0x00000004,
	MAPI_AB_PRIVATE_DISTRIBUTION_LIST = 0x00000005,
	MAPI_AB_REMOTE_MAIL_USER = 0x00000006,
	MAPI_AB_CONTAINER = 0x00000100,
	MAPI_AB_TEMPLATE = 0x00000101,
	MAPI_AB_ONE_OFF_USER = 0x00000102,
	MAPI_AB_SEARCH = 0x00000200,
};

/* The provider UIDs the spec fixes, in wire order. */
extern const uint8_t oxcdata_public_folder_provider_uid[OXCDATA_GUID_SIZE];	/* 2.2.4.1 */
extern const uint8_t oxcdata_store_provider_uid[OXCDATA_GUID_SIZE];		/* 2.2.4.3 */
extern const uint8_t oxcdata_mailbox_store_wrapped_uid[OXCDATA_GUID_SIZE];	/* 2.2.4.3 */
extern const uint8_t oxcdata_public_store_wrapped_uid[OXCDATA_GUID_SIZE];	/* 2.2.4.3 */
extern const uint8_t oxcdata_ab_provider_uid[OXCDATA_GUID_SIZE];		/* 2.2.5.2 */

/* Global Identifier (2.2.1.3); also the body of a LongTermID (2.2.1.3.1). */
struct mapi_gid {
	uint8_t database_guid[OXCDATA_GUID_SIZE];
	uint8_t global_counter[OXCDATA_GLOBCNT_SIZE];
};

/* XID (MS-OXCFXICS 2.2.2.2): a LocalId of 1 to 8 bytes, size from context. */
struct mapi_xid {
	uint8_t namespace_guid[OXCDATA_GUID_SIZE];
	uint8_t local_id_size;
	uint8_t local_id[8];
};

/* Folder EntryID (2.2.4.1); Flags and Pad are zero and not kept. */
struct mapi_folder_entryid {
	uint8_t provider_uid[OXCDATA_GUID_SIZE];
	uint16_t folder_type;	/* PRIVATE_FOLDER, PUBLIC_FOLDER or MAPPED_PUBLIC_FOLDER */
	struct mapi_gid folder;
};

/* Message EntryID (2.2.4.2). */
struct mapi_message_entryid {
	uint8_t provider_uid[OXCDATA_GUID_SIZE];
	uint16_t message_type;	/* PRIVATE_MESSAGE, PUBLIC_MESSAGE or MAPPED_PUBLIC_MESSAGE */
	struct mapi_gid folder;
	struct mapi_gid message;
};

/*
 * Store Object EntryID (2.2.4.3); every constant field is implied by kind.
 * ServerShortname and MailboxDN are single-byte strings ended by one zero
 * byte; MailboxDN "is present only for mailbox databases" (2.2.4.3).
 */
enum mapi_store_kind {
	MAPI_STORE_MAILBOX,	/* WrappedType 0x0000000C, MailboxDN present */
	MAPI_STORE_PUBLIC,	/* WrappedType 0x00000006, no MailboxDN */
};

struct mapi_store_entryid {
	enum mapi_store_kind kind;
	char *server_shortname;
	char *mailbox_dn;	/* NULL for MAPI_STORE_PUBLIC */
};

/* Permanent Address Book EntryID (2.2.5.2): X500DN is a NUL-terminated 8-bit string. */
struct mapi_ab_entryid {
	uint32_t type;		/* enum mapi_ab_type */
	char *x500_dn;
};

/* --- Folder ID / Message ID (2.2.1.1, 2.2.1.2) ------------------------------ */

/* The numeric value of 6 GlobalCounter bytes, first byte most significant. */
uint64_t oxcdata_globcnt_value(const uint8_t globcnt[OXCDATA_GLOBCNT_SIZE]);
/* The 6 bytes of a counter value; WIRE_ERR_INVALID_ARG above 2^48 - 1. */
enum wire_error oxcdata_globcnt_bytes(uint64_t value, uint8_t globcnt[OXCDATA_GLOBCNT_SIZE]);

/* A Folder ID or Message ID from its parts; WIRE_ERR_INVALID_ARG above 2^48 - 1. */
enum wire_error oxcdata_id_make(uint16_t replica_id, uint64_t global_counter, uint64_t *id);
uint16_t oxcdata_id_replica(uint64_t id);
uint64_t oxcdata_id_counter(uint64_t id);
/* The GlobalCounter bytes of an ID, and an ID from them. */
void oxcdata_id_globcnt(uint64_t id, uint8_t globcnt[OXCDATA_GLOBCNT_SIZE]);
uint64_t oxcdata_id_from_globcnt(uint16_t replica_id, const uint8_t globcnt[OXCDATA_GLOBCNT_SIZE]);

/* --- codecs ------------------------------------------------------------------- */

enum wire_error oxcdata_gid_pull(struct oxcdata_pull *pull, struct mapi_gid *gid);
enum wire_error oxcdata_gid_push(struct oxcdata_push *push, const struct mapi_gid *gid);

/* LongTermID: a GID and a Pad that must be 0x0000 (WIRE_ERR_BAD_VALUE). */
enum wire_error oxcdata_long_term_id_pull(struct oxcdata_pull *pull, struct mapi_gid *ltid);
enum wire_error oxcdata_long_term_id_push(struct oxcdata_push *push, const struct mapi_gid *ltid);

/*
 * An XID of xid_size bytes in all (17 to 24, else WIRE_ERR_BAD_SIZE): the
 * size is not in the XID itself (MS-OXCFXICS 2.2.2.2), e.g. SizedXid's XidSize.
 */
enum wire_error oxcdata_xid_pull(struct oxcdata_pull *pull, size_t xid_size, struct mapi_xid *xid);
enum wire_error oxcdata_xid_push(struct oxcdata_push *push, const struct mapi_xid *xid);

enum wire_error oxcdata_folder_entryid_pull(struct oxcdata_pull *pull,
					    struct mapi_folder_entryid *eid);
enum wire_error oxcdata_folder_entryid_push(struct oxcdata_push *push,
					    const struct mapi_folder_entryid *eid);

enum wire_error oxcdata_message_entryid_pull(struct oxcdata_pull *pull,
					     struct mapi_message_entryid *eid);
enum wire_error oxcdata_message_entryid_push(struct oxcdata_push *push,
					     const struct mapi_message_entryid *eid);

/* Strings are allocated under mem_ctx; on failure nothing is left there. */
enum wire_error oxcdata_store_entryid_pull(struct oxcdata_pull *pull, TALLOC_CTX *mem_ctx,
					   struct mapi_store_entryid *eid);
enum wire_error oxcdata_store_entryid_push(struct oxcdata_push *push,
					   const struct mapi_store_entryid *eid);

enum wire_error oxcdata_ab_entryid_pull(struct oxcdata_pull *pull, TALLOC_CTX *mem_ctx,
					struct mapi_ab_entryid *eid);
enum wire_error oxcdata_ab_entryid_push(struct oxcdata_push *push,
					const struct mapi_ab_entryid *eid);

#endif
