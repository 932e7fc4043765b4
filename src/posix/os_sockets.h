/* SPDX-License-Identifier: MIT */
/* What the Berkeley-socket code shared by both OSes needs from POSIX: the
 * socket headers, the length type and the few spellings that differ.
 * src/win32/os_sockets.h is its Windows mirror. The shared files are
 * src/common/addr_bsd.c (sockaddr conversions), options_bsd.c
 * (the option table) and resolve_bsd.c (the getaddrinfo loop); they are
 * compiled once for each OS and include this header, never an OS header
 * of their own, so that they hold no #ifdef on the OS. */
#ifndef XSOCK_POSIX_OS_SOCKETS_H
#define XSOCK_POSIX_OS_SOCKETS_H

#include "internal.h"

#include <errno.h>
#include <limits.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/un.h>

/* The length type of the socket calls: socklen_t here, int on Windows. */
typedef socklen_t xsock__socklen_t;

/* The error of the last failed socket call. */
#define XSOCK__SOCK_ERROR() (errno)

/* 1: xsock offers AF_UNIX sockets on this OS. */
#define XSOCK__OS_UNIX_SOCKETS 1

/* The SO_LINGER that counts seconds: macOS's SO_LINGER counts clock ticks
 * and SO_LINGER_SEC counts seconds. */
#ifdef SO_LINGER_SEC
#define XSOCK__SO_LINGER SO_LINGER_SEC
#else
#define XSOCK__SO_LINGER SO_LINGER
#endif

/* The option behind XSOCK_OPT_REUSEADDR; 0 where xsock accepts and
 * ignores it (Windows). */
#define XSOCK__SO_REUSEADDR SO_REUSEADDR

/* The option behind XSOCK_OPT_REUSEPORT: one that spreads connections
 * across the sockets sharing a port. Linux's SO_REUSEPORT (3.9) does;
 * FreeBSD's SO_REUSEPORT does not (the last socket bound takes them all),
 * and its SO_REUSEPORT_LB (12.0) does. The other BSDs' and macOS's
 * SO_REUSEPORT only share the port, so they have none. */
#if defined(SO_REUSEPORT_LB)
#define XSOCK__SO_REUSEPORT_LB SO_REUSEPORT_LB
#elif defined(__linux__) && defined(SO_REUSEPORT)
#define XSOCK__SO_REUSEPORT_LB SO_REUSEPORT
#else
#define XSOCK__SO_REUSEPORT_LB XSOCK__SO_NONE
#endif

/* The keepalive tuning options, all in seconds (counts for TCP_KEEPCNT).
 * macOS names the idle time TCP_KEEPALIVE and has no TCP_KEEPIDLE; on
 * other systems TCP_KEEPALIVE may mean something else, hence the
 * __APPLE__. OpenBSD has none of them (only system-wide sysctls). */
#if defined(TCP_KEEPIDLE)
#define XSOCK__TCP_KEEPIDLE TCP_KEEPIDLE
#elif defined(__APPLE__) && defined(TCP_KEEPALIVE)
#define XSOCK__TCP_KEEPIDLE TCP_KEEPALIVE
#else
#define XSOCK__TCP_KEEPIDLE XSOCK__SO_NONE
#endif
#ifdef TCP_KEEPINTVL
#define XSOCK__TCP_KEEPINTVL TCP_KEEPINTVL
#else
#define XSOCK__TCP_KEEPINTVL XSOCK__SO_NONE
#endif
#ifdef TCP_KEEPCNT
#define XSOCK__TCP_KEEPCNT TCP_KEEPCNT
#else
#define XSOCK__TCP_KEEPCNT XSOCK__SO_NONE
#endif

/* What a refused keepalive tuning option says: the OS's own error (the
 * value was checked already, so the OS has no reason of its own to
 * refuse it). */
static inline int xsock__keepalive_fail(int os_error) {
  return xsock__os_fail(os_error);
}

/* The value of SO_RCVTIMEO / SO_SNDTIMEO: a struct timeval here, a DWORD
 * of milliseconds on Windows. 0 is "no timeout" in both. */
typedef struct timeval xsock__timeo_t;

static inline xsock__timeo_t xsock__timeo_from_ms(int ms) {
  xsock__timeo_t tv;
  tv.tv_sec = (time_t)(ms / 1000);
  tv.tv_usec = (suseconds_t)((ms % 1000) * 1000);
  return tv;
}

/* Rounded up, so that a timeout the kernel keeps in clock ticks (Linux
 * rounds up to its tick) never reads back as 0, "none"; clamped to
 * INT_MAX. */
static inline int xsock__timeo_to_ms(const xsock__timeo_t *tv) {
  long long ms =
      (long long)tv->tv_sec * 1000 + ((long long)tv->tv_usec + 999) / 1000;
  return ms > INT_MAX ? INT_MAX : ms < 0 ? 0 : (int)ms;
}

/* A getaddrinfo code the shared map does not know. POSIX EAI_* codes are
 * not errno values, so the raw code is only recorded. */
static inline int xsock__gai_other(int eai) {
  return xsock__fail(XSOCK_EUNKNOWN, eai);
}

#endif /* XSOCK_POSIX_OS_SOCKETS_H */
