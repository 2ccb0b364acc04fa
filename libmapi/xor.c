/*
 * MS-OXCRPC 3.1.4.1.1.3 Obfuscation Algorithm: "Every byte of the data to be
 * obfuscated has the XOR operator applied with the value 0xA5."
 *
 * Copyright (C) OpenChange developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>
#include "libmapi/xor.h"

void xor_obfuscate(uint8_t *buf, size_t len)
{
	const uint64_t magic = UINT64_C(0x0101010101010101) * RPC_EXT_XOR_MAGIC;
	size_t i = 0;

	/* Eight bytes at a time; memcpy keeps it alignment-safe. */
	for (; len - i >= 8; i += 8) {
		uint64_t word;

		memcpy(&word, buf + i, 8);
		word ^= magic;
		memcpy(buf + i, &word, 8);
	}
	for (; i < len; i++) {
		buf[i] ^= RPC_EXT_XOR_MAGIC;
	}
}
