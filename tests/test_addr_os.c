/* SPDX-License-Identifier: MIT */
/* Addresses on the OS side: conversions to and from the OS's sockaddr,
 * and name resolution through the OS resolver. */
#include "xtest.h"

#include <stdlib.h>
#include <string.h>

#ifdef _WIN32
#include <winsock2.h>
#include <ws2tcpip.h>
#else
#include <arpa/inet.h>
#include <netinet/in.h>
#endif

static int is_zero(const xsock_addr_t *a) {
  static const xsock_addr_t zero;
  return memcmp(a, &zero, sizeof zero) == 0;
}

/* Storage for a sockaddr of any kind, suitably aligned. */
union sa_buf {
  unsigned char bytes[256];
  double align_d;
  void *align_p;
  long long align_ll;
};

static void check_sockaddr_roundtrip(const char *text) {
  union sa_buf sa;
  xsock_addr_t a, b;
  size_t len = sizeof sa.bytes, need;
  xt_ok(xsock_addr_parse(&a, text));
  xt_ok(xsock_addr_to_sockaddr(&a, sa.bytes, &len));
  assert_true(len > 2 && len <= sizeof sa.bytes);
  need = len;
  xt_ok(xsock_addr_from_sockaddr(&b, sa.bytes, len));
  assert_true(xsock_addr_equal(&a, &b));
  /* One byte short is ENOSPC and leaves *len alone. */
  len = need - 1;
  xt_err(xsock_addr_to_sockaddr(&a, sa.bytes, &len), XSOCK_ENOSPC);
  assert_int_equal(len, need - 1);
  /* A sockaddr cut short cannot be read (IPv4 and IPv6 only: an AF_UNIX
   * length just says how much of the path there is). */
  if (a.family != XSOCK_AF_UNIX)
    xt_err(xsock_addr_from_sockaddr(&b, sa.bytes, need - 1), XSOCK_EINVAL);
}

static void test_sockaddr(void **state) {
  union sa_buf sa;
  xsock_addr_t a;
  size_t len = sizeof sa.bytes;
  (void)state;
  check_sockaddr_roundtrip("127.0.0.1:80");
  check_sockaddr_roundtrip("0.0.0.0:0");
  check_sockaddr_roundtrip("[::1]:65535");
  check_sockaddr_roundtrip("[fe80::abcd%3]:7");
#ifndef _WIN32
  /* AF_UNIX sockaddrs exist on POSIX only (xsock's Windows build reports
   * XSOCK_EAFNOSUPPORT for them). */
  check_sockaddr_roundtrip("unix:/tmp/xsock-test.sock");
#endif
  xt_ok(xsock_addr_loopback(&a, XSOCK_AF_INET, 1));
  xt_err(xsock_addr_to_sockaddr(NULL, sa.bytes, &len), XSOCK_EINVAL);
  xt_err(xsock_addr_to_sockaddr(&a, NULL, &len), XSOCK_EINVAL);
  xt_err(xsock_addr_to_sockaddr(&a, sa.bytes, NULL), XSOCK_EINVAL);
  memset(&a, 0, sizeof a);
  xt_err(xsock_addr_to_sockaddr(&a, sa.bytes, &len), XSOCK_EINVAL);
  xt_err(xsock_addr_from_sockaddr(NULL, sa.bytes, sizeof sa.bytes),
         XSOCK_EINVAL);
  xt_err(xsock_addr_from_sockaddr(&a, NULL, sizeof sa.bytes), XSOCK_EINVAL);
  /* All-zero bytes are family AF_UNSPEC on every OS: not one xsock knows. */
  memset(sa.bytes, 0, sizeof sa.bytes);
  xt_err(xsock_addr_from_sockaddr(&a, sa.bytes, 128), XSOCK_EAFNOSUPPORT);
  xt_err(xsock_addr_from_sockaddr(&a, sa.bytes, 1), XSOCK_EINVAL);
  xt_err(xsock_addr_from_sockaddr(&a, sa.bytes, 0), XSOCK_EINVAL);
}

/* The bytes of the OS's sockaddr, in both directions: the port and the
 * IPv6 flow information in network byte order (most significant byte
 * first), the scope id in host order, the address bytes as written. A
 * round trip cannot see a conversion that is wrong both ways, and on a
 * little-endian machine a swap that is right there hides one that is
 * wrong on a big-endian one (the s390x leg runs this). */
static void test_sockaddr_byte_order(void **state) {
  static const uint8_t ip4[4] = {192, 0, 2, 1};
  static const uint8_t ip6[16] = {0xfe, 0x80, 0, 0, 0, 0, 0, 0,
                                  0,    0,    0, 0, 1, 2, 3, 4};
  static const unsigned char port_bytes[2] = {0x1f, 0x90}; /* 8080 */
  static const unsigned char flow_bytes[4] = {0x00, 0x0a, 0xbc, 0xde};
  struct sockaddr_in in, in_out;
  struct sockaddr_in6 in6, in6_out;
  xsock_addr_t a;
  char buf[XSOCK_ADDRSTRLEN];
  size_t len;
  (void)state;

  memset(&in, 0, sizeof in);
  in.sin_family = AF_INET;
  memcpy(&in.sin_port, port_bytes, 2);
  memcpy(&in.sin_addr, ip4, 4);
  xt_ok(xsock_addr_from_sockaddr(&a, &in, sizeof in));
  assert_int_equal(xsock_addr_port(&a), 8080);
  xt_ok(xsock_addr_format(&a, buf, sizeof buf));
  assert_string_equal(buf, "192.0.2.1:8080");
  memset(&in_out, 0xa5, sizeof in_out);
  len = sizeof in_out;
  xt_ok(xsock_addr_to_sockaddr(&a, &in_out, &len));
  assert_int_equal(len, sizeof in_out);
  assert_int_equal(in_out.sin_family, AF_INET);
  assert_memory_equal(&in_out.sin_port, port_bytes, 2);
  assert_int_equal(ntohs(in_out.sin_port), 8080);
  assert_memory_equal(&in_out.sin_addr, ip4, 4);

  memset(&in6, 0, sizeof in6);
  in6.sin6_family = AF_INET6;
  memcpy(&in6.sin6_port, port_bytes, 2);
  memcpy(&in6.sin6_flowinfo, flow_bytes, 4);
  in6.sin6_scope_id = 5;
  memcpy(&in6.sin6_addr, ip6, 16);
  xt_ok(xsock_addr_from_sockaddr(&a, &in6, sizeof in6));
  assert_int_equal(xsock_addr_port(&a), 8080);
  assert_int_equal(a.flowinfo, 0xabcde);
  assert_int_equal(a.scope_id, 5);
  xt_ok(xsock_addr_format(&a, buf, sizeof buf));
  assert_string_equal(buf, "[fe80::102:304%5]:8080");
  memset(&in6_out, 0xa5, sizeof in6_out);
  len = sizeof in6_out;
  xt_ok(xsock_addr_to_sockaddr(&a, &in6_out, &len));
  assert_int_equal(len, sizeof in6_out);
  assert_int_equal(in6_out.sin6_family, AF_INET6);
  assert_memory_equal(&in6_out.sin6_port, port_bytes, 2);
  assert_memory_equal(&in6_out.sin6_flowinfo, flow_bytes, 4);
  assert_int_equal(in6_out.sin6_scope_id, 5);
  assert_memory_equal(&in6_out.sin6_addr, ip6, 16);
}

/* Every resolved address is a loopback of a known family with the port. */
static void check_loopbacks(const xsock_addr_t *out, int n, int port) {
  static const uint8_t v6_loop[16] = {0, 0, 0, 0, 0, 0, 0, 0,
                                      0, 0, 0, 0, 0, 0, 0, 1};
  int i;
  for (i = 0; i < n; i++) {
    assert_int_equal(xsock_addr_port(&out[i]), port);
    if (out[i].family == XSOCK_AF_INET)
      assert_int_equal(out[i].u.ip[0], 127);
    else if (out[i].family == XSOCK_AF_INET6)
      assert_memory_equal(out[i].u.ip, v6_loop, 16);
    else
      fail_msg("resolved address %d has family %d", i, out[i].family);
  }
}

static void test_resolve(void **state) {
  xsock_addr_t out[16], a;
  char buf[XSOCK_ADDRSTRLEN];
  int n, i;
  (void)state;
  n = (int)xt_ok(xsock_resolve("localhost", 8080, XSOCK_AF_UNSPEC, out, 16));
  assert_true(n >= 1);
  check_loopbacks(out, n, 8080);

  n = (int)xt_ok(xsock_resolve("127.0.0.1", 1, XSOCK_AF_INET, out, 16));
  assert_int_equal(n, 1);
  xt_ok(xsock_addr_format(&out[0], buf, sizeof buf));
  assert_string_equal(buf, "127.0.0.1:1");

  n = (int)xt_ok(xsock_resolve("::1", 65535, XSOCK_AF_INET6, out, 16));
  assert_int_equal(n, 1);
  xt_ok(xsock_addr_format(&out[0], buf, sizeof buf));
  assert_string_equal(buf, "[::1]:65535");

  /* NULL host: the any-address(es) for binding. */
  n = (int)xt_ok(xsock_resolve(NULL, 0, XSOCK_AF_INET, out, 16));
  assert_true(n >= 1);
  xt_ok(xsock_addr_any(&a, XSOCK_AF_INET, 0));
  assert_true(xsock_addr_equal(&out[0], &a));
  n = (int)xt_ok(xsock_resolve(NULL, 99, XSOCK_AF_UNSPEC, out, 16));
  for (i = 0; i < n; i++) {
    static const uint8_t zeros[16] = {0};
    assert_int_equal(xsock_addr_port(&out[i]), 99);
    assert_memory_equal(out[i].u.ip, zeros,
                        out[i].family == XSOCK_AF_INET ? 4 : 16);
  }

  /* max = 1 keeps only the first of what the resolver returns. A passive
   * lookup of both families gives "::" and "0.0.0.0" (no AI_ADDRCONFIG is
   * used, so this holds without any network), hence at least two. */
  n = (int)xt_ok(xsock_resolve(NULL, 5, XSOCK_AF_UNSPEC, out, 16));
  assert_true(n >= 2);
  a = out[0];
  memset(out, 0, sizeof out);
  n = (int)xt_ok(xsock_resolve(NULL, 5, XSOCK_AF_UNSPEC, out, 1));
  assert_int_equal(n, 1);
  assert_true(xsock_addr_equal(&out[0], &a));
  assert_true(is_zero(&out[1]));

  /* An IPv4 literal asked for as IPv6: the resolvers disagree on which
   * code (glibc: EAI_ADDRFAMILY or EAI_NONAME, others EAI_FAMILY), so
   * both mappings are accepted, but it must fail. */
  n = xsock_resolve("127.0.0.1", 1, XSOCK_AF_INET6, out, 16);
  /* Wine 8's getaddrinfo hands the host's own glibc code through here
   * (EAI_ADDRFAMILY, -9, not a Winsock code), which maps to EUNKNOWN;
   * accepted under Wine only. */
  assert_true(n == XSOCK_EAI_NONAME || n == XSOCK_EAFNOSUPPORT ||
              (xt_is_wine() && n == XSOCK_EUNKNOWN));

  /* RFC 6761 reserves ".invalid": it never resolves. A machine with a
   * resolver answers NXDOMAIN (XSOCK_EAI_NONAME); one without a network
   * (the test machine has none) cannot reach a DNS server and reports a
   * temporary failure (XSOCK_EAI_AGAIN). Both are correct. */
  n = xsock_resolve("xsock-test.invalid", 80, XSOCK_AF_UNSPEC, out, 16);
  assert_true(n == XSOCK_EAI_NONAME || n == XSOCK_EAI_AGAIN);

  /* Bad arguments. */
  xt_err(xsock_resolve("localhost", 80, XSOCK_AF_UNSPEC, NULL, 4),
         XSOCK_EINVAL);
  xt_err(xsock_resolve("localhost", 80, XSOCK_AF_UNSPEC, out, 0), XSOCK_EINVAL);
  xt_err(xsock_resolve("localhost", -1, XSOCK_AF_UNSPEC, out, 4), XSOCK_EINVAL);
  xt_err(xsock_resolve("localhost", 65536, XSOCK_AF_UNSPEC, out, 4),
         XSOCK_EINVAL);
  xt_err(xsock_resolve("localhost", 80, XSOCK_AF_UNIX, out, 4), XSOCK_EINVAL);
  /* On failure the first entry is the empty address, whatever the reason,
   * and the call writes nothing else. */
  memset(out, 0x5a, sizeof out);
  xt_err(xsock_resolve("localhost", -1, XSOCK_AF_UNSPEC, out, 4), XSOCK_EINVAL);
  assert_true(is_zero(&out[0]));
  assert_int_equal(((unsigned char *)&out[1])[0], 0x5a);
  memset(out, 0x5a, sizeof out);
  xt_err(xsock_resolve("", 80, XSOCK_AF_UNSPEC, out, 4), XSOCK_EAI_NONAME);
  assert_true(is_zero(&out[0]));
  memset(out, 0x5a, sizeof out);
  n = xsock_resolve("xsock-test.invalid", 80, XSOCK_AF_UNSPEC, out, 16);
  assert_true(n < 0);
  assert_true(is_zero(&out[0]));
  xt_err(xsock_resolve("localhost", 80, 5, out, 4), XSOCK_EINVAL);
  xt_err(xsock_resolve("", 80, XSOCK_AF_UNSPEC, out, 4), XSOCK_EAI_NONAME);
}

/* An AF_UNIX xsock_addr_t whose path has no NUL within its field: every
 * call that reads the path must stay inside the field and refuse it. The
 * address is allocated on the heap with nothing after it, so a read past
 * the field is a heap overflow that AddressSanitizer reports (the old
 * POSIX conversion ran strlen over it). */

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

static void test_unix_conversion_refuses(void **state) {
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

static void test_unix_text_readers_refuse(void **state) {
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
static void test_unix_socket_calls_refuse(void **state) {
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
      cmocka_unit_test(test_sockaddr),
      cmocka_unit_test(test_sockaddr_byte_order),
      cmocka_unit_test(test_resolve),
      cmocka_unit_test(test_unix_conversion_refuses),
      cmocka_unit_test(test_unix_text_readers_refuse),
#ifndef _WIN32
      cmocka_unit_test(test_unix_socket_calls_refuse),
#endif
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
