import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

interface Props {
  /** Rebuilt only when this function changes identity: memoise it on what the options depend on. */
  options: (width: number) => uPlot.Options;
  data: uPlot.AlignedData;
  /** The chart instance, for callers that redraw on state uPlot does not know about (a threshold line). */
  chartRef?: { current: uPlot | null };
  label: string;
}

/** uPlot in React: created once per options, fed new data in place, and sized to its container. */
export function UPlotChart({ options, data, chartRef, label }: Props) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const latest = useRef(data);
  latest.current = data;

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const chart = new uPlot(options(Math.max(el.clientWidth, 200)), latest.current, el);
    plot.current = chart;
    if (chartRef) chartRef.current = chart;
    const observer = new ResizeObserver(() => {
      const width = Math.max(el.clientWidth, 200);
      if (width !== chart.width) chart.setSize({ width, height: chart.height });
    });
    observer.observe(el);
    return () => {
      observer.disconnect();
      chart.destroy();
      plot.current = null;
      if (chartRef) chartRef.current = null;
    };
  }, [options, chartRef]);

  useEffect(() => {
    plot.current?.setData(data);
  }, [data]);

  return <div ref={box} className="chart" role="img" aria-label={label} />;
}
