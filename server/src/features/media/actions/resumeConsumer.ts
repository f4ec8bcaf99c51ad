import { answer, defineAction } from '../../../actions/action.js';

/** The receiver is ready for the media (consumers are created paused), or shows a video again. */
export const resumeConsumer = defineAction({
  name: 'media.resumeConsumer',
  permission: 'media.receive',
  async prepare({ consumerId }, { consultationId, actor, services }) {
    await (await services.media.room(consultationId)).resumeConsumer(actor.id, consumerId);
  },
  decide: () => answer({}),
});
