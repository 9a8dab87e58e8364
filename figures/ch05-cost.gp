# Chapter 5 — WC-MHGD: CG(m) fixed, Neumann with Q = ⌈2κ⌉ terms; NaN = not reached within the budget.
# Regenerate: swift run -c release ch05  (ch05 --help lists the seed and flags)
# Render: gnuplot ch05-cost.gp  (writes ch05-cost.svg and ch05-cost.png beside this file)

$cost << EOD
# kappa cg_steps cg_calls cg_per_step neumann_steps neumann_calls neumann_per_step
2 59 1296 21.96610169 59 944 16
5 222 4882 21.99099099 222 6216 28
10 620 13638 21.99677419 621 29808 48
20 1618 35594 21.99876391 1620 142560 88
50 4914 108106 21.999593 4918 1022944 208
100 9396 206710 21.99978714 9405 3837240 408
EOD

$guides << EOD
# kappa linear cubic
2 1296 1296
100 64800 162000000
EOD

set title 'Oracle calls to reach 𝒢 ≤ 1e-06 against κ (S = 2 toy)'
set xlabel 'κ'
set ylabel 'oracle calls (∇f, ∇g, ∇²_{yy}g·v, ∇²_{xy}g·v)'
set logscale x
set logscale y
set format x '10^{%L}'
set format y '10^{%L}'
set key top left box opaque Left reverse
set grid lc rgb '#dddddd'
set border lw 1.5
set terminal svg size 800,600 enhanced font 'DejaVu Sans,12' background rgb 'white'
set output 'ch05-cost.svg'
plot $cost using 1:3 with linespoints lc rgb '#0072B2' lw 2 dt 1 pt 7 ps 1 title 'CG(m = 5), warm', \
     $cost using 1:6 with linespoints lc rgb '#E69F00' lw 2 dt 1 pt 5 ps 1 title 'Neumann(Q = ⌈2κ⌉)', \
     $guides using 1:2 with lines lc rgb '#777777' lw 1 dt 2 title '∝ κ (guide)', \
     $guides using 1:3 with lines lc rgb '#777777' lw 1 dt 3 title '∝ κ³ (guide)'
set terminal pngcairo size 1200,900 enhanced font 'DejaVu Sans,15' background rgb 'white'
set output 'ch05-cost.png'
replot
unset output
