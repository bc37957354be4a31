import type { InboundTranslator } from './inboundTranslator.js';
import { inbound16 } from './v16/inbound16.js';
import { inbound201 } from './v201/inbound201.js';
import type { OcppVersion } from './versions.js';

/** Every charger→CSMS action each version speaks, with its translator to and from the domain. */
export const INBOUND_TRANSLATORS: Record<OcppVersion, Record<string, InboundTranslator>> = {
  '1.6': inbound16,
  '2.0.1': inbound201,
  '2.1': inbound201,
};
