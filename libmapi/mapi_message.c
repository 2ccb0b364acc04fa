/*
 * OpenChange libmapi: messages, recipients and attachments (MS-OXCMSG),
 * properties, named properties and streams (MS-OXCPRPT) of the client API.
 *
 * Copyright (C) OpenChange developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <talloc.h>

#include "libmapi/mapi_private.h"
#include "libmapi/oxcdata_buf.h"
#include "libmapi/oxcdata_row.h"

/* SaveFlags KeepOpenReadWrite (MS-OXCMSG 2.2.3.3.1): the object stays usable */
#define SAVE_KEEP_OPEN_READ_WRITE 0x02

/* RecipientFlags (MS-OXCDATA 2.8.3.1) */
#define RECIP_TYPE_MASK 0x0007
#define RECIP_TYPE_X500DN 0x0001
#define RECIP_TYPE_SMTP 0x0003
#define RECIP_E 0x0008		/* EmailAddress present */
#define RECIP_D 0x0010		/* DisplayName present */
#define RECIP_T 0x0020		/* TransmittableDisplayName present */
#define RECIP_S 0x0040		/* TransmittableDisplayName is DisplayName */
#define RECIP_U 0x0200		/* strings are UTF-16 */
#define RECIP_I 0x0400		/* SimpleDisplayName present */
#define RECIP_O 0x8000		/* AddressType present (Type NoType) */

/* The most bytes one RopWriteStream/RopReadStream moves (fits a 32 KB ROP buffer) */
#define STREAM_CHUNK 0x4000

#define TMP_OR_FAIL(tmp, obj) \
	do { \
		(tmp) = talloc_new((obj)->session); \
		if ((tmp) == NULL) { \
			return MAPI_E_NOT_ENOUGH_MEMORY; \
		} \
	} while (0)

#define PROPS_OBJECTS (MAPI_T(MAPI_OBJECT_STORE) | MAPI_T(MAPI_OBJECT_FOLDER) | \
		       MAPI_T(MAPI_OBJECT_MESSAGE) | MAPI_T(MAPI_OBJECT_ATTACHMENT))

enum MAPISTATUS OpenMessage(mapi_object_t *obj, uint64_t fid, uint64_t mid, uint8_t mode,
			    mapi_object_t *message)
{
	struct rop_request req;
	struct rop_response resp;
	enum MAPISTATUS ret;
	uint32_t handle;
	TALLOC_CTX *tmp;

	if (!mapi_object_is(obj, MAPI_T(MAPI_OBJECT_STORE) | MAPI_T(MAPI_OBJECT_FOLDER)) ||
	    message == NULL || message == obj ||
	    (mode != MAPI_OPEN_READ && mode != MAPI_OPEN_READWRITE)) {
		return MAPI_E_INVALID_PARAMETER;
	}
	memset(&req, 0, sizeof(req));
	req.rop_id = RopOpenMessage;
	req.u.open_message.logon_id = obj->logon_id;
	req.u.open_message.output_handle_index = 1;
	req.u.open_message.code_page_id = 0x0FFF;	/* MS-OXCROPS 2.2.6.1.1: the logon's */
	req.u.open_message.folder_id = fid;
	req.u.open_message.open_mode_flags = mode;
	req.u.open_message.message_id = mid;
	TMP_OR_FAIL(tmp, obj);
	ret = mapi_rop(obj, tmp, &req, &resp, &handle);
	talloc_free(tmp);
	if (ret == MAPI_E_SUCCESS) {
		mapi_object_child(obj, message, MAPI_OBJECT_MESSAGE, handle);
		message->id = mid;
		message->folder_id = fid;
	}
	return ret;
}

enum MAPISTATUS CreateMessage(mapi_object_t *folder, mapi_object_t *message)
{
	struct rop_request req;
	struct rop_response resp;
	enum MAPISTATUS ret;
	uint32_t handle;
	TALLOC_CTX *tmp;

	if (!mapi_object_is(folder, MAPI_T(MAPI_OBJECT_FOLDER)) || message == NULL ||
	    message == folder) {
		return MAPI_E_INVALID_PARAMETER;
	}
	memset(&req, 0, sizeof(req));
	req.rop_id = RopCreateMessage;
	req.u.create_message.logon_id = folder->logon_id;
	req.u.create_message.output_handle_index = 1;
	req.u.create_message.code_page_id = 0x0FFF;
	req.u.create_message.folder_id = folder->id;
	TMP_OR_FAIL(tmp, folder);
	ret = mapi_rop(folder, tmp, &req, &resp, &handle);
	if (ret == MAPI_E_SUCCESS) {
		mapi_object_child(folder, message, MAPI_OBJECT_MESSAGE, handle);
		message->folder_id = folder->id;
		if (resp.u.create_message.u.ok.has_message_id) {
			message->id = resp.u.create_message.u.ok.message_id;
		}
	}
	talloc_free(tmp);
	return ret;
}

enum MAPISTATUS SaveChangesMessage(mapi_object_t *message, uint64_t *mid)
{
	struct rop_request req;
	struct rop_response resp;
	enum MAPISTATUS ret;
	TALLOC_CTX *tmp;

	if (!mapi_object_is(message, MAPI_T(MAPI_OBJECT_MESSAGE))) {
		return MAPI_E_INVALID_PARAMETER;
	}
	memset(&req, 0, sizeof(req));
	req.rop_id = RopSaveChangesMessage;
	req.u.save_changes_message.logon_id = message->logon_id;
	req.u.save_changes_message.response_handle_index = 0;
	req.u.save_changes_message.input_handle_index = 0;
	req.u.save_changes_message.save_flags = SAVE_KEEP_OPEN_READ_WRITE;
	TMP_OR_FAIL(tmp, message);
	ret = mapi_rop(message, tmp, &req, &resp, NULL);
	if (ret == MAPI_E_SUCCESS) {
		message->id = resp.u.save_changes_message.u.ok.message_id;
		if (mid != NULL) {
			*mid = message->id;
		}
	}
	talloc_free(tmp);
	return ret;
}

/*
 * A RecipientRow (MS-OXCDATA 2.8.3.2) of an SMTP recipient: Type SMTP,
 * EmailAddress and DisplayName in UTF-16, TransmittableDisplayName the
 * same as DisplayName, and no further columns.
 */
static bool recipient_row(TALLOC_CTX *mem_ctx, const struct mapi_recipient *r,
			  struct rop_modify_recipient_row *out)
{
	struct oxcdata_push push;
	struct mapi_tag_array no_columns = { 0, NULL };
	struct mapi_property_row empty = { 0, 0, NULL };
	uint16_t flags = RECIP_TYPE_SMTP | RECIP_U | RECIP_S;

	if (r->smtp_address != NULL) {
		flags |= RECIP_E;
	}
	if (r->display_name != NULL) {
		flags |= RECIP_D;
	}
	oxcdata_push_init(&push, mem_ctx);
	if (oxcdata_push_u16(&push, flags) != WIRE_OK ||
	    (r->smtp_address != NULL && oxcdata_push_utf16(&push, r->smtp_address) != WIRE_OK) ||
	    (r->display_name != NULL && oxcdata_push_utf16(&push, r->display_name) != WIRE_OK) ||
	    oxcdata_push_u16(&push, 0) != WIRE_OK ||
	    oxcdata_row_push(&push, &no_columns, &empty) != WIRE_OK || push.len > 0xFFFF) {
		return false;
	}
	out->recipient_type = r->type;
	out->recipient_row_size = (uint16_t)push.len;
	out->recipient_row = push.data;
	return true;
}

enum MAPISTATUS ModifyRecipients(mapi_object_t *message, const struct mapi_recipient *recipients,
				 uint32_t count)
{
	struct rop_request req;
	struct rop_response resp;
	enum MAPISTATUS ret;
	TALLOC_CTX *tmp;
	uint32_t i;

	if (!mapi_object_is(message, MAPI_T(MAPI_OBJECT_MESSAGE)) || recipients == NULL ||
	    count == 0 || count > 0xFFFF) {
		return MAPI_E_INVALID_PARAMETER;
	}
	for (i = 0; i < count; i++) {
		if (recipients[i].type < MAPI_TO || recipients[i].type > MAPI_BCC ||
		    (recipients[i].smtp_address == NULL && recipients[i].display_name == NULL)) {
			return MAPI_E_INVALID_PARAMETER;
		}
	}
	TMP_OR_FAIL(tmp, message);
	memset(&req, 0, sizeof(req));
	req.rop_id = RopModifyRecipients;
	req.u.modify_recipients.logon_id = message->logon_id;
	req.u.modify_recipients.row_count = (uint16_t)count;
	req.u.modify_recipients.recipient_rows = talloc_zero_array(tmp, struct rop_modify_recipient_row,
								   count);
	if (req.u.modify_recipients.recipient_rows == NULL) {
		talloc_free(tmp);
		return MAPI_E_NOT_ENOUGH_MEMORY;
	}
	for (i = 0; i < count; i++) {
		req.u.modify_recipients.recipient_rows[i].row_id = i;
		if (!recipient_row(tmp, &recipients[i], &req.u.modify_recipients.recipient_rows[i])) {
			talloc_free(tmp);
			mapi_set_error(message->session, "ModifyRecipients: recipient %u does not encode", i);
			return MAPI_E_INVALID_PARAMETER;
		}
	}
	ret = mapi_rop(message, tmp, &req, &resp, NULL);
	talloc_free(tmp);
	return ret;
}

/* The standard fields of a RecipientRow: type, e-mail address, display name */
static bool parse_recipient(TALLOC_CTX *mem_ctx, const uint8_t *data, size_t len,
			    struct mapi_recipient *out)
{
	struct oxcdata_pull pull;
	uint16_t flags;
	bool unicode;
	char *s;

	oxcdata_pull_init(&pull, data, len);
	if (oxcdata_pull_u16(&pull, &flags) != WIRE_OK) {
		return false;
	}
	unicode = (flags & RECIP_U) != 0;
	if ((flags & RECIP_TYPE_MASK) == RECIP_TYPE_X500DN) {
		uint8_t prefix, display_type;

		if (oxcdata_pull_u8(&pull, &prefix) != WIRE_OK ||
		    oxcdata_pull_u8(&pull, &display_type) != WIRE_OK ||
		    oxcdata_pull_string8(&pull, mem_ctx, &s) != WIRE_OK) {
			return false;
		}
	} else if ((flags & RECIP_TYPE_MASK) == 0 && (flags & RECIP_O)) {
		if ((unicode ? oxcdata_pull_utf16(&pull, mem_ctx, &s) :
		     oxcdata_pull_string8(&pull, mem_ctx, &s)) != WIRE_OK) {
			return false;
		}
	} else if ((flags & RECIP_TYPE_MASK) == 6 || (flags & RECIP_TYPE_MASK) == 7) {
		/* PersonalDistributionList: entry id and search key we do not keep */
		uint16_t n;
		const uint8_t *p;

		if (oxcdata_pull_u16(&pull, &n) != WIRE_OK || oxcdata_pull_bytes(&pull, n, &p) != WIRE_OK ||
		    oxcdata_pull_u16(&pull, &n) != WIRE_OK || oxcdata_pull_bytes(&pull, n, &p) != WIRE_OK) {
			return false;
		}
	}
	if (flags & RECIP_E) {
		if ((unicode ? oxcdata_pull_utf16(&pull, mem_ctx, &s) :
		     oxcdata_pull_string8(&pull, mem_ctx, &s)) != WIRE_OK) {
			return false;
		}
		out->smtp_address = s;
	}
	if (flags & RECIP_D) {
		if ((unicode ? oxcdata_pull_utf16(&pull, mem_ctx, &s) :
		     oxcdata_pull_string8(&pull, mem_ctx, &s)) != WIRE_OK) {
			return false;
		}
		out->display_name = s;
	}
	return true;
}

enum MAPISTATUS ReadRecipients(TALLOC_CTX *mem_ctx, mapi_object_t *message,
			       struct mapi_recipient **recipients, uint32_t *count)
{
	struct rop_request req;
	struct rop_response resp;
	enum MAPISTATUS ret;
	TALLOC_CTX *tmp;
	struct mapi_recipient *out = NULL;
	uint32_t n = 0, row_id = 0, i;

	if (!mapi_object_is(message, MAPI_T(MAPI_OBJECT_MESSAGE)) || recipients == NULL ||
	    count == NULL) {
		return MAPI_E_INVALID_PARAMETER;
	}
	*recipients = NULL;
	*count = 0;
	out = talloc_zero_array(mem_ctx, struct mapi_recipient, 1);
	if (out == NULL) {
		return MAPI_E_NOT_ENOUGH_MEMORY;
	}
	/* MS-OXCMSG 3.2.5.5: rows from RowId on, as many as fit; until NotFound */
	for (;;) {
		TMP_OR_FAIL(tmp, message);
		memset(&req, 0, sizeof(req));
		req.rop_id = RopReadRecipients;
		req.u.read_recipients.logon_id = message->logon_id;
		req.u.read_recipients.row_id = row_id;
		ret = mapi_rop(message, tmp, &req, &resp, NULL);
		if (ret == MAPI_E_NOT_FOUND || (ret == MAPI_E_SUCCESS &&
						resp.u.read_recipients.u.ok.row_count == 0)) {
			talloc_free(tmp);
			break;
		}
		if (ret != MAPI_E_SUCCESS) {
			talloc_free(tmp);
			talloc_free(out);
			return ret;
		}
		out = talloc_realloc(mem_ctx, out, struct mapi_recipient,
				     n + resp.u.read_recipients.u.ok.row_count + 1);
		if (out == NULL) {
			talloc_free(tmp);
			return MAPI_E_NOT_ENOUGH_MEMORY;
		}
		for (i = 0; i < resp.u.read_recipients.u.ok.row_count; i++) {
			const struct rop_read_recipient_row *r = &resp.u.read_recipients.u.ok.recipient_rows[i];

			memset(&out[n], 0, sizeof(out[n]));
			out[n].type = r->recipient_type & 0x0F;
			if (!parse_recipient(out, r->recipient_row, r->recipient_row_size, &out[n])) {
				talloc_free(tmp);
				talloc_free(out);
				mapi_set_error(message->session, "ReadRecipients: row %u does not parse",
					       r->row_id);
				return MAPI_E_CORRUPT_DATA;
			}
			n++;
			row_id = r->row_id + 1;
		}
		talloc_free(tmp);
	}
	*recipients = out;
	*count = n;
	return MAPI_E_SUCCESS;
}

/* --- properties ------------------------------------------------------------- */

enum MAPISTATUS SetProps(mapi_object_t *obj, const struct mapi_propval *props, uint16_t count)
{
	struct rop_request req;
	struct rop_response resp;
	enum MAPISTATUS ret;
	TALLOC_CTX *tmp;

	if (!mapi_object_is(obj, PROPS_OBJECTS) || props == NULL || count == 0) {
		return MAPI_E_INVALID_PARAMETER;
	}
	memset(&req, 0, sizeof(req));
	req.rop_id = RopSetProperties;
	req.u.set_properties.logon_id = obj->logon_id;
	req.u.set_properties.property_value_count = count;
	req.u.set_properties.property_values = MAPI_UNCONST(struct mapi_propval, props);
	TMP_OR_FAIL(tmp, obj);
	ret = mapi_rop(obj, tmp, &req, &resp, NULL);
	/* MS-OXCPRPT 3.2.5.4: a property the server would not set is a problem, not a failure */
	if (ret == MAPI_E_SUCCESS && resp.u.set_properties.u.ok.property_problem_count > 0) {
		const struct rop_property_problem *p = &resp.u.set_properties.u.ok.property_problems[0];

		mapi_set_error(obj->session, "RopSetProperties: 0x%08x not set: 0x%08x",
			       p->property_tag, p->error_code);
		ret = (enum MAPISTATUS)p->error_code;
	}
	talloc_free(tmp);
	return ret;
}

static void flagged_to_propval(const struct mapi_flagged_propval *v, uint32_t tag,
			       struct mapi_propval *out)
{
	if (v->flag == MAPI_PROPVAL_PRESENT) {
		*out = v->pv;
		if (MAPI_PROP_TYPE(out->tag) == PTYP_UNSPECIFIED) {
			out->tag = tag;
		}
	} else {
		out->tag = MAPI_PROP_TAG(MAPI_PROP_ID(tag), PTYP_ERRORCODE);
		out->value.error_code = v->flag == MAPI_PROPVAL_ERROR ? v->pv.value.error_code :
			MAPI_E_NOT_FOUND;
	}
}

enum MAPISTATUS GetProps(TALLOC_CTX *mem_ctx, mapi_object_t *obj, const uint32_t *tags,
			 uint16_t count, struct mapi_propval **props)
{
	struct rop_request req;
	struct rop_response resp;
	enum MAPISTATUS ret;
	TALLOC_CTX *tmp;
	struct mapi_propval *out;
	uint16_t i;

	if (!mapi_object_is(obj, PROPS_OBJECTS) || tags == NULL || count == 0 || props == NULL) {
		return MAPI_E_INVALID_PARAMETER;
	}
	*props = NULL;
	memset(&req, 0, sizeof(req));
	req.rop_id = RopGetPropertiesSpecific;
	req.u.get_properties_specific.logon_id = obj->logon_id;
	req.u.get_properties_specific.want_unicode = 1;
	req.u.get_properties_specific.property_tag_count = count;
	req.u.get_properties_specific.property_tags = MAPI_UNCONST(uint32_t, tags);
	TMP_OR_FAIL(tmp, obj);
	ret = mapi_rop(obj, tmp, &req, &resp, NULL);
	if (ret != MAPI_E_SUCCESS) {
		talloc_free(tmp);
		return ret;
	}
	if (resp.u.get_properties_specific.u.ok.row_data.count != count) {
		talloc_free(tmp);
		mapi_set_error(obj->session, "RopGetPropertiesSpecific: %u values for %u tags",
			       resp.u.get_properties_specific.u.ok.row_data.count, count);
		return MAPI_E_CORRUPT_DATA;
	}
	out = talloc_zero_array(mem_ctx, struct mapi_propval, count);
	if (out == NULL) {
		talloc_free(tmp);
		return MAPI_E_NOT_ENOUGH_MEMORY;
	}
	for (i = 0; i < count; i++) {
		flagged_to_propval(&resp.u.get_properties_specific.u.ok.row_data.values[i], tags[i],
				   &out[i]);
	}
	talloc_steal(out, tmp);
	*props = out;
	return MAPI_E_SUCCESS;
}

const struct mapi_propval *GetPropValue(const struct mapi_propval *props, uint32_t count, uint32_t tag)
{
	for (uint32_t i = 0; props != NULL && i < count; i++) {
		if (props[i].tag == tag) {
			return &props[i];
		}
	}
	return NULL;
}

enum MAPISTATUS GetPropsAll(TALLOC_CTX *mem_ctx, mapi_object_t *obj, struct mapi_propval **props,
			    uint32_t *count)
{
	struct rop_request req;
	struct rop_response resp;
	enum MAPISTATUS ret;
	TALLOC_CTX *tmp;

	if (!mapi_object_is(obj, PROPS_OBJECTS) || props == NULL || count == NULL) {
		return MAPI_E_INVALID_PARAMETER;
	}
	*props = NULL;
	*count = 0;
	memset(&req, 0, sizeof(req));
	req.rop_id = RopGetPropertiesAll;
	req.u.get_properties_all.logon_id = obj->logon_id;
	req.u.get_properties_all.want_unicode = 1;
	tmp = talloc_new(mem_ctx);
	if (tmp == NULL) {
		return MAPI_E_NOT_ENOUGH_MEMORY;
	}
	ret = mapi_rop(obj, tmp, &req, &resp, NULL);
	if (ret != MAPI_E_SUCCESS) {
		talloc_free(tmp);
		return ret;
	}
	/* the array and its values stay in tmp: the array is what the caller frees */
	if (resp.u.get_properties_all.u.ok.property_values == NULL) {
		resp.u.get_properties_all.u.ok.property_values =
			talloc_zero_array(tmp, struct mapi_propval, 1);
	}
	*props = talloc_steal(mem_ctx, resp.u.get_properties_all.u.ok.property_values);
	if (*props == NULL) {
		talloc_free(tmp);
		return MAPI_E_NOT_ENOUGH_MEMORY;
	}
	talloc_steal(*props, tmp);
	*count = resp.u.get_properties_all.u.ok.property_value_count;
	return MAPI_E_SUCCESS;
}

enum MAPISTATUS DeleteProps(mapi_object_t *obj, const uint32_t *tags, uint16_t count)
{
	struct rop_request req;
	struct rop_response resp;
	enum MAPISTATUS ret;
	TALLOC_CTX *tmp;

	if (!mapi_object_is(obj, PROPS_OBJECTS) || tags == NULL || count == 0) {
		return MAPI_E_INVALID_PARAMETER;
	}
	memset(&req, 0, sizeof(req));
	req.rop_id = RopDeleteProperties;
	req.u.delete_properties.logon_id = obj->logon_id;
	req.u.delete_properties.property_tag_count = count;
	req.u.delete_properties.property_tags = MAPI_UNCONST(uint32_t, tags);
	TMP_OR_FAIL(tmp, obj);
	ret = mapi_rop(obj, tmp, &req, &resp, NULL);
	talloc_free(tmp);
	return ret;
}

enum MAPISTATUS GetIDsFromNames(TALLOC_CTX *mem_ctx, mapi_object_t *obj,
				const struct mapi_nameid *names, uint16_t count, bool create,
				uint16_t **ids)
{
	struct rop_request req;
	struct rop_response resp;
	enum MAPISTATUS ret;
	TALLOC_CTX *tmp;
	uint16_t i;

	if (!mapi_object_is(obj, PROPS_OBJECTS) || names == NULL || count == 0 || ids == NULL) {
		return MAPI_E_INVALID_PARAMETER;
	}
	*ids = NULL;
	TMP_OR_FAIL(tmp, obj);
	memset(&req, 0, sizeof(req));
	req.rop_id = RopGetPropertyIdsFromNames;
	req.u.get_property_ids_from_names.logon_id = obj->logon_id;
	/* MS-OXCPRPT 2.2.12.1: Flags 0x02 creates names that do not exist */
	req.u.get_property_ids_from_names.flags = create ? 0x02 : 0x00;
	req.u.get_property_ids_from_names.property_name_count = count;
	req.u.get_property_ids_from_names.property_names =
		talloc_zero_array(tmp, struct rop_property_name, count);
	if (req.u.get_property_ids_from_names.property_names == NULL) {
		talloc_free(tmp);
		return MAPI_E_NOT_ENOUGH_MEMORY;
	}
	for (i = 0; i < count; i++) {
		struct rop_property_name *p = &req.u.get_property_ids_from_names.property_names[i];

		p->guid = names[i].guid;
		if (!names[i].is_string) {
			p->kind = 0x00;
			p->lid = names[i].lid;
		} else {
			/* MS-OXCDATA 2.6.1: Name is NameSize bytes of NUL-terminated UTF-16LE */
			struct oxcdata_push push;

			p->kind = 0x01;
			oxcdata_push_init(&push, tmp);
			if (names[i].name == NULL || oxcdata_push_utf16(&push, names[i].name) != WIRE_OK ||
			    push.len > 0xFF) {
				talloc_free(tmp);
				return MAPI_E_INVALID_PARAMETER;
			}
			p->name_size = (uint8_t)push.len;
			p->name = push.data;
		}
	}
	ret = mapi_rop(obj, tmp, &req, &resp, NULL);
	if (ret == MAPI_E_SUCCESS) {
		if (resp.u.get_property_ids_from_names.u.ok.property_id_count != count) {
			ret = MAPI_E_CORRUPT_DATA;
		} else {
			*ids = talloc_memdup(mem_ctx, resp.u.get_property_ids_from_names.u.ok.property_ids,
					     sizeof(uint16_t) * count);
			if (*ids == NULL) {
				ret = MAPI_E_NOT_ENOUGH_MEMORY;
			}
		}
	}
	talloc_free(tmp);
	return ret;
}

enum MAPISTATUS GetNamesFromIDs(TALLOC_CTX *mem_ctx, mapi_object_t *obj, const uint16_t *ids,
				uint16_t count, struct mapi_nameid **names)
{
	struct rop_request req;
	struct rop_response resp;
	enum MAPISTATUS ret;
	TALLOC_CTX *tmp;
	struct mapi_nameid *out;
	uint16_t i;

	if (!mapi_object_is(obj, PROPS_OBJECTS) || ids == NULL || count == 0 || names == NULL) {
		return MAPI_E_INVALID_PARAMETER;
	}
	*names = NULL;
	memset(&req, 0, sizeof(req));
	req.rop_id = RopGetNamesFromPropertyIds;
	req.u.get_names_from_property_ids.logon_id = obj->logon_id;
	req.u.get_names_from_property_ids.property_id_count = count;
	req.u.get_names_from_property_ids.property_ids = MAPI_UNCONST(uint16_t, ids);
	TMP_OR_FAIL(tmp, obj);
	ret = mapi_rop(obj, tmp, &req, &resp, NULL);
	if (ret != MAPI_E_SUCCESS) {
		talloc_free(tmp);
		return ret;
	}
	if (resp.u.get_names_from_property_ids.u.ok.property_name_count != count) {
		talloc_free(tmp);
		return MAPI_E_CORRUPT_DATA;
	}
	out = talloc_zero_array(mem_ctx, struct mapi_nameid, count);
	if (out == NULL) {
		talloc_free(tmp);
		return MAPI_E_NOT_ENOUGH_MEMORY;
	}
	for (i = 0; i < count; i++) {
		const struct rop_property_name *p = &resp.u.get_names_from_property_ids.u.ok.property_names[i];

		out[i].guid = p->guid;
		out[i].is_string = p->kind == 0x01;
		out[i].lid = p->lid;
		if (out[i].is_string) {
			/* NameSize bytes of UTF-16LE, terminated here whatever the server sent */
			uint8_t *z = talloc_zero_array(tmp, uint8_t, (size_t)p->name_size + 2);
			struct oxcdata_pull pull;
			char *s = NULL;

			if (z == NULL) {
				talloc_free(out);
				talloc_free(tmp);
				return MAPI_E_NOT_ENOUGH_MEMORY;
			}
			if (p->name_size > 0) {
				memcpy(z, p->name, p->name_size);
			}
			oxcdata_pull_init(&pull, z, (size_t)p->name_size + 2);
			if (oxcdata_pull_utf16(&pull, out, &s) != WIRE_OK) {
				talloc_free(out);
				talloc_free(tmp);
				return MAPI_E_CORRUPT_DATA;
			}
			out[i].name = s;
		}
	}
	talloc_free(tmp);
	*names = out;
	return MAPI_E_SUCCESS;
}

/* --- attachments --------------------------------------------------------------- */

enum MAPISTATUS CreateAttach(mapi_object_t *message, mapi_object_t *attachment)
{
	struct rop_request req;
	struct rop_response resp;
	enum MAPISTATUS ret;
	uint32_t handle;
	TALLOC_CTX *tmp;

	if (!mapi_object_is(message, MAPI_T(MAPI_OBJECT_MESSAGE)) || attachment == NULL ||
	    attachment == message) {
		return MAPI_E_INVALID_PARAMETER;
	}
	memset(&req, 0, sizeof(req));
	req.rop_id = RopCreateAttachment;
	req.u.create_attachment.logon_id = message->logon_id;
	req.u.create_attachment.output_handle_index = 1;
	TMP_OR_FAIL(tmp, message);
	ret = mapi_rop(message, tmp, &req, &resp, &handle);
	if (ret == MAPI_E_SUCCESS) {
		mapi_object_child(message, attachment, MAPI_OBJECT_ATTACHMENT, handle);
		attachment->id = resp.u.create_attachment.u.ok.attachment_id;
		attachment->folder_id = message->folder_id;
	}
	talloc_free(tmp);
	return ret;
}

enum MAPISTATUS OpenAttach(mapi_object_t *message, uint32_t number, mapi_object_t *attachment)
{
	struct rop_request req;
	struct rop_response resp;
	enum MAPISTATUS ret;
	uint32_t handle;
	TALLOC_CTX *tmp;

	if (!mapi_object_is(message, MAPI_T(MAPI_OBJECT_MESSAGE)) || attachment == NULL ||
	    attachment == message) {
		return MAPI_E_INVALID_PARAMETER;
	}
	memset(&req, 0, sizeof(req));
	req.rop_id = RopOpenAttachment;
	req.u.open_attachment.logon_id = message->logon_id;
	req.u.open_attachment.output_handle_index = 1;
	/* MS-OXCMSG 2.2.3.12.1: BestAccess (read-write when allowed) */
	req.u.open_attachment.open_attachment_flags = 0x03;
	req.u.open_attachment.attachment_id = number;
	TMP_OR_FAIL(tmp, message);
	ret = mapi_rop(message, tmp, &req, &resp, &handle);
	talloc_free(tmp);
	if (ret == MAPI_E_SUCCESS) {
		mapi_object_child(message, attachment, MAPI_OBJECT_ATTACHMENT, handle);
		attachment->id = number;
		attachment->folder_id = message->folder_id;
	}
	return ret;
}

enum MAPISTATUS GetAttachmentTable(mapi_object_t *message, mapi_object_t *table)
{
	struct rop_request req;
	struct rop_response resp;
	enum MAPISTATUS ret;
	uint32_t handle;
	TALLOC_CTX *tmp;

	if (!mapi_object_is(message, MAPI_T(MAPI_OBJECT_MESSAGE)) || table == NULL || table == message) {
		return MAPI_E_INVALID_PARAMETER;
	}
	memset(&req, 0, sizeof(req));
	req.rop_id = RopGetAttachmentTable;
	req.u.get_attachment_table.logon_id = message->logon_id;
	req.u.get_attachment_table.output_handle_index = 1;
	req.u.get_attachment_table.table_flags = 0x40;	/* Unicode (MS-OXCMSG 2.2.3.17.1) */
	TMP_OR_FAIL(tmp, message);
	ret = mapi_rop(message, tmp, &req, &resp, &handle);
	talloc_free(tmp);
	if (ret == MAPI_E_SUCCESS) {
		mapi_object_child(message, table, MAPI_OBJECT_TABLE, handle);
	}
	return ret;
}

enum MAPISTATUS SaveChangesAttachment(mapi_object_t *attachment)
{
	struct rop_request req;
	struct rop_response resp;
	enum MAPISTATUS ret;
	TALLOC_CTX *tmp;

	if (!mapi_object_is(attachment, MAPI_T(MAPI_OBJECT_ATTACHMENT))) {
		return MAPI_E_INVALID_PARAMETER;
	}
	memset(&req, 0, sizeof(req));
	req.rop_id = RopSaveChangesAttachment;
	req.u.save_changes_attachment.logon_id = attachment->logon_id;
	req.u.save_changes_attachment.save_flags = SAVE_KEEP_OPEN_READ_WRITE;
	TMP_OR_FAIL(tmp, attachment);
	ret = mapi_rop(attachment, tmp, &req, &resp, NULL);
	talloc_free(tmp);
	return ret;
}

enum MAPISTATUS OpenEmbeddedMessage(mapi_object_t *attachment, uint8_t mode, mapi_object_t *message)
{
	struct rop_request req;
	struct rop_response resp;
	enum MAPISTATUS ret;
	uint32_t handle;
	TALLOC_CTX *tmp;

	if (!mapi_object_is(attachment, MAPI_T(MAPI_OBJECT_ATTACHMENT)) || message == NULL ||
	    message == attachment ||
	    (mode != MAPI_OPEN_READ && mode != MAPI_OPEN_READWRITE && mode != MAPI_OPEN_CREATE)) {
		if (attachment != NULL && attachment->session != NULL) {
			mapi_set_error(attachment->session,
				       "OpenEmbeddedMessage: needs an attachment and mode 0, 1 or 2");
		}
		return MAPI_E_INVALID_PARAMETER;
	}
	memset(&req, 0, sizeof(req));
	req.rop_id = RopOpenEmbeddedMessage;
	req.u.open_embedded_message.logon_id = attachment->logon_id;
	req.u.open_embedded_message.output_handle_index = 1;
	req.u.open_embedded_message.code_page_id = 0x0FFF;	/* the logon's (MS-OXCROPS 2.2.6.16.1) */
	/* MS-OXCMSG 2.2.3.16.1 OpenModeFlags: ReadOnly 0, ReadWrite 1, Create 2, as MAPI_OPEN_* */
	req.u.open_embedded_message.open_mode_flags = mode;
	TMP_OR_FAIL(tmp, attachment);
	ret = mapi_rop(attachment, tmp, &req, &resp, &handle);
	if (ret == MAPI_E_SUCCESS) {
		mapi_object_child(attachment, message, MAPI_OBJECT_MESSAGE, handle);
		message->id = resp.u.open_embedded_message.u.ok.message_id;
		/* an embedded message lives in no folder; it keeps the outer one for reference */
		message->folder_id = attachment->folder_id;
	}
	talloc_free(tmp);
	return ret;
}

/* --- streams ------------------------------------------------------------------- */

enum MAPISTATUS OpenStream(mapi_object_t *obj, uint32_t tag, uint8_t mode, mapi_object_t *stream)
{
	struct rop_request req;
	struct rop_response resp;
	enum MAPISTATUS ret;
	uint32_t handle;
	TALLOC_CTX *tmp;
	uint16_t type = MAPI_PROP_TYPE(tag);

	if (!mapi_object_is(obj, PROPS_OBJECTS) || stream == NULL || stream == obj ||
	    (type != PTYP_BINARY && type != PTYP_STRING && type != PTYP_STRING8 &&
	     type != PTYP_OBJECT) || mode > MAPI_OPEN_CREATE) {
		return MAPI_E_INVALID_PARAMETER;
	}
	memset(&req, 0, sizeof(req));
	req.rop_id = RopOpenStream;
	req.u.open_stream.logon_id = obj->logon_id;
	req.u.open_stream.output_handle_index = 1;
	req.u.open_stream.property_tag = tag;
	/* MS-OXCPRPT 2.2.14.1: ReadOnly 0, ReadWrite 1, Create 2 */
	req.u.open_stream.open_mode_flags = mode;
	TMP_OR_FAIL(tmp, obj);
	ret = mapi_rop(obj, tmp, &req, &resp, &handle);
	if (ret == MAPI_E_SUCCESS) {
		mapi_object_child(obj, stream, MAPI_OBJECT_STREAM, handle);
		stream->stream_size = resp.u.open_stream.u.ok.stream_size;
	}
	talloc_free(tmp);
	return ret;
}

enum MAPISTATUS ReadStream(mapi_object_t *stream, uint8_t *buf, uint32_t size, uint32_t *read)
{
	struct rop_request req;
	struct rop_response resp;
	enum MAPISTATUS ret;
	TALLOC_CTX *tmp;
	uint16_t got;

	if (!mapi_object_is(stream, MAPI_T(MAPI_OBJECT_STREAM)) || buf == NULL || read == NULL ||
	    size == 0) {
		return MAPI_E_INVALID_PARAMETER;
	}
	*read = 0;
	memset(&req, 0, sizeof(req));
	req.rop_id = RopReadStream;
	req.u.read_stream.logon_id = stream->logon_id;
	req.u.read_stream.byte_count = (uint16_t)(size < STREAM_CHUNK ? size : STREAM_CHUNK);
	TMP_OR_FAIL(tmp, stream);
	ret = mapi_rop(stream, tmp, &req, &resp, NULL);
	if (ret == MAPI_E_SUCCESS) {
		got = resp.u.read_stream.u.result.data_size;
		if (got > req.u.read_stream.byte_count) {
			ret = MAPI_E_CORRUPT_DATA;
		} else {
			if (got > 0) {
				memcpy(buf, resp.u.read_stream.u.result.data, got);
			}
			*read = got;
		}
	}
	talloc_free(tmp);
	return ret;
}

enum MAPISTATUS WriteStream(mapi_object_t *stream, const uint8_t *buf, uint32_t size)
{
	struct rop_request req;
	struct rop_response resp;
	enum MAPISTATUS ret = MAPI_E_SUCCESS;
	TALLOC_CTX *tmp;
	uint32_t done = 0;

	if (!mapi_object_is(stream, MAPI_T(MAPI_OBJECT_STREAM)) || (buf == NULL && size != 0)) {
		return MAPI_E_INVALID_PARAMETER;
	}
	while (done < size) {
		uint32_t n = size - done < STREAM_CHUNK ? size - done : STREAM_CHUNK;

		memset(&req, 0, sizeof(req));
		req.rop_id = RopWriteStream;
		req.u.write_stream.logon_id = stream->logon_id;
		req.u.write_stream.data_size = (uint16_t)n;
		req.u.write_stream.data = MAPI_UNCONST(uint8_t, buf + done);
		TMP_OR_FAIL(tmp, stream);
		ret = mapi_rop(stream, tmp, &req, &resp, NULL);
		if (ret == MAPI_E_SUCCESS && resp.u.write_stream.u.result.written_size != n) {
			/* MS-OXCPRPT 3.2.5.13: fewer bytes written means the stream is full */
			mapi_set_error(stream->session, "RopWriteStream: %u of %u bytes written",
				       resp.u.write_stream.u.result.written_size, n);
			ret = MAPI_E_NOT_ENOUGH_MEMORY;
		}
		talloc_free(tmp);
		if (ret != MAPI_E_SUCCESS) {
			return ret;
		}
		done += n;
	}
	return ret;
}

enum MAPISTATUS CommitStream(mapi_object_t *stream)
{
	struct rop_request req;
	struct rop_response resp;
	enum MAPISTATUS ret;
	TALLOC_CTX *tmp;

	if (!mapi_object_is(stream, MAPI_T(MAPI_OBJECT_STREAM))) {
		return MAPI_E_INVALID_PARAMETER;
	}
	memset(&req, 0, sizeof(req));
	req.rop_id = RopCommitStream;
	req.u.commit_stream.logon_id = stream->logon_id;
	TMP_OR_FAIL(tmp, stream);
	ret = mapi_rop(stream, tmp, &req, &resp, NULL);
	talloc_free(tmp);
	return ret;
}
