# Chapter 3 — CG vs Neumann: products to reach the target error against κ, with the bounds.
# Regenerate: swift run -c release ch03  (ch03 --help lists the seed and flags)
# Render: gnuplot ch03-cg-vs-neumann.gp  (writes ch03-cg-vs-neumann.svg and ch03-cg-vs-neumann.png beside this file)

$iterations << EOD
# kappa cg neumann
10 22 117
100 64 1209
1000 171 11978
10000 429 118308
EOD

$theory << EOD
# kappa cg neumann
10 24 132
11.93776642 27 158
14.2510267 30 190
17.0125428 33 229
20.30917621 36 274
24.24462017 40 328
28.94266125 44 393
34.55107295 48 471
41.24626383 53 563
49.23882632 58 674
58.78016072 64 806
70.17038287 70 963
83.76776401 77 1151
100 84 1375
119.3776642 93 1643
142.510267 102 1962
170.125428 112 2344
203.0917621 123 2799
242.4462017 135 3343
289.4266125 148 3992
345.5107295 162 4767
412.4626383 178 5692
492.3882632 196 6796
587.8016072 215 8114
701.7038287 236 9688
837.6776401 259 11567
1000 284 13809
1193.776642 312 16486
1425.10267 343 19682
1701.25428 376 23497
2030.917621 413 28052
2424.462017 454 33489
2894.266125 498 39979
3455.107295 547 47728
4124.626383 600 56977
4923.882632 659 68020
5878.016072 723 81201
7017.038287 794 96938
8376.776401 871 115723
10000 956 138149
EOD

set title 'Products to reach relative error 1e-06 against κ (p = 200)'
set xlabel 'condition number κ'
set ylabel 'Hessian-vector products'
set logscale x
set logscale y
set format x '10^{%L}'
set format y '10^{%L}'
set key top left box opaque Left reverse
set grid lc rgb '#dddddd'
set border lw 1.5
set terminal svg size 800,600 enhanced font 'DejaVu Sans,12' background rgb 'white'
set output 'ch03-cg-vs-neumann.svg'
plot $iterations using 1:2 with linespoints lc rgb '#0072B2' lw 2 dt 1 pt 7 ps 1.3 title 'CG, measured: fitted slope 0.43', \
     $theory using 1:2 with lines lc rgb '#0072B2' lw 2 dt 2 title 'CG bound (3.3): slope 0.53', \
     $iterations using 1:3 with linespoints lc rgb '#E69F00' lw 2 dt 1 pt 5 ps 1.3 title 'Neumann, measured: fitted slope 1.00', \
     $theory using 1:3 with lines lc rgb '#E69F00' lw 2 dt 2 title 'Neumann bound (3.5): slope 1.01'
set terminal pngcairo size 1200,900 enhanced font 'DejaVu Sans,15' background rgb 'white'
set output 'ch03-cg-vs-neumann.png'
replot
unset output
