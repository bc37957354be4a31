import { OCPI_PARTNER_EVENT_TYPES, type OcpiPartnerEvent } from '../domain/ocpi/ocpiPartnerEvents.js';
import { evolveOcpiPartner, NO_PARTNER, type OcpiPartnerState } from '../domain/ocpi/ocpiPartners.js';
import type { EventStore } from '../store/eventStore.js';
import { StreamBook } from './streamBook.js';

export interface Partner {
  partnerId: string;
  state: OcpiPartnerState;
}

/** Every OCPI partner as its stream tells it (token B and endpoints from its credentials). */
export class PartnerBook extends StreamBook<Partner, OcpiPartnerEvent> {
  constructor(store: EventStore) {
    super(store, {
      streamPrefix: 'ocpi-partner-',
      eventTypes: OCPI_PARTNER_EVENT_TYPES,
      idOf: (_event, streamId) => streamId.slice('ocpi-partner-'.length),
      evolve: (partner, event) => ({
        partnerId: partner?.partnerId ?? (event.data as { partnerId: string }).partnerId,
        state: evolveOcpiPartner(partner?.state ?? NO_PARTNER, event),
      }),
    });
  }
}

/** A registered partner's receiver endpoint for a module, and the token B to call it with. */
export function receiverOf(partner: Partner, module: string): { url: string; tokenB: string } | undefined {
  const { state } = partner;
  if (state.status !== 'registered' || !state.tokenB) return undefined;
  const endpoint = state.endpoints.find((e) => e.identifier === module && e.role === 'RECEIVER');
  return endpoint ? { url: endpoint.url, tokenB: state.tokenB } : undefined;
}
