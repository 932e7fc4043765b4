/* SPDX-License-Identifier: MIT */
/* Internal declarations shared by the Windows sources (src/win32). Every
 * Windows source includes this header first: it brings the Winsock headers
 * in the order they need (winsock2.h before windows.h, which would
 * otherwise pull the old winsock.h) and the common internal header. The
 * declarations below are used by the socket files and by the selector
 * backends; they stay stable. */
#ifndef XSOCK_WIN32_OS_H
#define XSOCK_WIN32_OS_H

#include "internal.h"

#include <winsock2.h>
#include <ws2tcpip.h>
#include <windows.h>

/* Fails with the calling thread's last Winsock error (recorded and
 * mapped). */
static inline int xsock__wsa_fail(void) {
  return xsock__os_fail(WSAGetLastError());
}

/* The report of a raw I/O call that failed (internal.h): the calling
 * thread's last Winsock error in *err and its XSOCK_E* mapping as the
 * result, nothing recorded. */
static inline xsock_ssize_t xsock__wsa_io(int *err) {
  *err = WSAGetLastError();
  return xsock__map_os_error(*err);
}

/* xsock__addr_to_os / xsock__addr_from_os, the sockaddr conversions
 * written once for both OSes (src/common/addr_bsd.c), and through it
 * this tree's os_sockets.h. */
#include "addr_bsd.h"

/* 0 if s is an open socket, XSOCK_EBADF for XSOCK_INVALID or a closed or
 * foreign handle (src/win32/socket.c). */
XSOCK__INTERNAL int xsock__win_check_socket(SOCKET s);

/* Fails a call on s that Winsock refused with err. When s is not an open
 * socket the result is XSOCK_EBADF whatever err says: Winsock providers
 * (Wine, for one) check some arguments, such as the address, before the
 * handle, and a closed handle must give the same code on every OS.
 * xsock__win_sock_error is its raw form: WSAENOTSOCK for a socket that is
 * not open, else err. */
XSOCK__INTERNAL int xsock__win_sock_fail(SOCKET s, int err);
XSOCK__INTERNAL int xsock__win_sock_error(SOCKET s, int err);

/* The socket's OS address family (AF_INET, AF_INET6) and type
 * (SOCK_STREAM, SOCK_DGRAM); XSOCK_EBADF for a handle that is not an open
 * socket. Either pointer may be NULL. */
XSOCK__INTERNAL int xsock__win_socket_kind(SOCKET s, int *af, int *type);

/* Makes a socket handle non-inheritable (a child process never gets it). */
XSOCK__INTERNAL int xsock__win_no_inherit(SOCKET s);

/* One raw recv() with flags (0, MSG_PEEK), for xsock__os_recv and
 * xsock__os_peek (src/win32/io.c). */
XSOCK__INTERNAL xsock_ssize_t xsock__win_recv(SOCKET s, void *buf, size_t len,
                                              int flags, int *err);

/* ---- socket calls (src/win32/socket.c) ---- */

/* Closes a socket that failed its set-up without disturbing the error
 * already recorded for the caller. */
XSOCK__INTERNAL void xsock__win_discard(SOCKET s);

#endif /* XSOCK_WIN32_OS_H */
