/*
 * sync.c - dbs-sync's options and config, and the views and lock steps
 * (see sync.h for the steps and how they answer).
 */
#include "sync.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "util.h"

#define DEFAULT_CONFIG "/etc/dbs/dbs.conf"

static const char zUsage[] =
    "usage: dbs-sync [-c file] [--dry-run] [--full] [-v] [-j jobs]\n"
    "\t\t[--strategy full | keys | segments]\n"
    "\t\t[--log-format text | json] [--allow-older] [--allow-empty]\n"
    "\t\t[--allow-mass-delete] [view ...]\n"
    "       dbs-sync [-c file] [--dry-run] [-v] [--log-format text | json]\n"
    "\t\t[--allow-older] [--allow-empty] [--allow-mass-delete]\n"
    "\t\t--replay file view\n"
    "       dbs-sync -h | --help | --version\n";

static const char zHelp[] =
    "\n"
    "For each configured view (or each view named), pipe dbs-extract into\n"
    "dbs-load under a lock on the view's database, keep a snapshot, log\n"
    "one line. See dbs-sync(1) and dbs.conf(5).\n"
    "\n"
    "  -c, --config file     the config file (default: DBS_CONFIG, else\n"
    "                        " DEFAULT_CONFIG ")\n"
    "  --dry-run             extract and count, change nothing, keep no\n"
    "                        snapshot\n"
    "  --full                a full extract for incremental views: applies\n"
    "                        deletes, resets the watermark\n"
    "  --strategy full|keys|segments\n"
    "                        overrides the views' strategy for this run\n"
    "  -j, --jobs n          sync up to n views at once (never two of one\n"
    "                        database)\n"
    "  -v, --verbose         the log line on stderr after success too\n"
    "  --log-format text|json\n"
    "                        overrides the config's log-format\n"
    "  --allow-older         --allow-empty   --allow-mass-delete\n"
    "                        passed to dbs-load: override its safety rules\n"
    "  --replay file         load a saved snapshot into the view's table\n"
    "\n"
    "Exit status: 0 ok, 1 failed, 2 usage, 3 refused, 4 busy, 128+N\n"
    "interrupted by signal N; with several views, the first failure's.\n";

enum {
	OPT_DRYRUN = 256,
	OPT_FULL,
	OPT_REPLAY,
	OPT_LOGFORMAT,
	OPT_ALLOW_OLDER,
	OPT_ALLOW_EMPTY,
	OPT_ALLOW_MASS,
	OPT_STRATEGY,
	OPT_VERSION
};

const char *const sync_azKind[SYNC_UNKNOWN] = {
    "full", "incremental", "replay", "keys", "segments"};

static const struct option aLongOpt[] = {
    {"config", required_argument, NULL, 'c'},
    {"dry-run", no_argument, NULL, OPT_DRYRUN},
    {"full", no_argument, NULL, OPT_FULL}, {"verbose", no_argument, NULL, 'v'},
    {"replay", required_argument, NULL, OPT_REPLAY},
    {"log-format", required_argument, NULL, OPT_LOGFORMAT},
    {"allow-older", no_argument, NULL, OPT_ALLOW_OLDER},
    {"allow-empty", no_argument, NULL, OPT_ALLOW_EMPTY},
    {"allow-mass-delete", no_argument, NULL, OPT_ALLOW_MASS},
    {"strategy", required_argument, NULL, OPT_STRATEGY},
    {"jobs", required_argument, NULL, 'j'}, {"help", no_argument, NULL, 'h'},
    {"version", no_argument, NULL, OPT_VERSION}, {NULL, 0, NULL, 0}};

/* "dbs-sync: message" on stderr; returns rc. */
static int warn_rc(int rc, const char *zFmt, ...)
    __attribute__((format(printf, 2, 3)));

static int
warn_rc(int rc, const char *zFmt, ...)
{
	va_list ap;
	char *z;

	va_start(ap, zFmt);
	z = util_vformat(zFmt, ap);
	va_end(ap);
	fprintf(stderr, "dbs-sync: %s\n", z);
	free(z);
	return rc;
}

/* Print z to stdout for --help/--version; 0, or 1 on a write error. */
static int
print_out(const char *z1, const char *z2)
{
	if (fputs(z1, stdout) == EOF || fputs(z2, stdout) == EOF ||
	    fflush(stdout) != 0)
		return warn_rc(DBS_EXIT_FAIL, "stdout: %s", strerror(errno));
	return 0;
}

/* Parse argv into pO. Returns 0, an exit status, or -1 when --help or
 * --version was printed. */
static int
parse_opts(struct sync_opts *pO, int argc, char **argv)
{
	int64_t nJobs;
	int c;

	optind = 0; /* glibc: reinitialise */
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":c:vhj:", aLongOpt, NULL)) != -1) {
		switch (c) {
		case OPT_STRATEGY:
			pO->zStrategy = optarg;
			break;
		case 'j':
			if (util_parse_i64(optarg, 1, 64, &nJobs) != 0)
				return warn_rc(DBS_EXIT_USAGE,
				    "-j: \"%s\" is not a number of jobs from "
				    "1 to 64",
				    optarg);
			pO->nJobs = (int)nJobs;
			break;
		case 'c':
			pO->zConfig = optarg;
			break;
		case 'v':
			pO->verbose = 1;
			break;
		case OPT_DRYRUN:
			pO->dryRun = 1;
			break;
		case OPT_FULL:
			pO->full = 1;
			break;
		case OPT_REPLAY:
			pO->zReplay = optarg;
			break;
		case OPT_LOGFORMAT:
			pO->zLogFormat = optarg;
			break;
		case OPT_ALLOW_OLDER:
			pO->allowOlder = 1;
			break;
		case OPT_ALLOW_EMPTY:
			pO->allowEmpty = 1;
			break;
		case OPT_ALLOW_MASS:
			pO->allowMass = 1;
			break;
		case 'h':
			return print_out(zUsage, zHelp) ? DBS_EXIT_FAIL : -1;
		case OPT_VERSION:
			return print_out("dbs-sync " DBS_VERSION "\n", "")
			    ? DBS_EXIT_FAIL
			    : -1;
		case ':':
			return warn_rc(DBS_EXIT_USAGE,
			    "option %s needs an argument (see dbs-sync --help)",
			    argv[optind - 1]);
		default:
			return warn_rc(DBS_EXIT_USAGE,
			    "unknown option %s (see dbs-sync --help)",
			    argv[optind - 1]);
		}
	}
	pO->azView = argv + optind;
	pO->nView = (size_t)(argc - optind);
	return 0;
}

/* Checks of the options among themselves. */
static int
check_opts(const struct sync_opts *pO)
{
	if (pO->zLogFormat &&
	    config_word(config_log_formats, pO->zLogFormat) < 0)
		return warn_rc(DBS_EXIT_USAGE,
		    "--log-format: \"%s\" is not text or json", pO->zLogFormat);
	if (pO->zConfig && *pO->zConfig == '\0')
		return warn_rc(DBS_EXIT_USAGE, "-c: empty file name");
	if (pO->zStrategy && config_word(config_strategies, pO->zStrategy) < 0)
		return warn_rc(DBS_EXIT_USAGE,
		    "--strategy: \"%s\" is not full, keys or segments",
		    pO->zStrategy);
	if (pO->zStrategy && pO->zReplay)
		return warn_rc(
		    DBS_EXIT_USAGE, "--strategy and --replay are exclusive");
	if (pO->zReplay == NULL)
		return 0;
	if (pO->full)
		return warn_rc(
		    DBS_EXIT_USAGE, "--full and --replay are exclusive");
	if (pO->nView != 1)
		return warn_rc(DBS_EXIT_USAGE,
		    "--replay loads into exactly one view: name it");
	if (access(pO->zReplay, R_OK) != 0)
		return warn_rc(
		    DBS_EXIT_USAGE, "%s: %s", pO->zReplay, strerror(errno));
	return 0;
}

const char *
sync_get(const struct sync_ctx *pCtx, const char *zView, enum config_key k)
{
	return config_get(&pCtx->cfg, config_view(&pCtx->cfg, zView), k);
}

enum sync_strategy
sync_strategy(const struct sync_ctx *pCtx, const char *zView)
{
	const char *z = pCtx->o.zStrategy;
	int i;

	if (z == NULL)
		z = sync_get(pCtx, zView, CONFIG_STRATEGY);
	i = z != NULL ? config_word(config_strategies, z) : -1;
	return i > 0 ? (enum sync_strategy)i : SYNC_BY_FULL;
}

const char *
sync_table(const struct sync_ctx *pCtx, const char *zView)
{
	const char *z = sync_get(pCtx, zView, CONFIG_TABLE);

	return z != NULL ? z : zView;
}

/*
 * The strategy of a view and what it needs: keys and segments a key and
 * mode = merge (they delete what left the source); keys the since
 * column whose increment it fetches, segments none (it compares every
 * row); neither a query. Returns 0 or 2.
 */
static int
check_strategy(const struct sync_ctx *pCtx, const struct config_section *pV)
{
	enum sync_strategy s = sync_strategy(pCtx, pV->zName);
	const char *zMode = config_get(&pCtx->cfg, pV, CONFIG_MODE);
	const char *zWhy = NULL;

	if (s == SYNC_BY_FULL)
		return 0;
	if (config_get(&pCtx->cfg, pV, CONFIG_KEY) == NULL)
		zWhy = "needs a key";
	else if (config_get(&pCtx->cfg, pV, CONFIG_QUERY) != NULL)
		zWhy = "needs a view, not a query";
	else if (zMode != NULL && strcmp(zMode, "merge") != 0)
		zWhy = "needs mode = merge";
	else if (config_get(&pCtx->cfg, pV, CONFIG_ORDER_BY) != NULL)
		zWhy = "orders by the key: no order-by";
	else if (s == SYNC_BY_KEYS &&
	    config_get(&pCtx->cfg, pV, CONFIG_SINCE) == NULL)
		zWhy = "needs since (the column whose increment it fetches)";
	else if (s == SYNC_BY_SEGMENTS &&
	    config_get(&pCtx->cfg, pV, CONFIG_SINCE) != NULL)
		zWhy = "compares every row: no since";
	if (zWhy == NULL)
		return 0;
	return warn_rc(DBS_EXIT_USAGE, "%s: [view %s]: strategy = %s %s",
	    pCtx->cfg.zPath, pV->zName, config_strategies[s], zWhy);
}

/*
 * The checks that need several keys of a view, for every view of the
 * file: a config that reads fine can be run. Returns 0 or 2.
 */
static int
check_view(const struct sync_ctx *pCtx, const struct config_section *pV)
{
	const char *zMode = config_get(&pCtx->cfg, pV, CONFIG_MODE);
	const char *zPath = pCtx->cfg.zPath;

	if (config_get(&pCtx->cfg, pV, CONFIG_DB) == NULL)
		return warn_rc(DBS_EXIT_USAGE,
		    "%s: [view %s]: no db (set it there or in [sync])", zPath,
		    pV->zName);
	if (zMode && strcmp(zMode, "replace") == 0 &&
	    pV->azVal[CONFIG_SINCE] != NULL)
		return warn_rc(DBS_EXIT_USAGE,
		    "%s: line %d: [view %s]: since with mode = replace would "
		    "delete every row an incremental extract does not carry",
		    zPath, pV->aiLine[CONFIG_SINCE], pV->zName);
	if (zMode && strcmp(zMode, "merge") != 0 &&
	    config_get(&pCtx->cfg, pV, CONFIG_DELETES) != NULL)
		return warn_rc(DBS_EXIT_USAGE,
		    "%s: [view %s]: deletes applies only to mode = merge",
		    zPath, pV->zName);
	return check_strategy(pCtx, pV);
}

int
sync_setup(struct sync_ctx *pCtx, int argc, char **argv, int *pDone)
{
	const char *zEnv = getenv("DBS_CONFIG");
	char *zErr = NULL;
	size_t i;
	int rc;

	memset(pCtx, 0, sizeof *pCtx);
	*pDone = 0;
	rc = parse_opts(&pCtx->o, argc, argv);
	if (rc < 0)
		*pDone = 1;
	if (rc != 0)
		return rc < 0 ? 0 : rc;
	rc = check_opts(&pCtx->o);
	if (rc != 0)
		return rc;
	if (pCtx->o.zConfig == NULL)
		pCtx->o.zConfig = zEnv && *zEnv ? zEnv : DEFAULT_CONFIG;
	if (config_read(pCtx->o.zConfig, &pCtx->cfg, &zErr) != 0) {
		rc = warn_rc(DBS_EXIT_USAGE, "%s", zErr);
		free(zErr);
		return rc;
	}
	if (pCtx->cfg.nView == 0)
		return warn_rc(DBS_EXIT_USAGE, "%s: no [view NAME] sections",
		    pCtx->o.zConfig);
	for (i = 0; i < pCtx->cfg.nView; i++) {
		rc = check_view(pCtx, &pCtx->cfg.aView[i]);
		if (rc != 0)
			return rc;
	}
	for (i = 0; i < pCtx->o.nView; i++)
		if (config_view(&pCtx->cfg, pCtx->o.azView[i]) == NULL)
			return warn_rc(DBS_EXIT_USAGE,
			    "%s: no [view %s] section", pCtx->o.zConfig,
			    pCtx->o.azView[i]);
	if (pCtx->o.zReplay == NULL &&
	    pCtx->cfg.source.azVal[CONFIG_SERVER] == NULL)
		return warn_rc(
		    DBS_EXIT_USAGE, "%s: [source]: no server", pCtx->o.zConfig);
	return 0;
}

void
sync_ctx_clear(struct sync_ctx *pCtx)
{
	config_clear(&pCtx->cfg);
}

int
sync_put(const char *z)
{
	size_t n = strlen(z) + 1;
	ssize_t k;

	while (n > 0) {
		k = write(3, z, n);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return -1;
		z += k;
		n -= (size_t)k;
	}
	return 0;
}

/* The database of view zView as one name for one file, in a new
 * string: its realpath(), or, before the file exists, its directory's
 * and its own name (so that "x.db" and "./x.db" are one database). */
static char *
db_identity(const struct sync_ctx *pCtx, const char *zView)
{
	const char *zDb = sync_get(pCtx, zView, CONFIG_DB);
	const char *zBase = strrchr(zDb, '/');
	char *z = realpath(zDb, NULL), *zDir, *zId;

	if (z != NULL)
		return z;
	zDir = zBase == NULL ? util_strdup(".")
	    : zBase == zDb   ? util_strdup("/")
	                     : util_format("%.*s", (int)(zBase - zDb), zDb);
	z = realpath(zDir, NULL);
	zId = z == NULL ? util_strdup(zDb)
	                : util_format("%s/%s", z, zBase ? zBase + 1 : zDb);
	free(z);
	free(zDir);
	return zId;
}

/*
 * views: the number of jobs (-j), then for each view to sync, named or
 * all, in order, its name and its group: the index of the first view
 * with the same database. dbs-sync runs the views of a group one after
 * the other and up to that many groups at once.
 */
static int
step_views(const struct sync_ctx *pCtx)
{
	size_t n = pCtx->o.nView > 0 ? pCtx->o.nView : pCtx->cfg.nView, i, j;
	const char **azView = util_calloc(n + 1, sizeof *azView);
	char **azDb = util_calloc(n + 1, sizeof *azDb);
	char zN[24];
	int rc;

	snprintf(zN, sizeof zN, "%d", pCtx->o.nJobs > 0 ? pCtx->o.nJobs : 1);
	rc = sync_put(zN);
	for (i = 0; i < n; i++) {
		azView[i] = pCtx->o.nView > 0 ? pCtx->o.azView[i]
		                              : pCtx->cfg.aView[i].zName;
		azDb[i] = db_identity(pCtx, azView[i]);
		for (j = 0; j < i && strcmp(azDb[j], azDb[i]) != 0; j++)
			;
		snprintf(zN, sizeof zN, "%zu", j);
		if (rc == 0)
			rc = sync_put(azView[i]);
		if (rc == 0)
			rc = sync_put(zN);
	}
	for (i = 0; i < n; i++)
		free(azDb[i]);
	free(azDb);
	free(azView);
	return rc == 0 ? 0
	               : warn_rc(DBS_EXIT_FAIL, "fd 3: %s", strerror(errno));
}

/*
 * lock: the lock file beside the view's database (created here, so that
 * a missing directory is one clear message) and the seconds to wait.
 */
static int
step_lock(const struct sync_ctx *pCtx, const char *zView)
{
	const char *zDb = sync_get(pCtx, zView, CONFIG_DB);
	const char *zWait = sync_get(pCtx, zView, CONFIG_LOCK_TIMEOUT);
	size_t n = strlen(zDb) + 6;
	char *zLock = util_malloc(n);
	int fd, rc = 0;

	snprintf(zLock, n, "%s.lock", zDb);
	fd = open(zLock, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	if (fd < 0)
		rc = warn_rc(DBS_EXIT_FAIL,
		    "%s: %s: cannot create the lock file: "
		    "%s",
		    zView, zLock, strerror(errno));
	else
		close(fd);
	if (rc == 0 &&
	    (sync_put(zLock) != 0 || sync_put(zWait ? zWait : "0") != 0))
		rc = warn_rc(DBS_EXIT_FAIL, "fd 3: %s", strerror(errno));
	free(zLock);
	return rc;
}

/* Parse the done step's fixed arguments into *pOut. Returns 0 or 2. */
static int
parse_outcome(char **argv, struct sync_outcome *pOut)
{
	struct timespec now;
	char *zStart, *zComma;
	int64_t v[7];
	size_t i;

	for (i = 0; i < 7; i++)
		if (util_parse_i64(argv[i + 1], -1, 255, &v[i]) != 0)
			return warn_rc(DBS_EXIT_USAGE,
			    "done: bad status \"%s\"", argv[i + 1]);
	memset(pOut, 0, sizeof *pOut);
	pOut->kind = SYNC_UNKNOWN;
	for (i = 0; i < SYNC_UNKNOWN; i++)
		if (strcmp(argv[0], sync_azKind[i]) == 0)
			pOut->kind = (enum sync_kind)i;
	pOut->rcPlan = (int)v[0];
	pOut->rcExtract = (int)v[1];
	pOut->rcTee = (int)v[2];
	pOut->rcLoad = (int)v[3];
	pOut->signal = (int)v[4];
	pOut->busy = (int)v[5];
	pOut->locked = (int)v[6];
	clock_gettime(CLOCK_REALTIME, &now);
	/* bash's EPOCHREALTIME has the locale's decimal point */
	zStart = util_strdup(argv[8]);
	if ((zComma = strchr(zStart, ',')) != NULL)
		*zComma = '.';
	pOut->seconds = (double)now.tv_sec + (double)now.tv_nsec / 1e9 -
	    strtod(zStart, NULL);
	free(zStart);
	if (!(pOut->seconds >= 0))
		pOut->seconds = 0;
	pOut->zTmp = argv[9];
	pOut->zPart = argv[10];
	pOut->zFinal = argv[11];
	return 0;
}

/* Index of "--" in argv, or -1. */
static int
find_dashes(int argc, char **argv)
{
	int i;

	for (i = 0; i < argc; i++)
		if (strcmp(argv[i], "--") == 0)
			return i;
	return -1;
}

int
sync_main(int argc, char **argv)
{
	static const struct {
		const char *zStep;
		int nArg; /* before "--" */
	} aStep[] = {
	    {"views", 0}, {"lock", 1}, {"plan", 1}, {"done", 13}, {"tee", 1}};
	struct sync_ctx ctx;
	struct sync_outcome out;
	int iDash = find_dashes(argc, argv), rc, done;
	size_t s;

	util_setprogname("dbs-sync");
	for (s = 0; s < sizeof aStep / sizeof aStep[0]; s++)
		if (argc > 0 && strcmp(argv[0], aStep[s].zStep) == 0)
			break;
	if (s == sizeof aStep / sizeof aStep[0] || iDash != aStep[s].nArg + 1)
		return warn_rc(DBS_EXIT_USAGE,
		    "dbs-load --sync: expected views, lock VIEW, plan VIEW, "
		    "tee PART or done VIEW ..., then --");
	if (s == 4) /* no config: the stream must flow */
		return sync_tee(argv[1]);
	if (s == 3 && parse_outcome(argv + 2, &out) != 0)
		return DBS_EXIT_USAGE;
	rc = sync_setup(&ctx, argc - iDash, argv + iDash, &done);
	if (rc == 0 && !done) {
		if (s == 0)
			rc = step_views(&ctx);
		else if (s == 1)
			rc = step_lock(&ctx, argv[1]);
		else if (s == 2)
			rc = sync_plan(&ctx, argv[1]);
		else
			rc = sync_done(&ctx, argv[1], &out);
	}
	sync_ctx_clear(&ctx);
	return rc;
}
