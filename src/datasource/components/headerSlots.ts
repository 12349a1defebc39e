import { MAX_CUSTOM_HEADERS } from '../../../contract';

/**
 * Custom headers are stored by slot: the name at position i of `<source>HttpHeaderNames`, its value
 * in the secure key `<source>HttpHeaderValue<i>`. The browser never reads a saved value back, so it
 * cannot move one to another slot. Removing a header therefore never shifts the others: its slot
 * becomes a hole (an empty name, which the backend skips) and its value is reset; trailing holes
 * are dropped and "Add header" fills the first hole.
 *
 * Grafana: CUSTOM-HEADERS-RENUMBER (docs/grafana-behaviour.md). Grafana's own editors
 * (CustomHeadersSettings in @grafana/ui, getCustomHeaders in
 * @grafana/plugin-ui) renumber httpHeaderName<N> after a removal and only re-send values typed in
 * this session, so a saved value stays at its old number and then belongs to another header.
 */

/** Whether slot i holds something worth a row although it has no name: a saved or a typed value. */
export type SlotHasValue = (slot: number) => boolean;

/** The slots shown as rows, in order: named ones, ones with a value, and ones opened in this session. */
export function visibleSlots(names: string[], hasValue: SlotHasValue, opened: ReadonlySet<number>): number[] {
  const slots: number[] = [];
  for (let slot = 0; slot < Math.min(names.length, MAX_CUSTOM_HEADERS); slot++) {
    if (names[slot] !== '' || hasValue(slot) || opened.has(slot)) {
      slots.push(slot);
    }
  }
  return slots;
}

/** Adding a header: the first slot no row uses (a hole, or one past the end), and the names with it. */
export function addSlot(names: string[], visible: number[]): { names: string[]; slot: number } {
  let slot = 0;
  while (visible.includes(slot)) {
    slot++;
  }
  const next = [...names];
  while (next.length <= slot) {
    next.push('');
  }
  next[slot] = '';
  return { names: next, slot };
}

/**
 * Removing the header of one slot: its name becomes a hole, holes at the end are dropped. Returns
 * the names and the slots whose secure value is to be reset (the removed one and dropped holes);
 * every other slot, and so every other saved value, stays where it is.
 */
export function removeSlot(names: string[], visible: number[], slot: number): { names: string[]; reset: number[] } {
  const remaining = visible.filter((s) => s !== slot);
  const next = names.map((name, i) => (i === slot ? '' : name));
  const reset = [slot];
  while (next.length > 0 && !remaining.includes(next.length - 1)) {
    next.pop();
    if (next.length !== slot) {
      reset.push(next.length);
    }
  }
  return { names: next, reset };
}
