import { can, type ProducerInfo, type Role } from '@consult/shared';
import type { StudioService } from '../studios/StudioService.js';

/** Who may receive a producer: everyone, the moderators only (a feed in preview), or its owner only. */
export type ProducerAudience = 'all' | 'moderators' | 'owner';

/**
 * The media the server keeps from some participants, whatever their clients ask:
 * - a studio's feed is shown to the moderators only until it is put on air (cue before air);
 * - a studio's browser microphone goes to nobody else while its on-air feed carries the venue's
 *   sound (a venue is heard once).
 */
export class MediaVisibility {
  constructor(private readonly studios: StudioService) {}

  audienceOf(consultationId: string, producer: Pick<ProducerInfo, 'participantId' | 'source'>): ProducerAudience {
    if (producer.source.startsWith('ingest') && this.studios.inPreview(consultationId, producer)) return 'moderators';
    if (this.micWithheld(consultationId, producer.participantId, producer.source)) return 'owner';
    return 'all';
  }

  /** Whether a viewer may not receive this producer. */
  hiddenFrom(consultationId: string, viewer: { id: string; role: Role }, producer: Pick<ProducerInfo, 'participantId' | 'source'>): boolean {
    switch (this.audienceOf(consultationId, producer)) {
      case 'all':
        return false;
      case 'moderators':
        return !can(viewer.role, 'consultation.moderate');
      case 'owner':
        return viewer.id !== producer.participantId;
    }
  }

  /** A studio's microphone while its on-air feed carries its sound: nobody else receives it. */
  micWithheld(consultationId: string, participantId: string, source: string): boolean {
    return source === 'mic' && this.studios.feedReplacesMic(consultationId, participantId);
  }
}
