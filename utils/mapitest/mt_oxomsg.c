/*
 * mapitest OXOMSG: e-mail submission (MS-OXOMSG 3.2.5).  Probes of
 * RopGetTransportFolder, RopSubmitMessage and RopSetSpooler, which the
 * server does not build yet: skipped while it answers ecNotSupported,
 * checked against the spec once it answers.
 *
 * Copyright (C) OpenChange developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <talloc.h>

#include "utils/mapitest/mapitest.h"
#include "libmapi/rop_session.h"

#define EC_NO_RECIPIENTS 0x80040607u	/* MS-OXCDATA 2.4.2 ecNoRecipients */

/*
 * MS-OXOMSG 3.2.5.7 (3.2.4.8): RopGetTransportFolder names a folder where
 * transport objects can be kept: one that opens.
 */
static enum mt_result t_transport_folder_opens(struct mt_test *t)
{
	struct rop_request req = mt_request(RopGetTransportFolder);
	struct rop_response resp;
	struct mt_logon lg;
	uint64_t fid;

	if (mt_logon_open(t, 0x01, &lg) != MT_PASS ||
	    mt_rop(t, &lg, &req, &resp) != MT_PASS || mt_skip_unsupported(t, &resp) != MT_PASS) {
		return t->result;
	}
	MT_EXPECT(t, resp.u.get_transport_folder.return_value == MAPI_E_SUCCESS,
		  "RopGetTransportFolder: %s", mt_status(t, resp.u.get_transport_folder.return_value));
	fid = resp.u.get_transport_folder.u.ok.folder_id;
	MT_EXPECT(t, fid != 0, "RopGetTransportFolder returned FolderId 0");
	return mt_open_folder(t, &lg, fid, 0, 1);
}

/*
 * MS-OXOMSG 3.2.5.1: a message without recipients cannot be submitted:
 * RopSubmitMessage fails with ecNoRecipients.
 */
static enum mt_result t_submit_without_recipients(struct mt_test *t)
{
	struct rop_request req = mt_request(RopOpenMessage);
	struct rop_response resp;
	struct mt_logon lg;
	uint64_t fid, mid;

	if (mt_logon_open(t, 0x01, &lg) != MT_PASS || mt_scratch_folder(t, &lg, 1, &fid) != MT_PASS ||
	    mt_new_message(t, &lg, fid, "nobody to send to", 1, &mid) != MT_PASS) {
		return t->result;
	}
	req.u.open_message.output_handle_index = 2;
	req.u.open_message.code_page_id = 0x0FFF;
	req.u.open_message.folder_id = fid;
	req.u.open_message.message_id = mid;
	req.u.open_message.open_mode_flags = 0x01;	/* ReadWrite */
	if (mt_rop(t, &lg, &req, &resp) != MT_PASS) {
		return t->result;
	}
	MT_EXPECT(t, resp.u.open_message.return_value == MAPI_E_SUCCESS, "RopOpenMessage: %s",
		  mt_status(t, resp.u.open_message.return_value));
	req = mt_request(RopSubmitMessage);
	req.u.submit_message.input_handle_index = 2;
	if (mt_rop(t, &lg, &req, &resp) != MT_PASS || mt_skip_unsupported(t, &resp) != MT_PASS) {
		return t->result;
	}
	MT_EXPECT(t, resp.u.submit_message.return_value == EC_NO_RECIPIENTS,
		  "RopSubmitMessage of a message without recipients: %s, expected %s",
		  mt_status(t, resp.u.submit_message.return_value), mt_status(t, EC_NO_RECIPIENTS));
	return MT_PASS;
}

/*
 * MS-OXOMSG 3.2.5.5 (3.2.4.8): after RopSetSpooler the client is the
 * logon's spooler and RopGetTransportFolder names the folder it uses.
 */
static enum mt_result t_set_spooler(struct mt_test *t)
{
	struct rop_request req = mt_request(RopSetSpooler);
	struct rop_response resp;
	struct mt_logon lg;

	if (mt_logon_open(t, 0x01, &lg) != MT_PASS ||
	    mt_rop(t, &lg, &req, &resp) != MT_PASS || mt_skip_unsupported(t, &resp) != MT_PASS) {
		return t->result;
	}
	MT_EXPECT(t, resp.u.set_spooler.return_value == MAPI_E_SUCCESS, "RopSetSpooler: %s",
		  mt_status(t, resp.u.set_spooler.return_value));
	req = mt_request(RopGetTransportFolder);
	if (mt_rop(t, &lg, &req, &resp) != MT_PASS || mt_skip_unsupported(t, &resp) != MT_PASS) {
		return t->result;
	}
	MT_EXPECT(t, resp.u.get_transport_folder.return_value == MAPI_E_SUCCESS &&
		  resp.u.get_transport_folder.u.ok.folder_id != 0,
		  "RopGetTransportFolder of a spooler: %s",
		  mt_status(t, resp.u.get_transport_folder.return_value));
	return MT_PASS;
}

static const struct mt_test_def tests[] = {
	{ "transport_folder_opens", "MS-OXOMSG 3.2.5.7",
	  "RopGetTransportFolder names a folder that RopOpenFolder opens",
	  t_transport_folder_opens },
	{ "submit_without_recipients", "MS-OXOMSG 3.2.5.1",
	  "RopSubmitMessage of a message without recipients is ecNoRecipients",
	  t_submit_without_recipients },
	{ "set_spooler", "MS-OXOMSG 3.2.5.5",
	  "after RopSetSpooler the spooler gets a transport folder from RopGetTransportFolder",
	  t_set_spooler },
};

const struct mt_family mt_family_oxomsg = {
	"OXOMSG", "e-mail submission (skipped while the server answers ecNotSupported)", true,
	tests, MT_COUNT(tests),
};
