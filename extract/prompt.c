/*
 * prompt.c - the password prompt of -P - on a terminal. The line itself
 * is read by the caller from standard input as usual; this module only
 * shows the prompt (on /dev/tty, else standard error) and keeps the
 * terminal from echoing the password, restoring it however the process
 * ends (normally, exit(), or a terminating signal).
 */
#include "prompt.h"

#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

static struct termios saved;      /* the terminal as it was */
static volatile sig_atomic_t bOn; /* echo is off: restore it */
static int fdTty = -1;            /* where the prompt goes */
static const int aSig[] = {SIGINT, SIGTERM, SIGHUP};
static struct sigaction aOld[3];

/* Restore the terminal; async-signal-safe. */
static void
restore(void)
{
	if (!bOn)
		return;
	bOn = 0;
	tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved);
	if (write(fdTty, "\n", 1) < 0)
		bOn = 0; /* nothing to do about it */
}

static void
on_signal(int sig)
{
	restore();
	signal(sig, SIG_DFL);
	raise(sig);
}

int
prompt_begin(const char *zPrompt)
{
	struct termios t;
	struct sigaction sa;
	size_t i;

	if (!isatty(STDIN_FILENO) || tcgetattr(STDIN_FILENO, &saved) != 0)
		return 0;
	fdTty = open("/dev/tty", O_WRONLY | O_CLOEXEC);
	if (fdTty < 0)
		fdTty = STDERR_FILENO;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < sizeof aSig / sizeof aSig[0]; i++)
		sigaction(aSig[i], &sa, &aOld[i]);
	t = saved;
	t.c_lflag &= ~(tcflag_t)(ECHO | ECHOE | ECHOK | ECHONL);
	bOn = 1;
	if (tcsetattr(STDIN_FILENO, TCSAFLUSH, &t) != 0) {
		bOn = 0;
		return 0;
	}
	atexit(prompt_end);
	if (write(fdTty, zPrompt, strlen(zPrompt)) < 0)
		return 1; /* the echo is off all the same */
	return 1;
}

void
prompt_end(void)
{
	size_t i;

	if (!bOn)
		return;
	restore();
	for (i = 0; i < sizeof aSig / sizeof aSig[0]; i++)
		sigaction(aSig[i], &aOld[i], NULL);
	if (fdTty > STDERR_FILENO)
		close(fdTty);
	fdTty = -1;
}
