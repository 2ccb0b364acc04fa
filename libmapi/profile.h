/*
 * OpenChange libmapi: MAPI profiles, kept in an ldb file.
 *
 * A profile is what a MAPI client needs to find and log on to a mailbox
 * without asking the directory again: who the user is (account, domain,
 * the legacyExchangeDN the server knows them by), where the mailbox lives
 * (the home server and database DNs and the server's DNS name, as RFR
 * answers them) and the code page and locale to talk in.  Profiles are
 * filled from the address book by profile_nspi.h; this file only keeps
 * them.
 *
 * The store is one ldb (tdb) file, by default $HOME/.openchange/profiles.ldb.
 * It is created with mode 0600 in a directory created 0700, because it may
 * hold a password: a password is written only when the caller passes
 * PROFILE_STORE_PASSWORD, and never into a file other users can read.
 *
 * Profile names are 1-128 bytes of UTF-8 without control characters or
 * leading/trailing spaces, and are compared case-insensitively (ASCII), as
 * Outlook's profile names are.
 *
 * Copyright (C) OpenChange developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef LIBMAPI_PROFILE_H
#define LIBMAPI_PROFILE_H

#include <stdbool.h>
#include <stdint.h>
#include <talloc.h>

#include "idl/gen_errors.h"

/* The longest profile name, in bytes of UTF-8 */
#define PROFILE_NAME_MAX 128

/* profile_create(): also write the profile's password (the file is 0600) */
#define PROFILE_STORE_PASSWORD 0x00000001

/* How the client authenticates (the values of libmapi.h's enum mapi_auth) */
#define PROFILE_AUTH_NTLM 0
#define PROFILE_AUTH_KERBEROS 1

struct mapi_profile {
	const char *name;
	const char *username;		/* the account, as given to the logon */
	const char *password;		/* NULL unless stored (or set by the caller) */
	const char *domain;		/* NetBIOS domain */
	const char *realm;		/* DNS realm, NULL when unknown */
	const char *workstation;	/* this host's name, as NTLM sends it */
	const char *server;		/* address or host name the user gave */
	const char *binding;		/* the DCE/RPC binding string used */
	const char *server_fqdn;	/* RfrGetFQDNFromServerDN of the home MDB */
	const char *essdn;		/* the user's legacyExchangeDN (PidTagEmailAddress) */
	const char *display_name;	/* PidTagDisplayName */
	const char *smtp_address;	/* PidTagSmtpAddress */
	const char *home_server;	/* legacy DN of the mailbox server */
	const char *home_mdb;		/* PidTagAddressBookHomeMessageDatabase */
	uint32_t codepage;		/* an 8-bit Windows code page, e.g. 1252 */
	uint32_t locale_id;		/* LCID for templates and sorting, e.g. 0x0409 */
	bool is_default;
	uint32_t auth;			/* PROFILE_AUTH_*: stored as authType (absent: NTLM) */
};

struct profile_store;

/*
 * Opens (creating it when missing) the store at PATH, or at the default
 * path when PATH is NULL ($HOME/.openchange/profiles.ldb; the directory is
 * created 0700).  The store is a talloc child of MEM_CTX.
 * MAPI_E_NOT_FOUND: no PATH and no $HOME; MAPI_E_NO_ACCESS: the file or its
 * directory cannot be created or opened; MAPI_E_CORRUPT_DATA: not a
 * profile store.
 */
enum MAPISTATUS profile_store_open(TALLOC_CTX *mem_ctx, const char *path,
				   struct profile_store **store);

/* The path the store was opened at */
const char *profile_store_path(const struct profile_store *store);

/* The last error's detail (ldb's message or a file error), or NULL */
const char *profile_store_last_error(const struct profile_store *store);

/* true for a name profile_create() accepts */
bool profile_name_is_valid(const char *name);

/*
 * The mailbox server's DN within a home MDB DN: the MDB's parent
 * (".../cn=Servers/cn=SERVER/cn=Microsoft Private MDB" gives
 * ".../cn=Servers/cn=SERVER", MS-OXABREF 3.1.4.2's server DN), or NULL
 * when the DN is not under a cn=Servers container.
 */
char *profile_home_server_of_mdb(TALLOC_CTX *mem_ctx, const char *home_mdb);

/*
 * Adds PROFILE.  The first profile of a store, or one with is_default set,
 * becomes the default.  FLAGS: PROFILE_STORE_PASSWORD.
 * MAPI_E_INVALID_PARAMETER: bad name, no username, or a password asked to
 * be stored without one; MAPI_E_COLLISION: the name exists;
 * MAPI_E_NO_ACCESS: a password would go into a file others can read.
 */
enum MAPISTATUS profile_create(struct profile_store *store, const struct mapi_profile *profile,
			       uint32_t flags);

/* The profile NAME, a talloc child of MEM_CTX; MAPI_E_NOT_FOUND if none */
enum MAPISTATUS profile_get(struct profile_store *store, TALLOC_CTX *mem_ctx,
			    const char *name, struct mapi_profile **profile);

/* Every profile's name, sorted; *names is a talloc child of MEM_CTX */
enum MAPISTATUS profile_list(struct profile_store *store, TALLOC_CTX *mem_ctx,
			     const char ***names, uint32_t *count);

/* Removes NAME; when it was the default, there is no default afterwards */
enum MAPISTATUS profile_delete(struct profile_store *store, const char *name);

enum MAPISTATUS profile_set_default(struct profile_store *store, const char *name);

/* The default profile's name; MAPI_E_NOT_FOUND when there is none */
enum MAPISTATUS profile_get_default(struct profile_store *store, TALLOC_CTX *mem_ctx,
				    const char **name);

#endif
