import type { ComponentChildren } from 'preact';
import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import { axisNumber, axisTimes, chartNumber, time } from './format.js';
import 'uplot/dist/uPlot.min.css';

export function Loading({ what }: { what: string }) {
  return (
    <p class="state" role="status">
      Loading {what}…
    </p>
  );
}

export function ErrorBox({ error, retry }: { error: Error; retry?: () => void }) {
  return (
    <div class="state error" role="alert">
      <strong>Could not load this: {error.message}</strong>
      <span> Check that the gateway is running and that you are signed in.</span>
      {retry && (
        <button type="button" onClick={retry}>
          Try again
        </button>
      )}
    </div>
  );
}

export function Empty({ children }: { children: ComponentChildren }) {
  return <p class="state empty">{children}</p>;
}

/** A table's column headings, each a `<th scope="col">` so a screen reader reads it with the column's cells. */
export function HeaderRow({ columns }: { columns: readonly string[] }) {
  return (
    <thead>
      <tr>
        {columns.map((h) => (
          <th key={h} scope="col">
            {h}
          </th>
        ))}
      </tr>
    </thead>
  );
}

/** Nine colours told apart on white; the last, slate, is a folded chart's `other`. */
export const PALETTE = [
  '#2563eb',
  '#dc2626',
  '#16a34a',
  '#d97706',
  '#7c3aed',
  '#0891b2',
  '#db2777',
  '#65a30d',
  '#475569',
];
/** How many series a chart shows at most: one per colour, so no two lines share one. */
export const MAX_SERIES = PALETTE.length;

export interface ChartSeries {
  label: string;
  values: Array<number | null>;
  /** Index into PALETTE (default: the series' own index), so a group keeps its colour on every chart. */
  color?: number;
  /** Drawn dashed: the second figure of a group that has two on one chart (tokens out beside tokens in). */
  dashed?: boolean;
}

/** Indices of a series' values whose neighbours are both missing. */
function isolatedPoints(u: uPlot, seriesIdx: number): number[] {
  const values = u.data[seriesIdx] ?? [];
  const present = (i: number) => values[i] !== null && values[i] !== undefined;
  const isolated: number[] = [];
  for (let i = 0; i < values.length; i++) if (present(i) && !present(i - 1) && !present(i + 1)) isolated.push(i);
  return isolated;
}

/** A uPlot time-series chart; dragging across it zooms (reported through onZoom). */
export function Chart(props: {
  title: string;
  times: number[];
  series: ChartSeries[];
  unit?: string;
  height?: number;
  onZoom?: (since: number, until: number) => void;
}) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = box.current;
    if (!el) return undefined;
    const options: uPlot.Options = {
      width: Math.max(300, el.clientWidth),
      height: props.height ?? 180,
      series: [
        // The cursor's time in the legend, dated as every time on the page is.
        { value: (_u: uPlot, v: number | null) => (v === null ? '–' : time(v * 1000)) },
        ...props.series.map((s, i) => ({
          label: s.label,
          stroke: PALETTE[(s.color ?? i) % PALETTE.length],
          width: 1.5,
          ...(s.dashed ? { dash: [6, 4] } : {}),
          // A value with no neighbour (one busy step among empty ones, common for percentiles) draws no line
          // segment, so it gets a dot; everywhere else the line is enough.
          points: { show: true, size: 5, filter: isolatedPoints },
          value: (_u: uPlot, v: number | null) => (v === null ? '–' : `${chartNumber(v)}${props.unit ?? ''}`),
        })),
      ],
      axes: [
        {
          values: (_u: uPlot, splits: number[], _axis: number, _space: number, step: number) => axisTimes(splits, step),
        },
        { size: 60, values: (_u: uPlot, splits: number[]) => splits.map(axisNumber) },
      ],
      // A dashed line's legend marker is dashed too: the legend tells two series of one colour apart.
      legend: { markers: { dash: (u: uPlot, i: number) => (u.series[i]?.dash ? 'dashed' : 'solid') } },
      cursor: { drag: { x: true, y: false } },
      hooks: {
        setSelect: [
          (u: uPlot) => {
            if (!props.onZoom || u.select.width < 5) return;
            const from = u.posToVal(u.select.left, 'x');
            const to = u.posToVal(u.select.left + u.select.width, 'x');
            props.onZoom(Math.floor(from * 1000), Math.ceil(to * 1000));
          },
        ],
      },
    };
    const data: uPlot.AlignedData = [props.times.map((t) => t / 1000), ...props.series.map((s) => s.values)];
    const plot = new uPlot(options, data, el);
    // uPlot's legend is a table of its own: named, so a screen reader says what its rows are.
    plot.root.querySelector('table.u-legend')?.setAttribute('aria-label', `${props.title} legend`);
    const resize = () => plot.setSize({ width: Math.max(300, el.clientWidth), height: props.height ?? 180 });
    window.addEventListener('resize', resize);
    return () => {
      window.removeEventListener('resize', resize);
      plot.destroy();
    };
  }, [props.times, props.series, props.unit, props.height, props.onZoom]);
  return (
    <figure class="chart">
      <figcaption>{props.title}</figcaption>
      <div ref={box} role="img" aria-label={`${props.title} chart`} />
    </figure>
  );
}

/** A tiny line of counts, drawn with uPlot without axes. */
export function Sparkline({ values, label }: { values: number[]; label: string }) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = box.current;
    if (!el) return undefined;
    const plot = new uPlot(
      {
        width: 160,
        height: 36,
        legend: { show: false },
        cursor: { show: false },
        axes: [{ show: false }, { show: false }],
        // From a little below zero: a quiet window draws a flat line along the bottom, not a stroke cut in half by
        // the edge (uPlot's own range for all zeros puts the line on the border).
        scales: {
          x: { time: false },
          y: { range: (_u: uPlot, _min: number, max: number) => [-0.25 * Math.max(1, max), 1.1 * Math.max(1, max)] },
        },
        series: [{}, { stroke: '#2563eb', fill: 'rgba(37,99,235,0.12)', width: 1.5 }],
      },
      [values.map((_, i) => i), values],
      el,
    );
    return () => plot.destroy();
  }, [values]);
  return <div class="sparkline" ref={box} role="img" aria-label={label} />;
}

export function Field(props: { label: string; children: ComponentChildren }) {
  // The control is the child: a wrapping label names it without ids.
  return (
    // biome-ignore lint/a11y/noLabelWithoutControl: the control is passed in as children
    <label class="field">
      <span>{props.label}</span>
      {props.children}
    </label>
  );
}
