import type { CommandOutcome, CommandPayload } from '../../cluster/commandRouter.js';
import type { ChargerCommand, ChargerCommandKind } from '../../domain/charger/commands/chargerCommand.js';
import type { CommandOutcomeFact } from '../../domain/charger/commands/commandOutcomeEvents.js';
import type { CommandWeight } from '../../domain/charger/commands/commandWeight.js';
import type { LocalListEntry } from '../../domain/charger/commands/localListPlan.js';
import type { DeviceVariableRef } from '../../domain/charger/deviceModel/deviceModelEvents.js';
import type { ProfileLimit } from '../../domain/charger/smartCharging/chargingLimits.js';

/** A request as one version words it. */
export interface OutboundRequest {
  action: string;
  payload: CommandPayload;
}

/** What the translator of an answer is given. */
export interface AnsweredCommand {
  /** the request as it was sent */
  payload: CommandPayload;
  outcome: CommandOutcome;
  /** what our API said the command is about (the firmware file it installs…) */
  about?: Record<string, string>;
}

/** One CSMS→charger message of a version. */
export interface CommandRoute {
  /** who may send it (default normal); a function when the payload decides (a hard reset) */
  weight?: CommandWeight | ((payload: CommandPayload) => CommandWeight);
  /** the answer in our words; undefined: nothing to say beyond the record of the exchange */
  outcome?(answered: AnsweredCommand): CommandOutcomeFact | undefined;
}

type Builders = {
  [K in ChargerCommandKind]?: (
    command: Extract<ChargerCommand, { kind: K }>,
    /** a fresh id for the charger's status reports to name the request by */
    requestId: () => number,
  ) => OutboundRequest;
};

/** What a charger said its local list takes (absent: it did not say). */
export interface LocalListLimits {
  maxEntriesPerMessage?: number;
}

/** A version's outbound side: every command it has, and how it words the commands we compose. */
export interface CommandTable {
  routes: Readonly<Record<string, CommandRoute>>;
  /** absent: this version cannot take that command */
  build: Builders;
  /** the answer to ReadLocalListLimits, in our words */
  localListLimits(answer: CommandPayload): LocalListLimits;
  /**
   * the device model variable that says a charger shows its driver the running cost ("true" when
   * it does); absent: this version has none, and ShowRunningCost goes to no charger of it
   */
  runningCostSwitch?: DeviceVariableRef;
}

/** A whole positive number a charger reported as text (configuration and variable values are). */
export const positiveIntegerOf = (value: unknown): number | undefined => {
  const number = typeof value === 'string' && /^\s*\d+\s*$/.test(value) ? Number(value) : undefined;
  return number !== undefined && Number.isSafeInteger(number) && number > 0 ? number : undefined;
};

/** The answer's payload when the charger answered, whatever it said. */
export const answerOf = (outcome: CommandOutcome): CommandPayload | undefined =>
  outcome.status === 'answered' ? outcome.response : undefined;

/** The answer's payload when the charger answered with status Accepted. */
export const acceptedAnswer = (outcome: CommandOutcome): CommandPayload | undefined =>
  answerOf(outcome)?.status === 'Accepted' ? answerOf(outcome) : undefined;

/**
 * Whether a firmware install was taken: every version answers Accepted (or AcceptedCanceled, when
 * it drops one it was busy with), 1.6's plain UpdateFirmware answers {}.
 */
export function firmwareRequestStatus(outcome: CommandOutcome): { status: string; finished: boolean } {
  const answer = answerOf(outcome);
  if (!answer) return { status: 'NotSent', finished: true };
  const status = answer.status;
  if (typeof status !== 'string' || status.startsWith('Accepted'))
    return { status: 'Requested', finished: false };
  return { status, finished: true };
}

/** A number field of a payload, if it is one. */
export const numberOf = (value: unknown): number | undefined =>
  typeof value === 'number' ? value : undefined;

/** A string field of a payload, if it is one. */
export const stringOf = (value: unknown): string | undefined =>
  typeof value === 'string' ? value : undefined;

/** The fields whose value is defined (optional fields of an event stay absent, not undefined). */
export function defined<T extends Record<string, unknown>>(fields: T): T {
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined)) as T;
}

type Outcome = NonNullable<CommandRoute['outcome']>;
type Fields = Record<string, unknown>;

/** A remote start the charger took, from the connector and tag the request names. */
export const remoteStartAccepted =
  (
    read: (payload: CommandPayload) => { evseId: unknown; idTag: unknown; remoteStartId?: unknown },
  ): Outcome =>
  ({ payload, outcome }) => {
    if (!acceptedAnswer(outcome)) return undefined;
    const { evseId, idTag, remoteStartId } = read(payload);
    return {
      type: 'RemoteStartAccepted',
      data: defined({
        evseId: numberOf(evseId),
        idTag: String(idTag ?? ''),
        remoteStartId: numberOf(remoteStartId),
      }),
    };
  };

/** A reservation the charger took, from the fields of the request that say it. */
export const reservationMade =
  (read: (payload: CommandPayload) => Fields): Outcome =>
  ({ payload, outcome }) => {
    if (!acceptedAnswer(outcome)) return undefined;
    const { reservationId, evseId, idTag, expiresAt } = read(payload);
    return {
      type: 'ReservationMade',
      data: defined({
        reservationId: Number(reservationId),
        evseId: numberOf(evseId) ?? 0,
        idTag: String(idTag ?? ''),
        expiresAt: stringOf(expiresAt),
      }),
    };
  };

/** A charging profile the charger took: where it applies, and the profile with its id field's name. */
export const chargingProfileSet =
  (
    read: (payload: CommandPayload) => {
      evseId: unknown;
      profile: unknown;
      idField: string;
      /** the profile's (first) schedule, where its version keeps it */
      schedule: unknown;
    },
  ): Outcome =>
  ({ payload, outcome }) => {
    const { evseId, profile, idField, schedule } = read(payload);
    if (!acceptedAnswer(outcome) || typeof profile !== 'object' || profile === null) return undefined;
    const held = profile as Fields;
    const limit = limitOf(schedule);
    return {
      type: 'ChargingProfileSet',
      data: {
        evseId: numberOf(evseId) ?? 0,
        profileId: Number(held[idField]),
        purpose: String(held.chargingProfilePurpose),
        stackLevel: Number(held.stackLevel),
        profile: held,
        ...(limit ? { limit } : {}),
      },
    };
  };

/** A schedule's first period's limit (1.6 and 2.x word schedules alike), if it has one. */
function limitOf(schedule: unknown): ProfileLimit | undefined {
  const { chargingRateUnit, chargingSchedulePeriod } = (schedule ?? {}) as Fields;
  const [first] = Array.isArray(chargingSchedulePeriod) ? (chargingSchedulePeriod as Fields[]) : [];
  const value = numberOf(first?.limit);
  if (value === undefined || (chargingRateUnit !== 'A' && chargingRateUnit !== 'W')) return undefined;
  const phases = numberOf(first?.numberPhases);
  return { value, unit: chargingRateUnit, ...(phases !== undefined ? { phases } : {}) };
}

/** Profiles the charger cleared, by the criteria the request gave. */
export const chargingProfilesCleared =
  (read: (payload: CommandPayload) => Fields): Outcome =>
  ({ payload, outcome }) => {
    if (!acceptedAnswer(outcome)) return undefined;
    const { profileId, evseId, purpose, stackLevel } = read(payload);
    return {
      type: 'ChargingProfilesCleared',
      data: defined({
        profileId: numberOf(profileId),
        evseId: numberOf(evseId),
        purpose: stringOf(purpose),
        stackLevel: numberOf(stackLevel),
      }),
    };
  };

/** A firmware install asked for, whatever became of it, at the location the request gives. */
export const firmwareUpdateRequested =
  (locationOf: (payload: CommandPayload) => unknown): Outcome =>
  ({ payload, outcome, about }) => ({
    type: 'FirmwareUpdateRequested',
    data: defined({
      location: stringOf(locationOf(payload)),
      requestId: numberOf(payload.requestId),
      firmwareId: about?.firmwareId,
      ...firmwareRequestStatus(outcome),
    }),
  });

/** A local list the charger answered, its entries read in our words. */
export const localListSent =
  (read: (payload: CommandPayload) => { listVersion: unknown; entries: LocalListEntry[] }): Outcome =>
  ({ payload, outcome }) => {
    const answer = answerOf(outcome);
    if (!answer) return undefined;
    const { listVersion, entries } = read(payload);
    return {
      type: 'LocalListSent',
      data: {
        listVersion: Number(listVersion),
        updateType: payload.updateType === 'Full' ? 'Full' : 'Differential',
        entries,
        accepted: answer.status === 'Accepted',
        answer: String(answer.status),
      },
    };
  };

/** The local list version a charger reports, in the answer field its version names. */
export const localListVersionReported =
  (field: string): Outcome =>
  ({ outcome }) => {
    const listVersion = numberOf(answerOf(outcome)?.[field]);
    return listVersion === undefined
      ? undefined
      : { type: 'LocalListVersionReported', data: { listVersion } };
  };

/** A cancellation by reservation id: worded alike by every version. */
export const reservationCancelled: CommandRoute['outcome'] = ({ payload, outcome }) =>
  acceptedAnswer(outcome) && typeof payload.reservationId === 'number'
    ? { type: 'ReservationCancelled', data: { reservationId: payload.reservationId } }
    : undefined;

/** What the charger answered to the certificate our CA signed for it. */
export const certificateDelivered: CommandRoute['outcome'] = ({ outcome, about }) => {
  const answer = answerOf(outcome);
  if (!answer) return undefined;
  return {
    type: 'ChargerCertificateDelivered',
    data: defined({
      serialNumber: about?.serialNumber,
      accepted: answer.status === 'Accepted',
      answer: String(answer.status),
    }),
  };
};

/**
 * The messages every version names and words alike, with the same weight and meaning: each
 * version's table starts from these.
 */
export const SHARED_ROUTES: Readonly<Record<string, CommandRoute>> = {
  ChangeAvailability: {},
  UnlockConnector: { weight: 'soft' },
  TriggerMessage: { weight: 'soft' },
  ClearCache: { weight: 'soft' },
  DataTransfer: {},
  CancelReservation: { outcome: reservationCancelled },
  GetCompositeSchedule: { weight: 'soft' },
  GetLog: { weight: 'soft' },
  InstallCertificate: {},
  DeleteCertificate: {},
  GetInstalledCertificateIds: { weight: 'soft' },
  CertificateSigned: { outcome: certificateDelivered },
};
