/*
 * mapitest OXCNOTIF: notifications (MS-OXCNOTIF 3.2.5).  A probe of
 * RopRegisterNotification, which the server does not build yet: the tests
 * skip while it answers ecNotSupported, and check that a registered
 * change really is notified once it answers success.
 *
 * Copyright (C) OpenChange developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <talloc.h>

#include "utils/mapitest/mapitest.h"
#include "libmapi/emsmdb_client.h"
#include "libmapi/rop_session.h"
#include "idl/gen_ndr_emsmdb.h"

#include <dcerpc.h>

#define OBJECT_CREATED 0x0004		/* MS-OXCNOTIF 2.2.1.4.1.2 NotificationType */
#define NOTIFICATION_PENDING 0x00000001u	/* EcDoAsyncWaitEx pulFlagsOut */

/*
 * Slot 1 a scratch folder, slot 3 the notification subscription to its
 * ObjectCreated events; MT_SKIP while RopRegisterNotification is
 * ecNotSupported.
 */
static enum mt_result subscribe(struct mt_test *t, struct mt_logon *lg, uint64_t *fid)
{
	struct rop_request req = mt_request(RopRegisterNotification);
	struct rop_response resp;

	if (mt_logon_open(t, 0x01, lg) != MT_PASS || mt_scratch_folder(t, lg, 1, fid) != MT_PASS) {
		return t->result;
	}
	req.u.register_notification.input_handle_index = 0;
	req.u.register_notification.output_handle_index = 3;
	req.u.register_notification.notification_types = OBJECT_CREATED;
	req.u.register_notification.want_whole_store = 0;
	req.u.register_notification.folder_id = *fid;
	req.u.register_notification.message_id = 0;
	if (mt_rop(t, lg, &req, &resp) != MT_PASS || mt_skip_unsupported(t, &resp) != MT_PASS) {
		return t->result;
	}
	MT_EXPECT(t, resp.u.register_notification.return_value == MAPI_E_SUCCESS,
		  "RopRegisterNotification: %s",
		  mt_status(t, resp.u.register_notification.return_value));
	return MT_PASS;
}

/*
 * MS-OXCNOTIF 3.2.5.1, 3.2.5.4, 2.2.1.4.1: after RopRegisterNotification
 * for ObjectCreated in a folder, a message created there is announced by
 * a RopNotify naming the folder, in the response to the session's next
 * ROP buffer.
 */
static enum mt_result t_register_object_created(struct mt_test *t)
{
	struct rop_request req = mt_request(RopGetStoreState);
	struct rop_response_list out;
	const struct rop_response *notify;
	struct mt_logon lg, other;
	uint64_t fid, mid;
	enum MAPISTATUS ret;
	size_t i;
	bool seen = false;

	/* the change comes from another session, so no answer of ours carried it yet */
	if (subscribe(t, &lg, &fid) != MT_PASS || mt_logon_open(t, 0x01, &other) != MT_PASS ||
	    mt_new_message(t, &other, fid, "announce me", 1, &mid) != MT_PASS) {
		return t->result;
	}
	/* any ROP buffer carries the pending RopNotify back (MS-OXCNOTIF 3.2.5.4) */
	ret = rop_session_call(lg.session, t->mem, &req, 1, lg.handles, MT_COUNT(lg.handles), 0,
			       &out);
	MT_EXPECT(t, ret == MAPI_E_SUCCESS, "EcDoRpcExt2 after the change: %s", mt_status(t, ret));
	for (i = 0; (notify = rop_response_find(&out, RopNotify, i)) != NULL; i++) {
		if ((notify->u.notify.u.body.notification_flags & 0x0FFF) == OBJECT_CREATED &&
		    notify->u.notify.u.body.parent_folder_id == fid) {
			seen = true;
		}
	}
	MT_EXPECT(t, seen, "no ObjectCreated RopNotify for the folder among %zu answers", out.count);
	return MT_PASS;
}

/*
 * MS-OXCNOTIF 3.3.5.1 (MS-OXCRPC 3.3.4.1): with a notification pending for
 * the session, EcDoAsyncWaitEx completes at once with NotificationPending.
 */
static enum mt_result t_async_wait_signals_pending(struct mt_test *t)
{
	struct mt_logon lg, other;
	struct policy_handle acxh;
	uint64_t fid, mid;
	uint32_t flags = 0;
	enum MAPISTATUS ret;
	NTSTATUS status;

	if (subscribe(t, &lg, &fid) != MT_PASS) {
		return t->result;
	}
	memset(&acxh, 0, sizeof(acxh));
	ret = emsmdb_client_async_connect(lg.client, &acxh);
	MT_EXPECT(t, ret == MAPI_E_SUCCESS, "EcDoAsyncConnectEx: %s", mt_status(t, ret));
	/* a wait that should end at once gets 30 s, not the library's 10 minutes */
	status = dcerpc_pipe_connect(lg.client, &lg.client->async_pipe, lg.client->binding,
				     &ndr_table_asyncemsmdb, lg.client->creds, lg.client->ev,
				     lg.client->lp_ctx);
	MT_EXPECT(t, NT_STATUS_IS_OK(status), "AsyncEMSMDB bind: %s", nt_errstr(status));
	dcerpc_binding_handle_set_timeout(lg.client->async_pipe->binding_handle, 30);
	/* from another session: the waiting session has had no answer that carried it */
	if (mt_logon_open(t, 0x01, &other) != MT_PASS ||
	    mt_new_message(t, &other, fid, "wake the waiter", 1, &mid) != MT_PASS) {
		return t->result;
	}
	ret = emsmdb_client_async_wait(lg.client, &acxh, &flags);
	MT_EXPECT(t, ret == MAPI_E_SUCCESS, "EcDoAsyncWaitEx: %s", mt_status(t, ret));
	MT_EXPECT_EQ(t, flags & NOTIFICATION_PENDING, NOTIFICATION_PENDING,
		     "pulFlagsOut with a notification pending");
	return MT_PASS;
}

static const struct mt_test_def tests[] = {
	{ "register_object_created", "MS-OXCNOTIF 3.2.5.1, 3.2.5.4",
	  "a message created in a folder registered for ObjectCreated comes back as RopNotify",
	  t_register_object_created },
	{ "async_wait_signals_pending", "MS-OXCNOTIF 3.3.5.1, MS-OXCRPC 3.3.4.1",
	  "with a notification pending EcDoAsyncWaitEx returns at once with NotificationPending",
	  t_async_wait_signals_pending },
};

const struct mt_family mt_family_oxcnotif = {
	"OXCNOTIF", "notifications (skipped while the server answers ecNotSupported)", true,
	tests, MT_COUNT(tests),
};
