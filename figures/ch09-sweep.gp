# Chapter 9 — Multi-objective meta-learning: the preference sweep; each family's loss should dip where it is favoured.
# Regenerate: swift run -c release ch09  (ch09 --help lists the seed and flags)
# Render: gnuplot ch09-sweep.gp  (writes ch09-sweep.svg and ch09-sweep.png beside this file)

$sweep << EOD
# preference test_1 test_2 test_3 test_4 test_5 train_1 train_2 train_3 train_4 train_5 chebyshev active misalignment gap
0 0.2741263975 0.3877705976 0.1893607158 0.2629997249 0.2763035442 0.2793771808 0.2688462309 0.1703752257 0.2723479606 0.2688204702 0.05587543616 0 0.3901605521 0.0004568209553
1 0.09258282681 0.5421625503 0.4196078045 0.2486041119 0.408449877 0.05740058261 0.8501713997 0.365228548 0.4320162861 0.415914653 0.04592046609 0 0.6023248683 0.000468235852
2 0.7133361766 0.130227156 0.4561633597 1.069687077 0.6750869157 0.6751417398 0.06440918785 0.6088024065 0.8708152385 0.9628064506 0.05152735028 1 0.4092434375 0.000601262009
3 0.4081755248 0.4487944338 0.03838983755 0.4311555894 0.1828553478 0.4613863784 0.4738558223 0.02857837865 0.4518549161 0.1678583322 0.02369279111 1 0.6457607477 0.0004657973717
4 0.3800812011 0.4473166371 0.1554532911 0.05375492994 0.216102187 0.5568965224 0.6234857005 0.1452485744 0.03927446885 0.3639509089 0.03141957508 3 0.7688565584 0.0003113719656
5 0.2522937647 0.4613813962 0.143670062 0.5277282073 0.08850611461 0.3771777232 0.6176308894 0.1187151506 0.6340162551 0.03953375465 0.03170081276 3 0.8127569292 0.0001300605603
EOD

set title 'Per-family meta-test loss under each preference (WC-MHGD, K = 60)'
set xlabel 'preference: 0 = uniform, s = r_s of 0.8 on family s'
set ylabel 'meta-test query loss'
set xrange [-0.3:5.3]
set xtics (0, 1, 2, 3, 4, 5)
set key top left box opaque Left reverse
set grid lc rgb '#dddddd'
set border lw 1.5
set terminal svg size 800,600 enhanced font 'DejaVu Sans,12' background rgb 'white'
set output 'ch09-sweep.svg'
plot $sweep using 1:2 with linespoints lc rgb '#0072B2' lw 2 dt 1 pt 7 ps 1 title 'slow sine', \
     $sweep using 1:3 with linespoints lc rgb '#E69F00' lw 2 dt 1 pt 5 ps 1 title 'fast sine', \
     $sweep using 1:4 with linespoints lc rgb '#009E73' lw 2 dt 1 pt 9 ps 1 title 'line', \
     $sweep using 1:5 with linespoints lc rgb '#CC79A7' lw 2 dt 1 pt 13 ps 1 title 'kink |a−a₀|', \
     $sweep using 1:6 with linespoints lc rgb '#D55E00' lw 2 dt 1 pt 11 ps 1 title 'step tanh'
set terminal pngcairo size 1200,900 enhanced font 'DejaVu Sans,15' background rgb 'white'
set output 'ch09-sweep.png'
replot
unset output
