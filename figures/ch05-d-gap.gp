# Chapter 5 — WC-MHGD: gaps at x_K; a cold end on VLMOP2's flat tail is drawn apart.
# Regenerate: swift run -c release ch05  (ch05 --help lists the seed and flags)
# Render: gnuplot ch05-d-gap.gp  (writes ch05-d-gap.svg and ch05-d-gap.png beside this file)

$d_ends << EOD
# D gap_warm gap_cold distance_cold surrogate_cold pareto_cold flat_tail
1 3.398038607e-12 3.202732884e-07 0.4690875184 1.143091427e-05 1.258296988 1
2 3.29983528e-12 0.001525645021 0.23281091 1.005691632e-05 0.4485118427 0
4 3.248597474e-12 0.001152923624 0.2173637855 1.380301762e-06 0.1969337946 0
8 3.224991888e-12 0.0001744294213 0.09303364906 7.930578607e-07 0.07277255564 0
16 3.216766122e-12 1.738186036e-05 0.02328397785 2.372289333e-07 0.01843433168 0
32 3.214956518e-12 3.383965808e-07 0.002175992967 2.323236306e-08 0.00194494332 0
EOD

$gap_cold_off_tail << EOD
# D gap
2 0.001525645021
4 0.001152923624
8 0.0001744294213
16 1.738186036e-05
32 3.383965808e-07
EOD

$gap_cold_flat_tail << EOD
# D gap
1 3.202732884e-07
EOD

set title 'D ablation: the final stationarity gap, warm vs cold (S = 2, r = (0.3, 0.7))'
set xlabel 'inner steps D'
set ylabel '𝒢(x_K)'
set logscale x
set logscale y
set format x '10^{%L}'
set format y '10^{%L}'
set xrange [0.7:64]
set key top right box opaque Left reverse
set grid lc rgb '#dddddd'
set border lw 1.5
set terminal svg size 800,600 enhanced font 'DejaVu Sans,12' background rgb 'white'
set output 'ch05-d-gap.svg'
plot $d_ends using 1:2 with linespoints lc rgb '#0072B2' lw 2 dt 1 pt 7 ps 1 title 'warm', \
     $gap_cold_off_tail using 1:2 with linespoints lc rgb '#0072B2' lw 2 dt 2 pt 6 ps 1 title 'cold', \
     $gap_cold_flat_tail using 1:2 with points lc rgb '#d62728' pt 2 ps 2.5 title 'cold, ended on the flat tail (not stationary)'
set terminal pngcairo size 1200,900 enhanced font 'DejaVu Sans,15' background rgb 'white'
set output 'ch05-d-gap.png'
replot
unset output
