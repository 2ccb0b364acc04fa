/*
 * OpenChange mapiproxy: the NSPI address book cache over sam.ldb
 * (doc/directory.md is the contract: address lists under the Exchange
 * organization, recipients with showInAddressBook).
 *
 * One snapshot per process, rebuilt when the directory's highest sequence
 * number moves, so a call never searches sam.ldb per row; MIds live in a
 * registry that outlives snapshots.
 *
 * Copyright (C) OpenChange developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <ndr.h>	/* before ldb.h: one struct for DATA_BLOB and ldb_val */

#include <string.h>
#include <strings.h>
#include <talloc.h>
#include <ldb.h>
#include <ldb_errors.h>
#include <dcesrv_core.h>

#include "idl/gen_errors.h"
#include "mapiproxy/debug.h"
#include "mapiproxy/directory.h"
#include "mapiproxy/samba_private.h"
#include "mapiproxy/nspi/nspi_directory.h"

struct nspi_cache {
	struct nspi_mid_registry *mids;
	struct nspi_book *book;
	bool have_guid;
	uint8_t server_guid[16];
};

static struct nspi_cache *process_cache;

static struct nspi_cache *cache(struct dcesrv_call_state *dce_call)
{
	if (process_cache == NULL) {
		process_cache = talloc_zero(dce_call->conn->dce_ctx, struct nspi_cache);
		if (process_cache != NULL) {
			process_cache->mids = nspi_mid_registry_new(process_cache);
			if (process_cache->mids == NULL) {
				TALLOC_FREE(process_cache);
			}
		}
	}
	return process_cache;
}

/* attributeSyntax of MS-ADTS 3.1.1.2.2.2 to a property type */
static uint16_t syntax_type(const char *syntax, bool single)
{
	uint16_t t;

	if (syntax == NULL) {
		return 0;
	}
	if (strcmp(syntax, "2.5.5.12") == 0 || strcmp(syntax, "2.5.5.4") == 0 ||
	    strcmp(syntax, "2.5.5.5") == 0 || strcmp(syntax, "2.5.5.6") == 0 ||
	    strcmp(syntax, "2.5.5.3") == 0) {
		t = PT_UNICODE;
	} else if (strcmp(syntax, "2.5.5.9") == 0) {
		t = PT_LONG;
	} else if (strcmp(syntax, "2.5.5.8") == 0) {
		return single ? PT_BOOLEAN : 0;
	} else if (strcmp(syntax, "2.5.5.10") == 0 || strcmp(syntax, "2.5.5.17") == 0) {
		t = PT_BINARY;
	} else if (strcmp(syntax, "2.5.5.11") == 0) {
		return single ? PT_SYSTIME : 0;
	} else if (strcmp(syntax, "2.5.5.1") == 0) {
		return NSPI_PT_EMBEDDED_TABLE;
	} else {
		return 0;
	}
	return single ? t : (uint16_t)(t | 0x1000);
}

static bool load_props(TALLOC_CTX *mem_ctx, struct ldb_context *samdb,
		       struct nspi_book_source *src)
{
	static const char *const attrs[] = {
		"lDAPDisplayName", "mAPIID", "attributeSyntax", "isSingleValued", NULL
	};
	struct ldb_result *res = NULL;
	unsigned int i;
	int ret;

	ret = ldb_search(samdb, mem_ctx, &res, ldb_get_schema_basedn(samdb), LDB_SCOPE_ONELEVEL,
			 attrs, "(&(objectClass=attributeSchema)(mAPIID=*))");
	if (ret != LDB_SUCCESS) {
		return false;
	}
	src->props = talloc_array(mem_ctx, struct nspi_propmap, res->count + 1);
	if (src->props == NULL) {
		return false;
	}
	src->num_props = 0;
	for (i = 0; i < res->count; i++) {
		const struct ldb_message *m = res->msgs[i];
		int id = ldb_msg_find_attr_as_int(m, "mAPIID", 0);
		bool single = ldb_msg_find_attr_as_bool(m, "isSingleValued", false);
		uint16_t type = syntax_type(ldb_msg_find_attr_as_string(m, "attributeSyntax", NULL),
					    single);
		const char *name = ldb_msg_find_attr_as_string(m, "lDAPDisplayName", NULL);

		if (id <= 0 || id > 0xFFFF || type == 0 || name == NULL) {
			continue;
		}
		src->props[src->num_props].prop_id = (uint16_t)id;
		src->props[src->num_props].native_type = type;
		src->props[src->num_props].attr = talloc_strdup(src->props, name);
		src->num_props++;
	}
	talloc_free(res);
	return true;
}

/*
 * The attributes a recipient's snapshot needs: the ones the calls read
 * themselves, then every attribute with a property.  Anything else (most of
 * a user object) stays in sam.ldb.
 */
static const char **recipient_attrs(TALLOC_CTX *mem_ctx, const struct nspi_book_source *src)
{
	static const char *const fixed[] = {
		"objectClass", "objectGUID", "uSNCreated", "cn", "name", "displayName",
		"legacyExchangeDN", "showInAddressBook", "msExchHideFromAddressLists",
		"msExchRecipientDisplayType", "mail", "proxyAddresses", "mailNickname",
		"sAMAccountName", "givenName", "sn", "homeMDB", "member", NULL
	};
	const char **attrs = talloc_array(mem_ctx, const char *,
					  sizeof(fixed) / sizeof(fixed[0]) + src->num_props);
	uint32_t i, n = 0;

	if (attrs == NULL) {
		return NULL;
	}
	for (i = 0; fixed[i] != NULL; i++) {
		attrs[n++] = fixed[i];
	}
	for (i = 0; i < src->num_props; i++) {
		uint32_t j;
		bool seen = false;

		for (j = 0; j < n && !seen; j++) {
			seen = strcasecmp(attrs[j], src->props[i].attr) == 0;
		}
		if (!seen) {
			attrs[n++] = src->props[i].attr;
		}
	}
	attrs[n] = NULL;
	return attrs;
}

static struct ldb_message **steal_msgs(TALLOC_CTX *mem_ctx, struct ldb_result *res, uint32_t *n)
{
	*n = res->count;
	return talloc_steal(mem_ctx, res->msgs);
}

static struct nspi_book *build(TALLOC_CTX *mem_ctx, struct nspi_cache *c,
			       struct ldb_context *samdb, uint64_t seq)
{
	static const char *const all_attrs[] = { "*", "objectGUID", "uSNCreated", NULL };
	static const char *const legacy_attrs[] = { "legacyExchangeDN", NULL };
	static const char *const root_attrs[] = { "globalAddressList", NULL };
	TALLOC_CTX *tmp = talloc_new(mem_ctx);
	struct nspi_book_source src = { .ldb = samdb, .sequence = seq };
	struct ldb_result *recipients = NULL, *lists = NULL, *config = NULL, *root = NULL;
	struct ldb_dn *exchange;
	struct nspi_book *book = NULL;
	const char **wanted;
	unsigned int i, kept = 0;
	int ret;

	if (tmp == NULL || !load_props(tmp, samdb, &src)) {
		goto done;
	}
	wanted = recipient_attrs(tmp, &src);
	if (wanted == NULL) {
		goto done;
	}
	ret = ldb_search(samdb, tmp, &recipients, ldb_get_default_basedn(samdb), LDB_SCOPE_SUBTREE,
			 wanted, "(showInAddressBook=*)");
	if (ret != LDB_SUCCESS) {
		/* a schema without some of the fixed attributes: take them all */
		ret = ldb_search(samdb, tmp, &recipients, ldb_get_default_basedn(samdb),
				 LDB_SCOPE_SUBTREE, all_attrs, "(showInAddressBook=*)");
	}
	if (ret != LDB_SUCCESS) {
		DEBUG(1, ("mapiproxy: nspi: cannot list recipients: %s\n", ldb_errstring(samdb)));
		goto done;
	}
	/* MS-OXOABK: objects hidden from address lists are not in any */
	for (i = 0; i < recipients->count; i++) {
		if (!ldb_msg_find_attr_as_bool(recipients->msgs[i], "msExchHideFromAddressLists",
					       false)) {
			recipients->msgs[kept++] = recipients->msgs[i];
		}
	}
	recipients->count = kept;
	src.recipients = steal_msgs(tmp, recipients, &src.num_recipients);

	exchange = ldb_dn_copy(tmp, ldb_get_config_basedn(samdb));
	if (exchange == NULL || !ldb_dn_add_child_fmt(exchange, "CN=Microsoft Exchange,CN=Services")) {
		goto done;
	}
	ret = ldb_search(samdb, tmp, &lists, exchange, LDB_SCOPE_SUBTREE, all_attrs,
			 "(objectClass=addressBookContainer)");
	if (ret == LDB_SUCCESS) {
		src.lists = steal_msgs(tmp, lists, &src.num_lists);
	} else if (ret != LDB_ERR_NO_SUCH_OBJECT) {
		DEBUG(1, ("mapiproxy: nspi: cannot list address lists: %s\n", ldb_errstring(samdb)));
	}
	ret = ldb_search(samdb, tmp, &root, exchange, LDB_SCOPE_BASE, root_attrs, NULL);
	if (ret == LDB_SUCCESS && root->count == 1) {
		src.gal_dn = ldb_msg_find_attr_as_string(root->msgs[0], "globalAddressList", NULL);
	}
	for (i = 0; i < src.num_lists; i++) {
		const struct ldb_val *rdn = ldb_dn_get_rdn_val(src.lists[i]->dn);
		const char *dn = ldb_dn_get_linearized(src.lists[i]->dn);

		if (rdn == NULL) {
			continue;
		}
		if (src.gal_dn == NULL && rdn->length == 26 &&
		    strncasecmp((const char *)rdn->data, "Default Global Address List", 26) == 0) {
			src.gal_dn = dn;
		}
		if (rdn->length == 17 &&
		    strncasecmp((const char *)rdn->data, "All Address Lists", 17) == 0) {
			src.all_lists_dn = dn;
		}
	}
	ret = ldb_search(samdb, tmp, &config, ldb_get_config_basedn(samdb), LDB_SCOPE_SUBTREE,
			 legacy_attrs, "(legacyExchangeDN=*)");
	if (ret == LDB_SUCCESS) {
		src.config = steal_msgs(tmp, config, &src.num_config);
	}
	book = nspi_book_build(mem_ctx, c->mids, &src);
	if (book != NULL) {
		DEBUG(3, ("mapiproxy: nspi: address book at sequence %llu: %u objects, "
			  "%u in the GAL, %u address lists\n", (unsigned long long)seq,
			  book->num_objects, book->gal->table.count, book->num_containers));
	}
done:
	talloc_free(tmp);
	return book;
}

struct nspi_book *nspi_directory_book(struct dcesrv_call_state *dce_call, TALLOC_CTX *mem_ctx,
				      uint32_t *err)
{
	struct ldb_context *samdb = mapiproxy_samdb(dce_call);
	struct nspi_cache *c = cache(dce_call);
	struct nspi_book *book;
	uint64_t seq = 0;

	if (samdb == NULL || c == NULL) {
		*err = MAPI_E_CALL_FAILED;
		return NULL;
	}
	if (ldb_sequence_number(samdb, LDB_SEQ_HIGHEST_SEQ, &seq) != LDB_SUCCESS) {
		seq = 0;
	}
	if (c->book == NULL || seq == 0 || c->book->sequence != seq) {
		book = build(c, c, samdb, seq);
		if (book == NULL) {
			if (c->book == NULL) {
				*err = MAPI_E_CALL_FAILED;
				return NULL;
			}
			/* keep serving the last good snapshot */
		} else {
			/* calls still running on the old one hold a reference */
			talloc_unlink(c, c->book);
			c->book = book;
		}
	}
	if (talloc_reference(mem_ctx, c->book) == NULL) {
		*err = MAPI_E_NOT_ENOUGH_MEMORY;
		return NULL;
	}
	*err = MAPI_E_SUCCESS;
	return c->book;
}

const uint8_t *nspi_directory_server_guid(struct dcesrv_call_state *dce_call)
{
	static const char *const attrs[] = { "objectGUID", NULL };
	struct nspi_cache *c = cache(dce_call);
	struct ldb_context *samdb = mapiproxy_samdb(dce_call);
	struct ldb_result *res = NULL;
	struct ldb_dn *ntds;

	if (c == NULL) {
		return NULL;
	}
	if (c->have_guid || samdb == NULL) {
		return c->server_guid;
	}
	ntds = ldb_dn_new(c, samdb, NULL);
	if (ntds != NULL) {
		static const char *const rootdse_attrs[] = { "dsServiceName", NULL };
		struct ldb_result *rootdse = NULL;

		if (ldb_search(samdb, c, &rootdse, ntds, LDB_SCOPE_BASE, rootdse_attrs, NULL) ==
		    LDB_SUCCESS && rootdse->count == 1) {
			const char *name = ldb_msg_find_attr_as_string(rootdse->msgs[0],
								       "dsServiceName", NULL);
			struct ldb_dn *dn = name != NULL ? ldb_dn_new(c, samdb, name) : NULL;

			if (dn != NULL &&
			    ldb_search(samdb, c, &res, dn, LDB_SCOPE_BASE, attrs, NULL) == LDB_SUCCESS &&
			    res->count == 1) {
				const struct ldb_val *g = ldb_msg_find_ldb_val(res->msgs[0], "objectGUID");

				if (g != NULL && g->length == 16) {
					memcpy(c->server_guid, g->data, 16);
					c->have_guid = true;
				}
			}
			talloc_free(dn);
			talloc_free(res);
		}
		talloc_free(rootdse);
		talloc_free(ntds);
	}
	return c->server_guid;
}

static uint32_t ldb_to_mapi(int ret)
{
	switch (ret) {
	case LDB_SUCCESS:
		return MAPI_E_SUCCESS;
	case LDB_ERR_INSUFFICIENT_ACCESS_RIGHTS:
	case LDB_ERR_CONSTRAINT_VIOLATION:
	case LDB_ERR_UNWILLING_TO_PERFORM:
		return MAPI_E_NO_ACCESS;
	case LDB_ERR_NO_SUCH_OBJECT:
		return MAPI_E_NOT_FOUND;
	case LDB_ERR_INVALID_ATTRIBUTE_SYNTAX:
	case LDB_ERR_ATTRIBUTE_OR_VALUE_EXISTS:
	case LDB_ERR_NO_SUCH_ATTRIBUTE:
	case LDB_ERR_OBJECT_CLASS_VIOLATION:
		return MAPI_E_INVALID_PARAMETER;
	default:
		return MAPI_E_CALL_FAILED;
	}
}

uint32_t nspi_directory_modify(struct dcesrv_call_state *dce_call, const char *dn,
			       const struct nspi_attr_change *changes, uint32_t num_changes)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	struct ldb_context *ldb;
	struct ldb_message *msg;
	uint32_t i, result;
	int ret;

	if (tmp == NULL) {
		return MAPI_E_NOT_ENOUGH_MEMORY;
	}
	ldb = dcesrv_samdb_connect_as_user(tmp, dce_call);
	msg = ldb != NULL ? ldb_msg_new(tmp) : NULL;
	if (msg == NULL) {
		talloc_free(tmp);
		return MAPI_E_CALL_FAILED;
	}
	msg->dn = ldb_dn_new(msg, ldb, dn);
	for (i = 0; i < num_changes; i++) {
		struct ldb_message_element *el;
		uint32_t v;

		if (ldb_msg_add_empty(msg, changes[i].attr, LDB_FLAG_MOD_REPLACE, &el) != LDB_SUCCESS) {
			talloc_free(tmp);
			return MAPI_E_NOT_ENOUGH_MEMORY;
		}
		for (v = 0; v < changes[i].num_values; v++) {
			if (ldb_msg_add_value(msg, changes[i].attr, &changes[i].values[v], NULL) !=
			    LDB_SUCCESS) {
				talloc_free(tmp);
				return MAPI_E_NOT_ENOUGH_MEMORY;
			}
		}
	}
	ret = ldb_modify(ldb, msg);
	result = ldb_to_mapi(ret);
	DEBUG(ret == LDB_SUCCESS ? 4 : 2, ("mapiproxy: nspi: modify %s as %s: %s\n", dn,
		dcesrv_call_account_name(dce_call), ret == LDB_SUCCESS ? "done" : ldb_errstring(ldb)));
	talloc_free(tmp);
	return result;
}

uint32_t nspi_directory_link(struct dcesrv_call_state *dce_call, const char *dn, const char *attr,
			     const char *const *targets, uint32_t num_targets, bool remove)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	struct ldb_context *ldb;
	struct ldb_message *msg;
	struct ldb_message_element *el;
	uint32_t i, result;
	int ret;

	if (tmp == NULL) {
		return MAPI_E_NOT_ENOUGH_MEMORY;
	}
	ldb = dcesrv_samdb_connect_as_user(tmp, dce_call);
	msg = ldb != NULL ? ldb_msg_new(tmp) : NULL;
	if (msg == NULL) {
		talloc_free(tmp);
		return MAPI_E_CALL_FAILED;
	}
	msg->dn = ldb_dn_new(msg, ldb, dn);
	if (ldb_msg_add_empty(msg, attr, remove ? LDB_FLAG_MOD_DELETE : LDB_FLAG_MOD_ADD,
			      &el) != LDB_SUCCESS) {
		talloc_free(tmp);
		return MAPI_E_NOT_ENOUGH_MEMORY;
	}
	for (i = 0; i < num_targets; i++) {
		if (ldb_msg_add_string(msg, attr, targets[i]) != LDB_SUCCESS) {
			talloc_free(tmp);
			return MAPI_E_NOT_ENOUGH_MEMORY;
		}
	}
	ret = ldb_modify(ldb, msg);
	/* adding a member twice, or removing one that is not there, changes nothing */
	if (ret == LDB_ERR_ATTRIBUTE_OR_VALUE_EXISTS || ret == LDB_ERR_NO_SUCH_ATTRIBUTE ||
	    (remove && ret == LDB_ERR_UNWILLING_TO_PERFORM && num_targets == 0)) {
		ret = LDB_SUCCESS;
	}
	result = ldb_to_mapi(ret);
	DEBUG(ret == LDB_SUCCESS ? 4 : 2, ("mapiproxy: nspi: %s %u %s of %s as %s: %s\n",
		remove ? "remove" : "add", num_targets, attr, dn, dcesrv_call_account_name(dce_call),
		ret == LDB_SUCCESS ? "done" : ldb_errstring(ldb)));
	talloc_free(tmp);
	return result;
}
