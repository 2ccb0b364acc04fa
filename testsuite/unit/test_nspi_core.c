/*
 * Unit tests of the NSPI provider's core (no samba needed): the address
 * book snapshot built from ldb messages, MIds, positioning (MS-OXNSPI
 * 3.1.4.5), properties and code pages, entry IDs (2.2.9), ANR (3.1.4.7),
 * restrictions and named properties.
 *
 * Copyright (C) OpenChange developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "mapiproxy/nspi/nspi_book.h"
#include <charset.h>
#include "idl/gen_errors.h"

#define BASE "DC=example,DC=com"
#define ORG "CN=Example,CN=Microsoft Exchange,CN=Services,CN=Configuration," BASE
#define LISTS "CN=All Address Lists,CN=Address Lists Container," ORG
#define GAL "CN=Default Global Address List,CN=All Global Address Lists,CN=Address Lists Container," ORG
#define USERS "CN=All Users," LISTS
#define GROUPS "CN=All Groups," LISTS
#define MDB "CN=Mailbox Database,CN=First Storage Group,CN=InformationStore,CN=SRV,CN=Servers,CN=AG,CN=Administrative Groups," ORG

struct fixture {
	TALLOC_CTX *mem;
	struct ldb_context *ldb;
	struct nspi_mid_registry *mids;
	struct nspi_book *book;
};

static struct ldb_message *msg(struct fixture *f, const char *dn, const char *cls)
{
	struct ldb_message *m = ldb_msg_new(f->mem);
	uint8_t guid[16];
	struct ldb_val v = { .data = guid, .length = 16 };

	size_t i;

	/* a GUID made from the DN: the same object gets the same one in every build */
	memset(guid, 0, sizeof(guid));
	for (i = 0; dn[i] != '\0'; i++) {
		guid[i % 16] = (uint8_t)(guid[i % 16] * 33 + (uint8_t)dn[i]);
	}
	m->dn = ldb_dn_new(m, f->ldb, dn);
	ldb_msg_add_string(m, "objectClass", "top");
	ldb_msg_add_string(m, "objectClass", cls);
	v.data = talloc_memdup(m, guid, 16);	/* ldb keeps the pointer */
	ldb_msg_add_value(m, "objectGUID", &v, NULL);
	return m;
}

static struct ldb_message *recipient(struct fixture *f, const char *cn, const char *cls,
				     const char *display, const char *nick, const char *list)
{
	char *dn = talloc_asprintf(f->mem, "CN=%s,CN=Users," BASE, cn);
	struct ldb_message *m = msg(f, dn, cls);

	ldb_msg_add_string(m, "cn", cn);
	ldb_msg_add_string(m, "displayName", display);
	ldb_msg_add_string(m, "mailNickname", nick);
	ldb_msg_add_string(m, "mail", talloc_asprintf(m, "%s@example.com", nick));
	ldb_msg_add_string(m, "proxyAddresses", talloc_asprintf(m, "SMTP:%s@example.com", nick));
	ldb_msg_add_string(m, "legacyExchangeDN",
			   talloc_asprintf(m, "/o=Example/ou=AG/cn=Recipients/cn=%s", nick));
	ldb_msg_add_string(m, "showInAddressBook", GAL);
	ldb_msg_add_string(m, "showInAddressBook", list);
	return m;
}

static struct nspi_book *build(struct fixture *f, uint64_t seq, bool with_bob)
{
	struct nspi_book_source src = { .ldb = f->ldb, .sequence = seq };
	struct ldb_message **r = talloc_array(f->mem, struct ldb_message *, 8);
	struct ldb_message **l = talloc_array(f->mem, struct ldb_message *, 4);
	struct ldb_message **c = talloc_array(f->mem, struct ldb_message *, 1);
	struct ldb_message *alice;
	uint32_t n = 0;

	alice = recipient(f, "alice", "user", "Alice Adams", "alice", USERS);
	ldb_msg_add_string(alice, "homeMDB", MDB);
	ldb_msg_add_string(alice, "uSNCreated", "5000");
	ldb_msg_add_string(alice, "telephoneNumber", "+1 555 0100");
	r[n++] = alice;
	r[n++] = recipient(f, "carol", "user", "Carol Carter", "carol", USERS);
	r[n++] = recipient(f, "zoe", "user", "Zo\xc3\xab Zimmer", "zoe", USERS);
	r[n++] = recipient(f, "ivan", "user", "\xd0\x98\xd0\xb2\xd0\xb0\xd0\xbd Petrov", "ivan", USERS);
	r[n++] = recipient(f, "alan", "user", "Alan Adams", "alan", USERS);
	{
		struct ldb_message *g = recipient(f, "staff", "group", "Staff", "staff", GROUPS);

		ldb_msg_add_string(g, "member", "CN=alice,CN=Users," BASE);
		ldb_msg_add_string(g, "member", "CN=carol,CN=Users," BASE);
		r[n++] = g;
	}
	if (with_bob) {
		r[n++] = recipient(f, "bob", "user", "Bob Brown", "bob", USERS);
	}
	src.recipients = r;
	src.num_recipients = n;
	l[0] = msg(f, GAL, "addressBookContainer");
	ldb_msg_add_string(l[0], "displayName", "Default Global Address List");
	l[1] = msg(f, LISTS, "addressBookContainer");
	l[2] = msg(f, USERS, "addressBookContainer");
	ldb_msg_add_string(l[2], "displayName", "All Users");
	l[3] = msg(f, GROUPS, "addressBookContainer");
	ldb_msg_add_string(l[3], "displayName", "All Groups");
	src.lists = l;
	src.num_lists = 4;
	src.gal_dn = GAL;
	src.all_lists_dn = LISTS;
	c[0] = ldb_msg_new(f->mem);
	c[0]->dn = ldb_dn_new(c[0], f->ldb, MDB);
	ldb_msg_add_string(c[0], "legacyExchangeDN",
			   "/o=Example/ou=AG/cn=Configuration/cn=Servers/cn=SRV/cn=Microsoft Private MDB");
	src.config = c;
	src.num_config = 1;
	src.props = talloc_array(f->mem, struct nspi_propmap, 3);
	src.props[0] = (struct nspi_propmap){ 0x800F, PT_MV_UNICODE, "proxyAddresses" };
	src.props[1] = (struct nspi_propmap){ 0x3A08, PT_UNICODE, "telephoneNumber" };
	src.props[2] = (struct nspi_propmap){ 0x8009, NSPI_PT_EMBEDDED_TABLE, "member" };
	src.num_props = 3;
	return nspi_book_build(f->mem, f->mids, &src);
}

static int setup(void **state)
{
	struct fixture *f = talloc_zero(NULL, struct fixture);

	f->mem = f;
	/* parsing DNs needs an ldb context (ldb registers samba's modules
	 * once per process: valgrind counts those as "possibly lost") */
	f->ldb = ldb_init(f, NULL);
	f->mids = nspi_mid_registry_new(f);
	f->book = build(f, 1, false);
	assert_non_null(f->book);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	talloc_free(*state);
	return 0;
}

static struct nspi_prop_ctx ctx_for(struct fixture *f, uint32_t codepage)
{
	static const uint8_t server_guid[16] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 };
	struct nspi_prop_ctx ctx = {
		.book = f->book, .codepage = codepage, .server_guid = server_guid, .wire = false,
	};

	return ctx;
}

static struct nspi_object *by_nick(struct fixture *f, const char *nick)
{
	char *dn = talloc_asprintf(f->mem, "/o=Example/ou=AG/cn=Recipients/cn=%s", nick);

	return nspi_book_object_by_dn(f->book, dn);
}

static void test_gal_sorted_by_display_name(void **state)
{
	struct fixture *f = *state;
	const struct nspi_table *t = &f->book->gal->table;
	uint32_t i;

	assert_int_equal(t->count, 6);
	assert_string_equal(t->rows[0]->display_name, "Alan Adams");
	assert_string_equal(t->rows[1]->display_name, "Alice Adams");
	assert_string_equal(t->rows[2]->display_name, "Carol Carter");
	assert_string_equal(t->rows[3]->display_name, "Staff");
	/* lower-cased Cyrillic sorts after Latin in code point order */
	assert_string_equal(t->rows[5]->display_name, "\xd0\x98\xd0\xb2\xd0\xb0\xd0\xbd Petrov");
	for (i = 0; i < t->count; i++) {
		assert_true(t->rows[i]->mid >= NSPI_MID_FIRST);
		assert_int_equal(t->rows[i]->gal_pos, i);
	}
}

static void test_hierarchy(void **state)
{
	struct fixture *f = *state;

	assert_non_null(f->book->gal->obj);
	assert_int_equal(f->book->num_containers, 2);
	assert_string_equal(f->book->containers[0]->display_name, "All Groups");
	assert_string_equal(f->book->containers[1]->display_name, "All Users");
	assert_int_equal(f->book->containers[0]->depth, 0);
	assert_int_equal(f->book->containers[1]->table.count, 5);
	assert_int_equal(f->book->containers[0]->table.count, 1);
	assert_ptr_equal(nspi_book_container(f->book, 0), f->book->gal);
	assert_ptr_equal(nspi_book_container(f->book, f->book->containers[1]->id),
			 f->book->containers[1]);
	assert_null(nspi_book_container(f->book, by_nick(f, "alice")->mid));
	assert_null(nspi_book_container(f->book, 0x7777));
}

static void test_mids_stable_across_builds(void **state)
{
	struct fixture *f = *state;
	uint32_t alice = by_nick(f, "alice")->mid, zoe = by_nick(f, "zoe")->mid;

	/* a MId is uSNCreated + 0x10; without one, from the registry */
	assert_int_equal(alice, 5000 + NSPI_MID_FIRST);
	assert_true(zoe >= NSPI_MID_REGISTRY_FIRST);
	f->book = build(f, 2, true);
	assert_non_null(f->book);
	assert_int_equal(by_nick(f, "alice")->mid, alice);
	assert_int_equal(by_nick(f, "zoe")->mid, zoe);
	assert_true(by_nick(f, "bob")->mid > zoe);
	assert_int_equal(f->book->gal->table.count, 7);
	assert_ptr_equal(nspi_book_object(f->book, alice), by_nick(f, "alice"));
	assert_null(nspi_book_object(f->book, 0));
	assert_null(nspi_book_object(f->book, 2));
	assert_null(nspi_book_object(f->book, 0xFFFFFFFF));
	/* DNs compare without case */
	assert_non_null(nspi_book_object_by_dn(f->book, "/O=EXAMPLE/ou=AG/cn=Recipients/cn=ALICE"));
	assert_null(nspi_book_object_by_dn(f->book, "/o=Example/ou=AG/cn=Recipients/cn=nobody"));
}

static void test_positioning(void **state)
{
	struct fixture *f = *state;
	const struct nspi_table *t = &f->book->gal->table;
	struct STAT stat = { 0 };
	uint32_t row, before;

	/* absolute: beginning, end, a MId, with Delta clamped */
	stat.CurrentRec = NSPI_MID_BEGINNING_OF_TABLE;
	stat.Delta = 2;
	assert_int_equal(nspi_position_locate(t, &stat, &row, &before), MAPI_E_SUCCESS);
	assert_int_equal(row, 2);
	assert_int_equal(before, 0);
	nspi_position_store(t, row, &stat);
	assert_int_equal(stat.CurrentRec, t->rows[2]->mid);
	assert_int_equal(stat.NumPos, 2);
	assert_int_equal(stat.TotalRecs, 6);
	assert_int_equal(stat.Delta, 0);

	stat.Delta = -10;
	assert_int_equal(nspi_position_locate(t, &stat, &row, &before), MAPI_E_SUCCESS);
	assert_int_equal(row, 0);
	assert_int_equal(before, 2);
	stat.CurrentRec = t->rows[2]->mid;

	stat.CurrentRec = NSPI_MID_END_OF_TABLE;
	stat.Delta = -1;
	assert_int_equal(nspi_position_locate(t, &stat, &row, NULL), MAPI_E_SUCCESS);
	assert_int_equal(row, 5);
	stat.Delta = 100;
	assert_int_equal(nspi_position_locate(t, &stat, &row, NULL), MAPI_E_SUCCESS);
	assert_int_equal(row, 6);
	nspi_position_store(t, row, &stat);
	assert_int_equal(stat.CurrentRec, NSPI_MID_END_OF_TABLE);

	/* a MId that is not in the table */
	stat.CurrentRec = 0x12345;
	stat.Delta = 0;
	assert_int_equal(nspi_position_locate(t, &stat, &row, NULL), MAPI_E_NOT_FOUND);

	/* fractional: half way through a table the client thought had 100 rows */
	stat.CurrentRec = NSPI_MID_CURRENT;
	stat.NumPos = 50;
	stat.TotalRecs = 100;
	assert_int_equal(nspi_position_locate(t, &stat, &row, NULL), MAPI_E_SUCCESS);
	assert_int_equal(row, 3);
	stat.NumPos = 500;
	assert_int_equal(nspi_position_locate(t, &stat, &row, NULL), MAPI_E_SUCCESS);
	assert_int_equal(row, 6);
	stat.TotalRecs = 0;
	assert_int_equal(nspi_position_locate(t, &stat, &row, NULL), MAPI_E_SUCCESS);
	assert_int_equal(row, 0);
}

static void test_properties(void **state)
{
	struct fixture *f = *state;
	struct nspi_prop_ctx ctx = ctx_for(f, 1252);
	struct nspi_object *alice = by_nick(f, "alice");
	struct PropertyValue_r v;

	assert_true(nspi_get_prop(f->mem, &ctx, alice, NSPI_TAG_DISPLAY_NAME, &v));
	assert_int_equal(v.ulPropTag, NSPI_TAG_DISPLAY_NAME);
	assert_string_equal(v.Value.lpszW, "Alice Adams");
	assert_true(nspi_get_prop(f->mem, &ctx, alice, 0x3001001E, &v));
	assert_int_equal(v.ulPropTag, 0x3001001E);
	assert_string_equal(v.Value.lpszA, "Alice Adams");
	assert_true(nspi_get_prop(f->mem, &ctx, alice, NSPI_TAG_EMAIL_ADDRESS, &v));
	assert_string_equal(v.Value.lpszW, "/o=Example/ou=AG/cn=Recipients/cn=alice");
	assert_true(nspi_get_prop(f->mem, &ctx, alice, NSPI_TAG_ADDRESS_TYPE, &v));
	assert_string_equal(v.Value.lpszW, "EX");
	assert_true(nspi_get_prop(f->mem, &ctx, alice, NSPI_TAG_SMTP_ADDRESS, &v));
	assert_string_equal(v.Value.lpszW, "alice@example.com");
	assert_true(nspi_get_prop(f->mem, &ctx, alice, NSPI_TAG_ACCOUNT, &v));
	assert_string_equal(v.Value.lpszW, "alice");
	assert_true(nspi_get_prop(f->mem, &ctx, alice, NSPI_TAG_DISPLAY_TYPE, &v));
	assert_int_equal(v.Value.l, NSPI_DT_MAILUSER);
	assert_true(nspi_get_prop(f->mem, &ctx, alice, NSPI_TAG_OBJECT_TYPE, &v));
	assert_int_equal(v.Value.l, NSPI_MAPI_MAILUSER);
	assert_true(nspi_get_prop(f->mem, &ctx, alice, NSPI_TAG_AB_HOME_MDB, &v));
	assert_string_equal(v.Value.lpszA,
			    "/o=Example/ou=AG/cn=Configuration/cn=Servers/cn=SRV/cn=Microsoft Private MDB");
	assert_true(nspi_get_prop(f->mem, &ctx, alice, NSPI_TAG_AB_PROXY_ADDRESSES, &v));
	assert_int_equal(v.Value.MVszW.cValues, 1);
	assert_string_equal(v.Value.MVszW.lppszW[0], "SMTP:alice@example.com");
	assert_true(nspi_get_prop(f->mem, &ctx, alice, 0x3A08001E, &v));
	assert_string_equal(v.Value.lpszA, "+1 555 0100");
	assert_true(nspi_get_prop(f->mem, &ctx, alice, NSPI_TAG_INSTANCE_KEY, &v));
	assert_int_equal(v.Value.bin.cb, 4);
	assert_int_equal(v.Value.bin.lpb[0], alice->mid & 0xFF);
	assert_true(nspi_get_prop(f->mem, &ctx, alice, NSPI_TAG_SEARCH_KEY, &v));
	assert_memory_equal(v.Value.bin.lpb, "EX:/O=EXAMPLE/OU=AG/CN=RECIPIENTS/CN=ALICE", 42);
	assert_int_equal(v.Value.bin.lpb[v.Value.bin.cb - 1], 0);
	assert_true(nspi_get_prop(f->mem, &ctx, alice, NSPI_TAG_MAPPING_SIGNATURE, &v));
	assert_int_equal(v.Value.bin.cb, 16);

	/* missing: PtypErrorCode NotFound; wrong type likewise */
	assert_false(nspi_get_prop(f->mem, &ctx, alice, 0x3A19001F, &v));
	assert_int_equal(v.ulPropTag, 0x3A19000A);
	assert_int_equal(v.Value.err, MAPI_E_NOT_FOUND);
	assert_false(nspi_get_prop(f->mem, &ctx, alice, 0x30010003, &v));
	assert_int_equal(v.ulPropTag, 0x3001000A);

	/* the group and its members' DNs */
	{
		struct nspi_object *staff = by_nick(f, "staff");

		assert_true(nspi_get_prop(f->mem, &ctx, staff, NSPI_TAG_DISPLAY_TYPE, &v));
		assert_int_equal(v.Value.l, NSPI_DT_DISTLIST);
		assert_true(nspi_get_prop(f->mem, &ctx, staff, NSPI_TAG_OBJECT_TYPE, &v));
		assert_int_equal(v.Value.l, NSPI_MAPI_DISTLIST);
		assert_true(nspi_get_prop(f->mem, &ctx, staff, NSPI_TAG_AB_MEMBER, &v));
		assert_true(nspi_get_prop(f->mem, &ctx, staff, 0x8009101F, &v));
		assert_int_equal(v.Value.MVszW.cValues, 2);
		ctx.flags = NSPI_fSkipObjects;
		assert_false(nspi_get_prop(f->mem, &ctx, staff, NSPI_TAG_AB_MEMBER, &v));
	}
}

static void test_entryids(void **state)
{
	struct fixture *f = *state;
	struct nspi_prop_ctx ctx = ctx_for(f, 1252);
	struct nspi_object *alice = by_nick(f, "alice");
	struct PropertyValue_r v;
	struct nspi_entryid eid;

	assert_true(nspi_get_prop(f->mem, &ctx, alice, NSPI_TAG_ENTRYID, &v));
	assert_int_equal(v.Value.bin.cb, 28 + strlen(alice->legacy_dn) + 1);
	assert_int_equal(v.Value.bin.lpb[0], 0);
	assert_memory_equal(v.Value.bin.lpb + 4, nspi_provider_uid, 16);
	assert_int_equal(v.Value.bin.lpb[20], 1);
	assert_true(nspi_parse_entryid(f->mem, v.Value.bin.lpb, v.Value.bin.cb, &eid));
	assert_false(eid.ephemeral);
	assert_string_equal(eid.dn, alice->legacy_dn);

	ctx.flags = NSPI_fEphID;
	assert_true(nspi_get_prop(f->mem, &ctx, alice, NSPI_TAG_ENTRYID, &v));
	assert_int_equal(v.Value.bin.cb, 32);
	assert_int_equal(v.Value.bin.lpb[0], 0x87);
	assert_memory_equal(v.Value.bin.lpb + 4, ctx.server_guid, 16);
	assert_true(nspi_parse_entryid(f->mem, v.Value.bin.lpb, v.Value.bin.cb, &eid));
	assert_true(eid.ephemeral);
	assert_int_equal(eid.mid, alice->mid);
	/* PidTagRecordKey stays permanent */
	assert_true(nspi_get_prop(f->mem, &ctx, alice, NSPI_TAG_RECORD_KEY, &v));
	assert_int_equal(v.Value.bin.lpb[0], 0);

	/* malformed */
	assert_false(nspi_parse_entryid(f->mem, v.Value.bin.lpb, 10, &eid));
	assert_false(nspi_parse_entryid(f->mem, v.Value.bin.lpb, v.Value.bin.cb - 1, &eid));
	assert_false(nspi_parse_entryid(f->mem, NULL, 0, &eid));
}

static void test_codepages(void **state)
{
	struct fixture *f = *state;
	struct nspi_prop_ctx ctx = ctx_for(f, 1252);
	struct nspi_object *zoe = by_nick(f, "zoe");
	struct PropertyValue_r v;
	char *utf8 = NULL, *wire = NULL;

	assert_true(mapi_codepage_supported(1252));
	assert_true(mapi_codepage_supported(65001));
	assert_true(mapi_codepage_supported(1251));
	assert_false(mapi_codepage_supported(MAPI_CP_WINUNICODE));
	assert_true(mapi_codepage_supported(0));	/* CP_ACP */
	assert_false(mapi_codepage_supported(4242));

	/* a wire string round-trips through the client's code page */
	assert_true(nspi_string8_to_wire(f->mem, "Zo\xc3\xab", 1252, &wire));
	assert_true(nspi_string8_from_wire(f->mem, wire, 1252, &utf8));
	assert_string_equal(utf8, "Zo\xc3\xab");
	ctx.wire = true;
	assert_true(nspi_string8_to_wire(f->mem, "Zo\xc3\xab Zimmer", 1252, &wire));
	assert_true(nspi_get_prop(f->mem, &ctx, zoe, 0x3001001E, &v));
	assert_string_equal(v.Value.lpszA, wire);
	/* Cyrillic in 1251 */
	assert_true(nspi_string8_to_wire(f->mem, "\xd0\x98\xd0\xb2\xd0\xb0\xd0\xbd", 1251, &wire));
	assert_true(nspi_string8_from_wire(f->mem, wire, 1251, &utf8));
	assert_string_equal(utf8, "\xd0\x98\xd0\xb2\xd0\xb0\xd0\xbd");
}

static void test_anr(void **state)
{
	struct fixture *f = *state;
	struct nspi_object *found;

	assert_int_equal(nspi_anr(f->book, f->book->gal, "carol", &found), NSPI_ANR_UNIQUE);
	assert_ptr_equal(found, by_nick(f, "carol"));
	assert_int_equal(nspi_anr(f->book, f->book->gal, "Carter", &found), NSPI_ANR_UNIQUE);
	assert_int_equal(nspi_anr(f->book, f->book->gal, "  CAROL CART ", &found), NSPI_ANR_UNIQUE);
	assert_int_equal(nspi_anr(f->book, f->book->gal, "carol@example.com", &found), NSPI_ANR_UNIQUE);
	assert_int_equal(nspi_anr(f->book, f->book->gal, "SMTP:zoe@example.com", &found),
			 NSPI_ANR_UNIQUE);
	assert_ptr_equal(found, by_nick(f, "zoe"));
	assert_int_equal(nspi_anr(f->book, f->book->gal, "zo\xc3\xab", &found), NSPI_ANR_UNIQUE);
	assert_int_equal(nspi_anr(f->book, f->book->gal, "\xd0\xb8\xd0\xb2\xd0\xb0\xd0\xbd", &found),
			 NSPI_ANR_UNIQUE);
	assert_ptr_equal(found, by_nick(f, "ivan"));
	/* "Adams" and "al" match two people */
	assert_int_equal(nspi_anr(f->book, f->book->gal, "adams", &found), NSPI_ANR_AMBIGUOUS);
	assert_int_equal(nspi_anr(f->book, f->book->gal, "al", &found), NSPI_ANR_AMBIGUOUS);
	/* ... but "alan" is exactly one account */
	assert_int_equal(nspi_anr(f->book, f->book->gal, "alan", &found), NSPI_ANR_UNIQUE);
	assert_int_equal(nspi_anr(f->book, f->book->gal, "nobody", &found), NSPI_ANR_NONE);
	assert_int_equal(nspi_anr(f->book, f->book->gal, "", &found), NSPI_ANR_NONE);
	/* within a container */
	assert_int_equal(nspi_anr(f->book, f->book->containers[0], "carol", &found), NSPI_ANR_NONE);
	assert_int_equal(nspi_anr(f->book, f->book->containers[0], "staff", &found), NSPI_ANR_UNIQUE);
}

static struct Restriction_r *content(TALLOC_CTX *mem, uint32_t tag, const char *s, uint32_t fuzzy)
{
	struct Restriction_r *r = talloc_zero(mem, struct Restriction_r);

	r->rt = RES_CONTENT;
	r->res.resContent.ulFuzzyLevel = fuzzy;
	r->res.resContent.ulPropTag = tag;
	r->res.resContent.lpProp = talloc_zero(mem, struct PropertyValue_r);
	r->res.resContent.lpProp->ulPropTag = tag;
	r->res.resContent.lpProp->Value.lpszW = s;
	return r;
}

static uint32_t count_matches(struct fixture *f, const struct Restriction_r *r)
{
	struct nspi_prop_ctx ctx = ctx_for(f, 1252);
	uint32_t i, n = 0;

	ctx.wire = true;
	for (i = 0; i < f->book->gal->table.count; i++) {
		n += nspi_restriction_match(&ctx, f->book->gal->table.rows[i], r) ? 1 : 0;
	}
	return n;
}

static void test_restrictions(void **state)
{
	struct fixture *f = *state;
	struct nspi_prop_ctx ctx = ctx_for(f, 1252);
	struct Restriction_r *prefix = content(f->mem, NSPI_TAG_DISPLAY_NAME, "al", 0x10002);
	struct Restriction_r *sub = content(f->mem, NSPI_TAG_DISPLAY_NAME, "adams", 0x10001);
	struct Restriction_r *smtp = content(f->mem, NSPI_TAG_SMTP_ADDRESS, "zoe@example.com", 0x10000);
	struct Restriction_r both = { .rt = RES_AND }, either = { .rt = RES_OR }, not = { .rt = RES_NOT };
	struct Restriction_r exist = { .rt = RES_EXIST }, anr = { .rt = RES_PROPERTY };
	struct Restriction_r deep = { .rt = RES_NOT }, *p = &deep;
	int i;

	assert_int_equal(count_matches(f, prefix), 2);
	assert_int_equal(count_matches(f, sub), 2);
	assert_int_equal(count_matches(f, smtp), 1);
	both.res.resAnd.cRes = 2;
	both.res.resAnd.lpRes = talloc_array(f->mem, struct Restriction_r, 2);
	both.res.resAnd.lpRes[0] = *prefix;
	both.res.resAnd.lpRes[1] = *content(f->mem, NSPI_TAG_ACCOUNT, "alan", 0x10000);
	assert_int_equal(count_matches(f, &both), 1);
	either.res.resOr.cRes = 2;
	either.res.resOr.lpRes = talloc_array(f->mem, struct Restriction_r, 2);
	either.res.resOr.lpRes[0] = *prefix;
	either.res.resOr.lpRes[1] = *smtp;
	assert_int_equal(count_matches(f, &either), 3);
	not.res.resNot.lpRes = &either;
	assert_int_equal(count_matches(f, &not), 3);
	exist.res.resExist.ulPropTag = 0x3A08001F;
	assert_int_equal(count_matches(f, &exist), 1);
	anr.res.resProperty.relop = 4;
	anr.res.resProperty.ulPropTag = NSPI_TAG_ANR;
	anr.res.resProperty.lpProp = talloc_zero(f->mem, struct PropertyValue_r);
	anr.res.resProperty.lpProp->ulPropTag = NSPI_TAG_ANR;
	anr.res.resProperty.lpProp->Value.lpszW = "carter";
	assert_int_equal(count_matches(f, &anr), 1);

	assert_int_equal(nspi_restriction_check(&ctx, &either), MAPI_E_SUCCESS);
	for (i = 0; i < NSPI_MAX_RESTRICTION_DEPTH + 2; i++) {
		p->rt = RES_NOT;
		p->res.resNot.lpRes = talloc_zero(f->mem, struct Restriction_r);
		p = p->res.resNot.lpRes;
	}
	p->rt = RES_EXIST;
	assert_int_equal(nspi_restriction_check(&ctx, &deep), MAPI_E_TOO_COMPLEX);
}

static void test_named_properties(void **state)
{
	struct fixture *f = *state;
	struct nspi_names *names = nspi_names_new(f->mem);
	struct FlatUID_r g1 = { { 1 } }, g2 = { { 2 } };
	struct PropertyName_r a = { &g1, 0, 0x8501 }, b = { &g2, 0, 0x8501 }, c = { &g1, 0, 7 };

	assert_int_equal(nspi_names_id(names, &a, false), 0);
	assert_int_equal(nspi_names_id(names, &a, true), 0x8000);
	assert_int_equal(nspi_names_id(names, &b, true), 0x8001);
	assert_int_equal(nspi_names_id(names, &c, true), 0x8002);
	assert_int_equal(nspi_names_id(names, &a, true), 0x8000);
	assert_int_equal(nspi_names_id(names, &b, false), 0x8001);
	assert_int_equal(nspi_names_name(names, 0x8001)->lID, 0x8501);
	assert_memory_equal(nspi_names_name(names, 0x8001)->lpguid->ab, g2.ab, 16);
	assert_memory_equal(nspi_names_name(names, 0x8000)->lpguid->ab, g1.ab, 16);
	assert_null(nspi_names_name(names, 0x8003));
	assert_null(nspi_names_name(names, 0x3001));
}

static void test_prop_list_and_columns(void **state)
{
	struct fixture *f = *state;
	struct PropertyTagArray_r *l = nspi_prop_list(f->mem, f->book, by_nick(f, "alice"), true, true);
	struct PropertyTagArray_r *d = nspi_default_columns(f->mem, false);
	uint32_t i;
	bool has_name = false, has_member = false, has_phone = false;

	for (i = 0; i < l->cValues; i++) {
		has_name = has_name || l->aulPropTag[i] == NSPI_TAG_DISPLAY_NAME;
		has_member = has_member || NSPI_PROP_ID(l->aulPropTag[i]) == 0x8009;
		has_phone = has_phone || l->aulPropTag[i] == 0x3A08001F;
	}
	assert_true(has_name);
	assert_true(has_phone);
	assert_false(has_member);
	assert_int_equal(d->cValues, 7);
	assert_int_equal(d->aulPropTag[0], NSPI_TAG_AB_CONTAINER_ID);
	assert_int_equal(d->aulPropTag[3], 0x3001001E);
}

/* --- display templates (MS-OXOABKT 2.2.2.1), decoded field by field ---------- */

struct trow {
	uint32_t x, dx, y, dy, type, flags, dw_type, ul_size, ul_string;
	const char *string;
};

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}

/* decodes a TRowSet, checking what 2.2.2.1.1-2.2.2.1.3.9 say of every field */
static struct trow *decode_trowset_flags(TALLOC_CTX *mem, const DATA_BLOB *b, uint32_t *count,
					 bool read_only)
{
	struct trow *rows;
	uint32_t i, n, strings_start, end = 0;

	assert_true(b->length >= 8);
	/* 2.2.2.1.1: Type MUST be 1, then exactly cRows 36-byte TRows */
	assert_int_equal(le32(b->data), 0x00000001);
	n = le32(b->data + 4);
	assert_true(n > 0);
	strings_start = 8 + n * 36;
	assert_true(b->length > strings_start);
	rows = talloc_zero_array(mem, struct trow, n);
	assert_non_null(rows);
	for (i = 0; i < n; i++) {
		const uint8_t *r = b->data + 8 + i * 36;
		struct trow *t = &rows[i];
		size_t len;

		t->x = le32(r);
		t->dx = le32(r + 4);
		t->y = le32(r + 8);
		t->dy = le32(r + 12);
		t->type = le32(r + 16);
		t->flags = le32(r + 20);
		t->dw_type = le32(r + 24);
		t->ul_size = le32(r + 28);
		t->ul_string = le32(r + 32);
		/* 2.2.2.1.3: ulString is an offset from the TRowSet's start to a NUL-terminated string */
		assert_true(t->ul_string >= strings_start);
		assert_true(t->ul_string < b->length);
		len = strnlen((const char *)b->data + t->ul_string, b->length - t->ul_string);
		assert_true(t->ul_string + len < b->length);
		t->string = (const char *)b->data + t->ul_string;
		if (t->ul_string + len + 1 > end) {
			end = t->ul_string + len + 1;
		}
		switch (t->type) {
		case NSPI_DTCT_LABEL:		/* 2.2.2.1.3.1 */
			assert_int_equal(t->dw_type, 0);
			assert_int_equal(t->ul_size, 0);
			assert_true(len + 1 <= 128);
			assert_true(len > 0);
			break;
		case NSPI_DTCT_EDIT:		/* 2.2.2.1.3.2 */
			assert_int_not_equal(t->dw_type, 0);
			assert_true(t->ul_size > 0);
			assert_true(len + 1 <= 15);
			assert_string_equal(t->string, "*");
			break;
		case NSPI_DTCT_LBX:		/* 2.2.2.1.3.3: a table property */
			assert_int_equal(NSPI_PROP_TYPE(t->dw_type), NSPI_PT_EMBEDDED_TABLE);
			assert_string_equal(t->string, "*");
			break;
		case NSPI_DTCT_PAGE:		/* 2.2.2.1.3.7 */
			assert_int_equal(t->dw_type, 0);
			assert_int_equal(t->ul_size, 0);
			assert_true(len + 1 <= 32);
			assert_true(len > 0);
			break;
		case NSPI_DTCT_MVLISTBOX:	/* 2.2.2.1.3.8: a multi-valued property */
			assert_true(NSPI_PROP_TYPE(t->dw_type) & 0x1000);
			assert_string_equal(t->string, "*");
			break;
		default:
			fail_msg("control %u has an unexpected type %u", i, t->type);
		}
		/* display templates are read-only: no control is editable */
		if (read_only) {
			assert_int_equal(t->flags & NSPI_DT_EDITABLE, 0);
		}
	}
	/* nothing after the last string */
	assert_int_equal(end, b->length);
	*count = n;
	return rows;
}

static struct trow *decode_trowset(TALLOC_CTX *mem, const DATA_BLOB *b, uint32_t *count)
{
	return decode_trowset_flags(mem, b, count, true);
}

/* the edit or list control bound to tag, with the label on its left */
static const struct trow *bound(const struct trow *rows, uint32_t n, uint32_t type, uint32_t tag,
				const char *label)
{
	uint32_t i;

	for (i = 0; i < n; i++) {
		if (rows[i].type == type && rows[i].dw_type == tag) {
			if (label != NULL) {
				/* edits: the label is the row before, on the same line */
				assert_true(i > 0);
				assert_int_equal(rows[i - 1].type, NSPI_DTCT_LABEL);
				assert_string_equal(rows[i - 1].string, label);
				if (type == NSPI_DTCT_EDIT) {
					assert_int_equal(rows[i - 1].y, rows[i].y);
					assert_true(rows[i - 1].x + rows[i - 1].dx <= rows[i].x);
				}
			}
			return &rows[i];
		}
	}
	fail_msg("no control of type %u bound to 0x%08x", type, tag);
	return NULL;
}

static void test_template_mailuser(void **state)
{
	struct fixture *f = *state;
	DATA_BLOB b;
	struct trow *rows;
	uint32_t n, i, pages = 0;

	assert_true(nspi_template_exists(NSPI_DT_MAILUSER, 0x0409));
	assert_true(nspi_template_data(f->mem, NSPI_DT_MAILUSER, 0x0409, 1252, &b));
	rows = decode_trowset(f->mem, &b, &n);
	/* the first control is the first tabbed page (2.2.2.1) */
	assert_int_equal(rows[0].type, NSPI_DTCT_PAGE);
	assert_string_equal(rows[0].string, "General");
	for (i = 0; i < n; i++) {
		pages += rows[i].type == NSPI_DTCT_PAGE;
	}
	assert_int_equal(pages, 2);
	/*
	 * the layout of MS-OXOABKT 4.2's example (a DT_MAILUSER template in code
	 * page 1252, locale 0x0409): Type 1, cRows, then Row0 the "General" page
	 * with XPos, XDelta, YPos, YDelta 0, ControlType 8, dwType and ulSize 0,
	 * ulString = 8 + 36 * cRows (the first string right after the last TRow),
	 * and the next string right after "General\0" (0x92c, 0x934 there).
	 */
	{
		const uint8_t row0[36] = {
			0, 0, 0, 0,  0, 0, 0, 0,  0, 0, 0, 0,  0, 0, 0, 0,
			8, 0, 0, 0,  0, 0, 0, 0,  0, 0, 0, 0,  0, 0, 0, 0,
			(8 + 36 * n) & 0xFF, ((8 + 36 * n) >> 8) & 0xFF, 0, 0,
		};

		assert_memory_equal(b.data, "\x01\x00\x00\x00", 4);
		assert_int_equal(le32(b.data + 4), n);
		assert_memory_equal(b.data + 8, row0, sizeof(row0));
		assert_memory_equal(b.data + 8 + 36 * n, "General\0", 8);
		assert_int_equal(rows[1].ul_string, 8 + 36 * n + 8);
	}
	assert_int_equal(bound(rows, n, NSPI_DTCT_EDIT, 0x3001001E, "&Display name:")->ul_size, 256);
	bound(rows, n, NSPI_DTCT_EDIT, 0x3A00001E, "&Alias:");
	bound(rows, n, NSPI_DTCT_EDIT, 0x39FE001E, "&E-mail address:");
	bound(rows, n, NSPI_DTCT_EDIT, 0x3A17001E, "&Title:");
	bound(rows, n, NSPI_DTCT_EDIT, 0x3A16001E, "Co&mpany:");
	bound(rows, n, NSPI_DTCT_EDIT, 0x3A18001E, "De&partment:");
	bound(rows, n, NSPI_DTCT_EDIT, 0x3A19001E, "&Office:");
	bound(rows, n, NSPI_DTCT_EDIT, 0x3A08001E, "&Business phone:");
	bound(rows, n, NSPI_DTCT_EDIT, 0x3A1C001E, "Mo&bile phone:");
	bound(rows, n, NSPI_DTCT_EDIT, 0x3A09001E, "&Home phone:");
	bound(rows, n, NSPI_DTCT_EDIT, 0x3A24001E, "&Fax:");
	/* PidTagAddressBookProxyAddresses as PtypMultipleString8 */
	bound(rows, n, NSPI_DTCT_MVLISTBOX, 0x800F101E, "E-mail addre&sses:");
	/* identical strings are stored once: every edit's filter is the same "*" */
	for (i = 1; i < n; i++) {
		if (rows[i].type == NSPI_DTCT_EDIT) {
			assert_int_equal(rows[i].ul_string, bound(rows, n, NSPI_DTCT_EDIT,
								 0x3001001E, NULL)->ul_string);
		}
	}
	/* a contact (remote mail user) is shown with the same template */
	assert_true(nspi_template_exists(NSPI_DT_REMOTE_MAILUSER, 0x0409));
	assert_string_equal(nspi_template_address_type(NSPI_DT_MAILUSER, 0x0409), "EX");
}

static void test_template_distlist(void **state)
{
	struct fixture *f = *state;
	DATA_BLOB b;
	struct trow *rows;
	uint32_t n;
	const struct trow *members;

	assert_true(nspi_template_data(f->mem, NSPI_DT_DISTLIST, 0x0409, 1252, &b));
	rows = decode_trowset(f->mem, &b, &n);
	assert_int_equal(rows[0].type, NSPI_DTCT_PAGE);
	bound(rows, n, NSPI_DTCT_EDIT, 0x3001001E, "&Display name:");
	bound(rows, n, NSPI_DTCT_EDIT, 0x3A00001E, "&Alias:");
	bound(rows, n, NSPI_DTCT_EDIT, 0x39FE001E, "&E-mail address:");
	/* PidTagAddressBookMember, a PtypEmbeddedTable, in a list box */
	members = bound(rows, n, NSPI_DTCT_LBX, 0x8009000D, "&Members:");
	assert_true(members->dy > 14);
	bound(rows, n, NSPI_DTCT_MVLISTBOX, 0x800F101E, "E-mail addre&sses:");
	assert_false(bound(rows, n, NSPI_DTCT_LBX, 0x8009000D, NULL) == NULL);
}

static void test_template_lookup_and_codepages(void **state)
{
	struct fixture *f = *state;
	DATA_BLOB a, b;
	struct trow *ra, *rb;
	uint32_t na, nb, i;

	/*
	 * every locale has the same templates (nspi_templates.c); no template
	 * for containers or unknown types
	 */
	assert_true(nspi_template_exists(NSPI_DT_MAILUSER, 0x0407));
	assert_true(nspi_template_exists(NSPI_DT_MAILUSER, 0x0809));
	assert_true(nspi_template_exists(NSPI_DT_MAILUSER, 0));
	assert_false(nspi_template_exists(NSPI_DT_CONTAINER, 0x0409));
	assert_false(nspi_template_exists(NSPI_DT_ADDRESS_TEMPLATE, 0x0409));
	assert_false(nspi_template_exists(0x42, 0x0409));
	assert_false(nspi_template_data(f->mem, NSPI_DT_CONTAINER, 0x0409, 1252, &a));
	assert_null(a.data);
	assert_null(nspi_template_address_type(NSPI_DT_CONTAINER, 0x0407));
	assert_string_equal(nspi_template_address_type(NSPI_DT_DISTLIST, 0x0407), "EX");
	assert_true(nspi_template_data(f->mem, NSPI_DT_MAILUSER, 0x0407, 1252, &a));
	assert_true(nspi_template_data(f->mem, NSPI_DT_MAILUSER, 0x0409, 1252, &b));
	assert_int_equal(a.length, b.length);
	assert_memory_equal(a.data, b.data, a.length);
	/* display templates create no address: an empty script */
	assert_true(nspi_template_script(f->mem, nspi_template_find(NSPI_DT_MAILUSER, 0x0409), &a));
	assert_int_equal(a.length, 0);
	/* an unknown code page converts nothing */
	assert_false(nspi_template_data(f->mem, NSPI_DT_MAILUSER, 0x0409, 4242, &a));
	/* ASCII labels are the same bytes in 1252 and 1251, and the layout too */
	assert_true(nspi_template_data(f->mem, NSPI_DT_DISTLIST, 0x0409, 1252, &a));
	assert_true(nspi_template_data(f->mem, NSPI_DT_DISTLIST, 0x0409, 1251, &b));
	ra = decode_trowset(f->mem, &a, &na);
	rb = decode_trowset(f->mem, &b, &nb);
	assert_int_equal(na, nb);
	for (i = 0; i < na; i++) {
		assert_int_equal(ra[i].ul_string, rb[i].ul_string);
		assert_string_equal(ra[i].string, rb[i].string);
	}
	assert_memory_equal(a.data, b.data, a.length);
	/* the mail user template is larger than the distribution list's */
	assert_true(nspi_template_data(f->mem, NSPI_DT_MAILUSER, 0x0409, 0, &b));
	assert_true(b.length > a.length);
}

/* --- the address creation table and the SMTP creation template (MS-OXOABKT) --- */

#define SMTP_DN "/o=Example/cn=Addressing/cn=Address-Templates/cn=409/cn=SMTP"

/* the row's value of tag, failing when it is missing */
static const struct PropertyValue_r *column(const struct PropertyRow_r *row, uint32_t tag)
{
	uint32_t i;

	for (i = 0; i < row->cValues; i++) {
		if (row->lpProps[i].ulPropTag == tag) {
			return &row->lpProps[i];
		}
	}
	fail_msg("no column 0x%08x", tag);
	return NULL;
}

static void test_creation_table(void **state)
{
	struct fixture *f = *state;
	struct PropertyRowSet_r *set;
	const struct PropertyRow_r *row;
	const struct PropertyValue_r *v;
	struct nspi_entryid eid;
	char *org = nspi_book_org_dn(f->mem, f->book);

	/* the fixture has recipients under /o=Example and no organization object */
	assert_string_equal(org, "/o=Example");
	set = nspi_address_creation_table(f->mem, f->book, 0x0409, 1252);
	assert_non_null(set);
	assert_int_equal(set->cRows, 1);
	row = &set->aRow[0];
	/* MS-OXOABKT 2.2.1: the columns the server MUST return, 8-bit in code page 1252 */
	assert_int_equal(row->cValues, 7);
	assert_string_equal(column(row, 0x3002001E)->Value.lpszA, "SMTP");
	assert_string_equal(column(row, 0x3001001E)->Value.lpszA, "Internet Address");
	assert_int_equal(column(row, NSPI_TAG_DISPLAY_TYPE)->Value.l, NSPI_DT_MAILUSER);
	column(row, NSPI_TAG_DEPTH);
	column(row, NSPI_TAG_SELECTABLE);
	assert_int_equal(column(row, NSPI_TAG_INSTANCE_KEY)->Value.bin.cb, 4);
	/* PidTagEntryId: a PermanentEntryID (MS-OXNSPI 2.2.9.3) naming the template */
	v = column(row, NSPI_TAG_ENTRYID);
	assert_true(nspi_parse_entryid(f->mem, v->Value.bin.lpb, v->Value.bin.cb, &eid));
	assert_false(eid.ephemeral);
	assert_int_equal(eid.display_type, NSPI_DT_ADDRESS_TEMPLATE);
	assert_memory_equal(eid.provider, nspi_provider_uid, 16);
	assert_string_equal(eid.dn, SMTP_DN);
	assert_int_equal(v->Value.bin.cb, 28 + strlen(SMTP_DN) + 1);
	assert_string_equal(nspi_creation_template_dn(f->mem, f->book, 0x0409, "SMTP"), SMTP_DN);

	/* CP_WINUNICODE: the strings as PtypString */
	set = nspi_address_creation_table(f->mem, f->book, 0x0409, MAPI_CP_WINUNICODE);
	assert_non_null(set);
	assert_string_equal(column(&set->aRow[0], 0x3002001F)->Value.lpszW, "SMTP");
	assert_string_equal(column(&set->aRow[0], 0x3001001F)->Value.lpszW, "Internet Address");
	/* an unknown code page has no strings */
	assert_null(nspi_address_creation_table(f->mem, f->book, 0x0409, 4242));

	/* another locale: the same template, in its own locale container */
	set = nspi_address_creation_table(f->mem, f->book, 0x0407, 1252);
	v = column(&set->aRow[0], NSPI_TAG_ENTRYID);
	assert_true(nspi_parse_entryid(f->mem, v->Value.bin.lpb, v->Value.bin.cb, &eid));
	assert_string_equal(eid.dn, "/o=Example/cn=Addressing/cn=Address-Templates/cn=407/cn=SMTP");
}

static void test_creation_template(void **state)
{
	struct fixture *f = *state;
	const struct nspi_template *t;
	uint32_t locale = 0, n, i;
	DATA_BLOB b;
	struct trow *rows;
	const struct trow *name, *address;
	const uint8_t script[16] = {
		3, 0, 0, 0,				/* N: three instruction DWORDs */
		2, 0, 0, 0,  0x1E, 0, 0x03, 0x30,	/* Emit Property PidTagEmailAddress_A */
		0, 0, 0, 0,				/* Halt */
	};

	/* located by DN, case-insensitively, with its locale */
	t = nspi_template_find_dn(f->book, SMTP_DN, &locale);
	assert_non_null(t);
	assert_int_equal(locale, 0x0409);
	assert_ptr_equal(nspi_template_find_dn(f->book,
		"/O=example/CN=addressing/cn=ADDRESS-TEMPLATES/cn=40C/cn=smtp", &locale), t);
	assert_int_equal(locale, 0x040C);
	assert_string_equal(nspi_template_type(t), "SMTP");
	/* no template object for these DNs */
	assert_null(nspi_template_find_dn(f->book, NULL, NULL));
	assert_null(nspi_template_find_dn(f->book, "", NULL));
	assert_null(nspi_template_find_dn(f->book, "/o=Other/cn=Addressing/cn=Address-Templates/cn=409/cn=SMTP", NULL));
	assert_null(nspi_template_find_dn(f->book, "/o=Example/cn=Addressing/cn=Address-Templates/cn=409/cn=X400", NULL));
	assert_null(nspi_template_find_dn(f->book, "/o=Example/cn=Addressing/cn=Address-Templates/cn=/cn=SMTP", NULL));
	assert_null(nspi_template_find_dn(f->book, "/o=Example/cn=Addressing/cn=Address-Templates/cn=4g9/cn=SMTP", NULL));
	assert_null(nspi_template_find_dn(f->book, "/o=Example/cn=Addressing/cn=Address-Templates/cn=123456789/cn=SMTP", NULL));
	assert_null(nspi_template_find_dn(f->book, SMTP_DN "/cn=x", NULL));
	assert_null(nspi_template_find_dn(f->book, "/o=Example/ou=AG/cn=Recipients/cn=alice", NULL));
	/* display templates are not located by DN, nor the creation template by type */
	assert_ptr_not_equal(nspi_template_find(NSPI_DT_MAILUSER, 0x0409), t);

	/* the creation dialog: a page, display name and address edits the user fills in */
	assert_true(nspi_template_trowset(f->mem, t, 1252, &b));
	rows = decode_trowset_flags(f->mem, &b, &n, false);
	assert_int_equal(rows[0].type, NSPI_DTCT_PAGE);
	name = bound(rows, n, NSPI_DTCT_EDIT, 0x3001001E, "&Display name:");
	address = bound(rows, n, NSPI_DTCT_EDIT, 0x3003001E, "&E-mail address:");
	assert_int_equal(name->flags, NSPI_DT_EDITABLE);
	assert_int_equal(address->flags, NSPI_DT_EDITABLE | NSPI_DT_REQUIRED);
	assert_int_equal(address->ul_size, 256);
	for (i = 0; i < n; i++) {
		assert_true(rows[i].type == NSPI_DTCT_PAGE || rows[i].type == NSPI_DTCT_LABEL ||
			    rows[i].type == NSPI_DTCT_EDIT);
	}
	assert_false(nspi_template_trowset(f->mem, t, 4242, &b));

	/* MS-OXOABKT 2.2.2.2: the script emits the address */
	assert_true(nspi_template_script(f->mem, t, &b));
	assert_int_equal(b.length, sizeof(script));
	assert_memory_equal(b.data, script, sizeof(script));
}

static void test_sub_restriction(void **state)
{
	struct fixture *f = *state;
	struct nspi_prop_ctx ctx = ctx_for(f, 1252);
	struct Restriction_r sub = { .rt = RES_SUBRESTRICTION }, not = { .rt = RES_NOT };

	/* MS-OXCDATA 2.12.10: no recipient or attachment table, no match */
	sub.res.resSub.ulSubObject = 0x0E12000D;	/* PidTagMessageRecipients */
	sub.res.resSub.lpRes = content(f->mem, NSPI_TAG_DISPLAY_NAME, "al", 0x10002);
	assert_int_equal(nspi_restriction_check(&ctx, &sub), MAPI_E_SUCCESS);
	assert_int_equal(count_matches(f, &sub), 0);
	not.res.resNot.lpRes = &sub;
	assert_int_equal(count_matches(f, &not), f->book->gal->table.count);
	/* its restriction must be there */
	sub.res.resSub.lpRes = NULL;
	assert_int_equal(nspi_restriction_check(&ctx, &sub), MAPI_E_INVALID_PARAMETER);
}

int main(void)
{
	int failed;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_gal_sorted_by_display_name, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hierarchy, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mids_stable_across_builds, setup, teardown),
		cmocka_unit_test_setup_teardown(test_positioning, setup, teardown),
		cmocka_unit_test_setup_teardown(test_properties, setup, teardown),
		cmocka_unit_test_setup_teardown(test_entryids, setup, teardown),
		cmocka_unit_test_setup_teardown(test_codepages, setup, teardown),
		cmocka_unit_test_setup_teardown(test_anr, setup, teardown),
		cmocka_unit_test_setup_teardown(test_restrictions, setup, teardown),
		cmocka_unit_test_setup_teardown(test_named_properties, setup, teardown),
		cmocka_unit_test_setup_teardown(test_prop_list_and_columns, setup, teardown),
		cmocka_unit_test_setup_teardown(test_template_mailuser, setup, teardown),
		cmocka_unit_test_setup_teardown(test_template_distlist, setup, teardown),
		cmocka_unit_test_setup_teardown(test_template_lookup_and_codepages, setup, teardown),
		cmocka_unit_test_setup_teardown(test_creation_table, setup, teardown),
		cmocka_unit_test_setup_teardown(test_creation_template, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sub_restriction, setup, teardown),
	};

	/* what samba's loadparm sets up in the server: the NDR layer's 8-bit charset */
	reinit_iconv_handle(NULL, "CP850", "UTF-8");
	failed = cmocka_run_group_tests(tests, NULL, NULL);
	free_iconv_handle();
	return failed;
}
