/*
 * fpsql.h - the SQL of a sync by key ranges (dbs-extract --strategy,
 * dbs-extract(1) "Strategies"): the fingerprint of a row, computed by
 * the server; the fingerprints of parts of the key range; the keys and
 * fingerprints of the rows of some parts; the key scan; the fetch of
 * chosen rows. Every comparison of keys uses keysql.h's terms, so that
 * the server's ranges are SQLite's.
 *
 * The row fingerprint (SQL Server 2016 and later; Babelfish): the first
 * eight bytes of SHA-256, as a bigint, of one nvarchar(max) text that
 * CONCAT builds from every column in order: a character column as
 * DATALENGTH(c) ':' c (NULL gives ":" alone, so NULL and '' differ; the
 * length keeps trailing blanks and tells where the value ends); any
 * other as an exact text and '|' (empty for NULL): integers and decimals
  * as CONCAT writes them, money as decimal(19,4), real and float as the
 * integer of their IEEE bytes, dates and times as CAST writes them
 * (datetime and smalldatetime in style 121), GUIDs as text, binary as
 * the first eight bytes of its own SHA-256. Text goes
 * to HASHBYTES as the server holds it (UTF-16 on SQL Server, UTF-8 on
 * Babelfish), so a change of case, of a trailing blank or of any
 * character changes the fingerprint; the local side never recomputes
 * it, it keeps what the server sent with the row.
 */
#ifndef DBS_EXTRACT_FPSQL_H
#define DBS_EXTRACT_FPSQL_H

#include <stddef.h>

#include "buf.h"
#include "ident.h"
#include "keysql.h"
#include "local.h"

struct fpsql {
	const struct keysql_cols *pC; /* the columns extracted */
	const int *aiKey;             /* the key columns, into pC */
	size_t nKey;
	const struct ident_list *pView; /* [schema.]name */
	const char *zWhere;             /* --where (trusted SQL), or NULL */
	const char *zExtra;             /* another condition, or NULL */
};

/* Append the fingerprint expression of a row (a bigint). */
void fpsql_row_fp(struct buf *pB, const struct fpsql *pQ);

/*
 * The fingerprints of n parts (sorted, disjoint): rows
 * (part index, row count, sum of fp / 2^32, sum of fp % 2^32) for the
 * parts that have rows. Returns 0, or -1 with *pzWhy (a bound that no
 * literal can carry).
 */
int fpsql_parts(struct buf *pB, const struct fpsql *pQ,
    struct local_part *const *apPart, size_t n, const char **pzWhy);

/*
 * The fingerprints of the cells of width w, aligned at base (the cell of
 * key k is (k - base) / w; a key of one integer column), of the rows in
 * the n ranges aLo[i] <= k < aHi[i]; with n 0, of every row, those below
 * base in cell -1 and those from top up in cell -2. Rows (cell, row
 * count, sum of fp / 2^32, sum of fp % 2^32), cells ascending.
 */
void fpsql_grid(struct buf *pB, const struct fpsql *pQ, int64_t base, int64_t w,
    const int64_t *aLo, const int64_t *aHi, size_t n, int64_t top);

/*
 * The key and fingerprint of every row lo <= k < hi in one of the n
 * cells aId (ascending) of width w aligned at base (as fpsql_grid()), in
 * key order: one range the engine reads from the key's index, the cells
 * in it picked by arithmetic, only their rows fingerprinted and sent.
 */
void fpsql_cells(struct buf *pB, const struct fpsql *pQ, int64_t base,
    int64_t w, int64_t lo, int64_t hi, const int64_t *aId, size_t n);

/* The key and fingerprint of every row of n parts, in key order. */
int fpsql_rows(struct buf *pB, const struct fpsql *pQ,
    struct local_part *const *apPart, size_t n, const char **pzWhy);

/* Every key, in key order. */
void fpsql_keys(struct buf *pB, const struct fpsql *pQ);

/*
 * The rows whose keys are among the n encoded keys aPoint (and those
 * that meet pQ->zExtra, when set: the since condition), or with bAll
 * every row, with the fingerprint as a last column [_dbs_fp] when bFp,
 * in key order.
 */
int fpsql_fetch(struct buf *pB, const struct fpsql *pQ,
    const struct buf *aPoint, size_t n, int bAll, int bFp, const char **pzWhy);

#endif
