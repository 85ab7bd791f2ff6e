/*
 * apply.h - the engine that applies one stream's rows to its table,
 * shared by merge.c (the ordered merge-join, append and replace) and
 * keyed.c (point lookups with a set of seen keys: append, and the merge
 * fallback for streams that are not in key order). Private to them.
 */
#ifndef DBS_APPLY_H
#define DBS_APPLY_H

#include "db.h"
#include "load.h"

/* Flags of a stored row, from the cursor and the lookup. */
enum {
	STATE_DELETED = 1, /* soft-deleted */
	STATE_STALE = 2    /* _dbs_hash is NULL: rewrite it */
};

enum apply_cur {
	CUR_DONE, /* no cursor row (exhausted, or not in use) */
	CUR_ROW   /* cur holds the current cursor row */
};

struct load_apply {
	struct load_stream *pS;
	struct load_run *pRun;
	const struct load_table *pTab;
	enum load_mode mode;
	enum load_deletes deletes;
	sqlite3_stmt *pIns;       /* INSERT a row: ?1..?nCol, hash ?nCol+1 */
	sqlite3_stmt *pUpd;       /* UPDATE by key, same parameters */
	sqlite3_stmt *pCur;       /* SELECT key, hash, deleted ORDER BY key */
	sqlite3_stmt *pLook;      /* SELECT hash, deleted WHERE key = ?1.. */
	sqlite3_stmt *pSeen;      /* INSERT INTO temp._dbs_seen */
	sqlite3_stmt *pGoneIns;   /* INSERT INTO temp._dbs_gone */
	sqlite3_stmt *pGoneDel;   /* DELETE FROM temp._dbs_gone WHERE key */
	struct load_val *aKeyVal; /* key of the current stream row */
	struct load_val *aCurVal; /* scratch: cursor key before copying */
	struct load_key prev;     /* last key of the ordered prefix */
	int hasPrev;
	struct load_key cur; /* the cursor row's key (a copy) */
	uint64_t curHash;    /* the cursor row's _dbs_hash */
	int curFlags;        /* the cursor row's STATE_ flags */
	enum apply_cur curState;
	int keyed;              /* rows go through keyed_row() */
	int fellBack;           /* merge gave up the ordered walk */
	const char *zDeletedAt; /* value for _dbs_deleted_at */
};

/* merge.c */
int apply_insert(struct load_apply *pA, const struct stream_field *aF,
    uint64_t hash, uint64_t iLine);
int apply_match(struct load_apply *pA, const struct stream_field *aF,
    uint64_t hash, uint64_t oldHash, int state, uint64_t iLine);
int apply_dup(
    struct load_apply *pA, const struct stream_field *aF, uint64_t iLine);
char *apply_keycols(const struct load_table *pTab, const char *zQual);

/* keyed.c */
int keyed_begin(struct load_apply *pA);
int keyed_row(struct load_apply *pA, const struct stream_field *aF,
    uint64_t hash, uint64_t iLine);
int keyed_fallback(struct load_apply *pA);
int keyed_gone_add(struct load_apply *pA, const struct load_val *aKeyVal);
int keyed_end(struct load_apply *pA);
void keyed_free(struct load_apply *pA);

#endif
