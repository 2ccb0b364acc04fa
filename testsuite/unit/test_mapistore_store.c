/*
 * Unit tests of mapistore's store-wide state: the REPLID/REPLGUID mapping,
 * per-user data of public folders, and the public store layout.
 *
 * Copyright (C) OpenChange developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "testsuite/unit/test_mapistore_common.h"

static const uint8_t foreign_a[16] = { 0xAA, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15 };
static const uint8_t foreign_b[16] = { 0xBB, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15 };

/* MS-OXCSTOR 3.2.5.8/3.2.5.9: the own replica, then registered ones, stable across connections. */
static void test_replica_mapping(void **state)
{
	struct mbox *m = mbox_new(true);
	uint8_t guid[16];
	uint16_t a = 0, b = 0, again = 0;

	(void)state;
	assert_int_equal(mapistore_replica_id(m->ctx, test_params.replica_guid, false, &a), MAPI_E_SUCCESS);
	assert_int_equal(a, 1);
	assert_int_equal(mapistore_replica_guid(m->ctx, 1, guid), MAPI_E_SUCCESS);
	assert_memory_equal(guid, test_params.replica_guid, 16);
	assert_int_equal(mapistore_replica_id(m->ctx, foreign_a, false, &a), MAPI_E_NOT_FOUND);
	assert_int_equal(mapistore_replica_id(m->ctx, foreign_a, true, &a), MAPI_E_SUCCESS);
	assert_int_equal(mapistore_replica_id(m->ctx, foreign_b, true, &b), MAPI_E_SUCCESS);
	assert_int_equal(a, 2);
	assert_int_equal(b, 3);
	mbox_reopen(m);
	assert_int_equal(mapistore_replica_id(m->ctx, foreign_a, true, &again), MAPI_E_SUCCESS);
	assert_int_equal(again, a);
	assert_int_equal(mapistore_replica_guid(m->ctx, b, guid), MAPI_E_SUCCESS);
	assert_memory_equal(guid, foreign_b, 16);
	assert_int_equal(mapistore_replica_guid(m->ctx, 9, guid), MAPI_E_NOT_FOUND);
	assert_int_equal(mapistore_replica_guid(m->ctx, 0, guid), MAPI_E_NOT_FOUND);
	mbox_free(m);
}

/* Per-user data: replaced whole, listed by REPLGUID, durable, bounded. */
static void test_per_user(void **state)
{
	struct mbox *m = mbox_new(true);
	uint8_t ltid1[MAPISTORE_LTID_SIZE] = { 0 }, ltid2[MAPISTORE_LTID_SIZE] = { 0 };
	uint8_t guid[16], *data = NULL, *ltids = NULL;
	uint32_t len = 0, count = 0;
	static uint8_t big[MAPISTORE_PER_USER_MAX + 1];

	(void)state;
	memcpy(ltid1, foreign_a, 16);
	ltid1[21] = 1;
	memcpy(ltid2, foreign_a, 16);
	ltid2[21] = 2;
	assert_int_equal(mapistore_per_user_get(m->ctx, m, ltid1, guid, &data, &len), MAPI_E_NOT_FOUND);
	assert_int_equal(mapistore_per_user_set(m->ctx, ltid1, foreign_a, (const uint8_t *)"abc", 3), 0);
	assert_int_equal(mapistore_per_user_set(m->ctx, ltid1, foreign_a, (const uint8_t *)"xyzw", 4), 0);
	assert_int_equal(mapistore_per_user_set(m->ctx, ltid2, foreign_b, NULL, 0), 0);
	assert_int_equal(mapistore_per_user_set(m->ctx, ltid2, foreign_b, big, sizeof(big)), MAPI_E_TOO_BIG);
	mbox_reopen(m);
	assert_int_equal(mapistore_per_user_get(m->ctx, m, ltid1, guid, &data, &len), 0);
	assert_int_equal(len, 4);
	assert_memory_equal(data, "xyzw", 4);
	assert_memory_equal(guid, foreign_a, 16);
	assert_int_equal(mapistore_per_user_get(m->ctx, m, ltid2, guid, &data, &len), 0);
	assert_int_equal(len, 0);
	assert_int_equal(mapistore_per_user_list(m->ctx, m, foreign_a, &count, &ltids), 0);
	assert_int_equal(count, 1);
	assert_memory_equal(ltids, ltid1, MAPISTORE_LTID_SIZE);
	assert_int_equal(mapistore_per_user_list(m->ctx, m, test_params.replica_guid, &count, &ltids), 0);
	assert_int_equal(count, 0);
	mbox_free(m);
}

/* MS-OXCSTOR 2.2.1.1.4: a public store has its ten folders, a mailbox none of them. */
static void test_public_store(void **state)
{
	struct mbox *m = mbox_new(false), *mailbox = mbox_new(true);
	struct mapistore_folder *root = NULL;
	uint64_t fids[MAPISTORE_PUBLIC_FOLDER_COUNT], fid = 0, child = 0;
	int i;

	(void)state;
	assert_int_equal(mapistore_public_folder_id(m->ctx, MAPISTORE_PUBLIC_ROOT, &fid), MAPI_E_NOT_INITIALIZED);
	assert_int_equal(mapistore_public_store_create(m->ctx, &test_params), MAPI_E_SUCCESS);
	assert_int_equal(mapistore_public_store_create(m->ctx, &test_params), MAPI_E_COLLISION);
	mbox_reopen(m);
	for (i = 0; i < MAPISTORE_PUBLIC_FOLDER_COUNT; i++) {
		assert_int_equal(mapistore_public_folder_id(m->ctx, (enum mapistore_public_folder)i, &fids[i]),
				 MAPI_E_SUCCESS);
		assert_true(fids[i] != 0);
	}
	/* the tree: IPM_SUBTREE and NON_IPM_SUBTREE under the root, by name */
	assert_int_equal(mapistore_folder_open(m->ctx, m, fids[MAPISTORE_PUBLIC_ROOT], &root), 0);
	assert_int_equal(mapistore_folder_find_child(root, "IPM_SUBTREE", &child), 0);
	assert_int_equal(child, fids[MAPISTORE_PUBLIC_IPM_SUBTREE]);
	assert_int_equal(mapistore_folder_find_child(root, "non_ipm_subtree", &child), 0);
	assert_int_equal(child, fids[MAPISTORE_PUBLIC_NON_IPM_SUBTREE]);
	/* special folders cannot be deleted */
	assert_int_equal(mapistore_folder_delete(root, fids[MAPISTORE_PUBLIC_IPM_SUBTREE],
						 MAPISTORE_DEL_FOLDERS | MAPISTORE_DEL_MESSAGES),
			 MAPI_E_NO_ACCESS);
	talloc_free(root);
	/* a private mailbox is no public store */
	assert_int_equal(mapistore_public_folder_id(mailbox->ctx, MAPISTORE_PUBLIC_ROOT, &fid),
			 MAPI_E_NOT_FOUND);
	mbox_free(mailbox);
	mbox_free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_replica_mapping),
		cmocka_unit_test(test_per_user),
		cmocka_unit_test(test_public_store),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
