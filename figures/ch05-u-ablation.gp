# Chapter 5 — WC-MHGD: final gap, Chebyshev value and objectives for each u ($u_ablation; its u = 0 row is data set 0).
# Regenerate: swift run -c release ch05  (ch05 --help lists the seed and flags)
# Render: gnuplot ch05-u-ablation.gp  (writes ch05-u-ablation.svg and ch05-u-ablation.png beside this file)

$excess << EOD
# u excess
0.01 6.805751357e-06
0.1 3.224425442e-06
1 3.0956653e-06
10 9.174310924e-06
100 6.440947848e-05
EOD

$u_zero << EOD
# u excess
0.005 0.4034665594
200 0.4034665594
EOD

$u_ablation << EOD
# u gap chebyshev f1 f2 f3 f4 f5
0 1.387676885e-06 0.4503922627 0.5629903284 0.6478578972 0.7029981313 0.6682405956 0.5788010913


0.01 1.135685608e-06 0.04693250908 0.05866563636 0.6681572535 0.9385864264 0.9385867259 0.668159872
0.1 5.089037913e-07 0.04692892776 0.0586611597 0.6680871944 0.9385527219 0.9385528813 0.6680885878
1 4.883181845e-07 0.046928799 0.05866099875 0.6680847615 0.9385515496 0.9385517027 0.6680861003
10 4.96260529e-07 0.04693487764 0.05866859706 0.6681366422 0.93855497 0.9385421905 0.6680249549
100 1.396599593e-06 0.04699011281 0.05579880735 0.6697266829 0.9397407754 0.9398022562 0.6702717379
EOD

set title 'u ablation, S = 5 polygon, r = (0.8, 0.05, 0.05, 0.05, 0.05)'
set xlabel 'u (log scale; u = 0 as a line)'
set ylabel '𝒯_r(x_K) − 𝒯_r(x_r^*)'
set logscale x
set logscale y
set format x '10^{%L}'
set format y '10^{%L}'
set key center right box opaque Left reverse
set grid lc rgb '#dddddd'
set border lw 1.5
set terminal svg size 800,600 enhanced font 'DejaVu Sans,12' background rgb 'white'
set output 'ch05-u-ablation.svg'
plot $excess using 1:2 with linespoints lc rgb '#0072B2' lw 2 dt 1 pt 7 ps 1 title 'u > 0', \
     $u_zero using 1:2 with lines lc rgb '#0072B2' lw 2 dt 2 title 'u = 0 (preference-scaled MGDA)'
set terminal pngcairo size 1200,900 enhanced font 'DejaVu Sans,15' background rgb 'white'
set output 'ch05-u-ablation.png'
replot
unset output
