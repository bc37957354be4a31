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

interface IdToken201 {
  idToken?: string;
}

/** 2.0.1's local list entry: an idToken and its idTokenInfo. */
interface Entry201 {
  idToken: IdToken201;
  idTokenInfo?: { status: string; cacheExpiryDateTime?: string; groupIdToken?: IdToken201 };
}

const entryOf201 = ({ idToken, idTokenInfo }: Entry201): LocalListEntry => ({
  idTag: String(idToken.idToken ?? ''),
  ...(idTokenInfo
    ? {
        grant: defined({
          status: idTokenInfo.status,
          expiryDate: idTokenInfo.cacheExpiryDateTime,
          parentIdTag: idTokenInfo.groupIdToken?.idToken,
        }),
      }
    : {}),
});

const tokenOf = (payload: CommandPayload) =>
  String((payload.idToken as IdToken201 | undefined)?.idToken ?? '');

/**
 * The OCPP 2.0.1 CSMS→charger messages Ampledger sends, in our words (2.1 chargers get the same
 * until 2.1's own table exists).
 */
export const COMMANDS_201: CommandTable = {
  routes: {
    RequestStartTransaction: {
      outcome: ({ payload, outcome }) =>
        acceptedAnswer(outcome)
          ? {
              type: 'RemoteStartAccepted',
              data: defined({ evseId: numberOf(payload.evseId), idTag: tokenOf(payload) }),
            }
          : undefined,
    },
    RequestStopTransaction: {},
    Reset: { weight: (payload: CommandPayload) => (payload.type === 'Immediate' ? 'hard' : 'soft') },
    SetVariables: {},
    GetVariables: { weight: 'soft' },
    GetBaseReport: { weight: 'soft' },
    GetReport: { weight: 'soft' },
    ChangeAvailability: {},
    UnlockConnector: { weight: 'soft' },
    TriggerMessage: { weight: 'soft' },
    ClearCache: { weight: 'soft' },
    DataTransfer: {},
    SendLocalList: {
      outcome: ({ payload, outcome }) => {
        const answer = answerOf(outcome);
        if (!answer) return undefined;
        const entries = (payload.localAuthorizationList as Entry201[] | undefined) ?? [];
        return {
          type: 'LocalListSent',
          data: {
            listVersion: Number(payload.versionNumber),
            updateType: payload.updateType === 'Full' ? 'Full' : 'Differential',
            entries: entries.map(entryOf201),
            accepted: answer.status === 'Accepted',
            answer: String(answer.status),
          },
        };
      },
    },
    GetLocalListVersion: {
      weight: 'soft',
      outcome: ({ outcome }) => {
        const listVersion = numberOf(answerOf(outcome)?.versionNumber);
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
                reservationId: Number(payload.id),
                evseId: numberOf(payload.evseId) ?? 0,
                idTag: tokenOf(payload),
                expiresAt: stringOf(payload.expiryDateTime),
              }),
            }
          : undefined,
    },
    CancelReservation: { outcome: reservationCancelled },
    SetChargingProfile: {
      outcome: ({ payload, outcome }) => {
        const profile = payload.chargingProfile as Record<string, unknown> | undefined;
        if (!acceptedAnswer(outcome) || !profile) return undefined;
        return {
          type: 'ChargingProfileSet',
          data: {
            evseId: numberOf(payload.evseId) ?? 0,
            profileId: Number(profile.id),
            purpose: String(profile.chargingProfilePurpose),
            stackLevel: Number(profile.stackLevel),
            profile,
          },
        };
      },
    },
    ClearChargingProfile: {
      outcome: ({ payload, outcome }) => {
        if (!acceptedAnswer(outcome)) return undefined;
        const criteria = (payload.chargingProfileCriteria ?? {}) as Record<string, unknown>;
        return {
          type: 'ChargingProfilesCleared',
          data: defined({
            profileId: numberOf(payload.chargingProfileId),
            evseId: numberOf(criteria.evseId),
            purpose: stringOf(criteria.chargingProfilePurpose),
            stackLevel: numberOf(criteria.stackLevel),
          }),
        };
      },
    },
    GetCompositeSchedule: { weight: 'soft' },
    GetChargingProfiles: { weight: 'soft' },
    UpdateFirmware: {
      outcome: ({ payload, outcome, about }) => ({
        type: 'FirmwareUpdateRequested',
        data: defined({
          location: (payload.firmware as { location?: string } | undefined)?.location,
          requestId: numberOf(payload.requestId),
          firmwareId: about?.firmwareId,
          ...firmwareRequestStatus(outcome),
        }),
      }),
    },
    GetLog: { weight: 'soft' },
    GetTransactionStatus: { weight: 'soft' },
    CertificateSigned: {},
    InstallCertificate: {},
    DeleteCertificate: {},
    GetInstalledCertificateIds: { weight: 'soft' },
    SetNetworkProfile: {},
    CustomerInformation: {},
    SetDisplayMessage: {},
    GetDisplayMessages: { weight: 'soft' },
    ClearDisplayMessage: {},
  },
  build: {
    InstallFirmware: (command, requestId) => ({
      action: 'UpdateFirmware',
      payload: {
        requestId: requestId(),
        ...defined({ retries: command.retries, retryInterval: command.retryInterval }),
        firmware: { location: command.location, retrieveDateTime: command.retrieveAt },
      },
    }),
    UploadLog: (command, requestId) => ({
      action: 'GetLog',
      payload: {
        logType: command.log === 'SecurityLog' ? 'SecurityLog' : 'DiagnosticsLog',
        requestId: requestId(),
        ...defined({ retries: command.retries, retryInterval: command.retryInterval }),
        log: {
          remoteLocation: command.location,
          ...defined({ oldestTimestamp: command.from, latestTimestamp: command.to }),
        },
      },
    }),
    // local lists for 2.0.1 need the token types the registry does not keep yet (issue 16)
  },
};
