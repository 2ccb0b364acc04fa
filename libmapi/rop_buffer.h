/*
 * ROP input and output buffers (MS-OXCROPS 2.2.1): RopSize (2 bytes, the size
 * of itself and the RopsList), the RopsList, then the Server object handle
 * table, 4 bytes per handle, as many as the bytes after the RopsList hold.
 *
 * Split and join work on bytes; rop_request_pull() and friends combine them
 * with the generated ROP codec (idl/gen_rops.h) for a whole buffer. The
 * special responses RopBufferTooSmall (0xFF), RopBackoff (0xF9) and
 * RopPending (0x6E) and the plain error form of any response have builders
 * here, so a server never assembles them by hand.
 *
 * Copyright (C) OpenChange developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef LIBMAPI_ROP_BUFFER_H
#define LIBMAPI_ROP_BUFFER_H

#include <stddef.h>
#include <stdint.h>
#include <talloc.h>
#include "idl/gen_rops.h"

/* A split ROP buffer; both parts point into the caller's bytes. */
struct rop_buffer_view {
	const uint8_t *rops;		/* the RopsList */
	size_t rops_len;
	const uint8_t *handles;		/* handle_count little-endian 32-bit handles */
	size_t handle_count;
};

/*
 * RopSize must be at least 2 and at most len; what follows the RopsList must
 * be whole 4-byte handles (WIRE_ERR_BAD_SIZE otherwise).
 */
enum wire_error rop_buffer_split(const uint8_t *buf, size_t len, struct rop_buffer_view *out);

/* Handle number index of a split buffer; WIRE_ERR_BAD_OFFSET past the table. */
enum wire_error rop_buffer_handle(const struct rop_buffer_view *view, size_t index, uint32_t *handle);

/*
 * RopSize, rops and the handles into *out (allocated under mem_ctx). A
 * RopsList longer than 0xFFFF - 2 bytes is WIRE_ERR_TOO_LARGE.
 */
enum wire_error rop_buffer_join(TALLOC_CTX *mem_ctx, const uint8_t *rops, size_t rops_len,
				const uint32_t *handles, size_t handle_count,
				uint8_t **out, size_t *out_len);

/* A whole buffer decoded: the ROPs and the handle table. */
struct rop_request_buffer {
	struct rop_request_list list;
	size_t handle_count;
	uint32_t *handles;
};

struct rop_response_buffer {
	struct rop_response_list list;
	size_t handle_count;
	uint32_t *handles;
};

/*
 * Pull a whole ROP input (request) or output (response) buffer. ctx supplies
 * each ROP's params (may be NULL). On failure *out is zeroed and nothing is
 * left under mem_ctx. Handle indexes inside ROPs are not checked against the
 * table here: per MS-OXCROPS 3.2.5.1 a bad index fails that ROP (0x000004B9),
 * not the buffer; rop_buffer_handle() is the check.
 */
enum wire_error rop_request_pull(TALLOC_CTX *mem_ctx, const uint8_t *buf, size_t len,
				 const struct rop_context *ctx, struct rop_request_buffer *out);
enum wire_error rop_response_pull(TALLOC_CTX *mem_ctx, const uint8_t *buf, size_t len,
				  const struct rop_context *ctx, struct rop_response_buffer *out);
enum wire_error rop_request_push(TALLOC_CTX *mem_ctx, const struct rop_request_buffer *in,
				 const struct rop_context *ctx, uint8_t **out, size_t *out_len);
enum wire_error rop_response_push(TALLOC_CTX *mem_ctx, const struct rop_response_buffer *in,
				  const struct rop_context *ctx, uint8_t **out, size_t *out_len);

/*
 * The failure form every ROP response has (MS-OXCROPS 2.2.4 and onwards):
 * RopId, the handle index of the request, ReturnValue (nonzero).
 */
enum wire_error rop_error_response_push(struct oxcdata_push *push, uint8_t rop_id,
					uint8_t handle_index, uint32_t return_value);

/*
 * RopBufferTooSmall (2.2.15.1): SizeNeeded and the unprocessed requests; it
 * is the last response of a RopsList.
 */
enum wire_error rop_buffer_too_small_push(struct oxcdata_push *push, uint16_t size_needed,
					  const uint8_t *requests, size_t requests_len);

/* RopPending (2.2.14.3): the session with pending notifications. */
enum wire_error rop_pending_push(struct oxcdata_push *push, uint16_t session_index);

/* RopBackoff (2.2.15.2) of a logon: its Duration and the per-ROP back-offs. */
enum wire_error rop_backoff_push(struct oxcdata_push *push, uint8_t logon_id, uint32_t duration,
				 const struct rop_backoff_rop *rops, uint8_t rop_count,
				 const uint8_t *additional, uint16_t additional_len);

#endif
