/** Number formatting of the overview (pure). */
export const formatRate = (perSecond?: number) =>
  perSecond === undefined ? '—' : perSecond >= 10 ? `${perSecond.toFixed(0)}/s` : `${perSecond.toFixed(2)}/s`;
export const formatShare = (share?: number) =>
  share === undefined || Number.isNaN(share) ? '—' : `${(share * 100).toFixed(share < 0.01 && share > 0 ? 2 : 1)} %`;
export const formatSeconds = (seconds?: number) =>
  seconds === undefined || Number.isNaN(seconds)
    ? '—'
    : seconds < 1
      ? `${(seconds * 1000).toFixed(seconds < 0.01 ? 1 : 0)} ms`
      : `${seconds.toFixed(2)} s`;
