/* SPDX-License-Identifier: MIT */
/* Forgetting xsock_init(): every call that creates a handle (socket,
 * socketpair, selector open, resolve, create_connection, create_server)
 * gives XSOCK_ENOTINIT on every OS,
 * not only on Windows, so the bug shows on the developer's own machine.
 * xsock_init/xsock_cleanup keep one count, safe from several threads.
 * This suite alone starts WITHOUT xsock_init(): its tests run in order. */
#include "xtest.h"
#include "xtest_thread.h"

#include <string.h>

static void expect_not_initialised(void) {
  xsock_t s = 7, p[2] = {7, 7};
  xsock_selector_t *sel = (xsock_selector_t *)&s;
  xsock_addr_t a;
  xt_err(xsock_socket(&s, XSOCK_AF_INET, XSOCK_STREAM, 0), XSOCK_ENOTINIT);
  assert_int_equal(s, XSOCK_INVALID);
  xt_err(xsock_socketpair(XSOCK_STREAM, p), XSOCK_ENOTINIT);
  assert_int_equal(p[0], XSOCK_INVALID);
  assert_int_equal(p[1], XSOCK_INVALID);
  xt_err(xsock_selector_open(&sel, XSOCK_BACKEND_DEFAULT), XSOCK_ENOTINIT);
  assert_null(sel);
  xt_err(xsock_resolve("127.0.0.1", 80, XSOCK_AF_INET, &a, 1), XSOCK_ENOTINIT);
  s = 7;
  xt_err(xsock_create_connection(&s, "127.0.0.1", 80, 100, 0), XSOCK_ENOTINIT);
  assert_int_equal(s, XSOCK_INVALID);
  s = 7;
  xt_err(xsock_create_server(&s, NULL, 0, 0, 0), XSOCK_ENOTINIT);
  assert_int_equal(s, XSOCK_INVALID);
  /* Bad arguments are still told apart first, as in every call. */
  xt_err(xsock_socket(&s, 99, XSOCK_STREAM, 0), XSOCK_EINVAL);
  xt_err(xsock_socketpair(99, p), XSOCK_EINVAL);
  xt_err(xsock_create_connection(&s, "127.0.0.1", 0, 100, 0), XSOCK_EINVAL);
  xt_err(xsock_create_server(&s, NULL, -1, 0, 0), XSOCK_EINVAL);
}

/* Creates and closes one of each kind of handle. */
static void expect_initialised(void) {
  xsock_t s, p[2];
  xsock_selector_t *sel;
  xsock_addr_t a;
  xt_ok(xsock_socket(&s, XSOCK_AF_INET, XSOCK_STREAM, 0));
  xt_ok(xsock_close(s));
  xt_ok(xsock_socketpair(XSOCK_STREAM, p));
  xt_ok(xsock_close(p[0]));
  xt_ok(xsock_close(p[1]));
  xt_ok(xsock_selector_open(&sel, XSOCK_BACKEND_DEFAULT));
  xsock_selector_close(sel);
  assert_int_equal(xsock_resolve("127.0.0.1", 80, XSOCK_AF_INET, &a, 1), 1);
}

static void test_before_init(void **state) {
  (void)state;
  expect_not_initialised();
  /* An unbalanced cleanup changes nothing. */
  xsock_cleanup();
  expect_not_initialised();
}

static void test_counted(void **state) {
  (void)state;
  xt_ok(xsock_init());
  xt_ok(xsock_init());
  expect_initialised();
  xsock_cleanup();
  /* One xsock_init() is still outstanding. */
  expect_initialised();
  xsock_cleanup();
  expect_not_initialised();
  /* A new start after the last cleanup. */
  xt_ok(xsock_init());
  expect_initialised();
  xsock_cleanup();
  expect_not_initialised();
}

#define NOTINIT__THREADS 4
#define NOTINIT__ROUNDS 200

struct worker {
  int failures;
};

/* Each round takes a reference, uses it and gives it back, while the other
 * threads do the same: a count that lost an update would let a socket
 * call fail with XSOCK_ENOTINIT while this thread holds a reference. */
static void worker_run(void *arg) {
  struct worker *w = (struct worker *)arg;
  int i;
  for (i = 0; i < NOTINIT__ROUNDS; i++) {
    xsock_t s;
    if (xsock_init() != 0) {
      w->failures++;
      continue;
    }
    if (xsock_socket(&s, XSOCK_AF_INET, XSOCK_DGRAM, 0) != 0)
      w->failures++;
    else if (xsock_close(s) != 0)
      w->failures++;
    xsock_cleanup();
  }
}

static void test_threads(void **state) {
  struct worker w[NOTINIT__THREADS];
  xt_thread_t *t[NOTINIT__THREADS];
  int i;
  (void)state;
  memset(w, 0, sizeof w);
  for (i = 0; i < NOTINIT__THREADS; i++)
    t[i] = xt_thread_start(worker_run, &w[i]);
  for (i = 0; i < NOTINIT__THREADS; i++)
    xt_thread_join(t[i]);
  for (i = 0; i < NOTINIT__THREADS; i++)
    assert_int_equal(w[i].failures, 0);
  /* Every reference was given back. */
  expect_not_initialised();
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_before_init),
      cmocka_unit_test(test_counted),
      cmocka_unit_test(test_threads),
  };
  return cmocka_run_group_tests_name("notinit", tests, NULL, NULL);
}
