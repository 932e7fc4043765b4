/* SPDX-License-Identifier: MIT */
/* Helpers shared by every test suite: CMocka in the right include order,
 * assertions that name xsock errors, loopback listeners and pairs, the
 * backend argument of selector suites, and a lenient event wait. */
#ifndef XTEST_H
#define XTEST_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
/* cmocka.h needs the four headers above first. */
#include <cmocka.h>

#include "xsock.h"

/* Asserts that an xsock call succeeded (returned >= 0) and yields its
 * value; a failure names the error and the raw OS code. */
#define xt_ok(expr) xt__ok((long long)(expr), #expr, __FILE__, __LINE__)
long long xt__ok(long long value, const char *expr, const char *file, int line);

/* Asserts that an xsock call failed with exactly err. */
#define xt_err(expr, err)                                                      \
  xt__err((long long)(expr), (err), #expr, __FILE__, __LINE__)
void xt__err(long long value, int err, const char *expr, const char *file,
             int line);

/* A TCP listener on the loopback address of family (XSOCK_AF_INET or
 * XSOCK_AF_INET6), port 0; *addr receives the bound address. */
void xt_listener(xsock_t *listener, xsock_addr_t *addr, int family);

/* A connected IPv4 TCP pair over loopback (both blocking). */
void xt_tcp_pair(xsock_t *client, xsock_t *server);

/* Closes a handle if it is valid and sets it to XSOCK_INVALID. */
void xt_close(xsock_t *s);

/* The backend a selector suite runs on, from argv[1] ("epoll", ...).
 * Exits with status 2 and a message if it is missing or unknown. */
int xt_backend_from_args(int argc, char **argv);

/* Waits (up to bound_ms in total, over as many waits as needed) until the
 * selector reports sock with every bit of want; returns the events of the
 * last report for sock (0 if it never came). Extra events for other
 * handles are tolerated, so the same test holds on backends that deliver
 * readiness in different batches. */
unsigned xt_expect_events(xsock_selector_t *sel, xsock_t sock, unsigned want,
                          int bound_ms);

/* 1 when running under Wine (ntdll exports wine_get_version), 0 on real
 * Windows and on POSIX. Used only to relax assertions where Wine is known
 * to differ from real Windows, each with its reason at the call. */
int xt_is_wine(void);

/* Sleeps about ms milliseconds (for letting a peer act; never for a
 * pass/fail decision). */
void xt_sleep_ms(int ms);

/* ---- selector suites (tests/support/xtest_selector.c) ---- */

/* The backend id that xt_backend_from_args() found (0 before it ran). */
extern int xt_backend;

/* 1 when the suite runs on the kqueue backend of a build against libkqueue
 * (XTEST_LIBKQUEUE, set by CMake), 0 otherwise. Used only to relax an
 * assertion where libkqueue is measured to differ from a real kqueue, each
 * with its reason at the call; every other backend keeps it. */
#ifdef XTEST_LIBKQUEUE
#define xt_libkqueue() (xt_backend == XSOCK_BACKEND_KQUEUE)
#else
#define xt_libkqueue() 0
#endif

/* Opens a selector on xt_backend; fails the test if it cannot. */
xsock_selector_t *xt_selector(void);

/* One wait of timeout_ms; returns the merged events reported for sock
 * (0 when it was not reported). Fails the test if the wait fails. */
unsigned xt_wait_one(xsock_selector_t *sel, xsock_t sock, int timeout_ms);

/* An address of the loopback where nothing listens (a listener was bound
 * there and closed), so that a connect is refused. */
void xt_refused_addr(xsock_addr_t *addr);

/* A loopback IPv4 listener *l at *la (backlog 1) whose accept queue is
 * full: the connections *c1 and *c2 are queued and never accepted. Linux
 * then drops the next SYN and sends it again only after a second, so a
 * connect to *la stays pending for longer than any test waits; Wine runs
 * on the same Linux sockets. Other systems refuse or complete such a
 * connect instead: the tests that use it run on Linux and under Wine. */
void xt_full_queue_listener(xsock_t *l, xsock_addr_t *la, xsock_t *c1,
                            xsock_t *c2);

/* Starts a non-blocking connect of a new IPv4 TCP socket to addr; *s is
 * the socket, the return value 0 or XSOCK_EINPROGRESS. */
int xt_connect_nb(xsock_t *s, const xsock_addr_t *addr);

/* A monotonic clock in nanoseconds (for the one check that a positive
 * timeout is never cut short, which the library guarantees). */
uint64_t xt_now_ns(void);

/* The main() of a selector suite: picks the backend from argv[1], runs
 * the tests between xsock_init() and xsock_cleanup(), and names the CMocka
 * group after the backend. Use as:
 *   return xt_selector_main(argc, argv, tests); */
#define xt_selector_main(argc, argv, tests)                                    \
  xt__selector_main((argc), (argv), (tests), sizeof(tests) / sizeof((tests)[0]))
int xt__selector_main(int argc, char **argv, const struct CMUnitTest *tests,
                      size_t count);

/* A minimal thread (xt_thread_start/xt_thread_join), for the one-owner
 * pattern and cross-thread wakeups. */
#include "xtest_thread.h"

#endif /* XTEST_H */
