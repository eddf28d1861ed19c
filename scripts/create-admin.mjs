// Creates (or resets the password of) an admin account directly in D1 — the way to get the first admin in
// production, where the Worker never creates admin/admin123.
//
//   ADMIN_PASSWORD='a long passphrase' npm run create-admin -- --username alice --email alice@example.com --remote
import { spawnSync } from 'node:child_process';
import { webcrypto as crypto } from 'node:crypto';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    username: { type: 'string' },
    email: { type: 'string' },
    remote: { type: 'boolean', default: false },
  },
});
const password = process.env.ADMIN_PASSWORD ?? '';
if (!values.username || !values.email || password.length < 12) {
  console.error(
    'usage: ADMIN_PASSWORD=<at least 12 characters> node scripts/create-admin.mjs --username U --email E [--remote]',
  );
  process.exit(2);
}
if (!/^[A-Za-z0-9][A-Za-z0-9._-]{2,63}$/.test(values.username) || !/^[^\s@']+@[^\s@']+$/.test(values.email)) {
  console.error('invalid username or email');
  process.exit(2);
}

// same format as worker/platform/identity/passwords.ts: pbkdf2-sha256$<iterations>$<salt>$<hash>
const iterations = 100_000;
const salt = crypto.getRandomValues(new Uint8Array(16));
const key = await crypto.subtle.importKey('raw', new TextEncoder().encode(password), 'PBKDF2', false, ['deriveBits']);
const bits = new Uint8Array(
  await crypto.subtle.deriveBits({ name: 'PBKDF2', hash: 'SHA-256', salt, iterations }, key, 256),
);
const b64 = (b) => Buffer.from(b).toString('base64').replace(/=+$/, '');
const hash = `pbkdf2-sha256$${iterations}$${b64(salt)}$${b64(bits)}`;

const sql =
  `INSERT INTO users (username, email, full_name, password_hash, role, clearance) ` +
  `VALUES ('${values.username}', '${values.email}', 'Administrator', '${hash}', 'admin', 'Top Secret') ` +
  `ON CONFLICT DO UPDATE SET password_hash = excluded.password_hash, role = 'admin', disabled = 0;` +
  `INSERT INTO audit_log (actor, action, entity_type, entity_id, after) ` +
  `VALUES ('cli', 'create_admin', 'user', '${values.username}', json_object('username', '${values.username}'));`;
const r = spawnSync('wrangler', ['d1', 'execute', 'DB', values.remote ? '--remote' : '--local', '--command', sql], {
  stdio: 'inherit',
});
process.exit(r.status ?? 1);
