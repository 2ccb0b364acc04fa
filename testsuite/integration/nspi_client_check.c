/*
 * OpenChange: the address book as libmapi's NSPI client sees it, for the
 * integration tests to compare with what impacket (an independent client)
 * and the directory say.
 *
 *   nspi_client_check CONNECTION resolve NAME...
 *       one line per name: NAME, then MID_UNRESOLVED / MID_AMBIGUOUS or
 *       "resolved", display name, X500 address, SMTP address, home MDB
 *   nspi_client_check CONNECTION gal
 *       every row of the GAL from its beginning, in table order: display name
 *       and X500 address; then "rows N"
 *
 * CONNECTION: --server ADDR --user U --password P [--domain D] [--seal]
 * [--code-page N].  Fields are tab-separated, UTF-8; exit status 0 only when
 * every call succeeded.
 *
 * Copyright (C) OpenChange developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <talloc.h>

#include "testsuite/common/nspi_cli.h"
#include "idl/gen_proptags.h"

/* MS-OXNSPI 2.2.8 Positioning Minimal Entry IDs and 2.2.9.1 MID values */
#define MID_UNRESOLVED	0x00000000
#define MID_AMBIGUOUS	0x00000001

static const char *text_of(const struct PropertyRow_r *row, uint32_t tag)
{
	const struct PropertyValue_r *v = nspi_row_find(row, tag);

	if (v == NULL) {
		return "-";
	}
	switch (v->ulPropTag & 0xFFFF) {
	case 0x001F:
		return v->Value.lpszW != NULL ? v->Value.lpszW : "";
	case 0x001E:
		return v->Value.lpszA != NULL ? v->Value.lpszA : "";
	case 0x000A:
		return "(error)";
	default:
		return "(other type)";
	}
}

static int resolve(struct nspi_client *nspi, char **names, int num_names)
{
	static const uint32_t tags[] = {
		PidTagDisplayName, PidTagEmailAddress, PidTagSmtpAddress,
		PidTagAddressBookHomeMessageDatabase,
	};
	TALLOC_CTX *mem_ctx = talloc_new(nspi);
	struct PropertyTagArray_r *columns = nspi_tag_array(mem_ctx, tags, 4);
	struct PropertyTagArray_r *mids = NULL;
	struct PropertyRowSet_r *rows = NULL;
	enum MAPISTATUS ret;
	uint32_t row = 0;
	int i;

	ret = nspi_client_resolve_names(nspi, mem_ctx, (const char * const *)names,
					(uint32_t)num_names, columns, &mids, &rows);
	if (ret != MAPI_E_SUCCESS) {
		fprintf(stderr, "NspiResolveNamesW: %s\n", mapi_errstr(ret));
		talloc_free(mem_ctx);
		return 1;
	}
	if (mids == NULL || mids->cValues != (uint32_t)num_names) {
		fprintf(stderr, "NspiResolveNamesW: %u MIds for %d names\n",
			mids != NULL ? mids->cValues : 0, num_names);
		talloc_free(mem_ctx);
		return 1;
	}
	for (i = 0; i < num_names; i++) {
		uint32_t mid = mids->aulPropTag[i];
		const struct PropertyRow_r *r;

		if (mid == MID_UNRESOLVED || mid == MID_AMBIGUOUS) {
			printf("%s\t%s\n", names[i],
			       mid == MID_UNRESOLVED ? "MID_UNRESOLVED" : "MID_AMBIGUOUS");
			continue;
		}
		/* 3.1.4.1.17: one row per resolved name, in the names' order */
		if (rows == NULL || row >= rows->cRows) {
			fprintf(stderr, "NspiResolveNamesW: no row for %s\n", names[i]);
			talloc_free(mem_ctx);
			return 1;
		}
		r = &rows->aRow[row++];
		printf("%s\tresolved\t%s\t%s\t%s\t%s\n", names[i],
		       text_of(r, PidTagDisplayName), text_of(r, PidTagEmailAddress),
		       text_of(r, PidTagSmtpAddress), text_of(r, PidTagAddressBookHomeMessageDatabase));
	}
	talloc_free(mem_ctx);
	return 0;
}

static int gal(struct nspi_client *nspi)
{
	static const uint32_t tags[] = { PidTagDisplayName, PidTagEmailAddress };
	TALLOC_CTX *mem_ctx = talloc_new(nspi);
	struct PropertyTagArray_r *columns = nspi_tag_array(mem_ctx, tags, 2);
	uint32_t total = 0;

	for (;;) {
		struct PropertyRowSet_r *rows = NULL;
		enum MAPISTATUS ret;
		uint32_t i;

		ret = nspi_client_query_rows(nspi, mem_ctx, 0, NULL, 0, 100, columns, &rows);
		if (ret != MAPI_E_SUCCESS) {
			fprintf(stderr, "NspiQueryRows: %s\n", mapi_errstr(ret));
			talloc_free(mem_ctx);
			return 1;
		}
		if (rows == NULL || rows->cRows == 0) {
			break;
		}
		for (i = 0; i < rows->cRows; i++) {
			printf("%s\t%s\n", text_of(&rows->aRow[i], PidTagDisplayName),
			       text_of(&rows->aRow[i], PidTagEmailAddress));
		}
		total += rows->cRows;
		talloc_free(rows);
	}
	printf("rows %u\n", total);
	talloc_free(mem_ctx);
	return 0;
}

int main(int argc, char **argv)
{
	TALLOC_CTX *mem_ctx = talloc_new(NULL);
	struct nspi_cli_options opts;
	struct nspi_client *nspi;
	int rest, status;

	rest = nspi_cli_parse(argc, argv, &opts);
	if (rest < 2) {
		fprintf(stderr, "usage: %s CONNECTION resolve NAME... | gal\n", argv[0]);
		return 2;
	}
	nspi = nspi_cli_connect(mem_ctx, &opts);
	if (nspi == NULL) {
		talloc_free(mem_ctx);
		return 1;
	}
	if (strcmp(argv[1], "resolve") == 0 && rest > 2) {
		status = resolve(nspi, argv + 2, rest - 2);
	} else if (strcmp(argv[1], "gal") == 0 && rest == 2) {
		status = gal(nspi);
	} else {
		fprintf(stderr, "unknown command '%s'\n", argv[1]);
		status = 2;
	}
	if (nspi_client_unbind(nspi) != MAPI_E_SUCCESS && status == 0) {
		fprintf(stderr, "NspiUnbind failed\n");
		status = 1;
	}
	talloc_free(mem_ctx);
	return status;
}
