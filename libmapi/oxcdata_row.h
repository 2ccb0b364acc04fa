/*
 * MS-OXCDATA property rows and their companions in ROP buffers:
 * PropertyTagArray (2.10), SortOrder/SortOrderSet (2.13), PropertyRow
 * (StandardPropertyRow, FlaggedPropertyRow: 2.8.1), PropertyRowSet (2.8.2.1)
 * and PropertyProblem/PropertyProblemArray (2.9).
 *
 * A row carries no tags: its layout comes from the column set given
 * earlier (RopSetColumns, the request's tag list), so the columns are an
 * explicit parameter of every row function (DESIGN.md decision 3).
 *
 * Copyright (C) OpenChange developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef LIBMAPI_OXCDATA_ROW_H
#define LIBMAPI_OXCDATA_ROW_H

#include "libmapi/oxcdata_buf.h"
#include "libmapi/oxcdata_propval.h"

/* PropertyTagArray (2.10): Count (2 bytes), PropertyTags (4 bytes each). */
struct mapi_tag_array {
	uint16_t count;
	uint32_t *tags;
};

/* SortOrder Order (2.13.1). */
enum mapi_sort_order {
	MAPI_SORT_ASCEND = 0x00,
	MAPI_SORT_DESCEND = 0x01,
	MAPI_SORT_MAXIMUM_CATEGORY = 0x04,
};

struct mapi_sort_order_entry {
	uint32_t tag;	/* PropertyType, PropertyId */
	uint8_t order;
};

/* SortOrderSet (2.13.2). */
struct mapi_sort_order_set {
	uint16_t count;
	uint16_t categorized_count;
	uint16_t expanded_count;
	struct mapi_sort_order_entry *sorts;
};

/* PropertyRow Flag (2.8.1.1, 2.8.1.2). */
enum mapi_row_flag {
	MAPI_ROW_STANDARD = 0x00,
	MAPI_ROW_FLAGGED = 0x01,
};

/*
 * A PropertyRow: one value per column, in column order. In a standard row
 * every values[i].flag is MAPI_PROPVAL_PRESENT. values[i].pv.tag is the
 * column's tag, except that a PtypUnspecified column takes the type found
 * on the wire and a multi-value-instance column (0x2000) the single type.
 */
struct mapi_property_row {
	uint8_t flag;
	uint16_t count;
	struct mapi_flagged_propval *values;
};

/* PropertyRowSet (2.8.2.1): RowCount (2 bytes), Rows. */
struct mapi_property_row_set {
	uint16_t count;
	struct mapi_property_row *rows;
};

/* PropertyProblem (2.9): Index (2), PropertyTag (4), ErrorCode (4). */
struct mapi_property_problem {
	uint16_t index;
	uint32_t tag;
	uint32_t error_code;
};

struct mapi_property_problem_array {
	uint16_t count;
	struct mapi_property_problem *problems;
};

/*
 * All pulls allocate under mem_ctx, leave nothing behind on failure, and
 * check counts against the bytes left before allocating.
 */
enum wire_error oxcdata_tag_array_pull(struct oxcdata_pull *pull, TALLOC_CTX *mem_ctx,
				       struct mapi_tag_array *out);
enum wire_error oxcdata_tag_array_push(struct oxcdata_push *push, const struct mapi_tag_array *tags);

enum wire_error oxcdata_sort_order_set_pull(struct oxcdata_pull *pull, TALLOC_CTX *mem_ctx,
					    struct mapi_sort_order_set *out);
enum wire_error oxcdata_sort_order_set_push(struct oxcdata_push *push,
					    const struct mapi_sort_order_set *set);

enum wire_error oxcdata_row_pull(struct oxcdata_pull *pull, TALLOC_CTX *mem_ctx,
				 const struct mapi_tag_array *columns, struct mapi_property_row *out);
enum wire_error oxcdata_row_push(struct oxcdata_push *push, const struct mapi_tag_array *columns,
				 const struct mapi_property_row *row);

enum wire_error oxcdata_row_set_pull(struct oxcdata_pull *pull, TALLOC_CTX *mem_ctx,
				     const struct mapi_tag_array *columns,
				     struct mapi_property_row_set *out);
enum wire_error oxcdata_row_set_push(struct oxcdata_push *push, const struct mapi_tag_array *columns,
				     const struct mapi_property_row_set *set);

enum wire_error oxcdata_problem_array_pull(struct oxcdata_pull *pull, TALLOC_CTX *mem_ctx,
					   struct mapi_property_problem_array *out);
enum wire_error oxcdata_problem_array_push(struct oxcdata_push *push,
					   const struct mapi_property_problem_array *problems);

#endif
