import type { DeviceVariableRef } from '../deviceModel/deviceModelEvents.js';
import type { ProfileLimit } from '../smartCharging/chargingLimits.js';
import type { LocalListEntry } from './localListPlan.js';

/**
 * What a command's answer established, in our words (ARCHITECTURE §1 rule 2): the version edge
 * translates the charger's answer into one of these, recorded in place of the untyped
 * CommandCompleted, with the frames as they went over the wire in its metadata (`command`).
 */
interface Outcome {
  /** the command whose answer this is (its CommandRequested has the same id) */
  commandId: string;
  /** the OCPP message that carried it */
  action: string;
  /** when it was asked for (absent in outcomes recorded before issue 15) */
  requestedAt?: string;
}

export type CommandOutcomeEvent =
  | {
      type: 'ReservationMade';
      data: Outcome & { reservationId: number; evseId: number; idTag: string; expiresAt?: string };
    }
  | { type: 'ReservationCancelled'; data: Outcome & { reservationId: number } }
  | {
      type: 'ChargingProfileSet';
      data: Outcome & {
        /** 0 = the charger as a whole */
        evseId: number;
        profileId: number;
        purpose: string;
        stackLevel: number;
        /** the profile as the charger got it, kept to be shown to operators */
        profile: Record<string, unknown>;
        /** its first period's limit, in our words (absent in outcomes recorded before issue 16) */
        limit?: ProfileLimit;
      };
    }
  | {
      /** every profile matching all the criteria given is gone (none given: all of them) */
      type: 'ChargingProfilesCleared';
      data: Outcome & { profileId?: number; evseId?: number; purpose?: string; stackLevel?: number };
    }
  | {
      /** an install of new firmware was asked for: taken, refused, or never delivered */
      type: 'FirmwareUpdateRequested';
      data: Outcome & {
        location?: string;
        /** the id the charger's status reports name it by, if it has one */
        requestId?: number;
        /** our firmware file it installs, when the API sent one of ours */
        firmwareId?: string;
        /** Requested (the charger took it), NotSent, or the charger's refusal */
        status: string;
        /** nothing more will be heard of it */
        finished: boolean;
      };
    }
  | {
      /** the charger answered a local list; `accepted` false: it kept what it had */
      type: 'LocalListSent';
      data: Outcome & {
        listVersion: number;
        updateType: 'Full' | 'Differential';
        entries: LocalListEntry[];
        accepted: boolean;
        answer: string;
      };
    }
  | { type: 'LocalListVersionReported'; data: Outcome & { listVersion: number } }
  | {
      /** the charger took a remote start: a transaction on that connector should follow */
      type: 'RemoteStartAccepted';
      /** remoteStartId: the id a 2.x charger names the transaction it starts by */
      data: Outcome & { evseId?: number; idTag: string; remoteStartId?: number };
    }
  | {
      /** monitors the charger set on its variables (2.x), each with its answer: Accepted, or why not */
      type: 'VariableMonitorsSet';
      data: Outcome & {
        monitors: Array<DeviceVariableRef & { id?: number; type: string; severity: number; status: string }>;
      };
    }
  | { type: 'VariableMonitorsCleared'; data: Outcome & { ids: number[] } }
  | {
      /** variables a charger read out (2.x GetVariables): each value, or why there is none */
      type: 'VariablesRead';
      data: Outcome & {
        results: Array<DeviceVariableRef & { attributeType: string; status: string; value?: string }>;
      };
    }
  | {
      /** variables a charger was told to set (2.x SetVariables), each with its answer (RebootRequired…) */
      type: 'VariablesWritten';
      data: Outcome & {
        results: Array<DeviceVariableRef & { attributeType: string; status: string; value: string }>;
      };
    }
  | {
      /** which monitors a charger runs (2.x): All, FactoryDefault or HardWiredOnly */
      type: 'MonitoringBaseSet';
      data: Outcome & { base: string };
    }
  | {
      /** the least severe events a charger still reports (2.x; 0 danger … 9 debug) */
      type: 'MonitoringLevelSet';
      data: Outcome & { severity: number };
    }
  | {
      /** a charger asked to publish firmware to its local controllers (2.x): taken, or refused */
      type: 'FirmwarePublishRequested';
      data: Outcome & { location: string; checksum: string; requestId: number; status: string };
    }
  | { type: 'FirmwareUnpublished'; data: Outcome & { checksum: string } }
  | {
      /** what a charger said of a transaction after a sequence gap: still running, messages still queued */
      type: 'TransactionStatusReported';
      data: Outcome & { transactionKey: string; ongoing?: boolean; messagesInQueue: boolean };
    }
  | {
      /** the charger answered the CertificateSigned that carried a certificate: installed, or refused */
      type: 'ChargerCertificateDelivered';
      data: Outcome & { serialNumber?: string; accepted: boolean; answer: string };
    };

export type CommandOutcomeEventType = CommandOutcomeEvent['type'];

export const COMMAND_OUTCOME_EVENT_TYPES: ReadonlySet<string> = new Set<CommandOutcomeEventType>([
  'ReservationMade',
  'ReservationCancelled',
  'ChargingProfileSet',
  'ChargingProfilesCleared',
  'FirmwareUpdateRequested',
  'LocalListSent',
  'LocalListVersionReported',
  'RemoteStartAccepted',
  'ChargerCertificateDelivered',
  'TransactionStatusReported',
  'VariableMonitorsSet',
  'VariableMonitorsCleared',
  'VariablesRead',
  'VariablesWritten',
  'MonitoringBaseSet',
  'MonitoringLevelSet',
  'FirmwarePublishRequested',
  'FirmwareUnpublished',
]);

/** An outcome as the version edge states it: the command's id and action are added when it is recorded. */
export type CommandOutcomeFact = {
  [E in CommandOutcomeEvent as E['type']]: { type: E['type']; data: Omit<E['data'], keyof Outcome> };
}[CommandOutcomeEventType];
