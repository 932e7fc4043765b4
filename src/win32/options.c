/* SPDX-License-Identifier: MIT */
/* Socket options through Winsock (the rules of which option fits which
 * socket, and the values, are in src/common/options.c) and the socket's
 * kind.
 *
 * Notes on Windows:
 *  - XSOCK_OPT_REUSEADDR is accepted and ignored, and reads back 0: every
 *    xsock socket uses SO_EXCLUSIVEADDRUSE, and Windows' SO_REUSEADDR
 *    would let another socket take over a bound port (Microsoft: "Using
 *    SO_REUSEADDR and SO_EXCLUSIVEADDRUSE"). A listener can rebind a port
 *    in TIME_WAIT on Windows without it.
 *  - Boolean options are BOOL/DWORD sized on Windows; SO_LINGER takes
 *    u_short fields, hence xsock's limit of 65535 s on every OS.
 *  - Some providers write a one-byte BOOLEAN for boolean options, so the
 *    value read starts at 0 and the unwritten bytes read as zero. */
#include "os.h"

/* The Winsock level and name of an option with a DWORD value. */
static int options__plain(int option, int *level, int *name) {
  switch (option) {
  case XSOCK_OPT_NODELAY:
    *level = IPPROTO_TCP;
    *name = TCP_NODELAY;
    return 0;
  case XSOCK_OPT_KEEPALIVE:
    *level = SOL_SOCKET;
    *name = SO_KEEPALIVE;
    return 0;
  case XSOCK_OPT_SNDBUF:
    *level = SOL_SOCKET;
    *name = SO_SNDBUF;
    return 0;
  case XSOCK_OPT_RCVBUF:
    *level = SOL_SOCKET;
    *name = SO_RCVBUF;
    return 0;
  case XSOCK_OPT_V6ONLY:
    *level = IPPROTO_IPV6;
    *name = IPV6_V6ONLY;
    return 0;
  case XSOCK_OPT_BROADCAST:
    *level = SOL_SOCKET;
    *name = SO_BROADCAST;
    return 0;
  default:
    return xsock__fail(XSOCK_EINVAL, 0);
  }
}

int xsock__socket_kind(xsock_t s, int *family, int *type) {
  int af, t, rc = xsock__win_socket_kind((SOCKET)s, &af, &t);
  if (rc < 0)
    return rc;
  *family = af == AF_INET ? XSOCK_AF_INET : af == AF_INET6 ? XSOCK_AF_INET6
                                                            : XSOCK_AF_UNSPEC;
  *type = t == SOCK_STREAM ? XSOCK_STREAM : t == SOCK_DGRAM ? XSOCK_DGRAM : 0;
  return 0;
}

int xsock__option_set(xsock_t s, int option, int value) {
  int level = 0, name = 0, rc;
  DWORD v;
  if (option == XSOCK_OPT_REUSEADDR)
    return xsock__win_check_socket((SOCKET)s); /* ignored: see the notes */
  if (option == XSOCK_OPT_LINGER) {
    struct linger l;
    l.l_onoff = value >= 0;
    l.l_linger = (u_short)(value >= 0 ? value : 0);
    if (setsockopt((SOCKET)s, SOL_SOCKET, SO_LINGER, (const char *)&l,
                   (int)sizeof l) != 0)
      return xsock__wsa_fail();
    return 0;
  }
  if ((rc = options__plain(option, &level, &name)) < 0)
    return rc;
  v = (DWORD)value;
  if (setsockopt((SOCKET)s, level, name, (const char *)&v, (int)sizeof v) != 0)
    return xsock__wsa_fail();
  return 0;
}

int xsock__option_get(xsock_t s, int option, int *value) {
  int level = 0, name = 0, rc;
  DWORD v = 0;
  int len = (int)sizeof v;
  if (option == XSOCK_OPT_REUSEADDR) {
    if ((rc = xsock__win_check_socket((SOCKET)s)) == 0)
      *value = 0;
    return rc;
  }
  if (option == XSOCK_OPT_LINGER) {
    struct linger l;
    len = (int)sizeof l;
    if (getsockopt((SOCKET)s, SOL_SOCKET, SO_LINGER, (char *)&l, &len) != 0)
      return xsock__wsa_fail();
    *value = l.l_onoff ? (int)l.l_linger : -1;
    return 0;
  }
  if ((rc = options__plain(option, &level, &name)) < 0)
    return rc;
  if (getsockopt((SOCKET)s, level, name, (char *)&v, &len) != 0)
    return xsock__wsa_fail();
  *value = (int)v;
  return 0;
}
