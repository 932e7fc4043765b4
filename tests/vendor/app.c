/* SPDX-License-Identifier: MIT */
/* The vendoring parent's program: links xsock::xsock and makes one real
 * round trip over a socket pair, so that the link is proven, not assumed. */
#include <xsock.h>

#include <stdio.h>
#include <string.h>

int main(void) {
  xsock_t pair[2];
  char buf[4] = {0};
  if (xsock_init() < 0 || xsock_socketpair(XSOCK_STREAM, pair) < 0)
    return 1;
  if (xsock_sendall(pair[0], "abc", 3) != 3 ||
      xsock_recv_exact(pair[1], buf, 3) != 3 || strcmp(buf, "abc") != 0)
    return 1;
  xsock_close(pair[0]);
  xsock_close(pair[1]);
  xsock_cleanup();
  printf("vendored xsock %s works\n", xsock_version());
  return 0;
}
