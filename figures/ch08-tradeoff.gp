# Chapter 8 — Data hyper-cleaning: the final validation losses; WC-MHGD's preference sweep as a curve.
# Regenerate: swift run -c release ch08  (ch08 --help lists the seed and flags)
# Render: gnuplot ch08-tradeoff.gp  (writes ch08-tradeoff.svg and ch08-tradeoff.png beside this file)

$sweep << EOD
# r1 loss_A loss_B
0.1 0.4163721448 0.04639969607
0.3 0.1685442484 0.07080524279
0.5 0.1117690091 0.110321815
0.7 0.07939327479 0.1830144157
0.9 0.05431112021 0.4855467261
EOD

$methods << EOD
# method loss_A loss_B
0 0.1211048222 0.09300157956


1 0.1117690091 0.110321815


2 0.09024357779 0.0500474041


3 0.1852690484 0.08580343399


4 0.1233070788 0.1014371477
EOD

$references << EOD
# reference loss_A loss_B
0 1.169397188 1.055548622


1 0.2217942075 0.1537534758
EOD

set title 'Validation losses of each method''s own model W_K (first seed, D = 8, K = 96)'
set xlabel 'f_A(W_K), validation loss of domain A'
set ylabel 'f_B(W_K), validation loss of domain B'
set logscale x
set logscale y
set format x '10^{%L}'
set format y '10^{%L}'
set key top right box opaque Left reverse
set grid lc rgb '#dddddd'
set border lw 1.5
set terminal svg size 800,600 enhanced font 'DejaVu Sans,12' background rgb 'white'
set output 'ch08-tradeoff.svg'
plot $sweep using 2:3 with linespoints lc rgb '#0072B2' lw 2 dt 1 pt 7 ps 1 title 'WC-MHGD, r_A = 0.1 … 0.9', \
     $methods index 0 using 2:3 with points lc rgb '#E69F00' pt 7 ps 2 title 'AID, summed', \
     $methods index 1 using 2:3 with points lc rgb '#009E73' pt 7 ps 2 title 'WC-MHGD', \
     $methods index 2 using 2:3 with points lc rgb '#CC79A7' pt 7 ps 2 title 'FORUM', \
     $methods index 3 using 2:3 with points lc rgb '#D55E00' pt 7 ps 2 title 'MOML', \
     $methods index 4 using 2:3 with points lc rgb '#56B4E9' pt 7 ps 2 title 'MoCo', \
     $references index 0 using 2:3 with points lc rgb '#000000' pt 2 ps 2.5 title 'uniform weights, noisy labels', \
     $references index 1 using 2:3 with points lc rgb '#000000' pt 1 ps 2.5 title 'clean samples only'
set terminal pngcairo size 1200,900 enhanced font 'DejaVu Sans,15' background rgb 'white'
set output 'ch08-tradeoff.png'
replot
unset output
