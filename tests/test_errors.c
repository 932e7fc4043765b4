/* SPDX-License-Identifier: MIT */
/* The error vocabulary: codes, names, messages, and the raw OS error kept
 * for diagnostics. */
#include "xtest.h"
#include "xtest_thread.h"

#include <string.h>

struct code {
  int value;
  const char *name;
  const char *message;
};

/* The list straight from the header's X-macro, so that a code added there
 * is checked here without editing this file. */
static const struct code codes[] = {
#define CODE(name, value, msg) {XSOCK_##name, #name, msg},
    XSOCK_ERRNO_MAP(CODE)
#undef CODE
};
#define NCODES (sizeof codes / sizeof codes[0])

static void test_codes_are_negative_and_distinct(void **state) {
  size_t i, j;
  (void)state;
  assert_true(NCODES >= 30);
  for (i = 0; i < NCODES; i++) {
    assert_true(codes[i].value < 0);
    for (j = i + 1; j < NCODES; j++)
      assert_int_not_equal(codes[i].value, codes[j].value);
  }
  /* A few values are ABI: they must never move. */
  assert_int_equal(XSOCK_EAGAIN, -1);
  assert_int_equal(XSOCK_EINVAL, -11);
  assert_int_equal(XSOCK_EBADF, -12);
  assert_int_equal(XSOCK_EUNKNOWN, -100);
}

static void test_names_and_messages(void **state) {
  size_t i, j;
  (void)state;
  for (i = 0; i < NCODES; i++) {
    const char *name = xsock_err_name(codes[i].value);
    const char *msg = xsock_strerror(codes[i].value);
    /* The name round-trips to the code's own spelling. */
    assert_string_equal(name, codes[i].name);
    assert_string_equal(msg, codes[i].message);
    assert_true(strlen(msg) > 0);
    for (j = 0; j < i; j++) {
      assert_string_not_equal(name, xsock_err_name(codes[j].value));
      assert_string_not_equal(msg, xsock_strerror(codes[j].value));
    }
  }
}

static void test_unknown_and_zero(void **state) {
  static const int unknown[] = {1, 12345, -99, -101, -1000000, 0x7fffffff};
  size_t i;
  (void)state;
  assert_string_equal(xsock_err_name(0), "OK");
  assert_string_equal(xsock_strerror(0), "success");
  for (i = 0; i < sizeof unknown / sizeof unknown[0]; i++) {
    assert_string_equal(xsock_err_name(unknown[i]), "EUNKNOWN");
    assert_string_equal(xsock_strerror(unknown[i]), "unknown error");
  }
}

static void test_last_os_error(void **state) {
  xsock_t l, s;
  xsock_addr_t a;
  (void)state;
  xt_listener(&l, &a, XSOCK_AF_INET);
  xt_ok(xsock_socket(&s, XSOCK_AF_INET, XSOCK_STREAM, 0));
  /* A failure the OS reports keeps its raw code. */
  xt_err(xsock_bind(s, &a), XSOCK_EADDRINUSE);
  assert_int_not_equal(xsock_last_os_error(), 0);
  /* A failure xsock finds itself has none. */
  xt_err(xsock_bind(s, NULL), XSOCK_EINVAL);
  assert_int_equal(xsock_last_os_error(), 0);
  xt_err(xsock_socket(NULL, XSOCK_AF_INET, XSOCK_STREAM, 0), XSOCK_EINVAL);
  assert_int_equal(xsock_last_os_error(), 0);
  xt_ok(xsock_close(s));
  xt_ok(xsock_close(l));
}

struct other_thread {
  int before;
  int rc;
  int after;
};

static void other_thread_main(void *arg) {
  struct other_thread *o = (struct other_thread *)arg;
  o->before = xsock_last_os_error();
  o->rc = xsock_close(XSOCK_INVALID);
  o->after = xsock_last_os_error();
}

static void test_last_os_error_is_per_thread(void **state) {
  xsock_t l, s;
  xsock_addr_t a;
  struct other_thread o;
  int mine;
  (void)state;
  xt_listener(&l, &a, XSOCK_AF_INET);
  xt_ok(xsock_socket(&s, XSOCK_AF_INET, XSOCK_STREAM, 0));
  xt_err(xsock_bind(s, &a), XSOCK_EADDRINUSE);
  mine = xsock_last_os_error();
  assert_int_not_equal(mine, 0);
  o.before = o.rc = o.after = 1;
  xt_thread_join(xt_thread_start(other_thread_main, &o));
  /* The new thread starts clean and its failure does not touch ours. */
  assert_int_equal(o.before, 0);
  assert_int_equal(o.rc, XSOCK_EBADF);
  assert_int_equal(o.after, 0);
  assert_int_equal(xsock_last_os_error(), mine);
  xt_ok(xsock_close(s));
  xt_ok(xsock_close(l));
}

static void test_os_strerror(void **state) {
  char buf[256], tiny[4];
  int n, os;
  xsock_t l, s;
  xsock_addr_t a;
  (void)state;
  xt_listener(&l, &a, XSOCK_AF_INET);
  xt_ok(xsock_socket(&s, XSOCK_AF_INET, XSOCK_STREAM, 0));
  xt_err(xsock_bind(s, &a), XSOCK_EADDRINUSE);
  os = xsock_last_os_error();
  n = (int)xt_ok(xsock_os_strerror(os, buf, sizeof buf));
  assert_true(n > 3);
  assert_int_equal((int)strlen(buf), n);
  /* Truncated to fit, always terminated, nothing written past the end. */
  memset(tiny, 'Z', sizeof tiny);
  n = (int)xt_ok(xsock_os_strerror(os, tiny, 3));
  assert_int_equal(n, 2);
  assert_int_equal(tiny[2], '\0');
  assert_int_equal(tiny[3], 'Z');
  assert_memory_equal(tiny, buf, 2);
  n = (int)xt_ok(xsock_os_strerror(os, tiny, 1));
  assert_int_equal(n, 0);
  assert_int_equal(tiny[0], '\0');
  xt_err(xsock_os_strerror(os, NULL, 10), XSOCK_EINVAL);
  xt_err(xsock_os_strerror(os, buf, 0), XSOCK_EINVAL);
  /* Any number has some text, even one the OS does not know. */
  xt_ok(xsock_os_strerror(987654, buf, sizeof buf));
  xt_ok(xsock_close(s));
  xt_ok(xsock_close(l));
}

static void test_version(void **state) {
  (void)state;
  assert_string_equal(xsock_version(), XSOCK_VERSION_STRING);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_codes_are_negative_and_distinct),
      cmocka_unit_test(test_names_and_messages),
      cmocka_unit_test(test_unknown_and_zero),
      cmocka_unit_test(test_last_os_error),
      cmocka_unit_test(test_last_os_error_is_per_thread),
      cmocka_unit_test(test_os_strerror),
      cmocka_unit_test(test_version),
  };
  int rc;
  if (xsock_init() != 0)
    return 1;
  rc = cmocka_run_group_tests_name("errors", tests, NULL, NULL);
  xsock_cleanup();
  return rc;
}
