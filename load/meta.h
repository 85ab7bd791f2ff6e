/*
 * meta.h - the metadata tables dbs-load keeps inside the database
 * (meta.c; dbs-load(1), "Metadata"): _dbs_tables, one row per loaded
 * table; _dbs_columns, its columns as the stream described them; and
 * _dbs_runs, the run log (written by runlog.c).
 */
#ifndef DBS_LOAD_META_H
#define DBS_LOAD_META_H

#include <stdint.h>

#include "run.h"
#include "schema.h"

struct load_stream;

/* What _dbs_tables and _dbs_columns say about a table. */
struct load_stored {
	int known;          /* a _dbs_tables row exists */
	int tableExists;    /* the table itself exists */
	char *zExtractedAt; /* NULL if never recorded */
	char *zWmCol;
	char *zWmVal;
	int64_t schemaVersion;
	enum load_decimals decimals; /* how its decimals are stored */
	struct load_table tab;       /* columns and key as last loaded */
	char *zCreated;              /* created_at */
};

/* Create the metadata tables if missing and bring those of an older
 * dbs-load up to date. Needs a write transaction. */
int meta_ensure(struct load_run *pRun);

/*
 * Read what the database knows about zTable into *pSt (cleared first):
 * whether it exists (a view or index of that name is an error), its
 * _dbs_tables row, its columns and key. Returns 0 or an exit status.
 */
int meta_read(
    struct load_run *pRun, const char *zTable, struct load_stored *pSt);

/* Release what *pSt owns and zero it. */
void meta_stored_clear(struct load_stored *pSt);

/* After a stream was applied: record its table, columns, extracted-at
 * and watermark. Returns 0 or an exit status. */
int meta_write(struct load_stream *pS);

#endif
