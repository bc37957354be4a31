import type { CommandPayload } from '../../cluster/commandRouter.js';
import type { LocalListEntry } from '../../domain/charger/commands/localListPlan.js';
import {
  type CommandTable,
  chargingProfileSet,
  chargingProfilesCleared,
  defined,
  firmwareUpdateRequested,
  localListSent,
  localListVersionReported,
  positiveIntegerOf,
  remoteStartAccepted,
  reservationMade,
  SHARED_ROUTES,
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

/** 1.6 names the location at the top; the security extension's signed update inside `firmware` */
const firmwareUpdate16 = firmwareUpdateRequested(
  (payload) => payload.location ?? (payload.firmware as { location?: string } | undefined)?.location,
);

const retriesOf = (command: { retries?: number; retryInterval?: number }) =>
  defined({ retries: command.retries, retryInterval: command.retryInterval });

const SEND_LOCAL_LIST_MAX_LENGTH = 'SendLocalListMaxLength';

/** Every OCPP 1.6 CSMS→charger message (core and security extension), in our words. */
export const COMMANDS_16: CommandTable = {
  routes: {
    ...SHARED_ROUTES,
    RemoteStartTransaction: {
      outcome: remoteStartAccepted((payload) => ({ evseId: payload.connectorId, idTag: payload.idTag })),
    },
    RemoteStopTransaction: {},
    Reset: { weight: (payload: CommandPayload) => (payload.type === 'Hard' ? 'hard' : 'soft') },
    ChangeConfiguration: {},
    GetConfiguration: { weight: 'soft' },
    SendLocalList: {
      outcome: localListSent((payload) => ({
        listVersion: payload.listVersion,
        entries: ((payload.localAuthorizationList as Entry16[] | undefined) ?? []).map(entryOf16),
      })),
    },
    GetLocalListVersion: { weight: 'soft', outcome: localListVersionReported('listVersion') },
    ReserveNow: {
      outcome: reservationMade((payload) => ({
        reservationId: payload.reservationId,
        evseId: payload.connectorId,
        idTag: payload.idTag,
        expiresAt: payload.expiryDate,
      })),
    },
    SetChargingProfile: {
      outcome: chargingProfileSet((payload) => ({
        evseId: payload.connectorId,
        profile: payload.csChargingProfiles,
        idField: 'chargingProfileId',
        schedule: (payload.csChargingProfiles as { chargingSchedule?: unknown } | undefined)
          ?.chargingSchedule,
      })),
    },
    ClearChargingProfile: {
      outcome: chargingProfilesCleared((payload) => ({
        profileId: payload.id,
        evseId: payload.connectorId,
        purpose: payload.chargingProfilePurpose,
        stackLevel: payload.stackLevel,
      })),
    },
    UpdateFirmware: { outcome: firmwareUpdate16 },
    GetDiagnostics: { weight: 'soft' },
    ExtendedTriggerMessage: { weight: 'soft' },
    SignedUpdateFirmware: { outcome: firmwareUpdate16 },
  },
  build: {
    InstallFirmware: (command, requestId) =>
      command.signed
        ? {
            // the security extension's: the charger checks the signature before it installs
            action: 'SignedUpdateFirmware',
            payload: {
              requestId: requestId(),
              ...retriesOf(command),
              firmware: {
                location: command.location,
                retrieveDateTime: command.retrieveAt,
                signingCertificate: command.signed.signingCertificate,
                signature: command.signed.signature,
              },
            },
          }
        : {
            action: 'UpdateFirmware',
            payload: { location: command.location, retrieveDate: command.retrieveAt, ...retriesOf(command) },
          },
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
    ReadLocalListLimits: () => ({
      action: 'GetConfiguration',
      payload: { key: [SEND_LOCAL_LIST_MAX_LENGTH] },
    }),
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
    ApplyTransactionProfile: ({ evseId, transactionKey, profile }) => ({
      action: 'SetChargingProfile',
      payload: {
        connectorId: evseId,
        csChargingProfiles: {
          chargingProfileId: profile.profileId,
          // 1.6 transaction ids are the integers we issued
          transactionId: Number(transactionKey),
          stackLevel: profile.stackLevel,
          chargingProfilePurpose: 'TxProfile',
          chargingProfileKind: 'Relative',
          chargingSchedule: {
            chargingRateUnit: profile.unit,
            ...defined({ duration: profile.durationSeconds }),
            chargingSchedulePeriod: [
              { startPeriod: 0, limit: profile.limit, ...defined({ numberPhases: profile.phases }) },
            ],
          },
        },
      },
    }),
    // the security extension's: the charger's own certificate, the only kind 1.6 asks for
    DeliverCertificate: (command) => ({
      action: 'CertificateSigned',
      payload: { certificateChain: command.certificateChain },
    }),
  },
  localListLimits: (answer) => {
    const keys = (answer.configurationKey as Array<{ key?: string; value?: string }> | undefined) ?? [];
    const max = positiveIntegerOf(keys.find((entry) => entry.key === SEND_LOCAL_LIST_MAX_LENGTH)?.value);
    return defined({ maxEntriesPerMessage: max });
  },
};
