/* SPDX-License-Identifier: MIT */
/* XSOCK_ONESHOT on one backend (argv[1]), over real sockets: a one-shot
 * registration is reported once and then stays silent, even while still
 * ready, until a modify re-arms it; errors and hangups count as the one
 * report; a modify before the report, a remove after it, the user data, a
 * double re-arm, many handles at once, and a wakeup that must not disarm
 * anything. "Silent" is checked over several waits, some of them long
 * enough for a backend that disarms lazily to meet the kernel's second
 * report; a second, persistent selector proves the state is still there. */
#include "xtest.h"

#include <string.h>

#define OS_BOUND 5000
#define OS_READ1 (XSOCK_READ | XSOCK_ONESHOT)
#define OS_MANY 200

/* Asserts that sock is not reported by several waits (two of them long
 * enough for the kernel to report a ready handle again). */
static void os_silent(xsock_selector_t *sel, xsock_t sock) {
  int i;
  for (i = 0; i < 4; i++)
    assert_int_equal(xt_wait_one(sel, sock, i % 2 ? 20 : 0), 0);
}

/* Asserts that a persistent registration elsewhere sees want on s: the
 * silence is the one-shot's doing, not a lack of readiness. */
static void os_still(xsock_t s, unsigned want) {
  xsock_selector_t *probe = xt_selector();
  xt_ok(xsock_selector_add(probe, s, want, NULL));
  assert_int_equal(xt_expect_events(probe, s, want, OS_BOUND) & want, want);
  xsock_selector_close(probe);
}

/* Waits until sock is reported with want; returns its events and checks
 * the user data of that report. */
static unsigned os_expect(xsock_selector_t *sel, xsock_t sock, unsigned want,
                          void *udata) {
  xsock_event_t evs[64];
  int waited = 0, i, n;
  while (waited <= OS_BOUND) {
    n = (int)xt_ok(xsock_selector_wait(sel, evs, 64, 10));
    for (i = 0; i < n; i++) {
      if (evs[i].sock != sock)
        continue;
      assert_ptr_equal(evs[i].udata, udata);
      assert_int_equal(evs[i].events & want, want);
      return evs[i].events;
    }
    if (n == 0)
      waited += 10;
  }
  fail_msg("handle not reported");
  return 0;
}

static void os_drain(xsock_t s) {
  char buf[64];
  while (xsock_recv(s, buf, sizeof buf) > 0)
    ;
}

static void os_pair(xsock_t p[2]) {
  xt_ok(xsock_socketpair(XSOCK_STREAM, p));
  xt_ok(xsock_set_nonblocking(p[0], 1));
}

static void os_close_pair(xsock_t p[2]) {
  xt_close(&p[0]);
  xt_close(&p[1]);
}

static void test_once_then_silent(void **state) {
  xsock_selector_t *sel = xt_selector();
  xsock_t p[2];
  (void)state;
  os_pair(p);
  xt_ok(xsock_send(p[1], "a", 1));
  xt_ok(xsock_selector_add(sel, p[0], OS_READ1, &p[0]));
  assert_int_equal(os_expect(sel, p[0], XSOCK_READ, &p[0]), XSOCK_READ);
  os_silent(sel, p[0]);
  os_still(p[0], XSOCK_READ);
  /* Still registered: add refuses it, and it comes back with a modify. */
  xt_err(xsock_selector_add(sel, p[0], XSOCK_READ, NULL), XSOCK_EEXIST);
  xt_ok(xsock_selector_modify(sel, p[0], OS_READ1, &p[0]));
  assert_int_equal(os_expect(sel, p[0], XSOCK_READ, &p[0]), XSOCK_READ);
  os_silent(sel, p[0]);
  xsock_selector_close(sel);
  os_close_pair(p);
}

/* The handler's pattern: read everything, re-arm, and the next data is
 * reported once again (the re-arm that costs no system call). */
static void test_rearm_after_read(void **state) {
  xsock_selector_t *sel = xt_selector();
  xsock_t p[2];
  int round;
  (void)state;
  os_pair(p);
  xt_ok(xsock_selector_add(sel, p[0], OS_READ1, NULL));
  assert_int_equal(xt_wait_one(sel, p[0], 0), 0);
  for (round = 0; round < 5; round++) {
    xt_ok(xsock_send(p[1], "b", 1));
    assert_int_equal(os_expect(sel, p[0], XSOCK_READ, NULL), XSOCK_READ);
    os_drain(p[0]);
    xt_ok(xsock_selector_modify(sel, p[0], OS_READ1, NULL));
    assert_int_equal(xt_wait_one(sel, p[0], 0), 0);
  }
  /* Re-armed while data waits: reported at once. */
  xt_ok(xsock_send(p[1], "c", 1));
  assert_int_equal(os_expect(sel, p[0], XSOCK_READ, NULL), XSOCK_READ);
  xt_ok(xsock_selector_modify(sel, p[0], OS_READ1, NULL));
  assert_int_equal(os_expect(sel, p[0], XSOCK_READ, NULL), XSOCK_READ);
  os_silent(sel, p[0]);
  xsock_selector_close(sel);
  os_close_pair(p);
}

/* A hangup (READ asked) and an error are the one report too. */
static void test_hangup_once(void **state) {
  xsock_selector_t *sel = xt_selector();
  xsock_t p[2];
  unsigned ev;
  (void)state;
  os_pair(p);
  xt_ok(xsock_selector_add(sel, p[0], OS_READ1, NULL));
  xt_close(&p[1]);
  ev = os_expect(sel, p[0], XSOCK_READ, NULL);
  assert_true(ev & XSOCK_READ);
  os_silent(sel, p[0]);
  xt_ok(xsock_selector_modify(sel, p[0], OS_READ1, NULL));
  assert_int_equal(os_expect(sel, p[0], XSOCK_READ, NULL), ev);
  os_silent(sel, p[0]);
  xsock_selector_close(sel);
  os_close_pair(p);
}

static void test_refused_connect_once(void **state) {
  xsock_selector_t *sel = xt_selector();
  xsock_addr_t addr;
  xsock_t c;
  unsigned ev, again = XSOCK_WRITE | XSOCK_ERROR;
  int rc, result = XSOCK_ECONNREFUSED;
  (void)state;
  if (xt_libkqueue()) {
    /* libkqueue reads (and so clears) the pending error with its first
     * report, as tests/selector_semantics.c explains: the re-armed report
     * is WRITE alone, and the socket is then merely unconnected. */
    again = XSOCK_WRITE;
    result = XSOCK_ENOTCONN;
  }
  xt_refused_addr(&addr);
  rc = xt_connect_nb(&c, &addr);
  if (rc == 0) { /* refused at once: nothing to wait for */
    xsock_selector_close(sel);
    xt_close(&c);
    return;
  }
  xt_ok(xsock_selector_add(sel, c, XSOCK_WRITE | XSOCK_ONESHOT, NULL));
  ev = os_expect(sel, c, XSOCK_WRITE | XSOCK_ERROR, NULL);
  assert_true(ev & XSOCK_ERROR);
  os_silent(sel, c);
  xt_ok(xsock_selector_modify(sel, c, XSOCK_WRITE | XSOCK_ONESHOT, NULL));
  assert_int_equal(os_expect(sel, c, again, NULL) & again, again);
  os_silent(sel, c);
  /* Nothing read the pending error. */
  xt_err(xsock_connect_result(c), result);
  xsock_selector_close(sel);
  xt_close(&c);
}

/* A modify before the report replaces the interest, one-shot still. */
static void test_modify_before_report(void **state) {
  xsock_selector_t *sel = xt_selector();
  xsock_t p[2];
  (void)state;
  os_pair(p);
  xt_ok(xsock_selector_add(sel, p[0], OS_READ1, NULL));
  assert_int_equal(xt_wait_one(sel, p[0], 0), 0);
  xt_ok(xsock_selector_modify(sel, p[0], XSOCK_WRITE | XSOCK_ONESHOT, p));
  assert_int_equal(os_expect(sel, p[0], XSOCK_WRITE, p), XSOCK_WRITE);
  os_silent(sel, p[0]);
  os_still(p[0], XSOCK_WRITE);
  xsock_selector_close(sel);
  os_close_pair(p);
}

/* Removed after its report, the handle can be added again, persistent. */
static void test_remove_after_report(void **state) {
  xsock_selector_t *sel = xt_selector();
  xsock_t p[2];
  (void)state;
  os_pair(p);
  xt_ok(xsock_send(p[1], "d", 1));
  xt_ok(xsock_selector_add(sel, p[0], OS_READ1, NULL));
  assert_int_equal(os_expect(sel, p[0], XSOCK_READ, NULL), XSOCK_READ);
  xt_ok(xsock_selector_remove(sel, p[0]));
  xt_err(xsock_selector_modify(sel, p[0], OS_READ1, NULL), XSOCK_ENOENT);
  os_silent(sel, p[0]);
  xt_ok(xsock_selector_add(sel, p[0], XSOCK_READ, p));
  assert_int_equal(os_expect(sel, p[0], XSOCK_READ, p), XSOCK_READ);
  assert_int_equal(os_expect(sel, p[0], XSOCK_READ, p), XSOCK_READ);
  /* Removed while armed and never reported: no trace either. */
  xt_ok(xsock_selector_modify(sel, p[0], OS_READ1, p));
  xt_ok(xsock_selector_remove(sel, p[0]));
  os_silent(sel, p[0]);
  xsock_selector_close(sel);
  os_close_pair(p);
}

/* The user data survives the silent time; a modify gives new data. */
static void test_udata_kept(void **state) {
  xsock_selector_t *sel = xt_selector();
  xsock_t p[2];
  int a = 1, b = 2;
  (void)state;
  os_pair(p);
  xt_ok(xsock_send(p[1], "e", 1));
  xt_ok(xsock_selector_add(sel, p[0], OS_READ1, &a));
  assert_int_equal(os_expect(sel, p[0], XSOCK_READ, &a), XSOCK_READ);
  os_silent(sel, p[0]);
  xt_ok(xsock_selector_modify(sel, p[0], OS_READ1, &b));
  assert_int_equal(os_expect(sel, p[0], XSOCK_READ, &b), XSOCK_READ);
  /* A persistent re-arm keeps reporting, with its data. */
  xt_ok(xsock_selector_modify(sel, p[0], XSOCK_READ, &a));
  assert_int_equal(os_expect(sel, p[0], XSOCK_READ, &a), XSOCK_READ);
  assert_int_equal(os_expect(sel, p[0], XSOCK_READ, &a), XSOCK_READ);
  assert_int_equal(os_expect(sel, p[0], XSOCK_READ, &a), XSOCK_READ);
  xsock_selector_close(sel);
  os_close_pair(p);
}

/* Two re-arms in a row (before any report) still give one report. */
static void test_rearm_twice(void **state) {
  xsock_selector_t *sel = xt_selector();
  xsock_t p[2];
  (void)state;
  os_pair(p);
  xt_ok(xsock_send(p[1], "f", 1));
  xt_ok(xsock_selector_add(sel, p[0], OS_READ1, NULL));
  assert_int_equal(os_expect(sel, p[0], XSOCK_READ, NULL), XSOCK_READ);
  xt_ok(xsock_selector_modify(sel, p[0], OS_READ1, NULL));
  xt_ok(xsock_selector_modify(sel, p[0], OS_READ1, NULL));
  assert_int_equal(os_expect(sel, p[0], XSOCK_READ, NULL), XSOCK_READ);
  os_silent(sel, p[0]);
  /* And the same after the kernel's second report disarmed it. */
  xt_ok(xsock_selector_modify(sel, p[0], OS_READ1, NULL));
  xt_ok(xsock_selector_modify(sel, p[0], OS_READ1, NULL));
  assert_int_equal(os_expect(sel, p[0], XSOCK_READ, NULL), XSOCK_READ);
  os_silent(sel, p[0]);
  xsock_selector_close(sel);
  os_close_pair(p);
}

/* Interest 0 in between, and XSOCK_ONESHOT alone (which is interest 0). */
static void test_zero_then_oneshot(void **state) {
  xsock_selector_t *sel = xt_selector();
  xsock_t p[2];
  (void)state;
  os_pair(p);
  xt_ok(xsock_send(p[1], "g", 1));
  xt_ok(xsock_selector_add(sel, p[0], XSOCK_ONESHOT, NULL));
  os_silent(sel, p[0]);
  xt_ok(xsock_selector_modify(sel, p[0], OS_READ1, NULL));
  assert_int_equal(os_expect(sel, p[0], XSOCK_READ, NULL), XSOCK_READ);
  xt_ok(xsock_selector_modify(sel, p[0], 0, NULL));
  os_silent(sel, p[0]);
  xt_ok(xsock_selector_modify(sel, p[0], OS_READ1, NULL));
  assert_int_equal(os_expect(sel, p[0], XSOCK_READ, NULL), XSOCK_READ);
  os_silent(sel, p[0]);
  xt_err(xsock_selector_modify(sel, p[0], XSOCK_ONESHOT << 1, NULL),
         XSOCK_EINVAL);
  xt_err(xsock_selector_modify(sel, p[0], XSOCK_ERROR | XSOCK_ONESHOT, NULL),
         XSOCK_EINVAL);
  xsock_selector_close(sel);
  os_close_pair(p);
}

/* Many one-shot handles, all ready, collected through a small array:
 * each is reported exactly once; those the array had no room for stay
 * armed until their turn. Re-armed, each is reported once more. */
static void test_many_handles(void **state) {
  static xsock_t p[OS_MANY][2];
  static int seen[OS_MANY];
  xsock_selector_t *sel = xt_selector();
  xsock_event_t evs[16];
  int i, round, total, n, quiet;
  (void)state;
  for (i = 0; i < OS_MANY; i++) {
    os_pair(p[i]);
    xt_ok(xsock_send(p[i][1], "h", 1));
    xt_ok(xsock_selector_add(sel, p[i][0], OS_READ1, &seen[i]));
  }
  for (round = 0; round < 2; round++) {
    memset(seen, 0, sizeof seen);
    total = 0;
    quiet = 0;
    while (total < OS_MANY && quiet < OS_BOUND / 10) {
      n = (int)xt_ok(xsock_selector_wait(sel, evs, 16, 10));
      quiet = n == 0 ? quiet + 1 : 0;
      for (i = 0; i < n; i++) {
        int *s = (int *)evs[i].udata;
        assert_int_equal(evs[i].events, XSOCK_READ);
        assert_int_equal(evs[i].sock, p[s - seen][0]);
        assert_int_equal(*s, 0);
        *s = 1;
        total++;
      }
    }
    assert_int_equal(total, OS_MANY);
    for (i = 0; i < 4; i++)
      assert_int_equal(xt_ok(xsock_selector_wait(sel, evs, 16, i % 2 * 20)), 0);
    for (i = 0; i < OS_MANY; i++)
      xt_ok(xsock_selector_modify(sel, p[i][0], OS_READ1, &seen[i]));
  }
  xsock_selector_close(sel);
  for (i = 0; i < OS_MANY; i++)
    os_close_pair(p[i]);
}

/* A wakeup ends a wait without reporting, so it disarms nothing. */
static void test_wakeup_keeps_armed(void **state) {
  xsock_selector_t *sel = xt_selector();
  xsock_event_t evs[8];
  xsock_t p[2];
  (void)state;
  os_pair(p);
  xt_ok(xsock_selector_add(sel, p[0], OS_READ1, NULL));
  xt_ok(xsock_selector_wakeup(sel));
  assert_int_equal(xt_ok(xsock_selector_wait(sel, evs, 8, -1)), 0);
  xt_ok(xsock_selector_wakeup(sel));
  assert_int_equal(xt_ok(xsock_selector_wait(sel, evs, 8, 1000)), 0);
  xt_ok(xsock_send(p[1], "i", 1));
  assert_int_equal(os_expect(sel, p[0], XSOCK_READ, NULL), XSOCK_READ);
  os_silent(sel, p[0]);
  xsock_selector_close(sel);
  os_close_pair(p);
}

int main(int argc, char **argv) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_once_then_silent),
      cmocka_unit_test(test_rearm_after_read),
      cmocka_unit_test(test_hangup_once),
      cmocka_unit_test(test_refused_connect_once),
      cmocka_unit_test(test_modify_before_report),
      cmocka_unit_test(test_remove_after_report),
      cmocka_unit_test(test_udata_kept),
      cmocka_unit_test(test_rearm_twice),
      cmocka_unit_test(test_zero_then_oneshot),
      cmocka_unit_test(test_many_handles),
      cmocka_unit_test(test_wakeup_keeps_armed),
  };
  return xt_selector_main(argc, argv, tests);
}
