# Chapter 9 — Multi-objective meta-learning: the Chebyshev value after K steps against D, median and range over the draws.
# Regenerate: swift run -c release ch09  (ch09 --help lists the seed and flags)
# Render: gnuplot ch09-d-ablation.gp  (writes ch09-d-ablation.svg and ch09-d-ablation.png beside this file)

$d_ablation_plotted << EOD
# D train train_low train_high test test_low test_high
1 0.03089401221 0.02678721107 0.04385385364 0.06765108339 0.06107313793 0.08907606263
2 0.02999482476 0.02507120033 0.04115645289 0.06503816164 0.05418380065 0.09157897907
4 0.02912811788 0.02479515882 0.04592046609 0.06080631923 0.05279612733 0.09443043737
8 0.02852656567 0.02452805826 0.04178226092 0.05881674357 0.05261895804 0.09890979423
16 0.02851730203 0.02444349558 0.03941411475 0.05745593275 0.05295958116 0.1026138072
32 0.02895382133 0.02480406762 0.03838981487 0.05619005573 0.05359305902 0.1043608718
EOD

$d_ablation << EOD
# D train train_low train_high test test_low test_high
1 0.03089401221 0.02678721107 0.04385385364 0.06765108339 0.06107313793 0.08907606263
2 0.02999482476 0.02507120033 0.04115645289 0.06503816164 0.05418380065 0.09157897907
4 0.02912811788 0.02479515882 0.04592046609 0.06080631923 0.05279612733 0.09443043737
8 0.02852656567 0.02452805826 0.04178226092 0.05881674357 0.05261895804 0.09890979423
16 0.02851730203 0.02444349558 0.03941411475 0.05745593275 0.05295958116 0.1026138072
32 0.02895382133 0.02480406762 0.03838981487 0.05619005573 0.05359305902 0.1043608718
EOD

set title 'D ablation over 5 draws of the tasks (WC-MHGD, K = 60)'
set xlabel 'inner steps D per outer step (log scale)'
set ylabel 'max_s r_s Φ_s,  r = (0.8, 0.05, 0.05, 0.05, 0.05)'
set logscale x
set xrange [0.8:40]
set xtics (1, 2, 4, 8, 16, 32)
set yrange [0:0.1356691334]
set key top left box opaque Left reverse
set grid lc rgb '#dddddd'
set border lw 1.5
set terminal svg size 800,600 enhanced font 'DejaVu Sans,12' background rgb 'white'
set output 'ch09-d-ablation.svg'
plot $d_ablation_plotted using 1:2 with linespoints lc rgb '#0072B2' lw 2 dt 1 pt 7 ps 1 title 'meta-training Φ_s: median of 5 draws', \
     $d_ablation_plotted using 1:5 with linespoints lc rgb '#E69F00' lw 2 dt 1 pt 5 ps 1 title 'meta-test: median', \
     $d_ablation_plotted using 1:3 with lines lc rgb '#0072B2' lw 1 dt 1 title 'min and max over the draws', \
     $d_ablation_plotted using 1:4 with lines lc rgb '#0072B2' lw 1 dt 1 notitle, \
     $d_ablation_plotted using 1:6 with lines lc rgb '#E69F00' lw 1 dt 1 notitle, \
     $d_ablation_plotted using 1:7 with lines lc rgb '#E69F00' lw 1 dt 1 notitle
set terminal pngcairo size 1200,900 enhanced font 'DejaVu Sans,15' background rgb 'white'
set output 'ch09-d-ablation.png'
replot
unset output
