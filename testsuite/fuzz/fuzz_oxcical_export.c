/*
 * libFuzzer target: an appointment with exceptions (MS-OXOCAL 2.2.10.1)
 * through oxcical_append_series. The input gives the series' start, end,
 * flags and up to eight exceptions (original start, own start or none),
 * then its PidLidAppointmentRecur bytes. Whatever they say, the calendar
 * holds the series' VEVENT and one per exception reported written, each
 * with the series' UID and a RECURRENCE-ID, none with an RRULE.
 *
 * Copyright (C) OpenChange developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <stdlib.h>
#include <string.h>
#include "utils/exchange2ical/oxcical.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint64_t take64(const uint8_t **p, size_t *left)
{
	uint64_t v = 0;

	for (int i = 0; i < 8 && *left; i++, (*p)++, (*left)--)
		v |= (uint64_t)**p << (8 * i);
	return v;
}

static uint8_t take8(const uint8_t **p, size_t *left)
{
	uint8_t v = 0;

	if (*left) {
		v = **p;
		(*p)++;
		(*left)--;
	}
	return v;
}

/* FILETIMEs kept within 1601..2514: libical has four-digit years */
#define TIME_MASK 0x03FFFFFFFFFFFFFFULL

static struct oxcical_named_prop named_time(uint32_t lid, uint64_t t)
{
	struct oxcical_named_prop np = { .guid = oxcical_psetid_appointment, .lid = lid };

	np.value.tag = PTYP_TIME;
	np.value.value.time = t & TIME_MASK;
	return np;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char subject[] = "exception";
	const uint8_t *p = data;
	size_t left = size, written = 0;
	struct oxcical_named_prop named[5], ex_named[8][2];
	struct mapi_propval ex_props[8];
	struct oxcical_exception ex[8];
	struct oxcical_appointment appt = { .named = named, .exceptions = ex };
	uint8_t flags, count;
	icalcomponent *cal, *ev;
	const char *uid;
	size_t vevents = 0;

	memset(ex, 0, sizeof(ex));
	named[0] = named_time(OXCICAL_LID_START_WHOLE, take64(&p, &left));
	named[1] = named_time(OXCICAL_LID_END_WHOLE, take64(&p, &left));
	flags = take8(&p, &left);
	named[2].guid = oxcical_psetid_appointment;
	named[2].lid = OXCICAL_LID_SUB_TYPE;
	named[2].name = NULL;
	named[2].value.tag = PTYP_BOOLEAN;
	named[2].value.value.boolean = flags & 1;
	count = take8(&p, &left) % 9;
	for (uint8_t i = 0; i < count; i++) {
		uint8_t kind = take8(&p, &left);
		size_t n = 0;

		ex[i].replace_time = take64(&p, &left) & TIME_MASK;
		if (kind & 1)
			ex_named[i][n++] = named_time(OXCICAL_LID_START_WHOLE, take64(&p, &left));
		if (kind & 2)
			ex_named[i][n++] = named_time(OXCICAL_LID_EXCEPTION_REPLACE_TIME, take64(&p, &left));
		ex[i].message.named = ex_named[i];
		ex[i].message.named_count = n;
		ex_props[i].tag = 0x0037001F;	/* PidTagSubject */
		ex_props[i].value.string = subject;
		ex[i].message.props = &ex_props[i];
		ex[i].message.prop_count = (kind & 4) ? 1 : 0;
	}
	appt.exception_count = count;
	named[3].guid = oxcical_psetid_appointment;
	named[3].lid = OXCICAL_LID_RECUR;
	named[3].name = NULL;
	named[3].value.tag = PTYP_BINARY;
	named[3].value.value.binary.data = (uint8_t *)p;
	named[3].value.value.binary.len = (uint32_t)left;
	appt.named_count = 4;

	cal = oxcical_calendar_new();
	if (!cal)
		return 0;
	switch (oxcical_append_series(cal, &appt, 1767225600, &written)) {
	case OXCICAL_OK:
	case OXCICAL_ERR_BAD_RECUR:
	case OXCICAL_ERR_BAD_EXCEPTION:
		break;
	default:
		abort();	/* the series has a start: nothing else may come back but no memory */
	}
	if (written > count)
		abort();
	ev = icalcomponent_get_first_component(cal, ICAL_VEVENT_COMPONENT);
	if (!ev || icalcomponent_get_first_property(ev, ICAL_RECURRENCEID_PROPERTY))
		abort();
	uid = icalcomponent_get_uid(ev);
	for (; ev; ev = icalcomponent_get_next_component(cal, ICAL_VEVENT_COMPONENT)) {
		if (vevents++ == 0)
			continue;
		if (!icalcomponent_get_first_property(ev, ICAL_RECURRENCEID_PROPERTY) ||
		    icalcomponent_get_first_property(ev, ICAL_RRULE_PROPERTY) ||
		    icalcomponent_get_first_property(ev, ICAL_EXDATE_PROPERTY) ||
		    !uid || !icalcomponent_get_uid(ev) || strcmp(uid, icalcomponent_get_uid(ev)) != 0)
			abort();
	}
	if (vevents != written + 1)
		abort();
	char *text = icalcomponent_as_ical_string_r(cal);
	free(text);
	icalcomponent_free(cal);
	return 0;
}
