/* SPDX-License-Identifier: MIT */
/* xsock_getsockname / xsock_getpeername on POSIX (moved unchanged out of
 * the old src/posix/options.c; the socket front end owns these calls). */
#include "os.h"

#include <string.h>

/* getsockname/getpeername share everything but the call. (Not through a
 * function pointer: glibc declares them with a transparent union.) */
static int names__get(xsock_t s, xsock_addr_t *addr, int peer) {
  int rc;
  struct sockaddr_storage ss;
  socklen_t len = (socklen_t)sizeof ss;
  if (addr == NULL)
    return xsock__fail(XSOCK_EINVAL, 0);
  if (s < 0)
    return xsock__fail(XSOCK_EBADF, 0);
  memset(&ss, 0, sizeof ss);
  if (peer)
    rc = getpeername(s, (struct sockaddr *)&ss, &len);
  else
    rc = getsockname(s, (struct sockaddr *)&ss, &len);
  if (rc != 0)
    return xsock__errno_fail();
  /* An unbound AF_UNIX socket may come back with no bytes at all. */
  if (len == 0) {
    memset(addr, 0, sizeof *addr);
    return 0;
  }
  return xsock__addr_from_os(addr, (struct sockaddr *)&ss, len);
}

int xsock_getsockname(xsock_t s, xsock_addr_t *addr) {
  return names__get(s, addr, 0);
}

int xsock_getpeername(xsock_t s, xsock_addr_t *addr) {
  return names__get(s, addr, 1);
}
