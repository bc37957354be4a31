import type { FileEvent } from '../files/fileEvents.js';
import type { CertificateEvent } from './certificates/certificateEvents.js';
import type { CommandOutcomeEvent } from './commands/commandOutcomeEvents.js';
import type { CommandRecordEvent } from './commands/commandRecords.js';
import type { DeviceModelEvent } from './deviceModel/deviceModelEvents.js';
import type { RegistryEvent } from './registry/registryEvents.js';
import type { ChargerReportEvent, ServiceRequestEvent } from './reports/chargerReportEvents.js';
import type { TransactionEvent } from './transactions/transactionEvents.js';

/** Charging facts in the charger's stream, charger-{identity}: past tense, version-agnostic. */
export type BootStatus = 'Accepted' | 'Pending' | 'Rejected';
export type DataTransferStatus = 'Accepted' | 'Rejected' | 'UnknownMessageId' | 'UnknownVendorId';

export interface ChargerIdentification {
  vendor: string;
  model: string;
  serialNumber?: string;
  /** 1.6 also names the charge box's serial number */
  chargeBoxSerialNumber?: string;
  firmwareVersion?: string;
  iccid?: string;
  imsi?: string;
  meterType?: string;
  meterSerialNumber?: string;
}

export type Availability = 'Available' | 'Occupied' | 'Reserved' | 'Unavailable' | 'Faulted';

/** A connector's status as a charger reports it. */
export interface ConnectorStatus {
  /** 0 = the charger as a whole */
  evseId: number;
  connectorId: number;
  /** the status as the charger's version names it, and our version-agnostic reading of it */
  status: string;
  availability: Availability;
  errorCode?: string;
  info?: string;
  vendorId?: string;
  vendorErrorCode?: string;
  /** the charger's own timestamp, as sent */
  chargerTime?: string;
  /** a vendor quirk's echo of another connector's report ("evse/connector"): not a change */
  collapsedInto?: string;
}

export type ChargingEvent =
  | {
      type: 'ChargerBooted';
      data: ChargerIdentification & {
        /** 2.x gives a reason (PowerUp, RemoteReset, …) */
        reason?: string;
        /** what we answered */
        decision: { status: BootStatus; interval: number; currentTime: string };
        /** the vendor quirks its vendor and firmware switch on */
        quirks?: string[];
        /** how often heartbeats are due (a quirk may fix it whatever we answered) */
        expectedHeartbeatSeconds?: number;
        /** the identity that booted first with this serial number (vendors ship duplicates) */
        duplicateSerialOf?: string;
      };
    }
  | { type: 'HeartbeatReceived'; data: { currentTime: string } }
  | { type: 'ConnectorStatusReported'; data: ConnectorStatus }
  | {
      type: 'DataTransferReceived';
      data: {
        vendorId: string;
        messageId?: string;
        data?: unknown;
        decision: { status: DataTransferStatus };
      };
    }
  | { type: 'DiagnosticsStatusReported'; data: { status: string } }
  | { type: 'FirmwareStatusReported'; data: { status: string; requestId?: number; signed: boolean } }
  /** a firmware status that is a failure: an alert for operators */
  | { type: 'FirmwareUpdateFailed'; data: { status: string; requestId?: number } }
  | { type: 'LogStatusReported'; data: { status: string; requestId?: number } }
  | { type: 'SecurityEventReported'; data: { eventType: string; chargerTime: string; techInfo?: string } }
  | {
      type: 'CertificateSigningRequested';
      data: {
        csr: string;
        certificateType?: string;
        /** the subject the CSR names, when it could be read */
        subject?: string;
        /** Accepted: our CA signs it and CertificateSigned delivers it; Rejected: why not */
        decision: { status: 'Accepted' | 'Rejected'; reason?: string };
      };
    }
  | {
      type: 'AuthorizationDecided';
      data: {
        /** the tag as the charger sent it, and its normal form (the token's stream) */
        tenant: string;
        idTag: string;
        normalisedIdTag: string;
        /** the type the charger read it as (2.x) */
        tokenType?: string;
        status: 'Accepted' | 'Blocked' | 'Expired' | 'Invalid' | 'ConcurrentTx';
        reason: string;
        expiryDate?: string;
        parentIdTag?: string;
        quirks?: string[];
      };
    }
  | { type: 'ChargerConnected'; data: { connectionId: string; protocol: string; remoteAddress: string } }
  | { type: 'ChargerDisconnected'; data: { connectionId: string; code: number; reason: string } }
  | { type: 'FrameRejected'; data: { reason: string; answeredWith?: string } }
  /** an answer (CALLRESULT, CALLERROR) from the charger that matches no call of ours */
  | { type: 'FrameUnmatched'; data: { reason: string } }
  | {
      /** a remote start the charger accepted, with no transaction on that connector in time */
      type: 'RemoteStartTimedOut';
      data: {
        commandId: string;
        evseId?: number;
        idTag: string;
        timeoutSeconds: number;
        requestedAt: string;
      };
    }
  | TransactionEvent
  | CommandOutcomeEvent
  | DeviceModelEvent
  | ChargerReportEvent
  | ServiceRequestEvent
  | CertificateEvent;

/** Everything written to a charger's stream, charger-{identity}: its facts, its registry's, and the records of commands sent to it. */
export type ChargerStreamEvent =
  | ChargingEvent
  | RegistryEvent
  | CommandRecordEvent
  | Extract<FileEvent, { type: 'DiagnosticsUploaded' }>;
