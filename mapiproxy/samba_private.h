/*
 * OpenChange mapiproxy: Samba functions the module needs that Samba 4.17
 * exports (libsamdb, libdcerpc-server) but declares in no installed header.
 * The module is built against one exact Samba build (DESIGN.md), so these
 * prototypes are checked against the running samba by the integration tests.
 *
 * Copyright (C) OpenChange developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef MAPIPROXY_SAMBA_PRIVATE_H
#define MAPIPROXY_SAMBA_PRIVATE_H

#include <talloc.h>

struct ldb_context;
struct tevent_context;
struct loadparm_context;
struct auth_session_info;
struct tsocket_address;
struct dcesrv_call_state;

/* libsamdb: open sam.ldb with the dsdb module stack as session_info. */
struct ldb_context *samdb_connect(TALLOC_CTX *mem_ctx,
				  struct tevent_context *ev_ctx,
				  struct loadparm_context *lp_ctx,
				  struct auth_session_info *session_info,
				  const struct tsocket_address *remote_address,
				  unsigned int flags);

/* libsamdb (declared in samba/session.h, which drags in private headers) */
struct auth_session_info *system_session(struct loadparm_context *lp_ctx);

/* libdcerpc-server: sam.ldb as the caller, so AD access checks apply. */
struct ldb_context *dcesrv_samdb_connect_as_user(TALLOC_CTX *mem_ctx,
						 struct dcesrv_call_state *dce_call);

#endif
