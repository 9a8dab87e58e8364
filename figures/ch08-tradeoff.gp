# Chapter 8 — Data hyper-cleaning: the final validation losses; WC-MHGD's preference sweep as a curve.
# Regenerate: swift run -c release ch08  (ch08 --help lists the seed and flags)
# Render: gnuplot ch08-tradeoff.gp  (writes ch08-tradeoff.svg and ch08-tradeoff.png beside this file)

$sweep << EOD
# r1 loss_A loss_B
0.1 0.5617701689 0.06335209328
0.3 0.210855809 0.08979567295
0.5 0.1326111951 0.1335699215
0.7 0.1084333202 0.2540769012
0.9 0.06722755308 0.6011020969
EOD

$methods << EOD
# method loss_A loss_B
0 0.1204426661 0.1002879784


2 0.1615253773 0.1024227904


3 0.2144074481 0.08417786218


4 0.1403519722 0.1242946803
EOD

$references << EOD
# reference loss_A loss_B
0 1.169397194 1.055548604


1 0.2217942 0.1537534523
EOD

set title 'Validation losses of every method''s final model (T = 8, K = 150)'
set xlabel 'f_A (validation loss, domain A)'
set ylabel 'f_B (validation loss, domain B)'
set key center right box opaque Left reverse
set grid lc rgb '#dddddd'
set border lw 1.5
set terminal svg size 800,600 enhanced font 'DejaVu Sans,12' background rgb 'white'
set output 'ch08-tradeoff.svg'
plot $sweep using 2:3 with linespoints lc rgb '#0072B2' lw 2 dt 1 pt 7 ps 1 title 'WC-MHGD, r_A = 0.1 … 0.9', \
     $methods index 0 using 2:3 with points lc rgb '#56B4E9' pt 7 ps 2 title 'AID, summed', \
     $methods index 1 using 2:3 with points lc rgb '#009E73' pt 7 ps 2 title 'FORUM', \
     $methods index 2 using 2:3 with points lc rgb '#CC79A7' pt 7 ps 2 title 'MOML', \
     $methods index 3 using 2:3 with points lc rgb '#D55E00' pt 7 ps 2 title 'MoCo', \
     $references index 0 using 2:3 with points lc rgb '#000000' pt 2 ps 2.5 title 'uniform weights, noisy labels', \
     $references index 1 using 2:3 with points lc rgb '#000000' pt 1 ps 2.5 title 'clean samples only'
set terminal pngcairo size 1200,900 enhanced font 'DejaVu Sans,15' background rgb 'white'
set output 'ch08-tradeoff.png'
replot
unset output
