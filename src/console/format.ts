/** Times and figures as the console shows them. */

export const dateTime = (iso: string | null | undefined) =>
  iso
    ? new Date(iso)
        .toISOString()
        .replace('T', ' ')
        .replace(/\.\d+Z$/, 'Z')
    : '—';

export function ago(iso: string | null | undefined, now = Date.now()): string {
  if (!iso) return 'never';
  const seconds = Math.round((now - Date.parse(iso)) / 1000);
  if (seconds < 60) return `${Math.max(seconds, 0)} s ago`;
  if (seconds < 3600) return `${Math.round(seconds / 60)} min ago`;
  if (seconds < 86_400) return `${Math.round(seconds / 3600)} h ago`;
  return `${Math.round(seconds / 86_400)} d ago`;
}

export const kwh = (wh: number | null | undefined) =>
  wh === null || wh === undefined
    ? '—'
    : `${(wh / 1000).toLocaleString('en', { maximumFractionDigits: 3 })} kWh`;

/** The difference between a charger's clock and ours, in words ("+2 h 3 min", "in step"). */
export function skew(chargerTime: string | undefined, serverTime: string): string {
  const charger = chargerTime ? Date.parse(chargerTime) : Number.NaN;
  if (Number.isNaN(charger)) return chargerTime ? 'unreadable' : '';
  const ms = charger - Date.parse(serverTime);
  if (Math.abs(ms) < 60_000) return 'in step';
  const minutes = Math.round(Math.abs(ms) / 60_000);
  const text = minutes >= 60 ? `${Math.floor(minutes / 60)} h ${minutes % 60} min` : `${minutes} min`;
  return `${ms > 0 ? '+' : '−'}${text}`;
}

/** Downloads text as a file (export, CSV), made in the page: no URL carries data to the server. */
export function download(name: string, type: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 1_000);
}
