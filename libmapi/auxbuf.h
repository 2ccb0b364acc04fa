/*
 * MS-OXCRPC auxiliary buffers (2.2.2.2): the AUX_HEADER-prefixed blocks in
 * the payload of rgbAuxIn and rgbAuxOut, as typed C structures.
 *
 * Copyright (C) OpenChange developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef LIBMAPI_AUXBUF_H
#define LIBMAPI_AUXBUF_H

#include <stddef.h>
#include <stdint.h>
#include <talloc.h>
#include "libmapi/wire_error.h"

/* AUX_HEADER (2.2.2.2): Size (2 bytes, header included), Version (1), Type (1). */
#define AUX_HEADER_SIZE 4

enum aux_version {
	AUX_VERSION_1 = 0x01,
	AUX_VERSION_2 = 0x02,
};

/* AUX_HEADER Type values (2.2.2.2); with Version they select the block structure. */
enum aux_type {
	AUX_TYPE_PERF_REQUESTID = 0x01,
	AUX_TYPE_PERF_CLIENTINFO = 0x02,
	AUX_TYPE_PERF_SERVERINFO = 0x03,
	AUX_TYPE_PERF_SESSIONINFO = 0x04,
	AUX_TYPE_PERF_DEFMDB_SUCCESS = 0x05,
	AUX_TYPE_PERF_DEFGC_SUCCESS = 0x06,
	AUX_TYPE_PERF_MDB_SUCCESS = 0x07,
	AUX_TYPE_PERF_GC_SUCCESS = 0x08,
	AUX_TYPE_PERF_FAILURE = 0x09,
	AUX_TYPE_CLIENT_CONTROL = 0x0A,
	AUX_TYPE_PERF_PROCESSINFO = 0x0B,
	AUX_TYPE_PERF_BG_DEFMDB_SUCCESS = 0x0C,
	AUX_TYPE_PERF_BG_DEFGC_SUCCESS = 0x0D,
	AUX_TYPE_PERF_BG_MDB_SUCCESS = 0x0E,
	AUX_TYPE_PERF_BG_GC_SUCCESS = 0x0F,
	AUX_TYPE_PERF_BG_FAILURE = 0x10,
	AUX_TYPE_PERF_FG_DEFMDB_SUCCESS = 0x11,
	AUX_TYPE_PERF_FG_DEFGC_SUCCESS = 0x12,
	AUX_TYPE_PERF_FG_MDB_SUCCESS = 0x13,
	AUX_TYPE_PERF_FG_GC_SUCCESS = 0x14,
	AUX_TYPE_PERF_FG_FAILURE = 0x15,
	AUX_TYPE_OSVERSIONINFO = 0x16,
	AUX_TYPE_EXORGINFO = 0x17,
	AUX_TYPE_PERF_ACCOUNTINFO = 0x18,
	AUX_TYPE_SERVER_CAPABILITIES = 0x46,	/* also in Microsoft's EMSMDB test suite enum */
	AUX_TYPE_ENDPOINT_CAPABILITIES = 0x48,
	AUX_TYPE_CLIENT_CONNECTION_INFO = 0x4A,
	AUX_TYPE_SERVER_SESSION_INFO = 0x4B,
	AUX_TYPE_PROTOCOL_DEVICE_IDENTIFICATION = 0x4E,
};

/* Which structure a block holds: one per section 2.2.2.2.x, RAW for the rest. */
enum aux_block_kind {
	AUX_BLOCK_RAW = 0,			/* unknown Version/Type: kept, not interpreted */
	AUX_BLOCK_PERF_REQUESTID,		/* 2.2.2.2.1 */
	AUX_BLOCK_PERF_SESSIONINFO,		/* 2.2.2.2.2 */
	AUX_BLOCK_PERF_SESSIONINFO_V2,		/* 2.2.2.2.3 */
	AUX_BLOCK_PERF_CLIENTINFO,		/* 2.2.2.2.4 */
	AUX_BLOCK_PERF_SERVERINFO,		/* 2.2.2.2.5 */
	AUX_BLOCK_PERF_PROCESSINFO,		/* 2.2.2.2.6 */
	AUX_BLOCK_PERF_DEFMDB_SUCCESS,		/* 2.2.2.2.7 */
	AUX_BLOCK_PERF_DEFGC_SUCCESS,		/* 2.2.2.2.8 */
	AUX_BLOCK_PERF_MDB_SUCCESS,		/* 2.2.2.2.9 */
	AUX_BLOCK_PERF_MDB_SUCCESS_V2,		/* 2.2.2.2.10 */
	AUX_BLOCK_PERF_GC_SUCCESS,		/* 2.2.2.2.11 */
	AUX_BLOCK_PERF_GC_SUCCESS_V2,		/* 2.2.2.2.12 */
	AUX_BLOCK_PERF_FAILURE,			/* 2.2.2.2.13 */
	AUX_BLOCK_PERF_FAILURE_V2,		/* 2.2.2.2.14 */
	AUX_BLOCK_CLIENT_CONTROL,		/* 2.2.2.2.15 */
	AUX_BLOCK_OSVERSIONINFO,		/* 2.2.2.2.16 */
	AUX_BLOCK_EXORGINFO,			/* 2.2.2.2.17 */
	AUX_BLOCK_PERF_ACCOUNTINFO,		/* 2.2.2.2.18 */
	AUX_BLOCK_SERVER_CAPABILITIES,		/* 2.2.2.2.19 */
	AUX_BLOCK_ENDPOINT_CAPABILITIES,	/* 2.2.2.2.20 */
	AUX_BLOCK_CLIENT_CONNECTION_INFO,	/* 2.2.2.2.21 */
	AUX_BLOCK_SERVER_SESSION_INFO,		/* 2.2.2.2.22 */
	AUX_BLOCK_PROTOCOL_DEVICE_IDENTIFICATION, /* 2.2.2.2.23 */
};

/* A GUID as its 16 wire bytes (MS-DTYP 2.3.4.2 layout), left uninterpreted. */
struct aux_guid {
	uint8_t bytes[16];
};

/* A variable-size binary field (ClientIP, MacAddress, ...). */
struct aux_bytes {
	const uint8_t *data;	/* NULL when absent (offset 0) */
	uint16_t length;
};

/*
 * The block structures. Strings are the spec's null-terminated Unicode
 * (UTF-16LE) as UTF-8, NULL when the offset is 0. Reserved fields are kept
 * so that re-encoding a parsed block gives its bytes back.
 */
struct aux_perf_requestid {
	uint16_t session_id;
	uint16_t request_id;
};

struct aux_perf_sessioninfo {
	uint16_t session_id;
	uint16_t reserved;
	struct aux_guid session_guid;
};

struct aux_perf_sessioninfo_v2 {
	uint16_t session_id;
	uint16_t reserved;
	struct aux_guid session_guid;
	uint32_t connection_id;
};

#define CLIENTMODE_UNKNOWN 0x00
#define CLIENTMODE_CLASSIC 0x01
#define CLIENTMODE_CACHED 0x02

struct aux_perf_clientinfo {
	uint32_t adapter_speed;		/* kbit/s */
	uint16_t client_id;
	const char *machine_name;
	const char *user_name;
	struct aux_bytes client_ip;
	struct aux_bytes client_ip_mask;
	const char *adapter_name;
	struct aux_bytes mac_address;
	uint16_t client_mode;
	uint16_t reserved;
};

#define SERVERTYPE_UNKNOWN 0x00
#define SERVERTYPE_PRIVATE 0x01
#define SERVERTYPE_PUBLIC 0x02
#define SERVERTYPE_DIRECTORY 0x03
#define SERVERTYPE_REFERRAL 0x04

struct aux_perf_serverinfo {
	uint16_t server_id;
	uint16_t server_type;
	const char *server_dn;
	const char *server_name;
};

struct aux_perf_processinfo {
	uint16_t process_id;
	uint16_t reserved_1;
	struct aux_guid process_guid;
	const char *process_name;
	uint16_t reserved_2;
};

struct aux_perf_defmdb_success {
	uint32_t time_since_request;
	uint32_t time_to_complete_request;
	uint16_t request_id;
	uint16_t reserved;
};

struct aux_perf_defgc_success {
	uint16_t server_id;
	uint16_t session_id;
	uint32_t time_since_request;
	uint32_t time_to_complete_request;
	uint8_t request_operation;
	uint8_t reserved[3];
};

struct aux_perf_mdb_success {
	uint16_t client_id;
	uint16_t server_id;
	uint16_t session_id;
	uint16_t request_id;
	uint32_t time_since_request;
	uint32_t time_to_complete_request;
};

struct aux_perf_mdb_success_v2 {
	uint16_t process_id;
	uint16_t client_id;
	uint16_t server_id;
	uint16_t session_id;
	uint16_t request_id;
	uint16_t reserved;
	uint32_t time_since_request;
	uint32_t time_to_complete_request;
};

struct aux_perf_gc_success {
	uint16_t client_id;
	uint16_t server_id;
	uint16_t session_id;
	uint16_t reserved_1;
	uint32_t time_since_request;
	uint32_t time_to_complete_request;
	uint8_t request_operation;
	uint8_t reserved_2[3];
};

struct aux_perf_gc_success_v2 {
	uint16_t process_id;
	uint16_t client_id;
	uint16_t server_id;
	uint16_t session_id;
	uint32_t time_since_request;
	uint32_t time_to_complete_request;
	uint8_t request_operation;
	uint8_t reserved[3];
};

struct aux_perf_failure {
	uint16_t client_id;
	uint16_t server_id;
	uint16_t session_id;
	uint16_t request_id;
	uint32_t time_since_request;
	uint32_t time_to_fail_request;
	uint32_t result_code;
	uint8_t request_operation;
	uint8_t reserved[3];
};

struct aux_perf_failure_v2 {
	uint16_t process_id;
	uint16_t client_id;
	uint16_t server_id;
	uint16_t session_id;
	uint16_t request_id;
	uint16_t reserved_1;
	uint32_t time_since_request;
	uint32_t time_to_fail_request;
	uint32_t result_code;
	uint8_t request_operation;
	uint8_t reserved_2[3];
};

/* AUX_CLIENT_CONTROL EnableFlags (2.2.2.2.15). */
#define ENABLE_PERF_SENDTOSERVER 0x00000001
#define ENABLE_COMPRESSION 0x00000004
#define ENABLE_HTTP_TUNNELING 0x00000008
#define ENABLE_PERF_SENDGCDATA 0x00000010

struct aux_client_control {
	uint32_t enable_flags;
	uint32_t expiry_time;		/* ms the client keeps unsent performance data */
};

#define AUX_OSVERSIONINFO_SIZE 156	/* the structure's own size, its first field */

struct aux_osversioninfo {
	uint32_t os_version_info_size;
	uint32_t major_version;
	uint32_t minor_version;
	uint32_t build_number;
	uint8_t reserved_1[132];
	uint16_t service_pack_major;
	uint16_t service_pack_minor;
	uint32_t reserved_2;
};

/* AUX_EXORGINFO OrgFlags (2.2.2.2.17). */
#define PUBLIC_FOLDERS_ENABLED 0x00000001
#define USE_AUTODISCOVER_FOR_PUBLIC_FOLDER_CONFIGURATION 0x00000002

struct aux_exorginfo {
	uint32_t org_flags;
};

struct aux_perf_accountinfo {
	uint16_t client_id;
	uint16_t reserved;
	struct aux_guid account;
};

/* AUX_SERVER_CAPABILITIES ServerCapabilityFlags (2.2.2.2.19). */
#define PACKED_FAST_TRANSFER_UPLOAD_BUFFERS 0x00000001
#define PACKED_WRITE_STREAM_UPLOAD_BUFFERS 0x00000002
#define ULTRA_LARGE_PACKED_DOWNLOAD_BUFFERS 0x00000008

struct aux_server_capabilities {
	uint32_t server_capability_flags;
};

/* AUX_ENDPOINT_CAPABILITIES EndpointCapabilityFlag (2.2.2.2.20). */
#define ENDPOINT_CAPABILITIES_SINGLE_ENDPOINT 0x00000001

struct aux_endpoint_capabilities {
	uint32_t endpoint_capability_flag;
};

#define CONNECTION_FLAG_CLIENT_CACHED 0x00000001

struct aux_client_connection_info {
	struct aux_guid connection_guid;
	uint16_t reserved;
	uint32_t connection_attempts;
	uint32_t connection_flags;
	const char *connection_context_info;
};

struct aux_server_session_info {
	const char *server_session_context_info;
};

struct aux_protocol_device_identification {
	const char *device_manufacturer;
	const char *device_model;
	const char *device_serial_number;
	const char *device_version;
	const char *device_firmware_version;
};

/* One block: its AUX_HEADER and, for a known Version/Type, its structure. */
struct aux_block {
	uint8_t version;
	uint8_t type;
	enum aux_block_kind kind;
	union {
		struct aux_perf_requestid perf_requestid;
		struct aux_perf_sessioninfo perf_sessioninfo;
		struct aux_perf_sessioninfo_v2 perf_sessioninfo_v2;
		struct aux_perf_clientinfo perf_clientinfo;
		struct aux_perf_serverinfo perf_serverinfo;
		struct aux_perf_processinfo perf_processinfo;
		struct aux_perf_defmdb_success perf_defmdb_success;
		struct aux_perf_defgc_success perf_defgc_success;
		struct aux_perf_mdb_success perf_mdb_success;
		struct aux_perf_mdb_success_v2 perf_mdb_success_v2;
		struct aux_perf_gc_success perf_gc_success;
		struct aux_perf_gc_success_v2 perf_gc_success_v2;
		struct aux_perf_failure perf_failure;
		struct aux_perf_failure_v2 perf_failure_v2;
		struct aux_client_control client_control;
		struct aux_osversioninfo osversioninfo;
		struct aux_exorginfo exorginfo;
		struct aux_perf_accountinfo perf_accountinfo;
		struct aux_server_capabilities server_capabilities;
		struct aux_endpoint_capabilities endpoint_capabilities;
		struct aux_client_connection_info client_connection_info;
		struct aux_server_session_info server_session_info;
		struct aux_protocol_device_identification protocol_device_identification;
	} u;
	/* The bytes after the AUX_HEADER: all a RAW block has; kept for every block. */
	const uint8_t *raw;
	uint16_t raw_length;
};

struct aux_buffer {
	size_t count;
	struct aux_block *blocks;
};

/* The structure a Version/Type pair selects (2.2.2.2), AUX_BLOCK_RAW if none. */
enum aux_block_kind aux_block_kind_of(uint8_t version, uint8_t type);

/* The spec's name of a block structure ("AUX_CLIENT_CONTROL", ...). */
const char *aux_block_kind_name(enum aux_block_kind kind);

/* Zero a block and set its header fields and kind, ready for the caller to fill in. */
void aux_block_init(struct aux_block *block, uint8_t version, uint8_t type);

/*
 * Parse an auxiliary payload: AUX_HEADER + block, repeated to the end.
 * Unknown Version/Type pairs are kept as RAW blocks (3.1.4.1.2: skipped,
 * not an error). Everything is allocated under mem_ctx, nothing on error.
 */
enum wire_error auxbuf_pull(TALLOC_CTX *mem_ctx, const uint8_t *payload, size_t len,
			    struct aux_buffer **aux);

/*
 * rgbAuxIn as received: its single RPC_HEADER_EXT, then auxbuf_pull().
 * cbAuxIn == 0 (no auxiliary data) gives an empty buffer.
 */
enum wire_error auxbuf_decode_auxin(TALLOC_CTX *mem_ctx, const uint8_t *rgb_aux_in, size_t cb_aux_in,
				    struct aux_buffer **aux);

/* Serialize blocks into an auxiliary payload (no RPC_HEADER_EXT). */
enum wire_error auxbuf_push(TALLOC_CTX *mem_ctx, const struct aux_block *blocks, size_t count,
			    uint8_t **payload, size_t *len);

/*
 * Build rgbAuxOut: the payload of blocks in one extended buffer with Last,
 * compressed/obfuscated per options (RPC_EXT_COMPRESS, RPC_EXT_XOR), and
 * no larger than pcbAuxOut allows (RPC_EXT_MAX_AUX_BUFFER).
 */
enum wire_error auxbuf_encode_auxout(TALLOC_CTX *mem_ctx, const struct aux_block *blocks, size_t count,
				     unsigned options, uint8_t **out, size_t *out_len);

#endif
