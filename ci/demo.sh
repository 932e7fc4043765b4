#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The main job: builds the echo example and runs it end to end over
# loopback, once per selector backend of this OS. For each backend it
# starts examples/echo_server on an ephemeral port, runs echo_client with
# M connections and N framed messages, checks that every echo came back
# intact, then stops the server with SIGINT and checks it shut down cleanly.
# Then it runs examples/serve_forever briefly: two requests, and a
# shutdown from its main thread that must end the hour-long wait at once;
# and examples/chat_server with two chat_clients: one message relayed.
set -euo pipefail
cd "$(dirname "$0")/.."
. ci/lib.sh

CONNS=${DEMO_CONNS:-50}
MESSAGES=${DEMO_MESSAGES:-20000}
SIZE=${DEMO_SIZE:-1000}
BUILD=${DEMO_BUILD:-build/demo}

if ! xs_need_pkgs cmake make gcc libc6-dev; then
  echo "demo: NOT RUN — cmake/make/gcc/libc6-dev could not be installed" >&2
  exit 1
fi
xs_log "building the examples ($BUILD)"
cmake -S . -B "$BUILD" -DCMAKE_BUILD_TYPE=Release -DXSOCK_BUILD_TESTS=OFF \
  -DXSOCK_BUILD_BENCH=OFF >/dev/null
cmake --build "$BUILD" -j2 --target echo_server echo_client serve_forever chat_server chat_client >/dev/null
server_bin="$BUILD/examples/echo_server"
client_bin="$BUILD/examples/echo_client"
backends=$("$server_bin" --list-backends)

server_pid=""
cleanup() { [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null || true; }
trap cleanup EXIT

for backend in $backends; do
  xs_log "backend $backend: $CONNS connections, $MESSAGES messages of 1..$SIZE bytes"
  port_file=$(mktemp)
  rm -f "$port_file"
  "$server_bin" --backend "$backend" --port-file "$port_file" >"$BUILD/server-$backend.log" 2>&1 &
  server_pid=$!
  for _ in $(seq 100); do [ -s "$port_file" ] && break; sleep 0.05; done
  if [ ! -s "$port_file" ]; then
    echo "demo: the server did not start:"; cat "$BUILD/server-$backend.log"; exit 1
  fi
  port=$(cat "$port_file"); rm -f "$port_file"
  cat "$BUILD/server-$backend.log"
  "$client_bin" --addr "127.0.0.1:$port" --backend "$backend" --conns "$CONNS" \
    --messages "$MESSAGES" --size "$SIZE"
  kill -INT "$server_pid"
  if ! wait "$server_pid"; then
    echo "demo: the server did not exit cleanly on SIGINT"; exit 1
  fi
  server_pid=""
  tail -n 1 "$BUILD/server-$backend.log"
done
xs_log "demo: every backend echoed every message intact"

# serve_forever: the socketserver loop. Its stdin and stdout are a
# coprocess's pipes: its first line tells the port, each request is one
# line over TCP (bash's /dev/tcp) answered in upper case, and closing its
# stdin makes the main thread call shutdown().
xs_log "serve_forever: two requests, then shutdown() from another thread"
coproc SERVE { "$BUILD/examples/serve_forever" 2>&1; }
serve_pid=$SERVE_PID
# Bash closes a coprocess's descriptors once it has exited: keep copies.
exec 4<&"${SERVE[0]}" 5>&"${SERVE[1]}"
exec {SERVE[0]}<&- {SERVE[1]}>&-
read -r line <&4
echo "$line"
port=${line##*127.0.0.1:}
port=${port%%,*}
for request in "hello from the demo" "serve forever"; do
  exec 3<>"/dev/tcp/127.0.0.1/$port"
  printf '%s\n' "$request" >&3
  read -r answer <&3
  exec 3>&-
  echo "  sent \"$request\", got \"$answer\""
  if [ "$answer" != "${request^^}" ]; then
    echo "demo: serve_forever answered \"$answer\""; exit 1
  fi
done
exec 5>&-
while read -r line <&4; do echo "$line"; done
exec 4<&-
if ! timeout 30 tail --pid="$serve_pid" -f /dev/null; then
  echo "demo: serve_forever did not stop within 30 s of shutdown()"; exit 1
fi
wait "$serve_pid"
xs_log "demo: serve_forever served and shut down at once"

# chat: a server that relays framed messages (a 2-byte length, then the
# text) between clients. One client joins and waits for a message; a
# second one says something; the first prints it; both leave, and the
# server, started for two clients, stops.
xs_log "chat: two clients, one message relayed"
chat_log="$BUILD/chat-server.log"
"$BUILD/examples/chat_server" --max-clients 2 >"$chat_log" 2>&1 &
chat_pid=$!
for _ in $(seq 100); do grep -q 'listening on' "$chat_log" && break; sleep 0.1; done
chat_addr=$(sed -nE 's/^listening on ([0-9.]+:[0-9]+).*/\1/p' "$chat_log")
[ -n "$chat_addr" ] || { echo "demo: chat_server did not start"; cat "$chat_log"; exit 1; }
"$BUILD/examples/chat_client" "$chat_addr" --expect 1 >"$BUILD/chat-first.log" 2>&1 &
first_pid=$!
for _ in $(seq 100); do grep -q 'client 1 joined' "$chat_log" && break; sleep 0.1; done
"$BUILD/examples/chat_client" "$chat_addr" "hello from the second client" \
  >"$BUILD/chat-second.log" 2>&1
if ! timeout 30 tail --pid="$first_pid" -f /dev/null || ! wait "$first_pid"; then
  echo "demo: the first chat client did not get the message"; exit 1
fi
if ! timeout 30 tail --pid="$chat_pid" -f /dev/null || ! wait "$chat_pid"; then
  echo "demo: chat_server did not stop once both clients had left"; exit 1
fi
sed 's/^/  server: /' "$chat_log"
sed 's/^/  first client: /' "$BUILD/chat-first.log"
grep -q '> hello from the second client' "$BUILD/chat-first.log" ||
  { echo "demo: the message arrived wrong"; exit 1; }
xs_log "demo: chat relayed the message and stopped"
