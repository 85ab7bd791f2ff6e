/*
 * diffint.h - what diff.c and segments.c share: the state of one run of
 * a strategy (struct diff), its limits, and the helpers of diff.c that
 * segments.c uses. Not for other modules: they use diff.h.
 */
#ifndef DBS_DIFFINT_H
#define DBS_DIFFINT_H

#include <stddef.h>
#include <stdint.h>

#include <sybdb.h>

#include "buf.h"
#include "diff.h"
#include "fmt.h"
#include "fpsql.h"
#include "keysql.h"
#include "local.h"
#include "stream.h"

#define ROOT_PARTS 256 /* parts of the first comparison */
#define SPLIT_PARTS 16 /* parts a differing part is cut into */
#define LEAF_ROWS 16   /* a part this small is compared row by row */
#define PARTS_PER_SQL                                                          \
	256                   /* parts or ranges per statement: an OR of at most
                          * that many ranges (SQLite nests an expression
                          * 1000 deep at most), a CASE tree of depth 8 */
#define PARTS_IN_FLIGHT 65536 /* parts held at once, below the root */
#define POINTS_MAX 200000     /* keys one fetch may name */
#define CELLS_PER_SQL 4000    /* leaf cells of the grid a statement names */
#define CELLS_GAP 65536       /* keys between two of them in a statement */
#define CELLS_RUN 8           /* cells apart that one local answer reads */
#define POINTS_MIN 1000       /* always fine to fetch by key */

struct diff {
	DBPROCESS *pDb;
	const struct diff_opts *pO;
	const char *zServer;
	struct keysql_cols c; /* the columns extracted */
	int *aiKey;           /* key columns, into c */
	struct fpsql q;
	struct local *pLocal;
	char *zErr;         /* the first failure's message, or NULL */
	int hasFp;          /* the local table keeps fingerprints */
	int64_t nLocal;     /* its rows, from the root split */
	struct buf *aPoint; /* keys to fetch, encoded */
	size_t nPoint, nPointAlloc;
	int tooMany; /* more than POINTS_MAX: extract everything */
	struct buf sql;
	/* the current server result */
	struct fmt_col *aRes;
	int nRes;
	struct buf val;
	size_t *aOff;
	struct stream_field *aF;
	/* local rows of the leaves being compared */
	struct local_part *const *apLeaf;
	size_t nLeaf, iLeaf;
	int inLeaf;
	/* with aCell, of those local rows only the ones in these cells of
	 * the grid (ids ascending) */
	const int64_t *aCell;
	size_t nCell, iCell;
	int64_t cellBase, cellW;
};

/* Note a failure (the first one only: the run stops at it); returns
 * -1. diff_run() hands the message to its caller. */
int diff_fail(struct diff *d, const char *zFmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Send d->sql and describe its first result set. Returns 0 or -1. */
int diff_res_begin(struct diff *d);

/* The next row of the current result into d->aF. Returns 1, 0 after
 * the last row, or -1 when it failed. */
int diff_res_next(struct diff *d);

/* Column k of the current row as an integer (0 for NULL). */
int64_t diff_res_i64(const struct diff *d, int k);

/* Walk the server's rows against the local side's, noting the keys that
 * differ (bFp: compare fingerprints too). Returns 0 or -1. */
int diff_merge_rows(struct diff *d, int bFp);

/* --strategy segments: compare, noting the keys to fetch (segments.c).
 * Returns 0 or -1. */
int diff_segments(struct diff *d);

#endif
