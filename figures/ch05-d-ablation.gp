# Chapter 5 — WC-MHGD: S = 2 toy, r = (0.3, 0.7); warm = inner loop from the last y, cold = from y = 0.
# Regenerate: swift run -c release ch05  (ch05 --help lists the seed and flags)
# Render: gnuplot ch05-d-ablation.gp  (writes ch05-d-ablation.svg and ch05-d-ablation.png beside this file)

$d_ablation << EOD
# D bias_warm bias_cold last_bias_warm last_bias_cold gap_warm gap_cold distance_cold surrogate_cold
1 0.002826918411 0.8670503106 2.71663135e-08 0.8988034003 3.398038607e-12 3.202732884e-07 0.4690875184 1.143091427e-05
2 0.001206768379 0.8764261694 1.246649005e-08 0.8669054653 3.29983528e-12 0.001525645021 0.23281091 1.005691632e-05
4 0.0005046097301 0.2994265058 5.558427146e-09 0.2887203293 3.248597474e-12 0.001152923624 0.2173637855 1.380301762e-06
8 0.0002009375599 0.07795436326 2.125614995e-09 0.0743526087 3.224991888e-12 0.0001744294213 0.09303364906 7.930578607e-07
16 6.395608891e-05 0.01646824209 6.174925541e-10 0.01565951467 3.216766122e-12 1.738186036e-05 0.02328397785 2.372289333e-07
32 1.630230389e-05 0.001740110411 1.820639914e-10 0.001654296502 3.214956518e-12 3.383965808e-07 0.002175992967 2.323236306e-08
EOD

set title 'D ablation: hypergradient bias and final gap, warm vs cold inner loops'
set xlabel 'inner steps D'
set ylabel 'bias max_s ‖ĥ_s − ∇Φ_s‖ (mean over the run) / final gap'
set logscale x
set logscale y
set format x '10^{%L}'
set format y '10^{%L}'
set key bottom left box opaque Left reverse
set grid lc rgb '#dddddd'
set border lw 1.5
set terminal svg size 800,600 enhanced font 'DejaVu Sans,12' background rgb 'white'
set output 'ch05-d-ablation.svg'
plot $d_ablation using 1:2 with linespoints lc rgb '#0072B2' lw 2 dt 1 pt 7 ps 1 title 'mean bias, warm', \
     $d_ablation using 1:3 with linespoints lc rgb '#0072B2' lw 2 dt 2 pt 6 ps 1 title 'mean bias, cold', \
     $d_ablation using 1:6 with linespoints lc rgb '#E69F00' lw 2 dt 1 pt 5 ps 1 title 'final gap, warm', \
     $d_ablation using 1:7 with linespoints lc rgb '#E69F00' lw 2 dt 2 pt 4 ps 1 title 'final gap, cold'
set terminal pngcairo size 1200,900 enhanced font 'DejaVu Sans,15' background rgb 'white'
set output 'ch05-d-ablation.png'
replot
unset output
