/*
 * OpenChange mapiproxy EMSMDB: the Server objects of the mailbox ROP
 * families (MS-OXCROPS 1.3.1) and what each keeps alive.
 *
 * Every object below is the private_data of an emsmdb_object, made with
 * emsmdb_shared_new() and entered with emsmdb_object_new_shared(), so
 * that whatever was opened through it can hold it (session.h):
 *
 *   logon       the open mailbox (mapistore context)       oxcstor.c
 *   folder      holds its logon                             oxcfold.c
 *   message     holds its logon; an embedded message
 *               holds its attachment                        oxcmsg.c
 *   attachment  holds its message                           oxcmsg.c
 *   table       holds its logon, and the folder or message
 *               whose rows it shows                         oxcfold.c/oxcmsg.c make,
 *                                                           oxctabl.c serves
 *   stream      holds the folder, message or attachment     oxcprpt.c
 *
 * RopRelease of a logon or a message therefore never leaves a dangling
 * mapistore object behind: the state goes with its last user.
 *
 * Copyright (C) OpenChange developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef MAPIPROXY_EMSMDB_OBJECTS_H
#define MAPIPROXY_EMSMDB_OBJECTS_H

#include <stdbool.h>
#include <stdint.h>

#include "mapiproxy/emsmdb/oxcstor.h"
#include "mapistore/mapistore.h"

struct emsmdb_folder {
	struct emsmdb_logon *logon;
	struct mapistore_folder *folder;	/* a talloc child of this */
	uint64_t fid;
};

struct emsmdb_attachment;

struct emsmdb_message {
	struct emsmdb_logon *logon;
	struct mapistore_message *msg;		/* a talloc child of this */
	uint64_t fid;				/* the folder it is (or will be) saved in */
	uint64_t mid;
	uint8_t open_mode;			/* MAPISTORE_OPEN_* */
	bool created;				/* by RopCreateMessage, not saved yet */
	struct emsmdb_attachment *parent;	/* an embedded message's attachment, held */
};

struct emsmdb_attachment {
	struct emsmdb_logon *logon;
	struct emsmdb_message *message;		/* held */
	struct mapistore_attachment *att;	/* a talloc child of this */
	uint32_t attach_num;
	uint8_t open_mode;
};

/* What a table object shows (MS-OXCTABL 1.3). */
enum emsmdb_table_kind {
	EMSMDB_TABLE_HIERARCHY,		/* RopGetHierarchyTable: mapistore table */
	EMSMDB_TABLE_CONTENTS,		/* RopGetContentsTable: mapistore table */
	EMSMDB_TABLE_ASSOCIATED,	/* RopGetContentsTable with Associated: mapistore table */
	EMSMDB_TABLE_ATTACHMENTS,	/* RopGetAttachmentTable: rows of message */
};

struct emsmdb_table {
	struct emsmdb_logon *logon;
	enum emsmdb_table_kind kind;
	uint8_t table_flags;			/* the request's TableFlags */
	struct emsmdb_folder *folder;		/* HIERARCHY/CONTENTS/ASSOCIATED: held */
	struct mapistore_table *table;		/* ... and its mapistore table, a child of this */
	struct emsmdb_message *message;		/* ATTACHMENTS: held */
	/* RopSetColumns' tags (the row layout of RopQueryRows/RopFindRow), a child of this */
	struct mapi_tag_array columns;
	bool columns_set;
	void *private_data;			/* oxctabl.c's own (cursor, bookmarks of row tables) */
};

struct emsmdb_stream {
	struct emsmdb_logon *logon;
	/* exactly one is set, and held */
	struct emsmdb_folder *folder;
	struct emsmdb_message *message;
	struct emsmdb_attachment *attachment;
	struct mapistore_stream *stream;	/* a talloc child of this */
	uint32_t tag;
	uint8_t open_mode;			/* MAPISTORE_STREAM_* */
};

/*
 * The private data of OBJECT when it is of TYPE, else NULL; the dispatcher
 * has checked the type already when the handler's input_types say so.
 */
struct emsmdb_folder *emsmdb_folder_of(const struct emsmdb_object *object);
struct emsmdb_message *emsmdb_message_of(const struct emsmdb_object *object);
struct emsmdb_attachment *emsmdb_attachment_of(const struct emsmdb_object *object);
struct emsmdb_table *emsmdb_table_of(const struct emsmdb_object *object);
struct emsmdb_stream *emsmdb_stream_of(const struct emsmdb_object *object);

/*
 * The logon any mailbox object was opened through (for a logon object, its
 * own), or NULL for other objects.
 */
struct emsmdb_logon *emsmdb_object_logon(const struct emsmdb_object *object);

/*
 * Handle-table lookups of a ROP's further handles (a destination folder,
 * RopCopyTo's destination object): the object at HANDLE_INDEX of the
 * call's handle table, or NULL when the index is outside the table, the
 * slot is empty or stale, or the object's type is not one of TYPES
 * (EMSMDB_OBJECT_BIT()s).  The caller answers ecNullObject then, or the
 * response form with DestHandleIndex where the spec has one.
 */
struct emsmdb_object *emsmdb_rop_object_at(const struct emsmdb_rop_ctx *ctx, uint8_t handle_index,
					   uint32_t types);

/*
 * Constructors: each makes the shared state and its Server object (a
 * child of the session) and holds what it depends on; the caller sets
 * ctx->output to *out.  On failure nothing is left behind.
 */
enum MAPISTATUS emsmdb_folder_object_new(struct emsmdb_rop_ctx *ctx, struct emsmdb_logon *logon,
					 uint8_t logon_id, struct emsmdb_folder **folder,
					 struct emsmdb_object **out);
enum MAPISTATUS emsmdb_message_object_new(struct emsmdb_rop_ctx *ctx, struct emsmdb_logon *logon,
					  uint8_t logon_id, struct emsmdb_message **message,
					  struct emsmdb_object **out);
enum MAPISTATUS emsmdb_attachment_object_new(struct emsmdb_rop_ctx *ctx,
					     struct emsmdb_message *message, uint8_t logon_id,
					     struct emsmdb_attachment **attachment,
					     struct emsmdb_object **out);
/* FOLDER for the folder tables, MESSAGE for the attachment table; the other NULL. */
enum MAPISTATUS emsmdb_table_object_new(struct emsmdb_rop_ctx *ctx, struct emsmdb_logon *logon,
					uint8_t logon_id, enum emsmdb_table_kind kind,
					struct emsmdb_folder *folder, struct emsmdb_message *message,
					struct emsmdb_table **table, struct emsmdb_object **out);
/* Exactly one of FOLDER, MESSAGE, ATTACHMENT. */
enum MAPISTATUS emsmdb_stream_object_new(struct emsmdb_rop_ctx *ctx, struct emsmdb_logon *logon,
					 uint8_t logon_id, struct emsmdb_folder *folder,
					 struct emsmdb_message *message,
					 struct emsmdb_attachment *attachment,
					 struct emsmdb_stream **stream, struct emsmdb_object **out);

#endif
