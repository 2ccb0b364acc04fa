/*
 * libFuzzer target for the exchange2mbox writer (utils/exchange2mbox): the
 * input becomes a MAPI message (property strings, HTML bytes, recipients,
 * attachments, an embedded copy of itself) with arbitrary bytes everywhere
 * the caller could pass them, including invalid UTF-8 and line breaks.
 * The export must always succeed and be 7-bit, NUL-free, with lines of at
 * most 998 characters (RFC 5322 2.1.1); its mbox entry must have exactly
 * one line starting with "From " (the separator), so no content can split
 * an mbox.
 *
 * Layout: 8 control bytes, then NUL-separated fields in a fixed order.
 *
 * Copyright (C) OpenChange developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "utils/exchange2mbox/oxcmail.h"
#include "utils/exchange2mbox/mbox.h"
#undef MAPI_PROP_TAG
#undef MAPI_PROP_ID
#undef MAPI_PROP_TYPE
#include "idl/gen_proptags.h"

#define NFIELDS 20

static void check_output(const char *text, size_t len)
{
	size_t i, col = 0;

	if (strlen(text) != len)
		abort();
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)text[i];

		if (c >= 0x80 || (c == '\r' && (i + 1 >= len || text[i + 1] != '\n')))
			abort();
		col = c == '\n' ? 0 : col + 1;
		if (col > 998)
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	TALLOC_CTX *mem;
	const char *f[NFIELDS] = { 0 };
	char *copy;
	size_t n = 0, i, start, len, elen;
	uint8_t ctl[8] = { 0 };
	struct mapi_propval props[16];
	size_t np = 0;
	struct oxcmail_recipient rcpt[3];
	struct oxcmail_attachment att[2];
	struct oxcmail_message msg, inner;
	struct oxcmail_options opts = { .fallback_date = 1 };
	char *text, *entry, *sender;
	time_t date;

	if (size > 65536)
		return 0;
	memcpy(ctl, data, size < 8 ? size : 8);
	data += size < 8 ? size : 8;
	size -= size < 8 ? size : 8;
	mem = talloc_new(NULL);
	copy = talloc_size(mem, size + 1);
	memcpy(copy, data, size);
	copy[size] = '\0';
	for (i = 0, start = 0; i <= size && n < NFIELDS; i++) {
		if (i == size || copy[i] == '\0') {
			copy[i] = '\0';
			f[n++] = copy + start;
			start = i + 1;
		}
	}
#define STR(ptag, idx) do { if (f[idx] != NULL) { props[np].tag = (ptag); \
		props[np++].value.string = (char *)f[idx]; } } while (0)
	STR(PidTagSubject, 0);
	STR(PidTagSenderName, 1);
	STR(PidTagSenderSmtpAddress, 2);
	STR(PidTagSentRepresentingName, 3);
	STR(PidTagSentRepresentingSmtpAddress, 4);
	STR(PidTagBody, 5);
	STR(PidTagInternetMessageId, 6);
	STR(PidTagInReplyToId, 7);
	STR(PidTagInternetReferences, 8);
	if (f[9] != NULL) {
		props[np].tag = (ctl[0] & 1) ? PidTagBodyHtml : PidTagHtml;
		if (ctl[0] & 1) {
			props[np].value.string = (char *)f[9];
		} else {
			props[np].value.binary.data = (uint8_t *)f[9];
			props[np].value.binary.len = (uint32_t)strlen(f[9]);
		}
		np++;
	}
	props[np].tag = PidTagImportance;
	props[np++].value.i32 = ctl[1] % 5;
	props[np].tag = PidTagSensitivity;
	props[np++].value.i32 = ctl[2] % 5;
	props[np].tag = PidTagInternetCodepage;
	props[np++].value.i32 = (ctl[3] & 1) ? 20866 : 65001;
	props[np].tag = (ctl[3] & 2) ? PidTagClientSubmitTime : PidTagMessageDeliveryTime;
	memcpy(&props[np++].value.time, ctl, 8);	/* any FILETIME */

	for (i = 0; i < 3; i++) {
		static const unsigned types[] = { OXCMAIL_TO, OXCMAIL_CC, OXCMAIL_BCC, OXCMAIL_REPLY_TO };

		rcpt[i].type = (enum oxcmail_recipient_type)types[(ctl[4] >> (2 * i)) % 4];
		rcpt[i].display_name = f[10 + 2 * i < NFIELDS ? 10 + 2 * i : 0];
		rcpt[i].smtp_address = f[11 + 2 * i];
	}
	memset(att, 0, sizeof(att));
	att[0].filename = f[16];
	att[0].mime_type = f[17];
	att[0].content_id = f[18];
	att[0].is_inline = ctl[5] & 1;
	att[0].data = data;
	att[0].len = size;
	att[1].filename = f[19];
	att[1].embedded = (ctl[5] & 2) ? &inner : NULL;
	att[1].data = (const uint8_t *)f[19];
	att[1].len = f[19] ? strlen(f[19]) : 0;

	inner = (struct oxcmail_message){ .props = props, .prop_count = np,
					  .recipients = rcpt, .recipient_count = 3,
					  .attachments = att, .attachment_count = 1 };
	inner.keywords = &f[0];	/* subject, names, addresses: any strings */
	inner.keyword_count = ctl[7] >> 5;
	/* an embedded message that embeds itself: only OXCMAIL_MAX_DEPTH ends it */
	if (ctl[5] & 4)
		inner.attachment_count = 2;
	msg = inner;
	msg.attachment_count = ctl[6] % 3;
	opts.flags = (ctl[7] & 1) ? OXCMAIL_CRLF : 0;

	text = oxcmail_export(mem, &msg, &opts, &len);
	if (text == NULL)
		abort();
	check_output(text, len);
	if (!oxcmail_envelope(mem, &msg, &opts, &sender, &date))
		abort();
	entry = mbox_format_entry(mem, sender, date, text, len, &elen);
	if (entry == NULL)
		abort();
	/* only the separator may start with "From " */
	if (strncmp(entry, "From ", 5) != 0)
		abort();
	for (i = 1; i + 5 <= elen; i++)
		if (entry[i - 1] == '\n' && memcmp(entry + i, "From ", 5) == 0)
			abort();
	talloc_free(mem);
	return 0;
}
