/*
 * Unit tests: 8-bit strings in Windows code pages (libmapi/codepage.c).
 *
 * Copyright (C) OpenChange developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "libmapi/codepage.h"

static void test_supported(void **state)
{
	assert_true(mapi_codepage_supported(1252));
	assert_true(mapi_codepage_supported(0));	/* CP_ACP */
	assert_true(mapi_codepage_supported(65001));
	assert_true(mapi_codepage_supported(932));
	assert_true(mapi_codepage_supported(MAPI_CP_TELETEX));
	assert_false(mapi_codepage_supported(MAPI_CP_WINUNICODE));
	assert_false(mapi_codepage_supported(4242));
}

static void test_round_trips(void **state)
{
	TALLOC_CTX *mem_ctx = talloc_new(NULL);
	char *bytes, *utf8;

	/* "Zoë Dupré" in Windows-1252 is one byte per character */
	bytes = mapi_utf8_to_codepage(mem_ctx, "Zo\xc3\xab Dupr\xc3\xa9", 1252);
	assert_non_null(bytes);
	assert_string_equal(bytes, "Zo\xeb Dupr\xe9");
	utf8 = mapi_codepage_to_utf8(mem_ctx, bytes, 1252);
	assert_string_equal(utf8, "Zo\xc3\xab Dupr\xc3\xa9");

	/* Shift-JIS: 山田 */
	bytes = mapi_utf8_to_codepage(mem_ctx, "\xe5\xb1\xb1\xe7\x94\xb0", 932);
	assert_string_equal(bytes, "\x8e\x52\x93\x63");
	assert_string_equal(mapi_codepage_to_utf8(mem_ctx, bytes, 932), "\xe5\xb1\xb1\xe7\x94\xb0");

	/* ASCII passes through any code page untouched */
	assert_string_equal(mapi_utf8_to_codepage(mem_ctx, "plain", 4242), "plain");
	talloc_free(mem_ctx);
}

static void test_unmappable_and_invalid(void **state)
{
	TALLOC_CTX *mem_ctx = talloc_new(NULL);
	char *bytes;

	/* Cyrillic has no place in Windows-1252: best fit gives '?' */
	bytes = mapi_utf8_to_codepage(mem_ctx, "\xd0\x98\xd0\xb2\xd0\xb0\xd0\xbd", 1252);
	assert_non_null(bytes);
	assert_int_equal(strlen(bytes), 4);
	assert_null(strchr(bytes, '\xd0'));

	/* bytes that are not UTF-8 / not valid in the code page are refused */
	assert_null(mapi_utf8_to_codepage(mem_ctx, "bad \xff utf-8", 1252));
	assert_null(mapi_codepage_to_utf8(mem_ctx, "\x81\x20", 932));
	assert_null(mapi_codepage_to_utf8(mem_ctx, "x\xe9", MAPI_CP_WINUNICODE));
	assert_null(mapi_utf8_to_codepage(mem_ctx, "Zo\xc3\xab", 4242));
	assert_null(mapi_utf8_to_codepage(mem_ctx, NULL, 1252));
	talloc_free(mem_ctx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_supported),
		cmocka_unit_test(test_round_trips),
		cmocka_unit_test(test_unmappable_and_invalid),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
