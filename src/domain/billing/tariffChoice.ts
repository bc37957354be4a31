import type { Tariff, TariffVersion } from './tariffs.js';

/** What decides which tariff prices a session. */
export interface SessionForPricing {
  tenant: string;
  chargerId: string;
  /** the group of the token that started it, if it has one */
  tokenGroup?: string;
  /** when it started (corrected time), ISO 8601 */
  startedAt: string;
}

export interface ChosenTariff {
  tariffId: string;
  version: TariffVersion;
}

/** the version in effect at an instant: the latest that took effect by then and has not ended */
export function versionAt(tariff: Tariff, at: string): TariffVersion | undefined {
  const version = tariff.versions.filter((candidate) => candidate.effectiveFrom <= at).at(-1);
  const ends = version?.terms.end_date_time;
  if (!version || (ends && new Date(Date.parse(ends.endsWith('Z') ? ends : `${ends}Z`)).toISOString() <= at))
    return undefined;
  return version;
}

/**
 * The tariff that prices a session: of its tenant's tariffs whose version in effect at the
 * session's start is for it, the most specific (its charger and its token's group, then its charger,
 * then the group, then the tenant's default); a tie goes to the version that took effect last,
 * then to the lowest id, so the choice never depends on the order tariffs are read in.
 */
export function chooseTariff(
  tariffs: readonly Tariff[],
  session: SessionForPricing,
): ChosenTariff | undefined {
  let best: { chosen: ChosenTariff; rank: [number, string, string] } | undefined;
  for (const tariff of tariffs) {
    if (tariff.tenant !== session.tenant) continue;
    const version = versionAt(tariff, session.startedAt);
    if (!version) continue;
    const { chargerIds, tokenGroup } = version.assign;
    if (chargerIds?.length && !chargerIds.includes(session.chargerId)) continue;
    if (tokenGroup !== undefined && tokenGroup !== session.tokenGroup) continue;
    const specificity = (chargerIds?.length ? 2 : 0) + (tokenGroup !== undefined ? 1 : 0);
    const rank: [number, string, string] = [specificity, version.effectiveFrom, tariff.id];
    const better =
      !best ||
      rank[0] > best.rank[0] ||
      (rank[0] === best.rank[0] &&
        (rank[1] > best.rank[1] || (rank[1] === best.rank[1] && rank[2] < best.rank[2])));
    if (better) best = { chosen: { tariffId: tariff.id, version }, rank };
  }
  return best?.chosen;
}
