/*
 * A byte builder for the unit tests: expected wire bytes are written with
 * it, independently of the code under test.  Include after <cmocka.h>.
 *
 * Copyright (C) OpenChange developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef TESTSUITE_UNIT_BYTE_BUILDER_H
#define TESTSUITE_UNIT_BYTE_BUILDER_H

#include <stdint.h>
#include <string.h>

struct bytes {
	uint8_t buf[8192];
	size_t len;
};

static inline void put8(struct bytes *b, uint8_t v)
{
	assert_true(b->len < sizeof(b->buf));
	b->buf[b->len++] = v;
}

static inline void put16(struct bytes *b, uint16_t v)
{
	put8(b, (uint8_t)v);
	put8(b, (uint8_t)(v >> 8));
}

static inline void put32(struct bytes *b, uint32_t v)
{
	put16(b, (uint16_t)v);
	put16(b, (uint16_t)(v >> 16));
}

static inline void put64(struct bytes *b, uint64_t v)
{
	put32(b, (uint32_t)v);
	put32(b, (uint32_t)(v >> 32));
}

static inline void put_raw(struct bytes *b, const void *data, size_t len)
{
	assert_true(b->len + len <= sizeof(b->buf));
	memcpy(b->buf + b->len, data, len);
	b->len += len;
}

/* An ASCII string as NUL-terminated UTF-16LE. */
static inline void put_utf16_ascii(struct bytes *b, const char *s)
{
	while (*s != '\0') {
		put16(b, (uint8_t)*s++);
	}
	put16(b, 0);
}

#endif
