import type { MotionView, ReplyData, RequestName, RequestPayload } from '@consult/shared';
import { useStore } from '../../store';
import { errorKey, type MessageKey } from '../../i18n';
import { errorCodeOf, type AppErrorCode } from '../../net/errors';
import { request } from '../../net/socket';
import { maySend, randomHex, sameChoices, voteErrorKey } from './logic';
import { selectModerates, selectOwnBallot } from './slice';
import { ballotKey, emptyBallot, loadBallot, saveBallot, type StoredBallot } from './storage';

/**
 * Motion requests. Views come back in the acks and through the 'motion.changed'
 * broadcast (both merged by the slice); refusals are explained by a toast.
 */

const store = () => useStore.getState();

/** Bytes of randomness in a ballot secret and in a ballot's nonce (64 hex characters; the server takes 32–128). */
const SECRET_BYTES = 32;
const BALLOT_ID_BYTES = 16;

const random = (array: Uint8Array) => crypto.getRandomValues(array);

/** Codes after which the motion we show is probably out of date. */
const REFRESH_AFTER: ReadonlySet<AppErrorCode> = new Set<AppErrorCode>(['STALE', 'NOT_FOUND', 'INVALID_STATE']);

/** Sends a moderator's motion request; on refusal shows why and returns null. */
async function act<N extends RequestName>(
  name: N,
  payload: RequestPayload<N>,
  explain: (code: AppErrorCode) => MessageKey = errorKey,
): Promise<ReplyData[N] | null> {
  try {
    return await request(name, payload);
  } catch (err) {
    const code = errorCodeOf(err);
    store().pushToast(explain(code));
    if (REFRESH_AFTER.has(code)) refreshMotions();
    return null;
  }
}

export async function createMotion(input: RequestPayload<'motion.create'>): Promise<MotionView | null> {
  const reply = await act('motion.create', input, (code) => (code === 'VALIDATION' ? 'vote.errorInvalidMotion' : errorKey(code)));
  if (!reply) return null;
  store().upsertMotion(reply.motion);
  store().pushToast('vote.created');
  return reply.motion;
}

export async function openMotion(motionId: string): Promise<boolean> {
  const reply = await act('motion.open', { motionId }, (code) =>
    code === 'INVALID_STATE' ? 'vote.errorAnotherOpen' : code === 'STALE' ? 'vote.errorAlreadyOpened' : errorKey(code),
  );
  if (reply) store().upsertMotion(reply.motion);
  return reply !== null;
}

export async function closeMotion(motionId: string): Promise<boolean> {
  const reply = await act('motion.close', { motionId }, (code) => (code === 'STALE' ? 'vote.errorAlreadyClosed' : errorKey(code)));
  if (reply) {
    store().upsertMotion(reply.motion);
    refreshNamed(motionId);
  }
  return reply !== null;
}

/** The moderator's live view of a named ballot: who chose what so far. */
export function refreshNamed(motionId: string): void {
  const state = store();
  if (!selectModerates(state) || state.voting.motions[motionId]?.definition.ballot !== 'named') return;
  request('motion.named', { motionId })
    .then((named) => store().setNamedChoices(named))
    .catch(() => undefined);
}

/** The published commitments of a closed secret motion, to check our last ballot against (again after a failure). */
export function fetchPublished(motionId: string): void {
  const current = store().voting.published[motionId];
  if (current?.status === 'loading' || current?.status === 'loaded') return;
  store().setPublished(motionId, { status: 'loading' });
  request('motion.published', { motionId })
    .then((published) => store().setPublished(motionId, { status: 'loaded', published }))
    .catch(() => store().setPublished(motionId, { status: 'failed' }));
}

/**
 * Our last secret ballot was found counted: keep only that fact. Its choices, nonce and the
 * ballot secret are forgotten, so that afterwards this device has nothing to show of the vote.
 */
export function forgetVerified(motionId: string): void {
  const key = storageKey(motionId);
  if (key) saveBallot(key, { ...emptyBallot(), verified: true });
  store().markVerified(motionId);
  store().patchOwnBallot(motionId, { choices: null });
}

function storageKey(motionId: string): string | null {
  const { consultation, self } = store();
  return consultation && self ? ballotKey(consultation.id, motionId, self.id) : null;
}

/** How long a secret ballot may wait for its batch to be sealed before the client sends it again. */
const SEALING_TIMEOUT_MS = 15 * 60_000;

/**
 * Casts (or changes) our ballot. The same choices as a ballot still waiting for its
 * answer are sent with the same ballot id (and nonce), so a retry is counted once; other
 * choices get a new ballot id and nonce (a change of vote). A secret ballot's secret and
 * nonce are stored on this device before anything is sent, and kept for retries and changes.
 * A secret ballot can be changed even while it waits to be sealed: until the close, the last
 * ballot counts, so one cast under someone's eyes can always be overridden.
 */
export async function castVote(motionId: string, choices: string[]): Promise<boolean> {
  const state = store();
  const motion = state.voting.motions[motionId];
  const key = storageKey(motionId);
  if (!motion || !key) return false;
  const { definition } = motion;
  const secret = definition.ballot === 'secret';
  const own = selectOwnBallot(state, motionId);
  if (!maySend(own, secret, choices)) return false;
  const stored = loadBallot(key) ?? emptyBallot();
  const hadSecret = stored.secret !== null;
  const retry = stored.pending && sameChoices(stored.pending.choices, choices) ? stored.pending : null;
  const ballotId = retry?.ballotId ?? randomHex(BALLOT_ID_BYTES, random);
  const nonce = secret ? (retry?.nonce ?? randomHex(SECRET_BYTES, random)) : null;
  const sending: StoredBallot = {
    ...stored,
    secret: secret ? (stored.secret ?? randomHex(SECRET_BYTES, random)) : null,
    pending: { ballotId, choices, nonce },
    verified: false,
  };
  if (!saveBallot(key, sending) && secret) state.pushToast('vote.storageFailed');
  state.patchOwnBallot(motionId, { sending: true, pending: sending.pending, unconfirmed: false });

  try {
    // A secret ballot is answered once it is sealed with other voters' ballots (at least ten, or
    // everyone), which may take until the vote closes: wait for it as long as the vote may run.
    const receipt = await request(
      'motion.vote',
      { motionId, ballotId, choices, ...(secret && sending.secret && nonce ? { ballotSecret: sending.secret, ballotNonce: nonce } : {}) },
      secret ? { timeoutMs: SEALING_TIMEOUT_MS } : {},
    );
    // A change was sent while this one waited (its answer decides what is recorded), or this is a
    // duplicate answer of a ballot already recorded: nothing to record.
    if (loadBallot(key)?.pending?.ballotId !== ballotId) return true;
    saveBallot(key, { ...sending, pending: null, recorded: { ballotId, choices, nonce } });
    store().patchOwnBallot(motionId, { voted: true, choices, pending: null, sending: false, unconfirmed: false, ineligible: false });
    if (nonce) {
      store().setOpening(motionId, { nonce, choices });
      // A retry answered after the close: the list to check the ballot against is out already.
      if (store().voting.motions[motionId]?.status === 'closed') fetchPublished(motionId);
    }
    if (receipt.changed) store().pushToast('vote.changedToast');
    return true;
  } catch (err) {
    const code = errorCodeOf(err);
    if (code === 'TIMEOUT' || code === 'NETWORK') {
      // A resend after a rejoin may have been answered meanwhile: then this answer is moot.
      if (loadBallot(key)?.pending?.ballotId !== ballotId) return false;
      // Unknown whether it counted: keep the ballot pending, to be sent again with the same id.
      store().patchOwnBallot(motionId, { sending: false, unconfirmed: true });
      store().pushToast('vote.unconfirmed');
      return false;
    }
    // Refused: this send recorded nothing. A secret that was never accepted is dropped; a
    // ballot still waiting to be sealed (this was its change) keeps waiting.
    const waiting = own.sending ? stored.pending : null;
    saveBallot(key, { ...sending, secret: hadSecret ? sending.secret : null, pending: waiting });
    store().patchOwnBallot(motionId, { sending: waiting !== null, pending: waiting, unconfirmed: false, ineligible: code === 'FORBIDDEN' });
    const current = store().voting.motions[motionId];
    store().pushToast(voteErrorKey(code, { status: current?.status, allowChange: definition.allowChange, secret, hadSecret }));
    if (REFRESH_AFTER.has(code)) refreshMotions();
    return false;
  }
}

/**
 * After a join or rejoin: the server's list with what it knows of our ballots, merged
 * with what this device kept (choices and nonces of secret ballots, ballots still
 * waiting for an answer, which are sent again with their ballot id).
 */
export function refreshMotions(): void {
  request('motion.list', {})
    .then(({ motions, mine }) => {
      const state = store();
      state.setMotions(motions);
      const moderates = selectModerates(state);
      for (const motion of motions) {
        const id = motion.definition.id;
        const key = storageKey(id);
        const local = key ? loadBallot(key) : null;
        const server = mine[id];
        const named = motion.definition.ballot === 'named';
        const pending = local?.pending ?? null;
        const choices = named ? (server?.choices ?? null) : (local?.recorded?.choices ?? null);
        const voted = server?.voted ?? false;
        store().patchOwnBallot(id, { voted, choices: voted ? choices : null, pending, sending: false, unconfirmed: pending !== null });
        const recorded = local?.recorded;
        if (voted && !named && recorded?.nonce) store().setOpening(id, { nonce: recorded.nonce, choices: recorded.choices });
        if (local?.verified) store().markVerified(id);
        if (pending && motion.status !== 'draft') {
          if (named && voted && choices && sameChoices(choices, pending.choices)) {
            // A named ballot whose answer was lost but which the server has: nothing to send.
            if (key && local)
              saveBallot(key, {
                ...local,
                pending: null,
                recorded: { ballotId: pending.ballotId, choices: pending.choices, nonce: null },
              });
            store().patchOwnBallot(id, { pending: null, unconfirmed: false });
          } else if (motion.status === 'open' || voted) {
            // Sent again with its ballot id (and nonce): counted once. After the close this still answers a secret ballot.
            void castVote(id, pending.choices);
          }
        }
        if (motion.status === 'closed' && !named && store().voting.openings[id]) fetchPublished(id);
        if (moderates && named && motion.status !== 'draft') refreshNamed(id);
      }
    })
    .catch(() => undefined);
}
