# Chapter 9 — Multi-objective meta-learning: the weighted Chebyshev value after K steps against u.
# Regenerate: swift run -c release ch09  (ch09 --help lists the seed and flags)
# Render: gnuplot ch09-u-ablation.gp  (writes ch09-u-ablation.svg and ch09-u-ablation.png beside this file)

$u_ablation << EOD
# u u_plotted chebyshev_train chebyshev_test train_1 test_1 misalignment gap top_weight
0 0.001 0.49460826 0.4548319613 0.618260325 0.5685399516 0.9875811217 0.002780367025 0.870894398
0.01 0.01 0.3144635677 0.2765378138 0.3930794596 0.3456722672 0.964469796 0.002999269558 0.756727957
0.1 0.1 0.04484933007 0.08146537379 0.05422760633 0.1018317172 0.5676030069 0.0003257795202 0.5210853619
1 1 0.04592046609 0.07406626145 0.05740058261 0.09258282681 0.6023248683 0.000468235852 0.558435308
10 10 0.04589993376 0.07418854706 0.0573749172 0.09273568382 0.6034214745 0.0004450201639 1
100 100 0.04503469869 0.07342000931 0.05629337336 0.09177501163 0.5967197307 0.0003883339427 1
EOD

set title 'u ablation, r = (0.8, 0.05, 0.05, 0.05, 0.05): Chebyshev value (u = 0 at 10⁻³)'
set xlabel 'u'
set ylabel 'max_s r_s Φ_s'
set logscale x
set format x '10^{%L}'
set key top right box opaque Left reverse
set grid lc rgb '#dddddd'
set border lw 1.5
set terminal svg size 800,600 enhanced font 'DejaVu Sans,12' background rgb 'white'
set output 'ch09-u-ablation.svg'
plot $u_ablation using 2:3 with linespoints lc rgb '#0072B2' lw 2 dt 1 pt 7 ps 1 title 'meta-training (exact Φ_s)', \
     $u_ablation using 2:4 with linespoints lc rgb '#E69F00' lw 2 dt 1 pt 5 ps 1 title 'meta-test'
set terminal pngcairo size 1200,900 enhanced font 'DejaVu Sans,15' background rgb 'white'
set output 'ch09-u-ablation.png'
replot
unset output
