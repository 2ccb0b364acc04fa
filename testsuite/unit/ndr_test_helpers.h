/*
 * Helpers shared by the NDR unit tests (cmocka): see ndr_test_helpers.c.
 *
 * Copyright (C) OpenChange developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef TESTSUITE_UNIT_NDR_TEST_HELPERS_H
#define TESTSUITE_UNIT_NDR_TEST_HELPERS_H

#include <stdint.h>
#include <talloc.h>
#include <ndr.h>

const struct ndr_interface_call *call_of(const struct ndr_interface_table *table, uint32_t opnum);
DATA_BLOB push_call(TALLOC_CTX *mem_ctx, const struct ndr_interface_call *call, int flags, const void *r);
enum ndr_err_code pull_call(TALLOC_CTX *mem_ctx, const struct ndr_interface_call *call, int flags, const DATA_BLOB *blob, void **out);
char *print_call(TALLOC_CTX *mem_ctx, const struct ndr_interface_call *call, int flags, const void *r);
void check_truncations(const struct ndr_interface_call *call, int flags, const DATA_BLOB *blob);
void *roundtrip(TALLOC_CTX *mem_ctx, const struct ndr_interface_table *table, uint32_t opnum, int flags, const void *r, DATA_BLOB *wire);
void assert_blob_equal(DATA_BLOB blob, const uint8_t *expected, size_t len);
enum ndr_err_code pull_bytes(TALLOC_CTX *mem_ctx, const struct ndr_interface_table *table, uint32_t opnum, int flags, const uint8_t *bytes, size_t len, void **out);

#endif
