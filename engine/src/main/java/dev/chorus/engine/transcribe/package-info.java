/**
 * Offline speech-to-text of the agent's turns after a call ({@code chorus run --transcribe}): the pocketsphinx
 * command-line decoder when it is installed, CMU Sphinx4 in this JVM otherwise. Nothing here runs on an event loop:
 * {@link dev.chorus.engine.transcribe.TranscriptionWorker} owns one thread that takes ended calls from the recorder
 * thread and hands them back with {@code stt_text} on their agent turns. Engines are not thread-safe; each belongs
 * to the worker's thread.
 */
package dev.chorus.engine.transcribe;
