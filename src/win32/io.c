/* SPDX-License-Identifier: MIT */
/* Sending, receiving and peeking on Winsock: one OS call each, reported as it
 * came (internal.h). Every rule that makes the result the same on every
 * OS is the front end's, written once in src/common/io_api.c: the clamp
 * to INT_MAX (XSOCK__OS_IO_MAX), the call of 0 bytes, the retry of
 * WSAEINTR, and what a failure means, such as WSAESHUTDOWN from a receive
 * (0, end of stream, as on POSIX) or WSAECONNRESET from a datagram
 * receive (XSOCK_ECONNREFUSED, as on POSIX).
 *
 * Notes on Windows:
 *  - Lengths are int: the front end never passes more than INT_MAX.
 *  - Windows never raises SIGPIPE; a send to a gone peer fails with
 *    WSAECONNRESET/WSAECONNABORTED (mapped to XSOCK_ECONNRESET) and a send
 *    after shutdown(SD_SEND) with WSAESHUTDOWN (XSOCK_EPIPE).
 *  - A blocking call whose SO_RCVTIMEO / SO_SNDTIMEO runs out fails with
 *    WSAETIMEDOUT (XSOCK_ETIMEDOUT), and only a non-blocking socket says
 *    WSAEWOULDBLOCK: unlike POSIX, the code tells them apart, so
 *    xsock__os_eagain_timed_out has nothing to ask (nor could it: Winsock
 *    has no call that reads a socket's blocking mode).
 *  - recvfrom with a buffer shorter than the datagram fails with
 *    WSAEMSGSIZE (the buffer holds the first bytes, the rest is lost);
 *    xsock reports XSOCK_EMSGSIZE, as its header documents. */
#include "os.h"

#include <string.h>

int xsock__os_eagain_timed_out(xsock_t s, int receiving) {
  (void)s;
  (void)receiving;
  return 0;
}

xsock_ssize_t xsock__os_send(xsock_t s, const void *buf, size_t len, int *err) {
  int n = XSOCK__OS(send)((SOCKET)s, (const char *)buf, (int)len, 0);
  return n == SOCKET_ERROR ? xsock__wsa_io(err) : n;
}

xsock_ssize_t xsock__win_recv(SOCKET s, void *buf, size_t len, int flags,
                              int *err) {
  int n = XSOCK__OS(recv)(s, (char *)buf, (int)len, flags);
  return n == SOCKET_ERROR ? xsock__wsa_io(err) : n;
}

xsock_ssize_t xsock__os_recv(xsock_t s, void *buf, size_t len, int *err) {
  return xsock__win_recv((SOCKET)s, buf, len, 0, err);
}

xsock_ssize_t xsock__os_peek(xsock_t s, void *buf, size_t len, int *err) {
  return xsock__win_recv((SOCKET)s, buf, len, MSG_PEEK, err);
}

xsock_ssize_t xsock__os_sendto(xsock_t s, const void *buf, size_t len,
                               const xsock_addr_t *to, int *err) {
  struct sockaddr_storage ss;
  int sslen = 0, n, rc;
  rc = xsock__addr_to_os(to, &ss, &sslen);
  if (rc < 0) {
    *err = 0;
    return rc;
  }
  n = XSOCK__OS(sendto)((SOCKET)s, (const char *)buf, (int)len, 0,
                        (const struct sockaddr *)&ss, sslen);
  if (n != SOCKET_ERROR)
    return n;
  /* A closed handle is reported as one, whatever Winsock checked first
   * (os.h). */
  *err = xsock__win_sock_error((SOCKET)s, WSAGetLastError());
  return xsock__map_os_error(*err);
}

xsock_ssize_t xsock__os_recvfrom(xsock_t s, void *buf, size_t len,
                                 xsock_addr_t *from, int *err) {
  struct sockaddr_storage ss;
  int sslen = (int)sizeof ss;
  int n;
  /* Winsock ignores from and fromlen on a connection-oriented socket
   * (Microsoft's "recvfrom function" page): it writes neither, so ss would
   * be read back uninitialised. Starting from AF_UNSPEC makes an unwritten
   * address read as "none", which is what POSIX reports for a stream. */
  ss.ss_family = AF_UNSPEC;
  n = XSOCK__OS(recvfrom)((SOCKET)s, (char *)buf, (int)len, 0,
                          (struct sockaddr *)&ss, &sslen);
  if (n == SOCKET_ERROR)
    return xsock__wsa_io(err);
  /* The datagram is consumed already, so an address xsock cannot express
   * (or none, on a stream) leaves *from empty rather than losing the data. */
  if (from != NULL && ss.ss_family != AF_UNSPEC && sslen > 0 &&
      xsock__addr_from_os(from, (const struct sockaddr *)&ss, sslen) < 0)
    memset(from, 0, sizeof *from);
  return n;
}
