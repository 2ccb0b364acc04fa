/*
 * Tests of the exchange2mbox conversion core (utils/exchange2mbox): MAPI
 * messages in Russian, Japanese and French, with HTML, attachments (binary
 * with NULs, a non-ASCII file name, an inline part, an embedded message) and
 * To/Cc/Bcc, written to an mbox in a temporary directory and read back by an
 * independent parser, Python's mailbox and email modules
 * (testsuite/unit/test_oxcmail_check.py), which compares every field.
 * Smaller tests check the mboxrd quoting byte for byte, the line limits,
 * the boundary choice and an empty message.
 *
 * Copyright (C) OpenChange developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <talloc.h>

#include "utils/exchange2mbox/oxcmail.h"
#include "utils/exchange2mbox/mbox.h"
#undef MAPI_PROP_TAG
#undef MAPI_PROP_ID
#undef MAPI_PROP_TYPE
#include "idl/gen_proptags.h"

#ifndef OC_PYTHON3
#error OC_PYTHON3 must name the interpreter the build uses
#endif
#ifndef OXCMAIL_CHECK_PY
#error OXCMAIL_CHECK_PY must name testsuite/unit/test_oxcmail_check.py
#endif

/* FILETIME of a UTC time given as Unix seconds */
static uint64_t filetime(int64_t unix_secs)
{
	return ((uint64_t)unix_secs + 11644473600ULL) * 10000000ULL;
}

static struct mapi_propval str_prop(uint32_t tag, const char *s)
{
	struct mapi_propval pv = { .tag = tag };

	pv.value.string = (char *)s;
	return pv;
}

static struct mapi_propval i32_prop(uint32_t tag, uint32_t v)
{
	struct mapi_propval pv = { .tag = tag };

	pv.value.i32 = v;
	return pv;
}

static struct mapi_propval time_prop(uint32_t tag, uint64_t v)
{
	struct mapi_propval pv = { .tag = tag };

	pv.value.time = v;
	return pv;
}

static const char russian_html[] = "<html><body><p>Привет, <b>мир</b></p></body></html>\n";
static uint8_t binary_data[1000];

/* 1: Russian, text + HTML, two attachments, To/Cc/Bcc */
static struct mapi_propval ru_props[13];
static const struct oxcmail_recipient ru_rcpts[] = {
	{ OXCMAIL_TO, "Alice Example", "alice@example.com" },
	{ OXCMAIL_CC, "O'Brien, Pat", "pat@example.net" },
	{ OXCMAIL_TO, "Пётр Сидоров", "petr@example.org" },
	{ OXCMAIL_BCC, "Secret", "secret@example.com" },
};
static const struct oxcmail_attachment ru_atts[] = {
	{ .filename = "Отчёт №1 — résumé (final).bin", .mime_type = "Application/Octet-Stream",
	  .data = binary_data, .len = sizeof(binary_data) },
	{ .filename = "notes.txt", .mime_type = "text/plain",
	  .data = (const uint8_t *)"plain notes\r\nline two\r\n", .len = 23,
	  .content_id = "notes@example", .is_inline = true },
};

static struct oxcmail_message russian(void)
{
	size_t i;
	struct oxcmail_message m = {
		.props = ru_props, .prop_count = 13,
		.recipients = ru_rcpts, .recipient_count = 4,
		.attachments = ru_atts, .attachment_count = 2,
	};

	for (i = 0; i < sizeof(binary_data); i++)
		binary_data[i] = (uint8_t)((i * 7 + (i >> 8)) & 0xFF);
	ru_props[0] = str_prop(PidTagSubject,
			       "Отчёт о продажах за ноябрь — итоги квартала и планы на декабрь 2026 года");
	ru_props[1] = str_prop(PidTagSenderName, "Иван Петров");
	ru_props[2] = str_prop(PidTagSenderSmtpAddress, "ivan@example.com");
	ru_props[3] = str_prop(PidTagBody, "Здравствуйте!\r\nПродажи выросли на 12 %.\r\nС уважением,\r\nИван\r\n");
	ru_props[4] = (struct mapi_propval){ .tag = PidTagHtml };
	ru_props[4].value.binary.data = (uint8_t *)russian_html;
	ru_props[4].value.binary.len = sizeof(russian_html) - 1;
	ru_props[5] = time_prop(PidTagClientSubmitTime, filetime(1795516205));	/* 2026-11-24 10:30:05 */
	ru_props[6] = time_prop(PidTagMessageDeliveryTime, filetime(1795516999));
	ru_props[7] = str_prop(PidTagInternetMessageId, "<ru-1@example.com>");
	ru_props[8] = str_prop(PidTagInReplyToId, "<parent@example.com>");
	ru_props[9] = str_prop(PidTagInternetReferences, "<root@example.com> <parent@example.com>");
	ru_props[10] = i32_prop(PidTagImportance, 2);
	ru_props[11] = i32_prop(PidTagSensitivity, 3);
	ru_props[12] = str_prop(PidTagMessageClass, "IPM.Note");
	return m;
}

/* 2: Japanese, only the represented sender, no Message-ID */
static struct mapi_propval ja_props[6];
static const struct oxcmail_recipient ja_rcpts[] = {
	{ OXCMAIL_TO, "鈴木花子", "hanako@example.jp" },
};

static struct oxcmail_message japanese(void)
{
	struct oxcmail_message m = {
		.props = ja_props, .prop_count = 6, .recipients = ja_rcpts, .recipient_count = 1,
	};

	ja_props[0] = str_prop(PidTagSubject, "会議の議事録：来週の予定について（第二版）");
	ja_props[1] = str_prop(PidTagSentRepresentingName, "山田太郎");
	ja_props[2] = str_prop(PidTagSentRepresentingSmtpAddress, "yamada@example.jp");
	ja_props[3] = str_prop(PidTagBody, "お疲れ様です。\n来週の会議は火曜日です。\nよろしくお願いします。\n");
	ja_props[4] = time_prop(PidTagMessageDeliveryTime, filetime(1767323045));	/* 2026-01-02 03:04:05 */
	ja_props[5] = i32_prop(PidTagImportance, 0);
	return m;
}

/* 3: French, mostly ASCII (quoted-printable), body lines starting with "From " */
static struct mapi_propval fr_props[6];

static const struct oxcmail_recipient fr_rcpts[] = {
	{ OXCMAIL_REPLY_TO, "Secrétariat", "secretariat@example.fr" },
	{ OXCMAIL_TO, NULL, "equipe@example.fr" },
};
static const char *const fr_keywords[] = { "Réunion", "Projet \"A\", phase 2", "urgent" };

static struct oxcmail_message french(void)
{
	struct oxcmail_message m = { .props = fr_props, .prop_count = 6,
				     .recipients = fr_rcpts, .recipient_count = 2,
				     .keywords = fr_keywords, .keyword_count = 3 };

	fr_props[0] = str_prop(PidTagSubject, "Réunion de l'équipe — café à 10h");
	fr_props[1] = str_prop(PidTagSenderName, "Jeanne Dupont");
	fr_props[2] = str_prop(PidTagSenderSmtpAddress, "jeanne@example.fr");
	/* sent by Jeanne on behalf of the Direction: From the Direction, Sender Jeanne */
	fr_props[4] = str_prop(PidTagSentRepresentingName, "Direction générale");
	fr_props[5] = str_prop(PidTagSentRepresentingSmtpAddress, "direction@example.fr");
	fr_props[3] = str_prop(PidTagBody, "Bonjour à tous,\nFrom the minutes of last week:\n>From an old quote\n"
			       ">>From a deeper one\nÀ bientôt, et n'oubliez pas le café.\n");
	return m;
}

/* 4: ASCII, long subject, 7bit body with "From " lines, message 2 embedded */
static struct mapi_propval en_props[4];
static struct oxcmail_message embedded_ja;
static struct oxcmail_attachment en_atts[1];

static struct oxcmail_message english(void)
{
	struct oxcmail_message m = { .props = en_props, .prop_count = 4,
				     .attachments = en_atts, .attachment_count = 1 };

	en_props[0] = str_prop(PidTagSubject, "A rather long plain ASCII subject line that has to be folded "
			       "somewhere because it goes well past seventy-eight columns");
	en_props[1] = str_prop(PidTagBody, "From here on, plain text.\nFrom the start of a line again.\n");
	en_props[2] = i32_prop(PidTagSensitivity, 1);
	en_props[3] = time_prop(PidTagCreationTime, filetime(1700000000));
	embedded_ja = japanese();
	en_atts[0] = (struct oxcmail_attachment){ .filename = "forwarded.eml", .embedded = &embedded_ja };
	return m;
}

static const struct oxcmail_options opts = { .message_id_domain = "example.test" };

/* Every line of an export: ASCII, at most 998 characters (RFC 5322 2.1.1),
 * LF line ends (or CRLF with crlf). */
static void check_lines(const char *text, size_t len, bool crlf)
{
	size_t i, col = 0;

	assert_int_equal(strlen(text), len);
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)text[i];

		assert_true(c < 0x80);
		if (c == '\r') {
			assert_true(crlf);
			assert_true(i + 1 < len && text[i + 1] == '\n');
			continue;
		}
		if (c == '\n') {
			if (crlf)
				assert_true(i > 0 && text[i - 1] == '\r');
			col = 0;
			continue;
		}
		assert_true(++col <= 998);
	}
}

static void test_round_trip_python(void **state)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	char dir[] = "/tmp/test_oxcmail.XXXXXX";
	char path[PATH_MAX], cmd[2 * PATH_MAX + 256];
	struct oxcmail_message msgs[4];
	struct mbox_writer *w;
	size_t i;
	int status;

	(void)state;
	msgs[0] = russian();
	msgs[1] = japanese();
	msgs[2] = french();
	msgs[3] = english();
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/out.mbox", dir);
	w = mbox_open(mem, path);
	assert_non_null(w);
	for (i = 0; i < 4; i++) {
		size_t len;
		char *text = oxcmail_export(mem, &msgs[i], &opts, &len);
		char *sender;
		time_t date;

		assert_non_null(text);
		check_lines(text, len, false);
		assert_true(oxcmail_envelope(mem, &msgs[i], &opts, &sender, &date));
		assert_true(mbox_write(w, sender, date, text, len));
	}
	assert_true(mbox_close(w));

	snprintf(cmd, sizeof(cmd), "%s %s %s", OC_PYTHON3, OXCMAIL_CHECK_PY, path);
	status = system(cmd);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);

	unlink(path);
	rmdir(dir);
	talloc_free(mem);
}

/* Headers as written: encoded-words, no Bcc, the right Importance form. */
static void test_headers(void **state)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	struct oxcmail_message m = russian();
	char *text = oxcmail_export(mem, &m, &opts, NULL);

	(void)state;
	assert_non_null(text);
	assert_non_null(strstr(text, "\nSubject: =?UTF-8?B?"));
	assert_non_null(strstr(text, "From: =?UTF-8?B?"));
	assert_non_null(strstr(text, " <ivan@example.com>\n"));
	assert_non_null(strstr(text, "Cc: \"O'Brien, Pat\" <pat@example.net>\n"));
	assert_null(strstr(text, "Bcc"));
	assert_null(strstr(text, "secret"));
	assert_non_null(strstr(text, "Date: Tue, 24 Nov 2026 10:30:05 +0000\n"));
	assert_non_null(strstr(text, "Importance: high\nPriority: urgent\n"));
	assert_non_null(strstr(text, "Sensitivity: Company-Confidential\n"));
	assert_non_null(strstr(text, "filename*0*=utf-8''%D0%9E"));
	assert_non_null(strstr(text, "%E2%84%961%20%E2%80%94;\n filename*1*=%20r%C3%A9sum"));
	assert_non_null(strstr(text, "Content-Type: application/octet-stream;"));
	talloc_free(mem);
}

/* mboxrd: ^>*From  lines get one more '>', CRLF becomes LF, a final line end
 * and the blank separator line are added. */
static void test_mbox_quoting(void **state)
{
	static const char msg[] = "Subject: x\r\n\r\nFrom a\r\n>From b\n>>From c\nxFrom d\n>Fro e\nFrom";
	static const char want[] = "From bob@example.com Tue Nov 14 22:13:20 2023\n"
		"Subject: x\n\n>From a\n>>From b\n>>>From c\nxFrom d\n>Fro e\nFrom\n\n";
	size_t len;
	char *out = mbox_format_entry(NULL, "bob@example.com", 1700000000, msg, sizeof(msg) - 1, &len);

	(void)state;
	assert_non_null(out);
	assert_int_equal(len, strlen(want));
	assert_string_equal(out, want);
	talloc_free(out);

	/* a sender with spaces stays one word; no sender is MAILER-DAEMON */
	out = mbox_format_entry(NULL, "a b\tc", 0, "", 0, &len);
	assert_string_equal(out, "From a_b_c Thu Jan  1 00:00:00 1970\n\n\n");
	talloc_free(out);
	out = mbox_format_entry(NULL, NULL, 0, "x\n", 2, &len);
	assert_string_equal(out, "From MAILER-DAEMON Thu Jan  1 00:00:00 1970\nx\n\n");
	talloc_free(out);
}

/* A message without anything still has the headers MIME needs; CRLF mode. */
static void test_empty_message_crlf(void **state)
{
	struct oxcmail_message m = { 0 };
	struct oxcmail_options o = { .flags = OXCMAIL_CRLF, .fallback_date = 1700000000 };
	size_t len;
	char *text = oxcmail_export(NULL, &m, &o, &len);

	(void)state;
	assert_non_null(text);
	check_lines(text, len, true);
	assert_non_null(strstr(text, "Date: Tue, 14 Nov 2023 22:13:20 +0000\r\n"));
	assert_non_null(strstr(text, "Message-ID: <oc."));
	assert_non_null(strstr(text, "MIME-Version: 1.0\r\n"));
	assert_non_null(strstr(text, "Content-Type: text/plain; charset=utf-8\r\n"));
	talloc_free(text);
}

/* A boundary found in the content is not used: an HTML body holding the
 * boundary the first export chose makes the second export choose another. */
static void test_boundary_not_in_content(void **state)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	struct mapi_propval props[2];
	struct oxcmail_message m = { .props = props, .prop_count = 2 };
	char *text, *b1, *b2, *html;

	(void)state;
	props[0] = str_prop(PidTagBody, "text\n");
	props[1] = str_prop(PidTagBodyHtml, "<p>html</p>\n");
	text = oxcmail_export(mem, &m, &opts, NULL);
	assert_non_null(text);
	b1 = strstr(text, "boundary=\"");
	assert_non_null(b1);
	b1 = talloc_strndup(mem, b1 + 10, strcspn(b1 + 10, "\""));
	html = talloc_asprintf(mem, "<p>html</p>\n--%s\n--%s--\n", b1, b1);
	props[1] = str_prop(PidTagBodyHtml, html);
	text = oxcmail_export(mem, &m, &opts, NULL);
	b2 = strstr(text, "boundary=\"");
	assert_non_null(b2);
	b2 = talloc_strndup(mem, b2 + 10, strcspn(b2 + 10, "\""));
	assert_string_not_equal(b1, b2);
	assert_non_null(strstr(text, html));	/* 7bit, as it was */
	talloc_free(mem);
}

/* Values that cannot be written as they are do not reach the headers. */
static void test_hostile_values(void **state)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	struct mapi_propval props[5];
	struct oxcmail_recipient r[] = {
		{ OXCMAIL_TO, "Evil\r\nBcc: x@y", "a@b\r\nX-Injected: 1" },
		{ OXCMAIL_CC, NULL, NULL },
	};
	struct oxcmail_attachment a = { .filename = "a\"b\\c.txt", .mime_type = "text/html\r\nX: y",
					.content_id = "bad id" };
	struct oxcmail_message m = { .props = props, .prop_count = 5, .recipients = r,
				     .recipient_count = 2, .attachments = &a, .attachment_count = 1 };
	size_t len;
	char *text;

	(void)state;
	props[0] = str_prop(PidTagSubject, "line1\r\nX-Injected: 1");
	props[0].tag = (PidTagSubject & 0xFFFF0000u) | PTYP_STRING8;	/* the 8-bit form is read too */
	props[1] = str_prop(PidTagInternetMessageId, "<a b@c>");
	props[2] = str_prop(PidTagSenderSmtpAddress, "no-at-sign");
	props[3] = i32_prop(PidTagImportance, 7);
	props[4] = (struct mapi_propval){ .tag = PidTagHtml };	/* empty binary */
	text = oxcmail_export(mem, &m, &opts, &len);
	assert_non_null(text);
	check_lines(text, len, false);
	assert_null(strstr(text, "\nX-Injected"));
	assert_non_null(strstr(text, "\nSubject: =?UTF-8?B?"));	/* CR LF: encoded */
	assert_null(strstr(text, "\nBcc"));
	assert_null(strstr(text, "\nX: y"));
	assert_null(strstr(text, "Importance"));
	assert_null(strstr(text, "<a b@c>"));
	assert_null(strstr(text, "Content-ID"));
	assert_non_null(strstr(text, "Content-Type: application/octet-stream"));
	assert_non_null(strstr(text, "filename=\"a\\\"b\\\\c.txt\""));
	talloc_free(mem);
}

/* HTML alone with an inline picture: multipart/related of type text/html,
 * no multipart/mixed; a non-inline attachment would add one around it. */
static void test_related_html_only(void **state)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	struct mapi_propval props[1];
	struct oxcmail_attachment a[2] = {
		{ .filename = "logo.png", .mime_type = "image/png", .data = (const uint8_t *)"\x89PNG", .len = 4,
		  .content_id = "logo@x", .is_inline = true },
		{ .filename = "doc.pdf", .mime_type = "application/pdf", .data = (const uint8_t *)"%PDF", .len = 4 },
	};
	struct oxcmail_message m = { .props = props, .prop_count = 1, .attachments = a, .attachment_count = 1 };
	char *text;

	(void)state;
	props[0] = str_prop(PidTagBodyHtml, "<img src=\"cid:logo@x\">\n");
	text = oxcmail_export(mem, &m, &opts, NULL);
	assert_non_null(strstr(text, "Content-Type: multipart/related; type=\"text/html\";\n boundary="));
	assert_null(strstr(text, "multipart/mixed"));
	assert_non_null(strstr(text, "Content-ID: <logo@x>\n"));
	m.attachment_count = 2;
	text = oxcmail_export(mem, &m, &opts, NULL);
	assert_true(strstr(text, "multipart/mixed") < strstr(text, "multipart/related"));
	assert_non_null(strstr(text, "Content-Disposition: attachment;\n filename=\"doc.pdf\""));
	talloc_free(mem);
}

/* Recipient rows and attachment properties as the client API returns them. */
static void test_from_props(void **state)
{
	struct mapi_propval row[4], att[6];
	struct oxcmail_recipient r;
	struct oxcmail_attachment a;
	uint8_t bytes[3] = { 0, 1, 2 };

	(void)state;
	row[0] = i32_prop(PidTagRecipientType, 0x12);	/* Cc with the resend flag */
	row[1] = str_prop(PidTagDisplayName, "Пётр");
	row[2] = str_prop(PidTagAddressType, "SMTP");
	row[3] = str_prop(PidTagEmailAddress, "petr@example.org");
	assert_true(oxcmail_recipient_from_props(row, 4, &r));
	assert_int_equal(r.type, OXCMAIL_CC);
	assert_string_equal(r.display_name, "Пётр");
	assert_string_equal(r.smtp_address, "petr@example.org");
	row[2] = str_prop(PidTagAddressType, "EX");
	assert_true(oxcmail_recipient_from_props(row, 4, &r));
	assert_null(r.smtp_address);
	row[0] = i32_prop(PidTagRecipientType, 0x10000001);	/* P1 */
	assert_false(oxcmail_recipient_from_props(row, 4, &r));
	assert_false(oxcmail_recipient_from_props(row + 1, 3, &r));	/* no type */

	att[0] = str_prop(PidTagAttachFilename, "SHORT~1.TXT");
	att[1] = str_prop(PidTagAttachLongFilename, "long name.txt");
	att[2] = str_prop(PidTagAttachMimeTag, "text/plain");
	att[3] = str_prop(PidTagAttachContentId, "c@d");
	att[4] = (struct mapi_propval){ .tag = PidTagAttachDataBinary };
	att[4].value.binary.data = bytes;
	att[4].value.binary.len = 3;
	att[5] = (struct mapi_propval){ .tag = PidTagAttachmentHidden };
	att[5].value.boolean = 1;
	oxcmail_attachment_from_props(att, 6, &a);
	assert_string_equal(a.filename, "long name.txt");
	assert_string_equal(a.mime_type, "text/plain");
	assert_string_equal(a.content_id, "c@d");
	assert_ptr_equal(a.data, bytes);
	assert_int_equal(a.len, 3);
	assert_true(a.is_inline);
	oxcmail_attachment_from_props(att, 1, &a);
	assert_string_equal(a.filename, "SHORT~1.TXT");
	assert_false(a.is_inline);
	assert_null(a.data);
}

/*
 * Embedded messages inside embedded messages (MS-OXCMSG 2.2.2.9
 * afEmbeddedMessage, each a message/rfc822 part, RFC 2046 5.2.1): a chain
 * of ten, each with its own subject, body and binary attachment.  Python's
 * email module walks it: the first OXCMAIL_MAX_DEPTH levels are messages
 * with their own parts, the next is a text/plain note, nothing deeper is
 * written.  CRLF output, so the nested parts' line ends are checked too.
 */
#define CHAIN 10
static const char nested_check_py[] =
	"import email, email.policy, sys\n"
	"raw = open(sys.argv[1], 'rb').read()\n"
	"assert b'\\n' not in raw.replace(b'\\r\\n', b''), 'bare LF'\n"
	"m = email.message_from_bytes(raw, policy=email.policy.default)\n"
	"depth = int(sys.argv[2])\n"
	"for level in range(depth):\n"
	"    assert str(m['subject']) == 'Level %d \\u0443\\u0440\\u043e\\u0432\\u0435\\u043d\\u044c' % level, m['subject']\n"
	"    body = m.get_body(preferencelist=('plain',)).get_content().replace('\\r\\n', '\\n')\n"
	"    assert body == 'Body of level %d.\\n' % level, repr(body)\n"
	"    atts = list(m.iter_attachments())\n"
	"    assert len(atts) == 2, [a.get_content_type() for a in atts]\n"
	"    assert atts[0].get_filename() == 'file-%d.bin' % level, atts[0].get_filename()\n"
	"    assert atts[0].get_content() == bytes([level]) * 3 + b'\\0\\r\\nFrom x\\xff', atts[0].get_content()\n"
	"    if level + 1 < depth:\n"
	"        assert atts[1].get_content_type() == 'message/rfc822', atts[1].get_content_type()\n"
	"        assert atts[1].get_filename() == 'level-%d.eml' % (level + 1)\n"
	"        m = atts[1].get_content()\n"
	"    else:\n"
	"        assert atts[1].get_content_type() == 'text/plain', atts[1].get_content_type()\n"
	"        assert 'not exported' in atts[1].get_content(), atts[1].get_content()\n"
	"        assert b'Level %d ' % (level + 1) not in raw\n"
	"print('ok: %d nested messages' % depth)\n";

static void test_nested_embedded(void **state)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	static struct mapi_propval props[CHAIN][2];
	static struct oxcmail_attachment atts[CHAIN][2];
	static struct oxcmail_message chain[CHAIN];
	static uint8_t data[CHAIN][13];
	char dir[] = "/tmp/test_oxcmail.XXXXXX";
	char path[PATH_MAX], script[PATH_MAX], cmd[3 * PATH_MAX];
	struct oxcmail_options crlf = { .flags = OXCMAIL_CRLF, .message_id_domain = "example.test" };
	size_t len, i;
	char *text;
	FILE *f;
	int status;

	(void)state;
	for (i = 0; i < CHAIN; i++) {
		props[i][0] = str_prop(PidTagSubject, talloc_asprintf(mem, "Level %zu уровень", i));
		props[i][1] = str_prop(PidTagBody, talloc_asprintf(mem, "Body of level %zu.\n", i));
		memset(data[i], (int)i, 3);
		memcpy(data[i] + 3, "\0\r\nFrom x\xff", 10);
		atts[i][0] = (struct oxcmail_attachment){ .filename = talloc_asprintf(mem, "file-%zu.bin", i),
							  .mime_type = "application/octet-stream",
							  .data = data[i], .len = 13 };
		atts[i][1] = (struct oxcmail_attachment){ .filename = talloc_asprintf(mem, "level-%zu.eml", i + 1),
							  .embedded = i + 1 < CHAIN ? &chain[i + 1] : NULL };
		chain[i] = (struct oxcmail_message){ .props = props[i], .prop_count = 2, .attachments = atts[i],
						     .attachment_count = i + 1 < CHAIN ? 2 : 1 };
	}
	text = oxcmail_export(mem, &chain[0], &crlf, &len);
	assert_non_null(text);
	check_lines(text, len, true);
	/* the deepest exported level is OXCMAIL_MAX_DEPTH - 1; its embedded one is only a note */
	assert_non_null(strstr(text, "Body of level 7."));
	assert_null(strstr(text, "Body of level 8."));

	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/nested.eml", dir);
	snprintf(script, sizeof(script), "%s/check.py", dir);
	f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(text, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
	f = fopen(script, "w");
	assert_non_null(f);
	assert_true(fputs(nested_check_py, f) >= 0);
	assert_int_equal(fclose(f), 0);
	snprintf(cmd, sizeof(cmd), "%s %s %s %d", OC_PYTHON3, script, path, OXCMAIL_MAX_DEPTH);
	status = system(cmd);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	unlink(path);
	unlink(script);
	rmdir(dir);

	/* a message that embeds itself ends at the same depth */
	atts[0][1].embedded = &chain[0];
	text = oxcmail_export(mem, &chain[0], &crlf, &len);
	assert_non_null(text);
	check_lines(text, len, true);
	assert_non_null(strstr(text, "not exported"));
	talloc_free(mem);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip_python),
		cmocka_unit_test(test_headers),
		cmocka_unit_test(test_mbox_quoting),
		cmocka_unit_test(test_empty_message_crlf),
		cmocka_unit_test(test_boundary_not_in_content),
		cmocka_unit_test(test_hostile_values),
		cmocka_unit_test(test_related_html_only),
		cmocka_unit_test(test_from_props),
		cmocka_unit_test(test_nested_embedded),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
