/* SPDX-License-Identifier: MIT */
/* Safe defaults of every handle the library creates: not inherited by
 * child processes (close-on-exec on POSIX, no HANDLE_FLAG_INHERIT on
 * Windows), and on Windows exclusive address use, so that another socket
 * asking for SO_REUSEADDR cannot take over a bound port. */
#include "xtest.h"

#ifdef _WIN32
#include <winsock2.h>
#include <windows.h>
#else
#include <fcntl.h>
#endif

/* 1 if a child process would inherit s. The query differs per OS: a
 * socket is a HANDLE on Windows and a descriptor on POSIX. */
static int inheritable(xsock_t s) {
#ifdef _WIN32
  DWORD flags = 0;
  assert_true(GetHandleInformation((HANDLE)s, &flags));
  return (flags & HANDLE_FLAG_INHERIT) != 0;
#else
  int fl = fcntl(s, F_GETFD);
  assert_true(fl != -1);
  return (fl & FD_CLOEXEC) == 0;
#endif
}

static void test_created_not_inherited(void **state) {
  static const int families[] = {XSOCK_AF_INET, XSOCK_AF_INET6};
  size_t i;
  int t;
  (void)state;
  for (i = 0; i < sizeof families / sizeof families[0]; i++) {
    for (t = XSOCK_STREAM; t <= XSOCK_DGRAM; t++) {
      xsock_t s;
      xt_ok(xsock_socket(&s, families[i], t, 0));
      assert_false(inheritable(s));
      xt_ok(xsock_close(s));
      xt_ok(xsock_socket(&s, families[i], t, XSOCK_NONBLOCK));
      assert_false(inheritable(s));
      xt_ok(xsock_close(s));
    }
  }
}

static void test_accepted_and_pair_not_inherited(void **state) {
  xsock_t l, c, s, p[2];
  xsock_addr_t la;
  int flags;
  (void)state;
  for (flags = 0; flags <= XSOCK_NONBLOCK; flags += XSOCK_NONBLOCK) {
    xt_listener(&l, &la, XSOCK_AF_INET);
    xt_ok(xsock_socket(&c, XSOCK_AF_INET, XSOCK_STREAM, 0));
    xt_ok(xsock_connect(c, &la));
    /* The connect completed, so the connection is queued: a blocking
     * accept returns at once. */
    xt_ok(xsock_accept(l, &s, NULL, flags));
    assert_false(inheritable(s));
    xt_ok(xsock_close(s));
    xt_ok(xsock_close(c));
    xt_ok(xsock_close(l));
  }
  xt_ok(xsock_socketpair(XSOCK_STREAM, p));
  assert_false(inheritable(p[0]));
  assert_false(inheritable(p[1]));
  xt_ok(xsock_close(p[0]));
  xt_ok(xsock_close(p[1]));
}

#ifdef _WIN32
/* Windows only: SO_REUSEADDR there lets a second socket bind a port that
 * is in use; an xsock socket holds its port with SO_EXCLUSIVEADDRUSE, so
 * such a raw Winsock socket must be refused. */
static void test_port_not_hijacked(void **state) {
  xsock_t l;
  xsock_addr_t la;
  struct sockaddr_in sin;
  size_t len = sizeof sin;
  SOCKET h;
  BOOL on = TRUE;
  (void)state;
  xt_listener(&l, &la, XSOCK_AF_INET);
  xt_ok(xsock_addr_to_sockaddr(&la, &sin, &len));
  h = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
  assert_true(h != INVALID_SOCKET);
  assert_int_equal(
      setsockopt(h, SOL_SOCKET, SO_REUSEADDR, (const char *)&on, sizeof on), 0);
  assert_int_not_equal(bind(h, (const struct sockaddr *)&sin, (int)len), 0);
  closesocket(h);
  xt_ok(xsock_close(l));
}
#endif

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_created_not_inherited),
      cmocka_unit_test(test_accepted_and_pair_not_inherited),
#ifdef _WIN32
      cmocka_unit_test(test_port_not_hijacked),
#endif
  };
  int rc;
  if (xsock_init() != 0)
    return 1;
  rc = cmocka_run_group_tests_name("inherit", tests, NULL, NULL);
  xsock_cleanup();
  return rc;
}
