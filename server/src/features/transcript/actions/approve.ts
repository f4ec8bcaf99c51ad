import { canonicalJson, sha256 } from '../../../domain/chain.js';
import { decideApprove } from '../../../domain/transcript.js';
import { buildMinutes } from '../minutes.js';
import { defineAction } from '../../../actions/action.js';
import { minutesDecision } from './minutesAfter.js';

/** The moderator approves the submitted draft: the whole document is stored with the sha256 of its canonical JSON. */
export const approveMinutes = defineAction({
  name: 'minutes.approve',
  permission: 'consultation.moderate',
  decide(state, { version }, actor, now) {
    const document = { ...buildMinutes(state, now), status: 'approved' as const };
    return minutesDecision(state, decideApprove(state.transcript, actor, version, document, sha256(canonicalJson(document)), now));
  },
});
