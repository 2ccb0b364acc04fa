/*
 * libFuzzer target: a Restriction_r as NspiGetMatches receives it (pulled
 * with the generated NDR), checked and evaluated against a small address
 * book, with the restriction's 8-bit strings in a client code page.
 * Restrictions are client-built trees of any shape: nothing may crash,
 * leak or recurse without bound.
 *
 * Copyright (C) OpenChange developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "mapiproxy/nspi/nspi_book.h"
#include <charset.h>
#include "idl/gen_ndr_nspi.h"
#include "idl/gen_errors.h"

static struct nspi_book *book;

static struct ldb_message *recipient(TALLOC_CTX *mem, struct ldb_context *ldb, int i,
				     const char *display)
{
	struct ldb_message *m = ldb_msg_new(mem);
	uint8_t *guid = talloc_zero_array(m, uint8_t, 16);
	struct ldb_val v = { .data = guid, .length = 16 };

	guid[0] = (uint8_t)(i + 1);
	m->dn = ldb_dn_new_fmt(m, ldb, "CN=r%d,CN=Users,DC=example,DC=com", i);
	ldb_msg_add_string(m, "objectClass", i == 2 ? "group" : "user");
	ldb_msg_add_value(m, "objectGUID", &v, NULL);
	ldb_msg_add_string(m, "displayName", display);
	ldb_msg_add_string(m, "mailNickname", talloc_asprintf(m, "r%d", i));
	ldb_msg_add_string(m, "mail", talloc_asprintf(m, "r%d@example.com", i));
	ldb_msg_add_string(m, "proxyAddresses", talloc_asprintf(m, "SMTP:r%d@example.com", i));
	ldb_msg_add_string(m, "telephoneNumber", "+1 555 0100");
	ldb_msg_add_string(m, "member", "CN=r0,CN=Users,DC=example,DC=com");
	return m;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	static const char *const names[] = {
		"Alice Adams", "Zo\xc3\xab Zimmer", "Staff", "\xd0\x98\xd0\xb2\xd0\xb0\xd0\xbd", ""
	};
	TALLOC_CTX *mem = talloc_new(NULL);
	struct nspi_book_source src = { .sequence = 1 };
	int i;

	(void)argc;
	(void)argv;
	reinit_iconv_handle(NULL, "CP850", "UTF-8");
	/* ldb dlopen()s samba's modules with RTLD_DEEPBIND, which ASan refuses */
	setenv("LDB_MODULES_DISABLE_DEEPBIND", "1", 1);
	src.ldb = ldb_init(mem, NULL);
	src.recipients = talloc_array(mem, struct ldb_message *, 5);
	for (i = 0; i < 5; i++) {
		src.recipients[i] = recipient(mem, src.ldb, i, names[i]);
	}
	src.num_recipients = 5;
	src.props = talloc_array(mem, struct nspi_propmap, 3);
	src.props[0] = (struct nspi_propmap){ 0x800F, PT_MV_UNICODE, "proxyAddresses" };
	src.props[1] = (struct nspi_propmap){ 0x3A08, PT_UNICODE, "telephoneNumber" };
	src.props[2] = (struct nspi_propmap){ 0x8009, NSPI_PT_EMBEDDED_TABLE, "member" };
	src.num_props = 3;
	book = nspi_book_build(mem, nspi_mid_registry_new(mem), &src);
	return book != NULL ? 0 : 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint32_t codepages[] = { 1252, 65001, 1251, 932 };
	TALLOC_CTX *mem = talloc_new(NULL);
	DATA_BLOB blob = { discard_const_p(uint8_t, data), size };
	struct ndr_pull *pull;
	struct Restriction_r *res = talloc_zero(mem, struct Restriction_r);
	struct nspi_prop_ctx ctx = { .book = book, .wire = true };
	uint32_t i;

	if (size < 1) {
		talloc_free(mem);
		return 0;
	}
	ctx.codepage = codepages[data[0] & 3];
	blob.data++;
	blob.length--;
	pull = ndr_pull_init_blob(&blob, mem);
	if (pull != NULL && res != NULL &&
	    ndr_pull_Restriction_r(pull, NDR_SCALARS | NDR_BUFFERS, res) == NDR_ERR_SUCCESS &&
	    nspi_restriction_check(&ctx, res) == MAPI_E_SUCCESS) {
		for (i = 0; i < book->gal->table.count; i++) {
			(void)nspi_restriction_match(&ctx, book->gal->table.rows[i], res);
		}
	}
	talloc_free(mem);
	return 0;
}
