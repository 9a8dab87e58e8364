# Chapter 5 — WC-MHGD: the exact stationarity gap at x_K for each u.
# Regenerate: swift run -c release ch05  (ch05 --help lists the seed and flags)
# Render: gnuplot ch05-u-gap.gp  (writes ch05-u-gap.svg and ch05-u-gap.png beside this file)

$u_gap << EOD
# u gap
0.01 1.135685608e-06
0.1 5.089037913e-07
1 4.883181845e-07
10 4.96260529e-07
100 1.396599593e-06
EOD

$u_gap_zero << EOD
# u gap
0.005 1.387676885e-06
200 1.387676885e-06
EOD

set title 'u ablation, S = 5 polygon: the final stationarity gap'
set xlabel 'u (log scale; u = 0 as a line)'
set ylabel '𝒢(x_K)'
set logscale x
set logscale y
set format x '10^{%L}'
set format y '10^{%L}'
set xrange [0.005:200]
set key top left box opaque Left reverse
set grid lc rgb '#dddddd'
set border lw 1.5
set terminal svg size 800,600 enhanced font 'DejaVu Sans,12' background rgb 'white'
set output 'ch05-u-gap.svg'
plot $u_gap using 1:2 with linespoints lc rgb '#0072B2' lw 2 dt 1 pt 7 ps 1 title 'u > 0', \
     $u_gap_zero using 1:2 with lines lc rgb '#0072B2' lw 2 dt 2 title 'u = 0 (preference-scaled MGDA)'
set terminal pngcairo size 1200,900 enhanced font 'DejaVu Sans,15' background rgb 'white'
set output 'ch05-u-gap.png'
replot
unset output
