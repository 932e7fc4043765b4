/* SPDX-License-Identifier: MIT */
/* A socket's own address and its peer's on Winsock. src/common/names_api.c
 * has checked the arguments and zeroed *addr.
 *
 * Notes on Windows: getsockname on a socket that is not bound fails with
 * WSAEINVAL, while POSIX returns the any-address of the family with port
 * 0; this reports the raw fact (XSOCK__UNBOUND) and the front end gives
 * the POSIX answer. */
#include "os.h"

int xsock__os_getsockname(xsock_t s, xsock_addr_t *addr) {
  struct sockaddr_storage ss;
  int len = (int)sizeof ss;
  if (getsockname((SOCKET)s, (struct sockaddr *)&ss, &len) != 0) {
    int err = WSAGetLastError();
    /* WSAEINVAL from a socket that is open: it is not bound yet. */
    if (err == WSAEINVAL && xsock__win_socket_kind((SOCKET)s, NULL, NULL) == 0)
      return XSOCK__UNBOUND;
    return xsock__win_sock_fail((SOCKET)s, err);
  }
  return xsock__addr_from_os(addr, (const struct sockaddr *)&ss, len);
}

int xsock__os_getpeername(xsock_t s, xsock_addr_t *addr) {
  struct sockaddr_storage ss;
  int len = (int)sizeof ss;
  if (getpeername((SOCKET)s, (struct sockaddr *)&ss, &len) != 0)
    return xsock__win_sock_fail((SOCKET)s, WSAGetLastError());
  return xsock__addr_from_os(addr, (const struct sockaddr *)&ss, len);
}
