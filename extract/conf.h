/*
 * conf.h - connection settings of dbs-extract from three layers: command
 * line flags, environment (DBS_*), and the [source] section of an INI
 * config file. A flag wins over the environment, which wins over the file;
 * the password is resolved the same way between its sources.
 */
#ifndef DBS_EXTRACT_CONF_H
#define DBS_EXTRACT_CONF_H

/* The settings, in the order of the config file keys. */
enum conf_key {
	CONF_SERVER,
	CONF_DATABASE,
	CONF_USER,
	CONF_PASSWORD_FILE,
	CONF_PASSWORD, /* environment and file only: never a flag */
	CONF_TDS_VERSION,
	CONF_ENCRYPT,
	CONF_CA_FILE,
	CONF_LOGIN_TIMEOUT,
	CONF_QUERY_TIMEOUT,
	CONF_APP_NAME,
	CONF_NKEY
};

enum conf_layer { CONF_FLAG, CONF_ENV, CONF_FILE, CONF_NLAYER };

struct conf {
	char *azVal[CONF_NLAYER][CONF_NKEY]; /* owned copies or NULL */
	int passwordStdin;                   /* -P - was given */
	int noEnv;         /* --no-env: only the password variables are read */
	char *zConfigFile; /* -c or DBS_CONFIG, or NULL */
};

/* The resolved settings. */
struct conf_final {
	const char *azVal[CONF_NKEY]; /* winning values (borrowed from conf) */
	char *zPassword;              /* owned; zeroed by conf_clear */
	int loginTimeout;             /* -1 = not set */
	int queryTimeout;             /* -1 = not set */
};

/*
 * The flag, environment variable and file key of a setting, for
 * messages: conf_name(CONF_CA_FILE, CONF_ENV) is "DBS_CA_FILE".
 */
const char *conf_name(enum conf_key k, enum conf_layer l);

/*
 * Store the value of a setting from a flag (copied), once it is checked.
 * Returns 0, or DBS_EXIT_USAGE with *pzErr (main.c's rule) for a bad
 * value.
 */
int conf_set_flag(
    struct conf *pC, enum conf_key k, const char *zValue, char **pzErr);

/*
 * Read the environment and the config file (pC->zConfigFile, or
 * DBS_CONFIG when that is NULL), then resolve every setting and the
 * password into *pF. Returns 0, or DBS_EXIT_USAGE with *pzErr for a bad
 * setting, config file or password source; conf_clear() releases *pF
 * either way.
 */
int conf_resolve(struct conf *pC, struct conf_final *pF, char **pzErr);

/* Release everything; the password is zeroed first. */
void conf_clear(struct conf *pC, struct conf_final *pF);

#endif
