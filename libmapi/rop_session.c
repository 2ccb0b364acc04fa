/*
 * OpenChange libmapi: ROP calls over an EMSMDB session.
 *
 * Copyright (C) OpenChange developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <talloc.h>

#include "libmapi/rop_session.h"
#include "libmapi/emsmdb_client.h"

/* How many tables' columns are remembered between calls; a client rarely
 * keeps more tables open at once, and a forgotten one only costs a decode
 * error that names the cause. */
#define REMEMBERED_TABLES 32

struct table_columns {
	uint32_t handle;		/* the table's Server object handle */
	struct mapi_tag_array columns;	/* as RopSetColumns set them */
};

struct rop_session {
	struct emsmdb_client *client;
	unsigned options;
	uint32_t flags;
	/* MS-OXCROPS 2.2.3.1.1: the LogonFlags each LogonId was logged on with */
	bool logon_private[256];
	bool logon_known[256];
	struct table_columns tables[REMEMBERED_TABLES];
	unsigned next_table;
	const char *last_error;
};

/*
 * Every request of idl/gen_rops.h starts with LogonId and every response
 * (but the four special ones) with a handle index and ReturnValue: the
 * common initial sequence of the union's members.
 */
struct request_head {
	uint8_t logon_id;
};

struct response_head {
	uint8_t handle_index;
	uint32_t return_value;
};

struct rop_session *rop_session_new(TALLOC_CTX *mem_ctx, struct emsmdb_client *client,
				    unsigned options, uint32_t flags)
{
	struct rop_session *session = talloc_zero(mem_ctx, struct rop_session);

	if (session == NULL) {
		return NULL;
	}
	session->client = client;
	session->options = options;
	session->flags = flags;
	return session;
}

const char *rop_session_last_error(const struct rop_session *session)
{
	return session->last_error;
}

uint32_t rop_response_return_value(const struct rop_response *response)
{
	switch (response->rop_id) {
	case RopBufferTooSmall:
	case RopBackoff:
	case RopPending:
	case RopNotify:
		return 0;
	default:
		return ((const struct response_head *)&response->u)->return_value;
	}
}

const struct rop_response *rop_response_find(const struct rop_response_list *list,
					     uint8_t rop_id, size_t nth)
{
	size_t i;

	for (i = 0; i < list->count; i++) {
		if (list->rops[i].rop_id == rop_id && nth-- == 0) {
			return &list->rops[i];
		}
	}
	return NULL;
}

static const struct mapi_tag_array *remembered_columns(const struct rop_session *session,
						       uint32_t handle)
{
	unsigned i;

	if (handle == ROP_HANDLE_NONE) {
		return NULL;
	}
	for (i = 0; i < REMEMBERED_TABLES; i++) {
		if (session->tables[i].handle == handle && session->tables[i].columns.tags != NULL) {
			return &session->tables[i].columns;
		}
	}
	return NULL;
}

static void remember_columns(struct rop_session *session, uint32_t handle,
			     const struct rop_set_columns_request *req)
{
	struct table_columns *slot = NULL;
	uint32_t *copy;
	unsigned i;

	for (i = 0; i < REMEMBERED_TABLES; i++) {
		if (session->tables[i].handle == handle && session->tables[i].columns.tags != NULL) {
			slot = &session->tables[i];
			break;
		}
	}
	if (slot == NULL) {
		slot = &session->tables[session->next_table];
		session->next_table = (session->next_table + 1) % REMEMBERED_TABLES;
	}
	copy = talloc_memdup(session, req->property_tags,
			     sizeof(uint32_t) * (req->property_tag_count ? req->property_tag_count : 1));
	if (copy == NULL) {
		return;
	}
	talloc_free(slot->columns.tags);
	slot->handle = handle;
	slot->columns.count = req->property_tag_count;
	slot->columns.tags = copy;
}

/*
 * The fixed columns of RopGetReceiveFolderTable's rows (MS-OXCROPS
 * 2.2.3.4.2): PidTagFolderId, PidTagMessageClass as PtypString8,
 * PidTagLastModificationTime.
 */
static const uint32_t receive_folder_columns[] = { 0x67480014, 0x001A001E, 0x30080040 };
static const struct mapi_tag_array receive_folder_table_columns = {
	.count = 3, .tags = (uint32_t *)receive_folder_columns,
};

/* What the decoder of the responses needs, worked out from the requests */
struct call_plan {
	size_t response_count;		/* requests that have a response */
	struct rop_params *params;	/* one per such request, in order */
	const struct rop_request **sources;
};

static enum wire_error response_params(void *private_data, uint8_t rop_id, uint32_t object,
				       size_t position, struct rop_params *params)
{
	const struct call_plan *plan = private_data;

	/* RopNotify, RopPending and RopBufferTooSmall come after the answers */
	if (position < plan->response_count && plan->sources[position]->rop_id == rop_id) {
		*params = plan->params[position];
	} else {
		memset(params, 0, sizeof(*params));
	}
	return WIRE_OK;
}

static enum wire_error request_params(void *private_data, uint8_t rop_id, uint32_t object,
				      size_t position, struct rop_params *params)
{
	const bool *logon_private = private_data;

	memset(params, 0, sizeof(*params));
	params->logon_private = logon_private[object & 0xFF];
	return WIRE_OK;
}

static bool plan_call(struct rop_session *session, TALLOC_CTX *mem_ctx,
		      const struct rop_request *requests, size_t count,
		      const uint32_t *handles, size_t handle_count,
		      bool *logon_private, struct call_plan *plan)
{
	const struct mapi_tag_array *by_index[256] = { NULL };
	size_t i;

	plan->response_count = 0;
	plan->params = talloc_zero_array(mem_ctx, struct rop_params, count ? count : 1);
	plan->sources = talloc_zero_array(mem_ctx, const struct rop_request *, count ? count : 1);
	if (plan->params == NULL || plan->sources == NULL) {
		return false;
	}
	for (i = 0; i < count; i++) {
		const struct rop_request *r = &requests[i];
		uint8_t logon_id = ((const struct request_head *)&r->u)->logon_id;
		struct rop_params *p;

		if (r->rop_id == RopLogon) {
			logon_private[logon_id] = (r->u.logon.logon_flags & 0x01) != 0;
			session->logon_known[logon_id] = true;
		}
		if (r->rop_id == RopSetColumns) {
			struct mapi_tag_array *tags = talloc(mem_ctx, struct mapi_tag_array);

			if (tags == NULL) {
				return false;
			}
			tags->count = r->u.set_columns.property_tag_count;
			tags->tags = r->u.set_columns.property_tags;
			by_index[r->u.set_columns.input_handle_index] = tags;
		}
		/* MS-OXCROPS 2.2.15.3: RopRelease has no response */
		if (r->rop_id == RopRelease) {
			continue;
		}
		p = &plan->params[plan->response_count];
		plan->sources[plan->response_count++] = r;
		p->logon_private = logon_private[logon_id];
		if (r->rop_id == RopGetPropertiesSpecific) {
			struct mapi_tag_array *tags = talloc(mem_ctx, struct mapi_tag_array);

			if (tags == NULL) {
				return false;
			}
			tags->count = r->u.get_properties_specific.property_tag_count;
			tags->tags = r->u.get_properties_specific.property_tags;
			p->columns = tags;
		} else if (r->rop_id == RopGetReceiveFolderTable) {
			p->columns = &receive_folder_table_columns;
		} else if (r->rop_id == RopQueryRows || r->rop_id == RopFindRow ||
			   r->rop_id == RopExpandRow) {
			/* the rows of all three are laid out by the table's RopSetColumns */
			uint8_t index = r->rop_id == RopQueryRows ? r->u.query_rows.input_handle_index :
				r->rop_id == RopFindRow ? r->u.find_row.input_handle_index :
				r->u.expand_row.input_handle_index;

			p->columns = by_index[index];
			if (p->columns == NULL && index < handle_count) {
				p->columns = remembered_columns(session, handles[index]);
			}
		}
	}
	return true;
}

enum MAPISTATUS rop_session_call(struct rop_session *session, TALLOC_CTX *mem_ctx,
				 const struct rop_request *requests, size_t count,
				 uint32_t *handles, size_t handle_count, uint32_t max_out,
				 struct rop_response_list *responses)
{
	TALLOC_CTX *tmp;
	struct rop_request_buffer in;
	struct rop_response_buffer out;
	struct rop_context req_ctx, resp_ctx;
	struct call_plan plan;
	bool logon_private[256];
	uint8_t *buf = NULL, *reply = NULL;
	size_t buf_len = 0, reply_len = 0, i;
	enum wire_error werr;
	enum MAPISTATUS ret;

	memset(responses, 0, sizeof(*responses));
	session->last_error = NULL;
	if (handle_count > ROP_SESSION_MAX_HANDLES) {
		session->last_error = "more than 255 handles";
		return MAPI_E_INVALID_PARAMETER;
	}
	tmp = talloc_new(mem_ctx);
	if (tmp == NULL) {
		return MAPI_E_NOT_ENOUGH_MEMORY;
	}
	memcpy(logon_private, session->logon_private, sizeof(logon_private));
	if (!plan_call(session, tmp, requests, count, handles, handle_count, logon_private, &plan)) {
		talloc_free(tmp);
		return MAPI_E_NOT_ENOUGH_MEMORY;
	}
	in.list.count = count;
	in.list.rops = discard_const_p(struct rop_request, requests);
	in.handle_count = handle_count;
	in.handles = handles;
	req_ctx.params = request_params;
	req_ctx.private_data = logon_private;
	werr = rop_request_push(tmp, &in, &req_ctx, &buf, &buf_len);
	if (werr != WIRE_OK) {
		session->last_error = talloc_asprintf(session, "the requests do not encode: %s",
						      wire_strerror(werr));
		talloc_free(tmp);
		return MAPI_E_INVALID_PARAMETER;
	}
	ret = emsmdb_client_rpc(session->client, tmp, buf, buf_len, session->options,
				session->flags, max_out, &reply, &reply_len, NULL);
	if (ret != MAPI_E_SUCCESS) {
		session->last_error = session->client->last_error;
		talloc_free(tmp);
		return ret;
	}
	resp_ctx.params = response_params;
	resp_ctx.private_data = &plan;
	werr = rop_response_pull(mem_ctx, reply, reply_len, &resp_ctx, &out);
	if (werr != WIRE_OK) {
		session->last_error = talloc_asprintf(session, "the reply does not decode: %s",
						      wire_strerror(werr));
		talloc_free(tmp);
		return MAPI_E_CALL_FAILED;
	}
	if (out.handle_count != handle_count) {
		session->last_error = talloc_asprintf(session, "the reply has %zu handles, not %zu",
						      out.handle_count, handle_count);
		talloc_free(out.list.rops);
		talloc_free(out.handles);
		talloc_free(tmp);
		return MAPI_E_CALL_FAILED;
	}
	memcpy(handles, out.handles, sizeof(uint32_t) * handle_count);
	/* what later calls need to decode: logons made, columns set */
	memcpy(session->logon_private, logon_private, sizeof(logon_private));
	for (i = 0; i < out.list.count && i < plan.response_count; i++) {
		const struct rop_request *r = plan.sources[i];

		if (r->rop_id == RopSetColumns && out.list.rops[i].rop_id == RopSetColumns &&
		    rop_response_return_value(&out.list.rops[i]) == MAPI_E_SUCCESS &&
		    r->u.set_columns.input_handle_index < handle_count) {
			remember_columns(session, handles[r->u.set_columns.input_handle_index],
					 &r->u.set_columns);
		}
	}
	*responses = out.list;
	talloc_free(out.handles);
	talloc_free(tmp);
	return MAPI_E_SUCCESS;
}

enum MAPISTATUS rop_session_call_one(struct rop_session *session, TALLOC_CTX *mem_ctx,
				     const struct rop_request *request, uint32_t *handles,
				     size_t handle_count, struct rop_response *response)
{
	struct rop_response_list list;
	enum MAPISTATUS ret;

	memset(response, 0, sizeof(*response));
	ret = rop_session_call(session, mem_ctx, request, 1, handles, handle_count, 0, &list);
	if (ret != MAPI_E_SUCCESS) {
		return ret;
	}
	if (list.count != 1 || list.rops[0].rop_id != request->rop_id) {
		session->last_error = talloc_asprintf(session, "%zu responses to one %s", list.count,
						      rop_name(request->rop_id) ?
						      rop_name(request->rop_id) : "ROP");
		talloc_free(list.rops);
		return MAPI_E_CALL_FAILED;
	}
	*response = list.rops[0];
	return MAPI_E_SUCCESS;
}
