/*
 * OpenChange mapiproxy EMSMDB: the Session Context of MS-OXCRPC 3.1.1 and
 * its server object handle table (MS-OXCROPS 1.3.1, 3.2.5.1).
 *
 * Nothing here needs a running samba: the provider (emsmdb.c) owns the
 * RPC side (context handles, the caller's identity), this file the state
 * the ROPs work on, so unit tests and fuzz targets build sessions freely.
 *
 * Ownership: a session is a talloc child of its RPC context handle; every
 * server object is a talloc child of the session and leaves the handle
 * table in its destructor, so RopRelease is a talloc_free() and
 * EcDoDisconnect (or a dropped connection) releases everything at once.
 *
 * Copyright (C) OpenChange developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef MAPIPROXY_EMSMDB_SESSION_H
#define MAPIPROXY_EMSMDB_SESSION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <talloc.h>

#include "idl/gen_errors.h"

/* The kinds of Server objects (MS-OXCROPS 1.3.1); ROP handlers say which they accept. */
enum emsmdb_object_type {
	EMSMDB_OBJECT_LOGON = 1,
	EMSMDB_OBJECT_FOLDER,
	EMSMDB_OBJECT_MESSAGE,
	EMSMDB_OBJECT_ATTACHMENT,
	EMSMDB_OBJECT_TABLE,
	EMSMDB_OBJECT_STREAM,
	EMSMDB_OBJECT_FASTTRANSFER,	/* MS-OXCFXICS download/upload contexts */
	EMSMDB_OBJECT_SYNC,		/* ICS synchronization contexts and collectors */
	EMSMDB_OBJECT_NOTIFICATION,	/* RopRegisterNotification subscriptions */
	EMSMDB_OBJECT_TEST,		/* unit tests and fuzz targets only */
};

#define EMSMDB_OBJECT_BIT(type) (1u << (type))

/* MS-OXCROPS 2.2.1: the client marks unused handle table entries with this. */
#define EMSMDB_HANDLE_NONE 0xFFFFFFFFu

/* Limits (DESIGN.md decision 6); smb.conf mapiproxy:* options override them. */
struct emsmdb_limits {
	uint32_t max_handles;			/* Server objects per session */
	uint32_t max_sessions_per_user;		/* in one samba process */
	uint32_t max_sessions_per_connection;
	uint32_t async_wait_timeout_ms;		/* EcDoAsyncWaitEx without events */
};

#define EMSMDB_DEFAULT_MAX_HANDLES 4096
#define EMSMDB_DEFAULT_MAX_SESSIONS_PER_USER 32
#define EMSMDB_DEFAULT_MAX_SESSIONS_PER_CONNECTION 16
/* MS-OXCRPC 3.3.4.1: "up to a 5-minute duration of no client activity" */
#define EMSMDB_DEFAULT_ASYNC_WAIT_TIMEOUT_MS (5 * 60 * 1000)

void emsmdb_limits_default(struct emsmdb_limits *limits);

struct emsmdb_session;

/*
 * A mailbox as the directory describes it (openchange.ldb's mailbox record,
 * doc/directory.md): what RopLogon needs to find and open it.
 */
struct emsmdb_mailbox_info {
	const char *owner_sid;		/* ownerSID, S-1-5-21-... */
	const char *legacy_dn;		/* legacyExchangeDN */
	const char *uri;		/* mapistoreURI, NULL when none is configured */
	const char *owner_name;		/* the owner's display name, may be NULL */
	uint16_t replica_id;		/* replicaID */
	uint8_t replica_guid[16];	/* replicaGUID, wire byte order */
	uint8_t mailbox_guid[16];	/* mailboxGUID, wire byte order */
	bool enabled;
};

/*
 * Looks ESSDN up (case-insensitively, as legacyExchangeDN of a mailbox
 * record): MAPI_E_SUCCESS with *out filled under MEM_CTX, MAPI_E_NOT_FOUND
 * when no record has it, anything else when the directory cannot be read.
 */
typedef enum MAPISTATUS (*emsmdb_mailbox_lookup_fn)(void *private_data, TALLOC_CTX *mem_ctx,
						    const char *essdn,
						    struct emsmdb_mailbox_info *out);

/* The organization's public store as the directory describes it. */
struct emsmdb_public_store_info {
	const char *uri;		/* its mapistore URI */
	const char *server_legacy_dn;	/* the server holding it: this one */
};

/*
 * MAPI_E_SUCCESS with *out under MEM_CTX, MAPI_E_NOT_FOUND when the
 * organization has no public store configured.
 */
typedef enum MAPISTATUS (*emsmdb_public_store_lookup_fn)(void *private_data, TALLOC_CTX *mem_ctx,
							 struct emsmdb_public_store_info *out);

/*
 * The ESSDN of the server that hosts ESSDN's mailbox, for a mail user of
 * the directory whose mailbox is not on this server (MS-OXCSTOR 3.2.5.1.1:
 * the server "determines the name of the correct server hosting the user's
 * mailbox"): MAPI_E_SUCCESS with *server under MEM_CTX; MAPI_E_NOT_FOUND
 * when ESSDN names no such user, or one homed on this server.
 */
typedef enum MAPISTATUS (*emsmdb_home_server_lookup_fn)(void *private_data, TALLOC_CTX *mem_ctx,
							const char *essdn, const char **server);

/* One Server object.  private_data belongs to the ROP family that made it. */
struct emsmdb_object {
	struct emsmdb_session *session;
	uint32_t handle;
	enum emsmdb_object_type type;
	uint8_t logon_id;
	void *private_data;
};

/* The per-session map from Server object handles to objects. */
struct emsmdb_handle_table {
	struct emsmdb_object **slots;	/* indexed by the low 16 bits of a handle */
	uint16_t *free_slots;		/* stack of unused slot numbers */
	uint32_t capacity;		/* slots allocated */
	uint32_t free_count;
	uint32_t used;			/* live objects */
	uint16_t generation;		/* high 16 bits of the next handle */
};

struct emsmdb_session {
	struct emsmdb_limits limits;
	struct emsmdb_handle_table handles;

	/* who and what (EcDoConnectEx) */
	const char *user_dn;		/* szUserDN as given */
	const char *display_name;
	const char *user_sid;		/* the owner's SID, as a string */
	uint16_t session_index;		/* picxr */
	uint32_t created;		/* pulTimeStamp: seconds since the epoch */
	uint16_t client_version[4];	/* normalized (MS-OXCRPC 3.1.4.1.3.1) */
	uint32_t code_page, lcid_string, lcid_sort;
	uint32_t connect_flags;

	/* per-logon facts the ROP codec needs (struct rop_params) */
	struct emsmdb_object *logons[256];	/* indexed by LogonId */
	bool logon_private[256];

	/* the mailbox directory RopLogon asks (emsmdb.c: openchange.ldb) */
	emsmdb_mailbox_lookup_fn mailbox_lookup;
	emsmdb_public_store_lookup_fn public_store_lookup;	/* with mailbox_lookup_data */
	void *mailbox_lookup_data;
	emsmdb_home_server_lookup_fn home_server_lookup;	/* NULL: no redirects */
	void *home_server_lookup_data;

	/* notifications (MS-OXCNOTIF): nothing raises them yet */
	bool notifications_pending;

	bool closing;			/* being freed: holds let go of nothing */
	uint64_t rop_calls;		/* EcDoRpcExt2 calls served */
	void *provider_data;		/* the RPC side's, e.g. async waits */
};

struct emsmdb_session *emsmdb_session_new(TALLOC_CTX *mem_ctx, const struct emsmdb_limits *limits);

/*
 * State several Server objects depend on (a logon's open mailbox, a
 * message its attachments and streams work in): it must outlive the
 * handle that made it, because RopRelease of a logon or a message does not
 * invalidate what was opened through it.  Such state is made with
 * emsmdb_shared_new() (owned by the session, through a small counting box)
 * and each dependent holds it with emsmdb_hold(); it is freed with its
 * last holder.  The session stays the one owner, so freeing the session
 * frees everything, holds or not.
 */
void *emsmdb_shared_new_size(struct emsmdb_session *session, size_t size, const char *name);
#define emsmdb_shared_new(session, type) \
	((type *)emsmdb_shared_new_size((session), sizeof(type), #type))
/* HOLDER (any talloc object, usually a Server object) keeps SHARED alive. */
bool emsmdb_hold(TALLOC_CTX *holder, void *shared);
/*
 * Gives up a shared state nobody holds yet (a constructor that failed
 * before the first emsmdb_hold()).
 */
void emsmdb_shared_abandon(void *shared);

/*
 * A new Server object of TYPE whose private_data is SHARED (from
 * emsmdb_shared_new()), held by the object.
 */
enum MAPISTATUS emsmdb_object_new_shared(struct emsmdb_session *session,
					 enum emsmdb_object_type type, uint8_t logon_id,
					 void *shared, struct emsmdb_object **out);

/*
 * A new Server object of TYPE with a fresh handle, a talloc child of the
 * session.  EC_TOO_MANY_OPEN_OBJECTS when the session holds
 * limits.max_handles objects already.
 */
enum MAPISTATUS emsmdb_object_new(struct emsmdb_session *session, enum emsmdb_object_type type,
				  uint8_t logon_id, struct emsmdb_object **out);

/* The live object a handle names, or NULL (never for EMSMDB_HANDLE_NONE). */
struct emsmdb_object *emsmdb_object_lookup(struct emsmdb_session *session, uint32_t handle);

/* Releases an object (RopRelease); the handle may then be reused later. */
void emsmdb_object_release(struct emsmdb_object *object);

/*
 * Version numbers (MS-OXCRPC 3.1.4.1.3.1): three WORDs on the wire, four
 * numbers once normalized.  A high bit in the second WORD means the first
 * WORD holds major (high byte) and minor (low byte).
 */
void emsmdb_version_normalize(const uint16_t wire[3], uint16_t normalized[4]);
void emsmdb_version_to_wire(const uint16_t normalized[4], uint16_t wire[3]);
int emsmdb_version_compare(const uint16_t a[4], const uint16_t b[4]);

/* ulFlags of EcDoConnectEx (MS-OXCRPC 3.1.4.1) */
#define EMSMDB_CONNECT_ADMIN 0x00000001
#define EMSMDB_CONNECT_EXORGINFO 0x00008000

/* What this server reports (rgwServerVersion) and the oldest client it serves. */
extern const uint16_t emsmdb_server_version[4];
extern const uint16_t emsmdb_min_client_version[4];

/*
 * The version rules of EcDoConnectEx: rgwServerVersion always; with a
 * client older than 11.0.0.0 (the protocol's minimum, MS-OXCRPC 3.2.4.1.3.2)
 * MAPI_E_VERSION and rgwBestVersion = that minimum; with a client older than
 * 12.00.0000.000 that does not pass EMSMDB_CONNECT_EXORGINFO,
 * EC_CLIENT_VERSION_BLOCKED, since this organization has no public folders
 * (ulFlags 0x00008000); else success and rgwBestVersion = rgwClientVersion.
 */
enum MAPISTATUS emsmdb_negotiate_version(const uint16_t client_wire[3], uint32_t connect_flags,
					 bool public_folders, uint16_t server_wire[3],
					 uint16_t best_wire[3]);

#endif
