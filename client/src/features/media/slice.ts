import type { StateCreator } from 'zustand';
import { publishes, type MediaSource, type PresentParticipant, type ProducerInfo } from '@consult/shared';
import type { AppState } from '../../store';
import { orderParticipants } from '../participants/slice';
import { selectFeedOnly, selectFeedShown } from '../studios/slice';

/** Why the local camera/microphone could not be opened. */
export type LocalMediaError = 'denied' | 'notFound' | 'insecure' | 'failed';

/** The local devices, by registry key (track id) and wish to send. */
export interface LocalMediaState {
  /** Registry key of the microphone track, if one is open. */
  micTrackId: string | null;
  /** Registry key of the camera track, if one is open. */
  camTrackId: string | null;
  micOn: boolean;
  camOn: boolean;
  /** True while getUserMedia is asking or opening. */
  acquiring: boolean;
  error: LocalMediaError | null;
}

/** The devices chosen on the join page; null means the browser's default. */
export interface DeviceChoice {
  cameraId: string | null;
  micId: string | null;
  speakerId: string | null;
}

export interface MediaSlice {
  /** Other participants' published tracks, by producer id. */
  remoteProducers: Record<string, ProducerInfo>;
  /** Consumer ids (registry keys of remote tracks), by participant and source. */
  consumerIds: Record<string, Partial<Record<MediaSource, string>>>;
  /** Our own producers on the server, by source. */
  ownProducerIds: Partial<Record<MediaSource, string>>;
  /** Who the server says is speaking now (null in silence). */
  activeSpeakerId: string | null;
  /** The last other participant who spoke: kept through silences so the main view does not flicker. */
  lastRemoteSpeakerId: string | null;
  local: LocalMediaState;
  devices: DeviceChoice;
  /** The browser refused to start remote audio without a click. */
  audioBlocked: boolean;
  setRemoteProducers: (list: ProducerInfo[]) => void;
  upsertRemoteProducer: (producer: ProducerInfo) => void;
  removeRemoteProducer: (producerId: string) => void;
  setConsumer: (participantId: string, source: MediaSource, consumerId: string) => void;
  removeConsumer: (consumerId: string) => void;
  setOwnProducer: (source: MediaSource, producerId: string | null) => void;
  setActiveSpeaker: (participantId: string | null) => void;
  setLocal: (patch: Partial<LocalMediaState>) => void;
  setDevice: (kind: keyof DeviceChoice, deviceId: string | null) => void;
  setAudioBlocked: (blocked: boolean) => void;
  /** Forgets every server-side media id (before a rebuild); keeps local devices and wishes. */
  clearMediaIds: () => void;
}

export const createMediaSlice: StateCreator<AppState, [], [], MediaSlice> = (set) => ({
  remoteProducers: {},
  consumerIds: {},
  ownProducerIds: {},
  activeSpeakerId: null,
  lastRemoteSpeakerId: null,
  local: { micTrackId: null, camTrackId: null, micOn: true, camOn: true, acquiring: false, error: null },
  devices: { cameraId: null, micId: null, speakerId: null },
  audioBlocked: false,
  setRemoteProducers: (list) => set({ remoteProducers: Object.fromEntries(list.map((p) => [p.producerId, p])) }),
  upsertRemoteProducer: (producer) => set((s) => ({ remoteProducers: { ...s.remoteProducers, [producer.producerId]: producer } })),
  removeRemoteProducer: (producerId) =>
    set((s) => {
      if (!(producerId in s.remoteProducers)) return s;
      const { [producerId]: _gone, ...rest } = s.remoteProducers;
      return { remoteProducers: rest };
    }),
  setConsumer: (participantId, source, consumerId) =>
    set((s) => ({ consumerIds: { ...s.consumerIds, [participantId]: { ...s.consumerIds[participantId], [source]: consumerId } } })),
  removeConsumer: (consumerId) =>
    set((s) => {
      const consumerIds: MediaSlice['consumerIds'] = {};
      let changed = false;
      for (const [participantId, bySource] of Object.entries(s.consumerIds)) {
        const kept = Object.fromEntries(Object.entries(bySource).filter(([, id]) => id !== consumerId));
        if (Object.keys(kept).length !== Object.keys(bySource).length) changed = true;
        if (Object.keys(kept).length > 0) consumerIds[participantId] = kept;
      }
      return changed ? { consumerIds } : s;
    }),
  setOwnProducer: (source, producerId) =>
    set((s) => {
      const { [source]: _old, ...others } = s.ownProducerIds;
      return { ownProducerIds: producerId ? { ...others, [source]: producerId } : others };
    }),
  setActiveSpeaker: (participantId) =>
    set((s) => ({
      activeSpeakerId: participantId,
      lastRemoteSpeakerId: participantId && participantId !== s.self?.id ? participantId : s.lastRemoteSpeakerId,
    })),
  setLocal: (patch) => set((s) => ({ local: { ...s.local, ...patch } })),
  setDevice: (kind, deviceId) => set((s) => ({ devices: { ...s.devices, [kind]: deviceId } })),
  setAudioBlocked: (audioBlocked) => set({ audioBlocked }),
  clearMediaIds: () => set({ remoteProducers: {}, consumerIds: {}, ownProducerIds: {} }),
});

/** The producer a participant publishes for a source, if any. */
export function selectProducer(state: AppState, participantId: string, source: MediaSource): ProducerInfo | undefined {
  for (const producer of Object.values(state.remoteProducers)) {
    if (producer.participantId === participantId && producer.source === source) return producer;
  }
  return undefined;
}

/**
 * The source whose video a participant's tile shows: a studio's RTMP feed (once on air) before
 * its camera. A moderator also receives feeds still in preview; those stay in the preview.
 */
export function selectVideoSource(state: AppState, participantId: string): 'camera' | 'ingest-video' {
  return state.consumerIds[participantId]?.['ingest-video'] && selectFeedShown(state, participantId) ? 'ingest-video' : 'camera';
}

/** The consumer (registry key) of the video a participant's tile shows, if any. */
export function selectVideoConsumerId(state: AppState, participantId: string): string | null {
  return state.consumerIds[participantId]?.[selectVideoSource(state, participantId)] ?? null;
}

/** Every remote sound to play: microphones, and studio feeds' audio once on air. */
export function selectAudioConsumerIds(state: AppState): string[] {
  return Object.entries(state.consumerIds).flatMap(([participantId, bySource]) => [
    ...(bySource.mic ? [bySource.mic] : []),
    ...(bySource['ingest-audio'] && selectFeedShown(state, participantId) ? [bySource['ingest-audio']] : []),
  ]);
}

/**
 * Other participants who can appear on the stage (those whose role publishes), in display order,
 * with the studios that take part through their broadcast feed alone (see selectFeedOnly).
 */
export function stageParticipants(
  participants: AppState['participants'],
  selfId: string | undefined,
  feedOnly: readonly PresentParticipant[] = [],
): PresentParticipant[] {
  return orderParticipants([...Object.values(participants), ...feedOnly.filter((p) => !(p.id in participants))]).filter(
    (p) => p.id !== selfId && publishes(p.role),
  );
}

/**
 * Who fills the main view: the floor holder while a speech is on (unless it is us);
 * otherwise the last other participant who spoke while still present; otherwise the
 * first one on stage whose video we receive; otherwise the first one on stage at all.
 */
export function selectFeaturedId(state: AppState): string | null {
  const selfId = state.self?.id;
  const feedOnly = selectFeedOnly(state);
  const here = (id: string) => id in state.participants || feedOnly.some((p) => p.id === id);
  const holder = state.floor?.speech?.participantId;
  if (holder && holder !== selfId && here(holder)) return holder;
  const speaker = state.lastRemoteSpeakerId;
  if (speaker && speaker !== selfId && here(speaker)) return speaker;
  const others = stageParticipants(state.participants, selfId, feedOnly);
  return (others.find((p) => selectVideoConsumerId(state, p.id)) ?? others[0])?.id ?? null;
}
