import type { ApiTokenEvent } from './apiTokens/apiTokens.js';
import type { CdrEvent } from './billing/cdrEvents.js';
import type { TariffEvent } from './billing/tariffEvents.js';
import type { ChargingEvent } from './charger/chargerEvents.js';
import type { CommandRecordEvent } from './charger/commands/commandRecords.js';
import type { RegistryEvent } from './charger/registry/registryEvents.js';
import type { SerialNumberEvent } from './charger/registry/serialNumberEvents.js';
import type { FileEvent } from './files/fileEvents.js';
import type { LocationEvent } from './locations/locationEvents.js';
import type { OcpiPartnerEvent } from './ocpi/ocpiPartnerEvents.js';
import type { OcpiPushEvent, OcpiSessionPushEvent } from './ocpi/ocpiPushEvents.js';
import type { OcpiTokenEvent } from './ocpi/ocpiTokens.js';
import type { TokenEvent } from './tokens/tokenEvents.js';

/**
 * Every event Ampledger writes to its log, by stream kind: charger-{id} (charging facts, the
 * registry's, command records and outcomes, diagnostics uploaded), idtag-{tag}, apitoken-{id},
 * serial-{serial}, firmware-{id}, tariff-{id}, location-{id}, cdr-{sessionId}, ocpi-partner-{id},
 * ocpi-token-{country}-{party}-{uid}, ocpi-cdr-push-{partnerId}, ocpi-session-push-{partnerId}.
 * The JSON schema of each type's data, at each of its versions, is under schemas/events/,
 * generated from these types (`npm run schemas`): the types are the one source of both.
 */
export type DomainEvent =
  | ChargingEvent
  | RegistryEvent
  | CommandRecordEvent
  | TokenEvent
  | ApiTokenEvent
  | SerialNumberEvent
  | FileEvent
  | TariffEvent
  | LocationEvent
  | CdrEvent
  | OcpiPartnerEvent
  | OcpiTokenEvent
  | OcpiPushEvent
  | OcpiSessionPushEvent;

export type DomainEventType = DomainEvent['type'];

/**
 * The schema version each event type is written with now. A change to a type's data that an
 * older reader would misread raises its version, keeps the old schema file, and adds an upcaster
 * (src/upcasters.ts) that turns the old version into the new one when read.
 */
export const SCHEMA_VERSIONS: Readonly<Record<DomainEventType, number>> = {
  ChargerBooted: 1,
  HeartbeatReceived: 1,
  ConnectorStatusReported: 1,
  DataTransferReceived: 1,
  DiagnosticsStatusReported: 1,
  FirmwareStatusReported: 1,
  FirmwareUpdateFailed: 1,
  LogStatusReported: 1,
  SecurityEventReported: 1,
  CertificateSigningRequested: 1,
  AuthorizationDecided: 1,
  ChargerConnected: 1,
  ChargerDisconnected: 1,
  FrameRejected: 1,
  FrameUnmatched: 1,
  RemoteStartTimedOut: 1,
  LocationDefined: 1,
  OcpiPartnerRegistered: 1,
  OcpiCdrPushed: 1,
  OcpiSessionsPushedUpTo: 1,
  OcpiCredentialsExchanged: 1,
  OcpiPartnerUnregistered: 1,
  OcpiTokenReceived: 1,
  DeviceModelReported: 1,
  DeviceEventsNotified: 1,
  ReservationEnded: 1,
  DeviceMonitorsReported: 1,
  FirmwarePublishStatusReported: 1,
  CustomerInformationReported: 1,
  DisplayMessagesReported: 1,
  ChargingProfilesReported: 1,
  ChargingLimitSet: 1,
  ChargingLimitCleared: 1,
  EVChargingScheduleReported: 1,
  EVChargingNeedsReported: 1,
  CertificateStatusRequested: 1,
  EVCertificateRequested: 1,
  TransactionStarted: 1,
  TransactionAuthorized: 1,
  TransactionStartRepeated: 1,
  TransactionAbandoned: 1,
  TransactionStopped: 1,
  TransactionStopRepeated: 1,
  TransactionStopOrphaned: 1,
  MeterValuesReported: 1,
  SessionEnergyCorrected: 1,
  SessionFlagsAmended: 1,
  TransactionSequenceGap: 1,
  ReservationMade: 1,
  ReservationCancelled: 1,
  ChargingProfileSet: 1,
  ChargingProfilesCleared: 1,
  FirmwareUpdateRequested: 1,
  LocalListSent: 1,
  LocalListVersionReported: 1,
  RemoteStartAccepted: 1,
  ChargerCertificateDelivered: 1,
  ChargerCertificateIssued: 1,
  TransactionStatusReported: 1,
  VariableMonitorsSet: 1,
  VariableMonitorsCleared: 1,
  VariablesRead: 1,
  VariablesWritten: 1,
  MonitoringBaseSet: 1,
  MonitoringLevelSet: 1,
  FirmwarePublishRequested: 1,
  FirmwareUnpublished: 1,
  ChargerRegistered: 1,
  ChargerPasswordSet: 1,
  ChargerSecurityProfileRaised: 1,
  ChargerApproved: 1,
  ChargerReturnedToPending: 1,
  ChargerBlocked: 1,
  ChargerUnblocked: 1,
  CommandRequested: 1,
  // 2: the outcome's meaning moved to typed outcome events, and the charger's version is named
  CommandCompleted: 2,
  TokenIssued: 1,
  TokenBlocked: 1,
  TokenUnblocked: 1,
  TokenExpirySet: 1,
  TokenParentSet: 1,
  TokenLocked: 1,
  TokenReleased: 1,
  ApiTokenCreated: 1,
  ApiTokenRevoked: 1,
  SerialNumberClaimed: 1,
  FirmwareUploaded: 1,
  DiagnosticsUploaded: 1,
  TariffVersionPublished: 1,
  CdrIssued: 1,
  CdrCredited: 1,
  CdrReleased: 1,
};

export const DOMAIN_EVENT_TYPES: ReadonlySet<string> = new Set(Object.keys(SCHEMA_VERSIONS));
