/*
 * ropdump: decode a ROP request or response buffer (MS-OXCROPS 2.2.1) given
 * as hex or raw bytes and print every ROP with named fields, then the handle
 * table, as indented text or JSON. Optionally the buffer is a whole
 * rgbIn/rgbOut of extended buffers (MS-OXCRPC 2.2.2.1) first.
 *
 * The ROPs are pulled one at a time (not with rop_requests_pull) so that a
 * failure can name its offset and everything decoded before it is still
 * shown.
 *
 * Copyright (C) OpenChange developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <talloc.h>

#include "idl/gen_rop_print.h"
#include "libmapi/rop_buffer.h"
#include "libmapi/rpc_ext.h"

#define EXIT_DECODE 1	/* the buffer could not be decoded (all of it) */
#define EXIT_USAGE 2	/* bad options or input */

static const char usage_text[] =
"usage: ropdump --request|--response [options] [HEX]\n"
"\n"
"Decode a ROP input (--request) or output (--response) buffer: RopSize, every\n"
"ROP with its fields by name, then the server object handle table.\n"
"\n"
"  HEX                 the buffer as hex; without it, hex is read from stdin.\n"
"                      Whitespace, 0x prefixes and ':' '-' ',' separators are ignored.\n"
"  --binary FILE       read raw bytes from FILE ('-': stdin) instead of hex\n"
"  --json              print JSON instead of indented text\n"
"  --ext               the input is a whole rgbIn/rgbOut: extended buffers\n"
"                      (RPC_HEADER_EXT, XorMagic, LZ77), each holding a ROP buffer\n"
"  --no-ext            never treat the input as extended buffers\n"
"                      (default: extended when the input decodes as a chain of\n"
"                      extended buffers ending exactly at its end; a plain ROP\n"
"                      buffer cannot, since its RopSize is never 0 = Version)\n"
"  --logon-private     logons are private mailboxes (the default; a RopLogon\n"
"                      response's own LogonFlags decide its form unless this\n"
"                      or --logon-public is given)\n"
"  --logon-public      logons are public folders\n"
"  --columns TAGS      the column set of rows (RopQueryRows, RopFindRow,\n"
"                      RopExpandRow, RopGetPropertiesSpecific responses, the\n"
"                      row of a RopNotify table notification), as\n"
"                      comma-separated property tags: 0x0037001F,0x0E070003\n"
"  --request-hex HEX   with --response: the request buffer of the same call;\n"
"                      its RopSetColumns and RopGetPropertiesSpecific give the\n"
"                      columns (--columns still wins for table ROPs)\n"
"  --help              this text\n"
"\n"
"Exit status: 0 decoded, 1 a ROP or the framing could not be decoded (the\n"
"error, its offset and the remaining bytes are printed), 2 bad usage or input.\n"
"\n"
"example (RopRelease of handle index 0, one handle):\n"
"  ropdump --request '05 00 01 00 00 28 00 00 00'\n";

struct options {
	bool request;
	bool json;
	int ext;		/* -1 autodetect, 0 no, 1 yes */
	bool logon_private;
	bool logon_given;	/* --logon-private or --logon-public */
	const char *binary;	/* file or "-" */
	const char *hex;
	const char *request_hex;
	struct mapi_tag_array columns;	/* count 0: none given */
};

/* Columns found in the request buffer of the same call (--request-hex). */
struct request_columns {
	struct mapi_tag_array set_columns;	/* the last RopSetColumns */
	size_t gps_count;
	struct mapi_tag_array *gps;		/* each RopGetPropertiesSpecific, in order */
};

/* The tool's allocations, freed on every way out (valgrind-clean runs). */
static TALLOC_CTX *mem_root;

static int fail_usage(const char *fmt, const char *arg)
{
	talloc_free(mem_root);
	mem_root = NULL;
	fprintf(stderr, "ropdump: ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\n(ropdump --help for usage)\n");
	return EXIT_USAGE;
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9') {
		return c - '0';
	}
	c = tolower(c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

static bool is_separator(int c)
{
	return isspace(c) || c == ':' || c == '-' || c == ',';
}

/*
 * Hex text to bytes. Separators split tokens; a token may start with 0x.
 * On error returns false with a message in err.
 */
static bool parse_hex(TALLOC_CTX *mem_ctx, const char *text, uint8_t **out, size_t *out_len,
		      char *err, size_t err_size)
{
	size_t cap = strlen(text) / 2 + 1, n = 0, digits = 0, pos = 0;
	uint8_t *buf = talloc_array(mem_ctx, uint8_t, cap);
	int high = 0;

	if (buf == NULL) {
		snprintf(err, err_size, "out of memory");
		return false;
	}
	while (text[pos] != '\0') {
		int v;

		if (is_separator((unsigned char)text[pos])) {
			pos++;
			continue;
		}
		/* a token: optional 0x, then hex digits up to the next separator */
		if (text[pos] == '0' && (text[pos + 1] == 'x' || text[pos + 1] == 'X')) {
			pos += 2;
		}
		while (text[pos] != '\0' && !is_separator((unsigned char)text[pos])) {
			v = hexval((unsigned char)text[pos]);
			if (v < 0) {
				snprintf(err, err_size, "not a hex digit at character %zu: '%c'", pos + 1,
					 isprint((unsigned char)text[pos]) ? text[pos] : '?');
				return false;
			}
			if (digits++ % 2 == 0) {
				high = v;
			} else {
				buf[n++] = (uint8_t)(high << 4 | v);
			}
			pos++;
		}
	}
	if (digits % 2 != 0) {
		snprintf(err, err_size, "odd number of hex digits (%zu)", digits);
		return false;
	}
	if (n == 0) {
		snprintf(err, err_size, "empty input: no hex digits");
		return false;
	}
	*out = buf;
	*out_len = n;
	return true;
}

/* All of a stream; NULL on a read error. */
static uint8_t *read_all(TALLOC_CTX *mem_ctx, FILE *f, size_t *len)
{
	size_t cap = 4096, n = 0;
	uint8_t *buf = talloc_array(mem_ctx, uint8_t, cap + 1);

	while (buf != NULL) {
		size_t got = fread(buf + n, 1, cap - n, f);

		n += got;
		if (n < cap) {
			if (ferror(f)) {
				return NULL;
			}
			buf[n] = '\0';	/* hex input is used as a string */
			*len = n;
			return buf;
		}
		cap *= 2;
		buf = talloc_realloc(mem_ctx, buf, uint8_t, cap + 1);
	}
	return NULL;
}

static bool parse_columns(TALLOC_CTX *mem_ctx, const char *text, struct mapi_tag_array *out)
{
	const char *s = text;

	out->count = 0;
	out->tags = talloc_array(mem_ctx, uint32_t, strlen(text) / 2 + 1);
	while (out->tags != NULL && *s != '\0') {
		char *end;
		unsigned long v;

		errno = 0;
		v = strtoul(s, &end, 16);
		if (end == s || errno != 0 || v > 0xFFFFFFFFul || (*end != ',' && *end != '\0')
		    || out->count == 0xFFFF) {
			return false;
		}
		out->tags[out->count++] = (uint32_t)v;
		s = *end == ',' ? end + 1 : end;
	}
	return out->tags != NULL && out->count > 0;
}

static bool needs_table_columns(uint8_t rop_id)
{
	/* RopNotify: the TableRowData of a table notification */
	return rop_id == RopQueryRows || rop_id == RopFindRow || rop_id == RopExpandRow
	       || rop_id == RopNotify;
}

/* The params of one ROP, from the options and what the request buffer told. */
static void rop_params_for(const struct options *opt, const struct request_columns *rc,
			   uint8_t rop_id, size_t *gps_seen, struct rop_params *params)
{
	memset(params, 0, sizeof(*params));
	params->logon_private = opt->logon_private;
	if (opt->columns.count > 0) {
		params->columns = &opt->columns;
	}
	if (rop_id == RopGetPropertiesSpecific && rc != NULL && *gps_seen < rc->gps_count) {
		params->columns = &rc->gps[(*gps_seen)++];
	} else if (needs_table_columns(rop_id) && params->columns == NULL && rc != NULL
		   && rc->set_columns.count > 0) {
		params->columns = &rc->set_columns;
	}
}

static void print_handles(struct rop_print *p, const struct rop_buffer_view *view)
{
	size_t i;

	rop_print_open(p, "Handles", true);
	for (i = 0; i < view->handle_count; i++) {
		uint32_t h = 0;

		rop_buffer_handle(view, i, &h);
		rop_print_uint(p, NULL, h, 8);
	}
	rop_print_close(p, true);
}

static void print_error(struct rop_print *p, enum wire_error err, size_t offset, const uint8_t *rest,
			size_t rest_len, const char *what)
{
	rop_print_open(p, "Error", false);
	rop_print_str(p, "Message", wire_strerror(err));
	rop_print_str(p, "While", what);
	rop_print_uint(p, "Offset", offset, 0);
	rop_print_bytes(p, "RemainingBytes", rest, rest_len);
	rop_print_close(p, false);
	fprintf(stderr, "ropdump: %s at offset %zu: %s\n", what, offset, wire_strerror(err));
}

/*
 * One ROP buffer: RopSize, ROPs, handles. base is the buffer's offset in the
 * input (for messages). Returns false when something could not be decoded.
 */
static bool dump_rop_buffer(struct rop_print *p, const struct options *opt, struct request_columns *rc,
			    const uint8_t *buf, size_t len, size_t base)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	struct rop_buffer_view view;
	struct oxcdata_pull pull;
	enum wire_error err;
	size_t gps_seen = 0;
	bool ok = true;

	rop_print_uint(p, "Length", len, 0);
	err = rop_buffer_split(buf, len, &view);
	if (err != WIRE_OK) {
		print_error(p, err, base, buf, len, "RopSize and handle table");
		talloc_free(tmp);
		return false;
	}
	rop_print_uint(p, "RopSize", view.rops_len + 2, 0);
	rop_print_open(p, "Rops", true);
	oxcdata_pull_init(&pull, view.rops, view.rops_len);
	while (oxcdata_pull_left(&pull) > 0) {
		size_t at = pull.offset;
		uint8_t rop_id = view.rops[at];
		struct rop_params params;
		char what[96];

		rop_params_for(opt, rc, rop_id, &gps_seen, &params);
		/*
		 * A successful RopLogon response echoes the request's LogonFlags
		 * (MS-OXCSTOR 2.2.1.1.3), whose Private bit (0x01) chooses the
		 * private mailbox or public folders form: unless told, read it.
		 */
		if (!opt->request && rop_id == RopLogon && !opt->logon_given && view.rops_len - at > 6
		    && view.rops[at + 2] == 0 && view.rops[at + 3] == 0 && view.rops[at + 4] == 0
		    && view.rops[at + 5] == 0) {
			params.logon_private = (view.rops[at + 6] & 0x01) != 0;
		}
		if (opt->request) {
			struct rop_request r;

			memset(&r, 0, sizeof(r));
			err = rop_request_pull_one(&pull, tmp, &r, &params);
			if (err == WIRE_OK) {
				rop_print_open(p, NULL, false);
				rop_print_uint(p, "Offset", base + 2 + at, 0);
				rop_request_print_fields(p, &r, &params);
				rop_print_close(p, false);
			}
		} else {
			struct rop_response r;

			memset(&r, 0, sizeof(r));
			err = rop_response_pull_one(&pull, tmp, &r, &params);
			if (err == WIRE_OK) {
				rop_print_open(p, NULL, false);
				rop_print_uint(p, "Offset", base + 2 + at, 0);
				rop_response_print_fields(p, &r, &params);
				rop_print_close(p, false);
			}
		}
		if (err != WIRE_OK) {
			const char *name = rop_name(rop_id);

			rop_print_close(p, true);
			snprintf(what, sizeof(what), "decoding %s (0x%02X)%s", name != NULL ? name : "unknown ROP",
				 rop_id, err == WIRE_ERR_INVALID_ARG && params.columns == NULL
				 ? " without columns (--columns)" : "");
			print_error(p, err, base + 2 + at, view.rops + at, view.rops_len - at, what);
			ok = false;
			break;
		}
	}
	if (ok) {
		rop_print_close(p, true);
	}
	print_handles(p, &view);
	talloc_free(tmp);
	return ok;
}

/* The columns the request buffer of the same call sets (--request-hex). */
static bool collect_request_columns(TALLOC_CTX *mem_ctx, const char *hex, struct request_columns *rc)
{
	struct rop_request_buffer req;
	uint8_t *buf;
	size_t len, i;
	char err[128];

	memset(rc, 0, sizeof(*rc));
	if (!parse_hex(mem_ctx, hex, &buf, &len, err, sizeof(err))) {
		fprintf(stderr, "ropdump: --request-hex: %s\n", err);
		return false;
	}
	if (rop_request_pull(mem_ctx, buf, len, NULL, &req) != WIRE_OK) {
		fprintf(stderr, "ropdump: --request-hex: the request buffer does not decode\n");
		return false;
	}
	rc->gps = talloc_zero_array(mem_ctx, struct mapi_tag_array, req.list.count + 1);
	for (i = 0; rc->gps != NULL && i < req.list.count; i++) {
		const struct rop_request *r = &req.list.rops[i];

		if (r->rop_id == RopSetColumns) {
			rc->set_columns.count = r->u.set_columns.property_tag_count;
			rc->set_columns.tags = r->u.set_columns.property_tags;
		} else if (r->rop_id == RopGetPropertiesSpecific) {
			rc->gps[rc->gps_count].count = r->u.get_properties_specific.property_tag_count;
			rc->gps[rc->gps_count++].tags = r->u.get_properties_specific.property_tags;
		}
	}
	return rc->gps != NULL;
}

/* Whether buf is exactly a chain of extended buffers (see --no-ext in the usage). */
static bool looks_extended(TALLOC_CTX *mem_ctx, const uint8_t *buf, size_t len, struct rpc_ext_chain **chain)
{
	return rpc_ext_decode(mem_ctx, buf, len, &rpc_ext_limits_rop, chain) == WIRE_OK;
}

static int dump(const struct options *opt, struct request_columns *rc, const uint8_t *buf, size_t len)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	struct rpc_ext_chain *chain = NULL;
	struct rop_print p;
	bool ok = true, ext = false;
	size_t i, at = 0;

	rop_print_init(&p, stdout, opt->json ? ROP_PRINT_JSON : ROP_PRINT_TEXT);
	if (opt->ext != 0) {
		ext = looks_extended(tmp, buf, len, &chain);
	}
	rop_print_open(&p, NULL, false);
	rop_print_str(&p, "Direction", opt->request ? "request" : "response");
	rop_print_bool(&p, "Extended", ext);
	if (opt->ext == 1 && !ext) {
		enum wire_error err = rpc_ext_decode(tmp, buf, len, &rpc_ext_limits_rop, &chain);

		print_error(&p, err, 0, buf, len, "decoding the extended buffers");
		ok = false;
	} else if (ext) {
		rop_print_open(&p, "ExtendedBuffers", true);
		for (i = 0; i < chain->count && ok; i++) {
			const struct rpc_ext_buffer *b = &chain->buffers[i];

			rop_print_open(&p, NULL, false);
			rop_print_uint(&p, "Offset", at, 0);
			rop_print_uint(&p, "Version", b->header.version, 4);
			rop_print_uint(&p, "Flags", b->header.flags, 4);
			rop_print_uint(&p, "Size", b->header.size, 0);
			rop_print_uint(&p, "SizeActual", b->header.size_actual, 0);
			/* offsets inside a payload count from its (uncompressed) start */
			ok = dump_rop_buffer(&p, opt, rc, b->payload, b->length, 0);
			rop_print_close(&p, false);
			at += RPC_HEADER_EXT_SIZE + b->header.size;
		}
		rop_print_close(&p, true);
	} else {
		ok = dump_rop_buffer(&p, opt, rc, buf, len, 0);
	}
	rop_print_close(&p, false);
	talloc_free(tmp);
	return ok ? 0 : EXIT_DECODE;
}

int main(int argc, char **argv)
{
	TALLOC_CTX *mem = mem_root = talloc_new(NULL);
	struct options opt;
	struct request_columns rc, *rcp = NULL;
	uint8_t *buf = NULL;
	size_t len = 0;
	bool direction = false;
	int i, rc_exit;

	memset(&opt, 0, sizeof(opt));
	opt.ext = -1;
	opt.logon_private = true;
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			fputs(usage_text, stdout);
			talloc_free(mem);
			return 0;
		} else if (strcmp(a, "--request") == 0 || strcmp(a, "--response") == 0) {
			if (direction) {
				return fail_usage("give one of --request and --response%s", "");
			}
			direction = true;
			opt.request = a[4] == 'q';
		} else if (strcmp(a, "--json") == 0) {
			opt.json = true;
		} else if (strcmp(a, "--ext") == 0) {
			opt.ext = 1;
		} else if (strcmp(a, "--no-ext") == 0) {
			opt.ext = 0;
		} else if (strcmp(a, "--logon-private") == 0) {
			opt.logon_private = true;
			opt.logon_given = true;
		} else if (strcmp(a, "--logon-public") == 0) {
			opt.logon_private = false;
			opt.logon_given = true;
		} else if (strcmp(a, "--binary") == 0 || strcmp(a, "--columns") == 0
			   || strcmp(a, "--request-hex") == 0) {
			if (i + 1 >= argc) {
				return fail_usage("%s needs an argument", a);
			}
			if (a[2] == 'b') {
				opt.binary = argv[++i];
			} else if (a[2] == 'r') {
				opt.request_hex = argv[++i];
			} else if (!parse_columns(mem, argv[++i], &opt.columns)) {
				return fail_usage("bad --columns %s (want 0x0037001F,0x0E070003)", argv[i]);
			}
		} else if (a[0] == '-' && a[1] != '\0') {
			return fail_usage("unknown option %s", a);
		} else if (opt.hex == NULL) {
			opt.hex = a;
		} else {
			return fail_usage("one HEX argument only (%s)", a);
		}
	}
	if (!direction) {
		return fail_usage("say which buffer this is: --request or --response%s", "");
	}
	if (opt.binary != NULL && opt.hex != NULL) {
		return fail_usage("HEX and --binary %s both given", opt.binary);
	}
	if (opt.request_hex != NULL) {
		if (opt.request) {
			return fail_usage("--request-hex goes with --response%s", "");
		}
		if (!collect_request_columns(mem, opt.request_hex, &rc)) {
			talloc_free(mem);
			return EXIT_USAGE;
		}
		rcp = &rc;
	}
	if (opt.binary != NULL) {
		FILE *f = strcmp(opt.binary, "-") == 0 ? stdin : fopen(opt.binary, "rb");

		if (f == NULL) {
			fprintf(stderr, "ropdump: %s: %s\n", opt.binary, strerror(errno));
			talloc_free(mem);
			return EXIT_USAGE;
		}
		buf = read_all(mem, f, &len);
		if (f != stdin) {
			fclose(f);
		}
		if (buf == NULL || len == 0) {
			fprintf(stderr, "ropdump: %s: %s\n", opt.binary, buf == NULL ? "read error" : "empty input");
			talloc_free(mem);
			return EXIT_USAGE;
		}
	} else {
		const char *text = opt.hex;
		char err[128];

		if (text == NULL) {
			uint8_t *in = read_all(mem, stdin, &len);

			if (in == NULL) {
				fprintf(stderr, "ropdump: cannot read stdin\n");
				talloc_free(mem);
				return EXIT_USAGE;
			}
			text = (const char *)in;
		}
		if (!parse_hex(mem, text, &buf, &len, err, sizeof(err))) {
			fprintf(stderr, "ropdump: bad hex input: %s\n", err);
			talloc_free(mem);
			return EXIT_USAGE;
		}
	}
	rc_exit = dump(&opt, rcp, buf, len);
	talloc_free(mem);
	return rc_exit;
}
