import { floorView } from '../../../domain/floor.js';
import { answer, defineAction } from '../../../actions/action.js';

export const floorState = defineAction({
  name: 'floor.state',
  permission: 'session.join',
  decide: (state) => answer(floorView(state.floor)),
});
