/* SPDX-License-Identifier: MIT */
/* Scatter/gather with WSASend/WSARecv: one OS call each,
 * reported as it came (internal.h). src/common/iov_api.c has checked the
 * arguments (at most XSOCK_IOV_MAX buffers, no NULL base) and clamped the
 * total to INT_MAX (XSOCK__OS_IO_MAX); every rule on the result is the
 * front end's (src/common/io_api.c).
 *
 * Notes on Windows:
 *  - WSABUF is { ULONG len; char *buf; }: another order than
 *    xsock_iovec_t and, on 64-bit Windows, a 32-bit length. So the
 *    buffers are converted into a WSABUF array on the stack (XSOCK_IOV_MAX
 *    of them: about 1 KiB), with no allocation. Every length fits a ULONG,
 *    since the total is at most INT_MAX.
 *  - A datagram longer than the buffers gives WSAEMSGSIZE
 *    (XSOCK_EMSGSIZE), as recvfrom. */
#include "os.h"

/* Fills w from iov; returns the count of WSABUFs, at least 1 (an empty one
 * stands for iovcnt 0, so that Winsock is never handed an empty array). */
static DWORD iov__convert(WSABUF *w, const xsock_iovec_t *iov, int iovcnt) {
  DWORD n = 0;
  int i;
  for (i = 0; i < iovcnt; i++) {
    w[n].buf = (char *)iov[i].base;
    w[n].len = (ULONG)iov[i].len;
    n++;
  }
  if (n == 0) {
    w[0].buf = NULL;
    w[0].len = 0;
    n = 1;
  }
  return n;
}

xsock_ssize_t xsock__os_sendv(xsock_t s, const xsock_iovec_t *iov, int iovcnt,
                              int *err) {
  WSABUF w[XSOCK_IOV_MAX];
  DWORD count = iov__convert(w, iov, iovcnt), sent = 0;
  if (XSOCK__OS(WSASend)((SOCKET)s, w, count, &sent, 0, NULL, NULL) ==
      SOCKET_ERROR)
    return xsock__wsa_io(err);
  return (xsock_ssize_t)sent;
}

xsock_ssize_t xsock__os_recvv(xsock_t s, const xsock_iovec_t *iov, int iovcnt,
                              int *err) {
  WSABUF w[XSOCK_IOV_MAX];
  /* flags is in and out: WSARecv reports the message's flags in it. */
  DWORD count = iov__convert(w, iov, iovcnt), got = 0, flags = 0;
  if (XSOCK__OS(WSARecv)((SOCKET)s, w, count, &got, &flags, NULL, NULL) ==
      SOCKET_ERROR)
    return xsock__wsa_io(err);
  return (xsock_ssize_t)got;
}
