/*
 * Unit tests of the mapiproxy parts that need no running samba: the
 * interface facts, caller admission and the endpoint option.
 *
 * Copyright (C) OpenChange developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "mapiproxy/mapiproxy.h"
#include "mapiproxy/server_dn.h"

/* The interface facts as the specs write them (section 1.9 of each). */
static const struct {
	const char *name;
	const char *uuid;
	uint16_t major, minor;
	uint32_t num_calls;
} spec_interfaces[] = {
	{ "rfri", "1544f5e0-613c-11d1-93df-00c04fd7bd09", 1, 0, 2 },
	{ "nspi", "f5cc5a18-4264-101a-8c59-08002b2f8426", 56, 0, 21 },
	{ "emsmdb", "a4f1db00-ca47-1067-b31f-00dd010662da", 0, 81, 15 },
	{ "asyncemsmdb", "5261574a-4572-206e-b268-6b199213b4e4", 0, 1, 1 },
};

static void test_interfaces_match_specs(void **state)
{
	TALLOC_CTX *mem_ctx = talloc_new(NULL);
	size_t i;

	assert_int_equal(mapiproxy_num_interfaces, 4);
	for (i = 0; i < 4; i++) {
		const struct mapiproxy_interface *mi = mapiproxy_interface_by_name(spec_interfaces[i].name);
		struct GUID uuid;

		assert_non_null(mi);
		assert_string_equal(GUID_string(mem_ctx, &mi->table->syntax_id.uuid), spec_interfaces[i].uuid);
		/* DCE/RPC syntax versions: major in the low, minor in the high half-word */
		assert_int_equal(mi->table->syntax_id.if_version & 0xffff, spec_interfaces[i].major);
		assert_int_equal(mi->table->syntax_id.if_version >> 16, spec_interfaces[i].minor);
		assert_int_equal(mi->table->num_calls, spec_interfaces[i].num_calls);

		assert_true(NT_STATUS_IS_OK(GUID_from_string(spec_interfaces[i].uuid, &uuid)));
		assert_ptr_equal(mapiproxy_interface_by_syntax(&uuid, mi->table->syntax_id.if_version), mi);
		assert_null(mapiproxy_interface_by_syntax(&uuid, mi->table->syntax_id.if_version + 1));
	}
	talloc_free(mem_ctx);
}

static void test_interface_lookup_misses(void **state)
{
	struct GUID samr;

	assert_null(mapiproxy_interface_by_name("samr"));
	assert_null(mapiproxy_interface_by_name(""));
	assert_null(mapiproxy_interface_by_name(NULL));
	assert_true(NT_STATUS_IS_OK(GUID_from_string("12345778-1234-abcd-ef00-0123456789ac", &samr)));
	assert_null(mapiproxy_interface_by_syntax(&samr, 1));
}

static struct security_token *token_for(TALLOC_CTX *mem_ctx, const char *sid)
{
	struct security_token *token = talloc_zero(mem_ctx, struct security_token);

	token->num_sids = 1;
	token->sids = talloc_zero_array(token, struct dom_sid, 1);
	/* dom_sid_parse lives in a private Samba library: build by hand. */
	if (strcmp(sid, "S-1-5-7") == 0) {
		token->sids[0] = (struct dom_sid) {
			.sid_rev_num = 1, .num_auths = 1,
			.id_auth = { 0, 0, 0, 0, 0, 5 }, .sub_auths = { 7 },
		};
	} else {
		/* S-1-5-21-1-2-3-1104, an ordinary domain user */
		token->sids[0] = (struct dom_sid) {
			.sid_rev_num = 1, .num_auths = 5,
			.id_auth = { 0, 0, 0, 0, 0, 5 }, .sub_auths = { 21, 1, 2, 3, 1104 },
		};
	}
	return token;
}

static void test_admission(void **state)
{
	TALLOC_CTX *mem_ctx = talloc_new(NULL);
	struct security_token *user = token_for(mem_ctx, "user");
	struct security_token *anonymous = token_for(mem_ctx, "S-1-5-7");
	struct security_token empty = { .num_sids = 0 };

	assert_int_equal(mapiproxy_admit_caller(DCERPC_AUTH_TYPE_NTLMSSP, DCERPC_AUTH_LEVEL_INTEGRITY, user),
			 MAPIPROXY_ADMIT);
	assert_int_equal(mapiproxy_admit_caller(DCERPC_AUTH_TYPE_SPNEGO, DCERPC_AUTH_LEVEL_PRIVACY, user),
			 MAPIPROXY_ADMIT);
	assert_int_equal(mapiproxy_admit_caller(DCERPC_AUTH_TYPE_NTLMSSP, DCERPC_AUTH_LEVEL_CONNECT, user),
			 MAPIPROXY_REFUSE_AUTH_LEVEL);
	assert_int_equal(mapiproxy_admit_caller(DCERPC_AUTH_TYPE_NONE, DCERPC_AUTH_LEVEL_NONE, anonymous),
			 MAPIPROXY_REFUSE_UNAUTHENTICATED);
	assert_int_equal(mapiproxy_admit_caller(DCERPC_AUTH_TYPE_NTLMSSP, DCERPC_AUTH_LEVEL_PRIVACY, anonymous),
			 MAPIPROXY_REFUSE_ANONYMOUS);
	assert_int_equal(mapiproxy_admit_caller(DCERPC_AUTH_TYPE_NTLMSSP, DCERPC_AUTH_LEVEL_PRIVACY, NULL),
			 MAPIPROXY_REFUSE_UNAUTHENTICATED);
	assert_int_equal(mapiproxy_admit_caller(DCERPC_AUTH_TYPE_NTLMSSP, DCERPC_AUTH_LEVEL_PRIVACY, &empty),
			 MAPIPROXY_REFUSE_UNAUTHENTICATED);
	assert_string_equal(mapiproxy_admission_string(MAPIPROXY_REFUSE_ANONYMOUS), "refused: anonymous logon");
	talloc_free(mem_ctx);
}

static void test_tcp_endpoint(void **state)
{
	static const char *bad[] = { "0", "65536", "99999", "123456", "-1", "+80", " 80", "80 ", "0x50", "abc", "8o" };
	TALLOC_CTX *mem_ctx = talloc_new(NULL);
	const char *error = "unset";
	size_t i;

	assert_string_equal(mapiproxy_tcp_endpoint(mem_ctx, NULL, &error), "ncacn_ip_tcp:");
	assert_null(error);
	assert_string_equal(mapiproxy_tcp_endpoint(mem_ctx, "", &error), "ncacn_ip_tcp:");
	assert_string_equal(mapiproxy_tcp_endpoint(mem_ctx, "1", &error), "ncacn_ip_tcp:[1]");
	assert_string_equal(mapiproxy_tcp_endpoint(mem_ctx, "6004", &error), "ncacn_ip_tcp:[6004]");
	assert_string_equal(mapiproxy_tcp_endpoint(mem_ctx, "65535", &error), "ncacn_ip_tcp:[65535]");
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		error = NULL;
		assert_null(mapiproxy_tcp_endpoint(mem_ctx, bad[i], &error));
		assert_non_null(error);
	}
	talloc_free(mem_ctx);
}

/* MS-OXABREF 3.1.4.2: the forms a mailbox server DN may take. */
static void test_server_dn_forms(void **state)
{
	TALLOC_CTX *mem_ctx = talloc_new(NULL);
	struct server_dn sdn;
	char *canonical;

	assert_true(server_dn_parse(mem_ctx,
		"/o=First Organization/ou=First Administrative Group/cn=Configuration/cn=Servers/cn=DC1",
		&sdn));
	assert_string_equal(sdn.organization, "First Organization");
	assert_string_equal(sdn.admin_group, "First Administrative Group");
	assert_null(sdn.instance);
	assert_string_equal(sdn.server, "DC1");
	assert_int_equal(sdn.database, SERVER_DN_NO_DATABASE);
	canonical = server_dn_canonical(mem_ctx, &sdn);
	assert_string_equal(canonical,
		"/o=First Organization/ou=First Administrative Group/cn=Configuration/cn=Servers/cn=DC1");

	/* the optional instance element, upper-case types, a database suffix */
	assert_true(server_dn_parse(mem_ctx,
		"/O=Org/OU=AG/CN=configuration/CN=servers/CN=inst/CN=dc1/CN=Microsoft Private MDB",
		&sdn));
	assert_string_equal(sdn.instance, "inst");
	assert_string_equal(sdn.server, "dc1");
	assert_int_equal(sdn.database, SERVER_DN_PRIVATE_MDB);

	assert_true(server_dn_parse(mem_ctx,
		"/o=Org/ou=AG/cn=Configuration/cn=Servers/cn=dc1/cn=Microsoft Public MDB", &sdn));
	assert_null(sdn.instance);
	assert_int_equal(sdn.database, SERVER_DN_PUBLIC_MDB);
	talloc_free(mem_ctx);
}

static void test_server_dn_refuses(void **state)
{
	static const char *const bad[] = {
		"",
		"dc1",
		"/o=Org",
		"/o=Org/ou=AG/cn=Configuration/cn=Servers",			/* no server */
		"/o=Org/ou=AG/cn=Recipients/cn=alice",				/* a user */
		"/ou=AG/o=Org/cn=Configuration/cn=Servers/cn=dc1",		/* order */
		"/o=Org/ou=AG/cn=Configuration/cn=Servers/cn=",			/* empty value */
		"/o=Org/ou=AG/cn=Configuration/cn=Servers/=dc1",		/* empty type */
		"/o=Org/ou=AG/cn=Configuration/cn=Servers/cn=dc1/",		/* trailing slash */
		"/o=Org/ou=AG/cn=Configuration/cn=Servers/cn=a/cn=b/cn=c",	/* too deep */
		"/o=Org/ou=AG/cn=Configuration/cn=Servers/cn=Microsoft Private MDB",
		"/o=Org/ou=AG/cn=Configuration/cn=Servers/cn=a/cn=b/cn=c/cn=d/cn=e/cn=f/cn=g",
		"o=Org/ou=AG/cn=Configuration/cn=Servers/cn=dc1",		/* no leading slash */
		"/o=Org/ou=AG/cn=Configuration/cn=Servers/ou=dc1",		/* wrong type */
	};
	TALLOC_CTX *mem_ctx = talloc_new(NULL);
	struct server_dn sdn;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (server_dn_parse(mem_ctx, bad[i], &sdn)) {
			fail_msg("accepted \"%s\"", bad[i]);
		}
		assert_null(sdn.server);
	}
	assert_false(server_dn_parse(mem_ctx, NULL, &sdn));
	talloc_free(mem_ctx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_interfaces_match_specs),
		cmocka_unit_test(test_interface_lookup_misses),
		cmocka_unit_test(test_admission),
		cmocka_unit_test(test_tcp_endpoint),
		cmocka_unit_test(test_server_dn_forms),
		cmocka_unit_test(test_server_dn_refuses),
	};

	return cmocka_run_group_tests_name("mapiproxy", tests, NULL, NULL);
}
