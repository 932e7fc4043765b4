/* SPDX-License-Identifier: MIT */
/* Addresses: the strict text parser and the canonical formatter, and the
 * small helpers. The OS side (sockaddr conversions, name resolution) is in
 * test_addr_os.c. */
#include "xtest.h"

#include <stdio.h>
#include <string.h>

#if defined(__linux__)
#include <net/if.h> /* if_nametoindex, for the expected index of "lo" */
#endif

/* One parse case: the input, the expected result and, for a good input,
 * its canonical text (NULL when it is the input itself). */
struct parse_case {
  const char *text;
  int rc;
  const char *canon;
};

static const struct parse_case parse_cases[] = {
    /* IPv4, good. */
    {"127.0.0.1:8080", 0, NULL},
    {"0.0.0.0:0", 0, NULL},
    {"255.255.255.255:65535", 0, NULL},
    {"1.2.3.4:1", 0, NULL},
    {"10.0.100.9:443", 0, NULL},
    /* Ports. */
    {"127.0.0.1:65536", XSOCK_EINVAL, NULL},
    {"127.0.0.1:-1", XSOCK_EINVAL, NULL},
    {"127.0.0.1:+1", XSOCK_EINVAL, NULL},
    {"127.0.0.1: 1", XSOCK_EINVAL, NULL},
    {"127.0.0.1:", XSOCK_EINVAL, NULL},
    {"127.0.0.1", XSOCK_EINVAL, NULL},
    {"127.0.0.1:080", XSOCK_EINVAL, NULL},
    {"127.0.0.1:100000", XSOCK_EINVAL, NULL},
    {"127.0.0.1:99999", XSOCK_EINVAL, NULL},
    {"127.0.0.1:1x", XSOCK_EINVAL, NULL},
    {"127.0.0.1:1:2", XSOCK_EINVAL, NULL},
    {"127.0.0.1::1", XSOCK_EINVAL, NULL},
    /* Whitespace and trailing text. */
    {"", XSOCK_EINVAL, NULL},
    {" 127.0.0.1:1", XSOCK_EINVAL, NULL},
    {"127.0.0.1:1 ", XSOCK_EINVAL, NULL},
    {"127.0.0.1:1\n", XSOCK_EINVAL, NULL},
    {"127.0.0.1 :1", XSOCK_EINVAL, NULL},
    /* IPv4, bad. */
    {"256.0.0.1:1", XSOCK_EINVAL, NULL},
    {"1.2.3.999:1", XSOCK_EINVAL, NULL},
    {"1.2.3:1", XSOCK_EINVAL, NULL},
    {"1.2.3.4.5:1", XSOCK_EINVAL, NULL},
    {"01.2.3.4:1", XSOCK_EINVAL, NULL},
    {"1.2.3.00:1", XSOCK_EINVAL, NULL},
    {"1..3.4:1", XSOCK_EINVAL, NULL},
    {".1.2.3:1", XSOCK_EINVAL, NULL},
    {"1.2.3.:1", XSOCK_EINVAL, NULL},
    {"a.b.c.d:1", XSOCK_EINVAL, NULL},
    {"0x7f.0.0.1:1", XSOCK_EINVAL, NULL},
    {"1.2.3.4a:1", XSOCK_EINVAL, NULL},
    {"+1.2.3.4:1", XSOCK_EINVAL, NULL},
    {"1.2.3.-4:1", XSOCK_EINVAL, NULL},
    {"2130706433:1", XSOCK_EINVAL, NULL},
    {"localhost:80", XSOCK_EINVAL, NULL},
    /* IPv6, good, with canonical RFC 5952 text. */
    {"[::1]:80", 0, NULL},
    {"[::]:0", 0, NULL},
    {"[::]:65535", 0, NULL},
    {"[FE80::1]:80", 0, "[fe80::1]:80"},
    {"[fe80::1%2]:80", 0, NULL},
    {"[fe80::1%4294967295]:1", 0, NULL},
    {"[2001:db8:0:0:0:0:2:1]:443", 0, "[2001:db8::2:1]:443"},
    {"[2001:0db8:0000:0000:0001:0000:0000:0001]:1", 0, "[2001:db8::1:0:0:1]:1"},
    {"[2001:db8:0:1:1:1:1:1]:5", 0, NULL},
    {"[2001:db8::1:1:1:1:1]:5", 0, "[2001:db8:0:1:1:1:1:1]:5"},
    {"[1:0:0:2:0:0:0:3]:1", 0, "[1:0:0:2::3]:1"},
    {"[1:2:3:4:5:6:7:8]:9", 0, NULL},
    {"[1:2:3:4:5:6:7::]:9", 0, "[1:2:3:4:5:6:7:0]:9"},
    {"[::2:3:4:5:6:7:8]:9", 0, "[0:2:3:4:5:6:7:8]:9"},
    {"[1::]:1", 0, NULL},
    {"[0:0:0:0:0:0:0:0]:1", 0, "[::]:1"},
    {"[0:0:0:0:0:0:0:1]:1", 0, "[::1]:1"},
    {"[ABCD:EF01:2345:6789:abcd:ef01:2345:6789]:1", 0,
     "[abcd:ef01:2345:6789:abcd:ef01:2345:6789]:1"},
    {"[::ffff:1.2.3.4]:80", 0, NULL},
    {"[::FFFF:102:304]:80", 0, "[::ffff:1.2.3.4]:80"},
    {"[::ffff:0.0.0.0]:1", 0, NULL},
    {"[::1.2.3.4]:80", 0, "[::102:304]:80"},
    {"[1:2:3:4:5:6:1.2.3.4]:1", 0, "[1:2:3:4:5:6:102:304]:1"},
    {"[ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255%4294967295]:65535", 0,
     "[ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff%4294967295]:65535"},
    /* IPv6, bad. */
    {"::1:80", XSOCK_EINVAL, NULL},
    {"::1", XSOCK_EINVAL, NULL},
    {"[::1]", XSOCK_EINVAL, NULL},
    {"[::1]80", XSOCK_EINVAL, NULL},
    {"[::1]:", XSOCK_EINVAL, NULL},
    {"[::1]:65536", XSOCK_EINVAL, NULL},
    {"[::1]:1]", XSOCK_EINVAL, NULL},
    {"[::1]]:1", XSOCK_EINVAL, NULL},
    {"[::1:80", XSOCK_EINVAL, NULL},
    {"::1]:80", XSOCK_EINVAL, NULL},
    {"[]:1", XSOCK_EINVAL, NULL},
    {"[:]:1", XSOCK_EINVAL, NULL},
    {"[:::]:1", XSOCK_EINVAL, NULL},
    {"[1::2::3]:1", XSOCK_EINVAL, NULL},
    {"[1:2:3:4:5:6:7:8:9]:1", XSOCK_EINVAL, NULL},
    {"[1:2:3:4:5:6:7]:1", XSOCK_EINVAL, NULL},
    {"[1:2:3:4:5:6:7:8::]:1", XSOCK_EINVAL, NULL},
    {"[::1:2:3:4:5:6:7:8]:1", XSOCK_EINVAL, NULL},
    {"[12345::1]:1", XSOCK_EINVAL, NULL},
    {"[::g]:1", XSOCK_EINVAL, NULL},
    {"[::1 ]:1", XSOCK_EINVAL, NULL},
    {"[ ::1]:1", XSOCK_EINVAL, NULL},
    {"[1:2:3:4:5:6:7:]:1", XSOCK_EINVAL, NULL},
    {"[1:]:1", XSOCK_EINVAL, NULL},
    {"[:1]:1", XSOCK_EINVAL, NULL},
    {"[1:::2]:1", XSOCK_EINVAL, NULL},
    {"[::1.2.3]:1", XSOCK_EINVAL, NULL},
    {"[::1.2.3.256]:1", XSOCK_EINVAL, NULL},
    {"[::ffff:01.2.3.4]:1", XSOCK_EINVAL, NULL},
    {"[1:2:3:4:5:6:7:1.2.3.4]:1", XSOCK_EINVAL, NULL},
    {"[::1.2.3.4:5]:1", XSOCK_EINVAL, NULL},
    {"[1.2.3.4]:1", XSOCK_EINVAL, NULL},
    {"[127.0.0.1]:1", XSOCK_EINVAL, NULL},
    /* Zones. */
    {"[::1%]:1", XSOCK_EINVAL, NULL},
    {"[::1%0]:1", XSOCK_EINVAL, NULL},
    {"[::1%01]:1", XSOCK_EINVAL, NULL},
    {"[::1%4294967296]:1", XSOCK_EINVAL, NULL},
    {"[::1%99999999999]:1", XSOCK_EINVAL, NULL},
    {"[::1%-1]:1", XSOCK_EINVAL, NULL},
    {"[::1%nosuchif0]:1", XSOCK_EINVAL, NULL},
    {"[::1%a/b]:1", XSOCK_EINVAL, NULL},
    {"[::1%a b]:1", XSOCK_EINVAL, NULL},
    {"[::1%1%2]:1", XSOCK_EINVAL, NULL},
    {"[%1]:1", XSOCK_EINVAL, NULL},
    {"[::1]%1:1", XSOCK_EINVAL, NULL},
    /* AF_UNIX: the path is taken verbatim, spaces included. */
    {"unix:/tmp/sock", 0, NULL},
    {"unix:relative", 0, NULL},
    {"unix:a b", 0, NULL},
    {"unix:unix:", 0, NULL},
    {"unix:", XSOCK_EINVAL, NULL},
    {"unix", XSOCK_EINVAL, NULL},
    {"UNIX:/tmp/sock", XSOCK_EINVAL, NULL},
};

#define N_CASES (sizeof parse_cases / sizeof parse_cases[0])

/* A value that is not all zero, to prove that a failing call zeroes it. */
static void fill_junk(xsock_addr_t *a) { memset(a, 0xA5, sizeof *a); }

static int is_zero(const xsock_addr_t *a) {
  static const xsock_addr_t zero;
  return memcmp(a, &zero, sizeof zero) == 0;
}

/* Parses text and checks the result; a good input must format to canon,
 * and the canonical text must parse back to an equal address. */
static void check_parse(const char *text, int rc, const char *canon) {
  xsock_addr_t a, b;
  char buf[XSOCK_ADDRSTRLEN];
  fill_junk(&a);
  if (rc != 0) {
    int got = xsock_addr_parse(&a, text);
    if (got != rc)
      fail_msg("\"%s\": parse gave %s, expected %s", text, xsock_err_name(got),
               xsock_err_name(rc));
    if (!is_zero(&a))
      fail_msg("\"%s\": failed parse left the address non-zero", text);
    return;
  }
  if (xsock_addr_parse(&a, text) != 0)
    fail_msg("\"%s\" should parse", text);
  assert_int_equal(xt_ok(xsock_addr_format(&a, buf, sizeof buf)),
                   strlen(canon != NULL ? canon : text));
  assert_string_equal(buf, canon != NULL ? canon : text);
  fill_junk(&b);
  xt_ok(xsock_addr_parse(&b, buf));
  assert_true(xsock_addr_equal(&a, &b));
}

static void test_parse_table(void **state) {
  size_t i;
  (void)state;
  assert_true(N_CASES >= 60);
  for (i = 0; i < N_CASES; i++)
    check_parse(parse_cases[i].text, parse_cases[i].rc, parse_cases[i].canon);
}

static void test_parse_fields(void **state) {
  static const uint8_t mapped[16] = {0, 0, 0,    0,    0, 0, 0, 0,
                                     0, 0, 0xff, 0xff, 1, 2, 3, 4};
  xsock_addr_t a;
  (void)state;
  xt_ok(xsock_addr_parse(&a, "192.168.1.20:8080"));
  assert_int_equal(a.family, XSOCK_AF_INET);
  assert_int_equal(a.port, 8080);
  assert_int_equal(a.u.ip[0], 192);
  assert_int_equal(a.u.ip[1], 168);
  assert_int_equal(a.u.ip[2], 1);
  assert_int_equal(a.u.ip[3], 20);
  xt_ok(xsock_addr_parse(&a, "[fe80::1%7]:65535"));
  assert_int_equal(a.family, XSOCK_AF_INET6);
  assert_int_equal(a.port, 65535);
  assert_int_equal(a.scope_id, 7);
  assert_int_equal(a.u.ip[0], 0xfe);
  assert_int_equal(a.u.ip[1], 0x80);
  assert_int_equal(a.u.ip[15], 1);
  xt_ok(xsock_addr_parse(&a, "[::ffff:1.2.3.4]:0"));
  assert_memory_equal(a.u.ip, mapped, 16);
  assert_int_equal(a.port, 0);
  xt_ok(xsock_addr_parse(&a, "unix:/run/x.sock"));
  assert_int_equal(a.family, XSOCK_AF_UNIX);
  assert_string_equal(a.u.path, "/run/x.sock");
}

static void test_parse_null_and_long(void **state) {
  char text[300];
  xsock_addr_t a;
  (void)state;
  xt_err(xsock_addr_parse(NULL, "1.2.3.4:1"), XSOCK_EINVAL);
  fill_junk(&a);
  xt_err(xsock_addr_parse(&a, NULL), XSOCK_EINVAL);
  assert_true(is_zero(&a));
  /* Far too long, and exactly XSOCK_ADDRSTRLEN bytes: both refused. */
  memset(text, '1', sizeof text - 1);
  text[sizeof text - 1] = '\0';
  fill_junk(&a);
  xt_err(xsock_addr_parse(&a, text), XSOCK_EINVAL);
  assert_true(is_zero(&a));
  memcpy(text, "unix:", 5);
  memset(text + 5, 'p', XSOCK_ADDRSTRLEN - 5);
  text[XSOCK_ADDRSTRLEN] = '\0';
  xt_err(xsock_addr_parse(&a, text), XSOCK_EINVAL);
  /* The longest unix path parses; one byte more does not. */
  text[5 + XSOCK_UNIX_PATH_MAX] = '\0';
  check_parse(text, 0, NULL);
  text[5 + XSOCK_UNIX_PATH_MAX] = 'p';
  text[5 + XSOCK_UNIX_PATH_MAX + 1] = '\0';
  check_parse(text, XSOCK_EINVAL, NULL);
  /* A zone name over the length limit (63) is refused before any lookup. */
  snprintf(text, sizeof text, "[::1%%%s]:1",
           "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
  check_parse(text, XSOCK_EINVAL, NULL);
}

static void test_parse_zone_names(void **state) {
  (void)state;
  /* Interface names differ per OS; an unknown one fails everywhere. */
  check_parse("[fe80::1%nosuchif0]:80", XSOCK_EINVAL, NULL);
  check_parse("[fe80::1%no-such_if.9]:80", XSOCK_EINVAL, NULL);
#if defined(__linux__)
  {
    /* Linux always names its loopback interface "lo". Format writes the
     * numeric index, which parses back to the same address. */
    char want[64];
    unsigned idx = if_nametoindex("lo");
    assert_true(idx > 0);
    snprintf(want, sizeof want, "[fe80::1%%%u]:80", idx);
    check_parse("[fe80::1%lo]:80", 0, want);
  }
#endif
}

/* A deterministic generator, so a failure can be reproduced. */
static uint32_t lcg_next(uint32_t *s) {
  *s = *s * 1664525u + 1013904223u;
  return *s >> 8;
}

/* parse(format(a)) == a for every family, over many IPv6 zero patterns. */
static void test_roundtrip(void **state) {
  xsock_addr_t a, b;
  char buf[XSOCK_ADDRSTRLEN], again[XSOCK_ADDRSTRLEN];
  uint32_t seed = 12345;
  int i, k;
  (void)state;
  for (i = 0; i < 5000; i++) {
    memset(&a, 0, sizeof a);
    a.family = (i % 3 == 0) ? XSOCK_AF_INET : XSOCK_AF_INET6;
    a.port = (uint16_t)lcg_next(&seed);
    for (k = 0; k < 16; k += 2) {
      /* Each group is zero half of the time, to hit every run pattern. */
      if (lcg_next(&seed) & 1) {
        a.u.ip[k] = (uint8_t)(lcg_next(&seed) & ((i & 4) ? 0x0f : 0xff));
        a.u.ip[k + 1] = (uint8_t)lcg_next(&seed);
      }
    }
    if (a.family == XSOCK_AF_INET) {
      memset(a.u.ip + 4, 0, 12);
    } else {
      if (i % 7 == 0) {
        memset(a.u.ip, 0, 10); /* IPv4-mapped */
        a.u.ip[10] = a.u.ip[11] = 0xff;
      }
      a.scope_id = (i % 5 == 0) ? lcg_next(&seed) : 0;
    }
    xt_ok(xsock_addr_format(&a, buf, sizeof buf));
    xt_ok(xsock_addr_parse(&b, buf));
    if (!xsock_addr_equal(&a, &b))
      fail_msg("round trip changed the address: %s", buf);
    xt_ok(xsock_addr_format(&b, again, sizeof again));
    assert_string_equal(buf, again);
  }
  xt_ok(xsock_addr_unix(&a, "/tmp/x y\tz"));
  xt_ok(xsock_addr_format(&a, buf, sizeof buf));
  assert_string_equal(buf, "unix:/tmp/x y\tz");
  xt_ok(xsock_addr_parse(&b, buf));
  assert_true(xsock_addr_equal(&a, &b));
}

/* Formats a with every buffer length from 0 to need + 1 into a buffer
 * followed by guard bytes, which must stay untouched. */
static void check_format_lengths(const xsock_addr_t *a, const char *want) {
  char buf[XSOCK_ADDRSTRLEN + 8];
  size_t need = strlen(want);
  size_t len, k;
  for (len = 0; len <= need + 1; len++) {
    int rc;
    memset(buf, 'G', sizeof buf);
    rc = xsock_addr_format(a, buf, len);
    if (len <= need) {
      xt_err(rc, XSOCK_ENOSPC);
      if (len > 0)
        assert_int_equal(buf[0], '\0');
      else
        assert_int_equal(buf[0], 'G');
      for (k = (len > 0 ? 1 : 0); k < sizeof buf; k++)
        if (buf[k] != 'G')
          fail_msg("len %u: byte %u written", (unsigned)len, (unsigned)k);
    } else {
      assert_int_equal(rc, (int)need);
      assert_string_equal(buf, want);
      for (k = need + 1; k < sizeof buf; k++)
        assert_int_equal(buf[k], 'G');
    }
  }
}

static void test_format_lengths(void **state) {
  xsock_addr_t a;
  char path[XSOCK_UNIX_PATH_MAX + 1];
  char want[XSOCK_ADDRSTRLEN];
  (void)state;
  xt_ok(xsock_addr_parse(&a, "255.255.255.255:65535"));
  check_format_lengths(&a, "255.255.255.255:65535");
  xt_ok(xsock_addr_parse(
      &a, "[ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff%4294967295]:65535"));
  check_format_lengths(
      &a, "[ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff%4294967295]:65535");
  xt_ok(xsock_addr_parse(&a, "[::]:0"));
  check_format_lengths(&a, "[::]:0");
  memset(path, 'q', XSOCK_UNIX_PATH_MAX);
  path[XSOCK_UNIX_PATH_MAX] = '\0';
  xt_ok(xsock_addr_unix(&a, path));
  snprintf(want, sizeof want, "unix:%s", path);
  check_format_lengths(&a, want);
}

static void test_format_errors(void **state) {
  xsock_addr_t a;
  char buf[XSOCK_ADDRSTRLEN];
  (void)state;
  xt_ok(xsock_addr_loopback(&a, XSOCK_AF_INET, 1));
  xt_err(xsock_addr_format(NULL, buf, sizeof buf), XSOCK_EINVAL);
  xt_err(xsock_addr_format(&a, NULL, 10), XSOCK_EINVAL);
  xt_err(xsock_addr_format(&a, NULL, 0), XSOCK_EINVAL);
  memset(&a, 0, sizeof a); /* the empty address */
  buf[0] = 'x';
  xt_err(xsock_addr_format(&a, buf, sizeof buf), XSOCK_EINVAL);
  assert_int_equal(buf[0], '\0');
  a.family = 99; /* not a family */
  xt_err(xsock_addr_format(&a, buf, sizeof buf), XSOCK_EINVAL);
  /* AF_UNIX with an empty path, and with no NUL inside the field. */
  a.family = XSOCK_AF_UNIX;
  xt_err(xsock_addr_format(&a, buf, sizeof buf), XSOCK_EINVAL);
  memset(a.u.path, 'z', sizeof a.u.path);
  xt_err(xsock_addr_format(&a, buf, sizeof buf), XSOCK_EINVAL);
}

static void test_loopback_any(void **state) {
  xsock_addr_t a;
  char buf[XSOCK_ADDRSTRLEN];
  (void)state;
  xt_ok(xsock_addr_loopback(&a, XSOCK_AF_INET, 80));
  xt_ok(xsock_addr_format(&a, buf, sizeof buf));
  assert_string_equal(buf, "127.0.0.1:80");
  xt_ok(xsock_addr_loopback(&a, XSOCK_AF_INET6, 65535));
  xt_ok(xsock_addr_format(&a, buf, sizeof buf));
  assert_string_equal(buf, "[::1]:65535");
  xt_ok(xsock_addr_any(&a, XSOCK_AF_INET, 0));
  xt_ok(xsock_addr_format(&a, buf, sizeof buf));
  assert_string_equal(buf, "0.0.0.0:0");
  xt_ok(xsock_addr_any(&a, XSOCK_AF_INET6, 443));
  xt_ok(xsock_addr_format(&a, buf, sizeof buf));
  assert_string_equal(buf, "[::]:443");
  /* Errors: NULL, a family without a loopback, a port out of range. */
  xt_err(xsock_addr_loopback(NULL, XSOCK_AF_INET, 1), XSOCK_EINVAL);
  xt_err(xsock_addr_any(NULL, XSOCK_AF_INET6, 1), XSOCK_EINVAL);
  fill_junk(&a);
  xt_err(xsock_addr_loopback(&a, XSOCK_AF_UNIX, 1), XSOCK_EINVAL);
  assert_true(is_zero(&a));
  xt_err(xsock_addr_any(&a, XSOCK_AF_UNSPEC, 1), XSOCK_EINVAL);
  xt_err(xsock_addr_any(&a, 5, 1), XSOCK_EINVAL);
  xt_err(xsock_addr_loopback(&a, XSOCK_AF_INET, 65536), XSOCK_ERANGE);
  xt_err(xsock_addr_any(&a, XSOCK_AF_INET6, -1), XSOCK_ERANGE);
  assert_true(is_zero(&a));
}

static void test_unix_port_family(void **state) {
  xsock_addr_t a;
  char path[XSOCK_UNIX_PATH_MAX + 2];
  (void)state;
  xt_ok(xsock_addr_unix(&a, "/tmp/s"));
  assert_int_equal(xsock_addr_family(&a), XSOCK_AF_UNIX);
  assert_string_equal(a.u.path, "/tmp/s");
  xt_err(xsock_addr_port(&a), XSOCK_EINVAL);
  xt_err(xsock_addr_set_port(&a, 1), XSOCK_EINVAL);
  memset(path, 'p', sizeof path - 1);
  path[sizeof path - 1] = '\0'; /* XSOCK_UNIX_PATH_MAX + 1 bytes */
  fill_junk(&a);
  xt_err(xsock_addr_unix(&a, path), XSOCK_EINVAL);
  assert_true(is_zero(&a));
  path[XSOCK_UNIX_PATH_MAX] = '\0';
  xt_ok(xsock_addr_unix(&a, path));
  assert_int_equal(strlen(a.u.path), XSOCK_UNIX_PATH_MAX);
  xt_err(xsock_addr_unix(&a, ""), XSOCK_EINVAL);
  xt_err(xsock_addr_unix(&a, NULL), XSOCK_EINVAL);
  xt_err(xsock_addr_unix(NULL, "/x"), XSOCK_EINVAL);

  xt_ok(xsock_addr_parse(&a, "[::1]:8080"));
  assert_int_equal(xt_ok(xsock_addr_port(&a)), 8080);
  xt_ok(xsock_addr_set_port(&a, 0));
  assert_int_equal(xsock_addr_port(&a), 0);
  xt_ok(xsock_addr_set_port(&a, 65535));
  assert_int_equal(xsock_addr_port(&a), 65535);
  xt_err(xsock_addr_set_port(&a, 65536), XSOCK_ERANGE);
  xt_err(xsock_addr_set_port(&a, -1), XSOCK_ERANGE);
  assert_int_equal(xsock_addr_port(&a), 65535); /* unchanged */
  assert_int_equal(xsock_addr_family(&a), XSOCK_AF_INET6);
  xt_ok(xsock_addr_parse(&a, "1.2.3.4:5"));
  assert_int_equal(xsock_addr_family(&a), XSOCK_AF_INET);
  assert_int_equal(xsock_addr_port(&a), 5);
  xt_err(xsock_addr_port(NULL), XSOCK_EINVAL);
  xt_err(xsock_addr_set_port(NULL, 1), XSOCK_EINVAL);
  assert_int_equal(xsock_addr_family(NULL), XSOCK_AF_UNSPEC);
  memset(&a, 0, sizeof a);
  assert_int_equal(xsock_addr_family(&a), XSOCK_AF_UNSPEC);
  xt_err(xsock_addr_port(&a), XSOCK_EINVAL);
  xt_err(xsock_addr_set_port(&a, 1), XSOCK_EINVAL);
  a.family = 77;
  assert_int_equal(xsock_addr_family(&a), XSOCK_AF_UNSPEC);
}

static void test_equal(void **state) {
  xsock_addr_t a, b;
  (void)state;
  xt_ok(xsock_addr_parse(&a, "1.2.3.4:5"));
  xt_ok(xsock_addr_parse(&b, "1.2.3.4:5"));
  assert_true(xsock_addr_equal(&a, &b));
  b.u.ip[3] = 9;
  assert_false(xsock_addr_equal(&a, &b));
  xt_ok(xsock_addr_parse(&b, "1.2.3.4:6"));
  assert_false(xsock_addr_equal(&a, &b));
  xt_ok(xsock_addr_parse(&b, "[::ffff:1.2.3.4]:5"));
  assert_false(xsock_addr_equal(&a, &b)); /* another family */
  xt_ok(xsock_addr_parse(&a, "[fe80::1%1]:5"));
  xt_ok(xsock_addr_parse(&b, "[fe80::1%2]:5"));
  assert_false(xsock_addr_equal(&a, &b)); /* another zone */
  b.scope_id = 1;
  b.flowinfo = 1234; /* not part of the address */
  assert_true(xsock_addr_equal(&a, &b));
  xt_ok(xsock_addr_unix(&a, "/a"));
  xt_ok(xsock_addr_unix(&b, "/a"));
  b.u.path[5] = 'x'; /* after the NUL: noise */
  assert_true(xsock_addr_equal(&a, &b));
  xt_ok(xsock_addr_unix(&b, "/b"));
  assert_false(xsock_addr_equal(&a, &b));
  assert_false(xsock_addr_equal(NULL, &b));
  assert_false(xsock_addr_equal(&a, NULL));
  assert_false(xsock_addr_equal(NULL, NULL));
  memset(&a, 0, sizeof a);
  memset(&b, 0, sizeof b);
  assert_true(xsock_addr_equal(&a, &b)); /* two empty addresses */
  a.family = b.family = 77;
  assert_false(xsock_addr_equal(&a, &b));
}

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
      cmocka_unit_test(test_parse_table),
      cmocka_unit_test(test_parse_fields),
      cmocka_unit_test(test_parse_null_and_long),
      cmocka_unit_test(test_parse_zone_names),
      cmocka_unit_test(test_roundtrip),
      cmocka_unit_test(test_format_lengths),
      cmocka_unit_test(test_format_errors),
      cmocka_unit_test(test_loopback_any),
      cmocka_unit_test(test_unix_port_family),
      cmocka_unit_test(test_equal),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
