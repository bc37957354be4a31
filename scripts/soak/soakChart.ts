import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { launchChromium } from '../../test/support/browser.js';
import type { ServerSample } from './serverSample.js';

const require = createRequire(import.meta.url);

interface Panel {
  title: string;
  unit: string;
  series: Array<{ label: string; key: keyof ServerSample; color: string }>;
}

const PANELS: Panel[] = [
  {
    title: 'Server memory',
    unit: 'MB',
    series: [
      { label: 'RSS', key: 'rssMB', color: '#1f6feb' },
      { label: 'V8 heap used', key: 'heapUsedMB', color: '#2da44e' },
      { label: 'old generation used', key: 'oldSpaceMB', color: '#8250df' },
      { label: 'heap after a major GC', key: 'heapAfterMajorGcMB', color: '#cf222e' },
      { label: 'off the heap', key: 'offHeapMB', color: '#bf8700' },
    ],
  },
  {
    title: 'Event-loop lag p99 (per interval)',
    unit: 'ms',
    series: [{ label: 'lag p99', key: 'lagP99Ms', color: '#cf222e' }],
  },
  {
    title: 'Calls answered per second',
    unit: 'calls/s',
    series: [{ label: 'calls/s', key: 'callsPerSecond', color: '#8250df' }],
  },
  {
    title: 'Connections and descriptors',
    unit: 'count',
    series: [
      { label: 'OCPP connections', key: 'connections', color: '#1f6feb' },
      { label: 'open fds', key: 'openFds', color: '#bf8700' },
      { label: 'database connections ×10', key: 'databaseConnections', color: '#2da44e' },
    ],
  },
];

/**
 * Draws the soak's samples over time (uPlot, the console's own chart library, in Debian's
 * Chromium) and writes them as a PNG.
 */
export async function writeSoakChart(samples: ServerSample[], heading: string, path: string): Promise<void> {
  const uplotScript = await readFile(require.resolve('uplot/dist/uPlot.iife.min.js'), 'utf8');
  const uplotStyle = await readFile(require.resolve('uplot/dist/uPlot.min.css'), 'utf8');
  const minutes = samples.map((sample) => sample.t / 60);
  const panels = PANELS.map((panel) => ({
    title: panel.title,
    unit: panel.unit,
    labels: panel.series.map((series) => series.label),
    colors: panel.series.map((series) => series.color),
    data: [
      minutes,
      ...panel.series.map((series) =>
        samples.map((sample) => {
          // a sample from a server that did not report it is a gap, not a zero
          const value = sample[series.key] as number | undefined;
          if (value === undefined) return null;
          return series.key === 'databaseConnections' ? value * 10 : value;
        }),
      ),
    ],
  }));
  const html = `<!doctype html><html><head><meta charset="utf-8"><style>${uplotStyle}
    body { font: 14px system-ui, sans-serif; margin: 16px; background: #fff; }
    h1 { font-size: 18px; margin: 0 0 4px; } p { margin: 0 0 12px; color: #57606a; white-space: pre-line; }
    h2 { font-size: 14px; margin: 12px 0 0; }</style></head><body>
    <h1>Ampledger soak</h1><p id="heading"></p><div id="charts"></div>
    <script>${uplotScript}</script>
    <script>
      const panels = ${JSON.stringify(panels)};
      document.getElementById('heading').textContent = ${JSON.stringify(heading)};
      for (const panel of panels) {
        const title = document.createElement('h2');
        title.textContent = panel.title + ' (' + panel.unit + ')';
        const holder = document.createElement('div');
        document.getElementById('charts').append(title, holder);
        new uPlot({
          width: 1100, height: 220,
          scales: { x: { time: false } },
          axes: [{ label: 'minutes since the soak started' }, { label: panel.unit, size: 70 }],
          series: [{ label: 'minute' }, ...panel.labels.map((label, i) => ({ label, stroke: panel.colors[i], width: 1.5 }))],
        }, panel.data, holder);
      }
    </script></body></html>`;
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width: 1140, height: 800 } });
    await page.setContent(html);
    await page.screenshot({ path, fullPage: true });
  } finally {
    await browser.close();
  }
}
