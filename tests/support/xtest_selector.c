/* SPDX-License-Identifier: MIT */
/* Selector helpers, in their own file so that suites which never touch
 * the selector do not link it. */
#include "xtest.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef _WIN32
#include <windows.h>
#else
#include <time.h>
#endif

int xt_backend = 0;

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
      xt_backend = id;
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

xsock_selector_t *xt_selector(void) {
  xsock_selector_t *sel = NULL;
  xt_ok(xsock_selector_open(&sel, xt_backend));
  assert_non_null(sel);
  return sel;
}

unsigned xt_wait_one(xsock_selector_t *sel, xsock_t sock, int timeout_ms) {
  xsock_event_t evs[64];
  unsigned found = 0;
  int i, n = (int)xt_ok(xsock_selector_wait(sel, evs, 64, timeout_ms));
  for (i = 0; i < n; i++) {
    if (evs[i].sock == sock) {
      /* One merged event per handle per wait. */
      assert_int_equal(found, 0);
      found = evs[i].events;
      assert_int_not_equal(found, 0);
    }
  }
  return found;
}

void xt_full_queue_listener(xsock_t *l, xsock_addr_t *la, xsock_t *c1,
                            xsock_t *c2) {
  xsock_addr_t any;
  xt_ok(xsock_socket(l, XSOCK_AF_INET, XSOCK_STREAM, 0));
  xt_ok(xsock_addr_loopback(&any, XSOCK_AF_INET, 0));
  xt_ok(xsock_bind(*l, &any));
  xt_ok(xsock_listen(*l, 1));
  xt_ok(xsock_getsockname(*l, la));
  xt_ok(xsock_create_connection(c1, "127.0.0.1", la->port, 5000, 0));
  xt_ok(xsock_create_connection(c2, "127.0.0.1", la->port, 5000, 0));
}

void xt_refused_addr(xsock_addr_t *addr) {
  xsock_t l;
  xt_listener(&l, addr, XSOCK_AF_INET);
  xt_ok(xsock_close(l));
}

int xt_connect_nb(xsock_t *s, const xsock_addr_t *addr) {
  int rc;
  xt_ok(xsock_socket(s, XSOCK_AF_INET, XSOCK_STREAM, XSOCK_NONBLOCK));
  rc = xsock_connect(*s, addr);
  if (rc != XSOCK_EINPROGRESS)
    xt_ok(rc);
  return rc;
}

uint64_t xt_now_ns(void) {
#ifdef _WIN32
  LARGE_INTEGER f, c;
  QueryPerformanceFrequency(&f);
  QueryPerformanceCounter(&c);
  return (uint64_t)((double)c.QuadPart * 1e9 / (double)f.QuadPart);
#else
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
#endif
}

int xt__selector_main(int argc, char **argv, const struct CMUnitTest *tests,
                      size_t count) {
  int rc;
  xt_backend_from_args(argc, argv);
  xt_ok(xsock_init());
  rc = _cmocka_run_group_tests(xsock_backend_name(xt_backend), tests, count,
                               NULL, NULL);
  xsock_cleanup();
  return rc;
}
