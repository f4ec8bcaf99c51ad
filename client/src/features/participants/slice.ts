import type { StateCreator } from 'zustand';
import type { Participant, PresentParticipant, Role } from '@consult/shared';
import type { AppState } from '../../store';

export interface ParticipantsSlice {
  /** Everyone present (self included), by participant id. */
  participants: Record<string, PresentParticipant>;
  /** Everyone seen since the page opened, present or not: names for queue entries and speeches of people who left. */
  roster: Record<string, Participant>;
  setParticipants: (list: PresentParticipant[]) => void;
  upsertParticipant: (participant: PresentParticipant) => void;
  removeParticipant: (participantId: string) => void;
}

export const createParticipantsSlice: StateCreator<AppState, [], [], ParticipantsSlice> = (set) => ({
  participants: {},
  roster: {},
  setParticipants: (list) =>
    set((s) => ({
      participants: Object.fromEntries(list.map((p) => [p.id, p])),
      roster: list.length > 0 ? { ...s.roster, ...Object.fromEntries(list.map((p) => [p.id, toRosterEntry(p)])) } : s.roster,
    })),
  upsertParticipant: (participant) =>
    set((s) => ({
      participants: { ...s.participants, [participant.id]: participant },
      roster: { ...s.roster, [participant.id]: toRosterEntry(participant) },
    })),
  removeParticipant: (participantId) =>
    set((s) => {
      if (!(participantId in s.participants)) return s;
      const { [participantId]: _gone, ...rest } = s.participants;
      return { participants: rest };
    }),
});

function toRosterEntry(p: PresentParticipant): Participant {
  return { id: p.id, name: p.name, role: p.role, siteId: p.siteId };
}

const ROLE_ORDER: Record<Role, number> = { moderator: 0, studio: 1, member: 2, clerk: 3, observer: 4 };

/** A stable order for lists and grids: moderator first, then by role, then by arrival. */
export function orderParticipants(list: PresentParticipant[]): PresentParticipant[] {
  return [...list].sort((a, b) => ROLE_ORDER[a.role] - ROLE_ORDER[b.role] || a.joinedAt - b.joinedAt || a.id.localeCompare(b.id));
}
