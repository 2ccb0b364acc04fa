/*
 * OpenChange mapiproxy: providers, the code that answers the calls of one
 * RPC interface.
 *
 * The module admits the caller and unmarshals the request with the NDR our
 * IDL compiler generates; a provider only sees the unmarshalled structure
 * (r->in filled, r->out pointers allocated) and fills r->out.  An opnum
 * without a handler answers nca_op_rng_error, as before any provider
 * existed.
 *
 * Copyright (C) OpenChange developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef MAPIPROXY_PROVIDER_H
#define MAPIPROXY_PROVIDER_H

#include <stddef.h>
#include <stdint.h>
#include <talloc.h>
#include <ndr.h>

struct dcesrv_call_state;
struct dcesrv_context;

/*
 * A handler returns NT_STATUS_OK when r->out is ready to be marshalled
 * (MAPI errors travel in r->out.result, never as a fault), or sets
 * dce_call->fault_code and returns NT_STATUS_NET_WRITE_FAULT.
 */
typedef NTSTATUS (*mapiproxy_handler_fn)(struct dcesrv_call_state *dce_call,
					 TALLOC_CTX *mem_ctx, void *r);

struct mapiproxy_provider {
	const struct ndr_interface_table *table;
	/* called once when samba starts the endpoint server; may be NULL */
	NTSTATUS (*init)(struct dcesrv_context *dce_ctx);
	size_t num_handlers;
	const mapiproxy_handler_fn *handlers;	/* indexed by opnum */
};

extern const struct mapiproxy_provider mapiproxy_rfr_provider;
/* MS-OXNSPI: mapiproxy/nspi/nspi_server.c */
extern const struct mapiproxy_provider mapiproxy_nspi_provider;
/* MS-OXCRPC: mapiproxy/emsmdb/emsmdb.c */
extern const struct mapiproxy_provider mapiproxy_emsmdb_provider;
extern const struct mapiproxy_provider mapiproxy_asyncemsmdb_provider;

const struct mapiproxy_provider *mapiproxy_provider_for(const struct ndr_interface_table *table);

#endif
