/*
 * MS-OXCRPC auxiliary buffers (2.2.2.2 and its 23 block structures).
 *
 * Each block structure is described once, as the list of its wire fields in
 * order (the tables below, each citing its section); one generic reader and
 * one generic writer walk those lists. Variable parts (Unicode strings and
 * byte arrays) are reached through 16-bit offsets "from the beginning of the
 * AUX_HEADER structure" and must lie inside the block, after its fixed part.
 *
 * Copyright (C) OpenChange developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <stdbool.h>
#include <stddef.h>
#include <string.h>
#include "libmapi/utf8.h"
#include "libmapi/auxbuf.h"
#include "libmapi/rpc_ext.h"
#include "libmapi/wire_le.h"

enum field_kind {
	F_U8,
	F_U16,
	F_U32,
	F_GUID,		/* 16 bytes */
	F_BYTES,	/* n bytes kept as they are (reserved padding) */
	F_USTR,		/* 16-bit offset of a null-terminated Unicode string */
	F_BIN,		/* 16-bit size, then 16-bit offset, of a byte array */
};

struct field {
	enum field_kind kind;
	uint16_t member;	/* offsetof() in the C structure */
	uint16_t n;		/* F_BYTES only */
};

#define FU8(s, m) { F_U8, offsetof(s, m), 0 }
#define FU16(s, m) { F_U16, offsetof(s, m), 0 }
#define FU32(s, m) { F_U32, offsetof(s, m), 0 }
#define FGUID(s, m) { F_GUID, offsetof(s, m), 0 }
#define FBYTES(s, m) { F_BYTES, offsetof(s, m), sizeof(((s *)0)->m) }
#define FUSTR(s, m) { F_USTR, offsetof(s, m), 0 }
#define FBIN(s, m) { F_BIN, offsetof(s, m), 0 }

/* 2.2.2.2.1 */
static const struct field f_perf_requestid[] = {
	FU16(struct aux_perf_requestid, session_id),
	FU16(struct aux_perf_requestid, request_id),
};
/* 2.2.2.2.2 */
static const struct field f_perf_sessioninfo[] = {
	FU16(struct aux_perf_sessioninfo, session_id),
	FU16(struct aux_perf_sessioninfo, reserved),
	FGUID(struct aux_perf_sessioninfo, session_guid),
};
/* 2.2.2.2.3 */
static const struct field f_perf_sessioninfo_v2[] = {
	FU16(struct aux_perf_sessioninfo_v2, session_id),
	FU16(struct aux_perf_sessioninfo_v2, reserved),
	FGUID(struct aux_perf_sessioninfo_v2, session_guid),
	FU32(struct aux_perf_sessioninfo_v2, connection_id),
};
/* 2.2.2.2.4: offsets and sizes first, then MachineName ... MacAddress. */
static const struct field f_perf_clientinfo[] = {
	FU32(struct aux_perf_clientinfo, adapter_speed),
	FU16(struct aux_perf_clientinfo, client_id),
	FUSTR(struct aux_perf_clientinfo, machine_name),
	FUSTR(struct aux_perf_clientinfo, user_name),
	FBIN(struct aux_perf_clientinfo, client_ip),
	FBIN(struct aux_perf_clientinfo, client_ip_mask),
	FUSTR(struct aux_perf_clientinfo, adapter_name),
	FBIN(struct aux_perf_clientinfo, mac_address),
	FU16(struct aux_perf_clientinfo, client_mode),
	FU16(struct aux_perf_clientinfo, reserved),
};
/* 2.2.2.2.5 */
static const struct field f_perf_serverinfo[] = {
	FU16(struct aux_perf_serverinfo, server_id),
	FU16(struct aux_perf_serverinfo, server_type),
	FUSTR(struct aux_perf_serverinfo, server_dn),
	FUSTR(struct aux_perf_serverinfo, server_name),
};
/* 2.2.2.2.6 */
static const struct field f_perf_processinfo[] = {
	FU16(struct aux_perf_processinfo, process_id),
	FU16(struct aux_perf_processinfo, reserved_1),
	FGUID(struct aux_perf_processinfo, process_guid),
	FUSTR(struct aux_perf_processinfo, process_name),
	FU16(struct aux_perf_processinfo, reserved_2),
};
/* 2.2.2.2.7 */
static const struct field f_perf_defmdb_success[] = {
	FU32(struct aux_perf_defmdb_success, time_since_request),
	FU32(struct aux_perf_defmdb_success, time_to_complete_request),
	FU16(struct aux_perf_defmdb_success, request_id),
	FU16(struct aux_perf_defmdb_success, reserved),
};
/* 2.2.2.2.8 */
static const struct field f_perf_defgc_success[] = {
	FU16(struct aux_perf_defgc_success, server_id),
	FU16(struct aux_perf_defgc_success, session_id),
	FU32(struct aux_perf_defgc_success, time_since_request),
	FU32(struct aux_perf_defgc_success, time_to_complete_request),
	FU8(struct aux_perf_defgc_success, request_operation),
	FBYTES(struct aux_perf_defgc_success, reserved),
};
/* 2.2.2.2.9 */
static const struct field f_perf_mdb_success[] = {
	FU16(struct aux_perf_mdb_success, client_id),
	FU16(struct aux_perf_mdb_success, server_id),
	FU16(struct aux_perf_mdb_success, session_id),
	FU16(struct aux_perf_mdb_success, request_id),
	FU32(struct aux_perf_mdb_success, time_since_request),
	FU32(struct aux_perf_mdb_success, time_to_complete_request),
};
/* 2.2.2.2.10 */
static const struct field f_perf_mdb_success_v2[] = {
	FU16(struct aux_perf_mdb_success_v2, process_id),
	FU16(struct aux_perf_mdb_success_v2, client_id),
	FU16(struct aux_perf_mdb_success_v2, server_id),
	FU16(struct aux_perf_mdb_success_v2, session_id),
	FU16(struct aux_perf_mdb_success_v2, request_id),
	FU16(struct aux_perf_mdb_success_v2, reserved),
	FU32(struct aux_perf_mdb_success_v2, time_since_request),
	FU32(struct aux_perf_mdb_success_v2, time_to_complete_request),
};
/* 2.2.2.2.11 */
static const struct field f_perf_gc_success[] = {
	FU16(struct aux_perf_gc_success, client_id),
	FU16(struct aux_perf_gc_success, server_id),
	FU16(struct aux_perf_gc_success, session_id),
	FU16(struct aux_perf_gc_success, reserved_1),
	FU32(struct aux_perf_gc_success, time_since_request),
	FU32(struct aux_perf_gc_success, time_to_complete_request),
	FU8(struct aux_perf_gc_success, request_operation),
	FBYTES(struct aux_perf_gc_success, reserved_2),
};
/* 2.2.2.2.12 */
static const struct field f_perf_gc_success_v2[] = {
	FU16(struct aux_perf_gc_success_v2, process_id),
	FU16(struct aux_perf_gc_success_v2, client_id),
	FU16(struct aux_perf_gc_success_v2, server_id),
	FU16(struct aux_perf_gc_success_v2, session_id),
	FU32(struct aux_perf_gc_success_v2, time_since_request),
	FU32(struct aux_perf_gc_success_v2, time_to_complete_request),
	FU8(struct aux_perf_gc_success_v2, request_operation),
	FBYTES(struct aux_perf_gc_success_v2, reserved),
};
/* 2.2.2.2.13 */
static const struct field f_perf_failure[] = {
	FU16(struct aux_perf_failure, client_id),
	FU16(struct aux_perf_failure, server_id),
	FU16(struct aux_perf_failure, session_id),
	FU16(struct aux_perf_failure, request_id),
	FU32(struct aux_perf_failure, time_since_request),
	FU32(struct aux_perf_failure, time_to_fail_request),
	FU32(struct aux_perf_failure, result_code),
	FU8(struct aux_perf_failure, request_operation),
	FBYTES(struct aux_perf_failure, reserved),
};
/* 2.2.2.2.14 */
static const struct field f_perf_failure_v2[] = {
	FU16(struct aux_perf_failure_v2, process_id),
	FU16(struct aux_perf_failure_v2, client_id),
	FU16(struct aux_perf_failure_v2, server_id),
	FU16(struct aux_perf_failure_v2, session_id),
	FU16(struct aux_perf_failure_v2, request_id),
	FU16(struct aux_perf_failure_v2, reserved_1),
	FU32(struct aux_perf_failure_v2, time_since_request),
	FU32(struct aux_perf_failure_v2, time_to_fail_request),
	FU32(struct aux_perf_failure_v2, result_code),
	FU8(struct aux_perf_failure_v2, request_operation),
	FBYTES(struct aux_perf_failure_v2, reserved_2),
};
/* 2.2.2.2.15 */
static const struct field f_client_control[] = {
	FU32(struct aux_client_control, enable_flags),
	FU32(struct aux_client_control, expiry_time),
};
/* 2.2.2.2.16 */
static const struct field f_osversioninfo[] = {
	FU32(struct aux_osversioninfo, os_version_info_size),
	FU32(struct aux_osversioninfo, major_version),
	FU32(struct aux_osversioninfo, minor_version),
	FU32(struct aux_osversioninfo, build_number),
	FBYTES(struct aux_osversioninfo, reserved_1),
	FU16(struct aux_osversioninfo, service_pack_major),
	FU16(struct aux_osversioninfo, service_pack_minor),
	FU32(struct aux_osversioninfo, reserved_2),
};
/* 2.2.2.2.17 */
static const struct field f_exorginfo[] = {
	FU32(struct aux_exorginfo, org_flags),
};
/* 2.2.2.2.18 */
static const struct field f_perf_accountinfo[] = {
	FU16(struct aux_perf_accountinfo, client_id),
	FU16(struct aux_perf_accountinfo, reserved),
	FGUID(struct aux_perf_accountinfo, account),
};
/* 2.2.2.2.19 */
static const struct field f_server_capabilities[] = {
	FU32(struct aux_server_capabilities, server_capability_flags),
};
/* 2.2.2.2.20 */
static const struct field f_endpoint_capabilities[] = {
	FU32(struct aux_endpoint_capabilities, endpoint_capability_flag),
};
/* 2.2.2.2.21 */
static const struct field f_client_connection_info[] = {
	FGUID(struct aux_client_connection_info, connection_guid),
	FUSTR(struct aux_client_connection_info, connection_context_info),
	FU16(struct aux_client_connection_info, reserved),
	FU32(struct aux_client_connection_info, connection_attempts),
	FU32(struct aux_client_connection_info, connection_flags),
};
/* 2.2.2.2.22 */
static const struct field f_server_session_info[] = {
	FUSTR(struct aux_server_session_info, server_session_context_info),
};
/* 2.2.2.2.23 */
static const struct field f_protocol_device_identification[] = {
	FUSTR(struct aux_protocol_device_identification, device_manufacturer),
	FUSTR(struct aux_protocol_device_identification, device_model),
	FUSTR(struct aux_protocol_device_identification, device_serial_number),
	FUSTR(struct aux_protocol_device_identification, device_version),
	FUSTR(struct aux_protocol_device_identification, device_firmware_version),
};

struct layout {
	const char *name;
	const struct field *fields;
	size_t count;
};

#define LAYOUT(name, fields) { name, fields, sizeof(fields) / sizeof(fields[0]) }

static const struct layout layouts[] = {
	[AUX_BLOCK_RAW] = { "raw", NULL, 0 },
	[AUX_BLOCK_PERF_REQUESTID] = LAYOUT("AUX_PERF_REQUESTID", f_perf_requestid),
	[AUX_BLOCK_PERF_SESSIONINFO] = LAYOUT("AUX_PERF_SESSIONINFO", f_perf_sessioninfo),
	[AUX_BLOCK_PERF_SESSIONINFO_V2] = LAYOUT("AUX_PERF_SESSIONINFO_V2", f_perf_sessioninfo_v2),
	[AUX_BLOCK_PERF_CLIENTINFO] = LAYOUT("AUX_PERF_CLIENTINFO", f_perf_clientinfo),
	[AUX_BLOCK_PERF_SERVERINFO] = LAYOUT("AUX_PERF_SERVERINFO", f_perf_serverinfo),
	[AUX_BLOCK_PERF_PROCESSINFO] = LAYOUT("AUX_PERF_PROCESSINFO", f_perf_processinfo),
	[AUX_BLOCK_PERF_DEFMDB_SUCCESS] = LAYOUT("AUX_PERF_DEFMDB_SUCCESS", f_perf_defmdb_success),
	[AUX_BLOCK_PERF_DEFGC_SUCCESS] = LAYOUT("AUX_PERF_DEFGC_SUCCESS", f_perf_defgc_success),
	[AUX_BLOCK_PERF_MDB_SUCCESS] = LAYOUT("AUX_PERF_MDB_SUCCESS", f_perf_mdb_success),
	[AUX_BLOCK_PERF_MDB_SUCCESS_V2] = LAYOUT("AUX_PERF_MDB_SUCCESS_V2", f_perf_mdb_success_v2),
	[AUX_BLOCK_PERF_GC_SUCCESS] = LAYOUT("AUX_PERF_GC_SUCCESS", f_perf_gc_success),
	[AUX_BLOCK_PERF_GC_SUCCESS_V2] = LAYOUT("AUX_PERF_GC_SUCCESS_V2", f_perf_gc_success_v2),
	[AUX_BLOCK_PERF_FAILURE] = LAYOUT("AUX_PERF_FAILURE", f_perf_failure),
	[AUX_BLOCK_PERF_FAILURE_V2] = LAYOUT("AUX_PERF_FAILURE_V2", f_perf_failure_v2),
	[AUX_BLOCK_CLIENT_CONTROL] = LAYOUT("AUX_CLIENT_CONTROL", f_client_control),
	[AUX_BLOCK_OSVERSIONINFO] = LAYOUT("AUX_OSVERSIONINFO", f_osversioninfo),
	[AUX_BLOCK_EXORGINFO] = LAYOUT("AUX_EXORGINFO", f_exorginfo),
	[AUX_BLOCK_PERF_ACCOUNTINFO] = LAYOUT("AUX_PERF_ACCOUNTINFO", f_perf_accountinfo),
	[AUX_BLOCK_SERVER_CAPABILITIES] = LAYOUT("AUX_SERVER_CAPABILITIES", f_server_capabilities),
	[AUX_BLOCK_ENDPOINT_CAPABILITIES] = LAYOUT("AUX_ENDPOINT_CAPABILITIES", f_endpoint_capabilities),
	[AUX_BLOCK_CLIENT_CONNECTION_INFO] = LAYOUT("AUX_CLIENT_CONNECTION_INFO", f_client_connection_info),
	[AUX_BLOCK_SERVER_SESSION_INFO] = LAYOUT("AUX_SERVER_SESSION_INFO", f_server_session_info),
	[AUX_BLOCK_PROTOCOL_DEVICE_IDENTIFICATION] =
		LAYOUT("AUX_PROTOCOL_DEVICE_IDENTIFICATION", f_protocol_device_identification),
};

/*
 * 2.2.2.2: the Version and Type of an AUX_HEADER together select the
 * structure. Version 2 replaces some performance blocks with their _V2
 * form; the background (BG) and foreground (FG) variants reuse the same
 * structures as the plain ones.
 */
static const struct {
	uint8_t version;
	uint8_t type;
	enum aux_block_kind kind;
} aux_types[] = {
	{ AUX_VERSION_1, AUX_TYPE_PERF_REQUESTID, AUX_BLOCK_PERF_REQUESTID },
	{ AUX_VERSION_1, AUX_TYPE_PERF_CLIENTINFO, AUX_BLOCK_PERF_CLIENTINFO },
	{ AUX_VERSION_1, AUX_TYPE_PERF_SERVERINFO, AUX_BLOCK_PERF_SERVERINFO },
	{ AUX_VERSION_1, AUX_TYPE_PERF_SESSIONINFO, AUX_BLOCK_PERF_SESSIONINFO },
	{ AUX_VERSION_1, AUX_TYPE_PERF_DEFMDB_SUCCESS, AUX_BLOCK_PERF_DEFMDB_SUCCESS },
	{ AUX_VERSION_1, AUX_TYPE_PERF_DEFGC_SUCCESS, AUX_BLOCK_PERF_DEFGC_SUCCESS },
	{ AUX_VERSION_1, AUX_TYPE_PERF_MDB_SUCCESS, AUX_BLOCK_PERF_MDB_SUCCESS },
	{ AUX_VERSION_1, AUX_TYPE_PERF_GC_SUCCESS, AUX_BLOCK_PERF_GC_SUCCESS },
	{ AUX_VERSION_1, AUX_TYPE_PERF_FAILURE, AUX_BLOCK_PERF_FAILURE },
	{ AUX_VERSION_1, AUX_TYPE_CLIENT_CONTROL, AUX_BLOCK_CLIENT_CONTROL },
	{ AUX_VERSION_1, AUX_TYPE_PERF_PROCESSINFO, AUX_BLOCK_PERF_PROCESSINFO },
	{ AUX_VERSION_1, AUX_TYPE_PERF_BG_DEFMDB_SUCCESS, AUX_BLOCK_PERF_DEFMDB_SUCCESS },
	{ AUX_VERSION_1, AUX_TYPE_PERF_BG_DEFGC_SUCCESS, AUX_BLOCK_PERF_DEFGC_SUCCESS },
	{ AUX_VERSION_1, AUX_TYPE_PERF_BG_MDB_SUCCESS, AUX_BLOCK_PERF_MDB_SUCCESS },
	{ AUX_VERSION_1, AUX_TYPE_PERF_BG_GC_SUCCESS, AUX_BLOCK_PERF_GC_SUCCESS },
	{ AUX_VERSION_1, AUX_TYPE_PERF_BG_FAILURE, AUX_BLOCK_PERF_FAILURE },
	{ AUX_VERSION_1, AUX_TYPE_PERF_FG_DEFMDB_SUCCESS, AUX_BLOCK_PERF_DEFMDB_SUCCESS },
	{ AUX_VERSION_1, AUX_TYPE_PERF_FG_DEFGC_SUCCESS, AUX_BLOCK_PERF_DEFGC_SUCCESS },
	{ AUX_VERSION_1, AUX_TYPE_PERF_FG_MDB_SUCCESS, AUX_BLOCK_PERF_MDB_SUCCESS },
	{ AUX_VERSION_1, AUX_TYPE_PERF_FG_GC_SUCCESS, AUX_BLOCK_PERF_GC_SUCCESS },
	{ AUX_VERSION_1, AUX_TYPE_PERF_FG_FAILURE, AUX_BLOCK_PERF_FAILURE },
	{ AUX_VERSION_1, AUX_TYPE_OSVERSIONINFO, AUX_BLOCK_OSVERSIONINFO },
	{ AUX_VERSION_1, AUX_TYPE_EXORGINFO, AUX_BLOCK_EXORGINFO },
	{ AUX_VERSION_1, AUX_TYPE_PERF_ACCOUNTINFO, AUX_BLOCK_PERF_ACCOUNTINFO },
	{ AUX_VERSION_1, AUX_TYPE_SERVER_CAPABILITIES, AUX_BLOCK_SERVER_CAPABILITIES },
	{ AUX_VERSION_1, AUX_TYPE_ENDPOINT_CAPABILITIES, AUX_BLOCK_ENDPOINT_CAPABILITIES },
	{ AUX_VERSION_1, AUX_TYPE_CLIENT_CONNECTION_INFO, AUX_BLOCK_CLIENT_CONNECTION_INFO },
	{ AUX_VERSION_1, AUX_TYPE_SERVER_SESSION_INFO, AUX_BLOCK_SERVER_SESSION_INFO },
	{ AUX_VERSION_1, AUX_TYPE_PROTOCOL_DEVICE_IDENTIFICATION, AUX_BLOCK_PROTOCOL_DEVICE_IDENTIFICATION },
	{ AUX_VERSION_2, AUX_TYPE_PERF_SESSIONINFO, AUX_BLOCK_PERF_SESSIONINFO_V2 },
	{ AUX_VERSION_2, AUX_TYPE_PERF_MDB_SUCCESS, AUX_BLOCK_PERF_MDB_SUCCESS_V2 },
	{ AUX_VERSION_2, AUX_TYPE_PERF_GC_SUCCESS, AUX_BLOCK_PERF_GC_SUCCESS_V2 },
	{ AUX_VERSION_2, AUX_TYPE_PERF_FAILURE, AUX_BLOCK_PERF_FAILURE_V2 },
	{ AUX_VERSION_2, AUX_TYPE_PERF_PROCESSINFO, AUX_BLOCK_PERF_PROCESSINFO },
	{ AUX_VERSION_2, AUX_TYPE_PERF_BG_MDB_SUCCESS, AUX_BLOCK_PERF_MDB_SUCCESS_V2 },
	{ AUX_VERSION_2, AUX_TYPE_PERF_BG_GC_SUCCESS, AUX_BLOCK_PERF_GC_SUCCESS_V2 },
	{ AUX_VERSION_2, AUX_TYPE_PERF_BG_FAILURE, AUX_BLOCK_PERF_FAILURE_V2 },
	{ AUX_VERSION_2, AUX_TYPE_PERF_FG_MDB_SUCCESS, AUX_BLOCK_PERF_MDB_SUCCESS_V2 },
	{ AUX_VERSION_2, AUX_TYPE_PERF_FG_GC_SUCCESS, AUX_BLOCK_PERF_GC_SUCCESS_V2 },
	{ AUX_VERSION_2, AUX_TYPE_PERF_FG_FAILURE, AUX_BLOCK_PERF_FAILURE_V2 },
};

enum aux_block_kind aux_block_kind_of(uint8_t version, uint8_t type)
{
	size_t i;

	for (i = 0; i < sizeof(aux_types) / sizeof(aux_types[0]); i++) {
		if (aux_types[i].version == version && aux_types[i].type == type) {
			return aux_types[i].kind;
		}
	}
	return AUX_BLOCK_RAW;
}

const char *aux_block_kind_name(enum aux_block_kind kind)
{
	if ((size_t)kind >= sizeof(layouts) / sizeof(layouts[0])) {
		return "invalid";
	}
	return layouts[kind].name;
}

void aux_block_init(struct aux_block *block, uint8_t version, uint8_t type)
{
	memset(block, 0, sizeof(*block));
	block->version = version;
	block->type = type;
	block->kind = aux_block_kind_of(version, type);
}

static size_t field_wire_size(const struct field *f)
{
	switch (f->kind) {
	case F_U8:
		return 1;
	case F_U16:
	case F_USTR:
		return 2;
	case F_U32:
	case F_BIN:
		return 4;
	case F_GUID:
		return 16;
	case F_BYTES:
		return f->n;
	}
	return 0;
}

static size_t layout_fixed_size(const struct layout *layout)
{
	size_t i, size = 0;

	for (i = 0; i < layout->count; i++) {
		size += field_wire_size(&layout->fields[i]);
	}
	return size;
}

/* UTF-16LE code units to UTF-8; an unpaired surrogate becomes U+FFFD. */
static char *utf16le_to_utf8(TALLOC_CTX *mem_ctx, const uint8_t *src, size_t units)
{
	/* A unit gives at most 3 bytes; a surrogate pair (2 units) gives 4. */
	char *out = talloc_array(mem_ctx, char, units * 3 + 1);
	size_t i = 0, o = 0;

	if (out == NULL) {
		return NULL;
	}
	while (i < units) {
		uint32_t c = wire_load_le16(src + 2 * i++);

		if (c >= 0xD800 && c <= 0xDBFF && i < units) {
			uint32_t low = wire_load_le16(src + 2 * i);

			if (low >= 0xDC00 && low <= 0xDFFF) {
				c = 0x10000 + ((c - 0xD800) << 10) + (low - 0xDC00);
				i++;
			}
		}
		if (c >= 0xD800 && c <= 0xDFFF) {
			c = 0xFFFD;
		}
		if (c < 0x80) {
			out[o++] = (char)c;
		} else if (c < 0x800) {
			out[o++] = (char)(0xC0 | (c >> 6));
			out[o++] = (char)(0x80 | (c & 0x3F));
		} else if (c < 0x10000) {
			out[o++] = (char)(0xE0 | (c >> 12));
			out[o++] = (char)(0x80 | ((c >> 6) & 0x3F));
			out[o++] = (char)(0x80 | (c & 0x3F));
		} else {
			out[o++] = (char)(0xF0 | (c >> 18));
			out[o++] = (char)(0x80 | ((c >> 12) & 0x3F));
			out[o++] = (char)(0x80 | ((c >> 6) & 0x3F));
			out[o++] = (char)(0x80 | (c & 0x3F));
		}
	}
	out[o] = '\0';
	return out;
}

/*
 * A null-terminated Unicode string at offset from the AUX_HEADER. It must
 * start after the fixed part and end, terminator included, inside the block.
 */
static enum wire_error pull_unicode(TALLOC_CTX *mem_ctx, const uint8_t *block, size_t size,
				    size_t fixed_end, uint16_t offset, const char **out)
{
	size_t end;

	if (offset == 0) {
		*out = NULL;
		return WIRE_OK;
	}
	if (offset < fixed_end || offset >= size) {
		return WIRE_ERR_BAD_OFFSET;
	}
	for (end = offset; end + 1 < size; end += 2) {
		if (block[end] == 0 && block[end + 1] == 0) {
			break;
		}
	}
	if (end + 1 >= size) {
		return WIRE_ERR_BAD_STRING;
	}
	*out = utf16le_to_utf8(mem_ctx, block + offset, (end - offset) / 2);
	return *out == NULL ? WIRE_ERR_NO_MEMORY : WIRE_OK;
}

/* A byte array of a given size at offset from the AUX_HEADER, inside the block. */
static enum wire_error pull_bytes(TALLOC_CTX *mem_ctx, const uint8_t *block, size_t size,
				  size_t fixed_end, uint16_t length, uint16_t offset,
				  struct aux_bytes *out)
{
	uint8_t *copy;

	out->data = NULL;
	out->length = 0;
	if (offset == 0) {
		return length == 0 ? WIRE_OK : WIRE_ERR_BAD_OFFSET;
	}
	if (offset < fixed_end || offset > size || length > size - offset) {
		return WIRE_ERR_BAD_OFFSET;
	}
	/* One spare byte: an empty array at a real offset still gets a pointer. */
	copy = talloc_size(mem_ctx, (size_t)length + 1);
	if (copy == NULL) {
		return WIRE_ERR_NO_MEMORY;
	}
	memcpy(copy, block + offset, length);
	out->data = copy;
	out->length = length;
	return WIRE_OK;
}

/* Fill block->u from the wire bytes of one block (AUX_HEADER included, size bytes). */
static enum wire_error pull_structure(TALLOC_CTX *mem_ctx, const uint8_t *wire, size_t size,
				      struct aux_block *block)
{
	const struct layout *layout = &layouts[block->kind];
	size_t fixed_end = AUX_HEADER_SIZE + layout_fixed_size(layout);
	uint8_t *base = (uint8_t *)&block->u;
	const uint8_t *p = wire + AUX_HEADER_SIZE;
	size_t i;

	if (fixed_end > size) {
		return WIRE_ERR_TRUNCATED;
	}
	for (i = 0; i < layout->count; i++) {
		const struct field *f = &layout->fields[i];
		void *member = base + f->member;
		enum wire_error err = WIRE_OK;
		uint16_t u16;
		uint32_t u32;

		switch (f->kind) {
		case F_U8:
			*(uint8_t *)member = *p;
			break;
		case F_U16:
			u16 = wire_load_le16(p);
			memcpy(member, &u16, sizeof(u16));
			break;
		case F_U32:
			u32 = wire_load_le32(p);
			memcpy(member, &u32, sizeof(u32));
			break;
		case F_GUID:
		case F_BYTES:
			memcpy(member, p, field_wire_size(f));
			break;
		case F_USTR:
			err = pull_unicode(mem_ctx, wire, size, fixed_end, wire_load_le16(p),
					   (const char **)member);
			break;
		case F_BIN:
			err = pull_bytes(mem_ctx, wire, size, fixed_end, wire_load_le16(p),
					 wire_load_le16(p + 2), (struct aux_bytes *)member);
			break;
		}
		if (err != WIRE_OK) {
			return err;
		}
		p += field_wire_size(f);
	}
	return WIRE_OK;
}

/*
 * 2.2.2.2 / 3.1.4.1.2: the payload is a sequence of AUX_HEADER + block, each
 * AUX_HEADER's Size covering itself and its block, which is how unknown
 * blocks can be skipped.
 */
enum wire_error auxbuf_pull(TALLOC_CTX *mem_ctx, const uint8_t *payload, size_t len,
			    struct aux_buffer **auxp)
{
	struct aux_buffer *aux;
	size_t pos = 0, allocated = 0;
	enum wire_error err = WIRE_OK;

	if ((payload == NULL && len != 0) || auxp == NULL) {
		return WIRE_ERR_INVALID_ARG;
	}
	*auxp = NULL;
	aux = talloc_zero(mem_ctx, struct aux_buffer);
	if (aux == NULL) {
		return WIRE_ERR_NO_MEMORY;
	}

	while (pos < len) {
		const uint8_t *wire = payload + pos;
		struct aux_block *block;
		uint16_t size;
		uint8_t *raw;

		if (len - pos < AUX_HEADER_SIZE) {
			err = WIRE_ERR_TRUNCATED;
			goto fail;
		}
		size = wire_load_le16(wire);
		if (size < AUX_HEADER_SIZE) {
			/* Size includes the header: anything smaller would never advance. */
			err = WIRE_ERR_BAD_SIZE;
			goto fail;
		}
		if (size > len - pos) {
			err = WIRE_ERR_TRUNCATED;
			goto fail;
		}

		if (aux->count == allocated) {
			struct aux_block *blocks;

			allocated = allocated == 0 ? 8 : allocated * 2;
			blocks = talloc_realloc(aux, aux->blocks, struct aux_block, allocated);
			if (blocks == NULL) {
				err = WIRE_ERR_NO_MEMORY;
				goto fail;
			}
			aux->blocks = blocks;
		}
		block = &aux->blocks[aux->count];
		aux_block_init(block, wire[2], wire[3]);
		/* One spare byte so that an empty block still has a pointer. */
		raw = talloc_size(aux, (size_t)size - AUX_HEADER_SIZE + 1);
		if (raw == NULL) {
			err = WIRE_ERR_NO_MEMORY;
			goto fail;
		}
		memcpy(raw, wire + AUX_HEADER_SIZE, size - AUX_HEADER_SIZE);
		block->raw = raw;
		block->raw_length = (uint16_t)(size - AUX_HEADER_SIZE);
		if (block->kind != AUX_BLOCK_RAW) {
			err = pull_structure(aux, wire, size, block);
			if (err != WIRE_OK) {
				goto fail;
			}
		}
		aux->count++;
		pos += size;
	}
	*auxp = aux;
	return WIRE_OK;

fail:
	talloc_free(aux);
	return err;
}

enum wire_error auxbuf_decode_auxin(TALLOC_CTX *mem_ctx, const uint8_t *rgb_aux_in, size_t cb_aux_in,
				    struct aux_buffer **auxp)
{
	struct rpc_ext_chain *chain = NULL;
	enum wire_error err;

	if (auxp == NULL) {
		return WIRE_ERR_INVALID_ARG;
	}
	*auxp = NULL;
	if (cb_aux_in == 0) {
		/* No auxiliary data at all: no RPC_HEADER_EXT either. */
		return auxbuf_pull(mem_ctx, NULL, 0, auxp);
	}
	err = rpc_ext_decode(mem_ctx, rgb_aux_in, cb_aux_in, &rpc_ext_limits_auxin, &chain);
	if (err != WIRE_OK) {
		return err;
	}
	err = auxbuf_pull(mem_ctx, chain->buffers[0].payload, chain->buffers[0].length, auxp);
	talloc_free(chain);
	return err;
}

/* A growing output buffer. */
struct aux_writer {
	TALLOC_CTX *mem_ctx;
	uint8_t *buf;
	size_t len;
	size_t cap;
};

static enum wire_error writer_grow(struct aux_writer *w, size_t n, uint8_t **where)
{
	if (w->cap - w->len < n) {
		size_t cap = w->cap == 0 ? 256 : w->cap;
		uint8_t *buf;

		while (cap - w->len < n) {
			cap *= 2;
		}
		buf = talloc_realloc(w->mem_ctx, w->buf, uint8_t, cap);
		if (buf == NULL) {
			return WIRE_ERR_NO_MEMORY;
		}
		w->buf = buf;
		w->cap = cap;
	}
	*where = w->buf + w->len;
	w->len += n;
	return WIRE_OK;
}


/* Append str as null-terminated UTF-16LE. */
static enum wire_error push_unicode(struct aux_writer *w, const char *str)
{
	const unsigned char *s = (const unsigned char *)str;
	uint8_t *out;
	enum wire_error err;

	while (*s != '\0') {
		uint32_t c;
		size_t n = wire_utf8_decode(s, &c);

		if (n == 0) {
			return WIRE_ERR_BAD_STRING;
		}
		s += n;
		if (c >= 0x10000) {
			err = writer_grow(w, 4, &out);
			if (err != WIRE_OK) {
				return err;
			}
			c -= 0x10000;
			wire_store_le16(out, (uint16_t)(0xD800 | (c >> 10)));
			wire_store_le16(out + 2, (uint16_t)(0xDC00 | (c & 0x3FF)));
		} else {
			err = writer_grow(w, 2, &out);
			if (err != WIRE_OK) {
				return err;
			}
			wire_store_le16(out, (uint16_t)c);
		}
	}
	err = writer_grow(w, 2, &out);
	if (err != WIRE_OK) {
		return err;
	}
	wire_store_le16(out, 0);
	return WIRE_OK;
}

/* The offset of what is appended next, from the AUX_HEADER at start. */
static enum wire_error next_offset(const struct aux_writer *w, size_t start, uint16_t *offset)
{
	if (w->len - start > UINT16_MAX) {
		return WIRE_ERR_TOO_LARGE;
	}
	*offset = (uint16_t)(w->len - start);
	return WIRE_OK;
}

/*
 * Write the fixed part in field order, then the variable parts in the same
 * order, patching their offsets: the layout every 2.2.2.2.x figure shows.
 */
static enum wire_error push_structure(struct aux_writer *w, size_t start, const struct aux_block *block)
{
	const struct layout *layout = &layouts[block->kind];
	const uint8_t *base = (const uint8_t *)&block->u;
	size_t fixed_at = w->len;
	uint8_t *out;
	size_t i, at;
	enum wire_error err;

	err = writer_grow(w, layout_fixed_size(layout), &out);
	if (err != WIRE_OK) {
		return err;
	}
	for (i = 0; i < layout->count; i++) {
		const struct field *f = &layout->fields[i];
		const void *member = base + f->member;
		const struct aux_bytes *bytes = member;
		uint16_t u16;
		uint32_t u32;

		switch (f->kind) {
		case F_U8:
			*out = *(const uint8_t *)member;
			break;
		case F_U16:
			memcpy(&u16, member, sizeof(u16));
			wire_store_le16(out, u16);
			break;
		case F_U32:
			memcpy(&u32, member, sizeof(u32));
			wire_store_le32(out, u32);
			break;
		case F_GUID:
		case F_BYTES:
			memcpy(out, member, field_wire_size(f));
			break;
		case F_USTR:
			wire_store_le16(out, 0);	/* patched below */
			break;
		case F_BIN:
			if (bytes->data == NULL && bytes->length != 0) {
				return WIRE_ERR_INVALID_ARG;
			}
			wire_store_le16(out, bytes->length);
			wire_store_le16(out + 2, 0);	/* patched below */
			break;
		}
		out += field_wire_size(f);
	}

	at = fixed_at;
	for (i = 0; i < layout->count; i++) {
		const struct field *f = &layout->fields[i];
		const void *member = base + f->member;
		uint16_t offset;
		uint8_t *data;

		if (f->kind == F_USTR && *(const char *const *)member != NULL) {
			err = next_offset(w, start, &offset);
			if (err == WIRE_OK) {
				err = push_unicode(w, *(const char *const *)member);
			}
			if (err != WIRE_OK) {
				return err;
			}
			wire_store_le16(w->buf + at, offset);
		} else if (f->kind == F_BIN && ((const struct aux_bytes *)member)->data != NULL) {
			const struct aux_bytes *bytes = member;

			err = next_offset(w, start, &offset);
			if (err == WIRE_OK) {
				err = writer_grow(w, bytes->length, &data);
			}
			if (err != WIRE_OK) {
				return err;
			}
			memcpy(data, bytes->data, bytes->length);
			wire_store_le16(w->buf + at + 2, offset);
		}
		at += field_wire_size(f);
	}
	return WIRE_OK;
}

static enum wire_error push_block(struct aux_writer *w, const struct aux_block *block)
{
	size_t start = w->len;
	uint8_t *header;
	enum wire_error err;

	if ((size_t)block->kind >= sizeof(layouts) / sizeof(layouts[0])) {
		return WIRE_ERR_INVALID_ARG;
	}
	/* A typed block must be the structure its Version/Type select. */
	if (block->kind != AUX_BLOCK_RAW && block->kind != aux_block_kind_of(block->version, block->type)) {
		return WIRE_ERR_INVALID_ARG;
	}
	err = writer_grow(w, AUX_HEADER_SIZE, &header);
	if (err != WIRE_OK) {
		return err;
	}
	if (block->kind == AUX_BLOCK_RAW) {
		uint8_t *data;

		if (block->raw == NULL && block->raw_length != 0) {
			return WIRE_ERR_INVALID_ARG;
		}
		err = writer_grow(w, block->raw_length, &data);
		if (err != WIRE_OK) {
			return err;
		}
		if (block->raw_length != 0) {
			memcpy(data, block->raw, block->raw_length);
		}
	} else {
		err = push_structure(w, start, block);
		if (err != WIRE_OK) {
			return err;
		}
	}
	if (w->len - start > UINT16_MAX) {
		return WIRE_ERR_TOO_LARGE;
	}
	header = w->buf + start;	/* the buffer may have moved */
	wire_store_le16(header, (uint16_t)(w->len - start));
	header[2] = block->version;
	header[3] = block->type;
	return WIRE_OK;
}

enum wire_error auxbuf_push(TALLOC_CTX *mem_ctx, const struct aux_block *blocks, size_t count,
			    uint8_t **payload, size_t *len)
{
	struct aux_writer w = { .mem_ctx = mem_ctx };
	size_t i;

	if ((blocks == NULL && count != 0) || payload == NULL || len == NULL) {
		return WIRE_ERR_INVALID_ARG;
	}
	for (i = 0; i < count; i++) {
		enum wire_error err = push_block(&w, &blocks[i]);

		if (err != WIRE_OK) {
			talloc_free(w.buf);
			return err;
		}
	}
	if (w.buf == NULL) {
		w.buf = talloc_array(mem_ctx, uint8_t, 1);
		if (w.buf == NULL) {
			return WIRE_ERR_NO_MEMORY;
		}
	}
	*payload = w.buf;
	*len = w.len;
	return WIRE_OK;
}

/*
 * rgbAuxOut (3.1.4.1.1.1.2): one RPC_HEADER_EXT with Last, then the blocks
 * of 3.1.4.1.2.1 / 3.1.4.2.2.1, all within pcbAuxOut.
 */
enum wire_error auxbuf_encode_auxout(TALLOC_CTX *mem_ctx, const struct aux_block *blocks, size_t count,
				     unsigned options, uint8_t **out, size_t *out_len)
{
	uint8_t *payload = NULL, *buf;
	size_t len = 0, used = 0;
	enum wire_error err;

	if (out == NULL || out_len == NULL) {
		return WIRE_ERR_INVALID_ARG;
	}
	err = auxbuf_push(mem_ctx, blocks, count, &payload, &len);
	if (err != WIRE_OK) {
		return err;
	}
	if (len > rpc_ext_limits_auxout.max_payload) {
		talloc_free(payload);
		return WIRE_ERR_TOO_LARGE;
	}
	buf = talloc_array(mem_ctx, uint8_t, RPC_HEADER_EXT_SIZE + len);
	if (buf == NULL) {
		talloc_free(payload);
		return WIRE_ERR_NO_MEMORY;
	}
	err = rpc_ext_push(buf, RPC_HEADER_EXT_SIZE + len, &used, len != 0 ? payload : NULL, len,
			   options, true);
	talloc_free(payload);
	if (err != WIRE_OK) {
		talloc_free(buf);
		return err;
	}
	*out = buf;
	*out_len = used;
	return WIRE_OK;
}
