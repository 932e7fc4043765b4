/* SPDX-License-Identifier: MIT */
/*
 * chat_server: every message a client sends goes to every other client.
 *
 * TCP is a byte stream: one send may arrive in several pieces, several
 * sends in one. So each chat message travels in a frame, a 2-byte
 * big-endian length and then the message (XSOCK_FRAME_LEN16), and the
 * server uses xsock's framing calls to cut the stream into messages
 * (a decoder per client), and a write queue per client that frames each
 * message straight into it and sends what the socket takes, all from one
 * thread with one selector.
 *
 * A client that reads too slowly is dropped once its outgoing queue is
 * full, so that it cannot make the server hold more and more memory. All
 * memory here is static: no malloc at all.
 *
 * The first line on stdout is "listening on 127.0.0.1:PORT" (port 0, the
 * default, lets the OS pick a free one). The server runs until it is
 * killed (Ctrl+C), or, with --max-clients N, until N clients have left;
 * then it closes every connection and exits 0.
 *
 * usage: chat_server [--port N] [--max-clients N]
 * (examples/chat_client.c is a client to try it with)
 */
#include "xsock.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHAT_CLIENTS 64   /* connected at once; more are turned away */
#define CHAT_MAX_MSG 1024 /* the longest message, in bytes */
#define CHAT_QUEUE 65536  /* bytes of frames waiting to go to one client */

typedef struct client {
  xsock_t sock; /* XSOCK_INVALID for a free slot */
  int id;       /* a number to show in the log */
  xsock_frame_decoder_t in;
  xsock_wqueue_t out;
  unsigned char in_buf[CHAT_MAX_MSG + 2]; /* one frame: 2 + CHAT_MAX_MSG */
  unsigned char out_buf[CHAT_QUEUE];
} client_t;

static client_t clients[CHAT_CLIENTS];
static xsock_selector_t *sel;
static int joined, left; /* clients seen so far, and gone */

static void client_drop(client_t *c, const char *why) {
  printf("client %d left (%s)\n", c->id, why);
  fflush(stdout);
  xsock_selector_remove(sel, c->sock);
  xsock_close(c->sock);
  c->sock = XSOCK_INVALID;
  left++;
}

/* After a send or a flush: drops the client on an error (a full queue
 * means it reads too slowly), else registers what its queue needs (WRITE
 * only while frames wait: left on, it would wake the loop all the time). */
static void client_update(client_t *c, xsock_ssize_t rc) {
  if (rc < 0)
    client_drop(c, rc == XSOCK_EFULL ? "too slow" : xsock_err_name((int)rc));
  else
    xsock_selector_modify(sel, c->sock, xsock_wqueue_interest(&c->out), c);
}

/* Sends one message, framed, to every client but its sender. */
static void broadcast(const client_t *from, const void *msg, size_t len) {
  int i, sent = 0;
  for (i = 0; i < CHAT_CLIENTS; i++) {
    client_t *c = &clients[i];
    if (c->sock == XSOCK_INVALID || c == from)
      continue;
    client_update(c,
                  xsock_wqueue_send_frame(&c->out, c->sock, XSOCK_FRAME_LEN16,
                                          CHAT_MAX_MSG, msg, len));
    sent += c->sock != XSOCK_INVALID;
  }
  printf("client %d: %u bytes to %d clients\n", from->id, (unsigned)len, sent);
  fflush(stdout);
}

/* Receives once (the selector said READ) and handles every whole message
 * that has arrived. */
static void client_read(client_t *c) {
  const void *msg;
  size_t len;
  int rc;
  xsock_ssize_t n = xsock_frame_recv(&c->in, c->sock);
  if (n == XSOCK_EAGAIN)
    return;
  if (n < 0) {
    client_drop(c, xsock_err_name((int)n)); /* a reset, or a bad frame */
    return;
  }
  /* Messages that arrived before an end of stream still count. */
  while ((rc = xsock_frame_next(&c->in, &msg, &len)) == 1)
    broadcast(c, msg, len);
  if (rc < 0)
    client_drop(c, xsock_err_name(rc)); /* too long, or cut short */
  else if (n == 0)
    client_drop(c, "closed");
}

static void accept_all(xsock_t listener) {
  xsock_t s;
  while (xsock_accept(listener, &s, NULL, XSOCK_NONBLOCK) == 0) {
    client_t *c = NULL;
    int i;
    for (i = 0; i < CHAT_CLIENTS && c == NULL; i++)
      if (clients[i].sock == XSOCK_INVALID)
        c = &clients[i];
    if (c == NULL || xsock_selector_add(sel, s, XSOCK_READ, c) != 0) {
      xsock_close(s); /* full: turned away */
      continue;
    }
    c->sock = s;
    c->id = ++joined;
    xsock_frame_decoder_init(&c->in, XSOCK_FRAME_LEN16, CHAT_MAX_MSG, c->in_buf,
                             sizeof c->in_buf);
    xsock_wqueue_init(&c->out, c->out_buf, sizeof c->out_buf);
    printf("client %d joined\n", c->id);
    fflush(stdout);
  }
}

/* A decimal number from the command line, or -1. */
static int number(const char *text) {
  char *end;
  long v = strtol(text, &end, 10);
  return end != text && *end == '\0' && v >= 0 && v <= 1000000 ? (int)v : -1;
}

int main(int argc, char **argv) {
  int port = 0, max_clients = 0, i, n, rc;
  xsock_event_t evs[CHAT_CLIENTS + 1];
  xsock_addr_t addr;
  xsock_t listener;
  char text[XSOCK_ADDRSTRLEN];

  for (i = 1; i + 1 < argc; i += 2) {
    if (strcmp(argv[i], "--port") == 0)
      port = number(argv[i + 1]);
    else if (strcmp(argv[i], "--max-clients") == 0)
      max_clients = number(argv[i + 1]);
    else
      break;
  }
  if (i != argc || port < 0 || port > 65535 || max_clients < 0) {
    fprintf(stderr, "usage: %s [--port N] [--max-clients N]\n", argv[0]);
    return 2;
  }
  for (i = 0; i < CHAT_CLIENTS; i++)
    clients[i].sock = XSOCK_INVALID;

  /* A non-blocking listener on the loopback, registered for READ: a
   * pending connection makes it readable. */
  if ((rc = xsock_init()) < 0 ||
      (rc = xsock_addr_loopback(&addr, XSOCK_AF_INET, port)) < 0 ||
      (rc = xsock_socket(&listener, XSOCK_AF_INET, XSOCK_STREAM,
                         XSOCK_NONBLOCK)) < 0 ||
      (rc = xsock_set_option(listener, XSOCK_OPT_REUSEADDR, 1)) < 0 ||
      (rc = xsock_bind(listener, &addr)) < 0 ||
      (rc = xsock_listen(listener, 16)) < 0 ||
      (rc = xsock_getsockname(listener, &addr)) < 0 ||
      (rc = xsock_selector_open(&sel, XSOCK_BACKEND_DEFAULT)) < 0 ||
      (rc = xsock_selector_add(sel, listener, XSOCK_READ, NULL)) < 0) {
    fprintf(stderr, "chat_server: %s\n", xsock_strerror(rc));
    return 1;
  }
  xsock_addr_format(&addr, text, sizeof text);
  printf("listening on %s\n", text);
  fflush(stdout);

  while (max_clients == 0 || left < max_clients) {
    n = xsock_selector_wait(sel, evs, CHAT_CLIENTS + 1, -1);
    if (n < 0) {
      fprintf(stderr, "chat_server: %s\n", xsock_strerror(n));
      break;
    }
    for (i = 0; i < n; i++) {
      client_t *c = (client_t *)evs[i].udata;
      if (c == NULL) {
        accept_all(listener);
        continue;
      }
      /* A client dropped earlier in this batch (a failed send while
       * broadcasting) still has its event here: skip it. */
      if (c->sock != evs[i].sock)
        continue;
      if (evs[i].events & XSOCK_WRITE)
        client_update(c, xsock_wqueue_flush(&c->out, c->sock));
      if (c->sock != XSOCK_INVALID && (evs[i].events & XSOCK_READ))
        client_read(c);
    }
  }
  for (i = 0; i < CHAT_CLIENTS; i++)
    if (clients[i].sock != XSOCK_INVALID)
      client_drop(&clients[i], "server stopping");
  printf("stopped: %d clients served\n", joined);
  xsock_selector_close(sel);
  xsock_close(listener);
  xsock_cleanup();
  return 0;
}
