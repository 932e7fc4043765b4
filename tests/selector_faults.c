/* SPDX-License-Identifier: MIT */
/* Fault injection into the selector, on one backend (argv[1]): the
 * kernel refuses a registration or a change, a wait fails or is
 * interrupted, an allocation fails while the selector opens or grows.
 * Each failure must return the right XSOCK_E*, leak no handle, and leave
 * the registration table consistent: a failed add registered nothing (a
 * later add of the same handle succeeds), a failed modify kept the old
 * interest and user data, and every other registration still reports.
 * The faults come from tests/fault/xfault.c through the library's table
 * of OS calls (test build only), natively and under Wine.
 *
 * Backends without a kernel registration call (poll, select, wsapoll,
 * afd: their registrations live in memory until a wait) are never asked
 * to fail one; the tests check that they did not make one either, and
 * that epoll and kqueue did. */
#include "xtest.h"
#include "xfault.h"

#include <string.h>

/* Whether this backend tells the kernel about a registration when it is
 * added or changed. */
static int kernel_registers(void) {
  return xt_backend == XSOCK_BACKEND_EPOLL ||
         xt_backend == XSOCK_BACKEND_KQUEUE;
}

/* A stream pair whose first end is readable (one byte waits in it). */
static void readable_pair(xsock_t p[2]) {
  xt_ok(xsock_socketpair(XSOCK_STREAM, p));
  assert_int_equal(xsock_send(p[1], "r", 1), 1);
}

/* Checks that the process holds no more handles than base. libkqueue
 * closes a kqueue's own descriptors from a thread of its own some time
 * after the close (docs/semantics.md, "kqueue, measured on libkqueue"):
 * there the count is waited for, 5 s at most, and may end below base when
 * an earlier kqueue's cleanup lands meanwhile. Everywhere else it must be
 * exactly base at once. */
static void expect_no_leak(long base) {
  long n = xf_open_handles();
  int i;
  for (i = 0; xt_libkqueue() && n > base && i < 500; i++) {
    xt_sleep_ms(10);
    n = xf_open_handles();
  }
  if (xt_libkqueue())
    assert_true(n <= base);
  else
    assert_int_equal(n, base);
}

static void close_pair(xsock_t p[2]) {
  xt_close(&p[0]);
  xt_close(&p[1]);
}

/* Opening fails at every allocation, every socket it makes (Windows'
 * wakeup pair) and every kernel registration (epoll's of the wakeup),
 * each in turn: the code says why, *sel is NULL, nothing stays open. */
static void test_open_fails_cleanly(void **state) {
  static const struct {
    xf_call_t kind;
    int os_err, want;
  } cases[] = {
      {XF_ALLOC, 0, XSOCK_ENOMEM},
      {XF_SOCKET, XF_EMFILE, XSOCK_EMFILE},
      {XF_CTL, XF_ENOMEM, XSOCK_ENOMEM},
  };
  size_t c;
  xsock_selector_t *warm;
  (void)state;
  /* A first selector, closed again, so that whatever the OS (or
   * libkqueue) sets up once per process is not counted as a leak. */
  warm = xt_selector();
  xsock_selector_close(warm);
  for (c = 0; c < sizeof cases / sizeof cases[0]; c++) {
    long step;
    for (step = 0; step < 64; step++) {
      long base = xf_open_handles();
      xsock_selector_t *sel = (xsock_selector_t *)&sel;
      int rc;
      xf_reset();
      xf_fail(cases[c].kind, step, 1, cases[c].os_err);
      rc = xsock_selector_open(&sel, xt_backend);
      if (xf_injected(cases[c].kind) == 0) {
        xt_ok(rc);
        xsock_selector_close(sel);
        break;
      }
      xt_err(rc, cases[c].want);
      assert_null(sel);
      expect_no_leak(base);
    }
    assert_true(step < 64);
    if (cases[c].kind == XF_ALLOC)
      assert_true(step >= 1); /* the selector itself is allocated */
  }
}

/* The kernel refuses a registration: add fails with XSOCK_ENOMEM and
 * registers nothing; the handle can be added again, and the registration
 * made before still reports. */
static void test_add_refused(void **state) {
  xsock_selector_t *sel = xt_selector();
  xsock_t a[2], b[2];
  xsock_event_t evs[4];
  int rc, n, i, seen = 0;
  (void)state;
  readable_pair(a);
  readable_pair(b);
  xt_ok(xsock_selector_add(sel, a[0], XSOCK_READ, a));
  xf_fail(XF_CTL, 0, 1, XF_ENOMEM);
  rc = xsock_selector_add(sel, b[0], XSOCK_READ, b);
  if (kernel_registers()) {
    assert_int_equal(xf_injected(XF_CTL), 1);
    xt_err(rc, XSOCK_ENOMEM);
    xt_err(xsock_selector_modify(sel, b[0], XSOCK_READ, b), XSOCK_ENOENT);
    xt_err(xsock_selector_remove(sel, b[0]), XSOCK_ENOENT);
    xt_ok(xsock_selector_add(sel, b[0], XSOCK_READ, b));
  } else {
    assert_int_equal(xf_calls(XF_CTL), 0);
    xt_ok(rc);
  }
  /* Both report, each with its own user data. */
  for (i = 0; i < 50 && seen != 3; i++) {
    int k;
    n = xsock_selector_wait(sel, evs, 4, 100);
    assert_true(n >= 0);
    for (k = 0; k < n; k++) {
      assert_int_equal(evs[k].events, XSOCK_READ);
      if (evs[k].udata == a)
        seen |= 1;
      else if (evs[k].udata == b)
        seen |= 2;
      else
        fail_msg("an event for a handle never registered");
    }
  }
  assert_int_equal(seen, 3);
  xsock_selector_close(sel);
  close_pair(a);
  close_pair(b);
}

/* The kernel refuses a change: modify fails with XSOCK_ENOMEM, and the
 * registration reports as before (old interest, old user data) until a
 * modify goes through. */
static void test_modify_refused(void **state) {
  xsock_selector_t *sel = xt_selector();
  xsock_t a[2];
  int first = 1, second = 2, rc;
  (void)state;
  readable_pair(a);
  xt_ok(xsock_selector_add(sel, a[0], XSOCK_READ, &first));
  xf_fail(XF_CTL, 0, 1, XF_ENOMEM);
  rc = xsock_selector_modify(sel, a[0], XSOCK_READ | XSOCK_WRITE, &second);
  if (kernel_registers()) {
    assert_int_equal(xf_injected(XF_CTL), 1);
    xt_err(rc, XSOCK_ENOMEM);
    assert_int_equal(xt_expect_events(sel, a[0], XSOCK_READ, 5000), XSOCK_READ);
    xt_ok(xsock_selector_modify(sel, a[0], XSOCK_READ | XSOCK_WRITE, &second));
  } else {
    assert_int_equal(xf_calls(XF_CTL), 0);
    xt_ok(rc);
  }
  assert_int_equal(xt_expect_events(sel, a[0], XSOCK_READ | XSOCK_WRITE, 5000),
                   XSOCK_READ | XSOCK_WRITE);
  {
    xsock_event_t ev;
    assert_int_equal(xsock_selector_wait(sel, &ev, 1, 1000), 1);
    assert_ptr_equal(ev.udata, &second);
  }
  xsock_selector_close(sel);
  close_pair(a);
}

/* A remove whose kernel call fails still unregisters: the handle is
 * unknown afterwards, never reported again, and can be added anew. */
static void test_remove_refused(void **state) {
  xsock_selector_t *sel = xt_selector();
  xsock_t a[2], b[2];
  xsock_event_t evs[4];
  int rc, n, i;
  (void)state;
  readable_pair(a);
  readable_pair(b);
  xt_ok(xsock_selector_add(sel, a[0], XSOCK_READ, a));
  xt_ok(xsock_selector_add(sel, b[0], XSOCK_READ, b));
  xf_fail(XF_CTL, 0, 1, XF_ENOMEM);
  rc = xsock_selector_remove(sel, a[0]);
  assert_true(rc == 0 || rc == XSOCK_ENOMEM);
  xt_err(xsock_selector_modify(sel, a[0], XSOCK_READ, a), XSOCK_ENOENT);
  for (i = 0; i < 3; i++) {
    int k;
    n = xsock_selector_wait(sel, evs, 4, 1000);
    assert_true(n >= 1);
    for (k = 0; k < n; k++)
      assert_ptr_equal(evs[k].udata, b);
  }
  xt_ok(xsock_selector_add(sel, a[0], XSOCK_READ, a));
  assert_int_equal(xt_expect_events(sel, a[0], XSOCK_READ, 5000), XSOCK_READ);
  xsock_selector_close(sel);
  close_pair(a);
  close_pair(b);
}

/* A failed wait returns its code and changes nothing: the next wait
 * reports what is ready. */
static void test_wait_fails_then_recovers(void **state) {
  xsock_selector_t *sel = xt_selector();
  xsock_t a[2];
  xsock_event_t ev;
  (void)state;
  readable_pair(a);
  xt_ok(xsock_selector_add(sel, a[0], XSOCK_READ, a));
  xf_fail(XF_WAIT, 0, 1, XF_ENOMEM);
  xt_err(xsock_selector_wait(sel, &ev, 1, 1000), XSOCK_ENOMEM);
  assert_int_equal(xf_injected(XF_WAIT), 1);
  assert_int_equal(xt_expect_events(sel, a[0], XSOCK_READ, 5000), XSOCK_READ);
  xsock_selector_close(sel);
  close_pair(a);
}

/* An interrupted wait resumes: with a timeout of -1 it still returns the
 * ready handle, with 0 it returns 0, never XSOCK_EINTR. */
static void test_wait_interrupted_resumes(void **state) {
  xsock_selector_t *sel = xt_selector();
  xsock_t a[2], idle[2];
  xsock_event_t ev;
  (void)state;
  readable_pair(a);
  xt_ok(xsock_socketpair(XSOCK_STREAM, idle));
  xt_ok(xsock_selector_add(sel, idle[0], XSOCK_READ, idle));
  xf_fail(XF_WAIT, 0, 3, XF_EINTR);
  assert_int_equal(xsock_selector_wait(sel, &ev, 1, 0), 0);
  assert_true(xf_injected(XF_WAIT) >= 1);
  xf_reset();
  xt_ok(xsock_selector_add(sel, a[0], XSOCK_READ, a));
  xf_fail(XF_WAIT, 0, 3, XF_EINTR);
  assert_int_equal(xsock_selector_wait(sel, &ev, 1, -1), 1);
  assert_ptr_equal(ev.udata, a);
  assert_int_equal(xf_injected(XF_WAIT), 3);
  xsock_selector_close(sel);
  close_pair(a);
  close_pair(idle);
}

#define GROW_PAIRS 100
/* Handles that keep the lowest numbers until each step's selector opens:
 * on POSIX the registration table is indexed by descriptor, so the
 * selector's own descriptors (its wakeup) must sit below the pairs' for
 * the adds to grow the table. */
#define GROW_LOW 32

static void open_low(xsock_t *low) {
  int i;
  for (i = 0; i < GROW_LOW; i++)
    xt_ok(xsock_socket(&low[i], XSOCK_AF_INET, XSOCK_DGRAM, 0));
}

static void close_low(xsock_t *low) {
  int i;
  for (i = 0; i < GROW_LOW; i++)
    xt_close(&low[i]);
}

/* An allocation fails somewhere among GROW_PAIRS adds (each allocation
 * in turn, over the table's, the map's and the backend's growth): that
 * add fails with XSOCK_ENOMEM and registers nothing, it succeeds when
 * tried again, and in the end every registration reports with its own
 * user data, exactly once per wait. */
static void test_growth_allocation_fails(void **state) {
  static xsock_t p[GROW_PAIRS][2], low[GROW_LOW];
  static int udata[GROW_PAIRS];
  xsock_event_t evs[GROW_PAIRS + 8];
  long step, base;
  int i, failed_adds = 0;
  (void)state;
  open_low(low);
  for (i = 0; i < GROW_PAIRS; i++)
    readable_pair(p[i]);
  base = xf_open_handles();
  for (step = 0; step < 256; step++) {
    xsock_selector_t *sel;
    close_low(low);
    sel = xt_selector();
    open_low(low);
    int failed = -1, tries, seen_all = 0;
    unsigned char seen[GROW_PAIRS];
    xf_reset();
    xf_fail(XF_ALLOC, step, 1, 0);
    for (i = 0; i < GROW_PAIRS; i++) {
      int rc = xsock_selector_add(sel, p[i][0], XSOCK_READ, &udata[i]);
      if (rc < 0) {
        xt_err(rc, XSOCK_ENOMEM);
        assert_int_equal(failed, -1);
        failed = i;
        xt_err(xsock_selector_modify(sel, p[i][0], XSOCK_READ, &udata[i]),
               XSOCK_ENOENT);
        xt_ok(xsock_selector_add(sel, p[i][0], XSOCK_READ, &udata[i]));
      }
    }
    /* Every allocation an add makes is needed: the fault failed an add
     * whenever one was injected. */
    assert_int_equal(failed >= 0, xf_injected(XF_ALLOC) == 1);
    failed_adds += failed >= 0;
    memset(seen, 0, sizeof seen);
    for (tries = 0; tries < 100 && !seen_all; tries++) {
      int n = xsock_selector_wait(sel, evs, GROW_PAIRS + 8, 100), k;
      assert_true(n >= 0 && n <= GROW_PAIRS);
      for (k = 0; k < n; k++) {
        int idx = (int)((int *)evs[k].udata - udata);
        assert_true(idx >= 0 && idx < GROW_PAIRS);
        assert_int_equal(evs[k].events, XSOCK_READ);
        seen[idx] = 1;
      }
      seen_all = memchr(seen, 0, sizeof seen) == NULL;
    }
    assert_true(seen_all);
    xsock_selector_close(sel);
    expect_no_leak(base);
    if (xf_injected(XF_ALLOC) == 0)
      break; /* every allocation of the adds has failed once */
  }
  assert_true(step < 256);
  /* At least the registration table's growth failed an add. */
  assert_true(failed_adds >= 1);
  for (i = 0; i < GROW_PAIRS; i++)
    close_pair(p[i]);
  close_low(low);
}

int main(int argc, char **argv) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_open_fails_cleanly, xf_setup,
                                      xf_teardown),
      cmocka_unit_test_setup_teardown(test_add_refused, xf_setup, xf_teardown),
      cmocka_unit_test_setup_teardown(test_modify_refused, xf_setup,
                                      xf_teardown),
      cmocka_unit_test_setup_teardown(test_remove_refused, xf_setup,
                                      xf_teardown),
      cmocka_unit_test_setup_teardown(test_wait_fails_then_recovers, xf_setup,
                                      xf_teardown),
      cmocka_unit_test_setup_teardown(test_wait_interrupted_resumes, xf_setup,
                                      xf_teardown),
      cmocka_unit_test_setup_teardown(test_growth_allocation_fails, xf_setup,
                                      xf_teardown),
  };
  return xt_selector_main(argc, argv, tests);
}
