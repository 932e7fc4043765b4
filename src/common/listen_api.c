/* SPDX-License-Identifier: MIT */
/* The front end of bind, listen and accept (their OS halves: listen.c
 * of src/posix and src/win32). The order of the checks is the one written
 * at the top of socket_api.c. */
#include "internal.h"

#include <limits.h>
#include <string.h>

/* An address held by another socket is XSOCK_EADDRINUSE on every OS. On
 * Windows the OS says WSAEACCES when the holder used SO_EXCLUSIVEADDRUSE
 * (config.h, XSOCK__OS_BIND_EACCES_IS_IN_USE); the raw code stays in
 * xsock_last_os_error(). */
int xsock_bind(xsock_t s, const xsock_addr_t *addr) {
  int rc = xsock__sock_check_addr(addr);
  if (rc < 0)
    return rc;
  if (s == XSOCK_INVALID)
    return xsock__fail(XSOCK_EBADF, 0);
  rc = xsock__os_bind(s, addr);
  if (rc == XSOCK_EACCES && XSOCK__OS_BIND_EACCES_IS_IN_USE)
    rc = xsock__fail(XSOCK_EADDRINUSE, xsock__last_os_error());
  return rc < 0 ? xsock__sock_addr_fail(s, addr, rc) : rc;
}

/* backlog <= 0 asks for the OS's maximum: INT_MAX, which every OS clamps
 * to its own limit (Linux and the BSDs to somaxconn, Windows reads
 * 0x7fffffff as SOMAXCONN, "a reasonable maximum"). */
static int listen__backlog(int backlog) {
  return backlog <= 0 ? INT_MAX : backlog;
}

/* listen on a socket that is not bound binds it first, on every OS, to the
 * any-address of its family and an ephemeral port, as POSIX's listen does
 * (Windows refuses such a listen, which its OS half reports as
 * XSOCK__UNBOUND): getsockname then gives the same kind of answer
 * everywhere. */
int xsock_listen(xsock_t s, int backlog) {
  int family, type, rc;
  xsock_addr_t any;
  if (s == XSOCK_INVALID)
    return xsock__fail(XSOCK_EBADF, 0);
  backlog = listen__backlog(backlog);
  rc = xsock__os_listen(s, backlog);
  if (rc != XSOCK__UNBOUND)
    return rc;
  if ((rc = xsock__socket_kind(s, &family, &type)) < 0 ||
      (rc = xsock__addr_any(
           &any, family == XSOCK_AF_INET6 ? XSOCK_AF_INET6 : XSOCK_AF_INET,
           0)) < 0 ||
      (rc = xsock__os_bind(s, &any)) < 0)
    return rc;
  rc = xsock__os_listen(s, backlog);
  return rc == XSOCK__UNBOUND ? xsock__fail(XSOCK_EINVAL, 0) : rc;
}

int xsock_accept(xsock_t listener, xsock_t *out, xsock_addr_t *peer,
                 int flags) {
  int rc;
  if (out == NULL)
    return xsock__fail(XSOCK_EINVAL, 0);
  *out = XSOCK_INVALID;
  if (peer != NULL)
    memset(peer, 0, sizeof *peer);
  if ((flags & ~XSOCK_NONBLOCK) != 0)
    return xsock__fail(XSOCK_EINVAL, 0);
  if (listener == XSOCK_INVALID)
    return xsock__fail(XSOCK_EBADF, 0);
  /* An accept interrupted before a connection was taken (EINTR; WSAEINTR,
   * a blocking Winsock call cancelled) is made again, here for both OSes
   * as the I/O calls do (io_api.c): XSOCK_EINTR never comes out. */
  do
    rc = xsock__os_accept(listener, out, peer, (flags & XSOCK_NONBLOCK) != 0);
  while (rc == XSOCK_EINTR);
  if (rc < 0) {
    *out = XSOCK_INVALID;
    if (peer != NULL)
      memset(peer, 0, sizeof *peer);
  }
  return rc;
}
