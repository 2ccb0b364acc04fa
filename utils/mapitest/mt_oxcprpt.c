/*
 * mapitest OXCPRPT: property ROPs (MS-OXCPRPT 3.2.5) on a folder.
 * Skipped while the server answers ecNotSupported for them.
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
#include "libmapi/rop_session.h"

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

/* --- on messages ------------------------------------------------------------------------- */

/* MS-OXCPRPT 2.2.14.1 OpenModeFlags of RopOpenStream */
#define STREAM_READ_ONLY 0x00
#define STREAM_READ_WRITE 0x01
#define STREAM_CREATE 0x02
/* Origin of RopSeekStream (MS-OXCROPS 2.2.9.8) */
#define STREAM_SEEK_BEGINNING 0x00
#define STREAM_SEEK_END 0x02
/* MS-OXCPRPT 2.2.10.1 CopyFlags */
#define COPY_NO_OVERWRITE 0x02
/* Flags of RopGetPropertyIdsFromNames (MS-OXCROPS 2.2.8.1): create missing names */
#define NAMES_CREATE 0x02
/* A binary property no message has by default, in a range MS-OXPROPS leaves unassigned */
#define TAG_TEST_BINARY 0x6FF10102u
/* MS-OXPROPS 1.3.2: PS_PUBLIC_STRINGS {00020329-0000-0000-C000-000000000046} */
static const struct mapi_guid ps_public_strings = { {
	0x29, 0x03, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00,
	0xC0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x46 } };

/* The flagged value of TAG in the object in SLOT (its error code when absent) */
static enum mt_result get_one(struct mt_test *t, struct mt_logon *lg, uint8_t slot, uint32_t tag,
			      struct mapi_flagged_propval *out)
{
	struct mapi_property_row row;

	if (mt_get_props(t, lg, slot, &tag, 1, &row) != MT_PASS) {
		return t->result;
	}
	*out = row.values[0];
	if (row.flag != MAPI_ROW_FLAGGED) {
		out->flag = (row.values[0].pv.tag & 0xFFFF) == PTYP_ERRORCODE ? MAPI_PROPVAL_ERROR :
			MAPI_PROPVAL_PRESENT;
	}
	return MT_PASS;
}

static enum mt_result expect_string(struct mt_test *t, struct mt_logon *lg, uint8_t slot,
				    uint32_t tag, const char *expected)
{
	struct mapi_flagged_propval v;

	if (get_one(t, lg, slot, tag, &v) != MT_PASS) {
		return t->result;
	}
	MT_EXPECT(t, v.flag == MAPI_PROPVAL_PRESENT && strcmp(v.pv.value.string, expected) == 0,
		  "0x%08x is '%s', expected '%s'", tag,
		  v.flag == MAPI_PROPVAL_PRESENT ? v.pv.value.string : mt_status(t, v.pv.value.error_code),
		  expected);
	return MT_PASS;
}

static enum mt_result expect_absent(struct mt_test *t, struct mt_logon *lg, uint8_t slot,
				    uint32_t tag)
{
	struct mapi_flagged_propval v;

	if (get_one(t, lg, slot, tag, &v) != MT_PASS) {
		return t->result;
	}
	MT_EXPECT(t, v.flag == MAPI_PROPVAL_ERROR && v.pv.value.error_code == EC_NOT_FOUND,
		  "0x%08x: observed %s, expected the error ecNotFound", tag,
		  v.flag == MAPI_PROPVAL_ERROR ? mt_status(t, v.pv.value.error_code) : "a value");
	return MT_PASS;
}

static enum mt_result delete_props(struct mt_test *t, struct mt_logon *lg, uint8_t slot,
				   uint32_t *tags, uint16_t count, bool no_replicate)
{
	struct rop_request req;
	struct rop_response resp;

	memset(&req, 0, sizeof(req));
	if (no_replicate) {
		req.rop_id = RopDeletePropertiesNoReplicate;
		req.u.delete_properties_no_replicate.input_handle_index = slot;
		req.u.delete_properties_no_replicate.property_tag_count = count;
		req.u.delete_properties_no_replicate.property_tags = tags;
	} else {
		req.rop_id = RopDeleteProperties;
		req.u.delete_properties.input_handle_index = slot;
		req.u.delete_properties.property_tag_count = count;
		req.u.delete_properties.property_tags = tags;
	}
	if (mt_rop_ok(t, lg, &req, &resp, no_replicate ? "RopDeletePropertiesNoReplicate" :
		      "RopDeleteProperties") != MT_PASS) {
		return t->result;
	}
	/* both responses have the same layout */
	MT_EXPECT_EQ(t, resp.u.delete_properties.u.ok.property_problem_count, 0, "PropertyProblemCount");
	return MT_PASS;
}

/* MS-OXCPRPT 3.2.5.2: RopGetPropertiesAll returns every property, the ones set included */
static enum mt_result b_get_properties_all(struct mt_test *t, struct mt_box *box)
{
	struct mapi_propval props[2] = { mt_str_prop(PidTagSubject, "mapitest GetPropertiesAll"),
					 mt_i32_prop(PidTagImportance, 2) };
	struct rop_request req;
	struct rop_response resp;
	bool subject = false, importance = false;
	uint16_t i;
	uint64_t mid;

	if (mt_box_message(t, box, 2, props, 2, &mid) != MT_PASS || mt_reopen(t, box, mid, 2) != MT_PASS) {
		return t->result;
	}
	memset(&req, 0, sizeof(req));
	req.rop_id = RopGetPropertiesAll;
	req.u.get_properties_all.input_handle_index = 2;
	req.u.get_properties_all.want_unicode = 1;
	if (mt_rop_ok(t, &box->lg, &req, &resp, "RopGetPropertiesAll") != MT_PASS) {
		return t->result;
	}
	for (i = 0; i < resp.u.get_properties_all.u.ok.property_value_count; i++) {
		const struct mapi_propval *v = &resp.u.get_properties_all.u.ok.property_values[i];

		if (v->tag == PidTagSubject && strcmp(v->value.string, props[0].value.string) == 0) {
			subject = true;
		}
		if (v->tag == PidTagImportance && v->value.i32 == 2) {
			importance = true;
		}
	}
	MT_EXPECT(t, subject && importance, "%u values, %s%s", 
		  resp.u.get_properties_all.u.ok.property_value_count,
		  subject ? "" : "no PidTagSubject with the value set ",
		  importance ? "" : "no PidTagImportance 2");
	return MT_PASS;
}

static enum mt_result t_get_properties_all(struct mt_test *t)
{
	return mt_in_inbox(t, b_get_properties_all);
}

static enum mt_result has_tag(struct mt_test *t, struct mt_logon *lg, uint8_t slot, uint32_t tag,
			      bool *found)
{
	struct rop_request req;
	struct rop_response resp;
	uint16_t i;

	memset(&req, 0, sizeof(req));
	req.rop_id = RopGetPropertiesList;
	req.u.get_properties_list.input_handle_index = slot;
	if (mt_rop_ok(t, lg, &req, &resp, "RopGetPropertiesList") != MT_PASS) {
		return t->result;
	}
	*found = false;
	for (i = 0; i < resp.u.get_properties_list.u.ok.property_tag_count; i++) {
		if (resp.u.get_properties_list.u.ok.property_tags[i] == tag) {
			*found = true;
		}
	}
	return MT_PASS;
}

/*
 * MS-OXCPRPT 2.2.4, 2.2.7: RopGetPropertiesList lists a property set
 * on the message, and no longer once RopDeleteProperties removed it;
 * after a save the deleted property reads back as ecNotFound.
 */
static enum mt_result b_set_delete_properties(struct mt_test *t, struct mt_box *box)
{
	struct mapi_propval prop = mt_str_prop(PidTagComment, "a comment to delete");
	uint32_t tag = PidTagComment;
	bool found;
	uint64_t mid;

	if (mt_box_message(t, box, 2, &prop, 1, &mid) != MT_PASS ||
	    has_tag(t, &box->lg, 2, PidTagComment, &found) != MT_PASS) {
		return t->result;
	}
	MT_EXPECT(t, found, "RopGetPropertiesList lacks PidTagComment after setting it");
	if (delete_props(t, &box->lg, 2, &tag, 1, false) != MT_PASS ||
	    has_tag(t, &box->lg, 2, PidTagComment, &found) != MT_PASS) {
		return t->result;
	}
	MT_EXPECT(t, !found, "RopGetPropertiesList still lists PidTagComment after deleting it");
	if (mt_save_message(t, &box->lg, 2, 0x02, NULL) != MT_PASS ||
	    mt_reopen(t, box, mid, 2) != MT_PASS) {
		return t->result;
	}
	return expect_absent(t, &box->lg, 2, PidTagComment);
}

static enum mt_result t_set_delete_properties(struct mt_test *t)
{
	return mt_in_inbox(t, b_set_delete_properties);
}

/*
 * MS-OXCPRPT 2.2.6, 2.2.8 (the NoReplicate forms, for folders): a
 * folder property set with RopSetPropertiesNoReplicate is there when the
 * folder is opened again, and gone after RopDeletePropertiesNoReplicate.
 */
static enum mt_result b_folder_no_replicate(struct mt_test *t, struct mt_box *box)
{
	struct mapi_propval prop = mt_str_prop(PidTagComment, "mapitest NoReplicate comment");
	struct rop_request req;
	struct rop_response resp;
	struct mapi_flagged_propval before;
	uint32_t tag = PidTagComment;
	enum mt_result r;

	if (get_one(t, &box->lg, 1, PidTagComment, &before) != MT_PASS) {
		return t->result;
	}
	memset(&req, 0, sizeof(req));
	req.rop_id = RopSetPropertiesNoReplicate;
	req.u.set_properties_no_replicate.input_handle_index = 1;
	req.u.set_properties_no_replicate.property_value_count = 1;
	req.u.set_properties_no_replicate.property_values = &prop;
	if (mt_rop_ok(t, &box->lg, &req, &resp, "RopSetPropertiesNoReplicate") != MT_PASS) {
		return t->result;
	}
	r = mt_open_folder(t, &box->lg, box->fid, 0, 2);
	if (r == MT_PASS) {
		r = expect_string(t, &box->lg, 2, PidTagComment, prop.value.string);
	}
	if (r == MT_PASS) {
		r = delete_props(t, &box->lg, 1, &tag, 1, true);
	}
	if (r == MT_PASS && (r = mt_release(t, &box->lg, 2)) == MT_PASS &&
	    (r = mt_open_folder(t, &box->lg, box->fid, 0, 2)) == MT_PASS) {
		r = expect_absent(t, &box->lg, 2, PidTagComment);
	}
	/* the Inbox as it was: its own comment back */
	if (before.flag == MAPI_PROPVAL_PRESENT) {
		/* a new verdict frees the old reason: keep a copy of it */
		char *reason = t->reason != NULL ? talloc_strdup(t->mem, t->reason) : NULL;
		enum mt_result restored = mt_set_props(t, &box->lg, 1, &before.pv, 1);

		if (r == MT_PASS) {
			return restored;
		}
		t->result = r;
		t->reason = reason;
	}
	return r;
}

static enum mt_result t_folder_no_replicate(struct mt_test *t)
{
	return mt_in_inbox(t, b_folder_no_replicate);
}

/*
 * MS-OXCPRPT 3.2.5.1: a string property asked for as PtypString8 comes in
 * 8-bit characters, and asked for as PtypUnspecified in its own type
 * (PtypString when WantUnicode).
 */
static enum mt_result b_string_types(struct mt_test *t, struct mt_box *box)
{
	struct mapi_propval prop = mt_str_prop(PidTagSubject, "plain ASCII subject");
	uint32_t tags[2] = { (PidTagSubject & 0xFFFF0000u) | PTYP_STRING8,
			     (PidTagSubject & 0xFFFF0000u) | PTYP_UNSPECIFIED };
	struct mapi_property_row row;
	uint64_t mid;

	if (mt_box_message(t, box, 2, &prop, 1, &mid) != MT_PASS ||
	    mt_reopen(t, box, mid, 2) != MT_PASS ||
	    mt_get_props(t, &box->lg, 2, tags, 2, &row) != MT_PASS) {
		return t->result;
	}
	MT_EXPECT(t, row.values[0].flag == MAPI_PROPVAL_PRESENT &&
		  (row.values[0].pv.tag & 0xFFFF) == PTYP_STRING8 &&
		  strcmp(row.values[0].pv.value.string8, prop.value.string) == 0,
		  "PidTagSubject as PtypString8: flag 0x%x, '%s'", row.values[0].flag,
		  row.values[0].flag == MAPI_PROPVAL_PRESENT ? row.values[0].pv.value.string8 : "");
	MT_EXPECT(t, row.values[1].flag == MAPI_PROPVAL_PRESENT &&
		  (row.values[1].pv.tag & 0xFFFF) == PTYP_STRING &&
		  strcmp(row.values[1].pv.value.string, prop.value.string) == 0,
		  "PidTagSubject as PtypUnspecified: flag 0x%x, tag 0x%08x", row.values[1].flag,
		  row.values[1].pv.tag);
	return MT_PASS;
}

static enum mt_result t_string_types(struct mt_test *t)
{
	return mt_in_inbox(t, b_string_types);
}

static enum mt_result open_stream(struct mt_test *t, struct mt_logon *lg, uint8_t in, uint8_t out,
				  uint32_t tag, uint8_t mode, uint32_t *size)
{
	struct rop_request req;
	struct rop_response resp;

	memset(&req, 0, sizeof(req));
	req.rop_id = RopOpenStream;
	req.u.open_stream.input_handle_index = in;
	req.u.open_stream.output_handle_index = out;
	req.u.open_stream.property_tag = tag;
	req.u.open_stream.open_mode_flags = mode;
	if (mt_rop_ok(t, lg, &req, &resp, "RopOpenStream") != MT_PASS) {
		return t->result;
	}
	if (size != NULL) {
		*size = resp.u.open_stream.u.ok.stream_size;
	}
	return MT_PASS;
}

static enum mt_result write_stream(struct mt_test *t, struct mt_logon *lg, uint8_t slot,
				   const uint8_t *data, size_t len)
{
	struct rop_request req;
	struct rop_response resp;
	size_t done = 0;

	while (done < len) {
		uint16_t n = (uint16_t)(len - done > 8192 ? 8192 : len - done);

		memset(&req, 0, sizeof(req));
		req.rop_id = RopWriteStream;
		req.u.write_stream.input_handle_index = slot;
		req.u.write_stream.data_size = n;
		req.u.write_stream.data = (uint8_t *)data + done;
		if (mt_rop_ok(t, lg, &req, &resp, "RopWriteStream") != MT_PASS) {
			return t->result;
		}
		MT_EXPECT_EQ(t, resp.u.write_stream.u.result.written_size, n, "WrittenSize");
		done += n;
	}
	return MT_PASS;
}

/* Up to MAX bytes from the stream in SLOT into OUT (allocated), *LEN what came */
static enum mt_result read_stream(struct mt_test *t, struct mt_logon *lg, uint8_t slot, size_t max,
				  uint8_t **out, size_t *len)
{
	struct rop_request req;
	struct rop_response resp;

	*out = talloc_array(t->mem, uint8_t, max + 1);
	*len = 0;
	MT_EXPECT(t, *out != NULL, "out of memory");
	while (*len < max) {
		uint16_t n = (uint16_t)(max - *len > 8192 ? 8192 : max - *len);

		memset(&req, 0, sizeof(req));
		req.rop_id = RopReadStream;
		req.u.read_stream.input_handle_index = slot;
		req.u.read_stream.byte_count = n;
		if (mt_rop_ok(t, lg, &req, &resp, "RopReadStream") != MT_PASS) {
			return t->result;
		}
		if (resp.u.read_stream.u.result.data_size == 0) {
			break;	/* the end */
		}
		MT_EXPECT(t, resp.u.read_stream.u.result.data_size <= n, "%u bytes for %u asked",
			  resp.u.read_stream.u.result.data_size, n);
		memcpy(*out + *len, resp.u.read_stream.u.result.data,
		       resp.u.read_stream.u.result.data_size);
		*len += resp.u.read_stream.u.result.data_size;
	}
	return MT_PASS;
}

static enum mt_result commit_stream(struct mt_test *t, struct mt_logon *lg, uint8_t slot)
{
	struct rop_request req;
	struct rop_response resp;

	memset(&req, 0, sizeof(req));
	req.rop_id = RopCommitStream;
	req.u.commit_stream.input_handle_index = slot;
	return mt_rop_ok(t, lg, &req, &resp, "RopCommitStream");
}

/*
 * MS-OXCPRPT 3.2.5.1, 2.2.14 and MS-OXCDATA 2.4.2: a value too large
 * for the response (a 40000-byte body) comes back from
 * RopGetPropertiesSpecific as the error NotEnoughMemory, and whole
 * through RopOpenStream.
 */
static enum mt_result b_large_property(struct mt_test *t, struct mt_box *box)
{
	const size_t chars = 20000;
	uint8_t *utf16 = talloc_array(t->mem, uint8_t, 2 * chars), *back;
	struct mapi_flagged_propval v;
	uint32_t size = 0;
	size_t i, len;
	uint64_t mid;

	MT_EXPECT(t, utf16 != NULL, "out of memory");
	for (i = 0; i < chars; i++) {
		utf16[2 * i] = (uint8_t)('a' + i % 26);
		utf16[2 * i + 1] = 0;
	}
	if (mt_box_message(t, box, 2, NULL, 0, &mid) != MT_PASS ||
	    open_stream(t, &box->lg, 2, 3, PidTagBody, STREAM_CREATE, NULL) != MT_PASS ||
	    write_stream(t, &box->lg, 3, utf16, 2 * chars) != MT_PASS ||
	    commit_stream(t, &box->lg, 3) != MT_PASS || mt_release(t, &box->lg, 3) != MT_PASS ||
	    mt_save_message(t, &box->lg, 2, 0x02, NULL) != MT_PASS ||
	    mt_reopen(t, box, mid, 2) != MT_PASS ||
	    get_one(t, &box->lg, 2, PidTagBody, &v) != MT_PASS) {
		return t->result;
	}
	MT_EXPECT(t, v.flag == MAPI_PROPVAL_ERROR && v.pv.value.error_code == MT_EC_NOT_ENOUGH_MEMORY,
		  "a 40000-byte PidTagBody in RopGetPropertiesSpecific: observed %s, expected the "
		  "error %s", v.flag == MAPI_PROPVAL_ERROR ? mt_status(t, v.pv.value.error_code) :
		  "the value", mt_status(t, MT_EC_NOT_ENOUGH_MEMORY));
	if (open_stream(t, &box->lg, 2, 3, PidTagBody, STREAM_READ_ONLY, &size) != MT_PASS ||
	    read_stream(t, &box->lg, 3, 2 * chars + 100, &back, &len) != MT_PASS) {
		return t->result;
	}
	MT_EXPECT_EQ(t, size, 2 * chars, "StreamSize of RopOpenStream");
	MT_EXPECT(t, len == 2 * chars && memcmp(back, utf16, len) == 0,
		  "%zu bytes read back through the stream, %zu written", len, 2 * chars);
	return MT_PASS;
}

static enum mt_result t_large_property(struct mt_test *t)
{
	return mt_in_inbox(t, b_large_property);
}

/*
 * MS-OXCPRPT 2.2.15-2.2.20: a stream written, sought, read and cut
 * with RopSetStreamSize keeps what RopGetStreamSize says; committed, the
 * property holds the cut bytes; reading past the end gives no bytes.
 */
static enum mt_result b_stream_operations(struct mt_test *t, struct mt_box *box)
{
	static const uint8_t data[] = "0123456789";
	struct rop_request req;
	struct rop_response resp;
	struct mapi_flagged_propval v;
	uint8_t *back;
	size_t len;
	uint64_t mid;

	if (mt_box_message(t, box, 2, NULL, 0, &mid) != MT_PASS ||
	    open_stream(t, &box->lg, 2, 3, TAG_TEST_BINARY, STREAM_CREATE, NULL) != MT_PASS ||
	    write_stream(t, &box->lg, 3, data, 10) != MT_PASS) {
		return t->result;
	}
	memset(&req, 0, sizeof(req));
	req.rop_id = RopGetStreamSize;
	req.u.get_stream_size.input_handle_index = 3;
	if (mt_rop_ok(t, &box->lg, &req, &resp, "RopGetStreamSize") != MT_PASS) {
		return t->result;
	}
	MT_EXPECT_EQ(t, resp.u.get_stream_size.u.ok.stream_size, 10, "StreamSize after 10 bytes");
	memset(&req, 0, sizeof(req));
	req.rop_id = RopSeekStream;
	req.u.seek_stream.input_handle_index = 3;
	req.u.seek_stream.origin = STREAM_SEEK_BEGINNING;
	req.u.seek_stream.offset = 2;
	if (mt_rop_ok(t, &box->lg, &req, &resp, "RopSeekStream") != MT_PASS) {
		return t->result;
	}
	MT_EXPECT_EQ(t, resp.u.seek_stream.u.ok.new_position, 2, "NewPosition");
	if (read_stream(t, &box->lg, 3, 3, &back, &len) != MT_PASS) {
		return t->result;
	}
	MT_EXPECT(t, len == 3 && memcmp(back, "234", 3) == 0, "read at offset 2: '%s'",
		  mt_hex(t, back, len));
	memset(&req, 0, sizeof(req));
	req.rop_id = RopSetStreamSize;
	req.u.set_stream_size.input_handle_index = 3;
	req.u.set_stream_size.stream_size = 4;
	if (mt_rop_ok(t, &box->lg, &req, &resp, "RopSetStreamSize") != MT_PASS) {
		return t->result;
	}
	memset(&req, 0, sizeof(req));
	req.rop_id = RopGetStreamSize;
	req.u.get_stream_size.input_handle_index = 3;
	if (mt_rop_ok(t, &box->lg, &req, &resp, "RopGetStreamSize") != MT_PASS) {
		return t->result;
	}
	MT_EXPECT_EQ(t, resp.u.get_stream_size.u.ok.stream_size, 4, "StreamSize after cutting to 4");
	memset(&req, 0, sizeof(req));
	req.rop_id = RopSeekStream;
	req.u.seek_stream.input_handle_index = 3;
	req.u.seek_stream.origin = STREAM_SEEK_END;
	if (mt_rop_ok(t, &box->lg, &req, &resp, "RopSeekStream(End)") != MT_PASS ||
	    read_stream(t, &box->lg, 3, 5, &back, &len) != MT_PASS) {
		return t->result;
	}
	MT_EXPECT_EQ(t, len, 0, "bytes read at the end of the stream");
	if (commit_stream(t, &box->lg, 3) != MT_PASS || mt_release(t, &box->lg, 3) != MT_PASS ||
	    mt_save_message(t, &box->lg, 2, 0x02, NULL) != MT_PASS ||
	    mt_reopen(t, box, mid, 2) != MT_PASS ||
	    get_one(t, &box->lg, 2, TAG_TEST_BINARY, &v) != MT_PASS) {
		return t->result;
	}
	MT_EXPECT(t, v.flag == MAPI_PROPVAL_PRESENT && v.pv.value.binary.len == 4 &&
		  memcmp(v.pv.value.binary.data, "0123", 4) == 0,
		  "the committed property: %s", v.flag == MAPI_PROPVAL_PRESENT ?
		  mt_hex(t, v.pv.value.binary.data, v.pv.value.binary.len) :
		  mt_status(t, v.pv.value.error_code));
	return MT_PASS;
}

static enum mt_result t_stream_operations(struct mt_test *t)
{
	return mt_in_inbox(t, b_stream_operations);
}

/*
 * MS-OXCPRPT 3.2.5 (RopCopyToStream): copies ByteCount bytes from the
 * source's seek pointer into the destination stream.
 */
static enum mt_result b_copy_to_stream(struct mt_test *t, struct mt_box *box)
{
	static const uint8_t data[] = "abcdef";
	struct rop_request req;
	struct rop_response resp;
	struct mapi_flagged_propval v;
	uint64_t a, b;

	if (mt_box_message(t, box, 2, NULL, 0, &a) != MT_PASS ||
	    mt_box_message(t, box, 3, NULL, 0, &b) != MT_PASS ||
	    open_stream(t, &box->lg, 2, 4, TAG_TEST_BINARY, STREAM_CREATE, NULL) != MT_PASS ||
	    write_stream(t, &box->lg, 4, data, 6) != MT_PASS ||
	    open_stream(t, &box->lg, 3, 5, TAG_TEST_BINARY, STREAM_CREATE, NULL) != MT_PASS) {
		return t->result;
	}
	memset(&req, 0, sizeof(req));
	req.rop_id = RopSeekStream;
	req.u.seek_stream.input_handle_index = 4;
	req.u.seek_stream.origin = STREAM_SEEK_BEGINNING;
	if (mt_rop_ok(t, &box->lg, &req, &resp, "RopSeekStream") != MT_PASS) {
		return t->result;
	}
	memset(&req, 0, sizeof(req));
	req.rop_id = RopCopyToStream;
	req.u.copy_to_stream.source_handle_index = 4;
	req.u.copy_to_stream.dest_handle_index = 5;
	req.u.copy_to_stream.byte_count = 4;
	if (mt_rop_ok(t, &box->lg, &req, &resp, "RopCopyToStream") != MT_PASS) {
		return t->result;
	}
	MT_EXPECT_EQ(t, resp.u.copy_to_stream.u.result.read_byte_count, 4, "ReadByteCount");
	MT_EXPECT_EQ(t, resp.u.copy_to_stream.u.result.written_byte_count, 4, "WrittenByteCount");
	if (commit_stream(t, &box->lg, 5) != MT_PASS || mt_release(t, &box->lg, 5) != MT_PASS ||
	    mt_save_message(t, &box->lg, 3, 0x02, NULL) != MT_PASS ||
	    mt_reopen(t, box, b, 3) != MT_PASS ||
	    get_one(t, &box->lg, 3, TAG_TEST_BINARY, &v) != MT_PASS) {
		return t->result;
	}
	MT_EXPECT(t, v.flag == MAPI_PROPVAL_PRESENT && v.pv.value.binary.len == 4 &&
		  memcmp(v.pv.value.binary.data, "abcd", 4) == 0,
		  "the destination's property: %s", v.flag == MAPI_PROPVAL_PRESENT ?
		  mt_hex(t, v.pv.value.binary.data, v.pv.value.binary.len) :
		  mt_status(t, v.pv.value.error_code));
	return MT_PASS;
}

static enum mt_result t_copy_to_stream(struct mt_test *t)
{
	return mt_in_inbox(t, b_copy_to_stream);
}

/*
 * MS-OXCPRPT 2.2.14.1: Create is the mode for a property that has not been
 * set; RopOpenStream ReadOnly of one is ecNotFound.
 */
static enum mt_result b_open_stream_missing(struct mt_test *t, struct mt_box *box)
{
	struct rop_request req;
	struct rop_response resp;
	uint64_t mid;

	if (mt_box_message(t, box, 2, NULL, 0, &mid) != MT_PASS) {
		return t->result;
	}
	memset(&req, 0, sizeof(req));
	req.rop_id = RopOpenStream;
	req.u.open_stream.input_handle_index = 2;
	req.u.open_stream.output_handle_index = 3;
	req.u.open_stream.property_tag = TAG_TEST_BINARY;
	req.u.open_stream.open_mode_flags = STREAM_READ_ONLY;
	if (mt_rop(t, &box->lg, &req, &resp) != MT_PASS || mt_skip_unsupported(t, &resp) != MT_PASS) {
		return t->result;
	}
	MT_EXPECT(t, resp.u.open_stream.return_value == EC_NOT_FOUND,
		  "RopOpenStream ReadOnly of a missing property: observed %s, expected %s",
		  mt_status(t, resp.u.open_stream.return_value), mt_status(t, EC_NOT_FOUND));
	return MT_PASS;
}

static enum mt_result t_open_stream_missing(struct mt_test *t)
{
	return mt_in_inbox(t, b_open_stream_missing);
}

/* A PropertyName (MS-OXCDATA 2.6.1) of Kind MNID_STRING in PS_PUBLIC_STRINGS */
static void string_name(struct mt_test *t, const char *name, struct rop_property_name *out)
{
	size_t i, n = strlen(name);

	memset(out, 0, sizeof(*out));
	out->kind = 0x01;
	out->guid = ps_public_strings;
	out->name_size = (uint8_t)(2 * (n + 1));
	out->name = talloc_zero_array(t->mem, uint8_t, out->name_size);
	for (i = 0; out->name != NULL && i < n; i++) {
		out->name[2 * i] = (uint8_t)name[i];	/* ASCII names: UTF-16LE is byte, 0 */
	}
}

static enum mt_result ids_from_names(struct mt_test *t, struct mt_logon *lg, uint8_t slot,
				     struct rop_property_name *name, uint8_t flags, uint16_t *id)
{
	struct rop_request req;
	struct rop_response resp;

	memset(&req, 0, sizeof(req));
	req.rop_id = RopGetPropertyIdsFromNames;
	req.u.get_property_ids_from_names.input_handle_index = slot;
	req.u.get_property_ids_from_names.flags = flags;
	req.u.get_property_ids_from_names.property_name_count = 1;
	req.u.get_property_ids_from_names.property_names = name;
	if (mt_rop_ok(t, lg, &req, &resp, "RopGetPropertyIdsFromNames") != MT_PASS) {
		return t->result;
	}
	MT_EXPECT_EQ(t, resp.u.get_property_ids_from_names.u.ok.property_id_count, 1, "PropertyIdCount");
	*id = resp.u.get_property_ids_from_names.u.ok.property_ids[0];
	return MT_PASS;
}

/* A name no earlier run used: the tests must create it, not find it */
static const char *fresh_name(struct mt_test *t)
{
	struct timespec now;

	clock_gettime(CLOCK_REALTIME, &now);
	return talloc_asprintf(t->mem, "mapitest-%ld-%ld", (long)now.tv_sec, (long)now.tv_nsec);
}

/*
 * MS-OXCPRPT 3.2.5 (named properties): RopGetPropertyIdsFromNames with Create
 * maps a new name to an id of 0x8000 or more, the same id without Create
 * later; RopGetNamesFromPropertyIds gives the name back.
 */
static enum mt_result b_named_properties(struct mt_test *t, struct mt_box *box)
{
	const char *text = fresh_name(t);
	struct rop_property_name name;
	struct rop_request req;
	struct rop_response resp;
	const struct rop_property_name *back;
	uint16_t id, again;

	string_name(t, text, &name);
	if (ids_from_names(t, &box->lg, 0, &name, NAMES_CREATE, &id) != MT_PASS) {
		return t->result;
	}
	MT_EXPECT(t, id >= 0x8000 && id != 0xFFFF, "the id of a new name is 0x%04x", id);
	if (ids_from_names(t, &box->lg, 0, &name, 0, &again) != MT_PASS) {
		return t->result;
	}
	MT_EXPECT_EQ(t, again, id, "the id of the same name without Create");
	memset(&req, 0, sizeof(req));
	req.rop_id = RopGetNamesFromPropertyIds;
	req.u.get_names_from_property_ids.input_handle_index = 0;
	req.u.get_names_from_property_ids.property_id_count = 1;
	req.u.get_names_from_property_ids.property_ids = &id;
	if (mt_rop_ok(t, &box->lg, &req, &resp, "RopGetNamesFromPropertyIds") != MT_PASS) {
		return t->result;
	}
	MT_EXPECT_EQ(t, resp.u.get_names_from_property_ids.u.ok.property_name_count, 1, "names");
	back = &resp.u.get_names_from_property_ids.u.ok.property_names[0];
	MT_EXPECT(t, back->kind == 0x01 && memcmp(&back->guid, &ps_public_strings, 16) == 0 &&
		  back->name_size == name.name_size &&
		  memcmp(back->name, name.name, name.name_size) == 0,
		  "0x%04x names kind %u, %s, expected '%s' in PS_PUBLIC_STRINGS", id, back->kind,
		  mt_hex(t, back->name, back->name_size), text);
	return MT_PASS;
}

static enum mt_result t_named_properties(struct mt_test *t)
{
	return mt_in_inbox(t, b_named_properties);
}

/* MS-OXCPRPT 3.2.5: RopQueryNamedProperties of a GUID lists a name created in it */
static enum mt_result b_query_named_properties(struct mt_test *t, struct mt_box *box)
{
	const char *text = fresh_name(t);
	struct rop_property_name name;
	struct rop_request req;
	struct rop_response resp;
	uint16_t id, i, count;

	string_name(t, text, &name);
	if (ids_from_names(t, &box->lg, 0, &name, NAMES_CREATE, &id) != MT_PASS) {
		return t->result;
	}
	memset(&req, 0, sizeof(req));
	req.rop_id = RopQueryNamedProperties;
	req.u.query_named_properties.input_handle_index = 0;
	req.u.query_named_properties.has_guid = 1;
	req.u.query_named_properties.property_guid = ps_public_strings;
	if (mt_rop_ok(t, &box->lg, &req, &resp, "RopQueryNamedProperties") != MT_PASS) {
		return t->result;
	}
	count = resp.u.query_named_properties.u.ok.id_count;
	for (i = 0; i < count; i++) {
		const struct rop_property_name *n = &resp.u.query_named_properties.u.ok.property_names[i];

		MT_EXPECT(t, memcmp(&n->guid, &ps_public_strings, 16) == 0,
			  "a name of another GUID in the answer for PS_PUBLIC_STRINGS");
		if (resp.u.query_named_properties.u.ok.property_ids[i] == id) {
			MT_EXPECT(t, n->kind == 0x01 && n->name_size == name.name_size &&
				  memcmp(n->name, name.name, n->name_size) == 0,
				  "0x%04x is listed with another name", id);
			return MT_PASS;
		}
	}
	return mt_fail(t, "%u names in PS_PUBLIC_STRINGS, not 0x%04x ('%s')", count, id, text);
}

static enum mt_result t_query_named_properties(struct mt_test *t)
{
	return mt_in_inbox(t, b_query_named_properties);
}

static enum mt_result copy_properties(struct mt_test *t, struct mt_box *box, uint8_t from,
				      uint8_t to, uint8_t flags, uint32_t *tags, uint16_t count)
{
	struct rop_request req;
	struct rop_response resp;

	memset(&req, 0, sizeof(req));
	req.rop_id = RopCopyProperties;
	req.u.copy_properties.source_handle_index = from;
	req.u.copy_properties.dest_handle_index = to;
	req.u.copy_properties.copy_flags = flags;
	req.u.copy_properties.property_tag_count = count;
	req.u.copy_properties.property_tags = tags;
	if (mt_rop_ok(t, &box->lg, &req, &resp, "RopCopyProperties") != MT_PASS) {
		return t->result;
	}
	MT_EXPECT_EQ(t, resp.u.copy_properties.u.ok.property_problem_count, 0, "PropertyProblemCount");
	return MT_PASS;
}

/*
 * MS-OXCPRPT 2.2.10: RopCopyProperties with NoOverwrite copies only what
 * the destination lacks; without it, it replaces the destination's values.
 */
static enum mt_result b_copy_properties(struct mt_test *t, struct mt_box *box)
{
	struct mapi_propval src[2] = { mt_str_prop(PidTagSubject, "the source's subject"),
				       mt_str_prop(PidTagComment, "the source's comment") };
	struct mapi_propval dst = mt_str_prop(PidTagSubject, "the destination's subject");
	uint32_t tags[2] = { PidTagSubject, PidTagComment };
	uint64_t a, b;

	if (mt_box_message(t, box, 2, src, 2, &a) != MT_PASS ||
	    mt_box_message(t, box, 3, &dst, 1, &b) != MT_PASS ||
	    copy_properties(t, box, 2, 3, COPY_NO_OVERWRITE, tags, 2) != MT_PASS ||
	    mt_save_message(t, &box->lg, 3, 0x02, NULL) != MT_PASS ||
	    mt_reopen(t, box, b, 4) != MT_PASS ||
	    expect_string(t, &box->lg, 4, PidTagSubject, dst.value.string) != MT_PASS ||
	    expect_string(t, &box->lg, 4, PidTagComment, src[1].value.string) != MT_PASS) {
		return t->result;
	}
	if (copy_properties(t, box, 2, 3, 0, tags, 1) != MT_PASS ||
	    mt_save_message(t, &box->lg, 3, 0x02, NULL) != MT_PASS ||
	    mt_reopen(t, box, b, 4) != MT_PASS) {
		return t->result;
	}
	return expect_string(t, &box->lg, 4, PidTagSubject, src[0].value.string);
}

static enum mt_result t_copy_properties(struct mt_test *t)
{
	return mt_in_inbox(t, b_copy_properties);
}

/*
 * MS-OXCPRPT 2.2.11: RopCopyTo copies every property but the excluded
 * ones; with NoOverwrite it keeps the destination's own values.
 */
static enum mt_result b_copy_to(struct mt_test *t, struct mt_box *box)
{
	struct mapi_propval src[3] = { mt_str_prop(PidTagSubject, "CopyTo source subject"),
				       mt_str_prop(PidTagBody, "CopyTo source body"),
				       mt_str_prop(PidTagComment, "not to be copied") };
	struct mapi_propval dst = mt_str_prop(PidTagBody, "the destination's own body");
	uint32_t excluded = PidTagComment;
	struct rop_request req;
	struct rop_response resp;
	uint64_t a, b;

	if (mt_box_message(t, box, 2, src, 3, &a) != MT_PASS ||
	    mt_box_message(t, box, 3, &dst, 1, &b) != MT_PASS) {
		return t->result;
	}
	memset(&req, 0, sizeof(req));
	req.rop_id = RopCopyTo;
	req.u.copy_to.source_handle_index = 2;
	req.u.copy_to.dest_handle_index = 3;
	req.u.copy_to.copy_flags = COPY_NO_OVERWRITE;
	req.u.copy_to.excluded_tag_count = 1;
	req.u.copy_to.excluded_tags = &excluded;
	if (mt_rop_ok(t, &box->lg, &req, &resp, "RopCopyTo") != MT_PASS ||
	    mt_save_message(t, &box->lg, 3, 0x02, NULL) != MT_PASS ||
	    mt_reopen(t, box, b, 4) != MT_PASS ||
	    expect_string(t, &box->lg, 4, PidTagSubject, src[0].value.string) != MT_PASS ||
	    expect_string(t, &box->lg, 4, PidTagBody, dst.value.string) != MT_PASS) {
		return t->result;
	}
	return expect_absent(t, &box->lg, 4, PidTagComment);
}

static enum mt_result t_copy_to(struct mt_test *t)
{
	return mt_in_inbox(t, b_copy_to);
}

/*
 * MS-OXCPRPT 2.2.26: RopWriteAndCommitStream writes and commits at
 * once: the bytes are the property's without a RopCommitStream.
 */
static enum mt_result b_write_and_commit(struct mt_test *t, struct mt_box *box)
{
	static uint8_t data[] = "written and committed";
	struct rop_request req;
	struct rop_response resp;
	struct mapi_flagged_propval v;
	uint64_t mid;

	if (mt_box_message(t, box, 2, NULL, 0, &mid) != MT_PASS ||
	    open_stream(t, &box->lg, 2, 3, TAG_TEST_BINARY, STREAM_CREATE, NULL) != MT_PASS) {
		return t->result;
	}
	memset(&req, 0, sizeof(req));
	req.rop_id = RopWriteAndCommitStream;
	req.u.write_and_commit_stream.input_handle_index = 3;
	req.u.write_and_commit_stream.data_size = sizeof(data) - 1;
	req.u.write_and_commit_stream.data = data;
	if (mt_rop_ok(t, &box->lg, &req, &resp, "RopWriteAndCommitStream") != MT_PASS) {
		return t->result;
	}
	MT_EXPECT_EQ(t, resp.u.write_and_commit_stream.u.result.written_size, sizeof(data) - 1,
		     "WrittenSize");
	if (mt_release(t, &box->lg, 3) != MT_PASS ||
	    mt_save_message(t, &box->lg, 2, 0x02, NULL) != MT_PASS ||
	    mt_reopen(t, box, mid, 2) != MT_PASS ||
	    get_one(t, &box->lg, 2, TAG_TEST_BINARY, &v) != MT_PASS) {
		return t->result;
	}
	MT_EXPECT(t, v.flag == MAPI_PROPVAL_PRESENT && v.pv.value.binary.len == sizeof(data) - 1 &&
		  memcmp(v.pv.value.binary.data, data, sizeof(data) - 1) == 0,
		  "the property after RopWriteAndCommitStream: %s", v.flag == MAPI_PROPVAL_PRESENT ?
		  mt_hex(t, v.pv.value.binary.data, v.pv.value.binary.len) :
		  mt_status(t, v.pv.value.error_code));
	return MT_PASS;
}

static enum mt_result t_write_and_commit(struct mt_test *t)
{
	return mt_in_inbox(t, b_write_and_commit);
}

/*
 * MS-OXCPRPT 3.2.5 (RopCloneStream): gives a second stream on the same
 * bytes with a seek pointer of its own.
 */
static enum mt_result b_clone_stream(struct mt_test *t, struct mt_box *box)
{
	static const uint8_t data[] = "cloned stream";
	struct rop_request req;
	struct rop_response resp;
	uint8_t *back;
	size_t len;
	uint64_t mid;

	if (mt_box_message(t, box, 2, NULL, 0, &mid) != MT_PASS ||
	    open_stream(t, &box->lg, 2, 3, TAG_TEST_BINARY, STREAM_CREATE, NULL) != MT_PASS ||
	    write_stream(t, &box->lg, 3, data, sizeof(data) - 1) != MT_PASS) {
		return t->result;
	}
	memset(&req, 0, sizeof(req));
	req.rop_id = RopSeekStream;
	req.u.seek_stream.input_handle_index = 3;
	req.u.seek_stream.origin = STREAM_SEEK_BEGINNING;
	req.u.seek_stream.offset = 7;
	if (mt_rop_ok(t, &box->lg, &req, &resp, "RopSeekStream") != MT_PASS) {
		return t->result;
	}
	memset(&req, 0, sizeof(req));
	req.rop_id = RopCloneStream;
	req.u.clone_stream.input_handle_index = 3;
	req.u.clone_stream.output_handle_index = 4;
	if (mt_rop_ok(t, &box->lg, &req, &resp, "RopCloneStream") != MT_PASS) {
		return t->result;
	}
	/* the clone starts where the original's pointer was; the original stays there */
	memset(&req, 0, sizeof(req));
	req.rop_id = RopSeekStream;
	req.u.seek_stream.input_handle_index = 4;
	req.u.seek_stream.origin = STREAM_SEEK_BEGINNING;
	if (mt_rop_ok(t, &box->lg, &req, &resp, "RopSeekStream on the clone") != MT_PASS ||
	    read_stream(t, &box->lg, 4, 100, &back, &len) != MT_PASS) {
		return t->result;
	}
	MT_EXPECT(t, len == sizeof(data) - 1 && memcmp(back, data, len) == 0,
		  "the clone reads %s", mt_hex(t, back, len));
	if (read_stream(t, &box->lg, 3, 100, &back, &len) != MT_PASS) {
		return t->result;
	}
	MT_EXPECT(t, len == 6 && memcmp(back, "stream", 6) == 0,
		  "the original, after the clone read it all, reads %s from offset 7",
		  mt_hex(t, back, len));
	return MT_PASS;
}

static enum mt_result t_clone_stream(struct mt_test *t)
{
	return mt_in_inbox(t, b_clone_stream);
}

static const struct mt_test_def tests[] = {
	{ "inbox_display_name", "MS-OXCPRPT 3.2.5.1",
	  "RopGetPropertiesSpecific of PidTagDisplayName on the Inbox returns a name",
	  t_inbox_display_name },
	{ "missing_property_flagged", "MS-OXCPRPT 3.2.5.1, MS-OXCDATA 2.8.1.2",
	  "a property the object lacks comes back flagged as ecNotFound",
	  t_missing_property_flagged },
	{ "get_properties_all", "MS-OXCPRPT 3.2.5.2",
	  "RopGetPropertiesAll returns every property, the ones set on the message included",
	  t_get_properties_all },
	{ "set_delete_properties", "MS-OXCPRPT 2.2.4, 2.2.7, 3.2.5",
	  "RopGetPropertiesList lists a set property and not a deleted one; deleted reads ecNotFound",
	  t_set_delete_properties },
	{ "folder_no_replicate", "MS-OXCPRPT 2.2.6, 2.2.8, 3.2.5",
	  "RopSetPropertiesNoReplicate / RopDeletePropertiesNoReplicate on a folder, read back",
	  t_folder_no_replicate },
	{ "string_types", "MS-OXCPRPT 3.2.5.1",
	  "a string asked as PtypString8 comes 8-bit, as PtypUnspecified in its own type",
	  t_string_types },
	{ "large_property", "MS-OXCPRPT 3.2.5.1, 2.2.14, MS-OXCDATA 2.4.2",
	  "a 40000-byte value is NotEnoughMemory in RopGetPropertiesSpecific, whole by stream",
	  t_large_property },
	{ "stream_operations", "MS-OXCPRPT 2.2.15-2.2.20, 3.2.5",
	  "write, seek, read, SetStreamSize, GetStreamSize and commit of a stream; past the end "
	  "reads nothing", t_stream_operations },
	{ "copy_to_stream", "MS-OXCPRPT 3.2.5 (RopCopyToStream)",
	  "RopCopyToStream copies ByteCount bytes into the destination stream", t_copy_to_stream },
	{ "open_stream_missing", "MS-OXCPRPT 2.2.14.1, 3.2.5",
	  "RopOpenStream ReadOnly of a property the object lacks is ecNotFound",
	  t_open_stream_missing },
	{ "named_properties", "MS-OXCPRPT 3.2.5 (RopGetPropertyIdsFromNames, RopGetNamesFromPropertyIds)",
	  "a name created by RopGetPropertyIdsFromNames maps back by RopGetNamesFromPropertyIds",
	  t_named_properties },
	{ "query_named_properties", "MS-OXCPRPT 3.2.5 (RopQueryNamedProperties)",
	  "RopQueryNamedProperties of a GUID lists a name just created in it",
	  t_query_named_properties },
	{ "copy_properties", "MS-OXCPRPT 2.2.10, 3.2.5",
	  "RopCopyProperties with NoOverwrite keeps the destination's values, without replaces",
	  t_copy_properties },
	{ "copy_to", "MS-OXCPRPT 2.2.11, 3.2.5",
	  "RopCopyTo copies all but the excluded properties; NoOverwrite keeps existing ones",
	  t_copy_to },
	{ "write_and_commit_stream", "MS-OXCPRPT 2.2.26",
	  "RopWriteAndCommitStream stores the bytes without a RopCommitStream",
	  t_write_and_commit },
	{ "clone_stream", "MS-OXCPRPT 3.2.5 (RopCloneStream)",
	  "RopCloneStream reads the same bytes with a seek pointer of its own", t_clone_stream },
};

const struct mt_family mt_family_oxcprpt = {
	"OXCPRPT", "property and stream ROPs (MS-OXCPRPT)", true,
	tests, MT_COUNT(tests),
};
