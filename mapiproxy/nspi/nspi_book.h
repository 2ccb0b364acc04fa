/*
 * OpenChange mapiproxy: the NSPI address book (MS-OXNSPI), the parts that
 * need no running samba.
 *
 * A `struct nspi_book` is an immutable snapshot of the directory: every
 * address book object (users, groups, contacts, address lists) with its
 * ldb message, the containers with their members sorted by display name,
 * the attribute-to-property map read from the schema and the indexes the
 * calls need (MId, DN, ANR keys).  The provider keeps one per process and
 * builds a new one when sam.ldb's sequence number moves; sessions hold no
 * copy of it, only their STAT-independent settings.
 *
 * An object's Minimal Entry ID is its uSNCreated + 0x10 (0-0xF are reserved,
 * MS-OXNSPI 2.2.9.1): unique on this DC and the same in every process, so
 * prefork workers and restarts agree.  Objects without one (test fixtures)
 * get a MId from 0x80000000 up from a `struct nspi_mid_registry` keyed on
 * objectGUID, which outlives the snapshots.
 *
 * Copyright (C) OpenChange developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef MAPIPROXY_NSPI_BOOK_H
#define MAPIPROXY_NSPI_BOOK_H

#include "libmapi/codepage.h"	/* MAPI_CP_WINUNICODE, MAPI_CP_TELETEX */
#include <stdbool.h>
#include <stdint.h>
#include <talloc.h>
#include <ndr.h>	/* before ldb.h: one struct for DATA_BLOB and ldb_val */
#include <ldb.h>
#include "idl/gen_nspi.h"

/* MS-OXNSPI 2.2.1.x constants */
#define NSPI_MID_BEGINNING_OF_TABLE	0x00000000
#define NSPI_MID_CURRENT		0x00000001
#define NSPI_MID_END_OF_TABLE		0x00000002
#define NSPI_MID_UNRESOLVED		0x00000000
#define NSPI_MID_AMBIGUOUS		0x00000001
#define NSPI_MID_RESOLVED		0x00000002
#define NSPI_MID_FIRST			0x00000010	/* the first MId (0-0xF are reserved) */
#define NSPI_MID_REGISTRY_FIRST		0x80000000	/* MIds of objects without uSNCreated */

#define NSPI_SORT_DISPLAY_NAME		0x00000000	/* SortTypeDisplayName */
#define NSPI_SORT_PHONETIC_DISPLAY_NAME	0x00000003	/* SortTypePhoneticDisplayName */
#define NSPI_SORT_DISPLAY_NAME_RO	0x000003E8
#define NSPI_SORT_DISPLAY_NAME_W	0x000003E9

/* retrieval flags (2.2.1.3) */
#define NSPI_fSkipObjects		0x00000001
#define NSPI_fEphID			0x00000002
/* NspiGetSpecialTable (2.2.1.5) */
#define NSPI_AddressCreationTemplates	0x00000002
#define NSPI_UnicodeStrings		0x00000004
/* NspiQueryColumns (2.2.1.6) */
#define NSPI_UnicodeProptypes		0x80000000
/* NspiGetIDsFromNames (2.2.1.7) */
#define NSPI_VerifyNames		0x00000002
/* NspiModLinkAtt (2.2.1.4) */
#define NSPI_fDelete			0x00000001
/* NspiGetTemplateInfo (2.2.1.8) */
#define NSPI_TI_TEMPLATE		0x00000001
#define NSPI_TI_SCRIPT			0x00000004
#define NSPI_TI_EMT			0x00000010
#define NSPI_TI_HELPFILE_NAME		0x00000020
#define NSPI_TI_HELPFILE_CONTENTS	0x00000040

/* MS-OXOABK 2.2.3.11 PidTagDisplayType, 2.2.3.10 PidTagObjectType */
#define NSPI_DT_MAILUSER		0x00000000
#define NSPI_DT_DISTLIST		0x00000001
#define NSPI_DT_REMOTE_MAILUSER		0x00000006
#define NSPI_DT_CONTAINER		0x00000100
#define NSPI_DT_ADDRESS_TEMPLATE	0x00000101
#define NSPI_MAPI_ABCONT		0x00000004
#define NSPI_MAPI_MAILUSER		0x00000006
#define NSPI_MAPI_DISTLIST		0x00000008
/* MS-OXOABK 2.2.2.1 PidTagContainerFlags */
#define NSPI_AB_RECIPIENTS		0x00000001
#define NSPI_AB_SUBCONTAINERS		0x00000002
#define NSPI_AB_UNMODIFIABLE		0x00000008

/* property types beyond the IDL's PropertyType */
#define NSPI_PT_UNSPECIFIED		0x0000
#define NSPI_PT_EMBEDDED_TABLE		0x000D	/* PT_OBJECT */

#define NSPI_PROP_ID(tag)		((uint32_t)(tag) >> 16)
#define NSPI_PROP_TYPE(tag)		((uint32_t)(tag) & 0xFFFF)
#define NSPI_PROP_TAG(id, type)		((((uint32_t)(id)) << 16) | ((uint32_t)(type) & 0xFFFF))

/* the property tags the provider computes or names (MS-OXPROPS) */
#define NSPI_TAG_ENTRYID			0x0FFF0102
#define NSPI_TAG_INSTANCE_KEY			0x0FF60102
#define NSPI_TAG_RECORD_KEY			0x0FF90102
#define NSPI_TAG_MAPPING_SIGNATURE		0x0FF80102
#define NSPI_TAG_OBJECT_TYPE			0x0FFE0003
#define NSPI_TAG_DISPLAY_NAME			0x3001001F
#define NSPI_TAG_ADDRESS_TYPE			0x3002001F
#define NSPI_TAG_EMAIL_ADDRESS			0x3003001F
#define NSPI_TAG_DEPTH				0x30050003
#define NSPI_TAG_SEARCH_KEY			0x300B0102
#define NSPI_TAG_CONTAINER_FLAGS		0x36000003
#define NSPI_TAG_ANR				0x360C001F
#define NSPI_TAG_SELECTABLE			0x3609000B
#define NSPI_TAG_DISPLAY_TYPE			0x39000003
#define NSPI_TAG_TEMPLATEID			0x39020102
#define NSPI_TAG_DISPLAY_TYPE_EX		0x39050003
#define NSPI_TAG_SMTP_ADDRESS			0x39FE001F
#define NSPI_TAG_ACCOUNT			0x3A00001F
#define NSPI_TAG_TRANSMITTABLE_DISPLAY_NAME	0x3A20001F
#define NSPI_TAG_PRIMARY_TELEPHONE_NUMBER	0x3A1A001F
#define NSPI_TAG_BUSINESS_TELEPHONE_NUMBER	0x3A08001F
#define NSPI_TAG_HOME_TELEPHONE_NUMBER		0x3A09001F
#define NSPI_TAG_COMPANY_NAME			0x3A16001F
#define NSPI_TAG_TITLE				0x3A17001F
#define NSPI_TAG_MOBILE_TELEPHONE_NUMBER	0x3A1C001F
#define NSPI_TAG_BUSINESS_FAX_NUMBER		0x3A24001F
#define NSPI_TAG_DEPARTMENT_NAME		0x3A18001F
#define NSPI_TAG_OFFICE_LOCATION		0x3A19001F
#define NSPI_TAG_AB_HOME_MDB			0x8006001E
#define NSPI_TAG_AB_MEMBER			0x8009000D
#define NSPI_TAG_AB_PROXY_ADDRESSES		0x800F101F
#define NSPI_TAG_AB_OBJECT_GUID			0x8C6D0102
#define NSPI_TAG_AB_IS_MASTER			0xFFFB000B
#define NSPI_TAG_AB_PARENT_ENTRYID		0xFFFC0102
#define NSPI_TAG_AB_CONTAINER_ID		0xFFFD0003
#define NSPI_TAG_TEMPLATE_DATA			0x00010102
#define NSPI_TAG_SCRIPT_DATA			0x00040102
#define NSPI_TAG_ADDRESS_TYPE_8			0x3002001E

/* MS-OXOABKT 2.2.2.1: the TRowSet of PidTagTemplateData */
#define NSPI_TROWSET_TYPE		0x00000001
#define NSPI_TROW_SIZE			36
/* TRow ControlType (2.2.2.1.2) */
#define NSPI_DTCT_LABEL			0x00000000
#define NSPI_DTCT_EDIT			0x00000001
#define NSPI_DTCT_LBX			0x00000002
#define NSPI_DTCT_COMBOBOX		0x00000003
#define NSPI_DTCT_DDLBX			0x00000004
#define NSPI_DTCT_CHECKBOX		0x00000005
#define NSPI_DTCT_GROUPBOX		0x00000006
#define NSPI_DTCT_BUTTON		0x00000007
#define NSPI_DTCT_PAGE			0x00000008
#define NSPI_DTCT_RADIOBUTTON		0x00000009
#define NSPI_DTCT_MVLISTBOX		0x0000000B
#define NSPI_DTCT_MVDDLBX		0x0000000C
/* TRow ControlFlags (2.2.2.1.2) */
#define NSPI_DT_MULTILINE		0x00000001
#define NSPI_DT_EDITABLE		0x00000002
#define NSPI_DT_REQUIRED		0x00000004
#define NSPI_DT_SET_IMMEDIATE		0x00000008
#define NSPI_DT_PASSWORD_EDIT		0x00000010
#define NSPI_DT_ACCEPT_DBCS		0x00000020
#define NSPI_DT_SET_SELECTION		0x00000040
/* MS-OXOABKT 2.2.2.2 script instructions (the ones the built-in script uses) */
#define NSPI_SCRIPT_HALT		0x00000000
#define NSPI_SCRIPT_ERROR		0x00000001
#define NSPI_SCRIPT_EMIT_PROPERTY	0x00000002
/* the locale the built-in templates are written for (en-US); served for every LCID */
#define NSPI_TEMPLATE_LOCALE		0x00000409

/* MS-OXNSPI 2.2.9.1: the NSPI provider's UID in permanent entry IDs */
extern const uint8_t nspi_provider_uid[16];

enum nspi_kind {
	NSPI_KIND_USER = 0,
	NSPI_KIND_GROUP,
	NSPI_KIND_CONTACT,
	NSPI_KIND_CONTAINER,
};

struct nspi_container;

struct nspi_object {
	uint32_t mid;
	enum nspi_kind kind;
	uint32_t display_type;		/* PidTagDisplayType */
	uint32_t object_type;		/* PidTagObjectType */
	const char *display_name;	/* UTF-8, "" when the object has none */
	const char *sort_key;		/* display name, lower case: sorts the tables */
	const char *legacy_dn;		/* legacyExchangeDN, or /guid=<hex> */
	uint8_t guid[16];		/* objectGUID */
	const char *dn;			/* the AD DN, linearized */
	struct ldb_message *msg;
	uint32_t gal_pos;		/* row in the GAL, UINT32_MAX when not in it */
	struct nspi_container *container;	/* address lists only */
};

/* a status-based table: rows sorted by (sort_key, mid) */
struct nspi_table {
	uint32_t count;
	struct nspi_object **rows;
};

struct nspi_container {
	uint32_t id;			/* ContainerID: 0 for the GAL, else the MId */
	struct nspi_object *obj;	/* NULL for the GAL when not in AD */
	const char *display_name;
	uint32_t depth;
	uint32_t flags;			/* PidTagContainerFlags */
	struct nspi_container *parent;
	struct nspi_table table;
};

/* one attribute with a MAPI property: from the schema's mAPIID or fixed */
struct nspi_propmap {
	uint16_t prop_id;
	uint16_t native_type;		/* PT_* of MS-OXCDATA, MV included */
	const char *attr;		/* lDAPDisplayName */
};

struct nspi_anr_key {
	const char *key;		/* lower case */
	struct nspi_object *obj;
	bool whole;			/* the whole value, not one word of it */
};

struct nspi_dn_map {
	const char *dn;			/* AD DN, lower case */
	const char *legacy_dn;
	struct nspi_object *obj;	/* NULL for configuration objects */
};

struct nspi_mid_registry;

struct nspi_book {
	uint64_t sequence;		/* sam.ldb's sequence number it was built at */
	uint32_t version;		/* hierarchy table version (NspiGetSpecialTable) */
	uint32_t num_objects;
	struct nspi_object **objects;
	struct nspi_object **by_mid;	/* sorted by MId */
	struct nspi_object **by_legacy_dn;	/* sorted by strcasecmp of legacy_dn */
	struct nspi_container *gal;
	uint32_t num_containers;	/* the hierarchy after the GAL, in table order */
	struct nspi_container **containers;
	uint32_t num_props;
	struct nspi_propmap *props;	/* sorted by prop_id */
	uint32_t num_anr;
	struct nspi_anr_key *anr;	/* sorted by key */
	uint32_t num_dns;
	struct nspi_dn_map *dns;	/* sorted by dn */
};

/* What the directory layer hands to nspi_book_build. */
struct nspi_book_source {
	struct ldb_context *ldb;		/* parses the DNs of showInAddressBook */
	uint64_t sequence;
	struct ldb_message **recipients;	/* users, groups, contacts with showInAddressBook */
	uint32_t num_recipients;
	struct ldb_message **lists;		/* addressBookContainer objects */
	uint32_t num_lists;
	const char *gal_dn;			/* NULL: every listed recipient is in the GAL */
	const char *all_lists_dn;		/* CN=All Address Lists,... or NULL */
	struct ldb_message **config;		/* configuration objects with a legacyExchangeDN */
	uint32_t num_config;
	struct nspi_propmap *props;
	uint32_t num_props;
};

struct nspi_mid_registry *nspi_mid_registry_new(TALLOC_CTX *mem_ctx);

/* Builds a snapshot; the messages are stolen.  NULL when out of memory. */
struct nspi_book *nspi_book_build(TALLOC_CTX *mem_ctx, struct nspi_mid_registry *mids,
				  struct nspi_book_source *src);

struct nspi_object *nspi_book_object(const struct nspi_book *book, uint32_t mid);
struct nspi_object *nspi_book_object_by_dn(const struct nspi_book *book, const char *legacy_dn);
/* ContainerID 0 is the GAL; NULL for anything that is not an address list */
struct nspi_container *nspi_book_container(const struct nspi_book *book, uint32_t container_id);
bool nspi_container_has(const struct nspi_container *c, const struct nspi_object *obj);
/* row of obj in c, or UINT32_MAX */
uint32_t nspi_container_row(const struct nspi_container *c, const struct nspi_object *obj);
const char *nspi_book_legacy_dn_of(const struct nspi_book *book, const char *ad_dn);
const struct nspi_propmap *nspi_book_propmap(const struct nspi_book *book, uint16_t prop_id);
/* casefolding for sort keys and ANR */
char *nspi_fold(TALLOC_CTX *mem_ctx, const char *utf8);
int nspi_compare_rows(const struct nspi_object *a, const struct nspi_object *b);

/*
 * MS-OXNSPI 3.1.4.5 Positioning in a Table: the row a STAT names (absolute
 * positioning by CurrentRec, or fractional by NumPos/TotalRecs when
 * CurrentRec is MID_CURRENT), moved by Delta and clamped to 0..count
 * (count = past the end).  MAPI_E_NOT_FOUND when CurrentRec is a MId that
 * is not in the table.
 */
uint32_t nspi_position_locate(const struct nspi_table *table, const struct STAT *stat,
			      uint32_t *row, uint32_t *row_before_delta);
/* writes the position back: CurrentRec, NumPos, TotalRecs, Delta = 0 */
void nspi_position_store(const struct nspi_table *table, uint32_t row, struct STAT *stat);

/* --- properties (nspi_props.c) --- */

struct nspi_prop_ctx {
	const struct nspi_book *book;
	uint32_t codepage;		/* for PT_STRING8 */
	uint32_t flags;			/* fEphID, fSkipObjects */
	const uint8_t *server_guid;	/* 16 bytes: ephemeral IDs, PidTagMappingSignature */
	uint32_t container_id;		/* the STAT's: a recipient's PidTagAddressBookContainerId */
	bool wire;			/* 8-bit strings converted for the NDR layer */
};

/*
 * One property of obj as the client asked for it: strings in the requested
 * width (PT_STRING8 in ctx->codepage when ctx->wire), PT_ERROR with
 * MAPI_E_NOT_FOUND when the object has no such property.  Returns false
 * when the value is an error.
 */
bool nspi_get_prop(TALLOC_CTX *mem_ctx, const struct nspi_prop_ctx *ctx,
		   const struct nspi_object *obj, uint32_t tag, struct PropertyValue_r *out);
/* properties of a container row of the hierarchy table */
bool nspi_get_container_prop(TALLOC_CTX *mem_ctx, const struct nspi_prop_ctx *ctx,
			     const struct nspi_container *c, uint32_t tag,
			     struct PropertyValue_r *out);
/* a row: one value per column; returns the number of error values */
uint32_t nspi_build_row(TALLOC_CTX *mem_ctx, const struct nspi_prop_ctx *ctx,
			const struct nspi_object *obj, const struct PropertyTagArray_r *cols,
			struct PropertyRow_r *row);
/* the default columns of NspiQueryRows / NspiResolveNames (3.1.4.1.8) */
struct PropertyTagArray_r *nspi_default_columns(TALLOC_CTX *mem_ctx, bool unicode);
/* every property obj has (NspiGetPropList), or every known one (obj NULL: NspiQueryColumns) */
struct PropertyTagArray_r *nspi_prop_list(TALLOC_CTX *mem_ctx, const struct nspi_book *book,
					  const struct nspi_object *obj, bool unicode,
					  bool skip_objects);

/* entry IDs (MS-OXNSPI 2.2.9.2, 2.2.9.3) */
DATA_BLOB nspi_permanent_entryid(TALLOC_CTX *mem_ctx, uint32_t display_type, const char *dn);
DATA_BLOB nspi_ephemeral_entryid(TALLOC_CTX *mem_ctx, const uint8_t *server_guid,
				 uint32_t display_type, uint32_t mid);
struct nspi_entryid {
	bool ephemeral;
	uint32_t display_type;
	uint32_t mid;			/* ephemeral */
	const char *dn;			/* permanent */
	uint8_t provider[16];
};
bool nspi_parse_entryid(TALLOC_CTX *mem_ctx, const uint8_t *data, size_t len,
			struct nspi_entryid *out);

/*
 * 8-bit strings.  The NDR layer (charset DOS) carries the wire's bytes, in
 * the STAT's code page; these convert them to and from UTF-8
 * (libmapi/codepage.c), a NULL string staying NULL.  false for an unknown
 * code page or a string that does not convert.
 */
bool nspi_string8_from_wire(TALLOC_CTX *mem_ctx, const char *wire, uint32_t codepage,
			    char **utf8);
bool nspi_string8_to_wire(TALLOC_CTX *mem_ctx, const char *utf8, uint32_t codepage,
			  char **wire);

/* --- matching (nspi_match.c) --- */

enum nspi_anr_result { NSPI_ANR_NONE, NSPI_ANR_UNIQUE, NSPI_ANR_AMBIGUOUS };
/* MS-OXNSPI 3.1.4.7 ANR of one UTF-8 string within container c */
enum nspi_anr_result nspi_anr(const struct nspi_book *book, const struct nspi_container *c,
			      const char *query, struct nspi_object **found);
bool nspi_anr_matches(const struct nspi_book *book, const struct nspi_object *obj,
		      const char *query);

/*
 * Restriction evaluation (MS-OXCDATA 2.12 / MS-OXNSPI 2.2.2).  Strings of
 * PT_STRING8 values in the restriction are wire strings in ctx->codepage.
 * Returns MAPI_E_SUCCESS and *match, or MAPI_E_TOO_COMPLEX for nesting
 * beyond NSPI_MAX_RESTRICTION_DEPTH or an unsupported restriction.
 */
#define NSPI_MAX_RESTRICTION_DEPTH 32
uint32_t nspi_restriction_check(const struct nspi_prop_ctx *ctx, const struct Restriction_r *res);
bool nspi_restriction_match(const struct nspi_prop_ctx *ctx, const struct nspi_object *obj,
			    const struct Restriction_r *res);

/* --- named properties (nspi_names.c) --- */

struct nspi_names;
struct nspi_names *nspi_names_new(TALLOC_CTX *mem_ctx);
/* 0 when unknown and !create */
uint16_t nspi_names_id(struct nspi_names *names, const struct PropertyName_r *name, bool create);
const struct PropertyName_r *nspi_names_name(const struct nspi_names *names, uint16_t id);

/* --- templates (nspi_templates.c) --- */

/* MS-OXOABKT 3.2.1.1: a template object (a display or an address creation template) */
struct nspi_template;
/* the display template for ulType (a PidTagDisplayType); every LCID has the same */
const struct nspi_template *nspi_template_find(uint32_t display_type, uint32_t locale);
/* the address creation template a DN names (NspiGetTemplateInfo's pDN), NULL for none */
const struct nspi_template *nspi_template_find_dn(const struct nspi_book *book, const char *dn,
						  uint32_t *locale);
/* its PidTagTemplateData (a TRowSet, strings in codepage); false for an unknown code page */
bool nspi_template_trowset(TALLOC_CTX *mem_ctx, const struct nspi_template *t, uint32_t codepage,
			   DATA_BLOB *out);
/* its PidTagScriptData (MS-OXOABKT 2.2.2.2), empty for display templates */
bool nspi_template_script(TALLOC_CTX *mem_ctx, const struct nspi_template *t, DATA_BLOB *out);
/* its PidTagAddressType (TI_EMT) */
const char *nspi_template_type(const struct nspi_template *t);
/* "/o=<org>": the organization's legacyExchangeDN */
char *nspi_book_org_dn(TALLOC_CTX *mem_ctx, const struct nspi_book *book);
/* the DN of the creation template for address_type in locale */
char *nspi_creation_template_dn(TALLOC_CTX *mem_ctx, const struct nspi_book *book,
				uint32_t locale, const char *address_type);
/*
 * NspiGetSpecialTable(NspiAddressCreationTemplates): one row per creation
 * template (MS-OXOABKT 2.2.1), strings as PtypString8 in codepage, or
 * PtypString when codepage is CP_WINUNICODE; NULL when out of memory or for
 * an unknown code page
 */
struct PropertyRowSet_r *nspi_address_creation_table(TALLOC_CTX *mem_ctx,
						     const struct nspi_book *book,
						     uint32_t locale, uint32_t codepage);
/* by display type and LCID: whether a display template exists, its data, its address type */
bool nspi_template_exists(uint32_t display_type, uint32_t locale);
bool nspi_template_data(TALLOC_CTX *mem_ctx, uint32_t display_type, uint32_t locale,
			uint32_t codepage, DATA_BLOB *out);
const char *nspi_template_address_type(uint32_t display_type, uint32_t locale);

#endif
