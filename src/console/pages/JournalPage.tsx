import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { Link } from 'wouter-preact';
import { api, explain, type Me, type Page } from '../api.js';
import { ErrorMessage } from '../components/ErrorMessage.js';
import { RawFrame } from '../components/RawFrame.js';
import { rangeParams, TimeRange } from '../components/TimeRange.js';
import { dateTime } from '../format.js';
import { useLive } from '../live.js';

/** One frame of the journal as /api/chargers/{id}/messages gives it. */
export interface JournalEntry {
  revision: number;
  at: string;
  direction: 'in' | 'out';
  action?: string;
  messageId?: string;
  frame?: string;
  frameBase64?: string;
  rejected?: { reason: string; answeredWith?: string };
  unmatched?: { reason: string };
  /** a command: who asked for it */
  sentBy?: string;
}

const PAGE = 200;

/** The frame type of a raw OCPP-J frame: 2 CALL, 3 CALLRESULT, 4 CALLERROR (undefined: unreadable). */
const frameType = (entry: JournalEntry) => Number(/^\s*\[\s*(\d)/.exec(entry.frame ?? '')?.[1]) || undefined;
const isError = (entry: JournalEntry) => Boolean(entry.rejected || entry.unmatched || frameType(entry) === 4);

/** Each answer with the time since its call (the call is the other direction, same message id). */
function pairUp(entries: JournalEntry[]): Map<JournalEntry, number> {
  const calls = new Map<string, JournalEntry>();
  const latency = new Map<JournalEntry, number>();
  for (const entry of entries) {
    if (entry.messageId === undefined) continue;
    const type = frameType(entry);
    const key = `${entry.direction === 'in' ? 'charger' : 'csms'}:${entry.messageId}`;
    if (type === 2) calls.set(key, entry);
    else if (type === 3 || type === 4) {
      const call = calls.get(`${entry.direction === 'in' ? 'csms' : 'charger'}:${entry.messageId}`);
      if (call) latency.set(entry, Date.parse(entry.at) - Date.parse(call.at));
    }
  }
  return latency;
}

/** The message journal of one charger: newest first page, older on demand, paired, filterable, live. */
export function JournalPage({ me: _me, id }: { me: Me; id: string }) {
  const [entries, setEntries] = useState<JournalEntry[]>([]);
  const [older, setOlder] = useState<number | null | undefined>(undefined);
  const [error, setError] = useState<string | undefined>();
  const [action, setAction] = useState('');
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [errorsOnly, setErrorsOnly] = useState(false);
  const [tail, setTail] = useState(true);
  /** the newest revision read: the live tail reads what comes after it */
  const last = useRef<number | undefined>(undefined);
  const reading = useRef<Promise<void> | undefined>(undefined);
  /** the newest page has been read: until then pushed facts (the last seconds' among them) wait */
  const ready = useRef(false);
  const base = `/api/chargers/${encodeURIComponent(id)}/messages`;

  const query = (extra: Record<string, string>) => {
    const params = new URLSearchParams({ limit: String(PAGE), ...extra });
    if (action) params.set('action', action);
    return rangeParams(params, from, to);
  };
  const read = <T,>(work: () => Promise<T>) =>
    work().then(
      (value) => {
        setError(undefined);
        return value;
      },
      (failure) => {
        setError(explain(failure));
        return undefined;
      },
    );
  const newest = (items: JournalEntry[]) => {
    for (const entry of items) last.current = Math.max(last.current ?? -1, entry.revision);
  };
  /** the newest page (what support looks at first) */
  const openLatest = () =>
    read(async () => {
      ready.current = false;
      last.current = undefined;
      const page = await api<Page<JournalEntry> & { previousCursor: number | null }>(
        `${base}?${query({ latest: 'true' })}`,
      );
      newest(page.items);
      setEntries(page.items);
      setOlder(page.previousCursor);
      ready.current = true;
    });
  const loadOlder = () =>
    read(async () => {
      if (older === null || older === undefined) return;
      const page = await api<Page<JournalEntry> & { previousCursor: number | null }>(
        `${base}?${query({ before: String(older) })}`,
      );
      setEntries((current) => [...page.items, ...current]);
      setOlder(page.previousCursor);
    });
  /** the live tail: what came after the newest frame read, page by page to the end */
  const readNewer = (after: number) => {
    reading.current ??= read(async () => {
      let cursor: number | null = after;
      for (let pages = 0; cursor !== null && pages < 20; pages++) {
        const page: Page<JournalEntry> = await api<Page<JournalEntry>>(
          `${base}?${query({ after: String(cursor) })}`,
        );
        newest(page.items);
        last.current = Math.max(
          last.current ?? -1,
          typeof page.nextCursor === 'number' ? page.nextCursor : -1,
        );
        setEntries((current) => [...current, ...page.items]);
        cursor = page.nextCursor as number | null;
      }
    }).finally(() => {
      reading.current = undefined;
    });
  };
  useEffect(() => void openLatest(), [id, action, from, to]);
  useLive(id, (event) => {
    if (!tail || !ready.current) return;
    // nothing read yet (an empty or filtered journal): the tail starts just before this fact
    const after = last.current ?? event.revision - 1;
    if (event.revision > after) readNewer(after);
  });

  const shown = useMemo(() => (errorsOnly ? entries.filter(isError) : entries), [entries, errorsOnly]);
  const latency = useMemo(() => pairUp(entries), [entries]);
  return (
    <section>
      <p class="crumbs">
        <Link href={`/chargers/${encodeURIComponent(id)}`}>{id}</Link> › Messages
      </p>
      <h1>Message journal of {id}</h1>
      <form class="filters" onSubmit={(event) => event.preventDefault()}>
        <label>
          Action{' '}
          <input value={action} onChange={(e) => setAction((e.target as HTMLInputElement).value.trim())} />
        </label>
        <TimeRange from={from} to={to} onFrom={setFrom} onTo={setTo} />
        <label>
          <input
            type="checkbox"
            checked={errorsOnly}
            onChange={(e) => setErrorsOnly((e.target as HTMLInputElement).checked)}
          />{' '}
          Errors only
        </label>
        <label>
          <input
            type="checkbox"
            checked={tail}
            onChange={(e) => setTail((e.target as HTMLInputElement).checked)}
          />{' '}
          Live tail
        </label>
      </form>
      <ErrorMessage error={error} />
      {older !== null && older !== undefined && (
        <button type="button" onClick={() => void loadOlder()}>
          Load older frames
        </button>
      )}
      {older === null && <p class="hint">The start of the journal.</p>}
      <ol class="journal" aria-label="Frames">
        {shown.map((entry) => {
          const type = frameType(entry);
          const transaction = /"transactionId"\s*:\s*(-?\d+)/.exec(entry.frame ?? '')?.[1];
          return (
            <li
              key={`${entry.revision}-${entry.direction}`}
              class={`frame ${entry.direction} ${isError(entry) ? 'is-error' : ''}`}
              data-message-id={entry.messageId}
            >
              <div class="frame-head">
                <time dateTime={entry.at}>{dateTime(entry.at)}</time>
                <span class="direction">{entry.direction === 'in' ? '← from charger' : '→ to charger'}</span>
                <span class="kind">
                  {type === 2 ? 'CALL' : type === 3 ? 'CALLRESULT' : type === 4 ? 'CALLERROR' : 'frame'}
                </span>
                <strong>{entry.action ?? ''}</strong>
                {entry.messageId && <code>{entry.messageId}</code>}
                {entry.sentBy && <span class="latency">sent by {entry.sentBy}</span>}
                {latency.has(entry) && <span class="latency">{latency.get(entry)} ms after its call</span>}
                {entry.rejected && (
                  <span class="flag">
                    refused: {entry.rejected.reason}
                    {entry.rejected.answeredWith ? ` (answered ${entry.rejected.answeredWith})` : ''}
                  </span>
                )}
                {entry.unmatched && <span class="flag">matches no call: {entry.unmatched.reason}</span>}
                {transaction && Number(transaction) > 0 && (
                  <Link href={`/sessions/${encodeURIComponent(`${id}:${transaction}`)}`}>
                    session {transaction}
                  </Link>
                )}
              </div>
              <RawFrame text={entry.frame ?? `(base64) ${entry.frameBase64 ?? ''}`} />
            </li>
          );
        })}
      </ol>
      {tail && <p class="hint">New frames appear here as the charger sends them.</p>}
    </section>
  );
}
