# Chapter 8 — Data hyper-cleaning: histograms of the final weights, both domains pooled.
# Regenerate: swift run -c release ch08 --data DIR  (ch08 --help lists the seed and flags)
# Render: gnuplot ch08-real-weights.gp  (writes ch08-real-weights.svg and ch08-real-weights.png beside this file)

$weights << EOD
# sigma clean_summed corrupted_summed clean_forum corrupted_forum
0.025 0.0922 0.8766 0 0.028
0.075 0.0154 0.0134 0.001 0.1788
0.125 0.006 0.0056 0.0014 0.17
0.175 0.0048 0.0024 0.003 0.1272
0.225 0.0034 0.0026 0.007 0.1018
0.275 0.0032 0.0018 0.0084 0.0766
0.325 0.0014 0.0012 0.0102 0.0646
0.375 0.001 0.0006 0.019 0.048
0.425 0.0018 0.0016 0.0208 0.0386
0.475 0.0016 0.0002 0.037 0.0306
0.525 0.002 0.0012 0.046 0.0292
0.575 0.0028 0.001 0.0792 0.026
0.625 0.002 0.001 0.1312 0.0246
0.675 0.0022 0.0006 0.2114 0.021
0.725 0.0032 0.0016 0.2276 0.0178
0.775 0.005 0.0024 0.1448 0.0116
0.825 0.0088 0.0024 0.0512 0.0054
0.875 0.0168 0.005 0.0008 0.0002
0.925 0.0758 0.012 0 0
0.975 0.7506 0.0668 0 0
EOD

set title 'Weights σ(x_i) at K = 56: clean (solid) and corrupted (dashed) samples'
set xlabel 'σ(x_i)'
set ylabel 'share of the group''s samples per bin'
set key top center box opaque Left reverse
set grid lc rgb '#dddddd'
set border lw 1.5
set terminal svg size 800,600 enhanced font 'DejaVu Sans,12' background rgb 'white'
set output 'ch08-real-weights.svg'
plot $weights using 1:2 with lines lc rgb '#0072B2' lw 2 dt 1 title 'AID, summed, clean (AUC mnist 0.939, fashion-mnist 0.939)', \
     $weights using 1:3 with lines lc rgb '#0072B2' lw 2 dt 2 title 'AID, summed, corrupted', \
     $weights using 1:4 with lines lc rgb '#009E73' lw 2 dt 1 title 'FORUM, clean (AUC mnist 0.948, fashion-mnist 0.922)', \
     $weights using 1:5 with lines lc rgb '#009E73' lw 2 dt 2 title 'FORUM, corrupted'
set terminal pngcairo size 1200,900 enhanced font 'DejaVu Sans,15' background rgb 'white'
set output 'ch08-real-weights.png'
replot
unset output
