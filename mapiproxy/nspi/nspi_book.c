/*
 * OpenChange mapiproxy: the NSPI address book snapshot, its indexes and
 * table positioning (MS-OXNSPI 3.1.4.5).
 *
 * Copyright (C) OpenChange developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "mapiproxy/nspi/nspi_book.h"
#include <charset.h>
#include "idl/gen_errors.h"

/* MS-OXNSPI 2.2.9.1 GUID_NSPI {C840A7DC-42C0-1A10-B4B9-08002B2FE182}, wire order */
const uint8_t nspi_provider_uid[16] = {
	0xDC, 0xA7, 0x40, 0xC8, 0xC0, 0x42, 0x10, 0x1A,
	0xB4, 0xB9, 0x08, 0x00, 0x2B, 0x2F, 0xE1, 0x82,
};

struct mid_entry {
	uint8_t guid[16];
	uint32_t mid;
};

struct nspi_mid_registry {
	uint32_t count;
	uint32_t next_mid;
	struct mid_entry *entries;	/* sorted by guid */
};

struct nspi_mid_registry *nspi_mid_registry_new(TALLOC_CTX *mem_ctx)
{
	struct nspi_mid_registry *r = talloc_zero(mem_ctx, struct nspi_mid_registry);

	if (r != NULL) {
		r->next_mid = NSPI_MID_REGISTRY_FIRST;
	}
	return r;
}

static int mid_entry_cmp(const void *a, const void *b)
{
	return memcmp(((const struct mid_entry *)a)->guid, ((const struct mid_entry *)b)->guid, 16);
}

static uint32_t registry_find(const struct nspi_mid_registry *r, const uint8_t *guid)
{
	struct mid_entry key, *e;

	if (r->count == 0) {
		return 0;
	}
	memcpy(key.guid, guid, 16);
	e = bsearch(&key, r->entries, r->count, sizeof(*e), mid_entry_cmp);
	return e != NULL ? e->mid : 0;
}

/* gives every object without a MId (no uSNCreated) one; keeps the registry sorted */
static bool registry_assign(struct nspi_mid_registry *r, struct nspi_object **objs, uint32_t n)
{
	uint32_t i, added = 0;
	struct mid_entry *grown;

	for (i = 0; i < n; i++) {
		if (objs[i]->mid == 0) {
			objs[i]->mid = registry_find(r, objs[i]->guid);
			if (objs[i]->mid == 0) {
				added++;
			}
		}
	}
	if (added == 0) {
		return true;
	}
	grown = talloc_realloc(r, r->entries, struct mid_entry, r->count + added);
	if (grown == NULL) {
		return false;
	}
	r->entries = grown;
	for (i = 0; i < n; i++) {
		if (objs[i]->mid == 0) {
			/* a GUID seen twice in one build gets one MId */
			uint32_t j, dup = 0;

			for (j = 0; j < i && dup == 0; j++) {
				if (objs[j]->mid >= NSPI_MID_REGISTRY_FIRST &&
				    memcmp(objs[j]->guid, objs[i]->guid, 16) == 0) {
					dup = objs[j]->mid;
				}
			}
			if (dup != 0) {
				objs[i]->mid = dup;
				continue;
			}
			memcpy(r->entries[r->count].guid, objs[i]->guid, 16);
			r->entries[r->count].mid = objs[i]->mid = r->next_mid++;
			r->count++;
		}
	}
	qsort(r->entries, r->count, sizeof(r->entries[0]), mid_entry_cmp);
	return true;
}

char *nspi_fold(TALLOC_CTX *mem_ctx, const char *utf8)
{
	char *folded = strlower_talloc(mem_ctx, utf8 != NULL ? utf8 : "");

	return folded != NULL ? folded : talloc_strdup(mem_ctx, utf8 != NULL ? utf8 : "");
}

int nspi_compare_rows(const struct nspi_object *a, const struct nspi_object *b)
{
	int c = strcmp(a->sort_key, b->sort_key);

	if (c != 0) {
		return c;
	}
	return a->mid < b->mid ? -1 : (a->mid > b->mid ? 1 : 0);
}

static int row_qsort_cmp(const void *a, const void *b)
{
	return nspi_compare_rows(*(struct nspi_object *const *)a, *(struct nspi_object *const *)b);
}

static int mid_cmp(const void *a, const void *b)
{
	uint32_t x = (*(struct nspi_object *const *)a)->mid, y = (*(struct nspi_object *const *)b)->mid;

	return x < y ? -1 : (x > y ? 1 : 0);
}

static int legacy_dn_cmp(const void *a, const void *b)
{
	return strcasecmp((*(struct nspi_object *const *)a)->legacy_dn,
			  (*(struct nspi_object *const *)b)->legacy_dn);
}

static int propmap_cmp(const void *a, const void *b)
{
	const struct nspi_propmap *x = a, *y = b;

	return (int)x->prop_id - (int)y->prop_id;
}

static int anr_cmp(const void *a, const void *b)
{
	const struct nspi_anr_key *x = a, *y = b;
	int c = strcmp(x->key, y->key);

	if (c != 0) {
		return c;
	}
	return x->obj->mid < y->obj->mid ? -1 : (x->obj->mid > y->obj->mid ? 1 : 0);
}

static int dn_map_cmp(const void *a, const void *b)
{
	return strcmp(((const struct nspi_dn_map *)a)->dn, ((const struct nspi_dn_map *)b)->dn);
}

static bool has_value(const struct ldb_message *msg, const char *attr, const char *value)
{
	const struct ldb_message_element *el = ldb_msg_find_element(msg, attr);
	unsigned int i;

	for (i = 0; el != NULL && i < el->num_values; i++) {
		if (el->values[i].length == strlen(value) &&
		    strncasecmp((const char *)el->values[i].data, value, el->values[i].length) == 0) {
			return true;
		}
	}
	return false;
}

static bool is_class(const struct ldb_message *msg, const char *cls)
{
	return has_value(msg, "objectClass", cls);
}

static void hex_guid(char *out, const uint8_t *guid)
{
	static const char hex[] = "0123456789abcdef";
	int i;

	for (i = 0; i < 16; i++) {
		out[2 * i] = hex[guid[i] >> 4];
		out[2 * i + 1] = hex[guid[i] & 0xF];
	}
	out[32] = '\0';
}

static struct nspi_object *new_object(TALLOC_CTX *mem_ctx, struct ldb_message *msg)
{
	struct nspi_object *obj = talloc_zero(mem_ctx, struct nspi_object);
	const struct ldb_val *guid;
	const char *name, *legacy;
	char hex[33];

	if (obj == NULL) {
		return NULL;
	}
	obj->msg = talloc_steal(obj, msg);
	obj->dn = ldb_dn_get_linearized(msg->dn);
	guid = ldb_msg_find_ldb_val(msg, "objectGUID");
	if (guid != NULL && guid->length == 16) {
		memcpy(obj->guid, guid->data, 16);
	} else {
		/* no GUID (test fixtures): the DN stands in, folded into 16 bytes */
		const char *dn = obj->dn != NULL ? obj->dn : "";
		size_t i;

		for (i = 0; dn[i] != '\0'; i++) {
			obj->guid[i % 16] = (uint8_t)(obj->guid[i % 16] * 31 + (uint8_t)dn[i]);
		}
	}
	name = ldb_msg_find_attr_as_string(msg, "displayName", NULL);
	if (name == NULL) {
		name = ldb_msg_find_attr_as_string(msg, "cn", NULL);
	}
	if (name == NULL) {
		name = ldb_msg_find_attr_as_string(msg, "name", "");
	}
	obj->display_name = name;
	obj->sort_key = nspi_fold(obj, name);
	legacy = ldb_msg_find_attr_as_string(msg, "legacyExchangeDN", NULL);
	if (legacy == NULL || legacy[0] == '\0') {
		hex_guid(hex, obj->guid);
		legacy = talloc_asprintf(obj, "/guid=%s", hex);
	}
	obj->legacy_dn = legacy;
	obj->gal_pos = UINT32_MAX;
	/*
	 * The MId is the object's uSNCreated (+ 0x10, above the reserved
	 * values): unique on this DC, the same in every process and after a
	 * restart, so every session of this server GUID (prefork workers
	 * included) agrees on it (MS-OXNSPI 3.1.1.5: a server GUID's sessions
	 * share MIds).  Objects without one get a MId from the registry.
	 */
	{
		uint64_t usn = ldb_msg_find_attr_as_uint64(msg, "uSNCreated", 0);

		if (usn > 0 && usn + NSPI_MID_FIRST < NSPI_MID_REGISTRY_FIRST) {
			obj->mid = (uint32_t)(usn + NSPI_MID_FIRST);
		}
	}
	if (obj->sort_key == NULL || obj->legacy_dn == NULL) {
		talloc_free(obj);
		return NULL;
	}
	return obj;
}

static void classify_recipient(struct nspi_object *obj)
{
	const struct ldb_message *msg = obj->msg;

	if (is_class(msg, "group")) {
		obj->kind = NSPI_KIND_GROUP;
		obj->display_type = NSPI_DT_DISTLIST;
		obj->object_type = NSPI_MAPI_DISTLIST;
	} else if (is_class(msg, "contact")) {
		obj->kind = NSPI_KIND_CONTACT;
		obj->display_type = NSPI_DT_REMOTE_MAILUSER;
		obj->object_type = NSPI_MAPI_MAILUSER;
	} else {
		obj->kind = NSPI_KIND_USER;
		obj->display_type = NSPI_DT_MAILUSER;
		obj->object_type = NSPI_MAPI_MAILUSER;
	}
	/* MS-OXOABK 2.2.3.11: msExchRecipientDisplayType refines it when set */
	if (ldb_msg_find_element(msg, "msExchRecipientDisplayType") != NULL) {
		int dt = ldb_msg_find_attr_as_int(msg, "msExchRecipientDisplayType", -1);

		if (dt >= 0 && dt <= 6) {
			obj->display_type = (uint32_t)dt;
		}
	}
}

static bool table_add(TALLOC_CTX *mem_ctx, struct nspi_table *t, struct nspi_object *obj)
{
	struct nspi_object **rows = talloc_realloc(mem_ctx, t->rows, struct nspi_object *,
						   t->count + 1);

	if (rows == NULL) {
		return false;
	}
	rows[t->count++] = obj;
	t->rows = rows;
	return true;
}

static void table_sort(struct nspi_table *t)
{
	if (t->count > 1) {
		qsort(t->rows, t->count, sizeof(t->rows[0]), row_qsort_cmp);
	}
}

/* depth of dn below the All Address Lists container: 0 for its children */
static int list_depth(struct ldb_context *ldb, struct ldb_dn *dn, struct ldb_dn *root)
{
	int n = ldb_dn_get_comp_num(dn) - ldb_dn_get_comp_num(root);

	(void)ldb;
	return n - 1;
}

static bool add_anr_keys(TALLOC_CTX *mem_ctx, struct nspi_book *book, struct nspi_object *obj,
			 uint32_t *alloc)
{
	static const char *const attrs[] = {
		"displayName", "givenName", "sn", "mailNickname", "sAMAccountName", "mail",
		"proxyAddresses", "legacyExchangeDN", NULL
	};
	unsigned int a, v;

	for (a = 0; attrs[a] != NULL; a++) {
		const struct ldb_message_element *el = ldb_msg_find_element(obj->msg, attrs[a]);

		for (v = 0; el != NULL && v < el->num_values; v++) {
			const char *value = (const char *)el->values[v].data;
			char *folded, *p;

			if (strcmp(attrs[a], "proxyAddresses") == 0) {
				/* "smtp:a@b" / "X500:/o=..": the address after the type */
				const char *colon = strchr(value, ':');

				if (colon == NULL) {
					continue;
				}
				value = colon + 1;
			}
			folded = nspi_fold(mem_ctx, value);
			if (folded == NULL || folded[0] == '\0') {
				continue;
			}
			/* the whole value, then each later word of a display name */
			for (p = folded; p != NULL; ) {
				if (book->num_anr == *alloc) {
					struct nspi_anr_key *grown;

					*alloc = *alloc * 2 + 64;
					grown = talloc_realloc(mem_ctx, book->anr, struct nspi_anr_key,
							       *alloc);
					if (grown == NULL) {
						return false;
					}
					book->anr = grown;
				}
				book->anr[book->num_anr].key = p;
				book->anr[book->num_anr].obj = obj;
				book->anr[book->num_anr].whole = (p == folded);
				book->num_anr++;
				if (strcmp(attrs[a], "displayName") != 0) {
					break;
				}
				p = strchr(p, ' ');
				while (p != NULL && *p == ' ') {
					p++;
				}
				if (p != NULL && *p == '\0') {
					p = NULL;
				}
			}
		}
	}
	return true;
}

static bool add_dn(TALLOC_CTX *mem_ctx, struct nspi_book *book, uint32_t *alloc,
		   const char *dn, const char *legacy_dn, struct nspi_object *obj)
{
	if (dn == NULL || legacy_dn == NULL) {
		return true;
	}
	if (book->num_dns == *alloc) {
		struct nspi_dn_map *grown;

		*alloc = *alloc * 2 + 32;
		grown = talloc_realloc(mem_ctx, book->dns, struct nspi_dn_map, *alloc);
		if (grown == NULL) {
			return false;
		}
		book->dns = grown;
	}
	book->dns[book->num_dns].dn = nspi_fold(book, dn);
	book->dns[book->num_dns].legacy_dn = legacy_dn;
	book->dns[book->num_dns].obj = obj;
	if (book->dns[book->num_dns].dn == NULL) {
		return false;
	}
	book->num_dns++;
	return true;
}

struct nspi_book *nspi_book_build(TALLOC_CTX *mem_ctx, struct nspi_mid_registry *mids,
				  struct nspi_book_source *src)
{
	struct nspi_book *book = talloc_zero(mem_ctx, struct nspi_book);
	struct ldb_dn *root = NULL;
	uint32_t i, n = 0, anr_alloc = 0, dn_alloc = 0;

	if (book == NULL) {
		return NULL;
	}
	book->sequence = src->sequence;
	book->objects = talloc_array(book, struct nspi_object *,
				     src->num_recipients + src->num_lists + 1);
	book->gal = talloc_zero(book, struct nspi_container);
	if (book->objects == NULL || book->gal == NULL) {
		goto fail;
	}
	book->gal->id = 0;
	book->gal->flags = NSPI_AB_RECIPIENTS | NSPI_AB_UNMODIFIABLE;
	book->gal->display_name = "Global Address List";

	for (i = 0; i < src->num_recipients; i++) {
		struct nspi_object *obj = new_object(book, src->recipients[i]);

		if (obj == NULL) {
			goto fail;
		}
		classify_recipient(obj);
		book->objects[n++] = obj;
	}
	for (i = 0; i < src->num_lists; i++) {
		struct nspi_object *obj = new_object(book, src->lists[i]);

		if (obj == NULL) {
			goto fail;
		}
		obj->kind = NSPI_KIND_CONTAINER;
		obj->display_type = NSPI_DT_CONTAINER;
		obj->object_type = NSPI_MAPI_ABCONT;
		book->objects[n++] = obj;
	}
	book->num_objects = n;
	if (!registry_assign(mids, book->objects, n)) {
		goto fail;
	}

	/* MId and DN indexes */
	book->by_mid = talloc_array(book, struct nspi_object *, n + 1);
	book->by_legacy_dn = talloc_array(book, struct nspi_object *, n + 1);
	if (book->by_mid == NULL || book->by_legacy_dn == NULL) {
		goto fail;
	}
	for (i = 0; i < n; i++) {
		book->by_mid[i] = book->objects[i];
		book->by_legacy_dn[i] = book->objects[i];
	}
	qsort(book->by_mid, n, sizeof(book->by_mid[0]), mid_cmp);
	qsort(book->by_legacy_dn, n, sizeof(book->by_legacy_dn[0]), legacy_dn_cmp);

	/* containers: the address lists below All Address Lists, in DN order */
	if (src->all_lists_dn != NULL && src->num_lists > 0) {
		root = ldb_dn_new(book, src->ldb, src->all_lists_dn);
	}
	book->containers = talloc_zero_array(book, struct nspi_container *, src->num_lists + 1);
	if (book->containers == NULL) {
		goto fail;
	}
	for (i = 0; i < n; i++) {
		struct nspi_object *obj = book->objects[i];
		struct nspi_container *c;

		if (obj->kind != NSPI_KIND_CONTAINER) {
			continue;
		}
		if (src->gal_dn != NULL && strcasecmp(obj->dn, src->gal_dn) == 0) {
			book->gal->obj = obj;
			book->gal->display_name = obj->display_name;
			obj->container = book->gal;
			continue;
		}
		if (root == NULL || ldb_dn_compare_base(root, obj->msg->dn) != 0 ||
		    ldb_dn_compare(root, obj->msg->dn) == 0) {
			continue;
		}
		c = talloc_zero(book, struct nspi_container);
		if (c == NULL) {
			goto fail;
		}
		c->id = obj->mid;
		c->obj = obj;
		c->display_name = obj->display_name;
		c->depth = (uint32_t)list_depth(NULL, obj->msg->dn, root);
		c->flags = NSPI_AB_RECIPIENTS | NSPI_AB_UNMODIFIABLE;
		obj->container = c;
		book->containers[book->num_containers++] = c;
	}
	/* parents and the hierarchy order: a parent before its children, by name */
	for (i = 0; i < book->num_containers; i++) {
		struct nspi_container *c = book->containers[i];
		struct ldb_dn *parent = ldb_dn_get_parent(book, c->obj->msg->dn);
		uint32_t j;

		for (j = 0; parent != NULL && j < book->num_containers; j++) {
			if (ldb_dn_compare(parent, book->containers[j]->obj->msg->dn) == 0) {
				c->parent = book->containers[j];
				c->parent->flags |= NSPI_AB_SUBCONTAINERS;
			}
		}
		talloc_free(parent);
	}
	{
		/* depth-first order: repeatedly emit children of the emitted ones */
		struct nspi_container **ordered = talloc_zero_array(book, struct nspi_container *,
								    book->num_containers + 1);
		uint32_t count = 0;

		if (ordered == NULL) {
			goto fail;
		}
		while (count < book->num_containers) {
			/* find the next: the smallest-named unplaced container whose
			 * parent is the last placed ancestor chain */
			struct nspi_container *best = NULL;
			int k;

			for (k = (int)count - 1; k >= -1 && best == NULL; k--) {
				struct nspi_container *want_parent = k >= 0 ? ordered[k] : NULL;
				uint32_t j;

				for (j = 0; j < book->num_containers; j++) {
					struct nspi_container *c = book->containers[j];
					uint32_t m;
					bool placed = false;

					for (m = 0; m < count; m++) {
						placed = placed || ordered[m] == c;
					}
					if (placed || c->parent != want_parent) {
						continue;
					}
					if (best == NULL ||
					    strcmp(nspi_fold(ordered, c->display_name),
						   nspi_fold(ordered, best->display_name)) < 0) {
						best = c;
					}
				}
			}
			if (best == NULL) {
				break;	/* a cycle cannot happen with DNs; be safe */
			}
			ordered[count++] = best;
		}
		book->num_containers = count;
		book->containers = ordered;
	}

	/* membership */
	for (i = 0; i < n; i++) {
		struct nspi_object *obj = book->objects[i];
		const struct ldb_message_element *el;
		unsigned int v;
		uint32_t j;

		if (obj->kind == NSPI_KIND_CONTAINER) {
			continue;
		}
		el = ldb_msg_find_element(obj->msg, "showInAddressBook");
		if (src->gal_dn == NULL || book->gal->obj == NULL) {
			if (!table_add(book, &book->gal->table, obj)) {
				goto fail;
			}
		}
		for (v = 0; el != NULL && v < el->num_values; v++) {
			struct ldb_dn *dn = ldb_dn_from_ldb_val(obj, src->ldb,
							    &el->values[v]);

			if (dn == NULL) {
				continue;
			}
			if (book->gal->obj != NULL && ldb_dn_compare(dn, book->gal->obj->msg->dn) == 0) {
				if (!table_add(book, &book->gal->table, obj)) {
					goto fail;
				}
			}
			for (j = 0; j < book->num_containers; j++) {
				struct nspi_container *c = book->containers[j];

				if (ldb_dn_compare(dn, c->obj->msg->dn) == 0 &&
				    !table_add(book, &c->table, obj)) {
					goto fail;
				}
			}
			talloc_free(dn);
		}
	}
	table_sort(&book->gal->table);
	for (i = 0; i < book->gal->table.count; i++) {
		book->gal->table.rows[i]->gal_pos = i;
	}
	for (i = 0; i < book->num_containers; i++) {
		table_sort(&book->containers[i]->table);
	}

	/* ANR keys and the DN map */
	for (i = 0; i < n; i++) {
		struct nspi_object *obj = book->objects[i];

		if (obj->kind != NSPI_KIND_CONTAINER && !add_anr_keys(book, book, obj, &anr_alloc)) {
			goto fail;
		}
		if (!add_dn(book, book, &dn_alloc, obj->dn, obj->legacy_dn, obj)) {
			goto fail;
		}
	}
	if (book->num_anr > 1) {
		qsort(book->anr, book->num_anr, sizeof(book->anr[0]), anr_cmp);
	}
	for (i = 0; i < src->num_config; i++) {
		struct ldb_message *msg = talloc_steal(book, src->config[i]);

		if (!add_dn(book, book, &dn_alloc, ldb_dn_get_linearized(msg->dn),
			    ldb_msg_find_attr_as_string(msg, "legacyExchangeDN", NULL), NULL)) {
			goto fail;
		}
	}
	if (book->num_dns > 1) {
		qsort(book->dns, book->num_dns, sizeof(book->dns[0]), dn_map_cmp);
	}

	book->props = talloc_steal(book, src->props);
	book->num_props = src->num_props;
	if (book->num_props > 1) {
		qsort(book->props, book->num_props, sizeof(book->props[0]), propmap_cmp);
	}
	book->version = (uint32_t)(src->sequence & 0x7FFFFFFF);
	talloc_free(root);
	return book;
fail:
	talloc_free(book);
	return NULL;
}

struct nspi_object *nspi_book_object(const struct nspi_book *book, uint32_t mid)
{
	struct nspi_object key = { .mid = mid }, *pkey = &key, **found;

	if (mid < NSPI_MID_FIRST || book->num_objects == 0) {
		return NULL;
	}
	found = bsearch(&pkey, book->by_mid, book->num_objects, sizeof(pkey), mid_cmp);
	return found != NULL ? *found : NULL;
}

struct nspi_object *nspi_book_object_by_dn(const struct nspi_book *book, const char *legacy_dn)
{
	struct nspi_object key = { .legacy_dn = legacy_dn }, *pkey = &key, **found;

	if (legacy_dn == NULL || book->num_objects == 0) {
		return NULL;
	}
	found = bsearch(&pkey, book->by_legacy_dn, book->num_objects, sizeof(pkey), legacy_dn_cmp);
	return found != NULL ? *found : NULL;
}

struct nspi_container *nspi_book_container(const struct nspi_book *book, uint32_t container_id)
{
	struct nspi_object *obj;

	if (container_id == 0) {
		return book->gal;
	}
	obj = nspi_book_object(book, container_id);
	if (obj == NULL || obj->container == NULL) {
		return NULL;
	}
	return obj->container;
}

uint32_t nspi_container_row(const struct nspi_container *c, const struct nspi_object *obj)
{
	uint32_t lo = 0, hi = c->table.count;

	if (obj == NULL) {
		return UINT32_MAX;
	}
	if (c->id == 0 && c->table.count > 0) {
		return obj->gal_pos;
	}
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		int cmp = nspi_compare_rows(c->table.rows[mid], obj);

		if (cmp == 0) {
			return mid;
		}
		if (cmp < 0) {
			lo = mid + 1;
		} else {
			hi = mid;
		}
	}
	return UINT32_MAX;
}

bool nspi_container_has(const struct nspi_container *c, const struct nspi_object *obj)
{
	return nspi_container_row(c, obj) != UINT32_MAX;
}

const char *nspi_book_legacy_dn_of(const struct nspi_book *book, const char *ad_dn)
{
	struct nspi_dn_map key, *found;
	char *folded;

	if (ad_dn == NULL || book->num_dns == 0) {
		return NULL;
	}
	folded = nspi_fold(NULL, ad_dn);
	if (folded == NULL) {
		return NULL;
	}
	key.dn = folded;
	found = bsearch(&key, book->dns, book->num_dns, sizeof(key), dn_map_cmp);
	talloc_free(folded);
	return found != NULL ? found->legacy_dn : NULL;
}

const struct nspi_propmap *nspi_book_propmap(const struct nspi_book *book, uint16_t prop_id)
{
	struct nspi_propmap key = { .prop_id = prop_id };

	if (book->num_props == 0) {
		return NULL;
	}
	return bsearch(&key, book->props, book->num_props, sizeof(key), propmap_cmp);
}

/* --- MS-OXNSPI 3.1.4.5 positioning ----------------------------------------- */

uint32_t nspi_position_locate(const struct nspi_table *table, const struct STAT *stat,
			      uint32_t *row, uint32_t *row_before_delta)
{
	uint32_t n = table->count;
	int64_t pos;

	switch (stat->CurrentRec) {
	case NSPI_MID_BEGINNING_OF_TABLE:
		pos = 0;
		break;
	case NSPI_MID_END_OF_TABLE:
		pos = n;
		break;
	case NSPI_MID_CURRENT:
		/* 3.1.4.5.2 fractional: TotalRecs * NumPos / client's TotalRecs */
		if (stat->TotalRecs == 0) {
			pos = 0;
		} else {
			pos = (int64_t)(((uint64_t)n * stat->NumPos) / stat->TotalRecs);
		}
		if (pos > n) {
			pos = n;
		}
		break;
	default: {
		uint32_t i;

		pos = -1;
		for (i = 0; i < n; i++) {
			if (table->rows[i]->mid == stat->CurrentRec) {
				pos = i;
				break;
			}
		}
		if (pos < 0) {
			return MAPI_E_NOT_FOUND;
		}
		break;
	}
	}
	if (row_before_delta != NULL) {
		*row_before_delta = (uint32_t)pos;
	}
	pos += stat->Delta;
	if (pos < 0) {
		pos = 0;
	}
	if (pos > n) {
		pos = n;
	}
	*row = (uint32_t)pos;
	return MAPI_E_SUCCESS;
}

void nspi_position_store(const struct nspi_table *table, uint32_t row, struct STAT *stat)
{
	if (row > table->count) {
		row = table->count;
	}
	stat->CurrentRec = row < table->count ? table->rows[row]->mid : NSPI_MID_END_OF_TABLE;
	stat->NumPos = row;
	stat->TotalRecs = table->count;
	stat->Delta = 0;
}
