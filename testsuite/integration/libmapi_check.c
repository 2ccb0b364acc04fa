/*
 * libmapi_check: drives libmapi's public client API (libmapi/libmapi.h
 * only) against a server for testsuite/integration/test_libmapi.py.
 *
 *   libmapi_check CONNECTION COMMAND [ARG]
 *   CONNECTION: --server S --user U --password P [--domain D] [--kerberos --realm R]
 *              [--binding B]
 *            or --profile-file F --profile NAME [--password P]
 *   COMMAND: logon | inbox | roundtrip | embedded | entryids | resolve NAME | threads N | badargs
 *            | hierarchy | gal PAGE [CONTAINER] | seek PREFIX | logons
 *
 * Prints one result line per command ("ok ...", or "error 0xSTATUS NAME:
 * detail") and exits 0 when the command did what it checks, 1 otherwise.
 *
 * Copyright (C) OpenChange developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "libmapi/libmapi.h"

struct conn {
	struct mapi_connect_params params;
	const char *profile_file;
	const char *profile;
};

static struct conn conn;

#define PidTagAttachMethodValue 0x37050003	/* PidTagAttachMethod */
#define ATTACH_BY_VALUE 1
#define ATTACH_SIZE 100000
#define READ_CHUNK 10000

static const char subject[] = "libmapi: Привет, мир — こんにちは世界";
static const char body[] = "Тело письма.\nメッセージ本文です。\n";
static const char attach_name[] = "データ-данные.bin";

static int fail(struct mapi_session *s, const char *what, enum MAPISTATUS ret)
{
	const char *name = mapi_errstr(ret);
	const char *detail = MapiLastError(s);

	printf("error 0x%08x %s: %s%s%s\n", (unsigned)ret, name != NULL ? name : "?", what,
	       detail != NULL ? ": " : "", detail != NULL ? detail : "");
	return 1;
}

#define CHECK(s, call) \
	do { \
		enum MAPISTATUS ret_ = (call); \
		if (ret_ != MAPI_E_SUCCESS) { \
			return fail((s), #call, ret_); \
		} \
	} while (0)

#define EXPECT(cond) \
	do { \
		if (!(cond)) { \
			printf("error 0x00000000 mismatch: %s (line %d)\n", #cond, __LINE__); \
			return 1; \
		} \
	} while (0)

static enum MAPISTATUS logon(TALLOC_CTX *mem_ctx, struct mapi_session **s)
{
	if (conn.profile != NULL) {
		return MapiLogonEx(mem_ctx, conn.profile_file, conn.profile, conn.params.password, s);
	}
	return MapiLogonParams(mem_ctx, &conn.params, s);
}

static int cmd_logon(TALLOC_CTX *mem_ctx)
{
	struct mapi_session *s = NULL;
	mapi_object_t store;

	CHECK(NULL, logon(mem_ctx, &s));
	mapi_object_init(&store);
	CHECK(s, OpenMsgStore(s, &store));
	printf("ok logon %s\n", mapi_session_essdn(s));
	mapi_object_release(&store);
	MapiLogoff(s);
	return 0;
}

static int cmd_inbox(TALLOC_CTX *mem_ctx)
{
	struct mapi_session *s = NULL;
	mapi_object_t store, pub;
	uint64_t fid = 0, top = 0;

	CHECK(NULL, logon(mem_ctx, &s));
	mapi_object_init(&store);
	mapi_object_init(&pub);
	CHECK(s, OpenMsgStore(s, &store));
	CHECK(s, GetDefaultFolder(&store, olFolderInbox, &fid));
	CHECK(s, GetDefaultFolder(&store, olFolderTopInformationStore, &top));
	CHECK(s, OpenPublicFolder(s, &pub));
	printf("ok inbox 0x%016llx ipm_subtree 0x%016llx public_root 0x%016llx\n",
	       (unsigned long long)fid, (unsigned long long)top,
	       (unsigned long long)pub.folder_ids[0]);
	mapi_object_release(&pub);
	mapi_object_release(&store);
	MapiLogoff(s);
	return 0;
}

static const char *string_of(const struct mapi_propval *v)
{
	return MAPI_PROP_TYPE(v->tag) == PTYP_STRING ? v->value.string : NULL;
}

static int roundtrip(TALLOC_CTX *mem_ctx, struct mapi_session *s)
{
	mapi_object_t store, top, folder, msg, attach, stream, table;
	uint64_t top_fid, mid = 0, folder_fid;
	struct mapi_propval props[3], *got;
	struct mapi_recipient recips[2], *rgot;
	struct mapi_row *rows;
	struct mapi_restriction res;
	struct mapi_sort_key key = { PidTagSubject, false };
	uint32_t cols[] = { PidTagMid, PidTagSubject };
	uint32_t tags[] = { PidTagSubject, PidTagBody };
	uint32_t acols[] = { PidTagAttachNumber };
	uint32_t n, count, i, done, attach_number;
	struct mapi_nameid nameid, *names;
	uint16_t *ids;
	uint8_t *data, *back;
	char folder_name[64];
	bool found;

	mapi_object_init(&store);
	mapi_object_init(&top);
	mapi_object_init(&folder);
	mapi_object_init(&msg);
	mapi_object_init(&attach);
	mapi_object_init(&stream);
	mapi_object_init(&table);

	CHECK(s, OpenMsgStore(s, &store));
	CHECK(s, GetDefaultFolder(&store, olFolderTopInformationStore, &top_fid));
	CHECK(s, OpenFolder(&store, top_fid, &top));
	snprintf(folder_name, sizeof(folder_name), "libmapi папка %d", (int)getpid());
	CHECK(s, CreateFolder(&top, MAPI_FOLDER_GENERIC, folder_name, "test", false, &folder));
	folder_fid = folder.id;

	/* a message: Unicode subject and body, two recipients, an attachment through a stream */
	CHECK(s, CreateMessage(&folder, &msg));
	props[0].tag = PidTagSubject;
	props[0].value.string = (char *)subject;
	props[1].tag = PidTagBody;
	props[1].value.string = (char *)body;
	props[2].tag = PidTagMessageClass;
	props[2].value.string = (char *)"IPM.Note";
	CHECK(s, SetProps(&msg, props, 3));
	recips[0] = (struct mapi_recipient){ MAPI_TO, mapi_session_display_name(s),
					     mapi_session_smtp_address(s) };
	recips[1] = (struct mapi_recipient){ MAPI_CC, "Ольга Иванова 一郎", "olga@example.ru" };
	if (recips[0].smtp_address == NULL) {
		recips[0].smtp_address = "self@example.com";
	}
	if (recips[0].display_name == NULL) {
		recips[0].display_name = "Self";
	}
	CHECK(s, ModifyRecipients(&msg, recips, 2));
	CHECK(s, CreateAttach(&msg, &attach));
	attach_number = (uint32_t)attach.id;
	props[0].tag = PidTagAttachMethodValue;
	props[0].value.i32 = ATTACH_BY_VALUE;
	props[1].tag = PidTagAttachLongFilename;
	props[1].value.string = (char *)attach_name;
	CHECK(s, SetProps(&attach, props, 2));
	data = talloc_array(mem_ctx, uint8_t, ATTACH_SIZE);
	back = talloc_zero_array(mem_ctx, uint8_t, ATTACH_SIZE);
	EXPECT(data != NULL && back != NULL);
	for (i = 0; i < ATTACH_SIZE; i++) {
		data[i] = (uint8_t)((i * 7919u) >> 3 ^ i);
	}
	CHECK(s, OpenStream(&attach, PidTagAttachDataBinary, MAPI_OPEN_CREATE, &stream));
	CHECK(s, WriteStream(&stream, data, ATTACH_SIZE));
	CHECK(s, CommitStream(&stream));
	CHECK(s, mapi_object_release(&stream));
	CHECK(s, SaveChangesAttachment(&attach));
	CHECK(s, mapi_object_release(&attach));
	CHECK(s, SaveChangesMessage(&msg, &mid));
	CHECK(s, mapi_object_release(&msg));
	printf("saved 0x%016llx\n", (unsigned long long)mid);

	/* found again by a contents table: sorted, restricted to the subject */
	CHECK(s, GetContentsTable(&folder, &table, &count));
	EXPECT(count == 1);
	CHECK(s, SetColumns(&table, cols, 2));
	CHECK(s, SortTable(&table, &key, 1));
	memset(&res, 0, sizeof(res));
	res.type = MAPI_RES_PROPERTY;
	res.u.property.relop = MAPI_RELOP_EQ;
	res.u.property.tag = PidTagSubject;
	res.u.property.value.tag = PidTagSubject;
	res.u.property.value.value.string = (char *)subject;
	CHECK(s, Restrict(&table, &res));
	CHECK(s, QueryRows(mem_ctx, &table, 10, &rows, &n));
	EXPECT(n == 1);
	EXPECT(rows[0].count == 2 && rows[0].props[0].tag == PidTagMid);
	EXPECT(rows[0].props[0].value.i64 == mid);
	EXPECT(string_of(&rows[0].props[1]) != NULL && strcmp(string_of(&rows[0].props[1]), subject) == 0);
	/* a restriction nothing matches */
	res.u.property.value.value.string = (char *)"no such subject";
	CHECK(s, Restrict(&table, &res));
	CHECK(s, QueryRows(mem_ctx, &table, 10, &rows, &n));
	EXPECT(n == 0);
	CHECK(s, mapi_object_release(&table));

	/* read back, byte for byte */
	CHECK(s, OpenMessage(&folder, folder_fid, mid, MAPI_OPEN_READ, &msg));
	CHECK(s, GetProps(mem_ctx, &msg, tags, 2, &got));
	EXPECT(string_of(&got[0]) != NULL && strcmp(string_of(&got[0]), subject) == 0);
	EXPECT(string_of(&got[1]) != NULL && strcmp(string_of(&got[1]), body) == 0);
	CHECK(s, GetPropsAll(mem_ctx, &msg, &got, &n));
	found = false;
	for (i = 0; i < n; i++) {
		if (got[i].tag == PidTagSubject && strcmp(got[i].value.string, subject) == 0) {
			found = true;
		}
	}
	EXPECT(found);
	CHECK(s, ReadRecipients(mem_ctx, &msg, &rgot, &n));
	EXPECT(n == 2);
	for (i = 0; i < 2; i++) {
		EXPECT(rgot[i].type == recips[i].type);
		EXPECT(rgot[i].display_name != NULL &&
		       strcmp(rgot[i].display_name, recips[i].display_name) == 0);
		EXPECT(rgot[i].smtp_address != NULL &&
		       strcmp(rgot[i].smtp_address, recips[i].smtp_address) == 0);
	}
	CHECK(s, GetAttachmentTable(&msg, &table));
	CHECK(s, SetColumns(&table, acols, 1));
	CHECK(s, QueryRows(mem_ctx, &table, 10, &rows, &n));
	EXPECT(n == 1 && rows[0].props[0].tag == PidTagAttachNumber);
	EXPECT(rows[0].props[0].value.i32 == attach_number);
	CHECK(s, mapi_object_release(&table));
	CHECK(s, OpenAttach(&msg, attach_number, &attach));
	tags[0] = PidTagAttachLongFilename;
	CHECK(s, GetProps(mem_ctx, &attach, tags, 1, &got));
	EXPECT(string_of(&got[0]) != NULL && strcmp(string_of(&got[0]), attach_name) == 0);
	CHECK(s, OpenStream(&attach, PidTagAttachDataBinary, MAPI_OPEN_READ, &stream));
	EXPECT(stream.stream_size == ATTACH_SIZE);
	for (done = 0;;) {
		uint32_t got_bytes = 0;

		CHECK(s, ReadStream(&stream, back + done,
				    ATTACH_SIZE - done < READ_CHUNK ? (ATTACH_SIZE - done) + 1 : READ_CHUNK,
				    &got_bytes));
		if (got_bytes == 0) {
			break;
		}
		done += got_bytes;
		if (done == ATTACH_SIZE) {
			/* one more read must say the end */
			uint8_t extra;

			CHECK(s, ReadStream(&stream, &extra, 1, &got_bytes));
			EXPECT(got_bytes == 0);
			break;
		}
	}
	EXPECT(done == ATTACH_SIZE && memcmp(data, back, ATTACH_SIZE) == 0);
	CHECK(s, mapi_object_release(&stream));
	CHECK(s, mapi_object_release(&attach));
	CHECK(s, mapi_object_release(&msg));

	/* named properties both ways (PS_PUBLIC_STRINGS, MS-OXPROPS 1.3.2) */
	memset(&nameid, 0, sizeof(nameid));
	memcpy(nameid.guid.bytes, "\x29\x03\x02\x00\x00\x00\x00\x00\xc0\x00\x00\x00\x00\x00\x00\x46", 16);
	nameid.is_string = true;
	nameid.name = "libmapi-тест";
	CHECK(s, GetIDsFromNames(mem_ctx, &folder, &nameid, 1, true, &ids));
	EXPECT(ids[0] >= 0x8000);
	CHECK(s, GetNamesFromIDs(mem_ctx, &folder, ids, 1, &names));
	EXPECT(names[0].is_string && strcmp(names[0].name, nameid.name) == 0);
	EXPECT(memcmp(names[0].guid.bytes, nameid.guid.bytes, 16) == 0);

	/* DeleteProps on an open message (not saved) */
	CHECK(s, OpenMessage(&folder, folder_fid, mid, MAPI_OPEN_READWRITE, &msg));
	tags[0] = PidTagBody;
	CHECK(s, DeleteProps(&msg, tags, 1));
	CHECK(s, GetProps(mem_ctx, &msg, tags, 1, &got));
	EXPECT(MAPI_PROP_TYPE(got[0].tag) == PTYP_ERRORCODE);
	CHECK(s, mapi_object_release(&msg));

	/* delete it, then the folder */
	CHECK(s, DeleteMessages(&folder, &mid, 1));
	CHECK(s, GetContentsTable(&folder, &table, &count));
	EXPECT(count == 0);
	CHECK(s, mapi_object_release(&table));
	EXPECT(OpenMessage(&folder, folder_fid, mid, MAPI_OPEN_READ, &msg) != MAPI_E_SUCCESS);
	CHECK(s, mapi_object_release(&folder));
	CHECK(s, DeleteFolder(&top, folder_fid, MAPI_DEL_MESSAGES | MAPI_DEL_FOLDERS));
	EXPECT(OpenFolder(&top, folder_fid, &folder) != MAPI_E_SUCCESS);
	CHECK(s, mapi_object_release(&top));
	CHECK(s, mapi_object_release(&store));
	printf("ok roundtrip\n");
	return 0;
}

static int cmd_roundtrip(TALLOC_CTX *mem_ctx)
{
	struct mapi_session *s = NULL;
	int status;

	CHECK(NULL, logon(mem_ctx, &s));
	status = roundtrip(mem_ctx, s);
	MapiLogoff(s);
	return status;
}

/* --- embedded messages (MS-OXCMSG 3.2.5.16) ------------------------------------ */

static const char outer_subject[] = "libmapi: письмо с вложенным письмом";
static const char embedded_subject[] = "Вложенное письмо — 埋め込み";
static const char embedded_body[] = "Текст вложенного письма.\n本文。\n";
static const char inner_name[] = "внутри.bin";
#define INNER_SIZE 40000

/* Every byte of TAG's stream on OBJ into *out (*len bytes). */
static int read_all(TALLOC_CTX *mem_ctx, struct mapi_session *s, mapi_object_t *obj, uint32_t tag,
		    uint8_t **out, uint32_t *len)
{
	mapi_object_t stream;
	uint8_t *buf;
	uint32_t done = 0, got;

	mapi_object_init(&stream);
	CHECK(s, OpenStream(obj, tag, MAPI_OPEN_READ, &stream));
	buf = talloc_array(mem_ctx, uint8_t, stream.stream_size + 1);
	EXPECT(buf != NULL);
	do {
		got = 0;
		CHECK(s, ReadStream(&stream, buf + done, stream.stream_size + 1 - done, &got));
		done += got;
	} while (got != 0 && done <= stream.stream_size);
	CHECK(s, mapi_object_release(&stream));
	*out = buf;
	*len = done;
	return 0;
}

/*
 * Writes a message whose attachment 0 is an embedded message with its own
 * subject, body, recipient and by-value attachment; attachment 1 is a
 * plain file.  The embedded message is saved into its attachment, the
 * attachment into the message, the message into the folder (MS-OXCMSG
 * 3.1.4.x).  An embedded change released without SaveChangesMessage is
 * lost.
 */
static int embedded_write(TALLOC_CTX *mem_ctx, struct mapi_session *s, const uint8_t *inner,
			  uint64_t *folder_fid, uint64_t *mid)
{
	mapi_object_t store, top, folder, msg, att, emb, inner_att, stream;
	struct mapi_propval props[3];
	struct mapi_recipient recip = { MAPI_TO, "Пётр Петров", "petr@example.ru" };
	uint64_t top_fid;
	char folder_name[64];

	mapi_object_init(&store);
	mapi_object_init(&top);
	mapi_object_init(&folder);
	mapi_object_init(&msg);
	mapi_object_init(&att);
	mapi_object_init(&emb);
	mapi_object_init(&inner_att);
	mapi_object_init(&stream);
	CHECK(s, OpenMsgStore(s, &store));
	CHECK(s, GetDefaultFolder(&store, olFolderTopInformationStore, &top_fid));
	CHECK(s, OpenFolder(&store, top_fid, &top));
	snprintf(folder_name, sizeof(folder_name), "libmapi embedded %d", (int)getpid());
	CHECK(s, CreateFolder(&top, MAPI_FOLDER_GENERIC, folder_name, NULL, false, &folder));
	*folder_fid = folder.id;

	CHECK(s, CreateMessage(&folder, &msg));
	props[0].tag = PidTagSubject;
	props[0].value.string = (char *)outer_subject;
	props[1].tag = PidTagMessageClass;
	props[1].value.string = (char *)"IPM.Note";
	CHECK(s, SetProps(&msg, props, 2));

	CHECK(s, CreateAttach(&msg, &att));
	EXPECT(att.id == 0);
	/* before Create there is nothing to open */
	EXPECT(OpenEmbeddedMessage(&att, MAPI_OPEN_READ, &emb) == MAPI_E_NOT_FOUND);
	EXPECT(MapiLastError(s) != NULL && strstr(MapiLastError(s), "OpenEmbeddedMessage") != NULL);
	CHECK(s, OpenEmbeddedMessage(&att, MAPI_OPEN_CREATE, &emb));
	EXPECT(emb.type == MAPI_OBJECT_MESSAGE);
	props[0].tag = PidTagSubject;
	props[0].value.string = (char *)embedded_subject;
	props[1].tag = PidTagBody;
	props[1].value.string = (char *)embedded_body;
	props[2].tag = PidTagMessageClass;
	props[2].value.string = (char *)"IPM.Note";
	CHECK(s, SetProps(&emb, props, 3));
	CHECK(s, ModifyRecipients(&emb, &recip, 1));
	CHECK(s, CreateAttach(&emb, &inner_att));
	props[0].tag = PidTagAttachMethod;
	props[0].value.i32 = MAPI_ATTACH_BY_VALUE;
	props[1].tag = PidTagAttachLongFilename;
	props[1].value.string = (char *)inner_name;
	CHECK(s, SetProps(&inner_att, props, 2));
	CHECK(s, OpenStream(&inner_att, PidTagAttachDataBinary, MAPI_OPEN_CREATE, &stream));
	CHECK(s, WriteStream(&stream, inner, INNER_SIZE));
	CHECK(s, CommitStream(&stream));
	CHECK(s, mapi_object_release(&stream));
	CHECK(s, SaveChangesAttachment(&inner_att));
	CHECK(s, mapi_object_release(&inner_att));
	CHECK(s, SaveChangesMessage(&emb, NULL));
	CHECK(s, mapi_object_release(&emb));

	/* a change to the embedded message that is never saved does not reach the attachment */
	CHECK(s, OpenEmbeddedMessage(&att, MAPI_OPEN_READWRITE, &emb));
	props[0].tag = PidTagSubject;
	props[0].value.string = (char *)"never saved";
	CHECK(s, SetProps(&emb, props, 1));
	CHECK(s, mapi_object_release(&emb));
	CHECK(s, SaveChangesAttachment(&att));
	CHECK(s, mapi_object_release(&att));

	/* attachment 1: a file, which has no embedded message */
	CHECK(s, CreateAttach(&msg, &att));
	props[0].tag = PidTagAttachMethod;
	props[0].value.i32 = MAPI_ATTACH_BY_VALUE;
	props[1].tag = PidTagAttachLongFilename;
	props[1].value.string = (char *)"plain.txt";
	props[2].tag = PidTagAttachDataBinary;
	props[2].value.binary.len = 5;
	props[2].value.binary.data = (uint8_t *)"plain";
	CHECK(s, SetProps(&att, props, 3));
	CHECK(s, SaveChangesAttachment(&att));
	CHECK(s, mapi_object_release(&att));
	CHECK(s, SaveChangesMessage(&msg, mid));
	CHECK(s, mapi_object_release(&msg));
	CHECK(s, mapi_object_release(&folder));
	CHECK(s, mapi_object_release(&top));
	CHECK(s, mapi_object_release(&store));
	(void)mem_ctx;
	return 0;
}

/* Reads everything back in another session, checks the errors, deletes the folder. */
static int embedded_read(TALLOC_CTX *mem_ctx, struct mapi_session *s, const uint8_t *inner,
			 uint64_t folder_fid, uint64_t mid)
{
	mapi_object_t store, top, folder, msg, att, emb, inner_att, table, stream;
	uint32_t tags[] = { PidTagSubject, PidTagBody, PidTagMessageClass };
	uint32_t atags[] = { PidTagAttachMethod, PidTagAttachLongFilename };
	uint32_t acols[] = { PidTagAttachNumber, PidTagAttachMethod };
	struct mapi_propval *got;
	struct mapi_recipient *rgot;
	struct mapi_row *rows;
	uint8_t *data = NULL;
	uint32_t n, len = 0;
	uint64_t top_fid;

	mapi_object_init(&store);
	mapi_object_init(&top);
	mapi_object_init(&folder);
	mapi_object_init(&msg);
	mapi_object_init(&att);
	mapi_object_init(&emb);
	mapi_object_init(&inner_att);
	mapi_object_init(&table);
	mapi_object_init(&stream);
	CHECK(s, OpenMsgStore(s, &store));
	CHECK(s, OpenFolder(&store, folder_fid, &folder));
	CHECK(s, OpenMessage(&folder, folder_fid, mid, MAPI_OPEN_READ, &msg));
	CHECK(s, GetProps(mem_ctx, &msg, tags, 1, &got));
	EXPECT(string_of(&got[0]) != NULL && strcmp(string_of(&got[0]), outer_subject) == 0);

	/* the attachment table says which attachment holds a message */
	CHECK(s, GetAttachmentTable(&msg, &table));
	CHECK(s, SetColumns(&table, acols, 2));
	CHECK(s, QueryRows(mem_ctx, &table, 10, &rows, &n));
	EXPECT(n == 2);
	EXPECT(rows[0].props[0].value.i32 == 0 && rows[0].props[1].tag == PidTagAttachMethod);
	EXPECT(rows[0].props[1].value.i32 == MAPI_ATTACH_EMBEDDED_MESSAGE);
	EXPECT(rows[1].props[1].value.i32 == MAPI_ATTACH_BY_VALUE);
	CHECK(s, mapi_object_release(&table));

	CHECK(s, OpenAttach(&msg, 0, &att));
	CHECK(s, GetProps(mem_ctx, &att, atags, 1, &got));
	/* set by the server when the embedded message was created (MS-OXCMSG 3.2.5.16) */
	EXPECT(got[0].tag == PidTagAttachMethod && got[0].value.i32 == MAPI_ATTACH_EMBEDDED_MESSAGE);
	CHECK(s, OpenEmbeddedMessage(&att, MAPI_OPEN_READ, &emb));
	CHECK(s, GetProps(mem_ctx, &emb, tags, 3, &got));
	EXPECT(string_of(&got[0]) != NULL && strcmp(string_of(&got[0]), embedded_subject) == 0);
	EXPECT(string_of(&got[1]) != NULL && strcmp(string_of(&got[1]), embedded_body) == 0);
	EXPECT(string_of(&got[2]) != NULL && strcmp(string_of(&got[2]), "IPM.Note") == 0);
	CHECK(s, ReadRecipients(mem_ctx, &emb, &rgot, &n));
	EXPECT(n == 1 && rgot[0].type == MAPI_TO);
	EXPECT(rgot[0].display_name != NULL && strcmp(rgot[0].display_name, "Пётр Петров") == 0);
	EXPECT(rgot[0].smtp_address != NULL && strcmp(rgot[0].smtp_address, "petr@example.ru") == 0);
	CHECK(s, GetAttachmentTable(&emb, &table));
	CHECK(s, SetColumns(&table, acols, 1));
	CHECK(s, QueryRows(mem_ctx, &table, 10, &rows, &n));
	EXPECT(n == 1 && rows[0].props[0].tag == PidTagAttachNumber);
	CHECK(s, mapi_object_release(&table));
	CHECK(s, OpenAttach(&emb, rows[0].props[0].value.i32, &inner_att));
	CHECK(s, GetProps(mem_ctx, &inner_att, atags, 2, &got));
	EXPECT(got[0].value.i32 == MAPI_ATTACH_BY_VALUE);
	EXPECT(string_of(&got[1]) != NULL && strcmp(string_of(&got[1]), inner_name) == 0);
	if (read_all(mem_ctx, s, &inner_att, PidTagAttachDataBinary, &data, &len) != 0) {
		return 1;
	}
	EXPECT(len == INNER_SIZE && memcmp(data, inner, INNER_SIZE) == 0);
	CHECK(s, mapi_object_release(&inner_att));
	/* a read-only embedded message cannot be saved */
	EXPECT(SaveChangesMessage(&emb, NULL) != MAPI_E_SUCCESS);
	CHECK(s, mapi_object_release(&emb));

	/* errors: the wrong object, a bad mode, an attachment without a message */
	EXPECT(OpenEmbeddedMessage(&msg, MAPI_OPEN_READ, &emb) == MAPI_E_INVALID_PARAMETER);
	EXPECT(OpenEmbeddedMessage(&att, 7, &emb) == MAPI_E_INVALID_PARAMETER);
	EXPECT(OpenEmbeddedMessage(&att, MAPI_OPEN_READ, &att) == MAPI_E_INVALID_PARAMETER);
	EXPECT(emb.type == MAPI_OBJECT_NONE);
	CHECK(s, mapi_object_release(&att));
	CHECK(s, OpenAttach(&msg, 1, &att));
	EXPECT(OpenEmbeddedMessage(&att, MAPI_OPEN_READ, &emb) == MAPI_E_NOT_FOUND);
	EXPECT(MapiLastError(s) != NULL && strstr(MapiLastError(s), "OpenEmbeddedMessage") != NULL);
	printf("not found: %s\n", MapiLastError(s));
	/* the message is open read-only, so is its attachment: no writing into it */
	{
		enum MAPISTATUS ret = OpenEmbeddedMessage(&att, MAPI_OPEN_CREATE, &emb);

		printf("create in a read-only attachment: 0x%08x\n", (unsigned)ret);
		EXPECT(ret != MAPI_E_SUCCESS);
	}
	CHECK(s, mapi_object_release(&att));
	CHECK(s, mapi_object_release(&msg));
	CHECK(s, mapi_object_release(&folder));

	CHECK(s, GetDefaultFolder(&store, olFolderTopInformationStore, &top_fid));
	CHECK(s, OpenFolder(&store, top_fid, &top));
	CHECK(s, DeleteFolder(&top, folder_fid, MAPI_DEL_MESSAGES | MAPI_DEL_FOLDERS));
	CHECK(s, mapi_object_release(&top));
	CHECK(s, mapi_object_release(&store));
	return 0;
}

static int cmd_embedded(TALLOC_CTX *mem_ctx)
{
	struct mapi_session *s = NULL;
	uint64_t folder_fid = 0, mid = 0;
	uint8_t *inner;
	uint32_t i;
	int status;

	inner = talloc_array(mem_ctx, uint8_t, INNER_SIZE);
	EXPECT(inner != NULL);
	for (i = 0; i < INNER_SIZE; i++) {
		inner[i] = (uint8_t)(i * 131u ^ i >> 7);
	}
	CHECK(NULL, logon(mem_ctx, &s));
	status = embedded_write(mem_ctx, s, inner, &folder_fid, &mid);
	MapiLogoff(s);
	if (status != 0) {
		return status;
	}
	printf("saved 0x%016llx\n", (unsigned long long)mid);
	/* a new session: nothing cached on the client side */
	s = NULL;
	CHECK(NULL, logon(mem_ctx, &s));
	status = embedded_read(mem_ctx, s, inner, folder_fid, mid);
	MapiLogoff(s);
	if (status == 0) {
		printf("ok embedded\n");
	}
	return status;
}

/*
 * Entry IDs to folder ids: the store's IPM subtree entry ID is the IPM
 * subtree; a Calendar named by PidTagIpmAppointmentEntryId on the Root
 * folder is what GetDefaultFolder(olFolderCalendar) finds.
 */
static int entryids(TALLOC_CTX *mem_ctx, struct mapi_session *s)
{
	mapi_object_t store, root, top, folder;
	uint32_t tag = 0x35E00102;	/* PidTagIpmSubtreeEntryId */
	uint32_t eid_tag = 0x0FFF0102;	/* PidTagEntryId */
	struct mapi_propval *props, pv;
	uint64_t top_fid, fid = 0;
	char name[64];
	enum MAPISTATUS ret;

	mapi_object_init(&store);
	mapi_object_init(&root);
	mapi_object_init(&top);
	mapi_object_init(&folder);
	CHECK(s, OpenMsgStore(s, &store));
	CHECK(s, GetDefaultFolder(&store, olFolderTopInformationStore, &top_fid));
	CHECK(s, GetProps(mem_ctx, &store, &tag, 1, &props));
	EXPECT(props[0].tag == tag);
	CHECK(s, GetFIDFromEntryID(&store, &props[0].value.binary, &fid));
	EXPECT(fid == top_fid);
	ret = GetDefaultFolder(&store, olFolderCalendar, &fid);
	EXPECT(ret == MAPI_E_SUCCESS || ret == MAPI_E_NOT_FOUND);
	/* a calendar of our own, named on the Root folder */
	CHECK(s, OpenFolder(&store, top_fid, &top));
	snprintf(name, sizeof(name), "Календарь %d", (int)getpid());
	CHECK(s, CreateFolder(&top, MAPI_FOLDER_GENERIC, name, NULL, false, &folder));
	CHECK(s, GetProps(mem_ctx, &folder, &eid_tag, 1, &props));
	EXPECT(props[0].tag == eid_tag);
	CHECK(s, GetDefaultFolder(&store, olFolderRoot, &fid));
	CHECK(s, OpenFolder(&store, fid, &root));
	pv.tag = PidTagIpmAppointmentEntryId;
	pv.value.binary = props[0].value.binary;
	CHECK(s, SetProps(&root, &pv, 1));
	CHECK(s, GetDefaultFolder(&store, olFolderCalendar, &fid));
	EXPECT(fid == folder.id);
	tag = PidTagIpmAppointmentEntryId;
	CHECK(s, DeleteProps(&root, &tag, 1));
	EXPECT(GetDefaultFolder(&store, olFolderCalendar, &fid) == ret);
	fid = folder.id;
	CHECK(s, mapi_object_release(&folder));
	CHECK(s, DeleteFolder(&top, fid, MAPI_DEL_MESSAGES | MAPI_DEL_FOLDERS));
	mapi_object_release(&root);
	mapi_object_release(&top);
	mapi_object_release(&store);
	printf("ok entryids\n");
	return 0;
}

static int cmd_entryids(TALLOC_CTX *mem_ctx)
{
	struct mapi_session *s = NULL;
	int status;

	CHECK(NULL, logon(mem_ctx, &s));
	status = entryids(mem_ctx, s);
	MapiLogoff(s);
	return status;
}

static int cmd_resolve(TALLOC_CTX *mem_ctx, const char *name)
{
	struct mapi_session *s = NULL;
	struct mapi_ab_entry *e;

	CHECK(NULL, logon(mem_ctx, &s));
	CHECK(s, ResolveNames(mem_ctx, s, name, &e));
	printf("ok resolve\t%s\t%s\t%s\n", e->display_name ? e->display_name : "",
	       e->smtp_address ? e->smtp_address : "", e->essdn ? e->essdn : "");
	MapiLogoff(s);
	return 0;
}

/* What one thread does with its own session: logon, list the IPM subtree */
struct worker {
	pthread_t thread;
	int status;
	uint32_t folders;
	char line[512];
};

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	TALLOC_CTX *mem_ctx = talloc_new(NULL);
	struct mapi_session *s = NULL;
	mapi_object_t store, top, table;
	uint32_t cols[] = { PidTagDisplayName, PidTagFolderId };
	struct mapi_row *rows;
	uint64_t fid;
	uint32_t count, n;
	enum MAPISTATUS ret;

	mapi_object_init(&store);
	mapi_object_init(&top);
	mapi_object_init(&table);
	w->status = 1;
	ret = logon(mem_ctx, &s);
	if (ret == MAPI_E_SUCCESS) ret = OpenMsgStore(s, &store);
	if (ret == MAPI_E_SUCCESS) ret = GetDefaultFolder(&store, olFolderTopInformationStore, &fid);
	if (ret == MAPI_E_SUCCESS) ret = OpenFolder(&store, fid, &top);
	if (ret == MAPI_E_SUCCESS) ret = GetHierarchyTable(&top, &table, &count);
	if (ret == MAPI_E_SUCCESS) ret = SetColumns(&table, cols, 2);
	if (ret == MAPI_E_SUCCESS) ret = QueryRows(mem_ctx, &table, 100, &rows, &n);
	if (ret == MAPI_E_SUCCESS) {
		w->folders = n;
		w->status = (n == count && n > 0) ? 0 : 1;
		snprintf(w->line, sizeof(w->line), "%u of %u folders", n, count);
	} else {
		snprintf(w->line, sizeof(w->line), "0x%08x: %s", (unsigned)ret,
			 MapiLastError(s) ? MapiLastError(s) : "");
	}
	if (s != NULL) {
		mapi_object_release(&table);
		mapi_object_release(&top);
		mapi_object_release(&store);
	}
	talloc_free(mem_ctx);
	return NULL;
}

static int cmd_threads(int n)
{
	struct worker *w = calloc(n, sizeof(*w));
	int i, failed = 0;

	if (w == NULL || n <= 0) {
		free(w);
		return 1;
	}
	for (i = 0; i < n; i++) {
		if (pthread_create(&w[i].thread, NULL, worker_main, &w[i]) != 0) {
			w[i].status = 2;
		}
	}
	for (i = 0; i < n; i++) {
		if (w[i].status != 2) {
			pthread_join(w[i].thread, NULL);
		}
		if (w[i].status != 0 || w[i].folders != w[0].folders) {
			printf("thread %d: %s\n", i, w[i].line);
			failed++;
		}
	}
	if (failed == 0) {
		printf("ok threads %d %u folders each\n", n, w[0].folders);
	}
	free(w);
	return failed == 0 ? 0 : 1;
}

/* Every call refuses what it cannot use, before any traffic */
static int cmd_badargs(TALLOC_CTX *mem_ctx)
{
	struct mapi_session *s = NULL;
	mapi_object_t store, empty, folder;
	uint64_t fid;
	uint32_t count;
	struct mapi_row *rows;
	struct mapi_propval *props;
	struct mapi_ab_table *table = NULL;
	static const uint32_t tags[] = { PidTagDisplayName };

	mapi_object_init(&empty);
	mapi_object_init(&folder);
	mapi_object_init(&store);
	EXPECT(MapiLogonParams(mem_ctx, NULL, &s) == MAPI_E_INVALID_PARAMETER);
	EXPECT(MapiLogonEx(mem_ctx, NULL, NULL, NULL, NULL) == MAPI_E_INVALID_PARAMETER);
	EXPECT(OpenMsgStore(NULL, &store) == MAPI_E_INVALID_PARAMETER);
	EXPECT(GetDefaultFolder(&empty, olFolderInbox, &fid) == MAPI_E_INVALID_PARAMETER);
	EXPECT(OpenFolder(&empty, 1, &folder) == MAPI_E_INVALID_PARAMETER);
	EXPECT(CreateFolder(&empty, MAPI_FOLDER_GENERIC, "x", NULL, false, &folder) ==
	       MAPI_E_INVALID_PARAMETER);
	EXPECT(GetContentsTable(&empty, &folder, &count) == MAPI_E_INVALID_PARAMETER);
	EXPECT(QueryRows(mem_ctx, &empty, 1, &rows, &count) == MAPI_E_INVALID_PARAMETER);
	EXPECT(SetProps(&empty, NULL, 0) == MAPI_E_INVALID_PARAMETER);
	EXPECT(GetPropsAll(mem_ctx, &empty, &props, &count) == MAPI_E_INVALID_PARAMETER);
	EXPECT(WriteStream(&empty, NULL, 0) == MAPI_E_INVALID_PARAMETER);
	EXPECT(ResolveNames(mem_ctx, NULL, "x", NULL) == MAPI_E_INVALID_PARAMETER);
	EXPECT(GetABHierarchy(mem_ctx, NULL, NULL, &count) == MAPI_E_INVALID_PARAMETER);
	EXPECT(OpenGALTable(mem_ctx, NULL, MAPI_AB_GAL, &table) == MAPI_E_INVALID_PARAMETER);
	EXPECT(GetGALTable(mem_ctx, NULL, tags, 1, 1, &rows, &count) == MAPI_E_INVALID_PARAMETER);
	EXPECT(GetGALTableCount(NULL, &count, NULL) == MAPI_E_INVALID_PARAMETER);
	EXPECT(SeekGALTable(NULL, "a", NULL) == MAPI_E_INVALID_PARAMETER);
	EXPECT(SeekGALTableRow(NULL, MAPI_AB_BEGINNING, 0) == MAPI_E_INVALID_PARAMETER);
	EXPECT(GetABProps(mem_ctx, NULL, "x", 0, tags, 1, &props) == MAPI_E_INVALID_PARAMETER);
	EXPECT(mapi_object_release(NULL) == MAPI_E_INVALID_PARAMETER);
	EXPECT(mapi_object_release(&empty) == MAPI_E_SUCCESS);
	/* with a live session: wrong object types and values */
	CHECK(NULL, logon(mem_ctx, &s));
	CHECK(s, OpenMsgStore(s, &store));
	EXPECT(GetDefaultFolder(&store, 9999, &fid) == MAPI_E_NO_SUPPORT);
	EXPECT(CreateFolder(&store, MAPI_FOLDER_GENERIC, "x", NULL, false, &folder) ==
	       MAPI_E_INVALID_PARAMETER);
	EXPECT(CreateMessage(&store, &folder) == MAPI_E_INVALID_PARAMETER);
	EXPECT(OpenStream(&store, PidTagSubject + 1, MAPI_OPEN_READ, &folder) == MAPI_E_INVALID_PARAMETER);
	EXPECT(OpenFolder(&store, 1, &store) == MAPI_E_INVALID_PARAMETER);
	/* a folder that does not exist: the server's ReturnValue */
	EXPECT(OpenFolder(&store, 0x0001000000ABCDEFull, &folder) == MAPI_E_NOT_FOUND);
	mapi_object_release(&store);
	/* the address book: bad arguments, unknown containers and entries */
	EXPECT(OpenGALTable(mem_ctx, s, 0x7FFFFFF0, &table) == MAPI_E_NOT_FOUND);
	EXPECT(table == NULL);
	CHECK(s, OpenGALTable(mem_ctx, s, MAPI_AB_GAL, &table));
	EXPECT(GetGALTable(mem_ctx, table, tags, 0, 1, &rows, &count) == MAPI_E_INVALID_PARAMETER);
	EXPECT(GetGALTable(mem_ctx, table, tags, 1, 0, &rows, &count) == MAPI_E_INVALID_PARAMETER);
	EXPECT(SeekGALTableRow(table, (enum mapi_ab_origin)7, 0) == MAPI_E_INVALID_PARAMETER);
	EXPECT(SeekGALTable(table, NULL, NULL) == MAPI_E_INVALID_PARAMETER);
	/* every display name sorts before U+FFFD */
	EXPECT(SeekGALTable(table, "\xef\xbf\xbd\xef\xbf\xbd", NULL) == MAPI_E_NOT_FOUND);
	EXPECT(GetABProps(mem_ctx, s, NULL, 0, tags, 1, &props) == MAPI_E_INVALID_PARAMETER);
	EXPECT(GetABProps(mem_ctx, s, NULL, 2, tags, 1, &props) == MAPI_E_INVALID_PARAMETER);
	EXPECT(GetABProps(mem_ctx, s, "/o=nowhere/cn=nobody", 0, tags, 1, &props) == MAPI_E_NOT_FOUND);
	EXPECT(MapiLastError(s) != NULL && strstr(MapiLastError(s), "nobody") != NULL);
	EXPECT(GetABProps(mem_ctx, s, NULL, 0x7FFFFFF0, tags, 1, &props) == MAPI_E_NOT_FOUND);
	talloc_free(table);
	MapiLogoff(s);
	printf("ok badargs\n");
	return 0;
}

/* The MId of a row: NSPI's PidTagInstanceKey is the MId, 4 bytes little-endian */
static uint32_t mid_of(const struct mapi_propval *v)
{
	if (MAPI_PROP_TYPE(v->tag) != PTYP_BINARY || v->value.binary.len != 4) {
		return 0;
	}
	return (uint32_t)v->value.binary.data[0] | (uint32_t)v->value.binary.data[1] << 8 |
		(uint32_t)v->value.binary.data[2] << 16 | (uint32_t)v->value.binary.data[3] << 24;
}

static const char *ab_string(const struct mapi_propval *v)
{
	return MAPI_PROP_TYPE(v->tag) == PTYP_STRING ? v->value.string : "";
}

static int cmd_hierarchy(TALLOC_CTX *mem_ctx)
{
	struct mapi_session *s = NULL;
	struct mapi_ab_container *c;
	uint32_t n, i;

	CHECK(NULL, logon(mem_ctx, &s));
	CHECK(s, GetABHierarchy(mem_ctx, s, &c, &n));
	for (i = 0; i < n; i++) {
		printf("container\t0x%08x\t%u\t0x%08x\t%d\t%u\t%s\n", c[i].container_id, c[i].depth,
		       c[i].flags, c[i].is_master, c[i].entryid.len, c[i].display_name);
	}
	printf("ok hierarchy %u\n", n);
	MapiLogoff(s);
	return 0;
}

/*
 * Pages through a container PAGE rows at a time, printing every entry
 * (display name, SMTP address, account, MId), then checks that the rows
 * read add up to GetGALTableCount, that GetABProps by MId and by ESSDN
 * agree with each row, and that the end of the table reads as empty.
 */
static int cmd_gal(TALLOC_CTX *mem_ctx, const char *container_name, uint32_t page)
{
	static const uint32_t cols[] = {
		PidTagDisplayName, PidTagSmtpAddress, PidTagAccount, PidTagInstanceKey,
		PidTagEmailAddress,
	};
	static const uint32_t prop_tags[] = { PidTagDisplayName, PidTagAccount };
	struct mapi_session *s = NULL;
	struct mapi_ab_table *table;
	struct mapi_ab_container *c;
	uint32_t container = MAPI_AB_GAL, ncont, total, position, seen = 0, n, i;
	struct mapi_row *rows;
	struct mapi_propval *props;

	CHECK(NULL, logon(mem_ctx, &s));
	if (container_name != NULL) {
		CHECK(s, GetABHierarchy(mem_ctx, s, &c, &ncont));
		for (i = 0; i < ncont && strcmp(c[i].display_name, container_name) != 0; i++) {
		}
		EXPECT(i < ncont);
		container = c[i].container_id;
	}
	CHECK(s, OpenGALTable(mem_ctx, s, container, &table));
	CHECK(s, GetGALTableCount(table, &total, &position));
	EXPECT(position == 0);
	for (;;) {
		CHECK(s, GetGALTable(mem_ctx, table, cols, 5, page, &rows, &n));
		EXPECT(n <= page);
		if (n == 0) {
			break;
		}
		for (i = 0; i < n; i++) {
			uint32_t mid = mid_of(&rows[i].props[3]);

			EXPECT(rows[i].count == 5);
			EXPECT(mid >= 0x10);
			printf("entry\t%s\t%s\t%s\t0x%08x\t%s\n", ab_string(&rows[i].props[0]),
			       ab_string(&rows[i].props[1]), ab_string(&rows[i].props[2]), mid,
			       ab_string(&rows[i].props[4]));
			CHECK(s, GetABProps(rows, s, NULL, mid, prop_tags, 2, &props));
			EXPECT(strcmp(ab_string(&props[0]), ab_string(&rows[i].props[0])) == 0);
			if (ab_string(&rows[i].props[4])[0] != '\0') {
				CHECK(s, GetABProps(rows, s, ab_string(&rows[i].props[4]), 0,
						    prop_tags, 2, &props));
				EXPECT(strcmp(ab_string(&props[0]), ab_string(&rows[i].props[0])) == 0);
			}
		}
		seen += n;
		CHECK(s, GetGALTableCount(table, &total, &position));
		EXPECT(position == seen);
		talloc_free(rows);
	}
	EXPECT(seen == total);
	/* again from the start after a rewind: the same first page */
	CHECK(s, SeekGALTableRow(table, MAPI_AB_BEGINNING, 0));
	CHECK(s, GetGALTableCount(table, &total, &position));
	EXPECT(position == 0);
	if (total > 1) {
		CHECK(s, SeekGALTableRow(table, MAPI_AB_END, -1));
		CHECK(s, GetGALTableCount(table, &total, &position));
		EXPECT(position == total - 1);
		CHECK(s, GetGALTable(mem_ctx, table, cols, 5, page, &rows, &n));
		EXPECT(n == 1);
	}
	talloc_free(table);
	printf("ok gal %u\n", seen);
	MapiLogoff(s);
	return 0;
}

/* SeekGALTable(PREFIX): the entry found, its row number and MId */
static int cmd_seek(TALLOC_CTX *mem_ctx, const char *prefix)
{
	static const uint32_t cols[] = { PidTagDisplayName, PidTagInstanceKey };
	struct mapi_session *s = NULL;
	struct mapi_ab_table *table;
	struct mapi_row *rows;
	struct mapi_propval *props;
	uint32_t mid = 0, total, position, n;
	enum MAPISTATUS ret;

	CHECK(NULL, logon(mem_ctx, &s));
	CHECK(s, OpenGALTable(mem_ctx, s, MAPI_AB_GAL, &table));
	ret = SeekGALTable(table, prefix, &mid);
	if (ret != MAPI_E_SUCCESS) {
		return fail(s, "SeekGALTable", ret);
	}
	CHECK(s, GetGALTableCount(table, &total, &position));
	CHECK(s, GetGALTable(mem_ctx, table, cols, 2, 1, &rows, &n));
	EXPECT(n == 1);
	EXPECT(mid_of(&rows[0].props[1]) == mid);
	CHECK(s, GetABProps(mem_ctx, s, NULL, mid, cols, 1, &props));
	EXPECT(strcmp(ab_string(&props[0]), ab_string(&rows[0].props[0])) == 0);
	printf("ok seek\t%s\t%u\t%u\n", ab_string(&rows[0].props[0]), position, total);
	MapiLogoff(s);
	return 0;
}

/*
 * MAPI_MAX_LOGONS stores at once in one session, each with a LogonId of
 * its own and each usable; the next one refused; a released store's
 * LogonId serving the next logon while the others stay usable.
 */
static int cmd_logons(TALLOC_CTX *mem_ctx)
{
	enum { MAX_LOGONS = 255 };
	static const uint32_t tags[] = { PidTagDisplayName };
	struct mapi_session *s = NULL;
	mapi_object_t *stores, extra;
	struct mapi_propval *props;
	bool used[256] = { false };
	uint64_t fid;
	enum MAPISTATUS ret;
	uint8_t freed;
	int i, public_count = 0;

	CHECK(NULL, logon(mem_ctx, &s));
	stores = talloc_array(mem_ctx, mapi_object_t, MAX_LOGONS);
	EXPECT(stores != NULL);
	for (i = 0; i < MAX_LOGONS; i++) {
		mapi_object_init(&stores[i]);
	}
	for (i = 0; i < MAX_LOGONS; i++) {
		/* every tenth one the public folders: both kinds share the LogonIds */
		if (i % 10 == 9) {
			CHECK(s, OpenPublicFolder(s, &stores[i]));
			public_count++;
		} else {
			CHECK(s, OpenMsgStore(s, &stores[i]));
		}
		EXPECT(!used[stores[i].logon_id]);
		used[stores[i].logon_id] = true;
	}
	/* each is a live logon of its own: a ROP on every one of them */
	for (i = 0; i < MAX_LOGONS; i++) {
		if (i % 10 != 9) {
			CHECK(s, GetDefaultFolder(&stores[i], olFolderInbox, &fid));
			EXPECT(fid == stores[0].folder_ids[4] || fid != 0);
		}
		CHECK(s, GetProps(mem_ctx, &stores[i], tags, 1, &props));
		EXPECT(MAPI_PROP_TYPE(props[0].tag) == PTYP_STRING);
		talloc_free(props);
	}
	mapi_object_init(&extra);
	ret = OpenMsgStore(s, &extra);
	EXPECT(ret == MAPI_E_NOT_ENOUGH_RESOURCES);
	EXPECT(MapiLastError(s) != NULL && strstr(MapiLastError(s), "LogonId") != NULL);
	printf("refused\t%s\n", MapiLastError(s));
	ret = OpenPublicFolder(s, &extra);
	EXPECT(ret == MAPI_E_NOT_ENOUGH_RESOURCES);
	/* a released store's LogonId is the next one handed out */
	freed = stores[100].logon_id;
	CHECK(s, mapi_object_release(&stores[100]));
	CHECK(s, OpenMsgStore(s, &stores[100]));
	EXPECT(stores[100].logon_id == freed);
	CHECK(s, GetDefaultFolder(&stores[100], olFolderInbox, &fid));
	/* and the others were not replaced by it (MS-OXCROPS 3.1.4.2) */
	CHECK(s, GetProps(mem_ctx, &stores[0], tags, 1, &props));
	CHECK(s, GetProps(mem_ctx, &stores[MAX_LOGONS - 1], tags, 1, &props));
	CHECK(s, GetDefaultFolder(&stores[101], olFolderInbox, &fid));
	for (i = 0; i < MAX_LOGONS; i++) {
		CHECK(s, mapi_object_release(&stores[i]));
	}
	/* all free again */
	CHECK(s, OpenMsgStore(s, &extra));
	EXPECT(extra.logon_id == 0);
	mapi_object_release(&extra);
	printf("ok logons %d %d\n", MAX_LOGONS, public_count);
	MapiLogoff(s);
	return 0;
}

static int usage(void)
{
	fprintf(stderr, "usage: libmapi_check (--server S --user U --password P [--domain D] | "
		"--profile-file F --profile NAME [--password P]) "
		"logon|inbox|roundtrip|embedded|entryids|resolve NAME|threads N|badargs|hierarchy|"
		"gal PAGE [CONTAINER]|seek PREFIX|logons\n");
	return 2;
}

int main(int argc, char **argv)
{
	TALLOC_CTX *mem_ctx;
	int i, status;
	const char *cmd = NULL, *arg = NULL, *arg2 = NULL;

	for (i = 1; i < argc; i++) {
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (strcmp(argv[i], "--server") == 0 && v) { conn.params.server = v; i++; }
		else if (strcmp(argv[i], "--user") == 0 && v) { conn.params.username = v; i++; }
		else if (strcmp(argv[i], "--password") == 0 && v) { conn.params.password = v; i++; }
		else if (strcmp(argv[i], "--domain") == 0 && v) { conn.params.domain = v; i++; }
		else if (strcmp(argv[i], "--profile-file") == 0 && v) { conn.profile_file = v; i++; }
		else if (strcmp(argv[i], "--profile") == 0 && v) { conn.profile = v; i++; }
		else if (strcmp(argv[i], "--realm") == 0 && v) { conn.params.realm = v; i++; }
		else if (strcmp(argv[i], "--binding") == 0 && v) { conn.params.binding = v; i++; }
		else if (strcmp(argv[i], "--kerberos") == 0) { conn.params.auth = MAPI_AUTH_KERBEROS; }
		else if (cmd == NULL) { cmd = argv[i]; }
		else if (arg == NULL) { arg = argv[i]; }
		else if (arg2 == NULL) { arg2 = argv[i]; }
		else return usage();
	}
	if (cmd == NULL) {
		return usage();
	}
	if (MapiInitialize() != MAPI_E_SUCCESS) {
		printf("error MapiInitialize\n");
		return 1;
	}
	mem_ctx = talloc_new(NULL);
	if (strcmp(cmd, "logon") == 0) status = cmd_logon(mem_ctx);
	else if (strcmp(cmd, "inbox") == 0) status = cmd_inbox(mem_ctx);
	else if (strcmp(cmd, "roundtrip") == 0) status = cmd_roundtrip(mem_ctx);
	else if (strcmp(cmd, "embedded") == 0) status = cmd_embedded(mem_ctx);
	else if (strcmp(cmd, "resolve") == 0 && arg) status = cmd_resolve(mem_ctx, arg);
	else if (strcmp(cmd, "threads") == 0 && arg) status = cmd_threads(atoi(arg));
	else if (strcmp(cmd, "badargs") == 0) status = cmd_badargs(mem_ctx);
	else if (strcmp(cmd, "entryids") == 0) status = cmd_entryids(mem_ctx);
	else if (strcmp(cmd, "hierarchy") == 0) status = cmd_hierarchy(mem_ctx);
	else if (strcmp(cmd, "gal") == 0 && arg) status = cmd_gal(mem_ctx, arg2, (uint32_t)atoi(arg));
	else if (strcmp(cmd, "seek") == 0 && arg) status = cmd_seek(mem_ctx, arg);
	else if (strcmp(cmd, "logons") == 0) status = cmd_logons(mem_ctx);
	else status = usage();
	fflush(stdout);
	talloc_free(mem_ctx);
	MapiUninitialize();
	return status;
}
