# Chapter 5 — WC-MHGD: S = 2 toy, r = (0.3, 0.7); warm = inner loop from the last y, cold = from y = 0.
# Regenerate: swift run -c release ch05  (ch05 --help lists the seed and flags)
# Render: gnuplot ch05-d-ablation.gp  (writes ch05-d-ablation.svg and ch05-d-ablation.png beside this file)

$d_ablation << EOD
# D bias_warm bias_cold last_bias_warm last_bias_cold
1 0.002826918411 0.8670503106 2.71663135e-08 0.8988034003
2 0.001206768379 0.8764261694 1.246649005e-08 0.8669054653
4 0.0005046097301 0.2994265058 5.558427146e-09 0.2887203293
8 0.0002009375599 0.07795436326 2.125614995e-09 0.0743526087
16 6.395608891e-05 0.01646824209 6.174925541e-10 0.01565951467
32 1.630230389e-05 0.001740110411 1.820639914e-10 0.001654296502
EOD

set title 'D ablation: hypergradient bias, warm vs cold inner loops (S = 2, r = (0.3, 0.7))'
set xlabel 'inner steps D'
set ylabel 'max_s ‖ĥ_s − ∇Φ_s(x_k)‖'
set logscale x
set logscale y
set format x '10^{%L}'
set format y '10^{%L}'
set key bottom left box opaque Left reverse
set grid lc rgb '#dddddd'
set border lw 1.5
set terminal svg size 800,600 enhanced font 'DejaVu Sans,12' background rgb 'white'
set output 'ch05-d-ablation.svg'
plot $d_ablation using 1:2 with linespoints lc rgb '#0072B2' lw 2 dt 1 pt 7 ps 1 title 'mean over the run, warm', \
     $d_ablation using 1:3 with linespoints lc rgb '#0072B2' lw 2 dt 2 pt 6 ps 1 title 'mean over the run, cold', \
     $d_ablation using 1:4 with linespoints lc rgb '#E69F00' lw 2 dt 1 pt 5 ps 1 title 'at the last step, warm', \
     $d_ablation using 1:5 with linespoints lc rgb '#E69F00' lw 2 dt 2 pt 4 ps 1 title 'at the last step, cold'
set terminal pngcairo size 1200,900 enhanced font 'DejaVu Sans,15' background rgb 'white'
set output 'ch05-d-ablation.png'
replot
unset output
