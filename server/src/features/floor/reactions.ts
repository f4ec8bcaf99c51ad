import type { MediaService } from '@consult/sfu';
import type { FloorDeparture } from '@consult/shared';
import type { Logger } from 'pino';
import type { ConsultationState, LoggedEvent } from '../../domain/consultation.js';
import { floorView, isFloorEvent } from '../../domain/floor.js';
import type { EventBus } from '../../log/EventBus.js';
import type { Audience } from '../../signaling/Audience.js';
import type { FloorTimer } from './FloorTimer.js';

/**
 * What follows a floor change, in this order for each consultation:
 * 1. the timer follows the speech's deadline;
 * 2. the microphone rule on the SFU: the floor holder (a new one has their microphone opened for
 *    them) and the moderators are heard, everyone else is paused whatever their client does;
 * 3. everyone gets the new view (`floor.changed`, with server time for the countdown), so nobody
 *    is shown as speaking before their microphone is open;
 * 4. a member whose request was turned down is told, and the moderators hear of departures.
 * (The transcript and the public stream follow the floor in their own reactions.)
 */
export function registerFloorReactions(deps: {
  bus: EventBus;
  media: MediaService;
  audience: Audience;
  timer: FloorTimer;
  clock: () => number;
  log: Logger;
}): void {
  const { media, audience, timer, clock, log } = deps;
  const chains = new Map<string, Promise<void>>();

  deps.bus.subscribe('floor', ({ consultationId, state, events }) => {
    const floorEvents = events.filter(isFloorEvent);
    if (floorEvents.length === 0) return;
    timer.arm(state);
    const granted = floorEvents.flatMap((e) => (e.type === 'floor.granted' ? [e.data.participantId] : []));
    const view = floorView(state.floor);
    const react = async () => {
      const room = media.existingRoom(consultationId);
      if (room && !room.isClosed) {
        await room.enforceAudioPolicy(granted).catch((err: unknown) => log.error({ err, consultationId }, 'could not apply the floor to the microphones'));
      }
      audience.all(consultationId).emit('floor.changed', { floor: view, serverTime: clock() });
      for (const e of floorEvents) {
        if (e.type === 'floor.rejected')
          audience.participant(consultationId, e.data.participantId).emit('floor.rejected', { entryId: e.data.entryId, reason: e.data.reason });
      }
      for (const d of departures(events, state)) audience.moderators(consultationId).emit('floor.departed', d);
    };
    const next = (chains.get(consultationId) ?? Promise.resolve()).then(react);
    chains.set(consultationId, next);
    void next.finally(() => {
      if (chains.get(consultationId) === next) chains.delete(consultationId);
    });
  });
}

/** Per participant, what their departure withdrew (queue entries) or ended (a speech). */
function departures(events: readonly LoggedEvent[], state: ConsultationState): FloorDeparture[] {
  const byParticipant = new Map<string, FloorDeparture>();
  const of = (participantId: string) => {
    let d = byParticipant.get(participantId);
    if (!d) byParticipant.set(participantId, (d = { participantId, entryIds: [], speechId: null }));
    return d;
  };
  for (const e of events) {
    if (e.type === 'floor.withdrawn' && e.data.reason === 'left') of(e.data.by).entryIds.push(e.data.entryId);
    if (e.type === 'floor.ended' && e.data.outcome === 'left') {
      const { speechId } = e.data;
      const speech = state.floor.speeches.find((s) => s.id === speechId);
      if (speech) of(speech.participantId).speechId = speechId;
    }
  }
  return [...byParticipant.values()];
}
