/*
 * Byte cursors for MS-OXCDATA structures (see oxcdata_buf.h).
 *
 * Copyright (C) OpenChange developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>
#include "libmapi/utf8.h"
#include "libmapi/oxcdata_buf.h"
#include "libmapi/wire_le.h"

void oxcdata_pull_init(struct oxcdata_pull *pull, const uint8_t *data, size_t len)
{
	/*
	 * An empty input may come as NULL; pointing at a real (empty) array
	 * keeps every later "data + offset" well defined.
	 */
	static const uint8_t no_bytes[1];

	pull->data = data != NULL ? data : no_bytes;
	pull->len = data != NULL ? len : 0;
	pull->offset = 0;
	pull->depth = 0;
}

enum wire_error oxcdata_pull_bytes(struct oxcdata_pull *pull, size_t n, const uint8_t **p)
{
	if (n > oxcdata_pull_left(pull)) {
		return WIRE_ERR_TRUNCATED;
	}
	*p = pull->data + pull->offset;
	pull->offset += n;
	return WIRE_OK;
}

enum wire_error oxcdata_pull_u8(struct oxcdata_pull *pull, uint8_t *v)
{
	const uint8_t *p;
	enum wire_error err = oxcdata_pull_bytes(pull, 1, &p);

	if (err == WIRE_OK) {
		*v = p[0];
	}
	return err;
}

enum wire_error oxcdata_pull_u16(struct oxcdata_pull *pull, uint16_t *v)
{
	const uint8_t *p;
	enum wire_error err = oxcdata_pull_bytes(pull, 2, &p);

	if (err == WIRE_OK) {
		*v = wire_load_le16(p);
	}
	return err;
}

enum wire_error oxcdata_pull_u32(struct oxcdata_pull *pull, uint32_t *v)
{
	const uint8_t *p;
	enum wire_error err = oxcdata_pull_bytes(pull, 4, &p);

	if (err == WIRE_OK) {
		*v = wire_load_le32(p);
	}
	return err;
}

enum wire_error oxcdata_pull_u64(struct oxcdata_pull *pull, uint64_t *v)
{
	const uint8_t *p;
	enum wire_error err = oxcdata_pull_bytes(pull, 8, &p);

	if (err == WIRE_OK) {
		*v = (uint64_t)wire_load_le32(p) | ((uint64_t)wire_load_le32(p + 4) << 32);
	}
	return err;
}

enum wire_error oxcdata_pull_copy(struct oxcdata_pull *pull, TALLOC_CTX *mem_ctx, size_t n,
				  uint8_t **out)
{
	const uint8_t *p;
	enum wire_error err = oxcdata_pull_bytes(pull, n, &p);

	*out = NULL;
	if (err != WIRE_OK || n == 0) {
		return err;
	}
	*out = talloc_memdup(mem_ctx, p, n);
	return *out != NULL ? WIRE_OK : WIRE_ERR_NO_MEMORY;
}

enum wire_error oxcdata_pull_check_count(const struct oxcdata_pull *pull, uint64_t count,
					 size_t min_size)
{
	/* Division, not multiplication: count * min_size could overflow. */
	if (min_size == 0) {
		min_size = 1;
	}
	return count > oxcdata_pull_left(pull) / min_size ? WIRE_ERR_TRUNCATED : WIRE_OK;
}

enum wire_error oxcdata_pull_string8(struct oxcdata_pull *pull, TALLOC_CTX *mem_ctx, char **out)
{
	const uint8_t *start = pull->data + pull->offset;
	const uint8_t *nul = NULL;

	*out = NULL;
	if (oxcdata_pull_left(pull) > 0) {
		nul = memchr(start, 0, oxcdata_pull_left(pull));
	}
	if (nul == NULL) {
		return WIRE_ERR_TRUNCATED;
	}
	*out = talloc_memdup(mem_ctx, start, (size_t)(nul - start) + 1);
	if (*out == NULL) {
		return WIRE_ERR_NO_MEMORY;
	}
	pull->offset += (size_t)(nul - start) + 1;
	return WIRE_OK;
}

/* Append code point c (valid, not a surrogate) as UTF-8; returns bytes written. */
static size_t utf8_encode(char *out, uint32_t c)
{
	if (c < 0x80) {
		out[0] = (char)c;
		return 1;
	}
	if (c < 0x800) {
		out[0] = (char)(0xC0 | (c >> 6));
		out[1] = (char)(0x80 | (c & 0x3F));
		return 2;
	}
	if (c < 0x10000) {
		out[0] = (char)(0xE0 | (c >> 12));
		out[1] = (char)(0x80 | ((c >> 6) & 0x3F));
		out[2] = (char)(0x80 | (c & 0x3F));
		return 3;
	}
	out[0] = (char)(0xF0 | (c >> 18));
	out[1] = (char)(0x80 | ((c >> 12) & 0x3F));
	out[2] = (char)(0x80 | ((c >> 6) & 0x3F));
	out[3] = (char)(0x80 | (c & 0x3F));
	return 4;
}

enum wire_error oxcdata_pull_utf16(struct oxcdata_pull *pull, TALLOC_CTX *mem_ctx, char **out)
{
	const uint8_t *start = pull->data + pull->offset;
	size_t left = oxcdata_pull_left(pull);
	size_t units = 0, i = 0, o = 0;
	char *str;

	*out = NULL;
	/* Find the terminator first, so nothing is allocated for an unterminated string. */
	for (;;) {
		if (2 * units + 2 > left) {
			return WIRE_ERR_TRUNCATED;
		}
		if (start[2 * units] == 0 && start[2 * units + 1] == 0) {
			break;
		}
		units++;
	}
	/* One unit gives at most 3 bytes of UTF-8; a pair (two units) gives 4. */
	str = talloc_array(mem_ctx, char, units * 3 + 1);
	if (str == NULL) {
		return WIRE_ERR_NO_MEMORY;
	}
	while (i < units) {
		uint32_t c = wire_load_le16(start + 2 * i++);

		if (c >= 0xDC00 && c <= 0xDFFF) {
			talloc_free(str);
			return WIRE_ERR_BAD_STRING;
		}
		if (c >= 0xD800 && c <= 0xDBFF) {
			uint32_t low = i < units ? wire_load_le16(start + 2 * i) : 0;

			if (low < 0xDC00 || low > 0xDFFF) {
				talloc_free(str);
				return WIRE_ERR_BAD_STRING;
			}
			c = 0x10000 + ((c - 0xD800) << 10) + (low - 0xDC00);
			i++;
		}
		o += utf8_encode(str + o, c);
	}
	str[o] = '\0';
	pull->offset += 2 * units + 2;
	*out = str;
	return WIRE_OK;
}

void oxcdata_push_init(struct oxcdata_push *push, TALLOC_CTX *mem_ctx)
{
	push->mem_ctx = mem_ctx;
	push->data = NULL;
	push->len = 0;
	push->alloc = 0;
	push->depth = 0;
}

/* Make room for n more bytes; *where is where they go. */
static enum wire_error push_grow(struct oxcdata_push *push, size_t n, uint8_t **where)
{
	if (n > SIZE_MAX / 4 - push->len) {
		return WIRE_ERR_TOO_LARGE;
	}
	if (push->len + n > push->alloc) {
		/* Doubling keeps appends amortised O(1). */
		size_t alloc = push->alloc < 64 ? 64 : push->alloc;
		uint8_t *data;

		while (alloc < push->len + n) {
			alloc *= 2;
		}
		data = talloc_realloc(push->mem_ctx, push->data, uint8_t, alloc);
		if (data == NULL) {
			return WIRE_ERR_NO_MEMORY;
		}
		push->data = data;
		push->alloc = alloc;
	}
	*where = push->data + push->len;
	push->len += n;
	return WIRE_OK;
}

enum wire_error oxcdata_push_bytes(struct oxcdata_push *push, const void *p, size_t n)
{
	uint8_t *out;
	enum wire_error err;

	if (n == 0) {
		return WIRE_OK;
	}
	if (p == NULL) {
		return WIRE_ERR_INVALID_ARG;
	}
	err = push_grow(push, n, &out);
	if (err == WIRE_OK) {
		memcpy(out, p, n);
	}
	return err;
}

enum wire_error oxcdata_push_u8(struct oxcdata_push *push, uint8_t v)
{
	return oxcdata_push_bytes(push, &v, 1);
}

enum wire_error oxcdata_push_u16(struct oxcdata_push *push, uint16_t v)
{
	uint8_t b[2];

	wire_store_le16(b, v);
	return oxcdata_push_bytes(push, b, sizeof(b));
}

enum wire_error oxcdata_push_u32(struct oxcdata_push *push, uint32_t v)
{
	uint8_t b[4];

	wire_store_le32(b, v);
	return oxcdata_push_bytes(push, b, sizeof(b));
}

enum wire_error oxcdata_push_u64(struct oxcdata_push *push, uint64_t v)
{
	uint8_t b[8];

	wire_store_le32(b, (uint32_t)v);
	wire_store_le32(b + 4, (uint32_t)(v >> 32));
	return oxcdata_push_bytes(push, b, sizeof(b));
}

enum wire_error oxcdata_push_string8(struct oxcdata_push *push, const char *str)
{
	if (str == NULL) {
		return WIRE_ERR_INVALID_ARG;
	}
	return oxcdata_push_bytes(push, str, strlen(str) + 1);
}


enum wire_error oxcdata_push_utf16(struct oxcdata_push *push, const char *str)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t start = push->len;
	enum wire_error err = WIRE_OK;

	if (str == NULL) {
		return WIRE_ERR_INVALID_ARG;
	}
	while (*s != '\0' && err == WIRE_OK) {
		uint32_t c;
		size_t n = wire_utf8_decode(s, &c);

		if (n == 0) {
			err = WIRE_ERR_BAD_STRING;
			break;
		}
		s += n;
		if (c >= 0x10000) {
			c -= 0x10000;
			err = oxcdata_push_u16(push, (uint16_t)(0xD800 | (c >> 10)));
			if (err == WIRE_OK) {
				err = oxcdata_push_u16(push, (uint16_t)(0xDC00 | (c & 0x3FF)));
			}
		} else {
			err = oxcdata_push_u16(push, (uint16_t)c);
		}
	}
	if (err == WIRE_OK) {
		err = oxcdata_push_u16(push, 0);
	}
	if (err != WIRE_OK) {
		/* Leave no half-written string behind. */
		push->len = start;
	}
	return err;
}
