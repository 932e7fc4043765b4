/* SPDX-License-Identifier: MIT */
/* Connecting, blocking and non-blocking, and the facts behind the
 * outcome. src/common/connect_api.c has checked the arguments, and decides
 * from those facts what xsock_connect_result() reports.
 *
 * Notes on the OS quirks handled here:
 *  - A blocking TCP connect() interrupted by a signal fails with EINTR,
 *    but the handshake goes on in the kernel. Calling connect() again would
 *    give EALREADY or EISCONN (and on some systems a spurious error), so
 *    instead we wait for writability with poll() and read SO_ERROR, as
 *    POSIX describes for an interrupted connect.
 *  - An interrupted AF_UNIX connect (Linux waits while the listener's
 *    queue is full) leaves nothing in progress: the socket is still
 *    unconnected, poll() calls it writable at once and SO_ERROR is 0. So
 *    after the wait getpeername() tells whether a connection exists, and
 *    when none does the connect is started again.
 *  - A finished non-blocking connect makes the socket writable whether it
 *    worked or not; SO_ERROR holds the failure and reading it clears it
 *    (so does a send or recv that returns it), after which nothing tells
 *    a failed connect from none at all: getpeername() says ENOTCONN.
 *  - Not writable is not "pending": a connected socket whose send buffer
 *    is full is not writable either. */
#include "os.h"

#include <poll.h>

/* The pending error of s (SO_ERROR) as an XSOCK_E* code, or 0; for an
 * interrupted blocking connect. */
static int connect__so_error(int s) {
  int err = 0;
  socklen_t len = (socklen_t)sizeof err;
  if (getsockopt(s, SOL_SOCKET, SO_ERROR, &err, &len) != 0)
    return xsock__errno_fail();
  if (err != 0)
    return xsock__os_fail(err);
  return 0;
}

int xsock__os_connect(xsock_t s, const xsock_addr_t *addr) {
  struct sockaddr_storage ss, peer;
  socklen_t len, plen;
  struct pollfd pfd;
  int rc, again = 0;
  rc = xsock__addr_to_os(addr, &ss, &len);
  if (rc < 0)
    return rc;
  for (;;) {
    if (XSOCK__OS(connect)(s, (struct sockaddr *)&ss, len) == 0)
      return 0;
    /* A restarted connect that finds the connection made is a success. */
    if (again && errno == EISCONN)
      return 0;
    if (errno != EINTR)
      return xsock__errno_fail();
    /* Only a blocking socket can be interrupted: wait for the kernel to
     * finish the handshake it has started, if it has started one. */
    pfd.fd = s;
    pfd.events = POLLOUT;
    pfd.revents = 0;
    do {
      rc = XSOCK__OS(poll)(&pfd, 1, -1);
    } while (rc == -1 && errno == EINTR);
    if (rc == -1)
      return xsock__errno_fail();
    if ((rc = connect__so_error(s)) < 0)
      return rc;
    plen = (socklen_t)sizeof peer;
    if (getpeername(s, (struct sockaddr *)&peer, &plen) == 0)
      return 0;
    if (errno != ENOTCONN)
      return xsock__errno_fail();
    again = 1;
  }
}

int xsock__os_connect_state(xsock_t s, int *os_error) {
  struct sockaddr_storage ss;
  socklen_t len = (socklen_t)sizeof ss, elen = (socklen_t)sizeof *os_error;
  struct pollfd pfd;
  int rc;
  *os_error = 0;
  pfd.fd = s;
  pfd.events = POLLOUT;
  pfd.revents = 0;
  do {
    rc = XSOCK__OS(poll)(&pfd, 1, 0);
  } while (rc == -1 && errno == EINTR);
  if (rc == -1)
    return xsock__errno_fail();
  /* poll() reports a closed descriptor as POLLNVAL instead of failing. */
  if (pfd.revents & POLLNVAL)
    return xsock__os_fail(EBADF);
  /* Not writable: still connecting, or connected with a full send
   * buffer, which getpeername() tells apart. */
  if (rc == 0) {
    if (getpeername(s, (struct sockaddr *)&ss, &len) == 0)
      return XSOCK__CONN_UP;
    if (errno != ENOTCONN)
      return xsock__errno_fail();
    return XSOCK__CONN_PENDING;
  }
  if (getsockopt(s, SOL_SOCKET, SO_ERROR, os_error, &elen) != 0) {
    *os_error = 0;
    return xsock__errno_fail();
  }
  if (*os_error != 0)
    return XSOCK__CONN_FAILED;
  if (getpeername(s, (struct sockaddr *)&ss, &len) == 0)
    return XSOCK__CONN_UP;
  if (errno != ENOTCONN)
    return xsock__errno_fail();
  return XSOCK__CONN_NONE;
}
