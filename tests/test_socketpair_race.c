/* SPDX-License-Identifier: MIT */
/* xsock_socketpair() while a hostile thread connects to every listener it
 * can guess. On Windows the pair is emulated with a short-lived loopback
 * listener, and another local program can connect to that listener before
 * the pair's own client does; the library must then discard the stranger
 * and still hand back two sockets connected to each other. On POSIX the
 * pair is socketpair(AF_UNIX), which no one can connect to, and the same
 * assertions hold trivially.
 *
 * Whether the hostile thread wins any race is up to the scheduler; the
 * test never depends on it. What it asserts holds in every interleaving:
 * each pair is connected to itself (one end's name is the other end's
 * peer, both ways) and carries data both ways. */
#include "xtest.h"
#include "xtest_thread.h"

#include <string.h>

#define RACE_PAIRS 200
#define RACE_SPREAD 8 /* ports tried above the last listener port seen */
#define RACE_HELD 16  /* hostile connections kept open at a time */

/* Written by the main thread, read by the hostile one, through the
 * compiler's atomics (C99 has none; relaxed order is enough: a stale
 * value only makes the hostile thread aim at another port, or stop one
 * round later, which changes no assertion). MSVC: volatile, whose
 * accesses it makes atomic for an int. */
#if defined(_MSC_VER) && !defined(__clang__)
#define RACE_LOAD(p) (*(volatile int *)(p))
#define RACE_STORE(p, v) (*(volatile int *)(p) = (v))
#else
#define RACE_LOAD(p) __atomic_load_n((p), __ATOMIC_RELAXED)
#define RACE_STORE(p, v) __atomic_store_n((p), (v), __ATOMIC_RELAXED)
#endif

struct race {
  int last_port; /* RACE_LOAD/RACE_STORE only */
  int stop;      /* RACE_LOAD/RACE_STORE only */
  int attempts;  /* the hostile thread's own until it is joined */
};

static void race_hostile(void *arg) {
  struct race *r = (struct race *)arg;
  xsock_t held[RACE_HELD];
  int i, next = 0;
  for (i = 0; i < RACE_HELD; i++)
    held[i] = XSOCK_INVALID;
  while (!RACE_LOAD(&r->stop)) {
    int base = RACE_LOAD(&r->last_port);
    int d;
    if (base == 0) {
      xt_sleep_ms(1);
      continue;
    }
    for (d = 1; d <= RACE_SPREAD && !RACE_LOAD(&r->stop); d++) {
      xsock_addr_t a;
      int rc;
      if (base + d > 65535)
        break;
      if (xsock_addr_loopback(&a, XSOCK_AF_INET, base + d) != 0)
        continue;
      /* Keep the connection open for a while, so that a listener that
       * queued it really has a stranger to accept. */
      xt_close(&held[next]);
      if (xsock_socket(&held[next], XSOCK_AF_INET, XSOCK_STREAM,
                       XSOCK_NONBLOCK) != 0)
        continue;
      rc = xsock_connect(held[next], &a);
      (void)rc; /* refused, pending or done: all fine for a stranger */
      r->attempts++;
      next = (next + 1) % RACE_HELD;
    }
  }
  for (i = 0; i < RACE_HELD; i++)
    xt_close(&held[i]);
}

static void check_pair(xsock_t p[2]) {
  xsock_addr_t n0, n1, peer0, peer1;
  char buf[4];
  xt_ok(xsock_getsockname(p[0], &n0));
  xt_ok(xsock_getsockname(p[1], &n1));
  xt_ok(xsock_getpeername(p[0], &peer0));
  xt_ok(xsock_getpeername(p[1], &peer1));
  assert_true(xsock_addr_equal(&n0, &peer1));
  assert_true(xsock_addr_equal(&n1, &peer0));
  assert_int_equal(xsock_sendall(p[0], "ping", 4), 4);
  assert_int_equal(xsock_recv_exact(p[1], buf, 4), 4);
  assert_memory_equal(buf, "ping", 4);
  assert_int_equal(xsock_sendall(p[1], "pong", 4), 4);
  assert_int_equal(xsock_recv_exact(p[0], buf, 4), 4);
  assert_memory_equal(buf, "pong", 4);
}

static void test_socketpair_under_hostile_connects(void **state) {
  struct race r;
  xt_thread_t *t;
  int i;
  (void)state;
  memset(&r, 0, sizeof r);
  t = xt_thread_start(race_hostile, &r);
  for (i = 0; i < RACE_PAIRS; i++) {
    xsock_t p[2];
    xsock_addr_t name;
    xt_ok(xsock_socketpair(XSOCK_STREAM, p));
    check_pair(p);
    /* The accepted end's own port is the listener's: the next listener
     * is likely to get a port close to it. */
    xt_ok(xsock_getsockname(p[1], &name));
    if (xsock_addr_family(&name) == XSOCK_AF_INET)
      RACE_STORE(&r.last_port, xsock_addr_port(&name));
    xt_ok(xsock_close(p[0]));
    xt_ok(xsock_close(p[1]));
  }
  RACE_STORE(&r.stop, 1);
  xt_thread_join(t);
}

#if defined(_WIN32) && !defined(XSOCK_SHARED)
/* The race made to happen: the test build of the library calls a hook
 * between its listen and its connect, and the hook connects a stranger to
 * the listener first. The stranger's connection is then ahead of the
 * pair's own in the backlog: the library must accept it, see that its
 * peer is not its client, discard it, and still return a pair connected
 * to itself. Should the stranger fill the backlog of 1 so that the pair's
 * own connect is refused instead, the library tries again with a new
 * listener, where the hook connects no stranger. */
extern void (*xsock__socketpair_before_connect)(const xsock_addr_t *listener);
extern int xsock__socketpair_strangers;

static xsock_t forced_stranger = XSOCK_INVALID;
static int forced_calls;

static void forced_connect_first(const xsock_addr_t *listener) {
  if (forced_calls++ > 0)
    return;
  xt_ok(xsock_socket(&forced_stranger, XSOCK_AF_INET, XSOCK_STREAM, 0));
  xt_ok(xsock_connect(forced_stranger, listener));
}

static void test_socketpair_forced_stranger(void **state) {
  xsock_t p[2];
  char byte;
  (void)state;
  xsock__socketpair_strangers = 0;
  xsock__socketpair_before_connect = forced_connect_first;
  xt_ok(xsock_socketpair(XSOCK_STREAM, p));
  xsock__socketpair_before_connect = NULL;
  check_pair(p);
  print_message("stranger discarded: %d, listeners: %d\n",
                xsock__socketpair_strangers, forced_calls);
  /* The stranger was discarded, or it cost a whole attempt. */
  assert_true(xsock__socketpair_strangers == 1 || forced_calls >= 2);
  /* Either way it never became part of a pair: its connection is gone. */
  assert_true(xsock_recv(forced_stranger, &byte, 1) <= 0);
  xt_close(&forced_stranger);
  xt_close(&p[0]);
  xt_close(&p[1]);
}
#endif

int main(void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_socketpair_under_hostile_connects),
#if defined(_WIN32) && !defined(XSOCK_SHARED)
    cmocka_unit_test(test_socketpair_forced_stranger),
#endif
  };
  int rc;
  if (xsock_init() != 0)
    return 1;
  rc = cmocka_run_group_tests_name("socketpair_race", tests, NULL, NULL);
  xsock_cleanup();
  return rc;
}
