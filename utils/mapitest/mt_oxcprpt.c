/*
 * mapitest OXCPRPT: property ROPs (MS-OXCPRPT 3.2.5) on a folder.
 * Skipped while the server answers ecNotSupported for them.
 *
 * Copyright (C) OpenChange developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <talloc.h>

#include "utils/mapitest/mapitest.h"
#include "libmapi/rop_session.h"

/* MS-OXPROPS tag (gen_proptags.h clashes with oxcdata_propval.h's macros) */
#define PidTagDisplayName 0x3001001Fu

#define EC_NOT_FOUND 0x8004010Fu
/* a property id no folder has: in the range MS-OXPROPS leaves unassigned */
#define TAG_UNKNOWN 0x6FF00003u

static enum mt_result get_inbox_props(struct mt_test *t, struct mt_logon *lg, uint32_t *tags,
				      uint16_t count, struct rop_response *resp)
{
	struct rop_request req;

	if (mt_logon_open(t, 0x01, lg) != MT_PASS ||
	    mt_open_folder(t, lg, lg->logon.u.private_mailbox.folder_ids[MT_FID_INBOX], 0, 1) !=
	    MT_PASS) {
		return t->result;
	}
	memset(&req, 0, sizeof(req));
	req.rop_id = RopGetPropertiesSpecific;
	req.u.get_properties_specific.input_handle_index = 1;
	req.u.get_properties_specific.want_unicode = 1;
	req.u.get_properties_specific.property_tag_count = count;
	req.u.get_properties_specific.property_tags = tags;
	if (mt_rop(t, lg, &req, resp) != MT_PASS || mt_skip_unsupported(t, resp) != MT_PASS) {
		return t->result;
	}
	MT_EXPECT(t, resp->u.get_properties_specific.return_value == MAPI_E_SUCCESS,
		  "RopGetPropertiesSpecific: %s",
		  mt_status(t, resp->u.get_properties_specific.return_value));
	MT_EXPECT_EQ(t, resp->u.get_properties_specific.u.ok.row_data.count, count,
		     "values in the row");
	return MT_PASS;
}

/* MS-OXCPRPT 3.2.5.1: PidTagDisplayName of the Inbox, as Unicode when asked */
static enum mt_result t_inbox_display_name(struct mt_test *t)
{
	uint32_t tags[] = { PidTagDisplayName };
	struct rop_response resp;
	struct mt_logon lg;
	const struct mapi_flagged_propval *v;

	if (get_inbox_props(t, &lg, tags, 1, &resp) != MT_PASS) {
		return t->result;
	}
	v = &resp.u.get_properties_specific.u.ok.row_data.values[0];
	MT_EXPECT(t, v->flag == MAPI_PROPVAL_PRESENT, "PidTagDisplayName missing (Flag 0x%02x)",
		  v->flag);
	MT_EXPECT(t, v->pv.value.string != NULL && v->pv.value.string[0] != '\0',
		  "an empty display name for the Inbox");
	return MT_PASS;
}

/*
 * MS-OXCPRPT 3.2.5.1 and MS-OXCDATA 2.8.1.2: a property the object lacks
 * comes back in a flagged row as an error value, ecNotFound.
 */
static enum mt_result t_missing_property_flagged(struct mt_test *t)
{
	uint32_t tags[] = { PidTagDisplayName, TAG_UNKNOWN };
	struct rop_response resp;
	struct mt_logon lg;
	const struct mapi_property_row *row;

	if (get_inbox_props(t, &lg, tags, 2, &resp) != MT_PASS) {
		return t->result;
	}
	row = &resp.u.get_properties_specific.u.ok.row_data;
	MT_EXPECT_EQ(t, row->flag, MAPI_ROW_FLAGGED, "row Flag with a missing property");
	MT_EXPECT_EQ(t, row->values[1].flag, MAPI_PROPVAL_ERROR, "Flag of the missing property");
	MT_EXPECT(t, row->values[1].pv.value.error_code == EC_NOT_FOUND,
		  "the missing property's error: observed %s, expected %s",
		  mt_status(t, row->values[1].pv.value.error_code), mt_status(t, EC_NOT_FOUND));
	return MT_PASS;
}

static const struct mt_test_def tests[] = {
	{ "inbox_display_name", "MS-OXCPRPT 3.2.5.1",
	  "RopGetPropertiesSpecific of PidTagDisplayName on the Inbox returns a name",
	  t_inbox_display_name },
	{ "missing_property_flagged", "MS-OXCPRPT 3.2.5.1, MS-OXCDATA 2.8.1.2",
	  "a property the object lacks comes back flagged as ecNotFound",
	  t_missing_property_flagged },
};

const struct mt_family mt_family_oxcprpt = {
	"OXCPRPT", "property ROPs (skipped while the server answers ecNotSupported)", true,
	tests, MT_COUNT(tests),
};
