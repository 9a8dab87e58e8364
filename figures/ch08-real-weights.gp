# Chapter 8 — Data hyper-cleaning: histograms of the final weights, both domains pooled; AUC per domain in the key.
# Regenerate: swift run -c release ch08 --data DIR --outer-steps 60 --seeds 3  (ch08 --help lists the seed and flags)
# Render: gnuplot ch08-real-weights.gp  (writes ch08-real-weights.svg and ch08-real-weights.png beside this file)

$weights << EOD
# sigma clean_summed corrupted_summed clean_forum corrupted_forum
0.025 0.091 0.8696 0 0
0.075 0.0034 0.0016 0 0
0.125 0.0006 0.001 0 0
0.175 0.0006 0.0006 0 0.0036
0.225 0.0006 0.0006 0 0.02
0.275 0 0 0.0006 0.0422
0.325 0.0006 0.0002 0 0.0822
0.375 0.0002 0 0.0032 0.1486
0.425 0.0004 0 0.0186 0.2234
0.475 0.0004 0 0.1168 0.2142
0.525 0.0004 0 0.2578 0.1422
0.575 0.0004 0 0.347 0.0816
0.625 0.0004 0.0002 0.2012 0.025
0.675 0.0004 0.0004 0.0316 0.009
0.725 0.0014 0.0004 0.0154 0.0042
0.775 0.0006 0.0008 0.0076 0.003
0.825 0.0012 0.001 0.0002 0.0008
0.875 0.0018 0.0018 0 0
0.925 0.0024 0.0044 0 0
0.975 0.8932 0.1174 0 0
EOD

set title 'Final weights σ(x_i): clean (solid) vs corrupted (dashed) samples'
set xlabel 'σ(x_i)'
set ylabel 'share of the group''s samples per bin'
set key top center box opaque Left reverse
set grid lc rgb '#dddddd'
set border lw 1.5
set terminal svg size 800,600 enhanced font 'DejaVu Sans,12' background rgb 'white'
set output 'ch08-real-weights.svg'
plot $weights using 1:2 with lines lc rgb '#0072B2' lw 2 dt 1 title 'AID, summed, clean (AUC 0.951 / 0.941)', \
     $weights using 1:3 with lines lc rgb '#0072B2' lw 2 dt 2 title 'AID, summed, corrupted', \
     $weights using 1:4 with lines lc rgb '#009E73' lw 2 dt 1 title 'FORUM, clean (AUC 0.891 / 0.845)', \
     $weights using 1:5 with lines lc rgb '#009E73' lw 2 dt 2 title 'FORUM, corrupted'
set terminal pngcairo size 1200,900 enhanced font 'DejaVu Sans,15' background rgb 'white'
set output 'ch08-real-weights.png'
replot
unset output
