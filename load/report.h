/*
 * report.h - what dbs-load tells: the run log rows (runlog.c), the
 * summary on stderr or stdout (summary.c), and the --state lines
 * (state.c). Formats in dbs-load(1), "Output", "Metadata" and
 * "Watermark and state".
 */
#ifndef DBS_LOAD_REPORT_H
#define DBS_LOAD_REPORT_H

#include "run.h"

/*
 * Insert one _dbs_runs row per input of pRun with status zStatus ("ok",
 * "dry-run", "failed", "refused", "busy") and as message the run's
 * failure, or its notices when it has none. The caller holds the
 * transaction. Returns 0 or an exit status.
 */
int runlog_write(struct load_run *pRun, const char *zStatus);

/* The --mode, --deletes and --decimals names. */
const char *runlog_mode(enum load_mode m);
const char *runlog_deletes(enum load_deletes d);
const char *runlog_decimals(enum load_decimals d);

/* The deletes an input applied: its --deletes for a merge of a full
 * stream or of one with ranges, else NULL. */
const char *runlog_deletes_of(const struct load_result *pR);

/* The kind of stream an input was: "full", "incremental" (it names
 * "since") or "ranges". */
const char *runlog_stream(const struct load_result *pR);

/* One line per input on stderr: "dbs-load: orders: 3 inserted, ...". */
void summary_text(const struct load_run *pRun);

/*
 * Write the JSON summary of pRun with status zStatus to stdout and
 * flush it. Returns 0, or -1 on a write error (errno set).
 */
int summary_json(const struct load_run *pRun, const char *zStatus);

/*
 * --state: print the state of table pRun->pOpts->zState on stdout.
 * Returns 0 or an exit status (the run's failure set).
 */
int state_print(struct load_run *pRun);

#endif
