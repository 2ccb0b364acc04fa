/*
 * Unit tests of the lifetimes of mailbox Server objects
 * (mapiproxy/emsmdb/session.c shared state, objects.c): what a released
 * handle leaves to the objects opened through it.
 *
 * Copyright (C) OpenChange developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <talloc.h>

#include "testsuite/unit/emsmdb_fixture.h"

struct probe {
	int *freed;
};

static int probe_destructor(struct probe *probe)
{
	(*probe->freed)++;
	return 0;
}

/* A shared state lives while any holder does, and goes with the last. */
static void test_shared_outlives_first_holder(void **state)
{
	struct emsmdb_session *session = emsmdb_session_new(NULL, NULL);
	struct emsmdb_object *a, *b;
	struct probe *shared;
	int freed = 0;

	(void)state;
	shared = emsmdb_shared_new(session, struct probe);
	assert_non_null(shared);
	shared->freed = &freed;
	talloc_set_destructor(shared, probe_destructor);
	assert_int_equal(emsmdb_object_new_shared(session, EMSMDB_OBJECT_TEST, 0, shared, &a), MAPI_E_SUCCESS);
	assert_int_equal(emsmdb_object_new(session, EMSMDB_OBJECT_TEST, 0, &b), MAPI_E_SUCCESS);
	assert_true(emsmdb_hold(b, shared));
	assert_ptr_equal(a->private_data, shared);

	emsmdb_object_release(a);
	assert_int_equal(freed, 0);
	emsmdb_object_release(b);
	assert_int_equal(freed, 1);
	talloc_free(session);
}

/* Freeing the session frees held state once, whatever the order. */
static void test_session_frees_held_state(void **state)
{
	struct emsmdb_session *session = emsmdb_session_new(NULL, NULL);
	struct emsmdb_object *a;
	struct probe *first, *second;
	int freed = 0;

	(void)state;
	first = emsmdb_shared_new(session, struct probe);
	second = emsmdb_shared_new(session, struct probe);
	first->freed = second->freed = &freed;
	talloc_set_destructor(first, probe_destructor);
	talloc_set_destructor(second, probe_destructor);
	/* second holds first, an object holds second */
	assert_true(emsmdb_hold(second, first));
	assert_int_equal(emsmdb_object_new_shared(session, EMSMDB_OBJECT_TEST, 0, second, &a), MAPI_E_SUCCESS);
	talloc_free(session);
	assert_int_equal(freed, 2);
}

/* A state nobody came to hold can be given up. */
static void test_abandon(void **state)
{
	struct emsmdb_session *session = emsmdb_session_new(NULL, NULL);
	struct probe *shared = emsmdb_shared_new(session, struct probe);
	int freed = 0;

	(void)state;
	shared->freed = &freed;
	talloc_set_destructor(shared, probe_destructor);
	emsmdb_shared_abandon(shared);
	assert_int_equal(freed, 1);
	emsmdb_shared_abandon(NULL);
	talloc_free(session);
}

/* The logon's mailbox stays open for what holds it after RopRelease of the logon. */
static void test_logon_outlives_its_handle(void **state)
{
	struct emsmdb_fixture *f = *state;
	struct emsmdb_object *logon_object = emsmdb_object_lookup(f->session, f->logon_handle);
	struct emsmdb_logon *logon;
	struct probe *holder;
	struct rop_request release = { .rop_id = RopRelease };
	uint64_t fid = 0;
	int freed = 0;

	assert_non_null(logon_object);
	logon = logon_object->private_data;
	assert_ptr_equal(emsmdb_object_logon(logon_object), logon);
	holder = emsmdb_shared_new(f->session, struct probe);
	holder->freed = &freed;
	assert_true(emsmdb_hold(holder, logon));
	assert_int_equal(emsmdb_object_new_shared(f->session, EMSMDB_OBJECT_TEST, 0, holder, &logon_object), MAPI_E_SUCCESS);

	assert_int_equal(emsmdb_fixture_rop(f, NULL, f, &release, f->logon_handle, NULL, NULL, NULL), 0);
	assert_null(emsmdb_object_lookup(f->session, f->logon_handle));
	assert_null(emsmdb_logon_get(f->session, 0));
	/* still usable: the store is open */
	assert_int_equal(mapistore_special_folder_id(logon->store, MAPISTORE_INBOX, &fid), MAPI_E_SUCCESS);
	assert_int_equal(fid, f->folder_ids[MAPISTORE_INBOX]);
	emsmdb_object_release(logon_object);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_shared_outlives_first_holder),
		cmocka_unit_test(test_session_frees_held_state),
		cmocka_unit_test(test_abandon),
		cmocka_unit_test_setup_teardown(test_logon_outlives_its_handle, emsmdb_fixture_setup,
						emsmdb_fixture_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
