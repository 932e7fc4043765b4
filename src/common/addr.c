/* SPDX-License-Identifier: MIT */
/* Address text (parse and format) and the small address helpers.
 *
 * The parser is strict and written here, not delegated to inet_pton, so
 * that every OS accepts exactly the same strings. The rules:
 *  - The whole text is one of "IPV4:PORT", "[IPV6]:PORT",
 *    "[IPV6%ZONE]:PORT" or "unix:PATH". Nothing may precede or follow it:
 *    no whitespace, no trailing text. NULL, "" and any text of
 *    XSOCK_ADDRSTRLEN bytes or more are rejected (no valid form is that
 *    long, and format never writes one).
 *  - IPV4 is exactly four decimal parts 0..255 separated by '.', each one
 *    to three digits, with no sign, no empty part, no hex, and no leading
 *    zero except a lone "0": "01.2.3.4" is refused because some parsers
 *    read it as octal.
 *  - IPV6 is an RFC 4291 text form (see addr_ip6.c): up to eight groups of
 *    one to four hex digits in either case, at most one "::", optionally a
 *    dotted IPv4 tail (::ffff:1.2.3.4). It is always in brackets, since a
 *    port must follow ("::1:80" is refused as ambiguous).
 *  - ZONE follows '%' and is either a decimal index 1..4294967295 without
 *    leading zeros, or an interface name of 1..XSOCK__ZONE_MAX bytes from
 *    [A-Za-z0-9._-] that the OS knows (xsock__if_index); an unknown name
 *    is refused. Format always writes the numeric index, so
 *    parse(format(a)) == a even where names differ between systems.
 *  - PORT is required: one to five decimal digits, value 0..65535, no sign,
 *    no space and no leading zero ("080" is refused; "0" is fine).
 *  - PATH is everything after "unix:", 1..XSOCK_UNIX_PATH_MAX bytes, taken
 *    verbatim: a file name may hold any byte, and any path that
 *    xsock_addr_unix() accepts must read back from its formatted text.
 * Every failure gives XSOCK_EINVAL and leaves *addr zeroed. */
#include "addr.h"
#include "internal.h"

#include <string.h>

/* Longest interface name accepted as a zone. Linux and the BSDs allow 15
 * bytes (IF_NAMESIZE - 1); Windows names can be longer. 63 keeps every
 * address text far below XSOCK_ADDRSTRLEN. */
#define XSOCK__ZONE_MAX 63

/* A port is "0".."65535". Like the IPv4 parts it has no leading zero
 * ("080" is refused), so every accepted port is already canonical. */
static int addr__parse_port(const char *s, size_t n, uint16_t *port) {
  uint64_t v;
  if (xsock__decimal(s, n, 5, &v) != 0 || v > 65535u)
    return -1;
  *port = (uint16_t)v;
  return 0;
}

/* Reads the zone after '%': a numeric index, or an interface name looked
 * up through the platform hook. */
static int addr__parse_zone(const char *s, size_t n, uint32_t *scope) {
  char name[XSOCK__ZONE_MAX + 1];
  uint64_t v;
  size_t i;
  int numeric = 1;
  if (n == 0 || n > XSOCK__ZONE_MAX)
    return -1;
  for (i = 0; i < n; i++) {
    char c = s[i];
    if (XSOCK__IS_DIGIT(c))
      continue;
    numeric = 0;
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '.' ||
          c == '_' || c == '-'))
      return -1;
  }
  if (numeric) {
    /* Zone 0 means "none" and is never written, so "%0" is refused. */
    if (xsock__decimal(s, n, 10, &v) != 0 || v == 0 || v > 0xffffffffu)
      return -1;
    *scope = (uint32_t)v;
    return 0;
  }
  memcpy(name, s, n);
  name[n] = '\0';
  *scope = xsock__if_index(name);
  return *scope == 0 ? -1 : 0;
}

/* "[IPV6]:PORT" or "[IPV6%ZONE]:PORT"; s[0] is '['. */
static int addr__parse_v6(xsock_addr_t *addr, const char *s, size_t n) {
  const char *close = memchr(s, ']', n);
  const char *pct;
  size_t inner;
  if (close == NULL || (size_t)(close - s) + 1 >= n || close[1] != ':')
    return -1;
  inner = (size_t)(close - s) - 1;
  pct = memchr(s + 1, '%', inner);
  if (pct != NULL) {
    size_t ip_len = (size_t)(pct - (s + 1));
    if (addr__parse_zone(pct + 1, inner - ip_len - 1, &addr->scope_id) != 0)
      return -1;
    inner = ip_len;
  }
  if (xsock__ip6_parse(s + 1, inner, addr->u.ip) != 0)
    return -1;
  if (addr__parse_port(close + 2, n - (size_t)(close - s) - 2, &addr->port) !=
      0)
    return -1;
  addr->family = XSOCK_AF_INET6;
  return 0;
}

/* "IPV4:PORT": the address holds no ':', so the first one splits. */
static int addr__parse_v4(xsock_addr_t *addr, const char *s, size_t n) {
  const char *colon = memchr(s, ':', n);
  size_t ip_len;
  if (colon == NULL)
    return -1;
  ip_len = (size_t)(colon - s);
  if (xsock__ip4_parse(s, ip_len, addr->u.ip) != 0 ||
      addr__parse_port(colon + 1, n - ip_len - 1, &addr->port) != 0)
    return -1;
  addr->family = XSOCK_AF_INET;
  return 0;
}

int xsock_addr_parse(xsock_addr_t *addr, const char *text) {
  size_t n;
  int rc;
  if (addr == NULL)
    return xsock__fail(XSOCK_EINVAL, 0);
  memset(addr, 0, sizeof *addr);
  if (text == NULL)
    return xsock__fail(XSOCK_EINVAL, 0);
  /* Bounded length: a huge or unterminated-looking input costs at most
   * XSOCK_ADDRSTRLEN reads. */
  for (n = 0; n < XSOCK_ADDRSTRLEN && text[n] != '\0'; n++) {
  }
  if (n == 0 || n >= XSOCK_ADDRSTRLEN)
    return xsock__fail(XSOCK_EINVAL, 0);
  if (text[0] == '[') {
    rc = addr__parse_v6(addr, text, n);
  } else if (n >= 5 && memcmp(text, "unix:", 5) == 0) {
    rc = xsock_addr_unix(addr, text + 5);
    return rc; /* xsock_addr_unix zeroes and records the failure itself */
  } else {
    rc = addr__parse_v4(addr, text, n);
  }
  if (rc != 0) {
    memset(addr, 0, sizeof *addr);
    return xsock__fail(XSOCK_EINVAL, 0);
  }
  return 0;
}

/* Appends the decimal value v; returns the length written. */
static size_t addr__put_uint(uint32_t v, char *out) {
  char tmp[10];
  size_t n = 0, k;
  do {
    tmp[n++] = (char)('0' + v % 10u);
    v /= 10u;
  } while (v != 0);
  for (k = 0; k < n; k++)
    out[k] = tmp[n - 1 - k];
  return n;
}

/* Writes addr's text into out (XSOCK_ADDRSTRLEN bytes); returns its length
 * or -1 when addr holds no valid address. */
static int addr__text(const xsock_addr_t *addr, char *out) {
  size_t n = 0;
  switch (addr->family) {
  case XSOCK_AF_INET:
    n = xsock__ip4_format(addr->u.ip, out);
    break;
  case XSOCK_AF_INET6:
    out[n++] = '[';
    n += xsock__ip6_format(addr->u.ip, out + n);
    if (addr->scope_id != 0) {
      out[n++] = '%';
      n += addr__put_uint(addr->scope_id, out + n);
    }
    out[n++] = ']';
    break;
  case XSOCK_AF_UNIX: {
    const char *end = memchr(addr->u.path, '\0', sizeof addr->u.path);
    size_t len = end == NULL ? 0 : (size_t)(end - addr->u.path);
    if (len == 0)
      return -1; /* empty, or not terminated within the field */
    memcpy(out, "unix:", 5);
    memcpy(out + 5, addr->u.path, len);
    out[5 + len] = '\0';
    return (int)(5 + len);
  }
  default:
    return -1;
  }
  out[n++] = ':';
  n += addr__put_uint(addr->port, out + n);
  out[n] = '\0';
  return (int)n;
}

int xsock_addr_format(const xsock_addr_t *addr, char *buf, size_t len) {
  /* The longest text: "unix:" and a full path, 112 bytes with the NUL. */
  char text[XSOCK_ADDRSTRLEN];
  int n;
  if (buf == NULL)
    return xsock__fail(XSOCK_EINVAL, 0);
  if (len > 0)
    buf[0] = '\0';
  if (addr == NULL || (n = addr__text(addr, text)) < 0)
    return xsock__fail(XSOCK_EINVAL, 0);
  if ((size_t)n + 1 > len)
    return xsock__fail(XSOCK_ENOSPC, 0);
  memcpy(buf, text, (size_t)n + 1);
  return n;
}

/* Sets addr to family's address ip with port; the helper behind
 * loopback() and any(). */
static int addr__fill(xsock_addr_t *addr, int family, int port,
                      const uint8_t *ip4, const uint8_t *ip6) {
  if (addr == NULL)
    return xsock__fail(XSOCK_EINVAL, 0);
  memset(addr, 0, sizeof *addr);
  if (family != XSOCK_AF_INET && family != XSOCK_AF_INET6)
    return xsock__fail(XSOCK_EINVAL, 0);
  if (port < 0 || port > 65535)
    return xsock__fail(XSOCK_ERANGE, 0);
  addr->family = (uint16_t)family;
  addr->port = (uint16_t)port;
  if (family == XSOCK_AF_INET)
    memcpy(addr->u.ip, ip4, 4);
  else
    memcpy(addr->u.ip, ip6, 16);
  return 0;
}

int xsock__addr_loopback(xsock_addr_t *addr, int family, int port) {
  static const uint8_t v4[4] = {127, 0, 0, 1};
  static const uint8_t v6[16] = {0, 0, 0, 0, 0, 0, 0, 0,
                                 0, 0, 0, 0, 0, 0, 0, 1};
  return addr__fill(addr, family, port, v4, v6);
}

int xsock__addr_any(xsock_addr_t *addr, int family, int port) {
  static const uint8_t zeros[16] = {0};
  return addr__fill(addr, family, port, zeros, zeros);
}

int xsock_addr_loopback(xsock_addr_t *addr, int family, int port) {
  return xsock__addr_loopback(addr, family, port);
}

int xsock_addr_any(xsock_addr_t *addr, int family, int port) {
  return xsock__addr_any(addr, family, port);
}

int xsock_addr_unix(xsock_addr_t *addr, const char *path) {
  size_t n;
  if (addr == NULL)
    return xsock__fail(XSOCK_EINVAL, 0);
  memset(addr, 0, sizeof *addr);
  if (path == NULL)
    return xsock__fail(XSOCK_EINVAL, 0);
  for (n = 0; n <= XSOCK_UNIX_PATH_MAX && path[n] != '\0'; n++) {
  }
  if (n == 0 || n > XSOCK_UNIX_PATH_MAX)
    return xsock__fail(XSOCK_EINVAL, 0);
  addr->family = XSOCK_AF_UNIX;
  memcpy(addr->u.path, path, n);
  addr->u.path[n] = '\0';
  return 0;
}

static int addr__is_ip(const xsock_addr_t *addr) {
  return addr != NULL &&
         (addr->family == XSOCK_AF_INET || addr->family == XSOCK_AF_INET6);
}

int xsock_addr_port(const xsock_addr_t *addr) {
  if (!addr__is_ip(addr))
    return xsock__fail(XSOCK_EINVAL, 0);
  return addr->port;
}

int xsock_addr_set_port(xsock_addr_t *addr, int port) {
  if (!addr__is_ip(addr))
    return xsock__fail(XSOCK_EINVAL, 0);
  if (port < 0 || port > 65535)
    return xsock__fail(XSOCK_ERANGE, 0);
  addr->port = (uint16_t)port;
  return 0;
}

int xsock_addr_family(const xsock_addr_t *addr) {
  if (addr == NULL)
    return XSOCK_AF_UNSPEC;
  switch (addr->family) {
  case XSOCK_AF_INET:
  case XSOCK_AF_INET6:
  case XSOCK_AF_UNIX:
    return addr->family;
  default:
    return XSOCK_AF_UNSPEC; /* empty, or not a value xsock ever stores */
  }
}

int xsock_addr_equal(const xsock_addr_t *a, const xsock_addr_t *b) {
  return xsock__addr_equal(a, b);
}

int xsock__addr_equal(const xsock_addr_t *a, const xsock_addr_t *b) {
  if (a == NULL || b == NULL || a->family != b->family)
    return 0;
  switch (a->family) {
  case XSOCK_AF_UNSPEC:
    return 1; /* two empty addresses */
  case XSOCK_AF_INET:
    return a->port == b->port && memcmp(a->u.ip, b->u.ip, 4) == 0;
  case XSOCK_AF_INET6:
    /* flowinfo is traffic-class data, not part of the address. */
    return a->port == b->port && a->scope_id == b->scope_id &&
           memcmp(a->u.ip, b->u.ip, 16) == 0;
  case XSOCK_AF_UNIX:
    /* Compare the NUL-terminated paths; bytes after the NUL are noise. A
     * path not terminated within its field is no address (format and the
     * socket calls refuse it), so it equals nothing, not even itself. */
    return memchr(a->u.path, '\0', sizeof a->u.path) != NULL &&
           memchr(b->u.path, '\0', sizeof b->u.path) != NULL &&
           strcmp(a->u.path, b->u.path) == 0;
  default:
    return 0;
  }
}
