# Chapter 8 — Data hyper-cleaning: histograms of the final weights, both domains pooled; AUC per domain in the key.
# Regenerate: swift run -c release ch08  (ch08 --help lists the seed and flags)
# Render: gnuplot ch08-weights.gp  (writes ch08-weights.svg and ch08-weights.png beside this file)

$weights << EOD
# sigma clean_summed corrupted_summed clean_forum corrupted_forum
0.025 0.1033333333 0.89 0.03333333333 0.8433333333
0.075 0 0.01 0.03 0.08
0.125 0.003333333333 0 0.03 0.02333333333
0.175 0.003333333333 0.003333333333 0.03 0.02
0.225 0 0 0.02 0.01333333333
0.275 0.003333333333 0 0.01666666667 0.003333333333
0.325 0 0 0.01666666667 0
0.375 0.003333333333 0 0.01 0
0.425 0 0 0.01666666667 0.003333333333
0.475 0 0 0.03333333333 0.003333333333
0.525 0 0.003333333333 0.01333333333 0
0.575 0 0 0.01666666667 0
0.625 0 0 0.03 0
0.675 0.003333333333 0 0.03 0
0.725 0.003333333333 0 0.06666666667 0
0.775 0 0.003333333333 0.07666666667 0
0.825 0 0 0.08 0.003333333333
0.875 0.003333333333 0 0.1833333333 0.003333333333
0.925 0.01 0.003333333333 0.1566666667 0
0.975 0.8633333333 0.08666666667 0.11 0.003333333333
EOD

set title 'Final weights σ(x_i): clean (solid) vs corrupted (dashed) samples'
set xlabel 'σ(x_i)'
set ylabel 'share of the group''s samples per bin'
set key top center box opaque Left reverse
set grid lc rgb '#dddddd'
set border lw 1.5
set terminal svg size 800,600 enhanced font 'DejaVu Sans,12' background rgb 'white'
set output 'ch08-weights.svg'
plot $weights using 1:2 with lines lc rgb '#0072B2' lw 2 dt 1 title 'AID, summed, clean (AUC 0.930 / 0.949)', \
     $weights using 1:3 with lines lc rgb '#0072B2' lw 2 dt 2 title 'AID, summed, corrupted', \
     $weights using 1:4 with lines lc rgb '#009E73' lw 2 dt 1 title 'FORUM, clean (AUC 0.974 / 0.983)', \
     $weights using 1:5 with lines lc rgb '#009E73' lw 2 dt 2 title 'FORUM, corrupted'
set terminal pngcairo size 1200,900 enhanced font 'DejaVu Sans,15' background rgb 'white'
set output 'ch08-weights.png'
replot
unset output
