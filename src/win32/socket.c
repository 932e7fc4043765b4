/* SPDX-License-Identifier: MIT */
/* Socket creation, shutdown, close and blocking mode on Winsock (bind,
 * listen and accept are in listen.c). src/common/socket_api.c has checked
 * the arguments.
 *
 * Notes on Windows:
 *  - WSA_FLAG_NO_HANDLE_INHERIT (Windows 7 SP1 and later) creates the
 *    socket non-inheritable atomically; an older system refuses the flag
 *    with WSAEINVAL, and then the handle is created without it and made
 *    non-inheritable with SetHandleInformation right away.
 *  - WSA_FLAG_OVERLAPPED is what socket() would set too; it keeps the
 *    socket usable with overlapped I/O and the AFD poll backend.
 *  - SO_EXCLUSIVEADDRUSE is set on every socket before it can be bound:
 *    without it another process can bind the same port with SO_REUSEADDR
 *    and steal connections (Microsoft: "Using SO_REUSEADDR and
 *    SO_EXCLUSIVEADDRUSE").
 *  - IPV6_V6ONLY is already 1 by default on Windows; it is set explicitly
 *    so that the promise of the header does not depend on a default.
 *  - A UDP socket on Windows reports a previous send's ICMP "port
 *    unreachable" as WSAECONNRESET on the next recvfrom, which would let
 *    one dead peer break a UDP server; SIO_UDP_CONNRESET turns it off.
 *  - shutdown of a listening socket fails with WSAENOTCONN, which is the
 *    answer xsock gives on every OS (src/posix/socket.c checks for a
 *    listener itself). */
#include "os.h"

#include <mswsock.h>

#ifndef WSA_FLAG_NO_HANDLE_INHERIT
#define WSA_FLAG_NO_HANDLE_INHERIT 0x80
#endif
#ifndef SIO_UDP_CONNRESET
#define SIO_UDP_CONNRESET _WSAIOW(IOC_VENDOR, 12)
#endif

int xsock__win_check_socket(SOCKET s) {
  int type;
  int len = (int)sizeof type;
  if (s == INVALID_SOCKET)
    return xsock__fail(XSOCK_EBADF, 0);
  if (getsockopt(s, SOL_SOCKET, SO_TYPE, (char *)&type, &len) != 0)
    return xsock__wsa_fail();
  return 0;
}

int xsock__win_sock_error(SOCKET s, int err) {
  int type;
  int len = (int)sizeof type;
  if (err != WSAENOTSOCK && err != WSAEWOULDBLOCK && err != WSANOTINITIALISED &&
      getsockopt(s, SOL_SOCKET, SO_TYPE, (char *)&type, &len) != 0 &&
      WSAGetLastError() == WSAENOTSOCK)
    return WSAENOTSOCK;
  return err;
}

int xsock__win_sock_fail(SOCKET s, int err) {
  return xsock__os_fail(xsock__win_sock_error(s, err));
}

int xsock__win_socket_kind(SOCKET s, int *af, int *type) {
  WSAPROTOCOL_INFOW info;
  int len = (int)sizeof info;
  if (s == INVALID_SOCKET)
    return xsock__fail(XSOCK_EBADF, 0);
  if (getsockopt(s, SOL_SOCKET, SO_PROTOCOL_INFOW, (char *)&info, &len) != 0)
    return xsock__wsa_fail();
  if (af != NULL)
    *af = info.iAddressFamily;
  if (type != NULL)
    *type = info.iSocketType;
  return 0;
}

int xsock__win_no_inherit(SOCKET s) {
  if (!SetHandleInformation((HANDLE)s, HANDLE_FLAG_INHERIT, 0))
    return xsock__os_fail((int)GetLastError());
  return 0;
}

static int socket__setup(SOCKET s, int af, int type) {
  BOOL on = TRUE;
  if (setsockopt(s, SOL_SOCKET, SO_EXCLUSIVEADDRUSE, (const char *)&on,
                 sizeof on) != 0)
    return xsock__wsa_fail();
  if (af == AF_INET6) {
    DWORD v6only = 1;
    if (setsockopt(s, IPPROTO_IPV6, IPV6_V6ONLY, (const char *)&v6only,
                   sizeof v6only) != 0)
      return xsock__wsa_fail();
  }
  if (type == SOCK_DGRAM) {
    BOOL report = FALSE;
    DWORD bytes = 0;
    if (WSAIoctl(s, SIO_UDP_CONNRESET, &report, sizeof report, NULL, 0, &bytes,
                 NULL, NULL) != 0)
      return xsock__wsa_fail();
  }
  return 0;
}

int xsock__os_socket(xsock_t *out, int family, int type, int nonblock) {
  int af, st, proto, rc;
  SOCKET s;
  /* AF_UNIX is POSIX-only in xsock (see addr_os.c). */
  if (family == XSOCK_AF_UNIX)
    return xsock__fail(XSOCK_EAFNOSUPPORT, 0);
  af = family == XSOCK_AF_INET6 ? AF_INET6 : AF_INET;
  st = type == XSOCK_DGRAM ? SOCK_DGRAM : SOCK_STREAM;
  proto = type == XSOCK_DGRAM ? IPPROTO_UDP : IPPROTO_TCP;
  s = XSOCK__OS(WSASocketW)(af, st, proto, NULL, 0,
                            WSA_FLAG_OVERLAPPED | WSA_FLAG_NO_HANDLE_INHERIT);
  if (s == INVALID_SOCKET && WSAGetLastError() == WSAEINVAL) {
    /* Windows 7 without SP1 does not know the flag. */
    s = XSOCK__OS(WSASocketW)(af, st, proto, NULL, 0, WSA_FLAG_OVERLAPPED);
    if (s != INVALID_SOCKET && (rc = xsock__win_no_inherit(s)) < 0) {
      closesocket(s);
      return rc;
    }
  }
  if (s == INVALID_SOCKET)
    return xsock__wsa_fail();

  rc = socket__setup(s, af, st);
  if (rc == 0 && nonblock)
    rc = xsock__os_set_nonblocking((xsock_t)s, 1);
  if (rc < 0) {
    xsock__win_discard(s);
    return rc;
  }
  *out = (xsock_t)s;
  return 0;
}

void xsock__win_discard(SOCKET s) {
  int os = xsock__last_os_error();
  closesocket(s);
  /* Keep the error of the step that failed, not the cleanup's. */
  xsock__fail(0, os);
}

int xsock__os_shutdown(xsock_t s, int how) {
  int sd = how == XSOCK_SHUT_RD   ? SD_RECEIVE
           : how == XSOCK_SHUT_WR ? SD_SEND
                                  : SD_BOTH;
  if (shutdown((SOCKET)s, sd) != 0)
    return xsock__win_sock_fail((SOCKET)s, WSAGetLastError());
  return 0;
}

int xsock__os_close(xsock_t s) {
  u_long blocking = 0;
  int err;
  if (closesocket((SOCKET)s) == 0)
    return 0;
  err = WSAGetLastError();
  /* A non-blocking socket with SO_LINGER on and a nonzero timeout is NOT
   * closed: closesocket fails with WSAEWOULDBLOCK and the handle stays
   * valid (Microsoft's "closesocket function" page; Wine closes it
   * anyway). xsock promises that close releases the handle, so it lingers
   * the way Linux does: in blocking mode, up to the linger timeout. */
  if (err == WSAEWOULDBLOCK &&
      ioctlsocket((SOCKET)s, FIONBIO, &blocking) == 0) {
    if (closesocket((SOCKET)s) == 0)
      return 0;
    err = WSAGetLastError();
  }
  return xsock__os_fail(err);
}

int xsock__os_set_nonblocking(xsock_t s, int on) {
  u_long mode = on ? 1 : 0;
  if (ioctlsocket((SOCKET)s, FIONBIO, &mode) != 0)
    return xsock__wsa_fail();
  return 0;
}
