/*
 * Unit tests of libmapi's public client API without a server: every call
 * refuses what it cannot use (MAPI_E_INVALID_PARAMETER) before any
 * traffic, and a logon names what is missing.  Uses libmapi/libmapi.h only.
 *
 * Copyright (C) OpenChange developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "libmapi/libmapi.h"

static void test_empty_objects(void **state)
{
	TALLOC_CTX *mem_ctx = talloc_new(NULL);
	mapi_object_t empty, out;
	struct mapi_propval pv = { PidTagSubject, { .string = (char *)"x" } }, *props;
	struct mapi_recipient recip = { MAPI_TO, "x", "x@example.com" }, *recips;
	struct mapi_row *rows;
	struct mapi_sort_key key = { PidTagSubject, false };
	struct mapi_nameid name = { .is_string = false, .lid = 1 }, *names;
	struct mapi_ab_entry *entry;
	uint32_t tag = PidTagSubject, count, got;
	uint16_t id = 0x8000, *ids;
	uint64_t fid, mid = 1;
	uint8_t buf[4];
	struct mapi_binary bin = { sizeof(buf), buf };

	(void)state;
	mapi_object_init(&empty);
	mapi_object_init(&out);
	assert_int_equal(empty.handle, 0xFFFFFFFFu);
	assert_int_equal(OpenMsgStore(NULL, &out), MAPI_E_INVALID_PARAMETER);
	assert_int_equal(OpenPublicFolder(NULL, &out), MAPI_E_INVALID_PARAMETER);
	assert_int_equal(GetDefaultFolder(&empty, olFolderInbox, &fid), MAPI_E_INVALID_PARAMETER);
	assert_int_equal(GetDefaultFolder(NULL, olFolderInbox, &fid), MAPI_E_INVALID_PARAMETER);
	assert_int_equal(GetFIDFromEntryID(&empty, &bin, &fid), MAPI_E_INVALID_PARAMETER);
	assert_int_equal(OpenFolder(&empty, 1, &out), MAPI_E_INVALID_PARAMETER);
	assert_int_equal(CreateFolder(&empty, MAPI_FOLDER_GENERIC, "x", NULL, false, &out),
			 MAPI_E_INVALID_PARAMETER);
	assert_int_equal(DeleteFolder(&empty, 1, 0), MAPI_E_INVALID_PARAMETER);
	assert_int_equal(GetHierarchyTable(&empty, &out, &count), MAPI_E_INVALID_PARAMETER);
	assert_int_equal(GetContentsTable(&empty, &out, &count), MAPI_E_INVALID_PARAMETER);
	assert_int_equal(DeleteMessages(&empty, &mid, 1), MAPI_E_INVALID_PARAMETER);
	assert_int_equal(SetColumns(&empty, &tag, 1), MAPI_E_INVALID_PARAMETER);
	assert_int_equal(SortTable(&empty, &key, 1), MAPI_E_INVALID_PARAMETER);
	assert_int_equal(Restrict(&empty, NULL), MAPI_E_INVALID_PARAMETER);
	assert_int_equal(QueryRows(mem_ctx, &empty, 1, &rows, &count), MAPI_E_INVALID_PARAMETER);
	assert_int_equal(OpenMessage(&empty, 1, 1, MAPI_OPEN_READ, &out), MAPI_E_INVALID_PARAMETER);
	assert_int_equal(CreateMessage(&empty, &out), MAPI_E_INVALID_PARAMETER);
	assert_int_equal(SaveChangesMessage(&empty, &mid), MAPI_E_INVALID_PARAMETER);
	assert_int_equal(ModifyRecipients(&empty, &recip, 1), MAPI_E_INVALID_PARAMETER);
	assert_int_equal(ReadRecipients(mem_ctx, &empty, &recips, &count), MAPI_E_INVALID_PARAMETER);
	assert_int_equal(SetProps(&empty, &pv, 1), MAPI_E_INVALID_PARAMETER);
	assert_int_equal(GetProps(mem_ctx, &empty, &tag, 1, &props), MAPI_E_INVALID_PARAMETER);
	assert_int_equal(GetPropsAll(mem_ctx, &empty, &props, &count), MAPI_E_INVALID_PARAMETER);
	assert_int_equal(DeleteProps(&empty, &tag, 1), MAPI_E_INVALID_PARAMETER);
	assert_int_equal(GetIDsFromNames(mem_ctx, &empty, &name, 1, false, &ids),
			 MAPI_E_INVALID_PARAMETER);
	assert_int_equal(GetNamesFromIDs(mem_ctx, &empty, &id, 1, &names), MAPI_E_INVALID_PARAMETER);
	assert_int_equal(CreateAttach(&empty, &out), MAPI_E_INVALID_PARAMETER);
	assert_int_equal(OpenAttach(&empty, 0, &out), MAPI_E_INVALID_PARAMETER);
	assert_int_equal(GetAttachmentTable(&empty, &out), MAPI_E_INVALID_PARAMETER);
	assert_int_equal(SaveChangesAttachment(&empty), MAPI_E_INVALID_PARAMETER);
	assert_int_equal(OpenEmbeddedMessage(&empty, MAPI_OPEN_READ, &out), MAPI_E_INVALID_PARAMETER);
	assert_int_equal(OpenStream(&empty, PidTagBody, MAPI_OPEN_READ, &out), MAPI_E_INVALID_PARAMETER);
	assert_int_equal(ReadStream(&empty, buf, sizeof(buf), &got), MAPI_E_INVALID_PARAMETER);
	assert_int_equal(WriteStream(&empty, buf, sizeof(buf)), MAPI_E_INVALID_PARAMETER);
	assert_int_equal(CommitStream(&empty), MAPI_E_INVALID_PARAMETER);
	assert_int_equal(ResolveNames(mem_ctx, NULL, "x", &entry), MAPI_E_INVALID_PARAMETER);
	assert_int_equal(mapi_object_release(NULL), MAPI_E_INVALID_PARAMETER);
	assert_int_equal(mapi_object_release(&empty), MAPI_E_SUCCESS);
	talloc_free(mem_ctx);
}

static void test_logon_arguments(void **state)
{
	TALLOC_CTX *mem_ctx = talloc_new(NULL);
	struct mapi_session *session = (struct mapi_session *)1;
	struct mapi_connect_params params = { .server = "127.0.0.1", .username = "u" };

	(void)state;
	assert_int_equal(MapiInitialize(), MAPI_E_SUCCESS);
	assert_int_equal(MapiInitialize(), MAPI_E_SUCCESS);
	assert_int_equal(MapiLogonParams(mem_ctx, NULL, &session), MAPI_E_INVALID_PARAMETER);
	assert_null(session);
	/* no password */
	assert_int_equal(MapiLogonParams(mem_ctx, &params, &session), MAPI_E_INVALID_PARAMETER);
	assert_non_null(MapiLastError(NULL));
	assert_int_equal(MapiLogonParams(mem_ctx, &params, NULL), MAPI_E_INVALID_PARAMETER);
	assert_int_equal(MapiLogonEx(mem_ctx, NULL, "x", "p", NULL), MAPI_E_INVALID_PARAMETER);
	assert_null(mapi_session_essdn(NULL));
	talloc_free(mem_ctx);
}

static void test_unknown_profile(void **state)
{
	TALLOC_CTX *mem_ctx = talloc_new(NULL);
	struct mapi_session *session = NULL;
	char dir[] = "/tmp/test_libmapi.XXXXXX";
	char *path;

	(void)state;
	assert_non_null(mkdtemp(dir));
	path = talloc_asprintf(mem_ctx, "%s/profiles.ldb", dir);
	assert_int_equal(MapiLogonEx(mem_ctx, path, "nope", "p", &session), MAPI_E_NOT_FOUND);
	assert_null(session);
	assert_non_null(strstr(MapiLastError(NULL), "no profile named 'nope'"));
	/* no default profile in an empty store */
	assert_int_equal(MapiLogonEx(mem_ctx, path, NULL, "p", &session), MAPI_E_NOT_FOUND);
	assert_non_null(strstr(MapiLastError(NULL), "no default profile"));
	unlink(path);
	rmdir(dir);
	talloc_free(mem_ctx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty_objects),
		cmocka_unit_test(test_logon_arguments),
		cmocka_unit_test(test_unknown_profile),
	};
	int status = cmocka_run_group_tests(tests, NULL, NULL);

	MapiUninitialize();
	return status;
}
