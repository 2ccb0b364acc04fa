/*
 * Unit tests of the MS-OXCMSG ROPs (mapiproxy/emsmdb/oxcmsg.c) through the
 * ROP dispatcher, on a real sqlite3 mailbox (emsmdb_fixture.c).  What a
 * ROP did is read back through another path: mapistore directly, or a
 * later ROP on a fresh object.  RecipientRows are built and parsed here
 * from MS-OXCDATA 2.8.3, independently of the server's codec.
 *
 * Copyright (C) OpenChange developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include <talloc.h>

#include "testsuite/unit/emsmdb_fixture.h"
#include "mapiproxy/emsmdb/oxcmsg.h"

#define INBOX 4
#define OUTBOX 5

#define TAG_SUBJECT 0x0037001Fu
#define TAG_SUBJECT_PREFIX 0x003D001Fu
#define TAG_NORMALIZED_SUBJECT 0x0E1D001Fu
#define TAG_MESSAGE_FLAGS 0x0E070003u
#define TAG_MESSAGE_CLASS 0x001A001Fu
#define TAG_RECIPIENT_TYPE 0x0C150003u
#define TAG_DISPLAY_NAME 0x3001001Fu
#define TAG_ADDRESS_TYPE 0x3002001Fu
#define TAG_EMAIL_ADDRESS 0x3003001Fu
#define TAG_SMTP_ADDRESS 0x39FE001Fu
#define TAG_SMTP_ADDRESS8 0x39FE001Eu
#define TAG_RECIPIENT_ORDER 0x5FDF0003u
#define TAG_ATTACH_LONG_FILENAME 0x3707001Fu
#define TAG_NAMED 0x8001001Fu

#define RUSSIAN "Отчёт о продажах за квартал"
#define JAPANESE "会議の議事録（第三四半期）"
#define FRENCH "Ça m'a été dit à l'œuvre, déjà"

/* --- requests ----------------------------------------------------------------------------- */

static struct rop_request create_message(uint64_t fid)
{
	struct rop_request r = { .rop_id = RopCreateMessage };

	r.u.create_message.code_page_id = 0x0FFF;
	r.u.create_message.folder_id = fid;
	return r;
}

static struct rop_request open_message(uint64_t fid, uint64_t mid, uint8_t mode)
{
	struct rop_request r = { .rop_id = RopOpenMessage };

	r.u.open_message.code_page_id = 0x0FFF;
	r.u.open_message.folder_id = fid;
	r.u.open_message.message_id = mid;
	r.u.open_message.open_mode_flags = mode;
	return r;
}

static struct rop_request save_message(uint8_t flags)
{
	struct rop_request r = { .rop_id = RopSaveChangesMessage };

	r.u.save_changes_message.save_flags = flags;
	return r;
}

static uint32_t run(struct emsmdb_fixture *f, struct emsmdb_session *s, struct rop_request r,
		    uint32_t in, uint32_t *out, struct rop_response *response)
{
	return emsmdb_fixture_rop(f, s, f, &r, in, out, NULL, response);
}

static struct emsmdb_message *message_at(struct emsmdb_session *s, uint32_t handle)
{
	struct emsmdb_message *m = emsmdb_message_of(emsmdb_object_lookup(s, handle));

	assert_non_null(m);
	return m;
}

static void set_string(struct emsmdb_session *s, uint32_t handle, uint32_t tag, const char *value)
{
	struct mapi_propval pv = { .tag = tag };
	struct mapistore_problems problems = { 0 };
	TALLOC_CTX *tmp = talloc_new(NULL);

	pv.value.string = (char *)value;
	assert_int_equal(mapistore_message_set_props(message_at(s, handle)->msg, 1, &pv, tmp, &problems),
			 MAPI_E_SUCCESS);
	assert_int_equal(problems.count, 0);
	talloc_free(tmp);
}

/* A message created and saved in folder FOLDER with SUBJECT (may be NULL); its MID. */
static uint64_t saved_message(struct emsmdb_fixture *f, int folder, const char *subject)
{
	struct rop_response response;
	uint32_t handle = 0;
	uint64_t mid;

	assert_int_equal(run(f, NULL, create_message(f->folder_ids[folder]), f->logon_handle, &handle,
			     &response), MAPI_E_SUCCESS);
	mid = response.u.create_message.u.ok.message_id;
	if (subject != NULL) {
		set_string(f->session, handle, TAG_SUBJECT, subject);
	}
	assert_int_equal(run(f, NULL, save_message(0), handle, NULL, NULL), MAPI_E_SUCCESS);
	emsmdb_object_release(emsmdb_object_lookup(f->session, handle));
	return mid;
}

/* The stored value of a string property, read through mapistore (NULL: absent). */
static char *stored_string(struct emsmdb_fixture *f, TALLOC_CTX *mem_ctx, int folder, uint64_t mid,
			   uint32_t tag)
{
	struct emsmdb_logon *logon = emsmdb_logon_get(f->session, 0);
	struct mapistore_message *msg;
	struct mapi_flagged_propval v;

	assert_int_equal(mapistore_message_open(logon->store, mem_ctx, f->folder_ids[folder], mid,
						MAPISTORE_OPEN_READ_ONLY, &msg), MAPI_E_SUCCESS);
	assert_int_equal(mapistore_message_get_props(msg, mem_ctx, 1, &tag, &v), MAPI_E_SUCCESS);
	return v.flag == MAPI_PROPVAL_PRESENT ? v.pv.value.string : NULL;
}

static uint32_t stored_flags(struct emsmdb_fixture *f, int folder, uint64_t mid)
{
	struct emsmdb_logon *logon = emsmdb_logon_get(f->session, 0);
	TALLOC_CTX *tmp = talloc_new(NULL);
	struct mapistore_message *msg;
	struct mapi_flagged_propval v;
	uint32_t tag = TAG_MESSAGE_FLAGS, flags;

	assert_int_equal(mapistore_message_open(logon->store, tmp, f->folder_ids[folder], mid,
						MAPISTORE_OPEN_READ_ONLY, &msg), MAPI_E_SUCCESS);
	assert_int_equal(mapistore_message_get_props(msg, tmp, 1, &tag, &v), MAPI_E_SUCCESS);
	assert_int_equal(v.flag, MAPI_PROPVAL_PRESENT);
	flags = v.pv.value.i32;
	talloc_free(tmp);
	return flags;
}

/* --- RecipientRows by hand (MS-OXCDATA 2.8.3) ------------------------------------------------ */

struct bytes {
	uint8_t data[1024];
	size_t len;
};

static void put_u8(struct bytes *b, uint8_t v) { b->data[b->len++] = v; }
static void put_u16(struct bytes *b, uint16_t v) { put_u8(b, v & 0xFF); put_u8(b, v >> 8); }
static void put_u32(struct bytes *b, uint32_t v) { put_u16(b, v & 0xFFFF); put_u16(b, v >> 16); }

/* UTF-8 (BMP only, which every test string is) to NUL-terminated UTF-16LE. */
static void put_utf16(struct bytes *b, const char *utf8)
{
	const unsigned char *s = (const unsigned char *)utf8;

	while (*s) {
		uint32_t c;

		if (*s < 0x80) {
			c = *s++;
		} else if ((*s & 0xE0) == 0xC0) {
			c = ((s[0] & 0x1F) << 6) | (s[1] & 0x3F);
			s += 2;
		} else {
			c = ((s[0] & 0x0F) << 12) | ((s[1] & 0x3F) << 6) | (s[2] & 0x3F);
			s += 3;
		}
		put_u16(b, (uint16_t)c);
	}
	put_u16(b, 0);
}

static void put_string8(struct bytes *b, const char *s)
{
	memcpy(b->data + b->len, s, strlen(s) + 1);
	b->len += strlen(s) + 1;
}

static struct rop_modify_recipient_row modify_row(TALLOC_CTX *mem_ctx, uint32_t row_id, uint8_t type,
						  const struct bytes *b)
{
	struct rop_modify_recipient_row row = { .row_id = row_id, .recipient_type = type };

	row.recipient_row_size = (uint16_t)b->len;
	row.recipient_row = b->len ? talloc_memdup(mem_ctx, b->data, b->len) : NULL;
	return row;
}

/* The parsed standard part of a RecipientRow the server sent. */
struct parsed_row {
	uint16_t flags;
	char email[128], display[128], addrtype[32], dn[128];
	uint16_t ncols;
};

static void get_utf16(const uint8_t *p, size_t *off, size_t len, char *out, size_t outlen)
{
	size_t n = 0;

	for (;;) {
		uint16_t c;

		assert_true(*off + 2 <= len);
		c = (uint16_t)(p[*off] | (p[*off + 1] << 8));
		*off += 2;
		if (c == 0) {
			break;
		}
		assert_true(n + 3 < outlen);
		if (c < 0x80) {
			out[n++] = (char)c;
		} else if (c < 0x800) {
			out[n++] = (char)(0xC0 | (c >> 6));
			out[n++] = (char)(0x80 | (c & 0x3F));
		} else {
			out[n++] = (char)(0xE0 | (c >> 12));
			out[n++] = (char)(0x80 | ((c >> 6) & 0x3F));
			out[n++] = (char)(0x80 | (c & 0x3F));
		}
	}
	out[n] = '\0';
}

static void parse_row(const uint8_t *p, size_t len, struct parsed_row *out)
{
	size_t off = 2;

	memset(out, 0, sizeof(*out));
	assert_true(len >= 2);
	out->flags = (uint16_t)(p[0] | (p[1] << 8));
	assert_true(out->flags & EMSMDB_RECIP_U);	/* this server always sends UTF-16 */
	if ((out->flags & 7) == EMSMDB_RECIP_X500DN) {
		off += 2;	/* AddressPrefixUsed, DisplayType */
		strncpy(out->dn, (const char *)p + off, sizeof(out->dn) - 1);
		off += strlen(out->dn) + 1;
	}
	if ((out->flags & 7) == EMSMDB_RECIP_NOTYPE && (out->flags & EMSMDB_RECIP_O)) {
		get_utf16(p, &off, len, out->addrtype, sizeof(out->addrtype));
	}
	if (out->flags & EMSMDB_RECIP_E) {
		get_utf16(p, &off, len, out->email, sizeof(out->email));
	}
	if (out->flags & EMSMDB_RECIP_D) {
		get_utf16(p, &off, len, out->display, sizeof(out->display));
	}
	assert_true(off + 2 <= len);
	out->ncols = (uint16_t)(p[off] | (p[off + 1] << 8));
}

/* --- tests ------------------------------------------------------------------------------- */

/*
 * MS-OXCMSG 3.2.5.2, 3.2.5.3, 3.2.5.1: create, save, open; subjects in
 * three scripts come back byte for byte, through the ROP and through
 * mapistore.
 */
static void test_create_save_open_subjects(void **state)
{
	struct emsmdb_fixture *f = *state;
	const char *subjects[] = { RUSSIAN, JAPANESE, FRENCH };
	int i;

	for (i = 0; i < 3; i++) {
		struct rop_response response;
		uint32_t handle = 0, opened = 0;
		uint64_t mid;
		char *full = talloc_asprintf(f, "RE: %s", subjects[i]);

		assert_int_equal(run(f, NULL, create_message(f->folder_ids[INBOX]), f->logon_handle,
				     &handle, &response), MAPI_E_SUCCESS);
		assert_int_equal(response.u.create_message.u.ok.has_message_id, 1);
		mid = response.u.create_message.u.ok.message_id;
		assert_true(mid != 0);
		assert_int_equal(message_at(f->session, handle)->mid, mid);
		set_string(f->session, handle, TAG_SUBJECT_PREFIX, "RE: ");
		set_string(f->session, handle, TAG_SUBJECT, full);
		assert_int_equal(run(f, NULL, save_message(MAPISTORE_SAVE_KEEP_OPEN_READ_WRITE), handle,
				     NULL, &response), MAPI_E_SUCCESS);
		assert_int_equal(response.u.save_changes_message.u.ok.message_id, mid);

		assert_int_equal(run(f, NULL, open_message(f->folder_ids[INBOX], mid, 0), f->logon_handle,
				     &opened, &response), MAPI_E_SUCCESS);
		assert_int_equal(response.u.open_message.u.ok.subject_prefix.type, MAPI_TSTRING_UNICODE);
		assert_string_equal(response.u.open_message.u.ok.subject_prefix.str, "RE: ");
		assert_int_equal(response.u.open_message.u.ok.normalized_subject.type, MAPI_TSTRING_UNICODE);
		assert_int_equal(strlen(response.u.open_message.u.ok.normalized_subject.str),
				 strlen(subjects[i]));
		assert_memory_equal(response.u.open_message.u.ok.normalized_subject.str, subjects[i],
				    strlen(subjects[i]) + 1);
		assert_int_equal(response.u.open_message.u.ok.has_named_properties, 0);
		assert_int_equal(response.u.open_message.u.ok.recipient_count, 0);
		assert_string_equal(stored_string(f, f, INBOX, mid, TAG_SUBJECT), full);
		/* the initial properties of MS-OXCMSG 3.2.5.2 */
		assert_string_equal(stored_string(f, f, INBOX, mid, TAG_MESSAGE_CLASS), "IPM.Note");
	}
}

/* Without any subject the TypedStrings say so (NoString), and named properties are reported. */
static void test_open_without_subject_named(void **state)
{
	struct emsmdb_fixture *f = *state;
	struct rop_response response;
	uint32_t handle = 0;
	uint64_t mid;

	assert_int_equal(run(f, NULL, create_message(f->folder_ids[INBOX]), f->logon_handle, &handle,
			     &response), MAPI_E_SUCCESS);
	mid = response.u.create_message.u.ok.message_id;
	set_string(f->session, handle, TAG_NAMED, "x");
	assert_int_equal(run(f, NULL, save_message(0), handle, NULL, NULL), MAPI_E_SUCCESS);
	assert_int_equal(run(f, NULL, open_message(f->folder_ids[INBOX], mid, 0), f->logon_handle,
			     NULL, &response), MAPI_E_SUCCESS);
	assert_int_equal(response.u.open_message.u.ok.subject_prefix.type, MAPI_TSTRING_NONE);
	assert_int_equal(response.u.open_message.u.ok.normalized_subject.type, MAPI_TSTRING_NONE);
	assert_int_equal(response.u.open_message.u.ok.has_named_properties, 1);
}

/* MS-OXCMSG 3.2.5.3: nothing of a message is visible before its save. */
static void test_unsaved_changes_invisible(void **state)
{
	struct emsmdb_fixture *f = *state;
	struct rop_response response;
	uint32_t created = 0, writer = 0, reader = 0;
	uint64_t mid_new, mid;

	assert_int_equal(run(f, NULL, create_message(f->folder_ids[INBOX]), f->logon_handle, &created,
			     &response), MAPI_E_SUCCESS);
	mid_new = response.u.create_message.u.ok.message_id;
	assert_int_equal(run(f, NULL, open_message(f->folder_ids[INBOX], mid_new, 0), f->logon_handle,
			     NULL, NULL), MAPI_E_NOT_FOUND);

	mid = saved_message(f, INBOX, FRENCH);
	assert_int_equal(run(f, NULL, open_message(f->folder_ids[INBOX], mid, 1), f->logon_handle,
			     &writer, NULL), MAPI_E_SUCCESS);
	set_string(f->session, writer, TAG_SUBJECT, RUSSIAN);
	assert_int_equal(run(f, NULL, open_message(f->folder_ids[INBOX], mid, 0), f->logon_handle,
			     &reader, &response), MAPI_E_SUCCESS);
	assert_string_equal(response.u.open_message.u.ok.normalized_subject.str, FRENCH);
	assert_string_equal(stored_string(f, f, INBOX, mid, TAG_SUBJECT), FRENCH);
}

/*
 * MS-OXCMSG 3.2.5.3: a second writer's save after the first is
 * ecObjectModified; ForceSave wins.  The writers are in two sessions.
 */
static void test_save_conflict(void **state)
{
	struct emsmdb_fixture *f = *state;
	struct emsmdb_session *other;
	uint32_t other_logon = 0, first = 0, second = 0;
	uint64_t mid = saved_message(f, INBOX, "original");

	other = emsmdb_fixture_session(f, FIXTURE_OWNER_SID, &other_logon);
	assert_int_equal(run(f, NULL, open_message(f->folder_ids[INBOX], mid, 1), f->logon_handle,
			     &first, NULL), MAPI_E_SUCCESS);
	assert_int_equal(run(f, other, open_message(f->folder_ids[INBOX], mid, 3), other_logon,
			     &second, NULL), MAPI_E_SUCCESS);
	set_string(f->session, first, TAG_SUBJECT, "first");
	set_string(other, second, TAG_SUBJECT, "second");
	assert_int_equal(run(f, NULL, save_message(MAPISTORE_SAVE_KEEP_OPEN_READ_WRITE), first, NULL,
			     NULL), MAPI_E_SUCCESS);
	assert_int_equal(run(f, other, save_message(MAPISTORE_SAVE_KEEP_OPEN_READ_WRITE), second, NULL,
			     NULL), MAPI_E_OBJECT_CHANGED);
	assert_string_equal(stored_string(f, f, INBOX, mid, TAG_SUBJECT), "first");
	assert_int_equal(run(f, other, save_message(MAPISTORE_SAVE_FORCE), second, NULL, NULL),
			 MAPI_E_SUCCESS);
	assert_string_equal(stored_string(f, f, INBOX, mid, TAG_SUBJECT), "second");
	talloc_free(other);
}

/* MS-OXCMSG 3.2.5.3: a save of a message deleted meanwhile is ecObjectDeleted. */
static void test_save_deleted(void **state)
{
	struct emsmdb_fixture *f = *state;
	struct emsmdb_logon *logon = emsmdb_logon_get(f->session, 0);
	struct mapistore_folder *inbox;
	uint32_t handle = 0, partial = 0;
	uint64_t mid = saved_message(f, INBOX, "doomed");

	assert_int_equal(run(f, NULL, open_message(f->folder_ids[INBOX], mid, 1), f->logon_handle,
			     &handle, NULL), MAPI_E_SUCCESS);
	set_string(f->session, handle, TAG_SUBJECT, "too late");
	assert_int_equal(mapistore_folder_open(logon->store, f, f->folder_ids[INBOX], &inbox),
			 MAPI_E_SUCCESS);
	assert_int_equal(mapistore_messages_delete(inbox, 1, &mid, true, &partial), MAPI_E_SUCCESS);
	assert_int_equal(run(f, NULL, save_message(0), handle, NULL, NULL), MAPI_E_OBJECT_DELETED);
	assert_int_equal(run(f, NULL, open_message(f->folder_ids[INBOX], mid, 0), f->logon_handle,
			     NULL, NULL), MAPI_E_NOT_FOUND);
}

/* A message opened read-only refuses saves and edits with ecAccessDenied; nothing changes. */
static void test_read_only_refuses(void **state)
{
	struct emsmdb_fixture *f = *state;
	struct rop_request modify = { .rop_id = RopModifyRecipients };
	struct rop_request attach = { .rop_id = RopCreateAttachment };
	struct rop_request remove_all = { .rop_id = RopRemoveAllRecipients };
	uint32_t handle = 0, before;
	uint64_t mid = saved_message(f, INBOX, "unchanged");

	assert_int_equal(run(f, NULL, open_message(f->folder_ids[INBOX], mid, 0), f->logon_handle,
			     &handle, NULL), MAPI_E_SUCCESS);
	assert_int_equal(run(f, NULL, save_message(0), handle, NULL, NULL), MAPI_E_NO_ACCESS);
	assert_int_equal(run(f, NULL, modify, handle, NULL, NULL), MAPI_E_NO_ACCESS);
	assert_int_equal(run(f, NULL, remove_all, handle, NULL, NULL), MAPI_E_NO_ACCESS);
	before = f->session->handles.used;
	assert_int_equal(run(f, NULL, attach, handle, NULL, NULL), MAPI_E_NO_ACCESS);
	assert_int_equal(f->session->handles.used, before);
	assert_string_equal(stored_string(f, f, INBOX, mid, TAG_SUBJECT), "unchanged");
}

/* Two recipients: Russian SMTP in UTF-16, and a French name in the session's 8-bit code page. */
static void two_recipients(TALLOC_CTX *mem_ctx, struct rop_request *r)
{
	struct bytes ivan = { .len = 0 }, francois = { .len = 0 };
	uint32_t *columns = talloc_array(mem_ctx, uint32_t, 2);

	columns[0] = TAG_SMTP_ADDRESS8;
	columns[1] = TAG_RECIPIENT_ORDER;
	memset(r, 0, sizeof(*r));
	r->rop_id = RopModifyRecipients;
	r->u.modify_recipients.column_count = 2;
	r->u.modify_recipients.recipient_columns = columns;
	r->u.modify_recipients.row_count = 2;
	r->u.modify_recipients.recipient_rows = talloc_array(mem_ctx, struct rop_modify_recipient_row, 2);

	put_u16(&ivan, EMSMDB_RECIP_SMTP | EMSMDB_RECIP_E | EMSMDB_RECIP_D | EMSMDB_RECIP_U);
	put_utf16(&ivan, "ivan@example.com");
	put_utf16(&ivan, "Иван Петров");
	put_u16(&ivan, 2);		/* RecipientColumnCount */
	put_u8(&ivan, 0);		/* standard PropertyRow */
	put_string8(&ivan, "ivan@example.com");
	put_u32(&ivan, 7);
	r->u.modify_recipients.recipient_rows[0] = modify_row(mem_ctx, 0, 1, &ivan);

	/* no U flag: 8-bit strings in the code page of EcDoConnectEx (here 1252) */
	put_u16(&francois, EMSMDB_RECIP_NOTYPE | EMSMDB_RECIP_O | EMSMDB_RECIP_E | EMSMDB_RECIP_D);
	put_string8(&francois, "X-CUSTOM");
	put_string8(&francois, "francois@example.fr");
	put_string8(&francois, "Fran\xe7ois L\xe9ger");
	put_u16(&francois, 1);		/* only the first column */
	put_u8(&francois, 1);		/* flagged PropertyRow */
	put_u8(&francois, 0);
	put_string8(&francois, "fl@example.fr");
	r->u.modify_recipients.recipient_rows[1] = modify_row(mem_ctx, 1, 2, &francois);
}

/* MS-OXCMSG 3.2.5.5, 3.2.5.6, 3.2.5.4 and the rows of RopOpenMessage. */
static void test_recipients(void **state)
{
	struct emsmdb_fixture *f = *state;
	struct emsmdb_logon *logon = emsmdb_logon_get(f->session, 0);
	struct rop_request modify, read = { .rop_id = RopReadRecipients };
	struct rop_request remove_all = { .rop_id = RopRemoveAllRecipients };
	struct rop_response response;
	struct mapistore_message *msg;
	struct mapistore_recipient *rows;
	struct parsed_row parsed;
	struct bytes empty = { .len = 0 };
	uint32_t handle = 0, opened = 0, count = 0;
	uint64_t mid;
	uint16_t i;
	const struct mapi_propval *smtp = NULL, *addrtype = NULL, *display = NULL, *rtype = NULL;

	f->session->code_page = 1252;
	assert_int_equal(run(f, NULL, create_message(f->folder_ids[INBOX]), f->logon_handle, &handle,
			     &response), MAPI_E_SUCCESS);
	mid = response.u.create_message.u.ok.message_id;
	two_recipients(f, &modify);
	assert_int_equal(run(f, NULL, modify, handle, NULL, NULL), MAPI_E_SUCCESS);
	assert_int_equal(run(f, NULL, save_message(MAPISTORE_SAVE_KEEP_OPEN_READ_WRITE), handle, NULL,
			     NULL), MAPI_E_SUCCESS);

	/* stored as properties, strings UTF-8 */
	assert_int_equal(mapistore_message_open(logon->store, f, f->folder_ids[INBOX], mid,
						MAPISTORE_OPEN_READ_ONLY, &msg), MAPI_E_SUCCESS);
	assert_int_equal(mapistore_message_read_recipients(msg, f, 0, &count, &rows), MAPI_E_SUCCESS);
	assert_int_equal(count, 2);
	for (i = 0; i < rows[1].count; i++) {
		switch (rows[1].props[i].tag) {
		case TAG_SMTP_ADDRESS: smtp = &rows[1].props[i]; break;
		case TAG_ADDRESS_TYPE: addrtype = &rows[1].props[i]; break;
		case TAG_DISPLAY_NAME: display = &rows[1].props[i]; break;
		case TAG_RECIPIENT_TYPE: rtype = &rows[1].props[i]; break;
		}
	}
	assert_non_null(smtp);
	assert_string_equal(smtp->value.string, "fl@example.fr");
	assert_string_equal(addrtype->value.string, "X-CUSTOM");
	assert_string_equal(display->value.string, "François Léger");
	assert_int_equal(rtype->value.i32, 2);

	/* RopOpenMessage: the count and both rows */
	assert_int_equal(run(f, NULL, open_message(f->folder_ids[INBOX], mid, 0), f->logon_handle,
			     &opened, &response), MAPI_E_SUCCESS);
	assert_int_equal(response.u.open_message.u.ok.recipient_count, 2);
	assert_int_equal(response.u.open_message.u.ok.row_count, 2);
	assert_int_equal(response.u.open_message.u.ok.recipient_rows[0].recipient_type, 1);
	parse_row(response.u.open_message.u.ok.recipient_rows[0].recipient_row,
		  response.u.open_message.u.ok.recipient_rows[0].recipient_row_size, &parsed);
	assert_int_equal(parsed.flags & 7, EMSMDB_RECIP_SMTP);
	assert_string_equal(parsed.email, "ivan@example.com");
	assert_string_equal(parsed.display, "Иван Петров");
	assert_int_equal(parsed.ncols, response.u.open_message.u.ok.column_count);
	assert_int_equal(response.u.open_message.u.ok.recipient_rows[1].recipient_type, 2);
	parse_row(response.u.open_message.u.ok.recipient_rows[1].recipient_row,
		  response.u.open_message.u.ok.recipient_rows[1].recipient_row_size, &parsed);
	assert_true(parsed.flags & EMSMDB_RECIP_O);
	assert_string_equal(parsed.addrtype, "X-CUSTOM");
	assert_string_equal(parsed.display, "François Léger");

	/* RopReadRecipients from RowId 1, and past the end */
	read.u.read_recipients.row_id = 1;
	assert_int_equal(run(f, NULL, read, opened, NULL, &response), MAPI_E_SUCCESS);
	assert_int_equal(response.u.read_recipients.u.ok.row_count, 1);
	assert_int_equal(response.u.read_recipients.u.ok.recipient_rows[0].row_id, 1);
	parse_row(response.u.read_recipients.u.ok.recipient_rows[0].recipient_row,
		  response.u.read_recipients.u.ok.recipient_rows[0].recipient_row_size, &parsed);
	assert_string_equal(parsed.email, "francois@example.fr");
	read.u.read_recipients.row_id = 2;
	assert_int_equal(run(f, NULL, read, opened, NULL, NULL), MAPI_E_NOT_FOUND);
	/* a RowId between existing ones names no recipient (MS-OXCMSG 3.2.5.6) */
	{
		struct bytes b = { .len = 0 };
		struct rop_request add = { .rop_id = RopModifyRecipients };

		put_u16(&b, EMSMDB_RECIP_D | EMSMDB_RECIP_U);
		put_utf16(&b, "Row five");
		put_u16(&b, 0);
		put_u8(&b, 0);
		add.u.modify_recipients.row_count = 1;
		add.u.modify_recipients.recipient_rows = talloc_array(f, struct rop_modify_recipient_row, 1);
		add.u.modify_recipients.recipient_rows[0] = modify_row(f, 5, 3, &b);
		assert_int_equal(run(f, NULL, add, handle, NULL, NULL), MAPI_E_SUCCESS);
		read.u.read_recipients.row_id = 3;
		assert_int_equal(run(f, NULL, read, handle, NULL, NULL), MAPI_E_NOT_FOUND);
		read.u.read_recipients.row_id = 5;
		assert_int_equal(run(f, NULL, read, handle, NULL, &response), MAPI_E_SUCCESS);
		assert_int_equal(response.u.read_recipients.u.ok.row_count, 1);
		assert_int_equal(response.u.read_recipients.u.ok.recipient_rows[0].recipient_type, 3);
	}

	/* a row without RecipientRow removes its recipient */
	modify.u.modify_recipients.row_count = 1;
	modify.u.modify_recipients.recipient_rows[0] = modify_row(f, 0, 1, &empty);
	assert_int_equal(run(f, NULL, modify, handle, NULL, NULL), MAPI_E_SUCCESS);
	read.u.read_recipients.row_id = 0;
	assert_int_equal(run(f, NULL, read, handle, NULL, &response), MAPI_E_SUCCESS);
	assert_int_equal(response.u.read_recipients.u.ok.row_count, 2);
	assert_int_equal(response.u.read_recipients.u.ok.recipient_rows[0].row_id, 1);
	assert_int_equal(response.u.read_recipients.u.ok.recipient_rows[1].row_id, 5);

	/* RopRemoveAllRecipients, then saved: none left */
	assert_int_equal(run(f, NULL, remove_all, handle, NULL, NULL), MAPI_E_SUCCESS);
	assert_int_equal(run(f, NULL, read, handle, NULL, NULL), MAPI_E_NOT_FOUND);
	assert_int_equal(run(f, NULL, save_message(0), handle, NULL, NULL), MAPI_E_SUCCESS);
	assert_int_equal(run(f, NULL, open_message(f->folder_ids[INBOX], mid, 0), f->logon_handle,
			     NULL, &response), MAPI_E_SUCCESS);
	assert_int_equal(response.u.open_message.u.ok.recipient_count, 0);
}

/*
 * More recipients than one response holds: RopOpenMessage sends what fits
 * with the full RecipientCount, RopReadRecipients the rest, call by call.
 */
static void test_many_recipients(void **state)
{
	struct emsmdb_fixture *f = *state;
	struct rop_request modify = { .rop_id = RopModifyRecipients };
	struct rop_request read = { .rop_id = RopReadRecipients };
	struct rop_response response;
	struct parsed_row parsed;
	uint32_t handle = 0, opened = 0, next, seen;
	uint64_t mid;
	uint16_t i;

	assert_int_equal(run(f, NULL, create_message(f->folder_ids[INBOX]), f->logon_handle, &handle,
			     &response), MAPI_E_SUCCESS);
	mid = response.u.create_message.u.ok.message_id;
	modify.u.modify_recipients.row_count = 200;
	modify.u.modify_recipients.recipient_rows = talloc_array(f, struct rop_modify_recipient_row, 200);
	for (i = 0; i < 200; i++) {
		struct bytes b = { .len = 0 };
		char name[128];

		snprintf(name, sizeof(name), "Получатель номер %03u с довольно длинным именем", i);
		put_u16(&b, EMSMDB_RECIP_D | EMSMDB_RECIP_U);
		put_utf16(&b, name);
		put_u16(&b, 0);
		put_u8(&b, 0);
		modify.u.modify_recipients.recipient_rows[i] = modify_row(f, i, 1, &b);
	}
	assert_int_equal(run(f, NULL, modify, handle, NULL, NULL), MAPI_E_SUCCESS);
	assert_int_equal(run(f, NULL, save_message(0), handle, NULL, NULL), MAPI_E_SUCCESS);

	assert_int_equal(run(f, NULL, open_message(f->folder_ids[INBOX], mid, 0), f->logon_handle,
			     &opened, &response), MAPI_E_SUCCESS);
	assert_int_equal(response.u.open_message.u.ok.recipient_count, 200);
	seen = response.u.open_message.u.ok.row_count;
	assert_true(seen > 0 && seen < 200);
	next = seen;
	while (next < 200) {
		read.u.read_recipients.row_id = next;
		assert_int_equal(run(f, NULL, read, opened, NULL, &response), MAPI_E_SUCCESS);
		assert_true(response.u.read_recipients.u.ok.row_count > 0);
		for (i = 0; i < response.u.read_recipients.u.ok.row_count; i++) {
			char name[128];

			assert_int_equal(response.u.read_recipients.u.ok.recipient_rows[i].row_id, next + i);
			parse_row(response.u.read_recipients.u.ok.recipient_rows[i].recipient_row,
				  response.u.read_recipients.u.ok.recipient_rows[i].recipient_row_size,
				  &parsed);
			snprintf(name, sizeof(name), "Получатель номер %03u с довольно длинным именем",
				 next + i);
			assert_string_equal(parsed.display, name);
		}
		next += response.u.read_recipients.u.ok.row_count;
	}
	assert_int_equal(next, 200);
}

/* A malformed RecipientRow or column is ecInvalidParameter, and the recipients stay. */
static void test_bad_recipient_rows(void **state)
{
	struct emsmdb_fixture *f = *state;
	struct rop_request modify, read = { .rop_id = RopReadRecipients };
	struct rop_response response;
	struct bytes bad = { .len = 0 };
	uint32_t handle = 0;

	assert_int_equal(run(f, NULL, create_message(f->folder_ids[INBOX]), f->logon_handle, &handle,
			     NULL), MAPI_E_SUCCESS);
	two_recipients(f, &modify);
	assert_int_equal(run(f, NULL, modify, handle, NULL, NULL), MAPI_E_SUCCESS);

	/* a DisplayName without its terminator */
	put_u16(&bad, EMSMDB_RECIP_D | EMSMDB_RECIP_U);
	put_u16(&bad, 'A');
	two_recipients(f, &modify);
	modify.u.modify_recipients.recipient_rows[1] = modify_row(f, 5, 1, &bad);
	assert_int_equal(run(f, NULL, modify, handle, NULL, NULL), MAPI_E_INVALID_PARAMETER);
	/* more columns in a row than the request has */
	bad.len = 0;
	put_u16(&bad, EMSMDB_RECIP_U);
	put_u16(&bad, 3);
	put_u8(&bad, 0);
	modify.u.modify_recipients.recipient_rows[1] = modify_row(f, 5, 1, &bad);
	assert_int_equal(run(f, NULL, modify, handle, NULL, NULL), MAPI_E_INVALID_PARAMETER);
	/* a column of type PtypUnspecified */
	two_recipients(f, &modify);
	modify.u.modify_recipients.recipient_columns[1] = 0x5FDF0000u;
	assert_int_equal(run(f, NULL, modify, handle, NULL, NULL), MAPI_E_INVALID_PARAMETER);

	read.u.read_recipients.row_id = 0;
	assert_int_equal(run(f, NULL, read, handle, NULL, &response), MAPI_E_SUCCESS);
	assert_int_equal(response.u.read_recipients.u.ok.row_count, 2);
	assert_int_equal(response.u.read_recipients.u.ok.recipient_rows[1].row_id, 1);
}

/* RopReloadCachedInformation forgets unsaved changes and answers like RopOpenMessage. */
static void test_reload(void **state)
{
	struct emsmdb_fixture *f = *state;
	struct rop_request reload = { .rop_id = RopReloadCachedInformation };
	struct rop_response response;
	uint32_t handle = 0;
	uint64_t mid = saved_message(f, INBOX, JAPANESE);

	assert_int_equal(run(f, NULL, open_message(f->folder_ids[INBOX], mid, 1), f->logon_handle,
			     &handle, NULL), MAPI_E_SUCCESS);
	set_string(f->session, handle, TAG_SUBJECT, "changed");
	assert_int_equal(run(f, NULL, reload, handle, NULL, &response), MAPI_E_SUCCESS);
	assert_string_equal(response.u.reload_cached_information.u.ok.normalized_subject.str, JAPANESE);
	assert_int_equal(run(f, NULL, save_message(0), handle, NULL, NULL), MAPI_E_SUCCESS);
	assert_string_equal(stored_string(f, f, INBOX, mid, TAG_SUBJECT), JAPANESE);
}

static struct rop_request attachment_rop(uint8_t rop_id, uint32_t id)
{
	struct rop_request r = { .rop_id = rop_id };

	if (rop_id == RopOpenAttachment) {
		r.u.open_attachment.attachment_id = id;
	} else if (rop_id == RopDeleteAttachment) {
		r.u.delete_attachment.attachment_id = id;
	}
	return r;
}

static void set_attachment_name(struct emsmdb_session *s, uint32_t handle, const char *name)
{
	struct emsmdb_attachment *a = emsmdb_attachment_of(emsmdb_object_lookup(s, handle));
	struct mapi_propval pv = { .tag = TAG_ATTACH_LONG_FILENAME };
	struct mapistore_problems problems = { 0 };
	TALLOC_CTX *tmp = talloc_new(NULL);

	assert_non_null(a);
	pv.value.string = (char *)name;
	assert_int_equal(mapistore_attachment_set_props(a->att, 1, &pv, tmp, &problems), MAPI_E_SUCCESS);
	talloc_free(tmp);
}

/* MS-OXCMSG 3.2.5.12 to 3.2.5.18: create, save, list, open, delete, table. */
static void test_attachments(void **state)
{
	struct emsmdb_fixture *f = *state;
	struct rop_request save_att = { .rop_id = RopSaveChangesAttachment };
	struct rop_request valid = { .rop_id = RopGetValidAttachments };
	struct rop_request table = { .rop_id = RopGetAttachmentTable };
	struct rop_response response;
	uint32_t handle = 0, att0 = 0, att1 = 0, opened = 0, msg2 = 0, tbl = 0, id0, id1, tag;
	struct emsmdb_attachment *a;
	struct emsmdb_table *t;
	struct mapi_flagged_propval v;
	uint64_t mid;

	assert_int_equal(run(f, NULL, create_message(f->folder_ids[OUTBOX]), f->logon_handle, &handle,
			     &response), MAPI_E_SUCCESS);
	mid = response.u.create_message.u.ok.message_id;
	assert_int_equal(run(f, NULL, attachment_rop(RopCreateAttachment, 0), handle, &att0, &response),
			 MAPI_E_SUCCESS);
	id0 = response.u.create_attachment.u.ok.attachment_id;
	set_attachment_name(f->session, att0, "отчёт.pdf");
	assert_int_equal(run(f, NULL, save_att, att0, NULL, NULL), MAPI_E_SUCCESS);
	assert_int_equal(run(f, NULL, attachment_rop(RopCreateAttachment, 0), handle, &att1, &response),
			 MAPI_E_SUCCESS);
	id1 = response.u.create_attachment.u.ok.attachment_id;
	assert_true(id1 != id0);
	set_attachment_name(f->session, att1, "議事録.txt");
	assert_int_equal(run(f, NULL, save_att, att1, NULL, NULL), MAPI_E_SUCCESS);
	assert_int_equal(run(f, NULL, save_message(0), handle, NULL, NULL), MAPI_E_SUCCESS);

	/* a fresh open sees both */
	assert_int_equal(run(f, NULL, open_message(f->folder_ids[OUTBOX], mid, 1), f->logon_handle,
			     &msg2, NULL), MAPI_E_SUCCESS);
	assert_int_equal(run(f, NULL, valid, msg2, NULL, &response), MAPI_E_SUCCESS);
	assert_int_equal(response.u.get_valid_attachments.u.ok.attachment_id_count, 2);
	assert_int_equal(response.u.get_valid_attachments.u.ok.attachment_id_array[0], id0);
	assert_int_equal(response.u.get_valid_attachments.u.ok.attachment_id_array[1], id1);
	assert_int_equal(run(f, NULL, attachment_rop(RopOpenAttachment, id1), msg2, &opened, NULL),
			 MAPI_E_SUCCESS);
	a = emsmdb_attachment_of(emsmdb_object_lookup(f->session, opened));
	assert_non_null(a);
	tag = TAG_ATTACH_LONG_FILENAME;
	assert_int_equal(mapistore_attachment_get_props(a->att, f, 1, &tag, &v), MAPI_E_SUCCESS);
	assert_string_equal(v.pv.value.string, "議事録.txt");
	assert_int_equal(run(f, NULL, attachment_rop(RopOpenAttachment, 77), msg2, NULL, NULL),
			 MAPI_E_NOT_FOUND);
	{
		struct rop_request bad = attachment_rop(RopOpenAttachment, id0);

		bad.u.open_attachment.open_attachment_flags = 0x02;
		assert_int_equal(run(f, NULL, bad, msg2, NULL, NULL), MAPI_E_INVALID_PARAMETER);
	}

	/* the attachment table shows this message */
	assert_int_equal(run(f, NULL, table, msg2, &tbl, NULL), MAPI_E_SUCCESS);
	t = emsmdb_table_of(emsmdb_object_lookup(f->session, tbl));
	assert_non_null(t);
	assert_int_equal(t->kind, EMSMDB_TABLE_ATTACHMENTS);
	assert_ptr_equal(t->message, message_at(f->session, msg2));
	table.u.get_attachment_table.table_flags = 0x01;
	assert_int_equal(run(f, NULL, table, msg2, NULL, NULL), MAPI_E_INVALID_PARAMETER);

	/* delete, save, and it is gone from the store */
	assert_int_equal(run(f, NULL, attachment_rop(RopDeleteAttachment, id0), msg2, NULL, NULL),
			 MAPI_E_SUCCESS);
	assert_int_equal(run(f, NULL, attachment_rop(RopDeleteAttachment, id0), msg2, NULL, NULL),
			 MAPI_E_NOT_FOUND);
	assert_int_equal(run(f, NULL, save_message(0), msg2, NULL, NULL), MAPI_E_SUCCESS);
	assert_int_equal(run(f, NULL, open_message(f->folder_ids[OUTBOX], mid, 0), f->logon_handle,
			     &msg2, NULL), MAPI_E_SUCCESS);
	assert_int_equal(run(f, NULL, valid, msg2, NULL, &response), MAPI_E_SUCCESS);
	assert_int_equal(response.u.get_valid_attachments.u.ok.attachment_id_count, 1);
	assert_int_equal(response.u.get_valid_attachments.u.ok.attachment_id_array[0], id1);
}

static struct rop_request open_embedded(uint8_t mode)
{
	struct rop_request r = { .rop_id = RopOpenEmbeddedMessage };

	r.u.open_embedded_message.code_page_id = 0x0FFF;
	r.u.open_embedded_message.open_mode_flags = mode;
	return r;
}

/*
 * MS-OXCMSG 3.2.5.16: an embedded message, created, saved into its
 * attachment and the outer message, read back after a fresh open.  The
 * embedded message keeps its attachment alive when the attachment's
 * handle is released.
 */
static void test_embedded_message(void **state)
{
	struct emsmdb_fixture *f = *state;
	struct rop_request save_att = { .rop_id = RopSaveChangesAttachment };
	struct rop_request release = { .rop_id = RopRelease };
	struct rop_response response;
	uint32_t outer = 0, att = 0, embedded = 0, att_again = 0, outer2 = 0;
	uint64_t mid, embedded_mid;

	assert_int_equal(run(f, NULL, create_message(f->folder_ids[INBOX]), f->logon_handle, &outer,
			     &response), MAPI_E_SUCCESS);
	mid = response.u.create_message.u.ok.message_id;
	assert_int_equal(run(f, NULL, attachment_rop(RopCreateAttachment, 0), outer, &att, NULL),
			 MAPI_E_SUCCESS);
	/* none yet: read-only finds nothing */
	assert_int_equal(run(f, NULL, open_embedded(EMSMDB_EMBEDDED_OPEN_READ_ONLY), att, NULL, NULL),
			 MAPI_E_NOT_FOUND);
	assert_int_equal(run(f, NULL, open_embedded(0x07), att, NULL, NULL), MAPI_E_INVALID_PARAMETER);
	assert_int_equal(run(f, NULL, open_embedded(EMSMDB_EMBEDDED_OPEN_CREATE), att, &embedded,
			     &response), MAPI_E_SUCCESS);
	embedded_mid = response.u.open_embedded_message.u.ok.message_id;
	assert_int_equal(message_at(f->session, embedded)->mid, embedded_mid);
	assert_ptr_equal(message_at(f->session, embedded)->parent,
			 emsmdb_attachment_of(emsmdb_object_lookup(f->session, att)));
	set_string(f->session, embedded, TAG_SUBJECT, RUSSIAN);
	assert_int_equal(run(f, NULL, save_message(0), embedded, NULL, &response), MAPI_E_SUCCESS);
	assert_int_equal(response.u.save_changes_message.u.ok.message_id, embedded_mid);
	assert_int_equal(run(f, NULL, save_att, att, NULL, NULL), MAPI_E_SUCCESS);
	/* the embedded message outlives its attachment's handle */
	run(f, NULL, release, att, NULL, NULL);
	assert_int_equal(run(f, NULL, save_message(0), embedded, NULL, NULL), MAPI_E_SUCCESS);
	assert_int_equal(run(f, NULL, save_message(0), outer, NULL, NULL), MAPI_E_SUCCESS);

	assert_int_equal(run(f, NULL, open_message(f->folder_ids[INBOX], mid, 0), f->logon_handle,
			     &outer2, NULL), MAPI_E_SUCCESS);
	assert_int_equal(run(f, NULL, attachment_rop(RopOpenAttachment, 0), outer2, &att_again, NULL),
			 MAPI_E_SUCCESS);
	/* read-write through a read-only attachment is refused */
	assert_int_equal(run(f, NULL, open_embedded(EMSMDB_EMBEDDED_OPEN_READ_WRITE), att_again, NULL,
			     NULL), MAPI_E_NO_ACCESS);
	assert_int_equal(run(f, NULL, open_embedded(EMSMDB_EMBEDDED_OPEN_READ_ONLY), att_again, NULL,
			     &response), MAPI_E_SUCCESS);
	assert_string_equal(response.u.open_embedded_message.u.ok.normalized_subject.str, RUSSIAN);
}

/* MS-OXCMSG 3.2.5.11 and 3.2.5.10: the read flag of one message and of several. */
static void test_read_flags(void **state)
{
	struct emsmdb_fixture *f = *state;
	struct rop_request flag = { .rop_id = RopSetMessageReadFlag };
	struct rop_request flags = { .rop_id = RopSetReadFlags };
	struct rop_request open_inbox = { .rop_id = RopOpenFolder };
	struct rop_response response;
	uint32_t handle = 0, inbox = 0;
	uint64_t mid = saved_message(f, INBOX, "read me"), mids[2];

	assert_true(stored_flags(f, INBOX, mid) & MAPISTORE_MSGFLAG_READ);
	assert_int_equal(run(f, NULL, open_message(f->folder_ids[INBOX], mid, 0), f->logon_handle,
			     &handle, NULL), MAPI_E_SUCCESS);
	flag.u.set_message_read_flag.read_flags = MAPISTORE_READ_CLEAR | 0x01;
	assert_int_equal(run(f, NULL, flag, handle, NULL, &response), MAPI_E_SUCCESS);
	assert_int_equal(response.u.set_message_read_flag.u.ok.read_status_changed, 0);
	assert_false(stored_flags(f, INBOX, mid) & MAPISTORE_MSGFLAG_READ);
	flag.u.set_message_read_flag.read_flags = 0x80;
	assert_int_equal(run(f, NULL, flag, handle, NULL, NULL), MAPI_E_INVALID_PARAMETER);

	open_inbox.u.open_folder.folder_id = f->folder_ids[INBOX];
	assert_int_equal(run(f, NULL, open_inbox, f->logon_handle, &inbox, NULL), MAPI_E_SUCCESS);
	mids[0] = mid;
	mids[1] = mid + 0x100000000ull;	/* no such message */
	flags.u.set_read_flags.read_flags = 0;
	flags.u.set_read_flags.message_id_count = 2;
	flags.u.set_read_flags.message_ids = mids;
	assert_int_equal(run(f, NULL, flags, inbox, NULL, &response), MAPI_E_SUCCESS);
	assert_int_equal(response.u.set_read_flags.u.result.partial_completion, 1);
	assert_true(stored_flags(f, INBOX, mid) & MAPISTORE_MSGFLAG_READ);
	flags.u.set_read_flags.read_flags = MAPISTORE_READ_CLEAR | 0x01;
	flags.u.set_read_flags.message_id_count = 1;
	assert_int_equal(run(f, NULL, flags, inbox, NULL, &response), MAPI_E_SUCCESS);
	assert_int_equal(response.u.set_read_flags.u.result.partial_completion, 0);
	assert_false(stored_flags(f, INBOX, mid) & MAPISTORE_MSGFLAG_READ);
	/* on a message object instead of a folder */
	assert_int_equal(run(f, NULL, flags, handle, NULL, NULL), EC_NULL_OBJECT);
}

/* MS-OXCMSG 3.2.5.8 and 3.2.5.9: PidTagMessageStatus bits through the folder. */
static void test_message_status(void **state)
{
	struct emsmdb_fixture *f = *state;
	struct rop_request open_inbox = { .rop_id = RopOpenFolder };
	struct rop_request set = { .rop_id = RopSetMessageStatus };
	struct rop_request get = { .rop_id = RopGetMessageStatus };
	struct rop_response response;
	uint32_t inbox = 0;
	uint64_t mid = saved_message(f, INBOX, "status");

	open_inbox.u.open_folder.folder_id = f->folder_ids[INBOX];
	assert_int_equal(run(f, NULL, open_inbox, f->logon_handle, &inbox, NULL), MAPI_E_SUCCESS);
	get.u.get_message_status.message_id = mid;
	assert_int_equal(run(f, NULL, get, inbox, NULL, &response), MAPI_E_SUCCESS);
	assert_int_equal(response.u.get_message_status.u.ok.message_status_flags, 0);

	set.u.set_message_status.message_id = mid;
	set.u.set_message_status.message_status_flags = 0x00001000 | 0x00000002;
	set.u.set_message_status.message_status_mask = 0x00001000;	/* only the first bit */
	assert_int_equal(run(f, NULL, set, inbox, NULL, &response), MAPI_E_SUCCESS);
	assert_int_equal(response.u.set_message_status.u.ok.message_status_flags, 0);
	assert_int_equal(run(f, NULL, get, inbox, NULL, &response), MAPI_E_SUCCESS);
	assert_int_equal(response.u.get_message_status.u.ok.message_status_flags, 0x1000);

	set.u.set_message_status.message_status_flags = 0;
	assert_int_equal(run(f, NULL, set, inbox, NULL, &response), MAPI_E_SUCCESS);
	assert_int_equal(response.u.set_message_status.u.ok.message_status_flags, 0x1000);
	assert_int_equal(run(f, NULL, get, inbox, NULL, &response), MAPI_E_SUCCESS);
	assert_int_equal(response.u.get_message_status.u.ok.message_status_flags, 0);

	get.u.get_message_status.message_id = mid + 0x100000000ull;
	assert_int_equal(run(f, NULL, get, inbox, NULL, NULL), MAPI_E_NOT_FOUND);
	set.u.set_message_status.message_id = mid + 0x100000000ull;
	assert_int_equal(run(f, NULL, set, inbox, NULL, NULL), MAPI_E_NOT_FOUND);
	/* the logon is not a folder */
	assert_int_equal(run(f, NULL, get, f->logon_handle, NULL, NULL), EC_NULL_OBJECT);
}

/* Wrong object types are ecNullObject, missing ids ecNotFound; no handle is left behind. */
static void test_bad_objects_and_ids(void **state)
{
	struct emsmdb_fixture *f = *state;
	struct rop_request open_inbox = { .rop_id = RopOpenFolder };
	uint32_t inbox = 0, message = 0, before;
	uint64_t mid = saved_message(f, INBOX, "x");

	open_inbox.u.open_folder.folder_id = f->folder_ids[INBOX];
	assert_int_equal(run(f, NULL, open_inbox, f->logon_handle, &inbox, NULL), MAPI_E_SUCCESS);
	assert_int_equal(run(f, NULL, open_message(f->folder_ids[INBOX], mid, 0), inbox, &message, NULL),
			 MAPI_E_SUCCESS);
	before = f->session->handles.used;

	assert_int_equal(run(f, NULL, save_message(0), inbox, NULL, NULL), EC_NULL_OBJECT);
	assert_int_equal(run(f, NULL, open_message(f->folder_ids[INBOX], mid, 0), message, NULL, NULL),
			 EC_NULL_OBJECT);
	assert_int_equal(run(f, NULL, attachment_rop(RopCreateAttachment, 0), inbox, NULL, NULL),
			 EC_NULL_OBJECT);
	assert_int_equal(run(f, NULL, open_embedded(0), message, NULL, NULL), EC_NULL_OBJECT);
	{
		struct rop_request r = { .rop_id = RopSaveChangesAttachment };

		assert_int_equal(run(f, NULL, r, message, NULL, NULL), EC_NULL_OBJECT);
	}
	assert_int_equal(run(f, NULL, save_message(0), 0x12345678u, NULL, NULL), EC_NULL_OBJECT);

	assert_int_equal(run(f, NULL, open_message(f->folder_ids[INBOX], mid + 0x100000000ull, 0),
			     f->logon_handle, NULL, NULL), MAPI_E_NOT_FOUND);
	/* the right id in the wrong folder */
	assert_int_equal(run(f, NULL, open_message(f->folder_ids[OUTBOX], mid, 0), f->logon_handle,
			     NULL, NULL), MAPI_E_NOT_FOUND);
	assert_int_equal(run(f, NULL, create_message(f->folder_ids[INBOX] + 0x100000000ull),
			     f->logon_handle, NULL, NULL), MAPI_E_NOT_FOUND);
	assert_int_equal(run(f, NULL, save_message(0x80), message, NULL, NULL),
			 MAPI_E_INVALID_PARAMETER);
	assert_int_equal(f->session->handles.used, before);

	/* MS-OXCMSG 2.2.3.1.1: unlisted OpenModeFlags bits are ignored (here: read-only) */
	assert_int_equal(run(f, NULL, open_message(f->folder_ids[INBOX], mid, 0x80), f->logon_handle,
			     &message, NULL), MAPI_E_SUCCESS);
	assert_int_equal(run(f, NULL, save_message(0), message, NULL, NULL), MAPI_E_NO_ACCESS);
}

/* Another user's session reaches only its own mailbox: alice's MID is not found there. */
static void test_other_mailbox(void **state)
{
	struct emsmdb_fixture *f = *state;
	struct emsmdb_session *bob;
	uint32_t bob_logon = 0;
	uint64_t mid = saved_message(f, INBOX, "alice's");
	uint64_t bob_inbox = emsmdb_logon_get(f->session, 0)->folder_ids[INBOX];

	bob = emsmdb_fixture_session(f, FIXTURE_OTHER_SID, &bob_logon);
	bob_inbox = emsmdb_logon_get(bob, 0)->folder_ids[INBOX];
	assert_int_equal(run(f, bob, open_message(bob_inbox, mid, 0), bob_logon, NULL, NULL),
			 MAPI_E_NOT_FOUND);
	assert_int_equal(run(f, bob, open_message(f->folder_ids[INBOX], mid, 0), bob_logon, NULL, NULL),
			 MAPI_E_NOT_FOUND);
	talloc_free(bob);
}

/* The RecipientRow codec alone: what it encodes, it decodes to the same properties. */
static void test_recipient_row_codec(void **state)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	struct mapi_propval props[4];
	struct mapistore_recipient r = { .row_id = 0, .count = 4, .props = props };
	struct mapi_propval *out;
	uint8_t *data;
	size_t len;
	uint16_t count, i;
	int seen = 0;

	(void)state;
	props[0].tag = TAG_ADDRESS_TYPE;
	props[0].value.string = "EX";
	props[1].tag = TAG_EMAIL_ADDRESS;
	props[1].value.string = "/o=First Organization/ou=Exchange Administrative Group/cn=Recipients/cn=bob";
	props[2].tag = TAG_DISPLAY_NAME;
	props[2].value.string = JAPANESE;
	props[3].tag = TAG_SMTP_ADDRESS;
	props[3].value.string = "bob@example.com";
	assert_int_equal(emsmdb_recipient_row_encode(tmp, &r, &data, &len), MAPI_E_SUCCESS);
	assert_int_equal((data[0] | (data[1] << 8)) & 7, EMSMDB_RECIP_X500DN);
	assert_int_equal(emsmdb_recipient_row_decode(tmp, data, len, &emsmdb_recipient_columns, 1252,
						     &count, &out), MAPI_E_SUCCESS);
	for (i = 0; i < count; i++) {
		if (out[i].tag == TAG_EMAIL_ADDRESS) {
			assert_string_equal(out[i].value.string, props[1].value.string);
			seen |= 1;
		} else if (out[i].tag == TAG_DISPLAY_NAME) {
			assert_string_equal(out[i].value.string, JAPANESE);
			seen |= 2;
		} else if (out[i].tag == TAG_SMTP_ADDRESS) {
			assert_string_equal(out[i].value.string, "bob@example.com");
			seen |= 4;
		} else if (out[i].tag == TAG_ADDRESS_TYPE) {
			assert_string_equal(out[i].value.string, "EX");
			seen |= 8;
		}
	}
	assert_int_equal(seen, 15);
	/* every truncation of it is refused */
	for (i = 0; i < len; i++) {
		assert_int_equal(emsmdb_recipient_row_decode(tmp, data, i, &emsmdb_recipient_columns, 1252,
							     &count, &out), MAPI_E_INVALID_PARAMETER);
	}
	talloc_free(tmp);
}

#define T(name) cmocka_unit_test_setup_teardown(name, emsmdb_fixture_setup, emsmdb_fixture_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_create_save_open_subjects),
		T(test_open_without_subject_named),
		T(test_unsaved_changes_invisible),
		T(test_save_conflict),
		T(test_save_deleted),
		T(test_read_only_refuses),
		T(test_recipients),
		T(test_many_recipients),
		T(test_bad_recipient_rows),
		T(test_reload),
		T(test_attachments),
		T(test_embedded_message),
		T(test_read_flags),
		T(test_message_status),
		T(test_bad_objects_and_ids),
		T(test_other_mailbox),
		cmocka_unit_test(test_recipient_row_codec),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
