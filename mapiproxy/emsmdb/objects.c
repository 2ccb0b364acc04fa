/*
 * OpenChange mapiproxy EMSMDB: the Server objects of the mailbox ROP
 * families and their lifetimes (objects.h).
 *
 * Copyright (C) OpenChange developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <talloc.h>

#include "mapiproxy/emsmdb/objects.h"

static void *private_of(const struct emsmdb_object *object, enum emsmdb_object_type type)
{
	if (object == NULL || object->type != type) {
		return NULL;
	}
	return object->private_data;
}

struct emsmdb_folder *emsmdb_folder_of(const struct emsmdb_object *object)
{
	return private_of(object, EMSMDB_OBJECT_FOLDER);
}

struct emsmdb_message *emsmdb_message_of(const struct emsmdb_object *object)
{
	return private_of(object, EMSMDB_OBJECT_MESSAGE);
}

struct emsmdb_attachment *emsmdb_attachment_of(const struct emsmdb_object *object)
{
	return private_of(object, EMSMDB_OBJECT_ATTACHMENT);
}

struct emsmdb_table *emsmdb_table_of(const struct emsmdb_object *object)
{
	return private_of(object, EMSMDB_OBJECT_TABLE);
}

struct emsmdb_stream *emsmdb_stream_of(const struct emsmdb_object *object)
{
	return private_of(object, EMSMDB_OBJECT_STREAM);
}

struct emsmdb_logon *emsmdb_object_logon(const struct emsmdb_object *object)
{
	if (object == NULL || object->private_data == NULL) {
		return NULL;
	}
	switch (object->type) {
	case EMSMDB_OBJECT_LOGON:
		return object->private_data;
	case EMSMDB_OBJECT_FOLDER:
		return ((struct emsmdb_folder *)object->private_data)->logon;
	case EMSMDB_OBJECT_MESSAGE:
		return ((struct emsmdb_message *)object->private_data)->logon;
	case EMSMDB_OBJECT_ATTACHMENT:
		return ((struct emsmdb_attachment *)object->private_data)->logon;
	case EMSMDB_OBJECT_TABLE:
		return ((struct emsmdb_table *)object->private_data)->logon;
	case EMSMDB_OBJECT_STREAM:
		return ((struct emsmdb_stream *)object->private_data)->logon;
	default:
		return NULL;
	}
}

struct emsmdb_object *emsmdb_rop_object_at(const struct emsmdb_rop_ctx *ctx, uint8_t handle_index,
					   uint32_t types)
{
	struct emsmdb_object *object;

	if (handle_index >= ctx->handle_count) {
		return NULL;
	}
	object = emsmdb_object_lookup(ctx->session, ctx->handles[handle_index]);
	if (object == NULL || !(EMSMDB_OBJECT_BIT(object->type) & types)) {
		return NULL;
	}
	return object;
}

/*
 * The common part of the constructors: SHARED (fresh from
 * emsmdb_shared_new()) holds each of DEPS, then becomes an object's.
 */
static enum MAPISTATUS make(struct emsmdb_rop_ctx *ctx, enum emsmdb_object_type type,
			    uint8_t logon_id, void *shared, void *const *deps, size_t ndeps,
			    struct emsmdb_object **out)
{
	enum MAPISTATUS status;
	size_t i;

	*out = NULL;
	if (shared == NULL) {
		return MAPI_E_NOT_ENOUGH_MEMORY;
	}
	for (i = 0; i < ndeps; i++) {
		if (deps[i] != NULL && !emsmdb_hold(shared, deps[i])) {
			/* the holds taken so far are children of shared and go with it */
			emsmdb_shared_abandon(shared);
			return MAPI_E_NOT_ENOUGH_MEMORY;
		}
	}
	status = emsmdb_object_new_shared(ctx->session, type, logon_id, shared, out);
	if (status != MAPI_E_SUCCESS) {
		emsmdb_shared_abandon(shared);
	}
	return status;
}

/* A failed constructor leaves no pointer to what it freed. */
static enum MAPISTATUS finish(enum MAPISTATUS status, void **shared)
{
	if (status != MAPI_E_SUCCESS) {
		*shared = NULL;
	}
	return status;
}

enum MAPISTATUS emsmdb_folder_object_new(struct emsmdb_rop_ctx *ctx, struct emsmdb_logon *logon,
					 uint8_t logon_id, struct emsmdb_folder **folder,
					 struct emsmdb_object **out)
{
	struct emsmdb_folder *f = emsmdb_shared_new(ctx->session, struct emsmdb_folder);
	void *deps[] = { logon };

	if (f != NULL) {
		f->logon = logon;
	}
	*folder = f;
	return finish(make(ctx, EMSMDB_OBJECT_FOLDER, logon_id, f, deps, 1, out), (void **)folder);
}

enum MAPISTATUS emsmdb_message_object_new(struct emsmdb_rop_ctx *ctx, struct emsmdb_logon *logon,
					  uint8_t logon_id, struct emsmdb_message **message,
					  struct emsmdb_object **out)
{
	struct emsmdb_message *m = emsmdb_shared_new(ctx->session, struct emsmdb_message);
	void *deps[] = { logon };

	if (m != NULL) {
		m->logon = logon;
	}
	*message = m;
	return finish(make(ctx, EMSMDB_OBJECT_MESSAGE, logon_id, m, deps, 1, out), (void **)message);
}

enum MAPISTATUS emsmdb_attachment_object_new(struct emsmdb_rop_ctx *ctx,
					     struct emsmdb_message *message, uint8_t logon_id,
					     struct emsmdb_attachment **attachment,
					     struct emsmdb_object **out)
{
	struct emsmdb_attachment *a = emsmdb_shared_new(ctx->session, struct emsmdb_attachment);
	void *deps[] = { message->logon, message };

	if (a != NULL) {
		a->logon = message->logon;
		a->message = message;
	}
	*attachment = a;
	return finish(make(ctx, EMSMDB_OBJECT_ATTACHMENT, logon_id, a, deps, 2, out), (void **)attachment);
}

enum MAPISTATUS emsmdb_table_object_new(struct emsmdb_rop_ctx *ctx, struct emsmdb_logon *logon,
					uint8_t logon_id, enum emsmdb_table_kind kind,
					struct emsmdb_folder *folder, struct emsmdb_message *message,
					struct emsmdb_table **table, struct emsmdb_object **out)
{
	struct emsmdb_table *t = emsmdb_shared_new(ctx->session, struct emsmdb_table);
	void *deps[] = { logon, folder, message };

	if (t != NULL) {
		t->logon = logon;
		t->kind = kind;
		t->folder = folder;
		t->message = message;
	}
	*table = t;
	return finish(make(ctx, EMSMDB_OBJECT_TABLE, logon_id, t, deps, 3, out), (void **)table);
}

enum MAPISTATUS emsmdb_stream_object_new(struct emsmdb_rop_ctx *ctx, struct emsmdb_logon *logon,
					 uint8_t logon_id, struct emsmdb_folder *folder,
					 struct emsmdb_message *message,
					 struct emsmdb_attachment *attachment,
					 struct emsmdb_stream **stream, struct emsmdb_object **out)
{
	struct emsmdb_stream *s = emsmdb_shared_new(ctx->session, struct emsmdb_stream);
	void *deps[] = { logon, folder, message, attachment };

	if (s != NULL) {
		s->logon = logon;
		s->folder = folder;
		s->message = message;
		s->attachment = attachment;
	}
	*stream = s;
	return finish(make(ctx, EMSMDB_OBJECT_STREAM, logon_id, s, deps, 4, out), (void **)stream);
}
