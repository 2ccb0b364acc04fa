/*
 * The logon options the export tools share (exchange2mbox, exchange2ical):
 * a profile, or a server, user and password; parsed the same way and
 * logged on the same way through libmapi.h.
 *
 * Copyright (C) OpenChange developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef UTILS_TOOL_LOGON_H
#define UTILS_TOOL_LOGON_H

#include <stdbool.h>
#include <talloc.h>

struct mapi_session;

struct tool_logon_opts {
	const char *profile, *profile_file, *server, *user, *password, *domain;
};

/* Their getopt_long entries, to put first in a tool's table */
#define TOOL_LOGON_LONG_OPTIONS \
	{ "profile", required_argument, NULL, 'P' }, \
	{ "profile-file", required_argument, NULL, 'F' }, \
	{ "server", required_argument, NULL, 's' }, \
	{ "user", required_argument, NULL, 'u' }, \
	{ "password", required_argument, NULL, 'p' }, \
	{ "domain", required_argument, NULL, 'd' }

/* Takes getopt's C and ARG when C is one of the entries above; false otherwise */
bool tool_logon_option(struct tool_logon_opts *o, int c, const char *arg);

/* NULL when O names one way to log on, else what is wrong, for a usage error */
const char *tool_logon_problem(const struct tool_logon_opts *o);

/*
 * MapiInitialize, then the logon O names; the session under MEM_CTX, or
 * NULL after a line on stderr ("PROG: logon failed: 0x...: why").
 */
struct mapi_session *tool_logon(TALLOC_CTX *mem_ctx, const char *prog,
				const struct tool_logon_opts *o);

#endif
