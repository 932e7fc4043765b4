/* SPDX-License-Identifier: MIT */
/* A connected pair of AF_UNIX sockets.
 *
 * Notes: socketpair() takes SOCK_CLOEXEC on Linux and the BSDs; macOS gets
 * close-on-exec from fcntl right after, and SO_NOSIGPIPE on both ends (see
 * xsock__posix_setup_fd in socket.c). */
#include "os.h"

#include <unistd.h>

int xsock_socketpair(int type, xsock_t pair[2]) {
  int fds[2], st, rc;
  if (pair == NULL)
    return xsock__fail(XSOCK_EINVAL, 0);
  pair[0] = pair[1] = XSOCK_INVALID;
  if ((st = xsock__posix_socktype(type, 0)) < 0)
    return xsock__fail(XSOCK_EINVAL, 0);
  if (socketpair(AF_UNIX, st, 0, fds) != 0)
    return xsock__errno_fail();
  rc = xsock__posix_setup_fd(fds[0], XSOCK__SOCK_FLAGS_ATOMIC, 0);
  if (rc == 0)
    rc = xsock__posix_setup_fd(fds[1], XSOCK__SOCK_FLAGS_ATOMIC, 0);
  if (rc < 0) {
    int saved = errno;
    (void)close(fds[0]);
    (void)close(fds[1]);
    errno = saved;
    return rc;
  }
  pair[0] = fds[0];
  pair[1] = fds[1];
  return 0;
}
