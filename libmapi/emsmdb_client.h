/*
 * OpenChange libmapi: an EMSMDB (MS-OXCRPC) client session.
 *
 * One authenticated DCE/RPC connection and one Session Context: connect
 * with the user's legacyExchangeDN (EcDoConnectEx), send ROP buffers in
 * extended buffers (EcDoRpcExt2, compressed and/or obfuscated as asked),
 * EcDummyRpc, the asynchronous wait of AsyncEMSMDB on a second connection,
 * and EcDoDisconnect.  Calls return the server's MAPI status; transport
 * failures (faults included) are MAPI_E_NETWORK_ERROR with the detail in
 * last_error and last_status.
 *
 * Copyright (C) OpenChange developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef LIBMAPI_EMSMDB_CLIENT_H
#define LIBMAPI_EMSMDB_CLIENT_H

#include <stdbool.h>
#include <stdint.h>
#include <talloc.h>
#include <core/ntstatus.h>

#include "idl/gen_emsmdb.h"
#include "idl/gen_errors.h"

struct tevent_context;
struct loadparm_context;
struct cli_credentials;
struct dcerpc_pipe;

/* EcDoConnectEx inputs a caller may want to change (defaults: see below). */
struct emsmdb_connect_params {
	uint32_t flags;			/* ulFlags; default 0 */
	uint16_t client_version[3];	/* default 12.00.6425.1000 (wire form) */
	uint32_t code_page;		/* default 1252 */
	uint32_t lcid;			/* default 0x0409 */
	const uint8_t *aux_in;		/* rgbAuxIn as sent (already framed), may be NULL */
	uint32_t aux_in_len;
};

void emsmdb_connect_params_default(struct emsmdb_connect_params *params);

struct emsmdb_client {
	struct tevent_context *ev;
	struct loadparm_context *lp_ctx;
	struct cli_credentials *creds;
	const char *binding;
	struct dcerpc_pipe *pipe;
	struct dcerpc_pipe *async_pipe;	/* AsyncEMSMDB, opened on first use */
	struct policy_handle handle;	/* CXH */
	bool connected;

	/* what EcDoConnectEx returned */
	uint32_t polls_max, retry_count, retry_delay, time_stamp;
	uint16_t session_index;
	const char *dn_prefix;
	const char *display_name;
	uint16_t server_version[3];
	uint16_t best_version[3];
	uint8_t *aux_out;
	uint32_t aux_out_len;

	uint32_t trans_time;		/* pulTransTime of the last EcDoRpcExt2 */
	const char *last_error;
	NTSTATUS last_status;
};

/*
 * Opens the connection (BINDING, e.g. "ncacn_ip_tcp:127.0.0.10[seal]"; the
 * endpoint mapper is asked when no port is given) as CREDS and calls
 * EcDoConnectEx for USER_DN with PARAMS (NULL: the defaults).  *out is set
 * even on failure (unconnected) so that last_error and the returned
 * versions can be read; freeing it disconnects and closes.
 */
enum MAPISTATUS emsmdb_client_connect(TALLOC_CTX *mem_ctx, struct tevent_context *ev,
				      struct loadparm_context *lp_ctx, const char *binding,
				      struct cli_credentials *creds, const char *user_dn,
				      const struct emsmdb_connect_params *params,
				      struct emsmdb_client **out);

/* A further EcDoConnectEx on the same connection: a second session. */
enum MAPISTATUS emsmdb_client_connect_again(struct emsmdb_client *client, const char *user_dn,
					    const struct emsmdb_connect_params *params,
					    struct policy_handle *handle);

/*
 * EcDoRpcExt2 with the ROP input buffer ROPS: framed in one extended
 * buffer with REQUEST_OPTIONS (RPC_EXT_COMPRESS, RPC_EXT_XOR), pulFlags
 * FLAGS, pcbOut MAX_OUT (0: 0x40000).  On success *reply is the ROP output
 * buffer(s) once revealed and decompressed, concatenated, under MEM_CTX.
 * *reply_flags (may be NULL) gets the first RPC_HEADER_EXT's Flags.
 */
enum MAPISTATUS emsmdb_client_rpc(struct emsmdb_client *client, TALLOC_CTX *mem_ctx,
				  const uint8_t *rops, size_t rops_len, unsigned request_options,
				  uint32_t flags, uint32_t max_out, uint8_t **reply, size_t *reply_len,
				  uint16_t *reply_flags);

/* EcDoRpcExt2 with raw rgbIn/rgbOut bytes on any context handle (for tests). */
enum MAPISTATUS emsmdb_client_rpc_raw(struct emsmdb_client *client, TALLOC_CTX *mem_ctx,
				      const struct policy_handle *handle, uint32_t flags,
				      const uint8_t *rgb_in, uint32_t cb_in, uint32_t max_out,
				      uint8_t **rgb_out, uint32_t *cb_out);

enum MAPISTATUS emsmdb_client_dummy_rpc(struct emsmdb_client *client);

/* EcDoAsyncConnectEx then EcDoAsyncWaitEx on an AsyncEMSMDB connection. */
enum MAPISTATUS emsmdb_client_async_connect(struct emsmdb_client *client, struct policy_handle *acxh);
enum MAPISTATUS emsmdb_client_async_wait(struct emsmdb_client *client, const struct policy_handle *acxh,
					 uint32_t *flags_out);

/* EcDoDisconnect of the session; the connection stays open. */
enum MAPISTATUS emsmdb_client_disconnect(struct emsmdb_client *client);

/* EcDoDisconnect of any handle (for tests: stale handles). */
enum MAPISTATUS emsmdb_client_disconnect_handle(struct emsmdb_client *client,
						struct policy_handle *handle);

#endif
