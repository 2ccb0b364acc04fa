/*
 * UTF-8 decoding shared by the wire encoders that write UTF-16LE strings.
 *
 * Copyright (C) OpenChange developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef LIBMAPI_UTF8_H
#define LIBMAPI_UTF8_H

#include <stddef.h>
#include <stdint.h>

/*
 * Decode one well-formed UTF-8 character at s, which is NUL-terminated (a
 * NUL ends any multi-byte sequence early, so nothing past it is read).
 * Returns its length in bytes with the code point in *c, or 0 for an
 * overlong form, a surrogate, a value above U+10FFFF or a cut sequence.
 */
size_t wire_utf8_decode(const unsigned char *s, uint32_t *c);

#endif
