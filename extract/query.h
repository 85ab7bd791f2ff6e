/*
 * query.h - the SQL dbs-extract sends: identifiers parsed from the
 * command line and quoted as [name] (with ] doubled), the SELECT for
 * --view with its column list, WHERE, incremental lower bound and ORDER
 * BY, and the typed literal of the --since value.
 */
#ifndef DBS_EXTRACT_QUERY_H
#define DBS_EXTRACT_QUERY_H

#include <stddef.h>

#include "fmt.h"

/* A list of identifiers: the parts of a name, or a column list. */
struct query_list {
	char **az; /* identifiers, unquoted, owned */
	size_t n;
};

/*
 * Parse z as identifiers separated by cSep ('.' for a multi-part name,
 * ',' for a column list). Each identifier is bare (no '.', ',', '[', ']'
 * or control characters; blanks around it are ignored) or in brackets,
 * where "]]" stands for ']' and anything else is literal:
 * "[my.schema].[my view]". Returns 0, or -1 and sets *pzWhy to a static
 * phrase.
 */
int query_parse_list(
    const char *z, char cSep, struct query_list *pL, const char **pzWhy);

/*
 * Parse "COL=VALUE" (COL an identifier as above, so "[a=b]=1" works).
 * Returns 0 with *pzCol and *pzValue owned copies, or -1 and *pzWhy.
 */
int query_parse_since(
    const char *z, char **pzCol, char **pzValue, const char **pzWhy);

/*
 * The display form of a list: identifiers joined by cSep, each bare when
 * that reads back the same, else bracketed. Owned by the caller.
 */
char *query_display(const struct query_list *pL, char cSep);

/* [name] with ] doubled; owned by the caller. */
char *query_quote(const char *zIdent);

void query_list_clear(struct query_list *pL);

/*
 * Can Sybase ASE address every identifier of pL? Its [brackets] (ASE
 * 12.5.1 and later) have no escape for ']', a dot is never part of a
 * name, and trailing blanks are dropped. Returns 0, or -1 with *pzBad
 * the first identifier that cannot be sent.
 */
int query_ase_quotable(const struct query_list *pL, const char **pzBad);

/* What to select. */
struct query_spec {
	const struct query_list *pView;    /* [schema.]name */
	const struct query_list *pColumns; /* NULL: all columns */
	const char *zWhere;                /* trusted SQL, or NULL */
	const char *zSinceCol;             /* NULL: not incremental */
	const char *zSinceLit;             /* the typed literal */
	const struct query_list *pOrder;   /* NULL or empty: no ORDER BY */
};

/* The SELECT statement for a spec. Owned by the caller. */
char *query_select(const struct query_spec *pQ);

/*
 * A statement that returns no rows but describes column zCol of the
 * view: SELECT [zCol] FROM view WHERE 1 = 0. Owned by the caller.
 */
char *query_probe(const struct query_list *pView, const char *zCol);

/*
 * The T-SQL literal for comparing a column of type *pCol with zValue at
 * the column's own precision, e.g. CONVERT(datetime2(7),
 * '2024-01-02 03:04:05.1234567', 121). tds5 leaves out the style
 * and the N of Unicode string literals (Sybase ASE knows neither). Returns an owned string, or NULL and sets *pzWhy when zValue
 * is not a value of that type.
 */
char *query_literal(const struct fmt_col *pCol, const char *zValue, int tds5,
    const char **pzWhy);

#endif
