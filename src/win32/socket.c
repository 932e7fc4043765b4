/* SPDX-License-Identifier: MIT */
/* Socket creation, close, blocking mode and names on Winsock.
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
 *  - getsockname on a socket that is not bound fails with WSAEINVAL on
 *    Windows while POSIX returns the any-address with port 0; xsock gives
 *    the POSIX answer. */
#include "os.h"

#include <mswsock.h>
#include <string.h>

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

int xsock__win_sock_fail(SOCKET s, int err) {
  int type;
  int len = (int)sizeof type;
  if (err != WSAENOTSOCK && err != WSAEWOULDBLOCK && err != WSANOTINITIALISED &&
      getsockopt(s, SOL_SOCKET, SO_TYPE, (char *)&type, &len) != 0 &&
      WSAGetLastError() == WSAENOTSOCK)
    return xsock__fail(XSOCK_EBADF, WSAENOTSOCK);
  return xsock__os_fail(err);
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
  if (setsockopt(s, SOL_SOCKET, SO_EXCLUSIVEADDRUSE, (const char *)&on, sizeof on) != 0)
    return xsock__wsa_fail();
  if (af == AF_INET6) {
    DWORD v6only = 1;
    if (setsockopt(s, IPPROTO_IPV6, IPV6_V6ONLY, (const char *)&v6only, sizeof v6only) != 0)
      return xsock__wsa_fail();
  }
  if (type == SOCK_DGRAM) {
    BOOL report = FALSE;
    DWORD bytes = 0;
    if (WSAIoctl(s, SIO_UDP_CONNRESET, &report, sizeof report, NULL, 0, &bytes, NULL,
                 NULL) != 0)
      return xsock__wsa_fail();
  }
  return 0;
}

int xsock_socket(xsock_t *out, int family, int type, int flags) {
  int af, st, proto, rc;
  SOCKET s;
  if (out == NULL)
    return xsock__fail(XSOCK_EINVAL, 0);
  *out = XSOCK_INVALID;
  switch (family) {
  case XSOCK_AF_INET:
    af = AF_INET;
    break;
  case XSOCK_AF_INET6:
    af = AF_INET6;
    break;
  case XSOCK_AF_UNIX:
    /* AF_UNIX is POSIX-only in xsock (see addr_os.c). */
    return xsock__fail(XSOCK_EAFNOSUPPORT, 0);
  default:
    return xsock__fail(XSOCK_EINVAL, 0);
  }
  switch (type) {
  case XSOCK_STREAM:
    st = SOCK_STREAM;
    proto = IPPROTO_TCP;
    break;
  case XSOCK_DGRAM:
    st = SOCK_DGRAM;
    proto = IPPROTO_UDP;
    break;
  default:
    return xsock__fail(XSOCK_EINVAL, 0);
  }
  if ((flags & ~XSOCK_NONBLOCK) != 0)
    return xsock__fail(XSOCK_EINVAL, 0);

  s = WSASocketW(af, st, proto, NULL, 0, WSA_FLAG_OVERLAPPED | WSA_FLAG_NO_HANDLE_INHERIT);
  if (s == INVALID_SOCKET && WSAGetLastError() == WSAEINVAL) {
    /* Windows 7 without SP1 does not know the flag. */
    s = WSASocketW(af, st, proto, NULL, 0, WSA_FLAG_OVERLAPPED);
    if (s != INVALID_SOCKET && (rc = xsock__win_no_inherit(s)) < 0) {
      closesocket(s);
      return rc;
    }
  }
  if (s == INVALID_SOCKET)
    return xsock__wsa_fail();

  rc = socket__setup(s, af, st);
  if (rc == 0 && (flags & XSOCK_NONBLOCK))
    rc = xsock_set_nonblocking((xsock_t)s, 1);
  if (rc < 0) {
    int os = xsock_last_os_error();
    closesocket(s);
    return xsock__fail(rc, os);
  }
  *out = (xsock_t)s;
  return 0;
}

int xsock_close(xsock_t s) {
  u_long blocking = 0;
  int err;
  if ((SOCKET)s == INVALID_SOCKET)
    return xsock__fail(XSOCK_EBADF, 0);
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

int xsock_set_nonblocking(xsock_t s, int on) {
  u_long mode = on ? 1 : 0;
  if ((SOCKET)s == INVALID_SOCKET)
    return xsock__fail(XSOCK_EBADF, 0);
  if (ioctlsocket((SOCKET)s, FIONBIO, &mode) != 0)
    return xsock__wsa_fail();
  return 0;
}

int xsock_getsockname(xsock_t s, xsock_addr_t *addr) {
  struct sockaddr_storage ss;
  int len = (int)sizeof ss;
  if (addr == NULL)
    return xsock__fail(XSOCK_EINVAL, 0);
  memset(addr, 0, sizeof *addr);
  if ((SOCKET)s == INVALID_SOCKET)
    return xsock__fail(XSOCK_EBADF, 0);
  if (getsockname((SOCKET)s, (struct sockaddr *)&ss, &len) != 0) {
    int err = WSAGetLastError();
    int af;
    /* Not bound yet: answer like POSIX, the any-address with port 0. */
    if (err == WSAEINVAL && xsock__win_socket_kind((SOCKET)s, &af, NULL) == 0)
      return xsock_addr_any(addr, af == AF_INET6 ? XSOCK_AF_INET6 : XSOCK_AF_INET, 0);
    return xsock__os_fail(err);
  }
  return xsock__addr_from_os(addr, (const struct sockaddr *)&ss, len);
}

int xsock_getpeername(xsock_t s, xsock_addr_t *addr) {
  struct sockaddr_storage ss;
  int len = (int)sizeof ss;
  if (addr == NULL)
    return xsock__fail(XSOCK_EINVAL, 0);
  memset(addr, 0, sizeof *addr);
  if ((SOCKET)s == INVALID_SOCKET)
    return xsock__fail(XSOCK_EBADF, 0);
  if (getpeername((SOCKET)s, (struct sockaddr *)&ss, &len) != 0)
    return xsock__wsa_fail();
  return xsock__addr_from_os(addr, (const struct sockaddr *)&ss, len);
}
