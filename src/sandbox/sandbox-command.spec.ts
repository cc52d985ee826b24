import { bubblewrapArgs, INSIDE } from './sandbox-command';

describe('bubblewrapArgs', () => {
  const args = bubblewrapArgs(
    { workDir: '/host/work', controlDir: '/host/control', etcDir: '/host/etc', packages: {}, tmpBytes: 1024 },
    { A: 'b' },
    ['/bin/true'],
  );
  const at = (...sequence: string[]) => args.findIndex((_, i) => sequence.every((value, j) => args[i + j] === value));

  it('makes the root read-only after every mount: only /work and /tmp can be written', () => {
    const remount = at('--remount-ro', '/');
    expect(remount).toBeGreaterThan(at('--bind', '/host/work', INSIDE.work));
    expect(remount).toBeGreaterThan(at('--tmpfs', '/tmp'));
    expect(remount).toBeGreaterThan(at('--ro-bind', '/host/control', INSIDE.control));
    expect(remount).toBeLessThan(args.indexOf('--'));
  });

  it('gives the program every namespace, no capabilities and only its own environment', () => {
    expect(args.slice(0, 2)).toEqual(['--unshare-all', '--unshare-user']);
    expect(at('--cap-drop', 'ALL')).toBeGreaterThanOrEqual(0);
    expect(at('--clearenv')).toBeLessThan(at('--setenv', 'A', 'b'));
    expect(args.slice(args.indexOf('--'))).toEqual(['--', '/bin/true']);
  });
});
