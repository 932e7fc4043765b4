/* SPDX-License-Identifier: MIT */
/* The OS half of xsock_wait on Windows: select to wait, then one WSAPoll
 * (timeout 0) to say what select found, as the select backend does
 * (sel_select.c), with the helpers both selector backends share
 * (pollbits.h).
 *
 * Notes on Windows:
 *  - select blocks, not WSAPoll, for two reasons that the WSAPoll backend
 *    must work around with a 50 ms slice (sel_wsapoll.c): before Windows
 *    10 version 2004 WSAPoll never reports a non-blocking connect that
 *    fails, while select names it in exceptfds on every version; and
 *    WSAPoll reports POLLHUP whatever events asks, so a WRITE-only wait on
 *    a socket whose peer sent its FIN and whose send buffer is full would
 *    end at once, over and over, for nothing the caller sees. select
 *    reports neither and blocks until the send buffer has room.
 *  - select says only readable / writable / exception; it tells neither a
 *    hangup nor an error. The WSAPoll afterwards classifies the socket
 *    without reading anything, so the pending error stays for
 *    xsock_connect_result(). exceptfds counts as a failed connect only
 *    for a socket without a peer (out-of-band data also lands there).
 *  - A closed handle makes select fail with WSAENOTSOCK: XSOCK_EBADF.
 *  - One socket always fits a Winsock fd_set (an array of FD_SETSIZE,
 *    64, SOCKETs, not a bitmap), whatever the SOCKET's value. */
#include "os.h"
#include "pollbits.h"

#if defined(XSOCK_TEST_HOOKS) && XSOCK_HAVE_WSAPOLL
/* sel_wsapoll.c's hook: when nonzero, what WSAPoll says about a socket
 * that asks for WRITE keeps POLLWRNORM only, as Windows before 10 version
 * 2004 reports a failed connect, so that tests see select's exceptfds
 * find it on every system. */
extern int xsock__wsapoll_legacy_connects;
#endif

/* What one WSAPoll says about s now, in XSOCK_* bits. */
static unsigned wait__classify(SOCKET s, unsigned events) {
  WSAPOLLFD pfd;
  int stream = 0;
  pfd.fd = s;
  pfd.events = xsock__wsapoll_events(events);
  pfd.revents = 0;
  if (XSOCK__OS(WSAPoll)(&pfd, 1, 0) == SOCKET_ERROR)
    return 0;
#if defined(XSOCK_TEST_HOOKS) && XSOCK_HAVE_WSAPOLL
  if (xsock__wsapoll_legacy_connects && (events & XSOCK_WRITE))
    pfd.revents &= POLLWRNORM;
#endif
  if ((pfd.revents & POLLERR) && xsock__winsel_check(s, &stream) < 0)
    return XSOCK_ERROR | XSOCK_HANGUP; /* closed meanwhile */
  return xsock__wsapoll_raw(pfd.revents, stream);
}

int xsock__os_wait(xsock_t s, unsigned events, int timeout_ms) {
  fd_set rset, wset, eset;
  struct timeval tv, *ptv = NULL;
  unsigned raw;
  int rc, err;
  FD_ZERO(&rset);
  FD_ZERO(&wset);
  FD_ZERO(&eset);
  if (events & XSOCK_READ)
    FD_SET((SOCKET)s, &rset);
  if (events & XSOCK_WRITE)
    FD_SET((SOCKET)s, &wset);
  /* A failed connect shows in exceptfds alone: watched whatever events
   * asks, so that a wait for READ ends on it too, as on POSIX. */
  FD_SET((SOCKET)s, &eset);
  if (timeout_ms >= 0) {
    tv.tv_sec = timeout_ms / 1000;
    tv.tv_usec = (timeout_ms % 1000) * 1000;
    ptv = &tv;
  }
  rc = XSOCK__OS(select)(0, (events & XSOCK_READ) ? &rset : NULL,
                         (events & XSOCK_WRITE) ? &wset : NULL, &eset, ptv);
  if (rc == SOCKET_ERROR) {
    err = WSAGetLastError();
    return err == WSAEINTR ? XSOCK_EINTR : xsock__os_fail(err);
  }
  if (rc == 0)
    return 0;
  raw = wait__classify((SOCKET)s, events);
  if (FD_ISSET((SOCKET)s, &rset))
    raw |= XSOCK_READ;
  if (FD_ISSET((SOCKET)s, &wset))
    raw |= XSOCK_WRITE;
  if (FD_ISSET((SOCKET)s, &eset) && xsock__winsel_connect_failed((SOCKET)s))
    raw |= XSOCK_ERROR | XSOCK_HANGUP;
  return (int)raw;
}
