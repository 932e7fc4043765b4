/* SPDX-License-Identifier: MIT */
/* The IPv6 text form, read and written without the OS (inet_pton and
 * inet_ntop differ between systems in what they accept and how they
 * compress zeros, and xsock wants one answer everywhere).
 *
 * Reading follows RFC 4291 section 2.2: up to eight groups of one to four
 * hex digits (either case) separated by ':', at most one "::" standing for
 * one or more zero groups, and optionally a dotted IPv4 address in place
 * of the last two groups. Writing follows RFC 5952: lowercase, no leading
 * zeros, the longest run of two or more zero groups (the first one on a
 * tie) written as "::", and an IPv4-mapped address (::ffff:a.b.c.d) with
 * its dotted tail. */
#include "addr.h"

#include <string.h>

/* The value of a hex digit, or -1 for any other byte. */
static int addr_ip6__hex(char c) {
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

int xsock__ip6_parse(const char *s, size_t n, uint8_t out[16]) {
  uint16_t words[8];
  int count = 0; /* groups read so far */
  int gap = -1;  /* index in words where "::" stands, -1 if none */
  size_t i = 0;
  int k;

  memset(out, 0, 16);
  if (n < 2)
    return -1; /* the shortest form is "::" */
  if (s[0] == ':') {
    /* Only "::" may start the text; a lone leading ':' is an error. */
    if (s[1] != ':')
      return -1;
    gap = 0;
    i = 2;
  }
  while (i < n) {
    size_t start = i;
    unsigned value = 0;
    int digit;
    if (count == 8)
      return -1;
    while (i < n && i - start < 4 && (digit = addr_ip6__hex(s[i])) >= 0) {
      value = value * 16u + (unsigned)digit;
      i++;
    }
    if (i == start)
      return -1; /* empty group, e.g. ":::" or "1:::2" */
    if (i < n && s[i] == '.') {
      /* A dotted IPv4 tail takes the last two groups and ends the text. */
      if (count > 6 || xsock__ip4_parse(s + start, n - start, out) != 0)
        return -1;
      words[count++] = (uint16_t)(out[0] << 8 | out[1]);
      words[count++] = (uint16_t)(out[2] << 8 | out[3]);
      break;
    }
    words[count++] = (uint16_t)value;
    if (i == n)
      break;
    if (s[i] != ':')
      return -1; /* a fifth hex digit or a byte outside the grammar */
    i++;
    if (i < n && s[i] == ':') {
      if (gap >= 0)
        return -1; /* a second "::" would make the text ambiguous */
      gap = count;
      i++;
    } else if (i == n) {
      return -1; /* a trailing single ':' */
    }
  }
  /* Without "::" all eight groups must be written; with it at least one
   * zero group must be left for it to stand for. */
  if (gap < 0 ? count != 8 : count > 7)
    return -1;
  memset(out, 0, 16);
  for (k = 0; k < count; k++) {
    int slot = (gap >= 0 && k >= gap) ? k + (8 - count) : k;
    out[2 * slot] = (uint8_t)(words[k] >> 8);
    out[2 * slot + 1] = (uint8_t)(words[k] & 0xff);
  }
  return 0;
}

/* Appends one group in lowercase hex without leading zeros. */
static size_t addr_ip6__group(unsigned w, char *out) {
  static const char digits[] = "0123456789abcdef";
  size_t n = 0;
  int shift;
  int started = 0;
  for (shift = 12; shift >= 0; shift -= 4) {
    unsigned d = (w >> shift) & 0xfu;
    if (d != 0 || started || shift == 0) {
      out[n++] = digits[d];
      started = 1;
    }
  }
  return n;
}

size_t xsock__ip6_format(const uint8_t ip[16], char *out) {
  static const uint8_t mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  unsigned words[8];
  int best = -1, best_len = 0;
  int run = -1, run_len = 0;
  size_t n = 0;
  int k;

  if (memcmp(ip, mapped, sizeof mapped) == 0) {
    memcpy(out, "::ffff:", 7);
    n = 7 + xsock__ip4_format(ip + 12, out + 7);
    return n;
  }
  for (k = 0; k < 8; k++)
    words[k] = (unsigned)ip[2 * k] << 8 | ip[2 * k + 1];
  /* Find the longest run of zero groups; '>' keeps the first on a tie. */
  for (k = 0; k < 8; k++) {
    if (words[k] == 0) {
      if (run < 0) {
        run = k;
        run_len = 0;
      }
      run_len++;
      if (run_len > best_len) {
        best = run;
        best_len = run_len;
      }
    } else {
      run = -1;
    }
  }
  /* RFC 5952 4.2.2: a single zero group is written as "0", not "::". */
  if (best_len < 2)
    best = -1;
  for (k = 0; k < 8; k++) {
    if (k == best) {
      out[n++] = ':';
      out[n++] = ':';
      k += best_len - 1;
      continue;
    }
    if (k > 0 && k != best + best_len)
      out[n++] = ':';
    n += addr_ip6__group(words[k], out + n);
  }
  out[n] = '\0';
  return n;
}
