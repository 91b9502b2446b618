import { Type } from '@sinclair/typebox';
import {
  ACTOR_TOKEN_RULES,
  MAX_EXCHANGE_RESOURCES,
  MAX_EXCHANGE_SUBJECT_CLIENTS,
  tokenExchangeFromWire,
} from '../../apps/token-exchange-settings.ts';

const Policy = Type.Object(
  {
    allowed_resources: Type.Array(Type.String({ minLength: 1, maxLength: 2000 }), {
      minItems: 1,
      maxItems: MAX_EXCHANGE_RESOURCES,
      description: 'RFC 8707 resource URIs of the scope catalog the exchanged tokens may be for',
    }),
    allowed_subject_clients: Type.Optional(
      Type.Union(
        [
          Type.Array(Type.String({ minLength: 1, maxLength: 100 }), {
            minItems: 1,
            maxItems: MAX_EXCHANGE_SUBJECT_CLIENTS,
          }),
          Type.Null(),
        ],
        { description: 'client_ids whose access tokens the app may exchange; null or absent: any' },
      ),
    ),
    actor_token: Type.Optional(
      Type.Union(
        ACTOR_TOKEN_RULES.map((r) => Type.Literal(r)),
        { description: 'forbidden, allowed (default) or required: the actor_token of RFC 8693 2.1' },
      ),
    ),
  },
  { additionalProperties: false },
);

const description =
  'token exchange (RFC 8693, docs/flows/token-exchange.md): what the app may exchange; setting it allows the app urn:ietf:params:oauth:grant-type:token-exchange, null takes both away';

/** The policy as the management API shows an app. */
export const tokenExchangeView = {
  token_exchange: Type.Union([Policy, Type.Null()], { description }),
};

/** The policy as creation and PATCH take it. */
export const tokenExchangeInput = {
  token_exchange: Type.Optional(Type.Union([Policy, Type.Null()], { description })),
};

/** The body's policy, as the app service takes it (absent: unchanged). */
export function tokenExchangeField(body: {
  token_exchange?:
    | { allowed_resources: string[]; allowed_subject_clients?: string[] | null; actor_token?: string }
    | null
    | undefined;
}) {
  return body.token_exchange === undefined
    ? {}
    : { tokenExchange: tokenExchangeFromWire(body.token_exchange) };
}
