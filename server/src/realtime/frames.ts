// SSE frames of stream events.
import { encodeSseFrame } from 'belfry/protocol';
import type { StreamEvent } from 'belfry/protocol';

/** Encodes one stream event as an SSE frame. */
export const frameOf = (event: StreamEvent): string => encodeSseFrame(event);
