import { answer, defineAction } from '../../../actions/action.js';
import { siteOverview } from '../overview.js';

/** Every site at a glance: who is connected, connection quality from the SFU's statistics, studio feeds, quorum. */
export const sitesOverview = defineAction({
  name: 'sites.overview',
  permission: 'consultation.moderate',
  prepare: (_input, { consultationId, services }) =>
    siteOverview(
      services.consultations.get(consultationId)!,
      services.presence.list(consultationId),
      services.media.existingRoom(consultationId),
      services.clock(),
      (studioId) => services.studios.ingestOf(consultationId, studioId),
    ),
  decide: (_state, _input, _actor, _now, overview) => answer(overview),
});
