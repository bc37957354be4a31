import { fileURLToPath } from 'node:url';
import { chargerIdOf, receivedAtOf } from '../../src/domain/eventMetadata.js';
import { loadMigrations } from '../../src/store/postgres/migrate.js';
import { acceptedCommand } from '../commandEvents.js';
import { eachEvent, type Projector } from '../projector.js';

const MIGRATIONS = fileURLToPath(new URL('./migrations/', import.meta.url));

interface Profile16 {
  chargingProfileId: number;
  chargingProfilePurpose: string;
  stackLevel: number;
}

/** The charging profiles each charger holds, as the SetChargingProfile and ClearChargingProfile it accepted leave them. */
export async function chargingProfilesProjector(): Promise<Projector> {
  return {
    name: 'charging_profiles',
    streamPrefix: 'charger-',
    eventTypes: new Set(['CommandCompleted']),
    migrations: await loadMigrations(MIGRATIONS),
    apply: eachEvent(async (event, tx) => {
      const chargerId = chargerIdOf(event.streamId);
      const set = acceptedCommand(event, 'SetChargingProfile');
      if (set) {
        const connectorId = Number(set.connectorId ?? set.evseId ?? 0);
        const profile = (set.csChargingProfiles ?? set.chargingProfile) as Profile16 & {
          id?: number;
          chargingProfilePurpose?: string;
        };
        // a profile with the same id replaces the one before, on whichever connector it was
        await tx.query('DELETE FROM charging_profiles WHERE charger_id = $1 AND profile_id = $2', [
          chargerId,
          profile.chargingProfileId ?? profile.id,
        ]);
        await tx.query(
          `INSERT INTO charging_profiles (charger_id, connector_id, profile_id, purpose, stack_level, profile, set_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7)`,
          [
            chargerId,
            connectorId,
            profile.chargingProfileId ?? profile.id,
            profile.chargingProfilePurpose,
            profile.stackLevel,
            JSON.stringify(profile),
            receivedAtOf(event),
          ],
        );
        return;
      }
      const clear = acceptedCommand(event, 'ClearChargingProfile');
      if (clear) {
        // every filter the command gave must match; none given clears them all
        await tx.query(
          `DELETE FROM charging_profiles WHERE charger_id = $1
             AND ($2::bigint IS NULL OR profile_id = $2) AND ($3::int IS NULL OR connector_id = $3)
             AND ($4::text IS NULL OR purpose = $4) AND ($5::int IS NULL OR stack_level = $5)`,
          [
            chargerId,
            clear.id ?? null,
            clear.connectorId ?? null,
            clear.chargingProfilePurpose ?? null,
            clear.stackLevel ?? null,
          ],
        );
      }
    }),
  };
}
