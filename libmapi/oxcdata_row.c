/*
 * MS-OXCDATA property rows, tag arrays, sort orders and property problems
 * in ROP buffers (see oxcdata_row.h).
 *
 * Copyright (C) OpenChange developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>
#include "libmapi/oxcdata_row.h"

#define TRY(expr) do { enum wire_error try_err_ = (expr); if (try_err_ != WIRE_OK) return try_err_; } while (0)

/* PropertyTagArray (2.10): Count (2 bytes), then Count PropertyTag structures. */
enum wire_error oxcdata_tag_array_pull(struct oxcdata_pull *pull, TALLOC_CTX *mem_ctx,
				       struct mapi_tag_array *out)
{
	uint16_t i;

	out->tags = NULL;
	TRY(oxcdata_pull_u16(pull, &out->count));
	TRY(oxcdata_pull_check_count(pull, out->count, 4));
	if (out->count == 0) {
		return WIRE_OK;
	}
	out->tags = talloc_array(mem_ctx, uint32_t, out->count);
	if (out->tags == NULL) {
		return WIRE_ERR_NO_MEMORY;
	}
	for (i = 0; i < out->count; i++) {
		/* Cannot fail: the count check covered every tag. */
		(void)oxcdata_pull_u32(pull, &out->tags[i]);
	}
	return WIRE_OK;
}

enum wire_error oxcdata_tag_array_push(struct oxcdata_push *push, const struct mapi_tag_array *tags)
{
	uint16_t i;

	if (tags == NULL || (tags->count > 0 && tags->tags == NULL)) {
		return WIRE_ERR_INVALID_ARG;
	}
	TRY(oxcdata_push_u16(push, tags->count));
	for (i = 0; i < tags->count; i++) {
		TRY(oxcdata_push_u32(push, tags->tags[i]));
	}
	return WIRE_OK;
}

static bool sort_order_is_valid(uint8_t order)
{
	return order == MAPI_SORT_ASCEND || order == MAPI_SORT_DESCEND ||
	       order == MAPI_SORT_MAXIMUM_CATEGORY;
}

/*
 * SortOrderSet (2.13.2): SortOrderCount, CategorizedCount, ExpandedCount
 * (2 bytes each), then SortOrder structures (2.13.1: PropertyType (2),
 * PropertyId (2), Order (1)). CategorizedCount may not exceed
 * SortOrderCount, nor ExpandedCount CategorizedCount.
 */
#define SORT_ORDER_SIZE 5

enum wire_error oxcdata_sort_order_set_pull(struct oxcdata_pull *pull, TALLOC_CTX *mem_ctx,
					    struct mapi_sort_order_set *out)
{
	uint16_t i;

	out->sorts = NULL;
	TRY(oxcdata_pull_u16(pull, &out->count));
	TRY(oxcdata_pull_u16(pull, &out->categorized_count));
	TRY(oxcdata_pull_u16(pull, &out->expanded_count));
	if (out->categorized_count > out->count || out->expanded_count > out->categorized_count) {
		return WIRE_ERR_BAD_SIZE;
	}
	TRY(oxcdata_pull_check_count(pull, out->count, SORT_ORDER_SIZE));
	if (out->count == 0) {
		return WIRE_OK;
	}
	out->sorts = talloc_array(mem_ctx, struct mapi_sort_order_entry, out->count);
	if (out->sorts == NULL) {
		return WIRE_ERR_NO_MEMORY;
	}
	for (i = 0; i < out->count; i++) {
		(void)oxcdata_pull_u32(pull, &out->sorts[i].tag);
		(void)oxcdata_pull_u8(pull, &out->sorts[i].order);
		if (!sort_order_is_valid(out->sorts[i].order)) {
			TALLOC_FREE(out->sorts);
			return WIRE_ERR_BAD_VALUE;
		}
	}
	return WIRE_OK;
}

enum wire_error oxcdata_sort_order_set_push(struct oxcdata_push *push,
					    const struct mapi_sort_order_set *set)
{
	uint16_t i;

	if (set == NULL || (set->count > 0 && set->sorts == NULL) ||
	    set->categorized_count > set->count || set->expanded_count > set->categorized_count) {
		return WIRE_ERR_INVALID_ARG;
	}
	TRY(oxcdata_push_u16(push, set->count));
	TRY(oxcdata_push_u16(push, set->categorized_count));
	TRY(oxcdata_push_u16(push, set->expanded_count));
	for (i = 0; i < set->count; i++) {
		if (!sort_order_is_valid(set->sorts[i].order)) {
			return WIRE_ERR_INVALID_ARG;
		}
		TRY(oxcdata_push_u32(push, set->sorts[i].tag));
		TRY(oxcdata_push_u8(push, set->sorts[i].order));
	}
	return WIRE_OK;
}

/*
 * The type of a column's values: a multi-value-instance column
 * (MS-OXCTABL 2.2.2.1.3) gives one row per value, each of the single type.
 */
static uint16_t column_value_type(uint32_t tag)
{
	uint16_t type = MAPI_PROP_TYPE(tag);

	if (type & PTYP_MV_INSTANCE) {
		type &= (uint16_t)~(PTYP_MV_INSTANCE | PTYP_MV_FLAG);
	}
	return type;
}

/* One value of a StandardPropertyRow (2.8.1.1) or FlaggedPropertyRow (2.8.1.2). */
static enum wire_error pull_row_value(struct oxcdata_pull *pull, TALLOC_CTX *mem_ctx, uint8_t flag,
				      uint32_t column, struct mapi_flagged_propval *out)
{
	uint16_t type = column_value_type(column);

	if (type == PTYP_UNSPECIFIED) {
		/* The type travels with the value (TypedPropertyValue / ...WithType). */
		if (flag == MAPI_ROW_FLAGGED) {
			return oxcdata_propval_pull_flagged_typed(pull, mem_ctx, MAPI_PROP_ID(column), out);
		}
		out->flag = MAPI_PROPVAL_PRESENT;
		TRY(oxcdata_propval_pull_typed(pull, mem_ctx, &out->pv));
		out->pv.tag = MAPI_PROP_TAG(MAPI_PROP_ID(column), MAPI_PROP_TYPE(out->pv.tag));
		return WIRE_OK;
	}
	if (flag == MAPI_ROW_FLAGGED) {
		return oxcdata_propval_pull_flagged(pull, mem_ctx, MAPI_PROP_TAG(MAPI_PROP_ID(column), type),
						    out);
	}
	out->flag = MAPI_PROPVAL_PRESENT;
	out->pv.tag = MAPI_PROP_TAG(MAPI_PROP_ID(column), type);
	return oxcdata_propval_pull_value(pull, mem_ctx, type, &out->pv.value);
}

/* PropertyRow (2.8.1): Flag (1 byte), then one value per column. */
enum wire_error oxcdata_row_pull(struct oxcdata_pull *pull, TALLOC_CTX *mem_ctx,
				 const struct mapi_tag_array *columns, struct mapi_property_row *out)
{
	enum wire_error err = WIRE_OK;
	uint16_t i;

	out->values = NULL;
	out->count = 0;
	if (columns == NULL || (columns->count > 0 && columns->tags == NULL)) {
		return WIRE_ERR_INVALID_ARG;
	}
	TRY(oxcdata_pull_u8(pull, &out->flag));
	if (out->flag != MAPI_ROW_STANDARD && out->flag != MAPI_ROW_FLAGGED) {
		return WIRE_ERR_BAD_FLAGS;
	}
	if (columns->count == 0) {
		return WIRE_OK;
	}
	/* The column count is the caller's (validated when the columns were set), not the wire's. */
	out->values = talloc_zero_array(mem_ctx, struct mapi_flagged_propval, columns->count);
	if (out->values == NULL) {
		return WIRE_ERR_NO_MEMORY;
	}
	for (i = 0; i < columns->count && err == WIRE_OK; i++) {
		err = pull_row_value(pull, out->values, out->flag, columns->tags[i], &out->values[i]);
	}
	if (err != WIRE_OK) {
		TALLOC_FREE(out->values);
		return err;
	}
	out->count = columns->count;
	return WIRE_OK;
}

static enum wire_error push_row_value(struct oxcdata_push *push, uint8_t flag, uint32_t column,
				      const struct mapi_flagged_propval *v)
{
	uint16_t type = column_value_type(column);

	if (flag == MAPI_ROW_STANDARD && v->flag != MAPI_PROPVAL_PRESENT) {
		return WIRE_ERR_INVALID_ARG;	/* a standard row has no room for errors */
	}
	if (type == PTYP_UNSPECIFIED) {
		if (flag == MAPI_ROW_FLAGGED) {
			return oxcdata_propval_push_flagged_typed(push, v);
		}
		return oxcdata_propval_push_typed(push, &v->pv);
	}
	if (flag == MAPI_ROW_FLAGGED) {
		struct mapi_flagged_propval as_column = *v;

		as_column.pv.tag = MAPI_PROP_TAG(MAPI_PROP_ID(column), type);
		return oxcdata_propval_push_flagged(push, &as_column);
	}
	return oxcdata_propval_push_value(push, type, &v->pv.value);
}

enum wire_error oxcdata_row_push(struct oxcdata_push *push, const struct mapi_tag_array *columns,
				 const struct mapi_property_row *row)
{
	uint16_t i;

	if (columns == NULL || row == NULL || row->count != columns->count ||
	    (row->count > 0 && (row->values == NULL || columns->tags == NULL)) ||
	    (row->flag != MAPI_ROW_STANDARD && row->flag != MAPI_ROW_FLAGGED)) {
		return WIRE_ERR_INVALID_ARG;
	}
	TRY(oxcdata_push_u8(push, row->flag));
	for (i = 0; i < row->count; i++) {
		TRY(push_row_value(push, row->flag, columns->tags[i], &row->values[i]));
	}
	return WIRE_OK;
}

/* PropertyRowSet (2.8.2.1): RowCount (2 bytes), then RowCount PropertyRows. */
enum wire_error oxcdata_row_set_pull(struct oxcdata_pull *pull, TALLOC_CTX *mem_ctx,
				     const struct mapi_tag_array *columns,
				     struct mapi_property_row_set *out)
{
	enum wire_error err = WIRE_OK;
	uint16_t i;

	out->rows = NULL;
	TRY(oxcdata_pull_u16(pull, &out->count));
	/* Each row is at least its Flag byte. */
	TRY(oxcdata_pull_check_count(pull, out->count, 1));
	if (out->count == 0) {
		return WIRE_OK;
	}
	out->rows = talloc_zero_array(mem_ctx, struct mapi_property_row, out->count);
	if (out->rows == NULL) {
		return WIRE_ERR_NO_MEMORY;
	}
	for (i = 0; i < out->count && err == WIRE_OK; i++) {
		err = oxcdata_row_pull(pull, out->rows, columns, &out->rows[i]);
	}
	if (err != WIRE_OK) {
		TALLOC_FREE(out->rows);
	}
	return err;
}

enum wire_error oxcdata_row_set_push(struct oxcdata_push *push, const struct mapi_tag_array *columns,
				     const struct mapi_property_row_set *set)
{
	uint16_t i;

	if (set == NULL || (set->count > 0 && set->rows == NULL)) {
		return WIRE_ERR_INVALID_ARG;
	}
	TRY(oxcdata_push_u16(push, set->count));
	for (i = 0; i < set->count; i++) {
		TRY(oxcdata_row_push(push, columns, &set->rows[i]));
	}
	return WIRE_OK;
}

/* PropertyProblemArray (2.9): Count (2 bytes), then PropertyProblem structures of 10 bytes. */
#define PROPERTY_PROBLEM_SIZE 10

enum wire_error oxcdata_problem_array_pull(struct oxcdata_pull *pull, TALLOC_CTX *mem_ctx,
					   struct mapi_property_problem_array *out)
{
	uint16_t i;

	out->problems = NULL;
	TRY(oxcdata_pull_u16(pull, &out->count));
	TRY(oxcdata_pull_check_count(pull, out->count, PROPERTY_PROBLEM_SIZE));
	if (out->count == 0) {
		return WIRE_OK;
	}
	out->problems = talloc_array(mem_ctx, struct mapi_property_problem, out->count);
	if (out->problems == NULL) {
		return WIRE_ERR_NO_MEMORY;
	}
	for (i = 0; i < out->count; i++) {
		(void)oxcdata_pull_u16(pull, &out->problems[i].index);
		(void)oxcdata_pull_u32(pull, &out->problems[i].tag);
		(void)oxcdata_pull_u32(pull, &out->problems[i].error_code);
	}
	return WIRE_OK;
}

enum wire_error oxcdata_problem_array_push(struct oxcdata_push *push,
					   const struct mapi_property_problem_array *problems)
{
	uint16_t i;

	if (problems == NULL || (problems->count > 0 && problems->problems == NULL)) {
		return WIRE_ERR_INVALID_ARG;
	}
	TRY(oxcdata_push_u16(push, problems->count));
	for (i = 0; i < problems->count; i++) {
		TRY(oxcdata_push_u16(push, problems->problems[i].index));
		TRY(oxcdata_push_u32(push, problems->problems[i].tag));
		TRY(oxcdata_push_u32(push, problems->problems[i].error_code));
	}
	return WIRE_OK;
}
