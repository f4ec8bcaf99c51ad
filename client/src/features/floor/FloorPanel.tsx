import { can } from '@consult/shared';
import { useStore } from '../../store';
import { MemberFloorPanel } from './MemberFloorPanel';
import { ModeratorFloorPanel } from './ModeratorFloorPanel';

/** The floor tab of the side panel: the chair's controls, or a member's request (others see the queue). */
export function FloorPanel() {
  const moderates = useStore((s) => (s.self ? can(s.self.role, 'consultation.moderate') : false));
  return moderates ? <ModeratorFloorPanel /> : <MemberFloorPanel />;
}
