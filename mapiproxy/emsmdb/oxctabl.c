/*
 * OpenChange mapiproxy EMSMDB: the table ROPs of MS-OXCTABL.
 *
 * A table object (objects.h) shows the rows of one of two sources:
 *   - hierarchy, contents and associated contents tables: a mapistore
 *     table, which keeps the columns, sort, restriction, cursor and
 *     bookmarks, and re-reads its rows when its folder changed (by this
 *     connection or another: "tables follow changes made while they are
 *     open");
 *   - attachment tables (RopGetAttachmentTable, oxcmsg.c): the attachments
 *     of an open message, read again at every ROP from
 *     mapistore_message_attachment_rows(), with the sort, restriction,
 *     cursor and bookmarks kept here (struct table_state).
 * Every ROP handler below goes through the view_*() functions, which
 * answer for both sources.
 *
 * Categorized views (RopSortTable CategorizedCount, RopExpandRow,
 * RopCollapseRow, RopGetCollapseState, RopSetCollapseState) are not
 * supported: mapistore tables have leaf rows only.  RopSortTable with
 * categories answers ecNotSupported, and the four category ROPs have no
 * handler, so the dispatcher answers them ecNotSupported too.
 *
 * Copyright (C) OpenChange developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE	/* qsort_r */
#endif
#include <stdlib.h>
#include <string.h>
#include <talloc.h>

#include "mapiproxy/emsmdb/oxctabl.h"
#include "mapiproxy/emsmdb/rop_dispatch.h"
#include "libmapi/codepage.h"

/* SetColumnsFlags, SortTableFlags, RestrictFlags (MS-OXCTABL 2.2.2.2.1 ff.) */
#define TBL_ASYNC 0x01
#define TBL_BATCH 0x02
/* QueryRowsFlags (MS-OXCTABL 2.2.2.5.1) */
#define QUERY_ROWS_NO_ADVANCE 0x01
#define QUERY_ROWS_ENABLE_PACKED_BUFFERS 0x02
/* FindRowFlags (MS-OXCTABL 2.2.2.14.1) */
#define FIND_ROW_BACKWARD 0x01

/* PidTagAttachNumber (MS-OXPROPS 2.600): the attachment table's row identity */
#define TAG_ATTACH_NUMBER 0x0E210003u

/* RopQueryRows' response before its rows: RopId, index, ReturnValue, Origin, RowCount */
#define QUERY_ROWS_HEAD (6 + 1 + 2)
/* RopFindRow's: RopId, index, ReturnValue, RowNoLongerVisible, HasRowData */
#define FIND_ROW_HEAD (6 + 1 + 1)

/* A bookmark of an attachment table: the row's attach number where it was. */
struct attach_bookmark {
	uint32_t id;
	uint32_t num;
	uint32_t position;
	bool at_end;
};

/* oxctabl.c's part of a table object (emsmdb_table.private_data). */
struct table_state {
	/*
	 * The bookmarks handed out since the last sort, restriction or reset;
	 * those ROPs make every bookmark invalid (MS-OXCTABL 3.2.5.3, 3.2.5.4,
	 * 3.2.5.14), which mapistore does not do for sorts and restrictions.
	 */
	uint32_t nbookmarks;
	struct attach_bookmark *bookmarks;	/* only .id for mapistore tables */
	uint32_t next_bookmark;
	/* attachment tables: what mapistore keeps for the others */
	uint32_t pos;
	struct mapi_sort_order_set *sorts;
	struct mapi_restriction *res;
};

static struct table_state *state_of(struct emsmdb_table *t)
{
	if (t->private_data == NULL) {
		struct table_state *st = talloc_zero(t, struct table_state);

		if (st != NULL) {
			st->next_bookmark = 1;
		}
		t->private_data = st;
	}
	return t->private_data;
}

static bool is_attachment_table(const struct emsmdb_table *t)
{
	return t->kind == EMSMDB_TABLE_ATTACHMENTS;
}

/*
 * The table a handler works on.  The dispatcher hands over any object, so
 * that one of another type can get MS-OXCTABL's ecNotSupported ("not of
 * type table", 3.2.5.x) rather than ecNullObject.
 */
static enum MAPISTATUS input_table(struct emsmdb_rop_ctx *ctx, struct emsmdb_table **table,
				   struct table_state **st)
{
	struct emsmdb_table *t = emsmdb_table_of(ctx->input);

	*table = NULL;
	if (ctx->input == NULL) {
		return EC_NULL_OBJECT;
	}
	if (t == NULL) {
		return MAPI_E_NO_SUPPORT;
	}
	if (is_attachment_table(t) ? t->message == NULL || t->message->msg == NULL
				   : t->table == NULL) {
		return EC_NULL_OBJECT;
	}
	*st = state_of(t);
	if (*st == NULL) {
		return MAPI_E_NOT_ENOUGH_MEMORY;
	}
	*table = t;
	return MAPI_E_SUCCESS;
}

/* --- attachment tables ------------------------------------------------------ */

struct tag_list {
	uint16_t count;
	uint32_t *tags;
};

static bool tag_list_add(TALLOC_CTX *mem_ctx, struct tag_list *l, uint32_t tag)
{
	uint32_t *n;

	for (uint16_t i = 0; i < l->count; i++) {
		if (l->tags[i] == tag) {
			return true;
		}
	}
	if (l->count == UINT16_MAX) {
		return false;
	}
	n = talloc_realloc(mem_ctx, l->tags, uint32_t, l->count + 1);
	if (n == NULL) {
		return false;
	}
	n[l->count++] = tag;
	l->tags = n;
	return true;
}

/* Every property a restriction looks at, so one read of the rows can evaluate it. */
static bool restriction_tags(TALLOC_CTX *mem_ctx, const struct mapi_restriction *r,
			     struct tag_list *l)
{
	if (r == NULL) {
		return true;
	}
	switch (r->type) {
	case MAPI_RES_AND:
	case MAPI_RES_OR:
		for (uint16_t i = 0; i < r->u.and_or.count; i++) {
			if (!restriction_tags(mem_ctx, &r->u.and_or.items[i], l)) {
				return false;
			}
		}
		return true;
	case MAPI_RES_NOT:
		return restriction_tags(mem_ctx, r->u.not_.sub, l);
	case MAPI_RES_CONTENT:
		return tag_list_add(mem_ctx, l, r->u.content.tag);
	case MAPI_RES_PROPERTY:
		return tag_list_add(mem_ctx, l, r->u.property.tag);
	case MAPI_RES_COMPAREPROPS:
		return tag_list_add(mem_ctx, l, r->u.compare.tag1) &&
		       tag_list_add(mem_ctx, l, r->u.compare.tag2);
	case MAPI_RES_BITMASK:
		return tag_list_add(mem_ctx, l, r->u.bitmask.tag);
	case MAPI_RES_SIZE:
		return tag_list_add(mem_ctx, l, r->u.size.tag);
	case MAPI_RES_EXIST:
		return tag_list_add(mem_ctx, l, r->u.exist.tag);
	case MAPI_RES_COMMENT:
		return restriction_tags(mem_ctx, r->u.comment.sub, l);
	case MAPI_RES_COUNT:
		return restriction_tags(mem_ctx, r->u.count.sub, l);
	default:
		return true;	/* SubObject: attachments have none */
	}
}

/* The rows of an attachment table in table order, with every tag of TAGS. */
struct att_view {
	struct tag_list tags;		/* the columns asked, then the rest needed, then the number */
	uint16_t ncols;
	uint32_t count;
	struct mapi_property_row *rows;
	uint32_t *nums;
};

struct att_row_eval {
	const struct att_view *view;
	const struct mapi_property_row *row;
};

static bool att_get(void *obj, uint32_t tag, const struct mapi_propval **value)
{
	struct att_row_eval *ev = obj;

	for (uint16_t i = 0; i < ev->view->tags.count; i++) {
		if (ev->view->tags.tags[i] == tag) {
			if (ev->row->values[i].flag != MAPI_PROPVAL_PRESENT) {
				return false;
			}
			*value = &ev->row->values[i].pv;
			return true;
		}
	}
	return false;
}

static bool att_matches(const struct att_view *v, const struct mapi_property_row *row,
			const struct mapi_restriction *res, struct mapistore_count_state *state)
{
	struct att_row_eval ev = { .view = v, .row = row };

	return mapistore_restriction_eval(res, att_get, NULL, &ev, state);
}

struct att_sort {
	const struct att_view *view;
	const struct mapi_sort_order_set *sorts;
};

static const struct mapi_propval *att_key(const struct att_view *v,
					  const struct mapi_property_row *row, uint32_t tag)
{
	const struct mapi_propval *value = NULL;
	struct att_row_eval ev = { .view = v, .row = row };

	return att_get(&ev, tag, &value) ? value : NULL;
}

static int att_compare(const void *a, const void *b, void *arg)
{
	const struct att_sort *s = arg;
	const struct mapi_property_row *x = a, *y = b;
	const uint16_t num = s->view->tags.count - 1;

	for (uint16_t i = 0; i < s->sorts->count; i++) {
		const struct mapi_propval *kx = att_key(s->view, x, s->sorts->sorts[i].tag);
		const struct mapi_propval *ky = att_key(s->view, y, s->sorts->sorts[i].tag);
		int r;

		/* absent values sort first, as in mapistore tables */
		if (kx == NULL || ky == NULL) {
			r = (kx != NULL) - (ky != NULL);
		} else {
			r = mapistore_propval_compare(kx, ky);
		}
		if (s->sorts->sorts[i].order == MAPI_SORT_DESCEND) {
			r = -r;
		}
		if (r != 0) {
			return r;
		}
	}
	return x->values[num].pv.value.i32 < y->values[num].pv.value.i32 ? -1 :
	       x->values[num].pv.value.i32 > y->values[num].pv.value.i32;
}

/*
 * Reads the attachment table's rows as the table shows them now: the
 * message's attachments, restricted and sorted; FIND adds the tags of a
 * RopFindRow restriction.
 */
static enum MAPISTATUS att_view_load(struct emsmdb_table *t, struct table_state *st,
				     TALLOC_CTX *mem_ctx, uint16_t ncols, const uint32_t *cols,
				     const struct mapi_restriction *find, struct att_view *v)
{
	struct mapistore_count_state state = { 0 };
	struct mapi_property_row *all = NULL;
	uint32_t n = 0, kept = 0;
	enum MAPISTATUS status;

	memset(v, 0, sizeof(*v));
	v->ncols = ncols;
	for (uint16_t i = 0; i < ncols; i++) {
		/* a column may repeat: keep its place all the same */
		uint32_t *nt = talloc_realloc(mem_ctx, v->tags.tags, uint32_t, v->tags.count + 1);

		if (nt == NULL) {
			return MAPI_E_NOT_ENOUGH_MEMORY;
		}
		nt[v->tags.count++] = cols[i];
		v->tags.tags = nt;
	}
	if (!restriction_tags(mem_ctx, st->res, &v->tags) ||
	    !restriction_tags(mem_ctx, find, &v->tags)) {
		return MAPI_E_NOT_ENOUGH_MEMORY;
	}
	for (uint16_t i = 0; st->sorts != NULL && i < st->sorts->count; i++) {
		if (!tag_list_add(mem_ctx, &v->tags, st->sorts->sorts[i].tag)) {
			return MAPI_E_NOT_ENOUGH_MEMORY;
		}
	}
	/* the last tag is always the row's number, even when a column has it too */
	{
		uint32_t *nt = talloc_realloc(mem_ctx, v->tags.tags, uint32_t, v->tags.count + 1);

		if (nt == NULL) {
			return MAPI_E_NOT_ENOUGH_MEMORY;
		}
		nt[v->tags.count++] = TAG_ATTACH_NUMBER;
		v->tags.tags = nt;
	}
	status = mapistore_message_attachment_rows(t->message->msg, mem_ctx, v->tags.count,
						   v->tags.tags, &n, &all);
	if (status != MAPI_E_SUCCESS) {
		return status;
	}
	for (uint32_t i = 0; i < n; i++) {
		if (st->res == NULL || att_matches(v, &all[i], st->res, &state)) {
			all[kept++] = all[i];
		}
	}
	if (st->sorts != NULL && st->sorts->count > 0 && kept > 1) {
		struct att_sort s = { .view = v, .sorts = st->sorts };

		qsort_r(all, kept, sizeof(all[0]), att_compare, &s);
	}
	v->nums = talloc_array(mem_ctx, uint32_t, kept ? kept : 1);
	if (v->nums == NULL) {
		return MAPI_E_NOT_ENOUGH_MEMORY;
	}
	for (uint32_t i = 0; i < kept; i++) {
		v->nums[i] = all[i].values[v->tags.count - 1].pv.value.i32;
	}
	v->rows = all;
	v->count = kept;
	if (st->pos > kept) {
		st->pos = kept;
	}
	return MAPI_E_SUCCESS;
}

/* Row I of the view as a row of the table's columns only. */
static void att_row_as_columns(const struct att_view *v, uint32_t i, struct mapi_property_row *out)
{
	out->flag = MAPI_ROW_STANDARD;
	out->count = v->ncols;
	out->values = v->rows[i].values;
	for (uint16_t c = 0; c < v->ncols; c++) {
		if (out->values[c].flag != MAPI_PROPVAL_PRESENT) {
			out->flag = MAPI_ROW_FLAGGED;
		}
	}
}

static uint32_t seek_from(uint32_t *pos, uint32_t count, uint32_t base, int32_t delta,
			  int32_t *moved)
{
	int64_t target = (int64_t)base + delta;

	if (target < 0) {
		target = 0;
	}
	if (target > count) {
		target = count;
	}
	*moved = (int32_t)(target - base);
	*pos = (uint32_t)target;
	return *pos;
}

/* --- one interface over both kinds of tables ---------------------------------- */

static enum MAPISTATUS view_position(struct emsmdb_table *t, struct table_state *st,
				     uint32_t *pos, uint32_t *count)
{
	TALLOC_CTX *tmp;
	struct att_view v;
	enum MAPISTATUS status;

	if (!is_attachment_table(t)) {
		return mapistore_table_position(t->table, pos, count);
	}
	tmp = talloc_new(NULL);
	status = att_view_load(t, st, tmp, 0, NULL, NULL, &v);
	if (status == MAPI_E_SUCCESS) {
		*pos = st->pos;
		*count = v.count;
	}
	talloc_free(tmp);
	return status;
}

/* Up to MAX rows from the cursor, which moves past them when ADVANCE. */
static enum MAPISTATUS view_read(struct emsmdb_table *t, struct table_state *st,
				 TALLOC_CTX *mem_ctx, uint32_t max, bool forward, bool advance,
				 uint32_t *n, struct mapi_property_row **rows)
{
	struct att_view v;
	enum MAPISTATUS status;
	uint32_t avail;

	if (!is_attachment_table(t)) {
		return mapistore_table_query_rows(t->table, mem_ctx, max, forward, !advance, n, rows,
						  NULL);
	}
	status = att_view_load(t, st, mem_ctx, t->columns.count, t->columns.tags, NULL, &v);
	if (status != MAPI_E_SUCCESS) {
		return status;
	}
	avail = forward ? v.count - st->pos : st->pos;
	*n = avail < max ? avail : max;
	*rows = talloc_zero_array(mem_ctx, struct mapi_property_row, *n ? *n : 1);
	if (*rows == NULL) {
		return MAPI_E_NOT_ENOUGH_MEMORY;
	}
	for (uint32_t i = 0; i < *n; i++) {
		att_row_as_columns(&v, forward ? st->pos + i : st->pos - 1 - i, &(*rows)[i]);
	}
	if (advance) {
		st->pos = forward ? st->pos + *n : st->pos - *n;
	}
	return MAPI_E_SUCCESS;
}

static enum MAPISTATUS view_seek(struct emsmdb_table *t, struct table_state *st, uint8_t origin,
				 int32_t delta, int32_t *moved)
{
	TALLOC_CTX *tmp;
	struct att_view v;
	enum MAPISTATUS status;
	uint32_t base;

	if (origin > EMSMDB_BOOKMARK_END) {
		return MAPI_E_INVALID_PARAMETER;
	}
	if (!is_attachment_table(t)) {
		return mapistore_table_seek(t->table, (enum mapistore_bookmark_origin)origin, delta,
					    moved);
	}
	tmp = talloc_new(NULL);
	status = att_view_load(t, st, tmp, 0, NULL, NULL, &v);
	if (status == MAPI_E_SUCCESS) {
		base = origin == EMSMDB_BOOKMARK_BEGINNING ? 0 :
		       origin == EMSMDB_BOOKMARK_CURRENT ? st->pos : v.count;
		seek_from(&st->pos, v.count, base, delta, moved);
	}
	talloc_free(tmp);
	return status;
}

static enum MAPISTATUS view_seek_fraction(struct emsmdb_table *t, struct table_state *st,
					  uint32_t numerator, uint32_t denominator)
{
	uint32_t pos, count;
	enum MAPISTATUS status;

	if (denominator == 0) {
		return MAPI_E_INVALID_PARAMETER;
	}
	if (!is_attachment_table(t)) {
		return mapistore_table_seek_fraction(t->table, numerator, denominator);
	}
	status = view_position(t, st, &pos, &count);
	if (status != MAPI_E_SUCCESS) {
		return status;
	}
	st->pos = numerator >= denominator ? count
		  : (uint32_t)(((uint64_t)count * numerator) / denominator);
	return MAPI_E_SUCCESS;
}

static struct attach_bookmark *find_bookmark(struct table_state *st, uint32_t id)
{
	for (uint32_t i = 0; i < st->nbookmarks; i++) {
		if (st->bookmarks[i].id == id) {
			return &st->bookmarks[i];
		}
	}
	return NULL;
}

static enum MAPISTATUS view_bookmark_create(struct emsmdb_table *t, struct table_state *st,
					    uint32_t *id)
{
	struct attach_bookmark *b, mark = { 0 };
	enum MAPISTATUS status;

	b = talloc_realloc(st, st->bookmarks, struct attach_bookmark, st->nbookmarks + 1);
	if (b == NULL) {
		return MAPI_E_NOT_ENOUGH_MEMORY;
	}
	st->bookmarks = b;
	if (!is_attachment_table(t)) {
		status = mapistore_table_bookmark_create(t->table, &mark.id);
		if (status != MAPI_E_SUCCESS) {
			return status;
		}
	} else {
		TALLOC_CTX *tmp = talloc_new(NULL);
		struct att_view v;

		status = att_view_load(t, st, tmp, 0, NULL, NULL, &v);
		if (status == MAPI_E_SUCCESS) {
			mark.id = st->next_bookmark++;
			mark.position = st->pos;
			mark.at_end = st->pos >= v.count;
			mark.num = mark.at_end ? 0 : v.nums[st->pos];
		}
		talloc_free(tmp);
		if (status != MAPI_E_SUCCESS) {
			return status;
		}
	}
	b[st->nbookmarks++] = mark;
	*id = mark.id;
	return MAPI_E_SUCCESS;
}

static enum MAPISTATUS view_bookmark_seek(struct emsmdb_table *t, struct table_state *st,
					  uint32_t id, int32_t delta, bool *gone, int32_t *moved)
{
	struct attach_bookmark *b = find_bookmark(st, id);
	struct att_view v;
	TALLOC_CTX *tmp;
	enum MAPISTATUS status;
	uint32_t base;

	if (b == NULL) {
		return MAPI_E_INVALID_BOOKMARK;
	}
	if (!is_attachment_table(t)) {
		return mapistore_table_bookmark_seek(t->table, id, delta, gone, moved);
	}
	tmp = talloc_new(NULL);
	status = att_view_load(t, st, tmp, 0, NULL, NULL, &v);
	if (status == MAPI_E_SUCCESS) {
		/* a row that went away: the bookmark stands where the row was */
		base = b->position > v.count ? v.count : b->position;
		*gone = !b->at_end;
		for (uint32_t i = 0; !b->at_end && i < v.count; i++) {
			if (v.nums[i] == b->num) {
				base = i;
				*gone = false;
				break;
			}
		}
		if (b->at_end) {
			base = v.count;
		}
		seek_from(&st->pos, v.count, base, delta, moved);
	}
	talloc_free(tmp);
	return status;
}

static enum MAPISTATUS view_bookmark_free(struct emsmdb_table *t, struct table_state *st,
					  uint32_t id)
{
	struct attach_bookmark *b = find_bookmark(st, id);

	if (b == NULL) {
		return MAPI_E_INVALID_BOOKMARK;
	}
	if (!is_attachment_table(t)) {
		enum MAPISTATUS status = mapistore_table_bookmark_free(t->table, id);

		if (status != MAPI_E_SUCCESS) {
			return status;
		}
	}
	*b = st->bookmarks[--st->nbookmarks];
	return MAPI_E_SUCCESS;
}

/* Sorts, restrictions and resets make every bookmark invalid (MS-OXCTABL 3.2.5.3, 3.2.5.4). */
static void view_forget_bookmarks(struct emsmdb_table *t, struct table_state *st)
{
	for (uint32_t i = 0; !is_attachment_table(t) && i < st->nbookmarks; i++) {
		(void)mapistore_table_bookmark_free(t->table, st->bookmarks[i].id);
	}
	TALLOC_FREE(st->bookmarks);
	st->nbookmarks = 0;
}

/* The first row matching RES from the cursor; the cursor moves there. */
static enum MAPISTATUS view_find_row(struct emsmdb_table *t, struct table_state *st,
				     const struct mapi_restriction *res, bool backward)
{
	struct mapistore_count_state state = { 0 };
	struct att_view v;
	TALLOC_CTX *tmp;
	enum MAPISTATUS status;
	int64_t i;

	if (!is_attachment_table(t)) {
		return mapistore_table_find_row(t->table, res, MAPISTORE_BOOKMARK_CURRENT, backward,
						NULL);
	}
	tmp = talloc_new(NULL);
	status = att_view_load(t, st, tmp, 0, NULL, res, &v);
	if (status == MAPI_E_SUCCESS) {
		status = MAPI_E_NOT_FOUND;
		for (i = backward ? (int64_t)st->pos - 1 : st->pos; i >= 0 && i < v.count;
		     i += backward ? -1 : 1) {
			if (att_matches(&v, &v.rows[i], res, &state)) {
				st->pos = (uint32_t)i;
				status = MAPI_E_SUCCESS;
				break;
			}
		}
	}
	talloc_free(tmp);
	return status;
}

static enum MAPISTATUS view_columns_all(struct emsmdb_table *t, struct table_state *st,
					TALLOC_CTX *mem_ctx, uint16_t *count, uint32_t **tags)
{
	struct tag_list l = { 0 };
	struct att_view v;
	TALLOC_CTX *tmp;
	enum MAPISTATUS status;

	if (!is_attachment_table(t)) {
		return mapistore_table_columns_all(t->table, mem_ctx, count, tags);
	}
	tmp = talloc_new(NULL);
	status = att_view_load(t, st, tmp, 0, NULL, NULL, &v);
	for (uint32_t i = 0; status == MAPI_E_SUCCESS && i < v.count; i++) {
		struct mapistore_attachment *att;
		uint32_t *list;
		uint16_t n;

		status = mapistore_attachment_open(t->message->msg, tmp, v.nums[i],
						   MAPISTORE_OPEN_READ_ONLY, &att);
		if (status == MAPI_E_SUCCESS) {
			status = mapistore_attachment_get_list(att, tmp, &n, &list);
		}
		for (uint16_t k = 0; status == MAPI_E_SUCCESS && k < n; k++) {
			if (!tag_list_add(tmp, &l, list[k])) {
				status = MAPI_E_NOT_ENOUGH_MEMORY;
			}
		}
	}
	if (status == MAPI_E_SUCCESS) {
		*count = l.count;
		*tags = l.count ? talloc_steal(mem_ctx, l.tags) : talloc_array(mem_ctx, uint32_t, 1);
		if (*tags == NULL) {
			status = MAPI_E_NOT_ENOUGH_MEMORY;
		}
	}
	talloc_free(tmp);
	return status;
}

/* --- rows on the wire --------------------------------------------------------- */

static bool is_string_type(uint16_t type)
{
	return type == PTYP_STRING || type == PTYP_STRING8;
}

/*
 * MAPI's 8-bit strings travel in the session's code page (MS-OXCRPC
 * 3.1.4.1 ulCpid); one it cannot convert falls back to US-ASCII, as
 * EcDoConnectEx's display name does.
 */
static char *to_8bit(TALLOC_CTX *mem_ctx, const char *utf8, uint32_t code_page)
{
	char *s = mapi_utf8_to_codepage(mem_ctx, utf8,
					mapi_codepage_supported(code_page) ? code_page : 20127);

	return s != NULL ? s : talloc_strdup(mem_ctx, "");
}

static size_t value_size(const struct mapi_propval *pv)
{
	size_t n = 0;

	switch (MAPI_PROP_TYPE(pv->tag)) {
	case PTYP_BINARY:
		return pv->value.binary.len;
	case PTYP_STRING:
	case PTYP_STRING8:
		return pv->value.string ? strlen(pv->value.string) : 0;
	case PTYP_MULTIPLE_BINARY:
		for (uint32_t i = 0; i < pv->value.mv_binary.count; i++) {
			n += pv->value.mv_binary.values[i].len + 4;
		}
		return n;
	case PTYP_MULTIPLE_STRING:
	case PTYP_MULTIPLE_STRING8:
		for (uint32_t i = 0; i < pv->value.mv_string.count; i++) {
			n += strlen(pv->value.mv_string.values[i]) + 1;
		}
		return n;
	default:
		return 0;
	}
}

/*
 * Puts ROW's values into the form the wire wants for COLUMNS:
 * - a string column of a given type gets that type whatever the stored
 *   one (mapistore finds PtypString and PtypString8 for each other), and
 *   PtypString8 values in the session's code page;
 * - a PtypUnspecified column takes the stored type, strings in the
 *   table's Unicode or 8-bit mode (TableFlags UseUnicode, MS-OXCFOLD
 *   2.2.1.13.1, 2.2.1.14.1; MS-OXCMSG 2.2.3.17.1);
 * - a value over MAPISTORE_MAX_INLINE_VALUE is the error
 *   NotEnoughMemory, to be read through a stream (MS-OXCTABL 3.2.5.5):
 *   mapistore does that for folder tables, attachment rows need it here.
 */
static bool row_to_wire(TALLOC_CTX *mem_ctx, const struct emsmdb_table *t, uint32_t code_page,
			struct mapi_property_row *row)
{
	bool unicode = (t->table_flags & EMSMDB_TABLE_USE_UNICODE) != 0;

	for (uint16_t c = 0; c < row->count && c < t->columns.count; c++) {
		struct mapi_flagged_propval *v = &row->values[c];
		uint32_t col = t->columns.tags[c];
		uint16_t want = MAPI_PROP_TYPE(col), have = MAPI_PROP_TYPE(v->pv.tag);
		uint16_t single_have = have & ~PTYP_MV_FLAG;

		if (v->flag != MAPI_PROPVAL_PRESENT) {
			continue;
		}
		if (value_size(&v->pv) > MAPISTORE_MAX_INLINE_VALUE) {
			v->flag = MAPI_PROPVAL_ERROR;
			v->pv.tag = MAPI_PROP_TAG(MAPI_PROP_ID(col), PTYP_ERRORCODE);
			v->pv.value.error_code = MAPI_E_NOT_ENOUGH_MEMORY;
			row->flag = MAPI_ROW_FLAGGED;
			continue;
		}
		if (!is_string_type(single_have)) {
			continue;
		}
		if (want & PTYP_MV_INSTANCE) {
			want &= ~(PTYP_MV_INSTANCE | PTYP_MV_FLAG);	/* one value of the list */
		}
		if (want == PTYP_UNSPECIFIED) {
			want = (have & PTYP_MV_FLAG) | (unicode ? PTYP_STRING : PTYP_STRING8);
		}
		if ((want & ~PTYP_MV_FLAG) == PTYP_STRING8) {
			if (have & PTYP_MV_FLAG) {
				for (uint32_t i = 0; i < v->pv.value.mv_string.count; i++) {
					v->pv.value.mv_string.values[i] =
						to_8bit(mem_ctx, v->pv.value.mv_string.values[i], code_page);
					if (v->pv.value.mv_string.values[i] == NULL) {
						return false;
					}
				}
			} else {
				v->pv.value.string8 = to_8bit(mem_ctx, v->pv.value.string, code_page);
				if (v->pv.value.string8 == NULL) {
					return false;
				}
			}
		}
		if (is_string_type(want & ~PTYP_MV_FLAG)) {
			v->pv.tag = MAPI_PROP_TAG(MAPI_PROP_ID(v->pv.tag), want);
		}
	}
	return true;
}

/* The bytes ROW takes on the wire; 0 when it cannot be laid out. */
static size_t row_wire_size(struct oxcdata_push *scratch, const struct mapi_tag_array *columns,
			    const struct mapi_property_row *row)
{
	scratch->len = 0;
	if (oxcdata_row_push(scratch, columns, row) != WIRE_OK) {
		return 0;
	}
	return scratch->len;
}

/* --- MS-OXCFOLD: the folder tables ---------------------------------------------- */

/*
 * RopGetHierarchyTable and RopGetContentsTable are MS-OXCFOLD ROPs, kept
 * here because all they do is make table objects.  DeferredErrors is
 * answered synchronously (the RowCount is exact), NoNotifications and
 * SuppressNotifications need nothing while tables raise no notifications,
 * and soft-deleted folders are not kept, so SoftDeletes on a hierarchy
 * table shows no more than without.
 */
static enum MAPISTATUS open_folder_table(struct emsmdb_rop_ctx *ctx, uint8_t logon_id,
					 uint8_t table_flags, enum emsmdb_table_kind kind,
					 uint32_t store_flags, uint32_t *row_count)
{
	struct emsmdb_folder *folder = emsmdb_folder_of(ctx->input);
	struct emsmdb_table *table;
	struct emsmdb_object *object;
	enum mapistore_table_type type = kind == EMSMDB_TABLE_HIERARCHY ? MAPISTORE_TABLE_HIERARCHY :
					 kind == EMSMDB_TABLE_CONTENTS ? MAPISTORE_TABLE_CONTENTS :
					 MAPISTORE_TABLE_ASSOCIATED;
	uint32_t pos;
	enum MAPISTATUS status;

	if (folder == NULL || folder->folder == NULL) {
		return EC_NULL_OBJECT;
	}
	status = emsmdb_table_object_new(ctx, folder->logon, logon_id, kind, folder, NULL, &table,
					 &object);
	if (status != MAPI_E_SUCCESS) {
		return status;
	}
	table->table_flags = table_flags;
	status = mapistore_table_open(folder->folder, table, type, store_flags, &table->table);
	if (status == MAPI_E_SUCCESS) {
		status = state_of(table) != NULL ? MAPI_E_SUCCESS : MAPI_E_NOT_ENOUGH_MEMORY;
	}
	if (status == MAPI_E_SUCCESS) {
		status = mapistore_table_position(table->table, &pos, row_count);
	}
	if (status != MAPI_E_SUCCESS) {
		emsmdb_object_release(object);
		return status;
	}
	ctx->output = object;
	return MAPI_E_SUCCESS;
}

/*
 * MS-OXCFOLD 3.2.5.13 RopGetHierarchyTable (MS-OXCROPS 2.2.4.13): the
 * subfolders of the input folder, with Depth the whole subtree.  Bits the
 * spec does not define are ecInvalidParam.
 */
enum MAPISTATUS emsmdb_rop_get_hierarchy_table(struct emsmdb_rop_ctx *ctx,
					       struct rop_response *response)
{
	const struct rop_get_hierarchy_table_request *req = &ctx->request->u.get_hierarchy_table;
	struct rop_get_hierarchy_table_response *res = &response->u.get_hierarchy_table;
	const uint8_t valid = EMSMDB_TABLE_DEPTH | EMSMDB_TABLE_DEFERRED_ERRORS |
			      EMSMDB_TABLE_NO_NOTIFICATIONS | EMSMDB_TABLE_SOFT_DELETES |
			      EMSMDB_TABLE_USE_UNICODE | EMSMDB_TABLE_SUPPRESS_NOTIFICATIONS;
	uint32_t store_flags = 0;
	enum MAPISTATUS status;

	res->output_handle_index = req->output_handle_index;
	if (req->table_flags & ~valid) {
		return MAPI_E_INVALID_PARAMETER;
	}
	if (req->table_flags & EMSMDB_TABLE_DEPTH) {
		store_flags |= MAPISTORE_TABLE_DEPTH;
	}
	status = open_folder_table(ctx, req->logon_id, req->table_flags, EMSMDB_TABLE_HIERARCHY,
				   store_flags, &res->u.ok.row_count);
	if (status != MAPI_E_SUCCESS) {
		return status;
	}
	res->return_value = MAPI_E_SUCCESS;
	return MAPI_E_SUCCESS;
}

/*
 * MS-OXCFOLD 3.2.5.14 RopGetContentsTable (MS-OXCROPS 2.2.4.14): the
 * messages of the input folder, with Associated its folder associated
 * information, with SoftDeletes the soft-deleted ones.  Conversation views
 * (ConversationMembers) are not supported: ecNotSupported.
 */
enum MAPISTATUS emsmdb_rop_get_contents_table(struct emsmdb_rop_ctx *ctx,
					      struct rop_response *response)
{
	const struct rop_get_contents_table_request *req = &ctx->request->u.get_contents_table;
	struct rop_get_contents_table_response *res = &response->u.get_contents_table;
	const uint8_t valid = EMSMDB_TABLE_ASSOCIATED | EMSMDB_TABLE_DEFERRED_ERRORS |
			      EMSMDB_TABLE_NO_NOTIFICATIONS | EMSMDB_TABLE_SOFT_DELETES |
			      EMSMDB_TABLE_USE_UNICODE | EMSMDB_TABLE_CONVERSATION_MEMBERS;
	uint32_t store_flags = 0;
	enum MAPISTATUS status;

	res->output_handle_index = req->output_handle_index;
	if (req->table_flags & ~valid) {
		return MAPI_E_INVALID_PARAMETER;
	}
	if (req->table_flags & EMSMDB_TABLE_CONVERSATION_MEMBERS) {
		return MAPI_E_NO_SUPPORT;
	}
	if (req->table_flags & EMSMDB_TABLE_SOFT_DELETES) {
		store_flags |= MAPISTORE_TABLE_SOFT_DELETES;
	}
	status = open_folder_table(ctx, req->logon_id, req->table_flags,
				   (req->table_flags & EMSMDB_TABLE_ASSOCIATED) ?
				   EMSMDB_TABLE_ASSOCIATED : EMSMDB_TABLE_CONTENTS,
				   store_flags, &res->u.ok.row_count);
	if (status != MAPI_E_SUCCESS) {
		return status;
	}
	res->return_value = MAPI_E_SUCCESS;
	return MAPI_E_SUCCESS;
}

/* --- MS-OXCTABL ----------------------------------------------------------------- */

/* Whether TAG can be a column: a property type, at most one MultivalueInstance of a list. */
static bool valid_column(uint32_t tag)
{
	uint16_t type = MAPI_PROP_TYPE(tag) & ~PTYP_MV_INSTANCE;

	if (type != PTYP_UNSPECIFIED && !oxcdata_ptyp_is_valid(type)) {
		return false;
	}
	if ((MAPI_PROP_TYPE(tag) & PTYP_MV_INSTANCE) && !(type & PTYP_MV_FLAG)) {
		return false;
	}
	return type != PTYP_ERRORCODE;
}

/*
 * MS-OXCTABL 3.2.5.2 RopSetColumns (MS-OXCROPS 2.2.5.1): the columns of the rows RopQueryRows
 * and RopFindRow return.  TBL_ASYNC may be answered synchronously, and is:
 * the table is complete when the response goes.  An empty set or a tag of
 * no property type is ecInvalidParam.
 */
enum MAPISTATUS emsmdb_rop_set_columns(struct emsmdb_rop_ctx *ctx, struct rop_response *response)
{
	const struct rop_set_columns_request *req = &ctx->request->u.set_columns;
	struct rop_set_columns_response *res = &response->u.set_columns;
	struct table_state *st;
	struct emsmdb_table *t;
	uint32_t *tags;
	enum MAPISTATUS status;

	res->input_handle_index = req->input_handle_index;
	status = input_table(ctx, &t, &st);
	if (status != MAPI_E_SUCCESS) {
		return status;
	}
	if ((req->set_columns_flags & ~TBL_ASYNC) || req->property_tag_count == 0) {
		return MAPI_E_INVALID_PARAMETER;
	}
	for (uint16_t i = 0; i < req->property_tag_count; i++) {
		if (!valid_column(req->property_tags[i])) {
			return MAPI_E_INVALID_PARAMETER;
		}
		/* attachment rows are one per attachment: no instance rows */
		if (is_attachment_table(t) && (req->property_tags[i] & PTYP_MV_INSTANCE)) {
			return MAPI_E_NO_SUPPORT;
		}
	}
	tags = talloc_memdup(t, req->property_tags, req->property_tag_count * sizeof(uint32_t));
	if (tags == NULL) {
		return MAPI_E_NOT_ENOUGH_MEMORY;
	}
	if (!is_attachment_table(t)) {
		status = mapistore_table_set_columns(t->table, req->property_tag_count, tags);
		if (status != MAPI_E_SUCCESS) {
			talloc_free(tags);
			return status;
		}
	}
	talloc_free(t->columns.tags);
	t->columns.tags = tags;
	t->columns.count = req->property_tag_count;
	t->columns_set = true;
	res->return_value = MAPI_E_SUCCESS;
	res->u.ok.table_status = EMSMDB_TBLSTAT_COMPLETE;
	return MAPI_E_SUCCESS;
}

/*
 * MS-OXCTABL 3.2.5.3 RopSortTable (MS-OXCROPS 2.2.5.2): the order of the rows, key by key.
 * CategorizedCount must not exceed SortOrderCount, ExpandedCount not
 * CategorizedCount (ecInvalidParam); categories themselves are not
 * supported (ecNotSupported).  The cursor goes to the beginning and
 * bookmarks become invalid.
 */
enum MAPISTATUS emsmdb_rop_sort_table(struct emsmdb_rop_ctx *ctx, struct rop_response *response)
{
	const struct rop_sort_table_request *req = &ctx->request->u.sort_table;
	struct rop_sort_table_response *res = &response->u.sort_table;
	struct table_state *st;
	struct emsmdb_table *t;
	struct mapi_sort_order_set *set;
	enum MAPISTATUS status = MAPI_E_SUCCESS;

	res->input_handle_index = req->input_handle_index;
	status = input_table(ctx, &t, &st);
	if (status != MAPI_E_SUCCESS) {
		return status;
	}
	if ((req->sort_table_flags & ~(TBL_ASYNC | TBL_BATCH)) ||
	    req->categorized_count > req->sort_order_count ||
	    req->expanded_count > req->categorized_count) {
		return MAPI_E_INVALID_PARAMETER;
	}
	if (req->categorized_count > 0) {
		return MAPI_E_NO_SUPPORT;
	}
	set = talloc_zero(st, struct mapi_sort_order_set);
	if (set == NULL) {
		return MAPI_E_NOT_ENOUGH_MEMORY;
	}
	set->count = req->sort_order_count;
	set->sorts = talloc_zero_array(set, struct mapi_sort_order_entry,
				       set->count ? set->count : 1);
	if (set->sorts == NULL) {
		talloc_free(set);
		return MAPI_E_NOT_ENOUGH_MEMORY;
	}
	for (uint16_t i = 0; i < set->count; i++) {
		const struct rop_sort_order *o = &req->sort_orders[i];
		uint16_t type = o->property_type & ~PTYP_MV_INSTANCE;

		set->sorts[i].tag = MAPI_PROP_TAG(o->property_id, o->property_type);
		set->sorts[i].order = o->order;
		/* MaximumCategory only makes sense on a category key */
		if ((o->order != MAPI_SORT_ASCEND && o->order != MAPI_SORT_DESCEND) ||
		    type == PTYP_UNSPECIFIED || !oxcdata_ptyp_is_valid(type) ||
		    ((o->property_type & PTYP_MV_INSTANCE) && !(type & PTYP_MV_FLAG))) {
			status = MAPI_E_INVALID_PARAMETER;
		} else if (is_attachment_table(t) && (o->property_type & PTYP_MV_INSTANCE)) {
			status = MAPI_E_NO_SUPPORT;
		}
	}
	if (status == MAPI_E_SUCCESS && !is_attachment_table(t)) {
		status = mapistore_table_sort(t->table, set);
	}
	if (status != MAPI_E_SUCCESS) {
		talloc_free(set);
		return status;
	}
	if (is_attachment_table(t)) {
		talloc_free(st->sorts);
		st->sorts = set;
		st->pos = 0;
	} else {
		talloc_free(set);	/* mapistore keeps its own copy */
	}
	view_forget_bookmarks(t, st);
	res->return_value = MAPI_E_SUCCESS;
	res->u.ok.table_status = EMSMDB_TBLSTAT_COMPLETE;
	return MAPI_E_SUCCESS;
}

/*
 * MS-OXCTABL 3.2.5.4 RopRestrict (MS-OXCROPS 2.2.5.3): only rows matching the restriction
 * (MS-OXCDATA 2.12, every type mapistore evaluates: And, Or, Not,
 * Content, Property, CompareProperties, Bitmask, Size, Exist, SubObject,
 * Comment, Count) stay in the table; none removes it.  The cursor goes to
 * the beginning and bookmarks become invalid.
 */
enum MAPISTATUS emsmdb_rop_restrict(struct emsmdb_rop_ctx *ctx, struct rop_response *response)
{
	const struct rop_restrict__request *req = &ctx->request->u.restrict_;
	struct rop_restrict__response *res = &response->u.restrict_;
	struct table_state *st;
	struct emsmdb_table *t;
	enum MAPISTATUS status = MAPI_E_SUCCESS;

	res->input_handle_index = req->input_handle_index;
	status = input_table(ctx, &t, &st);
	if (status != MAPI_E_SUCCESS) {
		return status;
	}
	if (req->restrict_flags & ~(TBL_ASYNC | TBL_BATCH)) {
		return MAPI_E_INVALID_PARAMETER;
	}
	if (!is_attachment_table(t)) {
		status = mapistore_table_restrict(t->table, req->restriction_data);
	} else {
		struct mapi_restriction *copy = NULL;

		if (req->restriction_data != NULL) {
			/* the request's memory goes with the call: keep a copy through the wire form */
			struct oxcdata_push push;
			struct oxcdata_pull pull;

			oxcdata_push_init(&push, NULL);
			status = oxcdata_restriction_push(&push, req->restriction_data) == WIRE_OK ?
				 MAPI_E_SUCCESS : MAPI_E_INVALID_PARAMETER;
			if (status == MAPI_E_SUCCESS) {
				oxcdata_pull_init(&pull, push.data, push.len);
				if (oxcdata_restriction_pull(&pull, st, &copy) != WIRE_OK) {
					status = MAPI_E_TOO_COMPLEX;
				}
			}
			talloc_free(push.data);
		}
		if (status == MAPI_E_SUCCESS) {
			talloc_free(st->res);
			st->res = copy;
			st->pos = 0;
		}
	}
	if (status != MAPI_E_SUCCESS) {
		return status;
	}
	view_forget_bookmarks(t, st);
	res->return_value = MAPI_E_SUCCESS;
	res->u.ok.table_status = EMSMDB_TBLSTAT_COMPLETE;
	return MAPI_E_SUCCESS;
}

/*
 * Origin of RopQueryRows' response (MS-OXCTABL 3.2.5.5): BOOKMARK_END when
 * a forward read reached the end of the table, BOOKMARK_BEGINNING when a
 * backward read reached its beginning, BOOKMARK_CURRENT otherwise.
 * REACHED is where the read stopped, whether the cursor moved there or not.
 */
static uint8_t read_origin(bool forward, uint32_t reached, uint32_t count)
{
	if (forward) {
		return reached >= count ? EMSMDB_BOOKMARK_END : EMSMDB_BOOKMARK_CURRENT;
	}
	return reached == 0 ? EMSMDB_BOOKMARK_BEGINNING : EMSMDB_BOOKMARK_CURRENT;
}

/*
 * MS-OXCTABL 3.2.5.5 RopQueryRows (MS-OXCROPS 2.2.5.4): up to RowCount rows from the cursor,
 * forward or backward, laid out by the columns of RopSetColumns (without
 * which the table has no columns: ecNullObject).  The server may return
 * fewer rows than asked, and does when the rest would not fit the
 * response buffer; the cursor moves past the rows returned, unless
 * NoAdvance.  Rows left of which not even one fits fail the ROP with
 * ecBufferTooSmall, as 3.2.5.5 says (not RopBufferTooSmall: the client
 * would send the same request again into the same maximum buffer).
 */
enum MAPISTATUS emsmdb_rop_query_rows(struct emsmdb_rop_ctx *ctx, struct rop_response *response)
{
	const struct rop_query_rows_request *req = &ctx->request->u.query_rows;
	struct rop_query_rows_response *res = &response->u.query_rows;
	struct table_state *st;
	struct emsmdb_table *t;
	bool forward = req->forward_read != 0;
	bool full = false;
	struct mapi_property_row *rows, *chunk_rows;
	struct oxcdata_push scratch;
	uint32_t want, chunk, n, fit = 0, read = 0, back, pos, count;
	size_t room, used = 0;
	int32_t moved;
	enum MAPISTATUS status = MAPI_E_SUCCESS;

	res->input_handle_index = req->input_handle_index;
	status = input_table(ctx, &t, &st);
	if (status != MAPI_E_SUCCESS) {
		return status;
	}
	/* MS-OXCTABL 3.2.5.5, 3.2.5.14: no RopSetColumns yet */
	if (!t->columns_set) {
		return EC_NULL_OBJECT;
	}
	/* MS-OXCTABL 2.2.2.5.1: no other flags, ForwardRead TRUE or FALSE */
	if ((req->query_rows_flags & ~(QUERY_ROWS_NO_ADVANCE | QUERY_ROWS_ENABLE_PACKED_BUFFERS)) ||
	    req->forward_read > 1) {
		return MAPI_E_INVALID_PARAMETER;
	}
	if (ctx->space < QUERY_ROWS_HEAD) {
		return EMSMDB_ROP_NO_SPACE;	/* the dispatcher reserved this much: cannot happen */
	}
	room = ctx->space - QUERY_ROWS_HEAD;
	/* every row takes its flag byte and at least one byte per column */
	want = (uint32_t)(room / (1 + t->columns.count));
	if (want > req->row_count) {
		want = req->row_count;
	}
	if (want == 0 && req->row_count > 0) {
		want = 1;	/* to tell "nothing left" from "no room" */
	}
	rows = talloc_zero_array(ctx->mem_ctx, struct mapi_property_row, want ? want : 1);
	if (rows == NULL) {
		return MAPI_E_NOT_ENOUGH_MEMORY;
	}
	oxcdata_push_init(&scratch, ctx->mem_ctx);
	/*
	 * Rows are read in chunks sized from the rows so far, the cursor
	 * moving with them, until the buffer is full; the rows read that did
	 * not fit (all of them with NoAdvance) are stepped back over.
	 */
	chunk = want < 16 ? want : 16;
	while (fit < want && !full) {
		status = view_read(t, st, ctx->mem_ctx, chunk, forward, true, &n, &chunk_rows);
		if (status != MAPI_E_SUCCESS) {
			break;
		}
		read += n;
		for (uint32_t i = 0; i < n; i++) {
			size_t size;

			if (!row_to_wire(ctx->mem_ctx, t, ctx->session->code_page, &chunk_rows[i])) {
				status = MAPI_E_NOT_ENOUGH_MEMORY;
				break;
			}
			size = row_wire_size(&scratch, &t->columns, &chunk_rows[i]);
			if (size == 0) {
				status = MAPI_E_CALL_FAILED;
				break;
			}
			if (used + size > room) {
				full = true;
				break;
			}
			used += size;
			rows[fit++] = chunk_rows[i];
		}
		if (status != MAPI_E_SUCCESS || n < chunk) {
			break;
		}
		if (!full && fit < want) {
			size_t average = used / fit;

			chunk = (uint32_t)((room - used) / (average ? average : 1)) + 1;
			if (chunk > want - fit) {
				chunk = want - fit;
			}
		}
	}
	back = (status != MAPI_E_SUCCESS || (req->query_rows_flags & QUERY_ROWS_NO_ADVANCE)) ?
	       read : read - fit;
	if (back > 0) {
		enum MAPISTATUS undo = view_seek(t, st, EMSMDB_BOOKMARK_CURRENT,
						 forward ? -(int32_t)back : (int32_t)back, &moved);

		if (status == MAPI_E_SUCCESS) {
			status = undo;
		}
	}
	if (status != MAPI_E_SUCCESS) {
		return status;
	}
	if (fit == 0 && full) {
		return EC_BUFFER_TOO_SMALL;
	}
	status = view_position(t, st, &pos, &count);
	if (status != MAPI_E_SUCCESS) {
		return status;
	}
	res->return_value = MAPI_E_SUCCESS;
	if (req->query_rows_flags & QUERY_ROWS_NO_ADVANCE) {
		pos = forward ? pos + fit : pos - fit;
	}
	res->u.ok.origin = read_origin(forward, pos, count);
	res->u.ok.row_count = (uint16_t)fit;
	res->u.ok.row_data = rows;
	ctx->response_params.columns = &t->columns;
	return MAPI_E_SUCCESS;
}

/*
 * MS-OXCTABL 3.2.5.6 RopAbort (MS-OXCROPS 2.2.5.5): every table operation here completes
 * before its response, so nothing is ever in progress to abort:
 * ecUnableToAbort.
 */
enum MAPISTATUS emsmdb_rop_abort(struct emsmdb_rop_ctx *ctx, struct rop_response *response)
{
	struct table_state *st;
	struct emsmdb_table *t;
	enum MAPISTATUS status;

	response->u.abort.input_handle_index = ctx->request->u.abort.input_handle_index;
	status = input_table(ctx, &t, &st);
	return status != MAPI_E_SUCCESS ? status : MAPI_E_UNABLE_TO_ABORT;
}

/*
 * MS-OXCTABL 3.2.5.7 RopGetStatus (MS-OXCROPS 2.2.5.6):
 * no operation is ever pending, so TBLSTAT_COMPLETE.
 */
enum MAPISTATUS emsmdb_rop_get_status(struct emsmdb_rop_ctx *ctx, struct rop_response *response)
{
	struct rop_get_status_response *res = &response->u.get_status;
	struct table_state *st;
	struct emsmdb_table *t;
	enum MAPISTATUS status;

	res->input_handle_index = ctx->request->u.get_status.input_handle_index;
	status = input_table(ctx, &t, &st);
	if (status != MAPI_E_SUCCESS) {
		return status;
	}
	res->return_value = MAPI_E_SUCCESS;
	res->u.ok.table_status = EMSMDB_TBLSTAT_COMPLETE;
	return MAPI_E_SUCCESS;
}

/*
 * MS-OXCTABL 3.2.5.8 RopQueryPosition (MS-OXCROPS 2.2.5.7): Numerator the cursor's row,
 * Denominator the number of rows (as they are now: a changed folder is
 * read again).
 */
enum MAPISTATUS emsmdb_rop_query_position(struct emsmdb_rop_ctx *ctx,
					  struct rop_response *response)
{
	struct rop_query_position_response *res = &response->u.query_position;
	struct table_state *st;
	struct emsmdb_table *t;
	enum MAPISTATUS status;

	res->input_handle_index = ctx->request->u.query_position.input_handle_index;
	status = input_table(ctx, &t, &st);
	if (status != MAPI_E_SUCCESS) {
		return status;
	}
	status = view_position(t, st, &res->u.ok.numerator, &res->u.ok.denominator);
	if (status != MAPI_E_SUCCESS) {
		return status;
	}
	res->return_value = MAPI_E_SUCCESS;
	return MAPI_E_SUCCESS;
}

/* The SeekRow answer: how far the cursor went, and whether less than asked. */
static void sought(int32_t asked, int32_t moved, uint8_t *has_sought_less, uint32_t *rows_sought)
{
	*has_sought_less = moved != asked;
	*rows_sought = (uint32_t)moved;
}

/*
 * MS-OXCTABL 3.2.5.9 RopSeekRow (MS-OXCROPS 2.2.5.8): moves the cursor RowCount rows (signed)
 * from BOOKMARK_BEGINNING, _CURRENT or _END, stopping at either end
 * (HasSoughtLess then); another Origin is ecInvalidParam.  RowsSought is
 * filled whether or not WantRowMovedCount asks for it.
 */
enum MAPISTATUS emsmdb_rop_seek_row(struct emsmdb_rop_ctx *ctx, struct rop_response *response)
{
	const struct rop_seek_row_request *req = &ctx->request->u.seek_row;
	struct rop_seek_row_response *res = &response->u.seek_row;
	struct table_state *st;
	struct emsmdb_table *t;
	int32_t moved = 0;
	enum MAPISTATUS status;

	res->input_handle_index = req->input_handle_index;
	status = input_table(ctx, &t, &st);
	if (status != MAPI_E_SUCCESS) {
		return status;
	}
	status = view_seek(t, st, req->origin, (int32_t)req->row_count, &moved);
	if (status != MAPI_E_SUCCESS) {
		return status;
	}
	res->return_value = MAPI_E_SUCCESS;
	sought((int32_t)req->row_count, moved, &res->u.ok.has_sought_less, &res->u.ok.rows_sought);
	return MAPI_E_SUCCESS;
}

/* A bookmark of ours: 4 bytes, the id RopCreateBookmark gave. */
static bool bookmark_id(uint16_t size, const uint8_t *bytes, uint32_t *id)
{
	if (size != EMSMDB_BOOKMARK_SIZE || bytes == NULL) {
		return false;
	}
	*id = (uint32_t)bytes[0] | (uint32_t)bytes[1] << 8 | (uint32_t)bytes[2] << 16 |
	      (uint32_t)bytes[3] << 24;
	return true;
}

/*
 * MS-OXCTABL 3.2.5.10 RopSeekRowBookmark (MS-OXCROPS 2.2.5.9): like RopSeekRow from a bookmark.
 * A bookmark whose row is gone (deleted, or no longer matching the
 * restriction) sets RowNoLongerVisible and counts from where the row was;
 * one this table never gave, or freed, or made invalid by a sort,
 * restriction or reset, is ecInvalidBookmark.
 */
enum MAPISTATUS emsmdb_rop_seek_row_bookmark(struct emsmdb_rop_ctx *ctx,
					     struct rop_response *response)
{
	const struct rop_seek_row_bookmark_request *req = &ctx->request->u.seek_row_bookmark;
	struct rop_seek_row_bookmark_response *res = &response->u.seek_row_bookmark;
	struct table_state *st;
	struct emsmdb_table *t;
	bool gone = false;
	int32_t moved = 0;
	uint32_t id;
	enum MAPISTATUS status;

	res->input_handle_index = req->input_handle_index;
	status = input_table(ctx, &t, &st);
	if (status != MAPI_E_SUCCESS) {
		return status;
	}
	if (!bookmark_id(req->bookmark_size, req->bookmark, &id)) {
		return MAPI_E_INVALID_BOOKMARK;
	}
	status = view_bookmark_seek(t, st, id, (int32_t)req->row_count, &gone, &moved);
	if (status != MAPI_E_SUCCESS) {
		return status;
	}
	res->return_value = MAPI_E_SUCCESS;
	res->u.ok.row_no_longer_visible = gone;
	sought((int32_t)req->row_count, moved, &res->u.ok.has_sought_less, &res->u.ok.rows_sought);
	return MAPI_E_SUCCESS;
}

/*
 * MS-OXCTABL 3.2.5.11 RopSeekRowFractional (MS-OXCROPS 2.2.5.10): the cursor goes to
 * Numerator/Denominator of the rows; a Numerator of at least the
 * Denominator is the end, a Denominator of 0 ecInvalidParam.
 */
enum MAPISTATUS emsmdb_rop_seek_row_fractional(struct emsmdb_rop_ctx *ctx,
					       struct rop_response *response)
{
	const struct rop_seek_row_fractional_request *req = &ctx->request->u.seek_row_fractional;
	struct table_state *st;
	struct emsmdb_table *t;
	enum MAPISTATUS status;

	response->u.seek_row_fractional.input_handle_index = req->input_handle_index;
	status = input_table(ctx, &t, &st);
	if (status != MAPI_E_SUCCESS) {
		return status;
	}
	status = view_seek_fraction(t, st, req->numerator, req->denominator);
	if (status != MAPI_E_SUCCESS) {
		return status;
	}
	response->u.seek_row_fractional.return_value = MAPI_E_SUCCESS;
	return MAPI_E_SUCCESS;
}

/* MS-OXCTABL 3.2.5.12 RopCreateBookmark (MS-OXCROPS 2.2.5.11): a bookmark of the cursor's row. */
enum MAPISTATUS emsmdb_rop_create_bookmark(struct emsmdb_rop_ctx *ctx,
					   struct rop_response *response)
{
	struct rop_create_bookmark_response *res = &response->u.create_bookmark;
	struct table_state *st;
	struct emsmdb_table *t;
	uint8_t *bytes;
	uint32_t id;
	enum MAPISTATUS status;

	res->input_handle_index = ctx->request->u.create_bookmark.input_handle_index;
	status = input_table(ctx, &t, &st);
	if (status != MAPI_E_SUCCESS) {
		return status;
	}
	bytes = talloc_array(ctx->mem_ctx, uint8_t, EMSMDB_BOOKMARK_SIZE);
	if (bytes == NULL) {
		return MAPI_E_NOT_ENOUGH_MEMORY;
	}
	status = view_bookmark_create(t, st, &id);
	if (status != MAPI_E_SUCCESS) {
		return status;
	}
	for (int i = 0; i < EMSMDB_BOOKMARK_SIZE; i++) {
		bytes[i] = (uint8_t)(id >> (8 * i));
	}
	res->return_value = MAPI_E_SUCCESS;
	res->u.ok.bookmark_size = EMSMDB_BOOKMARK_SIZE;
	res->u.ok.bookmark = bytes;
	return MAPI_E_SUCCESS;
}

/*
 * MS-OXCTABL 3.2.5.13 RopQueryColumnsAll (MS-OXCROPS 2.2.5.12): every property some row of the
 * table has, and the ones the table computes for every row.
 */
enum MAPISTATUS emsmdb_rop_query_columns_all(struct emsmdb_rop_ctx *ctx,
					     struct rop_response *response)
{
	struct rop_query_columns_all_response *res = &response->u.query_columns_all;
	struct table_state *st;
	struct emsmdb_table *t;
	uint16_t count = 0;
	uint32_t *tags = NULL;
	enum MAPISTATUS status;

	res->input_handle_index = ctx->request->u.query_columns_all.input_handle_index;
	status = input_table(ctx, &t, &st);
	if (status != MAPI_E_SUCCESS) {
		return status;
	}
	status = view_columns_all(t, st, ctx->mem_ctx, &count, &tags);
	if (status != MAPI_E_SUCCESS) {
		return status;
	}
	/* the list is what fits: 6 + 2 bytes of head, 4 per tag */
	if (ctx->space < 8 + 4) {
		return EMSMDB_ROP_NO_SPACE;
	}
	if (count > (ctx->space - 8) / 4) {
		count = (uint16_t)((ctx->space - 8) / 4);
	}
	res->return_value = MAPI_E_SUCCESS;
	res->u.ok.property_tag_count = count;
	res->u.ok.property_tags = tags;
	return MAPI_E_SUCCESS;
}

/*
 * MS-OXCTABL 3.2.5.14 RopFindRow (MS-OXCROPS 2.2.5.13): the cursor goes to the first row from
 * Origin (BOOKMARK_BEGINNING, _CURRENT, _END, or BOOKMARK_CUSTOM with the
 * Bookmark) that matches the restriction, forward or with Backward
 * backward; the row comes back in the table's columns (RopSetColumns
 * first, else ecNullObject) when it fits.  No match is ecNotFound; a
 * custom bookmark whose row is gone sets RowNoLongerVisible and searches
 * from the next row.
 */
enum MAPISTATUS emsmdb_rop_find_row(struct emsmdb_rop_ctx *ctx, struct rop_response *response)
{
	const struct rop_find_row_request *req = &ctx->request->u.find_row;
	struct rop_find_row_response *res = &response->u.find_row;
	struct table_state *st;
	struct emsmdb_table *t;
	bool backward = (req->find_row_flags & FIND_ROW_BACKWARD) != 0;
	struct mapi_property_row *rows = NULL;
	struct oxcdata_push scratch;
	bool gone = false;
	uint32_t id, n = 0, saved_pos, count;
	int32_t moved;
	enum MAPISTATUS status;

	res->input_handle_index = req->input_handle_index;
	status = input_table(ctx, &t, &st);
	if (status != MAPI_E_SUCCESS) {
		return status;
	}
	/* MS-OXCTABL 3.2.5.5, 3.2.5.14: no RopSetColumns yet */
	if (!t->columns_set) {
		return EC_NULL_OBJECT;
	}
	if ((req->find_row_flags & ~FIND_ROW_BACKWARD) || req->origin > EMSMDB_BOOKMARK_CUSTOM ||
	    req->restriction_data == NULL) {
		return MAPI_E_INVALID_PARAMETER;
	}
	if (ctx->space < FIND_ROW_HEAD) {
		return EMSMDB_ROP_NO_SPACE;
	}
	status = view_position(t, st, &saved_pos, &count);
	if (status != MAPI_E_SUCCESS) {
		return status;
	}
	if (req->origin == EMSMDB_BOOKMARK_CUSTOM) {
		if (!bookmark_id(req->bookmark_size, req->bookmark, &id)) {
			return MAPI_E_INVALID_BOOKMARK;
		}
		status = view_bookmark_seek(t, st, id, 0, &gone, &moved);
	} else if (req->origin != EMSMDB_BOOKMARK_CURRENT) {
		status = view_seek(t, st, req->origin, 0, &moved);
	}
	if (status == MAPI_E_SUCCESS) {
		status = view_find_row(t, st, req->restriction_data, backward);
	}
	if (status == MAPI_E_SUCCESS) {
		status = view_read(t, st, ctx->mem_ctx, 1, true, false, &n, &rows);
	}
	if (status == MAPI_E_SUCCESS && n == 1 &&
	    !row_to_wire(ctx->mem_ctx, t, ctx->session->code_page, &rows[0])) {
		status = MAPI_E_NOT_ENOUGH_MEMORY;
	}
	if (status != MAPI_E_SUCCESS) {
		/* the cursor of a failed find is undefined (3.2.5.14): leave it where it was */
		(void)view_seek(t, st, EMSMDB_BOOKMARK_BEGINNING, (int32_t)saved_pos, &moved);
		return status;
	}
	res->return_value = MAPI_E_SUCCESS;
	res->u.ok.row_no_longer_visible = gone;
	res->u.ok.has_row_data = 0;
	if (n == 1) {
		size_t size;

		oxcdata_push_init(&scratch, ctx->mem_ctx);
		size = row_wire_size(&scratch, &t->columns, &rows[0]);
		if (size == 0) {
			return MAPI_E_CALL_FAILED;
		}
		if (size <= ctx->space - FIND_ROW_HEAD) {
			res->u.ok.has_row_data = 1;
			res->u.ok.row_data = rows[0];
			ctx->response_params.columns = &t->columns;
		}
	}
	return MAPI_E_SUCCESS;
}

/*
 * MS-OXCTABL 3.2.5.15 RopFreeBookmark (MS-OXCROPS 2.2.5.14): the bookmark is gone; one this
 * table does not have is ecInvalidBookmark.
 */
enum MAPISTATUS emsmdb_rop_free_bookmark(struct emsmdb_rop_ctx *ctx,
					 struct rop_response *response)
{
	const struct rop_free_bookmark_request *req = &ctx->request->u.free_bookmark;
	struct table_state *st;
	struct emsmdb_table *t;
	uint32_t id;
	enum MAPISTATUS status;

	response->u.free_bookmark.input_handle_index = req->input_handle_index;
	status = input_table(ctx, &t, &st);
	if (status != MAPI_E_SUCCESS) {
		return status;
	}
	if (!bookmark_id(req->bookmark_size, req->bookmark, &id)) {
		return MAPI_E_INVALID_BOOKMARK;
	}
	status = view_bookmark_free(t, st, id);
	if (status != MAPI_E_SUCCESS) {
		return status;
	}
	response->u.free_bookmark.return_value = MAPI_E_SUCCESS;
	return MAPI_E_SUCCESS;
}

/*
 * MS-OXCTABL 3.2.5.16 RopResetTable (MS-OXCROPS 2.2.5.15): back to the table as it was made: no
 * columns (RopSetColumns is needed again), no sort, no restriction, the
 * cursor at the beginning, no bookmarks.
 */
enum MAPISTATUS emsmdb_rop_reset_table(struct emsmdb_rop_ctx *ctx, struct rop_response *response)
{
	struct table_state *st;
	struct emsmdb_table *t;
	enum MAPISTATUS status;

	response->u.reset_table.input_handle_index = ctx->request->u.reset_table.input_handle_index;
	status = input_table(ctx, &t, &st);
	if (status != MAPI_E_SUCCESS) {
		return status;
	}
	view_forget_bookmarks(t, st);
	if (!is_attachment_table(t)) {
		status = mapistore_table_reset(t->table);
		if (status != MAPI_E_SUCCESS) {
			return status;
		}
	}
	TALLOC_FREE(st->sorts);
	TALLOC_FREE(st->res);
	st->pos = 0;
	TALLOC_FREE(t->columns.tags);
	t->columns.count = 0;
	t->columns_set = false;
	response->u.reset_table.return_value = MAPI_E_SUCCESS;
	return MAPI_E_SUCCESS;
}
