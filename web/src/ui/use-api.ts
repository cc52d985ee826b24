import { useCallback, useEffect, useState } from 'preact/hooks';
import { api } from '../api';

export interface Loaded<T> {
  data: T | undefined;
  error: unknown;
  loading: boolean;
  reload: () => void;
  set: (update: (current: T | undefined) => T | undefined) => void;
}

/** GETs `path` (again when it changes, or on reload()); undefined path: nothing to load. */
export function useApi<T>(path: string | undefined): Loaded<T> {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<unknown>(undefined);
  const [loading, setLoading] = useState(true);
  const [round, setRound] = useState(0);
  useEffect(() => {
    if (!path) return;
    let current = true;
    setLoading(true);
    api<T>(path)
      .then((value) => {
        if (!current) return;
        setData(value);
        setError(undefined);
      })
      .catch((reason: unknown) => current && setError(reason))
      .finally(() => current && setLoading(false));
    return () => {
      current = false;
    };
  }, [path, round]);
  const reload = useCallback(() => setRound((n) => n + 1), []);
  return { data, error, loading, reload, set: setData };
}
