import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import './styles.css';

// Browser tests read the store through window.__consultation: only in the build they run against
// (vite --mode e2e, client/dist-e2e). The production build has neither the hooks nor their chunk.
if (import.meta.env.MODE === 'e2e') void import('./testHooks').then((hooks) => hooks.installTestHooks());

const root = document.getElementById('root');
if (root) {
  createRoot(root).render(
    <StrictMode>
      <App />
    </StrictMode>,
  );
}
