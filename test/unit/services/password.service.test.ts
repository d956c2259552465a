import { hashPassword, passwordProblem, verifyPassword, PASSWORD_MIN_LENGTH } from '../../../server/services/password.service';

describe('passwordProblem', () => {
  it.each([
    ['', 'too-short'],
    ['onze lettre', 'too-short'],
    ['x'.repeat(257), 'too-long'],
    ['password1234', 'too-common'],
    ['Mot De Passe 123', 'too-common'],
    ['azertyuiop123', 'too-common'],
    ['zzzzzzzzzzzzzzzz', 'too-common'],
    ['rouge-gorge sur la clôture', null],
  ])('when the password is %j, then the problem is %s', (password, expected) => {
    expect(passwordProblem(password)).toBe(expected);
  });

  it('when the password has exactly the minimum length, then it is accepted', () => {
    expect(passwordProblem('k7#qW2!zR9@m'.slice(0, PASSWORD_MIN_LENGTH))).toBeNull();
  });
});

describe('hashPassword / verifyPassword', () => {
  it('when a password is hashed, then it is argon2id, salted, and only that password verifies', async () => {
    const hash = await hashPassword('rouge-gorge sur la clôture');
    expect(hash).toMatch(/^\$argon2id\$v=19\$/);
    expect(await hashPassword('rouge-gorge sur la clôture')).not.toBe(hash);
    expect(await verifyPassword(hash, 'rouge-gorge sur la clôture')).toBe(true);
    expect(await verifyPassword(hash, 'rouge-gorge sur la cloture')).toBe(false);
    expect(await verifyPassword('not a hash', 'anything at all')).toBe(false);
  });
});
