/* SPDX-License-Identifier: MIT */
/* The front end of the one-buffer I/O calls, send, recv, peek, sendto
 * and recvfrom (their OS halves: io.c of src/posix and src/win32), in the
 * order of checks that socket_api.c describes: out-parameters, then the
 * other arguments (XSOCK_EINVAL), then the handle (XSOCK_EBADF), then one
 * xsock__os_<call>. sendall and recv_exact loop over these in stream.c;
 * connect is in connect_api.c.
 *
 * A length above PTRDIFF_MAX is refused with XSOCK_EINVAL: the signed
 * result could not report it, and such a length is always a caller's bug
 * (an unsigned underflow, say). Clamping it would read or write past the
 * caller's buffer.
 *
 * When bind, connect or sendto fails and the address's family is not the
 * socket's, the result is XSOCK_EAFNOSUPPORT on every OS (the OSes give
 * EAFNOSUPPORT, EINVAL, ENOTSUP or WSAEFAULT). The socket's family is
 * asked only after a failure, so a successful call costs nothing more.
 *
 * The rules of every send and receive: the calls below, the
 * scatter/gather calls and peek (iov_api.c), and so everything built on
 * them (sendall, recv_exact, the framing calls). They are written here
 * once, so that no call and no OS can miss one; the per-OS calls only
 * make the OS call and report what it said (internal.h).
 *  - A valid length above what one OS call takes (XSOCK__OS_IO_MAX:
 *    INT_MAX on Windows) is clamped to it: the call moves fewer bytes and
 *    returns that count, as a stream call may anyway.
 *  - A call of 0 bytes never waits. A receive of 0 bytes returns 0 at
 *    once and takes nothing, not even a datagram; a send of 0 bytes
 *    returns 0 at once on a stream socket, and on a datagram socket sends
 *    an empty datagram, a message of its own. The OSes disagree there: a
 *    blocking receive of 0 bytes waits for data or its timeout, then
 *    gives 0 on a Linux TCP socket, XSOCK_ETIMEDOUT or XSOCK_EAGAIN
 *    elsewhere, and takes a datagram (XSOCK_EMSGSIZE on Windows); Wine
 *    makes a blocking send of 0 bytes wait for room. So no OS call moves
 *    0 bytes, but for the empty datagram. The handle is still checked as
 *    every call checks it (XSOCK_EBADF for a closed one), by asking the
 *    socket's kind, which cannot block, on that path alone.
 *  - An OS call interrupted before it moved anything (EINTR; WSAEINTR, a
 *    blocking Winsock call cancelled) is made again, so XSOCK_EINTR never
 *    comes out. One interrupted after moving some bytes returns that
 *    count, which the looping calls resume from.
 *  - A blocking call whose timeout (XSOCK_OPT_RCVTIMEO, _SNDTIMEO) ran
 *    out gives XSOCK_ETIMEDOUT, and a non-blocking one with nothing to do
 *    XSOCK_EAGAIN. Windows says WSAETIMEDOUT and WSAEWOULDBLOCK; POSIX
 *    says EAGAIN for both, and only the socket's state tells them apart.
 *    So after an XSOCK_EAGAIN, and only then, the OS is asked whether it
 *    was the timeout (xsock__os_eagain_timed_out: on POSIX the socket's
 *    O_NONBLOCK flag, then its timeout option; nothing on Windows, which
 *    said it already). A call that succeeds never pays for it.
 *  - A receive on a socket shut down for reading returns 0, end of
 *    stream, as on POSIX (Winsock fails it with WSAESHUTDOWN:
 *    XSOCK_EPIPE).
 *  - A receive's XSOCK_ECONNRESET on a datagram socket is the ICMP "port
 *    unreachable" that an earlier send met: XSOCK_ECONNREFUSED, as POSIX
 *    says it (Winsock says WSAECONNRESET). The socket's kind is asked
 *    after that failure only.
 *  - A send or receive on a socket whose connect failed, before anything
 *    read the error, reports that error, as POSIX's calls do by
 *    themselves (xsock__send_fail, xsock__recv_end: connect_api.c). */
#include "internal.h"

#include <stdint.h>
#include <string.h>

int xsock__io_check(xsock_t s, const void *buf, size_t len) {
  if (buf == NULL || len > (size_t)PTRDIFF_MAX)
    return xsock__fail(XSOCK_EINVAL, 0);
  if (s == XSOCK_INVALID)
    return xsock__fail(XSOCK_EBADF, 0);
  return 0;
}

xsock_ssize_t xsock__io_nothing(xsock_t s, int receiving) {
  int family, type, rc = xsock__socket_kind(s, &family, &type);
  if (rc < 0)
    return rc;
  return !receiving && type == XSOCK_DGRAM ? 1 : 0;
}

/* Whether s is a datagram socket; asked after a failure only. */
static int io__datagram(xsock_t s) {
  int family, type;
  return xsock__socket_kind(s, &family, &type) == 0 && type == XSOCK_DGRAM;
}

xsock_ssize_t xsock__io_fail(xsock_t s, xsock_ssize_t code, int err,
                             int receiving) {
  if (code == XSOCK_EINTR)
    return XSOCK_EINTR;
  if (code == XSOCK_EAGAIN) {
    if (xsock__os_eagain_timed_out(s, receiving))
      code = XSOCK_ETIMEDOUT;
  } else if (receiving && code == XSOCK_EPIPE) {
    return 0;
  } else if (receiving && code == XSOCK_ECONNRESET && io__datagram(s)) {
    code = XSOCK_ECONNREFUSED;
  }
  return xsock__fail((int)code, err);
}

/* Each call below makes its OS call again for as long as xsock__io_fail
 * says so, and returns the count or what xsock__io_fail made of the
 * failure. */

xsock_ssize_t xsock_send(xsock_t s, const void *buf, size_t len) {
  xsock_ssize_t n;
  int err = 0, rc = xsock__io_check(s, buf, len);
  if (rc < 0)
    return rc;
  if (len == 0 && (n = xsock__io_nothing(s, 0)) <= 0)
    return n;
  do
    n = xsock__os_send(s, buf, xsock__io_clamp(len), &err);
  while (n < 0 && (n = xsock__io_fail(s, n, err, 0)) == XSOCK_EINTR);
  return XSOCK__UNLIKELY(n < 0) ? xsock__send_fail(s, n) : n;
}

xsock_ssize_t xsock_recv(xsock_t s, void *buf, size_t len) {
  xsock_ssize_t n;
  int err = 0, rc = xsock__io_check(s, buf, len);
  if (rc < 0)
    return rc;
  if (len == 0 && (n = xsock__io_nothing(s, 1)) <= 0)
    return n;
  do
    n = xsock__os_recv(s, buf, xsock__io_clamp(len), &err);
  while (n < 0 && (n = xsock__io_fail(s, n, err, 1)) == XSOCK_EINTR);
  return xsock__recv_end(s, n);
}

xsock_ssize_t xsock_peek(xsock_t s, void *buf, size_t len) {
  xsock_ssize_t n;
  int err = 0, rc = xsock__io_check(s, buf, len);
  if (rc < 0)
    return rc;
  if (len == 0)
    return xsock__io_nothing(s, 1); /* a call of 0 bytes (io_api.c) */
  do
    n = xsock__os_peek(s, buf, xsock__io_clamp(len), &err);
  while (n < 0 && (n = xsock__io_fail(s, n, err, 1)) == XSOCK_EINTR);
  return xsock__recv_end(s, n);
}

xsock_ssize_t xsock_sendto(xsock_t s, const void *buf, size_t len,
                           const xsock_addr_t *to) {
  xsock_ssize_t n;
  int err = 0, rc;
  /* Both arguments are XSOCK_EINVAL, so their order does not show. */
  if ((rc = xsock__sock_check_addr(to)) < 0 ||
      (rc = xsock__io_check(s, buf, len)) < 0)
    return rc;
  if (len == 0 && (n = xsock__io_nothing(s, 0)) <= 0)
    return n;
  do
    n = xsock__os_sendto(s, buf, xsock__io_clamp(len), to, &err);
  while (n < 0 && (n = xsock__io_fail(s, n, err, 0)) == XSOCK_EINTR);
  return n < 0 ? xsock__sock_addr_fail(s, to, (int)n) : n;
}

xsock_ssize_t xsock_recvfrom(xsock_t s, void *buf, size_t len,
                             xsock_addr_t *from) {
  xsock_ssize_t n;
  int err = 0, rc;
  if (from != NULL)
    memset(from, 0, sizeof *from);
  if ((rc = xsock__io_check(s, buf, len)) < 0)
    return rc;
  if (len == 0 && (n = xsock__io_nothing(s, 1)) <= 0)
    return n;
  do
    n = xsock__os_recvfrom(s, buf, xsock__io_clamp(len), from, &err);
  while (n < 0 && (n = xsock__io_fail(s, n, err, 1)) == XSOCK_EINTR);
  n = xsock__recv_end(s, n);
  if (n < 0 && from != NULL)
    memset(from, 0, sizeof *from);
  return n;
}
