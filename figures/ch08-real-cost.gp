# Chapter 8 — Data hyper-cleaning on MNIST + Fashion-MNIST: time (not deterministic) and memory per outer step.
# Regenerate: swift run -c release ch08 --data DIR  (ch08 --help lists the seed and flags)
# Render: gnuplot ch08-real-cost.gp  (writes ch08-real-cost.svg and ch08-real-cost.png beside this file)

$time << EOD
# D ms_per_step
16 392.7010822
32 565.626835
64 718.7903759
128 1242.865868


16 391.6301637
32 433.0645273
64 670.7935806
128 1240.531844


16 218.9905774
32 288.3811394
64 640.65102
128 1167.42783


16 633.9691853
32 1383.390935
64 3420.189411
128 5174.907656


16 309.9566028
32 418.7476008
64 747.7349033
128 1165.636471
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
