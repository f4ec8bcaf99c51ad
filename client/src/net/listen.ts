import type { ServerToClientEvents } from '@consult/shared';
import type { ConsultSocket } from './socket';

type PushName = keyof ServerToClientEvents;

/**
 * Registers typed push handlers on the socket and returns one function that removes
 * them all, so each feature's subscriptions can be undone as a unit.
 */
export function listen(socket: ConsultSocket, handlers: { [E in PushName]?: ServerToClientEvents[E] }): () => void {
  const entries = Object.entries(handlers) as [PushName, ServerToClientEvents[PushName]][];
  for (const [event, handler] of entries) socket.on(event, handler);
  return () => {
    for (const [event, handler] of entries) socket.off(event, handler);
  };
}
