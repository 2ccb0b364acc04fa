/*
 * exchange2mbox: export a mailbox folder (optionally its subtree) to an
 * mbox file, over the public client API (libmapi/libmapi.h) and the
 * MS-OXCMAIL conversion core (oxcmail.c) with the mboxrd writer (mbox.c).
 *
 * Copyright (C) OpenChange developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "libmapi/libmapi.h"
#include "utils/exchange2mbox/oxcmail.h"
#include "utils/exchange2mbox/mbox.h"

struct opts {
	const char *profile, *profile_file, *server, *user, *password, *domain;
	const char *folder, *output;
	bool recursive;
};

struct export_state {
	struct mbox_writer *mbox;
	bool progress;
	unsigned long exported;
	unsigned long failed;
};

static void usage(FILE *f)
{
	fprintf(f,
"Usage: exchange2mbox [OPTIONS] --output FILE\n"
"Export the messages of a mailbox folder to an mbox file (appended).\n"
"\n"
"  --profile NAME         log on as the user of profile NAME\n"
"  --profile-file PATH    the profile store (default ~/.openchange/profiles.ldb)\n"
"  --server SERVER        the server's address or host name (instead of a profile)\n"
"  --user USER            the user name\n"
"  --password PASS        its password\n"
"  --domain DOMAIN        the NetBIOS domain (default: the server's)\n"
"  --folder NAME|FID      the folder: a name under the mailbox root, a path\n"
"                         (Inbox/Sub) or a folder id (0x...); default Inbox\n"
"  --recursive            the folders below it too\n"
"  --output FILE          the mbox file\n"
"  --help                 this text\n");
}

static int usage_error(const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "exchange2mbox: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, " (try --help)\n");
	return 2;
}

static int fail(struct mapi_session *s, const char *what, enum MAPISTATUS st)
{
	const char *why = MapiLastError(s);
	fprintf(stderr, "exchange2mbox: %s failed: 0x%08x%s%s\n", what, (unsigned)st,
		why ? ": " : "", why ? why : "");
	return 1;
}

/* Reads a whole stream (PidTagAttachDataBinary can exceed one GetProps buffer, MS-OXCPRPT 3.2.5.1). */
static bool read_stream(TALLOC_CTX *mem_ctx, mapi_object_t *obj, uint32_t tag, uint8_t **data,
			size_t *len)
{
	mapi_object_t stream;
	mapi_object_init(&stream);
	if (OpenStream(obj, tag, MAPI_OPEN_READ, &stream) != MAPI_E_SUCCESS)
		return false;
	size_t cap = stream.stream_size ? stream.stream_size : 4096, n = 0;
	uint8_t *buf = talloc_size(mem_ctx, cap);
	bool ok = buf != NULL;
	while (ok) {
		uint32_t got = 0;
		if (cap - n < 4096) {
			cap *= 2;
			buf = talloc_realloc_size(mem_ctx, buf, cap);
			if (!buf) { ok = false; break; }
		}
		uint32_t want = (cap - n) > 0x7000 ? 0x7000 : (uint32_t)(cap - n);
		if (ReadStream(&stream, buf + n, want, &got) != MAPI_E_SUCCESS) { ok = false; break; }
		if (got == 0)
			break;
		n += got;
	}
	mapi_object_release(&stream);
	*data = buf;
	*len = n;
	return ok;
}

static bool load_message(TALLOC_CTX *mem_ctx, mapi_object_t *msg, unsigned depth,
			 struct oxcmail_message *out);

/*
 * An embedded message (PidTagAttachMethod afEmbeddedMessage, MS-OXCMSG
 * 2.2.2.9) opened with RopOpenEmbeddedMessage and loaded like any message,
 * its own attachments included.  Below OXCMAIL_MAX_DEPTH the converter
 * writes only a note, so nothing is opened there.
 */
static bool load_embedded(TALLOC_CTX *mem_ctx, mapi_object_t *att, unsigned depth,
			  struct oxcmail_attachment *out)
{
	static const struct oxcmail_message too_deep;
	struct oxcmail_message *m;
	mapi_object_t emb;
	enum MAPISTATUS ret;
	bool ok;

	out->data = NULL;
	out->len = 0;
	if (depth + 1 >= OXCMAIL_MAX_DEPTH) {
		out->embedded = &too_deep;
		return true;
	}
	m = talloc_zero(mem_ctx, struct oxcmail_message);
	if (m == NULL)
		return false;
	mapi_object_init(&emb);
	if ((ret = OpenEmbeddedMessage(att, MAPI_OPEN_READ, &emb)) != MAPI_E_SUCCESS) {
		const char *why = MapiLastError(att->session);
		fprintf(stderr, "exchange2mbox: an embedded message cannot be opened: 0x%08x%s%s\n",
			(unsigned)ret, why ? ": " : "", why ? why : "");
		return false;
	}
	ok = load_message(mem_ctx, &emb, depth + 1, m);
	mapi_object_release(&emb);
	out->embedded = m;
	return ok;
}

static bool load_attachments(TALLOC_CTX *mem_ctx, mapi_object_t *msg, unsigned depth,
			     struct oxcmail_attachment **out, size_t *count)
{
	mapi_object_t table;
	uint32_t cols[] = { PidTagAttachNumber };
	struct oxcmail_attachment *atts = NULL;
	size_t n = 0;
	bool ok = true;

	*out = NULL;
	*count = 0;
	mapi_object_init(&table);
	if (GetAttachmentTable(msg, &table) != MAPI_E_SUCCESS)
		return true;	/* no attachment table: no attachments */
	if (SetColumns(&table, cols, 1) != MAPI_E_SUCCESS) {
		mapi_object_release(&table);
		return false;
	}
	while (ok) {
		struct mapi_row *rows = NULL;
		uint32_t nrows = 0;
		if (QueryRows(mem_ctx, &table, 50, &rows, &nrows) != MAPI_E_SUCCESS) {
			ok = false;
			break;
		}
		if (nrows == 0)
			break;
		for (uint32_t r = 0; ok && r < nrows; r++) {
			if (rows[r].count < 1 || rows[r].props[0].tag != PidTagAttachNumber)
				continue;
			mapi_object_t att;
			mapi_object_init(&att);
			if (OpenAttach(msg, rows[r].props[0].value.i32, &att) != MAPI_E_SUCCESS)
				continue;
			struct mapi_propval *props = NULL;
			uint32_t pc = 0;
			if (GetPropsAll(mem_ctx, &att, &props, &pc) != MAPI_E_SUCCESS) {
				mapi_object_release(&att);
				continue;
			}
			atts = talloc_realloc(mem_ctx, atts, struct oxcmail_attachment, n + 1);
			if (!atts) {
				mapi_object_release(&att);
				ok = false;
				break;
			}
			oxcmail_attachment_from_props(props, pc, &atts[n]);
			const struct mapi_propval *method = GetPropValue(props, pc, PidTagAttachMethod);
			if (method != NULL && method->value.i32 == MAPI_ATTACH_EMBEDDED_MESSAGE) {
				const struct mapi_propval *dn = GetPropValue(props, pc, PidTagDisplayName);
				if (atts[n].filename == NULL && dn != NULL)
					atts[n].filename = dn->value.string;
				ok = load_embedded(mem_ctx, &att, depth, &atts[n]);
			} else {
				/* GetPropsAll may leave out or truncate a big binary: the stream is authoritative */
				uint8_t *data;
				size_t len;
				if (read_stream(mem_ctx, &att, PidTagAttachDataBinary, &data, &len)) {
					atts[n].data = data;
					atts[n].len = len;
				}
			}
			n++;
			mapi_object_release(&att);
		}
	}
	mapi_object_release(&table);
	*out = atts;
	*count = n;
	return ok;
}

/* MSG's properties, recipients and attachments as the converter takes them, under MEM_CTX. */
static bool load_message(TALLOC_CTX *mem_ctx, mapi_object_t *msg, unsigned depth,
			 struct oxcmail_message *out)
{
	struct mapi_propval *props = NULL;
	uint32_t pc = 0;
	struct mapi_recipient *recips = NULL;
	uint32_t rc = 0;

	memset(out, 0, sizeof(*out));
	if (GetPropsAll(mem_ctx, msg, &props, &pc) != MAPI_E_SUCCESS)
		return false;
	if (ReadRecipients(mem_ctx, msg, &recips, &rc) != MAPI_E_SUCCESS)
		rc = 0;
	struct oxcmail_recipient *orc = talloc_zero_array(mem_ctx, struct oxcmail_recipient, rc ? rc : 1);
	if (!orc)
		return false;
	for (uint32_t i = 0; i < rc; i++) {
		orc[i].type = recips[i].type == MAPI_CC ? OXCMAIL_CC :
			      recips[i].type == MAPI_BCC ? OXCMAIL_BCC : OXCMAIL_TO;
		orc[i].display_name = recips[i].display_name;
		orc[i].smtp_address = recips[i].smtp_address;
	}
	struct oxcmail_attachment *atts = NULL;
	size_t ac = 0;
	if (!load_attachments(mem_ctx, msg, depth, &atts, &ac))
		return false;
	out->props = props;
	out->prop_count = pc;
	out->recipients = orc;
	out->recipient_count = rc;
	out->attachments = atts;
	out->attachment_count = ac;
	return true;
}

static bool export_message(struct export_state *st, mapi_object_t *folder, uint64_t fid,
			   uint64_t mid)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	mapi_object_t msg;
	struct oxcmail_message m;
	bool ok = false;

	mapi_object_init(&msg);
	if (!tmp || OpenMessage(folder, fid, mid, MAPI_OPEN_READ, &msg) != MAPI_E_SUCCESS)
		goto out;
	if (!load_message(tmp, &msg, 0, &m))
		goto out;

	struct oxcmail_options o = { .flags = 0 };
	size_t len = 0;
	char *text = oxcmail_export(tmp, &m, &o, &len);
	char *sender = NULL;
	time_t date = 0;
	if (!text || !oxcmail_envelope(tmp, &m, &o, &sender, &date))
		goto out;
	ok = mbox_write(st->mbox, sender, date, text, len);
out:
	mapi_object_release(&msg);
	talloc_free(tmp);
	return ok;
}

static int export_folder(struct mapi_session *s, struct export_state *st, mapi_object_t *parent,
			 uint64_t fid, const char *name, bool recursive)
{
	mapi_object_t folder, table;
	uint32_t count = 0, done = 0;
	enum MAPISTATUS ret;
	uint32_t cols[] = { PidTagFolderId, PidTagMid };

	mapi_object_init(&folder);
	mapi_object_init(&table);
	if ((ret = OpenFolder(parent, fid, &folder)) != MAPI_E_SUCCESS)
		return fail(s, "OpenFolder", ret);
	if ((ret = GetContentsTable(&folder, &table, &count)) != MAPI_E_SUCCESS ||
	    (ret = SetColumns(&table, cols, 2)) != MAPI_E_SUCCESS) {
		mapi_object_release(&folder);
		return fail(s, "GetContentsTable", ret);
	}
	for (;;) {
		TALLOC_CTX *tmp = talloc_new(NULL);
		struct mapi_row *rows = NULL;
		uint32_t n = 0;
		ret = QueryRows(tmp, &table, 50, &rows, &n);
		if (ret != MAPI_E_SUCCESS) {
			talloc_free(tmp);
			mapi_object_release(&table);
			mapi_object_release(&folder);
			return fail(s, "QueryRows", ret);
		}
		if (n == 0) {
			talloc_free(tmp);
			break;
		}
		for (uint32_t i = 0; i < n; i++) {
			const struct mapi_propval *f = GetPropValue(rows[i].props, rows[i].count, PidTagFolderId);
			const struct mapi_propval *m = GetPropValue(rows[i].props, rows[i].count, PidTagMid);
			done++;
			if (!m) {
				st->failed++;
				continue;
			}
			if (export_message(st, &folder, f ? f->value.i64 : fid, m->value.i64))
				st->exported++;
			else {
				st->failed++;
				fprintf(stderr, "exchange2mbox: message 0x%016" PRIx64 " in %s not exported\n",
					m->value.i64, name);
			}
			if (st->progress)
				fprintf(stderr, "\r%s: %u/%u", name, done, count);
		}
		talloc_free(tmp);
	}
	if (st->progress && count)
		fprintf(stderr, "\n");
	mapi_object_release(&table);

	int rv = 0;
	if (recursive) {
		uint32_t hcols[] = { PidTagFolderId, PidTagDisplayName };
		TALLOC_CTX *tmp = talloc_new(NULL);
		uint64_t *fids = NULL;
		char **names = NULL;
		size_t nf = 0;
		if ((ret = GetHierarchyTable(&folder, &table, &count)) != MAPI_E_SUCCESS ||
		    (ret = SetColumns(&table, hcols, 2)) != MAPI_E_SUCCESS) {
			rv = fail(s, "GetHierarchyTable", ret);
		} else {
			for (;;) {
				struct mapi_row *rows = NULL;
				uint32_t n = 0;
				if ((ret = QueryRows(tmp, &table, 50, &rows, &n)) != MAPI_E_SUCCESS) {
					rv = fail(s, "QueryRows", ret);
					break;
				}
				if (n == 0)
					break;
				for (uint32_t i = 0; i < n; i++) {
					const struct mapi_propval *f = GetPropValue(rows[i].props, rows[i].count,
										 PidTagFolderId);
					const struct mapi_propval *d = GetPropValue(rows[i].props, rows[i].count,
										 PidTagDisplayName);
					if (!f)
						continue;
					fids = talloc_realloc(tmp, fids, uint64_t, nf + 1);
					names = talloc_realloc(tmp, names, char *, nf + 1);
					if (!fids || !names) {
						rv = 1;
						break;
					}
					fids[nf] = f->value.i64;
					names[nf] = talloc_asprintf(tmp, "%s/%s", name,
								    d ? d->value.string : "?");
					nf++;
				}
			}
		}
		mapi_object_release(&table);
		for (size_t i = 0; rv == 0 && i < nf; i++)
			rv = export_folder(s, st, &folder, fids[i], names[i], true);
		talloc_free(tmp);
	}
	mapi_object_release(&folder);
	return rv;
}

/* A subfolder of PARENT named NAME (case-insensitive), by the hierarchy table. */
static bool find_subfolder(mapi_object_t *parent, const char *name, uint64_t *fid)
{
	mapi_object_t table;
	uint32_t count = 0, cols[] = { PidTagFolderId, PidTagDisplayName };
	bool found = false;
	TALLOC_CTX *tmp = talloc_new(NULL);

	mapi_object_init(&table);
	if (!tmp || GetHierarchyTable(parent, &table, &count) != MAPI_E_SUCCESS ||
	    SetColumns(&table, cols, 2) != MAPI_E_SUCCESS)
		goto out;
	while (!found) {
		struct mapi_row *rows = NULL;
		uint32_t n = 0;
		if (QueryRows(tmp, &table, 50, &rows, &n) != MAPI_E_SUCCESS || n == 0)
			break;
		for (uint32_t i = 0; i < n && !found; i++) {
			const struct mapi_propval *f = GetPropValue(rows[i].props, rows[i].count, PidTagFolderId);
			const struct mapi_propval *d = GetPropValue(rows[i].props, rows[i].count, PidTagDisplayName);
			if (f && d && d->value.string && strcasecmp(d->value.string, name) == 0) {
				*fid = f->value.i64;
				found = true;
			}
		}
	}
out:
	mapi_object_release(&table);
	talloc_free(tmp);
	return found;
}

/* NAME|FID: a folder id (0x... or decimal), "Inbox", or a path from the IPM subtree. */
static bool resolve_folder(mapi_object_t *store, const char *spec, uint64_t *fid)
{
	char *end;
	errno = 0;
	unsigned long long v = strtoull(spec, &end, 0);
	if (*spec >= '0' && *spec <= '9' && *end == '\0' && errno == 0) {
		*fid = v;
		return true;
	}
	if (strcasecmp(spec, "Inbox") == 0)
		return GetDefaultFolder(store, olFolderInbox, fid) == MAPI_E_SUCCESS;

	uint64_t cur;
	if (GetDefaultFolder(store, olFolderTopInformationStore, &cur) != MAPI_E_SUCCESS)
		return false;
	char *copy = strdup(spec), *save = NULL;
	bool ok = copy != NULL;
	for (char *part = copy ? strtok_r(copy, "/", &save) : NULL; ok && part;
	     part = strtok_r(NULL, "/", &save)) {
		mapi_object_t folder;
		mapi_object_init(&folder);
		if (OpenFolder(store, cur, &folder) != MAPI_E_SUCCESS) {
			ok = false;
			break;
		}
		uint64_t next;
		if (strcasecmp(part, "Inbox") == 0 && cur != 0 && part == copy &&
		    GetDefaultFolder(store, olFolderInbox, &next) == MAPI_E_SUCCESS)
			cur = next;
		else if (find_subfolder(&folder, part, &next))
			cur = next;
		else
			ok = false;
		mapi_object_release(&folder);
	}
	free(copy);
	if (ok)
		*fid = cur;
	return ok;
}

int main(int argc, char **argv)
{
	struct opts o = { .folder = "Inbox" };
	static const struct option long_options[] = {
		{ "profile", required_argument, NULL, 'P' },
		{ "profile-file", required_argument, NULL, 'F' },
		{ "server", required_argument, NULL, 's' },
		{ "user", required_argument, NULL, 'u' },
		{ "password", required_argument, NULL, 'p' },
		{ "domain", required_argument, NULL, 'd' },
		{ "folder", required_argument, NULL, 'f' },
		{ "recursive", no_argument, NULL, 'r' },
		{ "output", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	opterr = 0;
	while ((c = getopt_long(argc, argv, ":", long_options, NULL)) != -1) {
		switch (c) {
		case 'P': o.profile = optarg; break;
		case 'F': o.profile_file = optarg; break;
		case 's': o.server = optarg; break;
		case 'u': o.user = optarg; break;
		case 'p': o.password = optarg; break;
		case 'd': o.domain = optarg; break;
		case 'f': o.folder = optarg; break;
		case 'r': o.recursive = true; break;
		case 'o': o.output = optarg; break;
		case 'h': usage(stdout); return 0;
		case ':': return usage_error("option %s needs a value", argv[optind - 1]);
		default: return usage_error("unknown option %s", argv[optind - 1]);
		}
	}
	if (optind < argc)
		return usage_error("unexpected argument %s", argv[optind]);
	if (!o.output)
		return usage_error("--output FILE is required");
	if (o.profile && o.server)
		return usage_error("give --profile or --server/--user, not both");
	if (!o.profile && !(o.server && o.user))
		return usage_error("give --profile NAME, or --server, --user and --password");

	TALLOC_CTX *mem = talloc_new(NULL);
	struct mapi_session *s = NULL;
	enum MAPISTATUS ret;
	int rv = 1;

	if ((ret = MapiInitialize()) != MAPI_E_SUCCESS) {
		fprintf(stderr, "exchange2mbox: MapiInitialize failed: 0x%08x\n", (unsigned)ret);
		talloc_free(mem);
		return 1;
	}
	if (o.profile) {
		ret = MapiLogonEx(mem, o.profile_file, o.profile, o.password, &s);
	} else {
		struct mapi_connect_params p = {
			.server = o.server, .username = o.user,
			.password = o.password ? o.password : "", .domain = o.domain,
		};
		ret = MapiLogonParams(mem, &p, &s);
	}
	if (ret != MAPI_E_SUCCESS) {
		rv = fail(NULL, "logon", ret);
		goto out;
	}

	mapi_object_t store;
	mapi_object_init(&store);
	if ((ret = OpenMsgStore(s, &store)) != MAPI_E_SUCCESS) {
		rv = fail(s, "OpenMsgStore", ret);
		goto out_session;
	}
	uint64_t fid;
	if (!resolve_folder(&store, o.folder, &fid)) {
		fprintf(stderr, "exchange2mbox: no folder %s\n", o.folder);
		goto out_store;
	}
	struct export_state st = { .progress = isatty(STDERR_FILENO) };
	st.mbox = mbox_open(mem, o.output);
	if (!st.mbox) {
		fprintf(stderr, "exchange2mbox: cannot open %s: %s\n", o.output, strerror(errno));
		goto out_store;
	}
	rv = export_folder(s, &st, &store, fid, o.folder, o.recursive);
	if (!mbox_close(st.mbox)) {
		fprintf(stderr, "exchange2mbox: writing %s failed\n", o.output);
		rv = 1;
	}
	if (rv == 0 && st.failed) {
		fprintf(stderr, "exchange2mbox: %lu messages could not be exported\n", st.failed);
		rv = 1;
	}
	printf("%lu messages exported\n", st.exported);
out_store:
	mapi_object_release(&store);
out_session:
	MapiLogoff(s);
out:
	talloc_free(mem);
	MapiUninitialize();
	return rv;
}
