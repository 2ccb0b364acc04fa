/*
 * mapitest: checks an Exchange-compatible server family by family.
 *
 * A family is one protocol document (MS-OXCSTOR, MS-OXNSPI, ...); a test
 * checks ONE behaviour that document requires, cites the section, and
 * says in one line what it requires (--list prints it).  A test passes,
 * fails (saying what it saw and what the spec wants) or is skipped (saying
 * why: a capability the server does not offer, e.g. it answers
 * ecNotSupported for a ROP family it has not built yet; a skip is never
 * counted as a pass).
 *
 * Each test runs in a talloc context of its own, freed after it, and opens
 * the connections it needs itself: one test's disconnect or released
 * handle can never make another fail.
 *
 * Copyright (C) OpenChange developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef UTILS_MAPITEST_H
#define UTILS_MAPITEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <talloc.h>

#include "idl/gen_errors.h"
#include "idl/gen_rops.h"

struct tevent_context;
struct loadparm_context;
struct cli_credentials;
struct emsmdb_client;
struct nspi_client;
struct rfr_client;
struct rop_session;

enum mt_result { MT_PASS, MT_FAIL, MT_SKIP };

/* What the whole run knows about the server and the user */
struct mt_env {
	struct tevent_context *ev;
	struct loadparm_context *lp_ctx;
	struct cli_credentials *creds;
	const char *binding;		/* ncacn_ip_tcp:SERVER[sign|seal] */
	const char *username;
	const char *essdn;		/* the user's legacyExchangeDN */
	const char *display_name;
	const char *home_server;	/* the mailbox server's DN */
	const char *server_fqdn;
	uint32_t codepage;
	/* a second mailbox user, for the tests of other users' mailboxes */
	const char *other_user;
	const char *other_essdn;
	struct cli_credentials *other_creds;	/* NULL without --other-password */
};

/* One test while it runs */
struct mt_test {
	TALLOC_CTX *mem;		/* everything the test allocates; freed after it */
	struct mt_env *env;
	enum mt_result result;
	char *reason;
};

typedef enum mt_result (*mt_test_fn)(struct mt_test *t);

struct mt_test_def {
	const char *name;
	const char *spec;		/* "MS-OXCSTOR 3.2.5.1" */
	const char *requirement;	/* one line: what the spec requires */
	mt_test_fn fn;
};

struct mt_family {
	const char *name;
	const char *title;
	bool needs_server;
	const struct mt_test_def *tests;
	size_t count;
};

#define MT_COUNT(a) (sizeof(a) / sizeof((a)[0]))

extern const struct mt_family mt_family_noserver, mt_family_lz77, mt_family_oxcrpc,
	mt_family_rfr, mt_family_nspi, mt_family_oxcstor, mt_family_errorchecks,
	mt_family_oxcfold, mt_family_oxctabl, mt_family_oxcmsg, mt_family_oxcprpt;

/* Verdicts: record the reason and return the result, so a test says
 * `return mt_fail(t, "...")`. */
enum mt_result mt_fail(struct mt_test *t, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
enum mt_result mt_skip(struct mt_test *t, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* "observed X, expected Y" for the common case of one number */
#define MT_EXPECT_EQ(t, observed, expected, what)					\
	do {										\
		unsigned long long mt_o_ = (unsigned long long)(observed);		\
		unsigned long long mt_e_ = (unsigned long long)(expected);		\
		if (mt_o_ != mt_e_) {							\
			return mt_fail(t, "%s: observed 0x%llx, expected 0x%llx", what,	\
				       mt_o_, mt_e_);					\
		}									\
	} while (0)

#define MT_EXPECT(t, cond, ...)								\
	do {										\
		if (!(cond)) {								\
			return mt_fail(t, __VA_ARGS__);					\
		}									\
	} while (0)

/* MAPI status as "0x80040102 (MAPI_E_NO_SUPPORT)" under T's context */
const char *mt_status(struct mt_test *t, uint32_t status);

/* Hex of some bytes, for "observed" messages */
const char *mt_hex(struct mt_test *t, const uint8_t *data, size_t len);

/* Connections, each a child of t->mem; a failure is the test's failure
 * (returned as MT_FAIL with the reason), so tests say
 * `if (mt_emsmdb(t, &client) != MT_PASS) return t->result;` */
enum mt_result mt_emsmdb(struct mt_test *t, struct emsmdb_client **client);
enum mt_result mt_nspi(struct mt_test *t, struct nspi_client **nspi);
enum mt_result mt_rfr(struct mt_test *t, struct rfr_client **rfr);

/* An EMSMDB session with a private logon of the user in handle slot 0 */
struct mt_logon {
	struct emsmdb_client *client;
	struct rop_session *session;
	uint32_t handles[8];			/* slot 0: the logon */
	struct rop_logon_response logon;	/* the RopLogon response */
};

/* FLAGS 0x01: private mailbox of the user; 0x00: public folders */
enum mt_result mt_logon_open(struct mt_test *t, uint8_t logon_flags, struct mt_logon *lg);

/* One ROP on the logon's session; fails the test on a transport error */
enum mt_result mt_rop(struct mt_test *t, struct mt_logon *lg, const struct rop_request *req,
		      struct rop_response *resp);

/*
 * MT_SKIP with "server answers ecNotSupported for NAME" when RESP is that
 * answer, MT_PASS otherwise: the tests of ROP families a server may not
 * have built yet.
 */
enum mt_result mt_skip_unsupported(struct mt_test *t, const struct rop_response *resp);

/*
 * RopOpenFolder of FID from handle slot IN into slot OUT of LG; MT_SKIP
 * when the server answers ecNotSupported (MS-OXCFOLD not built yet).
 */
enum mt_result mt_open_folder(struct mt_test *t, struct mt_logon *lg, uint64_t fid, uint8_t in,
			      uint8_t out);

/* The well-known special folders of a private logon (MS-OXCSTOR 2.2.1.1.3) */
enum {
	MT_FID_ROOT = 0, MT_FID_DEFERRED_ACTION, MT_FID_SPOOLER_QUEUE, MT_FID_IPM_SUBTREE,
	MT_FID_INBOX, MT_FID_OUTBOX, MT_FID_SENT_ITEMS, MT_FID_DELETED_ITEMS,
	MT_FID_COMMON_VIEWS, MT_FID_SCHEDULE, MT_FID_SEARCH, MT_FID_VIEWS, MT_FID_SHORTCUTS,
};

/* Error codes of MS-OXCDATA 2.4 the tests name */
#define MT_EC_NOT_SUPPORTED 0x80040102u

/* helpers for OXCMSG/OXCPRPT/NSPI... */

/* ROP buffer framing across families (mt_oxcrops.c) */
extern const struct mt_family mt_family_oxcrops;

/* Error codes of MS-OXCDATA 2.4 these families name */
#define MT_EC_NOT_FOUND 0x8004010Fu
#define MT_EC_OBJECT_MODIFIED 0x80040109u
#define MT_EC_ACCESS_DENIED 0x80070005u
#define MT_EC_NOT_ENOUGH_MEMORY 0x8007000Eu
#define MT_EC_NULL_OBJECT 0x000004B9u
#define MT_EC_INVALID_PARAM 0x80070057u

/*
 * mt_rop, then MT_SKIP when the server answers ecNotSupported, then
 * MT_FAIL unless ReturnValue is success; WHAT names the step in the reason.
 */
enum mt_result mt_rop_ok(struct mt_test *t, struct mt_logon *lg, const struct rop_request *req,
			 struct rop_response *resp, const char *what);

/* RopCreateMessage in FID (folder object in slot IN) into slot OUT */
enum mt_result mt_create_message(struct mt_test *t, struct mt_logon *lg, uint64_t fid,
				 uint8_t in, uint8_t out);

/* RopSaveChangesMessage of the message in SLOT with FLAGS; *MID its id (may be NULL) */
enum mt_result mt_save_message(struct mt_test *t, struct mt_logon *lg, uint8_t slot,
			       uint8_t flags, uint64_t *mid);

/* RopOpenMessage of MID in FID from slot IN into slot OUT, OpenModeFlags MODE */
enum mt_result mt_open_message(struct mt_test *t, struct mt_logon *lg, uint64_t fid,
			       uint64_t mid, uint8_t in, uint8_t out, uint8_t mode);

/* RopSetProperties on SLOT; any PropertyProblem fails the test */
enum mt_result mt_set_props(struct mt_test *t, struct mt_logon *lg, uint8_t slot,
			    const struct mapi_propval *values, uint16_t count);

/* RopGetPropertiesSpecific (Unicode) on SLOT; *ROW the flagged values */
enum mt_result mt_get_props(struct mt_test *t, struct mt_logon *lg, uint8_t slot,
			    const uint32_t *tags, uint16_t count, struct mapi_property_row *row);

/* The value of the column for TAG in ROW when it is present, else NULL */
const struct mapi_propval *mt_row_value(const struct mapi_property_row *row,
					const uint32_t *tags, uint32_t tag);

/* RopRelease of SLOT (no response); the slot is empty afterwards */
enum mt_result mt_release(struct mt_test *t, struct mt_logon *lg, uint8_t slot);

/*
 * A private logon with the Inbox open in slot 1: the messages a test
 * creates there are listed in mids[] and hard-deleted after it, whatever
 * its verdict (a failed clean-up fails a test that had passed).
 */
struct mt_box {
	struct mt_logon lg;
	uint64_t fid;			/* the Inbox */
	uint64_t mids[8];
	size_t count;
};
typedef enum mt_result (*mt_box_fn)(struct mt_test *t, struct mt_box *box);
enum mt_result mt_in_inbox(struct mt_test *t, mt_box_fn fn);

/* Creates a message in the box's folder into slot OUT, saves it (kept open
 * read/write) and records it for the clean-up; *MID its id */
enum mt_result mt_box_message(struct mt_test *t, struct mt_box *box, uint8_t out,
			      const struct mapi_propval *values, uint16_t count, uint64_t *mid);
/* A PtypString / PtypInteger32 value of TAG (the string is not copied) */
struct mapi_propval mt_str_prop(uint32_t tag, const char *value);
struct mapi_propval mt_i32_prop(uint32_t tag, uint32_t value);

/*
 * Releases SLOT and opens MID of the box's folder there again, read-only:
 * what was saved, not what the handle had cached.
 */
enum mt_result mt_reopen(struct mt_test *t, struct mt_box *box, uint64_t mid, uint8_t slot);

/* helpers for OXCFOLD/OXCTABL/OXCSTOR/OXCRPC and the probe families
 * (OXCNOTIF, OXCFXICS, OXCPERM, OXORULE, OXOMSG) */
extern const struct mt_family mt_family_oxcnotif, mt_family_oxcfxics, mt_family_oxcperm,
	mt_family_oxorule, mt_family_oxomsg;

/* Handle slots the helpers below use for themselves: tests keep out of them */
#define MT_SLOT_MESSAGE 6
#define MT_SLOT_TEMP 7

/* RopDeleteFolder flags (MS-OXCFOLD 2.2.1.3.1) */
#define MT_DEL_MESSAGES 0x01
#define MT_DEL_FOLDERS 0x04
#define MT_DELETE_HARD_DELETE 0x10

/* A zeroed request of ROP_ID */
struct rop_request mt_request(uint8_t rop_id);

/* "PREFIX-<8 hex digits>", fresh in every run so runs never meet */
const char *mt_unique_name(struct mt_test *t, const char *prefix);

/* RopRelease of SLOT (no response); the slot is emptied */
void mt_drop(struct mt_test *t, struct mt_logon *lg, uint8_t slot);

/*
 * A generic folder NAME (COMMENT may be NULL) created under the folder in
 * slot IN, opened in slot OUT; *fid its FolderId.  MT_SKIP when the server
 * answers ecNotSupported.
 */
enum mt_result mt_create_folder(struct mt_test *t, struct mt_logon *lg, uint8_t in, uint8_t out,
				const char *name, const char *comment, uint64_t *fid);

/*
 * A new folder under the IPM subtree, opened in slot OUT, that is deleted
 * with everything in it when the test ends however it ends (a talloc
 * destructor on the test's context, freed before the connection).
 */
enum mt_result mt_scratch_folder(struct mt_test *t, struct mt_logon *lg, uint8_t out,
				 uint64_t *fid);

/*
 * A saved message in folder FID with PidTagSubject SUBJECT and
 * PidTagImportance IMPORTANCE; *mid its MessageId.  Its handle is released.
 */
enum mt_result mt_new_message(struct mt_test *t, struct mt_logon *lg, uint64_t fid,
				 const char *subject, uint32_t importance, uint64_t *mid);

/* The same, a folder associated information (FAI) message when ASSOCIATED */
enum mt_result mt_create_message_fai(struct mt_test *t, struct mt_logon *lg, uint64_t fid,
				     const char *subject, uint32_t importance, bool associated,
				     uint64_t *mid);

/* The 32-bit value of column I of ROW, or FALLBACK when it is not present */
uint32_t mt_row_u32(const struct mapi_property_row *row, size_t i, uint32_t fallback);

/*
 * RopGetHierarchyTable (HIERARCHY) or RopGetContentsTable of the folder in
 * slot IN into slot OUT, then RopSetColumns COLS; *row_count (may be NULL)
 * the RowCount the table ROP answered.
 */
enum mt_result mt_open_table(struct mt_test *t, struct mt_logon *lg, bool hierarchy, uint8_t in,
			     uint8_t out, const uint32_t *cols, uint16_t ncols,
			     uint32_t *row_count);

/* RopQueryRows of up to COUNT rows on the table in SLOT; *resp the answer */
enum mt_result mt_query_rows(struct mt_test *t, struct mt_logon *lg, uint8_t slot, bool forward,
			     uint8_t flags, uint16_t count, struct rop_response *resp);

/*
 * Whether the table in SLOT (columns set, first column a PtypInteger64 id)
 * has a row whose first column is ID: *found, *position its row index.
 */
enum mt_result mt_table_find_id(struct mt_test *t, struct mt_logon *lg, uint8_t slot, uint64_t id,
				bool *found, uint32_t *position);

#endif
