import type { StateCreator } from 'zustand';
import { can, type IngestView, type JoinReply, type Participant, type PresentParticipant, type SiteOverview, type StreamView } from '@consult/shared';
import type { AppState } from '../../store';

export interface StudiosState {
  /** The studio participants invited (from the join roster), for choosing whose feed to ingest. */
  studios: Pick<Participant, 'id' | 'name' | 'siteId'>[];
  /** Moderators: the ingest points, by id. */
  ingests: Record<string, IngestView>;
  /** Who is present at each studio venue, by the studio's participant id. */
  attendees: Record<string, string[]>;
  /** Moderators: the last sites overview (polled while shown). */
  overview: SiteOverview | null;
  /** Moderators: the last poll failed (the overview shown may be old). */
  overviewFailed: boolean;
  /** The public stream, for everyone. */
  stream: StreamView | null;
  /** Studios: the producers of their own RTMP/WHIP feed announced to them, i.e. while it is on air. */
  ownFeed: string[];
  /** Studios: their on-air feed's audio producer (while there is one, the server does not forward their browser microphone). */
  ownFeedAudioId: string | null;
}

export interface StudiosSlice {
  studios: StudiosState;
  /** From a join (or rejoin) reply: the studios on the roster and their attendee lists. */
  applyStudiosJoin: (reply: JoinReply) => void;
  setIngests: (list: IngestView[]) => void;
  upsertIngest: (ingest: IngestView) => void;
  setStudioAttendees: (participantId: string, names: string[]) => void;
  setOverview: (overview: SiteOverview | null, failed?: boolean) => void;
  setStream: (stream: StreamView | null) => void;
  /** A producer of our own feed announced (on air) or withdrawn. */
  noteOwnFeed: (producerId: string, present: boolean, kind?: 'audio' | 'video') => void;
  resetStudios: () => void;
}

const EMPTY: StudiosState = { studios: [], ingests: {}, attendees: {}, overview: null, overviewFailed: false, stream: null, ownFeed: [], ownFeedAudioId: null };

export const createStudiosSlice: StateCreator<AppState, [], [], StudiosSlice> = (set) => ({
  studios: EMPTY,
  applyStudiosJoin: (reply) =>
    set((s) => ({
      studios: {
        ...s.studios,
        studios: reply.roster.filter((p) => p.role === 'studio').map(({ id, name, siteId }) => ({ id, name, siteId })),
        attendees: { ...reply.studioAttendees },
        ownFeed: reply.producers.filter((p) => p.participantId === reply.self.id && p.source.startsWith('ingest')).map((p) => p.producerId),
        ownFeedAudioId: reply.producers.find((p) => p.participantId === reply.self.id && p.source === 'ingest-audio')?.producerId ?? null,
      },
    })),
  setIngests: (list) => set((s) => ({ studios: { ...s.studios, ingests: Object.fromEntries(list.map((i) => [i.ingestId, i])) } })),
  upsertIngest: (ingest) => set((s) => ({ studios: { ...s.studios, ingests: { ...s.studios.ingests, [ingest.ingestId]: ingest } } })),
  setStudioAttendees: (participantId, names) => set((s) => ({ studios: { ...s.studios, attendees: { ...s.studios.attendees, [participantId]: names } } })),
  setOverview: (overview, failed = false) => set((s) => ({ studios: { ...s.studios, overview: overview ?? s.studios.overview, overviewFailed: failed } })),
  setStream: (stream) => set((s) => ({ studios: { ...s.studios, stream } })),
  noteOwnFeed: (producerId, present, kind) =>
    set((s) => {
      const has = s.studios.ownFeed.includes(producerId);
      if (has === present) return s;
      const ownFeed = present ? [...s.studios.ownFeed, producerId] : s.studios.ownFeed.filter((id) => id !== producerId);
      const audioId = s.studios.ownFeedAudioId;
      const ownFeedAudioId = present && kind === 'audio' ? producerId : !present && producerId === audioId ? null : audioId;
      return { studios: { ...s.studios, ownFeed, ownFeedAudioId } };
    }),
  resetStudios: () => set({ studios: EMPTY }),
});

const NO_NAMES: string[] = [];

/** The names a studio's operator entered (an empty list for anyone else). */
export function selectAttendees(state: AppState, participantId: string): string[] {
  return state.studios.attendees[participantId] ?? NO_NAMES;
}

/** Whether this page belongs to a moderator. */
export function selectModerates(state: AppState): boolean {
  return state.self ? can(state.self.role, 'consultation.moderate') : false;
}

/** The ingest point of a studio, if the moderator made one. */
export function selectIngestOf(state: AppState, studioId: string): IngestView | undefined {
  return Object.values(state.studios.ingests).find((i) => i.studioId === studioId);
}

/**
 * Whether a studio's RTMP feed counts as that participant's picture and sound on this page.
 * Only moderators receive feeds still in preview (cue before air): for them it counts once
 * the ingest point is on air; everyone else is only ever given feeds that are on air.
 */
export function selectFeedShown(state: AppState, participantId: string): boolean {
  if (!selectModerates(state)) return true;
  return selectIngestOf(state, participantId)?.onAir === true;
}

/** The public stream is running. */
export function selectStreamLive(state: AppState): boolean {
  return state.studios.stream?.live === true;
}

/** One stable object per feed-only studio, so selectors hand React the same value until it changes. */
const feedOnlyCache = new Map<string, PresentParticipant>();

function feedOnlyEntry(studio: StudiosState['studios'][number]): PresentParticipant {
  const cached = feedOnlyCache.get(studio.id);
  if (cached && cached.name === studio.name && cached.siteId === studio.siteId) return cached;
  // Never joined from a browser: it stands first among the studios, "online" through its feed.
  const entry: PresentParticipant = { id: studio.id, name: studio.name, role: 'studio', siteId: studio.siteId, status: 'online', joinedAt: 0 };
  feedOnlyCache.set(studio.id, entry);
  return entry;
}

/** Whether a studio sends a broadcast feed that this page shows (announced to us, and for a moderator on air). */
function feedShownHere(state: AppState, studioId: string): boolean {
  if (!selectFeedShown(state, studioId)) return false;
  return Object.values(state.remoteProducers).some((p) => p.participantId === studioId && p.source.startsWith('ingest'));
}

/**
 * A studio nobody opened in a browser whose broadcast feed (RTMP or WHIP) is shown here:
 * it takes part through the feed, so it gets a tile and a line in the list like someone present.
 */
export function selectFeedOnlyParticipant(state: AppState, participantId: string): PresentParticipant | undefined {
  if (participantId in state.participants || participantId === state.self?.id) return undefined;
  const studio = state.studios.studios.find((s) => s.id === participantId);
  return studio && feedShownHere(state, studio.id) ? feedOnlyEntry(studio) : undefined;
}

/** Every such feed-only studio (stable entries: use with useShallow). */
export function selectFeedOnly(state: AppState): PresentParticipant[] {
  return state.studios.studios.flatMap((studio) => {
    const entry = selectFeedOnlyParticipant(state, studio.id);
    return entry ? [entry] : [];
  });
}
