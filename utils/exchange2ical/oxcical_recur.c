/*
 * RecurrencePattern parser, MS-OXOCAL 2.2.1.44.1.
 *
 * Copyright (C) OpenChange developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>
#include "utils/exchange2ical/oxcical_recur.h"

struct recur_reader {
	const uint8_t *p;
	size_t left;
	size_t used;
};

/* All integers of the structure are little-endian (2.2.1.44.1). */
static int read_u16(struct recur_reader *r, uint16_t *v)
{
	if (r->left < 2)
		return -1;
	*v = (uint16_t)(r->p[0] | (r->p[1] << 8));
	r->p += 2; r->left -= 2; r->used += 2;
	return 0;
}

static int read_u32(struct recur_reader *r, uint32_t *v)
{
	if (r->left < 4)
		return -1;
	*v = (uint32_t)r->p[0] | ((uint32_t)r->p[1] << 8) | ((uint32_t)r->p[2] << 16) |
	     ((uint32_t)r->p[3] << 24);
	r->p += 4; r->left -= 4; r->used += 4;
	return 0;
}

/* Skip count 4-byte dates; the count comes from the blob, so divide, never multiply. */
static int skip_dates(struct recur_reader *r, uint32_t count)
{
	if (count > r->left / 4)
		return -1;
	r->p += (size_t)count * 4; r->left -= (size_t)count * 4; r->used += (size_t)count * 4;
	return 0;
}

enum oxcical_recur_error oxcical_recur_parse(const uint8_t *blob, size_t len,
					     struct oxcical_recurrence *out)
{
	struct recur_reader r = { blob, blob ? len : 0, 0 };
	uint16_t reader_version, writer_version;

	memset(out, 0, sizeof(*out));
	if (read_u16(&r, &reader_version) || read_u16(&r, &writer_version))
		return OXCICAL_RECUR_TRUNCATED;
	if (reader_version != OXCICAL_RECUR_VERSION || writer_version != OXCICAL_RECUR_VERSION)
		return OXCICAL_RECUR_BAD_VERSION;
	if (read_u16(&r, &out->frequency) || read_u16(&r, &out->pattern_type) ||
	    read_u16(&r, &out->calendar_type) || read_u32(&r, &out->first_date_time) ||
	    read_u32(&r, &out->period) || read_u32(&r, &out->sliding_flag))
		return OXCICAL_RECUR_TRUNCATED;
	if (out->frequency < OXCICAL_FREQ_DAILY || out->frequency > OXCICAL_FREQ_YEARLY)
		return OXCICAL_RECUR_BAD_VALUE;

	/* PatternTypeSpecific (2.2.1.44.1.2): its size depends on PatternType. */
	switch (out->pattern_type) {
	case OXCICAL_PATTERN_DAY:
		break;
	case OXCICAL_PATTERN_WEEK:
		if (read_u32(&r, &out->days_of_week))
			return OXCICAL_RECUR_TRUNCATED;
		break;
	case OXCICAL_PATTERN_MONTH:
	case OXCICAL_PATTERN_MONTH_END:
	case OXCICAL_PATTERN_HJ_MONTH:
	case OXCICAL_PATTERN_HJ_MONTH_END:
		if (read_u32(&r, &out->day_of_month))
			return OXCICAL_RECUR_TRUNCATED;
		break;
	case OXCICAL_PATTERN_MONTH_NTH:
	case OXCICAL_PATTERN_HJ_MONTH_NTH:
		if (read_u32(&r, &out->days_of_week) || read_u32(&r, &out->day_of_month))
			return OXCICAL_RECUR_TRUNCATED;
		break;
	default:
		return OXCICAL_RECUR_BAD_VALUE;
	}

	if (read_u32(&r, &out->end_type) || read_u32(&r, &out->occurrence_count) ||
	    read_u32(&r, &out->first_dow) || read_u32(&r, &out->deleted_count))
		return OXCICAL_RECUR_TRUNCATED;
	out->deleted_offset = r.used;
	if (skip_dates(&r, out->deleted_count) || read_u32(&r, &out->modified_count) ||
	    skip_dates(&r, out->modified_count) || read_u32(&r, &out->start_date) ||
	    read_u32(&r, &out->end_date))
		return OXCICAL_RECUR_TRUNCATED;
	if (out->end_type != OXCICAL_END_AFTER_DATE && out->end_type != OXCICAL_END_AFTER_N &&
	    out->end_type != OXCICAL_END_NEVER && out->end_type != OXCICAL_END_NEVER2)
		return OXCICAL_RECUR_BAD_VALUE;
	out->consumed = r.used;

	/* AppointmentRecurrencePattern: ReaderVersion2, WriterVersion2, StartTimeOffset, EndTimeOffset. */
	uint32_t reader2, writer2, start_offset, end_offset;
	if (!read_u32(&r, &reader2) && !read_u32(&r, &writer2) && !read_u32(&r, &start_offset) &&
	    !read_u32(&r, &end_offset) && reader2 == 0x3006 && start_offset < 1440) {
		out->has_time_offsets = 1;
		out->start_time_offset = start_offset;
		out->end_time_offset = end_offset;
	}
	return OXCICAL_RECUR_OK;
}

uint32_t oxcical_recur_deleted_date(const uint8_t *blob, const struct oxcical_recurrence *recur,
				    uint32_t i)
{
	/* the parse checked deleted_offset + 4 * deleted_count against the blob */
	const uint8_t *p = blob + recur->deleted_offset + (size_t)i * 4;

	if (i >= recur->deleted_count)
		return 0;
	return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}
