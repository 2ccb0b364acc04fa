/*
 * OpenChange mapiproxy: the four RPC interfaces an Exchange server exposes.
 *
 * Copyright (C) OpenChange developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>
#include "mapiproxy/mapiproxy.h"

/*
 * UUIDs and versions: MS-OXABREF 1.9, MS-OXNSPI 1.9 (MS-NSPI 1.9),
 * MS-OXCRPC 1.9 and the IDL appendices that give the versions.
 * num_calls counts every opnum the IDL declares, the obsolete ones too
 * (MS-OXCRPC 3.1.4: EMSMDB opnums 0-14; 3.3.4: AsyncEMSMDB opnum 0;
 * MS-OXNSPI 3.1.4: opnums 0-20; MS-OXABREF 3.1.4: opnums 0-1).
 */
const struct mapiproxy_interface mapiproxy_interfaces[] = {
	{
		.name = "rfri",
		.spec = "MS-OXABREF",
		.syntax_id = {
			.uuid = { 0x1544f5e0, 0x613c, 0x11d1, { 0x93, 0xdf },
				  { 0x00, 0xc0, 0x4f, 0xd7, 0xbd, 0x09 } },
			.if_version = 1,
		},
		.num_calls = 2,
	},
	{
		.name = "nspi",
		.spec = "MS-OXNSPI",
		.syntax_id = {
			.uuid = { 0xf5cc5a18, 0x4264, 0x101a, { 0x8c, 0x59 },
				  { 0x08, 0x00, 0x2b, 0x2f, 0x84, 0x26 } },
			.if_version = 56,
		},
		.num_calls = 21,
	},
	{
		.name = "emsmdb",
		.spec = "MS-OXCRPC",
		.syntax_id = {
			.uuid = { 0xa4f1db00, 0xca47, 0x1067, { 0xb3, 0x1f },
				  { 0x00, 0xdd, 0x01, 0x06, 0x62, 0xda } },
			/* version 0.81: minor 81 in the high half-word */
			.if_version = (81 << 16) | 0,
		},
		.num_calls = 15,
	},
	{
		.name = "asyncemsmdb",
		.spec = "MS-OXCRPC",
		.syntax_id = {
			.uuid = { 0x5261574a, 0x4572, 0x206e, { 0xb2, 0x68 },
				  { 0x6b, 0x19, 0x92, 0x13, 0xb4, 0xe4 } },
			/* version 0.01 */
			.if_version = (1 << 16) | 0,
		},
		.num_calls = 1,
	},
};

const size_t mapiproxy_num_interfaces =
	sizeof(mapiproxy_interfaces) / sizeof(mapiproxy_interfaces[0]);

const struct mapiproxy_interface *mapiproxy_interface_by_syntax(
	const struct GUID *uuid, uint32_t if_version)
{
	size_t i;

	for (i = 0; i < mapiproxy_num_interfaces; i++) {
		const struct ndr_syntax_id *id = &mapiproxy_interfaces[i].syntax_id;

		if (GUID_equal(&id->uuid, uuid) && id->if_version == if_version) {
			return &mapiproxy_interfaces[i];
		}
	}
	return NULL;
}

const struct mapiproxy_interface *mapiproxy_interface_by_name(const char *name)
{
	size_t i;

	for (i = 0; name != NULL && i < mapiproxy_num_interfaces; i++) {
		if (strcmp(mapiproxy_interfaces[i].name, name) == 0) {
			return &mapiproxy_interfaces[i];
		}
	}
	return NULL;
}
