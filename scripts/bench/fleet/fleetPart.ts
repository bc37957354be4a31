/**
 * A share of a benchmark's simulated fleet in a process of its own, driven over IPC by the bench:
 * start, stats, storm, settle, stop. Every wait is bounded by the timeout the bench gives.
 */
import { Fleet, type FleetOptions } from '../../simulator/fleet.js';

let fleet: Fleet | undefined;
const reply = (message: object) => process.send!(message);

process.on('message', async (message: Record<string, unknown>) => {
  if (message.start) {
    fleet = new Fleet(message.start as FleetOptions);
    fleet.start();
    reply({ started: true });
  } else if (message.stats && fleet) {
    const { stats } = fleet;
    reply({
      stats: {
        connected: stats.connected,
        booted: fleet.chargers.filter((charger) => charger.bootAccepted).length,
        answered: stats.answered,
        refused: stats.refused,
        lost: stats.lost,
        connectFailures: stats.connectFailures,
        connectFailureReasons: Object.fromEntries(stats.connectFailureReasons),
        lostReasons: Object.fromEntries(stats.lostReasons),
        dropped: stats.dropped,
        queued: fleet.queued(),
        sessionsStarted: stats.sessionsStarted,
        sessionsStopped: stats.sessionsStopped,
        acknowledged: fleet.acknowledged(),
        // the answer latencies since the last time they were asked for
        latencies: stats.latencies.splice(0),
      },
    });
  } else if (message.storm && fleet) {
    fleet.storm(message.storm as object);
    reply({ stormed: true });
  } else if (message.settle && fleet) {
    const started = Date.now();
    const ok = await fleet.settled(Number(message.settle)).then(
      () => true,
      () => false,
    );
    reply({ settled: { ok, ms: Date.now() - started } });
  } else if (message.stop) {
    fleet?.stop();
    reply({ stopped: true });
    setTimeout(() => process.exit(0), 100);
  }
});
// a bench that died must not leave its chargers reconnecting for ever
process.on('disconnect', () => process.exit(0));
reply({ ready: true });
