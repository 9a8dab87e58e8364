# Chapter 8 — Data hyper-cleaning on MNIST + Fashion-MNIST: Table 1 of the real run.
# Regenerate: swift run -c release ch08 --data DIR  (ch08 --help lists the seed and flags)
# Render: gnuplot ch08-real-table1.gp  (writes ch08-real-table1.svg and ch08-real-table1.png beside this file)

$acc_A << EOD
# D acc std
16 85.42222222 0.3892062197
32 85.65555556 0.4337604732
64 85.71111111 0.4004626954
128 85.67777778 0.37466034


16 83.41111111 0.4880042501
32 83.28888889 0.5521003666
64 83.32222222 0.6475023237
128 83.27777778 0.4834291093


16 83.2 0.202758751
32 83.2 0.2309401077
64 83.16666667 0.2333333333
128 83.15555556 0.1953155092


16 86.75555556 0.06938886665
32 86.45555556 0.1835856849
64 85.53333333 0.5238744549
128 84.82222222 0.3006166502


16 85.32222222 0.2873892701
32 85.52222222 0.5669933699
64 85.61111111 0.6076670628
128 85.55555556 0.5853140974
EOD

$references_A << EOD
# D noisy clean
13.33333333 80.73333333 85.83333333
153.6 80.73333333 85.83333333
EOD

$acc_B << EOD
# D acc std
16 75.98 0.960832972
32 76.1 0.8838551918
64 76.1 0.9627045237
128 76.13333333 0.9261389385


16 77.06666667 0.8478993651
32 77.32666667 0.8013322241
64 77.4 0.8126499862
128 77.35333333 0.7642861593


16 73.11333333 0.6404165311
32 73.04666667 0.7305705533
64 72.98 0.6720119047
128 73.06 0.5922837158


16 71.14 0.9353074361
32 73.67333333 0.6354001364
64 75.19333333 0.6404165311
128 75.85333333 0.9383673765


16 75.92 0.960832972
32 76.13333333 1.098605176
64 76.22 1.1870973
128 76.16 1.159482643
EOD

$references_B << EOD
# D noisy clean
13.33333333 73.82 75.98
153.6 73.82 75.98
EOD

set terminal svg size 800,460 enhanced font 'DejaVu Sans,12' background rgb 'white'
set output 'ch08-real-table1.svg'
set multiplot layout 1,2 title 'Test accuracy of each method''s own model against D (mean ± std over the seeds)'
reset
set title 'MNIST'
set xlabel 'inner steps D'
set ylabel 'test accuracy (%)'
set logscale x
set xrange [13.33333333:153.6]
set xtics (16, 32, 64, 128)
set key bmargin center horizontal box opaque Left reverse
set grid lc rgb '#dddddd'
set border lw 1.5
plot $acc_A index 0 using 1:2:3 with yerrorlines lc rgb '#0072B2' lw 2 dt 1 pt 7 ps 1 title 'AID, summed', \
     $acc_A index 1 using 1:2:3 with yerrorlines lc rgb '#E69F00' lw 2 dt 1 pt 5 ps 1 title 'WC-MHGD', \
     $acc_A index 2 using 1:2:3 with yerrorlines lc rgb '#009E73' lw 2 dt 1 pt 9 ps 1 title 'FORUM', \
     $acc_A index 3 using 1:2:3 with yerrorlines lc rgb '#CC79A7' lw 2 dt 1 pt 13 ps 1 title 'MOML', \
     $acc_A index 4 using 1:2:3 with yerrorlines lc rgb '#D55E00' lw 2 dt 1 pt 11 ps 1 title 'MoCo', \
     $references_A using 1:2 with lines lc rgb '#777777' lw 2 dt 2 title 'uniform weights, noisy labels', \
     $references_A using 1:3 with lines lc rgb '#000000' lw 2 dt 3 title 'clean samples only'
reset
set title 'Fashion-MNIST'
set xlabel 'inner steps D'
set ylabel 'test accuracy (%)'
set logscale x
set xrange [13.33333333:153.6]
set xtics (16, 32, 64, 128)
unset key
set grid lc rgb '#dddddd'
set border lw 1.5
plot $acc_B index 0 using 1:2:3 with yerrorlines lc rgb '#0072B2' lw 2 dt 1 pt 7 ps 1 title 'AID, summed', \
     $acc_B index 1 using 1:2:3 with yerrorlines lc rgb '#E69F00' lw 2 dt 1 pt 5 ps 1 title 'WC-MHGD', \
     $acc_B index 2 using 1:2:3 with yerrorlines lc rgb '#009E73' lw 2 dt 1 pt 9 ps 1 title 'FORUM', \
     $acc_B index 3 using 1:2:3 with yerrorlines lc rgb '#CC79A7' lw 2 dt 1 pt 13 ps 1 title 'MOML', \
     $acc_B index 4 using 1:2:3 with yerrorlines lc rgb '#D55E00' lw 2 dt 1 pt 11 ps 1 title 'MoCo', \
     $references_B using 1:2 with lines lc rgb '#777777' lw 2 dt 2 title 'uniform weights, noisy labels', \
     $references_B using 1:3 with lines lc rgb '#000000' lw 2 dt 3 title 'clean samples only'
unset multiplot
set terminal pngcairo size 1200,690 enhanced font 'DejaVu Sans,15' background rgb 'white'
set output 'ch08-real-table1.png'
set multiplot layout 1,2 title 'Test accuracy of each method''s own model against D (mean ± std over the seeds)'
reset
set title 'MNIST'
set xlabel 'inner steps D'
set ylabel 'test accuracy (%)'
set logscale x
set xrange [13.33333333:153.6]
set xtics (16, 32, 64, 128)
set key bmargin center horizontal box opaque Left reverse
set grid lc rgb '#dddddd'
set border lw 1.5
plot $acc_A index 0 using 1:2:3 with yerrorlines lc rgb '#0072B2' lw 2 dt 1 pt 7 ps 1 title 'AID, summed', \
     $acc_A index 1 using 1:2:3 with yerrorlines lc rgb '#E69F00' lw 2 dt 1 pt 5 ps 1 title 'WC-MHGD', \
     $acc_A index 2 using 1:2:3 with yerrorlines lc rgb '#009E73' lw 2 dt 1 pt 9 ps 1 title 'FORUM', \
     $acc_A index 3 using 1:2:3 with yerrorlines lc rgb '#CC79A7' lw 2 dt 1 pt 13 ps 1 title 'MOML', \
     $acc_A index 4 using 1:2:3 with yerrorlines lc rgb '#D55E00' lw 2 dt 1 pt 11 ps 1 title 'MoCo', \
     $references_A using 1:2 with lines lc rgb '#777777' lw 2 dt 2 title 'uniform weights, noisy labels', \
     $references_A using 1:3 with lines lc rgb '#000000' lw 2 dt 3 title 'clean samples only'
reset
set title 'Fashion-MNIST'
set xlabel 'inner steps D'
set ylabel 'test accuracy (%)'
set logscale x
set xrange [13.33333333:153.6]
set xtics (16, 32, 64, 128)
unset key
set grid lc rgb '#dddddd'
set border lw 1.5
plot $acc_B index 0 using 1:2:3 with yerrorlines lc rgb '#0072B2' lw 2 dt 1 pt 7 ps 1 title 'AID, summed', \
     $acc_B index 1 using 1:2:3 with yerrorlines lc rgb '#E69F00' lw 2 dt 1 pt 5 ps 1 title 'WC-MHGD', \
     $acc_B index 2 using 1:2:3 with yerrorlines lc rgb '#009E73' lw 2 dt 1 pt 9 ps 1 title 'FORUM', \
     $acc_B index 3 using 1:2:3 with yerrorlines lc rgb '#CC79A7' lw 2 dt 1 pt 13 ps 1 title 'MOML', \
     $acc_B index 4 using 1:2:3 with yerrorlines lc rgb '#D55E00' lw 2 dt 1 pt 11 ps 1 title 'MoCo', \
     $references_B using 1:2 with lines lc rgb '#777777' lw 2 dt 2 title 'uniform weights, noisy labels', \
     $references_B using 1:3 with lines lc rgb '#000000' lw 2 dt 3 title 'clean samples only'
unset multiplot
unset output
