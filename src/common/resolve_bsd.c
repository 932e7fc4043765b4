/* SPDX-License-Identifier: MIT */
/* The getaddrinfo loop behind xsock_resolve, for every OS (the checks and
 * promises are in resolve_api.c). The headers and the one OS difference in
 * the error codes come from the platform tree's os_sockets.h.
 *
 * Notes on the OSes:
 *  - getaddrinfo reports its own EAI_* codes, not errno; only EAI_SYSTEM
 *    (POSIX) means "look at errno". EAI_NODATA and EAI_ADDRFAMILY are
 *    glibc extensions (absent on macOS/BSD, where the same cases give
 *    EAI_NONAME); Windows has EAI_NODATA (WSANO_DATA) and no EAI_SYSTEM.
 *  - The port goes in as text with AI_NUMERICSERV so that no services
 *    database is consulted; AI_ADDRCONFIG is deliberately not used, since
 *    it hides ::1 and 127.0.0.1 on a machine with no configured network. */
#include "addr_bsd.h"

#include <string.h>

/* Maps a getaddrinfo failure to XSOCK_*, recording the raw EAI code (or
 * errno for EAI_SYSTEM) for xsock_last_os_error(). */
static int resolve_gai__fail(int eai) {
  switch (eai) {
  case EAI_NONAME:
#ifdef EAI_NODATA
  case EAI_NODATA:
#endif
#ifdef EAI_ADDRFAMILY
  case EAI_ADDRFAMILY: /* the host has no address of the asked family */
#endif
  case EAI_SERVICE:
    return xsock__fail(XSOCK_EAI_NONAME, eai);
  case EAI_AGAIN:
    return xsock__fail(XSOCK_EAI_AGAIN, eai);
  case EAI_FAIL:
    return xsock__fail(XSOCK_EAI_FAIL, eai);
  case EAI_FAMILY:
    return xsock__fail(XSOCK_EAFNOSUPPORT, eai);
  case EAI_MEMORY:
    return xsock__fail(XSOCK_ENOMEM, eai);
#ifdef EAI_SYSTEM
  case EAI_SYSTEM:
    return xsock__os_fail(errno);
#endif
  case EAI_BADFLAGS:
  case EAI_SOCKTYPE:
    return xsock__fail(XSOCK_EINVAL, eai);
  default:
    return xsock__gai_other(eai);
  }
}

int xsock__os_resolve(const char *host, const char *service, int family,
                      xsock_addr_t *out, size_t max) {
  struct addrinfo hints;
  struct addrinfo *res = NULL;
  const struct addrinfo *ai;
  size_t count = 0;
  int rc;
  memset(&hints, 0, sizeof hints);
  hints.ai_family = family == XSOCK_AF_INET    ? AF_INET
                    : family == XSOCK_AF_INET6 ? AF_INET6
                                               : AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_NUMERICSERV | (host == NULL ? AI_PASSIVE : 0);
  rc = getaddrinfo(host, service, &hints, &res);
  if (rc != 0)
    return resolve_gai__fail(rc);
  for (ai = res; ai != NULL && count < max; ai = ai->ai_next) {
    /* Skip entries xsock cannot hold rather than fail the whole lookup. */
    if (ai->ai_addr != NULL &&
        xsock__addr_from_os(&out[count], ai->ai_addr,
                            (xsock__socklen_t)ai->ai_addrlen) == 0)
      count++;
  }
  freeaddrinfo(res);
  return (int)count;
}
