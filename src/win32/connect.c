/* SPDX-License-Identifier: MIT */
/* Connecting, blocking and non-blocking, and reading the outcome on
 * Winsock. src/common/io_api.c has checked the arguments.
 *
 * Notes on Windows:
 *  - A non-blocking connect says WSAEWOULDBLOCK where POSIX says
 *    EINPROGRESS. Its outcome is read with select(): a failed connect is
 *    reported in exceptfds (never in writefds), a finished one in
 *    writefds, and SO_ERROR then holds the reason. */
#include "os.h"

#include <mswsock.h>

#ifndef SIO_UDP_CONNRESET
#define SIO_UDP_CONNRESET _WSAIOW(IOC_VENDOR, 12)
#endif

/* A connected UDP socket learns of a previous send's ICMP "port
 * unreachable" through its next recv, as on POSIX (docs/semantics.md).
 * Creation turns that report off (socket.c), so that one dead client
 * cannot disturb an unconnected server; a connect turns it back on. */
static int connect__udp_reports(SOCKET s) {
  BOOL on = TRUE;
  DWORD bytes = 0;
  int type = 0, len = (int)sizeof type;
  if (getsockopt(s, SOL_SOCKET, SO_TYPE, (char *)&type, &len) != 0 ||
      type != SOCK_DGRAM)
    return 0;
  if (WSAIoctl(s, SIO_UDP_CONNRESET, &on, sizeof on, NULL, 0, &bytes, NULL,
               NULL) != 0)
    return xsock__wsa_fail();
  return 0;
}

int xsock__os_connect(xsock_t s, const xsock_addr_t *addr) {
  struct sockaddr_storage ss;
  int len = 0, rc, err;
  rc = xsock__addr_to_os(addr, &ss, &len);
  if (rc < 0)
    return rc;
  if (XSOCK__OS(connect)((SOCKET)s, (const struct sockaddr *)&ss, len) == 0)
    return connect__udp_reports((SOCKET)s);
  err = WSAGetLastError();
  if (err == WSAEWOULDBLOCK)
    return xsock__fail(XSOCK_EINPROGRESS, err);
  return xsock__win_sock_fail((SOCKET)s, err);
}

/* Neither writable nor failed: a connected socket whose send buffer is
 * full, a connect in progress, or no connect at all. A peer means
 * connected (a pending connect has none: WSAENOTCONN). POSIX tells the
 * other two apart (an idle socket polls writable and then has no peer:
 * ENOTCONN); select() on Windows shows both as nothing. A connect binds
 * the socket to a local port at once, so a socket without a local port
 * has never started one. (Windows and Wine fail getsockname on an
 * unbound socket with WSAEINVAL.) */
static int connect__pending_or_idle(SOCKET s) {
  struct sockaddr_storage ss;
  int len = (int)sizeof ss;
  xsock_addr_t name;
  if (getpeername(s, (struct sockaddr *)&ss, &len) == 0)
    return 0;
  len = (int)sizeof ss;
  if (getsockname(s, (struct sockaddr *)&ss, &len) != 0) {
    int err = WSAGetLastError();
    if (err == WSAEINVAL)
      return xsock__fail(XSOCK_ENOTCONN, 0);
    return xsock__os_fail(err);
  }
  if (xsock__addr_from_os(&name, (const struct sockaddr *)&ss, len) == 0 && name.port == 0)
    return xsock__fail(XSOCK_ENOTCONN, 0);
  return xsock__fail(XSOCK_EINPROGRESS, 0);
}

/* 0 if s has a peer, else XSOCK_ENOTCONN (or the error getpeername
 * gave). */
static int connect__peer_or_enotconn(SOCKET s) {
  struct sockaddr_storage ss;
  int len = (int)sizeof ss;
  if (getpeername(s, (struct sockaddr *)&ss, &len) == 0)
    return 0;
  return xsock__wsa_fail();
}

int xsock__os_connect_result(xsock_t s) {
  fd_set wfds, efds;
  struct timeval tv = {0, 0};
  int n;
  FD_ZERO(&wfds);
  FD_ZERO(&efds);
  FD_SET((SOCKET)s, &wfds);
  FD_SET((SOCKET)s, &efds);
  /* The first argument of select is ignored by Winsock. */
  n = XSOCK__OS(select)(0, NULL, &wfds, &efds, &tv);
  if (n == SOCKET_ERROR)
    return xsock__wsa_fail();
  if (FD_ISSET((SOCKET)s, &efds)) {
    int err = 0;
    int len = (int)sizeof err;
    if (getsockopt((SOCKET)s, SOL_SOCKET, SO_ERROR, (char *)&err, &len) != 0)
      return xsock__wsa_fail();
    if (err != 0)
      return xsock__os_fail(err);
    /* exceptfds without a pending error: out-of-band data on a connected
     * socket (xsock never asks for it), or a failed connect whose error
     * an earlier SO_ERROR read already reset (Microsoft's WSAGetLastError
     * page: a getsockopt of SO_ERROR "resets" the code). Only a socket
     * with a peer is connected; the other is the "repeated call" case of
     * the header, XSOCK_ENOTCONN. */
    return connect__peer_or_enotconn((SOCKET)s);
  }
  if (FD_ISSET((SOCKET)s, &wfds))
    return 0;
  return connect__pending_or_idle((SOCKET)s);
}
