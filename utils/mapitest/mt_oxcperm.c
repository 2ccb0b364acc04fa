/*
 * mapitest OXCPERM: folder permissions (MS-OXCPERM 3.2.5).  Probes of
 * RopGetPermissionsTable and RopModifyPermissions, which the server does
 * not build yet: skipped while it answers ecNotSupported, and checked
 * against what the spec requires of the table once it answers success.
 *
 * Copyright (C) OpenChange developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <talloc.h>

#include "utils/mapitest/mapitest.h"
#include "libmapi/rop_session.h"

#define PidTagMemberId 0x66710014u
#define PidTagMemberName 0x6672001Fu
#define PidTagMemberRights 0x66730003u
#define MEMBER_DEFAULT 0ull			/* MS-OXCPERM 2.2.5: the Default user */
#define MEMBER_ANONYMOUS 0xFFFFFFFFFFFFFFFFull	/* ... and the Anonymous user */
#define ROW_MODIFY 0x02				/* 2.2.4 PermissionDataFlags */
/* ReadAny | Create | FolderVisible (MS-OXCPERM 2.2.7) */
#define SOME_RIGHTS 0x00000403u

/*
 * The permissions table of a scratch folder (slot 1) in slot 3 with the
 * member columns; MT_SKIP while RopGetPermissionsTable is ecNotSupported.
 */
static enum mt_result permissions_table(struct mt_test *t, struct mt_logon *lg, bool open_logon,
					uint64_t *fid)
{
	static const uint32_t cols[] = { PidTagMemberId, PidTagMemberName, PidTagMemberRights };
	struct rop_request req = mt_request(RopGetPermissionsTable);
	struct rop_response resp;

	if (open_logon && (mt_logon_open(t, 0x01, lg) != MT_PASS ||
			   mt_scratch_folder(t, lg, 1, fid) != MT_PASS)) {
		return t->result;
	}
	req.u.get_permissions_table.input_handle_index = 1;
	req.u.get_permissions_table.output_handle_index = 3;
	if (mt_rop(t, lg, &req, &resp) != MT_PASS || mt_skip_unsupported(t, &resp) != MT_PASS) {
		return t->result;
	}
	MT_EXPECT(t, resp.u.get_permissions_table.return_value == MAPI_E_SUCCESS,
		  "RopGetPermissionsTable: %s",
		  mt_status(t, resp.u.get_permissions_table.return_value));
	req = mt_request(RopSetColumns);
	req.u.set_columns.input_handle_index = 3;
	req.u.set_columns.property_tag_count = 3;
	req.u.set_columns.property_tags = (uint32_t *)cols;
	if (mt_rop(t, lg, &req, &resp) != MT_PASS) {
		return t->result;
	}
	MT_EXPECT(t, resp.u.set_columns.return_value == MAPI_E_SUCCESS,
		  "RopSetColumns on the permissions table: %s",
		  mt_status(t, resp.u.set_columns.return_value));
	return MT_PASS;
}

/* The row of MEMBER in the permissions table in slot 3, or NULL */
static const struct mapi_property_row *member_row(const struct rop_response *rows, uint64_t member)
{
	uint16_t i;

	for (i = 0; i < rows->u.query_rows.u.ok.row_count; i++) {
		const struct mapi_property_row *row = &rows->u.query_rows.u.ok.row_data[i];

		if (row->count == 3 && row->values[0].flag == MAPI_PROPVAL_PRESENT &&
		    row->values[0].pv.value.i64 == member) {
			return row;
		}
	}
	return NULL;
}

/*
 * MS-OXCPERM 3.2.5.1, 2.2.5: a folder's permissions table lists the
 * Default (MemberId 0) and Anonymous (MemberId -1) users.
 */
static enum mt_result t_table_has_default_and_anonymous(struct mt_test *t)
{
	struct rop_response rows;
	struct mt_logon lg;
	uint64_t fid;

	if (permissions_table(t, &lg, true, &fid) != MT_PASS ||
	    mt_query_rows(t, &lg, 3, true, 0, 100, &rows) != MT_PASS) {
		return t->result;
	}
	MT_EXPECT(t, member_row(&rows, MEMBER_DEFAULT) != NULL,
		  "no Default user (MemberId 0) among %u rows", rows.u.query_rows.u.ok.row_count);
	MT_EXPECT(t, member_row(&rows, MEMBER_ANONYMOUS) != NULL,
		  "no Anonymous user (MemberId -1) among %u rows", rows.u.query_rows.u.ok.row_count);
	return MT_PASS;
}

/*
 * MS-OXCPERM 3.2.5.2: RopModifyPermissions changing the Default user's
 * rights is seen in the permissions table.
 */
static enum mt_result t_modify_default_rights(struct mt_test *t)
{
	struct rop_request req = mt_request(RopModifyPermissions);
	struct rop_response resp, rows;
	struct rop_permission_data change;
	struct mapi_propval values[2];
	const struct mapi_property_row *row;
	struct mt_logon lg;
	uint64_t fid;

	if (mt_logon_open(t, 0x01, &lg) != MT_PASS || mt_scratch_folder(t, &lg, 1, &fid) != MT_PASS) {
		return t->result;
	}
	values[0].tag = PidTagMemberId;
	values[0].value.i64 = MEMBER_DEFAULT;
	values[1].tag = PidTagMemberRights;
	values[1].value.i32 = SOME_RIGHTS;
	change.permission_data_flags = ROW_MODIFY;
	change.property_value_count = 2;
	change.property_values = values;
	req.u.modify_permissions.input_handle_index = 1;
	req.u.modify_permissions.modify_count = 1;
	req.u.modify_permissions.permissions_data = &change;
	if (mt_rop(t, &lg, &req, &resp) != MT_PASS || mt_skip_unsupported(t, &resp) != MT_PASS) {
		return t->result;
	}
	MT_EXPECT(t, resp.u.modify_permissions.return_value == MAPI_E_SUCCESS,
		  "RopModifyPermissions: %s", mt_status(t, resp.u.modify_permissions.return_value));
	if (permissions_table(t, &lg, false, &fid) != MT_PASS ||
	    mt_query_rows(t, &lg, 3, true, 0, 100, &rows) != MT_PASS) {
		return t->result;
	}
	row = member_row(&rows, MEMBER_DEFAULT);
	MT_EXPECT(t, row != NULL, "no Default user in the permissions table");
	MT_EXPECT_EQ(t, mt_row_u32(row, 2, 0xFFFFFFFFu), SOME_RIGHTS,
		     "PidTagMemberRights of the Default user");
	return MT_PASS;
}

static const struct mt_test_def tests[] = {
	{ "table_has_default_and_anonymous", "MS-OXCPERM 3.2.5.1, 2.2.5",
	  "a folder's permissions table lists the Default and Anonymous users",
	  t_table_has_default_and_anonymous },
	{ "modify_default_rights", "MS-OXCPERM 3.2.5.2",
	  "rights set for the Default user with RopModifyPermissions are read back in the table",
	  t_modify_default_rights },
};

const struct mt_family mt_family_oxcperm = {
	"OXCPERM", "folder permissions (skipped while the server answers ecNotSupported)", true,
	tests, MT_COUNT(tests),
};
