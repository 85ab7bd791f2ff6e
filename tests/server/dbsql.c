/*
 * dbsql.c - run a T-SQL script on a real server for make check-server.
 *
 * Reads a script from standard input, splits it into batches at lines that
 * hold only "go" (as sqlcmd and tsql do: CREATE VIEW must start a batch),
 * and sends each batch through FreeTDS db-lib, the library dbs-extract
 * uses.  Rows of result sets are printed tab-separated, one line each, in
 * db-lib's own text conversion (binary as hex digits), NULL as "NULL";
 * tabs, line breaks and backslashes inside a value are written as \t, \n,
 * \r and \\, so one row is always one line.  No column names, no counts.
 *
 * usage: dbsql [-k] -S server -D database -U user -f password-file
 *
 * The password is the first line of the file (never an argument).  The
 * first server error (severity > 10) or db-lib error stops the script
 * with a message "dbsql: batch N (line L): ..." on stderr and exit status
 * 1; with -k the remaining batches still run (for clean-up scripts) and
 * the status is 1 at the end.  2 is a usage error.
 */

#define _POSIX_C_SOURCE 200809L

#include <sybdb.h>
#include <sybfront.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static struct {
	int nErrors;    /* errors reported since the last reset */
	int iBatch;     /* 1-based number of the batch being run */
	long iLine;     /* script line the batch starts on */
	int bLoggingIn; /* no batch yet: errors are about the login */
} state;

/* Print "dbsql: batch N (line L): " or "dbsql: login: " on stderr. */
static void
print_where(void)
{
	if (state.bLoggingIn)
		fputs("dbsql: login: ", stderr);
	else
		fprintf(stderr, "dbsql: batch %d (line %ld): ", state.iBatch,
		    state.iLine);
}

/* Message handler: server errors (severity > 10) are printed and counted;
 * informational messages (5701, 5703, PRINT) are dropped. */
static int
msg_handler(DBPROCESS *pDb, DBINT nMsg, int nState, int nSev, char *zText,
    char *zSrv, char *zProc, int nLine)
{
	(void)pDb, (void)nState, (void)zSrv, (void)zProc;
	if (nSev <= 10)
		return 0;
	print_where();
	fprintf(stderr, "server message %d (severity %d, line %d): %s\n",
	    (int)nMsg, nSev, nLine, zText ? zText : "");
	state.nErrors++;
	return 0;
}

/* Error handler: db-lib errors are printed and counted; the operation is
 * cancelled.  SYBESMSG only says a server message came: not repeated. */
static int
err_handler(
    DBPROCESS *pDb, int nSev, int nErr, int nOsErr, char *zText, char *zOsText)
{
	(void)pDb, (void)nSev, (void)nOsErr, (void)zOsText;
	if (nErr == SYBESMSG)
		return INT_CANCEL;
	print_where();
	fprintf(stderr, "db-lib error %d: %s\n", nErr, zText ? zText : "");
	state.nErrors++;
	return INT_CANCEL;
}

/* Write n bytes of p with \t \n \r \\ escaped. */
static void
put_escaped(const char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		switch (p[i]) {
		case '\t':
			fputs("\\t", stdout);
			break;
		case '\n':
			fputs("\\n", stdout);
			break;
		case '\r':
			fputs("\\r", stdout);
			break;
		case '\\':
			fputs("\\\\", stdout);
			break;
		default:
			putchar(p[i]);
			break;
		}
	}
}

/* Print column iCol of the current row as db-lib converts it to text. */
static void
print_value(DBPROCESS *pDb, int iCol)
{
	const BYTE *p = dbdata(pDb, iCol);
	DBINT n = dbdatlen(pDb, iCol);
	int nType = dbcoltype(pDb, iCol);
	char *zBuf;
	DBINT nOut;
	size_t nBuf;

	if (p == NULL) {
		fputs("NULL", stdout);
		return;
	}
	nBuf = 2 * (size_t)n + 64; /* hex doubles binary; numbers are short */
	zBuf = malloc(nBuf);
	if (zBuf == NULL) {
		fputs("dbsql: out of memory\n", stderr);
		exit(1);
	}
	nOut = dbconvert(
	    pDb, nType, p, n, SYBCHAR, (BYTE *)zBuf, (DBINT)(nBuf - 1));
	if (nOut < 0)
		printf("?type%d", nType);
	else
		put_escaped(zBuf, (size_t)nOut);
	free(zBuf);
}

/* Run one batch and print its rows; returns 0, or 1 if anything failed. */
static int
run_batch(DBPROCESS *pDb, const char *zSql)
{
	RETCODE rc;
	int nCols, i, nBefore = state.nErrors;

	if (dbcmd(pDb, zSql) != SUCCEED || dbsqlexec(pDb) != SUCCEED) {
		dbcancel(pDb);
		return 1;
	}
	while ((rc = dbresults(pDb)) == SUCCEED) {
		nCols = dbnumcols(pDb);
		while ((rc = dbnextrow(pDb)) == REG_ROW) {
			for (i = 1; i <= nCols; i++) {
				if (i > 1)
					putchar('\t');
				print_value(pDb, i);
			}
			putchar('\n');
		}
		if (rc == FAIL)
			break;
	}
	if (fflush(stdout) != 0) {
		perror("dbsql: stdout");
		exit(1);
	}
	return rc == FAIL || state.nErrors != nBefore;
}

/* Is zLine (without its line end) a batch separator "go"? */
static int
is_go(const char *zLine)
{
	zLine += strspn(zLine, " \t");
	if ((zLine[0] != 'g' && zLine[0] != 'G') ||
	    (zLine[1] != 'o' && zLine[1] != 'O'))
		return 0;
	zLine += 2;
	return zLine[strspn(zLine, " \t\r\n")] == '\0';
}

/* Run the script on stdin batch by batch; returns the exit status. */
static int
run_script(DBPROCESS *pDb, int bKeepGoing)
{
	char *zLine = NULL, *zBatch = NULL;
	size_t nLineBuf = 0, nBatch = 0;
	ssize_t nLine;
	long iLine = 0;
	int rc = 0, bEof = 0;

	state.iLine = 1;
	while (!bEof) {
		nLine = getline(&zLine, &nLineBuf, stdin);
		if (nLine < 0)
			bEof = 1;
		else
			iLine++;
		if (nLine >= 0 && !is_go(zLine)) {
			char *zNew =
			    realloc(zBatch, nBatch + (size_t)nLine + 1);
			if (zNew == NULL) {
				fputs("dbsql: out of memory\n", stderr);
				rc = 1;
				break;
			}
			zBatch = zNew;
			memcpy(zBatch + nBatch, zLine, (size_t)nLine + 1);
			nBatch += (size_t)nLine;
			continue;
		}
		if (nBatch > strspn(zBatch, " \t\r\n")) {
			state.iBatch++;
			if (run_batch(pDb, zBatch) != 0) {
				rc = 1;
				if (!bKeepGoing)
					break;
			}
		}
		nBatch = 0;
		state.iLine = iLine + 1;
	}
	if (ferror(stdin)) {
		perror("dbsql: stdin");
		rc = 1;
	}
	free(zLine);
	free(zBatch);
	return rc;
}

/* Read the first line of zFile into a new string (line end removed);
 * NULL after a message if it cannot be read.  The caller frees it. */
static char *
read_password(const char *zFile)
{
	FILE *pFile = fopen(zFile, "r");
	char *zPw = NULL;
	size_t nBuf = 0;
	ssize_t n;

	if (pFile == NULL) {
		fprintf(stderr, "dbsql: %s: cannot open\n", zFile);
		return NULL;
	}
	n = getline(&zPw, &nBuf, pFile);
	fclose(pFile);
	if (n < 0) {
		free(zPw);
		return strdup("");
	}
	while (n > 0 && (zPw[n - 1] == '\n' || zPw[n - 1] == '\r'))
		zPw[--n] = '\0';
	return zPw;
}

int
main(int argc, char **argv)
{
	LOGINREC *pLogin;
	DBPROCESS *pDb;
	const char *zServer = NULL, *zDb = NULL, *zUser = NULL;
	const char *zPwFile = NULL;
	char *zPw;
	int c, rc, bKeepGoing = 0;

	while ((c = getopt(argc, argv, "kS:D:U:f:")) != -1) {
		switch (c) {
		case 'k':
			bKeepGoing = 1;
			break;
		case 'S':
			zServer = optarg;
			break;
		case 'D':
			zDb = optarg;
			break;
		case 'U':
			zUser = optarg;
			break;
		case 'f':
			zPwFile = optarg;
			break;
		default:
			zServer = NULL;
			break;
		}
	}
	if (zServer == NULL || zDb == NULL || zUser == NULL ||
	    zPwFile == NULL || optind != argc) {
		fputs("usage: dbsql [-k] -S server -D database -U user -f "
		      "password-file\n",
		    stderr);
		return 2;
	}
	zPw = read_password(zPwFile);
	if (zPw == NULL)
		return 1;
	if (dbinit() == FAIL)
		return 1;
	dberrhandle(err_handler);
	dbmsghandle(msg_handler);
	pLogin = dblogin();
	DBSETLUSER(pLogin, zUser);
	DBSETLPWD(pLogin, zPw);
	DBSETLAPP(pLogin, "dbs-check-server");
	DBSETLCHARSET(pLogin, "UTF-8");
	DBSETLDBNAME(pLogin, zDb);
	state.bLoggingIn = 1;
	pDb = dbopen(pLogin, zServer);
	dbloginfree(pLogin);
	memset(zPw, 0, strlen(zPw));
	free(zPw);
	if (pDb == NULL) {
		if (state.nErrors == 0)
			fputs("dbsql: login: failed\n", stderr);
		return 1;
	}
	state.bLoggingIn = 0;
	rc = run_script(pDb, bKeepGoing);
	dbclose(pDb);
	dbexit();
	return rc;
}
