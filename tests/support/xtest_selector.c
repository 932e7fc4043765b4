/* SPDX-License-Identifier: MIT */
/* Selector helpers, in their own file so that suites which never touch
 * the selector do not link it. */
#include "xtest.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int xt_backend_from_args(int argc, char **argv) {
  int id;
  if (argc < 2) {
    fprintf(stderr, "usage: %s BACKEND\n", argv[0]);
    exit(2);
  }
  for (id = 1; id < 32; id++) {
    const char *name = xsock_backend_name(id);
    if (name != NULL && strcmp(name, argv[1]) == 0) {
      if (!(xsock_selector_supported() & (1u << id))) {
        fprintf(stderr, "backend %s is not compiled in\n", argv[1]);
        exit(2);
      }
      return id;
    }
  }
  fprintf(stderr, "unknown backend %s\n", argv[1]);
  exit(2);
}

unsigned xt_expect_events(xsock_selector_t *sel, xsock_t sock, unsigned want,
                          int bound_ms) {
  xsock_event_t evs[64];
  unsigned last = 0;
  int waited = 0, rounds = 0;
  /* Short waits, so that a backend that returns early (a wakeup, another
   * handle) is simply asked again until the bound; only empty waits count
   * against it, and a cap on rounds stops a handle that is busy forever. */
  while (waited <= bound_ms && rounds++ < 100000) {
    int i, n = xsock_selector_wait(sel, evs, 64, 10);
    xt_ok(n);
    for (i = 0; i < n; i++) {
      if (evs[i].sock == sock) {
        last = evs[i].events;
        if ((last & want) == want)
          return last;
      }
    }
    if (n == 0)
      waited += 10;
  }
  return last;
}

