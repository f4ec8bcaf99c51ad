import { quorumRequired, type ConnectionQuality, type IngestView, type PresentParticipant, type SiteOverview, type SiteParticipantStatus } from '@consult/shared';
import type { MediaRoom } from '@consult/sfu';
import type { types } from 'mediasoup';
import type { ConsultationState } from '../../domain/consultation.js';

interface StreamStats {
  bitrate?: number;
  fractionLost?: number;
  roundTripTime?: number;
  score?: number;
  packetCount?: number;
  type?: string;
}

/** Loss and RTT → a grade a chair can read at a glance. */
export function grade(lossPct: number, rttMs: number | null): ConnectionQuality['grade'] {
  if (lossPct >= 8 || (rttMs !== null && rttMs >= 400)) return 'poor';
  if (lossPct >= 2 || (rttMs !== null && rttMs >= 200)) return 'fair';
  return 'good';
}

async function stats(of: types.Producer | types.Consumer): Promise<StreamStats[]> {
  return ((await of.getStats().catch(() => [])) as StreamStats[]) ?? [];
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
    const peer = room?.peers.get(p.id);
    if ((here || ingest?.status === 'live') && peer) {
      let sendBitrate = 0;
      let recvBitrate = 0;
      let loss = 0;
      const rtts: number[] = [];
      for (const producer of peer.producers.values()) {
        const source = (producer.appData as { source?: string }).source;
        const inbound = (await stats(producer)).filter((s) => s.type === 'inbound-rtp');
        const bitrate = inbound.reduce((n, s) => n + (s.bitrate ?? 0), 0);
        sendBitrate += bitrate;
        for (const s of inbound) loss = Math.max(loss, ((s.fractionLost ?? 0) / 256) * 100);
        const flowing = bitrate > 0;
        if (source === 'mic' || source === 'ingest-audio') status.mic = producer.paused ? 'off' : flowing ? 'on' : 'silent';
        if (source === 'camera' || source === 'ingest-video') status.camera = producer.paused ? 'off' : flowing ? 'on' : 'frozen';
      }
      let sampled = 0;
      for (const consumer of peer.consumers.values()) {
        const outbound = (await stats(consumer)).filter((s) => s.type === 'outbound-rtp');
        for (const s of outbound) {
          recvBitrate += s.bitrate ?? 0;
          loss = Math.max(loss, ((s.fractionLost ?? 0) / 256) * 100);
          if (s.roundTripTime) rtts.push(s.roundTripTime);
        }
        if (++sampled >= 8) break;
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
  const required = quorumRequired(membersInvited, 0.5);
  return { sites, quorum: { membersInvited, membersPresent, required, met: membersPresent >= required }, at: now };
}
