// The trigger pipeline, shared by `POST /v1/notifications` and the compatibility layer.
export { runTrigger } from './trigger.ts';
export { planTrigger, DEFAULT_CATEGORY } from './plan.ts';
export type { TriggerPlan } from './plan.ts';
export { templateContext } from './external.ts';
