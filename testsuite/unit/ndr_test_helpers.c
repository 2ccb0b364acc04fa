/*
 * Helpers shared by the NDR unit tests: push, pull (every byte consumed),
 * print, round trips and truncation checks over an ndr_interface_call.
 *
 * Copyright (C) OpenChange developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "testsuite/unit/ndr_test_helpers.h"
#include <charset.h>


const struct ndr_interface_call *call_of(const struct ndr_interface_table *table,
						uint32_t opnum)
{
	assert_true(opnum < table->num_calls);
	return &table->calls[opnum];
}

DATA_BLOB push_call(TALLOC_CTX *mem_ctx, const struct ndr_interface_call *call,
			   int flags, const void *r)
{
	struct ndr_push *ndr = ndr_push_init_ctx(mem_ctx);

	assert_non_null(ndr);
	assert_int_equal(call->ndr_push(ndr, flags, r), NDR_ERR_SUCCESS);
	return ndr_push_blob(ndr);
}

/* Pull a whole stub: every byte must be consumed. */
enum ndr_err_code pull_call(TALLOC_CTX *mem_ctx, const struct ndr_interface_call *call,
				   int flags, const DATA_BLOB *blob, void **out)
{
	void *r = talloc_zero_size(mem_ctx, call->struct_size);
	struct ndr_pull *ndr = ndr_pull_init_blob(blob, r);
	enum ndr_err_code err;

	assert_non_null(ndr);
	err = call->ndr_pull(ndr, flags, r);
	if (err == NDR_ERR_SUCCESS && ndr->offset != ndr->data_size) {
		err = NDR_ERR_UNREAD_BYTES;
	}
	talloc_free(ndr);
	*out = r;
	return err;
}

char *print_call(TALLOC_CTX *mem_ctx, const struct ndr_interface_call *call,
			int flags, const void *r)
{
	return ndr_print_function_string(mem_ctx, call->ndr_print, call->name, flags,
					 discard_const(r));
}

/* Every strict prefix of a valid stub must be refused, never crash. */
void check_truncations(const struct ndr_interface_call *call, int flags,
			      const DATA_BLOB *blob)
{
	size_t len;

	for (len = 0; len < blob->length; len++) {
		TALLOC_CTX *tmp = talloc_new(NULL);
		DATA_BLOB cut = data_blob_const(blob->data, len);
		void *r;

		assert_int_not_equal(pull_call(tmp, call, flags, &cut, &r), NDR_ERR_SUCCESS);
		talloc_free(tmp);
	}
}

/*
 * Push, pull, compare (every field, through the printed form), push again
 * to identical bytes, then try every truncation.  Returns the pulled copy
 * for field-by-field checks.
 */
void *roundtrip(TALLOC_CTX *mem_ctx, const struct ndr_interface_table *table,
		       uint32_t opnum, int flags, const void *r, DATA_BLOB *wire)
{
	const struct ndr_interface_call *call = call_of(table, opnum);
	DATA_BLOB first = push_call(mem_ctx, call, flags, r), second;
	void *copy;

	assert_int_equal(pull_call(mem_ctx, call, flags, &first, &copy), NDR_ERR_SUCCESS);
	assert_string_equal(print_call(mem_ctx, call, flags, r),
			    print_call(mem_ctx, call, flags, copy));
	second = push_call(mem_ctx, call, flags, copy);
	assert_int_equal(first.length, second.length);
	assert_memory_equal(first.data, second.data, first.length);
	check_truncations(call, flags, &first);
	if (wire != NULL) {
		*wire = first;
	}
	return copy;
}

void assert_blob_equal(DATA_BLOB blob, const uint8_t *expected, size_t len)
{
	assert_int_equal(blob.length, len);
	assert_memory_equal(blob.data, expected, len);
}

enum ndr_err_code pull_bytes(TALLOC_CTX *mem_ctx, const struct ndr_interface_table *table,
				    uint32_t opnum, int flags, const uint8_t *bytes, size_t len,
				    void **out)
{
	DATA_BLOB blob = data_blob_const(bytes, len);

	return pull_call(mem_ctx, call_of(table, opnum), flags, &blob, out);
}
