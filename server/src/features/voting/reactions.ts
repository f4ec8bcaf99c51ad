import { TURNOUT_BATCH_MS } from '@consult/shared';
import type { Logger } from 'pino';
import type { ConsultationService } from '../../log/ConsultationService.js';
import type { EventBus } from '../../log/EventBus.js';
import type { Audience } from '../../signaling/Audience.js';
import { isMotionEvent, motionView } from '../../domain/voting.js';
import type { BallotBoxes } from './BallotBoxes.js';
import { namedChoices } from './closing.js';
import type { VotingTimer } from './VotingTimer.js';

/**
 * What follows from motions and ballots: a motion created, opened or closed (with its result) is
 * announced to everyone; an opened secret motion gets its ballot box and a timed one its timer;
 * turnout goes out at most every TURNOUT_BATCH_MS (a count, never a secret ballot's split), with
 * a roll-call's choices so far for the moderators.
 */
export function registerVotingReactions(deps: {
  bus: EventBus;
  consultations: ConsultationService;
  ballots: BallotBoxes;
  timer: VotingTimer;
  audience: Audience;
  log: Logger;
}): void {
  const { consultations, ballots, timer, audience, log } = deps;
  const dirty = new Map<string, Set<string>>();

  const touch = (consultationId: string, motionId: string) => {
    const pending = dirty.get(consultationId);
    if (pending) {
      pending.add(motionId);
      return;
    }
    const set = new Set([motionId]);
    dirty.set(consultationId, set);
    setTimeout(() => {
      dirty.delete(consultationId);
      const state = consultations.get(consultationId);
      if (!state) return;
      const turnout = [];
      for (const id of set) {
        const m = state.motions[id];
        if (!m) continue;
        turnout.push({ motionId: id, voted: ballots.voted(consultationId, m), eligible: m.eligible.length });
        if (m.definition.ballot === 'named') audience.moderators(consultationId).emit('motion.namedChoices', namedChoices(m));
      }
      audience.all(consultationId).emit('motion.turnout', { turnout });
    }, TURNOUT_BATCH_MS).unref();
  };

  deps.bus.subscribe('voting', ({ consultationId, state, events }) => {
    for (const e of events) {
      if (!isMotionEvent(e)) continue;
      const m = state.motions[e.data.motionId];
      if (!m) continue;
      if (e.type === 'ballot.cast') {
        touch(consultationId, m.definition.id);
        continue;
      }
      timer.arm(consultationId, m);
      audience.all(consultationId).emit('motion.changed', { motion: motionView(m, ballots.voted(consultationId, m)) });
      if (e.type === 'motion.opened' && m.definition.ballot === 'secret') {
        ballots.box(consultationId, m).catch((err: unknown) => log.error({ err, consultationId, motionId: m.definition.id }, 'could not open the ballot box'));
      }
    }
  });
  ballots.on('accepted', ({ consultationId, motionId }) => touch(consultationId, motionId));
}
