import { serialStream } from '../domain/charger/registry/serialNumberEvents.js';
import { StreamNotFound, WrongExpectedRevision } from '../store/errors.js';
import type { EventStore } from '../store/eventStore.js';

/**
 * Which identity first booted with a serial number. Vendors ship chargers with the same default
 * serial, so a serial already claimed by another identity is flagged at boot (not refused).
 * The claim is an event in serial-{serial}; the first one written wins.
 */
export class SerialNumberClaims {
  /** first claims seen, by stream: a first claim never changes, so every boot after it is a lookup */
  private readonly firstClaims = new Map<string, string>();

  constructor(
    private readonly store: EventStore,
    private readonly clock: () => Date,
    private readonly remembered = 100_000,
  ) {}

  /** Claims the serial for `identity`; returns the other identity that claimed it first, if any. */
  async claim(serial: string, identity: string): Promise<string | undefined> {
    const stream = serialStream(serial);
    const known = this.firstClaims.get(stream);
    if (known !== undefined) return known === identity ? undefined : known;
    for (let attempt = 1; ; attempt++) {
      const first = await this.firstClaim(stream);
      if (first !== undefined) return first === identity ? undefined : first;
      try {
        await this.store.append(
          stream,
          [
            {
              type: 'SerialNumberClaimed',
              data: { identity },
              metadata: { receivedAt: this.clock().toISOString() },
            },
          ],
          { expectedRevision: 'no_stream' },
        );
        this.remember(stream, identity);
        return undefined;
      } catch (error) {
        // another identity claimed it at the same moment: read who
        if (!(error instanceof WrongExpectedRevision) || attempt >= 3) throw error;
      }
    }
  }

  private async firstClaim(stream: string): Promise<string | undefined> {
    try {
      const [first] = await this.store.readStream(stream, { maxCount: 1 });
      const identity = (first?.data as { identity?: string } | undefined)?.identity;
      if (identity !== undefined) this.remember(stream, identity);
      return identity;
    } catch (error) {
      if (error instanceof StreamNotFound) return undefined;
      throw error;
    }
  }

  private remember(stream: string, identity: string): void {
    // bounded: past the limit it starts over (every entry can be read again from its stream)
    if (this.firstClaims.size >= this.remembered) this.firstClaims.clear();
    this.firstClaims.set(stream, identity);
  }
}
