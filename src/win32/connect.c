/* SPDX-License-Identifier: MIT */
/* Connecting, blocking and non-blocking, and the facts behind the
 * outcome on Winsock. src/common/connect_api.c has checked the arguments, and
 * decides from those facts what xsock_connect_result() reports.
 *
 * Notes on Windows:
 *  - A non-blocking connect says WSAEWOULDBLOCK where POSIX says
 *    EINPROGRESS. Its outcome is read with select(): a failed connect is
 *    reported in exceptfds (never in writefds), a finished one in
 *    writefds, and SO_ERROR then holds the reason.
 *  - A failed connect stays failed: exceptfds names the socket at every
 *    select, and SO_ERROR holds the error at every read, until the socket
 *    is closed or a later connect succeeds (so do WSAPoll's POLLERR and
 *    AFD's CONNECT_FAIL). Microsoft's getsockopt page says SO_ERROR is
 *    "retrieve and clear", but Windows keeps it for a failed non-blocking
 *    connect: Wine's conformance tests (dlls/ws2_32/tests/sock.c,
 *    test_select) read it twice and expect the error both times, on
 *    Windows as under Wine. POSIX clears it on the first read. */
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
    return XSOCK__CONN_UP;
  len = (int)sizeof ss;
  if (getsockname(s, (struct sockaddr *)&ss, &len) != 0) {
    int err = WSAGetLastError();
    if (err == WSAEINVAL)
      return XSOCK__CONN_NONE;
    return xsock__os_fail(err);
  }
  if (xsock__addr_from_os(&name, (const struct sockaddr *)&ss, len) == 0 &&
      name.port == 0)
    return XSOCK__CONN_NONE;
  return XSOCK__CONN_PENDING;
}

/* Whether s has a peer: 1, 0 (WSAENOTCONN), or a recorded failure. */
static int connect__has_peer(SOCKET s) {
  struct sockaddr_storage ss;
  int len = (int)sizeof ss;
  if (getpeername(s, (struct sockaddr *)&ss, &len) == 0)
    return 1;
  if (WSAGetLastError() == WSAENOTCONN)
    return 0;
  return xsock__wsa_fail();
}

int xsock__os_connect_state(xsock_t s, int *os_error) {
  fd_set wfds, efds;
  struct timeval tv = {0, 0};
  int n, len = (int)sizeof *os_error;
  *os_error = 0;
  FD_ZERO(&wfds);
  FD_ZERO(&efds);
  FD_SET((SOCKET)s, &wfds);
  FD_SET((SOCKET)s, &efds);
  /* The first argument of select is ignored by Winsock. */
  n = XSOCK__OS(select)(0, NULL, &wfds, &efds, &tv);
  if (n == SOCKET_ERROR)
    return xsock__wsa_fail();
  if (FD_ISSET((SOCKET)s, &efds)) {
    /* exceptfds names a failed connect, or out-of-band data on a
     * connected socket (xsock never asks for it), which has a peer. */
    if ((n = connect__has_peer((SOCKET)s)) != 0)
      return n < 0 ? n : XSOCK__CONN_UP;
    if (getsockopt((SOCKET)s, SOL_SOCKET, SO_ERROR, (char *)os_error, &len) !=
        0) {
      *os_error = 0;
      return xsock__wsa_fail();
    }
    /* A connect that failed at once (a blocking one) leaves SO_ERROR 0
     * on Windows, exceptfds set: its caller has had the error. */
    return *os_error != 0 ? XSOCK__CONN_FAILED : XSOCK__CONN_NONE;
  }
  if (FD_ISSET((SOCKET)s, &wfds))
    return XSOCK__CONN_UP;
  return connect__pending_or_idle((SOCKET)s);
}
