/* SPDX-License-Identifier: MIT */
/* Bind, listen, accept, connect and shutdown on Winsock.
 *
 * Notes on Windows:
 *  - bind fails with WSAEACCES (not WSAEADDRINUSE) when another socket
 *    holds the port with SO_EXCLUSIVEADDRUSE. Windows has no privileged
 *    ports, so in bind that code always means "address in use", and xsock
 *    reports XSOCK_EADDRINUSE as POSIX does.
 *  - An accepted socket inherits the listener's non-blocking mode, while
 *    on POSIX it starts blocking; the mode is therefore always set from
 *    the flags. Accepted handles are made non-inheritable explicitly.
 *  - A non-blocking connect says WSAEWOULDBLOCK where POSIX says
 *    EINPROGRESS. Its outcome is read with select(): a failed connect is
 *    reported in exceptfds (never in writefds), a finished one in
 *    writefds, and SO_ERROR then holds the reason. */
#include "os.h"

#include <mswsock.h>
#include <string.h>

#ifndef SIO_UDP_CONNRESET
#define SIO_UDP_CONNRESET _WSAIOW(IOC_VENDOR, 12)
#endif

int xsock_bind(xsock_t s, const xsock_addr_t *addr) {
  struct sockaddr_storage ss;
  int len, rc;
  if (addr == NULL)
    return xsock__fail(XSOCK_EINVAL, 0);
  if ((SOCKET)s == INVALID_SOCKET)
    return xsock__fail(XSOCK_EBADF, 0);
  rc = xsock__addr_to_os(addr, &ss, &len);
  if (rc < 0)
    return rc;
  if (bind((SOCKET)s, (const struct sockaddr *)&ss, len) != 0) {
    int err = WSAGetLastError();
    if (err == WSAEACCES)
      return xsock__fail(XSOCK_EADDRINUSE, err);
    return xsock__win_sock_fail((SOCKET)s, err);
  }
  return 0;
}

int xsock_listen(xsock_t s, int backlog) {
  if ((SOCKET)s == INVALID_SOCKET)
    return xsock__fail(XSOCK_EBADF, 0);
  if (listen((SOCKET)s, backlog <= 0 ? SOMAXCONN : backlog) != 0)
    return xsock__win_sock_fail((SOCKET)s, WSAGetLastError());
  return 0;
}

int xsock_accept(xsock_t listener, xsock_t *out, xsock_addr_t *peer, int flags) {
  struct sockaddr_storage ss;
  int len = (int)sizeof ss;
  int rc;
  SOCKET s;
  if (out == NULL)
    return xsock__fail(XSOCK_EINVAL, 0);
  *out = XSOCK_INVALID;
  if ((flags & ~XSOCK_NONBLOCK) != 0)
    return xsock__fail(XSOCK_EINVAL, 0);
  if ((SOCKET)listener == INVALID_SOCKET)
    return xsock__fail(XSOCK_EBADF, 0);
  s = accept((SOCKET)listener, (struct sockaddr *)&ss, &len);
  if (s == INVALID_SOCKET)
    return xsock__win_sock_fail((SOCKET)listener, WSAGetLastError());
  rc = xsock__win_no_inherit(s);
  if (rc == 0)
    rc = xsock_set_nonblocking((xsock_t)s, (flags & XSOCK_NONBLOCK) != 0);
  if (rc == 0 && peer != NULL)
    rc = xsock__addr_from_os(peer, (const struct sockaddr *)&ss, len);
  if (rc < 0) {
    int os = xsock_last_os_error();
    closesocket(s);
    if (peer != NULL)
      memset(peer, 0, sizeof *peer);
    return xsock__fail(rc, os);
  }
  *out = (xsock_t)s;
  return 0;
}

/* A connected UDP socket learns of a previous send's ICMP "port
 * unreachable" through its next recv, as on POSIX (docs/semantics.md).
 * Creation turns that report off (socket.c), so that one dead client
 * cannot disturb an unconnected server; a connect turns it back on. */
static int conn__udp_reports(SOCKET s) {
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

int xsock_connect(xsock_t s, const xsock_addr_t *addr) {
  struct sockaddr_storage ss;
  int len, rc, err;
  if (addr == NULL)
    return xsock__fail(XSOCK_EINVAL, 0);
  if ((SOCKET)s == INVALID_SOCKET)
    return xsock__fail(XSOCK_EBADF, 0);
  rc = xsock__addr_to_os(addr, &ss, &len);
  if (rc < 0)
    return rc;
  if (connect((SOCKET)s, (const struct sockaddr *)&ss, len) == 0)
    return conn__udp_reports((SOCKET)s);
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

int xsock_connect_result(xsock_t s) {
  fd_set wfds, efds;
  struct timeval tv = {0, 0};
  int n;
  if ((SOCKET)s == INVALID_SOCKET)
    return xsock__fail(XSOCK_EBADF, 0);
  FD_ZERO(&wfds);
  FD_ZERO(&efds);
  FD_SET((SOCKET)s, &wfds);
  FD_SET((SOCKET)s, &efds);
  /* The first argument of select is ignored by Winsock. */
  n = select(0, NULL, &wfds, &efds, &tv);
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

int xsock_shutdown(xsock_t s, int how) {
  int sd;
  switch (how) {
  case XSOCK_SHUT_RD:
    sd = SD_RECEIVE;
    break;
  case XSOCK_SHUT_WR:
    sd = SD_SEND;
    break;
  case XSOCK_SHUT_RDWR:
    sd = SD_BOTH;
    break;
  default:
    return xsock__fail(XSOCK_EINVAL, 0);
  }
  if ((SOCKET)s == INVALID_SOCKET)
    return xsock__fail(XSOCK_EBADF, 0);
  if (shutdown((SOCKET)s, sd) != 0)
    return xsock__win_sock_fail((SOCKET)s, WSAGetLastError());
  return 0;
}
