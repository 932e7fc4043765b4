/* SPDX-License-Identifier: MIT */
/* xsock__socket_kind on Windows: the family and type from the socket's
 * protocol information (getsockname fails on an unbound socket here, so
 * the POSIX way does not work). src/posix/sock_kind.c is the POSIX
 * mirror. */
#include "os.h"

int xsock__socket_kind(xsock_t s, int *family, int *type) {
  int af, t, rc = xsock__win_socket_kind((SOCKET)s, &af, &t);
  if (rc < 0)
    return rc;
  *family = af == AF_INET    ? XSOCK_AF_INET
            : af == AF_INET6 ? XSOCK_AF_INET6
                             : XSOCK_AF_UNSPEC;
  *type = t == SOCK_STREAM ? XSOCK_STREAM : t == SOCK_DGRAM ? XSOCK_DGRAM : 0;
  return 0;
}
