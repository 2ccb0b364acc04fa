/*
 * OpenChange mapiproxy EMSMDB: the property and stream ROPs of MS-OXCPRPT (oxcprpt.c).
 *
 * The property ROPs work on every object that has properties: the logon
 * (the store's properties, MS-OXCSTOR 2.2.2), folders, messages and
 * attachments; the stream ROPs on the Stream objects RopOpenStream makes.
 *
 * Copyright (C) OpenChange developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef MAPIPROXY_EMSMDB_OXCPRPT_H
#define MAPIPROXY_EMSMDB_OXCPRPT_H

#include "mapiproxy/emsmdb/objects.h"

/* The objects with properties (MS-OXCPRPT 1.3). */
#define EMSMDB_PROPERTY_OBJECTS (EMSMDB_OBJECT_BIT(EMSMDB_OBJECT_LOGON) | \
				 EMSMDB_OBJECT_BIT(EMSMDB_OBJECT_FOLDER) | \
				 EMSMDB_OBJECT_BIT(EMSMDB_OBJECT_MESSAGE) | \
				 EMSMDB_OBJECT_BIT(EMSMDB_OBJECT_ATTACHMENT))
/* Those that copy and stream (MS-OXCPRPT 2.2.10, 2.2.11, 2.2.14): no logon. */
#define EMSMDB_COPY_OBJECTS (EMSMDB_OBJECT_BIT(EMSMDB_OBJECT_FOLDER) | \
			     EMSMDB_OBJECT_BIT(EMSMDB_OBJECT_MESSAGE) | \
			     EMSMDB_OBJECT_BIT(EMSMDB_OBJECT_ATTACHMENT))
#define EMSMDB_STREAM_OBJECTS EMSMDB_OBJECT_BIT(EMSMDB_OBJECT_STREAM)

/* RopGetPropertyIdsFromNames Flags (MS-OXCPRPT 2.2.12.1) */
#define EMSMDB_NAMED_CREATE 0x02
/* RopQueryNamedProperties QueryFlags (MS-OXCPRPT 2.2.9.1) */
#define EMSMDB_QUERY_NO_STRINGS 0x01
#define EMSMDB_QUERY_NO_IDS 0x02
/* CopyFlags of RopCopyProperties and RopCopyTo (MS-OXCPRPT 2.2.10.1, 2.2.11.1) */
#define EMSMDB_COPY_MOVE 0x01
#define EMSMDB_COPY_NO_OVERWRITE 0x02
/* RopOpenStream OpenModeFlags (MS-OXCPRPT 2.2.14.1) beyond mapistore's */
#define EMSMDB_STREAM_BEST_ACCESS 0x03
/* RopReadStream's ByteCount that asks for MaximumByteCount (MS-OXCROPS 2.2.9.2.1) */
#define EMSMDB_READ_STREAM_MAXIMUM 0xBABE
/* MS-OXCPRPT 3.2.5.18 StreamSeekError */
#define EMSMDB_STREAM_SEEK_ERROR ((enum MAPISTATUS)0x80030019)
/*
 * The largest stream: a stream is kept in memory until it is committed, so
 * a client must not make the server hold 2^31 bytes (the spec's limit) per
 * stream.  Beyond it: StreamSizeError (MS-OXCPRPT 2.2.16, 2.2.20).
 */
#define EMSMDB_MAX_STREAM_SIZE (64u * 1024u * 1024u)
/* The largest value a property row carries; larger ones are read through streams. */
#define EMSMDB_MAX_ROW_VALUE 0x8000

enum MAPISTATUS emsmdb_rop_get_properties_specific(struct emsmdb_rop_ctx *ctx,
						   struct rop_response *response);
enum MAPISTATUS emsmdb_rop_get_properties_all(struct emsmdb_rop_ctx *ctx,
					      struct rop_response *response);
enum MAPISTATUS emsmdb_rop_get_properties_list(struct emsmdb_rop_ctx *ctx,
					       struct rop_response *response);
enum MAPISTATUS emsmdb_rop_set_properties(struct emsmdb_rop_ctx *ctx,
					  struct rop_response *response);
enum MAPISTATUS emsmdb_rop_set_properties_no_replicate(struct emsmdb_rop_ctx *ctx,
						       struct rop_response *response);
enum MAPISTATUS emsmdb_rop_delete_properties(struct emsmdb_rop_ctx *ctx,
					     struct rop_response *response);
enum MAPISTATUS emsmdb_rop_delete_properties_no_replicate(struct emsmdb_rop_ctx *ctx,
							  struct rop_response *response);
enum MAPISTATUS emsmdb_rop_query_named_properties(struct emsmdb_rop_ctx *ctx,
						  struct rop_response *response);
enum MAPISTATUS emsmdb_rop_get_property_ids_from_names(struct emsmdb_rop_ctx *ctx,
						       struct rop_response *response);
enum MAPISTATUS emsmdb_rop_get_names_from_property_ids(struct emsmdb_rop_ctx *ctx,
						       struct rop_response *response);
enum MAPISTATUS emsmdb_rop_copy_properties(struct emsmdb_rop_ctx *ctx,
					   struct rop_response *response);
enum MAPISTATUS emsmdb_rop_copy_to(struct emsmdb_rop_ctx *ctx, struct rop_response *response);

enum MAPISTATUS emsmdb_rop_open_stream(struct emsmdb_rop_ctx *ctx, struct rop_response *response);
enum MAPISTATUS emsmdb_rop_read_stream(struct emsmdb_rop_ctx *ctx, struct rop_response *response);
enum MAPISTATUS emsmdb_rop_write_stream(struct emsmdb_rop_ctx *ctx, struct rop_response *response);
enum MAPISTATUS emsmdb_rop_write_stream_extended(struct emsmdb_rop_ctx *ctx,
						 struct rop_response *response);
enum MAPISTATUS emsmdb_rop_write_and_commit_stream(struct emsmdb_rop_ctx *ctx,
						   struct rop_response *response);
enum MAPISTATUS emsmdb_rop_commit_stream(struct emsmdb_rop_ctx *ctx, struct rop_response *response);
enum MAPISTATUS emsmdb_rop_get_stream_size(struct emsmdb_rop_ctx *ctx,
					   struct rop_response *response);
enum MAPISTATUS emsmdb_rop_set_stream_size(struct emsmdb_rop_ctx *ctx,
					   struct rop_response *response);
enum MAPISTATUS emsmdb_rop_seek_stream(struct emsmdb_rop_ctx *ctx, struct rop_response *response);
enum MAPISTATUS emsmdb_rop_copy_to_stream(struct emsmdb_rop_ctx *ctx,
					  struct rop_response *response);
enum MAPISTATUS emsmdb_rop_clone_stream(struct emsmdb_rop_ctx *ctx, struct rop_response *response);
enum MAPISTATUS emsmdb_rop_lock_region_stream(struct emsmdb_rop_ctx *ctx,
					      struct rop_response *response);
enum MAPISTATUS emsmdb_rop_unlock_region_stream(struct emsmdb_rop_ctx *ctx,
						struct rop_response *response);

#endif
