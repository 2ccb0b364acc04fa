/*
 * MAPI message -> RFC 5322 / MIME text (MS-OXCMAIL 2.2, the MAPI-to-MIME
 * direction). See oxcmail.h for the input and the line-end choice.
 *
 * The text is built with LF line ends and converted to CRLF at the end when
 * asked: one code path, and no lone CR can appear because every body is
 * encoded (7bit bodies are only chosen for text without CR).
 *
 * Copyright (C) OpenChange developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE	/* memmem */
#endif
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "utils/exchange2mbox/oxcmail.h"
/* The generated PidTag* names; it defines its own (equivalent) versions of
 * oxcdata's tag macros, which this file does not use. */
#undef MAPI_PROP_TAG
#undef MAPI_PROP_ID
#undef MAPI_PROP_TYPE
#include "idl/gen_proptags.h"

/* OXCMAIL_MAX_DEPTH (oxcmail.h) bounds the recursion through embedded
 * messages: a message nested deeper becomes a short text/plain note, so a
 * reader still sees that something was there. */

/* A growable byte buffer; on allocation failure it stops growing and
 * remembers, so callers check once at the end. */
struct sbuf {
	TALLOC_CTX *mem_ctx;
	char *data;
	size_t len, cap;
	bool failed;
};

static void sb_add(struct sbuf *sb, const void *p, size_t n)
{
	if (sb->failed || n == 0)
		return;
	if (sb->len + n + 1 > sb->cap) {
		size_t cap = sb->cap ? sb->cap : 256;
		char *d;

		while (cap < sb->len + n + 1)
			cap *= 2;
		d = talloc_realloc(sb->mem_ctx, sb->data, char, cap);
		if (d == NULL) {
			sb->failed = true;
			return;
		}
		sb->data = d;
		sb->cap = cap;
	}
	memcpy(sb->data + sb->len, p, n);
	sb->len += n;
	sb->data[sb->len] = '\0';
}

static void sb_str(struct sbuf *sb, const char *s)
{
	sb_add(sb, s, strlen(s));
}

static void sb_fmt(struct sbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void sb_fmt(struct sbuf *sb, const char *fmt, ...)
{
	va_list ap;
	char *tmp;

	va_start(ap, fmt);
	tmp = talloc_vasprintf(sb->mem_ctx, fmt, ap);
	va_end(ap);
	if (tmp == NULL) {
		sb->failed = true;
		return;
	}
	sb_str(sb, tmp);
	talloc_free(tmp);
}

/* --- property lookup ------------------------------------------------------ */

static const struct mapi_propval *find_prop(const struct oxcmail_message *msg, uint32_t tag)
{
	size_t i;

	for (i = 0; i < msg->prop_count && msg->props != NULL; i++)
		if (msg->props[i].tag == tag)
			return &msg->props[i];
	return NULL;
}

static bool is_valid_utf8(const uint8_t *p, size_t n);

/*
 * A string property by its PtypString tag; its PtypString8 form is used too
 * when its bytes are valid UTF-8 (ASCII in practice): other 8-bit text is in
 * a code page this offline code cannot know (MS-OXCDATA 2.11.1.2).
 */
static const char *prop_string(const struct oxcmail_message *msg, uint32_t tag)
{
	const struct mapi_propval *pv = find_prop(msg, tag);

	if (pv != NULL && pv->value.string != NULL && pv->value.string[0] != '\0')
		return pv->value.string;
	pv = find_prop(msg, (tag & 0xFFFF0000u) | PTYP_STRING8);
	if (pv != NULL && pv->value.string8 != NULL && pv->value.string8[0] != '\0' &&
	    is_valid_utf8((const uint8_t *)pv->value.string8, strlen(pv->value.string8)))
		return pv->value.string8;
	return NULL;
}

static bool prop_i32(const struct oxcmail_message *msg, uint32_t tag, uint32_t *out)
{
	const struct mapi_propval *pv = find_prop(msg, tag);

	if (pv == NULL)
		return false;
	*out = pv->value.i32;
	return true;
}

static bool prop_time(const struct oxcmail_message *msg, uint32_t tag, uint64_t *out)
{
	const struct mapi_propval *pv = find_prop(msg, tag);

	if (pv == NULL)
		return false;
	*out = pv->value.time;
	return true;
}

/* --- character classes ---------------------------------------------------- */

static bool is_printable_ascii(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s > 0x7E)
			return false;
	return true;
}

/* RFC 5322 3.2.3 atext plus space: a display name made of these needs no quoting. */
static bool is_phrase_text(const char *s)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c >= 0x80 || c < 0x20 || c == 0x7F || strchr("()<>[]:;@\\,.\"", c) != NULL)
			return false;
	}
	return true;
}

/*
 * An addr-spec we are willing to write (RFC 5322 3.4.1, dot-atom@dot-atom,
 * checked loosely): printable ASCII, no whitespace, no angle brackets or
 * other specials that would break the header, exactly one '@' with text on
 * both sides. Internationalised addresses (RFC 6532) are not written.
 */
static bool is_sane_addr_spec_n(const char *s, size_t n)
{
	const char *at = NULL;
	const char *p;

	if (s == NULL || n == 0 || n > 320)
		return false;
	for (p = s; p < s + n; p++) {
		unsigned char c = (unsigned char)*p;

		if (c <= 0x20 || c >= 0x7F || strchr("()<>[]:;,\\\"", c) != NULL)
			return false;
		if (c == '@') {
			if (at != NULL)
				return false;
			at = p;
		}
	}
	return at != NULL && at != s && at + 1 < s + n;
}

static bool is_sane_addr_spec(const char *s)
{
	return s != NULL && is_sane_addr_spec_n(s, strlen(s));
}

/* A msg-id (RFC 5322 3.6.4) as "<left@right>": no whitespace, no controls. */
static bool is_sane_msg_id(const char *s)
{
	size_t n;

	if (s == NULL)
		return false;
	n = strlen(s);
	if (n < 3 || n > 900 || s[0] != '<' || s[n - 1] != '>')
		return false;
	return is_sane_addr_spec_n(s + 1, n - 2);
}

/* --- encodings -------------------------------------------------------------- */

static const char b64chars[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static void b64_encode(struct sbuf *sb, const uint8_t *p, size_t n)
{
	while (n > 0) {
		char out[4];
		uint32_t v = (uint32_t)p[0] << 16;

		if (n > 1)
			v |= (uint32_t)p[1] << 8;
		if (n > 2)
			v |= p[2];
		out[0] = b64chars[(v >> 18) & 63];
		out[1] = b64chars[(v >> 12) & 63];
		out[2] = n > 1 ? b64chars[(v >> 6) & 63] : '=';
		out[3] = n > 2 ? b64chars[v & 63] : '=';
		sb_add(sb, out, 4);
		p += n > 3 ? 3 : n;
		n -= n > 3 ? 3 : n;
	}
}

/* base64 body, 76 characters a line (RFC 2045 6.8): 57 input bytes a line. */
static void b64_body(struct sbuf *sb, const uint8_t *p, size_t n)
{
	while (n > 0) {
		size_t k = n > 57 ? 57 : n;

		b64_encode(sb, p, k);
		sb_str(sb, "\n");
		p += k;
		n -= k;
	}
}

/*
 * Length of the UTF-8 sequence that starts at p (at most avail bytes); a
 * malformed byte counts as one, so arbitrary bytes never loop or split oddly.
 */
static size_t utf8_seq_len(const unsigned char *p, size_t avail)
{
	size_t n = 1, i;

	if (p[0] >= 0xF0 && p[0] <= 0xF4)
		n = 4;
	else if (p[0] >= 0xE0)
		n = p[0] >= 0xF0 ? 1 : 3;
	else if (p[0] >= 0xC2)
		n = 2;
	if (n > avail)
		return 1;
	for (i = 1; i < n; i++)
		if ((p[i] & 0xC0) != 0x80)
			return 1;
	return n;
}

static bool is_valid_utf8(const uint8_t *p, size_t n)
{
	size_t i = 0;

	while (i < n) {
		size_t k = utf8_seq_len(p + i, n - i);

		if (k == 1 && p[i] >= 0x80)
			return false;
		i += k;
	}
	return true;
}

/* Longest run without a space: folding happens only at spaces. */
static size_t longest_word(const char *s)
{
	size_t best = 0, cur = 0;

	for (; *s; s++) {
		cur = *s == ' ' ? 0 : cur + 1;
		if (cur > best)
			best = cur;
	}
	return best;
}

/*
 * Unstructured header text (RFC 5322 2.2.3, 3.2.5). ASCII text is folded at
 * spaces; anything else becomes RFC 2047 B encoded-words in UTF-8, each at
 * most 75 characters (RFC 2047 2) and cut only between characters (RFC 2047
 * 5), one per folded line. col is where the value starts on the first line.
 */
static void header_text(struct sbuf *sb, const char *text, size_t col)
{
	const unsigned char *p = (const unsigned char *)text;
	size_t n = strlen(text);

	if (is_printable_ascii(text) && strstr(text, "=?") == NULL && longest_word(text) < 900) {
		size_t i = 0;

		while (i < n) {
			/* the longest piece that fits in 78 columns, ending before a space */
			size_t end = i, last_space = 0;

			while (end < n && (col + (end - i) < 78 || last_space == 0)) {
				if (text[end] == ' ' && end > i)
					last_space = end;
				end++;
			}
			if (end < n && last_space != 0)
				end = last_space;
			sb_add(sb, text + i, end - i);
			i = end;
			if (i < n) {
				sb_str(sb, "\n");
				col = 0;	/* the continuation starts with the space at text[i] */
			}
		}
		return;
	}
	while (n > 0) {
		size_t take = 0;

		/* 39 bytes -> 52 base64 chars -> 64-character encoded-word */
		while (take < n) {
			size_t k = utf8_seq_len(p + take, n - take);

			if (take + k > 39)
				break;
			take += k;
		}
		sb_str(sb, "=?UTF-8?B?");
		b64_encode(sb, p, take);
		sb_str(sb, "?=");
		p += take;
		n -= take;
		if (n > 0)
			sb_str(sb, "\n ");
	}
	(void)col;
}

/* A display name: atoms as they are, other ASCII quoted, the rest encoded. */
static void header_phrase(struct sbuf *sb, const char *name, size_t col)
{
	if (is_phrase_text(name) && strlen(name) < 70) {
		sb_str(sb, name);
	} else if (is_printable_ascii(name) && strlen(name) < 70 && strstr(name, "=?") == NULL) {
		const char *p;

		sb_str(sb, "\"");
		for (p = name; *p; p++) {
			if (*p == '"' || *p == '\\')
				sb_str(sb, "\\");
			sb_add(sb, p, 1);
		}
		sb_str(sb, "\"");
	} else {
		header_text(sb, name, col);
	}
}

/* mailbox (RFC 5322 3.4): name-addr, addr-spec, or a group of the name alone. */
static void header_mailbox(struct sbuf *sb, const char *name, const char *addr, size_t col)
{
	bool addr_ok = is_sane_addr_spec(addr);

	if (name != NULL && name[0] != '\0') {
		header_phrase(sb, name, col);
		if (addr_ok)
			sb_fmt(sb, " <%s>", addr);
		else
			sb_str(sb, ":;");	/* an empty group keeps the name without an address */
	} else if (addr_ok) {
		sb_str(sb, addr);
	} else {
		sb_str(sb, "undisclosed-recipient:;");
	}
}

/* A list of msg-ids (References, RFC 5322 3.6.4): the sane ones, folded. */
static void header_msg_ids(struct sbuf *sb, const char *name, const char *ids)
{
	char *copy = talloc_strdup(sb->mem_ctx, ids);
	char *tok, *save = NULL;
	bool any = false;

	if (copy == NULL) {
		sb->failed = true;
		return;
	}
	for (tok = strtok_r(copy, " \t\r\n", &save); tok; tok = strtok_r(NULL, " \t\r\n", &save)) {
		if (!is_sane_msg_id(tok))
			continue;
		if (!any)
			sb_fmt(sb, "%s:", name);
		else
			sb_str(sb, "\n");
		sb_fmt(sb, " %s", tok);
		any = true;
	}
	if (any)
		sb_str(sb, "\n");
	talloc_free(copy);
}

/*
 * quoted-printable (RFC 2045 6.7): line breaks of the text (CRLF or LF)
 * become hard line breaks; '=' and bytes outside 33..126 are =XX; a space or
 * tab before a line end is encoded; soft breaks keep lines at 76.
 */
static void qp_body(struct sbuf *sb, const uint8_t *p, size_t n)
{
	size_t col = 0, i;

	for (i = 0; i < n; i++) {
		uint8_t c = p[i];
		char enc[4];
		size_t w;

		if (c == '\r' && i + 1 < n && p[i + 1] == '\n')
			continue;	/* the LF that follows ends the line */
		if (c == '\n') {
			sb_str(sb, "\n");
			col = 0;
			continue;
		}
		if ((c >= 33 && c <= 126 && c != '=') ||
		    ((c == ' ' || c == '\t') && i + 1 < n && p[i + 1] != '\n' && p[i + 1] != '\r')) {
			enc[0] = (char)c;
			w = 1;
		} else {
			snprintf(enc, sizeof(enc), "=%02X", c);
			w = 3;
		}
		if (col + w > 75) {
			sb_str(sb, "=\n");
			col = 0;
		}
		sb_add(sb, enc, w);
		col += w;
	}
	if (col > 0)
		sb_str(sb, "=\n");	/* the text had no final line break: add none */
}

enum cte { CTE_7BIT, CTE_QP, CTE_BASE64 };

/*
 * Which transfer encoding a text body gets (RFC 2045 6): 7bit when it is
 * ASCII without CR or NUL and short lines; base64 when most of it is not
 * ASCII (Cyrillic, CJK: QP would triple it); else quoted-printable.
 */
static enum cte choose_text_cte(const uint8_t *p, size_t n)
{
	size_t i, high = 0, line = 0;
	bool plain = true;

	for (i = 0; i < n; i++) {
		if (p[i] >= 0x80)
			high++;
		if (p[i] == '\n') {
			line = 0;
			continue;
		}
		if (p[i] >= 0x80 || (p[i] < 0x20 && p[i] != '\t') || p[i] == 0x7F || ++line > 76)
			plain = false;
	}
	if (plain && (n == 0 || p[n - 1] == '\n'))
		return CTE_7BIT;
	if (high * 3 > n)
		return CTE_BASE64;
	return CTE_QP;
}

/* Text in its canonical form for base64 (RFC 2045 6.8: CRLF line breaks). */
static void b64_text_body(struct sbuf *sb, const uint8_t *p, size_t n)
{
	struct sbuf canon = { .mem_ctx = sb->mem_ctx };
	size_t i, start = 0;

	for (i = 0; i < n; i++) {
		if (p[i] == '\n' && (i == 0 || p[i - 1] != '\r')) {
			sb_add(&canon, p + start, i - start);
			sb_str(&canon, "\r\n");
			start = i + 1;
		}
	}
	sb_add(&canon, p + start, n - start);
	if (canon.failed)
		sb->failed = true;
	b64_body(sb, (const uint8_t *)canon.data, canon.len);
	talloc_free(canon.data);
}

/* A text part: headers and body. */
static void text_part(struct sbuf *sb, const char *subtype, const char *charset,
		      const uint8_t *p, size_t n)
{
	enum cte cte = choose_text_cte(p, n);

	sb_fmt(sb, "Content-Type: text/%s; charset=%s\n", subtype, charset);
	switch (cte) {
	case CTE_7BIT:
		sb_str(sb, "Content-Transfer-Encoding: 7bit\n\n");
		sb_add(sb, p, n);
		break;
	case CTE_QP:
		sb_str(sb, "Content-Transfer-Encoding: quoted-printable\n\n");
		qp_body(sb, p, n);
		break;
	case CTE_BASE64:
		sb_str(sb, "Content-Transfer-Encoding: base64\n\n");
		b64_text_body(sb, p, n);
		break;
	}
}

/* --- parameters (RFC 2045 5.1, RFC 2231) ------------------------------------- */

static bool is_token(const char *s)
{
	if (*s == '\0')
		return false;
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c <= 0x20 || c >= 0x7F || strchr("()<>@,;:\\\"/[]?=", c) != NULL)
			return false;
	}
	return true;
}

/* type/subtype with token characters (RFC 2045 5.1), lowercased. */
static char *sane_mime_type(TALLOC_CTX *mem_ctx, const char *s)
{
	const char *slash;
	char *type, *out;
	bool ok;

	if (s == NULL || (slash = strchr(s, '/')) == NULL || strlen(s) > 200)
		return NULL;
	type = talloc_strndup(mem_ctx, s, (size_t)(slash - s));
	ok = type != NULL && is_token(type) && is_token(slash + 1);
	talloc_free(type);
	if (!ok)
		return NULL;
	out = talloc_strdup(mem_ctx, s);
	for (char *q = out; q && *q; q++)
		if (*q >= 'A' && *q <= 'Z')
			*q = (char)(*q - 'A' + 'a');
	return out;
}

/*
 * ; name="value" for short printable ASCII, else RFC 2231 extended value
 * name*0*=utf-8''%XX..., continued over lines of about 70 characters
 * (RFC 2231 3-4) and never cut inside a %XX.
 */
static void header_param(struct sbuf *sb, const char *name, const char *value)
{
	const unsigned char *p = (const unsigned char *)value;
	char chunk[96];
	size_t clen = 0, left_in_char = 0;
	const unsigned char *vend = p + strlen(value);
	unsigned section = 0;

	if (is_printable_ascii(value) && strlen(value) < 60) {
		sb_fmt(sb, ";\n %s=\"", name);
		for (; *p; p++) {
			if (*p == '"' || *p == '\\')
				sb_str(sb, "\\");
			sb_add(sb, p, 1);
		}
		sb_str(sb, "\"");
		return;
	}
	strcpy(chunk, "utf-8''");
	clen = strlen(chunk);
	for (;; p++) {
		bool attr_char = *p != '\0' && (*p >= 0x21 && *p <= 0x7E) &&
			strchr("*'%()<>@,;:\\\"/[]?=", *p) == NULL;

		/* sections end between characters, so each one is readable alone;
		 * a character needs at most 12 bytes of the 96 */
		if (*p == '\0' || (left_in_char == 0 &&
				   clen + 3 * utf8_seq_len(p, (size_t)(vend - p)) > 63)) {
			sb_fmt(sb, ";\n %s*%u*=", name, section++);
			sb_add(sb, chunk, clen);
			clen = 0;
			if (*p == '\0')
				break;
		}
		if (left_in_char == 0)
			left_in_char = utf8_seq_len(p, (size_t)(vend - p));
		left_in_char--;
		if (attr_char) {
			chunk[clen++] = (char)*p;
		} else {
			snprintf(chunk + clen, 4, "%%%02X", *p);
			clen += 3;
		}
	}
}

/* --- the message --------------------------------------------------------- */

/* FILETIME epoch (1601-01-01) to Unix epoch, in seconds. */
#define FILETIME_UNIX_OFFSET 11644473600ULL

time_t oxcmail_filetime_to_unix(uint64_t filetime)
{
	uint64_t secs = filetime / 10000000ULL;

	if (secs <= FILETIME_UNIX_OFFSET)
		return 0;
	secs -= FILETIME_UNIX_OFFSET;
	if (secs > 253402300799ULL)	/* 9999-12-31 23:59:59: a 4-digit year */
		secs = 253402300799ULL;
	return (time_t)secs;
}

/* Date header source (MS-OXCMAIL 2.1.3.2.7: PidTagClientSubmitTime; a
 * message never submitted has none, so then the delivery time, the
 * modification and creation times, and last the current time). */
static time_t message_date(const struct oxcmail_message *msg, const struct oxcmail_options *opts)
{
	static const uint32_t tags[] = {
		PidTagClientSubmitTime, PidTagMessageDeliveryTime,
		PidTagLastModificationTime, PidTagCreationTime,
	};
	uint64_t ft;
	size_t i;

	for (i = 0; i < sizeof(tags) / sizeof(tags[0]); i++)
		if (prop_time(msg, tags[i], &ft))
			return oxcmail_filetime_to_unix(ft);
	if (opts != NULL && opts->fallback_date != 0)
		return opts->fallback_date;
	return time(NULL);
}

bool oxcmail_envelope(TALLOC_CTX *mem_ctx, const struct oxcmail_message *msg,
		      const struct oxcmail_options *opts, char **sender, time_t *date)
{
	const char *addr = prop_string(msg, PidTagSenderSmtpAddress);

	if (!is_sane_addr_spec(addr))
		addr = prop_string(msg, PidTagSentRepresentingSmtpAddress);
	if (!is_sane_addr_spec(addr))
		addr = "MAILER-DAEMON";
	*sender = talloc_strdup(mem_ctx, addr);
	*date = message_date(msg, opts);
	return *sender != NULL;
}

/* FNV-1a: a stable fingerprint for generated Message-IDs and boundaries. */
static uint64_t fnv1a(uint64_t h, const void *p, size_t n)
{
	const uint8_t *b = p;

	while (n--) {
		h ^= *b++;
		h *= 0x100000001b3ULL;
	}
	return h;
}

static uint64_t message_fingerprint(const struct oxcmail_message *msg)
{
	uint64_t h = 0xcbf29ce484222325ULL, t = 0;
	const char *s;

	if ((s = prop_string(msg, PidTagSubject)) != NULL)
		h = fnv1a(h, s, strlen(s));
	if ((s = prop_string(msg, PidTagSenderSmtpAddress)) != NULL)
		h = fnv1a(h, s, strlen(s));
	if ((s = prop_string(msg, PidTagBody)) != NULL)
		h = fnv1a(h, s, strlen(s));
	if (prop_time(msg, PidTagClientSubmitTime, &t) || prop_time(msg, PidTagMessageDeliveryTime, &t))
		h = fnv1a(h, &t, sizeof(t));
	return h;
}

static void header_address_list(struct sbuf *sb, const char *name, const struct oxcmail_message *msg,
				enum oxcmail_recipient_type type)
{
	size_t i;
	bool any = false;

	for (i = 0; i < msg->recipient_count && msg->recipients != NULL; i++) {
		const struct oxcmail_recipient *r = &msg->recipients[i];

		if (r->type != type)
			continue;
		if (!any)
			sb_fmt(sb, "%s: ", name);
		else
			sb_str(sb, ",\n ");
		header_mailbox(sb, r->display_name, r->smtp_address, any ? 1 : strlen(name) + 2);
		any = true;
	}
	if (any)
		sb_str(sb, "\n");
}

/* Keywords (RFC 5322 3.6.5): a comma-separated list of phrases, one per
 * line; a category with a comma or non-ASCII text is an encoded-word. */
static void header_keywords(struct sbuf *sb, const struct oxcmail_message *msg)
{
	size_t i;
	bool any = false;

	for (i = 0; i < msg->keyword_count && msg->keywords != NULL; i++) {
		const char *k = msg->keywords[i];

		if (k == NULL || k[0] == '\0')
			continue;
		sb_str(sb, any ? ",\n " : "Keywords: ");
		header_phrase(sb, k, any ? 1 : 10);
		any = true;
	}
	if (any)
		sb_str(sb, "\n");
}

/*
 * From and Sender (MS-OXCMAIL 2.1.3.1.3, 2.1.3.1.4): From is the
 * PidTagSentRepresenting group (who the message is from), else the
 * PidTagSender group; Sender is the PidTagSender group when it is someone
 * else (a delegate sending on behalf of the From mailbox).
 */
static void header_from(struct sbuf *sb, const struct oxcmail_message *msg)
{
	const char *rep_name = prop_string(msg, PidTagSentRepresentingName);
	const char *rep_addr = prop_string(msg, PidTagSentRepresentingSmtpAddress);
	const char *snd_name = prop_string(msg, PidTagSenderName);
	const char *snd_addr = prop_string(msg, PidTagSenderSmtpAddress);
	bool have_rep = rep_name != NULL || is_sane_addr_spec(rep_addr);
	bool have_snd = snd_name != NULL || is_sane_addr_spec(snd_addr);

	if (!have_rep && !have_snd)
		return;
	sb_str(sb, "From: ");
	if (have_rep)
		header_mailbox(sb, rep_name, rep_addr, 6);
	else
		header_mailbox(sb, snd_name, snd_addr, 6);
	sb_str(sb, "\n");
	if (have_rep && is_sane_addr_spec(snd_addr) &&
	    (!is_sane_addr_spec(rep_addr) || strcasecmp(rep_addr, snd_addr) != 0)) {
		sb_str(sb, "Sender: ");
		header_mailbox(sb, snd_name, snd_addr, 8);
		sb_str(sb, "\n");
	}
}

/* The HTML body: PidTagHtml (binary) or its string form PidTagBodyHtml. */
static bool html_body(const struct oxcmail_message *msg, const uint8_t **p, size_t *n)
{
	const struct mapi_propval *pv = find_prop(msg, PidTagHtml);

	if (pv != NULL && pv->value.binary.len > 0 && pv->value.binary.data != NULL) {
		*p = pv->value.binary.data;
		*n = pv->value.binary.len;
		return true;
	}
	if ((pv = find_prop(msg, PidTagBodyHtml)) != NULL && pv->value.string != NULL &&
	    pv->value.string[0] != '\0') {
		*p = (const uint8_t *)pv->value.string;
		*n = strlen(pv->value.string);
		return true;
	}
	return false;
}

/* The charset an HTML body's bytes are in: UTF-8 when they are valid UTF-8,
 * else PidTagInternetCodepage's (a few common ones), else windows-1252. */
static const char *html_charset(const struct oxcmail_message *msg, const uint8_t *p, size_t n)
{
	uint32_t cp;

	if (is_valid_utf8(p, n))
		return "utf-8";
	if (prop_i32(msg, PidTagInternetCodepage, &cp)) {
		switch (cp) {
		case 28591: return "iso-8859-1";
		case 28605: return "iso-8859-15";
		case 20866: return "koi8-r";
		case 1251: return "windows-1251";
		case 932: return "shift_jis";
		case 50220: return "iso-2022-jp";
		case 51932: return "euc-jp";
		default: break;
		}
	}
	return "windows-1252";
}

struct part {
	struct sbuf sb;		/* headers, blank line, body */
};

static void build_message(struct sbuf *out, const struct oxcmail_message *msg,
			  const struct oxcmail_options *opts, unsigned depth, unsigned *boundary_seq);

/* A boundary (RFC 2046 5.1.1) found in none of the parts. "=_" cannot occur
 * in base64 or quoted-printable text, so the check rarely has to retry. */
static char *make_boundary(TALLOC_CTX *mem_ctx, const struct part *parts, size_t count,
			   uint64_t seed, unsigned *seq)
{
	for (;;) {
		char *b = talloc_asprintf(mem_ctx, "=_OC_%016llx_%u",
					  (unsigned long long)seed, (*seq)++);
		size_t i, blen;
		bool clash = false;

		if (b == NULL)
			return NULL;
		blen = strlen(b);
		for (i = 0; i < count && !clash; i++)
			if (parts[i].sb.len >= blen && memmem(parts[i].sb.data, parts[i].sb.len, b, blen))
				clash = true;
		if (!clash)
			return b;
		talloc_free(b);
	}
}

/* multipart/<subtype> of the parts; the boundary parameter ends the header. */
static void multipart(struct sbuf *sb, const char *subtype, const char *extra_param,
		      struct part *parts, size_t count, uint64_t seed, unsigned *seq)
{
	char *b = make_boundary(sb->mem_ctx, parts, count, seed, seq);
	size_t i;

	if (b == NULL) {
		sb->failed = true;
		return;
	}
	sb_fmt(sb, "Content-Type: multipart/%s;%s\n boundary=\"%s\"\n\n", subtype,
	       extra_param != NULL ? extra_param : "", b);
	for (i = 0; i < count; i++) {
		sb_fmt(sb, "--%s\n", b);
		sb_add(sb, parts[i].sb.data, parts[i].sb.len);
		if (parts[i].sb.failed)
			sb->failed = true;
		/* the line break before a delimiter belongs to the delimiter
		 * (RFC 2046 5.1.1): one more, so the part keeps its last one */
		sb_str(sb, "\n");
	}
	sb_fmt(sb, "--%s--\n", b);
	talloc_free(b);
}

static void attachment_part(struct sbuf *sb, const struct oxcmail_attachment *a,
			    const struct oxcmail_options *opts, unsigned depth, unsigned *seq)
{
	const char *name = a->filename != NULL && a->filename[0] != '\0' ? a->filename : NULL;
	bool too_deep = a->embedded != NULL && depth + 1 >= OXCMAIL_MAX_DEPTH;
	char *type;

	if (too_deep) {
		sb_str(sb, "Content-Type: text/plain; charset=us-ascii");
	} else if (a->embedded != NULL) {
		sb_str(sb, "Content-Type: message/rfc822");
	} else {
		type = sane_mime_type(sb->mem_ctx, a->mime_type);
		sb_fmt(sb, "Content-Type: %s", type != NULL ? type : "application/octet-stream");
		talloc_free(type);
	}
	if (name != NULL)
		header_param(sb, "name", name);
	sb_str(sb, "\n");
	sb_str(sb, a->is_inline ? "Content-Disposition: inline" : "Content-Disposition: attachment");
	if (name != NULL)
		header_param(sb, "filename", name);
	sb_str(sb, "\n");
	if (a->content_id != NULL && a->content_id[0] != '\0') {
		char *id = talloc_asprintf(sb->mem_ctx, "<%s>", a->content_id);

		if (id != NULL && is_sane_msg_id(id))
			sb_fmt(sb, "Content-ID: %s\n", id);
		talloc_free(id);
	}
	if (too_deep) {
		sb_fmt(sb, "Content-Transfer-Encoding: 7bit\n\n"
		       "[An embedded message nested more than %d levels deep was not exported.]\n",
		       OXCMAIL_MAX_DEPTH);
		return;
	}
	if (a->embedded != NULL) {
		/* our output is 7-bit, so the embedded message needs no encoding (RFC 2046 5.2.1) */
		sb_str(sb, "Content-Transfer-Encoding: 7bit\n\n");
		build_message(sb, a->embedded, opts, depth + 1, seq);
		return;
	}
	sb_str(sb, "Content-Transfer-Encoding: base64\n\n");
	if (a->data != NULL)
		b64_body(sb, a->data, a->len);
}

/* An attachment the HTML body shows by its Content-ID (RFC 2392 cid: URLs):
 * it goes next to the HTML in multipart/related (RFC 2387). */
static bool is_related(const struct oxcmail_attachment *a, bool has_html)
{
	return has_html && a->is_inline && a->embedded == NULL && a->content_id != NULL &&
		a->content_id[0] != '\0';
}

/*
 * The body (MS-OXCMAIL 2.2.3.1, 2.2.3.3): text, HTML or both as
 * multipart/alternative (RFC 2046 5.1.4, plainest first); inline attachments
 * with a Content-ID beside it in multipart/related; the other attachments
 * after all that in multipart/mixed.
 */
static void build_body(struct sbuf *sb, const struct oxcmail_message *msg,
		       const struct oxcmail_options *opts, unsigned depth, unsigned *seq, uint64_t seed)
{
	const char *text = prop_string(msg, PidTagBody);
	const uint8_t *html = NULL;
	size_t html_len = 0;
	bool has_html = html_body(msg, &html, &html_len);
	size_t natt = msg->attachments != NULL ? msg->attachment_count : 0;
	size_t nrel = 0, nmix = 0, i;
	struct part *rel, *mix;
	struct sbuf *core;
	TALLOC_CTX *tmp = talloc_new(sb->mem_ctx);

	for (i = 0; i < natt; i++)
		if (is_related(&msg->attachments[i], has_html))
			nrel++;
	nmix = natt - nrel;
	rel = talloc_zero_array(tmp, struct part, nrel + 1);
	mix = talloc_zero_array(tmp, struct part, nmix + 1);
	if (tmp == NULL || rel == NULL || mix == NULL) {
		sb->failed = true;
		talloc_free(tmp);
		return;
	}
	for (i = 0; i < nrel + 1; i++)
		rel[i].sb.mem_ctx = tmp;
	for (i = 0; i < nmix + 1; i++)
		mix[i].sb.mem_ctx = tmp;
	/* where the text/HTML goes: the first part of the innermost multipart */
	core = nrel > 0 ? &rel[0].sb : nmix > 0 ? &mix[0].sb : sb;

	if (text != NULL && has_html) {
		struct part alt[2] = { { .sb = { .mem_ctx = tmp } }, { .sb = { .mem_ctx = tmp } } };

		text_part(&alt[0].sb, "plain", "utf-8", (const uint8_t *)text, strlen(text));
		text_part(&alt[1].sb, "html", html_charset(msg, html, html_len), html, html_len);
		multipart(core, "alternative", NULL, alt, 2, seed, seq);
	} else if (has_html) {
		text_part(core, "html", html_charset(msg, html, html_len), html, html_len);
	} else {
		text_part(core, "plain", "utf-8", (const uint8_t *)(text ?: ""), text ? strlen(text) : 0);
	}
	for (i = 0, nrel = 0, nmix = 0; i < natt; i++) {
		const struct oxcmail_attachment *a = &msg->attachments[i];
		struct sbuf *dst = is_related(a, has_html) ? &rel[++nrel].sb : &mix[++nmix].sb;

		attachment_part(dst, a, opts, depth, seq);
	}
	if (nrel > 0)
		multipart(nmix > 0 ? &mix[0].sb : sb, "related",
			  text != NULL ? " type=\"multipart/alternative\";" : " type=\"text/html\";",
			  rel, nrel + 1, seed, seq);
	if (nmix > 0)
		multipart(sb, "mixed", NULL, mix, nmix + 1, seed, seq);
	talloc_free(tmp);
}

static void build_message(struct sbuf *sb, const struct oxcmail_message *msg,
			  const struct oxcmail_options *opts, unsigned depth, unsigned *seq)
{
	static const char *const wday[] = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };
	static const char *const mon[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
					   "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	uint64_t seed = message_fingerprint(msg);
	time_t date = message_date(msg, opts);
	struct tm tm;
	const char *s;
	uint32_t v;

	header_from(sb, msg);
	header_address_list(sb, "To", msg, OXCMAIL_TO);
	header_address_list(sb, "Cc", msg, OXCMAIL_CC);
	/* Bcc recipients are not written: the exported copy is what others see. */
	header_address_list(sb, "Reply-To", msg, OXCMAIL_REPLY_TO);
	if ((s = prop_string(msg, PidTagSubject)) != NULL) {
		sb_str(sb, "Subject: ");
		header_text(sb, s, 9);
		sb_str(sb, "\n");
	}
	if (gmtime_r(&date, &tm) != NULL)	/* RFC 5322 3.3, in UTC */
		sb_fmt(sb, "Date: %s, %d %s %04d %02d:%02d:%02d +0000\n", wday[tm.tm_wday % 7],
		       tm.tm_mday, mon[tm.tm_mon % 12], tm.tm_year + 1900, tm.tm_hour, tm.tm_min,
		       tm.tm_sec);
	s = prop_string(msg, PidTagInternetMessageId);
	if (is_sane_msg_id(s))
		sb_fmt(sb, "Message-ID: %s\n", s);
	else
		sb_fmt(sb, "Message-ID: <oc.%016llx.%lld.%u@%s>\n", (unsigned long long)seed,
		       (long long)date, depth,
		       opts != NULL && opts->message_id_domain != NULL &&
		       is_token(opts->message_id_domain) ? opts->message_id_domain : "openchange.invalid");
	s = prop_string(msg, PidTagInReplyToId);
	if (s != NULL)
		header_msg_ids(sb, "In-Reply-To", s);
	s = prop_string(msg, PidTagInternetReferences);
	if (s != NULL)
		header_msg_ids(sb, "References", s);
	/* Importance and Priority: the values MS-OXCMAIL 2.2.3.2.5 maps back to PidTagImportance */
	if (prop_i32(msg, PidTagImportance, &v) && v <= 2) {
		static const char *const imp[] = { "low", "normal", "high" };
		static const char *const prio[] = { "non-urgent", "normal", "urgent" };

		sb_fmt(sb, "Importance: %s\nPriority: %s\n", imp[v], prio[v]);
	}
	/* Sensitivity (PidTagSensitivity values of MS-OXCMSG 2.2.1.13) */
	if (prop_i32(msg, PidTagSensitivity, &v) && v >= 1 && v <= 3) {
		static const char *const sens[] = { "", "Personal", "Private", "Company-Confidential" };

		sb_fmt(sb, "Sensitivity: %s\n", sens[v]);
	}
	header_keywords(sb, msg);
	sb_str(sb, "MIME-Version: 1.0\n");
	build_body(sb, msg, opts, depth, seq, seed);
}

bool oxcmail_recipient_from_props(const struct mapi_propval *props, size_t count,
				  struct oxcmail_recipient *out)
{
	struct oxcmail_message row = { .props = props, .prop_count = count };
	const char *addr_type;
	uint32_t type;

	memset(out, 0, sizeof(*out));
	if (!prop_i32(&row, PidTagRecipientType, &type) || (type & 0x10000000u) != 0)
		return false;
	type &= 0x0F;
	if (type < OXCMAIL_TO || type > OXCMAIL_BCC)
		return false;
	out->type = (enum oxcmail_recipient_type)type;
	out->display_name = prop_string(&row, PidTagDisplayName);
	out->smtp_address = prop_string(&row, PidTagSmtpAddress);
	addr_type = prop_string(&row, PidTagAddressType);
	if (out->smtp_address == NULL && addr_type != NULL && strcasecmp(addr_type, "SMTP") == 0)
		out->smtp_address = prop_string(&row, PidTagEmailAddress);
	return true;
}

void oxcmail_attachment_from_props(const struct mapi_propval *props, size_t count,
				   struct oxcmail_attachment *out)
{
	struct oxcmail_message att = { .props = props, .prop_count = count };
	const struct mapi_propval *pv;
	uint32_t flags = 0;

	memset(out, 0, sizeof(*out));
	out->filename = prop_string(&att, PidTagAttachLongFilename);
	if (out->filename == NULL)
		out->filename = prop_string(&att, PidTagAttachFilename);
	out->mime_type = prop_string(&att, PidTagAttachMimeTag);
	out->content_id = prop_string(&att, PidTagAttachContentId);
	if ((pv = find_prop(&att, PidTagAttachDataBinary)) != NULL && pv->value.binary.data != NULL) {
		out->data = pv->value.binary.data;
		out->len = pv->value.binary.len;
	}
	(void)prop_i32(&att, PidTagAttachFlags, &flags);
	pv = find_prop(&att, PidTagAttachmentHidden);
	out->is_inline = (flags & 0x4) != 0 ||
		(pv != NULL && pv->value.boolean != 0 && out->content_id != NULL);
}

char *oxcmail_export(TALLOC_CTX *mem_ctx, const struct oxcmail_message *msg,
		     const struct oxcmail_options *opts, size_t *len)
{
	struct sbuf sb = { .mem_ctx = mem_ctx };
	unsigned seq = 0;

	build_message(&sb, msg, opts, 0, &seq);
	if (!sb.failed && (sb.len == 0 || sb.data[sb.len - 1] != '\n'))
		sb_str(&sb, "\n");
	if (!sb.failed && opts != NULL && (opts->flags & OXCMAIL_CRLF)) {
		struct sbuf crlf = { .mem_ctx = mem_ctx };
		size_t i, start = 0;

		for (i = 0; i < sb.len; i++) {
			if (sb.data[i] == '\n') {
				sb_add(&crlf, sb.data + start, i - start);
				sb_str(&crlf, "\r\n");
				start = i + 1;
			}
		}
		talloc_free(sb.data);
		sb = crlf;
	}
	if (sb.failed) {
		talloc_free(sb.data);
		return NULL;
	}
	if (len != NULL)
		*len = sb.len;
	return sb.data;
}
