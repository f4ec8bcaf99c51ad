import type { MediaService } from '@consult/sfu';
import { PRESENCE_BATCH_MS, type Participant, type PresenceChange, type PresentParticipant } from '@consult/shared';
import type { Logger } from 'pino';
import { decideArrival, decideLeaving, type LeaveReason } from '../../domain/consultation.js';
import type { ConsultationService } from '../../log/ConsultationService.js';
import type { Audience } from '../../signaling/Audience.js';
import { toPresent, type Presence } from '../../signaling/Presence.js';

export interface AttendanceDeps {
  consultations: ConsultationService;
  presence: Presence;
  media: MediaService;
  audience: Audience;
  /** Whether a studio has an ingest point: its feed's media outlives its browser. */
  hasFeed: (consultationId: string, participantId: string) => boolean;
  graceMs: number;
  clock: () => number;
  log: Logger;
  /** Someone came back within their reconnect grace (for the metrics). */
  onReconnect?: () => void;
}

/**
 * Who is here: presence (live, who is connected now, shown to everyone in batches) and
 * attendance (in the log, for the minutes). A dropped connection keeps its place for the
 * reconnect grace; when that runs out, or someone leaves, they leave the consultation and
 * their place on the floor with it.
 */
export class Attendance {
  private readonly batches = new Map<string, PresenceChange[]>();

  constructor(private readonly deps: AttendanceDeps) {}

  present(consultationId: string): PresentParticipant[] {
    return this.deps.presence.list(consultationId);
  }

  /**
   * A connection joins as a participant. Returns the connection it replaces (the same link
   * opened elsewhere), if any; their earlier browser media ends.
   */
  async arrive(consultationId: string, participant: Participant, socketId: string): Promise<{ replaced: string | undefined }> {
    const { previous } = this.deps.presence.connect(consultationId, participant, socketId, this.deps.clock());
    if (previous?.status === 'reconnecting') this.deps.onReconnect?.();
    this.dropBrowserMedia(consultationId, participant.id);
    await this.deps.consultations.commit(consultationId, (state) => ({ events: decideArrival(state, participant.id), reply: undefined }));
    return { replaced: previous?.socketId !== socketId ? previous?.socketId : undefined };
  }

  /** Everyone is told this connection is in the room (after its join reply is built). */
  announceArrival(consultationId: string, participantId: string, socketId: string): void {
    const entry = this.deps.presence.get(consultationId, participantId);
    if (entry && entry.socketId === socketId) this.announce(consultationId, { kind: 'upsert', participant: toPresent(entry) });
  }

  /** The connection dropped: shown as reconnecting, their place kept for the grace. */
  dropped(consultationId: string, participantId: string, socketId: string): void {
    this.dropBrowserMedia(consultationId, participantId);
    const entry = this.deps.presence.suspend(consultationId, participantId, socketId, this.deps.graceMs, () =>
      this.departed(consultationId, participantId, 'timeout'),
    );
    if (entry) this.announce(consultationId, { kind: 'upsert', participant: toPresent(entry) });
  }

  /** They leave on purpose: at once, unless a newer connection of theirs took over. */
  async leave(consultationId: string, participantId: string, socketId: string, reason: LeaveReason): Promise<void> {
    this.dropBrowserMedia(consultationId, participantId);
    if (this.deps.presence.socketOf(consultationId, participantId) !== socketId) return;
    this.deps.presence.remove(consultationId, participantId);
    this.announce(consultationId, { kind: 'left', participantId });
    await this.record(consultationId, participantId, reason);
  }

  /**
   * Participants who were in the room when the server stopped: shown as reconnecting, their place
   * in the queue (and the floor) kept for the reconnect grace, as after a dropped link.
   */
  holdPlaces(stranded: readonly { consultationId: string; participantId: string }[]): void {
    for (const { consultationId, participantId } of stranded) {
      const participant = this.deps.consultations.get(consultationId)?.consultation.participants.find((p) => p.id === participantId);
      if (!participant || this.deps.presence.get(consultationId, participantId)) continue;
      this.deps.presence.hold(consultationId, participant, this.deps.clock(), this.deps.graceMs, () => this.departed(consultationId, participantId, 'timeout'));
    }
  }

  /** Their grace ran out: everyone is told they left, and the log withdraws their place in the queue. */
  private departed(consultationId: string, participantId: string, reason: LeaveReason): void {
    this.announce(consultationId, { kind: 'left', participantId });
    this.record(consultationId, participantId, reason).catch((err: unknown) =>
      this.deps.log.error({ err, consultationId, participantId }, 'could not record a departure'),
    );
  }

  private async record(consultationId: string, participantId: string, reason: LeaveReason): Promise<void> {
    await this.deps.consultations.commit(consultationId, (state, now) => ({ events: decideLeaving(state, participantId, reason, now), reply: undefined }));
  }

  /**
   * Ends a participant's browser media (their WebRTC transports, and with them their producers
   * and consumers). A studio's ingest feed is not the browser's: its transports stay.
   */
  private dropBrowserMedia(consultationId: string, participantId: string): void {
    const room = this.deps.media.existingRoom(consultationId);
    if (!room) return;
    if (this.deps.hasFeed(consultationId, participantId)) room.closeTransports(participantId, 'browser');
    else room.removePeer(participantId);
  }

  /** Queues a presence change; the consultation's batch goes out within PRESENCE_BATCH_MS. */
  private announce(consultationId: string, change: PresenceChange): void {
    let batch = this.batches.get(consultationId);
    if (!batch) {
      const changes: PresenceChange[] = [];
      batch = changes;
      this.batches.set(consultationId, changes);
      setTimeout(() => {
        this.batches.delete(consultationId);
        this.deps.audience.all(consultationId).emit('presence.changed', { changes });
      }, PRESENCE_BATCH_MS).unref();
    }
    batch.push(change);
  }

  close(): void {
    this.deps.presence.clear();
  }
}
