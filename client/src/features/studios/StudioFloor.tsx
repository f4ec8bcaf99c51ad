import { useState } from 'react';
import { useStore } from '../../store';
import { useT } from '../../i18n';
import { Icon } from '../ui/Icon';
import { requestFloor, withdrawRequest } from '../floor/actions';
import { selectOwnEntry, selectSelfHoldsFloor } from '../floor/slice';

/**
 * The venue asks for the floor as a unit: one big button (a studio operator at a venue PC,
 * often across the room), then its place in line and a way to withdraw; while it speaks, says so.
 */
export function StudioFloor() {
  const t = useT();
  const holds = useStore(selectSelfHoldsFloor);
  const own = useStore(selectOwnEntry);
  const position = useStore((s) => (own ? (s.floor?.queue.findIndex((e) => e.id === own.id) ?? -1) + 1 : 0));
  const queueOpen = useStore((s) => s.floor?.queueOpen ?? false);
  const [busy, setBusy] = useState(false);

  const run = async (action: () => Promise<boolean>) => {
    if (busy) return;
    setBusy(true);
    try {
      await action();
    } finally {
      setBusy(false);
    }
  };

  if (holds) {
    return (
      <div className="studio-floor studio-floor--speaking" data-testid="studio-floor" data-state="speaking">
        <p className="studio-floor__state">
          <Icon name="mic" size={26} />
          {t('studios.page.speaking')}
        </p>
      </div>
    );
  }
  if (own) {
    return (
      <div className="studio-floor studio-floor--queued" data-testid="studio-floor" data-state="queued" data-position={position}>
        <p className="studio-floor__state">
          <Icon name="clock" size={24} />
          {t('studios.page.queued', { position })}
        </p>
        <button type="button" className="btn btn--block" data-testid="studio-withdraw" aria-busy={busy} onClick={() => void run(() => withdrawRequest(own.id))}>
          {t('studios.page.withdraw')}
        </button>
      </div>
    );
  }
  return (
    <div className="studio-floor" data-testid="studio-floor" data-state="idle">
      <button
        type="button"
        className="btn btn--primary btn--block studio-floor__request"
        data-testid="studio-request-floor"
        aria-disabled={!queueOpen || busy}
        aria-busy={busy}
        aria-describedby="studio-floor-hint"
        onClick={() => {
          if (queueOpen) void run(() => requestFloor('speech', ''));
        }}
      >
        <Icon name="hand" size={28} />
        {t(busy ? 'studios.page.requesting' : 'studios.page.requestFloor')}
      </button>
      <p id="studio-floor-hint" className={queueOpen ? 'hint' : 'hint studio-floor__closed'}>
        {t(queueOpen ? 'studios.page.requestHint' : 'studios.page.queueClosed')}
      </p>
    </div>
  );
}
