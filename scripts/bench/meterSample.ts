/** A MeterValuesReported event's data as the decider records a periodic sample: the register at `wh` and 11 kW. */
export function periodicSampleData(transactionKey: string, at: string, wh: number) {
  const values = [
    { measurand: 'Energy.Active.Import.Register', value: wh, unit: 'Wh' },
    { measurand: 'Power.Active.Import', value: 11_040, unit: 'W' },
  ].map((value) => ({
    ...value,
    context: 'Sample.Periodic',
    format: 'Raw',
    raw: { value: String(value.value), unit: value.unit },
  }));
  return {
    evseId: 1,
    connectorId: 1,
    tenant: 'default',
    transactionKey,
    link: 'reported',
    duplicateSamples: [],
    samples: [{ chargerTime: at, correctedTime: at, values }],
  };
}
