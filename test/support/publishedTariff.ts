/**
 * A tariff published long ago (the API takes only tariffs effective from now), as its stream's
 * first event: every dimension priced, 20 % VAT on each. Append it to `tariff-{tariffId}`.
 */
export function tariffWithEveryDimension(tariffId: string, chargerIds: string[]) {
  return {
    type: 'TariffVersionPublished',
    data: {
      tariffId,
      tenant: 'default',
      version: 1,
      effectiveFrom: '2026-01-01T00:00:00.000Z',
      terms: {
        currency: 'EUR',
        elements: [
          {
            price_components: [
              { type: 'ENERGY', price: 0.4, vat: 20, step_size: 1 },
              { type: 'TIME', price: 2, vat: 20, step_size: 60 },
              { type: 'PARKING_TIME', price: 6, vat: 20, step_size: 60 },
              { type: 'FLAT', price: 1, vat: 20, step_size: 1 },
            ],
          },
        ],
      },
      assign: { chargerIds },
    },
    metadata: { receivedAt: '2026-01-01T00:00:00.000Z' },
  };
}
