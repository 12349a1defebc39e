import { useCallback, useRef, useState } from 'react';

/**
 * Drag across the plot to zoom the dashboard's time range, as Grafana's graphs do: returns the
 * selection being dragged (px) and the pointer handlers. A click (under 5 px) is not a zoom.
 */
export function useDragZoom(onZoom: (x0: number, x1: number) => void) {
  const start = useRef<number | undefined>(undefined);
  const [selection, setSelection] = useState<{ x0: number; x1: number } | undefined>(undefined);
  const down = useCallback((x: number) => {
    start.current = x;
    setSelection(undefined);
  }, []);
  const move = useCallback((x: number) => {
    if (start.current !== undefined) {
      setSelection({ x0: Math.min(start.current, x), x1: Math.max(start.current, x) });
    }
  }, []);
  const up = useCallback(
    (x: number) => {
      const x0 = start.current;
      start.current = undefined;
      setSelection(undefined);
      if (x0 !== undefined && Math.abs(x - x0) >= 5) {
        onZoom(Math.min(x0, x), Math.max(x0, x));
      }
    },
    [onZoom]
  );
  const cancel = useCallback(() => {
    start.current = undefined;
    setSelection(undefined);
  }, []);
  return { selection, down, move, up, cancel };
}
