/*
 * out.h - where dbs-extract writes: stdout, or (-o FILE) a temporary file
 * in FILE's directory that is flushed, fsynced and renamed to FILE only
 * when the stream is complete, and removed on failure or on SIGINT,
 * SIGTERM and SIGHUP. A FILE that is a special file (a device, a FIFO,
 * /dev/stdout) is written directly: a temporary file cannot be renamed
 * onto it.
 */
#ifndef DBS_EXTRACT_OUT_H
#define DBS_EXTRACT_OUT_H

struct out {
	const char *zFile; /* final name, or NULL for stdout */
	char *zTemp;       /* temporary name while writing, owned */
	int fd;            /* where to write */
	int direct;        /* fd is zFile itself, a special file */
};

/*
 * Open the destination: stdout when zFile is NULL or "-", zFile itself
 * when it is a special file (or under /dev or /proc), else a new
 * temporary file beside zFile. Returns 0, or DBS_EXIT_FAIL with *pzErr
 * (main.c's rule).
 */
int out_open(struct out *pO, const char *zFile, char **pzErr);

/* The name for messages: "stdout" or the file name. */
const char *out_label(const struct out *pO);

/*
 * Make the output permanent: for a file, fsync it, close it, rename it
 * to its final name and fsync the directory. Returns 0, or DBS_EXIT_FAIL
 * with *pzErr (the temporary file is then removed).
 */
int out_commit(struct out *pO, char **pzErr);

/*
 * Remove the temporary file, if any, from a signal handler (only
 * async-signal-safe calls). The process must end right after.
 */
void out_signal_cleanup(void);

/* Give up: remove the temporary file, if any. */
void out_abort(struct out *pO);

#endif
