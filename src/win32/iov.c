/* SPDX-License-Identifier: MIT */
/* Scatter/gather with WSASend/WSARecv, and peek. src/common/iov_api.c has
 * checked the arguments: at most XSOCK_IOV_MAX buffers, no NULL base, a
 * total of at most PTRDIFF_MAX.
 *
 * Notes on Windows:
 *  - WSABUF is { ULONG len; char *buf; }: another order than
 *    xsock_iovec_t and, on 64-bit Windows, a 32-bit length. So the
 *    buffers are converted into a WSABUF array on the stack (XSOCK_IOV_MAX
 *    of them: about 1 KiB), with no allocation.
 *  - The total is clamped to INT_MAX, as io.c clamps one length: the
 *    buffers past it are left out and the last one kept is shortened, so
 *    no WSABUF length overflows and the caller sees a partial count, which
 *    every caller of a stream call handles.
 *  - A receive after shutdown(SD_RECEIVE) gives 0, and a datagram's
 *    WSAECONNRESET gives XSOCK_ECONNREFUSED, as in io.c. A datagram longer
 *    than the buffers gives WSAEMSGSIZE (XSOCK_EMSGSIZE), as recvfrom. */
#include "os.h"

#include <limits.h>

/* Fills w from iov, clamped to INT_MAX bytes in all; returns the count of
 * WSABUFs, at least 1 (an empty one stands for iovcnt 0, so that Winsock
 * is never handed an empty array). */
static DWORD iov__convert(WSABUF *w, const xsock_iovec_t *iov, int iovcnt) {
  size_t room = (size_t)INT_MAX;
  DWORD n = 0;
  int i;
  for (i = 0; i < iovcnt && room > 0; i++) {
    size_t take = iov[i].len < room ? iov[i].len : room;
    w[n].buf = (char *)iov[i].base;
    w[n].len = (ULONG)take;
    room -= take;
    n++;
  }
  if (n == 0) {
    w[0].buf = NULL;
    w[0].len = 0;
    n = 1;
  }
  return n;
}

xsock_ssize_t xsock__os_sendv(xsock_t s, const xsock_iovec_t *iov, int iovcnt) {
  WSABUF w[XSOCK_IOV_MAX];
  DWORD count = iov__convert(w, iov, iovcnt), sent = 0;
  int rc;
  do
    rc = XSOCK__OS(WSASend)((SOCKET)s, w, count, &sent, 0, NULL, NULL);
  while (rc == SOCKET_ERROR && xsock__win_interrupted());
  if (rc == SOCKET_ERROR)
    return xsock__wsa_fail();
  return (xsock_ssize_t)sent;
}

xsock_ssize_t xsock__os_recvv(xsock_t s, const xsock_iovec_t *iov, int iovcnt) {
  WSABUF w[XSOCK_IOV_MAX];
  DWORD count = iov__convert(w, iov, iovcnt), got = 0, flags = 0;
  int rc;
  do {
    flags = 0; /* in and out: WSARecv reports the message's flags in it */
    rc = XSOCK__OS(WSARecv)((SOCKET)s, w, count, &got, &flags, NULL, NULL);
  } while (rc == SOCKET_ERROR && xsock__win_interrupted());
  if (rc == SOCKET_ERROR) {
    int err = WSAGetLastError();
    if (err == WSAESHUTDOWN)
      return 0;
    return xsock__win_recv_fail((SOCKET)s, err);
  }
  return (xsock_ssize_t)got;
}

xsock_ssize_t xsock__os_peek(xsock_t s, void *buf, size_t len) {
  return xsock__win_recv((SOCKET)s, buf, len, MSG_PEEK);
}
