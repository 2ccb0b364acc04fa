/*
 * OpenChange benchmark: EMSMDB round trips and session memory.  Prints
 * figures, never asserts (DESIGN.md: targets are measured, not tested).
 *
 *   bench_emsmdb CONNECTION --dn DN [--seconds S] [--sessions N] [--server-pid PID]
 *
 * - EcDummyRpc: the round-trip rate of the connection;
 * - EcDoRpcExt2 carrying one cheap ROP (RopGetStoreState on a handle table
 *   of one entry: parsed, dispatched, answered), uncompressed and plain,
 *   then compressed and obfuscated as clients ask by default: calls/s and
 *   the ratio of its cost to EcDummyRpc's (target: at most 1.5);
 * - with --server-pid, the server's VmRSS per connected idle session: N
 *   more connections each with one session, then N more sessions on one
 *   connection (as many as the per-connection limit allows).
 *
 * testsuite/bench/bench_emsmdb.py runs it against a test bed.
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
#include <tevent.h>
#include <param.h>
#include <credentials.h>
#include <dcerpc.h>

#include "libmapi/emsmdb_client.h"
#include "libmapi/rpc_ext.h"
#include "testsuite/common/nspi_cli.h"
#include "testsuite/common/bench_clock.h"

struct bench {
	TALLOC_CTX *mem_ctx;
	struct tevent_context *ev;
	struct loadparm_context *lp_ctx;
	struct cli_credentials *creds;
	const char *binding;
	const char *dn;
};

static struct emsmdb_client *open_client(struct bench *b)
{
	struct emsmdb_client *client = NULL;
	enum MAPISTATUS ret = emsmdb_client_connect(b->mem_ctx, b->ev, b->lp_ctx, b->binding, b->creds,
						    b->dn, NULL, &client);

	if (ret != MAPI_E_SUCCESS) {
		fprintf(stderr, "EcDoConnectEx: %s %s\n", mapi_errstr(ret),
			client != NULL && client->last_error ? client->last_error : "");
		talloc_free(client);
		return NULL;
	}
	return client;
}

/* calls/s of EcDummyRpc over SECONDS */
static double rate_dummy(struct emsmdb_client *client, double seconds)
{
	double start = bench_now(), elapsed;
	long calls = 0;

	do {
		if (emsmdb_client_dummy_rpc(client) != MAPI_E_SUCCESS) {
			fprintf(stderr, "EcDummyRpc failed\n");
			return 0;
		}
		calls++;
	} while ((elapsed = bench_now() - start) < seconds);
	return (double)calls / elapsed;
}

/* calls/s of EcDoRpcExt2 with one RopGetStoreState */
static double rate_rop(struct emsmdb_client *client, double seconds, unsigned request_options,
		       uint32_t flags)
{
	static const uint8_t rops[] = {
		0x05, 0x00, 0x7B, 0x00, 0x00,		/* RopSize, RopGetStoreState on index 0 */
		0xFF, 0xFF, 0xFF, 0xFF,			/* the handle table */
	};
	double start = bench_now(), elapsed;
	long calls = 0;

	do {
		TALLOC_CTX *tmp = talloc_new(client);
		uint8_t *reply;
		size_t reply_len;

		if (emsmdb_client_rpc(client, tmp, rops, sizeof(rops), request_options, flags, 0x8000,
				      &reply, &reply_len, NULL) != MAPI_E_SUCCESS || reply_len != 2 + 6 + 4) {
			fprintf(stderr, "EcDoRpcExt2 failed\n");
			talloc_free(tmp);
			return 0;
		}
		talloc_free(tmp);
		calls++;
	} while ((elapsed = bench_now() - start) < seconds);
	return (double)calls / elapsed;
}

static void memory(struct bench *b, long pid, int sessions)
{
	struct emsmdb_client **clients = talloc_array(b->mem_ctx, struct emsmdb_client *, sessions);
	struct emsmdb_client *shared;
	long before, after;
	int i, opened = 0;

	before = bench_vm_rss_kb(pid);
	for (i = 0; i < sessions; i++) {
		clients[i] = open_client(b);
		if (clients[i] == NULL) {
			break;
		}
		opened++;
	}
	after = bench_vm_rss_kb(pid);
	printf("server VmRSS %ld kB before, %ld kB after %d more connections with one idle session "
	       "each: %.1f kB per connected session (target: under 200 KB)\n",
	       before, after, opened, opened ? (double)(after - before) / opened : 0.0);
	fflush(stdout);

	shared = open_client(b);
	if (shared == NULL) {
		return;
	}
	before = bench_vm_rss_kb(pid);
	for (opened = 0; opened < sessions; opened++) {
		struct policy_handle h;

		if (emsmdb_client_connect_again(shared, b->dn, NULL, &h) != MAPI_E_SUCCESS) {
			break;
		}
	}
	after = bench_vm_rss_kb(pid);
	printf("server VmRSS %ld kB before, %ld kB after %d more sessions on one connection: "
	       "%.1f kB per session without its connection\n",
	       before, after, opened, opened ? (double)(after - before) / opened : 0.0);
	for (i = 0; i < sessions; i++) {
		TALLOC_FREE(clients[i]);
	}
}

int main(int argc, char **argv)
{
	struct nspi_cli_options opts;
	struct bench b;
	struct emsmdb_client *client;
	double seconds = 2, dummy, plain, packed;
	long server_pid = 0;
	int sessions = 100, rest, i;

	rest = nspi_cli_parse(argc, argv, &opts);
	if (rest < 0) {
		return 2;
	}
	memset(&b, 0, sizeof(b));
	for (i = 1; i < rest; i++) {
		if (i + 1 < rest && strcmp(argv[i], "--seconds") == 0) {
			seconds = atof(argv[++i]);
		} else if (i + 1 < rest && strcmp(argv[i], "--sessions") == 0) {
			sessions = atoi(argv[++i]);
		} else if (i + 1 < rest && strcmp(argv[i], "--server-pid") == 0) {
			server_pid = atol(argv[++i]);
		} else if (i + 1 < rest && strcmp(argv[i], "--dn") == 0) {
			b.dn = argv[++i];
		} else {
			fprintf(stderr, "unknown argument %s\n", argv[i]);
			return 2;
		}
	}
	if (b.dn == NULL) {
		fprintf(stderr, "--dn is required\n");
		return 2;
	}
	b.mem_ctx = talloc_new(NULL);
	dcerpc_init();
	b.ev = tevent_context_init(b.mem_ctx);
	b.lp_ctx = loadparm_init_global(false);
	b.creds = cli_credentials_init(b.mem_ctx);
	b.binding = talloc_asprintf(b.mem_ctx, "ncacn_ip_tcp:%s[%s]", opts.server, opts.seal ? "seal" : "sign");
	cli_credentials_set_conf(b.creds, b.lp_ctx);
	cli_credentials_set_username(b.creds, opts.user, CRED_SPECIFIED);
	cli_credentials_set_password(b.creds, opts.password, CRED_SPECIFIED);
	if (opts.domain != NULL) {
		cli_credentials_set_domain(b.creds, opts.domain, CRED_SPECIFIED);
	}
	cli_credentials_set_kerberos_state(b.creds, CRED_USE_KERBEROS_DISABLED, CRED_SPECIFIED);

	client = open_client(&b);
	if (client == NULL) {
		return 1;
	}
	(void)rate_dummy(client, seconds / 4);	/* warm up */
	dummy = rate_dummy(client, seconds);
	plain = rate_rop(client, seconds, 0, 0x3);
	packed = rate_rop(client, seconds, RPC_EXT_COMPRESS | RPC_EXT_XOR, 0);
	if (dummy == 0 || plain == 0 || packed == 0) {
		return 1;
	}
	printf("EcDummyRpc: %.0f calls/s (%.1f us per call)\n", dummy, 1e6 / dummy);
	printf("EcDoRpcExt2, one RopGetStoreState, plain: %.0f calls/s (%.1f us): %.2fx EcDummyRpc's "
	       "cost (target: at most 1.5x)\n", plain, 1e6 / plain, dummy / plain);
	printf("EcDoRpcExt2, one RopGetStoreState, compressed+XorMagic both ways: %.0f calls/s "
	       "(%.1f us): %.2fx EcDummyRpc's cost\n", packed, 1e6 / packed, dummy / packed);
	fflush(stdout);
	if (server_pid > 0) {
		memory(&b, server_pid, sessions);
	}
	talloc_free(b.mem_ctx);
	return 0;
}
