/*
 * Errors of the libmapi wire parsers: LZ77, extended buffers (RPC_HEADER_EXT)
 * and auxiliary buffers. One enum, so a caller can report any of them the
 * same way and tests can assert the precise reason a hostile buffer failed.
 *
 * Copyright (C) OpenChange developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef LIBMAPI_WIRE_ERROR_H
#define LIBMAPI_WIRE_ERROR_H

enum wire_error {
	WIRE_OK = 0,
	WIRE_ERR_TRUNCATED,	/* the input ends inside a structure */
	WIRE_ERR_BAD_VERSION,	/* a version field the spec does not allow */
	WIRE_ERR_BAD_FLAGS,	/* a flag the spec does not define */
	WIRE_ERR_BAD_SIZE,	/* size fields contradict each other or their rules */
	WIRE_ERR_TOO_LARGE,	/* beyond a limit the spec sets */
	WIRE_ERR_NO_LAST,	/* a chain of extended buffers without the Last flag */
	WIRE_ERR_TRAILING,	/* bytes after the buffer marked Last */
	WIRE_ERR_CORRUPT,	/* compressed data that cannot be decoded */
	WIRE_ERR_OUTPUT_FULL,	/* the output does not fit the space given */
	WIRE_ERR_BAD_OFFSET,	/* an offset pointing outside its structure */
	WIRE_ERR_BAD_STRING,	/* a string without terminator or not valid Unicode */
	WIRE_ERR_NO_MEMORY,
	WIRE_ERR_INVALID_ARG,	/* the caller passed something impossible */
	WIRE_ERR_BAD_TYPE,	/* a property type the spec does not define here */
	WIRE_ERR_BAD_VALUE,	/* an enumerated field outside its allowed values */
	WIRE_ERR_TOO_DEEP,	/* nesting beyond the parser's depth limit */
};

/* A short English sentence for logs; never NULL. */
const char *wire_strerror(enum wire_error error);

#endif
