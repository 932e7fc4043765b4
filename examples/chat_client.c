/* SPDX-License-Identifier: MIT */
/*
 * chat_client: sends messages to chat_server and prints what others say.
 *
 * It connects, sends each MESSAGE argument as one framed message (a
 * 2-byte big-endian length, then the bytes: XSOCK_FRAME_LEN16, as the
 * server expects), then prints every message that arrives, one per line
 * after "> ", until it has printed --expect N of them (default 0) or the
 * server closes the connection. The socket is blocking: a client with one
 * connection and nothing else to watch needs no selector.
 *
 * usage: chat_client HOST:PORT [--expect N] [MESSAGE...]
 * Exit status 0 when N messages arrived.
 */
#include "xsock.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHAT_MAX_MSG 1024

int main(int argc, char **argv) {
  static unsigned char in_buf[CHAT_MAX_MSG + 2], out_buf[CHAT_MAX_MSG + 2];
  xsock_frame_decoder_t in;
  xsock_frame_encoder_t out;
  xsock_addr_t addr;
  xsock_t s;
  long expect = 0, got = 0;
  int i = 2, rc;

  if (argc > 3 && strcmp(argv[2], "--expect") == 0) {
    expect = strtol(argv[3], NULL, 10);
    i = 4;
  }
  if (argc < 2 || expect < 0) {
    fprintf(stderr, "usage: %s HOST:PORT [--expect N] [MESSAGE...]\n", argv[0]);
    return 2;
  }
  if ((rc = xsock_init()) < 0 || (rc = xsock_addr_parse(&addr, argv[1])) < 0 ||
      (rc = xsock_socket(&s, xsock_addr_family(&addr), XSOCK_STREAM, 0)) < 0 ||
      (rc = xsock_connect(s, &addr)) < 0) {
    fprintf(stderr, "chat_client: %s\n", xsock_strerror(rc));
    return 1;
  }
  xsock_frame_decoder_init(&in, XSOCK_FRAME_LEN16, CHAT_MAX_MSG, in_buf,
                           sizeof in_buf);
  xsock_frame_encoder_init(&out, XSOCK_FRAME_LEN16, CHAT_MAX_MSG, out_buf,
                           sizeof out_buf);

  /* One message at a time: queue its frame, then send it all (on a
   * blocking socket a flush returns only when everything went out). */
  for (; i < argc; i++) {
    rc = xsock_frame_queue(&out, argv[i], strlen(argv[i]));
    if (rc == 0)
      rc = (int)xsock_frame_flush(&out, s);
    if (rc != 0) {
      fprintf(stderr, "chat_client: send: %s\n", xsock_strerror(rc));
      return 1;
    }
  }

  /* Receive until enough messages have arrived. One recv may bring part
   * of a message or several: the decoder hands out whole ones only. */
  while (got < expect) {
    const void *msg;
    size_t len;
    xsock_ssize_t n = xsock_frame_recv(&in, s);
    if (n < 0) {
      fprintf(stderr, "chat_client: recv: %s\n", xsock_strerror((int)n));
      break;
    }
    while (got < expect && (rc = xsock_frame_next(&in, &msg, &len)) == 1) {
      printf("> %.*s\n", (int)len, (const char *)msg);
      got++;
    }
    fflush(stdout);
    if (rc < 0 || n == 0)
      break; /* a bad frame, or the server closed */
  }
  xsock_close(s);
  xsock_cleanup();
  return got == expect ? 0 : 1;
}
