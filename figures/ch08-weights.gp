# Chapter 8 — Data hyper-cleaning: histograms of the final weights, both domains pooled.
# Regenerate: swift run -c release ch08  (ch08 --help lists the seed and flags)
# Render: gnuplot ch08-weights.gp  (writes ch08-weights.svg and ch08-weights.png beside this file)

$weights << EOD
# sigma clean_summed corrupted_summed clean_forum corrupted_forum
0.025 0.09666666667 0.8833333333 0.1 0.9633333333
0.075 0.01333333333 0.01 0.02 0.01666666667
0.125 0.003333333333 0.003333333333 0.01 0
0.175 0.003333333333 0.01 0.003333333333 0.003333333333
0.225 0.003333333333 0.003333333333 0.003333333333 0
0.275 0 0.003333333333 0.01 0
0.325 0 0.006666666667 0.02 0
0.375 0.006666666667 0.003333333333 0.003333333333 0
0.425 0.003333333333 0 0.006666666667 0
0.475 0 0 0.006666666667 0
0.525 0 0.003333333333 0.01333333333 0
0.575 0.003333333333 0 0.006666666667 0
0.625 0.003333333333 0.003333333333 0.003333333333 0
0.675 0.003333333333 0.003333333333 0.01 0
0.725 0.02 0 0.02333333333 0.006666666667
0.775 0.02 0 0.01666666667 0
0.825 0.03 0 0.03333333333 0
0.875 0.04333333333 0 0.06 0
0.925 0.1666666667 0.01 0.17 0
0.975 0.58 0.05666666667 0.48 0.01
EOD

set title 'Weights σ(x_i) at K = 96: clean (solid) and corrupted (dashed) samples'
set xlabel 'σ(x_i)'
set ylabel 'share of the group''s samples per bin'
set key top center box opaque Left reverse
set grid lc rgb '#dddddd'
set border lw 1.5
set terminal svg size 800,600 enhanced font 'DejaVu Sans,12' background rgb 'white'
set output 'ch08-weights.svg'
plot $weights using 1:2 with lines lc rgb '#0072B2' lw 2 dt 1 title 'AID, summed, clean (AUC A 0.938, B 0.948)', \
     $weights using 1:3 with lines lc rgb '#0072B2' lw 2 dt 2 title 'AID, summed, corrupted', \
     $weights using 1:4 with lines lc rgb '#009E73' lw 2 dt 1 title 'FORUM, clean (AUC A 0.976, B 0.986)', \
     $weights using 1:5 with lines lc rgb '#009E73' lw 2 dt 2 title 'FORUM, corrupted'
set terminal pngcairo size 1200,900 enhanced font 'DejaVu Sans,15' background rgb 'white'
set output 'ch08-weights.png'
replot
unset output
