import type { CommandContext } from '../domain/eventMetadata.js';
import {
  OCPI_TOKEN_EVENT_TYPES,
  type OcpiToken,
  type OcpiTokenEvent,
  ocpiTokenStream,
  registryCommandsFor,
} from '../domain/ocpi/ocpiTokens.js';
import { OCPI_STATUS, OcpiError } from '../ocpi/ocpiEnvelope.js';
import { WrongExpectedRevision } from '../store/errors.js';
import type { EventStore, ExpectedRevision } from '../store/eventStore.js';
import { foldStream } from './decideLoop.js';
import type { TokenRegistryService } from './tokenRegistryService.js';

/** Which token of which eMSP: the path of the OCPI tokens Receiver. */
export interface OcpiTokenKey {
  countryCode: string;
  partyId: string;
  uid: string;
}

/**
 * Tokens eMSPs push (OCPI 2.2.1 tokens, Receiver): what each said is kept in the token's own stream,
 * and the token registry is made to agree, so drivers of the eMSP are authorized at our chargers
 * exactly like our own tokens (issued to the default tenant, blocked while not valid).
 */
export class OcpiTokenService {
  constructor(
    private readonly store: EventStore,
    private readonly registry: TokenRegistryService,
    private readonly clock: () => Date,
  ) {}

  async get(key: OcpiTokenKey): Promise<OcpiToken | undefined> {
    return (await this.load(key)).state;
  }

  /** PUT: the token as the eMSP has it now. `created` when we had none. */
  async put(partnerId: string, token: OcpiToken, context: CommandContext): Promise<'created' | 'updated'> {
    const key = { countryCode: token.country_code, partyId: token.party_id, uid: token.uid };
    const { state: stored, revision } = await this.load(key);
    if (!stored && (await this.registry.find(token.uid))) {
      throw new OcpiError(
        400,
        OCPI_STATUS.invalidParameters,
        `uid ${token.uid} is a token of this CPO's own, not one an eMSP can push`,
      );
    }
    await this.record(partnerId, key, token, revision, context);
    await this.converge(token, context);
    return stored ? 'updated' : 'created';
  }

  /** PATCH: some fields of a token we have (its last_updated among them). */
  async patch(
    partnerId: string,
    key: OcpiTokenKey,
    changes: Partial<OcpiToken> & { last_updated: string },
    context: CommandContext,
  ): Promise<OcpiToken> {
    const { state: stored, revision } = await this.load(key);
    if (!stored)
      throw new OcpiError(
        404,
        OCPI_STATUS.unknownToken,
        `no token ${key.uid} of ${key.countryCode} ${key.partyId}`,
      );
    const token: OcpiToken = {
      ...stored,
      ...changes,
      country_code: stored.country_code,
      party_id: stored.party_id,
      uid: stored.uid,
    };
    await this.record(partnerId, key, token, revision, context);
    await this.converge(token, context);
    return token;
  }

  private load(key: OcpiTokenKey) {
    return foldStream<OcpiToken | undefined, OcpiTokenEvent>(
      this.store,
      ocpiTokenStream(key.countryCode, key.partyId, key.uid),
      OCPI_TOKEN_EVENT_TYPES,
      (_, event) => event.data.token,
      { state: undefined, revision: 'no_stream' as ExpectedRevision },
    );
  }

  private async record(
    partnerId: string,
    key: OcpiTokenKey,
    token: OcpiToken,
    revision: ExpectedRevision,
    context: CommandContext,
  ): Promise<void> {
    try {
      await this.store.append(
        ocpiTokenStream(key.countryCode, key.partyId, key.uid),
        [
          {
            type: 'OcpiTokenReceived',
            data: { partnerId, token },
            metadata: { receivedAt: this.clock().toISOString(), ...context },
          },
        ],
        { expectedRevision: revision },
      );
    } catch (error) {
      if (error instanceof WrongExpectedRevision)
        throw new OcpiError(
          409,
          OCPI_STATUS.clientError,
          `token ${key.uid} changed meanwhile: send it again`,
        );
      throw error;
    }
  }

  /** The registry's token made to say what the eMSP's says (each command decided on its stream). */
  private async converge(token: OcpiToken, context: CommandContext): Promise<void> {
    for (const command of registryCommandsFor(token, await this.registry.find(token.uid)))
      await this.registry.execute(token.uid, command, context);
  }
}
