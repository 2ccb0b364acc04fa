/*
 * mapitest OXCMSG: message ROPs (MS-OXCMSG 3.2.5).  Skipped while the
 * server answers ecNotSupported for them.
 *
 * Copyright (C) OpenChange developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <talloc.h>

#include "utils/mapitest/mapitest.h"
#include "libmapi/rop_session.h"

#define EC_NOT_FOUND 0x8004010Fu

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

static const struct mt_test_def tests[] = {
	{ "create_save_open", "MS-OXCMSG 3.2.5.1, 3.2.5.2, 3.2.5.3",
	  "CreateMessage+SaveChangesMessage gives a MessageId that RopOpenMessage opens",
	  t_create_save_open },
	{ "open_unknown_message", "MS-OXCMSG 3.2.5.1",
	  "RopOpenMessage of a MID that names no message is ecNotFound", t_open_unknown_message },
};

const struct mt_family mt_family_oxcmsg = {
	"OXCMSG", "message ROPs (skipped while the server answers ecNotSupported)", true,
	tests, MT_COUNT(tests),
};
