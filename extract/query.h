/*
 * query.h - the SQL dbs-extract sends: identifiers parsed from the
 * command line and quoted as [name] (with ] doubled), the SELECT for
 * --view with its column list, WHERE, incremental lower bound and ORDER
 * BY, and the typed literal of the --since value.
 */
#ifndef DBS_EXTRACT_QUERY_H
#define DBS_EXTRACT_QUERY_H

#include <stddef.h>

#include "buf.h"
#include "fmt.h"
#include "ident.h"

/* Append z to the SQL being built in *p, keeping it NUL-terminated. */
void query_add(struct buf *p, const char *z);

/* Append [zIdent] (']' doubled) likewise. */
void query_add_ident(struct buf *p, const char *zIdent);

/*
 * Can Sybase ASE address every identifier of pL? Its [brackets] (ASE
 * 12.5.1 and later) have no escape for ']', a dot is never part of a
 * name, and trailing blanks are dropped. Returns 0, or -1 with *pzBad
 * the first identifier that cannot be sent.
 */
int query_ase_quotable(const struct ident_list *pL, const char **pzBad);

/* What to select. */
struct query_spec {
	const struct ident_list *pView;    /* [schema.]name */
	const struct ident_list *pColumns; /* NULL: all columns */
	const char *zWhere;                /* trusted SQL, or NULL */
	const char *zSinceCol;             /* NULL: not incremental */
	const char *zSinceLit;             /* the typed literal */
	const struct ident_list *pOrder;   /* NULL or empty: no ORDER BY */
	const char *zOrderSql; /* the ORDER BY list as SQL (keysql.h), which
	                        * replaces pOrder; or NULL */
};

/* The SELECT statement for a spec. Owned by the caller. */
char *query_select(const struct query_spec *pQ);

/*
 * A statement that returns no rows but describes column zCol of the
 * view: SELECT [zCol] FROM view WHERE 1 = 0. Owned by the caller.
 */
char *query_probe(const struct ident_list *pView, const char *zCol);

/*
 * The T-SQL literal for comparing a column of type *pCol with zValue at
 * the column's own precision, e.g. CONVERT(datetime2(7),
 * '2024-01-02 03:04:05.1234567', 121). tds5 leaves out the style
 * and the N of Unicode string literals (Sybase ASE knows neither). Returns an owned string, or NULL and sets *pzWhy when zValue
 * is not a value of that type.
 */
char *query_literal(const struct fmt_col *pCol, const char *zValue, int tds5,
    const char **pzWhy);

/*
 * The canonical text (dbs-stream(5)) of a value that query_literal()
 * accepted for *pCol: what the stream's "since" bound says, so that the
 * loader can compare it with the values of the column ("1.5" for a
 * decimal(18,4) is "1.5000", hex digits are lowercase, a real is its
 * shortest text). Owned by the caller.
 */
char *query_canonical(const struct fmt_col *pCol, const char *zValue);

#endif
