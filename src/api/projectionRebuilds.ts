import type pg from 'pg';
import { rebuildProjection } from '../../projections/projectionRebuild.js';
import type { Projector } from '../../projections/projector.js';
import type { EventStore } from '../store/eventStore.js';
import type { ProjectionRebuilds } from './routes/projectionRoutes.js';

/** Rebuilds read models in the background, one run at a time, one read model after another. */
export function backgroundRebuilds(deps: {
  store: EventStore;
  connection: pg.ClientConfig;
  projectors: Record<string, () => Promise<Projector>>;
  logger: { info(detail: object, message?: string): void; error(detail: object, message?: string): void };
}): ProjectionRebuilds {
  let running: string[] = [];
  return {
    names: Object.keys(deps.projectors),
    running: () => running,
    start(names) {
      if (running.length > 0) return false;
      running = [...names];
      void (async () => {
        for (const name of names) {
          try {
            const events = await rebuildProjection({
              store: deps.store,
              connection: deps.connection,
              projector: await deps.projectors[name]!(),
            });
            deps.logger.info({ projection: name, events }, 'read model rebuilt and swapped in');
          } catch (error) {
            deps.logger.error({ err: error, projection: name }, 'read model rebuild failed');
          }
          running = running.filter((other) => other !== name);
        }
        running = [];
      })();
      return true;
    },
  };
}
