/*
 * The sqlite3 backend: one database per mailbox (DESIGN.md decision 4).
 *
 * Durability: WAL journal, synchronous=FULL, and the front end wraps every
 * committing operation in one BEGIN IMMEDIATE ... COMMIT, so a COMMIT that
 * returned has reached the disk (the WAL is fsync'ed at each commit in
 * FULL mode) and survives kill -9 and power loss. IMMEDIATE takes the write
 * lock at the start, so two processes (Samba's prefork workers) writing the
 * same mailbox queue up on busy_timeout instead of failing at COMMIT.
 *
 * Layout (schema version 1; doc/mapistore.md has the why):
 * - folders, messages and attachments keep their stored properties as one
 *   blob each (mapistore_propbag_encode, column `props`); values over
 *   SQLITE_INLINE_MAX bytes go to a second blob, the row's last column
 *   `big`: SQLite reads a row's columns front to back and only follows the
 *   overflow pages a column it is asked for needs, so a table row read never
 *   drags a body or an attachment along, and a save writes no b-tree more
 *   than the message's own;
 * - recipients live in the message row too (column `recipients`): they are
 *   read and written with the message, never alone;
 * - each folder row keeps its message counts (normal, unread, associated,
 *   soft-deleted, total size), adjusted in the transaction that changes
 *   them, so PidTagContentCount and friends cost no scan and no index;
 * - messages also keep the properties tables sort and restrict on most in
 *   columns of their own ("hot" columns), each indexed after (fid, list), so
 *   ORDER BY delivery_time over a folder walks an index and the rowid (the
 *   MID) is its tie-break for free;
 * - ids are MS-OXCDATA ids stored as the signed 64-bit reinterpretation of
 *   the uint64_t.
 *
 * Copyright (C) OpenChange developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sqlite3.h>
#include "mapistore/mapistore_backend.h"
#include "libmapi/oxcdata_ids.h"
#include "mapistore/mapistore_tags.h"

#define SCHEMA_VERSION 1
/* Values above this many bytes go to the row's `big` column. */
#define SQLITE_INLINE_MAX 1024
#define BUSY_TIMEOUT_MS 10000
#define MMAP_SIZE "1073741824"	/* 1 GB of address space, not memory */
#define CACHE_SIZE "-1024"	/* KB */
#ifndef WAL_AUTOCHECKPOINT
#define WAL_AUTOCHECKPOINT "4000"
#endif
#ifndef PAGE_SIZE
#define PAGE_SIZE "4096"
#endif


/*
 * Added after schema version 1 shipped: a table more is no format change
 * (older code ignores it), so version 1 databases get it at open.
 */
#define PER_USER_SQL \
	"CREATE TABLE IF NOT EXISTS per_user(" \
	" ltid BLOB PRIMARY KEY, replguid BLOB NOT NULL, data BLOB NOT NULL);" \
	"CREATE TABLE IF NOT EXISTS replicas(replid INTEGER PRIMARY KEY, guid BLOB NOT NULL UNIQUE);"

static const char *const schema_sql =
	"CREATE TABLE schema_version(version INTEGER NOT NULL);"
	"INSERT INTO schema_version VALUES(1);"
	"CREATE TABLE mailbox("
	" id INTEGER PRIMARY KEY CHECK (id = 1),"
	" replica_id INTEGER NOT NULL,"
	" replica_guid BLOB NOT NULL,"
	" mailbox_guid BLOB NOT NULL,"
	" next_globcnt INTEGER NOT NULL,"
	" special BLOB NOT NULL);"
	"CREATE TABLE folders("
	" fid INTEGER PRIMARY KEY,"
	" parent_fid INTEGER NOT NULL,"
	" name TEXT NOT NULL COLLATE NOCASE,"
	" folder_type INTEGER NOT NULL,"
	" cn INTEGER NOT NULL,"
	" version INTEGER NOT NULL DEFAULT 1,"
	" count_normal INTEGER NOT NULL DEFAULT 0,"
	" unread_normal INTEGER NOT NULL DEFAULT 0,"
	" count_associated INTEGER NOT NULL DEFAULT 0,"
	" count_deleted INTEGER NOT NULL DEFAULT 0,"
	" size_total INTEGER NOT NULL DEFAULT 0,"
	" props BLOB NOT NULL,"
	" big BLOB);"
	"CREATE UNIQUE INDEX folders_by_name ON folders(parent_fid, name);"
	"CREATE TABLE messages("
	" mid INTEGER PRIMARY KEY,"
	" fid INTEGER NOT NULL,"
	" attach_id INTEGER NOT NULL DEFAULT 0,"
	" list INTEGER NOT NULL,"
	" cn INTEGER NOT NULL,"
	" message_flags INTEGER NOT NULL,"
	" message_size INTEGER NOT NULL,"
	" message_class TEXT COLLATE NOCASE,"
	" subject TEXT COLLATE NOCASE,"
	" sender_name TEXT COLLATE NOCASE,"
	" importance INTEGER,"
	" delivery_time INTEGER,"
	" submit_time INTEGER,"
	" created INTEGER,"
	" last_modified INTEGER,"
	" props BLOB NOT NULL,"
	" recipients BLOB,"
	" big BLOB);"
	/*
	 * Two indexes: each costs a page written per save, and the durable save
	 * rate is a target too. The default sort (delivery time) and the
	 * subject walk an index; other hot columns sort and restrict in SQL
	 * over the folder's rows, the rest in C.
	 */
	"CREATE INDEX messages_by_delivery ON messages(fid, list, delivery_time);"
	"CREATE INDEX messages_by_subject ON messages(fid, list, subject);"
	"CREATE INDEX messages_embedded ON messages(attach_id) WHERE attach_id != 0;"
	"CREATE TABLE attachments("
	" attach_id INTEGER PRIMARY KEY, mid INTEGER NOT NULL, num INTEGER NOT NULL,"
	" props BLOB NOT NULL, big BLOB, UNIQUE(mid, num));"
	"CREATE TABLE tombstones("
	" id INTEGER NOT NULL, fid INTEGER NOT NULL, cn INTEGER NOT NULL, kind INTEGER NOT NULL);"
	"CREATE INDEX tombstones_by_folder ON tombstones(fid, cn);"
	"CREATE TABLE named_props("
	" propid INTEGER PRIMARY KEY, guid BLOB NOT NULL, kind INTEGER NOT NULL,"
	" lid INTEGER NOT NULL, name TEXT NOT NULL, UNIQUE(guid, kind, lid, name));"
	"CREATE TABLE receive_folders("
	" message_class TEXT PRIMARY KEY COLLATE NOCASE, fid INTEGER NOT NULL,"
	" modified INTEGER NOT NULL);"
	PER_USER_SQL;

/* Prepared once per connection, on first use. */
enum stmt_id {
	ST_BEGIN, ST_COMMIT, ST_ROLLBACK, ST_READ_BEGIN, ST_SAVEPOINT, ST_RELEASE, ST_ROLLBACK_TO,
	ST_MAILBOX_LOAD, ST_MAILBOX_INSERT, ST_MAILBOX_UPDATE, ST_GLOBCNT_GET, ST_GLOBCNT_SET,
	ST_FOLDER_LOAD, ST_FOLDER_INSERT, ST_FOLDER_UPDATE, ST_FOLDER_DELETE, ST_FOLDER_FIND,
	ST_FOLDER_CHILDREN, ST_FOLDER_COUNT_CHILDREN, ST_FOLDER_COUNTS, ST_FOLDER_ACCOUNT, ST_FOLDER_TOUCH,
	ST_FOLDER_VERSION, ST_FOLDER_ROW,
	ST_MESSAGE_LOAD, ST_MESSAGE_UPSERT, ST_MESSAGE_DELETE, ST_MESSAGE_STATE,
	ST_MESSAGE_RELOCATE, ST_MESSAGE_SET_FLAGS, ST_MESSAGE_LIST, ST_MESSAGE_ROW,
	ST_MESSAGE_EMBEDDED,
	ST_ATTACH_LIST, ST_ATTACH_LOAD, ST_ATTACH_INSERT, ST_ATTACH_UPDATE, ST_ATTACH_DELETE,
	ST_BIG_FOLDER, ST_BIG_MESSAGE, ST_BIG_ATTACHMENT,
	ST_NAMED_LOOKUP, ST_NAMED_MAX, ST_NAMED_INSERT, ST_NAMED_GET, ST_NAMED_ALL,
	ST_RECEIVE_LIST, ST_RECEIVE_SET, ST_RECEIVE_DELETE, ST_TOMBSTONE_ADD, ST_TOMBSTONE_LIST,
	ST_PER_USER_GET, ST_PER_USER_SET, ST_PER_USER_LIST,
	ST_REPLICA_BY_GUID, ST_REPLICA_BY_ID, ST_REPLICA_MAX, ST_REPLICA_ADD,
	ST_COUNT
};

static const char *const stmt_sql[ST_COUNT] = {
	[ST_BEGIN] = "BEGIN IMMEDIATE",
	[ST_COMMIT] = "COMMIT",
	[ST_ROLLBACK] = "ROLLBACK",
	[ST_READ_BEGIN] = "BEGIN DEFERRED",
	[ST_SAVEPOINT] = "SAVEPOINT operation",
	[ST_RELEASE] = "RELEASE operation",
	[ST_ROLLBACK_TO] = "ROLLBACK TO operation",
	[ST_MAILBOX_LOAD] = "SELECT replica_id, replica_guid, mailbox_guid, special FROM mailbox WHERE id = 1",
	[ST_MAILBOX_INSERT] = "INSERT INTO mailbox(id, replica_id, replica_guid, mailbox_guid, next_globcnt, special)"
			      " VALUES(1, ?1, ?2, ?3, 1, ?4)",
	[ST_MAILBOX_UPDATE] = "UPDATE mailbox SET replica_id = ?1, replica_guid = ?2, mailbox_guid = ?3,"
			      " special = ?4 WHERE id = 1",
	[ST_GLOBCNT_GET] = "SELECT next_globcnt FROM mailbox WHERE id = 1",
	[ST_GLOBCNT_SET] = "UPDATE mailbox SET next_globcnt = ?1 WHERE id = 1",
	[ST_FOLDER_LOAD] = "SELECT parent_fid, name, folder_type, cn, props, big FROM folders WHERE fid = ?1",
	[ST_FOLDER_INSERT] = "INSERT INTO folders(fid, parent_fid, name, folder_type, cn, props, big)"
			     " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7)",
	[ST_FOLDER_UPDATE] = "UPDATE folders SET parent_fid = ?2, name = ?3, folder_type = ?4, cn = ?5,"
			     " props = ?6, big = ?7, version = version + 1 WHERE fid = ?1",
	[ST_FOLDER_DELETE] = "DELETE FROM folders WHERE fid = ?1",
	[ST_FOLDER_FIND] = "SELECT fid FROM folders WHERE parent_fid = ?1 AND name = ?2",
	[ST_FOLDER_CHILDREN] = "SELECT fid FROM folders WHERE parent_fid = ?1 ORDER BY name",
	[ST_FOLDER_COUNT_CHILDREN] = "SELECT count(*) FROM folders WHERE parent_fid = ?1",
	[ST_FOLDER_COUNTS] = "SELECT count_normal, unread_normal, count_associated, count_deleted, size_total"
			     " FROM folders WHERE fid = ?1",
	[ST_FOLDER_ACCOUNT] = "UPDATE folders SET count_normal = count_normal + ?2, unread_normal = unread_normal + ?3,"
			      " count_associated = count_associated + ?4, count_deleted = count_deleted + ?5,"
			      " size_total = size_total + ?6, version = version + 1 WHERE fid = ?1",
	/* the folder and ?2 levels of its ancestors; fids are never reused, so a per-folder count is enough */
	[ST_FOLDER_TOUCH] = "WITH RECURSIVE up(fid, depth) AS (SELECT ?1, 0 UNION ALL"
			    " SELECT f.parent_fid, up.depth + 1 FROM folders f JOIN up ON f.fid = up.fid"
			    " WHERE up.depth < ?2 AND f.parent_fid != 0)"
			    " UPDATE folders SET version = version + 1 WHERE fid IN (SELECT fid FROM up)",
	[ST_FOLDER_VERSION] = "SELECT version FROM folders WHERE fid = ?1",
	[ST_FOLDER_ROW] = "SELECT parent_fid, cn, folder_type, props FROM folders WHERE fid = ?1",
	[ST_MESSAGE_LOAD] = "SELECT fid, list, cn, message_flags, message_size, props, recipients, big"
			    " FROM messages WHERE mid = ?1",
	[ST_MESSAGE_UPSERT] = "INSERT OR REPLACE INTO messages(mid, fid, attach_id, list, cn, message_flags,"
			      " message_size, message_class, subject, sender_name, importance, delivery_time,"
			      " submit_time, created, last_modified, props, recipients, big)"
			      " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18)",
	[ST_MESSAGE_DELETE] = "DELETE FROM messages WHERE mid = ?1",
	[ST_MESSAGE_STATE] = "SELECT fid, list, cn, message_flags, message_size FROM messages WHERE mid = ?1",
	[ST_MESSAGE_RELOCATE] = "UPDATE messages SET fid = ?2, list = ?3 WHERE mid = ?1",
	[ST_MESSAGE_SET_FLAGS] = "UPDATE messages SET message_flags = ?2 WHERE mid = ?1",
	[ST_MESSAGE_LIST] = "SELECT mid FROM messages WHERE fid = ?1 AND list = ?2",
	[ST_MESSAGE_ROW] = "SELECT fid, list, cn, message_flags, message_size, props FROM messages WHERE mid = ?1",
	[ST_MESSAGE_EMBEDDED] = "SELECT mid FROM messages WHERE attach_id = ?1",
	[ST_ATTACH_LIST] = "SELECT attach_id, num, length(props) + coalesce(length(big), 0)"
			   " FROM attachments WHERE mid = ?1 ORDER BY num",
	[ST_ATTACH_LOAD] = "SELECT props, big FROM attachments WHERE attach_id = ?1",
	[ST_ATTACH_INSERT] = "INSERT INTO attachments(mid, num, props, big) VALUES(?1, ?2, ?3, ?4)",
	[ST_ATTACH_UPDATE] = "UPDATE attachments SET props = ?2, big = ?3 WHERE attach_id = ?1",
	[ST_ATTACH_DELETE] = "DELETE FROM attachments WHERE attach_id = ?1",
	[ST_BIG_FOLDER] = "SELECT big FROM folders WHERE fid = ?1",
	[ST_BIG_MESSAGE] = "SELECT big FROM messages WHERE mid = ?1",
	[ST_BIG_ATTACHMENT] = "SELECT big FROM attachments WHERE attach_id = ?1",
	[ST_NAMED_LOOKUP] = "SELECT propid FROM named_props WHERE guid = ?1 AND kind = ?2 AND lid = ?3 AND name = ?4",
	[ST_NAMED_MAX] = "SELECT coalesce(max(propid), 32767) FROM named_props",
	[ST_NAMED_INSERT] = "INSERT INTO named_props(propid, guid, kind, lid, name) VALUES(?1, ?2, ?3, ?4, ?5)",
	[ST_NAMED_GET] = "SELECT guid, kind, lid, name FROM named_props WHERE propid = ?1",
	[ST_NAMED_ALL] = "SELECT propid, guid, kind, lid, name FROM named_props ORDER BY propid",
	[ST_RECEIVE_LIST] = "SELECT message_class, fid, modified FROM receive_folders ORDER BY message_class",
	[ST_RECEIVE_SET] = "INSERT OR REPLACE INTO receive_folders(message_class, fid, modified) VALUES(?1, ?2, ?3)",
	[ST_RECEIVE_DELETE] = "DELETE FROM receive_folders WHERE message_class = ?1",
	[ST_TOMBSTONE_ADD] = "INSERT INTO tombstones(id, fid, cn, kind) VALUES(?1, ?2, ?3, ?4)",
	[ST_REPLICA_BY_GUID] = "SELECT replid FROM replicas WHERE guid = ?1",
	[ST_REPLICA_BY_ID] = "SELECT guid FROM replicas WHERE replid = ?1",
	[ST_REPLICA_MAX] = "SELECT max(replid) FROM replicas",
	[ST_REPLICA_ADD] = "INSERT INTO replicas(replid, guid) VALUES(?1, ?2)",
	[ST_PER_USER_GET] = "SELECT replguid, data FROM per_user WHERE ltid = ?1",
	[ST_PER_USER_SET] = "INSERT OR REPLACE INTO per_user(ltid, replguid, data) VALUES(?1, ?2, ?3)",
	[ST_PER_USER_LIST] = "SELECT ltid FROM per_user WHERE replguid = ?1 ORDER BY ltid",
	[ST_TOMBSTONE_LIST] = "SELECT id, cn, kind FROM tombstones WHERE fid = ?1 ORDER BY rowid",
};

struct sqlite_mailbox {
	struct mapistore_context base;	/* first: the front end's view */
	sqlite3 *db;
	sqlite3_stmt *stmts[ST_COUNT];
	uint8_t *row_buf;		/* row_fetch's copy of the blob */
	size_t row_buf_size;
};

static struct sqlite_mailbox *sq(struct mapistore_context *ctx)
{
	return (struct sqlite_mailbox *)ctx;
}

static enum MAPISTATUS map_sqlite_error(struct sqlite_mailbox *m, int rc, const char *what)
{
	mapistore_set_error(&m->base, "sqlite3: %s: %s", what,
			    m->db ? sqlite3_errmsg(m->db) : sqlite3_errstr(rc));
	switch (rc & 0xFF) {
	case SQLITE_BUSY:
	case SQLITE_LOCKED: return MAPI_E_BUSY;
	case SQLITE_NOMEM: return MAPI_E_NOT_ENOUGH_MEMORY;
	case SQLITE_FULL: return MAPI_E_NOT_ENOUGH_DISK;
	case SQLITE_IOERR: return MAPI_E_DISK_ERROR;
	case SQLITE_CORRUPT:
	case SQLITE_NOTADB: return MAPI_E_CORRUPT_DATA;
	case SQLITE_CONSTRAINT: return MAPI_E_COLLISION;
	case SQLITE_READONLY:
	case SQLITE_PERM:
	case SQLITE_CANTOPEN: return MAPI_E_NO_ACCESS;
	default: return MAPI_E_CALL_FAILED;
	}
}

/* The cached statement, reset and with its bindings cleared. */
static sqlite3_stmt *stmt(struct sqlite_mailbox *m, enum stmt_id id)
{
	sqlite3_stmt *s = m->stmts[id];

	if (s == NULL) {
		if (sqlite3_prepare_v3(m->db, stmt_sql[id], -1, SQLITE_PREPARE_PERSISTENT, &s, NULL) !=
		    SQLITE_OK) {
			mapistore_set_error(&m->base, "sqlite3: prepare: %s", sqlite3_errmsg(m->db));
			return NULL;
		}
		m->stmts[id] = s;
	} else {
		sqlite3_reset(s);
		sqlite3_clear_bindings(s);
	}
	return s;
}

static void bind_id(sqlite3_stmt *s, int i, uint64_t id)
{
	sqlite3_bind_int64(s, i, (sqlite3_int64)id);
}

static uint64_t col_id(sqlite3_stmt *s, int i)
{
	return (uint64_t)sqlite3_column_int64(s, i);
}

/* Step a statement that returns no rows. */
static enum MAPISTATUS run(struct sqlite_mailbox *m, sqlite3_stmt *s, const char *what)
{
	int rc = sqlite3_step(s);

	sqlite3_reset(s);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		return map_sqlite_error(m, rc, what);
	return MAPI_E_SUCCESS;
}

#define STMT(m, id) do { s = stmt((m), (id)); if (s == NULL) return MAPI_E_CALL_FAILED; } while (0)

/* --- open / schema --------------------------------------------------------------- */

static int sqlite_mailbox_destructor(struct sqlite_mailbox *m)
{
	for (int i = 0; i < ST_COUNT; i++)
		sqlite3_finalize(m->stmts[i]);
	if (m->db)
		sqlite3_close(m->db);
	return 0;
}

static enum MAPISTATUS exec_sql(struct sqlite_mailbox *m, const char *sql, const char *what)
{
	int rc = sqlite3_exec(m->db, sql, NULL, NULL, NULL);

	return rc == SQLITE_OK ? MAPI_E_SUCCESS : map_sqlite_error(m, rc, what);
}

static enum MAPISTATUS check_schema(struct sqlite_mailbox *m)
{
	sqlite3_stmt *s = NULL;
	enum MAPISTATUS ret;
	int rc, tables;

	rc = sqlite3_prepare_v2(m->db, "SELECT count(*) FROM sqlite_master", -1, &s, NULL);
	if (rc != SQLITE_OK)
		return map_sqlite_error(m, rc, "reading the schema");
	rc = sqlite3_step(s);
	tables = rc == SQLITE_ROW ? sqlite3_column_int(s, 0) : -1;
	sqlite3_finalize(s);
	if (tables < 0)
		return map_sqlite_error(m, rc, "reading the schema");
	if (tables == 0) {
		ret = exec_sql(m, "BEGIN IMMEDIATE", "creating the schema");
		if (ret != MAPI_E_SUCCESS)
			return ret;
		ret = exec_sql(m, schema_sql, "creating the schema");
		if (ret != MAPI_E_SUCCESS) {
			sqlite3_exec(m->db, "ROLLBACK", NULL, NULL, NULL);
			return ret;
		}
		return exec_sql(m, "COMMIT", "creating the schema");
	}
	rc = sqlite3_prepare_v2(m->db, "SELECT version FROM schema_version", -1, &s, NULL);
	if (rc != SQLITE_OK) {
		mapistore_set_error(&m->base, "sqlite3: not a mailbox database (no schema_version table)");
		return MAPI_E_CORRUPT_DATA;
	}
	rc = sqlite3_step(s);
	if (rc != SQLITE_ROW) {
		sqlite3_finalize(s);
		mapistore_set_error(&m->base, "sqlite3: schema_version is empty");
		return MAPI_E_CORRUPT_DATA;
	}
	rc = sqlite3_column_int(s, 0);
	sqlite3_finalize(s);
	if (rc != SCHEMA_VERSION) {
		mapistore_set_error(&m->base,
				    "sqlite3: mailbox schema version %d, this mapistore knows version %d",
				    rc, SCHEMA_VERSION);
		return MAPI_E_VERSION;
	}
	return exec_sql(m, PER_USER_SQL, "adding the per-user table");
}

static enum MAPISTATUS sqlite_open(TALLOC_CTX *mem_ctx, const char *path, uint32_t flags,
				   struct mapistore_context **out, char **error)
{
	struct sqlite_mailbox *m;
	struct stat st;
	enum MAPISTATUS ret;
	sqlite3_stmt *s = NULL;
	int rc;

	if (path == NULL || *path == '\0')
		return MAPI_E_INVALID_PARAMETER;
	if (!(flags & MAPISTORE_OPEN_CREATE) && stat(path, &st) != 0) {
		if (error)
			*error = talloc_asprintf(mem_ctx, "sqlite3: %s: %s", path, strerror(errno));
		return MAPI_E_NOT_FOUND;
	}
	m = talloc_zero(mem_ctx, struct sqlite_mailbox);
	if (m == NULL)
		return MAPI_E_NOT_ENOUGH_MEMORY;
	m->base.backend = &mapistore_backend_sqlite3;
	talloc_set_destructor(m, sqlite_mailbox_destructor);
	rc = sqlite3_open_v2(path, &m->db,
			     SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX |
			     ((flags & MAPISTORE_OPEN_CREATE) ? SQLITE_OPEN_CREATE : 0), NULL);
	if (rc != SQLITE_OK) {
		ret = map_sqlite_error(m, rc, path);
		goto fail;
	}
	sqlite3_busy_timeout(m->db, BUSY_TIMEOUT_MS);
	/* only a new, empty database takes it; see PAGE_SIZE */
	ret = exec_sql(m, "PRAGMA page_size=" PAGE_SIZE, "page_size");
	if (ret != MAPI_E_SUCCESS)
		goto fail;
	/* WAL + FULL: each COMMIT fsyncs the WAL before returning. */
	rc = sqlite3_prepare_v2(m->db, "PRAGMA journal_mode=WAL", -1, &s, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(s);
	if (rc != SQLITE_ROW || strcmp((const char *)sqlite3_column_text(s, 0), "wal") != 0) {
		ret = rc == SQLITE_ROW ? MAPI_E_NO_SUPPORT : map_sqlite_error(m, rc, "journal_mode=WAL");
		if (rc == SQLITE_ROW)
			mapistore_set_error(&m->base, "sqlite3: %s cannot use WAL", path);
		sqlite3_finalize(s);
		goto fail;
	}
	sqlite3_finalize(s);
	ret = exec_sql(m, "PRAGMA synchronous=FULL", "synchronous=FULL");
	if (ret != MAPI_E_SUCCESS)
		goto fail;
	/*
	 * Reads through a shared memory map instead of each connection's own
	 * page cache: table scans cost no read() per page, and the pages are the
	 * kernel's, shared by every session of the mailbox, not heap per
	 * context. The page cache then only holds pages being written.
	 */
	ret = exec_sql(m, "PRAGMA mmap_size=" MMAP_SIZE "; PRAGMA cache_size=" CACHE_SIZE
		       "; PRAGMA wal_autocheckpoint=" WAL_AUTOCHECKPOINT, "mmap_size");
	if (ret != MAPI_E_SUCCESS)
		goto fail;
	ret = check_schema(m);
	if (ret != MAPI_E_SUCCESS)
		goto fail;
	*out = &m->base;
	return MAPI_E_SUCCESS;
fail:
	if (error)
		*error = talloc_strdup(mem_ctx, m->base.last_error ? m->base.last_error : "sqlite3: open failed");
	talloc_free(m);
	return ret;
}

/* --- transactions ------------------------------------------------------------------ */

static enum MAPISTATUS sqlite_begin(struct mapistore_context *ctx)
{
	struct sqlite_mailbox *m = sq(ctx);
	sqlite3_stmt *s;

	STMT(m, ST_BEGIN);
	return run(m, s, "BEGIN");
}

static enum MAPISTATUS sqlite_commit(struct mapistore_context *ctx)
{
	struct sqlite_mailbox *m = sq(ctx);
	sqlite3_stmt *s;

	STMT(m, ST_COMMIT);
	return run(m, s, "COMMIT");
}

static void sqlite_rollback(struct mapistore_context *ctx)
{
	struct sqlite_mailbox *m = sq(ctx);
	sqlite3_stmt *s = stmt(m, ST_ROLLBACK);

	if (s)
		run(m, s, "ROLLBACK");
}

static enum MAPISTATUS sqlite_read_begin(struct mapistore_context *ctx)
{
	struct sqlite_mailbox *m = sq(ctx);
	sqlite3_stmt *s;

	STMT(m, ST_READ_BEGIN);
	return run(m, s, "BEGIN");
}

static void sqlite_read_end(struct mapistore_context *ctx)
{
	struct sqlite_mailbox *m = sq(ctx);
	sqlite3_stmt *s = stmt(m, ST_COMMIT);

	if (s)
		run(m, s, "COMMIT");
}

static enum MAPISTATUS sqlite_savepoint(struct mapistore_context *ctx)
{
	struct sqlite_mailbox *m = sq(ctx);
	sqlite3_stmt *s;

	STMT(m, ST_SAVEPOINT);
	return run(m, s, "SAVEPOINT");
}

static enum MAPISTATUS sqlite_release(struct mapistore_context *ctx)
{
	struct sqlite_mailbox *m = sq(ctx);
	sqlite3_stmt *s;

	STMT(m, ST_RELEASE);
	return run(m, s, "RELEASE");
}

static void sqlite_rollback_savepoint(struct mapistore_context *ctx)
{
	struct sqlite_mailbox *m = sq(ctx);
	sqlite3_stmt *s = stmt(m, ST_ROLLBACK_TO);

	if (s)
		run(m, s, "ROLLBACK TO");
	s = stmt(m, ST_RELEASE);
	if (s)
		run(m, s, "RELEASE");
}

/* --- mailbox ---------------------------------------------------------------------- */

static enum MAPISTATUS sqlite_mailbox_load(struct mapistore_context *ctx,
					   struct mapistore_mailbox_info *info)
{
	struct sqlite_mailbox *m = sq(ctx);
	sqlite3_stmt *s;
	int rc;

	STMT(m, ST_MAILBOX_LOAD);
	rc = sqlite3_step(s);
	if (rc == SQLITE_DONE) {
		sqlite3_reset(s);
		return MAPI_E_NOT_FOUND;
	}
	if (rc != SQLITE_ROW)
		return map_sqlite_error(m, rc, "loading the mailbox");
	memset(info, 0, sizeof(*info));
	info->replica_id = (uint16_t)sqlite3_column_int(s, 0);
	if (sqlite3_column_bytes(s, 1) != 16 || sqlite3_column_bytes(s, 2) != 16) {
		sqlite3_reset(s);
		mapistore_set_error(ctx, "sqlite3: mailbox GUIDs are not 16 bytes");
		return MAPI_E_CORRUPT_DATA;
	}
	memcpy(info->replica_guid, sqlite3_column_blob(s, 1), 16);
	memcpy(info->mailbox_guid, sqlite3_column_blob(s, 2), 16);
	{
		const uint8_t *p = sqlite3_column_blob(s, 3);
		int n = sqlite3_column_bytes(s, 3) / 8;

		for (int i = 0; i < n && i < MAPISTORE_SPECIAL_FOLDER_COUNT; i++)
			for (int b = 0; b < 8; b++)
				info->special[i] |= (uint64_t)p[i * 8 + b] << (8 * b);
	}
	sqlite3_reset(s);
	return MAPI_E_SUCCESS;
}

static enum MAPISTATUS sqlite_mailbox_store(struct mapistore_context *ctx,
					    const struct mapistore_mailbox_info *info)
{
	struct sqlite_mailbox *m = sq(ctx);
	struct mapistore_mailbox_info old;
	uint8_t special[8 * MAPISTORE_SPECIAL_FOLDER_COUNT];
	sqlite3_stmt *s;
	bool exists = sqlite_mailbox_load(ctx, &old) == MAPI_E_SUCCESS;

	for (int i = 0; i < MAPISTORE_SPECIAL_FOLDER_COUNT; i++)
		for (int b = 0; b < 8; b++)
			special[i * 8 + b] = (uint8_t)(info->special[i] >> (8 * b));
	STMT(m, exists ? ST_MAILBOX_UPDATE : ST_MAILBOX_INSERT);
	sqlite3_bind_int(s, 1, info->replica_id);
	sqlite3_bind_blob(s, 2, info->replica_guid, 16, SQLITE_STATIC);
	sqlite3_bind_blob(s, 3, info->mailbox_guid, 16, SQLITE_STATIC);
	sqlite3_bind_blob(s, 4, special, sizeof(special), SQLITE_STATIC);
	return run(m, s, "storing the mailbox");
}

static enum MAPISTATUS sqlite_globcnt_reserve(struct mapistore_context *ctx, uint64_t count,
					      uint64_t *first)
{
	struct sqlite_mailbox *m = sq(ctx);
	sqlite3_stmt *s;
	uint64_t next;
	int rc;

	STMT(m, ST_GLOBCNT_GET);
	rc = sqlite3_step(s);
	if (rc != SQLITE_ROW) {
		sqlite3_reset(s);
		return rc == SQLITE_DONE ? MAPI_E_NOT_INITIALIZED : map_sqlite_error(m, rc, "counter");
	}
	next = (uint64_t)sqlite3_column_int64(s, 0);
	sqlite3_reset(s);
	if (next + count > OXCDATA_GLOBCNT_MAX) {
		mapistore_set_error(ctx, "sqlite3: the mailbox's 48-bit global counter is exhausted");
		return MAPI_E_NOT_ENOUGH_RESOURCES;
	}
	STMT(m, ST_GLOBCNT_SET);
	sqlite3_bind_int64(s, 1, (sqlite3_int64)(next + count));
	*first = next;
	return run(m, s, "counter");
}

/* --- blobs ------------------------------------------------------------------------ */

/*
 * A row's two property blobs: `props` as mapistore_propbag_encode writes it,
 * `big` the values it set apart, as entries of tag (4 bytes LE), length (4
 * bytes LE) and the value's stored bytes.
 */
struct row_blobs {
	uint8_t *props;
	size_t props_len;
	uint8_t *big;		/* NULL when no value is big */
	size_t big_len;
};

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

static enum MAPISTATUS encode_bag(TALLOC_CTX *mem_ctx, const struct mapistore_propbag *bag,
				  struct row_blobs *out)
{
	struct mapistore_external *ext;
	uint32_t next;
	enum MAPISTATUS ret;
	size_t total = 0, off = 0;

	memset(out, 0, sizeof(*out));
	ret = mapistore_propbag_encode(mem_ctx, bag, SQLITE_INLINE_MAX, &out->props, &out->props_len,
				       &next, &ext);
	if (ret != MAPI_E_SUCCESS || next == 0)
		return ret;
	for (uint32_t i = 0; i < next; i++)
		total += 8 + ext[i].len;
	out->big = talloc_array(mem_ctx, uint8_t, total);
	if (out->big == NULL) {
		talloc_free(ext);
		return MAPI_E_NOT_ENOUGH_MEMORY;
	}
	for (uint32_t i = 0; i < next; i++) {
		put32(out->big + off, ext[i].tag);
		put32(out->big + off + 4, ext[i].len);
		memcpy(out->big + off + 8, ext[i].data, ext[i].len);
		off += 8 + ext[i].len;
	}
	out->big_len = total;
	talloc_free(ext);
	return MAPI_E_SUCCESS;
}

/* The bytes of tag's value in a `big` blob. */
static bool big_find(const uint8_t *big, size_t len, uint32_t tag, const uint8_t **data, uint32_t *dlen)
{
	size_t off = 0;

	while (off + 8 <= len) {
		uint32_t t = big[off] | big[off + 1] << 8 | big[off + 2] << 16 | (uint32_t)big[off + 3] << 24;
		uint32_t l = big[off + 4] | big[off + 5] << 8 | big[off + 6] << 16 | (uint32_t)big[off + 7] << 24;

		if (l > len - off - 8)
			return false;
		if (t == tag) {
			*data = big + off + 8;
			*dlen = l;
			return true;
		}
		off += 8 + l;
	}
	return false;
}

/* Decode a row's blobs into a bag. */
static enum MAPISTATUS blob_to_bag(struct sqlite_mailbox *m, TALLOC_CTX *mem_ctx, uint64_t owner,
				   const uint8_t *blob, size_t len, const uint8_t *big, size_t big_len,
				   struct mapistore_propbag **out)
{
	struct mapistore_propbag *bag = mapistore_propbag_new(mem_ctx);
	struct mapistore_blob_entry e;
	size_t off = 0;

	if (bag == NULL)
		return MAPI_E_NOT_ENOUGH_MEMORY;
	while (off < len) {
		TALLOC_CTX *tmp;
		struct mapi_propval pv;
		const uint8_t *data;
		uint32_t dlen;
		enum MAPISTATUS ret;

		if (!mapistore_blob_next(blob, len, &off, &e)) {
			talloc_free(bag);
			mapistore_set_error(&m->base, "sqlite3: malformed property blob of 0x%016llx",
					    (unsigned long long)owner);
			return MAPI_E_CORRUPT_DATA;
		}
		data = e.data;
		dlen = e.len;
		if (e.external && !big_find(big, big_len, e.tag, &data, &dlen)) {
			talloc_free(bag);
			mapistore_set_error(&m->base, "sqlite3: large value 0x%08x of 0x%016llx missing",
					    e.tag, (unsigned long long)owner);
			return MAPI_E_CORRUPT_DATA;
		}
		tmp = talloc_new(NULL);
		ret = tmp ? mapistore_value_decode(tmp, e.tag, data, dlen, &pv) : MAPI_E_NOT_ENOUGH_MEMORY;
		if (ret == MAPI_E_SUCCESS)
			ret = mapistore_propbag_set(bag, &pv);
		talloc_free(tmp);
		if (ret != MAPI_E_SUCCESS) {
			talloc_free(bag);
			return ret;
		}
	}
	*out = bag;
	return MAPI_E_SUCCESS;
}

/* A copy of a blob column (the statement is reset before decoding runs others). */
static uint8_t *column_copy(TALLOC_CTX *mem_ctx, sqlite3_stmt *s, int col, size_t *len)
{
	const void *p = sqlite3_column_blob(s, col);

	*len = (size_t)sqlite3_column_bytes(s, col);
	return talloc_memdup(mem_ctx, p ? p : "", *len ? *len : 1);
}

static enum MAPISTATUS sqlite_external_load(struct mapistore_context *ctx, TALLOC_CTX *mem_ctx,
					    enum mapistore_object_kind kind, uint64_t id, uint32_t tag,
					    uint8_t **data, uint32_t *len)
{
	struct sqlite_mailbox *m = sq(ctx);
	const uint8_t *p;
	sqlite3_stmt *s;
	int rc;

	STMT(m, kind == MAPISTORE_OBJECT_FOLDER ? ST_BIG_FOLDER :
		kind == MAPISTORE_OBJECT_MESSAGE ? ST_BIG_MESSAGE : ST_BIG_ATTACHMENT);
	bind_id(s, 1, id);
	rc = sqlite3_step(s);
	if (rc != SQLITE_ROW) {
		sqlite3_reset(s);
		return rc == SQLITE_DONE ? MAPI_E_NOT_FOUND : map_sqlite_error(m, rc, "reading a large value");
	}
	if (!big_find(sqlite3_column_blob(s, 0), (size_t)sqlite3_column_bytes(s, 0), tag, &p, len)) {
		sqlite3_reset(s);
		mapistore_set_error(ctx, "sqlite3: large value 0x%08x missing", tag);
		return MAPI_E_CORRUPT_DATA;
	}
	*data = talloc_memdup(mem_ctx, *len ? p : (const uint8_t *)"", *len ? *len : 1);
	sqlite3_reset(s);
	return *data ? MAPI_E_SUCCESS : MAPI_E_NOT_ENOUGH_MEMORY;
}

/* --- folders ------------------------------------------------------------------------ */

static enum MAPISTATUS sqlite_folder_load(struct mapistore_context *ctx, TALLOC_CTX *mem_ctx,
					  uint64_t fid, struct mapistore_folder_record **out)
{
	struct sqlite_mailbox *m = sq(ctx);
	struct mapistore_folder_record *rec;
	enum MAPISTATUS ret;
	sqlite3_stmt *s;
	uint8_t *props, *big;
	size_t plen, blen;
	int rc;

	STMT(m, ST_FOLDER_LOAD);
	bind_id(s, 1, fid);
	rc = sqlite3_step(s);
	if (rc != SQLITE_ROW) {
		sqlite3_reset(s);
		return rc == SQLITE_DONE ? MAPI_E_NOT_FOUND : map_sqlite_error(m, rc, "loading a folder");
	}
	rec = talloc_zero(mem_ctx, struct mapistore_folder_record);
	if (rec == NULL) {
		sqlite3_reset(s);
		return MAPI_E_NOT_ENOUGH_MEMORY;
	}
	rec->fid = fid;
	rec->parent_fid = col_id(s, 0);
	rec->name = talloc_strdup(rec, (const char *)sqlite3_column_text(s, 1));
	rec->folder_type = (uint32_t)sqlite3_column_int(s, 2);
	rec->cn = col_id(s, 3);
	props = column_copy(rec, s, 4, &plen);
	big = column_copy(rec, s, 5, &blen);
	sqlite3_reset(s);
	if (props == NULL || big == NULL || rec->name == NULL) {
		talloc_free(rec);
		return MAPI_E_NOT_ENOUGH_MEMORY;
	}
	ret = blob_to_bag(m, rec, fid, props, plen, big, blen, &rec->props);
	talloc_free(props);
	talloc_free(big);
	if (ret != MAPI_E_SUCCESS) {
		talloc_free(rec);
		return ret;
	}
	*out = rec;
	return MAPI_E_SUCCESS;
}

static enum MAPISTATUS folder_write(struct mapistore_context *ctx,
				    const struct mapistore_folder_record *rec, bool insert)
{
	struct sqlite_mailbox *m = sq(ctx);
	TALLOC_CTX *tmp = talloc_new(NULL);
	struct row_blobs blobs;
	enum MAPISTATUS ret;
	sqlite3_stmt *s;
	int rc;

	if (tmp == NULL)
		return MAPI_E_NOT_ENOUGH_MEMORY;
	ret = encode_bag(tmp, rec->props, &blobs);
	if (ret != MAPI_E_SUCCESS) {
		talloc_free(tmp);
		return ret;
	}
	s = stmt(m, insert ? ST_FOLDER_INSERT : ST_FOLDER_UPDATE);
	if (s == NULL) {
		talloc_free(tmp);
		return MAPI_E_CALL_FAILED;
	}
	bind_id(s, 1, rec->fid);
	bind_id(s, 2, rec->parent_fid);
	sqlite3_bind_text(s, 3, rec->name, -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 4, (int)rec->folder_type);
	bind_id(s, 5, rec->cn);
	sqlite3_bind_blob(s, 6, blobs.props, (int)blobs.props_len, SQLITE_STATIC);
	if (blobs.big)
		sqlite3_bind_blob(s, 7, blobs.big, (int)blobs.big_len, SQLITE_STATIC);
	rc = sqlite3_step(s);
	sqlite3_reset(s);
	talloc_free(tmp);
	if (rc != SQLITE_DONE) {
		ret = map_sqlite_error(m, rc, insert ? "creating a folder" : "updating a folder");
		if (ret == MAPI_E_COLLISION)
			mapistore_set_error(ctx, "a folder named \"%s\" already exists there", rec->name);
		return ret;
	}
	return MAPI_E_SUCCESS;
}

static enum MAPISTATUS sqlite_folder_insert(struct mapistore_context *ctx,
					    const struct mapistore_folder_record *rec)
{
	return folder_write(ctx, rec, true);
}

static enum MAPISTATUS sqlite_folder_update(struct mapistore_context *ctx,
					    const struct mapistore_folder_record *rec)
{
	return folder_write(ctx, rec, false);
}

static enum MAPISTATUS sqlite_folder_remove(struct mapistore_context *ctx, uint64_t fid)
{
	struct sqlite_mailbox *m = sq(ctx);
	sqlite3_stmt *s;

	STMT(m, ST_FOLDER_DELETE);
	bind_id(s, 1, fid);
	return run(m, s, "deleting a folder");
}

static enum MAPISTATUS sqlite_folder_find_child(struct mapistore_context *ctx, uint64_t parent,
						const char *name, uint64_t *fid)
{
	struct sqlite_mailbox *m = sq(ctx);
	sqlite3_stmt *s;
	int rc;

	STMT(m, ST_FOLDER_FIND);
	bind_id(s, 1, parent);
	sqlite3_bind_text(s, 2, name, -1, SQLITE_STATIC);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		*fid = col_id(s, 0);
	sqlite3_reset(s);
	if (rc == SQLITE_ROW)
		return MAPI_E_SUCCESS;
	return rc == SQLITE_DONE ? MAPI_E_NOT_FOUND : map_sqlite_error(m, rc, "finding a folder");
}

/* All ids a one-column statement returns. */
static enum MAPISTATUS collect_ids(struct sqlite_mailbox *m, sqlite3_stmt *s, TALLOC_CTX *mem_ctx,
				   uint32_t *count, uint64_t **ids)
{
	uint32_t n = 0, alloc = 64;
	uint64_t *v = talloc_array(mem_ctx, uint64_t, alloc);
	int rc;

	if (v == NULL)
		return MAPI_E_NOT_ENOUGH_MEMORY;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if (n == alloc) {
			uint64_t *nv;

			alloc *= 2;
			nv = talloc_realloc(mem_ctx, v, uint64_t, alloc);
			if (nv == NULL) {
				talloc_free(v);
				sqlite3_reset(s);
				return MAPI_E_NOT_ENOUGH_MEMORY;
			}
			v = nv;
		}
		v[n++] = col_id(s, 0);
	}
	sqlite3_reset(s);
	if (rc != SQLITE_DONE) {
		talloc_free(v);
		return map_sqlite_error(m, rc, "listing");
	}
	*count = n;
	*ids = v;
	return MAPI_E_SUCCESS;
}

static enum MAPISTATUS sqlite_folder_children(struct mapistore_context *ctx, TALLOC_CTX *mem_ctx,
					      uint64_t fid, uint32_t *count, uint64_t **fids)
{
	struct sqlite_mailbox *m = sq(ctx);
	sqlite3_stmt *s;

	STMT(m, ST_FOLDER_CHILDREN);
	bind_id(s, 1, fid);
	return collect_ids(m, s, mem_ctx, count, fids);
}

static enum MAPISTATUS sqlite_folder_counts(struct mapistore_context *ctx, uint64_t fid,
					    struct mapistore_folder_counts *c)
{
	struct sqlite_mailbox *m = sq(ctx);
	sqlite3_stmt *s;
	int rc;

	memset(c, 0, sizeof(*c));
	STMT(m, ST_FOLDER_COUNTS);
	bind_id(s, 1, fid);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		c->content = (uint32_t)sqlite3_column_int64(s, 0);
		c->unread = (uint32_t)sqlite3_column_int64(s, 1);
		c->associated = (uint32_t)sqlite3_column_int64(s, 2);
		c->deleted = (uint32_t)sqlite3_column_int64(s, 3);
		c->size = (uint64_t)sqlite3_column_int64(s, 4);
	}
	sqlite3_reset(s);
	if (rc != SQLITE_ROW)
		return rc == SQLITE_DONE ? MAPI_E_NOT_FOUND : map_sqlite_error(m, rc, "counting messages");
	STMT(m, ST_FOLDER_COUNT_CHILDREN);
	bind_id(s, 1, fid);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		c->children = (uint32_t)sqlite3_column_int64(s, 0);
	sqlite3_reset(s);
	return rc == SQLITE_ROW ? MAPI_E_SUCCESS : map_sqlite_error(m, rc, "counting folders");
}

/*
 * Add (sign 1) or take away (sign -1) a message from its folder's counts;
 * embedded messages count nowhere. This also moves the folder's version.
 */
static enum MAPISTATUS account(struct sqlite_mailbox *m, uint64_t fid, uint8_t list, uint32_t flags,
			       uint32_t size, int sign)
{
	sqlite3_stmt *s;
	bool normal = list == MAPISTORE_LIST_NORMAL, assoc = list == MAPISTORE_LIST_ASSOCIATED;

	if (fid == 0 || list == MAPISTORE_LIST_EMBEDDED)
		return MAPI_E_SUCCESS;
	STMT(m, ST_FOLDER_ACCOUNT);
	bind_id(s, 1, fid);
	sqlite3_bind_int(s, 2, normal ? sign : 0);
	sqlite3_bind_int(s, 3, normal && !(flags & MAPISTORE_MSGFLAG_READ) ? sign : 0);
	sqlite3_bind_int(s, 4, assoc ? sign : 0);
	sqlite3_bind_int(s, 5, !normal && !assoc ? sign : 0);
	sqlite3_bind_int64(s, 6, normal || assoc ? sign * (int64_t)size : 0);
	return run(m, s, "counting a message");
}

static enum MAPISTATUS sqlite_folder_touch(struct mapistore_context *ctx, uint64_t fid,
					   uint32_t ancestors)
{
	struct sqlite_mailbox *m = sq(ctx);
	sqlite3_stmt *s;

	STMT(m, ST_FOLDER_TOUCH);
	bind_id(s, 1, fid);
	sqlite3_bind_int64(s, 2, ancestors);
	return run(m, s, "touching a folder");
}

static enum MAPISTATUS sqlite_folder_version(struct mapistore_context *ctx, uint64_t fid,
					     uint64_t *version)
{
	struct sqlite_mailbox *m = sq(ctx);
	sqlite3_stmt *s;
	int rc;

	STMT(m, ST_FOLDER_VERSION);
	bind_id(s, 1, fid);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		*version = (uint64_t)sqlite3_column_int64(s, 0);
	sqlite3_reset(s);
	if (rc == SQLITE_ROW)
		return MAPI_E_SUCCESS;
	return rc == SQLITE_DONE ? MAPI_E_NOT_FOUND : map_sqlite_error(m, rc, "folder version");
}

/* --- messages ------------------------------------------------------------------------ */

/* Recipients in the message row: row id (4 bytes LE), blob length (4 bytes LE), blob. */
static enum MAPISTATUS decode_recipients(struct mapistore_message_record *rec, const uint8_t *p, size_t len)
{
	size_t off = 0;

	while (off + 8 <= len) {
		uint32_t row_id = p[off] | p[off + 1] << 8 | p[off + 2] << 16 | (uint32_t)p[off + 3] << 24;
		uint32_t blen = p[off + 4] | p[off + 5] << 8 | p[off + 6] << 16 | (uint32_t)p[off + 7] << 24;
		const uint8_t *b = p + off + 8;
		struct mapistore_recipient *r;
		struct mapistore_blob_entry e;
		size_t boff = 0;
		uint32_t k = 0;

		if (blen > len - off - 8)
			return MAPI_E_CORRUPT_DATA;
		r = talloc_realloc(rec, rec->recipients, struct mapistore_recipient, rec->recipient_count + 1);
		if (r == NULL)
			return MAPI_E_NOT_ENOUGH_MEMORY;
		rec->recipients = r;
		r = &rec->recipients[rec->recipient_count++];
		r->row_id = row_id;
		r->count = 0;
		while (boff < blen && mapistore_blob_next(b, blen, &boff, &e))
			k++;
		r->props = talloc_zero_array(rec->recipients, struct mapi_propval, k ? k : 1);
		if (r->props == NULL)
			return MAPI_E_NOT_ENOUGH_MEMORY;
		boff = 0;
		while (boff < blen && mapistore_blob_next(b, blen, &boff, &e)) {
			enum MAPISTATUS ret;

			if (e.external)
				return MAPI_E_CORRUPT_DATA;
			ret = mapistore_value_decode(r->props, e.tag, e.data, e.len, &r->props[r->count]);
			if (ret != MAPI_E_SUCCESS)
				return ret;
			r->count++;
		}
		off += 8 + blen;
	}
	return off == len ? MAPI_E_SUCCESS : MAPI_E_CORRUPT_DATA;
}

static enum MAPISTATUS encode_recipients(TALLOC_CTX *mem_ctx, const struct mapistore_message_record *rec,
					 uint8_t **out, size_t *out_len)
{
	uint8_t *buf = NULL;
	size_t len = 0;

	for (uint32_t i = 0; i < rec->recipient_count; i++) {
		struct mapistore_propbag bag = {
			.count = rec->recipients[i].count, .props = rec->recipients[i].props,
		};
		struct mapistore_external *ext;
		uint8_t *blob, *nb;
		size_t blen;
		uint32_t next;
		enum MAPISTATUS ret;

		ret = mapistore_propbag_encode(mem_ctx, &bag, UINT32_MAX - 1, &blob, &blen, &next, &ext);
		if (ret != MAPI_E_SUCCESS)
			return ret;
		nb = talloc_realloc(mem_ctx, buf, uint8_t, len + 8 + blen);
		if (nb == NULL)
			return MAPI_E_NOT_ENOUGH_MEMORY;
		buf = nb;
		put32(buf + len, rec->recipients[i].row_id);
		put32(buf + len + 4, (uint32_t)blen);
		memcpy(buf + len + 8, blob, blen);
		len += 8 + blen;
		talloc_free(blob);
	}
	*out = buf;
	*out_len = len;
	return MAPI_E_SUCCESS;
}

static enum MAPISTATUS message_load_into(struct sqlite_mailbox *m, TALLOC_CTX *mem_ctx,
					 uint64_t mid, struct mapistore_message_record **out)
{
	struct mapistore_message_record *rec;
	enum MAPISTATUS ret;
	sqlite3_stmt *s;
	uint8_t *props, *recips, *big;
	size_t plen, rlen, blen;
	int rc;

	STMT(m, ST_MESSAGE_LOAD);
	bind_id(s, 1, mid);
	rc = sqlite3_step(s);
	if (rc != SQLITE_ROW) {
		sqlite3_reset(s);
		return rc == SQLITE_DONE ? MAPI_E_NOT_FOUND : map_sqlite_error(m, rc, "loading a message");
	}
	rec = talloc_zero(mem_ctx, struct mapistore_message_record);
	if (rec == NULL) {
		sqlite3_reset(s);
		return MAPI_E_NOT_ENOUGH_MEMORY;
	}
	rec->mid = mid;
	rec->in_store = true;
	rec->fid = col_id(s, 0);
	rec->list = (uint8_t)sqlite3_column_int(s, 1);
	rec->cn = col_id(s, 2);
	rec->message_flags = (uint32_t)sqlite3_column_int64(s, 3);
	rec->message_size = (uint32_t)sqlite3_column_int64(s, 4);
	props = column_copy(rec, s, 5, &plen);
	recips = column_copy(rec, s, 6, &rlen);
	big = column_copy(rec, s, 7, &blen);
	sqlite3_reset(s);
	if (props == NULL || recips == NULL || big == NULL) {
		talloc_free(rec);
		return MAPI_E_NOT_ENOUGH_MEMORY;
	}
	ret = blob_to_bag(m, rec, mid, props, plen, big, blen, &rec->props);
	if (ret == MAPI_E_SUCCESS)
		ret = decode_recipients(rec, recips, rlen);
	talloc_free(props);
	talloc_free(recips);
	talloc_free(big);
	if (ret != MAPI_E_SUCCESS) {
		if (ret == MAPI_E_CORRUPT_DATA)
			mapistore_set_error(&m->base, "sqlite3: malformed recipients of 0x%016llx",
					    (unsigned long long)mid);
		goto fail;
	}

	/* the attachment list; their properties load on open */
	s = stmt(m, ST_ATTACH_LIST);
	if (s == NULL) {
		ret = MAPI_E_CALL_FAILED;
		goto fail;
	}
	bind_id(s, 1, mid);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct mapistore_attach_record *a;

		a = talloc_realloc(rec, rec->attachments, struct mapistore_attach_record,
				   rec->attach_count + 1);
		if (a == NULL) {
			ret = MAPI_E_NOT_ENOUGH_MEMORY;
			break;
		}
		rec->attachments = a;
		a = &rec->attachments[rec->attach_count++];
		memset(a, 0, sizeof(*a));
		a->db_id = sqlite3_column_int64(s, 0);
		a->num = (uint32_t)sqlite3_column_int64(s, 1);
		a->size = (uint32_t)sqlite3_column_int64(s, 2);
		if (a->num >= rec->next_attach_num)
			rec->next_attach_num = a->num + 1;
	}
	sqlite3_reset(s);
	if (ret != MAPI_E_SUCCESS)
		goto fail;
	if (rc != SQLITE_DONE) {
		ret = map_sqlite_error(m, rc, "listing attachments");
		goto fail;
	}
	*out = rec;
	return MAPI_E_SUCCESS;
fail:
	talloc_free(rec);
	return ret;
}

static enum MAPISTATUS sqlite_message_load(struct mapistore_context *ctx, TALLOC_CTX *mem_ctx,
					   uint64_t mid, struct mapistore_message_record **rec)
{
	return message_load_into(sq(ctx), mem_ctx, mid, rec);
}

static enum MAPISTATUS sqlite_attachment_load(struct mapistore_context *ctx, TALLOC_CTX *mem_ctx,
					      struct mapistore_attach_record *att)
{
	struct sqlite_mailbox *m = sq(ctx);
	enum MAPISTATUS ret;
	sqlite3_stmt *s;
	uint8_t *props, *big;
	size_t plen, blen;
	uint64_t emb;
	int rc;

	STMT(m, ST_ATTACH_LOAD);
	sqlite3_bind_int64(s, 1, att->db_id);
	rc = sqlite3_step(s);
	if (rc != SQLITE_ROW) {
		sqlite3_reset(s);
		return rc == SQLITE_DONE ? MAPI_E_NOT_FOUND : map_sqlite_error(m, rc, "loading an attachment");
	}
	props = column_copy(NULL, s, 0, &plen);
	big = column_copy(props, s, 1, &blen);
	sqlite3_reset(s);
	if (props == NULL || big == NULL) {
		talloc_free(props);
		return MAPI_E_NOT_ENOUGH_MEMORY;
	}
	ret = blob_to_bag(m, mem_ctx, (uint64_t)att->db_id, props, plen, big, blen, &att->props);
	talloc_free(props);
	if (ret != MAPI_E_SUCCESS)
		return ret;
	STMT(m, ST_MESSAGE_EMBEDDED);
	sqlite3_bind_int64(s, 1, att->db_id);
	rc = sqlite3_step(s);
	emb = rc == SQLITE_ROW ? col_id(s, 0) : 0;
	sqlite3_reset(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return map_sqlite_error(m, rc, "finding an embedded message");
	att->embedded = NULL;
	if (emb) {
		ret = message_load_into(m, mem_ctx, emb, &att->embedded);
		if (ret != MAPI_E_SUCCESS)
			return ret;
	}
	att->loaded = true;
	return MAPI_E_SUCCESS;
}

static enum MAPISTATUS message_remove(struct sqlite_mailbox *m, uint64_t mid);

/* Remove an attachment with its embedded message. */
static enum MAPISTATUS attachment_remove(struct sqlite_mailbox *m, int64_t attach_id)
{
	enum MAPISTATUS ret;
	sqlite3_stmt *s;
	uint64_t emb;
	int rc;

	STMT(m, ST_MESSAGE_EMBEDDED);
	sqlite3_bind_int64(s, 1, attach_id);
	rc = sqlite3_step(s);
	emb = rc == SQLITE_ROW ? col_id(s, 0) : 0;
	sqlite3_reset(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return map_sqlite_error(m, rc, "finding an embedded message");
	if (emb) {
		ret = message_remove(m, emb);
		if (ret != MAPI_E_SUCCESS)
			return ret;
	}
	STMT(m, ST_ATTACH_DELETE);
	sqlite3_bind_int64(s, 1, attach_id);
	return run(m, s, "deleting an attachment");
}

/* A stored message's place and counted state; MAPI_E_NOT_FOUND if none. */
static enum MAPISTATUS message_state(struct sqlite_mailbox *m, uint64_t mid, uint64_t *fid, uint8_t *list,
				     uint64_t *cn, uint32_t *flags, uint32_t *size)
{
	sqlite3_stmt *s;
	int rc;

	STMT(m, ST_MESSAGE_STATE);
	bind_id(s, 1, mid);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		if (fid) *fid = col_id(s, 0);
		if (list) *list = (uint8_t)sqlite3_column_int(s, 1);
		if (cn) *cn = col_id(s, 2);
		if (flags) *flags = (uint32_t)sqlite3_column_int64(s, 3);
		if (size) *size = (uint32_t)sqlite3_column_int64(s, 4);
	}
	sqlite3_reset(s);
	if (rc == SQLITE_ROW)
		return MAPI_E_SUCCESS;
	return rc == SQLITE_DONE ? MAPI_E_NOT_FOUND : map_sqlite_error(m, rc, "message state");
}

static enum MAPISTATUS message_remove(struct sqlite_mailbox *m, uint64_t mid)
{
	enum MAPISTATUS ret;
	sqlite3_stmt *s;
	uint32_t n = 0, flags, size;
	int64_t *atts = NULL;
	uint64_t fid;
	uint8_t list;
	int rc;

	ret = message_state(m, mid, &fid, &list, NULL, &flags, &size);
	if (ret == MAPI_E_NOT_FOUND)
		return MAPI_E_SUCCESS;
	if (ret == MAPI_E_SUCCESS)
		ret = account(m, fid, list, flags, size, -1);
	if (ret != MAPI_E_SUCCESS)
		return ret;
	/* attachments first (they may hold embedded messages) */
	s = stmt(m, ST_ATTACH_LIST);
	if (s == NULL)
		return MAPI_E_CALL_FAILED;
	bind_id(s, 1, mid);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		int64_t *na = talloc_realloc(NULL, atts, int64_t, n + 1);

		if (na == NULL) {
			sqlite3_reset(s);
			talloc_free(atts);
			return MAPI_E_NOT_ENOUGH_MEMORY;
		}
		atts = na;
		atts[n++] = sqlite3_column_int64(s, 0);
	}
	sqlite3_reset(s);
	for (uint32_t i = 0; ret == MAPI_E_SUCCESS && i < n; i++)
		ret = attachment_remove(m, atts[i]);
	talloc_free(atts);
	if (ret != MAPI_E_SUCCESS)
		return ret;
	STMT(m, ST_MESSAGE_DELETE);
	bind_id(s, 1, mid);
	return run(m, s, "deleting a message");
}

static enum MAPISTATUS sqlite_message_remove(struct mapistore_context *ctx, uint64_t mid)
{
	return message_remove(sq(ctx), mid);
}

/* The "hot" columns: properties kept in message columns of their own for SQL. */
struct hot_column {
	uint32_t tag;
	const char *column;
	int param;		/* ?N of ST_MESSAGE_UPSERT */
};

static const struct hot_column hot_columns[] = {
	{ TAG_MESSAGE_CLASS, "message_class", 8 },
	{ TAG_SUBJECT, "subject", 9 },
	{ TAG_SENDER_NAME, "sender_name", 10 },
	{ TAG_IMPORTANCE, "importance", 11 },
	{ TAG_DELIVERY_TIME, "delivery_time", 12 },
	{ TAG_SUBMIT_TIME, "submit_time", 13 },
	{ TAG_CREATION_TIME, "created", 14 },
	{ TAG_LAST_MODIFICATION_TIME, "last_modified", 15 },
	{ TAG_MESSAGE_FLAGS, "message_flags", 0 },
	{ TAG_MESSAGE_SIZE, "message_size", 0 },
};

static const struct hot_column *hot_column_of(uint32_t tag)
{
	uint16_t type = MAPI_PROP_TYPE(tag);

	for (size_t i = 0; i < sizeof(hot_columns) / sizeof(hot_columns[0]); i++) {
		uint16_t ht = MAPI_PROP_TYPE(hot_columns[i].tag);

		if (MAPI_PROP_ID(hot_columns[i].tag) != MAPI_PROP_ID(tag))
			continue;
		if (type == ht || (ht == PTYP_STRING && type == PTYP_STRING8))
			return &hot_columns[i];
	}
	return NULL;
}

static void bind_propval(sqlite3_stmt *s, int param, const struct mapi_propval *pv)
{
	if (pv == NULL) {
		sqlite3_bind_null(s, param);
		return;
	}
	switch (MAPI_PROP_TYPE(pv->tag)) {
	case PTYP_STRING:
	case PTYP_STRING8:
		sqlite3_bind_text(s, param, pv->value.string ? pv->value.string : "", -1, SQLITE_STATIC);
		break;
	case PTYP_INTEGER32:
		sqlite3_bind_int64(s, param, (int32_t)pv->value.i32);
		break;
	case PTYP_INTEGER16:
		sqlite3_bind_int64(s, param, (int16_t)pv->value.i16);
		break;
	case PTYP_TIME:
		sqlite3_bind_int64(s, param, (sqlite3_int64)pv->value.time);
		break;
	case PTYP_INTEGER64:
		sqlite3_bind_int64(s, param, (sqlite3_int64)pv->value.i64);
		break;
	case PTYP_BOOLEAN:
		sqlite3_bind_int(s, param, pv->value.boolean ? 1 : 0);
		break;
	default:
		sqlite3_bind_null(s, param);
		break;
	}
}

static enum MAPISTATUS message_store(struct sqlite_mailbox *m, struct mapistore_message_record *rec,
				     int64_t attach_id)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	struct row_blobs blobs;
	enum MAPISTATUS ret;
	sqlite3_stmt *s;
	uint8_t *recips;
	size_t rlen;
	uint32_t kept, old_flags, old_size;
	uint64_t old_fid;
	uint8_t old_list;

	if (tmp == NULL)
		return MAPI_E_NOT_ENOUGH_MEMORY;
	/* the counts: out with the stored state (a message never saved has none), in with the new */
	ret = !rec->in_store ? MAPI_E_NOT_FOUND :
	      message_state(m, rec->mid, &old_fid, &old_list, NULL, &old_flags, &old_size);
	if (ret == MAPI_E_SUCCESS)
		ret = account(m, old_fid, old_list, old_flags, old_size, -1);
	else if (ret == MAPI_E_NOT_FOUND)
		ret = MAPI_E_SUCCESS;
	if (ret == MAPI_E_SUCCESS)
		ret = account(m, rec->fid, rec->list, rec->message_flags, rec->message_size, 1);
	if (ret == MAPI_E_SUCCESS)
		ret = encode_bag(tmp, rec->props, &blobs);
	if (ret == MAPI_E_SUCCESS)
		ret = encode_recipients(tmp, rec, &recips, &rlen);
	if (ret != MAPI_E_SUCCESS)
		goto done;
	s = stmt(m, ST_MESSAGE_UPSERT);
	if (s == NULL) {
		ret = MAPI_E_CALL_FAILED;
		goto done;
	}
	bind_id(s, 1, rec->mid);
	bind_id(s, 2, rec->fid);
	sqlite3_bind_int64(s, 3, attach_id);
	sqlite3_bind_int(s, 4, rec->list);
	bind_id(s, 5, rec->cn);
	sqlite3_bind_int64(s, 6, rec->message_flags);
	sqlite3_bind_int64(s, 7, rec->message_size);
	for (size_t i = 0; i < sizeof(hot_columns) / sizeof(hot_columns[0]); i++)
		if (hot_columns[i].param)
			bind_propval(s, hot_columns[i].param,
				     mapistore_propbag_find(rec->props, hot_columns[i].tag));
	sqlite3_bind_blob(s, 16, blobs.props, (int)blobs.props_len, SQLITE_STATIC);
	if (rlen)
		sqlite3_bind_blob(s, 17, recips, (int)rlen, SQLITE_STATIC);
	if (blobs.big)
		sqlite3_bind_blob(s, 18, blobs.big, (int)blobs.big_len, SQLITE_STATIC);
	ret = run(m, s, "storing a message");
	if (ret != MAPI_E_SUCCESS)
		goto done;
	rec->recipients_dirty = false;
	rec->in_store = true;

	kept = 0;
	for (uint32_t i = 0; i < rec->attach_count; i++) {
		struct mapistore_attach_record *a = &rec->attachments[i];

		if (a->deleted) {
			if (a->db_id) {
				ret = attachment_remove(m, a->db_id);
				if (ret != MAPI_E_SUCCESS)
					goto done;
			}
			continue;
		}
		if (a->dirty || a->db_id == 0) {
			struct mapistore_propbag empty = { 0 };

			ret = encode_bag(tmp, a->props ? a->props : &empty, &blobs);
			if (ret != MAPI_E_SUCCESS)
				goto done;
			if (a->db_id == 0) {
				STMT(m, ST_ATTACH_INSERT);
				bind_id(s, 1, rec->mid);
				sqlite3_bind_int64(s, 2, a->num);
				sqlite3_bind_blob(s, 3, blobs.props, (int)blobs.props_len, SQLITE_STATIC);
				if (blobs.big)
					sqlite3_bind_blob(s, 4, blobs.big, (int)blobs.big_len, SQLITE_STATIC);
				ret = run(m, s, "storing an attachment");
				if (ret != MAPI_E_SUCCESS)
					goto done;
				a->db_id = sqlite3_last_insert_rowid(m->db);
			} else {
				STMT(m, ST_ATTACH_UPDATE);
				sqlite3_bind_int64(s, 1, a->db_id);
				sqlite3_bind_blob(s, 2, blobs.props, (int)blobs.props_len, SQLITE_STATIC);
				if (blobs.big)
					sqlite3_bind_blob(s, 3, blobs.big, (int)blobs.big_len, SQLITE_STATIC);
				ret = run(m, s, "storing an attachment");
				if (ret != MAPI_E_SUCCESS)
					goto done;
			}
			if (a->embedded) {
				uint64_t old = 0;
				int rc;

				STMT(m, ST_MESSAGE_EMBEDDED);
				sqlite3_bind_int64(s, 1, a->db_id);
				rc = sqlite3_step(s);
				if (rc == SQLITE_ROW)
					old = col_id(s, 0);
				sqlite3_reset(s);
				if (old && old != a->embedded->mid) {
					ret = message_remove(m, old);
					if (ret != MAPI_E_SUCCESS)
						goto done;
				}
				a->embedded->fid = 0;
				a->embedded->list = MAPISTORE_LIST_EMBEDDED;
				ret = message_store(m, a->embedded, a->db_id);
				if (ret != MAPI_E_SUCCESS)
					goto done;
			}
			a->dirty = false;
		}
		rec->attachments[kept++] = *a;
	}
	rec->attach_count = kept;
done:
	talloc_free(tmp);
	return ret;
}

static enum MAPISTATUS sqlite_message_store(struct mapistore_context *ctx,
					    struct mapistore_message_record *rec)
{
	return message_store(sq(ctx), rec, 0);
}

static enum MAPISTATUS sqlite_message_state(struct mapistore_context *ctx, uint64_t mid,
					    uint64_t *fid, uint8_t *list, uint64_t *cn,
					    uint32_t *message_flags)
{
	return message_state(sq(ctx), mid, fid, list, cn, message_flags, NULL);
}

static enum MAPISTATUS sqlite_message_relocate(struct mapistore_context *ctx, uint64_t mid,
					       uint64_t fid, uint8_t list)
{
	struct sqlite_mailbox *m = sq(ctx);
	enum MAPISTATUS ret;
	sqlite3_stmt *s;
	uint32_t flags, size;
	uint64_t old_fid;
	uint8_t old_list;

	ret = message_state(m, mid, &old_fid, &old_list, NULL, &flags, &size);
	if (ret == MAPI_E_SUCCESS)
		ret = account(m, old_fid, old_list, flags, size, -1);
	if (ret == MAPI_E_SUCCESS)
		ret = account(m, fid, list, flags, size, 1);
	if (ret != MAPI_E_SUCCESS)
		return ret;
	STMT(m, ST_MESSAGE_RELOCATE);
	bind_id(s, 1, mid);
	bind_id(s, 2, fid);
	sqlite3_bind_int(s, 3, list);
	return run(m, s, "moving a message");
}

static enum MAPISTATUS sqlite_message_set_flags(struct mapistore_context *ctx, uint64_t mid,
						uint32_t flags)
{
	struct sqlite_mailbox *m = sq(ctx);
	enum MAPISTATUS ret;
	sqlite3_stmt *s;
	uint32_t old_flags, size;
	uint64_t fid;
	uint8_t list;

	ret = message_state(m, mid, &fid, &list, NULL, &old_flags, &size);
	if (ret == MAPI_E_SUCCESS)
		ret = account(m, fid, list, old_flags, size, -1);
	if (ret == MAPI_E_SUCCESS)
		ret = account(m, fid, list, flags, size, 1);
	if (ret != MAPI_E_SUCCESS)
		return ret;
	STMT(m, ST_MESSAGE_SET_FLAGS);
	bind_id(s, 1, mid);
	sqlite3_bind_int64(s, 2, flags);
	return run(m, s, "setting message flags");
}

static enum MAPISTATUS sqlite_message_list(struct mapistore_context *ctx, TALLOC_CTX *mem_ctx,
					   uint64_t fid, uint8_t list, uint32_t *count,
					   uint64_t **mids)
{
	struct sqlite_mailbox *m = sq(ctx);
	sqlite3_stmt *s;

	STMT(m, ST_MESSAGE_LIST);
	bind_id(s, 1, fid);
	sqlite3_bind_int(s, 2, list);
	return collect_ids(m, s, mem_ctx, count, mids);
}

/* --- named properties ------------------------------------------------------------------ */

static void bind_name(sqlite3_stmt *s, int first, const struct mapistore_named_prop *n)
{
	sqlite3_bind_blob(s, first, n->guid.bytes, 16, SQLITE_STATIC);
	sqlite3_bind_int(s, first + 1, n->kind);
	sqlite3_bind_int64(s, first + 2, n->kind == MAPISTORE_NAME_LID ? n->lid : 0);
	sqlite3_bind_text(s, first + 3,
			  n->kind == MAPISTORE_NAME_STRING && n->name ? n->name : "", -1, SQLITE_STATIC);
}

static enum MAPISTATUS sqlite_named_lookup(struct mapistore_context *ctx,
					   const struct mapistore_named_prop *name, uint16_t *id)
{
	struct sqlite_mailbox *m = sq(ctx);
	sqlite3_stmt *s;
	int rc;

	STMT(m, ST_NAMED_LOOKUP);
	bind_name(s, 1, name);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		*id = (uint16_t)sqlite3_column_int(s, 0);
	sqlite3_reset(s);
	if (rc == SQLITE_ROW)
		return MAPI_E_SUCCESS;
	return rc == SQLITE_DONE ? MAPI_E_NOT_FOUND : map_sqlite_error(m, rc, "named property");
}

static enum MAPISTATUS sqlite_named_insert(struct mapistore_context *ctx,
					   const struct mapistore_named_prop *name, uint16_t *id)
{
	struct sqlite_mailbox *m = sq(ctx);
	sqlite3_stmt *s;
	int64_t next;
	int rc;

	STMT(m, ST_NAMED_MAX);
	rc = sqlite3_step(s);
	next = rc == SQLITE_ROW ? sqlite3_column_int64(s, 0) + 1 : -1;
	sqlite3_reset(s);
	if (next < 0)
		return map_sqlite_error(m, rc, "named property");
	if (next > 0xFFFE) {
		mapistore_set_error(ctx, "no named property ids left (0x8000-0xFFFE are taken)");
		return MAPI_E_NAMED_PROPERTY_QUOTA;
	}
	STMT(m, ST_NAMED_INSERT);
	sqlite3_bind_int64(s, 1, next);
	bind_name(s, 2, name);
	*id = (uint16_t)next;
	return run(m, s, "creating a named property");
}

static enum MAPISTATUS named_from_row(sqlite3_stmt *s, int first, TALLOC_CTX *mem_ctx,
				      struct mapistore_named_prop *n)
{
	memset(n, 0, sizeof(*n));
	if (sqlite3_column_bytes(s, first) == 16)
		memcpy(n->guid.bytes, sqlite3_column_blob(s, first), 16);
	n->kind = (uint8_t)sqlite3_column_int(s, first + 1);
	n->lid = (uint32_t)sqlite3_column_int64(s, first + 2);
	if (n->kind == MAPISTORE_NAME_STRING) {
		n->name = talloc_strdup(mem_ctx, (const char *)sqlite3_column_text(s, first + 3));
		if (n->name == NULL)
			return MAPI_E_NOT_ENOUGH_MEMORY;
	}
	return MAPI_E_SUCCESS;
}

static enum MAPISTATUS sqlite_named_get(struct mapistore_context *ctx, TALLOC_CTX *mem_ctx,
					uint16_t id, struct mapistore_named_prop *name)
{
	struct sqlite_mailbox *m = sq(ctx);
	enum MAPISTATUS ret;
	sqlite3_stmt *s;
	int rc;

	STMT(m, ST_NAMED_GET);
	sqlite3_bind_int(s, 1, id);
	rc = sqlite3_step(s);
	if (rc != SQLITE_ROW) {
		sqlite3_reset(s);
		return rc == SQLITE_DONE ? MAPI_E_NOT_FOUND : map_sqlite_error(m, rc, "named property");
	}
	ret = named_from_row(s, 0, mem_ctx, name);
	sqlite3_reset(s);
	return ret;
}

static enum MAPISTATUS sqlite_named_all(struct mapistore_context *ctx, TALLOC_CTX *mem_ctx,
					uint32_t *count, uint16_t **ids,
					struct mapistore_named_prop **names)
{
	struct sqlite_mailbox *m = sq(ctx);
	uint32_t n = 0;
	uint16_t *vi = NULL;
	struct mapistore_named_prop *vn = NULL;
	enum MAPISTATUS ret = MAPI_E_SUCCESS;
	sqlite3_stmt *s;
	int rc;

	STMT(m, ST_NAMED_ALL);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		uint16_t *ni = talloc_realloc(mem_ctx, vi, uint16_t, n + 1);
		struct mapistore_named_prop *nn;

		if (ni == NULL) {
			ret = MAPI_E_NOT_ENOUGH_MEMORY;
			break;
		}
		vi = ni;
		nn = talloc_realloc(mem_ctx, vn, struct mapistore_named_prop, n + 1);
		if (nn == NULL) {
			ret = MAPI_E_NOT_ENOUGH_MEMORY;
			break;
		}
		vn = nn;
		vi[n] = (uint16_t)sqlite3_column_int(s, 0);
		ret = named_from_row(s, 1, vn, &vn[n]);
		if (ret != MAPI_E_SUCCESS)
			break;
		n++;
	}
	sqlite3_reset(s);
	if (ret == MAPI_E_SUCCESS && rc != SQLITE_DONE)
		ret = map_sqlite_error(m, rc, "named properties");
	if (ret != MAPI_E_SUCCESS) {
		talloc_free(vi);
		talloc_free(vn);
		return ret;
	}
	*count = n;
	*ids = vi;
	*names = vn;
	return MAPI_E_SUCCESS;
}

/* --- receive folders ---------------------------------------------------------------------- */

static enum MAPISTATUS sqlite_receive_list(struct mapistore_context *ctx, TALLOC_CTX *mem_ctx,
					   uint32_t *count, struct mapistore_receive_folder **entries)
{
	struct sqlite_mailbox *m = sq(ctx);
	struct mapistore_receive_folder *v = NULL;
	uint32_t n = 0;
	sqlite3_stmt *s;
	int rc;

	STMT(m, ST_RECEIVE_LIST);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct mapistore_receive_folder *nv = talloc_realloc(mem_ctx, v, struct mapistore_receive_folder, n + 1);

		if (nv == NULL) {
			sqlite3_reset(s);
			talloc_free(v);
			return MAPI_E_NOT_ENOUGH_MEMORY;
		}
		v = nv;
		v[n].message_class = talloc_strdup(v, (const char *)sqlite3_column_text(s, 0));
		v[n].fid = col_id(s, 1);
		v[n].last_modified = (uint64_t)sqlite3_column_int64(s, 2);
		n++;
	}
	sqlite3_reset(s);
	if (rc != SQLITE_DONE) {
		talloc_free(v);
		return map_sqlite_error(m, rc, "receive folders");
	}
	*count = n;
	*entries = v;
	return MAPI_E_SUCCESS;
}

static enum MAPISTATUS sqlite_receive_set(struct mapistore_context *ctx, const char *message_class,
					  uint64_t fid, uint64_t now)
{
	struct sqlite_mailbox *m = sq(ctx);
	sqlite3_stmt *s;

	STMT(m, fid ? ST_RECEIVE_SET : ST_RECEIVE_DELETE);
	sqlite3_bind_text(s, 1, message_class, -1, SQLITE_STATIC);
	if (fid) {
		bind_id(s, 2, fid);
		sqlite3_bind_int64(s, 3, (sqlite3_int64)now);
	}
	return run(m, s, "setting a receive folder");
}

/* --- the REPLID/REPLGUID mapping ---------------------------------------------------------- */

static enum MAPISTATUS sqlite_replica_by_guid(struct mapistore_context *ctx, const uint8_t *guid,
					      uint16_t *replid)
{
	struct sqlite_mailbox *m = sq(ctx);
	sqlite3_stmt *s;
	int rc;

	STMT(m, ST_REPLICA_BY_GUID);
	sqlite3_bind_blob(s, 1, guid, 16, SQLITE_STATIC);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		*replid = (uint16_t)sqlite3_column_int(s, 0);
	sqlite3_reset(s);
	if (rc == SQLITE_ROW)
		return MAPI_E_SUCCESS;
	return rc == SQLITE_DONE ? MAPI_E_NOT_FOUND : map_sqlite_error(m, rc, "replica mapping");
}

static enum MAPISTATUS sqlite_replica_by_id(struct mapistore_context *ctx, uint16_t replid,
					    uint8_t *guid)
{
	struct sqlite_mailbox *m = sq(ctx);
	sqlite3_stmt *s;
	int rc;

	STMT(m, ST_REPLICA_BY_ID);
	sqlite3_bind_int(s, 1, replid);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		if (sqlite3_column_bytes(s, 0) != 16) {
			sqlite3_reset(s);
			mapistore_set_error(ctx, "sqlite3: a malformed replica GUID");
			return MAPI_E_CORRUPT_DATA;
		}
		memcpy(guid, sqlite3_column_blob(s, 0), 16);
	}
	sqlite3_reset(s);
	if (rc == SQLITE_ROW)
		return MAPI_E_SUCCESS;
	return rc == SQLITE_DONE ? MAPI_E_NOT_FOUND : map_sqlite_error(m, rc, "replica mapping");
}

/* The next REPLID after the mailbox's own and every one registered (inside a transaction). */
static enum MAPISTATUS sqlite_replica_add(struct mapistore_context *ctx, const uint8_t *guid,
					  uint16_t *replid)
{
	struct sqlite_mailbox *m = sq(ctx);
	sqlite3_stmt *s;
	int64_t next;
	int rc;

	STMT(m, ST_REPLICA_MAX);
	rc = sqlite3_step(s);
	next = rc == SQLITE_ROW && sqlite3_column_type(s, 0) != SQLITE_NULL ?
		sqlite3_column_int64(s, 0) + 1 : 0;
	sqlite3_reset(s);
	if (rc != SQLITE_ROW)
		return map_sqlite_error(m, rc, "replica mapping");
	if (next <= ctx->info.replica_id)
		next = (int64_t)ctx->info.replica_id + 1;
	if (next > 0xFFFF) {
		mapistore_set_error(ctx, "every REPLID is in use");
		return MAPI_E_TOO_BIG;
	}
	STMT(m, ST_REPLICA_ADD);
	sqlite3_bind_int(s, 1, (int)next);
	sqlite3_bind_blob(s, 2, guid, 16, SQLITE_STATIC);
	*replid = (uint16_t)next;
	return run(m, s, "registering a replica");
}

/* --- per-user data ---------------------------------------------------------------------- */

static enum MAPISTATUS sqlite_per_user_get(struct mapistore_context *ctx, TALLOC_CTX *mem_ctx,
					   const uint8_t *ltid, uint8_t *replguid, uint8_t **data,
					   uint32_t *len)
{
	struct sqlite_mailbox *m = sq(ctx);
	sqlite3_stmt *s;
	int rc;

	STMT(m, ST_PER_USER_GET);
	sqlite3_bind_blob(s, 1, ltid, MAPISTORE_LTID_SIZE, SQLITE_STATIC);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		const void *guid = sqlite3_column_blob(s, 0);
		int n = sqlite3_column_bytes(s, 1);

		if (guid == NULL || sqlite3_column_bytes(s, 0) != 16 || n < 0) {
			sqlite3_reset(s);
			mapistore_set_error(ctx, "sqlite3: a malformed per-user entry");
			return MAPI_E_CORRUPT_DATA;
		}
		memcpy(replguid, guid, 16);
		*len = (uint32_t)n;
		*data = talloc_memdup(mem_ctx, n ? sqlite3_column_blob(s, 1) : "", n ? n : 1);
		sqlite3_reset(s);
		return *data != NULL ? MAPI_E_SUCCESS : MAPI_E_NOT_ENOUGH_MEMORY;
	}
	sqlite3_reset(s);
	return rc == SQLITE_DONE ? MAPI_E_NOT_FOUND : map_sqlite_error(m, rc, "per-user data");
}

static enum MAPISTATUS sqlite_per_user_set(struct mapistore_context *ctx, const uint8_t *ltid,
					   const uint8_t *replguid, const uint8_t *data, uint32_t len)
{
	struct sqlite_mailbox *m = sq(ctx);
	sqlite3_stmt *s;

	STMT(m, ST_PER_USER_SET);
	sqlite3_bind_blob(s, 1, ltid, MAPISTORE_LTID_SIZE, SQLITE_STATIC);
	sqlite3_bind_blob(s, 2, replguid, 16, SQLITE_STATIC);
	/* a zero-length blob, not NULL: the column is NOT NULL */
	sqlite3_bind_zeroblob(s, 3, 0);
	if (len)
		sqlite3_bind_blob(s, 3, data, (int)len, SQLITE_STATIC);
	return run(m, s, "storing per-user data");
}

static enum MAPISTATUS sqlite_per_user_list(struct mapistore_context *ctx, TALLOC_CTX *mem_ctx,
					    const uint8_t *replguid, uint32_t *count, uint8_t **ltids)
{
	struct sqlite_mailbox *m = sq(ctx);
	uint8_t *v = NULL;
	uint32_t n = 0;
	sqlite3_stmt *s;
	int rc;

	STMT(m, ST_PER_USER_LIST);
	sqlite3_bind_blob(s, 1, replguid, 16, SQLITE_STATIC);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		uint8_t *nv;

		if (sqlite3_column_bytes(s, 0) != MAPISTORE_LTID_SIZE)
			continue;	/* not a LongTermID: never written by us */
		nv = talloc_realloc(mem_ctx, v, uint8_t, (n + 1) * MAPISTORE_LTID_SIZE);
		if (nv == NULL) {
			sqlite3_reset(s);
			talloc_free(v);
			return MAPI_E_NOT_ENOUGH_MEMORY;
		}
		v = nv;
		memcpy(v + n * MAPISTORE_LTID_SIZE, sqlite3_column_blob(s, 0), MAPISTORE_LTID_SIZE);
		n++;
	}
	sqlite3_reset(s);
	if (rc != SQLITE_DONE) {
		talloc_free(v);
		return map_sqlite_error(m, rc, "per-user data");
	}
	*count = n;
	*ltids = v;
	return MAPI_E_SUCCESS;
}

/* --- tombstones -------------------------------------------------------------------------------------- */

static enum MAPISTATUS sqlite_tombstone_add(struct mapistore_context *ctx, const struct mapistore_tombstone *t)
{
	struct sqlite_mailbox *m = sq(ctx);
	sqlite3_stmt *s;

	STMT(m, ST_TOMBSTONE_ADD);
	bind_id(s, 1, t->id);
	bind_id(s, 2, t->fid);
	bind_id(s, 3, t->cn);
	sqlite3_bind_int(s, 4, t->kind);
	return run(m, s, "recording a deletion");
}

static enum MAPISTATUS sqlite_tombstone_list(struct mapistore_context *ctx, TALLOC_CTX *mem_ctx,
					     uint64_t fid, uint32_t *count, struct mapistore_tombstone **entries)
{
	struct sqlite_mailbox *m = sq(ctx);
	struct mapistore_tombstone *v = NULL;
	uint32_t n = 0;
	sqlite3_stmt *s;
	int rc;

	STMT(m, ST_TOMBSTONE_LIST);
	bind_id(s, 1, fid);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct mapistore_tombstone *nv = talloc_realloc(mem_ctx, v, struct mapistore_tombstone, n + 1);

		if (nv == NULL) {
			sqlite3_reset(s);
			talloc_free(v);
			return MAPI_E_NOT_ENOUGH_MEMORY;
		}
		v = nv;
		v[n].id = col_id(s, 0);
		v[n].fid = fid;
		v[n].cn = col_id(s, 1);
		v[n].kind = (uint8_t)sqlite3_column_int(s, 2);
		n++;
	}
	sqlite3_reset(s);
	if (rc != SQLITE_DONE) {
		talloc_free(v);
		return map_sqlite_error(m, rc, "listing deletions");
	}
	*count = n;
	*entries = v;
	return MAPI_E_SUCCESS;
}

/* --- tables ---------------------------------------------------------------------------------- */

struct sql_builder {
	char *sql;			/* talloc string */
	const struct mapi_propval *params[64];
	char *texts[64];		/* LIKE patterns we built */
	int nparams;
};

static bool is_ascii(const char *s)
{
	for (; s && *s; s++)
		if ((unsigned char)*s >= 0x80)
			return false;
	return true;
}

static bool add_param(struct sql_builder *b, const struct mapi_propval *pv, char *text)
{
	if (b->nparams >= 64)
		return false;
	b->params[b->nparams] = pv;
	b->texts[b->nparams] = text;
	b->nparams++;
	return true;
}

static const char *const relop_sql[] = { "<", "<=", ">", ">=", "=", "<>" };

/*
 * Append SQL for res when all of it can be evaluated in SQL with the same
 * result as mapistore_restriction_eval: every leaf yields 0 or 1, never
 * NULL, so NOT behaves as in C for absent properties. Strings only with
 * ASCII operands (NOCASE folds ASCII only). Returns false, appending
 * nothing, otherwise.
 */
static bool restriction_to_sql(struct sql_builder *b, TALLOC_CTX *mem_ctx,
			       const struct mapi_restriction *res, int depth)
{
	const struct hot_column *hc;
	size_t mark = strlen(b->sql);
	int pmark = b->nparams;

	if (depth > 16)
		return false;
	switch (res->type) {
	case MAPI_RES_AND:
	case MAPI_RES_OR:
		if (res->u.and_or.count == 0) {
			b->sql = talloc_asprintf_append(b->sql, res->type == MAPI_RES_AND ? "1" : "0");
			return b->sql != NULL;
		}
		b->sql = talloc_asprintf_append(b->sql, "(");
		for (uint16_t i = 0; i < res->u.and_or.count; i++) {
			if (i)
				b->sql = talloc_asprintf_append(b->sql, res->type == MAPI_RES_AND ? " AND " : " OR ");
			if (b->sql == NULL || !restriction_to_sql(b, mem_ctx, &res->u.and_or.items[i], depth + 1))
				goto undo;
		}
		b->sql = talloc_asprintf_append(b->sql, ")");
		return b->sql != NULL;
	case MAPI_RES_NOT:
		b->sql = talloc_asprintf_append(b->sql, "NOT (");
		if (b->sql == NULL || !restriction_to_sql(b, mem_ctx, res->u.not_.sub, depth + 1))
			goto undo;
		b->sql = talloc_asprintf_append(b->sql, ")");
		return b->sql != NULL;
	case MAPI_RES_PROPERTY: {
		uint16_t vt = MAPI_PROP_TYPE(res->u.property.value.tag);

		hc = hot_column_of(res->u.property.tag);
		if (hc == NULL || res->u.property.relop > MAPI_RELOP_NE)
			return false;
		if (hot_column_of(MAPI_PROP_TAG(MAPI_PROP_ID(res->u.property.tag), vt)) != hc)
			return false;
		if ((vt == PTYP_STRING || vt == PTYP_STRING8) && !is_ascii(res->u.property.value.value.string))
			return false;
		if (!add_param(b, &res->u.property.value, NULL))
			return false;
		b->sql = talloc_asprintf_append(b->sql, "(%s IS NOT NULL AND %s %s ?%d)", hc->column,
						hc->column, relop_sql[res->u.property.relop], b->nparams + 2);
		return b->sql != NULL;
	}
	case MAPI_RES_EXIST:
		hc = hot_column_of(res->u.exist.tag);
		if (hc == NULL)
			return false;
		b->sql = talloc_asprintf_append(b->sql, "(%s IS NOT NULL)", hc->column);
		return b->sql != NULL;
	case MAPI_RES_BITMASK:
		hc = hot_column_of(res->u.bitmask.tag);
		if (hc == NULL || MAPI_PROP_TYPE(hc->tag) != PTYP_INTEGER32)
			return false;
		b->sql = talloc_asprintf_append(b->sql, "(%s IS NOT NULL AND (%s & %u) %s 0)", hc->column,
						hc->column, res->u.bitmask.mask,
						res->u.bitmask.relop == MAPI_BMR_EQZ ? "=" : "<>");
		return b->sql != NULL;
	case MAPI_RES_CONTENT: {
		const char *v = res->u.content.value.value.string;
		uint16_t vt = MAPI_PROP_TYPE(res->u.content.value.tag);
		uint16_t low = res->u.content.fuzzy_low & 3;
		bool ic = (res->u.content.fuzzy_high & (MAPI_FL_IGNORECASE | MAPI_FL_LOOSE)) != 0;
		char *pattern = NULL;

		hc = hot_column_of(res->u.content.tag);
		if (hc == NULL || MAPI_PROP_TYPE(hc->tag) != PTYP_STRING ||
		    (vt != PTYP_STRING && vt != PTYP_STRING8) || !is_ascii(v))
			return false;
		if (ic && low != MAPI_FL_FULLSTRING) {
			/* LIKE folds ASCII case; escape its wildcards */
			pattern = talloc_strdup(mem_ctx, low == MAPI_FL_SUBSTRING ? "%" : "");
			for (const char *p = v ? v : ""; pattern && *p; p++)
				pattern = (*p == '%' || *p == '_' || *p == '\\')
					? talloc_asprintf_append(pattern, "\\%c", *p)
					: talloc_asprintf_append(pattern, "%c", *p);
			if (pattern)
				pattern = talloc_asprintf_append(pattern, "%%");
			if (pattern == NULL || !add_param(b, NULL, pattern))
				return false;
			b->sql = talloc_asprintf_append(b->sql, "(%s IS NOT NULL AND %s LIKE ?%d ESCAPE '\\')",
							hc->column, hc->column, b->nparams + 2);
			return b->sql != NULL;
		}
		if (!add_param(b, &res->u.content.value, NULL))
			return false;
		if (low == MAPI_FL_FULLSTRING)
			b->sql = talloc_asprintf_append(b->sql, "(%s IS NOT NULL AND %s = ?%d%s)", hc->column,
							hc->column, b->nparams + 2, ic ? "" : " COLLATE BINARY");
		else
			b->sql = talloc_asprintf_append(b->sql, "(%s IS NOT NULL AND instr(%s, ?%d) %s)",
							hc->column, hc->column, b->nparams + 2,
							low == MAPI_FL_PREFIX ? "= 1" : "> 0");
		return b->sql != NULL;
	}
	case MAPI_RES_COMMENT:
		if (res->u.comment.sub == NULL) {
			b->sql = talloc_asprintf_append(b->sql, "1");
			return b->sql != NULL;
		}
		return restriction_to_sql(b, mem_ctx, res->u.comment.sub, depth + 1);
	default:
		return false;
	}
undo:
	if (b->sql)
		b->sql[mark] = '\0';
	b->nparams = pmark;
	return false;
}

static enum MAPISTATUS sqlite_table_ids(struct mapistore_context *ctx, TALLOC_CTX *mem_ctx,
					const struct mapistore_table_query *q, uint32_t *count,
					uint64_t **ids, const struct mapi_restriction **residual,
					bool *sorted)
{
	struct sqlite_mailbox *m = sq(ctx);
	TALLOC_CTX *tmp;
	struct sql_builder b = { 0 };
	const struct mapi_restriction *res = q->restriction;
	struct mapi_restriction *rest = NULL;
	enum MAPISTATUS ret;
	sqlite3_stmt *s = NULL;
	int list, rc;
	bool desc = false;

	*residual = NULL;
	*sorted = q->sorts == NULL || q->sorts->count == 0;
	if (q->type == MAPISTORE_TABLE_HIERARCHY) {
		/* few rows: the caller filters and sorts them in C */
		uint32_t n = 0, done = 0;
		uint64_t *all;

		ret = sqlite_folder_children(ctx, mem_ctx, q->fid, &n, &all);
		if (ret != MAPI_E_SUCCESS)
			return ret;
		/* Depth: breadth-first over the subtree */
		while ((q->flags & MAPISTORE_TABLE_DEPTH) && done < n) {
			uint32_t cn = 0;
			uint64_t *c, *na;

			ret = sqlite_folder_children(ctx, NULL, all[done++], &cn, &c);
			if (ret != MAPI_E_SUCCESS) {
				talloc_free(all);
				return ret;
			}
			if (cn) {
				na = talloc_realloc(mem_ctx, all, uint64_t, n + cn);
				if (na == NULL) {
					talloc_free(c);
					talloc_free(all);
					return MAPI_E_NOT_ENOUGH_MEMORY;
				}
				all = na;
				memcpy(all + n, c, cn * sizeof(uint64_t));
				n += cn;
			}
			talloc_free(c);
		}
		*count = n;
		*ids = all;
		*residual = res;
		*sorted = *sorted && !(q->flags & MAPISTORE_TABLE_DEPTH);
		return MAPI_E_SUCCESS;
	}

	tmp = talloc_new(NULL);
	if (tmp == NULL)
		return MAPI_E_NOT_ENOUGH_MEMORY;
	list = (q->type == MAPISTORE_TABLE_ASSOCIATED ? MAPISTORE_LIST_ASSOCIATED : MAPISTORE_LIST_NORMAL) |
	       ((q->flags & MAPISTORE_TABLE_SOFT_DELETES) ? MAPISTORE_LIST_DELETED : 0);
	b.sql = talloc_strdup(tmp, "SELECT mid FROM messages WHERE fid = ?1 AND list = ?2");
	if (res != NULL) {
		if (res->type == MAPI_RES_AND) {
			/* the conjuncts SQL can take go to WHERE, the others stay for C */
			rest = talloc_zero(tmp, struct mapi_restriction);
			if (rest == NULL)
				goto nomem;
			rest->type = MAPI_RES_AND;
			rest->u.and_or.items = talloc_array(rest, struct mapi_restriction, res->u.and_or.count + 1);
			if (rest->u.and_or.items == NULL)
				goto nomem;
			for (uint16_t i = 0; i < res->u.and_or.count; i++) {
				b.sql = talloc_asprintf_append(b.sql, " AND ");
				if (b.sql == NULL)
					goto nomem;
				if (!restriction_to_sql(&b, tmp, &res->u.and_or.items[i], 0)) {
					b.sql[strlen(b.sql) - 5] = '\0';
					rest->u.and_or.items[rest->u.and_or.count++] = res->u.and_or.items[i];
				}
			}
			if (rest->u.and_or.count == 0)
				rest = NULL;
		} else {
			b.sql = talloc_asprintf_append(b.sql, " AND ");
			if (b.sql == NULL)
				goto nomem;
			if (!restriction_to_sql(&b, tmp, res, 0)) {
				b.sql[strlen(b.sql) - 5] = '\0';
				*residual = res;
			}
		}
	}
	if (q->sorts && q->sorts->count) {
		bool all_hot = true;

		for (uint16_t i = 0; i < q->sorts->count; i++) {
			const struct hot_column *hc = hot_column_of(q->sorts->sorts[i].tag);

			if (hc == NULL || (q->sorts->sorts[i].tag & PTYP_MV_INSTANCE))
				all_hot = false;
		}
		if (all_hot) {
			b.sql = talloc_asprintf_append(b.sql, " ORDER BY ");
			for (uint16_t i = 0; b.sql && i < q->sorts->count; i++) {
				desc = q->sorts->sorts[i].order == MAPI_SORT_DESCEND;
				b.sql = talloc_asprintf_append(b.sql, "%s%s %s", i ? ", " : "",
							       hot_column_of(q->sorts->sorts[i].tag)->column,
							       desc ? "DESC" : "ASC");
			}
			/* the MID breaks ties, in the last key's direction so the index serves it */
			if (b.sql)
				b.sql = talloc_asprintf_append(b.sql, ", mid %s", desc ? "DESC" : "ASC");
			*sorted = true;
		}
	}
	if (b.sql == NULL)
		goto nomem;
	rc = sqlite3_prepare_v2(m->db, b.sql, -1, &s, NULL);
	if (rc != SQLITE_OK) {
		ret = map_sqlite_error(m, rc, "table query");
		talloc_free(tmp);
		return ret;
	}
	bind_id(s, 1, q->fid);
	sqlite3_bind_int(s, 2, list);
	for (int i = 0; i < b.nparams; i++) {
		if (b.texts[i])
			sqlite3_bind_text(s, i + 3, b.texts[i], -1, SQLITE_STATIC);
		else
			bind_propval(s, i + 3, b.params[i]);
	}
	ret = collect_ids(m, s, mem_ctx, count, ids);
	sqlite3_finalize(s);
	if (ret == MAPI_E_SUCCESS && rest != NULL) {
		if (rest->u.and_or.count == 1)
			*residual = talloc_steal(mem_ctx, talloc_memdup(tmp, &rest->u.and_or.items[0], sizeof(*rest)));
		else
			*residual = talloc_steal(mem_ctx, rest);
		/* the residual points into q->restriction's subtrees, which outlive it */
	}
	talloc_free(tmp);
	return ret;
nomem:
	talloc_free(tmp);
	return MAPI_E_NOT_ENOUGH_MEMORY;
}

static enum MAPISTATUS sqlite_row_fetch(struct mapistore_context *ctx, enum mapistore_table_type type,
					uint64_t id, struct mapistore_row_source *src)
{
	struct sqlite_mailbox *m = sq(ctx);
	sqlite3_stmt *s;
	size_t n;
	int rc, col;

	memset(src, 0, sizeof(*src));
	src->id = id;
	STMT(m, type == MAPISTORE_TABLE_HIERARCHY ? ST_FOLDER_ROW : ST_MESSAGE_ROW);
	bind_id(s, 1, id);
	rc = sqlite3_step(s);
	if (rc != SQLITE_ROW) {
		sqlite3_reset(s);
		return rc == SQLITE_DONE ? MAPI_E_NOT_FOUND : map_sqlite_error(m, rc, "reading a row");
	}
	src->parent = col_id(s, 0);
	if (type == MAPISTORE_TABLE_HIERARCHY) {
		src->cn = col_id(s, 1);
		src->folder_type = (uint32_t)sqlite3_column_int(s, 2);
		col = 3;
	} else {
		src->list = (uint8_t)sqlite3_column_int(s, 1);
		src->cn = col_id(s, 2);
		src->message_flags = (uint32_t)sqlite3_column_int64(s, 3);
		src->message_size = (uint32_t)sqlite3_column_int64(s, 4);
		col = 5;
	}
	n = (size_t)sqlite3_column_bytes(s, col);
	if (n > m->row_buf_size) {
		uint8_t *nb = talloc_realloc(m, m->row_buf, uint8_t, n);

		if (nb == NULL) {
			sqlite3_reset(s);
			return MAPI_E_NOT_ENOUGH_MEMORY;
		}
		m->row_buf = nb;
		m->row_buf_size = n;
	}
	if (n)
		memcpy(m->row_buf, sqlite3_column_blob(s, col), n);
	sqlite3_reset(s);
	src->blob = m->row_buf;
	src->blob_len = n;
	return MAPI_E_SUCCESS;
}

const struct mapistore_backend mapistore_backend_sqlite3 = {
	.scheme = "sqlite3",
	.open = sqlite_open,
	.begin = sqlite_begin,
	.commit = sqlite_commit,
	.rollback = sqlite_rollback,
	.read_begin = sqlite_read_begin,
	.read_end = sqlite_read_end,
	.savepoint = sqlite_savepoint,
	.release = sqlite_release,
	.rollback_savepoint = sqlite_rollback_savepoint,
	.mailbox_load = sqlite_mailbox_load,
	.mailbox_store = sqlite_mailbox_store,
	.globcnt_reserve = sqlite_globcnt_reserve,
	.folder_load = sqlite_folder_load,
	.folder_insert = sqlite_folder_insert,
	.folder_update = sqlite_folder_update,
	.folder_remove = sqlite_folder_remove,
	.folder_find_child = sqlite_folder_find_child,
	.folder_children = sqlite_folder_children,
	.folder_counts = sqlite_folder_counts,
	.folder_touch = sqlite_folder_touch,
	.folder_version = sqlite_folder_version,
	.message_load = sqlite_message_load,
	.attachment_load = sqlite_attachment_load,
	.message_store = sqlite_message_store,
	.message_remove = sqlite_message_remove,
	.message_state = sqlite_message_state,
	.message_relocate = sqlite_message_relocate,
	.message_set_flags = sqlite_message_set_flags,
	.message_list = sqlite_message_list,
	.named_lookup = sqlite_named_lookup,
	.named_insert = sqlite_named_insert,
	.named_get = sqlite_named_get,
	.named_all = sqlite_named_all,
	.receive_list = sqlite_receive_list,
	.receive_set = sqlite_receive_set,
	.replica_by_guid = sqlite_replica_by_guid,
	.replica_by_id = sqlite_replica_by_id,
	.replica_add = sqlite_replica_add,
	.per_user_get = sqlite_per_user_get,
	.per_user_set = sqlite_per_user_set,
	.per_user_list = sqlite_per_user_list,
	.tombstone_add = sqlite_tombstone_add,
	.tombstone_list = sqlite_tombstone_list,
	.table_ids = sqlite_table_ids,
	.row_fetch = sqlite_row_fetch,
	.external_load = sqlite_external_load,
};
