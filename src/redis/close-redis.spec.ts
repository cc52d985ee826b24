import type { Redis } from 'ioredis';
import { closeRedis } from './close-redis';

describe('closeRedis', () => {
  const client = (status: string, quit: () => Promise<unknown> = () => Promise.resolve('OK')) => {
    const fake = { status, quit: jest.fn(quit), disconnect: jest.fn() };
    return fake as typeof fake & Redis;
  };

  it('sends QUIT on a ready connection', async () => {
    const ready = client('ready');
    await closeRedis(ready);
    expect(ready.quit).toHaveBeenCalled();
    expect(ready.disconnect).not.toHaveBeenCalled();
  });

  it('disconnects when QUIT fails', async () => {
    const failing = client('ready', () => Promise.reject(new Error('Connection is closed.')));
    await closeRedis(failing);
    expect(failing.disconnect).toHaveBeenCalled();
  });

  it.each(['reconnecting', 'connecting', 'wait'])(
    'disconnects at once while %s, without waiting on QUIT',
    async (status) => {
      const away = client(status, () => new Promise(() => undefined));
      await closeRedis(away);
      expect(away.quit).not.toHaveBeenCalled();
      expect(away.disconnect).toHaveBeenCalled();
    },
  );

  it('leaves an ended client alone', async () => {
    const ended = client('end');
    await closeRedis(ended);
    await closeRedis(undefined);
    expect(ended.quit).not.toHaveBeenCalled();
    expect(ended.disconnect).not.toHaveBeenCalled();
  });
});
