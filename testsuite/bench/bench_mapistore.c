/*
 * Benchmark of mapistore with the sqlite3 backend. It prints figures and
 * asserts nothing (DESIGN.md: targets are measured by benchmarks, never by
 * timed tests).
 *
 * 1. Durable saves: a 4 KB message (subject, class, times, a 4 KB body,
 *    two recipients) created and saved, one durable transaction each, next
 *    to a bare sqlite3 loop committing a 4 KB row per transaction with the
 *    same settings (WAL, synchronous=FULL) on the same file system in the
 *    same run: the machine's durable-commit rate. Target: >= 50%.
 * 2. QueryRows over a 100,000-message folder sorted by
 *    PidTagMessageDeliveryTime (descending) with 5 columns, in batches of
 *    1,000 rows as the table layer will ask. Target: >= 200,000 rows/s.
 *    Also with a restriction SQL can take, and the time to (re)read the
 *    table's row ids.
 * 3. Memory: heap bytes per open mailbox context (mallinfo2 before and
 *    after opening 100 contexts of the same mailbox).
 *
 * Usage: bench_mapistore [directory] [messages]; the default directory is a
 * fresh one under /tmp (removed afterwards), 100000 messages.
 *
 * Copyright (C) OpenChange developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <malloc.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sqlite3.h>

#include "mapistore/mapistore.h"
#include "mapistore/mapistore_tags.h"

#define SAVE_SECONDS 4.0
#define ROUNDS 4
#define BODY_SIZE 4096
#define TAG_BODY 0x1000001Fu
#define TAG_RECIPIENT_TYPE 0x0C150003u
#define TAG_SMTP_ADDRESS 0x39FE001Fu

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void die(const char *what, int code)
{
	fprintf(stderr, "bench_mapistore: %s failed: 0x%08x\n", what, (unsigned)code);
	exit(1);
}

#define CHECK(call) do { enum MAPISTATUS r_ = (call); if (r_ != MAPI_E_SUCCESS) die(#call, r_); } while (0)

/* --- 1. durable commits ---------------------------------------------------------------------------- */

struct bare {
	sqlite3 *db;
	sqlite3_stmt *begin, *ins, *commit;
};

static void bare_open(struct bare *b, const char *dir)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s/bare.db", dir);
	unlink(path);
	if (sqlite3_open(path, &b->db) != SQLITE_OK ||
	    sqlite3_exec(b->db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
			 "CREATE TABLE t(id INTEGER PRIMARY KEY, data BLOB)", NULL, NULL, NULL) != SQLITE_OK)
		die("bare sqlite setup", 0);
	sqlite3_prepare_v2(b->db, "BEGIN IMMEDIATE", -1, &b->begin, NULL);
	sqlite3_prepare_v2(b->db, "COMMIT", -1, &b->commit, NULL);
	sqlite3_prepare_v2(b->db, "INSERT INTO t(data) VALUES(?1)", -1, &b->ins, NULL);
}

static void bare_close(struct bare *b)
{
	sqlite3_finalize(b->ins);
	sqlite3_finalize(b->begin);
	sqlite3_finalize(b->commit);
	sqlite3_close(b->db);
}

/* Commits of a bare sqlite3 loop, one 4 KB row per transaction, for seconds. */
static void bare_run(struct bare *b, double seconds, double *count, double *elapsed)
{
	static uint8_t row[BODY_SIZE];
	double t0 = now(), t;
	int n = 0;

	memset(row, 'x', sizeof(row));
	do {
		sqlite3_step(b->begin);
		sqlite3_reset(b->begin);
		sqlite3_bind_blob(b->ins, 1, row, sizeof(row), SQLITE_STATIC);
		sqlite3_step(b->ins);
		sqlite3_reset(b->ins);
		if (sqlite3_step(b->commit) != SQLITE_DONE)
			die("bare commit", 0);
		sqlite3_reset(b->commit);
		n++;
		t = now() - t0;
	} while (t < seconds);
	*count += n;
	*elapsed += t;
}

static void fill_message(struct mapistore_message *msg, TALLOC_CTX *mem, int i, const char *body)
{
	char subject[64];
	struct mapi_propval pv[6];
	struct mapi_propval r0[3], r1[3];
	struct mapistore_recipient rows[2] = { { 0, 3, r0 }, { 1, 3, r1 } };
	uint64_t t = 133000000000000000ULL + (uint64_t)((i * 7919ULL) % 1000003) * 10000000ULL;

	snprintf(subject, sizeof(subject), "Benchmark message %d", i);
	pv[0].tag = TAG_SUBJECT; pv[0].value.string = subject;
	pv[1].tag = TAG_MESSAGE_CLASS; pv[1].value.string = "IPM.Note";
	pv[2].tag = TAG_DELIVERY_TIME; pv[2].value.time = t;
	pv[3].tag = TAG_SUBMIT_TIME; pv[3].value.time = t - 20000000;
	pv[4].tag = TAG_SENDER_NAME; pv[4].value.string = "Sender Name";
	pv[5].tag = TAG_BODY; pv[5].value.string = (char *)body;
	CHECK(mapistore_message_set_props(msg, body ? 6 : 5, pv, mem, NULL));
	r0[0].tag = TAG_RECIPIENT_TYPE; r0[0].value.i32 = 1;
	r0[1].tag = TAG_DISPLAY_NAME; r0[1].value.string = "First Recipient";
	r0[2].tag = TAG_SMTP_ADDRESS; r0[2].value.string = "first@example.org";
	r1[0].tag = TAG_RECIPIENT_TYPE; r1[0].value.i32 = 2;
	r1[1].tag = TAG_DISPLAY_NAME; r1[1].value.string = "Second Recipient";
	r1[2].tag = TAG_SMTP_ADDRESS; r1[2].value.string = "second@example.org";
	CHECK(mapistore_message_modify_recipients(msg, 2, rows));
}

/* Messages created and saved durably, one transaction each, for seconds. */
static void save_run(struct mapistore_folder *folder, TALLOC_CTX *mem, const char *body, double seconds,
		     double *count, double *elapsed)
{
	double t0 = now(), t;
	int n = 0;

	do {
		TALLOC_CTX *tmp = talloc_new(mem);
		struct mapistore_message *msg;

		CHECK(mapistore_message_create(folder, tmp, false, &msg));
		fill_message(msg, tmp, n, body);
		CHECK(mapistore_message_save(msg, 0));
		talloc_free(tmp);
		n++;
		t = now() - t0;
	} while (t < seconds);
	*count += n;
	*elapsed += t;
}

/* --- 2. QueryRows ----------------------------------------------------------------------------------- */

static void query_rows(struct mapistore_folder *folder, TALLOC_CTX *mem, const struct mapi_restriction *res,
		       const char *label)
{
	uint32_t cols[5] = { TAG_MID, TAG_SUBJECT, TAG_DELIVERY_TIME, TAG_MESSAGE_FLAGS, TAG_MESSAGE_SIZE };
	struct mapi_sort_order_entry key = { TAG_DELIVERY_TIME, MAPI_SORT_DESCEND };
	struct mapi_sort_order_set sorts = { .count = 1, .sorts = &key };
	struct mapistore_table *t;
	uint32_t total = 0, n, rows_read = 0;
	double t0, t_ids, t_rows;

	CHECK(mapistore_table_open(folder, mem, MAPISTORE_TABLE_CONTENTS, 0, &t));
	CHECK(mapistore_table_set_columns(t, 5, cols));
	CHECK(mapistore_table_sort(t, &sorts));
	if (res)
		CHECK(mapistore_table_restrict(t, res));
	t0 = now();
	CHECK(mapistore_table_position(t, NULL, &total));	/* reads the sorted ids */
	t_ids = now() - t0;
	t0 = now();
	do {
		TALLOC_CTX *batch = talloc_new(mem);
		struct mapi_property_row *rows;

		CHECK(mapistore_table_query_rows(t, batch, 1000, true, false, &n, &rows, NULL));
		rows_read += n;
		talloc_free(batch);
	} while (n > 0);
	t_rows = now() - t0;
	printf("  %-44s %7u rows: ids in %6.1f ms, rows %9.0f rows/s (%.0f incl. the ids)\n", label, rows_read,
	       t_ids * 1e3, rows_read / t_rows, rows_read / (t_rows + t_ids));
	talloc_free(t);
}

int main(int argc, char **argv)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	char tmpl[] = "/tmp/bench-mapistore-XXXXXX";
	const char *dir = argc > 1 ? argv[1] : mkdtemp(tmpl);
	int nmsg = argc > 2 ? atoi(argv[2]) : 100000;
	struct mapistore_mailbox_params params = { .replica_id = 1 };
	struct mapistore_context *ctx;
	struct mapistore_folder *inbox, *big;
	char *uri, *body;
	uint64_t fid;

	if (dir == NULL) {
		perror("mkdtemp");
		return 1;
	}
	for (int i = 0; i < 16; i++) {
		params.replica_guid[i] = (uint8_t)(0x10 + i);
		params.mailbox_guid[i] = (uint8_t)(0xA0 + i);
	}
	uri = talloc_asprintf(mem, "sqlite3://%s/mailbox.db", dir);
	if (getenv("BENCH_MAPISTORE_REUSE") && argc > 1) {
		/* profiling the queries alone: a mailbox an earlier run left in dir */
		uint64_t bfid;

		CHECK(mapistore_open(mem, uri, 0, &ctx, NULL));
		CHECK(mapistore_special_folder_id(ctx, MAPISTORE_INBOX, &fid));
		CHECK(mapistore_folder_open(ctx, mem, fid, &inbox));
		CHECK(mapistore_folder_find_child(inbox, "Big", &bfid));
		CHECK(mapistore_folder_open(ctx, mem, bfid, &big));
		for (int i = 0; i < 5; i++)
			query_rows(big, mem, NULL, "sorted by delivery time desc");
		talloc_free(mem);
		return 0;
	}
	unlink(uri + 10);
	CHECK(mapistore_open(mem, uri, MAPISTORE_OPEN_CREATE, &ctx, NULL));
	CHECK(mapistore_mailbox_create(ctx, &params));
	CHECK(mapistore_special_folder_id(ctx, MAPISTORE_INBOX, &fid));
	CHECK(mapistore_folder_open(ctx, mem, fid, &inbox));
	body = talloc_array(mem, char, BODY_SIZE + 1);
	for (int i = 0; i < BODY_SIZE; i++)
		body[i] = "abcdefghijklmnopqrstuvwxyz .,\n"[i % 30];
	body[BODY_SIZE] = '\0';

	printf("mapistore (sqlite3 %s) in %s\n", sqlite3_libversion(), dir);
	printf("durable saves (WAL, synchronous=FULL, one transaction each; %d alternating rounds of %.1f s):\n",
	       ROUNDS, SAVE_SECONDS / ROUNDS);
	{
		struct bare b;
		double bn = 0, bt = 0, sn = 0, st = 0, nn = 0, nt = 0;

		bare_open(&b, dir);
		bare_run(&b, 0.2, &bn, &bt);	/* warm-up: file growth, first fsyncs */
		save_run(inbox, mem, body, 0.2, &sn, &st);
		bn = bt = sn = st = 0;
		for (int r = 0; r < ROUNDS; r++) {
			bare_run(&b, SAVE_SECONDS / ROUNDS, &bn, &bt);
			save_run(inbox, mem, body, SAVE_SECONDS / ROUNDS, &sn, &st);
			save_run(inbox, mem, NULL, SAVE_SECONDS / ROUNDS / 2, &nn, &nt);
		}
		bare_close(&b);
		printf("  bare sqlite3, a 4 KB row per commit   %8.0f commits/s\n", bn / bt);
		printf("  mapistore, a 4 KB message per save    %8.0f saves/s = %.0f%% of the bare rate (target >= 50%%)\n",
		       sn / st, 100.0 * (sn / st) / (bn / bt));
		printf("  mapistore, the same without the body  %8.0f saves/s\n", nn / nt);
	}

	/* a folder of nmsg messages, imported in one batch */
	{
		struct mapistore_folder *f;
		double t0 = now(), t;

		CHECK(mapistore_folder_create(inbox, mem, "Big", MAPISTORE_FOLDER_GENERIC, 0, 0, NULL, &f, NULL));
		big = f;
		CHECK(mapistore_batch_begin(ctx));
		for (int i = 0; i < nmsg; i++) {
			TALLOC_CTX *tmp = talloc_new(mem);
			struct mapistore_message *msg;

			CHECK(mapistore_message_create(big, tmp, false, &msg));
			fill_message(msg, tmp, i, NULL);
			CHECK(mapistore_message_save(msg, 0));
			talloc_free(tmp);
		}
		CHECK(mapistore_batch_commit(ctx));
		t = now() - t0;
		printf("import of %d messages in one batch: %.1f s (%.0f messages/s)\n", nmsg, t, nmsg / t);
	}
	printf("QueryRows, 5 columns (MID, subject, delivery time, flags, size), batches of 1000:\n");
	query_rows(big, mem, NULL, "sorted by delivery time desc (target 200000)");
	{
		struct mapi_restriction r = { .type = MAPI_RES_PROPERTY };

		r.u.property.relop = MAPI_RELOP_GE;
		r.u.property.tag = TAG_DELIVERY_TIME;
		r.u.property.value.tag = TAG_DELIVERY_TIME;
		r.u.property.value.value.time = 133000000000000000ULL + 500000ULL * 10000000ULL;
		query_rows(big, mem, &r, "+ delivery time >= t (SQL, index)");
	}
	{
		struct mapi_restriction r = { .type = MAPI_RES_CONTENT };

		r.u.content.fuzzy_low = MAPI_FL_SUBSTRING;
		r.u.content.fuzzy_high = MAPI_FL_IGNORECASE;
		r.u.content.tag = TAG_SUBJECT;
		r.u.content.value.tag = TAG_SUBJECT;
		r.u.content.value.value.string = "message 99";
		query_rows(big, mem, &r, "+ subject contains \"message 99\" (SQL)");
	}
	{
		struct mapi_restriction r = { .type = MAPI_RES_EXIST, .u.exist.tag = TAG_SENDER_NAME };
		struct mapi_restriction items[2] = { r, { .type = MAPI_RES_EXIST, .u.exist.tag = 0x0C1F001F } };
		struct mapi_restriction any = { .type = MAPI_RES_OR, .u.and_or = { 2, items } };

		query_rows(big, mem, &any, "+ sender name or address exists (C)");
	}

	/* 3. memory per open mailbox context */
	{
		struct mapistore_context *ctxs[100];
		struct mallinfo2 before, after;
		TALLOC_CTX *holder = talloc_new(NULL);

		before = mallinfo2();
		for (int i = 0; i < 100; i++) {
			struct mapistore_folder *f;

			CHECK(mapistore_open(holder, uri, 0, &ctxs[i], NULL));
			/* a context in use: the statements of a folder open and a special folder id */
			CHECK(mapistore_special_folder_id(ctxs[i], MAPISTORE_INBOX, &fid));
			CHECK(mapistore_folder_open(ctxs[i], ctxs[i], fid, &f));
		}
		after = mallinfo2();
		printf("memory per open mailbox context (100 contexts, one folder open each): %.1f KB heap\n",
		       (double)(after.uordblks - before.uordblks) / 100 / 1024);
		talloc_free(holder);
	}
	talloc_free(mem);
	if (argc <= 1) {
		char cmd[256];

		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
		if (system(cmd) != 0)
			fprintf(stderr, "could not remove %s\n", dir);
	}
	return 0;
}
