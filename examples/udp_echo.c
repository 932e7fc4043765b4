/* SPDX-License-Identifier: MIT */
/*
 * udp_echo: a UDP echo server and its client in one program.
 *
 * UDP sends datagrams: each send is one message that arrives whole or not
 * at all (the seed: where TCP blocks, UDP may lose a datagram), and each
 * carries its sender's address, so one unconnected socket serves every
 * client with recvfrom/sendto. There is no accept and no connection.
 *
 * usage: udp_echo server [--addr HOST:PORT] [--count N]
 *        udp_echo client HOST:PORT MESSAGE...
 * The server echoes every datagram back to its sender; with --count N it
 * exits after N. The client sends each MESSAGE and prints the reply. It
 * waits for each reply without a timeout, which is fine on the loopback;
 * over a real network a lost datagram would need a timeout and a retry.
 */
#include "xsock.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int run_server(const char *addr_text, long count) {
  char buf[65536], text[XSOCK_ADDRSTRLEN];
  xsock_addr_t addr, from;
  xsock_ssize_t n;
  long echoed = 0;
  xsock_t s;
  int rc;
  if ((rc = xsock_addr_parse(&addr, addr_text)) < 0 ||
      (rc = xsock_socket(&s, xsock_addr_family(&addr), XSOCK_DGRAM, 0)) < 0 ||
      (rc = xsock_bind(s, &addr)) < 0 ||
      (rc = xsock_getsockname(s, &addr)) < 0) {
    fprintf(stderr, "udp_echo: %s\n", xsock_strerror(rc));
    return 1;
  }
  xsock_addr_format(&addr, text, sizeof text);
  printf("udp_echo: listening on %s\n", text);
  fflush(stdout); /* stdout may be a pipe: let the reader see it now */
  while (count == 0 || echoed < count) {
    /* One recvfrom is one datagram, and tells who sent it. */
    n = xsock_recvfrom(s, buf, sizeof buf, &from);
    if (n < 0) {
      /* Windows reports a datagram bigger than buf this way; and an
       * earlier reply that met a closed port may show up here as
       * XSOCK_ECONNREFUSED on some systems. Neither stops a server. */
      fprintf(stderr, "udp_echo: recvfrom: %s\n", xsock_err_name((int)n));
      continue;
    }
    if ((n = xsock_sendto(s, buf, (size_t)n, &from)) < 0)
      fprintf(stderr, "udp_echo: sendto: %s\n", xsock_err_name((int)n));
    echoed++;
  }
  printf("udp_echo: echoed %ld datagrams\n", echoed);
  xsock_close(s);
  return 0;
}

static int run_client(const char *addr_text, int nmsg, char **msgs) {
  char buf[65536];
  xsock_addr_t server;
  xsock_ssize_t n;
  xsock_t s;
  int rc, i;
  if ((rc = xsock_addr_parse(&server, addr_text)) < 0 ||
      (rc = xsock_socket(&s, xsock_addr_family(&server), XSOCK_DGRAM, 0)) < 0) {
    fprintf(stderr, "udp_echo: %s\n", xsock_strerror(rc));
    return 1;
  }
  for (i = 0; i < nmsg; i++) {
    size_t len = strlen(msgs[i]);
    /* The first sendto binds the socket to an ephemeral port. */
    if ((n = xsock_sendto(s, msgs[i], len, &server)) < 0 ||
        (n = xsock_recvfrom(s, buf, sizeof buf - 1, NULL)) < 0) {
      fprintf(stderr, "udp_echo: %s\n", xsock_strerror((int)n));
      xsock_close(s);
      return 1;
    }
    buf[n] = '\0';
    printf("reply: %s\n", buf);
  }
  xsock_close(s);
  return 0;
}

int main(int argc, char **argv) {
  const char *addr_text = "127.0.0.1:0";
  long count = 0;
  int i, rc = 2;
  if (xsock_init() < 0)
    return 1;
  if (argc >= 2 && strcmp(argv[1], "server") == 0) {
    for (i = 2; i + 1 < argc; i += 2) {
      if (strcmp(argv[i], "--addr") == 0)
        addr_text = argv[i + 1];
      else if (strcmp(argv[i], "--count") == 0 &&
               (count = atol(argv[i + 1])) > 0)
        continue;
      else
        break;
    }
    if (i == argc)
      rc = run_server(addr_text, count);
  } else if (argc >= 4 && strcmp(argv[1], "client") == 0) {
    rc = run_client(argv[2], argc - 3, argv + 3);
  }
  if (rc == 2)
    fprintf(stderr,
            "usage: %s server [--addr HOST:PORT] [--count N]\n"
            "       %s client HOST:PORT MESSAGE...\n",
            argv[0], argv[0]);
  xsock_cleanup();
  return rc;
}
