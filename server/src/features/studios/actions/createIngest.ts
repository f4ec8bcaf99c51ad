import { decideCreateIngest } from '../../../domain/studios.js';
import { defineAction } from '../../../actions/action.js';

/**
 * An ingest point for a studio's broadcast gear: it listens first (a port from the range), then
 * the log records it; if the log refuses (the studio has one already), it stops listening.
 */
export const createIngest = defineAction({
  name: 'ingest.create',
  permission: 'consultation.moderate',
  authorize: (state, _actor, { studioId }) =>
    void decideCreateIngest(state.consultation, state.studios, { ingestId: 'check', studioId, key: 'check', port: 0 }),
  prepare: ({ studioId }, { consultationId, services, newId }) => services.studios.openIngest(consultationId, studioId, newId()),
  decide(state, _input, _actor, _now, opened) {
    const { ingestId, studioId, key, port } = opened;
    const events = decideCreateIngest(state.consultation, state.studios, { ingestId, studioId, key, port });
    return { events, reply: { ingest: opened.view } };
  },
  abandon: (opened, { services }) => services.studios.closeIngest(opened.ingestId),
});
