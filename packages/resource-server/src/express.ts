import {
  type AdapterOptions,
  type Guards,
  guards,
  type NodeLikeRequest,
  nodeAuthHeaders,
  propertySlot,
  requestCheck,
} from './adapter.ts';
import type { Requirements } from './authenticate.ts';

/** The parts of an Express (or plain node:http) request the middleware uses. */
export interface ExpressLikeRequest extends NodeLikeRequest {}

/** The parts of an Express response the middleware uses: node's ServerResponse API. */
export interface ExpressLikeResponse {
  statusCode: number;
  setHeader(name: string, value: string): unknown;
  end(body?: string): unknown;
}

export type Middleware = (
  request: ExpressLikeRequest,
  response: ExpressLikeResponse,
  next: (err?: unknown) => void,
) => void;

export interface ExpressAuthOptions extends AdapterOptions<ExpressLikeRequest> {
  /** Request property the auth context is stored on. Default "auth". */
  property?: string;
}

/** The middlewares; `contextOf(request)` is the auth context of a request that passed one. */
export interface ExpressAuth extends Guards<ExpressLikeRequest, Middleware> {}

/**
 * Bearer-token protection as Express middleware (also Connect and anything with node's
 * request/response objects), with the RFC 6750 responses of the other adapters. Express is
 * never imported: the types are structural. Errors other than refusals go to `next(err)`.
 *
 * @example
 * const auth = createExpressAuth({ verifier });
 * app.get('/v2/whoami', auth.require({ scopes: ['v1_access'], company: true }), (req, res) =>
 *   res.json({ company: auth.contextOf(req).company }));
 *
 * @see https://www.rfc-editor.org/rfc/rfc6750#section-3
 */
export function createExpressAuth(options: ExpressAuthOptions): ExpressAuth {
  const slot = propertySlot<ExpressLikeRequest>(options.property ?? 'auth');
  const check = requestCheck(options, nodeAuthHeaders(options.origin), slot);

  const guard =
    (requirements: Requirements<ExpressLikeRequest>): Middleware =>
    (request, response, next) => {
      void check(request, requirements).then((result) => {
        if (!('refusal' in result)) return next();
        const { status, headers, body } = result.refusal;
        response.statusCode = status;
        for (const [k, v] of Object.entries(headers)) response.setHeader(k, v);
        response.end(body);
      }, next);
    };

  return guards(guard, slot);
}
