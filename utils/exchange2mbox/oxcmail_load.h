/*
 * A message read over the client API into struct oxcmail_message.
 *
 * Copyright (C) OpenChange developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef UTILS_EXCHANGE2MBOX_OXCMAIL_LOAD_H
#define UTILS_EXCHANGE2MBOX_OXCMAIL_LOAD_H

#include <stdbool.h>
#include <talloc.h>

#include "libmapi/libmapi.h"
#include "utils/exchange2mbox/oxcmail.h"

/*
 * MSG's properties (GetPropsAll), recipients and attachments (each
 * attachment's data through a stream) into *out, everything under
 * MEM_CTX.  An attachment with PidTagAttachMethod afEmbeddedMessage is
 * opened read-only with OpenEmbeddedMessage and loaded the same way, one
 * level deeper; DEPTH is MSG's own level (0 for a message in a folder).
 * At OXCMAIL_MAX_DEPTH nothing more is opened (the converter writes a
 * note there).  False when the message or an embedded one cannot be read
 * (an embedded one says why on stderr).
 */
bool oxcmail_load_message(TALLOC_CTX *mem_ctx, mapi_object_t *msg, unsigned depth,
			  struct oxcmail_message *out);

#endif
