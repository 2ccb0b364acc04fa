/*
 * OpenChange libmapi: 8-bit strings in Windows code pages (glibc iconv).
 *
 * Copyright (C) OpenChange developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <iconv.h>
#include <stdio.h>
#include <string.h>
#include "libmapi/codepage.h"

/* The iconv name of a Windows code page identifier. */
static void codepage_name(uint32_t codepage, char *buf, size_t len)
{
	switch (codepage) {
	case 0:
		/* CP_ACP, "the system's ANSI code page": ours is Windows' western one */
		snprintf(buf, len, "CP1252");
		break;
	case 65001:
		snprintf(buf, len, "UTF-8");
		break;
	case 20127:
		snprintf(buf, len, "ASCII");
		break;
	case MAPI_CP_TELETEX:
		/* T.61 has no iconv name on glibc; its printable range is Latin-1 enough */
		snprintf(buf, len, "ISO-8859-1");
		break;
	case 28591: case 28592: case 28593: case 28594: case 28595:
	case 28596: case 28597: case 28598: case 28599: case 28605:
		snprintf(buf, len, "ISO-8859-%u", codepage == 28605 ? 15 : codepage - 28590);
		break;
	case 20866:
		snprintf(buf, len, "KOI8-R");
		break;
	case 50220:
		snprintf(buf, len, "ISO-2022-JP");
		break;
	case 51932:
		snprintf(buf, len, "EUC-JP");
		break;
	case 936:
		snprintf(buf, len, "GBK");
		break;
	default:
		snprintf(buf, len, "CP%u", codepage);
		break;
	}
}

bool mapi_codepage_supported(uint32_t codepage)
{
	char name[32];
	iconv_t cd;

	if (codepage == MAPI_CP_WINUNICODE) {
		return false;
	}
	codepage_name(codepage, name, sizeof(name));
	cd = iconv_open(name, "UTF-8");
	if (cd == (iconv_t)-1) {
		return false;
	}
	iconv_close(cd);
	return true;
}

static bool is_ascii(const char *s)
{
	for (; *s != '\0'; s++) {
		if ((unsigned char)*s >= 0x80) {
			return false;
		}
	}
	return true;
}

/* iconv a NUL-terminated string; NULL when it does not convert */
static char *convert(TALLOC_CTX *mem_ctx, const char *to, const char *from, const char *in)
{
	/* 4 output bytes per input byte covers every code page to UTF-8 and
	 * the stateful ISO-2022 escapes the other way */
	size_t inlen = strlen(in), outlen = inlen * 4 + 8, left = outlen;
	char *out = talloc_array(mem_ctx, char, outlen + 1), *op = out;
	char *ip = (char *)(uintptr_t)in;
	iconv_t cd;
	size_t r;

	if (out == NULL) {
		return NULL;
	}
	cd = iconv_open(to, from);
	if (cd == (iconv_t)-1) {
		talloc_free(out);
		return NULL;
	}
	r = iconv(cd, &ip, &inlen, &op, &left);
	if (r != (size_t)-1) {
		/* the shift back to the initial state of stateful encodings */
		r = iconv(cd, NULL, NULL, &op, &left);
	}
	iconv_close(cd);
	if (r == (size_t)-1 || inlen != 0) {
		talloc_free(out);
		return NULL;
	}
	*op = '\0';
	return out;
}

char *mapi_codepage_to_utf8(TALLOC_CTX *mem_ctx, const char *bytes, uint32_t codepage)
{
	char name[32];

	if (bytes == NULL || codepage == MAPI_CP_WINUNICODE) {
		return NULL;
	}
	if (is_ascii(bytes)) {
		return talloc_strdup(mem_ctx, bytes);
	}
	codepage_name(codepage, name, sizeof(name));
	return convert(mem_ctx, "UTF-8", name, bytes);
}

char *mapi_utf8_to_codepage(TALLOC_CTX *mem_ctx, const char *utf8, uint32_t codepage)
{
	char name[48];

	if (utf8 == NULL || codepage == MAPI_CP_WINUNICODE) {
		return NULL;
	}
	if (is_ascii(utf8)) {
		return talloc_strdup(mem_ctx, utf8);
	}
	codepage_name(codepage, name, sizeof(name));
	strncat(name, "//TRANSLIT", sizeof(name) - strlen(name) - 1);
	return convert(mem_ctx, name, "UTF-8", utf8);
}
