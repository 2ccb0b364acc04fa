/*
 * Reads a message through the public client API (libmapi/libmapi.h) into
 * the conversion core's model (struct oxcmail_message), its attachments
 * and embedded messages included.  Shared by exchange2mbox and
 * openchangeclient; kept out of libexchange2mbox.la, which stays offline.
 *
 * Copyright (C) OpenChange developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <stdio.h>
#include <string.h>

#include "utils/exchange2mbox/oxcmail_load.h"

/* Reads a whole stream (PidTagAttachDataBinary can exceed one GetProps buffer, MS-OXCPRPT 3.2.5.1). */
static bool read_stream(TALLOC_CTX *mem_ctx, mapi_object_t *obj, uint32_t tag, uint8_t **data,
			size_t *len)
{
	mapi_object_t stream;
	mapi_object_init(&stream);
	if (OpenStream(obj, tag, MAPI_OPEN_READ, &stream) != MAPI_E_SUCCESS)
		return false;
	size_t cap = stream.stream_size ? stream.stream_size : 4096, n = 0;
	uint8_t *buf = talloc_size(mem_ctx, cap);
	bool ok = buf != NULL;
	while (ok) {
		uint32_t got = 0;
		if (cap - n < 4096) {
			cap *= 2;
			buf = talloc_realloc_size(mem_ctx, buf, cap);
			if (!buf) { ok = false; break; }
		}
		uint32_t want = (cap - n) > 0x7000 ? 0x7000 : (uint32_t)(cap - n);
		if (ReadStream(&stream, buf + n, want, &got) != MAPI_E_SUCCESS) { ok = false; break; }
		if (got == 0)
			break;
		n += got;
	}
	mapi_object_release(&stream);
	*data = buf;
	*len = n;
	return ok;
}

/*
 * An embedded message (PidTagAttachMethod afEmbeddedMessage, MS-OXCMSG
 * 2.2.2.9) opened with RopOpenEmbeddedMessage and loaded like any message,
 * its own attachments included.  Below OXCMAIL_MAX_DEPTH the converter
 * writes only a note, so nothing is opened there.
 */
static bool load_embedded(TALLOC_CTX *mem_ctx, mapi_object_t *att, unsigned depth,
			  struct oxcmail_attachment *out)
{
	static const struct oxcmail_message too_deep;
	struct oxcmail_message *m;
	mapi_object_t emb;
	enum MAPISTATUS ret;
	bool ok;

	out->data = NULL;
	out->len = 0;
	if (depth + 1 >= OXCMAIL_MAX_DEPTH) {
		out->embedded = &too_deep;
		return true;
	}
	m = talloc_zero(mem_ctx, struct oxcmail_message);
	if (m == NULL)
		return false;
	mapi_object_init(&emb);
	if ((ret = OpenEmbeddedMessage(att, MAPI_OPEN_READ, &emb)) != MAPI_E_SUCCESS) {
		const char *why = MapiLastError(att->session);
		fprintf(stderr, "an embedded message cannot be opened: 0x%08x%s%s\n",
			(unsigned)ret, why ? ": " : "", why ? why : "");
		return false;
	}
	ok = oxcmail_load_message(mem_ctx, &emb, depth + 1, m);
	mapi_object_release(&emb);
	out->embedded = m;
	return ok;
}

static bool load_attachments(TALLOC_CTX *mem_ctx, mapi_object_t *msg, unsigned depth,
			     struct oxcmail_attachment **out, size_t *count)
{
	mapi_object_t table;
	uint32_t cols[] = { PidTagAttachNumber };
	struct oxcmail_attachment *atts = NULL;
	size_t n = 0;
	bool ok = true;

	*out = NULL;
	*count = 0;
	mapi_object_init(&table);
	if (GetAttachmentTable(msg, &table) != MAPI_E_SUCCESS)
		return true;	/* no attachment table: no attachments */
	if (SetColumns(&table, cols, 1) != MAPI_E_SUCCESS) {
		mapi_object_release(&table);
		return false;
	}
	while (ok) {
		struct mapi_row *rows = NULL;
		uint32_t nrows = 0;
		if (QueryRows(mem_ctx, &table, 50, &rows, &nrows) != MAPI_E_SUCCESS) {
			ok = false;
			break;
		}
		if (nrows == 0)
			break;
		for (uint32_t r = 0; ok && r < nrows; r++) {
			if (rows[r].count < 1 || rows[r].props[0].tag != PidTagAttachNumber)
				continue;
			mapi_object_t att;
			mapi_object_init(&att);
			if (OpenAttach(msg, rows[r].props[0].value.i32, &att) != MAPI_E_SUCCESS)
				continue;
			struct mapi_propval *props = NULL;
			uint32_t pc = 0;
			if (GetPropsAll(mem_ctx, &att, &props, &pc) != MAPI_E_SUCCESS) {
				mapi_object_release(&att);
				continue;
			}
			atts = talloc_realloc(mem_ctx, atts, struct oxcmail_attachment, n + 1);
			if (!atts) {
				mapi_object_release(&att);
				ok = false;
				break;
			}
			oxcmail_attachment_from_props(props, pc, &atts[n]);
			const struct mapi_propval *method = GetPropValue(props, pc, PidTagAttachMethod);
			if (method != NULL && method->value.i32 == MAPI_ATTACH_EMBEDDED_MESSAGE) {
				const struct mapi_propval *dn = GetPropValue(props, pc, PidTagDisplayName);
				if (atts[n].filename == NULL && dn != NULL)
					atts[n].filename = dn->value.string;
				ok = load_embedded(mem_ctx, &att, depth, &atts[n]);
			} else {
				/* GetPropsAll may leave out or truncate a big binary: the stream is authoritative */
				uint8_t *data;
				size_t len;
				if (read_stream(mem_ctx, &att, PidTagAttachDataBinary, &data, &len)) {
					atts[n].data = data;
					atts[n].len = len;
				}
			}
			n++;
			mapi_object_release(&att);
		}
	}
	mapi_object_release(&table);
	*out = atts;
	*count = n;
	return ok;
}

bool oxcmail_load_message(TALLOC_CTX *mem_ctx, mapi_object_t *msg, unsigned depth,
			  struct oxcmail_message *out)
{
	struct mapi_propval *props = NULL;
	uint32_t pc = 0;
	struct mapi_recipient *recips = NULL;
	uint32_t rc = 0;

	memset(out, 0, sizeof(*out));
	if (GetPropsAll(mem_ctx, msg, &props, &pc) != MAPI_E_SUCCESS)
		return false;
	if (ReadRecipients(mem_ctx, msg, &recips, &rc) != MAPI_E_SUCCESS)
		rc = 0;
	struct oxcmail_recipient *orc = talloc_zero_array(mem_ctx, struct oxcmail_recipient, rc ? rc : 1);
	if (!orc)
		return false;
	for (uint32_t i = 0; i < rc; i++) {
		orc[i].type = recips[i].type == MAPI_CC ? OXCMAIL_CC :
			      recips[i].type == MAPI_BCC ? OXCMAIL_BCC : OXCMAIL_TO;
		orc[i].display_name = recips[i].display_name;
		orc[i].smtp_address = recips[i].smtp_address;
	}
	struct oxcmail_attachment *atts = NULL;
	size_t ac = 0;
	if (!load_attachments(mem_ctx, msg, depth, &atts, &ac))
		return false;
	out->props = props;
	out->prop_count = pc;
	out->recipients = orc;
	out->recipient_count = rc;
	out->attachments = atts;
	out->attachment_count = ac;
	return true;
}
