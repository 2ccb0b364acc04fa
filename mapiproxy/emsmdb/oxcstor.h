/*
 * OpenChange mapiproxy EMSMDB: the store ROPs of MS-OXCSTOR (oxcstor.c).
 *
 * A logon is a Server object of type EMSMDB_OBJECT_LOGON whose private
 * data is a struct emsmdb_logon: the opened mailbox (its mapistore
 * context) and the facts of the RopLogon that made it.  The mapistore
 * context is a talloc child of the logon, so RopRelease of the logon or
 * the end of the session closes the mailbox.
 *
 * Copyright (C) OpenChange developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef MAPIPROXY_EMSMDB_OXCSTOR_H
#define MAPIPROXY_EMSMDB_OXCSTOR_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "mapiproxy/emsmdb/rop_dispatch.h"
#include "mapistore/mapistore.h"

/* LogonFlags (MS-OXCSTOR 2.2.1.1.1) */
#define EMSMDB_LOGON_PRIVATE 0x01
#define EMSMDB_LOGON_UNDERCOVER 0x02
#define EMSMDB_LOGON_GHOSTED 0x04
#define EMSMDB_LOGON_SPOOLER_PROCESS 0x08

/* OpenFlags (MS-OXCSTOR 2.2.1.1.1) */
#define EMSMDB_OPEN_USE_ADMIN_PRIVILEGE 0x00000001
#define EMSMDB_OPEN_PUBLIC 0x00000002
#define EMSMDB_OPEN_HOME_LOGON 0x00000004
#define EMSMDB_OPEN_TAKE_OWNERSHIP 0x00000008

/* ResponseFlags of the private-mailbox response (MS-OXCSTOR 2.2.1.1.3) */
#define EMSMDB_LOGON_RESPONSE_RESERVED 0x01
#define EMSMDB_LOGON_RESPONSE_OWNER_RIGHT 0x02
#define EMSMDB_LOGON_RESPONSE_SEND_AS_RIGHT 0x04
#define EMSMDB_LOGON_RESPONSE_OOF 0x10

struct emsmdb_logon {
	struct mapistore_context *store;
	bool public_store;		/* a public folders logon (MS-OXCSTOR 3.2.5.1.2) */
	const char *server_legacy_dn;	/* public logons: the replica server */
	struct emsmdb_mailbox_info mailbox;
	uint8_t logon_flags;
	uint32_t open_flags;
	uint64_t folder_ids[MAPISTORE_LOGON_FOLDER_COUNT];
	/*
	 * RopWritePerUserInformation in progress (MS-OXCSTOR 3.1.5.2): the
	 * data of one folder arrives in pieces and is stored when the last
	 * one (HasFinished) came; data is a talloc child of the logon.
	 */
	struct {
		bool active;
		uint8_t ltid[MAPISTORE_LTID_SIZE];
		uint8_t replguid[16];
		uint8_t *data;
		uint32_t len;
	} per_user_write;
};

/* The active logon of LOGON_ID in SESSION, or NULL. */
struct emsmdb_logon *emsmdb_logon_get(struct emsmdb_session *session, uint8_t logon_id);

/*
 * A GUID in registry form ("6b0a9c1e-...", braces allowed) into its 16
 * bytes as on the wire (Data1..3 little-endian, MS-DTYP 2.3.4.2).
 */
bool emsmdb_guid_from_string(const char *text, uint8_t out[16]);

/*
 * The path of a sqlite3 mapistore URI ("sqlite3:///dir/mailbox.db" or a
 * bare path) and the creation of its directory (mode 0700, parents too).
 */
const char *emsmdb_mapistore_uri_path(const char *uri);
enum MAPISTATUS emsmdb_mapistore_prepare_dir(TALLOC_CTX *mem_ctx, const char *uri);

/* MS-OXCSTOR 2.2.1.1.3 LogonTime of a time_t (UTC). */
void emsmdb_logon_time(time_t when, struct rop_logon_time *out);

enum MAPISTATUS emsmdb_rop_logon(struct emsmdb_rop_ctx *ctx, struct rop_response *response);
enum MAPISTATUS emsmdb_rop_get_receive_folder(struct emsmdb_rop_ctx *ctx,
					      struct rop_response *response);
enum MAPISTATUS emsmdb_rop_long_term_id_from_id(struct emsmdb_rop_ctx *ctx,
						struct rop_response *response);
enum MAPISTATUS emsmdb_rop_id_from_long_term_id(struct emsmdb_rop_ctx *ctx,
						struct rop_response *response);
enum MAPISTATUS emsmdb_rop_set_receive_folder(struct emsmdb_rop_ctx *ctx,
					      struct rop_response *response);
enum MAPISTATUS emsmdb_rop_get_receive_folder_table(struct emsmdb_rop_ctx *ctx,
						    struct rop_response *response);
enum MAPISTATUS emsmdb_rop_get_store_state(struct emsmdb_rop_ctx *ctx, struct rop_response *response);
enum MAPISTATUS emsmdb_rop_get_owning_servers(struct emsmdb_rop_ctx *ctx,
					      struct rop_response *response);
enum MAPISTATUS emsmdb_rop_public_folder_is_ghosted(struct emsmdb_rop_ctx *ctx,
						    struct rop_response *response);
enum MAPISTATUS emsmdb_rop_get_per_user_long_term_ids(struct emsmdb_rop_ctx *ctx,
						      struct rop_response *response);
enum MAPISTATUS emsmdb_rop_get_per_user_guid(struct emsmdb_rop_ctx *ctx,
					     struct rop_response *response);
enum MAPISTATUS emsmdb_rop_read_per_user_information(struct emsmdb_rop_ctx *ctx,
						     struct rop_response *response);
enum MAPISTATUS emsmdb_rop_write_per_user_information(struct emsmdb_rop_ctx *ctx,
						      struct rop_response *response);

#endif
