/* SPDX-License-Identifier: MIT */
/* Creating, binding, listening, accepting, shutting down and closing POSIX
 * sockets.
 *
 * Notes on the OS quirks handled here:
 *  - Close-on-exec must be set at creation to be race-free against a fork
 *    and exec in another thread: SOCK_CLOEXEC for socket(), accept4() for
 *    accept. macOS has neither, so there fcntl() follows at once.
 *  - On macOS and the BSDs plain accept() gives the new socket the
 *    listener's O_NONBLOCK; on Linux it never does. The fallback therefore
 *    sets the state the caller asked for explicitly, both ways.
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

#if defined(__linux__) || defined(__FreeBSD__) || defined(__NetBSD__) ||       \
    defined(__OpenBSD__) || defined(__DragonFly__)
#define SOCKET__HAVE_ACCEPT4 1
#endif

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

/* Closes a descriptor that failed its set-up without disturbing the error
 * already recorded for the caller. */
static void socket__discard(int fd) {
  int saved = errno;
  (void)close(fd);
  errno = saved;
}

int xsock_socket(xsock_t *out, int family, int type, int flags) {
  int af, st, fd, rc;
  if (out == NULL)
    return xsock__fail(XSOCK_EINVAL, 0);
  *out = XSOCK_INVALID;
  switch (family) {
  case XSOCK_AF_INET:
    af = AF_INET;
    break;
  case XSOCK_AF_INET6:
    af = AF_INET6;
    break;
  case XSOCK_AF_UNIX:
    af = AF_UNIX;
    break;
  default:
    return xsock__fail(XSOCK_EINVAL, 0);
  }
  st = xsock__posix_socktype(type, flags & XSOCK_NONBLOCK);
  if (st < 0 || (flags & ~XSOCK_NONBLOCK) != 0)
    return xsock__fail(XSOCK_EINVAL, 0);
  fd = socket(af, st, 0);
  if (fd == -1)
    return xsock__errno_fail();
  rc = xsock__posix_setup_fd(fd, XSOCK__SOCK_FLAGS_ATOMIC, flags & XSOCK_NONBLOCK);
  if (rc == 0 && af == AF_INET6) {
    int one = 1;
    if (setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one) != 0)
      rc = xsock__errno_fail();
  }
  if (rc < 0) {
    socket__discard(fd);
    return rc;
  }
  *out = fd;
  return 0;
}

int xsock_bind(xsock_t s, const xsock_addr_t *addr) {
  struct sockaddr_storage ss;
  socklen_t len;
  int rc;
  if (addr == NULL)
    return xsock__fail(XSOCK_EINVAL, 0);
  if (s < 0)
    return xsock__fail(XSOCK_EBADF, 0);
  rc = xsock__addr_to_os(addr, &ss, &len);
  if (rc < 0)
    return rc;
  if (bind(s, (struct sockaddr *)&ss, len) != 0)
    return xsock__errno_fail();
  return 0;
}

int xsock_listen(xsock_t s, int backlog) {
  if (s < 0)
    return xsock__fail(XSOCK_EBADF, 0);
  /* Every POSIX kernel clamps the backlog to its own limit (somaxconn);
   * SOMAXCONN is the portable way to ask for that limit. */
  if (backlog <= 0)
    backlog = SOMAXCONN;
  if (listen(s, backlog) != 0)
    return xsock__errno_fail();
  return 0;
}

int xsock_accept(xsock_t listener, xsock_t *out, xsock_addr_t *peer,
                 int flags) {
  struct sockaddr_storage ss;
  socklen_t len;
  int fd, rc, atomic = 0;
  if (out == NULL)
    return xsock__fail(XSOCK_EINVAL, 0);
  *out = XSOCK_INVALID;
  if ((flags & ~XSOCK_NONBLOCK) != 0)
    return xsock__fail(XSOCK_EINVAL, 0);
  if (listener < 0)
    return xsock__fail(XSOCK_EBADF, 0);
  do {
    len = (socklen_t)sizeof ss;
#ifdef SOCKET__HAVE_ACCEPT4
    fd = accept4(listener, (struct sockaddr *)&ss, &len,
                 SOCK_CLOEXEC | ((flags & XSOCK_NONBLOCK) ? SOCK_NONBLOCK : 0));
    atomic = 1;
#else
    fd = accept(listener, (struct sockaddr *)&ss, &len);
#endif
  } while (fd == -1 && errno == EINTR);
  if (fd == -1)
    return xsock__errno_fail();
  rc = xsock__posix_setup_fd(fd, atomic, flags & XSOCK_NONBLOCK);
  if (rc == 0 && peer != NULL) {
    /* An unnamed AF_UNIX peer comes back with a zero length on some
     * systems: that is an empty address, not an error. */
    if (len == 0)
      memset(peer, 0, sizeof *peer);
    else
      rc = xsock__addr_from_os(peer, (struct sockaddr *)&ss, len);
  }
  if (rc < 0) {
    socket__discard(fd);
    return rc;
  }
  *out = fd;
  return 0;
}

int xsock_shutdown(xsock_t s, int how) {
  int h;
  if (s < 0)
    return xsock__fail(XSOCK_EBADF, 0);
  switch (how) {
  case XSOCK_SHUT_RD:
    h = SHUT_RD;
    break;
  case XSOCK_SHUT_WR:
    h = SHUT_WR;
    break;
  case XSOCK_SHUT_RDWR:
    h = SHUT_RDWR;
    break;
  default:
    return xsock__fail(XSOCK_EINVAL, 0);
  }
  if (shutdown(s, h) != 0)
    return xsock__errno_fail();
  return 0;
}

int xsock_close(xsock_t s) {
  if (s < 0)
    return xsock__fail(XSOCK_EBADF, 0);
  if (close(s) != 0) {
    /* EINTR (and POSIX 2024's EINPROGRESS) still release the descriptor;
     * reporting them would only invite an unsafe retry. */
    if (errno == EINTR || errno == EINPROGRESS)
      return 0;
    return xsock__errno_fail();
  }
  return 0;
}

int xsock_set_nonblocking(xsock_t s, int on) {
  int fl;
  if (s < 0)
    return xsock__fail(XSOCK_EBADF, 0);
  fl = fcntl(s, F_GETFL);
  if (fl == -1)
    return xsock__errno_fail();
  fl = on ? (fl | O_NONBLOCK) : (fl & ~O_NONBLOCK);
  if (fcntl(s, F_SETFL, fl) == -1)
    return xsock__errno_fail();
  return 0;
}
