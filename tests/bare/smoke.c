/* SPDX-License-Identifier: MIT */
/* The program of the tests `backends` and `bare_build`. It prints the
 * library's backend mask, checks it against the backend names given on
 * the command line (what the build system expects), and proves that every
 * backend in the mask works: a selector on it sees a byte written into a
 * socket pair. Built once by CMake and once from the bare sources with
 * nothing but a compiler command (tests/bare/check.cmake). No CMocka: the
 * bare build links the library's sources and this file alone. */
#include "xsock.h"

#include <stdio.h>
#include <string.h>

static int smoke__fail(const char *what, int backend, int rc) {
  fprintf(stderr, "smoke: %s on %s: %s\n", what,
          backend ? xsock_backend_name(backend) : "-", xsock_err_name(rc));
  return 1;
}

/* One byte through a socket pair, seen by a selector on backend. */
static int smoke__backend(int backend) {
  xsock_selector_t *sel = NULL;
  xsock_t pair[2] = {XSOCK_INVALID, XSOCK_INVALID};
  xsock_event_t ev;
  int rc, failed = 0;
  if ((rc = xsock_selector_open(&sel, backend)) < 0)
    return smoke__fail("xsock_selector_open", backend, rc);
  if ((rc = xsock_socketpair(XSOCK_STREAM, pair)) < 0) {
    xsock_selector_close(sel);
    return smoke__fail("xsock_socketpair", backend, rc);
  }
  if ((rc = xsock_selector_add(sel, pair[1], XSOCK_READ, &ev)) < 0)
    failed = smoke__fail("xsock_selector_add", backend, rc);
  else if ((rc = (int)xsock_send(pair[0], "x", 1)) != 1)
    failed = smoke__fail("xsock_send", backend, rc);
  /* A blocking wait: the byte is sent already, so it returns at once. */
  else if ((rc = xsock_selector_wait(sel, &ev, 1, -1)) != 1 ||
           ev.sock != pair[1] || !(ev.events & XSOCK_READ) ||
           ev.udata != (void *)&ev)
    failed = smoke__fail("xsock_selector_wait", backend, rc < 0 ? rc : 0);
  xsock_selector_close(sel);
  xsock_close(pair[0]);
  xsock_close(pair[1]);
  return failed;
}

int main(int argc, char **argv) {
  unsigned mask, expected = 0;
  int i, b, rc, failed = 0;
  if ((rc = xsock_init()) < 0)
    return smoke__fail("xsock_init", 0, rc);
  mask = xsock_selector_supported();
  for (i = 1; i < argc; i++) {
    for (b = 1; xsock_backend_name(b) != NULL; b++)
      if (strcmp(argv[i], xsock_backend_name(b)) == 0)
        break;
    if (xsock_backend_name(b) == NULL) {
      fprintf(stderr, "smoke: unknown backend name %s\n", argv[i]);
      failed = 1;
    } else {
      expected |= 1u << b;
    }
  }
  printf("backend mask 0x%x:", mask);
  for (b = 1; xsock_backend_name(b) != NULL; b++)
    if (mask & (1u << b))
      printf(" %s", xsock_backend_name(b));
  printf("\n");
  if (argc > 1 && mask != expected) {
    fprintf(stderr, "smoke: the build expects mask 0x%x\n", expected);
    failed = 1;
  }
  if (mask == 0) {
    fprintf(stderr, "smoke: no backend compiled in\n");
    failed = 1;
  }
  for (b = 1; xsock_backend_name(b) != NULL; b++)
    if (mask & (1u << b))
      failed |= smoke__backend(b);
  xsock_cleanup();
  return failed;
}
