import { notFound } from '@consult/shared';
import { decideOnAir } from '../../../domain/studios.js';
import { defineAction } from '../../../actions/action.js';

/** Cue before air: a feed goes on air for everyone, or off air back to the moderators' preview. */
export const setOnAir = defineAction({
  name: 'ingest.setOnAir',
  permission: 'consultation.moderate',
  prepare: async ({ ingestId, onAir }, { consultationId, services }) => {
    const record = services.consultations.get(consultationId)!.studios.ingests[ingestId];
    const live = services.studios.live(ingestId);
    if (!record || !live) throw notFound(`ingest point ${ingestId}`);
    return services.studios.view({ ...record, onAir }, live);
  },
  decide: (state, { ingestId, onAir }, actor, _now, view) => ({ events: decideOnAir(state.studios, ingestId, onAir, actor.id), reply: { ingest: view } }),
});
