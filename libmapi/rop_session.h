/*
 * OpenChange libmapi: ROP calls over an EMSMDB session.
 *
 * The step between "bytes through EcDoRpcExt2" (emsmdb_client.h) and a
 * client API: a caller fills struct rop_request values (idl/gen_rops.h),
 * this layer frames them with the Server object handle table (MS-OXCROPS
 * 2.2.1), sends them in one EcDoRpcExt2 and decodes the responses with
 * what only the requests know: whether a logon is private (RopLogon's
 * response form) and which columns a row uses (RopGetPropertiesSpecific's
 * tags, the RopSetColumns earlier sent on the same table).
 *
 * The handle table is the caller's: an array of Server object handles
 * (0xFFFFFFFF for an empty slot) passed to every call and replaced by the
 * table the server returns, so a handle made by one call is used by the
 * next exactly as MS-OXCROPS 3.2.5.1 says Server objects live.
 *
 * Copyright (C) OpenChange developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef LIBMAPI_ROP_SESSION_H
#define LIBMAPI_ROP_SESSION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <talloc.h>

#include "idl/gen_rops.h"
#include "idl/gen_errors.h"
#include "libmapi/rop_buffer.h"

struct emsmdb_client;

/* An empty slot of the handle table (MS-OXCROPS 2.2.1: 0xFFFFFFFF) */
#define ROP_HANDLE_NONE 0xFFFFFFFFu

/* The most slots a handle table may have: HandleIndex is one byte */
#define ROP_SESSION_MAX_HANDLES 255

struct rop_session;

/*
 * A session on CLIENT (connected), a talloc child of MEM_CTX; it does not
 * own CLIENT.  OPTIONS are rpc_ext.h's RPC_EXT_COMPRESS/RPC_EXT_XOR for
 * requests, FLAGS EcDoRpcExt2's pulFlags (0: the server may compress and
 * obfuscate the reply).
 */
struct rop_session *rop_session_new(TALLOC_CTX *mem_ctx, struct emsmdb_client *client,
				    unsigned options, uint32_t flags);

/*
 * Sends REQUESTS[0..count) with the handle table HANDLES[0..handle_count)
 * in one EcDoRpcExt2 and decodes the answer into *responses (allocated
 * under MEM_CTX); HANDLES is then the server's table.  MAX_OUT: pcbOut
 * (0: the largest).  Returns the call's status: MAPI_E_SUCCESS even when
 * single ROPs failed (their ReturnValue says so); MAPI_E_CALL_FAILED
 * with rop_session_last_error() when the reply does not decode.
 */
enum MAPISTATUS rop_session_call(struct rop_session *session, TALLOC_CTX *mem_ctx,
				 const struct rop_request *requests, size_t count,
				 uint32_t *handles, size_t handle_count, uint32_t max_out,
				 struct rop_response_list *responses);

/* One ROP: the response of REQUEST, or an error when none came back */
enum MAPISTATUS rop_session_call_one(struct rop_session *session, TALLOC_CTX *mem_ctx,
				     const struct rop_request *request, uint32_t *handles,
				     size_t handle_count, struct rop_response *response);

/* What went wrong with the last call, in words, or NULL */
const char *rop_session_last_error(const struct rop_session *session);

/*
 * The ReturnValue of any response (RopBufferTooSmall, RopBackoff,
 * RopPending and RopNotify have none: 0).
 */
uint32_t rop_response_return_value(const struct rop_response *response);

/* The NTH (0-based) response with ROP_ID in LIST, or NULL */
const struct rop_response *rop_response_find(const struct rop_response_list *list,
					     uint8_t rop_id, size_t nth);

#endif
