import { useStore } from '../../store';
import type { ConsultSocket } from '../../net/socket';
import { listen } from '../../net/listen';

/** Keeps the present-participants map current from the server's pushes. */
export function subscribeParticipants(socket: ConsultSocket): () => void {
  const store = () => useStore.getState();
  return listen(socket, {
    'presence.changed': ({ changes }) => {
      for (const change of changes) {
        if (change.kind === 'upsert') store().upsertParticipant(change.participant);
        else store().removeParticipant(change.participantId);
      }
    },
  });
}
