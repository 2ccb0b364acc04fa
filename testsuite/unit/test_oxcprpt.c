/*
 * Unit tests of the MS-OXCPRPT ROPs (mapiproxy/emsmdb/oxcprpt.c) through
 * the ROP dispatcher, on a real sqlite3 mailbox (emsmdb_fixture.c).  What a
 * ROP wrote is read back through mapistore directly or through another
 * ROP, never echoed.
 *
 * Copyright (C) OpenChange developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>
#include <talloc.h>

#include "testsuite/unit/emsmdb_fixture.h"
#include "mapiproxy/emsmdb/oxcprpt.h"

#define TAG_DISPLAY_NAME_W 0x3001001Fu
#define TAG_DISPLAY_NAME_A 0x3001001Eu
#define TAG_DISPLAY_NAME_U 0x30010000u
#define TAG_COMMENT_W 0x3004001Fu
#define TAG_COMMENT_A 0x3004001Eu
#define TAG_COMMENT_U 0x30040000u
#define TAG_SUBJECT_W 0x0037001Fu
#define TAG_BODY_W 0x1000001Fu
#define TAG_IMPORTANCE 0x00170003u
#define TAG_CONTAINER_CLASS_W 0x3613001Fu
#define TAG_CONTENT_COUNT 0x36020003u
#define TAG_FOLDER_ID 0x67480014u
#define TAG_ENTRYID 0x0FFF0102u
#define TAG_MAILBOX_OWNER_NAME_W 0x661C001Fu
#define TAG_STORE_SUPPORT_MASK 0x340D0003u
#define TAG_IPM_SUBTREE_ENTRYID 0x35E00102u
#define TAG_ATTACH_DATA_BINARY 0x37010102u
#define TAG_ATTACH_FILENAME_W 0x3704001Fu

static const char russian[] = "\xd0\x9f\xd1\x80\xd0\xb8\xd0\xb2\xd0\xb5\xd1\x82, \xd0\xbc\xd0\xb8\xd1\x80";
static const char japanese[] = "\xe3\x81\x93\xe3\x82\x93\xe3\x81\xab\xe3\x81\xa1\xe3\x81\xaf";
static const char french[] = "Cr\xc3\xa8me br\xc3\xbbl\xc3\xa9" "e \xc3\xa0 l'\xc5\x93uf";

static struct rop_request rop(uint8_t rop_id)
{
	struct rop_request r;

	memset(&r, 0, sizeof(r));
	r.rop_id = rop_id;
	return r;
}

static uint32_t open_folder(struct emsmdb_fixture *f, uint64_t fid)
{
	struct rop_request r = rop(RopOpenFolder);
	uint32_t handle = 0;

	r.u.open_folder.folder_id = fid;
	assert_int_equal(emsmdb_fixture_rop(f, NULL, f, &r, f->logon_handle, &handle, NULL, NULL),
			 MAPI_E_SUCCESS);
	return handle;
}

static struct emsmdb_object *object(struct emsmdb_fixture *f, uint32_t handle)
{
	struct emsmdb_object *o = emsmdb_object_lookup(f->session, handle);

	assert_non_null(o);
	return o;
}

/* A new message in the Inbox, made as RopCreateMessage would (oxcmsg.c's business). */
static uint32_t new_message(struct emsmdb_fixture *f, struct emsmdb_message **out)
{
	struct emsmdb_rop_ctx ctx = { .session = f->session };
	uint32_t inbox = open_folder(f, f->folder_ids[4]);
	struct emsmdb_folder *folder = emsmdb_folder_of(object(f, inbox));
	struct emsmdb_message *message;
	struct emsmdb_object *o;

	assert_int_equal(emsmdb_message_object_new(&ctx, folder->logon, 0, &message, &o),
			 MAPI_E_SUCCESS);
	assert_int_equal(mapistore_message_create(folder->folder, message, false, &message->msg),
			 MAPI_E_SUCCESS);
	message->fid = folder->fid;
	message->mid = mapistore_message_id(message->msg);
	message->open_mode = MAPISTORE_OPEN_READ_WRITE;
	message->created = true;
	if (out != NULL) {
		*out = message;
	}
	return o->handle;
}

static uint32_t new_attachment(struct emsmdb_fixture *f, struct emsmdb_message *message,
			       struct emsmdb_attachment **out)
{
	struct emsmdb_rop_ctx ctx = { .session = f->session };
	struct emsmdb_attachment *att;
	struct emsmdb_object *o;

	assert_int_equal(emsmdb_attachment_object_new(&ctx, message, 0, &att, &o), MAPI_E_SUCCESS);
	assert_int_equal(mapistore_attachment_create(message->msg, att, &att->att, &att->attach_num),
			 MAPI_E_SUCCESS);
	att->open_mode = MAPISTORE_OPEN_READ_WRITE;
	if (out != NULL) {
		*out = att;
	}
	return o->handle;
}

/* RopGetPropertiesSpecific of TAGS; the decoded row's values. */
static struct mapi_flagged_propval *get_props(struct emsmdb_fixture *f, TALLOC_CTX *mem_ctx,
					      uint32_t handle, uint16_t size_limit, bool unicode,
					      uint16_t count, const uint32_t *tags, uint8_t *row_flag)
{
	struct rop_request r = rop(RopGetPropertiesSpecific);
	struct mapi_tag_array columns = { .count = count, .tags = (uint32_t *)tags };
	struct rop_response response;

	r.u.get_properties_specific.property_size_limit = size_limit;
	r.u.get_properties_specific.want_unicode = unicode ? 1 : 0;
	r.u.get_properties_specific.property_tag_count = count;
	r.u.get_properties_specific.property_tags = (uint32_t *)tags;
	assert_int_equal(emsmdb_fixture_rop(f, NULL, mem_ctx, &r, handle, NULL, &columns, &response),
			 MAPI_E_SUCCESS);
	assert_int_equal(response.u.get_properties_specific.u.ok.row_data.count, count);
	if (row_flag != NULL) {
		*row_flag = response.u.get_properties_specific.u.ok.row_data.flag;
	}
	return response.u.get_properties_specific.u.ok.row_data.values;
}

/* RopSetProperties; the response (problems) in *response. */
static uint32_t set_props(struct emsmdb_fixture *f, TALLOC_CTX *mem_ctx, uint32_t handle,
			  uint16_t count, struct mapi_propval *values, struct rop_response *response)
{
	struct rop_request r = rop(RopSetProperties);

	r.u.set_properties.property_value_count = count;
	r.u.set_properties.property_values = values;
	return emsmdb_fixture_rop(f, NULL, mem_ctx, &r, handle, NULL, NULL, response);
}

static struct mapi_propval string_value(uint32_t tag, const char *s)
{
	struct mapi_propval pv;

	memset(&pv, 0, sizeof(pv));
	pv.tag = tag;
	pv.value.string = (char *)s;
	return pv;
}

/* MS-OXCSTOR 2.2.2: the logon answers the store's properties, computed and read-only. */
static void test_logon_store_properties(void **state)
{
	struct emsmdb_fixture *f = *state;
	const uint32_t tags[] = { TAG_DISPLAY_NAME_W, TAG_MAILBOX_OWNER_NAME_W, TAG_STORE_SUPPORT_MASK,
				  TAG_IPM_SUBTREE_ENTRYID, TAG_DISPLAY_NAME_U, TAG_FOLDER_ID };
	const uint32_t entryid[] = { TAG_ENTRYID };
	struct mapi_flagged_propval *v, *ipm;
	struct mapi_propval set[2];
	struct rop_response response;
	struct mapistore_folder *root;
	struct mapi_flagged_propval stored;
	uint32_t comment = TAG_COMMENT_W;
	uint8_t flag;

	v = get_props(f, f, f->logon_handle, 0, true, 6, tags, &flag);
	assert_int_equal(flag, MAPI_ROW_FLAGGED);	/* PidTagFolderId is no store property */
	assert_int_equal(v[0].flag, MAPI_PROPVAL_PRESENT);
	assert_string_equal(v[0].pv.value.string, "Mailbox - Alice");
	assert_string_equal(v[1].pv.value.string, "Alice");
	assert_int_equal(v[2].flag, MAPI_PROPVAL_PRESENT);
	assert_true(v[2].pv.value.i32 & 0x00040000u);	/* STORE_UNICODE_OK */
	/* the IPM subtree's entry ID is the one that folder itself reports */
	ipm = get_props(f, f, open_folder(f, f->folder_ids[3]), 0, true, 1, entryid, NULL);
	assert_int_equal(v[3].pv.value.binary.len, ipm[0].pv.value.binary.len);
	assert_memory_equal(v[3].pv.value.binary.data, ipm[0].pv.value.binary.data,
			    ipm[0].pv.value.binary.len);
	/* PtypUnspecified with WantUnicode: PtypString */
	assert_int_equal(v[4].pv.tag, TAG_DISPLAY_NAME_W);
	assert_string_equal(v[4].pv.value.string, "Mailbox - Alice");
	assert_int_equal(v[5].flag, MAPI_PROPVAL_ERROR);
	assert_int_equal(v[5].pv.value.error_code, MAPI_E_NOT_FOUND);

	/* the store's own properties are read-only; others land on the root folder */
	set[0] = string_value(TAG_DISPLAY_NAME_W, "renamed");
	set[1] = string_value(TAG_COMMENT_W, french);
	assert_int_equal(set_props(f, f, f->logon_handle, 2, set, &response), MAPI_E_SUCCESS);
	assert_int_equal(response.u.set_properties.u.ok.property_problem_count, 1);
	assert_int_equal(response.u.set_properties.u.ok.property_problems[0].index, 0);
	assert_int_equal(response.u.set_properties.u.ok.property_problems[0].error_code,
			 MAPI_E_NO_ACCESS);
	v = get_props(f, f, f->logon_handle, 0, true, 1, tags, NULL);
	assert_string_equal(v[0].pv.value.string, "Mailbox - Alice");
	assert_int_equal(mapistore_folder_open(emsmdb_object_logon(object(f, f->logon_handle))->store,
					       f, f->folder_ids[0], &root), MAPI_E_SUCCESS);
	assert_int_equal(mapistore_folder_get_props(root, f, 1, &comment, &stored), MAPI_E_SUCCESS);
	assert_int_equal(stored.flag, MAPI_PROPVAL_PRESENT);
	assert_string_equal(stored.pv.value.string, french);
}

/* A public folders logon: the store's name, no owner, its own IPM subtree. */
static void test_public_store_properties(void **state)
{
	struct emsmdb_fixture *f = *state;
	const uint32_t tags[] = { TAG_DISPLAY_NAME_W, TAG_MAILBOX_OWNER_NAME_W, TAG_IPM_SUBTREE_ENTRYID };
	const uint32_t entryid[] = { TAG_ENTRYID };
	struct rop_request r = rop(RopLogon);
	struct rop_response response;
	struct mapi_flagged_propval *v, *ipm;
	uint32_t handle = 0, folder = 0;

	r.u.logon.logon_id = 1;
	r.u.logon.open_flags = 0x02;	/* PUBLIC */
	f->public_logon = true;
	assert_int_equal(emsmdb_fixture_rop(f, NULL, f, &r, EMSMDB_HANDLE_NONE, &handle, NULL,
					    &response), MAPI_E_SUCCESS);
	v = get_props(f, f, handle, 0, true, 3, tags, NULL);
	assert_string_equal(v[0].pv.value.string, "Public Folders");
	assert_int_equal(v[1].flag, MAPI_PROPVAL_ERROR);
	r = rop(RopOpenFolder);
	r.u.open_folder.logon_id = 1;
	r.u.open_folder.folder_id = response.u.logon.u.public_folders.folder_ids[1];
	assert_int_equal(emsmdb_fixture_rop(f, NULL, f, &r, handle, &folder, NULL, NULL), MAPI_E_SUCCESS);
	ipm = get_props(f, f, folder, 0, true, 1, entryid, NULL);
	assert_int_equal(v[2].flag, MAPI_PROPVAL_PRESENT);
	assert_int_equal(v[2].pv.value.binary.len, ipm[0].pv.value.binary.len);
	assert_memory_equal(v[2].pv.value.binary.data, ipm[0].pv.value.binary.data,
			    ipm[0].pv.value.binary.len);
}

/* MS-OXCPRPT 3.2.5.1 on a folder: stored and computed properties, strings per the tag. */
static void test_folder_get(void **state)
{
	struct emsmdb_fixture *f = *state;
	const uint32_t tags[] = { TAG_DISPLAY_NAME_W, TAG_CONTAINER_CLASS_W, TAG_CONTENT_COUNT,
				  TAG_DISPLAY_NAME_A, TAG_DISPLAY_NAME_U, TAG_COMMENT_W };
	uint32_t inbox = open_folder(f, f->folder_ids[4]);
	struct mapi_flagged_propval *v;
	uint8_t flag;

	v = get_props(f, f, inbox, 0, false, 4, tags, &flag);
	assert_int_equal(flag, MAPI_ROW_STANDARD);
	assert_string_equal(v[0].pv.value.string, mapistore_special_folder_name(MAPISTORE_INBOX));
	assert_string_equal(v[1].pv.value.string, "IPF.Note");
	assert_int_equal(v[2].pv.value.i32, 0);
	assert_string_equal(v[3].pv.value.string8, mapistore_special_folder_name(MAPISTORE_INBOX));
	/* PtypUnspecified without WantUnicode: PtypString8; an absent property: NotFound */
	v = get_props(f, f, inbox, 0, false, 6, tags, &flag);
	assert_int_equal(flag, MAPI_ROW_FLAGGED);
	assert_int_equal(v[4].pv.tag, TAG_DISPLAY_NAME_A);
	assert_int_equal(v[5].flag, MAPI_PROPVAL_ERROR);
	assert_int_equal(v[5].pv.value.error_code, MAPI_E_NOT_FOUND);
}

/* MS-OXCPRPT 2.2.5, 2.2.7 on a folder: committed at once, problems per property. */
static void test_folder_set_delete(void **state)
{
	struct emsmdb_fixture *f = *state;
	uint32_t inbox = open_folder(f, f->folder_ids[4]);
	struct emsmdb_folder *folder = emsmdb_folder_of(object(f, inbox));
	struct mapi_propval set[3];
	struct rop_response response;
	struct rop_request r = rop(RopDeleteProperties);
	struct mapistore_folder *fresh;
	struct mapi_flagged_propval stored;
	uint32_t comment = TAG_COMMENT_W, del[] = { TAG_COMMENT_W };

	set[0] = string_value(TAG_COMMENT_W, russian);
	memset(&set[1], 0, sizeof(set[1]));
	set[1].tag = TAG_FOLDER_ID;		/* computed: read-only */
	set[1].value.i64 = 42;
	memset(&set[2], 0, sizeof(set[2]));
	set[2].tag = 0x6601000Au;		/* PtypErrorCode is no value to set */
	set[2].value.error_code = 1;
	assert_int_equal(set_props(f, f, inbox, 3, set, &response), MAPI_E_SUCCESS);
	assert_int_equal(response.u.set_properties.u.ok.property_problem_count, 2);
	assert_int_equal(response.u.set_properties.u.ok.property_problems[0].index, 1);
	assert_int_equal(response.u.set_properties.u.ok.property_problems[0].property_tag, TAG_FOLDER_ID);
	assert_int_equal(response.u.set_properties.u.ok.property_problems[0].error_code, MAPI_E_NO_ACCESS);
	assert_int_equal(response.u.set_properties.u.ok.property_problems[1].index, 2);
	assert_int_equal(response.u.set_properties.u.ok.property_problems[1].error_code,
			 MAPI_E_INVALID_TYPE);
	/* durable: another mapistore folder of the same id sees it, byte for byte */
	assert_int_equal(mapistore_folder_open(folder->logon->store, f, folder->fid, &fresh),
			 MAPI_E_SUCCESS);
	assert_int_equal(mapistore_folder_get_props(fresh, f, 1, &comment, &stored), MAPI_E_SUCCESS);
	assert_int_equal(stored.flag, MAPI_PROPVAL_PRESENT);
	assert_memory_equal(stored.pv.value.string, russian, sizeof(russian));

	r.u.delete_properties.property_tag_count = 1;
	r.u.delete_properties.property_tags = del;
	assert_int_equal(emsmdb_fixture_rop(f, NULL, f, &r, inbox, NULL, NULL, &response), MAPI_E_SUCCESS);
	assert_int_equal(mapistore_folder_get_props(fresh, f, 1, &comment, &stored), MAPI_E_SUCCESS);
	assert_int_not_equal(stored.flag, MAPI_PROPVAL_PRESENT);
	/* a sibling's name: ecDuplicateName for it, the rest is set */
	set[0] = string_value(TAG_DISPLAY_NAME_W, mapistore_special_folder_name(MAPISTORE_OUTBOX));
	set[1] = string_value(TAG_COMMENT_W, japanese);
	assert_int_equal(set_props(f, f, inbox, 2, set, &response), MAPI_E_SUCCESS);
	assert_int_equal(response.u.set_properties.u.ok.property_problem_count, 1);
	assert_int_equal(response.u.set_properties.u.ok.property_problems[0].index, 0);
	assert_int_equal(response.u.set_properties.u.ok.property_problems[0].error_code, MAPI_E_COLLISION);
	assert_int_equal(mapistore_folder_get_props(fresh, f, 1, &comment, &stored), MAPI_E_SUCCESS);
	assert_string_equal(stored.pv.value.string, japanese);
	set[0] = string_value(TAG_COMMENT_W, russian);
	/* the NoReplicate form is the same */
	r = rop(RopSetPropertiesNoReplicate);
	r.u.set_properties_no_replicate.property_value_count = 1;
	r.u.set_properties_no_replicate.property_values = set;
	assert_int_equal(emsmdb_fixture_rop(f, NULL, f, &r, inbox, NULL, NULL, &response), MAPI_E_SUCCESS);
	assert_int_equal(mapistore_folder_get_props(fresh, f, 1, &comment, &stored), MAPI_E_SUCCESS);
	assert_string_equal(stored.pv.value.string, russian);
}

/* Unicode strings of three scripts read back byte for byte; PtypString8 in code page 1252. */
static void test_strings(void **state)
{
	struct emsmdb_fixture *f = *state;
	struct emsmdb_message *message;
	uint32_t handle = new_message(f, &message);
	const uint32_t tags[] = { TAG_SUBJECT_W, TAG_COMMENT_W, TAG_ATTACH_FILENAME_W,
				  0x0037001Eu, TAG_COMMENT_A, TAG_COMMENT_U };
	struct mapi_propval set[3];
	struct mapi_flagged_propval *v, stored;
	struct rop_response response;
	uint32_t comment = TAG_COMMENT_W;

	f->session->code_page = 1252;
	set[0] = string_value(TAG_SUBJECT_W, russian);
	set[1] = string_value(TAG_COMMENT_W, japanese);
	set[2] = string_value(TAG_ATTACH_FILENAME_W, french);
	assert_int_equal(set_props(f, f, handle, 3, set, &response), MAPI_E_SUCCESS);
	assert_int_equal(response.u.set_properties.u.ok.property_problem_count, 0);
	v = get_props(f, f, handle, 0, true, 6, tags, NULL);
	assert_memory_equal(v[0].pv.value.string, russian, sizeof(russian));
	assert_memory_equal(v[1].pv.value.string, japanese, sizeof(japanese));
	assert_memory_equal(v[2].pv.value.string, french, sizeof(french));
	/* in code page 1252: Windows' best fit, '?' for what has none */
	assert_string_equal(v[3].pv.value.string8, "Privet, mir");
	assert_string_equal(v[4].pv.value.string8, "?????");

	/* a PtypString8 value is in the session's code page and kept as Unicode */
	set[0].tag = TAG_COMMENT_A;
	set[0].value.string8 = "caf\xe9 \x80";
	assert_int_equal(set_props(f, f, handle, 1, set, &response), MAPI_E_SUCCESS);
	assert_int_equal(mapistore_message_get_props(message->msg, f, 1, &comment, &stored),
			 MAPI_E_SUCCESS);
	assert_int_equal(stored.pv.tag, TAG_COMMENT_W);
	assert_string_equal(stored.pv.value.string, "caf\xc3\xa9 \xe2\x82\xac");
	v = get_props(f, f, handle, 0, false, 6, tags, NULL);
	assert_string_equal(v[1].pv.value.string, "caf\xc3\xa9 \xe2\x82\xac");
	assert_string_equal(v[4].pv.value.string8, "caf\xe9 \x80");
	assert_int_equal(v[5].pv.tag, TAG_COMMENT_A);
	assert_string_equal(v[5].pv.value.string8, "caf\xe9 \x80");
}

static bool list_has(const uint32_t *tags, uint16_t count, uint32_t tag)
{
	uint16_t i;

	for (i = 0; i < count; i++) {
		if (tags[i] == tag) {
			return true;
		}
	}
	return false;
}

/* MS-OXCPRPT 3.2.5.2, 2.2.4 on a message and on the logon. */
static void test_get_all_and_list(void **state)
{
	struct emsmdb_fixture *f = *state;
	uint32_t handle = new_message(f, NULL);
	struct rop_request r = rop(RopGetPropertiesAll);
	struct rop_response response;
	struct mapi_propval set[2];
	bool subject = false, importance = false;
	uint16_t i;

	set[0] = string_value(TAG_SUBJECT_W, japanese);
	memset(&set[1], 0, sizeof(set[1]));
	set[1].tag = TAG_IMPORTANCE;
	set[1].value.i32 = 2;
	assert_int_equal(set_props(f, f, handle, 2, set, &response), MAPI_E_SUCCESS);

	r.u.get_properties_all.want_unicode = 1;
	assert_int_equal(emsmdb_fixture_rop(f, NULL, f, &r, handle, NULL, NULL, &response), MAPI_E_SUCCESS);
	for (i = 0; i < response.u.get_properties_all.u.ok.property_value_count; i++) {
		const struct mapi_propval *pv = &response.u.get_properties_all.u.ok.property_values[i];

		if (pv->tag == TAG_SUBJECT_W) {
			subject = strcmp(pv->value.string, japanese) == 0;
		}
		if (pv->tag == TAG_IMPORTANCE) {
			importance = pv->value.i32 == 2;
		}
	}
	assert_true(subject);
	assert_true(importance);

	r = rop(RopGetPropertiesList);
	assert_int_equal(emsmdb_fixture_rop(f, NULL, f, &r, handle, NULL, NULL, &response), MAPI_E_SUCCESS);
	assert_true(list_has(response.u.get_properties_list.u.ok.property_tags,
			     response.u.get_properties_list.u.ok.property_tag_count, TAG_SUBJECT_W));
	assert_true(list_has(response.u.get_properties_list.u.ok.property_tags,
			     response.u.get_properties_list.u.ok.property_tag_count, TAG_IMPORTANCE));
	/* the logon lists the store's properties, not the root folder's own */
	assert_int_equal(emsmdb_fixture_rop(f, NULL, f, &r, f->logon_handle, NULL, NULL, &response),
			 MAPI_E_SUCCESS);
	assert_true(list_has(response.u.get_properties_list.u.ok.property_tags,
			     response.u.get_properties_list.u.ok.property_tag_count,
			     TAG_MAILBOX_OWNER_NAME_W));
	assert_false(list_has(response.u.get_properties_list.u.ok.property_tags,
			      response.u.get_properties_list.u.ok.property_tag_count, TAG_FOLDER_ID));
}

static struct rop_property_name string_name(TALLOC_CTX *mem_ctx, const uint8_t guid[16],
					    const char *ascii)
{
	struct rop_property_name n;
	size_t i, len = strlen(ascii);

	memset(&n, 0, sizeof(n));
	n.kind = 0x01;
	memcpy(n.guid.bytes, guid, 16);
	n.name_size = (uint8_t)(2 * len + 2);
	n.name = talloc_zero_array(mem_ctx, uint8_t, n.name_size);
	for (i = 0; i < len; i++) {
		n.name[2 * i] = (uint8_t)ascii[i];
	}
	return n;
}

static uint32_t ids_from_names(struct emsmdb_fixture *f, struct emsmdb_session *session,
			       uint32_t handle, uint8_t flags, uint16_t count,
			       struct rop_property_name *names, uint16_t *ids)
{
	struct rop_request r = rop(RopGetPropertyIdsFromNames);
	struct rop_response response;
	uint32_t status;

	r.u.get_property_ids_from_names.flags = flags;
	r.u.get_property_ids_from_names.property_name_count = count;
	r.u.get_property_ids_from_names.property_names = names;
	status = emsmdb_fixture_rop(f, session, f, &r, handle, NULL, NULL, &response);
	if (status == MAPI_E_SUCCESS) {
		assert_int_equal(response.u.get_property_ids_from_names.u.ok.property_id_count, count);
		memcpy(ids, response.u.get_property_ids_from_names.u.ok.property_ids, count * 2);
	}
	return status;
}

/* MS-OXCPRPT 2.2.12, 3.2.5.9, 3.2.5.6: named properties, stable across sessions. */
static void test_named_properties(void **state)
{
	static const uint8_t ps_public_strings[16] = { 0x29, 0x03, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00,
						       0xC0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x46 };
	static const uint8_t ps_mapi[16] = { 0x28, 0x03, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00,
					     0xC0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x46 };
	static const uint8_t psetid_common[16] = { 0x08, 0x85, 0x06, 0x00, 0x00, 0x00, 0x00, 0x00,
						   0xC0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x46 };
	struct emsmdb_fixture *f = *state;
	struct rop_property_name names[3];
	struct rop_request r;
	struct rop_response response;
	struct emsmdb_session *other;
	uint32_t other_logon = 0;
	uint16_t ids[3], again[3], query_ids[2] = { 0, 0x0037 };
	uint16_t i;

	names[0] = string_name(f, ps_public_strings, "Keywords-Test");
	memset(&names[1], 0, sizeof(names[1]));
	memcpy(names[1].guid.bytes, psetid_common, 16);
	names[1].lid = 0x8501;
	memset(&names[2], 0, sizeof(names[2]));
	memcpy(names[2].guid.bytes, ps_mapi, 16);
	names[2].lid = 0x0037;

	/* without Create: unknown names are 0 */
	assert_int_equal(ids_from_names(f, NULL, f->logon_handle, 0, 2, names, ids), MAPI_E_SUCCESS);
	assert_int_equal(ids[0], 0);
	assert_int_equal(ids[1], 0);
	assert_int_equal(ids_from_names(f, NULL, f->logon_handle, EMSMDB_NAMED_CREATE, 3, names, ids),
			 MAPI_E_SUCCESS);
	assert_true(ids[0] >= 0x8000 && ids[1] >= 0x8000 && ids[0] != ids[1]);
	assert_int_equal(ids[2], 0x0037);	/* PS_MAPI: the tagged property */
	/* stable: from a folder, and from another session of the mailbox */
	assert_int_equal(ids_from_names(f, NULL, open_folder(f, f->folder_ids[4]), 0, 3, names, again),
			 MAPI_E_SUCCESS);
	assert_memory_equal(ids, again, sizeof(ids));
	other = emsmdb_fixture_session(f, FIXTURE_OWNER_SID, &other_logon);
	assert_int_equal(ids_from_names(f, other, other_logon, 0, 3, names, again), MAPI_E_SUCCESS);
	assert_memory_equal(ids, again, sizeof(ids));

	/* and back */
	r = rop(RopGetNamesFromPropertyIds);
	query_ids[0] = ids[0];
	r.u.get_names_from_property_ids.property_id_count = 2;
	r.u.get_names_from_property_ids.property_ids = query_ids;
	assert_int_equal(emsmdb_fixture_rop(f, NULL, f, &r, f->logon_handle, NULL, NULL, &response),
			 MAPI_E_SUCCESS);
	assert_int_equal(response.u.get_names_from_property_ids.u.ok.property_name_count, 2);
	assert_int_equal(response.u.get_names_from_property_ids.u.ok.property_names[0].kind, 0x01);
	assert_int_equal(response.u.get_names_from_property_ids.u.ok.property_names[0].name_size,
			 names[0].name_size);
	assert_memory_equal(response.u.get_names_from_property_ids.u.ok.property_names[0].name,
			    names[0].name, names[0].name_size);
	assert_int_equal(response.u.get_names_from_property_ids.u.ok.property_names[1].kind, 0x00);
	assert_int_equal(response.u.get_names_from_property_ids.u.ok.property_names[1].lid, 0x0037);
	assert_memory_equal(response.u.get_names_from_property_ids.u.ok.property_names[1].guid.bytes,
			    ps_mapi, 16);
	query_ids[0] = 0xFFF0;	/* nobody named it */
	r.u.get_names_from_property_ids.property_id_count = 1;
	assert_int_equal(emsmdb_fixture_rop(f, NULL, f, &r, f->logon_handle, NULL, NULL, &response),
			 MAPI_E_SUCCESS);
	assert_int_equal(response.u.get_names_from_property_ids.u.ok.property_names[0].kind, 0xFF);

	/* RopQueryNamedProperties: every name, or those of a GUID, or no strings */
	r = rop(RopQueryNamedProperties);
	r.u.query_named_properties.has_guid = 1;
	memcpy(r.u.query_named_properties.property_guid.bytes, psetid_common, 16);
	assert_int_equal(emsmdb_fixture_rop(f, NULL, f, &r, f->logon_handle, NULL, NULL, &response),
			 MAPI_E_SUCCESS);
	assert_int_equal(response.u.query_named_properties.u.ok.id_count, 1);
	assert_int_equal(response.u.query_named_properties.u.ok.property_ids[0], ids[1]);
	assert_int_equal(response.u.query_named_properties.u.ok.property_names[0].lid, 0x8501);
	r.u.query_named_properties.has_guid = 0;
	r.u.query_named_properties.query_flags = EMSMDB_QUERY_NO_IDS;
	assert_int_equal(emsmdb_fixture_rop(f, NULL, f, &r, f->logon_handle, NULL, NULL, &response),
			 MAPI_E_SUCCESS);
	for (i = 0; i < response.u.query_named_properties.u.ok.id_count; i++) {
		assert_int_equal(response.u.query_named_properties.u.ok.property_names[i].kind, 0x01);
	}
	assert_true(response.u.query_named_properties.u.ok.id_count >= 1);
	/* other QueryFlags bits are ignored (MS-OXCPRPT 3.2.5.6) */
	r.u.query_named_properties.query_flags = 0x80 | EMSMDB_QUERY_NO_STRINGS;
	assert_int_equal(emsmdb_fixture_rop(f, NULL, f, &r, f->logon_handle, NULL, NULL, &response),
			 MAPI_E_SUCCESS);
	assert_int_equal(response.u.query_named_properties.u.ok.id_count, 1);
	assert_int_equal(response.u.query_named_properties.u.ok.property_ids[0], ids[1]);

	/* no names: the ids of every named property */
	r = rop(RopGetPropertyIdsFromNames);
	assert_int_equal(emsmdb_fixture_rop(f, NULL, f, &r, f->logon_handle, NULL, NULL, &response),
			 MAPI_E_SUCCESS);
	assert_int_equal(response.u.get_property_ids_from_names.u.ok.property_id_count, 2);
	assert_true(response.u.get_property_ids_from_names.u.ok.property_ids[0] == ids[0] ||
		    response.u.get_property_ids_from_names.u.ok.property_ids[1] == ids[0]);
	/* PS_MAPI by string: no id, even with Create */
	names[2] = string_name(f, ps_mapi, "Subject");
	assert_int_equal(ids_from_names(f, NULL, f->logon_handle, EMSMDB_NAMED_CREATE, 3, names, again),
			 MAPI_E_SUCCESS);
	assert_int_equal(again[0], ids[0]);
	assert_int_equal(again[2], 0);

	/* a name of an unknown kind, an empty string name: InvalidParameter */
	names[1].kind = 0x07;
	assert_int_equal(ids_from_names(f, NULL, f->logon_handle, EMSMDB_NAMED_CREATE, 2, names, ids),
			 MAPI_E_INVALID_PARAMETER);
	names[1] = string_name(f, ps_public_strings, "");
	assert_int_equal(ids_from_names(f, NULL, f->logon_handle, EMSMDB_NAMED_CREATE, 2, names, ids),
			 MAPI_E_INVALID_PARAMETER);
}

/* Runs one copy ROP with the source at handle index 0 and the destination at 1. */
static struct rop_response run_copy(struct emsmdb_fixture *f, struct rop_request *r, uint32_t src,
				    uint32_t dest)
{
	uint32_t handles[2] = { src, dest };
	struct rop_response_list out;

	emsmdb_fixture_run(f, NULL, f, r, 1, handles, 2, NULL, &out);
	assert_int_equal(out.count, 1);
	return out.rops[0];
}

static struct rop_request copy_properties(uint8_t flags, uint16_t count, uint32_t *tags)
{
	struct rop_request r = rop(RopCopyProperties);

	r.u.copy_properties.source_handle_index = 0;
	r.u.copy_properties.dest_handle_index = 1;
	r.u.copy_properties.copy_flags = flags;
	r.u.copy_properties.property_tag_count = count;
	r.u.copy_properties.property_tags = tags;
	return r;
}

/* MS-OXCPRPT 2.2.10 RopCopyProperties between messages; its errors. */
static void test_copy_properties(void **state)
{
	struct emsmdb_fixture *f = *state;
	struct emsmdb_message *m1, *m2;
	uint32_t h1 = new_message(f, &m1), h2 = new_message(f, &m2);
	uint32_t tags[] = { TAG_SUBJECT_W, TAG_COMMENT_W, TAG_BODY_W };
	uint32_t subject = TAG_SUBJECT_W, body = TAG_BODY_W;
	struct mapi_propval set[2];
	struct mapi_flagged_propval v;
	struct rop_response response;
	struct rop_request r;

	set[0] = string_value(TAG_SUBJECT_W, russian);
	set[1] = string_value(TAG_BODY_W, french);
	assert_int_equal(set_props(f, f, h1, 2, set, &response), MAPI_E_SUCCESS);
	set[0] = string_value(TAG_SUBJECT_W, "kept");
	assert_int_equal(set_props(f, f, h2, 1, set, &response), MAPI_E_SUCCESS);

	/* NoOverwrite keeps m2's subject; PidTagComment is absent: NotFound problem */
	r = copy_properties(EMSMDB_COPY_NO_OVERWRITE, 3, tags);
	response = run_copy(f, &r, h1, h2);
	assert_int_equal(response.u.copy_properties.return_value, MAPI_E_SUCCESS);
	assert_int_equal(response.u.copy_properties.u.ok.property_problem_count, 1);
	assert_int_equal(response.u.copy_properties.u.ok.property_problems[0].index, 1);
	assert_int_equal(response.u.copy_properties.u.ok.property_problems[0].error_code,
			 MAPI_E_NOT_FOUND);
	assert_int_equal(mapistore_message_get_props(m2->msg, f, 1, &subject, &v), MAPI_E_SUCCESS);
	assert_string_equal(v.pv.value.string, "kept");
	assert_int_equal(mapistore_message_get_props(m2->msg, f, 1, &body, &v), MAPI_E_SUCCESS);
	assert_string_equal(v.pv.value.string, french);

	/* Move: the destination gets it, the source loses it */
	r = copy_properties(EMSMDB_COPY_MOVE, 1, tags);
	response = run_copy(f, &r, h1, h2);
	assert_int_equal(response.u.copy_properties.return_value, MAPI_E_SUCCESS);
	assert_int_equal(mapistore_message_get_props(m2->msg, f, 1, &subject, &v), MAPI_E_SUCCESS);
	assert_string_equal(v.pv.value.string, russian);
	assert_int_equal(mapistore_message_get_props(m1->msg, f, 1, &subject, &v), MAPI_E_SUCCESS);
	assert_int_not_equal(v.flag, MAPI_PROPVAL_PRESENT);

	/* nothing at DestHandleIndex: the NullDestinationObject form */
	r = copy_properties(0, 1, tags);
	response = run_copy(f, &r, h1, EMSMDB_HANDLE_NONE);
	assert_int_equal(response.u.copy_properties.return_value, EC_NULL_DESTINATION_OBJECT);
	assert_int_equal(response.u.copy_properties.u.null_destination.dest_handle_index, 1);
	/* another type of object: NotSupported; unknown flags: InvalidParameter */
	response = run_copy(f, &r, h1, open_folder(f, f->folder_ids[4]));
	assert_int_equal(response.u.copy_properties.return_value, MAPI_E_NO_SUPPORT);
	r = copy_properties(0x80, 1, tags);
	response = run_copy(f, &r, h1, h2);
	assert_int_equal(response.u.copy_properties.return_value, MAPI_E_INVALID_PARAMETER);
	/* the logon copies nothing */
	r = copy_properties(0, 1, tags);
	response = run_copy(f, &r, f->logon_handle, h2);
	assert_int_equal(response.u.copy_properties.return_value, EC_NULL_OBJECT);
}

/* MS-OXCPRPT 2.2.11 RopCopyTo: everything but the excluded, recipients and attachments too. */
static void test_copy_to(void **state)
{
	struct emsmdb_fixture *f = *state;
	struct emsmdb_message *m1, *m2, *m3;
	uint32_t h1 = new_message(f, &m1), h2 = new_message(f, &m2), h3 = new_message(f, &m3);
	uint32_t excluded[] = { TAG_BODY_W }, subject = TAG_SUBJECT_W, body = TAG_BODY_W;
	struct mapi_propval set[2];
	struct mapi_flagged_propval v;
	struct rop_response response;
	struct rop_request r = rop(RopCopyTo);
	uint32_t count = 0, *nums = NULL;

	set[0] = string_value(TAG_SUBJECT_W, japanese);
	set[1] = string_value(TAG_BODY_W, french);
	assert_int_equal(set_props(f, f, h1, 2, set, &response), MAPI_E_SUCCESS);
	{
		struct emsmdb_attachment *att;

		new_attachment(f, m1, &att);
		assert_int_equal(mapistore_attachment_save(att->att), MAPI_E_SUCCESS);
	}

	r.u.copy_to.dest_handle_index = 1;
	r.u.copy_to.excluded_tag_count = 1;
	r.u.copy_to.excluded_tags = excluded;
	r.u.copy_to.want_asynchronous = 1;	/* answered synchronously */
	response = run_copy(f, &r, h1, h2);
	assert_int_equal(response.u.copy_to.return_value, MAPI_E_SUCCESS);
	assert_int_equal(response.u.copy_to.u.ok.property_problem_count, 0);
	assert_int_equal(mapistore_message_get_props(m2->msg, f, 1, &subject, &v), MAPI_E_SUCCESS);
	assert_string_equal(v.pv.value.string, japanese);
	assert_int_equal(mapistore_message_get_props(m2->msg, f, 1, &body, &v), MAPI_E_SUCCESS);
	assert_int_not_equal(v.flag, MAPI_PROPVAL_PRESENT);
	assert_int_equal(mapistore_message_attachment_nums(m2->msg, f, &count, &nums), MAPI_E_SUCCESS);
	assert_int_equal(count, 0);	/* no WantSubObjects */

	r.u.copy_to.want_sub_objects = 1;
	r.u.copy_to.excluded_tag_count = 0;
	response = run_copy(f, &r, h1, h3);
	assert_int_equal(response.u.copy_to.return_value, MAPI_E_SUCCESS);
	assert_int_equal(mapistore_message_attachment_nums(m3->msg, f, &count, &nums), MAPI_E_SUCCESS);
	assert_int_equal(count, 1);
	assert_int_equal(mapistore_message_get_props(m3->msg, f, 1, &body, &v), MAPI_E_SUCCESS);
	assert_string_equal(v.pv.value.string, french);

	/* folder to folder: the folder's properties */
	set[0] = string_value(TAG_COMMENT_W, russian);
	{
		uint32_t inbox = open_folder(f, f->folder_ids[4]), outbox = open_folder(f, f->folder_ids[5]);
		uint32_t comment = TAG_COMMENT_W;
		struct emsmdb_folder *dest = emsmdb_folder_of(object(f, outbox));

		assert_int_equal(set_props(f, f, inbox, 1, set, &response), MAPI_E_SUCCESS);
		r.u.copy_to.want_sub_objects = 0;
		excluded[0] = TAG_DISPLAY_NAME_W;
		r.u.copy_to.excluded_tag_count = 1;
		response = run_copy(f, &r, inbox, outbox);
		assert_int_equal(response.u.copy_to.return_value, MAPI_E_SUCCESS);
		assert_int_equal(mapistore_folder_get_props(dest->folder, f, 1, &comment, &v),
				 MAPI_E_SUCCESS);
		assert_string_equal(v.pv.value.string, russian);
	}
	/* with its display name, which a sibling has: that one is a problem, the rest is copied */
	{
		uint32_t inbox = open_folder(f, f->folder_ids[4]), sent = open_folder(f, f->folder_ids[6]);
		uint32_t comment = TAG_COMMENT_W, name = TAG_DISPLAY_NAME_W;
		struct emsmdb_folder *dest = emsmdb_folder_of(object(f, sent));
		uint16_t p;
		bool collision = false;

		r.u.copy_to.excluded_tag_count = 0;
		response = run_copy(f, &r, inbox, sent);
		assert_int_equal(response.u.copy_to.return_value, MAPI_E_SUCCESS);
		for (p = 0; p < response.u.copy_to.u.ok.property_problem_count; p++) {
			collision |= response.u.copy_to.u.ok.property_problems[p].property_tag ==
				     TAG_DISPLAY_NAME_W &&
				     response.u.copy_to.u.ok.property_problems[p].error_code ==
				     MAPI_E_COLLISION;
		}
		assert_true(collision);
		assert_int_equal(mapistore_folder_get_props(dest->folder, f, 1, &comment, &v),
				 MAPI_E_SUCCESS);
		assert_string_equal(v.pv.value.string, russian);
		assert_int_equal(mapistore_folder_get_props(dest->folder, f, 1, &name, &v),
				 MAPI_E_SUCCESS);
		assert_string_equal(v.pv.value.string, mapistore_special_folder_name(MAPISTORE_SENT_ITEMS));
	}
	response = run_copy(f, &r, h1, EMSMDB_HANDLE_NONE);
	assert_int_equal(response.u.copy_to.return_value, EC_NULL_DESTINATION_OBJECT);
	assert_int_equal(response.u.copy_to.u.null_destination.dest_handle_index, 1);
}

static uint32_t open_stream(struct emsmdb_fixture *f, uint32_t handle, uint32_t tag, uint8_t mode,
			    uint32_t *stream, uint32_t *size)
{
	struct rop_request r = rop(RopOpenStream);
	struct rop_response response;
	uint32_t status;

	r.u.open_stream.property_tag = tag;
	r.u.open_stream.open_mode_flags = mode;
	status = emsmdb_fixture_rop(f, NULL, f, &r, handle, stream, NULL, &response);
	if (status == MAPI_E_SUCCESS && size != NULL) {
		*size = response.u.open_stream.u.ok.stream_size;
	}
	return status;
}

static void release(struct emsmdb_fixture *f, uint32_t handle)
{
	struct rop_request r = rop(RopRelease);

	emsmdb_fixture_rop(f, NULL, f, &r, handle, NULL, NULL, NULL);
}

static uint32_t seek(struct emsmdb_fixture *f, uint32_t stream, uint8_t origin, int64_t offset,
		     uint64_t *position)
{
	struct rop_request r = rop(RopSeekStream);
	struct rop_response response;
	uint32_t status;

	r.u.seek_stream.origin = origin;
	r.u.seek_stream.offset = (uint64_t)offset;
	status = emsmdb_fixture_rop(f, NULL, f, &r, stream, NULL, NULL, &response);
	if (status == MAPI_E_SUCCESS && position != NULL) {
		*position = response.u.seek_stream.u.ok.new_position;
	}
	return status;
}

/* Reads the whole stream from the seek pointer, in chunks of at most CHUNK (0xBABE form). */
static size_t read_all(struct emsmdb_fixture *f, uint32_t stream, uint32_t chunk, uint8_t *out,
		       size_t max)
{
	size_t total = 0;

	for (;;) {
		struct rop_request r = rop(RopReadStream);
		struct rop_response response;

		r.u.read_stream.byte_count = EMSMDB_READ_STREAM_MAXIMUM;
		r.u.read_stream.maximum_byte_count = chunk;
		assert_int_equal(emsmdb_fixture_rop(f, NULL, f, &r, stream, NULL, NULL, &response),
				 MAPI_E_SUCCESS);
		if (response.u.read_stream.u.result.data_size == 0) {
			return total;
		}
		assert_true(response.u.read_stream.u.result.data_size <= chunk);
		assert_true(total + response.u.read_stream.u.result.data_size <= max);
		memcpy(out + total, response.u.read_stream.u.result.data,
		       response.u.read_stream.u.result.data_size);
		total += response.u.read_stream.u.result.data_size;
	}
}

/*
 * MS-OXCPRPT 2.2.14 to 2.2.22: 100 KB of attachment data written in
 * chunks, committed, read back in chunks byte for byte; seek, size, clone,
 * copy to stream.  In a property row the value is too large
 * (NotEnoughMemory); through the stream it reads whole.
 */
static void test_attachment_stream(void **state)
{
	enum { SIZE = 100 * 1024, CHUNK = 7000 };
	struct emsmdb_fixture *f = *state;
	struct emsmdb_message *message;
	struct emsmdb_attachment *att;
	uint32_t msg = new_message(f, &message), handle = new_attachment(f, message, &att);
	uint32_t stream = 0, clone = 0, other = 0, size = 0, tag = TAG_ATTACH_DATA_BINARY;
	const uint32_t tags[] = { TAG_ATTACH_DATA_BINARY, TAG_ATTACH_FILENAME_W };
	uint8_t *data = talloc_array(f, uint8_t, SIZE), *back = talloc_array(f, uint8_t, SIZE + 16);
	struct mapi_flagged_propval *v, stored;
	struct rop_response response;
	struct rop_request r;
	uint64_t position = 0;
	size_t i, got;
	uint8_t flag;

	(void)msg;
	for (i = 0; i < SIZE; i++) {
		data[i] = (uint8_t)(i * 7 + (i >> 8));
	}
	assert_int_equal(open_stream(f, handle, tag, MAPISTORE_STREAM_CREATE, &stream, &size),
			 MAPI_E_SUCCESS);
	assert_int_equal(size, 0);
	for (i = 0; i < SIZE; i += CHUNK) {
		r = rop(RopWriteStream);
		r.u.write_stream.data_size = (uint16_t)(SIZE - i < CHUNK ? SIZE - i : CHUNK);
		r.u.write_stream.data = data + i;
		assert_int_equal(emsmdb_fixture_rop(f, NULL, f, &r, stream, NULL, NULL, &response),
				 MAPI_E_SUCCESS);
		assert_int_equal(response.u.write_stream.u.result.written_size, r.u.write_stream.data_size);
	}
	r = rop(RopGetStreamSize);
	assert_int_equal(emsmdb_fixture_rop(f, NULL, f, &r, stream, NULL, NULL, &response), MAPI_E_SUCCESS);
	assert_int_equal(response.u.get_stream_size.u.ok.stream_size, SIZE);
	r = rop(RopCommitStream);
	assert_int_equal(emsmdb_fixture_rop(f, NULL, f, &r, stream, NULL, NULL, NULL), MAPI_E_SUCCESS);
	/* the attachment has it now, byte for byte */
	assert_int_equal(mapistore_attachment_get_props(att->att, f, 1, &tag, &stored), MAPI_E_SUCCESS);
	assert_int_equal(stored.flag, MAPI_PROPVAL_PRESENT);
	assert_int_equal(stored.pv.value.binary.len, SIZE);
	assert_memory_equal(stored.pv.value.binary.data, data, SIZE);

	/* seek back and read it all in chunks */
	assert_int_equal(seek(f, stream, MAPISTORE_SEEK_SET, 0, &position), MAPI_E_SUCCESS);
	assert_int_equal(position, 0);
	got = read_all(f, stream, 5000, back, SIZE + 16);
	assert_int_equal(got, SIZE);
	assert_memory_equal(back, data, SIZE);
	/* a plain ByteCount read from the end's neighbourhood */
	assert_int_equal(seek(f, stream, MAPISTORE_SEEK_END, -10, &position), MAPI_E_SUCCESS);
	assert_int_equal(position, SIZE - 10);
	r = rop(RopReadStream);
	r.u.read_stream.byte_count = 100;
	assert_int_equal(emsmdb_fixture_rop(f, NULL, f, &r, stream, NULL, NULL, &response), MAPI_E_SUCCESS);
	assert_int_equal(response.u.read_stream.u.result.data_size, 10);
	assert_memory_equal(response.u.read_stream.u.result.data, data + SIZE - 10, 10);

	/* too large for a row: NotEnoughMemory, as Exchange answers */
	v = get_props(f, f, handle, 0, true, 2, tags, &flag);
	assert_int_equal(flag, MAPI_ROW_FLAGGED);
	assert_int_equal(v[0].flag, MAPI_PROPVAL_ERROR);
	assert_int_equal(v[0].pv.value.error_code, MAPI_E_NOT_ENOUGH_MEMORY);

	/* a clone: the same bytes, the same seek pointer, a pointer of its own */
	assert_int_equal(seek(f, stream, MAPISTORE_SEEK_SET, 1000, NULL), MAPI_E_SUCCESS);
	r = rop(RopCloneStream);
	assert_int_equal(emsmdb_fixture_rop(f, NULL, f, &r, stream, &clone, NULL, NULL), MAPI_E_SUCCESS);
	assert_int_equal(seek(f, clone, MAPISTORE_SEEK_CUR, 0, &position), MAPI_E_SUCCESS);
	assert_int_equal(position, 1000);
	got = read_all(f, clone, 30000, back, SIZE + 16);
	assert_int_equal(got, SIZE - 1000);
	assert_memory_equal(back, data + 1000, SIZE - 1000);
	assert_int_equal(seek(f, stream, MAPISTORE_SEEK_CUR, 0, &position), MAPI_E_SUCCESS);
	assert_int_equal(position, 1000);

	/* RopCopyToStream: 3000 bytes from 1000 into a new stream of the message */
	assert_int_equal(open_stream(f, msg, 0x10090102u, MAPISTORE_STREAM_CREATE, &other, NULL),
			 MAPI_E_SUCCESS);
	{
		uint32_t handles[2] = { stream, other };
		struct rop_response_list out;
		uint32_t rtf = 0x10090102u;

		r = rop(RopCopyToStream);
		r.u.copy_to_stream.dest_handle_index = 1;
		r.u.copy_to_stream.byte_count = 3000;
		emsmdb_fixture_run(f, NULL, f, &r, 1, handles, 2, NULL, &out);
		assert_int_equal(out.rops[0].u.copy_to_stream.return_value, MAPI_E_SUCCESS);
		assert_int_equal(out.rops[0].u.copy_to_stream.u.result.read_byte_count, 3000);
		assert_int_equal(out.rops[0].u.copy_to_stream.u.result.written_byte_count, 3000);
		/* released without RopCommitStream: the message has it all the same */
		release(f, other);
		assert_int_equal(mapistore_message_get_props(message->msg, f, 1, &rtf, &stored),
				 MAPI_E_SUCCESS);
		assert_int_equal(stored.flag, MAPI_PROPVAL_PRESENT);
		assert_int_equal(stored.pv.value.binary.len, 3000);
		assert_memory_equal(stored.pv.value.binary.data, data + 1000, 3000);
		/* no destination */
		handles[1] = EMSMDB_HANDLE_NONE;
		emsmdb_fixture_run(f, NULL, f, &r, 1, handles, 2, NULL, &out);
		assert_int_equal(out.rops[0].u.copy_to_stream.return_value, EC_NULL_DESTINATION_OBJECT);
		assert_int_equal(out.rops[0].u.copy_to_stream.u.null_destination.dest_handle_index, 1);
	}

	/* RopSetStreamSize truncates; a seek past the end extends with zeros */
	r = rop(RopSetStreamSize);
	r.u.set_stream_size.stream_size = 10;
	assert_int_equal(emsmdb_fixture_rop(f, NULL, f, &r, stream, NULL, NULL, NULL), MAPI_E_SUCCESS);
	assert_int_equal(seek(f, stream, MAPISTORE_SEEK_SET, 20, &position), MAPI_E_SUCCESS);
	r = rop(RopGetStreamSize);
	assert_int_equal(emsmdb_fixture_rop(f, NULL, f, &r, stream, NULL, NULL, &response), MAPI_E_SUCCESS);
	assert_int_equal(response.u.get_stream_size.u.ok.stream_size, 20);
	r = rop(RopWriteStreamExtended);
	r.u.write_stream_extended.data_size = 0;
	r.u.write_stream_extended.data = data;
	assert_int_equal(emsmdb_fixture_rop(f, NULL, f, &r, stream, NULL, NULL, &response), MAPI_E_SUCCESS);
	assert_int_equal(response.u.write_stream_extended.u.result.written_size, 0);
		r = rop(RopWriteAndCommitStream);
	r.u.write_and_commit_stream.data_size = 2;
	r.u.write_and_commit_stream.data = data;
	assert_int_equal(emsmdb_fixture_rop(f, NULL, f, &r, stream, NULL, NULL, &response), MAPI_E_SUCCESS);
	assert_int_equal(response.u.write_and_commit_stream.u.result.written_size, 2);
	assert_int_equal(mapistore_attachment_get_props(att->att, f, 1, &tag, &stored), MAPI_E_SUCCESS);
	assert_int_equal(stored.pv.value.binary.len, 22);
	assert_memory_equal(stored.pv.value.binary.data, data, 10);
	assert_int_equal(stored.pv.value.binary.data[15], 0);
	assert_memory_equal(stored.pv.value.binary.data + 20, data, 2);
	/* now small enough for a row */
	v = get_props(f, f, handle, 0, true, 1, tags, NULL);
	assert_int_equal(v[0].flag, MAPI_PROPVAL_PRESENT);
	assert_int_equal(v[0].pv.value.binary.len, 22);
	/* ... unless PropertySizeLimit is smaller */
	v = get_props(f, f, handle, 16, true, 1, tags, NULL);
	assert_int_equal(v[0].flag, MAPI_PROPVAL_ERROR);
	assert_int_equal(v[0].pv.value.error_code, MAPI_E_NOT_ENOUGH_MEMORY);

	r = rop(RopLockRegionStream);
	r.u.lock_region_stream.region_size = 10;
	assert_int_equal(emsmdb_fixture_rop(f, NULL, f, &r, stream, NULL, NULL, NULL), MAPI_E_SUCCESS);
	r = rop(RopUnlockRegionStream);
	r.u.unlock_region_stream.region_size = 10;
	assert_int_equal(emsmdb_fixture_rop(f, NULL, f, &r, stream, NULL, NULL, NULL), MAPI_E_SUCCESS);
	release(f, clone);
	release(f, stream);
}

/* A folder's stream: committed to storage; the wrong objects and bad requests. */
static void test_stream_errors(void **state)
{
	struct emsmdb_fixture *f = *state;
	uint32_t inbox = open_folder(f, f->folder_ids[4]);
	struct emsmdb_folder *folder = emsmdb_folder_of(object(f, inbox));
	uint32_t stream = 0, ro = 0, size = 0, tag = 0x66110102u;
	struct mapistore_folder *fresh;
	struct mapi_flagged_propval stored;
	struct rop_response response;
	struct rop_request r;
	const uint8_t bytes[] = "folder stream";

	assert_int_equal(open_stream(f, inbox, tag, MAPISTORE_STREAM_READ_ONLY, &stream, NULL),
			 MAPI_E_NOT_FOUND);
	assert_int_equal(open_stream(f, inbox, tag, 0x07, &stream, NULL), MAPI_E_INVALID_PARAMETER);
	assert_int_equal(open_stream(f, inbox, TAG_CONTENT_COUNT, MAPISTORE_STREAM_CREATE, &stream, NULL),
			 MAPI_E_NO_SUPPORT);
	assert_int_equal(open_stream(f, f->logon_handle, tag, MAPISTORE_STREAM_CREATE, &stream, NULL),
			 EC_NULL_OBJECT);
	assert_int_equal(open_stream(f, inbox, tag, MAPISTORE_STREAM_CREATE, &stream, &size),
			 MAPI_E_SUCCESS);
	r = rop(RopWriteStream);
	r.u.write_stream.data_size = sizeof(bytes);
	r.u.write_stream.data = (uint8_t *)bytes;
	assert_int_equal(emsmdb_fixture_rop(f, NULL, f, &r, stream, NULL, NULL, NULL), MAPI_E_SUCCESS);
	r = rop(RopCommitStream);
	assert_int_equal(emsmdb_fixture_rop(f, NULL, f, &r, stream, NULL, NULL, NULL), MAPI_E_SUCCESS);
	assert_int_equal(mapistore_folder_open(folder->logon->store, f, folder->fid, &fresh), MAPI_E_SUCCESS);
	assert_int_equal(mapistore_folder_get_props(fresh, f, 1, &tag, &stored), MAPI_E_SUCCESS);
	assert_int_equal(stored.pv.value.binary.len, sizeof(bytes));
	assert_memory_equal(stored.pv.value.binary.data, bytes, sizeof(bytes));

	/* read-only: writing is STG_E_ACCESSDENIED, with WrittenSize 0 */
	assert_int_equal(open_stream(f, inbox, tag, MAPISTORE_STREAM_READ_ONLY, &ro, &size), MAPI_E_SUCCESS);
	assert_int_equal(size, sizeof(bytes));
	r = rop(RopWriteStream);
	r.u.write_stream.data_size = 3;
	r.u.write_stream.data = (uint8_t *)bytes;
	assert_int_equal(emsmdb_fixture_rop(f, NULL, f, &r, ro, NULL, NULL, &response),
			 MAPI_E_STORAGE_ACCESS_DENIED);
	assert_int_equal(response.u.write_stream.u.result.written_size, 0);
	r = rop(RopWriteStreamExtended);
	r.u.write_stream_extended.data_size = 3;
	r.u.write_stream_extended.data = (uint8_t *)bytes;
	assert_int_equal(emsmdb_fixture_rop(f, NULL, f, &r, ro, NULL, NULL, &response),
			 MAPI_E_STORAGE_ACCESS_DENIED);
	assert_int_equal(response.u.write_stream_extended.u.result.written_size, 0);
	r = rop(RopWriteStreamExtended);
	r.u.write_stream_extended.data_size = 4;
	r.u.write_stream_extended.data = (uint8_t *)"more";
	assert_int_equal(emsmdb_fixture_rop(f, NULL, f, &r, stream, NULL, NULL, &response),
			 MAPI_E_SUCCESS);
	assert_int_equal(response.u.write_stream_extended.u.result.written_size, 4);
	r = rop(RopSetStreamSize);
	r.u.set_stream_size.stream_size = 1;
	assert_int_equal(emsmdb_fixture_rop(f, NULL, f, &r, ro, NULL, NULL, NULL),
			 MAPI_E_STORAGE_ACCESS_DENIED);
	r.u.set_stream_size.stream_size = 0x100000000ull;
	assert_int_equal(emsmdb_fixture_rop(f, NULL, f, &r, stream, NULL, NULL, NULL),
			 MAPI_E_STREAM_SIZE_ERROR);
	/* seek: a bad origin, before the start, past 2^31 */
	assert_int_equal(seek(f, ro, 3, 0, NULL), MAPI_E_STORAGE_INVALID_PARAMETER);
	assert_int_equal(seek(f, ro, MAPISTORE_SEEK_SET, -1, NULL), EMSMDB_STREAM_SEEK_ERROR);
	assert_int_equal(seek(f, ro, MAPISTORE_SEEK_SET, 0x100000000ll, NULL), EMSMDB_STREAM_SEEK_ERROR);
	/* a writable stream grows no further than the server lets it, and nothing moves */
	r = rop(RopSetStreamSize);
	r.u.set_stream_size.stream_size = EMSMDB_MAX_STREAM_SIZE + 1ull;
	assert_int_equal(emsmdb_fixture_rop(f, NULL, f, &r, stream, NULL, NULL, NULL),
			 MAPI_E_STREAM_SIZE_ERROR);
	{
		uint64_t position = 0;

		assert_int_equal(seek(f, stream, MAPISTORE_SEEK_SET, 3, NULL), MAPI_E_SUCCESS);
		assert_int_equal(seek(f, stream, MAPISTORE_SEEK_SET, EMSMDB_MAX_STREAM_SIZE + 1ll, NULL),
				 EMSMDB_STREAM_SEEK_ERROR);
		assert_int_equal(seek(f, stream, MAPISTORE_SEEK_CUR, 0, &position), MAPI_E_SUCCESS);
		assert_int_equal(position, 3);
		/* a read-only one may seek past its end: nothing grows */
		assert_int_equal(seek(f, ro, MAPISTORE_SEEK_SET, 1000, &position), MAPI_E_SUCCESS);
		assert_int_equal(position, 1000);
		r = rop(RopGetStreamSize);
		assert_int_equal(emsmdb_fixture_rop(f, NULL, f, &r, ro, NULL, NULL, &response),
				 MAPI_E_SUCCESS);
		assert_int_equal(response.u.get_stream_size.u.ok.stream_size, sizeof(bytes));
		assert_int_equal(seek(f, ro, MAPISTORE_SEEK_SET, 0, NULL), MAPI_E_SUCCESS);
	}
	/* RopCopyToStream onto itself */
	{
		uint32_t handles[2] = { stream, stream };
		struct rop_response_list out;

		r = rop(RopCopyToStream);
		r.u.copy_to_stream.dest_handle_index = 1;
		r.u.copy_to_stream.byte_count = 0xFFFFFFFFull;
		emsmdb_fixture_run(f, NULL, f, &r, 1, handles, 2, NULL, &out);
		assert_int_equal(out.rops[0].u.copy_to_stream.return_value, MAPI_E_INVALID_PARAMETER);
	}
	/* BestAccess on a folder: read/write */
	release(f, stream);
	assert_int_equal(open_stream(f, inbox, tag, EMSMDB_STREAM_BEST_ACCESS, &stream, &size),
			 MAPI_E_SUCCESS);
	assert_int_equal(emsmdb_stream_of(object(f, stream))->open_mode, MAPISTORE_STREAM_READ_WRITE);

	/* stream ROPs on a folder and property ROPs on a stream: ecNullObject */
	r = rop(RopReadStream);
	r.u.read_stream.byte_count = 10;
	/* in the form with DataSize, which RopReadStream has for any ReturnValue */
	assert_int_equal(emsmdb_fixture_rop(f, NULL, f, &r, inbox, NULL, NULL, &response), EC_NULL_OBJECT);
	assert_int_equal(response.u.read_stream.u.result.data_size, 0);
	r = rop(RopWriteStream);
	r.u.write_stream.data_size = 1;
	r.u.write_stream.data = (uint8_t *)bytes;
	assert_int_equal(emsmdb_fixture_rop(f, NULL, f, &r, inbox, NULL, NULL, &response), EC_NULL_OBJECT);
	assert_int_equal(response.u.write_stream.u.result.written_size, 0);
	r = rop(RopGetPropertiesList);
	assert_int_equal(emsmdb_fixture_rop(f, NULL, f, &r, stream, NULL, NULL, NULL), EC_NULL_OBJECT);
	r = rop(RopCommitStream);
	assert_int_equal(emsmdb_fixture_rop(f, NULL, f, &r, EMSMDB_HANDLE_NONE, NULL, NULL, NULL),
			 EC_NULL_OBJECT);
	/* the folder released before its stream: the stream still works */
	release(f, inbox);
	r = rop(RopReadStream);
	r.u.read_stream.byte_count = 6;
	assert_int_equal(emsmdb_fixture_rop(f, NULL, f, &r, ro, NULL, NULL, &response), MAPI_E_SUCCESS);
	assert_int_equal(response.u.read_stream.u.result.data_size, 6);
	assert_memory_equal(response.u.read_stream.u.result.data, "folder", 6);
}

/* Bad tags in a request: per-value errors, never a failed ROP. */
static void test_bad_tags(void **state)
{
	struct emsmdb_fixture *f = *state;
	uint32_t inbox = open_folder(f, f->folder_ids[4]);
	const uint32_t tags[] = { 0x3001000Au, TAG_DISPLAY_NAME_W, 0x30010003u };
	struct mapi_flagged_propval *v;
	uint8_t flag;

	v = get_props(f, f, inbox, 0, true, 3, tags, &flag);
	assert_int_equal(flag, MAPI_ROW_FLAGGED);
	assert_int_equal(v[0].flag, MAPI_PROPVAL_ERROR);
	assert_int_equal(v[0].pv.value.error_code, MAPI_E_INVALID_TYPE);
	assert_int_equal(v[1].flag, MAPI_PROPVAL_PRESENT);
	/* the display name asked as an integer: not there */
	assert_int_equal(v[2].flag, MAPI_PROPVAL_ERROR);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_logon_store_properties, emsmdb_fixture_setup,
						emsmdb_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_public_store_properties, emsmdb_fixture_setup,
						emsmdb_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_folder_get, emsmdb_fixture_setup,
						emsmdb_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_folder_set_delete, emsmdb_fixture_setup,
						emsmdb_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_strings, emsmdb_fixture_setup,
						emsmdb_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_get_all_and_list, emsmdb_fixture_setup,
						emsmdb_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_named_properties, emsmdb_fixture_setup,
						emsmdb_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_copy_properties, emsmdb_fixture_setup,
						emsmdb_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_copy_to, emsmdb_fixture_setup,
						emsmdb_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_attachment_stream, emsmdb_fixture_setup,
						emsmdb_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_stream_errors, emsmdb_fixture_setup,
						emsmdb_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_bad_tags, emsmdb_fixture_setup,
						emsmdb_fixture_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
