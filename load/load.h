/*
 * load.h - the internal interfaces of dbs-load: options, the run (one
 * database, one transaction, one or more input streams), the per-stream
 * state, and the modules that work on them (see dbs-load(1)).
 *
 * Ownership in short: struct load_run owns the database handle, the
 * first error and the per-input results; struct load_stream lives for
 * one input and owns its table description and the apply engine.
 */
#ifndef DBS_LOAD_H
#define DBS_LOAD_H

#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

#include "buf.h"
#include "stream.h"

enum load_mode { LOAD_MERGE, LOAD_APPEND, LOAD_REPLACE };
enum load_deletes { LOAD_DEL_HARD, LOAD_DEL_SOFT, LOAD_DEL_KEEP };
enum load_schema { LOAD_SCHEMA_FAIL, LOAD_SCHEMA_ADD, LOAD_SCHEMA_REBUILD };

/* Command line, as parsed by main.c. Strings point into argv. */
struct load_opts {
	const char *zDb;               /* --db */
	const char *zTable;            /* --table, or NULL */
	char **azKey;                  /* --key split at commas, or NULL */
	size_t nKey;                   /* entries of azKey */
	enum load_mode mode;           /* --mode */
	int modeSet;                   /* --mode given explicitly */
	enum load_deletes deletes;     /* --deletes */
	int deletesSet;                /* --deletes given explicitly */
	enum load_schema schemaChange; /* --schema-change */
	double maxDelete;              /* --max-delete, percent */
	int allowMass;                 /* --allow-mass-delete */
	int allowEmpty;                /* --allow-empty */
	int allowOlder;                /* --allow-older */
	const char *zWatermark;        /* --watermark, or NULL */
	int json;                      /* --summary json */
	int dryRun;                    /* --dry-run */
	int quiet;                     /* --quiet */
	int busyTimeout;               /* --busy-timeout, milliseconds */
	const char *zState;            /* --state TABLE, or NULL */
	int progress;                  /* -1 auto, 0 --no-progress, 1 on */
	int64_t progressEvery;         /* --progress=SECONDS, -1 default */
	int progressFd;                /* --progress-fd, else stderr */
	const char *zProgressLabel;    /* --progress-label, or NULL */
	char **azFile;                 /* operands ("-" is stdin) */
	size_t nFile;
};

/* Row counts of one input. */
struct load_counts {
	uint64_t nRows;      /* rows in the stream */
	uint64_t nInserted;  /* new keys */
	uint64_t nUpdated;   /* changed rows, revived ones included */
	uint64_t nDeleted;   /* removed or newly soft-deleted */
	uint64_t nUnchanged; /* same row hash, not written */
	uint64_t nRevived;   /* soft-deleted rows that came back */
	uint64_t nPurged;    /* soft-deleted rows removed by a hard delete */
	uint64_t nBefore; /* live rows in the table before (merge, replace) */
};

/* What one input did; kept for the summary and the run log. */
struct load_result {
	char *zInput; /* "stdin" or the file name */
	char *zTable; /* target table, NULL if not known yet */
	enum load_mode mode;
	enum load_deletes deletes;
	char *zServer; /* stream meta, each NULL if absent */
	char *zDatabase;
	char *zObject;
	char *zQuery;
	char *zExtractedAt;
	char *zWmCol; /* watermark after this input, NULL if none */
	char *zWmVal;
	struct load_counts c;
	int partial; /* the stream names "since": incremental, never deletes */
	int done;    /* applied completely (trailer verified) */
};

/* One run of the program: the database and everything that outlives
 * one input. */
struct load_run {
	const struct load_opts *pOpts;
	sqlite3 *db;
	int rc;                   /* first failure: DBS_EXIT_*, 0 while ok */
	char *zErr;               /* its message (no program prefix) */
	int dbProblem;            /* the failure is the database itself */
	int newDb;                /* the database file was missing or empty */
	char zStarted[32];        /* UTC start time, ISO 8601 */
	struct load_result *aRes; /* one per input begun */
	size_t nRes;
};

/* A column of the target table as the stream describes it. */
struct load_col {
	char *zName;
	struct dtype type;
	enum dtype_storage st; /* dtype_storage(&type) */
	char *zSource;         /* source type, "decimal(18,4)" */
	int notnull;
};

/* The target table of one input. */
struct load_table {
	char *zName;           /* SQLite table name */
	struct load_col *aCol; /* in stream order */
	size_t nCol;
	size_t *aiKey;    /* key columns, indexes into aCol */
	size_t nKey;      /* 0: no key (replace only) */
	int hasDeletedAt; /* the table has _dbs_deleted_at */
};

/* What _dbs_tables and _dbs_columns say about a table. */
struct load_stored {
	int known;          /* a _dbs_tables row exists */
	int tableExists;    /* the table itself exists */
	char *zExtractedAt; /* NULL if never recorded */
	char *zWmCol;
	char *zWmVal;
	int64_t schemaVersion;
	struct load_table tab; /* columns and key as last loaded */
	char *zCreated;        /* created_at */
};

/* A decoded value. Text and blob point at bytes owned elsewhere. */
struct load_val {
	int64_t i;              /* INTEGER */
	double r;               /* REAL */
	const unsigned char *p; /* TEXT, BLOB */
	size_t n;
};

/* An owned copy of a key: nKey values, their bytes in aBuf. */
struct load_key {
	struct load_val *aVal;
	struct buf *aBuf;
	size_t n;
};

struct load_apply; /* merge.c */

/* One input stream being applied. */
struct load_stream {
	struct load_run *pRun;
	struct load_result *pRes; /* in pRun->aRes */
	const char *zInput;       /* name for messages */
	struct load_table tab;
	struct load_stored stored;
	struct load_apply *pApply; /* NULL until the header is handled */
	int iWm;                   /* watermark column index, -1 if none */
	char *zSinceVal;           /* since bound from the header, or NULL */
	struct buf wmMax;          /* largest watermark value seen, text */
	int hasWm;                 /* wmMax holds a value */
	int sawTrailer;
	struct load_val *aVal; /* decoded row, nCol entries */
	struct buf *aBuf;      /* blob bytes of aVal */
};

/* ---- run.c ---- */
int run_fail(struct load_run *pRun, int rc, const char *zFmt, ...)
    __attribute__((format(printf, 3, 4)));
int run_sqlfail(struct load_run *pRun, const char *zWhat);
int run_load(struct load_run *pRun);

/* ---- db.c ---- */
int db_open(struct load_run *pRun, int readOnly);
void db_wal(struct load_run *pRun);
void db_wal(struct load_run *pRun);
int db_exec(struct load_run *pRun, const char *zSql);
int db_prepare(struct load_run *pRun, const char *zSql, sqlite3_stmt **ppStmt);
int db_prepare_owned(struct load_run *pRun, char *zSql, sqlite3_stmt **ppStmt);
int db_exec_owned(struct load_run *pRun, char *zSql);
int db_step_done(struct load_run *pRun, sqlite3_stmt *pStmt);
int db_is_problem(int rcSqlite);
void db_now(char *zBuf, size_t nBuf);
int db_count(struct load_run *pRun, const char *zSql, uint64_t *pN);
int db_count_owned(struct load_run *pRun, char *zSql, uint64_t *pN);

/* ---- value.c ---- */
void value_decode(const struct stream_field *pF, enum dtype_storage st,
    struct load_val *pV, struct buf *pBuf);
void value_column(
    sqlite3_stmt *pStmt, int iCol, enum dtype_storage st, struct load_val *pV);
int value_cmp(const struct load_val *pA, const struct load_val *pB,
    enum dtype_storage st);
int value_bind(sqlite3_stmt *pStmt, int iParam, const struct load_val *pV,
    enum dtype_storage st);
void value_key_init(struct load_key *pK, size_t n);
void value_key_free(struct load_key *pK);
void value_key_set(struct load_key *pK, const struct load_val *aKeyVal,
    const struct load_table *pTab);
int value_key_cmp(const struct load_val *aKeyVal, const struct load_key *pK,
    const struct load_table *pTab);
int value_key_bind(sqlite3_stmt *pStmt, int iFirst,
    const struct load_val *aKeyVal, const struct load_table *pTab);
char *value_key_text(
    const struct stream_field *aF, const struct load_table *pTab);

/* ---- schema.c ---- */
void schema_table_clear(struct load_table *pT);
int schema_from_header(struct load_stream *pS, const struct stream_header *pH);
int schema_prepare(struct load_stream *pS);
char *schema_keylist(const struct load_table *pT, const char *zPrefix);

/* ---- meta.c ---- */
int meta_ensure(struct load_run *pRun);
int meta_read(
    struct load_run *pRun, const char *zTable, struct load_stored *pSt);
void meta_stored_clear(struct load_stored *pSt);
int meta_write(struct load_stream *pS);

/* ---- merge.c ---- */
int merge_begin(struct load_stream *pS);
int merge_row(struct load_stream *pS, const struct stream_field *aF,
    uint64_t hash, uint64_t iLine);
int merge_end(struct load_stream *pS);
void merge_free(struct load_apply *pA);

/* ---- wm.c ---- */
int wm_setup(struct load_stream *pS, const struct stream_header *pH);
void wm_row(struct load_stream *pS, const struct stream_field *aF);
int wm_final(struct load_stream *pS);

/* ---- safety.c ---- */
int safety_age(struct load_stream *pS);
int safety_end(struct load_stream *pS);
int safety_run(struct load_run *pRun);

/* ---- runlog.c ---- */
int runlog_write(struct load_run *pRun, const char *zStatus);
const char *runlog_mode(enum load_mode m);
const char *runlog_deletes(enum load_deletes d);
const char *runlog_deletes_of(const struct load_result *pR);

/* ---- summary.c ---- */
void summary_text(const struct load_run *pRun);
int summary_json(const struct load_run *pRun, const char *zStatus);

/* ---- state.c ---- */
int state_print(struct load_run *pRun);

#endif
