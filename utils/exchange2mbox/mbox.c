/*
 * mboxrd writer; see mbox.h for the format.
 *
 * Copyright (C) OpenChange developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <stdio.h>
#include <unistd.h>

#include "utils/exchange2mbox/mbox.h"

struct mbox_writer {
	FILE *f;
};

/* Whether the line at p (n bytes to its end) matches ^>*From : the lines
 * mboxrd quotes, so that quoting is reversible (">From " becomes ">>From "). */
static bool needs_quote(const char *p, size_t n)
{
	size_t i = 0;

	while (i < n && p[i] == '>')
		i++;
	return n - i >= 5 && memcmp(p + i, "From ", 5) == 0;
}

char *mbox_format_entry(TALLOC_CTX *mem_ctx, const char *sender, time_t date,
			const char *msg, size_t len, size_t *out_len)
{
	static const char *const wday[] = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };
	static const char *const mon[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
					   "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	char datebuf[64];
	struct tm tm;
	char *out, *o;
	size_t i, quotes = 0, cap;
	const char *s = sender != NULL && sender[0] != '\0' ? sender : "MAILER-DAEMON";
	size_t slen = strlen(s) > 256 ? 256 : strlen(s);

	/* asctime layout ("Tue Nov 24 13:41:13 2026") without its newline; years
	 * past 9999 would not fit the layout, so the date is clamped */
	if (date < 0 || date > 253402300799LL)
		date = 0;
	/* names spelled out: strftime's %a and %b would follow the locale */
	if (gmtime_r(&date, &tm) != NULL)
		snprintf(datebuf, sizeof(datebuf), "%s %s %2d %02d:%02d:%02d %04d",
			 wday[tm.tm_wday % 7], mon[tm.tm_mon % 12], tm.tm_mday, tm.tm_hour,
			 tm.tm_min, tm.tm_sec, tm.tm_year + 1900);
	else
		strcpy(datebuf, "Thu Jan  1 00:00:00 1970");

	for (i = 0; i < len; i++)	/* count the lines to quote, to size the output */
		if ((i == 0 || msg[i - 1] == '\n') && needs_quote(msg + i, len - i))
			quotes++;
	cap = 5 + slen + 1 + strlen(datebuf) + 1 + len + quotes + 2 + 1;
	out = talloc_array(mem_ctx, char, cap);
	if (out == NULL)
		return NULL;
	o = out;
	memcpy(o, "From ", 5);
	o += 5;
	for (i = 0; i < slen; i++)
		*o++ = (unsigned char)s[i] <= 0x20 || s[i] == 0x7F ? '_' : s[i];
	*o++ = ' ';
	memcpy(o, datebuf, strlen(datebuf));
	o += strlen(datebuf);
	*o++ = '\n';
	for (i = 0; i < len; i++) {
		if ((i == 0 || msg[i - 1] == '\n') && needs_quote(msg + i, len - i))
			*o++ = '>';
		if (msg[i] == '\r' && i + 1 < len && msg[i + 1] == '\n')
			continue;	/* CRLF -> LF */
		*o++ = msg[i];
	}
	/* the message ends with a line end; then the blank line before the next "From " */
	if (len == 0 || msg[len - 1] != '\n')
		*o++ = '\n';
	*o++ = '\n';
	*o = '\0';
	if (out_len != NULL)
		*out_len = (size_t)(o - out);
	return out;
}

static int writer_destructor(struct mbox_writer *w)
{
	if (w->f != NULL)
		fclose(w->f);
	return 0;
}

struct mbox_writer *mbox_open(TALLOC_CTX *mem_ctx, const char *path)
{
	struct mbox_writer *w = talloc_zero(mem_ctx, struct mbox_writer);
	int fd;

	if (w == NULL) {
		errno = ENOMEM;
		return NULL;
	}
	fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	if (fd < 0 || (w->f = fdopen(fd, "a")) == NULL) {
		int e = errno;

		if (fd >= 0)
			close(fd);
		talloc_free(w);
		errno = e;
		return NULL;
	}
	talloc_set_destructor(w, writer_destructor);
	return w;
}

bool mbox_write(struct mbox_writer *w, const char *sender, time_t date, const char *msg, size_t len)
{
	size_t n;
	char *entry = mbox_format_entry(w, sender, date, msg, len, &n);
	bool ok;

	if (entry == NULL) {
		errno = ENOMEM;
		return false;
	}
	ok = fwrite(entry, 1, n, w->f) == n;
	talloc_free(entry);
	return ok;
}

bool mbox_close(struct mbox_writer *w)
{
	bool ok = fflush(w->f) == 0 && fsync(fileno(w->f)) == 0;
	int e = errno;

	ok = fclose(w->f) == 0 && ok;
	w->f = NULL;
	talloc_free(w);
	errno = e;
	return ok;
}
