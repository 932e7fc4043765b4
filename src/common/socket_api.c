/* SPDX-License-Identifier: MIT */
/* The front end of socket, close, the blocking mode and shutdown (their
 * OS halves: socket.c of src/posix and src/win32), and the address checks
 * that bind and connect share. Every front end (X_api.c) checks its
 * arguments once for every OS, sets its out-parameters on failure, and
 * then calls exactly one xsock__os_<call>.
 *
 * The order of the checks is the same for every call, so the same misuse
 * gives the same code everywhere:
 *  1. an out-parameter pointer that is NULL: XSOCK_EINVAL; otherwise the
 *     out-parameter is reset (handles to XSOCK_INVALID, addresses zeroed);
 *  2. every other argument (a NULL or empty address, an unknown family,
 *     type, flag or how, a length above PTRDIFF_MAX): XSOCK_EINVAL;
 *  3. XSOCK_INVALID as the handle: XSOCK_EBADF;
 *  4. for calls that create a handle, xsock_init() not called:
 *     XSOCK_ENOTINIT.
 * Arguments come before the handle because only XSOCK_INVALID can be
 * judged here; a closed handle is only known to the OS, so "bad argument
 * on a closed handle" must give XSOCK_EINVAL for XSOCK_INVALID too. */
#include "internal.h"

int xsock__sock_check_addr(const xsock_addr_t *addr) {
  if (addr == NULL ||
      (addr->family != XSOCK_AF_INET && addr->family != XSOCK_AF_INET6 &&
       addr->family != XSOCK_AF_UNIX))
    return xsock__fail(XSOCK_EINVAL, 0);
  return 0;
}

int xsock__sock_addr_fail(xsock_t s, const xsock_addr_t *addr, int rc) {
  int family, type, os = xsock__last_os_error();
  /* Not a refusal of the address: the call is under way or would block. */
  if (rc == XSOCK_EINPROGRESS || rc == XSOCK_EAGAIN || rc == XSOCK_EINTR ||
      rc == XSOCK_EBADF)
    return rc;
  if (xsock__socket_kind(s, &family, &type) < 0)
    return xsock__fail(rc, os);
  if (family != (int)addr->family)
    return xsock__fail(XSOCK_EAFNOSUPPORT, os);
  return xsock__fail(rc, os);
}

int xsock_socket(xsock_t *out, int family, int type, int flags) {
  int rc;
  if (out == NULL)
    return xsock__fail(XSOCK_EINVAL, 0);
  *out = XSOCK_INVALID;
  if ((family != XSOCK_AF_INET && family != XSOCK_AF_INET6 &&
       family != XSOCK_AF_UNIX) ||
      (type != XSOCK_STREAM && type != XSOCK_DGRAM) ||
      (flags & ~XSOCK_NONBLOCK) != 0)
    return xsock__fail(XSOCK_EINVAL, 0);
  if ((rc = xsock__check_init()) < 0)
    return rc;
  rc = xsock__os_socket(out, family, type, (flags & XSOCK_NONBLOCK) != 0);
  if (rc < 0)
    *out = XSOCK_INVALID;
  return rc;
}

int xsock_close(xsock_t s) {
  if (s == XSOCK_INVALID)
    return xsock__fail(XSOCK_EBADF, 0);
  return xsock__os_close(s);
}

int xsock_set_nonblocking(xsock_t s, int on) {
  if (s == XSOCK_INVALID)
    return xsock__fail(XSOCK_EBADF, 0);
  return xsock__os_set_nonblocking(s, on != 0);
}

int xsock_shutdown(xsock_t s, int how) {
  if (how != XSOCK_SHUT_RD && how != XSOCK_SHUT_WR && how != XSOCK_SHUT_RDWR)
    return xsock__fail(XSOCK_EINVAL, 0);
  if (s == XSOCK_INVALID)
    return xsock__fail(XSOCK_EBADF, 0);
  return xsock__os_shutdown(s, how);
}
