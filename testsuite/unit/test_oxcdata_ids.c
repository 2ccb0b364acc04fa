/*
 * Unit tests of libmapi/oxcdata_ids.c: Folder/Message ID conversions, GID,
 * LongTermID, XID, and the Folder, Message, Store Object and Address Book
 * entry IDs (MS-OXCDATA 2.2.1, 2.2.4, 2.2.5.2; MS-OXCFXICS 2.2.2.2), built
 * byte by byte from the spec's field tables, round-tripped, truncated at
 * every offset and with every MUST constant broken in turn.
 *
 * Copyright (C) OpenChange developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "testsuite/unit/byte_builder.h"

#include "libmapi/oxcdata_ids.h"

/* Constants typed in from the spec text, independently of the library's copies. */
static const uint8_t PUBLIC_FOLDER_UID[16] = {	/* 2.2.4.1 */
	0x1A, 0x44, 0x73, 0x90, 0xAA, 0x66, 0x11, 0xCD, 0x9B, 0xC8, 0x00, 0xAA, 0x00, 0x2F, 0xC4, 0x5A,
};
static const uint8_t STORE_UID[16] = {		/* 2.2.4.3 ProviderUID */
	0x38, 0xA1, 0xBB, 0x10, 0x05, 0xE5, 0x10, 0x1A, 0xA1, 0xBB, 0x08, 0x00, 0x2B, 0x2A, 0x56, 0xC2,
};
static const uint8_t MAILBOX_WRAPPED_UID[16] = {	/* 2.2.4.3 */
	0x1B, 0x55, 0xFA, 0x20, 0xAA, 0x66, 0x11, 0xCD, 0x9B, 0xC8, 0x00, 0xAA, 0x00, 0x2F, 0xC4, 0x5A,
};
static const uint8_t PUBLIC_WRAPPED_UID[16] = {	/* 2.2.4.3 */
	0x1C, 0x83, 0x02, 0x10, 0xAA, 0x66, 0x11, 0xCD, 0x9B, 0xC8, 0x00, 0xAA, 0x00, 0x2F, 0xC4, 0x5A,
};
static const uint8_t AB_UID[16] = {		/* 2.2.5.2 */
	0xDC, 0xA7, 0x40, 0xC8, 0xC0, 0x42, 0x10, 0x1A, 0xB4, 0xB9, 0x08, 0x00, 0x2B, 0x2F, 0xE1, 0x82,
};
/* "EMSMDB.DLL" and four NULs (2.2.4.3 DLLFileName). */
static const uint8_t DLL_NAME[14] = {
	0x45, 0x4D, 0x53, 0x4D, 0x44, 0x42, 0x2E, 0x44, 0x4C, 0x4C, 0x00, 0x00, 0x00, 0x00,
};

/* A made-up mailbox GUID and database GUIDs. */
static const uint8_t MAILBOX_GUID[16] = {
	0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18, 0x19, 0x1A, 0x1B, 0x1C, 0x1D, 0x1E, 0x1F,
};
static const uint8_t DB_GUID_A[16] = {
	0xA0, 0xA1, 0xA2, 0xA3, 0xA4, 0xA5, 0xA6, 0xA7, 0xA8, 0xA9, 0xAA, 0xAB, 0xAC, 0xAD, 0xAE, 0xAF,
};
static const uint8_t DB_GUID_B[16] = {
	0xB0, 0xB1, 0xB2, 0xB3, 0xB4, 0xB5, 0xB6, 0xB7, 0xB8, 0xB9, 0xBA, 0xBB, 0xBC, 0xBD, 0xBE, 0xBF,
};
static const uint8_t COUNTER_1[6] = { 0x00, 0x00, 0x00, 0x00, 0x00, 0x01 };
static const uint8_t COUNTER_2[6] = { 0x01, 0x02, 0x03, 0x04, 0x05, 0x06 };

/*
 * A codec under test seen through one signature: pull into a fresh object,
 * push it back. ctx owns what pull allocates.
 */
struct codec {
	enum wire_error (*pull)(struct oxcdata_pull *pull, TALLOC_CTX *ctx, void *obj);
	enum wire_error (*push)(struct oxcdata_push *push, const void *obj);
	size_t size;
};

/* Decode all of b, re-encode to the same bytes, and truncate at every offset. */
static void check_roundtrip(TALLOC_CTX *ctx, const struct codec *c, const struct bytes *b, void *obj)
{
	struct oxcdata_pull pull;
	struct oxcdata_push push;
	size_t cut;

	oxcdata_pull_init(&pull, b->buf, b->len);
	assert_int_equal(c->pull(&pull, ctx, obj), WIRE_OK);
	assert_int_equal(oxcdata_pull_left(&pull), 0);
	oxcdata_push_init(&push, ctx);
	assert_int_equal(c->push(&push, obj), WIRE_OK);
	assert_int_equal(push.len, b->len);
	assert_memory_equal(push.data, b->buf, b->len);
	for (cut = 0; cut < b->len; cut++) {
		TALLOC_CTX *tmp = talloc_new(ctx);
		void *other = talloc_zero_size(ctx, c->size);

		oxcdata_pull_init(&pull, b->buf, cut);
		assert_int_equal(c->pull(&pull, tmp, other), WIRE_ERR_TRUNCATED);
		assert_true(pull.offset <= cut);
		assert_int_equal(talloc_total_blocks(tmp), 1);
		talloc_free(tmp);
	}
}

/* Flip one byte at offset and expect err. */
static void check_bad_byte(const struct codec *c, const struct bytes *b, size_t offset,
			   uint8_t value, enum wire_error err)
{
	TALLOC_CTX *ctx = talloc_new(NULL);
	struct bytes bad = *b;
	struct oxcdata_pull pull;
	void *obj = talloc_zero_size(ctx, c->size);
	TALLOC_CTX *tmp = talloc_new(ctx);

	assert_true(offset < bad.len);
	bad.buf[offset] = value;
	oxcdata_pull_init(&pull, bad.buf, bad.len);
	assert_int_equal(c->pull(&pull, tmp, obj), err);
	assert_int_equal(talloc_total_blocks(tmp), 1);
	talloc_free(ctx);
}

/* --- wrappers ------------------------------------------------------------------- */

static enum wire_error ltid_pull(struct oxcdata_pull *p, TALLOC_CTX *ctx, void *o)
{
	(void)ctx;
	return oxcdata_long_term_id_pull(p, o);
}
static enum wire_error ltid_push(struct oxcdata_push *p, const void *o)
{
	return oxcdata_long_term_id_push(p, o);
}
static enum wire_error gid_pull(struct oxcdata_pull *p, TALLOC_CTX *ctx, void *o)
{
	(void)ctx;
	return oxcdata_gid_pull(p, o);
}
static enum wire_error gid_push(struct oxcdata_push *p, const void *o)
{
	return oxcdata_gid_push(p, o);
}
static enum wire_error feid_pull(struct oxcdata_pull *p, TALLOC_CTX *ctx, void *o)
{
	(void)ctx;
	return oxcdata_folder_entryid_pull(p, o);
}
static enum wire_error feid_push(struct oxcdata_push *p, const void *o)
{
	return oxcdata_folder_entryid_push(p, o);
}
static enum wire_error meid_pull(struct oxcdata_pull *p, TALLOC_CTX *ctx, void *o)
{
	(void)ctx;
	return oxcdata_message_entryid_pull(p, o);
}
static enum wire_error meid_push(struct oxcdata_push *p, const void *o)
{
	return oxcdata_message_entryid_push(p, o);
}
static enum wire_error seid_pull(struct oxcdata_pull *p, TALLOC_CTX *ctx, void *o)
{
	return oxcdata_store_entryid_pull(p, ctx, o);
}
static enum wire_error seid_push(struct oxcdata_push *p, const void *o)
{
	return oxcdata_store_entryid_push(p, o);
}
static enum wire_error abeid_pull(struct oxcdata_pull *p, TALLOC_CTX *ctx, void *o)
{
	return oxcdata_ab_entryid_pull(p, ctx, o);
}
static enum wire_error abeid_push(struct oxcdata_push *p, const void *o)
{
	return oxcdata_ab_entryid_push(p, o);
}

static const struct codec gid_codec = { gid_pull, gid_push, sizeof(struct mapi_gid) };
static const struct codec ltid_codec = { ltid_pull, ltid_push, sizeof(struct mapi_gid) };
static const struct codec feid_codec = { feid_pull, feid_push, sizeof(struct mapi_folder_entryid) };
static const struct codec meid_codec = { meid_pull, meid_push, sizeof(struct mapi_message_entryid) };
static const struct codec seid_codec = { seid_pull, seid_push, sizeof(struct mapi_store_entryid) };
static const struct codec abeid_codec = { abeid_pull, abeid_push, sizeof(struct mapi_ab_entryid) };

/* --- Folder ID / Message ID (2.2.1.1, 2.2.1.2) ---------------------------------- */

static void test_id_conversions(void **state)
{
	uint8_t gc[6];
	uint64_t id;
	struct bytes b;

	/* Replica 1, counter 1: wire 01 00 | 00 00 00 00 00 01. */
	assert_int_equal(oxcdata_id_make(0x0001, 1, &id), WIRE_OK);
	assert_true(id == 0x0100000000000001ULL);
	memset(&b, 0, sizeof(b));
	put64(&b, id);
	{
		static const uint8_t want[8] = { 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01 };

		assert_memory_equal(b.buf, want, 8);
	}
	assert_int_equal(oxcdata_id_replica(id), 1);
	assert_true(oxcdata_id_counter(id) == 1);

	/* Replica 0x1234, counter 0x010203040506: wire 34 12 01 02 03 04 05 06. */
	assert_int_equal(oxcdata_id_make(0x1234, 0x010203040506ULL, &id), WIRE_OK);
	assert_true(id == 0x0605040302011234ULL);
	assert_int_equal(oxcdata_id_replica(id), 0x1234);
	assert_true(oxcdata_id_counter(id) == 0x010203040506ULL);
	oxcdata_id_globcnt(id, gc);
	assert_memory_equal(gc, COUNTER_2, 6);
	assert_true(oxcdata_id_from_globcnt(0x1234, COUNTER_2) == id);
	assert_true(oxcdata_globcnt_value(COUNTER_2) == 0x010203040506ULL);

	/* The largest counter, and one beyond. */
	assert_int_equal(oxcdata_id_make(0xFFFF, OXCDATA_GLOBCNT_MAX, &id), WIRE_OK);
	assert_true(id == UINT64_MAX);
	assert_true(oxcdata_id_counter(id) == OXCDATA_GLOBCNT_MAX);
	assert_int_equal(oxcdata_id_make(1, OXCDATA_GLOBCNT_MAX + 1, &id), WIRE_ERR_INVALID_ARG);
	assert_int_equal(oxcdata_globcnt_bytes(OXCDATA_GLOBCNT_MAX + 1, gc), WIRE_ERR_INVALID_ARG);
	assert_int_equal(oxcdata_globcnt_bytes(0x0A0B0C, gc), WIRE_OK);
	{
		static const uint8_t want[6] = { 0, 0, 0, 0x0A, 0x0B, 0x0C };

		assert_memory_equal(gc, want, 6);
	}
}

/* --- GID, LongTermID (2.2.1.3, 2.2.1.3.1) ---------------------------------------- */

static void test_gid_long_term_id(void **state)
{
	struct mapi_gid gid, ltid;
	struct bytes b;
	TALLOC_CTX *ctx = talloc_new(NULL);

	memset(&b, 0, sizeof(b));
	put_raw(&b, DB_GUID_A, 16);
	put_raw(&b, COUNTER_2, 6);
	check_roundtrip(ctx, &gid_codec, &b, &gid);
	assert_memory_equal(gid.database_guid, DB_GUID_A, 16);
	assert_memory_equal(gid.global_counter, COUNTER_2, 6);

	put16(&b, 0x0000);	/* Pad */
	assert_int_equal(b.len, OXCDATA_LONG_TERM_ID_SIZE);
	check_roundtrip(ctx, &ltid_codec, &b, &ltid);
	assert_memory_equal(&ltid, &gid, sizeof(gid));
	check_bad_byte(&ltid_codec, &b, 22, 0x01, WIRE_ERR_BAD_VALUE);
	check_bad_byte(&ltid_codec, &b, 23, 0x80, WIRE_ERR_BAD_VALUE);
	talloc_free(ctx);
}

/* --- XID (MS-OXCFXICS 2.2.2.2) ------------------------------------------------------ */

static void test_xid(void **state)
{
	struct oxcdata_pull pull;
	struct oxcdata_push push;
	struct mapi_xid xid;
	struct bytes b;
	size_t size, cut;
	TALLOC_CTX *ctx = talloc_new(NULL);

	for (size = OXCDATA_XID_MIN_SIZE; size <= OXCDATA_XID_MAX_SIZE; size++) {
		memset(&b, 0, sizeof(b));
		put_raw(&b, DB_GUID_B, 16);
		for (cut = 16; cut < size; cut++) {
			put8(&b, (uint8_t)(0x40 + cut));
		}
		put8(&b, 0xEE);	/* a following byte the XID must not take */
		oxcdata_pull_init(&pull, b.buf, b.len);
		assert_int_equal(oxcdata_xid_pull(&pull, size, &xid), WIRE_OK);
		assert_int_equal(pull.offset, size);
		assert_int_equal(xid.local_id_size, size - 16);
		assert_memory_equal(xid.namespace_guid, DB_GUID_B, 16);
		assert_memory_equal(xid.local_id, b.buf + 16, size - 16);
		oxcdata_push_init(&push, ctx);
		assert_int_equal(oxcdata_xid_push(&push, &xid), WIRE_OK);
		assert_int_equal(push.len, size);
		assert_memory_equal(push.data, b.buf, size);
		for (cut = 0; cut < size; cut++) {
			oxcdata_pull_init(&pull, b.buf, cut);
			assert_int_equal(oxcdata_xid_pull(&pull, size, &xid), WIRE_ERR_TRUNCATED);
		}
	}
	/* A GID is the 22-byte XID (MS-OXCFXICS 2.2.2.2). */
	memset(&b, 0, sizeof(b));
	put_raw(&b, DB_GUID_A, 16);
	put_raw(&b, COUNTER_2, 6);
	oxcdata_pull_init(&pull, b.buf, b.len);
	assert_int_equal(oxcdata_xid_pull(&pull, 22, &xid), WIRE_OK);
	assert_memory_equal(xid.local_id, COUNTER_2, 6);

	oxcdata_pull_init(&pull, b.buf, b.len);
	assert_int_equal(oxcdata_xid_pull(&pull, 16, &xid), WIRE_ERR_BAD_SIZE);
	assert_int_equal(oxcdata_xid_pull(&pull, 25, &xid), WIRE_ERR_BAD_SIZE);
	assert_int_equal(oxcdata_xid_pull(&pull, 0, &xid), WIRE_ERR_BAD_SIZE);
	xid.local_id_size = 0;
	oxcdata_push_init(&push, ctx);
	assert_int_equal(oxcdata_xid_push(&push, &xid), WIRE_ERR_INVALID_ARG);
	xid.local_id_size = 9;
	assert_int_equal(oxcdata_xid_push(&push, &xid), WIRE_ERR_INVALID_ARG);
	assert_int_equal(push.len, 0);
	talloc_free(ctx);
}

/* --- Folder EntryID (2.2.4.1) -------------------------------------------------------- */

static void build_folder_entryid(struct bytes *b, const uint8_t *provider, uint16_t type)
{
	memset(b, 0, sizeof(*b));
	put32(b, 0x00000000);		/* Flags */
	put_raw(b, provider, 16);	/* ProviderUID */
	put16(b, type);			/* FolderType */
	put_raw(b, DB_GUID_A, 16);	/* DatabaseGuid */
	put_raw(b, COUNTER_1, 6);	/* GlobalCounter */
	put16(b, 0x0000);		/* Pad */
}

static void test_folder_entryid(void **state)
{
	struct mapi_folder_entryid eid;
	struct oxcdata_push push;
	struct bytes b;
	TALLOC_CTX *ctx = talloc_new(NULL);
	size_t i;

	build_folder_entryid(&b, MAILBOX_GUID, 0x0001);
	assert_int_equal(b.len, OXCDATA_FOLDER_ENTRYID_SIZE);
	check_roundtrip(ctx, &feid_codec, &b, &eid);
	assert_int_equal(eid.folder_type, MAPI_EIT_PRIVATE_FOLDER);
	assert_memory_equal(eid.provider_uid, MAILBOX_GUID, 16);
	assert_memory_equal(eid.folder.database_guid, DB_GUID_A, 16);
	assert_memory_equal(eid.folder.global_counter, COUNTER_1, 6);

	build_folder_entryid(&b, PUBLIC_FOLDER_UID, 0x0003);
	check_roundtrip(ctx, &feid_codec, &b, &eid);
	assert_int_equal(eid.folder_type, MAPI_EIT_PUBLIC_FOLDER);
	assert_memory_equal(eid.provider_uid, oxcdata_public_folder_provider_uid, 16);
	build_folder_entryid(&b, PUBLIC_FOLDER_UID, 0x0005);
	check_roundtrip(ctx, &feid_codec, &b, &eid);

	/* Flags non-zero (any of the 4 bytes), message or newsgroup types, Pad. */
	for (i = 0; i < 4; i++) {
		check_bad_byte(&feid_codec, &b, i, 0x01, WIRE_ERR_BAD_FLAGS);
	}
	check_bad_byte(&feid_codec, &b, 20, 0x07, WIRE_ERR_BAD_VALUE);
	check_bad_byte(&feid_codec, &b, 20, 0x0C, WIRE_ERR_BAD_VALUE);
	check_bad_byte(&feid_codec, &b, 20, 0x00, WIRE_ERR_BAD_VALUE);
	check_bad_byte(&feid_codec, &b, 21, 0x01, WIRE_ERR_BAD_VALUE);
	check_bad_byte(&feid_codec, &b, 44, 0x01, WIRE_ERR_BAD_VALUE);
	check_bad_byte(&feid_codec, &b, 45, 0x01, WIRE_ERR_BAD_VALUE);

	eid.folder_type = MAPI_EIT_PRIVATE_MESSAGE;
	oxcdata_push_init(&push, ctx);
	assert_int_equal(oxcdata_folder_entryid_push(&push, &eid), WIRE_ERR_INVALID_ARG);
	talloc_free(ctx);
}

/* --- Message EntryID (2.2.4.2) ------------------------------------------------------- */

static void build_message_entryid(struct bytes *b, const uint8_t *provider, uint16_t type)
{
	memset(b, 0, sizeof(*b));
	put32(b, 0x00000000);		/* Flags */
	put_raw(b, provider, 16);	/* ProviderUID */
	put16(b, type);			/* MessageType */
	put_raw(b, DB_GUID_A, 16);	/* FolderDatabaseGuid */
	put_raw(b, COUNTER_1, 6);	/* FolderGlobalCounter */
	put16(b, 0x0000);		/* Pad */
	put_raw(b, DB_GUID_B, 16);	/* MessageDatabaseGuid */
	put_raw(b, COUNTER_2, 6);	/* MessageGlobalCounter */
	put16(b, 0x0000);		/* Pad */
}

static void test_message_entryid(void **state)
{
	struct mapi_message_entryid eid;
	struct oxcdata_push push;
	struct bytes b;
	TALLOC_CTX *ctx = talloc_new(NULL);
	size_t i;

	build_message_entryid(&b, MAILBOX_GUID, 0x0007);
	assert_int_equal(b.len, OXCDATA_MESSAGE_ENTRYID_SIZE);
	check_roundtrip(ctx, &meid_codec, &b, &eid);
	assert_int_equal(eid.message_type, MAPI_EIT_PRIVATE_MESSAGE);
	assert_memory_equal(eid.folder.database_guid, DB_GUID_A, 16);
	assert_memory_equal(eid.folder.global_counter, COUNTER_1, 6);
	assert_memory_equal(eid.message.database_guid, DB_GUID_B, 16);
	assert_memory_equal(eid.message.global_counter, COUNTER_2, 6);
	assert_true(oxcdata_globcnt_value(eid.message.global_counter) == 0x010203040506ULL);

	build_message_entryid(&b, PUBLIC_FOLDER_UID, 0x0009);
	check_roundtrip(ctx, &meid_codec, &b, &eid);
	build_message_entryid(&b, PUBLIC_FOLDER_UID, 0x000B);
	check_roundtrip(ctx, &meid_codec, &b, &eid);
	assert_int_equal(eid.message_type, MAPI_EIT_MAPPED_PUBLIC_MESSAGE);

	for (i = 0; i < 4; i++) {
		check_bad_byte(&meid_codec, &b, i, 0x80, WIRE_ERR_BAD_FLAGS);
	}
	check_bad_byte(&meid_codec, &b, 20, 0x01, WIRE_ERR_BAD_VALUE);	/* a folder type */
	check_bad_byte(&meid_codec, &b, 20, 0x0C, WIRE_ERR_BAD_VALUE);
	check_bad_byte(&meid_codec, &b, 44, 0x01, WIRE_ERR_BAD_VALUE);	/* folder Pad */
	check_bad_byte(&meid_codec, &b, 69, 0x01, WIRE_ERR_BAD_VALUE);	/* message Pad */

	eid.message_type = MAPI_EIT_PUBLIC_FOLDER;
	oxcdata_push_init(&push, ctx);
	assert_int_equal(oxcdata_message_entryid_push(&push, &eid), WIRE_ERR_INVALID_ARG);
	talloc_free(ctx);
}

/* --- Store Object EntryID (2.2.4.3) --------------------------------------------------- */

#define SERVER "EXCH01"
#define MAILBOX_DN "/o=Example/ou=Exchange Administrative Group/cn=Recipients/cn=alice"

static void build_store_entryid(struct bytes *b, bool mailbox)
{
	memset(b, 0, sizeof(*b));
	put32(b, 0x00000000);		/* Flags */
	put_raw(b, STORE_UID, 16);	/* ProviderUID */
	put8(b, 0x00);			/* Version */
	put8(b, 0x00);			/* Flag */
	put_raw(b, DLL_NAME, 14);	/* DLLFileName */
	put32(b, 0x00000000);		/* WrappedFlags */
	put_raw(b, mailbox ? MAILBOX_WRAPPED_UID : PUBLIC_WRAPPED_UID, 16);
	put32(b, mailbox ? 0x0000000C : 0x00000006);	/* WrappedType */
	put_raw(b, SERVER, sizeof(SERVER));		/* ServerShortname and NUL */
	if (mailbox) {
		put_raw(b, MAILBOX_DN, sizeof(MAILBOX_DN));	/* MailboxDN and NUL */
	}
}

static void test_store_entryid(void **state)
{
	struct mapi_store_entryid eid;
	struct oxcdata_push push;
	struct bytes b;
	TALLOC_CTX *ctx = talloc_new(NULL);
	size_t i;

	build_store_entryid(&b, true);
	check_roundtrip(ctx, &seid_codec, &b, &eid);
	assert_int_equal(eid.kind, MAPI_STORE_MAILBOX);
	assert_string_equal(eid.server_shortname, SERVER);
	assert_string_equal(eid.mailbox_dn, MAILBOX_DN);

	/* Every MUST constant, one byte at a time (offsets from the table). */
	for (i = 0; i < 4; i++) {
		check_bad_byte(&seid_codec, &b, i, 0x01, WIRE_ERR_BAD_FLAGS);	/* Flags */
	}
	for (i = 4; i < 20; i++) {
		check_bad_byte(&seid_codec, &b, i, (uint8_t)(b.buf[i] ^ 0x01), WIRE_ERR_BAD_VALUE);
	}
	check_bad_byte(&seid_codec, &b, 20, 0x01, WIRE_ERR_BAD_VERSION);	/* Version */
	check_bad_byte(&seid_codec, &b, 21, 0x01, WIRE_ERR_BAD_FLAGS);	/* Flag */
	for (i = 22; i < 36; i++) {					/* DLLFileName */
		check_bad_byte(&seid_codec, &b, i, (uint8_t)(b.buf[i] ^ 0x20), WIRE_ERR_BAD_VALUE);
	}
	for (i = 36; i < 40; i++) {
		check_bad_byte(&seid_codec, &b, i, 0x02, WIRE_ERR_BAD_FLAGS);	/* WrappedFlags */
	}
	for (i = 40; i < 56; i++) {					/* WrappedProvider UID */
		check_bad_byte(&seid_codec, &b, i, (uint8_t)(b.buf[i] ^ 0x04), WIRE_ERR_BAD_VALUE);
	}
	check_bad_byte(&seid_codec, &b, 56, 0x06, WIRE_ERR_BAD_VALUE);	/* public's WrappedType */
	check_bad_byte(&seid_codec, &b, 59, 0x01, WIRE_ERR_BAD_VALUE);
	/* MailboxDN without its terminator: the string runs off the end. */
	check_bad_byte(&seid_codec, &b, b.len - 1, 'x', WIRE_ERR_TRUNCATED);

	build_store_entryid(&b, false);
	check_roundtrip(ctx, &seid_codec, &b, &eid);
	assert_int_equal(eid.kind, MAPI_STORE_PUBLIC);
	assert_string_equal(eid.server_shortname, SERVER);
	assert_null(eid.mailbox_dn);
	check_bad_byte(&seid_codec, &b, 56, 0x0C, WIRE_ERR_BAD_VALUE);	/* mailbox's WrappedType */

	/* push refuses what it could not encode faithfully. */
	oxcdata_push_init(&push, ctx);
	eid.mailbox_dn = "x";
	assert_int_equal(oxcdata_store_entryid_push(&push, &eid), WIRE_ERR_INVALID_ARG);
	eid.kind = MAPI_STORE_MAILBOX;
	eid.mailbox_dn = NULL;
	assert_int_equal(oxcdata_store_entryid_push(&push, &eid), WIRE_ERR_INVALID_ARG);
	eid.mailbox_dn = "x";
	eid.server_shortname = NULL;
	assert_int_equal(oxcdata_store_entryid_push(&push, &eid), WIRE_ERR_INVALID_ARG);
	eid.server_shortname = "s";
	eid.kind = (enum mapi_store_kind)7;
	assert_int_equal(oxcdata_store_entryid_push(&push, &eid), WIRE_ERR_INVALID_ARG);
	assert_int_equal(push.len, 0);
	talloc_free(ctx);
}

/* --- Address Book EntryID (2.2.5.2) ---------------------------------------------------- */

#define AB_DN "/o=Example/ou=Exchange Administrative Group/cn=Recipients/cn=bob"

static void build_ab_entryid(struct bytes *b, uint32_t type)
{
	memset(b, 0, sizeof(*b));
	put32(b, 0x00000000);		/* Flags */
	put_raw(b, AB_UID, 16);		/* ProviderUID */
	put32(b, 0x00000001);		/* Version */
	put32(b, type);			/* Type */
	put_raw(b, AB_DN, sizeof(AB_DN));	/* X500DN and NUL */
}

static void test_ab_entryid(void **state)
{
	static const uint32_t types[] = {
		0x000, 0x001, 0x002, 0x003, 0x004, 0x005, 0x006, 0x100, 0x101, 0x102, 0x200,
	};
	static const uint32_t bad_types[] = { 0x007, 0x0FF, 0x103, 0x201, 0x80000000 };
	struct mapi_ab_entryid eid;
	struct oxcdata_push push;
	struct bytes b;
	TALLOC_CTX *ctx = talloc_new(NULL);
	size_t i;

	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		build_ab_entryid(&b, types[i]);
		check_roundtrip(ctx, &abeid_codec, &b, &eid);
		assert_int_equal(eid.type, types[i]);
		assert_string_equal(eid.x500_dn, AB_DN);
	}
	build_ab_entryid(&b, MAPI_AB_LOCAL_MAIL_USER);
	for (i = 0; i < 4; i++) {
		check_bad_byte(&abeid_codec, &b, i, 0x10, WIRE_ERR_BAD_FLAGS);
	}
	for (i = 4; i < 20; i++) {
		check_bad_byte(&abeid_codec, &b, i, (uint8_t)(b.buf[i] ^ 0x01), WIRE_ERR_BAD_VALUE);
	}
	check_bad_byte(&abeid_codec, &b, 20, 0x00, WIRE_ERR_BAD_VERSION);
	check_bad_byte(&abeid_codec, &b, 20, 0x02, WIRE_ERR_BAD_VERSION);
	check_bad_byte(&abeid_codec, &b, 23, 0x01, WIRE_ERR_BAD_VERSION);
	check_bad_byte(&abeid_codec, &b, b.len - 1, 'x', WIRE_ERR_TRUNCATED);
	for (i = 0; i < sizeof(bad_types) / sizeof(bad_types[0]); i++) {
		struct oxcdata_pull pull;

		build_ab_entryid(&b, bad_types[i]);
		oxcdata_pull_init(&pull, b.buf, b.len);
		assert_int_equal(oxcdata_ab_entryid_pull(&pull, ctx, &eid), WIRE_ERR_BAD_VALUE);
	}

	oxcdata_push_init(&push, ctx);
	eid.type = 0x103;
	eid.x500_dn = "/o=x";
	assert_int_equal(oxcdata_ab_entryid_push(&push, &eid), WIRE_ERR_INVALID_ARG);
	eid.type = MAPI_AB_CONTAINER;
	eid.x500_dn = NULL;
	assert_int_equal(oxcdata_ab_entryid_push(&push, &eid), WIRE_ERR_INVALID_ARG);
	assert_int_equal(push.len, 0);
	/* An empty DN is still a terminated string. */
	eid.x500_dn = "";
	assert_int_equal(oxcdata_ab_entryid_push(&push, &eid), WIRE_OK);
	assert_int_equal(push.len, 29);
	assert_int_equal(push.data[28], 0);
	talloc_free(ctx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_id_conversions),
		cmocka_unit_test(test_gid_long_term_id),
		cmocka_unit_test(test_xid),
		cmocka_unit_test(test_folder_entryid),
		cmocka_unit_test(test_message_entryid),
		cmocka_unit_test(test_store_entryid),
		cmocka_unit_test(test_ab_entryid),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
