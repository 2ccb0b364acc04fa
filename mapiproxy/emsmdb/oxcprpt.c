/*
 * OpenChange mapiproxy EMSMDB: the property and stream ROPs of MS-OXCPRPT.
 *
 * Every handler is a thin adapter over mapistore: what it adds is the wire's
 * view of values.  mapistore keeps every string as UTF-8 (PtypString); the
 * wire carries PtypString as UTF-16 (the codec converts) and PtypString8 in
 * the session's code page (MS-OXCDATA 2.11.1, EcDoConnectEx's ulCpid), so a
 * PtypString8 value set by a client is converted to UTF-8 and kept as
 * PtypString, and read back in whichever type the request names.
 *
 * The logon's properties are the store's (MS-OXCSTOR 2.2.2): the ones that
 * describe the mailbox are computed here and read-only; anything else a
 * client sets on the logon is kept on the mailbox's root folder.
 *
 * A Stream object (objects.h struct emsmdb_stream) keeps its mapistore
 * stream under a small state of this file whose destructor commits what was
 * written and not committed when the stream is released: a client that
 * writes a message's body through a stream and releases it expects the
 * message to have it when saved.
 *
 * Copyright (C) OpenChange developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include "libmapi/codepage.h"
#include "libmapi/oxcdata_buf.h"
#include "mapiproxy/emsmdb/oxcprpt.h"

/* MS-OXPROPS tags of the store properties (MS-OXCSTOR 2.2.2.1). */
#define TAG_DISPLAY_NAME 0x3001001Fu
#define TAG_ENTRYID 0x0FFF0102u
#define TAG_RECORD_KEY 0x0FF90102u
#define TAG_STORE_RECORD_KEY 0x0FFA0102u
#define TAG_STORE_SUPPORT_MASK 0x340D0003u
#define TAG_STORE_STATE 0x340E0003u
#define TAG_IPM_SUBTREE_ENTRYID 0x35E00102u
#define TAG_IPM_OUTBOX_ENTRYID 0x35E20102u
#define TAG_IPM_WASTEBASKET_ENTRYID 0x35E30102u
#define TAG_IPM_SENTMAIL_ENTRYID 0x35E40102u
#define TAG_VIEWS_ENTRYID 0x35E50102u
#define TAG_COMMON_VIEWS_ENTRYID 0x35E60102u
#define TAG_FINDER_ENTRYID 0x35E70102u
#define TAG_USER_ENTRYID 0x66190102u
#define TAG_MAILBOX_OWNER_ENTRYID 0x661B0102u
#define TAG_MAILBOX_OWNER_NAME 0x661C001Fu
#define TAG_OUT_OF_OFFICE_STATE 0x661D000Bu
#define TAG_LOCALE_ID 0x66A10003u
#define TAG_CODE_PAGE_ID 0x66C30003u
#define TAG_MESSAGE_RECIPIENTS 0x0E12000Du
#define TAG_MESSAGE_ATTACHMENTS 0x0E13000Du

/*
 * PidTagStoreSupportMask (MS-OXCSTOR 2.2.2.1.1.1 and MS-OXPROPS): what this
 * store does: unique entry IDs, modify, create, attachments, submit,
 * notifications, multi-valued properties, restrictions, sorting, HTML and
 * Unicode.
 */
#define STORE_SUPPORT_MASK (0x00000001u | 0x00000008u | 0x00000010u | 0x00000020u | \
			    0x00000080u | 0x00000100u | 0x00000200u | 0x00001000u | \
			    0x00002000u | 0x00010000u | 0x00040000u)

/* --- objects with properties ------------------------------------------------ */

struct prop_object {
	enum emsmdb_object_type type;
	struct emsmdb_session *session;
	struct emsmdb_logon *logon;
	struct mapistore_folder *folder;	/* FOLDER; LOGON: its root, opened on demand */
	struct mapistore_message *msg;
	struct mapistore_attachment *att;
};

static enum MAPISTATUS prop_object_of(struct emsmdb_rop_ctx *ctx, struct emsmdb_object *object,
				      struct prop_object *out)
{
	memset(out, 0, sizeof(*out));
	if (object == NULL) {
		return EC_NULL_OBJECT;
	}
	out->type = object->type;
	out->session = ctx->session;
	out->logon = emsmdb_object_logon(object);
	if (out->logon == NULL || out->logon->store == NULL) {
		return EC_NULL_OBJECT;
	}
	switch (object->type) {
	case EMSMDB_OBJECT_LOGON:
		return MAPI_E_SUCCESS;
	case EMSMDB_OBJECT_FOLDER:
		out->folder = emsmdb_folder_of(object)->folder;
		return out->folder != NULL ? MAPI_E_SUCCESS : EC_NULL_OBJECT;
	case EMSMDB_OBJECT_MESSAGE:
		out->msg = emsmdb_message_of(object)->msg;
		return out->msg != NULL ? MAPI_E_SUCCESS : EC_NULL_OBJECT;
	case EMSMDB_OBJECT_ATTACHMENT:
		out->att = emsmdb_attachment_of(object)->att;
		return out->att != NULL ? MAPI_E_SUCCESS : EC_NULL_OBJECT;
	default:
		return EC_NULL_OBJECT;
	}
}

/* The logon keeps what a client sets on it in the mailbox's root folder. */
static enum MAPISTATUS logon_root(struct prop_object *o, TALLOC_CTX *mem_ctx)
{
	if (o->folder != NULL) {
		return MAPI_E_SUCCESS;
	}
	return mapistore_folder_open(o->logon->store, mem_ctx, o->logon->folder_ids[MAPISTORE_ROOT],
				     &o->folder);
}

static const uint32_t store_tags[] = {
	TAG_DISPLAY_NAME, TAG_MAILBOX_OWNER_NAME, TAG_MAILBOX_OWNER_ENTRYID, TAG_USER_ENTRYID,
	TAG_STORE_SUPPORT_MASK, TAG_STORE_STATE, TAG_RECORD_KEY, TAG_STORE_RECORD_KEY,
	TAG_IPM_SUBTREE_ENTRYID, TAG_IPM_OUTBOX_ENTRYID, TAG_IPM_WASTEBASKET_ENTRYID,
	TAG_IPM_SENTMAIL_ENTRYID, TAG_VIEWS_ENTRYID, TAG_COMMON_VIEWS_ENTRYID, TAG_FINDER_ENTRYID,
	TAG_OUT_OF_OFFICE_STATE, TAG_LOCALE_ID, TAG_CODE_PAGE_ID,
};
#define STORE_TAG_COUNT (sizeof(store_tags) / sizeof(store_tags[0]))

/*
 * The root folder's own computed properties, which are the folder's and not
 * the store's: the logon does not show them.
 */
static const uint16_t root_only_ids[] = {
	0x6748, 0x6749, 0x67A4, 0x3601, 0x0FFF, 0x0E09, 0x65E0, 0x65E1, 0x3602, 0x3603, 0x3617,
	0x6638, 0x360A, 0x670B, 0x0E08, 0x3613,
};

static bool is_store_id(uint16_t id)
{
	size_t i;

	for (i = 0; i < STORE_TAG_COUNT; i++) {
		if (MAPI_PROP_ID(store_tags[i]) == id) {
			return true;
		}
	}
	return false;
}

static bool hidden_from_logon(uint16_t id)
{
	size_t i;

	for (i = 0; i < sizeof(root_only_ids) / sizeof(root_only_ids[0]); i++) {
		if (root_only_ids[i] == id) {
			return true;
		}
	}
	return is_store_id(id);
}

static bool is_string_type(uint16_t type)
{
	type &= (uint16_t)~PTYP_MV_FLAG;
	return type == PTYP_STRING || type == PTYP_STRING8;
}

/* Whether a value stored as STORED answers a request for WANTED. */
static bool tag_answers(uint32_t stored, uint32_t wanted)
{
	uint16_t st = MAPI_PROP_TYPE(stored), wt = MAPI_PROP_TYPE(wanted);

	if (MAPI_PROP_ID(stored) != MAPI_PROP_ID(wanted)) {
		return false;
	}
	if (wt == PTYP_UNSPECIFIED || st == wt) {
		return true;
	}
	return is_string_type(st) && is_string_type(wt) &&
	       (st & PTYP_MV_FLAG) == (wt & PTYP_MV_FLAG);
}

/* The owner's name: the directory's display name, else the DN's last RDN. */
static const char *owner_name(const struct emsmdb_logon *logon)
{
	const char *dn = logon->mailbox.legacy_dn, *cn;

	if (logon->mailbox.owner_name != NULL && *logon->mailbox.owner_name != '\0') {
		return logon->mailbox.owner_name;
	}
	if (dn == NULL) {
		return "";
	}
	cn = strrchr(dn, '=');
	return cn != NULL ? cn + 1 : dn;
}

/*
 * MS-OXCDATA 2.2.5.2 Address Book EntryID of the owner: Flags 0, the
 * address book provider's UID, Version 1, Type 0 (a local mail user) and
 * the X500 DN with its terminating NUL.
 */
static bool owner_entryid(TALLOC_CTX *mem_ctx, const struct emsmdb_logon *logon,
			  struct mapi_binary *out)
{
	static const uint8_t provider[16] = { 0xDC, 0xA7, 0x40, 0xC8, 0xC0, 0x42, 0x10, 0x1A,
					      0xB4, 0xB9, 0x08, 0x00, 0x2B, 0x2F, 0xE1, 0x82 };
	const char *dn = logon->mailbox.legacy_dn != NULL ? logon->mailbox.legacy_dn : "";
	size_t dn_len = strlen(dn) + 1;
	uint8_t *p = talloc_zero_array(mem_ctx, uint8_t, 28 + dn_len);

	if (p == NULL) {
		return false;
	}
	memcpy(p + 4, provider, 16);
	p[20] = 0x01;
	memcpy(p + 28, dn, dn_len);
	out->len = (uint32_t)(28 + dn_len);
	out->data = p;
	return true;
}

/* The entry ID of a special folder, as mapistore computes it for the folder. */
static bool folder_entryid(TALLOC_CTX *mem_ctx, const struct emsmdb_logon *logon,
			   enum mapistore_special_folder which, struct mapi_binary *out)
{
	struct mapistore_folder *folder;
	struct mapi_flagged_propval v;
	uint32_t tag = TAG_ENTRYID;
	uint64_t fid = logon->folder_ids[which];
	bool ok;

	if (logon->public_store) {
		/* a public store has no mailbox folders, only its own IPM subtree */
		if (which != MAPISTORE_IPM_SUBTREE) {
			return false;
		}
		fid = logon->folder_ids[MAPISTORE_PUBLIC_IPM_SUBTREE];
	}
	if (mapistore_folder_open(logon->store, mem_ctx, fid, &folder) !=
	    MAPI_E_SUCCESS) {
		return false;
	}
	ok = mapistore_folder_get_props(folder, mem_ctx, 1, &tag, &v) == MAPI_E_SUCCESS &&
	     v.flag == MAPI_PROPVAL_PRESENT;
	if (ok) {
		*out = v.pv.value.binary;
	}
	return ok;
}

/* MS-OXCSTOR 2.2.2.1: a computed store property, if TAG names one. */
static bool store_prop(const struct prop_object *o, TALLOC_CTX *mem_ctx, uint32_t tag,
		       struct mapi_propval *out)
{
	const struct emsmdb_logon *logon = o->logon;
	size_t i;

	for (i = 0; i < STORE_TAG_COUNT && !tag_answers(store_tags[i], tag); i++) {
	}
	if (i == STORE_TAG_COUNT) {
		return false;
	}
	out->tag = store_tags[i];
	if (logon->public_store) {
		/* public folders have no owner (MS-OXCSTOR 2.2.2.1.2) */
		switch (store_tags[i]) {
		case TAG_DISPLAY_NAME:
			out->value.string = talloc_strdup(mem_ctx, "Public Folders");
			return out->value.string != NULL;
		case TAG_MAILBOX_OWNER_NAME:
		case TAG_MAILBOX_OWNER_ENTRYID:
		case TAG_OUT_OF_OFFICE_STATE:
			return false;
		default:
			break;
		}
	}
	switch (store_tags[i]) {
	case TAG_DISPLAY_NAME:
		out->value.string = talloc_asprintf(mem_ctx, "Mailbox - %s", owner_name(logon));
		return out->value.string != NULL;
	case TAG_MAILBOX_OWNER_NAME:
		out->value.string = talloc_strdup(mem_ctx, owner_name(logon));
		return out->value.string != NULL;
	case TAG_MAILBOX_OWNER_ENTRYID:
	case TAG_USER_ENTRYID:
		return owner_entryid(mem_ctx, logon, &out->value.binary);
	case TAG_STORE_SUPPORT_MASK:
		out->value.i32 = STORE_SUPPORT_MASK;
		return true;
	case TAG_STORE_STATE:
		out->value.i32 = 0;	/* no search folders yet (STORE_HAS_SEARCHES) */
		return true;
	case TAG_RECORD_KEY:
	case TAG_STORE_RECORD_KEY:
		out->value.binary.len = 16;
		out->value.binary.data = talloc_memdup(mem_ctx, logon->mailbox.mailbox_guid, 16);
		return out->value.binary.data != NULL;
	case TAG_IPM_SUBTREE_ENTRYID:
		return folder_entryid(mem_ctx, logon, MAPISTORE_IPM_SUBTREE, &out->value.binary);
	case TAG_IPM_OUTBOX_ENTRYID:
		return folder_entryid(mem_ctx, logon, MAPISTORE_OUTBOX, &out->value.binary);
	case TAG_IPM_WASTEBASKET_ENTRYID:
		return folder_entryid(mem_ctx, logon, MAPISTORE_DELETED_ITEMS, &out->value.binary);
	case TAG_IPM_SENTMAIL_ENTRYID:
		return folder_entryid(mem_ctx, logon, MAPISTORE_SENT_ITEMS, &out->value.binary);
	case TAG_VIEWS_ENTRYID:
		return folder_entryid(mem_ctx, logon, MAPISTORE_VIEWS, &out->value.binary);
	case TAG_COMMON_VIEWS_ENTRYID:
		return folder_entryid(mem_ctx, logon, MAPISTORE_COMMON_VIEWS, &out->value.binary);
	case TAG_FINDER_ENTRYID:
		return folder_entryid(mem_ctx, logon, MAPISTORE_SEARCH, &out->value.binary);
	case TAG_OUT_OF_OFFICE_STATE:
		out->value.boolean = 0;
		return true;
	case TAG_LOCALE_ID:
		out->value.i32 = o->session->lcid_string;
		return true;
	case TAG_CODE_PAGE_ID:
		out->value.i32 = o->session->code_page;
		return true;
	default:
		return false;
	}
}

static enum MAPISTATUS object_get(struct prop_object *o, TALLOC_CTX *mem_ctx, uint16_t count,
				  const uint32_t *tags, struct mapi_flagged_propval *values)
{
	enum MAPISTATUS status;
	uint16_t i;

	switch (o->type) {
	case EMSMDB_OBJECT_FOLDER:
		return mapistore_folder_get_props(o->folder, mem_ctx, count, tags, values);
	case EMSMDB_OBJECT_MESSAGE:
		return mapistore_message_get_props(o->msg, mem_ctx, count, tags, values);
	case EMSMDB_OBJECT_ATTACHMENT:
		return mapistore_attachment_get_props(o->att, mem_ctx, count, tags, values);
	case EMSMDB_OBJECT_LOGON:
		break;
	default:
		return EC_NULL_OBJECT;
	}
	status = logon_root(o, mem_ctx);
	if (status == MAPI_E_SUCCESS) {
		status = mapistore_folder_get_props(o->folder, mem_ctx, count, tags, values);
	}
	if (status != MAPI_E_SUCCESS) {
		return status;
	}
	for (i = 0; i < count; i++) {
		struct mapi_propval pv;

		if (store_prop(o, mem_ctx, tags[i], &pv)) {
			values[i].flag = MAPI_PROPVAL_PRESENT;
			values[i].pv = pv;
		} else if (hidden_from_logon(MAPI_PROP_ID(tags[i]))) {
			values[i].flag = MAPI_PROPVAL_ERROR;
			values[i].pv.tag = tags[i];
			values[i].pv.value.error_code = MAPI_E_NOT_FOUND;
		}
	}
	return MAPI_E_SUCCESS;
}

static enum MAPISTATUS object_get_all(struct prop_object *o, TALLOC_CTX *mem_ctx, uint16_t *count,
				      struct mapi_propval **values)
{
	struct mapi_propval *root = NULL, *all;
	uint16_t root_count = 0, n = 0, i;
	enum MAPISTATUS status;

	switch (o->type) {
	case EMSMDB_OBJECT_FOLDER:
		return mapistore_folder_get_all(o->folder, mem_ctx, count, values);
	case EMSMDB_OBJECT_MESSAGE:
		return mapistore_message_get_all(o->msg, mem_ctx, count, values);
	case EMSMDB_OBJECT_ATTACHMENT:
		return mapistore_attachment_get_all(o->att, mem_ctx, count, values);
	case EMSMDB_OBJECT_LOGON:
		break;
	default:
		return EC_NULL_OBJECT;
	}
	status = logon_root(o, mem_ctx);
	if (status == MAPI_E_SUCCESS) {
		status = mapistore_folder_get_all(o->folder, mem_ctx, &root_count, &root);
	}
	if (status != MAPI_E_SUCCESS) {
		return status;
	}
	all = talloc_zero_array(mem_ctx, struct mapi_propval, STORE_TAG_COUNT + root_count);
	if (all == NULL) {
		return MAPI_E_NOT_ENOUGH_MEMORY;
	}
	for (i = 0; i < STORE_TAG_COUNT; i++) {
		if (store_prop(o, mem_ctx, store_tags[i], &all[n])) {
			n++;
		}
	}
	for (i = 0; i < root_count; i++) {
		if (!hidden_from_logon(MAPI_PROP_ID(root[i].tag))) {
			all[n++] = root[i];
		}
	}
	*count = n;
	*values = all;
	return MAPI_E_SUCCESS;
}

static enum MAPISTATUS object_get_list(struct prop_object *o, TALLOC_CTX *mem_ctx, uint16_t *count,
				       uint32_t **tags)
{
	uint32_t *root = NULL, *all;
	uint16_t root_count = 0, n = 0, i;
	enum MAPISTATUS status;

	switch (o->type) {
	case EMSMDB_OBJECT_FOLDER:
		return mapistore_folder_get_list(o->folder, mem_ctx, count, tags);
	case EMSMDB_OBJECT_MESSAGE:
		return mapistore_message_get_list(o->msg, mem_ctx, count, tags);
	case EMSMDB_OBJECT_ATTACHMENT:
		return mapistore_attachment_get_list(o->att, mem_ctx, count, tags);
	case EMSMDB_OBJECT_LOGON:
		break;
	default:
		return EC_NULL_OBJECT;
	}
	status = logon_root(o, mem_ctx);
	if (status == MAPI_E_SUCCESS) {
		status = mapistore_folder_get_list(o->folder, mem_ctx, &root_count, &root);
	}
	if (status != MAPI_E_SUCCESS) {
		return status;
	}
	all = talloc_array(mem_ctx, uint32_t, STORE_TAG_COUNT + root_count + 1);
	if (all == NULL) {
		return MAPI_E_NOT_ENOUGH_MEMORY;
	}
	for (i = 0; i < STORE_TAG_COUNT; i++) {
		struct mapi_propval pv;

		/* the ones this store has (a public store has no owner) */
		if (store_prop(o, mem_ctx, store_tags[i], &pv)) {
			all[n++] = store_tags[i];
		}
	}
	for (i = 0; i < root_count; i++) {
		if (!hidden_from_logon(MAPI_PROP_ID(root[i]))) {
			all[n++] = root[i];
		}
	}
	*count = n;
	*tags = all;
	return MAPI_E_SUCCESS;
}

/* --- problems --------------------------------------------------------------- */

struct problem_list {
	uint16_t count;
	struct rop_property_problem *items;
};

static enum MAPISTATUS problem_add(TALLOC_CTX *mem_ctx, struct problem_list *list, uint16_t index,
				   uint32_t tag, uint32_t error_code)
{
	struct rop_property_problem *items;
	uint16_t at;

	items = talloc_realloc(mem_ctx, list->items, struct rop_property_problem, list->count + 1);
	if (items == NULL) {
		return MAPI_E_NOT_ENOUGH_MEMORY;
	}
	/* in request order (MS-OXCDATA 2.9: Index names the request's property) */
	for (at = list->count; at > 0 && items[at - 1].index > index; at--) {
		items[at] = items[at - 1];
	}
	/*
	 * MS-OXCPRPT 2.2.5.2: a property the client cannot write (a computed,
	 * read-only one) is AccessDenied to the client; mapistore says why.
	 */
	if (error_code == MAPI_E_COMPUTED) {
		error_code = MAPI_E_NO_ACCESS;
	}
	items[at].index = index;
	items[at].property_tag = tag;
	items[at].error_code = error_code;
	list->items = items;
	list->count++;
	return MAPI_E_SUCCESS;
}

/* mapistore's problems of a call on a subset; MAP gives each its request index. */
static enum MAPISTATUS problems_merge(TALLOC_CTX *mem_ctx, struct problem_list *list,
				      const struct mapistore_problems *found, const uint16_t *map)
{
	enum MAPISTATUS status = MAPI_E_SUCCESS;
	uint16_t i;

	for (i = 0; i < found->count && status == MAPI_E_SUCCESS; i++) {
		const struct mapi_property_problem *p = &found->problems[i];

		status = problem_add(mem_ctx, list, map != NULL ? map[p->index] : p->index, p->tag,
				     p->error_code);
	}
	return status;
}

/* --- strings between the wire and mapistore --------------------------------- */

static uint32_t session_code_page(const struct emsmdb_session *session)
{
	if (session != NULL && mapi_codepage_supported(session->code_page)) {
		return session->code_page;
	}
	return 1252;	/* Windows Latin 1: what a session without a usable code page gets */
}

/*
 * A client's value as mapistore keeps it: PtypString8 (single or
 * multi-valued) in the session's code page becomes PtypString in UTF-8.
 * False when the bytes are no string of that code page.
 */
static bool value_from_wire(TALLOC_CTX *mem_ctx, const struct emsmdb_session *session,
			    const struct mapi_propval *in, struct mapi_propval *out)
{
	uint32_t cp = session_code_page(session);
	uint16_t type = MAPI_PROP_TYPE(in->tag);
	uint32_t i;

	*out = *in;
	if (type == PTYP_STRING8) {
		out->tag = MAPI_PROP_TAG(MAPI_PROP_ID(in->tag), PTYP_STRING);
		out->value.string = mapi_codepage_to_utf8(mem_ctx, in->value.string8 ? in->value.string8 : "", cp);
		return out->value.string != NULL;
	}
	if (type == PTYP_MULTIPLE_STRING8) {
		out->tag = MAPI_PROP_TAG(MAPI_PROP_ID(in->tag), PTYP_MULTIPLE_STRING);
		out->value.mv_string.count = in->value.mv_string8.count;
		out->value.mv_string.values = talloc_zero_array(mem_ctx, char *,
								in->value.mv_string8.count + 1);
		if (out->value.mv_string.values == NULL) {
			return false;
		}
		for (i = 0; i < in->value.mv_string8.count; i++) {
			const char *s = in->value.mv_string8.values[i];

			out->value.mv_string.values[i] = mapi_codepage_to_utf8(mem_ctx, s ? s : "", cp);
			if (out->value.mv_string.values[i] == NULL) {
				return false;
			}
		}
	}
	return true;
}

static char *to_code_page(TALLOC_CTX *mem_ctx, const char *utf8, uint32_t cp)
{
	char *s = mapi_utf8_to_codepage(mem_ctx, utf8 != NULL ? utf8 : "", cp);

	return s != NULL ? s : talloc_strdup(mem_ctx, "");
}

/*
 * A stored value in the type the client reads it as: WANT is PtypString or
 * PtypString8 (with the multi-value flag where the value has it) for
 * strings, ignored for everything else.
 */
static bool value_to_wire(TALLOC_CTX *mem_ctx, const struct emsmdb_session *session,
			  const struct mapi_propval *in, uint16_t want_string, struct mapi_propval *out)
{
	uint32_t cp = session_code_page(session);
	uint16_t type = MAPI_PROP_TYPE(in->tag);
	bool mv = (type & PTYP_MV_FLAG) != 0;
	uint32_t i;

	*out = *in;
	if (!is_string_type(type)) {
		return true;
	}
	want_string &= (uint16_t)~PTYP_MV_FLAG;
	out->tag = MAPI_PROP_TAG(MAPI_PROP_ID(in->tag), want_string | (mv ? PTYP_MV_FLAG : 0));
	if (want_string == PTYP_STRING) {
		return true;	/* UTF-8 already; the codec writes UTF-16 */
	}
	if (!mv) {
		out->value.string8 = to_code_page(mem_ctx, in->value.string, cp);
		return out->value.string8 != NULL;
	}
	out->value.mv_string8.values = talloc_zero_array(mem_ctx, char *,
							 in->value.mv_string.count + 1);
	if (out->value.mv_string8.values == NULL) {
		return false;
	}
	for (i = 0; i < in->value.mv_string.count; i++) {
		out->value.mv_string8.values[i] = to_code_page(mem_ctx, in->value.mv_string.values[i], cp);
		if (out->value.mv_string8.values[i] == NULL) {
			return false;
		}
	}
	return true;
}

/* The bytes a value takes in a ROP buffer (SIZE_MAX if it has no wire form). */
static size_t value_wire_size(const struct mapi_propval *pv)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	struct oxcdata_push push;
	size_t size = SIZE_MAX;

	if (tmp == NULL) {
		return SIZE_MAX;
	}
	oxcdata_push_init(&push, tmp);
	if (oxcdata_propval_push_value(&push, MAPI_PROP_TYPE(pv->tag), &pv->value) == WIRE_OK) {
		size = push.len;
	}
	talloc_free(tmp);
	return size;
}

/* MS-OXCPRPT 2.2.2.1 PropertySizeLimit: 0 means only the buffer limits values. */
static size_t value_limit(uint16_t property_size_limit)
{
	if (property_size_limit != 0 && property_size_limit < EMSMDB_MAX_ROW_VALUE) {
		return property_size_limit;
	}
	return EMSMDB_MAX_ROW_VALUE;
}

/* --- RopGetPropertiesSpecific, RopGetPropertiesAll, RopGetPropertiesList ----- */

static void set_error(struct mapi_flagged_propval *v, uint32_t column, uint32_t error_code)
{
	v->flag = MAPI_PROPVAL_ERROR;
	/* a PtypUnspecified column tells the type: PtypErrorCode here (MS-OXCDATA 2.11.6) */
	v->pv.tag = MAPI_PROP_TYPE(column) == PTYP_UNSPECIFIED ?
		    MAPI_PROP_TAG(MAPI_PROP_ID(column), PTYP_ERRORCODE) : column;
	memset(&v->pv.value, 0, sizeof(v->pv.value));
	v->pv.value.error_code = error_code;
}

/*
 * MS-OXCPRPT 3.2.5.1 RopGetPropertiesSpecific: one value per requested
 * tag, laid out as a PropertyRow by the request's tags: a StandardPropertyRow
 * when every value is there, else a FlaggedPropertyRow whose missing
 * values carry their error (NotFound).  A PtypUnspecified tag answers with
 * the stored type (strings: PtypString with WantUnicode, else
 * PtypString8).  A value larger than PropertySizeLimit (at most 32 KB), or
 * one the response buffer cannot hold, is the error NotEnoughMemory, as
 * Exchange answers: the client reads such values through RopOpenStream.
 */
enum MAPISTATUS emsmdb_rop_get_properties_specific(struct emsmdb_rop_ctx *ctx,
						   struct rop_response *response)
{
	const struct rop_get_properties_specific_request *req = &ctx->request->u.get_properties_specific;
	struct rop_get_properties_specific_response *res = &response->u.get_properties_specific;
	struct mapi_flagged_propval *values;
	struct mapi_tag_array *columns;
	struct prop_object o;
	size_t *sizes, total, limit = value_limit(req->property_size_limit);
	enum MAPISTATUS status;
	bool flagged = false;
	uint16_t i, n = req->property_tag_count;

	res->input_handle_index = req->input_handle_index;
	status = prop_object_of(ctx, ctx->input, &o);
	if (status != MAPI_E_SUCCESS) {
		return status;
	}
	if (n > 0 && req->property_tags == NULL) {
		return MAPI_E_INVALID_PARAMETER;
	}
	values = talloc_zero_array(ctx->mem_ctx, struct mapi_flagged_propval, n + 1);
	sizes = talloc_zero_array(ctx->mem_ctx, size_t, n + 1);
	columns = talloc_zero(ctx->mem_ctx, struct mapi_tag_array);
	if (values == NULL || sizes == NULL || columns == NULL) {
		return MAPI_E_NOT_ENOUGH_MEMORY;
	}
	status = object_get(&o, ctx->mem_ctx, n, req->property_tags, values);
	if (status != MAPI_E_SUCCESS) {
		return status;
	}
	total = 1 + 6;	/* the row's Flag; RopId, InputHandleIndex, ReturnValue */
	for (i = 0; i < n; i++) {
		uint32_t column = req->property_tags[i];
		uint16_t type = MAPI_PROP_TYPE(column);
		uint16_t want = type == PTYP_UNSPECIFIED ?
				(req->want_unicode ? PTYP_STRING : PTYP_STRING8) : type;
		struct mapi_propval wire;

		if (type != PTYP_UNSPECIFIED && (!oxcdata_ptyp_is_valid(type) || type == PTYP_ERRORCODE ||
						 (type & PTYP_MV_INSTANCE))) {
			set_error(&values[i], column, MAPI_E_INVALID_TYPE);
		} else if (values[i].flag == MAPI_PROPVAL_PRESENT) {
			if (!value_to_wire(ctx->mem_ctx, ctx->session, &values[i].pv, want, &wire)) {
				return MAPI_E_NOT_ENOUGH_MEMORY;
			}
			values[i].pv = wire;
			if (type != PTYP_UNSPECIFIED) {
				values[i].pv.tag = column;
			}
			sizes[i] = value_wire_size(&values[i].pv);
			if (sizes[i] > limit) {
				set_error(&values[i], column, MAPI_E_NOT_ENOUGH_MEMORY);
			}
		} else {
			set_error(&values[i], column, values[i].flag == MAPI_PROPVAL_ERROR ?
				  values[i].pv.value.error_code : MAPI_E_NOT_FOUND);
		}
		if (values[i].flag != MAPI_PROPVAL_PRESENT) {
			flagged = true;
			sizes[i] = 4;
		}
		total += 1 + 2 + sizes[i];	/* at most a Flag and a PropertyType more */
	}
	/* what the buffer cannot hold goes, the largest values first */
	while (total > ctx->space) {
		uint16_t largest = n;

		for (i = 0; i < n; i++) {
			if (values[i].flag == MAPI_PROPVAL_PRESENT && sizes[i] > 4 &&
			    (largest == n || sizes[i] > sizes[largest])) {
				largest = i;
			}
		}
		if (largest == n) {
			return EMSMDB_ROP_NO_SPACE;
		}
		total -= sizes[largest] - 4;
		sizes[largest] = 4;
		set_error(&values[largest], req->property_tags[largest], MAPI_E_NOT_ENOUGH_MEMORY);
		flagged = true;
	}
	columns->count = n;
	columns->tags = req->property_tags;
	ctx->response_params.columns = columns;
	res->return_value = MAPI_E_SUCCESS;
	res->u.ok.row_data.flag = flagged ? MAPI_ROW_FLAGGED : MAPI_ROW_STANDARD;
	res->u.ok.row_data.count = n;
	res->u.ok.row_data.values = values;
	return MAPI_E_SUCCESS;
}

/*
 * MS-OXCPRPT 3.2.5.2 RopGetPropertiesAll: every property of the object as
 * TaggedPropertyValues, strings as WantUnicode asks; a value too large
 * (PropertySizeLimit, 32 KB, the buffer) comes as PtypErrorCode
 * NotEnoughMemory under its property id.
 */
enum MAPISTATUS emsmdb_rop_get_properties_all(struct emsmdb_rop_ctx *ctx,
					      struct rop_response *response)
{
	const struct rop_get_properties_all_request *req = &ctx->request->u.get_properties_all;
	struct rop_get_properties_all_response *res = &response->u.get_properties_all;
	size_t limit = value_limit(req->property_size_limit), total = 6 + 2, *sizes;
	struct mapi_propval *values = NULL;
	uint16_t count = 0, i, n = 0;
	struct prop_object o;
	enum MAPISTATUS status;

	res->input_handle_index = req->input_handle_index;
	status = prop_object_of(ctx, ctx->input, &o);
	if (status == MAPI_E_SUCCESS) {
		status = object_get_all(&o, ctx->mem_ctx, &count, &values);
	}
	if (status != MAPI_E_SUCCESS) {
		return status;
	}
	sizes = talloc_zero_array(ctx->mem_ctx, size_t, count + 1);
	if (sizes == NULL) {
		return MAPI_E_NOT_ENOUGH_MEMORY;
	}
	for (i = 0; i < count; i++) {
		struct mapi_propval wire;
		uint16_t type = MAPI_PROP_TYPE(values[i].tag);

		/* PtypObject and PtypErrorCode are no values a client reads here */
		if (type == PTYP_OBJECT || type == PTYP_NULL || !oxcdata_ptyp_is_valid(type)) {
			continue;
		}
		if (!value_to_wire(ctx->mem_ctx, ctx->session, &values[i],
				   req->want_unicode ? PTYP_STRING : PTYP_STRING8, &wire)) {
			return MAPI_E_NOT_ENOUGH_MEMORY;
		}
		values[n] = wire;
		sizes[n] = value_wire_size(&wire);
		if (sizes[n] > limit) {
			values[n].tag = MAPI_PROP_TAG(MAPI_PROP_ID(wire.tag), PTYP_ERRORCODE);
			memset(&values[n].value, 0, sizeof(values[n].value));
			values[n].value.error_code = MAPI_E_NOT_ENOUGH_MEMORY;
			sizes[n] = 4;
		}
		total += 4 + sizes[n];
		n++;
	}
	while (total > ctx->space) {
		uint16_t largest = n;

		for (i = 0; i < n; i++) {
			if (sizes[i] > 4 && (largest == n || sizes[i] > sizes[largest])) {
				largest = i;
			}
		}
		if (largest == n) {
			return EMSMDB_ROP_NO_SPACE;
		}
		total -= sizes[largest] - 4;
		sizes[largest] = 4;
		values[largest].tag = MAPI_PROP_TAG(MAPI_PROP_ID(values[largest].tag), PTYP_ERRORCODE);
		memset(&values[largest].value, 0, sizeof(values[largest].value));
		values[largest].value.error_code = MAPI_E_NOT_ENOUGH_MEMORY;
	}
	res->return_value = MAPI_E_SUCCESS;
	res->u.ok.property_value_count = n;
	res->u.ok.property_values = values;
	return MAPI_E_SUCCESS;
}

/* MS-OXCPRPT 2.2.4 RopGetPropertiesList: the tags of every property the object has. */
enum MAPISTATUS emsmdb_rop_get_properties_list(struct emsmdb_rop_ctx *ctx,
					       struct rop_response *response)
{
	const struct rop_get_properties_list_request *req = &ctx->request->u.get_properties_list;
	struct rop_get_properties_list_response *res = &response->u.get_properties_list;
	struct prop_object o;
	uint32_t *tags = NULL;
	uint16_t count = 0;
	enum MAPISTATUS status;

	res->input_handle_index = req->input_handle_index;
	status = prop_object_of(ctx, ctx->input, &o);
	if (status == MAPI_E_SUCCESS) {
		status = object_get_list(&o, ctx->mem_ctx, &count, &tags);
	}
	if (status != MAPI_E_SUCCESS) {
		return status;
	}
	if (6 + 2 + (size_t)count * 4 > ctx->space) {
		return EMSMDB_ROP_NO_SPACE;
	}
	res->return_value = MAPI_E_SUCCESS;
	res->u.ok.property_tag_count = count;
	res->u.ok.property_tags = tags;
	return MAPI_E_SUCCESS;
}

/* --- RopSetProperties, RopDeleteProperties and their NoReplicate forms ------ */

/*
 * A folder's properties: a PidTagDisplayName a sibling has already fails
 * the whole change in mapistore; here it is that property's problem
 * (MAPI_E_COLLISION, ecDuplicateName's MAPI name) and the rest is set.
 */
static enum MAPISTATUS folder_set(struct mapistore_folder *folder, uint16_t count,
				  const struct mapi_propval *values, TALLOC_CTX *mem_ctx,
				  struct mapistore_problems *problems)
{
	struct mapi_propval *rest;
	uint16_t *map, n = 0, i, p;
	enum MAPISTATUS status;

	status = mapistore_folder_set_props(folder, count, values, mem_ctx, problems);
	if (status != MAPI_E_COLLISION) {
		return status;
	}
	rest = talloc_array(mem_ctx, struct mapi_propval, count + 1);
	map = talloc_array(mem_ctx, uint16_t, count + 1);
	if (rest == NULL || map == NULL) {
		return MAPI_E_NOT_ENOUGH_MEMORY;
	}
	for (i = 0; i < count; i++) {
		if (MAPI_PROP_ID(values[i].tag) != MAPI_PROP_ID(TAG_DISPLAY_NAME)) {
			map[n] = i;
			rest[n++] = values[i];
		}
	}
	if (n == count) {
		return status;	/* a collision of something else */
	}
	status = n > 0 ? mapistore_folder_set_props(folder, n, rest, mem_ctx, problems) :
			 MAPI_E_SUCCESS;
	if (status != MAPI_E_SUCCESS) {
		return status;
	}
	for (p = 0; p < problems->count; p++) {
		problems->problems[p].index = map[problems->problems[p].index];
	}
	for (i = 0; i < count; i++) {
		struct mapi_property_problem *grown;

		if (MAPI_PROP_ID(values[i].tag) != MAPI_PROP_ID(TAG_DISPLAY_NAME)) {
			continue;
		}
		grown = talloc_realloc(mem_ctx, problems->problems, struct mapi_property_problem,
				       problems->count + 1);
		if (grown == NULL) {
			return MAPI_E_NOT_ENOUGH_MEMORY;
		}
		grown[problems->count].index = i;
		grown[problems->count].tag = values[i].tag;
		grown[problems->count].error_code = MAPI_E_COLLISION;
		problems->problems = grown;
		problems->count++;
	}
	return MAPI_E_SUCCESS;
}

/*
 * Sets VALUES (client's, in request order) on the object; every value that
 * could not be set is a problem of LIST.  Folders commit at once, messages
 * and attachments keep the change until they are saved (mapistore).
 */
static enum MAPISTATUS object_set(struct prop_object *o, TALLOC_CTX *mem_ctx, uint16_t count,
				  const struct mapi_propval *values, struct problem_list *list)
{
	struct mapistore_problems found = { 0 };
	struct mapi_propval *kept;
	uint16_t *map, n = 0, i;
	enum MAPISTATUS status = MAPI_E_SUCCESS;

	kept = talloc_zero_array(mem_ctx, struct mapi_propval, count + 1);
	map = talloc_zero_array(mem_ctx, uint16_t, count + 1);
	if (kept == NULL || map == NULL) {
		return MAPI_E_NOT_ENOUGH_MEMORY;
	}
	for (i = 0; i < count && status == MAPI_E_SUCCESS; i++) {
		uint16_t type = MAPI_PROP_TYPE(values[i].tag);

		if (o->type == EMSMDB_OBJECT_LOGON && hidden_from_logon(MAPI_PROP_ID(values[i].tag))) {
			/* MS-OXCSTOR 2.2.2: the store's own properties are read-only */
			status = problem_add(mem_ctx, list, i, values[i].tag, MAPI_E_NO_ACCESS);
		} else if (!oxcdata_ptyp_is_valid(type) || type == PTYP_ERRORCODE ||
			   type == PTYP_OBJECT || type == PTYP_NULL) {
			status = problem_add(mem_ctx, list, i, values[i].tag, MAPI_E_INVALID_TYPE);
		} else if (!value_from_wire(mem_ctx, o->session, &values[i], &kept[n])) {
			status = problem_add(mem_ctx, list, i, values[i].tag, MAPI_E_INVALID_PARAMETER);
		} else {
			map[n++] = i;
		}
	}
	if (status != MAPI_E_SUCCESS || n == 0) {
		return status;
	}
	switch (o->type) {
	case EMSMDB_OBJECT_LOGON:
		status = logon_root(o, mem_ctx);
		if (status == MAPI_E_SUCCESS) {
			status = folder_set(o->folder, n, kept, mem_ctx, &found);
		}
		break;
	case EMSMDB_OBJECT_FOLDER:
		status = folder_set(o->folder, n, kept, mem_ctx, &found);
		break;
	case EMSMDB_OBJECT_MESSAGE:
		status = mapistore_message_set_props(o->msg, n, kept, mem_ctx, &found);
		break;
	case EMSMDB_OBJECT_ATTACHMENT:
		status = mapistore_attachment_set_props(o->att, n, kept, mem_ctx, &found);
		break;
	default:
		status = EC_NULL_OBJECT;
	}
	if (status != MAPI_E_SUCCESS) {
		return status;
	}
	return problems_merge(mem_ctx, list, &found, map);
}

static enum MAPISTATUS object_delete(struct prop_object *o, TALLOC_CTX *mem_ctx, uint16_t count,
				     const uint32_t *tags, struct problem_list *list)
{
	struct mapistore_problems found = { 0 };
	uint32_t *kept;
	uint16_t *map, n = 0, i;
	enum MAPISTATUS status = MAPI_E_SUCCESS;

	kept = talloc_zero_array(mem_ctx, uint32_t, count + 1);
	map = talloc_zero_array(mem_ctx, uint16_t, count + 1);
	if (kept == NULL || map == NULL) {
		return MAPI_E_NOT_ENOUGH_MEMORY;
	}
	for (i = 0; i < count && status == MAPI_E_SUCCESS; i++) {
		if (o->type == EMSMDB_OBJECT_LOGON && hidden_from_logon(MAPI_PROP_ID(tags[i]))) {
			status = problem_add(mem_ctx, list, i, tags[i], MAPI_E_NO_ACCESS);
		} else {
			map[n] = i;
			kept[n++] = tags[i];
		}
	}
	if (status != MAPI_E_SUCCESS || n == 0) {
		return status;
	}
	switch (o->type) {
	case EMSMDB_OBJECT_LOGON:
		status = logon_root(o, mem_ctx);
		if (status == MAPI_E_SUCCESS) {
			status = mapistore_folder_delete_props(o->folder, n, kept, mem_ctx, &found);
		}
		break;
	case EMSMDB_OBJECT_FOLDER:
		status = mapistore_folder_delete_props(o->folder, n, kept, mem_ctx, &found);
		break;
	case EMSMDB_OBJECT_MESSAGE:
		status = mapistore_message_delete_props(o->msg, n, kept, mem_ctx, &found);
		break;
	case EMSMDB_OBJECT_ATTACHMENT:
		status = mapistore_attachment_delete_props(o->att, n, kept, mem_ctx, &found);
		break;
	default:
		status = EC_NULL_OBJECT;
	}
	if (status != MAPI_E_SUCCESS) {
		return status;
	}
	return problems_merge(mem_ctx, list, &found, map);
}

/*
 * MS-OXCPRPT 2.2.5 RopSetProperties (and 2.2.6 RopSetPropertiesNoReplicate,
 * the same here: a private mailbox is not replicated): each value that
 * cannot be set is a PropertyProblem (its index, tag and why: an invalid
 * type, a read-only property is AccessDenied) and the others are set.
 */
static enum MAPISTATUS set_properties(struct emsmdb_rop_ctx *ctx, uint16_t count,
				      const struct mapi_propval *values, uint16_t *problem_count,
				      struct rop_property_problem **problems)
{
	struct problem_list list = { 0 };
	struct prop_object o;
	enum MAPISTATUS status;

	status = prop_object_of(ctx, ctx->input, &o);
	if (status != MAPI_E_SUCCESS) {
		return status;
	}
	if (count > 0 && values == NULL) {
		return MAPI_E_INVALID_PARAMETER;
	}
	status = object_set(&o, ctx->mem_ctx, count, values, &list);
	if (status != MAPI_E_SUCCESS) {
		return status;
	}
	*problem_count = list.count;
	*problems = list.items;
	return MAPI_E_SUCCESS;
}

enum MAPISTATUS emsmdb_rop_set_properties(struct emsmdb_rop_ctx *ctx, struct rop_response *response)
{
	const struct rop_set_properties_request *req = &ctx->request->u.set_properties;
	struct rop_set_properties_response *res = &response->u.set_properties;

	res->input_handle_index = req->input_handle_index;
	return set_properties(ctx, req->property_value_count, req->property_values,
			      &res->u.ok.property_problem_count, &res->u.ok.property_problems);
}

enum MAPISTATUS emsmdb_rop_set_properties_no_replicate(struct emsmdb_rop_ctx *ctx,
						       struct rop_response *response)
{
	const struct rop_set_properties_no_replicate_request *req =
		&ctx->request->u.set_properties_no_replicate;
	struct rop_set_properties_no_replicate_response *res =
		&response->u.set_properties_no_replicate;

	res->input_handle_index = req->input_handle_index;
	return set_properties(ctx, req->property_value_count, req->property_values,
			      &res->u.ok.property_problem_count, &res->u.ok.property_problems);
}

/* MS-OXCPRPT 2.2.7 RopDeleteProperties and 2.2.8 RopDeletePropertiesNoReplicate. */
static enum MAPISTATUS delete_properties(struct emsmdb_rop_ctx *ctx, uint16_t count,
					 const uint32_t *tags, uint16_t *problem_count,
					 struct rop_property_problem **problems)
{
	struct problem_list list = { 0 };
	struct prop_object o;
	enum MAPISTATUS status;

	status = prop_object_of(ctx, ctx->input, &o);
	if (status != MAPI_E_SUCCESS) {
		return status;
	}
	if (count > 0 && tags == NULL) {
		return MAPI_E_INVALID_PARAMETER;
	}
	status = object_delete(&o, ctx->mem_ctx, count, tags, &list);
	if (status != MAPI_E_SUCCESS) {
		return status;
	}
	*problem_count = list.count;
	*problems = list.items;
	return MAPI_E_SUCCESS;
}

enum MAPISTATUS emsmdb_rop_delete_properties(struct emsmdb_rop_ctx *ctx,
					     struct rop_response *response)
{
	const struct rop_delete_properties_request *req = &ctx->request->u.delete_properties;
	struct rop_delete_properties_response *res = &response->u.delete_properties;

	res->input_handle_index = req->input_handle_index;
	return delete_properties(ctx, req->property_tag_count, req->property_tags,
				 &res->u.ok.property_problem_count, &res->u.ok.property_problems);
}

enum MAPISTATUS emsmdb_rop_delete_properties_no_replicate(struct emsmdb_rop_ctx *ctx,
							  struct rop_response *response)
{
	const struct rop_delete_properties_no_replicate_request *req =
		&ctx->request->u.delete_properties_no_replicate;
	struct rop_delete_properties_no_replicate_response *res =
		&response->u.delete_properties_no_replicate;

	res->input_handle_index = req->input_handle_index;
	return delete_properties(ctx, req->property_tag_count, req->property_tags,
				 &res->u.ok.property_problem_count, &res->u.ok.property_problems);
}

/* --- named properties ------------------------------------------------------- */

/* PS_MAPI (MS-OXPROPS 1.3.2): names of the tagged properties below 0x8000. */
static const uint8_t ps_mapi[16] = { 0x28, 0x03, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00,
				     0xC0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x46 };

/* MS-OXCDATA 2.6.1 PropertyName: Name is NameSize bytes of NUL-terminated UTF-16LE. */
static char *name_from_wire(TALLOC_CTX *mem_ctx, const struct rop_property_name *in)
{
	struct oxcdata_pull pull;
	uint8_t *z = talloc_zero_array(mem_ctx, uint8_t, (size_t)in->name_size + 2);
	char *out = NULL;

	if (z == NULL) {
		return NULL;
	}
	if (in->name_size > 0 && in->name != NULL) {
		memcpy(z, in->name, in->name_size);
	}
	oxcdata_pull_init(&pull, z, (size_t)in->name_size + 2);
	if (oxcdata_pull_utf16(&pull, mem_ctx, &out) != WIRE_OK) {
		out = NULL;
	}
	talloc_free(z);
	return out;
}

static bool name_to_wire(TALLOC_CTX *mem_ctx, const struct mapistore_named_prop *in,
			 struct rop_property_name *out)
{
	struct oxcdata_push push;

	memset(out, 0, sizeof(*out));
	out->kind = in->kind;
	out->guid = in->guid;
	if (in->kind == MAPISTORE_NAME_LID) {
		out->lid = in->lid;
		return true;
	}
	oxcdata_push_init(&push, mem_ctx);
	if (oxcdata_push_utf16(&push, in->name != NULL ? in->name : "") != WIRE_OK || push.len > 0xFF) {
		return false;
	}
	out->name_size = (uint8_t)push.len;
	out->name = push.data;
	return true;
}

/*
 * mapistore's ids of NAMES (one transaction for all it creates), but none
 * for a PS_MAPI name by string.
 */
static enum MAPISTATUS named_ids(TALLOC_CTX *mem_ctx, struct mapistore_context *store, uint16_t n,
				 struct mapistore_named_prop *names, bool create, uint16_t *ids,
				 uint32_t *missing)
{
	struct mapistore_named_prop *asked = talloc_array(mem_ctx, struct mapistore_named_prop, n + 1);
	uint16_t *asked_ids = talloc_zero_array(mem_ctx, uint16_t, n + 1), *where;
	uint16_t i, m = 0;
	enum MAPISTATUS status;

	where = talloc_array(mem_ctx, uint16_t, n + 1);
	if (asked == NULL || asked_ids == NULL || where == NULL) {
		return MAPI_E_NOT_ENOUGH_MEMORY;
	}
	for (i = 0; i < n; i++) {
		ids[i] = 0;
		if (names[i].kind == MAPISTORE_NAME_STRING &&
		    memcmp(names[i].guid.bytes, ps_mapi, 16) == 0) {
			(*missing)++;
			continue;
		}
		asked[m] = names[i];
		where[m++] = i;
	}
	status = m > 0 ? mapistore_named_ids(store, m, asked, create, asked_ids, missing) :
			 MAPI_E_SUCCESS;
	for (i = 0; status == MAPI_E_SUCCESS && i < m; i++) {
		ids[where[i]] = asked_ids[i];
	}
	return status;
}

/*
 * MS-OXCPRPT 2.2.12 RopGetPropertyIdsFromNames: the id of each name, in
 * order; with the Create flag an unknown name gets a new id, durable and
 * the same for every session of the mailbox; without it, its id is 0.
 * PS_MAPI names by LID are the tagged property of that id, PS_MAPI names
 * by string map to nothing (0).  No names at all asks for the ids of every
 * named property the mailbox has (MS-OXCPRPT 2.2.12.2).  A name of an
 * unknown Kind is InvalidParameter; no ids left is NamedPropertyQuota.
 */
enum MAPISTATUS emsmdb_rop_get_property_ids_from_names(struct emsmdb_rop_ctx *ctx,
						       struct rop_response *response)
{
	const struct rop_get_property_ids_from_names_request *req =
		&ctx->request->u.get_property_ids_from_names;
	struct rop_get_property_ids_from_names_response *res =
		&response->u.get_property_ids_from_names;
	struct emsmdb_logon *logon = emsmdb_object_logon(ctx->input);
	struct mapistore_named_prop *names;
	uint16_t *ids, i, n = req->property_name_count;
	uint32_t missing = 0;
	enum MAPISTATUS status;

	res->input_handle_index = req->input_handle_index;
	if (logon == NULL || logon->store == NULL) {
		return EC_NULL_OBJECT;
	}
	if (n > 0 && req->property_names == NULL) {
		return MAPI_E_INVALID_PARAMETER;
	}
	if (n == 0) {
		uint32_t count = 0;

		status = mapistore_named_all(logon->store, ctx->mem_ctx, &count, &ids, &names);
		if (status != MAPI_E_SUCCESS) {
			return status;
		}
		if (count > 0xFFFF) {
			return MAPI_E_TOO_BIG;
		}
		if (6 + 2 + (size_t)count * 2 > ctx->space) {
			return EMSMDB_ROP_NO_SPACE;
		}
		res->return_value = MAPI_E_SUCCESS;
		res->u.ok.property_id_count = (uint16_t)count;
		res->u.ok.property_ids = ids;
		return MAPI_E_SUCCESS;
	}
	if (6 + 2 + (size_t)n * 2 > ctx->space) {
		return EMSMDB_ROP_NO_SPACE;
	}
	names = talloc_zero_array(ctx->mem_ctx, struct mapistore_named_prop, n + 1);
	ids = talloc_zero_array(ctx->mem_ctx, uint16_t, n + 1);
	if (names == NULL || ids == NULL) {
		return MAPI_E_NOT_ENOUGH_MEMORY;
	}
	for (i = 0; i < n; i++) {
		const struct rop_property_name *in = &req->property_names[i];

		names[i].guid = in->guid;
		names[i].kind = in->kind;
		if (in->kind == MAPISTORE_NAME_LID) {
			names[i].lid = in->lid;
		} else if (in->kind == MAPISTORE_NAME_STRING) {
			names[i].name = name_from_wire(ctx->mem_ctx, in);
			if (names[i].name == NULL || *names[i].name == '\0') {
				return MAPI_E_INVALID_PARAMETER;
			}
		} else {
			return MAPI_E_INVALID_PARAMETER;
		}
	}
	status = named_ids(ctx->mem_ctx, logon->store, n, names, (req->flags & EMSMDB_NAMED_CREATE) != 0, ids,
			   &missing);
	if (status != MAPI_E_SUCCESS) {
		return status;
	}
	res->return_value = MAPI_E_SUCCESS;
	res->u.ok.property_id_count = n;
	res->u.ok.property_ids = ids;
	return MAPI_E_SUCCESS;
}

/*
 * MS-OXCPRPT 3.2.5.9 RopGetNamesFromPropertyIds: the name of each id; an
 * id below 0x8000 is PS_MAPI's LID of that id, an id nobody named has a
 * PropertyName of Kind 0xFF.
 */
enum MAPISTATUS emsmdb_rop_get_names_from_property_ids(struct emsmdb_rop_ctx *ctx,
						       struct rop_response *response)
{
	const struct rop_get_names_from_property_ids_request *req =
		&ctx->request->u.get_names_from_property_ids;
	struct rop_get_names_from_property_ids_response *res =
		&response->u.get_names_from_property_ids;
	struct emsmdb_logon *logon = emsmdb_object_logon(ctx->input);
	struct rop_property_name *out;
	uint16_t i, n = req->property_id_count;
	size_t total = 6 + 2;

	res->input_handle_index = req->input_handle_index;
	if (logon == NULL || logon->store == NULL) {
		return EC_NULL_OBJECT;
	}
	if (n > 0 && req->property_ids == NULL) {
		return MAPI_E_INVALID_PARAMETER;
	}
	out = talloc_zero_array(ctx->mem_ctx, struct rop_property_name, n + 1);
	if (out == NULL) {
		return MAPI_E_NOT_ENOUGH_MEMORY;
	}
	for (i = 0; i < n; i++) {
		struct mapistore_named_prop name;
		uint16_t id = req->property_ids[i];

		if (id < 0x8000) {
			memset(&name, 0, sizeof(name));
			memcpy(name.guid.bytes, ps_mapi, 16);
			name.kind = MAPISTORE_NAME_LID;
			name.lid = id;
		} else if (mapistore_named_name(logon->store, ctx->mem_ctx, id, &name) !=
			   MAPI_E_SUCCESS) {
			out[i].kind = 0xFF;
			total += 1 + 16;
			continue;
		}
		if (!name_to_wire(ctx->mem_ctx, &name, &out[i])) {
			return MAPI_E_NOT_ENOUGH_MEMORY;
		}
		total += 1 + 16 + (out[i].kind == MAPISTORE_NAME_LID ? 4 : 1 + out[i].name_size);
	}
	if (total > ctx->space) {
		return EMSMDB_ROP_NO_SPACE;
	}
	res->return_value = MAPI_E_SUCCESS;
	res->u.ok.property_name_count = n;
	res->u.ok.property_names = out;
	return MAPI_E_SUCCESS;
}

/*
 * MS-OXCPRPT 3.2.5.6 RopQueryNamedProperties: every named property of the
 * mailbox, only those of PropertyGuid when HasGuid, without the string
 * names (NoStrings) or the numeric ones (NoIds); other QueryFlags bits are
 * ignored, as the server MUST.
 */
enum MAPISTATUS emsmdb_rop_query_named_properties(struct emsmdb_rop_ctx *ctx,
						  struct rop_response *response)
{
	const struct rop_query_named_properties_request *req =
		&ctx->request->u.query_named_properties;
	struct rop_query_named_properties_response *res = &response->u.query_named_properties;
	struct emsmdb_logon *logon = emsmdb_object_logon(ctx->input);
	struct mapistore_named_prop *names = NULL;
	struct rop_property_name *out;
	uint16_t *ids = NULL, *out_ids, n = 0;
	uint32_t count = 0, i;
	size_t total = 6 + 2;
	enum MAPISTATUS status;

	res->input_handle_index = req->input_handle_index;
	if (logon == NULL || logon->store == NULL) {
		return EC_NULL_OBJECT;
	}
	status = mapistore_named_all(logon->store, ctx->mem_ctx, &count, &ids, &names);
	if (status != MAPI_E_SUCCESS) {
		return status;
	}
	if (count > 0xFFFF) {
		return MAPI_E_TOO_BIG;
	}
	out = talloc_zero_array(ctx->mem_ctx, struct rop_property_name, count + 1);
	out_ids = talloc_zero_array(ctx->mem_ctx, uint16_t, count + 1);
	if (out == NULL || out_ids == NULL) {
		return MAPI_E_NOT_ENOUGH_MEMORY;
	}
	for (i = 0; i < count; i++) {
		if (req->has_guid && memcmp(names[i].guid.bytes, req->property_guid.bytes, 16) != 0) {
			continue;
		}
		if (names[i].kind == MAPISTORE_NAME_STRING && (req->query_flags & EMSMDB_QUERY_NO_STRINGS)) {
			continue;
		}
		if (names[i].kind == MAPISTORE_NAME_LID && (req->query_flags & EMSMDB_QUERY_NO_IDS)) {
			continue;
		}
		if (!name_to_wire(ctx->mem_ctx, &names[i], &out[n])) {
			return MAPI_E_NOT_ENOUGH_MEMORY;
		}
		out_ids[n] = ids[i];
		total += 2 + 1 + 16 + (out[n].kind == MAPISTORE_NAME_LID ? 4 : 1 + out[n].name_size);
		n++;
	}
	if (total > ctx->space) {
		return EMSMDB_ROP_NO_SPACE;
	}
	res->return_value = MAPI_E_SUCCESS;
	res->u.ok.id_count = n;
	res->u.ok.property_ids = out_ids;
	res->u.ok.property_names = out;
	return MAPI_E_SUCCESS;
}

/* --- RopCopyProperties and RopCopyTo ---------------------------------------- */

/*
 * The destination of a copy (MS-OXCROPS 2.2.8.11, 2.2.8.12): nothing at
 * DestHandleIndex is the NullDestinationObject response form (with that
 * index); an object of another type than the source is NotSupported
 * (MS-OXCPRPT 2.2.10: source and destination are of the same type).
 */
static enum MAPISTATUS copy_destination(struct emsmdb_rop_ctx *ctx, uint8_t dest_index,
					struct prop_object *dest)
{
	struct emsmdb_object *object = emsmdb_rop_object_at(ctx, dest_index, EMSMDB_COPY_OBJECTS);

	if (object == NULL) {
		return EC_NULL_DESTINATION_OBJECT;
	}
	if (object->type != ctx->input->type) {
		return MAPI_E_NO_SUPPORT;
	}
	if (object == ctx->input) {
		return MAPI_E_INVALID_PARAMETER;
	}
	return prop_object_of(ctx, object, dest);
}

/*
 * Copies VALUES (the source's, whose request index is MAP[i], or i) to
 * DEST, leaving those DEST has with NoOverwrite; with Move, what was copied
 * leaves the source.  SKIP_COMPUTED drops the problems of properties that
 * nobody can write (RopCopyTo copies everything the source has, computed
 * properties included, and those are no failure of the client's).
 */
static enum MAPISTATUS copy_values(struct prop_object *src, struct prop_object *dest,
				   TALLOC_CTX *mem_ctx, uint8_t copy_flags, uint16_t count,
				   struct mapi_propval *values, const uint16_t *map,
				   bool skip_computed, struct problem_list *list)
{
	struct mapistore_problems found = { 0 };
	struct mapi_flagged_propval *existing = NULL;
	struct mapi_propval *kept;
	uint32_t *tags, *moved;
	uint16_t *kept_map, n = 0, nmoved = 0, i;
	enum MAPISTATUS status = MAPI_E_SUCCESS;

	tags = talloc_zero_array(mem_ctx, uint32_t, count + 1);
	kept = talloc_zero_array(mem_ctx, struct mapi_propval, count + 1);
	kept_map = talloc_zero_array(mem_ctx, uint16_t, count + 1);
	moved = talloc_zero_array(mem_ctx, uint32_t, count + 1);
	existing = talloc_zero_array(mem_ctx, struct mapi_flagged_propval, count + 1);
	if (tags == NULL || kept == NULL || kept_map == NULL || moved == NULL || existing == NULL) {
		return MAPI_E_NOT_ENOUGH_MEMORY;
	}
	for (i = 0; i < count; i++) {
		tags[i] = values[i].tag;
	}
	if (copy_flags & EMSMDB_COPY_NO_OVERWRITE) {
		status = object_get(dest, mem_ctx, count, tags, existing);
		if (status != MAPI_E_SUCCESS) {
			return status;
		}
	}
	for (i = 0; i < count; i++) {
		uint16_t type = MAPI_PROP_TYPE(values[i].tag);

		if ((copy_flags & EMSMDB_COPY_NO_OVERWRITE) && existing[i].flag == MAPI_PROPVAL_PRESENT) {
			continue;
		}
		if (type == PTYP_OBJECT || type == PTYP_NULL || type == PTYP_ERRORCODE) {
			continue;
		}
		kept[n] = values[i];
		kept_map[n++] = map != NULL ? map[i] : i;
	}
	if (n == 0) {
		return MAPI_E_SUCCESS;
	}
	switch (dest->type) {
	case EMSMDB_OBJECT_FOLDER:
		status = folder_set(dest->folder, n, kept, mem_ctx, &found);
		break;
	case EMSMDB_OBJECT_MESSAGE:
		status = mapistore_message_set_props(dest->msg, n, kept, mem_ctx, &found);
		break;
	case EMSMDB_OBJECT_ATTACHMENT:
		status = mapistore_attachment_set_props(dest->att, n, kept, mem_ctx, &found);
		break;
	default:
		status = EC_NULL_OBJECT;
	}
	if (status != MAPI_E_SUCCESS) {
		return status;
	}
	for (i = 0; i < n; i++) {
		uint16_t p;
		bool failed = false;

		for (p = 0; p < found.count; p++) {
			failed |= found.problems[p].index == i;
		}
		if (!failed) {
			moved[nmoved++] = kept[i].tag;
		}
	}
	for (i = 0; i < found.count && status == MAPI_E_SUCCESS; i++) {
		const struct mapi_property_problem *p = &found.problems[i];

		if (skip_computed && p->error_code == MAPI_E_COMPUTED) {
			continue;
		}
		status = problem_add(mem_ctx, list, kept_map[p->index], p->tag, p->error_code);
	}
	if (status == MAPI_E_SUCCESS && (copy_flags & EMSMDB_COPY_MOVE) && nmoved > 0) {
		struct problem_list ignored = { 0 };

		/* what cannot leave the source (computed values) simply stays */
		status = object_delete(src, mem_ctx, nmoved, moved, &ignored);
	}
	return status;
}

/*
 * MS-OXCPRPT 2.2.10 RopCopyProperties: copies (or with Move, moves) the
 * listed properties of the source object to the destination object of the
 * same type.  A listed property the source lacks is a NotFound problem;
 * NoOverwrite keeps what the destination has.  WantAsynchronous is
 * answered synchronously (MS-OXCPRPT 2.2.10.1 leaves it to the server), so no
 * RopProgress is needed.
 */
enum MAPISTATUS emsmdb_rop_copy_properties(struct emsmdb_rop_ctx *ctx,
					   struct rop_response *response)
{
	const struct rop_copy_properties_request *req = &ctx->request->u.copy_properties;
	struct rop_copy_properties_response *res = &response->u.copy_properties;
	struct problem_list list = { 0 };
	struct mapi_flagged_propval *got;
	struct mapi_propval *values;
	struct prop_object src, dest;
	uint16_t *map, i, n = 0, count = req->property_tag_count;
	enum MAPISTATUS status;

	res->source_handle_index = req->source_handle_index;
	if (req->copy_flags & ~(EMSMDB_COPY_MOVE | EMSMDB_COPY_NO_OVERWRITE)) {
		return MAPI_E_INVALID_PARAMETER;
	}
	if (count > 0 && req->property_tags == NULL) {
		return MAPI_E_INVALID_PARAMETER;
	}
	status = prop_object_of(ctx, ctx->input, &src);
	if (status != MAPI_E_SUCCESS) {
		return status;
	}
	status = copy_destination(ctx, req->dest_handle_index, &dest);
	if (status == EC_NULL_DESTINATION_OBJECT) {
		res->return_value = EC_NULL_DESTINATION_OBJECT;
		res->u.null_destination.dest_handle_index = req->dest_handle_index;
		return MAPI_E_SUCCESS;
	}
	if (status != MAPI_E_SUCCESS) {
		return status;
	}
	got = talloc_zero_array(ctx->mem_ctx, struct mapi_flagged_propval, count + 1);
	values = talloc_zero_array(ctx->mem_ctx, struct mapi_propval, count + 1);
	map = talloc_zero_array(ctx->mem_ctx, uint16_t, count + 1);
	if (got == NULL || values == NULL || map == NULL) {
		return MAPI_E_NOT_ENOUGH_MEMORY;
	}
	status = object_get(&src, ctx->mem_ctx, count, req->property_tags, got);
	if (status != MAPI_E_SUCCESS) {
		return status;
	}
	for (i = 0; i < count && status == MAPI_E_SUCCESS; i++) {
		if (got[i].flag != MAPI_PROPVAL_PRESENT) {
			status = problem_add(ctx->mem_ctx, &list, i, req->property_tags[i],
					     got[i].flag == MAPI_PROPVAL_ERROR ?
					     got[i].pv.value.error_code : MAPI_E_NOT_FOUND);
			continue;
		}
		values[n] = got[i].pv;
		map[n++] = i;
	}
	if (status == MAPI_E_SUCCESS) {
		status = copy_values(&src, &dest, ctx->mem_ctx, req->copy_flags, n, values, map, false,
				     &list);
	}
	if (status != MAPI_E_SUCCESS) {
		return status;
	}
	res->return_value = MAPI_E_SUCCESS;
	res->u.ok.property_problem_count = list.count;
	res->u.ok.property_problems = list.items;
	return MAPI_E_SUCCESS;
}

static bool excluded(const struct rop_copy_to_request *req, uint32_t tag)
{
	uint16_t i;

	for (i = 0; i < req->excluded_tag_count; i++) {
		if (MAPI_PROP_ID(req->excluded_tags[i]) == MAPI_PROP_ID(tag)) {
			return true;
		}
	}
	return false;
}

/* A message's recipients and attachments (WantSubObjects, MS-OXCPRPT 2.2.11.1). */
static enum MAPISTATUS copy_message_subobjects(const struct rop_copy_to_request *req,
					       struct mapistore_message *src,
					       struct mapistore_message *dest, TALLOC_CTX *mem_ctx)
{
	struct mapistore_recipient *rows = NULL;
	uint32_t count = 0, *nums = NULL, i;
	enum MAPISTATUS status = MAPI_E_SUCCESS;

	if (!excluded(req, TAG_MESSAGE_RECIPIENTS)) {
		status = mapistore_message_read_recipients(src, mem_ctx, 0, &count, &rows);
		if (status == MAPI_E_SUCCESS && count > 0) {
			status = mapistore_message_remove_all_recipients(dest);
			if (status == MAPI_E_SUCCESS) {
				status = mapistore_message_modify_recipients(dest, (uint16_t)count, rows);
			}
		}
	}
	if (status != MAPI_E_SUCCESS || excluded(req, TAG_MESSAGE_ATTACHMENTS)) {
		return status;
	}
	status = mapistore_message_attachment_nums(src, mem_ctx, &count, &nums);
	for (i = 0; i < count && status == MAPI_E_SUCCESS; i++) {
		struct mapistore_attachment *from, *to;
		struct mapistore_problems ignored = { 0 };
		struct mapi_propval *values = NULL;
		uint16_t nvalues = 0;
		uint32_t num;

		status = mapistore_attachment_open(src, mem_ctx, nums[i], MAPISTORE_OPEN_READ_ONLY, &from);
		if (status == MAPI_E_SUCCESS) {
			status = mapistore_attachment_get_all(from, mem_ctx, &nvalues, &values);
		}
		if (status == MAPI_E_SUCCESS) {
			status = mapistore_attachment_create(dest, mem_ctx, &to, &num);
		}
		if (status == MAPI_E_SUCCESS) {
			/* the computed ones (number, size) are the new attachment's own */
			status = mapistore_attachment_set_props(to, nvalues, values, mem_ctx, &ignored);
		}
		if (status == MAPI_E_SUCCESS) {
			status = mapistore_attachment_save(to);
		}
	}
	return status;
}

/*
 * MS-OXCPRPT 2.2.11 RopCopyTo: copies (or moves) every property of the
 * source but the ExcludedTags to the destination object of the same type;
 * with WantSubObjects a message's recipients and attachments go too
 * (unless PidTagMessageRecipients/PidTagMessageAttachments are excluded).
 * Properties nobody can write (computed ones) are not copied and are no
 * problem.  A folder's subobjects (its messages and subfolders) are not
 * copied by this server: RopCopyFolder does that.
 */
enum MAPISTATUS emsmdb_rop_copy_to(struct emsmdb_rop_ctx *ctx, struct rop_response *response)
{
	const struct rop_copy_to_request *req = &ctx->request->u.copy_to;
	struct rop_copy_to_response *res = &response->u.copy_to;
	struct problem_list list = { 0 };
	struct mapi_propval *values = NULL;
	struct prop_object src, dest;
	uint16_t count = 0, i, n = 0;
	enum MAPISTATUS status;

	res->source_handle_index = req->source_handle_index;
	if (req->copy_flags & ~(EMSMDB_COPY_MOVE | EMSMDB_COPY_NO_OVERWRITE)) {
		return MAPI_E_INVALID_PARAMETER;
	}
	if (req->excluded_tag_count > 0 && req->excluded_tags == NULL) {
		return MAPI_E_INVALID_PARAMETER;
	}
	status = prop_object_of(ctx, ctx->input, &src);
	if (status != MAPI_E_SUCCESS) {
		return status;
	}
	status = copy_destination(ctx, req->dest_handle_index, &dest);
	if (status == EC_NULL_DESTINATION_OBJECT) {
		res->return_value = EC_NULL_DESTINATION_OBJECT;
		res->u.null_destination.dest_handle_index = req->dest_handle_index;
		return MAPI_E_SUCCESS;
	}
	if (status == MAPI_E_SUCCESS) {
		status = object_get_all(&src, ctx->mem_ctx, &count, &values);
	}
	if (status != MAPI_E_SUCCESS) {
		return status;
	}
	for (i = 0; i < count; i++) {
		if (!excluded(req, values[i].tag)) {
			values[n++] = values[i];
		}
	}
	status = copy_values(&src, &dest, ctx->mem_ctx, req->copy_flags, n, values, NULL, true, &list);
	if (status == MAPI_E_SUCCESS && req->want_sub_objects && src.type == EMSMDB_OBJECT_MESSAGE) {
		status = copy_message_subobjects(req, src.msg, dest.msg, ctx->mem_ctx);
	}
	if (status != MAPI_E_SUCCESS) {
		return status;
	}
	/* a problem's index is that of the source's property list: no request index exists */
	res->return_value = MAPI_E_SUCCESS;
	res->u.ok.property_problem_count = list.count;
	res->u.ok.property_problems = list.items;
	return MAPI_E_SUCCESS;
}

/* --- streams ---------------------------------------------------------------- */

/*
 * What this file keeps of a Stream object: the parent of its mapistore
 * stream (so it is found from there) and what the release needs.
 */
struct oxcprpt_stream {
	struct emsmdb_session *session;
	struct emsmdb_stream *stream;
	bool writable;
	bool dirty;		/* written since the last commit */
};

static struct oxcprpt_stream *stream_state(struct emsmdb_stream *s)
{
	return talloc_get_type_abort(talloc_parent(s->stream), struct oxcprpt_stream);
}

/*
 * The release of a Stream object commits what was written and not
 * committed (MS-OXCPRPT 2.2.18: a message's or attachment's stream
 * reaches its object when committed or released): into the message or
 * attachment (in memory, saved with it) or the folder.  The state holds
 * the object its stream works on, so that object is still there.  When the
 * whole session goes, nothing is committed: its objects go in no order.
 */
static int stream_state_destructor(struct oxcprpt_stream *state)
{
	if (state->dirty && state->writable && !state->session->closing &&
	    state->stream->stream != NULL) {
		(void)mapistore_stream_commit(state->stream->stream);
	}
	return 0;
}

/*
 * A new Stream object on TAG of the object the stream's parent names
 * (FOLDER, MESSAGE or ATTACHMENT), open in MODE; *out is its Server object.
 */
static enum MAPISTATUS stream_new(struct emsmdb_rop_ctx *ctx, struct emsmdb_logon *logon,
				  uint8_t logon_id, struct emsmdb_folder *folder,
				  struct emsmdb_message *message, struct emsmdb_attachment *attachment,
				  uint32_t tag, uint8_t mode, struct emsmdb_stream **stream,
				  struct emsmdb_object **out)
{
	struct oxcprpt_stream *state;
	struct emsmdb_stream *s;
	enum MAPISTATUS status;
	void *dep = folder != NULL ? (void *)folder : message != NULL ? (void *)message : (void *)attachment;

	status = emsmdb_stream_object_new(ctx, logon, logon_id, folder, message, attachment, &s, out);
	if (status != MAPI_E_SUCCESS) {
		return status;
	}
	state = talloc_zero(s, struct oxcprpt_stream);
	if (state == NULL || !emsmdb_hold(state, dep)) {
		emsmdb_object_release(*out);
		*out = NULL;
		return MAPI_E_NOT_ENOUGH_MEMORY;
	}
	state->session = ctx->session;
	state->stream = s;
	if (mode == EMSMDB_STREAM_BEST_ACCESS) {
		/* MS-OXCPRPT 2.2.14.1 BestAccess: read/write if allowed, else read-only */
		mode = MAPISTORE_STREAM_READ_WRITE;
		status = mapistore_stream_open(state, folder ? folder->folder : NULL,
					       message ? message->msg : NULL,
					       attachment ? attachment->att : NULL, tag, mode, &s->stream);
		if (status == MAPI_E_NO_ACCESS) {
			mode = MAPISTORE_STREAM_READ_ONLY;
		}
	}
	if (s->stream == NULL) {
		status = mapistore_stream_open(state, folder ? folder->folder : NULL,
					       message ? message->msg : NULL,
					       attachment ? attachment->att : NULL, tag, mode, &s->stream);
	}
	if (status != MAPI_E_SUCCESS) {
		emsmdb_object_release(*out);
		*out = NULL;
		return status;
	}
	s->tag = tag;
	s->open_mode = mode;
	state->writable = mode != MAPISTORE_STREAM_READ_ONLY;
	/* Create makes the property exist even if nothing is written */
	state->dirty = mode == MAPISTORE_STREAM_CREATE;
	talloc_set_destructor(state, stream_state_destructor);
	*stream = s;
	return MAPI_E_SUCCESS;
}

static uint32_t stream_size32(const struct mapistore_stream *stream)
{
	uint64_t size = mapistore_stream_size(stream);

	return size > UINT32_MAX ? UINT32_MAX : (uint32_t)size;
}

/*
 * MS-OXCPRPT 2.2.14 RopOpenStream: a Stream object on a PtypBinary,
 * PtypString or PtypString8 property of a folder, message or attachment
 * (PtypObject is not supported: NotSupported).  ReadOnly and ReadWrite
 * need the property (NotFound otherwise); Create starts it empty;
 * BestAccess is ReadWrite where the object allows writing, else ReadOnly.
 * StreamSize is the property's size.
 */
enum MAPISTATUS emsmdb_rop_open_stream(struct emsmdb_rop_ctx *ctx, struct rop_response *response)
{
	const struct rop_open_stream_request *req = &ctx->request->u.open_stream;
	struct rop_open_stream_response *res = &response->u.open_stream;
	struct emsmdb_logon *logon = emsmdb_object_logon(ctx->input);
	struct emsmdb_stream *stream;
	struct emsmdb_object *object;
	uint16_t type = MAPI_PROP_TYPE(req->property_tag);
	enum MAPISTATUS status;

	res->output_handle_index = req->output_handle_index;
	if (logon == NULL) {
		return EC_NULL_OBJECT;
	}
	if (req->open_mode_flags > EMSMDB_STREAM_BEST_ACCESS) {
		return MAPI_E_INVALID_PARAMETER;
	}
	if (type != PTYP_BINARY && type != PTYP_STRING && type != PTYP_STRING8) {
		return MAPI_E_NO_SUPPORT;
	}
	status = stream_new(ctx, logon, req->logon_id, emsmdb_folder_of(ctx->input),
			    emsmdb_message_of(ctx->input), emsmdb_attachment_of(ctx->input),
			    req->property_tag, req->open_mode_flags, &stream, &object);
	if (status != MAPI_E_SUCCESS) {
		return status;
	}
	ctx->output = object;
	res->return_value = MAPI_E_SUCCESS;
	res->u.ok.stream_size = stream_size32(stream->stream);
	return MAPI_E_SUCCESS;
}

/*
 * MS-OXCPRPT 2.2.15 RopReadStream (MS-OXCROPS 2.2.9.2): up to ByteCount bytes from the seek
 * pointer (ByteCount 0xBABE: up to MaximumByteCount), fewer at the end of
 * the stream or when the response buffer has no room for more.
 */
enum MAPISTATUS emsmdb_rop_read_stream(struct emsmdb_rop_ctx *ctx, struct rop_response *response)
{
	const struct rop_read_stream_request *req = &ctx->request->u.read_stream;
	struct rop_read_stream_response *res = &response->u.read_stream;
	struct emsmdb_stream *s = emsmdb_stream_of(ctx->input);
	uint32_t want = req->byte_count, room, got = 0;
	enum MAPISTATUS status;
	uint8_t *data;

	res->input_handle_index = req->input_handle_index;
	if (s == NULL || s->stream == NULL) {
		return EC_NULL_OBJECT;
	}
	if (req->byte_count == EMSMDB_READ_STREAM_MAXIMUM) {
		want = req->maximum_byte_count;
	}
	if (ctx->space < 6 + 2) {
		return EMSMDB_ROP_NO_SPACE;
	}
	room = ctx->space - (6 + 2) > 0xFFFF ? 0xFFFF : (uint32_t)(ctx->space - (6 + 2));
	if (want > room) {
		if (room == 0) {
			return EMSMDB_ROP_NO_SPACE;
		}
		want = room;
	}
	data = talloc_array(ctx->mem_ctx, uint8_t, want + 1);
	if (data == NULL) {
		return MAPI_E_NOT_ENOUGH_MEMORY;
	}
	status = mapistore_stream_read(s->stream, data, want, &got);
	res->return_value = status;
	res->u.result.data_size = status == MAPI_E_SUCCESS ? (uint16_t)got : 0;
	res->u.result.data = data;
	return MAPI_E_SUCCESS;
}

/* mapistore's stream errors as MS-OXCPRPT 2.2.16 and 2.2.20 name them. */
static enum MAPISTATUS stream_error(enum MAPISTATUS status)
{
	switch (status) {
	case MAPI_E_TOO_BIG:
		return MAPI_E_STREAM_SIZE_ERROR;
	case MAPI_E_NO_ACCESS:
		return MAPI_E_STORAGE_ACCESS_DENIED;
	default:
		return status;
	}
}

static uint64_t stream_position(struct emsmdb_stream *s)
{
	uint64_t position = 0;

	(void)mapistore_stream_seek(s->stream, MAPISTORE_SEEK_CUR, 0, &position);
	return position;
}

static enum MAPISTATUS write_bytes(struct emsmdb_stream *s, uint32_t size, const uint8_t *data,
				   uint32_t *written)
{
	enum MAPISTATUS status;

	*written = 0;
	if (stream_state(s)->writable && stream_position(s) + size > EMSMDB_MAX_STREAM_SIZE) {
		return MAPI_E_STREAM_SIZE_ERROR;
	}
	status = mapistore_stream_write(s->stream, data, size, written);
	if (*written > 0) {
		stream_state(s)->dirty = true;
	}
	return stream_error(status);
}

static enum MAPISTATUS write_stream(struct emsmdb_stream *s, uint16_t size, const uint8_t *data,
				    uint16_t *written)
{
	uint32_t n = 0;
	enum MAPISTATUS status;

	status = write_bytes(s, size, data, &n);
	*written = (uint16_t)n;
	return status;
}

/*
 * MS-OXCPRPT 2.2.16 RopWriteStream: DataSize bytes at the seek pointer,
 * which moves past them; a read-only stream is STG_E_ACCESSDENIED, a
 * stream past 2^31 bytes StreamSizeError.  WrittenSize comes with any
 * ReturnValue.
 */
enum MAPISTATUS emsmdb_rop_write_stream(struct emsmdb_rop_ctx *ctx, struct rop_response *response)
{
	const struct rop_write_stream_request *req = &ctx->request->u.write_stream;
	struct rop_write_stream_response *res = &response->u.write_stream;
	struct emsmdb_stream *s = emsmdb_stream_of(ctx->input);

	res->input_handle_index = req->input_handle_index;
	if (s == NULL || s->stream == NULL) {
		return EC_NULL_OBJECT;
	}
	res->return_value = write_stream(s, req->data_size, req->data, &res->u.result.written_size);
	return MAPI_E_SUCCESS;
}

/*
 * MS-OXCPRPT 2.2.17 RopWriteStreamExtended: RopWriteStream whose
 * WrittenSize is 4 bytes (the request's data is still at most 64 KB).
 */
enum MAPISTATUS emsmdb_rop_write_stream_extended(struct emsmdb_rop_ctx *ctx,
						 struct rop_response *response)
{
	const struct rop_write_stream_extended_request *req = &ctx->request->u.write_stream_extended;
	struct rop_write_stream_extended_response *res = &response->u.write_stream_extended;
	struct emsmdb_stream *s = emsmdb_stream_of(ctx->input);
	uint32_t written = 0;

	res->input_handle_index = req->input_handle_index;
	if (s == NULL || s->stream == NULL) {
		return EC_NULL_OBJECT;
	}
	res->return_value = write_bytes(s, req->data_size, req->data, &written);
	res->u.result.written_size = written;
	return MAPI_E_SUCCESS;
}

static enum MAPISTATUS commit_stream(struct emsmdb_stream *s)
{
	struct oxcprpt_stream *state = stream_state(s);
	enum MAPISTATUS status;

	if (!state->writable) {
		return MAPI_E_SUCCESS;	/* nothing to persist */
	}
	status = mapistore_stream_commit(s->stream);
	if (status == MAPI_E_SUCCESS) {
		state->dirty = false;
	}
	return status;
}

/*
 * MS-OXCPRPT 2.2.26 RopWriteAndCommitStream: RopWriteStream then
 * RopCommitStream.  The client must not use it on a folder's stream; this
 * server does the same there as for the others.
 */
enum MAPISTATUS emsmdb_rop_write_and_commit_stream(struct emsmdb_rop_ctx *ctx,
						   struct rop_response *response)
{
	const struct rop_write_and_commit_stream_request *req = &ctx->request->u.write_and_commit_stream;
	struct rop_write_and_commit_stream_response *res = &response->u.write_and_commit_stream;
	struct emsmdb_stream *s = emsmdb_stream_of(ctx->input);
	enum MAPISTATUS status;

	res->input_handle_index = req->input_handle_index;
	if (s == NULL || s->stream == NULL) {
		return EC_NULL_OBJECT;
	}
	status = write_stream(s, req->data_size, req->data, &res->u.result.written_size);
	if (status == MAPI_E_SUCCESS) {
		status = commit_stream(s);
	}
	res->return_value = status;
	return MAPI_E_SUCCESS;
}

/*
 * MS-OXCPRPT 2.2.18 RopCommitStream: the stream's bytes become the
 * property's value: in the folder's storage at once, in the message or
 * attachment until it is saved.
 */
enum MAPISTATUS emsmdb_rop_commit_stream(struct emsmdb_rop_ctx *ctx, struct rop_response *response)
{
	const struct rop_commit_stream_request *req = &ctx->request->u.commit_stream;
	struct rop_commit_stream_response *res = &response->u.commit_stream;
	struct emsmdb_stream *s = emsmdb_stream_of(ctx->input);
	enum MAPISTATUS status;

	res->input_handle_index = req->input_handle_index;
	if (s == NULL || s->stream == NULL) {
		return EC_NULL_OBJECT;
	}
	status = commit_stream(s);
	if (status != MAPI_E_SUCCESS) {
		return status;
	}
	res->return_value = MAPI_E_SUCCESS;
	return MAPI_E_SUCCESS;
}

/* MS-OXCPRPT 2.2.19 RopGetStreamSize (MS-OXCROPS 2.2.9.6). */
enum MAPISTATUS emsmdb_rop_get_stream_size(struct emsmdb_rop_ctx *ctx,
					   struct rop_response *response)
{
	const struct rop_get_stream_size_request *req = &ctx->request->u.get_stream_size;
	struct rop_get_stream_size_response *res = &response->u.get_stream_size;
	struct emsmdb_stream *s = emsmdb_stream_of(ctx->input);

	res->input_handle_index = req->input_handle_index;
	if (s == NULL || s->stream == NULL) {
		return EC_NULL_OBJECT;
	}
	res->return_value = MAPI_E_SUCCESS;
	res->u.ok.stream_size = stream_size32(s->stream);
	return MAPI_E_SUCCESS;
}

/*
 * RopSetStreamSize (MS-OXCROPS 2.2.9.7, MS-OXCPRPT 2.2.20): truncates or extends (with zeros)
 * the stream; past 2^31 bytes is StreamSizeError, a read-only stream
 * STG_E_ACCESSDENIED.
 */
enum MAPISTATUS emsmdb_rop_set_stream_size(struct emsmdb_rop_ctx *ctx,
					   struct rop_response *response)
{
	const struct rop_set_stream_size_request *req = &ctx->request->u.set_stream_size;
	struct rop_set_stream_size_response *res = &response->u.set_stream_size;
	struct emsmdb_stream *s = emsmdb_stream_of(ctx->input);
	enum MAPISTATUS status;

	res->input_handle_index = req->input_handle_index;
	if (s == NULL || s->stream == NULL) {
		return EC_NULL_OBJECT;
	}
	if (req->stream_size > EMSMDB_MAX_STREAM_SIZE && stream_state(s)->writable) {
		return MAPI_E_STREAM_SIZE_ERROR;
	}
	status = stream_error(mapistore_stream_set_size(s->stream, req->stream_size));
	if (status != MAPI_E_SUCCESS) {
		return status;
	}
	stream_state(s)->dirty = true;
	res->return_value = MAPI_E_SUCCESS;
	return MAPI_E_SUCCESS;
}

/*
 * MS-OXCPRPT 3.2.5.18 RopSeekStream: Origin is the beginning (0), the
 * seek pointer (1) or the end (2), anything else StreamInvalidParam; a
 * position before the start or past 2^31 is StreamSeekError.  Seeking a
 * writable stream past its end extends it with zeros.
 */
enum MAPISTATUS emsmdb_rop_seek_stream(struct emsmdb_rop_ctx *ctx, struct rop_response *response)
{
	const struct rop_seek_stream_request *req = &ctx->request->u.seek_stream;
	struct rop_seek_stream_response *res = &response->u.seek_stream;
	struct emsmdb_stream *s = emsmdb_stream_of(ctx->input);
	uint64_t position = 0, before;
	enum MAPISTATUS status;

	res->input_handle_index = req->input_handle_index;
	if (s == NULL || s->stream == NULL) {
		return EC_NULL_OBJECT;
	}
	if (req->origin > MAPISTORE_SEEK_END) {
		return MAPI_E_STORAGE_INVALID_PARAMETER;
	}
	before = stream_position(s);
	status = mapistore_stream_seek(s->stream, (enum mapistore_seek_origin)req->origin,
				       (int64_t)req->offset, &position);
	if (status != MAPI_E_SUCCESS) {
		return EMSMDB_STREAM_SEEK_ERROR;
	}
	if (position > mapistore_stream_size(s->stream) && stream_state(s)->writable) {
		if (position > EMSMDB_MAX_STREAM_SIZE) {
			/* the extension would be more than a stream may hold: nothing moves */
			(void)mapistore_stream_seek(s->stream, MAPISTORE_SEEK_SET, (int64_t)before, NULL);
			return EMSMDB_STREAM_SEEK_ERROR;
		}
		status = stream_error(mapistore_stream_set_size(s->stream, position));
		if (status != MAPI_E_SUCCESS) {
			return status;
		}
		stream_state(s)->dirty = true;
	}
	res->return_value = MAPI_E_SUCCESS;
	res->u.ok.new_position = position;
	return MAPI_E_SUCCESS;
}

/*
 * MS-OXCPRPT 2.2.22 RopCopyToStream: ByteCount bytes from the source
 * stream's seek pointer to the destination stream's (at DestHandleIndex;
 * none there is the NullDestinationObject form).  Both pointers move by
 * what was read and written, which the response tells with any ReturnValue.
 */
enum MAPISTATUS emsmdb_rop_copy_to_stream(struct emsmdb_rop_ctx *ctx,
					  struct rop_response *response)
{
	const struct rop_copy_to_stream_request *req = &ctx->request->u.copy_to_stream;
	struct rop_copy_to_stream_response *res = &response->u.copy_to_stream;
	struct emsmdb_stream *src = emsmdb_stream_of(ctx->input), *dest;
	struct emsmdb_object *dest_object;
	uint64_t read_total = 0, written_total = 0, left = req->byte_count;
	enum MAPISTATUS status = MAPI_E_SUCCESS;
	uint8_t *buffer;

	res->source_handle_index = req->source_handle_index;
	if (src == NULL || src->stream == NULL) {
		return EC_NULL_OBJECT;
	}
	dest_object = emsmdb_rop_object_at(ctx, req->dest_handle_index, EMSMDB_STREAM_OBJECTS);
	dest = emsmdb_stream_of(dest_object);
	if (dest == NULL || dest->stream == NULL) {
		res->return_value = EC_NULL_DESTINATION_OBJECT;
		res->u.null_destination.dest_handle_index = req->dest_handle_index;
		return MAPI_E_SUCCESS;
	}
	if (dest == src) {
		/* reading what it writes, it would never reach its end */
		return MAPI_E_INVALID_PARAMETER;
	}
	buffer = talloc_array(ctx->mem_ctx, uint8_t, 0x10000);
	if (buffer == NULL) {
		return MAPI_E_NOT_ENOUGH_MEMORY;
	}
	while (left > 0 && status == MAPI_E_SUCCESS) {
		uint32_t chunk = left > 0x10000 ? 0x10000 : (uint32_t)left, got = 0, put = 0;

		status = mapistore_stream_read(src->stream, buffer, chunk, &got);
		if (status != MAPI_E_SUCCESS || got == 0) {
			break;
		}
		read_total += got;
		status = write_bytes(dest, got, buffer, &put);
		written_total += put;
		left -= got;
	}
	res->return_value = status;
	res->u.result.read_byte_count = read_total;
	res->u.result.written_byte_count = written_total;
	return MAPI_E_SUCCESS;
}

/*
 * RopCloneStream (MS-OXCROPS 2.2.9.13): a new Stream object on the same
 * property with the same bytes and seek pointer.  Deviation: the clone
 * starts from a copy of the source's bytes and then goes its own way
 * (writes to one are not seen by the other until committed), where COM's
 * IStream::Clone shares them.
 */
enum MAPISTATUS emsmdb_rop_clone_stream(struct emsmdb_rop_ctx *ctx, struct rop_response *response)
{
	const struct rop_clone_stream_request *req = &ctx->request->u.clone_stream;
	struct rop_clone_stream_response *res = &response->u.clone_stream;
	struct emsmdb_stream *src = emsmdb_stream_of(ctx->input), *clone;
	struct emsmdb_object *object;
	struct oxcprpt_stream *state;
	uint64_t position = 0, size;
	enum MAPISTATUS status;
	uint32_t got = 0, put = 0;
	uint8_t *bytes;

	res->output_handle_index = req->output_handle_index;
	if (src == NULL || src->stream == NULL) {
		return EC_NULL_OBJECT;
	}
	state = stream_state(src);
	size = mapistore_stream_size(src->stream);
	if (size > UINT32_MAX) {
		return MAPI_E_TOO_BIG;
	}
	bytes = talloc_array(ctx->mem_ctx, uint8_t, size + 1);
	if (bytes == NULL) {
		return MAPI_E_NOT_ENOUGH_MEMORY;
	}
	/* the source's bytes, its seek pointer left where it was */
	status = mapistore_stream_seek(src->stream, MAPISTORE_SEEK_CUR, 0, &position);
	if (status == MAPI_E_SUCCESS) {
		status = mapistore_stream_seek(src->stream, MAPISTORE_SEEK_SET, 0, NULL);
	}
	if (status == MAPI_E_SUCCESS) {
		status = mapistore_stream_read(src->stream, bytes, (uint32_t)size, &got);
	}
	(void)mapistore_stream_seek(src->stream, MAPISTORE_SEEK_SET, (int64_t)position, NULL);
	if (status != MAPI_E_SUCCESS) {
		return status;
	}
	/* a writable clone starts empty and takes the bytes; a read-only one reads the property */
	status = stream_new(ctx, src->logon, ctx->request->u.clone_stream.logon_id, src->folder,
			    src->message, src->attachment, src->tag,
			    state->writable ? MAPISTORE_STREAM_CREATE : MAPISTORE_STREAM_READ_ONLY,
			    &clone, &object);
	if (status != MAPI_E_SUCCESS) {
		return status;
	}
	if (state->writable) {
		status = mapistore_stream_write(clone->stream, bytes, got, &put);
		/* the same bytes as the source: nothing of the clone's own to commit yet */
		stream_state(clone)->dirty = false;
		clone->open_mode = src->open_mode;
	}
	if (status == MAPI_E_SUCCESS) {
		status = mapistore_stream_seek(clone->stream, MAPISTORE_SEEK_SET, (int64_t)position, NULL);
	}
	if (status != MAPI_E_SUCCESS) {
		emsmdb_object_release(object);
		return status;
	}
	ctx->output = object;
	res->return_value = MAPI_E_SUCCESS;
	return MAPI_E_SUCCESS;
}

/*
 * RopLockRegionStream and RopUnlockRegionStream (MS-OXCROPS 2.2.9.10,
 * 2.2.9.11): a stream belongs to one session here, whose ROPs
 * run one after the other, so no other writer can come between: locks are
 * accepted and need no bookkeeping.
 */
enum MAPISTATUS emsmdb_rop_lock_region_stream(struct emsmdb_rop_ctx *ctx,
					      struct rop_response *response)
{
	const struct rop_lock_region_stream_request *req = &ctx->request->u.lock_region_stream;

	response->u.lock_region_stream.input_handle_index = req->input_handle_index;
	if (emsmdb_stream_of(ctx->input) == NULL) {
		return EC_NULL_OBJECT;
	}
	response->u.lock_region_stream.return_value = MAPI_E_SUCCESS;
	return MAPI_E_SUCCESS;
}

enum MAPISTATUS emsmdb_rop_unlock_region_stream(struct emsmdb_rop_ctx *ctx,
						struct rop_response *response)
{
	const struct rop_unlock_region_stream_request *req = &ctx->request->u.unlock_region_stream;

	response->u.unlock_region_stream.input_handle_index = req->input_handle_index;
	if (emsmdb_stream_of(ctx->input) == NULL) {
		return EC_NULL_OBJECT;
	}
	response->u.unlock_region_stream.return_value = MAPI_E_SUCCESS;
	return MAPI_E_SUCCESS;
}
