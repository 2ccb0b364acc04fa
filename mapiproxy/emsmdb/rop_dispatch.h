/*
 * OpenChange mapiproxy EMSMDB: ROP dispatch (MS-OXCROPS 3.2.5).
 *
 * emsmdb_rop_process() turns one ROP input buffer into one ROP output
 * buffer for a session: it parses every request first (a buffer it cannot
 * parse fails the whole call with ecRpcFormat, 3.2.5.1, before anything
 * ran), then runs them in order through emsmdb_rop_handlers[] (rop_table.c)
 * and keeps the output within the size the caller allows (RopBufferTooSmall,
 * 3.2.4.3).  A ROP family file (oxcstor.c, oxcfold.c, ...) adds a handler
 * and its line in rop_table.c; everything else is done here:
 *   - the primary input handle index is checked against the handle table
 *     and, for a handler, resolved to an object of an accepted type
 *     (ecNullObject otherwise);
 *   - a described ROP without a handler gets the error form with
 *     ecNotSupported (MAPI_E_NO_SUPPORT);
 *   - an object a handler creates is entered at OutputHandleIndex.
 *
 * Copyright (C) OpenChange developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef MAPIPROXY_EMSMDB_ROP_DISPATCH_H
#define MAPIPROXY_EMSMDB_ROP_DISPATCH_H

#include <stddef.h>
#include <stdint.h>
#include <talloc.h>

#include "idl/gen_rops.h"
#include "idl/gen_errors.h"
#include "mapiproxy/emsmdb/session.h"
#include "mapiproxy/emsmdb/rop_layout.h"

/* What one handler call sees. */
struct emsmdb_rop_ctx {
	struct emsmdb_session *session;
	TALLOC_CTX *mem_ctx;			/* freed after the call's response is built */
	const struct rop_request *request;
	uint8_t handle_index;			/* the request byte the response echoes */
	struct emsmdb_object *input;		/* the resolved input object, if the handler takes one */
	uint32_t *handles;			/* the call's handle table (may be read) */
	size_t handle_count;
	size_t space;				/* bytes the response may take */
	struct emsmdb_object *output;		/* set by a handler that creates an object */
	/*
	 * What the codec needs to lay the response out (struct rop_params):
	 * a handler whose response carries rows sets columns (RopQueryRows,
	 * RopFindRow: the table's; RopGetPropertiesSpecific: the request's
	 * tags), under mem_ctx or longer-lived.
	 */
	struct rop_params response_params;
};

/*
 * A handler fills *response (RopId is preset) and returns MAPI_E_SUCCESS;
 * any other value makes the dispatcher answer with the plain error form
 * (RopId, handle index, ReturnValue) and discard *response and ctx->output.
 * A response whose nonzero ReturnValue has a form of its own (RopLogon's
 * redirect, ecNullDestinationObject) is filled by the handler with that
 * ReturnValue and MAPI_E_SUCCESS returned.  EMSMDB_ROP_NO_SPACE says the
 * response cannot fit ctx->space; the handler must not have changed
 * anything then, and the ROP goes back to the client in RopBufferTooSmall.
 */
#define EMSMDB_ROP_NO_SPACE ((enum MAPISTATUS)0xFFFFFFFFu)

typedef enum MAPISTATUS (*emsmdb_rop_fn)(struct emsmdb_rop_ctx *ctx, struct rop_response *response);

struct emsmdb_rop_handler {
	emsmdb_rop_fn fn;
	/* EMSMDB_OBJECT_BIT()s of the input objects accepted; 0: none looked up */
	uint32_t input_types;
	/* the least a success response takes, checked before the handler runs */
	uint16_t min_response;
};

/* Indexed by RopId (rop_table.c). */
extern const struct emsmdb_rop_handler emsmdb_rop_handlers[256];

/* The handlers this file family provides (oxcrops.c). */
enum MAPISTATUS emsmdb_rop_release(struct emsmdb_rop_ctx *ctx, struct rop_response *response);

/* The size of the error form (RopId, handle index, ReturnValue). */
#define EMSMDB_ROP_ERROR_SIZE 6

/* One ROP output buffer, before RPC_HEADER_EXT framing. */
struct emsmdb_rop_result {
	uint8_t *data;
	size_t len;
	size_t rop_count;		/* requests answered (or released) */
	bool buffer_too_small;		/* ended with RopBufferTooSmall */
};

/*
 * Runs the ROP input buffer IN (RopSize, RopsList, handle table) for
 * SESSION; the ROP output buffer may take MAX_OUT bytes (at most 0x8000,
 * MS-OXCRPC 3.1.4.2.1.2.2).  Returns MAPI_E_SUCCESS and *result under
 * MEM_CTX, EC_RPC_FORMAT for a buffer that does not parse, or
 * EC_BUFFER_TOO_SMALL when not even RopBufferTooSmall fits.
 */
enum MAPISTATUS emsmdb_rop_process(TALLOC_CTX *mem_ctx, struct emsmdb_session *session,
				   const uint8_t *in, size_t in_len, size_t max_out,
				   struct emsmdb_rop_result *result);

/* The same with another handler table: for the unit tests. */
enum MAPISTATUS emsmdb_rop_process_with(const struct emsmdb_rop_handler *handlers,
					TALLOC_CTX *mem_ctx, struct emsmdb_session *session,
					const uint8_t *in, size_t in_len, size_t max_out,
					struct emsmdb_rop_result *result);

/*
 * The RopBufferTooSmall decision, exposed for the unit tests: whether a
 * response of NEED bytes fits after USED bytes of RopsList in a buffer of
 * MAX_OUT bytes whose handle table has HANDLE_COUNT entries.
 */
bool emsmdb_rop_fits(size_t max_out, size_t used, size_t handle_count, size_t need);

#endif
