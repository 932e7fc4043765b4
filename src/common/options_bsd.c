/* SPDX-License-Identifier: MIT */
/* The option level/name table and the setsockopt/getsockopt calls behind
 * xsock_set_option / xsock_get_option, for every OS. src/common/options_api.c
 * has already decided that the option fits the socket and the value; this
 * file only translates the request. What differs between the OSes (the
 * length type, the linger option's name, XSOCK_OPT_REUSEADDR being
 * ignored on Windows, the option names some OSes lack) comes from the platform
 * tree's os_sockets.h.
 *
 * Notes on the OSes:
 *  - An option the protocol does not have, should one get past the common
 *    rules, fails with ENOPROTOOPT (EOPNOTSUPP on AF_UNIX, WSAENOPROTOOPT
 *    on Windows); the error maps give XSOCK_ENOTSUP for each.
 *  - Linux doubles SO_SNDBUF/SO_RCVBUF on set and reports the doubled
 *    value; xsock passes both through untouched (documented in xsock.h).
 *  - The send and receive timeouts take a struct timeval on POSIX and a
 *    DWORD of milliseconds on Windows (xsock__timeo_t of os_sockets.h);
 *    a value read back is what the OS applies, rounded up to a whole
 *    millisecond.
 *  - An option name the OS does not have at all is XSOCK__SO_NONE in
 *    os_sockets.h (XSOCK_OPT_REUSEPORT where no option spreads
 *    connections, the keepalive tuning options on OpenBSD): XSOCK_ENOTSUP
 *    for set and get, with no system call, since the front end has
 *    already found the socket open. A Windows older than its keepalive
 *    options refuses them at run time, which os_sockets.h's
 *    xsock__keepalive_fail reads as XSOCK_ENOTSUP too.
 *  - Every plain option takes an int-sized value (a BOOL or DWORD on
 *    Windows). Some Winsock providers write a one-byte BOOLEAN for a
 *    boolean option, so the value read starts at 0 and the unwritten
 *    bytes read as zero; options_api.c folds booleans to 0/1. */
#include "os_sockets.h"

#include <string.h>

/* The OS level and name behind an xsock option whose value is a plain
 * int; *name is 0 for an option this OS accepts and ignores.
 * XSOCK_OPT_LINGER (a struct) is handled on its own. */
static int options_sockopt__name(int option, int *level, int *name) {
  *level = SOL_SOCKET;
  switch (option) {
  case XSOCK_OPT_REUSEADDR:
    *name = XSOCK__SO_REUSEADDR;
    return 0;
  case XSOCK_OPT_NODELAY:
    *level = IPPROTO_TCP;
    *name = TCP_NODELAY;
    return 0;
  case XSOCK_OPT_KEEPALIVE:
    *name = SO_KEEPALIVE;
    return 0;
  case XSOCK_OPT_V6ONLY:
    *level = IPPROTO_IPV6;
    *name = IPV6_V6ONLY;
    return 0;
  case XSOCK_OPT_BROADCAST:
    *name = SO_BROADCAST;
    return 0;
  case XSOCK_OPT_SNDBUF:
    *name = SO_SNDBUF;
    return 0;
  case XSOCK_OPT_RCVBUF:
    *name = SO_RCVBUF;
    return 0;
  case XSOCK_OPT_REUSEPORT:
    *name = XSOCK__SO_REUSEPORT_LB;
    return 0;
  case XSOCK_OPT_KEEPIDLE:
    *level = IPPROTO_TCP;
    *name = XSOCK__TCP_KEEPIDLE;
    return 0;
  case XSOCK_OPT_KEEPINTVL:
    *level = IPPROTO_TCP;
    *name = XSOCK__TCP_KEEPINTVL;
    return 0;
  case XSOCK_OPT_KEEPCNT:
    *level = IPPROTO_TCP;
    *name = XSOCK__TCP_KEEPCNT;
    return 0;
  default:
    return xsock__fail(XSOCK_EINVAL, 0);
  }
}

/* The OS name of a timeout option, 0 for any other. */
static int options_sockopt__timeo(int option) {
  return option == XSOCK_OPT_RCVTIMEO   ? SO_RCVTIMEO
         : option == XSOCK_OPT_SNDTIMEO ? SO_SNDTIMEO
                                        : 0;
}

/* Records the failed socket call's error and returns its mapping. */
static int options_sockopt__fail(void) {
  return xsock__os_fail(XSOCK__SOCK_ERROR());
}

/* The same for a plain option: a keepalive tuning option's refusal is
 * read by the platform's rule (xsock__keepalive_fail of os_sockets.h). */
static int options_sockopt__fail_plain(int option) {
  if (option == XSOCK_OPT_KEEPIDLE || option == XSOCK_OPT_KEEPINTVL ||
      option == XSOCK_OPT_KEEPCNT)
    return xsock__keepalive_fail(XSOCK__SOCK_ERROR());
  return options_sockopt__fail();
}

/* An ignored option still needs an open socket: the same XSOCK_EBADF for
 * a closed handle as every other option gives. */
static int options_sockopt__check(xsock_t s) {
  int family, type;
  return xsock__socket_kind(s, &family, &type);
}

int xsock__os_set_option(xsock_t s, int option, int value) {
  int level = 0, name = options_sockopt__timeo(option), rc;
  if (name != 0) {
    xsock__timeo_t t = xsock__timeo_from_ms(value);
    if (setsockopt(s, SOL_SOCKET, name, (const char *)&t,
                   (xsock__socklen_t)sizeof t) != 0)
      return options_sockopt__fail();
    return 0;
  }
  if (option == XSOCK_OPT_LINGER) {
    struct linger l;
    memset(&l, 0, sizeof l);
    l.l_onoff = value >= 0;
    l.l_linger = value >= 0 ? value : 0;
    if (setsockopt(s, SOL_SOCKET, XSOCK__SO_LINGER, (const char *)&l,
                   (xsock__socklen_t)sizeof l) != 0)
      return options_sockopt__fail();
    return 0;
  }
  if ((rc = options_sockopt__name(option, &level, &name)) < 0)
    return rc;
  if (name == 0)
    return options_sockopt__check(s);
  if (name == XSOCK__SO_NONE)
    return xsock__fail(XSOCK_ENOTSUP, 0);
  if (setsockopt(s, level, name, (const char *)&value,
                 (xsock__socklen_t)sizeof value) != 0)
    return options_sockopt__fail_plain(option);
  return 0;
}

int xsock__os_get_option(xsock_t s, int option, int *value) {
  int level = 0, name = 0, rc, v = 0;
  xsock__socklen_t len = (xsock__socklen_t)sizeof v;
  if ((name = options_sockopt__timeo(option)) != 0) {
    xsock__timeo_t t = xsock__timeo_from_ms(0);
    len = (xsock__socklen_t)sizeof t;
    if (getsockopt(s, SOL_SOCKET, name, (char *)&t, &len) != 0)
      return options_sockopt__fail();
    *value = xsock__timeo_to_ms(&t);
    return 0;
  }
  if (option == XSOCK_OPT_LINGER) {
    struct linger l;
    len = (xsock__socklen_t)sizeof l;
    memset(&l, 0, sizeof l);
    if (getsockopt(s, SOL_SOCKET, XSOCK__SO_LINGER, (char *)&l, &len) != 0)
      return options_sockopt__fail();
    *value = l.l_onoff ? (int)l.l_linger : -1;
    return 0;
  }
  if ((rc = options_sockopt__name(option, &level, &name)) < 0)
    return rc;
  if (name == 0) {
    if ((rc = options_sockopt__check(s)) == 0)
      *value = 0;
    return rc;
  }
  if (name == XSOCK__SO_NONE)
    return xsock__fail(XSOCK_ENOTSUP, 0);
  if (getsockopt(s, level, name, (char *)&v, &len) != 0)
    return options_sockopt__fail_plain(option);
  *value = v;
  return 0;
}
