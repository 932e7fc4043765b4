/* SPDX-License-Identifier: MIT */
/*
 * echo_server: the seed's `selectors` echo server, in C, on every OS.
 *
 * One thread, one selector, many clients. The listener is registered for
 * READ; each accepted client's echo goes through a write queue
 * (xsock_wqueue_t), which sends what the socket takes and keeps the rest,
 * and which says what the client's registration needs: WRITE only while
 * echo bytes wait (a level-triggered WRITE left on would wake the loop
 * for nothing), and no READ while a client that sends faster than it
 * reads has a backlog past the high watermark, so its memory stays
 * bounded. A server out of
 * handles sheds new connections through a reserve handle instead of
 * spinning on a listener it cannot accept from (xsock_accept_shed).
 *
 * Stops cleanly on SIGINT/SIGTERM (Ctrl+C / Ctrl+Break on Windows): the
 * handler only calls xsock_selector_wakeup(), which is safe there, and the
 * loop notices the flag, closes every client and prints its totals. With
 * --clients N it also stops by itself once N clients have come and gone
 * (for scripted runs where no signal can be sent, e.g. under Wine).
 *
 * With --idle-ms N a client that sends nothing and has nothing left to
 * receive for N milliseconds is closed (and counted as timed out), so a
 * slow or silent client ("slowloris") cannot hold a handle forever. The
 * wait then has a timeout, and every wait scans the clients: simple, and
 * fine for an example; a big server would keep them ordered by deadline.
 *
 * usage: echo_server [--addr HOST:PORT] [--backend NAME] [--port-file PATH]
 *                    [--clients N] [--idle-ms N]
 *        echo_server --list-backends
 */
#include "xsock.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef _WIN32
#include <windows.h>
#endif

#define SERVER_MAX_EVENTS 256
#define SERVER_BACKLOG_LIMIT (1u << 20) /* bytes queued per client */
#define SERVER_CHUNK 16384              /* bytes one recv takes */

typedef struct client {
  xsock_t sock;
  unsigned interest;
  int eof;            /* the peer finished sending: echo the rest, then close */
  int64_t active;     /* xsock_clock_ms() of its last progress */
  xsock_wqueue_t out; /* bytes received and not yet echoed */
  struct client *prev, *next;
} client_t;

static xsock_selector_t *server_sel;
static client_t *server_list; /* every connected client, for shutdown */
static volatile sig_atomic_t server_stop;
static unsigned long long server_bytes, server_clients, server_gone;
static unsigned long long server_shed; /* connections shed out of handles */
static xsock_reserve_t server_reserve; /* spent when out of handles */
static unsigned long long server_max_clients; /* 0: serve until a signal */
static int server_idle_ms;                    /* 0: no idle timeout */
static unsigned long long server_idled;       /* clients closed as idle */

#ifdef _WIN32
static BOOL WINAPI server_on_ctrl(DWORD type) {
  (void)type;
  server_stop = 1;
  xsock_selector_wakeup(server_sel);
  return TRUE;
}
#else
static void server_on_signal(int sig) {
  (void)sig;
  server_stop = 1;
  xsock_selector_wakeup(server_sel);
}
#endif

static void server_drop(client_t *c) {
  if (c->prev)
    c->prev->next = c->next;
  else
    server_list = c->next;
  if (c->next)
    c->next->prev = c->prev;
  xsock_selector_remove(server_sel, c->sock);
  xsock_close(c->sock);
  xsock_wqueue_free(&c->out);
  free(c);
  if (++server_gone == server_max_clients)
    server_stop = 1;
}

static int server_set_interest(client_t *c, unsigned interest) {
  if (interest == c->interest)
    return 0;
  c->interest = interest;
  return xsock_selector_modify(server_sel, c->sock, interest, c);
}

/* Reads what is there and echoes it: the queue sends what the socket
 * takes and keeps the rest. Returns 0 to keep the client, < 0 to drop it
 * (an error). It is never full: reading stops at the high watermark, a
 * recv below the bound. */
static int server_on_readable(client_t *c) {
  char buf[SERVER_CHUNK];
  xsock_ssize_t n = xsock_recv(c->sock, buf, sizeof buf);
  if (n == XSOCK_EAGAIN)
    return 0;
  if (n == 0) {
    c->eof = 1;
    return 0;
  }
  if (n < 0 || xsock_wqueue_send(&c->out, c->sock, buf, (size_t)n) < 0)
    return -1;
  server_bytes += (unsigned long long)n;
  return 0;
}

/* Accepts every pending connection. Out of handles (XSOCK_EMFILE), a
 * pending connection cannot be accepted and the listener would stay
 * readable, so the loop would wake at once forever: instead the reserve
 * handle is spent to accept the connection and close it at once (the
 * client sees it closed), and the server goes on serving the clients it
 * has. */
static void server_accept_all(xsock_t listener) {
  for (;;) {
    xsock_t s;
    client_t *c;
    int rc = xsock_accept(listener, &s, NULL, XSOCK_NONBLOCK);
    if (rc == XSOCK_EMFILE) {
      if (xsock_accept_shed(listener, &server_reserve) > 0) {
        server_shed++;
        continue;
      }
      return;
    }
    if (rc < 0)
      return; /* XSOCK_EAGAIN: nothing more pending */
    c = calloc(1, sizeof *c);
    if (c == NULL || xsock_selector_add(server_sel, s, XSOCK_READ, c) < 0) {
      free(c);
      xsock_close(s);
      continue;
    }
    /* Memory as the echo needs it, never above the limit; reading stops
     * one recv below it and resumes at half of it. */
    xsock_wqueue_init_grow(&c->out, SERVER_BACKLOG_LIMIT);
    xsock_wqueue_set_watermarks(&c->out, SERVER_BACKLOG_LIMIT / 2,
                                SERVER_BACKLOG_LIMIT - SERVER_CHUNK);
    c->sock = s;
    c->interest = XSOCK_READ;
    c->active = xsock_clock_ms();
    c->next = server_list;
    if (server_list)
      server_list->prev = c;
    server_list = c;
    server_clients++;
  }
}

/* Closes every client that made no progress for --idle-ms. */
static void server_drop_idle(void) {
  int64_t now = xsock_clock_ms();
  client_t *c = server_list, *next;
  for (; c != NULL; c = next) {
    next = c->next;
    if (now - c->active >= server_idle_ms) {
      server_idled++;
      server_drop(c);
    }
  }
}

static int server_parse_args(int argc, char **argv, const char **addr,
                             int *backend, const char **port_file) {
  int i, id;
  for (i = 1; i + 1 < argc; i += 2) {
    if (strcmp(argv[i], "--addr") == 0) {
      *addr = argv[i + 1];
    } else if (strcmp(argv[i], "--port-file") == 0) {
      *port_file = argv[i + 1];
    } else if (strcmp(argv[i], "--clients") == 0) {
      char *end;
      server_max_clients = strtoull(argv[i + 1], &end, 10);
      if (*end != '\0' || server_max_clients == 0)
        return -1;
    } else if (strcmp(argv[i], "--idle-ms") == 0) {
      server_idle_ms = atoi(argv[i + 1]);
      if (server_idle_ms <= 0)
        return -1;
    } else if (strcmp(argv[i], "--backend") == 0) {
      for (id = 1; xsock_backend_name(id) != NULL; id++)
        if (strcmp(xsock_backend_name(id), argv[i + 1]) == 0)
          break;
      if (xsock_backend_name(id) == NULL)
        return -1;
      *backend = id;
    } else {
      return -1;
    }
  }
  return i == argc ? 0 : -1;
}

int main(int argc, char **argv) {
  const char *addr_text = "127.0.0.1:0", *port_file = NULL;
  int backend = XSOCK_BACKEND_DEFAULT, rc, i, n;
  xsock_addr_t addr;
  xsock_t listener;
  xsock_event_t evs[SERVER_MAX_EVENTS];
  char text[XSOCK_ADDRSTRLEN];

  if (argc == 2 && strcmp(argv[1], "--list-backends") == 0) {
    for (i = 1; xsock_backend_name(i) != NULL; i++)
      if (xsock_selector_supported() & (1u << i))
        printf("%s\n", xsock_backend_name(i));
    return 0;
  }
  if (server_parse_args(argc, argv, &addr_text, &backend, &port_file) < 0) {
    fprintf(
        stderr,
        "usage: %s [--addr HOST:PORT] [--backend NAME] "
        "[--port-file PATH] [--clients N] [--idle-ms N] | --list-backends\n",
        argv[0]);
    return 2;
  }
  if ((rc = xsock_init()) < 0 ||
      (rc = xsock_addr_parse(&addr, addr_text)) < 0 ||
      (rc = xsock_socket(&listener, xsock_addr_family(&addr), XSOCK_STREAM,
                         XSOCK_NONBLOCK)) < 0 ||
      (rc = xsock_set_option(listener, XSOCK_OPT_REUSEADDR, 1)) < 0 ||
      (rc = xsock_bind(listener, &addr)) < 0 ||
      (rc = xsock_listen(listener, 128)) < 0 ||
      (rc = xsock_getsockname(listener, &addr)) < 0 ||
      (rc = xsock_selector_open(&server_sel, backend)) < 0 ||
      (rc = xsock_selector_add(server_sel, listener, XSOCK_READ, NULL)) < 0 ||
      (rc = xsock_reserve_open(&server_reserve)) < 0) {
    fprintf(stderr, "echo_server: %s (%s)\n", xsock_strerror(rc),
            xsock_err_name(rc));
    return 1;
  }
#ifdef _WIN32
  SetConsoleCtrlHandler(server_on_ctrl, TRUE);
#else
  signal(SIGINT, server_on_signal);
  signal(SIGTERM, server_on_signal);
#endif
  xsock_addr_format(&addr, text, sizeof text);
  printf("echo_server: listening on %s, backend %s\n", text,
         xsock_selector_backend(server_sel));
  fflush(stdout);
  if (port_file != NULL) {
    FILE *f = fopen(port_file, "w");
    if (f == NULL || fprintf(f, "%d\n", xsock_addr_port(&addr)) < 0 ||
        fclose(f) != 0) {
      fprintf(stderr, "echo_server: cannot write %s\n", port_file);
      return 1;
    }
  }

  while (!server_stop) {
    /* With an idle timeout, wake at least a few times per period to look
     * for clients that went quiet. */
    n = xsock_selector_wait(server_sel, evs, SERVER_MAX_EVENTS,
                            server_idle_ms > 0 ? server_idle_ms / 4 + 1 : -1);
    if (n < 0) {
      fprintf(stderr, "echo_server: wait: %s\n", xsock_strerror(n));
      break;
    }
    for (i = 0; i < n; i++) {
      client_t *c = evs[i].udata;
      unsigned want;
      if (c == NULL) {
        server_accept_all(listener);
        continue;
      }
      c->active = xsock_clock_ms();
      if (((evs[i].events & XSOCK_READ) && server_on_readable(c) < 0) ||
          ((evs[i].events & XSOCK_WRITE) &&
           xsock_wqueue_flush(&c->out, c->sock) < 0)) {
        server_drop(c);
        continue;
      }
      if (c->eof && xsock_wqueue_queued(&c->out) == 0) {
        server_drop(c);
        continue;
      }
      /* What the queue needs, less READ once the peer has finished. */
      want = xsock_wqueue_interest(&c->out);
      if (c->eof)
        want &= ~(unsigned)XSOCK_READ;
      if (server_set_interest(c, want) < 0)
        server_drop(c);
    }
    if (server_idle_ms > 0)
      server_drop_idle();
  }
  while (server_list != NULL)
    server_drop(server_list);
  printf("echo_server: stopping: %llu clients served, %llu bytes echoed, "
         "%llu shed while out of handles, %llu closed as idle\n",
         server_clients, server_bytes, server_shed, server_idled);
  xsock_reserve_close(&server_reserve);
  xsock_selector_close(server_sel);
  xsock_close(listener);
  xsock_cleanup();
  return 0;
}
