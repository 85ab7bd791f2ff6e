/*
 * main.c - dbs-load: merge a dbs stream (dbs-stream(5)) into a table of
 * a SQLite database. This file parses the options and hands the run to
 * run.c (or state.c for --state, serve.c for --serve). See dbs-load(1).
 */
#include "opts.h"
#include "report.h"
#include "run.h"
#include "serve.h"

#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ident.h"
#include "sync.h"
#include "config.h"
#include "util.h"

#define DEFAULT_BUSY_MS 5000   /* --busy-timeout */
#define DEFAULT_MAX_DELETE 50. /* --max-delete, percent */

static const char zUsage[] =
    "usage: dbs-load --db file [--table name] [--key columns]\n"
    "\t\t[--mode merge | append | replace] [--deletes hard | soft | keep]\n"
    "\t\t[--schema-change fail | add | rebuild] [--max-delete pct]\n"
    "\t\t[--decimals auto | text | real] [--index columns]\n"
    "\t\t[--allow-mass-delete] [--allow-empty] [--allow-older]\n"
    "\t\t[--watermark column] [--summary text | json] [--dry-run]\n"
    "\t\t[--quiet] [--busy-timeout ms]\n"
    "\t\t[--progress[=seconds] | --no-progress] [--progress-fd fd]\n"
    "\t\t[--progress-label name] [file ...]\n"
    "       dbs-load --db file [--busy-timeout ms] --state table\n"
    "       dbs-load --db file [--busy-timeout ms] --serve table\n"
    "       dbs-load -h | --help | --version\n";

enum {
	OPT_DB = 256,
	OPT_TABLE,
	OPT_KEY,
	OPT_MODE,
	OPT_DELETES,
	OPT_SCHEMA,
	OPT_DECIMALS,
	OPT_INDEX,
	OPT_MAXDEL,
	OPT_ALLOW_MASS,
	OPT_ALLOW_EMPTY,
	OPT_ALLOW_OLDER,
	OPT_WATERMARK,
	OPT_SUMMARY,
	OPT_DRYRUN,
	OPT_QUIET,
	OPT_BUSY,
	OPT_STATE,
	OPT_SERVE,
	OPT_PROGRESS,
	OPT_NO_PROGRESS,
	OPT_PROGRESS_FD,
	OPT_PROGRESS_LABEL,
	OPT_VERSION
};

static const struct option aLongOpt[] = {
    {"db", required_argument, NULL, OPT_DB},
    {"table", required_argument, NULL, OPT_TABLE},
    {"key", required_argument, NULL, OPT_KEY},
    {"mode", required_argument, NULL, OPT_MODE},
    {"deletes", required_argument, NULL, OPT_DELETES},
    {"schema-change", required_argument, NULL, OPT_SCHEMA},
    {"decimals", required_argument, NULL, OPT_DECIMALS},
    {"index", required_argument, NULL, OPT_INDEX},
    {"max-delete", required_argument, NULL, OPT_MAXDEL},
    {"allow-mass-delete", no_argument, NULL, OPT_ALLOW_MASS},
    {"allow-empty", no_argument, NULL, OPT_ALLOW_EMPTY},
    {"allow-older", no_argument, NULL, OPT_ALLOW_OLDER},
    {"watermark", required_argument, NULL, OPT_WATERMARK},
    {"summary", required_argument, NULL, OPT_SUMMARY},
    {"dry-run", no_argument, NULL, OPT_DRYRUN},
    {"quiet", no_argument, NULL, OPT_QUIET},
    {"busy-timeout", required_argument, NULL, OPT_BUSY},
    {"state", required_argument, NULL, OPT_STATE},
    {"serve", required_argument, NULL, OPT_SERVE},
    {"progress", optional_argument, NULL, OPT_PROGRESS},
    {"no-progress", no_argument, NULL, OPT_NO_PROGRESS},
    {"progress-fd", required_argument, NULL, OPT_PROGRESS_FD},
    {"progress-label", required_argument, NULL, OPT_PROGRESS_LABEL},
    {"help", no_argument, NULL, 'h'},
    {"version", no_argument, NULL, OPT_VERSION}, {NULL, 0, NULL, 0}};

static const char zHelp[] =
    "\n"
    "Merge a dbs stream (dbs-stream(5)) from stdin or files into a table of\n"
    "a SQLite database, in one transaction.\n"
    "\n"
    "  --db file             the SQLite database (created if missing)\n"
    "  --table name          the table (default: the stream's object name)\n"
    "  --key columns         key columns (default: the stream's, then the\n"
    "                        stored ones)\n"
    "  --mode merge|append|replace\n"
    "                        merge (default): insert, update, delete;\n"
    "                        append: insert and update only; replace: the\n"
    "                        table becomes the stream\n"
    "  --deletes hard|soft|keep\n"
    "                        rows missing from a full stream in a merge:\n"
    "                        deleted (default), marked in _dbs_deleted_at,\n"
    "                        or kept; an incremental stream never deletes\n"
    "  --schema-change fail|add|rebuild\n"
    "                        when the stream's columns differ (default fail)\n"
    "  --decimals auto|text|real\n"
    "                        decimal columns as numbers where exact (auto,\n"
    "                        default), as text, or always as numbers\n"
    "  --index columns       keep an index on these columns (repeatable)\n"
    "  --max-delete pct      refuse to delete more than pct% of the rows\n"
    "                        (default 50)\n"
    "  --allow-mass-delete   no limit on deletions\n"
    "  --allow-empty         let an empty stream empty the table\n"
    "  --allow-older         load a stream older than the last one applied\n"
    "  --watermark column    record the largest value of column for the\n"
    "                        next incremental extract\n"
    "  --summary text|json   one line per input on stderr (default), or one\n"
    "                        JSON object on stdout\n"
    "  --dry-run             do all the work, report, change nothing\n"
    "  --quiet               no summary line, no progress unless asked\n"
    "  --busy-timeout ms     wait this long for another writer (default 5000)\n"
    "  --progress[=seconds]  rows, rows/s, counts and time left on stderr,\n"
    "                        every 0.5 s on a terminal (the default there),\n"
    "                        else a line every second, or every seconds\n"
    "  --no-progress         none, even on a terminal\n"
    "  --progress-fd fd      the progress on file descriptor fd instead\n"
    "  --progress-label name name the progress line name, not the table\n"
    "  --state table         print what the next incremental extract needs\n"
    "  --serve table         answer dbs-extract --strategy on stdin/stdout\n"
    "  --sync step ...       (first) a step of dbs-sync, not for direct use\n"
    "\n"
    "Exit status: 0 ok, 1 failed, 2 usage, 3 refused by a safety rule,\n"
    "4 busy. Nothing is committed unless every stream is complete. See\n"
    "dbs-load(1).\n";

/* Print the usage and help to stdout for --help, checking the write. */
static _Noreturn void
help(void)
{
	if (fputs(zUsage, stdout) == EOF || fputs(zHelp, stdout) == EOF ||
	    fflush(stdout) != 0)
		util_die(DBS_EXIT_FAIL, "stdout: write error");
	exit(DBS_EXIT_OK);
}

/* Index of zArg in the NULL-terminated azWord, or die naming zOpt. */
static int
pick(const char *zOpt, const char *zArg, const char *const *azWord,
    const char *zChoices)
{
	int i = config_word(azWord, zArg);

	if (i >= 0)
		return i;
	util_die(DBS_EXIT_USAGE, "%s: \"%s\" is not %s", zOpt, zArg, zChoices);
}

/* --key COLS: names separated by commas, as in dbs.conf(5) (ident.h:
 * "[a,b]" is one column), into pO->azKey; a later --key replaces it. */
static void
parse_key(struct load_opts *pO, const char *zArg)
{
	struct ident_list l = {pO->azKey, pO->nKey};
	const char *zWhy = NULL;

	ident_list_clear(&l);
	if (ident_parse_list(zArg, ',', &l, &zWhy) != 0)
		util_die(DBS_EXIT_USAGE, "--key: \"%s\": %s", zArg, zWhy);
	pO->azKey = l.az;
	pO->nKey = l.n;
}

/* Add --index COLS (identifiers as in dbs.conf(5)) to pO->aIndex. */
static void
add_index(struct load_opts *pO, const char *zArg)
{
	struct ident_list l;
	const char *zWhy = NULL;
	size_t i, j;

	if (ident_parse_list(zArg, ',', &l, &zWhy) != 0)
		util_die(DBS_EXIT_USAGE, "--index: \"%s\": %s", zArg, zWhy);
	for (i = 0; i < l.n; i++)
		for (j = 0; j < i; j++)
			if (strcmp(l.az[i], l.az[j]) == 0)
				util_die(DBS_EXIT_USAGE,
				    "--index: \"%s\": column \"%s\" named "
				    "twice",
				    zArg, l.az[i]);
	pO->aIndex =
	    util_realloc(pO->aIndex, (pO->nIndex + 1) * sizeof *pO->aIndex);
	pO->aIndex[pO->nIndex++] = l;
}

/* Apply an option whose value is a word of a list or a number. */
static void
set_simple(struct load_opts *pO, int c, const char *zArg)
{
	static const char *const azSum[] = {"text", "json", NULL};
	int64_t ms;

	switch (c) {
	case OPT_MODE:
		pO->mode = (enum load_mode)pick(
		    "--mode", zArg, config_modes, "merge, append or replace");
		break;
	case OPT_DELETES:
		pO->deletes = (enum load_deletes)pick(
		    "--deletes", zArg, config_deletes, "hard, soft or keep");
		break;
	case OPT_SCHEMA:
		pO->schemaChange = (enum load_schema)pick("--schema-change",
		    zArg, config_schema_changes, "fail, add or rebuild");
		break;
	case OPT_SUMMARY:
		pO->json = pick("--summary", zArg, azSum, "text or json");
		break;
	case OPT_DECIMALS:
		pO->decimals = (enum load_decimals)pick(
		    "--decimals", zArg, config_decimals, "auto, text or real");
		break;
	case OPT_MAXDEL:
		if (util_parse_percent(zArg, &pO->maxDelete) != 0)
			util_die(DBS_EXIT_USAGE,
			    "--max-delete: \"%s\" is not a percentage 0-100",
			    zArg);
		break;
	case OPT_PROGRESS_FD:
		if (util_parse_i64(zArg, 0, INT_MAX, &ms) != 0 ||
		    fcntl((int)ms, F_GETFD) < 0)
			util_die(DBS_EXIT_USAGE,
			    "--progress-fd: \"%s\" is not an open file "
			    "descriptor",
			    zArg);
		pO->progressFd = (int)ms;
		break;
	case OPT_BUSY:
		if (util_parse_i64(zArg, 0, INT_MAX, &ms) != 0)
			util_die(DBS_EXIT_USAGE,
			    "--busy-timeout: \"%s\" is not a number of "
			    "milliseconds",
			    zArg);
		pO->busyTimeout = (int)ms;
		break;
	default:
		break;
	}
}

/* Apply option c; returns 1 if it is an option of a load (not --state
 * or --serve). */
static int
set_option(struct load_opts *pO, int c, const char *zArg)
{
	switch (c) {
	case OPT_DB:
		if (*zArg == '\0')
			util_die(DBS_EXIT_USAGE, "--db: empty file name");
		pO->zDb = zArg;
		return 0;
	case OPT_SERVE:
		pO->zServe = zArg;
		return 0;
	case OPT_STATE:
		pO->zState = zArg;
		return 0;
	case OPT_BUSY:
		set_simple(pO, c, zArg);
		return 0;
	case OPT_TABLE:
		pO->zTable = zArg;
		break;
	case OPT_KEY:
		parse_key(pO, zArg);
		break;
	case OPT_INDEX:
		add_index(pO, zArg);
		break;
	case OPT_WATERMARK:
		pO->zWatermark = zArg;
		break;
	case OPT_ALLOW_MASS:
		pO->allowMass = 1;
		break;
	case OPT_ALLOW_EMPTY:
		pO->allowEmpty = 1;
		break;
	case OPT_ALLOW_OLDER:
		pO->allowOlder = 1;
		break;
	case OPT_DRYRUN:
		pO->dryRun = 1;
		break;
	case OPT_QUIET:
		pO->quiet = 1;
		break;
	case OPT_PROGRESS:
		pO->progress = 1;
		if (zArg != NULL &&
		    util_parse_i64(zArg, 0, 86400, &pO->progressEvery) != 0)
			util_die(DBS_EXIT_USAGE,
			    "--progress: \"%s\" is not a number of seconds "
			    "(0 to 86400)",
			    zArg);
		break;
	case OPT_NO_PROGRESS:
		pO->progress = 0;
		break;
	case OPT_PROGRESS_LABEL:
		pO->zProgressLabel = zArg;
		break;
	default:
		set_simple(pO, c, zArg);
		pO->modeSet |= c == OPT_MODE;
		pO->deletesSet |= c == OPT_DELETES;
		break;
	}
	return 1;
}

/* Parse argv into *pO, dying with status 2 on a usage error. */
static void
parse_args(struct load_opts *pO, int argc, char **argv)
{
	int c, bLoad = 0;

	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", aLongOpt, NULL)) != -1) {
		if (c == 'h')
			help();
		if (c == OPT_VERSION) {
			if (printf("dbs-load %s\n", DBS_VERSION) < 0 ||
			    fflush(stdout) != 0)
				util_die(DBS_EXIT_FAIL, "stdout: write error");
			exit(DBS_EXIT_OK);
		}
		if (c == ':')
			util_die(DBS_EXIT_USAGE, "option %s needs an argument",
			    argv[optind - 1]);
		if (c == '?')
			util_die(DBS_EXIT_USAGE,
			    "unknown option %s (see dbs-load --help)",
			    argv[optind - 1]);
		bLoad |= set_option(pO, c, optarg);
	}
	pO->azFile = argv + optind;
	pO->nFile = (size_t)(argc - optind);
	if (pO->zDb == NULL)
		util_die(DBS_EXIT_USAGE,
		    "--db file is required (see dbs-load "
		    "--help)");
	if (pO->zState != NULL && pO->zServe != NULL)
		util_die(DBS_EXIT_USAGE, "--state and --serve are exclusive");
	if ((pO->zState != NULL || pO->zServe != NULL) &&
	    (bLoad || pO->nFile > 0))
		util_die(DBS_EXIT_USAGE,
		    "--%s takes no FILE operands and no load options",
		    pO->zState != NULL ? "state" : "serve");
	if (pO->deletesSet && pO->mode != LOAD_MERGE)
		util_die(DBS_EXIT_USAGE,
		    "--deletes applies only to --mode "
		    "merge");
}

int
main(int argc, char **argv)
{
	struct load_opts opts = {0};
	struct load_run run = {0};
	size_t i;
	int rc;

	if (argc >= 2 && strcmp(argv[1], "--sync") == 0)
		return sync_main(argc - 2, argv + 2);
	util_setprogname("dbs-load");
	signal(SIGPIPE, SIG_IGN);
	opts.maxDelete = DEFAULT_MAX_DELETE;
	opts.busyTimeout = DEFAULT_BUSY_MS;
	opts.progress = -1;
	opts.progressEvery = -1;
	opts.progressFd = STDERR_FILENO;
	parse_args(&opts, argc, argv);
	run.pOpts = &opts;
	if (opts.zState != NULL || opts.zServe != NULL) {
		/* --serve says why it failed to dbs-extract, in its answer */
		rc = opts.zState ? state_print(&run) : serve_run(&run);
		if (rc != 0 && opts.zState != NULL)
			util_warn("%s", run.zErr ? run.zErr : "failed");
	} else {
		rc = run_load(&run);
	}
	run_free(&run);
	for (i = 0; i < opts.nKey; i++)
		free(opts.azKey[i]);
	free(opts.azKey);
	for (i = 0; i < opts.nIndex; i++)
		ident_list_clear(&opts.aIndex[i]);
	free(opts.aIndex);
	return rc;
}
