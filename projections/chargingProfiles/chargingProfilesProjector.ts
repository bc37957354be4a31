import { fileURLToPath } from 'node:url';
import type { CommandOutcomeEvent } from '../../src/domain/charger/commands/commandOutcomeEvents.js';
import { chargerIdOf, receivedAtOf } from '../../src/domain/eventMetadata.js';
import { loadMigrations } from '../../src/store/postgres/migrate.js';
import { eachEvent, type Projector } from '../projector.js';

const MIGRATIONS = fileURLToPath(new URL('./migrations/', import.meta.url));

/** The charging profiles each charger holds, as the profiles it accepted and the clears it accepted leave them. */
export async function chargingProfilesProjector(): Promise<Projector> {
  return {
    name: 'charging_profiles',
    streamPrefix: 'charger-',
    eventTypes: new Set(['ChargingProfileSet', 'ChargingProfilesCleared']),
    migrations: await loadMigrations(MIGRATIONS),
    apply: eachEvent(async (event, tx) => {
      const chargerId = chargerIdOf(event.streamId);
      const fact = { type: event.type, data: event.data } as CommandOutcomeEvent;
      if (fact.type === 'ChargingProfileSet') {
        const { evseId, profileId, purpose, stackLevel, profile } = fact.data;
        // a profile with the same id replaces the one before, on whichever connector it was
        await tx.query('DELETE FROM charging_profiles WHERE charger_id = $1 AND profile_id = $2', [
          chargerId,
          profileId,
        ]);
        await tx.query(
          `INSERT INTO charging_profiles (charger_id, connector_id, profile_id, purpose, stack_level, profile, set_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7)`,
          [chargerId, evseId, profileId, purpose, stackLevel, JSON.stringify(profile), receivedAtOf(event)],
        );
        return;
      }
      if (fact.type === 'ChargingProfilesCleared') {
        const { profileId, evseId, purpose, stackLevel } = fact.data;
        // every criterion given must match; none given clears them all
        await tx.query(
          `DELETE FROM charging_profiles WHERE charger_id = $1
             AND ($2::bigint IS NULL OR profile_id = $2) AND ($3::int IS NULL OR connector_id = $3)
             AND ($4::text IS NULL OR purpose = $4) AND ($5::int IS NULL OR stack_level = $5)`,
          [chargerId, profileId ?? null, evseId ?? null, purpose ?? null, stackLevel ?? null],
        );
      }
    }),
  };
}
