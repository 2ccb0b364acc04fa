/*
 * OpenChange mapiproxy: the NSPI provider's view of sam.ldb: the
 * process-wide address book cache and the writes made as the caller.
 *
 * Copyright (C) OpenChange developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef MAPIPROXY_NSPI_DIRECTORY_H
#define MAPIPROXY_NSPI_DIRECTORY_H

#include "mapiproxy/nspi/nspi_book.h"

struct dcesrv_call_state;

/*
 * The current snapshot (rebuilt when sam.ldb's sequence number moved since
 * the last call), or NULL with *err set.  The snapshot stays valid until
 * the next call to nspi_directory_book: a call's handler takes a talloc
 * reference for its duration.
 */
struct nspi_book *nspi_directory_book(struct dcesrv_call_state *dce_call, TALLOC_CTX *mem_ctx,
				      uint32_t *err);

/* the GUID this NSPI server hands out in NspiBind (the DC's NTDS settings objectGUID) */
const uint8_t *nspi_directory_server_guid(struct dcesrv_call_state *dce_call);

/*
 * Writes as the caller (AD access checks apply); MAPI error codes.
 * values: the new values of each attribute (NULL: remove all values).
 */
struct nspi_attr_change {
	const char *attr;
	uint32_t num_values;
	struct ldb_val *values;		/* NULL with num_values 0: delete the attribute */
};
uint32_t nspi_directory_modify(struct dcesrv_call_state *dce_call, const char *dn,
			       const struct nspi_attr_change *changes, uint32_t num_changes);
uint32_t nspi_directory_link(struct dcesrv_call_state *dce_call, const char *dn, const char *attr,
			     const char *const *targets, uint32_t num_targets, bool remove);

#endif
