/*
 * MAPI message -> Internet message (RFC 5322 + MIME), the direction of
 * MS-OXCMAIL 2.2 that an exporter needs. Offline: the caller has already
 * read the message's properties, recipients and attachments (over EMSMDB or
 * from anywhere else); nothing here talks to a server.
 *
 * Line endings: the text is produced with LF ("\n") line ends, because its
 * first consumer is an mbox file, which is a Unix text file; pass
 * OXCMAIL_CRLF for the CRLF form of RFC 5322 2.1 (SMTP, IMAP APPEND). The
 * output is always 7-bit: every body is 7bit, quoted-printable or base64, and
 * every header is ASCII (RFC 2047 encoded-words, RFC 2231 parameters).
 *
 * Copyright (C) OpenChange developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef UTILS_EXCHANGE2MBOX_OXCMAIL_H
#define UTILS_EXCHANGE2MBOX_OXCMAIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>
#include <talloc.h>
#include "libmapi/oxcdata_propval.h"

/* PidTagRecipientType values (MS-OXOMSG 2.2.3.1). */
enum oxcmail_recipient_type {
	OXCMAIL_TO = 1,
	OXCMAIL_CC = 2,
	OXCMAIL_BCC = 3,
	/* Not a PidTagRecipientType value: a Reply-To address, which MAPI keeps
	 * in PidTagReplyRecipientEntries/Names; the caller decodes those. */
	OXCMAIL_REPLY_TO = 0x100,
};

struct oxcmail_recipient {
	enum oxcmail_recipient_type type;
	const char *display_name;	/* UTF-8, may be NULL */
	const char *smtp_address;	/* may be NULL: the name alone is written as a group */
};

struct oxcmail_message;

struct oxcmail_attachment {
	const char *filename;		/* UTF-8 (PidTagAttachLongFilename), may be NULL */
	const char *mime_type;		/* PidTagAttachMimeTag, may be NULL */
	const uint8_t *data;		/* PidTagAttachDataBinary */
	size_t len;
	const char *content_id;		/* PidTagAttachContentId, without <>, may be NULL */
	bool is_inline;			/* rendered in the body (attachment flags / hidden) */
	/* An embedded message (PidTagAttachMethod afEmbeddedMessage, opened with
	 * RopOpenEmbeddedMessage): written as a message/rfc822 part holding it,
	 * converted the same way, its own attachments and embedded messages
	 * included; data and mime_type are then ignored.  One nested deeper than
	 * OXCMAIL_MAX_DEPTH messages (the outer one is the first) is written as a
	 * text/plain note instead, so a caller need not load it: any non-NULL
	 * message will do there. */
	const struct oxcmail_message *embedded;
};

/* The most messages nested in one another that are exported as messages. */
#define OXCMAIL_MAX_DEPTH 8

struct oxcmail_message {
	const struct mapi_propval *props;	/* strings UTF-8; unknown tags ignored */
	size_t prop_count;
	const struct oxcmail_recipient *recipients;
	size_t recipient_count;
	const struct oxcmail_attachment *attachments;
	size_t attachment_count;
	/* Categories (the named property PidNameKeywords, resolved by the
	 * caller): written as the Keywords header. */
	const char *const *keywords;
	size_t keyword_count;
};

#define OXCMAIL_CRLF 0x1	/* CRLF line ends instead of LF */

struct oxcmail_options {
	unsigned flags;
	/* Right-hand side of a generated Message-ID (RFC 5322 3.6.4) when the
	 * message has no PidTagInternetMessageId; NULL: "openchange.invalid". */
	const char *message_id_domain;
	/* Date when the message has no time property at all; 0: now. */
	time_t fallback_date;
};

/*
 * The message as RFC 5322 text, NUL-terminated, allocated under mem_ctx;
 * *len (when not NULL) gets its length. opts may be NULL. Never fails on
 * content: a value that cannot be written as it is (a malformed address, a
 * Message-ID with spaces, a MIME type that is not type/subtype) is dropped
 * or replaced by a safe default. NULL only when memory runs out.
 */
char *oxcmail_export(TALLOC_CTX *mem_ctx, const struct oxcmail_message *msg,
		     const struct oxcmail_options *opts, size_t *len);

/*
 * The mbox envelope of a message: the sender's SMTP address (PidTagSenderSmtpAddress,
 * else PidTagSentRepresentingSmtpAddress, else "MAILER-DAEMON") and its
 * date (the same as the Date header). *sender is allocated under mem_ctx.
 */
bool oxcmail_envelope(TALLOC_CTX *mem_ctx, const struct oxcmail_message *msg,
		      const struct oxcmail_options *opts, char **sender, time_t *date);

/*
 * A recipient from its recipient-table row (MS-OXCMSG 2.2.1, MS-OXOMSG
 * 2.2.3.1): PidTagRecipientType (its low nibble; P1 resend rows, flag
 * 0x10000000, are skipped), PidTagDisplayName, PidTagSmtpAddress, else
 * PidTagEmailAddress when PidTagAddressType is "SMTP". out's strings point
 * into props. False when the row is not a To/Cc/Bcc recipient.
 */
bool oxcmail_recipient_from_props(const struct mapi_propval *props, size_t count,
				  struct oxcmail_recipient *out);

/*
 * An attachment from its properties (MS-OXCMSG 2.2.2): PidTagAttachLongFilename,
 * else PidTagAttachFilename; PidTagAttachMimeTag; PidTagAttachContentId;
 * PidTagAttachDataBinary; inline when PidTagAttachFlags has attRenderedInBody
 * (0x4) or when it is hidden (PidTagAttachmentHidden) and has a Content-ID.
 * out->embedded stays NULL: an embedded message (PidTagAttachMethod 5) is
 * opened by the caller and set there. Pointers point into props.
 */
void oxcmail_attachment_from_props(const struct mapi_propval *props, size_t count,
				   struct oxcmail_attachment *out);

/* FILETIME (100 ns since 1601) to Unix time, clamped to years 1970..9999. */
time_t oxcmail_filetime_to_unix(uint64_t filetime);

#endif
