/*
 * OpenChange mapiproxy EMSMDB: the folder ROPs of MS-OXCFOLD.
 *
 * Copyright (C) OpenChange developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "mapiproxy/emsmdb/oxcfold.h"

#include "libmapi/codepage.h"

/* MS-OXPROPS (idl/gen_proptags.h redefines oxcdata's tag macros) */
#define PidTagComment 0x3004001Fu
#define PidTagFolderType 0x36010003u

/*
 * MS-OXCFOLD 3.2.5.1 RopOpenFolder: any folder of the mailbox the input
 * logon or folder belongs to, by FolderId; one that does not exist is
 * ecNotFound, an input object of another kind ecNotSupported.  A private
 * mailbox has no ghosted folders (IsGhosted 0) and no server-side rules
 * yet (HasRules 0).  Soft-deleted folders are not kept, so OpenSoftDeleted
 * finds nothing more than a plain open.
 */
enum MAPISTATUS emsmdb_rop_open_folder(struct emsmdb_rop_ctx *ctx, struct rop_response *response)
{
	const struct rop_open_folder_request *req = &ctx->request->u.open_folder;
	struct rop_open_folder_response *res = &response->u.open_folder;
	struct emsmdb_object *input = emsmdb_rop_object_at(ctx, req->input_handle_index, ~0u);
	struct emsmdb_logon *logon;
	struct emsmdb_folder *folder;
	struct emsmdb_object *object;
	enum MAPISTATUS status;

	res->output_handle_index = req->output_handle_index;
	if (input == NULL) {
		return EC_NULL_OBJECT;
	}
	if (!(EMSMDB_OBJECT_BIT(input->type) & EMSMDB_FOLDER_PARENTS)) {
		return MAPI_E_NO_SUPPORT;
	}
	logon = emsmdb_object_logon(input);
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

/*
 * The folder at INDEX of the call's handle table.  MS-OXCFOLD's error
 * tables tell the two failures apart: no object there is ecNullObject
 * (MS-OXCROPS 3.2.5.1), an object that is not a folder (a logon, a
 * message) is ecNotSupported.
 */
static enum MAPISTATUS folder_at(const struct emsmdb_rop_ctx *ctx, uint8_t index,
				 struct emsmdb_folder **folder)
{
	struct emsmdb_object *object = emsmdb_rop_object_at(ctx, index, ~0u);

	*folder = NULL;
	if (object == NULL) {
		return EC_NULL_OBJECT;
	}
	*folder = emsmdb_folder_of(object);
	if (*folder == NULL || (*folder)->folder == NULL) {
		*folder = NULL;
		return MAPI_E_NO_SUPPORT;
	}
	return MAPI_E_SUCCESS;
}

/*
 * A string of a request as UTF-8.  The codec hands UTF-16 strings over as
 * UTF-8 already; 8-bit strings are bytes in the code page the client gave
 * EcDoConnectEx (ulCpid, MS-OXCRPC 3.1.4.1), which may hold non-ASCII
 * names (a Cyrillic folder name in 1251).  Bytes that are not text in
 * that code page are ecInvalidParam.
 */
static enum MAPISTATUS request_string(const struct emsmdb_rop_ctx *ctx, uint8_t unicode,
				      const char *value, const char **out)
{
	if (value == NULL) {
		return MAPI_E_INVALID_PARAMETER;
	}
	if (unicode) {
		*out = value;
		return MAPI_E_SUCCESS;
	}
	*out = mapi_codepage_to_utf8(ctx->mem_ctx, value, ctx->session->code_page);
	return *out != NULL ? MAPI_E_SUCCESS : MAPI_E_INVALID_PARAMETER;
}

/* Whether FID is one of the mailbox's special folders (MS-OXOSFLD 2.2.1). */
static bool is_special_folder(struct mapistore_context *store, uint64_t fid)
{
	int i;

	for (i = 0; i < MAPISTORE_SPECIAL_FOLDER_COUNT; i++) {
		uint64_t special;

		if (mapistore_special_folder_id(store, (enum mapistore_special_folder)i,
						&special) == MAPI_E_SUCCESS && special == fid) {
			return true;
		}
	}
	return false;
}

/* PidTagFolderType of FOLDER (MAPISTORE_FOLDER_*). */
static enum MAPISTATUS folder_type(const struct emsmdb_rop_ctx *ctx, struct emsmdb_folder *folder,
				   uint32_t *type)
{
	const uint32_t tag = PidTagFolderType;
	struct mapi_flagged_propval value;
	enum MAPISTATUS status;

	status = mapistore_folder_get_props(folder->folder, ctx->mem_ctx, 1, &tag, &value);
	if (status != MAPI_E_SUCCESS) {
		return status;
	}
	*type = value.flag == MAPI_PROPVAL_PRESENT ? value.pv.value.i32 : MAPISTORE_FOLDER_GENERIC;
	return MAPI_E_SUCCESS;
}

/* The Root folder has no parent to be deleted from, emptied or moved out of. */
static bool is_root(const struct emsmdb_folder *folder, uint64_t fid)
{
	return fid == folder->logon->folder_ids[MAPISTORE_ROOT];
}

/*
 * MS-OXCFOLD 3.2.5.2 RopCreateFolder: a generic or search folder named
 * DisplayName under the input folder, with PidTagComment from Comment
 * when one is given.  A sibling of the same name (case-insensitively) is
 * ecDuplicateName (MAPI_E_COLLISION), unless OpenExisting asks for that
 * folder to be opened as RopOpenFolder would.  IsExistingFolder says which
 * happened, as MS-OXCROPS 2.2.4.2.2 defines it (MS-OXCFOLD 2.2.1.2.2 keeps
 * it zero for private mailboxes; a client that opens an existing folder
 * through OpenExisting is better told so); the HasRules and IsGhosted that
 * then follow are those of RopOpenFolder: no rules, never ghosted.
 */
enum MAPISTATUS emsmdb_rop_create_folder(struct emsmdb_rop_ctx *ctx, struct rop_response *response)
{
	const struct rop_create_folder_request *req = &ctx->request->u.create_folder;
	struct rop_create_folder_response *res = &response->u.create_folder;
	struct emsmdb_folder *parent, *folder;
	struct emsmdb_object *object;
	struct mapi_propval comment_prop;
	const char *name, *comment;
	enum MAPISTATUS status;
	bool existed = false;

	res->output_handle_index = req->output_handle_index;
	status = folder_at(ctx, req->input_handle_index, &parent);
	if (status != MAPI_E_SUCCESS) {
		return status;
	}
	if (req->folder_type != MAPISTORE_FOLDER_GENERIC &&
	    req->folder_type != MAPISTORE_FOLDER_SEARCH) {
		return MAPI_E_INVALID_PARAMETER;
	}
	status = request_string(ctx, req->use_unicode_strings, req->display_name, &name);
	if (status == MAPI_E_SUCCESS) {
		status = request_string(ctx, req->use_unicode_strings, req->comment, &comment);
	}
	if (status != MAPI_E_SUCCESS) {
		return status;
	}
	comment_prop.tag = PidTagComment;
	comment_prop.value.string = (char *)comment;

	status = emsmdb_folder_object_new(ctx, parent->logon, req->logon_id, &folder, &object);
	if (status != MAPI_E_SUCCESS) {
		return status;
	}
	status = mapistore_folder_create(parent->folder, folder, name, req->folder_type,
					 req->open_existing ? MAPISTORE_FOLDER_OPEN_IF_EXISTS : 0,
					 *comment != '\0' ? 1 : 0, &comment_prop, &folder->folder,
					 &existed);
	if (status != MAPI_E_SUCCESS) {
		emsmdb_object_release(object);
		return status;
	}
	folder->fid = mapistore_folder_id(folder->folder);
	ctx->output = object;
	res->return_value = MAPI_E_SUCCESS;
	res->u.ok.folder_id = folder->fid;
	res->u.ok.is_existing_folder = existed ? 1 : 0;
	res->u.ok.has_rules = 0;
	res->u.ok.is_ghosted = 0;
	return MAPI_E_SUCCESS;
}

/*
 * The ROPs below answer PartialCompletion whatever their ReturnValue is
 * (MS-OXCROPS 2.2.4.3.2, 2.2.4.6.2 to 2.2.4.12.2 have one response
 * buffer), so their failures are answered here in that form instead of
 * being left to the dispatcher's plain error form, which a client would
 * read one byte short.  This is also why they resolve their input folder
 * themselves (input_types 0 in rop_table.c).
 */

/*
 * MS-OXCFOLD 3.2.5.3 RopDeleteFolder: FolderId, a child of the input
 * folder.  Bits other than DEL_MESSAGES, DEL_FOLDERS and
 * DELETE_HARD_DELETE are ecInvalidParam.  A folder holding messages
 * without DEL_MESSAGES, or subfolders without DEL_FOLDERS, stays as it is
 * and the answer is success with PartialCompletion.  The Root folder is
 * ecNotSupported, the other special folders ecAccessDenied (they are the
 * mailbox's structure, MS-OXOSFLD), a folder that is not a child of the
 * input folder ecNotFound.  mapistore keeps no soft-deleted folders, so
 * every delete is hard, which DELETE_HARD_DELETE only makes explicit.
 */
enum MAPISTATUS emsmdb_rop_delete_folder(struct emsmdb_rop_ctx *ctx, struct rop_response *response)
{
	const struct rop_delete_folder_request *req = &ctx->request->u.delete_folder;
	struct rop_delete_folder_response *res = &response->u.delete_folder;
	const uint8_t valid = MAPISTORE_DEL_MESSAGES | MAPISTORE_DEL_FOLDERS |
			      MAPISTORE_DEL_HARD_DELETE;
	struct emsmdb_folder *parent;
	enum MAPISTATUS status;

	res->input_handle_index = req->input_handle_index;
	res->u.result.partial_completion = 0;
	status = folder_at(ctx, req->input_handle_index, &parent);
	if (status == MAPI_E_SUCCESS && (req->delete_folder_flags & ~valid)) {
		status = MAPI_E_INVALID_PARAMETER;
	}
	if (status == MAPI_E_SUCCESS && is_root(parent, req->folder_id)) {
		status = MAPI_E_NO_SUPPORT;
	}
	if (status == MAPI_E_SUCCESS) {
		status = mapistore_folder_delete(parent->folder, req->folder_id,
						 req->delete_folder_flags);
	}
	if (status == MAPI_E_HAS_MESSAGES || status == MAPI_E_HAS_FOLDERS) {
		status = MAPI_E_SUCCESS;
		res->u.result.partial_completion = 1;
	}
	res->return_value = status;
	return MAPI_E_SUCCESS;
}

/*
 * The destination folder of RopMoveCopyMessages, RopMoveFolder and
 * RopCopyFolder.  No object at DestHandleIndex is the response form of its
 * own, ecNullDestinationObject with DestHandleIndex (MS-OXCROPS 2.2.4.6.3,
 * 2.2.4.7.3, 2.2.4.8.3): *null_destination is set then.  Another kind of
 * object is ecNotSupported (MS-OXCFOLD 3.2.5.6 to 3.2.5.8).  Both folders
 * must be of one mailbox context: a move or copy between two logons is
 * ecNotSupported, since a user reaches only their own mailbox anyway.
 */
static enum MAPISTATUS destination_at(const struct emsmdb_rop_ctx *ctx, uint8_t index,
				      const struct emsmdb_folder *source,
				      struct emsmdb_folder **folder, bool *null_destination)
{
	enum MAPISTATUS status = folder_at(ctx, index, folder);

	*null_destination = status == EC_NULL_OBJECT;
	if (status == EC_NULL_OBJECT) {
		return EC_NULL_DESTINATION_OBJECT;
	}
	if (status == MAPI_E_SUCCESS && (*folder)->logon->store != source->logon->store) {
		status = MAPI_E_NO_SUPPORT;
	}
	return status;
}

/*
 * MS-OXCFOLD 3.2.5.6 RopMoveCopyMessages: the messages MessageIds of the
 * source folder into the destination folder, moved or (WantCopy) copied;
 * one transaction.  Ids that name no message of the source folder are
 * skipped and make PartialCompletion TRUE.  The destination cannot be a
 * search folder (MS-OXCFOLD 2.2.1.6.1): ecNotSupported.  WantAsynchronous
 * is answered synchronously, which 3.1.5.2 allows (the final response
 * instead of RopProgress).
 */
enum MAPISTATUS emsmdb_rop_move_copy_messages(struct emsmdb_rop_ctx *ctx,
					      struct rop_response *response)
{
	const struct rop_move_copy_messages_request *req = &ctx->request->u.move_copy_messages;
	struct rop_move_copy_messages_response *res = &response->u.move_copy_messages;
	struct emsmdb_folder *source, *dest = NULL;
	enum MAPISTATUS status;
	bool null_destination = false;
	uint32_t missed = 0, type = MAPISTORE_FOLDER_GENERIC;

	res->source_handle_index = req->source_handle_index;
	res->u.result.partial_completion = 0;
	status = folder_at(ctx, req->source_handle_index, &source);
	if (status == MAPI_E_SUCCESS) {
		status = destination_at(ctx, req->dest_handle_index, source, &dest, &null_destination);
	}
	if (status == MAPI_E_SUCCESS) {
		status = folder_type(ctx, dest, &type);
	}
	if (status == MAPI_E_SUCCESS && type == MAPISTORE_FOLDER_SEARCH) {
		status = MAPI_E_NO_SUPPORT;
	}
	if (status == MAPI_E_SUCCESS) {
		status = mapistore_messages_move(source->folder, dest->folder, req->message_id_count,
						 req->message_ids, req->want_copy != 0, NULL, &missed);
	}
	res->return_value = status;
	if (null_destination) {
		res->u.null_destination.dest_handle_index = req->dest_handle_index;
		res->u.null_destination.partial_completion = 0;
	} else {
		res->u.result.partial_completion = status == MAPI_E_SUCCESS && missed != 0;
	}
	return MAPI_E_SUCCESS;
}

/*
 * NewFolderName of RopMoveFolder and RopCopyFolder in UTF-8; an empty name
 * keeps the folder's own (NULL), since no folder may be named "".
 */
static enum MAPISTATUS new_folder_name(const struct emsmdb_rop_ctx *ctx, uint8_t unicode,
				       const char *value, const char **out)
{
	enum MAPISTATUS status = request_string(ctx, unicode, value, out);

	if (status == MAPI_E_SUCCESS && **out == '\0') {
		*out = NULL;
	}
	return status;
}

/*
 * MS-OXCFOLD 3.2.5.7 RopMoveFolder: FolderId, a child of the source
 * folder, with its messages and subfolders under the destination folder,
 * named NewFolderName there; one transaction, so it moves whole or not at
 * all (PartialCompletion stays FALSE).  ecNotFound when FolderId is not a
 * child of the source; a sibling of the new name in the destination is
 * ecDuplicateName; moving a folder into its own subtree ecFolderCycle;
 * special folders ecAccessDenied.  Answered synchronously.
 */
enum MAPISTATUS emsmdb_rop_move_folder(struct emsmdb_rop_ctx *ctx, struct rop_response *response)
{
	const struct rop_move_folder_request *req = &ctx->request->u.move_folder;
	struct rop_move_folder_response *res = &response->u.move_folder;
	struct emsmdb_folder *source, *dest = NULL;
	const char *name = NULL;
	enum MAPISTATUS status;
	bool null_destination = false;

	res->source_handle_index = req->source_handle_index;
	res->u.result.partial_completion = 0;
	status = folder_at(ctx, req->source_handle_index, &source);
	if (status == MAPI_E_SUCCESS) {
		status = destination_at(ctx, req->dest_handle_index, source, &dest, &null_destination);
	}
	if (status == MAPI_E_SUCCESS) {
		status = new_folder_name(ctx, req->use_unicode, req->new_folder_name, &name);
	}
	if (status == MAPI_E_SUCCESS) {
		status = mapistore_folder_move(source->folder, req->folder_id, dest->folder, name);
	}
	res->return_value = status;
	if (null_destination) {
		res->u.null_destination.dest_handle_index = req->dest_handle_index;
		res->u.null_destination.partial_completion = 0;
	}
	return MAPI_E_SUCCESS;
}

/*
 * MS-OXCFOLD 3.2.5.8 RopCopyFolder: a copy of FolderId (a child of the
 * source folder) with its messages under the destination folder, named
 * NewFolderName, and with WantRecursive its whole subtree; the copies get
 * new ids.  One transaction, as RopMoveFolder; copying a folder into its
 * own subtree recursively is ecFolderCycle.  Answered synchronously.
 */
enum MAPISTATUS emsmdb_rop_copy_folder(struct emsmdb_rop_ctx *ctx, struct rop_response *response)
{
	const struct rop_copy_folder_request *req = &ctx->request->u.copy_folder;
	struct rop_copy_folder_response *res = &response->u.copy_folder;
	struct emsmdb_folder *source, *dest = NULL;
	const char *name = NULL;
	enum MAPISTATUS status;
	bool null_destination = false;
	uint64_t copy;

	res->source_handle_index = req->source_handle_index;
	res->u.result.partial_completion = 0;
	status = folder_at(ctx, req->source_handle_index, &source);
	if (status == MAPI_E_SUCCESS) {
		status = destination_at(ctx, req->dest_handle_index, source, &dest, &null_destination);
	}
	if (status == MAPI_E_SUCCESS) {
		status = new_folder_name(ctx, req->use_unicode, req->new_folder_name, &name);
	}
	if (status == MAPI_E_SUCCESS) {
		status = mapistore_folder_copy(source->folder, req->folder_id, dest->folder, name,
					       req->want_recursive != 0, &copy);
	}
	res->return_value = status;
	if (null_destination) {
		res->u.null_destination.dest_handle_index = req->dest_handle_index;
		res->u.null_destination.partial_completion = 0;
	}
	return MAPI_E_SUCCESS;
}

/*
 * RopEmptyFolder and RopHardDeleteMessagesAndSubfolders share this: every
 * subfolder and normal message (and with WantDeleteAssociated the FAI
 * messages) of the input folder go, the folder stays.  The Root folder and
 * search folders are ecNotSupported (MS-OXCFOLD 3.2.5.9, 3.2.5.10).
 * Special folders below the input folder (the Inbox under the IPM subtree)
 * are kept, which is a subfolder not deleted: PartialCompletion.
 */
static enum MAPISTATUS empty_folder(struct emsmdb_rop_ctx *ctx, uint8_t input_handle_index,
				    uint8_t want_delete_associated, bool hard, uint8_t *partial)
{
	struct emsmdb_folder *folder;
	enum MAPISTATUS status;
	uint32_t type, count = 0, i;
	uint64_t *children = NULL;

	*partial = 0;
	status = folder_at(ctx, input_handle_index, &folder);
	if (status != MAPI_E_SUCCESS) {
		return status;
	}
	if (is_root(folder, folder->fid)) {
		return MAPI_E_NO_SUPPORT;
	}
	status = folder_type(ctx, folder, &type);
	if (status != MAPI_E_SUCCESS) {
		return status;
	}
	if (type == MAPISTORE_FOLDER_SEARCH) {
		return MAPI_E_NO_SUPPORT;
	}
	status = mapistore_folder_children(folder->folder, ctx->mem_ctx, &count, &children);
	if (status != MAPI_E_SUCCESS) {
		return status;
	}
	for (i = 0; i < count; i++) {
		if (is_special_folder(folder->logon->store, children[i])) {
			*partial = 1;
		}
	}
	return mapistore_folder_empty(folder->folder, want_delete_associated != 0, hard);
}

/*
 * MS-OXCFOLD 3.2.5.9 RopEmptyFolder: messages are soft deleted (kept in
 * the folder's soft-deleted list); subfolders are removed whole, since
 * mapistore keeps no soft-deleted folders.  Answered synchronously.
 */
enum MAPISTATUS emsmdb_rop_empty_folder(struct emsmdb_rop_ctx *ctx, struct rop_response *response)
{
	const struct rop_empty_folder_request *req = &ctx->request->u.empty_folder;
	struct rop_empty_folder_response *res = &response->u.empty_folder;
	uint8_t partial = 0;

	res->input_handle_index = req->input_handle_index;
	res->return_value = empty_folder(ctx, req->input_handle_index, req->want_delete_associated,
					 false, &partial);
	res->u.result.partial_completion = res->return_value == MAPI_E_SUCCESS ? partial : 0;
	return MAPI_E_SUCCESS;
}

/* MS-OXCFOLD 3.2.5.10 RopHardDeleteMessagesAndSubfolders: RopEmptyFolder, hard. */
enum MAPISTATUS emsmdb_rop_hard_delete_messages_and_subfolders(struct emsmdb_rop_ctx *ctx,
							       struct rop_response *response)
{
	const struct rop_hard_delete_messages_and_subfolders_request *req =
		&ctx->request->u.hard_delete_messages_and_subfolders;
	struct rop_hard_delete_messages_and_subfolders_response *res =
		&response->u.hard_delete_messages_and_subfolders;
	uint8_t partial = 0;

	res->input_handle_index = req->input_handle_index;
	res->return_value = empty_folder(ctx, req->input_handle_index, req->want_delete_associated,
					 true, &partial);
	res->u.result.partial_completion = res->return_value == MAPI_E_SUCCESS ? partial : 0;
	return MAPI_E_SUCCESS;
}

/*
 * RopDeleteMessages and RopHardDeleteMessages: MessageIds of the input
 * folder, soft or hard deleted in one transaction; ids that name no
 * message of the folder are skipped and make PartialCompletion TRUE.
 * NotifyNonRead asks for non-read receipts, which this server does not
 * send (no transport yet); WantAsynchronous is answered synchronously.
 */
static enum MAPISTATUS delete_messages(struct emsmdb_rop_ctx *ctx, uint8_t input_handle_index,
				       uint16_t count, const uint64_t *ids, bool hard,
				       uint8_t *partial)
{
	struct emsmdb_folder *folder;
	enum MAPISTATUS status;
	uint32_t missed = 0;

	*partial = 0;
	status = folder_at(ctx, input_handle_index, &folder);
	if (status != MAPI_E_SUCCESS) {
		return status;
	}
	status = mapistore_messages_delete(folder->folder, count, ids, hard, &missed);
	if (status == MAPI_E_SUCCESS) {
		*partial = missed != 0;
	}
	return status;
}

/* MS-OXCFOLD 3.2.5.11 RopDeleteMessages: a soft delete. */
enum MAPISTATUS emsmdb_rop_delete_messages(struct emsmdb_rop_ctx *ctx, struct rop_response *response)
{
	const struct rop_delete_messages_request *req = &ctx->request->u.delete_messages;
	struct rop_delete_messages_response *res = &response->u.delete_messages;

	res->input_handle_index = req->input_handle_index;
	res->return_value = delete_messages(ctx, req->input_handle_index, req->message_id_count,
					    req->message_ids, false,
					    &res->u.result.partial_completion);
	return MAPI_E_SUCCESS;
}

/* MS-OXCFOLD 3.2.5.12 RopHardDeleteMessages: the messages are removed for good. */
enum MAPISTATUS emsmdb_rop_hard_delete_messages(struct emsmdb_rop_ctx *ctx,
						struct rop_response *response)
{
	const struct rop_hard_delete_messages_request *req = &ctx->request->u.hard_delete_messages;
	struct rop_hard_delete_messages_response *res = &response->u.hard_delete_messages;

	res->input_handle_index = req->input_handle_index;
	res->return_value = delete_messages(ctx, req->input_handle_index, req->message_id_count,
					    req->message_ids, true,
					    &res->u.result.partial_completion);
	return MAPI_E_SUCCESS;
}
