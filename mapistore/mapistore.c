/*
 * mapistore front end: contexts and backends, the mailbox and its special
 * folders, ids and change numbers, folders, named properties, receive
 * folders.
 *
 * Copyright (C) OpenChange developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include "mapistore/mapistore_private.h"

/* --- backends ------------------------------------------------------------------------ */

#define MAX_BACKENDS 8
static const struct mapistore_backend *backends[MAX_BACKENDS] = { &mapistore_backend_sqlite3 };

enum MAPISTATUS mapistore_backend_register(const struct mapistore_backend *backend)
{
	if (backend == NULL || backend->scheme == NULL || backend->open == NULL)
		return MAPI_E_INVALID_PARAMETER;
	for (int i = 0; i < MAX_BACKENDS; i++) {
		if (backends[i] && strcmp(backends[i]->scheme, backend->scheme) == 0)
			return MAPI_E_COLLISION;
		if (backends[i] == NULL) {
			backends[i] = backend;
			return MAPI_E_SUCCESS;
		}
	}
	return MAPI_E_NOT_ENOUGH_RESOURCES;
}

static const struct mapistore_backend *backend_for(const char *scheme, size_t len)
{
	for (int i = 0; i < MAX_BACKENDS && backends[i]; i++)
		if (strlen(backends[i]->scheme) == len && strncmp(backends[i]->scheme, scheme, len) == 0)
			return backends[i];
	return NULL;
}

void mapistore_set_error(struct mapistore_context *ctx, const char *fmt, ...)
{
	va_list ap;

	if (ctx == NULL)
		return;
	talloc_free(ctx->last_error);
	va_start(ap, fmt);
	ctx->last_error = talloc_vasprintf(ctx, fmt, ap);
	va_end(ap);
}

const char *mapistore_last_error(struct mapistore_context *ctx)
{
	return ctx && ctx->last_error ? ctx->last_error : "no error";
}

enum MAPISTATUS mapistore_open(TALLOC_CTX *mem_ctx, const char *uri, uint32_t flags,
			       struct mapistore_context **ctx, char **error)
{
	const struct mapistore_backend *backend = &mapistore_backend_sqlite3;
	const char *path = uri, *sep;
	enum MAPISTATUS ret;

	if (uri == NULL || ctx == NULL || (flags & ~MAPISTORE_OPEN_CREATE))
		return MAPI_E_INVALID_PARAMETER;
	sep = strstr(uri, "://");
	if (sep != NULL) {
		backend = backend_for(uri, (size_t)(sep - uri));
		if (backend == NULL) {
			if (error)
				*error = talloc_asprintf(mem_ctx, "no mapistore backend for \"%.*s\"",
							 (int)(sep - uri), uri);
			return MAPI_E_NO_SUPPORT;
		}
		path = sep + 3;
	}
	ret = backend->open(mem_ctx, path, flags, ctx, error);
	if (ret != MAPI_E_SUCCESS)
		return ret;
	(*ctx)->backend = backend;
	/* a mailbox that exists already: learn its identity now */
	ret = mapistore_load_info(*ctx);
	if (ret != MAPI_E_SUCCESS && ret != MAPI_E_NOT_FOUND) {
		if (error)
			*error = talloc_strdup(mem_ctx, mapistore_last_error(*ctx));
		talloc_free(*ctx);
		*ctx = NULL;
		return ret;
	}
	return MAPI_E_SUCCESS;
}

enum MAPISTATUS mapistore_load_info(struct mapistore_context *ctx)
{
	enum MAPISTATUS ret;

	if (ctx->have_info)
		return MAPI_E_SUCCESS;
	ret = ctx->backend->mailbox_load(ctx, &ctx->info);
	if (ret == MAPI_E_SUCCESS)
		ctx->have_info = true;
	return ret;
}

void mapistore_set_event_hook(struct mapistore_context *ctx, mapistore_event_fn fn,
			      void *private_data)
{
	ctx->event_fn = fn;
	ctx->event_data = private_data;
}

/* --- transactions and events ------------------------------------------------------------ */

enum MAPISTATUS mapistore_begin(struct mapistore_context *ctx)
{
	enum MAPISTATUS ret;

	if (ctx->in_transaction)
		return MAPI_E_CALL_FAILED;
	ret = ctx->in_batch ? ctx->backend->savepoint(ctx) : ctx->backend->begin(ctx);
	if (ret != MAPI_E_SUCCESS)
		return ret;
	ctx->in_transaction = true;
	if (ctx->in_batch)
		ctx->batch_event_mark = ctx->event_count;
	else
		ctx->event_count = 0;
	ctx->reserved_in_txn = false;
	return MAPI_E_SUCCESS;
}

void mapistore_rollback(struct mapistore_context *ctx)
{
	if (!ctx->in_transaction)
		return;
	if (ctx->in_batch) {
		ctx->backend->rollback_savepoint(ctx);
		ctx->event_count = ctx->batch_event_mark;
	} else {
		ctx->backend->rollback(ctx);
		ctx->event_count = 0;
	}
	ctx->in_transaction = false;
	/* ids reserved inside the rolled-back transaction were never durable */
	if (ctx->reserved_in_txn)
		ctx->id_next = ctx->id_end = 0;
}

static void deliver_events(struct mapistore_context *ctx)
{
	uint32_t n = ctx->event_count;

	ctx->event_count = 0;
	for (uint32_t i = 0; ctx->event_fn && i < n; i++)
		ctx->event_fn(ctx->event_data, &ctx->events[i]);
}

enum MAPISTATUS mapistore_commit(struct mapistore_context *ctx)
{
	enum MAPISTATUS ret;

	ret = ctx->in_batch ? ctx->backend->release(ctx) : ctx->backend->commit(ctx);
	if (ret != MAPI_E_SUCCESS) {
		mapistore_rollback(ctx);
		return ret;
	}
	ctx->in_transaction = false;
	if (ctx->in_batch) {
		ctx->reserved_in_batch |= ctx->reserved_in_txn;
		return MAPI_E_SUCCESS;
	}
	deliver_events(ctx);
	return MAPI_E_SUCCESS;
}

enum MAPISTATUS mapistore_batch_begin(struct mapistore_context *ctx)
{
	enum MAPISTATUS ret;

	if (ctx == NULL)
		return MAPI_E_INVALID_PARAMETER;
	if (ctx->in_batch || ctx->in_transaction)
		return MAPI_E_CALL_FAILED;
	ret = ctx->backend->begin(ctx);
	if (ret != MAPI_E_SUCCESS)
		return ret;
	ctx->in_batch = true;
	ctx->reserved_in_batch = false;
	ctx->event_count = 0;
	return MAPI_E_SUCCESS;
}

enum MAPISTATUS mapistore_batch_commit(struct mapistore_context *ctx)
{
	enum MAPISTATUS ret;

	if (ctx == NULL || !ctx->in_batch || ctx->in_transaction)
		return ctx ? MAPI_E_CALL_FAILED : MAPI_E_INVALID_PARAMETER;
	ctx->in_batch = false;
	ret = ctx->backend->commit(ctx);
	if (ret != MAPI_E_SUCCESS) {
		ctx->backend->rollback(ctx);
		ctx->event_count = 0;
		if (ctx->reserved_in_batch)
			ctx->id_next = ctx->id_end = 0;
		return ret;
	}
	deliver_events(ctx);
	return MAPI_E_SUCCESS;
}

void mapistore_batch_rollback(struct mapistore_context *ctx)
{
	if (ctx == NULL || !ctx->in_batch || ctx->in_transaction)
		return;
	ctx->in_batch = false;
	ctx->backend->rollback(ctx);
	ctx->event_count = 0;
	if (ctx->reserved_in_batch)
		ctx->id_next = ctx->id_end = 0;
}

/* Roll back on failure, commit on success: the tail of every committing operation. */
enum MAPISTATUS mapistore_finish(struct mapistore_context *ctx, enum MAPISTATUS ret)
{
	if (ret != MAPI_E_SUCCESS) {
		mapistore_rollback(ctx);
		return ret;
	}
	return mapistore_commit(ctx);
}

void mapistore_queue_event(struct mapistore_context *ctx, enum mapistore_event_type type,
			   uint64_t fid, uint64_t mid, uint64_t old_fid)
{
	struct mapistore_event *ev;

	if (ctx->event_fn == NULL)
		return;
	ev = talloc_realloc(ctx, ctx->events, struct mapistore_event, ctx->event_count + 1);
	if (ev == NULL)
		return;
	ctx->events = ev;
	ev[ctx->event_count].type = type;
	ev[ctx->event_count].fid = fid;
	ev[ctx->event_count].mid = mid;
	ev[ctx->event_count].old_fid = old_fid;
	ctx->event_count++;
}

/* --- ids ------------------------------------------------------------------------------ */

/* Ids are reserved in blocks: one durable write per block, not per id. */
#define ID_BLOCK 64

static enum MAPISTATUS make_id(struct mapistore_context *ctx, uint64_t counter, uint64_t *id)
{
	if (oxcdata_id_make(ctx->info.replica_id, counter, id) != WIRE_OK)
		return MAPI_E_NOT_ENOUGH_RESOURCES;
	return MAPI_E_SUCCESS;
}

enum MAPISTATUS mapistore_next_id(struct mapistore_context *ctx, uint64_t *id)
{
	enum MAPISTATUS ret;
	uint64_t first;

	if (!ctx->have_info)
		return MAPI_E_NOT_INITIALIZED;
	if (ctx->id_next == ctx->id_end) {
		bool own = !ctx->in_transaction;

		if (own) {
			ret = mapistore_begin(ctx);
			if (ret != MAPI_E_SUCCESS)
				return ret;
		}
		ret = ctx->backend->globcnt_reserve(ctx, ID_BLOCK, &first);
		if (own)
			ret = mapistore_finish(ctx, ret);
		if (ret != MAPI_E_SUCCESS)
			return ret;
		if (!own)
			ctx->reserved_in_txn = true;
		else if (ctx->in_batch)
			ctx->reserved_in_batch = true;	/* durable only with the batch */
		ctx->id_next = first;
		ctx->id_end = first + ID_BLOCK;
	}
	return make_id(ctx, ctx->id_next++, id);
}

enum MAPISTATUS mapistore_allocate_ids(struct mapistore_context *ctx, uint32_t count,
				       uint64_t *first_id)
{
	enum MAPISTATUS ret;
	uint64_t first;

	if (ctx == NULL || first_id == NULL || count == 0)
		return MAPI_E_INVALID_PARAMETER;
	if (!ctx->have_info)
		return MAPI_E_NOT_INITIALIZED;
	if (count == 1)
		return mapistore_next_id(ctx, first_id);
	/* a range of its own (RopGetLocalReplicaIds-style) */
	ret = mapistore_begin(ctx);
	if (ret != MAPI_E_SUCCESS)
		return ret;
	ret = ctx->backend->globcnt_reserve(ctx, count, &first);
	ret = mapistore_finish(ctx, ret);
	if (ret != MAPI_E_SUCCESS)
		return ret;
	return make_id(ctx, first, first_id);
}

uint64_t mapistore_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	/* FILETIME: 100 ns ticks since 1601-01-01 */
	return ((uint64_t)ts.tv_sec + 11644473600ULL) * 10000000ULL + (uint64_t)ts.tv_nsec / 100;
}

/* --- change keys and PCLs (MS-OXCFXICS 2.2.1.2.7, 2.2.1.2.8, 2.2.2.2, 2.2.2.3) ----------- */

/* An XID of our replica: its GUID and the 6-byte GLOBCNT of id. */
static void make_xid(struct mapistore_context *ctx, uint64_t id, uint8_t xid[22])
{
	memcpy(xid, ctx->info.replica_guid, 16);
	oxcdata_id_globcnt(id, xid + 16);
}

enum MAPISTATUS mapistore_stamp_change(struct mapistore_context *ctx,
				       struct mapistore_propbag *props, uint64_t cn, bool created)
{
	const struct mapi_propval *old_pcl = mapistore_propbag_find(props, TAG_PREDECESSOR_CHANGE_LIST);
	uint8_t xid[22];
	uint8_t *pcl;
	size_t len = 0, off = 0;
	struct mapi_propval pv;
	enum MAPISTATUS ret;
	uint64_t now = mapistore_now();

	make_xid(ctx, cn, xid);
	pv.tag = TAG_CHANGE_KEY;
	pv.value.binary.len = sizeof(xid);
	pv.value.binary.data = xid;
	ret = mapistore_propbag_set(props, &pv);
	if (ret != MAPI_E_SUCCESS)
		return ret;

	/*
	 * The PCL: the SizedXids of the old one, except ours (a namespace
	 * appears once, with its latest change), then our new change key.
	 */
	pcl = talloc_array(NULL, uint8_t, (old_pcl ? old_pcl->value.binary.len : 0) + 1 + sizeof(xid));
	if (pcl == NULL)
		return MAPI_E_NOT_ENOUGH_MEMORY;
	if (old_pcl && MAPI_PROP_TYPE(old_pcl->tag) == PTYP_BINARY) {
		const uint8_t *p = old_pcl->value.binary.data;
		uint32_t plen = old_pcl->value.binary.len;

		while (off < plen) {
			uint8_t size = p[off];

			if (size < 17 || size > 24 || off + 1 + size > plen)
				break;	/* a malformed tail is dropped, not propagated */
			if (memcmp(p + off + 1, ctx->info.replica_guid, 16) != 0) {
				memcpy(pcl + len, p + off, 1 + size);
				len += 1 + size;
			}
			off += 1 + size;
		}
	}
	pcl[len++] = sizeof(xid);
	memcpy(pcl + len, xid, sizeof(xid));
	len += sizeof(xid);
	pv.tag = TAG_PREDECESSOR_CHANGE_LIST;
	pv.value.binary.len = (uint32_t)len;
	pv.value.binary.data = pcl;
	ret = mapistore_propbag_set(props, &pv);
	talloc_free(pcl);
	if (ret != MAPI_E_SUCCESS)
		return ret;

	pv.tag = TAG_LAST_MODIFICATION_TIME;
	pv.value.time = now;
	ret = mapistore_propbag_set(props, &pv);
	if (ret == MAPI_E_SUCCESS && created && !mapistore_propbag_find(props, TAG_CREATION_TIME)) {
		pv.tag = TAG_CREATION_TIME;
		ret = mapistore_propbag_set(props, &pv);
	}
	return ret;
}

/* --- computed properties ------------------------------------------------------------------ */

static bool binary_out(TALLOC_CTX *mem_ctx, struct oxcdata_push *push, uint32_t tag,
		       struct mapi_propval *out)
{
	out->tag = tag;
	out->value.binary.len = (uint32_t)push->len;
	out->value.binary.data = talloc_steal(mem_ctx, push->data);
	return push->data != NULL;
}

static bool folder_entryid(struct mapistore_context *ctx, TALLOC_CTX *mem_ctx, uint64_t fid,
			   uint32_t tag, struct mapi_propval *out)
{
	struct mapi_folder_entryid eid;
	struct oxcdata_push push;

	memcpy(eid.provider_uid, ctx->info.mailbox_guid, 16);
	eid.folder_type = MAPI_EIT_PRIVATE_FOLDER;
	memcpy(eid.folder.database_guid, ctx->info.replica_guid, 16);
	oxcdata_id_globcnt(fid, eid.folder.global_counter);
	oxcdata_push_init(&push, mem_ctx);
	if (oxcdata_folder_entryid_push(&push, &eid) != WIRE_OK)
		return false;
	return binary_out(mem_ctx, &push, tag, out);
}

static bool message_entryid(struct mapistore_context *ctx, TALLOC_CTX *mem_ctx, uint64_t fid,
			    uint64_t mid, uint32_t tag, struct mapi_propval *out)
{
	struct mapi_message_entryid eid;
	struct oxcdata_push push;

	memcpy(eid.provider_uid, ctx->info.mailbox_guid, 16);
	eid.message_type = MAPI_EIT_PRIVATE_MESSAGE;
	memcpy(eid.folder.database_guid, ctx->info.replica_guid, 16);
	oxcdata_id_globcnt(fid, eid.folder.global_counter);
	memcpy(eid.message.database_guid, ctx->info.replica_guid, 16);
	oxcdata_id_globcnt(mid, eid.message.global_counter);
	oxcdata_push_init(&push, mem_ctx);
	if (oxcdata_message_entryid_push(&push, &eid) != WIRE_OK)
		return false;
	return binary_out(mem_ctx, &push, tag, out);
}

/* PidTagSourceKey: the XID of the object's id (MS-OXCFXICS 2.2.1.2.5). */
static bool source_key(struct mapistore_context *ctx, TALLOC_CTX *mem_ctx, uint64_t id,
		       uint32_t tag, struct mapi_propval *out)
{
	uint8_t *xid = talloc_array(mem_ctx, uint8_t, 22);

	if (xid == NULL)
		return false;
	make_xid(ctx, id, xid);
	out->tag = tag;
	out->value.binary.len = 22;
	out->value.binary.data = xid;
	return true;
}

#define SET_I64(t, v) do { out->tag = (t); out->value.i64 = (v); return true; } while (0)
#define SET_I32(t, v) do { out->tag = (t); out->value.i32 = (uint32_t)(v); return true; } while (0)
#define SET_BOOL(t, v) do { out->tag = (t); out->value.boolean = (v) ? 1 : 0; return true; } while (0)

static bool same_prop(uint32_t tag, uint32_t wanted)
{
	return MAPI_PROP_ID(tag) == MAPI_PROP_ID(wanted) &&
	       (MAPI_PROP_TYPE(wanted) == PTYP_UNSPECIFIED || MAPI_PROP_TYPE(wanted) == MAPI_PROP_TYPE(tag));
}

bool mapistore_computed_folder_prop(struct mapistore_context *ctx, TALLOC_CTX *mem_ctx,
				    const struct mapistore_row_source *src, uint32_t tag,
				    struct mapi_propval *out)
{
	static const uint32_t count_tags[] = {
		TAG_CONTENT_COUNT, TAG_CONTENT_UNREAD_COUNT, TAG_ASSOCIATED_CONTENT_COUNT,
		TAG_FOLDER_CHILD_COUNT, TAG_SUBFOLDERS, TAG_DELETED_COUNT_TOTAL, TAG_MESSAGE_SIZE,
		TAG_MESSAGE_SIZE_EXTENDED,
	};
	struct mapistore_folder_counts c;

	if (same_prop(TAG_FOLDER_ID, tag))
		SET_I64(TAG_FOLDER_ID, src->id);
	if (same_prop(TAG_PARENT_FOLDER_ID, tag))
		SET_I64(TAG_PARENT_FOLDER_ID, src->parent);
	if (same_prop(TAG_CHANGE_NUMBER, tag))
		SET_I64(TAG_CHANGE_NUMBER, src->cn);
	if (same_prop(TAG_FOLDER_TYPE, tag))
		SET_I32(TAG_FOLDER_TYPE, src->folder_type);
	if (same_prop(TAG_ENTRYID, tag))
		return folder_entryid(ctx, mem_ctx, src->id, TAG_ENTRYID, out);
	if (same_prop(TAG_PARENT_ENTRYID, tag))
		return src->parent && folder_entryid(ctx, mem_ctx, src->parent, TAG_PARENT_ENTRYID, out);
	if (same_prop(TAG_SOURCE_KEY, tag))
		return source_key(ctx, mem_ctx, src->id, TAG_SOURCE_KEY, out);
	if (same_prop(TAG_PARENT_SOURCE_KEY, tag))
		return src->parent && source_key(ctx, mem_ctx, src->parent, TAG_PARENT_SOURCE_KEY, out);
	for (size_t i = 0; i < sizeof(count_tags) / sizeof(count_tags[0]); i++) {
		if (!same_prop(count_tags[i], tag))
			continue;
		if (ctx->backend->folder_counts(ctx, src->id, &c) != MAPI_E_SUCCESS)
			return false;
		switch (count_tags[i]) {
		case TAG_CONTENT_COUNT: SET_I32(TAG_CONTENT_COUNT, c.content);
		case TAG_CONTENT_UNREAD_COUNT: SET_I32(TAG_CONTENT_UNREAD_COUNT, c.unread);
		case TAG_ASSOCIATED_CONTENT_COUNT: SET_I32(TAG_ASSOCIATED_CONTENT_COUNT, c.associated);
		case TAG_FOLDER_CHILD_COUNT: SET_I32(TAG_FOLDER_CHILD_COUNT, c.children);
		case TAG_SUBFOLDERS: SET_BOOL(TAG_SUBFOLDERS, c.children != 0);
		case TAG_DELETED_COUNT_TOTAL: SET_I32(TAG_DELETED_COUNT_TOTAL, c.deleted);
		case TAG_MESSAGE_SIZE: SET_I32(TAG_MESSAGE_SIZE, c.size > UINT32_MAX ? UINT32_MAX : c.size);
		case TAG_MESSAGE_SIZE_EXTENDED: SET_I64(TAG_MESSAGE_SIZE_EXTENDED, c.size);
		}
	}
	return false;
}

bool mapistore_computed_message_prop(struct mapistore_context *ctx, TALLOC_CTX *mem_ctx,
				     const struct mapistore_row_source *src, bool has_attach,
				     uint32_t tag, struct mapi_propval *out)
{
	uint32_t flags = src->message_flags;

	if (has_attach)
		flags |= MAPISTORE_MSGFLAG_HASATTACH;
	else
		flags &= ~MAPISTORE_MSGFLAG_HASATTACH;
	if (src->list == MAPISTORE_LIST_ASSOCIATED || src->list == MAPISTORE_LIST_DELETED_ASSOCIATED)
		flags |= MAPISTORE_MSGFLAG_ASSOCIATED;
	if (same_prop(TAG_MID, tag))
		SET_I64(TAG_MID, src->id);
	if (same_prop(TAG_FOLDER_ID, tag) && src->parent)
		SET_I64(TAG_FOLDER_ID, src->parent);
	if (same_prop(TAG_PARENT_FOLDER_ID, tag) && src->parent)
		SET_I64(TAG_PARENT_FOLDER_ID, src->parent);
	if (same_prop(TAG_CHANGE_NUMBER, tag) && src->cn)
		SET_I64(TAG_CHANGE_NUMBER, src->cn);
	if (same_prop(TAG_MESSAGE_FLAGS, tag))
		SET_I32(TAG_MESSAGE_FLAGS, flags);
	if (same_prop(TAG_MESSAGE_SIZE, tag))
		SET_I32(TAG_MESSAGE_SIZE, src->message_size);
	if (same_prop(TAG_MESSAGE_SIZE_EXTENDED, tag))
		SET_I64(TAG_MESSAGE_SIZE_EXTENDED, src->message_size);
	if (same_prop(TAG_HAS_ATTACHMENTS, tag))
		SET_BOOL(TAG_HAS_ATTACHMENTS, has_attach);
	if (same_prop(TAG_READ, tag))
		SET_BOOL(TAG_READ, flags & MAPISTORE_MSGFLAG_READ);
	if (same_prop(TAG_ASSOCIATED, tag))
		SET_BOOL(TAG_ASSOCIATED, flags & MAPISTORE_MSGFLAG_ASSOCIATED);
	if (src->parent) {
		if (same_prop(TAG_ENTRYID, tag))
			return message_entryid(ctx, mem_ctx, src->parent, src->id, TAG_ENTRYID, out);
		if (same_prop(TAG_PARENT_ENTRYID, tag))
			return folder_entryid(ctx, mem_ctx, src->parent, TAG_PARENT_ENTRYID, out);
		if (same_prop(TAG_SOURCE_KEY, tag))
			return source_key(ctx, mem_ctx, src->id, TAG_SOURCE_KEY, out);
		if (same_prop(TAG_PARENT_SOURCE_KEY, tag))
			return source_key(ctx, mem_ctx, src->parent, TAG_PARENT_SOURCE_KEY, out);
	}
	return false;
}

bool mapistore_prop_is_readonly(uint32_t tag)
{
	static const uint16_t ids[] = {
		MAPI_PROP_ID(TAG_FOLDER_ID), MAPI_PROP_ID(TAG_PARENT_FOLDER_ID), MAPI_PROP_ID(TAG_MID),
		MAPI_PROP_ID(TAG_CHANGE_NUMBER), MAPI_PROP_ID(TAG_CONTENT_COUNT),
		MAPI_PROP_ID(TAG_CONTENT_UNREAD_COUNT), MAPI_PROP_ID(TAG_ASSOCIATED_CONTENT_COUNT),
		MAPI_PROP_ID(TAG_FOLDER_CHILD_COUNT), MAPI_PROP_ID(TAG_SUBFOLDERS),
		MAPI_PROP_ID(TAG_DELETED_COUNT_TOTAL), MAPI_PROP_ID(TAG_MESSAGE_SIZE),
		MAPI_PROP_ID(TAG_HAS_ATTACHMENTS), MAPI_PROP_ID(TAG_ENTRYID),
		MAPI_PROP_ID(TAG_PARENT_ENTRYID), MAPI_PROP_ID(TAG_SOURCE_KEY),
		MAPI_PROP_ID(TAG_PARENT_SOURCE_KEY), MAPI_PROP_ID(TAG_READ),
		MAPI_PROP_ID(TAG_ASSOCIATED), MAPI_PROP_ID(TAG_FOLDER_TYPE),
		MAPI_PROP_ID(TAG_INSTANCE_KEY), MAPI_PROP_ID(TAG_ACCESS),
		MAPI_PROP_ID(TAG_ACCESS_LEVEL), MAPI_PROP_ID(TAG_ATTACH_NUMBER),
		MAPI_PROP_ID(TAG_ROWID),
	};

	for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]); i++)
		if (MAPI_PROP_ID(tag) == ids[i])
			return true;
	return false;
}

/* --- the mailbox and its special folders (MS-OXOSFLD) ------------------------------------ */

struct special_folder {
	const char *name;
	const char *container_class;	/* MS-OXOSFLD 2.2.1; NULL: none */
	int parent;			/* enum mapistore_special_folder, -1 for the root */
	uint32_t folder_type;
};

static const struct special_folder special_folders[MAPISTORE_SPECIAL_FOLDER_COUNT] = {
	[MAPISTORE_ROOT] = { "", NULL, -1, MAPISTORE_FOLDER_ROOT },
	[MAPISTORE_DEFERRED_ACTION] = { "Deferred Action", NULL, MAPISTORE_ROOT, MAPISTORE_FOLDER_GENERIC },
	[MAPISTORE_SPOOLER_QUEUE] = { "Spooler Queue", NULL, MAPISTORE_ROOT, MAPISTORE_FOLDER_GENERIC },
	[MAPISTORE_IPM_SUBTREE] = { "Top of Information Store", NULL, MAPISTORE_ROOT, MAPISTORE_FOLDER_GENERIC },
	[MAPISTORE_INBOX] = { "Inbox", "IPF.Note", MAPISTORE_IPM_SUBTREE, MAPISTORE_FOLDER_GENERIC },
	[MAPISTORE_OUTBOX] = { "Outbox", "IPF.Note", MAPISTORE_IPM_SUBTREE, MAPISTORE_FOLDER_GENERIC },
	[MAPISTORE_SENT_ITEMS] = { "Sent Items", "IPF.Note", MAPISTORE_IPM_SUBTREE, MAPISTORE_FOLDER_GENERIC },
	[MAPISTORE_DELETED_ITEMS] = { "Deleted Items", "IPF.Note", MAPISTORE_IPM_SUBTREE, MAPISTORE_FOLDER_GENERIC },
	[MAPISTORE_COMMON_VIEWS] = { "Common Views", NULL, MAPISTORE_ROOT, MAPISTORE_FOLDER_GENERIC },
	[MAPISTORE_SCHEDULE] = { "Schedule", NULL, MAPISTORE_ROOT, MAPISTORE_FOLDER_GENERIC },
	[MAPISTORE_SEARCH] = { "Finder", NULL, MAPISTORE_ROOT, MAPISTORE_FOLDER_GENERIC },
	[MAPISTORE_VIEWS] = { "Views", NULL, MAPISTORE_ROOT, MAPISTORE_FOLDER_GENERIC },
	[MAPISTORE_SHORTCUTS] = { "Shortcuts", NULL, MAPISTORE_ROOT, MAPISTORE_FOLDER_GENERIC },
	[MAPISTORE_CALENDAR] = { "Calendar", "IPF.Appointment", MAPISTORE_IPM_SUBTREE, MAPISTORE_FOLDER_GENERIC },
	[MAPISTORE_CONTACTS] = { "Contacts", "IPF.Contact", MAPISTORE_IPM_SUBTREE, MAPISTORE_FOLDER_GENERIC },
	[MAPISTORE_JOURNAL] = { "Journal", "IPF.Journal", MAPISTORE_IPM_SUBTREE, MAPISTORE_FOLDER_GENERIC },
	[MAPISTORE_NOTES] = { "Notes", "IPF.StickyNote", MAPISTORE_IPM_SUBTREE, MAPISTORE_FOLDER_GENERIC },
	[MAPISTORE_TASKS] = { "Tasks", "IPF.Task", MAPISTORE_IPM_SUBTREE, MAPISTORE_FOLDER_GENERIC },
	[MAPISTORE_DRAFTS] = { "Drafts", "IPF.Note", MAPISTORE_IPM_SUBTREE, MAPISTORE_FOLDER_GENERIC },
	[MAPISTORE_REMINDERS] = { "Reminders", "Outlook.Reminder", MAPISTORE_ROOT, MAPISTORE_FOLDER_GENERIC },
	[MAPISTORE_CONFLICTS] = { "Conflicts", "IPF.Note", MAPISTORE_SYNC_ISSUES, MAPISTORE_FOLDER_GENERIC },
	[MAPISTORE_SYNC_ISSUES] = { "Sync Issues", "IPF.Note", MAPISTORE_IPM_SUBTREE, MAPISTORE_FOLDER_GENERIC },
	[MAPISTORE_LOCAL_FAILURES] = { "Local Failures", "IPF.Note", MAPISTORE_SYNC_ISSUES, MAPISTORE_FOLDER_GENERIC },
	[MAPISTORE_SERVER_FAILURES] = { "Server Failures", "IPF.Note", MAPISTORE_SYNC_ISSUES, MAPISTORE_FOLDER_GENERIC },
	[MAPISTORE_JUNK_EMAIL] = { "Junk E-mail", "IPF.Note", MAPISTORE_IPM_SUBTREE, MAPISTORE_FOLDER_GENERIC },
	[MAPISTORE_FREEBUSY_DATA] = { "Freebusy Data", NULL, MAPISTORE_ROOT, MAPISTORE_FOLDER_GENERIC },
};

/* Creation order: parents before children (Sync Issues before Conflicts). */
static const int creation_order[MAPISTORE_SPECIAL_FOLDER_COUNT] = {
	MAPISTORE_ROOT, MAPISTORE_DEFERRED_ACTION, MAPISTORE_SPOOLER_QUEUE, MAPISTORE_IPM_SUBTREE,
	MAPISTORE_INBOX, MAPISTORE_OUTBOX, MAPISTORE_SENT_ITEMS, MAPISTORE_DELETED_ITEMS,
	MAPISTORE_COMMON_VIEWS, MAPISTORE_SCHEDULE, MAPISTORE_SEARCH, MAPISTORE_VIEWS,
	MAPISTORE_SHORTCUTS, MAPISTORE_CALENDAR, MAPISTORE_CONTACTS, MAPISTORE_JOURNAL,
	MAPISTORE_NOTES, MAPISTORE_TASKS, MAPISTORE_DRAFTS, MAPISTORE_REMINDERS,
	MAPISTORE_SYNC_ISSUES, MAPISTORE_CONFLICTS, MAPISTORE_LOCAL_FAILURES,
	MAPISTORE_SERVER_FAILURES, MAPISTORE_JUNK_EMAIL, MAPISTORE_FREEBUSY_DATA,
};

const char *mapistore_special_folder_name(enum mapistore_special_folder which)
{
	return (unsigned)which < MAPISTORE_SPECIAL_FOLDER_COUNT ? special_folders[which].name : NULL;
}

const char *mapistore_special_folder_class(enum mapistore_special_folder which)
{
	return (unsigned)which < MAPISTORE_SPECIAL_FOLDER_COUNT ? special_folders[which].container_class
								  : NULL;
}

enum MAPISTATUS mapistore_special_folder_id(struct mapistore_context *ctx,
					    enum mapistore_special_folder which, uint64_t *fid)
{
	if (ctx == NULL || fid == NULL || (unsigned)which >= MAPISTORE_SPECIAL_FOLDER_COUNT)
		return MAPI_E_INVALID_PARAMETER;
	if (mapistore_load_info(ctx) != MAPI_E_SUCCESS)
		return MAPI_E_NOT_INITIALIZED;
	if (ctx->info.special[which] == 0)
		return MAPI_E_NOT_FOUND;
	*fid = ctx->info.special[which];
	return MAPI_E_SUCCESS;
}

bool mapistore_is_special_folder(struct mapistore_context *ctx, uint64_t fid)
{
	for (int i = 0; i < MAPISTORE_SPECIAL_FOLDER_COUNT; i++)
		if (ctx->info.special[i] == fid)
			return true;
	return false;
}

enum MAPISTATUS mapistore_mailbox_params(struct mapistore_context *ctx,
					 struct mapistore_mailbox_params *out)
{
	if (ctx == NULL || out == NULL)
		return MAPI_E_INVALID_PARAMETER;
	if (mapistore_load_info(ctx) != MAPI_E_SUCCESS)
		return MAPI_E_NOT_INITIALIZED;
	memset(out, 0, sizeof(*out));
	out->replica_id = ctx->info.replica_id;
	memcpy(out->replica_guid, ctx->info.replica_guid, 16);
	memcpy(out->mailbox_guid, ctx->info.mailbox_guid, 16);
	return MAPI_E_SUCCESS;
}

static enum MAPISTATUS set_string(struct mapistore_propbag *bag, uint32_t tag, const char *s)
{
	struct mapi_propval pv = { .tag = tag };

	pv.value.string = (char *)s;
	return mapistore_propbag_set(bag, &pv);
}

/* Insert a folder record in the open transaction, stamping its change. */
enum MAPISTATUS mapistore_folder_insert_record(struct mapistore_context *ctx,
					       struct mapistore_folder_record *rec, bool created)
{
	enum MAPISTATUS ret;

	ret = mapistore_next_id(ctx, &rec->cn);
	if (ret == MAPI_E_SUCCESS)
		ret = set_string(rec->props, TAG_DISPLAY_NAME, rec->name);
	if (ret == MAPI_E_SUCCESS)
		ret = mapistore_stamp_change(ctx, rec->props, rec->cn, created);
	if (ret == MAPI_E_SUCCESS)
		ret = created ? ctx->backend->folder_insert(ctx, rec) : ctx->backend->folder_update(ctx, rec);
	return ret;
}

/* The entry-ID properties of MS-OXOSFLD 2.2.3 and 2.2.4 on Root and Inbox. */
static enum MAPISTATUS special_entryids(struct mapistore_context *ctx, TALLOC_CTX *mem_ctx,
					struct mapistore_folder_record *rec, bool additional)
{
	static const struct { uint32_t tag; int folder; } eids[] = {
		{ TAG_IPM_APPOINTMENT_ENTRYID, MAPISTORE_CALENDAR },
		{ TAG_IPM_CONTACT_ENTRYID, MAPISTORE_CONTACTS },
		{ TAG_IPM_JOURNAL_ENTRYID, MAPISTORE_JOURNAL },
		{ TAG_IPM_NOTE_ENTRYID, MAPISTORE_NOTES },
		{ TAG_IPM_TASK_ENTRYID, MAPISTORE_TASKS },
		{ TAG_REMINDERS_ONLINE_ENTRYID, MAPISTORE_REMINDERS },
		{ TAG_IPM_DRAFTS_ENTRYID, MAPISTORE_DRAFTS },
	};
	static const int ren[] = {	/* PidTagAdditionalRenEntryIds indexes 0-4 */
		MAPISTORE_CONFLICTS, MAPISTORE_SYNC_ISSUES, MAPISTORE_LOCAL_FAILURES,
		MAPISTORE_SERVER_FAILURES, MAPISTORE_JUNK_EMAIL,
	};
	struct mapi_propval pv;
	enum MAPISTATUS ret;

	for (size_t i = 0; i < sizeof(eids) / sizeof(eids[0]); i++) {
		if (!folder_entryid(ctx, mem_ctx, ctx->info.special[eids[i].folder], eids[i].tag, &pv))
			return MAPI_E_CALL_FAILED;
		ret = mapistore_propbag_set(rec->props, &pv);
		if (ret != MAPI_E_SUCCESS)
			return ret;
	}
	if (!additional)
		return MAPI_E_SUCCESS;
	pv.tag = TAG_ADDITIONAL_REN_ENTRYIDS;
	pv.value.mv_binary.count = 5;
	pv.value.mv_binary.values = talloc_array(mem_ctx, struct mapi_binary, 5);
	if (pv.value.mv_binary.values == NULL)
		return MAPI_E_NOT_ENOUGH_MEMORY;
	for (int i = 0; i < 5; i++) {
		struct mapi_propval one;

		if (!folder_entryid(ctx, mem_ctx, ctx->info.special[ren[i]], 0, &one))
			return MAPI_E_CALL_FAILED;
		pv.value.mv_binary.values[i] = one.value.binary;
	}
	return mapistore_propbag_set(rec->props, &pv);
}

/*
 * Creates a store of COUNT special folders described by TABLE (created in
 * ORDER: parents first) in one transaction.  A private mailbox also gets
 * the entry-ID properties on Root and Inbox and its default receive
 * folders; a public store has neither.
 */
static enum MAPISTATUS create_store(struct mapistore_context *ctx,
				    const struct mapistore_mailbox_params *params,
				    const struct special_folder *table, const int *order, int count,
				    bool private_mailbox)
{
	TALLOC_CTX *tmp;
	enum MAPISTATUS ret;
	struct mapistore_mailbox_info info;

	if (ctx == NULL || params == NULL || params->replica_id == 0)
		return MAPI_E_INVALID_PARAMETER;
	if (ctx->have_info || ctx->backend->mailbox_load(ctx, &info) == MAPI_E_SUCCESS) {
		mapistore_set_error(ctx, "the mailbox exists already");
		return MAPI_E_COLLISION;
	}
	tmp = talloc_new(NULL);
	if (tmp == NULL)
		return MAPI_E_NOT_ENOUGH_MEMORY;
	ret = mapistore_begin(ctx);
	if (ret != MAPI_E_SUCCESS) {
		talloc_free(tmp);
		return ret;
	}
	memset(&ctx->info, 0, sizeof(ctx->info));
	ctx->info.replica_id = params->replica_id;
	memcpy(ctx->info.replica_guid, params->replica_guid, 16);
	memcpy(ctx->info.mailbox_guid, params->mailbox_guid, 16);
	ctx->have_info = true;	/* ids need the replica id */
	ret = ctx->backend->mailbox_store(ctx, &ctx->info);
	/* every special folder's id first: Root and Inbox carry the others' entry IDs */
	for (int i = 0; ret == MAPI_E_SUCCESS && i < count; i++)
		ret = mapistore_next_id(ctx, &ctx->info.special[order[i]]);
	for (int k = 0; ret == MAPI_E_SUCCESS && k < count; k++) {
		int i = order[k];
		const struct special_folder *sf = &table[i];
		struct mapistore_folder_record *rec = talloc_zero(tmp, struct mapistore_folder_record);

		if (rec == NULL || (rec->props = mapistore_propbag_new(rec)) == NULL) {
			ret = MAPI_E_NOT_ENOUGH_MEMORY;
			break;
		}
		rec->fid = ctx->info.special[i];
		rec->parent_fid = sf->parent < 0 ? 0 : ctx->info.special[sf->parent];
		rec->folder_type = sf->folder_type;
		rec->name = talloc_strdup(rec, sf->name);
		if (sf->container_class)
			ret = set_string(rec->props, TAG_CONTAINER_CLASS, sf->container_class);
		if (ret == MAPI_E_SUCCESS && private_mailbox &&
		    (i == MAPISTORE_ROOT || i == MAPISTORE_INBOX))
			ret = special_entryids(ctx, rec, rec, i == MAPISTORE_INBOX);
		if (ret == MAPI_E_SUCCESS)
			ret = mapistore_folder_insert_record(ctx, rec, true);
	}
	if (ret == MAPI_E_SUCCESS)
		ret = ctx->backend->mailbox_store(ctx, &ctx->info);
	/* default receive folders (MS-OXCSTOR 3.2.5.2) */
	if (ret == MAPI_E_SUCCESS && private_mailbox)
		ret = ctx->backend->receive_set(ctx, "", ctx->info.special[MAPISTORE_INBOX], mapistore_now());
	if (ret == MAPI_E_SUCCESS && private_mailbox)
		ret = ctx->backend->receive_set(ctx, "IPM", ctx->info.special[MAPISTORE_INBOX], mapistore_now());
	if (ret == MAPI_E_SUCCESS && private_mailbox)
		ret = ctx->backend->receive_set(ctx, "REPORT.IPM", ctx->info.special[MAPISTORE_INBOX],
						mapistore_now());
	if (ret == MAPI_E_SUCCESS && private_mailbox)
		ret = ctx->backend->receive_set(ctx, "IPC", ctx->info.special[MAPISTORE_ROOT], mapistore_now());
	ret = mapistore_finish(ctx, ret);
	if (ret != MAPI_E_SUCCESS) {
		ctx->have_info = false;
		ctx->id_next = ctx->id_end = 0;
		memset(&ctx->info, 0, sizeof(ctx->info));
	}
	talloc_free(tmp);
	return ret;
}

enum MAPISTATUS mapistore_mailbox_create(struct mapistore_context *ctx,
					 const struct mapistore_mailbox_params *params)
{
	return create_store(ctx, params, special_folders, creation_order,
			    MAPISTORE_SPECIAL_FOLDER_COUNT, true);
}

/*
 * The public store's folders (MS-OXCSTOR 2.2.1.1.4): the first three are
 * the tree every public store has; the names of the system folders under
 * NON_IPM_SUBTREE are Exchange's.
 */
static const struct special_folder public_folders[MAPISTORE_PUBLIC_FOLDER_COUNT] = {
	[MAPISTORE_PUBLIC_ROOT] = { "", NULL, -1, MAPISTORE_FOLDER_ROOT },
	[MAPISTORE_PUBLIC_IPM_SUBTREE] = { "IPM_SUBTREE", NULL, MAPISTORE_PUBLIC_ROOT,
					   MAPISTORE_FOLDER_GENERIC },
	[MAPISTORE_PUBLIC_NON_IPM_SUBTREE] = { "NON_IPM_SUBTREE", NULL, MAPISTORE_PUBLIC_ROOT,
					       MAPISTORE_FOLDER_GENERIC },
	[MAPISTORE_PUBLIC_EFORMS_REGISTRY] = { "EFORMS REGISTRY", NULL,
					       MAPISTORE_PUBLIC_NON_IPM_SUBTREE, MAPISTORE_FOLDER_GENERIC },
	[MAPISTORE_PUBLIC_FREEBUSY] = { "SCHEDULE+ FREE BUSY", NULL, MAPISTORE_PUBLIC_NON_IPM_SUBTREE,
					MAPISTORE_FOLDER_GENERIC },
	[MAPISTORE_PUBLIC_OAB] = { "OFFLINE ADDRESS BOOK", NULL, MAPISTORE_PUBLIC_NON_IPM_SUBTREE,
				   MAPISTORE_FOLDER_GENERIC },
	[MAPISTORE_PUBLIC_LOCAL_EFORMS] = { "Organization Forms", NULL, MAPISTORE_PUBLIC_EFORMS_REGISTRY,
					    MAPISTORE_FOLDER_GENERIC },
	[MAPISTORE_PUBLIC_LOCAL_FREEBUSY] = { "Local Site Free/Busy", NULL, MAPISTORE_PUBLIC_FREEBUSY,
					      MAPISTORE_FOLDER_GENERIC },
	[MAPISTORE_PUBLIC_LOCAL_OAB] = { "Local Site Offline Address Book", NULL, MAPISTORE_PUBLIC_OAB,
					 MAPISTORE_FOLDER_GENERIC },
	[MAPISTORE_PUBLIC_NNTP_INDEX] = { "NNTP Article Index", NULL, MAPISTORE_PUBLIC_NON_IPM_SUBTREE,
					  MAPISTORE_FOLDER_GENERIC },
};

/* Each public folder's parent comes before it in enum order. */
static const int public_creation_order[MAPISTORE_PUBLIC_FOLDER_COUNT] = {
	0, 1, 2, 3, 4, 5, 6, 7, 8, 9,
};

enum MAPISTATUS mapistore_public_store_create(struct mapistore_context *ctx,
					      const struct mapistore_mailbox_params *params)
{
	return create_store(ctx, params, public_folders, public_creation_order,
			    MAPISTORE_PUBLIC_FOLDER_COUNT, false);
}

enum MAPISTATUS mapistore_public_folder_id(struct mapistore_context *ctx,
					   enum mapistore_public_folder which, uint64_t *fid)
{
	if (ctx == NULL || fid == NULL || (unsigned)which >= MAPISTORE_PUBLIC_FOLDER_COUNT)
		return MAPI_E_INVALID_PARAMETER;
	if (mapistore_load_info(ctx) != MAPI_E_SUCCESS)
		return MAPI_E_NOT_INITIALIZED;
	/* a private mailbox fills every slot; a public store only its first ten */
	if (ctx->info.special[MAPISTORE_SPECIAL_FOLDER_COUNT - 1] != 0 || ctx->info.special[which] == 0)
		return MAPI_E_NOT_FOUND;
	*fid = ctx->info.special[which];
	return MAPI_E_SUCCESS;
}

/* --- named properties ------------------------------------------------------------------- */

/* PS_MAPI {00020328-0000-0000-C000-000000000046}: its LIDs are property ids. */
static const uint8_t ps_mapi[16] = {
	0x28, 0x03, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0xC0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x46,
};

enum MAPISTATUS mapistore_named_ids(struct mapistore_context *ctx, uint32_t count,
				    const struct mapistore_named_prop *names, bool create,
				    uint16_t *ids, uint32_t *missing)
{
	enum MAPISTATUS ret = MAPI_E_SUCCESS;
	bool in_txn = false;
	uint32_t miss = 0;

	if (ctx == NULL || (count && (names == NULL || ids == NULL)))
		return MAPI_E_INVALID_PARAMETER;
	for (uint32_t i = 0; i < count; i++) {
		const struct mapistore_named_prop *n = &names[i];

		ids[i] = 0;
		if (n->kind != MAPISTORE_NAME_LID && n->kind != MAPISTORE_NAME_STRING) {
			miss++;
			continue;
		}
		if (n->kind == MAPISTORE_NAME_STRING && (n->name == NULL || *n->name == '\0')) {
			miss++;
			continue;
		}
		if (n->kind == MAPISTORE_NAME_LID && memcmp(n->guid.bytes, ps_mapi, 16) == 0) {
			ids[i] = (uint16_t)n->lid;
			continue;
		}
		ret = ctx->backend->named_lookup(ctx, n, &ids[i]);
		if (ret == MAPI_E_NOT_FOUND && create) {
			if (!in_txn) {
				ret = mapistore_begin(ctx);
				if (ret != MAPI_E_SUCCESS)
					break;
				in_txn = true;
				/* someone may have created it meanwhile */
				ret = ctx->backend->named_lookup(ctx, n, &ids[i]);
				if (ret != MAPI_E_NOT_FOUND)
					goto next;
			}
			ret = ctx->backend->named_insert(ctx, n, &ids[i]);
		}
next:
		if (ret == MAPI_E_NOT_FOUND) {
			miss++;
			ret = MAPI_E_SUCCESS;
		}
		if (ret != MAPI_E_SUCCESS)
			break;
	}
	if (in_txn)
		ret = mapistore_finish(ctx, ret);
	if (ret != MAPI_E_SUCCESS) {
		for (uint32_t i = 0; i < count; i++)
			ids[i] = 0;
		return ret;
	}
	if (missing)
		*missing = miss;
	return MAPI_E_SUCCESS;
}

enum MAPISTATUS mapistore_named_name(struct mapistore_context *ctx, TALLOC_CTX *mem_ctx,
				     uint16_t id, struct mapistore_named_prop *out)
{
	if (ctx == NULL || out == NULL)
		return MAPI_E_INVALID_PARAMETER;
	if (id < 0x8000) {
		memset(out, 0, sizeof(*out));
		memcpy(out->guid.bytes, ps_mapi, 16);
		out->kind = MAPISTORE_NAME_LID;
		out->lid = id;
		return MAPI_E_SUCCESS;
	}
	return ctx->backend->named_get(ctx, mem_ctx, id, out);
}

enum MAPISTATUS mapistore_named_all(struct mapistore_context *ctx, TALLOC_CTX *mem_ctx,
				    uint32_t *count, uint16_t **ids,
				    struct mapistore_named_prop **names)
{
	if (ctx == NULL || count == NULL || ids == NULL || names == NULL)
		return MAPI_E_INVALID_PARAMETER;
	return ctx->backend->named_all(ctx, mem_ctx, count, ids, names);
}

/* --- receive folders (MS-OXCSTOR 3.2.5.2, 3.2.5.3) ------------------------------------- */

/* A message class as MS-OXCSTOR 2.2.1.2.1 allows: ASCII 32-126, <= 255, no empty parts. */
static bool valid_message_class(const char *mc)
{
	size_t len = strlen(mc);

	if (len > 255)
		return false;
	if (len == 0)
		return true;
	if (mc[0] == '.' || mc[len - 1] == '.' || strstr(mc, "..") != NULL)
		return false;
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)mc[i] < 32 || (unsigned char)mc[i] > 126)
			return false;
	return true;
}

enum MAPISTATUS mapistore_receive_folder_get(struct mapistore_context *ctx, TALLOC_CTX *mem_ctx,
					     const char *message_class, uint64_t *fid,
					     char **explicit_class)
{
	struct mapistore_receive_folder *entries;
	const struct mapistore_receive_folder *best = NULL;
	size_t best_len = 0, mlen;
	uint32_t n;
	enum MAPISTATUS ret;

	if (ctx == NULL || message_class == NULL || fid == NULL || !valid_message_class(message_class))
		return MAPI_E_INVALID_PARAMETER;
	ret = ctx->backend->receive_list(ctx, NULL, &n, &entries);
	if (ret != MAPI_E_SUCCESS)
		return ret;
	mlen = strlen(message_class);
	for (uint32_t i = 0; i < n; i++) {
		size_t len = strlen(entries[i].message_class);

		/* an entry matches if it is the class or a prefix ending at a '.' */
		if (len > mlen || strncasecmp(entries[i].message_class, message_class, len) != 0)
			continue;
		if (len != 0 && len != mlen && message_class[len] != '.')
			continue;
		if (best == NULL || len > best_len) {
			best = &entries[i];
			best_len = len;
		}
	}
	if (best == NULL) {
		talloc_free(entries);
		return MAPI_E_NOT_FOUND;
	}
	*fid = best->fid;
	if (explicit_class) {
		*explicit_class = talloc_strdup(mem_ctx, best->message_class);
		if (*explicit_class == NULL) {
			talloc_free(entries);
			return MAPI_E_NOT_ENOUGH_MEMORY;
		}
	}
	talloc_free(entries);
	return MAPI_E_SUCCESS;
}

enum MAPISTATUS mapistore_receive_folder_set(struct mapistore_context *ctx,
					     const char *message_class, uint64_t fid)
{
	struct mapistore_folder_record *rec;
	enum MAPISTATUS ret;

	if (ctx == NULL || message_class == NULL || !valid_message_class(message_class))
		return MAPI_E_INVALID_PARAMETER;
	if (fid == 0 && message_class[0] == '\0') {
		mapistore_set_error(ctx, "the default receive folder cannot be removed");
		return MAPI_E_CALL_FAILED;
	}
	ret = mapistore_begin(ctx);
	if (ret != MAPI_E_SUCCESS)
		return ret;
	if (fid) {
		ret = ctx->backend->folder_load(ctx, NULL, fid, &rec);
		if (ret == MAPI_E_SUCCESS)
			talloc_free(rec);
	}
	if (ret == MAPI_E_SUCCESS)
		ret = ctx->backend->receive_set(ctx, message_class, fid, mapistore_now());
	return mapistore_finish(ctx, ret);
}

enum MAPISTATUS mapistore_receive_folder_list(struct mapistore_context *ctx, TALLOC_CTX *mem_ctx,
					      uint32_t *count,
					      struct mapistore_receive_folder **entries)
{
	if (ctx == NULL || count == NULL || entries == NULL)
		return MAPI_E_INVALID_PARAMETER;
	return ctx->backend->receive_list(ctx, mem_ctx, count, entries);
}

/* --- per-user data ------------------------------------------------------------------ */

enum MAPISTATUS mapistore_per_user_get(struct mapistore_context *ctx, TALLOC_CTX *mem_ctx,
				       const uint8_t ltid[MAPISTORE_LTID_SIZE],
				       uint8_t replguid[16], uint8_t **data, uint32_t *len)
{
	if (ctx == NULL || ltid == NULL || replguid == NULL || data == NULL || len == NULL)
		return MAPI_E_INVALID_PARAMETER;
	return ctx->backend->per_user_get(ctx, mem_ctx, ltid, replguid, data, len);
}

enum MAPISTATUS mapistore_per_user_set(struct mapistore_context *ctx,
				       const uint8_t ltid[MAPISTORE_LTID_SIZE],
				       const uint8_t replguid[16], const uint8_t *data,
				       uint32_t len)
{
	enum MAPISTATUS ret;

	if (ctx == NULL || ltid == NULL || replguid == NULL || (data == NULL && len != 0))
		return MAPI_E_INVALID_PARAMETER;
	if (len > MAPISTORE_PER_USER_MAX) {
		mapistore_set_error(ctx, "per-user data of %u bytes, at most %u are kept", len,
				    MAPISTORE_PER_USER_MAX);
		return MAPI_E_TOO_BIG;
	}
	ret = mapistore_begin(ctx);
	if (ret != MAPI_E_SUCCESS)
		return ret;
	return mapistore_finish(ctx, ctx->backend->per_user_set(ctx, ltid, replguid, data, len));
}

enum MAPISTATUS mapistore_per_user_list(struct mapistore_context *ctx, TALLOC_CTX *mem_ctx,
					const uint8_t replguid[16], uint32_t *count,
					uint8_t **ltids)
{
	if (ctx == NULL || replguid == NULL || count == NULL || ltids == NULL)
		return MAPI_E_INVALID_PARAMETER;
	return ctx->backend->per_user_list(ctx, mem_ctx, replguid, count, ltids);
}

/* --- the REPLID/REPLGUID mapping --------------------------------------------------------- */

enum MAPISTATUS mapistore_replica_id(struct mapistore_context *ctx, const uint8_t guid[16],
				     bool create, uint16_t *replid)
{
	enum MAPISTATUS ret;

	if (ctx == NULL || guid == NULL || replid == NULL)
		return MAPI_E_INVALID_PARAMETER;
	ret = mapistore_load_info(ctx);
	if (ret != MAPI_E_SUCCESS)
		return MAPI_E_NOT_INITIALIZED;
	if (memcmp(guid, ctx->info.replica_guid, 16) == 0) {
		*replid = ctx->info.replica_id;
		return MAPI_E_SUCCESS;
	}
	ret = ctx->backend->replica_by_guid(ctx, guid, replid);
	if (ret != MAPI_E_NOT_FOUND || !create)
		return ret;
	ret = mapistore_begin(ctx);
	if (ret != MAPI_E_SUCCESS)
		return ret;
	/* another connection may have registered it since the lookup */
	ret = ctx->backend->replica_by_guid(ctx, guid, replid);
	if (ret == MAPI_E_NOT_FOUND)
		ret = ctx->backend->replica_add(ctx, guid, replid);
	return mapistore_finish(ctx, ret);
}

enum MAPISTATUS mapistore_replica_guid(struct mapistore_context *ctx, uint16_t replid,
				       uint8_t guid[16])
{
	enum MAPISTATUS ret;

	if (ctx == NULL || guid == NULL || replid == 0)
		return replid == 0 ? MAPI_E_NOT_FOUND : MAPI_E_INVALID_PARAMETER;
	ret = mapistore_load_info(ctx);
	if (ret != MAPI_E_SUCCESS)
		return MAPI_E_NOT_INITIALIZED;
	if (replid == ctx->info.replica_id) {
		memcpy(guid, ctx->info.replica_guid, 16);
		return MAPI_E_SUCCESS;
	}
	return ctx->backend->replica_by_id(ctx, replid, guid);
}
