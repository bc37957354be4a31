import pg from 'pg';

/** The advisory lock of a job, per schema (one database may hold several Ampledgers) and job name ($1). */
const TRY_LOCK = `SELECT pg_try_advisory_lock(hashtext(coalesce(current_schema(), '') || ':job:' || $1)) AS locked`;

/**
 * Lets one node of a cluster at a time run a job that must not run on two at once: pushes to OCPI
 * partners, which an eMSP would otherwise receive once from every node (a CDR POSTed twice may be
 * billed twice). A PostgreSQL advisory lock, held on a connection of its own: taken when free,
 * kept while that connection lives. When the connection is lost the node stops running the job
 * at once and PostgreSQL frees the lock for another node's next try.
 */
export class ClusterJobLock {
  private client: pg.Client | undefined;
  private held = false;
  private closed = false;

  constructor(
    private readonly connection: pg.ClientConfig,
    private readonly job: string,
  ) {}

  /** Whether this node may run the job now: it holds the lock, or has just taken it. */
  async holds(): Promise<boolean> {
    if (this.closed) return false;
    if (this.held) return true;
    let client = this.client;
    try {
      if (!client) {
        client = new pg.Client({ ...this.connection, application_name: `ampledger-job-${this.job}` });
        const opened = client;
        opened.on('error', () => this.lost(opened));
        opened.on('end', () => this.lost(opened));
        this.client = opened;
        await opened.connect();
      }
      const { rows } = await client.query<{ locked: boolean }>(TRY_LOCK, [this.job]);
      this.held = rows[0]?.locked === true && this.client === client;
    } catch {
      if (client) this.lost(client);
    }
    return this.held;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.held = false;
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }

  private lost(client: pg.Client): void {
    if (client !== this.client) return;
    this.held = false;
    this.client = undefined;
    void client.end().catch(() => undefined);
  }
}
