/*
 * keyrange.h - keys and key ranges as text: the key encoding (the
 * canonical row encoding of dbs-stream(5) applied to the key values
 * alone, without the final LF) and the "ranges" meta of a version 2
 * stream, which says which key ranges a partial stream covers in full.
 *
 * A range has a lower and an upper bound; each is open (no bound), or a
 * key, inclusive or exclusive. In the meta a range is two values:
 *
 *   lower   "-"  |  "[" KEY  |  "(" KEY
 *   upper   "-"  |  KEY "]"  |  KEY ")"
 *
 * and the list is preceded by the number of ranges, so that a stream
 * covering nothing says "#meta,ranges,0". A single key K is the range
 * "[K" "K]". Keys compare in the order of the loader's table (SQLite's,
 * see dbs-load(1)).
 */
#ifndef DBS_KEYRANGE_H
#define DBS_KEYRANGE_H

#include <stddef.h>

#include "buf.h"
#include "stream.h"

enum keyrange_edge {
	KEYRANGE_OPEN, /* no bound on this side */
	KEYRANGE_INCL, /* the key itself is inside */
	KEYRANGE_EXCL  /* the key itself is outside */
};

struct keyrange_bound {
	enum keyrange_edge edge;
	struct stream_field *aKey; /* nKey values, NULL when open; each
	                            * NUL-terminated, owned by the list */
};

struct keyrange {
	struct keyrange_bound lo; /* lower bound */
	struct keyrange_bound hi; /* upper bound */
};

/* The ranges of a stream. Zero-initialise; free with
 * keyrange_list_clear(). */
struct keyrange_list {
	struct keyrange *a; /* in stream order */
	size_t n;
	size_t nKey; /* values per key */
};

/*
 * Append the encoding of the nKey values aKey (none NULL) to *pB: for
 * each value its length in decimal, ':', its bytes. No NUL is added.
 */
void keyrange_encode_key(
    struct buf *pB, const struct stream_field *aKey, size_t nKey);

/*
 * Decode exactly nKey values from the n bytes at z. Their bytes are
 * copied into *pStore (each followed by a NUL) and aKey[i] points into
 * it, so *pStore must not change while aKey is in use. Returns 0, or -1
 * with *pzWhy a static phrase.
 */
int keyrange_decode_key(const char *z, size_t n, size_t nKey,
    struct stream_field *aKey, struct buf *pStore, const char **pzWhy);

/*
 * Parse the "ranges" meta of pH (if any) into *pL, checking every key
 * value against the type of its key column. Returns 0 (an absent meta
 * gives an empty list), or -1 and sets *pzErr to a message the caller
 * frees ("meta \"ranges\": range 2: ...").
 */
int keyrange_parse_list(
    const struct stream_header *pH, struct keyrange_list *pL, char **pzErr);

/* Release what *pL owns; leaves it empty. */
void keyrange_list_clear(struct keyrange_list *pL);

/*
 * The meta values of a bound, for writers: *pB is set to "-", "[KEY",
 * "(KEY" (bUpper 0) or "-", "KEY]", "KEY)" (bUpper 1), NUL-terminated.
 */
void keyrange_bound_text(struct buf *pB, enum keyrange_edge edge,
    const struct stream_field *aKey, size_t nKey, int bUpper);

#endif
