/* SPDX-License-Identifier: MIT */
/* A tiny HTTP/1.0 client: fetches one page and prints its status line and
 * how long its body is. The same source builds on Windows and POSIX.
 *
 *   http_fetch HOST PORT PATH [timeout_ms]   e.g. http_fetch 127.0.0.1 8080 /
 *
 * Output, on success (exit status 0):
 *   HTTP/1.0 200 OK          the status line, as the server sent it
 *   body: 1234 bytes         everything after the blank line ending the headers
 * On failure it prints one line to stderr and exits with 2 (could not
 * connect), 3 (sending or receiving failed or timed out) or 4 (the answer
 * is not HTTP); 1 for a bad command line.
 *
 * What it shows, in the order of the seed note:
 *  - xsock_create_connection() resolves the host and connects within a
 *    deadline, trying each address the name has (IPv6 and IPv4);
 *  - HTTP/1.0 needs no parser for the body: the server sends the headers,
 *    a blank line, the body, and closes the connection, so "the body" is
 *    simply everything up to the end of the stream (recv returns 0);
 *  - TCP is a byte stream: the blank line may arrive split over two
 *    recv() calls, so the search for it runs over everything received so
 *    far, not over one recv()'s bytes;
 *  - one deadline for the whole answer: xsock_wait() before every recv()
 *    waits at most for the time left, measured with xsock_clock_ms(). (A
 *    simpler alternative is XSOCK_OPT_RCVTIMEO, which bounds each recv()
 *    alone; a slow server could then take many timeouts in total.) */
#include <xsock.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Room for the status line and the headers; the body is only counted. */
#define HEAD_MAX 16384

/* Receives into buf (up to len bytes) once the socket is readable, but
 * gives up at the deadline with XSOCK_ETIMEDOUT. Returns what xsock_recv
 * returns: a count, 0 at the end of the stream, or an error. */
static xsock_ssize_t recv_by(xsock_t s, char *buf, size_t len,
                             int64_t deadline) {
  int64_t left = deadline - xsock_clock_ms();
  int ready;
  if (left <= 0)
    return XSOCK_ETIMEDOUT;
  ready = xsock_wait(s, XSOCK_READ, (int)left);
  if (ready == 0)
    return XSOCK_ETIMEDOUT;
  if (ready < 0)
    return ready;
  /* READ (or READ with ERROR/HANGUP): recv now tells data, end or error. */
  return xsock_recv(s, buf, len);
}

/* The end of the headers (the byte after "\r\n\r\n") in head[0..n), or
 * NULL while the blank line has not arrived yet. */
static char *find_body(char *head, size_t n) {
  size_t i;
  for (i = 0; i + 4 <= n; i++)
    if (memcmp(head + i, "\r\n\r\n", 4) == 0)
      return head + i + 4;
  return NULL;
}

int main(int argc, char **argv) {
  static char head[HEAD_MAX + 1];
  char request[1024];
  const char *host, *path;
  int port, timeout_ms = 5000, rc, len;
  size_t have = 0, body = 0;
  int64_t deadline;
  char *start = NULL, *eol;
  xsock_ssize_t n = 0;
  xsock_t s;

  if (argc < 4 || argc > 5) {
    fprintf(stderr, "usage: %s HOST PORT PATH [timeout_ms]\n", argv[0]);
    return 1;
  }
  host = argv[1];
  port = atoi(argv[2]);
  path = argv[3];
  if (argc == 5)
    timeout_ms = atoi(argv[4]);
  if (port < 1 || port > 65535 || timeout_ms <= 0 || path[0] != '/') {
    fprintf(stderr, "http_fetch: bad port, timeout or path (starts with /)\n");
    return 1;
  }
  if (xsock_init() != 0)
    return 2;

  /* One deadline for everything: connecting, sending and the answer. */
  deadline = xsock_clock_ms() + timeout_ms;
  rc = xsock_create_connection(&s, host, port, timeout_ms, 0);
  if (rc < 0) {
    fprintf(stderr, "http_fetch: connect to %s port %d: %s\n", host, port,
            xsock_strerror(rc));
    xsock_cleanup();
    return 2;
  }

  /* HTTP/1.0: the server closes the connection after the answer. */
  len = snprintf(request, sizeof request,
                 "GET %s HTTP/1.0\r\nHost: %s\r\nConnection: close\r\n\r\n",
                 path, host);
  if (len < 0 || (size_t)len >= sizeof request) {
    fprintf(stderr, "http_fetch: path or host too long\n");
    xsock_close(s);
    xsock_cleanup();
    return 1;
  }
  /* A small request on a new connection fits the send buffer at once. */
  if ((n = xsock_sendall(s, request, (size_t)len)) < 0) {
    fprintf(stderr, "http_fetch: send: %s\n", xsock_strerror((int)n));
    xsock_close(s);
    xsock_cleanup();
    return 3;
  }

  /* The headers first, into head, until the blank line shows up. */
  while (start == NULL && have < HEAD_MAX) {
    n = recv_by(s, head + have, HEAD_MAX - have, deadline);
    if (n <= 0)
      break;
    have += (size_t)n;
    start = find_body(head, have);
  }
  if (n < 0) {
    fprintf(stderr, "http_fetch: receive: %s\n", xsock_strerror((int)n));
    xsock_close(s);
    xsock_cleanup();
    return 3;
  }
  head[have] = '\0';
  if (start == NULL || strncmp(head, "HTTP/", 5) != 0) {
    fprintf(stderr, "http_fetch: the answer is not HTTP\n");
    xsock_close(s);
    xsock_cleanup();
    return 4;
  }
  body = have - (size_t)(start - head); /* body bytes that came with it */

  /* Then the body, only counted, until the server closes (recv gives 0). */
  for (;;) {
    static char chunk[16384];
    n = recv_by(s, chunk, sizeof chunk, deadline);
    if (n <= 0)
      break;
    body += (size_t)n;
  }
  xsock_close(s);
  xsock_cleanup();
  if (n < 0) {
    fprintf(stderr, "http_fetch: receive: %s\n", xsock_strerror((int)n));
    return 3;
  }

  eol = strstr(head, "\r\n"); /* the status line ends at the first CRLF */
  printf("%.*s\n", (int)(eol - head), head);
  printf("body: %lu bytes\n", (unsigned long)body);
  return 0;
}
