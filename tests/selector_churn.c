/* SPDX-License-Identifier: MIT */
/* Registration churn on one backend (argv[1]): no stale event after a
 * remove even when the OS reuses the number, removing while walking the
 * events, random writers making exactly their readers ready, fairness
 * when more is ready than the array holds, and thousands of handles (or,
 * on select, XSOCK_ERANGE past FD_SETSIZE). */
#include "xtest.h"

#include <stdlib.h>
#include <string.h>

#ifndef _WIN32
#include <sys/resource.h>
#include <sys/select.h>
#include <unistd.h>
#endif

#define CH_BOUND 5000

static int tag_old, tag_new;

/* Every event of one wait; fails if any carries udata bad. */
static int ch_wait_without(xsock_selector_t *sel, xsock_event_t *evs, int max,
                           int timeout, const void *bad) {
  int i, n = (int)xt_ok(xsock_selector_wait(sel, evs, max, timeout));
  for (i = 0; i < n; i++)
    assert_ptr_not_equal(evs[i].udata, bad);
  return n;
}

/* Closes the selector, then both ends of n socket pairs. */
static void ch_close_all(xsock_selector_t *sel, xsock_t (*p)[2], int n) {
  int i;
  xsock_selector_close(sel);
  for (i = 0; i < n; i++) {
    xt_close(&p[i][0]);
    xt_close(&p[i][1]);
  }
}

static void test_no_stale_event_on_reuse(void **state) {
  xsock_selector_t *sel = xt_selector();
  xsock_event_t evs[16];
  xsock_t p[2], q[2], old;
  int i, n, seen = 0;
  (void)state;
  xt_ok(xsock_socketpair(XSOCK_STREAM, p));
  xt_ok(xsock_send(p[1], "x", 1));
  xt_ok(xsock_selector_add(sel, p[0], XSOCK_READ | XSOCK_WRITE, &tag_old));
  assert_true(xt_expect_events(sel, p[0], XSOCK_READ, CH_BOUND) & XSOCK_READ);
  /* Ready, reported, then removed and closed before the next wait. */
  old = p[0];
  xt_ok(xsock_selector_remove(sel, p[0]));
  xt_ok(xsock_close(p[0]));
  xt_ok(xsock_socketpair(XSOCK_STREAM, q));
#ifndef _WIN32
  /* POSIX hands out the lowest free number: the new socket reuses it. */
  assert_int_equal(q[0], old);
#else
  (void)old;
#endif
  xt_ok(xsock_selector_add(sel, q[0], XSOCK_READ, &tag_new));
  /* Not ready yet: nothing at all, and nothing for the old user data. */
  assert_int_equal(ch_wait_without(sel, evs, 16, 0, &tag_old), 0);
  xt_ok(xsock_send(q[1], "y", 1));
  for (i = 0; i < 1000 && !seen; i++) {
    n = ch_wait_without(sel, evs, 16, 10, &tag_old);
    if (n > 0) {
      assert_int_equal(n, 1);
      assert_int_equal(evs[0].sock, q[0]);
      assert_ptr_equal(evs[0].udata, &tag_new);
      assert_int_equal(evs[0].events, XSOCK_READ);
      seen = 1;
    }
  }
  assert_true(seen);
  xsock_selector_close(sel);
  xt_close(&p[1]);
  xt_close(&q[0]);
  xt_close(&q[1]);
}

#ifndef _WIN32
/* POSIX only (dup). Registers the readable p[0] of a new pair with
 * tag_old, keeps its open file alive in a duplicate (*dup_fd), then closes
 * and removes p[0], which epoll cannot take out of its set any more.
 * Returns p[0]'s old number. */
static int ch_close_registered_dup(xsock_selector_t *sel, xsock_t p[2],
                                   int *dup_fd) {
  int old;
  xt_ok(xsock_socketpair(XSOCK_STREAM, p));
  *dup_fd = dup(p[0]);
  assert_true(*dup_fd >= 0);
  xt_ok(xsock_send(p[1], "x", 1));
  xt_ok(xsock_selector_add(sel, p[0], XSOCK_READ, &tag_old));
  assert_true(xt_expect_events(sel, p[0], XSOCK_READ, CH_BOUND) & XSOCK_READ);
  old = p[0];
  xt_ok(xsock_close(p[0]));
  xt_ok(xsock_selector_remove(sel, old));
  return old;
}

/* After a new socket pair q took a closed handle's number: a byte sent to
 * q[0] is reported for it, with the new user data, and nothing comes
 * under the old registration's. */
static void ch_expect_new_owner(xsock_selector_t *sel, const xsock_t q[2]) {
  xsock_event_t evs[16];
  xt_ok(xsock_send(q[1], "y", 1));
  assert_int_equal(xt_expect_events(sel, q[0], XSOCK_READ, CH_BOUND),
                   XSOCK_READ);
  assert_int_equal(ch_wait_without(sel, evs, 16, 0, &tag_old), 1);
  assert_ptr_equal(evs[0].udata, &tag_new);
}

/* POSIX only (dup): a handle closed while registered whose open file
 * lives on in a duplicate. epoll keeps reporting the file under the old
 * registration; the stale generation must drop it. */
static void test_closed_while_registered_with_dup(void **state) {
  xsock_selector_t *sel;
  xsock_event_t evs[16];
  xsock_t p[2], q[2];
  int d, old;
  (void)state;
  /* libkqueue keeps a file closed while registered in its own epoll set,
   * where no EV_DELETE can reach it, and opens and closes descriptors of
   * its own, so the number is not reused as this test needs. A real
   * kqueue drops a descriptor's knotes when it is closed. */
  if (xt_libkqueue())
    skip();
  sel = xt_selector();
  old = ch_close_registered_dup(sel, p, &d);
  assert_int_equal(ch_wait_without(sel, evs, 16, 0, &tag_old), 0);
  assert_int_equal(ch_wait_without(sel, evs, 16, 10, &tag_old), 0);
  xt_ok(xsock_socketpair(XSOCK_STREAM, q));
  assert_int_equal(q[0], old);
  xt_ok(xsock_selector_add(sel, q[0], XSOCK_READ, &tag_new));
  assert_int_equal(ch_wait_without(sel, evs, 16, 0, &tag_old), 0);
  ch_expect_new_owner(sel, q);
  xsock_selector_close(sel);
  close(d);
  xt_close(&p[1]);
  xt_close(&q[0]);
  xt_close(&q[1]);
}

/* POSIX only (the number is reused for sure). Regression: epoll deferred
 * interest 0 and kept the closed socket's file in its set, so after a new
 * socket took the number, modify to READ changed nothing in the kernel
 * and the new socket was never watched. Interest 0 must leave the kernel
 * set, and a modify must reach the file now under the number. */
static void test_interest_zero_then_number_reused(void **state) {
  xsock_selector_t *sel = xt_selector();
  xsock_event_t evs[16];
  xsock_t p[2], q[2];
  int old;
  (void)state;
  xt_ok(xsock_socketpair(XSOCK_STREAM, p));
  xt_ok(xsock_selector_add(sel, p[0], XSOCK_READ, &tag_old));
  xt_ok(xsock_selector_modify(sel, p[0], 0, &tag_old));
  old = p[0];
  xt_close(&p[0]);
  xt_ok(xsock_socketpair(XSOCK_STREAM, q));
  assert_int_equal(q[0], old);
  xt_ok(xsock_selector_modify(sel, q[0], XSOCK_READ, &tag_new));
  assert_int_equal(ch_wait_without(sel, evs, 16, 0, &tag_old), 0);
  ch_expect_new_owner(sel, q);
  xt_ok(xsock_selector_remove(sel, q[0]));
  xsock_selector_close(sel);
  xt_close(&p[1]);
  xt_close(&q[0]);
  xt_close(&q[1]);
}

/* POSIX only (dup2): the same open file comes back under the number it
 * had when it was closed while registered. epoll still holds the old
 * (file, number) entry and refuses a plain ADD with EEXIST; the add must
 * take that entry over, and only the new registration may be reported. */
static void test_same_file_back_under_old_number(void **state) {
  xsock_selector_t *sel;
  xsock_event_t evs[16];
  xsock_t p[2];
  int d, old;
  (void)state;
  /* libkqueue keeps a file closed while registered in its own epoll set,
   * where no EV_DELETE can reach it, and opens and closes descriptors of
   * its own, so the number is not reused as this test needs. A real
   * kqueue drops a descriptor's knotes when it is closed. */
  if (xt_libkqueue())
    skip();
  sel = xt_selector();
  old = ch_close_registered_dup(sel, p, &d);
  assert_int_equal(dup2(d, old), old);
  xt_ok(xsock_selector_add(sel, old, XSOCK_READ, &tag_new));
  assert_int_equal(ch_wait_without(sel, evs, 16, 0, &tag_old), 1);
  assert_int_equal(evs[0].sock, old);
  assert_int_equal(evs[0].events, XSOCK_READ);
  assert_ptr_equal(evs[0].udata, &tag_new);
  xt_ok(xsock_selector_remove(sel, old));
  assert_int_equal(ch_wait_without(sel, evs, 16, 0, &tag_old), 0);
  xsock_selector_close(sel);
  close(old);
  close(d);
  xt_close(&p[1]);
}
#endif

#define WALK_N 8

static void test_remove_while_walking(void **state) {
  xsock_selector_t *sel = xt_selector();
  xsock_event_t evs[32];
  xsock_t p[WALK_N][2];
  int reg[WALK_N], i, j, k, n, total = 0;
  (void)state;
  for (i = 0; i < WALK_N; i++) {
    xt_ok(xsock_socketpair(XSOCK_STREAM, p[i]));
    xt_ok(xsock_send(p[i][1], "x", 1));
    xt_ok(xsock_selector_add(sel, p[i][0], XSOCK_READ, &reg[i]));
    reg[i] = 1;
  }
  for (i = 0; i < WALK_N; i++)
    assert_true(xt_expect_events(sel, p[i][0], XSOCK_READ, CH_BOUND) &
                XSOCK_READ);
  n = (int)xt_ok(xsock_selector_wait(sel, evs, 32, 0));
  assert_int_equal(n, WALK_N);
  for (k = 0; k < n; k++) {
    /* This one, and one not yet walked: both stay readable in evs. */
    for (j = 0; j < 2; j++) {
      xsock_t s = evs[j == 0 ? k : n - 1 - k].sock;
      for (i = 0; i < WALK_N; i++) {
        if (p[i][0] == s && reg[i]) {
          xt_ok(xsock_selector_remove(sel, s));
          reg[i] = 0;
          total++;
        }
      }
    }
  }
  assert_int_equal(total, WALK_N);
  assert_int_equal(xsock_selector_wait(sel, evs, 32, 0), 0);
  assert_int_equal(xsock_selector_wait(sel, evs, 32, 10), 0);
  ch_close_all(sel, p, WALK_N);
}

#define RAND_PAIRS 12

static void test_random_writers(void **state) {
  xsock_selector_t *sel = xt_selector();
  xsock_event_t evs[32];
  xsock_t p[RAND_PAIRS][2];
  int ids[RAND_PAIRS], round, i, n, tries;
  unsigned seed = 12345u;
  char b;
  (void)state;
  for (i = 0; i < RAND_PAIRS; i++) {
    ids[i] = i;
    xt_ok(xsock_socketpair(XSOCK_STREAM, p[i]));
    xt_ok(xsock_selector_add(sel, p[i][0], XSOCK_READ, &ids[i]));
  }
  for (round = 0; round < 200; round++) {
    unsigned want = 0, seen = 0;
    seed = seed * 1103515245u + 12345u;
    want = (seed >> 8) & ((1u << RAND_PAIRS) - 1);
    for (i = 0; i < RAND_PAIRS; i++)
      if (want & (1u << i))
        xt_ok(xsock_send(p[i][1], "r", 1));
    for (tries = 0; tries < 1000 && seen != want; tries++) {
      n = (int)xt_ok(xsock_selector_wait(sel, evs, 32, 10));
      for (i = 0; i < n; i++) {
        int id = *(int *)evs[i].udata;
        assert_int_equal(evs[i].sock, p[id][0]);
        assert_int_equal(evs[i].events, XSOCK_READ);
        assert_true(want & (1u << id)); /* only the written ones */
        seen |= 1u << id;
      }
    }
    assert_int_equal(seen, want);
    for (i = 0; i < RAND_PAIRS; i++)
      if (want & (1u << i))
        assert_int_equal(xsock_recv(p[i][0], &b, 1), 1);
  }
  ch_close_all(sel, p, RAND_PAIRS);
}

/* More ready than one wait can return: repeated small waits must report
 * every handle, in at most a few rounds over them (no starvation). */
static void test_fair_when_truncated(void **state) {
  enum { FAIR_N = 100, FAIR_MAX = 16 };
  xsock_selector_t *sel = xt_selector();
  xsock_event_t evs[FAIR_MAX];
  xsock_t p[FAIR_N][2];
  int ids[FAIR_N], i, w, n, seen = 0;
  char hit[FAIR_N];
  (void)state;
  memset(hit, 0, sizeof hit);
  for (i = 0; i < FAIR_N; i++) {
    ids[i] = i;
    xt_ok(xsock_socketpair(XSOCK_STREAM, p[i]));
    xt_ok(xsock_send(p[i][1], "f", 1));
    xt_ok(xsock_selector_add(sel, p[i][0], XSOCK_READ, &ids[i]));
  }
  for (i = 0; i < FAIR_N; i++)
    assert_true(xt_expect_events(sel, p[i][0], XSOCK_READ, CH_BOUND) &
                XSOCK_READ);
  for (w = 0; w < 2 * (FAIR_N / FAIR_MAX + 1) && seen < FAIR_N; w++) {
    n = (int)xt_ok(xsock_selector_wait(sel, evs, FAIR_MAX, 0));
    assert_int_equal(n, FAIR_MAX);
    for (i = 0; i < n; i++) {
      int id = *(int *)evs[i].udata;
      if (!hit[id]++)
        seen++;
    }
  }
  assert_int_equal(seen, FAIR_N);
  ch_close_all(sel, p, FAIR_N);
}

#define MANY_PAIRS 1050

static void test_many_handles(void **state) {
  xsock_selector_t *sel = xt_selector();
  xsock_event_t evs[64];
  xsock_t(*p)[2] = (xsock_t(*)[2])calloc(MANY_PAIRS, sizeof *p);
  int i, added = 0, refused = 0, ready = 0, seen = 0, tries;
  char *hit = (char *)calloc(MANY_PAIRS, 1), b;
  (void)state;
  assert_non_null(p);
  assert_non_null(hit);
#ifndef _WIN32
  { /* POSIX only: 2100 descriptors need more than the usual soft 1024. */
    struct rlimit rl;
    assert_int_equal(getrlimit(RLIMIT_NOFILE, &rl), 0);
    if (rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < 2 * MANY_PAIRS + 64) {
      rl.rlim_cur =
          rl.rlim_max == RLIM_INFINITY || rl.rlim_max > 2 * MANY_PAIRS + 64
              ? 2 * MANY_PAIRS + 64
              : rl.rlim_max;
      assert_int_equal(setrlimit(RLIMIT_NOFILE, &rl), 0);
    }
  }
#endif
  for (i = 0; i < MANY_PAIRS; i++) {
    int k, rc;
    xt_ok(xsock_socketpair(XSOCK_STREAM, p[i]));
    for (k = 0; k < 2; k++) {
      rc = xsock_selector_add(sel, p[i][k], XSOCK_READ, &p[i][k]);
      if (rc == XSOCK_ERANGE && xt_backend == XSOCK_BACKEND_SELECT) {
#ifndef _WIN32
        /* select's limit: exactly the descriptors past FD_SETSIZE. */
        assert_true(p[i][k] >= FD_SETSIZE);
#endif
        refused++;
        continue;
      }
      xt_ok(rc);
#ifndef _WIN32
      if (xt_backend == XSOCK_BACKEND_SELECT)
        assert_true(p[i][k] < FD_SETSIZE);
#endif
      added++;
    }
  }
#ifndef _WIN32
  /* POSIX select is bounded by FD_SETSIZE: the backend must refuse the
   * descriptors above it (XSOCK_ERANGE) rather than overrun its sets. */
  if (xt_backend == XSOCK_BACKEND_SELECT)
    assert_true(refused > 0);
  else
#endif
    /* Windows select has no such bound: its sets are grown to fit. */
    assert_int_equal(added, 2 * MANY_PAIRS);
  /* Every 7th pair's first socket becomes readable; exactly those show. */
  for (i = 0; i < MANY_PAIRS; i += 7) {
    xt_ok(xsock_send(p[i][1], "m", 1));
    ready += xsock_selector_modify(sel, p[i][0], XSOCK_READ, &p[i][0]) == 0;
  }
  for (tries = 0; tries < 2000 && seen < ready; tries++) {
    int n = (int)xt_ok(xsock_selector_wait(sel, evs, 64, 10)), e;
    for (e = 0; e < n; e++) {
      xsock_t *sp = (xsock_t *)evs[e].udata;
      int idx = (int)((sp - &p[0][0]) / 2);
      assert_int_equal(*sp, evs[e].sock);
      assert_ptr_equal(sp, &p[idx][0]);
      assert_int_equal(idx % 7, 0);
      if (!hit[idx]) {
        hit[idx] = 1;
        seen++;
        assert_int_equal(xsock_recv(p[idx][0], &b, 1), 1);
      }
    }
  }
  assert_int_equal(seen, ready);
  assert_int_equal(xsock_selector_wait(sel, evs, 64, 0), 0);
  for (i = 0; i < MANY_PAIRS; i++) {
    xsock_selector_remove(sel, p[i][0]);
    xsock_selector_remove(sel, p[i][1]);
    xt_close(&p[i][0]);
    xt_close(&p[i][1]);
  }
  xsock_selector_close(sel);
  free(p);
  free(hit);
}

int main(int argc, char **argv) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_no_stale_event_on_reuse),
#ifndef _WIN32
      cmocka_unit_test(test_closed_while_registered_with_dup),
      cmocka_unit_test(test_same_file_back_under_old_number),
      cmocka_unit_test(test_interest_zero_then_number_reused),
#endif
      cmocka_unit_test(test_remove_while_walking),
      cmocka_unit_test(test_random_writers),
      cmocka_unit_test(test_fair_when_truncated),
      cmocka_unit_test(test_many_handles),
  };
  return xt_selector_main(argc, argv, tests);
}
