/* SPDX-License-Identifier: MIT */
/* The front end of the lifecycle, socket, bind/listen/accept, shutdown,
 * close, blocking-mode, name and socketpair calls (the I/O and connect
 * calls are in io_api.c). Each public call checks its arguments here,
 * once for every OS, sets its out-parameters on failure here, and then
 * calls exactly one xsock__os_<call> of src/posix or src/win32.
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

#include <string.h>

/* Balanced xsock_init() calls; guarded by xsock__os_lock(). */
static unsigned long sock__refs;

int xsock_init(void) {
  int rc = xsock__os_lock();
  if (rc < 0)
    return rc;
  if (sock__refs == 0)
    rc = xsock__os_init();
  if (rc == 0)
    sock__refs++;
  xsock__os_unlock();
  return rc;
}

void xsock_cleanup(void) {
  if (xsock__os_lock() < 0)
    return;
  /* An unbalanced cleanup is ignored, so it can never release an OS
   * start-up reference that xsock did not take. */
  if (sock__refs > 0 && --sock__refs == 0)
    xsock__os_cleanup();
  xsock__os_unlock();
}

int xsock__check_init(void) {
  unsigned long refs;
  int rc = xsock__os_lock();
  if (rc < 0)
    return rc;
  refs = sock__refs;
  xsock__os_unlock();
  return refs > 0 ? 0 : xsock__fail(XSOCK_ENOTINIT, 0);
}

int xsock__sock_check_addr(const xsock_addr_t *addr) {
  if (addr == NULL || (addr->family != XSOCK_AF_INET &&
                       addr->family != XSOCK_AF_INET6 &&
                       addr->family != XSOCK_AF_UNIX))
    return xsock__fail(XSOCK_EINVAL, 0);
  return 0;
}

int xsock__sock_addr_fail(xsock_t s, const xsock_addr_t *addr, int rc) {
  int family, type, os = xsock_last_os_error();
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

int xsock_socketpair(int type, xsock_t pair[2]) {
  int rc;
  if (pair == NULL)
    return xsock__fail(XSOCK_EINVAL, 0);
  pair[0] = pair[1] = XSOCK_INVALID;
  if (type != XSOCK_STREAM && type != XSOCK_DGRAM)
    return xsock__fail(XSOCK_EINVAL, 0);
  if ((rc = xsock__check_init()) < 0)
    return rc;
  rc = xsock__os_socketpair(type, pair);
  if (rc < 0)
    pair[0] = pair[1] = XSOCK_INVALID;
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

int xsock_bind(xsock_t s, const xsock_addr_t *addr) {
  int rc = xsock__sock_check_addr(addr);
  if (rc < 0)
    return rc;
  if (s == XSOCK_INVALID)
    return xsock__fail(XSOCK_EBADF, 0);
  rc = xsock__os_bind(s, addr);
  return rc < 0 ? xsock__sock_addr_fail(s, addr, rc) : rc;
}

int xsock_listen(xsock_t s, int backlog) {
  if (s == XSOCK_INVALID)
    return xsock__fail(XSOCK_EBADF, 0);
  return xsock__os_listen(s, backlog);
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
  rc = xsock__os_accept(listener, out, peer, (flags & XSOCK_NONBLOCK) != 0);
  if (rc < 0) {
    *out = XSOCK_INVALID;
    if (peer != NULL)
      memset(peer, 0, sizeof *peer);
  }
  return rc;
}

int xsock_shutdown(xsock_t s, int how) {
  if (how != XSOCK_SHUT_RD && how != XSOCK_SHUT_WR && how != XSOCK_SHUT_RDWR)
    return xsock__fail(XSOCK_EINVAL, 0);
  if (s == XSOCK_INVALID)
    return xsock__fail(XSOCK_EBADF, 0);
  return xsock__os_shutdown(s, how);
}

/* getsockname and getpeername differ only in the per-OS call. */
static int sock__name(xsock_t s, xsock_addr_t *addr, int peer) {
  int rc;
  if (addr == NULL)
    return xsock__fail(XSOCK_EINVAL, 0);
  memset(addr, 0, sizeof *addr);
  if (s == XSOCK_INVALID)
    return xsock__fail(XSOCK_EBADF, 0);
  rc = peer ? xsock__os_getpeername(s, addr) : xsock__os_getsockname(s, addr);
  if (rc < 0)
    memset(addr, 0, sizeof *addr);
  return rc;
}

int xsock_getsockname(xsock_t s, xsock_addr_t *addr) {
  return sock__name(s, addr, 0);
}

int xsock_getpeername(xsock_t s, xsock_addr_t *addr) {
  return sock__name(s, addr, 1);
}
