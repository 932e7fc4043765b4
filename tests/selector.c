/* SPDX-License-Identifier: MIT */
/* The selector API on one backend (argv[1]): opening by id, names, the
 * supported mask, every registration error, interest 0, modify, merged
 * events, two selectors on one socket, and the timeout rules. */
#include "xtest.h"

#include <string.h>

#ifndef _WIN32
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>
#endif

static int tag_a, tag_b;

static void test_open_by_id(void **state) {
  xsock_selector_t *sel;
  unsigned mask = xsock_selector_supported();
  int id;
  (void)state;
  for (id = -1; id <= 8; id++) {
    if (id == XSOCK_BACKEND_DEFAULT)
      continue;
    sel = (xsock_selector_t *)&tag_a;
    if (id > 0 && id < 32 && (mask & (1u << id))) {
      xt_ok(xsock_selector_open(&sel, id));
      assert_non_null(sel);
      assert_string_equal(xsock_selector_backend(sel), xsock_backend_name(id));
      xsock_selector_close(sel);
    } else {
      xt_err(xsock_selector_open(&sel, id), XSOCK_ENOTSUP);
      assert_null(sel);
    }
  }
  /* The default is the first of the OS's order that starts. */
  xt_ok(xsock_selector_open(&sel, XSOCK_BACKEND_DEFAULT));
#ifdef _WIN32
  /* afd would give way to wsapoll only under a layered provider that
   * hides the base handles, which no test machine has, or when a build
   * leaves it out (XSOCK_BACKEND_OVERRIDES=AFD=0). */
  assert_string_equal(xsock_selector_backend(sel),
                      (mask & (1u << XSOCK_BACKEND_AFD)) ? "afd" : "wsapoll");
#elif defined(__linux__)
  assert_string_equal(xsock_selector_backend(sel), "epoll");
#endif
  xsock_selector_close(sel);
  xt_err(xsock_selector_open(NULL, xt_backend), XSOCK_EINVAL);
  xsock_selector_close(NULL); /* ignored */
}

static void test_names_and_mask(void **state) {
  static const char *const names[] = {"epoll",  "kqueue",  "poll",
                                      "select", "wsapoll", "afd"};
  unsigned mask = xsock_selector_supported();
  int id;
  (void)state;
  for (id = 1; id <= 6; id++)
    assert_string_equal(xsock_backend_name(id), names[id - 1]);
  assert_null(xsock_backend_name(0));
  assert_null(xsock_backend_name(7));
  assert_null(xsock_backend_name(-1));
  assert_null(xsock_selector_backend(NULL));
  assert_int_equal(mask & 1u, 0);     /* DEFAULT is not a backend */
  assert_int_equal(mask & ~0x7Eu, 0); /* only known ids */
  assert_true(mask & (1u << XSOCK_BACKEND_SELECT));
  assert_true(mask & (1u << xt_backend));
#ifdef _WIN32
  assert_true(mask & (1u << XSOCK_BACKEND_WSAPOLL));
  assert_int_equal(
      mask & ((1u << XSOCK_BACKEND_EPOLL) | (1u << XSOCK_BACKEND_POLL)), 0);
#else
  assert_true(mask & (1u << XSOCK_BACKEND_POLL));
  assert_int_equal(
      mask & ((1u << XSOCK_BACKEND_WSAPOLL) | (1u << XSOCK_BACKEND_AFD)), 0);
#endif
#ifdef __linux__
  assert_true(mask & (1u << XSOCK_BACKEND_EPOLL));
#endif
}

static void test_registration_errors(void **state) {
  xsock_selector_t *sel = xt_selector();
  xsock_event_t evs[4];
  xsock_t p[2], dead;
  (void)state;
  xt_ok(xsock_socketpair(XSOCK_STREAM, p));
  xt_ok(xsock_selector_add(sel, p[0], XSOCK_READ, &tag_a));
  xt_err(xsock_selector_add(sel, p[0], XSOCK_READ, &tag_b), XSOCK_EEXIST);
  xt_err(xsock_selector_add(sel, p[0], 0, NULL), XSOCK_EEXIST);
  xt_err(xsock_selector_modify(sel, p[1], XSOCK_READ, NULL), XSOCK_ENOENT);
  xt_err(xsock_selector_remove(sel, p[1]), XSOCK_ENOENT);
  xt_err(xsock_selector_add(sel, XSOCK_INVALID, XSOCK_READ, NULL), XSOCK_EBADF);
  xt_err(xsock_selector_modify(sel, XSOCK_INVALID, XSOCK_READ, NULL),
         XSOCK_EBADF);
  xt_err(xsock_selector_remove(sel, XSOCK_INVALID), XSOCK_EBADF);
  xt_err(xsock_selector_add(sel, p[1], 4, NULL), XSOCK_EINVAL);
  xt_err(xsock_selector_add(sel, p[1], XSOCK_READ | XSOCK_HANGUP, NULL),
         XSOCK_EINVAL);
  xt_err(xsock_selector_add(sel, p[1], 0x100, NULL), XSOCK_EINVAL);
  xt_err(xsock_selector_modify(sel, p[0], XSOCK_ERROR, NULL), XSOCK_EINVAL);
  xt_err(xsock_selector_add(NULL, p[1], XSOCK_READ, NULL), XSOCK_EINVAL);
  xt_err(xsock_selector_modify(NULL, p[0], XSOCK_READ, NULL), XSOCK_EINVAL);
  xt_err(xsock_selector_remove(NULL, p[0]), XSOCK_EINVAL);
  xt_err(xsock_selector_wait(NULL, evs, 4, 0), XSOCK_EINVAL);
  xt_err(xsock_selector_wait(sel, NULL, 4, 0), XSOCK_EINVAL);
  xt_err(xsock_selector_wait(sel, evs, 0, 0), XSOCK_EINVAL);
  xt_err(xsock_selector_wait(sel, evs, -1, 0), XSOCK_EINVAL);
  xt_err(xsock_selector_wakeup(NULL), XSOCK_EINVAL);
  /* A closed handle. */
  xt_ok(xsock_socket(&dead, XSOCK_AF_INET, XSOCK_STREAM, 0));
  xt_ok(xsock_close(dead));
  xt_err(xsock_selector_add(sel, dead, XSOCK_READ, NULL), XSOCK_EBADF);
  xt_err(xsock_selector_add(sel, dead, 0, NULL), XSOCK_EBADF);
  /* Nothing was corrupted: the one registration still works. */
  assert_int_equal(xt_wait_one(sel, p[0], 0), 0);
  xt_ok(xsock_send(p[1], "x", 1));
  assert_int_equal(xt_expect_events(sel, p[0], XSOCK_READ, 5000), XSOCK_READ);
  xt_ok(xsock_selector_wait(sel, evs, 4, 0));
  assert_ptr_equal(evs[0].udata, &tag_a);
  xt_ok(xsock_selector_remove(sel, p[0]));
  xt_err(xsock_selector_remove(sel, p[0]), XSOCK_ENOENT);
  xt_ok(xsock_selector_add(sel, p[0], XSOCK_READ, &tag_b));
  xsock_selector_close(sel);
  xt_close(&p[0]);
  xt_close(&p[1]);
}

#ifndef _WIN32
/* POSIX only: regular files and directories are descriptors that every
 * kernel calls always ready; the selector refuses them. */
static void test_regular_file_refused(void **state) {
  xsock_selector_t *sel = xt_selector();
  char path[] = "/tmp/xsock-selector-XXXXXX";
  int fd = mkstemp(path), dir;
  (void)state;
  assert_true(fd >= 0);
  unlink(path);
  xt_err(xsock_selector_add(sel, fd, XSOCK_READ, NULL), XSOCK_ENOTSUP);
  xt_err(xsock_selector_add(sel, fd, 0, NULL), XSOCK_ENOTSUP);
  dir = open("/", O_RDONLY);
  assert_true(dir >= 0);
  xt_err(xsock_selector_add(sel, dir, XSOCK_READ, NULL), XSOCK_ENOTSUP);
  xt_err(xsock_selector_remove(sel, fd), XSOCK_ENOENT);
  close(fd);
  close(dir);
  xsock_selector_close(sel);
}
#endif

#ifndef _WIN32
/* POSIX only: /dev/null is a character device with no poll support of its
 * own. epoll refuses it, so the epoll backend must refuse it at add
 * whatever the interest (an interest-0 add that succeeds would only fail
 * later, at modify); poll and select accept it, always ready. */
static void test_device_without_poll(void **state) {
  xsock_selector_t *sel = xt_selector();
  int fd = open("/dev/null", O_RDONLY);
  (void)state;
  assert_true(fd >= 0);
  /* libkqueue watches a descriptor through its own epoll set, which
   * refuses /dev/null just as epoll does (EPERM); a real kqueue's answer
   * depends on the device's driver. */
  if (xt_backend == XSOCK_BACKEND_EPOLL || xt_libkqueue()) {
    xt_err(xsock_selector_add(sel, fd, XSOCK_READ, NULL), XSOCK_ENOTSUP);
    xt_err(xsock_selector_add(sel, fd, 0, NULL), XSOCK_ENOTSUP);
    xt_err(xsock_selector_remove(sel, fd), XSOCK_ENOENT);
  } else {
    xt_ok(xsock_selector_add(sel, fd, 0, NULL));
    assert_int_equal(xt_wait_one(sel, fd, 0), 0);
    xt_ok(xsock_selector_modify(sel, fd, XSOCK_READ, NULL));
    assert_true(xt_expect_events(sel, fd, XSOCK_READ, 5000) & XSOCK_READ);
    xt_ok(xsock_selector_remove(sel, fd));
  }
  close(fd);
  xsock_selector_close(sel);
}
#endif

static void test_remove_closed_handles(void **state) {
  xsock_selector_t *sel = xt_selector();
  xsock_t p[2], q[2], a, b;
  (void)state;
  xt_ok(xsock_socketpair(XSOCK_STREAM, p));
  xt_ok(xsock_socketpair(XSOCK_STREAM, q));
  a = p[0];
  b = q[0];
  xt_ok(xsock_selector_add(sel, a, XSOCK_READ | XSOCK_WRITE, &tag_a));
  xt_ok(xsock_selector_add(sel, b, 0, &tag_b));
  xt_ok(xsock_send(p[1], "x", 1));
  assert_true(xt_expect_events(sel, a, XSOCK_READ, 5000) & XSOCK_READ);
  /* Closed while registered (one ready, one silent): remove succeeds. */
  xt_ok(xsock_close(a));
  xt_ok(xsock_close(b));
  xt_ok(xsock_selector_remove(sel, a));
  xt_ok(xsock_selector_remove(sel, b));
  xt_err(xsock_selector_remove(sel, a), XSOCK_ENOENT);
  assert_int_equal(xt_wait_one(sel, a, 0), 0);
  xsock_selector_close(sel);
  xt_close(&p[1]);
  xt_close(&q[1]);
}

static void test_interest_zero_and_modify(void **state) {
  xsock_selector_t *sel = xt_selector();
  xsock_event_t evs[8];
  xsock_t p[2];
  int n;
  (void)state;
  xt_ok(xsock_socketpair(XSOCK_STREAM, p));
  xt_ok(xsock_send(p[1], "x", 1));
  xt_ok(xsock_selector_add(sel, p[0], 0, &tag_a));
  /* Readable and writable, but silent. A second selector proves the
   * readiness is really there. */
  {
    xsock_selector_t *probe = xt_selector();
    xt_ok(xsock_selector_add(probe, p[0], XSOCK_READ, NULL));
    assert_true(xt_expect_events(probe, p[0], XSOCK_READ, 5000) & XSOCK_READ);
    xsock_selector_close(probe);
  }
  assert_int_equal(xt_wait_one(sel, p[0], 0), 0);
  assert_int_equal(xt_wait_one(sel, p[0], 20), 0);
  /* Interest back: reported with the new user data. */
  xt_ok(xsock_selector_modify(sel, p[0], XSOCK_READ, &tag_b));
  assert_int_equal(xt_expect_events(sel, p[0], XSOCK_READ, 5000), XSOCK_READ);
  n = (int)xt_ok(xsock_selector_wait(sel, evs, 8, 0));
  assert_int_equal(n, 1);
  assert_ptr_equal(evs[0].udata, &tag_b);
  assert_int_equal(evs[0].sock, p[0]);
  /* Same interest, new user data only. */
  xt_ok(xsock_selector_modify(sel, p[0], XSOCK_READ, &tag_a));
  n = (int)xt_ok(xsock_selector_wait(sel, evs, 8, 0));
  assert_int_equal(n, 1);
  assert_ptr_equal(evs[0].udata, &tag_a);
  /* WRITE only: the pending byte no longer shows. */
  xt_ok(xsock_selector_modify(sel, p[0], XSOCK_WRITE, &tag_a));
  assert_int_equal(xt_expect_events(sel, p[0], XSOCK_WRITE, 5000), XSOCK_WRITE);
  /* Silent again; still registered. */
  xt_ok(xsock_selector_modify(sel, p[0], 0, NULL));
  assert_int_equal(xt_wait_one(sel, p[0], 0), 0);
  xt_err(xsock_selector_add(sel, p[0], XSOCK_READ, NULL), XSOCK_EEXIST);
  xt_ok(xsock_selector_remove(sel, p[0]));
  xsock_selector_close(sel);
  xt_close(&p[0]);
  xt_close(&p[1]);
}

/* Many modifies in a row, then one wait: each registration reports just
 * its last interest, whatever the backend does with the changes between
 * (the kqueue backend queues the deletes of a shrinking modify for the
 * next kevent(), and more of them here than its queue holds). */
#define BURST_N 40

/* Waits until every one of the n handles has been reported with exactly
 * want, failing on any other report; a bounded number of waits. The array
 * has room for two entries per handle: a kqueue gives READ and WRITE as
 * two kevents, and libkqueue, unlike a BSD kernel, keeps reporting the
 * same first ones when a wait has room for fewer kevents than are ready
 * (docs/semantics.md). */
static void burst_expect(xsock_selector_t *sel, xsock_t (*p)[2], int n,
                         unsigned want) {
  xsock_event_t evs[2 * BURST_N];
  int seen[BURST_N] = {0}, left = n, tries, got, i, k;
  for (tries = 0; left > 0 && tries < 100; tries++) {
    got = (int)xt_ok(xsock_selector_wait(sel, evs, 2 * BURST_N, 100));
    for (i = 0; i < got; i++) {
      for (k = 0; k < n && p[k][0] != evs[i].sock; k++)
        ;
      assert_true(k < n);
      assert_ptr_equal(evs[i].udata, &p[k][0]);
      assert_int_equal(evs[i].events, want);
      if (!seen[k]++)
        left--;
    }
  }
  assert_int_equal(left, 0);
}

static void burst_modify(xsock_selector_t *sel, xsock_t (*p)[2], int n,
                         unsigned interest) {
  int i;
  for (i = 0; i < n; i++)
    xt_ok(xsock_selector_modify(sel, p[i][0], interest, &p[i][0]));
}

static void test_modify_bursts(void **state) {
  xsock_selector_t *sel = xt_selector();
  xsock_event_t evs[2 * BURST_N];
  xsock_t p[BURST_N][2];
  int i;
  (void)state;
  for (i = 0; i < BURST_N; i++) {
    xt_ok(xsock_socketpair(XSOCK_STREAM, p[i]));
    xt_ok(xsock_selector_add(sel, p[i][0], XSOCK_READ | XSOCK_WRITE, &p[i][0]));
  }
  burst_expect(sel, p, BURST_N, XSOCK_WRITE);
  /* Shrink every one to READ: nothing is readable, so nothing at all. */
  burst_modify(sel, p, BURST_N, XSOCK_READ);
  assert_int_equal(xt_ok(xsock_selector_wait(sel, evs, 2 * BURST_N, 0)), 0);
  for (i = 0; i < BURST_N; i++)
    assert_int_equal(xt_ok(xsock_send(p[i][1], "x", 1)), 1);
  burst_expect(sel, p, BURST_N, XSOCK_READ);
  /* Grow, shrink and grow again before any wait. */
  burst_modify(sel, p, BURST_N, XSOCK_READ | XSOCK_WRITE);
  burst_modify(sel, p, BURST_N, XSOCK_READ);
  burst_modify(sel, p, BURST_N, XSOCK_READ | XSOCK_WRITE);
  burst_expect(sel, p, BURST_N, XSOCK_READ | XSOCK_WRITE);
  /* The same, one handle at a time: its shrink and its grow meet. */
  for (i = 0; i < BURST_N; i++) {
    xt_ok(xsock_selector_modify(sel, p[i][0], XSOCK_READ, &p[i][0]));
    xt_ok(xsock_selector_modify(sel, p[i][0], XSOCK_READ | XSOCK_WRITE,
                                &p[i][0]));
  }
  burst_expect(sel, p, BURST_N, XSOCK_READ | XSOCK_WRITE);
  /* Shrink to WRITE with the byte still unread: it no longer shows. */
  burst_modify(sel, p, BURST_N, XSOCK_WRITE);
  burst_expect(sel, p, BURST_N, XSOCK_WRITE);
  /* Shrink to nothing, then remove half and close them: the others still
   * report their new interest, the removed ones never again. */
  burst_modify(sel, p, BURST_N, 0);
  for (i = 0; i < BURST_N / 2; i++) {
    xt_ok(xsock_selector_remove(sel, p[i][0]));
    xt_close(&p[i][0]);
    xt_close(&p[i][1]);
  }
  burst_modify(sel, p + BURST_N / 2, BURST_N / 2, XSOCK_READ);
  burst_expect(sel, p + BURST_N / 2, BURST_N / 2, XSOCK_READ);
  xsock_selector_close(sel);
  for (i = BURST_N / 2; i < BURST_N; i++) {
    xt_close(&p[i][0]);
    xt_close(&p[i][1]);
  }
}

static void test_merged_event(void **state) {
  xsock_selector_t *sel = xt_selector();
  xsock_event_t evs[8];
  xsock_t p[2];
  int n, i;
  (void)state;
  xt_ok(xsock_socketpair(XSOCK_STREAM, p));
  xt_ok(xsock_send(p[1], "x", 1));
  xt_ok(xsock_selector_add(sel, p[0], XSOCK_READ | XSOCK_WRITE, &tag_a));
  assert_int_equal(xt_expect_events(sel, p[0], XSOCK_READ | XSOCK_WRITE, 5000),
                   XSOCK_READ | XSOCK_WRITE);
  for (i = 0; i < 3; i++) { /* level-triggered: every wait */
    n = (int)xt_ok(xsock_selector_wait(sel, evs, 8, 0));
    assert_int_equal(n, 1);
    assert_int_equal(evs[0].events, XSOCK_READ | XSOCK_WRITE);
    assert_ptr_equal(evs[0].udata, &tag_a);
  }
  xsock_selector_close(sel);
  xt_close(&p[0]);
  xt_close(&p[1]);
}

static void test_two_selectors(void **state) {
  xsock_selector_t *s1 = xt_selector(), *s2 = xt_selector();
  xsock_event_t evs[8];
  xsock_t p[2];
  (void)state;
  xt_ok(xsock_socketpair(XSOCK_STREAM, p));
  xt_ok(xsock_selector_add(s1, p[0], XSOCK_READ, &tag_a));
  xt_ok(xsock_selector_add(s2, p[0], XSOCK_READ | XSOCK_WRITE, &tag_b));
  assert_int_equal(xt_expect_events(s2, p[0], XSOCK_WRITE, 5000), XSOCK_WRITE);
  assert_int_equal(xt_wait_one(s1, p[0], 0), 0);
  xt_ok(xsock_send(p[1], "x", 1));
  assert_int_equal(xt_expect_events(s1, p[0], XSOCK_READ, 5000), XSOCK_READ);
  assert_int_equal(xt_expect_events(s2, p[0], XSOCK_READ, 5000),
                   XSOCK_READ | XSOCK_WRITE);
  /* Removing it from one leaves the other untouched. */
  xt_ok(xsock_selector_remove(s1, p[0]));
  assert_int_equal(xt_wait_one(s1, p[0], 0), 0);
  assert_int_equal(xsock_selector_wait(s2, evs, 8, 0), 1);
  assert_ptr_equal(evs[0].udata, &tag_b);
  xsock_selector_close(s2);
  xt_ok(xsock_selector_add(s1, p[0], XSOCK_READ, &tag_a));
  assert_int_equal(xt_wait_one(s1, p[0], 0), XSOCK_READ);
  xsock_selector_close(s1);
  xt_close(&p[0]);
  xt_close(&p[1]);
}

static void test_timeouts(void **state) {
  xsock_selector_t *sel = xt_selector();
  xsock_event_t evs[4];
  xsock_t p[2];
  uint64_t before, after;
  (void)state;
  xt_ok(xsock_socketpair(XSOCK_STREAM, p));
  xt_ok(xsock_selector_add(sel, p[0], XSOCK_READ, NULL));
  /* Nothing registered is ready: 0 polls and returns 0. */
  assert_int_equal(xsock_selector_wait(sel, evs, 4, 0), 0);
  /* A positive timeout never ends early: the front end waits again for
   * the time left, so the clock must have moved by at least that much.
   * This holds by construction, however loaded the machine is (on epoll
   * by the kernel's own rule: its wait returns nothing only once the
   * whole timeout ran out, which the selector then trusts). */
  before = xt_now_ns();
  assert_int_equal(xsock_selector_wait(sel, evs, 4, 30), 0);
  after = xt_now_ns();
  assert_true(after - before >= 30u * 1000000u);
  before = xt_now_ns();
  assert_int_equal(xsock_selector_wait(sel, evs, 4, 1), 0);
  after = xt_now_ns();
  assert_true(after - before >= 1u * 1000000u);
  /* An empty selector waits too. */
  xt_ok(xsock_selector_remove(sel, p[0]));
  assert_int_equal(xsock_selector_wait(sel, evs, 4, 0), 0);
  assert_int_equal(xsock_selector_wait(sel, evs, 4, 5), 0);
  xsock_selector_close(sel);
  xt_close(&p[0]);
  xt_close(&p[1]);
}

/* Regression: a stale number can name one of the selector's own handles.
 * Two sockets are opened and closed, then the selector is opened and
 * takes those numbers for itself (POSIX hands out the lowest free ones:
 * epoll's descriptor and the wakeup's eventfd, or the eventfd alone).
 * Adding a stale number must fail like any closed handle, and must not
 * take over the wakeup: every later wakeup still ends a wait. */
static void test_own_handles_refused(void **state) {
  xsock_selector_t *sel;
  xsock_event_t evs[4];
  xsock_t s[2], stale[2];
  int i;
  (void)state;
  for (i = 0; i < 2; i++) {
    xt_ok(xsock_socket(&s[i], XSOCK_AF_INET, XSOCK_STREAM, 0));
    stale[i] = s[i];
  }
  for (i = 0; i < 2; i++)
    xt_close(&s[i]);
  sel = xt_selector();
  for (i = 0; i < 2; i++) {
#ifndef _WIN32
    /* libkqueue: kqueue() opens several descriptors of its own (measured:
     * about ten) that the backend cannot name, so a stale number may now
     * be one of them, open, and not refused. A real kqueue is one. */
    if (xt_libkqueue() && fcntl(stale[i], F_GETFD) != -1)
      continue;
#endif
    xt_err(xsock_selector_add(sel, stale[i], XSOCK_READ, &tag_a), XSOCK_EBADF);
    xt_err(xsock_selector_add(sel, stale[i], 0, &tag_a), XSOCK_EBADF);
    xt_err(xsock_selector_modify(sel, stale[i], XSOCK_READ, &tag_a),
           XSOCK_ENOENT);
    xt_err(xsock_selector_remove(sel, stale[i]), XSOCK_ENOENT);
  }
  /* Nothing is reported, and the wakeup still works, twice. */
  assert_int_equal(xsock_selector_wait(sel, evs, 4, 0), 0);
  for (i = 0; i < 2; i++) {
    xt_ok(xsock_selector_wakeup(sel));
    assert_int_equal(xsock_selector_wait(sel, evs, 4, -1), 0);
  }
  xsock_selector_close(sel);
}

int main(int argc, char **argv) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_open_by_id),
      cmocka_unit_test(test_names_and_mask),
      cmocka_unit_test(test_registration_errors),
      cmocka_unit_test(test_own_handles_refused),
#ifndef _WIN32
      cmocka_unit_test(test_regular_file_refused),
      cmocka_unit_test(test_device_without_poll),
#endif
      cmocka_unit_test(test_remove_closed_handles),
      cmocka_unit_test(test_interest_zero_and_modify),
      cmocka_unit_test(test_merged_event),
      cmocka_unit_test(test_modify_bursts),
      cmocka_unit_test(test_two_selectors),
      cmocka_unit_test(test_timeouts),
  };
  return xt_selector_main(argc, argv, tests);
}
