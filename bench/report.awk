# SPDX-License-Identifier: MIT
# Turns the RESULT and CALLGRIND RESULT lines of one bench/run.sh run into
# one table per workload and parameter set: each impl's median (min-max),
# its ratio to impl `epoll` of the same run, and the callgrind instruction
# counts (Ir per event / round trip / call) with their ratio to epoll's.
# Usage: awk -f report.awk results.txt

function parse(line,    n, i, t, eq) {
  split("", f)
  n = split(line, t, " ")
  for (i = 1; i <= n; i++) {
    eq = index(t[i], "=")
    if (eq > 0)
      f[substr(t[i], 1, eq - 1)] = substr(t[i], eq + 1)
  }
}

function remember(key) {
  if (!(key in seen)) {
    seen[key] = 1
    keys[++nkeys] = key
  }
}

function remember_impl(key, impl) {
  if (!((key, impl) in seen_impl)) {
    seen_impl[key, impl] = 1
    impls[key, ++nimpls[key]] = impl
  }
}

function keyof(    w) {
  w = f["workload"]
  if (w == "sockpairs")
    return "W1 sockpairs n=" f["n"] " active=" f["active"] " mode=" f["mode"]
  if (w == "pingpong")
    return "W2 pingpong topo=" f["topo"] " conns=" f["conns"]
  if (w == "idle")
    return "W3 idle n=" f["n"] " active_pos=" f["active_pos"]
  return ""
}

function ratio(v, base) {
  if (base == "" || base + 0 == 0 || v == "")
    return "-"
  return sprintf("%.3f", v / base)
}

function fmt(v) {
  return v == "" ? "-" : sprintf("%.1f", v)
}

/^RESULT / || /^CALLGRIND RESULT / {
  parse($0)
  if (f["workload"] == "calib") {
    calib = sprintf("calib: getppid %.1f ns, clock_gettime %.1f ns, " \
                    "1-byte write+read on a socketpair %.1f ns", \
                    f["getppid_ns"], f["clock_ns"], f["sockpair_rw_ns"])
    next
  }
  key = keyof()
  impl = f["impl"]
  remember(key)
  remember_impl(key, impl)
  reps = f["reps"] + 0
  if ($1 == "CALLGRIND") {
    if (f["workload"] == "sockpairs") {
      ir[key, impl] = f["ir_run"] / (f["rounds"] * f["active"] * reps)
      irs[key, impl] = f["ir_setup"] / (f["n"] * reps)
    } else if (f["workload"] == "pingpong") {
      ir[key, impl] = f["ir_run"] / (f["rounds"] * reps)
    } else {
      ir[key, impl] = f["ir_run"] / (f["k"] * reps)
    }
    next
  }
  if (f["workload"] == "sockpairs") {
    m1[key, impl] = f["ns_per_event"]
    r1[key, impl] = f["ns_per_event_min"] "-" f["ns_per_event_max"]
    m2[key, impl] = f["round_ns_per_event"]
    m3[key, impl] = f["setup_ns_per_fd"]
  } else if (f["workload"] == "pingpong") {
    m1[key, impl] = f["ns_per_rt"]
    r1[key, impl] = f["ns_per_rt_min"] "-" f["ns_per_rt_max"]
  } else {
    m1[key, impl] = f["ns_per_call"]
    r1[key, impl] = f["ns_per_call_min"] "-" f["ns_per_call_max"]
  }
}

END {
  if (calib != "")
    print calib "\n"
  for (k = 1; k <= nkeys; k++) {
    key = keys[k]
    w1 = (key ~ /^W1/)
    unit = w1 ? "event" : (key ~ /^W2/ ? "RT" : "call")
    print "== " key
    if (w1)
      printf "%-13s %10s %-19s %7s %11s %7s %10s %7s %9s %7s %8s\n", \
             "impl", "ns/event", "(min-max)", "x epoll", "round ns/ev", \
             "x epoll", "setup ns/fd", "x epoll", "Ir/event", "x epoll", \
             "Ir/fd"
    else
      printf "%-13s %10s %-21s %7s %9s %7s\n", "impl", "ns/" unit, \
             "(min-max)", "x epoll", "Ir/" unit, "x epoll"
    for (i = 1; i <= nimpls[key]; i++) {
      impl = impls[key, i]
      if (w1)
        printf "%-13s %10s %-19s %7s %11s %7s %10s %7s %9s %7s %8s\n", \
               impl, fmt(m1[key, impl]), "(" r1[key, impl] ")", \
               ratio(m1[key, impl], m1[key, "epoll"]), fmt(m2[key, impl]), \
               ratio(m2[key, impl], m2[key, "epoll"]), fmt(m3[key, impl]), \
               ratio(m3[key, impl], m3[key, "epoll"]), fmt(ir[key, impl]), \
               ratio(ir[key, impl], ir[key, "epoll"]), fmt(irs[key, impl])
      else
        printf "%-13s %10s %-21s %7s %9s %7s\n", impl, fmt(m1[key, impl]), \
               "(" r1[key, impl] ")", ratio(m1[key, impl], m1[key, "epoll"]), \
               fmt(ir[key, impl]), ratio(ir[key, impl], ir[key, "epoll"])
    }
    print ""
  }
}
