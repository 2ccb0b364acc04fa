/*
 * RopNotify (MS-OXCROPS 2.2.14.2) and its NotificationData (MS-OXCNOTIF
 * 2.2.1.4.1.2): one buffer per kind of notification, written here byte by
 * byte from the spec's field list, decoded field by field and re-encoded to
 * the same bytes. Which fields a notification carries depends on the
 * NotificationType (low 12 bits of NotificationFlags), the T/U/S/M bits (high
 * four) and, for TableModified, on TableEventType; the table row is laid out
 * by the columns of the table the NotificationHandle names, given as the
 * "columns" param by the caller.
 *
 * Copyright (C) OpenChange developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <talloc.h>

#include "idl/gen_rops.h"
#include "libmapi/rop_buffer.h"
#include "testsuite/unit/byte_builder.h"

/* NotificationType values and the availability bits (MS-OXCNOTIF 2.2.1.4.1.2) */
#define NT_NEW_MAIL		0x0002
#define NT_OBJECT_CREATED	0x0004
#define NT_OBJECT_DELETED	0x0008
#define NT_OBJECT_MODIFIED	0x0010
#define NT_OBJECT_MOVED		0x0020
#define NT_OBJECT_COPIED	0x0040
#define NT_SEARCH_COMPLETED	0x0080
#define NT_TABLE_MODIFIED	0x0100
#define NF_T			0x1000
#define NF_U			0x2000
#define NF_S			0x4000
#define NF_M			0x8000
/* TableEventType values (MS-OXCNOTIF 2.2.1.4.1.2) */
#define TE_TABLE_CHANGED	0x0001
#define TE_ROW_ADDED		0x0003
#define TE_ROW_DELETED		0x0004
#define TE_ROW_MODIFIED		0x0005
#define TE_RESTRICT_DONE	0x0007

#define FID1 0x0100000000000001ULL
#define FID2 0x0100000000000002ULL
#define MID1 0x0100000000000011ULL
#define MID2 0x0100000000000012ULL

/* A contents table's columns: PidTagMessageSize (Integer32), PidTagSubject (String). */
static uint32_t table_tags[] = { 0x0E080003, 0x0037001F };
static const struct mapi_tag_array table_columns = { 2, table_tags };

/* RopId, NotificationHandle, LogonId, NotificationFlags */
static void header(struct bytes *b, uint32_t handle, uint16_t flags)
{
	b->len = 0;
	put8(b, 0x2A);
	put32(b, handle);
	put8(b, 0x00);
	put16(b, flags);
}

static enum wire_error given_columns(void *private_data, uint8_t rop_id, uint32_t object,
				     size_t position, struct rop_params *params)
{
	params->columns = private_data;
	return WIRE_OK;
}

/* Pull b as one RopNotify response (all of it), push it back, same bytes. */
static const struct rop_notify_response *round_trip(TALLOC_CTX *ctx, const struct bytes *b,
						     const struct mapi_tag_array *columns)
{
	struct rop_params params = { .columns = columns };
	struct rop_response *r = talloc_zero(ctx, struct rop_response);
	struct oxcdata_pull pull;
	struct oxcdata_push push;
	size_t cut;

	oxcdata_pull_init(&pull, b->buf, b->len);
	assert_int_equal(rop_response_pull_one(&pull, ctx, r, &params), WIRE_OK);
	assert_int_equal(pull.offset, b->len);
	assert_int_equal(r->rop_id, RopNotify);
	oxcdata_push_init(&push, ctx);
	assert_int_equal(rop_response_push_one(&push, r, &params), WIRE_OK);
	assert_int_equal(push.len, b->len);
	assert_memory_equal(push.data, b->buf, b->len);

	/* every shorter buffer fails; as a ROP list, it leaves nothing behind */
	for (cut = 1; cut < b->len; cut++) {
		TALLOC_CTX *tmp = talloc_new(NULL);
		struct rop_context rc = { given_columns, (void *)columns };
		struct rop_response_list list;

		assert_int_not_equal(rop_responses_pull(tmp, b->buf, cut, &rc, &list), WIRE_OK);
		assert_int_equal(talloc_total_blocks(tmp), 1);
		talloc_free(tmp);
	}
	return &r->u.notify;
}

/* NewMail: FolderId, MessageId (M is set: it is a message), MessageFlags, UnicodeFlag, MessageClass. */
static void test_new_mail(void **state)
{
	TALLOC_CTX *ctx = talloc_new(NULL);
	const struct rop_notify_response *n;
	struct bytes b;

	header(&b, 0x00000010, NT_NEW_MAIL | NF_M);
	put64(&b, FID1);
	put64(&b, MID1);
	put32(&b, 0x00000000);		/* MessageFlags */
	put8(&b, 0x00);			/* UnicodeFlag: 8-bit MessageClass */
	put_raw(&b, "IPM.Note", 9);
	n = round_trip(ctx, &b, NULL);
	assert_int_equal(n->u.body.notification_handle, 0x10);
	assert_int_equal(n->u.body.notification_flags, NT_NEW_MAIL | NF_M);
	assert_int_equal(n->u.body.folder_id, FID1);
	assert_int_equal(n->u.body.message_id, MID1);
	assert_int_equal(n->u.body.unicode_flag, 0);
	assert_string_equal(n->u.body.message_class, "IPM.Note");

	/* UnicodeFlag TRUE: the class is UTF-16 */
	header(&b, 0x00000010, NT_NEW_MAIL | NF_M);
	put64(&b, FID1);
	put64(&b, MID1);
	put32(&b, 0x00000001);		/* MessageFlags: read */
	put8(&b, 0x01);
	put_utf16_ascii(&b, "IPM.Note");
	n = round_trip(ctx, &b, NULL);
	assert_int_equal(n->u.body.message_flags, 1);
	assert_string_equal(n->u.body.message_class, "IPM.Note");
	talloc_free(ctx);
}

/* ObjectCreated: a folder (ParentFolderId, TagCount and Tags) and a message (no parent). */
static void test_object_created(void **state)
{
	TALLOC_CTX *ctx = talloc_new(NULL);
	const struct rop_notify_response *n;
	struct bytes b;

	header(&b, 0x00000020, NT_OBJECT_CREATED);
	put64(&b, FID2);		/* FolderId */
	put64(&b, FID1);		/* ParentFolderId: M clear */
	put16(&b, 2);			/* TagCount */
	put32(&b, 0x3001001F);		/* PidTagDisplayName */
	put32(&b, 0x36020003);		/* PidTagContentCount */
	n = round_trip(ctx, &b, NULL);
	assert_int_equal(n->u.body.folder_id, FID2);
	assert_int_equal(n->u.body.parent_folder_id, FID1);
	assert_int_equal(n->u.body.tag_count, 2);
	assert_int_equal(n->u.body.tags[1], 0x36020003);

	header(&b, 0x00000020, NT_OBJECT_CREATED | NF_M);
	put64(&b, FID1);
	put64(&b, MID1);
	put16(&b, 0);			/* TagCount 0: no Tags */
	n = round_trip(ctx, &b, NULL);
	assert_int_equal(n->u.body.message_id, MID1);
	assert_int_equal(n->u.body.parent_folder_id, 0);
	assert_null(n->u.body.tags);

	/* a message in a search folder (S and M): ParentFolderId again; TagCount 0xFFFF: no Tags */
	header(&b, 0x00000020, NT_OBJECT_CREATED | NF_M | NF_S);
	put64(&b, FID2);
	put64(&b, MID1);
	put64(&b, FID1);
	put16(&b, 0xFFFF);
	n = round_trip(ctx, &b, NULL);
	assert_int_equal(n->u.body.parent_folder_id, FID1);
	assert_int_equal(n->u.body.tag_count, 0xFFFF);
	talloc_free(ctx);
}

/* ObjectDeleted and ObjectModified (with the folder's T and U counts). */
static void test_object_deleted_modified(void **state)
{
	TALLOC_CTX *ctx = talloc_new(NULL);
	const struct rop_notify_response *n;
	struct bytes b;

	header(&b, 1, NT_OBJECT_DELETED);
	put64(&b, FID2);
	put64(&b, FID1);
	n = round_trip(ctx, &b, NULL);
	assert_int_equal(n->u.body.parent_folder_id, FID1);

	header(&b, 1, NT_OBJECT_DELETED | NF_M);
	put64(&b, FID1);
	put64(&b, MID1);
	n = round_trip(ctx, &b, NULL);
	assert_int_equal(n->u.body.message_id, MID1);

	/* ObjectModified has no ParentFolderId; T and U add the folder's counts */
	header(&b, 1, NT_OBJECT_MODIFIED | NF_T | NF_U);
	put64(&b, FID1);
	put16(&b, 1);
	put32(&b, 0x36020003);
	put32(&b, 12);			/* TotalMessageCount */
	put32(&b, 3);			/* UnreadMessageCount */
	n = round_trip(ctx, &b, NULL);
	assert_int_equal(n->u.body.total_message_count, 12);
	assert_int_equal(n->u.body.unread_message_count, 3);
	assert_int_equal(n->u.body.tags[0], 0x36020003);
	talloc_free(ctx);
}

/* ObjectMoved / ObjectCopied: the old place of a folder, then of a message. */
static void test_object_moved_copied(void **state)
{
	TALLOC_CTX *ctx = talloc_new(NULL);
	const struct rop_notify_response *n;
	struct bytes b;

	header(&b, 2, NT_OBJECT_MOVED);
	put64(&b, FID2);		/* FolderId */
	put64(&b, FID1);		/* ParentFolderId */
	put64(&b, 0x0100000000000022ULL);	/* OldFolderId */
	put64(&b, 0x0100000000000021ULL);	/* OldParentFolderId (M clear) */
	n = round_trip(ctx, &b, NULL);
	assert_int_equal(n->u.body.old_folder_id, 0x0100000000000022ULL);
	assert_int_equal(n->u.body.old_parent_folder_id, 0x0100000000000021ULL);

	header(&b, 2, NT_OBJECT_COPIED | NF_M);
	put64(&b, FID2);
	put64(&b, MID2);
	put64(&b, FID1);		/* OldFolderId */
	put64(&b, MID1);		/* OldMessageId (M set) */
	n = round_trip(ctx, &b, NULL);
	assert_int_equal(n->u.body.message_id, MID2);
	assert_int_equal(n->u.body.old_folder_id, FID1);
	assert_int_equal(n->u.body.old_message_id, MID1);
	assert_int_equal(n->u.body.old_parent_folder_id, 0);
	talloc_free(ctx);
}

/* SearchCompleted: the search folder's FolderId only. */
static void test_search_completed(void **state)
{
	TALLOC_CTX *ctx = talloc_new(NULL);
	const struct rop_notify_response *n;
	struct bytes b;

	header(&b, 3, NT_SEARCH_COMPLETED);
	put64(&b, FID2);
	n = round_trip(ctx, &b, NULL);
	assert_int_equal(n->u.body.folder_id, FID2);
	talloc_free(ctx);
}

/* TableModified: TableChanged and RestrictDone carry nothing more. */
static void test_table_changed(void **state)
{
	TALLOC_CTX *ctx = talloc_new(NULL);
	const struct rop_notify_response *n;
	struct bytes b;

	header(&b, 4, NT_TABLE_MODIFIED);
	put16(&b, TE_TABLE_CHANGED);
	n = round_trip(ctx, &b, NULL);
	assert_int_equal(n->u.body.table_event_type, TE_TABLE_CHANGED);

	header(&b, 4, NT_TABLE_MODIFIED);
	put16(&b, TE_RESTRICT_DONE);
	round_trip(ctx, &b, NULL);
	talloc_free(ctx);
}

/* TableRowAdded in a contents table (M): ids, instance, where it goes, and the row. */
static void test_table_row_added(void **state)
{
	TALLOC_CTX *ctx = talloc_new(NULL);
	const struct rop_notify_response *n;
	struct bytes b;
	struct rop_params none = { 0 };
	struct oxcdata_pull pull;
	struct rop_response r;
	size_t size_at;

	header(&b, 0x00000007, NT_TABLE_MODIFIED | NF_M);
	put16(&b, TE_ROW_ADDED);
	put64(&b, FID1);		/* TableRowFolderID */
	put64(&b, MID2);		/* TableRowMessageID */
	put32(&b, 0);			/* TableRowInstance */
	put64(&b, FID1);		/* InsertAfterTableRowFolderID */
	put64(&b, MID1);		/* InsertAfterTableRowID */
	put32(&b, 0);			/* InsertAfterTableRowInstance */
	size_at = b.len;
	put16(&b, 0);			/* TableRowDataSize, set below */
	put8(&b, 0x00);			/* a standard PropertyRow */
	put32(&b, 2048);		/* PidTagMessageSize */
	put_utf16_ascii(&b, "Hi");	/* PidTagSubject */
	b.buf[size_at] = (uint8_t)(b.len - size_at - 2);
	n = round_trip(ctx, &b, &table_columns);
	assert_int_equal(n->u.body.table_event_type, TE_ROW_ADDED);
	assert_int_equal(n->u.body.table_row_message_id, MID2);
	assert_int_equal(n->u.body.insert_after_table_row_id, MID1);
	assert_int_equal(n->u.body.table_row_data_size, 1 + 4 + 6);
	assert_int_equal(n->u.body.table_row_data.values[0].pv.value.i32, 2048);
	assert_string_equal(n->u.body.table_row_data.values[1].pv.value.string, "Hi");

	/* without the table's columns the row cannot be read */
	oxcdata_pull_init(&pull, b.buf, b.len);
	assert_int_equal(rop_response_pull_one(&pull, ctx, &r, &none), WIRE_ERR_INVALID_ARG);

	/* a size that does not match the row is refused */
	b.buf[size_at]++;
	put8(&b, 0);
	oxcdata_pull_init(&pull, b.buf, b.len);
	assert_int_equal(rop_response_pull_one(&pull, ctx, &r,
		&(struct rop_params){ .columns = &table_columns }), WIRE_ERR_BAD_SIZE);
	talloc_free(ctx);
}

/* A hierarchy table (M clear): TableRowModified has no message ids or instances. */
static void test_table_row_modified_deleted(void **state)
{
	static uint32_t tags[] = { 0x3001001F };	/* PidTagDisplayName */
	static const struct mapi_tag_array cols = { 1, tags };
	TALLOC_CTX *ctx = talloc_new(NULL);
	const struct rop_notify_response *n;
	struct bytes b;

	header(&b, 8, NT_TABLE_MODIFIED);
	put16(&b, TE_ROW_MODIFIED);
	put64(&b, FID2);		/* TableRowFolderID */
	put64(&b, FID1);		/* InsertAfterTableRowFolderID */
	put16(&b, 1 + 8);
	put8(&b, 0x00);
	put_utf16_ascii(&b, "Box");
	n = round_trip(ctx, &b, &cols);
	assert_int_equal(n->u.body.table_row_folder_id, FID2);
	assert_int_equal(n->u.body.insert_after_table_row_folder_id, FID1);
	assert_string_equal(n->u.body.table_row_data.values[0].pv.value.string, "Box");

	/* TableRowDeleted of a message: ids and instance, no row */
	header(&b, 8, NT_TABLE_MODIFIED | NF_M);
	put16(&b, TE_ROW_DELETED);
	put64(&b, FID1);
	put64(&b, MID1);
	put32(&b, 1);
	n = round_trip(ctx, &b, NULL);
	assert_int_equal(n->u.body.table_row_instance, 1);
	talloc_free(ctx);
}

/*
 * A client's context callback learns the 32-bit NotificationHandle of each
 * RopNotify, so it can give the columns of the table that handle names.
 */
struct handle_columns {
	uint32_t seen[4];
	size_t count;
};

static enum wire_error columns_by_handle(void *private_data, uint8_t rop_id, uint32_t object,
					 size_t position, struct rop_params *params)
{
	struct handle_columns *hc = private_data;

	if (rop_id == RopNotify) {
		assert_true(hc->count < 4);
		hc->seen[hc->count++] = object;
		if (object == 0x11223344) {
			params->columns = &table_columns;
		}
	}
	return WIRE_OK;
}

static void test_notify_in_a_buffer(void **state)
{
	TALLOC_CTX *ctx = talloc_new(NULL);
	struct handle_columns hc = { { 0 }, 0 };
	struct rop_context rc = { columns_by_handle, &hc };
	struct rop_response_buffer out;
	struct bytes rops, buf;
	uint8_t *again;
	size_t again_len;

	/* a table notification for table 0x11223344, then a new mail, then RopPending */
	header(&rops, 0x11223344, NT_TABLE_MODIFIED);
	put16(&rops, TE_ROW_MODIFIED);
	put64(&rops, FID1);
	put64(&rops, FID2);
	put16(&rops, 1 + 4 + 2);
	put8(&rops, 0x00);
	put32(&rops, 7);
	put16(&rops, 0);		/* empty PidTagSubject */
	put8(&rops, 0x2A);
	put32(&rops, 0x55667788);
	put8(&rops, 0x00);
	put16(&rops, NT_NEW_MAIL | NF_M);
	put64(&rops, FID1);
	put64(&rops, MID1);
	put32(&rops, 0);
	put8(&rops, 0);
	put_raw(&rops, "IPM", 4);
	put8(&rops, 0x6E);		/* RopPending, SessionIndex 3 */
	put16(&rops, 3);

	buf.len = 0;
	put16(&buf, (uint16_t)(rops.len + 2));
	put_raw(&buf, rops.buf, rops.len);
	assert_int_equal(rop_response_pull(ctx, buf.buf, buf.len, &rc, &out), WIRE_OK);
	assert_int_equal(out.list.count, 3);
	assert_int_equal(hc.count, 2);
	assert_int_equal(hc.seen[0], 0x11223344);
	assert_int_equal(hc.seen[1], 0x55667788);
	assert_int_equal(out.list.rops[0].u.notify.u.body.table_row_data.values[0].pv.value.i32, 7);
	assert_string_equal(out.list.rops[1].u.notify.u.body.message_class, "IPM");

	/* the push side gives the callback the same handles */
	hc.count = 0;
	assert_int_equal(rop_response_push(ctx, &out, &rc, &again, &again_len), WIRE_OK);
	assert_int_equal(again_len, buf.len);
	assert_memory_equal(again, buf.buf, buf.len);
	assert_int_equal(hc.seen[0], 0x11223344);
	talloc_free(ctx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_new_mail),
		cmocka_unit_test(test_object_created),
		cmocka_unit_test(test_object_deleted_modified),
		cmocka_unit_test(test_object_moved_copied),
		cmocka_unit_test(test_search_completed),
		cmocka_unit_test(test_table_changed),
		cmocka_unit_test(test_table_row_added),
		cmocka_unit_test(test_table_row_modified_deleted),
		cmocka_unit_test(test_notify_in_a_buffer),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
