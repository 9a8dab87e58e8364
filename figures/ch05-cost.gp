# Chapter 5 — WC-MHGD: CG(N) fixed, Neumann with Q = ⌈2κ⌉ terms; NaN = not reached within the budget.
# Regenerate: swift run -c release ch05  (ch05 --help lists the seed and flags)
# Render: gnuplot ch05-cost.gp  (writes ch05-cost.svg and ch05-cost.png beside this file)

$cost << EOD
# kappa cg_steps cg_calls neumann_steps neumann_calls
2 59 1296 59 1062
5 222 4882 222 6660
10 620 13638 621 31050
20 1618 35594 1620 145800
50 4914 108106 4918 1032780
100 9396 206710 9405 3856050
EOD

set title 'Oracle calls to reach gap ≤ 1e-06 against κ_Q (S = 2 toy)'
set xlabel 'κ_Q'
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
plot $cost using 1:3 with linespoints lc rgb '#0072B2' lw 2 dt 1 pt 7 ps 1 title 'CG(N = 5), warm', \
     $cost using 1:5 with linespoints lc rgb '#E69F00' lw 2 dt 1 pt 5 ps 1 title 'Neumann(Q = ⌈2κ⌉)'
set terminal pngcairo size 1200,900 enhanced font 'DejaVu Sans,15' background rgb 'white'
set output 'ch05-cost.png'
replot
unset output
