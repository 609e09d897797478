import { signal } from '@preact/signals';
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { type ApiError, me } from './api.js';

/** A refresh that failed while a page still shows what it loaded before: the header says so, with the time of that data. */
export interface RefreshTrouble {
  message: string;
  dataFrom: number;
}
const failing = new Map<number, RefreshTrouble>();
export const refreshTrouble = signal<RefreshTrouble | null>(null);
function report(id: number, trouble: RefreshTrouble | null) {
  if (trouble) failing.set(id, trouble);
  else failing.delete(id);
  refreshTrouble.value = failing.values().next().value ?? null;
}
/** The header's "Try again": every poll on the page loads once more now. */
export const RETRY_EVENT = 'amg:retry';
let polls = 0;

export interface Polled<T> {
  data: T | undefined;
  error: Error | undefined;
  loading: boolean;
  refresh: () => void;
}

/**
 * Loads data now and every `intervalMs` (0: once) while the tab is visible: a wall screen with the tab in the
 * background costs the gateway nothing, and the data is fresh the moment the tab shows again.
 */
export function usePoll<T>(load: () => Promise<T>, intervalMs: number, deps: unknown[]): Polled<T> {
  const [data, setData] = useState<T>();
  const [error, setError] = useState<Error>();
  const [loading, setLoading] = useState(true);
  const generation = useRef(0);
  const id = useRef(++polls);
  // When the data on screen was loaded: a later failed refresh leaves it in place, and the header says how old it is.
  const loadedAt = useRef<number | undefined>(undefined);
  const run = useCallback(() => {
    // Signed out mid-work: the page waits, hidden, for the next sign-in instead of asking again and again.
    if (me.value === null) return;
    const mine = ++generation.current;
    load().then(
      (value) => {
        if (mine !== generation.current) return;
        loadedAt.current = Date.now();
        report(id.current, null);
        setData(value);
        setError(undefined);
        setLoading(false);
      },
      (failure: Error) => {
        if (mine !== generation.current) return;
        // A 401 is no refresh trouble: the sign-in form shows instead.
        if (loadedAt.current !== undefined && (failure as ApiError).status !== 401)
          report(id.current, { message: failure.message, dataFrom: loadedAt.current });
        setError(failure);
        setLoading(false);
      },
    );
  }, deps);
  useEffect(() => {
    window.addEventListener(RETRY_EVENT, run);
    return () => window.removeEventListener(RETRY_EVENT, run);
  }, [run]);
  useEffect(() => () => report(id.current, null), []);
  // The query the data on screen answers: a new one (a filter, a range) drops it, so old rows never stand for the
  // new filter while it loads.
  const shownFor = useRef(run);
  useEffect(() => {
    if (shownFor.current !== run) {
      shownFor.current = run;
      loadedAt.current = undefined;
      report(id.current, null);
      setData(undefined);
      setError(undefined);
    }
    setLoading(true);
    run();
    if (!intervalMs) return undefined;
    let timer: ReturnType<typeof setInterval> | undefined;
    const start = () => {
      clearInterval(timer);
      timer = document.hidden ? undefined : setInterval(run, intervalMs);
    };
    const onVisibility = () => {
      if (!document.hidden) run();
      start();
    };
    start();
    document.addEventListener('visibilitychange', onVisibility);
    return () => {
      clearInterval(timer);
      document.removeEventListener('visibilitychange', onVisibility);
    };
  }, [run, intervalMs]);
  return { data, error, loading, refresh: run };
}
