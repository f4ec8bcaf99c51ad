import { answer, defineAction } from '../../../actions/action.js';

/** The client measures its clock against the server's (countdowns are computed in server time). */
export const timeSync = defineAction({
  name: 'time.sync',
  permission: 'session.join',
  decide: (_state, { clientTime }, _actor, now) => answer({ clientTime, serverTime: now }),
});
