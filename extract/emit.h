/*
 * emit.h - run the extraction query and write its one result set as a
 * dbs stream: header from the column metadata, one row per dbnextrow(),
 * and the trailer only after the server ended the batch without error.
 */
#ifndef DBS_EXTRACT_EMIT_H
#define DBS_EXTRACT_EMIT_H

#include <sybfront.h>
#include <sybdb.h>

#include "out.h"
#include "query.h"
#include "stream.h"

struct emit_opts {
	enum stream_format format;     /* csv, ndjson or plain */
	int progress;                  /* rows/s on stderr: 0 no, 1 lines,
	                                * 2 one line redrawn (a terminal) */
	const char *zServer;           /* for meta and message prefixes */
	const char *zDatabase;         /* -D, when the server names none */
	const char *zObject;           /* display name of the view, or NULL */
	const char *zQuery;            /* --query text, or NULL */
	const struct ident_list *pKey; /* --key, or NULL */
	const char *zSinceCol;         /* --since column, or NULL */
	const char *zSinceValue;       /* --since value */
	int orderIsKey;                /* ORDER BY is the key */
	const char *const *azRanges;   /* values of the meta "ranges" (a
	                                * partial stream), or NULL */
	size_t nRanges;
	int fingerprint; /* the last column is the row fingerprint */
};

/*
 * Send zSql on pDb and stream its result to pOut. Returns DBS_EXIT_OK,
 * or DBS_EXIT_FAIL with *pzErr (main.c's rule); the caller commits or
 * aborts pOut. Progress lines (pO->progress) go to stderr.
 */
int emit_run(DBPROCESS *pDb, const char *zSql, const struct emit_opts *pO,
    struct out *pOut, char **pzErr);

#endif
