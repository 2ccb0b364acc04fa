/*
 * OpenChange libmapi: the public MAPI client API.
 *
 * Sessions, stores, folders, tables, messages, attachments, streams and the
 * address book of an Exchange-compatible server, with MAPI's names, over
 * libmapi's EMSMDB (MS-OXCRPC), ROP (MS-OXCROPS) and NSPI (MS-OXNSPI)
 * layers.
 *
 * Ownership (talloc): a function that returns allocated data takes the
 * memory context it is allocated under as its first argument; the caller
 * frees it.  A session is a talloc child of the context given to
 * MapiLogonEx(); freeing it ends the EMSMDB and address book connections
 * and invalidates every object opened through it.  A mapi_object_t is a
 * plain struct the caller owns (usually on the stack): mapi_object_init()
 * before use, mapi_object_release() when done (it frees the server
 * object; releasing an empty object does nothing).
 *
 * Errors: every call returns an enum MAPISTATUS; arguments are checked
 * first (MAPI_E_INVALID_PARAMETER), a ROP the server refuses returns the
 * server's ReturnValue (MS-OXCDATA 2.4), a transport failure
 * MAPI_E_NETWORK_ERROR or MAPI_E_CALL_FAILED.  MapiLastError() says more.
 *
 * Threading: a session and every object opened through it must be used by
 * one thread at a time (the caller serializes; a session has no lock of
 * its own).  Sessions are independent: any number may exist in a process,
 * each thread may own its own.  Samba's client libraries underneath keep
 * process-wide state, so the library itself lets one network call through
 * at a time (a process-wide lock around connect, each ROP call, RopRelease,
 * every address book (NSPI) call and disconnect): threads are safe, not
 * faster.  A struct mapi_ab_table belongs to its session's thread too.  Call
 * MapiInitialize() once before the first session (it is safe to call again
 * and from several threads: the setup runs once).
 *
 * Strings are UTF-8 everywhere (struct mapi_propval, oxcdata_propval.h).
 *
 * Copyright (C) OpenChange developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef LIBMAPI_LIBMAPI_H
#define LIBMAPI_LIBMAPI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <talloc.h>

#include "idl/gen_errors.h"
#include "libmapi/oxcdata_propval.h"
#include "libmapi/oxcdata_restriction.h"
/* the same three macros, spelled differently: the generated ones win */
#undef MAPI_PROP_TAG
#undef MAPI_PROP_ID
#undef MAPI_PROP_TYPE
#include "idl/gen_proptags.h"

#ifdef __cplusplus
extern "C" {
#endif

struct mapi_session;

enum mapi_object_type {
	MAPI_OBJECT_NONE = 0,
	MAPI_OBJECT_STORE,
	MAPI_OBJECT_FOLDER,
	MAPI_OBJECT_TABLE,
	MAPI_OBJECT_MESSAGE,
	MAPI_OBJECT_ATTACHMENT,
	MAPI_OBJECT_STREAM,
};

/* A Server object (MS-OXCROPS 3.2.5.1) as the client holds it. */
typedef struct mapi_object {
	struct mapi_session *session;
	uint32_t handle;		/* the server's handle; 0xFFFFFFFF when empty */
	uint8_t logon_id;
	enum mapi_object_type type;
	uint64_t id;			/* folder or message id, attachment number */
	uint64_t folder_id;		/* a message's folder */
	bool private_store;		/* a store: the mailbox (true) or public folders */
	uint64_t folder_ids[13];	/* a store: RopLogon's FolderIds (MS-OXCROPS 2.2.3.1.3) */
	uint32_t stream_size;		/* a stream: its size when opened */
} mapi_object_t;

/* How a session authenticates to the server */
enum mapi_auth {
	MAPI_AUTH_NTLM = 0,		/* NTLMSSP with the password (the default) */
	MAPI_AUTH_KERBEROS = 1,		/* Kerberos only: a ticket for the server's name from the realm's KDC */
};

/* Explicit connection parameters (instead of a stored profile). */
struct mapi_connect_params {
	const char *server;		/* address or host name (or binding) */
	const char *binding;		/* a DCE/RPC binding; NULL: ncacn_ip_tcp:SERVER[seal] */
	const char *username;
	const char *password;
	const char *domain;		/* NetBIOS domain; NULL: the server's */
	const char *workstation;	/* NULL: this host's name */
	bool sign_only;			/* sign instead of seal */
	/*
	 * MAPI_AUTH_KERBEROS needs REALM and the server's host name as its
	 * service principal knows it: SERVER is that name, or BINDING names it
	 * (ncacn_ip_tcp:ADDRESS[seal,target_hostname=NAME]); the KDC is the
	 * one krb5.conf (KRB5_CONFIG) gives for REALM.
	 */
	enum mapi_auth auth;
	const char *realm;		/* Kerberos realm (DNS domain, e.g. EXAMPLE.COM) */
};

/* Default folders (Outlook's OlDefaultFolders numbers). */
enum mapi_default_folder {
	olFolderTopInformationStore = 1,
	olFolderDeletedItems = 3,
	olFolderOutbox = 4,
	olFolderSentMail = 5,
	olFolderInbox = 6,
	olFolderCommonView = 8,
	olFolderCalendar = 9,
	olFolderContacts = 10,
	olFolderJournal = 11,
	olFolderNotes = 12,
	olFolderTasks = 13,
	olFolderFinder = 14,
	olFolderRoot = 15,
	olFolderDrafts = 16,
};

/* Recipient types (PidTagRecipientType, MS-OXOMSG 2.2.3.1) */
enum mapi_recipient_type {
	MAPI_TO = 1,
	MAPI_CC = 2,
	MAPI_BCC = 3,
};

/* One recipient, as ModifyRecipients writes and ReadRecipients reads it. */
struct mapi_recipient {
	uint8_t type;			/* enum mapi_recipient_type */
	const char *display_name;
	const char *smtp_address;	/* the e-mail address (SMTP) */
};

/* One table row: its values in the column order of SetColumns. */
struct mapi_row {
	uint32_t count;
	struct mapi_propval *props;	/* PtypErrorCode for a column without a value */
};

/* One sort key of SortTable */
struct mapi_sort_key {
	uint32_t tag;
	bool descending;
};

/* A named property (MS-OXCDATA 2.6.1) */
struct mapi_nameid {
	struct mapi_guid guid;
	bool is_string;
	uint32_t lid;			/* !is_string */
	const char *name;		/* is_string: UTF-8 */
};

/* An address book entry as ResolveNames returns it */
struct mapi_ab_entry {
	const char *display_name;
	const char *smtp_address;
	const char *essdn;		/* legacyExchangeDN (PidTagEmailAddress) */
};

/* OpenFolder/OpenMessage/OpenStream access */
#define MAPI_OPEN_READ 0x00
#define MAPI_OPEN_READWRITE 0x01
#define MAPI_OPEN_CREATE 0x02		/* streams: start empty; OpenEmbeddedMessage: make one */

/* CreateFolder types (MS-OXCFOLD 2.2.1.2.1) */
#define MAPI_FOLDER_GENERIC 1
#define MAPI_FOLDER_SEARCH 2

/* DeleteFolder flags (MS-OXCFOLD 2.2.1.3.1) */
#define MAPI_DEL_MESSAGES 0x01
#define MAPI_DEL_FOLDERS 0x04
#define MAPI_DEL_HARD 0x10

/* Process-wide setup, once (the RPC and security layers' registration). */
enum MAPISTATUS MapiInitialize(void);

/*
 * Frees what the process-wide setup allocated (samba's debug tables), at
 * exit, once no session is left; for leak checkers.
 */
void MapiUninitialize(void);

/*
 * Logs on with profile PROFILE_NAME from the store at PROFILE_PATH (NULL:
 * ~/.openchange/profiles.ldb; NULL name: the default profile) and
 * PASSWORD (NULL: the profile's stored one).  *session is a talloc child
 * of MEM_CTX.  MAPI_E_NOT_FOUND: no such profile; MAPI_E_LOGON_FAILED:
 * credentials refused; MAPI_E_NETWORK_ERROR: no server.  On failure
 * *session is NULL and MapiLastError(NULL) explains for this thread.
 */
enum MAPISTATUS MapiLogonEx(TALLOC_CTX *mem_ctx, const char *profile_path,
			    const char *profile_name, const char *password,
			    struct mapi_session **session);

/* The same with explicit parameters, no profile store. */
enum MAPISTATUS MapiLogonParams(TALLOC_CTX *mem_ctx, const struct mapi_connect_params *params,
				struct mapi_session **session);

/* Ends the session (the same as talloc_free(session)). */
void MapiLogoff(struct mapi_session *session);

/* What went wrong last in SESSION (NULL: the last failed logon of this thread), or NULL. */
const char *MapiLastError(const struct mapi_session *session);

/* The logged-on user: legacyExchangeDN, display name, SMTP address. */
const char *mapi_session_essdn(const struct mapi_session *session);
const char *mapi_session_display_name(const struct mapi_session *session);
const char *mapi_session_smtp_address(const struct mapi_session *session);

void mapi_object_init(mapi_object_t *obj);
/* Releases the server object (RopRelease) and empties OBJ. */
enum MAPISTATUS mapi_object_release(mapi_object_t *obj);

/*
 * Stores: the user's mailbox, the public folders.  Up to 255 may be open in
 * one session at once, each with a LogonId of its own (the lowest free one;
 * mapi_object_release() frees it); the next is MAPI_E_NOT_ENOUGH_RESOURCES.
 */
enum MAPISTATUS OpenMsgStore(struct mapi_session *session, mapi_object_t *store);
enum MAPISTATUS OpenPublicFolder(struct mapi_session *session, mapi_object_t *store);
/*
 * The Inbox by RopGetReceiveFolder("IPM"); Calendar, Contacts, Journal,
 * Notes, Tasks and Drafts by their PidTagIpm*EntryId on the Root folder or
 * the Inbox (MAPI_E_NOT_FOUND when neither has it); the others from
 * RopLogon's FolderIds.  A private store only.
 */
enum MAPISTATUS GetDefaultFolder(mapi_object_t *store, uint32_t folder, uint64_t *fid);
/* The folder id of a folder entry ID (MS-OXCDATA 2.2.4.1), by RopIdFromLongTermId */
enum MAPISTATUS GetFIDFromEntryID(mapi_object_t *store, const struct mapi_binary *entryid,
				  uint64_t *fid);

/* Folders (MS-OXCFOLD). PARENT is a store or a folder. */
enum MAPISTATUS OpenFolder(mapi_object_t *parent, uint64_t fid, mapi_object_t *folder);
enum MAPISTATUS CreateFolder(mapi_object_t *parent, uint8_t folder_type, const char *name,
			     const char *comment, bool open_existing, mapi_object_t *folder);
enum MAPISTATUS DeleteFolder(mapi_object_t *parent, uint64_t fid, uint8_t flags);
enum MAPISTATUS GetHierarchyTable(mapi_object_t *folder, mapi_object_t *table, uint32_t *count);
enum MAPISTATUS GetContentsTable(mapi_object_t *folder, mapi_object_t *table, uint32_t *count);
enum MAPISTATUS DeleteMessages(mapi_object_t *folder, const uint64_t *mids, uint16_t count);

/* Tables (MS-OXCTABL) */
enum MAPISTATUS SetColumns(mapi_object_t *table, const uint32_t *tags, uint16_t count);
enum MAPISTATUS SortTable(mapi_object_t *table, const struct mapi_sort_key *keys, uint16_t count);
/* RES NULL removes the restriction */
enum MAPISTATUS Restrict(mapi_object_t *table, const struct mapi_restriction *res);
/* Up to MAX rows forward from the cursor; *rows under MEM_CTX */
enum MAPISTATUS QueryRows(TALLOC_CTX *mem_ctx, mapi_object_t *table, uint16_t max,
			  struct mapi_row **rows, uint32_t *count);

/* Messages (MS-OXCMSG) */
enum MAPISTATUS OpenMessage(mapi_object_t *obj, uint64_t fid, uint64_t mid, uint8_t mode,
			    mapi_object_t *message);
enum MAPISTATUS CreateMessage(mapi_object_t *folder, mapi_object_t *message);
/* *mid (may be NULL) gets the saved message's id */
enum MAPISTATUS SaveChangesMessage(mapi_object_t *message, uint64_t *mid);
/*
 * Writes RECIPIENTS as rows 0..COUNT-1 (RopModifyRecipients: a row id that
 * exists is replaced), SMTP addresses with UTF-16 names (MS-OXCDATA 2.8.3.2).
 */
enum MAPISTATUS ModifyRecipients(mapi_object_t *message, const struct mapi_recipient *recipients,
				 uint32_t count);
enum MAPISTATUS ReadRecipients(TALLOC_CTX *mem_ctx, mapi_object_t *message,
			       struct mapi_recipient **recipients, uint32_t *count);

/*
 * Properties (MS-OXCPRPT); OBJ a store, folder, message or attachment.
 * SetProps fails with the first PropertyProblem's error code when the
 * server refused a property (the others may have been set).
 */
enum MAPISTATUS SetProps(mapi_object_t *obj, const struct mapi_propval *props, uint16_t count);
/* *props[i] for tags[i]; a missing one is PtypErrorCode */
enum MAPISTATUS GetProps(TALLOC_CTX *mem_ctx, mapi_object_t *obj, const uint32_t *tags,
			 uint16_t count, struct mapi_propval **props);
enum MAPISTATUS GetPropsAll(TALLOC_CTX *mem_ctx, mapi_object_t *obj, struct mapi_propval **props,
			    uint32_t *count);
/* The value of TAG among PROPS[0..count) (as GetPropsAll returns them), or NULL: MAPI's PpropFindProp. */
const struct mapi_propval *GetPropValue(const struct mapi_propval *props, uint32_t count, uint32_t tag);
enum MAPISTATUS DeleteProps(mapi_object_t *obj, const uint32_t *tags, uint16_t count);
enum MAPISTATUS GetIDsFromNames(TALLOC_CTX *mem_ctx, mapi_object_t *obj,
				const struct mapi_nameid *names, uint16_t count, bool create,
				uint16_t **ids);
enum MAPISTATUS GetNamesFromIDs(TALLOC_CTX *mem_ctx, mapi_object_t *obj, const uint16_t *ids,
				uint16_t count, struct mapi_nameid **names);

/* Attachments */
enum MAPISTATUS CreateAttach(mapi_object_t *message, mapi_object_t *attachment);
enum MAPISTATUS OpenAttach(mapi_object_t *message, uint32_t number, mapi_object_t *attachment);
enum MAPISTATUS GetAttachmentTable(mapi_object_t *message, mapi_object_t *table);
enum MAPISTATUS SaveChangesAttachment(mapi_object_t *attachment);
/*
 * The message embedded in ATTACHMENT (RopOpenEmbeddedMessage, MS-OXCMSG
 * 2.2.3.16, 3.2.5.16): MODE MAPI_OPEN_READ, MAPI_OPEN_READWRITE, or
 * MAPI_OPEN_CREATE to make one when the attachment has none (the server
 * then sets PidTagAttachMethod to afEmbeddedMessage, 5).  *message is a
 * MAPI_OBJECT_MESSAGE like any other.  Saving it (SaveChangesMessage)
 * saves it into the attachment only: SaveChangesAttachment, then the
 * outer message's SaveChangesMessage, make it persistent (MS-OXCMSG
 * 3.1.4.x).  Without Create, an attachment with no embedded message is
 * MAPI_E_NOT_FOUND; a read-only attachment opened for writing
 * MAPI_E_NO_ACCESS.
 */
enum MAPISTATUS OpenEmbeddedMessage(mapi_object_t *attachment, uint8_t mode, mapi_object_t *message);

/* PidTagAttachMethod values (MS-OXCMSG 2.2.2.9) */
#define MAPI_ATTACH_BY_VALUE 0x0001
#define MAPI_ATTACH_EMBEDDED_MESSAGE 0x0005

/* Streams (MS-OXCPRPT 2.2.9-2.2.20) */
enum MAPISTATUS OpenStream(mapi_object_t *obj, uint32_t tag, uint8_t mode, mapi_object_t *stream);
/* Up to SIZE bytes into BUF; *read 0 at the end */
enum MAPISTATUS ReadStream(mapi_object_t *stream, uint8_t *buf, uint32_t size, uint32_t *read);
/* All SIZE bytes, in as many RopWriteStream as needed */
enum MAPISTATUS WriteStream(mapi_object_t *stream, const uint8_t *buf, uint32_t size);
enum MAPISTATUS CommitStream(mapi_object_t *stream);

/*
 * The address book: NspiResolveNamesW of NAME through the session's NSPI
 * connection.  MAPI_E_NOT_FOUND, MAPI_E_AMBIGUOUS_RECIP.
 */
enum MAPISTATUS ResolveNames(TALLOC_CTX *mem_ctx, struct mapi_session *session, const char *name,
			     struct mapi_ab_entry **entry);

/*
 * Browsing the address book (MS-OXNSPI 3.1.4.1, MS-OXOABK 3.1.4), through
 * the session's NSPI connection.  Entries are named by their Minimal Entry
 * ID (MId, MS-OXNSPI 2.2.9.1), valid for this session only: a row's
 * PidTagInstanceKey holds it (4 bytes, little-endian), SeekGALTable()
 * returns it.  Strings come back as PtypString (UTF-8) whatever type the
 * tag asked for.
 */

/* One address book container: a row of the hierarchy table (MS-OXNSPI 3.1.4.1.3) */
struct mapi_ab_container {
	const char *display_name;	/* PidTagDisplayName */
	uint32_t container_id;		/* PidTagAddressBookContainerId: 0 for the GAL */
	uint32_t flags;			/* PidTagContainerFlags (MS-OXOABK 2.2.2.1) */
	uint32_t depth;			/* PidTagDepth: 0 at the top level */
	bool is_master;			/* PidTagAddressBookIsMaster */
	struct mapi_binary entryid;	/* PidTagEntryId */
};

/* The Global Address List: a STAT ContainerID of 0 (MS-OXNSPI 2.2.8) */
#define MAPI_AB_GAL 0

/* The address lists the server offers, GAL first; *containers under MEM_CTX */
enum MAPISTATUS GetABHierarchy(TALLOC_CTX *mem_ctx, struct mapi_session *session,
			       struct mapi_ab_container **containers, uint32_t *count);

/*
 * A browsing cursor over one container, sorted by display name: the STAT
 * of MS-OXNSPI 2.2.8 kept on the client.  A talloc child of MEM_CTX that
 * must not outlive its session; free it with talloc_free().
 */
struct mapi_ab_table;

/* A cursor at the beginning of CONTAINER_ID (MAPI_AB_GAL or a GetABHierarchy() id) */
enum MAPISTATUS OpenGALTable(TALLOC_CTX *mem_ctx, struct mapi_session *session,
			     uint32_t container_id, struct mapi_ab_table **table);

/*
 * Up to MAX rows (at most 1000 a call) from the cursor on, with the
 * columns TAGS, and moves the cursor past them (NspiQueryRows): *count 0
 * at the end of the table.  *rows under MEM_CTX, as QueryRows().
 */
enum MAPISTATUS GetGALTable(TALLOC_CTX *mem_ctx, struct mapi_ab_table *table, const uint32_t *tags,
			    uint16_t tag_count, uint32_t max, struct mapi_row **rows,
			    uint32_t *count);

/* Rows in the container (the STAT's TotalRecs, NspiUpdateStat); *position (may be NULL): the cursor's row */
enum MAPISTATUS GetGALTableCount(struct mapi_ab_table *table, uint32_t *total, uint32_t *position);

/*
 * Moves the cursor to the first entry whose display name sorts at or after
 * PREFIX, case-insensitively (NspiSeekEntries on PidTagDisplayName); *mid
 * (may be NULL) gets that entry's MId.  MAPI_E_NOT_FOUND when every name
 * sorts before PREFIX.  The entry found need not start with PREFIX.
 */
enum MAPISTATUS SeekGALTable(struct mapi_ab_table *table, const char *prefix, uint32_t *mid);

/* Where SeekGALTableRow() counts from (the MIds of MS-OXNSPI 2.2.1.8) */
enum mapi_ab_origin {
	MAPI_AB_BEGINNING = 0,		/* MID_BEGINNING_OF_TABLE */
	MAPI_AB_CURRENT = 1,		/* the cursor */
	MAPI_AB_END = 2,		/* MID_END_OF_TABLE */
};

/* Moves the cursor DELTA rows from ORIGIN, clamped to the table (NspiUpdateStat) */
enum MAPISTATUS SeekGALTableRow(struct mapi_ab_table *table, enum mapi_ab_origin origin,
				int32_t delta);

/*
 * The properties TAGS of one entry (NspiGetProps), named by ESSDN
 * (legacyExchangeDN; NspiDNToMId) or, when ESSDN is NULL, by MID.
 * (*props)[i] for tags[i]; a missing one is PtypErrorCode.
 * MAPI_E_NOT_FOUND: no such entry.
 */
enum MAPISTATUS GetABProps(TALLOC_CTX *mem_ctx, struct mapi_session *session, const char *essdn,
			   uint32_t mid, const uint32_t *tags, uint16_t count,
			   struct mapi_propval **props);

#ifdef __cplusplus
}
#endif

#endif
