/*
 * mbox files in the mboxrd flavour (the "From " line conventions of
 * qmail's mbox(5) and RFC 4155): each message is
 *
 *   From <envelope sender> <asctime date, UTC>\n
 *   <the message, LF line ends, every line matching ^>*From  given one more '>'>\n
 *   \n
 *
 * so a reader removes one '>' from lines matching ^>+From  and gets the
 * message back exactly, whatever it contained. Line ends are LF: an mbox
 * file is a Unix text file; CRLF in the message is written as LF.
 *
 * Copyright (C) OpenChange developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef UTILS_EXCHANGE2MBOX_MBOX_H
#define UTILS_EXCHANGE2MBOX_MBOX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <time.h>
#include <talloc.h>

/*
 * One mbox entry as bytes, allocated under mem_ctx (*out_len gets the
 * length). sender: the envelope sender, one word (spaces and controls are
 * replaced by '_'; NULL or empty: MAILER-DAEMON). NULL when memory runs out.
 */
char *mbox_format_entry(TALLOC_CTX *mem_ctx, const char *sender, time_t date,
			const char *msg, size_t len, size_t *out_len);

struct mbox_writer;

/* Opens path for appending (created 0600 when missing). NULL and errno on failure. */
struct mbox_writer *mbox_open(TALLOC_CTX *mem_ctx, const char *path);

/* Appends one entry; false and errno on a write error. */
bool mbox_write(struct mbox_writer *w, const char *sender, time_t date, const char *msg, size_t len);

/* Flushes to disk (fsync) and closes; false and errno when that fails. Frees w. */
bool mbox_close(struct mbox_writer *w);

#endif
