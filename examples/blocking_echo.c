/* SPDX-License-Identifier: MIT */
/* The README's usage example: a blocking echo server, one client at a
 * time (the seed's first server). Many clients on one thread:
 * echo_server.c. */
#include <xsock.h>
#include <stdio.h>

int main(void) {
  xsock_t l, c;
  xsock_addr_t addr;
  char buf[64], text[XSOCK_ADDRSTRLEN];
  xsock_ssize_t n;
  xsock_init();
  xsock_addr_parse(&addr, "127.0.0.1:0"); /* port 0: any free port */
  if (xsock_socket(&l, XSOCK_AF_INET, XSOCK_STREAM, 0) < 0 ||
      xsock_bind(l, &addr) < 0 || xsock_listen(l, 16) < 0)
    return 1;
  xsock_getsockname(l, &addr);
  xsock_addr_format(&addr, text, sizeof text);
  printf("listening on %s; try: nc %s\n", text, text);
  fflush(stdout);                             /* shown now, even in a pipe */
  while (xsock_accept(l, &c, NULL, 0) == 0) { /* one client at a time */
    while ((n = xsock_recv(c, buf, sizeof buf)) > 0)
      xsock_sendall(c, buf, (size_t)n); /* echo */
    if (n < 0)
      fprintf(stderr, "recv: %s\n", xsock_strerror((int)n));
    xsock_close(c);
  }
  xsock_close(l);
  xsock_cleanup();
  return 0;
}
