import type { Participant, PresentParticipant } from '@consult/shared';

interface Entry {
  participant: Participant;
  status: PresentParticipant['status'];
  joinedAt: number;
  socketId: string | undefined;
  graceTimer: NodeJS.Timeout | undefined;
  /** What others are told, rebuilt only when the status changes (snapshots send it N times per burst). */
  view: PresentParticipant;
}

/**
 * Who is in each consultation's room right now. Presence is live state, not log
 * state: the log records attendance (joined/left) for the minutes.
 */
export class Presence {
  private readonly rooms = new Map<string, Map<string, Entry>>();

  private room(consultationId: string): Map<string, Entry> {
    let room = this.rooms.get(consultationId);
    if (!room) {
      room = new Map();
      this.rooms.set(consultationId, room);
    }
    return room;
  }

  get(consultationId: string, participantId: string): Entry | undefined {
    return this.rooms.get(consultationId)?.get(participantId);
  }

  /** Marks the participant online on this socket; returns the previous entry, if any. */
  connect(consultationId: string, participant: Participant, socketId: string, now: number): { previous: Entry | undefined; entry: Entry } {
    const room = this.room(consultationId);
    const previous = room.get(participant.id);
    if (previous?.graceTimer) clearTimeout(previous.graceTimer);
    const joinedAt = previous?.joinedAt ?? now;
    const entry: Entry = {
      participant,
      status: 'online',
      joinedAt,
      socketId,
      graceTimer: undefined,
      view: { ...participant, status: 'online', joinedAt },
    };
    room.set(participant.id, entry);
    return { previous: previous ? { ...previous } : undefined, entry };
  }

  /**
   * Someone expected back without a connection yet (in the room when the server stopped): shown
   * as reconnecting, with their place kept for `graceMs`, then `onExpire`.
   */
  hold(consultationId: string, participant: Participant, now: number, graceMs: number, onExpire: () => void): Entry {
    const room = this.room(consultationId);
    const entry: Entry = {
      participant,
      status: 'online',
      joinedAt: now,
      socketId: undefined,
      graceTimer: undefined,
      view: { ...participant, status: 'online', joinedAt: now },
    };
    room.set(participant.id, entry);
    this.startGrace(consultationId, entry, graceMs, onExpire);
    return entry;
  }

  /** The socket dropped: keep the place for `graceMs`, then call `onExpire`. */
  suspend(consultationId: string, participantId: string, socketId: string, graceMs: number, onExpire: () => void): Entry | undefined {
    const entry = this.get(consultationId, participantId);
    if (!entry || entry.socketId !== socketId) return undefined;
    this.startGrace(consultationId, entry, graceMs, onExpire);
    return entry;
  }

  private startGrace(consultationId: string, entry: Entry, graceMs: number, onExpire: () => void): void {
    const participantId = entry.participant.id;
    entry.status = 'reconnecting';
    entry.view = { ...entry.view, status: 'reconnecting' };
    entry.socketId = undefined;
    entry.graceTimer = setTimeout(() => {
      const current = this.get(consultationId, participantId);
      if (current === entry && entry.status === 'reconnecting') {
        this.remove(consultationId, participantId);
        onExpire();
      }
    }, graceMs);
    entry.graceTimer.unref();
  }

  remove(consultationId: string, participantId: string): boolean {
    const room = this.rooms.get(consultationId);
    const entry = room?.get(participantId);
    if (!room || !entry) return false;
    if (entry.graceTimer) clearTimeout(entry.graceTimer);
    room.delete(participantId);
    if (room.size === 0) this.rooms.delete(consultationId);
    return true;
  }

  list(consultationId: string): PresentParticipant[] {
    const room = this.rooms.get(consultationId);
    if (!room) return [];
    return [...room.values()].map(toPresent);
  }

  socketOf(consultationId: string, participantId: string): string | undefined {
    return this.get(consultationId, participantId)?.socketId;
  }

  /** Number of present participants per role, across consultations (for /metrics). */
  countByRole(): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const room of this.rooms.values()) {
      for (const entry of room.values()) counts[entry.participant.role] = (counts[entry.participant.role] ?? 0) + 1;
    }
    return counts;
  }

  clear(): void {
    for (const room of this.rooms.values()) for (const entry of room.values()) if (entry.graceTimer) clearTimeout(entry.graceTimer);
    this.rooms.clear();
  }
}

export function toPresent(entry: Entry): PresentParticipant {
  return entry.view;
}
