import type pg from 'pg';
import type { CommandOutcome } from '../../cluster/commandRouter.js';
import {
  inMessages,
  type KnownLocalList,
  type LocalListEntry,
  type LocalListMessage,
  type LocalListPlan,
  planLocalList,
} from '../../domain/charger/commands/localListPlan.js';
import type { CommandContext } from '../../domain/eventMetadata.js';
import type { IdTokenType } from '../../domain/tokens/tokenEvents.js';
import { localListLimitsIn } from '../../ocpp/commands/outboundCommands.js';
import type { ChargerCommandService, Unsendable } from './chargerCommandService.js';

/** The commands a synchronisation sends, in order. */
type Step = 'GetLocalListVersion' | 'GetLocalListLimits' | 'SendLocalList';

/** What one synchronisation did. */
export type LocalListSyncResult =
  /** the charger could not be asked, or refused: the command's outcome says why */
  | { status: 'failed'; step: Step; outcome: CommandOutcome }
  | { status: 'not_supported' }
  | { status: 'up_to_date'; listVersion: number }
  | {
      status: 'sent';
      updateType: 'Full' | 'Differential';
      /** the version the last message sent named */
      listVersion: number;
      /** the entries sent, in all the messages */
      entries: number;
      /** what the charger answered the last message sent: Accepted, or Failed/NotSupported/VersionMismatch */
      answer: string;
      /** how many SendLocalList messages went, and how many the list took (the charger's per-message limit) */
      messages: number;
      messagesPlanned: number;
    };

/** The read models a list is planned from did not catch up with the log in time. */
export class ReadModelsBehind extends Error {
  override readonly name = 'ReadModelsBehind';
}

/** A step whose command could not be sent. */
const unsent = (step: Step, sent: Unsendable): LocalListSyncResult =>
  sent.unsendable === 'not_supported'
    ? { status: 'not_supported' }
    : { status: 'failed', step, outcome: { status: 'offline' } };

/**
 * Brings a charger's local authorization list in line with the active tokens of its tenant: asks
 * the version it holds, then sends a Differential when that is a version we know the contents of,
 * Full otherwise (and Full again when the charger answers VersionMismatch).
 */
export class LocalListSync {
  private readonly running = new Map<string, Promise<LocalListSyncResult>>();

  constructor(
    private readonly pool: pg.Pool,
    private readonly commands: ChargerCommandService,
    private readonly timeoutMs: number,
    private readonly clock: () => Date,
    /**
     * resolves true once the tokens and local-list read models have caught up with the log as it
     * is now: a list planned from them is a decision (ARCHITECTURE §1 rule 6), and a token blocked
     * a moment ago must not be sent as Accepted
     */
    private readonly readModelsCaughtUp: () => Promise<boolean>,
  ) {}

  /** One synchronisation at a time per charger: a second request joins the running one. */
  sync(identity: string, tenant: string, context: CommandContext): Promise<LocalListSyncResult> {
    const running = this.running.get(identity);
    if (running) return running;
    const started = this.run(identity, tenant, context).finally(() => this.running.delete(identity));
    this.running.set(identity, started);
    return started;
  }

  /** The entries a charger of this tenant should hold: its tokens that are neither blocked nor expired. */
  async wanted(tenant: string): Promise<LocalListEntry[]> {
    const { rows } = await this.pool.query<{
      issued_as: string;
      token_type: IdTokenType | null;
      expiry_date: Date | null;
      parent_id_tag: string | null;
    }>(
      `SELECT issued_as, token_type, expiry_date, parent_id_tag FROM tokens
        WHERE tenant = $1 AND NOT blocked AND (expiry_date IS NULL OR expiry_date > $2)
        ORDER BY id_tag`,
      [tenant, this.clock()],
    );
    return rows.map((row) => ({
      idTag: row.issued_as,
      ...(row.token_type ? { tokenType: row.token_type } : {}),
      grant: {
        status: 'Accepted',
        ...(row.expiry_date ? { expiryDate: row.expiry_date.toISOString() } : {}),
        ...(row.parent_id_tag ? { parentIdTag: row.parent_id_tag } : {}),
      },
    }));
  }

  private async run(identity: string, tenant: string, context: CommandContext): Promise<LocalListSyncResult> {
    const asked = await this.commands.sendCommand(
      identity,
      { kind: 'ReadLocalListVersion' },
      this.timeoutMs,
      context,
    );
    if ('unsendable' in asked) return unsent('GetLocalListVersion', asked);
    // no version in the answer (a CALLERROR, a timeout): the outcome says why
    if (asked.fact?.type !== 'LocalListVersionReported')
      return { status: 'failed', step: 'GetLocalListVersion', outcome: asked.outcome };
    const heldVersion = asked.fact.data.listVersion;
    if (!(await this.readModelsCaughtUp())) {
      throw new ReadModelsBehind('the tokens or local lists read model is behind the log; try again shortly');
    }
    const [known, wanted] = await Promise.all([this.known(identity), this.wanted(tenant)]);
    let plan = planLocalList({ heldVersion, known, wanted });
    let result = await this.send(identity, plan, context);
    if (
      result.status === 'sent' &&
      result.answer === 'VersionMismatch' &&
      result.updateType === 'Differential'
    ) {
      plan = planLocalList({ heldVersion, known, wanted, forceFull: true });
      result = await this.send(identity, plan, context);
    }
    return result;
  }

  /** Sends a plan in as many messages as the charger takes; stops at the first it does not accept. */
  private async send(
    identity: string,
    plan: LocalListPlan,
    context: CommandContext,
  ): Promise<LocalListSyncResult> {
    if (plan.kind === 'not_supported') return { status: 'not_supported' };
    if (plan.kind === 'up_to_date') return { status: 'up_to_date', listVersion: plan.listVersion };
    let messages = [plan];
    if (plan.entries.length > 1) {
      const asked = await this.commands.sendCommand(
        identity,
        { kind: 'ReadLocalListLimits' },
        this.timeoutMs,
        context,
      );
      if ('unsendable' in asked) return unsent('GetLocalListLimits', asked);
      // a charger that does not say takes the list whole, as before; one that cannot answer now, later
      if (asked.outcome.status === 'offline' || asked.outcome.status === 'timeout')
        return { status: 'failed', step: 'GetLocalListLimits', outcome: asked.outcome };
      const limits = localListLimitsIn(asked.version, asked.outcome);
      messages = inMessages(plan, limits.maxEntriesPerMessage);
    }
    let last: { message: LocalListMessage; answer: string } | undefined;
    let entries = 0;
    let sentMessages = 0;
    for (const message of messages) {
      const sent = await this.sendOne(identity, message, context);
      if (sent.status !== 'sent') return sent;
      sentMessages++;
      entries += message.entries.length;
      last = { message, answer: sent.answer };
      if (sent.answer !== 'Accepted') break;
    }
    return {
      status: 'sent',
      updateType: plan.updateType,
      listVersion: last!.message.listVersion,
      entries,
      answer: last!.answer,
      messages: sentMessages,
      messagesPlanned: messages.length,
    };
  }

  private async sendOne(
    identity: string,
    message: LocalListMessage,
    context: CommandContext,
  ): Promise<LocalListSyncResult | { status: 'sent'; answer: string }> {
    const { updateType, listVersion, entries } = message;
    const sent = await this.commands.sendCommand(
      identity,
      { kind: 'ReplaceLocalList', updateType, listVersion, entries },
      this.timeoutMs,
      context,
    );
    if ('unsendable' in sent) return unsent('SendLocalList', sent);
    if (sent.fact?.type !== 'LocalListSent')
      return { status: 'failed', step: 'SendLocalList', outcome: sent.outcome };
    return { status: 'sent', answer: sent.fact.data.answer };
  }

  /** The list the read model says the charger accepted last, if any (one statement: one snapshot). */
  async known(identity: string): Promise<KnownLocalList | undefined> {
    const { rows } = await this.pool.query<{
      list_version: number | null;
      id_tag: string | null;
      entry_grant: LocalListEntry['grant'] | null;
    }>(
      `SELECT l.list_version, e.id_tag, e.id_tag_info AS entry_grant
         FROM local_lists l LEFT JOIN local_list_entries e ON e.charger_id = l.charger_id
        WHERE l.charger_id = $1`,
      [identity],
    );
    const listVersion = rows[0]?.list_version;
    if (listVersion === null || listVersion === undefined) return undefined;
    const entries: LocalListEntry[] = [];
    for (const row of rows) {
      if (row.id_tag !== null && row.entry_grant) entries.push({ idTag: row.id_tag, grant: row.entry_grant });
    }
    return { listVersion, entries };
  }
}
