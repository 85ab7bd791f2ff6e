/*
 * merge.h - the ordered walk of --mode merge (merge.c): the stream, in
 * ascending key order, side by side with a cursor over the table in key
 * order, like a merge join. It classifies each stream row (row.h) and
 * names the stored keys the stream went past; it never writes.
 */
#ifndef DBS_LOAD_MERGE_H
#define DBS_LOAD_MERGE_H

#include <stdint.h>

#include <sqlite3.h>

#include "row.h"
#include "run.h"
#include "schema.h"
#include "value.h"

struct merge_walk {
	struct load_run *pRun;
	const struct load_table *pTab;
	sqlite3 *dbCur;     /* the cursor's own connection, or NULL */
	sqlite3_stmt *pCur; /* SELECT key, _dbs_hash, flags ORDER BY key */
	struct load_val *aCurVal; /* scratch: a cursor key before copying */
	struct load_key prev;     /* the stream's last key so far */
	int hasPrev;
	int inRow;           /* the current stream row passed its order check */
	struct load_key cur; /* the cursor row's key */
	uint64_t curHash;    /* its _dbs_hash */
	int curFlags;        /* its ROW_ flags */
	int curRow;          /* cur holds a row (else the cursor is done) */
	int advance;         /* step the cursor before the next look */
	uint64_t nLive;      /* rows the cursor read that are not deleted */
};

/*
 * Open the walk over table *pTab (which must outlive it) and read its
 * first row. Returns 0 or an exit status. merge_close() releases it,
 * also after a failure.
 */
int merge_open(struct merge_walk *pW, struct load_run *pRun,
    const struct load_table *pTab);

/*
 * Classify the stream row with key aKey. ROW_DUP: the key equals the
 * one before; ROW_UNORDERED: it is smaller (the walk cannot go on: call
 * merge_stop()). Else, while stored keys lie behind aKey, ROW_GONE with
 * one of them in pC->aKey (call again with the same key), then
 * ROW_MATCH (the stored row's hash and flags) or ROW_NEW. The caller
 * may write the matched row before the next call: the cursor moves on
 * only then, and a row it returns again is skipped. Returns 0 or an
 * exit status.
 */
int merge_row(
    struct merge_walk *pW, const struct load_val *aKey, struct row_class *pC);

/*
 * At the end of the stream: ROW_GONE for each stored key left, one a
 * call, then ROW_END. Returns 0 or an exit status.
 */
int merge_rest(struct merge_walk *pW, struct row_class *pC);

/*
 * Give up the walk (the stream is not in key order): count into
 * pW->nLive the live rows the cursor had not read yet, and close the
 * cursor. merge_last() then holds the key up to which every stored key
 * was classified. Returns 0 or an exit status.
 */
int merge_stop(struct merge_walk *pW);

/* The last key of the ordered part of the stream (NULL if none). */
const struct load_key *merge_last(const struct merge_walk *pW);

/* Release the walk; a zeroed one is fine. */
void merge_close(struct merge_walk *pW);

#endif
