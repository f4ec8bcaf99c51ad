import { answer, defineAction } from '../../../actions/action.js';
import { setOwnProducerPaused } from './pauseProducer.js';

export const resumeProducer = defineAction({
  name: 'media.resumeProducer',
  permission: 'media.publish',
  prepare: ({ producerId }, ctx) => setOwnProducerPaused(producerId, false, ctx),
  decide: () => answer({}),
});
