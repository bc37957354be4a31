import { parseChargerTime } from './chargerTime.js';

/** The same instant, however the charger wrote it (the text when it is no time at all). */
export function sameChargerTime(a: string, b: string): boolean {
  const [left, right] = [parseChargerTime(a), parseChargerTime(b)];
  return left !== undefined && right !== undefined ? left === right : a === b;
}

/**
 * A StartTransaction with the same connector, meterStart and timestamp as one already recorded
 * is that transaction sent again (a lost reply, an offline queue replayed): same transaction id.
 */
export function isDuplicateStart(
  recorded: { evseId: number; connectorId: number; meterStartWh: number; chargerTime: string },
  incoming: { evseId: number; connectorId: number; meterStartWh: number; chargerTime: string },
): boolean {
  return (
    recorded.evseId === incoming.evseId &&
    recorded.connectorId === incoming.connectorId &&
    recorded.meterStartWh === incoming.meterStartWh &&
    sameChargerTime(recorded.chargerTime, incoming.chargerTime)
  );
}

/** The key two samples of one transaction share when they are one sample: their instant. */
export function sampleTimeKey(chargerTime: string): string {
  return String(parseChargerTime(chargerTime) ?? chargerTime);
}

/** MeterValues with the same transaction and sample timestamp are one sample. */
export function isDuplicateSample(seenSampleKeys: readonly string[], chargerTime: string): boolean {
  return seenSampleKeys.includes(sampleTimeKey(chargerTime));
}
