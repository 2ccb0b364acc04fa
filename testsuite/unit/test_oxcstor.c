/*
 * Unit tests of the MS-OXCSTOR ROPs (mapiproxy/emsmdb/oxcstor.c) through
 * the ROP dispatcher, with a mailbox directory of the test's own and real
 * mapistore databases in a temporary directory.
 *
 * Copyright (C) OpenChange developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <setjmp.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>
#include <talloc.h>

#include "testsuite/unit/byte_builder.h"
#include "libmapi/wire_le.h"
#include "mapiproxy/emsmdb/session.h"
#include "mapiproxy/emsmdb/rop_dispatch.h"
#include "mapiproxy/emsmdb/oxcstor.h"

#define OWNER_SID "S-1-5-21-1-2-3-1104"
#define OTHER_SID "S-1-5-21-1-2-3-1105"
#define OWNER_DN "/o=First Organization/ou=Exchange Administrative Group/cn=Recipients/cn=alice"
#define OTHER_DN "/o=First Organization/ou=Exchange Administrative Group/cn=Recipients/cn=bob"
#define DISABLED_DN "/o=First Organization/ou=Exchange Administrative Group/cn=Recipients/cn=carol"
#define BROKEN_DN "/o=First Organization/ou=Exchange Administrative Group/cn=Recipients/cn=dave"
#define MAILBOX_GUID "6b0a9c1e-2f3d-4e5a-8b7c-0d1e2f3a4b5c"
#define REPLICA_GUID "{A1B2C3D4-E5F6-4789-9ABC-DEF012345678}"

#define LOGON_RESPONSE_SIZE 166

static uint64_t wire_load_le64(const uint8_t *p)
{
	return (uint64_t)wire_load_le32(p) | (uint64_t)wire_load_le32(p + 4) << 32;
}

struct fixture {
	char dir[64];
	struct emsmdb_session *session;
};

static enum MAPISTATUS fake_lookup(void *private_data, TALLOC_CTX *mem_ctx, const char *essdn,
				   struct emsmdb_mailbox_info *out)
{
	struct fixture *f = private_data;

	memset(out, 0, sizeof(*out));
	if (strcasecmp(essdn, BROKEN_DN) == 0) {
		return MAPI_E_CALL_FAILED;
	}
	if (strcasecmp(essdn, OWNER_DN) == 0) {
		out->owner_sid = OWNER_SID;
	} else if (strcasecmp(essdn, OTHER_DN) == 0 || strcasecmp(essdn, DISABLED_DN) == 0) {
		out->owner_sid = OTHER_SID;
	} else {
		return MAPI_E_NOT_FOUND;
	}
	out->legacy_dn = essdn;
	out->enabled = strcasecmp(essdn, DISABLED_DN) != 0;
	out->uri = talloc_asprintf(mem_ctx, "sqlite3://%s/mapistore/%s/mailbox.db", f->dir, MAILBOX_GUID);
	out->replica_id = 1;
	assert_true(emsmdb_guid_from_string(MAILBOX_GUID, out->mailbox_guid));
	assert_true(emsmdb_guid_from_string(REPLICA_GUID, out->replica_guid));
	return MAPI_E_SUCCESS;
}

static int setup(void **state)
{
	struct fixture *f = talloc_zero(NULL, struct fixture);

	snprintf(f->dir, sizeof(f->dir), "/tmp/test_oxcstor.XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	f->session = emsmdb_session_new(f, NULL);
	f->session->user_sid = OWNER_SID;
	f->session->display_name = "Alice";
	f->session->mailbox_lookup = fake_lookup;
	f->session->mailbox_lookup_data = f;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	char command[128];

	talloc_free(f->session);	/* closes the databases first */
	snprintf(command, sizeof(command), "rm -rf '%s'", f->dir);
	assert_int_equal(system(command), 0);
	talloc_free(f);
	return 0;
}

static void put_logon(struct bytes *rops, uint8_t logon_id, uint8_t out_index, uint8_t logon_flags,
		      uint32_t open_flags, const char *essdn, size_t essdn_size)
{
	put8(rops, RopLogon); put8(rops, logon_id); put8(rops, out_index); put8(rops, logon_flags);
	put32(rops, open_flags); put32(rops, 0); put16(rops, (uint16_t)essdn_size);
	put_raw(rops, essdn, essdn_size);
}

static void run(struct fixture *f, TALLOC_CTX *mem_ctx, const struct bytes *rops, uint32_t *handles,
		size_t count, struct emsmdb_rop_result *result)
{
	struct bytes in = { .len = 0 };
	size_t i;

	put16(&in, (uint16_t)(rops->len + 2));
	put_raw(&in, rops->buf, rops->len);
	for (i = 0; i < count; i++) {
		put32(&in, handles[i]);
	}
	assert_int_equal(emsmdb_rop_process(mem_ctx, f->session, in.buf, in.len, 0x8000, result),
			 MAPI_E_SUCCESS);
	for (i = 0; i < count; i++) {
		handles[i] = wire_load_le32(result->data + result->len - 4 * (count - i));
	}
}

static void test_guid_from_string(void **state)
{
	static const uint8_t expected[16] = { 0x1e, 0x9c, 0x0a, 0x6b, 0x3d, 0x2f, 0x5a, 0x4e,
					      0x8b, 0x7c, 0x0d, 0x1e, 0x2f, 0x3a, 0x4b, 0x5c };
	uint8_t guid[16];

	(void)state;
	assert_true(emsmdb_guid_from_string(MAILBOX_GUID, guid));
	assert_memory_equal(guid, expected, 16);
	assert_true(emsmdb_guid_from_string("{6B0A9C1E-2F3D-4E5A-8B7C-0D1E2F3A4B5C}", guid));
	assert_memory_equal(guid, expected, 16);
	assert_false(emsmdb_guid_from_string("6b0a9c1e-2f3d-4e5a-8b7c-0d1e2f3a4b5", guid));
	assert_false(emsmdb_guid_from_string("6b0a9c1e-2f3d-4e5a-8b7c-0d1e2f3a4b5cc", guid));
	assert_false(emsmdb_guid_from_string("6b0a9c1e+2f3d-4e5a-8b7c-0d1e2f3a4b5c", guid));
	assert_false(emsmdb_guid_from_string("6b0a9c1e-2f3d-4e5a-8b7c-0d1e2f3a4b5g", guid));
	assert_false(emsmdb_guid_from_string("", guid));
	assert_false(emsmdb_guid_from_string(NULL, guid));
}

static void test_logon_time_and_paths(void **state)
{
	struct rop_logon_time t;

	(void)state;
	/* 2026-11-24 11:05:06 UTC, a Tuesday */
	emsmdb_logon_time((time_t)1795518306, &t);
	assert_int_equal(t.year, 2026);
	assert_int_equal(t.month, 11);
	assert_int_equal(t.day, 24);
	assert_int_equal(t.day_of_week, 2);
	assert_int_equal(t.hour, 11);
	assert_int_equal(t.minutes, 5);
	assert_int_equal(t.seconds, 6);
	assert_string_equal(emsmdb_mapistore_uri_path("sqlite3:///a/b.db"), "/a/b.db");
	assert_string_equal(emsmdb_mapistore_uri_path("/a/b.db"), "/a/b.db");
	assert_null(emsmdb_mapistore_uri_path("pgsql://host/db"));
}

/* The private-mailbox response at OFFSET of the RopsList: its 13 FIDs. */
static void logon_fids(const uint8_t *rops, uint64_t fids[13])
{
	int i;

	for (i = 0; i < 13; i++) {
		fids[i] = wire_load_le64(rops + 7 + 8 * i);
	}
}

static void test_logon_owner(void **state)
{
	struct fixture *f = *state;
	TALLOC_CTX *mem_ctx = talloc_new(NULL);
	struct bytes rops = { .len = 0 };
	uint32_t handles[2] = { EMSMDB_HANDLE_NONE, EMSMDB_HANDLE_NONE };
	struct emsmdb_rop_result result;
	uint8_t mailbox_guid[16], replica_guid[16];
	uint64_t fids[13], again[13];
	const uint8_t *r;
	struct stat st;
	char *path;
	int i, j;

	put_logon(&rops, 0, 0, 0x01, 0x01000000, OWNER_DN, sizeof(OWNER_DN));
	run(f, mem_ctx, &rops, handles, 2, &result);
	r = result.data + 2;
	assert_int_equal(wire_load_le16(result.data), 2 + LOGON_RESPONSE_SIZE);
	assert_int_equal(r[0], RopLogon);
	assert_int_equal(r[1], 0);
	assert_int_equal(wire_load_le32(r + 2), MAPI_E_SUCCESS);
	assert_int_equal(r[6], 0x01);			/* LogonFlags echoed */
	logon_fids(r, fids);
	for (i = 0; i < 13; i++) {
		assert_int_not_equal(fids[i], 0);
		assert_int_equal(fids[i] & 0xFFFF, 1);	/* replica id 1, MS-OXCDATA 2.2.1.1 */
		for (j = 0; j < i; j++) {
			assert_int_not_equal(fids[i], fids[j]);
		}
	}
	assert_int_equal(r[111], 0x07);		/* Reserved | OwnerRight | SendAsRight */
	assert_true(emsmdb_guid_from_string(MAILBOX_GUID, mailbox_guid));
	assert_true(emsmdb_guid_from_string(REPLICA_GUID, replica_guid));
	assert_memory_equal(r + 112, mailbox_guid, 16);
	assert_int_equal(wire_load_le16(r + 128), 1);
	assert_memory_equal(r + 130, replica_guid, 16);
	assert_true(wire_load_le16(r + 146 + 6) >= 2026);	/* LogonTime.Year */
	assert_int_equal(wire_load_le32(r + 162), 0);		/* StoreState */
	assert_int_not_equal(handles[0], EMSMDB_HANDLE_NONE);
	assert_non_null(emsmdb_logon_get(f->session, 0));
	assert_true(f->session->logon_private[0]);
	path = talloc_asprintf(mem_ctx, "%s/mapistore/%s/mailbox.db", f->dir, MAILBOX_GUID);
	assert_int_equal(stat(path, &st), 0);

	/* a second logon (LogonId 5, index 1) finds the same mailbox */
	rops.len = 0;
	put_logon(&rops, 5, 1, 0x01, 0x01000000, OWNER_DN, sizeof(OWNER_DN));
	run(f, mem_ctx, &rops, handles, 2, &result);
	r = result.data + 2;
	assert_int_equal(wire_load_le32(r + 2), MAPI_E_SUCCESS);
	logon_fids(r, again);
	assert_memory_equal(fids, again, sizeof(fids));
	assert_int_not_equal(handles[1], handles[0]);
	assert_int_equal(f->session->handles.used, 2);

	/* the same LogonId again replaces its logon (MS-OXCROPS 2.2.3.1.1) */
	rops.len = 0;
	put_logon(&rops, 5, 1, 0x01, 0x01000000, OWNER_DN, sizeof(OWNER_DN));
	run(f, mem_ctx, &rops, handles, 2, &result);
	assert_int_equal(wire_load_le32(result.data + 4), MAPI_E_SUCCESS);
	assert_int_equal(f->session->handles.used, 2);
	assert_ptr_equal(emsmdb_object_lookup(f->session, handles[1]), f->session->logons[5]);
	talloc_free(mem_ctx);
}

static void expect_error(struct fixture *f, uint8_t logon_flags, uint32_t open_flags,
			 const char *essdn, size_t essdn_size, uint32_t expected)
{
	TALLOC_CTX *mem_ctx = talloc_new(NULL);
	struct bytes rops = { .len = 0 };
	uint32_t handles[1] = { EMSMDB_HANDLE_NONE };
	struct emsmdb_rop_result result;

	put_logon(&rops, 0, 0, logon_flags, open_flags, essdn, essdn_size);
	run(f, mem_ctx, &rops, handles, 1, &result);
	assert_int_equal(wire_load_le16(result.data), 2 + 6);
	assert_int_equal(result.data[2], RopLogon);
	assert_int_equal(result.data[3], 0);
	assert_int_equal(wire_load_le32(result.data + 4), expected);
	assert_int_equal(handles[0], EMSMDB_HANDLE_NONE);
	assert_null(f->session->logons[0]);
	assert_int_equal(f->session->handles.used, 0);
	talloc_free(mem_ctx);
}

static void test_logon_refused(void **state)
{
	struct fixture *f = *state;
	static const char no_nul[] = { 'a', 'b', 'c' };
	static const char two_nuls[] = { 'a', 0, 'b', 0 };

	/* MS-OXCSTOR 3.2.5.1.1 */
	expect_error(f, 0x01, 0x01000000, OTHER_DN, sizeof(OTHER_DN), MAPI_E_NO_ACCESS);
	expect_error(f, 0x01, 0x01000000, "/o=x/ou=y/cn=Recipients/cn=z", 29, EC_UNKNOWN_USER);
	expect_error(f, 0x01, 0x01000000, "", 1, EC_UNKNOWN_USER);
	expect_error(f, 0x01, 0x01000000, DISABLED_DN, sizeof(DISABLED_DN), EC_UNKNOWN_USER);
	expect_error(f, 0x01, 0x01000000, BROKEN_DN, sizeof(BROKEN_DN), MAPI_E_LOGON_FAILED);
	/* a malformed Essdn */
	expect_error(f, 0x01, 0x01000000, no_nul, sizeof(no_nul), MAPI_E_INVALID_PARAMETER);
	expect_error(f, 0x01, 0x01000000, two_nuls, sizeof(two_nuls), MAPI_E_INVALID_PARAMETER);
	expect_error(f, 0x01, 0x01000000, "", 0, MAPI_E_INVALID_PARAMETER);
	/* public folders: this directory configures no public store */
	expect_error(f, 0x00, 0x01000002, "", 0, MAPI_E_LOGON_FAILED);
	/* the Private flag and the PUBLIC open flag contradict each other */
	expect_error(f, 0x01, 0x01000002, OWNER_DN, sizeof(OWNER_DN), MAPI_E_INVALID_PARAMETER);
	/* nothing was created */
	{
		char path[128];
		struct stat st;

		snprintf(path, sizeof(path), "%s/mapistore", f->dir);
		assert_int_not_equal(stat(path, &st), 0);
	}
}

#define MOVED_DN "/o=x/ou=y/cn=Recipients/cn=moved"
#define LONG_DN "/o=x/ou=y/cn=Recipients/cn=far"
#define HOME_SERVER "/o=x/ou=y/cn=Configuration/cn=Servers/cn=MBX2"

/* The directory's answer for users without a record here: MOVED_DN's mailbox is on MBX2 */
static enum MAPISTATUS fake_home_server(void *data, TALLOC_CTX *mem_ctx, const char *essdn,
					const char **server)
{
	(void)data;
	if (strcasecmp(essdn, MOVED_DN) == 0) {
		*server = talloc_strdup(mem_ctx, HOME_SERVER);
		return MAPI_E_SUCCESS;
	}
	if (strcasecmp(essdn, LONG_DN) == 0) {
		/* longer than ServerNameSize (one byte) can say */
		char *long_dn = talloc_zero_array(mem_ctx, char, 300);

		memset(long_dn, 'a', 299);
		*server = long_dn;
		return MAPI_E_SUCCESS;
	}
	return MAPI_E_NOT_FOUND;
}

/* MS-OXCSTOR 3.2.5.1.1, 2.2.1.1.2: a mailbox another server hosts is a redirect */
static void test_logon_redirect(void **state)
{
	struct fixture *f = *state;
	TALLOC_CTX *mem_ctx = talloc_new(NULL);
	struct bytes rops = { .len = 0 };
	uint32_t handles[1] = { EMSMDB_HANDLE_NONE };
	struct emsmdb_rop_result result;

	f->session->home_server_lookup = fake_home_server;
	/* Private|Ghosted and an undefined 0x40: the three defined flags come back */
	put_logon(&rops, 0, 0, 0x45, 0x01000000, MOVED_DN, sizeof(MOVED_DN));
	run(f, mem_ctx, &rops, handles, 1, &result);
	/* RopId, OutputHandleIndex, ReturnValue, LogonFlags, ServerNameSize, ServerName */
	assert_int_equal(wire_load_le16(result.data), 2 + 8 + sizeof(HOME_SERVER));
	assert_int_equal(result.data[2], RopLogon);
	assert_int_equal(wire_load_le32(result.data + 4), EC_WRONG_SERVER);
	assert_int_equal(result.data[8], 0x05);
	assert_int_equal(result.data[9], sizeof(HOME_SERVER));
	assert_memory_equal(result.data + 10, HOME_SERVER, sizeof(HOME_SERVER));
	assert_int_equal(handles[0], EMSMDB_HANDLE_NONE);
	assert_int_equal(f->session->handles.used, 0);
	talloc_free(mem_ctx);

	/* a server DN no redirect can carry; anyone else stays unknown */
	expect_error(f, 0x01, 0x01000000, LONG_DN, sizeof(LONG_DN), MAPI_E_LOGON_FAILED);
	expect_error(f, 0x01, 0x01000000, "/o=x/ou=y/cn=Recipients/cn=z", 29, EC_UNKNOWN_USER);
	/* a mailbox this server has is never redirected */
	rops.len = 0;
	mem_ctx = talloc_new(NULL);
	put_logon(&rops, 0, 0, 0x01, 0x01000000, OWNER_DN, sizeof(OWNER_DN));
	run(f, mem_ctx, &rops, handles, 1, &result);
	assert_int_equal(wire_load_le32(result.data + 4), MAPI_E_SUCCESS);
	talloc_free(mem_ctx);
}

static void test_receive_folder_and_release(void **state)
{
	struct fixture *f = *state;
	TALLOC_CTX *mem_ctx = talloc_new(NULL);
	struct bytes rops = { .len = 0 };
	uint32_t handles[1] = { EMSMDB_HANDLE_NONE };
	struct emsmdb_rop_result result;
	uint64_t fids[13];
	const uint8_t *r;

	put_logon(&rops, 0, 0, 0x01, 0x01000000, OWNER_DN, sizeof(OWNER_DN));
	put8(&rops, RopGetReceiveFolder); put8(&rops, 0); put8(&rops, 0); put_raw(&rops, "IPM.Note.X", 11);
	put8(&rops, RopGetReceiveFolder); put8(&rops, 0); put8(&rops, 0); put_raw(&rops, ".bad", 5);
	/* LogonId 9 is not logged on */
	put8(&rops, RopGetReceiveFolder); put8(&rops, 9); put8(&rops, 0); put_raw(&rops, "", 1);
	put8(&rops, RopRelease); put8(&rops, 0); put8(&rops, 0);
	put8(&rops, RopGetReceiveFolder); put8(&rops, 0); put8(&rops, 0); put_raw(&rops, "", 1);
	run(f, mem_ctx, &rops, handles, 1, &result);
	r = result.data + 2;
	assert_int_equal(wire_load_le32(r + 2), MAPI_E_SUCCESS);
	logon_fids(r, fids);
	r += LOGON_RESPONSE_SIZE;
	/* MS-OXCSTOR 3.2.5.2: the Inbox receives IPM.* by default; the explicit class is "IPM" */
	assert_int_equal(r[0], RopGetReceiveFolder);
	assert_int_equal(wire_load_le32(r + 2), MAPI_E_SUCCESS);
	assert_int_equal(wire_load_le64(r + 6), fids[MAPISTORE_INBOX]);
	assert_string_equal((const char *)r + 14, "IPM");
	r += 14 + 4;
	assert_int_equal(r[0], RopGetReceiveFolder);
	assert_int_equal(wire_load_le32(r + 2), MAPI_E_INVALID_PARAMETER);
	r += 6;
	assert_int_equal(wire_load_le32(r + 2), EC_NULL_OBJECT);
	r += 6;
	/* the logon is gone: its handle names nothing */
	assert_int_equal(r[0], RopGetReceiveFolder);
	assert_int_equal(wire_load_le32(r + 2), EC_NULL_OBJECT);
	assert_null(f->session->logons[0]);
	assert_false(f->session->logon_private[0]);
	assert_int_equal(f->session->handles.used, 0);
	talloc_free(mem_ctx);
}

static void put_ltid(struct bytes *rops, const uint8_t guid[16], const uint8_t counter[6])
{
	put_raw(rops, guid, 16); put_raw(rops, counter, 6); put16(rops, 0xABCD);	/* Pad ignored */
}

static void test_long_term_ids(void **state)
{
	struct fixture *f = *state;
	TALLOC_CTX *mem_ctx = talloc_new(NULL);
	struct bytes rops = { .len = 0 };
	uint32_t handles[1] = { EMSMDB_HANDLE_NONE };
	struct emsmdb_rop_result result;
	static const uint8_t zero[16] = { 0 };
	static const uint8_t other[16] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 };
	uint8_t replica_guid[16], counter[6];
	uint64_t fids[13];
	const uint8_t *r;
	int i;

	assert_true(emsmdb_guid_from_string(REPLICA_GUID, replica_guid));
	put_logon(&rops, 0, 0, 0x01, 0x01000000, OWNER_DN, sizeof(OWNER_DN));
	run(f, mem_ctx, &rops, handles, 1, &result);
	logon_fids(result.data + 2, fids);
	for (i = 0; i < 6; i++) {
		counter[i] = (uint8_t)(fids[MAPISTORE_INBOX] >> (16 + 8 * i));
	}

	rops.len = 0;
	/* MS-OXCSTOR 3.2.5.8 */
	put8(&rops, RopLongTermIdFromId); put8(&rops, 0); put8(&rops, 0); put64(&rops, fids[MAPISTORE_INBOX]);
	put8(&rops, RopLongTermIdFromId); put8(&rops, 0); put8(&rops, 0);
	put64(&rops, (fids[MAPISTORE_INBOX] & ~0xFFFFULL) | 7);	/* an unknown REPLID */
	put8(&rops, RopLongTermIdFromId); put8(&rops, 0); put8(&rops, 0); put64(&rops, 0);
	/* MS-OXCSTOR 3.2.5.9 */
	put8(&rops, RopIdFromLongTermId); put8(&rops, 0); put8(&rops, 0); put_ltid(&rops, replica_guid, counter);
	put8(&rops, RopIdFromLongTermId); put8(&rops, 0); put8(&rops, 0); put_ltid(&rops, zero, counter);
	put8(&rops, RopIdFromLongTermId); put8(&rops, 0); put8(&rops, 0); put_ltid(&rops, replica_guid, zero);
	put8(&rops, RopIdFromLongTermId); put8(&rops, 0); put8(&rops, 0); put_ltid(&rops, other, counter);
	put8(&rops, RopIdFromLongTermId); put8(&rops, 0); put8(&rops, 0); put_ltid(&rops, other, counter);
	/* the REPLID registered for the other REPLGUID (the next after the mailbox's 1) maps back */
	put8(&rops, RopLongTermIdFromId); put8(&rops, 0); put8(&rops, 0);
	put64(&rops, (fids[MAPISTORE_INBOX] & ~0xFFFFULL) | 2);
	run(f, mem_ctx, &rops, handles, 1, &result);
	r = result.data + 2;
	assert_int_equal(r[0], RopLongTermIdFromId);
	assert_int_equal(wire_load_le32(r + 2), MAPI_E_SUCCESS);
	assert_memory_equal(r + 6, replica_guid, 16);
	assert_memory_equal(r + 22, counter, 6);
	assert_int_equal(wire_load_le16(r + 28), 0);
	r += 30;
	assert_int_equal(wire_load_le32(r + 2), MAPI_E_NOT_FOUND);
	r += 6;
	assert_int_equal(wire_load_le32(r + 2), MAPI_E_NOT_FOUND);
	r += 6;
	assert_int_equal(r[0], RopIdFromLongTermId);
	assert_int_equal(wire_load_le32(r + 2), MAPI_E_SUCCESS);
	assert_int_equal(wire_load_le64(r + 6), fids[MAPISTORE_INBOX]);
	r += 14;
	assert_int_equal(wire_load_le32(r + 2), MAPI_E_INVALID_PARAMETER);
	r += 6;
	assert_int_equal(wire_load_le32(r + 2), MAPI_E_SUCCESS);
	assert_int_equal(wire_load_le64(r + 6), 0);
	r += 14;
	/* 3.2.5.9: a REPLGUID met for the first time gets a new REPLID, the same one each time */
	assert_int_equal(wire_load_le32(r + 2), MAPI_E_SUCCESS);
	assert_int_equal(wire_load_le64(r + 6), (fids[MAPISTORE_INBOX] & ~0xFFFFULL) | 2);
	r += 14;
	assert_int_equal(wire_load_le32(r + 2), MAPI_E_SUCCESS);
	assert_int_equal(wire_load_le64(r + 6), (fids[MAPISTORE_INBOX] & ~0xFFFFULL) | 2);
	r += 14;
	assert_int_equal(wire_load_le32(r + 2), MAPI_E_SUCCESS);
	assert_memory_equal(r + 6, other, 16);
	assert_memory_equal(r + 22, counter, 6);
	r += 30;
	assert_ptr_equal(r, result.data + wire_load_le16(result.data));
	talloc_free(mem_ctx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_guid_from_string),
		cmocka_unit_test(test_logon_time_and_paths),
		cmocka_unit_test_setup_teardown(test_logon_owner, setup, teardown),
		cmocka_unit_test_setup_teardown(test_logon_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_logon_redirect, setup, teardown),
		cmocka_unit_test_setup_teardown(test_receive_folder_and_release, setup, teardown),
		cmocka_unit_test_setup_teardown(test_long_term_ids, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
