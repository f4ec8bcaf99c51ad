import { answer, defineAction } from '../../../actions/action.js';

/** The simulcast layer that fits the tile the video is drawn in. */
export const setConsumerLayers = defineAction({
  name: 'media.setConsumerLayers',
  permission: 'media.receive',
  async prepare({ consumerId, spatialLayer }, { consultationId, actor, services }) {
    await (await services.media.room(consultationId)).setConsumerLayers(actor.id, consumerId, spatialLayer);
  },
  decide: () => answer({}),
});
