# Chapter 10 — Choosing a method: the final gap of each (problem, method) row; median over seeds with the range; filled: ranked (converged by rule 10.2), open: not ranked.
# Regenerate: swift run -c release ch10  (ch10 --help lists the seed and flags)
# Render: gnuplot ch10-gap-calls.gp  (writes ch10-gap-calls.svg and ch10-gap-calls.png beside this file)

$gap_0_ranked << EOD
# x median low high
0 2.696301922e-33 2.696301922e-33 2.696301922e-33
1 4.477787121e-33 4.477787121e-33 4.477787121e-33
4 7.053718421e-33 7.053718421e-33 7.053718421e-33
5 1.588892204e-33 1.588892204e-33 1.588892204e-33
6 4.854541524e-31 4.854541524e-31 4.854541524e-31
EOD

$gap_0_other << EOD
# x median low high
2 3.920360399e-15 3.920360399e-15 3.920360399e-15
3 7.488528525e-21 7.488528525e-21 7.488528525e-21
EOD

$gap_1_ranked << EOD
# x median low high
6 4.762203913e-32 4.762203913e-32 4.762203913e-32
EOD

$gap_1_other << EOD
# x median low high
0 9.74457043e-07 9.74457043e-07 9.74457043e-07
1 5.144296733e-06 5.144296733e-06 5.144296733e-06
2 4.093033929e-08 4.093033929e-08 4.093033929e-08
3 1.862882206e-10 1.862882206e-10 1.862882206e-10
4 8.347326401e-24 8.347326401e-24 8.347326401e-24
5 1.041648058e-24 1.041648058e-24 1.041648058e-24
EOD

$gap_2_ranked << EOD
# x median low high
0 4.246844528e-06 1.333857064e-06 1.024770887e-05
EOD

$gap_3_other << EOD
# x median low high
0 7.010330738e-07 5.413898799e-07 1.422114114e-06
1 5.894938984e-06 3.004017229e-06 1.007677876e-05
2 4.921420611e-06 1.549342583e-06 2.177304208e-05
3 5.807620386e-06 2.734311704e-06 2.414821919e-05
4 2.780248834e-07 1.22056849e-07 9.283947533e-07
5 2.760160904e-07 1.937250943e-07 3.873467323e-06
6 3.739331856e-07 1.807711989e-07 7.500710508e-07
EOD

$gap_4_ranked << EOD
# x median low high
1 1.607250186e-06 1.470244284e-06 1.617746551e-06
2 7.711291327e-06 7.516919354e-06 8.154017933e-06
3 4.769080554e-07 4.513728246e-07 4.792312759e-07
EOD

$gap_4_other << EOD
# x median low high
0 2.560424978e-08 2.530692641e-08 2.786077798e-08
4 1.080026855e-08 1.034312012e-08 1.249579358e-08
5 3.038007551e-08 2.81779941e-08 3.04179255e-08
6 3.079200607e-08 2.894501888e-08 3.134215575e-08
EOD

$gap_5_ranked << EOD
# x median low high
0 0.0002814769535 5.280360141e-05 0.000468235852
1 0.0008364274397 0.0001150105819 0.001877287494
2 0.0005058092271 0.0001694153309 0.001735545869
3 0.01413106361 0.00277413632 0.0294317137
7 9.216331138e-05 6.959254555e-05 0.0003691348209
EOD

$gap_5_other << EOD
# x median low high
4 0.000509287504 0.0004635260998 0.001087239476
5 0.0002967310557 0.0001593553513 0.0005141013311
6 0.0002419775209 0.000161459397 0.0003884078827
EOD

set terminal svg size 800,1300 enhanced font 'DejaVu Sans,12' background rgb 'white'
set output 'ch10-gap-calls.svg'
set multiplot layout 6,1 title 'Final stationarity gap per method, one panel per problem (same budget within a panel)'
reset
set title 'toy S=2 (VLMOP2)'
set xlabel ''
set ylabel 'final gap 𝒢(x_K)'
set logscale y
set format y '10^{%L}'
set xrange [-0.5:6.5]
set xtics ('WC (CG)' 0, 'WC (Neu)' 1, 'FORUM' 2, 'MOML' 3, 'MoCo' 4, 'MGDA' 5, 'linear' 6)
set yrange [1.588892204e-34:3.920360399e-14]
unset key
set grid lc rgb '#dddddd'
set border lw 1.5
plot $gap_0_ranked using 1:2:3:4 with yerrorbars lc rgb '#0072B2' pt 7 ps 1.5 notitle, \
     $gap_0_other using 1:2:3:4 with yerrorbars lc rgb '#0072B2' pt 6 ps 1.5 notitle
reset
set title 'toy S=5 (pentagon)'
set xlabel ''
set ylabel 'final gap 𝒢(x_K)'
set logscale y
set format y '10^{%L}'
set xrange [-0.5:6.5]
set xtics ('WC (CG)' 0, 'WC (Neu)' 1, 'FORUM' 2, 'MOML' 3, 'MoCo' 4, 'MGDA' 5, 'linear' 6)
set yrange [4.762203913e-33:5.144296733e-05]
unset key
set grid lc rgb '#dddddd'
set border lw 1.5
plot $gap_1_ranked using 1:2:3:4 with yerrorbars lc rgb '#0072B2' pt 7 ps 1.5 notitle, \
     $gap_1_other using 1:2:3:4 with yerrorbars lc rgb '#0072B2' pt 6 ps 1.5 notitle
reset
set title 'finite-sum toy S=2'
set xlabel ''
set ylabel 'final gap 𝒢(x_K)'
set logscale y
set format y '10^{%L}'
set xrange [-0.5:0.5]
set xtics ('stoch WC' 0)
set yrange [1.333857064e-07:0.0001024770887]
unset key
set grid lc rgb '#dddddd'
set border lw 1.5
plot $gap_2_ranked using 1:2:3:4 with yerrorbars lc rgb '#0072B2' pt 7 ps 1.5 notitle
reset
set title 'hyper-cleaning, synthetic'
set xlabel ''
set ylabel 'final gap 𝒢(x_K)'
set logscale y
set format y '10^{%L}'
set xrange [-0.5:6.5]
set xtics ('WC (CG)' 0, 'WC (Neu)' 1, 'FORUM' 2, 'MOML' 3, 'MoCo' 4, 'MGDA' 5, 'linear' 6)
set yrange [1.22056849e-08:0.0002414821919]
unset key
set grid lc rgb '#dddddd'
set border lw 1.5
plot $gap_3_other using 1:2:3:4 with yerrorbars lc rgb '#0072B2' pt 6 ps 1.5 notitle
reset
set title 'hyper-cleaning, MNIST+Fashion'
set xlabel ''
set ylabel 'final gap 𝒢(x_K)'
set logscale y
set format y '10^{%L}'
set xrange [-0.5:6.5]
set xtics ('WC (CG)' 0, 'WC (Neu)' 1, 'FORUM' 2, 'MOML' 3, 'MoCo' 4, 'MGDA' 5, 'linear' 6)
set yrange [1.034312012e-09:8.154017933e-05]
unset key
set grid lc rgb '#dddddd'
set border lw 1.5
plot $gap_4_ranked using 1:2:3:4 with yerrorbars lc rgb '#0072B2' pt 7 ps 1.5 notitle, \
     $gap_4_other using 1:2:3:4 with yerrorbars lc rgb '#0072B2' pt 6 ps 1.5 notitle
reset
set title 'meta-learning, 5 families'
set xlabel ''
set ylabel 'final gap 𝒢(x_K)'
set logscale y
set format y '10^{%L}'
set xrange [-0.5:7.5]
set xtics ('WC (CG)' 0, 'WC (Neu)' 1, 'stoch WC' 2, 'FORUM' 3, 'MOML' 4, 'MoCo' 5, 'MGDA' 6, 'linear' 7)
set yrange [5.280360141e-06:0.294317137]
unset key
set grid lc rgb '#dddddd'
set border lw 1.5
plot $gap_5_ranked using 1:2:3:4 with yerrorbars lc rgb '#0072B2' pt 7 ps 1.5 notitle, \
     $gap_5_other using 1:2:3:4 with yerrorbars lc rgb '#0072B2' pt 6 ps 1.5 notitle
unset multiplot
set terminal pngcairo size 1200,1950 enhanced font 'DejaVu Sans,15' background rgb 'white'
set output 'ch10-gap-calls.png'
set multiplot layout 6,1 title 'Final stationarity gap per method, one panel per problem (same budget within a panel)'
reset
set title 'toy S=2 (VLMOP2)'
set xlabel ''
set ylabel 'final gap 𝒢(x_K)'
set logscale y
set format y '10^{%L}'
set xrange [-0.5:6.5]
set xtics ('WC (CG)' 0, 'WC (Neu)' 1, 'FORUM' 2, 'MOML' 3, 'MoCo' 4, 'MGDA' 5, 'linear' 6)
set yrange [1.588892204e-34:3.920360399e-14]
unset key
set grid lc rgb '#dddddd'
set border lw 1.5
plot $gap_0_ranked using 1:2:3:4 with yerrorbars lc rgb '#0072B2' pt 7 ps 1.5 notitle, \
     $gap_0_other using 1:2:3:4 with yerrorbars lc rgb '#0072B2' pt 6 ps 1.5 notitle
reset
set title 'toy S=5 (pentagon)'
set xlabel ''
set ylabel 'final gap 𝒢(x_K)'
set logscale y
set format y '10^{%L}'
set xrange [-0.5:6.5]
set xtics ('WC (CG)' 0, 'WC (Neu)' 1, 'FORUM' 2, 'MOML' 3, 'MoCo' 4, 'MGDA' 5, 'linear' 6)
set yrange [4.762203913e-33:5.144296733e-05]
unset key
set grid lc rgb '#dddddd'
set border lw 1.5
plot $gap_1_ranked using 1:2:3:4 with yerrorbars lc rgb '#0072B2' pt 7 ps 1.5 notitle, \
     $gap_1_other using 1:2:3:4 with yerrorbars lc rgb '#0072B2' pt 6 ps 1.5 notitle
reset
set title 'finite-sum toy S=2'
set xlabel ''
set ylabel 'final gap 𝒢(x_K)'
set logscale y
set format y '10^{%L}'
set xrange [-0.5:0.5]
set xtics ('stoch WC' 0)
set yrange [1.333857064e-07:0.0001024770887]
unset key
set grid lc rgb '#dddddd'
set border lw 1.5
plot $gap_2_ranked using 1:2:3:4 with yerrorbars lc rgb '#0072B2' pt 7 ps 1.5 notitle
reset
set title 'hyper-cleaning, synthetic'
set xlabel ''
set ylabel 'final gap 𝒢(x_K)'
set logscale y
set format y '10^{%L}'
set xrange [-0.5:6.5]
set xtics ('WC (CG)' 0, 'WC (Neu)' 1, 'FORUM' 2, 'MOML' 3, 'MoCo' 4, 'MGDA' 5, 'linear' 6)
set yrange [1.22056849e-08:0.0002414821919]
unset key
set grid lc rgb '#dddddd'
set border lw 1.5
plot $gap_3_other using 1:2:3:4 with yerrorbars lc rgb '#0072B2' pt 6 ps 1.5 notitle
reset
set title 'hyper-cleaning, MNIST+Fashion'
set xlabel ''
set ylabel 'final gap 𝒢(x_K)'
set logscale y
set format y '10^{%L}'
set xrange [-0.5:6.5]
set xtics ('WC (CG)' 0, 'WC (Neu)' 1, 'FORUM' 2, 'MOML' 3, 'MoCo' 4, 'MGDA' 5, 'linear' 6)
set yrange [1.034312012e-09:8.154017933e-05]
unset key
set grid lc rgb '#dddddd'
set border lw 1.5
plot $gap_4_ranked using 1:2:3:4 with yerrorbars lc rgb '#0072B2' pt 7 ps 1.5 notitle, \
     $gap_4_other using 1:2:3:4 with yerrorbars lc rgb '#0072B2' pt 6 ps 1.5 notitle
reset
set title 'meta-learning, 5 families'
set xlabel ''
set ylabel 'final gap 𝒢(x_K)'
set logscale y
set format y '10^{%L}'
set xrange [-0.5:7.5]
set xtics ('WC (CG)' 0, 'WC (Neu)' 1, 'stoch WC' 2, 'FORUM' 3, 'MOML' 4, 'MoCo' 5, 'MGDA' 6, 'linear' 7)
set yrange [5.280360141e-06:0.294317137]
unset key
set grid lc rgb '#dddddd'
set border lw 1.5
plot $gap_5_ranked using 1:2:3:4 with yerrorbars lc rgb '#0072B2' pt 7 ps 1.5 notitle, \
     $gap_5_other using 1:2:3:4 with yerrorbars lc rgb '#0072B2' pt 6 ps 1.5 notitle
unset multiplot
unset output
