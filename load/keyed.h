/*
 * keyed.h - the keyed strategy (keyed.c): each stream row is looked up
 * by its key (a point lookup on the primary key) and its key is added to
 * the set temp._dbs_seen, whose primary key catches duplicates in any
 * order. --mode append and incremental streams use it for every row;
 * merge switches to it for the rest of a stream at the first row out of
 * key order. It classifies rows (row.h); it never writes the table.
 */
#ifndef DBS_LOAD_KEYED_H
#define DBS_LOAD_KEYED_H

#include <sqlite3.h>

#include "row.h"
#include "run.h"
#include "schema.h"
#include "value.h"

/* The set of keys seen, a temporary table built like schema_keyset(). */
#define KEYED_SEEN "_dbs_seen"

struct keyed_set {
	struct load_run *pRun;
	const struct load_table *pTab;
	sqlite3_stmt *pSeen;   /* INSERT INTO temp._dbs_seen */
	sqlite3_stmt *pLook;   /* SELECT _dbs_hash, flags WHERE key = ... */
	struct load_key bound; /* keys up to here were walked in order */
	int hasBound;
};

/*
 * Create the set of keys seen (empty) and prepare the lookups of table
 * *pTab (which must outlive the set). Returns 0 or an exit status.
 * keyed_close() releases it, also after a failure.
 */
int keyed_open(
    struct keyed_set *pK, struct load_run *pRun, const struct load_table *pTab);

/*
 * Every stored key up to *pBound was classified by the ordered walk
 * (merge.c) before the set took over: from now on a key up to it is
 * ROW_PREFIX.
 */
void keyed_bound(struct keyed_set *pK, const struct load_key *pBound);

/*
 * Classify the stream row with key aKey and add the key to the set:
 * ROW_DUP if it was there; ROW_PREFIX for a key up to the bound, which
 * the caller resolves with the walk's gone keys and keyed_lookup();
 * else what keyed_lookup() says. Returns 0 or an exit status.
 */
int keyed_row(
    struct keyed_set *pK, const struct load_val *aKey, struct row_class *pC);

/* Look aKey up in the table: ROW_MATCH (hash, flags) or ROW_NEW. */
int keyed_lookup(
    struct keyed_set *pK, const struct load_val *aKey, struct row_class *pC);

/* Release the statements; a zeroed set is fine. */
void keyed_close(struct keyed_set *pK);

#endif
