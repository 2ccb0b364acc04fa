/*
 * OpenChange mapiproxy: who may call the Exchange interfaces at all.
 *
 * Copyright (C) OpenChange developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "mapiproxy/mapiproxy.h"

/* S-1-5-7, the well-known SID of ANONYMOUS LOGON (MS-DTYP 2.4.2.4). */
static bool sid_is_anonymous(const struct dom_sid *sid)
{
	static const uint8_t nt_authority[6] = { 0, 0, 0, 0, 0, 5 };
	size_t i;

	if (sid->sid_rev_num != 1 || sid->num_auths != 1 || sid->sub_auths[0] != 7) {
		return false;
	}
	for (i = 0; i < sizeof(nt_authority); i++) {
		if (sid->id_auth[i] != nt_authority[i]) {
			return false;
		}
	}
	return true;
}

/*
 * Exchange answers only authenticated callers, and a mailbox protocol
 * carries mail: unsigned traffic is refused outright rather than left to
 * the client's choice (DESIGN.md decision 6).  NTLM lets a client
 * authenticate "successfully" as nobody, so the token is checked too.
 */
enum mapiproxy_admission mapiproxy_admit_caller(enum dcerpc_AuthType auth_type,
						enum dcerpc_AuthLevel auth_level,
						const struct security_token *token)
{
	if (auth_type == DCERPC_AUTH_TYPE_NONE || token == NULL || token->num_sids == 0) {
		return MAPIPROXY_REFUSE_UNAUTHENTICATED;
	}
	if (auth_level < DCERPC_AUTH_LEVEL_INTEGRITY) {
		return MAPIPROXY_REFUSE_AUTH_LEVEL;
	}
	if (sid_is_anonymous(&token->sids[0])) {
		return MAPIPROXY_REFUSE_ANONYMOUS;
	}
	return MAPIPROXY_ADMIT;
}

const char *mapiproxy_admission_string(enum mapiproxy_admission admission)
{
	switch (admission) {
	case MAPIPROXY_ADMIT:
		return "admitted";
	case MAPIPROXY_REFUSE_UNAUTHENTICATED:
		return "refused: not authenticated";
	case MAPIPROXY_REFUSE_AUTH_LEVEL:
		return "refused: neither signed nor sealed";
	case MAPIPROXY_REFUSE_ANONYMOUS:
		return "refused: anonymous logon";
	}
	return "refused: unknown reason";
}
