/*
 * LZ77 + DIRECT2, the compression of MS-OXCRPC extended buffers.
 *
 * MS-OXCRPC 3.1.4.1.1.2 names the algorithm: LZ77 ([UASDC]) to find
 * repeats, DIRECT2 (3.1.4.1.1.2.2) to write them. The byte format is the
 * one MS-XCA 2.3/2.4 calls "Plain LZ77"; its section 3.1 has the only
 * published hex examples, used by the unit tests.
 *
 * Copyright (C) OpenChange developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <stdbool.h>
#include <string.h>
#include "libmapi/lz77.h"
#include "libmapi/wire_le.h"

/*
 * The compressor's hash table holds one position per bucket (a single probe,
 * as MS-XCA 2.1.4.1 describes). 2^14 buckets cover the 8 KB window twice
 * over; small inputs use fewer so that clearing the table stays cheap.
 */
#define HASH_BITS_MIN 8
#define HASH_BITS_MAX 14

/* Below this many bytes there is nothing a 4-byte hash could find. */
#define MIN_INPUT_FOR_MATCHES 5

size_t lz77_compress_bound(size_t in_len)
{
	return in_len + 4 * (in_len / 32) + 4;
}

/* Host-order loads: only compared with each other or hashed, never decoded. */
static inline uint32_t load_host32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static inline uint64_t load_host64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static inline uint32_t hash4(uint32_t sequence, unsigned bits)
{
	/* Fibonacci hashing: the top bits of the product mix all four bytes. */
	return (sequence * 2654435761u) >> (32 - bits);
}

static unsigned hash_bits_for(size_t in_len)
{
	unsigned bits = HASH_BITS_MIN;

	while (bits < HASH_BITS_MAX && ((size_t)1 << bits) < in_len) {
		bits++;
	}
	return bits;
}

/* How many bytes at a equal those at b, reading a no further than a_end (b < a). */
static inline size_t common_length(const uint8_t *a, const uint8_t *b, const uint8_t *a_end)
{
	const uint8_t *start = a;

	while (a_end - a >= 8) {
		uint64_t diff = load_host64(a) ^ load_host64(b);

		if (diff != 0) {
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
			return (size_t)(a - start) + (size_t)(__builtin_clzll(diff) >> 3);
#else
			return (size_t)(a - start) + (size_t)(__builtin_ctzll(diff) >> 3);
#endif
		}
		a += 8;
		b += 8;
	}
	while (a < a_end && *a == *b) {
		a++;
		b++;
	}
	return (size_t)(a - start);
}

/*
 * DIRECT2 output state (MS-OXCRPC 3.1.4.1.1.2.2.1): a 32-bit bitmask is
 * reserved before the 32 elements it describes, one bit per element, the
 * first element in the most significant bit; 0 = literal byte, 1 = match.
 */
struct direct2_writer {
	uint8_t *op;
	uint8_t *oend;
	uint8_t *flag_pos;
	uint32_t flags;
	unsigned nflags;
	/* The byte whose high nibble the next long match may still use (3.1.4.1.1.2.2.3). */
	uint8_t *nibble;
};

/* Store a full bitmask and reserve the next one; the caller checked the room. */
static inline void flush_flags(struct direct2_writer *w)
{
	wire_store_le32(w->flag_pos, w->flags);
	w->flag_pos = w->op;
	w->op += 4;
	w->flags = 0;
	w->nflags = 0;
}

static enum wire_error emit_literals(struct direct2_writer *w, const uint8_t *literal, size_t count)
{
	while (count > 0) {
		size_t room = 32 - w->nflags;
		size_t chunk = count < room ? count : room;
		size_t need = chunk + (chunk == room ? 4 : 0);

		if ((size_t)(w->oend - w->op) < need) {
			return WIRE_ERR_OUTPUT_FULL;
		}
		memcpy(w->op, literal, chunk);
		w->op += chunk;
		literal += chunk;
		count -= chunk;
		if (chunk == room) {
			/* Literal bits are zeros: the pending bits move to the top. */
			w->flags = room == 32 ? 0 : w->flags << room;
			flush_flags(w);
		} else {
			w->flags <<= chunk;
			w->nflags += (unsigned)chunk;
		}
	}
	return WIRE_OK;
}

/*
 * One match as DIRECT2 metadata (MS-OXCRPC 3.1.4.1.1.2.2.2 and 2.2.3): a
 * 16-bit value, offset - 1 in the high 13 bits, length - 3 in the low 3.
 * Lengths of 10 and more put 7 there and continue in a nibble (shared by
 * two consecutive long matches), then a byte for 25 and more, then for 280
 * and more a 16-bit length - 3 that stands alone.
 */
static enum wire_error emit_match(struct direct2_writer *w, size_t offset, size_t length)
{
	size_t extra = length - LZ77_MIN_MATCH;
	size_t need = 2;
	uint16_t metadata = (uint16_t)((offset - 1) << 3);

	if (extra >= 7) {
		need += w->nibble == NULL ? 1 : 0;
		if (extra >= 7 + 15) {
			need += extra - 7 - 15 < 255 ? 1 : 3;
		}
	}
	if (w->nflags == 31) {
		need += 4;
	}
	if ((size_t)(w->oend - w->op) < need) {
		return WIRE_ERR_OUTPUT_FULL;
	}

	if (extra < 7) {
		wire_store_le16(w->op, (uint16_t)(metadata | extra));
		w->op += 2;
	} else {
		size_t rest = extra - 7;
		unsigned nibble = rest < 15 ? (unsigned)rest : 15;

		wire_store_le16(w->op, (uint16_t)(metadata | 7));
		w->op += 2;
		if (w->nibble == NULL) {
			w->nibble = w->op;
			*w->op++ = (uint8_t)nibble;
		} else {
			*w->nibble |= (uint8_t)(nibble << 4);
			w->nibble = NULL;
		}
		if (rest >= 15) {
			rest -= 15;
			if (rest < 255) {
				*w->op++ = (uint8_t)rest;
			} else {
				*w->op++ = 255;
				wire_store_le16(w->op, (uint16_t)(length - LZ77_MIN_MATCH));
				w->op += 2;
			}
		}
	}

	w->flags = (w->flags << 1) | 1;
	if (++w->nflags == 32) {
		flush_flags(w);
	}
	return WIRE_OK;
}

/*
 * LZ77 (MS-OXCRPC 3.1.4.1.1.2.1): at each position look for the longest
 * earlier occurrence within the window; here one hash probe on the next four
 * bytes, greedy parsing, and a step that grows while nothing matches so that
 * incompressible data costs little (the result stays valid LZ77, only
 * possibly longer).
 */
enum wire_error lz77_compress(const uint8_t *in, size_t in_len,
			      uint8_t *out, size_t out_cap, size_t *out_len)
{
	uint32_t table[1u << HASH_BITS_MAX];
	struct direct2_writer w;
	const uint8_t *anchor, *iend;
	enum wire_error err;

	if ((in == NULL && in_len != 0) || out == NULL || out_len == NULL || in_len > UINT32_MAX) {
		return WIRE_ERR_INVALID_ARG;
	}
	anchor = in;
	iend = in_len != 0 ? in + in_len : in;
	if (out_cap < 4) {
		return WIRE_ERR_OUTPUT_FULL;
	}
	w.flag_pos = out;
	w.op = out + 4;
	w.oend = out + out_cap;
	w.flags = 0;
	w.nflags = 0;
	w.nibble = NULL;

	if (in_len >= MIN_INPUT_FOR_MATCHES) {
		unsigned bits = hash_bits_for(in_len);
		const uint8_t *ip = in;
		const uint8_t *ilimit = iend - 4;	/* last position with 4 readable bytes */
		unsigned misses = 0;

		memset(table, 0, sizeof(table[0]) << bits);
		while (ip <= ilimit) {
			uint32_t sequence = load_host32(ip);
			uint32_t bucket = hash4(sequence, bits);
			uint32_t pos = (uint32_t)(ip - in);
			uint32_t candidate = table[bucket];
			const uint8_t *match;
			const uint8_t *limit;
			size_t length;

			table[bucket] = pos;
			if (candidate >= pos || pos - candidate > LZ77_MAX_OFFSET ||
			    load_host32(in + candidate) != sequence) {
				ip += 1 + (misses++ >> 5);
				continue;
			}
			misses = 0;
			match = in + candidate;
			limit = (size_t)(iend - ip) > LZ77_MAX_MATCH ? ip + LZ77_MAX_MATCH : iend;
			length = 4 + common_length(ip + 4, match + 4, limit);
			/* Take back bytes that were about to become literals. */
			while (ip > anchor && match > in && ip[-1] == match[-1] && length < LZ77_MAX_MATCH) {
				ip--;
				match--;
				length++;
			}

			err = emit_literals(&w, anchor, (size_t)(ip - anchor));
			if (err != WIRE_OK) {
				return err;
			}
			err = emit_match(&w, (size_t)(ip - match), length);
			if (err != WIRE_OK) {
				return err;
			}
			ip += length;
			anchor = ip;
			/* Seed the table inside the match: repeats often restart there. */
			if (iend - ip >= 2) {
				table[hash4(load_host32(ip - 2), bits)] = (uint32_t)(ip - 2 - in);
			}
		}
	}

	err = emit_literals(&w, anchor, (size_t)(iend - anchor));
	if (err != WIRE_OK) {
		return err;
	}

	/*
	 * End of stream (3.1.4.1.1.2.2.1): a 1 bit after the last element, the
	 * rest of the bitmask also ones. The reserved bitmask always has room,
	 * possibly as a bitmask of its own.
	 */
	if (w.nflags == 0) {
		w.flags = UINT32_MAX;
	} else {
		w.flags = (w.flags << (32 - w.nflags)) | ((UINT32_C(1) << (32 - w.nflags)) - 1);
	}
	wire_store_le32(w.flag_pos, w.flags);
	*out_len = (size_t)(w.op - out);
	return WIRE_OK;
}

/* Copy a match that may overlap its own output (length > offset repeats bytes). */
static inline void copy_match(uint8_t *op, size_t offset, size_t length, const uint8_t *oend)
{
	const uint8_t *src = op - offset;
	uint8_t *end = op + length;

	if (offset >= 16 && (size_t)(oend - op) >= length + 16) {
		/* Each 16-byte chunk reads only bytes written before it. */
		do {
			memcpy(op, src, 16);
			op += 16;
			src += 16;
		} while (op < end);
	} else if (offset >= 8 && (size_t)(oend - op) >= length + 8) {
		do {
			memcpy(op, src, 8);
			op += 8;
			src += 8;
		} while (op < end);
	} else if (offset == 1) {
		memset(op, *src, length);
	} else {
		while (op < end) {
			*op++ = *src++;
		}
	}
}

/*
 * DIRECT2 decoding (MS-OXCRPC 3.1.4.1.1.2.2.1-4). Every read is checked
 * against iend and every write against oend before it happens; the fast
 * copies only run when both sides have a full chunk of room.
 */
enum wire_error lz77_decompress(const uint8_t *in, size_t in_len,
				uint8_t *out, size_t out_cap, size_t *out_len)
{
	const uint8_t *ip, *iend;
	uint8_t *op, *oend;
	const uint8_t *nibble = NULL;

	if ((in == NULL && in_len != 0) || (out == NULL && out_cap != 0) || out_len == NULL) {
		return WIRE_ERR_INVALID_ARG;
	}
	/* Never offset a NULL pointer, even by zero. */
	ip = in;
	iend = in_len != 0 ? in + in_len : in;
	op = out;
	oend = out_cap != 0 ? out + out_cap : out;

	for (;;) {
		uint32_t mask;
		unsigned left;

		if (iend - ip < 4) {
			return WIRE_ERR_TRUNCATED;
		}
		mask = wire_load_le32(ip);
		ip += 4;
		left = 32;

		while (left > 0) {
			size_t offset, length;
			uint16_t metadata;

			if ((mask & 0x80000000u) == 0) {
				/* A run of literals: the zero bits at the top of the mask. */
				size_t run = mask == 0 ? 32 : (size_t)__builtin_clz(mask);

				if (run > left) {
					run = left;
				}
				if ((size_t)(iend - ip) < run) {
					return WIRE_ERR_TRUNCATED;
				}
				if ((size_t)(oend - op) < run) {
					return WIRE_ERR_OUTPUT_FULL;
				}
				if (iend - ip >= 32 && oend - op >= 32) {
					memcpy(op, ip, 32);
				} else {
					memcpy(op, ip, run);
				}
				op += run;
				ip += run;
				left -= (unsigned)run;
				mask = run == 32 ? 0 : mask << run;
				continue;
			}

			mask <<= 1;
			left--;
			/* A 1 bit with no input left is the end marker (3.1.4.1.1.2.2.1). */
			if (ip == iend) {
				*out_len = (size_t)(op - out);
				return WIRE_OK;
			}
			if (iend - ip < 2) {
				return WIRE_ERR_TRUNCATED;
			}
			metadata = wire_load_le16(ip);
			ip += 2;
			offset = (size_t)(metadata >> 3) + 1;
			length = metadata & 7;
			if (length == 7) {
				/* Lengths of 10 and more: a nibble, every other time a new byte. */
				if (nibble == NULL) {
					if (ip == iend) {
						return WIRE_ERR_TRUNCATED;
					}
					nibble = ip++;
					length = *nibble & 0x0f;
				} else {
					length = *nibble >> 4;
					nibble = NULL;
				}
				if (length == 15) {
					if (ip == iend) {
						return WIRE_ERR_TRUNCATED;
					}
					length = *ip++;
					if (length == 255) {
						/*
						 * 280 and more: the length - 3 in 16 bits, alone.
						 * Below 22 it could not have needed this form
						 * (MS-XCA 2.4.4 rejects it; its 0 would announce a
						 * 32-bit length MS-OXCRPC does not have).
						 */
						if (iend - ip < 2) {
							return WIRE_ERR_TRUNCATED;
						}
						length = wire_load_le16(ip);
						ip += 2;
						if (length < 15 + 7) {
							return WIRE_ERR_CORRUPT;
						}
						length += LZ77_MIN_MATCH;
					} else {
						length += 15 + 7 + LZ77_MIN_MATCH;
					}
				} else {
					length += 7 + LZ77_MIN_MATCH;
				}
			} else {
				length += LZ77_MIN_MATCH;
			}

			if (offset > (size_t)(op - out)) {
				return WIRE_ERR_CORRUPT;
			}
			if ((size_t)(oend - op) < length) {
				return WIRE_ERR_OUTPUT_FULL;
			}
			copy_match(op, offset, length, oend);
			op += length;
		}
	}
}
