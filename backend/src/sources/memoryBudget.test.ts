import { collectGarbageNow } from './memoryBudget';

const MiB = 1024 * 1024;

/** A large answer's text, out of every local's reach once this returns. */
function answerGoneSoon(): WeakRef<object> {
  return new WeakRef({ text: 'x'.repeat(4 * MiB) + String(Math.random()) });
}

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

describe('collecting counted garbage at once', () => {
  it('frees a large answer before the caller goes on once 48 MiB of counted answers are garbage', async () => {
    const answer = answerGoneSoon();
    await nextTurn(); // a WeakRef keeps its target until the job that made it ends
    collectGarbageNow(48 * MiB);
    expect(answer.deref()).toBeUndefined();
  });

  it('adds up what several calls note, and collects once the sum reaches 48 MiB', async () => {
    collectGarbageNow(47 * MiB);
    const answer = answerGoneSoon();
    await nextTurn();
    collectGarbageNow(1 * MiB);
    expect(answer.deref()).toBeUndefined();
  });
});
