/* SPDX-License-Identifier: MIT */
/* The example driver: one ctest test per example program. The driver
 * starts the example (spawn.h), reads the address from its first stdout
 * line "... listening on HOST:PORT ...", talks to it over loopback with
 * xsock, checks every reply byte for byte, stops it and checks how it
 * exited. Each example has one talk function (talk.c) and one row in the
 * table of driver.c; adding an example is adding those two (and its name
 * to tests/examples/CMakeLists.txt). For instance:
 *  - a chat server: a row that starts it listening, and a talk that
 *    connects several clients with xd_connect, sends framed messages and
 *    checks that every client receives each one;
 *  - an HTTP fetch client: a row with XD_TALK_STARTS, and a talk that
 *    opens a listener on the loopback, starts the example with its URL
 *    (xd_start), accepts it, checks the request, answers, and checks what
 *    the example printed (xd_expect_line) and its exit (xd_expect_exit). */
#ifndef XD_DRIVER_H
#define XD_DRIVER_H

#include "spawn.h"
#include "xsock.h"

/* How long an example may take to exit once told to, in milliseconds: far
 * longer than any healthy exit, far shorter than an example's own waits
 * (serve_forever waits an hour), so a missed stop fails clearly. */
#define XD_EXIT_LIMIT_MS 30000

typedef struct xd_run {
  const char *prog;  /* the example's file name (in the working directory) */
  xd_child_t *child; /* the running example */
  xsock_addr_t addr; /* where it listens (examples that listen) */
} xd_run_t;

/* Prints "driver: FAIL: <message>" and returns 1, for `return xd_fail(...)`.
 * Its format is checked like printf's where the compiler can. */
#if defined(__GNUC__)
#define XD_PRINTF_LIKE __attribute__((format(printf, 1, 2)))
#else
#define XD_PRINTF_LIKE
#endif
int xd_fail(const char *fmt, ...) XD_PRINTF_LIKE;

/* A blocking TCP connection to the example; returns 0 or xd_fail's 1. */
int xd_connect(const xd_run_t *r, xsock_t *s);

/* Sends len bytes on s and checks that the same len bytes come back. */
int xd_echo(xsock_t s, const char *msg, size_t len);

/* Reads the example's stdout until a line containing want; 0 when found,
 * xd_fail's 1 at end of output. Every line is copied to the driver's
 * stdout, so a test's log shows what the example printed. */
int xd_expect_line(xd_run_t *r, const char *want);

/* Waits for the example to exit (XD_EXIT_LIMIT_MS), copies the rest of
 * its output, and checks its exit status. */
int xd_expect_exit(xd_run_t *r, int status);

/* Starts r->prog with args (NULL-terminated) into r->child and, when
 * listens, reads its address into r->addr. The driver does this itself
 * before the talk, except for XD_TALK_STARTS rows. */
int xd_start(xd_run_t *r, const char *const *args, int listens);

/* ---- one talk function per example (talk.c); 0 when all went well ---- */
int xd_talk_echo_server(xd_run_t *r);
int xd_talk_echo_client(xd_run_t *r);
int xd_talk_blocking_echo(xd_run_t *r);
int xd_talk_thread_echo(xd_run_t *r);
int xd_talk_serve_forever(xd_run_t *r);
int xd_talk_udp_echo(xd_run_t *r);
int xd_talk_sockbuf(xd_run_t *r);
int xd_talk_http_fetch(xd_run_t *r);
int xd_talk_chat_server(xd_run_t *r);

#endif /* XD_DRIVER_H */
