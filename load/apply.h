/*
 * apply.h - applying one stream's rows to its table (apply.c), in the
 * stream's --mode: merge (insert, update, delete what is gone), append
 * (insert and update) or replace (delete all, insert). apply.c writes;
 * the modules below it only classify rows:
 *
 *   apply.c   the mode, replace, inserts, updates, duplicates
 *    ├─ merge.c   the ordered walk
 *    ├─ keyed.c   point lookups and the set of keys seen
 *    └─ delete.c  the gone keys and the final (soft) delete
 *
 * Nothing below calls back up.
 */
#ifndef DBS_LOAD_APPLY_H
#define DBS_LOAD_APPLY_H

#include <stdint.h>

#include "load.h"

/*
 * Set up the engine of stream pS (its table exists with the stream's
 * schema) into pS->pApply: prepare the statements; replace deletes the
 * rows now. Returns 0 or an exit status. apply_free() releases it, also
 * after a failure.
 */
int apply_begin(struct load_stream *pS);

/*
 * Apply one stream row aF (its row hash, line iLine for messages): a
 * NULL in a key column or a duplicate key is refused (status 3), a
 * constraint of the user's that the row breaks fails the run. Returns 0
 * or an exit status.
 */
int apply_row(struct load_stream *pS, const struct stream_field *aF,
    uint64_t hash, uint64_t iLine);

/*
 * The stream ended with a verified trailer: finish the walk and apply
 * the deletes. Returns 0 or an exit status.
 */
int apply_end(struct load_stream *pS);

/* Release the engine; NULL is fine. */
void apply_free(struct load_apply *pA);

#endif
