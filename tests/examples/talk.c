/* SPDX-License-Identifier: MIT */
/* One talk function per example: what a user would do with it, checked
 * byte for byte, ending with the example stopped and its exit checked.
 * See driver.h. */
#include "driver.h"

#include <stdio.h>
#include <string.h>

/* Waits for the server to close s: 0 when recv gives the end (or a reset). */
static int xd_closed_by_server(xsock_t s) {
  char b;
  if (xsock_wait(s, XSOCK_READ, XD_EXIT_LIMIT_MS) <= 0)
    return xd_fail("the server did not close an idle client");
  return xsock_recv(s, &b, 1) > 0 ? xd_fail("data from an idle client's server")
                                  : 0;
}

/* echo_server --clients 2: two clients at once, interleaved, then both
 * leave and the server stops by itself. Then again with --idle-ms 200:
 * two clients, one echoes once, then both stay silent and the server
 * closes both as idle. */
int xd_talk_echo_server(xd_run_t *r) {
  const char *idle_args[] = {"--clients", "2", "--idle-ms", "200", NULL};
  xsock_t a = XSOCK_INVALID, b = XSOCK_INVALID;
  xd_run_t idle;
  int rc;
  if (xd_connect(r, &a) || xd_connect(r, &b) || xd_echo(a, "first", 5) ||
      xd_echo(b, "second client", 13) || xd_echo(a, "first again", 11))
    return 1;
  xsock_close(a);
  xsock_close(b);
  if (xd_expect_line(r, "stopping: 2 clients served") || xd_expect_exit(r, 0))
    return 1;
  memset(&idle, 0, sizeof idle);
  idle.prog = r->prog;
  if (xd_start(&idle, idle_args, 1))
    return 1;
  rc = xd_connect(&idle, &a);
  if (rc == 0) {
    rc = xd_connect(&idle, &b) || xd_echo(a, "x", 1) ||
         xd_closed_by_server(a) || xd_closed_by_server(b);
    xsock_close(a);
    xsock_close(b);
  }
  rc = rc || xd_expect_line(&idle, "2 closed as idle") ||
       xd_expect_exit(&idle, 0);
  xd_kill(idle.child); /* nothing once it has exited */
  xd_free(idle.child);
  return rc;
}

/* echo_client, the verifying client, against echo_server: the driver
 * starts the server (a sibling program: the client's file name with
 * "client" made "server", which keeps any ".exe"), points the client at
 * it, and checks that both report success and exit 0. */
int xd_talk_echo_client(xd_run_t *r) {
  const char *server_args[] = {"--clients", "3", NULL};
  const char *client_args[] = {"--addr", NULL,     "--conns", "3", "--messages",
                               "300",    "--size", "2000",    NULL};
  char server_prog[256], text[XSOCK_ADDRSTRLEN];
  const char *at = strstr(r->prog, "echo_client");
  xd_run_t srv;
  int rc;
  if (at == NULL || strlen(r->prog) >= sizeof server_prog)
    return xd_fail("%s is not named echo_client", r->prog);
  memcpy(server_prog, r->prog, strlen(r->prog) + 1);
  memcpy(server_prog + (at - r->prog), "echo_server", 11);
  memset(&srv, 0, sizeof srv);
  srv.prog = server_prog;
  rc = xd_start(&srv, server_args, 1);
  if (rc == 0) {
    xsock_addr_format(&srv.addr, text, sizeof text);
    client_args[1] = text;
    rc = xd_start(r, client_args, 0) ||
         xd_expect_line(r, "every echo verified") || xd_expect_exit(r, 0) ||
         xd_expect_line(&srv, "stopping: 3 clients served") ||
         xd_expect_exit(&srv, 0);
  }
  if (srv.child != NULL) {
    xd_kill(srv.child);
    xd_free(srv.child);
  }
  return rc;
}

/* blocking_echo serves one client at a time until it is killed. */
int xd_talk_blocking_echo(xd_run_t *r) {
  xsock_t a;
  int i;
  for (i = 0; i < 2; i++) {
    if (xd_connect(r, &a) || xd_echo(a, "hello", 5) || xd_echo(a, "world!", 6))
      return 1;
    xsock_close(a);
  }
  xd_kill(r->child);
  return 0;
}

/* thread_echo --clients 3: the third client is answered while the first
 * two are connected and idle, which only a server that serves clients
 * concurrently can do. */
int xd_talk_thread_echo(xd_run_t *r) {
  xsock_t c[3];
  int i;
  for (i = 0; i < 3; i++)
    if (xd_connect(r, &c[i]))
      return 1;
  if (xd_echo(c[2], "third first", 11) || xd_echo(c[0], "then the first", 14) ||
      xd_echo(c[1], "and the second", 14))
    return 1;
  for (i = 0; i < 3; i++)
    xsock_close(c[i]);
  return xd_expect_exit(r, 0);
}

/* One request to serve_forever: a line, answered in upper case. */
static int xd_request(xd_run_t *r, const char *line, const char *want) {
  char buf[64];
  size_t len = strlen(want);
  xsock_ssize_t n;
  xsock_t s;
  if (xd_connect(r, &s))
    return 1;
  if (xsock_sendall(s, line, strlen(line)) != (xsock_ssize_t)strlen(line))
    return xsock_close(s), xd_fail("send");
  n = xsock_recv_exact(s, buf, sizeof buf);
  xsock_close(s);
  if (n != (xsock_ssize_t)len || memcmp(buf, want, len) != 0)
    return xd_fail("request \"%s\": wrong answer (%ld bytes)", want, (long)n);
  return 0;
}

/* serve_forever: two requests, then its stdin is closed and the main
 * thread shuts the loop down. The loop waits an hour per wait, so it
 * stops within XD_EXIT_LIMIT_MS only because the wakeup ended the wait
 * (bpo-35017). */
int xd_talk_serve_forever(xd_run_t *r) {
  if (xd_request(r, "hello\n", "HELLO\n") ||
      xd_request(r, "serve forever\n", "SERVE FOREVER\n"))
    return 1;
  xd_close_stdin(r->child);
  return xd_expect_exit(r, 0);
}

/* udp_echo server --count 4: three datagrams from the driver, one from
 * the example's own client mode, then the server stops by itself. */
int xd_talk_udp_echo(xd_run_t *r) {
  const char *msgs[] = {"one", "datagram of twenty-nine bytes", ""};
  char buf[128], text[XSOCK_ADDRSTRLEN];
  const char *client_argv[5];
  xd_child_t *client;
  xsock_addr_t from;
  xsock_ssize_t n;
  xsock_t s;
  size_t i;
  if (xsock_socket(&s, XSOCK_AF_INET, XSOCK_DGRAM, 0) < 0)
    return xd_fail("socket");
  for (i = 0; i < 3; i++) {
    size_t len = strlen(msgs[i]);
    if (xsock_sendto(s, msgs[i], len, &r->addr) != (xsock_ssize_t)len)
      return xsock_close(s), xd_fail("sendto");
    n = xsock_recvfrom(s, buf, sizeof buf, &from);
    if (n != (xsock_ssize_t)len || memcmp(buf, msgs[i], len) != 0 ||
        !xsock_addr_equal(&from, &r->addr))
      return xsock_close(s),
             xd_fail("datagram %d: wrong echo (%ld)", (int)i, (long)n);
  }
  xsock_close(s);
  xsock_addr_format(&r->addr, text, sizeof text);
  client_argv[0] = r->prog;
  client_argv[1] = "client";
  client_argv[2] = text;
  client_argv[3] = "ping";
  client_argv[4] = NULL;
  if ((client = xd_spawn(client_argv)) == NULL)
    return xd_fail("cannot start the client");
  n = xd_read_line(client, buf, sizeof buf);
  if (xd_wait(client, XD_EXIT_LIMIT_MS) != 0 || n < 0 ||
      strcmp(buf, "reply: ping") != 0) {
    xd_free(client);
    return xd_fail("the client did not print \"reply: ping\" and exit 0");
  }
  xd_free(client);
  printf("  | (client) reply: ping\n");
  return xd_expect_exit(r, 0);
}

/* sockbuf runs to its end; each step must have printed its line. */
int xd_talk_sockbuf(xd_run_t *r) {
  if (xd_expect_line(r, "default:") ||
      xd_expect_line(r, "after setting 8192:") ||
      xd_expect_line(r, "before send would block") ||
      xd_expect_line(r, "sockbuf: done"))
    return 1;
  return xd_expect_exit(r, 0);
}

/* http_fetch: the driver is the web server. One fetch gets a page whose
 * head arrives in two pieces, split inside the blank line that ends the
 * headers, and then a body; a second fetch meets a server that accepts
 * and never answers, and must give up at its deadline (exit status 3). */
static int xd_http_serve(xsock_t l, const char *body) {
  static const char head1[] =
      "HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r";
  char req[1024];
  size_t got = 0;
  xsock_t c;
  int rc = xsock_wait(l, XSOCK_READ, XD_EXIT_LIMIT_MS);
  if (rc <= 0 || xsock_accept(l, &c, NULL, 0) != 0)
    return xd_fail("http_fetch never connected (%d)", rc);
  while (got < sizeof req - 1) {
    xsock_ssize_t n;
    if (xsock_wait(c, XSOCK_READ, XD_EXIT_LIMIT_MS) <= 0 ||
        (n = xsock_recv(c, req + got, sizeof req - 1 - got)) <= 0)
      return xsock_close(c), xd_fail("no whole request");
    got += (size_t)n;
    req[got] = '\0';
    if (strstr(req, "\r\n\r\n") != NULL)
      break;
  }
  if (strncmp(req, "GET /hello HTTP/1.0\r\n", 21) != 0)
    return xsock_close(c), xd_fail("unexpected request: %.40s", req);
  if (body == NULL) {
    /* Silent: hold the connection until http_fetch gives up and closes. */
    char b;
    (void)xsock_wait(c, XSOCK_READ, XD_EXIT_LIMIT_MS);
    (void)xsock_recv(c, &b, 1);
  } else if (xsock_sendall(c, head1, sizeof head1 - 1) < 0 ||
             xsock_sendall(c, "\n", 1) < 0 ||
             xsock_sendall(c, body, strlen(body)) < 0) {
    return xsock_close(c), xd_fail("cannot answer");
  }
  xsock_close(c);
  return 0;
}

int xd_talk_http_fetch(xd_run_t *r) {
  static char body[3001];
  char port[16];
  const char *args[] = {"127.0.0.1", port, "/hello", "10000", NULL};
  const char *silent_args[] = {"127.0.0.1", port, "/hello", "300", NULL};
  xsock_addr_t a;
  xsock_t l;
  xd_run_t second;
  int rc;
  memset(body, 'b', sizeof body - 1);
  if (xsock_socket(&l, XSOCK_AF_INET, XSOCK_STREAM, 0) != 0 ||
      xsock_addr_loopback(&a, XSOCK_AF_INET, 0) != 0 ||
      xsock_bind(l, &a) != 0 || xsock_listen(l, 4) != 0 ||
      xsock_getsockname(l, &a) != 0)
    return xd_fail("cannot listen");
  snprintf(port, sizeof port, "%d", xsock_addr_port(&a));
  rc = xd_start(r, args, 0) || xd_http_serve(l, body) ||
       xd_expect_line(r, "HTTP/1.0 200 OK") ||
       xd_expect_line(r, "body: 3000 bytes") || xd_expect_exit(r, 0);
  if (rc == 0) {
    memset(&second, 0, sizeof second);
    second.prog = r->prog;
    rc = xd_start(&second, silent_args, 0) || xd_http_serve(l, NULL) ||
         xd_expect_exit(&second, 3);
    if (second.child != NULL) {
      xd_kill(second.child); /* nothing once it has exited */
      xd_free(second.child);
    }
  }
  xsock_close(l);
  return rc;
}

/* chat_server --max-clients 3: three clients join (the server says so
 * before any message is sent, so none can miss one); a message framed
 * with a 2-byte big-endian length from one reaches the two others, and
 * one from another reaches the first two; then all leave and the server
 * stops by itself. */
static int xd_chat_send(xsock_t s, const char *msg) {
  unsigned char frame[258];
  size_t len = strlen(msg);
  frame[0] = (unsigned char)(len >> 8);
  frame[1] = (unsigned char)(len & 0xff);
  memcpy(frame + 2, msg, len);
  return xsock_sendall(s, frame, len + 2) == (xsock_ssize_t)(len + 2)
             ? 0
             : xd_fail("chat: send");
}

static int xd_chat_expect(xsock_t s, const char *msg) {
  unsigned char frame[258];
  size_t len = strlen(msg), got = 0;
  while (got < len + 2) {
    xsock_ssize_t n;
    if (xsock_wait(s, XSOCK_READ, XD_EXIT_LIMIT_MS) <= 0 ||
        (n = xsock_recv(s, frame + got, len + 2 - got)) <= 0)
      return xd_fail("chat: \"%s\" never arrived", msg);
    got += (size_t)n;
  }
  if (frame[0] != (len >> 8) || frame[1] != (len & 0xff) ||
      memcmp(frame + 2, msg, len) != 0)
    return xd_fail("chat: \"%s\" arrived wrong", msg);
  return 0;
}

int xd_talk_chat_server(xd_run_t *r) {
  xsock_t c[3] = {XSOCK_INVALID, XSOCK_INVALID, XSOCK_INVALID};
  int i, rc = 0;
  for (i = 0; i < 3 && rc == 0; i++)
    rc = xd_connect(r, &c[i]);
  rc = rc || xd_expect_line(r, "client 1 joined") ||
       xd_expect_line(r, "client 2 joined") ||
       xd_expect_line(r, "client 3 joined") ||
       xd_chat_send(c[0], "hello, everyone") ||
       xd_chat_expect(c[1], "hello, everyone") ||
       xd_chat_expect(c[2], "hello, everyone") ||
       xd_chat_send(c[2], "hi from the third") ||
       xd_chat_expect(c[0], "hi from the third") ||
       xd_chat_expect(c[1], "hi from the third");
  for (i = 0; i < 3; i++)
    xsock_close(c[i]);
  return rc || xd_expect_line(r, "stopped: 3 clients served") ||
         xd_expect_exit(r, 0);
}
