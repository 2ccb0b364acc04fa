/*
 * OpenChange mapiproxy: the X500-style server DNs of MS-OXABREF 3.1.4.2.
 *
 *   "/o=" org "/ou=" admin-group "/cn=Configuration/cn=Servers/cn="
 *       [instance "/cn="] server ["/cn=Microsoft Private MDB" | "/cn=Microsoft Public MDB"]
 *
 * Copyright (C) OpenChange developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>
#include <strings.h>
#include "mapiproxy/server_dn.h"

#define MAX_ELEMENTS 8

struct element {
	const char *type;	/* "o", "ou", "cn" */
	const char *value;
};

/* Splits "/t=v/t=v..." into elements; the values are talloc copies. */
static int split_elements(TALLOC_CTX *mem_ctx, const char *dn, struct element *el)
{
	int n = 0;
	const char *p = dn;

	while (*p == '/') {
		const char *eq, *end;

		if (n == MAX_ELEMENTS) {
			return -1;
		}
		p++;
		end = strchr(p, '/');
		if (end == NULL) {
			end = p + strlen(p);
		}
		eq = memchr(p, '=', (size_t)(end - p));
		if (eq == NULL || eq == p || eq + 1 == end) {
			return -1;	/* no type, or an empty value */
		}
		el[n].type = talloc_strndup(mem_ctx, p, (size_t)(eq - p));
		el[n].value = talloc_strndup(mem_ctx, eq + 1, (size_t)(end - eq - 1));
		if (el[n].type == NULL || el[n].value == NULL) {
			return -1;
		}
		n++;
		p = end;
	}
	return *p == '\0' ? n : -1;
}

static bool is(const struct element *el, const char *type, const char *value)
{
	return strcasecmp(el->type, type) == 0 &&
		(value == NULL || strcasecmp(el->value, value) == 0);
}

bool server_dn_parse(TALLOC_CTX *mem_ctx, const char *dn, struct server_dn *out)
{
	TALLOC_CTX *tmp = talloc_new(mem_ctx);
	struct element el[MAX_ELEMENTS];
	int n, last;
	bool ok = false;

	memset(out, 0, sizeof(*out));
	if (tmp == NULL || dn == NULL) {
		goto done;
	}
	n = split_elements(tmp, dn, el);
	/* o, ou, cn=Configuration, cn=Servers, [cn=instance,] cn=server [, cn=MDB] */
	if (n < 5 || !is(&el[0], "o", NULL) || !is(&el[1], "ou", NULL) ||
	    !is(&el[2], "cn", "Configuration") || !is(&el[3], "cn", "Servers")) {
		goto done;
	}
	last = n - 1;
	if (is(&el[last], "cn", "Microsoft Private MDB")) {
		out->database = SERVER_DN_PRIVATE_MDB;
		last--;
	} else if (is(&el[last], "cn", "Microsoft Public MDB")) {
		out->database = SERVER_DN_PUBLIC_MDB;
		last--;
	}
	if (last < 4 || last > 5 || !is(&el[last], "cn", NULL) ||
	    (last == 5 && !is(&el[4], "cn", NULL))) {
		goto done;
	}
	out->organization = talloc_steal(mem_ctx, el[0].value);
	out->admin_group = talloc_steal(mem_ctx, el[1].value);
	out->instance = last == 5 ? talloc_steal(mem_ctx, el[4].value) : NULL;
	out->server = talloc_steal(mem_ctx, el[last].value);
	ok = true;
done:
	if (!ok) {
		memset(out, 0, sizeof(*out));
	}
	talloc_free(tmp);
	return ok;
}

char *server_dn_canonical(TALLOC_CTX *mem_ctx, const struct server_dn *sdn)
{
	return talloc_asprintf(mem_ctx, "/o=%s/ou=%s/cn=Configuration/cn=Servers/cn=%s",
			       sdn->organization, sdn->admin_group, sdn->server);
}
