# SPDX-License-Identifier: MIT
# docs/bench.png from the two data files of `awk -v summary=dat -f
# bench/report.awk` (ci/bench.sh passes their names): a grouped bar chart
# of each impl's median time over raw epoll's in the same run, per
# workload column. Top: the interfaces whose wait does not scan the
# registrations (epoll, xsock-epoll, libev, libevent, libuv), on a linear
# scale, where a few percent are visible. Bottom: poll and select, raw
# and xsock's, on a log scale, as they are hundreds of times raw epoll
# where many sockets are idle.
#   gnuplot -e "top='top.dat'; bottom='bottom.dat'; out='bench.png'; subtitle='...'" bench/plot.gp
if (!exists("subtitle")) subtitle = ""
set terminal pngcairo size 1500,1000 font "sans,11" noenhanced
set output out
set datafile missing "-"
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.85 border -1
set boxwidth 0.9
set grid ytics
set key outside right top vertical
set xtics nomirror rotate by -25 left offset -1,0
set bmargin 5
set ylabel "median time / raw epoll's (lower is better)"
set multiplot layout 2,1 title "xsock bench (bench/SPEC.md), ratios to raw epoll in the same run\n".subtitle
set title "Wait without a scan: raw epoll, xsock-epoll and the peer libraries (bars cut at 3x: the table has every value)"
set yrange [0:3]
set arrow 1 from graph 0, first 1 to graph 1, first 1 nohead dashtype 2 lw 1.5
plot for [i=2:*] top using i:xtic(1) title columnhead(i)
unset arrow 1
set title "poll and select, raw and xsock's (log scale)"
set logscale y
set yrange [*:*]
set arrow 2 from graph 0, first 1 to graph 1, first 1 nohead dashtype 2 lw 1.5
plot for [i=2:*] bottom using i:xtic(1) title columnhead(i)
unset multiplot
