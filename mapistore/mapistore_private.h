/*
 * mapistore front-end internals shared by its files.
 *
 * Copyright (C) OpenChange developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef MAPISTORE_PRIVATE_H
#define MAPISTORE_PRIVATE_H

#include "mapistore/mapistore_backend.h"
#include "mapistore/mapistore_tags.h"
#include "libmapi/oxcdata_ids.h"

struct mapistore_folder {
	struct mapistore_context *ctx;
	uint64_t fid;
};

struct mapistore_message {
	struct mapistore_context *ctx;
	struct mapistore_message_record *rec;	/* the working copy */
	uint64_t base_cn;	/* change number when read: conflicts are saves after it */
	bool is_new;		/* never saved */
	bool read_only;
	bool modified;
	/* an embedded message belongs to an attachment object */
	struct mapistore_attachment *parent_att;
};

struct mapistore_attachment {
	struct mapistore_message *msg;
	uint32_t num;
	struct mapistore_propbag *props;		/* working copy */
	struct mapistore_message_record *embedded;	/* working copy, NULL if none */
	bool read_only;
	bool modified;
};

enum MAPISTATUS mapistore_finish(struct mapistore_context *ctx, enum MAPISTATUS ret);
bool mapistore_is_special_folder(struct mapistore_context *ctx, uint64_t fid);
enum MAPISTATUS mapistore_folder_insert_record(struct mapistore_context *ctx,
					       struct mapistore_folder_record *rec, bool created);
/* Bump the versions tables watch: the folder, and its ancestors' hierarchy rows. */
enum MAPISTATUS mapistore_touch_folder(struct mapistore_context *ctx, uint64_t fid, bool ancestors);
/* A flagged value for tag from a stored bag plus computed properties. */
void mapistore_fill_value(TALLOC_CTX *mem_ctx, const struct mapi_propval *found, uint32_t tag,
			  struct mapi_flagged_propval *out);
/* Copy a stored message (attachments, embedded messages) under new ids, in the open transaction. */
enum MAPISTATUS mapistore_message_copy_record(struct mapistore_context *ctx, uint64_t mid,
					      uint64_t dst_fid, uint8_t list, uint64_t *new_mid);
/* Record that id left fid, with a new change number (in the open transaction). */
enum MAPISTATUS mapistore_bury(struct mapistore_context *ctx, uint64_t id, uint64_t fid,
			       enum mapistore_tombstone_kind kind);
/* The problems array of a set/delete. */
enum MAPISTATUS mapistore_add_problem(TALLOC_CTX *mem_ctx, struct mapistore_problems *problems,
				      uint16_t index, uint32_t tag, uint32_t error);

#endif
