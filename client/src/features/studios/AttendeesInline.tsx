import { useStore } from '../../store';
import { useT } from '../../i18n';
import { selectAttendees } from './slice';
import './studios.css';

/** How many names are written out before "and others". */
const INLINE_NAMES = 3;

/**
 * The people present at a studio venue, in one line beside the studio's name (its tile, the
 * participant list); the whole list is in the title. Nothing for anyone who is not a studio.
 */
export function AttendeesInline({ participantId, className }: { participantId: string; className?: string }) {
  const t = useT();
  const names = useStore((s) => selectAttendees(s, participantId));
  if (names.length === 0) return null;
  const shown = names.slice(0, INLINE_NAMES).join('、');
  const text =
    names.length > INLINE_NAMES ? t('studios.attendees.inlineMore', { names: shown, count: names.length }) : t('studios.attendees.inline', { names: shown });
  return (
    <span className={['studio-attendees-inline', className].filter(Boolean).join(' ')} data-testid={`attendees-${participantId}`} title={names.join('、')}>
      {text}
    </span>
  );
}
