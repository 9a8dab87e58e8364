# Chapter 10 — Choosing a method: 𝒯_r(x_K) − 𝒯*_r of each row that saved 𝒯_r; median over seeds with the range; filled: ranked, open: not ranked.
# Regenerate: swift run -c release ch10  (ch10 --help lists the seed and flags)
# Render: gnuplot ch10-alignment.gp  (writes ch10-alignment.svg and ch10-alignment.png beside this file)

$excess_0_ranked << EOD
# x median low high
0 1e-17 1e-17 1e-17
1 1e-17 1e-17 1e-17
4 0.1304160945 0.1304160945 0.1304160945
5 0.09019864741 0.09019864741 0.09019864741
6 0.1731046723 0.1731046723 0.1731046723
EOD

$excess_0_other << EOD
# x median low high
2 0.1703821031 0.1703821031 0.1703821031
3 0.07835214039 0.07835214039 0.07835214039
EOD

$excess_1_ranked << EOD
# x median low high
6 0.001589346863 0.001589346863 0.001589346863
EOD

$excess_1_other << EOD
# x median low high
0 5.376485095e-06 5.376485095e-06 5.376485095e-06
1 1.973083652e-05 1.973083652e-05 1.973083652e-05
2 0.7003573181 0.7003573181 0.7003573181
3 0.4075720548 0.4075720548 0.4075720548
4 0.403164672 0.403164672 0.403164672
5 0.3971798813 0.3971798813 0.3971798813
EOD

$excess_2_ranked << EOD
# x median low high
0 0.0002873780363 0.0002191739713 0.0009291855593
EOD

$excess_3_other << EOD
# x median low high
0 0.02265249658 0.00135394414 0.04825767022
1 0.03459978595 0.01269041424 0.06435622492
2 0.03624511892 0.01340002508 0.06086969492
3 0.04719810102 0.02169627773 0.07688523292
4 0.02774821476 0.00358858912 0.06209520992
5 0.0251635402 1e-17 0.04344110912
6 0.02069521378 0.00256018283 0.04667446192
EOD

$excess_4_ranked << EOD
# x median low high
1 0.0594105621 0.052568955 0.0758426368
2 0.1554139935 0.1501090365 0.1675595024
3 0.1252780313 0.1179656257 0.1286865279
EOD

$excess_4_other << EOD
# x median low high
0 0.0009082476 1e-17 0.0172803326
4 0.0236141219 0.0189325908 0.0377653302
5 0.0122361964 0.0109754878 0.0256815432
6 0.0242027218 0.0191635757 0.0380180868
EOD

$excess_5_ranked << EOD
# x median low high
0 1e-17 1e-17 0.002050652604
1 0.003059338308 0.0002680648991 0.005511088497
2 0.002865539746 1e-17 0.009944566088
3 0.23723125 0.1524560617 0.3329131407
7 0.0149575641 0.00269312561 0.01848355382
EOD

$excess_5_other << EOD
# x median low high
4 0.09126748102 0.03738428531 0.3068043518
5 0.05920244343 0.05212235525 0.1548612473
6 0.1258742666 0.0393099463 0.3471136691
EOD

set terminal svg size 800,1300 enhanced font 'DejaVu Sans,12' background rgb 'white'
set output 'ch10-alignment.svg'
set multiplot layout 6,1 title 'Excess Chebyshev value per method, one panel per problem'
reset
set title 'toy S=2 (VLMOP2)'
set xlabel ''
set ylabel '𝒯_r(x_K) − 𝒯*_r'
set logscale y
set format y '10^{%L}'
set xrange [-0.5:6.5]
set xtics ('WC (CG)' 0, 'WC (Neu)' 1, 'FORUM' 2, 'MOML' 3, 'MoCo' 4, 'MGDA' 5, 'linear' 6)
set yrange [1e-18:1.731046723]
unset key
set grid lc rgb '#dddddd'
set border lw 1.5
plot $excess_0_ranked using 1:2:3:4 with yerrorbars lc rgb '#0072B2' pt 7 ps 1.5 notitle, \
     $excess_0_other using 1:2:3:4 with yerrorbars lc rgb '#0072B2' pt 6 ps 1.5 notitle
reset
set title 'toy S=5 (pentagon)'
set xlabel ''
set ylabel '𝒯_r(x_K) − 𝒯*_r'
set logscale y
set format y '10^{%L}'
set xrange [-0.5:6.5]
set xtics ('WC (CG)' 0, 'WC (Neu)' 1, 'FORUM' 2, 'MOML' 3, 'MoCo' 4, 'MGDA' 5, 'linear' 6)
set yrange [5.376485095e-07:7.003573181]
unset key
set grid lc rgb '#dddddd'
set border lw 1.5
plot $excess_1_ranked using 1:2:3:4 with yerrorbars lc rgb '#0072B2' pt 7 ps 1.5 notitle, \
     $excess_1_other using 1:2:3:4 with yerrorbars lc rgb '#0072B2' pt 6 ps 1.5 notitle
reset
set title 'finite-sum toy S=2'
set xlabel ''
set ylabel '𝒯_r(x_K) − 𝒯*_r'
set logscale y
set format y '10^{%L}'
set xrange [-0.5:0.5]
set xtics ('stoch WC' 0)
set yrange [2.191739713e-05:0.009291855593]
unset key
set grid lc rgb '#dddddd'
set border lw 1.5
plot $excess_2_ranked using 1:2:3:4 with yerrorbars lc rgb '#0072B2' pt 7 ps 1.5 notitle
reset
set title 'hyper-cleaning, synthetic'
set xlabel ''
set ylabel '𝒯_r(x_K) − 𝒯*_r'
set logscale y
set format y '10^{%L}'
set xrange [-0.5:6.5]
set xtics ('WC (CG)' 0, 'WC (Neu)' 1, 'FORUM' 2, 'MOML' 3, 'MoCo' 4, 'MGDA' 5, 'linear' 6)
set yrange [1e-18:0.7688523292]
unset key
set grid lc rgb '#dddddd'
set border lw 1.5
plot $excess_3_other using 1:2:3:4 with yerrorbars lc rgb '#0072B2' pt 6 ps 1.5 notitle
reset
set title 'hyper-cleaning, MNIST+Fashion'
set xlabel ''
set ylabel '𝒯_r(x_K) − 𝒯*_r'
set logscale y
set format y '10^{%L}'
set xrange [-0.5:6.5]
set xtics ('WC (CG)' 0, 'WC (Neu)' 1, 'FORUM' 2, 'MOML' 3, 'MoCo' 4, 'MGDA' 5, 'linear' 6)
set yrange [1e-18:1.675595024]
unset key
set grid lc rgb '#dddddd'
set border lw 1.5
plot $excess_4_ranked using 1:2:3:4 with yerrorbars lc rgb '#0072B2' pt 7 ps 1.5 notitle, \
     $excess_4_other using 1:2:3:4 with yerrorbars lc rgb '#0072B2' pt 6 ps 1.5 notitle
reset
set title 'meta-learning, 5 families'
set xlabel ''
set ylabel '𝒯_r(x_K) − 𝒯*_r'
set logscale y
set format y '10^{%L}'
set xrange [-0.5:7.5]
set xtics ('WC (CG)' 0, 'WC (Neu)' 1, 'stoch WC' 2, 'FORUM' 3, 'MOML' 4, 'MoCo' 5, 'MGDA' 6, 'linear' 7)
set yrange [1e-18:3.471136691]
unset key
set grid lc rgb '#dddddd'
set border lw 1.5
plot $excess_5_ranked using 1:2:3:4 with yerrorbars lc rgb '#0072B2' pt 7 ps 1.5 notitle, \
     $excess_5_other using 1:2:3:4 with yerrorbars lc rgb '#0072B2' pt 6 ps 1.5 notitle
unset multiplot
set terminal pngcairo size 1200,1950 enhanced font 'DejaVu Sans,15' background rgb 'white'
set output 'ch10-alignment.png'
set multiplot layout 6,1 title 'Excess Chebyshev value per method, one panel per problem'
reset
set title 'toy S=2 (VLMOP2)'
set xlabel ''
set ylabel '𝒯_r(x_K) − 𝒯*_r'
set logscale y
set format y '10^{%L}'
set xrange [-0.5:6.5]
set xtics ('WC (CG)' 0, 'WC (Neu)' 1, 'FORUM' 2, 'MOML' 3, 'MoCo' 4, 'MGDA' 5, 'linear' 6)
set yrange [1e-18:1.731046723]
unset key
set grid lc rgb '#dddddd'
set border lw 1.5
plot $excess_0_ranked using 1:2:3:4 with yerrorbars lc rgb '#0072B2' pt 7 ps 1.5 notitle, \
     $excess_0_other using 1:2:3:4 with yerrorbars lc rgb '#0072B2' pt 6 ps 1.5 notitle
reset
set title 'toy S=5 (pentagon)'
set xlabel ''
set ylabel '𝒯_r(x_K) − 𝒯*_r'
set logscale y
set format y '10^{%L}'
set xrange [-0.5:6.5]
set xtics ('WC (CG)' 0, 'WC (Neu)' 1, 'FORUM' 2, 'MOML' 3, 'MoCo' 4, 'MGDA' 5, 'linear' 6)
set yrange [5.376485095e-07:7.003573181]
unset key
set grid lc rgb '#dddddd'
set border lw 1.5
plot $excess_1_ranked using 1:2:3:4 with yerrorbars lc rgb '#0072B2' pt 7 ps 1.5 notitle, \
     $excess_1_other using 1:2:3:4 with yerrorbars lc rgb '#0072B2' pt 6 ps 1.5 notitle
reset
set title 'finite-sum toy S=2'
set xlabel ''
set ylabel '𝒯_r(x_K) − 𝒯*_r'
set logscale y
set format y '10^{%L}'
set xrange [-0.5:0.5]
set xtics ('stoch WC' 0)
set yrange [2.191739713e-05:0.009291855593]
unset key
set grid lc rgb '#dddddd'
set border lw 1.5
plot $excess_2_ranked using 1:2:3:4 with yerrorbars lc rgb '#0072B2' pt 7 ps 1.5 notitle
reset
set title 'hyper-cleaning, synthetic'
set xlabel ''
set ylabel '𝒯_r(x_K) − 𝒯*_r'
set logscale y
set format y '10^{%L}'
set xrange [-0.5:6.5]
set xtics ('WC (CG)' 0, 'WC (Neu)' 1, 'FORUM' 2, 'MOML' 3, 'MoCo' 4, 'MGDA' 5, 'linear' 6)
set yrange [1e-18:0.7688523292]
unset key
set grid lc rgb '#dddddd'
set border lw 1.5
plot $excess_3_other using 1:2:3:4 with yerrorbars lc rgb '#0072B2' pt 6 ps 1.5 notitle
reset
set title 'hyper-cleaning, MNIST+Fashion'
set xlabel ''
set ylabel '𝒯_r(x_K) − 𝒯*_r'
set logscale y
set format y '10^{%L}'
set xrange [-0.5:6.5]
set xtics ('WC (CG)' 0, 'WC (Neu)' 1, 'FORUM' 2, 'MOML' 3, 'MoCo' 4, 'MGDA' 5, 'linear' 6)
set yrange [1e-18:1.675595024]
unset key
set grid lc rgb '#dddddd'
set border lw 1.5
plot $excess_4_ranked using 1:2:3:4 with yerrorbars lc rgb '#0072B2' pt 7 ps 1.5 notitle, \
     $excess_4_other using 1:2:3:4 with yerrorbars lc rgb '#0072B2' pt 6 ps 1.5 notitle
reset
set title 'meta-learning, 5 families'
set xlabel ''
set ylabel '𝒯_r(x_K) − 𝒯*_r'
set logscale y
set format y '10^{%L}'
set xrange [-0.5:7.5]
set xtics ('WC (CG)' 0, 'WC (Neu)' 1, 'stoch WC' 2, 'FORUM' 3, 'MOML' 4, 'MoCo' 5, 'MGDA' 6, 'linear' 7)
set yrange [1e-18:3.471136691]
unset key
set grid lc rgb '#dddddd'
set border lw 1.5
plot $excess_5_ranked using 1:2:3:4 with yerrorbars lc rgb '#0072B2' pt 7 ps 1.5 notitle, \
     $excess_5_other using 1:2:3:4 with yerrorbars lc rgb '#0072B2' pt 6 ps 1.5 notitle
unset multiplot
unset output
