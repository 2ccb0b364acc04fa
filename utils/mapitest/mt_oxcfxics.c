/*
 * mapitest OXCFXICS: FastTransfer and ICS (MS-OXCFXICS 3.2.5).  Probes of
 * RopFastTransferSourceCopyTo and RopSynchronizationConfigure, which the
 * server does not build yet: skipped while it answers ecNotSupported,
 * and once it answers success the stream it produces is read and checked
 * for what the spec puts in it.
 *
 * Copyright (C) OpenChange developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <talloc.h>

#include "utils/mapitest/mapitest.h"
#include "libmapi/rop_session.h"

#define TRANSFER_STATUS_DONE 0x0003	/* MS-OXCFXICS 2.2.3.1.1.5.2 TransferStatus */
#define SEND_OPTIONS_UNICODE 0x01	/* 2.2.3.1.1.1.1 SendOptions */
#define SYNC_TYPE_CONTENTS 0x01		/* 2.2.3.2.1.1.1 SynchronizationType */
#define SYNC_FLAG_UNICODE 0x0001	/* 2.2.3.2.1.1.1 SynchronizationFlags */
#define SYNC_FLAG_NORMAL 0x0010
#define SYNC_EXTRA_EID 0x00000001	/* SynchronizationExtraFlags */
/* markers of the FastTransfer stream (MS-OXCFXICS 2.2.4.1.4): PtypInteger32 tags */
#define INCR_SYNC_CHG 0x40120003u
#define INCR_SYNC_END 0x40140003u
#define PID_TAG_SUBJECT 0x0037001Fu

/* All of the stream of the FastTransfer context in SLOT, read to TransferStatus Done */
static enum mt_result read_stream(struct mt_test *t, struct mt_logon *lg, uint8_t slot,
				  uint8_t **data, size_t *len)
{
	size_t rounds;

	*data = NULL;
	*len = 0;
	for (rounds = 0; rounds < 256; rounds++) {
		struct rop_request req = mt_request(RopFastTransferSourceGetBuffer);
		struct rop_response resp;
		uint16_t n;

		req.u.fast_transfer_source_get_buffer.input_handle_index = slot;
		req.u.fast_transfer_source_get_buffer.buffer_size = 0x4000;
		if (mt_rop(t, lg, &req, &resp) != MT_PASS || mt_skip_unsupported(t, &resp) != MT_PASS) {
			return t->result;
		}
		MT_EXPECT(t, resp.u.fast_transfer_source_get_buffer.return_value == MAPI_E_SUCCESS,
			  "RopFastTransferSourceGetBuffer: %s",
			  mt_status(t, resp.u.fast_transfer_source_get_buffer.return_value));
		n = resp.u.fast_transfer_source_get_buffer.u.ok.transfer_buffer_size;
		*data = talloc_realloc(t->mem, *data, uint8_t, *len + n + 1);
		MT_EXPECT(t, *data != NULL, "out of memory");
		memcpy(*data + *len, resp.u.fast_transfer_source_get_buffer.u.ok.transfer_buffer, n);
		*len += n;
		if (resp.u.fast_transfer_source_get_buffer.u.ok.transfer_status ==
		    TRANSFER_STATUS_DONE) {
			return MT_PASS;
		}
	}
	return mt_fail(t, "the stream did not end (TransferStatus Done) in 256 buffers");
}

static bool contains(const uint8_t *hay, size_t len, const uint8_t *needle, size_t n)
{
	size_t i;

	for (i = 0; i + n <= len; i++) {
		if (memcmp(hay + i, needle, n) == 0) {
			return true;
		}
	}
	return false;
}

static void le32(uint8_t out[4], uint32_t v)
{
	out[0] = (uint8_t)v;
	out[1] = (uint8_t)(v >> 8);
	out[2] = (uint8_t)(v >> 16);
	out[3] = (uint8_t)(v >> 24);
}

/* The ASCII string S as UTF-16LE without its NUL */
static uint8_t *utf16(struct mt_test *t, const char *s, size_t *n)
{
	size_t i, len = strlen(s);
	uint8_t *out = talloc_array(t->mem, uint8_t, 2 * len + 1);

	for (i = 0; out != NULL && i < len; i++) {
		out[2 * i] = (uint8_t)s[i];
		out[2 * i + 1] = 0;
	}
	*n = 2 * len;
	return out;
}

/*
 * MS-OXCFXICS 3.2.5.8.1.1, 2.2.4.3: RopFastTransferSourceCopyTo of a
 * message streams its properties: PidTagSubject's tag, then its value
 * (UTF-16LE with SendOptions Unicode).
 */
static enum mt_result t_copy_to_streams_message(struct mt_test *t)
{
	struct rop_request req = mt_request(RopOpenMessage);
	struct rop_response resp;
	struct mt_logon lg;
	uint64_t fid, mid;
	const char *subject;
	uint8_t *stream, tag[4], *text;
	size_t len = 0, n = 0;

	if (mt_logon_open(t, 0x01, &lg) != MT_PASS || mt_scratch_folder(t, &lg, 1, &fid) != MT_PASS) {
		return t->result;
	}
	subject = mt_unique_name(t, "streamed");
	if (mt_new_message(t, &lg, fid, subject, 1, &mid) != MT_PASS) {
		return t->result;
	}
	req.u.open_message.output_handle_index = 2;
	req.u.open_message.code_page_id = 0x0FFF;
	req.u.open_message.folder_id = fid;
	req.u.open_message.message_id = mid;
	if (mt_rop(t, &lg, &req, &resp) != MT_PASS) {
		return t->result;
	}
	MT_EXPECT(t, resp.u.open_message.return_value == MAPI_E_SUCCESS, "RopOpenMessage: %s",
		  mt_status(t, resp.u.open_message.return_value));
	req = mt_request(RopFastTransferSourceCopyTo);
	req.u.fast_transfer_source_copy_to.input_handle_index = 2;
	req.u.fast_transfer_source_copy_to.output_handle_index = 3;
	req.u.fast_transfer_source_copy_to.send_options = SEND_OPTIONS_UNICODE;
	if (mt_rop(t, &lg, &req, &resp) != MT_PASS || mt_skip_unsupported(t, &resp) != MT_PASS) {
		return t->result;
	}
	MT_EXPECT(t, resp.u.fast_transfer_source_copy_to.return_value == MAPI_E_SUCCESS,
		  "RopFastTransferSourceCopyTo: %s",
		  mt_status(t, resp.u.fast_transfer_source_copy_to.return_value));
	if (read_stream(t, &lg, 3, &stream, &len) != MT_PASS) {
		return t->result;
	}
	le32(tag, PID_TAG_SUBJECT);
	text = utf16(t, subject, &n);
	MT_EXPECT(t, contains(stream, len, tag, 4), "the %zu-byte stream has no PidTagSubject", len);
	MT_EXPECT(t, text != NULL && contains(stream, len, text, n),
		  "the %zu-byte stream lacks the subject '%s' in UTF-16", len, subject);
	return MT_PASS;
}

/*
 * MS-OXCFXICS 3.2.5.9.1.1, 2.2.4.3.20: a contents synchronization of a
 * folder from an empty state streams each message as a messageChange
 * (IncrSyncChg) and ends with IncrSyncEnd.
 */
static enum mt_result t_sync_contents_from_nothing(struct mt_test *t)
{
	struct rop_request req = mt_request(RopSynchronizationConfigure);
	struct rop_response resp;
	struct mt_logon lg;
	uint64_t fid, mid;
	uint8_t *stream, marker[4];
	size_t len = 0;

	if (mt_logon_open(t, 0x01, &lg) != MT_PASS || mt_scratch_folder(t, &lg, 1, &fid) != MT_PASS ||
	    mt_new_message(t, &lg, fid, "synchronized", 1, &mid) != MT_PASS) {
		return t->result;
	}
	req.u.synchronization_configure.input_handle_index = 1;
	req.u.synchronization_configure.output_handle_index = 3;
	req.u.synchronization_configure.synchronization_type = SYNC_TYPE_CONTENTS;
	req.u.synchronization_configure.send_options = SEND_OPTIONS_UNICODE;
	req.u.synchronization_configure.synchronization_flags = SYNC_FLAG_UNICODE | SYNC_FLAG_NORMAL;
	req.u.synchronization_configure.synchronization_extra_flags = SYNC_EXTRA_EID;
	if (mt_rop(t, &lg, &req, &resp) != MT_PASS || mt_skip_unsupported(t, &resp) != MT_PASS) {
		return t->result;
	}
	MT_EXPECT(t, resp.u.synchronization_configure.return_value == MAPI_E_SUCCESS,
		  "RopSynchronizationConfigure: %s",
		  mt_status(t, resp.u.synchronization_configure.return_value));
	if (read_stream(t, &lg, 3, &stream, &len) != MT_PASS) {
		return t->result;
	}
	le32(marker, INCR_SYNC_CHG);
	MT_EXPECT(t, contains(stream, len, marker, 4),
		  "the %zu-byte stream has no IncrSyncChg for the folder's message", len);
	le32(marker, INCR_SYNC_END);
	MT_EXPECT(t, len >= 4 && memcmp(stream + len - 4, marker, 4) == 0,
		  "the stream does not end with IncrSyncEnd");
	return MT_PASS;
}

static const struct mt_test_def tests[] = {
	{ "copy_to_streams_message", "MS-OXCFXICS 3.2.5.8.1.1, 2.2.4.3",
	  "RopFastTransferSourceCopyTo of a message streams its PidTagSubject and value",
	  t_copy_to_streams_message },
	{ "sync_contents_from_nothing", "MS-OXCFXICS 3.2.5.9.1.1, 2.2.4.3.20",
	  "a contents sync from an empty state streams IncrSyncChg per message, ends IncrSyncEnd",
	  t_sync_contents_from_nothing },
};

const struct mt_family mt_family_oxcfxics = {
	"OXCFXICS", "FastTransfer and ICS (skipped while the server answers ecNotSupported)", true,
	tests, MT_COUNT(tests),
};
