/**
 * The Chorus engine: one Java API ({@link dev.chorus.engine.Chorus}) that runs simulated calls against a voice agent;
 * the CLI, the control port and the tests are doors onto it.
 */
package dev.chorus.engine;
