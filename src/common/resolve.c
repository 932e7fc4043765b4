/* SPDX-License-Identifier: MIT */
/* xsock_resolve's checks and promises, written once; the lookup itself is
 * the platform hook xsock__resolve_os (getaddrinfo in src/posix and
 * src/win32), so both OSes refuse the same inputs and return the same
 * shape of answer. */
#include "internal.h"

#include <stdio.h>

int xsock_resolve(const char *host, int port, int family, xsock_addr_t *out,
                  size_t max) {
  char service[8];
  int n, i, kept = 0;
  if (out == NULL || max == 0 || port < 0 || port > 65535)
    return xsock__fail(XSOCK_EINVAL, 0);
  if (family != XSOCK_AF_UNSPEC && family != XSOCK_AF_INET &&
      family != XSOCK_AF_INET6)
    return xsock__fail(XSOCK_EINVAL, 0);
  /* An empty name means different things to different resolvers (Windows
   * answers with the local addresses); refuse it the same way everywhere. */
  if (host != NULL && host[0] == '\0')
    return xsock__fail(XSOCK_EAI_NONAME, 0);
  if ((n = xsock__check_init()) < 0)
    return n;
  if (max > (size_t)INT32_MAX)
    max = (size_t)INT32_MAX;
  snprintf(service, sizeof service, "%d", port);
  n = xsock__resolve_os(host, service, family, out, max);
  if (n < 0)
    return n;
  /* A resolver answers in the family it was asked for, but the promise of
   * the family argument is kept here whatever it does. */
  for (i = 0; i < n; i++)
    if (family == XSOCK_AF_UNSPEC || out[i].family == family)
      out[kept++] = out[i];
  if (kept == 0)
    return xsock__fail(XSOCK_EAI_NONAME, 0);
  return kept;
}
