/*
 * mapistore: the mailbox storage API.
 *
 * One mapistore_context per mailbox a session opens, from a backend URI
 * ("sqlite3:///var/lib/openchange/mailboxes/<guid>.db"). The context owns
 * the backend connection; every object opened through it (folders,
 * messages, attachments, streams, tables) is a talloc child of the memory
 * context the caller passes, and holds a reference to the context, so the
 * caller decides lifetimes (a ROP handle's object dies with RopRelease) and
 * the context must outlive its objects.
 *
 * Semantics follow the specs, not the ROPs: mapistore knows nothing of ROP
 * buffers or handles (DESIGN.md: mapistore never uses mapiproxy).
 * - Identifiers are MS-OXCDATA 2.2.1.1 Folder IDs / Message IDs: a 16-bit
 *   replica id and a 48-bit global counter, as uint64_t in the layout of
 *   libmapi/oxcdata_ids.h.
 * - Every committing operation (folder create/delete/move/copy/empty,
 *   message save/delete/move/copy, read flags, receive folders, named
 *   property creation, folder property changes) is one durable transaction:
 *   when the call returns MAPI_E_SUCCESS, the change survives kill -9 and
 *   power loss (sqlite3 backend: WAL, synchronous=FULL).
 * - A message is edited in memory (properties, recipients, attachments,
 *   streams) and nothing of it is visible to anyone else until
 *   mapistore_message_save() (MS-OXCMSG 3.2.5.3).
 * - Errors are MS-OXCDATA 2.4 codes (enum MAPISTATUS).
 *
 * Copyright (C) OpenChange developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef MAPISTORE_MAPISTORE_H
#define MAPISTORE_MAPISTORE_H

#include <stdbool.h>
#include <stdint.h>
#include <talloc.h>
#include "idl/gen_errors.h"
#include "libmapi/oxcdata_propval.h"
#include "libmapi/oxcdata_restriction.h"
#include "libmapi/oxcdata_row.h"

struct mapistore_context;
struct mapistore_folder;
struct mapistore_message;
struct mapistore_attachment;
struct mapistore_stream;
struct mapistore_table;

/* --- contexts and backends -------------------------------------------------- */

/* mapistore_open() flags. */
#define MAPISTORE_OPEN_CREATE 0x0001	/* create the database if it does not exist */

/*
 * Open the mailbox at uri; *ctx is allocated under mem_ctx. A URI without
 * "scheme://" is taken as a path for the default backend (sqlite3).
 * MAPI_E_NOT_FOUND: no such mailbox (and no MAPISTORE_OPEN_CREATE);
 * MAPI_E_NO_SUPPORT: unknown scheme; MAPI_E_VERSION: a database of a schema
 * version this code does not know; MAPI_E_CORRUPT_DATA: not a mailbox;
 * MAPI_E_NO_ACCESS: the file cannot be opened for writing. On failure,
 * *error (if error is not NULL) gets the reason in words under mem_ctx,
 * e.g. "sqlite3: mailbox schema version 7, this mapistore knows version 1".
 */
enum MAPISTATUS mapistore_open(TALLOC_CTX *mem_ctx, const char *uri, uint32_t flags,
			       struct mapistore_context **ctx, char **error);
/* A human-readable reason for the last error of this context (never NULL). */
const char *mapistore_last_error(struct mapistore_context *ctx);

/* The mailbox's identity, fixed at creation. */
struct mapistore_mailbox_params {
	uint16_t replica_id;		/* MS-OXCDATA 2.2.1.1 ReplicaId, usually 0x0001 */
	uint8_t replica_guid[16];	/* the REPLID's GUID (namespace of XIDs, GIDs) */
	uint8_t mailbox_guid[16];	/* store provider uid of entry IDs (MS-OXCDATA 2.2.4.1) */
	const char *owner_name;		/* display name of the root/IPM subtree owner, may be NULL */
};

/*
 * Special folders (MS-OXOSFLD 2.2.1). The first 13 are, in this order, the
 * FolderIds of the private-mailbox RopLogon response (MS-OXCSTOR 2.2.1.1.3).
 */
enum mapistore_special_folder {
	MAPISTORE_ROOT = 0,
	MAPISTORE_DEFERRED_ACTION,
	MAPISTORE_SPOOLER_QUEUE,
	MAPISTORE_IPM_SUBTREE,		/* "Top of Information Store" */
	MAPISTORE_INBOX,
	MAPISTORE_OUTBOX,
	MAPISTORE_SENT_ITEMS,
	MAPISTORE_DELETED_ITEMS,
	MAPISTORE_COMMON_VIEWS,
	MAPISTORE_SCHEDULE,
	MAPISTORE_SEARCH,		/* "Finder" */
	MAPISTORE_VIEWS,		/* personal views */
	MAPISTORE_SHORTCUTS,
	MAPISTORE_LOGON_FOLDER_COUNT,	/* = 13 */
	MAPISTORE_CALENDAR = MAPISTORE_LOGON_FOLDER_COUNT,
	MAPISTORE_CONTACTS,
	MAPISTORE_JOURNAL,
	MAPISTORE_NOTES,
	MAPISTORE_TASKS,
	MAPISTORE_DRAFTS,
	MAPISTORE_REMINDERS,
	MAPISTORE_CONFLICTS,
	MAPISTORE_SYNC_ISSUES,
	MAPISTORE_LOCAL_FAILURES,
	MAPISTORE_SERVER_FAILURES,
	MAPISTORE_JUNK_EMAIL,
	MAPISTORE_FREEBUSY_DATA,	/* MS-OXOPFFB 2.2.1, under Root */
	MAPISTORE_SPECIAL_FOLDER_COUNT
};

/*
 * Create the mailbox in an empty database: identity, the special folder
 * tree, the entry-ID properties on Root and Inbox (MS-OXOSFLD 2.2.3, 2.2.4)
 * and the default receive folders. One transaction.
 * MAPI_E_COLLISION if the mailbox already exists.
 */
enum MAPISTATUS mapistore_mailbox_create(struct mapistore_context *ctx,
					 const struct mapistore_mailbox_params *params);
/*
 * The folders of a public store, in the order of the FolderIds of the
 * public-folders RopLogon response (MS-OXCSTOR 2.2.1.1.4; its last three
 * are empty).
 */
enum mapistore_public_folder {
	MAPISTORE_PUBLIC_ROOT = 0,
	MAPISTORE_PUBLIC_IPM_SUBTREE,
	MAPISTORE_PUBLIC_NON_IPM_SUBTREE,
	MAPISTORE_PUBLIC_EFORMS_REGISTRY,
	MAPISTORE_PUBLIC_FREEBUSY,		/* SCHEDULE+ FREE BUSY */
	MAPISTORE_PUBLIC_OAB,			/* OFFLINE ADDRESS BOOK */
	MAPISTORE_PUBLIC_LOCAL_EFORMS,		/* the EForms registry of the user's locale */
	MAPISTORE_PUBLIC_LOCAL_FREEBUSY,	/* the local site's free/busy data */
	MAPISTORE_PUBLIC_LOCAL_OAB,		/* the local site's offline address book */
	MAPISTORE_PUBLIC_NNTP_INDEX,
	MAPISTORE_PUBLIC_FOLDER_COUNT
};

/*
 * Create a public store instead of a mailbox in an empty database: its
 * identity (mailbox_guid may be zero) and the folders above, in one
 * transaction.  MAPI_E_COLLISION if it exists.  A public store answers
 * mapistore_public_folder_id(); a mailbox, MAPI_E_NOT_FOUND there.
 */
enum MAPISTATUS mapistore_public_store_create(struct mapistore_context *ctx,
					      const struct mapistore_mailbox_params *params);
enum MAPISTATUS mapistore_public_folder_id(struct mapistore_context *ctx,
					   enum mapistore_public_folder which, uint64_t *fid);
enum MAPISTATUS mapistore_mailbox_params(struct mapistore_context *ctx,
					 struct mapistore_mailbox_params *out);
/* The FID of a special folder; MAPI_E_NOT_FOUND if the mailbox has none. */
enum MAPISTATUS mapistore_special_folder_id(struct mapistore_context *ctx,
					    enum mapistore_special_folder which, uint64_t *fid);
/* Its display name and container class (NULL when the spec gives none). */
const char *mapistore_special_folder_name(enum mapistore_special_folder which);
const char *mapistore_special_folder_class(enum mapistore_special_folder which);

/*
 * Allocate count ids (folder, message or change numbers share the mailbox's
 * one 48-bit global counter, MS-OXCFXICS 2.2.2.1) and return the first.
 * Durable: an id is never handed out twice, even across a crash.
 */
enum MAPISTATUS mapistore_allocate_ids(struct mapistore_context *ctx, uint32_t count,
				       uint64_t *first_id);

/*
 * A batch: the committing operations until mapistore_batch_commit() share
 * one transaction (each still all-or-nothing on its own, as a savepoint),
 * for imports and bulk delivery where one fsync per message is too many.
 * Nothing of the batch is durable, or reported to the event hook, before
 * mapistore_batch_commit() returns; mapistore_batch_rollback() forgets it
 * all (ids handed out inside a rolled-back batch must not be used).
 */
enum MAPISTATUS mapistore_batch_begin(struct mapistore_context *ctx);
enum MAPISTATUS mapistore_batch_commit(struct mapistore_context *ctx);
void mapistore_batch_rollback(struct mapistore_context *ctx);

/*
 * Change notifications for the layers above (tables, RopNotify): after a
 * transaction commits, every change it made is reported to the hook, in
 * order. Changes made by other connections (other processes) are not
 * reported here; tables see them through mapistore_folder_version().
 */
enum mapistore_event_type {
	MAPISTORE_EVENT_FOLDER_CREATED,
	MAPISTORE_EVENT_FOLDER_MODIFIED,
	MAPISTORE_EVENT_FOLDER_DELETED,
	MAPISTORE_EVENT_FOLDER_MOVED,
	MAPISTORE_EVENT_MESSAGE_CREATED,
	MAPISTORE_EVENT_MESSAGE_MODIFIED,
	MAPISTORE_EVENT_MESSAGE_DELETED,
	MAPISTORE_EVENT_MESSAGE_MOVED,
};

struct mapistore_event {
	enum mapistore_event_type type;
	uint64_t fid;		/* the folder (for messages: the containing folder) */
	uint64_t mid;		/* 0 for folder events */
	uint64_t old_fid;	/* MOVED: where it was (folder events: old parent) */
};

typedef void (*mapistore_event_fn)(void *private_data, const struct mapistore_event *ev);
void mapistore_set_event_hook(struct mapistore_context *ctx, mapistore_event_fn fn,
			      void *private_data);

/* --- backends --------------------------------------------------------------- */

struct mapistore_backend;	/* mapistore/mapistore_backend.h */
/* Register a backend under its URI scheme (process-wide; sqlite3 is built in). */
enum MAPISTATUS mapistore_backend_register(const struct mapistore_backend *backend);

/* --- properties ------------------------------------------------------------- */

/*
 * Property values are struct mapi_propval (libmapi/oxcdata_propval.h):
 * strings UTF-8, every MS-OXCDATA 2.11.1 type incl. multi-valued ones.
 * Gets fill one struct mapi_flagged_propval per requested tag: PRESENT with
 * the value, or ERROR with MAPI_E_NOT_FOUND (absent) or
 * MAPI_E_NOT_ENOUGH_MEMORY (a value larger than
 * MAPISTORE_MAX_INLINE_VALUE when the caller asked for table semantics).
 * A requested PtypUnspecified tag takes the stored type; PtypString and
 * PtypString8 find each other, and the value comes back with the stored tag
 * (UTF-8 for PtypString: code-page conversion is the ROP layer's).
 */
#define MAPISTORE_MAX_INLINE_VALUE 32768	/* larger values: streams only in rows */

/* Problems of a set/delete: one per property that failed (MS-OXCDATA 2.9). */
struct mapistore_problems {
	uint16_t count;
	struct mapi_property_problem *problems;
};

/* --- named properties (MS-OXCPRPT 3.2.5.8) ---------------------------------- */

enum mapistore_name_kind {
	MAPISTORE_NAME_LID = 0x00,	/* MNID_ID */
	MAPISTORE_NAME_STRING = 0x01,	/* MNID_STRING */
};

struct mapistore_named_prop {
	struct mapi_guid guid;
	uint8_t kind;		/* enum mapistore_name_kind */
	uint32_t lid;
	const char *name;	/* UTF-8 */
};

/*
 * Property ids (0x8000-0xFFFE) of names, in order; with create, unknown
 * names get a new id (durably, stable for the life of the mailbox),
 * otherwise their id is 0 and the result MAPI_W_ERRORS_RETURNED-like
 * *missing counts them. PS_MAPI names map to their LID (MS-OXCPRPT
 * 3.2.5.8). MAPI_E_NAMED_PROPERTY_QUOTA when the id space is exhausted.
 */
enum MAPISTATUS mapistore_named_ids(struct mapistore_context *ctx, uint32_t count,
				    const struct mapistore_named_prop *names, bool create,
				    uint16_t *ids, uint32_t *missing);
/* The name of a property id; MAPI_E_NOT_FOUND if none. */
enum MAPISTATUS mapistore_named_name(struct mapistore_context *ctx, TALLOC_CTX *mem_ctx,
				     uint16_t id, struct mapistore_named_prop *out);
/* Every name mapped so far (RopQueryNamedProperties), ids in *ids. */
enum MAPISTATUS mapistore_named_all(struct mapistore_context *ctx, TALLOC_CTX *mem_ctx,
				    uint32_t *count, uint16_t **ids,
				    struct mapistore_named_prop **names);

/* --- receive folders (MS-OXCSTOR 3.2.5.2, 3.2.5.3) -------------------------- */

/*
 * The receive folder of message_class: the entry whose class is the
 * longest prefix of it on '.' boundaries, "" (the default) otherwise.
 * *explicit_class (optional) gets the matching entry's class under mem_ctx.
 */
enum MAPISTATUS mapistore_receive_folder_get(struct mapistore_context *ctx, TALLOC_CTX *mem_ctx,
					     const char *message_class, uint64_t *fid,
					     char **explicit_class);
/* Set (fid != 0) or remove (fid == 0) an entry; the default "" cannot be removed. */
enum MAPISTATUS mapistore_receive_folder_set(struct mapistore_context *ctx,
					     const char *message_class, uint64_t fid);
struct mapistore_receive_folder {
	char *message_class;
	uint64_t fid;
	uint64_t last_modified;	/* FILETIME */
};
enum MAPISTATUS mapistore_receive_folder_list(struct mapistore_context *ctx, TALLOC_CTX *mem_ctx,
					      uint32_t *count,
					      struct mapistore_receive_folder **entries);

/* --- the REPLID/REPLGUID mapping (MS-OXCSTOR 3.2.5.8, 3.2.5.9) ----------------- */

/*
 * The mailbox's own replica is its mapping's first entry; other REPLGUIDs
 * (ids made by other stores, met in LongTermIDs) are registered durably
 * under new REPLIDs, never reused.  MAPI_E_NOT_FOUND: unknown (and, for
 * mapistore_replica_id, not create); MAPI_E_TOO_BIG: no REPLID left.
 */
enum MAPISTATUS mapistore_replica_id(struct mapistore_context *ctx, const uint8_t guid[16],
				     bool create, uint16_t *replid);
enum MAPISTATUS mapistore_replica_guid(struct mapistore_context *ctx, uint16_t replid,
				       uint8_t guid[16]);

/* --- per-user data (MS-OXCSTOR 3.1.4.3, 3.2.5.10 to 3.2.5.13) -------------- */

/*
 * The read/unread data a private mailbox caches for public folders, one
 * entry per folder, keyed by the folder's LongTermID (MS-OXCDATA
 * 2.2.1.3.1, 24 bytes) and tagged with the REPLGUID of the public store
 * that provided it.  The data itself is opaque here.
 */
#define MAPISTORE_LTID_SIZE 24
#define MAPISTORE_PER_USER_MAX (1u << 20)	/* bytes of one entry: MAPI_E_TOO_BIG beyond */

/* MAPI_E_NOT_FOUND when the folder has no entry; *data under mem_ctx. */
enum MAPISTATUS mapistore_per_user_get(struct mapistore_context *ctx, TALLOC_CTX *mem_ctx,
				       const uint8_t ltid[MAPISTORE_LTID_SIZE],
				       uint8_t replguid[16], uint8_t **data, uint32_t *len);
/* Replaces the folder's entry; durable on return. */
enum MAPISTATUS mapistore_per_user_set(struct mapistore_context *ctx,
				       const uint8_t ltid[MAPISTORE_LTID_SIZE],
				       const uint8_t replguid[16], const uint8_t *data,
				       uint32_t len);
/* The LongTermIDs of the entries of REPLGUID, *count * 24 bytes in *ltids. */
enum MAPISTATUS mapistore_per_user_list(struct mapistore_context *ctx, TALLOC_CTX *mem_ctx,
					const uint8_t replguid[16], uint32_t *count,
					uint8_t **ltids);

/* --- folders (MS-OXCFOLD) ---------------------------------------------------- */

/* mapistore_folder_create() flags. */
#define MAPISTORE_FOLDER_OPEN_IF_EXISTS 0x01	/* RopCreateFolder OpenExisting */

/* PidTagFolderType values. */
#define MAPISTORE_FOLDER_ROOT 0
#define MAPISTORE_FOLDER_GENERIC 1
#define MAPISTORE_FOLDER_SEARCH 2

/* mapistore_folder_delete() flags (RopDeleteFolder DeleteFolderFlags). */
#define MAPISTORE_DEL_MESSAGES 0x01
#define MAPISTORE_DEL_FOLDERS 0x04
#define MAPISTORE_DEL_HARD_DELETE 0x10

enum MAPISTATUS mapistore_folder_open(struct mapistore_context *ctx, TALLOC_CTX *mem_ctx,
				      uint64_t fid, struct mapistore_folder **folder);
/*
 * A folder named name under parent (MS-OXCFOLD 3.2.5.2). props are extra
 * properties (PidTagComment, PidTagContainerClass...). A sibling of the same
 * name (case-insensitive) is MAPI_E_COLLISION, or with OPEN_IF_EXISTS is
 * opened instead and *existed set.
 */
enum MAPISTATUS mapistore_folder_create(struct mapistore_folder *parent, TALLOC_CTX *mem_ctx,
					const char *name, uint32_t folder_type,
					uint32_t flags, uint16_t prop_count,
					const struct mapi_propval *props,
					struct mapistore_folder **folder, bool *existed);
uint64_t mapistore_folder_id(const struct mapistore_folder *folder);
/*
 * Delete a child folder (MS-OXCFOLD 3.2.5.3): without DEL_MESSAGES a folder
 * holding messages is MAPI_E_HAS_MESSAGES, without DEL_FOLDERS one with
 * subfolders MAPI_E_HAS_FOLDERS. Special folders are MAPI_E_NO_ACCESS.
 */
enum MAPISTATUS mapistore_folder_delete(struct mapistore_folder *parent, uint64_t fid,
					uint32_t flags);
/* Move fid (a child of src) under dst, renamed when new_name != NULL. */
enum MAPISTATUS mapistore_folder_move(struct mapistore_folder *src, uint64_t fid,
				      struct mapistore_folder *dst, const char *new_name);
/* Copy fid (a child of src) under dst, with its subfolders when recursive. */
enum MAPISTATUS mapistore_folder_copy(struct mapistore_folder *src, uint64_t fid,
				      struct mapistore_folder *dst, const char *new_name,
				      bool recursive, uint64_t *new_fid);
/* Delete every message and subfolder (RopEmptyFolder); associated ones with want_associated. */
enum MAPISTATUS mapistore_folder_empty(struct mapistore_folder *folder, bool want_associated,
				       bool hard);
/* The ids of the direct children, in creation order. */
enum MAPISTATUS mapistore_folder_children(struct mapistore_folder *folder, TALLOC_CTX *mem_ctx,
					  uint32_t *count, uint64_t **fids);
/* Find a child by display name (case-insensitive). */
enum MAPISTATUS mapistore_folder_find_child(struct mapistore_folder *folder, const char *name,
					    uint64_t *fid);
/*
 * A counter that changes whenever the folder's contents (messages) or
 * hierarchy (subfolders) change, by any connection; tables re-read when it
 * moved.
 */
enum MAPISTATUS mapistore_folder_version(struct mapistore_context *ctx, uint64_t fid,
					 uint64_t *version);

/* Folder properties: sets and deletes are committed at once (folders have no save). */
enum MAPISTATUS mapistore_folder_get_props(struct mapistore_folder *folder, TALLOC_CTX *mem_ctx,
					   uint16_t count, const uint32_t *tags,
					   struct mapi_flagged_propval *values);
enum MAPISTATUS mapistore_folder_get_all(struct mapistore_folder *folder, TALLOC_CTX *mem_ctx,
					 uint16_t *count, struct mapi_propval **values);
/* The tags of every property the folder has, computed ones included (RopGetPropertiesList). */
enum MAPISTATUS mapistore_folder_get_list(struct mapistore_folder *folder, TALLOC_CTX *mem_ctx,
					  uint16_t *count, uint32_t **tags);
enum MAPISTATUS mapistore_folder_set_props(struct mapistore_folder *folder, uint16_t count,
					   const struct mapi_propval *values,
					   TALLOC_CTX *mem_ctx, struct mapistore_problems *problems);
enum MAPISTATUS mapistore_folder_delete_props(struct mapistore_folder *folder, uint16_t count,
					      const uint32_t *tags,
					      TALLOC_CTX *mem_ctx, struct mapistore_problems *problems);

/*
 * What left a folder (MS-OXCFXICS needs deletions as well as changes): each
 * hard or soft delete and each move out of a folder leaves a tombstone with
 * the object's id and a change number of its own, oldest first.
 */
enum mapistore_tombstone_kind {
	MAPISTORE_GONE_MESSAGE_HARD = 0,
	MAPISTORE_GONE_MESSAGE_SOFT = 1,
	MAPISTORE_GONE_MESSAGE_MOVED = 2,
	MAPISTORE_GONE_FOLDER_DELETED = 3,
	MAPISTORE_GONE_FOLDER_MOVED = 4,
};

struct mapistore_tombstone {
	uint64_t id;		/* MID or FID */
	uint64_t fid;		/* the folder it left */
	uint64_t cn;		/* change number of the deletion or move */
	uint8_t kind;		/* enum mapistore_tombstone_kind */
};

enum MAPISTATUS mapistore_folder_tombstones(struct mapistore_folder *folder, TALLOC_CTX *mem_ctx,
					    uint32_t *count, struct mapistore_tombstone **entries);

/* --- messages (MS-OXCMSG) ---------------------------------------------------- */

/* SaveChangesMessage SaveFlags (MS-OXCMSG 2.2.3.3.1). */
#define MAPISTORE_SAVE_KEEP_OPEN_READ_ONLY 0x01
#define MAPISTORE_SAVE_KEEP_OPEN_READ_WRITE 0x02
#define MAPISTORE_SAVE_FORCE 0x04

/* PidTagMessageFlags bits (MS-OXCMSG 2.2.1.6). */
#define MAPISTORE_MSGFLAG_READ 0x0001
#define MAPISTORE_MSGFLAG_UNMODIFIED 0x0002
#define MAPISTORE_MSGFLAG_SUBMITTED 0x0004
#define MAPISTORE_MSGFLAG_UNSENT 0x0008
#define MAPISTORE_MSGFLAG_HASATTACH 0x0010
#define MAPISTORE_MSGFLAG_FROMME 0x0020
#define MAPISTORE_MSGFLAG_ASSOCIATED 0x0040
#define MAPISTORE_MSGFLAG_RESEND 0x0080
#define MAPISTORE_MSGFLAG_EVERREAD 0x0400

/* Open modes (RopOpenMessage OpenModeFlags, MS-OXCMSG 2.2.3.1.1). */
#define MAPISTORE_OPEN_READ_ONLY 0x00
#define MAPISTORE_OPEN_READ_WRITE 0x01
#define MAPISTORE_OPEN_BEST_ACCESS 0x03

/* Read flags (RopSetMessageReadFlag / RopSetReadFlags ReadFlags, MS-OXCMSG 2.2.3.10.1). */
#define MAPISTORE_READ_CLEAR 0x04	/* clear mfRead instead of setting it */
#define MAPISTORE_READ_GENERATE_RECEIPT_ONLY 0x10
#define MAPISTORE_READ_CLEAR_NOTIFY_READ 0x20
#define MAPISTORE_READ_CLEAR_NOTIFY_UNREAD 0x40

/* A new message in folder; its MID is allocated now, visible after save. */
enum MAPISTATUS mapistore_message_create(struct mapistore_folder *folder, TALLOC_CTX *mem_ctx,
					 bool associated, struct mapistore_message **msg);
enum MAPISTATUS mapistore_message_open(struct mapistore_context *ctx, TALLOC_CTX *mem_ctx,
				       uint64_t fid, uint64_t mid, uint8_t open_mode,
				       struct mapistore_message **msg);
uint64_t mapistore_message_id(const struct mapistore_message *msg);
/* The message's change number as last read or saved. */
uint64_t mapistore_message_change_number(const struct mapistore_message *msg);
/*
 * Save (MS-OXCMSG 3.2.5.3): MAPI_E_OBJECT_CHANGED when someone saved the
 * message since it was opened (not with SAVE_FORCE), MAPI_E_OBJECT_DELETED
 * when it was deleted meanwhile, MAPI_E_NO_ACCESS on a read-only message.
 * An embedded message is saved into its attachment (in memory): it reaches
 * the database with the outermost message's save.
 */
enum MAPISTATUS mapistore_message_save(struct mapistore_message *msg, uint8_t save_flags);
/* Throw away unsaved changes and read the stored state again (RopReloadCachedInformation). */
enum MAPISTATUS mapistore_message_reload(struct mapistore_message *msg);

enum MAPISTATUS mapistore_message_get_props(struct mapistore_message *msg, TALLOC_CTX *mem_ctx,
					    uint16_t count, const uint32_t *tags,
					    struct mapi_flagged_propval *values);
enum MAPISTATUS mapistore_message_get_all(struct mapistore_message *msg, TALLOC_CTX *mem_ctx,
					  uint16_t *count, struct mapi_propval **values);
enum MAPISTATUS mapistore_message_get_list(struct mapistore_message *msg, TALLOC_CTX *mem_ctx,
					   uint16_t *count, uint32_t **tags);
enum MAPISTATUS mapistore_message_set_props(struct mapistore_message *msg, uint16_t count,
					    const struct mapi_propval *values,
					    TALLOC_CTX *mem_ctx, struct mapistore_problems *problems);
enum MAPISTATUS mapistore_message_delete_props(struct mapistore_message *msg, uint16_t count,
					       const uint32_t *tags,
					       TALLOC_CTX *mem_ctx, struct mapistore_problems *problems);

/* Delete messages of a folder: soft (kept for recovery, hidden) or hard. */
enum MAPISTATUS mapistore_messages_delete(struct mapistore_folder *folder, uint32_t count,
					  const uint64_t *mids, bool hard, uint32_t *partial);
/*
 * Move or copy messages between folders; new_mids (optional, count entries)
 * gets the copies' ids. A moved message keeps its MID and takes a new
 * change number (its change key and PCL move on), so a synchronization of
 * the destination sees it as a change; the source gets a tombstone.
 */
enum MAPISTATUS mapistore_messages_move(struct mapistore_folder *src, struct mapistore_folder *dst,
					uint32_t count, const uint64_t *mids, bool copy,
					uint64_t *new_mids, uint32_t *partial);
/* Set or clear mfRead on messages (RopSetReadFlags); *changed counts the ones that changed. */
enum MAPISTATUS mapistore_messages_set_read(struct mapistore_folder *folder, uint32_t count,
					    const uint64_t *mids, uint8_t read_flags,
					    uint32_t *changed);
/* The same on an open message, stored at once (RopSetMessageReadFlag). */
enum MAPISTATUS mapistore_message_set_read(struct mapistore_message *msg, uint8_t read_flags,
					   bool *changed);

/* --- recipients (MS-OXCMSG 2.2.3.5 to 2.2.3.7) ------------------------------ */

struct mapistore_recipient {
	uint32_t row_id;
	uint16_t count;
	struct mapi_propval *props;	/* PidTagRecipientType, PidTagDisplayName, ... */
};

/* Replace (or add) each row by row_id; a row with count == 0 removes it. */
enum MAPISTATUS mapistore_message_modify_recipients(struct mapistore_message *msg, uint16_t count,
						    const struct mapistore_recipient *rows);
/* Rows with row_id >= first_row_id, in row_id order. */
enum MAPISTATUS mapistore_message_read_recipients(struct mapistore_message *msg,
						  TALLOC_CTX *mem_ctx, uint32_t first_row_id,
						  uint32_t *count,
						  struct mapistore_recipient **rows);
enum MAPISTATUS mapistore_message_remove_all_recipients(struct mapistore_message *msg);

/* --- attachments (MS-OXCMSG 2.2.3.11 to 2.2.3.17) --------------------------- */

/* PidTagAttachMethod values (MS-OXCMSG 2.2.2.9). */
#define MAPISTORE_ATTACH_BY_VALUE 0x0001
#define MAPISTORE_ATTACH_EMBEDDED_MESSAGE 0x0005

enum MAPISTATUS mapistore_attachment_create(struct mapistore_message *msg, TALLOC_CTX *mem_ctx,
					    struct mapistore_attachment **att, uint32_t *attach_num);
enum MAPISTATUS mapistore_attachment_open(struct mapistore_message *msg, TALLOC_CTX *mem_ctx,
					  uint32_t attach_num, uint8_t open_mode,
					  struct mapistore_attachment **att);
enum MAPISTATUS mapistore_attachment_delete(struct mapistore_message *msg, uint32_t attach_num);
/* Save the attachment into its message (in memory, MS-OXCMSG 3.2.5.5). */
enum MAPISTATUS mapistore_attachment_save(struct mapistore_attachment *att);
/* The PidTagAttachNumber values of the message's attachments (RopGetValidAttachments). */
enum MAPISTATUS mapistore_message_attachment_nums(struct mapistore_message *msg,
						  TALLOC_CTX *mem_ctx, uint32_t *count,
						  uint32_t **nums);
/* The attachment table's rows, in attach number order, with columns tags. */
enum MAPISTATUS mapistore_message_attachment_rows(struct mapistore_message *msg,
						  TALLOC_CTX *mem_ctx, uint16_t ncols,
						  const uint32_t *tags, uint32_t *count,
						  struct mapi_property_row **rows);
enum MAPISTATUS mapistore_attachment_get_props(struct mapistore_attachment *att,
					       TALLOC_CTX *mem_ctx, uint16_t count,
					       const uint32_t *tags,
					       struct mapi_flagged_propval *values);
enum MAPISTATUS mapistore_attachment_get_all(struct mapistore_attachment *att, TALLOC_CTX *mem_ctx,
					     uint16_t *count, struct mapi_propval **values);
enum MAPISTATUS mapistore_attachment_get_list(struct mapistore_attachment *att, TALLOC_CTX *mem_ctx,
					      uint16_t *count, uint32_t **tags);
enum MAPISTATUS mapistore_attachment_set_props(struct mapistore_attachment *att, uint16_t count,
					       const struct mapi_propval *values,
					       TALLOC_CTX *mem_ctx,
					       struct mapistore_problems *problems);
enum MAPISTATUS mapistore_attachment_delete_props(struct mapistore_attachment *att,
						  uint16_t count, const uint32_t *tags,
						  TALLOC_CTX *mem_ctx,
						  struct mapistore_problems *problems);
/*
 * The embedded message of an attachment (RopOpenEmbeddedMessage, MS-OXCMSG
 * 2.2.3.16); with create, a new one when there is none (sets
 * PidTagAttachMethod to afEmbeddedMessage).
 */
enum MAPISTATUS mapistore_attachment_open_embedded(struct mapistore_attachment *att,
						   TALLOC_CTX *mem_ctx, uint8_t open_mode,
						   bool create, struct mapistore_message **msg);

/* --- streams (MS-OXCPRPT 2.2.14 to 2.2.22) ---------------------------------- */

/* OpenModeFlags of RopOpenStream (MS-OXCPRPT 2.2.14.1). */
#define MAPISTORE_STREAM_READ_ONLY 0x00
#define MAPISTORE_STREAM_READ_WRITE 0x01
#define MAPISTORE_STREAM_CREATE 0x02

enum mapistore_seek_origin {
	MAPISTORE_SEEK_SET = 0,
	MAPISTORE_SEEK_CUR = 1,
	MAPISTORE_SEEK_END = 2,
};

/*
 * A stream on a PtypBinary, PtypString8 or PtypString property (PtypString
 * streams carry UTF-16LE, as on the wire) of a folder, message or
 * attachment: exactly one of the three is non-NULL. Writes land in memory;
 * mapistore_stream_commit() puts the value into the object: for a message
 * or attachment that is its in-memory state (saved with the message), for a
 * folder the database. Freeing a stream commits nothing (the ROP layer
 * commits on RopRelease where MS-OXCPRPT asks it to). MAPI_E_NOT_FOUND:
 * READ_ONLY/READ_WRITE on an absent property; MAPI_E_NO_SUPPORT: another
 * property type; writes to a read-only stream: MAPI_E_STORAGE_ACCESS_DENIED.
 */
enum MAPISTATUS mapistore_stream_open(TALLOC_CTX *mem_ctx, struct mapistore_folder *folder,
				      struct mapistore_message *msg,
				      struct mapistore_attachment *att, uint32_t tag,
				      uint8_t open_mode, struct mapistore_stream **stream);
enum MAPISTATUS mapistore_stream_read(struct mapistore_stream *stream, uint8_t *buf,
				      uint32_t size, uint32_t *read);
enum MAPISTATUS mapistore_stream_write(struct mapistore_stream *stream, const uint8_t *buf,
				       uint32_t size, uint32_t *written);
enum MAPISTATUS mapistore_stream_seek(struct mapistore_stream *stream,
				      enum mapistore_seek_origin origin, int64_t offset,
				      uint64_t *new_position);
enum MAPISTATUS mapistore_stream_set_size(struct mapistore_stream *stream, uint64_t size);
uint64_t mapistore_stream_size(const struct mapistore_stream *stream);
enum MAPISTATUS mapistore_stream_commit(struct mapistore_stream *stream);

/* --- tables (MS-OXCTABL) ----------------------------------------------------- */

enum mapistore_table_type {
	MAPISTORE_TABLE_HIERARCHY,	/* subfolders of a folder */
	MAPISTORE_TABLE_CONTENTS,	/* normal messages */
	MAPISTORE_TABLE_ASSOCIATED,	/* folder associated information */
};

/* TableFlags (MS-OXCFOLD 2.2.1.13.1): the hierarchy table's Depth flag. */
#define MAPISTORE_TABLE_DEPTH 0x04
/* Table flags of our own: a soft-deleted contents table. */
#define MAPISTORE_TABLE_SOFT_DELETES 0x20

/* Bookmarks of SeekRow/SeekRowBookmark (MS-OXCTABL 2.2.2.12.1). */
enum mapistore_bookmark_origin {
	MAPISTORE_BOOKMARK_BEGINNING = 0,
	MAPISTORE_BOOKMARK_CURRENT = 1,
	MAPISTORE_BOOKMARK_END = 2,
};

enum MAPISTATUS mapistore_table_open(struct mapistore_folder *folder, TALLOC_CTX *mem_ctx,
				     enum mapistore_table_type type, uint32_t flags,
				     struct mapistore_table **table);
/* Columns of the rows QueryRows returns (RopSetColumns). */
enum MAPISTATUS mapistore_table_set_columns(struct mapistore_table *table, uint16_t count,
					    const uint32_t *tags);
/* Sort (RopSortTable); keys in order; a NULL/empty set restores the default order. */
enum MAPISTATUS mapistore_table_sort(struct mapistore_table *table,
				     const struct mapi_sort_order_set *sorts);
/* Restrict (RopRestrict); NULL removes the restriction. The table keeps a copy. */
enum MAPISTATUS mapistore_table_restrict(struct mapistore_table *table,
					 const struct mapi_restriction *res);
/* The number of rows and the cursor position (RopQueryPosition). */
enum MAPISTATUS mapistore_table_position(struct mapistore_table *table, uint32_t *position,
					 uint32_t *row_count);
/*
 * Up to max rows from the cursor, forward or backward (RopQueryRows); the
 * cursor moves unless no_advance. Values larger than
 * MAPISTORE_MAX_INLINE_VALUE come back as ERROR MAPI_E_NOT_ENOUGH_MEMORY.
 * rows[i] (flagged rows) and the ids of the rows' objects (optional).
 */
enum MAPISTATUS mapistore_table_query_rows(struct mapistore_table *table, TALLOC_CTX *mem_ctx,
					   uint32_t max, bool forward, bool no_advance,
					   uint32_t *count, struct mapi_property_row **rows,
					   uint64_t **ids);
/* Move the cursor by count rows from origin; *moved is what it really moved (RopSeekRow). */
enum MAPISTATUS mapistore_table_seek(struct mapistore_table *table,
				     enum mapistore_bookmark_origin origin, int32_t count,
				     int32_t *moved);
/* Position at numerator/denominator of the rows (RopSeekRowFractional). */
enum MAPISTATUS mapistore_table_seek_fraction(struct mapistore_table *table, uint32_t numerator,
					      uint32_t denominator);
/* Bookmarks (RopCreateBookmark / SeekRowBookmark / FreeBookmark). */
enum MAPISTATUS mapistore_table_bookmark_create(struct mapistore_table *table, uint32_t *bookmark);
enum MAPISTATUS mapistore_table_bookmark_seek(struct mapistore_table *table, uint32_t bookmark,
					      int32_t count, bool *row_no_longer_visible,
					      int32_t *moved);
enum MAPISTATUS mapistore_table_bookmark_free(struct mapistore_table *table, uint32_t bookmark);
/*
 * The first row from the cursor (or origin) matching res, forward or
 * backward (RopFindRow); the cursor moves there. MAPI_E_NOT_FOUND if none.
 */
enum MAPISTATUS mapistore_table_find_row(struct mapistore_table *table,
					 const struct mapi_restriction *res,
					 enum mapistore_bookmark_origin origin, bool backward,
					 uint32_t *position);
/* Every property tag any row has (RopQueryColumnsAll). */
enum MAPISTATUS mapistore_table_columns_all(struct mapistore_table *table, TALLOC_CTX *mem_ctx,
					    uint16_t *count, uint32_t **tags);
/* Forget the columns, sort and restriction (RopResetTable). */
enum MAPISTATUS mapistore_table_reset(struct mapistore_table *table);
/* Whether the table's folder changed since the rows were read (re-read at the next call). */
bool mapistore_table_stale(struct mapistore_table *table);

/* --- evaluation helpers shared by backends and the table layer -------------- */

/* A property bag as a backend hands it over: values owned by the bag. */
struct mapistore_propbag;
/* Whether res holds for the object whose properties getter returns. */
typedef bool (*mapistore_prop_getter)(void *obj, uint32_t tag, const struct mapi_propval **value);
typedef bool (*mapistore_subobject_fn)(void *obj, uint32_t subobject,
				       const struct mapi_restriction *res);
/*
 * A Count restriction (MS-OXCDATA 2.12.12) holds for the first Count rows
 * its subrestriction matches: that needs memory across the rows of one
 * pass, kept here (zero it before a pass; NULL: Count acts as its
 * subrestriction).
 */
#define MAPISTORE_COUNT_SLOTS 8
struct mapistore_count_state {
	uint32_t used;
	struct { const struct mapi_restriction *res; uint32_t matched; } slots[MAPISTORE_COUNT_SLOTS];
};
bool mapistore_restriction_eval(const struct mapi_restriction *res, mapistore_prop_getter get,
				mapistore_subobject_fn sub, void *obj,
				struct mapistore_count_state *state);
/* Compare two values of the same type (<0, 0, >0); strings case-insensitively. */
int mapistore_propval_compare(const struct mapi_propval *a, const struct mapi_propval *b);
/* A deep copy of src under mem_ctx. */
enum MAPISTATUS mapistore_propval_copy(TALLOC_CTX *mem_ctx, const struct mapi_propval *src,
				       struct mapi_propval *dst);

#endif
