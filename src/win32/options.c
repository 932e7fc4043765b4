/* SPDX-License-Identifier: MIT */
/* Socket options on Winsock, with the values xsock.h defines.
 *
 * Notes on Windows:
 *  - XSOCK_OPT_REUSEADDR is accepted and ignored, and reads back 0: every
 *    xsock socket uses SO_EXCLUSIVEADDRUSE, and Windows' SO_REUSEADDR
 *    would let another socket take over a bound port (Microsoft: "Using
 *    SO_REUSEADDR and SO_EXCLUSIVEADDRUSE"). A listener can rebind a port
 *    in TIME_WAIT on Windows without it.
 *  - Boolean options are BOOL/DWORD sized on Windows; SO_LINGER takes
 *    u_short fields, hence xsock's limit of 65535 s on every OS.
 *  - An option the socket's kind does not have (TCP_NODELAY on UDP,
 *    IPV6_V6ONLY on IPv4) is rejected here with XSOCK_ENOTSUP before
 *    Winsock sees it, so the answer does not depend on the Winsock
 *    provider (Wine, for one, accepts some of them). */
#include "win32.h"

typedef struct options__spec {
  int level;
  int name;
  int need_af;   /* 0, or the address family the option belongs to */
  int need_type; /* 0, or the socket type the option belongs to */
  int boolean;   /* 1: the value is 0/1 */
} options__spec_t;

static int options__lookup(int option, options__spec_t *spec) {
  spec->need_af = 0;
  spec->need_type = 0;
  spec->boolean = 1;
  switch (option) {
  case XSOCK_OPT_NODELAY:
    spec->level = IPPROTO_TCP;
    spec->name = TCP_NODELAY;
    spec->need_type = SOCK_STREAM;
    return 0;
  case XSOCK_OPT_KEEPALIVE:
    spec->level = SOL_SOCKET;
    spec->name = SO_KEEPALIVE;
    return 0;
  case XSOCK_OPT_SNDBUF:
    spec->level = SOL_SOCKET;
    spec->name = SO_SNDBUF;
    spec->boolean = 0;
    return 0;
  case XSOCK_OPT_RCVBUF:
    spec->level = SOL_SOCKET;
    spec->name = SO_RCVBUF;
    spec->boolean = 0;
    return 0;
  case XSOCK_OPT_V6ONLY:
    spec->level = IPPROTO_IPV6;
    spec->name = IPV6_V6ONLY;
    spec->need_af = AF_INET6;
    return 0;
  case XSOCK_OPT_BROADCAST:
    spec->level = SOL_SOCKET;
    spec->name = SO_BROADCAST;
    return 0;
  default:
    return xsock__fail(XSOCK_EINVAL, 0);
  }
}

/* Checks that s is an open socket of the kind the option needs. */
static int options__check_kind(SOCKET s, const options__spec_t *spec) {
  int af, type;
  int rc = xsock__win_socket_kind(s, &af, &type);
  if (rc < 0)
    return rc;
  if ((spec->need_af != 0 && af != spec->need_af) ||
      (spec->need_type != 0 && type != spec->need_type))
    return xsock__fail(XSOCK_ENOTSUP, 0);
  return 0;
}

static int options__set_linger(SOCKET s, int value) {
  struct linger l;
  /* The same limits as on POSIX: -1 (off) or 0..65535 seconds. */
  if (value < -1 || value > 65535)
    return xsock__fail(XSOCK_EINVAL, 0);
  l.l_onoff = value >= 0;
  l.l_linger = (u_short)(value >= 0 ? value : 0);
  if (setsockopt(s, SOL_SOCKET, SO_LINGER, (const char *)&l, (int)sizeof l) != 0)
    return xsock__wsa_fail();
  return 0;
}

static int options__get_linger(SOCKET s, int *value) {
  struct linger l;
  int len = (int)sizeof l;
  if (getsockopt(s, SOL_SOCKET, SO_LINGER, (char *)&l, &len) != 0)
    return xsock__wsa_fail();
  *value = l.l_onoff ? (int)l.l_linger : -1;
  return 0;
}

int xsock_set_option(xsock_t s, int option, int value) {
  options__spec_t spec;
  int rc;
  DWORD v;
  if ((SOCKET)s == INVALID_SOCKET)
    return xsock__fail(XSOCK_EBADF, 0);
  switch (option) {
  case XSOCK_OPT_REUSEADDR:
    if (value != 0 && value != 1)
      return xsock__fail(XSOCK_EINVAL, 0);
    return xsock__win_check_socket((SOCKET)s);
  case XSOCK_OPT_LINGER:
    rc = xsock__win_socket_kind((SOCKET)s, NULL, NULL);
    return rc < 0 ? rc : options__set_linger((SOCKET)s, value);
  case XSOCK_OPT_TYPE:
    return xsock__fail(XSOCK_EINVAL, 0); /* read-only */
  default:
    break;
  }
  rc = options__lookup(option, &spec);
  if (rc < 0)
    return rc;
  if (spec.boolean ? (value != 0 && value != 1) : value < 0)
    return xsock__fail(XSOCK_EINVAL, 0);
  rc = options__check_kind((SOCKET)s, &spec);
  if (rc < 0)
    return rc;
  v = (DWORD)value;
  if (setsockopt((SOCKET)s, spec.level, spec.name, (const char *)&v, (int)sizeof v) != 0)
    return xsock__wsa_fail();
  return 0;
}

int xsock_get_option(xsock_t s, int option, int *value) {
  options__spec_t spec;
  int rc, type;
  DWORD v = 0;
  int len = (int)sizeof v;
  if (value == NULL)
    return xsock__fail(XSOCK_EINVAL, 0);
  if ((SOCKET)s == INVALID_SOCKET)
    return xsock__fail(XSOCK_EBADF, 0);
  switch (option) {
  case XSOCK_OPT_REUSEADDR:
    rc = xsock__win_check_socket((SOCKET)s);
    if (rc == 0)
      *value = 0;
    return rc;
  case XSOCK_OPT_LINGER:
    return options__get_linger((SOCKET)s, value);
  case XSOCK_OPT_TYPE:
    rc = xsock__win_socket_kind((SOCKET)s, NULL, &type);
    if (rc == 0)
      *value = type == SOCK_STREAM ? XSOCK_STREAM : XSOCK_DGRAM;
    return rc;
  default:
    break;
  }
  rc = options__lookup(option, &spec);
  if (rc < 0)
    return rc;
  rc = options__check_kind((SOCKET)s, &spec);
  if (rc < 0)
    return rc;
  /* Some providers write a one-byte BOOLEAN for boolean options: v starts
   * at 0 so that the unwritten bytes read as zero. */
  if (getsockopt((SOCKET)s, spec.level, spec.name, (char *)&v, &len) != 0)
    return xsock__wsa_fail();
  *value = spec.boolean ? (v != 0) : (int)v;
  return 0;
}
