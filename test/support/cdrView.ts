/** A CDR as `GET /api/cdrs` shows it: the fields the tests read. */
export interface CdrView {
  id: string;
  status: string;
  credit: boolean;
  creditOf: string | null;
  replaces: string | null;
  energyWh: number;
  chargingSeconds: number | null;
  idleSeconds: number | null;
  tariff: { id: string; version: number } | null;
  cost: {
    total: { excl_vat: number; incl_vat: number };
    time: { excl_vat: number };
    parkingTime: { excl_vat: number };
  };
  cursor: string;
  reason: string | null;
  flags: string[];
  heldFor: string[];
}
