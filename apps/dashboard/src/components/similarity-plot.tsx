import { useCallback, useEffect, useMemo, useRef } from 'react';
import uPlot from 'uplot';
import type { SimilarityHistogram } from '@semcache/shared';
import { HISTOGRAM_GROUPS, histogramSeries } from '../logic/histogram-series.ts';
import { useThemeColors, type ThemeColors } from './theme.ts';
import { UPlotChart } from './uplot-chart.tsx';

interface Props {
  histogram: SimilarityHistogram;
  /** The threshold being tried (the slider); drawn solid. */
  threshold: number;
  /** The applied threshold, drawn dashed when the slider is elsewhere. */
  currentThreshold: number;
}

const HEIGHT = 240;

/**
 * Best similarities of recent lookups, stacked by outcome, with the threshold drawn on top. Moving the slider
 * only redraws the line; the chart is rebuilt when the theme changes.
 */
export function SimilarityPlot({ histogram, threshold, currentThreshold }: Props) {
  const colors = useThemeColors();
  const series = useMemo(() => histogramSeries(histogram.bins), [histogram]);
  const lines = useRef({ threshold, currentThreshold });
  lines.current = { threshold, currentThreshold };
  const chart = useRef<uPlot | null>(null);

  useEffect(() => {
    chart.current?.redraw(false);
  }, [threshold, currentThreshold]);

  const from = histogram.bins[0]?.from ?? 0;
  const to = histogram.bins.at(-1)?.to ?? 1;
  const options = useCallback(
    (width: number) => plotOptions(width, colors, from, to, () => lines.current),
    [colors, from, to],
  );
  // uPlot draws series in order, so the full stack goes first and each lower group paints over it.
  const data = useMemo<uPlot.AlignedData>(() => [series.x, series.stacked[2], series.stacked[1], series.stacked[0]], [series]);

  return (
    <figure style={{ margin: 0 }}>
      <UPlotChart
        options={options} data={data} chartRef={chart}
        label={`Histogram of best similarities of ${series.total} recent lookups, threshold at ${threshold.toFixed(3)}`}
      />
      <figcaption className="legend">
        <span><i style={{ background: colors.hit }} />{HISTOGRAM_GROUPS[0].label}</span>
        <span><i style={{ background: colors.miss }} />{HISTOGRAM_GROUPS[1].label}</span>
        <span><i style={{ background: colors.guard }} />{HISTOGRAM_GROUPS[2].label}</span>
        <span><i style={{ background: colors.threshold }} />threshold {threshold.toFixed(3)}</span>
      </figcaption>
      {/* A table cannot be shrunk to nothing by itself: its wrapper is what is visually hidden. */}
      <div className="sr-only">
        <table>
          <caption>Lookups per similarity range</caption>
          <thead><tr><th>similarity</th><th>hits</th><th>misses</th><th>guarded</th></tr></thead>
          <tbody>
            {histogram.bins.map((b, i) => (
              <tr key={b.from}>
                <td>{b.from.toFixed(2)}–{b.to.toFixed(2)}</td>
                <td>{series.counts[0][i]}</td><td>{series.counts[1][i]}</td><td>{series.counts[2][i]}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </figure>
  );
}

function plotOptions(
  width: number, c: ThemeColors, from: number, to: number, lines: () => { threshold: number; currentThreshold: number },
): uPlot.Options {
  const bars = uPlot.paths.bars!({ size: [0.92, Infinity], align: 0 });
  const bar = (label: string, color: string): uPlot.Series => ({ label, fill: color, stroke: color, width: 0, paths: bars, points: { show: false } });
  const axis = { stroke: c.muted, grid: { stroke: c.border, width: 1 }, ticks: { stroke: c.border, width: 1 } };
  return {
    width,
    height: HEIGHT,
    legend: { show: false },
    cursor: { drag: { x: false, y: false }, points: { show: false } },
    scales: { x: { time: false, range: [from, to] }, y: { range: (_u, _min, max) => [0, Math.max(1, max)] } },
    axes: [
      { ...axis, label: 'best similarity', labelSize: 22, values: (_u, splits) => splits.map((v) => v.toFixed(2)) },
      { ...axis, label: 'lookups', labelSize: 22, size: 44, values: (_u, splits) => splits.map((v) => (Number.isInteger(v) ? String(v) : '')) },
    ],
    series: [
      {},
      bar(HISTOGRAM_GROUPS[2].label, c.guard),
      bar(HISTOGRAM_GROUPS[1].label, c.miss),
      bar(HISTOGRAM_GROUPS[0].label, c.hit),
    ],
    hooks: {
      draw: [(u) => {
        const { threshold, currentThreshold } = lines();
        if (Math.abs(currentThreshold - threshold) > 1e-9) drawLine(u, currentThreshold, c.muted, [6, 4], 'applied');
        drawLine(u, threshold, c.threshold, [], threshold.toFixed(3));
      }],
    },
  };
}

function drawLine(u: uPlot, value: number, color: string, dash: number[], label: string): void {
  const ctx = u.ctx;
  const x = Math.round(u.valToPos(value, 'x', true));
  const { top, height } = u.bbox;
  const px = devicePixelRatio;
  ctx.save();
  ctx.strokeStyle = color;
  ctx.fillStyle = color;
  ctx.lineWidth = 2 * px;
  ctx.setLineDash(dash.map((d) => d * px));
  ctx.beginPath();
  ctx.moveTo(x, top);
  ctx.lineTo(x, top + height);
  ctx.stroke();
  ctx.font = `${12 * px}px system-ui, sans-serif`;
  const w = ctx.measureText(label).width;
  // Keep the label inside the plot: to the left of a line near the right edge.
  const lx = x + 4 * px + w > u.bbox.left + u.bbox.width ? x - 4 * px - w : x + 4 * px;
  ctx.fillText(label, lx, top + 14 * px);
  ctx.restore();
}
