/*
 * dbcheck.c - a tiny FreeTDS db-lib client for tests/tds/selfcheck.sh.
 *
 * Runs each QUERY in turn and prints every row tab-separated, each value in
 * the canonical text form of SPEC section 1, decoded by db-lib itself
 * (dbdata/dbdatlen, dbanydatecrack, dbconvert).  It checks that the test
 * server's wire encodings reach a db-lib program exactly, including what
 * tsql and freebcp cannot show (all 7 fraction digits, time zone offsets),
 * and that a query timeout is cancelled cleanly (attention).
 *
 * usage: dbcheck [-m] [-a appname] [-t timeout] server database user query...
 * -m prints each column's type declaration as db-lib reports it.
 * The password is read from the DBCHECK_PASSWORD environment variable.
 * Messages go to stderr as "msg N (severity S): text" / "err N: text".
 * Exit status 0 if no error was reported, 1 otherwise, 2 on usage error.
 */

#define _POSIX_C_SOURCE 200809L

#include <sybdb.h>
#include <sybfront.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int nErrors; /* errors reported by the handlers */
static int bMeta;   /* -m: print each column's declaration too */

/* Message handler: print server messages (not 5701/5703), count errors. */
static int
msg_handler(DBPROCESS *pDb, DBINT nMsg, int nState, int nSev, char *zText,
    char *zSrv, char *zProc, int nLine)
{
	(void)pDb, (void)nState, (void)zSrv, (void)zProc, (void)nLine;
	if (nMsg == 5701 || nMsg == 5703)
		return 0;
	fprintf(stderr, "msg %d (severity %d): %s\n", (int)nMsg, nSev, zText);
	if (nSev > 10)
		nErrors++;
	return 0;
}

/* Error handler: print db-lib errors.  On a timeout, INT_TIMEOUT makes
 * db-lib send an attention (cancel) and keep the connection; INT_CANCEL
 * would close it. */
static int
err_handler(
    DBPROCESS *pDb, int nSev, int nErr, int nOsErr, char *zText, char *zOsText)
{
	(void)pDb, (void)nSev, (void)nOsErr, (void)zOsText;
	fprintf(stderr, "err %d: %s\n", nErr, zText);
	nErrors++;
	return nErr == SYBETIME ? INT_TIMEOUT : INT_CANCEL;
}

/* Print a double with the fewest digits that read back as the same value
 * at width nBits (32 or 64). */
static void
print_real(double r, int nBits)
{
	char zBuf[40];
	int nDigits;

	for (nDigits = 1; nDigits <= 17; nDigits++) {
		snprintf(zBuf, sizeof(zBuf), "%.*g", nDigits, r);
		if (nBits == 32 ? (float)strtod(zBuf, NULL) == (float)r
		                : strtod(zBuf, NULL) == r)
			break;
	}
	fputs(zBuf, stdout);
}

/* Print a date/time value of db-lib type nType with nScale fraction
 * digits, as SQL Server displays it. */
static void
print_date(DBPROCESS *pDb, int nType, int nScale, const BYTE *pData)
{
	DBDATEREC2 d;
	char zFrac[16];
	int bTimeOnly =
	    nType == SYBMSTIME || nType == SYBTIME || nType == SYBBIGTIME;

	if (dbanydatecrack(pDb, &d, nType, pData) != SUCCEED) {
		fputs("?date", stdout);
		return;
	}
	if (!bTimeOnly)
		printf("%04d-%02d-%02d", (int)d.dateyear, (int)d.datemonth + 1,
		    (int)d.datedmonth);
	if (nType == SYBMSDATE || nType == SYBDATE)
		return;
	if (!bTimeOnly)
		putchar(' ');
	printf("%02d:%02d:%02d", (int)d.datehour, (int)d.dateminute,
	    (int)d.datesecond);
	if (nType == SYBDATETIME || nType == SYBTIME)
		nScale = 3;
	else if (nType == SYBDATETIME4)
		nScale = 0;
	else if (nType == SYBBIGDATETIME || nType == SYBBIGTIME)
		nScale = 6;
	if (nScale > 0) {
		snprintf(zFrac, sizeof(zFrac), "%09d", (int)d.datensecond);
		printf(".%.*s", nScale, zFrac);
	}
	if (nType == SYBMSDATETIMEOFFSET) {
		int nOff = d.datetzone;
		printf(" %c%02d:%02d", nOff < 0 ? '-' : '+', abs(nOff) / 60,
		    abs(nOff) % 60);
	}
}

/* Print column iCol of the current row. */
static void
print_value(DBPROCESS *pDb, int iCol)
{
	const BYTE *p = dbdata(pDb, iCol);
	DBINT n = dbdatlen(pDb, iCol);
	int nType = dbcoltype(pDb, iCol);
	char zBuf[128];
	DBINT i;

	if (p == NULL) {
		fputs("NULL", stdout);
		return;
	}
	switch (nType) {
	case SYBBIT:
		printf("%d", *p ? 1 : 0);
		break;
	case SYBINT1:
		printf("%d", (int)*p);
		break;
	case SYBINT2:
		printf("%d", (int)*(const DBSMALLINT *)p);
		break;
	case SYBINT4:
		printf("%d", (int)*(const DBINT *)p);
		break;
	case SYBINT8:
		printf("%lld", (long long)*(const DBBIGINT *)p);
		break;
	case SYBREAL:
		print_real(*(const DBREAL *)p, 32);
		break;
	case SYBFLT8:
		print_real(*(const DBFLT8 *)p, 64);
		break;
	case SYBMSDATE:
	case SYBMSTIME:
	case SYBMSDATETIME2:
	case SYBMSDATETIMEOFFSET:
	case SYBDATETIME:
	case SYBDATETIME4:
	case SYBDATE:
	case SYBTIME:
	case SYBBIGDATETIME:
	case SYBBIGTIME:
		print_date(pDb, nType, dbcoltypeinfo(pDb, iCol)->scale, p);
		break;
	case SYBBINARY:
	case SYBVARBINARY:
	case SYBIMAGE:
		for (i = 0; i < n; i++)
			printf("%02x", p[i]);
		break;
	case SYBCHAR:
	case SYBVARCHAR:
	case SYBTEXT:
		fwrite(p, 1, (size_t)n, stdout);
		break;
	default: /* decimal, money, uniqueidentifier, xml: db-lib's text */
		if (dbconvert(pDb, nType, p, n, SYBCHAR, (BYTE *)zBuf, -1) < 0)
			printf("?type%d", nType);
		else
			fputs(zBuf, stdout);
		break;
	}
}

/* Print "# name: declaration [NOT] NULL" for each column of the current
 * result, as db-lib reconstructs it from COLMETADATA. */
static void
print_meta(DBPROCESS *pDb, int nCols)
{
	DBCOL2 col;
	int i;

	for (i = 1; i <= nCols; i++) {
		memset(&col, 0, sizeof(col));
		col.SizeOfStruct = sizeof(col);
		if (dbtablecolinfo(pDb, i, (DBCOL *)&col) != SUCCEED) {
			printf("# %s: ?\n", dbcolname(pDb, i));
			continue;
		}
		printf("# %s: %s%s\n", col.Name, col.ServerTypeDeclaration,
		    col.Null ? " NULL" : " NOT NULL");
	}
}

/* Run one query and print its result sets; returns 0 or 1 on error. */
static int
run_query(DBPROCESS *pDb, const char *zSql)
{
	RETCODE rc;
	int nCols, i, nBefore = nErrors;
	long nRows;

	if (dbcmd(pDb, zSql) != SUCCEED || dbsqlexec(pDb) != SUCCEED)
		return 1;
	while ((rc = dbresults(pDb)) == SUCCEED) {
		nCols = dbnumcols(pDb);
		if (nCols == 0)
			continue;
		if (bMeta)
			print_meta(pDb, nCols);
		for (i = 1; i <= nCols; i++)
			printf("%s%s", i > 1 ? "\t" : "", dbcolname(pDb, i));
		putchar('\n');
		nRows = 0;
		while ((rc = dbnextrow(pDb)) == REG_ROW) {
			for (i = 1; i <= nCols; i++) {
				if (i > 1)
					putchar('\t');
				print_value(pDb, i);
			}
			putchar('\n');
			nRows++;
		}
		printf("(%ld rows)\n", nRows);
		if (rc == FAIL)
			return 1;
	}
	return rc == FAIL || nErrors != nBefore;
}

int
main(int argc, char **argv)
{
	LOGINREC *pLogin;
	DBPROCESS *pDb;
	const char *zApp = "dbcheck", *zPw = getenv("DBCHECK_PASSWORD");
	int c, nTimeout = 0, rc = 0;

	while ((c = getopt(argc, argv, "a:mt:")) != -1) {
		switch (c) {
		case 'm':
			bMeta = 1;
			break;
		case 'a':
			zApp = optarg;
			break;
		case 't':
			nTimeout = atoi(optarg);
			break;
		default:
			return 2;
		}
	}
	if (argc - optind < 4 || zPw == NULL) {
		fputs(
		    "usage: dbcheck [-m] [-a app] [-t timeout] server database "
		    "user query...\n",
		    stderr);
		return 2;
	}
	if (dbinit() == FAIL)
		return 1;
	dberrhandle(err_handler);
	dbmsghandle(msg_handler);
	pLogin = dblogin();
	DBSETLUSER(pLogin, argv[optind + 2]);
	DBSETLPWD(pLogin, zPw);
	DBSETLAPP(pLogin, zApp);
	DBSETLCHARSET(pLogin, "UTF-8");
	DBSETLDBNAME(pLogin, argv[optind + 1]);
	if (nTimeout > 0)
		dbsettime(nTimeout);
	pDb = dbopen(pLogin, argv[optind]);
	dbloginfree(pLogin);
	if (pDb == NULL)
		return 1;
	for (c = optind + 3; c < argc; c++)
		rc |= run_query(pDb, argv[c]);
	dbclose(pDb);
	dbexit();
	if (fflush(stdout) != 0)
		return 1;
	return rc || nErrors ? 1 : 0;
}
