/*
 * openchangeclient: a command-line MAPI client over libmapi's public API
 * (libmapi/libmapi.h only): list folders and messages, fetch, create,
 * dump and delete messages and folders in a mailbox.
 *
 * Copyright (C) OpenChange developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "libmapi/libmapi.h"
#include "utils/exchange2mbox/oxcmail.h"
#include "utils/exchange2mbox/oxcmail_load.h"

#define PROGRAM "openchangeclient"
#define EXIT_USAGE 2
#define READ_CHUNK 16384
#define MAX_LIST 64
/* PidTagAttachMethod afAttachByValue (MS-OXCMSG 2.2.2.9) */
#define ATTACH_BY_VALUE 1

/* Every PidTag* name of gen_proptags.h, generated at build time (openchangeclient.am). */
static const struct { uint32_t tag; const char *name; } tag_names[] = {
#include "utils/openchangeclient_tags.h"
};

enum command {
	CMD_NONE = 0,
	CMD_LIST_FOLDERS,
	CMD_LIST_MESSAGES,
	CMD_FETCH,
	CMD_CREATE_FOLDER,
	CMD_DELETE_FOLDER,
	CMD_CREATE_MESSAGE,
	CMD_DELETE_MESSAGE,
	CMD_DUMP,
	CMD_SEND,
	CMD_CREATE_CONTACT,
	CMD_CREATE_APPOINTMENT,
	CMD_CREATE_TASK,
	CMD_GAL,
};

struct options {
	enum command cmd;
	const char *cmd_arg;		/* MID or folder name of the command */
	const char *profile, *profile_file;
	struct mapi_connect_params params;
	const char *folder, *parent, *attachments, *subject, *body;
	const char *email, *start, *end, *due;
	const char *container, *count;
	const char *embed, *embed_body;	/* --create-message: an embedded message */
	const char *to[MAX_LIST], *attach[MAX_LIST];
	unsigned n_to, n_attach;
};

/* The session and the two objects every command starts from. */
struct client {
	TALLOC_CTX *mem_ctx;
	struct mapi_session *session;
	mapi_object_t store;
	uint64_t top_fid;		/* the IPM subtree */
};

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: " PROGRAM " CONNECTION COMMAND [OPTIONS]\n"
		"Connection:\n"
		"  --profile NAME [--profile-file PATH] [--password PASSWORD]\n"
		"  --server HOST --user USER --password PASSWORD [--domain DOMAIN]\n"
		"Commands:\n"
		"  --list-folders                      the folder tree under the IPM subtree\n"
		"  --list-messages --folder F          MID, subject, sender and date of each message\n"
		"  --fetch MID --folder F [--attachments DIR]\n"
		"                                      subject, recipients, body (attachments saved to DIR,\n"
		"                                      embedded messages as DIR/NAME.eml)\n"
		"  --dump MID --folder F               every property of a message and, indented, of\n"
		"                                      its embedded messages\n"
		"  --create-folder NAME [--parent F]   a folder (default parent: the IPM subtree)\n"
		"  --delete-folder F                   a folder with its contents\n"
		"  --create-message --folder F --subject S [--body B] [--to ADDR]... [--attach FILE]...\n"
		"                   [--embed SUBJECT [--embed-body B]]\n"
		"                                      a message saved in folder F (not sent), with an\n"
		"                                      embedded message attached when --embed is given\n"
		"  --delete-message MID --folder F\n"
		"  --send ...                          not supported by this server yet\n"
		"  --create-contact NAME [--email ADDR] [--folder F]        (default: Contacts)\n"
		"  --create-appointment SUBJECT --start T --end T [--body B] [--folder F]\n"
		"                                                          (default: Calendar)\n"
		"  --create-task SUBJECT [--due T] [--body B] [--folder F] (default: Tasks)\n"
		"  --gal [--container NAME] [--count N]\n"
		"                                      the address book: display name, SMTP address and\n"
		"                                      account of every entry of the GAL (or of address\n"
		"                                      list NAME), read N entries at a time (default 100)\n"
		"Times T are UTC: 'YYYY-MM-DD HH:MM' or 'YYYY-MM-DD'.\n"
		"  --help\n"
		"A folder F is a display name (searched in the whole tree) or a folder id (0x...).\n");
}

static int usage_error(const char *fmt, const char *arg)
{
	fprintf(stderr, PROGRAM ": ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, " (see --help)\n");
	return EXIT_USAGE;
}

static int fail(struct client *c, const char *what, enum MAPISTATUS ret)
{
	const char *name = mapi_errstr(ret);
	const char *detail = MapiLastError(c != NULL ? c->session : NULL);

	fprintf(stderr, PROGRAM ": %s: %s%s%s\n", what, name != NULL ? name : "unknown error",
		detail != NULL ? ": " : "", detail != NULL ? detail : "");
	return EXIT_FAILURE;
}

static int error(const char *fmt, const char *arg)
{
	fprintf(stderr, PROGRAM ": ");
	fprintf(stderr, fmt, arg);
	fputc('\n', stderr);
	return EXIT_FAILURE;
}

/* A MID or FID as printed by this tool: hexadecimal with 0x, or decimal. */
static bool parse_id(const char *s, uint64_t *id)
{
	char *end;
	unsigned long long v;

	if (s == NULL || *s == '\0' || *s == '-') {
		return false;
	}
	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno != 0 || *end != '\0' || v == 0) {
		return false;
	}
	*id = v;
	return true;
}

static const char *str_of(const struct mapi_propval *v)
{
	if (MAPI_PROP_TYPE(v->tag) == PTYP_STRING) {
		return v->value.string;
	}
	if (MAPI_PROP_TYPE(v->tag) == PTYP_STRING8) {
		return v->value.string8;
	}
	return NULL;
}

static const char *time_of(char *buf, size_t size, uint64_t filetime)
{
	/* FILETIME: 100 ns intervals since 1601-01-01 (MS-OXCDATA 2.11.1) */
	time_t t = (time_t)(filetime / 10000000ULL) - (time_t)11644473600LL;
	struct tm tm;

	if (gmtime_r(&t, &tm) == NULL || strftime(buf, size, "%Y-%m-%d %H:%M:%S UTC", &tm) == 0) {
		snprintf(buf, size, "%llu", (unsigned long long)filetime);
	}
	return buf;
}

/* --- connection ---------------------------------------------------------- */

static int client_open(struct client *c, const struct options *o)
{
	enum MAPISTATUS ret;

	ret = MapiInitialize();
	if (ret != MAPI_E_SUCCESS) {
		return fail(NULL, "cannot initialize", ret);
	}
	if (o->profile != NULL) {
		ret = MapiLogonEx(c->mem_ctx, o->profile_file, o->profile, o->params.password,
				  &c->session);
	} else {
		ret = MapiLogonParams(c->mem_ctx, &o->params, &c->session);
	}
	if (ret != MAPI_E_SUCCESS) {
		return fail(NULL, "cannot log on", ret);
	}
	mapi_object_init(&c->store);
	ret = OpenMsgStore(c->session, &c->store);
	if (ret != MAPI_E_SUCCESS) {
		return fail(c, "cannot open the mailbox", ret);
	}
	/* "Top of Information Store": the root of the user-visible tree (MS-OXOSFLD 2.2.1) */
	ret = GetDefaultFolder(&c->store, olFolderTopInformationStore, &c->top_fid);
	if (ret != MAPI_E_SUCCESS) {
		return fail(c, "cannot find the IPM subtree", ret);
	}
	return 0;
}

static void client_close(struct client *c)
{
	if (c->session != NULL) {
		mapi_object_release(&c->store);
		MapiLogoff(c->session);
		c->session = NULL;
	}
}

/* --- the folder tree ----------------------------------------------------- */

/*
 * Walks the hierarchy under FID depth-first.  With PRINT, prints each
 * folder indented by DEPTH; otherwise looks for WANT_NAME (or WANT_FID)
 * and sets *found and *parent.  Returns a MAPISTATUS.
 */
struct walk {
	bool print;
	const char *want_name;
	uint64_t want_fid;
	uint64_t found, parent;
};

static enum MAPISTATUS walk_tree(struct client *c, uint64_t fid, unsigned depth, struct walk *w)
{
	static const uint32_t cols[] = { PidTagFolderId, PidTagDisplayName, PidTagContentCount };
	mapi_object_t folder, table;
	struct mapi_row *rows;
	uint32_t count, n, i;
	enum MAPISTATUS ret;
	TALLOC_CTX *tmp = talloc_new(c->mem_ctx);

	mapi_object_init(&folder);
	mapi_object_init(&table);
	ret = OpenFolder(&c->store, fid, &folder);
	if (ret == MAPI_E_SUCCESS) {
		ret = GetHierarchyTable(&folder, &table, &count);
	}
	if (ret == MAPI_E_SUCCESS) {
		ret = SetColumns(&table, cols, 3);
	}
	while (ret == MAPI_E_SUCCESS && w->found == 0) {
		ret = QueryRows(tmp, &table, 100, &rows, &n);
		if (ret != MAPI_E_SUCCESS || n == 0) {
			break;
		}
		for (i = 0; i < n && ret == MAPI_E_SUCCESS && w->found == 0; i++) {
			uint64_t child;
			const char *name;

			if (rows[i].count < 3 || MAPI_PROP_TYPE(rows[i].props[0].tag) != PTYP_INTEGER64) {
				continue;
			}
			child = rows[i].props[0].value.i64;
			name = str_of(&rows[i].props[1]);
			if (w->print) {
				printf("%*s%s [0x%016llx]", (int)depth * 2, "", name != NULL ? name : "",
				       (unsigned long long)child);
				if (MAPI_PROP_TYPE(rows[i].props[2].tag) == PTYP_INTEGER32) {
					printf(" (%u messages)", (unsigned)rows[i].props[2].value.i32);
				}
				putchar('\n');
			} else if ((w->want_name != NULL && name != NULL && strcmp(name, w->want_name) == 0) ||
				   (w->want_name == NULL && child == w->want_fid)) {
				w->found = child;
				w->parent = fid;
				break;
			}
			/* depth bounds a server that would answer with a loop */
			if (depth < 32) {
				ret = walk_tree(c, child, depth + 1, w);
			}
		}
	}
	mapi_object_release(&table);
	mapi_object_release(&folder);
	talloc_free(tmp);
	return ret;
}

/* Resolves a folder argument (name or FID) to its id and its parent's id. */
static int find_folder(struct client *c, const char *arg, uint64_t *fid, uint64_t *parent)
{
	struct walk w = { 0 };
	enum MAPISTATUS ret;
	uint64_t id;

	/* only the 0x form is an id: a folder may well be named "2026" */
	if ((arg[0] == '0' && (arg[1] == 'x' || arg[1] == 'X')) && parse_id(arg, &id)) {
		if (id == c->top_fid && parent == NULL) {
			*fid = id;
			return 0;
		}
		w.want_fid = id;
	} else {
		w.want_name = arg;
	}
	ret = walk_tree(c, c->top_fid, 0, &w);
	if (ret != MAPI_E_SUCCESS) {
		return fail(c, "cannot read the folder tree", ret);
	}
	if (w.found == 0) {
		return error("no folder '%s' in the mailbox", arg);
	}
	*fid = w.found;
	if (parent != NULL) {
		*parent = w.parent;
	}
	return 0;
}

static int open_folder_arg(struct client *c, const char *arg, mapi_object_t *folder)
{
	uint64_t fid;
	enum MAPISTATUS ret;
	int status = find_folder(c, arg, &fid, NULL);

	if (status != 0) {
		return status;
	}
	ret = OpenFolder(&c->store, fid, folder);
	if (ret != MAPI_E_SUCCESS) {
		return fail(c, "cannot open the folder", ret);
	}
	return 0;
}

static int open_message_arg(struct client *c, const struct options *o, mapi_object_t *folder,
			    mapi_object_t *msg, uint8_t mode, uint64_t *mid)
{
	enum MAPISTATUS ret;
	int status;

	if (!parse_id(o->cmd_arg, mid)) {
		return error("'%s' is not a message id", o->cmd_arg);
	}
	status = open_folder_arg(c, o->folder, folder);
	if (status != 0) {
		return status;
	}
	ret = OpenMessage(folder, folder->id, *mid, mode, msg);
	if (ret != MAPI_E_SUCCESS) {
		return fail(c, "cannot open the message", ret);
	}
	return 0;
}

/* --- commands ------------------------------------------------------------ */

static int cmd_list_folders(struct client *c)
{
	struct walk w = { .print = true };
	enum MAPISTATUS ret;

	printf("IPM subtree [0x%016llx]\n", (unsigned long long)c->top_fid);
	ret = walk_tree(c, c->top_fid, 1, &w);
	if (ret != MAPI_E_SUCCESS) {
		return fail(c, "cannot read the folder tree", ret);
	}
	return 0;
}

static int cmd_list_messages(struct client *c, const struct options *o)
{
	static const uint32_t cols[] = { PidTagMid, PidTagSubject, PidTagSenderName,
					 PidTagMessageDeliveryTime, PidTagLastModificationTime };
	mapi_object_t folder, table;
	struct mapi_row *rows;
	uint32_t count, n, i;
	enum MAPISTATUS ret;
	int status;
	char date[64];

	mapi_object_init(&folder);
	mapi_object_init(&table);
	status = open_folder_arg(c, o->folder, &folder);
	if (status != 0) {
		return status;
	}
	ret = GetContentsTable(&folder, &table, &count);
	if (ret == MAPI_E_SUCCESS) {
		ret = SetColumns(&table, cols, 5);
	}
	while (ret == MAPI_E_SUCCESS) {
		ret = QueryRows(c->mem_ctx, &table, 100, &rows, &n);
		if (ret != MAPI_E_SUCCESS || n == 0) {
			break;
		}
		for (i = 0; i < n; i++) {
			const struct mapi_propval *p = rows[i].props;
			const char *subject, *sender;

			if (rows[i].count < 5) {
				continue;
			}
			subject = str_of(&p[1]);
			sender = str_of(&p[2]);
			if (MAPI_PROP_TYPE(p[3].tag) == PTYP_TIME) {
				time_of(date, sizeof(date), p[3].value.time);
			} else if (MAPI_PROP_TYPE(p[4].tag) == PTYP_TIME) {
				time_of(date, sizeof(date), p[4].value.time);
			} else {
				strcpy(date, "-");
			}
			printf("0x%016llx\t%s\t%s\t%s\n",
			       MAPI_PROP_TYPE(p[0].tag) == PTYP_INTEGER64 ?
			       (unsigned long long)p[0].value.i64 : 0ULL,
			       subject != NULL ? subject : "", sender != NULL ? sender : "", date);
		}
	}
	mapi_object_release(&table);
	mapi_object_release(&folder);
	if (ret != MAPI_E_SUCCESS) {
		return fail(c, "cannot list the messages", ret);
	}
	return 0;
}

/* The last path component of NAME, or a made-up one when it has none usable. */
static char *safe_file_name(TALLOC_CTX *mem_ctx, const char *name, uint32_t number)
{
	const char *base = name != NULL ? strrchr(name, '/') : NULL;

	base = base != NULL ? base + 1 : name;
	if (base != NULL) {
		const char *bs = strrchr(base, '\\');

		base = bs != NULL ? bs + 1 : base;
	}
	if (base == NULL || *base == '\0' || strcmp(base, ".") == 0 || strcmp(base, "..") == 0) {
		return talloc_asprintf(mem_ctx, "attachment-%u", (unsigned)number);
	}
	return talloc_strdup(mem_ctx, base);
}

static int save_attachment(struct client *c, mapi_object_t *msg, uint32_t number,
			   const char *dir, const char *name, uint64_t *size)
{
	mapi_object_t attach, stream;
	enum MAPISTATUS ret;
	uint8_t *buf = talloc_array(c->mem_ctx, uint8_t, READ_CHUNK);
	char *path;
	FILE *f = NULL;
	int status = 0;

	*size = 0;
	mapi_object_init(&attach);
	mapi_object_init(&stream);
	path = talloc_asprintf(c->mem_ctx, "%s/%s", dir,
			       safe_file_name(c->mem_ctx, name, number));
	ret = OpenAttach(msg, number, &attach);
	if (ret == MAPI_E_SUCCESS) {
		ret = OpenStream(&attach, PidTagAttachDataBinary, MAPI_OPEN_READ, &stream);
	}
	if (ret != MAPI_E_SUCCESS) {
		status = fail(c, "cannot read an attachment", ret);
		goto done;
	}
	f = fopen(path, "wb");
	if (f == NULL) {
		status = error("cannot write %s", path);
		goto done;
	}
	for (;;) {
		uint32_t got = 0;

		ret = ReadStream(&stream, buf, READ_CHUNK, &got);
		if (ret != MAPI_E_SUCCESS) {
			status = fail(c, "cannot read an attachment", ret);
			break;
		}
		if (got == 0) {
			break;
		}
		if (fwrite(buf, 1, got, f) != got) {
			status = error("cannot write %s", path);
			break;
		}
		*size += got;
	}
	if (fclose(f) != 0 && status == 0) {
		status = error("cannot write %s", path);
	}
	if (status == 0) {
		printf("Saved: %s\n", path);
	}
done:
	mapi_object_release(&stream);
	mapi_object_release(&attach);
	talloc_free(buf);
	talloc_free(path);
	return status;
}

static int fetch_embedded(struct client *c, mapi_object_t *msg, uint32_t number, const char *name,
			  const char *dir);

static int cmd_fetch(struct client *c, const struct options *o)
{
	static const uint32_t tags[] = { PidTagSubject, PidTagSenderName, PidTagSenderEmailAddress,
					 PidTagMessageDeliveryTime, PidTagBody };
	static const uint32_t acols[] = { PidTagAttachNumber, PidTagAttachLongFilename,
					  PidTagAttachSize, PidTagAttachMethod };
	static const char *const kinds[] = { "", "To", "Cc", "Bcc" };
	mapi_object_t folder, msg, table;
	struct mapi_propval *p;
	struct mapi_recipient *r;
	struct mapi_row *rows;
	uint32_t n, i;
	uint64_t mid;
	enum MAPISTATUS ret;
	int status;
	char date[64];

	mapi_object_init(&folder);
	mapi_object_init(&msg);
	mapi_object_init(&table);
	status = open_message_arg(c, o, &folder, &msg, MAPI_OPEN_READ, &mid);
	if (status != 0) {
		goto done;
	}
	ret = GetProps(c->mem_ctx, &msg, tags, 5, &p);
	if (ret != MAPI_E_SUCCESS) {
		status = fail(c, "cannot read the message", ret);
		goto done;
	}
	printf("Message: 0x%016llx\n", (unsigned long long)mid);
	printf("Subject: %s\n", str_of(&p[0]) != NULL ? str_of(&p[0]) : "");
	if (str_of(&p[1]) != NULL || str_of(&p[2]) != NULL) {
		printf("From: %s <%s>\n", str_of(&p[1]) != NULL ? str_of(&p[1]) : "",
		       str_of(&p[2]) != NULL ? str_of(&p[2]) : "");
	}
	if (MAPI_PROP_TYPE(p[3].tag) == PTYP_TIME) {
		printf("Date: %s\n", time_of(date, sizeof(date), p[3].value.time));
	}
	ret = ReadRecipients(c->mem_ctx, &msg, &r, &n);
	if (ret != MAPI_E_SUCCESS) {
		status = fail(c, "cannot read the recipients", ret);
		goto done;
	}
	for (i = 0; i < n; i++) {
		printf("%s: %s <%s>\n", r[i].type >= 1 && r[i].type <= 3 ? kinds[r[i].type] : "Recipient",
		       r[i].display_name != NULL ? r[i].display_name : "",
		       r[i].smtp_address != NULL ? r[i].smtp_address : "");
	}
	ret = GetAttachmentTable(&msg, &table);
	if (ret == MAPI_E_SUCCESS) {
		ret = SetColumns(&table, acols, 4);
	}
	while (ret == MAPI_E_SUCCESS && status == 0) {
		ret = QueryRows(c->mem_ctx, &table, 100, &rows, &n);
		if (ret != MAPI_E_SUCCESS || n == 0) {
			break;
		}
		for (i = 0; i < n && status == 0; i++) {
			const struct mapi_propval *a = rows[i].props;
			const char *name;
			uint64_t size = 0;

			if (rows[i].count < 3 || MAPI_PROP_TYPE(a[0].tag) != PTYP_INTEGER32) {
				continue;
			}
			name = str_of(&a[1]);
			if (rows[i].count >= 4 && a[3].tag == PidTagAttachMethod &&
			    a[3].value.i32 == MAPI_ATTACH_EMBEDDED_MESSAGE) {
				status = fetch_embedded(c, &msg, a[0].value.i32, name, o->attachments);
				continue;
			}
			printf("Attachment: %u %s", (unsigned)a[0].value.i32, name != NULL ? name : "");
			if (MAPI_PROP_TYPE(a[2].tag) == PTYP_INTEGER32) {
				printf(" (%u bytes)", (unsigned)a[2].value.i32);
			}
			putchar('\n');
			if (o->attachments != NULL) {
				status = save_attachment(c, &msg, a[0].value.i32, o->attachments, name,
							 &size);
			}
		}
	}
	if (ret != MAPI_E_SUCCESS && status == 0) {
		status = fail(c, "cannot list the attachments", ret);
	}
	if (status == 0) {
		printf("\n%s", str_of(&p[4]) != NULL ? str_of(&p[4]) : "");
		if (str_of(&p[4]) != NULL && *str_of(&p[4]) != '\0' &&
		    str_of(&p[4])[strlen(str_of(&p[4])) - 1] != '\n') {
			putchar('\n');
		}
	}
done:
	mapi_object_release(&table);
	mapi_object_release(&msg);
	mapi_object_release(&folder);
	return status;
}

static const char *type_name(uint16_t type)
{
	switch (type) {
	case PTYP_INTEGER16: return "PtypInteger16";
	case PTYP_INTEGER32: return "PtypInteger32";
	case PTYP_FLOATING32: return "PtypFloating32";
	case PTYP_FLOATING64: return "PtypFloating64";
	case PTYP_CURRENCY: return "PtypCurrency";
	case PTYP_FLOATINGTIME: return "PtypFloatingTime";
	case PTYP_ERRORCODE: return "PtypErrorCode";
	case PTYP_BOOLEAN: return "PtypBoolean";
	case PTYP_OBJECT: return "PtypObject";
	case PTYP_INTEGER64: return "PtypInteger64";
	case PTYP_STRING8: return "PtypString8";
	case PTYP_STRING: return "PtypString";
	case PTYP_TIME: return "PtypTime";
	case PTYP_GUID: return "PtypGuid";
	case PTYP_SERVERID: return "PtypServerId";
	case PTYP_RESTRICTION: return "PtypRestriction";
	case PTYP_RULEACTION: return "PtypRuleAction";
	case PTYP_BINARY: return "PtypBinary";
	case PTYP_MULTIPLE_INTEGER16: return "PtypMultipleInteger16";
	case PTYP_MULTIPLE_INTEGER32: return "PtypMultipleInteger32";
	case PTYP_MULTIPLE_FLOATING32: return "PtypMultipleFloating32";
	case PTYP_MULTIPLE_FLOATING64: return "PtypMultipleFloating64";
	case PTYP_MULTIPLE_CURRENCY: return "PtypMultipleCurrency";
	case PTYP_MULTIPLE_FLOATINGTIME: return "PtypMultipleFloatingTime";
	case PTYP_MULTIPLE_INTEGER64: return "PtypMultipleInteger64";
	case PTYP_MULTIPLE_STRING8: return "PtypMultipleString8";
	case PTYP_MULTIPLE_STRING: return "PtypMultipleString";
	case PTYP_MULTIPLE_TIME: return "PtypMultipleTime";
	case PTYP_MULTIPLE_GUID: return "PtypMultipleGuid";
	case PTYP_MULTIPLE_BINARY: return "PtypMultipleBinary";
	default: return "unknown";
	}
}

static void print_binary(const struct mapi_binary *b)
{
	uint32_t i, shown = b->len > 64 ? 64 : b->len;

	printf("[%u bytes]", (unsigned)b->len);
	if (shown > 0) {
		putchar(' ');
	}
	for (i = 0; i < shown; i++) {
		printf("%02x", b->data[i]);
	}
	if (shown < b->len) {
		printf("...");
	}
}

static void print_guid(const struct mapi_guid *g)
{
	const uint8_t *b = g->bytes;

	/* Data1..3 are little-endian on the wire (MS-DTYP 2.3.4) */
	printf("%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
	       b[3], b[2], b[1], b[0], b[5], b[4], b[7], b[6], b[8], b[9], b[10], b[11], b[12],
	       b[13], b[14], b[15]);
}

/* One value on one line: newlines in strings are escaped. */
static void print_string(const char *s)
{
	for (; s != NULL && *s != '\0'; s++) {
		if (*s == '\n') {
			fputs("\\n", stdout);
		} else if (*s == '\r') {
			fputs("\\r", stdout);
		} else if (*s == '\t') {
			fputs("\\t", stdout);
		} else {
			putchar(*s);
		}
	}
}

static void print_value(const struct mapi_propval *v)
{
	const union mapi_propval_value *u = &v->value;
	char date[64];
	uint32_t i;

	switch (MAPI_PROP_TYPE(v->tag)) {
	case PTYP_INTEGER16: printf("%u", (unsigned)u->i16); break;
	case PTYP_INTEGER32: printf("%u (0x%08x)", (unsigned)u->i32, (unsigned)u->i32); break;
	case PTYP_FLOATING32: printf("%g", (double)u->f32); break;
	case PTYP_FLOATING64: printf("%g", u->f64); break;
	case PTYP_CURRENCY: printf("%lld", (long long)u->currency); break;
	case PTYP_FLOATINGTIME: printf("%g", u->floating_time); break;
	case PTYP_ERRORCODE: {
		const char *name = mapi_errstr(u->error_code);

		printf("%s (0x%08x)", name != NULL ? name : "?", (unsigned)u->error_code);
		break;
	}
	case PTYP_BOOLEAN: printf("%s", u->boolean ? "true" : "false"); break;
	case PTYP_INTEGER64: printf("0x%016llx", (unsigned long long)u->i64); break;
	case PTYP_STRING8: print_string(u->string8); break;
	case PTYP_STRING: print_string(u->string); break;
	case PTYP_TIME: printf("%s", time_of(date, sizeof(date), u->time)); break;
	case PTYP_GUID:
		if (u->guid != NULL) {
			print_guid(u->guid);
		}
		break;
	case PTYP_SERVERID: print_binary(&u->server_id); break;
	case PTYP_BINARY: print_binary(&u->binary); break;
	case PTYP_MULTIPLE_INTEGER16:
	case PTYP_MULTIPLE_INTEGER32:
	case PTYP_MULTIPLE_FLOATING32:
	case PTYP_MULTIPLE_FLOATING64:
	case PTYP_MULTIPLE_CURRENCY:
	case PTYP_MULTIPLE_FLOATINGTIME:
	case PTYP_MULTIPLE_INTEGER64:
	case PTYP_MULTIPLE_STRING8:
	case PTYP_MULTIPLE_STRING:
	case PTYP_MULTIPLE_TIME:
	case PTYP_MULTIPLE_GUID:
	case PTYP_MULTIPLE_BINARY: {
		/* every multi-valued member starts with the same count */
		uint32_t count = u->mv_i32.count;

		printf("{%u}", (unsigned)count);
		for (i = 0; i < count; i++) {
			struct mapi_propval one;

			one.tag = MAPI_PROP_TAG(MAPI_PROP_ID(v->tag),
						MAPI_PROP_TYPE(v->tag) & ~PTYP_MV_FLAG);
			switch (MAPI_PROP_TYPE(v->tag)) {
			case PTYP_MULTIPLE_INTEGER16: one.value.i16 = u->mv_i16.values[i]; break;
			case PTYP_MULTIPLE_INTEGER32: one.value.i32 = u->mv_i32.values[i]; break;
			case PTYP_MULTIPLE_FLOATING32: one.value.f32 = u->mv_f32.values[i]; break;
			case PTYP_MULTIPLE_FLOATING64: one.value.f64 = u->mv_f64.values[i]; break;
			case PTYP_MULTIPLE_CURRENCY: one.value.currency = u->mv_currency.values[i]; break;
			case PTYP_MULTIPLE_FLOATINGTIME:
				one.value.floating_time = u->mv_floating_time.values[i];
				break;
			case PTYP_MULTIPLE_INTEGER64: one.value.i64 = u->mv_i64.values[i]; break;
			case PTYP_MULTIPLE_STRING8: one.value.string8 = u->mv_string8.values[i]; break;
			case PTYP_MULTIPLE_STRING: one.value.string = u->mv_string.values[i]; break;
			case PTYP_MULTIPLE_TIME: one.value.time = u->mv_time.values[i]; break;
			case PTYP_MULTIPLE_GUID: one.value.guid = &u->mv_guid.values[i]; break;
			default: one.value.binary = u->mv_binary.values[i]; break;
			}
			printf(i == 0 ? " " : "; ");
			print_value(&one);
		}
		break;
	}
	default:
		printf("(not shown)");
		break;
	}
}

static const char *tag_name(uint32_t tag)
{
	size_t i;

	for (i = 0; i < sizeof(tag_names) / sizeof(tag_names[0]); i++) {
		if (tag_names[i].tag == tag) {
			return tag_names[i].name;
		}
	}
	/* a named property (0x8000 and up) or one gen_proptags.h does not know */
	return NULL;
}

/* --- embedded messages (MS-OXCMSG 2.2.2.9 afEmbeddedMessage) -------------- */

/* Dumps no deeper than the converter exports (oxcmail.h) */
#define EMBED_MAX_DEPTH OXCMAIL_MAX_DEPTH

/* Opens attachment NUMBER of MSG and the message embedded in it, read-only. */
static int open_embedded(struct client *c, mapi_object_t *msg, uint32_t number,
			 mapi_object_t *attach, mapi_object_t *embedded)
{
	enum MAPISTATUS ret = OpenAttach(msg, number, attach);

	if (ret == MAPI_E_SUCCESS) {
		ret = OpenEmbeddedMessage(attach, MAPI_OPEN_READ, embedded);
	}
	return ret == MAPI_E_SUCCESS ? 0 : fail(c, "cannot open an embedded message", ret);
}

/*
 * --fetch of an attachment holding a message: its subject, and with DIR
 * the message as DIR/NAME.eml (RFC 5322, CRLF), converted by the
 * exchange2mbox core with its own attachments and embedded messages.
 */
static int fetch_embedded(struct client *c, mapi_object_t *msg, uint32_t number, const char *name,
			  const char *dir)
{
	TALLOC_CTX *tmp = talloc_new(c->mem_ctx);
	mapi_object_t attach, embedded;
	struct oxcmail_message m;
	struct oxcmail_options opts = { .flags = OXCMAIL_CRLF };
	const struct mapi_propval *subject;
	char *text, *file, *path;
	size_t len;
	FILE *f;
	int status;

	mapi_object_init(&attach);
	mapi_object_init(&embedded);
	status = open_embedded(c, msg, number, &attach, &embedded);
	if (status == 0 && !oxcmail_load_message(tmp, &embedded, 0, &m)) {
		status = fail(c, "cannot read an embedded message", MAPI_E_CALL_FAILED);
	}
	if (status != 0) {
		goto done;
	}
	subject = GetPropValue(m.props, m.prop_count, PidTagSubject);
	printf("Attachment: %u %s (embedded message: %s)\n", (unsigned)number, name != NULL ? name : "",
	       subject != NULL ? subject->value.string : "");
	if (dir == NULL) {
		goto done;
	}
	text = oxcmail_export(tmp, &m, &opts, &len);
	file = safe_file_name(tmp, name != NULL ? name : subject != NULL ? subject->value.string : NULL,
			      number);
	len = text != NULL ? len : 0;
	if (text == NULL || file == NULL) {
		status = error("%s", "out of memory");
		goto done;
	}
	if (strlen(file) < 4 || strcasecmp(file + strlen(file) - 4, ".eml") != 0) {
		file = talloc_asprintf(tmp, "%s.eml", file);
	}
	path = talloc_asprintf(tmp, "%s/%s", dir, file);
	f = fopen(path, "wb");
	if (f == NULL) {
		status = error("cannot write %s", path);
		goto done;
	}
	if (fwrite(text, 1, len, f) != len) {
		status = error("cannot write %s", path);
	}
	if (fclose(f) != 0 && status == 0) {
		status = error("cannot write %s", path);
	}
	if (status == 0) {
		printf("Saved: %s\n", path);
	}
done:
	mapi_object_release(&embedded);
	mapi_object_release(&attach);
	talloc_free(tmp);
	return status;
}

/* --dump's lines: name, tag, type and value of each property, indented by INDENT spaces. */
static void print_props(const struct mapi_propval *p, uint32_t n, unsigned indent)
{
	uint32_t i;

	for (i = 0; i < n; i++) {
		const char *name = tag_name(p[i].tag);

		printf("%*s", (int)indent, "");
		if (name != NULL) {
			printf("%s", name);
		} else {
			printf("0x%04x", (unsigned)MAPI_PROP_ID(p[i].tag));
		}
		printf("\t0x%08x\t%s\t", (unsigned)p[i].tag, type_name(MAPI_PROP_TYPE(p[i].tag)));
		print_value(&p[i]);
		putchar('\n');
	}
}

/*
 * --dump of MSG's embedded messages, DEPTH levels down: a heading per
 * attachment holding one, then its properties indented two spaces per
 * level, then its own embedded messages.
 */
static int dump_embedded(struct client *c, mapi_object_t *msg, unsigned depth)
{
	static const uint32_t cols[] = { PidTagAttachNumber, PidTagAttachMethod };
	mapi_object_t table;
	struct mapi_row *rows;
	uint32_t n, i;
	enum MAPISTATUS ret;
	int status = 0;

	mapi_object_init(&table);
	ret = GetAttachmentTable(msg, &table);
	if (ret == MAPI_E_SUCCESS) {
		ret = SetColumns(&table, cols, 2);
	}
	while (ret == MAPI_E_SUCCESS && status == 0) {
		ret = QueryRows(c->mem_ctx, &table, 100, &rows, &n);
		if (ret != MAPI_E_SUCCESS || n == 0) {
			break;
		}
		for (i = 0; i < n && status == 0; i++) {
			const struct mapi_propval *a = rows[i].props;
			mapi_object_t attach, embedded;
			struct mapi_propval *p = NULL;
			uint32_t np = 0;

			if (rows[i].count < 2 || a[0].tag != PidTagAttachNumber ||
			    a[1].tag != PidTagAttachMethod ||
			    a[1].value.i32 != MAPI_ATTACH_EMBEDDED_MESSAGE) {
				continue;
			}
			printf("%*sEmbedded message in attachment %u:\n", (int)(2 * depth - 2), "",
			       (unsigned)a[0].value.i32);
			if (depth >= EMBED_MAX_DEPTH) {
				printf("%*s(nested too deep: not shown)\n", (int)(2 * depth), "");
				continue;
			}
			mapi_object_init(&attach);
			mapi_object_init(&embedded);
			status = open_embedded(c, msg, a[0].value.i32, &attach, &embedded);
			if (status == 0) {
				ret = GetPropsAll(c->mem_ctx, &embedded, &p, &np);
				if (ret != MAPI_E_SUCCESS) {
					status = fail(c, "cannot read an embedded message", ret);
				}
			}
			if (status == 0) {
				print_props(p, np, 2 * depth);
				talloc_free(p);
				status = dump_embedded(c, &embedded, depth + 1);
			}
			mapi_object_release(&embedded);
			mapi_object_release(&attach);
		}
	}
	mapi_object_release(&table);
	if (ret != MAPI_E_SUCCESS && status == 0) {
		status = fail(c, "cannot list the attachments", ret);
	}
	return status;
}

/*
 * --create-message --embed SUBJECT: an attachment holding a new message
 * (RopOpenEmbeddedMessage with Create, which makes the attachment
 * afEmbeddedMessage) with SUBJECT and BODY.  The embedded message is saved
 * into the attachment, the attachment into MSG (MS-OXCMSG 3.2.5.16).
 */
static int add_embedded(struct client *c, mapi_object_t *msg, const char *subject, const char *body)
{
	mapi_object_t attach, embedded;
	struct mapi_propval props[3];
	enum MAPISTATUS ret;

	mapi_object_init(&attach);
	mapi_object_init(&embedded);
	ret = CreateAttach(msg, &attach);
	if (ret == MAPI_E_SUCCESS) {
		/* what a client shows for the attachment: the message's subject */
		props[0].tag = PidTagDisplayName;
		props[0].value.string = (char *)subject;
		ret = SetProps(&attach, props, 1);
	}
	if (ret == MAPI_E_SUCCESS) {
		ret = OpenEmbeddedMessage(&attach, MAPI_OPEN_CREATE, &embedded);
	}
	if (ret == MAPI_E_SUCCESS) {
		props[0].tag = PidTagMessageClass;
		props[0].value.string = (char *)"IPM.Note";
		props[1].tag = PidTagSubject;
		props[1].value.string = (char *)subject;
		props[2].tag = PidTagBody;
		props[2].value.string = (char *)(body != NULL ? body : "");
		ret = SetProps(&embedded, props, 3);
	}
	if (ret == MAPI_E_SUCCESS) {
		ret = SaveChangesMessage(&embedded, NULL);
	}
	mapi_object_release(&embedded);
	if (ret == MAPI_E_SUCCESS) {
		ret = SaveChangesAttachment(&attach);
	}
	mapi_object_release(&attach);
	return ret == MAPI_E_SUCCESS ? 0 : fail(c, "cannot attach the embedded message", ret);
}

static int cmd_dump(struct client *c, const struct options *o)
{
	mapi_object_t folder, msg;
	struct mapi_propval *p = NULL;
	uint32_t n = 0;
	uint64_t mid;
	enum MAPISTATUS ret;
	int status;

	mapi_object_init(&folder);
	mapi_object_init(&msg);
	status = open_message_arg(c, o, &folder, &msg, MAPI_OPEN_READ, &mid);
	if (status == 0) {
		ret = GetPropsAll(c->mem_ctx, &msg, &p, &n);
		if (ret != MAPI_E_SUCCESS) {
			status = fail(c, "cannot read the properties", ret);
		}
	}
	if (status == 0) {
		print_props(p, n, 0);
		status = dump_embedded(c, &msg, 1);
	}
	mapi_object_release(&msg);
	mapi_object_release(&folder);
	return status;
}

static int cmd_create_folder(struct client *c, const struct options *o)
{
	mapi_object_t parent, folder;
	uint64_t parent_fid = c->top_fid;
	enum MAPISTATUS ret;
	int status;

	if (o->parent != NULL) {
		status = find_folder(c, o->parent, &parent_fid, NULL);
		if (status != 0) {
			return status;
		}
	}
	mapi_object_init(&parent);
	mapi_object_init(&folder);
	ret = OpenFolder(&c->store, parent_fid, &parent);
	if (ret == MAPI_E_SUCCESS) {
		ret = CreateFolder(&parent, MAPI_FOLDER_GENERIC, o->cmd_arg, NULL, false, &folder);
	}
	if (ret == MAPI_E_SUCCESS) {
		printf("Created folder %s [0x%016llx]\n", o->cmd_arg, (unsigned long long)folder.id);
	}
	mapi_object_release(&folder);
	mapi_object_release(&parent);
	if (ret == MAPI_E_COLLISION) {
		return error("a folder named '%s' exists already", o->cmd_arg);
	}
	return ret == MAPI_E_SUCCESS ? 0 : fail(c, "cannot create the folder", ret);
}

static int cmd_delete_folder(struct client *c, const struct options *o)
{
	mapi_object_t parent;
	uint64_t fid, parent_fid;
	enum MAPISTATUS ret;
	int status = find_folder(c, o->cmd_arg, &fid, &parent_fid);

	if (status != 0) {
		return status;
	}
	mapi_object_init(&parent);
	ret = OpenFolder(&c->store, parent_fid, &parent);
	if (ret == MAPI_E_SUCCESS) {
		/* with its messages and subfolders, as a user deleting it expects */
		ret = DeleteFolder(&parent, fid, MAPI_DEL_MESSAGES | MAPI_DEL_FOLDERS);
	}
	mapi_object_release(&parent);
	if (ret != MAPI_E_SUCCESS) {
		return fail(c, "cannot delete the folder", ret);
	}
	printf("Deleted folder [0x%016llx]\n", (unsigned long long)fid);
	return 0;
}

static uint8_t *read_file(TALLOC_CTX *mem_ctx, const char *path, uint32_t *size)
{
	FILE *f = fopen(path, "rb");
	uint8_t *data = NULL;
	long len;

	if (f == NULL) {
		return NULL;
	}
	if (fseek(f, 0, SEEK_END) == 0 && (len = ftell(f)) >= 0 && len < 0x7FFFFFFF &&
	    fseek(f, 0, SEEK_SET) == 0) {
		data = talloc_array(mem_ctx, uint8_t, len > 0 ? len : 1);
		if (data != NULL && fread(data, 1, len, f) != (size_t)len) {
			talloc_free(data);
			data = NULL;
		}
		*size = (uint32_t)len;
	}
	fclose(f);
	return data;
}

static int add_attachment(struct client *c, mapi_object_t *msg, const char *path)
{
	mapi_object_t attach, stream;
	struct mapi_propval props[2];
	uint32_t size = 0;
	uint8_t *data = read_file(c->mem_ctx, path, &size);
	enum MAPISTATUS ret;

	if (data == NULL) {
		return error("cannot read %s", path);
	}
	mapi_object_init(&attach);
	mapi_object_init(&stream);
	ret = CreateAttach(msg, &attach);
	if (ret == MAPI_E_SUCCESS) {
		props[0].tag = PidTagAttachMethod;
		props[0].value.i32 = ATTACH_BY_VALUE;
		props[1].tag = PidTagAttachLongFilename;
		props[1].value.string = safe_file_name(c->mem_ctx, path, 0);
		ret = SetProps(&attach, props, 2);
	}
	/* the data through a stream: it may exceed a ROP buffer (MS-OXCPRPT 3.2.5.13) */
	if (ret == MAPI_E_SUCCESS) {
		ret = OpenStream(&attach, PidTagAttachDataBinary, MAPI_OPEN_CREATE, &stream);
	}
	if (ret == MAPI_E_SUCCESS && size > 0) {
		ret = WriteStream(&stream, data, size);
	}
	if (ret == MAPI_E_SUCCESS) {
		ret = CommitStream(&stream);
	}
	mapi_object_release(&stream);
	if (ret == MAPI_E_SUCCESS) {
		ret = SaveChangesAttachment(&attach);
	}
	mapi_object_release(&attach);
	talloc_free(data);
	return ret == MAPI_E_SUCCESS ? 0 : fail(c, "cannot attach the file", ret);
}

static int cmd_create_message(struct client *c, const struct options *o)
{
	mapi_object_t folder, msg;
	struct mapi_propval props[3];
	struct mapi_recipient *recips;
	uint64_t mid = 0;
	enum MAPISTATUS ret;
	unsigned i;
	int status;

	mapi_object_init(&folder);
	mapi_object_init(&msg);
	status = open_folder_arg(c, o->folder, &folder);
	if (status != 0) {
		return status;
	}
	ret = CreateMessage(&folder, &msg);
	if (ret == MAPI_E_SUCCESS) {
		props[0].tag = PidTagMessageClass;
		props[0].value.string = (char *)"IPM.Note";
		props[1].tag = PidTagSubject;
		props[1].value.string = (char *)o->subject;
		props[2].tag = PidTagBody;
		props[2].value.string = (char *)(o->body != NULL ? o->body : "");
		ret = SetProps(&msg, props, 3);
	}
	if (ret == MAPI_E_SUCCESS && o->n_to > 0) {
		recips = talloc_zero_array(c->mem_ctx, struct mapi_recipient, o->n_to);
		for (i = 0; i < o->n_to; i++) {
			recips[i].type = MAPI_TO;
			recips[i].display_name = o->to[i];
			recips[i].smtp_address = o->to[i];
		}
		ret = ModifyRecipients(&msg, recips, o->n_to);
	}
	if (ret != MAPI_E_SUCCESS) {
		status = fail(c, "cannot create the message", ret);
	}
	for (i = 0; status == 0 && i < o->n_attach; i++) {
		status = add_attachment(c, &msg, o->attach[i]);
	}
	if (status == 0 && o->embed != NULL) {
		status = add_embedded(c, &msg, o->embed, o->embed_body);
	}
	if (status == 0) {
		ret = SaveChangesMessage(&msg, &mid);
		if (ret != MAPI_E_SUCCESS) {
			status = fail(c, "cannot save the message", ret);
		} else {
			printf("Created message 0x%016llx\n", (unsigned long long)mid);
		}
	}
	mapi_object_release(&msg);
	mapi_object_release(&folder);
	return status;
}

static int cmd_delete_message(struct client *c, const struct options *o)
{
	mapi_object_t folder, msg;
	uint64_t mid;
	enum MAPISTATUS ret;
	int status;

	mapi_object_init(&folder);
	mapi_object_init(&msg);
	/* opened first, so that a wrong MID is an error and not a silent no-op */
	status = open_message_arg(c, o, &folder, &msg, MAPI_OPEN_READ, &mid);
	mapi_object_release(&msg);
	if (status == 0) {
		ret = DeleteMessages(&folder, &mid, 1);
		if (ret != MAPI_E_SUCCESS) {
			status = fail(c, "cannot delete the message", ret);
		} else {
			printf("Deleted message 0x%016llx\n", (unsigned long long)mid);
		}
	}
	mapi_object_release(&folder);
	return status;
}

/* --- contacts, appointments, tasks --------------------------------------- */

/* Property sets of MS-OXPROPS 1.3.2, as on the wire (Data1..3 little-endian). */
static const uint8_t psetid_address[16] = { 0x04, 0x20, 0x06, 0x00, 0x00, 0x00, 0x00, 0x00,
					    0xC0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x46 };
static const uint8_t psetid_appointment[16] = { 0x02, 0x20, 0x06, 0x00, 0x00, 0x00, 0x00, 0x00,
						0xC0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x46 };
static const uint8_t psetid_task[16] = { 0x03, 0x20, 0x06, 0x00, 0x00, 0x00, 0x00, 0x00,
					 0xC0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x46 };

/* A named property to set: its set, LID, type and value. */
struct named_value {
	const uint8_t *guid;
	uint32_t lid;
	struct mapi_propval pv;		/* pv.tag holds only the type */
};

/* 'YYYY-MM-DD HH:MM' or 'YYYY-MM-DD', UTC, to a FILETIME. */
static bool parse_time(const char *s, uint64_t *filetime)
{
	struct tm tm = { 0 };
	int y, mo, d, h = 0, mi = 0, n = 0;
	time_t t;

	if (sscanf(s, "%4d-%2d-%2d%n", &y, &mo, &d, &n) != 3) {
		return false;
	}
	if (s[n] != '\0') {
		const char *rest = s + n;
		int m = 0;

		if (sscanf(rest, " %2d:%2d%n", &h, &mi, &m) != 2 || rest[m] != '\0') {
			return false;
		}
	}
	if (y < 1601 || mo < 1 || mo > 12 || d < 1 || d > 31 || h < 0 || h > 23 || mi < 0 ||
	    mi > 59) {
		return false;
	}
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	t = timegm(&tm);
	*filetime = ((uint64_t)(t + 11644473600LL)) * 10000000ULL;
	return true;
}

/*
 * Saves an item of CLASS in folder ARG (or the default folder DEFAULT):
 * PROPS, and NAMED mapped to ids by GetIDsFromNames (MS-OXCPRPT 2.2.12).
 */
static int create_item(struct client *c, const char *arg, uint32_t def, const char *class,
		       struct mapi_propval *props, uint16_t n_props, struct named_value *named,
		       uint16_t n_named, const char *what)
{
	mapi_object_t folder, msg;
	struct mapi_nameid *names = talloc_zero_array(c->mem_ctx, struct mapi_nameid, n_named + 1);
	struct mapi_propval *all = talloc_zero_array(c->mem_ctx, struct mapi_propval,
						     n_props + n_named + 1);
	uint16_t *ids = NULL, i;
	uint64_t fid, mid = 0;
	enum MAPISTATUS ret;
	int status;

	mapi_object_init(&folder);
	mapi_object_init(&msg);
	if (arg != NULL) {
		status = open_folder_arg(c, arg, &folder);
		if (status != 0) {
			return status;
		}
	} else {
		ret = GetDefaultFolder(&c->store, def, &fid);
		if (ret == MAPI_E_SUCCESS) {
			ret = OpenFolder(&c->store, fid, &folder);
		}
		if (ret != MAPI_E_SUCCESS) {
			return fail(c, "cannot open the default folder", ret);
		}
	}
	for (i = 0; i < n_named; i++) {
		memcpy(names[i].guid.bytes, named[i].guid, 16);
		names[i].is_string = false;
		names[i].lid = named[i].lid;
	}
	ret = MAPI_E_SUCCESS;
	if (n_named > 0) {
		ret = GetIDsFromNames(c->mem_ctx, &folder, names, n_named, true, &ids);
	}
	if (ret == MAPI_E_SUCCESS) {
		all[0].tag = PidTagMessageClass;
		all[0].value.string = (char *)class;
		memcpy(all + 1, props, n_props * sizeof(*props));
		for (i = 0; i < n_named; i++) {
			all[1 + n_props + i] = named[i].pv;
			all[1 + n_props + i].tag = MAPI_PROP_TAG(ids[i], MAPI_PROP_TYPE(named[i].pv.tag));
		}
		ret = CreateMessage(&folder, &msg);
	}
	if (ret == MAPI_E_SUCCESS) {
		ret = SetProps(&msg, all, 1 + n_props + n_named);
	}
	if (ret == MAPI_E_SUCCESS) {
		ret = SaveChangesMessage(&msg, &mid);
	}
	mapi_object_release(&msg);
	mapi_object_release(&folder);
	if (ret != MAPI_E_SUCCESS) {
		return fail(c, what, ret);
	}
	printf("Created message 0x%016llx\n", (unsigned long long)mid);
	return 0;
}

static int cmd_create_contact(struct client *c, const struct options *o)
{
	struct mapi_propval props[2];
	struct named_value named[2];
	uint16_t n_named = 0;

	props[0].tag = PidTagDisplayName;
	props[0].value.string = (char *)o->cmd_arg;
	props[1].tag = PidTagSubject;
	props[1].value.string = (char *)o->cmd_arg;
	/* the first e-mail address of a contact (MS-OXOCNTC 2.2.1.2) */
	if (o->email != NULL) {
		named[n_named].guid = psetid_address;
		named[n_named].lid = 0x8083;	/* PidLidEmail1EmailAddress */
		named[n_named].pv.tag = PTYP_STRING;
		named[n_named++].pv.value.string = (char *)o->email;
		named[n_named].guid = psetid_address;
		named[n_named].lid = 0x8080;	/* PidLidEmail1DisplayName */
		named[n_named].pv.tag = PTYP_STRING;
		named[n_named++].pv.value.string = (char *)o->cmd_arg;
	}
	return create_item(c, o->folder, olFolderContacts, "IPM.Contact", props, 2, named, n_named,
			   "cannot create the contact");
}

static int cmd_create_appointment(struct client *c, const struct options *o)
{
	struct mapi_propval props[4];
	struct named_value named[2];
	uint64_t start, end;

	if (!parse_time(o->start, &start) || !parse_time(o->end, &end)) {
		return error("%s", "--start and --end take 'YYYY-MM-DD HH:MM' or 'YYYY-MM-DD' (UTC)");
	}
	if (end < start) {
		return error("%s", "the appointment ends before it starts");
	}
	props[0].tag = PidTagSubject;
	props[0].value.string = (char *)o->cmd_arg;
	props[1].tag = PidTagBody;
	props[1].value.string = (char *)(o->body != NULL ? o->body : "");
	/* PidTagStartDate/EndDate mirror the whole times (MS-OXOCAL 2.2.1.30, 2.2.1.31) */
	props[2].tag = PidTagStartDate;
	props[2].value.time = start;
	props[3].tag = PidTagEndDate;
	props[3].value.time = end;
	named[0].guid = psetid_appointment;
	named[0].lid = 0x820D;			/* PidLidAppointmentStartWhole */
	named[0].pv.tag = PTYP_TIME;
	named[0].pv.value.time = start;
	named[1].guid = psetid_appointment;
	named[1].lid = 0x820E;			/* PidLidAppointmentEndWhole */
	named[1].pv.tag = PTYP_TIME;
	named[1].pv.value.time = end;
	return create_item(c, o->folder, olFolderCalendar, "IPM.Appointment", props, 4, named, 2,
			   "cannot create the appointment");
}

static int cmd_create_task(struct client *c, const struct options *o)
{
	struct mapi_propval props[2];
	struct named_value named[1];
	uint64_t due = 0;

	if (o->due != NULL && !parse_time(o->due, &due)) {
		return error("%s", "--due takes 'YYYY-MM-DD HH:MM' or 'YYYY-MM-DD' (UTC)");
	}
	props[0].tag = PidTagSubject;
	props[0].value.string = (char *)o->cmd_arg;
	props[1].tag = PidTagBody;
	props[1].value.string = (char *)(o->body != NULL ? o->body : "");
	named[0].guid = psetid_task;
	named[0].lid = 0x8105;			/* PidLidTaskDueDate (MS-OXOTASK 2.2.2.2.5) */
	named[0].pv.tag = PTYP_TIME;
	named[0].pv.value.time = due;
	return create_item(c, o->folder, olFolderTasks, "IPM.Task", props, 2, named,
			   o->due != NULL ? 1 : 0, "cannot create the task");
}

/* --- options ------------------------------------------------------------- */

enum {
	OPT_HELP = 256, OPT_PROFILE, OPT_PROFILE_FILE, OPT_SERVER, OPT_USER, OPT_PASSWORD,
	OPT_DOMAIN, OPT_FOLDER, OPT_PARENT, OPT_ATTACHMENTS, OPT_SUBJECT, OPT_BODY, OPT_TO,
	OPT_ATTACH, OPT_EMAIL, OPT_START, OPT_END, OPT_DUE, OPT_CONTAINER, OPT_COUNT,
	OPT_EMBED, OPT_EMBED_BODY,
};

/* --- the address book ---------------------------------------------------- */

/*
 * --gal: every entry of the GAL or of the address list --container names,
 * one line each (display name, SMTP address, account; tab-separated), read
 * --count rows per NspiQueryRows.
 */
static int cmd_gal(struct client *c, const struct options *o)
{
	static const uint32_t cols[] = { PidTagDisplayName, PidTagSmtpAddress, PidTagAccount };
	uint32_t container = MAPI_AB_GAL, page = 100, n, i, j, total = 0, shown = 0;
	struct mapi_ab_container *lists;
	struct mapi_ab_table *table;
	struct mapi_row *rows;
	enum MAPISTATUS ret;
	char *end;

	if (o->count != NULL) {
		unsigned long v;

		errno = 0;
		v = strtoul(o->count, &end, 10);
		if (errno != 0 || *o->count == '-' || end == o->count || *end != '\0' || v == 0 ||
		    v > 1000) {
			return error("--count %s: give a number of entries from 1 to 1000", o->count);
		}
		page = (uint32_t)v;
	}
	if (o->container != NULL) {
		ret = GetABHierarchy(c->mem_ctx, c->session, &lists, &n);
		if (ret != MAPI_E_SUCCESS) {
			return fail(c, "cannot read the address lists", ret);
		}
		for (i = 0; i < n && strcasecmp(lists[i].display_name, o->container) != 0; i++) {
		}
		if (i == n) {
			fprintf(stderr, PROGRAM ": no address list named '%s'; there are:", o->container);
			for (i = 0; i < n; i++) {
				fprintf(stderr, "%s '%s'", i ? "," : "", lists[i].display_name);
			}
			fputc('\n', stderr);
			return EXIT_FAILURE;
		}
		container = lists[i].container_id;
	}
	ret = OpenGALTable(c->mem_ctx, c->session, container, &table);
	if (ret == MAPI_E_SUCCESS) {
		ret = GetGALTableCount(table, &total, NULL);
	}
	if (ret != MAPI_E_SUCCESS) {
		return fail(c, "cannot open the address book", ret);
	}
	do {
		ret = GetGALTable(c->mem_ctx, table, cols, 3, page, &rows, &n);
		if (ret != MAPI_E_SUCCESS) {
			return fail(c, "cannot read the address book", ret);
		}
		for (i = 0; i < n; i++) {
			for (j = 0; j < 3; j++) {
				const char *v = str_of(&rows[i].props[j]);

				printf("%s%s", j ? "\t" : "", v != NULL ? v : "");
			}
			putchar('\n');
		}
		shown += n;
		talloc_free(rows);
	} while (n > 0);
	printf("%u of %u entries\n", shown, total);
	talloc_free(table);
	return 0;
}

static int set_command(struct options *o, enum command cmd, const char *arg)
{
	if (o->cmd != CMD_NONE) {
		return usage_error("%s", "only one command at a time");
	}
	o->cmd = cmd;
	o->cmd_arg = arg;
	return 0;
}

static int parse_options(int argc, char **argv, struct options *o)
{
	static const struct option long_options[] = {
		{ "help", no_argument, NULL, OPT_HELP },
		{ "profile", required_argument, NULL, OPT_PROFILE },
		{ "profile-file", required_argument, NULL, OPT_PROFILE_FILE },
		{ "server", required_argument, NULL, OPT_SERVER },
		{ "user", required_argument, NULL, OPT_USER },
		{ "password", required_argument, NULL, OPT_PASSWORD },
		{ "domain", required_argument, NULL, OPT_DOMAIN },
		{ "folder", required_argument, NULL, OPT_FOLDER },
		{ "parent", required_argument, NULL, OPT_PARENT },
		{ "attachments", required_argument, NULL, OPT_ATTACHMENTS },
		{ "subject", required_argument, NULL, OPT_SUBJECT },
		{ "body", required_argument, NULL, OPT_BODY },
		{ "to", required_argument, NULL, OPT_TO },
		{ "attach", required_argument, NULL, OPT_ATTACH },
		{ "list-folders", no_argument, NULL, CMD_LIST_FOLDERS },
		{ "list-messages", no_argument, NULL, CMD_LIST_MESSAGES },
		{ "fetch", required_argument, NULL, CMD_FETCH },
		{ "create-folder", required_argument, NULL, CMD_CREATE_FOLDER },
		{ "delete-folder", required_argument, NULL, CMD_DELETE_FOLDER },
		{ "create-message", no_argument, NULL, CMD_CREATE_MESSAGE },
		{ "delete-message", required_argument, NULL, CMD_DELETE_MESSAGE },
		{ "dump", required_argument, NULL, CMD_DUMP },
		{ "send", no_argument, NULL, CMD_SEND },
		{ "create-contact", required_argument, NULL, CMD_CREATE_CONTACT },
		{ "create-appointment", required_argument, NULL, CMD_CREATE_APPOINTMENT },
		{ "create-task", required_argument, NULL, CMD_CREATE_TASK },
		{ "email", required_argument, NULL, OPT_EMAIL },
		{ "start", required_argument, NULL, OPT_START },
		{ "end", required_argument, NULL, OPT_END },
		{ "due", required_argument, NULL, OPT_DUE },
		{ "gal", no_argument, NULL, CMD_GAL },
		{ "container", required_argument, NULL, OPT_CONTAINER },
		{ "count", required_argument, NULL, OPT_COUNT },
		{ "embed", required_argument, NULL, OPT_EMBED },
		{ "embed-body", required_argument, NULL, OPT_EMBED_BODY },
		{ NULL, 0, NULL, 0 },
	};
	int c, status;

	opterr = 0;
	while ((c = getopt_long(argc, argv, ":", long_options, NULL)) != -1) {
		switch (c) {
		case OPT_HELP: usage(stdout); exit(EXIT_SUCCESS);
		case OPT_PROFILE: o->profile = optarg; break;
		case OPT_PROFILE_FILE: o->profile_file = optarg; break;
		case OPT_SERVER: o->params.server = optarg; break;
		case OPT_USER: o->params.username = optarg; break;
		case OPT_PASSWORD: o->params.password = optarg; break;
		case OPT_DOMAIN: o->params.domain = optarg; break;
		case OPT_FOLDER: o->folder = optarg; break;
		case OPT_PARENT: o->parent = optarg; break;
		case OPT_ATTACHMENTS: o->attachments = optarg; break;
		case OPT_SUBJECT: o->subject = optarg; break;
		case OPT_BODY: o->body = optarg; break;
		case OPT_EMAIL: o->email = optarg; break;
		case OPT_START: o->start = optarg; break;
		case OPT_END: o->end = optarg; break;
		case OPT_DUE: o->due = optarg; break;
		case OPT_CONTAINER: o->container = optarg; break;
		case OPT_COUNT: o->count = optarg; break;
		case OPT_EMBED: o->embed = optarg; break;
		case OPT_EMBED_BODY: o->embed_body = optarg; break;
		case OPT_TO:
			if (o->n_to == MAX_LIST) {
				return usage_error("%s", "too many --to");
			}
			o->to[o->n_to++] = optarg;
			break;
		case OPT_ATTACH:
			if (o->n_attach == MAX_LIST) {
				return usage_error("%s", "too many --attach");
			}
			o->attach[o->n_attach++] = optarg;
			break;
		case CMD_LIST_FOLDERS: case CMD_LIST_MESSAGES: case CMD_FETCH:
		case CMD_CREATE_FOLDER: case CMD_DELETE_FOLDER: case CMD_CREATE_MESSAGE:
		case CMD_DELETE_MESSAGE: case CMD_DUMP: case CMD_SEND: case CMD_CREATE_CONTACT:
		case CMD_CREATE_APPOINTMENT: case CMD_CREATE_TASK: case CMD_GAL:
			status = set_command(o, (enum command)c, optarg);
			if (status != 0) {
				return status;
			}
			break;
		case ':':
			return usage_error("option %s needs an argument", argv[optind - 1]);
		default:
			return usage_error("unknown option %s", argv[optind - 1]);
		}
	}
	if (optind < argc) {
		return usage_error("unexpected argument '%s'", argv[optind]);
	}
	if (o->cmd == CMD_NONE) {
		return usage_error("%s", "no command given");
	}
	if (o->cmd == CMD_SEND) {
		return 0;
	}
	if (o->profile == NULL && (o->params.server == NULL || o->params.username == NULL ||
				   o->params.password == NULL)) {
		return usage_error("%s", "give --profile NAME, or --server, --user and --password");
	}
	if ((o->cmd == CMD_LIST_MESSAGES || o->cmd == CMD_FETCH || o->cmd == CMD_DUMP ||
	     o->cmd == CMD_CREATE_MESSAGE || o->cmd == CMD_DELETE_MESSAGE) && o->folder == NULL) {
		return usage_error("%s", "this command needs --folder NAME|FID");
	}
	if (o->cmd == CMD_CREATE_MESSAGE && o->subject == NULL) {
		return usage_error("%s", "--create-message needs --subject");
	}
	if ((o->embed != NULL || o->embed_body != NULL) && o->cmd != CMD_CREATE_MESSAGE) {
		return usage_error("%s", "--embed goes with --create-message");
	}
	if (o->embed_body != NULL && o->embed == NULL) {
		return usage_error("%s", "--embed-body needs --embed SUBJECT");
	}
	if (o->cmd == CMD_CREATE_APPOINTMENT && (o->start == NULL || o->end == NULL)) {
		return usage_error("%s", "--create-appointment needs --start and --end");
	}
	if ((o->container != NULL || o->count != NULL) && o->cmd != CMD_GAL) {
		return usage_error("%s", "--container and --count go with --gal");
	}
	if (o->cmd == CMD_CREATE_FOLDER && *o->cmd_arg == '\0') {
		return usage_error("%s", "--create-folder needs a non-empty name");
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct options o = { 0 };
	struct client c = { 0 };
	int status;

	status = parse_options(argc, argv, &o);
	if (status != 0) {
		return status;
	}
	if (o.cmd == CMD_SEND) {
		/* submission (MS-OXOMSG RopSubmitMessage) is not served by mapiproxy yet */
		fprintf(stderr, PROGRAM ": message submission is not supported by this server yet; "
			"use --create-message to store a message in a folder\n");
		return EXIT_FAILURE;
	}
	c.mem_ctx = talloc_new(NULL);
	status = client_open(&c, &o);
	if (status == 0) {
		switch (o.cmd) {
		case CMD_LIST_FOLDERS: status = cmd_list_folders(&c); break;
		case CMD_LIST_MESSAGES: status = cmd_list_messages(&c, &o); break;
		case CMD_FETCH: status = cmd_fetch(&c, &o); break;
		case CMD_DUMP: status = cmd_dump(&c, &o); break;
		case CMD_CREATE_FOLDER: status = cmd_create_folder(&c, &o); break;
		case CMD_DELETE_FOLDER: status = cmd_delete_folder(&c, &o); break;
		case CMD_CREATE_MESSAGE: status = cmd_create_message(&c, &o); break;
		case CMD_DELETE_MESSAGE: status = cmd_delete_message(&c, &o); break;
		case CMD_CREATE_CONTACT: status = cmd_create_contact(&c, &o); break;
		case CMD_CREATE_APPOINTMENT: status = cmd_create_appointment(&c, &o); break;
		case CMD_CREATE_TASK: status = cmd_create_task(&c, &o); break;
		case CMD_GAL: status = cmd_gal(&c, &o); break;
		default: break;
		}
	}
	client_close(&c);
	talloc_free(c.mem_ctx);
	MapiUninitialize();
	return status;
}
