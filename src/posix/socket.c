/* SPDX-License-Identifier: MIT */
/* Creating, shutting down and closing POSIX sockets, and their blocking
 * mode (bind, listen and accept are in listen.c). src/common/socket_api.c has
 * checked the arguments.
 *
 * Notes on the OS quirks handled here:
 *  - Close-on-exec must be set at creation to be race-free against a fork
 *    and exec in another thread: SOCK_CLOEXEC for socket(), accept4() for
 *    accept. macOS has neither, so there fcntl() follows at once.
 *  - On macOS and the BSDs plain accept() gives the new socket the
 *    listener's O_NONBLOCK; on Linux it never does. The fallback therefore
 *    sets the state the caller asked for explicitly, both ways (listen.c).
 *  - MSG_NOSIGNAL (Linux, FreeBSD, OpenBSD) stops SIGPIPE per send; macOS
 *    only has the socket option SO_NOSIGPIPE, set at creation and accept.
 *  - IPV6_V6ONLY defaults differ (Linux: a sysctl, usually 0; the BSDs: 1;
 *    Windows: 1), so it is always set explicitly.
 *  - close() must never be retried after EINTR: Linux (and most systems)
 *    have released the descriptor already, and a retry could close a
 *    descriptor another thread just received. */
#include "os.h"

#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <string.h>
#include <unistd.h>

int xsock__posix_setup_fd(int fd, int atomic, int nonblock) {
  if (!atomic) {
    int fl = fcntl(fd, F_GETFD);
    if (fl == -1 || fcntl(fd, F_SETFD, fl | FD_CLOEXEC) == -1)
      return xsock__errno_fail();
    fl = fcntl(fd, F_GETFL);
    if (fl == -1)
      return xsock__errno_fail();
    fl = nonblock ? (fl | O_NONBLOCK) : (fl & ~O_NONBLOCK);
    if (fcntl(fd, F_SETFL, fl) == -1)
      return xsock__errno_fail();
  }
#ifdef SO_NOSIGPIPE
  {
    int one = 1;
    if (setsockopt(fd, SOL_SOCKET, SO_NOSIGPIPE, &one, sizeof one) != 0)
      return xsock__errno_fail();
  }
#endif
  return 0;
}

void xsock__posix_discard(int fd) {
  int saved = errno;
  (void)close(fd);
  errno = saved;
}

int xsock__os_socket(xsock_t *out, int family, int type, int nonblock) {
  int af, fd, rc;
  af = family == XSOCK_AF_INET    ? AF_INET
       : family == XSOCK_AF_INET6 ? AF_INET6
                                  : AF_UNIX;
  fd = XSOCK__OS(socket)(af, xsock__posix_socktype(type, nonblock), 0);
  if (fd == -1)
    return xsock__errno_fail();
  rc = xsock__posix_setup_fd(fd, XSOCK__SOCK_FLAGS_ATOMIC, nonblock);
  if (rc == 0 && af == AF_INET6) {
    int one = 1;
    if (setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one) != 0)
      rc = xsock__errno_fail();
  }
  if (rc < 0) {
    xsock__posix_discard(fd);
    return rc;
  }
  *out = fd;
  return 0;
}

/* A listening socket has no connection to shut down: Windows (and the
 * BSDs) say ENOTCONN, while Linux returns 0 for SHUT_WR and stops the
 * listener for SHUT_RD. xsock gives XSOCK_ENOTCONN everywhere. */
int xsock__os_shutdown(xsock_t s, int how) {
  int listening = 0;
  socklen_t len = (socklen_t)sizeof listening;
  if (getsockopt(s, SOL_SOCKET, SO_ACCEPTCONN, &listening, &len) != 0)
    return xsock__errno_fail();
  if (listening)
    return xsock__fail(XSOCK_ENOTCONN, 0);
  if (shutdown(s, how == XSOCK_SHUT_RD   ? SHUT_RD
                  : how == XSOCK_SHUT_WR ? SHUT_WR
                                         : SHUT_RDWR) != 0)
    return xsock__errno_fail();
  return 0;
}

int xsock__os_close(xsock_t s) {
  if (close(s) != 0) {
    /* EINTR (and POSIX 2024's EINPROGRESS) still release the descriptor;
     * reporting them would only invite an unsafe retry. */
    if (errno == EINTR || errno == EINPROGRESS)
      return 0;
    return xsock__errno_fail();
  }
  return 0;
}

int xsock__os_set_nonblocking(xsock_t s, int on) {
  int fl;
  fl = fcntl(s, F_GETFL);
  if (fl == -1)
    return xsock__errno_fail();
  fl = on ? (fl | O_NONBLOCK) : (fl & ~O_NONBLOCK);
  if (fcntl(s, F_SETFL, fl) == -1)
    return xsock__errno_fail();
  return 0;
}
