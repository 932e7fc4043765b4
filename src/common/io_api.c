/* SPDX-License-Identifier: MIT */
/* The front end of connect, connect_result and the I/O calls, in the
 * order of checks that sock_api.c describes: out-parameters, then the
 * other arguments (XSOCK_EINVAL), then the handle (XSOCK_EBADF), then one
 * xsock__os_<call>. sendall and recv_exact loop over these in stream.c.
 *
 * A length above PTRDIFF_MAX is refused with XSOCK_EINVAL: the signed
 * result could not report it, and such a length is always a caller's bug
 * (an unsigned underflow, say). Clamping it would read or write past the
 * caller's buffer. The per-OS calls may still clamp a valid length to
 * what one OS call takes (INT_MAX on Windows) and report a partial count.
 *
 * When bind, connect or sendto fails and the address's family is not the
 * socket's, the result is XSOCK_EAFNOSUPPORT on every OS (the OSes give
 * EAFNOSUPPORT, EINVAL, ENOTSUP or WSAEFAULT). The socket's family is
 * asked only after a failure, so a successful call costs nothing more. */
#include "internal.h"

#include <stdint.h>
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

int xsock_connect_result(xsock_t s) {
  if (s == XSOCK_INVALID)
    return xsock__fail(XSOCK_EBADF, 0);
  return xsock__os_connect_result(s);
}

int xsock__io_check(xsock_t s, const void *buf, size_t len) {
  if (buf == NULL || len > (size_t)PTRDIFF_MAX)
    return xsock__fail(XSOCK_EINVAL, 0);
  if (s == XSOCK_INVALID)
    return xsock__fail(XSOCK_EBADF, 0);
  return 0;
}

xsock_ssize_t xsock_send(xsock_t s, const void *buf, size_t len) {
  int rc = xsock__io_check(s, buf, len);
  if (rc < 0)
    return rc;
  return xsock__os_send(s, buf, len);
}

xsock_ssize_t xsock_recv(xsock_t s, void *buf, size_t len) {
  int rc = xsock__io_check(s, buf, len);
  if (rc < 0)
    return rc;
  return xsock__os_recv(s, buf, len);
}

xsock_ssize_t xsock_sendto(xsock_t s, const void *buf, size_t len,
                           const xsock_addr_t *to) {
  xsock_ssize_t n;
  int rc;
  /* Both arguments are XSOCK_EINVAL, so their order does not show. */
  if ((rc = xsock__sock_check_addr(to)) < 0 ||
      (rc = xsock__io_check(s, buf, len)) < 0)
    return rc;
  n = xsock__os_sendto(s, buf, len, to);
  return n < 0 ? xsock__sock_addr_fail(s, to, (int)n) : n;
}

xsock_ssize_t xsock_recvfrom(xsock_t s, void *buf, size_t len,
                             xsock_addr_t *from) {
  xsock_ssize_t n;
  int rc;
  if (from != NULL)
    memset(from, 0, sizeof *from);
  if ((rc = xsock__io_check(s, buf, len)) < 0)
    return rc;
  n = xsock__os_recvfrom(s, buf, len, from);
  if (n < 0 && from != NULL)
    memset(from, 0, sizeof *from);
  return n;
}
