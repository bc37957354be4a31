import { useEffect, useState } from 'preact/hooks';
import { Link } from 'wouter-preact';
import { allPages, api, explain, type Me, may } from '../api.js';
import { CommandsPanel } from '../components/CommandsPanel.js';
import { ErrorMessage } from '../components/ErrorMessage.js';
import { ago, dateTime, kwh } from '../format.js';
import { useLive } from '../live.js';
import { applyLive, type Charger, stateOf } from './FleetPage.js';

interface SessionRow {
  id: string;
  transactionId: string;
  status: string;
  energyWh: number | null;
  start: { serverTime: string } | null;
  flags: string[];
}

interface StoredFile {
  id: string;
  fileName: string;
  size: number;
  storedAt: string;
}

/** One charger: registration, boot, live connectors, sessions, alerts, files, and the commands panel. */
export function ChargerPage({ me, id }: { me: Me; id: string }) {
  const [charger, setCharger] = useState<(Charger & Record<string, unknown>) | undefined>();
  const [sessions, setSessions] = useState<SessionRow[]>([]);
  const [firmware, setFirmware] = useState<Array<Record<string, unknown>>>([]);
  const [diagnostics, setDiagnostics] = useState<StoredFile[]>([]);
  const [localList, setLocalList] = useState<Record<string, unknown> | undefined>();
  const [error, setError] = useState<string | undefined>();
  const path = `/api/chargers/${encodeURIComponent(id)}`;
  const load = () => {
    api<Charger & Record<string, unknown>>(path)
      .then(setCharger)
      .catch((failure) => setError(explain(failure)));
    if (may(me, 'sessions:read'))
      allPages<SessionRow>(`/api/sessions?chargerId=${encodeURIComponent(id)}`).then((rows) =>
        setSessions(rows.reverse()),
      );
    api<Array<Record<string, unknown>>>(`${path}/firmware-updates`).then(setFirmware, () => undefined);
    api<StoredFile[]>(`${path}/diagnostics`).then(setDiagnostics, () => undefined);
    api<Record<string, unknown>>(`${path}/local-list`).then(setLocalList, () => undefined);
  };
  useEffect(load, [id]);
  useLive(id, (event) => {
    setCharger((current) => current && { ...current, ...applyLive(current, event) });
    if (event.type === 'TransactionStarted' || event.type === 'TransactionStopped') load();
  });
  if (error) return <ErrorMessage error={error} />;
  if (!charger) return <p class="loading">Loading {id}…</p>;
  const state = stateOf(charger, me.staleAfterSeconds);
  return (
    <section>
      <h1>
        Charger {charger.id}{' '}
        <span class={`state ${state}`} data-state={state}>
          {state === 'online' ? 'Online' : state === 'offline' ? 'Offline' : 'Stale'}
        </span>
      </h1>
      <p>
        <Link href={`/chargers/${encodeURIComponent(id)}/messages`}>Message journal</Link>
      </p>
      <div class="columns">
        <section aria-labelledby="registration">
          <h2 id="registration">Registration and boot</h2>
          <dl class="facts">
            <dt>Tenant</dt>
            <dd>{charger.tenant}</dd>
            <dt>Registration</dt>
            <dd>{charger.status}</dd>
            <dt>Security profile</dt>
            <dd>{String(charger.securityProfile ?? '—')}</dd>
            <dt>Protocol</dt>
            <dd>{charger.protocol ?? '—'}</dd>
            <dt>Last seen</dt>
            <dd title={dateTime(charger.lastSeen)}>{ago(charger.lastSeen)}</dd>
            <dt>Vendor · model</dt>
            <dd>
              {charger.boot?.vendor ?? '—'} · {charger.boot?.model ?? '—'}
            </dd>
            <dt>Firmware</dt>
            <dd>{charger.boot?.firmwareVersion ?? '—'}</dd>
          </dl>
        </section>
        <section aria-labelledby="connectors">
          <h2 id="connectors">Connectors</h2>
          <ul class="connectors">
            {charger.connectors.map((connector) => (
              <li key={`${connector.evseId}/${connector.connectorId}`} data-connector={connector.evseId}>
                {connector.evseId === 0 ? 'Charger' : `Connector ${connector.evseId}`}:{' '}
                <strong>{connector.status}</strong>
                {connector.errorCode && connector.errorCode !== 'NoError' ? ` (${connector.errorCode})` : ''}
              </li>
            ))}
          </ul>
          <h2>Alerts</h2>
          {charger.alerts.length === 0 ? (
            <p>None.</p>
          ) : (
            <ul>
              {charger.alerts.map((alert, index) => (
                <li key={index}>
                  {alert.type ?? alert.code} {typeof alert.at === 'string' ? dateTime(alert.at) : ''}
                </li>
              ))}
            </ul>
          )}
        </section>
      </div>
      {(may(me, 'commands:soft') || may(me, 'commands:send')) && (
        <CommandsPanel me={me} chargerId={charger.id} protocol={charger.protocol} />
      )}
      <h2>Sessions</h2>
      <table>
        <thead>
          <tr>
            <th scope="col">Transaction</th>
            <th scope="col">Started</th>
            <th scope="col">Status</th>
            <th scope="col">Energy</th>
            <th scope="col">Flags</th>
          </tr>
        </thead>
        <tbody>
          {sessions.map((session) => (
            <tr key={session.id}>
              <td>
                <Link href={`/sessions/${encodeURIComponent(session.id)}`}>{session.transactionId}</Link>
              </td>
              <td>{dateTime(session.start?.serverTime)}</td>
              <td>{session.status}</td>
              <td>{kwh(session.energyWh)}</td>
              <td>{session.flags.join(', ') || '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <h2>Firmware updates</h2>
      {firmware.length === 0 ? (
        <p>None.</p>
      ) : (
        <ul>
          {firmware.map((update) => (
            <li key={String(update.commandId)}>
              {dateTime(String(update.requestedAt))} {String(update.location ?? '')}:{' '}
              <strong>{String(update.status ?? 'sent')}</strong>
            </li>
          ))}
        </ul>
      )}
      <h2>Diagnostics files</h2>
      {diagnostics.length === 0 ? (
        <p>None.</p>
      ) : (
        <ul>
          {diagnostics.map((file) => (
            <li key={file.id}>
              <a href={`${path}/diagnostics/${file.id}`} download>
                {file.fileName}
              </a>{' '}
              {file.size.toLocaleString('en')} bytes, {dateTime(file.storedAt)}
            </li>
          ))}
        </ul>
      )}
      <h2>Local authorization list</h2>
      <p>
        {localList
          ? `version ${String(localList.listVersion ?? '—')}, ${(localList.entries as unknown[] | undefined)?.length ?? 0} entries, ${localList.upToDate ? 'up to date' : 'not up to date'}`
          : '—'}
      </p>
    </section>
  );
}
