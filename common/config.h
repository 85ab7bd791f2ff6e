/*
 * config.h - the dbs configuration file (dbs.conf(5)): an INI file with
 * a [source] section (the connection), a [sync] section (defaults for
 * every view and dbs-sync's own settings) and one [view NAME] section
 * per view. Read with libinih, in one place for all three programs.
 *
 * config_read() checks everything it can without connecting: sections,
 * keys, every value against its key's type, duplicates, and the mode of
 * a file that holds a password. A file that reads without error can be
 * acted on; a problem is one message naming the file and line.
 */
#ifndef DBS_CONFIG_H
#define DBS_CONFIG_H

#include <stddef.h>
#include <stdint.h>

/* Every key the file knows (dbs.conf(5) lists them with defaults). */
enum config_key {
	/* [source] */
	CONFIG_SERVER,
	CONFIG_DATABASE,
	CONFIG_USER,
	CONFIG_PASSWORD,
	CONFIG_PASSWORD_FILE,
	CONFIG_TDS_VERSION,
	CONFIG_ENCRYPT,
	CONFIG_CA_FILE,
	CONFIG_APP_NAME,
	/* [source], [sync] and [view] */
	CONFIG_LOGIN_TIMEOUT,
	CONFIG_QUERY_TIMEOUT,
	/* [sync] only */
	CONFIG_LOG,
	CONFIG_LOG_FORMAT,
	/* [sync] and [view] */
	CONFIG_DB,
	CONFIG_SNAPSHOTS,
	CONFIG_KEEP,
	CONFIG_COMPRESS,
	CONFIG_FORMAT,
	CONFIG_LOCK_TIMEOUT,
	CONFIG_MODE,
	CONFIG_DELETES,
	CONFIG_MAX_DELETE,
	CONFIG_SCHEMA_CHANGE,
	CONFIG_FULL_EVERY,
	CONFIG_ALLOW_OLDER,
	CONFIG_ALLOW_EMPTY,
	CONFIG_ALLOW_MASS_DELETE,
	CONFIG_DECIMALS,
	CONFIG_STRATEGY,
	/* [view] only */
	CONFIG_VIEW,
	CONFIG_QUERY,
	CONFIG_TABLE,
	CONFIG_KEY,
	CONFIG_COLUMNS,
	CONFIG_WHERE,
	CONFIG_ORDER_BY,
	CONFIG_SINCE,
	CONFIG_INDEX,
	CONFIG_NKEY
};

/* One section: the values set in it, as written (unquoted), or NULL. */
struct config_section {
	char *zName;              /* view name; NULL for source, sync */
	int iLine;                /* line of the section header */
	char *azVal[CONFIG_NKEY]; /* owned */
	int aiLine[CONFIG_NKEY];  /* line of each value, for messages */
};

struct config {
	char *zPath;                  /* as given */
	char *zDir;                   /* its directory: relative paths */
	struct config_section source; /* [source] (empty if absent) */
	struct config_section sync;   /* [sync] (empty if absent) */
	struct config_section *aView; /* [view NAME], in file order */
	size_t nView;
};

/*
 * Read and check the file zPath into *pC (which must be zeroed). Paths
 * in the file (db, snapshots, log, password-file, ca-file) are made
 * absolute against the file's directory. Returns 0, or -1 and sets *pzErr
 * to a message ("FILE: line N: ...") the caller frees; *pC is then empty.
 * Never exits (except on out-of-memory), never prints.
 */
int config_read(const char *zPath, struct config *pC, char **pzErr);

/* Release everything (a password is zeroed first). */
void config_clear(struct config *pC);

/* The [view zName] section, or NULL. */
const struct config_section *config_view(
    const struct config *pC, const char *zName);

/*
 * The value of key k for view pV: set in [view NAME], else in [sync],
 * else (timeouts only) in [source]; NULL if none. pV may be NULL for
 * the [sync] and [source] values alone.
 */
const char *config_get(const struct config *pC, const struct config_section *pV,
    enum config_key k);

/*
 * The words of the keys mode, deletes, schema-change and decimals, the
 * same as those of dbs-load's options of the same names, in the order
 * of dbs-load's enums (load/opts.h), and of strategy and log-format,
 * the same as dbs-sync's options; each list ends with NULL. The one
 * table of these names.
 */
extern const char *const config_modes[];
extern const char *const config_deletes[];
extern const char *const config_schema_changes[];
extern const char *const config_decimals[];
extern const char *const config_strategies[];
extern const char *const config_log_formats[];

/* The index of word z in list az (one of the above), or -1. */
int config_word(const char *const *az, const char *z);

/* The key's name in the file ("max-delete"). */
const char *config_key_name(enum config_key k);

/*
 * Parsers of checked value kinds, shared by the programs' options so a
 * flag and a key accept the same text. Each returns 0 and sets *pOut,
 * or -1 for text outside its contract.
 */
/* "yes" or "no". */
int config_parse_bool(const char *z, int *pOut);
/* A duration with a unit: "90s", "30m", "24h", "7d", "2w"; at least 1s. */
int config_parse_duration(const char *z, int64_t *pSeconds);

/*
 * How many snapshots to keep: a count ("7": the newest 7) or an age
 * ("14d": those less than 14 days old), exactly one of the two set,
 * the other 0.
 */
int config_parse_keep(const char *z, int64_t *pCount, int64_t *pSeconds);

/*
 * The private-file rule for secrets (a config file holding a password,
 * a password file): owned by the effective user and not readable or
 * writable by group or others. Returns 0, or -1 and sets *pzErr to
 * "PATH: WHAT, so it must be mode 0600 ..." (caller frees), zWhat saying
 * why the rule applies ("holds a password").
 */
int config_check_private(
    int fd, const char *zPath, const char *zWhat, char **pzErr);

#endif
