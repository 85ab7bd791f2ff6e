/*
 * delete.h - the rows a full stream of --mode merge no longer has
 * (delete.c): their keys are gathered in the set temp._dbs_gone while
 * the stream is read, and deleted, soft-deleted or kept per --deletes
 * once its trailer was verified.
 */
#ifndef DBS_LOAD_DELETE_H
#define DBS_LOAD_DELETE_H

#include <stdint.h>

#include <sqlite3.h>

#include "opts.h"
#include "run.h"
#include "schema.h"
#include "value.h"

struct delete_set {
	struct load_run *pRun;
	const struct load_table *pTab;
	sqlite3_stmt *pAdd;  /* INSERT INTO temp._dbs_gone */
	sqlite3_stmt *pTake; /* DELETE FROM temp._dbs_gone WHERE key */
};

/* What the deletes did. */
struct delete_counts {
	uint64_t nDeleted; /* live rows deleted or newly soft-deleted */
	uint64_t nPurged;  /* soft-deleted rows a hard delete removed */
};

/*
 * Create the empty set of gone keys of table *pTab (which must outlive
 * it). Returns 0 or an exit status. delete_close() releases it, also
 * after a failure.
 */
int delete_open(struct delete_set *pD, struct load_run *pRun,
    const struct load_table *pTab);

/* Add the stored key aKey to the set. */
int delete_add(struct delete_set *pD, const struct load_val *aKey);

/* Take aKey out of the set; *pTaken says whether it was there. */
int delete_take(
    struct delete_set *pD, const struct load_val *aKey, int *pTaken);

/*
 * Add every stored key greater than *pAfter that the key set
 * temp.zSeen (built by schema_keyset()) lacks: after keyed.c took over
 * from the ordered walk, these are the keys the stream did not have.
 */
int delete_unseen(
    struct delete_set *pD, const char *zSeen, const struct load_key *pAfter);

/*
 * Apply --deletes to the rows of the set: hard deletes them (live rows
 * first, counted as deleted; then soft-deleted ones, counted as
 * purged), soft sets _dbs_deleted_at to zDeletedAt where it is not set,
 * keep does nothing. Returns 0 or an exit status.
 */
int delete_apply(struct delete_set *pD, enum load_deletes deletes,
    const char *zDeletedAt, struct delete_counts *pN);

/* Release the statements; a zeroed set is fine. */
void delete_close(struct delete_set *pD);

#endif
