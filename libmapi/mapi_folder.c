/*
 * OpenChange libmapi: stores (MS-OXCSTOR), folders (MS-OXCFOLD) and
 * tables (MS-OXCTABL) of the client API.
 *
 * Copyright (C) OpenChange developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <talloc.h>

#include "libmapi/mapi_private.h"
#include "libmapi/profile.h"
#include "libmapi/oxcdata_ids.h"
#include "libmapi/oxcdata_buf.h"

/* RopLogon OpenFlags (MS-OXCSTOR 2.2.1.1.1) */
#define LOGON_PUBLIC 0x00000002
#define LOGON_USE_PER_MDB_REPLID_MAPPING 0x01000000
/* LogonFlags: Private (MS-OXCSTOR 2.2.1.1.1) */
#define LOGON_FLAG_PRIVATE 0x01

/* TableFlags: Unicode strings in rows (MS-OXCFOLD 2.2.1.13.1, 2.2.1.14.1) */
#define TABLE_FLAG_UNICODE 0x40

/* The lowest free LogonId, now taken, or -1 when MAPI_MAX_LOGONS are */
static int logon_id_take(struct mapi_session *session)
{
	int id;

	for (id = 0; id < MAPI_MAX_LOGONS; id++) {
		uint32_t bit = 1u << (id % 32);

		if ((session->logon_ids[id / 32] & bit) == 0) {
			session->logon_ids[id / 32] |= bit;
			return id;
		}
	}
	return -1;
}

void mapi_logon_id_free(struct mapi_session *session, uint8_t logon_id)
{
	session->logon_ids[logon_id / 32] &= ~(1u << (logon_id % 32));
}

static enum MAPISTATUS store_logon(struct mapi_session *session, bool private_store,
				   mapi_object_t *store)
{
	struct rop_request req;
	struct rop_response resp;
	enum MAPISTATUS ret;
	uint32_t handle = MAPI_HANDLE_NONE;
	mapi_object_t none;
	TALLOC_CTX *tmp;
	const char *essdn = session->profile->essdn;

	int logon_id;
	unsigned hops = 0;

	mapi_object_init(store);
	mapi_object_init(&none);
	none.session = session;
	logon_id = logon_id_take(session);
	if (logon_id < 0) {
		mapi_set_error(session, "%s: all %d LogonIds of the session are in use; "
			       "release a store first", private_store ? "OpenMsgStore" :
			       "OpenPublicFolder", MAPI_MAX_LOGONS);
		return MAPI_E_NOT_ENOUGH_RESOURCES;
	}
	/* The logon is the first object: no input handle */
	memset(&req, 0, sizeof(req));
	req.rop_id = RopLogon;
	/* MS-OXCROPS 2.2.3.1.1: LogonId names this logon in every later ROP */
	req.u.logon.logon_id = (uint8_t)logon_id;
	req.u.logon.output_handle_index = 1;
	if (private_store) {
		req.u.logon.logon_flags = LOGON_FLAG_PRIVATE;
		req.u.logon.open_flags = LOGON_USE_PER_MDB_REPLID_MAPPING;
		req.u.logon.essdn = (uint8_t *)MAPI_UNCONST(char, essdn);
		req.u.logon.essdn_size = (uint16_t)(strlen(essdn) + 1);
	} else {
		req.u.logon.open_flags = LOGON_USE_PER_MDB_REPLID_MAPPING | LOGON_PUBLIC;
	}
	tmp = talloc_new(session);
	if (tmp == NULL) {
		mapi_logon_id_free(session, (uint8_t)logon_id);
		return MAPI_E_NOT_ENOUGH_MEMORY;
	}
	none.logon_id = req.u.logon.logon_id;
	ret = mapi_rop(&none, tmp, &req, &resp, &handle);
	/* MS-OXCSTOR 2.2.1.1.2: another server hosts the mailbox; log on there */
	while (ret == EC_WRONG_SERVER && private_store &&
	       resp.u.logon.u.redirect.server_name != NULL) {
		char *server_dn = talloc_strndup(tmp, (const char *)resp.u.logon.u.redirect.server_name,
						 resp.u.logon.u.redirect.server_name_size);

		if (server_dn == NULL) {
			ret = MAPI_E_NOT_ENOUGH_MEMORY;
			break;
		}
		if (hops++ == MAPI_MAX_REDIRECTS) {
			mapi_set_error(session, "OpenMsgStore: redirected to %s again after %u redirects: "
				       "the servers disagree on where the mailbox is", server_dn,
				       MAPI_MAX_REDIRECTS);
			break;
		}
		ret = mapi_session_redirect(session, (uint8_t)logon_id, server_dn);
		if (ret != MAPI_E_SUCCESS) {
			break;
		}
		memset(&resp, 0, sizeof(resp));
		ret = mapi_rop(&none, tmp, &req, &resp, &handle);
	}
	if (ret == MAPI_E_SUCCESS) {
		store->session = session;
		store->handle = handle;
		store->logon_id = req.u.logon.logon_id;
		store->type = MAPI_OBJECT_STORE;
		store->private_store = private_store;
		memcpy(store->folder_ids, private_store ? resp.u.logon.u.private_mailbox.folder_ids :
		       resp.u.logon.u.public_folders.folder_ids, sizeof(store->folder_ids));
	} else {
		mapi_logon_id_free(session, (uint8_t)logon_id);
	}
	talloc_free(tmp);
	return ret;
}

enum MAPISTATUS OpenMsgStore(struct mapi_session *session, mapi_object_t *store)
{
	if (session == NULL || store == NULL) {
		return MAPI_E_INVALID_PARAMETER;
	}
	return store_logon(session, true, store);
}

enum MAPISTATUS OpenPublicFolder(struct mapi_session *session, mapi_object_t *store)
{
	if (session == NULL || store == NULL) {
		return MAPI_E_INVALID_PARAMETER;
	}
	return store_logon(session, false, store);
}

enum MAPISTATUS GetFIDFromEntryID(mapi_object_t *store, const struct mapi_binary *entryid,
				  uint64_t *fid)
{
	struct oxcdata_pull pull;
	struct mapi_folder_entryid eid;
	struct rop_request req;
	struct rop_response resp;
	enum MAPISTATUS ret;
	TALLOC_CTX *tmp;

	if (!mapi_object_is(store, MAPI_T(MAPI_OBJECT_STORE)) || entryid == NULL || fid == NULL ||
	    (entryid->len > 0 && entryid->data == NULL)) {
		return MAPI_E_INVALID_PARAMETER;
	}
	oxcdata_pull_init(&pull, entryid->data, entryid->len);
	if (oxcdata_folder_entryid_pull(&pull, &eid) != WIRE_OK || oxcdata_pull_left(&pull) != 0) {
		mapi_set_error(store->session, "not a folder entry ID (MS-OXCDATA 2.2.4.1)");
		return MAPI_E_INVALID_PARAMETER;
	}
	/*
	 * The entry ID names the folder by its LongTermID (DatabaseGuid +
	 * GlobalCounter); only the server knows which REPLID the GUID has in
	 * this logon (MS-OXCSTOR 3.2.5.9 RopIdFromLongTermId).
	 */
	memset(&req, 0, sizeof(req));
	req.rop_id = RopIdFromLongTermId;
	req.u.id_from_long_term_id.logon_id = store->logon_id;
	memcpy(req.u.id_from_long_term_id.long_term_id.database_guid.bytes, eid.folder.database_guid,
	       sizeof(eid.folder.database_guid));
	memcpy(req.u.id_from_long_term_id.long_term_id.global_counter, eid.folder.global_counter,
	       sizeof(eid.folder.global_counter));
	tmp = talloc_new(store->session);
	if (tmp == NULL) {
		return MAPI_E_NOT_ENOUGH_MEMORY;
	}
	ret = mapi_rop(store, tmp, &req, &resp, NULL);
	if (ret == MAPI_E_SUCCESS) {
		*fid = resp.u.id_from_long_term_id.u.ok.object_id;
	}
	talloc_free(tmp);
	return ret;
}

/* The folder whose entry ID TAG holds on the Root folder, else on the Inbox */
static enum MAPISTATUS folder_from_property(mapi_object_t *store, uint32_t tag, uint64_t *fid)
{
	TALLOC_CTX *tmp = talloc_new(store->session);
	uint64_t holders[2] = { store->folder_ids[0], 0 };
	struct mapi_propval *props;
	enum MAPISTATUS ret = MAPI_E_NOT_FOUND;
	mapi_object_t folder;
	size_t i;

	if (tmp == NULL) {
		return MAPI_E_NOT_ENOUGH_MEMORY;
	}
	if (GetDefaultFolder(store, olFolderInbox, &holders[1]) != MAPI_E_SUCCESS) {
		holders[1] = store->folder_ids[4];
	}
	for (i = 0; i < 2; i++) {
		mapi_object_init(&folder);
		ret = OpenFolder(store, holders[i], &folder);
		if (ret == MAPI_E_SUCCESS) {
			ret = GetProps(tmp, &folder, &tag, 1, &props);
			mapi_object_release(&folder);
		}
		if (ret == MAPI_E_SUCCESS && props[0].tag == tag) {
			ret = GetFIDFromEntryID(store, &props[0].value.binary, fid);
			talloc_free(tmp);
			return ret;
		}
		if (ret == MAPI_E_SUCCESS) {
			ret = MAPI_E_NOT_FOUND;
		}
	}
	talloc_free(tmp);
	mapi_set_error(store->session, "GetDefaultFolder: no 0x%08x on the Root folder or the Inbox",
		       tag);
	return ret;
}

enum MAPISTATUS GetDefaultFolder(mapi_object_t *store, uint32_t folder, uint64_t *fid)
{
	struct rop_request req;
	struct rop_response resp;
	enum MAPISTATUS ret;
	TALLOC_CTX *tmp;
	int index;

	if (!mapi_object_is(store, MAPI_T(MAPI_OBJECT_STORE)) || fid == NULL ||
	    !store->private_store) {
		return MAPI_E_INVALID_PARAMETER;
	}
	switch (folder) {
	case olFolderInbox:
		/*
		 * MS-OXOSFLD 3.1.4.1.1: the Inbox is the receive folder of
		 * the "IPM" message class (RopGetReceiveFolder), which a
		 * user may have changed; FolderIds[4] is what the logon
		 * created.
		 */
		memset(&req, 0, sizeof(req));
		req.rop_id = RopGetReceiveFolder;
		req.u.get_receive_folder.logon_id = store->logon_id;
		req.u.get_receive_folder.message_class = MAPI_UNCONST(char, "IPM");
		tmp = talloc_new(store->session);
		if (tmp == NULL) {
			return MAPI_E_NOT_ENOUGH_MEMORY;
		}
		ret = mapi_rop(store, tmp, &req, &resp, NULL);
		if (ret == MAPI_E_SUCCESS) {
			*fid = resp.u.get_receive_folder.u.ok.folder_id;
		}
		talloc_free(tmp);
		return ret;
	/* MS-OXOSFLD 2.2.3: named by entry ID on the Root folder (and the Inbox) */
	case olFolderCalendar: return folder_from_property(store, PidTagIpmAppointmentEntryId, fid);
	case olFolderContacts: return folder_from_property(store, PidTagIpmContactEntryId, fid);
	case olFolderJournal: return folder_from_property(store, PidTagIpmJournalEntryId, fid);
	case olFolderNotes: return folder_from_property(store, PidTagIpmNoteEntryId, fid);
	case olFolderTasks: return folder_from_property(store, PidTagIpmTaskEntryId, fid);
	case olFolderDrafts: return folder_from_property(store, PidTagIpmDraftsEntryId, fid);
	/* MS-OXCROPS 2.2.3.1.3 (MS-OXCSTOR 2.2.1.1.3): the order of FolderIds */
	case olFolderRoot: index = 0; break;
	case olFolderTopInformationStore: index = 3; break;
	case olFolderOutbox: index = 5; break;
	case olFolderSentMail: index = 6; break;
	case olFolderDeletedItems: index = 7; break;
	case olFolderCommonView: index = 8; break;
	case olFolderFinder: index = 10; break;
	default:
		mapi_set_error(store->session, "GetDefaultFolder: folder %u is not known", folder);
		return MAPI_E_NO_SUPPORT;
	}
	*fid = store->folder_ids[index];
	return MAPI_E_SUCCESS;
}

enum MAPISTATUS OpenFolder(mapi_object_t *parent, uint64_t fid, mapi_object_t *folder)
{
	struct rop_request req;
	struct rop_response resp;
	enum MAPISTATUS ret;
	uint32_t handle;
	TALLOC_CTX *tmp;

	if (!mapi_object_is(parent, MAPI_T(MAPI_OBJECT_STORE) | MAPI_T(MAPI_OBJECT_FOLDER)) ||
	    folder == NULL || folder == parent) {
		return MAPI_E_INVALID_PARAMETER;
	}
	memset(&req, 0, sizeof(req));
	req.rop_id = RopOpenFolder;
	req.u.open_folder.logon_id = parent->logon_id;
	req.u.open_folder.output_handle_index = 1;
	req.u.open_folder.folder_id = fid;
	tmp = talloc_new(parent->session);
	if (tmp == NULL) {
		return MAPI_E_NOT_ENOUGH_MEMORY;
	}
	ret = mapi_rop(parent, tmp, &req, &resp, &handle);
	talloc_free(tmp);
	if (ret == MAPI_E_SUCCESS) {
		mapi_object_child(parent, folder, MAPI_OBJECT_FOLDER, handle);
		folder->id = fid;
	}
	return ret;
}

enum MAPISTATUS CreateFolder(mapi_object_t *parent, uint8_t folder_type, const char *name,
			     const char *comment, bool open_existing, mapi_object_t *folder)
{
	struct rop_request req;
	struct rop_response resp;
	enum MAPISTATUS ret;
	uint32_t handle;
	TALLOC_CTX *tmp;

	if (!mapi_object_is(parent, MAPI_T(MAPI_OBJECT_FOLDER)) || folder == NULL ||
	    folder == parent || name == NULL || name[0] == '\0' ||
	    (folder_type != MAPI_FOLDER_GENERIC && folder_type != MAPI_FOLDER_SEARCH)) {
		return MAPI_E_INVALID_PARAMETER;
	}
	memset(&req, 0, sizeof(req));
	req.rop_id = RopCreateFolder;
	req.u.create_folder.logon_id = parent->logon_id;
	req.u.create_folder.output_handle_index = 1;
	req.u.create_folder.folder_type = folder_type;
	req.u.create_folder.use_unicode_strings = 1;
	req.u.create_folder.open_existing = open_existing ? 1 : 0;
	req.u.create_folder.display_name = MAPI_UNCONST(char, name);
	req.u.create_folder.comment = MAPI_UNCONST(char, comment != NULL ? comment : "");
	tmp = talloc_new(parent->session);
	if (tmp == NULL) {
		return MAPI_E_NOT_ENOUGH_MEMORY;
	}
	ret = mapi_rop(parent, tmp, &req, &resp, &handle);
	if (ret == MAPI_E_SUCCESS) {
		mapi_object_child(parent, folder, MAPI_OBJECT_FOLDER, handle);
		folder->id = resp.u.create_folder.u.ok.folder_id;
	}
	talloc_free(tmp);
	return ret;
}

enum MAPISTATUS DeleteFolder(mapi_object_t *parent, uint64_t fid, uint8_t flags)
{
	struct rop_request req;
	struct rop_response resp;
	enum MAPISTATUS ret;
	TALLOC_CTX *tmp;

	if (!mapi_object_is(parent, MAPI_T(MAPI_OBJECT_FOLDER)) ||
	    (flags & ~(MAPI_DEL_MESSAGES | MAPI_DEL_FOLDERS | MAPI_DEL_HARD)) != 0) {
		return MAPI_E_INVALID_PARAMETER;
	}
	memset(&req, 0, sizeof(req));
	req.rop_id = RopDeleteFolder;
	req.u.delete_folder.logon_id = parent->logon_id;
	req.u.delete_folder.delete_folder_flags = flags;
	req.u.delete_folder.folder_id = fid;
	tmp = talloc_new(parent->session);
	if (tmp == NULL) {
		return MAPI_E_NOT_ENOUGH_MEMORY;
	}
	ret = mapi_rop(parent, tmp, &req, &resp, NULL);
	/* MS-OXCFOLD 2.2.1.3.2: PartialCompletion means some of it stayed */
	if (ret == MAPI_E_SUCCESS && resp.u.delete_folder.u.result.partial_completion) {
		mapi_set_error(parent->session, "RopDeleteFolder: partial completion");
		ret = MAPI_E_CALL_FAILED;
	}
	talloc_free(tmp);
	return ret;
}

static enum MAPISTATUS open_table(mapi_object_t *folder, uint8_t rop_id, mapi_object_t *table,
				  uint32_t *count)
{
	struct rop_request req;
	struct rop_response resp;
	enum MAPISTATUS ret;
	uint32_t handle;
	TALLOC_CTX *tmp;

	if (!mapi_object_is(folder, MAPI_T(MAPI_OBJECT_FOLDER)) || table == NULL || table == folder) {
		return MAPI_E_INVALID_PARAMETER;
	}
	memset(&req, 0, sizeof(req));
	req.rop_id = rop_id;
	if (rop_id == RopGetContentsTable) {
		req.u.get_contents_table.logon_id = folder->logon_id;
		req.u.get_contents_table.output_handle_index = 1;
		req.u.get_contents_table.table_flags = TABLE_FLAG_UNICODE;
	} else {
		req.u.get_hierarchy_table.logon_id = folder->logon_id;
		req.u.get_hierarchy_table.output_handle_index = 1;
		req.u.get_hierarchy_table.table_flags = TABLE_FLAG_UNICODE;
	}
	tmp = talloc_new(folder->session);
	if (tmp == NULL) {
		return MAPI_E_NOT_ENOUGH_MEMORY;
	}
	ret = mapi_rop(folder, tmp, &req, &resp, &handle);
	if (ret == MAPI_E_SUCCESS) {
		mapi_object_child(folder, table, MAPI_OBJECT_TABLE, handle);
		if (count != NULL) {
			*count = rop_id == RopGetContentsTable ?
				resp.u.get_contents_table.u.ok.row_count :
				resp.u.get_hierarchy_table.u.ok.row_count;
		}
	}
	talloc_free(tmp);
	return ret;
}

enum MAPISTATUS GetHierarchyTable(mapi_object_t *folder, mapi_object_t *table, uint32_t *count)
{
	return open_table(folder, RopGetHierarchyTable, table, count);
}

enum MAPISTATUS GetContentsTable(mapi_object_t *folder, mapi_object_t *table, uint32_t *count)
{
	return open_table(folder, RopGetContentsTable, table, count);
}

enum MAPISTATUS DeleteMessages(mapi_object_t *folder, const uint64_t *mids, uint16_t count)
{
	struct rop_request req;
	struct rop_response resp;
	enum MAPISTATUS ret;
	TALLOC_CTX *tmp;

	if (!mapi_object_is(folder, MAPI_T(MAPI_OBJECT_FOLDER)) || mids == NULL || count == 0) {
		return MAPI_E_INVALID_PARAMETER;
	}
	memset(&req, 0, sizeof(req));
	req.rop_id = RopDeleteMessages;
	req.u.delete_messages.logon_id = folder->logon_id;
	req.u.delete_messages.message_id_count = count;
	req.u.delete_messages.message_ids = MAPI_UNCONST(uint64_t, mids);
	tmp = talloc_new(folder->session);
	if (tmp == NULL) {
		return MAPI_E_NOT_ENOUGH_MEMORY;
	}
	ret = mapi_rop(folder, tmp, &req, &resp, NULL);
	if (ret == MAPI_E_SUCCESS && resp.u.delete_messages.u.result.partial_completion) {
		mapi_set_error(folder->session, "RopDeleteMessages: partial completion");
		ret = MAPI_E_CALL_FAILED;
	}
	talloc_free(tmp);
	return ret;
}

/* --- tables ---------------------------------------------------------------- */

enum MAPISTATUS SetColumns(mapi_object_t *table, const uint32_t *tags, uint16_t count)
{
	struct rop_request req;
	struct rop_response resp;
	enum MAPISTATUS ret;
	TALLOC_CTX *tmp;

	if (!mapi_object_is(table, MAPI_T(MAPI_OBJECT_TABLE)) || tags == NULL || count == 0) {
		return MAPI_E_INVALID_PARAMETER;
	}
	memset(&req, 0, sizeof(req));
	req.rop_id = RopSetColumns;
	req.u.set_columns.logon_id = table->logon_id;
	req.u.set_columns.property_tag_count = count;
	req.u.set_columns.property_tags = MAPI_UNCONST(uint32_t, tags);
	tmp = talloc_new(table->session);
	if (tmp == NULL) {
		return MAPI_E_NOT_ENOUGH_MEMORY;
	}
	ret = mapi_rop(table, tmp, &req, &resp, NULL);
	talloc_free(tmp);
	return ret;
}

enum MAPISTATUS SortTable(mapi_object_t *table, const struct mapi_sort_key *keys, uint16_t count)
{
	struct rop_request req;
	struct rop_response resp;
	enum MAPISTATUS ret;
	TALLOC_CTX *tmp;
	uint16_t i;

	if (!mapi_object_is(table, MAPI_T(MAPI_OBJECT_TABLE)) || (keys == NULL && count != 0)) {
		return MAPI_E_INVALID_PARAMETER;
	}
	tmp = talloc_new(table->session);
	if (tmp == NULL) {
		return MAPI_E_NOT_ENOUGH_MEMORY;
	}
	memset(&req, 0, sizeof(req));
	req.rop_id = RopSortTable;
	req.u.sort_table.logon_id = table->logon_id;
	req.u.sort_table.sort_order_count = count;
	req.u.sort_table.sort_orders = talloc_zero_array(tmp, struct rop_sort_order, count + 1);
	if (req.u.sort_table.sort_orders == NULL) {
		talloc_free(tmp);
		return MAPI_E_NOT_ENOUGH_MEMORY;
	}
	for (i = 0; i < count; i++) {
		/* MS-OXCDATA 2.13.1: SortOrder Order 0 ascending, 1 descending */
		req.u.sort_table.sort_orders[i].property_type = MAPI_PROP_TYPE(keys[i].tag);
		req.u.sort_table.sort_orders[i].property_id = MAPI_PROP_ID(keys[i].tag);
		req.u.sort_table.sort_orders[i].order = keys[i].descending ? 1 : 0;
	}
	ret = mapi_rop(table, tmp, &req, &resp, NULL);
	talloc_free(tmp);
	return ret;
}

enum MAPISTATUS Restrict(mapi_object_t *table, const struct mapi_restriction *res)
{
	struct rop_request req;
	struct rop_response resp;
	enum MAPISTATUS ret;
	TALLOC_CTX *tmp;

	if (!mapi_object_is(table, MAPI_T(MAPI_OBJECT_TABLE))) {
		return MAPI_E_INVALID_PARAMETER;
	}
	memset(&req, 0, sizeof(req));
	req.rop_id = RopRestrict;
	req.u.restrict_.logon_id = table->logon_id;
	/* MS-OXCTABL 2.2.2.3.1: a zero RestrictionDataSize removes the restriction */
	req.u.restrict_.restriction_data = MAPI_UNCONST(struct mapi_restriction, res);
	tmp = talloc_new(table->session);
	if (tmp == NULL) {
		return MAPI_E_NOT_ENOUGH_MEMORY;
	}
	ret = mapi_rop(table, tmp, &req, &resp, NULL);
	talloc_free(tmp);
	return ret;
}

enum MAPISTATUS QueryRows(TALLOC_CTX *mem_ctx, mapi_object_t *table, uint16_t max,
			  struct mapi_row **rows, uint32_t *count)
{
	struct rop_request req;
	struct rop_response resp;
	enum MAPISTATUS ret;
	TALLOC_CTX *tmp;
	struct mapi_row *out;
	uint16_t i, j, n;

	if (!mapi_object_is(table, MAPI_T(MAPI_OBJECT_TABLE)) || rows == NULL || count == NULL ||
	    max == 0) {
		return MAPI_E_INVALID_PARAMETER;
	}
	*rows = NULL;
	*count = 0;
	memset(&req, 0, sizeof(req));
	req.rop_id = RopQueryRows;
	req.u.query_rows.logon_id = table->logon_id;
	req.u.query_rows.forward_read = 1;
	req.u.query_rows.row_count = max;
	tmp = talloc_new(table->session);
	if (tmp == NULL) {
		return MAPI_E_NOT_ENOUGH_MEMORY;
	}
	ret = mapi_rop(table, tmp, &req, &resp, NULL);
	if (ret != MAPI_E_SUCCESS) {
		talloc_free(tmp);
		return ret;
	}
	n = resp.u.query_rows.u.ok.row_count;
	out = talloc_zero_array(mem_ctx, struct mapi_row, n + 1);
	if (out == NULL) {
		talloc_free(tmp);
		return MAPI_E_NOT_ENOUGH_MEMORY;
	}
	for (i = 0; i < n; i++) {
		const struct mapi_property_row *r = &resp.u.query_rows.u.ok.row_data[i];

		out[i].count = r->count;
		out[i].props = talloc_zero_array(out, struct mapi_propval, r->count + 1);
		if (out[i].props == NULL) {
			talloc_free(out);
			talloc_free(tmp);
			return MAPI_E_NOT_ENOUGH_MEMORY;
		}
		/* the values stay where they were decoded: move that memory to the caller */
		for (j = 0; j < r->count; j++) {
			const struct mapi_flagged_propval *v = &r->values[j];

			if (v->flag == MAPI_PROPVAL_PRESENT) {
				out[i].props[j] = v->pv;
			} else {
				out[i].props[j].tag = MAPI_PROP_TAG(MAPI_PROP_ID(v->pv.tag), PTYP_ERRORCODE);
				out[i].props[j].value.error_code = v->flag == MAPI_PROPVAL_ERROR ?
					v->pv.value.error_code : MAPI_E_NOT_FOUND;
			}
		}
	}
	talloc_steal(out, tmp);
	*rows = out;
	*count = n;
	return MAPI_E_SUCCESS;
}
