# Chapter 8 — Data hyper-cleaning: the final validation losses; WC-MHGD's preference sweep as a curve.
# Regenerate: swift run -c release ch08 --data DIR --outer-steps 60 --seeds 3  (ch08 --help lists the seed and flags)
# Render: gnuplot ch08-real-tradeoff.gp  (writes ch08-real-tradeoff.svg and ch08-real-tradeoff.png beside this file)

$sweep << EOD
# r1 loss_A loss_B
0.1 1.747270285 0.7249741358
0.3 1.682936657 0.7274827726
0.5 0.8263289585 0.8212420907
0.7 0.6400807988 1.494154579
0.9 0.6320972342 1.677988607
EOD

$methods << EOD
# method loss_A loss_B
0 0.7476768257 0.8590599264


2 1.138020454 1.225439546


3 0.730068397 1.107139951


4 0.7474080243 0.8564498203
EOD

$references << EOD
# reference loss_A loss_B
0 1.260447106 1.339630762


1 0.5943715123 0.7571039609
EOD

set title 'Validation losses of every method''s final model (T = 16, K = 60)'
set xlabel 'f_A (validation loss, domain mnist)'
set ylabel 'f_B (validation loss, domain fashion-mnist)'
set key center right box opaque Left reverse
set grid lc rgb '#dddddd'
set border lw 1.5
set terminal svg size 800,600 enhanced font 'DejaVu Sans,12' background rgb 'white'
set output 'ch08-real-tradeoff.svg'
plot $sweep using 2:3 with linespoints lc rgb '#0072B2' lw 2 dt 1 pt 7 ps 1 title 'WC-MHGD, r_A = 0.1 … 0.9', \
     $methods index 0 using 2:3 with points lc rgb '#56B4E9' pt 7 ps 2 title 'AID, summed', \
     $methods index 1 using 2:3 with points lc rgb '#009E73' pt 7 ps 2 title 'FORUM', \
     $methods index 2 using 2:3 with points lc rgb '#CC79A7' pt 7 ps 2 title 'MOML', \
     $methods index 3 using 2:3 with points lc rgb '#D55E00' pt 7 ps 2 title 'MoCo', \
     $references index 0 using 2:3 with points lc rgb '#000000' pt 2 ps 2.5 title 'uniform weights, noisy labels', \
     $references index 1 using 2:3 with points lc rgb '#000000' pt 1 ps 2.5 title 'clean samples only'
set terminal pngcairo size 1200,900 enhanced font 'DejaVu Sans,15' background rgb 'white'
set output 'ch08-real-tradeoff.png'
replot
unset output
