import { can } from '@consult/shared';
import type { MediaService } from '@consult/sfu';
import { isFloorEvent } from '../../domain/floor.js';
import type { ConsultationService } from '../../log/ConsultationService.js';
import type { EventBus } from '../../log/EventBus.js';
import type { Audience } from '../../signaling/Audience.js';
import type { TranscriptService } from '../transcript/TranscriptService.js';
import type { StudioService } from './StudioService.js';

/**
 * What follows for studios: cue before air (a feed is announced to the moderators as a preview,
 * on air to everyone, off air its consumers close), a venue heard once (while its feed carries its
 * sound, its browser microphone goes to nobody else), attendee lists, and the public stream
 * following the floor and the feeds.
 */
export function registerStudioReactions(deps: {
  bus: EventBus;
  consultations: ConsultationService;
  media: MediaService;
  studios: StudioService;
  transcripts: TranscriptService;
  audience: Audience;
}): void {
  const { consultations, media, studios, transcripts, audience } = deps;
  /** Studios whose browser microphone is withheld now (consultation id, then studio id). */
  const micReplaced = new Set<string>();

  /** A feed went live or was lost (`onAirChanged` false), or on or off air. */
  const feedChanged = (consultationId: string, studioId: string, onAirChanged: boolean) => {
    const ingest = studios.ingestOf(consultationId, studioId);
    if (!ingest) return;
    audience.moderators(consultationId).emit('ingest.changed', { ingest });
    const feed = studios.feedProducers(consultationId, studioId);
    const others = audience.allButModerators(consultationId);
    if (!onAirChanged) {
      for (const info of feed) audience.moderators(consultationId).emit('media.producerAdded', info);
      if (ingest.onAir) for (const info of feed) others.emit('media.producerAdded', info);
    } else if (ingest.onAir) {
      for (const info of feed) others.emit('media.producerAdded', info);
    } else {
      const state = consultations.get(consultationId);
      const isModerator = (id: string) => {
        const role = state?.consultation.participants.find((p) => p.id === id)?.role;
        return role !== undefined && can(role, 'consultation.moderate');
      };
      const room = media.existingRoom(consultationId);
      for (const info of feed) {
        room?.closeConsumersOf(info.producerId, isModerator);
        others.emit('media.producerClosed', { producerId: info.producerId, participantId: info.participantId });
      }
    }
    syncMicReplacement(consultationId, studioId);
    void studios.recompose(consultationId);
    void transcripts.sync(consultationId);
  };

  /**
   * A venue is heard once: while its feed is on air with sound, the studio's browser microphone is
   * withdrawn from everyone else (their consumers closed, the producer announced as gone); when the
   * feed goes off air or loses its signal, the microphone is announced again. The producer itself
   * stays under the floor rule all along: this only decides who receives it.
   */
  const syncMicReplacement = (consultationId: string, studioId: string) => {
    const key = `${consultationId}\n${studioId}`;
    const replaced = studios.feedReplacesMic(consultationId, studioId);
    if (replaced === micReplaced.has(key)) return;
    if (replaced) micReplaced.add(key);
    else micReplaced.delete(key);
    const room = media.existingRoom(consultationId);
    const mic = room?.producersOf(studioId).find((p) => p.source === 'mic');
    if (!room || !mic) return;
    const others = audience.allBut(consultationId, [studioId]);
    if (replaced) {
      room.closeConsumersOf(mic.producerId, (id) => id === studioId);
      others.emit('media.producerClosed', { producerId: mic.producerId, participantId: studioId });
    } else {
      others.emit('media.producerAdded', mic);
    }
  };

  deps.bus.subscribe('studios', ({ consultationId, state, events }) => {
    for (const e of events) {
      if (e.type === 'ingest.onAir') {
        const record = state.studios.ingests[e.data.ingestId];
        if (record) feedChanged(consultationId, record.studioId, true);
      }
      if (e.type === 'studio.attendees') audience.all(consultationId).emit('studio.attendees', { participantId: e.data.participantId, names: e.data.names });
    }
    // The public stream follows the floor.
    if (events.some(isFloorEvent)) void studios.recompose(consultationId);
  });
  studios.on('status', ({ consultationId, studioId }) => feedChanged(consultationId, studioId, false));
  studios.on('stream', ({ consultationId, stream }) => audience.all(consultationId).emit('stream.changed', { stream }));
}
