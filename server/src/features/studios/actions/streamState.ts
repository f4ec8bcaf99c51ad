import { answer, defineAction } from '../../../actions/action.js';

export const streamState = defineAction({
  name: 'stream.state',
  permission: 'session.join',
  prepare: async (_input, { consultationId, services }) => services.studios.streamView(consultationId),
  decide: (_state, _input, _actor, _now, stream) => answer({ stream }),
});
