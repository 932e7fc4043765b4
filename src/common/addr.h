/* SPDX-License-Identifier: MIT */
/* Private helpers of the address text code: addr_ip4.c (decimal numbers
 * and the IPv4 text form) serves addr.c (whole addresses, ports, zones)
 * and addr_ip6.c (the IPv6 text form, which addr.c uses). */
#ifndef XSOCK_COMMON_ADDR_H
#define XSOCK_COMMON_ADDR_H

#include "internal.h"

#include <stddef.h>
#include <stdint.h>

/* Longest IPv6 text without zone or brackets, plus the NUL:
 * "ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255" is 45 characters. */
#define XSOCK__IP6_TEXT_MAX 46

/* True for an ASCII decimal digit. */
#define XSOCK__IS_DIGIT(c) ((c) >= '0' && (c) <= '9')

/* Reads exactly n decimal digits, 1 <= n <= max_digits, with no sign and
 * no leading zero unless the number is "0" itself. Returns 0 and the
 * value, or -1. */
XSOCK__INTERNAL int xsock__decimal(const char *s, size_t n, size_t max_digits,
                                   uint64_t *value);

/* Parses exactly n bytes of s as a strict dotted quad into out (network
 * order). Returns 0, or -1 when the text is not one. */
XSOCK__INTERNAL int xsock__ip4_parse(const char *s, size_t n, uint8_t out[4]);

/* Writes ip as a dotted quad at out (at least 16 bytes); returns the
 * length written, not counting the NUL. */
XSOCK__INTERNAL size_t xsock__ip4_format(const uint8_t ip[4], char *out);

/* Parses exactly n bytes of s as an RFC 4291 IPv6 text form (no brackets,
 * no zone) into out. Returns 0, or -1 when the text is not one. */
XSOCK__INTERNAL int xsock__ip6_parse(const char *s, size_t n, uint8_t out[16]);

/* Writes ip in RFC 5952 canonical form at out (XSOCK__IP6_TEXT_MAX bytes);
 * returns the length written, not counting the NUL. */
XSOCK__INTERNAL size_t xsock__ip6_format(const uint8_t ip[16], char *out);

#endif /* XSOCK_COMMON_ADDR_H */
