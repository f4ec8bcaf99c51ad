import type { ReactNode } from 'react';
import { Header } from './Header';

/** A full page with one centred message card (loading, error, left). */
export function NoticePage({ children, testId, code }: { children: ReactNode; testId?: string; code?: string }) {
  return (
    <div className="page">
      <Header />
      <main className="notice-wrap">
        <section className="card notice" data-testid={testId} data-code={code}>
          {children}
        </section>
      </main>
    </div>
  );
}
