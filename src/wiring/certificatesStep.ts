import { CertificateIssuance } from '../app/certificateIssuance.js';
import type { DeliverToCharger } from '../app/deliverToCharger.js';
import { caMaterial } from '../certificates/caFiles.js';
import { CertificateAuthority } from '../certificates/certificateAuthority.js';
import { ContractCertificateClient } from '../certificates/contractCertificateClient.js';
import { OcspClient } from '../certificates/ocspClient.js';
import type { Config } from '../config.js';
import type { Logger } from '../logging.js';
import type { EventStore } from '../store/eventStore.js';

/** Ampledger's CA, and the issuance that signs accepted CSRs and delivers them to their chargers. */
export async function startCertificates(options: {
  config: Config;
  eventStore: EventStore;
  /** how issued certificates reach chargers */
  deliver: DeliverToCharger;
  nodeId: string;
  clock: () => Date;
  logger: Logger;
  stops: Array<() => Promise<void>>;
}): Promise<{
  authority: CertificateAuthority;
  issuance: CertificateIssuance;
  ocsp: OcspClient;
  contracts: ContractCertificateClient | undefined;
}> {
  const { config, clock, logger } = options;
  const { caCertFile, caKeyFile, organization, validityDays } = config.certificates;
  const material = await caMaterial({
    ...(caCertFile && caKeyFile ? { certFile: caCertFile, keyFile: caKeyFile } : {}),
    dataDir: config.dataDir,
    ...(organization ? { organization } : {}),
    clock,
  });
  if (material.generated)
    logger.info({ caCertificate: material.generated }, 'made a CA for charger certificates');
  const authority = await CertificateAuthority.open(material, { validityDays, clock });
  const issuance = new CertificateIssuance({
    store: options.eventStore,
    signer: authority,
    deliver: options.deliver,
    nodeId: options.nodeId,
    clock,
    logger: logger.child({ part: 'certificates' }),
  });
  options.stops.push(() => issuance.settled());
  // a charger waits for its answer: the responder gets less than the charger's own call timeout
  const ocsp = new OcspClient({ responders: config.certificates.ocspResponders, timeoutMs: 10_000 });
  const { contractService } = config.certificates;
  const contracts = contractService
    ? new ContractCertificateClient({ ...contractService, timeoutMs: 10_000 })
    : undefined;
  return { authority, issuance, ocsp, contracts };
}
