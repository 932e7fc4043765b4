/* SPDX-License-Identifier: MIT */
/* Connected socket pairs. */
#include "xtest.h"

#include <string.h>

static void test_socketpair(void **state) {
  xsock_t p[2];
  char buf[16];
  int v;
  (void)state;
  xt_ok(xsock_socketpair(XSOCK_STREAM, p));
  assert_int_not_equal(p[0], XSOCK_INVALID);
  assert_int_not_equal(p[1], XSOCK_INVALID);
  xt_ok(xsock_get_option(p[0], XSOCK_OPT_TYPE, &v));
  assert_int_equal(v, XSOCK_STREAM);
  assert_int_equal(xsock_sendall(p[0], "abc", 3), 3);
  assert_int_equal(xsock_recv_exact(p[1], buf, 3), 3);
  assert_memory_equal(buf, "abc", 3);
  assert_int_equal(xsock_sendall(p[1], "xyz", 3), 3);
  assert_int_equal(xsock_recv_exact(p[0], buf, 3), 3);
  assert_memory_equal(buf, "xyz", 3);
  xt_ok(xsock_close(p[0]));
  assert_int_equal(xsock_recv(p[1], buf, sizeof buf), 0);
  xt_ok(xsock_close(p[1]));
}

static void test_socketpair_dgram_and_errors(void **state) {
  xsock_t p[2];
  (void)state;
#ifdef _WIN32
  /* The Windows emulation makes TCP pairs only. */
  xt_err(xsock_socketpair(XSOCK_DGRAM, p), XSOCK_ENOTSUP);
#else
  char buf[16];
  xt_ok(xsock_socketpair(XSOCK_DGRAM, p));
  /* Datagrams keep their boundaries, unlike a stream. */
  assert_int_equal(xsock_send(p[0], "one", 3), 3);
  assert_int_equal(xsock_send(p[0], "three", 5), 5);
  assert_int_equal(xsock_recv(p[1], buf, sizeof buf), 3);
  assert_int_equal(xsock_recv(p[1], buf, sizeof buf), 5);
  assert_memory_equal(buf, "three", 5);
  xt_ok(xsock_close(p[0]));
  xt_ok(xsock_close(p[1]));
#endif
  xt_err(xsock_socketpair(XSOCK_STREAM, NULL), XSOCK_EINVAL);
  p[0] = p[1] = 7;
  xt_err(xsock_socketpair(0, p), XSOCK_EINVAL);
  assert_int_equal(p[0], XSOCK_INVALID);
  assert_int_equal(p[1], XSOCK_INVALID);
  p[0] = p[1] = 7;
  xt_err(xsock_socketpair(3, p), XSOCK_EINVAL);
  assert_int_equal(p[0], XSOCK_INVALID);
  assert_int_equal(p[1], XSOCK_INVALID);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_socketpair),
      cmocka_unit_test(test_socketpair_dgram_and_errors),
  };
  int rc;
  if (xsock_init() != 0)
    return 1;
  rc = cmocka_run_group_tests_name("socketpair", tests, NULL, NULL);
  xsock_cleanup();
  return rc;
}
