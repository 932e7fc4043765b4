# SPDX-License-Identifier: MIT
# Turns the RESULT and CALLGRIND RESULT lines of one bench/run.sh run into
# one table per workload and parameter set: each impl's median (min-max),
# its ratio to impl `epoll` of the same run, and the callgrind instruction
# counts (Ir per event / round trip / call / hop) with their ratio to
# epoll's. W4 (serverwait) adds its Ir per wait over its baseline's (the
# same program with --timeout=-1: the cost of the positive timeout) and
# its clock reads per wait;
# W5 (wakeup) shows the median and 99th-percentile round trip and the Ir
# per hop of both threads.
# Usage: awk -f report.awk results.txt
#
# bench/run.sh --passes=K runs the timed matrix K times and tags each line
# with pass=1..K (SPEC 0.3): a cell is then the median of the K medians,
# its ratio the median of the K per-pass ratios to epoll, and "(min-max)"
# the range of the K medians.
#
# With -v summary=md it prints instead ONE Markdown table, an impl a row,
# with the cells of the summary below (the columns); with -v summary=dat
# the same ratios as gnuplot data (a column a row, an impl a column) for
# the impls of one class: -v class=epoll (the O(1) interfaces: raw epoll,
# xsock-epoll, the peer libraries) or -v class=scan (poll and select, raw
# and xsock's). ci/bench.sh renders docs/bench.png from the two.

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
  if (w == "serverwait")
    return "W4 serverwait n=" f["n"] " active=" f["active"] " timeout=" f["timeout_ms"]
  if (w == "wakeup")
    return "W5 wakeup"
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
  lib[impl] = f["lib"]
  remember(key)
  remember_impl(key, impl)
  reps = f["reps"] + 0
  if ($1 == "CALLGRIND") {
    if (f["workload"] == "sockpairs" || f["workload"] == "serverwait") {
      ir[key, impl] = f["ir_run"] / (f["rounds"] * f["active"] * reps)
      irs[key, impl] = f["ir_setup"] / (f["n"] * reps)
      # Per wait: what a timeout adds is paid once a wait, not per event.
      if (f["waits"] + 0 > 0)
        irw[key, impl] = f["ir_run"] / f["waits"]
      if (f["waits"] + 0 > 0 && "clock_run" in f)
        clk[key, impl] = f["clock_run"] / f["waits"]
    } else if (f["workload"] == "wakeup") {
      # Both threads' instructions (callgrind runs them one at a time) over
      # the hops, two a round trip.
      ir[key, impl] = f["ir_run"] / (2 * f["rounds"] * reps)
    } else if (f["workload"] == "pingpong") {
      ir[key, impl] = f["ir_run"] / (f["rounds"] * reps)
    } else {
      ir[key, impl] = f["ir_run"] / (f["k"] * reps)
    }
    next
  }
  p = ("pass" in f) ? f["pass"] : 1
  if (!((key, impl, p) in seen_pass)) {
    seen_pass[key, impl, p] = 1
    pl[key, impl, ++np[key, impl]] = p
  }
  if (f["workload"] == "sockpairs" || f["workload"] == "serverwait") {
    P1[key, impl, p] = f["ns_per_event"]
    r1[key, impl] = f["ns_per_event_min"] "-" f["ns_per_event_max"]
    P2[key, impl, p] = f["round_ns_per_event"]
    P3[key, impl, p] = f["setup_ns_per_fd"]
  } else if (f["workload"] == "pingpong") {
    P1[key, impl, p] = f["ns_per_rt"]
    r1[key, impl] = f["ns_per_rt_min"] "-" f["ns_per_rt_max"]
  } else if (f["workload"] == "wakeup") {
    P1[key, impl, p] = f["rt_ns"]
    r1[key, impl] = f["rt_ns_min"] "-" f["rt_ns_max"]
    P2[key, impl, p] = f["rt_p99_ns"]
  } else {
    P1[key, impl, p] = f["ns_per_call"]
    r1[key, impl] = f["ns_per_call_min"] "-" f["ns_per_call_max"]
  }
}

# The median of v[1..n] (sorted in place); "" when n is 0.
function median(v, n,    i, j, t) {
  if (n == 0)
    return ""
  for (i = 2; i <= n; i++)
    for (j = i; j > 1 && v[j - 1] > v[j]; j--) {
      t = v[j]; v[j] = v[j - 1]; v[j - 1] = t
    }
  return n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
}

# Folds the passes of (key, impl) for metric P (1, 2 or 3) into M[] (the
# median of the pass medians) and R[] (the median of the per-pass ratios
# to epoll); with several passes r1 becomes the range of the pass medians.
function fold(key, impl, which,    i, p, n, nr, v, r, lo, hi, x, base) {
  n = nr = 0
  split("", v); split("", r)
  for (i = 1; i <= np[key, impl]; i++) {
    p = pl[key, impl, i]
    x = which == 1 ? P1[key, impl, p] : which == 2 ? P2[key, impl, p] : P3[key, impl, p]
    if (x == "")
      continue
    v[++n] = x + 0
    lo = (n == 1 || x + 0 < lo) ? x + 0 : lo
    hi = (n == 1 || x + 0 > hi) ? x + 0 : hi
    base = which == 1 ? P1[key, "epoll", p] : which == 2 ? P2[key, "epoll", p] : P3[key, "epoll", p]
    if (base != "" && base + 0 != 0)
      r[++nr] = x / base
  }
  if (which == 1 && n > 1)
    r1[key, impl] = sprintf("%.2f-%.2f", lo, hi)
  M[which, key, impl] = median(v, n)
  R[which, key, impl] = median(r, nr)
}

function fold_all(    k, i) {
  for (k = 1; k <= nkeys; k++)
    for (i = 1; i <= nimpls[keys[k]]; i++) {
      fold(keys[k], impls[keys[k], i], 1)
      fold(keys[k], impls[keys[k], i], 2)
      fold(keys[k], impls[keys[k], i], 3)
      m1[keys[k], impls[keys[k], i]] = M[1, keys[k], impls[keys[k], i]]
      m2[keys[k], impls[keys[k], i]] = M[2, keys[k], impls[keys[k], i]]
      m3[keys[k], impls[keys[k], i]] = M[3, keys[k], impls[keys[k], i]]
    }
}

# The folded ratio to epoll of metric which, formatted as ratio() does.
function pratio(which, key, impl,    r) {
  r = R[which, key, impl]
  return r == "" ? "-" : sprintf("%.3f", r)
}

# The summary's columns: the parameter set (keyof), the metric (m1: the
# workload's time, m3: W1 setup per fd; ir / irs: its instruction count)
# and a label.
function summary_columns() {
  ncol = 0
  col("W1 sockpairs n=1000 active=100 mode=persist", "m1", "ir", "W1 persist N=1000")
  col("W1 sockpairs n=10000 active=100 mode=persist", "m1", "", "W1 persist N=10000")
  col("W1 sockpairs n=1000 active=100 mode=rearm", "m1", "ir", "W1 rearm N=1000")
  col("W1 sockpairs n=1000 active=100 mode=persist", "m3", "irs", "W1 setup/fd N=1000")
  col("W2 pingpong topo=1proc conns=1", "m1", "", "W2 1proc C=1")
  col("W2 pingpong topo=1proc conns=100", "m1", "ir", "W2 1proc C=100")
  col("W2 pingpong topo=2proc conns=100", "m1", "", "W2 2proc C=100")
  col("W3 idle n=10 active_pos=last", "m1", "ir", "W3 N=10")
  col("W3 idle n=1000 active_pos=last", "m1", "ir", "W3 N=1000")
  col("W3 idle n=10000 active_pos=last", "m1", "", "W3 N=10000")
  col("W4 serverwait n=1000 active=100 timeout=1000", "m1", "ir", "W4 N=1000")
  col("W4 serverwait n=1000 active=100 timeout=1000", "w4", "", "W4 wait vs -1")
  col("W5 wakeup", "m1", "ir", "W5 RT median")
  col("W5 wakeup", "m2", "", "W5 RT p99")
}

# W4's cost of the timeout, per wait: Ir over its baseline's (the same
# program with timeout -1), then the clock reads; "" when either
# callgrind run is missing.
function w4_delta(impl,    base) {
  base = w4_base(ckey_w4)
  if (irw[ckey_w4, impl] == "" || irw[base, impl] == "")
    return ""
  return sprintf("%+.0f Ir, %.2f clk", irw[ckey_w4, impl] - irw[base, impl], \
                 clk[ckey_w4, impl])
}

# The key of W4's baseline run for the W4 key k.
function w4_base(k) {
  sub(/ timeout=.*/, " timeout=-1", k)
  return k
}

function col(key, metric, irm, label) {
  if (metric == "w4")
    ckey_w4 = key
  ncol++
  ckey[ncol] = key; cmet[ncol] = metric; cir[ncol] = irm; clab[ncol] = label
}

function cratio(c, impl) {
  if (cmet[c] == "w4")
    return "-"
  return pratio(cmet[c] == "m3" ? 3 : cmet[c] == "m2" ? 2 : 1, ckey[c], impl)
}

function cval(c, impl) {
  if (cmet[c] == "w4")
    return ""
  if (cmet[c] == "m3")
    return m3[ckey[c], impl]
  if (cmet[c] == "m2")
    return m2[ckey[c], impl]
  return m1[ckey[c], impl]
}

function cir_val(c, impl) {
  if (cir[c] == "ir")
    return ir[ckey[c], impl]
  if (cir[c] == "irs")
    return irs[ckey[c], impl]
  return ""
}

# Every impl seen, in order of first appearance.
function all_impls(    k, i) {
  nall = 0
  for (k = 1; k <= nkeys; k++)
    for (i = 1; i <= nimpls[keys[k]]; i++)
      if (!(impls[keys[k], i] in in_all)) {
        in_all[impls[keys[k], i]] = 1
        all[++nall] = impls[keys[k], i]
      }
}

function summary_md(    c, i, impl, line, r, v) {
  printf "| impl | lib |"
  for (c = 1; c <= ncol; c++)
    printf " %s |", clab[c]
  printf "\n|---|---|"
  for (c = 1; c <= ncol; c++)
    printf "---|"
  print ""
  for (i = 1; i <= nall; i++) {
    impl = all[i]
    line = "| " impl " | " lib[impl] " |"
    for (c = 1; c <= ncol; c++) {
      if (cmet[c] == "w4") {
        v = w4_delta(impl)
        line = line " " (v == "" ? "-" : v) " |"
        continue
      }
      r = cratio(c, impl)
      v = cir_val(c, impl)
      line = line " " (r == "-" ? r : sprintf("%.2fx", r)) \
             (v == "" ? "" : sprintf(", %.0f", v)) " |"
    }
    print line
  }
  line = "| raw epoll, ns | |"
  for (c = 1; c <= ncol; c++)
    line = line " " (cmet[c] == "w4" ? "-" : fmt(cval(c, "epoll"))) " |"
  print line
  if (calib != "")
    print "\n" calib "."
}

# Poll and select scan every registration; the rest do not.
function is_scan(impl) {
  return impl ~ /(^|-)(poll|select|wsapoll)$/
}

function summary_dat(    c, i, line, r) {
  line = "column"
  for (i = 1; i <= nall; i++)
    if (is_scan(all[i]) == (class == "scan"))
      line = line " " all[i]
  print line
  for (c = 1; c <= ncol; c++) {
    if (cmet[c] == "w4")
      continue # no time ratio: not a bar of the chart
    line = "\"" clab[c] "\""
    for (i = 1; i <= nall; i++)
      if (is_scan(all[i]) == (class == "scan")) {
        r = cratio(c, all[i])
        line = line " " r
      }
    print line
  }
}

END {
  fold_all()
  if (summary != "") {
    summary_columns()
    all_impls()
    if (summary == "md")
      summary_md()
    else
      summary_dat()
    exit
  }
  if (calib != "")
    print calib "\n"
  for (k = 1; k <= nkeys; k++) {
    key = keys[k]
    w1 = (key ~ /^W1/)
    unit = w1 ? "event" : (key ~ /^W2/ ? "RT" : "call")
    print "== " key
    if (key ~ /^W4/) {
      table_w4(key)
      continue
    }
    if (key ~ /^W5/) {
      table_w5(key)
      continue
    }
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
               pratio(1, key, impl), fmt(m2[key, impl]), \
               pratio(2, key, impl), fmt(m3[key, impl]), \
               pratio(3, key, impl), fmt(ir[key, impl]), \
               ratio(ir[key, impl], ir[key, "epoll"]), fmt(irs[key, impl])
      else
        printf "%-13s %10s %-21s %7s %9s %7s\n", impl, fmt(m1[key, impl]), \
               "(" r1[key, impl] ")", pratio(1, key, impl), \
               fmt(ir[key, impl]), ratio(ir[key, impl], ir[key, "epoll"])
    }
    print ""
  }
}

# W4: dispatch time per event as W1's, and per wait the Ir, what the
# timeout adds over the baseline (timeout -1), and the clock reads.
function table_w4(key,    i, impl, base, d) {
  base = w4_base(key)
  printf "%-13s %10s %-21s %7s %9s %7s %9s %11s %9s\n", "impl", "ns/event", \
         "(min-max)", "x epoll", "Ir/event", "x epoll", "Ir/wait", \
         "vs -1 Ir/w", "clock/w"
  for (i = 1; i <= nimpls[key]; i++) {
    impl = impls[key, i]
    d = (base != key && irw[key, impl] != "" && irw[base, impl] != "") ? \
        sprintf("%+.1f", irw[key, impl] - irw[base, impl]) : "-"
    printf "%-13s %10s %-21s %7s %9s %7s %9s %11s %9s\n", impl, \
           fmt(m1[key, impl]), "(" r1[key, impl] ")", pratio(1, key, impl), \
           fmt(ir[key, impl]), ratio(ir[key, impl], ir[key, "epoll"]), \
           fmt(irw[key, impl]), d, \
           clk[key, impl] == "" ? "-" : sprintf("%.2f", clk[key, impl])
  }
  print ""
}

# W5: the round trip's median and 99th percentile, and Ir per hop.
function table_w5(key,    i, impl) {
  printf "%-13s %10s %-23s %7s %11s %7s %9s %7s\n", "impl", "RT ns", \
         "(min-max)", "x epoll", "RT p99 ns", "x epoll", "Ir/hop", "x epoll"
  for (i = 1; i <= nimpls[key]; i++) {
    impl = impls[key, i]
    printf "%-13s %10s %-23s %7s %11s %7s %9s %7s\n", impl, \
           fmt(m1[key, impl]), "(" r1[key, impl] ")", pratio(1, key, impl), \
           fmt(m2[key, impl]), pratio(2, key, impl), fmt(ir[key, impl]), \
           ratio(ir[key, impl], ir[key, "epoll"])
  }
  print ""
}
