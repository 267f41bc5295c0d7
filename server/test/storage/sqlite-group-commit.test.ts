// Group commit on a real SQLite database: calls share a transaction, a group stays within its
// weight limit (later calls commit on a later turn, after the first group's answers), and a
// paused group commit keeps calls uncommitted until it resumes.
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createGroupCommit } from '../../src/storage/sqlite-group-commit.ts';

let db: Database.Database;
const tick = () => new Promise((resolve) => setImmediate(resolve));

beforeEach(() => {
  db = new Database(':memory:');
  db.exec('CREATE TABLE rows (batch INTEGER NOT NULL, n INTEGER NOT NULL)');
});
afterEach(() => db.close());

// Inserts `count` rows of `batch`; `commits` lists the batches whose promise settled, in order.
function insertRows() {
  const insert = db.prepare('INSERT INTO rows (batch, n) VALUES (?, ?)');
  const commits: number[] = [];
  const group = createGroupCommit(
    db,
    (batch: number, count: number) => {
      for (let n = 0; n < count; n++) insert.run(batch, n);
      return batch;
    },
    { weight: (_batch, count) => count, maxWeight: 250 },
  );
  const run = async (batch: number, count: number) => {
    expect(await group.run(batch, count)).toBe(batch);
    commits.push(batch);
  };
  return { group, run, commits };
}

describe('createGroupCommit', () => {
  it('commits concurrent calls in groups within the weight limit, the first group answered before the next runs', async () => {
    const { run, commits } = insertRows();
    const calls = [1, 2, 3, 4, 5].map((batch) => run(batch, 100));
    // The first turn commits two calls (200 rows; a third would pass 250) and answers them.
    await tick();
    await Promise.resolve();
    expect(commits).toEqual([1, 2]);
    expect(db.prepare('SELECT count(*) AS n FROM rows').get()).toEqual({ n: 200 });
    await Promise.all(calls);
    expect(commits).toEqual([1, 2, 3, 4, 5]);
    expect(db.prepare('SELECT count(*) AS n FROM rows').get()).toEqual({ n: 500 });
  });

  it('commits a call heavier than the limit alone', async () => {
    const { run } = insertRows();
    await Promise.all([run(1, 400), run(2, 10)]);
    expect(db.prepare('SELECT batch, count(*) AS n FROM rows GROUP BY batch ORDER BY batch').all()).toEqual([
      { batch: 1, n: 400 },
      { batch: 2, n: 10 },
    ]);
  });

  it('keeps calls uncommitted while paused and commits them on resume', async () => {
    const { group, run, commits } = insertRows();
    group.pause();
    const call = run(1, 10);
    for (let i = 0; i < 5; i++) await tick();
    expect(commits).toEqual([]);
    expect(db.prepare('SELECT count(*) AS n FROM rows').get()).toEqual({ n: 0 });
    group.resume();
    await call;
    expect(commits).toEqual([1]);
    expect(db.prepare('SELECT count(*) AS n FROM rows').get()).toEqual({ n: 10 });
  });

  it('flush commits everything queued at once, even while paused', async () => {
    const { group, run } = insertRows();
    group.pause();
    const calls = [run(1, 200), run(2, 200), run(3, 200)];
    group.flush();
    expect(db.prepare('SELECT count(*) AS n FROM rows').get()).toEqual({ n: 600 });
    await Promise.all(calls);
  });
});
