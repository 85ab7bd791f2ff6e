/*
 * sync.h - the C half of dbs-sync(1), run as "dbs-load --sync STEP ...".
 * The shell script only wires processes; everything that parses, decides
 * or formats is here, where unit and CLI tests reach it:
 *
 *   views  check dbs-sync's options and the whole config file, and list
 *          the views to sync
 *   lock   the lock file of a view's database and how long to wait
 *   plan   (under the lock) decide full or incremental, build the
 *          argument vectors of dbs-extract and dbs-load, prepare the
 *          snapshot file
 *   tee    (in the pipe) copy the stream from stdin to stdout and into
 *          the snapshot, compressed unless compress = none
 *   done   read what the stages left, decide the view's status, keep or
 *          drop the snapshot, rotate, write the log line
 *
 * Each step gets dbs-sync's own arguments after "--" and answers on file
 * descriptor 3 with NUL-terminated fields (bash reads them with read -r
 * -d '', without any interpretation); messages go to stderr; the exit
 * status is the step's (dbs-sync(1) EXIT STATUS). The tee step reads no
 * config and answers nothing: its file's name says all it needs.
 *
 * dbs-load itself runs with file descriptor 3 on dbs-sync's standard
 * error (the plan gives it --progress-fd 3): a terminal sees its
 * progress while its messages are collected; a log sees none.
 */
#ifndef DBS_LOAD_SYNC_H
#define DBS_LOAD_SYNC_H

#include <stddef.h>
#include <stdint.h>

#include "config.h"

/* dbs-sync's command line. */
struct sync_opts {
	const char *zConfig;    /* -c, else DBS_CONFIG, else the default */
	int dryRun;             /* --dry-run */
	int full;               /* --full */
	int verbose;            /* -v */
	const char *zReplay;    /* --replay FILE, or NULL */
	const char *zLogFormat; /* --log-format, or NULL for the config's */
	int allowOlder;         /* --allow-older */
	int allowEmpty;         /* --allow-empty */
	int allowMass;          /* --allow-mass-delete */
	const char *zStrategy;  /* --strategy, or NULL for the config's */
	int nJobs;              /* -j: views at once (0: not given, 1) */
	char **azView;          /* view operands */
	size_t nView;
};

/* Everything a step needs: options and the config, checked. */
struct sync_ctx {
	struct sync_opts o;
	struct config cfg;
};

/* Stream kinds of a run. */
enum sync_kind {
	SYNC_FULL,
	SYNC_INCREMENTAL,
	SYNC_REPLAY,
	SYNC_KEYS,     /* strategy keys: the key scan and the increment */
	SYNC_SEGMENTS, /* strategy segments: what the fingerprints show */
	SYNC_UNKNOWN   /* done: the run stopped before its plan */
};

/* The names of the kinds (put_plan, done's arguments). */
extern const char *const sync_azKind[SYNC_UNKNOWN];

/* ---- sync.c ---- */

/*
 * "dbs-load --sync STEP ARGS... -- DBS-SYNC-ARGS...": run one step.
 * argv[0] is the step name. Returns the exit status.
 */
int sync_main(int argc, char **argv);

/*
 * Parse dbs-sync's arguments into *pCtx and read the config. Prints the
 * usage (--help) or version and sets *pDone, or prints a message and
 * returns the exit status (2 for a usage or config error); else 0.
 */
int sync_setup(struct sync_ctx *pCtx, int argc, char **argv, int *pDone);

void sync_ctx_clear(struct sync_ctx *pCtx);

/* A view's strategy, in the order of config_strategies (config.h). */
enum sync_strategy { SYNC_BY_FULL, SYNC_BY_KEYS, SYNC_BY_SEGMENTS };

/* The strategy of view zView: --strategy, else its config, else full
 * (both checked to be a word of config_strategies). */
enum sync_strategy sync_strategy(
    const struct sync_ctx *pCtx, const char *zView);

/* Key k for view zView (view, [sync], [source] as config_get()). */
const char *sync_get(
    const struct sync_ctx *pCtx, const char *zView, enum config_key k);

/* The table of view zView: its table key, else its name. */
const char *sync_table(const struct sync_ctx *pCtx, const char *zView);

/* Write z and its NUL to fd 3; returns 0 or -1 (errno). */
int sync_put(const char *z);

/* ---- sync_plan.c ---- */

/* The plan step for view zView; returns the exit status. */
int sync_plan(const struct sync_ctx *pCtx, const char *zView);

/*
 * The snapshot directory of view zView (SNAPSHOTS/VIEW) in a new string,
 * or NULL when the view keeps none.
 */
char *sync_snapdir(const struct sync_ctx *pCtx, const char *zView);

/* Remove every .part file of view zView: a crashed run's, or, when a
 * signal stopped the run, its own. Only under the view's lock. */
void sync_remove_parts(const struct sync_ctx *pCtx, const char *zView);

/*
 * Is zFile (a name, no directory) one dbs-sync wrote for view zView: the
 * view's name, a UTC time, the format, then ".snapshot" (plain) or
 * ".zst" (compressed), with bPart also ".part"? Rotation and clean-up
 * touch no other file. Sets *pTime (if not NULL) to the name's time in
 * UTC seconds.
 */
int sync_is_snapshot(
    const char *zFile, const char *zView, int bPart, int64_t *pTime);

/* ---- sync_tee.c ---- */

/*
 * The tee step: copy stdin to stdout and into zPart, a file the plan
 * created, zstd-compressed when its name ends in ".zst.part". A snapshot
 * that cannot be written is reported and the copy goes on (the load
 * does not depend on it). Returns the exit status: 0, or 1 when the
 * snapshot or stdout failed.
 */
int sync_tee(const char *zPart);

/* ---- sync_done.c ---- */

/* What the stages of one run left. */
struct sync_outcome {
	int rcPlan;          /* exit status of the lock and plan steps */
	int rcExtract;       /* exit status, -1 if it did not run */
	int rcTee;           /* exit status, -1 if it did not run */
	int rcLoad;          /* exit status, -1 if it did not run */
	int signal;          /* the signal that stopped dbs-sync, 0 if none */
	int busy;            /* the database's lock was held by another run */
	int locked;          /* this run holds the view's lock */
	double seconds;      /* time the view took */
	const char *zTmp;    /* directory with the stages' files */
	const char *zPart;   /* snapshot being written, "" if none */
	const char *zFinal;  /* its name once complete */
	enum sync_kind kind; /* as planned */
};

/* The done step for view zView; returns the view's exit status. */
int sync_done(const struct sync_ctx *pCtx, const char *zView,
    const struct sync_outcome *pOut);

#endif
