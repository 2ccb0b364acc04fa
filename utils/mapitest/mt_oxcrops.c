/*
 * mapitest OXCROPS: how a server frames ROP buffers, checked across
 * families against the live server (MS-OXCROPS 2.2.1, 3.2.5.1): ROPs of
 * one buffer run in order and hand handles on through the table, a
 * response comes for every ROP but RopRelease, output handle indexes are
 * echoed and the handle table comes back as large as it was sent.
 *
 * Copyright (C) OpenChange developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <talloc.h>

#include "utils/mapitest/mapitest.h"
#include "libmapi/emsmdb_client.h"
#include "libmapi/rop_buffer.h"
#include "libmapi/rop_session.h"

#define PidTagMid 0x674A0014u

/* The Inbox's FID of a private logon */
static uint64_t inbox_of(const struct mt_logon *lg)
{
	return lg->logon.u.private_mailbox.folder_ids[MT_FID_INBOX];
}

/*
 * MS-OXCROPS 3.2.5.1: the ROPs of one buffer run in order, a later one
 * using the handle an earlier one put in the table: open the Inbox, get
 * its contents table, set columns and read rows in a single call; the
 * rows read are as many as the table said it has.
 */
static enum mt_result t_chained_rops(struct mt_test *t)
{
	static uint32_t cols[] = { PidTagMid };
	static const uint8_t ids[] = { RopOpenFolder, RopGetContentsTable, RopSetColumns,
				       RopQueryRows };
	struct mt_logon lg;
	struct rop_request reqs[4];
	struct rop_response_list list;
	enum MAPISTATUS ret;
	uint32_t rows;
	size_t i;

	if (mt_logon_open(t, 0x01, &lg) != MT_PASS) {
		return t->result;
	}
	memset(reqs, 0, sizeof(reqs));
	reqs[0].rop_id = RopOpenFolder;
	reqs[0].u.open_folder.output_handle_index = 1;
	reqs[0].u.open_folder.folder_id = inbox_of(&lg);
	reqs[1].rop_id = RopGetContentsTable;
	reqs[1].u.get_contents_table.input_handle_index = 1;
	reqs[1].u.get_contents_table.output_handle_index = 2;
	reqs[2].rop_id = RopSetColumns;
	reqs[2].u.set_columns.input_handle_index = 2;
	reqs[2].u.set_columns.property_tag_count = 1;
	reqs[2].u.set_columns.property_tags = cols;
	reqs[3].rop_id = RopQueryRows;
	reqs[3].u.query_rows.input_handle_index = 2;
	reqs[3].u.query_rows.forward_read = 1;
	reqs[3].u.query_rows.row_count = 100;
	ret = rop_session_call(lg.session, t->mem, reqs, 4, lg.handles, MT_COUNT(lg.handles), 0,
			       &list);
	MT_EXPECT(t, ret == MAPI_E_SUCCESS, "the call: %s", mt_status(t, ret));
	MT_EXPECT_EQ(t, list.count, 4, "responses for four ROPs");
	for (i = 0; i < 4; i++) {
		MT_EXPECT(t, list.rops[i].rop_id == ids[i], "response %zu is RopId 0x%02x, expected "
			  "0x%02x", i, list.rops[i].rop_id, ids[i]);
		if (mt_skip_unsupported(t, &list.rops[i]) != MT_PASS) {
			return t->result;
		}
		MT_EXPECT(t, rop_response_return_value(&list.rops[i]) == MAPI_E_SUCCESS,
			  "ROP %zu (0x%02x): %s", i, ids[i],
			  mt_status(t, rop_response_return_value(&list.rops[i])));
	}
	rows = list.rops[1].u.get_contents_table.u.ok.row_count;
	if (rows > 100) {
		return mt_skip(t, "the Inbox has %u messages, more than one read asks for", rows);
	}
	MT_EXPECT_EQ(t, list.rops[3].u.query_rows.u.ok.row_count, rows,
		     "rows read against the RowCount of RopGetContentsTable");
	return MT_PASS;
}

/*
 * MS-OXCROPS 2.2.15.3: RopRelease has no response: three ROPs with a
 * release between give two responses, and the released slot names
 * nothing afterwards.
 */
static enum mt_result t_release_has_no_response(struct mt_test *t)
{
	struct mt_logon lg;
	struct rop_request reqs[3];
	struct rop_response_list list;
	struct rop_response resp;
	enum MAPISTATUS ret;

	if (mt_logon_open(t, 0x01, &lg) != MT_PASS ||
	    mt_open_folder(t, &lg, inbox_of(&lg), 0, 1) != MT_PASS) {
		return t->result;
	}
	memset(reqs, 0, sizeof(reqs));
	reqs[0].rop_id = RopGetStoreState;
	reqs[1].rop_id = RopRelease;
	reqs[1].u.release.input_handle_index = 1;
	reqs[2].rop_id = RopGetStoreState;
	ret = rop_session_call(lg.session, t->mem, reqs, 3, lg.handles, MT_COUNT(lg.handles), 0,
			       &list);
	MT_EXPECT(t, ret == MAPI_E_SUCCESS, "the call: %s", mt_status(t, ret));
	MT_EXPECT_EQ(t, list.count, 2, "responses for GetStoreState, Release, GetStoreState");
	MT_EXPECT(t, list.rops[0].rop_id == RopGetStoreState && list.rops[1].rop_id == RopGetStoreState,
		  "responses 0x%02x, 0x%02x", list.rops[0].rop_id, list.rops[1].rop_id);
	{
		struct rop_request req;

		memset(&req, 0, sizeof(req));
		req.rop_id = RopGetContentsTable;
		req.u.get_contents_table.input_handle_index = 1;
		req.u.get_contents_table.output_handle_index = 2;
		if (mt_rop(t, &lg, &req, &resp) != MT_PASS) {
			return t->result;
		}
	}
	MT_EXPECT(t, rop_response_return_value(&resp) == MT_EC_NULL_OBJECT,
		  "a ROP on the released slot: observed %s, expected %s",
		  mt_status(t, rop_response_return_value(&resp)), mt_status(t, MT_EC_NULL_OBJECT));
	return MT_PASS;
}

/*
 * MS-OXCROPS 2.2.4.1 (RopOpenFolder's response) and 3.2.5.1: the response
 * echoes OutputHandleIndex and the server puts the new handle in that
 * slot, leaving the others as they were.
 */
static enum mt_result t_output_handle_index(struct mt_test *t)
{
	struct mt_logon lg;
	struct rop_request req;
	struct rop_response resp;
	uint32_t before[MT_COUNT(lg.handles)];
	size_t i;

	if (mt_logon_open(t, 0x01, &lg) != MT_PASS) {
		return t->result;
	}
	memcpy(before, lg.handles, sizeof(before));
	memset(&req, 0, sizeof(req));
	req.rop_id = RopOpenFolder;
	req.u.open_folder.output_handle_index = 5;
	req.u.open_folder.folder_id = inbox_of(&lg);
	if (mt_rop_ok(t, &lg, &req, &resp, "RopOpenFolder") != MT_PASS) {
		return t->result;
	}
	MT_EXPECT_EQ(t, resp.u.open_folder.output_handle_index, 5, "OutputHandleIndex echoed");
	MT_EXPECT(t, lg.handles[5] != ROP_HANDLE_NONE, "no handle in slot 5");
	for (i = 0; i < MT_COUNT(before); i++) {
		MT_EXPECT(t, i == 5 || lg.handles[i] == before[i],
			  "slot %zu changed from 0x%08x to 0x%08x", i, before[i], lg.handles[i]);
	}
	MT_EXPECT(t, lg.handles[5] != lg.handles[0], "the folder got the logon's handle");
	return MT_PASS;
}

/*
 * MS-OXCROPS 2.2.1 (the ROP output buffer): the server object handle
 * table comes back with as many slots as the request's had.
 */
static enum mt_result t_handle_table_size(struct mt_test *t)
{
	static const size_t sizes[] = { 1, 3, 17 };
	struct emsmdb_client *c;
	size_t k;

	if (mt_emsmdb(t, &c) != MT_PASS) {
		return t->result;
	}
	for (k = 0; k < MT_COUNT(sizes); k++) {
		/* RopSize 2 (no ROP), then the table of empty slots */
		size_t len = 2 + 4 * sizes[k];
		uint8_t *bytes = talloc_array(t->mem, uint8_t, len);
		uint8_t *reply = NULL;
		size_t reply_len = 0;
		struct rop_response_buffer out;
		enum MAPISTATUS ret;

		MT_EXPECT(t, bytes != NULL, "out of memory");
		memset(bytes, 0xFF, len);
		bytes[0] = 0x02;
		bytes[1] = 0x00;
		ret = emsmdb_client_rpc(c, t->mem, bytes, len, 0, 0, 0, &reply, &reply_len, NULL);
		MT_EXPECT(t, ret == MAPI_E_SUCCESS, "EcDoRpcExt2 with %zu handles: %s", sizes[k],
			  mt_status(t, ret));
		MT_EXPECT(t, rop_response_pull(t->mem, reply, reply_len, NULL, &out) == WIRE_OK,
			  "the reply %s does not decode", mt_hex(t, reply, reply_len));
		MT_EXPECT(t, out.handle_count == sizes[k], "%zu handles sent, %zu came back",
			  sizes[k], out.handle_count);
	}
	return MT_PASS;
}

static const struct mt_test_def tests[] = {
	{ "chained_rops", "MS-OXCROPS 3.2.5.1",
	  "the ROPs of one buffer run in order, each using the handles the ones before made",
	  t_chained_rops },
	{ "release_has_no_response", "MS-OXCROPS 2.2.15.3",
	  "RopRelease gets no response; the released slot names nothing afterwards",
	  t_release_has_no_response },
	{ "output_handle_index", "MS-OXCROPS 2.2.4.1, 3.2.5.1",
	  "OutputHandleIndex is echoed and only that slot of the table changes",
	  t_output_handle_index },
	{ "handle_table_size", "MS-OXCROPS 2.2.1",
	  "the handle table comes back with as many slots as were sent", t_handle_table_size },
};

const struct mt_family mt_family_oxcrops = {
	"OXCROPS", "ROP buffer framing across families (MS-OXCROPS)", true, tests, MT_COUNT(tests),
};
