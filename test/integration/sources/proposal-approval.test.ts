import { Types } from 'mongoose';
import { ClaimModel } from '../../../models/claim.model';
import { DataSourceModel } from '../../../models/data-source.model';
import { MeasurementModel } from '../../../models/measurement.model';
import { ProposalModel } from '../../../models/proposal.model';
import { RevisionModel } from '../../../models/revision.model';
import { UpdateModel } from '../../../models/update.model';
import { approveProposal, proposalMeasurementForm } from '../../../server/services/editor-actions/approve-proposal.action';
import { deleteClaim } from '../../../server/services/editor-actions/delete-claim.action';
import type { EditorActionContext } from '../../../server/services/editor-actions/run-editor-action';
import * as revisions from '../../../server/services/revisions.service';
import { startSeededApp, TEST_NOW, type SeededApp } from '../../helpers/seeded-app';

/** Approving a proposal is one editor action: all of it or nothing, and once. */

let seeded: SeededApp;
let claimId: Types.ObjectId;
const ctx: EditorActionContext = { actor: { id: new Types.ObjectId().toHexString(), name: 'Rédactrice' }, now: TEST_NOW, timeZone: 'Europe/Paris' };

let counter = 0;
async function pendingProposal(claim = claimId) {
  counter += 1;
  const source = await DataSourceModel.create({ claim, url: `https://data.example.org/${counter}.csv`, format: 'csv', valueField: 'total', outlet: 'Ministère', definition: 'pass sur liste noire', sameQuantity: false, schedule: 'daily', nextFetchAt: new Date('2100-01-01') });
  return ProposalModel.create({
    claim,
    source: source._id,
    dedupKey: `k${counter}`,
    value: 5000 + counter,
    asOf: new Date('2022-01-14T23:00:00Z'),
    asOfPrecision: 'day',
    definition: 'pass sur liste noire',
    sameQuantity: false,
    outlet: 'Ministère',
    sourceUrl: source.url,
    snapshot: new Types.ObjectId(),
    snapshotAt: TEST_NOW,
    fetchedAt: TEST_NOW,
  });
}

beforeAll(async () => {
  seeded = await startSeededApp();
  claimId = (await ClaimModel.findOne({ slug: 'darmanin-182000-faux-pass-sanitaires' }).lean())!._id;
});
afterAll(async () => {
  await seeded.close();
});
afterEach(() => {
  jest.restoreAllMocks();
});

describe('approving a proposal', () => {
  it('when it succeeds, then the proposal is approved and its measurement, Revision and Update are stored, its source naming the data source and the snapshot', async () => {
    const proposal = await pendingProposal();
    const outcome = await approveProposal(proposal._id, proposalMeasurementForm(proposal), 'Nouvelle mesure', ctx);
    expect(outcome.measurement).toBeInstanceOf(Types.ObjectId);
    const measurement = await MeasurementModel.findById(outcome.measurement).lean();
    expect(measurement).toMatchObject({ value: proposal.value, sameQuantity: false, source: { outlet: 'Ministère', url: proposal.sourceUrl, snapshot: proposal.snapshot, snapshotAt: TEST_NOW } });
    expect(await ProposalModel.findById(proposal._id).lean()).toMatchObject({ status: 'approved', measurement: outcome.measurement, decidedByName: 'Rédactrice', decidedAt: TEST_NOW });
    expect(await RevisionModel.countDocuments({ entityId: outcome.measurement, action: 'created' })).toBe(1);
    expect(await UpdateModel.countDocuments({ subject: outcome.measurement, kind: 'measurement-added' })).toBe(1);
  });

  it('when its Revision cannot be written (after the proposal is marked and the measurement written), then nothing is stored and the proposal is still pending', async () => {
    const proposal = await pendingProposal();
    jest.spyOn(revisions, 'recordRevision').mockRejectedValueOnce(new Error('the revision could not be written'));
    await expect(approveProposal(proposal._id, proposalMeasurementForm(proposal), 'Nouvelle mesure', ctx)).rejects.toThrow('the revision could not be written');
    expect(await ProposalModel.findById(proposal._id).lean()).toMatchObject({ status: 'pending' });
    expect(await MeasurementModel.countDocuments({ claim: claimId, value: proposal.value })).toBe(0);
  });

  it('when it is approved several times at once, then one measurement is made', async () => {
    const proposal = await pendingProposal();
    const outcomes = await Promise.all([1, 2, 3].map(() => approveProposal(proposal._id, proposalMeasurementForm(proposal), 'Nouvelle mesure', ctx)));
    expect(outcomes.filter((o) => o.measurement !== null)).toHaveLength(1);
    expect(await MeasurementModel.countDocuments({ claim: claimId, value: proposal.value })).toBe(1);
    expect(await UpdateModel.countDocuments({ claim: claimId, summary: 'Nouvelle mesure', subject: outcomes.find((o) => o.measurement)!.measurement! })).toBe(1);
  });

  it('when its date is before the claim and not confirmed, then it is refused and stays pending', async () => {
    const proposal = await pendingProposal();
    const form = { ...proposalMeasurementForm(proposal), asOf: { at: new Date('2019-01-01T00:00:00Z'), precision: 'day' as const } };
    await expect(approveProposal(proposal._id, form, 'Nouvelle mesure', ctx)).rejects.toMatchObject({ code: 'VALIDATION', details: { asOf: 'measurement.form.asOf.before_announcement' } });
    expect(await ProposalModel.findById(proposal._id).lean()).toMatchObject({ status: 'pending' });
  });

  it('when its claim is deleted, then the claim’s sources are removed and its pending proposals rejected', async () => {
    const { _id: _ignored, __v: _version, ...fields } = (await ClaimModel.findById(claimId).lean())!;
    const copy = await ClaimModel.create({ ...fields, slug: `copie-${Date.now()}`, status: 'draft', verdict: undefined, corrections: [] });
    const proposal = await pendingProposal(copy._id);
    await deleteClaim(copy._id, ctx);
    expect(await DataSourceModel.countDocuments({ claim: copy._id })).toBe(0);
    expect(await ProposalModel.findById(proposal._id).lean()).toMatchObject({ status: 'rejected', decidedByName: 'Rédactrice' });
  });
});
