import { useCallback, useMemo } from 'react';
import type uPlot from 'uplot';
import type { MinuteSeries } from '../logic/lookup-series.ts';
import { useThemeColors, type ThemeColors } from './theme.ts';
import { UPlotChart } from './uplot-chart.tsx';

/** Hits and misses per minute: the overview's small time series. */
export function TrafficChart({ series, height = 150 }: { series: MinuteSeries; height?: number }) {
  const colors = useThemeColors();
  const options = useCallback((width: number) => chartOptions(width, height, colors), [colors, height]);
  const data = useMemo<uPlot.AlignedData>(() => [series.t, series.hits, series.misses], [series]);
  const hits = series.hits.reduce((a, b) => a + b, 0);
  const misses = series.misses.reduce((a, b) => a + b, 0);
  return (
    <figure style={{ margin: 0 }}>
      <UPlotChart options={options} data={data} label={`Hits and misses per minute over the last ${series.t.length} minutes: ${hits} hits, ${misses} misses`} />
      <figcaption className="legend">
        <span><i style={{ background: colors.hit }} />hits / min</span>
        <span><i style={{ background: colors.miss }} />misses / min</span>
      </figcaption>
    </figure>
  );
}

function chartOptions(width: number, height: number, c: ThemeColors): uPlot.Options {
  const axis = { stroke: c.muted, grid: { stroke: c.border, width: 1 }, ticks: { stroke: c.border, width: 1 } };
  const line = (label: string, color: string): uPlot.Series => ({ label, stroke: color, width: 2, fill: `${color}22`, points: { show: false } });
  return {
    width,
    height,
    legend: { show: false },
    cursor: { drag: { x: false, y: false } },
    scales: { y: { range: (_u, _min, max) => [0, Math.max(2, max)] } },
    axes: [axis, { ...axis, size: 40, values: (_u, splits) => splits.map((v) => (Number.isInteger(v) ? String(v) : '')) }],
    series: [{}, line('hits', c.hit), line('misses', c.miss)],
  };
}
