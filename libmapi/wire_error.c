/*
 * Messages for enum wire_error.
 *
 * Copyright (C) OpenChange developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "libmapi/wire_error.h"

const char *wire_strerror(enum wire_error error)
{
	switch (error) {
	case WIRE_OK:
		return "success";
	case WIRE_ERR_TRUNCATED:
		return "buffer ends inside a structure";
	case WIRE_ERR_BAD_VERSION:
		return "unsupported structure version";
	case WIRE_ERR_BAD_FLAGS:
		return "undefined flags set";
	case WIRE_ERR_BAD_SIZE:
		return "inconsistent size fields";
	case WIRE_ERR_TOO_LARGE:
		return "size beyond the protocol limit";
	case WIRE_ERR_NO_LAST:
		return "extended buffer chain without the Last flag";
	case WIRE_ERR_TRAILING:
		return "data after the last extended buffer";
	case WIRE_ERR_CORRUPT:
		return "corrupt compressed data";
	case WIRE_ERR_OUTPUT_FULL:
		return "output does not fit the space available";
	case WIRE_ERR_BAD_OFFSET:
		return "offset outside its structure";
	case WIRE_ERR_BAD_STRING:
		return "malformed string";
	case WIRE_ERR_NO_MEMORY:
		return "out of memory";
	case WIRE_ERR_INVALID_ARG:
		return "invalid argument";
	case WIRE_ERR_BAD_TYPE:
		return "undefined or unexpected property type";
	case WIRE_ERR_BAD_VALUE:
		return "field value outside its allowed set";
	case WIRE_ERR_TOO_DEEP:
		return "structure nested too deeply";
	}
	return "unknown wire error";
}
