import type { MediaService } from '@consult/sfu';
import type { EventBus } from '../../log/EventBus.js';
import type { Audience } from '../../signaling/Audience.js';
import { isFloorEvent } from '../../domain/floor.js';
import type { ConsultationService } from '../../log/ConsultationService.js';
import type { TranscriptService } from './TranscriptService.js';

/**
 * What follows in the transcript: the tap follows the floor (a new speech moves it, the floor
 * holder's microphone coming back restarts it); partial captions, final segments, corrections,
 * gaps and the minutes' sign-off go to everyone.
 */
export function registerTranscriptReactions(deps: {
  bus: EventBus;
  media: MediaService;
  consultations: ConsultationService;
  transcripts: TranscriptService;
  audience: Audience;
}): void {
  const { media, consultations, transcripts, audience } = deps;
  deps.bus.subscribe('transcript', ({ consultationId, state, events }) => {
    if (events.some(isFloorEvent)) void transcripts.sync(consultationId);
    for (const e of events) {
      if (e.type === 'transcript.segment' || e.type === 'transcript.edited') {
        const index = state.transcript.byId[e.type === 'transcript.segment' ? e.data.id : e.data.segmentId];
        if (index !== undefined) audience.all(consultationId).emit('transcript.segment', { segment: state.transcript.segments[index]! });
      }
      if (e.type === 'transcript.gap') audience.all(consultationId).emit('transcript.gap', { gap: e.data });
    }
    if (events.some((e) => e.type.startsWith('minutes.'))) audience.all(consultationId).emit('minutes.changed', { minutes: state.transcript.minutes });
  });
  transcripts.on('partial', ({ consultationId, caption }) => audience.all(consultationId).emit('transcript.partial', caption));
  // The floor holder's microphone came (back): the transcript taps it.
  media.on('roomCreated', (room) =>
    room.on('producerAdded', ({ participantId, source }) => {
      if (source === 'mic' && consultations.get(room.consultationId)?.floor.speech?.participantId === participantId) void transcripts.sync(room.consultationId);
    }),
  );
}
