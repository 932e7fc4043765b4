/* SPDX-License-Identifier: MIT */
/* What the Berkeley-socket code shared by both OSes needs from Winsock:
 * the socket headers, the length type and the few spellings that differ.
 * src/posix/os_sockets.h is its POSIX mirror and says which files share
 * it.
 *
 * Notes on Windows:
 *  - Socket calls take int lengths and report their error through
 *    WSAGetLastError(), not errno.
 *  - AF_UNIX is not offered (XSOCK_EAFNOSUPPORT): Windows 10's AF_UNIX
 *    sockets cannot be watched by WSAPoll or select reliably and do not
 *    exist on older systems.
 *  - XSOCK_OPT_REUSEADDR is accepted and ignored (reads back 0): every
 *    xsock socket uses SO_EXCLUSIVEADDRUSE, and Windows' SO_REUSEADDR
 *    would let another socket take over a bound port (Microsoft: "Using
 *    SO_REUSEADDR and SO_EXCLUSIVEADDRUSE"). A listener can rebind a port
 *    in TIME_WAIT on Windows without it.
 *  - SO_LINGER takes u_short fields, hence xsock's limit of 65535 s.
 *  - SO_RCVTIMEO and SO_SNDTIMEO take a DWORD of milliseconds where POSIX
 *    takes a struct timeval: xsock__timeo_t below. Windows NT 4 and 95
 *    treated anything under 500 ms as 500 ms (Microsoft's Winsock 2
 *    overview of that time); what getsockopt reads back is passed on.
 *  - getaddrinfo returns Winsock codes (EAI_NONAME is WSAHOST_NOT_FOUND,
 *    and so on) and has no EAI_SYSTEM; a code the shared map does not
 *    know (WSANOTINITIALISED before xsock_init) is a Winsock error. */
#ifndef XSOCK_WIN32_OS_SOCKETS_H
#define XSOCK_WIN32_OS_SOCKETS_H

#include "internal.h"

#include <limits.h>
#include <winsock2.h>
#include <ws2tcpip.h>

/* The length type of the socket calls: int here, socklen_t on POSIX. */
typedef int xsock__socklen_t;

/* The error of the last failed socket call. */
#define XSOCK__SOCK_ERROR() (WSAGetLastError())

/* 0: xsock offers no AF_UNIX sockets on this OS (see the notes). */
#define XSOCK__OS_UNIX_SOCKETS 0

#define XSOCK__SO_LINGER SO_LINGER

/* The option behind XSOCK_OPT_REUSEADDR; 0: accepted and ignored. */
#define XSOCK__SO_REUSEADDR 0

/* The option behind XSOCK_OPT_REUSEPORT: none. Windows has no option
 * that spreads connections across sockets sharing a port, and its
 * SO_REUSEADDR, which lets a socket take over a bound port, is not one
 * (see the notes). */
#define XSOCK__SO_REUSEPORT_LB XSOCK__SO_NONE

/* The keepalive tuning options of Windows 10 (TCP_KEEPIDLE and
 * TCP_KEEPINTVL from version 1709, TCP_KEEPCNT from 1703), in seconds
 * (counts for TCP_KEEPCNT). The numbers are the Windows SDK's
 * (ws2ipdef.h, where TCP_KEEPIDLE is TCP_KEEPALIVE): MinGW-w64's headers
 * before version 11 do not have them. */
#ifdef TCP_KEEPIDLE
#define XSOCK__TCP_KEEPIDLE TCP_KEEPIDLE
#else
#define XSOCK__TCP_KEEPIDLE 3
#endif
#ifdef TCP_KEEPINTVL
#define XSOCK__TCP_KEEPINTVL TCP_KEEPINTVL
#else
#define XSOCK__TCP_KEEPINTVL 17
#endif
#ifdef TCP_KEEPCNT
#define XSOCK__TCP_KEEPCNT TCP_KEEPCNT
#else
#define XSOCK__TCP_KEEPCNT 16
#endif

/* What a refused keepalive tuning option says. A Windows older than the
 * option refuses its number with WSAENOPROTOOPT or WSAEINVAL (the value
 * was checked already, so WSAEINVAL cannot be about the value): both mean
 * that this OS does not have it, XSOCK_ENOTSUP. xsock does not fall back
 * to SIO_KEEPALIVE_VALS there: it sets the idle time, the interval and
 * keepalive itself in one call and reads nothing back, so setting one of
 * them would silently change the others. */
static inline int xsock__keepalive_fail(int os_error) {
  if (os_error == WSAENOPROTOOPT || os_error == WSAEINVAL)
    return xsock__fail(XSOCK_ENOTSUP, os_error);
  return xsock__os_fail(os_error);
}

/* The value of SO_RCVTIMEO / SO_SNDTIMEO: a DWORD of milliseconds here, a
 * struct timeval on POSIX. 0 is "no timeout" in both. */
typedef DWORD xsock__timeo_t;

static inline xsock__timeo_t xsock__timeo_from_ms(int ms) { return (DWORD)ms; }

static inline int xsock__timeo_to_ms(const xsock__timeo_t *t) {
  return *t > (DWORD)INT_MAX ? INT_MAX : (int)*t;
}

/* A getaddrinfo code the shared map does not know: a Winsock error. */
static inline int xsock__gai_other(int eai) { return xsock__os_fail(eai); }

#endif /* XSOCK_WIN32_OS_SOCKETS_H */
