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
#include "utils/tool_logon.h"
#include "utils/exchange2mbox/oxcmail.h"
#include "utils/exchange2mbox/oxcmail_load.h"
#include "utils/exchange2mbox/mbox.h"

struct opts {
	struct tool_logon_opts logon;
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
	if (!oxcmail_load_message(tmp, &msg, 0, &m))
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
		TOOL_LOGON_LONG_OPTIONS,
		{ "folder", required_argument, NULL, 'f' },
		{ "recursive", no_argument, NULL, 'r' },
		{ "output", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	opterr = 0;
	while ((c = getopt_long(argc, argv, ":", long_options, NULL)) != -1) {
		if (tool_logon_option(&o.logon, c, optarg))
			continue;
		switch (c) {
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
	if (tool_logon_problem(&o.logon))
		return usage_error("%s", tool_logon_problem(&o.logon));

	TALLOC_CTX *mem = talloc_new(NULL);
	struct mapi_session *s = NULL;
	enum MAPISTATUS ret;
	int rv = 1;

	s = tool_logon(mem, "exchange2mbox", &o.logon);
	if (s == NULL)
		goto out;

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
