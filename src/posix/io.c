/* SPDX-License-Identifier: MIT */
/* Sending, receiving and peeking, stream and datagram: one OS call each,
 * reported as it came (internal.h). Every rule that makes the result the same
 * on every OS (the clamp, the call of 0 bytes, the retry of EINTR, and what a
 * failure means: a timeout that ran out above all) is the front end's, written
 * once in src/common/io_api.c; the looping sendall and recv_exact are in
 * src/common/stream.c.
 *
 * Notes on the OS quirks handled here:
 *  - SIGPIPE: MSG_NOSIGNAL where it exists (Linux, the BSDs); on macOS the
 *    socket carries SO_NOSIGPIPE from its creation (see socket.c).
 *  - A blocking call whose SO_RCVTIMEO / SO_SNDTIMEO runs out fails with
 *    EAGAIN (EWOULDBLOCK), the code of a non-blocking socket with nothing
 *    to do. Only the socket's state tells them apart:
 *    xsock__os_eagain_timed_out reads it (O_NONBLOCK, then the timeout
 *    option), for the front end, after an EAGAIN only. */
#include "os.h"

#include <fcntl.h>
#include <string.h>
#include <sys/time.h>

#ifdef MSG_NOSIGNAL
#define IO__SEND_FLAGS MSG_NOSIGNAL
#else
#define IO__SEND_FLAGS 0
#endif

int xsock__os_eagain_timed_out(xsock_t s, int receiving) {
  struct timeval tv;
  socklen_t len = (socklen_t)sizeof tv;
  int fl = fcntl(s, F_GETFL);
  if (fl == -1 || (fl & O_NONBLOCK))
    return 0; /* a non-blocking socket's EAGAIN: nothing to do now */
  if (getsockopt(s, SOL_SOCKET, receiving ? SO_RCVTIMEO : SO_SNDTIMEO, &tv,
                 &len) != 0)
    return 0;
  return tv.tv_sec != 0 || tv.tv_usec != 0;
}

xsock_ssize_t xsock__os_send(xsock_t s, const void *buf, size_t len, int *err) {
  ssize_t n = XSOCK__OS(send)(s, buf, len, IO__SEND_FLAGS);
  return n == -1 ? xsock__errno_io(err) : (xsock_ssize_t)n;
}

xsock_ssize_t xsock__os_recv(xsock_t s, void *buf, size_t len, int *err) {
  ssize_t n = XSOCK__OS(recv)(s, buf, len, 0);
  return n == -1 ? xsock__errno_io(err) : (xsock_ssize_t)n;
}

xsock_ssize_t xsock__os_peek(xsock_t s, void *buf, size_t len, int *err) {
  ssize_t n = XSOCK__OS(recv)(s, buf, len, MSG_PEEK);
  return n == -1 ? xsock__errno_io(err) : (xsock_ssize_t)n;
}

xsock_ssize_t xsock__os_sendto(xsock_t s, const void *buf, size_t len,
                               const xsock_addr_t *to, int *err) {
  struct sockaddr_storage ss;
  socklen_t sslen;
  ssize_t n;
  int rc = xsock__addr_to_os(to, &ss, &sslen);
  if (rc < 0) {
    *err = 0;
    return rc;
  }
  n = XSOCK__OS(sendto)(s, buf, len, IO__SEND_FLAGS, (struct sockaddr *)&ss,
                        sslen);
  return n == -1 ? xsock__errno_io(err) : (xsock_ssize_t)n;
}

xsock_ssize_t xsock__os_recvfrom(xsock_t s, void *buf, size_t len,
                                 xsock_addr_t *from, int *err) {
  struct sockaddr_storage ss;
  socklen_t sslen = (socklen_t)sizeof ss;
  ssize_t n =
      XSOCK__OS(recvfrom)(s, buf, len, 0, (struct sockaddr *)&ss, &sslen);
  if (n == -1)
    return xsock__errno_io(err);
  /* The datagram is consumed already, so an address xsock cannot express
   * (or none: a connected stream, an unnamed AF_UNIX sender) leaves *from
   * empty rather than losing the data. */
  if (from != NULL && sslen != 0 &&
      xsock__addr_from_os(from, (struct sockaddr *)&ss, sslen) < 0)
    memset(from, 0, sizeof *from);
  return (xsock_ssize_t)n;
}
