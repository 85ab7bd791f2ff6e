/*
 * sql.h - SQL text in dbs-load. Every statement built from names or
 * values is made here, with the conversions of sqlite3_mprintf() (%w: a
 * name to put between double quotes, %Q: a quoted literal or NULL, and
 * printf's own), in memory from malloc() that the caller releases with
 * free().
 *
 * Out of memory ends the program ("dbs-load: out of memory", status 1)
 * before anything is committed, so a statement is never NULL: to
 * sqlite3_exec() a NULL statement is an empty one that succeeds, which
 * would let a run go on as if it had done what it asked for.
 */
#ifndef DBS_LOAD_SQL_H
#define DBS_LOAD_SQL_H

#include <stdarg.h>

#include "buf.h"

/*
 * The text of zFmt and its arguments as sqlite3_mprintf() formats them,
 * in a new string (free() it). Never NULL. (No format attribute: the
 * compiler does not know %w and %Q.)
 */
char *sql_fmt(const char *zFmt, ...);
char *sql_vfmt(const char *zFmt, va_list ap);

/* A statement built in pieces: sql_init(), sql_add()..., sql_finish(). */
struct sql_text {
	struct buf b; /* the text so far, NUL-terminated */
};

/* Start an empty statement. */
void sql_init(struct sql_text *pT);

/* Append zFmt formatted as by sql_fmt(). */
void sql_add(struct sql_text *pT, const char *zFmt, ...);

/*
 * The statement built, in a new string (free() it), never NULL. *pT is
 * then empty; sql_init() it again to reuse it.
 */
char *sql_finish(struct sql_text *pT);

#endif
