import { EventEmitter } from 'node:events';
import {
  AppError,
  ErrorCode,
  TURNOUT_BATCH_MS,
  invalidState,
  notFound,
  type MotionView,
  type MyBallot,
  type NamedChoices,
  type Participant,
  type PublishedBallot,
  type VoteReceipt,
} from '@consult/shared';
import type { Logger } from 'pino';
import type { ConsultationService } from '../../domain/ConsultationService.js';
import type { ConsultationState } from '../../domain/consultation.js';
import { receiptFor } from '../../domain/chain.js';
import {
  checkBallot,
  decideClose,
  decideCreate,
  decideNamedVote,
  decideOpen,
  motion,
  motionView,
  sameChoices,
  type MotionRecord,
  type VotingContext,
} from '../../domain/voting.js';
import type { BallotBoxBackend } from '../../store/BallotBox.js';
import { SecretBox } from '../../store/BallotBox.js';

export interface VotingServiceEvents {
  /** A motion was created, opened or closed. */
  changed: [{ consultationId: string; motion: MotionView }];
  /** Turnout of these open motions changed (batched, at most every TURNOUT_BATCH_MS). */
  turnout: [{ consultationId: string; turnout: { motionId: string; voted: number; eligible: number }[]; named: NamedChoices[] }];
}

/**
 * Motions and ballots. Named ballots are events of the consultation log; secret ballots
 * go to the ballot box, apart from the roll. Every ballot is acknowledged once durable.
 */
export class VotingService extends EventEmitter<VotingServiceEvents> {
  private readonly boxes = new Map<string, SecretBox>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly dirty = new Map<string, Set<string>>();
  private closed = false;

  constructor(
    private readonly consultations: ConsultationService,
    private readonly ballots: BallotBoxBackend,
    private readonly newId: () => string,
    private readonly clock: () => number,
    private readonly log: Logger,
  ) {
    super();
  }

  /** Loads the ballot boxes of secret motions and arms the time limits of open ones (after a restart). */
  async load(): Promise<void> {
    for (const state of this.consultations.all()) {
      for (const m of Object.values(state.motions)) {
        if (m.definition.ballot === 'secret' && m.status !== 'draft') await this.box(state.consultation.id, m.definition.id);
        if (m.status === 'open') this.arm(state.consultation.id, m);
      }
    }
  }

  private state(consultationId: string): ConsultationState {
    const state = this.consultations.get(consultationId);
    if (!state) throw notFound(`consultation ${consultationId}`);
    return state;
  }

  private async box(consultationId: string, motionId: string): Promise<SecretBox> {
    const key = `${consultationId}/${motionId}`;
    let box = this.boxes.get(key);
    // A write failed: what the store holds is the truth.
    if (box?.broken) {
      this.boxes.delete(key);
      box = undefined;
    }
    if (!box) {
      const eligible = this.state(consultationId).motions[motionId]?.eligible ?? [];
      box = await SecretBox.load(this.ballots, consultationId, motionId, eligible);
      // Two loads may race; keep the first.
      box = this.boxes.get(key) ?? box;
      this.boxes.set(key, box);
    }
    return box;
  }

  private loadedBox(consultationId: string, motionId: string): SecretBox | undefined {
    return this.boxes.get(`${consultationId}/${motionId}`);
  }

  private voted(consultationId: string, m: MotionRecord): number {
    if (m.definition.ballot === 'named') return Object.keys(m.named).length;
    return this.loadedBox(consultationId, m.definition.id)?.roll.size ?? 0;
  }

  view(consultationId: string, motionId: string): MotionView {
    const m = motion(this.state(consultationId).motions, motionId);
    return motionView(m, this.voted(consultationId, m));
  }

  list(consultationId: string): MotionView[] {
    return Object.values(this.state(consultationId).motions).map((m) => motionView(m, this.voted(consultationId, m)));
  }

  /** What this voter knows of their own ballots: for secret motions only whether they voted. */
  mine(consultationId: string, participantId: string): Record<string, MyBallot> {
    const mine: Record<string, MyBallot> = {};
    for (const m of Object.values(this.state(consultationId).motions)) {
      if (m.definition.ballot === 'named') {
        const b = m.named[participantId];
        mine[m.definition.id] = { eligible: m.eligible.includes(participantId), voted: b !== undefined, choices: b?.choices ?? null };
      } else {
        mine[m.definition.id] = { eligible: m.eligible.includes(participantId), voted: this.loadedBox(consultationId, m.definition.id)?.roll.has(participantId) ?? false, choices: null };
      }
    }
    return mine;
  }

  private context(state: ConsultationState, actor: Participant, now: number): VotingContext {
    return { consultation: state.consultation, motions: state.motions, actor, now, currentAgendaItemId: state.floor.agendaItemId };
  }

  async create(consultationId: string, actor: Participant, input: Parameters<typeof decideCreate>[2]): Promise<MotionView> {
    const motionId = this.newId();
    const { state } = await this.consultations.commit(consultationId, (current, now) => decideCreate(this.context(current, actor, now), motionId, input));
    const view = motionView(state.motions[motionId]!, 0);
    this.emit('changed', { consultationId, motion: view });
    return view;
  }

  async open(consultationId: string, actor: Participant, motionId: string, presentMembers: () => string[]): Promise<MotionView> {
    const { state } = await this.consultations.commit(consultationId, (current, now) => decideOpen(this.context(current, actor, now), motionId, presentMembers()));
    const m = state.motions[motionId]!;
    if (m.definition.ballot === 'secret') await this.box(consultationId, motionId);
    this.arm(consultationId, m);
    const view = motionView(m, this.voted(consultationId, m));
    this.emit('changed', { consultationId, motion: view });
    return view;
  }

  async vote(consultationId: string, voter: Participant, input: { motionId: string; ballotId: string; choices: string[]; ballotSecret?: string | undefined }): Promise<VoteReceipt> {
    const m = motion(this.state(consultationId).motions, input.motionId);
    if (m.definition.ballot === 'named') {
      if (input.ballotSecret !== undefined) throw new AppError(ErrorCode.VALIDATION, 'a named ballot takes no ballot secret');
      let changed = false;
      await this.consultations.commit(consultationId, (current, now) => {
        const decision = decideNamedVote(this.context(current, voter, now), input.motionId, input.ballotId, input.choices);
        changed = decision.changed;
        return decision.events;
      });
      this.touch(consultationId, input.motionId);
      return { recorded: true, changed, receiptCode: null, receiptHash: null };
    }
    if (!input.ballotSecret) throw new AppError(ErrorCode.VALIDATION, 'a secret ballot needs the ballot secret your device keeps');
    // The box is keyed to the roll snapshotted at the opening: refuse before touching it.
    if (m.status === 'draft') throw invalidState('this motion is not open yet');
    const box = await this.box(consultationId, input.motionId);
    // Decided synchronously against the current state and box, in arrival order.
    const current = motion(this.state(consultationId).motions, input.motionId);
    const receipt = receiptFor(input.motionId, input.ballotSecret);
    const existing = box.latest.get(receipt.hash);
    const inRoll = box.roll.has(voter.id);
    const answer = (changed: boolean): VoteReceipt => ({ recorded: true, changed, receiptCode: receipt.code, receiptHash: receipt.hash });
    if (inRoll && existing && sameChoices(existing, input.choices)) {
      // A retry: answered as the first time, once that ballot is sealed.
      if (current.status === 'draft') throw invalidState('this motion is not open yet');
      await box.sealed(receipt.hash);
      return answer(false);
    }
    checkBallot(current, voter, input.choices);
    if (box.closing) throw invalidState('this motion is closed');
    if (inRoll && !existing) throw invalidState('you have already voted; a vote can be changed only from the device that cast it');
    if (inRoll && !current.definition.allowChange) throw invalidState('you have voted; this motion does not allow changing a vote');
    let sealed: Promise<void>;
    if (inRoll) sealed = box.change(receipt.hash, [...input.choices]);
    // The entry was stored but the roll was not (a crash between the two writes): complete the roll.
    else if (existing && sameChoices(existing, input.choices)) sealed = box.cast(voter.id, null);
    else sealed = box.cast(voter.id, { receiptHash: receipt.hash, choices: [...input.choices] });
    this.touch(consultationId, input.motionId);
    // Acknowledged once sealed: stored together with other voters' ballots (see SecretBox).
    await sealed;
    return answer(inRoll);
  }

  async close(consultationId: string, actorId: string | null, motionId: string, reason: 'moderator' | 'timeout'): Promise<MotionView> {
    const m = motion(this.state(consultationId).motions, motionId);
    if (m.status !== 'open') throw new AppError(ErrorCode.STALE, `motion ${motionId} is ${m.status}, not open`);
    let box: SecretBox | undefined;
    if (m.definition.ballot === 'secret') {
      box = await this.box(consultationId, motionId);
      box.closing = true;
      // Every accepted ballot is in the box on disk before the close is decided.
      await box.sealAll();
    }
    try {
      const { state } = await this.consultations.commit(consultationId, (_current, now) =>
        decideClose(
          { motions: _current.motions, now, actorId },
          motionId,
          reason,
          box ? { finalChoices: box.finalChoices(), entries: box.entries, headHash: box.headHash } : null,
        ),
      );
      this.disarm(consultationId, motionId);
      const closedMotion = state.motions[motionId]!;
      const view = motionView(closedMotion, this.voted(consultationId, closedMotion));
      this.emit('changed', { consultationId, motion: view });
      return view;
    } catch (err) {
      if (box && this.state(consultationId).motions[motionId]?.status === 'open') box.closing = false;
      throw err;
    }
  }

  named(consultationId: string, motionId: string): NamedChoices {
    const m = motion(this.state(consultationId).motions, motionId);
    if (m.definition.ballot !== 'named') throw new AppError(ErrorCode.FORBIDDEN, 'a secret ballot has no named choices');
    return { motionId, choices: Object.fromEntries(Object.entries(m.named).map(([pid, b]) => [pid, b.choices])), eligible: m.eligible };
  }

  /** After the close of a secret ballot: (receipt hash, choices), sorted by hash. */
  async published(consultationId: string, motionId: string): Promise<PublishedBallot[]> {
    const m = motion(this.state(consultationId).motions, motionId);
    if (m.definition.ballot !== 'secret') throw invalidState('only a secret ballot has a published receipt list');
    if (m.status !== 'closed') throw invalidState('the receipt list is published when the vote closes');
    return (await this.box(consultationId, motionId)).published();
  }

  /** Every box entry in order, with its chain hashes (audit export of a closed secret motion). */
  async boxEntries(consultationId: string, motionId: string) {
    const eligible = this.state(consultationId).motions[motionId]?.eligible ?? [];
    return (await this.ballots.load(consultationId, motionId, eligible)).entries;
  }

  private touch(consultationId: string, motionId: string): void {
    let set = this.dirty.get(consultationId);
    if (set) {
      set.add(motionId);
      return;
    }
    set = new Set([motionId]);
    this.dirty.set(consultationId, set);
    const timer = setTimeout(() => {
      this.dirty.delete(consultationId);
      const state = this.consultations.get(consultationId);
      if (!state || this.closed) return;
      const turnout = [];
      const named: NamedChoices[] = [];
      for (const id of set) {
        const m = state.motions[id];
        if (!m) continue;
        turnout.push({ motionId: id, voted: this.voted(consultationId, m), eligible: m.eligible.length });
        if (m.definition.ballot === 'named') named.push(this.named(consultationId, id));
      }
      this.emit('turnout', { consultationId, turnout, named });
    }, TURNOUT_BATCH_MS);
    timer.unref();
  }

  private arm(consultationId: string, m: MotionRecord): void {
    if (m.closesAt === null || m.status !== 'open' || this.closed) return;
    const key = `${consultationId}/${m.definition.id}`;
    clearTimeout(this.timers.get(key));
    const timer = setTimeout(() => {
      this.timers.delete(key);
      this.close(consultationId, null, m.definition.id, 'timeout').catch((err: unknown) => {
        if (!(err instanceof AppError)) this.log.error({ err, consultationId, motionId: m.definition.id }, 'could not close a motion at its time limit');
      });
    }, Math.max(0, m.closesAt - this.clock()));
    timer.unref();
    this.timers.set(key, timer);
  }

  private disarm(consultationId: string, motionId: string): void {
    const key = `${consultationId}/${motionId}`;
    clearTimeout(this.timers.get(key));
    this.timers.delete(key);
  }

  shutdown(): void {
    this.closed = true;
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
  }
}
