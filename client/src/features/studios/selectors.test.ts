import { describe, expect, it } from 'vitest';
import type { IngestView } from '@consult/shared';
import type { AppState } from '../../store';
import { selectAudioConsumerIds, selectVideoConsumerId, selectVideoSource } from '../media/slice';
import { selectFeedShown } from './slice';

const ingest = (onAir: boolean): IngestView => ({ ingestId: 'i1', studioId: 'studio', url: 'rtmp://x/live', key: 'k', whipUrl: '/whip/i1', status: 'live', via: 'rtmp', onAir });

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
