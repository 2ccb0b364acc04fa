/*
 * OpenChange mapiproxy: address book templates (MS-OXOABKT).
 *
 * This server has no address-creation templates and no display templates
 * of its own: the address creation table is empty (a valid table: no
 * address type can be created through the address book) and
 * NspiGetTemplateInfo reports NotFound, after which MAPI clients use their
 * built-in display templates.
 *
 * Copyright (C) OpenChange developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "mapiproxy/nspi/nspi_book.h"

struct PropertyRowSet_r *nspi_address_creation_table(TALLOC_CTX *mem_ctx, bool unicode,
						     uint32_t codepage)
{
	(void)unicode;
	(void)codepage;
	return talloc_zero(mem_ctx, struct PropertyRowSet_r);
}

bool nspi_template_data(TALLOC_CTX *mem_ctx, uint32_t display_type, DATA_BLOB *out)
{
	(void)mem_ctx;
	(void)display_type;
	*out = data_blob_null;
	return false;
}
