import { LiveSequencer } from './live-sequencer';
import type { LiveUpdate } from './live-update';

const status = (status: string, attempt = 1, steps: number[] = [], final = false): LiveUpdate => ({
  event: 'run.updated',
  payload: { status },
  key: `status:${attempt}:${status}`,
  covers: steps.map((i) => `step:${attempt}:${i}`),
  final,
});
const step = (index: number, attempt = 1): LiveUpdate => ({
  event: 'run.step',
  payload: { index },
  key: `step:${attempt}:${index}`,
  final: false,
});

describe('LiveSequencer', () => {
  it('passes a normal stream in order', () => {
    const seq = new LiveSequencer();
    const stream = [status('queued'), status('running'), step(0), step(1), status('passed', 1, [0, 1], true)];
    expect(stream.map((u) => seq.admit(u))).toEqual([true, true, true, true, true]);
    expect(seq.done).toBe(true);
  });

  it('drops steps that the snapshot already held and a repeated status', () => {
    const seq = new LiveSequencer();
    expect(seq.admit(status('running', 1, [0, 1]))).toBe(true);
    expect(seq.admit(status('running'))).toBe(false);
    expect(seq.admit(step(0))).toBe(false);
    expect(seq.admit(step(1))).toBe(false);
    expect(seq.admit(step(2))).toBe(true);
  });

  it('lets a retry report its steps again', () => {
    const seq = new LiveSequencer();
    seq.admit(status('running', 1));
    seq.admit(step(0, 1));
    expect(seq.admit(status('running', 2))).toBe(true);
    expect(seq.admit(step(0, 2))).toBe(true);
  });

  it('delivers nothing after the final update', () => {
    const seq = new LiveSequencer();
    expect(seq.admit(status('cancelled', 1, [], true))).toBe(true);
    expect(seq.admit(step(3))).toBe(false);
    expect(seq.admit(status('passed', 1, [], true))).toBe(false);
  });
});
