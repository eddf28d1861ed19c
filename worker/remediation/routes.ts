import type { Api } from '../platform/http/api';
import { IdParams, mountResource } from '../platform/http/resource';
import { playbooksResource } from './playbooks';
import { runsResource } from './runs';
import { approveRun, rejectRun } from './execute';
import { getSettings, setKillSwitch } from './settings';
import { KillSwitch, Run, RunDecision, Settings } from './schemas/run';

export function mountRemediation(api: Api) {
  mountResource(api, playbooksResource);
  mountResource(api, runsResource);

  api.op(
    {
      method: 'post',
      path: '/remediation/runs/{id}/approve',
      summary: 'Approve a run awaiting approval: its action goes to the site agent',
      description:
        'The guards are asked again first: refused (409) while the kill switch is on, a maintenance window covers ' +
        'the target, the playbook has used its actions for the hour in that datacenter, or its cooldown on the ' +
        'target runs; also when the alert has cleared meanwhile. A run in a zone with step-up needs a fresh ' +
        'passkey confirmation.',
      tags: ['Remediation'],
      access: 'vms:operate',
      params: IdParams,
      responses: [
        {
          status: 200,
          description: 'The run, executing (or failed when the action was refused)',
          schema: Run,
          complete: true,
        },
        { status: 404, description: 'No such run' },
        { status: 409, description: 'Not awaiting approval, or a guard holds it back' },
      ],
    },
    async (c, { ctx, params }) => c.json(await approveRun(ctx, params.id)),
  );

  api.op(
    {
      method: 'post',
      path: '/remediation/runs/{id}/reject',
      summary: 'Reject a run awaiting approval, with a reason',
      tags: ['Remediation'],
      access: 'vms:operate',
      params: IdParams,
      body: RunDecision,
      responses: [
        { status: 200, description: 'The run, rejected', schema: Run, complete: true },
        { status: 404, description: 'No such run' },
        { status: 409, description: 'Not awaiting approval' },
      ],
    },
    async (c, { ctx, params, body }) => c.json(await rejectRun(ctx, params.id, body.reason)),
  );

  api.op(
    {
      method: 'get',
      path: '/remediation/settings',
      summary: 'The kill switch and who last moved it',
      tags: ['Remediation'],
      access: 'alerts:read',
      responses: [{ status: 200, description: 'The settings', schema: Settings, complete: true }],
    },
    async (c, { ctx }) => c.json(await getSettings(ctx)),
  );

  api.op(
    {
      method: 'put',
      path: '/remediation/settings/kill-switch',
      summary: 'Turn the kill switch on (no playbook acts, no approval starts anything) or off',
      tags: ['Remediation'],
      access: 'alerts:configure',
      body: KillSwitch,
      responses: [{ status: 200, description: 'The settings', schema: Settings, complete: true }],
    },
    async (c, { ctx, body }) => c.json(await setKillSwitch(ctx, body.kill_switch, body.note)),
  );
}
