/*
 * Unit tests of the generated NDR code of MS-OXABREF (RFR): round trips of
 * every call in both directions, byte vectors written by hand from the
 * spec's IDL, and hostile input (truncations, range(), size_is).
 *
 * Copyright (C) OpenChange developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "idl/gen_ndr_rfr.h"
#include <charset.h>
#include "testsuite/unit/ndr_test_helpers.h"

/* --- the interface table ------------------------------------------------------ */

static void test_table(void **state)
{
	struct GUID uuid;

	assert_string_equal(ndr_table_rfri.name, "rfri");
	assert_int_equal(ndr_table_rfri.num_calls, 2);
	assert_true(NT_STATUS_IS_OK(GUID_from_string("1544f5e0-613c-11d1-93df-00c04fd7bd09", &uuid)));
	assert_true(GUID_equal(&ndr_table_rfri.syntax_id.uuid, &uuid));
	assert_int_equal(ndr_table_rfri.syntax_id.if_version, 1);
	assert_string_equal(ndr_table_rfri.calls[NDR_RFRGETNEWDSA].name, "RfrGetNewDSA");
	assert_string_equal(ndr_table_rfri.calls[NDR_RFRGETFQDNFROMSERVERDN].name,
			    "RfrGetFQDNFromServerDN");
	assert_int_equal(ndr_table_rfri.calls[1].struct_size, sizeof(struct RfrGetFQDNFromServerDN));
	assert_null(ndr_table_rfri.calls[2].name);
	assert_int_equal(ndr_table_rfri.endpoints->count, 1);
	assert_string_equal(ndr_table_rfri.endpoints->names[0], "ncacn_ip_tcp:");
}

/* --- RfrGetNewDSA (MS-OXABREF 3.1.4.1) ------------------------------------ */

static void test_getnewdsa_in(void **state)
{
	TALLOC_CTX *mem_ctx = talloc_new(NULL);
	struct RfrGetNewDSA r = { .in = { .ulFlags = 0x11223344, .pUserDN = "ab" } };
	const char *server = NULL, *unused = "x";
	struct RfrGetNewDSA *copy;
	DATA_BLOB wire;
	/* Written from the IDL by hand: ulFlags; pUserDN is a top-level [ref]
	 * string (no referent id): max count 3, offset 0, actual count 3,
	 * "ab\0", one pad byte; ppszUnused NULL; ppszServer a unique pointer
	 * (referent id 0x20000) to a NULL unique pointer. */
	static const uint8_t expected[] = {
		0x44, 0x33, 0x22, 0x11,
		3, 0, 0, 0,  0, 0, 0, 0,  3, 0, 0, 0,  'a', 'b', 0, 0,
		0, 0, 0, 0,
		0x00, 0x00, 0x02, 0x00,  0, 0, 0, 0,
	};

	r.in.ppszUnused = NULL;
	r.in.ppszServer = &server;
	copy = roundtrip(mem_ctx, &ndr_table_rfri, NDR_RFRGETNEWDSA, NDR_IN, &r, &wire);
	assert_blob_equal(wire, expected, sizeof(expected));
	assert_int_equal(copy->in.ulFlags, 0x11223344);
	assert_string_equal(copy->in.pUserDN, "ab");
	assert_null(copy->in.ppszUnused);
	assert_non_null(copy->in.ppszServer);
	assert_null(*copy->in.ppszServer);

	/* both optional strings present */
	r.in.ppszUnused = &unused;
	server = "nspi.example.org";
	copy = roundtrip(mem_ctx, &ndr_table_rfri, NDR_RFRGETNEWDSA, NDR_IN, &r, NULL);
	assert_string_equal(*copy->in.ppszUnused, "x");
	assert_string_equal(*copy->in.ppszServer, "nspi.example.org");
	talloc_free(mem_ctx);
}

static void test_getnewdsa_out(void **state)
{
	TALLOC_CTX *mem_ctx = talloc_new(NULL);
	const char *server = "dc1.example.org";
	struct RfrGetNewDSA r = { .out = { .ppszServer = &server, .result = 0x80004005 } };
	struct RfrGetNewDSA *copy;
	DATA_BLOB wire;
	static const uint8_t expected[] = {
		0, 0, 0, 0,				/* ppszUnused NULL */
		0x00, 0x00, 0x02, 0x00,			/* ppszServer -> */
		0x04, 0x00, 0x02, 0x00,			/* -> string */
		16, 0, 0, 0,  0, 0, 0, 0,  16, 0, 0, 0,
		'd', 'c', '1', '.', 'e', 'x', 'a', 'm', 'p', 'l', 'e', '.', 'o', 'r', 'g', 0,
		0x05, 0x40, 0x00, 0x80,			/* result */
	};

	copy = roundtrip(mem_ctx, &ndr_table_rfri, NDR_RFRGETNEWDSA, NDR_OUT, &r, &wire);
	assert_blob_equal(wire, expected, sizeof(expected));
	assert_null(copy->out.ppszUnused);
	assert_string_equal(*copy->out.ppszServer, "dc1.example.org");
	assert_int_equal(copy->out.result, 0x80004005);
	talloc_free(mem_ctx);
}

/* --- RfrGetFQDNFromServerDN (MS-OXABREF 3.1.4.2) ----------------------------- */

#define SERVER_DN "/o=Example/ou=Exchange Administrative Group/cn=Configuration/cn=Servers/cn=MAIL"

static void test_getfqdn_in(void **state)
{
	TALLOC_CTX *mem_ctx = talloc_new(NULL);
	struct RfrGetFQDNFromServerDN r = { .in = {
		.ulFlags = 0, .cbMailboxServerDN = sizeof(SERVER_DN),
		.szMailboxServerDN = SERVER_DN } };
	struct RfrGetFQDNFromServerDN *copy;

	copy = roundtrip(mem_ctx, &ndr_table_rfri, NDR_RFRGETFQDNFROMSERVERDN, NDR_IN, &r, NULL);
	assert_int_equal(copy->in.cbMailboxServerDN, sizeof(SERVER_DN));
	assert_string_equal(copy->in.szMailboxServerDN, SERVER_DN);
	/* the server gets storage for its [out,ref] answer */
	assert_non_null(copy->out.ppszServerFQDN);
	assert_null(*copy->out.ppszServerFQDN);

	/* a buffer larger than the string: size_is gives the max count */
	r.in.cbMailboxServerDN = sizeof(SERVER_DN) + 10;
	copy = roundtrip(mem_ctx, &ndr_table_rfri, NDR_RFRGETFQDNFROMSERVERDN, NDR_IN, &r, NULL);
	assert_int_equal(copy->in.cbMailboxServerDN, sizeof(SERVER_DN) + 10);
	talloc_free(mem_ctx);
}

static void test_getfqdn_out(void **state)
{
	TALLOC_CTX *mem_ctx = talloc_new(NULL);
	const char *fqdn = "mail.example.org";
	struct RfrGetFQDNFromServerDN r = { .out = { .ppszServerFQDN = &fqdn } };
	struct RfrGetFQDNFromServerDN *copy;

	copy = roundtrip(mem_ctx, &ndr_table_rfri, NDR_RFRGETFQDNFROMSERVERDN, NDR_OUT, &r, NULL);
	assert_string_equal(*copy->out.ppszServerFQDN, "mail.example.org");
	assert_int_equal(copy->out.result, 0);

	/* a NULL answer (the server failed) */
	fqdn = NULL;
	r.out.result = 0x8004010f;
	copy = roundtrip(mem_ctx, &ndr_table_rfri, NDR_RFRGETFQDNFROMSERVERDN, NDR_OUT, &r, NULL);
	assert_null(*copy->out.ppszServerFQDN);
	assert_int_equal(copy->out.result, 0x8004010f);
	talloc_free(mem_ctx);
}

/* --- hostile input ------------------------------------------------------------ */

static void test_getfqdn_hostile(void **state)
{
	TALLOC_CTX *mem_ctx = talloc_new(NULL);
	void *r;
	/* cbMailboxServerDN 9: below range(10,1024) */
	static const uint8_t short_cb[] = {
		0, 0, 0, 0,  9, 0, 0, 0,
		9, 0, 0, 0,  0, 0, 0, 0,  9, 0, 0, 0,  '/', 'o', '=', 'a', 'b', 'c', 'd', 'e', 0,
	};
	/* cbMailboxServerDN 1025: above the range */
	static const uint8_t long_cb[] = {
		0, 0, 0, 0,  0x01, 0x04, 0, 0,
		0x01, 0x04, 0, 0,  0, 0, 0, 0,  2, 0, 0, 0,  'x', 0,
	};
	/* max count 12 but size_is(cbMailboxServerDN) says 11 */
	static const uint8_t size_mismatch[] = {
		0, 0, 0, 0,  11, 0, 0, 0,
		12, 0, 0, 0,  0, 0, 0, 0,  11, 0, 0, 0,
		'/', 'o', '=', 'a', 'b', 'c', 'd', 'e', 'f', 'g', 0,
	};
	/* actual count larger than max count */
	static const uint8_t length_over_size[] = {
		0, 0, 0, 0,  11, 0, 0, 0,
		11, 0, 0, 0,  0, 0, 0, 0,  12, 0, 0, 0,
		'/', 'o', '=', 'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 0,
	};
	/* no NUL terminator */
	static const uint8_t no_nul[] = {
		0, 0, 0, 0,  11, 0, 0, 0,
		11, 0, 0, 0,  0, 0, 0, 0,  11, 0, 0, 0,
		'/', 'o', '=', 'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h',
	};
	/* a non-zero offset */
	static const uint8_t offset[] = {
		0, 0, 0, 0,  11, 0, 0, 0,
		11, 0, 0, 0,  1, 0, 0, 0,  10, 0, 0, 0,
		'/', 'o', '=', 'a', 'b', 'c', 'd', 'e', 'f', 0,
	};
	/* a huge actual count must not allocate or read past the end */
	static const uint8_t huge[] = {
		0, 0, 0, 0,  11, 0, 0, 0,
		0xff, 0xff, 0xff, 0xff,  0, 0, 0, 0,  0xff, 0xff, 0xff, 0xff,  'x', 0,
	};

	assert_int_equal(pull_bytes(mem_ctx, &ndr_table_rfri, 1, NDR_IN, short_cb,
				    sizeof(short_cb), &r), NDR_ERR_RANGE);
	assert_int_equal(pull_bytes(mem_ctx, &ndr_table_rfri, 1, NDR_IN, long_cb,
				    sizeof(long_cb), &r), NDR_ERR_RANGE);
	assert_int_equal(pull_bytes(mem_ctx, &ndr_table_rfri, 1, NDR_IN, size_mismatch,
				    sizeof(size_mismatch), &r), NDR_ERR_ARRAY_SIZE);
	assert_int_not_equal(pull_bytes(mem_ctx, &ndr_table_rfri, 1, NDR_IN, length_over_size,
					sizeof(length_over_size), &r), NDR_ERR_SUCCESS);
	assert_int_not_equal(pull_bytes(mem_ctx, &ndr_table_rfri, 1, NDR_IN, no_nul,
					sizeof(no_nul), &r), NDR_ERR_SUCCESS);
	assert_int_equal(pull_bytes(mem_ctx, &ndr_table_rfri, 1, NDR_IN, offset,
				    sizeof(offset), &r), NDR_ERR_ARRAY_SIZE);
	assert_int_not_equal(pull_bytes(mem_ctx, &ndr_table_rfri, 1, NDR_IN, huge,
					sizeof(huge), &r), NDR_ERR_SUCCESS);
	talloc_free(mem_ctx);
}

static void test_getnewdsa_hostile(void **state)
{
	TALLOC_CTX *mem_ctx = talloc_new(NULL);
	void *r;
	/* a zero actual count: a [string] holds at least its NUL */
	static const uint8_t empty_string[] = {
		0, 0, 0, 0,  1, 0, 0, 0,  0, 0, 0, 0,  0, 0, 0, 0,
		0, 0, 0, 0,  0, 0, 0, 0,
	};
	/* trailing bytes after the last parameter */
	static const uint8_t trailing[] = {
		0, 0, 0, 0,  1, 0, 0, 0,  0, 0, 0, 0,  1, 0, 0, 0,  0, 0, 0, 0,
		0, 0, 0, 0,  0, 0, 0, 0,  0xee,
	};

	assert_int_not_equal(pull_bytes(mem_ctx, &ndr_table_rfri, 0, NDR_IN, empty_string,
					sizeof(empty_string), &r), NDR_ERR_SUCCESS);
	assert_int_equal(pull_bytes(mem_ctx, &ndr_table_rfri, 0, NDR_IN, trailing,
				    sizeof(trailing), &r), NDR_ERR_UNREAD_BYTES);
	talloc_free(mem_ctx);
}

static void test_push_refuses_null_ref(void **state)
{
	TALLOC_CTX *mem_ctx = talloc_new(NULL);
	struct RfrGetNewDSA r = { .in = { .pUserDN = NULL } };
	struct ndr_push *ndr = ndr_push_init_ctx(mem_ctx);

	assert_int_equal(ndr_push_RfrGetNewDSA(ndr, NDR_IN, &r), NDR_ERR_INVALID_POINTER);
	talloc_free(mem_ctx);
}

/* --- the compiler refuses what it does not support, naming file and line --- */

static void expect_refusal(const char *body, const char *message)
{
	TALLOC_CTX *mem_ctx = talloc_new(NULL);
	char dir[] = "/tmp/oc_ocidl_XXXXXX", output[1024] = "";
	char *idl, *command, *expected;
	FILE *f, *compiler;
	size_t len;

	assert_non_null(mkdtemp(dir));
	idl = talloc_asprintf(mem_ctx, "%s/bad.idl", dir);
	f = fopen(idl, "w");
	assert_non_null(f);
	fprintf(f, "[uuid(\"12345678-1234-1234-1234-123456789abc\"), version(1.0)]\n"
		   "interface bad {\n%s\n}\n", body);
	fclose(f);
	command = talloc_asprintf(mem_ctx, "/usr/bin/python3 -B %s/idl/ocidl.py --outdir %s %s 2>&1",
				  OC_SRCDIR, dir, idl);
	compiler = popen(command, "r");
	assert_non_null(compiler);
	len = fread(output, 1, sizeof(output) - 1, compiler);
	output[len] = '\0';
	assert_int_not_equal(pclose(compiler), 0);
	expected = talloc_asprintf(mem_ctx, "%s:3: error: %s", idl, message);
	if (strstr(output, expected) == NULL) {
		fail_msg("expected \"%s\", got \"%s\"", expected, output);
	}
	unlink(idl);
	rmdir(dir);
	talloc_free(mem_ctx);
}

static void test_compiler_refusals(void **state)
{
	expect_refusal("typedef struct { [ptr] uint32 *p; } S;", "full pointers");
	expect_refusal("typedef struct { uint32 n; uint32 a[]; } S;",
		       "'a': a conformant array [] needs size_is()");
	expect_refusal("typedef struct { uint32 n; [size_is(m)] uint32 *a; } S;",
		       "'m' is not a member or parameter here");
	expect_refusal("typedef struct { uint32 a[2][3]; } S;", "'a': multi-dimensional arrays");
	expect_refusal("typedef pipe uint8 P;", "typedef of 'pipe' is not supported");
	expect_refusal("uint32 F([out] uint32 x);", "'x': [out] parameters must be pointers");
	expect_refusal("uint32 F([in,string] uint8 *s);", "'s': [string] needs charset");
	expect_refusal("typedef struct { foo x; } S;", "unknown type 'foo'");
	expect_refusal("typedef enum { A = 1 } E;", "enum E: give its width");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_getnewdsa_in),
		cmocka_unit_test(test_getnewdsa_out),
		cmocka_unit_test(test_getfqdn_in),
		cmocka_unit_test(test_getfqdn_out),
		cmocka_unit_test(test_getfqdn_hostile),
		cmocka_unit_test(test_getnewdsa_hostile),
		cmocka_unit_test(test_push_refuses_null_ref),
		cmocka_unit_test(test_compiler_refusals),
	};

	int failed = cmocka_run_group_tests(tests, NULL, NULL);

	/* libsamba-util caches an iconv handle for the string conversions;
	 * drop it so that valgrind reports only our own memory */
	free_iconv_handle();
	return failed;
}
