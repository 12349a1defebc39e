import { useEffect, useMemo, useState } from 'react';
import { DataHoverClearEvent, DataHoverEvent, type EventBus } from '@grafana/data';

/**
 * Grafana's shared crosshair: the time another panel is hovering (drawn as a line here), and a
 * way to tell the other panels where this one is hovered. The dashboard's "shared crosshair"
 * setting decides whether the bus carries these events between panels.
 */
/** Tells the other panels where this one is hovered, or that it no longer is. */
export interface CrosshairPublish {
  hover: (time: number) => void;
  clear: () => void;
}

export function useCrosshair(eventBus: EventBus | undefined): {
  sharedTime: number | undefined;
  publish: CrosshairPublish;
} {
  const [sharedTime, setSharedTime] = useState<number | undefined>(undefined);
  useEffect(() => {
    if (!eventBus) {
      return;
    }
    const bus = eventBus;
    const subs = [
      eventBus.subscribe(DataHoverEvent, (event) => {
        if (event.origin !== bus) {
          const time = event.payload.point?.time;
          setSharedTime(typeof time === 'number' ? time : undefined);
        }
      }),
      eventBus.subscribe(DataHoverClearEvent, (event) => {
        if (event.origin !== bus) {
          setSharedTime(undefined);
        }
      }),
    ];
    return () => subs.forEach((s) => s.unsubscribe());
  }, [eventBus]);

  const publish = useMemo(
    () => ({
      hover: (time: number) => eventBus?.publish(new DataHoverEvent({ point: { time } })),
      clear: () => eventBus?.publish(new DataHoverClearEvent()),
    }),
    [eventBus]
  );
  return { sharedTime, publish };
}
