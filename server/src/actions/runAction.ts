import {
  AppError,
  ErrorCode,
  REQUESTS,
  can,
  forbidden,
  invalidState,
  notFound,
  type ParsedRequest,
  type Participant,
  type ReplyData,
  type RequestName,
} from '@consult/shared';
import type { ActionContext, ActionServices } from './action.js';
import { ACTIONS, type ActionName } from './registry.js';

/** Who sent a request: the connection's participant in its consultation, once joined. */
export interface Sender {
  consultationId: string;
  participant: Participant;
  /** Whether this connection is still joined (it may leave while a request is under way). */
  stillJoined: () => boolean;
}

/** Whether `name` is a request an action answers (own properties only: `constructor` or `__proto__` are not requests). */
export function isActionName(name: string): name is ActionName {
  return Object.hasOwn(ACTIONS, name);
}

/** The payload against the request's schema; a VALIDATION error names each wrong field. */
export function parseRequest<N extends RequestName>(name: N, payload: unknown): ParsedRequest<N> {
  const parsed = REQUESTS[name].safeParse(payload);
  if (!parsed.success) {
    throw new AppError(
      ErrorCode.VALIDATION,
      `invalid ${name} payload`,
      parsed.error.issues.map((i) => ({ path: i.path.join('.') || '(root)', message: i.message })),
    );
  }
  return parsed.data as ParsedRequest<N>;
}

/**
 * Runs one request, the same way for every one:
 *
 *   parse → find the actor → permission → authorize → prepare (I/O, if any)
 *     → commit: decide on the state as it is, store, publish on the bus (reactions run) → reply
 *
 * The reply is sent only once what it shows is durable: a change waits for its own write, a
 * query for the writes up to the state it read (ConsultationService.commit).
 */
export async function runAction<N extends ActionName>(
  name: N,
  payload: unknown,
  sender: Sender | undefined,
  services: ActionServices,
  newId: () => string,
): Promise<ReplyData[N]> {
  const action = ACTIONS[name];
  const input = parseRequest(name, payload);
  if (!sender) throw invalidState('join the consultation first (session.join)');
  const { consultationId, participant: actor } = sender;
  const state = services.consultations.get(consultationId);
  if (!state) throw notFound(`consultation ${consultationId}`);
  if (!can(actor.role, action.permission)) throw forbidden(`a ${actor.role} may not ${name}`);
  action.authorize?.(state, actor, input);
  const ctx: ActionContext = { consultationId, actor, stillJoined: sender.stillJoined, services, newId };
  const prepared = action.prepare ? await action.prepare(input, ctx) : undefined;
  try {
    const { reply } = await services.consultations.commit(consultationId, (current, now) => action.decide(current, input, actor, now, prepared, newId));
    return reply;
  } catch (err) {
    action.abandon?.(prepared, ctx);
    throw err;
  }
}
