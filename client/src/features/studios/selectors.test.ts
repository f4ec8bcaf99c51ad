import { describe, expect, it } from 'vitest';
import type { IngestView } from '@consult/shared';
import type { AppState } from '../../store';
import { selectAudioConsumerIds, selectFeaturedId, selectVideoConsumerId, selectVideoSource, stageParticipants } from '../media/slice';
import { selectFeedOnly, selectFeedOnlyParticipant, selectFeedShown } from './slice';

const ingest = (onAir: boolean): IngestView => ({
  ingestId: 'i1',
  studioId: 'studio',
  url: 'rtmp://x/live',
  key: 'k',
  whipUrl: '/whip/i1',
  status: 'live',
  via: 'rtmp',
  onAir,
});

function state(role: 'moderator' | 'member', onAir: boolean | null): AppState {
  return {
    self: { id: 'me', name: 'me', role, siteId: 's' },
    consumerIds: {
      studio: { camera: 'c-cam', mic: 'c-mic', 'ingest-video': 'c-feed', 'ingest-audio': 'c-feed-audio' },
      member: { camera: 'm-cam', mic: 'm-mic' },
    },
    studios: { ingests: onAir === null ? {} : { i1: ingest(onAir) } },
  } as unknown as AppState;
}

describe('a studio feed in place of its camera', () => {
  it('counts for everyone else (they only ever receive feeds on air)', () => {
    const s = state('member', null);
    expect(selectFeedShown(s, 'studio')).toBe(true);
    expect(selectVideoSource(s, 'studio')).toBe('ingest-video');
    expect(selectVideoConsumerId(s, 'studio')).toBe('c-feed');
    expect(selectAudioConsumerIds(s).sort()).toEqual(['c-feed-audio', 'c-mic', 'm-mic']);
  });

  it('stays in the moderator’s preview until it is on air', () => {
    for (const s of [state('moderator', false), state('moderator', null)]) {
      expect(selectVideoConsumerId(s, 'studio')).toBe('c-cam');
      expect(selectAudioConsumerIds(s)).not.toContain('c-feed-audio');
    }
    const onAir = state('moderator', true);
    expect(selectVideoConsumerId(onAir, 'studio')).toBe('c-feed');
    expect(selectAudioConsumerIds(onAir)).toContain('c-feed-audio');
  });

  it('leaves other participants’ cameras alone', () => {
    expect(selectVideoConsumerId(state('member', null), 'member')).toBe('m-cam');
    expect(selectVideoConsumerId(state('member', null), 'nobody')).toBeNull();
  });
});

describe('a studio present only through its feed', () => {
  const feedState = (present: boolean, role: 'moderator' | 'member' = 'member', onAir = true): AppState =>
    ({
      self: { id: 'me', name: 'me', role, siteId: 's' },
      participants: {
        me: { id: 'me', name: 'me', role, siteId: 's', status: 'online', joinedAt: 1 },
        ...(present ? { studio: { id: 'studio', name: '工作室', role: 'studio', siteId: 'lake', status: 'online', joinedAt: 2 } } : {}),
      },
      remoteProducers: { f1: { producerId: 'f1', participantId: 'studio', kind: 'video', source: 'ingest-video', paused: false } },
      consumerIds: { studio: { 'ingest-video': 'c-feed' } },
      floor: { speech: { participantId: 'studio' }, queue: [] },
      lastRemoteSpeakerId: null,
      studios: { studios: [{ id: 'studio', name: '工作室', siteId: 'lake' }], ingests: { i1: ingest(onAir) } },
    }) as unknown as AppState;

  it('is on stage and in the main view as the studio, with one stable entry', () => {
    const s = feedState(false);
    const entry = selectFeedOnlyParticipant(s, 'studio');
    expect(entry).toMatchObject({ id: 'studio', name: '工作室', role: 'studio', siteId: 'lake' });
    expect(selectFeedOnlyParticipant(s, 'studio')).toBe(entry);
    expect(selectFeedOnly(s)).toEqual([entry]);
    expect(stageParticipants(s.participants, 'me', selectFeedOnly(s)).map((p) => p.id)).toEqual(['studio']);
    expect(selectFeaturedId(s)).toBe('studio');
  });

  it('is not when its page is open, nor for a moderator while the feed is only a preview', () => {
    expect(selectFeedOnly(feedState(true))).toEqual([]);
    expect(selectFeedOnly(feedState(false, 'moderator', false))).toEqual([]);
    expect(selectFeedOnly(feedState(false, 'moderator', true))).toHaveLength(1);
  });
});
