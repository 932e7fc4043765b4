/* SPDX-License-Identifier: MIT */
/* The front end of getsockname and getpeername (their OS halves: names.c
 * of src/posix and src/win32). The order of the checks is the one written
 * at the top of socket_api.c. */
#include "internal.h"

#include <string.h>

/* The name of a socket that is not bound, on every OS: the any-address
 * of its family with port 0, as POSIX's getsockname gives it (Windows
 * fails the call with WSAEINVAL, which its OS half reports as
 * XSOCK__UNBOUND). */
static int names__unbound(xsock_t s, xsock_addr_t *addr) {
  int family, type, rc = xsock__socket_kind(s, &family, &type);
  if (rc < 0)
    return rc;
  return xsock__addr_any(
      addr, family == XSOCK_AF_INET6 ? XSOCK_AF_INET6 : XSOCK_AF_INET, 0);
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
  if (rc == XSOCK__UNBOUND)
    rc = names__unbound(s, addr);
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
