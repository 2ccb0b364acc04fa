/*
 * The XorMagic obfuscation of MS-OXCRPC extended buffers.
 *
 * Copyright (C) OpenChange developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef LIBMAPI_XOR_H
#define LIBMAPI_XOR_H

#include <stddef.h>
#include <stdint.h>

/* The byte every payload byte is XORed with (MS-OXCRPC 3.1.4.1.1.3). */
#define RPC_EXT_XOR_MAGIC 0xA5

/*
 * Obfuscate or reveal buf in place: the operation is its own inverse.
 * Not a security measure (the spec says so); packet privacy is Samba's.
 */
void xor_obfuscate(uint8_t *buf, size_t len);

#endif
