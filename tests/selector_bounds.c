/* SPDX-License-Identifier: MIT */
/* Handle values at and past every bound, on one backend (argv[1]): a
 * selector refuses what it cannot hold with a clear error and never
 * writes outside its sets (the select backends keep fixed-size fd_sets
 * on POSIX; AddressSanitizer and valgrind watch these runs).
 *  - values that name no open handle, small and huge, give XSOCK_EBADF
 *    (POSIX select may say XSOCK_ERANGE first for one past FD_SETSIZE);
 *  - POSIX: a real socket moved to FD_SETSIZE - 1, the last bit of an
 *    fd_set, works on every backend; moved to FD_SETSIZE, it works on
 *    every backend but select, which refuses it with XSOCK_ERANGE. */
#include "xtest.h"

#include <limits.h>

#ifndef _WIN32
#include <sys/resource.h>
#include <sys/select.h>
#include <unistd.h>
#endif

static void test_values_naming_nothing(void **state) {
  xsock_selector_t *sel = xt_selector();
#ifdef _WIN32
  /* SOCKET values that no socket has: small, odd, and near the top. */
  static const unsigned long long bogus[] = {1, 3, 0xFFFFu, 0x7FFFFFF0u,
                                             ~0ull - 1};
#else
  static const long long bogus[] = {
      -7, -2, FD_SETSIZE - 1, FD_SETSIZE, FD_SETSIZE + 1, 65535, INT_MAX};
#endif
  size_t i;
  (void)state;
  for (i = 0; i < sizeof bogus / sizeof bogus[0]; i++) {
    xsock_t s = (xsock_t)bogus[i];
    int rc = xsock_selector_add(sel, s, XSOCK_READ, NULL);
#ifndef _WIN32
    if (rc == XSOCK_ERANGE && xt_backend == XSOCK_BACKEND_SELECT &&
        bogus[i] >= FD_SETSIZE)
      continue;
#endif
    assert_int_equal(rc, XSOCK_EBADF);
    xt_err(xsock_selector_modify(sel, s, XSOCK_WRITE, NULL), XSOCK_ENOENT);
    xt_err(xsock_selector_remove(sel, s), XSOCK_ENOENT);
  }
  /* Nothing was registered: a wait reports nothing. */
  assert_int_equal(xt_wait_one(sel, XSOCK_INVALID, 0), 0);
  xsock_selector_close(sel);
}

#ifndef _WIN32
/* Moves s to descriptor number at, or returns 0 when the process may not
 * have a descriptor that high. */
static int bounds_move(xsock_t *s, int at) {
  struct rlimit rl;
  if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
    return 0;
  if (rl.rlim_cur <= (rlim_t)at) {
    if (rl.rlim_max != RLIM_INFINITY && rl.rlim_max <= (rlim_t)at)
      return 0;
    rl.rlim_cur = (rlim_t)at + 1;
    if (setrlimit(RLIMIT_NOFILE, &rl) != 0)
      return 0;
  }
  assert_int_equal(dup2(*s, at), at);
  xt_close(s);
  *s = at;
  return 1;
}

static void test_last_bit_and_one_past(void **state) {
  static const int at[] = {FD_SETSIZE - 1, FD_SETSIZE};
  size_t i;
  (void)state;
  for (i = 0; i < sizeof at / sizeof at[0]; i++) {
    xsock_selector_t *sel = xt_selector();
    xsock_t p[2];
    int rc;
    xt_ok(xsock_socketpair(XSOCK_STREAM, p));
    if (!bounds_move(&p[0], at[i])) {
      /* A hard limit below FD_SETSIZE: no descriptor can be there, so no
       * fd_set can be overrun through one either. */
      print_message("descriptor %d not allowed here\n", at[i]);
      xt_close(&p[0]);
      xt_close(&p[1]);
      xsock_selector_close(sel);
      continue;
    }
    xt_ok(xsock_send(p[1], "x", 1));
    rc = xsock_selector_add(sel, p[0], XSOCK_READ | XSOCK_WRITE, p);
    if (at[i] >= FD_SETSIZE && xt_backend == XSOCK_BACKEND_SELECT) {
      assert_int_equal(rc, XSOCK_ERANGE);
    } else {
      xt_ok(rc);
      assert_int_equal(
          xt_expect_events(sel, p[0], XSOCK_READ | XSOCK_WRITE, 5000),
          XSOCK_READ | XSOCK_WRITE);
      xt_ok(xsock_selector_remove(sel, p[0]));
    }
    xsock_selector_close(sel);
    xt_close(&p[0]);
    xt_close(&p[1]);
  }
}
#endif

int main(int argc, char **argv) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_values_naming_nothing),
#ifndef _WIN32
      cmocka_unit_test(test_last_bit_and_one_past),
#endif
  };
  return xt_selector_main(argc, argv, tests);
}
