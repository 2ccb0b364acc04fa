/*
 * mapitest NOSERVER: the wire layer against byte layouts written here from
 * the specs, with no server.  Every test encodes values and compares the
 * bytes with the layout the spec gives, then decodes the bytes back: a
 * codec that agrees with itself but not with the spec fails here.
 *
 * Copyright (C) OpenChange developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <talloc.h>

#include "utils/mapitest/mapitest.h"
#include "libmapi/oxcdata_buf.h"
#include "libmapi/oxcdata_propval.h"
#include "libmapi/oxcdata_restriction.h"
#include "libmapi/rop_buffer.h"
#include "libmapi/rpc_ext.h"
#include "libmapi/xor.h"

/* PidTagMessageSize (PtypInteger32) and PidTagDisplayName (PtypString), MS-OXPROPS */
#define TAG_MESSAGE_SIZE 0x0E080003u
#define TAG_DISPLAY_NAME_W 0x3001001Fu

static enum mt_result same_bytes(struct mt_test *t, const char *what, const uint8_t *observed,
				 size_t observed_len, const uint8_t *expected, size_t expected_len)
{
	if (observed_len != expected_len || memcmp(observed, expected, expected_len) != 0) {
		return mt_fail(t, "%s: observed %s, expected %s", what,
			       mt_hex(t, observed, observed_len), mt_hex(t, expected, expected_len));
	}
	return MT_PASS;
}

static enum mt_result request_round_trip(struct mt_test *t, const struct rop_request *r,
					 const uint8_t *bytes, size_t len, struct rop_request *back)
{
	struct rop_params params = { .logon_private = true };
	struct oxcdata_push push;
	struct oxcdata_pull pull;
	enum wire_error err;

	oxcdata_push_init(&push, t->mem);
	err = rop_request_push_one(&push, r, &params);
	MT_EXPECT(t, err == WIRE_OK, "push: %s", wire_strerror(err));
	if (same_bytes(t, "encoded request", push.data, push.len, bytes, len) != MT_PASS) {
		return MT_FAIL;
	}
	oxcdata_pull_init(&pull, bytes, len);
	err = rop_request_pull_one(&pull, t->mem, back, &params);
	MT_EXPECT(t, err == WIRE_OK, "pull: %s", wire_strerror(err));
	MT_EXPECT_EQ(t, oxcdata_pull_left(&pull), 0, "bytes left after the request");
	return MT_PASS;
}

/* MS-OXCROPS 2.2.3.1.1 RopLogon request */
static enum mt_result t_rop_logon_request(struct mt_test *t)
{
	/* RopId FE, LogonId 00, OutputHandleIndex 00, LogonFlags 01 (Private),
	 * OpenFlags 0x01000000, StoreState 0, EssdnSize 5, Essdn "/o=x" NUL */
	static const uint8_t bytes[] = {
		0xFE, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00,
		0x05, 0x00, '/', 'o', '=', 'x', 0x00,
	};
	struct rop_request r = { .rop_id = RopLogon }, back;

	r.u.logon.logon_flags = 0x01;
	r.u.logon.open_flags = 0x01000000;
	r.u.logon.essdn_size = 5;
	r.u.logon.essdn = (uint8_t *)talloc_memdup(t->mem, "/o=x", 5);
	if (request_round_trip(t, &r, bytes, sizeof(bytes), &back) != MT_PASS) {
		return MT_FAIL;
	}
	MT_EXPECT_EQ(t, back.u.logon.open_flags, 0x01000000, "OpenFlags");
	MT_EXPECT_EQ(t, back.u.logon.essdn_size, 5, "EssdnSize");
	MT_EXPECT(t, memcmp(back.u.logon.essdn, "/o=x", 5) == 0, "Essdn decoded wrong");
	return MT_PASS;
}

/* MS-OXCROPS 2.2.4.1.1 RopOpenFolder request */
static enum mt_result t_rop_open_folder_request(struct mt_test *t)
{
	/* RopId 02, LogonId 00, InputHandleIndex 01, OutputHandleIndex 02,
	 * FolderId 0x0000000000010001 (little-endian), OpenModeFlags 0x04 */
	static const uint8_t bytes[] = {
		0x02, 0x00, 0x01, 0x02, 0x01, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x04,
	};
	struct rop_request r = { .rop_id = RopOpenFolder }, back;

	r.u.open_folder.input_handle_index = 1;
	r.u.open_folder.output_handle_index = 2;
	r.u.open_folder.folder_id = 0x0000000000010001ull;
	r.u.open_folder.open_mode_flags = 0x04;
	if (request_round_trip(t, &r, bytes, sizeof(bytes), &back) != MT_PASS) {
		return MT_FAIL;
	}
	MT_EXPECT_EQ(t, back.u.open_folder.folder_id, 0x0000000000010001ull, "FolderId");
	MT_EXPECT_EQ(t, back.u.open_folder.open_mode_flags, 0x04, "OpenModeFlags");
	return MT_PASS;
}

/*
 * MS-OXCROPS 2.2.8.3.2 RopGetPropertiesSpecific response; its RowData is a
 * PropertyRow (MS-OXCDATA 2.8.1.2): a flagged row, each value preceded by
 * its Flag, 0x0A followed by an error code instead of the value.
 */
static enum mt_result t_get_props_flagged_row(struct mt_test *t)
{
	static const uint8_t bytes[] = {
		0x07, 0x00, 0x00, 0x00, 0x00, 0x00,	/* RopId, InputHandleIndex, ReturnValue */
		0x01,					/* Flag: FlaggedPropertyRow */
		0x00, 0x10, 0x00, 0x00, 0x00,		/* present: PidTagMessageSize 16 */
		0x0A, 0x0F, 0x01, 0x04, 0x80,		/* error: ecNotFound for the name */
	};
	uint32_t tags[2] = { TAG_MESSAGE_SIZE, TAG_DISPLAY_NAME_W };
	struct mapi_tag_array columns = { .count = 2, .tags = tags };
	struct rop_params params = { .columns = &columns };
	struct mapi_flagged_propval values[2];
	struct rop_response r = { .rop_id = RopGetPropertiesSpecific }, back;
	struct oxcdata_push push;
	struct oxcdata_pull pull;
	enum wire_error err;

	memset(values, 0, sizeof(values));
	values[0].flag = MAPI_PROPVAL_PRESENT;
	values[0].pv.tag = TAG_MESSAGE_SIZE;
	values[0].pv.value.i32 = 16;
	values[1].flag = MAPI_PROPVAL_ERROR;
	values[1].pv.tag = TAG_DISPLAY_NAME_W;
	values[1].pv.value.error_code = MAPI_E_NOT_FOUND;
	r.u.get_properties_specific.u.ok.row_data.flag = MAPI_ROW_FLAGGED;
	r.u.get_properties_specific.u.ok.row_data.count = 2;
	r.u.get_properties_specific.u.ok.row_data.values = values;

	oxcdata_push_init(&push, t->mem);
	err = rop_response_push_one(&push, &r, &params);
	MT_EXPECT(t, err == WIRE_OK, "push: %s", wire_strerror(err));
	if (same_bytes(t, "encoded response", push.data, push.len, bytes, sizeof(bytes)) != MT_PASS) {
		return MT_FAIL;
	}
	oxcdata_pull_init(&pull, bytes, sizeof(bytes));
	err = rop_response_pull_one(&pull, t->mem, &back, &params);
	MT_EXPECT(t, err == WIRE_OK, "pull: %s", wire_strerror(err));
	MT_EXPECT_EQ(t, back.u.get_properties_specific.u.ok.row_data.flag, MAPI_ROW_FLAGGED, "row Flag");
	MT_EXPECT_EQ(t, back.u.get_properties_specific.u.ok.row_data.values[0].pv.value.i32, 16,
		     "PidTagMessageSize");
	MT_EXPECT_EQ(t, back.u.get_properties_specific.u.ok.row_data.values[1].flag,
		     MAPI_PROPVAL_ERROR, "second value's Flag");
	MT_EXPECT_EQ(t, back.u.get_properties_specific.u.ok.row_data.values[1].pv.value.error_code,
		     MAPI_E_NOT_FOUND, "second value's error code");
	return MT_PASS;
}

/*
 * MS-OXCROPS 2.2.3.1.2: a failed RopLogon is RopId, OutputHandleIndex and
 * ReturnValue alone, whatever form its success would have.
 */
static enum mt_result t_error_response_form(struct mt_test *t)
{
	static const uint8_t bytes[] = { 0xFE, 0x03, 0xEB, 0x03, 0x00, 0x00 };	/* ecUnknownUser */
	struct rop_params params = { .logon_private = true };
	struct rop_response back;
	struct oxcdata_push push;
	struct oxcdata_pull pull;
	enum wire_error err;

	oxcdata_push_init(&push, t->mem);
	err = rop_error_response_push(&push, RopLogon, 3, 0x000003EB);
	MT_EXPECT(t, err == WIRE_OK, "push: %s", wire_strerror(err));
	if (same_bytes(t, "error response", push.data, push.len, bytes, sizeof(bytes)) != MT_PASS) {
		return MT_FAIL;
	}
	oxcdata_pull_init(&pull, bytes, sizeof(bytes));
	err = rop_response_pull_one(&pull, t->mem, &back, &params);
	MT_EXPECT(t, err == WIRE_OK, "pull: %s", wire_strerror(err));
	MT_EXPECT_EQ(t, oxcdata_pull_left(&pull), 0, "bytes left after the error response");
	MT_EXPECT_EQ(t, back.u.logon.output_handle_index, 3, "OutputHandleIndex");
	MT_EXPECT_EQ(t, back.u.logon.return_value, 0x000003EB, "ReturnValue");
	return MT_PASS;
}

/* MS-OXCDATA 2.12.5: PropertyRestriction = RestrictType 0x04, RelOp, PropTag, TaggedValue */
static enum mt_result t_property_restriction(struct mt_test *t)
{
	static const uint8_t bytes[] = {
		0x04, 0x04, 0x03, 0x00, 0x08, 0x0E,		/* Property, RELOP_EQ, the tag */
		0x03, 0x00, 0x08, 0x0E, 0x10, 0x00, 0x00, 0x00,	/* TaggedValue: tag, 16 */
	};
	struct mapi_restriction res, *back = NULL;
	struct oxcdata_push push;
	struct oxcdata_pull pull;
	enum wire_error err;

	memset(&res, 0, sizeof(res));
	res.type = MAPI_RES_PROPERTY;
	res.u.property.relop = MAPI_RELOP_EQ;
	res.u.property.tag = TAG_MESSAGE_SIZE;
	res.u.property.value.tag = TAG_MESSAGE_SIZE;
	res.u.property.value.value.i32 = 16;
	oxcdata_push_init(&push, t->mem);
	err = oxcdata_restriction_push(&push, &res);
	MT_EXPECT(t, err == WIRE_OK, "push: %s", wire_strerror(err));
	if (same_bytes(t, "restriction", push.data, push.len, bytes, sizeof(bytes)) != MT_PASS) {
		return MT_FAIL;
	}
	oxcdata_pull_init(&pull, bytes, sizeof(bytes));
	err = oxcdata_restriction_pull(&pull, t->mem, &back);
	MT_EXPECT(t, err == WIRE_OK, "pull: %s", wire_strerror(err));
	MT_EXPECT_EQ(t, back->type, MAPI_RES_PROPERTY, "RestrictType");
	MT_EXPECT_EQ(t, back->u.property.relop, MAPI_RELOP_EQ, "RelOp");
	MT_EXPECT_EQ(t, back->u.property.value.value.i32, 16, "value");
	return MT_PASS;
}

/* MS-OXCDATA 2.11.1 PtypString: UTF-16LE with a 2-byte NUL, after a 4-byte tag */
static enum mt_result t_unicode_string_value(struct mt_test *t)
{
	static const uint8_t bytes[] = {
		0x1F, 0x00, 0x01, 0x30,			/* PidTagDisplayName, PtypString */
		0x52, 0x00, 0xE9, 0x00, 0x00, 0x00,	/* "Ré" (U+00E9), NUL */
	};
	struct mapi_propval pv, back;
	struct oxcdata_push push;
	struct oxcdata_pull pull;
	enum wire_error err;

	memset(&pv, 0, sizeof(pv));
	pv.tag = TAG_DISPLAY_NAME_W;
	pv.value.string = talloc_strdup(t->mem, "R\xc3\xa9");
	oxcdata_push_init(&push, t->mem);
	err = oxcdata_propval_push_tagged(&push, &pv);
	MT_EXPECT(t, err == WIRE_OK, "push: %s", wire_strerror(err));
	if (same_bytes(t, "tagged value", push.data, push.len, bytes, sizeof(bytes)) != MT_PASS) {
		return MT_FAIL;
	}
	oxcdata_pull_init(&pull, bytes, sizeof(bytes));
	err = oxcdata_propval_pull_tagged(&pull, t->mem, &back);
	MT_EXPECT(t, err == WIRE_OK, "pull: %s", wire_strerror(err));
	MT_EXPECT(t, strcmp(back.value.string, "R\xc3\xa9") == 0, "decoded '%s', expected 'R\xc3\xa9'",
		  back.value.string);
	return MT_PASS;
}

/* MS-OXCROPS 2.2.1: RopSize counts itself and the RopsList; the handle table follows */
static enum mt_result t_rop_buffer_framing(struct mt_test *t)
{
	static const uint8_t rops[] = { 0x01, 0x00, 0x00 };	/* RopRelease of handle 0 */
	static const uint8_t bytes[] = { 0x05, 0x00, 0x01, 0x00, 0x00, 0x44, 0x33, 0x22, 0x11 };
	uint32_t handle = 0x11223344;
	struct rop_buffer_view view;
	uint8_t *out = NULL;
	size_t len = 0;
	enum wire_error err;

	err = rop_buffer_join(t->mem, rops, sizeof(rops), &handle, 1, &out, &len);
	MT_EXPECT(t, err == WIRE_OK, "join: %s", wire_strerror(err));
	if (same_bytes(t, "ROP buffer", out, len, bytes, sizeof(bytes)) != MT_PASS) {
		return MT_FAIL;
	}
	err = rop_buffer_split(bytes, sizeof(bytes), &view);
	MT_EXPECT(t, err == WIRE_OK, "split: %s", wire_strerror(err));
	MT_EXPECT_EQ(t, view.rops_len, 3, "RopsList length");
	MT_EXPECT_EQ(t, view.handle_count, 1, "handles");
	/* a RopSize past the end is not a buffer */
	err = rop_buffer_split((const uint8_t *)"\x09\x00\x01", 3, &view);
	MT_EXPECT(t, err != WIRE_OK, "a RopSize of 9 in 3 bytes was accepted");
	return MT_PASS;
}

/* MS-OXCRPC 2.2.2.1: RPC_HEADER_EXT is Version 0, Flags, Size, SizeActual */
static enum mt_result t_rpc_header_ext(struct mt_test *t)
{
	static const uint8_t payload[] = { 0x02, 0x00, 0x01, 0x02, 0x03 };
	static const uint8_t bytes[] = {
		0x00, 0x00, 0x04, 0x00, 0x05, 0x00, 0x05, 0x00,	/* Version, Last, 5, 5 */
		0x02, 0x00, 0x01, 0x02, 0x03,
	};
	struct rpc_ext_chain *chain = NULL;
	uint8_t *out = NULL;
	size_t len = 0;
	enum wire_error err;

	err = rpc_ext_encode(t->mem, payload, sizeof(payload), 0, 0, &out, &len);
	MT_EXPECT(t, err == WIRE_OK, "encode: %s", wire_strerror(err));
	if (same_bytes(t, "extended buffer", out, len, bytes, sizeof(bytes)) != MT_PASS) {
		return MT_FAIL;
	}
	err = rpc_ext_decode(t->mem, bytes, sizeof(bytes), &rpc_ext_limits_rop, &chain);
	MT_EXPECT(t, err == WIRE_OK, "decode: %s", wire_strerror(err));
	MT_EXPECT_EQ(t, chain->total_length, sizeof(payload), "payload length");
	/* "Version ... MUST be 0x0000": anything else is refused */
	err = rpc_ext_decode(t->mem, (const uint8_t *)"\x01\x00\x04\x00\x05\x00\x05\x00\x02\x00\x01\x02\x03",
			     13, &rpc_ext_limits_rop, &chain);
	MT_EXPECT(t, err != WIRE_OK, "an RPC_HEADER_EXT of version 1 was accepted");
	return MT_PASS;
}

/* MS-OXCRPC 3.1.4.1.1.3: XorMagic obfuscates every payload byte with 0xA5 */
static enum mt_result t_xor_obfuscation(struct mt_test *t)
{
	static const uint8_t payload[] = { 0x00, 0xA5, 0xFF, 0x5A };
	static const uint8_t bytes[] = {
		0x00, 0x00, 0x06, 0x00, 0x04, 0x00, 0x04, 0x00,	/* XorMagic | Last */
		0xA5, 0x00, 0x5A, 0xFF,
	};
	struct rpc_ext_chain *chain = NULL;
	uint8_t copy[4];
	uint8_t *out = NULL;
	size_t len = 0;
	enum wire_error err;

	memcpy(copy, payload, sizeof(copy));
	xor_obfuscate(copy, sizeof(copy));
	if (same_bytes(t, "obfuscated bytes", copy, sizeof(copy), bytes + 8, 4) != MT_PASS) {
		return MT_FAIL;
	}
	err = rpc_ext_encode(t->mem, payload, sizeof(payload), RPC_EXT_XOR, 0, &out, &len);
	MT_EXPECT(t, err == WIRE_OK, "encode: %s", wire_strerror(err));
	if (same_bytes(t, "extended buffer", out, len, bytes, sizeof(bytes)) != MT_PASS) {
		return MT_FAIL;
	}
	err = rpc_ext_decode(t->mem, bytes, sizeof(bytes), &rpc_ext_limits_rop, &chain);
	MT_EXPECT(t, err == WIRE_OK, "decode: %s", wire_strerror(err));
	if (same_bytes(t, "revealed payload", chain->buffers[0].payload, chain->buffers[0].length,
		       payload, sizeof(payload)) != MT_PASS) {
		return MT_FAIL;
	}
	return MT_PASS;
}

static const struct mt_test_def tests[] = {
	{ "rop_logon_request", "MS-OXCROPS 2.2.3.1.1",
	  "RopLogon request: LogonFlags, OpenFlags, StoreState, EssdnSize then the NUL-terminated Essdn",
	  t_rop_logon_request },
	{ "rop_open_folder_request", "MS-OXCROPS 2.2.4.1.1",
	  "RopOpenFolder request: both handle indexes, 8-byte FolderId, OpenModeFlags",
	  t_rop_open_folder_request },
	{ "get_props_specific_flagged_row", "MS-OXCROPS 2.2.8.3.2, MS-OXCDATA 2.8.1.2",
	  "a flagged PropertyRow prefixes each value with its Flag; 0x0A carries an error code",
	  t_get_props_flagged_row },
	{ "error_response_form", "MS-OXCROPS 2.2.3.1.2",
	  "a failed ROP answers RopId, handle index and ReturnValue only",
	  t_error_response_form },
	{ "property_restriction", "MS-OXCDATA 2.12.5",
	  "PropertyRestriction is RestrictType 0x04, RelOp, PropTag, TaggedValue",
	  t_property_restriction },
	{ "unicode_string_value", "MS-OXCDATA 2.11.1",
	  "PtypString values are UTF-16LE ending with a 2-byte NUL",
	  t_unicode_string_value },
	{ "rop_buffer_framing", "MS-OXCROPS 2.2.1",
	  "RopSize counts itself and the RopsList; 4-byte Server object handles follow",
	  t_rop_buffer_framing },
	{ "rpc_header_ext", "MS-OXCRPC 2.2.2.1",
	  "RPC_HEADER_EXT: Version 0, Flags (Last on the last buffer), Size, SizeActual",
	  t_rpc_header_ext },
	{ "xor_obfuscation", "MS-OXCRPC 3.1.4.1.1.3",
	  "XorMagic: every payload byte XORed with 0xA5, flag 0x0002 set",
	  t_xor_obfuscation },
};

const struct mt_family mt_family_noserver = {
	"NOSERVER", "ROP, property and extended-buffer encodings, offline", false,
	tests, MT_COUNT(tests),
};
