import { useEffect, useState } from 'preact/hooks';
import { Link } from 'wouter-preact';
import { allPages, api, explain, type Me, type Page } from '../api.js';
import { ErrorMessage } from '../components/ErrorMessage.js';
import { rangeParams, TimeRange } from '../components/TimeRange.js';
import { dateTime, download, kwh } from '../format.js';

interface Cdr {
  id: string;
  sessionId: string;
  transactionId: string;
  version: number;
  cursor: string;
  chargerId: string;
  idTag: string;
  startTime: string;
  stopTime: string;
  durationSeconds: number;
  energyWh: number;
  currency: string;
  cost: { total: number };
  flags: string[];
}

const COLUMNS: Array<[string, (cdr: Cdr) => string | number]> = [
  ['id', (cdr) => cdr.id],
  ['version', (cdr) => cdr.version],
  ['charger', (cdr) => cdr.chargerId],
  ['transaction', (cdr) => cdr.transactionId],
  ['idTag', (cdr) => cdr.idTag],
  ['start', (cdr) => cdr.startTime],
  ['stop', (cdr) => cdr.stopTime],
  ['durationSeconds', (cdr) => cdr.durationSeconds],
  ['energyWh', (cdr) => cdr.energyWh],
  ['currency', (cdr) => cdr.currency],
  ['total', (cdr) => cdr.cost.total],
  ['flags', (cdr) => cdr.flags.join(' ')],
];

const csvCell = (value: string | number) =>
  /[",\n]/.test(String(value)) ? `"${String(value).replaceAll('"', '""')}"` : String(value);

/** Billing's view: CDRs by time and charger, paged by the feed's cursor, and a CSV download. */
export function CdrsPage({ me: _me }: { me: Me }) {
  const [items, setItems] = useState<Cdr[]>([]);
  const [next, setNext] = useState<string | null>(null);
  const [chargerId, setChargerId] = useState('');
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [error, setError] = useState<string | undefined>();
  const filters = () => {
    const params = new URLSearchParams();
    if (chargerId) params.set('chargerId', chargerId);
    return rangeParams(params, from, to);
  };
  const load = async (after?: string) => {
    try {
      const params = filters();
      params.set('limit', '100');
      if (after) params.set('after', after);
      const page = await api<Page<Cdr>>(`/api/cdrs?${params}`);
      setItems((current) => (after ? [...current, ...page.items] : page.items));
      setNext(page.nextCursor as string | null);
      setError(undefined);
    } catch (failure) {
      setError(explain(failure));
    }
  };
  useEffect(() => void load(), [chargerId, from, to]);
  const csv = async () => {
    const all = await allPages<Cdr>(`/api/cdrs?${filters()}`, 'after');
    const lines = [
      COLUMNS.map(([name]) => name).join(','),
      ...all.map((cdr) => COLUMNS.map(([, value]) => csvCell(value(cdr))).join(',')),
    ];
    download('cdrs.csv', 'text/csv', `${lines.join('\n')}\n`);
  };
  return (
    <section>
      <h1>Charge detail records</h1>
      <form class="filters" onSubmit={(event) => event.preventDefault()}>
        <label>
          Charger{' '}
          <input
            value={chargerId}
            onChange={(e) => setChargerId((e.target as HTMLInputElement).value.trim())}
          />
        </label>
        <TimeRange fromLabel="Stopped from" toLabel="to" from={from} to={to} onFrom={setFrom} onTo={setTo} />
        <button type="button" onClick={() => void csv()}>
          Download CSV
        </button>
      </form>
      <ErrorMessage error={error} />
      <table aria-label="CDRs">
        <thead>
          <tr>
            <th scope="col">CDR</th>
            <th scope="col">Charger</th>
            <th scope="col">Stopped</th>
            <th scope="col">Energy</th>
            <th scope="col">Cost</th>
            <th scope="col">Flags</th>
          </tr>
        </thead>
        <tbody>
          {items.map((cdr) => (
            <tr key={cdr.id}>
              <td>
                <Link href={`/sessions/${encodeURIComponent(cdr.sessionId)}`}>{cdr.id}</Link>
              </td>
              <td>{cdr.chargerId}</td>
              <td>{dateTime(cdr.stopTime)}</td>
              <td>{kwh(cdr.energyWh)}</td>
              <td>
                {cdr.cost.total} {cdr.currency}
              </td>
              <td>{cdr.flags.join(', ') || '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {next && (
        <button type="button" onClick={() => void load(next)}>
          Load more
        </button>
      )}
    </section>
  );
}
