# Chapter 7 — FORUM: counts instead of the paper's GPU timings (its Figure 1); S = 2, m = 10.
# Regenerate: swift run -c release ch07  (ch07 --help lists the seed and flags)
# Render: gnuplot ch07-cost.gp  (writes ch07-cost.svg and ch07-cost.png beside this file)

$cost_vs_D << EOD
# D forum_ops moml_ops aid_ops forum_mem moml_mem aid_mem
4 11 22 34 6 7 7
8 15 42 38 6 11 7
16 23 82 46 6 19 7
32 39 162 62 6 35 7
64 71 322 94 6 67 7
128 135 642 158 6 131 7
EOD

set title 'Oracle calls per outer step against the inner steps D'
set xlabel 'inner steps D'
set ylabel 'oracle calls per outer step'
set logscale x
set logscale y
set format x '10^{%L}'
set format y '10^{%L}'
set xrange [2.8:179.2]
set key top left box opaque Left reverse
set grid lc rgb '#dddddd'
set border lw 1.5
set terminal svg size 800,600 enhanced font 'DejaVu Sans,12' background rgb 'white'
set output 'ch07-cost.svg'
plot $cost_vs_D using 1:2 with linespoints lc rgb '#0072B2' lw 2 dt 1 pt 7 ps 1 title 'FORUM', \
     $cost_vs_D using 1:3 with linespoints lc rgb '#E69F00' lw 2 dt 1 pt 5 ps 1 title 'MOML (ITD)', \
     $cost_vs_D using 1:4 with linespoints lc rgb '#009E73' lw 2 dt 1 pt 9 ps 1 title 'AID-CG'
set terminal pngcairo size 1200,900 enhanced font 'DejaVu Sans,15' background rgb 'white'
set output 'ch07-cost.png'
replot
unset output
