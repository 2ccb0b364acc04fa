/*
 * mapistore messages (MS-OXCMSG 3.2.5): in-memory editing of properties,
 * recipients and attachments, save with conflict detection, deletes, moves,
 * copies and read flags; and streams on properties (MS-OXCPRPT 3.2.5.13 ff.).
 *
 * Copyright (C) OpenChange developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include "mapistore/mapistore_private.h"

/* --- records -------------------------------------------------------------------------- */

static struct mapistore_message_record *record_dup(TALLOC_CTX *mem_ctx,
						   const struct mapistore_message_record *src);

static bool recipients_dup(TALLOC_CTX *mem_ctx, const struct mapistore_recipient *src, uint32_t n,
			   struct mapistore_recipient **out)
{
	struct mapistore_recipient *r = n ? talloc_array(mem_ctx, struct mapistore_recipient, n) : NULL;

	if (n && r == NULL)
		return false;
	for (uint32_t i = 0; i < n; i++) {
		r[i].row_id = src[i].row_id;
		r[i].count = src[i].count;
		r[i].props = talloc_array(r, struct mapi_propval, src[i].count ? src[i].count : 1);
		if (r[i].props == NULL)
			return false;
		for (uint16_t k = 0; k < src[i].count; k++)
			if (mapistore_propval_copy(r[i].props, &src[i].props[k], &r[i].props[k]) !=
			    MAPI_E_SUCCESS)
				return false;
	}
	*out = r;
	return true;
}

static struct mapistore_message_record *record_dup(TALLOC_CTX *mem_ctx,
						   const struct mapistore_message_record *src)
{
	struct mapistore_message_record *r = talloc_zero(mem_ctx, struct mapistore_message_record);

	if (r == NULL)
		return NULL;
	*r = *src;
	r->props = mapistore_propbag_dup(r, src->props);
	r->recipients = NULL;
	r->attachments = NULL;
	if (r->props == NULL || !recipients_dup(r, src->recipients, src->recipient_count, &r->recipients))
		goto fail;
	if (src->attach_count) {
		r->attachments = talloc_array(r, struct mapistore_attach_record, src->attach_count);
		if (r->attachments == NULL)
			goto fail;
		for (uint32_t i = 0; i < src->attach_count; i++) {
			r->attachments[i] = src->attachments[i];
			if (src->attachments[i].props &&
			    (r->attachments[i].props = mapistore_propbag_dup(r->attachments, src->attachments[i].props)) == NULL)
				goto fail;
			if (src->attachments[i].embedded &&
			    (r->attachments[i].embedded = record_dup(r->attachments, src->attachments[i].embedded)) == NULL)
				goto fail;
		}
	}
	return r;
fail:
	talloc_free(r);
	return NULL;
}

static bool has_attachments(const struct mapistore_message_record *rec)
{
	for (uint32_t i = 0; i < rec->attach_count; i++)
		if (!rec->attachments[i].deleted)
			return true;
	return false;
}

static void message_source(const struct mapistore_message_record *rec, struct mapistore_row_source *src)
{
	memset(src, 0, sizeof(*src));
	src->id = rec->mid;
	src->parent = rec->fid;
	src->cn = rec->cn;
	src->list = rec->list;
	src->message_flags = rec->message_flags;
	src->message_size = rec->message_size;
}

static uint32_t bag_size(const struct mapistore_propbag *bag)
{
	uint32_t size = 0;

	for (uint32_t i = 0; bag && i < bag->count; i++)
		size += mapistore_propval_size(&bag->props[i]);
	return size;
}

/* PidTagMessageSize: the sum of the sizes of properties, recipients and attachments. */
static uint32_t record_size(const struct mapistore_message_record *rec)
{
	uint64_t size = bag_size(rec->props);

	for (uint32_t i = 0; i < rec->recipient_count; i++)
		for (uint16_t k = 0; k < rec->recipients[i].count; k++)
			size += mapistore_propval_size(&rec->recipients[i].props[k]);
	for (uint32_t i = 0; i < rec->attach_count; i++) {
		const struct mapistore_attach_record *a = &rec->attachments[i];

		if (a->deleted)
			continue;
		size += a->loaded || a->db_id == 0 ? bag_size(a->props) : a->size;
		if (a->embedded)
			size += record_size(a->embedded);
	}
	return size > UINT32_MAX ? UINT32_MAX : (uint32_t)size;
}

/* --- messages ----------------------------------------------------------------------------- */

static enum MAPISTATUS new_record(struct mapistore_context *ctx, TALLOC_CTX *mem_ctx, uint64_t fid,
				  uint8_t list, struct mapistore_message_record **out)
{
	struct mapistore_message_record *rec = talloc_zero(mem_ctx, struct mapistore_message_record);
	enum MAPISTATUS ret;

	if (rec == NULL || (rec->props = mapistore_propbag_new(rec)) == NULL) {
		talloc_free(rec);
		return MAPI_E_NOT_ENOUGH_MEMORY;
	}
	ret = mapistore_next_id(ctx, &rec->mid);
	if (ret != MAPI_E_SUCCESS) {
		talloc_free(rec);
		return ret;
	}
	rec->fid = fid;
	rec->list = list;
	/* a new message is unsent and read until the client says otherwise (MS-OXCMSG 2.2.1.6) */
	rec->message_flags = MAPISTORE_MSGFLAG_UNSENT | MAPISTORE_MSGFLAG_READ;
	rec->recipients_dirty = true;
	*out = rec;
	return MAPI_E_SUCCESS;
}

enum MAPISTATUS mapistore_message_create(struct mapistore_folder *folder, TALLOC_CTX *mem_ctx,
					 bool associated, struct mapistore_message **out)
{
	struct mapistore_message *msg;
	enum MAPISTATUS ret;

	if (folder == NULL || out == NULL)
		return MAPI_E_INVALID_PARAMETER;
	msg = talloc_zero(mem_ctx, struct mapistore_message);
	if (msg == NULL)
		return MAPI_E_NOT_ENOUGH_MEMORY;
	msg->ctx = folder->ctx;
	ret = new_record(folder->ctx, msg, folder->fid,
			 associated ? MAPISTORE_LIST_ASSOCIATED : MAPISTORE_LIST_NORMAL, &msg->rec);
	if (ret != MAPI_E_SUCCESS) {
		talloc_free(msg);
		return ret;
	}
	msg->is_new = true;
	*out = msg;
	return MAPI_E_SUCCESS;
}

enum MAPISTATUS mapistore_message_open(struct mapistore_context *ctx, TALLOC_CTX *mem_ctx,
				       uint64_t fid, uint64_t mid, uint8_t open_mode,
				       struct mapistore_message **out)
{
	struct mapistore_message *msg;
	enum MAPISTATUS ret;

	if (ctx == NULL || out == NULL || (open_mode != MAPISTORE_OPEN_READ_ONLY &&
					   open_mode != MAPISTORE_OPEN_READ_WRITE &&
					   open_mode != MAPISTORE_OPEN_BEST_ACCESS))
		return MAPI_E_INVALID_PARAMETER;
	msg = talloc_zero(mem_ctx, struct mapistore_message);
	if (msg == NULL)
		return MAPI_E_NOT_ENOUGH_MEMORY;
	msg->ctx = ctx;
	ret = ctx->backend->message_load(ctx, msg, mid, &msg->rec);
	if (ret == MAPI_E_SUCCESS &&
	    (msg->rec->fid != fid || msg->rec->list > MAPISTORE_LIST_ASSOCIATED))
		ret = MAPI_E_NOT_FOUND;
	if (ret != MAPI_E_SUCCESS) {
		talloc_free(msg);
		return ret;
	}
	msg->base_cn = msg->rec->cn;
	msg->read_only = open_mode == MAPISTORE_OPEN_READ_ONLY;
	*out = msg;
	return MAPI_E_SUCCESS;
}

uint64_t mapistore_message_id(const struct mapistore_message *msg)
{
	return msg ? msg->rec->mid : 0;
}

uint64_t mapistore_message_change_number(const struct mapistore_message *msg)
{
	return msg ? msg->rec->cn : 0;
}

static enum MAPISTATUS save_embedded(struct mapistore_message *msg)
{
	struct mapistore_attachment *att = msg->parent_att;
	struct mapistore_message_record *copy;

	if (att->read_only)
		return MAPI_E_NO_ACCESS;
	copy = record_dup(att, msg->rec);
	if (copy == NULL)
		return MAPI_E_NOT_ENOUGH_MEMORY;
	copy->message_size = record_size(copy);
	talloc_free(att->embedded);
	att->embedded = copy;
	att->modified = true;
	return MAPI_E_SUCCESS;
}

enum MAPISTATUS mapistore_message_save(struct mapistore_message *msg, uint8_t save_flags)
{
	struct mapistore_context *ctx;
	struct mapistore_message_record *rec;
	enum MAPISTATUS ret;
	uint64_t old_cn, cur_fid = 0, cur_cn = 0;
	uint8_t cur_list = 0;
	uint32_t old_flags, cur_flags = 0;
	const uint32_t read_bits = MAPISTORE_MSGFLAG_READ | MAPISTORE_MSGFLAG_EVERREAD;
	bool created;

	if (msg == NULL || (save_flags & ~(MAPISTORE_SAVE_KEEP_OPEN_READ_ONLY |
					   MAPISTORE_SAVE_KEEP_OPEN_READ_WRITE | MAPISTORE_SAVE_FORCE)))
		return MAPI_E_INVALID_PARAMETER;
	if (msg->read_only)
		return MAPI_E_NO_ACCESS;
	if (msg->parent_att) {
		ret = save_embedded(msg);
		if (ret == MAPI_E_SUCCESS) {
			msg->is_new = false;
			msg->modified = false;
			if ((save_flags & 3) == MAPISTORE_SAVE_KEEP_OPEN_READ_ONLY)
				msg->read_only = true;
		}
		return ret;
	}
	ctx = msg->ctx;
	rec = msg->rec;
	ret = mapistore_begin(ctx);
	if (ret != MAPI_E_SUCCESS)
		return ret;
	created = msg->is_new;
	if (!msg->is_new) {
		ret = ctx->backend->message_state(ctx, rec->mid, &cur_fid, &cur_list, &cur_cn, &cur_flags);
		if (ret == MAPI_E_NOT_FOUND || (ret == MAPI_E_SUCCESS && cur_list > MAPISTORE_LIST_ASSOCIATED)) {
			/* deleted (or soft-deleted) meanwhile: only a forced save brings it back */
			if (!(save_flags & MAPISTORE_SAVE_FORCE)) {
				mapistore_rollback(ctx);
				return MAPI_E_OBJECT_DELETED;
			}
			ret = MAPI_E_SUCCESS;
			created = true;
		} else if (ret == MAPI_E_SUCCESS) {
			if (cur_cn != msg->base_cn && !(save_flags & MAPISTORE_SAVE_FORCE)) {
				mapistore_rollback(ctx);
				mapistore_set_error(ctx, "message 0x%016llx was saved by someone else since it was opened",
						    (unsigned long long)rec->mid);
				return MAPI_E_OBJECT_CHANGED;
			}
			/* moved meanwhile: the save lands where the message is now */
			rec->fid = cur_fid;
			/* the read state is not part of the save (RopSetReadFlags changes it apart) */
			rec->message_flags = (rec->message_flags & ~read_bits) | (cur_flags & read_bits);
		}
	}
	if (ret == MAPI_E_SUCCESS && created) {
		uint64_t version;

		/* the folder must still be there */
		ret = ctx->backend->folder_version(ctx, rec->fid, &version);
		if (ret == MAPI_E_NOT_FOUND)
			ret = MAPI_E_OBJECT_DELETED;
	}
	if (ret != MAPI_E_SUCCESS) {
		mapistore_rollback(ctx);
		return ret;
	}
	old_cn = rec->cn;
	old_flags = rec->message_flags;
	ret = mapistore_next_id(ctx, &rec->cn);
	if (ret == MAPI_E_SUCCESS)
		ret = mapistore_stamp_change(ctx, rec->props, rec->cn, created);
	if (ret == MAPI_E_SUCCESS) {
		/* MS-OXCMSG 3.2.5.3: every save sets PidTagLocalCommitTime, at the
		 * time stamp_change gave the modification */
		const struct mapi_propval *modified =
			mapistore_propbag_find(rec->props, TAG_LAST_MODIFICATION_TIME);
		struct mapi_propval commit;

		commit.tag = TAG_LOCAL_COMMIT_TIME;
		commit.value.time = modified != NULL ? modified->value.time : mapistore_now();
		ret = mapistore_propbag_set(rec->props, &commit);
	}
	if (ret == MAPI_E_SUCCESS) {
		if (has_attachments(rec))
			rec->message_flags |= MAPISTORE_MSGFLAG_HASATTACH;
		else
			rec->message_flags &= ~MAPISTORE_MSGFLAG_HASATTACH;
		rec->message_flags &= ~MAPISTORE_MSGFLAG_UNMODIFIED;
		/* stored as computed, so SQL restrictions on the flags see what rows show */
		if (rec->list == MAPISTORE_LIST_ASSOCIATED)
			rec->message_flags |= MAPISTORE_MSGFLAG_ASSOCIATED;
		rec->message_size = record_size(rec);
		ret = ctx->backend->message_store(ctx, rec);
	}
	if (ret == MAPI_E_SUCCESS)
		ret = mapistore_touch_folder(ctx, rec->fid, false);
	if (ret == MAPI_E_SUCCESS)
		mapistore_queue_event(ctx, created ? MAPISTORE_EVENT_MESSAGE_CREATED
						   : MAPISTORE_EVENT_MESSAGE_MODIFIED, rec->fid, rec->mid, 0);
	ret = mapistore_finish(ctx, ret);
	if (ret != MAPI_E_SUCCESS) {
		rec->cn = old_cn;
		rec->message_flags = old_flags;
		return ret;
	}
	msg->base_cn = rec->cn;
	msg->is_new = false;
	msg->modified = false;
	if ((save_flags & 3) == MAPISTORE_SAVE_KEEP_OPEN_READ_ONLY)
		msg->read_only = true;
	return MAPI_E_SUCCESS;
}

enum MAPISTATUS mapistore_message_reload(struct mapistore_message *msg)
{
	struct mapistore_message_record *rec;
	enum MAPISTATUS ret;

	if (msg == NULL)
		return MAPI_E_INVALID_PARAMETER;
	if (msg->parent_att) {
		if (msg->parent_att->embedded == NULL)
			return MAPI_E_NOT_FOUND;
		rec = record_dup(msg, msg->parent_att->embedded);
		if (rec == NULL)
			return MAPI_E_NOT_ENOUGH_MEMORY;
	} else if (msg->is_new) {
		ret = new_record(msg->ctx, msg, msg->rec->fid, msg->rec->list, &rec);
		if (ret != MAPI_E_SUCCESS)
			return ret;
		rec->mid = msg->rec->mid;
	} else {
		ret = msg->ctx->backend->message_load(msg->ctx, msg, msg->rec->mid, &rec);
		if (ret != MAPI_E_SUCCESS)
			return ret == MAPI_E_NOT_FOUND ? MAPI_E_OBJECT_DELETED : ret;
		msg->base_cn = rec->cn;
	}
	talloc_free(msg->rec);
	msg->rec = rec;
	msg->modified = false;
	return MAPI_E_SUCCESS;
}

static bool message_computed(struct mapistore_message *msg, TALLOC_CTX *mem_ctx, uint32_t tag,
			     struct mapi_propval *out)
{
	struct mapistore_row_source src;

	message_source(msg->rec, &src);
	if (MAPI_PROP_ID(tag) == MAPI_PROP_ID(TAG_MESSAGE_SIZE))
		src.message_size = record_size(msg->rec);
	return mapistore_computed_message_prop(msg->ctx, mem_ctx, &src, has_attachments(msg->rec), tag, out);
}

enum MAPISTATUS mapistore_message_get_props(struct mapistore_message *msg, TALLOC_CTX *mem_ctx,
					    uint16_t count, const uint32_t *tags,
					    struct mapi_flagged_propval *values)
{
	if (msg == NULL || (count && (tags == NULL || values == NULL)))
		return MAPI_E_INVALID_PARAMETER;
	for (uint16_t i = 0; i < count; i++) {
		struct mapi_propval pv;

		if (message_computed(msg, mem_ctx, tags[i], &pv)) {
			values[i].flag = MAPI_PROPVAL_PRESENT;
			values[i].pv = pv;
			continue;
		}
		mapistore_fill_value(mem_ctx, mapistore_propbag_find(msg->rec->props, tags[i]), tags[i],
				     &values[i]);
	}
	return MAPI_E_SUCCESS;
}

static const uint32_t message_computed_all[] = {
	TAG_MID, TAG_FOLDER_ID, TAG_CHANGE_NUMBER, TAG_MESSAGE_FLAGS, TAG_MESSAGE_SIZE,
	TAG_HAS_ATTACHMENTS, TAG_READ, TAG_ASSOCIATED, TAG_ENTRYID, TAG_PARENT_ENTRYID,
	TAG_SOURCE_KEY, TAG_PARENT_SOURCE_KEY,
};

enum MAPISTATUS mapistore_message_get_all(struct mapistore_message *msg, TALLOC_CTX *mem_ctx,
					  uint16_t *count, struct mapi_propval **values)
{
	size_t ncomp = sizeof(message_computed_all) / sizeof(message_computed_all[0]);
	struct mapi_propval *v;
	uint16_t n = 0;

	if (msg == NULL || count == NULL || values == NULL)
		return MAPI_E_INVALID_PARAMETER;
	v = talloc_array(mem_ctx, struct mapi_propval, msg->rec->props->count + ncomp);
	if (v == NULL)
		return MAPI_E_NOT_ENOUGH_MEMORY;
	for (size_t i = 0; i < ncomp; i++)
		if (message_computed(msg, v, message_computed_all[i], &v[n]))
			n++;
	for (uint32_t i = 0; i < msg->rec->props->count; i++)
		if (mapistore_propval_copy(v, &msg->rec->props->props[i], &v[n]) == MAPI_E_SUCCESS)
			n++;
	*count = n;
	*values = v;
	return MAPI_E_SUCCESS;
}

/* Tags of the computed properties that hold, then of the stored ones. */
static enum MAPISTATUS list_tags(TALLOC_CTX *mem_ctx, const uint32_t *computed, size_t ncomputed,
				 const struct mapistore_propbag *bag, uint16_t *count, uint32_t **tags)
{
	uint32_t *v = talloc_array(mem_ctx, uint32_t, ncomputed + bag->count + 1);
	uint16_t n = 0;

	if (v == NULL)
		return MAPI_E_NOT_ENOUGH_MEMORY;
	for (size_t i = 0; i < ncomputed; i++)
		v[n++] = computed[i];
	for (uint32_t i = 0; i < bag->count && n < UINT16_MAX; i++)
		v[n++] = bag->props[i].tag;
	*count = n;
	*tags = v;
	return MAPI_E_SUCCESS;
}

enum MAPISTATUS mapistore_message_get_list(struct mapistore_message *msg, TALLOC_CTX *mem_ctx,
					   uint16_t *count, uint32_t **tags)
{
	uint32_t computed[sizeof(message_computed_all) / sizeof(message_computed_all[0])];
	size_t n = 0;

	if (msg == NULL || count == NULL || tags == NULL)
		return MAPI_E_INVALID_PARAMETER;
	for (size_t i = 0; i < sizeof(message_computed_all) / sizeof(message_computed_all[0]); i++) {
		struct mapi_propval pv;
		TALLOC_CTX *tmp = talloc_new(NULL);

		if (message_computed(msg, tmp, message_computed_all[i], &pv))
			computed[n++] = pv.tag;
		talloc_free(tmp);
	}
	return list_tags(mem_ctx, computed, n, msg->rec->props, count, tags);
}

/* Set properties of a bag on behalf of a message or attachment; problems per property. */
static enum MAPISTATUS bag_set_props(struct mapistore_propbag *bag, uint16_t count,
				     const struct mapi_propval *values, TALLOC_CTX *mem_ctx,
				     struct mapistore_problems *problems)
{
	enum MAPISTATUS ret = MAPI_E_SUCCESS;

	for (uint16_t i = 0; ret == MAPI_E_SUCCESS && i < count; i++) {
		const struct mapi_propval *pv = &values[i];

		if (mapistore_prop_is_readonly(pv->tag) ||
		    MAPI_PROP_ID(pv->tag) == MAPI_PROP_ID(TAG_MESSAGE_FLAGS)) {
			ret = mapistore_add_problem(mem_ctx, problems, i, pv->tag, MAPI_E_COMPUTED);
			continue;
		}
		if (!oxcdata_ptyp_is_valid(MAPI_PROP_TYPE(pv->tag)) ||
		    MAPI_PROP_TYPE(pv->tag) == PTYP_ERRORCODE || MAPI_PROP_TYPE(pv->tag) == PTYP_OBJECT) {
			ret = mapistore_add_problem(mem_ctx, problems, i, pv->tag, MAPI_E_INVALID_TYPE);
			continue;
		}
		ret = mapistore_propbag_set(bag, pv);
	}
	return ret;
}

enum MAPISTATUS mapistore_message_set_props(struct mapistore_message *msg, uint16_t count,
					    const struct mapi_propval *values,
					    TALLOC_CTX *mem_ctx, struct mapistore_problems *problems)
{
	struct mapi_propval *rest;
	uint16_t n = 0;
	enum MAPISTATUS ret;

	if (msg == NULL || (count && values == NULL))
		return MAPI_E_INVALID_PARAMETER;
	if (msg->read_only)
		return MAPI_E_NO_ACCESS;
	if (problems)
		memset(problems, 0, sizeof(*problems));
	/* PidTagMessageFlags is writable until the first save (MS-OXCMSG 2.2.1.6) */
	rest = talloc_array(NULL, struct mapi_propval, count ? count : 1);
	if (rest == NULL)
		return MAPI_E_NOT_ENOUGH_MEMORY;
	for (uint16_t i = 0; i < count; i++) {
		if (values[i].tag == TAG_MESSAGE_FLAGS && msg->is_new) {
			uint32_t keep = MAPISTORE_MSGFLAG_HASATTACH | MAPISTORE_MSGFLAG_ASSOCIATED;

			msg->rec->message_flags = (values[i].value.i32 & ~keep) |
						  (msg->rec->message_flags & keep);
			continue;
		}
		rest[n++] = values[i];
	}
	ret = bag_set_props(msg->rec->props, n, rest, mem_ctx, problems);
	talloc_free(rest);
	msg->modified = true;
	return ret;
}

static enum MAPISTATUS bag_delete_props(struct mapistore_propbag *bag, uint16_t count,
					const uint32_t *tags, TALLOC_CTX *mem_ctx,
					struct mapistore_problems *problems)
{
	enum MAPISTATUS ret = MAPI_E_SUCCESS;

	for (uint16_t i = 0; ret == MAPI_E_SUCCESS && i < count; i++) {
		if (mapistore_prop_is_readonly(tags[i]) ||
		    MAPI_PROP_ID(tags[i]) == MAPI_PROP_ID(TAG_MESSAGE_FLAGS)) {
			ret = mapistore_add_problem(mem_ctx, problems, i, tags[i], MAPI_E_COMPUTED);
			continue;
		}
		mapistore_propbag_delete(bag, tags[i]);
	}
	return ret;
}

enum MAPISTATUS mapistore_message_delete_props(struct mapistore_message *msg, uint16_t count,
					       const uint32_t *tags,
					       TALLOC_CTX *mem_ctx, struct mapistore_problems *problems)
{
	if (msg == NULL || (count && tags == NULL))
		return MAPI_E_INVALID_PARAMETER;
	if (msg->read_only)
		return MAPI_E_NO_ACCESS;
	if (problems)
		memset(problems, 0, sizeof(*problems));
	msg->modified = true;
	return bag_delete_props(msg->rec->props, count, tags, mem_ctx, problems);
}

/* --- many messages at once --------------------------------------------------------------- */

enum MAPISTATUS mapistore_messages_delete(struct mapistore_folder *folder, uint32_t count,
					  const uint64_t *mids, bool hard, uint32_t *partial)
{
	struct mapistore_context *ctx;
	enum MAPISTATUS ret;
	uint32_t missed = 0;

	if (folder == NULL || (count && mids == NULL))
		return MAPI_E_INVALID_PARAMETER;
	ctx = folder->ctx;
	ret = mapistore_begin(ctx);
	if (ret != MAPI_E_SUCCESS)
		return ret;
	for (uint32_t i = 0; ret == MAPI_E_SUCCESS && i < count; i++) {
		uint64_t fid;
		uint8_t list;

		ret = ctx->backend->message_state(ctx, mids[i], &fid, &list, NULL, NULL);
		if (ret == MAPI_E_NOT_FOUND || (ret == MAPI_E_SUCCESS &&
		    (fid != folder->fid || (!hard && list > MAPISTORE_LIST_ASSOCIATED) ||
		     list == MAPISTORE_LIST_EMBEDDED))) {
			missed++;
			ret = MAPI_E_SUCCESS;
			continue;
		}
		if (ret != MAPI_E_SUCCESS)
			break;
		if (hard)
			ret = ctx->backend->message_remove(ctx, mids[i]);
		else
			ret = ctx->backend->message_relocate(ctx, mids[i], fid, list | MAPISTORE_LIST_DELETED);
		/* a hard delete of a soft-deleted message was buried already */
		if (ret == MAPI_E_SUCCESS && list <= MAPISTORE_LIST_ASSOCIATED)
			ret = mapistore_bury(ctx, mids[i], fid, hard ? MAPISTORE_GONE_MESSAGE_HARD
								     : MAPISTORE_GONE_MESSAGE_SOFT);
		if (ret == MAPI_E_SUCCESS)
			mapistore_queue_event(ctx, MAPISTORE_EVENT_MESSAGE_DELETED, fid, mids[i], 0);
	}
	if (ret == MAPI_E_SUCCESS)
		ret = mapistore_touch_folder(ctx, folder->fid, false);
	ret = mapistore_finish(ctx, ret);
	if (ret == MAPI_E_SUCCESS && partial)
		*partial = missed;
	return ret;
}

/*
 * Move one message: the same MID in the destination with a new change number
 * (a synchronization of the destination must see it), a tombstone in the
 * source. A move within one folder changes nothing.
 */
static enum MAPISTATUS move_one(struct mapistore_context *ctx, uint64_t mid, uint64_t src, uint64_t dst)
{
	struct mapistore_message_record *rec;
	enum MAPISTATUS ret;

	if (src == dst)
		return MAPI_E_SUCCESS;
	ret = ctx->backend->message_load(ctx, NULL, mid, &rec);
	if (ret != MAPI_E_SUCCESS)
		return ret;
	rec->fid = dst;
	ret = mapistore_next_id(ctx, &rec->cn);
	if (ret == MAPI_E_SUCCESS)
		ret = mapistore_stamp_change(ctx, rec->props, rec->cn, false);
	if (ret == MAPI_E_SUCCESS)
		ret = ctx->backend->message_store(ctx, rec);
	if (ret == MAPI_E_SUCCESS)
		ret = mapistore_bury(ctx, mid, src, MAPISTORE_GONE_MESSAGE_MOVED);
	talloc_free(rec);
	return ret;
}

enum MAPISTATUS mapistore_messages_move(struct mapistore_folder *src, struct mapistore_folder *dst,
					uint32_t count, const uint64_t *mids, bool copy,
					uint64_t *new_mids, uint32_t *partial)
{
	struct mapistore_context *ctx;
	struct mapistore_folder_record *d;
	enum MAPISTATUS ret;
	uint32_t missed = 0;

	if (src == NULL || dst == NULL || src->ctx != dst->ctx || (count && mids == NULL))
		return MAPI_E_INVALID_PARAMETER;
	ctx = src->ctx;
	ret = mapistore_begin(ctx);
	if (ret != MAPI_E_SUCCESS)
		return ret;
	ret = ctx->backend->folder_load(ctx, NULL, dst->fid, &d);
	if (ret == MAPI_E_SUCCESS)
		talloc_free(d);
	for (uint32_t i = 0; ret == MAPI_E_SUCCESS && i < count; i++) {
		uint64_t fid, made = 0;
		uint8_t list;

		ret = ctx->backend->message_state(ctx, mids[i], &fid, &list, NULL, NULL);
		if (ret == MAPI_E_NOT_FOUND ||
		    (ret == MAPI_E_SUCCESS && (fid != src->fid || list > MAPISTORE_LIST_ASSOCIATED))) {
			missed++;
			if (new_mids)
				new_mids[i] = 0;
			ret = MAPI_E_SUCCESS;
			continue;
		}
		if (ret != MAPI_E_SUCCESS)
			break;
		if (copy) {
			ret = mapistore_message_copy_record(ctx, mids[i], dst->fid, list, &made);
			if (ret == MAPI_E_SUCCESS)
				mapistore_queue_event(ctx, MAPISTORE_EVENT_MESSAGE_CREATED, dst->fid, made, 0);
		} else {
			made = mids[i];
			ret = move_one(ctx, mids[i], src->fid, dst->fid);
			if (ret == MAPI_E_SUCCESS)
				mapistore_queue_event(ctx, MAPISTORE_EVENT_MESSAGE_MOVED, dst->fid, made, src->fid);
		}
		if (new_mids)
			new_mids[i] = made;
	}
	if (ret == MAPI_E_SUCCESS && !copy)
		ret = mapistore_touch_folder(ctx, src->fid, false);
	if (ret == MAPI_E_SUCCESS)
		ret = mapistore_touch_folder(ctx, dst->fid, false);
	ret = mapistore_finish(ctx, ret);
	if (ret == MAPI_E_SUCCESS && partial)
		*partial = missed;
	return ret;
}

static uint32_t read_flags_apply(uint32_t flags, uint8_t read_flags)
{
	if (read_flags & MAPISTORE_READ_GENERATE_RECEIPT_ONLY)
		return flags;
	if (read_flags & MAPISTORE_READ_CLEAR)
		return flags & ~MAPISTORE_MSGFLAG_READ;
	return flags | MAPISTORE_MSGFLAG_READ | MAPISTORE_MSGFLAG_EVERREAD;
}

enum MAPISTATUS mapistore_messages_set_read(struct mapistore_folder *folder, uint32_t count,
					    const uint64_t *mids, uint8_t read_flags,
					    uint32_t *changed)
{
	struct mapistore_context *ctx;
	enum MAPISTATUS ret;
	uint32_t n = 0;

	if (folder == NULL || (count && mids == NULL))
		return MAPI_E_INVALID_PARAMETER;
	ctx = folder->ctx;
	ret = mapistore_begin(ctx);
	if (ret != MAPI_E_SUCCESS)
		return ret;
	for (uint32_t i = 0; ret == MAPI_E_SUCCESS && i < count; i++) {
		uint64_t fid;
		uint8_t list;
		uint32_t flags, nf;

		ret = ctx->backend->message_state(ctx, mids[i], &fid, &list, NULL, &flags);
		if (ret == MAPI_E_NOT_FOUND || (ret == MAPI_E_SUCCESS && fid != folder->fid)) {
			ret = MAPI_E_SUCCESS;
			continue;
		}
		if (ret != MAPI_E_SUCCESS)
			break;
		nf = read_flags_apply(flags, read_flags);
		if (nf == flags)
			continue;
		ret = ctx->backend->message_set_flags(ctx, mids[i], nf);
		if (ret == MAPI_E_SUCCESS) {
			n++;
			mapistore_queue_event(ctx, MAPISTORE_EVENT_MESSAGE_MODIFIED, fid, mids[i], 0);
		}
	}
	if (ret == MAPI_E_SUCCESS && n)
		ret = mapistore_touch_folder(ctx, folder->fid, false);
	ret = mapistore_finish(ctx, ret);
	if (ret == MAPI_E_SUCCESS && changed)
		*changed = n;
	return ret;
}

enum MAPISTATUS mapistore_message_set_read(struct mapistore_message *msg, uint8_t read_flags,
					   bool *changed)
{
	struct mapistore_context *ctx;
	uint32_t flags, nf;
	uint8_t list;
	uint64_t fid;
	enum MAPISTATUS ret;

	if (msg == NULL)
		return MAPI_E_INVALID_PARAMETER;
	ctx = msg->ctx;
	if (changed)
		*changed = false;
	if (msg->is_new || msg->parent_att) {
		nf = read_flags_apply(msg->rec->message_flags, read_flags);
		if (changed)
			*changed = nf != msg->rec->message_flags;
		msg->rec->message_flags = nf;
		return MAPI_E_SUCCESS;
	}
	/* the read state is the stored one: another client may have changed it */
	ret = mapistore_begin(ctx);
	if (ret != MAPI_E_SUCCESS)
		return ret;
	ret = ctx->backend->message_state(ctx, msg->rec->mid, &fid, &list, NULL, &flags);
	if (ret == MAPI_E_NOT_FOUND)
		ret = MAPI_E_OBJECT_DELETED;
	if (ret != MAPI_E_SUCCESS) {
		mapistore_rollback(ctx);
		return ret;
	}
	nf = read_flags_apply(flags, read_flags);
	if (nf == flags) {
		mapistore_rollback(ctx);
		msg->rec->message_flags = flags;
		return MAPI_E_SUCCESS;
	}
	ret = ctx->backend->message_set_flags(ctx, msg->rec->mid, nf);
	if (ret == MAPI_E_SUCCESS)
		ret = mapistore_touch_folder(ctx, fid, false);
	if (ret == MAPI_E_SUCCESS)
		mapistore_queue_event(ctx, MAPISTORE_EVENT_MESSAGE_MODIFIED, fid, msg->rec->mid, 0);
	ret = mapistore_finish(ctx, ret);
	if (ret == MAPI_E_SUCCESS) {
		msg->rec->message_flags = nf;
		if (changed)
			*changed = true;
	}
	return ret;
}

/* --- recipients --------------------------------------------------------------------------- */

enum MAPISTATUS mapistore_message_modify_recipients(struct mapistore_message *msg, uint16_t count,
						    const struct mapistore_recipient *rows)
{
	struct mapistore_message_record *rec;

	if (msg == NULL || (count && rows == NULL))
		return MAPI_E_INVALID_PARAMETER;
	if (msg->read_only)
		return MAPI_E_NO_ACCESS;
	rec = msg->rec;
	for (uint16_t i = 0; i < count; i++) {
		uint32_t k;

		for (k = 0; k < rec->recipient_count; k++)
			if (rec->recipients[k].row_id >= rows[i].row_id)
				break;
		if (rows[i].count == 0) {
			/* an empty row removes the recipient (MS-OXCMSG 3.2.5.6) */
			if (k < rec->recipient_count && rec->recipients[k].row_id == rows[i].row_id) {
				talloc_free(rec->recipients[k].props);
				memmove(&rec->recipients[k], &rec->recipients[k + 1],
					(rec->recipient_count - k - 1) * sizeof(rec->recipients[0]));
				rec->recipient_count--;
			}
			continue;
		}
		if (k == rec->recipient_count || rec->recipients[k].row_id != rows[i].row_id) {
			struct mapistore_recipient *nr = talloc_realloc(rec, rec->recipients,
									struct mapistore_recipient,
									rec->recipient_count + 1);

			if (nr == NULL)
				return MAPI_E_NOT_ENOUGH_MEMORY;
			rec->recipients = nr;
			memmove(&nr[k + 1], &nr[k], (rec->recipient_count - k) * sizeof(nr[0]));
			rec->recipient_count++;
		} else {
			talloc_free(rec->recipients[k].props);
		}
		rec->recipients[k].row_id = rows[i].row_id;
		rec->recipients[k].count = 0;
		rec->recipients[k].props = talloc_array(rec->recipients, struct mapi_propval, rows[i].count);
		if (rec->recipients[k].props == NULL)
			return MAPI_E_NOT_ENOUGH_MEMORY;
		for (uint16_t p = 0; p < rows[i].count; p++) {
			if (!oxcdata_ptyp_is_valid(MAPI_PROP_TYPE(rows[i].props[p].tag)))
				return MAPI_E_INVALID_TYPE;
			if (mapistore_propval_copy(rec->recipients[k].props, &rows[i].props[p],
						   &rec->recipients[k].props[p]) != MAPI_E_SUCCESS)
				return MAPI_E_NOT_ENOUGH_MEMORY;
			rec->recipients[k].count++;
		}
	}
	rec->recipients_dirty = true;
	msg->modified = true;
	return MAPI_E_SUCCESS;
}

enum MAPISTATUS mapistore_message_read_recipients(struct mapistore_message *msg,
						  TALLOC_CTX *mem_ctx, uint32_t first_row_id,
						  uint32_t *count,
						  struct mapistore_recipient **rows)
{
	uint32_t k = 0;

	if (msg == NULL || count == NULL || rows == NULL)
		return MAPI_E_INVALID_PARAMETER;
	while (k < msg->rec->recipient_count && msg->rec->recipients[k].row_id < first_row_id)
		k++;
	*count = msg->rec->recipient_count - k;
	*rows = NULL;
	if (*count == 0)
		return MAPI_E_SUCCESS;
	return recipients_dup(mem_ctx, msg->rec->recipients + k, *count, rows) ? MAPI_E_SUCCESS
									       : MAPI_E_NOT_ENOUGH_MEMORY;
}

enum MAPISTATUS mapistore_message_remove_all_recipients(struct mapistore_message *msg)
{
	if (msg == NULL)
		return MAPI_E_INVALID_PARAMETER;
	if (msg->read_only)
		return MAPI_E_NO_ACCESS;
	TALLOC_FREE(msg->rec->recipients);
	msg->rec->recipient_count = 0;
	msg->rec->recipients_dirty = true;
	msg->modified = true;
	return MAPI_E_SUCCESS;
}

/* --- attachments ------------------------------------------------------------------------- */

static struct mapistore_attach_record *find_attach(struct mapistore_message_record *rec, uint32_t num)
{
	for (uint32_t i = 0; i < rec->attach_count; i++)
		if (rec->attachments[i].num == num && !rec->attachments[i].deleted)
			return &rec->attachments[i];
	return NULL;
}

static enum MAPISTATUS ensure_loaded(struct mapistore_context *ctx, struct mapistore_message_record *rec,
				     struct mapistore_attach_record *a)
{
	if (a->loaded || a->db_id == 0)
		return MAPI_E_SUCCESS;
	return ctx->backend->attachment_load(ctx, rec, a);
}

enum MAPISTATUS mapistore_attachment_create(struct mapistore_message *msg, TALLOC_CTX *mem_ctx,
					    struct mapistore_attachment **out, uint32_t *attach_num)
{
	struct mapistore_attachment *att;

	if (msg == NULL || out == NULL)
		return MAPI_E_INVALID_PARAMETER;
	if (msg->read_only)
		return MAPI_E_NO_ACCESS;
	att = talloc_zero(mem_ctx, struct mapistore_attachment);
	if (att == NULL || (att->props = mapistore_propbag_new(att)) == NULL) {
		talloc_free(att);
		return MAPI_E_NOT_ENOUGH_MEMORY;
	}
	att->msg = msg;
	att->num = msg->rec->next_attach_num++;
	*out = att;
	if (attach_num)
		*attach_num = att->num;
	return MAPI_E_SUCCESS;
}

enum MAPISTATUS mapistore_attachment_open(struct mapistore_message *msg, TALLOC_CTX *mem_ctx,
					  uint32_t attach_num, uint8_t open_mode,
					  struct mapistore_attachment **out)
{
	struct mapistore_attach_record *a;
	struct mapistore_attachment *att;
	enum MAPISTATUS ret;

	if (msg == NULL || out == NULL)
		return MAPI_E_INVALID_PARAMETER;
	a = find_attach(msg->rec, attach_num);
	if (a == NULL)
		return MAPI_E_NOT_FOUND;
	ret = ensure_loaded(msg->ctx, msg->rec, a);
	if (ret != MAPI_E_SUCCESS)
		return ret;
	att = talloc_zero(mem_ctx, struct mapistore_attachment);
	if (att == NULL)
		return MAPI_E_NOT_ENOUGH_MEMORY;
	att->msg = msg;
	att->num = attach_num;
	att->props = mapistore_propbag_dup(att, a->props);
	if (att->props == NULL || (a->embedded && (att->embedded = record_dup(att, a->embedded)) == NULL)) {
		talloc_free(att);
		return MAPI_E_NOT_ENOUGH_MEMORY;
	}
	att->read_only = msg->read_only || open_mode == MAPISTORE_OPEN_READ_ONLY;
	*out = att;
	return MAPI_E_SUCCESS;
}

enum MAPISTATUS mapistore_attachment_delete(struct mapistore_message *msg, uint32_t attach_num)
{
	struct mapistore_attach_record *a;

	if (msg == NULL)
		return MAPI_E_INVALID_PARAMETER;
	if (msg->read_only)
		return MAPI_E_NO_ACCESS;
	a = find_attach(msg->rec, attach_num);
	if (a == NULL)
		return MAPI_E_NOT_FOUND;
	a->deleted = true;
	msg->modified = true;
	return MAPI_E_SUCCESS;
}

enum MAPISTATUS mapistore_attachment_save(struct mapistore_attachment *att)
{
	struct mapistore_message_record *rec;
	struct mapistore_attach_record *a;
	struct mapistore_propbag *props;
	struct mapistore_message_record *emb = NULL;

	if (att == NULL)
		return MAPI_E_INVALID_PARAMETER;
	if (att->read_only || att->msg->read_only)
		return MAPI_E_NO_ACCESS;
	rec = att->msg->rec;
	a = find_attach(rec, att->num);
	if (a == NULL) {
		struct mapistore_attach_record *na = talloc_realloc(rec, rec->attachments,
								    struct mapistore_attach_record,
								    rec->attach_count + 1);

		if (na == NULL)
			return MAPI_E_NOT_ENOUGH_MEMORY;
		rec->attachments = na;
		a = &na[rec->attach_count++];
		memset(a, 0, sizeof(*a));
		a->num = att->num;
	}
	props = mapistore_propbag_dup(rec->attachments, att->props);
	if (props == NULL || (att->embedded && (emb = record_dup(rec->attachments, att->embedded)) == NULL)) {
		talloc_free(props);
		return MAPI_E_NOT_ENOUGH_MEMORY;
	}
	talloc_free(a->props);
	talloc_free(a->embedded);
	a->props = props;
	a->embedded = emb;
	a->loaded = true;
	a->dirty = true;
	a->size = bag_size(props) + (emb ? record_size(emb) : 0);
	att->modified = false;
	att->msg->modified = true;
	return MAPI_E_SUCCESS;
}

enum MAPISTATUS mapistore_message_attachment_nums(struct mapistore_message *msg,
						  TALLOC_CTX *mem_ctx, uint32_t *count,
						  uint32_t **nums)
{
	uint32_t n = 0;

	if (msg == NULL || count == NULL || nums == NULL)
		return MAPI_E_INVALID_PARAMETER;
	*nums = talloc_array(mem_ctx, uint32_t, msg->rec->attach_count ? msg->rec->attach_count : 1);
	if (*nums == NULL)
		return MAPI_E_NOT_ENOUGH_MEMORY;
	for (uint32_t i = 0; i < msg->rec->attach_count; i++)
		if (!msg->rec->attachments[i].deleted)
			(*nums)[n++] = msg->rec->attachments[i].num;
	*count = n;
	return MAPI_E_SUCCESS;
}

static bool attach_computed(uint32_t num, const struct mapistore_propbag *props,
			    const struct mapistore_message_record *emb, uint32_t tag,
			    struct mapi_propval *out)
{
	if (MAPI_PROP_ID(tag) == MAPI_PROP_ID(TAG_ATTACH_NUMBER) &&
	    (MAPI_PROP_TYPE(tag) == PTYP_INTEGER32 || MAPI_PROP_TYPE(tag) == PTYP_UNSPECIFIED)) {
		out->tag = TAG_ATTACH_NUMBER;
		out->value.i32 = num;
		return true;
	}
	if (MAPI_PROP_ID(tag) == MAPI_PROP_ID(TAG_ATTACH_SIZE) &&
	    (MAPI_PROP_TYPE(tag) == PTYP_INTEGER32 || MAPI_PROP_TYPE(tag) == PTYP_UNSPECIFIED)) {
		out->tag = TAG_ATTACH_SIZE;
		out->value.i32 = bag_size(props) + (emb ? record_size(emb) : 0);
		return true;
	}
	return false;
}

static int compare_nums(const void *a, const void *b)
{
	const struct mapistore_attach_record *x = a, *y = b;

	return x->num < y->num ? -1 : x->num > y->num;
}

enum MAPISTATUS mapistore_message_attachment_rows(struct mapistore_message *msg,
						  TALLOC_CTX *mem_ctx, uint16_t ncols,
						  const uint32_t *tags, uint32_t *count,
						  struct mapi_property_row **rows)
{
	struct mapistore_message_record *rec;
	struct mapi_property_row *r;
	uint32_t n = 0;

	if (msg == NULL || count == NULL || rows == NULL || (ncols && tags == NULL))
		return MAPI_E_INVALID_PARAMETER;
	rec = msg->rec;
	qsort(rec->attachments, rec->attach_count, sizeof(rec->attachments[0]), compare_nums);
	r = talloc_zero_array(mem_ctx, struct mapi_property_row, rec->attach_count ? rec->attach_count : 1);
	if (r == NULL)
		return MAPI_E_NOT_ENOUGH_MEMORY;
	for (uint32_t i = 0; i < rec->attach_count; i++) {
		struct mapistore_attach_record *a = &rec->attachments[i];
		enum MAPISTATUS ret;

		if (a->deleted)
			continue;
		ret = ensure_loaded(msg->ctx, rec, a);
		if (ret != MAPI_E_SUCCESS) {
			talloc_free(r);
			return ret;
		}
		r[n].flag = MAPI_ROW_STANDARD;
		r[n].count = ncols;
		r[n].values = talloc_zero_array(r, struct mapi_flagged_propval, ncols ? ncols : 1);
		if (r[n].values == NULL) {
			talloc_free(r);
			return MAPI_E_NOT_ENOUGH_MEMORY;
		}
		for (uint16_t c = 0; c < ncols; c++) {
			struct mapi_propval pv;

			if (attach_computed(a->num, a->props, a->embedded, tags[c], &pv)) {
				r[n].values[c].flag = MAPI_PROPVAL_PRESENT;
				r[n].values[c].pv = pv;
			} else {
				mapistore_fill_value(r, mapistore_propbag_find(a->props, tags[c]), tags[c],
						     &r[n].values[c]);
			}
			if (r[n].values[c].flag != MAPI_PROPVAL_PRESENT)
				r[n].flag = MAPI_ROW_FLAGGED;
		}
		n++;
	}
	*count = n;
	*rows = r;
	return MAPI_E_SUCCESS;
}

enum MAPISTATUS mapistore_attachment_get_props(struct mapistore_attachment *att,
					       TALLOC_CTX *mem_ctx, uint16_t count,
					       const uint32_t *tags,
					       struct mapi_flagged_propval *values)
{
	if (att == NULL || (count && (tags == NULL || values == NULL)))
		return MAPI_E_INVALID_PARAMETER;
	for (uint16_t i = 0; i < count; i++) {
		struct mapi_propval pv;

		if (attach_computed(att->num, att->props, att->embedded, tags[i], &pv)) {
			values[i].flag = MAPI_PROPVAL_PRESENT;
			values[i].pv = pv;
			continue;
		}
		mapistore_fill_value(mem_ctx, mapistore_propbag_find(att->props, tags[i]), tags[i], &values[i]);
	}
	return MAPI_E_SUCCESS;
}

enum MAPISTATUS mapistore_attachment_get_all(struct mapistore_attachment *att, TALLOC_CTX *mem_ctx,
					     uint16_t *count, struct mapi_propval **values)
{
	struct mapi_propval *v;
	uint16_t n = 0;

	if (att == NULL || count == NULL || values == NULL)
		return MAPI_E_INVALID_PARAMETER;
	v = talloc_array(mem_ctx, struct mapi_propval, att->props->count + 2);
	if (v == NULL)
		return MAPI_E_NOT_ENOUGH_MEMORY;
	if (attach_computed(att->num, att->props, att->embedded, TAG_ATTACH_NUMBER, &v[n]))
		n++;
	if (attach_computed(att->num, att->props, att->embedded, TAG_ATTACH_SIZE, &v[n]))
		n++;
	for (uint32_t i = 0; i < att->props->count; i++)
		if (mapistore_propval_copy(v, &att->props->props[i], &v[n]) == MAPI_E_SUCCESS)
			n++;
	*count = n;
	*values = v;
	return MAPI_E_SUCCESS;
}

enum MAPISTATUS mapistore_attachment_get_list(struct mapistore_attachment *att, TALLOC_CTX *mem_ctx,
					      uint16_t *count, uint32_t **tags)
{
	static const uint32_t computed[] = { TAG_ATTACH_NUMBER, TAG_ATTACH_SIZE };

	if (att == NULL || count == NULL || tags == NULL)
		return MAPI_E_INVALID_PARAMETER;
	return list_tags(mem_ctx, computed, 2, att->props, count, tags);
}

enum MAPISTATUS mapistore_attachment_set_props(struct mapistore_attachment *att, uint16_t count,
					       const struct mapi_propval *values,
					       TALLOC_CTX *mem_ctx,
					       struct mapistore_problems *problems)
{
	if (att == NULL || (count && values == NULL))
		return MAPI_E_INVALID_PARAMETER;
	if (att->read_only)
		return MAPI_E_NO_ACCESS;
	if (problems)
		memset(problems, 0, sizeof(*problems));
	att->modified = true;
	return bag_set_props(att->props, count, values, mem_ctx, problems);
}

enum MAPISTATUS mapistore_attachment_delete_props(struct mapistore_attachment *att,
						  uint16_t count, const uint32_t *tags,
						  TALLOC_CTX *mem_ctx,
						  struct mapistore_problems *problems)
{
	if (att == NULL || (count && tags == NULL))
		return MAPI_E_INVALID_PARAMETER;
	if (att->read_only)
		return MAPI_E_NO_ACCESS;
	if (problems)
		memset(problems, 0, sizeof(*problems));
	att->modified = true;
	return bag_delete_props(att->props, count, tags, mem_ctx, problems);
}

enum MAPISTATUS mapistore_attachment_open_embedded(struct mapistore_attachment *att,
						   TALLOC_CTX *mem_ctx, uint8_t open_mode,
						   bool create, struct mapistore_message **out)
{
	struct mapistore_message *msg;
	enum MAPISTATUS ret;

	if (att == NULL || out == NULL)
		return MAPI_E_INVALID_PARAMETER;
	if (att->embedded == NULL && !create)
		return MAPI_E_NOT_FOUND;
	if (att->embedded == NULL && att->read_only)
		return MAPI_E_NO_ACCESS;
	msg = talloc_zero(mem_ctx, struct mapistore_message);
	if (msg == NULL)
		return MAPI_E_NOT_ENOUGH_MEMORY;
	msg->ctx = att->msg->ctx;
	msg->parent_att = att;
	if (att->embedded) {
		msg->rec = record_dup(msg, att->embedded);
		ret = msg->rec ? MAPI_E_SUCCESS : MAPI_E_NOT_ENOUGH_MEMORY;
	} else {
		struct mapi_propval method = { .tag = TAG_ATTACH_METHOD };

		ret = new_record(msg->ctx, msg, 0, MAPISTORE_LIST_EMBEDDED, &msg->rec);
		method.value.i32 = MAPISTORE_ATTACH_EMBEDDED_MESSAGE;
		if (ret == MAPI_E_SUCCESS)
			ret = mapistore_propbag_set(att->props, &method);
		msg->is_new = true;
		att->modified = true;
	}
	if (ret != MAPI_E_SUCCESS) {
		talloc_free(msg);
		return ret;
	}
	msg->base_cn = msg->rec->cn;
	msg->read_only = att->read_only || open_mode == MAPISTORE_OPEN_READ_ONLY;
	*out = msg;
	return MAPI_E_SUCCESS;
}

/* --- streams (MS-OXCPRPT 2.2.14 ff.) ------------------------------------------------------- */

/* Streams hold at most this much (MS-OXCPRPT's stream sizes are 32-bit). */
#define STREAM_MAX 0x7FFFFFFFu

struct mapistore_stream {
	struct mapistore_folder *folder;
	struct mapistore_message *msg;
	struct mapistore_attachment *att;
	uint32_t tag;
	bool writable;
	bool dirty;
	uint8_t *data;
	size_t size;
	size_t alloc;
	uint64_t pos;
};

static enum MAPISTATUS stream_reserve(struct mapistore_stream *st, size_t size)
{
	uint8_t *nd;
	size_t n;

	if (size <= st->alloc)
		return MAPI_E_SUCCESS;
	n = st->alloc ? st->alloc : 4096;
	while (n < size)
		n *= 2;
	nd = talloc_realloc(st, st->data, uint8_t, n);
	if (nd == NULL)
		return MAPI_E_NOT_ENOUGH_MEMORY;
	st->data = nd;
	st->alloc = n;
	return MAPI_E_SUCCESS;
}

/* The property's value as stream bytes (PtypString: UTF-16LE without terminator). */
static enum MAPISTATUS stream_load(struct mapistore_stream *st, const struct mapi_propval *pv)
{
	const uint8_t *src = NULL;
	size_t len = 0;
	struct oxcdata_push push;
	enum MAPISTATUS ret;

	switch (MAPI_PROP_TYPE(st->tag)) {
	case PTYP_BINARY:
		src = pv->value.binary.data;
		len = pv->value.binary.len;
		break;
	case PTYP_STRING8:
		src = (const uint8_t *)pv->value.string;
		len = strlen(pv->value.string);
		break;
	case PTYP_STRING:
		oxcdata_push_init(&push, st);
		if (oxcdata_push_utf16(&push, pv->value.string) != WIRE_OK)
			return MAPI_E_CORRUPT_DATA;
		ret = stream_reserve(st, push.len);
		if (ret == MAPI_E_SUCCESS && push.len >= 2) {
			memcpy(st->data, push.data, push.len - 2);
			st->size = push.len - 2;
		}
		talloc_free(push.data);
		return ret;
	}
	ret = stream_reserve(st, len);
	if (ret == MAPI_E_SUCCESS && len) {
		memcpy(st->data, src, len);
		st->size = len;
	}
	return ret;
}

enum MAPISTATUS mapistore_stream_open(TALLOC_CTX *mem_ctx, struct mapistore_folder *folder,
				      struct mapistore_message *msg,
				      struct mapistore_attachment *att, uint32_t tag,
				      uint8_t open_mode, struct mapistore_stream **out)
{
	struct mapistore_folder_record *frec = NULL;
	const struct mapi_propval *pv;
	struct mapistore_stream *st;
	enum MAPISTATUS ret = MAPI_E_SUCCESS;
	uint16_t type = MAPI_PROP_TYPE(tag);
	bool write = open_mode != MAPISTORE_STREAM_READ_ONLY;

	if (out == NULL || (!!folder + !!msg + !!att) != 1 || open_mode > MAPISTORE_OPEN_BEST_ACCESS)
		return MAPI_E_INVALID_PARAMETER;
	if (type != PTYP_BINARY && type != PTYP_STRING && type != PTYP_STRING8)
		return MAPI_E_NO_SUPPORT;
	if (write && ((msg && msg->read_only) || (att && att->read_only)))
		return MAPI_E_NO_ACCESS;
	if (write && mapistore_prop_is_readonly(tag))
		return MAPI_E_NO_ACCESS;
	if (folder) {
		ret = folder->ctx->backend->folder_load(folder->ctx, NULL, folder->fid, &frec);
		if (ret != MAPI_E_SUCCESS)
			return ret == MAPI_E_NOT_FOUND ? MAPI_E_OBJECT_DELETED : ret;
		pv = mapistore_propbag_find(frec->props, tag);
	} else {
		pv = mapistore_propbag_find(msg ? msg->rec->props : att->props, tag);
	}
	if (pv && (MAPI_PROP_TYPE(pv->tag) & ~PTYP_MV_FLAG) != type &&
	    !(type == PTYP_STRING8 && MAPI_PROP_TYPE(pv->tag) == PTYP_STRING) &&
	    !(type == PTYP_STRING && MAPI_PROP_TYPE(pv->tag) == PTYP_STRING8))
		pv = NULL;
	if (pv == NULL && (open_mode == MAPISTORE_STREAM_READ_ONLY ||
			   open_mode == MAPISTORE_STREAM_READ_WRITE)) {
		talloc_free(frec);
		return MAPI_E_NOT_FOUND;
	}
	st = talloc_zero(mem_ctx, struct mapistore_stream);
	if (st == NULL) {
		talloc_free(frec);
		return MAPI_E_NOT_ENOUGH_MEMORY;
	}
	st->folder = folder;
	st->msg = msg;
	st->att = att;
	st->tag = tag;
	st->writable = write;
	if (pv && open_mode != MAPISTORE_STREAM_CREATE)
		ret = stream_load(st, pv);
	talloc_free(frec);
	if (ret != MAPI_E_SUCCESS) {
		talloc_free(st);
		return ret;
	}
	/* CREATE starts empty and exists even if nothing is written (MS-OXCPRPT 3.2.5.13) */
	st->dirty = open_mode == MAPISTORE_STREAM_CREATE;
	*out = st;
	return MAPI_E_SUCCESS;
}

enum MAPISTATUS mapistore_stream_read(struct mapistore_stream *st, uint8_t *buf, uint32_t size,
				      uint32_t *read)
{
	size_t n;

	if (st == NULL || read == NULL || (size && buf == NULL))
		return MAPI_E_INVALID_PARAMETER;
	n = st->pos >= st->size ? 0 : st->size - st->pos;
	if (n > size)
		n = size;
	if (n)
		memcpy(buf, st->data + st->pos, n);
	st->pos += n;
	*read = (uint32_t)n;
	return MAPI_E_SUCCESS;
}

enum MAPISTATUS mapistore_stream_write(struct mapistore_stream *st, const uint8_t *buf,
				       uint32_t size, uint32_t *written)
{
	enum MAPISTATUS ret;
	uint64_t end;

	if (st == NULL || written == NULL || (size && buf == NULL))
		return MAPI_E_INVALID_PARAMETER;
	*written = 0;
	if (!st->writable)
		return MAPI_E_STORAGE_ACCESS_DENIED;
	end = st->pos + size;
	if (end > STREAM_MAX)
		return MAPI_E_TOO_BIG;
	ret = stream_reserve(st, end);
	if (ret != MAPI_E_SUCCESS)
		return ret;
	if (st->pos > st->size)
		memset(st->data + st->size, 0, st->pos - st->size);
	if (size)
		memcpy(st->data + st->pos, buf, size);
	st->pos = end;
	if (end > st->size)
		st->size = end;
	st->dirty = true;
	*written = size;
	return MAPI_E_SUCCESS;
}

enum MAPISTATUS mapistore_stream_seek(struct mapistore_stream *st, enum mapistore_seek_origin origin,
				      int64_t offset, uint64_t *new_position)
{
	int64_t base;

	if (st == NULL)
		return MAPI_E_INVALID_PARAMETER;
	switch (origin) {
	case MAPISTORE_SEEK_SET: base = 0; break;
	case MAPISTORE_SEEK_CUR: base = (int64_t)st->pos; break;
	case MAPISTORE_SEEK_END: base = (int64_t)st->size; break;
	default: return MAPI_E_INVALID_PARAMETER;
	}
	/* before the start, or past what a stream can hold: StreamSeekError (MS-OXCPRPT 3.2.5.18) */
	if (base + offset < 0 || base + offset > (int64_t)STREAM_MAX)
		return MAPI_E_STORAGE_INVALID_FUNCTION;
	st->pos = (uint64_t)(base + offset);
	if (new_position)
		*new_position = st->pos;
	return MAPI_E_SUCCESS;
}

enum MAPISTATUS mapistore_stream_set_size(struct mapistore_stream *st, uint64_t size)
{
	enum MAPISTATUS ret;

	if (st == NULL)
		return MAPI_E_INVALID_PARAMETER;
	if (!st->writable)
		return MAPI_E_STORAGE_ACCESS_DENIED;
	if (size > STREAM_MAX)
		return MAPI_E_TOO_BIG;
	ret = stream_reserve(st, size);
	if (ret != MAPI_E_SUCCESS)
		return ret;
	if (size > st->size)
		memset(st->data + st->size, 0, size - st->size);
	st->size = size;
	st->dirty = true;
	return MAPI_E_SUCCESS;
}

uint64_t mapistore_stream_size(const struct mapistore_stream *st)
{
	return st ? st->size : 0;
}

enum MAPISTATUS mapistore_stream_commit(struct mapistore_stream *st)
{
	struct mapi_propval pv = { .tag = 0 };
	TALLOC_CTX *tmp;
	enum MAPISTATUS ret = MAPI_E_SUCCESS;

	if (st == NULL)
		return MAPI_E_INVALID_PARAMETER;
	if (!st->writable)
		return MAPI_E_STORAGE_ACCESS_DENIED;
	if (!st->dirty)
		return MAPI_E_SUCCESS;
	tmp = talloc_new(NULL);
	if (tmp == NULL)
		return MAPI_E_NOT_ENOUGH_MEMORY;
	pv.tag = st->tag;
	switch (MAPI_PROP_TYPE(st->tag)) {
	case PTYP_BINARY:
		pv.value.binary.len = (uint32_t)st->size;
		pv.value.binary.data = st->data;
		break;
	case PTYP_STRING8:
		pv.value.string = talloc_strndup(tmp, (const char *)st->data, st->size);
		if (pv.value.string == NULL)
			ret = MAPI_E_NOT_ENOUGH_MEMORY;
		break;
	case PTYP_STRING: {
		struct oxcdata_pull pull;
		uint8_t *z = talloc_array(tmp, uint8_t, st->size + 2);

		if (z == NULL) {
			ret = MAPI_E_NOT_ENOUGH_MEMORY;
			break;
		}
		if (st->size)
			memcpy(z, st->data, st->size);
		z[st->size] = z[st->size + 1] = 0;
		oxcdata_pull_init(&pull, z, st->size + 2);
		/* an odd length or an unpaired surrogate is not a string */
		if ((st->size & 1) || oxcdata_pull_utf16(&pull, tmp, &pv.value.string) != WIRE_OK ||
		    oxcdata_pull_left(&pull) != 0)
			ret = MAPI_E_INVALID_PARAMETER;
		break;
	}
	}
	if (ret == MAPI_E_SUCCESS) {
		if (st->msg) {
			ret = mapistore_propbag_set(st->msg->rec->props, &pv);
			st->msg->modified = true;
		} else if (st->att) {
			ret = mapistore_propbag_set(st->att->props, &pv);
			st->att->modified = true;
		} else {
			ret = mapistore_folder_set_props(st->folder, 1, &pv, tmp, NULL);
		}
	}
	talloc_free(tmp);
	if (ret == MAPI_E_SUCCESS)
		st->dirty = false;
	return ret;
}
