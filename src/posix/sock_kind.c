/* SPDX-License-Identifier: MIT */
/* xsock__socket_kind on POSIX: the socket's type from SO_TYPE and its
 * family from getsockname, which works on unbound sockets too (the
 * address is then empty, the family is set). src/win32/sock_kind.c is
 * the Windows mirror. */
#include "os.h"

#include <string.h>

int xsock__socket_kind(xsock_t s, int *family, int *type) {
  struct sockaddr_storage ss;
  socklen_t len = (socklen_t)sizeof ss;
  int t = 0;
  socklen_t tlen = (socklen_t)sizeof t;
  if (s < 0)
    return xsock__fail(XSOCK_EBADF, 0);
  if (getsockopt(s, SOL_SOCKET, SO_TYPE, &t, &tlen) != 0)
    return xsock__errno_fail();
  memset(&ss, 0, sizeof ss);
  if (getsockname(s, (struct sockaddr *)&ss, &len) != 0)
    return xsock__errno_fail();
  *family = ss.ss_family == AF_INET    ? XSOCK_AF_INET
            : ss.ss_family == AF_INET6 ? XSOCK_AF_INET6
            : ss.ss_family == AF_UNIX  ? XSOCK_AF_UNIX
                                       : XSOCK_AF_UNSPEC;
  *type = t == SOCK_STREAM ? XSOCK_STREAM : t == SOCK_DGRAM ? XSOCK_DGRAM : 0;
  return 0;
}
