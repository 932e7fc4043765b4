/* SPDX-License-Identifier: MIT */
/* An AF_UNIX xsock_addr_t whose path has no NUL within its field: every
 * call that reads the path must stay inside the field and refuse it. The
 * address is allocated on the heap with nothing after it, so a read past
 * the field is a heap overflow that AddressSanitizer reports (the old
 * POSIX conversion ran strlen over it). */
#include "xtest.h"

#include <stdlib.h>
#include <string.h>

/* What a conversion of an AF_UNIX address gives where xsock offers no
 * AF_UNIX (Windows), before the path is looked at. */
#ifdef _WIN32
#define UNIX_BAD XSOCK_EAFNOSUPPORT
#else
#define UNIX_BAD XSOCK_EINVAL
#endif

/* A heap address of family AF_UNIX with fill in every byte of the path. */
static xsock_addr_t *unterminated(char fill) {
  xsock_addr_t *a = malloc(sizeof *a);
  assert_non_null(a);
  memset(a, 0, sizeof *a);
  a->family = XSOCK_AF_UNIX;
  memset(a->u.path, fill, sizeof a->u.path);
  return a;
}

static void test_conversion_refuses(void **state) {
  unsigned char sa[512];
  size_t len = sizeof sa;
  xsock_addr_t *a = unterminated('x');
  (void)state;
  xt_err(xsock_addr_to_sockaddr(a, sa, &len), UNIX_BAD);
  assert_int_equal(len, sizeof sa); /* untouched on failure */
  /* An empty path is no address either. */
  memset(a->u.path, 0, sizeof a->u.path);
  xt_err(xsock_addr_to_sockaddr(a, sa, &len), UNIX_BAD);
  free(a);
}

static void test_text_readers_refuse(void **state) {
  char buf[XSOCK_ADDRSTRLEN * 2];
  xsock_addr_t *a = unterminated('y');
  xsock_addr_t *b = unterminated('y');
  (void)state;
  buf[0] = 'q';
  xt_err(xsock_addr_format(a, buf, sizeof buf), XSOCK_EINVAL);
  assert_int_equal(buf[0], '\0');
  /* Not an address, so it equals nothing, not even the same bytes. */
  assert_false(xsock_addr_equal(a, b));
  assert_false(xsock_addr_equal(a, a));
  /* A valid path against an unterminated one that starts the same. */
  xt_ok(xsock_addr_unix(b, "yyy"));
  assert_false(xsock_addr_equal(a, b));
  assert_false(xsock_addr_equal(b, a));
  assert_int_equal(xsock_addr_family(a), XSOCK_AF_UNIX);
  xt_err(xsock_addr_port(a), XSOCK_EINVAL);
  free(a);
  free(b);
}

#ifndef _WIN32
/* The socket calls reach the same conversion: bind, connect and sendto
 * on AF_UNIX sockets refuse the address before any file is made. */
static void test_socket_calls_refuse(void **state) {
  xsock_addr_t *a = unterminated('z');
  xsock_t s = XSOCK_INVALID, d = XSOCK_INVALID;
  (void)state;
  xt_ok(xsock_socket(&s, XSOCK_AF_UNIX, XSOCK_STREAM, 0));
  xt_err(xsock_bind(s, a), XSOCK_EINVAL);
  xt_err(xsock_connect(s, a), XSOCK_EINVAL);
  xt_ok(xsock_socket(&d, XSOCK_AF_UNIX, XSOCK_DGRAM, 0));
  xt_err(xsock_sendto(d, "u", 1, a), XSOCK_EINVAL);
  xt_close(&s);
  xt_close(&d);
  free(a);
}
#endif

static int setup(void **state) {
  (void)state;
  return xsock_init() == 0 ? 0 : -1;
}

static int teardown(void **state) {
  (void)state;
  xsock_cleanup();
  return 0;
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_conversion_refuses),
      cmocka_unit_test(test_text_readers_refuse),
#ifndef _WIN32
      cmocka_unit_test(test_socket_calls_refuse),
#endif
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
