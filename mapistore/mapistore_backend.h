/*
 * mapistore internals: the backend vtable and the records it stores.
 *
 * The split (after Dovecot's lib-storage): the front end (mapistore.c,
 * mapistore_message.c, mapistore_table.c) implements MAPI object semantics
 * once -- in-memory message editing, save flags and conflicts, change
 * numbers and PCLs, computed properties, streams, table cursors, restriction
 * evaluation -- and a backend stores records: mailbox identity, folders,
 * messages with recipients and attachments, named properties, receive
 * folders, and answers table queries as far as it can (sqlite3 in SQL, with
 * indexes). Every write the front end makes happens between begin() and
 * commit(): one transaction per committing operation.
 *
 * Copyright (C) OpenChange developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef MAPISTORE_BACKEND_H
#define MAPISTORE_BACKEND_H

#include "mapistore/mapistore.h"

/* --- property bags and their stored form (mapistore_props.c) ----------------- */

struct mapistore_propbag {
	uint32_t count;
	uint32_t alloc;
	struct mapi_propval *props;
	void **holders;		/* holders[i] owns props[i]'s data; children of the bag */
};

struct mapistore_propbag *mapistore_propbag_new(TALLOC_CTX *mem_ctx);
struct mapistore_propbag *mapistore_propbag_dup(TALLOC_CTX *mem_ctx,
						const struct mapistore_propbag *bag);
/*
 * The stored value for tag: the exact tag, or the same id with any type when
 * tag's type is PtypUnspecified, and PtypString/PtypString8 stand for each
 * other (both are UTF-8 or 8-bit bytes we keep as given).
 */
const struct mapi_propval *mapistore_propbag_find(const struct mapistore_propbag *bag,
						  uint32_t tag);
/* Set a deep copy of pv, replacing a value of the same id. */
enum MAPISTATUS mapistore_propbag_set(struct mapistore_propbag *bag, const struct mapi_propval *pv);
/* Remove the value of tag's id; false if there was none. */
bool mapistore_propbag_delete(struct mapistore_propbag *bag, uint32_t tag);
/* The number of values of a multi-valued value (0 otherwise), and value i as a single value sharing its memory. */
uint32_t mapistore_mv_count(const struct mapi_propval *mv);
bool mapistore_mv_element(const struct mapi_propval *mv, uint32_t i, struct mapi_propval *out);
/* The approximate stored size of a value (PidTagMessageSize, Size restrictions). */
uint32_t mapistore_propval_size(const struct mapi_propval *pv);

/*
 * Stored form of a bag: entries of tag (4 bytes LE), length (4 bytes LE; the
 * top bit set when the value is kept outside, in an external record, and
 * the length is then the value's size) and the value. Scalar values are
 * their little-endian bytes, strings their UTF-8 bytes without terminator,
 * binaries and GUIDs their bytes; multi-valued and structured values
 * (restrictions, rule actions) their MS-OXCDATA 2.11.1 encoding.
 * Values longer than inline_max go to *externals (NULL if none) for the
 * backend to store beside the record.
 */
#define MAPISTORE_EXTERNAL_FLAG 0x80000000u
struct mapistore_external {
	uint32_t tag;
	uint8_t *data;
	uint32_t len;
};
enum MAPISTATUS mapistore_propbag_encode(TALLOC_CTX *mem_ctx, const struct mapistore_propbag *bag,
					 uint32_t inline_max, uint8_t **blob, size_t *blob_len,
					 uint32_t *external_count,
					 struct mapistore_external **externals);
/* Decode one value's stored bytes. */
enum MAPISTATUS mapistore_value_decode(TALLOC_CTX *mem_ctx, uint32_t tag, const uint8_t *data,
				       uint32_t len, struct mapi_propval *out);
/* Encode one value (the part of an entry after its length). */
enum MAPISTATUS mapistore_value_encode(TALLOC_CTX *mem_ctx, const struct mapi_propval *pv,
				       uint8_t **data, uint32_t *len);
/* Walk a blob: entry i's tag, whether external, and its bytes. */
struct mapistore_blob_entry {
	uint32_t tag;
	bool external;
	uint32_t len;
	const uint8_t *data;	/* NULL when external */
};
/* The next entry at *offset; false at the end or on a malformed blob. */
bool mapistore_blob_next(const uint8_t *blob, size_t blob_len, size_t *offset,
			 struct mapistore_blob_entry *entry);
/* Find the entry of tag (same matching rules as mapistore_propbag_find). */
bool mapistore_blob_find(const uint8_t *blob, size_t blob_len, uint32_t tag,
			 struct mapistore_blob_entry *entry);

/* --- records ------------------------------------------------------------------ */

/* Which list of its folder a message belongs to. */
enum mapistore_message_list {
	MAPISTORE_LIST_NORMAL = 0,
	MAPISTORE_LIST_ASSOCIATED = 1,
	MAPISTORE_LIST_DELETED = 2,		/* soft-deleted normal message */
	MAPISTORE_LIST_DELETED_ASSOCIATED = 3,
	MAPISTORE_LIST_EMBEDDED = 4,		/* inside an attachment */
};

struct mapistore_mailbox_info {
	uint16_t replica_id;
	uint8_t replica_guid[16];
	uint8_t mailbox_guid[16];
	uint64_t special[MAPISTORE_SPECIAL_FOLDER_COUNT];	/* 0: none */
};

struct mapistore_folder_record {
	uint64_t fid;
	uint64_t parent_fid;	/* 0 for the root */
	uint64_t cn;		/* change number (an id of the global counter) */
	uint32_t folder_type;
	char *name;		/* PidTagDisplayName, also in props */
	struct mapistore_propbag *props;	/* stored properties only */
};

struct mapistore_message_record;

struct mapistore_attach_record {
	uint32_t num;
	int64_t db_id;		/* 0 until stored */
	uint32_t size;		/* stored size, known without loading */
	struct mapistore_propbag *props;	/* NULL until loaded */
	struct mapistore_message_record *embedded;	/* NULL: none or not loaded */
	bool loaded;
	bool dirty;		/* props or embedded changed since load */
	bool deleted;
};

struct mapistore_message_record {
	uint64_t mid;
	uint64_t fid;		/* 0 for an embedded message */
	uint8_t list;		/* enum mapistore_message_list */
	uint64_t cn;		/* 0: never saved */
	bool in_store;		/* a row with this MID may exist (loaded or stored once) */
	uint32_t message_flags;
	uint32_t message_size;
	struct mapistore_propbag *props;	/* stored properties (not flags, ids, size) */
	uint32_t recipient_count;
	struct mapistore_recipient *recipients;
	bool recipients_dirty;
	uint32_t attach_count;
	struct mapistore_attach_record *attachments;
	uint32_t next_attach_num;
};

enum mapistore_object_kind {
	MAPISTORE_OBJECT_FOLDER,
	MAPISTORE_OBJECT_MESSAGE,
	MAPISTORE_OBJECT_ATTACHMENT,
};

/* A table row as the backend reads it, before columns are picked. */
struct mapistore_row_source {
	uint64_t id;		/* FID or MID */
	uint64_t parent;	/* parent folder or containing folder */
	uint64_t cn;
	uint8_t list;
	uint32_t message_flags;
	uint32_t message_size;
	uint32_t folder_type;
	const uint8_t *blob;
	size_t blob_len;
};

struct mapistore_folder_counts {
	uint32_t content;
	uint32_t unread;
	uint32_t associated;
	uint32_t deleted;
	uint32_t children;
	uint64_t size;
};

/* What a table asks the backend for. */
struct mapistore_table_query {
	enum mapistore_table_type type;
	uint64_t fid;
	uint32_t flags;
	const struct mapi_restriction *restriction;	/* NULL: all rows */
	const struct mapi_sort_order_set *sorts;	/* NULL: default order */
};

/* --- the vtable ---------------------------------------------------------------- */

struct mapistore_backend {
	const char *scheme;	/* "sqlite3" for "sqlite3:///path" */

	/* Allocate the backend's context (which embeds struct mapistore_context first); *error as mapistore_open's. */
	enum MAPISTATUS (*open)(TALLOC_CTX *mem_ctx, const char *path, uint32_t flags,
				struct mapistore_context **ctx, char **error);

	/* One durable transaction; begin fails with MAPI_E_BUSY if another writer holds it too long. */
	enum MAPISTATUS (*begin)(struct mapistore_context *ctx);
	enum MAPISTATUS (*commit)(struct mapistore_context *ctx);
	void (*rollback)(struct mapistore_context *ctx);
	/*
	 * A read snapshot around many reads (a QueryRows of 1,000 rows): one
	 * read transaction instead of one per statement. Not used inside a
	 * write transaction.
	 */
	enum MAPISTATUS (*read_begin)(struct mapistore_context *ctx);
	void (*read_end)(struct mapistore_context *ctx);
	/* An operation inside a batch (mapistore_batch_begin): a savepoint of the open transaction. */
	enum MAPISTATUS (*savepoint)(struct mapistore_context *ctx);
	enum MAPISTATUS (*release)(struct mapistore_context *ctx);
	void (*rollback_savepoint)(struct mapistore_context *ctx);

	/* Mailbox identity; MAPI_E_NOT_FOUND before mailbox creation. */
	enum MAPISTATUS (*mailbox_load)(struct mapistore_context *ctx,
					struct mapistore_mailbox_info *info);
	enum MAPISTATUS (*mailbox_store)(struct mapistore_context *ctx,
					 const struct mapistore_mailbox_info *info);
	/* Reserve count values of the global counter (in the open transaction). */
	enum MAPISTATUS (*globcnt_reserve)(struct mapistore_context *ctx, uint64_t count,
					   uint64_t *first);

	/* Folders. insert/update: MAPI_E_COLLISION for a sibling of the same name. */
	enum MAPISTATUS (*folder_load)(struct mapistore_context *ctx, TALLOC_CTX *mem_ctx,
				       uint64_t fid, struct mapistore_folder_record **rec);
	enum MAPISTATUS (*folder_insert)(struct mapistore_context *ctx,
					 const struct mapistore_folder_record *rec);
	enum MAPISTATUS (*folder_update)(struct mapistore_context *ctx,
					 const struct mapistore_folder_record *rec);
	enum MAPISTATUS (*folder_remove)(struct mapistore_context *ctx, uint64_t fid);
	enum MAPISTATUS (*folder_find_child)(struct mapistore_context *ctx, uint64_t parent,
					     const char *name, uint64_t *fid);
	enum MAPISTATUS (*folder_children)(struct mapistore_context *ctx, TALLOC_CTX *mem_ctx,
					   uint64_t fid, uint32_t *count, uint64_t **fids);
	enum MAPISTATUS (*folder_counts)(struct mapistore_context *ctx, uint64_t fid,
					 struct mapistore_folder_counts *counts);
	/* Bump the version (tables' change counter) of the folder and of that many ancestors. */
	enum MAPISTATUS (*folder_touch)(struct mapistore_context *ctx, uint64_t fid, uint32_t ancestors);
	enum MAPISTATUS (*folder_version)(struct mapistore_context *ctx, uint64_t fid,
					  uint64_t *version);

	/* Messages: props, recipients and the attachment list (attachments not loaded). */
	enum MAPISTATUS (*message_load)(struct mapistore_context *ctx, TALLOC_CTX *mem_ctx,
					uint64_t mid, struct mapistore_message_record **rec);
	/* An attachment's properties and embedded message, into att (db_id set). */
	enum MAPISTATUS (*attachment_load)(struct mapistore_context *ctx, TALLOC_CTX *mem_ctx,
					   struct mapistore_attach_record *att);
	/* Insert or replace the message; writes recipients when dirty, dirty/deleted attachments. */
	enum MAPISTATUS (*message_store)(struct mapistore_context *ctx,
					 struct mapistore_message_record *rec);
	enum MAPISTATUS (*message_remove)(struct mapistore_context *ctx, uint64_t mid);
	/* Where a message is: MAPI_E_NOT_FOUND if nowhere. */
	enum MAPISTATUS (*message_state)(struct mapistore_context *ctx, uint64_t mid,
					 uint64_t *fid, uint8_t *list, uint64_t *cn,
					 uint32_t *message_flags);
	enum MAPISTATUS (*message_relocate)(struct mapistore_context *ctx, uint64_t mid,
					    uint64_t fid, uint8_t list);
	enum MAPISTATUS (*message_set_flags)(struct mapistore_context *ctx, uint64_t mid,
					     uint32_t message_flags);
	enum MAPISTATUS (*message_list)(struct mapistore_context *ctx, TALLOC_CTX *mem_ctx,
					uint64_t fid, uint8_t list, uint32_t *count,
					uint64_t **mids);

	/* Named properties: MAPI_E_NOT_FOUND when unmapped. */
	enum MAPISTATUS (*named_lookup)(struct mapistore_context *ctx,
					const struct mapistore_named_prop *name, uint16_t *id);
	enum MAPISTATUS (*named_insert)(struct mapistore_context *ctx,
					const struct mapistore_named_prop *name, uint16_t *id);
	enum MAPISTATUS (*named_get)(struct mapistore_context *ctx, TALLOC_CTX *mem_ctx,
				     uint16_t id, struct mapistore_named_prop *name);
	enum MAPISTATUS (*named_all)(struct mapistore_context *ctx, TALLOC_CTX *mem_ctx,
				     uint32_t *count, uint16_t **ids,
				     struct mapistore_named_prop **names);

	/* Receive folders (fid 0 removes). */
	enum MAPISTATUS (*receive_list)(struct mapistore_context *ctx, TALLOC_CTX *mem_ctx,
					uint32_t *count, struct mapistore_receive_folder **entries);
	enum MAPISTATUS (*receive_set)(struct mapistore_context *ctx, const char *message_class,
				       uint64_t fid, uint64_t now);

	/* Registered foreign replicas (the mailbox's own is not in it). */
	enum MAPISTATUS (*replica_by_guid)(struct mapistore_context *ctx, const uint8_t *guid,
					   uint16_t *replid);
	enum MAPISTATUS (*replica_by_id)(struct mapistore_context *ctx, uint16_t replid,
					 uint8_t *guid);
	enum MAPISTATUS (*replica_add)(struct mapistore_context *ctx, const uint8_t *guid,
				       uint16_t *replid);

	/* Per-user data of public folders (mapistore_per_user_*). */
	enum MAPISTATUS (*per_user_get)(struct mapistore_context *ctx, TALLOC_CTX *mem_ctx,
					const uint8_t *ltid, uint8_t *replguid, uint8_t **data,
					uint32_t *len);
	enum MAPISTATUS (*per_user_set)(struct mapistore_context *ctx, const uint8_t *ltid,
					const uint8_t *replguid, const uint8_t *data, uint32_t len);
	enum MAPISTATUS (*per_user_list)(struct mapistore_context *ctx, TALLOC_CTX *mem_ctx,
					 const uint8_t *replguid, uint32_t *count, uint8_t **ltids);

	/* Tombstones: what left a folder, with the change number of its leaving (for ICS). */
	enum MAPISTATUS (*tombstone_add)(struct mapistore_context *ctx,
					 const struct mapistore_tombstone *t);
	enum MAPISTATUS (*tombstone_list)(struct mapistore_context *ctx, TALLOC_CTX *mem_ctx,
					  uint64_t fid, uint32_t *count,
					  struct mapistore_tombstone **entries);

	/*
	 * The ids of a table's rows. The backend applies what it can of the
	 * restriction and sort; *residual is the part of the restriction left
	 * for the caller to evaluate (NULL: none; it may point into q's), and
	 * *sorted tells whether the ids are already in q->sorts order.
	 */
	enum MAPISTATUS (*table_ids)(struct mapistore_context *ctx, TALLOC_CTX *mem_ctx,
				     const struct mapistore_table_query *q, uint32_t *count,
				     uint64_t **ids, const struct mapi_restriction **residual,
				     bool *sorted);
	/* One row's stored state; blob valid until the next row_fetch on ctx. */
	enum MAPISTATUS (*row_fetch)(struct mapistore_context *ctx, enum mapistore_table_type type,
				     uint64_t id, struct mapistore_row_source *src);
	/* A large value of an object (one mapistore_propbag_encode set apart). */
	enum MAPISTATUS (*external_load)(struct mapistore_context *ctx, TALLOC_CTX *mem_ctx,
					 enum mapistore_object_kind kind, uint64_t id, uint32_t tag,
					 uint8_t **data, uint32_t *len);
};

/* The part of every context the front end owns; a backend's context embeds it first. */
struct mapistore_context {
	const struct mapistore_backend *backend;
	struct mapistore_mailbox_info info;
	bool have_info;
	bool in_transaction;
	char *last_error;
	/* ids reserved from the global counter and not handed out yet */
	uint64_t id_next;
	uint64_t id_end;
	/* events of the open transaction, delivered after commit */
	struct mapistore_event *events;
	uint32_t event_count;
	mapistore_event_fn event_fn;
	void *event_data;
	bool reserved_in_txn;	/* the id block came from the open transaction */
	/* a batch: one transaction, each operation a savepoint in it */
	bool in_batch;
	bool in_snapshot;	/* a read snapshot of a table operation is open */
	bool reserved_in_batch;
	uint32_t batch_event_mark;	/* events of the batch before the current operation */
};

void mapistore_set_error(struct mapistore_context *ctx, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Front-end helpers shared between its files. */
enum MAPISTATUS mapistore_begin(struct mapistore_context *ctx);
enum MAPISTATUS mapistore_commit(struct mapistore_context *ctx);
void mapistore_rollback(struct mapistore_context *ctx);
void mapistore_queue_event(struct mapistore_context *ctx, enum mapistore_event_type type,
			   uint64_t fid, uint64_t mid, uint64_t old_fid);
/* One id of the counter inside the open transaction. */
enum MAPISTATUS mapistore_next_id(struct mapistore_context *ctx, uint64_t *id);
uint64_t mapistore_now(void);	/* FILETIME */
enum MAPISTATUS mapistore_load_info(struct mapistore_context *ctx);

/* Computed properties (ids, counts, entry IDs, source keys) of folders and messages. */
bool mapistore_computed_folder_prop(struct mapistore_context *ctx, TALLOC_CTX *mem_ctx,
				    const struct mapistore_row_source *src, uint32_t tag,
				    struct mapi_propval *out);
bool mapistore_computed_message_prop(struct mapistore_context *ctx, TALLOC_CTX *mem_ctx,
				     const struct mapistore_row_source *src, bool has_attach,
				     uint32_t tag, struct mapi_propval *out);
/* Whether a client may set tag (computed and store-maintained ones are refused). */
bool mapistore_prop_is_readonly(uint32_t tag);

/* Change key (an XID of the CN) and the PCL with it merged in (MS-OXCFXICS 2.2.2.2, 2.2.2.3). */
enum MAPISTATUS mapistore_stamp_change(struct mapistore_context *ctx,
				       struct mapistore_propbag *props, uint64_t cn, bool created);

/* The built-in backends. */
extern const struct mapistore_backend mapistore_backend_sqlite3;

#endif
