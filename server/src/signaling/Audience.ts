import { can, type ServerToClientEvents } from '@consult/shared';
import type { Server } from 'socket.io';
import type { Presence } from './Presence.js';

/** Sends one server→client event, typed by the contract. */
export interface Emitter {
  emit<E extends keyof ServerToClientEvents>(event: E, ...args: Parameters<ServerToClientEvents[E]>): void;
}

/**
 * Who a reaction tells: everyone in a consultation, its moderators, one participant, or everyone
 * but some. Reactions name people, not sockets; this finds their connections.
 */
export interface Audience {
  all(consultationId: string): Emitter;
  moderators(consultationId: string): Emitter;
  participant(consultationId: string, participantId: string): Emitter;
  allBut(consultationId: string, participantIds: readonly string[]): Emitter;
  allButModerators(consultationId: string): Emitter;
}

const nobody: Emitter = { emit: () => undefined };

/** The socket.io rooms and sockets behind an Audience: one room per consultation, sockets from presence. */
export function socketAudience(io: Server, presence: Presence): Audience {
  const socketsOf = (consultationId: string, ids: readonly string[]) =>
    ids.map((id) => presence.socketOf(consultationId, id)).filter((s): s is string => s !== undefined);
  const moderatorIds = (consultationId: string) =>
    presence
      .list(consultationId)
      .filter((p) => can(p.role, 'consultation.moderate'))
      .map((p) => p.id);
  const to = (sockets: string[]): Emitter => (sockets.length > 0 ? io.to(sockets) : nobody);
  return {
    all: (consultationId) => io.to(consultationId),
    moderators: (consultationId) => to(socketsOf(consultationId, moderatorIds(consultationId))),
    participant: (consultationId, participantId) => to(socketsOf(consultationId, [participantId])),
    allBut: (consultationId, participantIds) => {
      const except = socketsOf(consultationId, participantIds);
      return except.length > 0 ? io.to(consultationId).except(except) : io.to(consultationId);
    },
    allButModerators: (consultationId) => {
      const except = socketsOf(consultationId, moderatorIds(consultationId));
      return except.length > 0 ? io.to(consultationId).except(except) : io.to(consultationId);
    },
  };
}
