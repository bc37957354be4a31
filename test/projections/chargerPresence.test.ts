import { describe, expect, it } from 'vitest';
import {
  newPresence,
  onlyShowsLife,
  type Presence,
  presenceWithEvent,
} from '../../projections/connectorStatus/chargerPresence.js';
import type { Checkpoint, RecordedEvent } from '../../src/store/eventStore.js';

let revision = 0n;
const event = (type: string, data: unknown, at: string, fromCharger = true): RecordedEvent => ({
  id: `e-${revision}`,
  streamId: 'charger-CP1',
  revision: revision++,
  position: `0:${revision}` as Checkpoint,
  type,
  schemaVersion: 1,
  data,
  metadata: { receivedAt: at, ...(fromCharger ? { ocpp: { action: type } } : {}) },
  recordedAt: new Date(at),
});
const fold = (presence: Presence, ...events: RecordedEvent[]) => events.reduce(presenceWithEvent, presence);
const connection = (connectionId: string) =>
  event('ChargerConnected', { connectionId, protocol: 'ocpp1.6' }, '2026-12-07T10:00:00.000Z', false);

describe('charger presence', () => {
  it('given a connected charger, when it sends a heartbeat, then only last_seen moves', () => {
    const connected = fold(newPresence('CP1'), connection('c1'));
    const heartbeat = event('HeartbeatReceived', {}, '2026-12-07T10:00:05.000Z');
    expect(onlyShowsLife(heartbeat)).toBe(true);
    expect(fold(connected, heartbeat)).toEqual({ ...connected, last_seen: '2026-12-07T10:00:05.000Z' });
    expect(connected.last_revision).not.toBe('-1');
  });

  it('given a sign of life folded, when it is folded again or an older one arrives, then nothing changes', () => {
    const seen = fold(newPresence('CP1'), event('HeartbeatReceived', {}, '2026-12-07T10:00:05.000Z'));
    const again = fold(seen, event('MeterValuesReported', { samples: [] }, '2026-12-07T10:00:04.000Z'));
    expect(again).toBe(seen);
  });

  it('given an event the charger did not send, when folded, then last_seen stays', () => {
    const seen = fold(newPresence('CP1'), event('HeartbeatReceived', {}, '2026-12-07T10:00:05.000Z'));
    const command = event('CommandRequested', {}, '2026-12-07T10:01:00.000Z', false);
    expect(onlyShowsLife(command)).toBe(true);
    expect(fold(seen, command)).toBe(seen);
  });

  it('given a boot, when folded, then it is a fact: interval, boot and last_revision', () => {
    const boot = event(
      'ChargerBooted',
      { vendor: 'ACME', model: 'X', decision: { status: 'Accepted', interval: 300 } },
      '2026-12-07T10:00:01.000Z',
    );
    expect(onlyShowsLife(boot)).toBe(false);
    const booted = fold(newPresence('CP1'), boot);
    expect(booted).toMatchObject({
      heartbeat_interval_seconds: 300,
      boot: { vendor: 'ACME', model: 'X', status: 'Accepted', at: '2026-12-07T10:00:01.000Z' },
      last_seen: '2026-12-07T10:00:01.000Z',
      last_revision: boot.revision.toString(),
    });
    expect(fold(booted, boot)).toBe(booted);
  });

  it('given an alert-raising event, when folded, then it is a fact with the alert kept', () => {
    const timedOut = event(
      'RemoteStartTimedOut',
      { commandId: 'k', evseId: 1, idTag: 'T', timeoutSeconds: 1 },
      '2026-12-07T10:02:00.000Z',
      false,
    );
    expect(onlyShowsLife(timedOut)).toBe(false);
    expect(fold(newPresence('CP1'), timedOut).alerts).toEqual([
      expect.objectContaining({ type: 'remote_start_timeout', at: '2026-12-07T10:02:00.000Z' }),
    ]);
  });

  it('given a replacing connection announced first, when the old one closes, then the charger stays connected', () => {
    const replaced = fold(
      newPresence('CP1'),
      connection('new'),
      event('ChargerDisconnected', { connectionId: 'old', code: 1006 }, '2026-12-07T10:00:01.000Z', false),
    );
    expect(replaced).toMatchObject({ connected: true, connection_id: 'new', disconnected_at: null });
  });
});
