/* SPDX-License-Identifier: MIT */
/*
 * thread_echo: the seed's multithreaded server. The main loop accepts
 * connections and hands each one to a new thread (the note's
 * `client_thread`), which echoes on an ordinary blocking socket until the
 * client goes away. One thread per client is the simplest way to serve
 * many clients at once; echo_server.c does the same on one thread with a
 * selector.
 *
 * usage: thread_echo [--addr HOST:PORT] [--clients N]
 * With --clients N it accepts N clients, waits for their threads and
 * exits (for scripted runs); without it, it serves until killed.
 */
#include "xsock.h"
#include "support/thread.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One client's whole life: echo until end of stream or an error. */
static void client_thread(void *arg) {
  xsock_t s = *(xsock_t *)arg;
  char buf[4096];
  xsock_ssize_t n;
  free(arg);
  /* recv blocks this thread only; the others keep serving. 0 means the
   * client closed its side. */
  while ((n = xsock_recv(s, buf, sizeof buf)) > 0)
    if (xsock_sendall(s, buf, (size_t)n) != n)
      break;
  xsock_close(s);
}

int main(int argc, char **argv) {
  const char *addr_text = "127.0.0.1:0";
  long max_clients = 0, served = 0, i;
  ex_thread_t *threads = NULL;
  xsock_addr_t addr;
  xsock_t listener;
  char text[XSOCK_ADDRSTRLEN];
  int rc, status = 0;

  for (i = 1; i + 1 < argc; i += 2) {
    if (strcmp(argv[i], "--addr") == 0)
      addr_text = argv[i + 1];
    else if (strcmp(argv[i], "--clients") == 0 &&
             (max_clients = atol(argv[i + 1])) > 0)
      continue;
    else
      break;
  }
  if (i != argc) {
    fprintf(stderr, "usage: %s [--addr HOST:PORT] [--clients N]\n", argv[0]);
    return 2;
  }
  if (max_clients > 0 &&
      (threads = calloc((size_t)max_clients, sizeof *threads)) == NULL)
    return 1;

  /* socket, bind, listen: the server socket of the seed. */
  if ((rc = xsock_init()) < 0 ||
      (rc = xsock_addr_parse(&addr, addr_text)) < 0 ||
      (rc = xsock_socket(&listener, xsock_addr_family(&addr), XSOCK_STREAM,
                         0)) < 0 ||
      (rc = xsock_set_option(listener, XSOCK_OPT_REUSEADDR, 1)) < 0 ||
      (rc = xsock_bind(listener, &addr)) < 0 ||
      (rc = xsock_listen(listener, 5)) < 0 ||
      (rc = xsock_getsockname(listener, &addr)) < 0) {
    fprintf(stderr, "thread_echo: %s\n", xsock_strerror(rc));
    return 1;
  }
  xsock_addr_format(&addr, text, sizeof text);
  printf("thread_echo: listening on %s\n", text);
  fflush(stdout); /* stdout may be a pipe: let the reader see it now */

  /* The main loop: accept, then give the connection to a new thread. */
  while (max_clients == 0 || served < max_clients) {
    ex_thread_t t;
    xsock_t *box = malloc(sizeof *box);
    if (box == NULL || (rc = xsock_accept(listener, box, NULL, 0)) < 0) {
      fprintf(stderr, "thread_echo: accept: %s\n",
              box ? xsock_strerror(rc) : "no memory");
      free(box);
      status = 1;
      break;
    }
    if (ex_thread_start(&t, client_thread, box) < 0) {
      xsock_close(*box);
      free(box);
      continue;
    }
    if (threads != NULL)
      threads[served] = t; /* joined below */
    else
      ex_thread_detach(&t);
    served++;
  }
  if (threads != NULL) {
    for (i = 0; i < served; i++)
      ex_thread_join(&threads[i]);
    free(threads);
  }
  printf("thread_echo: served %ld clients\n", served);
  xsock_close(listener);
  xsock_cleanup();
  return status;
}
