/*
 * exchange2ical: export the Calendar folder of a mailbox to an iCalendar
 * file (RFC 5545), over the public client API (libmapi/libmapi.h) and the
 * MS-OXCICAL conversion core (oxcical.c).
 *
 * The converter takes named properties in their canonical (property set,
 * LID) form; a mailbox stores them under ids of its own, so the ids are
 * looked up once with GetIDsFromNames (MS-OXCPRPT 2.2.12, without create:
 * a name the mailbox never saw has no value on any message) and every
 * message's values are mapped back.
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
#include "utils/exchange2ical/oxcical.h"

/* The named properties the converter reads (oxcical.h), with their types. */
struct wanted_name {
	const struct mapi_guid *guid;
	uint32_t lid;
	const char *name;
	uint16_t type;
};

static const struct wanted_name wanted[] = {
	{ &oxcical_psetid_appointment, OXCICAL_LID_BUSY_STATUS, NULL, PTYP_INTEGER32 },
	{ &oxcical_psetid_appointment, OXCICAL_LID_LOCATION, NULL, PTYP_STRING },
	{ &oxcical_psetid_appointment, OXCICAL_LID_START_WHOLE, NULL, PTYP_TIME },
	{ &oxcical_psetid_appointment, OXCICAL_LID_END_WHOLE, NULL, PTYP_TIME },
	{ &oxcical_psetid_appointment, OXCICAL_LID_SUB_TYPE, NULL, PTYP_BOOLEAN },
	{ &oxcical_psetid_appointment, OXCICAL_LID_RECUR, NULL, PTYP_BINARY },
	{ &oxcical_psetid_appointment, OXCICAL_LID_STATE_FLAGS, NULL, PTYP_INTEGER32 },
	{ &oxcical_psetid_appointment, OXCICAL_LID_RECURRING, NULL, PTYP_BOOLEAN },
	{ &oxcical_psetid_appointment, OXCICAL_LID_EXCEPTION_REPLACE_TIME, NULL, PTYP_TIME },
	{ &oxcical_psetid_common, OXCICAL_LID_REMINDER_DELTA, NULL, PTYP_INTEGER32 },
	{ &oxcical_psetid_common, OXCICAL_LID_REMINDER_SET, NULL, PTYP_BOOLEAN },
	{ &oxcical_psetid_meeting, OXCICAL_LID_GLOBAL_OBJECT_ID, NULL, PTYP_BINARY },
	{ &oxcical_psetid_meeting, OXCICAL_LID_CLEAN_GLOBAL_OBJECT_ID, NULL, PTYP_BINARY },
	{ &oxcical_ps_public_strings, 0, OXCICAL_NAME_KEYWORDS, PTYP_MULTIPLE_STRING },
};
#define N_WANTED (sizeof(wanted) / sizeof(wanted[0]))

struct opts {
	struct tool_logon_opts logon;
	const char *output, *import;
};

static void usage(FILE *f)
{
	fprintf(f,
"Usage: exchange2ical [OPTIONS] --output FILE | --import FILE\n"
"Export the appointments of the Calendar folder to an iCalendar file,\n"
"or import the VEVENTs of one into it.\n"
"\n"
"  --profile NAME         log on as the user of profile NAME\n"
"  --profile-file PATH    the profile store (default ~/.openchange/profiles.ldb)\n"
"  --server SERVER        the server's address or host name (instead of a profile)\n"
"  --user USER            the user name\n"
"  --password PASS        its password\n"
"  --domain DOMAIN        the NetBIOS domain (default: the server's)\n"
"  --output FILE          export to this .ics file (replaced)\n"
"  --import FILE          import the VEVENTs of this .ics file instead\n"
"  --help                 this text\n");
}

static int usage_error(const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "exchange2ical: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, " (try --help)\n");
	return 2;
}

static int fail(struct mapi_session *s, const char *what, enum MAPISTATUS st)
{
	const char *why = MapiLastError(s);
	fprintf(stderr, "exchange2ical: %s failed: 0x%08x%s%s\n", what, (unsigned)st,
		why ? ": " : "", why ? why : "");
	return 1;
}

/*
 * The Calendar folder: PidTagIpmAppointmentEntryId through GetDefaultFolder
 * (MS-OXOSFLD 2.2.3); a store without that entry id gets the folder
 * named "Calendar" under the IPM subtree.
 */
static bool calendar_folder(mapi_object_t *store, uint64_t *fid)
{
	if (GetDefaultFolder(store, olFolderCalendar, fid) == MAPI_E_SUCCESS)
		return true;

	uint64_t ipm;
	mapi_object_t folder, table;
	uint32_t count = 0, cols[] = { PidTagFolderId, PidTagDisplayName };
	bool found = false;
	TALLOC_CTX *tmp = talloc_new(NULL);

	mapi_object_init(&folder);
	mapi_object_init(&table);
	if (!tmp || GetDefaultFolder(store, olFolderTopInformationStore, &ipm) != MAPI_E_SUCCESS ||
	    OpenFolder(store, ipm, &folder) != MAPI_E_SUCCESS ||
	    GetHierarchyTable(&folder, &table, &count) != MAPI_E_SUCCESS ||
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
			if (f && d && d->value.string && strcasecmp(d->value.string, "Calendar") == 0) {
				*fid = f->value.i64;
				found = true;
			}
		}
	}
out:
	mapi_object_release(&table);
	mapi_object_release(&folder);
	talloc_free(tmp);
	return found;
}

/* What the appointments' exports came to, for the summary lines. */
struct export_counts {
	unsigned long exceptions;	/* exception VEVENTs written */
	unsigned long exceptions_lost;	/* exceptions found but not written */
	unsigned long embedded;		/* embedded messages that are no exception */
};

/*
 * A message's values of the wanted named properties, in their canonical
 * form: the mailbox's ids (ids[], from GetIDsFromNames) mapped back. An
 * embedded message uses its store's ids like any other message.
 */
static struct oxcical_named_prop *canonical_named(TALLOC_CTX *mem_ctx, const struct mapi_propval *props,
						  uint32_t pc, const uint16_t *ids, size_t *count)
{
	struct oxcical_named_prop *named = talloc_zero_array(mem_ctx, struct oxcical_named_prop, N_WANTED);
	size_t nn = 0;

	*count = 0;
	if (!named)
		return NULL;
	for (size_t w = 0; w < N_WANTED; w++) {
		if (ids[w] == 0)
			continue;	/* the mailbox has no id for it: no message has it */
		const struct mapi_propval *pv =
			GetPropValue(props, pc, ((uint32_t)ids[w] << 16) | wanted[w].type);
		if (!pv)
			continue;
		named[nn].guid = *wanted[w].guid;
		named[nn].lid = wanted[w].lid;
		named[nn].name = wanted[w].name;
		named[nn].value = *pv;
		nn++;
	}
	*count = nn;
	return named;
}

/* The recipient table reduced to what ORGANIZER/ATTENDEE need (none when it cannot be read). */
static struct oxcical_recipient *read_recipients(TALLOC_CTX *mem_ctx, mapi_object_t *msg, size_t *count)
{
	struct mapi_recipient *recips = NULL;
	uint32_t rc = 0;
	struct oxcical_recipient *orc;

	*count = 0;
	if (ReadRecipients(mem_ctx, msg, &recips, &rc) != MAPI_E_SUCCESS)
		rc = 0;
	orc = talloc_zero_array(mem_ctx, struct oxcical_recipient, rc ? rc : 1);
	if (!orc)
		return NULL;
	for (uint32_t i = 0; i < rc; i++) {
		orc[i].type = recips[i].type;
		orc[i].name = recips[i].display_name;
		orc[i].smtp = recips[i].smtp_address;
		orc[i].track_status = OXCICAL_RESP_NONE;
	}
	*count = rc;
	return orc;
}

/*
 * One attachment of an appointment. An Exception Attachment object
 * (MS-OXOCAL 2.2.10.1: afEmbeddedMessage, and afException in
 * PidTagAttachmentFlags) gives its PidTagExceptionReplaceTime and the
 * Exception Embedded Message object's properties and recipients (2.2.10.2)
 * in *ex; true then. Other embedded messages are counted; attachments by
 * value are not exported (no ATTACH yet).
 */
static bool load_exception(TALLOC_CTX *mem_ctx, mapi_object_t *msg, uint32_t number,
			   const uint16_t *ids, struct oxcical_exception *ex, struct export_counts *counts)
{
	static const uint32_t tags[] = { PidTagAttachMethod, PidTagAttachmentFlags,
					 PidTagExceptionReplaceTime };
	mapi_object_t att, emb;
	struct mapi_propval *vals = NULL, *props = NULL;
	uint32_t pc = 0;
	bool ok = false;
	enum MAPISTATUS ret;

	mapi_object_init(&att);
	mapi_object_init(&emb);
	memset(ex, 0, sizeof(*ex));
	if (OpenAttach(msg, number, &att) != MAPI_E_SUCCESS ||
	    GetProps(mem_ctx, &att, tags, 3, &vals) != MAPI_E_SUCCESS)
		goto out;	/* unreadable: nothing known to count it as */
	if (vals[0].tag != PidTagAttachMethod || vals[0].value.i32 != MAPI_ATTACH_EMBEDDED_MESSAGE)
		goto out;
	if (vals[1].tag != PidTagAttachmentFlags || !(vals[1].value.i32 & OXCICAL_ATTACH_FLAG_EXCEPTION)) {
		counts->embedded++;
		goto out;
	}
	if (vals[2].tag == PidTagExceptionReplaceTime)
		ex->replace_time = vals[2].value.time;
	if ((ret = OpenEmbeddedMessage(&att, MAPI_OPEN_READ, &emb)) != MAPI_E_SUCCESS ||
	    (ret = GetPropsAll(mem_ctx, &emb, &props, &pc)) != MAPI_E_SUCCESS) {
		const char *why = MapiLastError(att.session);
		fprintf(stderr, "exchange2ical: an exception (attachment %u) cannot be read: 0x%08x%s%s\n",
			(unsigned)number, (unsigned)ret, why ? ": " : "", why ? why : "");
		counts->exceptions_lost++;
		goto out;
	}
	ex->message.props = props;
	ex->message.prop_count = pc;
	ex->message.named = canonical_named(mem_ctx, props, pc, ids, &ex->message.named_count);
	ex->message.recipients = read_recipients(mem_ctx, &emb, &ex->message.recipient_count);
	ok = ex->message.named && ex->message.recipients;
	if (!ok)
		counts->exceptions_lost++;
out:
	mapi_object_release(&emb);
	mapi_object_release(&att);
	return ok;
}

/* The exceptions among MSG's attachments; an attachment table that cannot be read has none. */
static struct oxcical_exception *load_exceptions(TALLOC_CTX *mem_ctx, mapi_object_t *msg,
						 const uint16_t *ids, size_t *count,
						 struct export_counts *counts)
{
	mapi_object_t table;
	uint32_t cols[] = { PidTagAttachNumber };
	struct oxcical_exception *exs = NULL;
	size_t n = 0;

	mapi_object_init(&table);
	if (GetAttachmentTable(msg, &table) == MAPI_E_SUCCESS &&
	    SetColumns(&table, cols, 1) == MAPI_E_SUCCESS) {
		for (;;) {
			struct mapi_row *rows = NULL;
			uint32_t nrows = 0;

			if (QueryRows(mem_ctx, &table, 50, &rows, &nrows) != MAPI_E_SUCCESS || nrows == 0)
				break;
			for (uint32_t i = 0; i < nrows; i++) {
				const struct mapi_propval *num =
					GetPropValue(rows[i].props, rows[i].count, PidTagAttachNumber);
				struct oxcical_exception *grown;

				if (!num)
					continue;
				grown = talloc_realloc(mem_ctx, exs, struct oxcical_exception, n + 1);
				if (!grown)
					break;
				exs = grown;
				if (load_exception(mem_ctx, msg, num->value.i32, ids, &exs[n], counts))
					n++;
			}
		}
	}
	mapi_object_release(&table);
	*count = n;
	return exs;
}

/* One appointment, with its exceptions, into CAL; false when it could not be read. */
static bool export_appointment(mapi_object_t *folder, uint64_t fid, uint64_t mid,
			       const uint16_t *ids, icalcomponent *cal, time_t now, bool *skipped,
			       struct export_counts *counts)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	mapi_object_t msg;
	struct mapi_propval *props = NULL;
	uint32_t pc = 0;
	bool ok = false;
	size_t written = 0;

	*skipped = false;
	mapi_object_init(&msg);
	if (!tmp || OpenMessage(folder, fid, mid, MAPI_OPEN_READ, &msg) != MAPI_E_SUCCESS ||
	    GetPropsAll(tmp, &msg, &props, &pc) != MAPI_E_SUCCESS)
		goto out;

	struct oxcical_appointment appt = { .props = props, .prop_count = pc };
	appt.named = canonical_named(tmp, props, pc, ids, &appt.named_count);
	appt.recipients = read_recipients(tmp, &msg, &appt.recipient_count);
	if (!appt.named || !appt.recipients)
		goto out;
	appt.exceptions = load_exceptions(tmp, &msg, ids, &appt.exception_count, counts);
	switch (oxcical_append_series(cal, &appt, now, &written)) {
	case OXCICAL_OK:
	case OXCICAL_ERR_BAD_RECUR:	/* the first instance is kept */
	case OXCICAL_ERR_BAD_EXCEPTION:	/* the series is whole; the exception is counted below */
		ok = true;
		break;
	case OXCICAL_ERR_MISSING:	/* no start: not an appointment (a note in the folder) */
		ok = true;
		*skipped = true;
		break;
	default:
		break;
	}
	counts->exceptions += written;
	if (ok && !*skipped)
		counts->exceptions_lost += appt.exception_count - written;
out:
	mapi_object_release(&msg);
	talloc_free(tmp);
	return ok;
}

/* The whole of PATH, NUL-terminated, under MEM_CTX; NULL with errno. */
static char *read_file(TALLOC_CTX *mem_ctx, const char *path)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t n = 0, cap = 0;

	if (!f)
		return NULL;
	for (;;) {
		if (cap - n < 4096) {
			cap = cap ? cap * 2 : 8192;
			char *nb = talloc_realloc(mem_ctx, buf, char, cap);
			if (!nb) {
				talloc_free(buf);
				fclose(f);
				errno = ENOMEM;
				return NULL;
			}
			buf = nb;
		}
		size_t got = fread(buf + n, 1, cap - n - 1, f);
		n += got;
		if (got == 0)
			break;
	}
	bool err = ferror(f);
	fclose(f);
	if (err) {
		talloc_free(buf);
		errno = EIO;
		return NULL;
	}
	buf[n] = 0;
	return buf;
}

/*
 * One imported VEVENT as a new message in FOLDER: its named properties get
 * the mailbox's ids, created when missing (MS-OXCPRPT 2.2.12, Create), then
 * RopSetProperties, the attendees as recipients, RopSaveChangesMessage.
 */
static bool import_appointment(TALLOC_CTX *tmp, mapi_object_t *store, mapi_object_t *folder,
			       const struct oxcical_appointment *appt)
{
	mapi_object_t msg;
	bool ok = false;
	size_t n = appt->prop_count + appt->named_count + 1;
	struct mapi_propval *props = talloc_zero_array(tmp, struct mapi_propval, n);
	struct mapi_nameid *names = talloc_zero_array(tmp, struct mapi_nameid,
						      appt->named_count ? appt->named_count : 1);
	struct mapi_recipient *recips = talloc_zero_array(tmp, struct mapi_recipient,
							  appt->recipient_count ? appt->recipient_count : 1);
	uint16_t *ids = NULL;
	size_t np = 0;
	bool has_class = false;

	mapi_object_init(&msg);
	if (!props || !names || !recips || n > 0xFFFF || appt->named_count > 0xFFFF)
		return false;
	for (size_t i = 0; i < appt->prop_count; i++) {
		props[np++] = appt->props[i];
		if (appt->props[i].tag == PidTagMessageClass)
			has_class = true;
	}
	if (!has_class) {
		/* MS-OXOCAL 2.2.1: a Calendar object is of class IPM.Appointment */
		props[np].tag = PidTagMessageClass;
		props[np++].value.string = talloc_strdup(props, "IPM.Appointment");
	}
	for (size_t i = 0; i < appt->named_count; i++) {
		names[i].guid = appt->named[i].guid;
		names[i].is_string = appt->named[i].name != NULL;
		names[i].lid = appt->named[i].lid;
		names[i].name = appt->named[i].name;
	}
	if (appt->named_count &&
	    GetIDsFromNames(tmp, store, names, (uint16_t)appt->named_count, true, &ids) != MAPI_E_SUCCESS)
		return false;
	for (size_t i = 0; i < appt->named_count; i++) {
		if (!ids[i])
			continue;
		props[np] = appt->named[i].value;
		props[np++].tag = ((uint32_t)ids[i] << 16) | (appt->named[i].value.tag & 0xFFFF);
	}
	for (size_t i = 0; i < appt->recipient_count; i++) {
		recips[i].type = appt->recipients[i].type ? (uint8_t)appt->recipients[i].type : MAPI_TO;
		recips[i].display_name = appt->recipients[i].name;
		recips[i].smtp_address = appt->recipients[i].smtp;
	}
	if (CreateMessage(folder, &msg) == MAPI_E_SUCCESS &&
	    SetProps(&msg, props, (uint16_t)np) == MAPI_E_SUCCESS &&
	    (appt->recipient_count == 0 ||
	     ModifyRecipients(&msg, recips, (uint32_t)appt->recipient_count) == MAPI_E_SUCCESS) &&
	    SaveChangesMessage(&msg, NULL) == MAPI_E_SUCCESS)
		ok = true;
	mapi_object_release(&msg);
	return ok;
}

static int import_file(struct mapi_session *s, mapi_object_t *store, mapi_object_t *folder,
		       const char *path)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	char *text = mem ? read_file(mem, path) : NULL;
	unsigned long imported = 0, failed = 0, exceptions = 0;

	if (!text) {
		fprintf(stderr, "exchange2ical: cannot read %s: %s\n", path, strerror(errno));
		talloc_free(mem);
		return 1;
	}
	icalcomponent *root = icalparser_parse_string(text);
	if (!root) {
		fprintf(stderr, "exchange2ical: %s is not an iCalendar file\n", path);
		talloc_free(mem);
		return 1;
	}
	/* a bare VEVENT, or VEVENTs inside a VCALENDAR (RFC 5545 3.4, 3.6.1) */
	icalcomponent *ev = icalcomponent_isa(root) == ICAL_VEVENT_COMPONENT ? root :
			    icalcomponent_get_first_component(root, ICAL_VEVENT_COMPONENT);
	for (; ev; ev = ev == root ? NULL : icalcomponent_get_next_component(root, ICAL_VEVENT_COMPONENT)) {
		/*
		 * A VEVENT with a RECURRENCE-ID is an exception of a series
		 * (MS-OXCICAL 2.1.3.1.1.20): never an appointment of its own,
		 * and without RRULE import there is no series to attach it to.
		 */
		if (icalcomponent_get_first_property(ev, ICAL_RECURRENCEID_PROPERTY)) {
			exceptions++;
			continue;
		}
		TALLOC_CTX *tmp = talloc_new(mem);
		struct oxcical_appointment *appt = NULL;
		enum oxcical_error e = oxcical_import_event(tmp, ev, &appt);
		const char *summary = icalcomponent_get_summary(ev);

		if (e == OXCICAL_OK && import_appointment(tmp, store, folder, appt)) {
			imported++;
		} else {
			failed++;
			const char *why = e == OXCICAL_ERR_MISSING ? "no DTSTART" :
					  e != OXCICAL_OK ? "out of memory" : MapiLastError(s);
			fprintf(stderr, "exchange2ical: event \"%s\" not imported%s%s\n",
				summary ? summary : "", why ? ": " : "", why ? why : "");
		}
		talloc_free(tmp);
	}
	icalcomponent_free(root);
	talloc_free(mem);
	printf("%lu appointments imported\n", imported);
	if (exceptions)
		printf("%lu exceptions of recurring events (RECURRENCE-ID) not imported\n", exceptions);
	return failed ? 1 : 0;
}

int main(int argc, char **argv)
{
	struct opts o = { 0 };
	static const struct option long_options[] = {
		TOOL_LOGON_LONG_OPTIONS,
		{ "output", required_argument, NULL, 'o' },
		{ "import", required_argument, NULL, 'i' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	opterr = 0;
	while ((c = getopt_long(argc, argv, ":", long_options, NULL)) != -1) {
		if (tool_logon_option(&o.logon, c, optarg))
			continue;
		switch (c) {
		case 'o': o.output = optarg; break;
		case 'i': o.import = optarg; break;
		case 'h': usage(stdout); return 0;
		case ':': return usage_error("option %s needs a value", argv[optind - 1]);
		default: return usage_error("unknown option %s", argv[optind - 1]);
		}
	}
	if (optind < argc)
		return usage_error("unexpected argument %s", argv[optind]);
	if (!o.output == !o.import)
		return usage_error("give --output FILE or --import FILE");
	if (tool_logon_problem(&o.logon))
		return usage_error("%s", tool_logon_problem(&o.logon));

	TALLOC_CTX *mem = talloc_new(NULL);
	struct mapi_session *s = NULL;
	enum MAPISTATUS ret;
	int rv = 1;
	icalcomponent *cal = NULL;

	s = tool_logon(mem, "exchange2ical", &o.logon);
	if (s == NULL)
		goto out;

	mapi_object_t store, folder, table;
	mapi_object_init(&store);
	mapi_object_init(&folder);
	mapi_object_init(&table);
	uint64_t fid;
	uint32_t count = 0;
	if ((ret = OpenMsgStore(s, &store)) != MAPI_E_SUCCESS) {
		rv = fail(s, "OpenMsgStore", ret);
		goto out_session;
	}
	if (!calendar_folder(&store, &fid)) {
		fprintf(stderr, "exchange2ical: the mailbox has no Calendar folder\n");
		goto out_objects;
	}
	if ((ret = OpenFolder(&store, fid, &folder)) != MAPI_E_SUCCESS) {
		rv = fail(s, "OpenFolder(Calendar)", ret);
		goto out_objects;
	}

	if (o.import) {
		rv = import_file(s, &store, &folder, o.import);
		goto out_objects;
	}

	struct mapi_nameid names[N_WANTED];
	memset(names, 0, sizeof(names));
	for (size_t i = 0; i < N_WANTED; i++) {
		names[i].guid = *wanted[i].guid;
		names[i].is_string = wanted[i].name != NULL;
		names[i].lid = wanted[i].lid;
		names[i].name = wanted[i].name;
	}
	uint16_t *ids = NULL;
	/* MS-OXCPRPT 3.2.5.8: an unknown name without create comes back as id 0 */
	if ((ret = GetIDsFromNames(mem, &store, names, N_WANTED, false, &ids)) != MAPI_E_SUCCESS &&
	    ret != MAPI_W_ERRORS_RETURNED) {
		rv = fail(s, "GetIDsFromNames", ret);
		goto out_objects;
	}

	uint32_t cols[] = { PidTagFolderId, PidTagMid };
	if ((ret = GetContentsTable(&folder, &table, &count)) != MAPI_E_SUCCESS ||
	    (ret = SetColumns(&table, cols, 2)) != MAPI_E_SUCCESS) {
		rv = fail(s, "GetContentsTable", ret);
		goto out_objects;
	}
	cal = oxcical_calendar_new();
	if (!cal) {
		fprintf(stderr, "exchange2ical: out of memory\n");
		goto out_objects;
	}
	time_t now = time(NULL);
	unsigned long exported = 0, skipped = 0, failed = 0;
	struct export_counts counts = { 0 };
	bool progress = isatty(STDERR_FILENO);
	uint32_t done = 0;
	for (;;) {
		TALLOC_CTX *tmp = talloc_new(NULL);
		struct mapi_row *rows = NULL;
		uint32_t n = 0;
		if ((ret = QueryRows(tmp, &table, 50, &rows, &n)) != MAPI_E_SUCCESS) {
			talloc_free(tmp);
			rv = fail(s, "QueryRows", ret);
			goto out_objects;
		}
		if (n == 0) {
			talloc_free(tmp);
			break;
		}
		for (uint32_t i = 0; i < n; i++) {
			const struct mapi_propval *f = GetPropValue(rows[i].props, rows[i].count, PidTagFolderId);
			const struct mapi_propval *m = GetPropValue(rows[i].props, rows[i].count, PidTagMid);
			bool skip = false;
			done++;
			if (m && export_appointment(&folder, f ? f->value.i64 : fid, m->value.i64, ids,
						    cal, now, &skip, &counts)) {
				if (skip)
					skipped++;
				else
					exported++;
			} else {
				failed++;
				fprintf(stderr, "exchange2ical: message 0x%016" PRIx64 " not exported\n",
					m ? m->value.i64 : 0);
			}
			if (progress)
				fprintf(stderr, "\rCalendar: %u/%u", done, count);
		}
		talloc_free(tmp);
	}
	if (progress && count)
		fprintf(stderr, "\n");

	char *text = icalcomponent_as_ical_string(cal);	/* owned by libical's ring buffer */
	FILE *out = fopen(o.output, "w");
	if (!out) {
		fprintf(stderr, "exchange2ical: cannot open %s: %s\n", o.output, strerror(errno));
		goto out_objects;
	}
	size_t len = text ? strlen(text) : 0;
	bool wok = fwrite(text ? text : "", 1, len, out) == len;
	if (fclose(out) != 0 || !wok) {
		fprintf(stderr, "exchange2ical: writing %s failed: %s\n", o.output, strerror(errno));
		goto out_objects;
	}
	rv = failed ? 1 : 0;
	if (failed)
		fprintf(stderr, "exchange2ical: %lu appointments could not be exported\n", failed);
	printf("%lu appointments exported", exported);
	if (skipped)
		printf(" (%lu items without a start skipped)", skipped);
	printf("\n");
	if (counts.exceptions)
		printf("%lu exceptions of recurring appointments exported\n", counts.exceptions);
	if (counts.exceptions_lost)
		printf("%lu exceptions of recurring appointments not exported "
		       "(unreadable, no original start, or no recurrence)\n", counts.exceptions_lost);
	if (counts.embedded)
		printf("%lu embedded messages not exported\n", counts.embedded);

out_objects:
	if (cal)
		icalcomponent_free(cal);
	mapi_object_release(&table);
	mapi_object_release(&folder);
	mapi_object_release(&store);
out_session:
	MapiLogoff(s);
out:
	talloc_free(mem);
	MapiUninitialize();
	return rv;
}
