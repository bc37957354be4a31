/**
 * The last revision of recently written streams, so that an append is decided without reading
 * its stream first. A charger's stream is written by the one node holding its socket, so the
 * cache is nearly always right; when another writer moved a stream on, the insert hits the
 * (stream, revision) unique index, the entry is dropped and the batch is decided again from the
 * database.
 */
export class RevisionCache {
  private readonly revisions = new Map<string, bigint>();

  constructor(private readonly capacity = 200_000) {}

  get(streamId: string): bigint | undefined {
    const revision = this.revisions.get(streamId);
    if (revision !== undefined) {
      // Map keeps insertion order: re-inserting makes this the most recently used entry
      this.revisions.delete(streamId);
      this.revisions.set(streamId, revision);
    }
    return revision;
  }

  set(streamId: string, revision: bigint): void {
    this.revisions.delete(streamId);
    this.revisions.set(streamId, revision);
    if (this.revisions.size > this.capacity) {
      const oldest = this.revisions.keys().next().value;
      if (oldest !== undefined) this.revisions.delete(oldest);
    }
  }

  /**
   * A revision a read found at the end of a stream: kept unless a later one is known already (a
   * read may return after an append of ours moved the stream on). A read sees only committed
   * events, so it is never ahead of the database.
   */
  learn(streamId: string, revision: bigint): void {
    const known = this.revisions.get(streamId);
    if (known === undefined || known < revision) this.set(streamId, revision);
  }

  forget(streamId: string): void {
    this.revisions.delete(streamId);
  }
}
