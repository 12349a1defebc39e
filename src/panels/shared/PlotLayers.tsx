import React, { type RefObject } from 'react';
import { useStyles2 } from '@grafana/ui';
import { overlayStyle } from './overlay';

interface PlotLayersProps {
  canvas: RefObject<HTMLCanvasElement>;
  overlay: RefObject<HTMLCanvasElement>;
  width: number;
  height: number;
  /** How the layers sit: sticky over scrolled rows, or in place. */
  className: string;
  label: string;
  testId: string;
  pointer: React.DOMAttributes<HTMLCanvasElement>;
  onKeyDown: (e: React.KeyboardEvent<HTMLCanvasElement>) => void;
  onBlur: () => void;
  /** Extra data-* attributes for tests. */
  data?: Record<`data-${string}`, string>;
}

/**
 * The data canvas and, on top of it, the overlay canvas that takes the pointer and the keyboard
 * (crosshair, selection and hover are drawn there, so hovering never redraws the data).
 */
export function PlotLayers({
  canvas,
  overlay,
  width,
  height,
  className,
  label,
  testId,
  pointer,
  onKeyDown,
  onBlur,
  data,
}: PlotLayersProps) {
  const overlayClass = useStyles2(overlayStyle);
  return (
    <div className={className} style={{ width, height }}>
      <canvas ref={canvas} style={{ width, height, display: 'block' }} />
      <canvas
        ref={overlay}
        className={overlayClass}
        style={{ width, height }}
        tabIndex={0}
        role="img"
        aria-label={label}
        data-testid={testId}
        {...data}
        {...pointer}
        onKeyDown={onKeyDown}
        onBlur={onBlur}
      />
    </div>
  );
}
