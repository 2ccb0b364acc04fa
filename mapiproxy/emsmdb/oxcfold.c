/*
 * OpenChange mapiproxy EMSMDB: the folder ROPs of MS-OXCFOLD.
 *
 * Copyright (C) OpenChange developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "mapiproxy/emsmdb/oxcfold.h"

/*
 * MS-OXCFOLD 3.2.5.1 RopOpenFolder: any folder of the mailbox the input
 * logon or folder belongs to, by FolderId; one that does not exist is
 * ecNotFound.  A private mailbox has no ghosted folders (IsGhosted 0) and
 * no server-side rules yet (HasRules 0).  Soft-deleted folders are not
 * kept, so OpenSoftDeleted finds nothing more than a plain open.
 */
enum MAPISTATUS emsmdb_rop_open_folder(struct emsmdb_rop_ctx *ctx, struct rop_response *response)
{
	const struct rop_open_folder_request *req = &ctx->request->u.open_folder;
	struct rop_open_folder_response *res = &response->u.open_folder;
	struct emsmdb_logon *logon = emsmdb_object_logon(ctx->input);
	struct emsmdb_folder *folder;
	struct emsmdb_object *object;
	enum MAPISTATUS status;

	res->output_handle_index = req->output_handle_index;
	if (logon == NULL) {
		return EC_NULL_OBJECT;
	}
	status = emsmdb_folder_object_new(ctx, logon, req->logon_id, &folder, &object);
	if (status != MAPI_E_SUCCESS) {
		return status;
	}
	status = mapistore_folder_open(logon->store, folder, req->folder_id, &folder->folder);
	if (status != MAPI_E_SUCCESS) {
		emsmdb_object_release(object);
		return status;
	}
	folder->fid = req->folder_id;
	ctx->output = object;
	res->return_value = MAPI_E_SUCCESS;
	res->u.ok.has_rules = 0;
	res->u.ok.is_ghosted = 0;
	return MAPI_E_SUCCESS;
}
