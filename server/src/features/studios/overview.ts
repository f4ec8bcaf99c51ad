import {
  DEFAULT_QUORUM,
  quorumRequired,
  type ConnectionQuality,
  type IngestView,
  type PresentParticipant,
  type SiteOverview,
  type SiteParticipantStatus,
} from '@consult/shared';
import type { MediaRoom } from '@consult/sfu';
import type { ConsultationState } from '../../domain/consultation.js';

const RANK = { none: 0, off: 1, silent: 2, frozen: 2, on: 3 } as const;

/** The better of two states of a participant's sources (a source that works wins). */
function best<T extends keyof typeof RANK>(a: T, b: T): T {
  return RANK[b] > RANK[a] ? b : a;
}

/** Loss and RTT → a grade a chair can read at a glance. */
export function grade(lossPct: number, rttMs: number | null): ConnectionQuality['grade'] {
  if (lossPct >= 8 || (rttMs !== null && rttMs >= 400)) return 'poor';
  if (lossPct >= 2 || (rttMs !== null && rttMs >= 200)) return 'fair';
  return 'good';
}

/**
 * The moderator's overview by site: who is connected, each one's connection quality from
 * the SFU's own statistics (what it receives from them, what it sends them, loss, RTT),
 * whether their microphone and camera work, and attendance and quorum from presence. A studio
 * with an ingest point also shows its feed, which may be live with nobody at the studio page.
 */
export async function siteOverview(
  state: ConsultationState,
  present: PresentParticipant[],
  room: MediaRoom | undefined,
  now: number,
  ingestOf: (studioId: string) => IngestView | null = () => null,
): Promise<SiteOverview> {
  const presence = new Map(present.map((p) => [p.id, p]));
  const statuses = new Map<string, SiteParticipantStatus>();
  for (const p of state.consultation.participants) {
    const here = presence.get(p.id);
    const status: SiteParticipantStatus = {
      participantId: p.id,
      name: p.name,
      role: p.role,
      status: here ? here.status : 'absent',
      mic: 'none',
      camera: 'none',
      quality: null,
      attendees: state.studios.attendees[p.id] ?? [],
      feed: null,
    };
    const ingest = p.role === 'studio' ? ingestOf(p.id) : null;
    if (ingest) status.feed = { status: ingest.status, onAir: ingest.onAir, via: ingest.via };
    if ((here || ingest?.status === 'live') && room) {
      const measured = await room.peerStats(p.id);
      let sendBitrate = 0;
      let recvBitrate = 0;
      let loss = 0;
      const rtts: number[] = [];
      for (const producer of measured.producers) {
        sendBitrate += producer.bitrate;
        loss = Math.max(loss, (producer.fractionLost / 256) * 100);
        const flowing = producer.bitrate > 0;
        // A studio may have its browser's microphone (paused while its feed carries the sound) and its
        // feed's audio: the venue is heard if either is, so the best state of its sources is shown.
        if (producer.kind === 'audio') status.mic = best(status.mic, producer.paused ? 'off' : flowing ? 'on' : 'silent');
        if (producer.kind === 'video') status.camera = best(status.camera, producer.paused ? 'off' : flowing ? 'on' : 'frozen');
      }
      for (const consumer of measured.consumers) {
        recvBitrate += consumer.bitrate;
        loss = Math.max(loss, (consumer.fractionLost / 256) * 100);
        if (consumer.roundTripTime) rtts.push(consumer.roundTripTime);
      }
      const rttMs = rtts.length > 0 ? Math.round(rtts.reduce((a, b) => a + b, 0) / rtts.length) : null;
      const lossPct = Math.round(loss * 10) / 10;
      status.quality = { sendBitrate, recvBitrate, lossPct, rttMs, grade: grade(lossPct, rttMs) };
    }
    statuses.set(p.id, status);
  }
  const sites = state.consultation.sites.map((site) => {
    const people = state.consultation.participants.filter((p) => p.siteId === site.id);
    const members = people.filter((p) => p.role === 'member');
    return {
      siteId: site.id,
      name: site.name,
      participants: people.map((p) => statuses.get(p.id)!),
      membersInvited: members.length,
      membersPresent: members.filter((p) => presence.has(p.id)).length,
    };
  });
  const membersInvited = sites.reduce((n, s) => n + s.membersInvited, 0);
  const membersPresent = sites.reduce((n, s) => n + s.membersPresent, 0);
  const required = quorumRequired(membersInvited, DEFAULT_QUORUM);
  return { sites, quorum: { membersInvited, membersPresent, required, met: membersPresent >= required }, at: now };
}
