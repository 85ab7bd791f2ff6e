/*
 * rebuild.h - a table made anew (rebuild.c): for --schema-change
 * rebuild, and to store decimal columns another way (--decimals). A new
 * table with the stream's columns, the stored rows copied into it (each
 * value converted where its storage changes), the old table dropped and
 * the new one renamed, all inside the run's transaction.
 */
#ifndef DBS_LOAD_REBUILD_H
#define DBS_LOAD_REBUILD_H

struct load_stream;

/*
 * Refuse (status 3) a rebuild fed by a stream that does not hold every
 * row (append, or an incremental stream) when a column changed its
 * type: the rows it does not carry would keep no value of the new type.
 */
int rebuild_check_partial(struct load_stream *pS);

/*
 * Rebuild the table of pS with the columns of pS->tab (and
 * _dbs_deleted_at if pS->tab.hasDeletedAt): copy the stored rows (not
 * for replace, which deletes them anyway), drop the old table, rename
 * the new one, and bring back the user's indexes, triggers and views
 * that still apply (objects.h). Returns 0 or an exit status.
 */
int rebuild_table(struct load_stream *pS);

#endif
