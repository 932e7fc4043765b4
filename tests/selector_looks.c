/* SPDX-License-Identifier: MIT */
/* A wait with a positive timeout, on one backend (argv[1]). Where the
 * backend's look is quick (epoll, kqueue, afd: docs/semantics.md,
 * "Timeouts"), the wait first looks with timeout 0, so that a wait that
 * finds events ready needs no deadline and reads no clock; after a look
 * that finds nothing the next 1, 2, 4 ... (at most 64) such waits skip
 * it, until a look finds events again. The other backends never look.
 * The fault layer (tests/fault/xfault.c) counts the kernel waits made
 * with timeout 0; every wait's result is checked too, since a look must
 * never change what a wait returns. */
#include "xtest.h"
#include "xfault.h"

/* Whether this backend's positive-timeout waits look first. */
static int looks_first(void) {
  return xt_backend == XSOCK_BACKEND_EPOLL ||
         xt_backend == XSOCK_BACKEND_KQUEUE || xt_backend == XSOCK_BACKEND_AFD;
}

/* A stream pair whose first end is registered for READ, with the pair
 * as its user data. */
static void registered_pair(xsock_selector_t *sel, xsock_t p[2]) {
  xt_ok(xsock_socketpair(XSOCK_STREAM, p));
  xt_ok(xsock_selector_add(sel, p[0], XSOCK_READ, p));
}

/* A wait with a 5 s timeout, which must report p[0] readable at once. */
static void expect_readable(xsock_selector_t *sel, xsock_t p[2]) {
  xsock_event_t ev;
  assert_int_equal(xsock_selector_wait(sel, &ev, 1, 5000), 1);
  assert_ptr_equal(ev.udata, p);
  assert_int_equal(ev.events, XSOCK_READ);
}

static void close_all(xsock_selector_t *sel, xsock_t p[2]) {
  xsock_selector_close(sel);
  xt_ok(xsock_close(p[0]));
  xt_ok(xsock_close(p[1]));
}

/* Looks that find nothing space out: over 20 waits that time out, the
 * looks are at waits 1, 3, 6, 11 and 20 (each miss doubles the skip).
 * Then, readable, the 16 waits the last miss skips find the event through
 * the timed wait alone, and the next look finds it and ends the spacing:
 * from there every wait looks, and the look is its only kernel wait;
 * and the spacing starts again from 1 at the next miss. */
static void test_looks_space_out_then_resume(void **state) {
  xsock_selector_t *sel = xt_selector();
  xsock_t p[2];
  xsock_event_t ev;
  int i;
  (void)state;
  registered_pair(sel, p);
  xf_reset();
  for (i = 0; i < 20; i++)
    assert_int_equal(xsock_selector_wait(sel, &ev, 1, 1), 0);
  assert_int_equal(xf_zero_wait_calls(), looks_first() ? 5 : 0);

  assert_int_equal(xsock_send(p[1], "r", 1), 1);
  /* The byte is not read: every wait below finds it. Where the send's
   * readiness reaches a kernel queue a moment later (afd's completion),
   * the first wait is the one that may sleep for it. */
  expect_readable(sel, p);
  xf_reset();
  for (i = 0; i < 24; i++)
    expect_readable(sel, p);
  if (looks_first()) {
    /* 15 skipped (one went to the wait above), then 9 looks that hit. */
    assert_int_equal(xf_zero_wait_calls(), 9);
    assert_int_equal(xf_calls(XF_WAIT), 24);
  }
  /* A hit started the spacing over: with nothing ready again, the looks
   * are at waits 1 and 3, as on a new selector. */
  {
    char c;
    assert_int_equal(xsock_recv(p[0], &c, 1), 1);
  }
  xf_reset();
  for (i = 0; i < 3; i++)
    assert_int_equal(xsock_selector_wait(sel, &ev, 1, 1), 0);
  assert_int_equal(xf_zero_wait_calls(), looks_first() ? 2 : 0);
  close_all(sel, p);
}

/* A look that takes a wakeup ends the wait, as the timed wait would have,
 * and is no miss: the next wait looks again. */
static void test_look_takes_wakeup(void **state) {
  xsock_selector_t *sel = xt_selector();
  xsock_t p[2];
  xsock_event_t ev;
  (void)state;
  registered_pair(sel, p);
  xt_ok(xsock_selector_wakeup(sel));
  xf_reset();
  assert_int_equal(xsock_selector_wait(sel, &ev, 1, 5000), 0);
  if (looks_first()) {
    assert_int_equal(xf_zero_wait_calls(), 1);
    assert_int_equal(xf_calls(XF_WAIT), 1);
  }
  assert_int_equal(xsock_send(p[1], "r", 1), 1);
  expect_readable(sel, p);
  close_all(sel, p);
}

/* An interrupted look is followed by the timed wait, which still returns
 * the ready handle; an error other than EINTR ends the wait at the look. */
static void test_look_interrupted_or_failing(void **state) {
  xsock_selector_t *sel = xt_selector();
  xsock_t p[2];
  xsock_event_t ev;
  (void)state;
  registered_pair(sel, p);
  assert_int_equal(xsock_send(p[1], "r", 1), 1);
  xf_fail(XF_WAIT, 0, 1, XF_EINTR);
  expect_readable(sel, p);
  assert_int_equal(xf_injected(XF_WAIT), 1);
  xf_reset();
  xf_fail(XF_WAIT, 0, 1, XF_ENOMEM);
  xt_err(xsock_selector_wait(sel, &ev, 1, 5000), XSOCK_ENOMEM);
  assert_int_equal(xf_calls(XF_WAIT), 1);
  close_all(sel, p);
}

int main(int argc, char **argv) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_looks_space_out_then_resume,
                                      xf_setup, xf_teardown),
      cmocka_unit_test_setup_teardown(test_look_takes_wakeup, xf_setup,
                                      xf_teardown),
      cmocka_unit_test_setup_teardown(test_look_interrupted_or_failing,
                                      xf_setup, xf_teardown),
  };
  return xt_selector_main(argc, argv, tests);
}
