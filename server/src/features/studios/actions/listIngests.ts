import { answer, defineAction } from '../../../actions/action.js';

export const listIngests = defineAction({
  name: 'ingest.list',
  permission: 'consultation.moderate',
  prepare: async (_input, { consultationId, services }) => services.studios.list(consultationId),
  decide: (_state, _input, _actor, _now, ingests) => answer({ ingests }),
});
