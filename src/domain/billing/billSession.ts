import type { Tariff as ConfiguredTariff } from '../../policies/tariff.js';
import { type SessionRecord, sessionUsageOf } from '../charger/transactions/sessionRecord.js';
import type { BilledSession, CdrPrice } from './cdrEvents.js';
import { priceSession } from './priceSession.js';
import type { ChosenTariff, SessionForPricing } from './tariffChoice.js';
import type { TariffTerms } from './tariffTerms.js';

/**
 * The configured flat tariff (TARIFF_*) in OCPI's words, for sessions no published tariff is for:
 * per kWh, per minute plugged in (charging or idle alike, as it always priced) and per session.
 */
export function configuredTerms(tariff: ConfiguredTariff): TariffTerms {
  const perHour = tariff.perMinute * 60;
  return {
    currency: tariff.currency,
    elements: [
      {
        price_components: [
          { type: 'ENERGY', price: tariff.perKwh, step_size: 1 },
          { type: 'TIME', price: perHour, step_size: 1 },
          { type: 'PARKING_TIME', price: perHour, step_size: 1 },
          { type: 'FLAT', price: tariff.perSession, step_size: 1 },
        ],
      },
    ],
  };
}

const msOf = (iso: string | null) => (iso === null ? undefined : Date.parse(iso));

/** When a session started and stopped for billing: corrected charger times, else the server's. */
function billedTimes(session: SessionRecord): { startMs: number; stopMs: number } | undefined {
  const startMs = msOf(session.startCorrectedTime) ?? msOf(session.startServerTime);
  const stopMs = msOf(session.stopCorrectedTime) ?? msOf(session.stopServerTime);
  return startMs === undefined || stopMs === undefined ? undefined : { startMs, stopMs };
}

/** What chooses the tariff that prices a session (the same for its cost and its CDR's). */
export function pricingOf(session: SessionRecord): SessionForPricing {
  const startMs = msOf(session.startCorrectedTime) ?? msOf(session.startServerTime)!;
  return {
    tenant: session.tenant,
    chargerId: session.chargerId,
    ...(session.tokenGroup ? { tokenGroup: session.tokenGroup } : {}),
    startedAt: new Date(startMs).toISOString(),
  };
}

/** What a stopped session's CDR bills; undefined while it runs, or when it was abandoned. */
export function billedSessionOf(session: SessionRecord): BilledSession | undefined {
  const times = billedTimes(session);
  if (session.status !== 'stopped' || !times || session.energyWh === null) return undefined;
  return {
    sessionId: session.id,
    chargerId: session.chargerId,
    transactionKey: session.transactionKey,
    tenant: session.tenant,
    evseId: session.evseId,
    connectorId: session.connectorId,
    idTag: session.idTag,
    ...(session.tokenGroup ? { tokenGroup: session.tokenGroup } : {}),
    startTime: new Date(times.startMs).toISOString(),
    stopTime: new Date(Math.max(times.startMs, times.stopMs)).toISOString(),
    energyWh: session.energyWh,
    chargingSeconds: session.chargingSeconds ?? 0,
    idleSeconds: session.idleSeconds ?? 0,
    stopReason: session.stopReason ?? 'Other',
    flags: session.flags,
  };
}

/**
 * A stopped session's price under the tariff chosen for it (the configured one when none is):
 * the one pricing function over the same usage the session's times come from.
 */
export function cdrPriceOf(
  session: SessionRecord,
  chosen: ChosenTariff | undefined,
  configured: TariffTerms,
): CdrPrice {
  return priceUntil(session, billedTimes(session)!.stopMs, chosen, configured);
}

/**
 * What a session costs by the one pricing function: a stopped one what its CDR bills, one under
 * way what it has cost so far (until `nowMs`). Undefined for an abandoned session.
 */
export function sessionPriceAt(
  session: SessionRecord,
  chosen: ChosenTariff | undefined,
  configured: TariffTerms,
  nowMs: number,
): CdrPrice | undefined {
  if (session.status === 'abandoned') return undefined;
  if (session.status === 'stopped') {
    const times = billedTimes(session);
    return times && session.energyWh !== null
      ? priceUntil(session, times.stopMs, chosen, configured)
      : undefined;
  }
  return priceUntil(session, nowMs, chosen, configured);
}

function priceUntil(
  session: SessionRecord,
  untilMs: number,
  chosen: ChosenTariff | undefined,
  configured: TariffTerms,
): CdrPrice {
  const terms = chosen?.version.terms ?? configured;
  const cost = priceSession(sessionUsageOf(session, untilMs), terms);
  const money = ({ excl_vat, incl_vat }: { excl_vat: number; incl_vat: number }) => ({ excl_vat, incl_vat });
  return {
    tariff: chosen ? { id: chosen.tariffId, version: chosen.version.version } : null,
    currency: cost.currency,
    energy: money(cost.energy),
    time: money(cost.time),
    parkingTime: money(cost.parkingTime),
    flat: money(cost.flat),
    total: cost.total,
  };
}
