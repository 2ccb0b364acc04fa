/*
 * OpenChange mapiproxy EMSMDB: ROP dispatch (MS-OXCROPS 3.2.5).
 *
 * Copyright (C) OpenChange developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>
#include <talloc.h>

#include "libmapi/rop_buffer.h"
#include "libmapi/rpc_ext.h"
#include "libmapi/wire_le.h"
#include "mapiproxy/emsmdb/rop_dispatch.h"

/* RopSize (2 bytes) heads every ROP buffer (MS-OXCROPS 2.2.1). */
#define ROP_SIZE_FIELD 2
/* RopBufferTooSmall: RopId, SizeNeeded, then the unprocessed requests (2.2.15.1). */
#define BUFFER_TOO_SMALL_HEAD 3
/* RopLogon LogonFlags: bit 0 is the Private flag (MS-OXCSTOR 2.2.1.1.1). */
#define LOGON_FLAG_PRIVATE 0x01

struct parsed_rop {
	struct rop_request request;
	size_t offset;		/* of its RopId in the RopsList */
	size_t length;
};

struct call_state {
	const struct emsmdb_rop_handler *handlers;
	struct emsmdb_session *session;
	TALLOC_CTX *mem_ctx;
	const uint8_t *rops;
	size_t rops_len;
	struct parsed_rop *parsed;
	size_t count;
	uint32_t *handles;
	size_t handle_count;
	size_t max_out;
	struct oxcdata_push out;	/* the RopsList being built */
	/* logons announced by RopLogon requests earlier in this buffer */
	bool pending_logon[256];
	bool pending_private[256];
};

bool emsmdb_rop_fits(size_t max_out, size_t used, size_t handle_count, size_t need)
{
	size_t table = handle_count * 4;

	if (table > max_out || ROP_SIZE_FIELD > max_out - table) {
		return false;
	}
	return used <= max_out - table - ROP_SIZE_FIELD &&
	       need <= max_out - table - ROP_SIZE_FIELD - used;
}

static bool logon_private(const struct call_state *call, uint8_t logon_id)
{
	if (call->pending_logon[logon_id]) {
		return call->pending_private[logon_id];
	}
	return call->session->logon_private[logon_id];
}

/*
 * Every request is parsed before any runs: MS-OXCROPS 3.2.5.1 fails the
 * whole call when the buffer does not parse, and nothing should have
 * happened by then.  A RopId the protocol does not define for requests
 * cannot be skipped (its length is unknown), so it is such a buffer too.
 */
static enum MAPISTATUS parse_all(struct call_state *call)
{
	struct oxcdata_pull pull;
	size_t allocated = 0;

	oxcdata_pull_init(&pull, call->rops, call->rops_len);
	while (oxcdata_pull_left(&pull) > 0) {
		size_t offset = pull.offset;
		uint8_t rop_id = call->rops[offset];
		struct rop_params params = { 0 };
		struct parsed_rop *rop;

		if (!emsmdb_rop_layouts[rop_id].request || !rop_request_is_described(rop_id)) {
			return EC_RPC_FORMAT;
		}
		if (offset + 1 < call->rops_len) {
			params.logon_private = logon_private(call, call->rops[offset + 1]);
		}
		if (call->count == allocated) {
			struct parsed_rop *grown;

			allocated = allocated == 0 ? 8 : allocated * 2;
			grown = talloc_realloc(call->mem_ctx, call->parsed, struct parsed_rop, allocated);
			if (grown == NULL) {
				return MAPI_E_NOT_ENOUGH_MEMORY;
			}
			call->parsed = grown;
		}
		rop = &call->parsed[call->count];
		memset(rop, 0, sizeof(*rop));
		rop->offset = offset;
		if (rop_request_pull_one(&pull, call->parsed, &rop->request, &params) != WIRE_OK) {
			return EC_RPC_FORMAT;
		}
		rop->length = pull.offset - offset;
		if (rop_id == RopLogon) {
			uint8_t logon_id = rop->request.u.logon.logon_id;

			call->pending_logon[logon_id] = true;
			call->pending_private[logon_id] =
				(rop->request.u.logon.logon_flags & LOGON_FLAG_PRIVATE) != 0;
		}
		call->count++;
	}
	return MAPI_E_SUCCESS;
}

/*
 * Every response with a handle index starts with that index and ReturnValue
 * (MS-OXCROPS 2.2.4 onwards), and so does every generated response struct:
 * the common head through which the error form is filled for any ROP.
 */
struct response_head {
	uint8_t handle_index;
	uint32_t return_value;
};

/*
 * The error form of ROP_ID (MS-OXCROPS 2.2.x, "ReturnValue other than
 * success"): RopId, handle index, ReturnValue, and for the ROPs whose
 * failure response carries fields of its own (RopDeleteMessages'
 * PartialCompletion, RopWriteStream's WrittenSize, ...) those fields, zero.
 * The generated codec knows which ROPs have them.
 */
static enum wire_error error_form_push(struct oxcdata_push *out, uint8_t rop_id,
				       uint8_t handle_index, uint32_t status)
{
	struct rop_response response;
	struct rop_params params = { 0 };
	struct response_head head = { .handle_index = handle_index, .return_value = status };
	size_t before = out->len;

	memset(&response, 0, sizeof(response));
	response.rop_id = rop_id;
	memcpy(&response.u, &head, sizeof(head));
	if (rop_response_push_one(out, &response, &params) == WIRE_OK) {
		return WIRE_OK;
	}
	out->len = before;
	return rop_error_response_push(out, rop_id, handle_index, status);
}

/* The bytes of ROP_ID's error form (6 for most ROPs), measured once per RopId. */
static size_t error_form_size(uint8_t rop_id)
{
	static uint8_t known[256];	/* 0: not measured yet */
	struct oxcdata_push scratch;
	TALLOC_CTX *tmp;

	if (known[rop_id] != 0) {
		return known[rop_id];
	}
	tmp = talloc_new(NULL);
	if (tmp == NULL) {
		return EMSMDB_ROP_ERROR_SIZE;
	}
	oxcdata_push_init(&scratch, tmp);
	if (error_form_push(&scratch, rop_id, 0, (uint32_t)MAPI_E_CALL_FAILED) == WIRE_OK &&
	    scratch.len >= EMSMDB_ROP_ERROR_SIZE && scratch.len <= 0xFF) {
		known[rop_id] = (uint8_t)scratch.len;
	}
	talloc_free(tmp);
	return known[rop_id] != 0 ? known[rop_id] : EMSMDB_ROP_ERROR_SIZE;
}

/* The bytes a response is expected to take when the ROP is resent. */
static size_t expected_response(const struct call_state *call, uint8_t rop_id)
{
	const struct emsmdb_rop_layout *layout = &emsmdb_rop_layouts[rop_id];
	const struct emsmdb_rop_handler *handler = &call->handlers[rop_id];

	if (layout->response == ROP_RESPONSE_NONE) {
		return 0;
	}
	if (handler->fn != NULL && handler->min_response > error_form_size(rop_id)) {
		return handler->min_response;
	}
	return error_form_size(rop_id);
}

/*
 * MS-OXCROPS 3.2.4.3: the ROPs from INDEX on are not processed; they go
 * back in RopBufferTooSmall, which ends the RopsList.  SizeNeeded counts
 * what the resent ROPs need, the RopSize and handle table around them and
 * the RPC_HEADER_EXT, since the client compares it with pcbOut.
 */
static enum MAPISTATUS buffer_too_small(struct call_state *call, size_t index, size_t need_first)
{
	const uint8_t *rest = call->rops + call->parsed[index].offset;
	size_t rest_len = call->rops_len - call->parsed[index].offset;
	size_t needed = RPC_HEADER_EXT_SIZE + ROP_SIZE_FIELD + call->handle_count * 4 + need_first;
	size_t i;

	for (i = index + 1; i < call->count; i++) {
		needed += expected_response(call, call->parsed[i].request.rop_id);
	}
	if (!emsmdb_rop_fits(call->max_out, call->out.len, call->handle_count,
			     BUFFER_TOO_SMALL_HEAD + rest_len)) {
		/* 3.2.4.3: not even the way back fits; the call fails instead */
		return EC_BUFFER_TOO_SMALL;
	}
	if (rop_buffer_too_small_push(&call->out, needed > 0xFFFF ? 0xFFFF : (uint16_t)needed,
				      rest, rest_len) != WIRE_OK) {
		return MAPI_E_NOT_ENOUGH_MEMORY;
	}
	return MAPI_E_SUCCESS;
}

static enum MAPISTATUS push_error(struct call_state *call, uint8_t rop_id, uint8_t handle_index,
				  enum MAPISTATUS status)
{
	if (emsmdb_rop_layouts[rop_id].response == ROP_RESPONSE_NONE) {
		return MAPI_E_SUCCESS;	/* RopRelease: failures are silent */
	}
	if (error_form_push(&call->out, rop_id, handle_index, (uint32_t)status) != WIRE_OK) {
		return MAPI_E_NOT_ENOUGH_MEMORY;
	}
	return MAPI_E_SUCCESS;
}

/*
 * The room the ROPs after INDEX would need to go back in RopBufferTooSmall.
 * Keeping it free before running a ROP means a ROP that ran always has its
 * response delivered: the call never fails after doing something.
 */
static size_t way_back(const struct call_state *call, size_t index)
{
	if (index + 1 >= call->count) {
		return 0;
	}
	return BUFFER_TOO_SMALL_HEAD + call->rops_len - call->parsed[index + 1].offset;
}

/*
 * Runs the ROP at INDEX.  Returns MAPI_E_SUCCESS when its response (or
 * none) is in call->out, EMSMDB_ROP_NO_SPACE with *need set when it must
 * go back in RopBufferTooSmall, or a failure of the whole call.
 */
static enum MAPISTATUS run_one(struct call_state *call, size_t index, size_t *need)
{
	size_t reserve = way_back(call, index);
	const struct parsed_rop *rop = &call->parsed[index];
	const uint8_t *raw = call->rops + rop->offset;
	uint8_t rop_id = rop->request.rop_id;
	const struct emsmdb_rop_layout *layout = &emsmdb_rop_layouts[rop_id];
	const struct emsmdb_rop_handler *handler = &call->handlers[rop_id];
	uint8_t handle_index = layout->response_handle >= 0 ? raw[layout->response_handle] : 0;
	struct emsmdb_rop_ctx ctx;
	struct rop_response response;
	struct oxcdata_push scratch;
	enum MAPISTATUS status;
	size_t before = call->out.len;

	*need = expected_response(call, rop_id);
	if (handler->fn != NULL && handler->min_response > *need) {
		*need = handler->min_response;
	}
	if (!emsmdb_rop_fits(call->max_out, call->out.len, call->handle_count, *need + reserve)) {
		return EMSMDB_ROP_NO_SPACE;
	}

	memset(&ctx, 0, sizeof(ctx));
	ctx.session = call->session;
	ctx.request = &rop->request;
	ctx.handle_index = handle_index;
	ctx.handles = call->handles;
	ctx.handle_count = call->handle_count;

	/* 3.2.5.1: an index outside the handle table fails the ROP */
	if (layout->input[0] >= 0 && raw[layout->input[0]] >= call->handle_count) {
		return push_error(call, rop_id, handle_index, EC_NULL_OBJECT);
	}
	if (layout->output >= 0 && raw[layout->output] >= call->handle_count) {
		return push_error(call, rop_id, handle_index, EC_NULL_OBJECT);
	}
	if (handler->fn == NULL) {
		return push_error(call, rop_id, handle_index, MAPI_E_NO_SUPPORT);
	}
	if (handler->input_types != 0) {
		struct emsmdb_object *input = layout->input[0] < 0 ? NULL :
			emsmdb_object_lookup(call->session, call->handles[raw[layout->input[0]]]);

		if (input == NULL || !(EMSMDB_OBJECT_BIT(input->type) & handler->input_types)) {
			return push_error(call, rop_id, handle_index, EC_NULL_OBJECT);
		}
		ctx.input = input;
	}

	ctx.mem_ctx = talloc_new(call->mem_ctx);
	if (ctx.mem_ctx == NULL) {
		return MAPI_E_NOT_ENOUGH_MEMORY;
	}
	ctx.space = call->max_out - call->handle_count * 4 - ROP_SIZE_FIELD - call->out.len - reserve;
	memset(&response, 0, sizeof(response));
	response.rop_id = rop_id;
	status = handler->fn(&ctx, &response);
	if (status == EMSMDB_ROP_NO_SPACE) {
		talloc_free(ctx.mem_ctx);
		return EMSMDB_ROP_NO_SPACE;
	}
	if (status != MAPI_E_SUCCESS) {
		if (ctx.output != NULL) {
			emsmdb_object_release(ctx.output);
		}
		talloc_free(ctx.mem_ctx);
		return push_error(call, rop_id, handle_index, status);
	}
	if (layout->response != ROP_RESPONSE_NONE) {
		if (rop_id == RopLogon) {
			ctx.response_params.logon_private =
				call->session->logon_private[rop->request.u.logon.logon_id];
		}
		oxcdata_push_init(&scratch, ctx.mem_ctx);
		if (rop_response_push_one(&scratch, &response, &ctx.response_params) != WIRE_OK) {
			/* a handler filled a response the codec refuses: a bug, told as such */
			if (ctx.output != NULL) {
				emsmdb_object_release(ctx.output);
			}
			talloc_free(ctx.mem_ctx);
			return push_error(call, rop_id, handle_index, MAPI_E_CALL_FAILED);
		}
		if (!emsmdb_rop_fits(call->max_out, call->out.len, call->handle_count,
				     scratch.len + reserve)) {
			/* the handler ignored ctx.space; its effect stands, its answer cannot */
			*need = scratch.len;
			if (ctx.output != NULL) {
				emsmdb_object_release(ctx.output);
			}
			talloc_free(ctx.mem_ctx);
			return EMSMDB_ROP_NO_SPACE;
		}
		if (oxcdata_push_bytes(&call->out, scratch.data, scratch.len) != WIRE_OK) {
			call->out.len = before;
			talloc_free(ctx.mem_ctx);
			return MAPI_E_NOT_ENOUGH_MEMORY;
		}
	}
	if (ctx.output != NULL && layout->output >= 0) {
		call->handles[raw[layout->output]] = ctx.output->handle;
	}
	talloc_free(ctx.mem_ctx);
	return MAPI_E_SUCCESS;
}

enum MAPISTATUS emsmdb_rop_process(TALLOC_CTX *mem_ctx, struct emsmdb_session *session,
				   const uint8_t *in, size_t in_len, size_t max_out,
				   struct emsmdb_rop_result *result)
{
	return emsmdb_rop_process_with(emsmdb_rop_handlers, mem_ctx, session, in, in_len, max_out,
				       result);
}

enum MAPISTATUS emsmdb_rop_process_with(const struct emsmdb_rop_handler *handlers,
					TALLOC_CTX *mem_ctx, struct emsmdb_session *session,
					const uint8_t *in, size_t in_len, size_t max_out,
					struct emsmdb_rop_result *result)
{
	struct rop_buffer_view view;
	struct call_state *call;
	enum MAPISTATUS status = MAPI_E_SUCCESS;
	size_t i;

	memset(result, 0, sizeof(*result));
	if (max_out > RPC_EXT_MAX_PAYLOAD) {
		max_out = RPC_EXT_MAX_PAYLOAD;
	}
	if (rop_buffer_split(in, in_len, &view) != WIRE_OK) {
		return EC_RPC_FORMAT;
	}
	call = talloc_zero(mem_ctx, struct call_state);
	if (call == NULL) {
		return MAPI_E_NOT_ENOUGH_MEMORY;
	}
	call->handlers = handlers;
	call->session = session;
	call->mem_ctx = call;
	call->rops = view.rops;
	call->rops_len = view.rops_len;
	call->max_out = max_out;
	call->handle_count = view.handle_count;
	call->handles = talloc_array(call, uint32_t, view.handle_count ? view.handle_count : 1);
	if (call->handles == NULL) {
		talloc_free(call);
		return MAPI_E_NOT_ENOUGH_MEMORY;
	}
	for (i = 0; i < view.handle_count; i++) {
		call->handles[i] = wire_load_le32(view.handles + 4 * i);
	}
	status = parse_all(call);
	if (status != MAPI_E_SUCCESS) {
		talloc_free(call);
		return status;
	}
	oxcdata_push_init(&call->out, call);

	for (i = 0; i < call->count; i++) {
		size_t need = 0;

		status = run_one(call, i, &need);
		if (status == EMSMDB_ROP_NO_SPACE) {
			status = buffer_too_small(call, i, need);
			result->buffer_too_small = status == MAPI_E_SUCCESS;
			break;
		}
		if (status != MAPI_E_SUCCESS) {
			break;
		}
		result->rop_count++;
	}
	/* even an empty RopsList comes with RopSize and the whole handle table */
	if (status == MAPI_E_SUCCESS &&
	    !emsmdb_rop_fits(call->max_out, call->out.len, call->handle_count, 0)) {
		status = EC_BUFFER_TOO_SMALL;
	}
	if (status == MAPI_E_SUCCESS &&
	    rop_buffer_join(mem_ctx, call->out.data, call->out.len, call->handles,
			    call->handle_count, &result->data, &result->len) != WIRE_OK) {
		status = MAPI_E_NOT_ENOUGH_MEMORY;
	}
	session->rop_calls++;
	talloc_free(call);
	if (status != MAPI_E_SUCCESS) {
		memset(result, 0, sizeof(*result));
	}
	return status;
}
