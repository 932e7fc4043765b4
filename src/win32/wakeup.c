/* SPDX-License-Identifier: MIT */
/* The selector's generic wakeup channel on Windows (contract in
 * selector.h), which the front end registers like any handle and drains
 * itself.
 *
 * Winsock has no pipe or eventfd that WSAPoll and select can watch, so the
 * channel is a connected loopback TCP pair (socketpair.c, which checks
 * that the accepted peer is really the connecting socket). Both ends are
 * non-blocking: a signal never blocks on a full buffer and a drain never
 * blocks on an empty one. The write end has TCP_NODELAY, otherwise Nagle
 * could hold a second wakeup byte until the first one is acknowledged.
 *
 * Coalescing: the "pending" flag goes 0 -> 1 with an interlocked exchange,
 * and only the caller that wins it sends a byte, so a storm of wakeups
 * puts at most one byte on the wire. The drain reads the socket empty and
 * only then clears the flag. This order loses no wakeup: a signal that
 * finds the flag still set during a drain is answered by the wait doing
 * that drain, which has not returned yet. (Clearing first would lose one:
 * a signal could send its byte between the clear and the read, the read
 * would swallow it, and the flag would stay set with nothing in the
 * socket, so every later signal would send nothing.) A byte that arrives
 * after the read found the socket empty stays there and costs one spurious
 * early return of the next wait, never a lost one. */
#include "os.h"
#include "selector.h"

int xsock__os_wakeup_open(xsock__wakeup_t *w) {
  xsock_t pair[2];
  int rc;
  w->rd = w->wr = XSOCK_INVALID;
  w->pending = 0;
  if ((rc = xsock__os_socketpair(XSOCK_STREAM, pair)) < 0)
    return rc;
  if ((rc = xsock__os_set_nonblocking(pair[0], 1)) < 0 ||
      (rc = xsock__os_set_nonblocking(pair[1], 1)) < 0 ||
      (rc = xsock__os_set_option(pair[1], XSOCK_OPT_NODELAY, 1)) < 0) {
    closesocket((SOCKET)pair[0]);
    closesocket((SOCKET)pair[1]);
    return rc;
  }
  w->rd = pair[0];
  w->wr = pair[1];
  return 0;
}

void xsock__os_wakeup_close(xsock__wakeup_t *w) {
  if (w->rd != XSOCK_INVALID)
    closesocket((SOCKET)w->rd);
  if (w->wr != XSOCK_INVALID)
    closesocket((SOCKET)w->wr);
  w->rd = w->wr = XSOCK_INVALID;
  w->pending = 0;
}

int xsock__os_wakeup_signal(xsock__wakeup_t *w) {
  static const char one = 1;
  int err;
  if (InterlockedExchange(&w->pending, 1) != 0)
    return 0; /* a byte is already on its way; wakeups coalesce */
  if (send((SOCKET)w->wr, &one, 1, 0) == 1)
    return 0;
  err = WSAGetLastError();
  /* A full buffer means unread bytes are there already: still pending. */
  if (err == WSAEWOULDBLOCK)
    return 0;
  /* Nothing was sent: re-arm so that the next call tries again. */
  InterlockedExchange(&w->pending, 0);
  return xsock__os_fail(err);
}

void xsock__os_wakeup_drain(xsock__wakeup_t *w) {
  char buf[64];
  /* Coalescing keeps this to one byte; the loop also empties the extra
   * bytes of a race described above. */
  while (recv((SOCKET)w->rd, buf, (int)sizeof buf, 0) == (int)sizeof buf)
    ;
  InterlockedExchange(&w->pending, 0);
}
