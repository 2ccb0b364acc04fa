/*
 * Appointment to iCalendar export, MS-OXCICAL 2.1.3.1.1 (see oxcical.h).
 *
 * Section numbers below are MS-OXCICAL's unless another spec is named.
 * Times: PtypTime values are UTC FILETIMEs and are written as UTC
 * date-times ("...Z"), which 2.1.3.1.1.20.x allows for every DATE-TIME
 * property; no VTIMEZONE is emitted (a TODO: PidLidAppointmentTimeZoneDefinition*
 * would give the local zone).
 *
 * Copyright (C) OpenChange developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <talloc.h>
#include "utils/exchange2ical/oxcical.h"

const struct mapi_guid oxcical_psetid_appointment = { { 0x02, 0x20, 0x06, 0x00, 0x00, 0x00, 0x00, 0x00,
							0xC0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x46 } };
const struct mapi_guid oxcical_psetid_common = { { 0x08, 0x20, 0x06, 0x00, 0x00, 0x00, 0x00, 0x00,
						   0xC0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x46 } };
const struct mapi_guid oxcical_psetid_meeting = { { 0x90, 0xDA, 0xD8, 0x6E, 0x0B, 0x45, 0x1B, 0x10,
						    0x98, 0xDA, 0x00, 0xAA, 0x00, 0x3F, 0x13, 0x05 } };
const struct mapi_guid oxcical_ps_public_strings = { { 0x29, 0x03, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00,
						       0xC0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x46 } };

/* PidTag* properties read here (MS-OXPROPS section 2). */
#define TAG_IMPORTANCE 0x00170003
#define TAG_SENSITIVITY 0x00360003
#define TAG_SUBJECT 0x0037001F
#define TAG_BODY 0x1000001F
#define TAG_CREATION_TIME 0x30070040
#define TAG_LAST_MODIFICATION_TIME 0x30080040

/* PidLidAppointmentStateFlags asfCanceled (MS-OXOCAL 2.2.1.10). */
#define STATE_FLAG_CANCELED 0x4

/* The fixed first 16 bytes of every Global Object ID (MS-OXOCAL 2.2.1.27). */
static const uint8_t global_id_byte_array_id[16] = {
	0x04, 0x00, 0x00, 0x00, 0x82, 0x00, 0xE0, 0x00,
	0x74, 0xC5, 0xB7, 0x10, 0x1A, 0x82, 0xE0, 0x08
};

/* 11644473600 s separate 1601-01-01 from 1970-01-01. */
#define FILETIME_UNIX_EPOCH_SECONDS 11644473600LL

time_t oxcical_filetime_to_unix(uint64_t filetime)
{
	return (time_t)((int64_t)(filetime / 10000000ULL) - FILETIME_UNIX_EPOCH_SECONDS);
}

static const struct mapi_propval *find_tag(const struct oxcical_appointment *appt, uint32_t tag)
{
	for (size_t i = 0; i < appt->prop_count; i++)
		if (appt->props[i].tag == tag)
			return &appt->props[i];
	return NULL;
}

/* A named property of the wanted type; a value of another type is ignored, never misread. */
static const struct mapi_propval *find_named(const struct oxcical_appointment *appt,
					     const struct mapi_guid *guid, uint32_t lid,
					     const char *name, uint16_t type)
{
	for (size_t i = 0; i < appt->named_count; i++) {
		const struct oxcical_named_prop *np = &appt->named[i];

		if (memcmp(np->guid.bytes, guid->bytes, 16) != 0 ||
		    MAPI_PROP_TYPE(np->value.tag) != type)
			continue;
		if (name ? (np->name && strcmp(np->name, name) == 0) : (!np->name && np->lid == lid))
			return &np->value;
	}
	return NULL;
}

static const struct mapi_propval *find_lid(const struct oxcical_appointment *appt,
					   const struct mapi_guid *guid, uint32_t lid, uint16_t type)
{
	return find_named(appt, guid, lid, NULL, type);
}

static struct icaltimetype utc_time(time_t t)
{
	return icaltime_from_timet_with_zone(t, 0, icaltimezone_get_utc_timezone());
}

/*
 * An all-day appointment starts at midnight of its local zone, stored as UTC
 * (MS-OXOCAL 2.2.1.9). Without that zone, the nearest UTC midnight is the
 * local date for any offset in (-12 h, +12 h].
 */
static struct icaltimetype all_day_date(time_t t)
{
	time_t day = (time_t)((t + 43200) / 86400) * 86400;

	return icaltime_from_timet_with_zone(day, 1, NULL);
}

static void add_text(icalcomponent *ev, icalproperty *(*ctor)(const char *),
		     const struct mapi_propval *pv)
{
	if (pv && pv->value.string && pv->value.string[0])
		icalcomponent_add_property(ev, ctor(pv->value.string));
}

static void add_x(icalcomponent *ev, const char *name, const char *value)
{
	icalproperty *p = icalproperty_new_x(value);

	icalproperty_set_x_name(p, name);
	icalcomponent_add_property(ev, p);
}

/*
 * UID, 2.1.3.1.1.20.26: a Global Object ID whose data is the "vCal-Uid"
 * form (MS-OXOCAL 2.2.1.27: Size, then "vCal-Uid", a 4-byte 1, and the
 * third party's UID, NUL-terminated) gives that UID back; any other is
 * written in hex with its instance date (bytes 16-19) zeroed, which is what
 * PidLidCleanGlobalObjectId holds, so that all instances share one UID.
 */
static char *uid_from_global_id(const struct mapi_binary *gid)
{
	static const char marker[8] = { 'v', 'C', 'a', 'l', '-', 'U', 'i', 'd' };
	char *out;

	if (gid->len < 40 || memcmp(gid->data, global_id_byte_array_id, 16) != 0)
		return NULL;
	if (gid->len >= 52 && memcmp(gid->data + 40, marker, 8) == 0) {
		size_t n = 0, max = gid->len - 52;

		while (n < max && gid->data[52 + n] != 0)
			n++;
		if (n > 0) {
			out = malloc(n + 1);
			if (!out)
				return NULL;
			memcpy(out, gid->data + 52, n);
			out[n] = 0;
			return out;
		}
	}
	out = malloc((size_t)gid->len * 2 + 1);
	if (!out)
		return NULL;
	for (uint32_t i = 0; i < gid->len; i++)
		snprintf(out + i * 2, 3, "%02X", (i >= 16 && i < 20) ? 0 : gid->data[i]);
	return out;
}

/* The UID of appt (malloc()ed), NULL without memory. */
static char *make_uid(const struct oxcical_appointment *appt, time_t dtstamp)
{
	const struct mapi_propval *pv;
	char *uid = NULL;

	pv = find_lid(appt, &oxcical_psetid_meeting, OXCICAL_LID_GLOBAL_OBJECT_ID, PTYP_BINARY);
	if (pv)
		uid = uid_from_global_id(&pv->value.binary);
	if (!uid) {
		pv = find_lid(appt, &oxcical_psetid_meeting, OXCICAL_LID_CLEAN_GLOBAL_OBJECT_ID,
			      PTYP_BINARY);
		if (pv)
			uid = uid_from_global_id(&pv->value.binary);
	}
	if (!uid) {
		/*
		 * No Global Object ID: the appointment was never a meeting.
		 * Build the OutlookID form ourselves (MS-OXOCAL 2.2.1.27) from
		 * what identifies it best offline: start time and subject.
		 */
		const struct mapi_propval *st = find_lid(appt, &oxcical_psetid_appointment,
							 OXCICAL_LID_START_WHOLE, PTYP_TIME);
		const struct mapi_propval *subj = find_tag(appt, TAG_SUBJECT);
		uint64_t h = 1469598103934665603ULL;	/* FNV-1a */
		const char *s = subj && subj->value.string ? subj->value.string : "";

		for (; *s; s++)
			h = (h ^ (uint8_t)*s) * 1099511628211ULL;
		uid = malloc(16 * 2 + 8 + 16 + 16 + 8 + 32 + 1);
		if (!uid)
			return NULL;
		char *w = uid;
		for (int i = 0; i < 16; i++)
			w += sprintf(w, "%02X", global_id_byte_array_id[i]);
		w += sprintf(w, "00000000%016llX0000000000000000%08X%016llX%016llX",
			     (unsigned long long)(st ? st->value.time : 0), 0x10000000u,
			     (unsigned long long)h, (unsigned long long)dtstamp);
	}
	return uid;
}

/* CLASS (2.1.3.1.1.20, Property: CLASS) from PidTagSensitivity (MS-OXCMSG 2.2.1.13). */
static void add_class(icalcomponent *ev, const struct mapi_propval *pv)
{
	icalproperty *p;

	if (!pv)
		return;
	switch (pv->value.i32) {
	case 1:
		/* personal: RFC 5545 has no such class, MS-OXCICAL an x-name */
		p = icalproperty_new_from_string("CLASS:X-PERSONAL");
		break;
	case 2:
		p = icalproperty_new_class(ICAL_CLASS_PRIVATE);
		break;
	case 3:
		p = icalproperty_new_class(ICAL_CLASS_CONFIDENTIAL);
		break;
	default:
		p = icalproperty_new_class(ICAL_CLASS_PUBLIC);
		break;
	}
	if (p)
		icalcomponent_add_property(ev, p);
}

/*
 * PidTagImportance: X-MICROSOFT-CDO-IMPORTANCE carries it as is
 * (2.1.3.1.1.20.32), PRIORITY for other readers (low 0 -> 9, normal 1 -> 5,
 * high 2 -> 1).
 */
static void add_priority(icalcomponent *ev, const struct mapi_propval *pv)
{
	static const int priority[] = { 9, 5, 1 };
	static const char *const importance[] = { "0", "1", "2" };

	if (pv && pv->value.i32 <= 2) {
		icalcomponent_add_property(ev, icalproperty_new_priority(priority[pv->value.i32]));
		add_x(ev, "X-MICROSOFT-CDO-IMPORTANCE", importance[pv->value.i32]);
	}
}

/* TRANSP (2.1.3.1.1.20.25) and X-MICROSOFT-CDO-BUSYSTATUS (2.1.3.1.1.20.31) from PidLidBusyStatus. */
static void add_busy_status(icalcomponent *ev, const struct mapi_propval *pv)
{
	static const char *const cdo[] = { "FREE", "TENTATIVE", "BUSY", "OOF", "WORKINGELSEWHERE" };
	uint32_t status = pv ? pv->value.i32 : 2;	/* olBusy is the default of a new appointment */

	if (status > 4)
		return;
	/* olFree and olWorkingElsewhere do not block time; the others do. */
	icalcomponent_add_property(ev, icalproperty_new_transp(status == 0 || status == 4 ?
							       ICAL_TRANSP_TRANSPARENT :
							       ICAL_TRANSP_OPAQUE));
	add_x(ev, "X-MICROSOFT-CDO-BUSYSTATUS", cdo[status]);
}

static char *mailto(const char *smtp)
{
	size_t n = strlen(smtp);
	char *s = malloc(n + 8);

	if (s)
		snprintf(s, n + 8, "mailto:%s", smtp);
	return s;
}

/*
 * ORGANIZER and ATTENDEE (2.1.3.1.1.20, Property: ORGANIZER / ATTENDEE): the recipient
 * flagged recipOrganizer is the organizer; every other one an attendee with
 * ROLE from PidTagRecipientType (2.1.3.1.1.20.2.4: Cc -> OPT-PARTICIPANT,
 * Bcc -> NON-PARTICIPANT, To -> omitted, REQ-PARTICIPANT being RFC 5545's
 * default) and PARTSTAT from PidTagRecipientTrackStatus (ATTENDEE's PARTSTAT parameter).
 */
static void add_recipients(icalcomponent *ev, const struct oxcical_appointment *appt)
{
	for (size_t i = 0; i < appt->recipient_count; i++) {
		const struct oxcical_recipient *r = &appt->recipients[i];
		icalproperty *p;
		char *addr;

		if (!r->smtp || !r->smtp[0])
			continue;	/* iCalendar names a person by a URI: nothing to say without one */
		addr = mailto(r->smtp);
		if (!addr)
			return;
		if (r->flags & OXCICAL_RECIP_FLAG_ORGANIZER) {
			p = icalproperty_new_organizer(addr);
		} else {
			icalparameter_partstat ps = ICAL_PARTSTAT_NEEDSACTION;

			p = icalproperty_new_attendee(addr);
			if (r->type == OXCICAL_RECIP_CC)
				icalproperty_add_parameter(p, icalparameter_new_role(ICAL_ROLE_OPTPARTICIPANT));
			else if (r->type == OXCICAL_RECIP_BCC)
				icalproperty_add_parameter(p, icalparameter_new_role(ICAL_ROLE_NONPARTICIPANT));
			switch (r->track_status) {
			case OXCICAL_RESP_TENTATIVE: ps = ICAL_PARTSTAT_TENTATIVE; break;
			case OXCICAL_RESP_ACCEPTED: ps = ICAL_PARTSTAT_ACCEPTED; break;
			case OXCICAL_RESP_DECLINED: ps = ICAL_PARTSTAT_DECLINED; break;
			default: break;
			}
			icalproperty_add_parameter(p, icalparameter_new_partstat(ps));
			if (ps == ICAL_PARTSTAT_NEEDSACTION)
				icalproperty_add_parameter(p, icalparameter_new_rsvp(ICAL_RSVP_TRUE));
		}
		if (r->name && r->name[0])
			icalproperty_add_parameter(p, icalparameter_new_cn(r->name));
		icalcomponent_add_property(ev, p);
		free(addr);
	}
}

/* CATEGORIES (2.1.3.1.1.20, Property: CATEGORIES): one property per PidNameKeywords value. */
static void add_categories(icalcomponent *ev, const struct oxcical_appointment *appt)
{
	const struct mapi_propval *pv = find_named(appt, &oxcical_ps_public_strings, 0,
						   OXCICAL_NAME_KEYWORDS, PTYP_MULTIPLE_STRING);

	if (!pv)
		return;
	for (uint32_t i = 0; i < pv->value.mv_string.count; i++)
		if (pv->value.mv_string.values[i] && pv->value.mv_string.values[i][0])
			icalcomponent_add_property(ev,
				icalproperty_new_categories(pv->value.mv_string.values[i]));
}

/*
 * VALARM (2.1.3.1.1.20, Component: VALARM) and its TRIGGER from
 * PidLidReminderDelta, minutes before the start (MS-OXORMDR 2.2.1.3); only
 * when PidLidReminderSet is true.
 */
static void add_alarm(icalcomponent *ev, const struct oxcical_appointment *appt)
{
	const struct mapi_propval *set = find_lid(appt, &oxcical_psetid_common,
						  OXCICAL_LID_REMINDER_SET, PTYP_BOOLEAN);
	const struct mapi_propval *delta = find_lid(appt, &oxcical_psetid_common,
						    OXCICAL_LID_REMINDER_DELTA, PTYP_INTEGER32);
	struct icaltriggertype trigger;
	icalcomponent *alarm;
	int minutes = 15;	/* Outlook's default when the delta is missing */

	if (!set || !set->value.boolean)
		return;
	if (delta && (int32_t)delta->value.i32 >= 0 && delta->value.i32 < 0x7FFFFFFF / 60)
		minutes = (int)delta->value.i32;
	memset(&trigger, 0, sizeof(trigger));
	trigger.time = icaltime_null_time();
	trigger.duration = icaldurationtype_from_int(-minutes * 60);
	alarm = icalcomponent_new_valarm();
	icalcomponent_add_property(alarm, icalproperty_new_action(ICAL_ACTION_DISPLAY));
	icalcomponent_add_property(alarm, icalproperty_new_description("Reminder"));
	icalcomponent_add_property(alarm, icalproperty_new_trigger(trigger));
	icalcomponent_add_component(ev, alarm);
}

static void set_by(short *list, int size, int pos, short value)
{
	if (pos < size - 1) {
		list[pos] = value;
		list[pos + 1] = ICAL_RECURRENCE_ARRAY_MAX;
	}
}

/*
 * The zone's offset (UTC minus local, seconds), from what the pattern says
 * of the first instance: its local day (StartDate) and local start
 * (StartTimeOffset), against its UTC DTSTART. Exact unless a DST change
 * lies between that instance and the one it is applied to.
 */
static int64_t zone_shift(const struct oxcical_recurrence *rc, struct icaltimetype start)
{
	return (int64_t)icaltime_as_timet(start) -
	       ((int64_t)rc->start_date * 60 - FILETIME_UNIX_EPOCH_SECONDS +
		(int64_t)rc->start_time_offset * 60);
}

/*
 * RRULE from a RecurrencePattern (MS-OXCICAL 2.1.3.1.1.20, Property: RRULE,
 * run backwards; MS-OXOCAL 2.2.1.44.1 for the fields). The days
 * are the pattern's: BYDAY is relative to the organizer's zone, which we
 * do not have (see the file comment), so DTSTART is UTC but BYDAY local.
 */
bool oxcical_recur_to_rrule(const struct oxcical_recurrence *rc, struct icaltimetype start,
			    struct icalrecurrencetype *rr)
{
	static const icalrecurrencetype_weekday dow[7] = {
		ICAL_SUNDAY_WEEKDAY, ICAL_MONDAY_WEEKDAY, ICAL_TUESDAY_WEEKDAY, ICAL_WEDNESDAY_WEEKDAY,
		ICAL_THURSDAY_WEEKDAY, ICAL_FRIDAY_WEEKDAY, ICAL_SATURDAY_WEEKDAY
	};
	int n = 0;

	icalrecurrencetype_clear(rr);
	if (rc->first_dow < 7)
		rr->week_start = dow[rc->first_dow];

	switch (rc->pattern_type) {
	case OXCICAL_PATTERN_DAY:
		/* Period counts minutes; iCalendar's daily INTERVAL whole days. */
		if (rc->period == 0 || rc->period % 1440 != 0 || rc->period / 1440 > 999)
			return false;
		rr->freq = ICAL_DAILY_RECURRENCE;
		rr->interval = (short)(rc->period / 1440);
		break;
	case OXCICAL_PATTERN_WEEK:
		if (rc->period == 0 || rc->period > 99 || (rc->days_of_week & 0x7F) == 0)
			return false;
		rr->freq = ICAL_WEEKLY_RECURRENCE;
		rr->interval = (short)rc->period;
		for (int d = 0; d < 7; d++)
			if (rc->days_of_week & (1u << d))
				set_by(rr->by_day, ICAL_BY_DAY_SIZE, n++, (short)dow[d]);
		break;
	case OXCICAL_PATTERN_MONTH:
	case OXCICAL_PATTERN_MONTH_END:
	case OXCICAL_PATTERN_MONTH_NTH:
		if (rc->period == 0 || rc->period > 99 * 12)
			return false;
		/* Period 12 (or a multiple) is a yearly pattern (MS-OXOCAL 2.2.1.44.1). */
		if (rc->frequency == OXCICAL_FREQ_YEARLY && rc->period % 12 == 0) {
			struct icaltimetype first = start;

			rr->freq = ICAL_YEARLY_RECURRENCE;
			rr->interval = (short)(rc->period / 12);
			set_by(rr->by_month, ICAL_BY_MONTH_SIZE, 0, (short)first.month);
		} else {
			rr->freq = ICAL_MONTHLY_RECURRENCE;
			rr->interval = (short)rc->period;
		}
		if (rc->pattern_type == OXCICAL_PATTERN_MONTH_NTH) {
			if (rc->day_of_month < 1 || rc->day_of_month > 5 || (rc->days_of_week & 0x7F) == 0)
				return false;
			for (int d = 0; d < 7; d++)
				if (rc->days_of_week & (1u << d))
					set_by(rr->by_day, ICAL_BY_DAY_SIZE, n++, (short)dow[d]);
			/* N = 5 means the last such day (2.2.1.44.1.2). */
			set_by(rr->by_set_pos, ICAL_BY_SETPOS_SIZE, 0,
			       (short)(rc->day_of_month == 5 ? -1 : (int)rc->day_of_month));
		} else if (rc->pattern_type == OXCICAL_PATTERN_MONTH_END) {
			set_by(rr->by_month_day, ICAL_BY_MONTHDAY_SIZE, 0, -1);
		} else {
			if (rc->day_of_month < 1 || rc->day_of_month > 31)
				return false;
			/* Day 31 in a short month means its last day (MS-OXOCAL 2.2.1.44.1.2). */
			set_by(rr->by_month_day, ICAL_BY_MONTHDAY_SIZE, 0,
			       (short)(rc->day_of_month == 31 ? -1 : (int)rc->day_of_month));
		}
		break;
	default:
		return false;	/* Hijri patterns: RFC 5545 has no calendar scale for them */
	}

	switch (rc->end_type) {
	case OXCICAL_END_AFTER_N:
		rr->count = (int)(rc->occurrence_count > 0x7FFFFFFF ? 0x7FFFFFFF : rc->occurrence_count);
		break;
	case OXCICAL_END_AFTER_DATE: {
		/* EndDate: minutes since 1601 at midnight of the last instance's day. */
		time_t end_day = (time_t)((int64_t)rc->end_date * 60 - FILETIME_UNIX_EPOCH_SECONDS);

		if (start.is_date) {
			rr->until = icaltime_from_timet_with_zone(end_day, 1, NULL);
		} else if (rc->has_time_offsets) {
			/* UNTIL takes DTSTART's form (RFC 5545 3.3.10): the last instance's UTC start. */
			rr->until = utc_time((time_t)(end_day + (int64_t)rc->start_time_offset * 60 +
						      zone_shift(rc, start)));
		} else {
			/* no instance time known: UTC end of that day */
			rr->until = utc_time(end_day + 86399);
		}
		break;
	}
	default:
		break;	/* never */
	}
	return true;
}

/* The original start of an exception, UTC FILETIME; 0 when it has none. */
static uint64_t exception_replace_time(const struct oxcical_exception *ex)
{
	const struct mapi_propval *pv;

	if (ex->replace_time)
		return ex->replace_time;
	pv = find_lid(&ex->message, &oxcical_psetid_appointment, OXCICAL_LID_EXCEPTION_REPLACE_TIME,
		      PTYP_TIME);
	return pv ? pv->value.time : 0;
}

/*
 * Whether an exception replaces the instance of local day `day` (seconds
 * since 1970 of that local midnight, read as UTC). DeletedInstanceDates
 * lists the original days of modified instances too (MS-OXOCAL
 * 2.2.1.44.1), and an instance exported as a VEVENT of its own SHOULD NOT
 * also be an EXDATE (MS-OXCICAL 2.1.3.1.1.20.13).
 */
static bool replaced_by_exception(const struct oxcical_appointment *appt, int64_t day, bool all_day,
				  int64_t shift)
{
	for (size_t i = 0; i < appt->exception_count; i++) {
		uint64_t rt = exception_replace_time(&appt->exceptions[i]);
		int64_t local;

		if (!rt)
			continue;
		/* the same day rule as all_day_date(); a timed one moved to local time */
		local = (int64_t)oxcical_filetime_to_unix(rt) + (all_day ? 43200 : -shift);
		if (local - (((local % 86400) + 86400) % 86400) == day)
			return true;
	}
	return false;
}

/*
 * EXDATE (2.1.3.1.1.20, Property: EXDATE) from DeletedInstanceDates (local
 * midnights of the deleted instances' original days). A timed instance
 * starts StartTimeOffset minutes after that midnight, local; zone_shift()
 * turns that into UTC.
 */
static void add_exdates(icalcomponent *ev, const struct oxcical_appointment *appt, const uint8_t *blob,
			const struct oxcical_recurrence *rc, struct icaltimetype start)
{
	int64_t shift;

	if (!start.is_date && !rc->has_time_offsets)
		return;	/* no instance time: an EXDATE could miss its instance */
	shift = start.is_date ? 0 : zone_shift(rc, start);
	for (uint32_t i = 0; i < rc->deleted_count; i++) {
		int64_t day = (int64_t)oxcical_recur_deleted_date(blob, rc, i) * 60 -
			      FILETIME_UNIX_EPOCH_SECONDS;
		struct icaltimetype t = start.is_date ?
			icaltime_from_timet_with_zone((time_t)day, 1, NULL) :
			utc_time((time_t)(day + (int64_t)rc->start_time_offset * 60 + shift));

		if (replaced_by_exception(appt, day, start.is_date, shift))
			continue;
		icalcomponent_add_property(ev, icalproperty_new_exdate(t));
	}
}

/* RRULE and EXDATE; *written says whether there is an RRULE for exceptions to refer to. */
static enum oxcical_error add_rrule(icalcomponent *ev, const struct oxcical_appointment *appt,
				    struct icaltimetype start, bool *written)
{
	const struct mapi_propval *blob = find_lid(appt, &oxcical_psetid_appointment,
						   OXCICAL_LID_RECUR, PTYP_BINARY);
	const struct mapi_propval *recurring = find_lid(appt, &oxcical_psetid_appointment,
							OXCICAL_LID_RECURRING, PTYP_BOOLEAN);
	struct oxcical_recurrence rc;
	struct icalrecurrencetype rr;

	*written = false;
	if (!blob || (recurring && !recurring->value.boolean))
		return OXCICAL_OK;
	if (oxcical_recur_parse(blob->value.binary.data, blob->value.binary.len, &rc) !=
	    OXCICAL_RECUR_OK || !oxcical_recur_to_rrule(&rc, start, &rr))
		return OXCICAL_ERR_BAD_RECUR;
	icalcomponent_add_property(ev, icalproperty_new_rrule(rr));
	add_exdates(ev, appt, blob->value.binary.data, &rc, start);
	*written = true;
	return OXCICAL_OK;
}

icalcomponent *oxcical_calendar_new(void)
{
	icalcomponent *cal = icalcomponent_new_vcalendar();

	if (!cal)
		return NULL;
	/* the VCALENDAR's own properties (2.1.3.1.1; VERSION is 2.1.3.1.1.3) */
	icalcomponent_add_property(cal, icalproperty_new_method(ICAL_METHOD_PUBLISH));
	icalcomponent_add_property(cal, icalproperty_new_prodid("-//OpenChange//exchange2ical//EN"));
	icalcomponent_add_property(cal, icalproperty_new_version("2.0"));
	return cal;
}

/*
 * One VEVENT. uid is the series' (every instance shares it); recurrence_id
 * non-NULL makes it an exception (2.1.3.1.1.20.20), which carries no RRULE.
 * *rrule_written says whether exceptions have an RRULE to refer to.
 */
static enum oxcical_error write_event(icalcomponent *calendar, const struct oxcical_appointment *appt,
				      time_t dtstamp, const char *uid,
				      const struct icaltimetype *recurrence_id, bool *rrule_written)
{
	const struct mapi_propval *start, *end, *sub_type, *pv;
	bool all_day;
	struct icaltimetype dtstart, dtend;
	icalcomponent *ev;
	enum oxcical_error err = OXCICAL_OK;

	*rrule_written = false;
	start = find_lid(appt, &oxcical_psetid_appointment, OXCICAL_LID_START_WHOLE, PTYP_TIME);
	end = find_lid(appt, &oxcical_psetid_appointment, OXCICAL_LID_END_WHOLE, PTYP_TIME);
	if (!start)
		return OXCICAL_ERR_MISSING;
	sub_type = find_lid(appt, &oxcical_psetid_appointment, OXCICAL_LID_SUB_TYPE, PTYP_BOOLEAN);
	all_day = sub_type && sub_type->value.boolean;

	ev = icalcomponent_new_vevent();
	if (!ev)
		return OXCICAL_ERR_NO_MEMORY;

	/* DTSTART and DTEND (2.1.3.1.1.20): VALUE=DATE for all-day events. */
	if (all_day) {
		dtstart = all_day_date(oxcical_filetime_to_unix(start->value.time));
		dtend = end ? all_day_date(oxcical_filetime_to_unix(end->value.time)) : dtstart;
		if (icaltime_compare_date_only(dtend, dtstart) <= 0) {
			dtend = dtstart;
			icaltime_adjust(&dtend, 1, 0, 0, 0);
		}
	} else {
		dtstart = utc_time(oxcical_filetime_to_unix(start->value.time));
		dtend = end ? utc_time(oxcical_filetime_to_unix(end->value.time)) : dtstart;
	}
	icalcomponent_add_property(ev, icalproperty_new_dtstart(dtstart));
	icalcomponent_add_property(ev, icalproperty_new_dtend(dtend));

	icalcomponent_add_property(ev, icalproperty_new_uid(uid));
	if (recurrence_id)
		icalcomponent_add_property(ev, icalproperty_new_recurrenceid(*recurrence_id));
	icalcomponent_add_property(ev, icalproperty_new_dtstamp(utc_time(dtstamp)));	/* DTSTAMP */
	if ((pv = find_tag(appt, TAG_CREATION_TIME)))					/* CREATED */
		icalcomponent_add_property(ev, icalproperty_new_created(
			utc_time(oxcical_filetime_to_unix(pv->value.time))));
	if ((pv = find_tag(appt, TAG_LAST_MODIFICATION_TIME)))				/* LAST-MODIFIED */
		icalcomponent_add_property(ev, icalproperty_new_lastmodified(
			utc_time(oxcical_filetime_to_unix(pv->value.time))));

	add_text(ev, icalproperty_new_summary, find_tag(appt, TAG_SUBJECT));		/* SUMMARY */
	add_text(ev, icalproperty_new_description, find_tag(appt, TAG_BODY));		/* DESCRIPTION */
	add_text(ev, icalproperty_new_location,						/* LOCATION */
		 find_lid(appt, &oxcical_psetid_appointment, OXCICAL_LID_LOCATION, PTYP_STRING));

	add_class(ev, find_tag(appt, TAG_SENSITIVITY));
	add_priority(ev, find_tag(appt, TAG_IMPORTANCE));
	add_busy_status(ev, find_lid(appt, &oxcical_psetid_appointment, OXCICAL_LID_BUSY_STATUS,
				     PTYP_INTEGER32));

	/* STATUS (2.1.3.1.1.20): a canceled meeting (asfCanceled) says so; others are confirmed. */
	pv = find_lid(appt, &oxcical_psetid_appointment, OXCICAL_LID_STATE_FLAGS, PTYP_INTEGER32);
	icalcomponent_add_property(ev, icalproperty_new_status(
		pv && (pv->value.i32 & STATE_FLAG_CANCELED) ? ICAL_STATUS_CANCELLED :
							      ICAL_STATUS_CONFIRMED));

	add_recipients(ev, appt);
	add_categories(ev, appt);
	/* RRULE and EXDATE MUST NOT be exported for exceptions (2.1.3.1.1.20.13, .18) */
	if (!recurrence_id)
		err = add_rrule(ev, appt, dtstart, rrule_written);
	add_alarm(ev, appt);

	icalcomponent_add_component(calendar, ev);
	return err;
}

/* Named properties of the series an exception never inherits: the recurrence and its own times. */
static bool series_only(const struct oxcical_named_prop *np)
{
	if (np->name || memcmp(np->guid.bytes, oxcical_psetid_appointment.bytes, 16) != 0)
		return false;
	return np->lid == OXCICAL_LID_RECUR || np->lid == OXCICAL_LID_RECURRING ||
	       np->lid == OXCICAL_LID_START_WHOLE || np->lid == OXCICAL_LID_END_WHOLE;
}

/*
 * The VEVENT of one exception: its embedded message's properties first
 * (find_tag and find_named take the first match), then the series' it
 * does not override (MS-OXOCAL 2.2.10.2). An unmoved instance starts at
 * its original start; a missing end keeps the series' duration.
 */
static enum oxcical_error write_exception(icalcomponent *calendar,
					  const struct oxcical_appointment *series,
					  const struct oxcical_exception *ex, time_t dtstamp,
					  const char *uid, bool series_all_day)
{
	const struct oxcical_appointment *m = &ex->message;
	const struct mapi_propval *s_start, *s_end;
	uint64_t rt = exception_replace_time(ex);
	struct oxcical_appointment merged = { .exceptions = NULL, .exception_count = 0 };
	struct mapi_propval *props;
	struct oxcical_named_prop *named;
	struct icaltimetype rid;
	enum oxcical_error err;
	size_t np = 0, nn = 0;
	bool unused;

	if (!rt)
		return OXCICAL_ERR_BAD_EXCEPTION;	/* no original start: no instance to replace */
	s_start = find_lid(series, &oxcical_psetid_appointment, OXCICAL_LID_START_WHOLE, PTYP_TIME);
	s_end = find_lid(series, &oxcical_psetid_appointment, OXCICAL_LID_END_WHOLE, PTYP_TIME);
	props = calloc(m->prop_count + series->prop_count + 1, sizeof(*props));
	named = calloc(m->named_count + series->named_count + 2, sizeof(*named));
	if (!props || !named) {
		free(props);
		free(named);
		return OXCICAL_ERR_NO_MEMORY;
	}
	for (size_t i = 0; i < m->prop_count; i++)
		props[np++] = m->props[i];
	for (size_t i = 0; i < series->prop_count; i++)
		props[np++] = series->props[i];
	for (size_t i = 0; i < m->named_count; i++)
		named[nn++] = m->named[i];
	if (!find_lid(m, &oxcical_psetid_appointment, OXCICAL_LID_START_WHOLE, PTYP_TIME)) {
		named[nn].guid = oxcical_psetid_appointment;
		named[nn].lid = OXCICAL_LID_START_WHOLE;
		named[nn].value.tag = PTYP_TIME;
		named[nn++].value.value.time = rt;
	}
	if (!find_lid(m, &oxcical_psetid_appointment, OXCICAL_LID_END_WHOLE, PTYP_TIME)) {
		const struct mapi_propval *m_start = find_lid(m, &oxcical_psetid_appointment,
							      OXCICAL_LID_START_WHOLE, PTYP_TIME);
		uint64_t duration = s_start && s_end && s_end->value.time > s_start->value.time ?
				    s_end->value.time - s_start->value.time : 0;

		named[nn].guid = oxcical_psetid_appointment;
		named[nn].lid = OXCICAL_LID_END_WHOLE;
		named[nn].value.tag = PTYP_TIME;
		named[nn++].value.value.time = (m_start ? m_start->value.time : rt) + duration;
	}
	for (size_t i = 0; i < series->named_count; i++)
		if (!series_only(&series->named[i]))
			named[nn++] = series->named[i];
	merged.props = props;
	merged.prop_count = np;
	merged.named = named;
	merged.named_count = nn;
	/* attendees of its own only when it has any (PidLidFExceptionalAttendees, MS-OXOCAL 2.2.10.2) */
	merged.recipients = m->recipient_count ? m->recipients : series->recipients;
	merged.recipient_count = m->recipient_count ? m->recipient_count : series->recipient_count;

	/* RECURRENCE-ID (2.1.3.1.1.20.20): the original start, of DTSTART's value type (RFC 5545 3.8.4.4) */
	rid = series_all_day ? all_day_date(oxcical_filetime_to_unix(rt)) :
			       utc_time(oxcical_filetime_to_unix(rt));
	err = write_event(calendar, &merged, dtstamp, uid, &rid, &unused);
	free(named);
	free(props);
	return err;
}

enum oxcical_error oxcical_append_series(icalcomponent *calendar,
					 const struct oxcical_appointment *appt, time_t dtstamp,
					 size_t *exceptions_written)
{
	const struct mapi_propval *sub_type;
	enum oxcical_error err, ex_err = OXCICAL_OK;
	bool rrule_written = false;
	size_t written = 0;
	char *uid;

	if (exceptions_written)
		*exceptions_written = 0;
	if (!find_lid(appt, &oxcical_psetid_appointment, OXCICAL_LID_START_WHOLE, PTYP_TIME))
		return OXCICAL_ERR_MISSING;
	uid = make_uid(appt, dtstamp);
	if (!uid)
		return OXCICAL_ERR_NO_MEMORY;
	err = write_event(calendar, appt, dtstamp, uid, NULL, &rrule_written);
	sub_type = find_lid(appt, &oxcical_psetid_appointment, OXCICAL_LID_SUB_TYPE, PTYP_BOOLEAN);
	for (size_t i = 0; i < appt->exception_count; i++) {
		/* a RECURRENCE-ID names an instance of the RRULE: none, no exception */
		enum oxcical_error e = rrule_written ?
			write_exception(calendar, appt, &appt->exceptions[i], dtstamp, uid,
					sub_type && sub_type->value.boolean) :
			OXCICAL_ERR_BAD_EXCEPTION;

		if (e == OXCICAL_OK)
			written++;
		else if (ex_err == OXCICAL_OK || e == OXCICAL_ERR_NO_MEMORY)
			ex_err = e == OXCICAL_ERR_NO_MEMORY ? e : OXCICAL_ERR_BAD_EXCEPTION;
	}
	free(uid);
	if (exceptions_written)
		*exceptions_written = written;
	return err != OXCICAL_OK ? err : ex_err;
}

enum oxcical_error oxcical_append_event(icalcomponent *calendar,
					const struct oxcical_appointment *appt, time_t dtstamp)
{
	return oxcical_append_series(calendar, appt, dtstamp, NULL);
}

/* --- import: VEVENT to properties ------------------------------------------ */

struct import_state {
	TALLOC_CTX *mem_ctx;
	struct mapi_propval *props;
	size_t prop_count;
	struct oxcical_named_prop *named;
	size_t named_count;
	struct oxcical_recipient *recips;
	size_t recip_count;
	bool oom;
};

static struct mapi_propval *import_tag(struct import_state *st, uint32_t tag)
{
	struct mapi_propval *a = talloc_realloc(st->mem_ctx, st->props, struct mapi_propval,
						st->prop_count + 1);

	if (!a) {
		st->oom = true;
		return NULL;
	}
	st->props = a;
	memset(&a[st->prop_count], 0, sizeof(a[0]));
	a[st->prop_count].tag = tag;
	return &a[st->prop_count++];
}

static struct mapi_propval *import_named(struct import_state *st, const struct mapi_guid *guid,
					 uint32_t lid, const char *name, uint16_t type)
{
	struct oxcical_named_prop *a = talloc_realloc(st->mem_ctx, st->named,
						      struct oxcical_named_prop, st->named_count + 1);

	if (!a) {
		st->oom = true;
		return NULL;
	}
	st->named = a;
	memset(&a[st->named_count], 0, sizeof(a[0]));
	a[st->named_count].guid = *guid;
	a[st->named_count].lid = lid;
	a[st->named_count].name = name;
	a[st->named_count].value.tag = type;
	return &a[st->named_count++].value;
}

static void import_string(struct import_state *st, struct mapi_propval *pv, const char *s)
{
	if (!pv)
		return;
	pv->value.string = talloc_strdup(st->mem_ctx, s);
	if (!pv->value.string)
		st->oom = true;
}

static uint64_t unix_to_filetime(time_t t)
{
	return ((uint64_t)((int64_t)t + FILETIME_UNIX_EPOCH_SECONDS)) * 10000000ULL;
}

/* A DATE-TIME to UTC: its own zone when libical resolved its TZID, else taken as UTC. */
static time_t import_time(struct icaltimetype t)
{
	if (t.is_date)
		return icaltime_as_timet(t);
	return icaltime_as_timet_with_zone(t, t.zone ? t.zone : icaltimezone_get_utc_timezone());
}

static int hex_nibble(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/*
 * UID import, 2.1.3.1.1.20.26: an EncodedGlobalId (hex starting with the
 * ByteArrayID) is decoded; any other text is a ThirdPartyGlobalId and goes
 * into the "vCal-Uid" form (MS-OXOCAL 2.2.1.27). Both GlobalObjectId and
 * CleanGlobalObjectId get it, the latter with the instance date zeroed.
 */
static void import_uid(struct import_state *st, const char *uid)
{
	size_t n = strlen(uid);
	uint8_t *gid = NULL;
	uint32_t len = 0;
	struct mapi_propval *pv;

	if (n >= 80 && n % 2 == 0 && n / 2 <= 0xFFFF) {
		gid = talloc_array(st->mem_ctx, uint8_t, n / 2);
		if (!gid) {
			st->oom = true;
			return;
		}
		for (size_t i = 0; i < n / 2; i++) {
			int hi = hex_nibble(uid[2 * i]), lo = hex_nibble(uid[2 * i + 1]);

			if (hi < 0 || lo < 0) {
				TALLOC_FREE(gid);
				break;
			}
			gid[i] = (uint8_t)(hi << 4 | lo);
		}
		if (gid && memcmp(gid, global_id_byte_array_id, 16) != 0)
			TALLOC_FREE(gid);
		if (gid)
			len = (uint32_t)(n / 2);
	}
	if (!gid) {
		if (n > 0xFFFF - 53)
			return;	/* too long for a PtypBinary in a ROP buffer; no UID kept */
		len = (uint32_t)(52 + n + 1);
		gid = talloc_zero_array(st->mem_ctx, uint8_t, len);
		if (!gid) {
			st->oom = true;
			return;
		}
		memcpy(gid, global_id_byte_array_id, 16);
		uint32_t size = (uint32_t)(12 + n + 1);
		for (int i = 0; i < 4; i++)
			gid[36 + i] = (uint8_t)(size >> (8 * i));
		memcpy(gid + 40, "vCal-Uid", 8);
		gid[48] = 1;
		memcpy(gid + 52, uid, n);
	}
	pv = import_named(st, &oxcical_psetid_meeting, OXCICAL_LID_GLOBAL_OBJECT_ID, NULL, PTYP_BINARY);
	if (pv) {
		pv->value.binary.data = gid;
		pv->value.binary.len = len;
	}
	pv = import_named(st, &oxcical_psetid_meeting, OXCICAL_LID_CLEAN_GLOBAL_OBJECT_ID, NULL,
			  PTYP_BINARY);
	if (pv) {
		pv->value.binary.data = talloc_memdup(st->mem_ctx, gid, len);
		pv->value.binary.len = len;
		if (!pv->value.binary.data)
			st->oom = true;
		else if (len >= 20)
			memset(pv->value.binary.data + 16, 0, 4);
	}
}

/* ORGANIZER and ATTENDEE back to recipient rows (2.1.3.1.1.20). */
static void import_person(struct import_state *st, icalproperty *p, bool organizer)
{
	const char *addr = organizer ? icalproperty_get_organizer(p) : icalproperty_get_attendee(p);
	icalparameter *param;
	struct oxcical_recipient *a, *r;

	if (!addr)
		return;
	if (strncasecmp(addr, "mailto:", 7) == 0)
		addr += 7;
	a = talloc_realloc(st->mem_ctx, st->recips, struct oxcical_recipient, st->recip_count + 1);
	if (!a) {
		st->oom = true;
		return;
	}
	st->recips = a;
	r = &a[st->recip_count++];
	memset(r, 0, sizeof(*r));
	r->type = OXCICAL_RECIP_TO;
	r->flags = 1 | (organizer ? OXCICAL_RECIP_FLAG_ORGANIZER : 0);	/* recipSendable */
	r->smtp = talloc_strdup(st->mem_ctx, addr);
	if (!r->smtp)
		st->oom = true;
	if ((param = icalproperty_get_first_parameter(p, ICAL_CN_PARAMETER))) {
		r->name = talloc_strdup(st->mem_ctx, icalparameter_get_cn(param));
		if (!r->name)
			st->oom = true;
	}
	if (organizer)
		return;
	if ((param = icalproperty_get_first_parameter(p, ICAL_ROLE_PARAMETER))) {
		if (icalparameter_get_role(param) == ICAL_ROLE_OPTPARTICIPANT)
			r->type = OXCICAL_RECIP_CC;
		else if (icalparameter_get_role(param) == ICAL_ROLE_NONPARTICIPANT)
			r->type = OXCICAL_RECIP_BCC;
	}
	if ((param = icalproperty_get_first_parameter(p, ICAL_PARTSTAT_PARAMETER))) {
		switch (icalparameter_get_partstat(param)) {
		case ICAL_PARTSTAT_ACCEPTED: r->track_status = OXCICAL_RESP_ACCEPTED; break;
		case ICAL_PARTSTAT_TENTATIVE: r->track_status = OXCICAL_RESP_TENTATIVE; break;
		case ICAL_PARTSTAT_DECLINED: r->track_status = OXCICAL_RESP_DECLINED; break;
		default: break;
		}
	}
}

enum oxcical_error oxcical_import_event(TALLOC_CTX *mem_ctx, icalcomponent *ev,
					struct oxcical_appointment **out)
{
	struct import_state st = { .mem_ctx = NULL };
	struct oxcical_appointment *appt;
	struct mapi_propval *pv;
	icalproperty *p;
	icalcomponent *alarm;
	struct icaltimetype s, e;
	const char *text;
	bool busy_done = false;

	*out = NULL;
	if (!ev || icalcomponent_isa(ev) != ICAL_VEVENT_COMPONENT ||
	    !icalcomponent_get_first_property(ev, ICAL_DTSTART_PROPERTY))
		return OXCICAL_ERR_MISSING;
	appt = talloc_zero(mem_ctx, struct oxcical_appointment);
	if (!appt)
		return OXCICAL_ERR_NO_MEMORY;
	st.mem_ctx = appt;

	s = icalcomponent_get_dtstart(ev);
	e = icalcomponent_get_dtend(ev);	/* libical derives it from DURATION when needed */
	if (icaltime_is_null_time(e))
		e = s;
	if ((pv = import_named(&st, &oxcical_psetid_appointment, OXCICAL_LID_START_WHOLE, NULL, PTYP_TIME)))
		pv->value.time = unix_to_filetime(import_time(s));
	if ((pv = import_named(&st, &oxcical_psetid_appointment, OXCICAL_LID_END_WHOLE, NULL, PTYP_TIME)))
		pv->value.time = unix_to_filetime(import_time(e));
	/* VALUE=DATE: an all-day event (DTSTART, 2.1.3.1.1.20), here at UTC midnight for want of a zone */
	if ((pv = import_named(&st, &oxcical_psetid_appointment, OXCICAL_LID_SUB_TYPE, NULL, PTYP_BOOLEAN)))
		pv->value.boolean = s.is_date ? 1 : 0;

	if ((text = icalcomponent_get_summary(ev)))
		import_string(&st, import_tag(&st, TAG_SUBJECT), text);
	if ((text = icalcomponent_get_description(ev)))
		import_string(&st, import_tag(&st, TAG_BODY), text);
	if ((text = icalcomponent_get_location(ev)))
		import_string(&st, import_named(&st, &oxcical_psetid_appointment, OXCICAL_LID_LOCATION,
						NULL, PTYP_STRING), text);
	if ((text = icalcomponent_get_uid(ev)) && text[0])
		import_uid(&st, text);
	if ((p = icalcomponent_get_first_property(ev, ICAL_CREATED_PROPERTY)) &&
	    (pv = import_tag(&st, TAG_CREATION_TIME)))
		pv->value.time = unix_to_filetime(import_time(icalproperty_get_created(p)));
	if ((p = icalcomponent_get_first_property(ev, ICAL_LASTMODIFIED_PROPERTY)) &&
	    (pv = import_tag(&st, TAG_LAST_MODIFICATION_TIME)))
		pv->value.time = unix_to_filetime(import_time(icalproperty_get_lastmodified(p)));

	/* CLASS (2.1.3.1.1.20): X-PERSONAL is personal; unknown x-names are normal. */
	if ((p = icalcomponent_get_first_property(ev, ICAL_CLASS_PROPERTY)) &&
	    (pv = import_tag(&st, TAG_SENSITIVITY))) {
		const char *v = icalproperty_get_value_as_string(p);

		pv->value.i32 = !v ? 0 : strcasecmp(v, "PRIVATE") == 0 ? 2 :
				strcasecmp(v, "CONFIDENTIAL") == 0 ? 3 :
				strcasecmp(v, "X-PERSONAL") == 0 ? 1 : 0;
	}
	/* X-MICROSOFT-CDO-IMPORTANCE (2.1.3.1.1.20.32) first; else PRIORITY: 1-4 high, 6-9 low, others normal. */
	{
		int importance = -1;

		for (p = icalcomponent_get_first_property(ev, ICAL_X_PROPERTY); p;
		     p = icalcomponent_get_next_property(ev, ICAL_X_PROPERTY)) {
			const char *name = icalproperty_get_x_name(p), *v = icalproperty_get_x(p);

			if (name && v && strcasecmp(name, "X-MICROSOFT-CDO-IMPORTANCE") == 0 &&
			    v[0] >= '0' && v[0] <= '2' && v[1] == 0) {
				importance = v[0] - '0';
				break;
			}
		}
		if (importance < 0 && (p = icalcomponent_get_first_property(ev, ICAL_PRIORITY_PROPERTY))) {
			int prio = icalproperty_get_priority(p);

			importance = prio >= 1 && prio <= 4 ? 2 : prio >= 6 && prio <= 9 ? 0 : 1;
		}
		if (importance >= 0 && (pv = import_tag(&st, TAG_IMPORTANCE)))
			pv->value.i32 = (uint32_t)importance;
	}
	/* PidLidBusyStatus: X-MICROSOFT-CDO-BUSYSTATUS first, TRANSP otherwise (2.1.3.1.1.20.25). */
	for (p = icalcomponent_get_first_property(ev, ICAL_X_PROPERTY); p && !busy_done;
	     p = icalcomponent_get_next_property(ev, ICAL_X_PROPERTY)) {
		static const char *const cdo[] = { "FREE", "TENTATIVE", "BUSY", "OOF", "WORKINGELSEWHERE" };
		const char *name = icalproperty_get_x_name(p), *v = icalproperty_get_x(p);

		if (!name || strcasecmp(name, "X-MICROSOFT-CDO-BUSYSTATUS") != 0 || !v)
			continue;
		for (uint32_t i = 0; i < 5; i++)
			if (strcasecmp(v, cdo[i]) == 0 &&
			    (pv = import_named(&st, &oxcical_psetid_appointment, OXCICAL_LID_BUSY_STATUS,
					       NULL, PTYP_INTEGER32))) {
				pv->value.i32 = i;
				busy_done = true;
				break;
			}
	}
	if (!busy_done && (p = icalcomponent_get_first_property(ev, ICAL_TRANSP_PROPERTY)) &&
	    (pv = import_named(&st, &oxcical_psetid_appointment, OXCICAL_LID_BUSY_STATUS, NULL,
			       PTYP_INTEGER32)))
		pv->value.i32 = icalproperty_get_transp(p) == ICAL_TRANSP_TRANSPARENT ? 0 : 2;
	/* STATUS:CANCELLED back to asfCanceled (2.1.3.1.1.20). */
	if ((p = icalcomponent_get_first_property(ev, ICAL_STATUS_PROPERTY)) &&
	    icalproperty_get_status(p) == ICAL_STATUS_CANCELLED &&
	    (pv = import_named(&st, &oxcical_psetid_appointment, OXCICAL_LID_STATE_FLAGS, NULL,
			       PTYP_INTEGER32)))
		pv->value.i32 = STATE_FLAG_CANCELED;

	/* CATEGORIES to PidNameKeywords, one value per category. */
	{
		uint32_t count = 0;
		char **values = NULL;

		for (p = icalcomponent_get_first_property(ev, ICAL_CATEGORIES_PROPERTY); p;
		     p = icalcomponent_get_next_property(ev, ICAL_CATEGORIES_PROPERTY)) {
			const char *c = icalproperty_get_categories(p);
			char **grown;

			if (!c || !c[0])
				continue;
			grown = talloc_realloc(appt, values, char *, count + 1);
			if (!grown) {
				st.oom = true;
				break;
			}
			values = grown;
			values[count] = talloc_strdup(values, c);
			if (!values[count++])
				st.oom = true;
		}
		if (count && (pv = import_named(&st, &oxcical_ps_public_strings, 0, OXCICAL_NAME_KEYWORDS,
						PTYP_MULTIPLE_STRING))) {
			pv->value.mv_string.count = count;
			pv->value.mv_string.values = values;
		}
	}

	/*
	 * The first VALARM with a TRIGGER is the reminder (Component: VALARM):
	 * a duration gives its minutes as they are, a date-time its distance
	 * before DTSTART.
	 */
	alarm = icalcomponent_get_first_component(ev, ICAL_VALARM_COMPONENT);
	if (alarm && (p = icalcomponent_get_first_property(alarm, ICAL_TRIGGER_PROPERTY))) {
		struct icaltriggertype trig = icalproperty_get_trigger(p);
		int64_t seconds = icaldurationtype_as_int(trig.duration);

		if (!icaltime_is_null_time(trig.time))
			seconds = (int64_t)import_time(trig.time) - (int64_t)import_time(s);
		if (seconds < 0)	/* PidLidReminderDelta takes the absolute value */
			seconds = -seconds;
		if (seconds / 60 < 0x7FFFFFFF) {
			if ((pv = import_named(&st, &oxcical_psetid_common, OXCICAL_LID_REMINDER_SET, NULL,
					       PTYP_BOOLEAN)))
				pv->value.boolean = 1;
			if ((pv = import_named(&st, &oxcical_psetid_common, OXCICAL_LID_REMINDER_DELTA,
					       NULL, PTYP_INTEGER32)))
				pv->value.i32 = (uint32_t)(seconds / 60);
		}
	}

	for (p = icalcomponent_get_first_property(ev, ICAL_ORGANIZER_PROPERTY); p;
	     p = icalcomponent_get_next_property(ev, ICAL_ORGANIZER_PROPERTY))
		import_person(&st, p, true);
	for (p = icalcomponent_get_first_property(ev, ICAL_ATTENDEE_PROPERTY); p;
	     p = icalcomponent_get_next_property(ev, ICAL_ATTENDEE_PROPERTY))
		import_person(&st, p, false);

	if (st.oom) {
		talloc_free(appt);
		return OXCICAL_ERR_NO_MEMORY;
	}
	appt->props = st.props;
	appt->prop_count = st.prop_count;
	appt->named = st.named;
	appt->named_count = st.named_count;
	appt->recipients = st.recips;
	appt->recipient_count = st.recip_count;
	*out = appt;
	return OXCICAL_OK;
}
