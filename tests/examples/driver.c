/* SPDX-License-Identifier: MIT */
/* The example driver's main and shared helpers; see driver.h.
 *
 * usage: example_driver NAME PROGRAM
 *   NAME     a row of the table below
 *   PROGRAM  the example's file name, in the current directory
 * Exit status 0 when the example behaved, 1 otherwise. */
#include "driver.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct xd_example {
  const char *name;
  /* What the driver does before the talk: XD_LISTENS starts the example
   * with args and reads where it listens, XD_RUNS only starts it, and
   * XD_TALK_STARTS leaves the start to the talk function (xd_start), for
   * an example whose arguments are known only then, such as the address
   * of a server the driver itself runs for it. */
  enum { XD_LISTENS, XD_RUNS, XD_TALK_STARTS } start;
  const char *args[6]; /* after the program name, NULL-terminated */
  int (*talk)(xd_run_t *r);
} xd_example_t;

/* One row per example. */
static const xd_example_t xd_examples[] = {
    {"echo_server", XD_LISTENS, {"--clients", "2", NULL}, xd_talk_echo_server},
    {"echo_client", XD_TALK_STARTS, {NULL}, xd_talk_echo_client},
    {"blocking_echo", XD_LISTENS, {NULL}, xd_talk_blocking_echo},
    {"thread_echo", XD_LISTENS, {"--clients", "3", NULL}, xd_talk_thread_echo},
    {"serve_forever", XD_LISTENS, {NULL}, xd_talk_serve_forever},
    {"udp_echo",
     XD_LISTENS,
     {"server", "--count", "4", NULL},
     xd_talk_udp_echo},
    {"sockbuf", XD_RUNS, {NULL}, xd_talk_sockbuf},
    {"http_fetch", XD_TALK_STARTS, {NULL}, xd_talk_http_fetch},
    {"chat_server",
     XD_LISTENS,
     {"--max-clients", "3", NULL},
     xd_talk_chat_server},
};

int xd_fail(const char *fmt, ...) {
  va_list ap;
  fputs("driver: FAIL: ", stdout);
  va_start(ap, fmt);
  vprintf(fmt, ap);
  va_end(ap);
  fputs("\n", stdout);
  fflush(stdout);
  return 1;
}

int xd_connect(const xd_run_t *r, xsock_t *s) {
  int rc = xsock_socket(s, xsock_addr_family(&r->addr), XSOCK_STREAM, 0);
  if (rc == 0 && (rc = xsock_connect(*s, &r->addr)) < 0)
    xsock_close(*s);
  return rc < 0 ? xd_fail("connect: %s", xsock_err_name(rc)) : 0;
}

int xd_echo(xsock_t s, const char *msg, size_t len) {
  char back[4096];
  xsock_ssize_t n;
  if (len > sizeof back)
    return xd_fail("echo of %lu bytes: too long for the driver",
                   (unsigned long)len);
  if ((n = xsock_sendall(s, msg, len)) != (xsock_ssize_t)len)
    return xd_fail("send: %s", xsock_err_name((int)n));
  if ((n = xsock_recv_exact(s, back, len)) != (xsock_ssize_t)len)
    return xd_fail("echo: got %ld of %lu bytes (%s)", (long)n,
                   (unsigned long)len,
                   n < 0 ? xsock_err_name((int)n) : "short");
  if (memcmp(back, msg, len) != 0)
    return xd_fail("echo: the bytes differ from those sent");
  return 0;
}

int xd_expect_line(xd_run_t *r, const char *want) {
  char line[512];
  while (xd_read_line(r->child, line, sizeof line) >= 0) {
    printf("  | %s\n", line);
    if (strstr(line, want) != NULL)
      return 0;
  }
  return xd_fail("the example's output ended without a line containing \"%s\"",
                 want);
}

int xd_expect_exit(xd_run_t *r, int status) {
  char line[512];
  int got = xd_wait(r->child, XD_EXIT_LIMIT_MS);
  while (xd_read_line(r->child, line, sizeof line) >= 0)
    printf("  | %s\n", line);
  if (got == -1)
    return xd_fail("the example did not exit within %d ms (killed)",
                   XD_EXIT_LIMIT_MS);
  if (got != status)
    return xd_fail("the example exited with %d, not %d", got, status);
  return 0;
}

/* Reads the first line and the address after "listening on ". */
static int xd_read_address(xd_run_t *r) {
  char line[512], text[XSOCK_ADDRSTRLEN];
  const char *p;
  size_t n = 0;
  int rc;
  if (xd_read_line(r->child, line, sizeof line) < 0)
    return xd_fail("the example printed nothing");
  printf("  | %s\n", line);
  if ((p = strstr(line, "listening on ")) == NULL)
    return xd_fail("the first line does not say where it listens");
  for (p += strlen("listening on ");
       p[n] != '\0' && strchr(" ,;", p[n]) == NULL; n++)
    ;
  if (n >= sizeof text)
    return xd_fail("address too long");
  memcpy(text, p, n);
  text[n] = '\0';
  if ((rc = xsock_addr_parse(&r->addr, text)) < 0)
    return xd_fail("cannot parse \"%s\": %s", text, xsock_err_name(rc));
  return 0;
}

int xd_start(xd_run_t *r, const char *const *args, int listens) {
  const char *argv_child[16];
  size_t i;
  argv_child[0] = r->prog;
  for (i = 0;
       args[i] != NULL && i + 2 < sizeof argv_child / sizeof argv_child[0]; i++)
    argv_child[i + 1] = args[i];
  argv_child[i + 1] = NULL;
  if ((r->child = xd_spawn(argv_child)) == NULL)
    return xd_fail("cannot start %s", r->prog);
  return listens ? xd_read_address(r) : 0;
}

int main(int argc, char **argv) {
  const xd_example_t *ex = NULL;
  xd_run_t run;
  size_t i;
  int rc = 0;
  if (argc != 3) {
    fprintf(stderr, "usage: %s NAME PROGRAM\n", argv[0]);
    return 2;
  }
  for (i = 0; i < sizeof xd_examples / sizeof xd_examples[0]; i++)
    if (strcmp(xd_examples[i].name, argv[1]) == 0)
      ex = &xd_examples[i];
  if (ex == NULL) {
    fprintf(stderr, "driver: no example named %s\n", argv[1]);
    return 2;
  }
  if (xsock_init() < 0)
    return xd_fail("xsock_init");
  memset(&run, 0, sizeof run);
  run.prog = argv[2];
  if (ex->start != XD_TALK_STARTS)
    rc = xd_start(&run, ex->args, ex->start == XD_LISTENS);
  if (rc == 0)
    rc = ex->talk(&run);
  /* A talk that failed half-way leaves the example running. */
  if (run.child != NULL) {
    xd_kill(run.child);
    xd_free(run.child);
  }
  xsock_cleanup();
  printf("driver: %s %s\n", ex->name, rc == 0 ? "passed" : "FAILED");
  return rc == 0 ? 0 : 1;
}
