/* SPDX-License-Identifier: MIT */
/* The portable xsock_addr_t <-> the OS's struct sockaddr, for every OS.
 * The OS headers, the length type and whether AF_UNIX is offered come from
 * the platform tree's os_sockets.h; the rest is the same Berkeley-socket
 * layout everywhere.
 *
 * An AF_UNIX path is read only up to the end of its field: a caller may
 * hand in an xsock_addr_t it filled itself, and a path with no NUL in the
 * field is refused (XSOCK_EINVAL) instead of being read past the end. */
#include "addr_bsd.h"

#include <string.h>

#if XSOCK__OS_UNIX_SOCKETS
/* Fills *un from an AF_UNIX address, or fails with XSOCK_EINVAL. sun_path
 * is 108 bytes on Linux but 104 on macOS and the BSDs. */
static int addr_sockaddr__unix_to_os(const xsock_addr_t *addr,
                                     struct sockaddr_un *un,
                                     xsock__socklen_t *len) {
  const char *end = memchr(addr->u.path, '\0', sizeof addr->u.path);
  size_t n = end == NULL ? 0 : (size_t)(end - addr->u.path);
  if (n == 0 || n >= sizeof un->sun_path)
    return xsock__fail(XSOCK_EINVAL, 0);
  un->sun_family = AF_UNIX;
  memcpy(un->sun_path, addr->u.path, n + 1);
  *len = (xsock__socklen_t)(offsetof(struct sockaddr_un, sun_path) + n + 1);
  return 0;
}

/* Fills *addr from an AF_UNIX sockaddr of len bytes. An unnamed socket
 * (socketpair, unbound client) has no path; an abstract Linux name starts
 * with NUL and is cut there. */
static void addr_sockaddr__unix_from_os(xsock_addr_t *addr,
                                        const struct sockaddr *sa,
                                        xsock__socklen_t len) {
  const struct sockaddr_un *un = (const struct sockaddr_un *)sa;
  size_t off = offsetof(struct sockaddr_un, sun_path);
  size_t n = (size_t)len > off ? (size_t)len - off : 0;
  if (n > XSOCK_UNIX_PATH_MAX)
    n = XSOCK_UNIX_PATH_MAX;
  addr->family = XSOCK_AF_UNIX;
  memcpy(addr->u.path, un->sun_path, n);
  addr->u.path[n] = '\0';
}
#endif

int xsock__addr_to_os(const xsock_addr_t *addr, struct sockaddr_storage *ss,
                      xsock__socklen_t *len) {
  memset(ss, 0, sizeof *ss);
  switch (addr->family) {
  case XSOCK_AF_INET: {
    struct sockaddr_in *in = (struct sockaddr_in *)ss;
    in->sin_family = AF_INET;
    in->sin_port = htons(addr->port);
    memcpy(&in->sin_addr, addr->u.ip, 4);
    *len = (xsock__socklen_t)sizeof *in;
    return 0;
  }
  case XSOCK_AF_INET6: {
    struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;
    in6->sin6_family = AF_INET6;
    in6->sin6_port = htons(addr->port);
    in6->sin6_flowinfo = htonl(addr->flowinfo);
    in6->sin6_scope_id = addr->scope_id;
    memcpy(&in6->sin6_addr, addr->u.ip, 16);
    *len = (xsock__socklen_t)sizeof *in6;
    return 0;
  }
  case XSOCK_AF_UNIX:
#if XSOCK__OS_UNIX_SOCKETS
    return addr_sockaddr__unix_to_os(addr, (struct sockaddr_un *)ss, len);
#else
    return xsock__fail(XSOCK_EAFNOSUPPORT, 0);
#endif
  default:
    return xsock__fail(XSOCK_EINVAL, 0);
  }
}

int xsock__addr_from_os(xsock_addr_t *addr, const struct sockaddr *sa,
                        xsock__socklen_t len) {
  memset(addr, 0, sizeof *addr);
  if (len < (xsock__socklen_t)sizeof(sa->sa_family))
    return xsock__fail(XSOCK_EINVAL, 0);
  switch (sa->sa_family) {
  case AF_INET: {
    struct sockaddr_in in;
    if (len < (xsock__socklen_t)sizeof in)
      return xsock__fail(XSOCK_EINVAL, 0);
    memcpy(&in, sa, sizeof in);
    addr->family = XSOCK_AF_INET;
    addr->port = ntohs(in.sin_port);
    memcpy(addr->u.ip, &in.sin_addr, 4);
    return 0;
  }
  case AF_INET6: {
    struct sockaddr_in6 in6;
    if (len < (xsock__socklen_t)sizeof in6)
      return xsock__fail(XSOCK_EINVAL, 0);
    memcpy(&in6, sa, sizeof in6);
    addr->family = XSOCK_AF_INET6;
    addr->port = ntohs(in6.sin6_port);
    addr->flowinfo = ntohl(in6.sin6_flowinfo);
    addr->scope_id = in6.sin6_scope_id;
    memcpy(addr->u.ip, &in6.sin6_addr, 16);
    return 0;
  }
#if XSOCK__OS_UNIX_SOCKETS
  case AF_UNIX:
    addr_sockaddr__unix_from_os(addr, sa, len);
    return 0;
#endif
  default:
    return xsock__fail(XSOCK_EAFNOSUPPORT, 0);
  }
}

int xsock_addr_to_sockaddr(const xsock_addr_t *addr, void *sa, size_t *len) {
  struct sockaddr_storage ss;
  xsock__socklen_t n = 0;
  int rc;
  if (addr == NULL || sa == NULL || len == NULL)
    return xsock__fail(XSOCK_EINVAL, 0);
  if ((rc = xsock__addr_to_os(addr, &ss, &n)) < 0)
    return rc;
  if (*len < (size_t)n)
    return xsock__fail(XSOCK_ENOSPC, 0);
  memcpy(sa, &ss, (size_t)n);
  *len = (size_t)n;
  return 0;
}

int xsock_addr_from_sockaddr(xsock_addr_t *addr, const void *sa, size_t len) {
  struct sockaddr_storage ss;
  if (addr == NULL)
    return xsock__fail(XSOCK_EINVAL, 0);
  if (sa == NULL) {
    memset(addr, 0, sizeof *addr);
    return xsock__fail(XSOCK_EINVAL, 0);
  }
  /* A copy of at most the storage's size: the caller's bytes may be
   * unaligned, and a longer length holds nothing xsock reads. */
  if (len > sizeof ss)
    len = sizeof ss;
  memset(&ss, 0, sizeof ss);
  memcpy(&ss, sa, len);
  return xsock__addr_from_os(addr, (const struct sockaddr *)&ss,
                             (xsock__socklen_t)len);
}
