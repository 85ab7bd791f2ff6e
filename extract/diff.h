/*
 * diff.h - dbs-extract --strategy keys|segments (dbs-extract(1),
 * "Strategies"): compare the source view with the local table, which a
 * child process describes (local.h), and write a stream of what changed:
 * a version 2 stream whose "ranges" are the keys it covers, each of them
 * fetched in one statement with the rows, so that a row the stream does
 * not carry is gone at the source.
 *
 *   keys      the keys of every row (a key scan) against the local keys:
 *             keys only at the source or only in the table are fetched,
 *             with the rows changed since the watermark (--since)
 *   segments  fingerprints of parts of the key range, computed by the
 *             server, against the sums of the fingerprints kept in the
 *             table; parts that differ are cut into smaller ones, down to
 *             a few rows, whose keys and fingerprints are compared one by
 *             one; the rows that differ are fetched with their
 *             fingerprints
 *
 * When the comparison finds too many rows to fetch (or the table keeps
 * no fingerprints), the stream is a full extract instead.
 */
#ifndef DBS_EXTRACT_DIFF_H
#define DBS_EXTRACT_DIFF_H

#include <sybfront.h>
#include <sybdb.h>

#include "emit.h"
#include "ident.h"
#include "out.h"

enum diff_strategy {
	DIFF_FULL, /* no comparison: every row (or those --since), with
	               * fingerprints (dbs-extract --fingerprint) */
	DIFF_KEYS,
	DIFF_SEGMENTS
};

struct diff_opts {
	enum diff_strategy strategy;
	char *const *azLocal;              /* argv of the local side (not
	                                    * for DIFF_FULL) */
	const struct ident_list *pView;    /* [schema.]name */
	const struct ident_list *pColumns; /* NULL or empty: all */
	const struct ident_list *pKey;     /* the key, at least one column */
	const char *zWhere;                /* --where, or NULL */
	const char *zSinceCol;             /* keys: --since column */
	const char *zSinceLit;             /* its literal (query.h) */
	struct emit_opts *pEmit;           /* the stream's options; diff
	                                    * sets ranges and fingerprint */
};

/* Run the strategy on pDb, writing to pOut. Returns 0, or the exit
 * status with *pzErr set to the message (the caller frees it). */
int diff_run(
    DBPROCESS *pDb, const struct diff_opts *pO, struct out *pOut, char **pzErr);

#endif
