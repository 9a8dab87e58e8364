# Chapter 8 — Data hyper-cleaning: the final validation losses; WC-MHGD's preference sweep as a curve.
# Regenerate: swift run -c release ch08 --data DIR  (ch08 --help lists the seed and flags)
# Render: gnuplot ch08-real-tradeoff.gp  (writes ch08-real-tradeoff.svg and ch08-real-tradeoff.png beside this file)

$sweep << EOD
# r1 loss_A loss_B
0.1 2.03509332 0.5457526664
0.3 1.302333141 0.5627967542
0.5 0.6559821278 0.6573827777
0.7 0.450536592 1.045137349
0.9 0.4131481515 1.891506663
EOD

$methods << EOD
# method loss_A loss_B
0 0.5572301793 0.7139036753


1 0.6559821278 0.6573827777


2 0.777820226 0.928495111


3 0.5188015049 0.8634710024


4 0.5531605869 0.7136363311
EOD

$references << EOD
# reference loss_A loss_B
0 1.260447101 1.339630763


1 0.5943715127 0.7571039731
EOD

set title 'Validation losses of each method''s own model W_K (first seed, D = 16, K = 56)'
set xlabel 'f_A(W_K), validation loss of domain mnist'
set ylabel 'f_B(W_K), validation loss of domain fashion-mnist'
set logscale x
set logscale y
set format x '10^{%L}'
set format y '10^{%L}'
set key top right box opaque Left reverse
set grid lc rgb '#dddddd'
set border lw 1.5
set terminal svg size 800,600 enhanced font 'DejaVu Sans,12' background rgb 'white'
set output 'ch08-real-tradeoff.svg'
plot $sweep using 2:3 with linespoints lc rgb '#0072B2' lw 2 dt 1 pt 7 ps 1 title 'WC-MHGD, r_A = 0.1 … 0.9', \
     $methods index 0 using 2:3 with points lc rgb '#E69F00' pt 7 ps 2 title 'AID, summed', \
     $methods index 1 using 2:3 with points lc rgb '#009E73' pt 7 ps 2 title 'WC-MHGD', \
     $methods index 2 using 2:3 with points lc rgb '#CC79A7' pt 7 ps 2 title 'FORUM', \
     $methods index 3 using 2:3 with points lc rgb '#D55E00' pt 7 ps 2 title 'MOML', \
     $methods index 4 using 2:3 with points lc rgb '#56B4E9' pt 7 ps 2 title 'MoCo', \
     $references index 0 using 2:3 with points lc rgb '#000000' pt 2 ps 2.5 title 'uniform weights, noisy labels', \
     $references index 1 using 2:3 with points lc rgb '#000000' pt 1 ps 2.5 title 'clean samples only'
set terminal pngcairo size 1200,900 enhanced font 'DejaVu Sans,15' background rgb 'white'
set output 'ch08-real-tradeoff.png'
replot
unset output
