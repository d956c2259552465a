import { withFrameAncestors } from '../../../server/middleware/framing';

describe('withFrameAncestors', () => {
  it("when the policy forbids framing, then only that directive changes", () => {
    const policy = "default-src 'self';script-src 'self';frame-ancestors 'none';form-action 'self'";
    expect(withFrameAncestors(policy, '*')).toBe("default-src 'self';script-src 'self';form-action 'self';frame-ancestors *");
  });

  it('when the policy has no frame-ancestors, then one is added', () => {
    expect(withFrameAncestors("default-src 'self'", '*')).toBe("default-src 'self';frame-ancestors *");
  });
});
