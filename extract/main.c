/*
 * main.c - dbs-extract: read one view (or one SELECT) from SQL Server or
 * Sybase ASE through FreeTDS db-lib and write it as a dbs stream
 * (dbs-stream(5)) on stdout or into a file. This file parses the options
 * and wires the modules: conf (settings), query (SQL text), conn (db-lib),
 * emit (the streaming loop), out (the output file), diff (--strategy).
 *
 * Errors and ownership, the one rule of extract/:
 *
 * - A function that can fail returns 0, or a DBS_EXIT_* status (util.h)
 *   and sets *pzErr to its message: one line without the program name,
 *   as util_fail() makes it. The caller owns the message: it frees it
 *   with free(), or passes it up, as it is or wrapped in more context
 *   ("server: after 12 rows: ..."; the inner one is then freed). On
 *   success *pzErr is left alone.
 * - Nothing below main() prints a diagnostic or exits. main() prints the
 *   message with util_warn() (which escapes what a server or a file put
 *   in it) and returns the status; only the option parsing of this file
 *   dies on a usage error where it finds it.
 * - A pure helper that fails in one way (fmt_describe, fmt_value,
 *   query_literal, ident_parse_list) returns -1 or NULL and sets *pzWhy
 *   to a static phrase (nothing to free), which its caller puts into a
 *   message.
 * - conn.c keeps db-lib's errors in module state, because db-lib reports
 *   them to process-wide handlers; its functions hand them over by the
 *   rule all the same (conn_fail() for a failure the caller met in a
 *   db-lib call of its own). diff.c and local.c keep the first failure
 *   of a comparison in their state too, the run stopping at it, and
 *   hand it over at their boundary (diff_run(), local_close()).
 *
 * Outside the rule: running out of memory ends the process (util_malloc,
 * as everywhere in dbs); the login watchdog of conn.c, a signal handler,
 * prints the timeout and ends a login that FreeTDS never returns from;
 * --progress lines are output the user asked for, not diagnostics.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf.h"
#include "config.h"
#include "conn.h"
#include "diff.h"
#include "emit.h"
#include "keysql.h"
#include "out.h"
#include "prompt.h"
#include "query.h"
#include "util.h"

static const char zUsage[] =
    "usage: dbs-extract [-c file] [--no-env] [-S server] [-D database]\n"
    "           [-U user] [-P -]\n"
    "           [--password-file file] [--tds-version version]\n"
    "           [--encrypt mode] [--ca-file file] [--login-timeout seconds]\n"
    "           [--query-timeout seconds] [--app-name name]\n"
    "           [--format csv | ndjson] [--plain] [-o file]\n"
    "           [--progress | --no-progress] [--key columns]\n"
    "           --view name [--columns columns] [--where expr]\n"
    "           [--order-by columns] [--since column=value]\n"
    "           [--fingerprint | --strategy keys | segments -- command ...]\n"
    "       dbs-extract [options] --query sql\n"
    "       dbs-extract -h | --help | --version\n";

static const char zHelp[] =
    "\n"
    "Read a view or a query from SQL Server or Sybase ASE and write it as a\n"
    "typed dbs stream (dbs-stream(5)) to stdout.\n"
    "\n"
    "  -c file               config file ([source] section)\n"
    "  --no-env              ignore DBS_SERVER and the other DBS_*\n"
    "                        settings (not DBS_PASSWORD*)\n"
    "  -S server             host, host:port, host\\instance or freetds.conf "
    "name\n"
    "  -D database           database\n"
    "  -U user               login (DOMAIN\\user for NTLM; none: Kerberos)\n"
    "  -P -                  read the password from stdin\n"
    "  --password-file file  read the password from the file's first line\n"
    "  --tds-version v       7.0 7.1 7.2 7.3 7.4 5.0 auto\n"
    "  --encrypt mode        off request require strict\n"
    "  --ca-file file        CA certificates to check the server's\n"
    "  --login-timeout s     --query-timeout s     --app-name name\n"
    "  --view name           [schema.]name; [a.b] brackets a name with dots\n"
    "  --query sql           a SELECT of your own (trusted SQL)\n"
    "  --columns list        columns to extract (view only)\n"
    "  --where expr          filter, passed verbatim (trusted SQL; view only)\n"
    "  --key list            key columns, written to the header\n"
    "  --order-by list       sort order (view only; default: the key)\n"
    "  --since col=value     only rows with col > value (view only)\n"
    "  --fingerprint         add each row's fingerprint (_dbs_fp)\n"
    "  --strategy keys|segments -- command...\n"
    "                        only what differs from the local table that\n"
    "                        command (dbs-load --serve) describes\n"
    "  --format csv|ndjson   --plain (csv for spreadsheets)   -o file\n"
    "  --progress            rows/s on stderr (default when it is a "
    "terminal)\n"
    "\n"
    "The password comes from -P -, --password-file, DBS_PASSWORD or the\n"
    "config file, never from the command line. See dbs-extract(1).\n";

/* What to extract and how to write it. */
struct opts {
	const char *zView, *zQuery, *zColumns, *zWhere, *zKey, *zOrder;
	const char *zSince, *zFormat, *zOutput;
	const char *zStrategy; /* --strategy, or NULL */
	int plain, progress;   /* progress: -1 auto, 0 off, 1 on */
	int fingerprint;       /* --fingerprint */
	char *const *azLocal;  /* the command after "--", or NULL */
};

enum {
	OPT_PASSWORD_FILE = 256,
	OPT_PASSWORD,
	OPT_TDS_VERSION,
	OPT_ENCRYPT,
	OPT_CA_FILE,
	OPT_LOGIN_TIMEOUT,
	OPT_QUERY_TIMEOUT,
	OPT_APP_NAME,
	OPT_VIEW,
	OPT_QUERY,
	OPT_COLUMNS,
	OPT_WHERE,
	OPT_KEY,
	OPT_ORDER_BY,
	OPT_SINCE,
	OPT_FORMAT,
	OPT_PLAIN,
	OPT_PROGRESS,
	OPT_NO_PROGRESS,
	OPT_NO_ENV,
	OPT_STRATEGY,
	OPT_FINGERPRINT,
	OPT_VERSION
};

static const struct option aLong[] = {{"config", required_argument, NULL, 'c'},
    {"server", required_argument, NULL, 'S'},
    {"database", required_argument, NULL, 'D'},
    {"user", required_argument, NULL, 'U'},
    {"password-file", required_argument, NULL, OPT_PASSWORD_FILE},
    {"password", optional_argument, NULL, OPT_PASSWORD},
    {"tds-version", required_argument, NULL, OPT_TDS_VERSION},
    {"encrypt", required_argument, NULL, OPT_ENCRYPT},
    {"ca-file", required_argument, NULL, OPT_CA_FILE},
    {"login-timeout", required_argument, NULL, OPT_LOGIN_TIMEOUT},
    {"query-timeout", required_argument, NULL, OPT_QUERY_TIMEOUT},
    {"app-name", required_argument, NULL, OPT_APP_NAME},
    {"view", required_argument, NULL, OPT_VIEW},
    {"query", required_argument, NULL, OPT_QUERY},
    {"columns", required_argument, NULL, OPT_COLUMNS},
    {"where", required_argument, NULL, OPT_WHERE},
    {"key", required_argument, NULL, OPT_KEY},
    {"order-by", required_argument, NULL, OPT_ORDER_BY},
    {"since", required_argument, NULL, OPT_SINCE},
    {"format", required_argument, NULL, OPT_FORMAT},
    {"plain", no_argument, NULL, OPT_PLAIN},
    {"output", required_argument, NULL, 'o'},
    {"progress", no_argument, NULL, OPT_PROGRESS},
    {"no-progress", no_argument, NULL, OPT_NO_PROGRESS},
    {"no-env", no_argument, NULL, OPT_NO_ENV},
    {"strategy", required_argument, NULL, OPT_STRATEGY},
    {"fingerprint", no_argument, NULL, OPT_FINGERPRINT},
    {"help", no_argument, NULL, 'h'},
    {"version", no_argument, NULL, OPT_VERSION}, {NULL, 0, NULL, 0}};

static const char zNoPassword[] =
    "a password on the command line is visible to every user of this "
    "machine: use DBS_PASSWORD, --password-file FILE or -P - (stdin)";

/* The flag as the user typed it, without any "=value" (may be secret). */
static _Noreturn void
bad_option(const char *zArg, const char *zWhat)
{
	size_t n = strcspn(zArg, "=");

	util_die(DBS_EXIT_USAGE, "%s %.*s (see dbs-extract --help)", zWhat,
	    (int)n, zArg);
}

/* Exit after --help or --version: 0, or 1 if stdout could not be written. */
static _Noreturn void
exit_flushed(void)
{
	if (fflush(stdout) != 0 || ferror(stdout))
		util_die(DBS_EXIT_FAIL, "stdout: %s", strerror(errno));
	exit(DBS_EXIT_OK);
}

/* Map a connection flag to its setting, or -1. */
static int
conf_key_of(int c)
{
	switch (c) {
	case 'S':
		return CONF_SERVER;
	case 'D':
		return CONF_DATABASE;
	case 'U':
		return CONF_USER;
	case OPT_PASSWORD_FILE:
		return CONF_PASSWORD_FILE;
	case OPT_TDS_VERSION:
		return CONF_TDS_VERSION;
	case OPT_ENCRYPT:
		return CONF_ENCRYPT;
	case OPT_CA_FILE:
		return CONF_CA_FILE;
	case OPT_LOGIN_TIMEOUT:
		return CONF_LOGIN_TIMEOUT;
	case OPT_QUERY_TIMEOUT:
		return CONF_QUERY_TIMEOUT;
	case OPT_APP_NAME:
		return CONF_APP_NAME;
	default:
		return -1;
	}
}

/* Handle one option that is not a connection setting. */
static void
what_option(int c, struct opts *pO)
{
	switch (c) {
	case OPT_VIEW:
		pO->zView = optarg;
		break;
	case OPT_QUERY:
		pO->zQuery = optarg;
		break;
	case OPT_COLUMNS:
		pO->zColumns = optarg;
		break;
	case OPT_WHERE:
		pO->zWhere = optarg;
		break;
	case OPT_KEY:
		pO->zKey = optarg;
		break;
	case OPT_ORDER_BY:
		pO->zOrder = optarg;
		break;
	case OPT_SINCE:
		pO->zSince = optarg;
		break;
	case OPT_FORMAT:
		pO->zFormat = optarg;
		break;
	case 'o':
		pO->zOutput = optarg;
		break;
	case OPT_PLAIN:
		pO->plain = 1;
		break;
	case OPT_PROGRESS:
		pO->progress = 1;
		break;
	case OPT_STRATEGY:
		pO->zStrategy = optarg;
		break;
	case OPT_FINGERPRINT:
		pO->fingerprint = 1;
		break;
	default: /* OPT_NO_PROGRESS */
		pO->progress = 0;
		break;
	}
}

static void
parse_args(int argc, char **argv, struct opts *pO, struct conf *pC)
{
	char *zErr;
	int c, k;

	opterr = 0;
	/* "+": stop at the first operand, the local command after "--" */
	while ((c = getopt_long(argc, argv, "+:c:S:D:U:P:o:h", aLong, NULL)) !=
	    -1) {
		k = conf_key_of(c);
		if (k >= 0) {
			if (conf_set_flag(
			        pC, (enum conf_key)k, optarg, &zErr) != 0)
				util_die(DBS_EXIT_USAGE, "%s", zErr);
			continue;
		}
		switch (c) {
		case 'c':
			free(pC->zConfigFile);
			pC->zConfigFile = util_strdup(optarg);
			break;
		case OPT_NO_ENV:
			pC->noEnv = 1;
			break;
		case 'P':
			if (strcmp(optarg, "-") != 0)
				util_die(DBS_EXIT_USAGE,
				    "-P takes only '-' (read the password "
				    "from stdin): %s",
				    zNoPassword);
			pC->passwordStdin = 1;
			break;
		case OPT_PASSWORD:
			util_die(DBS_EXIT_USAGE, "--password is refused: %s",
			    zNoPassword);
		case 'h':
			fputs(zUsage, stdout);
			fputs(zHelp, stdout);
			exit_flushed();
		case OPT_VERSION:
			printf(
			    "dbs-extract %s (%s)\n", DBS_VERSION, dbversion());
			exit_flushed();
		case ':':
			bad_option(argv[optind - 1], "missing value for");
		case '?':
			if (optopt && optopt < 256) {
				char z[3] = {'-', (char)optopt, '\0'};

				bad_option(z, "unknown option");
			}
			bad_option(argv[optind - 1], "unknown option");
		default:
			what_option(c, pO);
			break;
		}
	}
	if (optind < argc && strcmp(argv[optind - 1], "--") == 0)
		pO->azLocal = argv + optind;
	else if (optind < argc)
		util_die(DBS_EXIT_USAGE,
		    "unexpected argument \"%s\" (see dbs-extract --help)",
		    argv[optind]);
}

/* Everything parsed from the what-options. */
struct plan {
	struct ident_list view, columns, key, order;
	char *zSinceCol, *zSinceValue;
	char *zObject; /* display name of the view */
	enum stream_format format;
	int orderIsKey;
	int strategy; /* enum diff_strategy, or -1: a plain extract */
};

/* Parse a list option, or die with a usage error naming the flag. */
static void
parse_list(const char *zFlag, const char *z, char cSep, struct ident_list *pL)
{
	const char *zWhy;

	if (ident_parse_list(z, cSep, pL, &zWhy) != 0)
		util_die(DBS_EXIT_USAGE, "%s: %s", zFlag, zWhy);
}

/* Die if a column list names a column twice. */
static void
check_unique(const char *zFlag, const struct ident_list *pL)
{
	size_t i, j;

	for (i = 0; i < pL->n; i++) {
		for (j = 0; j < i; j++) {
			if (strcmp(pL->az[i], pL->az[j]) == 0)
				util_die(DBS_EXIT_USAGE,
				    "%s: column \"%s\" named twice", zFlag,
				    pL->az[i]);
		}
	}
}

/* Check --strategy, --fingerprint and the local command. */
static void
plan_strategy(const struct opts *pO, struct plan *pP)
{
	/* the strategies in the order of config_strategies */
	static const enum diff_strategy aStrategy[] = {
	    DIFF_FULL, DIFF_KEYS, DIFF_SEGMENTS};
	const char *zS = pO->zStrategy;
	int k = zS ? config_word(config_strategies, zS) : 0;

	if (k < 0)
		util_die(DBS_EXIT_USAGE,
		    "--strategy: \"%s\" is not full, keys or segments", zS);
	pP->strategy = aStrategy[k];
	if (pP->strategy == DIFF_FULL && !pO->fingerprint)
		pP->strategy = -1; /* a plain extract */
	if (pO->fingerprint && pP->strategy > DIFF_FULL)
		util_die(DBS_EXIT_USAGE,
		    "--fingerprint is for a full extract (segments adds it "
		    "itself)");
	if ((pP->strategy > DIFF_FULL) != (pO->azLocal != NULL))
		util_die(DBS_EXIT_USAGE,
		    pO->azLocal
		        ? "a command after -- needs --strategy keys or "
		          "segments"
		        : "--strategy %s needs the local side's command "
		          "after -- (dbs-load --db FILE --serve TABLE)",
		    zS);
	if (pP->strategy < 0)
		return;
	if (pO->zView == NULL || pP->key.n == 0 || pO->plain)
		util_die(DBS_EXIT_USAGE,
		    "--%s needs --view and --key, and no --plain",
		    pO->fingerprint ? "fingerprint" : "strategy");
	if (!pP->orderIsKey)
		util_die(DBS_EXIT_USAGE,
		    "--%s sorts by the key: no other --order-by",
		    pO->fingerprint ? "fingerprint" : "strategy");
	if (pP->strategy == DIFF_KEYS && pP->zSinceCol == NULL)
		util_die(DBS_EXIT_USAGE,
		    "--strategy keys needs --since (the rows changed since the "
		    "last sync come with the key scan)");
	if (pP->strategy == DIFF_SEGMENTS && pP->zSinceCol != NULL)
		util_die(DBS_EXIT_USAGE,
		    "--strategy segments compares every row: no --since");
}

/* Check the combination of options and parse their values. */
static void
make_plan(const struct opts *pO, struct plan *pP)
{
	const char *zWhy;
	size_t i;

	memset(pP, 0, sizeof *pP);
	if (pO->zView && pO->zQuery)
		util_die(DBS_EXIT_USAGE, "--view and --query are exclusive");
	if (!pO->zView && !pO->zQuery)
		util_die(DBS_EXIT_USAGE, "give --view or --query");
	if (pO->zQuery && strspn(pO->zQuery, " \t\r\n") == strlen(pO->zQuery))
		util_die(DBS_EXIT_USAGE, "--query: empty query");
	if (pO->zQuery &&
	    (pO->zColumns || pO->zWhere || pO->zOrder || pO->zSince))
		util_die(DBS_EXIT_USAGE,
		    "--%s needs --view (with --query, write it into the "
		    "query)",
		    pO->zColumns     ? "columns"
		        : pO->zWhere ? "where"
		        : pO->zOrder ? "order-by"
		                     : "since");
	if (pO->zFormat == NULL || strcmp(pO->zFormat, "csv") == 0)
		pP->format = pO->plain ? STREAM_PLAIN : STREAM_CSV;
	else if (strcmp(pO->zFormat, "ndjson") == 0)
		pP->format = STREAM_NDJSON;
	else
		util_die(DBS_EXIT_USAGE,
		    "--format: unknown format \"%s\" (csv or ndjson)",
		    pO->zFormat);
	if (pO->plain && pP->format == STREAM_NDJSON)
		util_die(DBS_EXIT_USAGE, "--plain is for --format csv only");
	if (pO->zView) {
		parse_list("--view", pO->zView, '.', &pP->view);
		if (pP->view.n > 2)
			util_die(DBS_EXIT_USAGE,
			    "--view: expected [schema.]name (the database is "
			    "-D)");
		pP->zObject = ident_display(&pP->view, '.');
	}
	if (pO->zColumns)
		parse_list("--columns", pO->zColumns, ',', &pP->columns);
	if (pO->zKey) {
		parse_list("--key", pO->zKey, ',', &pP->key);
		check_unique("--key", &pP->key);
	}
	if (pO->zOrder)
		parse_list("--order-by", pO->zOrder, ',', &pP->order);
	else if (pO->zView && pO->zKey)
		parse_list("--key", pO->zKey, ',', &pP->order);
	if (pO->zSince &&
	    ident_parse_since(
	        pO->zSince, &pP->zSinceCol, &pP->zSinceValue, &zWhy) != 0)
		util_die(DBS_EXIT_USAGE, "--since: %s", zWhy);
	pP->orderIsKey = pP->key.n > 0 && pP->order.n == pP->key.n;
	for (i = 0; pP->orderIsKey && i < pP->key.n; i++)
		pP->orderIsKey = strcmp(pP->key.az[i], pP->order.az[i]) == 0;
	plan_strategy(pO, pP);
}

static void
plan_clear(struct plan *pP)
{
	ident_list_clear(&pP->view);
	ident_list_clear(&pP->columns);
	ident_list_clear(&pP->key);
	ident_list_clear(&pP->order);
	free(pP->zSinceCol);
	free(pP->zSinceValue);
	free(pP->zObject);
}

/*
 * Learn the type of the --since column from the server and build the
 * literal to compare it with into *pzLit (owned by the caller); the
 * value becomes its canonical text (for the header). Returns 0, or
 * DBS_EXIT_FAIL (the server) or DBS_EXIT_USAGE (the value) with *pzErr.
 */
static int
since_literal(DBPROCESS *pDb, struct plan *pP, const char *zServer,
    char **pzLit, char **pzErr)
{
	char *zSql = query_probe(&pP->view, pP->zSinceCol), *zConn = NULL;
	char *zCanon;
	struct fmt_colinfo info;
	struct fmt_col col;
	const char *zName, *zWhy;
	int notnull, rc, bCols = 0;

	rc = conn_exec(pDb, zSql, &zConn);
	free(zSql);
	if (rc == 0 && (rc = conn_next_result(pDb, &bCols, &zConn)) == 0 &&
	    !bCols)
		rc = conn_fail(&zConn);
	if (rc == 0)
		rc = conn_column(pDb, 1, &zName, &notnull, &info, &zConn);
	if (rc == 0 && fmt_describe(&info, &col, &zWhy) != 0)
		return util_fail(pzErr, DBS_EXIT_FAIL,
		    "--since: column \"%s\": %s is not supported",
		    pP->zSinceCol, zWhy);
	while (rc == 0 && (rc = conn_next_result(pDb, &bCols, &zConn)) == 0 &&
	    bCols)
		;
	if (rc != 0) {
		util_fail(pzErr, rc, "%s: %s", zServer, zConn);
		free(zConn);
		return rc;
	}
	*pzLit = query_literal(&col, pP->zSinceValue, info.tds5, &zWhy);
	if (*pzLit == NULL)
		return util_fail(pzErr, DBS_EXIT_USAGE,
		    "--since: \"%s\" is not a value of column \"%s\" (%s): "
		    "%s",
		    pP->zSinceValue, pP->zSinceCol, col.zSource, zWhy);
	zCanon = query_canonical(&col, pP->zSinceValue);
	free(pP->zSinceValue);
	pP->zSinceValue = zCanon;
	return 0;
}

/* Seconds to wait for a login when nothing says otherwise (db-lib's own
 * default is forever, which a job run from cron cannot afford). */
#define LOGIN_TIMEOUT_DEFAULT 60

/* The connection settings from the resolved configuration. */
static void
fill_settings(const struct conf_final *pF, struct conn_settings *pS)
{
	memset(pS, 0, sizeof *pS);
	pS->zServer = pF->azVal[CONF_SERVER];
	pS->zDatabase = pF->azVal[CONF_DATABASE];
	pS->zUser = pF->azVal[CONF_USER];
	pS->zPassword = pF->zPassword;
	pS->zAppName = pF->azVal[CONF_APP_NAME];
	pS->zTdsVersion = pF->azVal[CONF_TDS_VERSION];
	pS->zEncrypt = pF->azVal[CONF_ENCRYPT];
	pS->zCaFile = pF->azVal[CONF_CA_FILE];
	pS->loginTimeout =
	    pF->loginTimeout >= 0 ? pF->loginTimeout : LOGIN_TIMEOUT_DEFAULT;
	pS->queryTimeout = pF->queryTimeout;
	pS->onAbort = out_signal_cleanup;
}

/*
 * The ORDER BY of a --view sorted by its key, as SQL that asks the server
 * for SQLite's order (keysql.h), into *pOrder; left empty on Sybase ASE.
 * Returns 0, or DBS_EXIT_FAIL with *pzErr.
 */
static int
key_order(DBPROCESS *pDb, const struct plan *pP, const char *zServer,
    struct buf *pOrder, char **pzErr)
{
	struct keysql_cols c;
	size_t i;
	int k, rc;

	if (conn_tds5(pDb))
		return 0;
	rc = keysql_describe(pDb, &pP->view, &pP->order, zServer, &c, pzErr);
	for (i = 0; rc == 0 && i < pP->order.n; i++) {
		k = keysql_find(&c, pP->order.az[i]);
		if (k < 0) {
			rc = util_fail(pzErr, DBS_EXIT_FAIL,
			    "%s: key column \"%s\" is not in the result",
			    zServer, pP->order.az[i]);
			break;
		}
		query_add(pOrder, i ? ", " : "");
		keysql_term(pOrder, &c, k);
	}
	keysql_cols_clear(&c);
	return rc;
}

/*
 * --strategy or --fingerprint: diff.c. Returns 0, or a status with
 * *pzErr.
 */
static int
strategy(DBPROCESS *pDb, const struct opts *pO, const struct plan *pP,
    const char *zLit, struct emit_opts *pEo, struct out *pOut, char **pzErr)
{
	struct diff_opts d;

	memset(&d, 0, sizeof d);
	d.strategy = (enum diff_strategy)pP->strategy;
	d.azLocal = pO->azLocal;
	d.pView = &pP->view;
	d.pColumns = &pP->columns;
	d.pKey = &pP->key;
	d.zWhere = pO->zWhere;
	d.zSinceCol = pP->zSinceCol;
	d.zSinceLit = zLit;
	d.pEmit = pEo;
	return diff_run(pDb, &d, pOut, pzErr);
}

/*
 * Build the SELECT (unless --query) and stream it. Returns 0, or a
 * status with *pzErr.
 */
static int
stream(DBPROCESS *pDb, const struct opts *pO, const struct plan *pP,
    const struct conn_settings *pS, const char *zLit, struct out *pOut,
    char **pzErr)
{
	struct emit_opts eo;
	struct query_spec qs;
	struct buf order = {0};
	char *zSql = NULL;
	int rc;

	memset(&qs, 0, sizeof qs);
	qs.pView = &pP->view;
	qs.pColumns = &pP->columns;
	qs.zWhere = pO->zWhere;
	qs.zSinceCol = pP->zSinceCol;
	qs.zSinceLit = zLit;
	qs.pOrder = &pP->order;
	if (pO->zQuery == NULL && pP->orderIsKey && pP->strategy < 0 &&
	    (rc = key_order(pDb, pP, pS->zServer, &order, pzErr)) != 0) {
		buf_free(&order);
		return rc;
	}
	qs.zOrderSql = order.n > 0 ? order.z : NULL;
	if (pO->zQuery == NULL && pP->strategy < 0)
		zSql = query_select(&qs);
	memset(&eo, 0, sizeof eo);
	eo.format = pP->format;
	eo.progress = pO->progress < 0 ? isatty(STDERR_FILENO) : pO->progress;
	if (eo.progress && isatty(STDERR_FILENO))
		eo.progress = 2; /* redraw one line */
	eo.zServer = pS->zServer;
	eo.zDatabase = pS->zDatabase;
	eo.zObject = pP->zObject;
	eo.zQuery = pO->zQuery;
	eo.pKey = &pP->key;
	eo.zSinceCol = pP->zSinceCol;
	eo.zSinceValue = pP->zSinceValue;
	eo.orderIsKey = pP->orderIsKey;
	if (pP->strategy >= 0)
		rc = strategy(pDb, pO, pP, zLit, &eo, pOut, pzErr);
	else
		rc = emit_run(pDb, zSql ? zSql : pO->zQuery, &eo, pOut, pzErr);
	free(zSql);
	buf_free(&order);
	return rc;
}

/*
 * On Sybase ASE: may every name the SELECT needs be sent? Returns 0, or
 * DBS_EXIT_USAGE with *pzErr.
 */
static int
check_ase_names(const struct plan *pP, char **pzErr)
{
	struct ident_list since = {NULL, 0};
	const struct {
		const char *zFlag;
		const struct ident_list *pL;
	} a[] = {{"--view", &pP->view}, {"--columns", &pP->columns},
	    {"--key", &pP->key}, {"--order-by", &pP->order},
	    {"--since", &since}};
	const char *zBad;
	size_t i;

	if (pP->zSinceCol) {
		since.az = (char **)&pP->zSinceCol;
		since.n = 1;
	}
	for (i = 0; i < sizeof a / sizeof a[0]; i++) {
		if (query_ase_quotable(a[i].pL, &zBad) != 0)
			return util_fail(pzErr, DBS_EXIT_USAGE,
			    "%s: Sybase ASE cannot quote the name \"%s\" (it "
			    "holds ']' or '.', or ends in a blank)",
			    a[i].zFlag, zBad);
	}
	return 0;
}

/*
 * Connect, build the SQL and stream. Returns 0, or a status with *pzErr.
 */
static int
extract(const struct opts *pO, struct plan *pP, const struct conf_final *pF,
    struct out *pOut, char **pzErr)
{
	struct conn_settings cs;
	DBPROCESS *pDb = NULL;
	char *zLit = NULL, *zConn = NULL;
	int rc;

	fill_settings(pF, &cs);
	rc = conn_init(&zConn);
	if (rc == 0)
		rc = conn_open(&cs, &pDb, &zConn);
	if (rc != 0) {
		util_fail(pzErr, rc, "%s: %s", cs.zServer, zConn);
		free(zConn);
		conn_close(NULL);
		return rc;
	}
	if (conn_tds5(pDb))
		rc = check_ase_names(pP, pzErr);
	if (rc == 0 && pP->zSinceCol)
		rc = since_literal(pDb, pP, cs.zServer, &zLit, pzErr);
	if (rc == 0)
		rc = stream(pDb, pO, pP, &cs, zLit, pOut, pzErr);
	free(zLit);
	conn_close(pDb);
	return rc;
}

int
main(int argc, char **argv)
{
	struct opts o;
	struct plan p;
	struct conf c;
	struct conf_final f;
	struct out out;
	char *zErr = NULL;
	int rc;

	util_setprogname("dbs-extract");
	signal(SIGPIPE, SIG_IGN);
	memset(&o, 0, sizeof o);
	memset(&c, 0, sizeof c);
	o.progress = -1;
	parse_args(argc, argv, &o, &c);
	make_plan(&o, &p);
	/* -P - on a terminal: prompt, and no echo while conf reads it */
	if (c.passwordStdin && prompt_begin("Password: ")) {
		rc = conf_resolve(&c, &f, &zErr);
		prompt_end();
	} else {
		rc = conf_resolve(&c, &f, &zErr);
	}
	if (rc == 0)
		rc = out_open(&out, o.zOutput, &zErr);
	if (rc == 0) {
		rc = extract(&o, &p, &f, &out, &zErr);
		if (rc == DBS_EXIT_OK)
			rc = out_commit(&out, &zErr);
		if (rc != DBS_EXIT_OK)
			out_abort(&out);
	}
	if (zErr != NULL)
		util_warn("%s", zErr);
	free(zErr);
	conf_clear(&c, &f);
	plan_clear(&p);
	return rc;
}
