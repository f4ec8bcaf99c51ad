import { answer, defineAction } from '../../../actions/action.js';

/** The receiver stopped drawing a video (its tile scrolled away): nothing is sent until it resumes it. */
export const pauseConsumer = defineAction({
  name: 'media.pauseConsumer',
  permission: 'media.receive',
  async prepare({ consumerId }, { consultationId, actor, services }) {
    await (await services.media.room(consultationId)).pauseConsumer(actor.id, consumerId);
  },
  decide: () => answer({}),
});
