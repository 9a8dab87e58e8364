# Chapter 6 — Stochastic WC-MHGD: measured variance (points) and the first-order law V_h/B_eff (line), B < N.
# Regenerate: swift run -c release ch06  (ch06 --help lists the seed and flags)
# Render: gnuplot ch06-variance.gp  (writes ch06-variance.svg and ch06-variance.png beside this file)

$variance << EOD
# batch measured law
1 0.01669500961 0.01628963884
2 0.008949179731 0.00813666645
5 0.003202896031 0.003244883013
10 0.001537781136 0.001614288534
20 0.0008318945015 0.0007989912947
50 0.0002846658344 0.000309812951
100 0.0001400705439 0.0001467535031
200 6.307214473e-05 6.522377916e-05
EOD

set title 'Variance of the stochastic hypergradient against the batch size'
set xlabel 'batch size B'
set ylabel 'variance E‖ĥ₁ − E ĥ₁‖²'
set logscale x
set logscale y
set format x '10^{%L}'
set format y '10^{%L}'
set key top right box opaque Left reverse
set grid lc rgb '#dddddd'
set border lw 1.5
set terminal svg size 800,600 enhanced font 'DejaVu Sans,12' background rgb 'white'
set output 'ch06-variance.svg'
plot $variance using 1:3 with lines lc rgb '#777777' lw 2 dt 2 title 'law V_h/B_eff (6.5)', \
     $variance using 1:2 with points lc rgb '#0072B2' pt 7 ps 1 title 'measured (100 draws)'
set terminal pngcairo size 1200,900 enhanced font 'DejaVu Sans,15' background rgb 'white'
set output 'ch06-variance.png'
replot
unset output
