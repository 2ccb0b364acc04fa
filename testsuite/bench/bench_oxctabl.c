/*
 * Benchmark of the table ROPs through the ROP layer: RopQueryRows over a
 * folder of 100,000 messages, sorted and restricted, each call a whole
 * ROP input buffer parsed, dispatched (oxctabl.c over mapistore) and its
 * output buffer built by the codec, as EcDoRpcExt2 would (0x8000 bytes of
 * output per call).  DESIGN.md target: at least 200,000 rows/s.  It prints
 * figures and asserts nothing.
 *
 * Usage: bench_oxctabl [messages]; the mailbox lives in a fresh directory
 * under /tmp, removed afterwards.
 *
 * Copyright (C) OpenChange developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>
#include <talloc.h>

#include "libmapi/rop_buffer.h"
#include "libmapi/wire_le.h"
#include "mapiproxy/emsmdb/objects.h"
#include "mapiproxy/emsmdb/rop_dispatch.h"
#include "mapiproxy/emsmdb/oxctabl.h"
#include "mapistore/mapistore_tags.h"

#define OWNER_DN "/o=Bench/ou=Exchange Administrative Group/cn=Recipients/cn=bench"
#define MAX_OUT 0x8000
#define BASE_TIME 133000000000000000ULL

static char bench_dir[64];

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void die(const char *what, unsigned code)
{
	fprintf(stderr, "bench_oxctabl: %s failed: 0x%08x\n", what, code);
	exit(1);
}

#define CHECK(call) do { enum MAPISTATUS r_ = (call); if (r_ != MAPI_E_SUCCESS) die(#call, r_); } while (0)

static enum MAPISTATUS lookup(void *private_data, TALLOC_CTX *mem_ctx, const char *essdn,
			      struct emsmdb_mailbox_info *out)
{
	(void)private_data;
	memset(out, 0, sizeof(*out));
	if (strcasecmp(essdn, OWNER_DN) != 0) {
		return MAPI_E_NOT_FOUND;
	}
	out->owner_sid = "S-1-5-21-7-7-7-1000";
	out->legacy_dn = essdn;
	out->enabled = true;
	out->uri = talloc_asprintf(mem_ctx, "sqlite3://%s/mailbox.db", bench_dir);
	out->replica_id = 1;
	for (int i = 0; i < 16; i++) {
		out->mailbox_guid[i] = (uint8_t)(0x30 + i);
		out->replica_guid[i] = (uint8_t)(0x50 + i);
	}
	return MAPI_E_SUCCESS;
}

/*
 * One ROP request with its object at handle index 0 and an output slot at
 * 1, through the dispatcher; the decoded response, and the new handle.
 */
static struct rop_response run(TALLOC_CTX *mem, struct emsmdb_session *session,
			       struct rop_request *r, uint32_t in, uint32_t *out_handle)
{
	uint32_t handles[2] = { in, EMSMDB_HANDLE_NONE };
	struct rop_request_buffer buffer = { .list = { .count = 1, .rops = r },
					     .handle_count = 2, .handles = handles };
	struct rop_context rctx = { 0 };
	struct rop_response_buffer decoded;
	struct emsmdb_rop_result result;
	uint8_t *buf = NULL;
	size_t len = 0;

	if (rop_request_push(mem, &buffer, &rctx, &buf, &len) != WIRE_OK) {
		die("rop_request_push", r->rop_id);
	}
	CHECK(emsmdb_rop_process(mem, session, buf, len, MAX_OUT, &result));
	if (rop_response_pull(mem, result.data, result.len, &rctx, &decoded) != WIRE_OK ||
	    decoded.list.count != 1) {
		die("rop_response_pull", r->rop_id);
	}
	if (out_handle != NULL) {
		*out_handle = decoded.handles[decoded.handle_count - 1];
	}
	return decoded.list.rops[0];
}

/* The raw return value of a response (every response form starts the same). */
static uint32_t value_of(TALLOC_CTX *mem, struct emsmdb_session *session, struct rop_request *r,
			 uint32_t in)
{
	uint32_t handles[1] = { in };
	struct rop_request_buffer buffer = { .list = { .count = 1, .rops = r },
					     .handle_count = 1, .handles = handles };
	struct rop_context rctx = { 0 };
	struct emsmdb_rop_result result;
	uint8_t *buf = NULL;
	size_t len = 0;

	if (rop_request_push(mem, &buffer, &rctx, &buf, &len) != WIRE_OK) {
		die("rop_request_push", r->rop_id);
	}
	CHECK(emsmdb_rop_process(mem, session, buf, len, MAX_OUT, &result));
	return wire_load_le32(result.data + 4);
}

static void fill(struct mapistore_folder *folder, int nmsg)
{
	double t0 = now(), t;

	for (int i = 0; i < nmsg; i++) {
		TALLOC_CTX *tmp = talloc_new(NULL);
		struct mapistore_message *msg;
		struct mapi_propval pv[4];
		char subject[64];

		snprintf(subject, sizeof(subject), "Benchmark message %d", i);
		pv[0].tag = TAG_SUBJECT;
		pv[0].value.string = subject;
		pv[1].tag = TAG_DELIVERY_TIME;
		pv[1].value.time = BASE_TIME + (uint64_t)((i * 7919ULL) % (uint64_t)nmsg) * 10000000ULL;
		pv[2].tag = TAG_IMPORTANCE;
		pv[2].value.i32 = (uint32_t)(i % 3);
		pv[3].tag = TAG_MESSAGE_CLASS;
		pv[3].value.string = "IPM.Note";
		CHECK(mapistore_message_create(folder, tmp, false, &msg));
		CHECK(mapistore_message_set_props(msg, 4, pv, tmp, NULL));
		CHECK(mapistore_message_save(msg, 0));
		talloc_free(tmp);
	}
	t = now() - t0;
	printf("import of %d messages in one batch: %.1f s\n", nmsg, t);
}

static uint32_t bench_cols[5] = { TAG_MID, TAG_SUBJECT, TAG_DELIVERY_TIME, TAG_MESSAGE_FLAGS,
				  TAG_MESSAGE_SIZE };

/*
 * The same rows read from mapistore alone, in batches of the size one
 * RopQueryRows returns: what the ROP layer adds is the difference.
 */
static double mapistore_rate(struct mapistore_folder *folder, const struct mapi_restriction *res,
			     uint32_t batch)
{
	struct mapi_sort_order_entry key = { TAG_DELIVERY_TIME, MAPI_SORT_DESCEND };
	struct mapi_sort_order_set sorts = { .count = 1, .sorts = &key };
	TALLOC_CTX *mem = talloc_new(NULL);
	struct mapistore_table *t;
	uint32_t n, total = 0, position;
	double t0;

	CHECK(mapistore_table_open(folder, mem, MAPISTORE_TABLE_CONTENTS, 0, &t));
	CHECK(mapistore_table_set_columns(t, 5, bench_cols));
	CHECK(mapistore_table_sort(t, &sorts));
	if (res != NULL) {
		CHECK(mapistore_table_restrict(t, res));
	}
	CHECK(mapistore_table_position(t, &position, &n));	/* the ids, as the first call reads them */
	t0 = now();
	do {
		TALLOC_CTX *call = talloc_new(mem);
		struct mapi_property_row *rows;

		CHECK(mapistore_table_query_rows(t, call, batch, true, false, &n, &rows, NULL));
		total += n;
		talloc_free(call);
	} while (n > 0);
	t0 = now() - t0;
	talloc_free(mem);
	return total / t0;
}

/*
 * RopQueryRows (the prebuilt ROP input buffer BUF) until no rows come:
 * the seconds it took; *rows, *calls, and *first the seconds of the first
 * call.
 */
static double read_to_end(TALLOC_CTX *mem, struct emsmdb_session *session, const uint8_t *buf,
			  size_t len, uint64_t *rows, uint64_t *calls, double *first)
{
	double t0 = now();

	*rows = *calls = 0;
	for (;;) {
		TALLOC_CTX *call = talloc_new(mem);
		struct emsmdb_rop_result result;
		uint16_t n;

		CHECK(emsmdb_rop_process(call, session, buf, len, MAX_OUT, &result));
		if (wire_load_le32(result.data + 4) != MAPI_E_SUCCESS) {
			die("RopQueryRows", wire_load_le32(result.data + 4));
		}
		n = wire_load_le16(result.data + 2 + 6 + 1);
		talloc_free(call);
		if ((*calls)++ == 0) {
			*first = now() - t0;
		}
		if (n == 0) {
			break;
		}
		*rows += n;
	}
	return now() - t0;
}

/*
 * A contents table of FOLDER with 5 columns, sorted by delivery time
 * descending, restricted by RES (may be NULL), read to the end with
 * RopQueryRows calls of the same prebuilt ROP input buffer.
 */
static void query_all(TALLOC_CTX *mem, struct emsmdb_session *session, uint32_t folder,
		      struct mapistore_folder *store_folder, struct mapi_restriction *res,
		      const char *label)
{
	struct rop_sort_order key = { .property_type = TAG_DELIVERY_TIME & 0xFFFF,
				      .property_id = TAG_DELIVERY_TIME >> 16, .order = MAPI_SORT_DESCEND };
	struct rop_request r = { .rop_id = RopGetContentsTable };
	struct rop_response response;
	uint32_t table, handles[1];
	struct rop_request_buffer buffer = { .list = { .count = 1, .rops = &r },
					     .handle_count = 1, .handles = handles };
	struct rop_context rctx = { 0 };
	uint8_t *buf = NULL;
	size_t len = 0;
	uint64_t rows = 0, calls = 0, rows_again = 0, calls_again = 0;
	double first = 0, first_again = 0, total, again;

	r.u.get_contents_table.output_handle_index = 1;
	response = run(mem, session, &r, folder, &table);
	if (response.u.get_contents_table.return_value != MAPI_E_SUCCESS) {
		die("RopGetContentsTable", response.u.get_contents_table.return_value);
	}
	memset(&r, 0, sizeof(r));
	r.rop_id = RopSetColumns;
	r.u.set_columns.property_tag_count = 5;
	r.u.set_columns.property_tags = bench_cols;
	CHECK(value_of(mem, session, &r, table));
	memset(&r, 0, sizeof(r));
	r.rop_id = RopSortTable;
	r.u.sort_table.sort_order_count = 1;
	r.u.sort_table.sort_orders = &key;
	CHECK(value_of(mem, session, &r, table));
	if (res != NULL) {
		memset(&r, 0, sizeof(r));
		r.rop_id = RopRestrict;
		r.u.restrict_.restriction_data = res;
		CHECK(value_of(mem, session, &r, table));
	}

	memset(&r, 0, sizeof(r));
	r.rop_id = RopQueryRows;
	r.u.query_rows.forward_read = 1;
	r.u.query_rows.row_count = 0xFFFF;
	handles[0] = table;
	if (rop_request_push(mem, &buffer, &rctx, &buf, &len) != WIRE_OK) {
		die("rop_request_push", RopQueryRows);
	}
	total = read_to_end(mem, session, buf, len, &rows, &calls, &first);
	/* the same rows again from the beginning: the table's ids are read already */
	memset(&r, 0, sizeof(r));
	r.rop_id = RopSeekRow;
	r.u.seek_row.origin = EMSMDB_BOOKMARK_BEGINNING;
	CHECK(value_of(mem, session, &r, table));
	again = read_to_end(mem, session, buf, len, &rows_again, &calls_again, &first_again);
	printf("  %s: %llu rows in %llu calls (%.0f rows/call)\n"
	       "    %9.0f rows/s (%9.0f after the first call, which sorts in %.1f ms), %9.0f rows/s again;"
	       " mapistore alone %9.0f rows/s\n", label, (unsigned long long)rows,
	       (unsigned long long)calls, calls > 1 ? (double)rows / (calls - 1) : 0.0,
	       rows / total, rows / (total - first), first * 1e3, rows_again / again,
	       mapistore_rate(store_folder, res, calls > 1 ? (uint32_t)(rows / (calls - 1)) : 1000));
}

int main(int argc, char **argv)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	int nmsg = argc > 1 ? atoi(argv[1]) : 100000;
	struct emsmdb_session *session;
	struct rop_request r;
	struct rop_response response;
	struct emsmdb_folder *inbox;
	struct emsmdb_logon *logon;
	uint32_t logon_handle, folder;
	char command[128];

	snprintf(bench_dir, sizeof(bench_dir), "/tmp/bench-oxctabl-XXXXXX");
	if (mkdtemp(bench_dir) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	session = emsmdb_session_new(mem, NULL);
	if (session == NULL) {
		die("emsmdb_session_new", 0);
	}
	session->user_sid = "S-1-5-21-7-7-7-1000";
	session->display_name = "Bench";
	session->code_page = 1252;
	session->mailbox_lookup = lookup;

	memset(&r, 0, sizeof(r));
	r.rop_id = RopLogon;
	r.u.logon.logon_flags = 0x01;			/* Private */
	r.u.logon.open_flags = 0x01000000;		/* USE_PER_MDB_REPLID_MAPPING */
	r.u.logon.essdn_size = (uint16_t)(strlen(OWNER_DN) + 1);
	r.u.logon.essdn = (uint8_t *)talloc_strdup(mem, OWNER_DN);
	{
		uint32_t handles[1] = { EMSMDB_HANDLE_NONE };
		struct rop_request_buffer buffer = { .list = { .count = 1, .rops = &r },
						     .handle_count = 1, .handles = handles };
		struct rop_context rctx = { 0 };
		struct emsmdb_rop_result result;
		uint8_t *buf = NULL;
		size_t len = 0;

		/* RopLogon's response form depends on the Private flag: read it raw */
		if (rop_request_push(mem, &buffer, &rctx, &buf, &len) != WIRE_OK) {
			die("rop_request_push", RopLogon);
		}
		CHECK(emsmdb_rop_process(mem, session, buf, len, MAX_OUT, &result));
		if (wire_load_le32(result.data + 4) != MAPI_E_SUCCESS) {
			die("RopLogon", wire_load_le32(result.data + 4));
		}
		logon_handle = wire_load_le32(result.data + result.len - 4);
	}
	logon = emsmdb_object_logon(emsmdb_object_lookup(session, logon_handle));

	memset(&r, 0, sizeof(r));
	r.rop_id = RopOpenFolder;
	r.u.open_folder.folder_id = logon->folder_ids[MAPISTORE_INBOX];
	r.u.open_folder.output_handle_index = 1;
	response = run(mem, session, &r, logon_handle, &folder);
	CHECK(response.u.open_folder.return_value);
	inbox = emsmdb_folder_of(emsmdb_object_lookup(session, folder));

	CHECK(mapistore_batch_begin(logon->store));
	fill(inbox->folder, nmsg);
	CHECK(mapistore_batch_commit(logon->store));

	printf("RopQueryRows through the ROP layer (dispatcher + codec), 5 columns\n"
	       "(MID, subject, delivery time, flags, size), output buffers of %d bytes; target 200000 rows/s:\n",
	       MAX_OUT);
	query_all(mem, session, folder, inbox->folder, NULL, "sorted by delivery time desc");
	{
		struct mapi_restriction res = { .type = MAPI_RES_PROPERTY };

		res.u.property.relop = MAPI_RELOP_GE;
		res.u.property.tag = TAG_DELIVERY_TIME;
		res.u.property.value.tag = TAG_DELIVERY_TIME;
		res.u.property.value.value.time = BASE_TIME + (uint64_t)(nmsg / 2) * 10000000ULL;
		query_all(mem, session, folder, inbox->folder, &res, "+ delivery time >= the middle (index)");
	}
	{
		struct mapi_restriction res = { .type = MAPI_RES_PROPERTY };

		res.u.property.relop = MAPI_RELOP_NE;
		res.u.property.tag = TAG_IMPORTANCE;
		res.u.property.value.tag = TAG_IMPORTANCE;
		res.u.property.value.value.i32 = 0;
		query_all(mem, session, folder, inbox->folder, &res, "+ importance != 0");
	}

	talloc_free(mem);	/* the session and its mailbox before the files go */
	snprintf(command, sizeof(command), "rm -rf '%s'", bench_dir);
	if (system(command) != 0) {
		fprintf(stderr, "bench_oxctabl: could not remove %s\n", bench_dir);
	}
	return 0;
}
