/*
 * Appointment (MS-OXOCAL) to iCalendar (RFC 5545) conversion following
 * MS-OXCICAL 2.1.3.1.1 "Mapping Between iCalendar and Calendar Objects":
 * the conversion core of exchange2ical, offline (no session, no mailbox).
 *
 * The caller hands over what it read from a message: its PidTag* properties
 * as struct mapi_propval (strings UTF-8), its named properties already
 * resolved to their canonical (property set, LID or name) form, and its
 * recipients. So the converter never sees a mailbox's named-property id
 * mapping (MS-OXCPRPT 2.2.12 GetIDsFromNames is the caller's business).
 *
 * Copyright (C) OpenChange developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef EXCHANGE2ICAL_OXCICAL_H
#define EXCHANGE2ICAL_OXCICAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>
#include <libical/ical.h>
#include "libmapi/oxcdata_propval.h"
#include "utils/exchange2ical/oxcical_recur.h"

/* Property sets (MS-OXPROPS 1.3.2), as struct mapi_guid wire bytes. */
extern const struct mapi_guid oxcical_psetid_appointment;	/* {00062002-0000-0000-C000-000000000046} */
extern const struct mapi_guid oxcical_psetid_common;		/* {00062008-0000-0000-C000-000000000046} */
extern const struct mapi_guid oxcical_psetid_meeting;		/* {6ED8DA90-450B-101B-98DA-00AA003F1305} */
extern const struct mapi_guid oxcical_ps_public_strings;	/* {00020329-0000-0000-C000-000000000046} */

/* Canonical LIDs this converter reads (MS-OXPROPS section 2). */
#define OXCICAL_LID_BUSY_STATUS 0x8205		/* PSETID_Appointment, PtypInteger32 */
#define OXCICAL_LID_LOCATION 0x8208		/* PSETID_Appointment, PtypString */
#define OXCICAL_LID_START_WHOLE 0x820D		/* PSETID_Appointment, PtypTime */
#define OXCICAL_LID_END_WHOLE 0x820E		/* PSETID_Appointment, PtypTime */
#define OXCICAL_LID_SUB_TYPE 0x8215		/* PSETID_Appointment, PtypBoolean */
#define OXCICAL_LID_RECUR 0x8216		/* PSETID_Appointment, PtypBinary */
#define OXCICAL_LID_STATE_FLAGS 0x8217		/* PSETID_Appointment, PtypInteger32 */
#define OXCICAL_LID_RECURRING 0x8223		/* PSETID_Appointment, PtypBoolean */
#define OXCICAL_LID_EXCEPTION_REPLACE_TIME 0x8228 /* PSETID_Appointment, PtypTime (UTC) */
#define OXCICAL_LID_REMINDER_DELTA 0x8501	/* PSETID_Common, PtypInteger32 (minutes) */
#define OXCICAL_LID_REMINDER_SET 0x8503		/* PSETID_Common, PtypBoolean */
#define OXCICAL_LID_GLOBAL_OBJECT_ID 0x0003	/* PSETID_Meeting, PtypBinary */
#define OXCICAL_LID_CLEAN_GLOBAL_OBJECT_ID 0x0023 /* PSETID_Meeting, PtypBinary */
#define OXCICAL_NAME_KEYWORDS "Keywords"	/* PS_PUBLIC_STRINGS, PtypMultipleString */

/*
 * One named property with its value. name == NULL: the LID kind; else the
 * string kind (MS-OXCDATA 2.6.1 PropertyName). value.tag carries the type
 * (its id part is ignored).
 */
struct oxcical_named_prop {
	struct mapi_guid guid;
	uint32_t lid;
	const char *name;
	struct mapi_propval value;
};

/* PidTagRecipientType (MS-OXOMSG 2.2.3.1) and PidTagRecipientFlags (MS-OXOCAL 2.2.4.10.1). */
#define OXCICAL_RECIP_TO 0x1
#define OXCICAL_RECIP_CC 0x2
#define OXCICAL_RECIP_BCC 0x3
#define OXCICAL_RECIP_FLAG_ORGANIZER 0x0002

/* PidTagRecipientTrackStatus (MS-OXOCAL 2.2.4.10.2). */
#define OXCICAL_RESP_NONE 0
#define OXCICAL_RESP_TENTATIVE 2
#define OXCICAL_RESP_ACCEPTED 3
#define OXCICAL_RESP_DECLINED 4

/* One row of the recipient table, reduced to what ORGANIZER/ATTENDEE need. */
struct oxcical_recipient {
	uint32_t type;		/* PidTagRecipientType */
	uint32_t flags;		/* PidTagRecipientFlags */
	uint32_t track_status;	/* PidTagRecipientTrackStatus */
	const char *name;	/* PidTagDisplayName, UTF-8, may be NULL */
	const char *smtp;	/* PidTagSmtpAddress / PidTagEmailAddress, may be NULL */
};

/* PidTagAttachmentFlags afException (MS-OXOCAL 2.2.10.1.2): the attachment is an exception. */
#define OXCICAL_ATTACH_FLAG_EXCEPTION 0x00000002

struct oxcical_exception;

struct oxcical_appointment {
	const struct mapi_propval *props;
	size_t prop_count;
	const struct oxcical_named_prop *named;
	size_t named_count;
	const struct oxcical_recipient *recipients;
	size_t recipient_count;
	/* a recurring series' modified instances; ignored on an exception itself */
	const struct oxcical_exception *exceptions;
	size_t exception_count;
};

/*
 * One modified instance of a recurring series (MS-OXOCAL 2.2.10.1, 2.2.10.2):
 * the Exception Attachment object's PidTagExceptionReplaceTime and the
 * Exception Embedded Message object it holds. What the message does not
 * set is the series' (2.2.10.2); a missing start is the original one, a
 * missing end keeps the series' duration.
 */
struct oxcical_exception {
	uint64_t replace_time;	/* UTC FILETIME; 0: the message's PidLidExceptionReplaceTime */
	struct oxcical_appointment message;
};

enum oxcical_error {
	OXCICAL_OK = 0,
	OXCICAL_ERR_MISSING,	/* no PidLidAppointmentStartWhole: not an appointment we can place */
	OXCICAL_ERR_BAD_RECUR,	/* PidLidAppointmentRecur does not parse */
	OXCICAL_ERR_NO_MEMORY,
	OXCICAL_ERR_BAD_EXCEPTION,	/* an exception was left out (no original start, no RRULE to refer to) */
};

/* A VCALENDAR carrying METHOD:PUBLISH, PRODID and VERSION:2.0 (2.1.3.1.1; VERSION is 2.1.3.1.1.3). */
icalcomponent *oxcical_calendar_new(void);

/*
 * Append one VEVENT for appt to calendar, then one per exception
 * (MS-OXCICAL 2.1.3.1.1.20.20: the series' UID, RECURRENCE-ID the original
 * start). dtstamp is the export time (DTSTAMP); pass time(NULL) outside
 * tests. A recurrence that does not parse or that iCalendar cannot say
 * yields OXCICAL_ERR_BAD_RECUR: the first instance alone is kept, without
 * exceptions. An exception that cannot be placed is left out:
 * OXCICAL_ERR_BAD_EXCEPTION when nothing worse happened.
 * *exceptions_written (may be NULL) gets how many exception VEVENTs were written.
 */
enum oxcical_error oxcical_append_series(icalcomponent *calendar,
					 const struct oxcical_appointment *appt, time_t dtstamp,
					 size_t *exceptions_written);
/* oxcical_append_series without the count. */
enum oxcical_error oxcical_append_event(icalcomponent *calendar,
					const struct oxcical_appointment *appt, time_t dtstamp);

/* FILETIME (100 ns since 1601-01-01 UTC) to seconds since 1970. */
time_t oxcical_filetime_to_unix(uint64_t filetime);

/*
 * The RRULE for a parsed RecurrencePattern (MS-OXCICAL, Property: RRULE). start is
 * the first instance's DTSTART (its type decides UNTIL's). Returns false when
 * iCalendar has no form for it (Hijri patterns, an out-of-range value).
 */
bool oxcical_recur_to_rrule(const struct oxcical_recurrence *recur, struct icaltimetype start,
			    struct icalrecurrencetype *rrule);

/*
 * The inverse, for import (MS-OXCICAL 2.1.3.1.1.20.x "Importing to Calendar
 * objects"): one VEVENT to the properties oxcical_append_event reads, all
 * allocated under mem_ctx (*out included). RRULE is not imported yet.
 * OXCICAL_ERR_MISSING when the VEVENT has no DTSTART.
 */
enum oxcical_error oxcical_import_event(TALLOC_CTX *mem_ctx, icalcomponent *vevent,
					struct oxcical_appointment **out);

#endif
