/*
 * mapistore folders (MS-OXCFOLD 3.2.5): open, create, delete, move, copy,
 * empty, and folder properties (committed at once: folders have no save).
 *
 * Copyright (C) OpenChange developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include "mapistore/mapistore_private.h"

enum MAPISTATUS mapistore_touch_folder(struct mapistore_context *ctx, uint64_t fid, bool ancestors)
{
	/* the folder's own tables, then the hierarchy rows above it (its parent's at least) */
	return ctx->backend->folder_touch(ctx, fid, ancestors ? 256 : 1);
}

enum MAPISTATUS mapistore_bury(struct mapistore_context *ctx, uint64_t id, uint64_t fid,
			       enum mapistore_tombstone_kind kind)
{
	struct mapistore_tombstone t = { .id = id, .fid = fid, .kind = kind };
	enum MAPISTATUS ret = mapistore_next_id(ctx, &t.cn);

	if (ret == MAPI_E_SUCCESS)
		ret = ctx->backend->tombstone_add(ctx, &t);
	return ret;
}

enum MAPISTATUS mapistore_folder_tombstones(struct mapistore_folder *folder, TALLOC_CTX *mem_ctx,
					    uint32_t *count, struct mapistore_tombstone **entries)
{
	if (folder == NULL || count == NULL || entries == NULL)
		return MAPI_E_INVALID_PARAMETER;
	return folder->ctx->backend->tombstone_list(folder->ctx, mem_ctx, folder->fid, count, entries);
}

void mapistore_fill_value(TALLOC_CTX *mem_ctx, const struct mapi_propval *found, uint32_t tag,
			  struct mapi_flagged_propval *out)
{
	memset(out, 0, sizeof(*out));
	if (found == NULL || mapistore_propval_copy(mem_ctx, found, &out->pv) != MAPI_E_SUCCESS) {
		out->flag = MAPI_PROPVAL_ERROR;
		out->pv.tag = MAPI_PROP_TAG(MAPI_PROP_ID(tag), PTYP_ERRORCODE);
		out->pv.value.error_code = found ? MAPI_E_NOT_ENOUGH_MEMORY : MAPI_E_NOT_FOUND;
		return;
	}
	out->flag = MAPI_PROPVAL_PRESENT;
}

enum MAPISTATUS mapistore_add_problem(TALLOC_CTX *mem_ctx, struct mapistore_problems *problems,
				      uint16_t index, uint32_t tag, uint32_t error)
{
	struct mapi_property_problem *p;

	if (problems == NULL)
		return MAPI_E_SUCCESS;
	p = talloc_realloc(mem_ctx, problems->problems, struct mapi_property_problem,
			   problems->count + 1);
	if (p == NULL)
		return MAPI_E_NOT_ENOUGH_MEMORY;
	problems->problems = p;
	p[problems->count].index = index;
	p[problems->count].tag = tag;
	p[problems->count].error_code = error;
	problems->count++;
	return MAPI_E_SUCCESS;
}

static struct mapistore_folder *folder_new(TALLOC_CTX *mem_ctx, struct mapistore_context *ctx,
					   uint64_t fid)
{
	struct mapistore_folder *f = talloc_zero(mem_ctx, struct mapistore_folder);

	if (f) {
		f->ctx = ctx;
		f->fid = fid;
	}
	return f;
}

enum MAPISTATUS mapistore_folder_open(struct mapistore_context *ctx, TALLOC_CTX *mem_ctx,
				      uint64_t fid, struct mapistore_folder **folder)
{
	struct mapistore_folder_record *rec;
	enum MAPISTATUS ret;

	if (ctx == NULL || folder == NULL)
		return MAPI_E_INVALID_PARAMETER;
	ret = ctx->backend->folder_load(ctx, NULL, fid, &rec);
	if (ret != MAPI_E_SUCCESS)
		return ret;
	talloc_free(rec);
	*folder = folder_new(mem_ctx, ctx, fid);
	return *folder ? MAPI_E_SUCCESS : MAPI_E_NOT_ENOUGH_MEMORY;
}

uint64_t mapistore_folder_id(const struct mapistore_folder *folder)
{
	return folder ? folder->fid : 0;
}

enum MAPISTATUS mapistore_folder_create(struct mapistore_folder *parent, TALLOC_CTX *mem_ctx,
					const char *name, uint32_t folder_type,
					uint32_t flags, uint16_t prop_count,
					const struct mapi_propval *props,
					struct mapistore_folder **folder, bool *existed)
{
	struct mapistore_context *ctx;
	struct mapistore_folder_record *rec;
	enum MAPISTATUS ret;
	uint64_t fid;

	if (parent == NULL || name == NULL || folder == NULL || (prop_count && props == NULL) ||
	    (flags & ~MAPISTORE_FOLDER_OPEN_IF_EXISTS))
		return MAPI_E_INVALID_PARAMETER;
	if (folder_type != MAPISTORE_FOLDER_GENERIC && folder_type != MAPISTORE_FOLDER_SEARCH)
		return MAPI_E_INVALID_PARAMETER;
	if (*name == '\0' || strlen(name) > 256)
		return MAPI_E_INVALID_PARAMETER;
	ctx = parent->ctx;
	if (existed)
		*existed = false;
	ret = mapistore_begin(ctx);
	if (ret != MAPI_E_SUCCESS)
		return ret;
	ret = ctx->backend->folder_find_child(ctx, parent->fid, name, &fid);
	if (ret == MAPI_E_SUCCESS) {
		mapistore_rollback(ctx);
		if (!(flags & MAPISTORE_FOLDER_OPEN_IF_EXISTS)) {
			mapistore_set_error(ctx, "a folder named \"%s\" exists already", name);
			return MAPI_E_COLLISION;
		}
		if (existed)
			*existed = true;
		*folder = folder_new(mem_ctx, ctx, fid);
		return *folder ? MAPI_E_SUCCESS : MAPI_E_NOT_ENOUGH_MEMORY;
	}
	if (ret != MAPI_E_NOT_FOUND) {
		mapistore_rollback(ctx);
		return ret;
	}
	/* the parent must still exist */
	ret = ctx->backend->folder_load(ctx, NULL, parent->fid, &rec);
	if (ret != MAPI_E_SUCCESS) {
		mapistore_rollback(ctx);
		return ret == MAPI_E_NOT_FOUND ? MAPI_E_OBJECT_DELETED : ret;
	}
	talloc_free(rec);
	rec = talloc_zero(NULL, struct mapistore_folder_record);
	if (rec == NULL || (rec->props = mapistore_propbag_new(rec)) == NULL ||
	    (rec->name = talloc_strdup(rec, name)) == NULL) {
		talloc_free(rec);
		mapistore_rollback(ctx);
		return MAPI_E_NOT_ENOUGH_MEMORY;
	}
	rec->parent_fid = parent->fid;
	rec->folder_type = folder_type;
	ret = MAPI_E_SUCCESS;
	for (uint16_t i = 0; ret == MAPI_E_SUCCESS && i < prop_count; i++) {
		if (mapistore_prop_is_readonly(props[i].tag) ||
		    MAPI_PROP_ID(props[i].tag) == MAPI_PROP_ID(TAG_DISPLAY_NAME))
			continue;
		if (!oxcdata_ptyp_is_valid(MAPI_PROP_TYPE(props[i].tag)))
			ret = MAPI_E_INVALID_TYPE;
		else
			ret = mapistore_propbag_set(rec->props, &props[i]);
	}
	if (ret == MAPI_E_SUCCESS)
		ret = mapistore_next_id(ctx, &rec->fid);
	if (ret == MAPI_E_SUCCESS)
		ret = mapistore_folder_insert_record(ctx, rec, true);
	if (ret == MAPI_E_SUCCESS)
		ret = mapistore_touch_folder(ctx, parent->fid, true);
	if (ret == MAPI_E_SUCCESS)
		mapistore_queue_event(ctx, MAPISTORE_EVENT_FOLDER_CREATED, rec->fid, 0, parent->fid);
	fid = rec->fid;
	talloc_free(rec);
	ret = mapistore_finish(ctx, ret);
	if (ret != MAPI_E_SUCCESS)
		return ret;
	*folder = folder_new(mem_ctx, ctx, fid);
	return *folder ? MAPI_E_SUCCESS : MAPI_E_NOT_ENOUGH_MEMORY;
}

/* Remove a folder, its messages and its subtree, in the open transaction. */
static enum MAPISTATUS remove_tree(struct mapistore_context *ctx, uint64_t fid, int depth)
{
	uint32_t n;
	uint64_t *ids;
	enum MAPISTATUS ret;

	if (depth > 256)
		return MAPI_E_TOO_COMPLEX;
	ret = ctx->backend->folder_children(ctx, NULL, fid, &n, &ids);
	if (ret != MAPI_E_SUCCESS)
		return ret;
	for (uint32_t i = 0; ret == MAPI_E_SUCCESS && i < n; i++)
		ret = remove_tree(ctx, ids[i], depth + 1);
	talloc_free(ids);
	for (uint8_t list = 0; ret == MAPI_E_SUCCESS && list < MAPISTORE_LIST_EMBEDDED; list++) {
		ret = ctx->backend->message_list(ctx, NULL, fid, list, &n, &ids);
		for (uint32_t i = 0; ret == MAPI_E_SUCCESS && i < n; i++)
			ret = ctx->backend->message_remove(ctx, ids[i]);
		if (ret == MAPI_E_SUCCESS)
			talloc_free(ids);
	}
	if (ret == MAPI_E_SUCCESS)
		ret = ctx->backend->folder_remove(ctx, fid);
	return ret;
}

/* fid must be a direct child of parent. */
static enum MAPISTATUS load_child(struct mapistore_context *ctx, uint64_t parent, uint64_t fid,
				  struct mapistore_folder_record **rec)
{
	enum MAPISTATUS ret = ctx->backend->folder_load(ctx, NULL, fid, rec);

	if (ret != MAPI_E_SUCCESS)
		return ret;
	if ((*rec)->parent_fid != parent) {
		talloc_free(*rec);
		mapistore_set_error(ctx, "folder 0x%016llx is not a child of 0x%016llx",
				    (unsigned long long)fid, (unsigned long long)parent);
		return MAPI_E_NOT_FOUND;
	}
	return MAPI_E_SUCCESS;
}

enum MAPISTATUS mapistore_folder_delete(struct mapistore_folder *parent, uint64_t fid,
					uint32_t flags)
{
	struct mapistore_context *ctx;
	struct mapistore_folder_record *rec;
	struct mapistore_folder_counts c;
	enum MAPISTATUS ret;

	if (parent == NULL ||
	    (flags & ~(MAPISTORE_DEL_MESSAGES | MAPISTORE_DEL_FOLDERS | MAPISTORE_DEL_HARD_DELETE)))
		return MAPI_E_INVALID_PARAMETER;
	ctx = parent->ctx;
	if (mapistore_is_special_folder(ctx, fid)) {
		mapistore_set_error(ctx, "special folders cannot be deleted");
		return MAPI_E_NO_ACCESS;
	}
	ret = mapistore_begin(ctx);
	if (ret != MAPI_E_SUCCESS)
		return ret;
	ret = load_child(ctx, parent->fid, fid, &rec);
	if (ret == MAPI_E_SUCCESS) {
		talloc_free(rec);
		ret = ctx->backend->folder_counts(ctx, fid, &c);
	}
	if (ret == MAPI_E_SUCCESS && !(flags & MAPISTORE_DEL_MESSAGES) &&
	    (c.content || c.associated))
		ret = MAPI_E_HAS_MESSAGES;
	if (ret == MAPI_E_SUCCESS && !(flags & MAPISTORE_DEL_FOLDERS) && c.children)
		ret = MAPI_E_HAS_FOLDERS;
	if (ret == MAPI_E_SUCCESS)
		ret = remove_tree(ctx, fid, 0);
	if (ret == MAPI_E_SUCCESS)
		ret = mapistore_bury(ctx, fid, parent->fid, MAPISTORE_GONE_FOLDER_DELETED);
	if (ret == MAPI_E_SUCCESS)
		ret = mapistore_touch_folder(ctx, parent->fid, true);
	if (ret == MAPI_E_SUCCESS)
		mapistore_queue_event(ctx, MAPISTORE_EVENT_FOLDER_DELETED, fid, 0, parent->fid);
	return mapistore_finish(ctx, ret);
}

/* Whether candidate is fid or below it. */
static enum MAPISTATUS is_in_subtree(struct mapistore_context *ctx, uint64_t fid,
				     uint64_t candidate, bool *inside)
{
	struct mapistore_folder_record *rec;
	enum MAPISTATUS ret;
	int depth = 0;

	*inside = false;
	while (candidate != 0 && depth++ < 256) {
		if (candidate == fid) {
			*inside = true;
			return MAPI_E_SUCCESS;
		}
		ret = ctx->backend->folder_load(ctx, NULL, candidate, &rec);
		if (ret != MAPI_E_SUCCESS)
			return ret;
		candidate = rec->parent_fid;
		talloc_free(rec);
	}
	return MAPI_E_SUCCESS;
}

enum MAPISTATUS mapistore_folder_move(struct mapistore_folder *src, uint64_t fid,
				      struct mapistore_folder *dst, const char *new_name)
{
	struct mapistore_context *ctx;
	struct mapistore_folder_record *rec, *d;
	enum MAPISTATUS ret;
	bool cycle;

	if (src == NULL || dst == NULL || src->ctx != dst->ctx || (new_name && *new_name == '\0'))
		return MAPI_E_INVALID_PARAMETER;
	ctx = src->ctx;
	if (mapistore_is_special_folder(ctx, fid)) {
		mapistore_set_error(ctx, "special folders cannot be moved");
		return MAPI_E_NO_ACCESS;
	}
	ret = mapistore_begin(ctx);
	if (ret != MAPI_E_SUCCESS)
		return ret;
	ret = load_child(ctx, src->fid, fid, &rec);
	if (ret != MAPI_E_SUCCESS)
		return mapistore_finish(ctx, ret);
	ret = ctx->backend->folder_load(ctx, NULL, dst->fid, &d);
	if (ret == MAPI_E_SUCCESS)
		talloc_free(d);
	if (ret == MAPI_E_SUCCESS)
		ret = is_in_subtree(ctx, fid, dst->fid, &cycle);
	if (ret == MAPI_E_SUCCESS && cycle)
		ret = MAPI_E_FOLDER_CYCLE;
	if (ret == MAPI_E_SUCCESS && new_name) {
		talloc_free(rec->name);
		rec->name = talloc_strdup(rec, new_name);
		if (rec->name == NULL)
			ret = MAPI_E_NOT_ENOUGH_MEMORY;
	}
	if (ret == MAPI_E_SUCCESS && dst->fid != src->fid)
		ret = mapistore_bury(ctx, fid, src->fid, MAPISTORE_GONE_FOLDER_MOVED);
	if (ret == MAPI_E_SUCCESS) {
		rec->parent_fid = dst->fid;
		ret = mapistore_folder_insert_record(ctx, rec, false);
	}
	if (ret == MAPI_E_SUCCESS)
		ret = mapistore_touch_folder(ctx, src->fid, true);
	if (ret == MAPI_E_SUCCESS)
		ret = mapistore_touch_folder(ctx, dst->fid, true);
	if (ret == MAPI_E_SUCCESS)
		mapistore_queue_event(ctx, MAPISTORE_EVENT_FOLDER_MOVED, fid, 0, src->fid);
	talloc_free(rec);
	return mapistore_finish(ctx, ret);
}

/* A message with all its attachments loaded, ready to be stored under new ids. */
static enum MAPISTATUS load_deep(struct mapistore_context *ctx, TALLOC_CTX *mem_ctx, uint64_t mid,
				 struct mapistore_message_record **out);

static enum MAPISTATUS load_attachments_deep(struct mapistore_context *ctx,
					     struct mapistore_message_record *rec, int depth)
{
	enum MAPISTATUS ret;

	if (depth > 32)
		return MAPI_E_TOO_COMPLEX;
	for (uint32_t i = 0; i < rec->attach_count; i++) {
		struct mapistore_attach_record *a = &rec->attachments[i];

		if (!a->loaded && a->db_id) {
			ret = ctx->backend->attachment_load(ctx, rec, a);
			if (ret != MAPI_E_SUCCESS)
				return ret;
		}
		if (a->embedded) {
			ret = load_attachments_deep(ctx, a->embedded, depth + 1);
			if (ret != MAPI_E_SUCCESS)
				return ret;
		}
	}
	return MAPI_E_SUCCESS;
}

static enum MAPISTATUS load_deep(struct mapistore_context *ctx, TALLOC_CTX *mem_ctx, uint64_t mid,
				 struct mapistore_message_record **out)
{
	enum MAPISTATUS ret = ctx->backend->message_load(ctx, mem_ctx, mid, out);

	if (ret == MAPI_E_SUCCESS)
		ret = load_attachments_deep(ctx, *out, 0);
	if (ret != MAPI_E_SUCCESS && *out) {
		talloc_free(*out);
		*out = NULL;
	}
	return ret;
}

/* Give a loaded message (and its embedded ones) new ids so storing makes a copy. */
static enum MAPISTATUS renumber(struct mapistore_context *ctx, struct mapistore_message_record *rec,
				bool top)
{
	enum MAPISTATUS ret = mapistore_next_id(ctx, &rec->mid);

	rec->in_store = false;	/* a new MID: no row yet */
	if (ret == MAPI_E_SUCCESS)
		ret = mapistore_next_id(ctx, &rec->cn);
	if (ret == MAPI_E_SUCCESS)
		ret = mapistore_stamp_change(ctx, rec->props, rec->cn, top);
	rec->recipients_dirty = true;
	for (uint32_t i = 0; ret == MAPI_E_SUCCESS && i < rec->attach_count; i++) {
		rec->attachments[i].db_id = 0;
		rec->attachments[i].dirty = true;
		if (rec->attachments[i].embedded)
			ret = renumber(ctx, rec->attachments[i].embedded, false);
	}
	return ret;
}

enum MAPISTATUS mapistore_message_copy_record(struct mapistore_context *ctx, uint64_t mid,
					      uint64_t dst_fid, uint8_t list, uint64_t *new_mid)
{
	struct mapistore_message_record *rec = NULL;
	enum MAPISTATUS ret = load_deep(ctx, NULL, mid, &rec);

	if (ret != MAPI_E_SUCCESS)
		return ret;
	ret = renumber(ctx, rec, true);
	if (ret == MAPI_E_SUCCESS) {
		rec->fid = dst_fid;
		rec->list = list;
		ret = ctx->backend->message_store(ctx, rec);
	}
	if (ret == MAPI_E_SUCCESS && new_mid)
		*new_mid = rec->mid;
	talloc_free(rec);
	return ret;
}

static enum MAPISTATUS copy_tree(struct mapistore_context *ctx, uint64_t fid, uint64_t dst_parent,
				 const char *new_name, bool recursive, uint64_t *new_fid, int depth)
{
	struct mapistore_folder_record *rec;
	enum MAPISTATUS ret;
	uint32_t n;
	uint64_t *ids;

	if (depth > 256)
		return MAPI_E_TOO_COMPLEX;
	ret = ctx->backend->folder_load(ctx, NULL, fid, &rec);
	if (ret != MAPI_E_SUCCESS)
		return ret;
	if (new_name) {
		talloc_free(rec->name);
		rec->name = talloc_strdup(rec, new_name);
	}
	rec->parent_fid = dst_parent;
	/* a copy is a new object: no history of the original's changes */
	mapistore_propbag_delete(rec->props, TAG_PREDECESSOR_CHANGE_LIST);
	mapistore_propbag_delete(rec->props, TAG_CREATION_TIME);
	ret = mapistore_next_id(ctx, &rec->fid);
	if (ret == MAPI_E_SUCCESS)
		ret = mapistore_folder_insert_record(ctx, rec, true);
	*new_fid = rec->fid;
	talloc_free(rec);
	for (uint8_t list = 0; ret == MAPI_E_SUCCESS && list <= MAPISTORE_LIST_ASSOCIATED; list++) {
		ret = ctx->backend->message_list(ctx, NULL, fid, list, &n, &ids);
		for (uint32_t i = 0; ret == MAPI_E_SUCCESS && i < n; i++)
			ret = mapistore_message_copy_record(ctx, ids[i], *new_fid, list, NULL);
		if (ret == MAPI_E_SUCCESS)
			talloc_free(ids);
	}
	if (ret == MAPI_E_SUCCESS && recursive) {
		ret = ctx->backend->folder_children(ctx, NULL, fid, &n, &ids);
		for (uint32_t i = 0; ret == MAPI_E_SUCCESS && i < n; i++) {
			uint64_t child;

			ret = copy_tree(ctx, ids[i], *new_fid, NULL, true, &child, depth + 1);
		}
		if (ret == MAPI_E_SUCCESS)
			talloc_free(ids);
	}
	return ret;
}

enum MAPISTATUS mapistore_folder_copy(struct mapistore_folder *src, uint64_t fid,
				      struct mapistore_folder *dst, const char *new_name,
				      bool recursive, uint64_t *new_fid)
{
	struct mapistore_context *ctx;
	struct mapistore_folder_record *rec;
	enum MAPISTATUS ret;
	bool cycle;
	uint64_t created = 0;

	if (src == NULL || dst == NULL || src->ctx != dst->ctx || (new_name && *new_name == '\0'))
		return MAPI_E_INVALID_PARAMETER;
	ctx = src->ctx;
	ret = mapistore_begin(ctx);
	if (ret != MAPI_E_SUCCESS)
		return ret;
	ret = load_child(ctx, src->fid, fid, &rec);
	if (ret == MAPI_E_SUCCESS) {
		talloc_free(rec);
		ret = is_in_subtree(ctx, fid, dst->fid, &cycle);
	}
	if (ret == MAPI_E_SUCCESS && cycle && recursive)
		ret = MAPI_E_FOLDER_CYCLE;
	if (ret == MAPI_E_SUCCESS)
		ret = copy_tree(ctx, fid, dst->fid, new_name, recursive, &created, 0);
	if (ret == MAPI_E_SUCCESS)
		ret = mapistore_touch_folder(ctx, dst->fid, true);
	if (ret == MAPI_E_SUCCESS)
		mapistore_queue_event(ctx, MAPISTORE_EVENT_FOLDER_CREATED, created, 0, dst->fid);
	ret = mapistore_finish(ctx, ret);
	if (ret == MAPI_E_SUCCESS && new_fid)
		*new_fid = created;
	return ret;
}

enum MAPISTATUS mapistore_folder_empty(struct mapistore_folder *folder, bool want_associated,
				       bool hard)
{
	struct mapistore_context *ctx;
	enum MAPISTATUS ret;
	uint32_t n;
	uint64_t *ids;

	if (folder == NULL)
		return MAPI_E_INVALID_PARAMETER;
	ctx = folder->ctx;
	ret = mapistore_begin(ctx);
	if (ret != MAPI_E_SUCCESS)
		return ret;
	ret = ctx->backend->folder_children(ctx, NULL, folder->fid, &n, &ids);
	for (uint32_t i = 0; ret == MAPI_E_SUCCESS && i < n; i++) {
		if (mapistore_is_special_folder(ctx, ids[i]))
			continue;	/* Exchange keeps special folders when emptying */
		ret = remove_tree(ctx, ids[i], 0);
		if (ret == MAPI_E_SUCCESS)
			ret = mapistore_bury(ctx, ids[i], folder->fid, MAPISTORE_GONE_FOLDER_DELETED);
	}
	if (ret == MAPI_E_SUCCESS)
		talloc_free(ids);
	for (uint8_t list = 0; ret == MAPI_E_SUCCESS && list <= MAPISTORE_LIST_ASSOCIATED; list++) {
		if (list == MAPISTORE_LIST_ASSOCIATED && !want_associated)
			break;
		ret = ctx->backend->message_list(ctx, NULL, folder->fid, list, &n, &ids);
		for (uint32_t i = 0; ret == MAPI_E_SUCCESS && i < n; i++) {
			if (hard)
				ret = ctx->backend->message_remove(ctx, ids[i]);
			else
				ret = ctx->backend->message_relocate(ctx, ids[i], folder->fid,
								     list | MAPISTORE_LIST_DELETED);
			if (ret == MAPI_E_SUCCESS)
				ret = mapistore_bury(ctx, ids[i], folder->fid, hard ? MAPISTORE_GONE_MESSAGE_HARD
											: MAPISTORE_GONE_MESSAGE_SOFT);
			if (ret == MAPI_E_SUCCESS)
				mapistore_queue_event(ctx, MAPISTORE_EVENT_MESSAGE_DELETED, folder->fid,
						      ids[i], 0);
		}
		if (ret == MAPI_E_SUCCESS)
			talloc_free(ids);
	}
	if (ret == MAPI_E_SUCCESS)
		ret = mapistore_touch_folder(ctx, folder->fid, true);
	return mapistore_finish(ctx, ret);
}

enum MAPISTATUS mapistore_folder_children(struct mapistore_folder *folder, TALLOC_CTX *mem_ctx,
					  uint32_t *count, uint64_t **fids)
{
	if (folder == NULL || count == NULL || fids == NULL)
		return MAPI_E_INVALID_PARAMETER;
	return folder->ctx->backend->folder_children(folder->ctx, mem_ctx, folder->fid, count, fids);
}

enum MAPISTATUS mapistore_folder_find_child(struct mapistore_folder *folder, const char *name,
					    uint64_t *fid)
{
	if (folder == NULL || name == NULL || fid == NULL)
		return MAPI_E_INVALID_PARAMETER;
	return folder->ctx->backend->folder_find_child(folder->ctx, folder->fid, name, fid);
}

enum MAPISTATUS mapistore_folder_version(struct mapistore_context *ctx, uint64_t fid,
					 uint64_t *version)
{
	if (ctx == NULL || version == NULL)
		return MAPI_E_INVALID_PARAMETER;
	return ctx->backend->folder_version(ctx, fid, version);
}

/* --- folder properties ---------------------------------------------------------------------- */

static void folder_source(const struct mapistore_folder_record *rec, struct mapistore_row_source *src)
{
	memset(src, 0, sizeof(*src));
	src->id = rec->fid;
	src->parent = rec->parent_fid;
	src->cn = rec->cn;
	src->folder_type = rec->folder_type;
}

enum MAPISTATUS mapistore_folder_get_props(struct mapistore_folder *folder, TALLOC_CTX *mem_ctx,
					   uint16_t count, const uint32_t *tags,
					   struct mapi_flagged_propval *values)
{
	struct mapistore_folder_record *rec;
	struct mapistore_row_source src;
	enum MAPISTATUS ret;

	if (folder == NULL || (count && (tags == NULL || values == NULL)))
		return MAPI_E_INVALID_PARAMETER;
	ret = folder->ctx->backend->folder_load(folder->ctx, NULL, folder->fid, &rec);
	if (ret != MAPI_E_SUCCESS)
		return ret == MAPI_E_NOT_FOUND ? MAPI_E_OBJECT_DELETED : ret;
	folder_source(rec, &src);
	for (uint16_t i = 0; i < count; i++) {
		struct mapi_propval pv;

		if (mapistore_computed_folder_prop(folder->ctx, mem_ctx, &src, tags[i], &pv)) {
			values[i].flag = MAPI_PROPVAL_PRESENT;
			values[i].pv = pv;
			continue;
		}
		mapistore_fill_value(mem_ctx, mapistore_propbag_find(rec->props, tags[i]), tags[i],
				     &values[i]);
	}
	talloc_free(rec);
	return MAPI_E_SUCCESS;
}

/* The computed properties GetPropertiesAll lists for folders. */
static const uint32_t folder_computed_all[] = {
	TAG_FOLDER_ID, TAG_PARENT_FOLDER_ID, TAG_CHANGE_NUMBER, TAG_FOLDER_TYPE, TAG_ENTRYID,
	TAG_PARENT_ENTRYID, TAG_SOURCE_KEY, TAG_PARENT_SOURCE_KEY, TAG_CONTENT_COUNT,
	TAG_CONTENT_UNREAD_COUNT, TAG_ASSOCIATED_CONTENT_COUNT, TAG_FOLDER_CHILD_COUNT,
	TAG_SUBFOLDERS, TAG_DELETED_COUNT_TOTAL, TAG_MESSAGE_SIZE, TAG_MESSAGE_SIZE_EXTENDED,
};

enum MAPISTATUS mapistore_folder_get_all(struct mapistore_folder *folder, TALLOC_CTX *mem_ctx,
					 uint16_t *count, struct mapi_propval **values)
{
	struct mapistore_folder_record *rec;
	struct mapistore_row_source src;
	struct mapi_propval *v;
	enum MAPISTATUS ret;
	uint16_t n = 0;
	size_t ncomp = sizeof(folder_computed_all) / sizeof(folder_computed_all[0]);

	if (folder == NULL || count == NULL || values == NULL)
		return MAPI_E_INVALID_PARAMETER;
	ret = folder->ctx->backend->folder_load(folder->ctx, NULL, folder->fid, &rec);
	if (ret != MAPI_E_SUCCESS)
		return ret == MAPI_E_NOT_FOUND ? MAPI_E_OBJECT_DELETED : ret;
	v = talloc_array(mem_ctx, struct mapi_propval, rec->props->count + ncomp);
	if (v == NULL) {
		talloc_free(rec);
		return MAPI_E_NOT_ENOUGH_MEMORY;
	}
	folder_source(rec, &src);
	for (size_t i = 0; i < ncomp; i++)
		if (mapistore_computed_folder_prop(folder->ctx, v, &src, folder_computed_all[i], &v[n]))
			n++;
	for (uint32_t i = 0; i < rec->props->count; i++)
		if (mapistore_propval_copy(v, &rec->props->props[i], &v[n]) == MAPI_E_SUCCESS)
			n++;
	talloc_free(rec);
	*count = n;
	*values = v;
	return MAPI_E_SUCCESS;
}

enum MAPISTATUS mapistore_folder_get_list(struct mapistore_folder *folder, TALLOC_CTX *mem_ctx,
					  uint16_t *count, uint32_t **tags)
{
	struct mapi_propval *all;
	TALLOC_CTX *tmp;
	uint16_t n;
	enum MAPISTATUS ret;

	if (folder == NULL || count == NULL || tags == NULL)
		return MAPI_E_INVALID_PARAMETER;
	/* folders are small: through the values */
	tmp = talloc_new(NULL);
	ret = tmp ? mapistore_folder_get_all(folder, tmp, &n, &all) : MAPI_E_NOT_ENOUGH_MEMORY;
	if (ret == MAPI_E_SUCCESS) {
		*tags = talloc_array(mem_ctx, uint32_t, n ? n : 1);
		if (*tags == NULL)
			ret = MAPI_E_NOT_ENOUGH_MEMORY;
		for (uint16_t i = 0; ret == MAPI_E_SUCCESS && i < n; i++)
			(*tags)[i] = all[i].tag;
		*count = n;
	}
	talloc_free(tmp);
	return ret;
}

enum MAPISTATUS mapistore_folder_set_props(struct mapistore_folder *folder, uint16_t count,
					   const struct mapi_propval *values,
					   TALLOC_CTX *mem_ctx, struct mapistore_problems *problems)
{
	struct mapistore_context *ctx;
	struct mapistore_folder_record *rec = NULL;
	enum MAPISTATUS ret;

	if (folder == NULL || (count && values == NULL))
		return MAPI_E_INVALID_PARAMETER;
	ctx = folder->ctx;
	if (problems)
		memset(problems, 0, sizeof(*problems));
	ret = mapistore_begin(ctx);
	if (ret != MAPI_E_SUCCESS)
		return ret;
	ret = ctx->backend->folder_load(ctx, NULL, folder->fid, &rec);
	if (ret == MAPI_E_NOT_FOUND)
		ret = MAPI_E_OBJECT_DELETED;
	for (uint16_t i = 0; ret == MAPI_E_SUCCESS && i < count; i++) {
		const struct mapi_propval *pv = &values[i];

		if (mapistore_prop_is_readonly(pv->tag)) {
			ret = mapistore_add_problem(mem_ctx, problems, i, pv->tag, MAPI_E_COMPUTED);
			continue;
		}
		if (!oxcdata_ptyp_is_valid(MAPI_PROP_TYPE(pv->tag)) ||
		    MAPI_PROP_TYPE(pv->tag) == PTYP_ERRORCODE) {
			ret = mapistore_add_problem(mem_ctx, problems, i, pv->tag, MAPI_E_INVALID_TYPE);
			continue;
		}
		if (MAPI_PROP_ID(pv->tag) == MAPI_PROP_ID(TAG_DISPLAY_NAME)) {
			if ((MAPI_PROP_TYPE(pv->tag) != PTYP_STRING && MAPI_PROP_TYPE(pv->tag) != PTYP_STRING8) ||
			    pv->value.string == NULL || *pv->value.string == '\0') {
				ret = mapistore_add_problem(mem_ctx, problems, i, pv->tag, MAPI_E_INVALID_PARAMETER);
				continue;
			}
			talloc_free(rec->name);
			rec->name = talloc_strdup(rec, pv->value.string);
			if (rec->name == NULL)
				ret = MAPI_E_NOT_ENOUGH_MEMORY;
			continue;
		}
		ret = mapistore_propbag_set(rec->props, pv);
	}
	if (ret == MAPI_E_SUCCESS)
		ret = mapistore_folder_insert_record(ctx, rec, false);
	if (ret == MAPI_E_SUCCESS)
		ret = mapistore_touch_folder(ctx, rec->parent_fid, true);
	if (ret == MAPI_E_SUCCESS)
		mapistore_queue_event(ctx, MAPISTORE_EVENT_FOLDER_MODIFIED, folder->fid, 0, 0);
	talloc_free(rec);
	return mapistore_finish(ctx, ret);
}

enum MAPISTATUS mapistore_folder_delete_props(struct mapistore_folder *folder, uint16_t count,
					      const uint32_t *tags,
					      TALLOC_CTX *mem_ctx, struct mapistore_problems *problems)
{
	struct mapistore_context *ctx;
	struct mapistore_folder_record *rec = NULL;
	enum MAPISTATUS ret;

	if (folder == NULL || (count && tags == NULL))
		return MAPI_E_INVALID_PARAMETER;
	ctx = folder->ctx;
	if (problems)
		memset(problems, 0, sizeof(*problems));
	ret = mapistore_begin(ctx);
	if (ret != MAPI_E_SUCCESS)
		return ret;
	ret = ctx->backend->folder_load(ctx, NULL, folder->fid, &rec);
	if (ret == MAPI_E_NOT_FOUND)
		ret = MAPI_E_OBJECT_DELETED;
	for (uint16_t i = 0; ret == MAPI_E_SUCCESS && i < count; i++) {
		if (mapistore_prop_is_readonly(tags[i]) ||
		    MAPI_PROP_ID(tags[i]) == MAPI_PROP_ID(TAG_DISPLAY_NAME)) {
			ret = mapistore_add_problem(mem_ctx, problems, i, tags[i], MAPI_E_COMPUTED);
			continue;
		}
		mapistore_propbag_delete(rec->props, tags[i]);
	}
	if (ret == MAPI_E_SUCCESS)
		ret = mapistore_folder_insert_record(ctx, rec, false);
	if (ret == MAPI_E_SUCCESS)
		ret = mapistore_touch_folder(ctx, rec->parent_fid, true);
	if (ret == MAPI_E_SUCCESS)
		mapistore_queue_event(ctx, MAPISTORE_EVENT_FOLDER_MODIFIED, folder->fid, 0, 0);
	talloc_free(rec);
	return mapistore_finish(ctx, ret);
}
