# Chapter 10 — Choosing a method: x = problem label + a small offset per method (so the points do not overlap).
# Regenerate: swift run -c release ch10  (ch10 --help lists the seed and flags)
# Render: gnuplot ch10-alignment.gp  (writes ch10-alignment.svg and ch10-alignment.png beside this file)

$alignment << EOD
# x problem method misalignment
-0.175 0 0 1.756346964e-16
0.825 1 0 0.2881591472
2.825 3 0 0.01855991622
3.825 4 0 0.09726577454
4.825 5 0 0.6023248683


-0.125 0 1 1.756346964e-16
0.875 1 1 0.287893368
2.875 3 1 0.06193748259
3.875 4 1 0.08192698903
4.875 5 1 0.6187735315


1.925 2 2 0.004669096082
4.925 5 2 0.5929626602


-0.025 0 3 0.9896467585
0.975 1 3 0.9850271443
2.975 3 3 0.3273613047
3.975 4 3 0.0620222558
4.975 5 3 0.9605516119


0.025 0 4 0.4513857365
1.025 1 4 0.935319468
3.025 3 4 0.5837749365
4.025 4 4 0.4137679605
5.025 5 4 0.996864737


0.075 0 5 0.747753438
1.075 1 5 0.9357416638
3.075 3 5 0.2123859639
4.075 4 5 0.2312318169
5.075 5 5 0.9826774602


0.125 0 6 0.5167604676
1.125 1 6 0.934933824
3.125 3 6 0.5265888982
4.125 4 6 0.1904219123
5.125 5 6 0.9972409791


0.175 0 7 0.9981557568
1.175 1 7 0.986850498
3.175 3 7 0.07822511473
4.175 4 7 0.2375005448
5.175 5 7 0.8337649586
EOD

set title 'Misalignment from the stated preference''s ray, per problem'
set xlabel 'problem'
set ylabel '(max_s r_sΦ_s − min_s r_sΦ_s) / max_s r_sΦ_s'
set logscale y
set format y '10^{%L}'
set xrange [-0.5:5.5]
set xtics ('S=2 toy' 0, 'S=5 toy' 1, 'sum toy' 2, 'clean syn' 3, 'clean real' 4, 'meta' 5)
set yrange [5.85448988e-17:3]
set key outside right top box opaque Left reverse
set grid lc rgb '#dddddd'
set border lw 1.5
set terminal svg size 800,600 enhanced font 'DejaVu Sans,12' background rgb 'white'
set output 'ch10-alignment.svg'
plot $alignment index 0 using 1:4 with points lc rgb '#0072B2' pt 7 ps 1.5 title 'WC-MHGD (CG)', \
     $alignment index 1 using 1:4 with points lc rgb '#E69F00' pt 5 ps 1.5 title 'WC-MHGD (Neumann)', \
     $alignment index 2 using 1:4 with points lc rgb '#009E73' pt 9 ps 1.5 title 'stochastic WC-MHGD', \
     $alignment index 3 using 1:4 with points lc rgb '#CC79A7' pt 11 ps 1.5 title 'FORUM', \
     $alignment index 4 using 1:4 with points lc rgb '#D55E00' pt 13 ps 1.5 title 'MOML', \
     $alignment index 5 using 1:4 with points lc rgb '#56B4E9' pt 4 ps 1.5 title 'MoCo', \
     $alignment index 6 using 1:4 with points lc rgb '#F0E442' pt 6 ps 1.5 title 'MGDA', \
     $alignment index 7 using 1:4 with points lc rgb '#000000' pt 8 ps 1.5 title 'linear scalarization'
set terminal pngcairo size 1200,900 enhanced font 'DejaVu Sans,15' background rgb 'white'
set output 'ch10-alignment.png'
replot
unset output
