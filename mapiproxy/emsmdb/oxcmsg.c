/*
 * OpenChange mapiproxy EMSMDB: the message and attachment ROPs of MS-OXCMSG.
 *
 * Every handler is an adapter over mapistore, which already keeps a
 * message's edits in memory until RopSaveChangesMessage (MS-OXCMSG
 * 3.2.5.3) and detects conflicting saves; what is left here is the wire
 * side: handles, flags, the RecipientRow encoding and the space a
 * response may take.
 *
 * Copyright (C) OpenChange developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>
#include <strings.h>

/* the tag names; its MAPI_PROP_* macros mean what libmapi's do, which stay */
#include "idl/gen_proptags.h"
#undef MAPI_PROP_TYPE
#undef MAPI_PROP_ID
#undef MAPI_PROP_TAG
#include "libmapi/codepage.h"
#include "libmapi/oxcdata_buf.h"
#include "libmapi/oxcdata_row.h"
#include "mapiproxy/emsmdb/oxcmsg.h"

/* PropertyId 0x8000 and up are named properties (MS-OXCPRPT 2.2.1.2.1). */
#define NAMED_PROPERTY_FIRST_ID 0x8000

/* MS-OXCMSG 2.2.3.1.1: 0x0FFF asks for the code page of the logon. */
#define CODE_PAGE_OF_LOGON 0x0FFF

/* --- strings ---------------------------------------------------------------------------- */

/*
 * A string property as UTF-8: PtypString is UTF-8 in mapistore already,
 * PtypString8 bytes are in CODE_PAGE.  NULL when absent or not a string.
 */
static const char *string_value(TALLOC_CTX *mem_ctx, const struct mapi_flagged_propval *v,
				uint32_t code_page)
{
	if (v->flag != MAPI_PROPVAL_PRESENT) {
		return NULL;
	}
	switch (MAPI_PROP_TYPE(v->pv.tag)) {
	case PTYP_STRING:
		return v->pv.value.string;
	case PTYP_STRING8:
		return mapi_codepage_to_utf8(mem_ctx, v->pv.value.string8, code_page);
	default:
		return NULL;
	}
}

static void typed_string(const char *utf8, struct mapi_typed_string *out)
{
	if (utf8 == NULL) {
		out->type = MAPI_TSTRING_NONE;
		out->str = NULL;
	} else if (utf8[0] == '\0') {
		out->type = MAPI_TSTRING_EMPTY;
		out->str = NULL;
	} else {
		out->type = MAPI_TSTRING_UNICODE;
		out->str = (char *)utf8;
	}
}

/*
 * The bytes TS takes on the wire.  A value that cannot be encoded (not
 * UTF-8) is sent as NoString rather than failing the whole response.
 */
static size_t typed_string_size(TALLOC_CTX *mem_ctx, struct mapi_typed_string *ts)
{
	struct oxcdata_push push;
	size_t len;

	oxcdata_push_init(&push, mem_ctx);
	if (oxcdata_typed_string_push(&push, ts) != WIRE_OK) {
		talloc_free(push.data);
		ts->type = MAPI_TSTRING_NONE;
		ts->str = NULL;
		return 1;
	}
	len = push.len;
	talloc_free(push.data);
	return len;
}

static uint32_t session_code_page(const struct emsmdb_rop_ctx *ctx)
{
	uint32_t cp = ctx->session->code_page;

	return mapi_codepage_supported(cp) ? cp : 1252;
}

/* --- RecipientRow (MS-OXCDATA 2.8.3) ----------------------------------------------------- */

static const uint32_t recipient_column_tags[] = {
	PidTagObjectType, PidTagDisplayType, PidTagDisplayTypeEx, PidTagSmtpAddress,
	PidTagSendInternetEncoding, PidTagRecipientDisplayName, PidTagRecipientFlags,
	PidTagRecipientTrackStatus, PidTagRecipientEntryId, PidTagRecipientOrder,
	PidTagEntryId, PidTagSearchKey,
};

const struct mapi_tag_array emsmdb_recipient_columns = {
	.count = sizeof(recipient_column_tags) / sizeof(recipient_column_tags[0]),
	.tags = (uint32_t *)recipient_column_tags,
};

/* The address types the Type field stands for (MS-OXCDATA 2.8.3.1). */
static const char *const recipient_type_names[8] = {
	[EMSMDB_RECIP_X500DN] = "EX",
	[EMSMDB_RECIP_MSMAIL] = "MSMAIL",
	[EMSMDB_RECIP_SMTP] = "SMTP",
	[EMSMDB_RECIP_FAX] = "FAX",
	[EMSMDB_RECIP_PROFS] = "PROFS",
	[EMSMDB_RECIP_PDL1] = "MAPIPDL",
	[EMSMDB_RECIP_PDL2] = "MAPIPDL",
};

struct prop_list {
	uint16_t count, alloc;
	struct mapi_propval *props;
};

/* Adds a property unless one of its id is there already (the standard fields come first). */
static struct mapi_propval *prop_add(struct prop_list *list, uint32_t tag)
{
	uint16_t i;

	for (i = 0; i < list->count; i++) {
		if (MAPI_PROP_ID(list->props[i].tag) == MAPI_PROP_ID(tag)) {
			return NULL;
		}
	}
	if (list->count == list->alloc) {
		return NULL;
	}
	memset(&list->props[list->count], 0, sizeof(list->props[0]));
	list->props[list->count].tag = tag;
	return &list->props[list->count++];
}

static void prop_add_string(struct prop_list *list, uint32_t tag, char *utf8)
{
	struct mapi_propval *pv = prop_add(list, tag);

	if (pv != NULL) {
		pv->value.string = utf8;
	}
}

/* A string of the row: UTF-16 with the U flag, else 8-bit in the session's code page. */
static bool pull_row_string(struct oxcdata_pull *pull, TALLOC_CTX *mem_ctx, bool unicode,
			    uint32_t code_page, char **out)
{
	char *raw;

	if (unicode) {
		return oxcdata_pull_utf16(pull, mem_ctx, out) == WIRE_OK;
	}
	if (oxcdata_pull_string8(pull, mem_ctx, &raw) != WIRE_OK) {
		return false;
	}
	*out = mapi_codepage_to_utf8(mem_ctx, raw, code_page);
	return *out != NULL;
}

static bool pull_sized_binary(struct oxcdata_pull *pull, TALLOC_CTX *mem_ctx, struct mapi_binary *out)
{
	uint16_t size;
	uint8_t *data = NULL;

	if (oxcdata_pull_u16(pull, &size) != WIRE_OK) {
		return false;
	}
	if (size > 0 && oxcdata_pull_copy(pull, mem_ctx, size, &data) != WIRE_OK) {
		return false;
	}
	out->len = size;
	out->data = data;
	return true;
}

enum MAPISTATUS emsmdb_recipient_row_decode(TALLOC_CTX *mem_ctx, const uint8_t *data, size_t len,
					    const struct mapi_tag_array *columns, uint32_t code_page,
					    uint16_t *count, struct mapi_propval **props)
{
	struct oxcdata_pull pull;
	struct prop_list list = { 0 };
	struct mapi_property_row row;
	struct mapi_tag_array used;
	struct mapi_propval *pv;
	uint16_t flags, ncols, i;
	uint8_t type, prefix, display_type;
	char *s, *display = NULL, *transmittable = NULL;
	bool unicode;

	oxcdata_pull_init(&pull, data, len);
	list.alloc = 16 + columns->count;
	list.props = talloc_zero_array(mem_ctx, struct mapi_propval, list.alloc);
	if (list.props == NULL) {
		return MAPI_E_NOT_ENOUGH_MEMORY;
	}
	if (oxcdata_pull_u16(&pull, &flags) != WIRE_OK) {
		goto bad;
	}
	type = flags & EMSMDB_RECIP_TYPE_MASK;
	unicode = (flags & EMSMDB_RECIP_U) != 0;
	if (type == EMSMDB_RECIP_X500DN) {
		/* the prefix only means something inside FastTransfer streams (MetaTagDnPrefix) */
		if (oxcdata_pull_u8(&pull, &prefix) != WIRE_OK ||
		    oxcdata_pull_u8(&pull, &display_type) != WIRE_OK ||
		    oxcdata_pull_string8(&pull, list.props, &s) != WIRE_OK || prefix != 0) {
			goto bad;
		}
		pv = prop_add(&list, PidTagDisplayType);
		if (pv != NULL) {
			pv->value.i32 = display_type;
		}
		/* an explicit EmailAddress below takes precedence over the DN */
		if (!(flags & EMSMDB_RECIP_E)) {
			prop_add_string(&list, PidTagEmailAddress, s);
		}
	} else if (type == EMSMDB_RECIP_PDL1 || type == EMSMDB_RECIP_PDL2) {
		struct mapi_binary entry_id, search_key;

		if (!pull_sized_binary(&pull, list.props, &entry_id) ||
		    !pull_sized_binary(&pull, list.props, &search_key)) {
			goto bad;
		}
		if ((pv = prop_add(&list, PidTagEntryId)) != NULL) {
			pv->value.binary = entry_id;
		}
		if ((pv = prop_add(&list, PidTagSearchKey)) != NULL) {
			pv->value.binary = search_key;
		}
	}
	if (type == EMSMDB_RECIP_NOTYPE && (flags & EMSMDB_RECIP_O)) {
		if (!pull_row_string(&pull, list.props, unicode, code_page, &s)) {
			goto bad;
		}
		prop_add_string(&list, PidTagAddressType, s);
	} else if (recipient_type_names[type] != NULL) {
		prop_add_string(&list, PidTagAddressType, (char *)recipient_type_names[type]);
	}
	if (flags & EMSMDB_RECIP_E) {
		if (!pull_row_string(&pull, list.props, unicode, code_page, &s)) {
			goto bad;
		}
		prop_add_string(&list, PidTagEmailAddress, s);
	}
	if (flags & EMSMDB_RECIP_D) {
		if (!pull_row_string(&pull, list.props, unicode, code_page, &display)) {
			goto bad;
		}
		prop_add_string(&list, PidTagDisplayName, display);
	}
	if (flags & EMSMDB_RECIP_I) {
		if (!pull_row_string(&pull, list.props, unicode, code_page, &s)) {
			goto bad;
		}
		prop_add_string(&list, PidTagAddressBookDisplayNamePrintable, s);
	}
	if (flags & EMSMDB_RECIP_T) {
		if (!pull_row_string(&pull, list.props, unicode, code_page, &transmittable)) {
			goto bad;
		}
	} else if (flags & EMSMDB_RECIP_S) {
		transmittable = display;
	}
	if (transmittable != NULL) {
		prop_add_string(&list, PidTagTransmittableDisplayName, transmittable);
	}
	if ((flags & EMSMDB_RECIP_N) && (pv = prop_add(&list, PidTagSendRichInfo)) != NULL) {
		pv->value.boolean = 0;
	}
	if ((flags & EMSMDB_RECIP_R) && (pv = prop_add(&list, PidTagResponsibility)) != NULL) {
		pv->value.boolean = 0;
	}
	/* RecipientProperties: a PropertyRow over the first RecipientColumnCount columns */
	if (oxcdata_pull_u16(&pull, &ncols) != WIRE_OK || ncols > columns->count) {
		goto bad;
	}
	used.count = ncols;
	used.tags = columns->tags;
	if (oxcdata_row_pull(&pull, list.props, &used, &row) != WIRE_OK ||
	    oxcdata_pull_left(&pull) != 0) {
		goto bad;
	}
	for (i = 0; i < row.count; i++) {
		const struct mapi_flagged_propval *v = &row.values[i];

		if (v->flag != MAPI_PROPVAL_PRESENT) {
			continue;
		}
		if (MAPI_PROP_TYPE(v->pv.tag) == PTYP_STRING8) {
			/* mapistore keeps strings as UTF-8 PtypString */
			s = (char *)string_value(list.props, v, code_page);
			if (s == NULL) {
				goto bad;
			}
			prop_add_string(&list, MAPI_PROP_TAG(MAPI_PROP_ID(v->pv.tag), PTYP_STRING), s);
		} else if ((pv = prop_add(&list, v->pv.tag)) != NULL) {
			pv->value = v->pv.value;
		}
	}
	*count = list.count;
	*props = list.props;
	return MAPI_E_SUCCESS;
bad:
	talloc_free(list.props);
	return MAPI_E_INVALID_PARAMETER;
}

static const struct mapi_propval *recipient_prop(const struct mapistore_recipient *r, uint32_t tag)
{
	uint16_t i;

	for (i = 0; i < r->count; i++) {
		if (r->props[i].tag == tag) {
			return &r->props[i];
		}
	}
	return NULL;
}

static const char *recipient_string(const struct mapistore_recipient *r, uint32_t tag)
{
	const struct mapi_propval *pv = recipient_prop(r, tag);

	return pv != NULL ? pv->value.string : NULL;
}

enum MAPISTATUS emsmdb_recipient_row_encode(TALLOC_CTX *mem_ctx, const struct mapistore_recipient *r,
					    uint8_t **data, size_t *len)
{
	const char *addrtype = recipient_string(r, PidTagAddressType);
	const char *email = recipient_string(r, PidTagEmailAddress);
	const char *display = recipient_string(r, PidTagDisplayName);
	const char *simple = recipient_string(r, PidTagAddressBookDisplayNamePrintable);
	const char *transmittable = recipient_string(r, PidTagTransmittableDisplayName);
	const struct mapi_propval *display_type = recipient_prop(r, PidTagDisplayType);
	const struct mapi_propval *entry_id = recipient_prop(r, PidTagEntryId);
	const struct mapi_propval *search_key = recipient_prop(r, PidTagSearchKey);
	const struct mapi_propval *rich = recipient_prop(r, PidTagSendRichInfo);
	const struct mapi_propval *responsible = recipient_prop(r, PidTagResponsibility);
	const struct mapi_tag_array *columns = &emsmdb_recipient_columns;
	struct mapi_property_row row;
	struct oxcdata_push push;
	uint16_t flags = EMSMDB_RECIP_U, i;
	uint8_t type = EMSMDB_RECIP_NOTYPE;
	enum wire_error err = WIRE_OK;

	if (addrtype != NULL) {
		for (i = 1; i < 8; i++) {
			if (recipient_type_names[i] != NULL && strcasecmp(addrtype, recipient_type_names[i]) == 0) {
				type = (uint8_t)i;
				break;
			}
		}
		/* the typed forms need what they carry; without it the name travels as it is */
		if ((type == EMSMDB_RECIP_X500DN && email == NULL) ||
		    (type == EMSMDB_RECIP_PDL1 && entry_id == NULL)) {
			type = EMSMDB_RECIP_NOTYPE;
		}
		if (type == EMSMDB_RECIP_NOTYPE) {
			flags |= EMSMDB_RECIP_O;
		}
	}
	flags |= type;
	if (email != NULL && type != EMSMDB_RECIP_X500DN) {
		flags |= EMSMDB_RECIP_E;
	}
	if (display != NULL) {
		flags |= EMSMDB_RECIP_D;
	}
	if (simple != NULL) {
		flags |= EMSMDB_RECIP_I;
	}
	if (transmittable != NULL) {
		flags |= display != NULL && strcmp(display, transmittable) == 0 ? EMSMDB_RECIP_S
										 : EMSMDB_RECIP_T;
	}
	if (rich != NULL && !rich->value.boolean) {
		flags |= EMSMDB_RECIP_N;
	}
	if (responsible != NULL && !responsible->value.boolean) {
		flags |= EMSMDB_RECIP_R;
	}

	oxcdata_push_init(&push, mem_ctx);
	err = oxcdata_push_u16(&push, flags);
	if (err == WIRE_OK && type == EMSMDB_RECIP_X500DN) {
		err = oxcdata_push_u8(&push, 0);	/* AddressPrefixUsed: no prefix outside FastTransfer */
		if (err == WIRE_OK) {
			err = oxcdata_push_u8(&push, display_type != NULL ? (uint8_t)display_type->value.i32 : 0);
		}
		if (err == WIRE_OK) {
			err = oxcdata_push_string8(&push, email);
		}
	} else if (err == WIRE_OK && type == EMSMDB_RECIP_PDL1) {
		err = oxcdata_push_u16(&push, (uint16_t)entry_id->value.binary.len);
		if (err == WIRE_OK) {
			err = oxcdata_push_bytes(&push, entry_id->value.binary.data, entry_id->value.binary.len);
		}
		if (err == WIRE_OK) {
			uint32_t n = search_key != NULL ? search_key->value.binary.len : 0;

			err = oxcdata_push_u16(&push, (uint16_t)n);
			if (err == WIRE_OK && n > 0) {
				err = oxcdata_push_bytes(&push, search_key->value.binary.data, n);
			}
		}
	}
	if (err == WIRE_OK && (flags & EMSMDB_RECIP_O)) {
		err = oxcdata_push_utf16(&push, addrtype);
	}
	if (err == WIRE_OK && (flags & EMSMDB_RECIP_E)) {
		err = oxcdata_push_utf16(&push, email);
	}
	if (err == WIRE_OK && (flags & EMSMDB_RECIP_D)) {
		err = oxcdata_push_utf16(&push, display);
	}
	if (err == WIRE_OK && (flags & EMSMDB_RECIP_I)) {
		err = oxcdata_push_utf16(&push, simple);
	}
	if (err == WIRE_OK && (flags & EMSMDB_RECIP_T)) {
		err = oxcdata_push_utf16(&push, transmittable);
	}
	if (err == WIRE_OK) {
		err = oxcdata_push_u16(&push, columns->count);
	}
	/* a flagged row, so that a recipient lacking a column says so instead of inventing a value */
	row.flag = MAPI_ROW_FLAGGED;
	row.count = columns->count;
	row.values = talloc_zero_array(push.data, struct mapi_flagged_propval, columns->count);
	if (row.values == NULL) {
		err = WIRE_ERR_NO_MEMORY;
	}
	for (i = 0; err == WIRE_OK && i < columns->count; i++) {
		const struct mapi_propval *pv = recipient_prop(r, columns->tags[i]);

		row.values[i].pv.tag = columns->tags[i];
		if (pv != NULL) {
			row.values[i].flag = MAPI_PROPVAL_PRESENT;
			row.values[i].pv.value = pv->value;
		} else {
			row.values[i].flag = MAPI_PROPVAL_ERROR;
			row.values[i].pv.value.error_code = MAPI_E_NOT_FOUND;
		}
	}
	if (err == WIRE_OK) {
		err = oxcdata_row_push(&push, columns, &row);
	}
	if (row.values != NULL) {
		talloc_free(row.values);
	}
	if (err != WIRE_OK) {
		talloc_free(push.data);
		return err == WIRE_ERR_NO_MEMORY ? MAPI_E_NOT_ENOUGH_MEMORY : MAPI_E_CORRUPT_DATA;
	}
	if (push.len > UINT16_MAX) {
		talloc_free(push.data);
		return MAPI_E_TOO_BIG;	/* RecipientRowSize is two bytes */
	}
	*data = push.data;
	*len = push.len;
	return MAPI_E_SUCCESS;
}

/* The one-byte RecipientType of the ROP rows (MS-OXCMSG 2.2.3.1.2). */
static uint8_t recipient_type_of(const struct mapistore_recipient *r)
{
	const struct mapi_propval *pv = recipient_prop(r, PidTagRecipientType);

	return pv != NULL ? (uint8_t)pv->value.i32 : 0;
}

/* --- what RopOpenMessage, RopReloadCachedInformation and RopOpenEmbeddedMessage tell ------ */

struct message_summary {
	uint8_t has_named_properties;
	struct mapi_typed_string subject_prefix;
	struct mapi_typed_string normalized_subject;
	uint16_t recipient_count;
	uint16_t column_count;
	uint32_t *recipient_columns;
	uint8_t row_count;
	struct rop_open_recipient_row *recipient_rows;
};

/*
 * MS-OXCMSG 2.2.3.1.2: the subject parts, whether named properties are
 * set, the recipient count and as many recipient rows as fit after USED
 * bytes of response (the client reads the rest with RopReadRecipients).
 * EMSMDB_ROP_NO_SPACE when not even the rowless response fits.
 */
static enum MAPISTATUS summarize(struct emsmdb_rop_ctx *ctx, struct mapistore_message *msg,
				 size_t used, struct message_summary *out)
{
	static const uint32_t subject_tags[] = { PidTagSubjectPrefix, PidTagNormalizedSubject,
						 PidTagSubject };
	struct mapi_flagged_propval values[3];
	struct mapistore_recipient *rows = NULL;
	uint32_t code_page = session_code_page(ctx), nrows = 0, i;
	uint32_t *tags = NULL;
	uint16_t ntags = 0;
	const char *prefix, *normalized, *subject;
	enum MAPISTATUS status;
	size_t size;

	memset(out, 0, sizeof(*out));
	status = mapistore_message_get_list(msg, ctx->mem_ctx, &ntags, &tags);
	if (status != MAPI_E_SUCCESS) {
		return status;
	}
	for (i = 0; i < ntags; i++) {
		if (MAPI_PROP_ID(tags[i]) >= NAMED_PROPERTY_FIRST_ID) {
			out->has_named_properties = 1;
		}
	}
	status = mapistore_message_get_props(msg, ctx->mem_ctx, 3, subject_tags, values);
	if (status != MAPI_E_SUCCESS) {
		return status;
	}
	prefix = string_value(ctx->mem_ctx, &values[0], code_page);
	normalized = string_value(ctx->mem_ctx, &values[1], code_page);
	subject = string_value(ctx->mem_ctx, &values[2], code_page);
	if (normalized == NULL && subject != NULL) {
		/* MS-OXCMSG 2.2.1.10: the subject without its prefix */
		size_t plen = prefix != NULL ? strlen(prefix) : 0;

		normalized = plen > 0 && strncmp(subject, prefix, plen) == 0 ? subject + plen : subject;
	}
	typed_string(prefix, &out->subject_prefix);
	typed_string(normalized, &out->normalized_subject);

	status = mapistore_message_read_recipients(msg, ctx->mem_ctx, 0, &nrows, &rows);
	if (status != MAPI_E_SUCCESS) {
		return status;
	}
	out->recipient_count = nrows > UINT16_MAX ? UINT16_MAX : (uint16_t)nrows;
	out->column_count = emsmdb_recipient_columns.count;
	out->recipient_columns = emsmdb_recipient_columns.tags;
	size = used + 1 + typed_string_size(ctx->mem_ctx, &out->subject_prefix) +
	       typed_string_size(ctx->mem_ctx, &out->normalized_subject) + 2 + 2 +
	       4 * (size_t)out->column_count + 1;
	if (size > ctx->space) {
		return EMSMDB_ROP_NO_SPACE;
	}
	out->recipient_rows = talloc_zero_array(ctx->mem_ctx, struct rop_open_recipient_row,
						nrows > 255 ? 255 : nrows + 1);
	if (out->recipient_rows == NULL) {
		return MAPI_E_NOT_ENOUGH_MEMORY;
	}
	for (i = 0; i < nrows && i < 255; i++) {
		struct rop_open_recipient_row *row = &out->recipient_rows[i];
		uint8_t *data;
		size_t len;

		status = emsmdb_recipient_row_encode(ctx->mem_ctx, &rows[i], &data, &len);
		if (status != MAPI_E_SUCCESS) {
			return status;
		}
		if (size + 7 + len > ctx->space) {
			break;
		}
		size += 7 + len;
		row->recipient_type = recipient_type_of(&rows[i]);
		row->code_page_id = (uint16_t)code_page;
		row->reserved = 0;
		row->recipient_row_size = (uint16_t)len;
		row->recipient_row = data;
	}
	out->row_count = (uint8_t)i;
	return MAPI_E_SUCCESS;
}

#define COPY_SUMMARY(dst, s) do { \
	(dst).has_named_properties = (s).has_named_properties; \
	(dst).subject_prefix = (s).subject_prefix; \
	(dst).normalized_subject = (s).normalized_subject; \
	(dst).recipient_count = (s).recipient_count; \
	(dst).column_count = (s).column_count; \
	(dst).recipient_columns = (s).recipient_columns; \
	(dst).row_count = (s).row_count; \
	(dst).recipient_rows = (s).recipient_rows; \
} while (0)

/*
 * The mapistore open mode of RopOpenMessage's OpenModeFlags (MS-OXCMSG
 * 2.2.3.1.1: bits other than the listed ones are ignored).  ReadWrite and
 * BestAccess both open read-write: only the owner logs on to a private
 * mailbox, and the owner may write every message of it.
 */
static uint8_t message_open_mode(uint8_t flags)
{
	return (flags & EMSMDB_MESSAGE_OPEN_BEST_ACCESS) != 0 ? MAPISTORE_OPEN_READ_WRITE
							      : MAPISTORE_OPEN_READ_ONLY;
}

/* --- messages --------------------------------------------------------------------------- */

/*
 * MS-OXCMSG 3.2.5.1 RopOpenMessage: the message MessageId of folder
 * FolderId of the input logon's mailbox; ecNotFound when the folder has no
 * such message.  Soft-deleted messages are not reachable through
 * mapistore, so OpenSoftDeleted finds no more than a plain open.
 */
enum MAPISTATUS emsmdb_rop_open_message(struct emsmdb_rop_ctx *ctx, struct rop_response *response)
{
	const struct rop_open_message_request *req = &ctx->request->u.open_message;
	struct rop_open_message_response *res = &response->u.open_message;
	struct emsmdb_logon *logon = emsmdb_object_logon(ctx->input);
	struct emsmdb_message *message;
	struct emsmdb_object *object;
	struct message_summary summary;
	enum MAPISTATUS status;
	uint8_t mode;

	res->output_handle_index = req->output_handle_index;
	if (logon == NULL) {
		return EC_NULL_OBJECT;
	}
	mode = message_open_mode(req->open_mode_flags);
	status = emsmdb_message_object_new(ctx, logon, req->logon_id, &message, &object);
	if (status != MAPI_E_SUCCESS) {
		return status;
	}
	status = mapistore_message_open(logon->store, message, req->folder_id, req->message_id, mode,
					&message->msg);
	if (status == MAPI_E_SUCCESS) {
		message->fid = req->folder_id;
		message->mid = req->message_id;
		message->open_mode = mode;
		status = summarize(ctx, message->msg, 6, &summary);
	}
	if (status != MAPI_E_SUCCESS) {
		emsmdb_object_release(object);
		return status;
	}
	ctx->output = object;
	res->return_value = MAPI_E_SUCCESS;
	COPY_SUMMARY(res->u.ok, summary);
	return MAPI_E_SUCCESS;
}

/*
 * The initial properties MS-OXCMSG 3.2.5.2 says a server SHOULD set that
 * mapistore does not compute itself (message flags, size and times are
 * mapistore's; PidTagDisplayTo/Cc/Bcc follow the recipients).
 */
static enum MAPISTATUS initial_properties(struct emsmdb_rop_ctx *ctx, struct mapistore_message *msg)
{
	struct mapi_propval props[4];
	struct mapistore_problems problems = { 0 };
	enum MAPISTATUS status;

	props[0].tag = PidTagImportance;
	props[0].value.i32 = 1;		/* normal */
	props[1].tag = PidTagMessageClass;
	props[1].value.string = "IPM.Note";
	props[2].tag = PidTagSensitivity;
	props[2].value.i32 = 0;
	props[3].tag = PidTagTrustSender;
	props[3].value.i32 = 1;
	status = mapistore_message_set_props(msg, 4, props, ctx->mem_ctx, &problems);
	if (status == MAPI_E_SUCCESS && problems.count > 0) {
		status = problems.problems[0].error_code;
	}
	return status;
}

/*
 * MS-OXCMSG 3.2.5.2 RopCreateMessage: a new message in folder FolderId,
 * normal or folder associated information (AssociatedFlag), with the
 * initial properties.  mapistore allocates its MID now, so the response
 * carries it (HasMessageId 1); nothing of it is visible until
 * RopSaveChangesMessage.
 */
enum MAPISTATUS emsmdb_rop_create_message(struct emsmdb_rop_ctx *ctx, struct rop_response *response)
{
	const struct rop_create_message_request *req = &ctx->request->u.create_message;
	struct rop_create_message_response *res = &response->u.create_message;
	struct emsmdb_logon *logon = emsmdb_object_logon(ctx->input);
	struct mapistore_folder *folder;
	struct emsmdb_message *message;
	struct emsmdb_object *object;
	enum MAPISTATUS status;

	res->output_handle_index = req->output_handle_index;
	if (logon == NULL) {
		return EC_NULL_OBJECT;
	}
	status = mapistore_folder_open(logon->store, ctx->mem_ctx, req->folder_id, &folder);
	if (status != MAPI_E_SUCCESS) {
		return status;
	}
	status = emsmdb_message_object_new(ctx, logon, req->logon_id, &message, &object);
	if (status != MAPI_E_SUCCESS) {
		return status;
	}
	status = mapistore_message_create(folder, message, req->associated_flag != 0, &message->msg);
	if (status == MAPI_E_SUCCESS) {
		status = initial_properties(ctx, message->msg);
	}
	if (status != MAPI_E_SUCCESS) {
		emsmdb_object_release(object);
		return status;
	}
	message->fid = req->folder_id;
	message->mid = mapistore_message_id(message->msg);
	message->open_mode = MAPISTORE_OPEN_READ_WRITE;
	message->created = true;
	ctx->output = object;
	res->return_value = MAPI_E_SUCCESS;
	res->u.ok.has_message_id = 1;
	res->u.ok.message_id = message->mid;
	return MAPI_E_SUCCESS;
}

/*
 * MS-OXCMSG 3.2.5.3 RopSaveChangesMessage: commit the message (an embedded
 * one into its attachment).  mapistore says ecObjectModified when someone
 * saved it since it was opened (ForceSave overrides), ecObjectDeleted when
 * it was deleted meanwhile and ecAccessDenied for a read-only message.
 */
enum MAPISTATUS emsmdb_rop_save_changes_message(struct emsmdb_rop_ctx *ctx,
						struct rop_response *response)
{
	const struct rop_save_changes_message_request *req = &ctx->request->u.save_changes_message;
	struct rop_save_changes_message_response *res = &response->u.save_changes_message;
	struct emsmdb_message *message = emsmdb_message_of(ctx->input);
	enum MAPISTATUS status;

	res->response_handle_index = req->response_handle_index;
	if (message == NULL || message->msg == NULL) {
		return EC_NULL_OBJECT;
	}
	status = mapistore_message_save(message->msg, req->save_flags);
	if (status != MAPI_E_SUCCESS) {
		return status;
	}
	message->created = false;
	if ((req->save_flags & 0x03) == MAPISTORE_SAVE_KEEP_OPEN_READ_ONLY) {
		message->open_mode = MAPISTORE_OPEN_READ_ONLY;
	}
	res->return_value = MAPI_E_SUCCESS;
	res->u.ok.input_handle_index = req->input_handle_index;
	res->u.ok.message_id = message->mid;
	return MAPI_E_SUCCESS;
}

/* MS-OXCMSG 3.2.5.4 RopRemoveAllRecipients: in memory until the save. */
enum MAPISTATUS emsmdb_rop_remove_all_recipients(struct emsmdb_rop_ctx *ctx,
						 struct rop_response *response)
{
	struct emsmdb_message *message = emsmdb_message_of(ctx->input);

	response->u.remove_all_recipients.input_handle_index =
		ctx->request->u.remove_all_recipients.input_handle_index;
	if (message == NULL || message->msg == NULL) {
		return EC_NULL_OBJECT;
	}
	return mapistore_message_remove_all_recipients(message->msg);
}

/* Whether a column of RecipientColumns names a property a row can carry. */
static bool recipient_column_valid(uint32_t tag)
{
	uint16_t type = MAPI_PROP_TYPE(tag);

	if (type & PTYP_MV_INSTANCE) {
		return false;
	}
	return type != PTYP_UNSPECIFIED && oxcdata_ptyp_is_valid(type) && type != PTYP_OBJECT &&
	       type != PTYP_NULL;
}

/*
 * MS-OXCMSG 3.2.5.5 RopModifyRecipients: each row replaces the recipient
 * of its RowId (or adds one); a row without RecipientRow removes it.
 * Everything is parsed before anything changes, so a bad row loses
 * nothing.
 */
enum MAPISTATUS emsmdb_rop_modify_recipients(struct emsmdb_rop_ctx *ctx,
					     struct rop_response *response)
{
	const struct rop_modify_recipients_request *req = &ctx->request->u.modify_recipients;
	struct emsmdb_message *message = emsmdb_message_of(ctx->input);
	struct mapistore_recipient *rows;
	struct mapi_tag_array columns;
	enum MAPISTATUS status;
	uint16_t i;

	response->u.modify_recipients.input_handle_index = req->input_handle_index;
	if (message == NULL || message->msg == NULL) {
		return EC_NULL_OBJECT;
	}
	if (message->open_mode == MAPISTORE_OPEN_READ_ONLY) {
		return MAPI_E_NO_ACCESS;
	}
	for (i = 0; i < req->column_count; i++) {
		if (!recipient_column_valid(req->recipient_columns[i])) {
			return MAPI_E_INVALID_PARAMETER;
		}
	}
	columns.count = req->column_count;
	columns.tags = req->recipient_columns;
	rows = talloc_zero_array(ctx->mem_ctx, struct mapistore_recipient, req->row_count + 1);
	if (rows == NULL) {
		return MAPI_E_NOT_ENOUGH_MEMORY;
	}
	for (i = 0; i < req->row_count; i++) {
		const struct rop_modify_recipient_row *in = &req->recipient_rows[i];
		struct mapi_propval *props, *all;
		uint16_t count;

		rows[i].row_id = in->row_id;
		if (in->recipient_row_size == 0) {
			continue;	/* count 0: remove */
		}
		status = emsmdb_recipient_row_decode(ctx->mem_ctx, in->recipient_row,
						     in->recipient_row_size, &columns,
						     session_code_page(ctx), &count, &props);
		if (status != MAPI_E_SUCCESS) {
			return status;
		}
		all = talloc_array(ctx->mem_ctx, struct mapi_propval, count + 1);
		if (all == NULL) {
			return MAPI_E_NOT_ENOUGH_MEMORY;
		}
		all[0].tag = PidTagRecipientType;
		all[0].value.i32 = in->recipient_type;
		memcpy(all + 1, props, count * sizeof(*props));
		rows[i].count = count + 1;
		rows[i].props = all;
	}
	return mapistore_message_modify_recipients(message->msg, req->row_count, rows);
}

/*
 * MS-OXCMSG 3.2.5.6 RopReadRecipients: the recipient RowId and those
 * after it, as many as fit (RowId 0: from the first, whatever its RowId).
 * ecNotFound when no recipient has that RowId (or, for 0, there is none);
 * ecBufferTooSmall when not even that one fits.
 */
enum MAPISTATUS emsmdb_rop_read_recipients(struct emsmdb_rop_ctx *ctx, struct rop_response *response)
{
	const struct rop_read_recipients_request *req = &ctx->request->u.read_recipients;
	struct rop_read_recipients_response *res = &response->u.read_recipients;
	struct emsmdb_message *message = emsmdb_message_of(ctx->input);
	struct mapistore_recipient *rows = NULL;
	uint32_t count = 0, i, code_page = session_code_page(ctx);
	enum MAPISTATUS status;
	size_t size = 6 + 1;

	res->input_handle_index = req->input_handle_index;
	if (message == NULL || message->msg == NULL) {
		return EC_NULL_OBJECT;
	}
	status = mapistore_message_read_recipients(message->msg, ctx->mem_ctx, req->row_id, &count,
						   &rows);
	if (status != MAPI_E_SUCCESS) {
		return status;
	}
	if (count == 0 || (req->row_id != 0 && rows[0].row_id != req->row_id)) {
		return MAPI_E_NOT_FOUND;
	}
	res->u.ok.recipient_rows = talloc_zero_array(ctx->mem_ctx, struct rop_read_recipient_row,
						     count > 255 ? 255 : count);
	if (res->u.ok.recipient_rows == NULL) {
		return MAPI_E_NOT_ENOUGH_MEMORY;
	}
	for (i = 0; i < count && i < 255; i++) {
		struct rop_read_recipient_row *row = &res->u.ok.recipient_rows[i];
		uint8_t *data;
		size_t len;

		status = emsmdb_recipient_row_encode(ctx->mem_ctx, &rows[i], &data, &len);
		if (status != MAPI_E_SUCCESS) {
			return status;
		}
		if (size + 11 + len > ctx->space) {
			break;
		}
		size += 11 + len;
		row->row_id = rows[i].row_id;
		row->recipient_type = recipient_type_of(&rows[i]);
		row->code_page_id = (uint16_t)code_page;
		row->reserved = 0;
		row->recipient_row_size = (uint16_t)len;
		row->recipient_row = data;
	}
	if (i == 0) {
		return EC_BUFFER_TOO_SMALL;
	}
	res->return_value = MAPI_E_SUCCESS;
	res->u.ok.row_count = (uint8_t)i;
	return MAPI_E_SUCCESS;
}

/*
 * MS-OXCMSG 3.2.5.7 RopReloadCachedInformation: the message as stored
 * (mapistore_message_reload forgets unsaved changes), answered like
 * RopOpenMessage.
 */
enum MAPISTATUS emsmdb_rop_reload_cached_information(struct emsmdb_rop_ctx *ctx,
						     struct rop_response *response)
{
	const struct rop_reload_cached_information_request *req =
		&ctx->request->u.reload_cached_information;
	struct rop_reload_cached_information_response *res = &response->u.reload_cached_information;
	struct emsmdb_message *message = emsmdb_message_of(ctx->input);
	struct message_summary summary;
	enum MAPISTATUS status;

	res->input_handle_index = req->input_handle_index;
	if (message == NULL || message->msg == NULL) {
		return EC_NULL_OBJECT;
	}
	/* measured first: a response that cannot fit must leave the message as it was */
	status = summarize(ctx, message->msg, 6, &summary);
	if (status != MAPI_E_SUCCESS) {
		return status;
	}
	status = mapistore_message_reload(message->msg);
	if (status == MAPI_E_SUCCESS) {
		status = summarize(ctx, message->msg, 6, &summary);
	}
	if (status == EMSMDB_ROP_NO_SPACE) {
		/* smaller before, larger now: the reload is done, so say why the rows are not */
		status = MAPI_E_TOO_BIG;
	}
	if (status != MAPI_E_SUCCESS) {
		return status;
	}
	res->return_value = MAPI_E_SUCCESS;
	COPY_SUMMARY(res->u.ok, summary);
	return MAPI_E_SUCCESS;
}

/* PidTagMessageStatus of message MID of FOLDER (0 when never set). */
static enum MAPISTATUS message_status_open(struct emsmdb_rop_ctx *ctx, struct emsmdb_folder *folder,
					   uint64_t mid, uint8_t mode, struct mapistore_message **msg,
					   uint32_t *status_flags)
{
	static const uint32_t tag = PidTagMessageStatus;
	struct mapi_flagged_propval value;
	enum MAPISTATUS status;

	status = mapistore_message_open(folder->logon->store, ctx->mem_ctx, folder->fid, mid, mode, msg);
	if (status != MAPI_E_SUCCESS) {
		return status;
	}
	status = mapistore_message_get_props(*msg, ctx->mem_ctx, 1, &tag, &value);
	if (status != MAPI_E_SUCCESS) {
		return status;
	}
	*status_flags = value.flag == MAPI_PROPVAL_PRESENT ? value.pv.value.i32 : 0;
	return MAPI_E_SUCCESS;
}

/*
 * MS-OXCMSG 3.2.5.8 RopSetMessageStatus: the bits of MessageStatusMask
 * take their values from MessageStatusFlags at once (no save by the
 * client); the response has the status as it was before.  mapistore has
 * no column for it, so it is the message's PidTagMessageStatus property,
 * committed with a save of its own.
 */
enum MAPISTATUS emsmdb_rop_set_message_status(struct emsmdb_rop_ctx *ctx,
					      struct rop_response *response)
{
	const struct rop_set_message_status_request *req = &ctx->request->u.set_message_status;
	struct rop_set_message_status_response *res = &response->u.set_message_status;
	struct emsmdb_folder *folder = emsmdb_folder_of(ctx->input);
	struct mapistore_message *msg;
	struct mapi_propval value;
	enum MAPISTATUS status;
	uint32_t old_flags = 0;

	res->input_handle_index = req->input_handle_index;
	if (folder == NULL) {
		return EC_NULL_OBJECT;
	}
	status = message_status_open(ctx, folder, req->message_id, MAPISTORE_OPEN_READ_WRITE, &msg,
				     &old_flags);
	if (status != MAPI_E_SUCCESS) {
		return status;
	}
	value.tag = PidTagMessageStatus;
	value.value.i32 = (old_flags & ~req->message_status_mask) |
			  (req->message_status_flags & req->message_status_mask);
	if (value.value.i32 != old_flags) {
		struct mapistore_problems problems = { 0 };

		status = mapistore_message_set_props(msg, 1, &value, ctx->mem_ctx, &problems);
		if (status == MAPI_E_SUCCESS && problems.count > 0) {
			status = problems.problems[0].error_code;
		}
		if (status == MAPI_E_SUCCESS) {
			status = mapistore_message_save(msg, 0);
		}
		if (status != MAPI_E_SUCCESS) {
			return status;
		}
	}
	res->return_value = MAPI_E_SUCCESS;
	res->u.ok.message_status_flags = old_flags;
	return MAPI_E_SUCCESS;
}

/* MS-OXCMSG 3.2.5.9 RopGetMessageStatus: PidTagMessageStatus of a message of the folder. */
enum MAPISTATUS emsmdb_rop_get_message_status(struct emsmdb_rop_ctx *ctx,
					      struct rop_response *response)
{
	const struct rop_get_message_status_request *req = &ctx->request->u.get_message_status;
	struct rop_get_message_status_response *res = &response->u.get_message_status;
	struct emsmdb_folder *folder = emsmdb_folder_of(ctx->input);
	struct mapistore_message *msg;
	enum MAPISTATUS status;
	uint32_t flags = 0;

	res->input_handle_index = req->input_handle_index;
	if (folder == NULL) {
		return EC_NULL_OBJECT;
	}
	status = message_status_open(ctx, folder, req->message_id, MAPISTORE_OPEN_READ_ONLY, &msg,
				     &flags);
	if (status != MAPI_E_SUCCESS) {
		return status;
	}
	res->return_value = MAPI_E_SUCCESS;
	res->u.ok.message_status_flags = flags;
	return MAPI_E_SUCCESS;
}

/* ReadFlags (MS-OXCMSG 2.2.3.10.1); rfReserved (0x0A) is ignored by the server. */
#define READ_FLAGS_KNOWN (0x01 | 0x04 | 0x0A | 0x10 | 0x20 | 0x40)

/*
 * MS-OXCMSG 3.2.5.10 RopSetReadFlags: the read state of messages of the
 * input folder, committed at once; PartialCompletion when some MessageId
 * names no message of the folder.  Done synchronously whatever
 * WantAsynchronous says.  Its response form carries PartialCompletion with
 * any ReturnValue, so errors are answered here, not by the dispatcher.
 */
enum MAPISTATUS emsmdb_rop_set_read_flags(struct emsmdb_rop_ctx *ctx, struct rop_response *response)
{
	const struct rop_set_read_flags_request *req = &ctx->request->u.set_read_flags;
	struct rop_set_read_flags_response *res = &response->u.set_read_flags;
	struct emsmdb_folder *folder = emsmdb_folder_of(ctx->input);
	enum MAPISTATUS status = MAPI_E_SUCCESS;
	uint32_t changed = 0;
	uint8_t partial = 0;
	uint16_t i;

	res->input_handle_index = req->input_handle_index;
	if (folder == NULL) {
		return EC_NULL_OBJECT;
	}
	if (req->read_flags & ~READ_FLAGS_KNOWN) {
		status = MAPI_E_INVALID_PARAMETER;
	}
	for (i = 0; status == MAPI_E_SUCCESS && i < req->message_id_count; i++) {
		struct mapistore_message *msg;
		enum MAPISTATUS found;

		found = mapistore_message_open(folder->logon->store, ctx->mem_ctx, folder->fid,
					       req->message_ids[i], MAPISTORE_OPEN_READ_ONLY, &msg);
		if (found == MAPI_E_SUCCESS) {
			talloc_free(msg);
		} else if (found == MAPI_E_NOT_FOUND) {
			partial = 1;
		} else {
			status = found;
		}
	}
	if (status == MAPI_E_SUCCESS) {
		status = mapistore_messages_set_read(folder->folder, req->message_id_count,
						     req->message_ids, req->read_flags, &changed);
	}
	res->return_value = status;
	res->u.result.partial_completion = status == MAPI_E_SUCCESS ? partial : 1;
	return MAPI_E_SUCCESS;
}

/*
 * MS-OXCMSG 3.2.5.11 RopSetMessageReadFlag: the read state of the input
 * message, stored at once.  ReadStatusChanged (with the request's LogonId
 * and ClientData) is only for messages of public folders; a private
 * mailbox answers 0.
 */
enum MAPISTATUS emsmdb_rop_set_message_read_flag(struct emsmdb_rop_ctx *ctx,
						 struct rop_response *response)
{
	const struct rop_set_message_read_flag_request *req = &ctx->request->u.set_message_read_flag;
	struct rop_set_message_read_flag_response *res = &response->u.set_message_read_flag;
	struct emsmdb_message *message = emsmdb_message_of(ctx->input);
	enum MAPISTATUS status;
	bool changed = false;

	res->response_handle_index = req->response_handle_index;
	if (message == NULL || message->msg == NULL) {
		return EC_NULL_OBJECT;
	}
	if (req->read_flags & ~READ_FLAGS_KNOWN) {
		return MAPI_E_INVALID_PARAMETER;
	}
	if (!ctx->session->logon_private[req->logon_id] && ctx->space < 6 + 1 + 1 + 24) {
		return EMSMDB_ROP_NO_SPACE;	/* before the change, which cannot be taken back */
	}
	status = mapistore_message_set_read(message->msg, req->read_flags, &changed);
	if (status != MAPI_E_SUCCESS) {
		return status;
	}
	res->return_value = MAPI_E_SUCCESS;
	res->u.ok.read_status_changed = 0;
	if (changed && !ctx->session->logon_private[req->logon_id]) {
		res->u.ok.read_status_changed = 1;
		res->u.ok.logon_id = req->logon_id;
		memcpy(res->u.ok.client_data, req->client_data, sizeof(res->u.ok.client_data));
	}
	return MAPI_E_SUCCESS;
}

/* --- attachments ------------------------------------------------------------------------ */

/*
 * MS-OXCMSG 3.2.5.12 RopOpenAttachment: attachment AttachmentID of the
 * input message, ecNotFound when it has none of that number.  An
 * attachment cannot be written through a read-only message.
 */
enum MAPISTATUS emsmdb_rop_open_attachment(struct emsmdb_rop_ctx *ctx, struct rop_response *response)
{
	const struct rop_open_attachment_request *req = &ctx->request->u.open_attachment;
	struct emsmdb_message *message = emsmdb_message_of(ctx->input);
	struct emsmdb_attachment *attachment;
	struct emsmdb_object *object;
	enum MAPISTATUS status;
	uint8_t mode;

	response->u.open_attachment.output_handle_index = req->output_handle_index;
	if (message == NULL || message->msg == NULL) {
		return EC_NULL_OBJECT;
	}
	switch (req->open_attachment_flags) {
	case EMSMDB_MESSAGE_OPEN_READ_ONLY:
		mode = MAPISTORE_OPEN_READ_ONLY;
		break;
	case EMSMDB_MESSAGE_OPEN_READ_WRITE:
		if (message->open_mode == MAPISTORE_OPEN_READ_ONLY) {
			return MAPI_E_NO_ACCESS;
		}
		mode = MAPISTORE_OPEN_READ_WRITE;
		break;
	case EMSMDB_MESSAGE_OPEN_BEST_ACCESS:
		mode = message->open_mode == MAPISTORE_OPEN_READ_ONLY ? MAPISTORE_OPEN_READ_ONLY
								      : MAPISTORE_OPEN_READ_WRITE;
		break;
	default:
		return MAPI_E_INVALID_PARAMETER;
	}
	status = emsmdb_attachment_object_new(ctx, message, req->logon_id, &attachment, &object);
	if (status != MAPI_E_SUCCESS) {
		return status;
	}
	status = mapistore_attachment_open(message->msg, attachment, req->attachment_id, mode,
					   &attachment->att);
	if (status != MAPI_E_SUCCESS) {
		emsmdb_object_release(object);
		return status;
	}
	attachment->attach_num = req->attachment_id;
	attachment->open_mode = mode;
	ctx->output = object;
	response->u.open_attachment.return_value = MAPI_E_SUCCESS;
	return MAPI_E_SUCCESS;
}

/*
 * MS-OXCMSG 3.2.5.13 RopCreateAttachment: a new attachment of the input
 * message, numbered by mapistore; it reaches the message with
 * RopSaveChangesAttachment and the store with RopSaveChangesMessage.
 */
enum MAPISTATUS emsmdb_rop_create_attachment(struct emsmdb_rop_ctx *ctx,
					     struct rop_response *response)
{
	const struct rop_create_attachment_request *req = &ctx->request->u.create_attachment;
	struct rop_create_attachment_response *res = &response->u.create_attachment;
	struct emsmdb_message *message = emsmdb_message_of(ctx->input);
	struct emsmdb_attachment *attachment;
	struct emsmdb_object *object;
	enum MAPISTATUS status;
	uint32_t num = 0;

	res->output_handle_index = req->output_handle_index;
	if (message == NULL || message->msg == NULL) {
		return EC_NULL_OBJECT;
	}
	if (message->open_mode == MAPISTORE_OPEN_READ_ONLY) {
		return MAPI_E_NO_ACCESS;
	}
	status = emsmdb_attachment_object_new(ctx, message, req->logon_id, &attachment, &object);
	if (status != MAPI_E_SUCCESS) {
		return status;
	}
	status = mapistore_attachment_create(message->msg, attachment, &attachment->att, &num);
	if (status != MAPI_E_SUCCESS) {
		emsmdb_object_release(object);
		return status;
	}
	attachment->attach_num = num;
	attachment->open_mode = MAPISTORE_OPEN_READ_WRITE;
	ctx->output = object;
	res->return_value = MAPI_E_SUCCESS;
	res->u.ok.attachment_id = num;
	return MAPI_E_SUCCESS;
}

/* MS-OXCMSG 3.2.5.14 RopDeleteAttachment: gone from the message at its next save. */
enum MAPISTATUS emsmdb_rop_delete_attachment(struct emsmdb_rop_ctx *ctx,
					     struct rop_response *response)
{
	const struct rop_delete_attachment_request *req = &ctx->request->u.delete_attachment;
	struct emsmdb_message *message = emsmdb_message_of(ctx->input);

	response->u.delete_attachment.input_handle_index = req->input_handle_index;
	if (message == NULL || message->msg == NULL) {
		return EC_NULL_OBJECT;
	}
	return mapistore_attachment_delete(message->msg, req->attachment_id);
}

/*
 * MS-OXCMSG 3.2.5.15 RopSaveChangesAttachment: the attachment into its
 * message (in memory); SaveFlags as for messages (2.2.3.3.1).
 */
enum MAPISTATUS emsmdb_rop_save_changes_attachment(struct emsmdb_rop_ctx *ctx,
						   struct rop_response *response)
{
	const struct rop_save_changes_attachment_request *req =
		&ctx->request->u.save_changes_attachment;
	struct emsmdb_attachment *attachment = emsmdb_attachment_of(ctx->input);
	enum MAPISTATUS status;

	response->u.save_changes_attachment.response_handle_index = req->response_handle_index;
	if (attachment == NULL || attachment->att == NULL) {
		return EC_NULL_OBJECT;
	}
	if (req->save_flags & ~(MAPISTORE_SAVE_KEEP_OPEN_READ_ONLY | MAPISTORE_SAVE_KEEP_OPEN_READ_WRITE |
				MAPISTORE_SAVE_FORCE)) {
		return MAPI_E_INVALID_PARAMETER;
	}
	status = mapistore_attachment_save(attachment->att);
	if (status != MAPI_E_SUCCESS) {
		return status;
	}
	response->u.save_changes_attachment.return_value = MAPI_E_SUCCESS;
	return MAPI_E_SUCCESS;
}

/*
 * MS-OXCMSG 3.2.5.16 RopOpenEmbeddedMessage: the message inside the input
 * attachment, made with Create when there is none (ecNotFound without
 * it).  The embedded message holds its attachment: it is saved into it,
 * and the attachment into the outer message.
 */
enum MAPISTATUS emsmdb_rop_open_embedded_message(struct emsmdb_rop_ctx *ctx,
						 struct rop_response *response)
{
	const struct rop_open_embedded_message_request *req = &ctx->request->u.open_embedded_message;
	struct rop_open_embedded_message_response *res = &response->u.open_embedded_message;
	struct emsmdb_attachment *attachment = emsmdb_attachment_of(ctx->input);
	struct emsmdb_message *message;
	struct emsmdb_object *object;
	struct message_summary summary;
	enum MAPISTATUS status;
	uint8_t mode;
	bool create;

	res->output_handle_index = req->output_handle_index;
	if (attachment == NULL || attachment->att == NULL) {
		return EC_NULL_OBJECT;
	}
	switch (req->open_mode_flags) {
	case EMSMDB_EMBEDDED_OPEN_READ_ONLY:
		mode = MAPISTORE_OPEN_READ_ONLY;
		create = false;
		break;
	case EMSMDB_EMBEDDED_OPEN_READ_WRITE:
	case EMSMDB_EMBEDDED_OPEN_CREATE:
		if (attachment->open_mode == MAPISTORE_OPEN_READ_ONLY) {
			return MAPI_E_NO_ACCESS;
		}
		mode = MAPISTORE_OPEN_READ_WRITE;
		create = req->open_mode_flags == EMSMDB_EMBEDDED_OPEN_CREATE;
		break;
	default:
		return MAPI_E_INVALID_PARAMETER;
	}
	status = emsmdb_message_object_new(ctx, attachment->logon, req->logon_id, &message, &object);
	if (status != MAPI_E_SUCCESS) {
		return status;
	}
	if (!emsmdb_hold(message, attachment)) {
		emsmdb_object_release(object);
		return MAPI_E_NOT_ENOUGH_MEMORY;
	}
	message->parent = attachment;
	status = mapistore_attachment_open_embedded(attachment->att, message, mode, create,
						    &message->msg);
	if (status == MAPI_E_SUCCESS) {
		message->fid = attachment->message->fid;
		message->mid = mapistore_message_id(message->msg);
		message->open_mode = mode;
		status = summarize(ctx, message->msg, 6 + 1 + 8, &summary);
	}
	if (status != MAPI_E_SUCCESS) {
		emsmdb_object_release(object);
		return status;
	}
	ctx->output = object;
	res->return_value = MAPI_E_SUCCESS;
	res->u.ok.reserved = 0;
	res->u.ok.message_id = message->mid;
	COPY_SUMMARY(res->u.ok, summary);
	return MAPI_E_SUCCESS;
}

/*
 * MS-OXCMSG 3.2.5.17 RopGetAttachmentTable: a table object over the
 * input message's attachments (oxctabl.c serves its rows).
 */
enum MAPISTATUS emsmdb_rop_get_attachment_table(struct emsmdb_rop_ctx *ctx,
						struct rop_response *response)
{
	const struct rop_get_attachment_table_request *req = &ctx->request->u.get_attachment_table;
	struct emsmdb_message *message = emsmdb_message_of(ctx->input);
	struct emsmdb_table *table;
	struct emsmdb_object *object;
	enum MAPISTATUS status;

	response->u.get_attachment_table.output_handle_index = req->output_handle_index;
	if (message == NULL || message->msg == NULL) {
		return EC_NULL_OBJECT;
	}
	if (req->table_flags & ~EMSMDB_ATTACHMENT_TABLE_UNICODE) {
		return MAPI_E_INVALID_PARAMETER;
	}
	status = emsmdb_table_object_new(ctx, message->logon, req->logon_id, EMSMDB_TABLE_ATTACHMENTS,
					 NULL, message, &table, &object);
	if (status != MAPI_E_SUCCESS) {
		return status;
	}
	table->table_flags = req->table_flags;
	ctx->output = object;
	response->u.get_attachment_table.return_value = MAPI_E_SUCCESS;
	return MAPI_E_SUCCESS;
}

/* MS-OXCMSG 3.2.5.18 RopGetValidAttachments: the attachment numbers of the message. */
enum MAPISTATUS emsmdb_rop_get_valid_attachments(struct emsmdb_rop_ctx *ctx,
						 struct rop_response *response)
{
	const struct rop_get_valid_attachments_request *req = &ctx->request->u.get_valid_attachments;
	struct rop_get_valid_attachments_response *res = &response->u.get_valid_attachments;
	struct emsmdb_message *message = emsmdb_message_of(ctx->input);
	enum MAPISTATUS status;
	uint32_t count = 0, *nums = NULL;

	res->input_handle_index = req->input_handle_index;
	if (message == NULL || message->msg == NULL) {
		return EC_NULL_OBJECT;
	}
	status = mapistore_message_attachment_nums(message->msg, ctx->mem_ctx, &count, &nums);
	if (status != MAPI_E_SUCCESS) {
		return status;
	}
	if (count > UINT16_MAX) {
		return MAPI_E_TOO_BIG;
	}
	if (6 + 2 + 4 * (size_t)count > ctx->space) {
		return EMSMDB_ROP_NO_SPACE;
	}
	res->return_value = MAPI_E_SUCCESS;
	res->u.ok.attachment_id_count = (uint16_t)count;
	res->u.ok.attachment_id_array = nums;
	return MAPI_E_SUCCESS;
}
