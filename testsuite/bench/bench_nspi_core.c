/*
 * Benchmark of the NSPI provider's server-side work over a 10,000-entry
 * GAL (DESIGN.md: QueryRows at least 100,000 rows/s, ResolveNames at
 * least half the rate of a null RPC): building the snapshot, rows of the
 * default columns plus the entry ID and e-mail address marshalled with the
 * generated NDR (what NspiQueryRows does after positioning), and ANR of one
 * name (what NspiResolveNamesW does per string).  It prints figures and
 * asserts nothing.  testsuite/bench/bench_nspi (with bench_nspi.py) measures
 * the calls over RPC against a running samba.
 *
 * Copyright (C) OpenChange developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mapiproxy/nspi/nspi_book.h"
#include <charset.h>
#include "idl/gen_ndr_nspi.h"

#define ENTRIES 10000
#define MIN_SECONDS 0.5

static const char *const given[] = {
	"Ana", "Zo\xc3\xab", "J\xc3\xbcrgen", "\xd0\x98\xd0\xb2\xd0\xb0\xd0\xbd", "John", "Mary",
	"\xce\x93\xce\xb9\xcf\x8e\xcf\x81\xce\xb3\xce\xbf\xcf\x82", "Peter", "Lena", "Omar",
};
static const char *const surname[] = {
	"Garc\xc3\xad" "a", "Smith", "M\xc3\xbcller", "\xd0\x9f\xd0\xb5\xd1\x82\xd1\x80\xd0\xbe\xd0\xb2",
	"Brown", "Dupr\xc3\xa9", "Nakamura", "Jones", "Kowalski", "Rossi", "Ivanova", "Lee",
};

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static struct ldb_message *entry(TALLOC_CTX *mem, struct ldb_context *ldb, int i)
{
	struct ldb_message *m = ldb_msg_new(mem);
	char *nick = talloc_asprintf(m, "user%05d", i);
	uint8_t *guid = talloc_zero_array(m, uint8_t, 16);
	struct ldb_val v = { .data = guid, .length = 16 };

	memcpy(guid, &i, sizeof(i));
	guid[15] = 0x5A;
	m->dn = ldb_dn_new_fmt(m, ldb, "CN=%s,CN=Users,DC=example,DC=com", nick);
	ldb_msg_add_string(m, "objectClass", "user");
	ldb_msg_add_value(m, "objectGUID", &v, NULL);
	ldb_msg_add_string(m, "displayName", talloc_asprintf(m, "%s %s %d", given[i % 10],
							     surname[(i / 10) % 12], i));
	ldb_msg_add_string(m, "mailNickname", nick);
	ldb_msg_add_string(m, "mail", talloc_asprintf(m, "%s@example.com", nick));
	ldb_msg_add_string(m, "proxyAddresses", talloc_asprintf(m, "SMTP:%s@example.com", nick));
	ldb_msg_add_string(m, "legacyExchangeDN",
			   talloc_asprintf(m, "/o=Example/ou=First Administrative Group/cn=Recipients/cn=%s",
					   nick));
	ldb_msg_add_string(m, "telephoneNumber", "+1 555 0100");
	ldb_msg_add_string(m, "department", "Engineering");
	ldb_msg_add_string(m, "showInAddressBook", "CN=Default Global Address List,CN=x");
	return m;
}

int main(void)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	struct ldb_context *ldb = ldb_init(mem, NULL);
	struct nspi_mid_registry *mids = nspi_mid_registry_new(mem);
	struct nspi_book_source src = { .ldb = ldb, .sequence = 1 };
	struct nspi_book *book;
	struct PropertyTagArray_r *cols;
	static const uint8_t guid[16] = { 1 };
	struct nspi_prop_ctx ctx = { .codepage = 1252, .server_guid = guid, .wire = true };
	double t0, t, elapsed;
	uint64_t rows = 0, bytes = 0, resolves = 0;
	int i;

	reinit_iconv_handle(NULL, "CP850", "UTF-8");
	src.recipients = talloc_array(mem, struct ldb_message *, ENTRIES);
	for (i = 0; i < ENTRIES; i++) {
		src.recipients[i] = entry(mem, ldb, i);
	}
	src.num_recipients = ENTRIES;
	src.props = talloc_zero_array(mem, struct nspi_propmap, 1);
	src.props[0] = (struct nspi_propmap){ 0x3A08, PT_UNICODE, "telephoneNumber" };
	src.num_props = 1;

	t0 = now();
	book = nspi_book_build(mem, mids, &src);
	t = now() - t0;
	if (book == NULL) {
		fprintf(stderr, "cannot build the book\n");
		return 1;
	}
	printf("snapshot of %u entries: %.1f ms, %u ANR keys, %zu KB\n", book->gal->table.count,
	       t * 1e3, book->num_anr, talloc_total_size(book) / 1024);
	ctx.book = book;

	/* NspiQueryRows: 50-row pages of 9 columns, built and marshalled */
	cols = nspi_default_columns(mem, true);
	cols->aulPropTag = talloc_realloc(cols, cols->aulPropTag, uint32_t, 10);
	cols->aulPropTag[cols->cValues++] = NSPI_TAG_ENTRYID;
	cols->aulPropTag[cols->cValues++] = NSPI_TAG_EMAIL_ADDRESS;
	t0 = now();
	do {
		uint32_t start;

		for (start = 0; start < book->gal->table.count; start += 50) {
			TALLOC_CTX *call = talloc_new(mem);
			struct PropertyRowSet_r set;
			struct ndr_push *push = ndr_push_init_ctx(call);
			uint32_t r;

			set.cRows = 50;
			set.aRow = talloc_array(call, struct PropertyRow_r, 50);
			for (r = 0; r < 50; r++) {
				nspi_build_row(call, &ctx, book->gal->table.rows[start + r], cols, &set.aRow[r]);
			}
			if (ndr_push_PropertyRowSet_r(push, NDR_SCALARS | NDR_BUFFERS, &set) !=
			    NDR_ERR_SUCCESS) {
				fprintf(stderr, "push failed\n");
				return 1;
			}
			bytes += push->offset;
			rows += 50;
			talloc_free(call);
		}
		elapsed = now() - t0;
	} while (elapsed < MIN_SECONDS);
	printf("QueryRows rows (%u columns incl. entry ID, UTF-16, NDR): %.0f rows/s, %.1f MB/s\n",
	       cols->cValues, rows / elapsed, bytes / elapsed / 1e6);

	/* ... and in an 8-bit code page */
	for (i = 0; i < (int)cols->cValues; i++) {
		if (NSPI_PROP_TYPE(cols->aulPropTag[i]) == PT_UNICODE) {
			cols->aulPropTag[i] = NSPI_PROP_TAG(NSPI_PROP_ID(cols->aulPropTag[i]), PT_STRING8);
		}
	}
	rows = 0;
	t0 = now();
	do {
		TALLOC_CTX *call = talloc_new(mem);
		struct PropertyRow_r row;
		uint32_t r;

		for (r = 0; r < book->gal->table.count; r++) {
			nspi_build_row(call, &ctx, book->gal->table.rows[r], cols, &row);
		}
		rows += book->gal->table.count;
		talloc_free(call);
		elapsed = now() - t0;
	} while (elapsed < MIN_SECONDS);
	printf("QueryRows rows in code page 1252 (not marshalled): %.0f rows/s\n", rows / elapsed);

	/* NspiResolveNamesW: one name, unique, ambiguous and unknown */
	{
		static const char *const names[] = { "user04242", "John Smith 4", "nobody here",
						     "\xd0\xb8\xd0\xb2\xd0\xb0\xd0\xbd" };
		int which;

		for (which = 0; which < 4; which++) {
			struct nspi_object *found;
			enum nspi_anr_result res = NSPI_ANR_NONE;

			resolves = 0;
			t0 = now();
			do {
				for (i = 0; i < 1000; i++) {
					res = nspi_anr(book, book->gal, names[which], &found);
				}
				resolves += 1000;
				elapsed = now() - t0;
			} while (elapsed < MIN_SECONDS / 2);
			printf("ANR of \"%s\" (%s): %.0f resolves/s, %.2f us each\n", names[which],
			       res == NSPI_ANR_UNIQUE ? "unique" : res == NSPI_ANR_AMBIGUOUS ?
			       "ambiguous" : "unresolved", resolves / elapsed, elapsed / resolves * 1e6);
		}
	}
	talloc_free(mem);
	free_iconv_handle();
	return 0;
}
