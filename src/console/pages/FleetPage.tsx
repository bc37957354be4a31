import { useEffect, useMemo, useState } from 'preact/hooks';
import { Link } from 'wouter-preact';
import { allPages, explain, type Me } from '../api.js';
import { ErrorMessage } from '../components/ErrorMessage.js';
import { VirtualList } from '../components/VirtualList.js';
import { ago, dateTime } from '../format.js';
import { type LiveEvent, useLive } from '../live.js';

export interface Connector {
  evseId: number;
  connectorId: number;
  status: string;
  errorCode: string | null;
}

export interface Charger {
  id: string;
  tenant: string;
  status: string;
  online: boolean;
  lastSeen: string | null;
  protocol: string | null;
  boot: { vendor?: string; model?: string; firmwareVersion?: string } | null;
  alerts: Array<{ type?: string; code?: string } & Record<string, unknown>>;
  connectors: Connector[];
}

type State = 'online' | 'offline' | 'stale';

/** Online, offline, or stale: connected but silent for longer than STALE_AFTER (a half-open link). */
export function stateOf(charger: Charger, staleAfterSeconds: number, now = Date.now()): State {
  if (!charger.online) return 'offline';
  const seen = charger.lastSeen ? Date.parse(charger.lastSeen) : 0;
  return now - seen > staleAfterSeconds * 1000 ? 'stale' : 'online';
}

const isCharging = (charger: Charger) => charger.connectors.some((c) => c.status === 'Charging');
const isFaulted = (charger: Charger) => charger.connectors.some((c) => c.status === 'Faulted');

/** A live fact applied to a charger row (idempotent: applying it twice changes nothing). */
export function applyLive(charger: Charger, event: LiveEvent): Charger {
  const seen = event.fromCharger && event.at > (charger.lastSeen ?? '');
  const next: Charger = { ...charger, lastSeen: seen ? event.at : charger.lastSeen };
  if (event.type === 'ChargerConnected') {
    next.online = true;
    next.protocol = String(event.data.protocol ?? charger.protocol);
  } else if (event.type === 'ChargerDisconnected') {
    next.online = false;
  } else if (event.type === 'ConnectorStatusReported') {
    const { evseId, connectorId, status, errorCode } = event.data as unknown as Connector;
    const others = charger.connectors.filter((c) => c.evseId !== evseId || c.connectorId !== connectorId);
    next.connectors = [...others, { evseId, connectorId, status, errorCode }].sort(
      (a, b) => a.evseId - b.evseId || a.connectorId - b.connectorId,
    );
  } else if (event.type === 'ChargerBooted') {
    next.boot = { ...charger.boot, ...(event.data as Charger['boot']) };
  }
  // the alert as the server raises it, once (a replayed fact is not shown twice, and the read
  // model keeps one clock skew an hour)
  const alert = event.data.alert as { type: string; at: string } | undefined;
  if (alert && !charger.alerts.some((other) => repeats(alert, other)))
    next.alerts = [...charger.alerts, alert];
  return next;
}

const HOUR_MS = 3_600_000;
const repeats = (alert: { type: string; at: string }, other: { type?: string; at?: unknown }) =>
  other.type === alert.type &&
  (other.at === alert.at ||
    (alert.type === 'clock_skew' &&
      typeof other.at === 'string' &&
      Math.abs(Date.parse(alert.at) - Date.parse(other.at)) < HOUR_MS));

const FILTERS = ['all', 'online', 'offline', 'stale', 'charging', 'faulted'] as const;
type Filter = (typeof FILTERS)[number];

/** Fleet health: every charger of the tenant, live, with counts, filters and search. */
export function FleetPage({ me }: { me: Me }) {
  const [chargers, setChargers] = useState<Map<string, Charger> | undefined>();
  const [error, setError] = useState<string | undefined>();
  const [search, setSearch] = useState('');
  const [filter, setFilter] = useState<Filter>('all');
  const [now, setNow] = useState(Date.now());
  const [pending] = useState<LiveEvent[]>([]);

  const load = () =>
    allPages<Charger>('/api/chargers')
      .then((list) => {
        const map = new Map(list.map((charger) => [charger.id, charger]));
        // what arrived while the list loaded is applied on top of it
        for (const event of pending.splice(0)) {
          const known = map.get(event.chargerId);
          if (known) map.set(event.chargerId, applyLive(known, event));
        }
        setChargers(map);
      })
      .catch((failure) => setError(explain(failure)));
  useLive(
    undefined,
    (event) =>
      setChargers((current) => {
        if (!current) {
          pending.push(event);
          return current;
        }
        const known = current.get(event.chargerId);
        if (!known) {
          // a charger this page has not seen yet: read the list again
          void load();
          return current;
        }
        return new Map(current).set(event.chargerId, applyLive(known, event));
      }),
    () => void load(),
  );
  // staleness grows with time alone: the page looks again every 15 s (nothing is fetched)
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 15_000);
    return () => clearInterval(timer);
  }, []);

  const list = useMemo(
    () => [...(chargers?.values() ?? [])].sort((a, b) => a.id.localeCompare(b.id)),
    [chargers],
  );
  const counts = useMemo(() => {
    const result = { online: 0, offline: 0, stale: 0, charging: 0, faulted: 0 };
    for (const charger of list) {
      result[stateOf(charger, me.staleAfterSeconds, now)]++;
      if (isCharging(charger)) result.charging++;
      if (isFaulted(charger)) result.faulted++;
    }
    return result;
  }, [list, now, me.staleAfterSeconds]);
  const shown = useMemo(() => {
    const needle = search.trim().toLowerCase();
    return list.filter((charger) => {
      const state = stateOf(charger, me.staleAfterSeconds, now);
      if (filter === 'charging' && !isCharging(charger)) return false;
      if (filter === 'faulted' && !isFaulted(charger)) return false;
      if ((filter === 'online' || filter === 'offline' || filter === 'stale') && state !== filter)
        return false;
      if (!needle) return true;
      const text = `${charger.id} ${charger.boot?.vendor ?? ''} ${charger.boot?.model ?? ''}`.toLowerCase();
      return text.includes(needle);
    });
  }, [list, search, filter, now, me.staleAfterSeconds]);

  return (
    <section>
      <h1>Fleet</h1>
      <ErrorMessage error={error} />
      <ul class="counts" aria-label="Fleet counts">
        {(['online', 'offline', 'stale', 'charging', 'faulted'] as const).map((key) => (
          <li key={key}>
            <button
              type="button"
              class={`count ${key}`}
              onClick={() => setFilter(key)}
              aria-pressed={filter === key}
            >
              <span class="figure" data-count={key}>
                {counts[key]}
              </span>{' '}
              {key}
            </button>
          </li>
        ))}
      </ul>
      <div class="filters">
        <label>
          Search{' '}
          <input
            type="search"
            value={search}
            onInput={(e) => setSearch((e.target as HTMLInputElement).value)}
          />
        </label>
        <label>
          Show{' '}
          <select value={filter} onChange={(e) => setFilter((e.target as HTMLSelectElement).value as Filter)}>
            {FILTERS.map((value) => (
              <option key={value} value={value}>
                {value}
              </option>
            ))}
          </select>
        </label>
        <span aria-live="polite">
          {chargers ? `${shown.length} of ${list.length} chargers` : 'Loading chargers…'}
        </span>
      </div>
      <div class="fleet-head" aria-hidden="true">
        <span>Charger</span>
        <span>State</span>
        <span>Last seen</span>
        <span>Protocol</span>
        <span>Vendor · model · firmware</span>
        <span>Connectors</span>
        <span>Alerts</span>
      </div>
      <VirtualList
        items={shown}
        rowHeight={48}
        height="65vh"
        label="Chargers"
        row={(charger) => {
          const state = stateOf(charger, me.staleAfterSeconds, now);
          return (
            <div class="fleet-row" data-charger={charger.id}>
              <span>
                <Link href={`/chargers/${encodeURIComponent(charger.id)}`}>{charger.id}</Link>
              </span>
              <span class={`state ${state}`} data-state={state}>
                {state === 'online' ? 'Online' : state === 'offline' ? 'Offline' : 'Stale'}
              </span>
              <span title={dateTime(charger.lastSeen)}>{ago(charger.lastSeen, now)}</span>
              <span>{charger.protocol ?? '—'}</span>
              <span>
                {[charger.boot?.vendor, charger.boot?.model, charger.boot?.firmwareVersion]
                  .filter(Boolean)
                  .join(' · ') || '—'}
              </span>
              <span>
                {charger.connectors
                  .filter((c) => c.evseId > 0)
                  .map((c) => `${c.evseId}: ${c.status}`)
                  .join(', ') || '—'}
              </span>
              <span>
                {charger.alerts.length > 0 ? charger.alerts.map((a) => a.type ?? a.code).join(', ') : '—'}
              </span>
            </div>
          );
        }}
      />
    </section>
  );
}
