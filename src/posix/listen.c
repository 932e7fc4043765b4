/* SPDX-License-Identifier: MIT */
/* Binding, listening and accepting on POSIX. src/common/listen_api.c has
 * checked the arguments.
 *
 * Notes on the OS quirks handled here:
 *  - accept4() sets close-on-exec (and O_NONBLOCK) atomically on Linux and
 *    the BSDs; macOS has only accept(), followed at once by fcntl().
 *  - On macOS and the BSDs plain accept() gives the new socket the
 *    listener's O_NONBLOCK; on Linux it never does. The fallback therefore
 *    sets the state the caller asked for explicitly, both ways.
 *  - listen() on an unbound stream socket binds it to the any-address and
 *    an ephemeral port; Windows needs xsock to do that itself (its
 *    listen.c), so the two agree. */
#include "os.h"

#include <string.h>

int xsock__os_bind(xsock_t s, const xsock_addr_t *addr) {
  struct sockaddr_storage ss;
  socklen_t len;
  int rc = xsock__addr_to_os(addr, &ss, &len);
  if (rc < 0)
    return rc;
  if (bind(s, (struct sockaddr *)&ss, len) != 0)
    return xsock__errno_fail();
  return 0;
}

int xsock__os_listen(xsock_t s, int backlog) {
  if (listen(s, backlog) != 0)
    return xsock__errno_fail();
  return 0;
}

int xsock__os_accept(xsock_t listener, xsock_t *out, xsock_addr_t *peer,
                     int nonblock) {
  struct sockaddr_storage ss;
  socklen_t len;
  int fd, rc, atomic = 0;
  len = (socklen_t)sizeof ss;
#ifdef XSOCK__HAVE_ACCEPT4
  fd = XSOCK__OS(accept4)(listener, (struct sockaddr *)&ss, &len,
                          SOCK_CLOEXEC | (nonblock ? SOCK_NONBLOCK : 0));
  atomic = 1;
#else
  fd = XSOCK__OS(accept)(listener, (struct sockaddr *)&ss, &len);
#endif
  if (fd == -1)
    return xsock__errno_fail();
  rc = xsock__posix_setup_fd(fd, atomic, nonblock);
  /* An unnamed AF_UNIX peer comes back with a zero length on some
   * systems: that is an empty address (*peer arrives zeroed), not an
   * error. */
  if (rc == 0 && peer != NULL && len != 0)
    rc = xsock__addr_from_os(peer, (struct sockaddr *)&ss, len);
  if (rc < 0) {
    xsock__posix_discard(fd);
    return rc;
  }
  *out = fd;
  return 0;
}
