# Chapter 9 — Multi-objective meta-learning: the Chebyshev value after K steps against u, median and range over the draws; u = 0 as lines.
# Regenerate: swift run -c release ch09  (ch09 --help lists the seed and flags)
# Render: gnuplot ch09-u-ablation.gp  (writes ch09-u-ablation.svg and ch09-u-ablation.png beside this file)

$u_ablation_plotted << EOD
# u train train_low train_high test test_low test_high
0.01 0.2262306192 0.1453815651 0.3144635677 0.2104899313 0.2034253615 0.5395074951
0.1 0.03054928458 0.02500926213 0.04484933007 0.06980778397 0.054430137 0.1000357506
1 0.02912811788 0.02479515882 0.04592046609 0.06080631923 0.05279612733 0.09443043737
10 0.02950787051 0.02622965319 0.04589993376 0.06154616518 0.05137207469 0.09573221972
100 0.02904846747 0.02498314085 0.04503469869 0.05901371914 0.05436964374 0.09433644453
EOD

$u_ablation_zero << EOD
# u train test
0.005 0.3469645865 0.3760814856
200 0.3469645865 0.3760814856
EOD

$u_ablation << EOD
# u train train_low train_high test test_low test_high
0 0.3469645865 0.2339589136 0.49460826 0.3760814856 0.2726120067 0.577657912
0.01 0.2262306192 0.1453815651 0.3144635677 0.2104899313 0.2034253615 0.5395074951
0.1 0.03054928458 0.02500926213 0.04484933007 0.06980778397 0.054430137 0.1000357506
1 0.02912811788 0.02479515882 0.04592046609 0.06080631923 0.05279612733 0.09443043737
10 0.02950787051 0.02622965319 0.04589993376 0.06154616518 0.05137207469 0.09573221972
100 0.02904846747 0.02498314085 0.04503469869 0.05901371914 0.05436964374 0.09433644453
EOD

set title 'u ablation over 5 draws of the tasks (WC-MHGD, K = 60)'
set xlabel 'u (log scale; u = 0 as a line)'
set ylabel 'max_s r_s Φ_s,  r = (0.8, 0.05, 0.05, 0.05, 0.05)'
set logscale x
set logscale y
set format x '10^{%L}'
set format y '10^{%L}'
set xrange [0.005:200]
set key top right box opaque Left reverse
set grid lc rgb '#dddddd'
set border lw 1.5
set terminal svg size 800,600 enhanced font 'DejaVu Sans,12' background rgb 'white'
set output 'ch09-u-ablation.svg'
plot $u_ablation_plotted using 1:2 with linespoints lc rgb '#0072B2' lw 2 dt 1 pt 7 ps 1 title 'meta-training Φ_s: median of 5 draws', \
     $u_ablation_plotted using 1:5 with linespoints lc rgb '#E69F00' lw 2 dt 1 pt 5 ps 1 title 'meta-test: median', \
     $u_ablation_plotted using 1:3 with lines lc rgb '#0072B2' lw 1 dt 1 title 'min and max over the draws', \
     $u_ablation_plotted using 1:4 with lines lc rgb '#0072B2' lw 1 dt 1 notitle, \
     $u_ablation_plotted using 1:6 with lines lc rgb '#E69F00' lw 1 dt 1 notitle, \
     $u_ablation_plotted using 1:7 with lines lc rgb '#E69F00' lw 1 dt 1 notitle, \
     $u_ablation_zero using 1:2 with lines lc rgb '#0072B2' lw 2 dt 2 title 'u = 0 (preference-scaled MGDA): medians', \
     $u_ablation_zero using 1:3 with lines lc rgb '#E69F00' lw 2 dt 2 notitle
set terminal pngcairo size 1200,900 enhanced font 'DejaVu Sans,15' background rgb 'white'
set output 'ch09-u-ablation.png'
replot
unset output
