/*
 * fmt_type.c - the logical type and the source type declaration of a
 * result column, from what db-lib reports about it (dbtablecolinfo()):
 * the type code on the wire, its size, user type, precision and scale.
 * The other half of fmt.h; the values are converted in fmt.c.
 */
#include "fmt.h"

#include <stdio.h>
#include <string.h>

/*
 * Type codes of FreeTDS (include/freetds/proto.h, TDS_SERVER_TYPE). The
 * public sybdb.h declares only some of them, so the ones used here are
 * spelled out; the values are the TDS wire codes and do not change.
 */
enum {
	T_IMAGE = 34,
	T_TEXT = 35,
	T_UNIQUE = 36,
	T_VARBINARY = 37,
	T_INTN = 38,
	T_VARCHAR = 39,
	T_MSDATE = 40,
	T_MSTIME = 41,
	T_MSDATETIME2 = 42,
	T_MSDATETIMEOFFSET = 43,
	T_BINARY = 45,
	T_CHAR = 47,
	T_INT1 = 48,
	T_DATE = 49,
	T_BIT = 50,
	T_TIME = 51,
	T_INT2 = 52,
	T_DECIMAL_LEGACY = 55,
	T_INT4 = 56,
	T_DATETIME4 = 58,
	T_REAL = 59,
	T_MONEY = 60,
	T_DATETIME = 61,
	T_FLT8 = 62,
	T_NUMERIC_LEGACY = 63,
	T_UINT1 = 64,
	T_UINT2 = 65,
	T_UINT4 = 66,
	T_UINT8 = 67,
	T_VARIANT = 98,
	T_NTEXT = 99,
	T_NVARCHAR = 103,
	T_BITN = 104,
	T_DECIMAL = 106,
	T_NUMERIC = 108,
	T_MONEY4 = 122,
	T_INT8 = 127,
	T_SYBXML = 163,
	T_XVARBINARY = 165,
	T_XVARCHAR = 167,
	T_XBINARY = 173,
	T_UNITEXT = 174,
	T_XCHAR = 175, /* SYBLONGCHAR under TDS 5.0 */
	T_SINT1 = 176,
	T_BIGDATETIME = 187,
	T_BIGTIME = 188,
	T_LONGBINARY = 225,
	T_XNVARCHAR = 231,
	T_XNCHAR = 239,
	T_MSUDT = 240,
	T_MSXML = 241
};

enum {
	UT_TIMESTAMP = 80,  /* user type of timestamp/rowversion columns */
	UT_SYSNAME = 256,   /* user type of sysname columns */
	UT_UNICHAR = 34,    /* Sybase unichar on LONGBINARY */
	UT_UNIVARCHAR = 35, /* Sybase univarchar on LONGBINARY */
	UT_UNITEXT = 36     /* Sybase unitext on IMAGE or LONGBINARY */
};

/* Bytes of a (max) column as FreeTDS reports them: 0x3fffffff or more. */
#define SIZE_MAX_TYPE 0x3fffffffL

static void
set_type(
    struct fmt_col *pCol, enum fmt_kind kind, enum dtype_kind dk, int p, int s)
{
	pCol->kind = kind;
	pCol->type.kind = dk;
	pCol->type.p = p;
	pCol->type.s = s;
}

/* Write a "name(n)" or "name(max)" declaration into pCol->zSource. */
static void
source_sized(struct fmt_col *pCol, const char *zName, long n, int isMax)
{
	if (isMax)
		snprintf(pCol->zSource, sizeof pCol->zSource, "%s(max)", zName);
	else
		snprintf(
		    pCol->zSource, sizeof pCol->zSource, "%s(%ld)", zName, n);
}

static void
source_plain(struct fmt_col *pCol, const char *zName)
{
	snprintf(pCol->zSource, sizeof pCol->zSource, "%s", zName);
}

/* Name the source type of a text column from its wire type. */
static void
describe_text(const struct fmt_colinfo *pI, struct fmt_col *pCol)
{
	long n = pI->serverSize;
	int isMax = n >= SIZE_MAX_TYPE;

	set_type(pCol, FMT_TEXT, DTYPE_TEXT, 0, 0);
	switch (pI->serverType) {
	case T_CHAR:
		source_sized(pCol, "char", n, 0);
		break;
	case T_XCHAR:
		source_sized(pCol, pI->tds5 ? "varchar" : "char", n, 0);
		break;
	case T_TEXT:
		source_plain(pCol, "text");
		break;
	case T_NTEXT:
		source_plain(pCol, "ntext");
		break;
	case T_UNITEXT:
		source_plain(pCol, "unitext");
		break;
	case T_MSXML:
	case T_SYBXML:
		source_plain(pCol, "xml");
		break;
	case T_XNVARCHAR:
		if (pI->userType == UT_SYSNAME && n == 256)
			source_plain(pCol, "sysname");
		else
			source_sized(pCol, "nvarchar", n / 2, isMax);
		break;
	case T_XNCHAR:
		source_sized(pCol, "nchar", n / 2, 0);
		break;
	case T_LONGBINARY:
		source_sized(pCol,
		    pI->userType == UT_UNICHAR ? "unichar" : "univarchar",
		    n / 2, 0);
		break;
	default:
		source_sized(pCol, "varchar", n, isMax);
		break;
	}
}

/* Name the source type of a binary column from its wire type. */
static void
describe_binary(const struct fmt_colinfo *pI, struct fmt_col *pCol)
{
	long n = pI->serverSize;

	set_type(pCol, FMT_BINARY, DTYPE_BLOB, 0, 0);
	switch (pI->serverType) {
	case T_BINARY:
	case T_XBINARY:
		if (pI->userType == UT_TIMESTAMP && n == 8)
			source_plain(pCol, "timestamp");
		else
			source_sized(pCol, "binary", n, 0);
		break;
	case T_IMAGE:
		source_plain(pCol, "image");
		break;
	default:
		/* ASE's timestamp is a varbinary(8) with the user type */
		if (pI->userType == UT_TIMESTAMP && n == 8)
			source_plain(pCol, "timestamp");
		else
			source_sized(pCol, "varbinary", n, n >= SIZE_MAX_TYPE);
		break;
	}
}

/* Integers, bit, real, float and money. Returns 0, or -1 if not one. */
static int
describe_number(const struct fmt_colinfo *pI, struct fmt_col *pCol)
{
	static const struct {
		int type;
		enum fmt_kind kind;
		enum dtype_kind dk;
		int p, s;
		const char *zName;
	} aNum[] = {
	    {T_BIT, FMT_BOOL, DTYPE_BOOL, 0, 0, "bit"},
	    {T_BITN, FMT_BOOL, DTYPE_BOOL, 0, 0, "bit"},
	    {T_INT1, FMT_U8, DTYPE_INT, 0, 0, "tinyint"},
	    {T_SINT1, FMT_S8, DTYPE_INT, 0, 0, "signed tinyint"},
	    {T_INT2, FMT_I16, DTYPE_INT, 0, 0, "smallint"},
	    {T_INT4, FMT_I32, DTYPE_INT, 0, 0, "int"},
	    {T_INT8, FMT_I64, DTYPE_INT, 0, 0, "bigint"},
	    {T_UINT1, FMT_U8, DTYPE_INT, 0, 0, "unsigned tinyint"},
	    {T_UINT2, FMT_U16, DTYPE_INT, 0, 0, "unsigned smallint"},
	    {T_UINT4, FMT_U32, DTYPE_INT, 0, 0, "unsigned int"},
	    {T_UINT8, FMT_U64, DTYPE_DECIMAL, 20, 0, "unsigned bigint"},
	    {T_REAL, FMT_REAL4, DTYPE_REAL, 0, 0, "real"},
	    {T_FLT8, FMT_REAL8, DTYPE_REAL, 0, 0, "float"},
	    {T_MONEY, FMT_MONEY, DTYPE_DECIMAL, 19, 4, "money"},
	    {T_MONEY4, FMT_MONEY4, DTYPE_DECIMAL, 10, 4, "smallmoney"},
	};
	size_t i;

	for (i = 0; i < sizeof aNum / sizeof aNum[0]; i++) {
		if (aNum[i].type == pI->type) {
			set_type(pCol, aNum[i].kind, aNum[i].dk, aNum[i].p,
			    aNum[i].s);
			source_plain(pCol, aNum[i].zName);
			return 0;
		}
	}
	return -1;
}

/* Date and time types. Returns 0, or -1 if not one. */
static int
describe_temporal(const struct fmt_colinfo *pI, struct fmt_col *pCol)
{
	int s = pI->scale;
	const char *zName;

	if (s < 0 || s > 7)
		s = 7;
	switch (pI->type) {
	case T_DATETIME:
		set_type(pCol, FMT_DATETIME, DTYPE_DATETIME, 0, 3);
		source_plain(pCol, "datetime");
		return 0;
	case T_DATETIME4:
		set_type(pCol, FMT_DATETIME4, DTYPE_DATETIME, 0, 0);
		source_plain(pCol, "smalldatetime");
		return 0;
	case T_MSDATE:
		set_type(pCol, FMT_MSDATE, DTYPE_DATE, 0, 0);
		source_plain(pCol, "date");
		return 0;
	case T_DATE:
		set_type(pCol, FMT_SYBDATE, DTYPE_DATE, 0, 0);
		source_plain(pCol, "date");
		return 0;
	case T_TIME:
		set_type(pCol, FMT_SYBTIME, DTYPE_TIME, 0, 3);
		source_plain(pCol, "time");
		return 0;
	case T_BIGDATETIME:
		set_type(pCol, FMT_BIGDATETIME, DTYPE_DATETIME, 0, 6);
		source_plain(pCol, "bigdatetime");
		return 0;
	case T_BIGTIME:
		set_type(pCol, FMT_BIGTIME, DTYPE_TIME, 0, 6);
		source_plain(pCol, "bigtime");
		return 0;
	case T_MSTIME:
		set_type(pCol, FMT_MSTIME, DTYPE_TIME, 0, s);
		zName = "time";
		break;
	case T_MSDATETIME2:
		set_type(pCol, FMT_MSDATETIME2, DTYPE_DATETIME, 0, s);
		zName = "datetime2";
		break;
	case T_MSDATETIMEOFFSET:
		set_type(pCol, FMT_MSDTOFFSET, DTYPE_DATETIMEOFFSET, 0, s);
		zName = "datetimeoffset";
		break;
	default:
		return -1;
	}
	snprintf(pCol->zSource, sizeof pCol->zSource, "%s(%d)", zName, s);
	return 0;
}

/* decimal, numeric, text, binary and uniqueidentifier; 0 or -1. */
static int
describe_other(const struct fmt_colinfo *pI, struct fmt_col *pCol)
{
	switch (pI->type) {
	case T_NUMERIC:
	case T_DECIMAL:
		if (pI->precision < 1 || pI->precision > 38 || pI->scale < 0 ||
		    pI->scale > pI->precision)
			return -1;
		set_type(
		    pCol, FMT_NUMERIC, DTYPE_DECIMAL, pI->precision, pI->scale);
		snprintf(pCol->zSource, sizeof pCol->zSource, "%s(%d,%d)",
		    pI->serverType == T_NUMERIC ||
		            pI->serverType == T_NUMERIC_LEGACY
		        ? "numeric"
		        : "decimal",
		    pI->precision, pI->scale);
		return 0;
	case T_CHAR:
	case T_VARCHAR:
	case T_TEXT:
	case T_NTEXT:
	case T_NVARCHAR:
	case T_XCHAR:
	case T_XVARCHAR:
	case T_XNCHAR:
	case T_XNVARCHAR:
	case T_UNITEXT:
	case T_MSXML:
	case T_SYBXML:
		describe_text(pI, pCol);
		return 0;
	case T_LONGBINARY:
	case T_BINARY:
	case T_VARBINARY:
	case T_IMAGE:
	case T_XBINARY:
	case T_XVARBINARY:
		if (pI->type == T_LONGBINARY &&
		    (pI->userType == UT_UNICHAR ||
		        pI->userType == UT_UNIVARCHAR))
			describe_text(pI, pCol);
		else if (pI->tds5 && pI->userType == UT_UNITEXT &&
		    (pI->type == T_IMAGE || pI->type == T_LONGBINARY)) {
			/* ASE sends unitext as image to a client that does not
			 * announce unitext (FreeTDS 1.3 does not): UTF-16LE */
			set_type(pCol, FMT_UTF16, DTYPE_TEXT, 0, 0);
			source_plain(pCol, "unitext");
		} else
			describe_binary(pI, pCol);
		return 0;
	case T_UNIQUE:
		set_type(pCol, FMT_UUID, DTYPE_UUID, 0, 0);
		source_plain(pCol, "uniqueidentifier");
		return 0;
	default:
		return -1;
	}
}

int
fmt_describe(
    const struct fmt_colinfo *pI, struct fmt_col *pCol, const char **pzType)
{
	memset(pCol, 0, sizeof *pCol);
	if (describe_number(pI, pCol) == 0 ||
	    describe_temporal(pI, pCol) == 0 || describe_other(pI, pCol) == 0)
		return 0;
	if (pI->type == T_VARIANT)
		*pzType = "sql_variant";
	else if (pI->type == T_MSUDT)
		*pzType = "a CLR user-defined type (hierarchyid, geometry, "
		          "geography, ...)";
	else
		*pzType = "this server type";
	return -1;
}
