import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import mongoose from 'mongoose';
import { ClaimModel } from '../../models/claim.model';
import { MeasurementModel } from '../../models/measurement.model';
import { SEED_DATA } from '../../seed/data/seed-data';
import { connectDatabase } from '../../server/db/connect';
import { silentLogger } from '../helpers/app';
import { ROOT, runScriptToExit } from '../helpers/server-process';

const CLI = path.join(ROOT, 'dist/test/bench/bench-data.js');
const SEED_SLUGS = SEED_DATA.claims.map((claim) => claim.slug);
const SEED_MEASUREMENTS = SEED_DATA.claims.reduce((sum, claim) => sum + claim.measurements.length, 0);

/** What the DATA_DIR holds, read through the app's own connection code once the command has exited. */
async function countsIn(dataDir: string) {
  const database = await connectDatabase({ dataDir, mongodbUri: undefined }, silentLogger, { role: 'app' });
  try {
    // The driver's collections: Mongoose's sanitizeFilter refuses operators in filters.
    const seedClaims = await ClaimModel.collection.find({ slug: { $in: SEED_SLUGS } }, { projection: { _id: 1 } }).toArray();
    return {
      claims: await ClaimModel.countDocuments(),
      seedClaims: seedClaims.length,
      measurements: await MeasurementModel.countDocuments(),
      generatedMeasurements: await MeasurementModel.collection.countDocuments({ claim: { $nin: seedClaims.map((c) => c._id) } }),
    };
  } finally {
    await database.close();
    await mongoose.disconnect();
  }
}

describe('npm run bench:data', () => {
  let dataDir: string;
  beforeEach(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ecart-bench-data-'));
  });
  afterEach(() => {
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('when run for 20 claims and 60 measurements on an empty DATA_DIR, then it holds those plus the seed, and a second run needs --replace', async () => {
    const first = await runScriptToExit(CLI, ['--claims', '20', '--measurements', '60'], { DATA_DIR: dataDir, LOG_LEVEL: 'silent' });
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/Generated in \d+\.\d s: 20 claims .*, 60 measurements/);
    expect(first.stdout).toMatch(/Seed loaded in \d+\.\d s: 14 claims/);
    const expected = {
      claims: 20 + SEED_SLUGS.length,
      seedClaims: SEED_SLUGS.length,
      measurements: 60 + SEED_MEASUREMENTS,
      generatedMeasurements: 60,
    };
    expect(await countsIn(dataDir)).toEqual(expected);

    const refused = await runScriptToExit(CLI, ['--claims', '20', '--measurements', '60'], { DATA_DIR: dataDir, LOG_LEVEL: 'silent' });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toBe("bench:data: the database already holds 20 claims besides the seed's: pass --replace to drop it and start over\n");

    const replaced = await runScriptToExit(CLI, ['--claims', '20', '--measurements', '60', '--replace'], { DATA_DIR: dataDir, LOG_LEVEL: 'silent' });
    expect(replaced.code).toBe(0);
    expect(await countsIn(dataDir)).toEqual(expected);
  });

  it('when an argument is not a whole number, then it fails with one line naming it', async () => {
    const res = await runScriptToExit(CLI, ['--claims', 'many'], { DATA_DIR: dataDir, LOG_LEVEL: 'silent' });
    expect(res.code).toBe(1);
    expect(res.stderr).toBe('bench:data: --claims must be a whole number of at least 1 (got "many")\n');
    expect(fs.readdirSync(dataDir)).toEqual([]);
  });
});
