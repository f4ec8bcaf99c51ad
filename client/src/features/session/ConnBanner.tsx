import { useStore } from '../../store';
import { useT } from '../../i18n';
import { Icon } from '../ui/Icon';

/** Tells the user the signalling connection is being (re)established. */
export function ConnBanner() {
  const t = useT();
  const connection = useStore((s) => s.connection);
  if (connection !== 'connecting' && connection !== 'reconnecting') return null;
  return (
    <div className={`conn-banner conn-banner--${connection}`} role="status" data-testid="conn-banner" data-state={connection}>
      <Icon name="signal" size={18} />
      <span>{t(connection === 'reconnecting' ? 'room.reconnecting' : 'room.connecting')}</span>
    </div>
  );
}
