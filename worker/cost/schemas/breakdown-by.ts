// Only constants: the breakdown's groups, shared by the API's query schema and the cost pages.
export const BREAKDOWN_BY_VALUES = [
  'datacenter',
  'rack',
  'server',
  'vm',
  'workload',
  'owner',
  'tag',
  'category',
] as const;
