/*
 * Shared helpers of the mapistore unit tests: a mailbox in a fresh
 * temporary directory, property value builders.
 *
 * Copyright (C) OpenChange developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef TEST_MAPISTORE_COMMON_H
#define TEST_MAPISTORE_COMMON_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "mapistore/mapistore.h"
#include "mapistore/mapistore_tags.h"

struct mbox {
	TALLOC_CTX *mem;
	char *dir;
	char *path;
	char *uri;
	struct mapistore_context *ctx;
};

static const struct mapistore_mailbox_params test_params = {
	.replica_id = 1,
	.replica_guid = { 0x10, 0x32, 0x54, 0x76, 0x98, 0xBA, 0xDC, 0xFE, 0x01, 0x23, 0x45, 0x67, 0x89, 0xAB, 0xCD, 0xEF },
	.mailbox_guid = { 0xA0, 0xA1, 0xA2, 0xA3, 0xA4, 0xA5, 0xA6, 0xA7, 0xA8, 0xA9, 0xAA, 0xAB, 0xAC, 0xAD, 0xAE, 0xAF },
	.owner_name = "Test User",
};

/* A new mailbox in a temporary directory (created unless create is false). */
static inline struct mbox *mbox_new(bool create)
{
	struct mbox *m = talloc_zero(NULL, struct mbox);
	char tmpl[] = "/tmp/mapistore-test-XXXXXX";

	assert_non_null(m);
	m->mem = m;
	assert_non_null(mkdtemp(tmpl));
	m->dir = talloc_strdup(m, tmpl);
	m->path = talloc_asprintf(m, "%s/mailbox.db", tmpl);
	m->uri = talloc_asprintf(m, "sqlite3://%s", m->path);
	assert_int_equal(mapistore_open(m, m->uri, MAPISTORE_OPEN_CREATE, &m->ctx, NULL), MAPI_E_SUCCESS);
	if (create)
		assert_int_equal(mapistore_mailbox_create(m->ctx, &test_params), MAPI_E_SUCCESS);
	return m;
}

static inline void mbox_reopen(struct mbox *m)
{
	talloc_free(m->ctx);
	assert_int_equal(mapistore_open(m, m->uri, 0, &m->ctx, NULL), MAPI_E_SUCCESS);
}

static inline void mbox_free(struct mbox *m)
{
	char *f;

	talloc_free(m->ctx);
	m->ctx = NULL;
	f = talloc_asprintf(m, "rm -rf '%s'", m->dir);
	if (system(f) != 0)
		fprintf(stderr, "could not remove %s\n", m->dir);
	talloc_free(m);
}

static inline uint64_t special(struct mbox *m, enum mapistore_special_folder which)
{
	uint64_t fid = 0;

	assert_int_equal(mapistore_special_folder_id(m->ctx, which, &fid), MAPI_E_SUCCESS);
	return fid;
}

static inline struct mapistore_folder *open_special(struct mbox *m, TALLOC_CTX *mem,
						    enum mapistore_special_folder which)
{
	struct mapistore_folder *f;

	assert_int_equal(mapistore_folder_open(m->ctx, mem, special(m, which), &f), MAPI_E_SUCCESS);
	return f;
}

static inline struct mapi_propval pv_string(uint32_t tag, const char *s)
{
	struct mapi_propval pv = { .tag = tag };

	pv.value.string = (char *)s;
	return pv;
}

static inline struct mapi_propval pv_i32(uint32_t tag, uint32_t v)
{
	struct mapi_propval pv = { .tag = tag };

	pv.value.i32 = v;
	return pv;
}

static inline struct mapi_propval pv_time(uint32_t tag, uint64_t v)
{
	struct mapi_propval pv = { .tag = tag };

	pv.value.time = v;
	return pv;
}

static inline struct mapi_propval pv_binary(uint32_t tag, const void *data, uint32_t len)
{
	struct mapi_propval pv = { .tag = tag };

	pv.value.binary.len = len;
	pv.value.binary.data = (uint8_t *)data;
	return pv;
}

/* One property of an object through a getter of the mapistore_*_get_props shape. */
#define GET1(fn, obj, mem, tag, out) do { \
		uint32_t t_ = (tag); \
		assert_int_equal(fn((obj), (mem), 1, &t_, (out)), MAPI_E_SUCCESS); \
	} while (0)

#endif
