/*
 * OpenChange mapiproxy EMSMDB: Session Contexts and their handle tables.
 *
 * Copyright (C) OpenChange developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>
#include <talloc.h>

#include "mapiproxy/emsmdb/session.h"

/* 14.00.0200.000: what Exchange 2010 reports; the server speaks that era's protocol. */
const uint16_t emsmdb_server_version[4] = { 14, 0, 200, 0 };
/* MS-OXCRPC 3.2.4.1.3.2: 11.0.0.0 is "the minimum version that a client supports". */
const uint16_t emsmdb_min_client_version[4] = { 11, 0, 0, 0 };
/* Below this, a client needs public folders or the ExOrgInfo flag (3.1.4.1, ulFlags). */
static const uint16_t exorginfo_client_version[4] = { 12, 0, 0, 0 };

/* A slot number lives in the low 16 bits of a handle. */
#define SLOT_BITS 16
#define SLOT_MASK 0xFFFFu
#define MAX_SLOTS 0xFFFFu

void emsmdb_limits_default(struct emsmdb_limits *limits)
{
	limits->max_handles = EMSMDB_DEFAULT_MAX_HANDLES;
	limits->max_sessions_per_user = EMSMDB_DEFAULT_MAX_SESSIONS_PER_USER;
	limits->max_sessions_per_connection = EMSMDB_DEFAULT_MAX_SESSIONS_PER_CONNECTION;
	limits->async_wait_timeout_ms = EMSMDB_DEFAULT_ASYNC_WAIT_TIMEOUT_MS;
}

static int session_destructor(struct emsmdb_session *session)
{
	/*
	 * Objects are children of the session and talloc frees them first;
	 * their destructors look at the table, so mark it as going away.
	 */
	session->handles.capacity = 0;
	session->closing = true;
	return 0;
}

/* The parent of every shared state: how many holders it has. */
struct shared_box {
	struct emsmdb_session *session;
	uint32_t holders;
};

struct shared_hold {
	struct shared_box *box;
};

void *emsmdb_shared_new_size(struct emsmdb_session *session, size_t size, const char *name)
{
	struct shared_box *box = talloc_zero(session, struct shared_box);
	void *shared;

	if (box == NULL) {
		return NULL;
	}
	box->session = session;
	shared = talloc_zero_size(box, size);
	if (shared == NULL) {
		talloc_free(box);
		return NULL;
	}
	talloc_set_name_const(shared, name);
	return shared;
}

static int hold_destructor(struct shared_hold *hold)
{
	struct shared_box *box = hold->box;

	/* the session frees the boxes itself, in an order of its own */
	if (box->session->closing) {
		return 0;
	}
	if (--box->holders == 0) {
		talloc_free(box);
	}
	return 0;
}

bool emsmdb_hold(TALLOC_CTX *holder, void *shared)
{
	struct shared_box *box = talloc_get_type_abort(talloc_parent(shared), struct shared_box);
	struct shared_hold *hold = talloc(holder, struct shared_hold);

	if (hold == NULL) {
		return false;
	}
	hold->box = box;
	box->holders++;
	talloc_set_destructor(hold, hold_destructor);
	return true;
}

void emsmdb_shared_abandon(void *shared)
{
	struct shared_box *box;

	if (shared == NULL) {
		return;
	}
	box = talloc_get_type_abort(talloc_parent(shared), struct shared_box);
	if (box->holders == 0) {
		talloc_free(box);
	}
}

enum MAPISTATUS emsmdb_object_new_shared(struct emsmdb_session *session,
					 enum emsmdb_object_type type, uint8_t logon_id,
					 void *shared, struct emsmdb_object **out)
{
	enum MAPISTATUS status = emsmdb_object_new(session, type, logon_id, out);

	if (status != MAPI_E_SUCCESS) {
		return status;
	}
	if (!emsmdb_hold(*out, shared)) {
		emsmdb_object_release(*out);
		*out = NULL;
		return MAPI_E_NOT_ENOUGH_MEMORY;
	}
	(*out)->private_data = shared;
	return MAPI_E_SUCCESS;
}

struct emsmdb_session *emsmdb_session_new(TALLOC_CTX *mem_ctx, const struct emsmdb_limits *limits)
{
	struct emsmdb_session *session = talloc_zero(mem_ctx, struct emsmdb_session);

	if (session == NULL) {
		return NULL;
	}
	if (limits != NULL) {
		session->limits = *limits;
	} else {
		emsmdb_limits_default(&session->limits);
	}
	if (session->limits.max_handles == 0 || session->limits.max_handles > MAX_SLOTS) {
		session->limits.max_handles = MAX_SLOTS;
	}
	session->handles.generation = 1;
	talloc_set_destructor(session, session_destructor);
	return session;
}

static int object_destructor(struct emsmdb_object *object)
{
	struct emsmdb_session *session = object->session;
	struct emsmdb_handle_table *table = &session->handles;
	uint32_t slot = object->handle & SLOT_MASK;

	if (object->type == EMSMDB_OBJECT_LOGON && session->logons[object->logon_id] == object) {
		session->logons[object->logon_id] = NULL;
		session->logon_private[object->logon_id] = false;
	}
	if (table->capacity == 0 || slot >= table->capacity || table->slots[slot] != object) {
		return 0;	/* the whole session is going */
	}
	table->slots[slot] = NULL;
	table->free_slots[table->free_count++] = (uint16_t)slot;
	table->used--;
	return 0;
}

/* Room for one more slot: grow both arrays geometrically up to the limit. */
static bool table_grow(struct emsmdb_session *session)
{
	struct emsmdb_handle_table *table = &session->handles;
	uint32_t capacity = table->capacity == 0 ? 16 : table->capacity * 2;
	struct emsmdb_object **slots;
	uint16_t *free_slots;
	uint32_t i;

	if (capacity > session->limits.max_handles) {
		capacity = session->limits.max_handles;
	}
	if (capacity <= table->capacity) {
		return false;
	}
	slots = talloc_realloc(session, table->slots, struct emsmdb_object *, capacity);
	if (slots == NULL) {
		return false;
	}
	table->slots = slots;
	free_slots = talloc_realloc(session, table->free_slots, uint16_t, capacity);
	if (free_slots == NULL) {
		return false;
	}
	table->free_slots = free_slots;
	/* push the new slots so that the lowest is used first */
	for (i = capacity; i > table->capacity; i--) {
		table->slots[i - 1] = NULL;
		table->free_slots[table->free_count++] = (uint16_t)(i - 1);
	}
	table->capacity = capacity;
	return true;
}

enum MAPISTATUS emsmdb_object_new(struct emsmdb_session *session, enum emsmdb_object_type type,
				  uint8_t logon_id, struct emsmdb_object **out)
{
	struct emsmdb_handle_table *table = &session->handles;
	struct emsmdb_object *object;
	uint32_t slot;

	*out = NULL;
	if (table->used >= session->limits.max_handles) {
		return EC_TOO_MANY_OPEN_OBJECTS;
	}
	if (table->free_count == 0 && !table_grow(session)) {
		return table->capacity >= session->limits.max_handles ?
			EC_TOO_MANY_OPEN_OBJECTS : MAPI_E_NOT_ENOUGH_MEMORY;
	}
	object = talloc_zero(session, struct emsmdb_object);
	if (object == NULL) {
		return MAPI_E_NOT_ENOUGH_MEMORY;
	}
	slot = table->free_slots[--table->free_count];
	/* generation 0xFFFF would make slot 0xFFFF the reserved 0xFFFFFFFF */
	if (table->generation == 0 || table->generation == 0xFFFF) {
		table->generation = 1;
	}
	object->session = session;
	object->handle = ((uint32_t)table->generation << SLOT_BITS) | slot;
	table->generation++;
	object->type = type;
	object->logon_id = logon_id;
	table->slots[slot] = object;
	table->used++;
	talloc_set_destructor(object, object_destructor);
	*out = object;
	return MAPI_E_SUCCESS;
}

struct emsmdb_object *emsmdb_object_lookup(struct emsmdb_session *session, uint32_t handle)
{
	struct emsmdb_handle_table *table = &session->handles;
	uint32_t slot = handle & SLOT_MASK;
	struct emsmdb_object *object;

	if (handle == EMSMDB_HANDLE_NONE || slot >= table->capacity) {
		return NULL;
	}
	object = table->slots[slot];
	if (object == NULL || object->handle != handle) {
		return NULL;
	}
	return object;
}

void emsmdb_object_release(struct emsmdb_object *object)
{
	talloc_free(object);
}

void emsmdb_version_normalize(const uint16_t wire[3], uint16_t normalized[4])
{
	if (wire[1] & 0x8000) {
		normalized[0] = wire[0] >> 8;
		normalized[1] = wire[0] & 0xFF;
		normalized[2] = wire[1] & 0x7FFF;
		normalized[3] = wire[2];
	} else {
		normalized[0] = wire[0];
		normalized[1] = 0;
		normalized[2] = wire[1];
		normalized[3] = wire[2];
	}
}

/* The high-bit form whenever major and minor fit a byte each, as servers send it. */
void emsmdb_version_to_wire(const uint16_t normalized[4], uint16_t wire[3])
{
	if (normalized[0] <= 0xFF && normalized[1] <= 0xFF && normalized[2] <= 0x7FFF) {
		wire[0] = (uint16_t)((normalized[0] << 8) | normalized[1]);
		wire[1] = (uint16_t)(0x8000 | normalized[2]);
		wire[2] = normalized[3];
	} else {
		wire[0] = normalized[0];
		wire[1] = (uint16_t)(normalized[2] & 0x7FFF);
		wire[2] = normalized[3];
	}
}

int emsmdb_version_compare(const uint16_t a[4], const uint16_t b[4])
{
	int i;

	for (i = 0; i < 4; i++) {
		if (a[i] != b[i]) {
			return a[i] < b[i] ? -1 : 1;
		}
	}
	return 0;
}

enum MAPISTATUS emsmdb_negotiate_version(const uint16_t client_wire[3], uint32_t connect_flags,
					 bool public_folders, uint16_t server_wire[3],
					 uint16_t best_wire[3])
{
	uint16_t client[4];

	emsmdb_version_to_wire(emsmdb_server_version, server_wire);
	emsmdb_version_normalize(client_wire, client);
	if (emsmdb_version_compare(client, emsmdb_min_client_version) < 0) {
		/* no negotiation: the minimum we accept, and the call fails */
		emsmdb_version_to_wire(emsmdb_min_client_version, best_wire);
		return MAPI_E_VERSION;
	}
	memcpy(best_wire, client_wire, 3 * sizeof(uint16_t));
	if (!public_folders && !(connect_flags & EMSMDB_CONNECT_EXORGINFO) &&
	    emsmdb_version_compare(client, exorginfo_client_version) < 0) {
		return EC_CLIENT_VERSION_BLOCKED;
	}
	return MAPI_E_SUCCESS;
}
