/*
 * exchange2ical conversion core (utils/exchange2ical/oxcical.c): hand-built
 * appointments to iCalendar, checked twice: parsed back with libical's
 * parser, and by the exact lines MS-OXCICAL 2.1.3.1.1 asks for.
 *
 * Copyright (C) OpenChange developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <talloc.h>

#include "utils/exchange2ical/oxcical.h"

#define RU_SUBJECT "Встреча с командой"
#define JA_SUBJECT "会議室の予約"
#define FR_SUBJECT "Réunion hebdomadaire à l'hôtel"
#define FR_LOCATION "Salle Émile-Zola, 2ᵉ étage"
#define STAMP ((time_t)1767225600)	/* 2026-01-01T00:00:00Z */

static uint64_t ft(time_t t)
{
	return ((uint64_t)t + 11644473600ULL) * 10000000ULL;
}

/* minutes since 1601 of a UTC midnight, the unit of RecurrencePattern dates */
static uint32_t recur_minutes(time_t t)
{
	return (uint32_t)(((uint64_t)t + 11644473600ULL) / 60);
}

struct blob {
	uint8_t b[256];
	size_t n;
};

static void put16(struct blob *bl, uint16_t v)
{
	bl->b[bl->n++] = v & 0xFF;
	bl->b[bl->n++] = v >> 8;
}

static void put32(struct blob *bl, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		bl->b[bl->n++] = (v >> (8 * i)) & 0xFF;
}

/*
 * A RecurrencePattern (MS-OXOCAL 2.2.1.44.1) with the given DeletedInstanceDates
 * (original days of deleted and of modified instances) and ModifiedInstanceDates.
 */
static void build_recur_dates(struct blob *bl, uint16_t freq, uint16_t pattern, uint32_t period,
			      uint32_t spec1, uint32_t spec2, int nspec, uint32_t end_type,
			      uint32_t count, time_t start_day, time_t end_day,
			      const time_t *deleted, uint32_t ndeleted,
			      const time_t *modified, uint32_t nmodified)
{
	memset(bl, 0, sizeof(*bl));
	put16(bl, 0x3004); put16(bl, 0x3004);
	put16(bl, freq); put16(bl, pattern); put16(bl, 0);
	put32(bl, 0); put32(bl, period); put32(bl, 0);
	if (nspec >= 1) put32(bl, spec1);
	if (nspec >= 2) put32(bl, spec2);
	put32(bl, end_type); put32(bl, count); put32(bl, 1 /* Monday */);
	put32(bl, ndeleted);
	for (uint32_t i = 0; i < ndeleted; i++)
		put32(bl, recur_minutes(deleted[i]));
	put32(bl, nmodified);
	for (uint32_t i = 0; i < nmodified; i++)
		put32(bl, recur_minutes(modified[i]));
	put32(bl, recur_minutes(start_day)); put32(bl, recur_minutes(end_day));
}

/* ... with one deleted instance, two weeks after the first day. */
static void build_recur(struct blob *bl, uint16_t freq, uint16_t pattern, uint32_t period,
			uint32_t spec1, uint32_t spec2, int nspec, uint32_t end_type, uint32_t count,
			time_t start_day, time_t end_day)
{
	time_t deleted = start_day + 14 * 86400;

	build_recur_dates(bl, freq, pattern, period, spec1, spec2, nspec, end_type, count,
			  start_day, end_day, &deleted, 1, NULL, 0);
}

/* The AppointmentRecurrencePattern tail (MS-OXOCAL 2.2.1.44.5): versions, time offsets, no exceptions. */
static void build_appt_tail(struct blob *bl, uint32_t start_offset, uint32_t end_offset)
{
	put32(bl, 0x3006); put32(bl, 0x3009);
	put32(bl, start_offset); put32(bl, end_offset);
	put16(bl, 0); put32(bl, 0); put32(bl, 0);
}

static struct oxcical_named_prop lid_time(const struct mapi_guid *g, uint32_t lid, uint64_t v)
{
	struct oxcical_named_prop np = { .guid = *g, .lid = lid };
	np.value.tag = PTYP_TIME;
	np.value.value.time = v;
	return np;
}

static struct oxcical_named_prop lid_i32(const struct mapi_guid *g, uint32_t lid, uint32_t v)
{
	struct oxcical_named_prop np = { .guid = *g, .lid = lid };
	np.value.tag = PTYP_INTEGER32;
	np.value.value.i32 = v;
	return np;
}

static struct oxcical_named_prop lid_bool(const struct mapi_guid *g, uint32_t lid, bool v)
{
	struct oxcical_named_prop np = { .guid = *g, .lid = lid };
	np.value.tag = PTYP_BOOLEAN;
	np.value.value.boolean = v;
	return np;
}

static struct oxcical_named_prop lid_bin(const struct mapi_guid *g, uint32_t lid,
					 const uint8_t *data, uint32_t len)
{
	struct oxcical_named_prop np = { .guid = *g, .lid = lid };
	np.value.tag = PTYP_BINARY;
	np.value.value.binary.data = (uint8_t *)data;
	np.value.value.binary.len = len;
	return np;
}

static struct oxcical_named_prop lid_str(const struct mapi_guid *g, uint32_t lid, const char *s)
{
	struct oxcical_named_prop np = { .guid = *g, .lid = lid };
	np.value.tag = PTYP_STRING;
	np.value.value.string = (char *)s;
	return np;
}

static struct mapi_propval tag_str(uint32_t tag, const char *s)
{
	struct mapi_propval pv = { .tag = tag };
	pv.value.string = (char *)s;
	return pv;
}

static struct mapi_propval tag_i32(uint32_t tag, uint32_t v)
{
	struct mapi_propval pv = { .tag = tag };
	pv.value.i32 = v;
	return pv;
}

static struct mapi_propval tag_time(uint32_t tag, uint64_t v)
{
	struct mapi_propval pv = { .tag = tag };
	pv.value.time = v;
	return pv;
}

/* Convert, serialize, parse back; returns the text (free()) and the parsed calendar. */
static char *export_one(const struct oxcical_appointment *appt, enum oxcical_error want,
			icalcomponent **parsed)
{
	icalcomponent *cal = oxcical_calendar_new();
	char *text;

	assert_non_null(cal);
	assert_int_equal(oxcical_append_event(cal, appt, STAMP), want);
	text = icalcomponent_as_ical_string_r(cal);
	assert_non_null(text);
	icalcomponent_free(cal);
	*parsed = icalparser_parse_string(text);
	assert_non_null(*parsed);
	assert_int_equal(icalcomponent_isa(*parsed), ICAL_VCALENDAR_COMPONENT);
	return text;
}

/*
 * line must be one whole content line of text once unfolded (RFC 5545
 * 3.1: CRLF followed by one space continues the line), so the check does
 * not depend on where libical folds.
 */
static void assert_line(const char *text, const char *line)
{
	char *unfolded = malloc(strlen(text) + 3), *needle = malloc(strlen(line) + 5);
	const char *r;
	char *w;

	assert_non_null(unfolded);
	assert_non_null(needle);
	w = unfolded;
	*w++ = '\r';
	*w++ = '\n';
	for (r = text; *r; r++) {
		if (r[0] == '\r' && r[1] == '\n' && r[2] == ' ') {
			r += 2;
			continue;
		}
		*w++ = *r;
	}
	*w = 0;
	sprintf(needle, "\r\n%s\r\n", line);
	if (!strstr(unfolded, needle))
		fail_msg("missing line \"%s\" in:\n%s", line, text);
	free(needle);
	free(unfolded);
}

static icalcomponent *only_event(icalcomponent *cal)
{
	icalcomponent *ev = icalcomponent_get_first_component(cal, ICAL_VEVENT_COMPONENT);

	assert_non_null(ev);
	assert_null(icalcomponent_get_next_component(cal, ICAL_VEVENT_COMPONENT));
	return ev;
}

/*
 * Import (oxcical_import_event) of what we exported, exported again, must
 * give the same text: every property the export writes survives import.
 */
static void assert_round_trip(const char *text, icalcomponent *parsed)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	struct oxcical_appointment *back;
	icalcomponent *cal2;
	char *text2;

	assert_int_equal(oxcical_import_event(mem, only_event(parsed), &back), OXCICAL_OK);
	cal2 = oxcical_calendar_new();
	assert_int_equal(oxcical_append_event(cal2, back, STAMP), OXCICAL_OK);
	text2 = icalcomponent_as_ical_string_r(cal2);
	assert_string_equal(text2, text);
	free(text2);
	icalcomponent_free(cal2);
	talloc_free(mem);
}

/* A meeting with a Russian subject, a French location, four recipients, a reminder. */
static void test_meeting(void **state)
{
	static const uint8_t gid[56] = {
		0x04, 0x00, 0x00, 0x00, 0x82, 0x00, 0xE0, 0x00, 0x74, 0xC5, 0xB7, 0x10, 0x1A, 0x82, 0xE0, 0x08,
		0x07, 0xEA, 0x01, 0x0F,	/* instance date: zeroed in the UID */
		0xE0, 0x40, 0xC9, 0xC1, 0x26, 0x85, 0xC4, 0x01, 0, 0, 0, 0, 0, 0, 0, 0,
		0x10, 0x00, 0x00, 0x00,
		0x0B, 0xF0, 0xED, 0x4B, 0x6E, 0x4E, 0xE9, 0x4E, 0x9E, 0x39, 0xE3, 0x86, 0x7B, 0x37, 0x8E, 0xF3,
	};
	time_t start = 1768467600;	/* 2026-01-15T09:00:00Z */
	char *keywords[] = { "Работа", "プロジェクト" };
	struct mapi_propval props[] = {
		tag_str(0x0037001F, RU_SUBJECT),
		tag_str(0x1000001F, "Повестка дня:\nпункт 1; пункт 2, и т.д."),
		tag_i32(0x00360003, 2),		/* private */
		tag_i32(0x00170003, 2),		/* high */
		tag_time(0x30070040, ft(1767312000)),
		tag_time(0x30080040, ft(1767398400)),
	};
	struct oxcical_named_prop named[] = {
		lid_time(&oxcical_psetid_appointment, OXCICAL_LID_START_WHOLE, ft(start)),
		lid_time(&oxcical_psetid_appointment, OXCICAL_LID_END_WHOLE, ft(start + 5400)),
		lid_str(&oxcical_psetid_appointment, OXCICAL_LID_LOCATION, FR_LOCATION),
		lid_i32(&oxcical_psetid_appointment, OXCICAL_LID_BUSY_STATUS, 1),
		lid_bin(&oxcical_psetid_meeting, OXCICAL_LID_GLOBAL_OBJECT_ID, gid, sizeof(gid)),
		lid_bool(&oxcical_psetid_common, OXCICAL_LID_REMINDER_SET, true),
		lid_i32(&oxcical_psetid_common, OXCICAL_LID_REMINDER_DELTA, 30),
		{ .guid = oxcical_ps_public_strings, .name = OXCICAL_NAME_KEYWORDS,
		  .value = { .tag = PTYP_MULTIPLE_STRING, .value.mv_string = { 2, keywords } } },
		/* a value of the wrong type must be ignored, not misread */
		lid_i32(&oxcical_psetid_appointment, OXCICAL_LID_START_WHOLE, 7),
	};
	struct oxcical_recipient recips[] = {
		{ OXCICAL_RECIP_TO, OXCICAL_RECIP_FLAG_ORGANIZER | 1, 0, "Иван Петров", "ivan@example.org" },
		{ OXCICAL_RECIP_TO, 1, OXCICAL_RESP_ACCEPTED, "Hélène Dupont", "helene@example.org" },
		{ OXCICAL_RECIP_CC, 1, OXCICAL_RESP_TENTATIVE, "田中 太郎", "tanaka@example.jp" },
		{ OXCICAL_RECIP_BCC, 1, OXCICAL_RESP_NONE, "Room 1", "room1@example.org" },
		{ OXCICAL_RECIP_TO, 1, OXCICAL_RESP_DECLINED, "No address", NULL },
	};
	struct oxcical_appointment appt = { props, 6, named, 9, recips, 5 };
	icalcomponent *cal, *ev, *alarm;
	icalproperty *p;
	char *text;
	int n;

	(void)state;
	text = export_one(&appt, OXCICAL_OK, &cal);
	ev = only_event(cal);

	/* parsed back */
	assert_string_equal(icalcomponent_get_summary(ev), RU_SUBJECT);
	assert_string_equal(icalcomponent_get_location(ev), FR_LOCATION);
	assert_string_equal(icalcomponent_get_description(ev), "Повестка дня:\nпункт 1; пункт 2, и т.д.");
	assert_line(text, "DESCRIPTION:Повестка дня:\\nпункт 1\\; пункт 2\\, и т.д.");
	assert_int_equal(icaltime_as_timet(icalcomponent_get_dtstart(ev)), start);
	assert_int_equal(icaltime_as_timet(icalcomponent_get_dtend(ev)), start + 5400);
	assert_true(icaltime_is_utc(icalcomponent_get_dtstart(ev)));
	assert_int_equal(icalcomponent_count_properties(ev, ICAL_ATTENDEE_PROPERTY), 3);
	n = 0;
	for (p = icalcomponent_get_first_property(ev, ICAL_CATEGORIES_PROPERTY); p;
	     p = icalcomponent_get_next_property(ev, ICAL_CATEGORIES_PROPERTY))
		assert_string_equal(icalproperty_get_categories(p), keywords[n++]);
	assert_int_equal(n, 2);
	alarm = icalcomponent_get_first_component(ev, ICAL_VALARM_COMPONENT);
	assert_non_null(alarm);
	p = icalcomponent_get_first_property(alarm, ICAL_TRIGGER_PROPERTY);
	assert_non_null(p);
	assert_int_equal(icaldurationtype_as_int(icalproperty_get_trigger(p).duration), -30 * 60);

	/* the lines MS-OXCICAL asks for */
	assert_line(text, "BEGIN:VCALENDAR");
	assert_line(text, "METHOD:PUBLISH");
	assert_line(text, "PRODID:-//OpenChange//exchange2ical//EN");
	assert_line(text, "VERSION:2.0");
	assert_line(text, "SUMMARY:" RU_SUBJECT);
	assert_line(text, "DTSTART:20260115T090000Z");
	assert_line(text, "DTEND:20260115T103000Z");
	assert_line(text, "DTSTAMP:20260101T000000Z");
	assert_line(text, "CREATED:20260102T000000Z");
	assert_line(text, "LAST-MODIFIED:20260103T000000Z");
	assert_line(text, "UID:040000008200E00074C5B7101A82E00800000000E040C9C12685C401000000000000"
			  "0000100000000BF0ED4B6E4EE94E9E39E3867B378EF3");
	assert_line(text, "CLASS:PRIVATE");
	assert_line(text, "PRIORITY:1");
	assert_line(text, "X-MICROSOFT-CDO-IMPORTANCE:2");
	assert_line(text, "TRANSP:OPAQUE");
	assert_line(text, "STATUS:CONFIRMED");
	assert_line(text, "X-MICROSOFT-CDO-BUSYSTATUS:TENTATIVE");
	assert_line(text, "ORGANIZER;CN=Иван Петров:mailto:ivan@example.org");
	assert_line(text, "ATTENDEE;PARTSTAT=ACCEPTED;CN=Hélène Dupont:mailto:helene@example.org");
	assert_line(text, "ATTENDEE;ROLE=OPT-PARTICIPANT;PARTSTAT=TENTATIVE;CN=田中 太郎:mailto:tanaka@example.jp");
	assert_line(text, "ATTENDEE;ROLE=NON-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=TRUE;CN=Room 1:mailto:room1@example.org");
	assert_line(text, "CATEGORIES:Работа");
	assert_line(text, "BEGIN:VALARM");
	assert_line(text, "ACTION:DISPLAY");
	assert_line(text, "TRIGGER:-PT30M");
	assert_null(strstr(text, "RRULE"));
	assert_round_trip(text, cal);
	free(text);
	icalcomponent_free(cal);
}

/* An all-day event with a Japanese subject and a third party's UID (vCal-Uid form). */
static void test_all_day(void **state)
{
	static const char vcal_uid[] = "abc-123@example.jp";
	uint8_t gid[52 + sizeof(vcal_uid)] = {
		0x04, 0x00, 0x00, 0x00, 0x82, 0x00, 0xE0, 0x00, 0x74, 0xC5, 0xB7, 0x10, 0x1A, 0x82, 0xE0, 0x08,
	};
	/* local midnight of 2026-03-20 in Tokyo (UTC+9) and Paris (UTC+1) */
	time_t tokyo = 1773932400, paris = 1773961200;
	struct mapi_propval props[] = { tag_str(0x0037001F, JA_SUBJECT), tag_i32(0x00360003, 1) };
	struct oxcical_named_prop named[] = {
		lid_time(&oxcical_psetid_appointment, OXCICAL_LID_START_WHOLE, ft(tokyo)),
		lid_time(&oxcical_psetid_appointment, OXCICAL_LID_END_WHOLE, ft(tokyo + 2 * 86400)),
		lid_bool(&oxcical_psetid_appointment, OXCICAL_LID_SUB_TYPE, true),
		lid_i32(&oxcical_psetid_appointment, OXCICAL_LID_BUSY_STATUS, 0),
		lid_i32(&oxcical_psetid_appointment, OXCICAL_LID_STATE_FLAGS, 0x5),
		lid_bin(&oxcical_psetid_meeting, OXCICAL_LID_GLOBAL_OBJECT_ID, gid, sizeof(gid)),
		lid_bool(&oxcical_psetid_common, OXCICAL_LID_REMINDER_SET, false),
	};
	struct oxcical_appointment appt = { props, 2, named, 7, NULL, 0 };
	icalcomponent *cal, *ev;
	struct icaltimetype s;
	char *text;

	(void)state;
	gid[36] = 12 + sizeof(vcal_uid);	/* Size */
	memcpy(gid + 40, "vCal-Uid", 8);
	gid[48] = 1;
	memcpy(gid + 52, vcal_uid, sizeof(vcal_uid));

	text = export_one(&appt, OXCICAL_OK, &cal);
	ev = only_event(cal);
	assert_string_equal(icalcomponent_get_summary(ev), JA_SUBJECT);
	s = icalcomponent_get_dtstart(ev);
	assert_true(s.is_date);
	assert_int_equal(s.year, 2026); assert_int_equal(s.month, 3); assert_int_equal(s.day, 20);
	assert_string_equal(icalcomponent_get_uid(ev), vcal_uid);
	assert_null(icalcomponent_get_first_component(ev, ICAL_VALARM_COMPONENT));
	assert_line(text, "SUMMARY:" JA_SUBJECT);
	assert_line(text, "DTSTART;VALUE=DATE:20260320");
	assert_line(text, "DTEND;VALUE=DATE:20260322");
	assert_line(text, "UID:abc-123@example.jp");
	assert_line(text, "CLASS:X-PERSONAL");
	assert_line(text, "TRANSP:TRANSPARENT");
	assert_line(text, "X-MICROSOFT-CDO-BUSYSTATUS:FREE");
	assert_line(text, "STATUS:CANCELLED");
	assert_round_trip(text, cal);
	free(text);
	icalcomponent_free(cal);

	/* the same day seen from Paris: still the 20th */
	named[0] = lid_time(&oxcical_psetid_appointment, OXCICAL_LID_START_WHOLE, ft(paris));
	named[1] = lid_time(&oxcical_psetid_appointment, OXCICAL_LID_END_WHOLE, ft(paris + 86400));
	text = export_one(&appt, OXCICAL_OK, &cal);
	assert_line(text, "DTSTART;VALUE=DATE:20260320");
	assert_line(text, "DTEND;VALUE=DATE:20260321");
	free(text);
	icalcomponent_free(cal);
}

/* Weekly on Monday, Wednesday and Friday every two weeks, ten times; French subject. */
static void test_weekly(void **state)
{
	time_t monday = 1767571200;	/* 2026-01-05T00:00:00Z */
	struct blob bl;
	struct mapi_propval props[] = { tag_str(0x0037001F, FR_SUBJECT) };
	struct oxcical_named_prop named[4];
	struct oxcical_appointment appt = { props, 1, named, 4, NULL, 0 };
	icalcomponent *cal, *ev;
	icalproperty *p;
	icalrecur_iterator *it;
	struct icalrecurrencetype rr;
	struct icaltimetype t;
	char *text;
	int count = 0;

	(void)state;
	build_recur(&bl, OXCICAL_FREQ_WEEKLY, OXCICAL_PATTERN_WEEK, 2, 0x2A, 0, 1,
		    OXCICAL_END_AFTER_N, 10, monday, monday + 30 * 86400);
	/* 10:00 to 11:00 in Paris (UTC+1), i.e. 09:00Z */
	build_appt_tail(&bl, 600, 660);
	named[0] = lid_time(&oxcical_psetid_appointment, OXCICAL_LID_START_WHOLE, ft(monday + 9 * 3600));
	named[1] = lid_time(&oxcical_psetid_appointment, OXCICAL_LID_END_WHOLE, ft(monday + 10 * 3600));
	named[2] = lid_bin(&oxcical_psetid_appointment, OXCICAL_LID_RECUR, bl.b, (uint32_t)bl.n);
	named[3] = lid_bool(&oxcical_psetid_appointment, OXCICAL_LID_RECURRING, true);

	text = export_one(&appt, OXCICAL_OK, &cal);
	ev = only_event(cal);
	assert_string_equal(icalcomponent_get_summary(ev), FR_SUBJECT);
	assert_line(text, "SUMMARY:" FR_SUBJECT);
	assert_line(text, "RRULE:FREQ=WEEKLY;COUNT=10;INTERVAL=2;BYDAY=MO,WE,FR");
	/* the deleted instance of Monday the 19th, at its own start time */
	assert_line(text, "EXDATE:20260119T090000Z");
	p = icalcomponent_get_first_property(ev, ICAL_RRULE_PROPERTY);
	assert_non_null(p);
	rr = icalproperty_get_rrule(p);
	/* the instances libical expands: Mon/Wed/Fri of weeks 1, 3, 5, 7 (10 in all) */
	it = icalrecur_iterator_new(rr, icalcomponent_get_dtstart(ev));
	assert_non_null(it);
	for (t = icalrecur_iterator_next(it); !icaltime_is_null_time(t); t = icalrecur_iterator_next(it)) {
		if (count == 3) {
			assert_int_equal(t.month, 1); assert_int_equal(t.day, 19);
		}
		count++;
	}
	icalrecur_iterator_free(it);
	assert_int_equal(count, 10);
	free(text);
	icalcomponent_free(cal);
}

static char *rrule_of(struct blob *bl, time_t start, bool all_day)
{
	struct oxcical_recurrence rc;
	struct icalrecurrencetype rr;
	struct icaltimetype s = icaltime_from_timet_with_zone(start, all_day,
			all_day ? NULL : icaltimezone_get_utc_timezone());
	char *out;

	assert_int_equal(oxcical_recur_parse(bl->b, bl->n, &rc), OXCICAL_RECUR_OK);
	assert_int_equal(rc.consumed, bl->n);
	assert_true(oxcical_recur_to_rrule(&rc, s, &rr));
	out = icalrecurrencetype_as_string_r(&rr);
	assert_non_null(out);
	return out;
}

/* The other patterns and end kinds of MS-OXOCAL 2.2.1.44.1. */
static void test_patterns(void **state)
{
	time_t day = 1768435200;	/* 2026-01-15T00:00:00Z, a Thursday */
	struct blob bl;
	char *s;

	(void)state;
	build_recur(&bl, OXCICAL_FREQ_DAILY, OXCICAL_PATTERN_DAY, 3 * 1440, 0, 0, 0,
		    OXCICAL_END_NEVER, 0, day, day);
	s = rrule_of(&bl, day + 3600, false);
	assert_string_equal(s, "FREQ=DAILY;INTERVAL=3");
	free(s);

	build_recur(&bl, OXCICAL_FREQ_MONTHLY, OXCICAL_PATTERN_MONTH_NTH, 1, 0x04, 2, 2,
		    OXCICAL_END_AFTER_DATE, 0, day, day + 180 * 86400);
	s = rrule_of(&bl, day + 3600, false);
	assert_string_equal(s, "FREQ=MONTHLY;UNTIL=20260714T235959Z;BYDAY=TU;BYSETPOS=2");
	free(s);
	/* with the instance time known (08:00 in Tokyo, 23:00Z the day before): UNTIL is the last start */
	{
		struct oxcical_recurrence rc;
		struct icalrecurrencetype rr;

		build_appt_tail(&bl, 480, 540);
		assert_int_equal(oxcical_recur_parse(bl.b, bl.n, &rc), OXCICAL_RECUR_OK);
		assert_true(rc.has_time_offsets);
		assert_true(oxcical_recur_to_rrule(&rc, icaltime_from_timet_with_zone(day - 3600, 0,
					icaltimezone_get_utc_timezone()), &rr));
		s = icalrecurrencetype_as_string_r(&rr);
		assert_string_equal(s, "FREQ=MONTHLY;UNTIL=20260713T230000Z;BYDAY=TU;BYSETPOS=2");
		free(s);
	}

	build_recur(&bl, OXCICAL_FREQ_MONTHLY, OXCICAL_PATTERN_MONTH, 2, 31, 0, 1,
		    OXCICAL_END_AFTER_N, 6, day, day);
	s = rrule_of(&bl, day, true);
	assert_string_equal(s, "FREQ=MONTHLY;COUNT=6;INTERVAL=2;BYMONTHDAY=-1");
	free(s);

	build_recur(&bl, OXCICAL_FREQ_YEARLY, OXCICAL_PATTERN_MONTH, 12, 15, 0, 1,
		    OXCICAL_END_AFTER_DATE, 0, day, day + 3 * 365 * 86400);
	s = rrule_of(&bl, day, true);
	assert_string_equal(s, "FREQ=YEARLY;UNTIL=20290114;BYMONTHDAY=15;BYMONTH=1");
	free(s);

	build_recur(&bl, OXCICAL_FREQ_YEARLY, OXCICAL_PATTERN_MONTH_NTH, 12, 0x7F, 5, 2,
		    OXCICAL_END_NEVER2, 0, day, day);
	s = rrule_of(&bl, day, true);
	assert_string_equal(s, "FREQ=YEARLY;BYDAY=SU,MO,TU,WE,TH,FR,SA;BYMONTH=1;BYSETPOS=-1");
	free(s);
}

/* A broken PidLidAppointmentRecur: the first instance alone, and the error said. */
/* A third party's VEVENT: a zone of its own, DURATION, a comma list of categories. */
static void test_import(void **state)
{
	static const char ics[] =
		"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Example//EN\r\n"
		"BEGIN:VEVENT\r\nUID:event-42@example.com\r\nDTSTAMP:20260101T000000Z\r\n"
		"DTSTART:20260210T140000Z\r\nDURATION:PT45M\r\n"
		"SUMMARY:Déjeuner\r\nCATEGORIES:Un,Deux\r\nPRIORITY:7\r\nTRANSP:TRANSPARENT\r\n"
		"ORGANIZER:mailto:chef@example.fr\r\n"
		"ATTENDEE;ROLE=REQ-PARTICIPANT;PARTSTAT=DECLINED:mailto:a@example.fr\r\n"
		"BEGIN:VALARM\r\nACTION:AUDIO\r\nTRIGGER;VALUE=DATE-TIME:20260210T130000Z\r\nEND:VALARM\r\n"
		"END:VEVENT\r\nEND:VCALENDAR\r\n";
	TALLOC_CTX *mem = talloc_new(NULL);
	icalcomponent *cal = icalparser_parse_string(ics), *out;
	struct oxcical_appointment *appt;
	char *text;

	(void)state;
	assert_non_null(cal);
	assert_int_equal(oxcical_import_event(mem, only_event(cal), &appt), OXCICAL_OK);
	assert_int_equal(appt->recipient_count, 2);
	assert_string_equal(appt->recipients[1].smtp, "a@example.fr");
	assert_int_equal(appt->recipients[1].track_status, OXCICAL_RESP_DECLINED);
	out = oxcical_calendar_new();
	assert_int_equal(oxcical_append_event(out, appt, STAMP), OXCICAL_OK);
	text = icalcomponent_as_ical_string_r(out);
	assert_line(text, "UID:event-42@example.com");
	assert_line(text, "DTSTART:20260210T140000Z");
	assert_line(text, "DTEND:20260210T144500Z");
	assert_line(text, "SUMMARY:Déjeuner");
	assert_line(text, "PRIORITY:9");
	assert_line(text, "X-MICROSOFT-CDO-IMPORTANCE:0");
	assert_line(text, "TRANSP:TRANSPARENT");
	assert_line(text, "X-MICROSOFT-CDO-BUSYSTATUS:FREE");
	assert_line(text, "ORGANIZER:mailto:chef@example.fr");
	assert_line(text, "ATTENDEE;PARTSTAT=DECLINED:mailto:a@example.fr");
	assert_line(text, "CATEGORIES:Un");
	assert_line(text, "CATEGORIES:Deux");
	/* an absolute trigger an hour before the start: a 60-minute reminder, shown as DISPLAY */
	assert_line(text, "TRIGGER:-PT1H");
	assert_line(text, "ACTION:DISPLAY");
	free(text);
	icalcomponent_free(out);

	/* no DTSTART: nothing to place */
	{
		icalproperty *dtstart = icalcomponent_get_first_property(only_event(cal),
									 ICAL_DTSTART_PROPERTY);

		icalcomponent_remove_property(only_event(cal), dtstart);
		icalproperty_free(dtstart);
	}
	assert_int_equal(oxcical_import_event(mem, only_event(cal), &appt), OXCICAL_ERR_MISSING);
	icalcomponent_free(cal);
	talloc_free(mem);
}

static void test_bad_recur(void **state)
{
	time_t day = 1768435200;
	struct blob bl;
	struct oxcical_recurrence rc;
	struct oxcical_named_prop named[3];
	struct oxcical_appointment appt = { NULL, 0, named, 3, NULL, 0 };
	icalcomponent *cal;
	char *text;

	(void)state;
	build_recur(&bl, OXCICAL_FREQ_WEEKLY, OXCICAL_PATTERN_WEEK, 1, 0x02, 0, 1,
		    OXCICAL_END_NEVER, 0, day, day);
	for (size_t n = 0; n < bl.n; n++)
		assert_int_equal(oxcical_recur_parse(bl.b, n, &rc), OXCICAL_RECUR_TRUNCATED);
	assert_int_equal(oxcical_recur_parse(NULL, 0, &rc), OXCICAL_RECUR_TRUNCATED);
	bl.b[0] = 0x05;
	assert_int_equal(oxcical_recur_parse(bl.b, bl.n, &rc), OXCICAL_RECUR_BAD_VERSION);
	bl.b[0] = 0x04;
	bl.b[6] = 0x09;	/* PatternType 9 is not defined */
	assert_int_equal(oxcical_recur_parse(bl.b, bl.n, &rc), OXCICAL_RECUR_BAD_VALUE);
	bl.b[6] = 0x01;
	/* a deleted-instance count far past the blob */
	bl.b[36] = 0xFF; bl.b[37] = 0xFF; bl.b[38] = 0xFF; bl.b[39] = 0x3F;
	assert_int_equal(oxcical_recur_parse(bl.b, bl.n, &rc), OXCICAL_RECUR_TRUNCATED);

	named[0] = lid_time(&oxcical_psetid_appointment, OXCICAL_LID_START_WHOLE, ft(day));
	named[1] = lid_time(&oxcical_psetid_appointment, OXCICAL_LID_END_WHOLE, ft(day + 60));
	named[2] = lid_bin(&oxcical_psetid_appointment, OXCICAL_LID_RECUR, bl.b, (uint32_t)bl.n);
	text = export_one(&appt, OXCICAL_ERR_BAD_RECUR, &cal);
	assert_null(strstr(text, "RRULE"));
	assert_line(text, "DTSTART:20260115T000000Z");
	/* no Global Object ID: an OutlookID-form UID is made up */
	assert_int_equal(strncmp(icalcomponent_get_uid(only_event(cal)),
				 "040000008200E00074C5B7101A82E00800000000", 40), 0);
	free(text);
	icalcomponent_free(cal);

	/* no start: not convertible, and the calendar is left as it was */
	cal = oxcical_calendar_new();
	appt.named = named + 1;
	appt.named_count = 1;
	assert_int_equal(oxcical_append_event(cal, &appt, STAMP), OXCICAL_ERR_MISSING);
	assert_null(icalcomponent_get_first_component(cal, ICAL_VEVENT_COMPONENT));
	icalcomponent_free(cal);
}


/* A Global Object ID of the "vCal-Uid" form (MS-OXOCAL 2.2.1.27) carrying uid. */
static uint32_t vcal_gid(uint8_t *gid, size_t size, const char *uid)
{
	static const uint8_t byte_array_id[16] = {
		0x04, 0x00, 0x00, 0x00, 0x82, 0x00, 0xE0, 0x00, 0x74, 0xC5, 0xB7, 0x10, 0x1A, 0x82, 0xE0, 0x08,
	};
	size_t n = strlen(uid) + 1;

	assert_true(52 + n <= size);
	memset(gid, 0, size);
	memcpy(gid, byte_array_id, 16);
	gid[36] = (uint8_t)(12 + n);
	memcpy(gid + 40, "vCal-Uid", 8);
	gid[48] = 1;
	memcpy(gid + 52, uid, n);
	return (uint32_t)(52 + n);
}

static const char *prop_text(icalcomponent *ev, icalproperty_kind kind)
{
	icalproperty *p = icalcomponent_get_first_property(ev, kind);

	return p ? icalproperty_get_value_as_string(p) : NULL;
}

#define EX_SUBJECT "Réunion déplacée — 会議は午後に"
#define EX_LOCATION "Переговорная 2"

/*
 * A weekly series with two exceptions (MS-OXOCAL 2.2.10.1): one moved to
 * the afternoon with a subject of its own and its reminder off, the other
 * changing only the location, its original start in the message's
 * PidLidExceptionReplaceTime. Each is a VEVENT with the series' UID and
 * RECURRENCE-ID; what it does not change is the series'. The moved
 * instance's original day is among DeletedInstanceDates and is no EXDATE;
 * the really deleted one still is.
 */
static void test_exceptions(void **state)
{
	time_t monday = 1767571200;	/* 2026-01-05T00:00:00Z */
	time_t deleted[] = { monday + 14 * 86400, monday + 18 * 86400 };	/* the 19th (moved), the 23rd */
	time_t modified[] = { monday + 14 * 86400 };
	uint8_t gid[96];
	uint32_t gid_len = vcal_gid(gid, sizeof(gid), "series-7@example.fr");
	struct blob bl;
	struct mapi_propval props[] = { tag_str(0x0037001F, FR_SUBJECT), tag_i32(0x00360003, 2) };
	struct oxcical_named_prop named[] = {
		lid_time(&oxcical_psetid_appointment, OXCICAL_LID_START_WHOLE, ft(monday + 9 * 3600)),
		lid_time(&oxcical_psetid_appointment, OXCICAL_LID_END_WHOLE, ft(monday + 10 * 3600)),
		lid_str(&oxcical_psetid_appointment, OXCICAL_LID_LOCATION, FR_LOCATION),
		lid_bin(&oxcical_psetid_appointment, OXCICAL_LID_RECUR, NULL, 0),
		lid_bool(&oxcical_psetid_appointment, OXCICAL_LID_RECURRING, true),
		lid_bin(&oxcical_psetid_meeting, OXCICAL_LID_GLOBAL_OBJECT_ID, gid, gid_len),
		lid_bool(&oxcical_psetid_common, OXCICAL_LID_REMINDER_SET, true),
		lid_i32(&oxcical_psetid_common, OXCICAL_LID_REMINDER_DELTA, 10),
	};
	/* moved: 14:00 to 15:30Z on the 19th */
	struct mapi_propval ex0_props[] = { tag_str(0x0037001F, EX_SUBJECT) };
	struct oxcical_named_prop ex0_named[] = {
		lid_time(&oxcical_psetid_appointment, OXCICAL_LID_START_WHOLE,
			 ft(monday + 14 * 86400 + 14 * 3600)),
		lid_time(&oxcical_psetid_appointment, OXCICAL_LID_END_WHOLE,
			 ft(monday + 14 * 86400 + 15 * 3600 + 1800)),
		lid_bool(&oxcical_psetid_common, OXCICAL_LID_REMINDER_SET, false),
	};
	/* Wednesday the 7th, elsewhere, at its usual time */
	struct oxcical_named_prop ex1_named[] = {
		lid_time(&oxcical_psetid_appointment, OXCICAL_LID_EXCEPTION_REPLACE_TIME,
			 ft(monday + 2 * 86400 + 9 * 3600)),
		lid_str(&oxcical_psetid_appointment, OXCICAL_LID_LOCATION, EX_LOCATION),
	};
	struct oxcical_exception ex[] = {
		{ ft(monday + 14 * 86400 + 9 * 3600), { ex0_props, 1, ex0_named, 3, NULL, 0, NULL, 0 } },
		{ 0, { NULL, 0, ex1_named, 2, NULL, 0, NULL, 0 } },
	};
	struct oxcical_appointment appt = { props, 2, named, 8, NULL, 0, ex, 2 };
	icalcomponent *cal, *series, *moved = NULL, *elsewhere = NULL, *ev;
	char *text;
	int n = 0;

	(void)state;
	build_recur_dates(&bl, OXCICAL_FREQ_WEEKLY, OXCICAL_PATTERN_WEEK, 2, 0x2A, 0, 1,
			  OXCICAL_END_AFTER_N, 10, monday, monday + 30 * 86400, deleted, 2, modified, 1);
	build_appt_tail(&bl, 600, 660);
	named[3] = lid_bin(&oxcical_psetid_appointment, OXCICAL_LID_RECUR, bl.b, (uint32_t)bl.n);

	text = export_one(&appt, OXCICAL_OK, &cal);
	assert_int_equal(icalcomponent_count_errors(cal), 0);
	series = icalcomponent_get_first_component(cal, ICAL_VEVENT_COMPONENT);
	for (ev = series; ev; ev = icalcomponent_get_next_component(cal, ICAL_VEVENT_COMPONENT), n++) {
		/* every instance is of the one series */
		assert_string_equal(icalcomponent_get_uid(ev), "series-7@example.fr");
		if (n == 0) {
			assert_null(icalcomponent_get_first_property(ev, ICAL_RECURRENCEID_PROPERTY));
			continue;
		}
		assert_non_null(icalcomponent_get_first_property(ev, ICAL_RECURRENCEID_PROPERTY));
		assert_true(icaltime_is_utc(icalcomponent_get_recurrenceid(ev)));
		/* RRULE and EXDATE belong to the series alone */
		assert_null(icalcomponent_get_first_property(ev, ICAL_RRULE_PROPERTY));
		assert_null(icalcomponent_get_first_property(ev, ICAL_EXDATE_PROPERTY));
		if (icaltime_as_timet(icalcomponent_get_recurrenceid(ev)) == monday + 14 * 86400 + 9 * 3600)
			moved = ev;
		else if (icaltime_as_timet(icalcomponent_get_recurrenceid(ev)) ==
			 monday + 2 * 86400 + 9 * 3600)
			elsewhere = ev;
	}
	assert_int_equal(n, 3);
	assert_non_null(moved);
	assert_non_null(elsewhere);

	assert_non_null(icalcomponent_get_first_property(series, ICAL_RRULE_PROPERTY));
	assert_string_equal(icalcomponent_get_summary(series), FR_SUBJECT);
	assert_int_equal(icalcomponent_count_properties(series, ICAL_EXDATE_PROPERTY), 1);
	assert_line(text, "EXDATE:20260123T090000Z");
	assert_null(strstr(text, "EXDATE:20260119"));

	/* the moved one: its own times and subject, the series' location, class; no reminder */
	assert_string_equal(icalcomponent_get_summary(moved), EX_SUBJECT);
	assert_int_equal(icaltime_as_timet(icalcomponent_get_dtstart(moved)), monday + 14 * 86400 + 14 * 3600);
	assert_int_equal(icaltime_as_timet(icalcomponent_get_dtend(moved)),
			 monday + 14 * 86400 + 15 * 3600 + 1800);
	assert_string_equal(icalcomponent_get_location(moved), FR_LOCATION);
	assert_string_equal(prop_text(moved, ICAL_CLASS_PROPERTY), "PRIVATE");
	assert_null(icalcomponent_get_first_component(moved, ICAL_VALARM_COMPONENT));
	assert_line(text, "RECURRENCE-ID:20260119T090000Z");
	assert_line(text, "DTSTART:20260119T140000Z");
	assert_line(text, "DTEND:20260119T153000Z");
	assert_line(text, "SUMMARY:" EX_SUBJECT);

	/* the other: the series' subject, start (its original one) and duration, its own location */
	assert_string_equal(icalcomponent_get_summary(elsewhere), FR_SUBJECT);
	assert_string_equal(icalcomponent_get_location(elsewhere), EX_LOCATION);
	assert_int_equal(icaltime_as_timet(icalcomponent_get_dtstart(elsewhere)), monday + 2 * 86400 + 9 * 3600);
	assert_int_equal(icaltime_as_timet(icalcomponent_get_dtend(elsewhere)), monday + 2 * 86400 + 10 * 3600);
	assert_non_null(icalcomponent_get_first_component(elsewhere, ICAL_VALARM_COMPONENT));
	assert_line(text, "RECURRENCE-ID:20260107T090000Z");
	assert_line(text, "LOCATION:" EX_LOCATION);
	free(text);
	icalcomponent_free(cal);
}

/* Exceptions that cannot be placed, and an all-day series' RECURRENCE-ID (a DATE, as its DTSTART). */
static void test_exception_errors(void **state)
{
	time_t tokyo = 1773932400;	/* local midnight of 2026-03-20 in Tokyo (UTC+9) */
	time_t day22 = 1774137600;	/* 2026-03-22T00:00:00Z: the third day's date */
	struct blob bl;
	struct mapi_propval ex_props[] = { tag_str(0x0037001F, JA_SUBJECT) };
	struct oxcical_named_prop named[] = {
		lid_time(&oxcical_psetid_appointment, OXCICAL_LID_START_WHOLE, ft(tokyo)),
		lid_time(&oxcical_psetid_appointment, OXCICAL_LID_END_WHOLE, ft(tokyo + 86400)),
		lid_bool(&oxcical_psetid_appointment, OXCICAL_LID_SUB_TYPE, true),
		lid_bin(&oxcical_psetid_appointment, OXCICAL_LID_RECUR, NULL, 0),
	};
	struct oxcical_exception ex[] = {
		{ ft(tokyo + 2 * 86400), { ex_props, 1, NULL, 0, NULL, 0, NULL, 0 } },
		{ 0, { ex_props, 1, NULL, 0, NULL, 0, NULL, 0 } },	/* no original start anywhere */
	};
	struct oxcical_appointment appt = { NULL, 0, named, 4, NULL, 0, ex, 2 };
	icalcomponent *cal, *ev;
	size_t written = 99;
	char *text;

	(void)state;
	build_recur_dates(&bl, OXCICAL_FREQ_DAILY, OXCICAL_PATTERN_DAY, 1440, 0, 0, 0,
			  OXCICAL_END_AFTER_N, 5, day22 - 2 * 86400, day22 + 2 * 86400, &day22, 1, &day22, 1);
	named[3] = lid_bin(&oxcical_psetid_appointment, OXCICAL_LID_RECUR, bl.b, (uint32_t)bl.n);

	cal = oxcical_calendar_new();
	assert_int_equal(oxcical_append_series(cal, &appt, STAMP, &written), OXCICAL_ERR_BAD_EXCEPTION);
	assert_int_equal(written, 1);
	text = icalcomponent_as_ical_string_r(cal);
	assert_line(text, "RRULE:FREQ=DAILY;COUNT=5");
	assert_line(text, "RECURRENCE-ID;VALUE=DATE:20260322");
	assert_line(text, "DTSTART;VALUE=DATE:20260322");
	assert_line(text, "SUMMARY:" JA_SUBJECT);
	assert_null(strstr(text, "EXDATE"));
	free(text);
	ev = icalcomponent_get_first_component(cal, ICAL_VEVENT_COMPONENT);
	ev = icalcomponent_get_next_component(cal, ICAL_VEVENT_COMPONENT);
	assert_non_null(ev);
	assert_true(icalcomponent_get_recurrenceid(ev).is_date);
	assert_null(icalcomponent_get_next_component(cal, ICAL_VEVENT_COMPONENT));
	icalcomponent_free(cal);

	/* not recurring: a RECURRENCE-ID would name no instance, so the exceptions are left out */
	appt.named_count = 3;
	cal = oxcical_calendar_new();
	assert_int_equal(oxcical_append_series(cal, &appt, STAMP, &written), OXCICAL_ERR_BAD_EXCEPTION);
	assert_int_equal(written, 0);
	only_event(cal);
	icalcomponent_free(cal);

	/* a broken recurrence says so first; still no exception */
	bl.b[0] = 0x05;
	appt.named_count = 4;
	cal = oxcical_calendar_new();
	assert_int_equal(oxcical_append_series(cal, &appt, STAMP, &written), OXCICAL_ERR_BAD_RECUR);
	assert_int_equal(written, 0);
	only_event(cal);
	icalcomponent_free(cal);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_meeting),
		cmocka_unit_test(test_all_day),
		cmocka_unit_test(test_weekly),
		cmocka_unit_test(test_patterns),
		cmocka_unit_test(test_import),
		cmocka_unit_test(test_bad_recur),
		cmocka_unit_test(test_exceptions),
		cmocka_unit_test(test_exception_errors),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);

	/* libical's process-wide caches (built-in zones), so valgrind sees no leak */
	icaltimezone_free_builtin_timezones();
	return rc;
}
