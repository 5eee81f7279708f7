/**
 * The reference agent ({@code chorus agent}, the peer of {@code chorus demo} and of the loopback tests): a wss server
 * on loopback with a certificate it makes itself, speaking the default agent protocol — ready message, caller
 * utterances found by speech detection, a speech-like reply after a set delay, paced in real time — or the server side of any protocol profile ({@code --profile twilio} …,
 * {@link dev.chorus.engine.agent.AgentProtocol}), plus misbehaviours on demand (401, no ready, no session id,
 * mid-call close, invalid JSON, freeze, barge-in).
 *
 * <p>Threading: {@link dev.chorus.engine.agent.ReferenceAgent} and the observation classes are thread-safe; the
 * per-connection handlers run on their channel's event loop only.
 */
package dev.chorus.engine.agent;
