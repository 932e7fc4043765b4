/* SPDX-License-Identifier: MIT */
/* Sending and receiving on Winsock. src/common/io_api.c has checked the
 * arguments (a length is at most PTRDIFF_MAX) and zeroed *from.
 *
 * Notes on Windows:
 *  - Lengths are int: a request above INT_MAX (and at most PTRDIFF_MAX) is
 *    clamped, which a stream call may do anyway (it returns how much it
 *    moved).
 *  - Windows never raises SIGPIPE; a send to a gone peer fails with
 *    WSAECONNRESET/WSAECONNABORTED (mapped to XSOCK_ECONNRESET) and a send
 *    after shutdown(SD_SEND) with WSAESHUTDOWN (XSOCK_EPIPE).
 *  - recv after shutdown(SD_RECEIVE) fails with WSAESHUTDOWN where POSIX
 *    returns 0 (end of stream); xsock returns 0 as POSIX does.
 *  - A connected UDP socket (connect.c) reports a previous send's ICMP
 *    "port unreachable" as WSAECONNRESET on the next recv; POSIX says
 *    ECONNREFUSED, and so does xsock.
 *  - recvfrom with a buffer shorter than the datagram fails with
 *    WSAEMSGSIZE (the buffer holds the first bytes, the rest is lost);
 *    xsock reports XSOCK_EMSGSIZE, as its header documents. */
#include "os.h"

#include <limits.h>
#include <string.h>

static int io__clamp(size_t len) { return len > (size_t)INT_MAX ? INT_MAX : (int)len; }

/* A failed receive's code; see the notes for a datagram's WSAECONNRESET.
 * iov.c shares it. */
int xsock__win_recv_fail(SOCKET s, int err) {
  int type = 0, len = (int)sizeof type;
  if (err == WSAECONNRESET &&
      getsockopt(s, SOL_SOCKET, SO_TYPE, (char *)&type, &len) == 0 &&
      type == SOCK_DGRAM)
    return xsock__fail(XSOCK_ECONNREFUSED, err);
  return xsock__os_fail(err);
}

xsock_ssize_t xsock__os_send(xsock_t s, const void *buf, size_t len) {
  int n;
  do
    n = XSOCK__OS(send)((SOCKET)s, (const char *)buf, io__clamp(len), 0);
  while (n == SOCKET_ERROR && xsock__win_interrupted());
  if (n == SOCKET_ERROR)
    return xsock__wsa_fail();
  return n;
}

xsock_ssize_t xsock__win_recv(SOCKET s, void *buf, size_t len, int flags) {
  int n;
  do
    n = XSOCK__OS(recv)(s, (char *)buf, io__clamp(len), flags);
  while (n == SOCKET_ERROR && xsock__win_interrupted());
  if (n == SOCKET_ERROR) {
    int err = WSAGetLastError();
    if (err == WSAESHUTDOWN)
      return 0;
    return xsock__win_recv_fail(s, err);
  }
  return n;
}

xsock_ssize_t xsock__os_recv(xsock_t s, void *buf, size_t len) {
  return xsock__win_recv((SOCKET)s, buf, len, 0);
}

xsock_ssize_t xsock__os_sendto(xsock_t s, const void *buf, size_t len, const xsock_addr_t *to) {
  struct sockaddr_storage ss;
  int sslen = 0, n, rc;
  rc = xsock__addr_to_os(to, &ss, &sslen);
  if (rc < 0)
    return rc;
  do
    n = XSOCK__OS(sendto)((SOCKET)s, (const char *)buf, io__clamp(len), 0,
                          (const struct sockaddr *)&ss, sslen);
  while (n == SOCKET_ERROR && xsock__win_interrupted());
  if (n == SOCKET_ERROR)
    return xsock__win_sock_fail((SOCKET)s, WSAGetLastError());
  return n;
}

xsock_ssize_t xsock__os_recvfrom(xsock_t s, void *buf, size_t len, xsock_addr_t *from) {
  struct sockaddr_storage ss;
  int sslen = (int)sizeof ss;
  int n;
  /* Winsock ignores from and fromlen on a connection-oriented socket
   * (Microsoft's "recvfrom function" page): it writes neither, so ss would
   * be read back uninitialised. Starting from AF_UNSPEC makes an unwritten
   * address read as "none", which is what POSIX reports for a stream. */
  ss.ss_family = AF_UNSPEC;
  do
    n = XSOCK__OS(recvfrom)((SOCKET)s, (char *)buf, io__clamp(len), 0,
                            (struct sockaddr *)&ss, &sslen);
  while (n == SOCKET_ERROR && xsock__win_interrupted());
  if (n == SOCKET_ERROR) {
    int err = WSAGetLastError();
    if (err == WSAESHUTDOWN)
      return 0;
    return xsock__win_recv_fail((SOCKET)s, err);
  }
  /* The datagram is consumed already, so an address xsock cannot express
   * (or none, on a stream) leaves *from empty rather than losing the data. */
  if (from != NULL && ss.ss_family != AF_UNSPEC && sslen > 0 &&
      xsock__addr_from_os(from, (const struct sockaddr *)&ss, sslen) < 0)
    memset(from, 0, sizeof *from);
  return n;
}
