/*
 * Byte cursors for the MS-OXCDATA structures in ROP buffers: a pull cursor
 * over a caller's bytes and a push cursor that grows a talloc buffer. All
 * integers are little-endian. Every pull checks what remains first, so a
 * parser built on these can never read past the end, and array counts are
 * checked against the remaining bytes before anything is allocated.
 *
 * Both cursors carry a nesting depth: restrictions contain property values
 * which may contain restrictions (PtypRestriction), so the limit has to
 * follow the bytes through both codecs, and the cursor is the one thing they
 * share.
 *
 * Copyright (C) OpenChange developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef LIBMAPI_OXCDATA_BUF_H
#define LIBMAPI_OXCDATA_BUF_H

#include <stddef.h>
#include <stdint.h>
#include <talloc.h>
#include "libmapi/wire_error.h"

/*
 * Deepest nesting of restrictions accepted or produced (each Restriction
 * structure of 2.12, including one inside a PtypRestriction value, is one
 * level). Real clients nest a handful of levels; 64 keeps the recursion's
 * stack use bounded (a few KB) whatever the input.
 */
#define OXCDATA_MAX_DEPTH 64

struct oxcdata_pull {
	const uint8_t *data;
	size_t len;
	size_t offset;
	unsigned depth;
};

struct oxcdata_push {
	TALLOC_CTX *mem_ctx;	/* owner of data */
	uint8_t *data;
	size_t len;
	size_t alloc;
	unsigned depth;
};

void oxcdata_pull_init(struct oxcdata_pull *pull, const uint8_t *data, size_t len);

static inline size_t oxcdata_pull_left(const struct oxcdata_pull *pull)
{
	return pull->len - pull->offset;
}

enum wire_error oxcdata_pull_u8(struct oxcdata_pull *pull, uint8_t *v);
enum wire_error oxcdata_pull_u16(struct oxcdata_pull *pull, uint16_t *v);
enum wire_error oxcdata_pull_u32(struct oxcdata_pull *pull, uint32_t *v);
enum wire_error oxcdata_pull_u64(struct oxcdata_pull *pull, uint64_t *v);
/* n bytes in place: *p points into the caller's buffer. */
enum wire_error oxcdata_pull_bytes(struct oxcdata_pull *pull, size_t n, const uint8_t **p);
/* n bytes copied under mem_ctx (NULL for n == 0). */
enum wire_error oxcdata_pull_copy(struct oxcdata_pull *pull, TALLOC_CTX *mem_ctx, size_t n,
				  uint8_t **out);
/*
 * Whether count items of at least min_size bytes each can still follow;
 * WIRE_ERR_TRUNCATED if not. Call before allocating an array for count.
 */
enum wire_error oxcdata_pull_check_count(const struct oxcdata_pull *pull, uint64_t count,
					 size_t min_size);
/* A NUL-terminated 8-bit string, copied with its terminator. */
enum wire_error oxcdata_pull_string8(struct oxcdata_pull *pull, TALLOC_CTX *mem_ctx, char **out);
/*
 * A NUL-terminated UTF-16LE string, converted to UTF-8. An unpaired
 * surrogate is WIRE_ERR_BAD_STRING: replacing it would make the round trip
 * lossy, and no valid Unicode text contains one.
 */
enum wire_error oxcdata_pull_utf16(struct oxcdata_pull *pull, TALLOC_CTX *mem_ctx, char **out);

/* An empty push buffer; its bytes will be allocated under mem_ctx. */
void oxcdata_push_init(struct oxcdata_push *push, TALLOC_CTX *mem_ctx);
enum wire_error oxcdata_push_u8(struct oxcdata_push *push, uint8_t v);
enum wire_error oxcdata_push_u16(struct oxcdata_push *push, uint16_t v);
enum wire_error oxcdata_push_u32(struct oxcdata_push *push, uint32_t v);
enum wire_error oxcdata_push_u64(struct oxcdata_push *push, uint64_t v);
enum wire_error oxcdata_push_bytes(struct oxcdata_push *push, const void *p, size_t n);
/* str and its terminator. */
enum wire_error oxcdata_push_string8(struct oxcdata_push *push, const char *str);
/* UTF-8 str as NUL-terminated UTF-16LE; malformed UTF-8 is WIRE_ERR_BAD_STRING. */
enum wire_error oxcdata_push_utf16(struct oxcdata_push *push, const char *str);

#endif
