/*
 * OpenChange mapiproxy EMSMDB: the ROPs of MS-OXCROPS itself that belong to
 * no object family.
 *
 * Copyright (C) OpenChange developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "mapiproxy/emsmdb/rop_dispatch.h"

/*
 * MS-OXCROPS 2.2.15.3 RopRelease: releases the Server object at
 * InputHandleIndex; it has no response, so a handle that names nothing is
 * ignored.  The object's talloc destructor takes it out of the handle
 * table; objects opened through it live on (MAPI objects are released one
 * by one).
 */
enum MAPISTATUS emsmdb_rop_release(struct emsmdb_rop_ctx *ctx, struct rop_response *response)
{
	uint8_t index = ctx->request->u.release.input_handle_index;
	struct emsmdb_object *object;

	(void)response;
	if (index >= ctx->handle_count) {
		return MAPI_E_SUCCESS;
	}
	object = emsmdb_object_lookup(ctx->session, ctx->handles[index]);
	if (object != NULL) {
		emsmdb_object_release(object);
	}
	return MAPI_E_SUCCESS;
}
