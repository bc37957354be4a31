import { CallLost, type LostReason } from './chargePointConnection.js';

/** What a fleet of simulated chargers has done so far: the live summary and the benchmarks read it. */
export class FleetStats {
  connected = 0;
  bootsAccepted = 0;
  sessionsStarted = 0;
  sessionsStopped = 0;
  /** our calls the CSMS answered with a CALLRESULT */
  answered = 0;
  /** CALLERRORs the CSMS answered with */
  refused = 0;
  /** calls that got no answer (timeout, connection lost): retried when they are transaction messages */
  lost = 0;
  /** the lost calls by why (a flaky charger hanging up on its own calls is not the CSMS's doing) */
  readonly lostReasons = new Map<LostReason | 'other', number>();
  connectFailures = 0;
  /** why connecting failed, by reason (HTTP status, timeout…) */
  readonly connectFailureReasons = new Map<string, number>();
  /** transaction messages given up after TransactionMessageAttempts CALLERRORs */
  dropped = 0;
  /** commands from the CSMS answered */
  commands = 0;
  /** answer latencies of our calls, ms (all of them: runs are bounded) */
  readonly latencies: number[] = [];
  readonly started = Date.now();

  /** how many transaction messages wait in the chargers' offline queues (set by the fleet) */
  queued = 0;

  countLost(error: unknown): void {
    this.lost++;
    const reason = error instanceof CallLost ? error.reason : 'other';
    this.lostReasons.set(reason, (this.lostReasons.get(reason) ?? 0) + 1);
  }

  get errors(): number {
    return this.refused + this.connectFailures + this.dropped;
  }
}
