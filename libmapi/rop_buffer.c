/*
 * ROP input and output buffers (MS-OXCROPS 2.2.1) and the framing responses
 * of 2.2.14.3 and 2.2.15.
 *
 * Copyright (C) OpenChange developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>
#include "libmapi/rop_buffer.h"
#include "libmapi/wire_le.h"

enum wire_error rop_buffer_split(const uint8_t *buf, size_t len, struct rop_buffer_view *out)
{
	uint16_t rop_size;

	memset(out, 0, sizeof(*out));
	if (buf == NULL || len < 2) {
		return WIRE_ERR_TRUNCATED;
	}
	rop_size = wire_load_le16(buf);
	/* RopSize counts itself: anything below 2 cannot be a size. */
	if (rop_size < 2) {
		return WIRE_ERR_BAD_SIZE;
	}
	if (rop_size > len) {
		return WIRE_ERR_TRUNCATED;
	}
	if ((len - rop_size) % 4 != 0) {
		return WIRE_ERR_BAD_SIZE;
	}
	out->rops = buf + 2;
	out->rops_len = rop_size - 2;
	out->handles = buf + rop_size;
	out->handle_count = (len - rop_size) / 4;
	return WIRE_OK;
}

enum wire_error rop_buffer_handle(const struct rop_buffer_view *view, size_t index, uint32_t *handle)
{
	const uint8_t *p;

	if (index >= view->handle_count) {
		return WIRE_ERR_BAD_OFFSET;
	}
	p = view->handles + 4 * index;
	*handle = wire_load_le32(p);
	return WIRE_OK;
}

enum wire_error rop_buffer_join(TALLOC_CTX *mem_ctx, const uint8_t *rops, size_t rops_len,
				const uint32_t *handles, size_t handle_count,
				uint8_t **out, size_t *out_len)
{
	uint8_t *buf;
	size_t total, i;

	*out = NULL;
	*out_len = 0;
	if (rops_len > 0xFFFF - 2) {
		return WIRE_ERR_TOO_LARGE;
	}
	if ((rops_len > 0 && rops == NULL) || (handle_count > 0 && handles == NULL)) {
		return WIRE_ERR_INVALID_ARG;
	}
	if (handle_count > (SIZE_MAX - 2 - rops_len) / 4) {
		return WIRE_ERR_TOO_LARGE;
	}
	total = 2 + rops_len + 4 * handle_count;
	buf = talloc_array(mem_ctx, uint8_t, total);
	if (buf == NULL) {
		return WIRE_ERR_NO_MEMORY;
	}
	wire_store_le16(buf, (uint16_t)(rops_len + 2));
	if (rops_len > 0) {
		memcpy(buf + 2, rops, rops_len);
	}
	for (i = 0; i < handle_count; i++) {
		wire_store_le32(buf + 2 + rops_len + 4 * i, handles[i]);
	}
	*out = buf;
	*out_len = total;
	return WIRE_OK;
}

static enum wire_error rop_handles_copy(TALLOC_CTX *mem_ctx, const struct rop_buffer_view *view,
					uint32_t **out)
{
	size_t i;

	*out = NULL;
	if (view->handle_count == 0) {
		return WIRE_OK;
	}
	*out = talloc_array(mem_ctx, uint32_t, view->handle_count);
	if (*out == NULL) {
		return WIRE_ERR_NO_MEMORY;
	}
	for (i = 0; i < view->handle_count; i++) {
		(void)rop_buffer_handle(view, i, &(*out)[i]);
	}
	return WIRE_OK;
}

/*
 * The two directions differ only in how their ROP list is read and written;
 * the framing around it (RopSize, handle table, scratch buffers) is shared.
 */
typedef enum wire_error (*rop_list_pull_fn)(TALLOC_CTX *mem_ctx, const uint8_t *data, size_t len,
					     const struct rop_context *ctx, void *list);
typedef enum wire_error (*rop_list_push_fn)(struct oxcdata_push *push, const void *list,
					     const struct rop_context *ctx);

static enum wire_error pull_request_list(TALLOC_CTX *mem_ctx, const uint8_t *data, size_t len,
					 const struct rop_context *ctx, void *list)
{
	return rop_requests_pull(mem_ctx, data, len, ctx, list);
}

static enum wire_error pull_response_list(TALLOC_CTX *mem_ctx, const uint8_t *data, size_t len,
					  const struct rop_context *ctx, void *list)
{
	return rop_responses_pull(mem_ctx, data, len, ctx, list);
}

static enum wire_error push_request_list(struct oxcdata_push *push, const void *list,
					 const struct rop_context *ctx)
{
	return rop_requests_push(push, list, ctx);
}

static enum wire_error push_response_list(struct oxcdata_push *push, const void *list,
					  const struct rop_context *ctx)
{
	return rop_responses_push(push, list, ctx);
}

/* On failure nothing is left allocated: the list pull cleans up after itself. */
static enum wire_error pull_framed(TALLOC_CTX *mem_ctx, const uint8_t *buf, size_t len,
				   const struct rop_context *ctx, rop_list_pull_fn pull_list,
				   void *list, uint32_t **handles, size_t *handle_count)
{
	struct rop_buffer_view view;
	enum wire_error err;

	err = rop_buffer_split(buf, len, &view);
	if (err != WIRE_OK) {
		return err;
	}
	err = rop_handles_copy(mem_ctx, &view, handles);
	if (err != WIRE_OK) {
		return err;
	}
	err = pull_list(mem_ctx, view.rops, view.rops_len, ctx, list);
	if (err != WIRE_OK) {
		TALLOC_FREE(*handles);
		return err;
	}
	*handle_count = view.handle_count;
	return WIRE_OK;
}

static enum wire_error push_framed(TALLOC_CTX *mem_ctx, rop_list_push_fn push_list, const void *list,
				   const uint32_t *handles, size_t handle_count,
				   const struct rop_context *ctx, uint8_t **out, size_t *out_len)
{
	TALLOC_CTX *tmp = talloc_new(mem_ctx);
	struct oxcdata_push push;
	enum wire_error err;

	*out = NULL;
	*out_len = 0;
	if (tmp == NULL) {
		return WIRE_ERR_NO_MEMORY;
	}
	oxcdata_push_init(&push, tmp);
	err = push_list(&push, list, ctx);
	if (err == WIRE_OK) {
		err = rop_buffer_join(mem_ctx, push.data, push.len, handles, handle_count, out, out_len);
	}
	talloc_free(tmp);
	return err;
}

enum wire_error rop_request_pull(TALLOC_CTX *mem_ctx, const uint8_t *buf, size_t len,
				 const struct rop_context *ctx, struct rop_request_buffer *out)
{
	memset(out, 0, sizeof(*out));
	return pull_framed(mem_ctx, buf, len, ctx, pull_request_list, &out->list,
			   &out->handles, &out->handle_count);
}

enum wire_error rop_response_pull(TALLOC_CTX *mem_ctx, const uint8_t *buf, size_t len,
				  const struct rop_context *ctx, struct rop_response_buffer *out)
{
	memset(out, 0, sizeof(*out));
	return pull_framed(mem_ctx, buf, len, ctx, pull_response_list, &out->list,
			   &out->handles, &out->handle_count);
}

enum wire_error rop_request_push(TALLOC_CTX *mem_ctx, const struct rop_request_buffer *in,
				 const struct rop_context *ctx, uint8_t **out, size_t *out_len)
{
	return push_framed(mem_ctx, push_request_list, &in->list, in->handles, in->handle_count,
			   ctx, out, out_len);
}

enum wire_error rop_response_push(TALLOC_CTX *mem_ctx, const struct rop_response_buffer *in,
				  const struct rop_context *ctx, uint8_t **out, size_t *out_len)
{
	return push_framed(mem_ctx, push_response_list, &in->list, in->handles, in->handle_count,
			   ctx, out, out_len);
}

enum wire_error rop_error_response_push(struct oxcdata_push *push, uint8_t rop_id,
					uint8_t handle_index, uint32_t return_value)
{
	enum wire_error err;

	/* A zero ReturnValue is a success: its form is the ROP's own. */
	if (return_value == 0) {
		return WIRE_ERR_INVALID_ARG;
	}
	err = oxcdata_push_u8(push, rop_id);
	if (err == WIRE_OK) {
		err = oxcdata_push_u8(push, handle_index);
	}
	if (err == WIRE_OK) {
		err = oxcdata_push_u32(push, return_value);
	}
	return err;
}

enum wire_error rop_buffer_too_small_push(struct oxcdata_push *push, uint16_t size_needed,
					  const uint8_t *requests, size_t requests_len)
{
	struct rop_params none = { 0 };
	struct rop_response r;

	memset(&r, 0, sizeof(r));
	r.rop_id = RopBufferTooSmall;
	r.u.buffer_too_small.u.body.size_needed = size_needed;
	r.u.buffer_too_small.u.body.request_buffers = (uint8_t *)requests;
	r.u.buffer_too_small.u.body.request_buffers_size = requests_len;
	return rop_response_push_one(push, &r, &none);
}

enum wire_error rop_pending_push(struct oxcdata_push *push, uint16_t session_index)
{
	struct rop_params none = { 0 };
	struct rop_response r;

	memset(&r, 0, sizeof(r));
	r.rop_id = RopPending;
	r.u.pending.u.body.session_index = session_index;
	return rop_response_push_one(push, &r, &none);
}

enum wire_error rop_backoff_push(struct oxcdata_push *push, uint8_t logon_id, uint32_t duration,
				 const struct rop_backoff_rop *rops, uint8_t rop_count,
				 const uint8_t *additional, uint16_t additional_len)
{
	struct rop_params none = { 0 };
	struct rop_response r;

	memset(&r, 0, sizeof(r));
	r.rop_id = RopBackoff;
	r.u.backoff.u.body.logon_id = logon_id;
	r.u.backoff.u.body.duration = duration;
	r.u.backoff.u.body.backoff_rop_count = rop_count;
	r.u.backoff.u.body.backoff_rop_data = (struct rop_backoff_rop *)rops;
	r.u.backoff.u.body.additional_data_size = additional_len;
	r.u.backoff.u.body.additional_data = (uint8_t *)additional;
	return rop_response_push_one(push, &r, &none);
}
