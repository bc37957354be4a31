/** A flat tariff from configuration: prices in the currency's units. */
export interface Tariff {
  currency: string;
  perKwh: number;
  perMinute: number;
  perSession: number;
}

export const FREE: Tariff = { currency: 'EUR', perKwh: 0, perMinute: 0, perSession: 0 };

/** What a session costs: each part and the total, rounded to cents (half away from zero). */
export function priceSession(
  tariff: Tariff,
  usage: { energyWh: number; durationSeconds: number },
): { energy: number; time: number; session: number; total: number } {
  const cents = (value: number) => Math.round(value * 100) / 100;
  const energy = cents((Math.max(usage.energyWh, 0) / 1000) * tariff.perKwh);
  const time = cents((Math.max(usage.durationSeconds, 0) / 60) * tariff.perMinute);
  const session = cents(tariff.perSession);
  return { energy, time, session, total: cents(energy + time + session) };
}
