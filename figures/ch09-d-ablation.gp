# Chapter 9 — Multi-objective meta-learning: the weighted Chebyshev value against D (log axis).
# Regenerate: swift run -c release ch09  (ch09 --help lists the seed and flags)
# Render: gnuplot ch09-d-ablation.gp  (writes ch09-d-ablation.svg and ch09-d-ablation.png beside this file)

$d_ablation << EOD
# D chebyshev_train chebyshev_test train_1 test_1 gap inner_error calls calls_per_step
1 0.04385385364 0.07563558548 0.05481731705 0.09454448185 0.0006666335842 0.2629913864 3055 50.91666667
2 0.04115645289 0.07904143853 0.05144556611 0.09880179817 0.0005323515199 0.1984844417 3115 51.91666667
4 0.04592046609 0.07406626145 0.05740058261 0.09258282681 0.000468235852 0.1472014654 3235 53.91666667
8 0.04178226092 0.08353119424 0.05222782615 0.1044139928 0.0004671033342 0.04401088987 3475 57.91666667
16 0.03941411475 0.07877943921 0.04926764344 0.09847429901 0.0002361067295 0.01213564696 3955 65.91666667
32 0.03838981487 0.07523933152 0.04798726859 0.0940491644 0.0002994658854 0.007501213031 4915 81.91666667
EOD

set title 'D ablation, r = (0.8, 0.05, …): Chebyshev value after K = 60 steps'
set xlabel 'inner steps D'
set ylabel 'max_s r_s Φ_s'
set logscale x
set xrange [0.8:40]
set xtics (1, 2, 4, 8, 16, 32)
set key top right box opaque Left reverse
set grid lc rgb '#dddddd'
set border lw 1.5
set terminal svg size 800,600 enhanced font 'DejaVu Sans,12' background rgb 'white'
set output 'ch09-d-ablation.svg'
plot $d_ablation using 1:2 with linespoints lc rgb '#0072B2' lw 2 dt 1 pt 7 ps 1 title 'meta-training (exact Φ_s)', \
     $d_ablation using 1:3 with linespoints lc rgb '#E69F00' lw 2 dt 1 pt 5 ps 1 title 'meta-test'
set terminal pngcairo size 1200,900 enhanced font 'DejaVu Sans,15' background rgb 'white'
set output 'ch09-d-ablation.png'
replot
unset output
