import type { MediaService } from '@consult/sfu';
import type { ProducerInfo } from '@consult/shared';
import { heardOnFloor } from '../../domain/floor.js';
import type { ConsultationService } from '../../log/ConsultationService.js';
import type { Audience } from '../../signaling/Audience.js';
import type { MediaVisibility } from './visibility.js';

/**
 * What follows from the media server's own events: producers appearing, changing and closing,
 * consumers closing, the active speaker, a room lost with its worker. Each new room gets the
 * floor's microphone rule before anyone (a participant, a studio's feed) can produce in it.
 */
export function registerMediaReactions(deps: {
  media: MediaService;
  consultations: ConsultationService;
  visibility: MediaVisibility;
  audience: Audience;
}): void {
  const { media, consultations, visibility, audience } = deps;

  /** Tells those who may receive a producer (see MediaVisibility), but its owner unless `toOwner`. */
  const announce = (consultationId: string, event: 'media.producerAdded' | 'media.producerUpdated', info: ProducerInfo, toOwner: boolean) => {
    switch (visibility.audienceOf(consultationId, info)) {
      case 'all':
        (toOwner ? audience.all(consultationId) : audience.allBut(consultationId, [info.participantId])).emit(event, info);
        return;
      case 'moderators':
        audience.moderators(consultationId).emit(event, info);
        return;
      case 'owner':
        if (toOwner) audience.participant(consultationId, info.participantId).emit(event, info);
    }
  };

  media.on('roomCreated', (room) => {
    const id = room.consultationId;
    room.setAudioPolicy((participantId) => {
      const state = consultations.get(id);
      return state !== undefined && heardOnFloor(state.consultation, state.floor, participantId);
    });
    room.on('producerAdded', (info) => {
      // A studio feed is announced when it goes live, under the cue rules (studios/reactions.ts).
      if (!info.source.startsWith('ingest')) announce(id, 'media.producerAdded', info, false);
    });
    // A change the floor made is the owner's news too (their client follows); their own pause is not.
    room.on('producerUpdated', (info, { byPolicy }) => announce(id, 'media.producerUpdated', info, byPolicy));
    room.on('producerClosed', (p) => audience.all(id).emit('media.producerClosed', p));
    room.on('consumerClosed', ({ participantId, consumerId, producerId }) =>
      audience.participant(id, participantId).emit('media.consumerClosed', { consumerId, producerId }),
    );
    room.on('activeSpeaker', (participantId) => audience.all(id).emit('media.activeSpeaker', { participantId }));
  });
  // Everyone's transports went with the worker; clients rebuild on a fresh room.
  media.on('roomLost', (consultationId) => audience.all(consultationId).emit('media.reset', { reason: 'media server restarted' }));
}
