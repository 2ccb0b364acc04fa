/*
 * libFuzzer target: pull every call of every interface (RFR, NSPI,
 * EMSMDB, AsyncEMSMDB), request or response, from hostile bytes.  The
 * first byte picks the call and the direction, the rest is the stub.
 * What pulls is then printed and pushed again, to exercise those paths on
 * whatever the decoder accepted.
 *
 * Copyright (C) OpenChange developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <stddef.h>
#include <stdint.h>
#include <talloc.h>

#include "idl/gen_ndr_rfr.h"
#include "idl/gen_ndr_nspi.h"
#include "idl/gen_ndr_emsmdb.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const struct ndr_interface_table *const tables[] = {
	&ndr_table_rfri, &ndr_table_nspi, &ndr_table_emsmdb, &ndr_table_asyncemsmdb,
};

/* The call numbered n across all tables, n < the sum of their calls. */
static const struct ndr_interface_call *nth_call(uint32_t n)
{
	size_t i;

	for (i = 0; i < sizeof(tables) / sizeof(tables[0]); i++) {
		if (n < tables[i]->num_calls) {
			return &tables[i]->calls[n];
		}
		n -= tables[i]->num_calls;
	}
	return NULL;
}

static uint32_t total_calls(void)
{
	uint32_t total = 0;
	size_t i;

	for (i = 0; i < sizeof(tables) / sizeof(tables[0]); i++) {
		total += tables[i]->num_calls;
	}
	return total;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct ndr_interface_call *call;
	TALLOC_CTX *mem_ctx;
	struct ndr_pull *pull;
	struct ndr_push *push;
	DATA_BLOB blob;
	uint32_t pick;
	int flags;
	void *r;

	if (size < 1) {
		return 0;
	}
	pick = data[0] % (2 * total_calls());
	call = nth_call(pick / 2);
	flags = (pick & 1) ? NDR_OUT : NDR_IN;
	blob = data_blob_const(data + 1, size - 1);

	mem_ctx = talloc_new(NULL);
	r = talloc_zero_size(mem_ctx, call->struct_size);
	pull = ndr_pull_init_blob(&blob, mem_ctx);
	if (r != NULL && pull != NULL && call->ndr_pull(pull, flags, r) == NDR_ERR_SUCCESS) {
		talloc_free(ndr_print_function_string(mem_ctx, call->ndr_print, call->name, flags, r));
		push = ndr_push_init_ctx(mem_ctx);
		if (push != NULL) {
			(void)call->ndr_push(push, flags, r);
		}
	}
	talloc_free(mem_ctx);
	return 0;
}
