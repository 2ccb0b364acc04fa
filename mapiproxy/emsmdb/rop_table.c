/*
 * OpenChange mapiproxy EMSMDB: which function answers which ROP.
 *
 * One line per implemented ROP, grouped by the spec of its family.  A ROP
 * missing here is answered by the dispatcher with its error form and
 * ecNotSupported (MAPI_E_NO_SUPPORT), so the client learns what the server
 * lacks instead of losing its connection.
 *
 *   fn            the handler (declared in rop_dispatch.h or the family's header)
 *   input_types   EMSMDB_OBJECT_BIT()s of the objects accepted at
 *                 InputHandleIndex; the dispatcher answers ecNullObject for
 *                 anything else.  0: the handler resolves handles itself.
 *   min_response  bytes of the smallest success response, reserved before
 *                 the handler runs (RopBufferTooSmall otherwise)
 *
 * Copyright (C) OpenChange developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "mapiproxy/emsmdb/rop_dispatch.h"
#include "mapiproxy/emsmdb/oxcstor.h"
#include "mapiproxy/emsmdb/oxcfold.h"
#include "mapiproxy/emsmdb/oxctabl.h"
#include "mapiproxy/emsmdb/oxcmsg.h"
#include "mapiproxy/emsmdb/oxcprpt.h"

const struct emsmdb_rop_handler emsmdb_rop_handlers[256] = {
	/* MS-OXCSTOR: RopLogon's private-mailbox response is 6 + 1 + 104 + 1 + 16 + 2 + 16 + 8 + 8 + 4 */
	[RopLogon] = { .fn = emsmdb_rop_logon, .input_types = 0, .min_response = 166 },
	[RopGetReceiveFolder] = { .fn = emsmdb_rop_get_receive_folder,
				  .input_types = EMSMDB_OBJECT_BIT(EMSMDB_OBJECT_LOGON),
				  .min_response = 6 + 8 + 1 },
	[RopLongTermIdFromId] = { .fn = emsmdb_rop_long_term_id_from_id,
				  .input_types = EMSMDB_OBJECT_BIT(EMSMDB_OBJECT_LOGON),
				  .min_response = 6 + 24 },
	[RopIdFromLongTermId] = { .fn = emsmdb_rop_id_from_long_term_id,
				  .input_types = EMSMDB_OBJECT_BIT(EMSMDB_OBJECT_LOGON),
				  .min_response = 6 + 8 },
	[RopSetReceiveFolder] = { .fn = emsmdb_rop_set_receive_folder,
		.input_types = EMSMDB_OBJECT_BIT(EMSMDB_OBJECT_LOGON), .min_response = 6 },
	[RopGetReceiveFolderTable] = { .fn = emsmdb_rop_get_receive_folder_table,
		.input_types = EMSMDB_OBJECT_BIT(EMSMDB_OBJECT_LOGON), .min_response = 6 + 4 },
	[RopGetStoreState] = { .fn = emsmdb_rop_get_store_state,
		.input_types = EMSMDB_OBJECT_BIT(EMSMDB_OBJECT_LOGON), .min_response = 6 + 4 },
	[RopGetOwningServers] = { .fn = emsmdb_rop_get_owning_servers,
		.input_types = EMSMDB_OBJECT_BIT(EMSMDB_OBJECT_LOGON), .min_response = 6 },
	[RopPublicFolderIsGhosted] = { .fn = emsmdb_rop_public_folder_is_ghosted,
		.input_types = EMSMDB_OBJECT_BIT(EMSMDB_OBJECT_LOGON), .min_response = 6 + 1 },
	[RopGetPerUserLongTermIds] = { .fn = emsmdb_rop_get_per_user_long_term_ids,
		.input_types = EMSMDB_OBJECT_BIT(EMSMDB_OBJECT_LOGON), .min_response = 6 + 2 },
	[RopGetPerUserGuid] = { .fn = emsmdb_rop_get_per_user_guid,
		.input_types = EMSMDB_OBJECT_BIT(EMSMDB_OBJECT_LOGON), .min_response = 6 + 16 },
	[RopReadPerUserInformation] = { .fn = emsmdb_rop_read_per_user_information,
		.input_types = EMSMDB_OBJECT_BIT(EMSMDB_OBJECT_LOGON), .min_response = 6 + 3 },
	[RopWritePerUserInformation] = { .fn = emsmdb_rop_write_per_user_information,
		.input_types = EMSMDB_OBJECT_BIT(EMSMDB_OBJECT_LOGON), .min_response = 6 },

	/* MS-OXCFOLD (oxcfold.c) */
	[RopOpenFolder] = { .fn = emsmdb_rop_open_folder, .input_types = 0,
			    .min_response = 6 + 2 },
	/* FolderId, IsExistingFolder */
	[RopCreateFolder] = { .fn = emsmdb_rop_create_folder, .input_types = 0,
			      .min_response = 6 + 8 + 1 },
	/* PartialCompletion */
	[RopDeleteFolder] = { .fn = emsmdb_rop_delete_folder, .input_types = 0,
			      .min_response = 6 + 1 },
	/* the ecNullDestinationObject form: DestHandleIndex, PartialCompletion */
	[RopMoveCopyMessages] = { .fn = emsmdb_rop_move_copy_messages, .input_types = 0,
				  .min_response = 6 + 4 + 1 },
	[RopMoveFolder] = { .fn = emsmdb_rop_move_folder, .input_types = 0,
			    .min_response = 6 + 4 + 1 },
	[RopCopyFolder] = { .fn = emsmdb_rop_copy_folder, .input_types = 0,
			    .min_response = 6 + 4 + 1 },
	[RopEmptyFolder] = { .fn = emsmdb_rop_empty_folder, .input_types = 0,
			     .min_response = 6 + 1 },
	[RopHardDeleteMessagesAndSubfolders] = { .fn = emsmdb_rop_hard_delete_messages_and_subfolders,
						 .input_types = 0, .min_response = 6 + 1 },
	[RopDeleteMessages] = { .fn = emsmdb_rop_delete_messages, .input_types = 0,
				.min_response = 6 + 1 },
	[RopHardDeleteMessages] = { .fn = emsmdb_rop_hard_delete_messages, .input_types = 0,
				    .min_response = 6 + 1 },
	/* MS-OXCFOLD ROPs that only make tables: oxctabl.c */
	[RopGetHierarchyTable] = { .fn = emsmdb_rop_get_hierarchy_table,
				   .input_types = EMSMDB_OBJECT_BIT(EMSMDB_OBJECT_FOLDER),
				   .min_response = 6 + 4 },
	[RopGetContentsTable] = { .fn = emsmdb_rop_get_contents_table,
				  .input_types = EMSMDB_OBJECT_BIT(EMSMDB_OBJECT_FOLDER),
				  .min_response = 6 + 4 },

	/* MS-OXCTABL (oxctabl.c); the category ROPs (RopExpandRow, RopCollapseRow,
	 * RopGetCollapseState, RopSetCollapseState) stay ecNotSupported */
/* any object: the handlers answer ecNotSupported for one that is no table (3.2.5.x) */
#define TABLE_INPUT (~EMSMDB_OBJECT_BIT(0))
	[RopSetColumns] = { .fn = emsmdb_rop_set_columns, .input_types = TABLE_INPUT,
			    .min_response = 6 + 1 },
	[RopSortTable] = { .fn = emsmdb_rop_sort_table, .input_types = TABLE_INPUT,
			   .min_response = 6 + 1 },
	[RopRestrict] = { .fn = emsmdb_rop_restrict, .input_types = TABLE_INPUT,
			  .min_response = 6 + 1 },
	[RopQueryRows] = { .fn = emsmdb_rop_query_rows, .input_types = TABLE_INPUT,
			   .min_response = 6 + 1 + 2 },
	[RopAbort] = { .fn = emsmdb_rop_abort, .input_types = TABLE_INPUT, .min_response = 6 + 1 },
	[RopGetStatus] = { .fn = emsmdb_rop_get_status, .input_types = TABLE_INPUT,
			   .min_response = 6 + 1 },
	[RopQueryPosition] = { .fn = emsmdb_rop_query_position, .input_types = TABLE_INPUT,
			       .min_response = 6 + 8 },
	[RopSeekRow] = { .fn = emsmdb_rop_seek_row, .input_types = TABLE_INPUT,
			 .min_response = 6 + 1 + 4 },
	[RopSeekRowBookmark] = { .fn = emsmdb_rop_seek_row_bookmark, .input_types = TABLE_INPUT,
				 .min_response = 6 + 1 + 1 + 4 },
	[RopSeekRowFractional] = { .fn = emsmdb_rop_seek_row_fractional,
				   .input_types = TABLE_INPUT, .min_response = 6 },
	[RopCreateBookmark] = { .fn = emsmdb_rop_create_bookmark, .input_types = TABLE_INPUT,
				.min_response = 6 + 2 + EMSMDB_BOOKMARK_SIZE },
	[RopQueryColumnsAll] = { .fn = emsmdb_rop_query_columns_all, .input_types = TABLE_INPUT,
				 .min_response = 6 + 2 },
	[RopFindRow] = { .fn = emsmdb_rop_find_row, .input_types = TABLE_INPUT,
			 .min_response = 6 + 1 + 1 },
	[RopFreeBookmark] = { .fn = emsmdb_rop_free_bookmark, .input_types = TABLE_INPUT,
			      .min_response = 6 },
	[RopResetTable] = { .fn = emsmdb_rop_reset_table, .input_types = TABLE_INPUT,
			    .min_response = 6 },
#undef TABLE_INPUT

	/* MS-OXCMSG (oxcmsg.c) */
#define EMSMDB_MESSAGE_BIT EMSMDB_OBJECT_BIT(EMSMDB_OBJECT_MESSAGE)
#define EMSMDB_ATTACHMENT_BIT EMSMDB_OBJECT_BIT(EMSMDB_OBJECT_ATTACHMENT)
#define EMSMDB_FOLDER_BIT EMSMDB_OBJECT_BIT(EMSMDB_OBJECT_FOLDER)
	/* the rowless RopOpenMessage response: 6 + 1 + 1 + 1 + 2 + 2 + 1 = 6 + 8 */
	[RopOpenMessage] = { .fn = emsmdb_rop_open_message, .input_types = EMSMDB_FOLDER_PARENTS,
			     .min_response = 6 + 8 },
	[RopCreateMessage] = { .fn = emsmdb_rop_create_message, .input_types = EMSMDB_FOLDER_PARENTS,
			       .min_response = 6 + 1 + 8 },
	[RopSaveChangesMessage] = { .fn = emsmdb_rop_save_changes_message,
				    .input_types = EMSMDB_MESSAGE_BIT, .min_response = 6 + 1 + 8 },
	[RopRemoveAllRecipients] = { .fn = emsmdb_rop_remove_all_recipients,
				     .input_types = EMSMDB_MESSAGE_BIT, .min_response = 6 },
	[RopModifyRecipients] = { .fn = emsmdb_rop_modify_recipients,
				  .input_types = EMSMDB_MESSAGE_BIT, .min_response = 6 },
	[RopReadRecipients] = { .fn = emsmdb_rop_read_recipients, .input_types = EMSMDB_MESSAGE_BIT,
				.min_response = 6 + 1 },
	[RopReloadCachedInformation] = { .fn = emsmdb_rop_reload_cached_information,
					 .input_types = EMSMDB_MESSAGE_BIT, .min_response = 6 + 8 },
	[RopSetMessageStatus] = { .fn = emsmdb_rop_set_message_status,
				  .input_types = EMSMDB_FOLDER_BIT, .min_response = 6 + 4 },
	[RopGetMessageStatus] = { .fn = emsmdb_rop_get_message_status,
				  .input_types = EMSMDB_FOLDER_BIT, .min_response = 6 + 4 },
	[RopSetReadFlags] = { .fn = emsmdb_rop_set_read_flags, .input_types = EMSMDB_FOLDER_BIT,
			      .min_response = 6 + 1 },
	/* public logons may add LogonId and ClientData (checked by the handler) */
	[RopSetMessageReadFlag] = { .fn = emsmdb_rop_set_message_read_flag,
				    .input_types = EMSMDB_MESSAGE_BIT, .min_response = 6 + 1 },
	[RopOpenAttachment] = { .fn = emsmdb_rop_open_attachment, .input_types = EMSMDB_MESSAGE_BIT,
				.min_response = 6 },
	[RopCreateAttachment] = { .fn = emsmdb_rop_create_attachment,
				  .input_types = EMSMDB_MESSAGE_BIT, .min_response = 6 + 4 },
	[RopDeleteAttachment] = { .fn = emsmdb_rop_delete_attachment,
				  .input_types = EMSMDB_MESSAGE_BIT, .min_response = 6 },
	[RopSaveChangesAttachment] = { .fn = emsmdb_rop_save_changes_attachment,
				       .input_types = EMSMDB_ATTACHMENT_BIT, .min_response = 6 },
	[RopOpenEmbeddedMessage] = { .fn = emsmdb_rop_open_embedded_message,
				     .input_types = EMSMDB_ATTACHMENT_BIT,
				     .min_response = 6 + 1 + 8 + 8 },
	[RopGetAttachmentTable] = { .fn = emsmdb_rop_get_attachment_table,
				    .input_types = EMSMDB_MESSAGE_BIT, .min_response = 6 },
	[RopGetValidAttachments] = { .fn = emsmdb_rop_get_valid_attachments,
				     .input_types = EMSMDB_MESSAGE_BIT, .min_response = 6 + 2 },

	/* MS-OXCPRPT (oxcprpt.c) */
	[RopGetPropertiesSpecific] = { .fn = emsmdb_rop_get_properties_specific,
				       .input_types = EMSMDB_PROPERTY_OBJECTS, .min_response = 6 + 1 },
	[RopGetPropertiesAll] = { .fn = emsmdb_rop_get_properties_all,
				  .input_types = EMSMDB_PROPERTY_OBJECTS, .min_response = 6 + 2 },
	[RopGetPropertiesList] = { .fn = emsmdb_rop_get_properties_list,
				   .input_types = EMSMDB_PROPERTY_OBJECTS, .min_response = 6 + 2 },
	[RopSetProperties] = { .fn = emsmdb_rop_set_properties,
			       .input_types = EMSMDB_PROPERTY_OBJECTS, .min_response = 6 + 2 },
	[RopSetPropertiesNoReplicate] = { .fn = emsmdb_rop_set_properties_no_replicate,
					  .input_types = EMSMDB_PROPERTY_OBJECTS, .min_response = 6 + 2 },
	[RopDeleteProperties] = { .fn = emsmdb_rop_delete_properties,
				  .input_types = EMSMDB_PROPERTY_OBJECTS, .min_response = 6 + 2 },
	[RopDeletePropertiesNoReplicate] = { .fn = emsmdb_rop_delete_properties_no_replicate,
					     .input_types = EMSMDB_PROPERTY_OBJECTS,
					     .min_response = 6 + 2 },
	[RopQueryNamedProperties] = { .fn = emsmdb_rop_query_named_properties,
				      .input_types = EMSMDB_PROPERTY_OBJECTS, .min_response = 6 + 2 },
	[RopGetPropertyIdsFromNames] = { .fn = emsmdb_rop_get_property_ids_from_names,
					 .input_types = EMSMDB_PROPERTY_OBJECTS, .min_response = 6 + 2 },
	[RopGetNamesFromPropertyIds] = { .fn = emsmdb_rop_get_names_from_property_ids,
					 .input_types = EMSMDB_PROPERTY_OBJECTS, .min_response = 6 + 2 },
	/* the NullDestinationObject form (DestHandleIndex) is the larger */
	[RopCopyProperties] = { .fn = emsmdb_rop_copy_properties, .input_types = EMSMDB_COPY_OBJECTS,
				.min_response = 6 + 4 },
	[RopCopyTo] = { .fn = emsmdb_rop_copy_to, .input_types = EMSMDB_COPY_OBJECTS,
			.min_response = 6 + 4 },
	[RopOpenStream] = { .fn = emsmdb_rop_open_stream, .input_types = EMSMDB_COPY_OBJECTS,
			    .min_response = 6 + 4 },
	[RopReadStream] = { .fn = emsmdb_rop_read_stream, .input_types = EMSMDB_STREAM_OBJECTS,
			    .min_response = 6 + 2 },
	[RopWriteStream] = { .fn = emsmdb_rop_write_stream, .input_types = EMSMDB_STREAM_OBJECTS,
			     .min_response = 6 + 2 },
	[RopWriteStreamExtended] = { .fn = emsmdb_rop_write_stream_extended,
				     .input_types = EMSMDB_STREAM_OBJECTS, .min_response = 6 + 4 },
	[RopWriteAndCommitStream] = { .fn = emsmdb_rop_write_and_commit_stream,
				      .input_types = EMSMDB_STREAM_OBJECTS, .min_response = 6 + 2 },
	[RopCommitStream] = { .fn = emsmdb_rop_commit_stream, .input_types = EMSMDB_STREAM_OBJECTS,
			      .min_response = 6 },
	[RopGetStreamSize] = { .fn = emsmdb_rop_get_stream_size, .input_types = EMSMDB_STREAM_OBJECTS,
			       .min_response = 6 + 4 },
	[RopSetStreamSize] = { .fn = emsmdb_rop_set_stream_size, .input_types = EMSMDB_STREAM_OBJECTS,
			       .min_response = 6 },
	[RopSeekStream] = { .fn = emsmdb_rop_seek_stream, .input_types = EMSMDB_STREAM_OBJECTS,
			    .min_response = 6 + 8 },
	[RopCopyToStream] = { .fn = emsmdb_rop_copy_to_stream, .input_types = EMSMDB_STREAM_OBJECTS,
			      .min_response = 6 + 4 + 16 },
	[RopCloneStream] = { .fn = emsmdb_rop_clone_stream, .input_types = EMSMDB_STREAM_OBJECTS,
			     .min_response = 6 },
	[RopLockRegionStream] = { .fn = emsmdb_rop_lock_region_stream,
				  .input_types = EMSMDB_STREAM_OBJECTS, .min_response = 6 },
	[RopUnlockRegionStream] = { .fn = emsmdb_rop_unlock_region_stream,
				    .input_types = EMSMDB_STREAM_OBJECTS, .min_response = 6 },

	/* MS-OXCROPS 2.2.15 */
	[RopRelease] = { .fn = emsmdb_rop_release, .input_types = 0, .min_response = 0 },
};
