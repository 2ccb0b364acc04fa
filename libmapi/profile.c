/*
 * OpenChange libmapi: MAPI profiles, kept in an ldb file.
 *
 * Layout of the file (plain ldb over tdb, no schema):
 *
 *   CN=Profiles                 objectClass: openchangeProfileStore
 *                               version: 1
 *                               defaultProfile: <name>       (optional)
 *   CN=<name>,CN=Profiles       objectClass: mapiProfile
 *                               name, username, password?, domain, ...
 *
 * The profile's RDN is "cn", which ldb compares case-insensitively without
 * any schema (it is one of ldb's well-known attributes); that is what makes
 * profile names case-insensitive.  The name as typed is kept in "name".
 * Every change that touches two records runs in one ldb transaction, so a
 * crash never leaves a default that names no profile.
 *
 * Copyright (C) OpenChange developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>
#include <talloc.h>
#include <ldb.h>

#include "libmapi/profile.h"

#define STORE_VERSION 1
#define ROOT_DN "CN=Profiles"
#define ROOT_CLASS "openchangeProfileStore"
#define PROFILE_CLASS "mapiProfile"
#define DEFAULT_DIR ".openchange"
#define DEFAULT_FILE "profiles.ldb"

struct profile_store {
	struct ldb_context *ldb;
	const char *path;
	char *last_error;
};

/* The string attributes of a profile record and where they live in the struct */
static const struct {
	const char *attr;
	size_t offset;
} string_attrs[] = {
	{ "name", offsetof(struct mapi_profile, name) },
	{ "username", offsetof(struct mapi_profile, username) },
	{ "domain", offsetof(struct mapi_profile, domain) },
	{ "realm", offsetof(struct mapi_profile, realm) },
	{ "workstation", offsetof(struct mapi_profile, workstation) },
	{ "server", offsetof(struct mapi_profile, server) },
	{ "binding", offsetof(struct mapi_profile, binding) },
	{ "serverFQDN", offsetof(struct mapi_profile, server_fqdn) },
	{ "legacyExchangeDN", offsetof(struct mapi_profile, essdn) },
	{ "displayName", offsetof(struct mapi_profile, display_name) },
	{ "smtpAddress", offsetof(struct mapi_profile, smtp_address) },
	{ "homeServer", offsetof(struct mapi_profile, home_server) },
	{ "homeMDB", offsetof(struct mapi_profile, home_mdb) },
};
#define NUM_STRING_ATTRS (sizeof(string_attrs) / sizeof(string_attrs[0]))

static const char **string_slot(const struct mapi_profile *p, size_t i)
{
	return (const char **)((uintptr_t)p + string_attrs[i].offset);
}

static enum MAPISTATUS fail(struct profile_store *store, enum MAPISTATUS ret,
			    const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Keeps the reason for profile_store_last_error() and returns RET */
static enum MAPISTATUS fail(struct profile_store *store, enum MAPISTATUS ret,
			    const char *fmt, ...)
{
	va_list ap;

	talloc_free(store->last_error);
	va_start(ap, fmt);
	store->last_error = talloc_vasprintf(store, fmt, ap);
	va_end(ap);
	return ret;
}

static enum MAPISTATUS ldb_fail(struct profile_store *store, const char *what, int ldb_ret)
{
	enum MAPISTATUS ret;

	switch (ldb_ret) {
	case LDB_ERR_NO_SUCH_OBJECT:
		ret = MAPI_E_NOT_FOUND;
		break;
	case LDB_ERR_ENTRY_ALREADY_EXISTS:
		ret = MAPI_E_COLLISION;
		break;
	case LDB_ERR_INSUFFICIENT_ACCESS_RIGHTS:
		ret = MAPI_E_NO_ACCESS;
		break;
	case LDB_ERR_OPERATIONS_ERROR:
	default:
		ret = MAPI_E_CALL_FAILED;
		break;
	}
	talloc_free(store->last_error);
	store->last_error = talloc_asprintf(store, "%s: %s", what, ldb_errstring(store->ldb));
	return ret;
}

static struct ldb_dn *root_dn(TALLOC_CTX *mem_ctx, struct profile_store *store)
{
	return ldb_dn_new(mem_ctx, store->ldb, ROOT_DN);
}

/* CN=<name>,CN=Profiles with NAME escaped by ldb: names may hold ',' or '=' */
static struct ldb_dn *profile_dn(TALLOC_CTX *mem_ctx, struct profile_store *store,
				 const char *name)
{
	struct ldb_dn *dn = root_dn(mem_ctx, store);
	struct ldb_val val = {
		.data = (uint8_t *)(uintptr_t)name,	/* ldb only reads it */
		.length = strlen(name),
	};

	if (dn == NULL || !ldb_dn_add_child_val(dn, "CN", val)) {
		talloc_free(dn);
		return NULL;
	}
	return dn;
}

/* Makes DIR (mode 0700) unless it exists; only the last component. */
static enum MAPISTATUS ensure_private_dir(struct profile_store *store, const char *dir)
{
	struct stat st;

	if (mkdir(dir, 0700) == 0) {
		return MAPI_E_SUCCESS;
	}
	if (errno == EEXIST && stat(dir, &st) == 0 && S_ISDIR(st.st_mode)) {
		return MAPI_E_SUCCESS;
	}
	return fail(store, MAPI_E_NO_ACCESS, "cannot create the directory %s", dir);
}

/* The root record: created in a fresh file, checked in an existing one */
static enum MAPISTATUS check_root(struct profile_store *store)
{
	TALLOC_CTX *tmp = talloc_new(store);
	static const char *attrs[] = { "objectClass", "version", NULL };
	struct ldb_result *res = NULL;
	struct ldb_message *msg;
	struct ldb_dn *dn = root_dn(tmp, store);
	enum MAPISTATUS ret = MAPI_E_SUCCESS;
	int lret;

	if (dn == NULL) {
		talloc_free(tmp);
		return MAPI_E_NOT_ENOUGH_MEMORY;
	}
	lret = ldb_search(store->ldb, tmp, &res, dn, LDB_SCOPE_BASE, attrs, NULL);
	if (lret == LDB_SUCCESS && res->count == 1) {
		const char *cls = ldb_msg_find_attr_as_string(res->msgs[0], "objectClass", "");
		unsigned version = ldb_msg_find_attr_as_uint(res->msgs[0], "version", 0);

		if (strcmp(cls, ROOT_CLASS) != 0) {
			ret = fail(store, MAPI_E_CORRUPT_DATA, "%s is not a profile store",
				   store->path);
		} else if (version != STORE_VERSION) {
			ret = fail(store, MAPI_E_VERSION, "%s: unknown profile store version",
				   store->path);
		}
		talloc_free(tmp);
		return ret;
	}
	if (lret != LDB_SUCCESS && lret != LDB_ERR_NO_SUCH_OBJECT) {
		ret = ldb_fail(store, "reading the store", lret);
		talloc_free(tmp);
		return ret;
	}
	/* Some other ldb: refuse rather than write our records into it. */
	lret = ldb_search(store->ldb, tmp, &res, NULL, LDB_SCOPE_SUBTREE, attrs, "(objectClass=*)");
	if (lret != LDB_SUCCESS || res->count != 0) {
		ret = fail(store, MAPI_E_CORRUPT_DATA, "%s is not a profile store", store->path);
		talloc_free(tmp);
		return ret;
	}
	msg = ldb_msg_new(tmp);
	if (msg == NULL) {
		talloc_free(tmp);
		return MAPI_E_NOT_ENOUGH_MEMORY;
	}
	msg->dn = dn;
	if (ldb_msg_add_string(msg, "objectClass", ROOT_CLASS) != LDB_SUCCESS ||
	    ldb_msg_add_fmt(msg, "version", "%d", STORE_VERSION) != LDB_SUCCESS) {
		talloc_free(tmp);
		return MAPI_E_NOT_ENOUGH_MEMORY;
	}
	lret = ldb_add(store->ldb, msg);
	if (lret != LDB_SUCCESS) {
		ret = ldb_fail(store, "initializing the store", lret);
	}
	talloc_free(tmp);
	return ret;
}

static void quiet_ldb_debug(void *context, enum ldb_debug_level level, const char *fmt,
			    va_list ap) __attribute__((format(printf, 3, 0)));

static void quiet_ldb_debug(void *context, enum ldb_debug_level level, const char *fmt,
			    va_list ap)
{
}

/*
 * tdb_open() with O_CREAT, as ldb calls it, rewrites a file whose header is
 * not a tdb's as an empty database: a mistyped --profile-file would destroy
 * whatever it names.  So a non-empty file must start with tdb's magic.
 */
static bool looks_like_tdb(const char *path)
{
	static const char magic[] = "TDB file\n";
	char head[sizeof(magic) - 1];
	FILE *f = fopen(path, "rb");
	size_t n;

	if (f == NULL) {
		return false;
	}
	n = fread(head, 1, sizeof(head), f);
	fclose(f);
	return n == sizeof(head) && memcmp(head, magic, sizeof(head)) == 0;
}

enum MAPISTATUS profile_store_open(TALLOC_CTX *mem_ctx, const char *path,
				   struct profile_store **out)
{
	struct profile_store *store;
	enum MAPISTATUS ret;
	struct stat st;
	char *url;

	*out = NULL;
	store = talloc_zero(mem_ctx, struct profile_store);
	if (store == NULL) {
		return MAPI_E_NOT_ENOUGH_MEMORY;
	}
	if (path == NULL) {
		const char *home = getenv("HOME");
		char *dir;

		if (home == NULL || home[0] == '\0') {
			talloc_free(store);
			return MAPI_E_NOT_FOUND;
		}
		dir = talloc_asprintf(store, "%s/%s", home, DEFAULT_DIR);
		if (dir == NULL) {
			talloc_free(store);
			return MAPI_E_NOT_ENOUGH_MEMORY;
		}
		ret = ensure_private_dir(store, dir);
		if (ret != MAPI_E_SUCCESS) {
			*out = store;	/* unusable, but it carries last_error */
			return ret;
		}
		store->path = talloc_asprintf(store, "%s/%s", dir, DEFAULT_FILE);
	} else {
		store->path = talloc_strdup(store, path);
	}
	if (store->path == NULL) {
		talloc_free(store);
		return MAPI_E_NOT_ENOUGH_MEMORY;
	}
	/* Say which of "no such file" and "not a store" it is before ldb guesses. */
	if (stat(store->path, &st) == 0) {
		if (!S_ISREG(st.st_mode)) {
			*out = store;
			return fail(store, MAPI_E_NO_ACCESS, "%s is not a regular file", store->path);
		}
		if (st.st_size != 0 && !looks_like_tdb(store->path)) {
			*out = store;
			return fail(store, MAPI_E_CORRUPT_DATA, "%s is not a profile store",
				    store->path);
		}
	}
	store->ldb = ldb_init(store, NULL);
	url = talloc_asprintf(store, "tdb://%s", store->path);
	if (store->ldb == NULL || url == NULL) {
		talloc_free(store);
		return MAPI_E_NOT_ENOUGH_MEMORY;
	}
	/* ldb's messages go into the error we return, not onto the caller's stderr */
	ldb_set_debug(store->ldb, quiet_ldb_debug, NULL);
	/* The file may hold a password: only its owner may read it. */
	ldb_set_create_perms(store->ldb, 0600);
	if (ldb_connect(store->ldb, url, 0, NULL) != LDB_SUCCESS) {
		*out = store;
		/* a file we may read and write that ldb refuses is not a store */
		if (access(store->path, F_OK) == 0) {
			return fail(store, access(store->path, R_OK | W_OK) == 0 ?
				    MAPI_E_CORRUPT_DATA : MAPI_E_NO_ACCESS,
				    "cannot open %s as a profile store: %s", store->path,
				    ldb_errstring(store->ldb));
		}
		return fail(store, MAPI_E_NO_ACCESS, "cannot create %s: %s", store->path,
			    ldb_errstring(store->ldb));
	}
	ret = check_root(store);
	*out = store;
	return ret;
}

const char *profile_store_path(const struct profile_store *store)
{
	return store->path;
}

const char *profile_store_last_error(const struct profile_store *store)
{
	return store->last_error;
}

static bool store_is_private(struct profile_store *store)
{
	struct stat st;

	return stat(store->path, &st) == 0 && (st.st_mode & 077) == 0;
}

/* The default profile's name as stored, or NULL (also on errors) */
static const char *read_default(struct profile_store *store, TALLOC_CTX *mem_ctx)
{
	static const char *attrs[] = { "defaultProfile", NULL };
	struct ldb_result *res = NULL;
	struct ldb_dn *dn = root_dn(mem_ctx, store);
	const char *name = NULL;

	if (dn != NULL &&
	    ldb_search(store->ldb, mem_ctx, &res, dn, LDB_SCOPE_BASE, attrs, NULL) == LDB_SUCCESS &&
	    res->count == 1) {
		name = ldb_msg_find_attr_as_string(res->msgs[0], "defaultProfile", NULL);
	}
	return name;
}

/* Replaces (NAME) or removes (NULL) the root's defaultProfile */
static int write_default(struct profile_store *store, const char *name)
{
	struct ldb_message *msg = ldb_msg_new(store);
	int lret;

	if (msg == NULL || (msg->dn = root_dn(msg, store)) == NULL) {
		talloc_free(msg);
		return LDB_ERR_OPERATIONS_ERROR;
	}
	if (name != NULL) {
		lret = ldb_msg_add_empty(msg, "defaultProfile", LDB_FLAG_MOD_REPLACE, NULL);
		if (lret == LDB_SUCCESS) {
			lret = ldb_msg_add_string(msg, "defaultProfile", name);
		}
	} else {
		lret = ldb_msg_add_empty(msg, "defaultProfile", LDB_FLAG_MOD_DELETE, NULL);
	}
	if (lret == LDB_SUCCESS) {
		lret = ldb_modify(store->ldb, msg);
	}
	/* deleting an attribute that is not there is fine: there was no default */
	if (name == NULL && lret == LDB_ERR_NO_SUCH_ATTRIBUTE) {
		lret = LDB_SUCCESS;
	}
	talloc_free(msg);
	return lret;
}

/* Ends the transaction of a failed change, keeping the first error's text */
static enum MAPISTATUS cancel(struct profile_store *store, enum MAPISTATUS ret)
{
	ldb_transaction_cancel(store->ldb);
	return ret;
}

static enum MAPISTATUS commit(struct profile_store *store)
{
	int lret = ldb_transaction_commit(store->ldb);

	return lret == LDB_SUCCESS ? MAPI_E_SUCCESS : ldb_fail(store, "commit", lret);
}

static int count_profiles(struct profile_store *store, TALLOC_CTX *mem_ctx, unsigned *count)
{
	static const char *attrs[] = { "name", NULL };
	struct ldb_result *res = NULL;
	struct ldb_dn *dn = root_dn(mem_ctx, store);
	int lret;

	if (dn == NULL) {
		return LDB_ERR_OPERATIONS_ERROR;
	}
	lret = ldb_search(store->ldb, mem_ctx, &res, dn, LDB_SCOPE_ONELEVEL, attrs,
			  "(objectClass=" PROFILE_CLASS ")");
	if (lret == LDB_SUCCESS) {
		*count = res->count;
	}
	return lret;
}

enum MAPISTATUS profile_create(struct profile_store *store, const struct mapi_profile *p,
			       uint32_t flags)
{
	TALLOC_CTX *tmp;
	struct ldb_message *msg;
	enum MAPISTATUS ret;
	unsigned existing = 0;
	size_t i;
	int lret;

	if (p == NULL || !profile_name_is_valid(p->name)) {
		return fail(store, MAPI_E_INVALID_PARAMETER, "invalid profile name");
	}
	if (p->username == NULL || p->username[0] == '\0') {
		return fail(store, MAPI_E_INVALID_PARAMETER, "a profile needs a user name");
	}
	if ((flags & ~PROFILE_STORE_PASSWORD) != 0) {
		return fail(store, MAPI_E_UNKNOWN_FLAGS, "unknown flags");
	}
	if ((flags & PROFILE_STORE_PASSWORD) != 0) {
		if (p->password == NULL) {
			return fail(store, MAPI_E_INVALID_PARAMETER,
				    "asked to store a password but none was given");
		}
		if (!store_is_private(store)) {
			return fail(store, MAPI_E_NO_ACCESS, "refusing to store a password in %s: "
				    "other users may read it (chmod 600 it)", store->path);
		}
	}

	tmp = talloc_new(store);
	msg = ldb_msg_new(tmp);
	if (msg == NULL || (msg->dn = profile_dn(msg, store, p->name)) == NULL) {
		talloc_free(tmp);
		return MAPI_E_NOT_ENOUGH_MEMORY;
	}
	lret = ldb_msg_add_string(msg, "objectClass", PROFILE_CLASS);
	for (i = 0; i < NUM_STRING_ATTRS && lret == LDB_SUCCESS; i++) {
		const char *value = *string_slot(p, i);

		if (value != NULL && value[0] != '\0') {
			lret = ldb_msg_add_string(msg, string_attrs[i].attr, value);
		}
	}
	if (lret == LDB_SUCCESS && (flags & PROFILE_STORE_PASSWORD) != 0 && p->password[0] != '\0') {
		lret = ldb_msg_add_string(msg, "password", p->password);
	}
	if (lret == LDB_SUCCESS) {
		lret = ldb_msg_add_fmt(msg, "codepage", "%u", p->codepage);
	}
	if (lret == LDB_SUCCESS) {
		lret = ldb_msg_add_fmt(msg, "localeId", "%u", p->locale_id);
	}
	if (lret == LDB_SUCCESS && p->auth == PROFILE_AUTH_KERBEROS) {
		lret = ldb_msg_add_string(msg, "authType", "kerberos");
	}
	if (lret != LDB_SUCCESS) {
		talloc_free(tmp);
		return MAPI_E_NOT_ENOUGH_MEMORY;
	}

	lret = ldb_transaction_start(store->ldb);
	if (lret != LDB_SUCCESS) {
		ret = ldb_fail(store, "transaction", lret);
		talloc_free(tmp);
		return ret;
	}
	lret = count_profiles(store, tmp, &existing);
	if (lret == LDB_SUCCESS) {
		lret = ldb_add(store->ldb, msg);
	}
	if (lret == LDB_ERR_ENTRY_ALREADY_EXISTS) {
		ret = fail(store, MAPI_E_COLLISION, "a profile named '%s' exists", p->name);
		talloc_free(tmp);
		return cancel(store, ret);
	}
	if (lret == LDB_SUCCESS && (existing == 0 || p->is_default)) {
		lret = write_default(store, p->name);
	}
	if (lret != LDB_SUCCESS) {
		ret = ldb_fail(store, "adding the profile", lret);
		talloc_free(tmp);
		return cancel(store, ret);
	}
	talloc_free(tmp);
	return commit(store);
}

static enum MAPISTATUS find_profile(struct profile_store *store, TALLOC_CTX *mem_ctx,
				    const char *name, struct ldb_message **msg)
{
	struct ldb_result *res = NULL;
	struct ldb_dn *dn;
	int lret;

	*msg = NULL;
	if (!profile_name_is_valid(name)) {
		return fail(store, MAPI_E_INVALID_PARAMETER, "invalid profile name");
	}
	dn = profile_dn(mem_ctx, store, name);
	if (dn == NULL) {
		return MAPI_E_NOT_ENOUGH_MEMORY;
	}
	lret = ldb_search(store->ldb, mem_ctx, &res, dn, LDB_SCOPE_BASE, NULL,
			  "(objectClass=" PROFILE_CLASS ")");
	if (lret == LDB_ERR_NO_SUCH_OBJECT || (lret == LDB_SUCCESS && res->count == 0)) {
		return fail(store, MAPI_E_NOT_FOUND, "no profile named '%s'", name);
	}
	if (lret != LDB_SUCCESS) {
		return ldb_fail(store, "reading the profile", lret);
	}
	*msg = res->msgs[0];
	return MAPI_E_SUCCESS;
}

enum MAPISTATUS profile_get(struct profile_store *store, TALLOC_CTX *mem_ctx,
			    const char *name, struct mapi_profile **out)
{
	TALLOC_CTX *tmp = talloc_new(store);
	struct ldb_message *msg;
	struct mapi_profile *p;
	const char *def;
	enum MAPISTATUS ret;
	size_t i;

	*out = NULL;
	ret = find_profile(store, tmp, name, &msg);
	if (ret != MAPI_E_SUCCESS) {
		talloc_free(tmp);
		return ret;
	}
	p = talloc_zero(mem_ctx, struct mapi_profile);
	if (p == NULL) {
		talloc_free(tmp);
		return MAPI_E_NOT_ENOUGH_MEMORY;
	}
	/* Every string becomes the profile's own, so it outlives the search. */
	for (i = 0; i < NUM_STRING_ATTRS; i++) {
		const char *value = ldb_msg_find_attr_as_string(msg, string_attrs[i].attr, NULL);

		if (value != NULL) {
			*string_slot(p, i) = talloc_strdup(p, value);
			if (*string_slot(p, i) == NULL) {
				talloc_free(p);
				talloc_free(tmp);
				return MAPI_E_NOT_ENOUGH_MEMORY;
			}
		}
	}
	if (ldb_msg_find_attr_as_string(msg, "password", NULL) != NULL) {
		p->password = talloc_strdup(p, ldb_msg_find_attr_as_string(msg, "password", NULL));
	}
	p->codepage = ldb_msg_find_attr_as_uint(msg, "codepage", 0);
	p->locale_id = ldb_msg_find_attr_as_uint(msg, "localeId", 0);
	/* a record written before the attribute existed, or "ntlm": NTLM */
	p->auth = strcasecmp(ldb_msg_find_attr_as_string(msg, "authType", "ntlm"), "kerberos") == 0 ?
		PROFILE_AUTH_KERBEROS : PROFILE_AUTH_NTLM;
	def = read_default(store, tmp);
	p->is_default = def != NULL && p->name != NULL && strcasecmp(def, p->name) == 0;
	talloc_free(tmp);
	*out = p;
	return MAPI_E_SUCCESS;
}

static int compare_names(const void *a, const void *b)
{
	return strcasecmp(*(const char * const *)a, *(const char * const *)b);
}

enum MAPISTATUS profile_list(struct profile_store *store, TALLOC_CTX *mem_ctx,
			     const char ***names, uint32_t *count)
{
	static const char *attrs[] = { "name", NULL };
	TALLOC_CTX *tmp = talloc_new(store);
	struct ldb_result *res = NULL;
	struct ldb_dn *dn = root_dn(tmp, store);
	const char **list;
	enum MAPISTATUS ret;
	unsigned i;
	int lret;

	*names = NULL;
	*count = 0;
	if (dn == NULL) {
		talloc_free(tmp);
		return MAPI_E_NOT_ENOUGH_MEMORY;
	}
	lret = ldb_search(store->ldb, tmp, &res, dn, LDB_SCOPE_ONELEVEL, attrs,
			  "(objectClass=" PROFILE_CLASS ")");
	if (lret != LDB_SUCCESS) {
		ret = ldb_fail(store, "listing profiles", lret);
		talloc_free(tmp);
		return ret;
	}
	/* one spare slot: the list is also NULL-terminated */
	list = talloc_zero_array(mem_ctx, const char *, res->count + 1);
	if (list == NULL) {
		talloc_free(tmp);
		return MAPI_E_NOT_ENOUGH_MEMORY;
	}
	for (i = 0; i < res->count; i++) {
		const char *name = ldb_msg_find_attr_as_string(res->msgs[i], "name", "");

		list[i] = talloc_strdup(list, name);
		if (list[i] == NULL) {
			talloc_free(list);
			talloc_free(tmp);
			return MAPI_E_NOT_ENOUGH_MEMORY;
		}
	}
	qsort(list, res->count, sizeof(list[0]), compare_names);
	*names = list;
	*count = res->count;
	talloc_free(tmp);
	return MAPI_E_SUCCESS;
}

enum MAPISTATUS profile_delete(struct profile_store *store, const char *name)
{
	TALLOC_CTX *tmp;
	struct ldb_message *msg;
	const char *def;
	enum MAPISTATUS ret;
	int lret;

	if (!profile_name_is_valid(name)) {
		return fail(store, MAPI_E_INVALID_PARAMETER, "invalid profile name");
	}
	tmp = talloc_new(store);
	lret = ldb_transaction_start(store->ldb);
	if (lret != LDB_SUCCESS) {
		ret = ldb_fail(store, "transaction", lret);
		talloc_free(tmp);
		return ret;
	}
	ret = find_profile(store, tmp, name, &msg);
	if (ret != MAPI_E_SUCCESS) {
		talloc_free(tmp);
		return cancel(store, ret);
	}
	lret = ldb_delete(store->ldb, msg->dn);
	def = read_default(store, tmp);
	if (lret == LDB_SUCCESS && def != NULL && strcasecmp(def, name) == 0) {
		lret = write_default(store, NULL);
	}
	if (lret != LDB_SUCCESS) {
		ret = ldb_fail(store, "deleting the profile", lret);
		talloc_free(tmp);
		return cancel(store, ret);
	}
	talloc_free(tmp);
	return commit(store);
}

enum MAPISTATUS profile_set_default(struct profile_store *store, const char *name)
{
	TALLOC_CTX *tmp = talloc_new(store);
	struct ldb_message *msg;
	enum MAPISTATUS ret;
	int lret;

	lret = ldb_transaction_start(store->ldb);
	if (lret != LDB_SUCCESS) {
		ret = ldb_fail(store, "transaction", lret);
		talloc_free(tmp);
		return ret;
	}
	ret = find_profile(store, tmp, name, &msg);
	if (ret != MAPI_E_SUCCESS) {
		talloc_free(tmp);
		return cancel(store, ret);
	}
	/* the name as it was created, not as this caller spelled it */
	lret = write_default(store, ldb_msg_find_attr_as_string(msg, "name", name));
	talloc_free(tmp);
	if (lret != LDB_SUCCESS) {
		return cancel(store, ldb_fail(store, "setting the default", lret));
	}
	return commit(store);
}

enum MAPISTATUS profile_get_default(struct profile_store *store, TALLOC_CTX *mem_ctx,
				    const char **name)
{
	TALLOC_CTX *tmp = talloc_new(store);
	const char *def = read_default(store, tmp);

	*name = NULL;
	if (def == NULL) {
		talloc_free(tmp);
		return fail(store, MAPI_E_NOT_FOUND, "no default profile");
	}
	*name = talloc_strdup(mem_ctx, def);
	talloc_free(tmp);
	return *name != NULL ? MAPI_E_SUCCESS : MAPI_E_NOT_ENOUGH_MEMORY;
}
