/* SPDX-License-Identifier: MIT */
/* libFuzzer target for the address text parser: any input that parses
 * must format (into a buffer too small, then into one big enough) and
 * parse back to an equal address, and formatting the result again must
 * give the same text. Any other outcome traps. */
#include "xsock.h"

#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  char text[XSOCK_ADDRSTRLEN * 2];
  char small[8];
  char big[XSOCK_ADDRSTRLEN];
  char again[XSOCK_ADDRSTRLEN];
  xsock_addr_t a, b;
  int n, rc;

  /* Inputs longer than the buffer are cut; the parser still sees strings
   * longer than XSOCK_ADDRSTRLEN, which it must refuse. */
  if (size >= sizeof text)
    size = sizeof text - 1;
  memcpy(text, data, size);
  text[size] = '\0';

  if (xsock_addr_parse(&a, text) != 0) {
    static const xsock_addr_t zero;
    if (memcmp(&a, &zero, sizeof a) != 0)
      __builtin_trap(); /* a failed parse must leave the address zeroed */
    return 0;
  }
  n = xsock_addr_format(&a, big, sizeof big);
  if (n <= 0 || (size_t)n >= sizeof big || strlen(big) != (size_t)n)
    __builtin_trap();
  memset(small, 'G', sizeof small);
  rc = xsock_addr_format(&a, small, sizeof small - 1);
  if ((size_t)n + 1 <= sizeof small - 1) {
    if (rc != n || strcmp(small, big) != 0)
      __builtin_trap();
  } else if (rc != XSOCK_ENOSPC || small[0] != '\0') {
    __builtin_trap();
  }
  if (small[sizeof small - 1] != 'G')
    __builtin_trap(); /* written past the length it was given */
  if (xsock_addr_parse(&b, big) != 0 || !xsock_addr_equal(&a, &b))
    __builtin_trap();
  if (xsock_addr_format(&b, again, sizeof again) != n ||
      strcmp(big, again) != 0)
    __builtin_trap();
  return 0;
}
