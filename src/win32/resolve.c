/* SPDX-License-Identifier: MIT */
/* Name resolution over getaddrinfo, on Windows.
 *
 * Notes on Windows:
 *  - getaddrinfo returns Winsock codes: EAI_NONAME is WSAHOST_NOT_FOUND,
 *    EAI_NODATA WSANO_DATA, EAI_AGAIN WSATRY_AGAIN, EAI_FAIL
 *    WSANO_RECOVERY, EAI_FAMILY WSAEAFNOSUPPORT, and so on; there is no
 *    EAI_SYSTEM. resolve__map_eai() gives the same XSOCK_* code as the
 *    POSIX version (src/posix/resolve.c) for the same situation, case for
 *    case; anything else (WSANOTINITIALISED before xsock_init) goes
 *    through the common Winsock mapping.
 *  - An empty host name makes Windows answer with the machine's own
 *    addresses; src/common/resolve.c refuses it before it gets here.
 *  - AI_ADDRCONFIG is not used, as on POSIX: it would hide loopback on a
 *    machine without a configured network. */
#include "os.h"

#include <string.h>

static int resolve__map_eai(int eai) {
  switch (eai) {
  case EAI_NONAME:
  case EAI_NODATA:
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
  case EAI_BADFLAGS:
  case EAI_SOCKTYPE:
    return xsock__fail(XSOCK_EINVAL, eai);
  default:
    return xsock__os_fail(eai);
  }
}

int xsock__resolve_os(const char *host, const char *service, int family,
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
    return resolve__map_eai(rc);
  for (ai = res; ai != NULL && count < max; ai = ai->ai_next) {
    /* Skip entries xsock cannot hold rather than fail the whole lookup. */
    if (ai->ai_addr != NULL &&
        xsock__addr_from_os(&out[count], ai->ai_addr, (int)ai->ai_addrlen) == 0)
      count++;
  }
  freeaddrinfo(res);
  return (int)count;
}
