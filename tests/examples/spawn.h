/* SPDX-License-Identifier: MIT */
/* Starting an example program as a child process with its stdin and
 * stdout on pipes (posix_spawn on POSIX, CreateProcess on Windows), for
 * the example driver. The child's stderr is the driver's, so whatever an
 * example complains about shows up in the test's output. */
#ifndef XD_SPAWN_H
#define XD_SPAWN_H

#include <stddef.h>

typedef struct xd_child xd_child_t;

/* Starts argv[0] (a file name in the current directory) with arguments
 * argv[1..] (NULL-terminated). Returns NULL and prints why on failure. */
xd_child_t *xd_spawn(const char *const *argv);

/* Reads one line of the child's stdout into buf (without "\n" or "\r\n",
 * cut at len - 1 bytes). Returns its length, or -1 at end of output. */
int xd_read_line(xd_child_t *c, char *buf, size_t len);

/* Closes the child's stdin: a child reading it sees end of file. */
void xd_close_stdin(xd_child_t *c);

/* Waits up to limit_ms for the child to exit. Returns its exit status
 * (0..255), or -1 if it did not exit in time (it is then killed) or died
 * of a signal. Its remaining output can still be read afterwards. */
int xd_wait(xd_child_t *c, int limit_ms);

/* Kills the child and reaps it (for examples that serve until they are
 * stopped from outside); nothing if it was reaped already. */
void xd_kill(xd_child_t *c);

/* Closes the pipes and frees c, after xd_wait or xd_kill. */
void xd_free(xd_child_t *c);

#endif /* XD_SPAWN_H */
