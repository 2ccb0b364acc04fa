/*
 * mapistore tables (MS-OXCTABL 3.2.5): hierarchy and contents tables with
 * columns, multi-key sorts, restrictions, a cursor, bookmarks.
 *
 * A table is the ordered list of its rows' ids, read when first needed and
 * again whenever the folder's version moved (a change by this or another
 * connection): the backend does what it can of the restriction and sort in
 * its query (sqlite3: SQL over indexes), the rest happens here, in C, on
 * the stored rows. Rows' columns are read on QueryRows only.
 *
 * Copyright (C) OpenChange developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE	/* qsort_r */
#endif
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include "mapistore/mapistore_private.h"

struct table_bookmark {
	uint32_t id;
	uint64_t row;		/* the row's object id */
	uint32_t inst;		/* and instance (multi-value instance tables) */
	uint32_t position;	/* where it was */
};

struct mapistore_table {
	struct mapistore_context *ctx;
	enum mapistore_table_type type;
	uint64_t fid;
	uint32_t flags;
	uint16_t ncols;
	uint32_t *cols;
	struct mapi_sort_order_set *sorts;
	struct mapi_restriction *res;
	/* the rows */
	bool loaded;
	uint64_t version;
	uint32_t count;
	uint64_t *ids;
	/*
	 * A multi-value instance table (MS-OXCTABL 2.2.1.2 MultivalueInstance):
	 * one row per value of mvi_tag, inst[i] its 1-based number (0: the
	 * object has no value); NULL otherwise.
	 */
	uint32_t mvi_tag;
	uint32_t *inst;
	uint32_t pos;
	/* hierarchy tables with Depth: each row's depth below the table's folder */
	uint32_t ndepths;
	uint64_t *depth_ids;
	uint32_t *depths;
	/* bookmarks */
	uint32_t nbookmarks;
	struct table_bookmark *bookmarks;
	uint32_t next_bookmark;
};

/* --- reading one row's values --------------------------------------------------------------- */

/* One row being evaluated: its source and values decoded so far. */
struct row_eval {
	struct mapistore_table *table;
	TALLOC_CTX *mem_ctx;
	struct mapistore_row_source src;
	uint32_t inst;
	struct mapi_propval value;
};

/*
 * The value of tag in a row: computed, or decoded from the stored blob.
 * Large (external) values: with inline_limit, only if at most that size,
 * else *too_big.
 */
static bool row_value(struct mapistore_context *ctx, enum mapistore_table_type type,
		      TALLOC_CTX *mem_ctx, const struct mapistore_row_source *src, uint32_t tag,
		      struct mapi_propval *out, bool *too_big)
{
	struct mapistore_blob_entry e;
	uint8_t *ext = NULL;
	uint32_t len;
	bool ok;

	if (too_big)
		*too_big = false;
	if (type == MAPISTORE_TABLE_HIERARCHY) {
		if (mapistore_computed_folder_prop(ctx, mem_ctx, src, tag, out))
			return true;
	} else if (mapistore_computed_message_prop(ctx, mem_ctx, src,
						   (src->message_flags & MAPISTORE_MSGFLAG_HASATTACH) != 0,
						   tag, out)) {
		return true;
	}
	if (!mapistore_blob_find(src->blob, src->blob_len, tag, &e))
		return false;
	if (e.external) {
		if (e.len > MAPISTORE_MAX_INLINE_VALUE) {
			if (too_big)
				*too_big = true;
			out->tag = e.tag;
			return false;
		}
		if (ctx->backend->external_load(ctx, mem_ctx, type == MAPISTORE_TABLE_HIERARCHY ?
						MAPISTORE_OBJECT_FOLDER : MAPISTORE_OBJECT_MESSAGE,
						src->id, e.tag, &ext, &len) != MAPI_E_SUCCESS)
			return false;
		ok = mapistore_value_decode(mem_ctx, e.tag, ext, len, out) == MAPI_E_SUCCESS;
		talloc_free(ext);
		return ok;
	}
	return mapistore_value_decode(mem_ctx, e.tag, e.data, e.len, out) == MAPI_E_SUCCESS;
}

/*
 * The properties a row has as a member of this table (MS-OXCTABL 2.2.1.2 ff.):
 * PidTagInstanceKey (the row's id, 8 bytes), PidTagInstanceNum and
 * PidTagRowType (a leaf: no categories here), PidTagDepth.
 */
static bool table_value(struct mapistore_table *t, TALLOC_CTX *mem_ctx,
			const struct mapistore_row_source *src, uint32_t inst, uint32_t tag,
			struct mapi_propval *out, bool *too_big)
{
	uint16_t id = MAPI_PROP_ID(tag), type = MAPI_PROP_TYPE(tag);

	if (too_big)
		*too_big = false;
	if (type == PTYP_UNSPECIFIED || type == PTYP_INTEGER32 || type == PTYP_BINARY) {
		if (id == MAPI_PROP_ID(TAG_INSTANCE_KEY) && type != PTYP_INTEGER32) {
			/* the row's id, and in instance tables its instance: unique per row */
			uint32_t len = t->inst ? 12 : 8;
			uint8_t *key = talloc_array(mem_ctx, uint8_t, len);

			if (key == NULL)
				return false;
			for (int i = 0; i < 8; i++)
				key[i] = (uint8_t)(src->id >> (8 * i));
			for (uint32_t i = 8; i < len; i++)
				key[i] = (uint8_t)(inst >> (8 * (i - 8)));
			out->tag = TAG_INSTANCE_KEY;
			out->value.binary.len = len;
			out->value.binary.data = key;
			return true;
		}
		if (type != PTYP_BINARY && (id == MAPI_PROP_ID(TAG_INSTANCE_NUM) || id == MAPI_PROP_ID(TAG_ROW_TYPE) ||
					    id == MAPI_PROP_ID(TAG_DEPTH))) {
			out->tag = MAPI_PROP_TAG(id, PTYP_INTEGER32);
			out->value.i32 = id == MAPI_PROP_ID(TAG_ROW_TYPE) ? 1 : 0;	/* TBL_LEAF_ROW */
			if (id == MAPI_PROP_ID(TAG_INSTANCE_NUM))
				out->value.i32 = inst;
			for (uint32_t i = 0; id == MAPI_PROP_ID(TAG_DEPTH) && i < t->ndepths; i++)
				if (t->depth_ids[i] == src->id)
					out->value.i32 = t->depths[i];
			return true;
		}
	}
	if ((tag & PTYP_MV_INSTANCE) && (tag & PTYP_MV_FLAG)) {
		/* this row's value of the instance property */
		struct mapi_propval mv;

		if (inst == 0 || !row_value(t->ctx, t->type, mem_ctx, src, tag & ~PTYP_MV_INSTANCE, &mv, too_big))
			return false;
		return mapistore_mv_element(&mv, inst - 1, out);
	}
	return row_value(t->ctx, t->type, mem_ctx, src, tag, out, too_big);
}

static bool eval_get(void *obj, uint32_t tag, const struct mapi_propval **value)
{
	struct row_eval *ev = obj;
	bool too_big;

	if (!table_value(ev->table, ev->mem_ctx, &ev->src, ev->inst, tag, &ev->value, &too_big))
		return false;
	*value = &ev->value;
	return true;
}

/* SubObject restrictions over a message's recipients or attachments (MS-OXCDATA 2.12.10). */
struct sub_eval {
	const struct mapi_propval *props;
	uint16_t count;
	const struct mapistore_propbag *bag;
};

static bool sub_get(void *obj, uint32_t tag, const struct mapi_propval **value)
{
	struct sub_eval *se = obj;

	if (se->bag) {
		*value = mapistore_propbag_find(se->bag, tag);
		return *value != NULL;
	}
	for (uint16_t i = 0; i < se->count; i++) {
		if (MAPI_PROP_ID(se->props[i].tag) == MAPI_PROP_ID(tag)) {
			*value = &se->props[i];
			return true;
		}
	}
	return false;
}

static bool eval_sub(void *obj, uint32_t subobject, const struct mapi_restriction *res)
{
	struct row_eval *ev = obj;
	struct mapistore_context *ctx = ev->table->ctx;
	struct mapistore_message_record *rec;
	bool match = false;

	if (ev->table->type == MAPISTORE_TABLE_HIERARCHY)
		return false;
	if (ctx->backend->message_load(ctx, NULL, ev->src.id, &rec) != MAPI_E_SUCCESS)
		return false;
	if (subobject == TAG_MESSAGE_RECIPIENTS) {
		for (uint32_t i = 0; !match && i < rec->recipient_count; i++) {
			struct sub_eval se = { .props = rec->recipients[i].props, .count = rec->recipients[i].count };

			match = mapistore_restriction_eval(res, sub_get, NULL, &se, NULL);
		}
	} else if (subobject == TAG_MESSAGE_ATTACHMENTS) {
		for (uint32_t i = 0; !match && i < rec->attach_count; i++) {
			struct sub_eval se = { 0 };

			if (ctx->backend->attachment_load(ctx, rec, &rec->attachments[i]) != MAPI_E_SUCCESS)
				continue;
			se.bag = rec->attachments[i].props;
			match = mapistore_restriction_eval(res, sub_get, NULL, &se, NULL);
		}
	}
	talloc_free(rec);
	return match;
}

/* A read snapshot over a table operation's many row reads (none inside a write). */
static bool read_begin(struct mapistore_context *ctx)
{
	if (ctx->in_transaction || ctx->in_batch || ctx->in_snapshot)
		return false;
	ctx->in_snapshot = ctx->backend->read_begin(ctx) == MAPI_E_SUCCESS;
	return ctx->in_snapshot;
}

static void read_end(struct mapistore_context *ctx, bool began)
{
	if (began) {
		ctx->backend->read_end(ctx);
		ctx->in_snapshot = false;
	}
}

/* --- loading the rows -------------------------------------------------------------------------- */

struct sort_row {
	uint64_t id;
	uint32_t inst;
	struct mapi_propval *keys;	/* one per sort key; tag 0: absent */
};

static int compare_rows(const void *a, const void *b, void *arg)
{
	const struct sort_row *x = a, *y = b;
	const struct mapi_sort_order_set *sorts = arg;

	for (uint16_t i = 0; i < sorts->count; i++) {
		const struct mapi_propval *kx = &x->keys[i], *ky = &y->keys[i];
		int r;

		/* absent values sort first, as SQL's NULLs do */
		if (kx->tag == 0 || ky->tag == 0)
			r = (kx->tag != 0) - (ky->tag != 0);
		else
			r = mapistore_propval_compare(kx, ky);
		if (sorts->sorts[i].order == MAPI_SORT_DESCEND)
			r = -r;
		if (r)
			return r;
	}
	if (x->id != y->id)
		return x->id < y->id ? -1 : 1;
	return x->inst < y->inst ? -1 : x->inst > y->inst;
}

static enum MAPISTATUS table_load_ids(struct mapistore_table *t);

static enum MAPISTATUS table_load(struct mapistore_table *t)
{
	bool snap = read_begin(t->ctx);
	enum MAPISTATUS ret = table_load_ids(t);

	read_end(t->ctx, snap);
	return ret;
}

static enum MAPISTATUS table_load_ids(struct mapistore_table *t)
{
	struct mapistore_context *ctx = t->ctx;
	struct mapistore_table_query q = {
		.type = t->type, .fid = t->fid, .flags = t->flags,
		.restriction = t->res, .sorts = t->sorts,
	};
	const struct mapi_restriction *residual = NULL;
	TALLOC_CTX *tmp;
	uint64_t *ids = NULL, version;
	uint32_t *inst;
	uint32_t count = 0, kept = 0;
	bool sorted = false;
	enum MAPISTATUS ret;

	ret = ctx->backend->folder_version(ctx, t->fid, &version);
	if (ret != MAPI_E_SUCCESS)
		return ret == MAPI_E_NOT_FOUND ? MAPI_E_OBJECT_DELETED : ret;
	/* the instance property: a sort key's, else a column's */
	t->mvi_tag = 0;
	for (uint16_t i = 0; t->sorts && !t->mvi_tag && i < t->sorts->count; i++)
		if ((t->sorts->sorts[i].tag & PTYP_MV_INSTANCE) && (t->sorts->sorts[i].tag & PTYP_MV_FLAG))
			t->mvi_tag = t->sorts->sorts[i].tag & ~PTYP_MV_INSTANCE;
	for (uint16_t i = 0; !t->mvi_tag && i < t->ncols; i++)
		if ((t->cols[i] & PTYP_MV_INSTANCE) && (t->cols[i] & PTYP_MV_FLAG))
			t->mvi_tag = t->cols[i] & ~PTYP_MV_INSTANCE;
	tmp = talloc_new(NULL);
	if (tmp == NULL)
		return MAPI_E_NOT_ENOUGH_MEMORY;
	ret = ctx->backend->table_ids(ctx, tmp, &q, &count, &ids, &residual, &sorted);
	if (ret != MAPI_E_SUCCESS)
		goto done;
	if (t->type == MAPISTORE_TABLE_HIERARCHY && (t->flags & MAPISTORE_TABLE_DEPTH)) {
		/* the backend lists the subtree breadth first: parents before their children */
		TALLOC_FREE(t->depth_ids);
		TALLOC_FREE(t->depths);
		t->ndepths = 0;
		t->depth_ids = talloc_array(t, uint64_t, count + 1);
		t->depths = talloc_zero_array(t, uint32_t, count + 1);
		if (t->depth_ids == NULL || t->depths == NULL) {
			ret = MAPI_E_NOT_ENOUGH_MEMORY;
			goto done;
		}
		memcpy(t->depth_ids, ids, count * sizeof(uint64_t));
		for (uint32_t i = 0; i < count; i++) {
			struct mapistore_row_source src;

			if (ctx->backend->row_fetch(ctx, t->type, ids[i], &src) != MAPI_E_SUCCESS)
				continue;
			for (uint32_t k = 0; k < i; k++)
				if (ids[k] == src.parent)
					t->depths[i] = t->depths[k] + 1;
		}
		t->ndepths = count;
	}
	if (residual) {
		struct mapistore_count_state state = { 0 };
		struct row_eval ev = { .table = t };

		for (uint32_t i = 0; i < count; i++) {
			ev.mem_ctx = talloc_new(tmp);
			if (ctx->backend->row_fetch(ctx, t->type, ids[i], &ev.src) == MAPI_E_SUCCESS &&
			    mapistore_restriction_eval(residual, eval_get, eval_sub, &ev, &state))
				ids[kept++] = ids[i];
			talloc_free(ev.mem_ctx);
		}
		count = kept;
	}
	inst = NULL;
	if (t->mvi_tag) {
		/* one row per value of the instance property (MS-OXCTABL 3.2.5.1.1) */
		uint32_t total = 0, k = 0;
		uint32_t *per = talloc_zero_array(tmp, uint32_t, count + 1);
		uint64_t *nids;

		if (per == NULL) {
			ret = MAPI_E_NOT_ENOUGH_MEMORY;
			goto done;
		}
		for (uint32_t i = 0; i < count; i++) {
			struct mapistore_row_source src;
			struct mapi_propval mv;
			TALLOC_CTX *vtmp = talloc_new(tmp);

			if (ctx->backend->row_fetch(ctx, t->type, ids[i], &src) == MAPI_E_SUCCESS &&
			    row_value(ctx, t->type, vtmp, &src, t->mvi_tag, &mv, NULL))
				per[i] = mapistore_mv_count(&mv);
			talloc_free(vtmp);
			total += per[i] ? per[i] : 1;
		}
		nids = talloc_array(tmp, uint64_t, total + 1);
		inst = talloc_array(tmp, uint32_t, total + 1);
		if (nids == NULL || inst == NULL) {
			ret = MAPI_E_NOT_ENOUGH_MEMORY;
			goto done;
		}
		for (uint32_t i = 0; i < count; i++) {
			for (uint32_t n = 0; n < (per[i] ? per[i] : 1); n++) {
				nids[k] = ids[i];
				inst[k++] = per[i] ? n + 1 : 0;
			}
		}
		ids = nids;
		count = total;
	}
	if (!sorted && t->sorts && t->sorts->count && count) {
		struct sort_row *rows = talloc_array(tmp, struct sort_row, count);

		if (rows == NULL) {
			ret = MAPI_E_NOT_ENOUGH_MEMORY;
			goto done;
		}
		for (uint32_t i = 0; i < count; i++) {
			struct mapistore_row_source src;

			rows[i].id = ids[i];
			rows[i].inst = inst ? inst[i] : 0;
			rows[i].keys = talloc_zero_array(rows, struct mapi_propval, t->sorts->count);
			if (rows[i].keys == NULL) {
				ret = MAPI_E_NOT_ENOUGH_MEMORY;
				goto done;
			}
			if (ctx->backend->row_fetch(ctx, t->type, ids[i], &src) != MAPI_E_SUCCESS)
				continue;
			for (uint16_t k = 0; k < t->sorts->count; k++) {
				uint32_t key = t->sorts->sorts[k].tag;

				if (!(key & PTYP_MV_INSTANCE) || !t->mvi_tag)
					key &= ~PTYP_MV_INSTANCE;
				if (!table_value(t, rows[i].keys, &src, rows[i].inst, key, &rows[i].keys[k], NULL))
					rows[i].keys[k].tag = 0;
			}
		}
		qsort_r(rows, count, sizeof(rows[0]), compare_rows, t->sorts);
		for (uint32_t i = 0; i < count; i++) {
			ids[i] = rows[i].id;
			if (inst)
				inst[i] = rows[i].inst;
		}
	}
	talloc_free(t->ids);
	talloc_free(t->inst);
	t->ids = talloc_steal(t, ids);
	t->inst = talloc_steal(t, inst);
	t->count = count;
	t->version = version;
	t->loaded = true;
done:
	talloc_free(tmp);
	return ret;
}

/* Re-read the rows if the folder changed, keeping the cursor on the same row if it is still there. */
static enum MAPISTATUS table_refresh(struct mapistore_table *t)
{
	uint64_t version, cur = 0;
	uint32_t oldpos = t->pos, cur_inst = 0;
	enum MAPISTATUS ret;

	if (t->loaded) {
		ret = t->ctx->backend->folder_version(t->ctx, t->fid, &version);
		if (ret != MAPI_E_SUCCESS)
			return ret == MAPI_E_NOT_FOUND ? MAPI_E_OBJECT_DELETED : ret;
		if (version == t->version)
			return MAPI_E_SUCCESS;
		if (t->pos < t->count) {
			cur = t->ids[t->pos];
			cur_inst = t->inst ? t->inst[t->pos] : 0;
		}
	}
	ret = table_load(t);
	if (ret != MAPI_E_SUCCESS)
		return ret;
	t->pos = oldpos > t->count ? t->count : oldpos;
	for (uint32_t i = 0; cur && i < t->count; i++) {
		if (t->ids[i] == cur && (t->inst == NULL || t->inst[i] == cur_inst)) {
			t->pos = i;
			break;
		}
	}
	return MAPI_E_SUCCESS;
}

bool mapistore_table_stale(struct mapistore_table *t)
{
	uint64_t version;

	if (t == NULL || !t->loaded)
		return true;
	return t->ctx->backend->folder_version(t->ctx, t->fid, &version) != MAPI_E_SUCCESS ||
	       version != t->version;
}

/* --- the API ----------------------------------------------------------------------------------- */

enum MAPISTATUS mapistore_table_open(struct mapistore_folder *folder, TALLOC_CTX *mem_ctx,
				     enum mapistore_table_type type, uint32_t flags,
				     struct mapistore_table **out)
{
	struct mapistore_table *t;

	if (folder == NULL || out == NULL || type > MAPISTORE_TABLE_ASSOCIATED ||
	    (flags & ~(MAPISTORE_TABLE_DEPTH | MAPISTORE_TABLE_SOFT_DELETES)))
		return MAPI_E_INVALID_PARAMETER;
	if ((flags & MAPISTORE_TABLE_DEPTH) && type != MAPISTORE_TABLE_HIERARCHY)
		return MAPI_E_NO_SUPPORT;
	t = talloc_zero(mem_ctx, struct mapistore_table);
	if (t == NULL)
		return MAPI_E_NOT_ENOUGH_MEMORY;
	t->ctx = folder->ctx;
	t->type = type;
	t->fid = folder->fid;
	t->flags = flags;
	t->next_bookmark = 1;
	*out = t;
	return MAPI_E_SUCCESS;
}

enum MAPISTATUS mapistore_table_set_columns(struct mapistore_table *t, uint16_t count,
					    const uint32_t *tags)
{
	uint32_t *cols;
	bool instances = false;

	if (t == NULL || count == 0 || tags == NULL)
		return MAPI_E_INVALID_PARAMETER;
	for (uint16_t i = 0; i < count; i++) {
		uint16_t type = MAPI_PROP_TYPE(tags[i]) & ~PTYP_MV_INSTANCE;

		if (type != PTYP_UNSPECIFIED && !oxcdata_ptyp_is_valid(type))
			return MAPI_E_INVALID_PARAMETER;
		/* MultivalueInstance only on a multi-valued type (MS-OXCTABL 2.2.2.1.3) */
		if ((MAPI_PROP_TYPE(tags[i]) & PTYP_MV_INSTANCE) && !(type & PTYP_MV_FLAG))
			return MAPI_E_INVALID_PARAMETER;
		instances |= (tags[i] & PTYP_MV_INSTANCE) != 0;
	}
	/* instance columns make rows of values: the rows change */
	if (instances || t->mvi_tag) {
		t->loaded = false;
		t->pos = 0;
	}
	cols = talloc_memdup(t, tags, count * sizeof(uint32_t));
	if (cols == NULL)
		return MAPI_E_NOT_ENOUGH_MEMORY;
	talloc_free(t->cols);
	t->cols = cols;
	t->ncols = count;
	return MAPI_E_SUCCESS;
}

enum MAPISTATUS mapistore_table_sort(struct mapistore_table *t, const struct mapi_sort_order_set *sorts)
{
	struct mapi_sort_order_set *copy = NULL;

	if (t == NULL)
		return MAPI_E_INVALID_PARAMETER;
	if (sorts && sorts->count) {
		for (uint16_t i = 0; i < sorts->count; i++) {
			uint8_t order = sorts->sorts[i].order;

			if (order != MAPI_SORT_ASCEND && order != MAPI_SORT_DESCEND &&
			    order != MAPI_SORT_MAXIMUM_CATEGORY)
				return MAPI_E_INVALID_PARAMETER;
			if (MAPI_PROP_TYPE(sorts->sorts[i].tag) == PTYP_UNSPECIFIED)
				return MAPI_E_INVALID_PARAMETER;
		}
		copy = talloc_zero(t, struct mapi_sort_order_set);
		if (copy == NULL)
			return MAPI_E_NOT_ENOUGH_MEMORY;
		*copy = *sorts;
		copy->sorts = talloc_memdup(copy, sorts->sorts, sorts->count * sizeof(sorts->sorts[0]));
		if (copy->sorts == NULL) {
			talloc_free(copy);
			return MAPI_E_NOT_ENOUGH_MEMORY;
		}
	}
	talloc_free(t->sorts);
	t->sorts = copy;
	t->loaded = false;
	t->pos = 0;
	return MAPI_E_SUCCESS;
}

enum MAPISTATUS mapistore_table_restrict(struct mapistore_table *t, const struct mapi_restriction *res)
{
	struct mapi_restriction *copy = NULL;

	if (t == NULL)
		return MAPI_E_INVALID_PARAMETER;
	if (res) {
		/* a deep copy through the wire form, which also checks the nesting depth */
		struct oxcdata_push push;
		struct oxcdata_pull pull;
		enum wire_error err;

		oxcdata_push_init(&push, NULL);
		err = oxcdata_restriction_push(&push, res);
		if (err == WIRE_OK) {
			oxcdata_pull_init(&pull, push.data, push.len);
			err = oxcdata_restriction_pull(&pull, t, &copy);
		}
		talloc_free(push.data);
		if (err != WIRE_OK)
			return err == WIRE_ERR_NO_MEMORY ? MAPI_E_NOT_ENOUGH_MEMORY
			       : err == WIRE_ERR_TOO_DEEP ? MAPI_E_TOO_COMPLEX : MAPI_E_INVALID_PARAMETER;
	}
	talloc_free(t->res);
	t->res = copy;
	t->loaded = false;
	t->pos = 0;
	return MAPI_E_SUCCESS;
}

enum MAPISTATUS mapistore_table_position(struct mapistore_table *t, uint32_t *position,
					 uint32_t *row_count)
{
	enum MAPISTATUS ret;

	if (t == NULL)
		return MAPI_E_INVALID_PARAMETER;
	ret = table_refresh(t);
	if (ret != MAPI_E_SUCCESS)
		return ret;
	if (position)
		*position = t->pos;
	if (row_count)
		*row_count = t->count;
	return MAPI_E_SUCCESS;
}

static enum MAPISTATUS fill_row(struct mapistore_table *t, TALLOC_CTX *mem_ctx, uint64_t id,
				uint32_t inst, struct mapi_property_row *row)
{
	struct mapistore_row_source src;
	enum MAPISTATUS ret;

	row->flag = MAPI_ROW_STANDARD;
	row->count = t->ncols;
	row->values = talloc_array(mem_ctx, struct mapi_flagged_propval, t->ncols);
	if (row->values == NULL)
		return MAPI_E_NOT_ENOUGH_MEMORY;
	ret = t->ctx->backend->row_fetch(t->ctx, t->type, id, &src);
	if (ret != MAPI_E_SUCCESS)
		return ret;
	for (uint16_t c = 0; c < t->ncols; c++) {
		struct mapi_flagged_propval *v = &row->values[c];
		uint32_t tag = t->cols[c];
		bool too_big;

		if (!t->inst || MAPI_PROP_TAG(MAPI_PROP_ID(tag), MAPI_PROP_TYPE(tag) & ~PTYP_MV_INSTANCE) != t->mvi_tag)
			tag &= ~PTYP_MV_INSTANCE;	/* only the table's instance column is per value */
		if (table_value(t, row->values, &src, inst, tag, &v->pv, &too_big)) {
			v->flag = MAPI_PROPVAL_PRESENT;
			continue;
		}
		/* absent, or too large for a row: readable through a stream (MS-OXCTABL 2.2.2.14) */
		row->flag = MAPI_ROW_FLAGGED;
		v->flag = MAPI_PROPVAL_ERROR;
		v->pv.tag = MAPI_PROP_TAG(MAPI_PROP_ID(tag), PTYP_ERRORCODE);
		v->pv.value.error_code = too_big ? MAPI_E_NOT_ENOUGH_MEMORY : MAPI_E_NOT_FOUND;
	}
	return MAPI_E_SUCCESS;
}

enum MAPISTATUS mapistore_table_query_rows(struct mapistore_table *t, TALLOC_CTX *mem_ctx,
					   uint32_t max, bool forward, bool no_advance,
					   uint32_t *count, struct mapi_property_row **rows,
					   uint64_t **ids)
{
	struct mapi_property_row *r;
	uint64_t *rid = NULL;
	uint32_t n, start;
	enum MAPISTATUS ret;
	bool snap;

	if (t == NULL || count == NULL || rows == NULL)
		return MAPI_E_INVALID_PARAMETER;
	if (t->ncols == 0)
		return MAPI_E_NOT_INITIALIZED;	/* no SetColumns yet */
	/* one snapshot for the ids and the rows: no row can vanish in between */
	snap = read_begin(t->ctx);
	ret = table_refresh(t);
	if (ret != MAPI_E_SUCCESS) {
		read_end(t->ctx, snap);
		return ret;
	}
	if (forward) {
		start = t->pos;
		n = t->count - t->pos;
	} else {
		/* backward: the rows before the cursor, nearest first (MS-OXCTABL 3.2.5.5) */
		n = t->pos;
		start = t->pos;
	}
	if (n > max)
		n = max;
	r = talloc_zero_array(mem_ctx, struct mapi_property_row, n ? n : 1);
	if (ids)
		rid = talloc_array(mem_ctx, uint64_t, n ? n : 1);
	if (r == NULL || (ids && rid == NULL)) {
		read_end(t->ctx, snap);
		talloc_free(r);
		return MAPI_E_NOT_ENOUGH_MEMORY;
	}
	for (uint32_t i = 0; i < n; i++) {
		uint32_t idx = forward ? start + i : start - 1 - i;

		ret = fill_row(t, r, t->ids[idx], t->inst ? t->inst[idx] : 0, &r[i]);
		if (ret != MAPI_E_SUCCESS) {
			read_end(t->ctx, snap);
			talloc_free(r);
			talloc_free(rid);
			return ret;
		}
		if (rid)
			rid[i] = t->ids[idx];
	}
	read_end(t->ctx, snap);
	if (!no_advance)
		t->pos = forward ? start + n : start - n;
	*count = n;
	*rows = r;
	if (ids)
		*ids = rid;
	return MAPI_E_SUCCESS;
}

static enum MAPISTATUS seek_from(struct mapistore_table *t, uint32_t base, int32_t count, int32_t *moved)
{
	int64_t target = (int64_t)base + count;

	if (target < 0)
		target = 0;
	if (target > t->count)
		target = t->count;
	if (moved)
		*moved = (int32_t)(target - base);
	t->pos = (uint32_t)target;
	return MAPI_E_SUCCESS;
}

enum MAPISTATUS mapistore_table_seek(struct mapistore_table *t, enum mapistore_bookmark_origin origin,
				     int32_t count, int32_t *moved)
{
	enum MAPISTATUS ret;
	uint32_t base;

	if (t == NULL)
		return MAPI_E_INVALID_PARAMETER;
	ret = table_refresh(t);
	if (ret != MAPI_E_SUCCESS)
		return ret;
	switch (origin) {
	case MAPISTORE_BOOKMARK_BEGINNING: base = 0; break;
	case MAPISTORE_BOOKMARK_CURRENT: base = t->pos; break;
	case MAPISTORE_BOOKMARK_END: base = t->count; break;
	default: return MAPI_E_INVALID_PARAMETER;
	}
	return seek_from(t, base, count, moved);
}

enum MAPISTATUS mapistore_table_seek_fraction(struct mapistore_table *t, uint32_t numerator,
					      uint32_t denominator)
{
	enum MAPISTATUS ret;

	if (t == NULL || denominator == 0)
		return MAPI_E_INVALID_PARAMETER;
	ret = table_refresh(t);
	if (ret != MAPI_E_SUCCESS)
		return ret;
	/* MS-OXCTABL 3.2.5.8: numerator > denominator puts the cursor at the end */
	if (numerator >= denominator)
		t->pos = t->count;
	else
		t->pos = (uint32_t)(((uint64_t)t->count * numerator) / denominator);
	return MAPI_E_SUCCESS;
}

enum MAPISTATUS mapistore_table_bookmark_create(struct mapistore_table *t, uint32_t *bookmark)
{
	struct table_bookmark *b;
	enum MAPISTATUS ret;

	if (t == NULL || bookmark == NULL)
		return MAPI_E_INVALID_PARAMETER;
	ret = table_refresh(t);
	if (ret != MAPI_E_SUCCESS)
		return ret;
	b = talloc_realloc(t, t->bookmarks, struct table_bookmark, t->nbookmarks + 1);
	if (b == NULL)
		return MAPI_E_NOT_ENOUGH_MEMORY;
	t->bookmarks = b;
	b[t->nbookmarks].id = t->next_bookmark++;
	b[t->nbookmarks].row = t->pos < t->count ? t->ids[t->pos] : 0;
	b[t->nbookmarks].inst = t->pos < t->count && t->inst ? t->inst[t->pos] : 0;
	b[t->nbookmarks].position = t->pos;
	*bookmark = b[t->nbookmarks].id;
	t->nbookmarks++;
	return MAPI_E_SUCCESS;
}

static struct table_bookmark *find_bookmark(struct mapistore_table *t, uint32_t id)
{
	for (uint32_t i = 0; i < t->nbookmarks; i++)
		if (t->bookmarks[i].id == id)
			return &t->bookmarks[i];
	return NULL;
}

enum MAPISTATUS mapistore_table_bookmark_seek(struct mapistore_table *t, uint32_t bookmark,
					      int32_t count, bool *row_no_longer_visible,
					      int32_t *moved)
{
	struct table_bookmark *b;
	enum MAPISTATUS ret;
	uint32_t base;
	bool gone = true;

	if (t == NULL)
		return MAPI_E_INVALID_PARAMETER;
	b = find_bookmark(t, bookmark);
	if (b == NULL)
		return MAPI_E_INVALID_BOOKMARK;
	ret = table_refresh(t);
	if (ret != MAPI_E_SUCCESS)
		return ret;
	base = b->position > t->count ? t->count : b->position;
	if (b->row == 0) {
		gone = false;	/* a bookmark at the end stays at the end */
	} else {
		for (uint32_t i = 0; i < t->count; i++) {
			if (t->ids[i] == b->row && (t->inst == NULL || t->inst[i] == b->inst)) {
				base = i;
				gone = false;
				break;
			}
		}
	}
	if (row_no_longer_visible)
		*row_no_longer_visible = gone;
	return seek_from(t, base, count, moved);
}

enum MAPISTATUS mapistore_table_bookmark_free(struct mapistore_table *t, uint32_t bookmark)
{
	struct table_bookmark *b;

	if (t == NULL)
		return MAPI_E_INVALID_PARAMETER;
	b = find_bookmark(t, bookmark);
	if (b == NULL)
		return MAPI_E_INVALID_BOOKMARK;
	*b = t->bookmarks[--t->nbookmarks];
	return MAPI_E_SUCCESS;
}

enum MAPISTATUS mapistore_table_find_row(struct mapistore_table *t, const struct mapi_restriction *res,
					 enum mapistore_bookmark_origin origin, bool backward,
					 uint32_t *position)
{
	struct mapistore_count_state state = { 0 };
	struct row_eval ev = { .table = t };
	enum MAPISTATUS ret;
	int64_t i;
	bool snap;

	if (t == NULL || res == NULL)
		return MAPI_E_INVALID_PARAMETER;
	snap = read_begin(t->ctx);
	ret = table_refresh(t);
	if (ret != MAPI_E_SUCCESS) {
		read_end(t->ctx, snap);
		return ret;
	}
	switch (origin) {
	case MAPISTORE_BOOKMARK_BEGINNING: i = backward ? -1 : 0; break;
	case MAPISTORE_BOOKMARK_CURRENT: i = backward ? (int64_t)t->pos - 1 : t->pos; break;
	case MAPISTORE_BOOKMARK_END: i = backward ? (int64_t)t->count - 1 : t->count; break;
	default:
		read_end(t->ctx, snap);
		return MAPI_E_INVALID_PARAMETER;
	}
	for (; i >= 0 && i < t->count; i += backward ? -1 : 1) {
		bool match;

		ev.mem_ctx = talloc_new(NULL);
		ev.inst = t->inst ? t->inst[i] : 0;
		match = t->ctx->backend->row_fetch(t->ctx, t->type, t->ids[i], &ev.src) == MAPI_E_SUCCESS &&
			mapistore_restriction_eval(res, eval_get, eval_sub, &ev, &state);
		talloc_free(ev.mem_ctx);
		if (match) {
			read_end(t->ctx, snap);
			t->pos = (uint32_t)i;
			if (position)
				*position = t->pos;
			return MAPI_E_SUCCESS;
		}
	}
	read_end(t->ctx, snap);
	return MAPI_E_NOT_FOUND;
}

enum MAPISTATUS mapistore_table_columns_all(struct mapistore_table *t, TALLOC_CTX *mem_ctx,
					    uint16_t *count, uint32_t **tags)
{
	static const uint32_t folder_cols[] = {
		TAG_FOLDER_ID, TAG_PARENT_FOLDER_ID, TAG_CHANGE_NUMBER, TAG_FOLDER_TYPE, TAG_ENTRYID,
		TAG_SOURCE_KEY, TAG_CONTENT_COUNT, TAG_CONTENT_UNREAD_COUNT, TAG_SUBFOLDERS,
		TAG_FOLDER_CHILD_COUNT,
	};
	static const uint32_t message_cols[] = {
		TAG_MID, TAG_FOLDER_ID, TAG_CHANGE_NUMBER, TAG_MESSAGE_FLAGS, TAG_MESSAGE_SIZE,
		TAG_HAS_ATTACHMENTS, TAG_READ, TAG_ENTRYID, TAG_SOURCE_KEY,
	};
	const uint32_t *base = t && t->type == MAPISTORE_TABLE_HIERARCHY ? folder_cols : message_cols;
	size_t nbase = t && t->type == MAPISTORE_TABLE_HIERARCHY ? sizeof(folder_cols) / 4
								   : sizeof(message_cols) / 4;
	uint32_t *v;
	uint32_t n, alloc;
	enum MAPISTATUS ret;

	if (t == NULL || count == NULL || tags == NULL)
		return MAPI_E_INVALID_PARAMETER;
	ret = table_refresh(t);
	if (ret != MAPI_E_SUCCESS)
		return ret;
	alloc = (uint32_t)nbase + 64;
	v = talloc_array(mem_ctx, uint32_t, alloc);
	if (v == NULL)
		return MAPI_E_NOT_ENOUGH_MEMORY;
	memcpy(v, base, nbase * sizeof(uint32_t));
	n = (uint32_t)nbase;
	for (uint32_t r = 0; r < t->count && n < 0xFFFF; r++) {
		struct mapistore_row_source src;
		struct mapistore_blob_entry e;
		size_t off = 0;

		if (t->ctx->backend->row_fetch(t->ctx, t->type, t->ids[r], &src) != MAPI_E_SUCCESS)
			continue;
		while (mapistore_blob_next(src.blob, src.blob_len, &off, &e)) {
			uint32_t k;

			for (k = 0; k < n && v[k] != e.tag; k++)
				;
			if (k < n)
				continue;
			if (n == alloc) {
				uint32_t *nv = talloc_realloc(mem_ctx, v, uint32_t, alloc * 2);

				if (nv == NULL) {
					talloc_free(v);
					return MAPI_E_NOT_ENOUGH_MEMORY;
				}
				v = nv;
				alloc *= 2;
			}
			v[n++] = e.tag;
		}
	}
	*count = (uint16_t)n;
	*tags = v;
	return MAPI_E_SUCCESS;
}

enum MAPISTATUS mapistore_table_reset(struct mapistore_table *t)
{
	if (t == NULL)
		return MAPI_E_INVALID_PARAMETER;
	TALLOC_FREE(t->cols);
	t->ncols = 0;
	TALLOC_FREE(t->sorts);
	TALLOC_FREE(t->res);
	TALLOC_FREE(t->bookmarks);
	t->nbookmarks = 0;
	t->loaded = false;
	t->pos = 0;
	return MAPI_E_SUCCESS;
}

