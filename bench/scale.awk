# SPDX-License-Identifier: MIT
# The table of bench/scale.sh from its RESULT lines (bench/SPEC.md, S1):
# per backend and size, the median ns per event (min-max), the client's
# CPU ns per event, the ratio of the ns per event to the smallest size's
# of the same backend, the selector's bytes and the resident bytes per
# connection, the allocations in the steady state, and the errors.
/^RESULT workload=scale / {
  delete f
  for (i = 2; i <= NF; i++) { split($i, kv, "="); f[kv[1]] = kv[2] }
  b = f["backend"]; n = f["conns"] + 0
  if (!(b in seen)) { seen[b] = 1; order[++nb] = b }
  rows[b] = rows[b] " " n
  k = b SUBSEP n
  ev[k] = f["ns_per_event"]; evmin[k] = f["ns_per_event_min"]; evmax[k] = f["ns_per_event_max"]
  cpu[k] = f["cpu_ns_per_event"]; lib[k] = f["lib_bytes_per_conn"]
  rss[k] = f["rss_bytes_per_conn"]; st[k] = f["steady_allocs"]; err[k] = f["errors"]
  ewait[k] = f["events_per_wait"]
  if (!(b in base) && ev[k] != "") base[b] = k
}
END {
  printf "%-8s %6s %26s %9s %8s %9s %10s %10s %7s %6s\n", "backend", "conns",
    "ns/event (min-max)", "x smallest", "cpu ns", "ev/wait", "lib B/conn",
    "RSS B/conn", "allocs", "errors"
  for (i = 1; i <= nb; i++) {
    b = order[i]
    m = split(rows[b], ns, " ")
    for (j = 1; j <= m; j++) {
      k = b SUBSEP ns[j]
      r = (ev[k] != "" && ev[base[b]] > 0) ? sprintf("%.2f", ev[k] / ev[base[b]]) : "-"
      t = ev[k] != "" ? sprintf("%.0f (%.0f-%.0f)", ev[k], evmin[k], evmax[k]) : "-"
      printf "%-8s %6s %26s %9s %8.0f %9.1f %10s %10s %7s %6s\n", b, ns[j], t, r,
        cpu[k], ewait[k], lib[k], rss[k], st[k], err[k]
    }
  }
}
