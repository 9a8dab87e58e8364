# Chapter 10 — Choosing a method: the chapters' saved comparison rows; one data set per method (index as in the key); columns problem and method are the labels of CourseProblem and CourseMethod (0-based).
# Regenerate: swift run -c release ch10  (ch10 --help lists the seed and flags)
# Render: gnuplot ch10-gap-calls.gp  (writes ch10-gap-calls.svg and ch10-gap-calls.png beside this file)

$gap_calls << EOD
# problem method calls gap
0 0 389982 2.696301922e-33
1 0 194959 9.74457043e-07
3 0 2240 4.062958963e-07
4 0 1378 2.780395061e-08
5 0 3235 0.000468235852


0 1 390000 4.477787121e-33
1 1 194956 5.144296733e-06
3 1 2244 2.998061561e-06
4 1 1344 4.842239069e-06
5 1 3174 0.001877287494


2 2 46000 1.024770887e-05
5 2 3200 0.001735545869


0 3 390000 3.920360399e-15
1 3 194985 4.093033929e-08
3 3 2250 1.616008661e-05
4 3 1380 2.134783478e-05
5 3 3230 0.0176920626


0 4 389934 7.488528525e-21
1 4 194922 1.862882206e-10
3 4 2226 3.13916044e-06
4 4 1312 3.612118608e-06
5 4 3234 0.00047164567


0 5 389982 7.053718421e-33
1 5 194959 8.347326401e-24
3 5 2240 7.782002735e-08
4 5 1378 1.324134272e-08
5 5 3235 0.0004041442422


0 6 389982 1.588892204e-33
1 6 194959 1.041648058e-24
3 6 2240 5.890697406e-07
4 6 1378 1.063708995e-08
5 6 3235 0.000333167864


0 7 389982 4.854541524e-31
1 7 194959 4.762203913e-32
3 7 2240 8.800959393e-08
4 7 1378 1.386625068e-08
5 7 3235 0.0003691348209
EOD

set title 'Final stationarity gap against oracle calls, every method on every problem'
set xlabel 'oracle calls (∇f, ∇g, ∇²_{yy}g·v, ∇²_{xy}g·v)'
set ylabel 'final gap min_λ ‖Σ λ_s ∇Φ_s(x_K)‖²'
set logscale x
set logscale y
set format x '10^{%L}'
set format y '10^{%L}'
set key outside right top box opaque Left reverse
set grid lc rgb '#dddddd'
set border lw 1.5
set terminal svg size 800,600 enhanced font 'DejaVu Sans,12' background rgb 'white'
set output 'ch10-gap-calls.svg'
plot $gap_calls index 0 using 3:4 with points lc rgb '#0072B2' pt 7 ps 1.5 title 'WC-MHGD (CG)', \
     $gap_calls index 1 using 3:4 with points lc rgb '#E69F00' pt 5 ps 1.5 title 'WC-MHGD (Neumann)', \
     $gap_calls index 2 using 3:4 with points lc rgb '#009E73' pt 9 ps 1.5 title 'stochastic WC-MHGD', \
     $gap_calls index 3 using 3:4 with points lc rgb '#CC79A7' pt 11 ps 1.5 title 'FORUM', \
     $gap_calls index 4 using 3:4 with points lc rgb '#D55E00' pt 13 ps 1.5 title 'MOML', \
     $gap_calls index 5 using 3:4 with points lc rgb '#56B4E9' pt 4 ps 1.5 title 'MoCo', \
     $gap_calls index 6 using 3:4 with points lc rgb '#F0E442' pt 6 ps 1.5 title 'MGDA', \
     $gap_calls index 7 using 3:4 with points lc rgb '#000000' pt 8 ps 1.5 title 'linear scalarization'
set terminal pngcairo size 1200,900 enhanced font 'DejaVu Sans,15' background rgb 'white'
set output 'ch10-gap-calls.png'
replot
unset output
