/*
 * row.h - what the lookups of the apply engine say about one stream
 * row: merge.c (the ordered walk) and keyed.c (point lookups and the set
 * of keys seen) classify rows, apply.c acts on the classes. Neither
 * merge.c nor keyed.c writes the target table.
 */
#ifndef DBS_LOAD_ROW_H
#define DBS_LOAD_ROW_H

#include <stdint.h>

#include "value.h"

enum row_kind {
	ROW_NEW,       /* no stored row has the key: insert the row */
	ROW_MATCH,     /* a stored row has it: hash and flags say more */
	ROW_DUP,       /* the stream had the key before: refuse */
	ROW_UNORDERED, /* merge.c: the key is below the one before */
	ROW_GONE,      /* merge.c: a stored key the stream went past */
	ROW_END,       /* merge.c: no stored keys left */
	ROW_PREFIX     /* keyed.c: a key the ordered walk went past */
};

/* Flags of a stored row, as the SQL of ROW_FLAGS_SQL computes them. */
enum {
	ROW_DELETED = 1, /* soft-deleted: _dbs_deleted_at is set */
	ROW_STALE = 2    /* _dbs_hash is NULL (after a rebuild): rewrite it */
};

/* The flags of a stored row in SQL; for a table with _dbs_deleted_at,
 * followed by ROW_DELETED_SQL. */
#define ROW_FLAGS_SQL "2 * (\"_dbs_hash\" IS NULL)"
#define ROW_DELETED_SQL " + (\"_dbs_deleted_at\" IS NOT NULL)"

/* One answer about a row. */
struct row_class {
	enum row_kind kind;
	uint64_t hash;               /* ROW_MATCH: the stored _dbs_hash */
	int flags;                   /* ROW_MATCH: ROW_DELETED, ROW_STALE */
	const struct load_val *aKey; /* ROW_GONE: the stored key; valid
	                              * until the walk is called again */
};

#endif
