/* SPDX-License-Identifier: MIT */
/* Binding, listening and accepting on Winsock. src/common/listen_api.c has
 * checked the arguments.
 *
 * Notes on Windows:
 *  - bind fails with WSAEACCES (not WSAEADDRINUSE) when another socket
 *    holds the port with SO_EXCLUSIVEADDRUSE. Windows has no privileged
 *    ports, so in bind that code always means "address in use", and xsock
 *    reports XSOCK_EADDRINUSE as POSIX does.
 *  - listen on an unbound socket fails with WSAEINVAL, while POSIX binds
 *    it to the any-address of its family and an ephemeral port. xsock does
 *    that bind itself and listens again, so both OSes accept the call and
 *    getsockname then gives the same kind of answer.
 *  - An accepted socket inherits the listener's non-blocking mode, while
 *    on POSIX it starts blocking; the mode is therefore always set from
 *    the flags. Accepted handles are made non-inheritable explicitly. */
#include "os.h"

int xsock__os_bind(xsock_t s, const xsock_addr_t *addr) {
  struct sockaddr_storage ss;
  int len = 0, rc;
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

/* Binds an unbound socket to the any-address of its family, port 0, as a
 * POSIX listen() does. 1 if it bound, 0 if it was bound already, or a
 * failure. */
static int listen__autobind(SOCKET s) {
  struct sockaddr_storage ss;
  int len = (int)sizeof ss, af = AF_INET, rc;
  xsock_addr_t any;
  if (getsockname(s, (struct sockaddr *)&ss, &len) == 0)
    return 0;
  if (WSAGetLastError() != WSAEINVAL)
    return xsock__wsa_fail();
  if ((rc = xsock__win_socket_kind(s, &af, NULL)) < 0)
    return rc;
  rc =
      xsock__addr_any(&any, af == AF_INET6 ? XSOCK_AF_INET6 : XSOCK_AF_INET, 0);
  if (rc == 0)
    rc = xsock__os_bind((xsock_t)s, &any);
  return rc < 0 ? rc : 1;
}

int xsock__os_listen(xsock_t s, int backlog) {
  int err, rc;
  if (backlog <= 0)
    backlog = SOMAXCONN;
  if (listen((SOCKET)s, backlog) == 0)
    return 0;
  err = WSAGetLastError();
  if (err != WSAEINVAL)
    return xsock__win_sock_fail((SOCKET)s, err);
  rc = listen__autobind((SOCKET)s);
  if (rc <= 0)
    return rc < 0 ? rc : xsock__os_fail(err);
  if (listen((SOCKET)s, backlog) != 0)
    return xsock__win_sock_fail((SOCKET)s, WSAGetLastError());
  return 0;
}

int xsock__os_accept(xsock_t listener, xsock_t *out, xsock_addr_t *peer,
                     int nonblock) {
  struct sockaddr_storage ss;
  int len = (int)sizeof ss;
  int rc;
  SOCKET s;
  s = XSOCK__OS(accept)((SOCKET)listener, (struct sockaddr *)&ss, &len);
  if (s == INVALID_SOCKET)
    return xsock__win_sock_fail((SOCKET)listener, WSAGetLastError());
  rc = xsock__win_no_inherit(s);
  if (rc == 0)
    rc = xsock__os_set_nonblocking((xsock_t)s, nonblock);
  if (rc == 0 && peer != NULL)
    rc = xsock__addr_from_os(peer, (const struct sockaddr *)&ss, len);
  if (rc < 0) {
    xsock__win_discard(s);
    return rc;
  }
  *out = (xsock_t)s;
  return 0;
}
