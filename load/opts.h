/*
 * opts.h - the options of a dbs-load run, as main.c parses them from
 * the command line (dbs-load(1)).
 */
#ifndef DBS_LOAD_OPTS_H
#define DBS_LOAD_OPTS_H

#include <stddef.h>
#include <stdint.h>

#include "ident.h"

/* In the order of common/config.h's word lists (config_modes, ...). */
enum load_mode { LOAD_MERGE, LOAD_APPEND, LOAD_REPLACE };
enum load_deletes { LOAD_DEL_HARD, LOAD_DEL_SOFT, LOAD_DEL_KEEP };
enum load_schema { LOAD_SCHEMA_FAIL, LOAD_SCHEMA_ADD, LOAD_SCHEMA_REBUILD };

/* How decimal columns are stored (--decimals): REAL when exact, else
 * TEXT; always TEXT (what versions before 0.2 did); always REAL. */
enum load_decimals { LOAD_DEC_AUTO, LOAD_DEC_TEXT, LOAD_DEC_REAL };

/* Command line, as parsed by main.c. Strings point into argv, except
 * those of azKey and aIndex, which main.c owns. */
struct load_opts {
	const char *zDb;               /* --db */
	const char *zTable;            /* --table, or NULL */
	char **azKey;                  /* --key split at commas, or NULL */
	size_t nKey;                   /* entries of azKey */
	enum load_mode mode;           /* --mode */
	int modeSet;                   /* --mode given explicitly */
	enum load_deletes deletes;     /* --deletes */
	int deletesSet;                /* --deletes given explicitly */
	enum load_schema schemaChange; /* --schema-change */
	enum load_decimals decimals;   /* --decimals */
	struct ident_list *aIndex;     /* each --index, parsed (owned) */
	size_t nIndex;
	double maxDelete;           /* --max-delete, percent */
	int allowMass;              /* --allow-mass-delete */
	int allowEmpty;             /* --allow-empty */
	int allowOlder;             /* --allow-older */
	const char *zWatermark;     /* --watermark, or NULL */
	int json;                   /* --summary json */
	int dryRun;                 /* --dry-run */
	int quiet;                  /* --quiet */
	int busyTimeout;            /* --busy-timeout, milliseconds */
	const char *zState;         /* --state TABLE, or NULL */
	const char *zServe;         /* --serve TABLE, or NULL */
	int progress;               /* -1 auto, 0 --no-progress, 1 on */
	int64_t progressEvery;      /* --progress=SECONDS, -1 default */
	int progressFd;             /* --progress-fd, else stderr */
	const char *zProgressLabel; /* --progress-label, or NULL */
	char **azFile;              /* operands ("-" is stdin) */
	size_t nFile;
};

#endif
