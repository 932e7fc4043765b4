/* SPDX-License-Identifier: MIT */
/* One small event-loop interface over every implementation the benchmarks
 * compare (bench/SPEC.md 0.1 and 0.2): the raw system calls
 * (`epoll`, `poll`, `select` in loops.c; `wsapoll` and `select` on
 * Windows, in loops_win.c) and xsock's selector on each compiled-in
 * backend (`xsock-<backend>`). Only READ interest is used. An iteration
 * calls handler(ctx, udata) once per ready registration, with the user
 * data given at loop_add.
 *
 * One-shot ("rearm") loops disarm every registration they dispatch, and
 * the handler re-arms it with loop_rearm() after its read, each
 * implementation with its own idiom:
 *  - epoll: EPOLLONESHOT at add, EPOLL_CTL_MOD to re-arm;
 *  - poll: the dispatcher sets events = 0, loop_rearm sets POLLIN;
 *  - select: the dispatcher FD_CLRs the master set, loop_rearm FD_SETs;
 *  - xsock: XSOCK_READ | XSOCK_ONESHOT at add (the wait that reports a
 *    registration disarms it), and loop_rearm calls
 *    xsock_selector_modify(sel, fd, XSOCK_READ | XSOCK_ONESHOT, udata):
 *    one public call per event, exactly what an application would do. */
#ifndef XSOCK_BENCH_LOOPS_H
#define XSOCK_BENCH_LOOPS_H

#include <stdint.h>

#include <xsock.h>

typedef void (*loop_handler_fn)(void *ctx, uintptr_t udata);
typedef struct loop loop_t;

/* Writes the names of every impl of this build, one per line. */
void loop_list_impls(void);

/* 1 when impl names an implementation of this build. */
int loop_impl_known(const char *impl);

/* Opens a loop (the backend instance; untimed in every workload). oneshot
 * selects rearm mode. Exits on failure. */
loop_t *loop_open(const char *impl, int oneshot, loop_handler_fn fn, void *ctx);

/* Registers fd for READ with udata. Returns 0, or -1 when the impl cannot
 * hold fd (select: fd >= FD_SETSIZE); exits on other failures. */
int loop_add(loop_t *l, xsock_t fd, uintptr_t udata);

/* Unregisters fd (teardown, or a server closing a connection). */
void loop_del(loop_t *l, xsock_t fd);

/* One iteration: wait (forever when block, else poll with timeout 0), then
 * dispatch. Returns the number of handler calls. */
int loop_iter(loop_t *l, int block);

/* Re-arms READ interest on fd in oneshot mode (called by handlers). */
void loop_rearm(loop_t *l, xsock_t fd, uintptr_t udata);

/* Frees the backend instance (the registered fds stay open). */
void loop_close(loop_t *l);

/* W4 (sockpairs --timeout=MS): bounds every wait of loop_iter_timed() by
 * ms > 0, the way each impl's users bound it. The raw calls and xsock
 * pass ms as the wait's own timeout; the peer libraries take no timeout
 * per iteration but compute it from their timers, so they start one
 * repeating timer of ms here. ms -1 (W4's baseline) waits forever, and
 * the peers then start no timer. Call once, right after loop_open. */
void loop_set_timeout(loop_t *l, int ms);

/* One iteration like loop_iter(l, 1), but with the wait bounded as
 * loop_set_timeout() said. A separate entry, so that loop_iter's paths,
 * which W1 to W3 measure, stay exactly as they were. */
int loop_iter_timed(loop_t *l);

/* W5 (wakeup.c): another thread wakes the loop's blocking wait.
 * loop_threads_init() runs once before the first loop_open (libevent
 * must be told to lock its bases; the others need nothing).
 * loop_wake_init() makes the loop's wake channel, untimed: an eventfd (a
 * pipe off Linux) registered for READ in the raw impls, nothing more in
 * xsock's (every selector has its wakeup), an async watcher in the peers.
 * loop_wake() may be called from any thread. loop_iter_wake() is one
 * blocking iteration (timeout -1, or what loop_set_timeout() said) that
 * returns 1 when it saw a wakeup and reset the channel, 0 when it
 * returned without one. */
void loop_threads_init(void);
void loop_wake_init(loop_t *l);
void loop_wake(loop_t *l);
int loop_iter_wake(loop_t *l);

#endif /* XSOCK_BENCH_LOOPS_H */
