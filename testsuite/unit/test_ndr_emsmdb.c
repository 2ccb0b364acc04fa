/*
 * Unit tests of the generated NDR code of MS-OXCRPC (EMSMDB and AsyncEMSMDB): round trips of
 * every call in both directions, byte vectors written by hand from the
 * spec's IDL, and hostile input (truncations, range(), size_is).
 *
 * Copyright (C) OpenChange developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "idl/gen_ndr_emsmdb.h"
#include <charset.h>
#include "testsuite/unit/ndr_test_helpers.h"

/* --- the interface tables (MS-OXCRPC 1.9, 3.1.4, 3.3.4) ------------------------- */

static void test_tables(void **state)
{
	static const char *names[] = {
		"Opnum0NotUsedOnWire", "EcDoDisconnect", "Opnum2NotUsedOnWire",
		"Opnum3NotUsedOnWire", "EcRRegisterPushNotification", "Opnum5NotUsedOnWire",
		"EcDummyRpc", "Opnum7NotUsedOnWire", "Opnum8NotUsedOnWire",
		"Opnum9NotUsedOnWire", "EcDoConnectEx", "EcDoRpcExt2",
		"Opnum12NotUsedOnWire", "Opnum13NotUsedOnWire", "EcDoAsyncConnectEx",
	};
	struct GUID uuid;
	uint32_t i;

	assert_int_equal(ndr_table_emsmdb.num_calls, 15);
	for (i = 0; i < 15; i++) {
		assert_string_equal(ndr_table_emsmdb.calls[i].name, names[i]);
	}
	assert_true(NT_STATUS_IS_OK(GUID_from_string("a4f1db00-ca47-1067-b31f-00dd010662da", &uuid)));
	assert_true(GUID_equal(&ndr_table_emsmdb.syntax_id.uuid, &uuid));
	assert_int_equal(ndr_table_emsmdb.syntax_id.if_version, (81 << 16) | 0);
	assert_int_equal(NDR_ECDORPCEXT2, 11);
	assert_int_equal(NDR_ECDOCONNECTEX, 10);
	assert_int_equal(NDR_ECDOASYNCCONNECTEX, 14);

	assert_int_equal(ndr_table_asyncemsmdb.num_calls, 1);
	assert_string_equal(ndr_table_asyncemsmdb.calls[0].name, "EcDoAsyncWaitEx");
	assert_true(NT_STATUS_IS_OK(GUID_from_string("5261574a-4572-206e-b268-6b199213b4e4", &uuid)));
	assert_true(GUID_equal(&ndr_table_asyncemsmdb.syntax_id.uuid, &uuid));
	assert_int_equal(ndr_table_asyncemsmdb.syntax_id.if_version, (1 << 16) | 0);
}

static const struct policy_handle session = {
	.handle_type = 1,
	.uuid = { 0x01020304, 0x0506, 0x0708, { 0x09, 0x0a }, { 0x0b, 0x0c, 0x0d, 0x0e, 0x0f, 0x10 } },
};
#define SESSION_BYTES 1, 0, 0, 0, 4, 3, 2, 1, 6, 5, 8, 7, 9, 10, 11, 12, 13, 14, 15, 16

/* The reserved opnums carry nothing in either direction. */
static void test_not_used_on_wire(void **state)
{
	static const uint32_t reserved[] = { 0, 2, 3, 5, 7, 8, 9, 12, 13 };
	TALLOC_CTX *mem_ctx = talloc_new(NULL);
	size_t i;

	for (i = 0; i < sizeof(reserved) / sizeof(reserved[0]); i++) {
		const struct ndr_interface_call *call = call_of(&ndr_table_emsmdb, reserved[i]);
		void *r = talloc_zero_size(mem_ctx, call->struct_size);
		DATA_BLOB wire;

		roundtrip(mem_ctx, &ndr_table_emsmdb, reserved[i], NDR_IN, r, &wire);
		assert_int_equal(wire.length, 0);
		roundtrip(mem_ctx, &ndr_table_emsmdb, reserved[i], NDR_OUT, r, &wire);
		assert_int_equal(wire.length, 0);
	}
	talloc_free(mem_ctx);
}

static void test_disconnect_and_dummy(void **state)
{
	TALLOC_CTX *mem_ctx = talloc_new(NULL);
	struct policy_handle in = session, out = { 0 };
	struct EcDoDisconnect d = { .in = { .pcxh = &in }, .out = { .pcxh = &out, .result = 0 } };
	struct EcDummyRpc dummy = { .out = { .result = 0x000004b6 } };
	struct EcDoDisconnect *dcopy;
	struct EcDummyRpc *ycopy;
	DATA_BLOB wire;
	static const uint8_t expected_in[] = { SESSION_BYTES };

	dcopy = roundtrip(mem_ctx, &ndr_table_emsmdb, NDR_ECDODISCONNECT, NDR_IN, &d, &wire);
	assert_blob_equal(wire, expected_in, sizeof(expected_in));
	assert_true(ndr_policy_handle_equal(dcopy->in.pcxh, &session));
	/* the [in,out] handle starts out as the [in] value on the server */
	assert_true(ndr_policy_handle_equal(dcopy->out.pcxh, &session));
	dcopy = roundtrip(mem_ctx, &ndr_table_emsmdb, NDR_ECDODISCONNECT, NDR_OUT, &d, &wire);
	assert_int_equal(wire.length, 24);
	assert_true(ndr_policy_handle_empty(dcopy->out.pcxh));

	roundtrip(mem_ctx, &ndr_table_emsmdb, NDR_ECDUMMYRPC, NDR_IN, &dummy, &wire);
	assert_int_equal(wire.length, 0);
	ycopy = roundtrip(mem_ctx, &ndr_table_emsmdb, NDR_ECDUMMYRPC, NDR_OUT, &dummy, &wire);
	assert_int_equal(ycopy->out.result, 0x000004b6);
	talloc_free(mem_ctx);
}

static void test_register_push_notification(void **state)
{
	TALLOC_CTX *mem_ctx = talloc_new(NULL);
	struct policy_handle h = session;
	uint8_t context[] = { 0xde, 0xad, 0xbe };
	uint8_t address[16] = { 0x02, 0x00, 0x13, 0x88, 127, 0, 0, 1 };
	uint32_t notification = 0x55;
	struct EcRRegisterPushNotification r = {
		.in = { .pcxh = &h, .iRpc = 7, .rgbContext = context, .cbContext = 3,
			.grbitAdviseBits = 0xffffffff, .rgbCallbackAddress = address,
			.cbCallbackAddress = 16 },
		.out = { .pcxh = &h, .hNotification = &notification, .result = 0 },
	};
	struct EcRRegisterPushNotification *copy;
	DATA_BLOB wire;
	static const uint8_t expected_in[] = {
		SESSION_BYTES,
		7, 0, 0, 0,				/* iRpc */
		3, 0, 0, 0, 0xde, 0xad, 0xbe,		/* rgbContext: max count, bytes */
		0, 3, 0,				/* pad to 2, cbContext */
		0, 0,					/* pad to 4 */
		0xff, 0xff, 0xff, 0xff,			/* grbitAdviseBits */
		16, 0, 0, 0,  2, 0, 0x13, 0x88, 127, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0,
		16, 0,					/* cbCallbackAddress */
	};

	copy = roundtrip(mem_ctx, &ndr_table_emsmdb, NDR_ECRREGISTERPUSHNOTIFICATION, NDR_IN, &r, &wire);
	assert_blob_equal(wire, expected_in, sizeof(expected_in));
	assert_int_equal(copy->in.cbContext, 3);
	assert_memory_equal(copy->in.rgbContext, context, 3);
	assert_memory_equal(copy->in.rgbCallbackAddress, address, 16);
	copy = roundtrip(mem_ctx, &ndr_table_emsmdb, NDR_ECRREGISTERPUSHNOTIFICATION, NDR_OUT, &r, NULL);
	assert_int_equal(*copy->out.hNotification, 0x55);

	/* empty context: a zero-length conformant array */
	r.in.cbContext = 0;
	r.in.rgbContext = NULL;
	roundtrip(mem_ctx, &ndr_table_emsmdb, NDR_ECRREGISTERPUSHNOTIFICATION, NDR_IN, &r, NULL);
	talloc_free(mem_ctx);
}

static void test_connect_ex(void **state)
{
	TALLOC_CTX *mem_ctx = talloc_new(NULL);
	struct policy_handle h = session;
	uint32_t polls = 60000, retry = 6, delay = 10000, stamp = 0x1234, auxout = 0x1008;
	uint16_t icxr = 42;
	const char *prefix = "/o=Example/ou=First Administrative Group",
		*display = "Alice Liddell";
	uint8_t auxin[] = { 0x10, 0x00, 0x01, 0x01, 0xaa };
	uint8_t aux_answer[] = { 1, 2, 3, 4, 5, 6 };
	struct EcDoConnectEx r = {
		.in = { .szUserDN = "/o=Example/ou=First Administrative Group/cn=Recipients/cn=alice",
			.ulFlags = 0, .ulConMod = 0x1c8, .cbLimit = 0, .ulCpid = 1252,
			.ulLcidString = 1033, .ulLcidSort = 1033, .ulIcxrLink = 0xffffffff,
			.usFCanConvertCodePages = 1, .rgwClientVersion = { 12, 0x8000, 0x1234 },
			.pulTimeStamp = &stamp, .rgbAuxIn = auxin, .cbAuxIn = sizeof(auxin),
			.pcbAuxOut = &auxout },
		.out = { .pcxh = &h, .pcmsPollsMax = &polls, .pcRetry = &retry,
			 .pcmsRetryDelay = &delay, .picxr = &icxr, .szDNPrefix = &prefix,
			 .szDisplayName = &display, .rgwServerVersion = { 8, 0x8000, 0x0d2b },
			 .rgwBestVersion = { 8, 0x8000, 0x0d2b }, .pulTimeStamp = &stamp,
			 .rgbAuxOut = aux_answer, .pcbAuxOut = NULL, .result = 0 },
	};
	struct EcDoConnectEx *copy;
	uint32_t aux_len = sizeof(aux_answer);

	copy = roundtrip(mem_ctx, &ndr_table_emsmdb, NDR_ECDOCONNECTEX, NDR_IN, &r, NULL);
	assert_string_equal(copy->in.szUserDN, r.in.szUserDN);
	assert_int_equal(copy->in.ulCpid, 1252);
	assert_int_equal(copy->in.rgwClientVersion[1], 0x8000);
	assert_int_equal(*copy->in.pulTimeStamp, 0x1234);
	assert_memory_equal(copy->in.rgbAuxIn, auxin, sizeof(auxin));
	assert_int_equal(*copy->out.pcbAuxOut, 0x1008);

	r.out.pcbAuxOut = &aux_len;
	copy = roundtrip(mem_ctx, &ndr_table_emsmdb, NDR_ECDOCONNECTEX, NDR_OUT, &r, NULL);
	assert_true(ndr_policy_handle_equal(copy->out.pcxh, &session));
	assert_int_equal(*copy->out.pcmsPollsMax, 60000);
	assert_int_equal(*copy->out.picxr, 42);
	assert_string_equal(*copy->out.szDNPrefix, prefix);
	assert_string_equal(*copy->out.szDisplayName, display);
	assert_int_equal(copy->out.rgwBestVersion[2], 0x0d2b);
	assert_int_equal(*copy->out.pcbAuxOut, sizeof(aux_answer));
	assert_memory_equal(copy->out.rgbAuxOut, aux_answer, sizeof(aux_answer));

	/* NULL strings in the answer (unique second-level pointers) */
	prefix = NULL;
	display = NULL;
	copy = roundtrip(mem_ctx, &ndr_table_emsmdb, NDR_ECDOCONNECTEX, NDR_OUT, &r, NULL);
	assert_null(*copy->out.szDNPrefix);
	talloc_free(mem_ctx);
}

static void test_rpc_ext2(void **state)
{
	TALLOC_CTX *mem_ctx = talloc_new(NULL);
	struct policy_handle h = session;
	uint32_t flags = 3, out_size = 0x40000, aux_size = 0x1008, trans = 77;
	uint8_t rop[] = { 'h', 'e', 'l', 'l', 'o' };
	struct EcDoRpcExt2 r = {
		.in = { .pcxh = &h, .pulFlags = &flags, .rgbIn = rop, .cbIn = 5,
			.pcbOut = &out_size, .rgbAuxIn = NULL, .cbAuxIn = 0,
			.pcbAuxOut = &aux_size },
	};
	struct EcDoRpcExt2 *copy;
	DATA_BLOB wire;
	static const uint8_t expected_in[] = {
		SESSION_BYTES,
		3, 0, 0, 0,				/* pulFlags */
		5, 0, 0, 0, 'h', 'e', 'l', 'l', 'o', 0, 0, 0,	/* rgbIn */
		5, 0, 0, 0,				/* cbIn */
		0, 0, 4, 0,				/* pcbOut */
		0, 0, 0, 0,				/* rgbAuxIn: max count 0 */
		0, 0, 0, 0,				/* cbAuxIn */
		0x08, 0x10, 0, 0,			/* pcbAuxOut */
	};
	/* rgbOut is conformant and varying, sized by the [out] *pcbOut */
	static const uint8_t expected_out[] = {
		SESSION_BYTES,
		3, 0, 0, 0,
		3, 0, 0, 0,  0, 0, 0, 0,  3, 0, 0, 0,  0xaa, 0xbb, 0xcc, 0,
		3, 0, 0, 0,				/* pcbOut */
		0, 0, 0, 0,  0, 0, 0, 0,  0, 0, 0, 0,	/* rgbAuxOut empty */
		0, 0, 0, 0,				/* pcbAuxOut */
		77, 0, 0, 0,				/* pulTransTime */
		0, 0, 0, 0,				/* result */
	};
	uint8_t answer[] = { 0xaa, 0xbb, 0xcc };
	uint32_t answer_len = 3, aux_len = 0;

	copy = roundtrip(mem_ctx, &ndr_table_emsmdb, NDR_ECDORPCEXT2, NDR_IN, &r, &wire);
	assert_blob_equal(wire, expected_in, sizeof(expected_in));
	assert_int_equal(copy->in.cbIn, 5);
	assert_memory_equal(copy->in.rgbIn, rop, 5);
	assert_int_equal(*copy->in.pcbOut, 0x40000);
	assert_int_equal(copy->in.cbAuxIn, 0);

	r.out.pcxh = &h;
	r.out.pulFlags = &flags;
	r.out.rgbOut = answer;
	r.out.pcbOut = &answer_len;
	r.out.rgbAuxOut = NULL;
	r.out.pcbAuxOut = &aux_len;
	r.out.pulTransTime = &trans;
	copy = roundtrip(mem_ctx, &ndr_table_emsmdb, NDR_ECDORPCEXT2, NDR_OUT, &r, &wire);
	assert_blob_equal(wire, expected_out, sizeof(expected_out));
	assert_int_equal(*copy->out.pcbOut, 3);
	assert_memory_equal(copy->out.rgbOut, answer, 3);
	assert_int_equal(*copy->out.pulTransTime, 77);
	talloc_free(mem_ctx);
}

static void test_rpc_ext2_hostile(void **state)
{
	TALLOC_CTX *mem_ctx = talloc_new(NULL);
	void *r;
	/* pcbOut 0x40001: above BIG_RANGE_ULONG */
	static const uint8_t big_out[] = {
		SESSION_BYTES, 0, 0, 0, 0,  0, 0, 0, 0,  0, 0, 0, 0,
		0x01, 0, 4, 0,  0, 0, 0, 0,  0, 0, 0, 0,  0, 0, 0, 0,
	};
	/* pcbAuxOut 0x1009: above SMALL_RANGE_ULONG */
	static const uint8_t big_aux[] = {
		SESSION_BYTES, 0, 0, 0, 0,  0, 0, 0, 0,  0, 0, 0, 0,
		0, 0, 4, 0,  0, 0, 0, 0,  0, 0, 0, 0,  0x09, 0x10, 0, 0,
	};
	/* rgbIn max count 4 but cbIn 5 */
	static const uint8_t in_mismatch[] = {
		SESSION_BYTES, 0, 0, 0, 0,  4, 0, 0, 0,  1, 2, 3, 4,  5, 0, 0, 0,
		0, 0, 4, 0,  0, 0, 0, 0,  0, 0, 0, 0,  0, 0, 0, 0,
	};
	/* rgbOut actual count 2 but *pcbOut 3 (length_is mismatch) */
	static const uint8_t out_mismatch[] = {
		SESSION_BYTES, 0, 0, 0, 0,
		3, 0, 0, 0,  0, 0, 0, 0,  2, 0, 0, 0,  0xaa, 0xbb, 0, 0,
		3, 0, 0, 0,  0, 0, 0, 0,  0, 0, 0, 0,  0, 0, 0, 0,  0, 0, 0, 0,
		0, 0, 0, 0,  0, 0, 0, 0,
	};
	/* rgbOut larger than BIG_RANGE_ULONG allows, and than the buffer */
	static const uint8_t out_huge[] = {
		SESSION_BYTES, 0, 0, 0, 0,
		0xff, 0xff, 0xff, 0x7f,  0, 0, 0, 0,  0xff, 0xff, 0xff, 0x7f,  0xaa, 0xbb, 0, 0,
	};

	assert_int_equal(pull_bytes(mem_ctx, &ndr_table_emsmdb, NDR_ECDORPCEXT2, NDR_IN,
				    big_out, sizeof(big_out), &r), NDR_ERR_RANGE);
	assert_int_equal(pull_bytes(mem_ctx, &ndr_table_emsmdb, NDR_ECDORPCEXT2, NDR_IN,
				    big_aux, sizeof(big_aux), &r), NDR_ERR_RANGE);
	assert_int_equal(pull_bytes(mem_ctx, &ndr_table_emsmdb, NDR_ECDORPCEXT2, NDR_IN,
				    in_mismatch, sizeof(in_mismatch), &r), NDR_ERR_ARRAY_SIZE);
	assert_int_equal(pull_bytes(mem_ctx, &ndr_table_emsmdb, NDR_ECDORPCEXT2, NDR_OUT,
				    out_mismatch, sizeof(out_mismatch), &r), NDR_ERR_ARRAY_SIZE);
	assert_int_equal(pull_bytes(mem_ctx, &ndr_table_emsmdb, NDR_ECDORPCEXT2, NDR_OUT,
				    out_huge, sizeof(out_huge), &r), NDR_ERR_BUFSIZE);
	talloc_free(mem_ctx);
}

/* A caller's NULL [ref] pointer is an error, also where it sizes an array
 * pushed before it (rgbOut is sized by *pcbOut). */
static void test_push_null_ref(void **state)
{
	TALLOC_CTX *mem_ctx = talloc_new(NULL);
	struct policy_handle h = session;
	uint32_t flags = 0;
	struct EcDoRpcExt2 r = { .out = { .pcxh = &h, .pulFlags = &flags, .pcbOut = NULL } };
	struct ndr_push *ndr = ndr_push_init_ctx(mem_ctx);

	assert_int_equal(ndr_push_EcDoRpcExt2(ndr, NDR_OUT, &r), NDR_ERR_INVALID_POINTER);
	ndr = ndr_push_init_ctx(mem_ctx);
	assert_int_equal(ndr_push_EcDoRpcExt2(ndr, NDR_IN, &r), NDR_ERR_INVALID_POINTER);
	talloc_free(mem_ctx);
}

static void test_async(void **state)
{
	TALLOC_CTX *mem_ctx = talloc_new(NULL);
	struct policy_handle async = session, out = { 0 };
	uint32_t flags_out = 1;
	struct EcDoAsyncConnectEx c = { .in = { .cxh = session }, .out = { .pacxh = &async } };
	struct EcDoAsyncWaitEx wait = { .in = { .acxh = session, .ulFlagsIn = 0 },
					.out = { .pulFlagsOut = &flags_out, .result = 0 } };
	struct EcDoAsyncConnectEx *ccopy;
	struct EcDoAsyncWaitEx *wcopy;
	DATA_BLOB wire;
	static const uint8_t expected_wait_in[] = { SESSION_BYTES, 0, 0, 0, 0 };
	static const uint8_t expected_wait_out[] = { 1, 0, 0, 0, 0, 0, 0, 0 };

	async.handle_type = 2;
	ccopy = roundtrip(mem_ctx, &ndr_table_emsmdb, NDR_ECDOASYNCCONNECTEX, NDR_IN, &c, &wire);
	assert_int_equal(wire.length, 20);
	assert_true(ndr_policy_handle_equal(&ccopy->in.cxh, &session));
	assert_non_null(ccopy->out.pacxh);
	ccopy = roundtrip(mem_ctx, &ndr_table_emsmdb, NDR_ECDOASYNCCONNECTEX, NDR_OUT, &c, &wire);
	assert_int_equal(ccopy->out.pacxh->handle_type, 2);

	wcopy = roundtrip(mem_ctx, &ndr_table_asyncemsmdb, NDR_ECDOASYNCWAITEX, NDR_IN, &wait, &wire);
	assert_blob_equal(wire, expected_wait_in, sizeof(expected_wait_in));
	wcopy = roundtrip(mem_ctx, &ndr_table_asyncemsmdb, NDR_ECDOASYNCWAITEX, NDR_OUT, &wait, &wire);
	assert_blob_equal(wire, expected_wait_out, sizeof(expected_wait_out));
	assert_int_equal(*wcopy->out.pulFlagsOut, 1);
	(void)out;
	talloc_free(mem_ctx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tables),
		cmocka_unit_test(test_not_used_on_wire),
		cmocka_unit_test(test_disconnect_and_dummy),
		cmocka_unit_test(test_register_push_notification),
		cmocka_unit_test(test_connect_ex),
		cmocka_unit_test(test_rpc_ext2),
		cmocka_unit_test(test_rpc_ext2_hostile),
		cmocka_unit_test(test_push_null_ref),
		cmocka_unit_test(test_async),
	};

	int failed = cmocka_run_group_tests(tests, NULL, NULL);

	/* libsamba-util caches an iconv handle for the string conversions;
	 * drop it so that valgrind reports only our own memory */
	free_iconv_handle();
	return failed;
}
