/* SPDX-License-Identifier: MIT */
/* Socket options through the OS (the rules of which option fits which
 * socket, and the values, are in src/common/options.c), the socket's kind,
 * and the socket's own and peer's addresses.
 *
 * Notes on the OS quirks handled here:
 *  - An option the protocol does not have, should one get past the common
 *    rules, fails with ENOPROTOOPT (or EOPNOTSUPP on AF_UNIX); both are
 *    reported as XSOCK_ENOTSUP.
 *  - Linux doubles SO_SNDBUF/SO_RCVBUF on set and reports the doubled
 *    value; xsock passes both through untouched (documented in xsock.h).
 *  - macOS's SO_LINGER counts clock ticks; SO_LINGER_SEC counts seconds. */
#include "os.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string.h>

#ifdef SO_LINGER_SEC
#define OPTIONS__LINGER SO_LINGER_SEC
#else
#define OPTIONS__LINGER SO_LINGER
#endif

/* The OS level and name behind an xsock option whose value is a plain
 * int. XSOCK_OPT_LINGER (a struct) is handled on its own. */
static int options__plain(int option, int *level, int *name) {
  switch (option) {
  case XSOCK_OPT_REUSEADDR:
    *level = SOL_SOCKET;
    *name = SO_REUSEADDR;
    return 0;
  case XSOCK_OPT_NODELAY:
    *level = IPPROTO_TCP;
    *name = TCP_NODELAY;
    return 0;
  case XSOCK_OPT_KEEPALIVE:
    *level = SOL_SOCKET;
    *name = SO_KEEPALIVE;
    return 0;
  case XSOCK_OPT_V6ONLY:
    *level = IPPROTO_IPV6;
    *name = IPV6_V6ONLY;
    return 0;
  case XSOCK_OPT_BROADCAST:
    *level = SOL_SOCKET;
    *name = SO_BROADCAST;
    return 0;
  case XSOCK_OPT_SNDBUF:
    *level = SOL_SOCKET;
    *name = SO_SNDBUF;
    return 0;
  case XSOCK_OPT_RCVBUF:
    *level = SOL_SOCKET;
    *name = SO_RCVBUF;
    return 0;
  default:
    return xsock__fail(XSOCK_EINVAL, 0);
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

int xsock__socket_kind(xsock_t s, int *family, int *type) {
  struct sockaddr_storage ss;
  socklen_t len = (socklen_t)sizeof ss;
  int t = 0;
  socklen_t tlen = (socklen_t)sizeof t;
  if (s < 0)
    return xsock__fail(XSOCK_EBADF, 0);
  if (getsockopt(s, SOL_SOCKET, SO_TYPE, &t, &tlen) != 0)
    return xsock__errno_fail();
  /* The family: getsockname works on unbound sockets too (the address is
   * then empty, the family is set). */
  memset(&ss, 0, sizeof ss);
  if (getsockname(s, (struct sockaddr *)&ss, &len) != 0)
    return xsock__errno_fail();
  *family = ss.ss_family == AF_INET    ? XSOCK_AF_INET
            : ss.ss_family == AF_INET6 ? XSOCK_AF_INET6
            : ss.ss_family == AF_UNIX  ? XSOCK_AF_UNIX
                                       : XSOCK_AF_UNSPEC;
  *type = t == SOCK_STREAM ? XSOCK_STREAM : t == SOCK_DGRAM ? XSOCK_DGRAM : 0;
  return 0;
}

int xsock__option_set(xsock_t s, int option, int value) {
  int level = 0, name = 0, rc;
  if (option == XSOCK_OPT_LINGER) {
    struct linger l;
    memset(&l, 0, sizeof l);
    l.l_onoff = value >= 0;
    l.l_linger = value >= 0 ? value : 0;
    if (setsockopt(s, SOL_SOCKET, OPTIONS__LINGER, &l, sizeof l) != 0)
      return options__fail();
    return 0;
  }
  if ((rc = options__plain(option, &level, &name)) < 0)
    return rc;
  if (setsockopt(s, level, name, &value, sizeof value) != 0)
    return options__fail();
  return 0;
}

int xsock__option_get(xsock_t s, int option, int *value) {
  int level = 0, name = 0, rc, v = 0;
  socklen_t len = (socklen_t)sizeof v;
  if (option == XSOCK_OPT_LINGER) {
    struct linger l;
    len = (socklen_t)sizeof l;
    memset(&l, 0, sizeof l);
    if (getsockopt(s, SOL_SOCKET, OPTIONS__LINGER, &l, &len) != 0)
      return options__fail();
    *value = l.l_onoff ? l.l_linger : -1;
    return 0;
  }
  if ((rc = options__plain(option, &level, &name)) < 0)
    return rc;
  if (getsockopt(s, level, name, &v, &len) != 0)
    return options__fail();
  *value = v;
  return 0;
}
