// Only constants: the breakdown's groups, shared by the API's query schema and the cost pages.
export const BREAKDOWN_BY_VALUES = ['datacenter', 'rack', 'server', 'vm', 'owner', 'tag', 'category'] as const;
