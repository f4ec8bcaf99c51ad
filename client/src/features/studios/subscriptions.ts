import { useStore } from '../../store';
import type { ConsultSocket } from '../../net/socket';
import { listen } from '../../net/listen';
import { syncConsumerLayers } from '../media/engine';
import { selectName } from '../floor/slice';

const store = () => useStore.getState();

/**
 * Studio pushes: ingest points going live, lost or on/off air (moderators), attendee lists
 * (everyone), the public stream (everyone). A studio also learns from its own feed's
 * producers being announced to it that the feed is on air.
 */
export function subscribeStudios(socket: ConsultSocket): () => void {
  const isOwnFeed = (participantId: string, source: string) => participantId === store().self?.id && source.startsWith('ingest');
  return listen(socket, {
    'ingest.changed': ({ ingest }) => {
      const before = store().studios.ingests[ingest.ingestId];
      store().upsertIngest(ingest);
      const name = selectName(store(), ingest.studioId) ?? store().studios.studios.find((s) => s.id === ingest.studioId)?.name ?? '';
      if (before && before.onAir !== ingest.onAir) store().pushToast(ingest.onAir ? 'studios.ingest.onAirToast' : 'studios.ingest.offAirToast', { name });
      if (before && before.status !== 'signal-lost' && ingest.status === 'signal-lost') store().pushToast('studios.ingest.lostToast', { name });
      // On air, the feed replaces the studio's camera on this moderator's tile: its camera layer can drop.
      syncConsumerLayers();
    },
    'studio.attendees': ({ participantId, names }) => store().setStudioAttendees(participantId, names),
    'stream.changed': ({ stream }) => store().setStream(stream),
    'media.producerAdded': ({ producerId, participantId, source, kind }) => {
      if (isOwnFeed(participantId, source)) store().noteOwnFeed(producerId, true, kind);
    },
    'media.producerClosed': ({ producerId }) => store().noteOwnFeed(producerId, false),
  });
}
