// Runs the integration suites that stop and restart servers (file names containing "faults")
// after every suite that expects a steady stack; the rest keep jest's default order.
const Sequencer = require('@jest/test-sequencer').default;

class FaultsLastSequencer extends Sequencer {
  sort(tests) {
    const sorted = super.sort(tests);
    const isFault = (t) => /faults/.test(t.path);
    return [...sorted.filter((t) => !isFault(t)), ...sorted.filter(isFault)];
  }
}

module.exports = FaultsLastSequencer;
