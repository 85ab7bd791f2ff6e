/*
 * fmt.h - how dbs-extract turns a result column of db-lib into a stream
 * column: the logical type and source type declaration of each column
 * (fmt_describe) and the canonical text of each value (fmt_value), from
 * the raw bytes dbdata() returns. Pure functions: no db-lib calls, so the
 * conversions can be tested without a server.
 */
#ifndef DBS_EXTRACT_FMT_H
#define DBS_EXTRACT_FMT_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "dtype.h"

/* How the bytes of dbdata() are laid out for a column. */
enum fmt_kind {
	FMT_BOOL, /* one byte, 0 or 1 */
	FMT_U8,   /* unsigned char (SQL Server tinyint) */
	FMT_S8,   /* signed char (Sybase signed tinyint) */
	FMT_I16,  /* host-order integers */
	FMT_I32,
	FMT_I64,
	FMT_U16,
	FMT_U32,
	FMT_U64,         /* Sybase unsigned bigint, written as decimal(20,0) */
	FMT_REAL4,       /* float */
	FMT_REAL8,       /* double */
	FMT_MONEY,       /* DBMONEY: high 32 bits, low 32 bits */
	FMT_MONEY4,      /* DBMONEY4: 32-bit count of 1/10000 */
	FMT_NUMERIC,     /* DBNUMERIC: precision, scale, sign, magnitude */
	FMT_TEXT,        /* bytes in the client charset, UTF-8 */
	FMT_UTF16,       /* UTF-16LE bytes (ASE unitext sent as image) */
	FMT_BINARY,      /* bytes */
	FMT_UUID,        /* 16 bytes: host-order u32, u16, u16, then 8 bytes */
	FMT_DATETIME,    /* DBDATETIME: days since 1900, 1/300 s ticks */
	FMT_DATETIME4,   /* DBDATETIME4: days since 1900, minutes */
	FMT_MSDATE,      /* DBDATETIMEALL, date part */
	FMT_MSTIME,      /* DBDATETIMEALL, time part */
	FMT_MSDATETIME2, /* DBDATETIMEALL, date and time */
	FMT_MSDTOFFSET,  /* DBDATETIMEALL, UTC date and time plus offset */
	FMT_SYBDATE,     /* Sybase date: int32 days since 1900-01-01 */
	FMT_SYBTIME,     /* Sybase time: uint32 1/300 s since midnight */
	FMT_BIGDATETIME, /* Sybase bigdatetime: uint64 us since 0000-01-01 */
	FMT_BIGTIME      /* Sybase bigtime: uint64 us since midnight */
};

/* What db-lib tells about a result column (from dbtablecolinfo()). */
struct fmt_colinfo {
	int serverType;  /* type code on the wire (DBCOL2.ServerType) */
	long serverSize; /* size on the wire in bytes (ServerMaxLength) */
	int type;        /* dbcoltype(): what dbdata() holds */
	int userType;    /* user type (80 = timestamp, 256 = sysname) */
	int precision;   /* decimal precision */
	int scale;       /* decimal scale, fraction digits of time types */
	int tds5;        /* the connection speaks TDS 5.0 (Sybase) */
};

/* Longest source type declaration, with its NUL. */
#define FMT_SOURCE_MAX 40

/* A described column. */
struct fmt_col {
	enum fmt_kind kind;           /* layout of the value bytes */
	struct dtype type;            /* logical type in the header */
	char zSource[FMT_SOURCE_MAX]; /* "decimal(18,4)", "nvarchar(max)" */
};

/*
 * Describe a column. Returns 0 and fills *pCol, or -1 when dbs-extract
 * cannot represent the type; then *pzType names the type for the
 * message ("sql_variant", "a CLR user-defined type (hierarchyid,
 * geometry, geography, ...)").
 */
int fmt_describe(
    const struct fmt_colinfo *pInfo, struct fmt_col *pCol, const char **pzType);

/*
 * Append the canonical text of one non-NULL value (n bytes at p, as
 * dbdata()/dbdatlen() gave them) to *pBuf (no NUL is added). Returns 0,
 * or -1 and sets *pzWhy to a static phrase ("invalid UTF-8", "not a
 * finite number", ...) when the value has no canonical form; pBuf->n is
 * then as it was (the allocation may have grown).
 */
int fmt_value(const struct fmt_col *pCol, const void *p, size_t n,
    struct buf *pBuf, const char **pzWhy);

/*
 * Number text without printf (fmt_num.c). Each writes a NUL-terminated
 * text to z and returns its length. z holds at least 32 bytes.
 */
int fmt_num_u64(uint64_t v, char *z);
int fmt_num_i64(int64_t v, char *z);

/*
 * The shortest %g text of a finite d (of f) that strtod() (strtof())
 * reads back as the same value: what printf's %.{p}g prints for the
 * least p from 1 to 17 (to 9) that round-trips.
 */
int fmt_num_double(double d, char *z);
int fmt_num_float(float f, char *z);

#endif
