import { useCallback, useEffect, useRef, useState } from 'react';

/** Whether the page was opened straight into the projector view (`&view=projector` on the studio's link). */
function openedAsProjector(): boolean {
  return new URLSearchParams(window.location.search).get('view') === 'projector';
}

/**
 * The studio page's projector view for the venue's big screen: full screen where the browser
 * allows it (a kiosk browser may not; the view works without), left with Escape, the exit
 * button, or by leaving full screen.
 */
export function useProjector(): { on: boolean; enter: () => void; exit: () => void } {
  const [on, setOn] = useState(openedAsProjector);
  const wentFullscreen = useRef(false);

  const exit = useCallback(() => {
    setOn(false);
    if (wentFullscreen.current && document.fullscreenElement) void document.exitFullscreen().catch(() => undefined);
    wentFullscreen.current = false;
  }, []);

  const enter = useCallback(() => {
    setOn(true);
    // Only from a user's gesture; a refused (or unsupported) full screen leaves the view in the window.
    // Some phone browsers have no Fullscreen API at all, whatever the DOM types say.
    const root = document.documentElement as Partial<Pick<HTMLElement, 'requestFullscreen'>>;
    if (typeof root.requestFullscreen !== 'function') return;
    root.requestFullscreen().then(
      () => {
        wentFullscreen.current = true;
      },
      () => undefined,
    );
  }, []);

  useEffect(() => {
    if (!on) return;
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'Escape') exit();
    };
    // The browser's own way out of full screen (Esc, F11) leaves the projector view too.
    const onFullscreen = () => {
      if (wentFullscreen.current && !document.fullscreenElement) exit();
    };
    document.addEventListener('keydown', onKey);
    document.addEventListener('fullscreenchange', onFullscreen);
    return () => {
      document.removeEventListener('keydown', onKey);
      document.removeEventListener('fullscreenchange', onFullscreen);
    };
  }, [on, exit]);

  return { on, enter, exit };
}
