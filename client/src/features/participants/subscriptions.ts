import { useStore } from '../../store';
import type { ConsultSocket } from '../../net/socket';
import { listen } from '../../net/listen';

/** Keeps the present-participants map current from the server's pushes. */
export function subscribeParticipants(socket: ConsultSocket): () => void {
  const store = () => useStore.getState();
  return listen(socket, {
    'participant.joined': (participant) => store().upsertParticipant(participant),
    'participant.updated': (participant) => store().upsertParticipant(participant),
    'participant.left': ({ participantId }) => store().removeParticipant(participantId),
  });
}
