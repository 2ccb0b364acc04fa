/*
 * OpenChange libmapi: what the client API's files share (not installed).
 *
 * Copyright (C) OpenChange developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef LIBMAPI_MAPI_PRIVATE_H
#define LIBMAPI_MAPI_PRIVATE_H

#include <stdint.h>

#include "libmapi/libmapi.h"
#include "libmapi/rop_session.h"

struct emsmdb_client;
struct profile_connection;
struct mapi_profile;

struct mapi_session {
	struct tevent_context *ev;
	struct emsmdb_client *emsmdb;
	struct rop_session *rops;
	struct profile_connection *ab;	/* RFR + NSPI, kept for the address book calls */
	struct mapi_profile *profile;
	uint32_t code_page;
	/* LogonIds in use, a bit each (MS-OXCROPS 3.1.4.2: unique per session) */
	uint32_t logon_ids[256 / 32];
	char *last_error;
	bool seal;			/* the connections seal (else sign) */
};

#define MAPI_HANDLE_NONE ROP_HANDLE_NONE

/*
 * Stores a session may hold at once: LogonIds 0x00-0xFE.  The field is one
 * byte (MS-OXCROPS 2.2.3.1.1) and a RopLogon with an active LogonId would
 * silently replace that logon (3.1.4.2), so the library never wraps around;
 * 0xFF stays unused, keeping the documented limit of 255 logons.
 */
#define MAPI_MAX_LOGONS 255

/*
 * RopLogon LOGON_ID was answered ecWrongServer naming SERVER_DN (MS-OXCSTOR
 * 2.2.1.1.2): connects EMSMDB to that server instead (mapi_session.c).
 */
enum MAPISTATUS mapi_session_redirect(struct mapi_session *s, uint8_t logon_id,
				      const char *server_dn);

/* Redirects one store logon follows before giving up (a loop between servers) */
#define MAPI_MAX_REDIRECTS 2

/* A store's LogonId is free again (mapi_object_release) */
void mapi_logon_id_free(struct mapi_session *session, uint8_t logon_id);

/* The codec's request structs are not const; the caller's data is only read */
#define MAPI_UNCONST(type, ptr) ((type *)(uintptr_t)(ptr))

/* Around every call into samba's client libraries (see mapi_session.c) */
void mapi_lock(void);
void mapi_unlock(void);

void mapi_set_error(struct mapi_session *session, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/*
 * One ROP on OBJ's handle (index 0 of a two-slot table; index 1 receives a
 * new object's handle, copied to *new_handle when not NULL).  The call's
 * status, or the ROP's ReturnValue when the call went through.
 */
enum MAPISTATUS mapi_rop(mapi_object_t *obj, TALLOC_CTX *mem_ctx, struct rop_request *req,
			 struct rop_response *resp, uint32_t *new_handle);

/* OBJ holds a live server object of one of TYPES (a bit per enum mapi_object_type) */
bool mapi_object_is(const mapi_object_t *obj, unsigned types);
#define MAPI_T(t) (1u << (t))

/* A child object of PARENT with HANDLE */
void mapi_object_child(const mapi_object_t *parent, mapi_object_t *child, enum mapi_object_type type,
		       uint32_t handle);

#endif
