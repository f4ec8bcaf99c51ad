import { useEffect } from 'react';
import { useStore } from './store';
import { translate } from './i18n';
import { bootstrap } from './features/session/controller';
import { Toasts } from './features/toasts/Toasts';
import { ErrorPage } from './pages/ErrorPage';
import { JoinPage } from './pages/JoinPage';
import { LeftPage } from './pages/LeftPage';
import { LoadingPage } from './pages/LoadingPage';
import { RoomPage } from './pages/RoomPage';
import { StudioPage } from './pages/StudioPage';
import { WatchPage, watchRouteId } from './pages/WatchPage';

/** `/watch/<id>` is the public stream (no join link, no session); every other path is the consultation. */
export function App() {
  const watchId = watchRouteId(window.location.pathname);
  return watchId ? <WatchPage consultationId={watchId} /> : <ConsultationApp />;
}

/** Picks the page for the session phase; `/` and `/join` behave the same (both read `?token=`). */
function ConsultationApp() {
  const isStudio = useStore((s) => s.self?.role === 'studio');
  const phase = useStore((s) => s.phase);
  const lang = useStore((s) => s.lang);
  const title = useStore((s) => s.consultation?.title ?? s.sessionInfo?.consultation.title);

  useEffect(() => {
    void bootstrap();
  }, []);

  useEffect(() => {
    document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
    document.title = title ? translate(lang, 'app.documentTitle', { title }) : translate(lang, 'app.name');
  }, [lang, title]);

  return (
    <>
      {phase === 'loading' && <LoadingPage />}
      {(phase === 'lobby' || phase === 'joining') && <JoinPage />}
      {phase === 'room' && (isStudio ? <StudioPage /> : <RoomPage />)}
      {phase === 'left' && <LeftPage />}
      {phase === 'error' && <ErrorPage />}
      <Toasts />
    </>
  );
}
