/*
 * conn.c - db-lib set-up, login and error recording for dbs-extract.
 *
 * db-lib reports errors through two process-wide callbacks, also before a
 * DBPROCESS exists (a refused login), so the record of what went wrong is
 * module state here: the handlers write it, and each function that fails
 * hands a copy of it to its caller (main.c's rule), as does conn_fail()
 * for a failure the caller met in a db-lib call of its own (dbnextrow).
 * The handlers never exit and never print; main decides.
 *
 * What db-lib in FreeTDS 1.3 cannot set on a LOGINREC (encryption, CA
 * file: DBSETLENCRYPT is unimplemented) is passed the documented way, as a
 * freetds.conf [global] section in a private temporary file that db-lib is
 * pointed at with dbsetifile() and that is removed right after the login.
 *
 * The TDS version is always set on the login record. "auto" is ours, not
 * FreeTDS's: 7.4 first, and 5.0 only when the server hung up on the TDS 7
 * PRELOGIN (Sybase ASE does) and no encryption was asked for, so that
 * neither a timeout is waited for twice nor a man in the middle can make
 * the client fall back to TDS 5.0, where FreeTDS sends the user name in
 * clear and encrypts the password with whatever key the server offers.
 * A watchdog (SIGALRM) ends a login that FreeTDS 1.3 never returns from:
 * after a TDS 5.0 login timed out, its logout loops forever.
 */
#include "conn.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "tlscheck.h"
#include "util.h"

/* db-lib message numbers this module treats specially */
enum {
	MSG_DBCHANGE = 5701,   /* "Changed database context to ..." */
	MSG_LANGCHANGE = 5703, /* "Changed language setting to ..." */
	MSG_CHARSET = 5704,    /* "Changed client character set ..." */
	MSG_LOGIN_FAILED = 18456,
	MSG_ASE_LOGIN_FAILED = 4002,
	ERR_ICONV_OUT = 2402, /* SYBEICONVO */
	ERR_ICONV_IN = 2403,  /* SYBEICONVI: '?' substituted */
	ERR_ICONV_BIG = 2404  /* SYBEICONV2BIG */
};

/* What the handlers recorded. */
static struct {
	int nErr;          /* errors recorded */
	int serverNo;      /* first server error number, 0 if none */
	int serverSev;     /* its severity */
	char zServer[512]; /* its text */
	int dbErr;         /* first db-lib error other than SYBESMSG */
	char zDbErr[256];  /* its text */
	int osErr;         /* its operating system error, or 0 */
	int loggingIn;     /* errors happen during login */
	int queryTimeout;  /* seconds, for the timeout message */
	int loginTimeout;  /* seconds, for the timeout message */
	int tlsRequired;   /* --encrypt require: hint at TLS failures */
	int noUser;        /* no -U: FreeTDS tries Kerberos */
	int tds5;          /* the current login attempt is TDS 5.0 */
	int pinned;        /* "auto" kept to TDS 7.4 for encryption's sake */
	char zTlsWhy[160]; /* why TLS or the certificate failed, or "" */
	char zMsg[1024];   /* describe() result */
} rec;

/* The login watchdog: its messages (formatted before it is armed), the
 * cleanup to run before the process ends, and whether FreeTDS reported
 * the timeout itself. */
static char zWatchTimeout[600], zWatchSilent[600];
static void (*watchCleanup)(void);
static volatile sig_atomic_t watchTimedOut;

static void
copy_text(char *zDst, size_t n, const char *zSrc)
{
	size_t i;

	snprintf(zDst, n, "%s", zSrc ? zSrc : "");
	/* one line: server texts may hold line breaks */
	for (i = 0; zDst[i]; i++) {
		if (zDst[i] == '\n' || zDst[i] == '\r' || zDst[i] == '\t')
			zDst[i] = ' ';
	}
	while (i > 0 && zDst[i - 1] == ' ')
		zDst[--i] = '\0';
}

/*
 * db-lib error handler: record the first telling error and ask db-lib to
 * cancel the operation (for a timeout too: we do not wait longer).
 */
static int
err_handler(DBPROCESS *pDb, int severity, int dberr, int oserr, char *zDbErr,
    char *zOsErr)
{
	(void)pDb;
	(void)severity;
	(void)zOsErr;
	rec.nErr++;
	if (dberr != SYBESMSG && rec.dbErr == 0) {
		rec.dbErr = dberr;
		copy_text(rec.zDbErr, sizeof rec.zDbErr, zDbErr);
		rec.osErr = (oserr != DBNOERR && oserr > 0) ? oserr : 0;
	}
	if (dberr == SYBETIME && rec.loggingIn) {
		/* FreeTDS 1.3 never returns from a timed-out TDS 5.0 login:
		 * let the watchdog end the run right away */
		watchTimedOut = 1;
		if (rec.tds5)
			alarm(1);
	}
	return INT_CANCEL;
}

/*
 * db-lib message handler: server messages. Severity 10 and below are
 * informational (dropped, like the 5701/5703 context changes sent at
 * every login); above 10 they are errors, recorded.
 */
static int
msg_handler(DBPROCESS *pDb, DBINT msgno, int state, int severity, char *zText,
    char *zSrv, char *zProc, int line)
{
	(void)pDb;
	(void)state;
	(void)zSrv;
	(void)zProc;
	(void)line;
	if (msgno == MSG_DBCHANGE || msgno == MSG_LANGCHANGE ||
	    msgno == MSG_CHARSET || severity <= 10)
		return 0;
	rec.nErr++;
	if (rec.serverNo == 0) {
		rec.serverNo = msgno;
		rec.serverSev = severity;
		copy_text(rec.zServer, sizeof rec.zServer, zText);
	}
	return 0;
}

/* Record a failure of our own (not from db-lib) as a db-lib error text. */
static void
own_error(const char *zText, int osErr)
{
	rec.nErr++;
	if (rec.dbErr == 0) {
		rec.dbErr = -1;
		copy_text(rec.zDbErr, sizeof rec.zDbErr, zText);
		rec.osErr = osErr;
	}
}

int
conn_init(char **pzErr)
{
	if (dbinit() == FAIL) {
		own_error("cannot initialise db-lib", 0);
		return conn_fail(pzErr);
	}
	dberrhandle(err_handler);
	dbmsghandle(msg_handler);
	dbsetversion(DBVERSION_100);
	return 0;
}

int
conn_failed(void)
{
	return rec.nErr > 0;
}

/* Forget recorded errors. */
static void
clear_errors(void)
{
	rec.nErr = rec.serverNo = rec.dbErr = rec.osErr = 0;
	rec.zServer[0] = rec.zDbErr[0] = '\0';
}

/* Our phrase for the db-lib errors people meet, or NULL. */
static const char *
db_phrase(int dberr)
{
	switch (dberr) {
	case SYBEFCON:
	case SYBECONN:
	case SYBESOCK:
		return "cannot connect to the server";
	case SYBEUHST:
	case SYBEINTF:
		return "unknown server (not a host, host:port, host\\instance "
		       "or freetds.conf entry)";
	case SYBESEOF:
	case SYBEREAD:
		return "connection lost (reading from the server failed)";
	case SYBEWRIT:
		return "connection lost (writing to the server failed)";
	case SYBEDDNE:
		return "connection lost";
	case ERR_ICONV_IN:
	case ERR_ICONV_OUT:
	case ERR_ICONV_BIG:
		return "text from the server could not be converted to "
		       "UTF-8 (FreeTDS would have substituted '?')";
	default:
		return NULL;
	}
}

/* The text of a db-lib error into rec.zMsg (rec.dbErr > 0). */
static void
db_error_text(void)
{
	const char *zPhrase = db_phrase(rec.dbErr);

	/* without -U the connection was made, the Kerberos login not */
	if (rec.dbErr == SYBEFCON && rec.osErr == 0 && rec.noUser &&
	    rec.loggingIn)
		zPhrase = "login failed";
	if (rec.dbErr == SYBEFCON && rec.zTlsWhy[0] != '\0') {
		snprintf(rec.zMsg, sizeof rec.zMsg, "%s%s (db-lib error %d)",
		    strncmp(rec.zTlsWhy, "it ", 3) == 0
		        ? "the server's certificate failed to verify: "
		        : "",
		    rec.zTlsWhy, rec.dbErr);
		return;
	}
	snprintf(rec.zMsg, sizeof rec.zMsg, "%s%s%s (db-lib error %d)%s",
	    zPhrase ? zPhrase : rec.zDbErr, rec.osErr ? ": " : "",
	    rec.osErr ? strerror(rec.osErr) : "", rec.dbErr,
	    rec.dbErr == SYBEFCON && rec.osErr == 0 && rec.tlsRequired
	        ? "; encryption is required: does the server offer "
	          "TLS, and does --ca-file verify its certificate?"
	        : "");
}

/* Append to rec.zMsg what a failed login should also say: that "auto"
 * did not fall back to TDS 5.0, that no -U meant Kerberos. */
static void
login_hints(void)
{
	size_t n = strlen(rec.zMsg);

	if (rec.pinned && rec.serverNo == 0 &&
	    (rec.dbErr == SYBESEOF || rec.dbErr == SYBEREAD)) {
		snprintf(rec.zMsg + n, sizeof rec.zMsg - n,
		    "; the server hung up on the TDS 7 login, and with "
		    "encryption asked for dbs-extract does not fall back to "
		    "TDS "
		    "5.0 (for Sybase ASE give --tds-version 5.0)");
		n = strlen(rec.zMsg);
	}
	if (rec.noUser && rec.dbErr != SYBETIME && rec.dbErr != SYBECONN &&
	    rec.dbErr != SYBEUHST && rec.dbErr != SYBEINTF &&
	    rec.dbErr != SYBESOCK)
		snprintf(rec.zMsg + n, sizeof rec.zMsg - n,
		    "; no -U was given, so FreeTDS tried a Kerberos (GSSAPI) "
		    "login: give -U for a login with a password");
}

/*
 * The one-line description of the first error recorded (the most telling
 * one: a server message beats db-lib's generic follow-ups), without the
 * program name, or a generic phrase if none was recorded; in rec.zMsg.
 * Never contains the password.
 */
static const char *
describe(void)
{
	if (rec.serverNo == MSG_LOGIN_FAILED ||
	    rec.serverNo == MSG_ASE_LOGIN_FAILED) {
		snprintf(rec.zMsg, sizeof rec.zMsg,
		    "login failed: %s (server message %d)", rec.zServer,
		    rec.serverNo);
	} else if (rec.serverNo != 0) {
		snprintf(rec.zMsg, sizeof rec.zMsg, "%s (server message %d)",
		    rec.zServer, rec.serverNo);
	} else if (rec.dbErr == SYBETIME) {
		snprintf(rec.zMsg, sizeof rec.zMsg,
		    rec.loggingIn
		        ? "login timed out after %d s (db-lib error %d)"
		        : "query timed out after %d s (db-lib error %d)",
		    rec.loggingIn ? rec.loginTimeout : rec.queryTimeout,
		    rec.dbErr);
	} else if (rec.dbErr == -1) { /* ours, not db-lib's */
		snprintf(rec.zMsg, sizeof rec.zMsg, "%s%s%s", rec.zDbErr,
		    rec.osErr ? ": " : "",
		    rec.osErr ? strerror(rec.osErr) : "");
	} else if (rec.dbErr != 0) {
		db_error_text();
	} else {
		snprintf(rec.zMsg, sizeof rec.zMsg, "%s",
		    rec.loggingIn ? "login failed (no reason given)"
		                  : "the server reported a failure");
	}
	if (rec.loggingIn)
		login_hints();
	return rec.zMsg;
}

int
conn_fail(char **pzErr)
{
	*pzErr = util_strdup(describe());
	return DBS_EXIT_FAIL;
}

/* Map a --tds-version value to a DBVERSION_ code; -1 for "auto". */
static int
ver_code(const char *z)
{
	static const struct {
		const char *zName;
		int v;
	} a[] = {{"7.0", DBVERSION_70}, {"7.1", DBVERSION_71},
	    {"7.2", DBVERSION_72}, {"7.3", DBVERSION_73}, {"7.4", DBVERSION_74},
	    {"5.0", DBVERSION_100}};
	size_t i;

	for (i = 0; z && i < sizeof a / sizeof a[0]; i++) {
		if (strcmp(z, a[i].zName) == 0)
			return a[i].v;
	}
	return -1;
}

/*
 * Write the settings db-lib cannot take into a private freetds.conf and
 * point db-lib at it. Returns the file name to remove after login (owned
 * by the caller), NULL when no file is needed, or sets *pFail.
 */
static char *
write_ifile(
    const struct conn_settings *pS, const struct tlscheck *pTls, int *pFail)
{
	const char *zDir = getenv("TMPDIR");
	char *zPath;
	size_t n;
	FILE *f;
	int fd, rc;

	*pFail = 0;
	if (pS->zEncrypt == NULL && pS->zCaFile == NULL)
		return NULL;
	if (zDir == NULL || *zDir == '\0')
		zDir = "/tmp";
	n = strlen(zDir) + 32;
	zPath = util_malloc(n);
	snprintf(zPath, n, "%s/dbs-extract.XXXXXX", zDir);
	fd = mkstemp(zPath);
	if (fd < 0 || (f = fdopen(fd, "w")) == NULL) {
		own_error("cannot create a temporary freetds.conf", errno);
		if (fd >= 0) {
			close(fd);
			unlink(zPath);
		}
		free(zPath);
		*pFail = 1;
		return NULL;
	}
	fprintf(f, "[global]\n");
	if (pS->zEncrypt)
		fprintf(f, "\tencryption = %s\n", pS->zEncrypt);
	if (pS->zCaFile)
		fprintf(f, "\tca file = %s\n", pS->zCaFile);
	tlscheck_conf(pTls, f);
	rc = fclose(f);
	if (rc != 0) {
		own_error("cannot write a temporary freetds.conf", errno);
		unlink(zPath);
		free(zPath);
		*pFail = 1;
		return NULL;
	}
	dbsetifile(zPath);
	return zPath;
}

/* Fill a LOGINREC from the settings for TDS version v (a DBVERSION_
 * code). Returns 0 or -1. */
static int
fill_login(LOGINREC *pLogin, const struct conn_settings *pS, int v)
{
	RETCODE rc = SUCCEED;

	if (pS->zUser)
		rc |= DBSETLUSER(pLogin, pS->zUser) == FAIL;
	if (pS->zPassword)
		rc |= DBSETLPWD(pLogin, pS->zPassword) == FAIL;
	rc |= DBSETLAPP(pLogin, pS->zAppName ? pS->zAppName : "dbs-extract") ==
	    FAIL;
	rc |= DBSETLCHARSET(pLogin, "UTF-8") == FAIL;
	if (pS->zDatabase)
		rc |= DBSETLDBNAME(pLogin, pS->zDatabase) == FAIL;
	rc |= DBSETLVERSION(pLogin, (BYTE)v) == FAIL;
	return rc == SUCCEED ? 0 : -1;
}

/* Does this FreeTDS know "encryption = strict" (1.4 and later)? */
static int
freetds_has_strict(void)
{
	int major = 0, minor = 0;

	if (sscanf(dbversion(), "freetds v%d.%d", &major, &minor) != 2)
		return 0;
	return major > 1 || (major == 1 && minor >= 4);
}

/* Was encryption asked for (a mode other than off, or a CA file)? */
static int
encryption_asked(const struct conn_settings *pS)
{
	return pS->zCaFile != NULL ||
	    (pS->zEncrypt != NULL && strcmp(pS->zEncrypt, "off") != 0);
}

/*
 * The TDS versions to try, in order, into aV (DBVERSION_ codes). Returns
 * how many: one for a version that was named (--tds-version, else
 * TDSVER), 7.4 then 5.0 for "auto", 7.4 alone for "auto" when encryption
 * was asked for.
 */
static int
versions_to_try(const struct conn_settings *pS, int aV[2])
{
	const char *z = pS->zTdsVersion;
	int v;

	if (z == NULL)
		z = getenv("TDSVER");
	v = ver_code(z);
	/* the login record's version wins anyway; keep FreeTDS from
	 * reading another one */
	unsetenv("TDSVER");
	if (v >= 0) {
		aV[0] = v;
		return 1;
	}
	aV[0] = DBVERSION_74;
	aV[1] = DBVERSION_100;
	return encryption_asked(pS) ? 1 : 2;
}

/* Did the last attempt meet a server that is not a TDS 7 server: the
 * connection was made, then closed at the PRELOGIN without a word? */
static int
not_tds7_server(void)
{
	return rec.serverNo == 0 &&
	    (rec.dbErr == SYBESEOF || rec.dbErr == SYBEREAD);
}

static void
on_login_alarm(int sig)
{
	const char *z = watchTimedOut ? zWatchTimeout : zWatchSilent;

	(void)sig;
	if (write(STDERR_FILENO, z, strlen(z)) < 0)
		z = NULL; /* nothing more to do: we exit anyway */
	if (watchCleanup)
		watchCleanup();
	_exit(DBS_EXIT_FAIL);
}

/*
 * Arm the login watchdog: the whole login (every attempt) may take the
 * login timeout; FreeTDS's own timeout fires first and ends a TDS 7
 * attempt; 2 s later the watchdog ends the process. A timed-out TDS 5.0
 * attempt ends 1 s after FreeTDS reported it (see err_handler).
 */
static void
arm_watchdog(const struct conn_settings *pS)
{
	struct sigaction sa;

	snprintf(zWatchTimeout, sizeof zWatchTimeout,
	    "%s: %s: login timed out after %d s (db-lib error %d)\n",
	    util_progname(), pS->zServer, pS->loginTimeout, SYBETIME);
	snprintf(zWatchSilent, sizeof zWatchSilent,
	    "%s: %s: login timed out after %d s (the server does not "
	    "answer)\n",
	    util_progname(), pS->zServer, pS->loginTimeout);
	watchCleanup = pS->onAbort;
	watchTimedOut = 0;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_login_alarm;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGALRM, &sa, NULL);
	alarm((unsigned)pS->loginTimeout + 2);
}

/* Seconds since an arbitrary point, for the login deadline. */
static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/*
 * With --encrypt require, did the server answer "encryption off"? A
 * genuine server never answers so to a client that requires encryption;
 * FreeTDS 1.3 would then encrypt the login alone and send everything
 * after it in clear. Records the error and returns 1 if so.
 */
static int
downgraded(const struct tlscheck *pTls)
{
	if (!rec.tlsRequired || pTls->cryptFlag != TLSCHECK_OFF)
		return 0;
	own_error("the server answered \"encryption off\" to a client that "
	          "requires encryption, which a genuine server never does (a "
	          "man in the middle?): only the login was encrypted, nothing "
	          "more is sent",
	    0);
	return 1;
}

/* One login attempt with TDS version v and nTimeout seconds. */
static DBPROCESS *
login_once(const struct conn_settings *pS, int v, int nTimeout)
{
	struct tlscheck tls;
	LOGINREC *pLogin;
	DBPROCESS *pDb = NULL;
	char *zIfile;
	int fail;

	rec.tds5 = v == DBVERSION_100;
	dbsetlogintime(nTimeout);
	pLogin = dblogin();
	if (pLogin == NULL) {
		own_error("cannot allocate a login record", 0);
		return NULL;
	}
	if (fill_login(pLogin, pS, v) != 0) {
		own_error("cannot set up the login record", 0);
		dbloginfree(pLogin);
		return NULL;
	}
	memset(&tls, 0, sizeof tls);
	tls.cryptFlag = -1;
	if (encryption_asked(pS) && v != DBVERSION_100)
		tlscheck_begin(&tls); /* without it, less is known */
	zIfile = write_ifile(pS, &tls, &fail);
	if (!fail)
		pDb = dbopen(pLogin, pS->zServer);
	dbloginfree(pLogin);
	if (zIfile) {
		unlink(zIfile);
		free(zIfile);
	}
	tlscheck_end(&tls);
	snprintf(rec.zTlsWhy, sizeof rec.zTlsWhy, "%s", tls.zWhy);
	if (pDb != NULL && downgraded(&tls)) {
		dbclose(pDb);
		return NULL;
	}
	if (pDb == NULL && !conn_failed())
		own_error("login failed", 0);
	if (pDb != NULL && conn_failed()) {
		dbclose(pDb);
		pDb = NULL;
	}
	return pDb;
}

int
conn_open(const struct conn_settings *pS, DBPROCESS **ppDb, char **pzErr)
{
	DBPROCESS *pDb = NULL;
	double start = now();
	int aV[2], nV, i, nLeft;

	*ppDb = NULL;
	if (pS->zEncrypt && strcmp(pS->zEncrypt, "strict") == 0 &&
	    !freetds_has_strict()) {
		snprintf(rec.zDbErr, sizeof rec.zDbErr,
		    "--encrypt strict (TDS 8.0) needs FreeTDS 1.4 or later, "
		    "this is %s",
		    dbversion());
		rec.nErr++;
		rec.dbErr = -1;
		return conn_fail(pzErr);
	}
	rec.loggingIn = 1;
	rec.tlsRequired = pS->zEncrypt && strcmp(pS->zEncrypt, "require") == 0;
	rec.noUser = pS->zUser == NULL;
	rec.loginTimeout = pS->loginTimeout;
	rec.queryTimeout = pS->queryTimeout;
	if (pS->queryTimeout > 0)
		dbsettime(pS->queryTimeout);
	nV = versions_to_try(pS, aV);
	rec.pinned = nV == 1 && aV[0] == DBVERSION_74 &&
	    ver_code(pS->zTdsVersion) < 0 && encryption_asked(pS);
	if (pS->loginTimeout > 0) /* 0: wait forever */
		arm_watchdog(pS);
	for (i = 0; i < nV; i++) {
		/* the attempts share the login timeout */
		nLeft = pS->loginTimeout - (int)(now() - start);
		pDb = login_once(pS, aV[i],
		    pS->loginTimeout == 0 ? 0
		        : nLeft > 0       ? nLeft
		                          : 1);
		if (pDb != NULL || i + 1 == nV || !not_tds7_server())
			break;
		clear_errors(); /* the next attempt tells */
	}
	alarm(0);
	signal(SIGALRM, SIG_DFL);
	if (pDb == NULL) /* describe() speaks of the login */
		return conn_fail(pzErr);
	rec.loggingIn = 0;
	/* text, ntext and (max) values would be cut at the server's
	 * default TEXTSIZE (4096 bytes for db-lib clients); db-lib sends
	 * the SET before the first statement, once for the connection */
	if (dbsetopt(pDb, DBTEXTSIZE, "2147483647", 0) == FAIL) {
		dbclose(pDb);
		own_error("cannot set the text size", 0);
		return conn_fail(pzErr);
	}
	*ppDb = pDb;
	return 0;
}

int
conn_exec(DBPROCESS *pDb, const char *zSql, char **pzErr)
{
	if (dbcmd(pDb, zSql) == FAIL || dbsqlexec(pDb) == FAIL ||
	    conn_failed()) {
		if (!conn_failed())
			own_error("the server refused the query", 0);
		return conn_fail(pzErr);
	}
	return 0;
}

int
conn_next_result(DBPROCESS *pDb, int *pbCols, char **pzErr)
{
	RETCODE rc;

	*pbCols = 0;
	for (;;) {
		rc = dbresults(pDb);
		if (rc == NO_MORE_RESULTS)
			return conn_failed() ? conn_fail(pzErr) : 0;
		if (rc != SUCCEED || conn_failed()) {
			if (!conn_failed())
				own_error("the query failed", 0);
			return conn_fail(pzErr);
		}
		if (dbnumcols(pDb) > 0) {
			*pbCols = 1;
			return 0;
		}
		/* a result without columns: drain it */
		while ((rc = dbnextrow(pDb)) != NO_MORE_ROWS) {
			if (rc == FAIL) {
				if (!conn_failed())
					own_error("the query failed", 0);
				return conn_fail(pzErr);
			}
		}
	}
}

int
conn_column(DBPROCESS *pDb, int iCol, const char **pzName, int *pNotNull,
    struct fmt_colinfo *pInfo, char **pzErr)
{
	DBCOL2 col;

	memset(&col, 0, sizeof col);
	col.SizeOfStruct = sizeof col;
	col.ServerType = -1;
	/*
	 * FAIL with ServerType set only means FreeTDS has no declaration
	 * text for the type (xml, CLR types): every field we use is filled.
	 */
	if (dbtablecolinfo(pDb, iCol, (DBCOL *)&col) == FAIL &&
	    col.ServerType == -1)
		return conn_fail(pzErr);
	*pzName = dbcolname(pDb, iCol);
	*pNotNull = !col.Null;
	pInfo->serverType = col.ServerType;
	pInfo->serverSize = col.ServerMaxLength;
	pInfo->type = dbcoltype(pDb, iCol);
	pInfo->userType = col.UserType;
	pInfo->precision = col.Precision;
	pInfo->scale = col.Scale;
	pInfo->tds5 = dbtds(pDb) < DBTDS_7_0;
	return *pzName ? 0 : conn_fail(pzErr);
}

int
conn_tds5(DBPROCESS *pDb)
{
	return dbtds(pDb) < DBTDS_7_0;
}

void
conn_close(DBPROCESS *pDb)
{
	if (pDb)
		dbclose(pDb);
	dbexit();
}
