/*
 * OpenChange mapiproxy EMSMDB: the message and attachment ROPs of MS-OXCMSG (oxcmsg.c).
 *
 * A message object (struct emsmdb_message, objects.h) holds its logon and
 * owns its mapistore message; an attachment object holds its message; an
 * embedded message holds its attachment.  Recipients travel as MS-OXCDATA
 * 2.8.3 RecipientRows, which the ROP codec keeps as bytes: this file
 * encodes and decodes them.
 *
 * Copyright (C) OpenChange developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef MAPIPROXY_EMSMDB_OXCMSG_H
#define MAPIPROXY_EMSMDB_OXCMSG_H

#include "mapiproxy/emsmdb/objects.h"

/* OpenModeFlags of RopOpenMessage (MS-OXCMSG 2.2.3.1.1) */
#define EMSMDB_MESSAGE_OPEN_READ_ONLY 0x00
#define EMSMDB_MESSAGE_OPEN_READ_WRITE 0x01
#define EMSMDB_MESSAGE_OPEN_BEST_ACCESS 0x03
#define EMSMDB_MESSAGE_OPEN_SOFT_DELETED 0x04

/* OpenModeFlags of RopOpenEmbeddedMessage (MS-OXCMSG 2.2.3.16.1) */
#define EMSMDB_EMBEDDED_OPEN_READ_ONLY 0x00
#define EMSMDB_EMBEDDED_OPEN_READ_WRITE 0x01
#define EMSMDB_EMBEDDED_OPEN_CREATE 0x02

/* TableFlags of RopGetAttachmentTable (MS-OXCMSG 2.2.3.17.1) */
#define EMSMDB_ATTACHMENT_TABLE_UNICODE 0x40

/* RecipientFlags (MS-OXCDATA 2.8.3.1) */
#define EMSMDB_RECIP_TYPE_MASK 0x0007
#define EMSMDB_RECIP_E 0x0008		/* EmailAddress present */
#define EMSMDB_RECIP_D 0x0010		/* DisplayName present */
#define EMSMDB_RECIP_T 0x0020		/* TransmittableDisplayName present */
#define EMSMDB_RECIP_S 0x0040		/* TransmittableDisplayName is DisplayName */
#define EMSMDB_RECIP_R 0x0080		/* another transport delivers */
#define EMSMDB_RECIP_N 0x0100		/* no rich text */
#define EMSMDB_RECIP_U 0x0200		/* strings are UTF-16 */
#define EMSMDB_RECIP_I 0x0400		/* SimpleDisplayName present */
#define EMSMDB_RECIP_RESERVED 0x7800
#define EMSMDB_RECIP_O 0x8000		/* AddressType present */

enum emsmdb_recip_type {
	EMSMDB_RECIP_NOTYPE = 0,
	EMSMDB_RECIP_X500DN = 1,
	EMSMDB_RECIP_MSMAIL = 2,
	EMSMDB_RECIP_SMTP = 3,
	EMSMDB_RECIP_FAX = 4,
	EMSMDB_RECIP_PROFS = 5,
	EMSMDB_RECIP_PDL1 = 6,
	EMSMDB_RECIP_PDL2 = 7,
};

/*
 * The columns every RecipientRow this server sends carries after its
 * standard fields (RecipientColumns of RopOpenMessage and friends; the
 * rows of RopReadRecipients use the same).
 */
extern const struct mapi_tag_array emsmdb_recipient_columns;

/*
 * A RecipientRow (MS-OXCDATA 2.8.3.2) into mapistore recipient properties
 * under MEM_CTX: the standard fields as their properties, the first
 * RecipientColumnCount of COLUMNS as given; 8-bit strings are in
 * CODE_PAGE.  MAPI_E_INVALID_PARAMETER for a row that does not parse.
 */
enum MAPISTATUS emsmdb_recipient_row_decode(TALLOC_CTX *mem_ctx, const uint8_t *data, size_t len,
					    const struct mapi_tag_array *columns, uint32_t code_page,
					    uint16_t *count, struct mapi_propval **props);
/* The reverse, with emsmdb_recipient_columns; UTF-16 strings. */
enum MAPISTATUS emsmdb_recipient_row_encode(TALLOC_CTX *mem_ctx, const struct mapistore_recipient *r,
					    uint8_t **data, size_t *len);

enum MAPISTATUS emsmdb_rop_open_message(struct emsmdb_rop_ctx *ctx, struct rop_response *response);
enum MAPISTATUS emsmdb_rop_create_message(struct emsmdb_rop_ctx *ctx, struct rop_response *response);
enum MAPISTATUS emsmdb_rop_save_changes_message(struct emsmdb_rop_ctx *ctx,
						struct rop_response *response);
enum MAPISTATUS emsmdb_rop_remove_all_recipients(struct emsmdb_rop_ctx *ctx,
						 struct rop_response *response);
enum MAPISTATUS emsmdb_rop_modify_recipients(struct emsmdb_rop_ctx *ctx,
					     struct rop_response *response);
enum MAPISTATUS emsmdb_rop_read_recipients(struct emsmdb_rop_ctx *ctx, struct rop_response *response);
enum MAPISTATUS emsmdb_rop_reload_cached_information(struct emsmdb_rop_ctx *ctx,
						     struct rop_response *response);
enum MAPISTATUS emsmdb_rop_set_message_status(struct emsmdb_rop_ctx *ctx,
					      struct rop_response *response);
enum MAPISTATUS emsmdb_rop_get_message_status(struct emsmdb_rop_ctx *ctx,
					      struct rop_response *response);
enum MAPISTATUS emsmdb_rop_set_read_flags(struct emsmdb_rop_ctx *ctx, struct rop_response *response);
enum MAPISTATUS emsmdb_rop_set_message_read_flag(struct emsmdb_rop_ctx *ctx,
						 struct rop_response *response);
enum MAPISTATUS emsmdb_rop_open_attachment(struct emsmdb_rop_ctx *ctx, struct rop_response *response);
enum MAPISTATUS emsmdb_rop_create_attachment(struct emsmdb_rop_ctx *ctx,
					     struct rop_response *response);
enum MAPISTATUS emsmdb_rop_delete_attachment(struct emsmdb_rop_ctx *ctx,
					     struct rop_response *response);
enum MAPISTATUS emsmdb_rop_save_changes_attachment(struct emsmdb_rop_ctx *ctx,
						   struct rop_response *response);
enum MAPISTATUS emsmdb_rop_open_embedded_message(struct emsmdb_rop_ctx *ctx,
						 struct rop_response *response);
enum MAPISTATUS emsmdb_rop_get_attachment_table(struct emsmdb_rop_ctx *ctx,
						struct rop_response *response);
enum MAPISTATUS emsmdb_rop_get_valid_attachments(struct emsmdb_rop_ctx *ctx,
						 struct rop_response *response);

#endif
