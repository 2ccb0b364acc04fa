/*
 * OpenChange mapiproxy: the dcerpc_server module that Samba's AD DC loads.
 *
 * Samba owns TCP, the endpoint mapper, authentication and sign/seal; this
 * module registers the Exchange interfaces (RFR, NSPI, EMSMDB, AsyncEMSMDB)
 * with it and decides, per call, who is let in and which provider answers.
 *
 * Copyright (C) OpenChange developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <talloc.h>
#include <ndr.h>
#include <param.h>
#include <dcesrv_core.h>
#include <dcerpc_server.h>
#include <gen_ndr/auth.h>

#include "mapiproxy/mapiproxy.h"
#include "mapiproxy/debug.h"
#include "mapiproxy/provider.h"

int mapiproxy_dbgc = DBGC_ALL;

NTSTATUS samba_init_module(TALLOC_CTX *ctx);

static const struct mapiproxy_interface *call_interface(struct dcesrv_call_state *dce_call)
{
	return (const struct mapiproxy_interface *)dce_call->context->iface->private_data;
}

static NTSTATUS mapiproxy_bind(struct dcesrv_connection_context *context,
			       const struct dcesrv_interface *iface)
{
	/*
	 * Samba itself then answers any call below sign level with the
	 * access-denied fault, before it reaches us.
	 */
	return dcesrv_interface_bind_require_integrity(context, iface);
}

static void mapiproxy_unbind(struct dcesrv_connection_context *context,
			     const struct dcesrv_interface *iface)
{
}

static NTSTATUS call_fault(struct dcesrv_call_state *dce_call, uint32_t fault_code)
{
	dce_call->fault_code = fault_code;
	return NT_STATUS_NET_WRITE_FAULT;
}

static const struct mapiproxy_provider *call_provider(struct dcesrv_call_state *dce_call,
						      uint16_t opnum)
{
	const struct mapiproxy_provider *provider =
		mapiproxy_provider_for(call_interface(dce_call)->table);

	if (provider == NULL || opnum >= provider->num_handlers ||
	    opnum >= provider->table->num_calls || provider->handlers[opnum] == NULL) {
		return NULL;
	}
	return provider;
}

/*
 * First step of every call: admit the caller, find the opnum's handler and
 * unmarshal the request.  An opnum nobody answers gets nca_op_rng_error
 * (C706 / MS-RPCE 3.1.1.5.3.2: the server does not support the operation);
 * a request that does not unmarshal gets nca_s_fault_ndr.
 */
static NTSTATUS mapiproxy_ndr_pull(struct dcesrv_call_state *dce_call,
				   TALLOC_CTX *mem_ctx, struct ndr_pull *pull,
				   void **r)
{
	const struct mapiproxy_interface *mi = call_interface(dce_call);
	struct auth_session_info *session_info = dcesrv_call_session_info(dce_call);
	const struct security_token *token = NULL;
	enum dcerpc_AuthType auth_type = DCERPC_AUTH_TYPE_NONE;
	enum dcerpc_AuthLevel auth_level = DCERPC_AUTH_LEVEL_NONE;
	enum mapiproxy_admission admission;
	uint16_t opnum = dce_call->pkt.u.request.opnum;
	const struct ndr_interface_call *call;
	enum ndr_err_code ndr_err;

	dcesrv_call_auth_info(dce_call, &auth_type, &auth_level);
	if (session_info != NULL) {
		token = session_info->security_token;
	}
	admission = mapiproxy_admit_caller(auth_type, auth_level, token);
	if (admission != MAPIPROXY_ADMIT) {
		DEBUG(2, ("mapiproxy: %s call %u %s\n", mi->table->name, opnum,
			  mapiproxy_admission_string(admission)));
		return call_fault(dce_call, DCERPC_FAULT_ACCESS_DENIED);
	}

	if (call_provider(dce_call, opnum) == NULL) {
		DEBUG(5, ("mapiproxy: %s opnum %u from %s: no provider\n", mi->table->name, opnum,
			  dcesrv_call_account_name(dce_call)));
		return call_fault(dce_call, DCERPC_FAULT_OP_RNG_ERROR);
	}

	call = &mi->table->calls[opnum];
	*r = talloc_zero_size(mem_ctx, call->struct_size);
	if (*r == NULL) {
		return NT_STATUS_NO_MEMORY;
	}
	talloc_set_name_const(*r, call->name);
	/* [out,ref] pointers are allocated by the pull, as the handlers expect */
	pull->flags |= LIBNDR_FLAG_REF_ALLOC;
	ndr_err = call->ndr_pull(pull, NDR_IN, *r);
	if (!NDR_ERR_CODE_IS_SUCCESS(ndr_err)) {
		DEBUG(2, ("mapiproxy: %s %s from %s does not unmarshal: %s\n", mi->table->name,
			  call->name, dcesrv_call_account_name(dce_call), ndr_map_error2string(ndr_err)));
		return call_fault(dce_call, DCERPC_FAULT_NDR);
	}
	return NT_STATUS_OK;
}

static NTSTATUS mapiproxy_dispatch(struct dcesrv_call_state *dce_call,
				   TALLOC_CTX *mem_ctx, void *r)
{
	uint16_t opnum = dce_call->pkt.u.request.opnum;
	const struct mapiproxy_provider *provider = call_provider(dce_call, opnum);

	if (provider == NULL) {
		return call_fault(dce_call, DCERPC_FAULT_OP_RNG_ERROR);
	}
	return provider->handlers[opnum](dce_call, mem_ctx, r);
}

static NTSTATUS mapiproxy_reply(struct dcesrv_call_state *dce_call,
				TALLOC_CTX *mem_ctx, void *r)
{
	return NT_STATUS_OK;
}

static NTSTATUS mapiproxy_ndr_push(struct dcesrv_call_state *dce_call,
				   TALLOC_CTX *mem_ctx, struct ndr_push *push,
				   const void *r)
{
	const struct mapiproxy_interface *mi = call_interface(dce_call);
	uint16_t opnum = dce_call->pkt.u.request.opnum;
	const struct ndr_interface_call *call;
	enum ndr_err_code ndr_err;

	if (call_provider(dce_call, opnum) == NULL) {
		return call_fault(dce_call, DCERPC_FAULT_OP_RNG_ERROR);
	}
	call = &mi->table->calls[opnum];
	ndr_err = call->ndr_push(push, NDR_OUT, r);
	if (!NDR_ERR_CODE_IS_SUCCESS(ndr_err)) {
		/* a handler left r->out inconsistent: a bug of ours, logged loudly */
		DEBUG(0, ("mapiproxy: %s %s reply does not marshal: %s\n", mi->table->name,
			  call->name, ndr_map_error2string(ndr_err)));
		return call_fault(dce_call, DCERPC_FAULT_NDR);
	}
	return NT_STATUS_OK;
}

static void fill_dcesrv_interface(struct dcesrv_interface *iface,
				  const struct mapiproxy_interface *mi)
{
	*iface = (struct dcesrv_interface) {
		.name = mi->table->name,
		.syntax_id = mi->table->syntax_id,
		.bind = mapiproxy_bind,
		.unbind = mapiproxy_unbind,
		.ndr_pull = mapiproxy_ndr_pull,
		.dispatch = mapiproxy_dispatch,
		.reply = mapiproxy_reply,
		.ndr_push = mapiproxy_ndr_push,
		.local = NULL,
		.private_data = mi,
		.flags = 0,
	};
}

static NTSTATUS mapiproxy_init_server(struct dcesrv_context *dce_ctx,
				      const struct dcesrv_endpoint_server *ep_server)
{
	const char *port = lpcfg_parm_string(dce_ctx->lp_ctx, NULL, "mapiproxy", "port");
	const char *error = NULL;
	char *endpoint;
	size_t i;

	endpoint = mapiproxy_tcp_endpoint(dce_ctx, port, &error);
	if (endpoint == NULL) {
		DEBUG(0, ("mapiproxy: smb.conf 'mapiproxy:port = %s' is %s\n",
			  port, error != NULL ? error : "unusable (out of memory)"));
		return NT_STATUS_INVALID_PARAMETER;
	}

	for (i = 0; i < mapiproxy_num_interfaces; i++) {
		const struct mapiproxy_interface *mi = &mapiproxy_interfaces[i];
		const struct mapiproxy_provider *provider;
		struct dcesrv_interface *iface;
		struct GUID_txt_buf uuid;
		NTSTATUS status;

		iface = talloc_zero(dce_ctx, struct dcesrv_interface);
		if (iface == NULL) {
			return NT_STATUS_NO_MEMORY;
		}
		fill_dcesrv_interface(iface, mi);
		provider = mapiproxy_provider_for(mi->table);
		if (provider != NULL && provider->init != NULL) {
			status = provider->init(dce_ctx);
			if (!NT_STATUS_IS_OK(status)) {
				DEBUG(0, ("mapiproxy: cannot start the %s provider: %s\n",
					  mi->table->name, nt_errstr(status)));
				return status;
			}
		}
		status = dcesrv_interface_register(dce_ctx, endpoint, NULL, iface, NULL);
		if (!NT_STATUS_IS_OK(status)) {
			DEBUG(0, ("mapiproxy: cannot register %s (%s) on %s: %s\n",
				  mi->table->name, mi->spec, endpoint, nt_errstr(status)));
			return status;
		}
		/* At level 0: where each interface listens is what an admin
		 * checks first when Outlook cannot connect. */
		DEBUG(0, ("mapiproxy: registered %s (%s) %s v%u.%u on %s\n",
			  mi->table->name, mi->spec, GUID_buf_string(&mi->table->syntax_id.uuid, &uuid),
			  mi->table->syntax_id.if_version & 0xffff, mi->table->syntax_id.if_version >> 16,
			  endpoint));
	}
	return NT_STATUS_OK;
}

static NTSTATUS mapiproxy_shutdown_server(struct dcesrv_context *dce_ctx,
					  const struct dcesrv_endpoint_server *ep_server)
{
	return NT_STATUS_OK;
}

static bool ep_interface_by_uuid(struct dcesrv_interface *iface,
					const struct GUID *uuid, uint32_t if_version)
{
	const struct mapiproxy_interface *mi = mapiproxy_interface_by_syntax(uuid, if_version);

	if (mi == NULL) {
		return false;
	}
	fill_dcesrv_interface(iface, mi);
	return true;
}

static bool ep_interface_by_name(struct dcesrv_interface *iface, const char *name)
{
	const struct mapiproxy_interface *mi = mapiproxy_interface_by_name(name);

	if (mi == NULL) {
		return false;
	}
	fill_dcesrv_interface(iface, mi);
	return true;
}

/* Called by samba when it dlopen()s the module (lib/util/modules.c). */
NTSTATUS samba_init_module(TALLOC_CTX *ctx)
{
	static const struct dcesrv_endpoint_server ep_server = {
		.name = "mapiproxy",
		.init_server = mapiproxy_init_server,
		.shutdown_server = mapiproxy_shutdown_server,
		.interface_by_uuid = ep_interface_by_uuid,
		.interface_by_name = ep_interface_by_name,
	};
	NTSTATUS status;
	int dbgc;

	dbgc = debug_add_class("mapiproxy");
	if (dbgc != -1) {
		mapiproxy_dbgc = dbgc;
	}

	status = dcerpc_register_ep_server(&ep_server);
	if (!NT_STATUS_IS_OK(status)) {
		DEBUG(0, ("mapiproxy: cannot register endpoint server: %s\n",
			  nt_errstr(status)));
		return status;
	}
	DEBUG(0, ("mapiproxy: %s module loaded (enable it with "
		  "'dcerpc endpoint servers = +mapiproxy')\n", PACKAGE_STRING));
	return NT_STATUS_OK;
}
