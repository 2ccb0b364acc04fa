/*
 * The export tools' logon options (tool_logon.h).
 *
 * Copyright (C) OpenChange developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <stdio.h>

#include "libmapi/libmapi.h"
#include "utils/tool_logon.h"

bool tool_logon_option(struct tool_logon_opts *o, int c, const char *arg)
{
	switch (c) {
	case 'P': o->profile = arg; return true;
	case 'F': o->profile_file = arg; return true;
	case 's': o->server = arg; return true;
	case 'u': o->user = arg; return true;
	case 'p': o->password = arg; return true;
	case 'd': o->domain = arg; return true;
	default: return false;
	}
}

const char *tool_logon_problem(const struct tool_logon_opts *o)
{
	if (o->profile && o->server)
		return "give --profile or --server/--user, not both";
	if (!o->profile && !(o->server && o->user))
		return "give --profile NAME, or --server, --user and --password";
	return NULL;
}

struct mapi_session *tool_logon(TALLOC_CTX *mem_ctx, const char *prog,
				const struct tool_logon_opts *o)
{
	struct mapi_session *s = NULL;
	enum MAPISTATUS ret;
	const char *why;

	if ((ret = MapiInitialize()) != MAPI_E_SUCCESS) {
		fprintf(stderr, "%s: MapiInitialize failed: 0x%08x\n", prog, (unsigned)ret);
		return NULL;
	}
	if (o->profile) {
		ret = MapiLogonEx(mem_ctx, o->profile_file, o->profile, o->password, &s);
	} else {
		struct mapi_connect_params p = {
			.server = o->server, .username = o->user,
			.password = o->password ? o->password : "", .domain = o->domain,
		};
		ret = MapiLogonParams(mem_ctx, &p, &s);
	}
	if (ret != MAPI_E_SUCCESS) {
		why = MapiLastError(NULL);
		fprintf(stderr, "%s: logon failed: 0x%08x%s%s\n", prog, (unsigned)ret,
			why ? ": " : "", why ? why : "");
		return NULL;
	}
	return s;
}
