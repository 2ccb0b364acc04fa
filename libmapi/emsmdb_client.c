/*
 * OpenChange libmapi: an EMSMDB (MS-OXCRPC) client session.
 *
 * Copyright (C) OpenChange developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <talloc.h>
#include <tevent.h>
#include <util/time.h>
#include <dcerpc.h>
#include <credentials.h>

#include "libmapi/emsmdb_client.h"
#include "libmapi/rpc_ext.h"
#include "idl/gen_ndr_emsmdb.h"

/* 12.00.6425.1000 in the high-bit wire form (MS-OXCRPC 3.1.4.1.3.1) */
#define DEFAULT_CLIENT_VERSION_0 0x0C00
#define DEFAULT_CLIENT_VERSION_1 (0x8000 | 6425)
#define DEFAULT_CLIENT_VERSION_2 1000
/* MS-OXCRPC 3.1.4.1: no session linking */
#define NO_SESSION_LINK 0xFFFFFFFF
/* the largest rgbOut and rgbAuxOut (2.2.1.3, 2.2.1.4) */
#define MAX_RGB_OUT 0x40000
#define MAX_AUX_OUT 0x1008

void emsmdb_connect_params_default(struct emsmdb_connect_params *params)
{
	memset(params, 0, sizeof(*params));
	params->client_version[0] = DEFAULT_CLIENT_VERSION_0;
	params->client_version[1] = DEFAULT_CLIENT_VERSION_1;
	params->client_version[2] = DEFAULT_CLIENT_VERSION_2;
	params->code_page = 1252;
	params->lcid = 0x0409;
}

static enum MAPISTATUS transport_error(struct emsmdb_client *client, const char *call, NTSTATUS status)
{
	client->last_status = status;
	client->last_error = talloc_asprintf(client, "%s: %s", call, nt_errstr(status));
	return MAPI_E_NETWORK_ERROR;
}

static enum MAPISTATUS call_pipe(struct emsmdb_client *client, struct dcerpc_pipe *pipe,
				 const struct ndr_interface_table *table, const char *name,
				 uint32_t opnum, TALLOC_CTX *mem_ctx, void *r)
{
	NTSTATUS status = dcerpc_binding_handle_call(pipe->binding_handle, NULL, table, opnum,
						     mem_ctx, r);

	client->last_status = status;
	if (!NT_STATUS_IS_OK(status)) {
		return transport_error(client, name, status);
	}
	return MAPI_E_SUCCESS;
}

static int emsmdb_client_destructor(struct emsmdb_client *client)
{
	if (client->connected && client->pipe != NULL) {
		emsmdb_client_disconnect(client);
	}
	return 0;
}

static enum MAPISTATUS do_connect(struct emsmdb_client *client, TALLOC_CTX *mem_ctx, const char *user_dn,
				  const struct emsmdb_connect_params *params, struct policy_handle *handle)
{
	struct emsmdb_connect_params defaults;
	struct EcDoConnectEx r;
	uint32_t time_stamp = 0, aux_out_len = MAX_AUX_OUT;
	uint32_t polls = 0, retry = 0, delay = 0;
	uint16_t icxr = 0;
	const char *prefix = NULL, *name = NULL;
	enum MAPISTATUS ret;

	if (params == NULL) {
		emsmdb_connect_params_default(&defaults);
		params = &defaults;
	}
	memset(&r, 0, sizeof(r));
	r.in.szUserDN = user_dn;
	r.in.ulFlags = params->flags;
	r.in.ulConMod = 0;
	r.in.cbLimit = 0;
	r.in.ulCpid = params->code_page;
	r.in.ulLcidString = params->lcid;
	r.in.ulLcidSort = params->lcid;
	r.in.ulIcxrLink = NO_SESSION_LINK;
	r.in.usFCanConvertCodePages = 1;
	memcpy(r.in.rgwClientVersion, params->client_version, sizeof(r.in.rgwClientVersion));
	r.in.pulTimeStamp = &time_stamp;
	r.in.rgbAuxIn = discard_const_p(uint8_t, params->aux_in);
	r.in.cbAuxIn = params->aux_in_len;
	r.in.pcbAuxOut = &aux_out_len;
	r.out.pcxh = handle;
	r.out.pcmsPollsMax = &polls;
	r.out.pcRetry = &retry;
	r.out.pcmsRetryDelay = &delay;
	r.out.picxr = &icxr;
	r.out.szDNPrefix = &prefix;
	r.out.szDisplayName = &name;
	r.out.pulTimeStamp = &time_stamp;
	r.out.pcbAuxOut = &aux_out_len;
	ret = call_pipe(client, client->pipe, &ndr_table_emsmdb, "EcDoConnectEx", NDR_ECDOCONNECTEX,
			mem_ctx, &r);
	if (ret != MAPI_E_SUCCESS) {
		return ret;
	}
	memcpy(client->server_version, r.out.rgwServerVersion, sizeof(client->server_version));
	memcpy(client->best_version, r.out.rgwBestVersion, sizeof(client->best_version));
	if (r.out.result != MAPI_E_SUCCESS) {
		return (enum MAPISTATUS)r.out.result;
	}
	client->polls_max = polls;
	client->retry_count = retry;
	client->retry_delay = delay;
	client->session_index = icxr;
	client->time_stamp = time_stamp;
	client->dn_prefix = prefix != NULL ? talloc_strdup(client, prefix) : NULL;
	client->display_name = name != NULL ? talloc_strdup(client, name) : NULL;
	client->aux_out_len = aux_out_len;
	client->aux_out = aux_out_len > 0 ? talloc_memdup(client, r.out.rgbAuxOut, aux_out_len) : NULL;
	return MAPI_E_SUCCESS;
}

enum MAPISTATUS emsmdb_client_connect(TALLOC_CTX *mem_ctx, struct tevent_context *ev,
				      struct loadparm_context *lp_ctx, const char *binding,
				      struct cli_credentials *creds, const char *user_dn,
				      const struct emsmdb_connect_params *params,
				      struct emsmdb_client **out)
{
	struct emsmdb_client *client;
	enum MAPISTATUS ret;
	NTSTATUS status;

	*out = NULL;
	client = talloc_zero(mem_ctx, struct emsmdb_client);
	if (client == NULL) {
		return MAPI_E_NOT_ENOUGH_MEMORY;
	}
	client->ev = ev;
	client->lp_ctx = lp_ctx;
	client->creds = creds;
	client->binding = talloc_strdup(client, binding);
	*out = client;
	status = dcerpc_pipe_connect(client, &client->pipe, binding, &ndr_table_emsmdb, creds, ev, lp_ctx);
	if (!NT_STATUS_IS_OK(status)) {
		return transport_error(client, "connect", status);
	}
	ret = do_connect(client, client, user_dn, params, &client->handle);
	if (ret == MAPI_E_SUCCESS) {
		client->connected = true;
		talloc_set_destructor(client, emsmdb_client_destructor);
	}
	return ret;
}

enum MAPISTATUS emsmdb_client_connect_again(struct emsmdb_client *client, const char *user_dn,
					    const struct emsmdb_connect_params *params,
					    struct policy_handle *handle)
{
	TALLOC_CTX *tmp = talloc_new(client);
	enum MAPISTATUS ret = do_connect(client, tmp, user_dn, params, handle);

	talloc_free(tmp);
	return ret;
}

enum MAPISTATUS emsmdb_client_rpc_raw(struct emsmdb_client *client, TALLOC_CTX *mem_ctx,
				      const struct policy_handle *handle, uint32_t flags,
				      const uint8_t *rgb_in, uint32_t cb_in, uint32_t max_out,
				      uint8_t **rgb_out, uint32_t *cb_out)
{
	struct policy_handle cxh = *handle;
	struct EcDoRpcExt2 r;
	uint32_t aux_out_len = MAX_AUX_OUT, trans_time = 0;
	enum MAPISTATUS ret;

	*rgb_out = NULL;
	*cb_out = max_out;
	memset(&r, 0, sizeof(r));
	r.in.pcxh = &cxh;
	r.in.pulFlags = &flags;
	r.in.rgbIn = discard_const_p(uint8_t, rgb_in);
	r.in.cbIn = cb_in;
	r.in.pcbOut = cb_out;
	r.in.rgbAuxIn = NULL;
	r.in.cbAuxIn = 0;
	r.in.pcbAuxOut = &aux_out_len;
	r.out.pcxh = &cxh;
	r.out.pulFlags = &flags;
	r.out.pcbOut = cb_out;
	r.out.pcbAuxOut = &aux_out_len;
	r.out.pulTransTime = &trans_time;
	ret = call_pipe(client, client->pipe, &ndr_table_emsmdb, "EcDoRpcExt2", NDR_ECDORPCEXT2, mem_ctx, &r);
	if (ret != MAPI_E_SUCCESS) {
		*cb_out = 0;
		return ret;
	}
	client->trans_time = trans_time;
	*rgb_out = r.out.rgbOut;
	return (enum MAPISTATUS)r.out.result;
}

enum MAPISTATUS emsmdb_client_rpc(struct emsmdb_client *client, TALLOC_CTX *mem_ctx,
				  const uint8_t *rops, size_t rops_len, unsigned request_options,
				  uint32_t flags, uint32_t max_out, uint8_t **reply, size_t *reply_len,
				  uint16_t *reply_flags)
{
	TALLOC_CTX *tmp = talloc_new(mem_ctx);
	struct rpc_ext_chain *chain = NULL;
	uint8_t *rgb_in = NULL, *rgb_out = NULL, *joined;
	size_t in_len = 0, i, offset;
	uint32_t out_len = 0;
	enum MAPISTATUS ret;

	*reply = NULL;
	*reply_len = 0;
	if (tmp == NULL) {
		return MAPI_E_NOT_ENOUGH_MEMORY;
	}
	if (rops_len > RPC_EXT_MAX_PAYLOAD ||
	    rpc_ext_encode(tmp, rops, rops_len, request_options, 0, &rgb_in, &in_len) != WIRE_OK) {
		talloc_free(tmp);
		return MAPI_E_INVALID_PARAMETER;
	}
	ret = emsmdb_client_rpc_raw(client, tmp, &client->handle, flags, rgb_in, (uint32_t)in_len,
				    max_out != 0 ? max_out : MAX_RGB_OUT, &rgb_out, &out_len);
	if (ret != MAPI_E_SUCCESS) {
		talloc_free(tmp);
		return ret;
	}
	if (rpc_ext_decode(tmp, rgb_out, out_len, &rpc_ext_limits_rop, &chain) != WIRE_OK) {
		client->last_error = "rgbOut does not decode";
		talloc_free(tmp);
		return MAPI_E_CALL_FAILED;
	}
	joined = talloc_array(mem_ctx, uint8_t, chain->total_length ? chain->total_length : 1);
	if (joined == NULL) {
		talloc_free(tmp);
		return MAPI_E_NOT_ENOUGH_MEMORY;
	}
	for (i = 0, offset = 0; i < chain->count; i++) {
		memcpy(joined + offset, chain->buffers[i].payload, chain->buffers[i].length);
		offset += chain->buffers[i].length;
	}
	if (reply_flags != NULL) {
		*reply_flags = chain->count > 0 ? chain->buffers[0].header.flags : 0;
	}
	*reply = joined;
	*reply_len = offset;
	talloc_free(tmp);
	return MAPI_E_SUCCESS;
}

enum MAPISTATUS emsmdb_client_dummy_rpc(struct emsmdb_client *client)
{
	struct EcDummyRpc r;
	enum MAPISTATUS ret;

	memset(&r, 0, sizeof(r));
	ret = call_pipe(client, client->pipe, &ndr_table_emsmdb, "EcDummyRpc", NDR_ECDUMMYRPC, client, &r);
	return ret != MAPI_E_SUCCESS ? ret : (enum MAPISTATUS)r.out.result;
}

enum MAPISTATUS emsmdb_client_async_connect(struct emsmdb_client *client, struct policy_handle *acxh)
{
	struct EcDoAsyncConnectEx r;
	enum MAPISTATUS ret;

	memset(&r, 0, sizeof(r));
	r.in.cxh = client->handle;
	r.out.pacxh = acxh;
	ret = call_pipe(client, client->pipe, &ndr_table_emsmdb, "EcDoAsyncConnectEx",
			NDR_ECDOASYNCCONNECTEX, client, &r);
	return ret != MAPI_E_SUCCESS ? ret : (enum MAPISTATUS)r.out.result;
}

enum MAPISTATUS emsmdb_client_async_wait(struct emsmdb_client *client, const struct policy_handle *acxh,
					 uint32_t *flags_out)
{
	struct EcDoAsyncWaitEx r;
	enum MAPISTATUS ret;
	NTSTATUS status;

	if (client->async_pipe == NULL) {
		status = dcerpc_pipe_connect(client, &client->async_pipe, client->binding,
					     &ndr_table_asyncemsmdb, client->creds, client->ev,
					     client->lp_ctx);
		if (!NT_STATUS_IS_OK(status)) {
			return transport_error(client, "connect AsyncEMSMDB", status);
		}
		/* the wait lasts as long as the server's timeout; the default 60 s may be less */
		dcerpc_binding_handle_set_timeout(client->async_pipe->binding_handle, 600);
	}
	memset(&r, 0, sizeof(r));
	r.in.acxh = *acxh;
	r.in.ulFlagsIn = 0;
	r.out.pulFlagsOut = flags_out;
	ret = call_pipe(client, client->async_pipe, &ndr_table_asyncemsmdb, "EcDoAsyncWaitEx",
			NDR_ECDOASYNCWAITEX, client, &r);
	return ret != MAPI_E_SUCCESS ? ret : (enum MAPISTATUS)r.out.result;
}

enum MAPISTATUS emsmdb_client_disconnect_handle(struct emsmdb_client *client,
						struct policy_handle *handle)
{
	struct EcDoDisconnect r;
	enum MAPISTATUS ret;

	memset(&r, 0, sizeof(r));
	r.in.pcxh = handle;
	r.out.pcxh = handle;
	ret = call_pipe(client, client->pipe, &ndr_table_emsmdb, "EcDoDisconnect", NDR_ECDODISCONNECT,
			client, &r);
	return ret != MAPI_E_SUCCESS ? ret : (enum MAPISTATUS)r.out.result;
}

enum MAPISTATUS emsmdb_client_disconnect(struct emsmdb_client *client)
{
	struct policy_handle handle = client->handle;
	enum MAPISTATUS ret;

	if (!client->connected) {
		return MAPI_E_SUCCESS;
	}
	client->connected = false;
	ret = emsmdb_client_disconnect_handle(client, &handle);
	return ret;
}
