/* SPDX-License-Identifier: MIT */
/* What the Windows selector backends share (sel_wsapoll.c, sel_select.c),
 * mirroring src/posix/pollbits.h:
 * WSAPoll flags <-> XSOCK_* bits, a socket-set type larger than Winsock's
 * fd_set, and the few socket checks both make. */
#ifndef XSOCK_WIN32_POLLBITS_H
#define XSOCK_WIN32_POLLBITS_H

#include "selector.h"
#include "os.h"
#include "readiness.h"

#include <stddef.h>

/* The WSAPOLLFD events for an interest. Only POLLRDNORM and POLLWRNORM:
 * Windows fails the whole call with WSAEINVAL when events holds POLLPRI,
 * POLLERR, POLLHUP or POLLNVAL (Wine accepts them, so only real Windows
 * would catch the mistake). Errors and hangups are reported anyway. */
static inline SHORT xsock__wsapoll_events(unsigned interest) {
  SHORT ev = 0;
  if (interest & XSOCK_READ)
    ev |= POLLRDNORM;
  if (interest & XSOCK_WRITE)
    ev |= POLLWRNORM;
  return ev;
}

/* What WSAPoll reported, in XSOCK_* bits, before xsock__ready_events().
 * POLLERR on a stream socket means the connection is dead (a refused
 * connect, a reset), so it is HANGUP too, as POSIX poll reports it;
 * POLLNVAL (closed while registered) is ERROR|HANGUP. */
static inline unsigned xsock__wsapoll_raw(SHORT re, int stream) {
  unsigned raw = 0;
  if (re & (POLLRDNORM | POLLRDBAND))
    raw |= XSOCK_READ;
  if (re & POLLWRNORM)
    raw |= XSOCK_WRITE;
  if (re & POLLERR)
    raw |= stream ? XSOCK_ERROR | XSOCK_HANGUP : XSOCK_ERROR;
  if (re & POLLHUP)
    raw |= XSOCK_HANGUP;
  if (re & POLLNVAL)
    raw |= XSOCK_ERROR | XSOCK_HANGUP;
  return raw;
}

/* Winsock's fd_set is a count and an array (not a bitmap), FD_SETSIZE (64)
 * long by default; select reads fd_count entries whatever FD_SETSIZE was.
 * This is the same layout with a length chosen at run time, passed to
 * select as (fd_set *). */
#if defined(_MSC_VER)
/* MSVC calls a C99 flexible array member a "nonstandard extension" (C4200,
 * a level-4 warning in C), which /W4 /WX would turn into an error. */
#pragma warning(push)
#pragma warning(disable : 4200)
#endif
typedef struct xsock__sockset {
  u_int fd_count;
  SOCKET fd_array[]; /* as long as allocated */
} xsock__sockset_t;
#if defined(_MSC_VER)
#pragma warning(pop)
#endif

/* Bytes for a set of n sockets (n >= 1). */
#define XSOCK__SOCKSET_SIZE(n)                                                 \
  (offsetof(xsock__sockset_t, fd_array) + (size_t)(n) * sizeof(SOCKET))

/* The check add makes: XSOCK_EBADF for anything that is not an open
 * socket (Winsock says WSAENOTSOCK for a closed socket and for any other
 * kind of handle); *stream says whether it is a stream socket. */
static inline int xsock__winsel_check(SOCKET s, int *stream) {
  int type = 0, rc = xsock__win_socket_kind(s, NULL, &type);
  *stream = type == SOCK_STREAM;
  return rc;
}

/* Whether select's exceptfds named s because its connect failed (and not
 * because out-of-band data arrived on a connected socket): a socket whose
 * connect failed has no peer. Reads nothing, so the error stays pending
 * for xsock_connect_result(). */
static inline int xsock__winsel_connect_failed(SOCKET s) {
  struct sockaddr_storage ss;
  int len = (int)sizeof ss;
  return getpeername(s, (struct sockaddr *)&ss, &len) != 0 &&
         WSAGetLastError() == WSAENOTCONN;
}

#endif /* XSOCK_WIN32_POLLBITS_H */
