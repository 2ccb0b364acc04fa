/*
 * Benchmark of the ROP codec (idl/gen_rops.c through libmapi/rop_buffer.c):
 * parse and serialize throughput, in MB/s and ROPs/s, of whole ROP buffers,
 * next to a memcpy of the same bytes measured in the same run. It prints
 * figures and asserts nothing (DESIGN.md: targets are measured, never timed
 * in tests).
 *
 * The request buffer repeats what a client does to read and change a few
 * messages: OpenFolder, GetContentsTable, SetColumns, QueryRows, OpenMessage,
 * GetPropertiesSpecific, SetProperties, SaveChangesMessage, Release. The
 * response buffer is a QueryRows answer of 100 rows of six columns (subject,
 * size, MID, time, entry ID, flags), the bulk of what a server sends.
 *
 * Copyright (C) OpenChange developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <talloc.h>

#include "libmapi/rop_buffer.h"

#define MIN_SECONDS 0.4

/* A little-endian byte builder: the buffers are written from the layouts. */
struct buf {
	uint8_t data[65536];
	size_t len;
};

static void p8(struct buf *b, uint8_t v)
{
	if (b->len >= sizeof(b->data)) {
		abort();
	}
	b->data[b->len++] = v;
}

static void p16(struct buf *b, uint16_t v)
{
	p8(b, (uint8_t)v);
	p8(b, (uint8_t)(v >> 8));
}

static void p32(struct buf *b, uint32_t v)
{
	p16(b, (uint16_t)v);
	p16(b, (uint16_t)(v >> 16));
}

static void p64(struct buf *b, uint64_t v)
{
	p32(b, (uint32_t)v);
	p32(b, (uint32_t)(v >> 32));
}

static void putf16(struct buf *b, const char *ascii)
{
	while (*ascii != '\0') {
		p16(b, (uint8_t)*ascii++);
	}
	p16(b, 0);
}

static const uint32_t row_columns[] = {
	0x0037001F,	/* PidTagSubject */
	0x0E080003,	/* PidTagMessageSize */
	0x674A0014,	/* PidTagMid */
	0x30080040,	/* PidTagLastModificationTime */
	0x0FFF0102,	/* PidTagEntryId */
	0x0E070003,	/* PidTagMessageFlags */
};
#define NCOLS (sizeof(row_columns) / sizeof(row_columns[0]))

/* One client round of nine ROPs; returns how many were written. */
static unsigned put_round(struct buf *b, unsigned k)
{
	size_t size_at, start;
	unsigned i;

	p8(b, 0x02); p8(b, 0); p8(b, 0); p8(b, 1); p64(b, 0x0001000000000A00ull + k); p8(b, 0);	/* OpenFolder */
	p8(b, 0x05); p8(b, 0); p8(b, 1); p8(b, 2); p8(b, 0x40);					/* GetContentsTable */
	p8(b, 0x12); p8(b, 0); p8(b, 2); p8(b, 0); p16(b, NCOLS);				/* SetColumns */
	for (i = 0; i < NCOLS; i++) {
		p32(b, row_columns[i]);
	}
	p8(b, 0x15); p8(b, 0); p8(b, 2); p8(b, 0); p8(b, 1); p16(b, 50);			/* QueryRows */
	p8(b, 0x03); p8(b, 0); p8(b, 1); p8(b, 3); p16(b, 0x0FFF); p64(b, 0x0001000000000A00ull + k);
	p8(b, 1); p64(b, 0x0001000000100000ull + k);						/* OpenMessage */
	p8(b, 0x07); p8(b, 0); p8(b, 3); p16(b, 0); p16(b, 1); p16(b, NCOLS);			/* GetPropertiesSpecific */
	for (i = 0; i < NCOLS; i++) {
		p32(b, row_columns[i]);
	}
	p8(b, 0x0A); p8(b, 0); p8(b, 3);							/* SetProperties */
	size_at = b->len;
	p16(b, 0);
	start = b->len;
	p16(b, 3);
	p32(b, 0x0037001F); putf16(b, "Re: quarterly budget review");
	p32(b, 0x0E070003); p32(b, 0x00000001);
	p32(b, 0x10000102); p16(b, 16);
	for (i = 0; i < 16; i++) {
		p8(b, (uint8_t)(i * 7 + k));
	}
	b->data[size_at] = (uint8_t)(b->len - start);
	b->data[size_at + 1] = (uint8_t)((b->len - start) >> 8);
	p8(b, 0x0C); p8(b, 0); p8(b, 3); p8(b, 3); p8(b, 0x0C);				/* SaveChangesMessage */
	p8(b, 0x01); p8(b, 0); p8(b, 3);							/* Release */
	return 9;
}

/* RopSize, the ROPs, a handle table of n handles. */
static void finish(struct buf *out, const struct buf *rops, unsigned handles)
{
	unsigned i;

	out->len = 0;
	p16(out, (uint16_t)(rops->len + 2));
	memcpy(out->data + out->len, rops->data, rops->len);
	out->len += rops->len;
	for (i = 0; i < handles; i++) {
		p32(out, 0x100 + i);
	}
}

static unsigned build_request(struct buf *out)
{
	static struct buf rops;
	unsigned n = 0, k = 0;

	rops.len = 0;
	while (rops.len < 8000) {	/* about what Outlook packs into one rgbIn */
		n += put_round(&rops, k++);
	}
	finish(out, &rops, 4);
	return n;
}

static unsigned build_response(struct buf *out)
{
	static struct buf rops;
	unsigned r;

	rops.len = 0;
	p8(&rops, 0x15); p8(&rops, 2); p32(&rops, 0); p8(&rops, 1); p16(&rops, 100);
	for (r = 0; r < 100; r++) {
		char subject[64];
		unsigned i;

		snprintf(subject, sizeof(subject), "Re: project meeting minutes %u", r);
		p8(&rops, 0);	/* standard row */
		putf16(&rops, subject);
		p32(&rops, 2048 + 13 * r);
		p64(&rops, 0x0001000000100000ull + r);
		p64(&rops, 0x01D9A0B0C0D0E0F0ull + 10000000ull * r);
		p16(&rops, 46);
		for (i = 0; i < 46; i++) {
			p8(&rops, (uint8_t)(r + i));
		}
		p32(&rops, 0x00000001);
	}
	finish(out, &rops, 3);
	return 1;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static const struct mapi_tag_array columns = { NCOLS, (uint32_t *)row_columns };

/* Columns for every ROP that has rows; the bench buffers need no other params. */
static enum wire_error bench_params(void *private_data, uint8_t rop_id, uint32_t object,
				    size_t position, struct rop_params *params)
{
	(void)private_data;
	(void)rop_id;
	(void)object;
	(void)position;
	params->logon_private = true;
	params->columns = &columns;
	return WIRE_OK;
}

static const struct rop_context ctx = { bench_params, NULL };

enum op { OP_MEMCPY, OP_PARSE, OP_SERIALIZE };

/* Seconds per round of op over the buffer, repeated for at least MIN_SECONDS. */
static double measure(enum op op, bool request, const struct buf *in)
{
	static uint8_t copy[65536];
	TALLOC_CTX *mem = talloc_new(NULL);
	struct rop_request_buffer req;
	struct rop_response_buffer resp;
	unsigned long rounds = 0;
	double start, elapsed;
	enum wire_error err;

	/* serialize works from one decoded copy */
	err = request ? rop_request_pull(mem, in->data, in->len, &ctx, &req)
		      : rop_response_pull(mem, in->data, in->len, &ctx, &resp);
	if (err != WIRE_OK) {
		fprintf(stderr, "bench_rop: the %s buffer does not decode: %s\n",
			request ? "request" : "response", wire_strerror(err));
		exit(1);
	}
	start = now();
	do {
		TALLOC_CTX *round = op == OP_MEMCPY ? NULL : talloc_new(mem);
		uint8_t *out = NULL;
		size_t out_len = 0;

		if (op == OP_MEMCPY) {
			memcpy(copy, in->data, in->len);
			__asm__ volatile("" : : "r"(copy) : "memory");	/* keep the copy */
		} else if (op == OP_PARSE && request) {
			struct rop_request_buffer r;

			err = rop_request_pull(round, in->data, in->len, &ctx, &r);
		} else if (op == OP_PARSE) {
			struct rop_response_buffer r;

			err = rop_response_pull(round, in->data, in->len, &ctx, &r);
		} else if (request) {
			err = rop_request_push(round, &req, &ctx, &out, &out_len);
		} else {
			err = rop_response_push(round, &resp, &ctx, &out, &out_len);
		}
		if (err != WIRE_OK || (op == OP_SERIALIZE && out_len != in->len)) {
			abort();
		}
		talloc_free(round);
		rounds++;
		elapsed = now() - start;
	} while (elapsed < MIN_SECONDS);
	talloc_free(mem);
	return elapsed / (double)rounds;
}

static void report(const char *name, bool request, const struct buf *b, unsigned rops)
{
	static const char *const label[] = { "memcpy", "parse", "serialize" };
	int op;

	printf("%s buffer: %zu bytes, %u ROPs\n", name, b->len, rops);
	for (op = OP_MEMCPY; op <= OP_SERIALIZE; op++) {
		double t = measure((enum op)op, request, b);

		printf("  %-10s %9.1f MB/s  %12.0f ROPs/s  %8.2f us/buffer\n", label[op],
		       (double)b->len / t / 1e6, (double)rops / t, t * 1e6);
	}
}

int main(void)
{
	static struct buf req, resp;
	unsigned nreq = build_request(&req);
	unsigned nresp = build_response(&resp);

	report("request (mixed)", true, &req, nreq);
	report("response (RopQueryRows, 100 rows x 6 columns)", false, &resp, nresp);
	return 0;
}
