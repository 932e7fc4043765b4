/* SPDX-License-Identifier: MIT */
/* The portable xsock_addr_t <-> the OS's struct sockaddr, on Windows.
 * The same as src/posix/addr_os.c except that Winsock lengths are int and
 * that AF_UNIX is not offered (XSOCK_EAFNOSUPPORT): Windows 10's AF_UNIX
 * sockets cannot be watched by WSAPoll or select reliably and do not exist
 * on older systems, so xsock keeps them POSIX-only. */
#include "os.h"

#include <string.h>

int xsock__addr_to_os(const xsock_addr_t *addr, struct sockaddr_storage *ss,
                      int *len) {
  memset(ss, 0, sizeof *ss);
  switch (addr->family) {
  case XSOCK_AF_INET: {
    struct sockaddr_in *in = (struct sockaddr_in *)ss;
    in->sin_family = AF_INET;
    in->sin_port = htons(addr->port);
    memcpy(&in->sin_addr, addr->u.ip, 4);
    *len = (int)sizeof *in;
    return 0;
  }
  case XSOCK_AF_INET6: {
    struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;
    in6->sin6_family = AF_INET6;
    in6->sin6_port = htons(addr->port);
    in6->sin6_flowinfo = htonl(addr->flowinfo);
    in6->sin6_scope_id = addr->scope_id;
    memcpy(&in6->sin6_addr, addr->u.ip, 16);
    *len = (int)sizeof *in6;
    return 0;
  }
  case XSOCK_AF_UNIX:
    return xsock__fail(XSOCK_EAFNOSUPPORT, 0);
  default:
    return xsock__fail(XSOCK_EINVAL, 0);
  }
}

int xsock__addr_from_os(xsock_addr_t *addr, const struct sockaddr *sa,
                        int len) {
  memset(addr, 0, sizeof *addr);
  if (len < (int)sizeof(sa->sa_family))
    return xsock__fail(XSOCK_EINVAL, 0);
  switch (sa->sa_family) {
  case AF_INET: {
    struct sockaddr_in in;
    if (len < (int)sizeof in)
      return xsock__fail(XSOCK_EINVAL, 0);
    memcpy(&in, sa, sizeof in);
    addr->family = XSOCK_AF_INET;
    addr->port = ntohs(in.sin_port);
    memcpy(addr->u.ip, &in.sin_addr, 4);
    return 0;
  }
  case AF_INET6: {
    struct sockaddr_in6 in6;
    if (len < (int)sizeof in6)
      return xsock__fail(XSOCK_EINVAL, 0);
    memcpy(&in6, sa, sizeof in6);
    addr->family = XSOCK_AF_INET6;
    addr->port = ntohs(in6.sin6_port);
    addr->flowinfo = ntohl(in6.sin6_flowinfo);
    addr->scope_id = in6.sin6_scope_id;
    memcpy(addr->u.ip, &in6.sin6_addr, 16);
    return 0;
  }
  default:
    return xsock__fail(XSOCK_EAFNOSUPPORT, 0);
  }
}

int xsock_addr_to_sockaddr(const xsock_addr_t *addr, void *sa, size_t *len) {
  struct sockaddr_storage ss;
  int n;
  int rc;
  if (addr == NULL || sa == NULL || len == NULL)
    return xsock__fail(XSOCK_EINVAL, 0);
  rc = xsock__addr_to_os(addr, &ss, &n);
  if (rc < 0)
    return rc;
  if (*len < (size_t)n)
    return xsock__fail(XSOCK_ENOSPC, 0);
  memcpy(sa, &ss, (size_t)n);
  *len = (size_t)n;
  return 0;
}

int xsock_addr_from_sockaddr(xsock_addr_t *addr, const void *sa, size_t len) {
  struct sockaddr_storage ss;
  if (addr == NULL || sa == NULL)
    return xsock__fail(XSOCK_EINVAL, 0);
  if (len > sizeof ss)
    len = sizeof ss;
  memset(&ss, 0, sizeof ss);
  memcpy(&ss, sa, len);
  return xsock__addr_from_os(addr, (const struct sockaddr *)&ss, (int)len);
}
