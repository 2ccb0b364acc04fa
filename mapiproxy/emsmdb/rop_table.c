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
	/* MS-OXCFOLD (oxcfold.c) */
	[RopOpenFolder] = { .fn = emsmdb_rop_open_folder, .input_types = EMSMDB_FOLDER_PARENTS,
			    .min_response = 6 + 2 },

	/* MS-OXCTABL (oxctabl.c) */

	/* MS-OXCMSG (oxcmsg.c) */

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
