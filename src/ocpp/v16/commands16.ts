import type { CommandPayload } from '../../cluster/commandRouter.js';
import type { LocalListEntry } from '../../domain/charger/commands/localListPlan.js';
import {
  acceptedAnswer,
  answerOf,
  type CommandTable,
  defined,
  firmwareRequestStatus,
  numberOf,
  reservationCancelled,
  stringOf,
} from '../commands/commandTable.js';

/** 1.6's local list entry: our grant is its idTagInfo. */
interface Entry16 {
  idTag: string;
  idTagInfo?: { status: string; expiryDate?: string; parentIdTag?: string };
}

const entryOf16 = (entry: Entry16): LocalListEntry => ({
  idTag: entry.idTag,
  ...(entry.idTagInfo ? { grant: entry.idTagInfo } : {}),
});

const firmwareUpdate16: CommandTable['routes'][string]['outcome'] = ({ payload, outcome, about }) => {
  const firmware = payload.firmware as { location?: string } | undefined;
  return {
    type: 'FirmwareUpdateRequested',
    data: defined({
      location: stringOf(payload.location) ?? firmware?.location,
      requestId: numberOf(payload.requestId),
      firmwareId: about?.firmwareId,
      ...firmwareRequestStatus(outcome),
    }),
  };
};

const retriesOf = (command: { retries?: number; retryInterval?: number }) =>
  defined({ retries: command.retries, retryInterval: command.retryInterval });

/** Every OCPP 1.6 CSMS→charger message (core and security extension), in our words. */
export const COMMANDS_16: CommandTable = {
  routes: {
    RemoteStartTransaction: {
      outcome: ({ payload, outcome }) =>
        acceptedAnswer(outcome)
          ? {
              type: 'RemoteStartAccepted',
              data: defined({ evseId: numberOf(payload.connectorId), idTag: String(payload.idTag ?? '') }),
            }
          : undefined,
    },
    RemoteStopTransaction: {},
    Reset: { weight: (payload: CommandPayload) => (payload.type === 'Hard' ? 'hard' : 'soft') },
    ChangeConfiguration: {},
    GetConfiguration: { weight: 'soft' },
    UnlockConnector: { weight: 'soft' },
    ChangeAvailability: {},
    TriggerMessage: { weight: 'soft' },
    ClearCache: { weight: 'soft' },
    DataTransfer: {},
    SendLocalList: {
      outcome: ({ payload, outcome }) => {
        const answer = answerOf(outcome);
        if (!answer) return undefined;
        const entries = (payload.localAuthorizationList as Entry16[] | undefined) ?? [];
        return {
          type: 'LocalListSent',
          data: {
            listVersion: Number(payload.listVersion),
            updateType: payload.updateType === 'Full' ? 'Full' : 'Differential',
            entries: entries.map(entryOf16),
            accepted: answer.status === 'Accepted',
            answer: String(answer.status),
          },
        };
      },
    },
    GetLocalListVersion: {
      weight: 'soft',
      outcome: ({ outcome }) => {
        const listVersion = numberOf(answerOf(outcome)?.listVersion);
        return listVersion === undefined
          ? undefined
          : { type: 'LocalListVersionReported', data: { listVersion } };
      },
    },
    ReserveNow: {
      outcome: ({ payload, outcome }) =>
        acceptedAnswer(outcome)
          ? {
              type: 'ReservationMade',
              data: defined({
                reservationId: Number(payload.reservationId),
                evseId: numberOf(payload.connectorId) ?? 0,
                idTag: String(payload.idTag ?? ''),
                expiresAt: stringOf(payload.expiryDate),
              }),
            }
          : undefined,
    },
    CancelReservation: { outcome: reservationCancelled },
    SetChargingProfile: {
      outcome: ({ payload, outcome }) => {
        const profile = payload.csChargingProfiles as Record<string, unknown> | undefined;
        if (!acceptedAnswer(outcome) || !profile) return undefined;
        return {
          type: 'ChargingProfileSet',
          data: {
            evseId: numberOf(payload.connectorId) ?? 0,
            profileId: Number(profile.chargingProfileId),
            purpose: String(profile.chargingProfilePurpose),
            stackLevel: Number(profile.stackLevel),
            profile,
          },
        };
      },
    },
    ClearChargingProfile: {
      outcome: ({ payload, outcome }) =>
        acceptedAnswer(outcome)
          ? {
              type: 'ChargingProfilesCleared',
              data: defined({
                profileId: numberOf(payload.id),
                evseId: numberOf(payload.connectorId),
                purpose: stringOf(payload.chargingProfilePurpose),
                stackLevel: numberOf(payload.stackLevel),
              }),
            }
          : undefined,
    },
    GetCompositeSchedule: { weight: 'soft' },
    UpdateFirmware: { outcome: firmwareUpdate16 },
    GetDiagnostics: { weight: 'soft' },
    ExtendedTriggerMessage: { weight: 'soft' },
    GetLog: { weight: 'soft' },
    SignedUpdateFirmware: { outcome: firmwareUpdate16 },
    InstallCertificate: {},
    DeleteCertificate: {},
    GetInstalledCertificateIds: { weight: 'soft' },
    CertificateSigned: {},
  },
  build: {
    InstallFirmware: (command) => ({
      action: 'UpdateFirmware',
      payload: { location: command.location, retrieveDate: command.retrieveAt, ...retriesOf(command) },
    }),
    UploadLog: (command, requestId) =>
      command.log === 'Diagnostics'
        ? {
            action: 'GetDiagnostics',
            payload: {
              location: command.location,
              ...retriesOf(command),
              ...defined({ startTime: command.from, stopTime: command.to }),
            },
          }
        : {
            // the security extension's GetLog
            action: 'GetLog',
            payload: {
              logType: command.log,
              requestId: requestId(),
              ...retriesOf(command),
              log: {
                remoteLocation: command.location,
                ...defined({ oldestTimestamp: command.from, latestTimestamp: command.to }),
              },
            },
          },
    ReadLocalListVersion: () => ({ action: 'GetLocalListVersion', payload: {} }),
    ReplaceLocalList: (command) => ({
      action: 'SendLocalList',
      payload: {
        listVersion: command.listVersion,
        updateType: command.updateType,
        localAuthorizationList: command.entries.map((entry) => ({
          idTag: entry.idTag,
          ...(entry.grant ? { idTagInfo: entry.grant } : {}),
        })),
      },
    }),
  },
};
