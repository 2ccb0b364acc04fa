/*
 * Unit tests of libmapi/auxbuf.c: the AUX_HEADER blocks of MS-OXCRPC
 * 2.2.2.2, built byte by byte from the spec's field tables, parsed,
 * re-encoded, and mangled.
 *
 * Copyright (C) OpenChange developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "testsuite/unit/byte_builder.h"

#include "libmapi/auxbuf.h"
#include "libmapi/rpc_ext.h"

static void put_aux_header(struct bytes *b, uint16_t size, uint8_t version, uint8_t type)
{
	put16(b, size);
	put8(b, version);
	put8(b, type);
}

static void patch16(struct bytes *b, size_t at, uint16_t v)
{
	b->buf[at] = (uint8_t)v;
	b->buf[at + 1] = (uint8_t)(v >> 8);
}

static const uint8_t guid_a[16] = {
	0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f, 0x10,
};

/* The block boundaries of build_client_payload(), for the truncation test. */
static size_t client_block_end[8];
static size_t client_block_count;

/*
 * A client's rgbAuxIn payload: blocks of 2.2.2.2.4, 2.2.2.2.3, 2.2.2.2.21,
 * 2.2.2.2.6 (as Version 2), and two blocks nobody knows.
 */
static void build_client_payload(struct bytes *b)
{
	size_t start;

	b->len = 0;
	client_block_count = 0;

	/* AUX_PERF_CLIENTINFO: 28 fixed bytes, then the variable fields in order. */
	start = b->len;
	put_aux_header(b, 72, AUX_VERSION_1, AUX_TYPE_PERF_CLIENTINFO);
	put32(b, 1000000);		/* AdapterSpeed */
	put16(b, 1);			/* ClientID */
	put16(b, 32);			/* MachineNameOffset */
	put16(b, 40);			/* UserNameOffset */
	put16(b, 4);			/* ClientIPSize */
	put16(b, 48);			/* ClientIPOffset */
	put16(b, 4);			/* ClientIPMaskSize */
	put16(b, 52);			/* ClientIPMaskOffset */
	put16(b, 56);			/* AdapterNameOffset */
	put16(b, 6);			/* MacAddressSize */
	put16(b, 66);			/* MacAddressOffset */
	put16(b, CLIENTMODE_CACHED);	/* ClientMode */
	put16(b, 0);			/* Reserved */
	put_utf16_ascii(b, "PC1");
	put_utf16_ascii(b, "bob");
	put_raw(b, (const uint8_t[]){ 192, 168, 1, 10 }, 4);
	put_raw(b, (const uint8_t[]){ 255, 255, 255, 0 }, 4);
	put_utf16_ascii(b, "eth0");
	put_raw(b, (const uint8_t[]){ 0x00, 0x15, 0x5d, 0x01, 0x02, 0x03 }, 6);
	assert_int_equal(b->len - start, 72);
	client_block_end[client_block_count++] = b->len;

	/* AUX_PERF_SESSIONINFO_V2 (Version 2, Type 0x04). */
	put_aux_header(b, 28, AUX_VERSION_2, AUX_TYPE_PERF_SESSIONINFO);
	put16(b, 7);			/* SessionID */
	put16(b, 0);			/* Reserved */
	put_raw(b, guid_a, 16);		/* SessionGuid */
	put32(b, 0x12345678);		/* ConnectionID */
	client_block_end[client_block_count++] = b->len;

	/* An unknown type: skipped, kept as raw (3.1.4.1.2). */
	put_aux_header(b, 10, AUX_VERSION_1, 0x49);
	put_raw(b, "\x01\x02\x03\x04\x05\x06", 6);
	client_block_end[client_block_count++] = b->len;

	/* A known type under an unknown version: also raw. */
	put_aux_header(b, 8, 3, AUX_TYPE_PERF_REQUESTID);
	put32(b, 0xdeadbeef);
	client_block_end[client_block_count++] = b->len;

	/* AUX_CLIENT_CONNECTION_INFO: 28 fixed bytes, then the context string. */
	start = b->len;
	put_aux_header(b, 40, AUX_VERSION_1, AUX_TYPE_CLIENT_CONNECTION_INFO);
	put_raw(b, guid_a, 16);		/* ConnectionGUID */
	put16(b, 32);			/* OffsetConnectionContextInfo */
	put16(b, 0);			/* Reserved */
	put32(b, 3);			/* ConnectionAttempts */
	put32(b, CONNECTION_FLAG_CLIENT_CACHED);
	put_utf16_ascii(b, "ctx");
	assert_int_equal(b->len - start, 40);
	client_block_end[client_block_count++] = b->len;

	/* AUX_PERF_PROCESSINFO under Version 2. */
	start = b->len;
	put_aux_header(b, 52, AUX_VERSION_2, AUX_TYPE_PERF_PROCESSINFO);
	put16(b, 2);			/* ProcessID */
	put16(b, 0);			/* Reserved_1 */
	put_raw(b, guid_a, 16);		/* ProcessGuid */
	put16(b, 28);			/* ProcessNameOffset */
	put16(b, 0);			/* Reserved_2 */
	put_utf16_ascii(b, "OUTLOOK.EXE");
	assert_int_equal(b->len - start, 52);
	client_block_end[client_block_count++] = b->len;
}

static void check_client_blocks(const struct aux_buffer *aux)
{
	const struct aux_perf_clientinfo *ci;
	const struct aux_perf_sessioninfo_v2 *si;
	const struct aux_client_connection_info *cc;
	const struct aux_perf_processinfo *pi;

	assert_int_equal(aux->count, 6);

	assert_int_equal(aux->blocks[0].kind, AUX_BLOCK_PERF_CLIENTINFO);
	ci = &aux->blocks[0].u.perf_clientinfo;
	assert_int_equal(ci->adapter_speed, 1000000);
	assert_int_equal(ci->client_id, 1);
	assert_string_equal(ci->machine_name, "PC1");
	assert_string_equal(ci->user_name, "bob");
	assert_int_equal(ci->client_ip.length, 4);
	assert_memory_equal(ci->client_ip.data, ((const uint8_t[]){ 192, 168, 1, 10 }), 4);
	assert_int_equal(ci->client_ip_mask.length, 4);
	assert_int_equal(ci->client_ip_mask.data[0], 255);
	assert_string_equal(ci->adapter_name, "eth0");
	assert_int_equal(ci->mac_address.length, 6);
	assert_int_equal(ci->mac_address.data[2], 0x5d);
	assert_int_equal(ci->client_mode, CLIENTMODE_CACHED);

	assert_int_equal(aux->blocks[1].kind, AUX_BLOCK_PERF_SESSIONINFO_V2);
	si = &aux->blocks[1].u.perf_sessioninfo_v2;
	assert_int_equal(si->session_id, 7);
	assert_memory_equal(si->session_guid.bytes, guid_a, 16);
	assert_int_equal(si->connection_id, 0x12345678);

	assert_int_equal(aux->blocks[2].kind, AUX_BLOCK_RAW);
	assert_int_equal(aux->blocks[2].type, 0x49);
	assert_int_equal(aux->blocks[2].raw_length, 6);
	assert_memory_equal(aux->blocks[2].raw, "\x01\x02\x03\x04\x05\x06", 6);

	assert_int_equal(aux->blocks[3].kind, AUX_BLOCK_RAW);
	assert_int_equal(aux->blocks[3].version, 3);
	assert_int_equal(aux->blocks[3].raw_length, 4);

	assert_int_equal(aux->blocks[4].kind, AUX_BLOCK_CLIENT_CONNECTION_INFO);
	cc = &aux->blocks[4].u.client_connection_info;
	assert_memory_equal(cc->connection_guid.bytes, guid_a, 16);
	assert_int_equal(cc->connection_attempts, 3);
	assert_int_equal(cc->connection_flags, CONNECTION_FLAG_CLIENT_CACHED);
	assert_string_equal(cc->connection_context_info, "ctx");

	assert_int_equal(aux->blocks[5].kind, AUX_BLOCK_PERF_PROCESSINFO);
	assert_int_equal(aux->blocks[5].version, AUX_VERSION_2);
	pi = &aux->blocks[5].u.perf_processinfo;
	assert_int_equal(pi->process_id, 2);
	assert_string_equal(pi->process_name, "OUTLOOK.EXE");
}

static void test_client_blocks(void **state)
{
	TALLOC_CTX *mem_ctx = talloc_new(NULL);
	struct bytes payload;
	struct aux_buffer *aux = NULL;
	uint8_t *again = NULL;
	size_t again_len = 0;

	build_client_payload(&payload);
	assert_int_equal(auxbuf_pull(mem_ctx, payload.buf, payload.len, &aux), WIRE_OK);
	check_client_blocks(aux);
	assert_string_equal(aux_block_kind_name(aux->blocks[0].kind), "AUX_PERF_CLIENTINFO");

	/* Re-encoding gives the same bytes, unknown blocks included. */
	assert_int_equal(auxbuf_push(mem_ctx, aux->blocks, aux->count, &again, &again_len), WIRE_OK);
	assert_int_equal(again_len, payload.len);
	assert_memory_equal(again, payload.buf, payload.len);
	talloc_free(mem_ctx);
}

/* rgbAuxIn as received: RPC_HEADER_EXT with Last, optionally compressed and obfuscated. */
static void test_decode_auxin(void **state)
{
	TALLOC_CTX *mem_ctx = talloc_new(NULL);
	struct bytes payload;
	uint8_t wire[4096];
	unsigned options;
	struct aux_buffer *aux = NULL;

	build_client_payload(&payload);
	for (options = 0; options <= (RPC_EXT_COMPRESS | RPC_EXT_XOR); options++) {
		size_t used = 0;

		assert_int_equal(rpc_ext_push(wire, sizeof(wire), &used, payload.buf, payload.len, options, true),
				 WIRE_OK);
		assert_int_equal(auxbuf_decode_auxin(mem_ctx, wire, used, &aux), WIRE_OK);
		check_client_blocks(aux);
		talloc_free(aux);
	}
	/* cbAuxIn = 0: no auxiliary data. */
	assert_int_equal(auxbuf_decode_auxin(mem_ctx, NULL, 0, &aux), WIRE_OK);
	assert_int_equal(aux->count, 0);
	/* Without Last the one RPC_HEADER_EXT of rgbAuxIn is invalid (3.1.4.1.1.1.1). */
	{
		size_t used = 0;

		assert_int_equal(rpc_ext_push(wire, sizeof(wire), &used, payload.buf, payload.len, 0, false),
				 WIRE_OK);
		assert_int_equal(auxbuf_decode_auxin(mem_ctx, wire, used, &aux), WIRE_ERR_NO_LAST);
	}
	talloc_free(mem_ctx);
}

/*
 * What a server returns in rgbAuxOut of EcDoConnectEx (3.1.4.1.2.1), built
 * with the library and compared with bytes written from the spec's tables.
 */
static void test_server_auxout(void **state)
{
	TALLOC_CTX *mem_ctx = talloc_new(NULL);
	struct aux_block blocks[6];
	struct bytes expect = { .len = 0 };
	struct rpc_ext_chain *chain = NULL;
	struct aux_buffer *aux = NULL;
	uint8_t *out = NULL;
	size_t out_len = 0, i;

	aux_block_init(&blocks[0], AUX_VERSION_1, AUX_TYPE_CLIENT_CONTROL);
	blocks[0].u.client_control.enable_flags = ENABLE_PERF_SENDTOSERVER | ENABLE_COMPRESSION;
	blocks[0].u.client_control.expiry_time = 86400000;
	aux_block_init(&blocks[1], AUX_VERSION_1, AUX_TYPE_OSVERSIONINFO);
	blocks[1].u.osversioninfo.os_version_info_size = AUX_OSVERSIONINFO_SIZE;
	blocks[1].u.osversioninfo.major_version = 10;
	blocks[1].u.osversioninfo.minor_version = 0;
	blocks[1].u.osversioninfo.build_number = 17763;
	blocks[1].u.osversioninfo.service_pack_major = 1;
	aux_block_init(&blocks[2], AUX_VERSION_1, AUX_TYPE_EXORGINFO);
	blocks[2].u.exorginfo.org_flags = PUBLIC_FOLDERS_ENABLED;
	aux_block_init(&blocks[3], AUX_VERSION_1, AUX_TYPE_SERVER_CAPABILITIES);
	blocks[3].u.server_capabilities.server_capability_flags =
		PACKED_FAST_TRANSFER_UPLOAD_BUFFERS | PACKED_WRITE_STREAM_UPLOAD_BUFFERS;
	aux_block_init(&blocks[4], AUX_VERSION_1, AUX_TYPE_ENDPOINT_CAPABILITIES);
	blocks[4].u.endpoint_capabilities.endpoint_capability_flag = ENDPOINT_CAPABILITIES_SINGLE_ENDPOINT;
	aux_block_init(&blocks[5], AUX_VERSION_1, AUX_TYPE_SERVER_SESSION_INFO);
	blocks[5].u.server_session_info.server_session_context_info = "srv";
	for (i = 0; i < 6; i++) {
		assert_int_not_equal(blocks[i].kind, AUX_BLOCK_RAW);
	}

	/* RPC_HEADER_EXT: Version 0, Last, Size = SizeActual = 4 blocks... */
	put16(&expect, 0);
	put16(&expect, RHE_FLAG_LAST);
	put16(&expect, 0);	/* patched */
	put16(&expect, 0);	/* patched */
	put_aux_header(&expect, 12, 1, 0x0A);
	put32(&expect, 0x00000005);
	put32(&expect, 86400000);
	put_aux_header(&expect, 160, 1, 0x16);
	put32(&expect, 156);
	put32(&expect, 10);
	put32(&expect, 0);
	put32(&expect, 17763);
	for (i = 0; i < 132; i++) {
		put8(&expect, 0);
	}
	put16(&expect, 1);
	put16(&expect, 0);
	put32(&expect, 0);
	put_aux_header(&expect, 8, 1, 0x17);
	put32(&expect, 0x00000001);
	put_aux_header(&expect, 8, 1, 0x46);
	put32(&expect, 0x00000003);
	put_aux_header(&expect, 8, 1, 0x48);
	put32(&expect, 0x00000001);
	put_aux_header(&expect, 14, 1, 0x4B);
	put16(&expect, 6);	/* OffsetServerSessionContextInfo: right after itself */
	put_utf16_ascii(&expect, "srv");
	patch16(&expect, 4, (uint16_t)(expect.len - 8));
	patch16(&expect, 6, (uint16_t)(expect.len - 8));

	assert_int_equal(auxbuf_encode_auxout(mem_ctx, blocks, 6, 0, &out, &out_len), WIRE_OK);
	assert_int_equal(out_len, expect.len);
	assert_memory_equal(out, expect.buf, expect.len);

	/* The client's view of it, compressed and obfuscated this time. */
	assert_int_equal(auxbuf_encode_auxout(mem_ctx, blocks, 6, RPC_EXT_COMPRESS | RPC_EXT_XOR, &out, &out_len),
			 WIRE_OK);
	assert_true(out_len < expect.len);
	assert_int_equal(rpc_ext_decode(mem_ctx, out, out_len, &rpc_ext_limits_auxout, &chain), WIRE_OK);
	assert_int_equal(chain->buffers[0].header.flags, RHE_FLAG_LAST | RHE_FLAG_COMPRESSED | RHE_FLAG_XORMAGIC);
	assert_int_equal(auxbuf_pull(mem_ctx, chain->buffers[0].payload, chain->buffers[0].length, &aux), WIRE_OK);
	assert_int_equal(aux->count, 6);
	assert_int_equal(aux->blocks[0].u.client_control.expiry_time, 86400000);
	assert_int_equal(aux->blocks[1].u.osversioninfo.build_number, 17763);
	assert_int_equal(aux->blocks[1].u.osversioninfo.service_pack_major, 1);
	assert_int_equal(aux->blocks[2].u.exorginfo.org_flags, PUBLIC_FOLDERS_ENABLED);
	assert_int_equal(aux->blocks[3].u.server_capabilities.server_capability_flags, 3);
	assert_int_equal(aux->blocks[4].u.endpoint_capabilities.endpoint_capability_flag, 1);
	assert_string_equal(aux->blocks[5].u.server_session_info.server_session_context_info, "srv");
	talloc_free(mem_ctx);
}

/* rgbAuxOut cannot exceed pcbAuxOut's 0x1008 bytes (SMALL_RANGE_ULONG). */
static void test_auxout_too_large(void **state)
{
	TALLOC_CTX *mem_ctx = talloc_new(NULL);
	struct aux_block block;
	char *big = talloc_array(mem_ctx, char, 3000);
	uint8_t *out = NULL;
	size_t out_len = 0;

	memset(big, 'x', 2999);
	big[2999] = '\0';
	aux_block_init(&block, AUX_VERSION_1, AUX_TYPE_SERVER_SESSION_INFO);
	block.u.server_session_info.server_session_context_info = big;
	assert_int_equal(auxbuf_encode_auxout(mem_ctx, &block, 1, 0, &out, &out_len), WIRE_ERR_TOO_LARGE);
	/* Compression does not lift a limit that applies to the uncompressed payload. */
	assert_int_equal(auxbuf_encode_auxout(mem_ctx, &block, 1, RPC_EXT_COMPRESS, &out, &out_len),
			 WIRE_ERR_TOO_LARGE);
	big[1000] = '\0';
	assert_int_equal(auxbuf_encode_auxout(mem_ctx, &block, 1, 0, &out, &out_len), WIRE_OK);
	assert_int_equal(out_len, 8 + 4 + 2 + 2002);
	talloc_free(mem_ctx);
}

/* The fixed size of every structure of 2.2.2.2.x, from the spec's field tables. */
static const struct {
	uint8_t version;
	uint8_t type;
	enum aux_block_kind kind;
	size_t fixed;
	int has_variable;
} spec_sizes[] = {
	{ 1, 0x01, AUX_BLOCK_PERF_REQUESTID, 4, 0 },
	{ 1, 0x02, AUX_BLOCK_PERF_CLIENTINFO, 28, 1 },
	{ 1, 0x03, AUX_BLOCK_PERF_SERVERINFO, 8, 1 },
	{ 1, 0x04, AUX_BLOCK_PERF_SESSIONINFO, 20, 0 },
	{ 1, 0x05, AUX_BLOCK_PERF_DEFMDB_SUCCESS, 12, 0 },
	{ 1, 0x06, AUX_BLOCK_PERF_DEFGC_SUCCESS, 16, 0 },
	{ 1, 0x07, AUX_BLOCK_PERF_MDB_SUCCESS, 16, 0 },
	{ 1, 0x08, AUX_BLOCK_PERF_GC_SUCCESS, 20, 0 },
	{ 1, 0x09, AUX_BLOCK_PERF_FAILURE, 24, 0 },
	{ 1, 0x0A, AUX_BLOCK_CLIENT_CONTROL, 8, 0 },
	{ 1, 0x0B, AUX_BLOCK_PERF_PROCESSINFO, 24, 1 },
	{ 1, 0x0C, AUX_BLOCK_PERF_DEFMDB_SUCCESS, 12, 0 },
	{ 1, 0x0D, AUX_BLOCK_PERF_DEFGC_SUCCESS, 16, 0 },
	{ 1, 0x0E, AUX_BLOCK_PERF_MDB_SUCCESS, 16, 0 },
	{ 1, 0x0F, AUX_BLOCK_PERF_GC_SUCCESS, 20, 0 },
	{ 1, 0x10, AUX_BLOCK_PERF_FAILURE, 24, 0 },
	{ 1, 0x11, AUX_BLOCK_PERF_DEFMDB_SUCCESS, 12, 0 },
	{ 1, 0x12, AUX_BLOCK_PERF_DEFGC_SUCCESS, 16, 0 },
	{ 1, 0x13, AUX_BLOCK_PERF_MDB_SUCCESS, 16, 0 },
	{ 1, 0x14, AUX_BLOCK_PERF_GC_SUCCESS, 20, 0 },
	{ 1, 0x15, AUX_BLOCK_PERF_FAILURE, 24, 0 },
	{ 1, 0x16, AUX_BLOCK_OSVERSIONINFO, 156, 0 },
	{ 1, 0x17, AUX_BLOCK_EXORGINFO, 4, 0 },
	{ 1, 0x18, AUX_BLOCK_PERF_ACCOUNTINFO, 20, 0 },
	{ 1, 0x46, AUX_BLOCK_SERVER_CAPABILITIES, 4, 0 },
	{ 1, 0x48, AUX_BLOCK_ENDPOINT_CAPABILITIES, 4, 0 },
	{ 1, 0x4A, AUX_BLOCK_CLIENT_CONNECTION_INFO, 28, 1 },
	{ 1, 0x4B, AUX_BLOCK_SERVER_SESSION_INFO, 2, 1 },
	{ 1, 0x4E, AUX_BLOCK_PROTOCOL_DEVICE_IDENTIFICATION, 10, 1 },
	{ 2, 0x04, AUX_BLOCK_PERF_SESSIONINFO_V2, 24, 0 },
	{ 2, 0x07, AUX_BLOCK_PERF_MDB_SUCCESS_V2, 20, 0 },
	{ 2, 0x08, AUX_BLOCK_PERF_GC_SUCCESS_V2, 20, 0 },
	{ 2, 0x09, AUX_BLOCK_PERF_FAILURE_V2, 28, 0 },
	{ 2, 0x0B, AUX_BLOCK_PERF_PROCESSINFO, 24, 1 },
	{ 2, 0x0E, AUX_BLOCK_PERF_MDB_SUCCESS_V2, 20, 0 },
	{ 2, 0x0F, AUX_BLOCK_PERF_GC_SUCCESS_V2, 20, 0 },
	{ 2, 0x10, AUX_BLOCK_PERF_FAILURE_V2, 28, 0 },
	{ 2, 0x13, AUX_BLOCK_PERF_MDB_SUCCESS_V2, 20, 0 },
	{ 2, 0x14, AUX_BLOCK_PERF_GC_SUCCESS_V2, 20, 0 },
	{ 2, 0x15, AUX_BLOCK_PERF_FAILURE_V2, 28, 0 },
};

/*
 * Every Version/Type of 2.2.2.2: exactly its fixed size parses, one byte
 * less is truncated; fixed-only blocks with arbitrary contents re-encode to
 * the same bytes.
 */
static void test_every_structure(void **state)
{
	TALLOC_CTX *mem_ctx = talloc_new(NULL);
	size_t i, known = 0;
	unsigned v, t;

	for (i = 0; i < sizeof(spec_sizes) / sizeof(spec_sizes[0]); i++) {
		struct bytes b = { .len = 0 };
		struct aux_buffer *aux = NULL;
		uint8_t *again = NULL;
		size_t again_len = 0, j;

		assert_int_equal(aux_block_kind_of(spec_sizes[i].version, spec_sizes[i].type), spec_sizes[i].kind);
		put_aux_header(&b, (uint16_t)(4 + spec_sizes[i].fixed), spec_sizes[i].version, spec_sizes[i].type);
		for (j = 0; j < spec_sizes[i].fixed; j++) {
			/* Zeros where offsets live, a pattern elsewhere. */
			put8(&b, spec_sizes[i].has_variable ? 0 : (uint8_t)(0x11 * (j + 1) + i));
		}
		assert_int_equal(auxbuf_pull(mem_ctx, b.buf, b.len, &aux), WIRE_OK);
		assert_int_equal(aux->count, 1);
		assert_int_equal(aux->blocks[0].kind, spec_sizes[i].kind);
		assert_int_equal(auxbuf_push(mem_ctx, aux->blocks, 1, &again, &again_len), WIRE_OK);
		assert_int_equal(again_len, b.len);
		assert_memory_equal(again, b.buf, b.len);

		patch16(&b, 0, (uint16_t)(3 + spec_sizes[i].fixed));
		assert_int_equal(auxbuf_pull(mem_ctx, b.buf, b.len - 1, &aux), WIRE_ERR_TRUNCATED);
	}
	/* Nothing else is known: 40 Version/Type pairs in all. */
	for (v = 0; v < 4; v++) {
		for (t = 0; t < 256; t++) {
			known += aux_block_kind_of((uint8_t)v, (uint8_t)t) != AUX_BLOCK_RAW;
		}
	}
	assert_int_equal(known, sizeof(spec_sizes) / sizeof(spec_sizes[0]));
	talloc_free(mem_ctx);
}

/* Field positions of a Version 2 failure block (2.2.2.2.14), byte by byte. */
static void test_failure_v2_fields(void **state)
{
	TALLOC_CTX *mem_ctx = talloc_new(NULL);
	struct bytes b = { .len = 0 };
	struct aux_buffer *aux = NULL;
	const struct aux_perf_failure_v2 *f;

	put_aux_header(&b, 32, AUX_VERSION_2, AUX_TYPE_PERF_BG_FAILURE);
	put16(&b, 0x0101);	/* ProcessID */
	put16(&b, 0x0202);	/* ClientID */
	put16(&b, 0x0303);	/* ServerID */
	put16(&b, 0x0404);	/* SessionID */
	put16(&b, 0x0505);	/* RequestID */
	put16(&b, 0x0606);	/* Reserved_1 */
	put32(&b, 1000);	/* TimeSinceRequest */
	put32(&b, 2000);	/* TimeToFailRequest */
	put32(&b, 0x80040111);	/* ResultCode */
	put8(&b, 0x22);		/* RequestOperation */
	put_raw(&b, "\x07\x08\x09", 3);	/* Reserved_2 */
	assert_int_equal(auxbuf_pull(mem_ctx, b.buf, b.len, &aux), WIRE_OK);
	assert_int_equal(aux->blocks[0].kind, AUX_BLOCK_PERF_FAILURE_V2);
	f = &aux->blocks[0].u.perf_failure_v2;
	assert_int_equal(f->process_id, 0x0101);
	assert_int_equal(f->client_id, 0x0202);
	assert_int_equal(f->server_id, 0x0303);
	assert_int_equal(f->session_id, 0x0404);
	assert_int_equal(f->request_id, 0x0505);
	assert_int_equal(f->reserved_1, 0x0606);
	assert_int_equal(f->time_since_request, 1000);
	assert_int_equal(f->time_to_fail_request, 2000);
	assert_int_equal(f->result_code, 0x80040111);
	assert_int_equal(f->request_operation, 0x22);
	assert_memory_equal(f->reserved_2, "\x07\x08\x09", 3);
	talloc_free(mem_ctx);
}

/* UTF-16 both ways: surrogate pairs, lone surrogates, invalid UTF-8. */
static void test_unicode(void **state)
{
	TALLOC_CTX *mem_ctx = talloc_new(NULL);
	struct bytes b = { .len = 0 };
	struct aux_buffer *aux = NULL;
	struct aux_block block;
	uint8_t *out = NULL;
	size_t out_len = 0;

	put_aux_header(&b, 18, AUX_VERSION_1, AUX_TYPE_SERVER_SESSION_INFO);
	put16(&b, 6);
	put16(&b, 0x00e9);		/* é */
	put16(&b, 0xd83d);		/* U+1F600 as a surrogate pair */
	put16(&b, 0xde00);
	put16(&b, 0xdc00);		/* a lone low surrogate */
	put16(&b, 0x0000);
	assert_int_equal(b.len, 16);
	b.len = 18;	/* two bytes of slack inside the block are allowed */
	assert_int_equal(auxbuf_pull(mem_ctx, b.buf, b.len, &aux), WIRE_OK);
	assert_string_equal(aux->blocks[0].u.server_session_info.server_session_context_info,
			    "\xc3\xa9\xf0\x9f\x98\x80\xef\xbf\xbd");

	aux_block_init(&block, AUX_VERSION_1, AUX_TYPE_SERVER_SESSION_INFO);
	block.u.server_session_info.server_session_context_info = "\xc3\xa9\xf0\x9f\x98\x80";
	assert_int_equal(auxbuf_push(mem_ctx, &block, 1, &out, &out_len), WIRE_OK);
	assert_int_equal(out_len, 14);
	assert_memory_equal(out + 4, "\x06\x00\xe9\x00\x3d\xd8\x00\xde\x00\x00", 10);

	block.u.server_session_info.server_session_context_info = "\xc0\xaf";	/* overlong '/' */
	assert_int_equal(auxbuf_push(mem_ctx, &block, 1, &out, &out_len), WIRE_ERR_BAD_STRING);
	block.u.server_session_info.server_session_context_info = "\xed\xa0\x80";	/* encoded surrogate */
	assert_int_equal(auxbuf_push(mem_ctx, &block, 1, &out, &out_len), WIRE_ERR_BAD_STRING);
	block.u.server_session_info.server_session_context_info = "abc\xe2\x82";	/* cut short */
	assert_int_equal(auxbuf_push(mem_ctx, &block, 1, &out, &out_len), WIRE_ERR_BAD_STRING);
	talloc_free(mem_ctx);
}

static void assert_pull_fails(const struct bytes *b, enum wire_error expected)
{
	TALLOC_CTX *mem_ctx = talloc_new(NULL);
	struct aux_buffer *aux = (void *)1;

	assert_int_equal(auxbuf_pull(mem_ctx, b->buf, b->len, &aux), expected);
	assert_null(aux);
	assert_int_equal(talloc_total_blocks(mem_ctx), 1);
	talloc_free(mem_ctx);
}

static void test_hostile_blocks(void **state)
{
	struct bytes b;

	/* AUX_HEADER Size below its own size: would never advance. */
	b.len = 0;
	put_aux_header(&b, 3, 1, AUX_TYPE_EXORGINFO);
	assert_pull_fails(&b, WIRE_ERR_BAD_SIZE);
	/* Size beyond the payload; a header cut short. */
	b.len = 0;
	put_aux_header(&b, 9, 1, AUX_TYPE_EXORGINFO);
	put32(&b, 1);
	assert_pull_fails(&b, WIRE_ERR_TRUNCATED);
	b.len = 3;
	assert_pull_fails(&b, WIRE_ERR_TRUNCATED);
	/* A known block shorter than its structure. */
	b.len = 0;
	put_aux_header(&b, 7, 1, AUX_TYPE_EXORGINFO);
	put_raw(&b, "\x01\x02\x03", 3);
	assert_pull_fails(&b, WIRE_ERR_TRUNCATED);
	/* String offsets: into the fixed part, past the block, and 0 = absent. */
	b.len = 0;
	put_aux_header(&b, 14, 1, AUX_TYPE_SERVER_SESSION_INFO);
	put16(&b, 4);
	put_utf16_ascii(&b, "abc");
	assert_pull_fails(&b, WIRE_ERR_BAD_OFFSET);
	patch16(&b, 4, 14);
	assert_pull_fails(&b, WIRE_ERR_BAD_OFFSET);
	/* No terminator inside the block (the one after it does not count). */
	b.len = 0;
	put_aux_header(&b, 12, 1, AUX_TYPE_SERVER_SESSION_INFO);
	put16(&b, 6);
	put_utf16_ascii(&b, "abc");
	assert_pull_fails(&b, WIRE_ERR_BAD_STRING);
	/* An odd-sized string area cannot hold its terminator. */
	b.len = 0;
	put_aux_header(&b, 9, 1, AUX_TYPE_SERVER_SESSION_INFO);
	put16(&b, 6);
	put_raw(&b, "a\0\0", 3);
	assert_pull_fails(&b, WIRE_ERR_BAD_STRING);
	/* Byte arrays: past the block, and a size with no offset. */
	b.len = 0;
	put_aux_header(&b, 36, 1, AUX_TYPE_PERF_CLIENTINFO);
	put32(&b, 0);
	put16(&b, 0);
	put16(&b, 0);
	put16(&b, 0);
	put16(&b, 5);	/* ClientIPSize */
	put16(&b, 32);	/* ClientIPOffset: 32 + 5 > 36 */
	put16(&b, 0);
	put16(&b, 0);
	put16(&b, 0);
	put16(&b, 0);
	put16(&b, 0);
	put16(&b, 0);
	put16(&b, 0);
	put32(&b, 0);
	assert_pull_fails(&b, WIRE_ERR_BAD_OFFSET);
	patch16(&b, 16, 0);	/* size 5 at offset 0 */
	assert_pull_fails(&b, WIRE_ERR_BAD_OFFSET);
	patch16(&b, 14, 4);
	patch16(&b, 16, 32);	/* exactly fits */
	{
		TALLOC_CTX *mem_ctx = talloc_new(NULL);
		struct aux_buffer *aux = NULL;

		assert_int_equal(auxbuf_pull(mem_ctx, b.buf, b.len, &aux), WIRE_OK);
		assert_int_equal(aux->blocks[0].u.perf_clientinfo.client_ip.length, 4);
		assert_null(aux->blocks[0].u.perf_clientinfo.machine_name);
		talloc_free(mem_ctx);
	}
}

/* Prefixes of a valid payload parse only when they end on a block boundary. */
static void test_truncation_every_offset(void **state)
{
	TALLOC_CTX *mem_ctx = talloc_new(NULL);
	struct bytes payload;
	size_t cut, i;

	build_client_payload(&payload);
	for (cut = 0; cut <= payload.len; cut++) {
		uint8_t *prefix = malloc(cut ? cut : 1);	/* exact: an overread shows */
		struct aux_buffer *aux = NULL;
		size_t boundary = cut == 0;
		enum wire_error err;

		memcpy(prefix, payload.buf, cut);
		err = auxbuf_pull(mem_ctx, cut ? prefix : NULL, cut, &aux);
		for (i = 0; i < client_block_count; i++) {
			boundary |= client_block_end[i] == cut;
		}
		if (boundary) {
			assert_int_equal(err, WIRE_OK);
			talloc_free(aux);
		} else {
			assert_int_equal(err, WIRE_ERR_TRUNCATED);
		}
		free(prefix);
	}
	talloc_free(mem_ctx);
}

/* Random mutations of a valid payload: errors or blocks, never a crash or a leak. */
static void test_mutations(void **state)
{
	TALLOC_CTX *mem_ctx = talloc_new(NULL);
	struct bytes payload;
	uint64_t rng = 99;
	unsigned round;

	build_client_payload(&payload);
	for (round = 0; round < 20000; round++) {
		uint8_t *copy = malloc(payload.len);
		struct aux_buffer *aux = NULL;

		memcpy(copy, payload.buf, payload.len);
		rng ^= rng << 13;
		rng ^= rng >> 7;
		rng ^= rng << 17;
		copy[(rng >> 8) % payload.len] = (uint8_t)(rng >> 40);
		if (auxbuf_pull(mem_ctx, copy, payload.len, &aux) == WIRE_OK) {
			talloc_free(aux);
		}
		free(copy);
	}
	assert_int_equal(talloc_total_blocks(mem_ctx), 1);
	talloc_free(mem_ctx);
}

static void test_push_misuse(void **state)
{
	TALLOC_CTX *mem_ctx = talloc_new(NULL);
	struct aux_block block;
	uint8_t *out = NULL;
	size_t out_len = 0;

	/* A typed block whose Version/Type select another structure. */
	aux_block_init(&block, AUX_VERSION_1, AUX_TYPE_EXORGINFO);
	block.kind = AUX_BLOCK_CLIENT_CONTROL;
	assert_int_equal(auxbuf_push(mem_ctx, &block, 1, &out, &out_len), WIRE_ERR_INVALID_ARG);
	/* Bytes claimed but not given. */
	aux_block_init(&block, AUX_VERSION_1, AUX_TYPE_PERF_CLIENTINFO);
	block.u.perf_clientinfo.mac_address.length = 6;
	assert_int_equal(auxbuf_push(mem_ctx, &block, 1, &out, &out_len), WIRE_ERR_INVALID_ARG);
	/* A raw block passes through; no blocks give an empty payload. */
	aux_block_init(&block, 9, 9);
	block.raw = (const uint8_t *)"xy";
	block.raw_length = 2;
	assert_int_equal(auxbuf_push(mem_ctx, &block, 1, &out, &out_len), WIRE_OK);
	assert_int_equal(out_len, 6);
	assert_memory_equal(out, "\x06\x00\x09\x09xy", 6);
	assert_int_equal(auxbuf_push(mem_ctx, NULL, 0, &out, &out_len), WIRE_OK);
	assert_int_equal(out_len, 0);
	talloc_free(mem_ctx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_client_blocks),
		cmocka_unit_test(test_decode_auxin),
		cmocka_unit_test(test_server_auxout),
		cmocka_unit_test(test_auxout_too_large),
		cmocka_unit_test(test_every_structure),
		cmocka_unit_test(test_failure_v2_fields),
		cmocka_unit_test(test_unicode),
		cmocka_unit_test(test_hostile_blocks),
		cmocka_unit_test(test_truncation_every_offset),
		cmocka_unit_test(test_mutations),
		cmocka_unit_test(test_push_misuse),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
