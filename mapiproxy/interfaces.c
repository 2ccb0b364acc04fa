/*
 * OpenChange mapiproxy: the four RPC interfaces an Exchange server exposes.
 *
 * Copyright (C) OpenChange developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>
#include "mapiproxy/mapiproxy.h"
#include "idl/gen_ndr_rfr.h"
#include "idl/gen_ndr_nspi.h"
#include "idl/gen_ndr_emsmdb.h"

/*
 * The UUIDs, versions and opnums are those of the IDL appendices of
 * MS-OXABREF, MS-OXNSPI and MS-OXCRPC (idl/rfr.idl, nspi.idl, emsmdb.idl).
 */
const struct mapiproxy_interface mapiproxy_interfaces[] = {
	{ .spec = "MS-OXABREF", .table = &ndr_table_rfri },
	{ .spec = "MS-OXNSPI", .table = &ndr_table_nspi },
	{ .spec = "MS-OXCRPC", .table = &ndr_table_emsmdb },
	{ .spec = "MS-OXCRPC", .table = &ndr_table_asyncemsmdb },
};

const size_t mapiproxy_num_interfaces =
	sizeof(mapiproxy_interfaces) / sizeof(mapiproxy_interfaces[0]);

const struct mapiproxy_interface *mapiproxy_interface_by_syntax(
	const struct GUID *uuid, uint32_t if_version)
{
	size_t i;

	for (i = 0; i < mapiproxy_num_interfaces; i++) {
		const struct ndr_syntax_id *id = &mapiproxy_interfaces[i].table->syntax_id;

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
		if (strcmp(mapiproxy_interfaces[i].table->name, name) == 0) {
			return &mapiproxy_interfaces[i];
		}
	}
	return NULL;
}
