import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ballotCommitment, checkOwnBallot } from './secretBallot.js';
import { sha256Hex } from './sha256.js';

describe('sha256Hex', () => {
  it('agrees with Node’s SHA-256 on empty, multi-block, block-edge and Chinese input', () => {
    for (const text of ['', 'abc', 'a'.repeat(55), 'a'.repeat(56), 'a'.repeat(64), 'x'.repeat(1000), '关于设立社区议事厅的提案 🗳️']) {
      expect(sha256Hex(text)).toBe(createHash('sha256').update(text, 'utf8').digest('hex'));
    }
  });
});

describe('a secret ballot’s commitment', () => {
  const nonce = 'ab'.repeat(16);

  it('binds the motion, the nonce and the choices (in any order), and shows none of them', () => {
    const c = ballotCommitment('m1', nonce, ['o1', 'o2']);
    expect(c).toMatch(/^[0-9a-f]{64}$/);
    expect(ballotCommitment('m1', nonce, ['o2', 'o1'])).toBe(c);
    expect(ballotCommitment('m2', nonce, ['o1', 'o2'])).not.toBe(c);
    expect(ballotCommitment('m1', 'cd'.repeat(16), ['o1', 'o2'])).not.toBe(c);
    expect(ballotCommitment('m1', nonce, ['o1'])).not.toBe(c);
    // Without the nonce, trying every choice finds nothing.
    for (const guess of [[], ['o1'], ['o2'], ['o1', 'o2']]) expect(ballotCommitment('m1', '', guess)).not.toBe(c);
  });

  it('the device finds its last ballot counted, missing, or inconsistent with the result', () => {
    const last = { nonce, choices: ['against'] };
    const earlier = { nonce: 'ef'.repeat(16), choices: ['for'] };
    const commitments = [ballotCommitment('m', last.nonce, last.choices), ballotCommitment('m', earlier.nonce, earlier.choices), 'f'.repeat(64)].sort();
    const published = { motionId: 'm', commitments };
    const result = { counts: { for: 0, against: 1, abstain: 0 }, ballots: 1, blank: 0 };
    expect(checkOwnBallot(last, published, result)).toBe('counted');
    // An overridden ballot is in the list just the same: finding it says nothing of what counted.
    expect(checkOwnBallot(earlier, published, result)).toBe('inconsistent');
    expect(checkOwnBallot(earlier, published, { ...result, counts: { for: 1, against: 1, abstain: 0 }, ballots: 2 })).toBe('counted');
    expect(checkOwnBallot({ nonce: '12'.repeat(16), choices: ['against'] }, published, result)).toBe('missing');
    expect(checkOwnBallot(last, { motionId: 'other', commitments }, result)).toBe('missing');
    // More ballots counted than commitments published cannot be.
    expect(checkOwnBallot(last, published, { ...result, ballots: 4, counts: { for: 0, against: 4, abstain: 0 } })).toBe('inconsistent');
    // A blank election ballot needs a blank counted.
    const blank = { nonce, choices: [] };
    const list = { motionId: 'm', commitments: [ballotCommitment('m', nonce, [])] };
    expect(checkOwnBallot(blank, list, { counts: { o1: 0 }, ballots: 1, blank: 1 })).toBe('counted');
    expect(checkOwnBallot(blank, list, { counts: { o1: 1 }, ballots: 1, blank: 0 })).toBe('inconsistent');
  });
});
