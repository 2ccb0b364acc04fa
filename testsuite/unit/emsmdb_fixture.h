/*
 * A test fixture for the mailbox ROP families: a session logged on to a
 * real sqlite3 mailbox in a temporary directory, and a way to run ROP
 * requests (as codec structs) through the real dispatcher.  Include after
 * <cmocka.h>.
 *
 * Copyright (C) OpenChange developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef TESTSUITE_UNIT_EMSMDB_FIXTURE_H
#define TESTSUITE_UNIT_EMSMDB_FIXTURE_H

#include <stddef.h>
#include <stdint.h>
#include <talloc.h>

#include "idl/gen_rops.h"
#include "mapiproxy/emsmdb/session.h"
#include "mapiproxy/emsmdb/rop_dispatch.h"
#include "mapiproxy/emsmdb/objects.h"

#define FIXTURE_OWNER_SID "S-1-5-21-1-2-3-1104"
#define FIXTURE_OTHER_SID "S-1-5-21-1-2-3-1105"
#define FIXTURE_OWNER_DN "/o=First Organization/ou=Exchange Administrative Group/cn=Recipients/cn=alice"
#define FIXTURE_OTHER_DN "/o=First Organization/ou=Exchange Administrative Group/cn=Recipients/cn=bob"

struct emsmdb_fixture {
	char dir[64];
	struct emsmdb_session *session;	/* alice's, logged on with LogonId 0 */
	uint32_t logon_handle;
	uint64_t folder_ids[13];	/* the RopLogon response's FolderIds (MS-OXCSTOR 2.2.1.1.3) */
	bool public_logon;		/* decode responses as of a public folders logon */
};

/* The organization's public store of the fixture (openchange.ldb's server record in real life). */
#define FIXTURE_SERVER_DN "/o=First Organization/ou=Exchange Administrative Group/cn=Configuration/cn=Servers/cn=OCDC"


/* cmocka setup/teardown: *state is a struct emsmdb_fixture. */
int emsmdb_fixture_setup(void **state);
int emsmdb_fixture_teardown(void **state);

/*
 * A further session of the user with SID (FIXTURE_OWNER_SID or
 * FIXTURE_OTHER_SID) under the fixture's directory, logged on to its
 * mailbox (bob's is a mailbox of its own); *logon_handle gets the logon.
 */
struct emsmdb_session *emsmdb_fixture_session(struct emsmdb_fixture *f, const char *sid,
					      uint32_t *logon_handle);

/*
 * Runs COUNT requests in one ROP buffer with the handle table HANDLES
 * (HANDLE_COUNT entries, updated from the response's table) in SESSION
 * (NULL: the fixture's), and decodes the responses into *out under
 * MEM_CTX; COLUMNS lays out rows of RopQueryRows/RopFindRow/
 * RopGetPropertiesSpecific responses.  Fails the test if the buffer is
 * refused as a whole.
 */
void emsmdb_fixture_run(struct emsmdb_fixture *f, struct emsmdb_session *session,
			TALLOC_CTX *mem_ctx, const struct rop_request *requests, size_t count,
			uint32_t *handles, size_t handle_count, const struct mapi_tag_array *columns,
			struct rop_response_list *out);

/*
 * One request with input handle IN (the object at handle table index 0)
 * and an output slot at index 1; returns the response's ReturnValue
 * (read from the error form or the response) and, when the ROP made an
 * object, its handle in *out_handle (may be NULL).  *response (may be NULL)
 * gets the decoded response under MEM_CTX.
 */
uint32_t emsmdb_fixture_rop(struct emsmdb_fixture *f, struct emsmdb_session *session,
			    TALLOC_CTX *mem_ctx, struct rop_request *request, uint32_t in,
			    uint32_t *out_handle, const struct mapi_tag_array *columns,
			    struct rop_response *response);

#endif
