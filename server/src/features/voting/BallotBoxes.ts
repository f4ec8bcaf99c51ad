import { EventEmitter } from 'node:events';
import {
  AppError,
  ErrorCode,
  ballotCommitment,
  invalidState,
  notFound,
  type MyBallot,
  type Participant,
  type PublishedBallots,
  type VoteReceipt,
} from '@consult/shared';
import { receiptOf } from '../../domain/chain.js';
import type { ConsultationState } from '../../domain/consultation.js';
import { checkBallot, motion, type MotionRecord } from '../../domain/voting.js';
import type { ConsultationService } from '../../log/ConsultationService.js';
import { SecretBox, type BallotBoxBackend, type PublicBoxEntry } from '../../store/BallotBox.js';

export interface BallotBoxesEvents {
  /** A secret ballot was accepted (the turnout changed). */
  accepted: [{ consultationId: string; motionId: string }];
}

/** What the close of a secret motion records of its box. */
export interface BoxSummary {
  finalChoices: string[][];
  /** How many voted (the roll). */
  voters: number;
  entries: number;
  headHash: string;
}

/**
 * The secret motions' ballot boxes, kept apart from the consultation log on purpose (see
 * store/BallotBox.ts): loading them, casting into them, sealing them at the close.
 */
export class BallotBoxes extends EventEmitter<BallotBoxesEvents> {
  private readonly boxes = new Map<string, SecretBox>();

  constructor(
    private readonly consultations: ConsultationService,
    private readonly backend: BallotBoxBackend,
  ) {
    super();
  }

  /** Loads the boxes of every secret motion that has opened (after a restart). */
  async load(): Promise<void> {
    for (const state of this.consultations.all()) {
      for (const m of Object.values(state.motions)) {
        if (m.definition.ballot === 'secret' && m.status !== 'draft') await this.box(state.consultation.id, m);
      }
    }
  }

  /** The motion's box, loaded once (and again after a failed write: what the store holds is the truth). */
  async box(consultationId: string, m: MotionRecord): Promise<SecretBox> {
    const key = `${consultationId}/${m.definition.id}`;
    let box = this.boxes.get(key);
    if (box?.broken) {
      this.boxes.delete(key);
      box = undefined;
    }
    if (!box) {
      const loaded = await SecretBox.load(this.backend, consultationId, m.definition.id, m.eligible);
      // Two loads may race; keep the first.
      box = this.boxes.get(key) ?? loaded;
      this.boxes.set(key, box);
    }
    return box;
  }

  private loaded(consultationId: string, motionId: string): SecretBox | undefined {
    return this.boxes.get(`${consultationId}/${motionId}`);
  }

  /** How many have voted on a motion (secret: accepted into its box). */
  voted(consultationId: string, m: MotionRecord): number {
    if (m.definition.ballot === 'named') return Object.keys(m.named).length;
    return this.loaded(consultationId, m.definition.id)?.roll.size ?? 0;
  }

  /** What a voter knows of their own ballots: for secret motions only whether they voted. */
  mine(state: ConsultationState, participantId: string): Record<string, MyBallot> {
    const mine: Record<string, MyBallot> = {};
    for (const m of Object.values(state.motions)) {
      const eligible = m.eligible.includes(participantId);
      if (m.definition.ballot === 'named') {
        const b = m.named[participantId];
        mine[m.definition.id] = { eligible, voted: b !== undefined, choices: b?.choices ?? null };
      } else {
        mine[m.definition.id] = { eligible, voted: this.loaded(state.consultation.id, m.definition.id)?.roll.has(participantId) ?? false, choices: null };
      }
    }
    return mine;
  }

  /**
   * A secret ballot: decided against the box in arrival order, answered once it is sealed with
   * others (see SecretBox). A retry (same secret, nonce and choices: the same commitment) is
   * answered as the first; any other ballot from the same device overrides its earlier one.
   */
  async cast(
    consultationId: string,
    voter: Participant,
    input: { motionId: string; choices: string[]; ballotSecret?: string | undefined; ballotNonce?: string | undefined },
  ): Promise<VoteReceipt> {
    if (!input.ballotSecret || !input.ballotNonce)
      throw new AppError(ErrorCode.VALIDATION, 'a secret ballot needs the ballot secret and the nonce your device keeps');
    const state = this.consultations.get(consultationId);
    if (!state) throw notFound(`consultation ${consultationId}`);
    // The box is keyed to the roll snapshotted at the opening: refuse before touching it.
    if (motion(state.motions, input.motionId).status === 'draft') throw invalidState('this motion is not open yet');
    const box = await this.box(consultationId, motion(state.motions, input.motionId));
    // From here on synchronous against the current state and box: arrival order decides.
    const current = motion(this.consultations.get(consultationId)!.motions, input.motionId);
    const ballot = {
      receiptHash: receiptOf(input.motionId, input.ballotSecret),
      commitment: ballotCommitment(input.motionId, input.ballotNonce, input.choices),
      choices: [...input.choices],
    };
    const existing = box.latest.get(ballot.receiptHash);
    const inRoll = box.roll.has(voter.id);
    const answer = (changed: boolean): VoteReceipt => ({ recorded: true, changed, commitment: ballot.commitment });
    if (inRoll && existing?.commitment === ballot.commitment) {
      await box.sealed(ballot.receiptHash);
      return answer(false);
    }
    checkBallot(current, voter, input.choices);
    if (box.closing) throw invalidState('this motion is closed');
    if (inRoll && !existing) throw invalidState('you have already voted; a vote can be changed only from the device that cast it');
    if (inRoll && !current.definition.allowChange) throw invalidState('you have voted; this motion does not allow changing a vote');
    let sealed: Promise<void>;
    if (inRoll) sealed = box.change(ballot);
    // The entry was stored but the roll was not (a crash between the two writes): complete the roll.
    else if (existing?.commitment === ballot.commitment) sealed = box.cast(voter.id, null);
    else sealed = box.cast(voter.id, ballot);
    this.emit('accepted', { consultationId, motionId: input.motionId });
    await sealed;
    return answer(inRoll);
  }

  /** The close of a secret motion begins: no ballot is accepted any more, and everything accepted is sealed. */
  async seal(consultationId: string, m: MotionRecord): Promise<BoxSummary> {
    const box = await this.box(consultationId, m);
    box.closing = true;
    await box.sealAll();
    return { finalChoices: box.finalChoices(), voters: box.roll.size, entries: box.entries, headHash: box.headHash };
  }

  /** The close was refused or failed: the box takes ballots again. */
  reopen(consultationId: string, motionId: string): void {
    const box = this.loaded(consultationId, motionId);
    if (box) box.closing = false;
  }

  /** After the close of a secret ballot: every commitment in the box, sorted. */
  async published(consultationId: string, m: MotionRecord): Promise<PublishedBallots> {
    return { motionId: m.definition.id, commitments: (await this.box(consultationId, m)).published() };
  }

  /**
   * Every box entry as stored, in order, with its chain hashes, for the audit export of a closed
   * secret motion: its commitment only, never the receipt or the choices kept beside it.
   */
  async entries(consultationId: string, m: MotionRecord): Promise<PublicBoxEntry[]> {
    const { entries } = await this.backend.load(consultationId, m.definition.id, m.eligible);
    return entries.map(({ commitment, prevHash, hash }) => ({ commitment, prevHash, hash }));
  }
}
