import { useEffect, useState } from 'preact/hooks';
import { Link } from 'wouter-preact';
import { allPages, api, explain, type Me, may } from '../api.js';
import { EnergyChart, type MeterSample } from '../components/EnergyChart.js';
import { ErrorMessage } from '../components/ErrorMessage.js';
import { RawFrame } from '../components/RawFrame.js';
import { dateTime, download, kwh, skew } from '../format.js';
import type { Cdr } from './CdrsPage.js';
import type { JournalEntry } from './JournalPage.js';

interface Times {
  chargerTime: string;
  correctedTime: string | null;
  serverTime: string;
}

interface Session {
  id: string;
  chargerId: string;
  transactionId: string;
  status: string;
  idTag?: string;
  authorizationStatus?: string;
  evseId?: number;
  connectorId?: number;
  meterStartWh?: number;
  meterStopWh?: number | null;
  energyWh?: number | null;
  start: Times | null;
  stop: Times | null;
  stopReason?: string | null;
  flags: string[];
  flagDetails: Record<string, Record<string, unknown>>;
  meterValues: MeterSample[];
}

interface HistoryEvent {
  revision: string;
  type: string;
  receivedAt: string;
  data: Record<string, unknown>;
  ocpp?: { action?: string; frame?: string; reply?: string; messageId?: string };
}

/** The charger's own time of a fact, when it gave one. */
const chargerTimeOf = (event: HistoryEvent): string | undefined => {
  const data = event.data as { chargerTime?: string; samples?: Array<{ chargerTime?: string }> };
  return data.chargerTime ?? data.samples?.[0]?.chargerTime;
};

/** What we decided about a fact, in words. */
function decisionOf(event: HistoryEvent): string {
  const data = event.data as {
    authorization?: { status: string; reason?: string };
    transactionKey?: string;
    duplicateSamples?: number[];
    energyWh?: number;
    recordedEnergyWh?: number;
  };
  const parts: string[] = [];
  if (event.type === 'TransactionStarted') parts.push(`transaction id ${data.transactionKey} issued`);
  if (data.authorization) parts.push(`authorization ${data.authorization.status}`);
  if (event.type === 'TransactionStartRepeated') parts.push('repeated start: the first decision stands');
  if (event.type === 'TransactionStopRepeated') parts.push('repeated stop: changes nothing');
  if (data.duplicateSamples && data.duplicateSamples.length > 0)
    parts.push(`${data.duplicateSamples.length} duplicate sample(s) recognised`);
  if (event.type === 'TransactionStopped' && data.energyWh !== undefined)
    parts.push(`energy ${kwh(data.energyWh)}`);
  if (event.type === 'SessionEnergyCorrected')
    parts.push(`energy corrected from ${kwh(data.recordedEnergyWh)} to ${kwh(data.energyWh)}`);
  return parts.join('; ');
}

/** A session's CDRs and credits, in the order they were issued. */
const cdrsOf = (sessionId: string) =>
  allPages<Cdr>(`/api/cdrs?sessionId=${encodeURIComponent(sessionId)}`, 'after');

/** One session's whole story on one time axis: for a support engineer settling a dispute. */
export function SessionPage({ me, transactionId }: { me: Me; transactionId: string }) {
  const [session, setSession] = useState<Session | undefined>();
  const [history, setHistory] = useState<HistoryEvent[]>([]);
  const [commands, setCommands] = useState<JournalEntry[]>([]);
  const [cdrs, setCdrs] = useState<Cdr[]>([]);
  const [error, setError] = useState<string | undefined>();
  useEffect(() => {
    (async () => {
      const found = await api<Session>(`/api/sessions/${encodeURIComponent(transactionId)}`);
      setSession(found);
      const [events, versions] = await Promise.all([
        may(me, 'history:read')
          ? api<HistoryEvent[]>(`/api/sessions/${encodeURIComponent(found.id)}/history`)
          : Promise.resolve([]),
        may(me, 'cdrs:read') ? cdrsOf(found.id) : Promise.resolve([]),
      ]);
      setHistory(events);
      setCdrs(versions);
      if (may(me, 'journal:read') && found.start) {
        const to = new Date(
          Date.parse(found.stop?.serverTime ?? new Date().toISOString()) + 60_000,
        ).toISOString();
        const from = new Date(Date.parse(found.start.serverTime) - 10 * 60_000).toISOString();
        const journal = await api<{ items: JournalEntry[] }>(
          `/api/chargers/${encodeURIComponent(found.chargerId)}/messages?limit=1000&from=${from}&to=${to}`,
        );
        setCommands(
          journal.items.filter((entry) => entry.direction === 'out' && entry.frame?.startsWith('[2')),
        );
      }
    })().catch((failure) => setError(explain(failure)));
  }, [transactionId]);

  if (error) return <ErrorMessage error={error} />;
  if (!session) return <p class="loading">Loading the session…</p>;
  const exportSession = () =>
    download(
      `session-${session.id.replace(/[^\w.-]+/g, '_')}.json`,
      'application/json',
      JSON.stringify({ exportedAt: new Date().toISOString(), session, history, commands, cdrs }, null, 2),
    );
  return (
    <section class="session">
      <p class="crumbs">
        <Link href={`/chargers/${encodeURIComponent(session.chargerId)}`}>{session.chargerId}</Link> › Session{' '}
        {session.transactionId}
      </p>
      <h1>
        Session {session.transactionId} on {session.chargerId}
      </h1>
      <div class="actions no-print">
        <button type="button" onClick={exportSession}>
          Export as JSON
        </button>
        <button type="button" onClick={() => window.print()}>
          Print
        </button>
      </div>
      <dl class="facts">
        <dt>Status</dt>
        <dd>{session.status}</dd>
        <dt>Token</dt>
        <dd>
          {session.idTag ?? '—'} ({session.authorizationStatus ?? '—'})
        </dd>
        <dt>Energy</dt>
        <dd data-energy-wh={session.energyWh ?? ''}>{kwh(session.energyWh)}</dd>
        <dt>Meter start / stop</dt>
        <dd>
          {session.meterStartWh ?? '—'} Wh / {session.meterStopWh ?? '—'} Wh
        </dd>
        <dt>Start</dt>
        <dd>
          charger {session.start?.chargerTime ?? '—'} · server {dateTime(session.start?.serverTime)} ·{' '}
          <span class="skew">{skew(session.start?.chargerTime, session.start?.serverTime ?? '')}</span>
        </dd>
        <dt>Stop</dt>
        <dd>
          {session.stop
            ? `charger ${session.stop.chargerTime} · server ${dateTime(session.stop.serverTime)} · ${skew(session.stop.chargerTime, session.stop.serverTime)} · ${session.stopReason ?? ''}`
            : 'not stopped'}
        </dd>
      </dl>
      <h2>Flags</h2>
      {session.flags.length === 0 ? (
        <p>None.</p>
      ) : (
        <ul class="flags" aria-label="Flags">
          {session.flags.map((code) => (
            <li key={code} data-flag={code}>
              <strong>{code}</strong> <code>{JSON.stringify(session.flagDetails[code] ?? {})}</code>
            </li>
          ))}
        </ul>
      )}
      <h2>Energy and power</h2>
      {session.meterValues.length > 0 ? (
        <EnergyChart
          samples={session.meterValues}
          stopAt={session.stop?.correctedTime ?? session.stop?.chargerTime ?? null}
        />
      ) : (
        <p>No meter samples.</p>
      )}
      <h2>Timeline</h2>
      <table class="timeline">
        <thead>
          <tr>
            <th scope="col">Server time</th>
            <th scope="col">Charger time</th>
            <th scope="col">Clock</th>
            <th scope="col">Fact</th>
            <th scope="col">Decision</th>
            <th scope="col">Frames</th>
          </tr>
        </thead>
        <tbody>
          {history.map((event) => {
            const chargerTime = chargerTimeOf(event);
            return (
              <tr key={event.revision} data-type={event.type}>
                <td>{dateTime(event.receivedAt)}</td>
                <td>{chargerTime ?? '—'}</td>
                <td class="skew">{skew(chargerTime, event.receivedAt)}</td>
                <td>
                  {event.type}
                  {event.ocpp?.action ? ` (${event.ocpp.action})` : ''}
                </td>
                <td>{decisionOf(event)}</td>
                <td>
                  {event.ocpp?.frame && <RawFrame text={event.ocpp.frame} />}
                  {event.ocpp?.reply && <RawFrame text={event.ocpp.reply} />}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {commands.length > 0 && (
        <>
          <h2>Commands sent around it</h2>
          <ul class="commands">
            {commands.map((entry) => (
              <li key={`${entry.revision}`}>
                {dateTime(entry.at)} <strong>{entry.action}</strong>
                {entry.sentBy ? ` sent by ${entry.sentBy}` : ''} <code>{entry.frame}</code>
              </li>
            ))}
          </ul>
        </>
      )}
      <h2>CDRs</h2>
      {cdrs.length === 0 ? (
        <p>No CDR (yet).</p>
      ) : (
        <table class="cdr-versions">
          <thead>
            <tr>
              <th scope="col">CDR</th>
              <th scope="col">Status</th>
              <th scope="col">Energy</th>
              <th scope="col">Cost</th>
              <th scope="col">Flags</th>
              <th scope="col">Why</th>
            </tr>
          </thead>
          <tbody>
            {cdrs.map((cdr) => (
              <tr key={cdr.id}>
                <td>{cdr.id}</td>
                <td>{cdr.credit ? 'credit' : cdr.status}</td>
                <td>{kwh(cdr.energyWh)}</td>
                <td>
                  {cdr.cost.total.incl_vat} {cdr.currency}
                </td>
                <td>{cdr.flags.join(', ') || '—'}</td>
                <td>
                  {cdr.credit
                    ? `cancels ${cdr.creditOf}: ${cdr.reason ?? ''}`
                    : cdr.replaces
                      ? `replaces ${cdr.replaces}`
                      : 'first issued'}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
