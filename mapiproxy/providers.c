/*
 * OpenChange mapiproxy: which provider answers which interface.
 *
 * Copyright (C) OpenChange developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <stddef.h>
#include "mapiproxy/provider.h"

static const struct mapiproxy_provider *const providers[] = {
	&mapiproxy_rfr_provider,
	&mapiproxy_nspi_provider,
	&mapiproxy_emsmdb_provider,
	&mapiproxy_asyncemsmdb_provider,
};

const struct mapiproxy_provider *mapiproxy_provider_for(const struct ndr_interface_table *table)
{
	size_t i;

	for (i = 0; i < sizeof(providers) / sizeof(providers[0]); i++) {
		if (providers[i]->table == table) {
			return providers[i];
		}
	}
	return NULL;
}
