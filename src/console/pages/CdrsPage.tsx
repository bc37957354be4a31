import { useEffect, useState } from 'preact/hooks';
import { Link } from 'wouter-preact';
import { allPages, api, explain, type Me, may, type Page } from '../api.js';
import { ErrorMessage } from '../components/ErrorMessage.js';
import { rangeParams, TimeRange } from '../components/TimeRange.js';
import { dateTime, download, kwh } from '../format.js';

interface Money {
  excl_vat: number;
  incl_vat: number;
}

/** A CDR or a credit as the feed gives it. */
export interface Cdr {
  id: string;
  sessionId: string;
  transactionId: string;
  cursor: string;
  credit: boolean;
  creditOf: string | null;
  replaces: string | null;
  status: 'billable' | 'review' | 'released' | 'credited';
  heldFor: string[];
  chargerId: string;
  idTag: string | null;
  startTime: string | null;
  stopTime: string | null;
  energyWh: number;
  chargingSeconds: number | null;
  idleSeconds: number | null;
  tariff: { id: string; version: number } | null;
  currency: string;
  cost: { energy: Money; time: Money; parkingTime: Money; flat: Money; total: Money };
  flags: string[];
  reason: string | null;
}

const COLUMNS: Array<[string, (cdr: Cdr) => string | number]> = [
  ['id', (cdr) => cdr.id],
  ['status', (cdr) => cdr.status],
  ['creditOf', (cdr) => cdr.creditOf ?? ''],
  ['replaces', (cdr) => cdr.replaces ?? ''],
  ['charger', (cdr) => cdr.chargerId],
  ['transaction', (cdr) => cdr.transactionId],
  ['idTag', (cdr) => cdr.idTag ?? ''],
  ['start', (cdr) => cdr.startTime ?? ''],
  ['stop', (cdr) => cdr.stopTime ?? ''],
  ['energyWh', (cdr) => cdr.energyWh],
  ['chargingSeconds', (cdr) => cdr.chargingSeconds ?? ''],
  ['idleSeconds', (cdr) => cdr.idleSeconds ?? ''],
  ['tariff', (cdr) => (cdr.tariff ? `${cdr.tariff.id}@${cdr.tariff.version}` : 'configured')],
  ['currency', (cdr) => cdr.currency],
  ['totalExclVat', (cdr) => cdr.cost.total.excl_vat],
  ['totalInclVat', (cdr) => cdr.cost.total.incl_vat],
  ['flags', (cdr) => cdr.flags.join(' ')],
];

const csvCell = (value: string | number) =>
  /[",\n]/.test(String(value)) ? `"${String(value).replaceAll('"', '""')}"` : String(value);

/** Billing's view: CDRs by time and charger, paged by the feed's cursor, and a CSV download. */
export function CdrsPage({ me }: { me: Me }) {
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
  const release = async (cdr: Cdr) => {
    try {
      const released = await api<Cdr>(`/api/cdrs/${encodeURIComponent(cdr.id)}/release`, {
        method: 'POST',
        body: {},
      });
      setItems((current) => current.map((item) => (item.id === cdr.id ? released : item)));
      setError(undefined);
    } catch (failure) {
      setError(explain(failure));
    }
  };
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
            <th scope="col">Status</th>
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
              <td>
                {cdr.credit ? `credit of ${cdr.creditOf}` : cdr.status}
                {cdr.status === 'review' && ` (${cdr.heldFor.join(', ')})`}
                {cdr.status === 'review' && may(me, 'cdrs:release') && (
                  <button type="button" onClick={() => void release(cdr)}>
                    Release
                  </button>
                )}
              </td>
              <td>{cdr.chargerId}</td>
              <td>{cdr.stopTime ? dateTime(cdr.stopTime) : '—'}</td>
              <td>{kwh(cdr.energyWh)}</td>
              <td>
                {cdr.cost.total.incl_vat} {cdr.currency}
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
