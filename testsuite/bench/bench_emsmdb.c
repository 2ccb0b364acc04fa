/*
 * OpenChange benchmark: EMSMDB round trips and session memory.  Prints
 * figures, never asserts (DESIGN.md: targets are measured, not tested).
 *
 *   bench_emsmdb CONNECTION --dn DN [--seconds S] [--sessions N] [--server-pid PID]
 *       [--sqlite-dir DIR]
 *
 * - EcDummyRpc: the round-trip rate of the connection;
 * - EcDoRpcExt2 carrying one cheap ROP (RopGetStoreState on the session's
 *   logon: parsed, dispatched to its handler, answered), uncompressed and
 *   plain, then compressed and obfuscated as clients ask by default: calls/s
 *   and the ratio of its cost to EcDummyRpc's (target: at most 1.5);
 * - durable saves: one EcDoRpcExt2 per message carrying RopCreateMessage,
 *   RopSetProperties (a subject and a 4 KB body), RopSaveChangesMessage
 *   and RopRelease into the Inbox, against a bare sqlite3 loop committing a
 *   4 KB row per transaction in WAL mode with synchronous=FULL in --sqlite-dir
 *   (the file system the mailboxes are on), in the same run: saves/s and
 *   the ratio (target: at least 50%);
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
#include <unistd.h>
#include <sqlite3.h>
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

/* Little-endian appends to a byte buffer of known room. */
struct buf {
	uint8_t *p;
	size_t len;
};

static void put8(struct buf *b, uint8_t v) { b->p[b->len++] = v; }
static void put16(struct buf *b, uint16_t v) { put8(b, (uint8_t)v); put8(b, (uint8_t)(v >> 8)); }
static void put32(struct buf *b, uint32_t v) { put16(b, (uint16_t)v); put16(b, (uint16_t)(v >> 16)); }
static void put64(struct buf *b, uint64_t v) { put32(b, (uint32_t)v); put32(b, (uint32_t)(v >> 32)); }

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t get64(const uint8_t *p)
{
	return (uint64_t)get32(p) | (uint64_t)get32(p + 4) << 32;
}

/* The session's mailbox: the logon handle and the Inbox, opened once. */
struct mailbox {
	uint32_t logon;
	uint32_t inbox;
	uint64_t inbox_fid;
};

/*
 * RopLogon of DN's private mailbox then RopOpenFolder of its Inbox, in one
 * call (MS-OXCROPS 2.2.3.1, 2.2.4.1): the handles later calls work on.
 */
static bool open_mailbox(struct emsmdb_client *client, const char *dn, struct mailbox *m)
{
	uint8_t in[512];
	struct buf b = { in, 2 };
	size_t dn_len = strlen(dn) + 1;
	uint8_t *reply;
	size_t reply_len;
	TALLOC_CTX *tmp = talloc_new(client);
	bool ok = false;

	if (dn_len > 400) {
		return false;
	}
	put8(&b, 0xFE); put8(&b, 0); put8(&b, 0); put8(&b, 0x01);	/* RopLogon, Private */
	put32(&b, 0x01000000); put32(&b, 0); put16(&b, (uint16_t)dn_len);
	memcpy(b.p + b.len, dn, dn_len);
	b.len += dn_len;
	in[0] = (uint8_t)b.len;
	in[1] = (uint8_t)(b.len >> 8);
	put32(&b, 0xFFFFFFFF);
	if (emsmdb_client_rpc(client, tmp, in, b.len, 0, 0x3, 0x8000, &reply, &reply_len, NULL) ==
	    MAPI_E_SUCCESS && reply_len >= 2 + 166 + 4 && get32(reply + 4) == 0) {
		/* FolderIds follow LogonFlags; the Inbox is the fifth */
		m->inbox_fid = get64(reply + 2 + 7 + 4 * 8);
		m->logon = get32(reply + reply_len - 4);
		b.len = 2;
		put8(&b, 0x02); put8(&b, 0); put8(&b, 0); put8(&b, 1);	/* RopOpenFolder 0 -> 1 */
		put64(&b, m->inbox_fid); put8(&b, 0);
		in[0] = (uint8_t)b.len;
		in[1] = 0;
		put32(&b, m->logon); put32(&b, 0xFFFFFFFF);
		if (emsmdb_client_rpc(client, tmp, in, b.len, 0, 0x3, 0x8000, &reply, &reply_len,
				      NULL) == MAPI_E_SUCCESS && reply_len >= 2 + 8 + 8 &&
		    get32(reply + 4) == 0) {
			m->inbox = get32(reply + reply_len - 4);
			ok = true;
		}
	}
	if (!ok) {
		fprintf(stderr, "RopLogon/RopOpenFolder of %s failed\n", dn);
	}
	talloc_free(tmp);
	return ok;
}

/* calls/s of EcDoRpcExt2 with one RopGetStoreState on the logon */
static double rate_rop(struct emsmdb_client *client, const struct mailbox *m, double seconds,
		       unsigned request_options, uint32_t flags)
{
	uint8_t rops[9] = { 0x05, 0x00, 0x7B, 0x00, 0x00 };	/* RopSize, RopGetStoreState on index 0 */
	double start = bench_now(), elapsed;
	long calls = 0;

	rops[5] = (uint8_t)m->logon;
	rops[6] = (uint8_t)(m->logon >> 8);
	rops[7] = (uint8_t)(m->logon >> 16);
	rops[8] = (uint8_t)(m->logon >> 24);
	do {
		TALLOC_CTX *tmp = talloc_new(client);
		uint8_t *reply;
		size_t reply_len;

		if (emsmdb_client_rpc(client, tmp, rops, sizeof(rops), request_options, flags, 0x8000,
				      &reply, &reply_len, NULL) != MAPI_E_SUCCESS || reply_len != 2 + 10 + 4 ||
		    get32(reply + 4) != 0) {
			fprintf(stderr, "EcDoRpcExt2 failed\n");
			talloc_free(tmp);
			return 0;
		}
		talloc_free(tmp);
		calls++;
	} while ((elapsed = bench_now() - start) < seconds);
	return (double)calls / elapsed;
}

#define BODY_BYTES 4096

/*
 * saves/s: each call creates a message in the Inbox with a subject and a
 * 4 KB PidTagBody_W, saves it (one durable transaction on the server) and
 * releases it.  Handle table: the Inbox, then the new message's slot.
 */
static double rate_save(struct emsmdb_client *client, const struct mailbox *m, double seconds,
			long *saved)
{
	static uint8_t in[BODY_BYTES + 512];
	double start = bench_now(), elapsed;
	long calls = 0;

	do {
		struct buf b = { in, 2 };
		TALLOC_CTX *tmp = talloc_new(client);
		char subject[32];
		size_t size_at, props_start, i, n;
		uint8_t *reply;
		size_t reply_len;

		/* RopCreateMessage (2.2.6.2): Inbox at 0, message to 1 */
		put8(&b, 0x06); put8(&b, 0); put8(&b, 0); put8(&b, 1);
		put16(&b, 0x0FFF); put64(&b, m->inbox_fid); put8(&b, 0);
		/* RopSetProperties (2.2.8.6): PidTagSubject_W and PidTagBody_W */
		put8(&b, 0x0A); put8(&b, 0); put8(&b, 1);
		size_at = b.len;
		put16(&b, 0);
		props_start = b.len;
		put16(&b, 2);
		put32(&b, 0x0037001F);
		n = (size_t)snprintf(subject, sizeof(subject), "bench %ld", calls);
		for (i = 0; i < n; i++) {
			put16(&b, (uint8_t)subject[i]);
		}
		put16(&b, 0);
		put32(&b, 0x1000001F);
		for (i = 0; i < BODY_BYTES / 2 - 1; i++) {
			put16(&b, (uint16_t)('a' + i % 26));
		}
		put16(&b, 0);
		in[size_at] = (uint8_t)(b.len - props_start);
		in[size_at + 1] = (uint8_t)((b.len - props_start) >> 8);
		/* RopSaveChangesMessage (2.2.6.3): KeepOpenReadWrite; then RopRelease */
		put8(&b, 0x0C); put8(&b, 0); put8(&b, 1); put8(&b, 1); put8(&b, 0x02);
		put8(&b, 0x01); put8(&b, 0); put8(&b, 1);
		in[0] = (uint8_t)b.len;
		in[1] = (uint8_t)(b.len >> 8);
		put32(&b, m->inbox); put32(&b, 0xFFFFFFFF);
		if (emsmdb_client_rpc(client, tmp, in, b.len, 0, 0x3, 0x8000, &reply, &reply_len,
				      NULL) != MAPI_E_SUCCESS || reply_len < 2 + 6 || get32(reply + 4) != 0) {
			fprintf(stderr, "saving a message failed (%s)\n",
				reply_len >= 8 ? mapi_errstr(get32(reply + 4)) : "no answer");
			talloc_free(tmp);
			return 0;
		}
		/* the last response, before the two handles, is RopSaveChangesMessage's (15 bytes) */
		if (reply_len < 2 + 6 + 15 + 8 || reply[reply_len - 8 - 15] != 0x0C ||
		    get32(reply + reply_len - 8 - 15 + 2) != 0) {
			fprintf(stderr, "RopSaveChangesMessage failed\n");
			talloc_free(tmp);
			return 0;
		}
		talloc_free(tmp);
		calls++;
	} while ((elapsed = bench_now() - start) < seconds);
	*saved = calls;
	return (double)calls / elapsed;
}

/* commits/s of a bare sqlite3 loop: one 4 KB row per transaction, WAL, synchronous=FULL */
static double rate_sqlite(const char *dir, double seconds)
{
	static uint8_t blob[BODY_BYTES];
	char *path = talloc_asprintf(NULL, "%s/bench-bare-%d.db", dir, (int)getpid());
	sqlite3 *db = NULL;
	sqlite3_stmt *s = NULL;
	double start, elapsed, rate = 0;
	long commits = 0;

	memset(blob, 'b', sizeof(blob));
	if (sqlite3_open(path, &db) != SQLITE_OK ||
	    sqlite3_exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
			 "CREATE TABLE t(id INTEGER PRIMARY KEY, body BLOB)", NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "INSERT INTO t(body) VALUES(?1)", -1, &s, NULL) != SQLITE_OK) {
		fprintf(stderr, "sqlite3 %s: %s\n", path, db ? sqlite3_errmsg(db) : "no memory");
		goto done;
	}
	start = bench_now();
	do {
		sqlite3_exec(db, "BEGIN", NULL, NULL, NULL);
		sqlite3_bind_blob(s, 1, blob, sizeof(blob), SQLITE_STATIC);
		if (sqlite3_step(s) != SQLITE_DONE || sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
			fprintf(stderr, "sqlite3: %s\n", sqlite3_errmsg(db));
			goto done;
		}
		sqlite3_reset(s);
		commits++;
	} while ((elapsed = bench_now() - start) < seconds);
	rate = (double)commits / elapsed;
done:
	sqlite3_finalize(s);
	sqlite3_close(db);
	unlink(path);
	{
		char *wal = talloc_asprintf(path, "%s-wal", path), *shm = talloc_asprintf(path, "%s-shm", path);

		unlink(wal);
		unlink(shm);
	}
	talloc_free(path);
	return rate;
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
	double seconds = 2, dummy, plain, packed, saves, bare;
	long server_pid = 0, saved = 0;
	const char *sqlite_dir = NULL;
	struct mailbox m;
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
		} else if (i + 1 < rest && strcmp(argv[i], "--sqlite-dir") == 0) {
			sqlite_dir = argv[++i];
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
	if (!open_mailbox(client, b.dn, &m)) {
		return 1;
	}
	(void)rate_dummy(client, seconds / 4);	/* warm up */
	dummy = rate_dummy(client, seconds);
	plain = rate_rop(client, &m, seconds, 0, 0x3);
	packed = rate_rop(client, &m, seconds, RPC_EXT_COMPRESS | RPC_EXT_XOR, 0);
	if (dummy == 0 || plain == 0 || packed == 0) {
		return 1;
	}
	printf("EcDummyRpc: %.0f calls/s (%.1f us per call)\n", dummy, 1e6 / dummy);
	printf("EcDoRpcExt2, one RopGetStoreState, plain: %.0f calls/s (%.1f us): %.2fx EcDummyRpc's "
	       "cost (target: at most 1.5x)\n", plain, 1e6 / plain, dummy / plain);
	printf("EcDoRpcExt2, one RopGetStoreState, compressed+XorMagic both ways: %.0f calls/s "
	       "(%.1f us): %.2fx EcDummyRpc's cost\n", packed, 1e6 / packed, dummy / packed);
	fflush(stdout);
	if (sqlite_dir != NULL) {
		/* alternate, so that both see the same disk weather */
		bare = rate_sqlite(sqlite_dir, seconds);
		saves = rate_save(client, &m, seconds, &saved);
		bare = (bare + rate_sqlite(sqlite_dir, seconds)) / 2;
		if (saves == 0 || bare == 0) {
			return 1;
		}
		printf("durable 4 KB message saves over EMSMDB (create, set properties, save, release; "
		       "one call each): %.0f saves/s (%ld saved)\n", saves, saved);
		printf("bare sqlite3 loop, one 4 KB row per WAL+FULL commit, same file system: %.0f "
		       "commits/s; saves reach %.0f%% of it (target: at least 50%%)\n", bare,
		       100.0 * saves / bare);
		fflush(stdout);
	}
	if (server_pid > 0) {
		memory(&b, server_pid, sessions);
	}
	talloc_free(b.mem_ctx);
	return 0;
}
