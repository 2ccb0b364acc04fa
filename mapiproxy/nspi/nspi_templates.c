/*
 * OpenChange mapiproxy: address book templates (MS-OXOABKT).
 *
 * MS-OXOABKT 3.2.1.1: the server keeps a template object for each display
 * type and one creation template for each address type of the address
 * creation table.  Ours are built in:
 *
 * - display templates for the mail user (also used for remote mail users,
 *   i.e. contacts) and the distribution list display types, located by
 *   NspiGetTemplateInfo's ulType;
 * - one address creation template, for Internet (SMTP) addresses: the one
 *   row of the address creation table (MS-OXOABKT 2.2.1, 3.1.1.3) names it by
 *   a PermanentEntryID whose DN NspiGetTemplateInfo takes as pDN
 *   (MS-OXOABKT 3.1.4.1).
 *
 * Locales.  The templates are English, and they are served for every LCID
 * a client asks: NspiGetTemplateInfo's dwLocaleID and the STAT's
 * TemplateLocale select nothing else.  MS-OXNSPI 3.1.4.1.18 answers
 * InvalidLocale only when the server cannot locate a template object;
 * MS-OXOABKT 3.2.1.1 leaves which objects exist to the server, and holding
 * the same template in every locale is what keeps a client in another
 * locale (an Outlook in German asks 0x0407) able to show an address book
 * entry or create a one-off address at all.  Exchange does the same (it
 * falls back to its en-US templates for a locale it has none for).
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
 * multi-valued list boxes (ulString "*").  The display templates' controls
 * are read-only (the provider lets NspiModProps change certificates only);
 * the creation template's edit controls are DT_EDITABLE, the address one
 * DT_REQUIRED too: the user types them.  As in MS-OXOABKT 4.2's example,
 * the first row is a tabbed page with no geometry and the strings follow
 * the last TRow in the order of first use (each distinct string once).
 *
 * The control type values (DTCT_LABEL 0 ... DTCT_PAGE 8, DTCT_RADIOBUTTON
 * 9, DTCT_MVLISTBOX 0xB, DTCT_MVDDLBX 0xC; no 0xA) and the flags (DT_MULTILINE
 * 1, DT_EDITABLE 2, DT_REQUIRED 4, DT_SET_IMMEDIATE 8, DT_PASSWORD_EDIT 0x10,
 * DT_ACCEPT_DBCS 0x20, DT_SET_SELECTION 0x40) are MAPI's display table
 * values (PidTagControlType, PidTagControlFlags), which MS-OXOABKT 2.2.2.1.2
 * takes over; its 4.2 example confirms the page (8) and group box (6).
 *
 * PidTagScriptData (MS-OXOABKT 2.2.2.2, Script Format) is a DWORD count N
 * then N DWORDs of instructions, the data they reference after them.  The
 * SMTP template's script emits the address the user typed: Emit
 * PidTagEmailAddress (PtypString8), Halt.  The result string is the new
 * recipient's e-mail address, whose type is the row's PidTagAddressType.
 * Display templates create no address: their script is empty.
 *
 * Copyright (C) OpenChange developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "mapiproxy/nspi/nspi_book.h"

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
#define EDITF(n, tag, max, fl) \
	{ VALUE_X, VALUE_DX, ROW(n), ROW_DY, NSPI_DTCT_EDIT, fl, tag, max, "*" }
#define EDIT(n, tag, max)	EDITF(n, tag, max, 0)
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

/*
 * The SMTP creation dialog: the two properties a one-off Internet recipient
 * needs, PidTagDisplayName and PidTagEmailAddress (PtypString8, as the
 * script reads them); 256 characters: the longest SMTP address (RFC 5321
 * 4.5.3.1.3) fits.
 */
static const struct nspi_template_control smtp_controls[] = {
	PAGE("General"),
	LABEL(0, "&Display name:"),
	EDITF(0, TAG8(NSPI_TAG_DISPLAY_NAME), 256, NSPI_DT_EDITABLE),
	LABEL(1, "&E-mail address:"),
	EDITF(1, TAG8(NSPI_TAG_EMAIL_ADDRESS), 256, NSPI_DT_EDITABLE | NSPI_DT_REQUIRED),
};

/* MS-OXOABKT 2.2.2.2: N, then Emit Property PidTagEmailAddress_A, Halt */
static const uint32_t smtp_script[] = {
	3,
	NSPI_SCRIPT_EMIT_PROPERTY, TAG8(NSPI_TAG_EMAIL_ADDRESS),
	NSPI_SCRIPT_HALT,
};

struct nspi_template {
	uint32_t display_type;		/* ulType; the creation template's row's PidTagDisplayType */
	const char *address_type;	/* PidTagAddressType (TI_EMT) */
	const char *name;		/* creation templates: the row's PidTagDisplayName */
	bool creation;			/* an address creation template, located by DN */
	const struct nspi_template_control *controls;
	uint32_t count;
	const uint32_t *script;		/* NULL: an empty PidTagScriptData */
	uint32_t script_count;
};

#define ARRAY_LEN(a)	(sizeof(a) / sizeof((a)[0]))

static const struct nspi_template templates[] = {
	{ NSPI_DT_MAILUSER, "EX", NULL, false, mailuser_controls, ARRAY_LEN(mailuser_controls),
	  NULL, 0 },
	{ NSPI_DT_REMOTE_MAILUSER, "EX", NULL, false, mailuser_controls,
	  ARRAY_LEN(mailuser_controls), NULL, 0 },
	{ NSPI_DT_DISTLIST, "EX", NULL, false, distlist_controls, ARRAY_LEN(distlist_controls),
	  NULL, 0 },
	/* a one-off Internet address is a mail user (MS-OXOABKT 2.2.1 PidTagDisplayType) */
	{ NSPI_DT_MAILUSER, "SMTP", "Internet Address", true, smtp_controls,
	  ARRAY_LEN(smtp_controls), smtp_script, ARRAY_LEN(smtp_script) },
};

const struct nspi_template *nspi_template_find(uint32_t display_type, uint32_t locale)
{
	size_t i;

	(void)locale;	/* every locale: see the top of this file */
	for (i = 0; i < ARRAY_LEN(templates); i++) {
		if (!templates[i].creation && templates[i].display_type == display_type) {
			return &templates[i];
		}
	}
	return NULL;
}

bool nspi_template_exists(uint32_t display_type, uint32_t locale)
{
	return nspi_template_find(display_type, locale) != NULL;
}

/*
 * The organization's DN: the configuration object whose legacyExchangeDN is
 * "/o=<org>" alone (doc/directory.md), else the "/o=<org>" that starts the
 * objects' DNs; "/o=OpenChange" for a directory without either.
 */
char *nspi_book_org_dn(TALLOC_CTX *mem_ctx, const struct nspi_book *book)
{
	const char *prefix = NULL;
	uint32_t i;

	for (i = 0; book != NULL && i < book->num_dns; i++) {
		const char *l = book->dns[i].legacy_dn;

		if (l == NULL || strncasecmp(l, "/o=", 3) != 0 || l[3] == '\0') {
			continue;
		}
		if (strchr(l + 3, '/') == NULL) {
			return talloc_strdup(mem_ctx, l);
		}
		if (prefix == NULL) {
			prefix = l;
		}
	}
	for (i = 0; prefix == NULL && book != NULL && i < book->num_objects; i++) {
		const char *l = book->objects[i]->legacy_dn;

		if (l != NULL && strncasecmp(l, "/o=", 3) == 0 && l[3] != '\0' && l[3] != '/') {
			prefix = l;
		}
	}
	if (prefix == NULL) {
		return talloc_strdup(mem_ctx, "/o=OpenChange");
	}
	return talloc_strndup(mem_ctx, prefix, strcspn(prefix + 3, "/") + 3);
}

/*
 * A creation template's DN, in the form Exchange gives the address templates
 * it keeps under the organization's Addressing container: one container per
 * locale (the LCID in hexadecimal, e.g. "409") holding one template per
 * address type, whose name is the address type.
 */
#define TEMPLATES_RDNS	"/cn=Addressing/cn=Address-Templates/cn="

char *nspi_creation_template_dn(TALLOC_CTX *mem_ctx, const struct nspi_book *book,
				uint32_t locale, const char *address_type)
{
	char *org = nspi_book_org_dn(mem_ctx, book);
	char *dn;

	if (org == NULL) {
		return NULL;
	}
	dn = talloc_asprintf(mem_ctx, "%s" TEMPLATES_RDNS "%x/cn=%s", org, locale, address_type);
	talloc_free(org);
	return dn;
}

const struct nspi_template *nspi_template_find_dn(const struct nspi_book *book, const char *dn,
						  uint32_t *locale)
{
	char *org = nspi_book_org_dn(NULL, book);
	size_t olen, rlen = strlen(TEMPLATES_RDNS), i, n;
	unsigned long lcid = 0;
	const char *p;
	bool ours;

	if (org == NULL || dn == NULL) {
		talloc_free(org);
		return NULL;
	}
	olen = strlen(org);
	ours = strncasecmp(dn, org, olen) == 0 && strncasecmp(dn + olen, TEMPLATES_RDNS, rlen) == 0;
	talloc_free(org);
	if (!ours) {
		return NULL;
	}
	p = dn + olen + rlen;
	/* the locale container: 1-8 hexadecimal digits */
	for (n = 0; n < 8 && ((p[n] >= '0' && p[n] <= '9') || (p[n] >= 'a' && p[n] <= 'f') ||
			      (p[n] >= 'A' && p[n] <= 'F')); n++) {
		lcid = lcid * 16 + (unsigned long)(p[n] <= '9' ? p[n] - '0' :
						   (p[n] | 0x20) - 'a' + 10);
	}
	if (n == 0 || strncasecmp(p + n, "/cn=", 4) != 0) {
		return NULL;
	}
	p += n + 4;
	for (i = 0; i < ARRAY_LEN(templates); i++) {
		if (templates[i].creation && strcasecmp(p, templates[i].address_type) == 0) {
			if (locale != NULL) {
				*locale = (uint32_t)lcid;
			}
			return &templates[i];
		}
	}
	return NULL;
}

const char *nspi_template_type(const struct nspi_template *t)
{
	return t != NULL ? t->address_type : NULL;
}

static void put_u32(uint8_t *p, uint32_t v)
{
	p[0] = v & 0xFF;
	p[1] = (v >> 8) & 0xFF;
	p[2] = (v >> 16) & 0xFF;
	p[3] = (v >> 24) & 0xFF;
}

bool nspi_template_trowset(TALLOC_CTX *mem_ctx, const struct nspi_template *t, uint32_t codepage,
			   DATA_BLOB *out)
{
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

bool nspi_template_script(TALLOC_CTX *mem_ctx, const struct nspi_template *t, DATA_BLOB *out)
{
	uint32_t i;

	*out = data_blob_null;
	if (t == NULL) {
		return false;
	}
	if (t->script_count == 0) {
		return true;
	}
	*out = data_blob_talloc(mem_ctx, NULL, t->script_count * 4);
	if (out->data == NULL) {
		return false;
	}
	for (i = 0; i < t->script_count; i++) {
		put_u32(out->data + 4 * i, t->script[i]);
	}
	return true;
}

bool nspi_template_data(TALLOC_CTX *mem_ctx, uint32_t display_type, uint32_t locale,
			uint32_t codepage, DATA_BLOB *out)
{
	return nspi_template_trowset(mem_ctx, nspi_template_find(display_type, locale), codepage,
				     out);
}

const char *nspi_template_address_type(uint32_t display_type, uint32_t locale)
{
	return nspi_template_type(nspi_template_find(display_type, locale));
}

/* one string column: PtypString (UTF-8 here, the NDR layer sends UTF-16) or PtypString8 in codepage */
static bool string_prop(TALLOC_CTX *mem_ctx, struct PropertyValue_r *v, uint32_t tag,
			const char *utf8, uint32_t codepage)
{
	char *wire;

	if (codepage == MAPI_CP_WINUNICODE) {
		v->ulPropTag = NSPI_PROP_TAG(NSPI_PROP_ID(tag), PT_UNICODE);
		v->Value.lpszW = talloc_strdup(mem_ctx, utf8);
		return v->Value.lpszW != NULL;
	}
	if (!nspi_string8_to_wire(mem_ctx, utf8, codepage, &wire)) {
		return false;
	}
	v->ulPropTag = NSPI_PROP_TAG(NSPI_PROP_ID(tag), PT_STRING8);
	v->Value.lpszA = wire;
	return true;
}

#define CREATION_COLUMNS	7

/*
 * MS-OXOABKT 2.2.1: one row per creation template, with the columns the
 * server MUST return: PidTagAddressType, PidTagDisplayName, PidTagDisplayType,
 * PidTagEntryId (a PermanentEntryID, MS-OXNSPI 2.2.9.3, whose display type is
 * that of the object it names, a template: DT_ADDRESS_TEMPLATE), then
 * PidTagDepth and PidTagSelectable (the client ignores them: 0 and TRUE) and
 * PidTagInstanceKey (the row's number, unique in the table).
 */
struct PropertyRowSet_r *nspi_address_creation_table(TALLOC_CTX *mem_ctx,
						     const struct nspi_book *book,
						     uint32_t locale, uint32_t codepage)
{
	struct PropertyRowSet_r *set = talloc_zero(mem_ctx, struct PropertyRowSet_r);
	uint32_t i, n = 0;

	if (set == NULL) {
		return NULL;
	}
	if (codepage != MAPI_CP_WINUNICODE && !mapi_codepage_supported(codepage)) {
		/* the caller checks the code page; an unknown one has no strings */
		talloc_free(set);
		return NULL;
	}
	set->aRow = talloc_zero_array(set, struct PropertyRow_r, ARRAY_LEN(templates));
	if (set->aRow == NULL) {
		talloc_free(set);
		return NULL;
	}
	for (i = 0; i < ARRAY_LEN(templates); i++) {
		const struct nspi_template *t = &templates[i];
		struct PropertyRow_r *row;
		struct PropertyValue_r *v;
		char *dn;
		DATA_BLOB eid, key;

		if (!t->creation) {
			continue;
		}
		row = &set->aRow[n];
		v = talloc_zero_array(set, struct PropertyValue_r, CREATION_COLUMNS);
		dn = nspi_creation_template_dn(set, book, locale, t->address_type);
		key = data_blob_talloc(set, NULL, 4);
		if (v == NULL || dn == NULL || key.data == NULL ||
		    !string_prop(set, &v[0], NSPI_TAG_ADDRESS_TYPE, t->address_type, codepage) ||
		    !string_prop(set, &v[1], NSPI_TAG_DISPLAY_NAME, t->name, codepage)) {
			talloc_free(set);
			return NULL;
		}
		v[2].ulPropTag = NSPI_TAG_DISPLAY_TYPE;
		v[2].Value.l = t->display_type;
		eid = nspi_permanent_entryid(set, NSPI_DT_ADDRESS_TEMPLATE, dn);
		if (eid.data == NULL) {
			talloc_free(set);
			return NULL;
		}
		v[3].ulPropTag = NSPI_TAG_ENTRYID;
		v[3].Value.bin.cb = eid.length;
		v[3].Value.bin.lpb = eid.data;
		v[4].ulPropTag = NSPI_TAG_DEPTH;
		v[4].Value.l = 0;
		v[5].ulPropTag = NSPI_TAG_SELECTABLE;
		v[5].Value.b = 1;
		put_u32(key.data, n + 1);
		v[6].ulPropTag = NSPI_TAG_INSTANCE_KEY;
		v[6].Value.bin.cb = key.length;
		v[6].Value.bin.lpb = key.data;
		row->Reserved = 0;
		row->cValues = CREATION_COLUMNS;
		row->lpProps = v;
		n++;
	}
	set->cRows = n;
	return set;
}
