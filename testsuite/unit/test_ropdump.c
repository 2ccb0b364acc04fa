/*
 * Tests of utils/ropdump, run as a user runs it: hex in, text or JSON out,
 * exit status. The buffers are written here byte by byte from the layouts of
 * MS-OXCROPS and MS-OXCTABL; the extended buffer is built with rpc_ext's
 * encoder (LZ77 and XorMagic), so ropdump's decode path is the real one.
 * The generated printers are also run over every generated sample of every
 * ROP and form, in both styles, and the JSON must parse.
 *
 * Copyright (C) OpenChange developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <talloc.h>

#include "idl/gen_rop_print.h"
#include "idl/gen_rop_samples.h"
#include "libmapi/rpc_ext.h"
#include "testsuite/unit/byte_builder.h"

/* Set by utils/utils.am. */
#ifndef ROPDUMP
#error ROPDUMP must name the built utils/ropdump
#endif
#ifndef OC_PYTHON3
#error OC_PYTHON3 must name the interpreter the build uses
#endif

struct run {
	int status;
	char out[262144];
	char err[4096];
};

static void slurp(const char *path, char *dst, size_t size)
{
	FILE *f = fopen(path, "r");
	size_t n;

	assert_non_null(f);
	n = fread(dst, 1, size - 1, f);
	dst[n] = '\0';
	fclose(f);
}

/* Runs ropdump with args (shell words) and input on stdin; removes its files. */
static void run_ropdump(const char *args, const char *input, struct run *run)
{
	char dir[] = "/tmp/test_ropdump.XXXXXX";
	char in[PATH_MAX], out[PATH_MAX], err[PATH_MAX], cmd[4 * PATH_MAX + 1024];
	FILE *f;
	int rc;

	assert_non_null(mkdtemp(dir));
	snprintf(in, sizeof(in), "%s/in", dir);
	snprintf(out, sizeof(out), "%s/out", dir);
	snprintf(err, sizeof(err), "%s/err", dir);
	f = fopen(in, "w");
	assert_non_null(f);
	fputs(input, f);
	fclose(f);
	snprintf(cmd, sizeof(cmd), "%s %s <%s >%s 2>%s", ROPDUMP, args, in, out, err);
	rc = system(cmd);
	run->status = WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
	slurp(out, run->out, sizeof(run->out));
	slurp(err, run->err, sizeof(run->err));
	unlink(in);
	unlink(out);
	unlink(err);
	assert_int_equal(rmdir(dir), 0);
}

/* Whether text is valid JSON, by the build's own Python. */
static bool json_parses(const char *text)
{
	char cmd[256];
	FILE *p;

	snprintf(cmd, sizeof(cmd), "%s -c 'import json,sys; json.load(sys.stdin)'", OC_PYTHON3);
	p = popen(cmd, "w");
	assert_non_null(p);
	fputs(text, p);
	return pclose(p) == 0;
}

static void assert_has(const char *haystack, const char *needle)
{
	if (strstr(haystack, needle) == NULL) {
		fail_msg("expected \"%s\" in:\n%s", needle, haystack);
	}
}

static void to_hex(const uint8_t *b, size_t n, char *out, size_t size)
{
	size_t i;

	assert_true(2 * n < size);
	for (i = 0; i < n; i++) {
		snprintf(out + 2 * i, 3, "%02x", b[i]);
	}
	out[2 * n] = '\0';
}

/* RopRelease (MS-OXCROPS 2.2.15.3; the section 4 example's layout): one ROP, one handle. */
static const char release_hex[] = "05 00 01 00 00\n28 00 00 00\n";

/* MS-OXCTABL 4.x: RopSetColumns (PidTagSubject, PidTagMessageSize) then RopQueryRows of 0x32 rows. */
static const char query_rows_req[] =
	"0x17 0x00 12 00 00 00 02 00 1F 00 37 00 03 00 08 0E 15 00 00 00 01 32 00 "
	"12 00 00 00 01 00 00 00";

static void release_text(void **state)
{
	static struct run run;

	(void)state;
	run_ropdump("--request", release_hex, &run);
	assert_int_equal(run.status, 0);
	assert_has(run.out, "Direction: \"request\"");
	assert_has(run.out, "RopSize: 5");
	assert_has(run.out, "RopId: 0x01 RopRelease");
	assert_has(run.out, "LogonId: 0");
	assert_has(run.out, "InputHandleIndex: 0");
	assert_has(run.out, "Handles:\n  [0]: 40 (0x00000028)");
}

static void release_json(void **state)
{
	static struct run run;

	(void)state;
	/* the same buffer as an argument, with ':' separators */
	run_ropdump("--request --json 05:00:01:00:00:28:00:00:00", "", &run);
	assert_int_equal(run.status, 0);
	assert_true(json_parses(run.out));
	assert_has(run.out, "\"RopId\": {");
	assert_has(run.out, "\"name\": \"RopRelease\"");
	assert_has(run.out, "\"InputHandleIndex\": 0");
	assert_has(run.out, "\"Handles\": [\n    40\n  ]");
}

static void query_rows_request(void **state)
{
	static struct run run;

	(void)state;
	run_ropdump("--request", query_rows_req, &run);
	assert_int_equal(run.status, 0);
	assert_has(run.out, "RopId: 0x12 RopSetColumns");
	assert_has(run.out, "0x0037001F PidTagSubject");
	assert_has(run.out, "0x0E080003 PidTagMessageSize");
	assert_has(run.out, "RopId: 0x15 RopQueryRows");
	assert_has(run.out, "ForwardRead: 1");
	assert_has(run.out, "RowCount: 50");
	assert_has(run.out, "Offset: 16");
	run_ropdump("--request --json", query_rows_req, &run);
	assert_int_equal(run.status, 0);
	assert_true(json_parses(run.out));
	assert_has(run.out, "\"name\": \"PidTagSubject\"");
	assert_has(run.out, "\"RowCount\": 50");
}

/* RopQueryRows response: one standard row ("Hi", 1234); columns by option or by the request. */
static const char query_rows_resp[] =
	"16 00 15 00 00 00 00 00 02 01 00 00 48 00 69 00 00 00 D2 04 00 00 01 00 00 00";

static void query_rows_response(void **state)
{
	static struct run run;
	char args[512];

	(void)state;
	run_ropdump("--response --columns 0x0037001F,0x0E080003", query_rows_resp, &run);
	assert_int_equal(run.status, 0);
	assert_has(run.out, "RopId: 0x15 RopQueryRows");
	assert_has(run.out, "ReturnValue: 0x00000000 Success");
	assert_has(run.out, "Value: \"Hi\"");
	assert_has(run.out, "Value: 1234");
	snprintf(args, sizeof(args), "--response --json --request-hex '%s'", query_rows_req);
	run_ropdump(args, query_rows_resp, &run);
	assert_int_equal(run.status, 0);
	assert_true(json_parses(run.out));
	assert_has(run.out, "\"Value\": \"Hi\"");
	/* without columns the rows cannot be read: said, with the offset */
	run_ropdump("--response", query_rows_resp, &run);
	assert_int_equal(run.status, 1);
	assert_has(run.out, "without columns");
	assert_has(run.err, "at offset 2");
}

/*
 * The specs' section 4 byte examples (test_spec_examples.c decodes them with
 * the codec): ropdump must print their named fields. The single-ROP examples
 * are given a RopSize (MS-OXCROPS 2.2.1) and no handles to make a buffer.
 */
static void spec_examples(void **state)
{
	static struct run run;

	(void)state;
	/* MS-OXCROPS 4.4: two RopRelease, handles 0x6F and 0x6E */
	run_ropdump("--request --json", "08 00 01 00 00 01 00 01 6F 00 00 00 6E 00 00 00", &run);
	assert_int_equal(run.status, 0);
	assert_true(json_parses(run.out));
	assert_has(run.out, "\"name\": \"RopRelease\"");
	assert_has(run.out, "\"InputHandleIndex\": 1");
	assert_has(run.out, "\"Handles\": [\n    111,\n    110\n  ]");

	/* MS-OXCTABL 4.5.3.1: RopQueryRows, Advance, forward, 50 rows */
	run_ropdump("--request --json", "09 00 15 00 00 00 01 32 00", &run);
	assert_int_equal(run.status, 0);
	assert_true(json_parses(run.out));
	assert_has(run.out, "\"name\": \"RopQueryRows\"");
	assert_has(run.out, "\"QueryRowsFlags\": 0,");
	assert_has(run.out, "\"ForwardRead\": 1,");
	assert_has(run.out, "\"RowCount\": 50");

	/* MS-OXCTABL 4.3.2: RopSortTable succeeded, TBLSTAT_COMPLETE */
	run_ropdump("--response --json", "09 00 13 01 00 00 00 00 00", &run);
	assert_int_equal(run.status, 0);
	assert_true(json_parses(run.out));
	assert_has(run.out, "\"name\": \"RopSortTable\"");
	assert_has(run.out, "\"InputHandleIndex\": 1");
	assert_has(run.out, "\"name\": \"Success\"");
	assert_has(run.out, "\"TableStatus\": 0");

	/* MS-OXORULE 4.2.2: the RopGetRulesTable and RopSetColumns responses, in one buffer */
	run_ropdump("--response --json", "0F 00 3F 01 00 00 00 00 12 01 00 00 00 00 00", &run);
	assert_int_equal(run.status, 0);
	assert_true(json_parses(run.out));
	assert_has(run.out, "\"name\": \"RopGetRulesTable\"");
	assert_has(run.out, "\"OutputHandleIndex\": 1");
	assert_has(run.out, "\"name\": \"RopSetColumns\"");

	/* MS-OXCPRPT 4, Setting Properties: RopSetProperties of two subjects */
	run_ropdump("--request --json",
		    "2B 00 0A 00 00 24 00 02 00 1F 00 3D 00 00 00 1F 00 1D 0E 48 00 65 00 6C 00 6C 00 "
		    "6F 00 20 00 57 00 6F 00 72 00 6C 00 64 00 00 00", &run);
	assert_int_equal(run.status, 0);
	assert_true(json_parses(run.out));
	assert_has(run.out, "\"name\": \"RopSetProperties\"");
	assert_has(run.out, "\"PropertyValueSize\": 36,");
	assert_has(run.out, "\"PropertyValueCount\": 2,");
	assert_has(run.out, "\"name\": \"PidTagSubjectPrefix\"");
	assert_has(run.out, "\"name\": \"PidTagNormalizedSubject\"");
	assert_has(run.out, "\"Value\": \"Hello World\"");
}

/*
 * RopNotify (MS-OXCROPS 2.2.14.2, MS-OXCNOTIF 2.2.1.4.1.2): a NewMail on a
 * message (M), then a TableRowAdded in a hierarchy table whose row follows
 * --columns.
 */
static const char notify_resp[] =
	"4B 00"
	" 2A 10 00 00 00 00 02 80 01 00 00 00 00 00 00 01 11 00 00 00 00 00 00 01"
	" 00 00 00 00 00 49 50 4D 2E 4E 6F 74 65 00"
	" 2A 07 00 00 00 00 00 01 03 00 01 00 00 00 00 00 00 01 02 00 00 00 00 00 00 01"
	" 07 00 00 48 00 69 00 00 00";

static void notify(void **state)
{
	static struct run run;

	(void)state;
	run_ropdump("--response --json --columns 0x3001001F", notify_resp, &run);
	assert_int_equal(run.status, 0);
	assert_true(json_parses(run.out));
	assert_has(run.out, "\"name\": \"RopNotify\"");
	assert_has(run.out, "\"NotificationHandle\": 16,");
	assert_has(run.out, "\"NotificationFlags\": 32770,");
	assert_has(run.out, "\"MessageClass\": \"IPM.Note\"");
	assert_has(run.out, "\"TableEventType\": 3,");
	assert_has(run.out, "\"InsertAfterTableRowFolderID\": 72057594037927938,");
	assert_has(run.out, "\"name\": \"PidTagDisplayName\"");
	assert_has(run.out, "\"Value\": \"Hi\"");
	/* the table row cannot be read without the table's columns */
	run_ropdump("--response", notify_resp, &run);
	assert_int_equal(run.status, 1);
	assert_has(run.out, "without columns");
}

/*
 * A RopLogon response is read in the form its LogonFlags give (the Private
 * bit, echoed from the request: MS-OXCSTOR 2.2.1.1.3) unless an option says.
 */
static void logon_form_from_flags(void **state)
{
	static struct run run;
	static struct bytes b;
	char hex[1024];
	int i;

	(void)state;
	b.len = 0;
	put16(&b, 2 + 6 + 1 + 13 * 8 + 2 + 16 + 16);
	put8(&b, 0xFE);			/* RopLogon, OutputHandleIndex 0, success */
	put8(&b, 0x00);
	put32(&b, 0);
	put8(&b, 0x00);			/* LogonFlags: public folders */
	for (i = 0; i < 13; i++) {
		put64(&b, 0x0100000000000000ULL + (uint64_t)i);
	}
	put16(&b, 0x0001);		/* ReplId */
	for (i = 0; i < 32; i++) {	/* ReplGuid, PerUserGuid */
		put8(&b, (uint8_t)i);
	}
	to_hex(b.buf, b.len, hex, sizeof(hex));
	run_ropdump("--response", hex, &run);
	assert_int_equal(run.status, 0);
	assert_has(run.out, "PerUserGuid");
	/* told it was a private logon, the bytes do not fit that form */
	run_ropdump("--response --logon-private", hex, &run);
	assert_int_equal(run.status, 1);
}

/* RopOpenFolder failing with NotFound, then RopBufferTooSmall holding the unprocessed request. */
static const char error_resp[] = "12 00 02 01 0F 01 04 80 FF 00 01 15 00 00 00 01 32 00";

static void error_and_too_small(void **state)
{
	static struct run run;

	(void)state;
	run_ropdump("--response", error_resp, &run);
	assert_int_equal(run.status, 0);
	assert_has(run.out, "RopId: 0x02 RopOpenFolder");
	assert_has(run.out, "ReturnValue: 0x8004010F MAPI_E_NOT_FOUND");
	assert_has(run.out, "RopId: 0xFF RopBufferTooSmall");
	assert_has(run.out, "SizeNeeded: 256");
	assert_has(run.out, "RequestBuffers: [7 bytes] 15000000013200");
	run_ropdump("--response --json", error_resp, &run);
	assert_int_equal(run.status, 0);
	assert_true(json_parses(run.out));
	assert_has(run.out, "\"name\": \"MAPI_E_NOT_FOUND\"");
	assert_has(run.out, "\"RequestBuffers\": \"15000000013200\"");
}

/* An rgbIn: the QueryRows request many times over, LZ77-compressed and XORed. */
static void extended(void **state)
{
	static struct run run;
	static char hex[65536];
	static struct bytes b;
	TALLOC_CTX *mem = talloc_new(NULL);
	uint8_t *ext = NULL;
	size_t ext_len = 0, i;

	(void)state;
	b.len = 0;
	put16(&b, 0);	/* RopSize, patched below */
	for (i = 0; i < 40; i++) {
		static const uint8_t qr[] = { 0x15, 0x00, 0x00, 0x00, 0x01, 0x32, 0x00 };

		memcpy(b.buf + b.len, qr, sizeof(qr));
		b.len += sizeof(qr);
	}
	b.buf[0] = (uint8_t)b.len;
	b.buf[1] = (uint8_t)(b.len >> 8);
	put32(&b, 0x12345678);
	assert_int_equal(rpc_ext_encode(mem, b.buf, b.len, RPC_EXT_COMPRESS | RPC_EXT_XOR, 0, &ext, &ext_len),
			 WIRE_OK);
	assert_true(ext_len < b.len);	/* it did compress */
	to_hex(ext, ext_len, hex, sizeof(hex));
	talloc_free(mem);

	run_ropdump("--request", hex, &run);	/* detected */
	assert_int_equal(run.status, 0);
	assert_has(run.out, "Extended: true");
	assert_has(run.out, "Flags: 7 (0x0007)");
	assert_has(run.out, "  [39]:\n");
	assert_has(run.out, "RowCount: 50");
	assert_has(run.out, "[0]: 305419896 (0x12345678)");
	run_ropdump("--request --ext --json", hex, &run);
	assert_int_equal(run.status, 0);
	assert_true(json_parses(run.out));
	assert_has(run.out, "\"Extended\": true");
	assert_has(run.out, "\"SizeActual\": 286");
	/* forced off, the same bytes are no ROP buffer */
	run_ropdump("--request --no-ext", hex, &run);
	assert_int_equal(run.status, 1);
}

static void bad_inputs(void **state)
{
	static struct run run;

	(void)state;
	run_ropdump("--request", "05 00 01 00 0", &run);
	assert_int_equal(run.status, 2);
	assert_has(run.err, "odd number of hex digits");
	run_ropdump("--request", "05 00 zz", &run);
	assert_int_equal(run.status, 2);
	assert_has(run.err, "not a hex digit");
	run_ropdump("--request", " \n", &run);
	assert_int_equal(run.status, 2);
	assert_has(run.err, "empty input");
	run_ropdump("", "05 00 01 00 00", &run);
	assert_int_equal(run.status, 2);
	/* RopSize says 5, 4 bytes given */
	run_ropdump("--request", "05 00 01 00", &run);
	assert_int_equal(run.status, 1);
	assert_has(run.err, "offset 0");
	/* RopSetColumns announcing 5 tags and giving none: truncated at offset 2 */
	run_ropdump("--request", "08 00 12 00 00 00 05 00", &run);
	assert_int_equal(run.status, 1);
	assert_has(run.err, "RopSetColumns (0x12) at offset 2");
	assert_has(run.out, "RemainingBytes: [6 bytes] 120000000500");
	run_ropdump("--request --json", "08 00 12 00 00 00 05 00", &run);
	assert_int_equal(run.status, 1);
	assert_true(json_parses(run.out));
}

/* Every sample of idl/gen_rop_samples.h, printed as one JSON array; Python must accept it. */
static void all_samples_json(void **state)
{
	struct mapi_tag_array cols = { 2, (uint32_t *)rop_sample_columns };
	char cmd[256];
	FILE *out;
	size_t i, printed = 0;
	int style;

	(void)state;
	snprintf(cmd, sizeof(cmd), "%s -c 'import json,sys; print(len(json.load(sys.stdin)))' >/dev/null",
		 OC_PYTHON3);
	for (style = ROP_PRINT_TEXT; style <= ROP_PRINT_JSON; style++) {
		struct rop_print p;

		out = style == ROP_PRINT_JSON ? popen(cmd, "w") : fopen("/dev/null", "w");
		assert_non_null(out);
		rop_print_init(&p, out, (enum rop_print_style)style);
		rop_print_open(&p, NULL, true);
		for (i = 0; i < sizeof(rop_samples) / sizeof(rop_samples[0]); i++) {
			const struct rop_sample *s = &rop_samples[i];
			struct rop_params params = { s->logon_private, &cols };
			struct oxcdata_pull pull;
			TALLOC_CTX *mem = talloc_new(NULL);
			enum wire_error err;

			oxcdata_pull_init(&pull, s->bytes, s->len);
			if (s->request) {
				struct rop_request r;

				memset(&r, 0, sizeof(r));
				err = rop_request_pull_one(&pull, mem, &r, &params);
				if (err == WIRE_OK) {
					rop_request_print(&p, NULL, &r, &params);
				}
			} else {
				struct rop_response r;

				memset(&r, 0, sizeof(r));
				err = rop_response_pull_one(&pull, mem, &r, &params);
				if (err == WIRE_OK) {
					rop_response_print(&p, NULL, &r, &params);
				}
			}
			assert_int_equal(err, WIRE_OK);
			printed++;
			talloc_free(mem);
		}
		rop_print_close(&p, true);
		if (style == ROP_PRINT_JSON) {
			assert_int_equal(pclose(out), 0);
		} else {
			fclose(out);
		}
	}
	assert_int_equal(printed, 2 * (sizeof(rop_samples) / sizeof(rop_samples[0])));
}

static void help(void **state)
{
	static struct run run;

	(void)state;
	run_ropdump("--help", "", &run);
	assert_int_equal(run.status, 0);
	assert_has(run.out, "usage: ropdump --request|--response");
	assert_has(run.out, "example");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(release_text),
		cmocka_unit_test(release_json),
		cmocka_unit_test(query_rows_request),
		cmocka_unit_test(query_rows_response),
		cmocka_unit_test(spec_examples),
		cmocka_unit_test(notify),
		cmocka_unit_test(logon_form_from_flags),
		cmocka_unit_test(error_and_too_small),
		cmocka_unit_test(extended),
		cmocka_unit_test(bad_inputs),
		cmocka_unit_test(all_samples_json),
		cmocka_unit_test(help),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
