/*
 * OpenChange libmapi: the address book calls of the client API, through
 * the session's NSPI connection (MS-OXNSPI).
 *
 * Copyright (C) OpenChange developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <talloc.h>

#include "libmapi/mapi_private.h"
#include "libmapi/profile_nspi.h"

enum MAPISTATUS ResolveNames(TALLOC_CTX *mem_ctx, struct mapi_session *session, const char *name,
			     struct mapi_ab_entry **entry)
{
	struct profile_ab_entry *found = NULL;
	struct mapi_ab_entry *out;
	enum MAPISTATUS ret;

	if (session == NULL || name == NULL || name[0] == '\0' || entry == NULL) {
		return MAPI_E_INVALID_PARAMETER;
	}
	*entry = NULL;
	/* MS-OXNSPI 3.1.4.1.17 NspiResolveNamesW: the server's ambiguous name resolution */
	mapi_lock();
	ret = profile_resolve_name(session->ab, mem_ctx, name, &found);
	mapi_unlock();
	if (ret != MAPI_E_SUCCESS) {
		const char *detail = profile_connection_error(session->ab);

		mapi_set_error(session, "ResolveNames(%s): %s", name,
			       detail != NULL ? detail : mapi_errstr(ret));
		return ret;
	}
	out = talloc_zero(mem_ctx, struct mapi_ab_entry);
	if (out == NULL) {
		talloc_free(found);
		return MAPI_E_NOT_ENOUGH_MEMORY;
	}
	talloc_steal(out, found);
	out->display_name = found->display_name;
	out->smtp_address = found->smtp_address;
	out->essdn = found->essdn;
	*entry = out;
	return MAPI_E_SUCCESS;
}
