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
 *    addresses; it is refused as on POSIX.
 *  - AI_ADDRCONFIG is not used, as on POSIX: it would hide loopback on a
 *    machine without a configured network. */
#include "win32.h"

#include <stdio.h>
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

int xsock_resolve(const char *host, int port, int family, xsock_addr_t *out,
                  size_t max) {
  struct addrinfo hints;
  struct addrinfo *res = NULL;
  const struct addrinfo *ai;
  char service[8];
  size_t count = 0;
  int rc;

  if (out == NULL || max == 0 || port < 0 || port > 65535)
    return xsock__fail(XSOCK_EINVAL, 0);
  memset(&hints, 0, sizeof hints);
  switch (family) {
  case XSOCK_AF_UNSPEC:
    hints.ai_family = AF_UNSPEC;
    break;
  case XSOCK_AF_INET:
    hints.ai_family = AF_INET;
    break;
  case XSOCK_AF_INET6:
    hints.ai_family = AF_INET6;
    break;
  default:
    return xsock__fail(XSOCK_EINVAL, 0);
  }
  if (host != NULL && host[0] == '\0')
    return xsock__fail(XSOCK_EAI_NONAME, 0);
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_NUMERICSERV | (host == NULL ? AI_PASSIVE : 0);
  snprintf(service, sizeof service, "%d", port);

  rc = getaddrinfo(host, service, &hints, &res);
  if (rc != 0)
    return resolve__map_eai(rc);
  for (ai = res; ai != NULL && count < max; ai = ai->ai_next) {
    /* Skip entries xsock cannot hold rather than fail the whole lookup. */
    if (ai->ai_addr == NULL ||
        xsock__addr_from_os(&out[count], ai->ai_addr, (int)ai->ai_addrlen) != 0)
      continue;
    if (family != XSOCK_AF_UNSPEC && out[count].family != family)
      continue;
    count++;
  }
  freeaddrinfo(res);
  if (count == 0)
    return xsock__fail(XSOCK_EAI_NONAME, 0);
  return (int)count;
}
