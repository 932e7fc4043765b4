/* SPDX-License-Identifier: MIT */
/* A connected pair of AF_UNIX sockets (src/common/socket_api.c has checked
 * the type).
 *
 * Notes: socketpair() takes SOCK_CLOEXEC on Linux and the BSDs; macOS gets
 * close-on-exec from fcntl right after, and SO_NOSIGPIPE on both ends (see
 * xsock__posix_setup_fd in socket.c). */
#include "os.h"

int xsock__os_socketpair(int type, xsock_t pair[2]) {
  int fds[2], rc;
  if (XSOCK__OS(socketpair)(AF_UNIX, xsock__posix_socktype(type, 0), 0, fds) !=
      0)
    return xsock__errno_fail();
  rc = xsock__posix_setup_fd(fds[0], XSOCK__SOCK_FLAGS_ATOMIC, 0);
  if (rc == 0)
    rc = xsock__posix_setup_fd(fds[1], XSOCK__SOCK_FLAGS_ATOMIC, 0);
  if (rc < 0) {
    xsock__posix_discard(fds[0]);
    xsock__posix_discard(fds[1]);
    return rc;
  }
  pair[0] = fds[0];
  pair[1] = fds[1];
  return 0;
}
