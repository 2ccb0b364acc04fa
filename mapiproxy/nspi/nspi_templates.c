/*
 * OpenChange mapiproxy: address book templates (MS-OXOABKT).
 *
 * The address creation table is empty (a valid table: no address type can be
 * created through the address book).  Display templates are built in, for
 * the mail user (also used for remote mail users, i.e. contacts) and the
 * distribution list display types, in locale 0x0409 only.
 *
 * PidTagTemplateData (MS-OXOABKT 2.2.2.1) is a TRowSet:
 *
 *   Type (ULONG, MUST be 1) | cRows (ULONG) | cRows x TRow (36 bytes each)
 *   | the strings the CNTRL structures point to
 *
 * a TRow being XPos, DeltaX, YPos, DeltaY (pixels), ControlType,
 * ControlFlags, then a CNTRL: dwType, ulSize, ulString.  ulString is the
 * offset from the start of the TRowSet of a NUL-terminated non-Unicode string
 * in the code page the client asked for (2.2.2.1.3).  What dwType and ulSize
 * mean depends on the control (2.2.2.1.3.1-9): 0 for labels, group boxes and
 * pages; the property tag for edit controls (ulSize: the characters allowed,
 * ulString: the allowed-characters filter, "*" for any), list boxes and
 * multi-valued list boxes (ulString "*").  All controls are read-only: the
 * provider lets NspiModProps change certificates only.  As in MS-OXOABKT
 * 4.2's example, the first row is a tabbed page with no geometry and the
 * strings follow the last TRow in the order of first use (each distinct
 * string once).
 *
 * Copyright (C) OpenChange developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include "mapiproxy/nspi/nspi_book.h"

struct PropertyRowSet_r *nspi_address_creation_table(TALLOC_CTX *mem_ctx, bool unicode,
						     uint32_t codepage)
{
	(void)unicode;
	(void)codepage;
	return talloc_zero(mem_ctx, struct PropertyRowSet_r);
}

struct nspi_template_control {
	uint32_t x, dx, y, dy;
	uint32_t type;
	uint32_t flags;
	uint32_t prop_tag;	/* CNTRL dwType */
	uint32_t size;		/* CNTRL ulSize */
	const char *string;	/* CNTRL ulString, UTF-8 here */
};

/* the layout: labels in a left column, values to their right */
#define LABEL_X		8
#define LABEL_DX	100
#define VALUE_X		112
#define VALUE_DX	220
#define ROW_DY		14
#define ROW(n)		(8 + (n) * 22)

#define PAGE(text)	{ 0, 0, 0, 0, NSPI_DTCT_PAGE, 0, 0, 0, text }
#define LABEL(n, text)	{ LABEL_X, LABEL_DX, ROW(n), ROW_DY, NSPI_DTCT_LABEL, 0, 0, 0, text }
#define EDIT(n, tag, max) \
	{ VALUE_X, VALUE_DX, ROW(n), ROW_DY, NSPI_DTCT_EDIT, 0, tag, max, "*" }
#define FIELD(n, text, tag, max)	LABEL(n, text), EDIT(n, tag, max)

/* string-valued properties are asked as PtypString8: the template is 8-bit */
#define TAG8(tag)	NSPI_PROP_TAG(NSPI_PROP_ID(tag), PT_STRING8)

static const struct nspi_template_control mailuser_controls[] = {
	PAGE("General"),
	FIELD(0, "&Display name:", TAG8(NSPI_TAG_DISPLAY_NAME), 256),
	FIELD(1, "&Alias:", TAG8(NSPI_TAG_ACCOUNT), 64),
	FIELD(2, "&E-mail address:", TAG8(NSPI_TAG_SMTP_ADDRESS), 256),
	FIELD(3, "&Title:", TAG8(NSPI_TAG_TITLE), 128),
	FIELD(4, "Co&mpany:", TAG8(NSPI_TAG_COMPANY_NAME), 128),
	FIELD(5, "De&partment:", TAG8(NSPI_TAG_DEPARTMENT_NAME), 128),
	FIELD(6, "&Office:", TAG8(NSPI_TAG_OFFICE_LOCATION), 128),
	FIELD(7, "&Business phone:", TAG8(NSPI_TAG_BUSINESS_TELEPHONE_NUMBER), 64),
	FIELD(8, "Mo&bile phone:", TAG8(NSPI_TAG_MOBILE_TELEPHONE_NUMBER), 64),
	FIELD(9, "&Home phone:", TAG8(NSPI_TAG_HOME_TELEPHONE_NUMBER), 64),
	FIELD(10, "&Fax:", TAG8(NSPI_TAG_BUSINESS_FAX_NUMBER), 64),
	PAGE("E-mail Addresses"),
	LABEL(0, "E-mail addre&sses:"),
	{ LABEL_X, VALUE_X + VALUE_DX - LABEL_X, ROW(1), 8 * ROW_DY, NSPI_DTCT_MVLISTBOX, 0,
	  NSPI_PROP_TAG(NSPI_PROP_ID(NSPI_TAG_AB_PROXY_ADDRESSES), PT_MV_STRING8), 0, "*" },
};

static const struct nspi_template_control distlist_controls[] = {
	PAGE("General"),
	FIELD(0, "&Display name:", TAG8(NSPI_TAG_DISPLAY_NAME), 256),
	FIELD(1, "&Alias:", TAG8(NSPI_TAG_ACCOUNT), 64),
	FIELD(2, "&E-mail address:", TAG8(NSPI_TAG_SMTP_ADDRESS), 256),
	LABEL(3, "&Members:"),
	{ LABEL_X, VALUE_X + VALUE_DX - LABEL_X, ROW(4), 8 * ROW_DY, NSPI_DTCT_LBX, 0,
	  NSPI_TAG_AB_MEMBER, 0, "*" },
	PAGE("E-mail Addresses"),
	LABEL(0, "E-mail addre&sses:"),
	{ LABEL_X, VALUE_X + VALUE_DX - LABEL_X, ROW(1), 8 * ROW_DY, NSPI_DTCT_MVLISTBOX, 0,
	  NSPI_PROP_TAG(NSPI_PROP_ID(NSPI_TAG_AB_PROXY_ADDRESSES), PT_MV_STRING8), 0, "*" },
};

struct nspi_template {
	uint32_t display_type;
	uint32_t locale;
	const struct nspi_template_control *controls;
	uint32_t count;
};

static const struct nspi_template templates[] = {
	{ NSPI_DT_MAILUSER, NSPI_TEMPLATE_LOCALE, mailuser_controls,
	  sizeof(mailuser_controls) / sizeof(mailuser_controls[0]) },
	{ NSPI_DT_REMOTE_MAILUSER, NSPI_TEMPLATE_LOCALE, mailuser_controls,
	  sizeof(mailuser_controls) / sizeof(mailuser_controls[0]) },
	{ NSPI_DT_DISTLIST, NSPI_TEMPLATE_LOCALE, distlist_controls,
	  sizeof(distlist_controls) / sizeof(distlist_controls[0]) },
};

static const struct nspi_template *find_template(uint32_t display_type, uint32_t locale)
{
	size_t i;

	for (i = 0; i < sizeof(templates) / sizeof(templates[0]); i++) {
		if (templates[i].display_type == display_type && templates[i].locale == locale) {
			return &templates[i];
		}
	}
	return NULL;
}

bool nspi_template_exists(uint32_t display_type, uint32_t locale)
{
	return find_template(display_type, locale) != NULL;
}

static void put_u32(uint8_t *p, uint32_t v)
{
	p[0] = v & 0xFF;
	p[1] = (v >> 8) & 0xFF;
	p[2] = (v >> 16) & 0xFF;
	p[3] = (v >> 24) & 0xFF;
}

bool nspi_template_data(TALLOC_CTX *mem_ctx, uint32_t display_type, uint32_t locale,
			uint32_t codepage, DATA_BLOB *out)
{
	const struct nspi_template *t = find_template(display_type, locale);
	TALLOC_CTX *tmp;
	char **wire;
	uint32_t *offset;
	uint32_t i, j, size;
	uint8_t *p;

	*out = data_blob_null;
	if (t == NULL || !mapi_codepage_supported(codepage)) {
		return false;
	}
	tmp = talloc_new(mem_ctx);
	if (tmp == NULL) {
		return false;
	}
	wire = talloc_zero_array(tmp, char *, t->count);
	offset = talloc_zero_array(tmp, uint32_t, t->count);
	if (wire == NULL || offset == NULL) {
		talloc_free(tmp);
		return false;
	}
	/* the header and the rows, then each distinct string once */
	size = 8 + t->count * NSPI_TROW_SIZE;
	for (i = 0; i < t->count; i++) {
		if (!nspi_string8_to_wire(wire, t->controls[i].string, codepage, &wire[i])) {
			talloc_free(tmp);
			return false;
		}
		for (j = 0; j < i; j++) {
			if (strcmp(wire[j], wire[i]) == 0) {
				break;
			}
		}
		if (j < i) {
			offset[i] = offset[j];
			continue;
		}
		offset[i] = size;
		size += strlen(wire[i]) + 1;
	}
	*out = data_blob_talloc(mem_ctx, NULL, size);
	if (out->data == NULL) {
		talloc_free(tmp);
		return false;
	}
	p = out->data;
	memset(p, 0, size);
	put_u32(p, NSPI_TROWSET_TYPE);
	put_u32(p + 4, t->count);
	for (i = 0; i < t->count; i++) {
		const struct nspi_template_control *c = &t->controls[i];
		uint8_t *row = p + 8 + i * NSPI_TROW_SIZE;

		put_u32(row, c->x);
		put_u32(row + 4, c->dx);
		put_u32(row + 8, c->y);
		put_u32(row + 12, c->dy);
		put_u32(row + 16, c->type);
		put_u32(row + 20, c->flags);
		put_u32(row + 24, c->prop_tag);
		put_u32(row + 28, c->size);
		put_u32(row + 32, offset[i]);
		memcpy(p + offset[i], wire[i], strlen(wire[i]) + 1);
	}
	talloc_free(tmp);
	return true;
}

const char *nspi_template_address_type(uint32_t display_type, uint32_t locale)
{
	return find_template(display_type, locale) != NULL ? "EX" : NULL;
}
