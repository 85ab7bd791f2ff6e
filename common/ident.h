/*
 * ident.h - identifiers as users and streams write them: names of
 * SQL Server and Sybase objects and columns, bare ("dbo.orders") or in
 * brackets where "]]" stands for ']' ("[my.schema].[a]]b]"), separated
 * by '.' (the parts of a name) or ',' (a column list). One grammar for
 * dbs-extract's options, the config file and dbs-load's object names.
 */
#ifndef DBS_IDENT_H
#define DBS_IDENT_H

#include <stddef.h>

/* A list of identifiers: the parts of a name, or a column list. */
struct ident_list {
	char **az; /* identifiers, unquoted, owned */
	size_t n;
};

/*
 * Parse z as identifiers separated by cSep ('.' for a multi-part name,
 * ',' for a column list). Each identifier is bare (no '.', ',', '[', ']'
 * or control characters; blanks around it are ignored) or in brackets,
 * where "]]" stands for ']' and anything else is literal. Returns 0 and
 * fills *pL (free with ident_list_clear()), or -1 with *pL empty and
 * *pzWhy set to a static phrase.
 */
int ident_parse_list(
    const char *z, char cSep, struct ident_list *pL, const char **pzWhy);

/*
 * Parse "COL=VALUE" (COL an identifier as above, so "[a=b]=1" works).
 * Returns 0 with *pzCol and *pzValue owned copies (VALUE verbatim, every
 * byte after the '='), or -1 and *pzWhy.
 */
int ident_parse_since(
    const char *z, char **pzCol, char **pzValue, const char **pzWhy);

/* [name] with ']' doubled. Owned by the caller. */
char *ident_quote(const char *zIdent);

/*
 * The display form of a list: identifiers joined by cSep, each bare when
 * that reads back the same, else bracketed. Owned by the caller.
 */
char *ident_display(const struct ident_list *pL, char cSep);

/* Release the identifiers; leaves an empty list. */
void ident_list_clear(struct ident_list *pL);

#endif
