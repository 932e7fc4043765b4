/* SPDX-License-Identifier: MIT */
/* The front end of connect and connect_result (their OS halves: connect.c
 * of src/posix and src/win32, which report raw facts: what connect said,
 * and the socket's connect state), the rules for a send or a receive that
 * meets a failed connect (xsock__send_fail and xsock__recv_fail, which
 * io_api.c and iov_api.c call on their failure path), and
 * xsock_create_connection and xsock_create_server, the portable forms of
 * Python's socket.create_connection() and socket.create_server().
 *
 * The last two are written once, on top of the public calls (resolve,
 * connect_addrs, bind, listen), as stream.c is: they hold no OS call
 * of their own, so every OS behaves the same by construction, and the
 * OS-specific parts (a failed connect on old Windows, REUSEADDR meaning
 * nothing on Windows) are those of the calls underneath.
 *
 * create_connection is a resolver call followed by xsock__connect_addrs,
 * the Happy Eyeballs race of connect_race.c, with the deadline counted
 * from the call, so that the resolver's time counts too. */
#include "internal.h"

#include <string.h>

int xsock_connect(xsock_t s, const xsock_addr_t *addr) {
  int rc = xsock__sock_check_addr(addr);
  if (rc < 0)
    return rc;
  if (s == XSOCK_INVALID)
    return xsock__fail(XSOCK_EBADF, 0);
  rc = xsock__os_connect(s, addr);
  return rc < 0 ? xsock__sock_addr_fail(s, addr, rc) : rc;
}

/* The outcome of a connect, decided here from what the OS says
 * (xsock__os_connect_state), by one rule for every OS: a pending error is
 * the outcome; a socket with a peer is connected; one with a connect in
 * progress is pending; any other is not connected. What differs is how
 * long the OS keeps the error: POSIX clears it once read (by this call, a
 * send or a recv), after which the socket is simply not connected;
 * Windows keeps a failed connect's error until the socket is closed
 * (docs/semantics.md). */
int xsock_connect_result(xsock_t s) {
  int os_error = 0, state;
  if (s == XSOCK_INVALID)
    return xsock__fail(XSOCK_EBADF, 0);
  state = xsock__os_connect_state(s, &os_error);
  switch (state) {
  case XSOCK__CONN_UP:
    return 0;
  case XSOCK__CONN_PENDING:
    return xsock__fail(XSOCK_EINPROGRESS, 0);
  case XSOCK__CONN_FAILED:
    return xsock__os_fail(os_error);
  case XSOCK__CONN_NONE:
    return xsock__fail(XSOCK_ENOTCONN, 0);
  default:
    return state; /* the OS call failed; recorded */
  }
}

/* A send on a socket whose connect failed gives the connect's error
 * while it is pending, on every OS: POSIX's send returns it by itself
 * (once: it reads and clears it, then says EPIPE), while Windows refuses
 * such a send with WSAECONNRESET (Wine) or WSAENOTCONN and keeps the
 * error. So those two codes, and only on this failure path, ask the OS
 * whether an error is pending. On POSIX the send has read it already and
 * the answer is no, so the code stays as the send gave it. */
xsock_ssize_t xsock__send_fail(xsock_t s, xsock_ssize_t rc) {
  int os, os_error = 0;
  if (rc != XSOCK_ECONNRESET && rc != XSOCK_ENOTCONN)
    return rc;
  os = xsock__last_os_error();
  if (xsock__os_connect_state(s, &os_error) != XSOCK__CONN_FAILED)
    return xsock__fail((int)rc, os); /* the send's own code, as it was */
  return xsock__os_fail(os_error);
}

/* A receive meets a failed connect as a send does. POSIX's receive
 * reports the pending error itself (once: then it reads as end of
 * stream); Windows keeps the error, and its receive says 0 (Wine) or
 * WSAENOTCONN. So a receive's XSOCK_ENOTCONN or XSOCK_ECONNRESET, and
 * where the OS hides the error so (XSOCK__OS_EOF_HIDES_CONNECT_ERROR,
 * Windows) its end of stream, ask whether a connect failed. An end of
 * stream comes once per connection, so the question costs a connection
 * one select() on Windows, and nothing on POSIX. */
xsock_ssize_t xsock__recv_fail(xsock_t s, xsock_ssize_t n) {
  int os, os_error = 0;
  if (n != 0)
    return xsock__send_fail(s, n);
  os = xsock__last_os_error();
  if (xsock__os_connect_state(s, &os_error) == XSOCK__CONN_FAILED)
    return xsock__os_fail(os_error);
  return xsock__fail(0, os); /* the question's own record undone */
}

int xsock_create_connection(xsock_t *out, const char *host, int port,
                            int timeout_ms, int flags) {
  xsock_addr_t addrs[XSOCK_CONNECT_ADDRS_MAX];
  int64_t start = 0;
  int n, rc;
  if (out == NULL)
    return xsock__fail(XSOCK_EINVAL, 0);
  *out = XSOCK_INVALID;
  if (host == NULL || port < 1 || port > 65535 || timeout_ms == 0 ||
      (flags & ~XSOCK_NONBLOCK) != 0)
    return xsock__fail(XSOCK_EINVAL, 0);
  if ((rc = xsock__check_init()) < 0)
    return rc;
  /* The deadline runs from the call: the resolver's time counts too. */
  if (timeout_ms > 0)
    start = xsock_clock_ms();
  if ((n = xsock_resolve(host, port, XSOCK_AF_UNSPEC, addrs,
                         XSOCK_CONNECT_ADDRS_MAX)) < 0)
    return n;
  return xsock__connect_addrs(out, addrs, n, timeout_ms, 0, start, flags);
}

/* One attempt: a listener on addr. */
static int connect_api__server(xsock_t *s, const xsock_addr_t *addr,
                               int backlog, int flags) {
  int rc;
  if ((rc = xsock_socket(s, addr->family, XSOCK_STREAM,
                         flags & XSOCK_NONBLOCK)) < 0)
    return rc;
  rc = xsock_set_option(*s, XSOCK_OPT_REUSEADDR, 1);
  if (rc == 0 && (flags & XSOCK_DUALSTACK) &&
      xsock_set_option(*s, XSOCK_OPT_V6ONLY, 0) < 0)
    rc = xsock__fail(XSOCK_ENOTSUP, xsock_last_os_error());
  if (rc == 0)
    rc = xsock_bind(*s, addr);
  if (rc == 0)
    rc = xsock_listen(*s, backlog);
  if (rc < 0) {
    int os = xsock_last_os_error();
    (void)xsock_close(*s);
    *s = XSOCK_INVALID;
    return xsock__fail(rc, os);
  }
  return 0;
}

int xsock_create_server(xsock_t *out, const char *host, int port, int backlog,
                        int flags) {
  xsock_addr_t addrs[XSOCK_CONNECT_ADDRS_MAX];
  int n, i, rc = XSOCK_EUNKNOWN;
  int family = (flags & XSOCK_DUALSTACK) ? XSOCK_AF_INET6 : XSOCK_AF_INET;
  if (out == NULL)
    return xsock__fail(XSOCK_EINVAL, 0);
  *out = XSOCK_INVALID;
  if (port < 0 || port > 65535 ||
      (flags & ~(XSOCK_NONBLOCK | XSOCK_DUALSTACK)) != 0)
    return xsock__fail(XSOCK_EINVAL, 0);
  if ((rc = xsock__check_init()) < 0)
    return rc;
  if (host == NULL || host[0] == '\0') {
    memset(addrs, 0, sizeof addrs[0]);
    n = 1;
    (void)xsock_addr_any(&addrs[0], family, port);
  } else if ((n = xsock_resolve(host, port,
                                (flags & XSOCK_DUALSTACK) ? XSOCK_AF_INET6
                                                          : XSOCK_AF_UNSPEC,
                                addrs, XSOCK_CONNECT_ADDRS_MAX)) < 0) {
    return n;
  }
  for (i = 0; i < n; i++)
    if ((rc = connect_api__server(out, &addrs[i], backlog, flags)) == 0)
      break;
  return rc;
}
