/* SPDX-License-Identifier: MIT */
/* xsock_resolve's checks and promises, written once; the lookup itself is
 * xsock__os_resolve (the getaddrinfo loop in resolve_bsd.c), so every OS
 * refuses the same inputs and returns the same shape of answer. */
#include "internal.h"

#include <stdio.h>
#include <string.h>

/* The checks, the lookup and the family filter of xsock_resolve. *n is
 * how many entries of out the lookup wrote. */
static int resolve__run(const char *host, int port, int family,
                        xsock_addr_t *out, size_t max, int *n) {
  char service[8];
  int i, rc, kept = 0;
  if (out == NULL || max == 0 || port < 0 || port > 65535)
    return xsock__fail(XSOCK_EINVAL, 0);
  if (family != XSOCK_AF_UNSPEC && family != XSOCK_AF_INET &&
      family != XSOCK_AF_INET6)
    return xsock__fail(XSOCK_EINVAL, 0);
  /* An empty name means different things to different resolvers (Windows
   * answers with the local addresses); refuse it the same way everywhere. */
  if (host != NULL && host[0] == '\0')
    return xsock__fail(XSOCK_EAI_NONAME, 0);
  if ((rc = xsock__check_init()) < 0)
    return rc;
  if (max > (size_t)INT32_MAX)
    max = (size_t)INT32_MAX;
  snprintf(service, sizeof service, "%d", port);
  *n = xsock__os_resolve(host, service, family, out, max);
  if (*n < 0)
    return *n;
  /* A resolver answers in the family it was asked for, but the promise of
   * the family argument is kept here whatever it does. */
  for (i = 0; i < *n; i++)
    if (family == XSOCK_AF_UNSPEC || out[i].family == family)
      out[kept++] = out[i];
  if (kept == 0)
    return xsock__fail(XSOCK_EAI_NONAME, 0);
  return kept;
}

int xsock_resolve(const char *host, int port, int family, xsock_addr_t *out,
                  size_t max) {
  int n = 0, rc = resolve__run(host, port, family, out, max, &n);
  int i = rc < 0 ? 0 : rc;
  /* The one place that sets the out-parameters: no entry past the count
   * keeps an address the lookup wrote (the family filter may have moved
   * it), and on failure out[0] is the empty address. */
  if (rc < 0 && out != NULL && max > 0)
    memset(&out[0], 0, sizeof out[0]);
  for (; i < n; i++)
    memset(&out[i], 0, sizeof out[i]);
  return rc;
}
