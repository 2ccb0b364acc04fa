/*
 * The RecurrencePattern structure of MS-OXOCAL 2.2.1.44.1, the leading part
 * of PidLidAppointmentRecur (2.2.1.44.5 AppointmentRecurrencePattern).
 *
 * Kept apart from oxcical.c so that it needs neither libical nor talloc:
 * the libFuzzer target builds it alone (testsuite/fuzz/fuzz_oxcical_recur.c).
 *
 * Copyright (C) OpenChange developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef EXCHANGE2ICAL_OXCICAL_RECUR_H
#define EXCHANGE2ICAL_OXCICAL_RECUR_H

#include <stddef.h>
#include <stdint.h>

/* RecurFrequency (2.2.1.44.1). */
#define OXCICAL_FREQ_DAILY 0x200A
#define OXCICAL_FREQ_WEEKLY 0x200B
#define OXCICAL_FREQ_MONTHLY 0x200C
#define OXCICAL_FREQ_YEARLY 0x200D

/* PatternType (2.2.1.44.1). */
#define OXCICAL_PATTERN_DAY 0x0000
#define OXCICAL_PATTERN_WEEK 0x0001
#define OXCICAL_PATTERN_MONTH 0x0002
#define OXCICAL_PATTERN_MONTH_NTH 0x0003
#define OXCICAL_PATTERN_MONTH_END 0x0004
#define OXCICAL_PATTERN_HJ_MONTH 0x000A
#define OXCICAL_PATTERN_HJ_MONTH_NTH 0x000B
#define OXCICAL_PATTERN_HJ_MONTH_END 0x000C

/* EndType (2.2.1.44.1); 0xFFFFFFFF is also accepted as "never". */
#define OXCICAL_END_AFTER_DATE 0x00002021
#define OXCICAL_END_AFTER_N 0x00002022
#define OXCICAL_END_NEVER 0x00002023
#define OXCICAL_END_NEVER2 0xFFFFFFFF

/* The reader and writer version every RecurrencePattern carries. */
#define OXCICAL_RECUR_VERSION 0x3004

/* Days of the week bits of PatternTypeSpecific (2.2.1.44.1.2): Sunday = bit 0. */
#define OXCICAL_DOW_SUNDAY 0x01
#define OXCICAL_DOW_SATURDAY 0x40

struct oxcical_recurrence {
	uint16_t frequency;	/* OXCICAL_FREQ_* */
	uint16_t pattern_type;	/* OXCICAL_PATTERN_* */
	uint16_t calendar_type;
	uint32_t first_date_time;
	uint32_t period;	/* minutes (daily), weeks (weekly), months (monthly/yearly) */
	uint32_t sliding_flag;
	uint32_t days_of_week;	/* week and month-nth patterns */
	uint32_t day_of_month;	/* month patterns; N (1..5, 5 = last) for month-nth */
	uint32_t end_type;	/* OXCICAL_END_* */
	uint32_t occurrence_count;
	uint32_t first_dow;	/* 0 = Sunday */
	uint32_t deleted_count;
	uint32_t modified_count;
	uint32_t start_date;	/* minutes since 1601-01-01, midnight of the first day */
	uint32_t end_date;	/* minutes since 1601-01-01, midnight of the last day */
	size_t deleted_offset;	/* where DeletedInstanceDates starts in the blob */
	size_t consumed;	/* bytes of the blob the RecurrencePattern took */
	/*
	 * From the AppointmentRecurrencePattern that follows (2.2.1.44.5), when
	 * the blob goes on that far: minutes after local midnight at which each
	 * instance starts and ends.
	 */
	int has_time_offsets;
	uint32_t start_time_offset;
	uint32_t end_time_offset;
};

enum oxcical_recur_error {
	OXCICAL_RECUR_OK = 0,
	OXCICAL_RECUR_TRUNCATED,	/* a field runs past the blob */
	OXCICAL_RECUR_BAD_VERSION,	/* reader/writer version is not 0x3004 */
	OXCICAL_RECUR_BAD_VALUE,	/* a frequency, pattern type or end type 2.2.1.44.1 does not define */
};

/*
 * Parse the RecurrencePattern at the start of blob (PidLidAppointmentRecur
 * holds it first). Every read is checked against len; the instance date
 * arrays are skipped, not kept (oxcical_recur_deleted_date reads one). Of the
 * AppointmentRecurrencePattern after it, only the two time offsets are read;
 * the exceptions are left alone.
 */
enum oxcical_recur_error oxcical_recur_parse(const uint8_t *blob, size_t len,
					     struct oxcical_recurrence *out);

/* The i-th DeletedInstanceDates entry (minutes since 1601, local midnight); i < deleted_count. */
uint32_t oxcical_recur_deleted_date(const uint8_t *blob, const struct oxcical_recurrence *recur,
				    uint32_t i);

#endif
