/* SPDX-License-Identifier: MIT */
/* The raw `afd` impl of loops.h on Windows (bench/SPEC.md 0.1): AFD poll
 * requests on a handle to \Device\Afd, completed through an I/O
 * completion port, driven directly with no xsock call, so that the afd
 * backend of xsock (xsock-afd) has a baseline of its own technique, as
 * xsock-wsapoll has raw WSAPoll. loops_win.c routes the loop calls of the
 * `afd` impl here; loops_afd.c says how the loop is written. */
#ifndef XSOCK_BENCH_LOOPS_AFD_H
#define XSOCK_BENCH_LOOPS_AFD_H

#include <winsock2.h>

#include "loops.h"

typedef struct afd_loop afd_loop_t;

/* Opens \Device\Afd and a completion port; exits on failure. oneshot:
 * a completed request is re-submitted only by afd_loop_rearm(). */
afd_loop_t *afd_loop_open(int oneshot, loop_handler_fn fn, void *ctx);

/* Registers s for READ with udata: its base handle, and its first poll
 * request in flight. Always 0 (a completion port has no size limit). */
int afd_loop_add(afd_loop_t *a, SOCKET s, uintptr_t udata);

/* Unregisters s; a request in flight is cancelled and freed when its
 * completion comes back. Safe from within s's own handler. */
void afd_loop_del(afd_loop_t *a, SOCKET s);

/* Puts s's request back in flight (oneshot mode, from a handler). */
void afd_loop_rearm(afd_loop_t *a, SOCKET s);

/* One iteration: one GetQueuedCompletionStatusEx with timeout_ms
 * (INFINITE to block, 0 to poll), then the handler for each completed
 * request. Returns the handler calls. */
int afd_loop_iter(afd_loop_t *a, DWORD timeout_ms);

/* W5: wakes the loop's wait from any thread (a packet posted to the
 * port), and one iteration bounded by timeout_ms that returns 1 when it
 * saw one. */
void afd_loop_wake(afd_loop_t *a);
int afd_loop_iter_wake(afd_loop_t *a, DWORD timeout_ms);

/* Cancels what is in flight, waits for it, closes the handles. */
void afd_loop_close(afd_loop_t *a);

#endif /* XSOCK_BENCH_LOOPS_AFD_H */
