/*
 * objects.h - what is built on a loaded table besides its rows
 * (objects.c): the indexes dbs-load keeps for --index, the view
 * TABLE_live of a table with soft deletes, and the user's own indexes,
 * triggers and views, which a rebuild (rebuild.c) recreates.
 */
#ifndef DBS_LOAD_OBJECTS_H
#define DBS_LOAD_OBJECTS_H

#include <stddef.h>

#include "run.h"

struct load_stream;

/* An object of the user's on a table, as sqlite_schema holds it. */
struct objects_one {
	char *zType; /* "index", "trigger" or "view" */
	char *zName;
	char *zSql;
};

/* The user's objects that a rebuild of a table must bring back. */
struct objects_saved {
	struct objects_one *a;
	size_t n;
};

/*
 * Check the --index columns against the columns of pS->tab: a name
 * that is not a column is a usage error. Returns 0 or an exit status.
 */
int objects_check(struct load_stream *pS);

/*
 * Before the rebuild of table zTable: note its indexes and triggers
 * (DROP TABLE drops them) and the views of the database that work now
 * (they may stop working), all but dbs-load's own TABLE_live, into *pSv
 * (zeroed). Returns 0 or an exit status.
 */
int objects_save(
    struct load_run *pRun, const char *zTable, struct objects_saved *pSv);

/*
 * After the rebuild of the table of pS: recreate the saved indexes and
 * triggers, and check the saved views. Those that no longer apply to
 * the new columns (an index on a column that is gone, a trigger that
 * names one, a view that cannot be read any more) are left out or
 * dropped, each with a notice (run_note()) that gives its SQL. Returns
 * 0 or an exit status (for a failure of the database, not of an object).
 */
int objects_restore(struct load_stream *pS, const struct objects_saved *pSv);

/* Release what *pSv owns and zero it. */
void objects_saved_clear(struct objects_saved *pSv);

/*
 * At the end of a stream: create the --index indexes the table lacks,
 * named TABLE_by_COL..., and, if the table has _dbs_deleted_at, make
 * the view TABLE_live (its own columns, rows not deleted) match the
 * columns. Returns 0 or an exit status.
 */
int objects_end(struct load_stream *pS);

#endif
