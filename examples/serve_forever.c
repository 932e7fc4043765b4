/* SPDX-License-Identifier: MIT */
/*
 * serve_forever: Python's socketserver loop from the seed, in C.
 *
 * One thread runs serve_forever(): it waits on a selector for the
 * listener to become readable and handles one request each time (accept,
 * read a line, answer it in upper case, close), the way socketserver's
 * TCPServer does. Another thread, here the main one, stops it with
 * server_shutdown(): it raises a flag and calls xsock_selector_wakeup(),
 * which makes a wait in progress return at once. So the loop can wait
 * with a long timeout (Python polls every 0.5 s; this waits an hour) and
 * still stop immediately. After every wait the flag is checked before any
 * request is handled: a shutdown during the wait exits at once, without
 * serving one last request (bpo-35017).
 *
 * usage: serve_forever [--addr HOST:PORT]
 * It serves until its standard input ends (or says "shutdown"): press
 * Ctrl+D (Ctrl+Z, Enter on Windows), or close the pipe.
 */
#include "xsock.h"
#include "support/thread.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#define POLL_INTERVAL_MS (3600 * 1000) /* a wakeup ends the wait sooner */

typedef struct server {
  xsock_t listener;
  xsock_selector_t *sel;
  ex_flag_t shutdown_request;
  long requests;
} server_t;

/* One request: a line in, the same line in upper case out. The accepted
 * socket is blocking; a real server would bound how long a client may
 * take (timeouts) or use a thread per request. */
static void handle_request(server_t *srv) {
  char line[256];
  size_t len = 0;
  xsock_t s;
  if (xsock_accept(srv->listener, &s, NULL, 0) < 0)
    return; /* the client gave up already: nothing to serve */
  while (len < sizeof line && xsock_recv(s, line + len, 1) == 1)
    if (line[len++] == '\n')
      break;
  for (size_t i = 0; i < len; i++)
    line[i] = (char)toupper((unsigned char)line[i]);
  xsock_sendall(s, line, len);
  xsock_close(s);
  srv->requests++;
}

/* socketserver's serve_forever(): wait, check for a shutdown, serve. */
static void serve_forever(void *arg) {
  server_t *srv = arg;
  xsock_event_t ev;
  while (!ex_flag_is_raised(&srv->shutdown_request)) {
    int n = xsock_selector_wait(srv->sel, &ev, 1, POLL_INTERVAL_MS);
    /* bpo-35017: shutdown() called during the wait: exit immediately. */
    if (ex_flag_is_raised(&srv->shutdown_request))
      break;
    if (n > 0)
      handle_request(srv);
  }
}

/* socketserver's shutdown(): called from another thread than the loop. */
static void server_shutdown(server_t *srv, ex_thread_t *loop) {
  ex_flag_raise(&srv->shutdown_request);
  xsock_selector_wakeup(srv->sel);
  ex_thread_join(loop);
}

int main(int argc, char **argv) {
  const char *addr_text = "127.0.0.1:0";
  char text[XSOCK_ADDRSTRLEN], input[64];
  server_t srv = {0};
  xsock_addr_t addr;
  ex_thread_t loop;
  int rc;

  if (argc == 3 && strcmp(argv[1], "--addr") == 0) {
    addr_text = argv[2];
  } else if (argc != 1) {
    fprintf(stderr, "usage: %s [--addr HOST:PORT]\n", argv[0]);
    return 2;
  }
  /* A non-blocking listener: a client that connects and gives up before
   * the accept must not block the loop (the selector said readable). */
  if ((rc = xsock_init()) < 0 ||
      (rc = xsock_addr_parse(&addr, addr_text)) < 0 ||
      (rc = xsock_socket(&srv.listener, xsock_addr_family(&addr), XSOCK_STREAM,
                         XSOCK_NONBLOCK)) < 0 ||
      (rc = xsock_set_option(srv.listener, XSOCK_OPT_REUSEADDR, 1)) < 0 ||
      (rc = xsock_bind(srv.listener, &addr)) < 0 ||
      (rc = xsock_listen(srv.listener, 16)) < 0 ||
      (rc = xsock_getsockname(srv.listener, &addr)) < 0 ||
      (rc = xsock_selector_open(&srv.sel, XSOCK_BACKEND_DEFAULT)) < 0 ||
      (rc = xsock_selector_add(srv.sel, srv.listener, XSOCK_READ, NULL)) < 0) {
    fprintf(stderr, "serve_forever: %s\n", xsock_strerror(rc));
    return 1;
  }
  xsock_addr_format(&addr, text, sizeof text);
  printf("serve_forever: listening on %s, backend %s\n", text,
         xsock_selector_backend(srv.sel));
  fflush(stdout); /* stdout may be a pipe: let the reader see it now */
  if (ex_thread_start(&loop, serve_forever, &srv) < 0) {
    fprintf(stderr, "serve_forever: cannot start a thread\n");
    return 1;
  }

  /* The main thread waits for the word to stop. */
  while (fgets(input, sizeof input, stdin) != NULL &&
         strncmp(input, "shutdown", 8) != 0)
    ;
  printf("serve_forever: shutting down\n");
  fflush(stdout);
  server_shutdown(&srv, &loop);
  printf("serve_forever: stopped after %ld requests\n", srv.requests);
  xsock_selector_close(srv.sel);
  xsock_close(srv.listener);
  xsock_cleanup();
  return 0;
}
