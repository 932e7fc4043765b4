/* SPDX-License-Identifier: MIT */
/* Binding, listening and accepting on Winsock. src/common/listen_api.c has
 * checked the arguments.
 *
 * Notes on Windows:
 *  - bind fails with WSAEACCES (not WSAEADDRINUSE) when another socket
 *    holds the port with SO_EXCLUSIVEADDRUSE. This reports it raw; the
 *    front end reads it as XSOCK_EADDRINUSE (XSOCK__OS_BIND_EACCES_IS_IN_USE
 *    in config.h).
 *  - listen on an unbound socket fails with WSAEINVAL, while POSIX binds
 *    it to the any-address of its family and an ephemeral port. This
 *    reports the raw fact (XSOCK__UNBOUND); the front end binds the
 *    socket as POSIX does and listens again.
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
  if (bind((SOCKET)s, (const struct sockaddr *)&ss, len) != 0)
    return xsock__win_sock_fail((SOCKET)s, WSAGetLastError());
  return 0;
}

/* Whether s is a socket that is not bound (getsockname's WSAEINVAL). */
static int listen__unbound(SOCKET s) {
  struct sockaddr_storage ss;
  int len = (int)sizeof ss;
  return getsockname(s, (struct sockaddr *)&ss, &len) != 0 &&
         WSAGetLastError() == WSAEINVAL;
}

int xsock__os_listen(xsock_t s, int backlog) {
  int err;
  if (listen((SOCKET)s, backlog) == 0)
    return 0;
  err = WSAGetLastError();
  if (err == WSAEINVAL && listen__unbound((SOCKET)s))
    return XSOCK__UNBOUND;
  return xsock__win_sock_fail((SOCKET)s, err);
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
