import { describe, expect, it } from 'vitest';
import { concernsPrefix, streamCategories } from '../../src/store/postgres/appendNotifications.js';

describe('which subscriptions an append wakes', () => {
  it('names each stream by its category, once', () => {
    expect(streamCategories(['charger-CP-1', 'charger-CP-2', 'cdr-9', 'ocpi-token-NL-X', 'plain'])).toBe(
      'charger- cdr- ocpi- plain',
    );
  });

  it('names nothing when the categories would not fit a notification, which wakes everyone', () => {
    const many = Array.from({ length: 2_000 }, (_, i) => `stream${i}`);
    expect(streamCategories(many)).toBe('');
    expect(concernsPrefix('cdr-', '')).toBe(true);
  });

  it('wakes a subscription to streams of that category, and to every stream', () => {
    expect(concernsPrefix('charger-', 'charger- cdr-')).toBe(true);
    expect(concernsPrefix('ocpi-token-', 'ocpi-')).toBe(true);
    expect(concernsPrefix(undefined, 'idtag-')).toBe(true);
  });

  it('leaves a subscription to other streams asleep', () => {
    expect(concernsPrefix('cdr-', 'charger-')).toBe(false);
    expect(concernsPrefix('apitoken-', 'charger- idtag- serial-')).toBe(false);
  });

  it('never leaves asleep a subscription whose streams were appended to', () => {
    const alphabet = ['a', 'b', '-', ' ', 'c'];
    let seed = 7;
    const random = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const word = (max: number) =>
      Array.from(
        { length: 1 + Math.floor(random() * max) },
        () => alphabet[Math.floor(random() * alphabet.length)],
      ).join('');
    for (let i = 0; i < 5_000; i++) {
      const streams = Array.from({ length: 1 + Math.floor(random() * 4) }, () => word(8));
      const prefix = word(5);
      const payload = streamCategories(streams);
      if (streams.some((stream) => stream.startsWith(prefix)))
        expect(concernsPrefix(prefix, payload), `${prefix} in ${JSON.stringify(streams)}`).toBe(true);
    }
  });
});
