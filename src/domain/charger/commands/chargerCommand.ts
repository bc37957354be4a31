import type { CertificateUse } from '../certificates/certificateEvents.js';
import type { DeviceVariableRef } from '../deviceModel/deviceModelEvents.js';
import type { ComputedProfile } from '../smartCharging/scheduleForNeeds.js';
import type { LocalListEntry } from './localListPlan.js';

/** A variable of a charger's device model to read, and which of its attributes (default Actual). */
export type VariableRead = DeviceVariableRef & { attributeType?: 'Actual' | 'Target' | 'MinSet' | 'MaxSet' };

/** A variable to set, and its new value. */
export type VariableWrite = VariableRead & { value: string };

/** Which log a charger is asked to upload. */
export type LogKind = 'Diagnostics' | 'DiagnosticsLog' | 'SecurityLog';

interface Retries {
  retries?: number;
  /** seconds between attempts */
  retryInterval?: number;
}

/**
 * A command Ampledger composes for a charger, in our words: the version edge (src/ocpp) turns it
 * into the request of the charger's version, or says that version cannot take it.
 */
export type ChargerCommand =
  | ({
      kind: 'InstallFirmware';
      location: string;
      retrieveAt: string;
      /** signed firmware: the certificate that signed it (PEM) and its signature (base64), from the operator */
      signed?: { signingCertificate: string; signature: string };
    } & Retries)
  | ({ kind: 'UploadLog'; log: LogKind; location: string; from?: string; to?: string } & Retries)
  | { kind: 'ReadLocalListVersion' }
  /** how many list entries the charger takes in one SendLocalList */
  | { kind: 'ReadLocalListLimits' }
  | {
      kind: 'ReplaceLocalList';
      updateType: 'Full' | 'Differential';
      listVersion: number;
      entries: readonly LocalListEntry[];
    }
  /** a certificate our CA signed, with the sub-CA certificates above it (PEM, leaf first) */
  | { kind: 'DeliverCertificate'; certificateChain: string; certificateType?: CertificateUse }
  /** variables of the charger's device model, read or set (2.x), one message's worth */
  | { kind: 'ReadVariables'; variables: readonly VariableRead[] }
  | { kind: 'WriteVariables'; variables: readonly VariableWrite[] }
  /** the charger's whole device model, reported (2.x) */
  | { kind: 'ReportInventory' }
  /** whether the charger still holds messages of a transaction (2.x), after a sequence gap */
  | { kind: 'AskTransactionStatus'; transactionKey: string }
  /** a schedule we computed for one transaction (an EV's charging needs), as its TxProfile */
  | { kind: 'ApplyTransactionProfile'; evseId: number; transactionKey: string; profile: ComputedProfile }
  /** what a transaction has cost so far, incl. VAT, for the charger to show its driver */
  | { kind: 'ShowRunningCost'; transactionKey: string; totalCost: number };

export type ChargerCommandKind = ChargerCommand['kind'];
