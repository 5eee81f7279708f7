/**
 * The call's Netty pipeline, one handler per concern, reading top to bottom like the call flow; see
 * {@link dev.chorus.engine.pipeline.PipelineNames} for the order. The protocol profile handlers (hello gate, opening,
 * auto-reply, playback flush, mark echo, keep-alive, speech events, stream counters) are added only when the agent
 * file's profile needs them, and reach the call only through {@link dev.chorus.engine.pipeline.PlaybackTimeline} and
 * its template values.
 *
 * <p>Threading: every handler runs on its channel's event loop only; none is shareable unless annotated
 * {@code @Sharable}. Messages passed between handlers are owned by the receiver, which releases them.
 */
package dev.chorus.engine.pipeline;
