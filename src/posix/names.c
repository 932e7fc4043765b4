/* SPDX-License-Identifier: MIT */
/* A socket's own address and its peer's on POSIX. src/common/names_api.c
 * has checked the arguments and zeroed *addr.
 *
 * Notes: an unbound socket has a name on POSIX (the any-address of its
 * family, port 0; Windows needs names.c to say so itself), and an unbound
 * AF_UNIX socket may come back with no bytes at all. */
#include "os.h"

#include <string.h>

/* getsockname/getpeername share everything but the call. (Not through a
 * function pointer: glibc declares them with a transparent union.) */
static int names__get(xsock_t s, xsock_addr_t *addr, int peer) {
  struct sockaddr_storage ss;
  socklen_t len = (socklen_t)sizeof ss;
  int rc;
  memset(&ss, 0, sizeof ss);
  if (peer)
    rc = getpeername(s, (struct sockaddr *)&ss, &len);
  else
    rc = getsockname(s, (struct sockaddr *)&ss, &len);
  if (rc != 0)
    return xsock__errno_fail();
  if (len == 0)
    return 0;
  return xsock__addr_from_os(addr, (struct sockaddr *)&ss, len);
}

int xsock__os_getsockname(xsock_t s, xsock_addr_t *addr) {
  return names__get(s, addr, 0);
}

int xsock__os_getpeername(xsock_t s, xsock_addr_t *addr) {
  return names__get(s, addr, 1);
}
