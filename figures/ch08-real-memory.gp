# Chapter 8 — Data hyper-cleaning on MNIST + Fashion-MNIST: FORUM's Figure 1 (memory), counted.
# Regenerate: swift run -c release ch08 --data DIR --outer-steps 60 --seeds 3  (ch08 --help lists the seed and flags)
# Render: gnuplot ch08-real-memory.gp  (writes ch08-real-memory.svg and ch08-real-memory.png beside this file)

$cost << EOD
# T forum_seconds moml_seconds forum_mb moml_mb
16 0.1135026207 0.4285386826 0.3768 1.1932
32 0.2100689352 0.9117865289 0.3768 2.198
64 0.3967865488 1.763824724 0.3768 4.2076
128 0.7660603367 3.607662924 0.3768 8.2268
EOD

set title 'Peak memory of one outer step against T (length-p vectors · 8 bytes)'
set xlabel 'inner steps T'
set ylabel 'peak memory (MB)'
set logscale x
set xrange [13.33333333:153.6]
set xtics (16, 32, 64, 128)
set key top left box opaque Left reverse
set grid lc rgb '#dddddd'
set border lw 1.5
set terminal svg size 800,600 enhanced font 'DejaVu Sans,12' background rgb 'white'
set output 'ch08-real-memory.svg'
plot $cost using 1:4 with linespoints lc rgb '#E69F00' lw 2 dt 1 pt 7 ps 1 title 'FORUM', \
     $cost using 1:5 with linespoints lc rgb '#009E73' lw 2 dt 1 pt 7 ps 1 title 'MOML (ITD)'
set terminal pngcairo size 1200,900 enhanced font 'DejaVu Sans,15' background rgb 'white'
set output 'ch08-real-memory.png'
replot
unset output
