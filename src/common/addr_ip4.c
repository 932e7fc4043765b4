/* SPDX-License-Identifier: MIT */
/* The dotted-quad IPv4 text form and the strict decimal numbers it is
 * made of, read and written without the OS. Both addr.c (whole addresses,
 * ports, zones) and addr_ip6.c (an IPv6 address's dotted IPv4 tail) use
 * them, so they sit below both, and neither of those two files needs the
 * other's helpers. The rules are at the top of addr.c. */
#include "addr.h"

int xsock__decimal(const char *s, size_t n, size_t max_digits,
                   uint64_t *value) {
  uint64_t v = 0;
  size_t i;
  if (n == 0 || n > max_digits || (n > 1 && s[0] == '0'))
    return -1;
  for (i = 0; i < n; i++) {
    if (!XSOCK__IS_DIGIT(s[i]))
      return -1;
    v = v * 10u + (uint64_t)(s[i] - '0');
  }
  *value = v;
  return 0;
}

int xsock__ip4_parse(const char *s, size_t n, uint8_t out[4]) {
  size_t i = 0;
  int part;
  for (part = 0; part < 4; part++) {
    size_t start = i;
    uint64_t v;
    while (i < n && s[i] != '.')
      i++;
    if (xsock__decimal(s + start, i - start, 3, &v) != 0 || v > 255u)
      return -1;
    out[part] = (uint8_t)v;
    if (part < 3) {
      if (i == n)
        return -1; /* fewer than four parts */
      i++;         /* skip the '.' */
    }
  }
  return i == n ? 0 : -1; /* a fifth part is trailing text */
}

size_t xsock__ip4_format(const uint8_t ip[4], char *out) {
  size_t n = 0;
  int k;
  for (k = 0; k < 4; k++) {
    unsigned v = ip[k];
    if (k > 0)
      out[n++] = '.';
    if (v >= 100)
      out[n++] = (char)('0' + v / 100);
    if (v >= 10)
      out[n++] = (char)('0' + v / 10 % 10);
    out[n++] = (char)('0' + v % 10);
  }
  out[n] = '\0';
  return n;
}
