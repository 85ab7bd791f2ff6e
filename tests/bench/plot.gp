# plot.gp - time and peak RSS against rows for tests/bench/run.sh.
# usage: gnuplot -e "datafile='plot.dat'; outfile='plot.png'" plot.gp
# Columns of datafile: rows, median seconds of import (anchor), load,
# merge of the identical snapshot, merge of the 1%-changed one, then
# peak RSS in MiB of the three dbs-load scenarios; "?" = not measured.
set terminal png size 1100,480 font ",10"
set output outfile
set datafile missing "?"
set logscale x
set autoscale xfix
set offsets graph 0.05, graph 0.05, 0, 0
set format x "%.0s%c"
set xlabel "rows"
set key top left
set grid
set multiplot layout 1,2 title "dbs-load vs sqlite3 .import (median of runs)"
set ylabel "seconds (log)"
set logscale y
set title "time"
plot datafile using 1:2 with linespoints title "sqlite3 .import", \
     datafile using 1:3 with linespoints title "dbs-load initial load", \
     datafile using 1:4 with linespoints title "dbs-load merge, identical", \
     datafile using 1:5 with linespoints title "dbs-load merge, 1% changed"
unset logscale y
set ylabel "MiB"
set title "dbs-load peak RSS"
set yrange [0:*]
set key bottom right
set offsets graph 0.05, graph 0.05, 4, 0
plot 16 with lines dashtype 2 linecolor "red" title "target 16 MiB", \
     datafile using 1:6 with linespoints title "initial load", \
     datafile using 1:7 with linespoints title "merge, identical", \
     datafile using 1:8 with linespoints title "merge, 1% changed"
unset multiplot
