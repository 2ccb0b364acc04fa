/*
 * OpenChange benchmark: NSPI over a live address book.  Prints figures,
 * never asserts (DESIGN.md: targets are measured, not tested).
 *
 *   bench_nspi CONNECTION [--seconds S] [--sessions N] [--server-pid PID] NAME
 *
 * - a near-null call (NspiCompareMIds of one MId with itself) for the
 *   round-trip rate of the connection;
 * - NspiResolveNamesW of NAME, one name per call: calls/s and the ratio to
 *   the near-null rate (target: at least 0.5);
 * - NspiQueryRows through the whole GAL, 1,000 rows of 4 columns per call:
 *   rows/s (target: at least 100,000);
 * - with --server-pid, the server's resident memory per bound session, from
 *   its VmRSS before and after N more sessions bind.
 *
 * testsuite/bench/bench_nspi.py runs it against a test bed with a
 * 10,000-entry GAL.
 *
 * Copyright (C) OpenChange developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <talloc.h>

#include "testsuite/common/nspi_cli.h"
#include "testsuite/common/bench_clock.h"
#include "idl/gen_proptags.h"

static int resolve_one(struct nspi_client *nspi, TALLOC_CTX *mem_ctx, const char *name,
		       const struct PropertyTagArray_r *columns, uint32_t *mid)
{
	struct PropertyTagArray_r *mids = NULL;
	struct PropertyRowSet_r *rows = NULL;
	enum MAPISTATUS ret;

	ret = nspi_client_resolve_names(nspi, mem_ctx, &name, 1, columns, &mids, &rows);
	if (ret != MAPI_E_SUCCESS || mids == NULL || mids->cValues != 1) {
		fprintf(stderr, "NspiResolveNamesW(%s): %s\n", name, mapi_errstr(ret));
		return -1;
	}
	*mid = mids->aulPropTag[0];
	talloc_free(mids);
	talloc_free(rows);
	return 0;
}

int main(int argc, char **argv)
{
	static const uint32_t tags[] = {
		PidTagDisplayName, PidTagEmailAddress, PidTagSmtpAddress, PidTagDisplayType,
	};
	TALLOC_CTX *mem_ctx = talloc_new(NULL);
	struct nspi_cli_options opts;
	struct nspi_client *nspi;
	struct PropertyTagArray_r *columns;
	double seconds = 2.0, start, elapsed, null_rate, resolve_rate, best_rows = 0;
	long server_pid = 0, sessions = 100;
	const char *name = NULL;
	uint32_t mid = 0;
	long calls;
	int rest, i, pass;

	rest = nspi_cli_parse(argc, argv, &opts);
	for (i = 1; rest > 0 && i < rest; i++) {
		if (strcmp(argv[i], "--seconds") == 0 && i + 1 < rest) {
			seconds = atof(argv[++i]);
		} else if (strcmp(argv[i], "--sessions") == 0 && i + 1 < rest) {
			sessions = atol(argv[++i]);
		} else if (strcmp(argv[i], "--server-pid") == 0 && i + 1 < rest) {
			server_pid = atol(argv[++i]);
		} else if (name == NULL && argv[i][0] != '-') {
			name = argv[i];
		} else {
			rest = -1;
		}
	}
	if (rest < 0 || name == NULL || seconds <= 0) {
		fprintf(stderr, "usage: %s CONNECTION [--seconds S] [--sessions N] "
			"[--server-pid PID] NAME\n", argv[0]);
		return 2;
	}
	nspi = nspi_cli_connect(mem_ctx, &opts);
	columns = nspi_tag_array(mem_ctx, tags, 4);
	if (nspi == NULL || columns == NULL || resolve_one(nspi, mem_ctx, name, columns, &mid) != 0) {
		return 1;
	}
	if (mid <= 1) {
		fprintf(stderr, "'%s' did not resolve to one entry (MId %u)\n", name, mid);
		return 1;
	}

	/* near-null round trips */
	start = bench_now();
	for (calls = 0; (elapsed = bench_now() - start) < seconds; calls++) {
		int32_t result;

		if (nspi_client_compare_mids(nspi, mid, mid, &result) != MAPI_E_SUCCESS) {
			fprintf(stderr, "NspiCompareMIds failed\n");
			return 1;
		}
	}
	null_rate = (double)calls / elapsed;
	printf("NspiCompareMIds (near-null): %ld calls in %.2f s = %.0f calls/s (%.1f us/call)\n",
	       calls, elapsed, null_rate, 1e6 / null_rate);

	start = bench_now();
	for (calls = 0; (elapsed = bench_now() - start) < seconds; calls++) {
		uint32_t got;

		if (resolve_one(nspi, mem_ctx, name, columns, &got) != 0 || got != mid) {
			return 1;
		}
	}
	resolve_rate = (double)calls / elapsed;
	printf("NspiResolveNamesW (1 name): %ld calls in %.2f s = %.0f calls/s, %.2f x near-null "
	       "(target >= 0.5)\n", calls, elapsed, resolve_rate, resolve_rate / null_rate);

	for (pass = 0; pass < 3; pass++) {
		uint64_t rows_total = 0;

		nspi->stat.CurrentRec = 0;	/* MID_BEGINNING_OF_TABLE */
		nspi->stat.NumPos = 0;
		nspi->stat.Delta = 0;
		start = bench_now();
		for (;;) {
			struct PropertyRowSet_r *rows = NULL;

			if (nspi_client_query_rows(nspi, mem_ctx, 0, NULL, 0, 1000, columns,
						   &rows) != MAPI_E_SUCCESS) {
				fprintf(stderr, "NspiQueryRows failed\n");
				return 1;
			}
			if (rows == NULL || rows->cRows == 0) {
				talloc_free(rows);
				break;
			}
			rows_total += rows->cRows;
			talloc_free(rows);
		}
		elapsed = bench_now() - start;
		printf("NspiQueryRows pass %d: %llu rows of 4 columns in %.3f s = %.0f rows/s\n",
		       pass + 1, (unsigned long long)rows_total, elapsed,
		       (double)rows_total / elapsed);
		if ((double)rows_total / elapsed > best_rows) {
			best_rows = (double)rows_total / elapsed;
		}
	}
	printf("NspiQueryRows best: %.0f rows/s (target >= 100000)\n", best_rows);

	if (server_pid > 0 && sessions > 0) {
		struct nspi_client **more = talloc_zero_array(mem_ctx, struct nspi_client *, sessions);
		long before = bench_vm_rss_kb(server_pid), after;
		long n;

		for (n = 0; n < sessions; n++) {
			more[n] = nspi_cli_connect(more, &opts);
			if (more[n] == NULL) {
				return 1;
			}
		}
		after = bench_vm_rss_kb(server_pid);
		printf("server VmRSS %ld kB before, %ld kB after %ld more bound sessions: "
		       "%.1f kB per session (connection included)\n",
		       before, after, sessions, (double)(after - before) / (double)sessions);
		talloc_free(more);
	}
	talloc_free(mem_ctx);
	return 0;
}
