/*
 * mapitest OXCMSG: message ROPs (MS-OXCMSG 3.2.5).  Skipped while the
 * server answers ecNotSupported for them.
 *
 * Copyright (C) OpenChange developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <time.h>
#include <talloc.h>

/* the tag names; its MAPI_PROP_* macros mean what libmapi's do */
#include "idl/gen_proptags.h"
#undef MAPI_PROP_TYPE
#undef MAPI_PROP_ID
#undef MAPI_PROP_TAG
#include "utils/mapitest/mapitest.h"
#include "libmapi/oxcdata_buf.h"
#include "libmapi/rop_session.h"

#define EC_NOT_FOUND MT_EC_NOT_FOUND

/*
 * MS-OXCMSG 3.2.5.2, 3.2.5.3, 3.2.5.1: a message created in the Inbox and
 * saved gets a MessageId, and RopOpenMessage opens it by that id.
 */
static enum mt_result t_create_save_open(struct mt_test *t)
{
	struct rop_request req;
	struct rop_response resp;
	struct mt_logon lg;
	uint64_t inbox, mid;

	if (mt_logon_open(t, 0x01, &lg) != MT_PASS) {
		return t->result;
	}
	inbox = lg.logon.u.private_mailbox.folder_ids[MT_FID_INBOX];
	memset(&req, 0, sizeof(req));
	req.rop_id = RopCreateMessage;
	req.u.create_message.output_handle_index = 1;
	req.u.create_message.code_page_id = 0x0FFF;	/* the logon's code page */
	req.u.create_message.folder_id = inbox;
	if (mt_rop(t, &lg, &req, &resp) != MT_PASS || mt_skip_unsupported(t, &resp) != MT_PASS) {
		return t->result;
	}
	MT_EXPECT(t, resp.u.create_message.return_value == MAPI_E_SUCCESS, "RopCreateMessage: %s",
		  mt_status(t, resp.u.create_message.return_value));

	memset(&req, 0, sizeof(req));
	req.rop_id = RopSaveChangesMessage;
	req.u.save_changes_message.response_handle_index = 1;
	req.u.save_changes_message.input_handle_index = 1;
	req.u.save_changes_message.save_flags = 0x02;	/* KeepOpenReadWrite */
	if (mt_rop(t, &lg, &req, &resp) != MT_PASS || mt_skip_unsupported(t, &resp) != MT_PASS) {
		return t->result;
	}
	MT_EXPECT(t, resp.u.save_changes_message.return_value == MAPI_E_SUCCESS,
		  "RopSaveChangesMessage: %s", mt_status(t, resp.u.save_changes_message.return_value));
	mid = resp.u.save_changes_message.u.ok.message_id;
	MT_EXPECT(t, mid != 0, "RopSaveChangesMessage returned MessageId 0");

	memset(&req, 0, sizeof(req));
	req.rop_id = RopOpenMessage;
	req.u.open_message.output_handle_index = 2;
	req.u.open_message.code_page_id = 0x0FFF;
	req.u.open_message.folder_id = inbox;
	req.u.open_message.message_id = mid;
	if (mt_rop(t, &lg, &req, &resp) != MT_PASS || mt_skip_unsupported(t, &resp) != MT_PASS) {
		return t->result;
	}
	MT_EXPECT(t, resp.u.open_message.return_value == MAPI_E_SUCCESS,
		  "RopOpenMessage of the saved message: %s",
		  mt_status(t, resp.u.open_message.return_value));
	MT_EXPECT_EQ(t, resp.u.open_message.u.ok.recipient_count, 0, "RecipientCount");
	return MT_PASS;
}

/* MS-OXCMSG 3.2.5.1: a MessageId that names no message is ecNotFound */
static enum mt_result t_open_unknown_message(struct mt_test *t)
{
	struct rop_request req;
	struct rop_response resp;
	struct mt_logon lg;

	if (mt_logon_open(t, 0x01, &lg) != MT_PASS) {
		return t->result;
	}
	memset(&req, 0, sizeof(req));
	req.rop_id = RopOpenMessage;
	req.u.open_message.output_handle_index = 1;
	req.u.open_message.code_page_id = 0x0FFF;
	req.u.open_message.folder_id = lg.logon.u.private_mailbox.folder_ids[MT_FID_INBOX];
	req.u.open_message.message_id = 0xFEDCBA9876540000ull | lg.logon.u.private_mailbox.repl_id;
	if (mt_rop(t, &lg, &req, &resp) != MT_PASS || mt_skip_unsupported(t, &resp) != MT_PASS) {
		return t->result;
	}
	MT_EXPECT(t, resp.u.open_message.return_value == EC_NOT_FOUND,
		  "RopOpenMessage of an unknown MID: observed %s, expected %s",
		  mt_status(t, resp.u.open_message.return_value), mt_status(t, EC_NOT_FOUND));
	return MT_PASS;
}

/* --- helpers of this family ------------------------------------------------------------- */

/* MS-OXCMSG 2.2.3.3.1 SaveFlags */
#define SAVE_KEEP_OPEN_READ_WRITE 0x02
#define SAVE_FORCE 0x04
/* MS-OXCMSG 2.2.3.1.1 OpenModeFlags */
#define OPEN_READ_ONLY 0x00
#define OPEN_READ_WRITE 0x01
/* MS-OXCMSG 2.2.3.16.1: OpenModeFlags Create of RopOpenEmbeddedMessage */
#define OPEN_EMBEDDED_CREATE 0x02
/* MS-OXCMSG 2.2.1.6 PidTagMessageFlags */
#define MF_READ 0x00000001u
/* MS-OXCMSG 2.2.3.10.1 ReadFlags */
#define RF_DEFAULT 0x00
#define RF_SUPPRESS_RECEIPT 0x01
/* rfClearReadFlag, with rfSuppressReceipt as 2.2.3.10.1 requires */
#define RF_CLEAR_READ_FLAG 0x05
/* MS-OXCMSG 2.2.2.9 PidTagAttachMethod */
#define AF_BY_VALUE 0x00000001u
#define AF_EMBEDDED_MESSAGE 0x00000005u
/* MS-OXCMSG 2.2.3.8.1: a status bit a client may set, msRemoteDownload */
#define MS_REMOTE_DOWNLOAD 0x00001000u
/* MS-OXCDATA 2.8.3.1 RecipientFlags */
#define RECIP_TYPE_SMTP 0x0003
#define RECIP_E 0x0008
#define RECIP_D 0x0010
#define RECIP_S 0x0040
#define RECIP_U 0x0200
/* MS-OXCMSG 2.2.3.5.1 RecipientType */
#define RECIP_TO 0x01
#define RECIP_CC 0x02

/* One string property of the object in SLOT, or a failed test */
static enum mt_result get_string(struct mt_test *t, struct mt_logon *lg, uint8_t slot, uint32_t tag,
				 const char **out)
{
	struct mapi_property_row row;
	const struct mapi_propval *pv;

	if (mt_get_props(t, lg, slot, &tag, 1, &row) != MT_PASS) {
		return t->result;
	}
	pv = mt_row_value(&row, &tag, tag);
	MT_EXPECT(t, pv != NULL, "property 0x%08x is missing", tag);
	*out = pv->value.string;
	return MT_PASS;
}

/* One 32-bit (or boolean, or time) property of the object in SLOT */
static enum mt_result get_number(struct mt_test *t, struct mt_logon *lg, uint8_t slot, uint32_t tag,
				 uint64_t *out)
{
	struct mapi_property_row row;
	const struct mapi_propval *pv;

	if (mt_get_props(t, lg, slot, &tag, 1, &row) != MT_PASS) {
		return t->result;
	}
	pv = mt_row_value(&row, &tag, tag);
	MT_EXPECT(t, pv != NULL, "property 0x%08x is missing", tag);
	switch (tag & 0xFFFF) {
	case PTYP_BOOLEAN: *out = pv->value.boolean; break;
	case PTYP_TIME: *out = pv->value.time; break;
	case PTYP_INTEGER64: *out = pv->value.i64; break;
	default: *out = pv->value.i32; break;
	}
	return MT_PASS;
}

/* RopOpenMessage of MID into slot OUT keeping the response (recipients, subject) */
static enum mt_result open_message(struct mt_test *t, struct mt_box *box, uint64_t mid, uint8_t out,
				   uint8_t mode, struct rop_response *resp)
{
	struct rop_request req;

	memset(&req, 0, sizeof(req));
	req.rop_id = RopOpenMessage;
	req.u.open_message.input_handle_index = 1;
	req.u.open_message.output_handle_index = out;
	req.u.open_message.code_page_id = 0x0FFF;
	req.u.open_message.folder_id = box->fid;
	req.u.open_message.open_mode_flags = mode;
	req.u.open_message.message_id = mid;
	return mt_rop_ok(t, &box->lg, &req, resp, "RopOpenMessage");
}

/*
 * A RecipientRow (MS-OXCDATA 2.8.3.1) of an SMTP recipient with UTF-16
 * strings and no extra columns, for RopModifyRecipients.
 */
static enum mt_result recipient_row(struct mt_test *t, uint32_t row_id, uint8_t type,
				    const char *email, const char *name,
				    struct rop_modify_recipient_row *out)
{
	struct oxcdata_push push;

	memset(out, 0, sizeof(*out));
	out->row_id = row_id;
	out->recipient_type = type;
	if (email == NULL) {
		return MT_PASS;	/* RecipientRowSize 0: remove the row (MS-OXCMSG 3.2.5.5) */
	}
	oxcdata_push_init(&push, t->mem);
	MT_EXPECT(t, oxcdata_push_u16(&push, RECIP_TYPE_SMTP | RECIP_E | RECIP_D | RECIP_S |
				      RECIP_U) == WIRE_OK &&
		  oxcdata_push_utf16(&push, email) == WIRE_OK &&
		  oxcdata_push_utf16(&push, name) == WIRE_OK &&
		  oxcdata_push_u16(&push, 0) == WIRE_OK &&	/* RecipientColumnCount */
		  oxcdata_push_u8(&push, 0) == WIRE_OK,		/* an empty standard row */
		  "a RecipientRow does not encode");
	out->recipient_row_size = (uint16_t)push.len;
	out->recipient_row = push.data;
	return MT_PASS;
}

static enum mt_result modify_recipients(struct mt_test *t, struct mt_logon *lg, uint8_t slot,
					struct rop_modify_recipient_row *rows, uint16_t count)
{
	struct rop_request req;
	struct rop_response resp;

	memset(&req, 0, sizeof(req));
	req.rop_id = RopModifyRecipients;
	req.u.modify_recipients.input_handle_index = slot;
	req.u.modify_recipients.row_count = count;
	req.u.modify_recipients.recipient_rows = rows;
	return mt_rop_ok(t, lg, &req, &resp, "RopModifyRecipients");
}

/* The e-mail address of an SMTP RecipientRow with UTF-16 strings, or NULL */
static const char *row_email(struct mt_test *t, const struct rop_read_recipient_row *r)
{
	struct oxcdata_pull pull;
	uint16_t flags;
	char *email = NULL;

	oxcdata_pull_init(&pull, r->recipient_row, r->recipient_row_size);
	if (oxcdata_pull_u16(&pull, &flags) != WIRE_OK || (flags & 0x0007) != RECIP_TYPE_SMTP ||
	    !(flags & RECIP_E) || !(flags & RECIP_U) ||
	    oxcdata_pull_utf16(&pull, t->mem, &email) != WIRE_OK) {
		return NULL;
	}
	return email;
}

/* RopReadRecipients from RowId 0 on SLOT */
static enum mt_result read_recipients(struct mt_test *t, struct mt_logon *lg, uint8_t slot,
				      struct rop_response *resp)
{
	struct rop_request req;

	memset(&req, 0, sizeof(req));
	req.rop_id = RopReadRecipients;
	req.u.read_recipients.input_handle_index = slot;
	req.u.read_recipients.row_id = 0;
	return mt_rop_ok(t, lg, &req, resp, "RopReadRecipients");
}

/* An attachment on the message in MSG_SLOT, into ATT_SLOT, with a file name and bytes, saved */
static enum mt_result add_attachment(struct mt_test *t, struct mt_logon *lg, uint8_t msg_slot,
				     uint8_t att_slot, const char *name, uint32_t *att_id)
{
	struct rop_request req;
	struct rop_response resp;
	struct mapi_propval props[3];

	memset(&req, 0, sizeof(req));
	req.rop_id = RopCreateAttachment;
	req.u.create_attachment.input_handle_index = msg_slot;
	req.u.create_attachment.output_handle_index = att_slot;
	if (mt_rop_ok(t, lg, &req, &resp, "RopCreateAttachment") != MT_PASS) {
		return t->result;
	}
	*att_id = resp.u.create_attachment.u.ok.attachment_id;
	props[0] = mt_i32_prop(PidTagAttachMethod, AF_BY_VALUE);
	props[1] = mt_str_prop(PidTagAttachLongFilename, name);
	memset(&props[2], 0, sizeof(props[2]));
	props[2].tag = PidTagAttachDataBinary;
	props[2].value.binary.len = (uint32_t)strlen(name);
	props[2].value.binary.data = (uint8_t *)name;	/* the name as its content */
	if (mt_set_props(t, lg, att_slot, props, 3) != MT_PASS) {
		return t->result;
	}
	memset(&req, 0, sizeof(req));
	req.rop_id = RopSaveChangesAttachment;
	req.u.save_changes_attachment.response_handle_index = msg_slot;
	req.u.save_changes_attachment.input_handle_index = att_slot;
	req.u.save_changes_attachment.save_flags = SAVE_KEEP_OPEN_READ_WRITE;
	return mt_rop_ok(t, lg, &req, &resp, "RopSaveChangesAttachment");
}

/* The PidTagAttachNumber column of the attachment table of the message in SLOT */
static enum mt_result attachment_numbers(struct mt_test *t, struct mt_logon *lg, uint8_t slot,
					 uint8_t table_slot, uint32_t *numbers, uint16_t max,
					 uint16_t *count)
{
	static uint32_t cols[] = { PidTagAttachNumber };
	struct rop_request req;
	struct rop_response resp;
	uint16_t i;

	memset(&req, 0, sizeof(req));
	req.rop_id = RopGetAttachmentTable;
	req.u.get_attachment_table.input_handle_index = slot;
	req.u.get_attachment_table.output_handle_index = table_slot;
	if (mt_rop_ok(t, lg, &req, &resp, "RopGetAttachmentTable") != MT_PASS) {
		return t->result;
	}
	memset(&req, 0, sizeof(req));
	req.rop_id = RopSetColumns;
	req.u.set_columns.input_handle_index = table_slot;
	req.u.set_columns.property_tag_count = 1;
	req.u.set_columns.property_tags = cols;
	if (mt_rop_ok(t, lg, &req, &resp, "RopSetColumns") != MT_PASS) {
		return t->result;
	}
	memset(&req, 0, sizeof(req));
	req.rop_id = RopQueryRows;
	req.u.query_rows.input_handle_index = table_slot;
	req.u.query_rows.forward_read = 1;
	req.u.query_rows.row_count = 50;
	if (mt_rop_ok(t, lg, &req, &resp, "RopQueryRows") != MT_PASS) {
		return t->result;
	}
	MT_EXPECT(t, resp.u.query_rows.u.ok.row_count <= max, "%u attachment rows",
		  resp.u.query_rows.u.ok.row_count);
	*count = resp.u.query_rows.u.ok.row_count;
	for (i = 0; i < *count; i++) {
		const struct mapi_property_row *row = &resp.u.query_rows.u.ok.row_data[i];

		MT_EXPECT(t, row->count == 1 && row->values[0].flag == MAPI_PROPVAL_PRESENT &&
			  (row->values[0].pv.tag & 0xFFFF) == PTYP_INTEGER32,
			  "attachment row %u has no PidTagAttachNumber", i);
		numbers[i] = row->values[0].pv.value.i32;
	}
	return mt_release(t, lg, table_slot);
}

/* --- the tests ---------------------------------------------------------------------------- */

/*
 * MS-OXCMSG 3.2.5.2, 3.2.5.3: the properties set on a new message are
 * committed by RopSaveChangesMessage: a later RopOpenMessage reads them,
 * and its NormalizedSubject field is the subject.
 */
static enum mt_result b_saved_properties(struct mt_test *t, struct mt_box *box)
{
	static const uint32_t tags[] = { PidTagSubject, PidTagBody, PidTagImportance,
					 PidTagMessageClass };
	struct mapi_propval props[4];
	struct mapi_property_row row;
	struct rop_response resp;
	const struct mapi_propval *v;
	uint64_t mid;

	props[0] = mt_str_prop(PidTagSubject, "mapitest saved subject \xc3\xa9\xe6\x97\xa5");
	props[1] = mt_str_prop(PidTagBody, "the body, read back after reopening");
	props[2] = mt_i32_prop(PidTagImportance, 2);
	props[3] = mt_str_prop(PidTagMessageClass, "IPM.Note.Mapitest");
	if (mt_box_message(t, box, 2, props, 4, &mid) != MT_PASS ||
	    mt_release(t, &box->lg, 2) != MT_PASS ||
	    open_message(t, box, mid, 2, OPEN_READ_ONLY, &resp) != MT_PASS ||
	    mt_get_props(t, &box->lg, 2, tags, 4, &row) != MT_PASS) {
		return t->result;
	}
	v = mt_row_value(&row, tags, PidTagSubject);
	MT_EXPECT(t, v != NULL && strcmp(v->value.string, props[0].value.string) == 0,
		  "PidTagSubject '%s', expected '%s'", v ? v->value.string : "(missing)",
		  props[0].value.string);
	v = mt_row_value(&row, tags, PidTagBody);
	MT_EXPECT(t, v != NULL && strcmp(v->value.string, props[1].value.string) == 0,
		  "PidTagBody '%s'", v ? v->value.string : "(missing)");
	v = mt_row_value(&row, tags, PidTagImportance);
	MT_EXPECT(t, v != NULL && v->value.i32 == 2, "PidTagImportance %d, expected 2",
		  v ? (int)v->value.i32 : -1);
	v = mt_row_value(&row, tags, PidTagMessageClass);
	MT_EXPECT(t, v != NULL && strcmp(v->value.string, "IPM.Note.Mapitest") == 0,
		  "PidTagMessageClass '%s'", v ? v->value.string : "(missing)");
	/* 2.2.3.1.2: NormalizedSubject is the subject without a prefix */
	MT_EXPECT(t, resp.u.open_message.u.ok.normalized_subject.str != NULL &&
		  strcmp(resp.u.open_message.u.ok.normalized_subject.str,
			 props[0].value.string) == 0,
		  "RopOpenMessage NormalizedSubject '%s'",
		  resp.u.open_message.u.ok.normalized_subject.str ?
		  resp.u.open_message.u.ok.normalized_subject.str : "(none)");
	return MT_PASS;
}

static enum mt_result t_saved_properties(struct mt_test *t)
{
	return mt_in_inbox(t, b_saved_properties);
}

/*
 * MS-OXCMSG 3.2.5.3: two handles on one message are two transactions;
 * after one is saved, saving the other is ecObjectModified until the
 * client asks ForceSave, which then wins.
 */
static enum mt_result b_save_conflict(struct mt_test *t, struct mt_box *box)
{
	struct mapi_propval first = mt_str_prop(PidTagSubject, "saved through the first handle");
	struct mapi_propval second = mt_str_prop(PidTagSubject, "saved through the second handle");
	struct rop_request req;
	struct rop_response resp;
	const char *subject;
	uint64_t mid;

	if (mt_box_message(t, box, 2, NULL, 0, &mid) != MT_PASS ||
	    mt_release(t, &box->lg, 2) != MT_PASS ||
	    mt_open_message(t, &box->lg, box->fid, mid, 1, 3, OPEN_READ_WRITE) != MT_PASS ||
	    mt_open_message(t, &box->lg, box->fid, mid, 1, 4, OPEN_READ_WRITE) != MT_PASS ||
	    mt_set_props(t, &box->lg, 3, &first, 1) != MT_PASS ||
	    mt_set_props(t, &box->lg, 4, &second, 1) != MT_PASS ||
	    mt_save_message(t, &box->lg, 3, SAVE_KEEP_OPEN_READ_WRITE, NULL) != MT_PASS) {
		return t->result;
	}
	memset(&req, 0, sizeof(req));
	req.rop_id = RopSaveChangesMessage;
	req.u.save_changes_message.response_handle_index = 4;
	req.u.save_changes_message.input_handle_index = 4;
	req.u.save_changes_message.save_flags = SAVE_KEEP_OPEN_READ_WRITE;
	if (mt_rop(t, &box->lg, &req, &resp) != MT_PASS) {
		return t->result;
	}
	MT_EXPECT(t, resp.u.save_changes_message.return_value == MT_EC_OBJECT_MODIFIED,
		  "the second handle's save: observed %s, expected %s",
		  mt_status(t, resp.u.save_changes_message.return_value),
		  mt_status(t, MT_EC_OBJECT_MODIFIED));
	if (mt_save_message(t, &box->lg, 4, SAVE_FORCE, NULL) != MT_PASS ||
	    mt_release(t, &box->lg, 3) != MT_PASS || mt_reopen(t, box, mid, 4) != MT_PASS ||
	    get_string(t, &box->lg, 4, PidTagSubject, &subject) != MT_PASS) {
		return t->result;
	}
	MT_EXPECT(t, strcmp(subject, second.value.string) == 0,
		  "after ForceSave the subject is '%s', expected '%s'", subject, second.value.string);
	return MT_PASS;
}

static enum mt_result t_save_conflict(struct mt_test *t)
{
	return mt_in_inbox(t, b_save_conflict);
}

static enum mt_result set_read_flags(struct mt_test *t, struct mt_box *box, uint64_t mid,
				     uint8_t flags)
{
	struct rop_request req;
	struct rop_response resp;

	memset(&req, 0, sizeof(req));
	req.rop_id = RopSetReadFlags;
	req.u.set_read_flags.input_handle_index = 1;
	req.u.set_read_flags.read_flags = flags;
	req.u.set_read_flags.message_id_count = 1;
	req.u.set_read_flags.message_ids = &mid;
	if (mt_rop_ok(t, &box->lg, &req, &resp, "RopSetReadFlags") != MT_PASS) {
		return t->result;
	}
	MT_EXPECT_EQ(t, resp.u.set_read_flags.u.result.partial_completion, 0, "PartialCompletion");
	return MT_PASS;
}

/* PidTagMessageFlags of MID, read through a fresh RopOpenMessage in slot 3 */
static enum mt_result message_flags(struct mt_test *t, struct mt_box *box, uint64_t mid,
				    uint64_t *flags)
{
	if (mt_open_message(t, &box->lg, box->fid, mid, 1, 3, OPEN_READ_ONLY) != MT_PASS ||
	    get_number(t, &box->lg, 3, PidTagMessageFlags, flags) != MT_PASS) {
		return t->result;
	}
	return mt_release(t, &box->lg, 3);
}

/* MS-OXCMSG 3.2.5.10: RopSetReadFlags on the folder clears and sets mfRead */
static enum mt_result b_set_read_flags(struct mt_test *t, struct mt_box *box)
{
	uint64_t mid, flags;

	if (mt_box_message(t, box, 2, NULL, 0, &mid) != MT_PASS ||
	    mt_release(t, &box->lg, 2) != MT_PASS ||
	    set_read_flags(t, box, mid, RF_CLEAR_READ_FLAG) != MT_PASS ||
	    message_flags(t, box, mid, &flags) != MT_PASS) {
		return t->result;
	}
	MT_EXPECT(t, !(flags & MF_READ), "after rfClearReadFlag PidTagMessageFlags is 0x%llx",
		  (unsigned long long)flags);
	if (set_read_flags(t, box, mid, RF_DEFAULT) != MT_PASS ||
	    message_flags(t, box, mid, &flags) != MT_PASS) {
		return t->result;
	}
	MT_EXPECT(t, flags & MF_READ, "after rfDefault PidTagMessageFlags is 0x%llx (no mfRead)",
		  (unsigned long long)flags);
	return MT_PASS;
}

static enum mt_result t_set_read_flags(struct mt_test *t)
{
	return mt_in_inbox(t, b_set_read_flags);
}

static enum mt_result set_message_read_flag(struct mt_test *t, struct mt_box *box, uint8_t flags)
{
	struct rop_request req;
	struct rop_response resp;

	/* MS-OXCMSG 2.2.3.11: ResponseHandleIndex is the folder, InputHandleIndex the message */
	memset(&req, 0, sizeof(req));
	req.rop_id = RopSetMessageReadFlag;
	req.u.set_message_read_flag.response_handle_index = 1;
	req.u.set_message_read_flag.input_handle_index = 2;
	req.u.set_message_read_flag.read_flags = flags;
	return mt_rop_ok(t, &box->lg, &req, &resp, "RopSetMessageReadFlag");
}

/*
 * MS-OXCMSG 3.2.5.11: RopSetMessageReadFlag on an open message sets and
 * clears mfRead, as a fresh RopOpenMessage reads in PidTagMessageFlags.
 */
static enum mt_result b_set_message_read_flag(struct mt_test *t, struct mt_box *box)
{
	uint64_t mid, flags;

	if (mt_box_message(t, box, 2, NULL, 0, &mid) != MT_PASS ||
	    set_message_read_flag(t, box, RF_SUPPRESS_RECEIPT) != MT_PASS ||
	    mt_save_message(t, &box->lg, 2, SAVE_KEEP_OPEN_READ_WRITE, NULL) != MT_PASS ||
	    message_flags(t, box, mid, &flags) != MT_PASS) {
		return t->result;
	}
	MT_EXPECT(t, flags & MF_READ, "PidTagMessageFlags 0x%llx without mfRead after marking read",
		  (unsigned long long)flags);
	if (set_message_read_flag(t, box, RF_CLEAR_READ_FLAG) != MT_PASS ||
	    mt_save_message(t, &box->lg, 2, SAVE_KEEP_OPEN_READ_WRITE, NULL) != MT_PASS ||
	    message_flags(t, box, mid, &flags) != MT_PASS) {
		return t->result;
	}
	MT_EXPECT(t, !(flags & MF_READ), "PidTagMessageFlags 0x%llx still has mfRead after "
		  "rfClearReadFlag", (unsigned long long)flags);
	return MT_PASS;
}

static enum mt_result t_set_message_read_flag(struct mt_test *t)
{
	return mt_in_inbox(t, b_set_message_read_flag);
}

/*
 * MS-OXCMSG 3.2.5.5, 3.2.5.6: RopModifyRecipients adds rows, replaces a
 * row by its RowId and removes one sent without a RecipientRow; after the
 * save, RopOpenMessage counts and RopReadRecipients reads what is left.
 */
static enum mt_result b_modify_recipients(struct mt_test *t, struct mt_box *box)
{
	struct rop_modify_recipient_row rows[2];
	struct rop_response resp;
	const char *email;
	uint64_t mid;

	if (mt_box_message(t, box, 2, NULL, 0, &mid) != MT_PASS ||
	    recipient_row(t, 0, RECIP_TO, "alice@example.com", "Alice", &rows[0]) != MT_PASS ||
	    recipient_row(t, 1, RECIP_CC, "bob@example.com", "Bob", &rows[1]) != MT_PASS ||
	    modify_recipients(t, &box->lg, 2, rows, 2) != MT_PASS ||
	    read_recipients(t, &box->lg, 2, &resp) != MT_PASS) {
		return t->result;
	}
	MT_EXPECT_EQ(t, resp.u.read_recipients.u.ok.row_count, 2, "recipients after adding two");
	email = row_email(t, &resp.u.read_recipients.u.ok.recipient_rows[1]);
	MT_EXPECT(t, email != NULL && strcmp(email, "bob@example.com") == 0,
		  "the second recipient is '%s'", email ? email : "(unreadable)");
	MT_EXPECT_EQ(t, resp.u.read_recipients.u.ok.recipient_rows[1].recipient_type & 0x0F,
		     RECIP_CC, "the second recipient's RecipientType");
	if (recipient_row(t, 0, RECIP_TO, "carol@example.com", "Carol", &rows[0]) != MT_PASS ||
	    recipient_row(t, 1, RECIP_CC, NULL, NULL, &rows[1]) != MT_PASS ||
	    modify_recipients(t, &box->lg, 2, rows, 2) != MT_PASS ||
	    mt_save_message(t, &box->lg, 2, SAVE_KEEP_OPEN_READ_WRITE, NULL) != MT_PASS ||
	    mt_release(t, &box->lg, 2) != MT_PASS ||
	    open_message(t, box, mid, 2, OPEN_READ_ONLY, &resp) != MT_PASS) {
		return t->result;
	}
	MT_EXPECT_EQ(t, resp.u.open_message.u.ok.recipient_count, 1,
		     "RecipientCount after replacing one row and removing the other");
	if (read_recipients(t, &box->lg, 2, &resp) != MT_PASS) {
		return t->result;
	}
	MT_EXPECT_EQ(t, resp.u.read_recipients.u.ok.row_count, 1, "recipients read back");
	email = row_email(t, &resp.u.read_recipients.u.ok.recipient_rows[0]);
	MT_EXPECT(t, email != NULL && strcmp(email, "carol@example.com") == 0,
		  "the remaining recipient is '%s', expected the replacement", email ? email : "?");
	return MT_PASS;
}

static enum mt_result t_modify_recipients(struct mt_test *t)
{
	return mt_in_inbox(t, b_modify_recipients);
}

/* MS-OXCMSG 3.2.5.4: RopRemoveAllRecipients leaves none once saved */
static enum mt_result b_remove_all_recipients(struct mt_test *t, struct mt_box *box)
{
	struct rop_modify_recipient_row rows[2];
	struct rop_request req;
	struct rop_response resp;
	uint64_t mid;

	if (mt_box_message(t, box, 2, NULL, 0, &mid) != MT_PASS ||
	    recipient_row(t, 0, RECIP_TO, "alice@example.com", "Alice", &rows[0]) != MT_PASS ||
	    recipient_row(t, 1, RECIP_TO, "bob@example.com", "Bob", &rows[1]) != MT_PASS ||
	    modify_recipients(t, &box->lg, 2, rows, 2) != MT_PASS ||
	    mt_save_message(t, &box->lg, 2, SAVE_KEEP_OPEN_READ_WRITE, NULL) != MT_PASS) {
		return t->result;
	}
	memset(&req, 0, sizeof(req));
	req.rop_id = RopRemoveAllRecipients;
	req.u.remove_all_recipients.input_handle_index = 2;
	if (mt_rop_ok(t, &box->lg, &req, &resp, "RopRemoveAllRecipients") != MT_PASS ||
	    mt_save_message(t, &box->lg, 2, SAVE_KEEP_OPEN_READ_WRITE, NULL) != MT_PASS ||
	    mt_release(t, &box->lg, 2) != MT_PASS ||
	    open_message(t, box, mid, 2, OPEN_READ_ONLY, &resp) != MT_PASS) {
		return t->result;
	}
	MT_EXPECT_EQ(t, resp.u.open_message.u.ok.recipient_count, 0,
		     "RecipientCount after RopRemoveAllRecipients");
	return MT_PASS;
}

static enum mt_result t_remove_all_recipients(struct mt_test *t)
{
	return mt_in_inbox(t, b_remove_all_recipients);
}

/* MS-OXCMSG 3.2.5.1: a message deleted with RopDeleteMessages no longer opens: ecNotFound */
static enum mt_result b_open_deleted_message(struct mt_test *t, struct mt_box *box)
{
	struct rop_request req;
	struct rop_response resp;
	uint64_t mid;

	if (mt_box_message(t, box, 2, NULL, 0, &mid) != MT_PASS ||
	    mt_release(t, &box->lg, 2) != MT_PASS) {
		return t->result;
	}
	memset(&req, 0, sizeof(req));
	req.rop_id = RopDeleteMessages;
	req.u.delete_messages.input_handle_index = 1;
	req.u.delete_messages.message_id_count = 1;
	req.u.delete_messages.message_ids = &mid;
	if (mt_rop_ok(t, &box->lg, &req, &resp, "RopDeleteMessages") != MT_PASS) {
		return t->result;
	}
	box->count--;	/* deleted already: nothing to clean up */
	memset(&req, 0, sizeof(req));
	req.rop_id = RopOpenMessage;
	req.u.open_message.input_handle_index = 1;
	req.u.open_message.output_handle_index = 2;
	req.u.open_message.code_page_id = 0x0FFF;
	req.u.open_message.folder_id = box->fid;
	req.u.open_message.message_id = mid;
	if (mt_rop(t, &box->lg, &req, &resp) != MT_PASS) {
		return t->result;
	}
	MT_EXPECT(t, resp.u.open_message.return_value == EC_NOT_FOUND,
		  "RopOpenMessage of a deleted message: observed %s, expected %s",
		  mt_status(t, resp.u.open_message.return_value), mt_status(t, EC_NOT_FOUND));
	return MT_PASS;
}

static enum mt_result t_open_deleted_message(struct mt_test *t)
{
	return mt_in_inbox(t, b_open_deleted_message);
}

/*
 * MS-OXCMSG 3.2.5.13, 3.2.5.15, 3.2.5.12: an attachment created and saved
 * with its message opens again by its AttachmentId with its properties.
 */
static enum mt_result b_attachment_round_trip(struct mt_test *t, struct mt_box *box)
{
	static const uint32_t tags[] = { PidTagAttachLongFilename, PidTagAttachDataBinary,
					 PidTagAttachMethod };
	struct rop_request req;
	struct rop_response resp;
	struct mapi_property_row row;
	const struct mapi_propval *v;
	uint32_t att;
	uint64_t mid;

	if (mt_box_message(t, box, 2, NULL, 0, &mid) != MT_PASS ||
	    add_attachment(t, &box->lg, 2, 3, "mapitest-attachment.txt", &att) != MT_PASS ||
	    mt_save_message(t, &box->lg, 2, SAVE_KEEP_OPEN_READ_WRITE, NULL) != MT_PASS ||
	    mt_release(t, &box->lg, 3) != MT_PASS || mt_reopen(t, box, mid, 2) != MT_PASS) {
		return t->result;
	}
	memset(&req, 0, sizeof(req));
	req.rop_id = RopOpenAttachment;
	req.u.open_attachment.input_handle_index = 2;
	req.u.open_attachment.output_handle_index = 3;
	req.u.open_attachment.attachment_id = att;
	if (mt_rop_ok(t, &box->lg, &req, &resp, "RopOpenAttachment") != MT_PASS ||
	    mt_get_props(t, &box->lg, 3, tags, 3, &row) != MT_PASS) {
		return t->result;
	}
	v = mt_row_value(&row, tags, PidTagAttachLongFilename);
	MT_EXPECT(t, v != NULL && strcmp(v->value.string, "mapitest-attachment.txt") == 0,
		  "PidTagAttachLongFilename '%s'", v ? v->value.string : "(missing)");
	v = mt_row_value(&row, tags, PidTagAttachDataBinary);
	MT_EXPECT(t, v != NULL && v->value.binary.len == strlen("mapitest-attachment.txt") &&
		  memcmp(v->value.binary.data, "mapitest-attachment.txt", v->value.binary.len) == 0,
		  "PidTagAttachDataBinary differs: %s",
		  v ? mt_hex(t, v->value.binary.data, v->value.binary.len) : "(missing)");
	v = mt_row_value(&row, tags, PidTagAttachMethod);
	MT_EXPECT(t, v != NULL && v->value.i32 == AF_BY_VALUE, "PidTagAttachMethod %d",
		  v ? (int)v->value.i32 : -1);
	return MT_PASS;
}

static enum mt_result t_attachment_round_trip(struct mt_test *t)
{
	return mt_in_inbox(t, b_attachment_round_trip);
}

/*
 * MS-OXCMSG 3.2.5.17, 3.2.5.14: the attachment table has a row per
 * attachment (PidTagAttachNumber the AttachmentId); after
 * RopDeleteAttachment and a save only the other is left.
 */
static enum mt_result b_attachment_table_delete(struct mt_test *t, struct mt_box *box)
{
	struct rop_request req;
	struct rop_response resp;
	uint32_t att[2], numbers[4];
	uint16_t count;
	uint64_t mid;

	if (mt_box_message(t, box, 2, NULL, 0, &mid) != MT_PASS ||
	    add_attachment(t, &box->lg, 2, 3, "first.txt", &att[0]) != MT_PASS ||
	    add_attachment(t, &box->lg, 2, 4, "second.txt", &att[1]) != MT_PASS ||
	    mt_save_message(t, &box->lg, 2, SAVE_KEEP_OPEN_READ_WRITE, NULL) != MT_PASS ||
	    mt_release(t, &box->lg, 3) != MT_PASS || mt_release(t, &box->lg, 4) != MT_PASS ||
	    attachment_numbers(t, &box->lg, 2, 5, numbers, 4, &count) != MT_PASS) {
		return t->result;
	}
	MT_EXPECT(t, att[0] != att[1], "two attachments with AttachmentId %u", att[0]);
	MT_EXPECT_EQ(t, count, 2, "attachment table rows");
	MT_EXPECT(t, (numbers[0] == att[0] && numbers[1] == att[1]) ||
		  (numbers[0] == att[1] && numbers[1] == att[0]),
		  "PidTagAttachNumber %u and %u, the AttachmentIds are %u and %u", numbers[0],
		  numbers[1], att[0], att[1]);
	memset(&req, 0, sizeof(req));
	req.rop_id = RopDeleteAttachment;
	req.u.delete_attachment.input_handle_index = 2;
	req.u.delete_attachment.attachment_id = att[0];
	if (mt_rop_ok(t, &box->lg, &req, &resp, "RopDeleteAttachment") != MT_PASS ||
	    mt_save_message(t, &box->lg, 2, SAVE_KEEP_OPEN_READ_WRITE, NULL) != MT_PASS ||
	    mt_reopen(t, box, mid, 2) != MT_PASS ||
	    attachment_numbers(t, &box->lg, 2, 5, numbers, 4, &count) != MT_PASS) {
		return t->result;
	}
	MT_EXPECT_EQ(t, count, 1, "attachment table rows after deleting one");
	MT_EXPECT_EQ(t, numbers[0], att[1], "the remaining attachment");
	return MT_PASS;
}

static enum mt_result t_attachment_table_delete(struct mt_test *t)
{
	return mt_in_inbox(t, b_attachment_table_delete);
}

/*
 * MS-OXCMSG 3.2.5.16: RopOpenEmbeddedMessage with Create makes a message
 * inside an attachment; saved (embedded message, attachment, message) it
 * opens again read-only with its subject.
 */
static enum mt_result b_embedded_message(struct mt_test *t, struct mt_box *box)
{
	struct mapi_propval method = mt_i32_prop(PidTagAttachMethod, AF_EMBEDDED_MESSAGE);
	struct mapi_propval subject = mt_str_prop(PidTagSubject, "the embedded message");
	struct rop_request req;
	struct rop_response resp;
	const char *read;
	uint32_t att;
	uint64_t mid;

	if (mt_box_message(t, box, 2, NULL, 0, &mid) != MT_PASS) {
		return t->result;
	}
	memset(&req, 0, sizeof(req));
	req.rop_id = RopCreateAttachment;
	req.u.create_attachment.input_handle_index = 2;
	req.u.create_attachment.output_handle_index = 3;
	if (mt_rop_ok(t, &box->lg, &req, &resp, "RopCreateAttachment") != MT_PASS ||
	    mt_set_props(t, &box->lg, 3, &method, 1) != MT_PASS) {
		return t->result;
	}
	att = resp.u.create_attachment.u.ok.attachment_id;
	memset(&req, 0, sizeof(req));
	req.rop_id = RopOpenEmbeddedMessage;
	req.u.open_embedded_message.input_handle_index = 3;
	req.u.open_embedded_message.output_handle_index = 4;
	req.u.open_embedded_message.code_page_id = 0x0FFF;
	req.u.open_embedded_message.open_mode_flags = OPEN_EMBEDDED_CREATE;
	if (mt_rop_ok(t, &box->lg, &req, &resp, "RopOpenEmbeddedMessage(Create)") != MT_PASS ||
	    mt_set_props(t, &box->lg, 4, &subject, 1) != MT_PASS ||
	    mt_save_message(t, &box->lg, 4, SAVE_KEEP_OPEN_READ_WRITE, NULL) != MT_PASS) {
		return t->result;
	}
	memset(&req, 0, sizeof(req));
	req.rop_id = RopSaveChangesAttachment;
	req.u.save_changes_attachment.response_handle_index = 2;
	req.u.save_changes_attachment.input_handle_index = 3;
	req.u.save_changes_attachment.save_flags = SAVE_KEEP_OPEN_READ_WRITE;
	if (mt_rop_ok(t, &box->lg, &req, &resp, "RopSaveChangesAttachment") != MT_PASS ||
	    mt_save_message(t, &box->lg, 2, SAVE_KEEP_OPEN_READ_WRITE, NULL) != MT_PASS ||
	    mt_release(t, &box->lg, 4) != MT_PASS || mt_release(t, &box->lg, 3) != MT_PASS ||
	    mt_reopen(t, box, mid, 2) != MT_PASS) {
		return t->result;
	}
	memset(&req, 0, sizeof(req));
	req.rop_id = RopOpenAttachment;
	req.u.open_attachment.input_handle_index = 2;
	req.u.open_attachment.output_handle_index = 3;
	req.u.open_attachment.attachment_id = att;
	if (mt_rop_ok(t, &box->lg, &req, &resp, "RopOpenAttachment") != MT_PASS) {
		return t->result;
	}
	memset(&req, 0, sizeof(req));
	req.rop_id = RopOpenEmbeddedMessage;
	req.u.open_embedded_message.input_handle_index = 3;
	req.u.open_embedded_message.output_handle_index = 4;
	req.u.open_embedded_message.code_page_id = 0x0FFF;
	req.u.open_embedded_message.open_mode_flags = OPEN_READ_ONLY;
	if (mt_rop_ok(t, &box->lg, &req, &resp, "RopOpenEmbeddedMessage(ReadOnly)") != MT_PASS ||
	    get_string(t, &box->lg, 4, PidTagSubject, &read) != MT_PASS) {
		return t->result;
	}
	MT_EXPECT(t, strcmp(read, subject.value.string) == 0,
		  "the embedded message's subject is '%s', expected '%s'", read,
		  subject.value.string);
	return MT_PASS;
}

static enum mt_result t_embedded_message(struct mt_test *t)
{
	return mt_in_inbox(t, b_embedded_message);
}

static enum mt_result message_status(struct mt_test *t, struct mt_box *box, uint64_t mid,
				     bool set, uint32_t flags, uint32_t mask, uint32_t *out)
{
	struct rop_request req;
	struct rop_response resp;

	memset(&req, 0, sizeof(req));
	if (set) {
		req.rop_id = RopSetMessageStatus;
		req.u.set_message_status.input_handle_index = 1;
		req.u.set_message_status.message_id = mid;
		req.u.set_message_status.message_status_flags = flags;
		req.u.set_message_status.message_status_mask = mask;
		if (mt_rop_ok(t, &box->lg, &req, &resp, "RopSetMessageStatus") != MT_PASS) {
			return t->result;
		}
		*out = resp.u.set_message_status.u.ok.message_status_flags;
	} else {
		req.rop_id = RopGetMessageStatus;
		req.u.get_message_status.input_handle_index = 1;
		req.u.get_message_status.message_id = mid;
		if (mt_rop_ok(t, &box->lg, &req, &resp, "RopGetMessageStatus") != MT_PASS) {
			return t->result;
		}
		*out = resp.u.get_message_status.u.ok.message_status_flags;
	}
	return MT_PASS;
}

/*
 * MS-OXCMSG 3.2.5.8, 3.2.5.9: RopSetMessageStatus changes the bits of
 * the mask and answers the old status; RopGetMessageStatus reads the new.
 */
static enum mt_result b_message_status(struct mt_test *t, struct mt_box *box)
{
	uint32_t before, old, now;
	uint64_t mid;

	if (mt_box_message(t, box, 2, NULL, 0, &mid) != MT_PASS ||
	    message_status(t, box, mid, false, 0, 0, &before) != MT_PASS ||
	    message_status(t, box, mid, true, MS_REMOTE_DOWNLOAD, MS_REMOTE_DOWNLOAD, &old) !=
	    MT_PASS) {
		return t->result;
	}
	MT_EXPECT_EQ(t, old, before, "the old status RopSetMessageStatus answers");
	if (message_status(t, box, mid, false, 0, 0, &now) != MT_PASS) {
		return t->result;
	}
	MT_EXPECT_EQ(t, now, before | MS_REMOTE_DOWNLOAD, "status after setting msRemoteDownload");
	if (message_status(t, box, mid, true, 0, MS_REMOTE_DOWNLOAD, &old) != MT_PASS ||
	    message_status(t, box, mid, false, 0, 0, &now) != MT_PASS) {
		return t->result;
	}
	MT_EXPECT_EQ(t, old, before | MS_REMOTE_DOWNLOAD, "the old status when clearing");
	MT_EXPECT_EQ(t, now, before & ~MS_REMOTE_DOWNLOAD, "status after clearing the bit");
	return MT_PASS;
}

static enum mt_result t_message_status(struct mt_test *t)
{
	return mt_in_inbox(t, b_message_status);
}

/*
 * MS-OXCMSG 2.2.1.2: PidTagHasAttachments is computed by the server: true
 * for a message with an attachment, false for one without.
 */
static enum mt_result b_has_attachments(struct mt_test *t, struct mt_box *box)
{
	uint64_t with, without, value;
	uint32_t att;

	if (mt_box_message(t, box, 2, NULL, 0, &with) != MT_PASS ||
	    add_attachment(t, &box->lg, 2, 3, "a.txt", &att) != MT_PASS ||
	    mt_save_message(t, &box->lg, 2, SAVE_KEEP_OPEN_READ_WRITE, NULL) != MT_PASS ||
	    mt_release(t, &box->lg, 3) != MT_PASS || mt_reopen(t, box, with, 2) != MT_PASS ||
	    get_number(t, &box->lg, 2, PidTagHasAttachments, &value) != MT_PASS) {
		return t->result;
	}
	MT_EXPECT(t, value != 0, "PidTagHasAttachments is false with an attachment");
	if (mt_box_message(t, box, 3, NULL, 0, &without) != MT_PASS ||
	    mt_reopen(t, box, without, 3) != MT_PASS ||
	    get_number(t, &box->lg, 3, PidTagHasAttachments, &value) != MT_PASS) {
		return t->result;
	}
	MT_EXPECT(t, value == 0, "PidTagHasAttachments is true without an attachment");
	return MT_PASS;
}

static enum mt_result t_has_attachments(struct mt_test *t)
{
	return mt_in_inbox(t, b_has_attachments);
}

/*
 * MS-OXCMSG 2.2.1.7: PidTagMessageSize is computed by the server and
 * grows when the message does.
 */
static enum mt_result b_message_size(struct mt_test *t, struct mt_box *box)
{
	char *body = talloc_array(t->mem, char, 4001);
	struct mapi_propval prop;
	uint64_t mid, small, large;

	MT_EXPECT(t, body != NULL, "out of memory");
	memset(body, 'x', 4000);
	body[4000] = '\0';
	prop = mt_str_prop(PidTagBody, "short");
	if (mt_box_message(t, box, 2, &prop, 1, &mid) != MT_PASS ||
	    mt_reopen(t, box, mid, 3) != MT_PASS ||
	    get_number(t, &box->lg, 3, PidTagMessageSize, &small) != MT_PASS) {
		return t->result;
	}
	MT_EXPECT(t, small > 0, "PidTagMessageSize 0 for a message with a body");
	prop = mt_str_prop(PidTagBody, body);
	if (mt_set_props(t, &box->lg, 2, &prop, 1) != MT_PASS ||
	    mt_save_message(t, &box->lg, 2, SAVE_KEEP_OPEN_READ_WRITE, NULL) != MT_PASS ||
	    mt_reopen(t, box, mid, 3) != MT_PASS ||
	    get_number(t, &box->lg, 3, PidTagMessageSize, &large) != MT_PASS) {
		return t->result;
	}
	MT_EXPECT(t, large >= small + 3000, "PidTagMessageSize %llu with a 4000-byte body, %llu "
		  "with a 5-byte one", (unsigned long long)large, (unsigned long long)small);
	return MT_PASS;
}

static enum mt_result t_message_size(struct mt_test *t)
{
	return mt_in_inbox(t, b_message_size);
}

/*
 * MS-OXCMSG 2.2.2.2, 2.2.2.3 (MS-OXCPRPT 2.2.1.x): a later save moves
 * PidTagLastModificationTime on and keeps PidTagCreationTime.
 */
static enum mt_result b_modification_time(struct mt_test *t, struct mt_box *box)
{
	struct mapi_propval prop = mt_str_prop(PidTagSubject, "changed after the first save");
	uint64_t mid, created1, modified1, created2, modified2;
	struct timespec pause = { 1, 100 * 1000 * 1000 };

	if (mt_box_message(t, box, 2, NULL, 0, &mid) != MT_PASS ||
	    mt_reopen(t, box, mid, 3) != MT_PASS ||
	    get_number(t, &box->lg, 3, PidTagCreationTime, &created1) != MT_PASS ||
	    get_number(t, &box->lg, 3, PidTagLastModificationTime, &modified1) != MT_PASS) {
		return t->result;
	}
	/* a server may keep whole seconds: the second save is in a later one */
	nanosleep(&pause, NULL);
	if (mt_set_props(t, &box->lg, 2, &prop, 1) != MT_PASS ||
	    mt_save_message(t, &box->lg, 2, SAVE_KEEP_OPEN_READ_WRITE, NULL) != MT_PASS ||
	    mt_reopen(t, box, mid, 3) != MT_PASS ||
	    get_number(t, &box->lg, 3, PidTagCreationTime, &created2) != MT_PASS ||
	    get_number(t, &box->lg, 3, PidTagLastModificationTime, &modified2) != MT_PASS) {
		return t->result;
	}
	MT_EXPECT(t, modified2 > modified1, "PidTagLastModificationTime %llu after the second save, "
		  "%llu after the first", (unsigned long long)modified2,
		  (unsigned long long)modified1);
	MT_EXPECT_EQ(t, created2, created1, "PidTagCreationTime after a second save");
	return MT_PASS;
}

static enum mt_result t_modification_time(struct mt_test *t)
{
	return mt_in_inbox(t, b_modification_time);
}

/*
 * MS-OXCMSG 2.2.3.1.1, MS-OXCPRPT 2.2.1.2: a message opened ReadOnly
 * cannot be changed: RopSetProperties or RopSaveChangesMessage answers
 * ecAccessDenied, and the saved message keeps its subject.
 */
static enum mt_result b_read_only_denied(struct mt_test *t, struct mt_box *box)
{
	struct mapi_propval orig = mt_str_prop(PidTagSubject, "the original subject");
	struct mapi_propval change = mt_str_prop(PidTagSubject, "a change through a read-only open");
	struct rop_request req;
	struct rop_response resp;
	const char *subject;
	uint32_t rv;
	uint64_t mid;

	if (mt_box_message(t, box, 2, &orig, 1, &mid) != MT_PASS ||
	    mt_release(t, &box->lg, 2) != MT_PASS ||
	    mt_open_message(t, &box->lg, box->fid, mid, 1, 3, OPEN_READ_ONLY) != MT_PASS) {
		return t->result;
	}
	memset(&req, 0, sizeof(req));
	req.rop_id = RopSetProperties;
	req.u.set_properties.input_handle_index = 3;
	req.u.set_properties.property_value_count = 1;
	req.u.set_properties.property_values = &change;
	if (mt_rop(t, &box->lg, &req, &resp) != MT_PASS) {
		return t->result;
	}
	rv = resp.u.set_properties.return_value;
	if (rv == MAPI_E_SUCCESS) {
		memset(&req, 0, sizeof(req));
		req.rop_id = RopSaveChangesMessage;
		req.u.save_changes_message.response_handle_index = 3;
		req.u.save_changes_message.input_handle_index = 3;
		req.u.save_changes_message.save_flags = SAVE_KEEP_OPEN_READ_WRITE;
		if (mt_rop(t, &box->lg, &req, &resp) != MT_PASS) {
			return t->result;
		}
		rv = resp.u.save_changes_message.return_value;
	}
	MT_EXPECT(t, rv == MT_EC_ACCESS_DENIED, "writing a read-only message: observed %s, "
		  "expected %s", mt_status(t, rv), mt_status(t, MT_EC_ACCESS_DENIED));
	if (mt_reopen(t, box, mid, 3) != MT_PASS ||
	    get_string(t, &box->lg, 3, PidTagSubject, &subject) != MT_PASS) {
		return t->result;
	}
	MT_EXPECT(t, strcmp(subject, orig.value.string) == 0, "the subject became '%s'", subject);
	return MT_PASS;
}

static enum mt_result t_read_only_denied(struct mt_test *t)
{
	return mt_in_inbox(t, b_read_only_denied);
}

/*
 * MS-OXCMSG 3.2.5.18: RopGetValidAttachments lists the AttachmentIds of
 * the message's attachments, a deleted one no longer.
 */
static enum mt_result b_valid_attachments(struct mt_test *t, struct mt_box *box)
{
	struct rop_request req;
	struct rop_response resp;
	uint32_t att[2];
	uint64_t mid;

	if (mt_box_message(t, box, 2, NULL, 0, &mid) != MT_PASS ||
	    add_attachment(t, &box->lg, 2, 3, "kept.txt", &att[0]) != MT_PASS ||
	    add_attachment(t, &box->lg, 2, 4, "deleted.txt", &att[1]) != MT_PASS ||
	    mt_release(t, &box->lg, 3) != MT_PASS || mt_release(t, &box->lg, 4) != MT_PASS) {
		return t->result;
	}
	memset(&req, 0, sizeof(req));
	req.rop_id = RopDeleteAttachment;
	req.u.delete_attachment.input_handle_index = 2;
	req.u.delete_attachment.attachment_id = att[1];
	if (mt_rop_ok(t, &box->lg, &req, &resp, "RopDeleteAttachment") != MT_PASS ||
	    mt_save_message(t, &box->lg, 2, SAVE_KEEP_OPEN_READ_WRITE, NULL) != MT_PASS ||
	    mt_reopen(t, box, mid, 2) != MT_PASS) {
		return t->result;
	}
	memset(&req, 0, sizeof(req));
	req.rop_id = RopGetValidAttachments;
	req.u.get_valid_attachments.input_handle_index = 2;
	if (mt_rop_ok(t, &box->lg, &req, &resp, "RopGetValidAttachments") != MT_PASS) {
		return t->result;
	}
	MT_EXPECT_EQ(t, resp.u.get_valid_attachments.u.ok.attachment_id_count, 1,
		     "AttachmentIdCount after deleting one of two");
	MT_EXPECT_EQ(t, resp.u.get_valid_attachments.u.ok.attachment_id_array[0], att[0],
		     "the valid AttachmentId");
	return MT_PASS;
}

static enum mt_result t_valid_attachments(struct mt_test *t)
{
	return mt_in_inbox(t, b_valid_attachments);
}

/*
 * MS-OXCMSG 3.2.5.3: the server sets PidTagLocalCommitTime when it
 * processes RopSaveChangesMessage: a later save moves it on.
 */
static enum mt_result b_local_commit_time(struct mt_test *t, struct mt_box *box)
{
	struct mapi_propval prop = mt_str_prop(PidTagSubject, "saved a second time");
	struct timespec pause = { 1, 100 * 1000 * 1000 };
	uint64_t mid, first, second;

	if (mt_box_message(t, box, 2, NULL, 0, &mid) != MT_PASS ||
	    mt_reopen(t, box, mid, 3) != MT_PASS ||
	    get_number(t, &box->lg, 3, PidTagLocalCommitTime, &first) != MT_PASS) {
		return t->result;
	}
	MT_EXPECT(t, first != 0, "PidTagLocalCommitTime is 0 after a save");
	nanosleep(&pause, NULL);
	if (mt_set_props(t, &box->lg, 2, &prop, 1) != MT_PASS ||
	    mt_save_message(t, &box->lg, 2, SAVE_KEEP_OPEN_READ_WRITE, NULL) != MT_PASS ||
	    mt_reopen(t, box, mid, 3) != MT_PASS ||
	    get_number(t, &box->lg, 3, PidTagLocalCommitTime, &second) != MT_PASS) {
		return t->result;
	}
	MT_EXPECT(t, second > first, "PidTagLocalCommitTime %llu after the second save, %llu after "
		  "the first", (unsigned long long)second, (unsigned long long)first);
	return MT_PASS;
}

static enum mt_result t_local_commit_time(struct mt_test *t)
{
	return mt_in_inbox(t, b_local_commit_time);
}

/*
 * MS-OXCMSG 3.2.5.7 (2.2.3.7): RopReloadCachedInformation answers what
 * RopOpenMessage did for the same saved message: its NormalizedSubject
 * and RecipientCount.
 */
static enum mt_result b_reload_cached_information(struct mt_test *t, struct mt_box *box)
{
	struct mapi_propval subject = mt_str_prop(PidTagSubject, "cached subject");
	struct rop_modify_recipient_row rows[2];
	struct rop_request req;
	struct rop_response opened, reloaded;
	uint64_t mid;

	if (mt_box_message(t, box, 2, &subject, 1, &mid) != MT_PASS ||
	    recipient_row(t, 0, RECIP_TO, "alice@example.com", "Alice", &rows[0]) != MT_PASS ||
	    recipient_row(t, 1, RECIP_CC, "bob@example.com", "Bob", &rows[1]) != MT_PASS ||
	    modify_recipients(t, &box->lg, 2, rows, 2) != MT_PASS ||
	    mt_save_message(t, &box->lg, 2, SAVE_KEEP_OPEN_READ_WRITE, NULL) != MT_PASS ||
	    mt_release(t, &box->lg, 2) != MT_PASS ||
	    open_message(t, box, mid, 2, OPEN_READ_ONLY, &opened) != MT_PASS) {
		return t->result;
	}
	memset(&req, 0, sizeof(req));
	req.rop_id = RopReloadCachedInformation;
	req.u.reload_cached_information.input_handle_index = 2;
	if (mt_rop_ok(t, &box->lg, &req, &reloaded, "RopReloadCachedInformation") != MT_PASS) {
		return t->result;
	}
	MT_EXPECT_EQ(t, reloaded.u.reload_cached_information.u.ok.recipient_count,
		     opened.u.open_message.u.ok.recipient_count, "RecipientCount against RopOpenMessage's");
	MT_EXPECT_EQ(t, reloaded.u.reload_cached_information.u.ok.recipient_count, 2,
		     "RecipientCount of a message saved with two recipients");
	MT_EXPECT(t, reloaded.u.reload_cached_information.u.ok.normalized_subject.str != NULL &&
		  strcmp(reloaded.u.reload_cached_information.u.ok.normalized_subject.str,
			 subject.value.string) == 0,
		  "NormalizedSubject '%s'",
		  reloaded.u.reload_cached_information.u.ok.normalized_subject.str ?
		  reloaded.u.reload_cached_information.u.ok.normalized_subject.str : "(none)");
	return MT_PASS;
}

static enum mt_result t_reload_cached_information(struct mt_test *t)
{
	return mt_in_inbox(t, b_reload_cached_information);
}

static const struct mt_test_def tests[] = {
	{ "create_save_open", "MS-OXCMSG 3.2.5.1, 3.2.5.2, 3.2.5.3",
	  "CreateMessage+SaveChangesMessage gives a MessageId that RopOpenMessage opens",
	  t_create_save_open },
	{ "open_unknown_message", "MS-OXCMSG 3.2.5.1",
	  "RopOpenMessage of a MID that names no message is ecNotFound", t_open_unknown_message },
	{ "saved_properties", "MS-OXCMSG 3.2.5.2, 3.2.5.3, 2.2.3.1.2",
	  "properties set on a new message read back after save and reopen; NormalizedSubject too",
	  t_saved_properties },
	{ "save_conflict", "MS-OXCMSG 3.2.5.3",
	  "a save on a second handle after the first saved is ecObjectModified; ForceSave wins",
	  t_save_conflict },
	{ "set_read_flags", "MS-OXCMSG 3.2.5.10",
	  "RopSetReadFlags clears and sets mfRead in PidTagMessageFlags", t_set_read_flags },
	{ "set_message_read_flag", "MS-OXCMSG 3.2.5.11",
	  "RopSetMessageReadFlag sets and clears mfRead of an open message",
	  t_set_message_read_flag },
	{ "modify_recipients", "MS-OXCMSG 3.2.5.5, 3.2.5.6",
	  "RopModifyRecipients adds, replaces and removes rows; RopReadRecipients reads them back",
	  t_modify_recipients },
	{ "remove_all_recipients", "MS-OXCMSG 3.2.5.4",
	  "RopRemoveAllRecipients leaves a saved message without recipients",
	  t_remove_all_recipients },
	{ "open_deleted_message", "MS-OXCMSG 3.2.5.1",
	  "RopOpenMessage of a message deleted with RopDeleteMessages is ecNotFound",
	  t_open_deleted_message },
	{ "attachment_round_trip", "MS-OXCMSG 3.2.5.12, 3.2.5.13, 3.2.5.15",
	  "a saved attachment opens again by its AttachmentId with its properties",
	  t_attachment_round_trip },
	{ "attachment_table_delete", "MS-OXCMSG 3.2.5.14, 3.2.5.17",
	  "the attachment table lists each attachment; RopDeleteAttachment removes one",
	  t_attachment_table_delete },
	{ "embedded_message", "MS-OXCMSG 3.2.5.16",
	  "a message created in an attachment with RopOpenEmbeddedMessage reads back once saved",
	  t_embedded_message },
	{ "message_status", "MS-OXCMSG 3.2.5.8, 3.2.5.9",
	  "RopSetMessageStatus answers the old status; RopGetMessageStatus reads the new",
	  t_message_status },
	{ "has_attachments", "MS-OXCMSG 2.2.1.2",
	  "the server computes PidTagHasAttachments from the attachments", t_has_attachments },
	{ "message_size", "MS-OXCMSG 2.2.1.7",
	  "the server computes PidTagMessageSize and it grows with the message", t_message_size },
	{ "modification_time", "MS-OXCMSG 2.2.2.2, 2.2.2.3",
	  "a second save moves PidTagLastModificationTime on and keeps PidTagCreationTime",
	  t_modification_time },
	{ "read_only_denied", "MS-OXCMSG 2.2.3.1.1, MS-OXCPRPT 2.2.1.2",
	  "a message opened ReadOnly cannot be changed: ecAccessDenied, the saved copy unchanged",
	  t_read_only_denied },
	{ "valid_attachments", "MS-OXCMSG 3.2.5.18",
	  "RopGetValidAttachments lists the attachments left after a deletion",
	  t_valid_attachments },
	{ "local_commit_time", "MS-OXCMSG 3.2.5.3",
	  "RopSaveChangesMessage sets PidTagLocalCommitTime; a later save moves it on",
	  t_local_commit_time },
	{ "reload_cached_information", "MS-OXCMSG 3.2.5.7",
	  "RopReloadCachedInformation answers the NormalizedSubject and RecipientCount saved",
	  t_reload_cached_information },
};

const struct mt_family mt_family_oxcmsg = {
	"OXCMSG", "message and attachment ROPs (MS-OXCMSG)", true,
	tests, MT_COUNT(tests),
};
