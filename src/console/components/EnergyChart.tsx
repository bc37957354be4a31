import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';

export interface MeterSample {
  sampledAt: string;
  measurand: string;
  value: number | null;
  unit: string | null;
  phase: string | null;
}

/**
 * Energy (Wh) and power (W) of a session over time, with uPlot (small, fast, canvas). Samples
 * after the stop are drawn as their own series, so they stand out.
 */
export function EnergyChart({ samples, stopAt }: { samples: MeterSample[]; stopAt: string | null }) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const element = box.current;
    if (!element) return;
    const stopSeconds = stopAt ? Date.parse(stopAt) / 1000 : Number.POSITIVE_INFINITY;
    const byTime = new Map<number, { energy?: number; power?: number }>();
    for (const sample of samples) {
      if (sample.value === null || sample.phase) continue;
      const time = Date.parse(sample.sampledAt) / 1000;
      const point = byTime.get(time) ?? {};
      if (sample.measurand === 'Energy.Active.Import.Register') point.energy = sample.value;
      if (sample.measurand === 'Power.Active.Import') point.power = sample.value;
      byTime.set(time, point);
    }
    const times = [...byTime.keys()].sort((a, b) => a - b);
    const during = (time: number, value: number | undefined) =>
      time <= stopSeconds ? (value ?? null) : null;
    const after = (time: number, value: number | undefined) => (time > stopSeconds ? (value ?? null) : null);
    const data: uPlot.AlignedData = [
      times,
      times.map((t) => during(t, byTime.get(t)!.energy)),
      times.map((t) => during(t, byTime.get(t)!.power)),
      times.map((t) => after(t, byTime.get(t)!.energy)),
    ];
    const plot = new uPlot(
      {
        title: 'Energy and power',
        width: Math.max(320, element.clientWidth),
        height: 280,
        scales: { x: { time: true }, Wh: {}, W: {} },
        axes: [{}, { scale: 'Wh', label: 'Wh' }, { scale: 'W', side: 1, label: 'W', grid: { show: false } }],
        series: [
          { label: 'time (UTC)' },
          { label: 'energy register (Wh)', scale: 'Wh', stroke: '#1f6feb', width: 2 },
          { label: 'power (W)', scale: 'W', stroke: '#b35900', width: 1 },
          {
            label: 'after the stop (Wh)',
            scale: 'Wh',
            stroke: '#c62828',
            width: 2,
            dash: [6, 4],
            points: { show: true },
          },
        ],
        tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), 'Etc/UTC'),
      },
      data,
      element,
    );
    return () => plot.destroy();
  }, [samples, stopAt]);
  return <div class="chart" ref={box} role="img" aria-label="Chart of energy and power over the session" />;
}
