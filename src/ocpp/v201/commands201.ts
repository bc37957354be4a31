import type { CommandPayload } from '../../cluster/commandRouter.js';
import type { LocalListEntry } from '../../domain/charger/commands/localListPlan.js';
import type { IdTokenType } from '../../domain/tokens/tokenEvents.js';
import {
  answerOf,
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
import { idTokenInfo201 } from './idTokenInfo201.js';
import { monitoringRoutes201 } from './monitoringCommands201.js';
import {
  getVariables201,
  setVariables201,
  type VariableResult201,
  variableRoutes201,
} from './variables201.js';

interface IdToken201 {
  idToken?: string;
  type?: string;
}

/**
 * A token in a 2.0.1 local list must name its type: one registered without a type is sent as an
 * RFID card's (ISO14443), what chargers read far more often than anything else.
 */
const LIST_TOKEN_TYPE_DEFAULT = 'ISO14443';

/** how many entries a charger takes in one SendLocalList (the LocalAuthListCtrlr's, required) */
const ITEMS_PER_SEND_LOCAL_LIST = { component: 'LocalAuthListCtrlr', variable: 'ItemsPerMessage' } as const;

/** 2.0.1's local list entry: an idToken and its idTokenInfo. */
interface Entry201 {
  idToken: IdToken201;
  idTokenInfo?: { status: string; cacheExpiryDateTime?: string; groupIdToken?: IdToken201 };
}

const entryOf201 = ({ idToken, idTokenInfo }: Entry201): LocalListEntry => ({
  idTag: String(idToken.idToken ?? ''),
  ...(idToken.type ? { tokenType: idToken.type as IdTokenType } : {}),
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
    ...SHARED_ROUTES,
    RequestStartTransaction: {
      outcome: remoteStartAccepted((payload) => ({
        evseId: payload.evseId,
        idTag: tokenOf(payload),
        remoteStartId: payload.remoteStartId,
      })),
    },
    RequestStopTransaction: {},
    Reset: { weight: (payload: CommandPayload) => (payload.type === 'Immediate' ? 'hard' : 'soft') },
    ...variableRoutes201,
    GetBaseReport: { weight: 'soft' },
    GetReport: { weight: 'soft' },
    SendLocalList: {
      outcome: localListSent((payload) => ({
        listVersion: payload.versionNumber,
        entries: ((payload.localAuthorizationList as Entry201[] | undefined) ?? []).map(entryOf201),
      })),
    },
    GetLocalListVersion: { weight: 'soft', outcome: localListVersionReported('versionNumber') },
    ReserveNow: {
      outcome: reservationMade((payload) => ({
        reservationId: payload.id,
        evseId: payload.evseId,
        idTag: tokenOf(payload),
        expiresAt: payload.expiryDateTime,
      })),
    },
    SetChargingProfile: {
      outcome: chargingProfileSet((payload) => ({
        evseId: payload.evseId,
        profile: payload.chargingProfile,
        idField: 'id',
        schedule: (payload.chargingProfile as { chargingSchedule?: unknown[] } | undefined)
          ?.chargingSchedule?.[0],
      })),
    },
    ClearChargingProfile: {
      outcome: chargingProfilesCleared((payload) => {
        const criteria = (payload.chargingProfileCriteria ?? {}) as Record<string, unknown>;
        return {
          profileId: payload.chargingProfileId,
          evseId: criteria.evseId,
          purpose: criteria.chargingProfilePurpose,
          stackLevel: criteria.stackLevel,
        };
      }),
    },
    GetChargingProfiles: { weight: 'soft' },
    UpdateFirmware: {
      outcome: firmwareUpdateRequested(
        (payload) => (payload.firmware as { location?: string } | undefined)?.location,
      ),
    },
    GetTransactionStatus: {
      weight: 'soft',
      outcome: ({ payload, outcome }) => {
        const answer = answerOf(outcome);
        if (!answer || typeof payload.transactionId !== 'string') return undefined;
        return {
          type: 'TransactionStatusReported',
          data: defined({
            transactionKey: payload.transactionId,
            ongoing: typeof answer.ongoingIndicator === 'boolean' ? answer.ongoingIndicator : undefined,
            messagesInQueue: answer.messagesInQueue === true,
          }),
        };
      },
    },
    SetNetworkProfile: {},
    CustomerInformation: {},
    SetDisplayMessage: {},
    GetDisplayMessages: { weight: 'soft' },
    ClearDisplayMessage: {},
    ...monitoringRoutes201,
  },
  build: {
    InstallFirmware: (command, requestId) => ({
      action: 'UpdateFirmware',
      payload: {
        requestId: requestId(),
        ...defined({ retries: command.retries, retryInterval: command.retryInterval }),
        firmware: {
          location: command.location,
          retrieveDateTime: command.retrieveAt,
          ...(command.signed ?? {}),
        },
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
    DeliverCertificate: (command) => ({
      action: 'CertificateSigned',
      payload: {
        certificateChain: command.certificateChain,
        ...defined({ certificateType: command.certificateType }),
      },
    }),
    ReadLocalListVersion: () => ({ action: 'GetLocalListVersion', payload: {} }),
    ReadLocalListLimits: () => getVariables201([ITEMS_PER_SEND_LOCAL_LIST]),
    ReportInventory: (_command, requestId) => ({
      action: 'GetBaseReport',
      payload: { requestId: requestId(), reportBase: 'FullInventory' },
    }),
    ReadVariables: (command) => getVariables201(command.variables),
    WriteVariables: (command) => setVariables201(command.variables),
    ApplyTransactionProfile: ({ evseId, transactionKey, profile }) => ({
      action: 'SetChargingProfile',
      payload: {
        evseId,
        chargingProfile: {
          id: profile.profileId,
          stackLevel: profile.stackLevel,
          chargingProfilePurpose: 'TxProfile',
          chargingProfileKind: 'Relative',
          transactionId: transactionKey,
          chargingSchedule: [
            {
              id: 1,
              chargingRateUnit: profile.unit,
              ...defined({ duration: profile.durationSeconds }),
              chargingSchedulePeriod: [
                { startPeriod: 0, limit: profile.limit, ...defined({ numberPhases: profile.phases }) },
              ],
            },
          ],
        },
      },
    }),
    AskTransactionStatus: (command) => ({
      action: 'GetTransactionStatus',
      payload: { transactionId: command.transactionKey },
    }),
    ShowRunningCost: (command) => ({
      action: 'CostUpdated',
      payload: { totalCost: command.totalCost, transactionId: command.transactionKey },
    }),
    ReplaceLocalList: (command) => ({
      action: 'SendLocalList',
      payload: {
        versionNumber: command.listVersion,
        updateType: command.updateType,
        localAuthorizationList: command.entries.map((entry) => ({
          idToken: { idToken: entry.idTag, type: entry.tokenType ?? LIST_TOKEN_TYPE_DEFAULT },
          ...(entry.grant ? { idTokenInfo: idTokenInfo201(entry.grant) } : {}),
        })),
      },
    }),
  },
  // OCPP 2.0.1 part 2, TariffCostCtrlr: Enabled, instance Cost
  runningCostSwitch: { component: 'TariffCostCtrlr', variable: 'Enabled', variableInstance: 'Cost' },
  localListLimits: (answer) => {
    const results = (answer.getVariableResult as VariableResult201[] | undefined) ?? [];
    const items = results.find(
      (result) =>
        result.component?.name === ITEMS_PER_SEND_LOCAL_LIST.component &&
        result.variable?.name === ITEMS_PER_SEND_LOCAL_LIST.variable &&
        result.attributeStatus === 'Accepted',
    );
    return defined({ maxEntriesPerMessage: positiveIntegerOf(items?.attributeValue) });
  },
};
