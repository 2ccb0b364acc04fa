/*
 * mapitest OXCSTOR: the store ROPs (MS-OXCSTOR 3.2.5): logons to the
 * user's mailbox and to the public folders, receive folders, the mapping
 * of ids to long-term ids, the store state, owning servers, the per-user
 * information a mailbox keeps for public folders, and the refusal of
 * another user's mailbox.
 *
 * Copyright (C) OpenChange developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <talloc.h>
#include <time.h>
#include <unistd.h>

#include "utils/mapitest/mapitest.h"
#include "libmapi/emsmdb_client.h"
#include "libmapi/rop_session.h"

#define LOGON_PRIVATE 0x01
#define LOGON_PUBLIC 0x00
/* MS-OXCSTOR 2.2.1.1.3 ResponseFlags */
#define RESPONSE_RESERVED 0x01
#define RESPONSE_OWNER_RIGHT 0x02
/* MS-OXCSTOR 2.2.1.5.1: the only StoreState bit */
#define STORE_HAS_SEARCHES 0x01000000u
#define EC_ACCESS_DENIED 0x80070005u

static struct rop_request request(uint8_t rop_id)
{
	struct rop_request r;

	memset(&r, 0, sizeof(r));
	r.rop_id = rop_id;
	return r;
}

/* A random GUID, so that repeated runs never meet an earlier run's data */
static void random_guid(uint8_t out[16])
{
	static unsigned seed;
	size_t i;

	if (seed == 0) {
		seed = (unsigned)time(NULL) ^ (unsigned)getpid();
	}
	for (i = 0; i < 16; i++) {
		out[i] = (uint8_t)(rand_r(&seed) >> 8);
	}
}

/* MS-OXCSTOR 3.2.5.1.1 and 2.2.1.1.3: a private logon's 13 special folders */
static enum mt_result t_private_logon(struct mt_test *t)
{
	struct mt_logon lg;
	const uint64_t *fids;
	size_t i, j;

	if (mt_logon_open(t, LOGON_PRIVATE, &lg) != MT_PASS) {
		return t->result;
	}
	MT_EXPECT(t, lg.handles[0] != ROP_HANDLE_NONE, "no handle for the logon");
	MT_EXPECT_EQ(t, lg.logon.u.private_mailbox.logon_flags & LOGON_PRIVATE, LOGON_PRIVATE,
		     "LogonFlags Private");
	fids = lg.logon.u.private_mailbox.folder_ids;
	for (i = 0; i < 13; i++) {
		MT_EXPECT(t, fids[i] != 0, "FolderIds[%zu] is 0", i);
		for (j = 0; j < i; j++) {
			MT_EXPECT(t, fids[i] != fids[j], "FolderIds[%zu] == FolderIds[%zu]", i, j);
		}
	}
	MT_EXPECT(t, lg.logon.u.private_mailbox.response_flags & RESPONSE_RESERVED,
		  "ResponseFlags 0x%02x without Reserved (MUST be set)",
		  lg.logon.u.private_mailbox.response_flags);
	MT_EXPECT(t, lg.logon.u.private_mailbox.response_flags & RESPONSE_OWNER_RIGHT,
		  "ResponseFlags 0x%02x: the owner lacks OwnerRight",
		  lg.logon.u.private_mailbox.response_flags);
	return MT_PASS;
}

static enum mt_result receive_folder(struct mt_test *t, const char *message_class, size_t fid_index,
				     const char *explicit_class)
{
	struct rop_request req = request(RopGetReceiveFolder);
	struct rop_response resp;
	struct mt_logon lg;
	const char *got;

	if (mt_logon_open(t, LOGON_PRIVATE, &lg) != MT_PASS) {
		return t->result;
	}
	req.u.get_receive_folder.message_class = talloc_strdup(t->mem, message_class);
	if (mt_rop(t, &lg, &req, &resp) != MT_PASS) {
		return t->result;
	}
	MT_EXPECT(t, resp.u.get_receive_folder.return_value == MAPI_E_SUCCESS,
		  "RopGetReceiveFolder(%s): %s", message_class,
		  mt_status(t, resp.u.get_receive_folder.return_value));
	MT_EXPECT_EQ(t, resp.u.get_receive_folder.u.ok.folder_id,
		     lg.logon.u.private_mailbox.folder_ids[fid_index], "FolderId");
	got = resp.u.get_receive_folder.u.ok.explicit_message_class;
	MT_EXPECT(t, got != NULL && strcasecmp(got, explicit_class) == 0,
		  "ExplicitMessageClass '%s', expected '%s'", got ? got : "(null)", explicit_class);
	return MT_PASS;
}

/* MS-OXCSTOR 3.2.5.2: IPM.Note goes to the Inbox, set for the class "IPM" */
static enum mt_result t_receive_folder_ipm(struct mt_test *t)
{
	return receive_folder(t, "IPM.Note", MT_FID_INBOX, "IPM");
}

/* MS-OXCSTOR 3.2.5.2: IPC classes go to the mailbox root */
static enum mt_result t_receive_folder_ipc(struct mt_test *t)
{
	return receive_folder(t, "IPC", MT_FID_ROOT, "IPC");
}

/*
 * MS-OXCSTOR 3.2.5.3, 3.2.5.4: RopSetReceiveFolder adds a class whose
 * messages go to a folder; RopGetReceiveFolderTable lists it; FolderId 0
 * removes it again.
 */
static enum mt_result t_set_receive_folder_table(struct mt_test *t)
{
	struct rop_request req = request(RopSetReceiveFolder);
	struct rop_response resp;
	struct mt_logon lg;
	uint64_t sent;
	uint8_t guid[16];
	char *cls;
	uint32_t i;
	bool listed = false;

	if (mt_logon_open(t, LOGON_PRIVATE, &lg) != MT_PASS) {
		return t->result;
	}
	sent = lg.logon.u.private_mailbox.folder_ids[MT_FID_SENT_ITEMS];
	random_guid(guid);
	cls = talloc_asprintf(t->mem, "IPM.MapiTest.%s", mt_hex(t, guid, 4));
	req.u.set_receive_folder.folder_id = sent;
	req.u.set_receive_folder.message_class = cls;
	if (mt_rop(t, &lg, &req, &resp) != MT_PASS) {
		return t->result;
	}
	MT_EXPECT(t, resp.u.set_receive_folder.return_value == MAPI_E_SUCCESS,
		  "RopSetReceiveFolder: %s", mt_status(t, resp.u.set_receive_folder.return_value));

	req = request(RopGetReceiveFolderTable);
	if (mt_rop(t, &lg, &req, &resp) != MT_PASS) {
		return t->result;
	}
	MT_EXPECT(t, resp.u.get_receive_folder_table.return_value == MAPI_E_SUCCESS,
		  "RopGetReceiveFolderTable: %s",
		  mt_status(t, resp.u.get_receive_folder_table.return_value));
	/* rows: PidTagFolderId, PidTagMessageClass (8-bit), PidTagLastModificationTime */
	for (i = 0; i < resp.u.get_receive_folder_table.u.ok.row_count; i++) {
		const struct mapi_property_row *row = &resp.u.get_receive_folder_table.u.ok.rows[i];

		if (row->count >= 2 && row->values[1].pv.value.string8 != NULL &&
		    strcasecmp(row->values[1].pv.value.string8, cls) == 0) {
			MT_EXPECT_EQ(t, row->values[0].pv.value.i64, sent, "the class's FolderId");
			listed = true;
		}
	}
	MT_EXPECT(t, listed, "%s is not in the receive folder table (%u rows)", cls,
		  resp.u.get_receive_folder_table.u.ok.row_count);

	/* FolderId 0: the class is removed */
	req = request(RopSetReceiveFolder);
	req.u.set_receive_folder.folder_id = 0;
	req.u.set_receive_folder.message_class = cls;
	if (mt_rop(t, &lg, &req, &resp) != MT_PASS) {
		return t->result;
	}
	MT_EXPECT(t, resp.u.set_receive_folder.return_value == MAPI_E_SUCCESS,
		  "RopSetReceiveFolder(0, %s): %s", cls,
		  mt_status(t, resp.u.set_receive_folder.return_value));
	return MT_PASS;
}

/*
 * MS-OXCSTOR 3.2.5.8, 3.2.5.9: a FID's LongTermID is the mailbox's REPLGUID
 * and the FID's GlobalCounter, and maps back to the same FID.
 */
static enum mt_result t_long_term_id_round_trip(struct mt_test *t)
{
	struct rop_request req = request(RopLongTermIdFromId);
	struct rop_response resp;
	struct mt_logon lg;
	struct rop_long_term_id ltid;
	uint64_t fid;
	size_t i;

	if (mt_logon_open(t, LOGON_PRIVATE, &lg) != MT_PASS) {
		return t->result;
	}
	fid = lg.logon.u.private_mailbox.folder_ids[MT_FID_INBOX];
	req.u.long_term_id_from_id.object_id = fid;
	if (mt_rop(t, &lg, &req, &resp) != MT_PASS) {
		return t->result;
	}
	MT_EXPECT(t, resp.u.long_term_id_from_id.return_value == MAPI_E_SUCCESS,
		  "RopLongTermIdFromId: %s", mt_status(t, resp.u.long_term_id_from_id.return_value));
	ltid = resp.u.long_term_id_from_id.u.ok.long_term_id;
	MT_EXPECT(t, memcmp(ltid.database_guid.bytes, lg.logon.u.private_mailbox.repl_guid.bytes,
			    16) == 0, "DatabaseGuid %s is not the logon's ReplGuid",
		  mt_hex(t, ltid.database_guid.bytes, 16));
	/* MS-OXCDATA 2.2.1.1: the FID's 6 GlobalCounter bytes follow its 2-byte ReplicaId */
	for (i = 0; i < 6; i++) {
		MT_EXPECT_EQ(t, ltid.global_counter[i], (uint8_t)(fid >> (16 + 8 * i)),
			     "GlobalCounter byte");
	}
	req = request(RopIdFromLongTermId);
	req.u.id_from_long_term_id.long_term_id = ltid;
	if (mt_rop(t, &lg, &req, &resp) != MT_PASS) {
		return t->result;
	}
	MT_EXPECT(t, resp.u.id_from_long_term_id.return_value == MAPI_E_SUCCESS,
		  "RopIdFromLongTermId: %s", mt_status(t, resp.u.id_from_long_term_id.return_value));
	MT_EXPECT_EQ(t, resp.u.id_from_long_term_id.u.ok.object_id, fid, "ObjectId back");
	return MT_PASS;
}

/*
 * MS-OXCSTOR 3.2.5.9: a REPLGUID the store has not seen is registered
 * under a new REPLID, and RopLongTermIdFromId maps it back.
 */
static enum mt_result t_foreign_replguid(struct mt_test *t)
{
	struct rop_request req = request(RopIdFromLongTermId);
	struct rop_response resp;
	struct mt_logon lg;
	struct rop_long_term_id ltid;
	uint64_t id;
	uint16_t replid;

	if (mt_logon_open(t, LOGON_PRIVATE, &lg) != MT_PASS) {
		return t->result;
	}
	memset(&ltid, 0, sizeof(ltid));
	random_guid(ltid.database_guid.bytes);
	ltid.global_counter[5] = 0x01;
	req.u.id_from_long_term_id.long_term_id = ltid;
	if (mt_rop(t, &lg, &req, &resp) != MT_PASS) {
		return t->result;
	}
	MT_EXPECT(t, resp.u.id_from_long_term_id.return_value == MAPI_E_SUCCESS,
		  "RopIdFromLongTermId of a new REPLGUID: %s",
		  mt_status(t, resp.u.id_from_long_term_id.return_value));
	id = resp.u.id_from_long_term_id.u.ok.object_id;
	replid = (uint16_t)(id & 0xFFFF);
	MT_EXPECT(t, replid != 0 && replid != lg.logon.u.private_mailbox.repl_id,
		  "the new REPLGUID got REPLID 0x%04x (the mailbox's is 0x%04x)", replid,
		  lg.logon.u.private_mailbox.repl_id);
	req = request(RopLongTermIdFromId);
	req.u.long_term_id_from_id.object_id = id;
	if (mt_rop(t, &lg, &req, &resp) != MT_PASS) {
		return t->result;
	}
	MT_EXPECT(t, resp.u.long_term_id_from_id.return_value == MAPI_E_SUCCESS,
		  "RopLongTermIdFromId: %s", mt_status(t, resp.u.long_term_id_from_id.return_value));
	MT_EXPECT(t, memcmp(resp.u.long_term_id_from_id.u.ok.long_term_id.database_guid.bytes,
			    ltid.database_guid.bytes, 16) == 0, "the REPLGUID did not come back");
	return MT_PASS;
}

/* MS-OXCSTOR 3.2.5.5 and 2.2.1.5.1: StoreState has no bit but STORE_HAS_SEARCHES */
static enum mt_result t_store_state(struct mt_test *t)
{
	struct rop_request req = request(RopGetStoreState);
	struct rop_response resp;
	struct mt_logon lg;

	if (mt_logon_open(t, LOGON_PRIVATE, &lg) != MT_PASS ||
	    mt_rop(t, &lg, &req, &resp) != MT_PASS) {
		return t->result;
	}
	MT_EXPECT(t, resp.u.get_store_state.return_value == MAPI_E_SUCCESS, "RopGetStoreState: %s",
		  mt_status(t, resp.u.get_store_state.return_value));
	MT_EXPECT(t, (resp.u.get_store_state.u.ok.store_state & ~STORE_HAS_SEARCHES) == 0,
		  "StoreState 0x%08x has undefined bits", resp.u.get_store_state.u.ok.store_state);
	return MT_PASS;
}

/* MS-OXCSTOR 3.2.5.1.2 and 2.2.1.1.4: public folders: 10 FIDs, then 3 zero */
static enum mt_result t_public_logon(struct mt_test *t)
{
	struct mt_logon lg;
	const uint64_t *fids;
	size_t i, j;

	if (mt_logon_open(t, LOGON_PUBLIC, &lg) != MT_PASS) {
		return t->result;
	}
	fids = lg.logon.u.public_folders.folder_ids;
	for (i = 0; i < 10; i++) {
		MT_EXPECT(t, fids[i] != 0, "public FolderIds[%zu] is 0", i);
		for (j = 0; j < i; j++) {
			MT_EXPECT(t, fids[i] != fids[j], "public FolderIds[%zu] == [%zu]", i, j);
		}
	}
	for (i = 10; i < 13; i++) {
		MT_EXPECT_EQ(t, fids[i], 0, "public FolderIds[10..12]");
	}
	return MT_PASS;
}

/* MS-OXCSTOR 3.2.5.6: RopGetOwningServers names the servers of a public folder */
static enum mt_result t_owning_servers_public(struct mt_test *t)
{
	struct rop_request req = request(RopGetOwningServers);
	struct rop_response resp;
	struct mt_logon lg;
	uint16_t i;

	if (mt_logon_open(t, LOGON_PUBLIC, &lg) != MT_PASS) {
		return t->result;
	}
	/* FolderIds[1]: the public IPM subtree (MS-OXCSTOR 2.2.1.1.4) */
	req.u.get_owning_servers.folder_id = lg.logon.u.public_folders.folder_ids[1];
	if (mt_rop(t, &lg, &req, &resp) != MT_PASS) {
		return t->result;
	}
	MT_EXPECT(t, resp.u.get_owning_servers.return_value == MAPI_E_SUCCESS,
		  "RopGetOwningServers: %s", mt_status(t, resp.u.get_owning_servers.return_value));
	MT_EXPECT(t, resp.u.get_owning_servers.u.ok.owning_servers_count >= 1, "no owning server");
	MT_EXPECT(t, resp.u.get_owning_servers.u.ok.cheap_servers_count <=
		  resp.u.get_owning_servers.u.ok.owning_servers_count,
		  "CheapServersCount %u > OwningServersCount %u",
		  resp.u.get_owning_servers.u.ok.cheap_servers_count,
		  resp.u.get_owning_servers.u.ok.owning_servers_count);
	for (i = 0; i < resp.u.get_owning_servers.u.ok.owning_servers_count; i++) {
		const char *s = resp.u.get_owning_servers.u.ok.owning_servers[i];

		MT_EXPECT(t, s != NULL && s[0] == '/', "OwningServers[%u] '%s' is not a server DN", i,
			  s ? s : "(null)");
	}
	return MT_PASS;
}

/*
 * MS-OXCSTOR 3.2.5.13, 3.2.5.12, 3.2.5.10: per-user information a private
 * mailbox keeps for a public folder: written, listed by the public store's
 * REPLGUID, read back the same.
 */
static enum mt_result t_per_user_round_trip(struct mt_test *t)
{
	struct rop_request req = request(RopWritePerUserInformation);
	struct rop_response resp;
	struct mt_logon pub, lg;
	struct rop_long_term_id ltid;
	uint8_t data[40];
	uint64_t fid;
	size_t i;
	bool listed = false;

	if (mt_logon_open(t, LOGON_PUBLIC, &pub) != MT_PASS ||
	    mt_logon_open(t, LOGON_PRIVATE, &lg) != MT_PASS) {
		return t->result;
	}
	/* the public IPM subtree's LongTermID: the public store's REPLGUID + counter */
	fid = pub.logon.u.public_folders.folder_ids[1];
	memset(&ltid, 0, sizeof(ltid));
	ltid.database_guid = pub.logon.u.public_folders.repl_guid;
	for (i = 0; i < 6; i++) {
		ltid.global_counter[i] = (uint8_t)(fid >> (16 + 8 * i));
	}
	random_guid(data);
	for (i = 16; i < sizeof(data); i++) {
		data[i] = (uint8_t)i;
	}
	req.u.write_per_user_information.folder_id = ltid;
	req.u.write_per_user_information.has_finished = 1;
	req.u.write_per_user_information.data_offset = 0;
	req.u.write_per_user_information.data_size = sizeof(data);
	req.u.write_per_user_information.data = data;
	req.u.write_per_user_information.repl_guid = pub.logon.u.public_folders.repl_guid;
	if (mt_rop(t, &lg, &req, &resp) != MT_PASS) {
		return t->result;
	}
	MT_EXPECT(t, resp.u.write_per_user_information.return_value == MAPI_E_SUCCESS,
		  "RopWritePerUserInformation: %s",
		  mt_status(t, resp.u.write_per_user_information.return_value));

	req = request(RopGetPerUserLongTermIds);
	req.u.get_per_user_long_term_ids.database_guid = pub.logon.u.public_folders.repl_guid;
	if (mt_rop(t, &lg, &req, &resp) != MT_PASS) {
		return t->result;
	}
	MT_EXPECT(t, resp.u.get_per_user_long_term_ids.return_value == MAPI_E_SUCCESS,
		  "RopGetPerUserLongTermIds: %s",
		  mt_status(t, resp.u.get_per_user_long_term_ids.return_value));
	for (i = 0; i < resp.u.get_per_user_long_term_ids.u.ok.long_term_id_count; i++) {
		const struct rop_long_term_id *l = &resp.u.get_per_user_long_term_ids.u.ok.long_term_ids[i];

		if (memcmp(l->database_guid.bytes, ltid.database_guid.bytes, 16) == 0 &&
		    memcmp(l->global_counter, ltid.global_counter, 6) == 0) {
			listed = true;
		}
	}
	MT_EXPECT(t, listed, "the folder is not among the %u per-user LongTermIDs",
		  resp.u.get_per_user_long_term_ids.u.ok.long_term_id_count);

	req = request(RopReadPerUserInformation);
	req.u.read_per_user_information.folder_id = ltid;
	req.u.read_per_user_information.data_offset = 0;
	req.u.read_per_user_information.max_data_size = 4096;
	if (mt_rop(t, &lg, &req, &resp) != MT_PASS) {
		return t->result;
	}
	MT_EXPECT(t, resp.u.read_per_user_information.return_value == MAPI_E_SUCCESS,
		  "RopReadPerUserInformation: %s",
		  mt_status(t, resp.u.read_per_user_information.return_value));
	MT_EXPECT(t, resp.u.read_per_user_information.u.ok.has_finished, "HasFinished not set");
	MT_EXPECT(t, resp.u.read_per_user_information.u.ok.data_size == sizeof(data) &&
		  memcmp(resp.u.read_per_user_information.u.ok.data, data, sizeof(data)) == 0,
		  "read back %s, wrote %s",
		  mt_hex(t, resp.u.read_per_user_information.u.ok.data,
			 resp.u.read_per_user_information.u.ok.data_size),
		  mt_hex(t, data, sizeof(data)));
	return MT_PASS;
}

/*
 * MS-OXCSTOR 3.2.5.1.3: a logon to another user's mailbox without
 * delegated rights fails with ecAccessDenied (while that user's own logon
 * succeeds, when their password is given).
 */
static enum mt_result t_other_mailbox_denied(struct mt_test *t)
{
	struct rop_request req = request(RopLogon);
	struct rop_response resp;
	struct mt_logon lg;

	if (t->env->other_essdn == NULL) {
		return mt_skip(t, "needs a second mailbox user (--other-user)");
	}
	if (mt_logon_open(t, LOGON_PRIVATE, &lg) != MT_PASS) {
		return t->result;
	}
	req.u.logon.logon_id = 1;
	req.u.logon.output_handle_index = 1;
	req.u.logon.logon_flags = LOGON_PRIVATE;
	req.u.logon.open_flags = 0x01000000;
	req.u.logon.essdn = (uint8_t *)talloc_strdup(t->mem, t->env->other_essdn);
	req.u.logon.essdn_size = (uint16_t)(strlen(t->env->other_essdn) + 1);
	if (mt_rop(t, &lg, &req, &resp) != MT_PASS) {
		return t->result;
	}
	MT_EXPECT(t, resp.u.logon.return_value == EC_ACCESS_DENIED,
		  "RopLogon to %s's mailbox: observed %s, expected %s", t->env->other_user,
		  mt_status(t, resp.u.logon.return_value), mt_status(t, EC_ACCESS_DENIED));
	if (t->env->other_creds != NULL) {
		struct emsmdb_client *c = NULL;
		struct rop_session *s;
		uint32_t handles[1] = { ROP_HANDLE_NONE };
		enum MAPISTATUS ret;

		ret = emsmdb_client_connect(t->mem, t->env->ev, t->env->lp_ctx, t->env->binding,
					    t->env->other_creds, t->env->other_essdn, NULL, &c);
		MT_EXPECT(t, ret == MAPI_E_SUCCESS, "EcDoConnectEx as %s: %s", t->env->other_user,
			  mt_status(t, ret));
		s = rop_session_new(t->mem, c, 0, 0);
		req.u.logon.logon_id = 0;
		req.u.logon.output_handle_index = 0;
		ret = rop_session_call_one(s, t->mem, &req, handles, 1, &resp);
		MT_EXPECT(t, ret == MAPI_E_SUCCESS, "RopLogon as %s: %s", t->env->other_user,
			  mt_status(t, ret));
		MT_EXPECT(t, resp.u.logon.return_value == MAPI_E_SUCCESS,
			  "%s's own logon: %s (so the refusal proves nothing)", t->env->other_user,
			  mt_status(t, resp.u.logon.return_value));
	}
	return MT_PASS;
}

#define EC_NOT_FOUND 0x8004010Fu
#define EC_UNKNOWN_USER 0x000003EBu

/* RopGetReceiveFolder of CLASS: *fid and *explicit_class (fails the test on an error) */
static enum mt_result get_receive_folder(struct mt_test *t, struct mt_logon *lg, const char *cls,
					 uint64_t *fid, const char **explicit_class)
{
	struct rop_request req = request(RopGetReceiveFolder);
	struct rop_response resp;

	req.u.get_receive_folder.message_class = talloc_strdup(t->mem, cls);
	if (mt_rop(t, lg, &req, &resp) != MT_PASS) {
		return t->result;
	}
	MT_EXPECT(t, resp.u.get_receive_folder.return_value == MAPI_E_SUCCESS,
		  "RopGetReceiveFolder(%s): %s", cls,
		  mt_status(t, resp.u.get_receive_folder.return_value));
	*fid = resp.u.get_receive_folder.u.ok.folder_id;
	*explicit_class = resp.u.get_receive_folder.u.ok.explicit_message_class;
	return MT_PASS;
}

/* RopSetReceiveFolder of CLASS to FID (0: remove it) */
static enum mt_result set_receive_folder(struct mt_test *t, struct mt_logon *lg, const char *cls,
					 uint64_t fid)
{
	struct rop_request req = request(RopSetReceiveFolder);
	struct rop_response resp;

	req.u.set_receive_folder.folder_id = fid;
	req.u.set_receive_folder.message_class = talloc_strdup(t->mem, cls);
	if (mt_rop(t, lg, &req, &resp) != MT_PASS) {
		return t->result;
	}
	MT_EXPECT(t, resp.u.set_receive_folder.return_value == MAPI_E_SUCCESS,
		  "RopSetReceiveFolder(%s, 0x%016llx): %s", cls, (unsigned long long)fid,
		  mt_status(t, resp.u.set_receive_folder.return_value));
	return MT_PASS;
}

/*
 * MS-OXCSTOR 3.2.5.2: a class with no receive folder of its own nor of
 * any prefix goes to the default receive folder (the Inbox), with an
 * empty ExplicitMessageClass.
 */
static enum mt_result t_receive_folder_unknown_class(struct mt_test *t)
{
	struct mt_logon lg;
	uint8_t guid[16];
	uint64_t fid = 0;
	const char *explicit_class = NULL, *cls;

	if (mt_logon_open(t, LOGON_PRIVATE, &lg) != MT_PASS) {
		return t->result;
	}
	random_guid(guid);
	cls = talloc_asprintf(t->mem, "MapiTestUnknown%s.Sub", mt_hex(t, guid, 4));
	if (get_receive_folder(t, &lg, cls, &fid, &explicit_class) != MT_PASS) {
		return t->result;
	}
	MT_EXPECT_EQ(t, fid, lg.logon.u.private_mailbox.folder_ids[MT_FID_INBOX],
		     "FolderId of an unknown class (the Inbox expected)");
	MT_EXPECT(t, explicit_class != NULL && explicit_class[0] == '\0',
		  "ExplicitMessageClass '%s' of an unknown class, expected ''",
		  explicit_class ? explicit_class : "(null)");
	return MT_PASS;
}

/*
 * MS-OXCSTOR 3.2.5.2: the receive folder of a class is that of its longest
 * prefix that has one (ExplicitMessageClass names that prefix).
 */
static enum mt_result t_receive_folder_longest_prefix(struct mt_test *t)
{
	struct mt_logon lg;
	uint8_t guid[16];
	uint64_t fid = 0, sent, deleted;
	const char *explicit_class = NULL, *base, *sub, *cls;
	enum mt_result result = MT_PASS;

	if (mt_logon_open(t, LOGON_PRIVATE, &lg) != MT_PASS) {
		return t->result;
	}
	sent = lg.logon.u.private_mailbox.folder_ids[MT_FID_SENT_ITEMS];
	deleted = lg.logon.u.private_mailbox.folder_ids[MT_FID_DELETED_ITEMS];
	random_guid(guid);
	base = talloc_asprintf(t->mem, "IPM.MapiTest%s", mt_hex(t, guid, 4));
	sub = talloc_asprintf(t->mem, "%s.Deeper", base);
	if (set_receive_folder(t, &lg, base, sent) != MT_PASS ||
	    set_receive_folder(t, &lg, sub, deleted) != MT_PASS) {
		result = t->result;
		goto cleanup;
	}
	cls = talloc_asprintf(t->mem, "%s.Deepest", sub);
	if (get_receive_folder(t, &lg, cls, &fid, &explicit_class) != MT_PASS) {
		result = t->result;
		goto cleanup;
	}
	if (fid != deleted || explicit_class == NULL || strcasecmp(explicit_class, sub) != 0) {
		result = mt_fail(t, "%s: FolderId 0x%016llx, ExplicitMessageClass '%s'; expected "
				 "Deleted Items and '%s'", cls, (unsigned long long)fid,
				 explicit_class ? explicit_class : "(null)", sub);
		goto cleanup;
	}
	cls = talloc_asprintf(t->mem, "%s.Sideways", base);
	if (get_receive_folder(t, &lg, cls, &fid, &explicit_class) != MT_PASS) {
		result = t->result;
		goto cleanup;
	}
	if (fid != sent || explicit_class == NULL || strcasecmp(explicit_class, base) != 0) {
		result = mt_fail(t, "%s: FolderId 0x%016llx, ExplicitMessageClass '%s'; expected "
				 "Sent Items and '%s'", cls, (unsigned long long)fid,
				 explicit_class ? explicit_class : "(null)", base);
	}
cleanup:
	/* FolderId 0 removes a class (3.2.5.3); the verdict above stands */
	{
		struct rop_request req = request(RopSetReceiveFolder);
		struct rop_response resp;

		req.u.set_receive_folder.message_class = talloc_strdup(t->mem, sub);
		(void)rop_session_call_one(lg.session, t->mem, &req, lg.handles,
					   MT_COUNT(lg.handles), &resp);
		req.u.set_receive_folder.message_class = talloc_strdup(t->mem, base);
		(void)rop_session_call_one(lg.session, t->mem, &req, lg.handles,
					   MT_COUNT(lg.handles), &resp);
	}
	return result;
}

/* MS-OXCSTOR 3.2.5.1.1: a private logon naming no user is ecUnknownUser */
static enum mt_result t_logon_unknown_user(struct mt_test *t)
{
	struct rop_request req = request(RopLogon);
	struct rop_response resp;
	struct mt_logon lg;
	const char *slash, *dn;

	if (mt_logon_open(t, LOGON_PRIVATE, &lg) != MT_PASS) {
		return t->result;
	}
	/* the user's own container, a common name no one has */
	slash = strrchr(t->env->essdn, '/');
	MT_EXPECT(t, slash != NULL, "the user's DN '%s' has no '/'", t->env->essdn);
	dn = talloc_asprintf(t->mem, "%.*s/cn=%s", (int)(slash - t->env->essdn), t->env->essdn,
			     mt_unique_name(t, "nobody"));
	req.u.logon.logon_id = 1;
	req.u.logon.output_handle_index = 1;
	req.u.logon.logon_flags = LOGON_PRIVATE;
	req.u.logon.open_flags = 0x01000000;
	req.u.logon.essdn = (uint8_t *)talloc_strdup(t->mem, dn);
	req.u.logon.essdn_size = (uint16_t)(strlen(dn) + 1);
	if (mt_rop(t, &lg, &req, &resp) != MT_PASS) {
		return t->result;
	}
	MT_EXPECT(t, resp.u.logon.return_value == EC_UNKNOWN_USER,
		  "RopLogon to %s: %s, expected %s", dn, mt_status(t, resp.u.logon.return_value),
		  mt_status(t, EC_UNKNOWN_USER));
	return MT_PASS;
}

/* MS-OXCSTOR 3.2.5.8: an id whose REPLID names no replica has no LongTermID: ecNotFound */
static enum mt_result t_long_term_id_of_unknown_replid(struct mt_test *t)
{
	struct rop_request req = request(RopLongTermIdFromId);
	struct rop_response resp;
	struct mt_logon lg;

	if (mt_logon_open(t, LOGON_PRIVATE, &lg) != MT_PASS) {
		return t->result;
	}
	/* REPLIDs are handed out from 1 up (3.2.5.9): 0x7FF3 is far beyond any a test makes */
	req.u.long_term_id_from_id.object_id = 0x0000000012340000ull | 0x7FF3;
	if (mt_rop(t, &lg, &req, &resp) != MT_PASS) {
		return t->result;
	}
	MT_EXPECT(t, resp.u.long_term_id_from_id.return_value == EC_NOT_FOUND,
		  "RopLongTermIdFromId of REPLID 0x7FF3: %s, expected %s",
		  mt_status(t, resp.u.long_term_id_from_id.return_value), mt_status(t, EC_NOT_FOUND));
	return MT_PASS;
}

/*
 * MS-OXCSTOR 3.2.5.11: RopGetPerUserGuid of a folder the mailbox keeps no
 * per-user information for is ecNotFound.
 */
static enum mt_result t_per_user_guid_unknown(struct mt_test *t)
{
	struct rop_request req = request(RopGetPerUserGuid);
	struct rop_response resp;
	struct mt_logon lg;

	if (mt_logon_open(t, LOGON_PRIVATE, &lg) != MT_PASS) {
		return t->result;
	}
	random_guid(req.u.get_per_user_guid.long_term_id.database_guid.bytes);
	req.u.get_per_user_guid.long_term_id.global_counter[5] = 0x42;
	if (mt_rop(t, &lg, &req, &resp) != MT_PASS) {
		return t->result;
	}
	MT_EXPECT(t, rop_response_return_value(&resp) == EC_NOT_FOUND,
		  "RopGetPerUserGuid of an unknown folder: %s, expected %s",
		  mt_status(t, rop_response_return_value(&resp)), mt_status(t, EC_NOT_FOUND));
	return MT_PASS;
}

static const struct mt_test_def tests[] = {
	{ "private_logon", "MS-OXCSTOR 3.2.5.1.1, 2.2.1.1.3",
	  "the owner's logon returns 13 distinct special FIDs and ResponseFlags Reserved|OwnerRight",
	  t_private_logon },
	{ "receive_folder_ipm", "MS-OXCSTOR 3.2.5.2",
	  "IPM.Note is received in the Inbox, set for the class IPM", t_receive_folder_ipm },
	{ "receive_folder_ipc", "MS-OXCSTOR 3.2.5.2",
	  "IPC is received in the mailbox root", t_receive_folder_ipc },
	{ "set_receive_folder_table", "MS-OXCSTOR 3.2.5.3, 3.2.5.4",
	  "a class set with RopSetReceiveFolder is listed by RopGetReceiveFolderTable",
	  t_set_receive_folder_table },
	{ "long_term_id_round_trip", "MS-OXCSTOR 3.2.5.8, 3.2.5.9",
	  "a FID's LongTermID is REPLGUID + GlobalCounter and maps back to the FID",
	  t_long_term_id_round_trip },
	{ "foreign_replguid", "MS-OXCSTOR 3.2.5.9",
	  "an unknown REPLGUID is registered under a new REPLID and maps back", t_foreign_replguid },
	{ "store_state", "MS-OXCSTOR 3.2.5.5",
	  "RopGetStoreState succeeds with no bits but STORE_HAS_SEARCHES", t_store_state },
	{ "public_logon", "MS-OXCSTOR 3.2.5.1.2, 2.2.1.1.4",
	  "a public folders logon returns 10 distinct FIDs and 3 zero ones", t_public_logon },
	{ "owning_servers_public", "MS-OXCSTOR 3.2.5.6",
	  "RopGetOwningServers names at least one server of a public folder, cheap ones first",
	  t_owning_servers_public },
	{ "per_user_round_trip", "MS-OXCSTOR 3.2.5.10, 3.2.5.12, 3.2.5.13",
	  "per-user information written for a public folder is listed and reads back the same",
	  t_per_user_round_trip },
	{ "other_mailbox_denied", "MS-OXCSTOR 3.2.5.1.3",
	  "a logon to another user's mailbox without rights is ecAccessDenied",
	  t_other_mailbox_denied },
	{ "receive_folder_unknown_class", "MS-OXCSTOR 3.2.5.2",
	  "a class with no receive folder goes to the Inbox with an empty ExplicitMessageClass",
	  t_receive_folder_unknown_class },
	{ "receive_folder_longest_prefix", "MS-OXCSTOR 3.2.5.2, 3.2.5.3",
	  "a class is received in the folder of its longest prefix that has one",
	  t_receive_folder_longest_prefix },
	{ "logon_unknown_user", "MS-OXCSTOR 3.2.5.1.1",
	  "a private logon to a DN that names no user is ecUnknownUser", t_logon_unknown_user },
	{ "long_term_id_of_unknown_replid", "MS-OXCSTOR 3.2.5.8",
	  "RopLongTermIdFromId of an id with an unknown REPLID is ecNotFound",
	  t_long_term_id_of_unknown_replid },
	{ "per_user_guid_unknown", "MS-OXCSTOR 3.2.5.11",
	  "RopGetPerUserGuid of a folder without per-user information is ecNotFound",
	  t_per_user_guid_unknown },
};

const struct mt_family mt_family_oxcstor = {
	"OXCSTOR", "store ROPs: logons, receive folders, ids, per-user data", true,
	tests, MT_COUNT(tests),
};
