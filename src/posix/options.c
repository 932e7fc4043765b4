/* SPDX-License-Identifier: MIT */
/* Socket options with portable values, and the socket's own and peer's
 * addresses.
 *
 * Notes on the OS quirks handled here:
 *  - An option the socket's protocol does not have (TCP_NODELAY on UDP,
 *    IPV6_V6ONLY on IPv4) fails with ENOPROTOOPT on Linux and the BSDs and
 *    EOPNOTSUPP on AF_UNIX; both are reported as XSOCK_ENOTSUP.
 *  - The BSDs return a boolean option as its flag bit (e.g. 4), not 1, so
 *    booleans are normalised to 0/1 on get.
 *  - Linux doubles SO_SNDBUF/SO_RCVBUF on set and reports the doubled
 *    value; xsock passes both through untouched (documented in xsock.h).
 *  - macOS's SO_LINGER counts clock ticks; SO_LINGER_SEC counts seconds. */
#include "posix.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string.h>

#ifdef SO_LINGER_SEC
#define OPTIONS__LINGER SO_LINGER_SEC
#else
#define OPTIONS__LINGER SO_LINGER
#endif

/* The longest linger xsock accepts: Windows keeps it in 16 bits, and one
 * limit for every OS keeps the option portable. */
#define OPTIONS__LINGER_MAX 65535

/* The OS level and name behind an xsock option whose value is a plain int;
 * 1 if it is one, 0 otherwise. */
static int options__plain(int option, int *level, int *name, int *boolean) {
  *boolean = 1;
  switch (option) {
  case XSOCK_OPT_REUSEADDR:
    *level = SOL_SOCKET;
    *name = SO_REUSEADDR;
    return 1;
  case XSOCK_OPT_NODELAY:
    *level = IPPROTO_TCP;
    *name = TCP_NODELAY;
    return 1;
  case XSOCK_OPT_KEEPALIVE:
    *level = SOL_SOCKET;
    *name = SO_KEEPALIVE;
    return 1;
  case XSOCK_OPT_V6ONLY:
    *level = IPPROTO_IPV6;
    *name = IPV6_V6ONLY;
    return 1;
  case XSOCK_OPT_BROADCAST:
    *level = SOL_SOCKET;
    *name = SO_BROADCAST;
    return 1;
  case XSOCK_OPT_SNDBUF:
    *level = SOL_SOCKET;
    *name = SO_SNDBUF;
    *boolean = 0;
    return 1;
  case XSOCK_OPT_RCVBUF:
    *level = SOL_SOCKET;
    *name = SO_RCVBUF;
    *boolean = 0;
    return 1;
  default:
    return 0;
  }
}

/* Records a failed setsockopt/getsockopt, folding "no such option for this
 * protocol" into XSOCK_ENOTSUP. */
static int options__fail(void) {
  int e = errno;
#ifdef ENOPROTOOPT
  if (e == ENOPROTOOPT)
    return xsock__fail(XSOCK_ENOTSUP, e);
#endif
  return xsock__os_fail(e);
}

int xsock_set_option(xsock_t s, int option, int value) {
  int level, name, boolean;
  if (s < 0)
    return xsock__fail(XSOCK_EBADF, 0);
  if (options__plain(option, &level, &name, &boolean)) {
    if (boolean ? (value != 0 && value != 1) : value < 0)
      return xsock__fail(XSOCK_EINVAL, 0);
    if (setsockopt(s, level, name, &value, sizeof value) != 0)
      return options__fail();
    return 0;
  }
  if (option == XSOCK_OPT_LINGER) {
    struct linger l;
    if (value < -1 || value > OPTIONS__LINGER_MAX)
      return xsock__fail(XSOCK_EINVAL, 0);
    memset(&l, 0, sizeof l);
    l.l_onoff = value >= 0;
    l.l_linger = value >= 0 ? value : 0;
    if (setsockopt(s, SOL_SOCKET, OPTIONS__LINGER, &l, sizeof l) != 0)
      return options__fail();
    return 0;
  }
  /* XSOCK_OPT_TYPE is read-only; anything else is unknown. */
  return xsock__fail(XSOCK_EINVAL, 0);
}

int xsock_get_option(xsock_t s, int option, int *value) {
  int level, name, boolean, v = 0;
  socklen_t len = (socklen_t)sizeof v;
  if (value == NULL)
    return xsock__fail(XSOCK_EINVAL, 0);
  if (s < 0)
    return xsock__fail(XSOCK_EBADF, 0);
  if (options__plain(option, &level, &name, &boolean)) {
    if (getsockopt(s, level, name, &v, &len) != 0)
      return options__fail();
    *value = boolean ? (v != 0) : v;
    return 0;
  }
  if (option == XSOCK_OPT_LINGER) {
    struct linger l;
    len = (socklen_t)sizeof l;
    memset(&l, 0, sizeof l);
    if (getsockopt(s, SOL_SOCKET, OPTIONS__LINGER, &l, &len) != 0)
      return options__fail();
    *value = l.l_onoff ? l.l_linger : -1;
    return 0;
  }
  if (option == XSOCK_OPT_TYPE) {
    if (getsockopt(s, SOL_SOCKET, SO_TYPE, &v, &len) != 0)
      return options__fail();
    if (v == SOCK_STREAM)
      *value = XSOCK_STREAM;
    else if (v == SOCK_DGRAM)
      *value = XSOCK_DGRAM;
    else
      return xsock__fail(XSOCK_ENOTSUP, 0); /* raw, seqpacket: not ours */
    return 0;
  }
  return xsock__fail(XSOCK_EINVAL, 0);
}

/* getsockname/getpeername share everything but the call. (Not through a
 * function pointer: glibc declares them with a transparent union.) */
static int options__name(xsock_t s, xsock_addr_t *addr, int peer) {
  int rc;
  struct sockaddr_storage ss;
  socklen_t len = (socklen_t)sizeof ss;
  if (addr == NULL)
    return xsock__fail(XSOCK_EINVAL, 0);
  if (s < 0)
    return xsock__fail(XSOCK_EBADF, 0);
  memset(&ss, 0, sizeof ss);
  if (peer)
    rc = getpeername(s, (struct sockaddr *)&ss, &len);
  else
    rc = getsockname(s, (struct sockaddr *)&ss, &len);
  if (rc != 0)
    return xsock__errno_fail();
  /* An unbound AF_UNIX socket may come back with no bytes at all. */
  if (len == 0) {
    memset(addr, 0, sizeof *addr);
    return 0;
  }
  return xsock__addr_from_os(addr, (struct sockaddr *)&ss, len);
}

int xsock_getsockname(xsock_t s, xsock_addr_t *addr) {
  return options__name(s, addr, 0);
}

int xsock_getpeername(xsock_t s, xsock_addr_t *addr) {
  return options__name(s, addr, 1);
}
