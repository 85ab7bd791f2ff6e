/*
 * keysql.h - the columns of a view, described before the SELECT, and the
 * key order: how dbs-extract asks the server to order and compare key
 * values the way SQLite orders them (dbs-extract(1), "Key order"), so
 * that dbs-load's merge-join stays on its fast path and the key ranges of
 * a sync mean the same rows on both sides.
 *
 * On SQL Server: an nchar or nvarchar key is ordered COLLATE
 * Latin1_General_BIN2 (UTF-16 code units: SQLite's order but for
 * characters beyond U+FFFF against U+E000-U+FFFF); a char or varchar
 * key as nvarchar under that collation (its code page's bytes would not
 * be in Unicode's order); a uniqueidentifier by its text, CONVERT(char(36),
 * ...) under that collation (SQL Server sorts GUIDs by their last group
 * first). Other types need nothing. On Sybase ASE (TDS 5.0) nothing is
 * added: its sort order is the server's.
 */
#ifndef DBS_EXTRACT_KEYSQL_H
#define DBS_EXTRACT_KEYSQL_H

#include <sybfront.h>
#include <sybdb.h>

#include "buf.h"
#include "fmt.h"
#include "ident.h"
#include "stream.h"

/* The described columns of a view. Zero-initialise; free with
 * keysql_cols_clear(). */
struct keysql_cols {
	struct fmt_col *aCol; /* nCol described columns */
	char **azName;        /* their names, as the server spells them */
	int *aNotNull;        /* nullability as declared */
	int nCol;
	int tds5; /* the connection speaks TDS 5.0 (Sybase ASE) */
};

/*
 * Describe the columns pColumns (NULL or empty: all) of view pView with
 * "SELECT ... FROM view WHERE 1 = 0". Returns 0, or DBS_EXIT_FAIL with
 * *pzErr (prefixed by zServer; the caller frees it). *pC is to be
 * cleared either way.
 */
int keysql_describe(DBPROCESS *pDb, const struct ident_list *pView,
    const struct ident_list *pColumns, const char *zServer,
    struct keysql_cols *pC, char **pzErr);

void keysql_cols_clear(struct keysql_cols *pC);

/* Index of column zName in pC (exact, else the only one equal without
 * regard to case, as dbs-extract matches --key), or -1. */
int keysql_find(const struct keysql_cols *pC, const char *zName);

/*
 * Append to *pB the term that orders and compares column iCol of pC the
 * way SQLite orders its values: "[k] COLLATE Latin1_General_BIN2", ...
 */
void keysql_term(struct buf *pB, const struct keysql_cols *pC, int iCol);

/*
 * Append to *pB a literal of canonical value z (n bytes) that compares
 * with keysql_term() of column iCol. Returns 0, or -1 with *pzWhy.
 */
int keysql_literal(struct buf *pB, const struct keysql_cols *pC, int iCol,
    const char *z, size_t n, const char **pzWhy);

/*
 * Can a key of column iCol's type take part in a sync by key ranges?
 * Its canonical text must sort as SQLite sorts the stored values and the
 * server can be made to sort the same way: int, bool, text, uuid, date,
 * time and datetime; not real, decimal, blob or datetimeoffset.
 */
int keysql_rangeable(const struct keysql_cols *pC, int iCol);

/*
 * Compare two keys of nKey canonical values in the order of dbs-load's
 * table (SQLite's): int and bool numerically, everything else by bytes.
 * aiKey gives the key columns' indexes into pC.
 */
int keysql_cmp(const struct keysql_cols *pC, const int *aiKey, size_t nKey,
    const struct stream_field *aA, const struct stream_field *aB);

#endif
