/* SPDX-License-Identifier: MIT */
/* Sending and receiving, stream and datagram. src/common/io_api.c has
 * checked the arguments (a length is at most PTRDIFF_MAX); the looping
 * sendall and recv_exact are written once, in src/common/stream.c.
 *
 * Notes on the OS quirks handled here:
 *  - SIGPIPE: MSG_NOSIGNAL where it exists (Linux, the BSDs); on macOS the
 *    socket carries SO_NOSIGPIPE from its creation (see socket.c).
 *  - A length above SSIZE_MAX (where it is below PTRDIFF_MAX) cannot be
 *    reported back by send()/recv(), so it is clamped: the caller sees a
 *    partial count, which every caller of a stream call must handle.
 *  - EINTR is retried; a call interrupted after moving some bytes returns
 *    the partial count instead, which the looping calls resume from.
 *  - A blocking call whose SO_RCVTIMEO / SO_SNDTIMEO runs out fails with
 *    EAGAIN (EWOULDBLOCK), the code of a non-blocking socket with nothing
 *    to do; Windows says WSAETIMEDOUT. xsock says XSOCK_ETIMEDOUT on every
 *    OS, so an EAGAIN is turned into it when, and only when, the socket
 *    is blocking and that timeout is set. The check costs two system
 *    calls on the EAGAIN path alone. */
#include "os.h"

#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <sys/time.h>

#ifdef MSG_NOSIGNAL
#define IO__SEND_FLAGS MSG_NOSIGNAL
#else
#define IO__SEND_FLAGS 0
#endif

static size_t io__clamp(size_t len) {
  return len > (size_t)SSIZE_MAX ? (size_t)SSIZE_MAX : len;
}

/* Whether s is blocking and has the timeout option (SO_RCVTIMEO or
 * SO_SNDTIMEO) set: then its EAGAIN was that timeout. */
static int io__timeout_set(int s, int option) {
  struct timeval tv;
  socklen_t len = (socklen_t)sizeof tv;
  int fl = fcntl(s, F_GETFL);
  if (fl == -1 || (fl & O_NONBLOCK))
    return 0;
  if (getsockopt(s, SOL_SOCKET, option, &tv, &len) != 0)
    return 0;
  return tv.tv_sec != 0 || tv.tv_usec != 0;
}

/* Whether err is "would block" (EWOULDBLOCK is EAGAIN on most systems). */
static int io__again(int err) {
#if defined(EWOULDBLOCK) && EWOULDBLOCK != EAGAIN
  if (err == EWOULDBLOCK)
    return 1;
#endif
  return err == EAGAIN;
}

/* The failure of a call on s whose timeout option is option. */
static xsock_ssize_t io__fail(int s, int option) {
  int err = errno;
  if (io__again(err) && io__timeout_set(s, option))
    return xsock__fail(XSOCK_ETIMEDOUT, err);
  return xsock__os_fail(err);
}

xsock_ssize_t xsock__os_send(xsock_t s, const void *buf, size_t len) {
  ssize_t n;
  do {
    n = XSOCK__OS(send)(s, buf, io__clamp(len), IO__SEND_FLAGS);
  } while (n == -1 && errno == EINTR);
  if (n == -1)
    return io__fail(s, SO_SNDTIMEO);
  return (xsock_ssize_t)n;
}

xsock_ssize_t xsock__os_recv(xsock_t s, void *buf, size_t len) {
  ssize_t n;
  do {
    n = XSOCK__OS(recv)(s, buf, io__clamp(len), 0);
  } while (n == -1 && errno == EINTR);
  if (n == -1)
    return io__fail(s, SO_RCVTIMEO);
  return (xsock_ssize_t)n;
}

xsock_ssize_t xsock__os_sendto(xsock_t s, const void *buf, size_t len,
                           const xsock_addr_t *to) {
  struct sockaddr_storage ss;
  socklen_t sslen;
  ssize_t n;
  int rc;
  rc = xsock__addr_to_os(to, &ss, &sslen);
  if (rc < 0)
    return rc;
  do {
    n = XSOCK__OS(sendto)(s, buf, io__clamp(len), IO__SEND_FLAGS, (struct sockaddr *)&ss,
               sslen);
  } while (n == -1 && errno == EINTR);
  if (n == -1)
    return io__fail(s, SO_SNDTIMEO);
  return (xsock_ssize_t)n;
}

xsock_ssize_t xsock__os_recvfrom(xsock_t s, void *buf, size_t len,
                             xsock_addr_t *from) {
  struct sockaddr_storage ss;
  socklen_t sslen;
  ssize_t n;
  do {
    sslen = (socklen_t)sizeof ss;
    n = XSOCK__OS(recvfrom)(s, buf, io__clamp(len), 0, (struct sockaddr *)&ss, &sslen);
  } while (n == -1 && errno == EINTR);
  if (n == -1)
    return io__fail(s, SO_RCVTIMEO);
  /* The datagram is consumed already, so an address xsock cannot express
   * (or none: a connected stream, an unnamed AF_UNIX sender) leaves *from
   * empty rather than losing the data. */
  if (from != NULL && sslen != 0 &&
      xsock__addr_from_os(from, (struct sockaddr *)&ss, sslen) < 0)
    memset(from, 0, sizeof *from);
  return (xsock_ssize_t)n;
}
