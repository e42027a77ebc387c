package org.jasyncio.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.CategorySeries;
import org.knowm.xchart.style.Styler;

/**
 * Draws the bar chart of headline ratios embedded in {@code BENCHMARKS.md}, with XChart.
 *
 * <pre>Chart INPUT.tsv OUTPUT.png "title"</pre>
 *
 * <p>INPUT has one {@code workload<TAB>series<TAB>ratio} line per bar (for example
 * {@code switch	vs CPython asyncio	5.2}); a ratio above 1 means jasyncio is faster (or
 * smaller). Workloads become the categories, series the bar colours; a workload missing from
 * a series gets no bar. The y axis is logarithmic, so 0.5x and 2x are the same height from 1x.
 */
public final class Chart {
    private Chart() {}

    public static void main(String[] args) throws IOException {
        if (args.length != 3) {
            System.err.println("usage: Chart INPUT.tsv OUTPUT.png TITLE");
            System.exit(2);
        }
        System.setProperty("java.awt.headless", "true");
        List<String> categories = new ArrayList<>();
        Map<String, Map<String, Double>> series = new LinkedHashMap<>();
        for (String line : Files.readAllLines(Path.of(args[0]))) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String[] f = line.split("\t");
            if (!categories.contains(f[0])) {
                categories.add(f[0]);
            }
            series.computeIfAbsent(f[1], k -> new LinkedHashMap<>()).put(f[0], Double.parseDouble(f[2]));
        }
        CategoryChart chart = new CategoryChartBuilder().width(1100).height(560).title(args[2])
                .xAxisTitle("workload").yAxisTitle("jasyncio speed-up (x, log scale; >1 = jasyncio better)").build();
        Styler st = chart.getStyler();
        st.setLegendPosition(Styler.LegendPosition.InsideNE);
        chart.getStyler().setYAxisLogarithmic(true);
        double min = 1;
        for (Map<String, Double> m : series.values()) {
            for (double v : m.values()) {
                min = Math.min(min, v);
            }
        }
        chart.getStyler().setYAxisMin(Math.pow(10, Math.floor(Math.log10(min)))); // bars start here, not at 0
        chart.getStyler().setLabelsVisible(true);
        chart.getStyler().setDecimalPattern("0.0#");
        chart.getStyler().setXAxisLabelRotation(20);
        chart.getStyler().setOverlapped(false);
        for (Map.Entry<String, Map<String, Double>> e : series.entrySet()) {
            List<Double> ys = new ArrayList<>();
            for (String c : categories) {
                Double v = e.getValue().get(c);
                ys.add(v); // null: no bar
            }
            chart.addSeries(e.getKey(), categories, ys);
        }
        // The parity line: a bar above it is a workload where jasyncio is better.
        List<Double> ones = new ArrayList<>();
        for (int i = 0; i < categories.size(); i++) {
            ones.add(1.0);
        }
        CategorySeries parity = chart.addSeries("parity (1x)", categories, ones);
        parity.setChartCategorySeriesRenderStyle(CategorySeries.CategorySeriesRenderStyle.Line);
        parity.setLineColor(java.awt.Color.BLACK);
        parity.setMarker(org.knowm.xchart.style.markers.SeriesMarkers.NONE);
        String out = args[1].endsWith(".png") ? args[1].substring(0, args[1].length() - 4) : args[1];
        BitmapEncoder.saveBitmap(chart, out, BitmapEncoder.BitmapFormat.PNG);
    }
}
