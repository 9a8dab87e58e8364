# Chapter 8 — Data hyper-cleaning on MNIST + Fashion-MNIST: time (not deterministic) and memory per outer step.
# Regenerate: swift run -c release ch08 --data DIR  (ch08 --help lists the seed and flags)
# Render: gnuplot ch08-real-cost.gp  (writes ch08-real-cost.svg and ch08-real-cost.png beside this file)

$time << EOD
# D ms_per_step
16 151.1498651
32 220.2136325
64 342.5161282
128 595.2992608


16 164.4819521
32 215.0883673
64 356.5077484
128 605.4782191


16 83.09178482
32 141.1195877
64 287.09622
128 511.3621749


16 239.2920317
32 479.8194853
64 972.2433003
128 2063.750702


16 151.1892042
32 217.0872865
64 343.4726862
128 601.4849303
EOD

$memory << EOD
# D memory_kib
16 429.296875
32 429.296875
64 429.296875
128 429.296875


16 429.296875
32 429.296875
64 429.296875
128 429.296875


16 367.96875
32 367.96875
64 367.96875
128 367.96875


16 1165.234375
32 2146.484375
64 4108.984375
128 8033.984375


16 429.296875
32 429.296875
64 429.296875
128 429.296875
EOD

set terminal svg size 800,440 enhanced font 'DejaVu Sans,12' background rgb 'white'
set output 'ch08-real-cost.svg'
set multiplot layout 1,2 title 'Cost of one outer step against D (FORUM''s Figure 1, measured)'
reset
set title 'Time'
set xlabel 'inner steps D'
set ylabel 'wall time per outer step (ms)'
set logscale x
set logscale y
set format y '10^{%L}'
set xrange [13.33333333:153.6]
set xtics (16, 32, 64, 128)
set key bmargin center horizontal box opaque Left reverse
set grid lc rgb '#dddddd'
set border lw 1.5
plot $time index 0 using 1:2 with linespoints lc rgb '#0072B2' lw 2 dt 1 pt 7 ps 1 title 'AID, summed', \
     $time index 1 using 1:2 with linespoints lc rgb '#E69F00' lw 2 dt 1 pt 5 ps 1 title 'WC-MHGD', \
     $time index 2 using 1:2 with linespoints lc rgb '#009E73' lw 2 dt 1 pt 9 ps 1 title 'FORUM', \
     $time index 3 using 1:2 with linespoints lc rgb '#CC79A7' lw 2 dt 1 pt 13 ps 1 title 'MOML', \
     $time index 4 using 1:2 with linespoints lc rgb '#D55E00' lw 2 dt 1 pt 11 ps 1 title 'MoCo'
reset
set title 'Memory (length-p vectors × 8 bytes)'
set xlabel 'inner steps D'
set ylabel 'peak memory (KiB)'
set logscale x
set logscale y
set format y '10^{%L}'
set xrange [13.33333333:153.6]
set xtics (16, 32, 64, 128)
unset key
set grid lc rgb '#dddddd'
set border lw 1.5
plot $memory index 0 using 1:2 with linespoints lc rgb '#0072B2' lw 2 dt 1 pt 7 ps 1 title 'AID, summed', \
     $memory index 1 using 1:2 with linespoints lc rgb '#E69F00' lw 2 dt 1 pt 5 ps 1 title 'WC-MHGD', \
     $memory index 2 using 1:2 with linespoints lc rgb '#009E73' lw 2 dt 1 pt 9 ps 1 title 'FORUM', \
     $memory index 3 using 1:2 with linespoints lc rgb '#CC79A7' lw 2 dt 1 pt 13 ps 1 title 'MOML', \
     $memory index 4 using 1:2 with linespoints lc rgb '#D55E00' lw 2 dt 1 pt 11 ps 1 title 'MoCo'
unset multiplot
set terminal pngcairo size 1200,660 enhanced font 'DejaVu Sans,15' background rgb 'white'
set output 'ch08-real-cost.png'
set multiplot layout 1,2 title 'Cost of one outer step against D (FORUM''s Figure 1, measured)'
reset
set title 'Time'
set xlabel 'inner steps D'
set ylabel 'wall time per outer step (ms)'
set logscale x
set logscale y
set format y '10^{%L}'
set xrange [13.33333333:153.6]
set xtics (16, 32, 64, 128)
set key bmargin center horizontal box opaque Left reverse
set grid lc rgb '#dddddd'
set border lw 1.5
plot $time index 0 using 1:2 with linespoints lc rgb '#0072B2' lw 2 dt 1 pt 7 ps 1 title 'AID, summed', \
     $time index 1 using 1:2 with linespoints lc rgb '#E69F00' lw 2 dt 1 pt 5 ps 1 title 'WC-MHGD', \
     $time index 2 using 1:2 with linespoints lc rgb '#009E73' lw 2 dt 1 pt 9 ps 1 title 'FORUM', \
     $time index 3 using 1:2 with linespoints lc rgb '#CC79A7' lw 2 dt 1 pt 13 ps 1 title 'MOML', \
     $time index 4 using 1:2 with linespoints lc rgb '#D55E00' lw 2 dt 1 pt 11 ps 1 title 'MoCo'
reset
set title 'Memory (length-p vectors × 8 bytes)'
set xlabel 'inner steps D'
set ylabel 'peak memory (KiB)'
set logscale x
set logscale y
set format y '10^{%L}'
set xrange [13.33333333:153.6]
set xtics (16, 32, 64, 128)
unset key
set grid lc rgb '#dddddd'
set border lw 1.5
plot $memory index 0 using 1:2 with linespoints lc rgb '#0072B2' lw 2 dt 1 pt 7 ps 1 title 'AID, summed', \
     $memory index 1 using 1:2 with linespoints lc rgb '#E69F00' lw 2 dt 1 pt 5 ps 1 title 'WC-MHGD', \
     $memory index 2 using 1:2 with linespoints lc rgb '#009E73' lw 2 dt 1 pt 9 ps 1 title 'FORUM', \
     $memory index 3 using 1:2 with linespoints lc rgb '#CC79A7' lw 2 dt 1 pt 13 ps 1 title 'MOML', \
     $memory index 4 using 1:2 with linespoints lc rgb '#D55E00' lw 2 dt 1 pt 11 ps 1 title 'MoCo'
unset multiplot
unset output
