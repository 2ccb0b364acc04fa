/*
 * OpenChange libmapi: 8-bit strings in Windows code pages.
 *
 * MAPI's 8-bit strings (PtypString8, the char strings of NSPI and EMSMDB)
 * are in a code page the protocol names: the STAT's CodePage (MS-OXNSPI
 * 2.2.8), EcDoConnectEx's ulCpid (MS-OXCRPC 3.1.4.1).  The NDR layer
 * carries them as bytes; these convert between those bytes and UTF-8, the
 * form everything else in OpenChange uses.
 *
 * Copyright (C) OpenChange developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef LIBMAPI_CODEPAGE_H
#define LIBMAPI_CODEPAGE_H

#include <stdbool.h>
#include <stdint.h>
#include <talloc.h>

/* MS-OXNSPI 2.2.1.3: the code pages with a meaning of their own */
#define MAPI_CP_WINUNICODE	0x04B0	/* UTF-16: never an 8-bit code page */
#define MAPI_CP_TELETEX		0x4F25

/* True when strings in CODEPAGE can be converted (CP_WINUNICODE cannot). */
bool mapi_codepage_supported(uint32_t codepage);

/* BYTES (NUL-terminated, in CODEPAGE) as UTF-8; NULL when they are not
 * valid in that code page or it is unknown. */
char *mapi_codepage_to_utf8(TALLOC_CTX *mem_ctx, const char *bytes, uint32_t codepage);

/* UTF8 in CODEPAGE; characters the code page lacks become '?' (as Windows'
 * best-fit conversion does).  NULL for invalid UTF-8 or an unknown code page. */
char *mapi_utf8_to_codepage(TALLOC_CTX *mem_ctx, const char *utf8, uint32_t codepage);

#endif
